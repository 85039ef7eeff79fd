/**
 * The jupytext percent reader: a `.py` script whose cells start at `# %%` lines -> Notebook plus problems.
 * Follows jupytext's percent format: an optional YAML header (`# ---` ... `# ---`) whose `jupyter` entry
 * is the notebook metadata; markers `# %% [title] [markdown|md|raw] key=value...` (see percentOptions.ts);
 * markdown and raw cells commented with `# `; one blank line written between cells. Code before the first
 * marker is a first code cell. Magic commands and shell escapes that jupytext comments out (`# %cd data`,
 * `# %%time`, `# !pip install x`) are read back as jupytext reads them, as the magics the notebook ran.
 * The `active` option decides, as in jupytext, whether a code cell is code in the notebook or a raw cell.
 */
import { load } from 'js-yaml';
import type { CellKind, Notebook, NotebookCell, ParseResult } from '../contract/notebook';
import type { Problem } from '../contract/problem';
import { isJsonObject } from './jsonValue';
import { parseMarkerOptions } from './percentOptions';

/** A cell marker line (without its line break): group 1 = extra `%` (Spyder sub-cells), group 2 = options. */
const MARKER = /^\s*#\s*%%(%*)(?:\s(.*))?$/;

/** A script has no saved outputs; code cells carry the same fields as an unrun `.ipynb` code cell. */
const NO_OUTPUTS = { outputs: [], executionCount: null } as const;

/** True when `line` (without its line break) starts a percent cell: `# %%`, `#%%`, `# %% [markdown]` ... */
export function isCellMarker(line: string): boolean {
  return MARKER.test(line);
}

/** Reads the text of a percent script. Never throws; the problems name the file line. */
export function parsePercent(text: string, file: string): ParseResult {
  // Windows editors may start the file with a byte order mark; Python skips it, and so does the header.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const problems: Problem[] = [];
  const header = readHeader(lines, file, problems);
  const cells: NotebookCell[] = [];

  const quoted = insideStrings(lines, header.end);
  const nextMarker = (from: number): number => {
    let i = from;
    while (i < lines.length && (quoted[i] === true || !MARKER.test(lines[i] ?? ''))) i++;
    return i;
  };
  // `# %%tags=["step:load"]`: no marker for jupytext (a space must follow `%%`), so the line is a comment of the
  // cell above and the cell it meant to start merges into it (round 49 FF). A commented magic (`# %%time`) is fine.
  lines.forEach((line, i) => {
    if (i < header.end || quoted[i] === true || !/^\s*#\s*%%(?:tags\s*=|id\s*=|active\s*=|\[(?:markdown|md|raw)\])/.test(line)) return;
    problems.push({ severity: 'error', code: 'percent-option', message: 'this line is no cell marker: jupytext wants a space after `%%` (`# %% tags=[...]`), so it stays a comment and its cell is part of the one above', file, line: i + 1, column: line.indexOf('%%') + 3 });
  });
  let marker = nextMarker(header.end);
  const preamble = trimBlankLines(lines, header.end, marker);
  if (preamble.start < preamble.end) {
    const source = lines.slice(preamble.start, preamble.end).join('\n');
    cells.push({ index: 0, kind: 'code', source, tags: [], metadata: {}, ...NO_OUTPUTS, fileLine: preamble.start + 1 });
  }
  while (marker < lines.length) {
    const next = nextMarker(marker + 1);
    cells.push(readCell(lines, marker, next, cells.length, file, problems));
    marker = next;
  }
  const notebook: Notebook = { path: file, format: 'percent', nbformat: 4, nbformatMinor: 5, language: 'python', metadata: header.metadata, cells };
  return { notebook, problems };
}

/**
 * For each line from `from`: true when it starts inside a triple-quoted string, where `# %%` is text, not a
 * marker (jupytext reads it so). Single-quoted strings end with their line; comments are skipped.
 */
export function insideStrings(lines: readonly string[], from = 0): boolean[] {
  const inside: boolean[] = [];
  let open: string | undefined;
  for (let i = from; i < lines.length; i++) {
    inside[i] = open !== undefined;
    const line = lines[i] ?? '';
    let j = 0;
    while (j < line.length) {
      if (open !== undefined) {
        const end = closingQuote(line, j, open);
        if (end === -1) break;
        open = undefined;
        j = end;
        continue;
      }
      const ch = line[j];
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        const triple = line.startsWith(ch.repeat(3), j) ? ch.repeat(3) : undefined;
        if (triple !== undefined) {
          open = triple;
          j += 3;
          continue;
        }
        const end = closingQuote(line, j + 1, ch);
        j = end === -1 ? line.length : end;
        continue;
      }
      j++;
    }
  }
  return inside;
}

