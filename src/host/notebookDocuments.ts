import * as vscode from 'vscode';
import type { Inspection } from '../core/inspect/inspect';
import { inspectText } from '../core/inspect/inspect';
import type { EditorCell, EditorOutput } from '../core/notebook/editorCells';
import { ipynbText } from '../core/notebook/editorCells';
import { isPercentScript } from '../core/notebook/parse';
import { Disposable } from './disposable';
import { jupyterNotebookType } from './ids';

export { jupyterNotebookType };

/** An open notebook: a `.ipynb` in the notebook editor, or a jupytext percent script in a text editor. */
export type OpenNotebook =
  | { readonly kind: 'notebook'; readonly document: vscode.NotebookDocument }
  | { readonly kind: 'script'; readonly document: vscode.TextDocument };

/** What an open notebook holds now, read by core: unsaved edits included. One per version of the document. */
export interface NotebookSnapshot {
  readonly notebook: OpenNotebook;
  /** The file (the notebook's URI, not a cell's). */
  readonly uri: vscode.Uri;
  /** Changes with every edit: the notebook's version and its cells' text versions. */
  readonly key: string;
  /** nbformat JSON of the notebook as the editor holds it, or the script's text. */
  readonly text: string;
  readonly inspection: Inspection;
}

/**
 * The text of an open notebook as nbformat JSON, from its current cells (unsaved edits included), through
 * core's `ipynbText`: cell metadata and ids where VS Code's ipynb serializer keeps them
 * (`cell.metadata.metadata.tags`, `cell.metadata.id`). Binary output data (images) is left out: what reads
 * this text analyses code, tags and text outputs.
 */
export function notebookText(document: vscode.NotebookDocument): string {
  const cells: EditorCell[] = document.getCells().map((cell) => ({
    kind: cell.kind === vscode.NotebookCellKind.Markup ? 'markup' : 'code',
    languageId: cell.document.languageId,
    source: cell.document.getText(),
    metadata: cell.metadata,
    outputs: cell.outputs.map(
      (output): EditorOutput => ({
        items: output.items.filter((item) => isTextMime(item.mime)).map((item) => ({ mime: item.mime, data: item.data })),
        ...(output.metadata === undefined ? {} : { metadata: output.metadata }),
      }),
    ),
  }));
  return ipynbText({ metadata: document.metadata, cells });
}

function isTextMime(mime: string): boolean {
  return mime.startsWith('text/') || mime.startsWith('application/vnd.code.notebook.') || /json/i.test(mime);
}

/** A Python text document in a file that is a jupytext percent script (has `# %%` cell markers). */
export function isNotebookScript(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && document.uri.scheme !== 'vscode-notebook-cell' && document.uri.path.toLowerCase().endsWith('.py') && isPercentScript(document.getText());
}

/** The notebook and index of a cell's text document, when it is a cell of an open jupyter notebook. */
export function cellOfDocument(document: vscode.TextDocument): { readonly notebook: vscode.NotebookDocument; readonly cell: vscode.NotebookCell } | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  for (const notebook of vscode.workspace.notebookDocuments) {
    if (notebook.notebookType !== jupyterNotebookType) continue;
    const cell = notebook.getCells().find((c) => c.document === document || c.document.uri.toString() === document.uri.toString());
    if (cell !== undefined) return { notebook, cell };
  }
  return undefined;
}

function versionKey(notebook: OpenNotebook): string {
  if (notebook.kind === 'script') return `s${notebook.document.version}`;
  return `n${notebook.document.version}:${notebook.document
    .getCells()
    .map((c) => c.document.version)
    .join(',')}`;
}

/**
 * The open notebooks and percent scripts, their current contents read by core (cached per document
 * version), and one debounced event after edits settle, so features reanalyse once per pause in typing
 * rather than on every keystroke. Opening fires at once; closing fires `onDidClose`.
 */
