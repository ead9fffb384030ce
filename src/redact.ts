// The one place that hides secrets: connection-URL passwords and token-shaped strings.

const URL_WITH_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]*)@/gi;
const TOKENS =
  /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,})/g;
export const MASK = '****';

/** postgres://app:s3cret@db/x -> postgres://app:****@db/x; anything that is not a URL comes back unchanged. */
export function maskUrl(url: string | undefined): string {
  if (!url) return '';
  return url.replace(URL_WITH_PASSWORD, `$1${MASK}@`);
}

/** Masks every URL password and token-shaped string inside free text (errors, tool output). */
export function maskSecrets(text: string, extraSecrets: readonly (string | undefined)[] = []): string {
  let masked = text.replace(URL_WITH_PASSWORD, `$1${MASK}@`).replace(TOKENS, MASK);
  for (const secret of extraSecrets) {
    if (secret && secret.length >= 4) masked = masked.split(secret).join(MASK);
  }
  return masked;
}
