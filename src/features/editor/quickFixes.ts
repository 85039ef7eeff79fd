import * as vscode from 'vscode';
import type { NotebookCell as ModelCell } from '../../core/contract/notebook';
import type { TagResult } from '../../core/contract/roles';
import { analyseCodeCell } from '../../core/analysis/cellFacts';
import { insideRanges, stringAndCommentRanges } from '../../core/analysis/python/literalRanges';
import { initPythonParser } from '../../core/analysis/python/parser';
import { editorCellTags, withEditorCellTags } from '../../core/notebook/editorCells';
import type { NameFix } from '../../core/tags/roleEdit';
import { invalidNameFixes } from '../../core/tags/roleEdit';
import { quoteName } from '../../core/tags/names';
import type { NotebookDocuments } from '../../host/notebookDocuments';
import type { EditorAnalyses } from './analysis';
import { diagnosticSource } from './diagnostics';
import { scriptCellAt, scriptCellLine } from './locations';

/**
 * Quick fixes for problems whose fix is clear:
 * - `step-name-invalid`: rename the name to the suggested identifier (`../x` → `x`), in the tag or the
 *   `#| ` directive line it is written in;
 * - `name-defined-later` (notebook editor): move the step that defines the name above the step that uses
 *   it, when that step is one block of cells and reads and redefines nothing from the cells it moves over;
 * - `name-undefined` with a guess (a misspelt name an earlier cell defines): change it to the guess.
 */
export class NotebookQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly documents: NotebookDocuments,
    private readonly analyses: EditorAnalyses,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === diagnosticSource);
    if (ours.length === 0) return [];
    const found = this.documents.forDocument(document);
    if (found === undefined) return [];
    const actions: vscode.CodeAction[] = [];
    const invalid = ours.filter((d) => codeOf(d) === 'step-name-invalid');
    if (invalid.length > 0) actions.push(...this.renameFixes(document, found.cell, invalid));
    for (const diagnostic of ours.filter((d) => codeOf(d) === 'name-undefined')) {
      const action = typoFix(document, diagnostic);
      if (action !== undefined) actions.push(action);
    }
    const later = ours.filter((d) => codeOf(d) === 'name-defined-later');
    if (later.length > 0 && found.cell !== undefined && found.notebook.kind === 'notebook') {
      const analysis = await this.analyses.get(found.notebook);
      const roles = (analysis.outcome?.inspection ?? analysis.snapshot.inspection).roles;
      const model = analysis.snapshot.inspection.notebook?.cells;
      if (roles !== undefined && model !== undefined) {
        await initPythonParser();
        for (const diagnostic of later) {
          const action = moveStepFix(found.cell, document.getText(diagnostic.range), roles, model, diagnostic);
          if (action !== undefined) actions.push(action);
        }
      }
    }
    return actions;
  }

  private renameFixes(document: vscode.TextDocument, cell: vscode.NotebookCell | undefined, diagnostics: readonly vscode.Diagnostic[]): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    if (cell !== undefined) {
      const tags = editorCellTags(cell.metadata);
      const fixes = invalidNameFixes({ source: document.getText(), tags });
      for (const fix of fixes) {
        const diagnostic = diagnosticFor(fix, fixes, diagnostics, 0);
        if (diagnostic === undefined) continue;
        const edit = new vscode.WorkspaceEdit();
        if (fix.from === 'tag') {
          edit.set(cell.notebook.uri, [vscode.NotebookEdit.updateCellMetadata(cell.index, withEditorCellTags(cell.metadata, tags.map((t) => (t === fix.tag ? fix.newTag : t))))]);
        } else {
          edit.replace(document.uri, document.lineAt(fix.line - 1).range, fix.newText);
        }
        actions.push(renameAction(fix, diagnostic, edit, fixes.length === 1));
      }
      return actions;
    }
    // A percent script: tags are in the cell's `# %%` marker line, directives in its source.
    const notebook = this.documents.forDocument(document)?.notebook;
    if (notebook === undefined) return [];
    const snapshot = this.documents.snapshot(notebook);
    const byCell = new Map<ModelCell, vscode.Diagnostic[]>();
    for (const diagnostic of diagnostics) {
      const modelCell = scriptCellAt(snapshot, document, diagnostic.range.start.line);
      if (modelCell !== undefined) byCell.set(modelCell, [...(byCell.get(modelCell) ?? []), diagnostic]);
    }
    for (const [modelCell, cellDiagnostics] of byCell) {
      const fixes = invalidNameFixes({ source: modelCell.source, tags: modelCell.tags });
      const firstLine = (modelCell.fileLine ?? 1) - 1;
      const markerLine = scriptCellLine(document, modelCell);
      for (const fix of fixes) {
        const diagnostic = diagnosticFor(fix, fixes, cellDiagnostics, firstLine);
        if (diagnostic === undefined) continue;
        const edit = new vscode.WorkspaceEdit();
        if (fix.from === 'tag') {
          const marker = document.lineAt(markerLine);
          const at = [JSON.stringify(fix.tag), `'${fix.tag}'`].map((quoted) => ({ quoted, index: marker.text.indexOf(quoted) })).find((q) => q.index >= 0);
          if (at === undefined) continue;
          const quote = at.quoted.startsWith('"') ? JSON.stringify(fix.newTag) : `'${fix.newTag}'`;
          edit.replace(document.uri, new vscode.Range(markerLine, at.index, markerLine, at.index + at.quoted.length), quote);
        } else {
          edit.replace(document.uri, document.lineAt(firstLine + fix.line - 1).range, fix.newText);
        }
        actions.push(renameAction(fix, diagnostic, edit, fixes.length === 1));
      }
    }
    return actions;
  }
}

