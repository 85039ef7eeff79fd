import { compactRanges } from './ranges';

/** Names in a sentence: `a`, `a and b`, `a, b and c` (empty for none). */
export function andList(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** The first `shown` items, comma-separated, then how many more: `a, b, c and 2 more` (`a, b` when that is all). */
export function firstOf(items: readonly string[], shown: number): string {
  return items.length > shown ? `${items.slice(0, shown).join(', ')} and ${items.length - shown} more` : items.join(', ');
}

/** A count and its noun for people: `1 file`, `3 files` (`plural` for nouns that do not take an s). */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}

/** Cell numbers (from 1, ascending) for people: `cell 2`, `cells 2–4, 7`. */
export function cellsLabel(numbers: readonly number[]): string {
  return `${numbers.length === 1 ? 'cell' : 'cells'} ${compactRanges(numbers)}`;
}

/**
 * A metric for people, with `digits` significant digits (at least), never rounding its whole part:
 * 0.91234 → "0.9123", 11546.876 → "11546.88", 200 → "200"; "n/a" for no number (NaN, infinity in a record).
 */
export function formatMetric(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e15)) return value.toExponential(Math.max(3, digits - 1));
  const whole = abs < 1 ? 0 : Math.floor(Math.log10(abs)) + 1;
  return String(Number(value.toPrecision(Math.min(17, Math.max(digits, whole + 2)))));
}

/**
 * {@link formatMetric} of each value, with as many digits as it takes to tell apart values that differ
 * (runs compared side by side): 0.91234 and 0.91231 → "0.91234", "0.91231".
 */
export function formatMetricsApart(values: readonly (number | null)[]): string[] {
  for (let digits = 4; ; digits++) {
    const texts = values.map((v) => formatMetric(v, digits));
    const apart = values.every((a, i) => values.every((b, j) => a === b || a === null || b === null || texts[i] !== texts[j]));
    if (apart || digits >= 17) return texts;
  }
}

/** A size in bytes for people: 12 → "12 B", 1234 → "1.2 KB", 2254857830 → "2.1 GB"; "?" for no size. */
export function formatSize(size: number): string {
  if (!Number.isFinite(size) || size < 0) return '?';
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toPrecision(value < 10 ? 2 : 3))} ${units[unit] ?? 'TB'}`;
}

/** Letters NFKD leaves whole, as people write them in ASCII: `ł` l, `ß` ss, `ø` o (round 57 YY: `podział` gave `podzia`). */
const ASCII_LETTERS: Readonly<Record<string, string>> = { ł: 'l', Ł: 'L', ß: 'ss', ẞ: 'SS', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', þ: 'th', Þ: 'Th', ı: 'i', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T', ŀ: 'l', Ŀ: 'L' };

/** `text` with its letters' accents dropped and the letters above spelled in ASCII (`Łódź` `Lodz`); other characters as they are. */
export function withoutAccents(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁßẞøØđĐðÐæÆœŒþÞıħĦŧŦŀĿ]/g, (c) => ASCII_LETTERS[c] ?? c);
}
