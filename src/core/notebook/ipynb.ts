/**
 * The `.ipynb` reader: JSON text -> Notebook plus problems. nbformat 4.x is validated against the official
 * schema of its minor version; nbformat 3 is upgraded in memory. The model is built leniently, so a
 * damaged notebook still shows what can be shown. Outputs and metadata are referenced, never copied.
 */
import type { CellKind, Notebook, NotebookCell, ParseResult } from '../contract/notebook';
import type { Problem } from '../contract/problem';
import { jsonSyntaxProblem } from './jsonSyntax';
import { decodeText, isTooLongForText, notUtf8Problem, parseNotebookJson, readAllBytes, tooLongProblem } from './notebookBytes';
import type { ByteSource } from './notebookBytes';
import { isJsonObject, isStringList, jsonTypeWord } from './jsonValue';
import type { JsonObject } from './jsonValue';
import { NEWEST_SCHEMA_MINOR } from './nbformatAjv';
import { nbformatSchemaProblems } from './nbformatSchema';
import { upgradeV3 } from './nbformat3';

/** Reads the text of an `.ipynb` file. Never throws: what is wrong with the file comes back as problems. */
export function parseIpynb(text: string, file: string): ParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    return failed(jsonSyntaxProblem(source, error, file));
  }
  return readJson(json, file);
}

/**
 * Reads an `.ipynb` file from its bytes, or from a reader of them: the same result as `parseIpynb` of its
 * text, without ever holding the text (see notebookBytes.ts). Never throws on user input; throws what
 * `source` throws.
 */
export function parseIpynbBytes(source: Uint8Array | ByteSource, file: string): ParseResult {
  const json = parseNotebookJson(source);
  if (json !== undefined) return readJson(json.value, file);
  const bytes = source instanceof Uint8Array ? source : readAllBytes(source);
  if (isTooLongForText(bytes)) return failed(tooLongProblem(file));
  const notUtf8 = notUtf8Problem(bytes, file);
  if (notUtf8 !== undefined) return failed(notUtf8);
  return parseIpynb(decodeText(bytes), file);
}

/** The notebook in a parsed `.ipynb` file. */
function readJson(json: unknown, file: string): ParseResult {
  if (!isJsonObject(json)) {
    return failed(problem(file, 'not-a-notebook', `the file is JSON but not a notebook: its top level is ${jsonTypeWord(json)}, not an object`));
  }
  const nbformat = json['nbformat'];
  if (nbformat === 3) return readV3(json, file);
  if (typeof nbformat === 'number' && nbformat !== 4) return failed(unsupportedVersion(nbformat, file));
  return readV4(json, file);
}

function readV4(json: JsonObject, file: string): ParseResult {
  const cells = json['cells'];
  if (!Array.isArray(cells)) {
    return failed(problem(file, 'not-a-notebook', 'the file is not a notebook: it has no "cells" list'));
  }
  const minor = fileMinor(json, cells);
  const schemaMinor = Math.min(Math.max(minor, 0), NEWEST_SCHEMA_MINOR);
  const problems: Problem[] = [];
  if (minor > NEWEST_SCHEMA_MINOR) {
    problems.push({
      ...problem(file, 'nbformat-minor-newer', `nbformat 4.${minor} is newer than the newest schema known here (4.${NEWEST_SCHEMA_MINOR}); the notebook was checked against 4.${NEWEST_SCHEMA_MINOR}`),
      severity: 'warning',
    });
  }
  problems.push(...nbformatSchemaProblems(json, schemaMinor, file, (index) => !isReadableCell(cells[index])));
  const metadata = isJsonObject(json['metadata']) ? json['metadata'] : {};
  const built = buildCells(cells, file, { withIds: minor >= 5, reportTags: false });
  problems.push(...built.problems);
  const notebook: Notebook = { path: file, format: 'ipynb', nbformat: 4, nbformatMinor: minor, language: languageOf(metadata), metadata, cells: built.cells };
  return { notebook, problems: ordered(problems) };
}

