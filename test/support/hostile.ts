// The hostile corpus of issue 11 and the checks every surface must pass with it: nothing it holds forms a Slack
// mention or link, a GitHub mention, HTML or link, or a spreadsheet formula, and every message fits Block Kit.
import { blockProblem } from './slack-fake.js';

export const HUGE = 'x'.repeat(100_000);
export const HOSTILE: readonly string[] = [
  '<!channel> down? see <https://evil.example/login|the status page> & retry',
  '<!here>',
  '<@U123>',
  '<!subteam^S1>',
  '<https://x|y>',
  '&lt;!channel&gt;',
  '` <!channel> ` ``` <!here> ```',
  '*bold* _it_ ~st~\n> quoted <!channel>',
  '@org/team and @octocat',
  "=cmd|' /C calc'!A0",
  'half an emoji: \uD83D and a stray \uDE00',
  HUGE,
];

const SLACK_FORGED = /<!(channel|here|everyone)\b|<@U123>|<!subteam\^S1\b|<https:\/\/(x|evil\.example)/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The strings Slack reads as mrkdwn: plain_text objects and input values are shown literally, so they are skipped. */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node && typeof node === 'object') {
    if ((node as { type?: string }).type === 'plain_text') return out;
    for (const [key, child] of Object.entries(node)) if (key !== 'initial_value') strings(child, out);
  }
  return out;
}

/** What is wrong with a Slack message (or modal) built from hostile text; empty when nothing is. */
export function slackProblems(message: { text?: unknown; blocks?: unknown }, maxBlocks = 50): string[] {
  const problems: string[] = [];
  for (const text of strings(message)) {
    if (LONE_SURROGATE.test(text)) problems.push(`lone surrogate in ${JSON.stringify(text.slice(0, 60))}`);
    const forged = SLACK_FORGED.exec(text);
    if (forged) problems.push(`forms ${forged[0]}… in ${JSON.stringify(text.slice(0, 120))}`);
  }
  const limits = blockProblem(message.blocks, maxBlocks);
  if (limits) problems.push(limits);
  if (typeof message.text === 'string' && message.text.length > 40_000) problems.push('text over 40 000');
  return problems;
}

/** GitHub Markdown outside code spans: no @-mention, no HTML tag, no [label](url) or <url> link from the corpus. */
export function githubProblems(body: string): string[] {
  const prose = body.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
  const problems: string[] = [];
  if (/(^|[^\w\u200B])@(org|octocat|U123)\b/.test(prose)) problems.push('an @-mention');
  if (/<[a-z!/]/i.test(prose)) problems.push('HTML or an autolink');
  if (/(?<!\\)\]\(|(?<!\\)\[[^\]]*(?<!\\)\]\(/.test(prose)) problems.push('a Markdown link');
  if (LONE_SURROGATE.test(body)) problems.push('a lone surrogate');
  if (body.length > 65_536) problems.push('over 65 536 characters');
  return problems;
}

/** A CSV whose cells a spreadsheet would run as a formula. */
export function csvFormulas(csv: string): string[] {
  return csv.split(/[\n,]/).filter((cell) => /^"?[=+\-@]/.test(cell) && !/^"?-?\d/.test(cell));
}
