// The one place that hides secrets: connection-URL passwords (in the user part or the query), token-shaped strings.

// The password runs to the last `@` before the host: `postgresql://app:p@ss@db/x` is a password of `p@ss`.
const URL_WITH_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^/?#\s]*)@/gi;
// pg and libpq also take the password as a query parameter.
const PASSWORD_PARAM = /([?&](?:ssl)?password=)[^&#\s]*/gi;
const TOKENS =
  /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,})/g;
export const MASK = '****';

function maskUrls(text: string): string {
  return text.replace(URL_WITH_PASSWORD, `$1${MASK}@`).replace(PASSWORD_PARAM, `$1${MASK}`);
}

/** postgres://app:s3cret@db/x -> postgres://app:****@db/x (and ?password=…); anything else comes back unchanged. */
export function maskUrl(url: string | undefined): string {
  return url ? maskUrls(url) : '';
}

/** Masks every URL password and token-shaped string inside free text (errors, tool output). */
export function maskSecrets(text: string, extraSecrets: readonly (string | undefined)[] = []): string {
  let masked = maskUrls(text).replace(TOKENS, MASK);
  for (const secret of extraSecrets) {
    if (secret && secret.length >= 4) masked = masked.split(secret).join(MASK);
  }
  return masked;
}