/** `nbformat_minor` as written; when missing, 5 if the cells have ids (4.5 introduced them), else 4. */
function fileMinor(json: JsonObject, cells: readonly unknown[]): number {
  const minor = json['nbformat_minor'];
  if (typeof minor === 'number' && Number.isInteger(minor)) return minor;
  const first: unknown = cells[0];
  return isJsonObject(first) && 'id' in first ? 5 : 4;
}

function readV3(json: JsonObject, file: string): ParseResult {
  const worksheets = json['worksheets'];
  if (!Array.isArray(worksheets)) {
    return failed(problem(file, 'not-a-notebook', 'the file is not a notebook: it says nbformat 3 but has no "worksheets" list'));
  }
  const upgraded = upgradeV3(json, worksheets);
  const problems: Problem[] = [
    {
      ...problem(file, 'nbformat-upgraded', `nbformat 3 notebook upgraded in memory; save it with Jupyter or run \`${convertCommand(file)}\` to make it permanent`),
      severity: 'info',
    },
  ];
  for (const index of upgraded.badWorksheets) {
    problems.push(problem(file, 'not-a-notebook', `worksheet ${index + 1} has no "cells" list; it is left out`));
  }
  const built = buildCells(upgraded.cells, file, { withIds: false, reportTags: true });
  problems.push(...built.problems);
  const minor = typeof json['nbformat_minor'] === 'number' ? json['nbformat_minor'] : 0;
  const notebook: Notebook = {
    path: file,
    format: 'ipynb',
    nbformat: 3,
    nbformatMinor: minor,
    upgradedFrom: 3,
    language: upgraded.language ?? languageOf(upgraded.metadata),
    metadata: upgraded.metadata,
    cells: built.cells,
  };
  return { notebook, problems: ordered(problems) };
}

function unsupportedVersion(nbformat: number, file: string): Problem {
  const message =
    nbformat < 3
      ? `nbformat ${nbformat} notebooks are too old to read here; convert it to nbformat 4 with \`${convertCommand(file)}\``
      : `nbformat ${nbformat} is not a notebook format this tool reads (it reads nbformat 4, and upgrades 3); save the notebook as nbformat 4`;
  return problem(file, 'nbformat-unsupported', message);
}

