/**
 * A hand-written parser for the everyday part of Python, which builds the same `PyNode` trees as
 * tree-sitter-python (through `parser.ts`'s `convert`) in a fraction of the time: no WebAssembly calls, no
 * copy from WebAssembly memory. It is the fast path of `parsePython`/`parsePythonMany`; tree-sitter stays
 * the parser of record.
 *
 * It is deliberately partial. It returns `undefined` ("ask tree-sitter") for anything it is not sure of:
 * any syntax error, and constructs it leaves to tree-sitter (`match`, `type X = ...`, Python 2 `print x`,
 * tabs in indentation, parenthesised `with` items, PEP 695 type parameters, nested f-strings that reuse
 * their quote, shapes tree-sitter's GLR parser reads by context ...). Unit tests parse a corpus (the
 * examples, the test notebooks, Python's own library when present) and random edits of the example cells
 * both ways, and require identical trees and errors wherever this parser answers. One deliberate
 * difference: a bracket continued on a line indented less than its block is valid Python, which
 * tree-sitter rejects; this parser reads it.
 *
 * Shapes follow tree-sitter-python 0.25 (see its grammar.js), including its quirks: `a, b` as a statement
 * is an `expression_statement` with two children but `x = a, b` has an `expression_list`; `(a) = 1` is a
 * `tuple_pattern`; `^` binds tighter than `&`; `List[int]` in an annotation is a `generic_type` while
 * `np.ndarray[int]` stays a `subscript`; an indented block ends after the comments that follow its last
 * statement at its own indentation or deeper.
 */
import type { PyNode } from './parser';

interface Node {
  type: string;
  field: string | undefined;
  start: number;
  end: number;
  children: Node[];
}

/** Thrown (and caught in {@link fastParsePython}) when the source is outside what this parser handles. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('unsupported');

const NAME = 1;
const NUMBER = 2;
const STRING = 3;
const OP = 4;
const NEWLINE = 5;
const INDENT = 6;
const DEDENT = 7;
const END = 8;

/** An f-string's `{...}`: offsets of `{`, the expression, the `:` of its format spec (-1: none) and `}`. */
interface Interpolation {
  readonly open: number;
  readonly exprStart: number;
  readonly exprEnd: number;
  readonly spec: number;
  readonly close: number;
  /** `{...}` inside the format spec. */
  readonly nested: readonly Interpolation[];
}

interface Comment {
  readonly start: number;
  readonly end: number;
  /** Column of the comment's `#`; -1 when code comes before it on its line. */
  readonly column: number;
}

class Tokens {
  readonly kind: number[] = [];
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** NAME: the identifier; OP: the operator; otherwise ''. */
  readonly text: string[] = [];
  /** INDENT: the new indentation; DEDENT: the indentation closed. */
  readonly indent: number[] = [];
  readonly fstrings = new Map<number, readonly Interpolation[]>();
  readonly comments: Comment[] = [];
  /** Whether a name holds a non-ASCII character: only then can its NFKC form differ from its spelling. */
  unicodeNames = false;

  push(kind: number, start: number, end: number, text: string, indent = 0): void {
    this.kind.push(kind);
    this.start.push(start);
    this.end.push(end);
    this.text.push(text);
    this.indent.push(indent);
  }
}

/** What a `*` before it splats as one value, read alike by both parsers (`FastParser.plainSplat`). */
const SPLAT_WHOLE = new Set(['identifier', 'list', 'tuple', 'set', 'dictionary', 'parenthesized_expression']);
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** Expressions that bind tighter than anything around them (an `as` after them applies to them whole). */
const PRIMARY_TYPES = new Set(['identifier', 'attribute', 'subscript', 'call', 'parenthesized_expression', 'tuple', 'list', 'string', 'concatenated_string', 'dictionary', 'set']);

const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '@=', '//=', '%=', '**=', '>>=', '<<=', '&=', '^=', '|=']);
const BINARY_LEVELS: ReadonlyMap<string, number> = new Map([
  ['|', 0], ['&', 1], ['^', 2], ['<<', 3], ['>>', 3], ['+', 4], ['-', 4], ['*', 5], ['@', 5], ['/', 5], ['%', 5], ['//', 5],
]);
const COMPARISONS = new Set(['<', '<=', '==', '!=', '>=', '>']);

/** Operators, longest first within each first character. */
const OPERATORS: Readonly<Record<string, readonly string[]>> = {
  '(': ['('], ')': [')'], '[': ['['], ']': [']'], '{': ['{'], '}': ['}'], ',': [','], ';': [';'], '~': ['~'],
  ':': [':=', ':'], '.': ['...', '.'], '+': ['+=', '+'], '-': ['->', '-=', '-'], '*': ['**=', '**', '*=', '*'],
  '/': ['//=', '//', '/=', '/'], '%': ['%=', '%'], '@': ['@=', '@'], '&': ['&=', '&'], '|': ['|=', '|'], '^': ['^=', '^'],
  '<': ['<<=', '<<', '<=', '<'], '>': ['>>=', '>>', '>=', '>'], '=': ['==', '='], '!': ['!='],
};

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentifierPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57) || c >= 128;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** tree-sitter-python's identifier. */
const UNICODE_IDENTIFIER = /^[_\p{XID_Start}][_\p{XID_Continue}]*$/u;

/** String prefixes tree-sitter-python reads (any case): no t-strings. */
const STRING_PREFIX = /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])$/;

/**
 * Splits `source[from, to)` into tokens. `bracketed`: inside an f-string's `{...}`, where line breaks and
 * indentation mean nothing.
 */
function tokenize(source: string, from: number, to: number, bracketed: boolean, tokens: Tokens): void {
  const indents = [0];
  let depth = bracketed ? 1 : 0;
  let pos = from;
  let atLineStart = !bracketed;
  let lineHasTokens = false;
  while (pos < to) {
    if (atLineStart) {
      let column = 0;
      let i = pos;
      for (;;) {
        const c = source.charCodeAt(i);
        if (c === 32) column++;
        else if (c === 12) column = 0; // a form feed in the indentation starts the count again, as Python's tokenizer does
        else if (c === 9) throw UNSUPPORTED;
        else break;
        i++;
      }
      const c = source.charCodeAt(i);
      if (i >= to || c === 10 || c === 13 || c === 35) {
        // A blank or comment-only line: no tokens, no indentation change.
        if (c === 35) {
          const end = lineEnd(source, i, to);
          tokens.comments.push({ start: i, end, column });
          i = end;
        }
        pos = skipNewline(source, i, to);
        continue;
      }
      if (c === 92) throw UNSUPPORTED; // a line starting with a continuation
      const top = indents[indents.length - 1] ?? 0;
      if (column > top) {
        indents.push(column);
        tokens.push(INDENT, i, i, '', column);
      } else if (column < top) {
        while (column < (indents[indents.length - 1] ?? 0)) {
          tokens.push(DEDENT, i, i, '', indents.pop() ?? 0);
        }
        if (column !== indents[indents.length - 1]) throw UNSUPPORTED;
      }
      pos = i;
      atLineStart = false;
    }
    const c = source.charCodeAt(pos);
    if (c === 32 || c === 9 || c === 12) {
      pos++;
      continue;
    }
    if (c === 35) {
      if (bracketed) throw UNSUPPORTED;
      const end = lineEnd(source, pos, to);
      tokens.comments.push({ start: pos, end, column: -1 });
      pos = end;
      continue;
    }
    if (c === 10 || c === 13) {
      const next = skipNewline(source, pos, to);
      if (depth === 0) {
        if (lineHasTokens) tokens.push(NEWLINE, pos, pos, '');
        lineHasTokens = false;
        atLineStart = true;
      }
      pos = next;
      continue;
    }
    if (c === 92) {
      const after = source.charCodeAt(pos + 1);
      if (after === 10 || after === 13) {
        pos = skipNewline(source, pos + 1, to);
        continue;
      }
      throw UNSUPPORTED;
    }
    lineHasTokens = true;
    if (isIdentifierStart(c)) {
      let i = pos + 1;
      while (i < to && isIdentifierPart(source.charCodeAt(i))) i++;
      const word = source.slice(pos, i);
      const q = source.charCodeAt(i);
      if ((q === 34 || q === 39) && i - pos <= 2 && STRING_PREFIX.test(word)) {
        pos = scanString(source, pos, i, to, tokens);
        continue;
      }
      if (c >= 128 || hasNonAscii(word)) {
        if (!UNICODE_IDENTIFIER.test(word)) throw UNSUPPORTED;
        tokens.unicodeNames = true;
      }
      tokens.push(NAME, pos, i, word);
      pos = i;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(pos + 1)))) {
      pos = scanNumber(source, pos, to, tokens);
      continue;
    }
    if (c === 34 || c === 39) {
      pos = scanString(source, pos, pos, to, tokens);
      continue;
    }
    const candidates = OPERATORS[source[pos] ?? ''];
    if (candidates === undefined) throw UNSUPPORTED;
    let op: string | undefined;
    for (const candidate of candidates) {
      if (source.startsWith(candidate, pos) && pos + candidate.length <= to) {
        op = candidate;
        break;
      }
    }
    if (op === undefined) throw UNSUPPORTED;
    if (op === '(' || op === '[' || op === '{') depth++;
    else if (op === ')' || op === ']' || op === '}') {
      depth--;
      if (depth < (bracketed ? 1 : 0)) throw UNSUPPORTED;
    }
    tokens.push(OP, pos, pos + op.length, op);
    pos += op.length;
  }
  if (depth !== (bracketed ? 1 : 0)) throw UNSUPPORTED;
  if (bracketed) {
    tokens.push(END, to, to, '');
    return;
  }
  if (lineHasTokens) tokens.push(NEWLINE, to, to, '');
  while (indents.length > 1) tokens.push(DEDENT, to, to, '', indents.pop() ?? 0);
  tokens.push(END, to, to, '');
}

