/**
 * Python literals as JSON values, for parameter defaults: numbers, strings, True/False/None, and
 * lists, tuples and dicts of those. Anything else (a call, a name, an f-string) is not a literal.
 * A tuple at the top is type `tuple` (pipeline.yaml keeps it as a list, the runtime makes it a tuple again).
 * A whole float inside a list, tuple or dict (`{"model": {"C": 1.0}}`) is 1 as JSON: `floats` names where
 * each is, so the runtime makes it a float again (a list of floats only is `items: float` instead).
 * `lossy` says the JSON value does not give the same Python value back: a tuple inside a list or dict.
 */
import type { ParameterType } from '../contract/stepGraph';

/** Where a value is inside a list, tuple or dict: keys and 0-based positions from the top. */
export type ValuePath = readonly (string | number)[];

export type LiteralResult =
  | {
      readonly ok: true;
      readonly value: unknown;
      readonly type: ParameterType;
      readonly lossy: boolean;
      /** `float` for a list or tuple of floats only (`[0.1, 1.0, 10.0]`): each item is a float, even whole. */
      readonly items?: 'float';
      /** Where the whole floats inside are (`[["model", "C"]]`), when they are not a list of floats only. */
      readonly floats?: readonly ValuePath[];
    }
  | { readonly ok: false };

/** Python's one-character string escapes (a backslash before a line end joins the lines). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '\n': '' };

export function parsePythonLiteral(text: string): LiteralResult {
  const parser = new LiteralParser(text);
  try {
    const raw = parser.rawValue();
    parser.skipSpace();
    if (!parser.atEnd()) return { ok: false };
    if (raw instanceof FloatValue) return { ok: true, value: raw.value, type: 'float', lossy: false };
    const found: Inside = { floats: [], tuples: false };
    const type = raw instanceof TupleValue ? 'tuple' : typeOf(raw);
    const value = raw instanceof TupleValue ? raw.items.map((item, i) => asJson(item, [i], found)) : asJson(raw, [], found);
    if (found.tuples) return { ok: true, value, type, lossy: true };
    if (found.floats.length === 0) return { ok: true, value, type, lossy: false };
    // `[0.1, 1.0, 10.0]`: JSON loses the `.0`, but `items: float` in pipeline.yaml gives it back (for any length).
    if ((type === 'list' || type === 'tuple') && new LiteralParser(text).floatsOnly()) {
      return { ok: true, value, type, lossy: false, items: 'float' };
    }
    return { ok: true, value, type, lossy: false, floats: found.floats };
  } catch {
    return { ok: false };
  }
}

/**
 * A parameter's value: a literal ({@link parsePythonLiteral}), or `os.path.join` of string literals
 * (`DATA_DIR = os.path.join("..", "data")`, as notebooks write paths), which is the string it makes: joined
 * with `/` as on POSIX (Python on Windows reads `/` too), from the last absolute part on.
 */
export function parseParameterValue(text: string): LiteralResult {
  const literal = parsePythonLiteral(text);
  if (literal.ok) return literal;
  const folded = numberArithmetic(text);
  if (folded !== undefined) return folded;
  const path = pathValue(text);
  if (path !== undefined) return { ok: true, value: path, type: 'path', lossy: false };
  const join = /^\s*(?:os\.path|posixpath|path)\.join\s*\(([\s\S]*)\)\s*$/.exec(text);
  if (join === null) return literal;
  const parts = stringsOf(join[1] ?? '');
  return parts === undefined ? { ok: false } : { ok: true, value: joinedPath(parts), type: 'str', lossy: false };
}

/** The string literals `args` holds, separated by commas (`"..", "data"`); undefined for anything else. */
function stringsOf(args: string): string[] | undefined {
  const parts = parsePythonLiteral(`(${args},)`);
  return parts.ok && Array.isArray(parts.value) && parts.value.length > 0 && parts.value.every((p): p is string => typeof p === 'string') ? parts.value : undefined;
}