function convertCommand(file: string): string {
  const quoted = /^[\w./\\:-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
  return `jupyter nbconvert --to notebook --nbformat 4 --inplace ${quoted}`;
}

function isCellKind(value: unknown): value is CellKind {
  return value === 'code' || value === 'markdown' || value === 'raw';
}

/** Cells the model keeps; the others are left out with a problem of their own. */
function isReadableCell(cell: unknown): boolean {
  return isJsonObject(cell) && isCellKind(cell['cell_type']);
}

interface BuildOptions {
  /** nbformat >= 4.5: cells have ids. */
  readonly withIds: boolean;
  /** Report tags that are not a list of strings (when no schema check does, as for nbformat 3). */
  readonly reportTags: boolean;
}

/**
 * The model's cells. `index` is the position in the file (what Jupyter shows as "cell index + 1"), so when
 * a cell is left out (not an object, unknown cell_type) the cells after it keep their file positions.
 */
function buildCells(rawCells: readonly unknown[], file: string, options: BuildOptions): { cells: NotebookCell[]; problems: Problem[] } {
  const cells: NotebookCell[] = [];
  const problems: Problem[] = [];
  const firstWithId = new Map<string, number>();
  rawCells.forEach((raw, index) => {
    if (!isJsonObject(raw)) {
      problems.push({ ...problem(file, 'cell-invalid', `the cell is ${jsonTypeWord(raw)}, not an object; it is left out`), cellIndex: index });
      return;
    }
    const id = options.withIds && typeof raw['id'] === 'string' ? raw['id'] : undefined;
    const where = (): { file: string; cellIndex: number; cellId?: string } => (id !== undefined ? { file, cellIndex: index, cellId: id } : { file, cellIndex: index });
    const kind = raw['cell_type'];
    if (!isCellKind(kind)) {
      problems.push(unknownKind(kind, where()));
      return;
    }
    if (id !== undefined) {
      const first = firstWithId.get(id);
      if (first === undefined) firstWithId.set(id, index);
      else problems.push({ ...where(), severity: 'error', code: 'cell-id-duplicate', message: `the cell id "${id}" is also used by cell ${first + 1}; cell ids must be unique: give one of them another id in the file, or open and save the notebook in Jupyter, which gives the second a new one` });
    }
    const metadata = isJsonObject(raw['metadata']) ? raw['metadata'] : {};
    const tags = metadata['tags'];
    const tagList = isStringList(tags) ? tags : [];
    if (options.reportTags && tags !== undefined && tagList !== tags) {
      problems.push({ ...where(), severity: 'error', code: 'schema', message: 'metadata.tags must be a list of strings' });
    }
    cells.push(modelCell(raw, index, id, kind, tagList, metadata));
  });
  return { cells, problems };
}

function unknownKind(kind: unknown, where: { file: string; cellIndex: number; cellId?: string }): Problem {
  if (kind === undefined) return { ...where, severity: 'error', code: 'cell-type-unknown', message: 'the cell has no cell_type; it is left out' };
  // An error, as nbformat's validator says (round 66 QQQ: a warning, then "no cell before it defines m" of a name
  // the left-out cell defined).
  return {
    ...where,
    severity: 'error',
    code: 'cell-type-unknown',
    message: `cell_type ${JSON.stringify(kind)} is not code, markdown or raw, the only cell types of nbformat 4: make it one of them`,
  };
}

/**
 * The model of one cell, its keys always in the same order. Written out for each shape rather than with
 * conditional spreads: this runs once per cell, and spreads are slow.
 */
function modelCell(raw: JsonObject, index: number, id: string | undefined, kind: CellKind, tags: readonly string[], metadata: JsonObject): NotebookCell {
  const source = joinSource(raw['source']);
  if (kind !== 'code') return id !== undefined ? { index, id, kind, source, tags, metadata } : { index, kind, source, tags, metadata };
  const rawOutputs = raw['outputs'];
  const count = raw['execution_count'];
  const outputs = Array.isArray(rawOutputs) ? rawOutputs : [];
  const executionCount = typeof count === 'number' ? count : null;
  return id !== undefined ? { index, id, kind, source, tags, metadata, outputs, executionCount } : { index, kind, source, tags, metadata, outputs, executionCount };
}

/** nbformat allows a string or a list of lines (each keeping its "\n"); items that are not strings are skipped. */
function joinSource(source: unknown): string {
  if (typeof source === 'string') return source;
  if (!Array.isArray(source)) return '';
  let text = '';
  for (const line of source) if (typeof line === 'string') text += line;
  return text;
}

/** `language_info.name`, else `kernelspec.language`, else python. */
function languageOf(metadata: JsonObject): string {
  const info = metadata['language_info'];
  if (isJsonObject(info) && typeof info['name'] === 'string' && info['name'] !== '') return info['name'];
  const kernelspec = metadata['kernelspec'];
  if (isJsonObject(kernelspec) && typeof kernelspec['language'] === 'string' && kernelspec['language'] !== '') return kernelspec['language'];
  return 'python';
}

function problem(file: string, code: string, message: string): Problem {
  return { severity: 'error', code, message, file };
}

function failed(only: Problem): ParseResult {
  return { notebook: undefined, problems: [only] };
}

/** Drops repeats of the same message on the same cell; notebook-level problems first, then by cell. */
function ordered(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.cellIndex ?? ''}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.cellIndex ?? -1) - (b.cellIndex ?? -1));
}