function hasNonAscii(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) >= 128) return true;
  return false;
}

/** The end of a comment starting at `from`: the line break (a `\r` before `\n` belongs to the comment, as in tree-sitter). */
function lineEnd(source: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = source.charCodeAt(i);
    if (c === 10) break;
    if (c === 13 && source.charCodeAt(i + 1) !== 10) break;
    i++;
  }
  return i;
}

/** Past the line break at `at` (`\n` or `\r\n`; a lone `\r` is left to tree-sitter). */
function skipNewline(source: string, at: number, to: number): number {
  if (at >= to) return to;
  const c = source.charCodeAt(at);
  if (c === 10) return at + 1;
  if (c === 13) {
    if (source.charCodeAt(at + 1) === 10) return at + 2;
    throw UNSUPPORTED;
  }
  return at;
}

function scanNumber(source: string, start: number, to: number, tokens: Tokens): number {
  let i = start;
  const c0 = source.charCodeAt(i);
  const c1 = source.charCodeAt(i + 1) | 32;
  if (c0 === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
    i += 2;
    const digit = c1 === 120 ? /[0-9a-fA-F_]/ : c1 === 111 ? /[0-7_]/ : /[01_]/;
    while (i < to && digit.test(source[i] ?? '')) i++;
    if (i === start + 2 || source.slice(start, i).includes('__') || source.charCodeAt(i - 1) === 95) throw UNSUPPORTED;
  } else {
    i = digits(source, i, to);
    if (source.charCodeAt(i) === 46) i = digits(source, i + 1, to);
    const e = source.charCodeAt(i) | 32;
    if (e === 101) {
      let j = i + 1;
      const sign = source.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(source.charCodeAt(j))) i = digits(source, j, to);
    }
    if ((source.charCodeAt(i) | 32) === 106) i++;
  }
  // `1if x else 2`, `0x1g`, `1__0`: left to tree-sitter.
  if (i < to && isIdentifierPart(source.charCodeAt(i))) throw UNSUPPORTED;
  tokens.push(NUMBER, start, i, '');
  return i;
}

/** Past decimal digits with single underscores between them (`1_000`); `1__0`, `1_` and `0._5` are left to tree-sitter. */
function digits(source: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = source.charCodeAt(i);
    if (isDigit(c)) i++;
    else if (c === 95 && isDigit(source.charCodeAt(i - 1)) && isDigit(source.charCodeAt(i + 1))) i++;
    else break;
  }
  return i;
}

/** A string literal starting at `start` (its prefix) whose quote is at `quoteAt`. Returns the offset after it. */
function scanString(source: string, start: number, quoteAt: number, to: number, tokens: Tokens): number {
  const quote = source.charCodeAt(quoteAt);
  const triple = source.charCodeAt(quoteAt + 1) === quote && source.charCodeAt(quoteAt + 2) === quote;
  const prefix = source.slice(start, quoteAt).toLowerCase();
  const formatted = prefix.includes('f');
  const raw = prefix.includes('r');
  let i = quoteAt + (triple ? 3 : 1);
  const interpolations: Interpolation[] = [];
  for (;;) {
    if (i >= to) throw UNSUPPORTED;
    const c = source.charCodeAt(i);
    if (c === quote && (!triple || (source.charCodeAt(i + 1) === quote && source.charCodeAt(i + 2) === quote))) {
      i += triple ? 3 : 1;
      break;
    }
    if (c === 92) {
      // `\N{...}` in a non-raw f-string: its braces are not an interpolation; left to tree-sitter.
      if (formatted && !raw && source.charCodeAt(i + 1) === 78) throw UNSUPPORTED;
      if (source.charCodeAt(i + 1) === 13) throw UNSUPPORTED;
      i += 2;
      continue;
    }
    if ((c === 10 || c === 13) && !triple) throw UNSUPPORTED;
    if (formatted && c === 123) {
      if (source.charCodeAt(i + 1) === 123) {
        i += 2;
        continue;
      }
      const interpolation = scanInterpolation(source, i, to, quote, triple);
      interpolations.push(interpolation);
      i = interpolation.close + 1;
      continue;
    }
    if (formatted && c === 125) {
      if (source.charCodeAt(i + 1) === 125) {
        i += 2;
        continue;
      }
      throw UNSUPPORTED;
    }
    i++;
  }
  if (interpolations.length > 0) tokens.fstrings.set(tokens.kind.length, interpolations);
  tokens.push(STRING, start, i, '');
  return i;
}

/** The `{...}` at `open` inside an f-string quoted with `quote`. */
function scanInterpolation(source: string, open: number, to: number, quote: number, triple: boolean): Interpolation {
  let i = open + 1;
  let depth = 0;
  let exprEnd = -1;
  for (;;) {
    if (i >= to) throw UNSUPPORTED;
    const c = source.charCodeAt(i);
    if (c === 34 || c === 39) {
      if (c === quote) throw UNSUPPORTED;
      i = skipInnerString(source, i, to);
      continue;
    }
    if (c === 92 || c === 35 || ((c === 10 || c === 13) && !triple)) throw UNSUPPORTED;
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
    else if (depth === 0) {
      if (c === 125 || c === 58) {
        if (exprEnd < 0) exprEnd = i;
        break;
      }
      if (c === 33 && source.charCodeAt(i + 1) !== 61) {
        if (exprEnd < 0) exprEnd = i;
        // The conversion `!r`, `!s`, `!a`.
        if (!/[rsa]/.test(source[i + 1] ?? '')) throw UNSUPPORTED;
        i += 2;
        const after = source.charCodeAt(i);
        if (after !== 125 && after !== 58) throw UNSUPPORTED;
        continue;
      }
      if (c === 61) {
        const before = source.charCodeAt(i - 1);
        const after = source.charCodeAt(i + 1);
        if (after !== 61 && before !== 61 && before !== 33 && before !== 60 && before !== 62) {
          // Self-documenting `{x=}`: `=` then `}`, `!` or `:`, maybe after spaces.
          let j = i + 1;
          while (source.charCodeAt(j) === 32) j++;
          const next = source.charCodeAt(j);
          if (next !== 125 && next !== 33 && next !== 58) throw UNSUPPORTED;
          exprEnd = i;
          i = j;
          continue;
        }
        if (after === 61) {
          i += 2;
          continue;
        }
      }
    }
    i++;
  }
  if (source.charCodeAt(i) === 125) return { open, exprStart: open + 1, exprEnd, spec: -1, close: i, nested: [] };
  // The format spec, up to the matching `}`, with `{...}` inside it.
  const spec = i;
  const nested: Interpolation[] = [];
  i++;
  // `{x:=^40}` is a format spec `=^40` to Python (fill `=`, centred), a walrus or an error to tree-sitter: read as
  // Python reads it (round 50 HH: refused, or the step lost its input `x`).
  for (;;) {
    if (i >= to) throw UNSUPPORTED;
    const c = source.charCodeAt(i);
    if (c === 125) break;
    if (c === 123) {
      const inner = scanInterpolation(source, i, to, quote, triple);
      nested.push(inner);
      i = inner.close + 1;
      continue;
    }
    if (c === 10 || c === 13 || c === 92 || c === quote) throw UNSUPPORTED;
    i++;
  }
  return { open, exprStart: open + 1, exprEnd, spec, close: i, nested };
}