/** Parts joined with `/` as on POSIX (Python on Windows reads `/` too), from the last absolute part on. */
function joinedPath(parts: readonly string[]): string {
  let joined = '';
  for (const part of parts) {
    if (part.startsWith('/')) joined = part;
    else if (joined === '' || joined.endsWith('/')) joined += part;
    else joined += `/${part}`;
  }
  return joined;
}

/**
 * A `pathlib.Path` of string literals, as notebooks write a folder to read from or write to: `Path("../data")`,
 * `pathlib.Path("data", "raw")`, `Path("..") / "data" / "raw"` -> its text (`../data/raw`); undefined for anything
 * else (`Path.cwd()`, `Path(ROOT) / "x"`). A path parameter: the run gives the step a `Path` of the text.
 */
function pathValue(text: string): string | undefined {
  const start = /^\s*(?:pathlib\.)?Path\s*\(/.exec(text);
  if (start === null) return undefined;
  const pieces = splitOutsideStrings(text.slice(start[0].length - 1), '/');
  const first = pieces[0]?.trim() ?? '';
  const args = first.startsWith('(') && first.endsWith(')') ? stringsOf(first.slice(1, -1)) : undefined;
  const rest = pieces.slice(1).map((piece) => parsePythonLiteral(piece));
  if (args === undefined || !rest.every((r) => r.ok && typeof r.value === 'string')) return undefined;
  const joined = joinedPath([...args, ...rest.map((r) => (r.ok ? String(r.value) : ''))]);
  return joined === '' ? undefined : joined;
}

/** `text` split at `separator` where it stands outside strings and brackets. */
function splitOutsideStrings(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === separator && depth === 0) {
      pieces.push(text.slice(from, i));
      from = i + 1;
    }
  }
  pieces.push(text.slice(from));
  return pieces;
}

/**
 * Arithmetic on number literals, as Python computes it (round 36 G: `N_FEATURES = 2 ** 12`, `TIMEOUT = 60 * 60`,
 * `LR = 1e-3 * 5`, `-2 ** 2`): the value, or undefined for anything else or a result JavaScript cannot give exactly
 * as Python does: `**` of whole numbers only, `//` and `%` of whole numbers only, whole results within 2^53.
 */
function numberArithmetic(text: string): LiteralResult | undefined {
  if (!/[-+*/%]/.test(text) || !/^[\s\d.eE_xXoObB()+\-*/%a-fA-F]*$/.test(text)) return undefined;
  const tokens = text.match(/\*\*|\/\/|[-+*/%()]|(?:0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?\.?)|\S/g) ?? [];
  let at = 0;
  type N = { value: number; float: boolean };
  const fail = (): never => {
    throw new Error('not arithmetic');
  };
  const whole = (n: N): N => (n.float || Number.isSafeInteger(n.value) ? n : fail());
  const atom = (): N => {
    const token = tokens[at++] ?? fail();
    if (token === '(') {
      const inner = sum();
      if (tokens[at++] !== ')') fail();
      return inner;
    }
    const number = parsePythonLiteral(token);
    if (!number.ok || typeof number.value !== 'number') return fail();
    return { value: number.value, float: number.type === 'float' };
  };
  const power = (): N => {
    const base = atom();
    if (tokens[at] !== '**') return base;
    at++;
    const exponent = unary();
    if (base.float || exponent.float || exponent.value < 0) fail();
    return whole({ value: base.value ** exponent.value, float: false });
  };
  const unary = (): N => {
    if (tokens[at] === '-' || tokens[at] === '+') {
      const sign = tokens[at++] === '-' ? -1 : 1;
      const n = unary();
      return { value: sign * n.value, float: n.float };
    }
    return power();
  };
  const product = (): N => {
    let left = unary();
    while (tokens[at] === '*' || tokens[at] === '/' || tokens[at] === '//' || tokens[at] === '%') {
      const op = tokens[at++];
      const right = unary();
      if (op === '*') left = whole({ value: left.value * right.value, float: left.float || right.float });
      else if (op === '/') left = right.value === 0 ? fail() : { value: left.value / right.value, float: true };
      else if (left.float || right.float || right.value === 0) fail();
      else left = { value: op === '//' ? Math.floor(left.value / right.value) : left.value - right.value * Math.floor(left.value / right.value), float: false };
    }
    return left;
  };
  const sum = (): N => {
    let left = product();
    while (tokens[at] === '+' || tokens[at] === '-') {
      const op = tokens[at++];
      const right = product();
      left = whole({ value: op === '+' ? left.value + right.value : left.value - right.value, float: left.float || right.float });
    }
    return left;
  };
  try {
    const result = sum();
    if (at !== tokens.length || !Number.isFinite(result.value)) return undefined;
    return { ok: true, value: result.value, type: result.float ? 'float' : 'int', lossy: false };
  } catch {
    return undefined;
  }
}

