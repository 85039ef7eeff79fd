/**
 * Small text operations on Python source that generation needs and that must not change what the code
 * means: indenting a body without touching the inside of multi-line strings, quoting literals.
 */

/**
 * The name generated code reads for the notebook's path where a cell read `__file__` (core/analysis/cellFacts.ts
 * renames it; the package's `__init__` defines `NOTEBOOK_FILE`). As long as `__file__`, so columns stay put.
 */
export const NOTEBOOK_FILE_NAME = '_NB_FILE';

/**
 * Lines (0-based) that start inside a multi-line string literal: indenting them would change the string.
 * A small scanner: comments, single- and triple-quoted strings with prefixes, backslash escapes.
 */
export function linesInsideStrings(code: string): Set<number> {
  const inside = new Set<number>();
  let line = 0;
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '#') {
      while (i < n && code[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const triple = code.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      let open = true;
      while (i < n && !code.startsWith(quote, i)) {
        // A backslash keeps the next character inside the string, in raw strings too (r'\'' is one quote).
        const step = code[i] === '\\' ? 2 : 1;
        for (let k = 0; k < step && i < n; k++, i++) {
          if (code[i] !== '\n') continue;
          line++;
          if (triple || step === 2) inside.add(line);
        }
        if (!triple && step === 1 && code[i - 1] === '\n') {
          open = false; // an unterminated one-line string ends at its line
          break;
        }
      }
      if (open) i += quote.length;
    } else i++;
  }
  return inside;
}

/**
 * `code` with each f-string that has no replacement field written as the plain string it is (`f"Done."` is
 * `"Done."`, `f"{{x}}"` is `"{x}"`): pyflakes reports such an f-string ("f-string is missing placeholders"),
 * and real notebooks are full of them (round 72 DED). An escape means the same in both; one holding `{` or `}`
 * other than doubled (a field, `\N{...}`) is left as it is, as is an unterminated one.
 */