/** The index after the `quote` that closes a string at or after `from` in `line` (backslash escapes), or -1. */
function closingQuote(line: string, from: number, quote: string): number {
  for (let j = from; j < line.length; j++) {
    if (line[j] === '\\') j++;
    else if (line.startsWith(quote, j)) return j + quote.length;
  }
  return -1;
}

function readCell(lines: readonly string[], marker: number, next: number, index: number, file: string, problems: Problem[]): NotebookCell {
  const markerLine = lines[marker] ?? '';
  const match = MARKER.exec(markerLine);
  const optionsText = match?.[2] ?? '';
  const optionsOffset = markerLine.length - optionsText.length;
  const options = parseMarkerOptions(optionsText);
  for (const found of options.problems) {
    problems.push({ severity: found.severity, code: 'percent-option', message: found.message, file, line: marker + 1, column: optionsOffset + found.offset + 1 });
  }
  const body = trimBlankLines(lines, marker + 1, next, false);
  const content = lines.slice(body.start, body.end);
  const { kind, metadata, source } = activeCell(options.kind, options.metadata, options.tags ?? [], content);
  return {
    index,
    ...(options.id !== undefined ? { id: options.id } : {}),
    kind,
    source,
    tags: options.tags ?? [],
    metadata,
    ...(kind === 'code' ? NO_OUTPUTS : {}),
    fileLine: marker + 2,
  };
}

/**
 * The kind and source of a cell as jupytext makes the notebook from it, given its `active` option
 * (`cell_reader.py`). A code cell active only in the notebook (`active="ipynb"`, tag `active-ipynb`) has its
 * lines commented out in the script, so the script runs without it: jupytext uncomments them, and the
 * notebook runs them. A code cell not active in the notebook (`active="py"`, tag `active-py`) is a raw cell
 * there, never run: its lines stay as written when the script runs them, else they are uncommented as text.
 * Only the comment marks at the start of lines go, so each line stays on its line of the file.
 */
function activeCell(kind: CellKind, metadata: Record<string, unknown>, tags: readonly string[], content: readonly string[]): { kind: CellKind; metadata: Record<string, unknown>; source: string } {
  if (kind !== 'code') return { kind, metadata, source: content.map(uncomment).join('\n') };
  const inScript = isActive('py', metadata, tags);
  if (isActive('ipynb', metadata, tags)) return { kind, metadata, source: content.map(inScript ? uncommentMagic : uncomment).join('\n') };
  const { active, ...rest } = metadata;
  return { kind: 'raw', metadata: active === '' ? rest : metadata, source: (inScript ? content : content.map(uncomment)).join('\n') };
}

/**
 * Whether a cell runs in the notebook (`ipynb`) or in the script (`py`), by jupytext's rule (`is_active`): a
 * frozen cell (`run_control.frozen`) only in the notebook; else the first `active-...` tag (`active-ipynb-py`)
 * lists where; else the `active` option (`"ipynb,py"`, `"ipynb.py"`); else everywhere.
 */