/** Past a plain string inside an f-string's expression (its own quote, no prefix handling needed). */
function skipInnerString(source: string, at: number, to: number): number {
  const quote = source.charCodeAt(at);
  let i = at + 1;
  while (i < to) {
    const c = source.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 92 || c === 10 || c === 13 || c === 123) throw UNSUPPORTED;
    i++;
  }
  throw UNSUPPORTED;
}

function mk(type: string, start: number, end: number, children: Node[]): Node {
  return { type, field: undefined, start, end, children };
}

/** A node of two fielded children, `left` and `right` (assignments, binary and boolean operators). */
function leftRight(type: string, left: Node, right: Node): Node {
  return mk(type, left.start, right.end, [withField('left', left), withField('right', right)]);
}

function withField(field: string, node: Node): Node {
  node.field = field;
  return node;
}

/** Node types a pattern (an assignment or `for` target) may be made of, from expressions. */
function toPattern(node: Node): Node {
  switch (node.type) {
    case 'identifier':
    case 'attribute':
    case 'subscript':
      return node;
    case 'tuple':
    case 'parenthesized_expression':
      return { ...node, type: 'tuple_pattern', children: node.children.map(toPattern) };
    case 'list':
      return { ...node, type: 'list_pattern', children: node.children.map(toPattern) };
    case 'expression_list':
      return { ...node, type: 'pattern_list', children: node.children.map(toPattern) };
    case 'list_splat': {
      const inner = node.children[0];
      if (node.children.length !== 1 || inner === undefined || (inner.type !== 'identifier' && inner.type !== 'attribute' && inner.type !== 'subscript')) throw UNSUPPORTED;
      return { ...node, type: 'list_splat_pattern' };
    }
    default:
      throw UNSUPPORTED;
  }
}

class FastParser {
  private p = 0;
  /** The end of the last `;` read: a block whose last statement it follows ends after it. */
  private semicolonEnd = -1;

  constructor(
    private readonly source: string,
    private readonly t: Tokens,
  ) {}

  // ---- tokens

  private kind(offset = 0): number {
    return this.t.kind[this.p + offset] ?? END;
  }

  private text(offset = 0): string {
    return this.t.text[this.p + offset] ?? '';
  }

  private startOf(offset = 0): number {
    return this.t.start[this.p + offset] ?? this.source.length;
  }

  private endOf(offset = 0): number {
    return this.t.end[this.p + offset] ?? this.source.length;
  }

  /** The current token is the operator or keyword `s`. */
  private is(s: string, offset = 0): boolean {
    const k = this.kind(offset);
    return (k === OP || k === NAME) && this.text(offset) === s;
  }

  private expect(s: string): number {
    if (!this.is(s)) throw UNSUPPORTED;
    const end = this.endOf();
    this.p++;
    return end;
  }

  // ---- statements

  module(): Node[] {
    const statements: Node[] = [];
    while (this.kind() !== END) this.statement(statements);
    return statements;
  }

  private statement(out: Node[]): void {
    const k = this.kind();
    if (k === INDENT || k === DEDENT) throw UNSUPPORTED;
    if (k === OP && this.text() === '@') {
      out.push(this.decorated());
      return;
    }
    if (k === NAME) {
      switch (this.text()) {
        case 'if':
          out.push(this.ifStatement());
          return;
        case 'for':
          out.push(this.forStatement(this.startOf()));
          return;
        case 'while':
          out.push(this.whileStatement());
          return;
        case 'try':
          out.push(this.tryStatement());
          return;
        case 'with':
          out.push(this.withStatement(this.startOf()));
          return;
        case 'def':
          out.push(this.functionDefinition(this.startOf()));
          return;
        case 'class':
          out.push(this.classDefinition());
          return;
        case 'async': {
          const start = this.startOf();
          this.p++;
          if (this.is('def')) out.push(this.functionDefinition(start));
          else if (this.is('for')) out.push(this.forStatement(start));
          else if (this.is('with')) out.push(this.withStatement(start));
          else throw UNSUPPORTED;
          return;
        }
        default:
          break;
      }
    }
    this.simpleStatements(out);
  }

  /** `a; b; c` then the end of the line. */
  private simpleStatements(out: Node[]): void {
    for (;;) {
      out.push(this.smallStatement());
      if (this.is(';')) {
        this.semicolonEnd = this.endOf();
        this.p++;
        if (this.kind() === NEWLINE) break;
        continue;
      }
      break;
    }
    if (this.kind() !== NEWLINE) throw UNSUPPORTED;
    this.p++;
  }

  private smallStatement(): Node {
    const start = this.startOf();
    if (this.kind() === NAME) {
      const word = this.text();
      switch (word) {
        case 'pass':
        case 'break':
        case 'continue': {
          const end = this.endOf();
          this.p++;
          return mk(`${word}_statement`, start, end, []);
        }
        case 'return': {
          let end = this.endOf();
          this.p++;
          const children: Node[] = [];
          if (!this.atStatementEnd()) {
            const value = this.expressions();
            children.push(value);
            end = value.end;
          }
          return mk('return_statement', start, end, children);
        }
        case 'del': {
          this.p++;
          const value = this.expressions();
          return mk('delete_statement', start, value.end, [value]);
        }
        case 'raise': {
          let end = this.endOf();
          this.p++;
          const children: Node[] = [];
          if (!this.atStatementEnd() && !this.is('from')) {
            const value = this.expressions();
            children.push(value);
            end = value.end;
          }
          if (this.is('from')) {
            this.p++;
            const cause = withField('cause', this.expression());
            children.push(cause);
            end = cause.end;
          }
          return mk('raise_statement', start, end, children);
        }
        case 'global':
        case 'nonlocal': {
          this.p++;
          const names: Node[] = [this.identifier()];
          while (this.is(',')) {
            this.p++;
            names.push(this.identifier());
          }
          return mk(`${word}_statement`, start, names[names.length - 1]?.end ?? start, names);
        }
        case 'assert': {
          this.p++;
          const children: Node[] = [this.expression()];
          if (this.is(',')) {
            this.p++;
            children.push(this.expression());
          }
          return mk('assert_statement', start, children[children.length - 1]?.end ?? start, children);
        }
        case 'import':
          return this.importStatement();
        case 'from':
          return this.fromImport();
        case 'print':
        case 'exec':
          if (!(this.is('(', 1) || this.is('.', 1) || this.is('=', 1) || this.kind(1) === NEWLINE || this.is(';', 1))) throw UNSUPPORTED;
          break;
        case 'match':
        case 'type': {
          const next = this.kind(1);
          if (next === NAME || next === NUMBER || next === STRING) throw UNSUPPORTED;
          // tree-sitter reads `type(x).y = z` as a type alias statement.
          if (word === 'type' && (this.is('(', 1) || this.is('[', 1))) throw UNSUPPORTED;
          if ((this.is('(', 1) || this.is('[', 1) || this.is('-', 1) || this.is('*', 1) || this.is('{', 1)) && this.logicalLineEndsWithColon()) throw UNSUPPORTED;
          if (word === 'match' && (this.is('-', 1) || this.is('*', 1) || this.is('{', 1) || this.is('[', 1))) throw UNSUPPORTED;
          break;
        }
        default:
          break;
      }
    }
    return this.expressionStatement(start);
  }

