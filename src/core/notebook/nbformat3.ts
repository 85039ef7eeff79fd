/**
 * nbformat 3 notebooks upgraded to the nbformat 4 shape in memory, following nbformat's own
 * `v4/convert.py` `upgrade()`: the cells of all worksheets flattened in order; code `input` -> `source`,
 * `prompt_number` -> `execution_count`, `collapsed` -> `metadata.collapsed`; heading cells -> markdown
 * `#`*level headings; outputs roughly converted (pyout -> execute_result, pyerr -> error, stream `stream` ->
 * `name`, short mime keys such as `png` -> `image/png`). Cell metadata (tags included) is kept. No cell ids.
 * The file is never changed: the caller tells the user how to make the upgrade permanent.
 */
import { isJsonObject } from './jsonValue';
import type { JsonObject } from './jsonValue';

export interface UpgradedV3 {
  readonly metadata: JsonObject;
  /** nbformat 4 shaped cells; items that were not objects are passed through for the caller to report. */
  readonly cells: unknown[];
  /** Worksheets that had no `cells` list (0-based). */
  readonly badWorksheets: readonly number[];
  /** The language v3 recorded (kernel_info or the code cells' `language`), if any. */
  readonly language?: string;
}

/** The nbformat 4 shaped content of a parsed nbformat 3 notebook with a `worksheets` list. */
export function upgradeV3(notebook: JsonObject, worksheets: readonly unknown[]): UpgradedV3 {
  const cells: unknown[] = [];
  const badWorksheets: number[] = [];
  worksheets.forEach((worksheet, index) => {
    const wsCells = isJsonObject(worksheet) ? worksheet['cells'] : undefined;
    if (!Array.isArray(wsCells)) badWorksheets.push(index);
    else for (const cell of wsCells) cells.push(isJsonObject(cell) ? upgradeCell(cell) : cell);
  });
  const metadata = isJsonObject(notebook['metadata']) ? { ...notebook['metadata'] } : {};
  delete metadata['name'];
  delete metadata['signature'];
  const language = v3Language(notebook['metadata'], worksheets);
  return { metadata, cells, badWorksheets, ...(language !== undefined ? { language } : {}) };
}

function upgradeCell(cell: JsonObject): JsonObject {
  const metadata = isJsonObject(cell['metadata']) ? { ...cell['metadata'] } : {};
  switch (cell['cell_type']) {
    case 'code':
      if ('collapsed' in cell) metadata['collapsed'] = cell['collapsed'];
      return {
        cell_type: 'code',
        metadata,
        source: cell['input'] ?? '',
        execution_count: cell['prompt_number'] ?? null,
        outputs: Array.isArray(cell['outputs']) ? cell['outputs'].map(upgradeOutput) : [],
      };
    case 'heading':
      return { cell_type: 'markdown', metadata, source: headingSource(cell) };
    case 'html':
      return { cell_type: 'markdown', metadata, source: cell['source'] ?? '' };
    default:
      return { ...cell, metadata };
  }
}

function headingSource(cell: JsonObject): string {
  const level = typeof cell['level'] === 'number' && cell['level'] >= 1 ? Math.floor(cell['level']) : 1;
  const raw = cell['source'];
  const text = Array.isArray(raw) ? raw.filter((line) => typeof line === 'string').join('') : typeof raw === 'string' ? raw : '';
  return `${'#'.repeat(level)} ${text.split(/\r?\n/).join(' ').trim()}`;
}

const MIME_KEYS: Readonly<Record<string, string>> = {
  text: 'text/plain',
  html: 'text/html',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  latex: 'text/latex',
  json: 'application/json',
  javascript: 'application/javascript',
};

function upgradeOutput(output: unknown): unknown {
  if (!isJsonObject(output)) return output;
  switch (output['output_type']) {
    case 'pyout':
      return { output_type: 'execute_result', execution_count: output['prompt_number'] ?? null, ...dataAndMetadata(output) };
    case 'display_data':
      return { output_type: 'display_data', ...dataAndMetadata(output) };
    case 'pyerr':
      return { ...output, output_type: 'error' };
    case 'stream': {
      const { stream, ...rest } = output;
      return { ...rest, name: stream ?? 'stdout' };
    }
    default:
      return output;
  }
}

/** v3 keeps each mime type as a property of the output (`png`, `text` ...); v4 nests them in `data`. */
function dataAndMetadata(output: JsonObject): { data: JsonObject; metadata: JsonObject } {
  const data: JsonObject = {};
  for (const [key, value] of Object.entries(output)) {
    if (key === 'output_type' || key === 'prompt_number' || key === 'metadata') continue;
    const mime = MIME_KEYS[key] ?? key;
    data[mime] = mime === 'application/json' && typeof value === 'string' ? parseJsonOr(value) : value;
  }
  const metadata: JsonObject = {};
  if (isJsonObject(output['metadata'])) {
    for (const [key, value] of Object.entries(output['metadata'])) metadata[MIME_KEYS[key] ?? key] = value;
  }
  return { data, metadata };
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function v3Language(metadata: unknown, worksheets: readonly unknown[]): string | undefined {
  const kernelInfo = isJsonObject(metadata) ? metadata['kernel_info'] : undefined;
  if (isJsonObject(kernelInfo) && typeof kernelInfo['language'] === 'string') return kernelInfo['language'];
  for (const worksheet of worksheets) {
    const wsCells = isJsonObject(worksheet) ? worksheet['cells'] : undefined;
    if (!Array.isArray(wsCells)) continue;
    const code = wsCells.find((cell) => isJsonObject(cell) && cell['cell_type'] === 'code' && typeof cell['language'] === 'string');
    if (isJsonObject(code)) return String(code['language']);
  }
  return undefined;
}
