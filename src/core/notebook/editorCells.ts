/**
 * An open notebook as VS Code holds it, back to nbformat JSON text, so that the editor's current contents
 * (unsaved edits included) go through the same reader as the file: `parseNotebook(ipynbText(...))`.
 *
 * The shapes are those of VS Code's built-in ipynb serializer (extensions/ipynb, checked in VS Code 1.139):
 * - the document's metadata is `{ nbformat, nbformat_minor, metadata }` (the file without its cells);
 * - a cell's metadata is `{ execution_count?, metadata?, id?, attachments? }`: the nbformat cell `metadata`
 *   object (with `tags`) is one level down, at `cell.metadata.metadata`, and the cell id is `cell.metadata.id`;
 * - raw cells are code cells whose language is `raw`;
 * - an output's metadata is `{ outputType, executionCount?, metadata? }`; streams are the mime types
 *   `application/vnd.code.notebook.stdout` / `.stderr`, errors `application/vnd.code.notebook.error`.
 *
 * Pure: no `vscode` here; host/notebookDocuments.ts copies the editor's objects into these shapes.
 */
import { isJsonObject, isStringList } from './jsonValue';
import type { JsonObject } from './jsonValue';

export interface EditorOutputItem {
  readonly mime: string;
  readonly data: Uint8Array;
}

export interface EditorOutput {
  readonly items: readonly EditorOutputItem[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface EditorCell {
  readonly kind: 'code' | 'markup';
  /** The cell's language: `python`, `markdown`, `raw` ... */
  readonly languageId: string;
  readonly source: string;
  /** The cell's metadata as VS Code's ipynb serializer keeps it (see the file comment). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly outputs: readonly EditorOutput[];
}

export interface EditorNotebook {
  /** The document's metadata as the ipynb serializer keeps it: `{ nbformat, nbformat_minor, metadata }`. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly cells: readonly EditorCell[];
}

const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const ERROR = 'application/vnd.code.notebook.error';

/** The nbformat JSON text of a notebook as the editor holds it now (not byte-identical to what a save writes). */
export function ipynbText(notebook: EditorNotebook): string {
  const meta = notebook.metadata;
  const json = {
    nbformat: typeof meta['nbformat'] === 'number' ? meta['nbformat'] : 4,
    nbformat_minor: typeof meta['nbformat_minor'] === 'number' ? meta['nbformat_minor'] : 5,
    metadata: isJsonObject(meta['metadata']) ? meta['metadata'] : {},
    cells: notebook.cells.map(ipynbCell),
  };
  return `${JSON.stringify(json, undefined, 1)}\n`;
}

function ipynbCell(cell: EditorCell): JsonObject {
  const meta = cell.metadata;
  const id = typeof meta['id'] === 'string' ? { id: meta['id'] } : {};
  const metadata = nbformatCellMetadata(meta);
  if (cell.kind === 'code' && cell.languageId !== 'raw') {
    const count = meta['execution_count'];
    return { cell_type: 'code', ...id, metadata, execution_count: typeof count === 'number' ? count : null, source: cell.source, outputs: cell.outputs.map(ipynbOutput) };
  }
  const attachments = isJsonObject(meta['attachments']) ? { attachments: meta['attachments'] } : {};
  return { cell_type: cell.kind === 'code' ? 'raw' : 'markdown', ...id, metadata, source: cell.source, ...attachments };
}

/** The nbformat cell `metadata` object inside a VS Code cell's metadata (`{}` when there is none). */
export function nbformatCellMetadata(cellMetadata: Readonly<Record<string, unknown>>): JsonObject {
  const inner = cellMetadata['metadata'];
  return isJsonObject(inner) ? inner : {};
}

/** A cell's tags as the editor holds them (`metadata.metadata.tags`); empty when missing or not a list of strings. */
export function editorCellTags(cellMetadata: Readonly<Record<string, unknown>>): string[] {
  const tags = nbformatCellMetadata(cellMetadata)['tags'];
  return isStringList(tags) ? [...tags] : [];
}

/**
 * A cell's VS Code metadata with `tags` replaced and everything else kept: other nbformat metadata keys,
 * the id, the execution count, attachments. A cell without a `tags` key gets none for an empty list.
 */
export function withEditorCellTags(cellMetadata: Readonly<Record<string, unknown>>, tags: readonly string[]): Record<string, unknown> {
  const inner = nbformatCellMetadata(cellMetadata);
  if (tags.length === 0 && !('tags' in inner)) return { ...cellMetadata };
  return { ...cellMetadata, metadata: { ...inner, tags: [...tags] } };
}

function ipynbOutput(output: EditorOutput): JsonObject {
  const meta = output.metadata ?? {};
  const type = typeof meta['outputType'] === 'string' ? meta['outputType'] : guessOutputType(output);
  const outputMetadata = isJsonObject(meta['metadata']) ? meta['metadata'] : {};
  switch (type) {
    case 'stream': {
      const stderr = output.items.some((item) => item.mime === STDERR);
      return { output_type: 'stream', name: stderr ? 'stderr' : 'stdout', text: output.items.map((item) => decode(item.data)).join('') };
    }
    case 'error': {
      const item = output.items.find((i) => i.mime === ERROR);
      const error = item === undefined ? {} : parseJson(decode(item.data));
      const ename = typeof error['name'] === 'string' ? error['name'] : '';
      const evalue = typeof error['message'] === 'string' ? error['message'] : '';
      const original = isJsonObject(meta['originalError']) ? meta['originalError'] : {};
      const traceback = isStringList(original['traceback']) ? original['traceback'] : typeof error['stack'] === 'string' ? error['stack'].split('\n') : [];
      return { output_type: 'error', ename, evalue, traceback };
    }
    case 'execute_result': {
      const count = meta['executionCount'];
      return { output_type: 'execute_result', data: mimeBundle(output.items), metadata: outputMetadata, execution_count: typeof count === 'number' ? count : null };
    }
    default:
      return { output_type: type === 'update_display_data' ? 'update_display_data' : 'display_data', data: mimeBundle(output.items), metadata: outputMetadata };
  }
}

function guessOutputType(output: EditorOutput): string {
  if (output.items.some((item) => item.mime === ERROR)) return 'error';
  if (output.items.length > 0 && output.items.every((item) => item.mime === STDOUT || item.mime === STDERR)) return 'stream';
  return 'display_data';
}

/** nbformat's `data`: JSON mime types parsed, text as text, anything else (images) as base64. */
function mimeBundle(items: readonly EditorOutputItem[]): JsonObject {
  const bundle: JsonObject = {};
  for (const { mime, data } of items) {
    if (/json/i.test(mime)) {
      const text = decode(data);
      try {
        bundle[mime] = text.length > 0 ? (JSON.parse(text) as unknown) : text;
      } catch {
        bundle[mime] = text;
      }
    } else if (mime.startsWith('text/') || mime === 'image/svg+xml' || mime === 'application/javascript') bundle[mime] = decode(data);
    else bundle[mime] = Buffer.from(data).toString('base64');
  }
  return bundle;
}

function decode(data: Uint8Array): string {
  return new TextDecoder('utf-8').decode(data);
}

function parseJson(text: string): JsonObject {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : {};
  } catch {
    return {};
  }
}
