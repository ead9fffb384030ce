// "Did you mean …?" for a mistyped subcommand or option: the closest known word within a small edit distance.

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known word closest to typed, when it is near enough to be a slip (one edit in four letters), else undefined. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  const scored = known
    .map((candidate) => ({
      candidate,
      d: candidate.startsWith(word) && word.length >= 3 ? 1 : distance(word, candidate),
    }))
    .sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.max(1, Math.floor(best.candidate.length / 4)) ? best.candidate : undefined;
}

export const didYouMean = (typed: string, known: readonly string[]): string => {
  const match = closest(typed, known);
  return match ? ` Did you mean \`${match}\`?` : '';
};