export function isActive(where: 'ipynb' | 'py', metadata: Record<string, unknown>, tags: readonly string[]): boolean {
  const runControl = metadata['run_control'];
  if (isJsonObject(runControl) && runControl['frozen'] === true) return where === 'ipynb';
  const tag = tags.find((t) => t.startsWith('active-'));
  if (tag !== undefined) return tag.split('-').includes(where);
  const active = metadata['active'];
  return typeof active === 'string' ? active.split(/[.,]/).includes(where) : true;
}

/**
 * A magic or shell escape jupytext commented out in a code cell (`# %cd ../data`, `# %%time`, `# !pip install
 * x`): the magic again, as jupytext reads it back. A comment that only mentions one stays (`# %d items`: one
 * letter; `# !important`: no shell command).
 */
function uncommentMagic(line: string): string {
  const m = /^(\s*)# ?((?:%%?[A-Za-z]\w+|!\s*(?:pip|pip3|conda|ls|cat|wget|curl|mkdir|rm|cp|mv|head|tail|echo|git|unzip|tar|python|python3|nvidia-smi|du|df|find|cd|kaggle|gsutil|apt|apt-get|pwd|touch|gunzip|sed|grep|wc)\b)(?:\s.*)?)$/.exec(line);
  return m === null ? line : `${m[1] ?? ''}${line.slice((m[1] ?? '').length).replace(/^# ?/, '')}`;
}

/** Markdown and raw lines are written as comments: `# text`, and `#` for an empty line. */
function uncomment(line: string): string {
  if (line.startsWith('# ')) return line.slice(2);
  return line.startsWith('#') ? line.slice(1) : line;
}

/** The range [start, end) without trailing blank lines (and leading ones when `leading`). */
function trimBlankLines(lines: readonly string[], start: number, end: number, leading = true): { start: number; end: number } {
  let first = start;
  let last = end;
  while (leading && first < last && (lines[first] ?? '').trim() === '') first++;
  while (last > first && (lines[last - 1] ?? '').trim() === '') last--;
  return { start: first, end: last };
}

interface Header {
  readonly metadata: Record<string, unknown>;
  /** The first line after the header (and the shebang / encoding lines before it). */
  readonly end: number;
}

/**
 * The jupytext header: a `#!` line and a `# -*- coding -*-` line are skipped, then `# ---`, YAML lines
 * commented with `# `, `# ---`. Its `jupyter` entry (kernelspec, jupytext ...) becomes the notebook metadata.
 */
function readHeader(lines: readonly string[], file: string, problems: Problem[]): Header {
  let start = 0;
  if ((lines[start] ?? '').startsWith('#!')) start++;
  if (/^#.*coding[:=]/.test(lines[start] ?? '')) start++;
  if ((lines[start] ?? '').trimEnd() !== '# ---') return { metadata: {}, end: start };
  let close = start + 1;
  while (close < lines.length && (lines[close] ?? '').trimEnd() !== '# ---') {
    if (!(lines[close] ?? '').startsWith('#')) return { metadata: {}, end: start };
    close++;
  }
  if (close >= lines.length) return { metadata: {}, end: start };
  const yaml = lines.slice(start + 1, close).map(uncomment).join('\n');
  return { metadata: headerMetadata(yaml, start + 2, file, problems), end: close + 1 };
}

function headerMetadata(yaml: string, firstLine: number, file: string, problems: Problem[]): Record<string, unknown> {
  try {
    const parsed = load(yaml);
    const jupyter = isJsonObject(parsed) ? parsed['jupyter'] : undefined;
    return isJsonObject(jupyter) ? jupyter : {};
  } catch (error) {
    const mark = isJsonObject(error) && isJsonObject(error['mark']) ? error['mark'] : {};
    const line = typeof mark['line'] === 'number' ? firstLine + mark['line'] : firstLine - 1;
    const reason = isJsonObject(error) && typeof error['reason'] === 'string' ? error['reason'] : String(error);
    problems.push({ severity: 'warning', code: 'percent-header', message: `the jupytext header is not valid YAML (${reason}); it is ignored`, file, line });
    return {};
  }
}
