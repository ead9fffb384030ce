// Email through nodemailer: the second channel for alerts, and the seed's test email.
import nodemailer from 'nodemailer';
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

export function createMailer(smtp: Config['smtp']): Mailer {
  if (!smtp.host) {
    return {
      configured: false,
      alertTo: smtp.alertEmail,
      close() {},
      send: () => Promise.reject(new Error('SMTP is not configured')),
    };
  }
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.port === 465,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    // Test and internal relays often offer STARTTLS with self-signed certificates.
    tls: { rejectUnauthorized: false },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  return {
    configured: true,
    alertTo: smtp.alertEmail,
    async send(mail) {
      const to = mail.to ?? smtp.alertEmail;
      if (!to) throw new Error('no recipient: set ALERT_EMAIL');
      await transport.sendMail({
        from: smtp.from,
        to,
        subject: mail.subject,
        text: mail.text,
        attachments: mail.attachments,
      });
    },
    close: () => transport.close(),
  };
}
