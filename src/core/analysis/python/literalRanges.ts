/**
 * Where Python source text holds strings and comments, found by a light scan (no parse): for searches by
 * pattern over source (`KMeans(` is a call only outside `print('KMeans(k=3)')`; a misspelt name is changed only
 * where it is code). Triple-quoted strings span lines; escapes are skipped; an f-string counts whole.
 */

/**
 * `text` with each quoted string made `""` (`print("a, b", x)` -> `print("", x)`): what a pattern over the code
 * around one line's or one expression's strings reads, without their commas, brackets and words.
 */
export function blankedQuotes(text: string): string {
  return text.replace(/(["'])(?:(?!\1)[^\\]|\\.)*\1/g, '""');
}

/** The `[start, end)` offsets of the strings and comments of `text`, in order. */
export function stringAndCommentRanges(text: string): [number, number][] {
  return scanLiterals(text).ranges;
}

/**
 * The offsets of the characters of `text` outside its strings and comments, in order; undefined when a string
 * is left open at the end (an expression cut short).
 */
export function codeOffsets(text: string): number[] | undefined {
  const { ranges, open } = scanLiterals(text);
  if (open) return undefined;
  const offsets: number[] = [];
  let next = 0;
  for (const [start, end] of [...ranges, [text.length, text.length] as const]) {
    for (let i = next; i < start; i++) offsets.push(i);
    next = end;
  }
  return offsets;
}

/** The strings and comments of `text`, and whether the last string is still open at its end. */
function scanLiterals(text: string): { ranges: [number, number][]; open: boolean } {
  const ranges: [number, number][] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote !== '') {
      if (c === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        ranges.push([start, i + 1]);
        quote = '';
      } else if (c === '\n' && quote.length === 1) {
        ranges.push([start, i]);
        quote = '';
      }
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      ranges.push([i, end === -1 ? text.length : end]);
      i = end === -1 ? text.length : end;
    } else if (c === '"' || c === "'") {
      start = i;
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    }
  }
  if (quote !== '') ranges.push([start, text.length]);
  return { ranges, open: quote !== '' };
}

/** Whether offset `at` is inside one of `ranges` (as {@link stringAndCommentRanges} gives them). */
export function insideRanges(ranges: readonly (readonly [number, number])[], at: number): boolean {
  return ranges.some(([start, end]) => start <= at && at < end);
}
