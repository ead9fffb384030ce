// What makes a running bot useless (or unsafe, or its audit log forgeable) though its configuration is valid: one
// warning per missing piece or lowered default, logged at start and printed by `opsbot config check`, each naming the
// variable to set.
import type { Config } from './config-model.js';

export function uselessnessWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.environments.some((env) => env.baseUrl)) {
    const name = config.environments[0]?.name ?? 'staging';
    warnings.push(
      `No environment has a base URL, so /smoke and the smoke schedule check nothing. Example: ${name.toUpperCase().replace(/-/g, '_')}_BASE_URL=https://${name}.example.com`,
    );
  }
  if (config.roles.admins.length === 0)
    warnings.push(
      'No admin is set, so nobody may seed, drill or review access. Example: OPSBOT_ADMINS=U0123ABCD (your Slack member id)',
    );
  if (!config.slack.alertChannel)
    warnings.push(
      'No alert channel is set, so failed checks, backups and drills alert nobody. Example: SLACK_ALERT_CHANNEL=C0123ABCD',
    );
  if (config.smtp.tlsInsecure)
    warnings.push(
      "SMTP_TLS_INSECURE=true: the SMTP server's certificate is not verified, so anyone on the path can read the mail and the SMTP credentials. Give the server a trusted certificate (or add its CA with NODE_EXTRA_CA_CERTS) and remove SMTP_TLS_INSECURE",
    );
  if (!config.audit.key)
    warnings.push(
      'No AUDIT_KEY is set, so the audit chain is not keyed: whoever can write to the database can rewrite it and recompute its hashes unnoticed. Example: AUDIT_KEY=$(openssl rand -hex 32)',
    );
  const publicUrl = config.signIn?.publicUrl;
  if (publicUrl?.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(publicUrl))
    warnings.push(
      `OPSBOT_PUBLIC_URL is http://, so the sign-in cookie of the report pages travels unencrypted and anyone on the path can read it. Serve opsbot over TLS. Example: OPSBOT_PUBLIC_URL=https://opsbot.example.com`,
    );
  return warnings;
}
