// SMTP over STARTTLS: a server whose certificate nobody signed is refused by default with words that say why and what
// to do, and accepted with SMTP_TLS_INSECURE=true (which config check and the bot's start warn about). Credentials
// never go out before TLS, even when the server does not offer it.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../cli/main.js';
import { loadConfig } from '../../src/config.js';
import { createMailer } from '../../src/mail/mailer.js';
import { startBot } from '../support/bot.js';
import { selfSignedCertificate, startTlsSmtp, type TlsSmtp } from '../support/tls-smtp.js';

const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'a-signing-secret' };

function mailerFor(port: number, env: Record<string, string> = {}) {
  const config = loadConfig({
    ...slackEnv,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMTP_USER: 'opsbot',
    SMTP_PASSWORD: 'smtp-secret-password',
    ALERT_EMAIL: 'ops@example.com',
    ...env,
  });
  const mailer = createMailer(config.smtp);
  onTestFinished(() => mailer.close());
  return mailer;
}

async function cli(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('SMTP with a self-signed certificate', () => {
  const certificate = selfSignedCertificate();
  let server: TlsSmtp;
  let stripped: TlsSmtp;
  beforeAll(async () => {
    server = await startTlsSmtp(certificate);
    stripped = await startTlsSmtp(certificate, { starttls: false });
  });
  afterAll(async () => {
    await server?.stop();
    await stripped?.stop();
  });

  it('is refused by default: nothing is sent, no login happens, and the error says why and what to set', async () => {
    const sent = mailerFor(server.port).send({ subject: 'refused', text: 'body' });
    await expect(sent).rejects.toThrow(/does not trust \(self[- ]signed certificate\).*SMTP_TLS_INSECURE=true/);
    await expect(sent).rejects.not.toThrow(/smtp-secret-password/);
    expect(server.mails).toEqual([]);
    expect(server.logins).toEqual([]);
  });

  it('is accepted with SMTP_TLS_INSECURE=true, logging in only after STARTTLS', async () => {
    await mailerFor(server.port, { SMTP_TLS_INSECURE: 'true' }).send({ subject: 'accepted', text: 'body' });
    expect(server.mails.map((mail) => mail.subject)).toEqual(['accepted']);
    expect(server.logins).toEqual([{ user: 'opsbot', secure: true }]);
  });

  it.each([
    ['verified', {}],
    ['insecure', { SMTP_TLS_INSECURE: 'true' }],
  ])('never sends credentials to a server that does not do STARTTLS (%s)', async (_mode, env) => {
    await expect(mailerFor(stripped.port, env).send({ subject: 'plain', text: 'body' })).rejects.toThrow(/STARTTLS/);
    expect(stripped.logins).toEqual([]);
    expect(stripped.mails).toEqual([]);
  });
});

describe('SMTP_TLS_INSECURE warnings', () => {
  it('config check warns when it is true, says nothing when unset, and refuses a value that is not a flag', async () => {
    const warned = await cli(['config', 'check'], { ...slackEnv, SMTP_TLS_INSECURE: 'true' });
    expect(warned.code).toBe(0);
    expect(warned.err).toContain("Warning: SMTP_TLS_INSECURE=true: the SMTP server's certificate is not verified");
    expect(warned.out).toContain('"tlsInsecure": true');
    const quiet = await cli(['config', 'check'], slackEnv);
    expect(quiet.code).toBe(0);
    expect(quiet.err).not.toContain('SMTP_TLS_INSECURE');
    const wrong = await cli(['config', 'check'], { ...slackEnv, SMTP_TLS_INSECURE: 'sure' });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('SMTP_TLS_INSECURE: `sure` must be true or false. Example: SMTP_TLS_INSECURE=false');
  });

  it('the bot warns at start', async () => {
    const bot = await startBot({ env: { SMTP_TLS_INSECURE: 'true' } });
    onTestFinished(() => bot.stop());
    expect(bot.logs.filter((line) => line.level === 'warn').map((line) => line.msg)).toContainEqual(
      expect.stringContaining('SMTP_TLS_INSECURE=true'),
    );
  });
});
