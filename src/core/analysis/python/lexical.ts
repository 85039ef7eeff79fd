/**
 * A line-level look at Python's tokens: enough to know where logical lines start (not inside brackets, a
 * multi-line string or after a backslash), where a comment starts, and whether a logical line opens a
 * block (ends with `:`). IPython recognises its escapes (`%`, `!`, `?`) only at the start of a logical
 * line, and the translation needs block headers to keep blocks non-empty.
 */

/** What the scanner carries from one physical line to the next. */
export interface LexState {
  /** Open brackets. */
  readonly depth: number;
  /** The quote of a string still open at the end of the line (`'''`, `"""`, or a single quote after `\`). */
  readonly openString: string | undefined;
  /** The line ended with a backslash outside a string. */
  readonly continued: boolean;
}

export const START_STATE: LexState = { depth: 0, openString: undefined, continued: false };

export interface LexLine {
  /** The state after the line. */
  readonly state: LexState;
  /** Index where a comment starts, or the line's length. */
  readonly codeEnd: number;
  /** The last character outside strings and comments that is not blank, or '' when there is none. */
  readonly lastSignificant: string;
}

/** True when a line scanned from `state` starts a new logical line. */
export function startsLogicalLine(state: LexState): boolean {
  return state.depth === 0 && state.openString === undefined && !state.continued;
}

/** Scans one physical line (without its line break) from `state`. */
export function scanLine(line: string, state: LexState): LexLine {
  let depth = state.depth;
  let open = state.openString;
  let lastSignificant = '';
  let i = 0;
  const n = line.length;
  while (i < n) {
    if (open !== undefined) {
      const close = findClose(line, i, open);
      if (close < 0) {
        // A single-quoted string only goes on with a backslash at the end of the line.
        const goesOn = open.length === 3 || line.endsWith('\\');
        return { state: { depth, openString: goesOn ? open : undefined, continued: false }, codeEnd: n, lastSignificant: goesOn ? lastSignificant : open };
      }
      i = close + open.length;
      lastSignificant = open[0] ?? '';
      open = undefined;
      continue;
    }
    const ch = line[i] ?? '';
    if (ch === '#') return { state: { depth, openString: undefined, continued: false }, codeEnd: i, lastSignificant };
    if (ch === '"' || ch === "'") {
      open = line.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += open.length;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '\\' && i === n - 1) {
      return { state: { depth, openString: undefined, continued: true }, codeEnd: n, lastSignificant };
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\f') lastSignificant = ch;
    i++;
  }
  // A string opened right at the end of the line.
  const goesOn = open !== undefined && (open.length === 3 || line.endsWith('\\'));
  return { state: { depth, openString: goesOn ? open : undefined, continued: false }, codeEnd: n, lastSignificant: open !== undefined && !goesOn ? open : lastSignificant };
}

function findClose(line: string, from: number, quote: string): number {
  let i = from;
  while (i < line.length) {
    const ch = line[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (line.startsWith(quote, i)) return i;
    i++;
  }
  return -1;
}

/** Per physical line: does it start a logical line, is it blank or a comment only, its indentation, is it a block header. */
export interface LineShape {
  readonly logicalStart: boolean;
  /** Blank or holding only a comment (meaningful only when `logicalStart`). */
  readonly blank: boolean;
  /** Leading spaces and tabs, as written. */
  readonly indent: string;
  /** For a logical line's first physical line: the index of its last physical line. */
  readonly logicalEnd: number;
  /** For a logical line's first physical line: it ends with `:` (an `if`, `def`, `for` ... header). */
  readonly header: boolean;
}

/**
 * A cell's physical lines as Python and the IPython translation count them: `\r\n`, `\n` or a lone `\r` ends a
 * line. Code that finds a line of a cell's source by the line number the analysis gives, or matches the lines of
 * the generated code (which ends its lines with `\n`), splits the source with this, never on `\n` alone.
 */
export function sourceLines(source: string): string[] {
  return source.split(/\r\n|\n|\r/);
}

/** Shapes of all lines of some Python code. */
export function shapeLines(lines: readonly string[]): LineShape[] {
  const shapes: { logicalStart: boolean; blank: boolean; indent: string; logicalEnd: number; header: boolean }[] = [];
  let state = START_STATE;
  let current = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const logicalStart = startsLogicalLine(state);
    const scanned = scanLine(line, state);
    const code = line.slice(0, scanned.codeEnd).trim();
    const shape = { logicalStart, blank: logicalStart && code === '', indent: /^[ \t\f]*/.exec(line)?.[0] ?? '', logicalEnd: i, header: false };
    shapes.push(shape);
    if (logicalStart && !shape.blank) current = i;
    const owner = current >= 0 ? shapes[current] : undefined;
    if (owner !== undefined && (logicalStart ? !shape.blank : true)) {
      owner.logicalEnd = i;
      if (startsLogicalLine(scanned.state) && scanned.lastSignificant !== '') owner.header = scanned.lastSignificant === ':';
    }
    state = scanned.state;
  }
  return shapes;
}

/**
 * The block header lines around line `index` (0-based) of `lines`, innermost first (`if x:` then `for ...:` for a
 * line in an `if` in a loop), `[]` at the top level.
 */
export function enclosingHeaderLines(lines: readonly string[], index: number, shapes: readonly LineShape[] = shapeLines(lines)): string[] {
  const width = (indent: string): number => indent.replace(/\t/g, '        ').length;
  const out: string[] = [];
  let indent = width(shapes[index]?.indent ?? '');
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const shape = shapes[i];
    if (shape === undefined || !shape.logicalStart || shape.blank || width(shape.indent) >= indent) continue;
    indent = width(shape.indent);
    if (shape.header) out.push(lines[i] ?? '');
  }
  return out;
}

/** The first words of {@link enclosingHeaderLines}: `['if', 'for']` for a line in an `if` in a loop. */
export function enclosingHeaders(lines: readonly string[], index: number, shapes: readonly LineShape[] = shapeLines(lines)): string[] {
  return enclosingHeaderLines(lines, index, shapes).map((line) => /^\s*(?:async\s+)?(\w+)/.exec(line)?.[1] ?? '');
}
