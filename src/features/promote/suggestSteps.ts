import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { firstLine } from '../../core/inspect/inspect';
import { parseNotebook } from '../../core/notebook/parse';
import { readRoles } from '../../core/tags/roles';
import type { StepSuggestion } from '../../core/tags/suggest';
import { METRICS_SUGGESTION, PARAMETERS_SUGGESTION, suggestedStepCells, suggestionTag, suggestSteps } from '../../core/tags/suggest';
import type { Logger } from '../../core/util/logger';
import { currentText, requireNotebookUri } from './notebookArg';
import { fileName } from './shared';
import { suggestedStepsMessage } from './suggestText';

export interface SuggestStepsOptions {
  /** Ask which suggestions to apply (a quick pick, all pre-selected); default true. False applies them all. */
  readonly confirm?: boolean;
}

export interface SuggestStepsResult {
  /** The cells tagged, with the step each now starts. */
  readonly applied: readonly { readonly cellIndex: number; readonly name: string }[];
}

/**
 * `nbpromote.suggestSteps`: proposes `step:<name>` for the first code cell under each H1–H3 markdown
 * heading (core/tags/suggest.ts decides which cells and names), lets the person choose in a quick pick with
 * every suggestion selected, and applies the chosen ones as ONE WorkspaceEdit, so one undo takes them all
 * back. A notebook gets a `step:<name>` cell tag (its other tags and metadata kept, its source untouched); a
 * percent script gets a `#| step: <name>` directive as the cell's first line. Nothing is saved; the message
 * says whether the tags are on disk (auto save) or not yet.
 */
export async function suggestStepsCommand(logger: Logger, arg: unknown, options: SuggestStepsOptions = {}): Promise<SuggestStepsResult> {
  const uri = requireNotebookUri(arg);
  const isNotebook = uri.path.toLowerCase().endsWith('.ipynb');
  // Open the document first, so the suggestions are computed from exactly what the edit applies to.
  const notebookDocument = isNotebook ? await vscode.workspace.openNotebookDocument(uri) : undefined;
  const textDocument = isNotebook ? undefined : await vscode.workspace.openTextDocument(uri);
  const text = textDocument?.getText() ?? (await currentText(uri));
  const { notebook } = parseNotebook(text, uri.fsPath || uri.path);
  if (notebook === undefined) throw new NbpromoteError('invalidInput', `${fileName(uri)} cannot be read as a notebook: see the Problems panel`);
  if (notebookDocument !== undefined && notebookDocument.cellCount !== notebook.cells.length) {
    throw new NbpromoteError('internal', `${fileName(uri)} has ${notebookDocument.cellCount} cells in the editor but ${notebook.cells.length} as read: save it and try again`);
  }
  const roles = readRoles(notebook);
  const suggestions = suggestSteps(notebook, roles);
  if (suggestions.length === 0) {
    void vscode.window.showInformationMessage(`${fileName(uri)}: nothing to suggest. Steps are suggested for the first untagged code cell under each markdown heading (#, ## or ###).`);
    return { applied: [] };
  }
  // From the Pipelines view the notebook may not be open in an editor: show it, so the tags can be seen, saved or undone.
  if (notebookDocument !== undefined && !vscode.window.visibleNotebookEditors.some((e) => e.notebook === notebookDocument)) await vscode.window.showNotebookDocument(notebookDocument, { preview: false });
  if (textDocument !== undefined && !vscode.window.visibleTextEditors.some((e) => e.document === textDocument)) await vscode.window.showTextDocument(textDocument, { preview: false });
  const chosen = options.confirm === false ? suggestions : await pick(fileName(uri), suggestions, notebook.cells.map((c) => c.source));
  if (chosen === undefined || chosen.length === 0) return { applied: [] };

  // In an nbdev notebook every cell of a step names it: the cells below the first, under the same heading, too.
  const tagged = [...suggestedStepCells(notebook, roles, chosen)].sort(([a], [b]) => a - b);
  const edit = new vscode.WorkspaceEdit();
  if (notebookDocument !== undefined) {
    edit.set(
      uri,
      tagged.map(([index, step]) => withStepTag(notebookDocument.cellAt(index), step)),
    );
  } else if (textDocument !== undefined) {
    for (const [index, step] of tagged) {
      const line = notebook.cells[index]?.fileLine;
      if (line === undefined) continue;
      const at = new vscode.Position(Math.min(line - 1, textDocument.lineCount), 0);
      edit.insert(uri, at, `${step === METRICS_SUGGESTION || step === PARAMETERS_SUGGESTION ? `#| ${step}` : `#| step: ${step}`}${textDocument.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n'}`);
    }
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new NbpromoteError('internal', `VS Code did not apply the step tags to ${fileName(uri)}`);
  const applied = chosen.map((s) => ({ cellIndex: s.cellIndex, name: s.name }));
  logger.info(`${fileName(uri)}: tagged ${applied.map((a) => `cell ${a.cellIndex + 1} ${suggestionTag(a.name)}`).join(', ')}`);
  // (Auto-save writes them a moment later: round 79 QRQ, "not saved yet" was said of tags the file held.)
  const autoSave = vscode.workspace.getConfiguration('files', uri).get<string>('autoSave') ?? 'off';
  const saved = !(notebookDocument ?? textDocument)?.isDirty || autoSave === 'afterDelay';
  void vscode.window.showInformationMessage(suggestedStepsMessage(fileName(uri), applied.map((a) => a.name), saved));
  return { applied };
}

/** The cell's metadata with `step:<name>` (or `metrics`) added to `metadata.tags`, everything else kept (VS Code's ipynb shape: nbformat metadata at `metadata.metadata`). */
function withStepTag(cell: vscode.NotebookCell, name: string): vscode.NotebookEdit {
  const metadata = { ...cell.metadata };
  const inner = typeof metadata['metadata'] === 'object' && metadata['metadata'] !== null ? { ...(metadata['metadata'] as Record<string, unknown>) } : {};
  const tag = suggestionTag(name);
  const tags = Array.isArray(inner['tags']) ? (inner['tags'] as unknown[]).filter((t) => t !== tag) : [];
  inner['tags'] = [...tags, tag];
  metadata['metadata'] = inner;
  return vscode.NotebookEdit.updateCellMetadata(cell.index, metadata);
}

async function pick(name: string, suggestions: readonly StepSuggestion[], sources: readonly string[]): Promise<StepSuggestion[] | undefined> {
  const items = suggestions.map((s) => ({
    label: suggestionTag(s.name),
    description: s.heading === '' ? `cell ${s.cellIndex + 1} · under no heading` : `cell ${s.cellIndex + 1} · under "${s.heading}"`,
    detail: firstLine(sources[s.cellIndex] ?? ''),
    picked: true,
    suggestion: s,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: `Suggested steps for ${name}`,
    placeHolder: 'Each selected cell gets the tag step:<name> (one edit, undoable)',
    ignoreFocusOut: true,
  });
  return chosen?.map((c) => c.suggestion);
}
