/**
 * The one entry point for reading a notebook's text: `.ipynb` files and jupytext percent scripts (`.py`)
 * both come back as a Notebook. Pure: the caller reads the file (see read.ts).
 */
import type { ParseResult } from '../contract/notebook';
import { parseIpynb, parseIpynbBytes } from './ipynb';
import { decodeText, isTooLongForText, readAllBytes, tooLongProblem } from './notebookBytes';
import type { ByteSource } from './notebookBytes';
import { parsePercent } from './percent';

/**
 * Reads `text`, the contents of `file`, by the file's extension: `.ipynb` as nbformat JSON, `.py` as a
 * jupytext percent script. Never throws on user input: what is wrong comes back as problems, and
 * `notebook` is undefined only when nothing could be read.
 */
export function parseNotebook(text: string, file: string): ParseResult {
  const name = file.toLowerCase();
  if (name.endsWith('.ipynb')) return parseIpynb(text, file);
  if (name.endsWith('.py')) {
    if (isPercentScript(text)) return parsePercent(text, file);
    return notRead(file, 'the file is a Python script without `# %%` cell markers, not a jupytext percent script');
  }
  return notRead(file, 'the file is neither a notebook (.ipynb) nor a jupytext percent script (.py)');
}

/**
 * `parseNotebook` of a file's bytes, or of a reader of them (`.ipynb` files only), for callers that read
 * the file themselves: the same result, faster and with less memory for `.ipynb` files (see
 * notebookBytes.ts). Never throws on user input; throws what `source` throws.
 */
export function parseNotebookBytes(source: Uint8Array | ByteSource, file: string): ParseResult {
  if (file.toLowerCase().endsWith('.ipynb')) return parseIpynbBytes(source, file);
  const bytes = source instanceof Uint8Array ? source : readAllBytes(source);
  if (isTooLongForText(bytes)) return { notebook: undefined, problems: [tooLongProblem(file)] };
  return parseNotebook(decodeText(bytes), file);
}

/** A `# %%` cell marker at the start of a line (after optional blanks): `# %%`, `#%%`, `# %% [markdown]` ... */
const MARKER_IN_TEXT = /^[ \t]*#[ \t]*%%%*(?:[ \t]|$)/m;

/**
 * True when `text` has a percent cell marker line. Like jupytext's own format guess, the whole text is
 * searched: a script may start with plain code (which becomes the first cell) and its YAML header.
 */
export function isPercentScript(text: string): boolean {
  return MARKER_IN_TEXT.test(text);
}

function notRead(file: string, message: string): ParseResult {
  return { notebook: undefined, problems: [{ severity: 'error', code: 'not-a-notebook', message, file }] };
}