  private atStatementEnd(): boolean {
    return this.kind() === NEWLINE || this.is(';');
  }

  /** Whether the statement at the current token ends its line with `:` (a `match x:` header). */
  private logicalLineEndsWithColon(): boolean {
    let i = this.p;
    while ((this.t.kind[i] ?? END) !== NEWLINE && (this.t.kind[i] ?? END) !== END) i++;
    return this.t.text[i - 1] === ':';
  }

  private expressionStatement(start: number): Node {
    if (this.is('yield')) {
      const value = this.yieldExpression();
      return mk('expression_statement', start, value.end, [value]);
    }
    const { items, end, trailingComma } = this.starExpressions();
    const first = items[0];
    if (first === undefined) throw UNSUPPORTED;
    if (this.is('=')) {
      const left = toPattern(this.listOrSingle(items, end, trailingComma, 'expression_list'));
      const assignment = this.assignmentRest(left);
      return mk('expression_statement', start, assignment.end, [assignment]);
    }
    if (this.is(':')) {
      if (items.length !== 1 || trailingComma) throw UNSUPPORTED;
      const left = withField('left', toPattern(first));
      this.p++;
      const type = withField('type', this.type());
      const children = [left, type];
      let stop = type.end;
      if (this.is('=')) {
        this.p++;
        const right = withField('right', this.rightHandSide());
        children.push(right);
        stop = right.end;
      }
      return mk('expression_statement', start, stop, [mk('assignment', left.start, stop, children)]);
    }
    if (this.kind() === OP && AUGMENTED.has(this.text())) {
      if (items.length !== 1 || trailingComma) throw UNSUPPORTED;
      const left = withField('left', toPattern(first));
      this.p++;
      const right = withField('right', this.rightHandSide());
      return mk('expression_statement', start, right.end, [mk('augmented_assignment', left.start, right.end, [left, right])]);
    }
    for (const item of items) if (item.type === 'list_splat') throw UNSUPPORTED;
    return mk('expression_statement', start, end, items);
  }

  /** After a target, at `=`: `target = value`, `target = other = value` ... */
  private assignmentRest(left: Node): Node {
    this.expect('=');
    const right = this.rightHandSide();
    return leftRight('assignment', left, right);
  }

  private rightHandSide(): Node {
    if (this.is('yield')) return this.yieldExpression();
    const { items, end, trailingComma } = this.starExpressions();
    const value = this.listOrSingle(items, end, trailingComma, 'expression_list');
    if (this.is('=')) return this.assignmentRest(toPattern(value));
    if (this.kind() === OP && AUGMENTED.has(this.text())) throw UNSUPPORTED;
    return value;
  }

  private yieldExpression(): Node {
    const start = this.startOf();
    let end = this.expect('yield');
    const children: Node[] = [];
    if (this.is('from')) {
      this.p++;
      const value = this.expression();
      children.push(value);
      end = value.end;
    } else if (!this.atStatementEnd() && !this.is(')') && !this.is('=')) {
      const value = this.expressions();
      children.push(value);
      end = value.end;
    }
    return mk('yield', start, end, children);
  }

  /** Comma-separated expressions (with `*x`), as an expression_list when more than one or a trailing comma. */
  private expressions(): Node {
    const { items, end, trailingComma } = this.starExpressions();
    return this.listOrSingle(items, end, trailingComma, 'expression_list');
  }

  private listOrSingle(items: Node[], end: number, trailingComma: boolean, type: string): Node {
    const first = items[0];
    if (first === undefined) throw UNSUPPORTED;
    if (items.length === 1 && !trailingComma) {
      if (first.type === 'list_splat') throw UNSUPPORTED;
      return first;
    }
    return mk(type, first.start, end, items);
  }

  private starExpressions(): { items: Node[]; end: number; trailingComma: boolean } {
    const items: Node[] = [this.starOrExpression()];
    let end = items[0]?.end ?? 0;
    let trailingComma = false;
    while (this.is(',')) {
      end = this.endOf();
      this.p++;
      if (!this.startsExpression()) {
        // `a, b,` at the end of a line: tree-sitter may read the next line as more of the list.
        if (this.kind() === NEWLINE) throw UNSUPPORTED;
        trailingComma = true;
        break;
      }
      const item = this.starOrExpression();
      items.push(item);
      end = item.end;
    }
    if (!items.every(FastParser.plainSplat)) throw UNSUPPORTED;
    return { items, end, trailingComma };
  }

  private starOrExpression(): Node {
    if (this.is('*')) {
      const start = this.startOf();
      this.p++;
      const value = this.bitwiseOr();
      return mk('list_splat', start, value.end, [value]);
    }
    return this.expression();
  }

  /**
   * tree-sitter reads `*a.b`, `*a[0]` or `*f()` either as a list_splat of the whole or as an attribute,
   * subscript or call of `*a` (a GLR choice that depends on where it stands). Only `*name` is read the
   * same everywhere; the rest is left to tree-sitter where it was seen to differ: in expression lists,
   * as the only element of a display, and calls in print's arguments. A display (`t = *[1], 2`, `*(a, b), c`)
   * is whole too, and tree-sitter refuses it in an expression list (a false syntax error).
   */
  private static plainSplat(node: Node): boolean {
    return node.type !== 'list_splat' || SPLAT_WHOLE.has(node.children[0]?.type ?? '');
  }

  /** Whether the current token can begin an expression. */
  private startsExpression(): boolean {
    const k = this.kind();
    if (k === NUMBER || k === STRING) return true;
    if (k === NAME) {
      const w = this.text();
      return !KEYWORDS.has(w) || w === 'not' || w === 'lambda' || w === 'await' || w === 'None' || w === 'True' || w === 'False' || w === 'yield';
    }
    if (k === OP) {
      const o = this.text();
      return o === '(' || o === '[' || o === '{' || o === '-' || o === '+' || o === '~' || o === '*' || o === '...';
    }
    return false;
  }

  private importStatement(): Node {
    const start = this.startOf();
    this.p++;
    const names: Node[] = [this.dottedAsName()];
    while (this.is(',')) {
      this.p++;
      names.push(this.dottedAsName());
    }
    return mk('import_statement', start, names[names.length - 1]?.end ?? start, names);
  }

  private dottedAsName(): Node {
    const name = this.dottedName();
    if (!this.is('as')) return withField('name', name);
    this.p++;
    const alias = withField('alias', this.identifier());
    return withField('name', mk('aliased_import', name.start, alias.end, [withField('name', name), alias]));
  }

  private dottedName(): Node {
    const parts: Node[] = [this.identifier()];
    while (this.is('.')) {
      this.p++;
      parts.push(this.identifier());
    }
    return mk('dotted_name', parts[0]?.start ?? 0, parts[parts.length - 1]?.end ?? 0, parts);
  }

  private fromImport(): Node {
    const start = this.startOf();
    this.p++;
    let future = false;
    let moduleName: Node;
    if (this.is('.') || this.is('...')) {
      const prefixStart = this.startOf();
      let prefixEnd = prefixStart;
      while (this.is('.') || this.is('...')) {
        prefixEnd = this.endOf();
        this.p++;
      }
      const prefix = mk('import_prefix', prefixStart, prefixEnd, []);
      const children = [prefix];
      if (!this.is('import')) children.push(this.dottedName());
      moduleName = mk('relative_import', prefixStart, children[children.length - 1]?.end ?? prefixEnd, children);
    } else {
      future = this.kind() === NAME && this.text() === '__future__' && this.is('import', 1);
      moduleName = this.dottedName();
    }
    this.expect('import');
    const children: Node[] = future ? [] : [withField('module_name', moduleName)];
    if (this.is('*')) {
      if (future) throw UNSUPPORTED;
      children.push(mk('wildcard_import', this.startOf(), this.endOf(), []));
      const end = this.endOf();
      this.p++;
      return mk('import_from_statement', start, end, children);
    }
    const parenthesized = this.is('(');
    if (parenthesized) this.p++;
    let end = 0;
    for (;;) {
      const name = this.identifier();
      const dotted = mk('dotted_name', name.start, name.end, [name]);
      if (this.is('as')) {
        this.p++;
        const alias = withField('alias', this.identifier());
        children.push(withField('name', mk('aliased_import', dotted.start, alias.end, [withField('name', dotted), alias])));
      } else {
        children.push(withField('name', dotted));
      }
      end = children[children.length - 1]?.end ?? end;
      if (!this.is(',')) break;
      this.p++;
      if (parenthesized && this.is(')')) break;
      if (!parenthesized && this.kind() !== NAME) throw UNSUPPORTED;
    }
    if (parenthesized) end = this.expect(')');
    return mk(future ? 'future_import_statement' : 'import_from_statement', start, end, children);
  }

