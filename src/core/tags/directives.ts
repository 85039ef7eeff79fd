/**
 * `#| ` directive lines, read the way nbdev 2 reads them (nbdev `process.py`): a directive is a line
 * `#| key`, `#| key value` or `#| key: value` (spaces optional: `#|key`, `# | key`), and only the leading
 * block of a cell counts — blank lines, directive lines and cell magics (`%%time`) may open a cell; the
 * first other line (code, or a plain `# comment`) ends the block. Colab's form lines (`#@title Load data`,
 * `#@markdown ...`) may open it too: Colab keeps them on a cell's first lines, above anything else.
 * nbdev 1 comments (`# export`) are not directives: see docs/tags.md.
 */

/** One `#| ` line. */
export interface Directive {
  /** The key as written, without `#|` and without a colon after it: `default_exp`, `step`, `echo`. */
  readonly key: string;
  /**
   * Everything after the key (and its colon), trimmed, without a YAML comment after it (`train  # fit` is
   * `train`); '' when there is none.
   */
  readonly value: string;
  /** The line as written, without trailing whitespace. */
  readonly raw: string;
  /** 0-based offset of `value` in `raw` (where it would start when empty): a rename replaces just the value. */
  readonly valueStart: number;
  /** 1-based line inside the cell. */
  readonly line: number;
}

/** A cell's source cut into its leading directives and the code below them. */
export interface SplitSource {
  /** The directives of the leading block, in order. */
  readonly directives: readonly Directive[];
  /** The source after the leading block (may be empty). */
  readonly body: string;
  /** 1-based line in the cell where `body` starts. */
  readonly bodyLine: number;
  /** Directive-looking lines below the first line of code: nbdev ignores them, and so do we. */
  readonly late: readonly Directive[];
}

// Not a markdown table row in comments (`# | col | val |`, round 68 TTT: read as directives and cut from the step).
const DIRECTIVE = /^\s*#\s*\|(?!.*\|\s*$)(.*)$/;
const NO_DIRECTIVES: readonly Directive[] = Object.freeze([]);
const CELL_MAGIC = /^\s*%%\w+/;
/** A Colab form line (`#@title Parameters { display-mode: "form" }`, `#@markdown Pick a model`). */
export const COLAB_FORM_LINE = /^\s*#\s*@(?:title|markdown)\b/;
const KEY_VALUE = /^([^\s:]+)\s*(?::\s*)?(.*)$/;

/** The leading `#| ` directives of a cell's source. */
export function parseDirectives(source: string): Directive[] {
  return [...splitDirectives(source).directives];
}

/** Cut a cell's source into its leading directive block and the code below it. */
export function splitDirectives(source: string): SplitSource {
  // Most cells: no "|" means no directive line, early or late; code on the first line means the body is all of it.
  if (!source.includes('|') && !source.includes('\r')) {
    const newline = source.indexOf('\n');
    const firstLine = newline < 0 ? source : source.slice(0, newline);
    if (firstLine.trim() !== '' && !CELL_MAGIC.test(firstLine) && !COLAB_FORM_LINE.test(firstLine)) return { directives: NO_DIRECTIVES, body: source, bodyLine: 1, late: NO_DIRECTIVES };
  }
  const lines = source.split(/\r\n|\n|\r/);
  const directives: Directive[] = [];
  let first = 0;
  for (; first < lines.length; first++) {
    const text = lines[first] ?? '';
    if (text.trim() === '' || CELL_MAGIC.test(text) || COLAB_FORM_LINE.test(text)) continue;
    if (!DIRECTIVE.test(text)) break;
    const directive = readDirectiveLine(text, first + 1);
    if (directive !== undefined) directives.push(directive);
  }
  const late: Directive[] = [];
  for (let i = first; i < lines.length; i++) {
    const directive = readDirectiveLine(lines[i] ?? '', i + 1);
    if (directive !== undefined) late.push(directive);
  }
  return { directives, body: lines.slice(first).join('\n'), bodyLine: first + 1, late };
}

/** The directive on one line, or undefined when the line is not a directive or an empty `#|`. */
export function readDirectiveLine(text: string, line: number): Directive | undefined {
  const raw = text.trimEnd();
  const after = DIRECTIVE.exec(raw)?.[1];
  const rest = after?.trim();
  if (rest === undefined || rest === '') return undefined;
  const match = KEY_VALUE.exec(rest);
  const key = match?.[1];
  if (key === undefined) return undefined;
  // The rest of the line after the key and its colon: it starts at a non-space and ends the line.
  const written = match?.[2] ?? '';
  return { key, value: withoutComment(written), raw, line, valueStart: raw.length - written.length };
}

/**
 * A directive value without the comment after it. Quarto reads directive values as YAML, where a `#` after
 * whitespace (or first) starts a comment: `#| step: train  # fit the model` names the step `train`. A `#`
 * inside a quoted value (`"a # b"`) or inside a word (`a#b`) is text.
 */
function withoutComment(value: string): string {
  let from = 0;
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const close = closingQuote(value, quote);
    if (close < 0) return value;
    from = close + 1;
  }
  for (let i = from; i < value.length; i++) {
    if (value[i] === '#' && (i === 0 || /\s/.test(value[i - 1] ?? ''))) return value.slice(0, i).trimEnd();
  }
  return value;
}

/** The index of the quote closing a YAML string that opens at 0 (`''` escapes `'`; `\` escapes in `"`), or -1. */
function closingQuote(value: string, quote: string): number {
  for (let i = 1; i < value.length; i++) {
    if (quote === '"' && value[i] === '\\') i++;
    else if (value[i] === quote) {
      if (quote === "'" && value[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
