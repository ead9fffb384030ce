// Numbers and moments as people read them: durations, ages, sizes, UTC times and file-name stamps; text cut short.

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * text in at most max UTF-16 units, ending in `…` when cut. The cut falls between graphemes, so an emoji, a flag or an
 * accented letter is never split into a lone surrogate or a stray combining mark. (Slack's cut, which also keeps
 * entities whole, is render/blocks/kit.ts `cut`.)
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  // Only the head is segmented: ICU walks the whole string per step otherwise.
  for (const { segment } of graphemes.segment(text.slice(0, max + 32))) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept}…`;
}

/** How long something lasted, the way people say it in an incident channel: "45 s", "12 min", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "2026-03-04 14:02 UTC": a moment that may be on another day than today. */
export function utcDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatAge(seconds: number): string {
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** 2025-01-15T09:30:00.123Z -> 20250115T093000Z: file and folder names, sortable, in UTC. */
export function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
