import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { activeGraphNotebook } from '../../host/activeGraph';
import { isNotebookScript, jupyterNotebookType, notebookText } from '../../host/notebookDocuments';
import { readText } from '../../host/workspaceNotebooks';

/**
 * The notebook a command acts on. Its first argument may be a notebook URI (a `vscode.Uri` or its string),
 * what a menu passes (the resource of `editor/title`, a cell of `notebook/cell/title`), or a Pipelines view
 * element (`{ uri }` for a notebook, `{ notebookUri }` for a step or a problem). Without one: the active
 * notebook editor's notebook, else the active text editor's jupytext percent script, else the notebook of the
 * active pipeline graph panel. Undefined when there is none.
 */
export function notebookUriFrom(arg: unknown): vscode.Uri | undefined {
  const given = uriOf(arg);
  if (given !== undefined) return given;
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (notebook !== undefined && notebook.notebookType === jupyterNotebookType) return notebook.uri;
  const document = vscode.window.activeTextEditor?.document;
  if (document !== undefined && isNotebookScript(document)) return document.uri;
  return activeGraphNotebook();
}

/** {@link notebookUriFrom}, or NbpromoteError('usage') saying what to open. */
export function requireNotebookUri(arg: unknown): vscode.Uri {
  const uri = notebookUriFrom(arg);
  if (uri === undefined) throw new NbpromoteError('usage', 'open a Jupyter notebook or a jupytext percent script (a .py file with # %% cells) first');
  return uri;
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return arg === '' ? undefined : /^[a-z][\w+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (typeof arg !== 'object' || arg === null) return undefined;
  const record = arg as Record<string, unknown>;
  // A Pipelines view notebook element ({ kind: 'notebook', uri }), a NotebookDocument or a TextDocument.
  if ('uri' in record) return uriOf(record['uri']);
  // A step or problem element of the Pipelines view.
  if ('notebookUri' in record) return uriOf(record['notebookUri']);
  // A notebook cell (notebook/cell/title menus).
  if ('notebook' in record) return uriOf(record['notebook']);
  return undefined;
}

/** The open notebook document for `uri`, if it is open. */
export function openNotebookDocument(uri: vscode.Uri): vscode.NotebookDocument | undefined {
  return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** What a save of the notebook would write when it is open with unsaved changes (a notebook or a percent script). */
export function unsavedNotebook(uri: vscode.Uri): { save(): Thenable<boolean> } | undefined {
  const notebook = openNotebookDocument(uri);
  if (notebook !== undefined) return notebook.isDirty ? notebook : undefined;
  const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return text?.isDirty === true ? text : undefined;
}

/**
 * The notebook's current contents, unsaved edits included: an open notebook with unsaved changes serialized
 * by VS Code's own ipynb serializer (the built-in `vscode.ipynb` extension's `exportNotebook`: the bytes a
 * save would write, so nbpromote.lock's notebook hash is the saved file's), else by core's `ipynbText`
 * (host/notebookDocuments.ts); an open text document's text; else the file on disk.
 */
export async function currentText(uri: vscode.Uri): Promise<string> {
  const notebook = openNotebookDocument(uri);
  if (notebook !== undefined && notebook.isDirty) return (await exportNotebook(notebook)) ?? notebookText(notebook);
  const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (text !== undefined) return text.getText();
  return readText(uri);
}

interface IpynbApi {
  exportNotebook(notebook: vscode.NotebookData): Promise<string>;
}

async function exportNotebook(notebook: vscode.NotebookDocument): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<Partial<IpynbApi>>('vscode.ipynb');
  try {
    const api = extension === undefined ? undefined : extension.isActive ? extension.exports : await extension.activate();
    if (typeof api?.exportNotebook !== 'function') return undefined;
    const cells = notebook.getCells().map((cell) => {
      const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
      data.outputs = [...cell.outputs];
      data.metadata = { ...cell.metadata };
      if (cell.executionSummary !== undefined) data.executionSummary = cell.executionSummary;
      return data;
    });
    const data = new vscode.NotebookData(cells);
    data.metadata = { ...notebook.metadata };
    return await api.exportNotebook(data);
  } catch {
    return undefined;
  }
}