  private identifier(): Node {
    if (this.kind() !== NAME || KEYWORDS.has(this.text())) throw UNSUPPORTED;
    const node = mk('identifier', this.startOf(), this.endOf(), []);
    this.p++;
    return node;
  }

  // ---- compound statements

  /** After a header's `:`: an indented block, or simple statements on the same line. */
  private block(): Node {
    this.expect(':');
    const statements: Node[] = [];
    if (this.kind() !== NEWLINE) {
      this.simpleStatements(statements);
      const first = statements[0];
      const last = statements[statements.length - 1];
      if (first === undefined || last === undefined) throw UNSUPPORTED;
      return mk('block', first.start, this.sameLineCommentEnd(this.withSemicolon(last.end)), statements);
    }
    this.p++;
    if (this.kind() !== INDENT) throw UNSUPPORTED;
    const indent = this.t.indent[this.p] ?? 0;
    this.p++;
    while (this.kind() !== DEDENT) {
      if (this.kind() === END) throw UNSUPPORTED;
      this.statement(statements);
    }
    this.p++;
    const first = statements[0];
    const last = statements[statements.length - 1];
    if (first === undefined || last === undefined) throw UNSUPPORTED;
    return mk('block', first.start, this.trailingCommentsEnd(this.withSemicolon(last.end), indent), statements);
  }

  private withSemicolon(end: number): number {
    return this.semicolonEnd > end && this.source.slice(end, this.semicolonEnd).trim() === ';' ? this.semicolonEnd : end;
  }

  /** The end of a same-line block: its trailing comment, if any. */
  private sameLineCommentEnd(end: number): number {
    const comment = this.commentAfter(end);
    return comment !== undefined && comment.column === -1 && !this.source.slice(end, comment.start).includes('\n') ? comment.end : end;
  }

  /**
   * The end of an indented block whose last statement ends at `end`: tree-sitter's block takes in the
   * comments after it (its line's own, then whole-line comments) while they are indented at least as far.
   */
  private trailingCommentsEnd(end: number, indent: number): number {
    const { comments } = this.t;
    let i = this.commentIndexAfter(end);
    let stop = end;
    const limit = this.startOf();
    for (; i < comments.length; i++) {
      const comment = comments[i];
      if (comment === undefined || comment.start >= limit) break;
      if (comment.column !== -1 && comment.column < indent) break;
      stop = comment.end;
    }
    return stop;
  }

  private commentAfter(offset: number): Comment | undefined {
    return this.t.comments[this.commentIndexAfter(offset)];
  }

  /** Index of the first comment starting at or after `offset`. */
  private commentIndexAfter(offset: number): number {
    const { comments } = this.t;
    let lo = 0;
    let hi = comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((comments[mid]?.start ?? 0) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ifStatement(): Node {
    const start = this.startOf();
    this.p++;
    const condition = withField('condition', this.namedExpression());
    const consequence = withField('consequence', this.block());
    const children = [condition, consequence];
    let end = consequence.end;
    while (this.is('elif')) {
      const clauseStart = this.startOf();
      this.p++;
      const c = withField('condition', this.namedExpression());
      const body = withField('consequence', this.block());
      children.push(withField('alternative', mk('elif_clause', clauseStart, body.end, [c, body])));
      end = body.end;
    }
    return this.withElse('if_statement', start, end, children);
  }

  /** An if, for or while statement, with its `else:` clause (field `alternative`) when one follows. */
  private withElse(type: string, start: number, end: number, children: Node[]): Node {
    if (!this.is('else')) return mk(type, start, end, children);
    const clause = withField('alternative', this.elseClause());
    return mk(type, start, clause.end, [...children, clause]);
  }

  private elseClause(): Node {
    const start = this.startOf();
    this.p++;
    const body = withField('body', this.block());
    return mk('else_clause', start, body.end, [body]);
  }

  private forStatement(start: number): Node {
    this.expect('for');
    const left = withField('left', this.targets());
    this.expect('in');
    const right = withField('right', this.expressions());
    const body = withField('body', this.block());
    return this.withElse('for_statement', start, body.end, [left, right, body]);
  }

  /** `for` targets: up to `in`, as a pattern or a pattern_list. */
  private targets(): Node {
    const items: Node[] = [this.targetItem()];
    let end = items[0]?.end ?? 0;
    let trailingComma = false;
    while (this.is(',')) {
      end = this.endOf();
      this.p++;
      if (this.is('in')) {
        trailingComma = true;
        break;
      }
      const item = this.targetItem();
      items.push(item);
      end = item.end;
    }
    const first = items[0];
    if (first === undefined) throw UNSUPPORTED;
    if (items.length === 1 && !trailingComma) return toPattern(first);
    return mk('pattern_list', first.start, end, items.map(toPattern));
  }

  private targetItem(): Node {
    if (this.is('*')) {
      const start = this.startOf();
      this.p++;
      const value = this.bitwiseOr();
      return mk('list_splat', start, value.end, [value]);
    }
    return this.bitwiseOr();
  }

  private whileStatement(): Node {
    const start = this.startOf();
    this.p++;
    const condition = withField('condition', this.namedExpression());
    const body = withField('body', this.block());
    return this.withElse('while_statement', start, body.end, [condition, body]);
  }

  private tryStatement(): Node {
    const start = this.startOf();
    this.p++;
    const body = withField('body', this.block());
    const children = [body];
    let end = body.end;
    let handlers = 0;
    while (this.is('except')) {
      const clauseStart = this.startOf();
      this.p++;
      if (this.is('*')) throw UNSUPPORTED;
      const clauseChildren: Node[] = [];
      if (!this.is(':')) {
        const value = this.expression();
        if (this.is('as')) {
          this.p++;
          const target = this.identifier();
          const alias = withField('alias', mk('as_pattern_target', target.start, target.end, [target]));
          clauseChildren.push(withField('value', mk('as_pattern', value.start, alias.end, [value, alias])));
        } else {
          if (this.is(',')) throw UNSUPPORTED;
          clauseChildren.push(withField('value', value));
        }
      }
      const block = this.block();
      clauseChildren.push(block);
      children.push(mk('except_clause', clauseStart, block.end, clauseChildren));
      end = block.end;
      handlers++;
    }
    if (this.is('else')) {
      if (handlers === 0) throw UNSUPPORTED;
      const clause = this.elseClause();
      children.push(clause);
      end = clause.end;
    }
    if (this.is('finally')) {
      const clauseStart = this.startOf();
      this.p++;
      const block = this.block();
      children.push(mk('finally_clause', clauseStart, block.end, [block]));
      end = block.end;
    } else if (handlers === 0) throw UNSUPPORTED;
    return mk('try_statement', start, end, children);
  }

  private withStatement(start: number): Node {
    this.expect('with');
    if (this.is('(')) throw UNSUPPORTED;
    const items: Node[] = [];
    for (;;) {
      const value = this.expression();
      if (this.is('as')) {
        // `with a if b else c as d`: tree-sitter binds `as` to the last operand.
        if (!PRIMARY_TYPES.has(value.type)) throw UNSUPPORTED;
        this.p++;
        const target = this.withTarget();
        const alias = withField('alias', mk('as_pattern_target', target.start, target.end, [target]));
        items.push(mk('with_item', value.start, alias.end, [withField('value', mk('as_pattern', value.start, alias.end, [value, alias]))]));
      } else {
        items.push(mk('with_item', value.start, value.end, [withField('value', value)]));
      }
      if (!this.is(',')) break;
      this.p++;
    }
    const clause = mk('with_clause', items[0]?.start ?? start, items[items.length - 1]?.end ?? start, items);
    const body = withField('body', this.block());
    return mk('with_statement', start, body.end, [clause, body]);
  }

  private withTarget(): Node {
    const target = this.primary();
    if (target.type !== 'identifier' && target.type !== 'attribute' && target.type !== 'subscript' && target.type !== 'tuple' && target.type !== 'list') throw UNSUPPORTED;
    return target;
  }

  private functionDefinition(start: number): Node {
    this.expect('def');
    const name = withField('name', this.identifier());
    if (this.is('[')) throw UNSUPPORTED;
    const parametersStart = this.startOf();
    this.expect('(');
    const params = this.parameterList(')');
    const parametersEnd = this.expect(')');
    const children = [name, withField('parameters', mk('parameters', parametersStart, parametersEnd, params))];
    if (this.is('->')) {
      this.p++;
      children.push(withField('return_type', this.type()));
    }
    const body = withField('body', this.block());
    children.push(body);
    return mk('function_definition', start, body.end, children);
  }

  /** Parameters of a `def` (`close` = `)`) or a lambda (`close` = `:`, no annotations). */
  private parameterList(close: string): Node[] {
    const params: Node[] = [];
    const typed = close === ')';
    while (!this.is(close)) {
      const start = this.startOf();
      if (this.is('/')) {
        params.push(mk('positional_separator', start, this.endOf(), []));
        this.p++;
      } else if (this.is('*') && (this.is(',', 1) || this.is(close, 1))) {
        params.push(mk('keyword_separator', start, this.endOf(), []));
        this.p++;
      } else if (this.is('*') || this.is('**')) {
        const type = this.is('*') ? 'list_splat_pattern' : 'dictionary_splat_pattern';
        this.p++;
        const name = this.identifier();
        const splat = mk(type, start, name.end, [name]);
        if (typed && this.is(':')) {
          this.p++;
          const annotation = withField('type', this.type());
          params.push(mk('typed_parameter', start, annotation.end, [splat, annotation]));
        } else params.push(splat);
      } else {
        const name = this.identifier();
        if (typed && this.is(':')) {
          this.p++;
          const annotation = withField('type', this.type());
          if (this.is('=')) {
            this.p++;
            const value = withField('value', this.expression());
            params.push(mk('typed_default_parameter', start, value.end, [withField('name', name), annotation, value]));
          } else params.push(mk('typed_parameter', start, annotation.end, [name, annotation]));
        } else if (this.is('=')) {
          this.p++;
          const value = withField('value', this.expression());
          params.push(mk('default_parameter', start, value.end, [withField('name', name), value]));
        } else params.push(name);
      }
      if (!this.is(',')) break;
      this.p++;
    }
    return params;
  }

  private classDefinition(): Node {
    const start = this.startOf();
    this.p++;
    const name = withField('name', this.identifier());
    if (this.is('[')) throw UNSUPPORTED;
    const children = [name];
    if (this.is('(')) children.push(withField('superclasses', this.argumentList()));
    const body = withField('body', this.block());
    children.push(body);
    return mk('class_definition', start, body.end, children);
  }

  private decorated(): Node {
    const start = this.startOf();
    const children: Node[] = [];
    while (this.is('@')) {
      const decoratorStart = this.startOf();
      this.p++;
      const value = this.namedExpression();
      if (this.kind() !== NEWLINE) throw UNSUPPORTED;
      this.p++;
      children.push(mk('decorator', decoratorStart, this.sameLineCommentEnd(value.end), [value]));
    }
    let definition: Node;
    if (this.is('def')) definition = this.functionDefinition(this.startOf());
    else if (this.is('class')) definition = this.classDefinition();
    else if (this.is('async') && this.is('def', 1)) {
      const asyncStart = this.startOf();
      this.p++;
      definition = this.functionDefinition(asyncStart);
    } else throw UNSUPPORTED;
    children.push(withField('definition', definition));
    return mk('decorated_definition', start, definition.end, children);
  }

  // ---- types

  /** An annotation: a `type` node around the expression, `generic_type` for `Name[...]` as tree-sitter does. */
  private type(): Node {
    const value = this.expression();
    const type = this.typeOf(value);
    // `Name[...]` anywhere else in an annotation (`Callable[[List[int]], str]`, `f[a] > b`): tree-sitter may
    // read a generic type there too, or fail; left to it.
    const stack = [type];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.type === 'subscript' && node.children[0]?.type === 'identifier') throw UNSUPPORTED;
      stack.push(...node.children);
    }
    return mk('type', value.start, value.end, [type]);
  }

