import * as vscode from 'vscode';
import { roleLabel } from '../../core/tags/roleLabel';
import { Disposable } from '../../host/disposable';
import { CommandId } from '../../host/ids';
import type { NotebookDocuments } from '../../host/notebookDocuments';

/**
 * Each code cell's role on its status bar ("step: train", "in step train", "parameters", "#| skip" ...);
 * clicking runs `nbpromote.setCellRole` on the cell. Redrawn after edits settle.
 */
export class CellRoleStatusBar extends Disposable implements vscode.NotebookCellStatusBarItemProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCellStatusBarItems = this.changed.event;

  constructor(private readonly documents: NotebookDocuments) {
    super();
    this.register(documents.onDidChange(() => this.changed.fire()));
  }

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    if (cell.kind !== vscode.NotebookCellKind.Code || cell.document.languageId === 'raw') return [];
    const notebook = { kind: 'notebook', document: cell.notebook } as const;
    // While an edit settles, the last reading is shown (it is redrawn when the edit has settled).
    const snapshot = this.documents.isSettling(cell.notebook.uri) ? this.documents.latest(notebook) : this.documents.snapshot(notebook);
    const roles = snapshot.inspection.roles;
    const cellRoles = roles?.cells.find((c) => c.cellIndex === cell.index);
    if (roles === undefined || cellRoles === undefined) return [];
    const label = roleLabel(cellRoles, roles.hasRoles);
    const item = new vscode.NotebookCellStatusBarItem(`$(tag) ${label.text}`, vscode.NotebookCellStatusBarAlignment.Left);
    item.tooltip = `${label.tooltip}\nClick to change the cell's role.`;
    item.command = { title: 'Set Cell Role…', command: CommandId.SetCellRole, arguments: [cell.notebook.uri, cell.index] };
    item.accessibilityInformation = { label: `Cell role: ${label.text}. ${label.tooltip}` };
    return [item];
  }
}
