/**
 * Values a metrics cell prints under a label without naming them (`print("cv_accuracy:", cv.mean())`,
 * `print(f"AUC: {roc_auc_score(y, p):.4f}")`): the graph names each by its label (`cv_accuracy`, `auc`), the
 * generated metrics function binds that name where the line prints the value (`(cv_accuracy := cv.mean())`),
 * the `--execute` probe does the same in its copy of the notebook, and the reader of saved outputs reads the
 * line as if it printed the name. One rule finds the value in its line for all of them.
 */
import type { PrintedValue } from '../contract/stepGraph';
import { sourceLines } from './python/lexical';
import { stringAndCommentRanges } from './python/literalRanges';
import { parenthesized } from './expectedMetrics';

/**
 * Where `expression` stands as code in `line`: outside plain strings and comments, or as the whole of an
 * f-string's replacement field (`{cv.mean():.4f}`); undefined when it does not (or the line changed).
 */
function valueAt(line: string, expression: string): number | undefined {
  const literals = stringAndCommentRanges(line);
  for (let at = line.indexOf(expression); at !== -1; at = line.indexOf(expression, at + 1)) {
    const inside = literals.find(([start, end]) => at >= start && at < end);
    if (inside === undefined) return at;
    // In an f-string (`f"...`, `rf'...`: the prefix stands before the quote): the whole field, `{` before it
    // and `}`, `:` or `!` after it (spaces allowed).
    const fString = /[fF][rR]?$|[fF]$/.test(line.slice(Math.max(0, inside[0] - 2), inside[0]));
    if (fString && /\{\s*$/.test(line.slice(0, at)) && /^\s*(?:[}:!]|=)/.test(line.slice(at + expression.length))) return at;
  }
  return undefined;
}

/** `line` with the printed value bound to its name: `print("cv:", (cv := scores.mean()))`; undefined when not found. */
export function bindPrintedValue(line: string, value: Pick<PrintedValue, 'expression' | 'name'>): string | undefined {
  const at = valueAt(line, value.expression);
  if (at === undefined) return undefined;
  const before = line.slice(0, at);
  const after = line.slice(at + value.expression.length);
  // Already in parentheses of its own (`"%.1f%%" % (100 * acc)`), not a call's: no second pair (round 46 Y).
  const grouped = /\(\s*$/.test(before) && !/[\w)\].]\s*\(\s*$/.test(before) && /^\s*\)/.test(after);
  return grouped ? `${before}${value.name} := ${value.expression}${after}` : `${before}(${value.name} := ${value.expression})${after}`;
}

/**
 * `line` printing the value's name instead of the value (`print("cv:", cv)`), as the reader of saved outputs
 * reads it. A `%` or `.format` string formatting that one value becomes the f-string printing the same
 * (`print("fold: %.3f" % cv.max())` -> `print(f"fold: {fold:.3f}")`), the form the reader knows.
 */
export function namePrintedValue(line: string, value: Pick<PrintedValue, 'expression' | 'name'>): string | undefined {
  const formatted = asFString(line, value);
  if (formatted !== undefined) return formatted;
  const at = valueAt(line, value.expression);
  if (at === undefined) return undefined;
  return `${line.slice(0, at)}${value.name}${line.slice(at + value.expression.length)}`;
}

/**
 * `source` (a cell's) with the printed values of that cell rewritten by `rewrite` on their lines (1-based, as
 * `sourceLines` counts them). Each line keeps its own line break (`\r\n` in a notebook saved on Windows).
 */
export function withPrintedValues(source: string, values: readonly PrintedValue[], rewrite: (line: string, value: PrintedValue) => string | undefined): string {
  if (values.length === 0) return source;
  const lines = sourceLines(source);
  const breaks = source.match(/\r\n|\n|\r/g) ?? [];
  for (const value of values) {
    const line = lines[value.line - 1];
    const rewritten = line === undefined ? undefined : rewrite(line, value);
    if (rewritten !== undefined) lines[value.line - 1] = rewritten;
  }
  return lines.map((line, i) => line + (breaks[i] ?? '')).join('');
}

/** `print("text %.3f" % value)` or `print("text {:.3f}".format(value))` of the one value, as an f-string of its name. */
function asFString(line: string, value: Pick<PrintedValue, 'expression' | 'name'>): string | undefined {
  const percent = /^(\s*)print\(\s*[uU]?(["'])((?:(?!\2)[^\\])*)\2\s*%\s*(.+?)\s*\)\s*(?:#.*)?$/.exec(line);
  const format = percent === null ? /^(\s*)print\(\s*[uU]?(["'])((?:(?!\2)[^\\])*)\2\s*\.format\(\s*(.+?)\s*\)\s*\)\s*(?:#.*)?$/.exec(line) : null;
  const m = percent ?? format;
  if (m === null) return undefined;
  const [, indent = '', quote = '"', text = '', values = ''] = m;
  // `% value`, `% (value)` and `% (value,)` format the one value.
  const one = percent === null ? values : (parenthesized(values)?.replace(/,\s*$/, '') ?? values);
  if (one.trim() !== value.expression.trim()) return undefined;
  if (percent !== null) {
    const places = [...text.matchAll(/%([-#0 +]*\d*(?:\.\d+)?[sdifeEgGrx])/g)];
    const place = places[0];
    if (places.length !== 1 || place === undefined || text.includes('%%') || /[{}]/.test(text)) return undefined;
    const spec = /[sr]$/.test(place[1] ?? '') ? '' : `:${place[1] ?? ''}`;
    return `${indent}print(f${quote}${text.replace(place[0], `{${value.name}${spec}}`)}${quote})`;
  }
  const fields = [...text.matchAll(/\{(0?)(:[^{}]*)?\}/g)];
  const field = fields[0];
  if (fields.length !== 1 || field === undefined || (text.match(/[{}]/g) ?? []).length !== 2) return undefined;
  return `${indent}print(f${quote}${text.replace(field[0], `{${value.name}${field[2] ?? ''}}`)}${quote})`;
}