  private isUnion(node: Node): boolean {
    const [left, right] = node.children;
    return left !== undefined && right !== undefined && this.source.slice(left.end, right.start).includes('|');
  }

  private typeOf(node: Node): Node {
    // `List[int].x` or `f[a]()` in an annotation: tree-sitter starts a generic type and then goes its own way.
    for (let inner = node.children[0]; inner !== undefined && (inner.type === 'attribute' || inner.type === 'call' || inner.type === 'subscript'); inner = inner.children[0]) {
      if ((node.type === 'attribute' || node.type === 'call' || node.type === 'subscript') && inner.type === 'subscript' && inner.children[0]?.type === 'identifier') throw UNSUPPORTED;
    }
    if (node.type === 'subscript') {
      const value = node.children[0];
      if (value?.type !== 'identifier') return node;
      const elements = node.children.slice(1);
      if (elements.some((e) => e.type === 'slice')) throw UNSUPPORTED;
      const open = this.source.indexOf('[', value.end);
      const parameter = mk('type_parameter', open, node.end, elements.map((e) => mk('type', e.start, e.end, [this.typeOf({ ...e, field: undefined })])));
      return mk('generic_type', node.start, node.end, [{ ...value, field: undefined }, parameter]);
    }
    if (node.type === 'binary_operator' && this.isUnion(node)) {
      // tree-sitter makes `A[x] | B | C` a union_type of the generic type and the rest as one expression;
      // a chain not led by a generic type stays a binary_operator.
      const operands: Node[] = [];
      let spine: Node = node;
      while (spine.type === 'binary_operator' && this.isUnion(spine)) {
        const [left, right] = spine.children;
        if (left === undefined || right === undefined) throw UNSUPPORTED;
        operands.unshift(right);
        spine = left;
      }
      const first = this.typeOf({ ...spine, field: undefined });
      if (first.type !== 'generic_type') return node;
      // Generic types join the union one by one (left to right); the first operand that is not one takes
      // the rest of the chain with it, as an expression.
      let union = first;
      const rest = operands.map((o) => ({ ...o, field: undefined }));
      while (rest.length > 0) {
        const next = rest[0];
        if (next === undefined) break;
        const generic = this.typeOf(next);
        if (generic.type !== 'generic_type') break;
        rest.shift();
        union = mk('union_type', union.start, generic.end, [mk('type', union.start, union.end, [union]), mk('type', generic.start, generic.end, [generic])]);
      }
      const [head, ...tail] = rest;
      if (head === undefined) return union;
      let expression: Node = head;
      for (const other of tail) expression = leftRight('binary_operator', expression, other);
      return mk('union_type', union.start, expression.end, [mk('type', union.start, union.end, [union]), mk('type', expression.start, expression.end, [expression])]);
    }
    return node;
  }

  // ---- expressions

  /** An expression where a walrus may stand unparenthesised (conditions, decorators, arguments). */
  private namedExpression(): Node {
    if (this.kind() === NAME && this.is(':=', 1)) {
      const name = withField('name', this.identifier());
      this.p++;
      const value = withField('value', this.expression());
      // `(x := a if b else c)`: tree-sitter reads `(x := a) if b else c`.
      if (value.type === 'conditional_expression' || value.type === 'lambda') throw UNSUPPORTED;
      return mk('named_expression', name.start, value.end, [name, value]);
    }
    return this.expression();
  }

  /** tree-sitter's `expression`: lambda, conditional, or, and, not, comparisons, operators, primaries. */
  private expression(): Node {
    if (this.is('lambda')) return this.lambda();
    if (this.kind() === NAME && this.is(':=', 1)) return this.namedExpression();
    const value = this.disjunction();
    if (!this.is('if')) return value;
    this.p++;
    const condition = this.disjunction();
    this.expect('else');
    const alternative = this.expression();
    return mk('conditional_expression', value.start, alternative.end, [value, condition, alternative]);
  }

