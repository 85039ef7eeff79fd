import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { editorCellTags, withEditorCellTags } from '../../core/notebook/editorCells';
import type { CellRoles, TagResult } from '../../core/contract/roles';
import type { LineEdit, LineInsert, RoleChoice, RoleWord } from '../../core/tags/roleEdit';
import { ROLE_WORDS, roleEdit } from '../../core/tags/roleEdit';
import { roleItems } from './roleItems';
import { roleLabel } from '../../core/tags/roleLabel';
import { quoteName, stepNameIssue, suggestIdentifier } from '../../core/tags/names';
import type { NotebookDocuments } from '../../host/notebookDocuments';
import { jupyterNotebookType } from '../../host/notebookDocuments';
import { cellsLabel } from '../../core/util/words';

/**
 * `nbpromote.setCellRole`: sets a code cell's role with one undoable WorkspaceEdit of the cell's metadata
 * tags (every other tag, every other metadata key and the source stay as they are), or of its directive
 * lines when the role is written as `#| ` directives.
 *
 * Arguments, all optional: a `NotebookCell` (the cell title menu), or a notebook URI and a 0-based cell
 * index (the cell status bar item); then a role to set without asking, e.g. `{ role: 'step', name: 'train' }`,
 * `{ role: 'after', names: ['load'] }`, `{ role: 'skip' }`, `{ role: 'clear' }`. Without a cell, the active
 * notebook editor's selected cell. Resolves to true when the cell was changed.
 */
export async function setCellRole(documents: NotebookDocuments, args: readonly unknown[]): Promise<boolean> {
  const { cell, rest } = cellFromArguments(args);
  if (cell.kind !== vscode.NotebookCellKind.Code || cell.document.languageId === 'raw') {
    void vscode.window.showInformationMessage(`Cell ${cell.index + 1} is not a code cell: only code cells have roles.`);
    return false;
  }
  const snapshot = documents.snapshot({ kind: 'notebook', document: cell.notebook });
  const roles = snapshot.inspection.roles;
  const current = roles?.cells.find((c) => c.cellIndex === cell.index);
  const given = rest.find((a) => a !== undefined);
  const choice = given === undefined ? await pickRole(cell, roles, current) : checkedChoice(given, roles, cell.index);
  if (choice === undefined) return false;

  const tags = editorCellTags(cell.metadata);
  const change = roleEdit({ source: cell.document.getText(), tags }, choice);
  if (!change.tagsChanged && change.lines.length === 0 && change.inserts.length === 0) return false;
  const edit = new vscode.WorkspaceEdit();
  if (change.tagsChanged) edit.set(cell.notebook.uri, [vscode.NotebookEdit.updateCellMetadata(cell.index, withEditorCellTags(cell.metadata, change.tags))]);
  for (const line of change.lines) applyLineEdit(edit, cell.document, line);
  for (const insert of change.inserts) applyInsert(edit, cell.document, insert);
  return vscode.workspace.applyEdit(edit);
}

function cellFromArguments(args: readonly unknown[]): { cell: vscode.NotebookCell; rest: readonly unknown[] } {
  const [first, second] = args;
  if (isNotebookCell(first)) return { cell: first, rest: args.slice(1) };
  if ((first instanceof vscode.Uri || typeof first === 'string') && typeof second === 'number') {
    const uri = typeof first === 'string' ? vscode.Uri.parse(first) : first;
    const notebook = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
    if (notebook === undefined) throw new NbpromoteError('notFound', `${vscode.workspace.asRelativePath(uri)} is not open in the notebook editor`);
    if (second < 0 || second >= notebook.cellCount || !Number.isInteger(second)) throw new NbpromoteError('usage', `the notebook has no cell ${second + 1}`);
    return { cell: notebook.cellAt(second), rest: args.slice(2) };
  }
  const editor = vscode.window.activeNotebookEditor;
  if (editor === undefined || editor.notebook.notebookType !== jupyterNotebookType) throw new NbpromoteError('usage', 'open a Jupyter notebook and select a code cell first');
  const index = editor.selection.isEmpty && editor.selection.start >= editor.notebook.cellCount ? editor.notebook.cellCount - 1 : editor.selection.start;
  if (index < 0) throw new NbpromoteError('usage', 'select a code cell first');
  return { cell: editor.notebook.cellAt(index), rest: args.filter((a) => a !== undefined && !(a instanceof vscode.Uri)) };
}

function isNotebookCell(value: unknown): value is vscode.NotebookCell {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<vscode.NotebookCell>;
  return typeof v.index === 'number' && v.notebook !== undefined && v.document !== undefined;
}

