import * as vscode from 'vscode';
import { parseNotebook } from '../../core/notebook/parse';

/**
 * Reveals a cell: in the notebook editor for .ipynb, at the cell's line for jupytext scripts.
 * `line` is 1-based inside the cell when given; `viewColumn` is where to show it (default: the active group).
 */
export async function openCell(notebookUri: unknown, cellIndex: unknown, line?: unknown, viewColumn?: vscode.ViewColumn): Promise<void> {
  // From a step row's context menu: the row itself (`{ notebookUri, step: { cellIndices } }`), its first cell.
  if (typeof notebookUri === 'object' && notebookUri !== null && 'notebookUri' in notebookUri && 'step' in notebookUri) {
    const row = notebookUri as { notebookUri: unknown; step?: { cellIndices?: unknown } };
    const cells = row.step?.cellIndices;
    return openCell(row.notebookUri, Array.isArray(cells) ? cells[0] : undefined);
  }
  if (typeof notebookUri !== 'string' || typeof cellIndex !== 'number') return;
  const uri = vscode.Uri.parse(notebookUri);
  if (uri.path.endsWith('.ipynb')) {
    const range = new vscode.NotebookRange(cellIndex, cellIndex + 1);
    const document = await vscode.workspace.openNotebookDocument(uri);
    const editor = await vscode.window.showNotebookDocument(document, { selections: [range], preview: false, ...(viewColumn === undefined ? {} : { viewColumn }) });
    editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    // The line too, in the cell's editor (round 59 DDD: Go to Cell selected the cell, not the failing line).
    const cell = document.cellAt(cellIndex);
    if (typeof line === 'number' && line > 0 && cell.index === cellIndex && cell.kind === vscode.NotebookCellKind.Code) {
      const position = new vscode.Position(Math.min(line - 1, Math.max(0, cell.document.lineCount - 1)), 0);
      await vscode.window.showTextDocument(cell.document, { selection: new vscode.Range(position, position), preview: false, ...(editor.viewColumn === undefined ? {} : { viewColumn: editor.viewColumn }) });
    }
    return;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const cell = parseNotebook(document.getText(), uri.path).notebook?.cells[cellIndex];
  const fileLine = (cell?.fileLine ?? 1) + (typeof line === 'number' ? line - 1 : 0);
  const position = new vscode.Position(Math.max(0, Math.min(fileLine - 1, document.lineCount - 1)), 0);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: false, ...(viewColumn === undefined ? {} : { viewColumn }) });
}