  private lambda(): Node {
    const start = this.startOf();
    this.p++;
    const children: Node[] = [];
    if (!this.is(':')) {
      const params = this.parameterList(':');
      const first = params[0];
      const last = params[params.length - 1];
      if (first === undefined || last === undefined) throw UNSUPPORTED;
      children.push(withField('parameters', mk('lambda_parameters', first.start, last.end, params)));
    }
    this.expect(':');
    const body = withField('body', this.expression());
    children.push(body);
    return mk('lambda', start, body.end, children);
  }

  private disjunction(): Node {
    return this.booleanOperators('or', () => this.conjunction());
  }

  private conjunction(): Node {
    return this.booleanOperators('and', () => this.inversion());
  }

  /** `a or b or c` (`a and b ...`): left-associative boolean_operators of what `operand` reads. */
  private booleanOperators(word: 'or' | 'and', operand: () => Node): Node {
    let left = operand();
    while (this.is(word)) {
      this.p++;
      left = leftRight('boolean_operator', left, operand());
    }
    return left;
  }

  private inversion(): Node {
    if (this.is('not')) {
      const start = this.startOf();
      this.p++;
      const argument = withField('argument', this.inversion());
      return mk('not_operator', start, argument.end, [argument]);
    }
    return this.comparison();
  }

  private comparison(): Node {
    const first = this.bitwiseOr();
    const operands = [first];
    for (;;) {
      if (this.kind() === OP && COMPARISONS.has(this.text())) this.p++;
      else if (this.is('in')) this.p++;
      else if (this.is('not') && this.is('in', 1)) this.p += 2;
      else if (this.is('is')) {
        this.p++;
        if (this.is('not')) this.p++;
      } else break;
      operands.push(this.bitwiseOr());
    }
    if (operands.length === 1) return first;
    return mk('comparison_operator', first.start, operands[operands.length - 1]?.end ?? first.end, operands);
  }

  private bitwiseOr(): Node {
    return this.binary(0);
  }

  /**
   * Binary operators by precedence climbing; levels follow tree-sitter's precedences (| 14, & 15, ^ 16,
   * << >> 17, + - 18, * @ / % // 19), all left-associative. `**` (21) and unary operators (20) are below.
   */
  private binary(minLevel: number): Node {
    let left = this.unary();
    for (;;) {
      const level = this.kind() === OP ? BINARY_LEVELS.get(this.text()) : undefined;
      if (level === undefined || level < minLevel) return left;
      this.p++;
      const right = this.binary(level + 1);
      left = leftRight('binary_operator', left, right);
    }
  }

  private unary(): Node {
    if (this.is('-') || this.is('+') || this.is('~')) {
      const start = this.startOf();
      this.p++;
      const argument = withField('argument', this.unary());
      return mk('unary_operator', start, argument.end, [argument]);
    }
    return this.power();
  }

  private power(): Node {
    let base: Node;
    if (this.is('await')) {
      const start = this.startOf();
      this.p++;
      const value = this.primary();
      // `await a ** b` is `(await a) ** b` to Python, `await (a ** b)` to tree-sitter.
      if (this.is('**')) throw UNSUPPORTED;
      base = mk('await', start, value.end, [value]);
    } else base = this.primary();
    if (!this.is('**')) return base;
    this.p++;
    const exponent = this.unary();
    return leftRight('binary_operator', base, exponent);
  }

  private primary(): Node {
    let node = this.atom();
    for (;;) {
      if (this.is('.')) {
        this.p++;
        const attribute = withField('attribute', this.identifier());
        node = mk('attribute', node.start, attribute.end, [withField('object', node), attribute]);
      } else if (this.is('(')) {
        const args = withField('arguments', this.argumentList(node.type === 'identifier' && this.source.startsWith('print', node.start) && node.end - node.start === 5));
        node = mk('call', node.start, args.end, [withField('function', node), args]);
      } else if (this.is('[')) {
        node = this.subscript(node);
      } else return node;
    }
  }

  /** `(...)` after a callee: an argument_list, or a generator_expression when it is the only argument. */
  private argumentList(ofPrint = false): Node {
    const start = this.startOf();
    this.expect('(');
    const args: Node[] = [];
    while (!this.is(')')) {
      const argStart = this.startOf();
      if (this.is('*')) {
        this.p++;
        const value = this.expression();
        // `print(x, *f())` is also read as a Python 2 print statement, and tree-sitter may pick `(*f)()`.
        if (ofPrint && value.type !== 'identifier') throw UNSUPPORTED;
        args.push(mk('list_splat', argStart, value.end, [value]));
      } else if (this.is('**')) {
        this.p++;
        const value = this.expression();
        args.push(mk('dictionary_splat', argStart, value.end, [value]));
      } else if (this.kind() === NAME && this.is('=', 1)) {
        const name = withField('name', this.identifierOrSoftKeyword());
        this.p++;
        const value = withField('value', this.expression());
        args.push(mk('keyword_argument', argStart, value.end, [name, value]));
      } else {
        const value = this.namedExpression();
        if (this.is('for') || this.is('async')) {
          if (args.length > 0) throw UNSUPPORTED;
          const clauses = this.comprehensionClauses();
          const end = this.expect(')');
          return mk('generator_expression', start, end, [withField('body', value), ...clauses]);
        }
        args.push(value);
      }
      if (!this.is(',')) break;
      this.p++;
    }
    const end = this.expect(')');
    return mk('argument_list', start, end, args);
  }

  private identifierOrSoftKeyword(): Node {
    if (this.kind() !== NAME) throw UNSUPPORTED;
    const word = this.text();
    if (KEYWORDS.has(word) && word !== 'async' && word !== 'await') throw UNSUPPORTED;
    const node = mk('identifier', this.startOf(), this.endOf(), []);
    this.p++;
    return node;
  }

  private subscript(value: Node): Node {
    this.expect('[');
    const children: Node[] = [withField('value', value)];
    for (;;) {
      children.push(withField('subscript', this.sliceOrExpression()));
      if (!this.is(',')) break;
      this.p++;
      if (this.is(']')) break;
    }
    const end = this.expect(']');
    return mk('subscript', value.start, end, children);
  }

  private sliceOrExpression(): Node {
    const start = this.startOf();
    const parts: Node[] = [];
    if (!this.is(':')) {
      // `a[*b]` (Python 3.11) is an error to tree-sitter.
      if (this.is('*')) throw UNSUPPORTED;
      const value = this.namedExpression();
      if (!this.is(':')) return value;
      parts.push(value);
    }
    let end = this.expect(':');
    if (!this.is(':') && !this.is(']') && !this.is(',')) {
      const stop = this.expression();
      parts.push(stop);
      end = stop.end;
    }
    if (this.is(':')) {
      end = this.endOf();
      this.p++;
      if (!this.is(']') && !this.is(',')) {
        const step = this.expression();
        parts.push(step);
        end = step.end;
      }
    }
    return mk('slice', start, end, parts);
  }

  private comprehensionClauses(): Node[] {
    const clauses: Node[] = [];
    for (;;) {
      if (this.is('for') || (this.is('async') && this.is('for', 1))) {
        const start = this.startOf();
        if (this.is('async')) this.p++;
        this.p++;
        const left = withField('left', this.targets());
        this.expect('in');
        if (this.is('lambda')) throw UNSUPPORTED;
        const right = withField('right', this.disjunction());
        if (this.is(',')) throw UNSUPPORTED;
        clauses.push(mk('for_in_clause', start, right.end, [left, right]));
      } else if (this.is('if')) {
        const start = this.startOf();
        this.p++;
        const condition = this.kind() === NAME && this.is(':=', 1) ? this.namedExpression() : this.disjunction();
        if (this.is('else')) throw UNSUPPORTED;
        clauses.push(mk('if_clause', start, condition.end, [condition]));
      } else return clauses;
    }
  }

