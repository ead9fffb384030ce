// Foreign text (HTTP bodies, GitHub and database fields, error text, what users type) escaped for the surface it
// lands on: Slack mrkdwn, Slack plain_text, GitHub Markdown, plain-text email. The one place these rules live.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls except tab and newline, DEL, and the C1 range: they show as nothing or garble a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Bidi overrides and isolates can make text read in a different order than it is stored (CVE-2021-42574).
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

/** Well-formed UTF-16 without invisible controls: a lone surrogate becomes U+FFFD rather than breaking JSON or mail. */
export function plain(text: unknown): string {
  return String(text ?? '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROL, '')
    .replace(BIDI, '');
}

/**
 * Slack mrkdwn: `&`, `<`, `>` become entities, so no `<!channel>`, `<!here>`, `<@U…>`, `<!subteam^…>` or
 * `<url|label>` can be formed, and a `>` can't start a quote. Slack shows the entities as the characters they stand for.
 */
export function mrkdwn(text: unknown): string {
  return plain(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** mrkdwn on one line: a newline in foreign text can't end the line, the quote or the list item opsbot put it in. */
export function mrkdwnInline(text: unknown): string {
  return mrkdwn(text).replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * Inline code span around foreign text. Slack has no escape for a backtick inside code, so one is shown as a
 * modifier letter grave (ˋ), which looks the same and can't close the span.
 */
export function mrkdwnCode(text: unknown): string {
  const inner = mrkdwnInline(text).replace(/`/g, 'ˋ');
  return `\`${inner || ' '}\``;
}

/** A code block (```) around foreign text: three backticks in a row can't close it early. */
export function mrkdwnCodeBlock(text: unknown): string {
  return `\`\`\`\n${mrkdwn(text).replace(/```/g, 'ˋˋˋ')}\n\`\`\``;
}

/**
 * opsbot's mrkdwn read back as plain text, for a terminal or an email: dates show their UTC fallback, mentions their
 * id, links "label (url)", entities the characters they stand for; bold and code marks are dropped.
 */
export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/[*`]/g, '')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!subteam\^([^|>]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<@([^|>]+)>/g, '$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack plain_text (headers, buttons, modal inputs): shown literally, so only made well-formed. */
export const plainText = plain;

/** Plain-text email: shown literally, so only made well-formed; a subject stays on one line. */
export const emailText = plain;
export function emailSubject(text: unknown): string {
  return plain(text).replace(/\s*[\r\n]+\s*/g, ' ');
}

const CODE_SPAN = /(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;
const githubProse = (text: string) =>
  text
    .replace(/[\\`[\]|]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u200B');

/**
 * GitHub Markdown, on the one line opsbot put it in: outside code spans no HTML (`<`, `>`, `&` as entities), no
 * @-mentions of users or teams (a zero-width space after `@`, as Dependabot and Renovate do), no forged links or
 * images and no table cells (`[`, `]`, `|` backslash-escaped). Emphasis is left alone: it can't ping or disguise.
 * Code spans are kept: GitHub renders nothing inside them (no HTML, links or mentions), so `name` in a finding
 * stays code whoever wrote the backticks.
 */
export function githubMarkdown(text: unknown): string {
  const line = plain(text).replace(/\s*[\r\n]+\s*/g, ' ');
  let out = '';
  let last = 0;
  for (const match of line.matchAll(CODE_SPAN)) {
    out += githubProse(line.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + githubProse(line.slice(last));
}

/** Inline code in GitHub Markdown: fenced with more backticks than the text holds. */
export function githubCode(text: unknown): string {
  const inner = plain(text).replace(/\s*[\r\n]+\s*/g, ' ');
  const longest = Math.max(0, ...(inner.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = inner.startsWith('`') || inner.endsWith('`') || !inner ? ' ' : '';
  return `${fence}${pad}${inner}${pad}${fence}`;
}
