// An SMTP server offering STARTTLS with a self-signed certificate made at test time (openssl; no key is committed),
// recording each login with whether it came over TLS. `starttls: false` refuses the STARTTLS command, as a server
// (or someone on the path) that strips it would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ReceivedMail } from './smtp.js';

export interface TlsSmtp {
  port: number;
  /** Every AUTH the server saw: secure is false when it came before TLS. */
  logins: { user: string; secure: boolean }[];
  mails: ReceivedMail[];
  stop(): Promise<void>;
}

/** A certificate for 127.0.0.1 and localhost that no CA signed: only trust is missing, the names match. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startTlsSmtp(
  certificate: { key: string; cert: string },
  { starttls = true } = {},
): Promise<TlsSmtp> {
  const logins: TlsSmtp['logins'] = [];
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    ...certificate,
    logger: false,
    // The server would take a login over plain text: only the client can keep the password off the wire.
    allowInsecureAuth: true,
    disabledCommands: starttls ? [] : ['STARTTLS'],
    onAuth(auth, session, callback) {
      logins.push({ user: auth.username ?? '', secure: session.secure });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), envelope));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    logins,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