/**
 * `name-undefined` with a guess (`uses X_tarin, but no cell before it defines it; did you mean X_train (cell
 * 4)?`): the name changed to the guess wherever the cell's code uses it (not in its strings or comments); in a
 * percent script, where it is reported.
 */
function typoFix(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
  const match = / uses ([A-Za-z_]\w*), but no cell before it defines it; did you mean ([A-Za-z_]\w*) \(cell \d+\)\?$/.exec(diagnostic.message);
  const [, wrong, right] = match ?? [];
  if (wrong === undefined || right === undefined || document.getText(diagnostic.range) !== wrong) return undefined;
  const edit = new vscode.WorkspaceEdit();
  // In a notebook cell, every use in the cell; in a percent script (one document of many cells), this one.
  if (document.uri.scheme === 'vscode-notebook-cell') {
    const text = document.getText();
    for (const at of codeOccurrences(text, wrong)) edit.replace(document.uri, new vscode.Range(document.positionAt(at), document.positionAt(at + wrong.length)), right);
  } else {
    edit.replace(document.uri, diagnostic.range, right);
  }
  const action = new vscode.CodeAction(`Change ${wrong} to ${right}`, vscode.CodeActionKind.QuickFix);
  action.edit = edit;
  action.diagnostics = [diagnostic];
  action.isPreferred = true;
  return action;
}

/** The offsets of `name` as a whole word in Python `text`, outside strings and comments. */
function codeOccurrences(text: string, name: string): number[] {
  const literals = stringAndCommentRanges(text);
  const word = new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g');
  return [...text.matchAll(word)].map((m) => m.index ?? 0).filter((at) => !insideRanges(literals, at));
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'string') return code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return undefined;
}

/** The diagnostic a fix belongs to: a directive's is on its line; a tag's on any other line of the cell. */
function diagnosticFor(fix: NameFix, fixes: readonly NameFix[], diagnostics: readonly vscode.Diagnostic[], firstLine: number): vscode.Diagnostic | undefined {
  const directiveLines = new Set(fixes.flatMap((f) => (f.from === 'directive' ? [firstLine + f.line - 1] : [])));
  if (fix.from === 'directive') return diagnostics.find((d) => d.range.start.line === firstLine + fix.line - 1);
  return diagnostics.find((d) => !directiveLines.has(d.range.start.line));
}

