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
