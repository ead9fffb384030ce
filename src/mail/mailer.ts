// Email through nodemailer: the second channel for alerts, and the seed's test email. The server's certificate is
// verified unless SMTP_TLS_INSECURE=true, and credentials never cross the wire before TLS.
import type { Transporter } from 'nodemailer';
import type { Config } from '../config.js';

export interface Mail {
  to?: string;
  subject: string;
  text: string;
  attachments?: { filename: string; content: string }[];
}
export interface Mailer {
  /** False when SMTP_HOST is unset: callers say "skipped" rather than fail. */
  readonly configured: boolean;
  /** Where alerts go (ALERT_EMAIL); undefined when unset. */
  readonly alertTo: string | undefined;
  send(mail: Mail): Promise<void>;
  close(): void;
}

// What Node's TLS says about a certificate it does not trust (self-signed, unknown CA, expired, wrong host).
const UNTRUSTED = /certificate|self[- ]signed|CERT_|unable to verify|altnames/i;

/** A refused certificate named as such, with the two ways out; other errors pass unchanged. */
function explained(error: unknown, host: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (!UNTRUSTED.test(message)) return error;
  const reason = message.replace(/^Error initiating TLS - /, '');
  return new Error(
    `SMTP server ${host} presented a certificate opsbot does not trust (${reason}); nothing was sent. Give it a trusted certificate (or add its CA with NODE_EXTRA_CA_CERTS), or set SMTP_TLS_INSECURE=true to skip the check`,
    { cause: error },
  );
}

export function createMailer(smtp: Config['smtp']): Mailer {
  if (!smtp.host) {
    return {
      configured: false,
      alertTo: smtp.alertEmail,
      close() {},
      send: () => Promise.reject(new Error('SMTP is not configured')),
    };
  }
  const host = smtp.host;
  const implicitTls = smtp.port === 465;
  // nodemailer is loaded at the first mail, not at every start.
  const options = {
    host,
    port: smtp.port,
    secure: implicitTls,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    // With credentials, STARTTLS is required: a server (or someone on the path) that hides it gets no password.
    // Without them, STARTTLS is still used whenever the server offers it.
    requireTLS: Boolean(smtp.user) && !implicitTls,
    tls: { rejectUnauthorized: !smtp.tlsInsecure },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  };
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(options)));
  return {
    configured: true,
    alertTo: smtp.alertEmail,
    async send(mail) {
      const to = mail.to ?? smtp.alertEmail;
      if (!to) throw new Error('no recipient: set ALERT_EMAIL');
      try {
        await (await open()).sendMail({
          from: smtp.from,
          to,
          subject: mail.subject,
          text: mail.text,
          attachments: mail.attachments,
        });
      } catch (error) {
        throw explained(error, host);
      }
    },
    close: () => void transport?.then((t) => t.close()),
  };
}
