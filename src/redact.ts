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

// Field names whose values are secrets, whatever their case or nesting.
export const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|signature|cookie/i;

/**
 * A copy of value with every string masked (maskSecrets) and every secret-named field replaced, at any depth;
 * cycles are cut. For structured things that are shown or stored: logged objects, response bodies, audit params.
 */
export function maskDeep(
  value: unknown,
  extraSecrets: readonly (string | undefined)[] = [],
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return maskSecrets(value, extraSecrets);
  if (!value || typeof value !== 'object' || value instanceof Error) return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, extraSecrets, seen));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) && item !== null && item !== undefined && typeof item !== 'object'
        ? MASK
        : maskDeep(item, extraSecrets, seen),
    ]),
  );
}
