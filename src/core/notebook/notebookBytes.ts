/**
 * A notebook file's bytes into text or JSON, without the copies that cost most on big notebooks.
 *
 * `decodeText` decodes ASCII files (most notebooks) as latin1, a plain copy, and only the others as UTF-8.
 *
 * `parseNotebookJson` is `JSON.parse` for an `.ipynb` file that never holds the file as one string, nor,
 * when it reads from a file, all of its bytes at once. `JSON.parse(text)` of a 100 MB notebook has the
 * bytes, the text and the parsed JSON in memory together (V8 frees the bytes only at some later garbage
 * collection): up to 3.4 times the file at the peak. Here the file is read through a window of a few
 * megabytes; the top-level object is scanned for its members and the `cells` list for its items, and the
 * items are parsed a hundred kilobytes at a time, each piece from a string of just its bytes. Any JSON
 * text whose pieces parse on their own, separated where the scan says, parses as a whole to the same value
 * (JSON's grammar is unambiguous), so the result is exactly `JSON.parse(text)`. Whatever the scan does not
 * expect — no `cells` list at the top level, a key with an escape, "cells" twice, a piece that does not
 * parse — gives `undefined`, and the caller parses the decoded text, whose error messages point at the
 * line and column.
 */
import { Buffer, constants, isAscii, isUtf8 } from 'node:buffer';
import type { Problem } from '../contract/problem';
import { NOT_UTF8_ADVICE } from './jsonSyntax';

/** Where `parseNotebookJson` reads a file's bytes from. */
export interface ByteSource {
  /** Reads up to `length` bytes at `position` of the file into `target` at `offset`; how many it read (0 at the end). */
  read(target: Uint8Array, offset: number, length: number, position: number): number;
  /** The file's size when known: a small file is then read into a buffer of its size, not of the whole window. */
  readonly size?: number;
}

/** `bytes` as text: latin1 when every byte is ASCII (the same string, decoded faster), else UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  const buffer = asBuffer(bytes);
  return buffer.toString(isAscii(buffer) ? 'latin1' : 'utf8');
}

/** True when `bytes` is longer than the longest string V8 can make (512 MB), so it cannot be decoded. */
export function isTooLongForText(bytes: Uint8Array): boolean {
  return bytes.length > constants.MAX_STRING_LENGTH;
}

/** The problem of a file too long to decode (what reading it as text reported). */
export function tooLongProblem(file: string): Problem {
  return { severity: 'error', code: 'file-unreadable', message: 'the file is too large to read (over 512 MB)', file };
}

/** All the bytes of `source`. */
export function readAllBytes(source: ByteSource): Buffer {
  const window = new Window(source, WINDOW_BYTES);
  while (!window.eof) window.refill(0);
  return window.bytes;
}

/**
 * `JSON.parse` of the text of `input` (a file's bytes, or a reader of them; a UTF-8 byte order mark
 * skipped), when it is an object with a `cells` list and all of it is valid JSON; `undefined` otherwise,
 * and then only `JSON.parse` of the decoded text tells what is wrong. Throws only what `input` throws.
 */
