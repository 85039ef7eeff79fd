/** Numbers as compact ranges for people: [3, 4, 5, 8] -> "3–5, 8". Expects ascending input. */
export function compactRanges(numbers: readonly number[]): string {
  const parts: string[] = [];
  let start: number | undefined;
  let prev: number | undefined;
  for (const n of [...numbers, Number.NaN]) {
    if (prev !== undefined && n === prev + 1) {
      prev = n;
      continue;
    }
    if (start !== undefined && prev !== undefined) parts.push(start === prev ? `${start}` : `${start}–${prev}`);
    start = n;
    prev = n;
  }
  return parts.join(', ');
}