export class NotebookDocuments extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<OpenNotebook>());
  private readonly closed = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** After an edit has settled (debounced), and at once when a notebook opens. */
  readonly onDidChange = this.changed.event;
  readonly onDidClose = this.closed.event;
  private readonly snapshots = new Map<string, NotebookSnapshot>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Scripts seen as percent scripts, to tell their closing (or losing their markers) to listeners. */
  private readonly scripts = new Set<string>();

  constructor(readonly delayMs = 300) {
    super();
    this.register(vscode.workspace.onDidOpenNotebookDocument((document) => this.opened({ kind: 'notebook', document })));
    this.register(vscode.workspace.onDidChangeNotebookDocument((e) => this.edited(e.notebook.uri)));
    this.register(vscode.workspace.onDidCloseNotebookDocument((document) => this.forget(document.uri)));
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.textOpened(document)));
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        const cell = cellOfDocument(e.document);
        if (cell !== undefined) this.edited(cell.notebook.uri);
        else if (this.scripts.has(e.document.uri.toString()) || e.document.languageId === 'python') this.edited(e.document.uri);
      }),
    );
    this.register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.scripts.has(document.uri.toString())) this.forget(document.uri);
      }),
    );
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    for (const document of vscode.workspace.textDocuments) if (isNotebookScript(document)) this.scripts.add(document.uri.toString());
  }

  /** Every open jupyter notebook and percent script. */
  all(): OpenNotebook[] {
    const notebooks: OpenNotebook[] = vscode.workspace.notebookDocuments.filter((d) => d.notebookType === jupyterNotebookType && !d.isClosed).map((document) => ({ kind: 'notebook', document }));
    const scripts: OpenNotebook[] = vscode.workspace.textDocuments.filter((d) => !d.isClosed && isNotebookScript(d)).map((document) => ({ kind: 'script', document }));
    return [...notebooks, ...scripts];
  }

  /** The open notebook with this URI (a notebook or a script file), if any. */
  find(uri: vscode.Uri): OpenNotebook | undefined {
    const key = uri.toString();
    const notebook = vscode.workspace.notebookDocuments.find((d) => d.notebookType === jupyterNotebookType && !d.isClosed && d.uri.toString() === key);
    if (notebook !== undefined) return { kind: 'notebook', document: notebook };
    const script = vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === key);
    return script !== undefined && isNotebookScript(script) ? { kind: 'script', document: script } : undefined;
  }

  /** The open notebook a text document belongs to: a cell's notebook (with the cell), or the script itself. */
  forDocument(document: vscode.TextDocument): { readonly notebook: OpenNotebook; readonly cell?: vscode.NotebookCell } | undefined {
    const cell = cellOfDocument(document);
    if (cell !== undefined) return { notebook: { kind: 'notebook', document: cell.notebook }, cell: cell.cell };
    return isNotebookScript(document) ? { notebook: { kind: 'script', document } } : undefined;
  }

  /** The notebook's current contents read by core, cached per version. */
  snapshot(notebook: OpenNotebook): NotebookSnapshot {
    const uri = notebook.document.uri;
    const key = versionKey(notebook);
    const cached = this.snapshots.get(uri.toString());
    if (cached !== undefined && cached.key === key) return cached;
    const text = notebook.kind === 'notebook' ? notebookText(notebook.document) : notebook.document.getText();
    const file = notebook.kind === 'notebook' ? ensureExtension(uri.fsPath || uri.path, '.ipynb') : uri.fsPath || uri.path;
    const snapshot: NotebookSnapshot = { notebook, uri, key, text, inspection: inspectText(text, file) };
    this.snapshots.set(uri.toString(), snapshot);
    return snapshot;
  }

  /** The last snapshot taken, possibly of an older version (cheap: for what redraws after `onDidChange`); else a fresh one. */
  latest(notebook: OpenNotebook): NotebookSnapshot {
    return this.snapshots.get(notebook.document.uri.toString()) ?? this.snapshot(notebook);
  }

  /** The version key of the notebook as it is now. */
  keyOf(notebook: OpenNotebook): string {
    return versionKey(notebook);
  }

  /** True while an edit waits for its debounce. */
  isSettling(uri: vscode.Uri): boolean {
    return this.timers.has(uri.toString());
  }

  private opened(notebook: OpenNotebook): void {
    if (notebook.kind === 'notebook' && notebook.document.notebookType !== jupyterNotebookType) return;
    this.fire(notebook.document.uri);
  }

  private textOpened(document: vscode.TextDocument): void {
    if (!isNotebookScript(document)) return;
    this.scripts.add(document.uri.toString());
    this.fire(document.uri);
  }

  private edited(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => this.fire(uri), this.delayMs),
    );
  }

  private fire(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const notebook = this.find(uri);
    if (notebook !== undefined) {
      if (notebook.kind === 'script') this.scripts.add(key);
      this.changed.fire(notebook);
    } else if (this.scripts.has(key)) {
      // A script that lost its last `# %%` marker is no longer a notebook.
      this.forget(uri);
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.snapshots.delete(key);
    this.scripts.delete(key);
    this.closed.fire(uri);
  }
}

/** Untitled notebooks have no `.ipynb` name, and core reads a notebook by its extension. */
function ensureExtension(path: string, extension: string): string {
  return path.toLowerCase().endsWith(extension) ? path : `${path}${extension}`;
}