  private atom(): Node {
    const k = this.kind();
    const start = this.startOf();
    const end = this.endOf();
    if (k === NAME) {
      const word = this.text();
      if (word === 'True' || word === 'False' || word === 'None') {
        this.p++;
        return mk(word === 'None' ? 'none' : word.toLowerCase(), start, end, []);
      }
      if (KEYWORDS.has(word)) throw UNSUPPORTED;
      this.p++;
      return mk('identifier', start, end, []);
    }
    if (k === NUMBER) {
      this.p++;
      return mk(this.isFloat(start, end) ? 'float' : 'integer', start, end, []);
    }
    if (k === STRING) return this.strings();
    if (k !== OP) throw UNSUPPORTED;
    switch (this.text()) {
      case '(':
        return this.parenthesized();
      case '[':
        return this.bracketed('[', ']', 'list', 'list_comprehension');
      case '{':
        return this.braced();
      case '...':
        this.p++;
        return mk('ellipsis', start, end, []);
      default:
        throw UNSUPPORTED;
    }
  }

  private isFloat(start: number, end: number): boolean {
    const text = this.source.slice(start, end);
    if (/^0[xXoObB]/.test(text)) return false;
    return /[.eE]/.test(text);
  }

  private parenthesized(): Node {
    const start = this.startOf();
    this.p++;
    if (this.is(')')) {
      const end = this.expect(')');
      return mk('tuple', start, end, []);
    }
    if (this.is('yield')) {
      const value = this.yieldExpression();
      const end = this.expect(')');
      return mk('parenthesized_expression', start, end, [value]);
    }
    const first = this.is('*') ? this.starOrExpression() : this.namedExpression();
    if (this.is('for') || (this.is('async') && this.is('for', 1))) {
      if (first.type === 'list_splat') throw UNSUPPORTED;
      const clauses = this.comprehensionClauses();
      const end = this.expect(')');
      return mk('generator_expression', start, end, [withField('body', first), ...clauses]);
    }
    if (this.is(')')) {
      if (first.type === 'list_splat') throw UNSUPPORTED;
      const end = this.expect(')');
      return mk('parenthesized_expression', start, end, [first]);
    }
    const items = [first];
    while (this.is(',')) {
      this.p++;
      if (this.is(')')) break;
      items.push(this.is('*') ? this.starOrExpression() : this.namedExpression());
    }
    const end = this.expect(')');
    if (items.length === 1 && !FastParser.plainSplat(first)) throw UNSUPPORTED;
    return mk('tuple', start, end, items);
  }

  private bracketed(open: string, close: string, type: string, comprehension: string): Node {
    const start = this.startOf();
    this.expect(open);
    if (this.is(close)) {
      const end = this.expect(close);
      return mk(type, start, end, []);
    }
    return this.bracketedFrom(start, this.is('*') ? this.starOrExpression() : this.namedExpression(), close, type, comprehension);
  }

  /** The rest of a display or comprehension whose first element is `first` (parsed), up to `close`. */
  private bracketedFrom(start: number, first: Node, close: string, type: string, comprehension: string): Node {
    if (this.is('for') || (this.is('async') && this.is('for', 1))) {
      if (first.type === 'list_splat') throw UNSUPPORTED;
      const clauses = this.comprehensionClauses();
      const end = this.expect(close);
      return mk(comprehension, start, end, [withField('body', first), ...clauses]);
    }
    const items = [first];
    while (this.is(',')) {
      this.p++;
      if (this.is(close)) break;
      items.push(this.is('*') ? this.starOrExpression() : this.namedExpression());
    }
    const end = this.expect(close);
    if (items.length === 1 && !FastParser.plainSplat(first)) throw UNSUPPORTED;
    return mk(type, start, end, items);
  }

  private braced(): Node {
    const start = this.startOf();
    if (this.is('}', 1)) {
      this.p++;
      const end = this.expect('}');
      return mk('dictionary', start, end, []);
    }
    if (this.is('*', 1)) return this.bracketed('{', '}', 'set', 'set_comprehension');
    this.p++;
    const items: Node[] = [];
    let first = true;
    for (;;) {
      const itemStart = this.startOf();
      if (this.is('**')) {
        this.p++;
        const value = this.bitwiseOr();
        items.push(mk('dictionary_splat', itemStart, value.end, [value]));
      } else {
        const key = this.expression();
        if (!this.is(':')) {
          if (!first) throw UNSUPPORTED;
          // A set after all, its first element parsed already: parsing it again would take twice as long at
          // each level of nested sets (`frozenset({frozenset({...})})`, round 42 S: minutes at 24 levels).
          if (!this.is(':=')) return this.bracketedFrom(start, key, '}', 'set', 'set_comprehension');
          this.p = this.tokenIndexAt(start);
          return this.bracketed('{', '}', 'set', 'set_comprehension');
        }
        this.p++;
        const value = this.expression();
        const pair = mk('pair', key.start, value.end, [withField('key', key), withField('value', value)]);
        if (first && (this.is('for') || (this.is('async') && this.is('for', 1)))) {
          const clauses = this.comprehensionClauses();
          const end = this.expect('}');
          return mk('dictionary_comprehension', start, end, [withField('body', pair), ...clauses]);
        }
        items.push(pair);
      }
      first = false;
      if (!this.is(',')) break;
      this.p++;
      if (this.is('}')) break;
    }
    const end = this.expect('}');
    return mk('dictionary', start, end, items);
  }

  private tokenIndexAt(offset: number): number {
    let i = this.p;
    while (i > 0 && (this.t.start[i] ?? 0) > offset) i--;
    return i;
  }

  /** One string, or adjacent strings as a concatenated_string. */
  private strings(): Node {
    const parts: Node[] = [];
    while (this.kind() === STRING) {
      parts.push(this.string(this.p));
      this.p++;
    }
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (first === undefined || last === undefined) throw UNSUPPORTED;
    if (parts.length === 1) return first;
    return mk('concatenated_string', first.start, last.end, parts);
  }

  private string(index: number): Node {
    const start = this.t.start[index] ?? 0;
    const end = this.t.end[index] ?? 0;
    const interpolations = this.t.fstrings.get(index);
    return mk('string', start, end, interpolations === undefined ? [] : interpolations.map((i) => this.interpolation(i, 'interpolation')));
  }

  private interpolation(i: Interpolation, type: string): Node {
    const children: Node[] = [withField('expression', this.subExpression(i.exprStart, i.exprEnd))];
    if (i.spec >= 0) {
      children.push(withField('format_specifier', mk('format_specifier', i.spec, i.close, i.nested.map((n) => this.interpolation(n, 'format_expression')))));
    }
    return mk(type, i.open, i.close + 1, children);
  }

  /** An f-string's expression, `source[from, to)`: expression, expression_list or pattern_list. */
  private subExpression(from: number, to: number): Node {
    const tokens = new Tokens();
    tokenize(this.source, from, to, true, tokens);
    if (tokens.fstrings.size > 0) throw UNSUPPORTED;
    // A name in an f-string (`f"{µ:.2f}"`) is read as Python reads it too.
    if (tokens.unicodeNames) this.t.unicodeNames = true;
    const inner = new FastParser(this.source, tokens);
    const value = inner.expressions();
    if (inner.kind() !== END) throw UNSUPPORTED;
    return value;
  }
}

/** The hand-written parser's answer: the top-level statements, and whether any name is non-ASCII. */
export interface FastTree {
  readonly statements: readonly PyNode[];
  /** Told by the tokenizer, which looks at each name's characters anyway: an ASCII source costs nothing more. */
  readonly unicodeNames: boolean;
}

/**
 * The top-level statements of `source` as tree-sitter-python would give them (through `convert`), or
 * `undefined` when the source has a syntax error or uses something this parser leaves to tree-sitter.
 */
export function fastParsePython(source: string): FastTree | undefined {
  try {
    const tokens = new Tokens();
    tokenize(source, 0, source.length, false, tokens);
    return { statements: new FastParser(source, tokens).module(), unicodeNames: tokens.unicodeNames };
  } catch {
    // UNSUPPORTED, or a bug of this parser (a stack overflow on deep nesting, say): either way tree-sitter
    // parses it. The corpus tests keep the declined share small, so such bugs cannot hide there.
    return undefined;
  }
}