/** A role given as an argument, checked as the quick pick would check it. */
function checkedChoice(value: unknown, roles: TagResult | undefined, index: number): RoleChoice {
  if (typeof value !== 'object' || value === null) throw new NbpromoteError('usage', `the role must be an object like { role: 'step', name: 'train' }, not ${JSON.stringify(value)}`);
  const v = value as Record<string, unknown>;
  const role = v['role'];
  if (role === 'clear') return { role };
  if (typeof role === 'string' && (ROLE_WORDS as readonly string[]).includes(role)) return { role: role as RoleWord };
  if (role === 'step') {
    const name = typeof v['name'] === 'string' ? v['name'].trim() : '';
    const issue = stepNameIssue(name) ?? caseClash(name, roles, index);
    if (issue !== undefined) throw new NbpromoteError('usage', `step name ${quoteName(name)} is not allowed: ${issue}`);
    return { role, name };
  }
  if (role === 'after') {
    const names = Array.isArray(v['names']) ? v['names'].filter((n): n is string => typeof n === 'string') : [];
    for (const name of names) {
      const issue = stepNameIssue(name);
      if (issue !== undefined) throw new NbpromoteError('usage', `step name ${quoteName(name)} is not allowed: ${issue}`);
    }
    return { role, names };
  }
  throw new NbpromoteError('usage', `unknown role ${JSON.stringify(role)}: use step, after, ${ROLE_WORDS.join(', ')} or clear`);
}

/** A name that differs from another step's only in case would be the same file on macOS and Windows. */
function caseClash(name: string, roles: TagResult | undefined, index: number): string | undefined {
  const other = roles?.steps.find((s) => s.name !== name && s.name.toLowerCase() === name.toLowerCase() && s.cellIndices[0] !== index);
  return other === undefined ? undefined : `it differs from step ${quoteName(other.name)} only in case, and the two modules would be one file on macOS and Windows`;
}

async function pickRole(cell: vscode.NotebookCell, roles: TagResult | undefined, current: CellRoles | undefined): Promise<RoleChoice | undefined> {
  const label = current === undefined || roles === undefined ? undefined : roleLabel(current, roles.hasRoles);
  const items = roleItems(current);
  const placeHolder = label?.fromDirective === true ? `Set by ${label.text} in the cell's source: the directive line will be changed` : `Now: ${label?.text ?? 'no role'}`;
  const picked = await vscode.window.showQuickPick(items, { title: `Role of cell ${cell.index + 1}`, placeHolder, matchOnDetail: true });
  if (picked === undefined) return undefined;
  switch (picked.pick) {
    case 'step': {
      const suggestion = current?.stepName ?? suggestIdentifier(firstCodeLine(cell.document.getText())) ?? '';
      const name = await vscode.window.showInputBox({
        title: `Step name for cell ${cell.index + 1}`,
        prompt: 'A Python identifier: the step becomes the module steps/<name>.py',
        value: suggestion,
        validateInput: (value) => {
          const issue = stepNameIssue(value.trim()) ?? caseClash(value.trim(), roles, cell.index);
          return issue === undefined ? undefined : `Not allowed: ${issue}`;
        },
      });
      return name === undefined ? undefined : { role: 'step', name: name.trim() };
    }
    case 'after': {
      const others = (roles?.steps ?? []).filter((s) => s.name !== current?.stepName);
      if (others.length === 0) {
        void vscode.window.showInformationMessage('There is no other step to run after.');
        return undefined;
      }
      const chosen = await vscode.window.showQuickPick(
        others.map((s) => ({ label: s.name, description: cellsLabel(s.cellIndices.map((i) => i + 1)), picked: current?.after.includes(s.name) === true })),
        { title: `Step ${current?.stepName ?? ''} runs after`, canPickMany: true },
      );
      return chosen === undefined ? undefined : { role: 'after', names: chosen.map((c) => c.label) };
    }
    default:
      return { role: picked.pick };
  }
}

/** The first line of code (not a directive, comment or blank), for a suggested step name. */
function firstCodeLine(source: string): string {
  const line = source.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#') && !l.trim().startsWith('%')) ?? '';
  return /^\s*([A-Za-z_]\w*)\s*=/.exec(line)?.[1] ?? '';
}

function applyLineEdit(edit: vscode.WorkspaceEdit, document: vscode.TextDocument, change: LineEdit): void {
  const line = change.line - 1;
  if (line < 0 || line >= document.lineCount) return;
  const text = document.lineAt(line);
  if (change.text !== undefined) {
    edit.replace(document.uri, text.range, change.text);
    return;
  }
  if (line + 1 < document.lineCount) edit.delete(document.uri, new vscode.Range(line, 0, line + 1, 0));
  else if (line > 0) edit.delete(document.uri, new vscode.Range(line - 1, document.lineAt(line - 1).text.length, line, text.text.length));
  else edit.delete(document.uri, text.range);
}

function applyInsert(edit: vscode.WorkspaceEdit, document: vscode.TextDocument, insert: LineInsert): void {
  const line = Math.min(Math.max(0, insert.before - 1), document.lineCount);
  if (line >= document.lineCount) edit.insert(document.uri, document.lineAt(document.lineCount - 1).range.end, `\n${insert.text}`);
  else edit.insert(document.uri, new vscode.Position(line, 0), `${insert.text}\n`);
}
