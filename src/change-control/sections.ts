// A PR body's template sections: a Markdown heading or a `Name:` line starts one, the next of either ends it.

export interface BodySection {
  /** As written in the body, without `#`, `**` or the colon. */
  name: string;
  content: string;
}

const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const HTML_COMMENT = /<!--[\s\S]*?(-->|$)/g;
/** The template's stand-in for "fill this in": nothing, `TBD`, or only an HTML comment (comments are dropped first). */
const PLACEHOLDER = /^(tbd\.?)?$/i;

/** Lower-cased, bold and trailing colon dropped, inner spaces and around `/` single: `Risk / Impact` = `risk/impact`. */
export function sectionKey(name: string): string {
  return name
    .replace(/[*_`]/g, '')
    .replace(/:\s*$/, '')
    .replace(/\s*\/\s*/g, '/')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The sections named in `names` (the only `Name:` lines that count: a stray `Note: …` starts no section). Headings
 * start a section whatever their name, so the section before one ends there.
 */
export function bodySections(body: string, names: readonly string[]): BodySection[] {
  const wanted = new Set(names.map(sectionKey));
  const sections: BodySection[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const close = () => {
    if (current) sections.push({ name: current.name, content: current.lines.join('\n').trim() });
    current = undefined;
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      current = { name: heading[1]!.replace(/[*_]/g, '').replace(/:\s*$/, '').trim(), lines: [] };
      continue;
    }
    const label = labelLine(line, wanted);
    if (label) {
      close();
      current = { name: label.name, lines: [label.rest] };
      continue;
    }
    current?.lines.push(line);
  }
  close();
  return sections.filter((s) => wanted.has(sectionKey(s.name)));
}

/** `Issue URL: https://…` or `**Rollback Plan:** …` for a wanted name. */
function labelLine(line: string, wanted: Set<string>): { name: string; rest: string } | undefined {
  const match = /^\s*(?:[-*]\s+)?(\*\*|__)?([^:*_]{1,60}?)(?::\s*\1|\1\s*:)\s*(.*)$/.exec(line);
  if (!match || !wanted.has(sectionKey(match[2]!))) return undefined;
  return { name: match[2]!.trim(), rest: match[3] ?? '' };
}

/** The section's text without HTML comments (the template's hints), trimmed. */
export function sectionText(content: string): string {
  return content.replace(HTML_COMMENT, '').trim();
}

export function isPlaceholder(content: string): boolean {
  return PLACEHOLDER.test(sectionText(content));
}

/** The first section of that name (a template has each once; a second copy is usually a quoted old body). */
export function findSection(sections: readonly BodySection[], name: string): BodySection | undefined {
  return sections.find((s) => sectionKey(s.name) === sectionKey(name));
}