export function parseNotebookJson(input: Uint8Array | ByteSource, windowBytes = WINDOW_BYTES): { readonly value: Record<string, unknown> } | undefined {
  const window = new Window(input instanceof Uint8Array ? asBuffer(input) : input, windowBytes);
  let top = scanPrefix(window.bytes);
  while (top === MORE && !window.eof) {
    window.refill(0);
    top = scanPrefix(window.bytes);
  }
  if (top === MORE || top === undefined) return undefined;
  const prefix = decode(window.bytes, top.start, top.cellsOpen);
  const cells: unknown[] = [];
  let end = readCells(window, top.cellsOpen, cells);
  if (end < 0) return undefined;
  while (!window.eof) end -= window.refill(end);
  const suffixEnd = scanSuffix(window.bytes, end);
  if (suffixEnd === undefined) return undefined;
  const value = parseJson(`${prefix}[]${decode(window.bytes, end, suffixEnd)}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  object['cells'] = cells;
  return { value: object };
}

/**
 * The bytes read so far and not dropped yet, `bytes`, in a buffer reused as the file is read: reading
 * through it touches no new memory after the first megabytes, and the bytes behind the scan are dropped.
 */
class Window {
  /** The bytes in the window: `buffer` up to what has been read. */
  bytes: Buffer;
  eof: boolean;
  private buffer: Buffer;
  /** File position of `bytes[0]`. */
  private position = 0;

  constructor(
    private readonly source: Buffer | ByteSource,
    size: number,
  ) {
    if (Buffer.isBuffer(source)) {
      this.buffer = source;
      this.bytes = source;
      this.eof = true;
    } else {
      // One byte more than the file, so the first read ends it and the next one finds the end.
      this.buffer = Buffer.allocUnsafeSlow(Math.max(16, Math.min(size, (source.size ?? size) + 1)));
      this.bytes = this.buffer.subarray(0, 0);
      this.eof = false;
      this.refill(0);
    }
  }

  /**
   * `[`, the text of `bytes[start, end)`, `]`. When the window's buffer is its own (it reads from a
   * ByteSource), the brackets are written over the bytes just outside the range for the decoding and put
   * back after, which saves copying the text once more to add them.
   */
  listText(start: number, end: number): string {
    const b = this.bytes;
    if (Buffer.isBuffer(this.source) || start < 1 || end >= b.length) return `[${decode(b, start, end)}]`;
    const before = b[start - 1] ?? 0;
    const after = b[end] ?? 0;
    b[start - 1] = OPEN_BRACKET;
    b[end] = CLOSE_BRACKET;
    const text = decode(b, start - 1, end + 1);
    b[start - 1] = before;
    b[end] = after;
    return text;
  }

  /**
   * Drops the bytes before `keep` (so what was at `keep` is at 0: returns `keep`, the shift of every index
   * into `bytes`) and reads more, growing the buffer when nothing could be dropped and it is full.
   */
  refill(keep: number): number {
    const source = this.source;
    if (Buffer.isBuffer(source) || this.eof) return 0;
    let filled = this.bytes.length - keep;
    if (keep > 0) this.buffer.copy(this.buffer, 0, keep, this.bytes.length);
    this.position += keep;
    if (filled === this.buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, filled);
      this.buffer = bigger;
    }
    while (filled < this.buffer.length) {
      const read = source.read(this.buffer, filled, this.buffer.length - filled, this.position + filled);
      if (read === 0) {
        this.eof = true;
        break;
      }
      filled += read;
    }
    this.bytes = this.buffer.subarray(0, filled);
    return keep;
  }
}

/** The file is read through a window of this many bytes (more when one item of the cells list is bigger). */
const WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * Cells are parsed in pieces of about this many bytes, not one by one: one `JSON.parse` and one string per
 * cell is slow for notebooks of many small cells. Pieces stay under 128 KB: V8 makes bigger strings as
 * large objects, each in pages of its own, slower to make and to drop (pieces of 256 KB parse the bench's
 * image notebook about 1.5 times slower).
 */
const GROUP_BYTES = 104 * 1024;

const MORE = 'more';

/** Where the JSON text starts (after a byte order mark) and where the cells list opens. */
interface Prefix {
  readonly start: number;
  readonly cellsOpen: number;
}

/** The members of the top-level object up to the `[` of its cells list; MORE when the bytes run out first. */
function scanPrefix(b: Buffer): Prefix | typeof MORE | undefined {
  const start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let p = skipSpace(b, start);
  if (p >= b.length) return MORE;
  if (b[p] !== OPEN_BRACE) return undefined;
  for (;;) {
    p = skipSpace(b, p + 1);
    if (p >= b.length) return MORE;
    if (b[p] !== QUOTE) return undefined;
    const keyEnd = stringEnd(b, p);
    if (keyEnd < 0) return MORE;
    if (hasEscape(b, p, keyEnd)) return undefined;
    const isCells = isCellsKey(b, p, keyEnd);
    p = skipSpace(b, keyEnd);
    if (p >= b.length) return MORE;
    if (b[p] !== COLON) return undefined;
    p = skipSpace(b, p + 1);
    if (p >= b.length) return MORE;
    if (isCells) return b[p] === OPEN_BRACKET ? { start, cellsOpen: p } : undefined;
    p = valueEnd(b, p);
    if (p < 0) return MORE;
    p = skipSpace(b, p);
    if (p >= b.length) return MORE;
    if (b[p] !== COMMA) return undefined;
  }
}

/** After the cells list (all bytes read): the members left and the closing `}`; one past it, or undefined. */
function scanSuffix(b: Buffer, listEnd: number): number | undefined {
  let p = skipSpace(b, listEnd);
  while (b[p] === COMMA) {
    p = skipSpace(b, p + 1);
    if (b[p] !== QUOTE) return undefined;
    const keyEnd = stringEnd(b, p);
    if (keyEnd < 0 || hasEscape(b, p, keyEnd) || isCellsKey(b, p, keyEnd)) return undefined;
    p = skipSpace(b, keyEnd);
    if (b[p] !== COLON) return undefined;
    p = valueEnd(b, skipSpace(b, p + 1));
    if (p < 0) return undefined;
    p = skipSpace(b, p);
  }
  if (b[p] !== CLOSE_BRACE || skipSpace(b, p + 1) !== b.length) return undefined;
  return p + 1;
}

/**
 * Parses the items of the cells list whose `[` is at `open` into `cells`, reading on as needed; the index
 * in `window.bytes` one past its `]`, or -1 when something did not parse or the bytes ended first.
 */
function readCells(window: Window, open: number, cells: unknown[]): number {
  let p = open + 1;
  let expect: 'first' | 'item' | 'separator' = 'first';
  let groupStart = -1;
  let groupEnd = -1;
  const flush = (): boolean => {
    if (groupStart < 0) return true;
    const group = parseJson(window.listText(groupStart, groupEnd));
    groupStart = -1;
    if (!Array.isArray(group)) return false;
    for (const cell of group) cells.push(cell);
    return true;
  };
  /** Parses the group, drops the bytes before `keep` and reads more; false at the end of the file. */
  const more = (keep: number): boolean => {
    if (window.eof || !flush()) return false;
    p = keep - window.refill(keep);
    return true;
  };
  for (;;) {
    const b = window.bytes;
    const q = skipSpace(b, p);
    if (q >= b.length) {
      if (more(p)) continue;
      return -1;
    }
    if (expect === 'separator') {
      if (b[q] === CLOSE_BRACKET) return flush() ? q + 1 : -1;
      if (b[q] !== COMMA) return -1;
      p = q + 1;
      expect = 'item';
      continue;
    }
    if (expect === 'first' && b[q] === CLOSE_BRACKET) return q + 1;
    const end = valueEnd(b, q);
    if (end < 0 || (end >= b.length && !window.eof)) {
      if (more(q)) continue;
      return -1;
    }
    if (end === q) return -1; // no item between two commas, or after the last one
    if (groupStart < 0) groupStart = q;
    groupEnd = end;
    if (groupEnd - groupStart >= GROUP_BYTES && !flush()) return -1;
    p = end;
    expect = 'separator';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `b[start, end)` as text, like decodeText; a NUL, which no JSON text holds, when the bytes are not UTF-8, so
 * the scan gives up and the caller reads the whole file, whose not-UTF-8 problem names the line and byte
 * (UTF-8 decoding would quietly put U+FFFD in their place). A piece ends at JSON punctuation, never inside
 * a character.
 */
function decode(b: Buffer, start: number, end: number): string {
  const piece = b.subarray(start, end);
  if (isAscii(piece)) return b.toString('latin1', start, end);
  return isUtf8(piece) ? b.toString('utf8', start, end) : '\u0000';
}

/**
 * The `not-utf8` problem of a file whose bytes are not all UTF-8 (a Latin-1 or UTF-16 file), naming the line
 * and the byte; undefined when they are. `promote`, `check` and `inspect` all say this.
 */
export function notUtf8Problem(bytes: Uint8Array, file: string): Problem | undefined {
  const bad = notUtf8Line(asBuffer(bytes));
  if (bad === undefined) return undefined;
  return { severity: 'error', code: 'not-utf8', message: `the file is not UTF-8 text (line ${bad.line}, byte ${bad.offset} is not UTF-8): ${NOT_UTF8_ADVICE}`, file, fileLine: bad.line };
}

/** The 1-based line and the byte offset of the first byte that is not UTF-8, or undefined when all are. */
export function notUtf8Line(bytes: Buffer): { line: number; offset: number } | undefined {
  if (isUtf8(bytes)) return undefined;
  let offset = 0;
  while (offset < bytes.length) {
    const lead = bytes[offset] ?? 0;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0 || offset + length > bytes.length || !isUtf8(bytes.subarray(offset, offset + length))) break;
    offset += length;
  }
  let line = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
  return { line, offset };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** `"cells"` with its quotes. */
const CELLS_KEY = Buffer.from('"cells"', 'latin1');

function isCellsKey(b: Buffer, open: number, end: number): boolean {
  return end - open === CELLS_KEY.length && b.compare(CELLS_KEY, 0, CELLS_KEY.length, open, end) === 0;
}

/**
 * One past the end of the JSON value starting at `p`, found by matching brackets outside strings; -1 when
 * the bytes run out first. The value itself is not checked: `JSON.parse` does that.
 */
function valueEnd(b: Buffer, p: number): number {
  const length = b.length;
  let depth = 0;
  while (p < length) {
    const c = b[p];
    if (c === QUOTE) {
      p = stringEnd(b, p);
      if (p < 0 || depth === 0) return p;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return p;
      depth--;
      if (depth === 0) return p + 1;
    } else if (depth === 0 && (c === COMMA || isSpace(c))) {
      return p;
    }
    p++;
  }
  return depth === 0 ? p : -1;
}

/** One past the closing quote of the string whose opening quote is at `open`; -1 when the bytes run out first. */
function stringEnd(b: Buffer, open: number): number {
  let q = open + 1;
  // Most strings in a notebook are short: look at their bytes here, and leave long ones to indexOf.
  const near = Math.min(b.length, q + 32);
  for (; q < near; q++) {
    const c = b[q];
    if (c === QUOTE) return q + 1;
    if (c === BACKSLASH) break;
  }
  for (;;) {
    q = b.indexOf(QUOTE, q);
    if (q < 0) return -1;
    let backslashes = 0;
    while (b[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    q++;
  }
}

/** True when the string from `open` to `end` has a backslash: its bytes are not its value. */
function hasEscape(b: Buffer, open: number, end: number): boolean {
  for (let p = open; p < end; p++) if (b[p] === BACKSLASH) return true;
  return false;
}

function skipSpace(b: Buffer, p: number): number {
  while (p < b.length && isSpace(b[p])) p++;
  return p;
}

/** JSON's four whitespace characters. */
function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