function typeOf(value: unknown): ParameterType {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** What JSON changes inside a value: the whole floats (by path) and whether it holds a tuple. */
interface Inside {
  readonly floats: ValuePath[];
  tuples: boolean;
}

/** A raw value inside a list, tuple or dict at `path`, as JSON, noting in `found` what JSON changes. */
function asJson(v: unknown, path: ValuePath, found: Inside): unknown {
  if (v instanceof FloatValue) {
    if (Number.isInteger(v.value)) found.floats.push(path);
    return v.value;
  }
  if (v instanceof TupleValue) {
    found.tuples = true;
    return v.items.map((item, i) => asJson(item, [...path, i], found));
  }
  if (Array.isArray(v)) return v.map((item, i) => asJson(item, [...path, i], found));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, asJson(item, [...path, key], found)]));
  return v;
}

/** A number written with a decimal point or exponent: a float even when integral (`1.0`). */
class FloatValue {
  constructor(readonly value: number) {}
}

/** `(1, 2)`, `(1,)`, `()`: a tuple, as opposed to a list. */
class TupleValue {
  constructor(readonly items: unknown[]) {}
}

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') this.pos++;
      else if (c === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  /** True when the text is a list or tuple whose every item is a number written as a float (`1.0`, `1e-3`). */
  floatsOnly(): boolean {
    this.skipSpace();
    const close = this.text[this.pos] === '[' ? ']' : this.text[this.pos] === '(' ? ')' : undefined;
    if (close === undefined) return false;
    this.pos++;
    let count = 0;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) return count > 0;
      if (!(this.rawValue() instanceof FloatValue)) return false;
      count++;
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) return false;
    }
  }

  rawValue(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '[') return this.sequence(']').items;
    if (c === '(') {
      const { items, comma } = this.sequence(')');
      // `(5)` is 5; `(5,)` and `()` are tuples.
      return items.length === 1 && !comma ? items[0] : new TupleValue(items);
    }
    if (c === '{') return this.dict();
    const str = this.tryString();
    if (str !== undefined) return str;
    const word = /^(True|False|None)\b/.exec(this.text.slice(this.pos));
    if (word !== null) {
      this.pos += word[0].length;
      return word[1] === 'True' ? true : word[1] === 'False' ? false : null;
    }
    // `0x10`, `0o17`, `0b101`: ints in another base.
    const based = /^([+-]?)0([xX][\da-fA-F_]+|[oO][0-7_]+|[bB][01_]+)(?![\w.])/.exec(this.text.slice(this.pos));
    if (based !== null) {
      this.pos += based[0].length;
      const digits = (based[2] ?? '').slice(1).replace(/_/g, '');
      const radix = { x: 16, o: 8, b: 2 }[(based[2] ?? 'x')[0]?.toLowerCase() as 'x' | 'o' | 'b'];
      const n = Number.parseInt(digits, radix) * (based[1] === '-' ? -1 : 1);
      if (digits === '' || !Number.isSafeInteger(n)) throw new Error('int too large for JSON');
      return n;
    }
    const num = /^[+-]?(\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.pos));
    if (num !== null) {
      this.pos += num[0].length;
      const raw = num[0].replace(/_/g, '');
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error('not finite');
      if (/[.eE]/.test(raw)) return new FloatValue(n);
      if (!Number.isSafeInteger(n)) throw new Error('int too large for JSON');
      return n;
    }
    throw new Error('not a literal');
  }

  private sequence(close: string): { items: unknown[]; comma: boolean } {
    this.pos++;
    const items: unknown[] = [];
    let comma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return { items, comma };
      }
      items.push(this.rawValue());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        comma = true;
      } else if (this.text[this.pos] !== close) throw new Error('expected , or close');
    }
  }

  private dict(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.rawValue();
      if (typeof key !== 'string') throw new Error('dict keys must be strings for JSON');
      this.skipSpace();
      if (this.text[this.pos] !== ':') throw new Error('expected :');
      this.pos++;
      out[key] = this.rawValue();
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') throw new Error('expected , or }');
    }
  }

  /** 'x', "x", r'x', b is refused (bytes are not JSON), f-strings are refused; implicit concatenation joins. Escapes as Python reads them. */
  private tryString(): string | undefined {
    let result: string | undefined;
    for (;;) {
      this.skipSpaceInline();
      const m = /^([rRuU]?)('''|"""|'|")/.exec(this.text.slice(this.pos));
      if (m === null) return result;
      const raw = (m[1] ?? '').toLowerCase() === 'r';
      const quote = m[2] ?? '';
      this.pos += m[0].length;
      let out = '';
      for (;;) {
        if (this.atEnd()) throw new Error('unterminated string');
        if (this.text.startsWith(quote, this.pos)) {
          this.pos += quote.length;
          break;
        }
        const ch = this.text[this.pos] ?? '';
        if (quote.length === 1 && ch === '\n') throw new Error('newline in string');
        if (ch === '\\' && !raw) {
          const next = this.text[this.pos + 1] ?? '';
          const mapped = SIMPLE_ESCAPES[next];
          if (mapped === undefined) {
            // `\101` (octal), `\x41`, `\u2603`, `\U0001F600`; `\N{DEGREE SIGN}` needs Unicode's names, which
            // only Python has: such a string is no literal here (it stays Python, a constant).
            if (next === 'N') throw new Error('\\N{...} escape');
            const coded = /^([0-7]{1,3})|^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^U([0-9a-fA-F]{8})/.exec(this.text.slice(this.pos + 1));
            if (coded === null) out += `\\${next}`;
            else {
              const point = coded[1] !== undefined ? parseInt(coded[1], 8) : parseInt(coded[2] ?? coded[3] ?? coded[4] ?? '0', 16);
              if (point > 0x10ffff) throw new Error('escape out of range');
              out += String.fromCodePoint(point);
              this.pos += coded[0].length - 1;
            }
          } else out += mapped;
          this.pos += 2;
          continue;
        }
        out += ch;
        this.pos++;
      }
      result = (result ?? '') + out;
    }
  }

  private skipSpaceInline(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }
}

/**
 * The values a Colab form field offers, from the comment on the parameter's line: `#@param ["rf", "svm"]` (a
 * dropdown), also with `{type:"string"}` after it. Undefined when the line has none, when the form also takes typed
 * input (`{allow-input: true}`), or when a value is not of the parameter's type or the default is not among them.
 */
export function formChoices(line: string, type: string, value: unknown): (string | number | boolean)[] | undefined {
  const form = /#\s*@param\s*(\[.*\])\s*(\{.*\})?\s*$/.exec(line);
  if (form === null || /allow-input\s*:\s*true/i.test(form[2] ?? '')) return undefined;
  const parsed = parsePythonLiteral(form[1] ?? '');
  if (!parsed.ok || !Array.isArray(parsed.value) || parsed.value.length === 0) return undefined;
  const fits = (item: unknown): item is string | number | boolean =>
    type === 'str' ? typeof item === 'string' : type === 'int' ? Number.isInteger(item) : type === 'float' ? typeof item === 'number' : type === 'bool' ? typeof item === 'boolean' : false;
  const items = (parsed.value as unknown[]).filter(fits);
  if (items.length !== parsed.value.length || !(items as unknown[]).includes(value)) return undefined;
  return [...new Set(items)];
}