function renameAction(fix: NameFix, diagnostic: vscode.Diagnostic, edit: vscode.WorkspaceEdit, preferred: boolean): vscode.CodeAction {
  const action = new vscode.CodeAction(`Rename step ${quoteName(fix.name)} to ${quoteName(fix.suggestion)}`, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.edit = edit;
  action.isPreferred = preferred;
  return action;
}

/**
 * "Move step b (cells 4-5) above step a": the fix for a step that uses a name a later step defines. Offered
 * only when it is safe: the defining step's cells are one block (markdown between them moves along), and no
 * cell the block moves over defines a name the step reads or defines (it would read or shadow another value).
 */
function moveStepFix(cell: vscode.NotebookCell, name: string, roles: TagResult, model: readonly ModelCell[], diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
  const notebook = cell.notebook;
  if (!/^[A-Za-z_]\w*$/.test(name) || model.length !== notebook.cellCount) return undefined;
  const roleOf = new Map(roles.cells.map((c) => [c.cellIndex, c]));
  const user = roleOf.get(cell.index)?.inStep;
  const userStep = roles.steps.find((s) => s.name === user);
  const target = userStep?.cellIndices[0];
  if (userStep === undefined || target === undefined) return undefined;
  const facts = new Map<number, ReturnType<typeof analyseCodeCell>['facts']>();
  const factsOf = (index: number): ReturnType<typeof analyseCodeCell>['facts'] | undefined => {
    const c = model[index];
    if (c === undefined || c.kind !== 'code' || roleOf.get(index)?.roles.includes('skip') === true) return undefined;
    let f = facts.get(index);
    if (f === undefined) {
      f = analyseCodeCell(c.source).facts;
      facts.set(index, f);
    }
    return f;
  };
  const definer = model.findIndex((_, i) => i > cell.index && factsOf(i)?.defines.some((d) => d.name === name) === true);
  const definerStep = roles.steps.find((s) => s.name === roleOf.get(definer)?.inStep);
  if (definer < 0 || definerStep === undefined || definerStep.name === user) return undefined;
  const start = definerStep.cellIndices[0] ?? -1;
  const end = definerStep.cellIndices[definerStep.cellIndices.length - 1] ?? -1;
  if (start <= target) return undefined;
  for (let i = start; i <= end; i++) if (model[i]?.kind === 'code' && roleOf.get(i)?.inStep !== definerStep.name) return undefined;
  const reads = new Set<string>();
  const writes = new Set<string>();
  for (let i = start; i <= end; i++) {
    for (const use of factsOf(i)?.externalUses ?? []) reads.add(use.name);
    for (const d of factsOf(i)?.defines ?? []) writes.add(d.name);
  }
  for (let i = target; i < start; i++) {
    if ((factsOf(i)?.defines ?? []).some((d) => reads.has(d.name) || writes.has(d.name))) return undefined;
  }
  // A name defined before the target and redefined by the moved step would be shadowed for the cells in between.
  for (let i = 0; i < target; i++) {
    const shadowed = (factsOf(i)?.defines ?? []).filter((d) => writes.has(d.name)).map((d) => d.name);
    for (let j = target; j < start; j++) if ((factsOf(j)?.externalUses ?? []).some((u) => shadowed.includes(u.name))) return undefined;
  }
  const moved = notebook.getCells(new vscode.NotebookRange(start, end + 1)).map((c) => {
    const data = new vscode.NotebookCellData(c.kind, c.document.getText(), c.document.languageId);
    data.metadata = c.metadata;
    data.outputs = c.outputs.map((o) => new vscode.NotebookCellOutput(o.items, o.metadata));
    if (c.executionSummary !== undefined) data.executionSummary = c.executionSummary;
    return data;
  });
  const edit = new vscode.WorkspaceEdit();
  edit.set(notebook.uri, [vscode.NotebookEdit.deleteCells(new vscode.NotebookRange(start, end + 1)), vscode.NotebookEdit.insertCells(target, moved)]);
  const cells = start === end ? `cell ${start + 1}` : `cells ${start + 1}-${end + 1}`;
  const action = new vscode.CodeAction(`Move step ${definerStep.name} (${cells}) above step ${userStep.name}`, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.edit = edit;
  return action;
}