export function withoutEmptyFStrings(code: string): string {
  if (!/[fF][rR]?["']|[rR][fF]["']/.test(code)) return code;
  // The text is copied in spans between the characters that matter (quotes, comments, brackets), and only an
  // f-string's literal is looked at closely: this runs over every generated module.
  const parts: string[] = [];
  let copied = 0; // code[..copied] is in `parts`
  // Open brackets: a string alone on a line inside them is an argument (`print(\n    f"Done."\n)`), no statement.
  let depth = 0;
  const n = code.length;
  const interesting = /[#"'()[\]{}]/g;
  let i = 0;
  while (i < n) {
    interesting.lastIndex = i;
    const m = interesting.exec(code);
    if (m === null) break;
    i = m.index;
    const c = code[i] ?? '';
    if (c === '#') {
      const end = code.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c !== '"' && c !== "'") {
      if (c === '(' || c === '[' || c === '{') depth++;
      else depth = Math.max(0, depth - 1);
      i++;
      continue;
    }
    const quote = code.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    let j = i + quote.length;
    while (j < n && !code.startsWith(quote, j) && (quote.length === 3 || code[j] !== '\n')) j += code[j] === '\\' ? 2 : 1;
    const end = Math.min(n, j + quote.length);
    // The prefix: the letters right before the quote, not the end of a name (`elif"`).
    const prefix = /(?<![\w])([rRbBuUfF]{1,2})$/.exec(code.slice(Math.max(0, i - 3), i))?.[1];
    if (prefix === undefined || !/[fF]/.test(prefix) || !code.startsWith(quote, j)) {
      i = end;
      continue;
    }
    const content = code.slice(i + quote.length, j);
    // An escape is no field, `\N{EM DASH}` either (not in a raw string, where `{EM DASH}` is one: round 73 EFE).
    const raw = /[rR]/.test(prefix);
    const fields = raw ? content : content.replace(/\\(?:N\{[^{}\n]*\}|[^])/g, (e) => (e.startsWith('\\N{') ? '' : '..'));
    const start = i - prefix.length;
    // Not a statement of its own (`f"""..."""` first in a function would become its docstring: round 73 EFE).
    const lineStart = code.lastIndexOf('\n', start - 1) + 1;
    const alone = depth === 0 && /^[ \t]*$/.test(code.slice(lineStart, start)) && /^[ \t]*(?:#[^\n]*)?(?:\n|$)/.test(code.slice(end, code.indexOf('\n', end) < 0 ? n : code.indexOf('\n', end) + 1));
    if (!alone && !/[{}]/.test(fields.replace(/\{\{|\}\}/g, ''))) {
      parts.push(code.slice(copied, start), prefix.replace(/[fF]/, ''), quote, content.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), quote);
      copied = end;
    }
    i = end;
  }
  if (copied === 0) return code;
  parts.push(code.slice(copied));
  return parts.join('');
}

/**
 * The 1-based lines of `code` holding `assert (x, "message")`: an assert of a tuple, which is always true (pyflakes
 * reports it, and Python warns). The parentheses enclose all of it, on one line or several, and hold a comma at their
 * top level. The first line of each.
 */
export function alwaysTrueAssertLines(code: string): number[] {
  return alwaysTrueAsserts(code).map((a) => a.line);
}

/**
 * An `assert (x, "message")`: its 1-based line, where `assert` starts and the tuple's `(`, the offset after its `)`,
 * the comment after it.
 */
interface TupleAssert {
  readonly line: number;
  readonly assertAt: number;
  readonly open: number;
  readonly close: number;
  readonly comment: string;
}

/** Each statement `assert (x, "message")` of `code` at the start of a line, not in a multi-line string. */
function alwaysTrueAsserts(code: string): TupleAssert[] {
  if (!/\bassert\s*\(/.test(code)) return [];
  const inString = linesInsideStrings(code);
  const found: TupleAssert[] = [];
  let lineStart = 0;
  code.split('\n').forEach((line, i) => {
    const m = inString.has(i) ? null : /^([ \t]*)assert\s*\(/.exec(line);
    const tuple = m === null ? undefined : tupleFrom(code, lineStart + m[0].length - 1);
    if (m !== null && tuple !== undefined) found.push({ line: i + 1, assertAt: lineStart + (m[1] ?? '').length, open: lineStart + m[0].length - 1, ...tuple });
    lineStart += line.length + 1;
  });
  return found;
}

/**
 * From the `(` at `open`: the offset after its `)` and the comment after that on the line, when the parentheses hold
 * a comma at their top level and nothing but a comment follows them; else undefined. Strings, escapes and comments
 * inside are skipped (a one-line string ends at its line).
 */
function tupleFrom(code: string, open: number): { close: number; comment: string } | undefined {
  let depth = 0;
  let comma = false;
  let quote: string | undefined;
  for (let i = open; i < code.length; i++) {
    const ch = code[i] ?? '';
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === '\n' && quote.length === 1) return undefined;
      else if (code.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (ch === '"' || ch === "'") quote = code.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        const lineEnd = code.indexOf('\n', i);
        const rest = code.slice(i + 1, lineEnd < 0 ? code.length : lineEnd);
        return comma && /^[ \t]*(?:#.*)?$/.test(rest) ? { close: i + 1, comment: rest.trim() } : undefined;
      }
    } else if (ch === ',' && depth === 1) comma = true;
    else if (ch === '#') {
      const lineEnd = code.indexOf('\n', i);
      if (lineEnd < 0) return undefined;
      i = lineEnd - 1;
    }
  }
  return undefined;
}

/**
 * `code` with each `assert (x, "message")` written as the tuple it tests, `(x, "message")`, over as many lines as
 * it was: the same (the tuple is evaluated, and always true), without what pyflakes and Python report (round 73
 * FGF). Promotion warns of each (`assert-always-true`).
 */
export function withoutAlwaysTrueAsserts(code: string): string {
  let out = code;
  for (const a of alwaysTrueAsserts(code).reverse()) {
    const note = a.comment === '' ? '  # nbpromote: was `assert (...)` of a tuple, always true' : '';
    out = `${out.slice(0, a.assertAt)}${out.slice(a.open, a.close)}${note}${out.slice(a.close)}`;
  }
  return out;
}

/**
 * Indents every line by `prefix` except blank lines and lines inside multi-line strings. Code indented with tabs
 * gets spaces instead (a tab after `prefix`'s spaces would mix the two): four a tab when no line mixes tabs and
 * spaces in its indentation (valid Python never lines up a tab with spaces then), else to every eighth column,
 * as Python reads tabs.
 */
export function indentBody(code: string, prefix = '    '): string {
  const inside = linesInsideStrings(code);
  const lines = code.split('\n');
  const indentOf = (line: string): string => /^[ \t]*/.exec(line)?.[0] ?? '';
  const indents = lines.filter((l, i) => !inside.has(i) && l.trim() !== '').map(indentOf);
  const tabbed = indents.some((indent) => indent.includes('\t'));
  const mixed = tabbed && indents.some((indent) => indent.includes('\t') && indent.includes(' '));
  const spaced = (line: string): string => {
    const indent = indentOf(line);
    if (!indent.includes('\t')) return line;
    let column = 0;
    for (const c of indent) column = c === '\t' ? (mixed ? column + 8 - (column % 8) : column + 4) : column + 1;
    return ' '.repeat(column) + line.slice(indent.length);
  };
  return lines.map((l, i) => (inside.has(i) || l.trim() === '' ? l : prefix + (tabbed ? spaced(l) : l))).join('\n');
}

/** A Python string literal for any text. */
export function pyString(text: string): string {
  return JSON.stringify(text).replace(/\\u2028/g, '\\u2028');
}

/** A Python literal for a JSON value (parameters' defaults, expected metrics). */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `float(${pyString(String(value))})`;
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(', ')}}`;
}

/** `load_data` -> `LoadData` */
export function pascalCase(name: string): string {
  return name
    .split('_')
    .filter((p) => p !== '')
    .map((p) => p[0]?.toUpperCase() + p.slice(1))
    .join('');
}

/** `["accuracy_score", None]`: Python's list of `names` (None for an element without a name). */
export function pyNames(names: readonly (string | undefined)[]): string {
  return `[${names.map((n) => (n === undefined ? 'None' : pyString(n))).join(', ')}]`;
}

/**
 * Text for a docstring: a notebook path holding `\N`, `\x`, `\u` or `"""` (a folder named so, a Windows path)
 * made every generated module a SyntaxError. Backslashes doubled, `"""` broken up, line ends written `\n`.
 */
export function docText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"""').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}
