import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StepInfo } from '../../core/contract/roles';
import { promotionTitle } from '../../core/promote/status';
import { Disposable } from '../../host/disposable';
import { openSettingCommand } from '../../host/config';
import { CommandId, ConfigKey } from '../../host/ids';
import type { NotebookDocuments } from '../../host/notebookDocuments';
import type { EditorAnalyses, EditorAnalysis } from './analysis';
import { scriptCellLine } from './locations';
import { cellsLabel } from '../../core/util/words';

/**
 * "Promote notebook" (with the promotion's state; "No steps yet · Suggest steps" while no cell starts a step; the
 * setting's problem when nbpromote.output.root or nbpromote.package.name cannot be used) above a
 * notebook's first code cell (never a markdown cell), and "step train →
 * src/churn/steps/train.py · uses X_train, y_train" above each step's first cell. In the notebook editor the
 * lenses sit in cell documents; in a percent script on the first line and on each step's marker line.
 */
export class PromoteCodeLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly documents: NotebookDocuments,
    private readonly analyses: EditorAnalyses,
  ) {
    super();
    this.register(analyses.onDidChange(() => this.changed.fire()));
    // A notebook in a group that is not the active one may keep its old lenses (promotion opens a step module
    // beside it): asked again when it becomes active.
    this.register(vscode.window.onDidChangeActiveNotebookEditor(() => this.changed.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const found = this.documents.forDocument(document);
    if (found === undefined) return [];
    const analysis = await this.analyses.get(found.notebook);
    if (token.isCancellationRequested) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    if (found.notebook.kind === 'notebook') {
      const cell = found.cell;
      // Code cells only: a markdown cell has an editor while it is edited, and a lens there would show twice.
      if (cell === undefined || cell.kind !== vscode.NotebookCellKind.Code) return [];
      const notebook = found.notebook.document;
      const lenses: vscode.CodeLens[] = [];
      // Above the first code cell.
      const firstCode = notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)?.index;
      if (cell.index === firstCode) lenses.push(...promoteLenses(top, analysis, notebook.uri));
      for (const step of steps(analysis)) if (step.cellIndices[0] === cell.index) lenses.push(stepLens(top, analysis, step));
      return lenses;
    }
    const lenses = promoteLenses(top, analysis, document.uri);
    const cells = analysis.snapshot.inspection.notebook?.cells ?? [];
    for (const step of steps(analysis)) {
      const first = cells[step.cellIndices[0] ?? -1];
      if (first === undefined) continue;
      const line = scriptCellLine(document, first);
      lenses.push(stepLens(new vscode.Range(line, 0, line, 0), analysis, step));
    }
    return lenses;
  }
}

function steps(analysis: EditorAnalysis): readonly StepInfo[] {
  return (analysis.outcome?.inspection ?? analysis.snapshot.inspection).roles?.steps ?? [];
}

/** What the setting a lens names is about, in its title. */
const SETTING_SUBJECTS: Partial<Record<ConfigKey, string>> = { [ConfigKey.OutputRoot]: 'Output folder', [ConfigKey.PackageName]: 'Package name' };

/**
 * "Promote notebook" and its states; when a setting promotion needs cannot be used, that problem instead (the
 * Pipelines view and every command say the same): "Output folder setting is invalid · Open Setting", or, when
 * only Restricted Mode refuses the folder, "Output folder is outside the workspace (Restricted Mode) · Open
 * Setting" and "Manage Workspace Trust". Never a path no command would use.
 */
function promoteLenses(range: vscode.Range, analysis: EditorAnalysis, uri: vscode.Uri): vscode.CodeLens[] {
  const problem = analysis.settingProblem;
  if (problem === undefined) return [promoteLens(range, analysis, uri)];
  const subject = SETTING_SUBJECTS[problem.setting] ?? problem.setting;
  const open = { ...openSettingCommand(problem.setting, uri), tooltip: `Promotion cannot use it: ${problem.reason}` };
  if (!problem.restrictedMode) return [new vscode.CodeLens(range, { title: `${subject} setting is invalid · Open Setting`, ...open })];
  return [
    new vscode.CodeLens(range, { title: `${subject} is outside the workspace (Restricted Mode) · Open Setting`, ...open }),
    new vscode.CodeLens(range, { title: 'Manage Workspace Trust', command: 'workbench.trust.manage', tooltip: 'Trust the workspace to promote into a folder outside it' }),
  ];
}

function promoteLens(range: vscode.Range, analysis: EditorAnalysis, uri: vscode.Uri): vscode.CodeLens {
  const { status } = analysis;
  // Promotion refuses a notebook without steps: the lens offers what makes them instead.
  const { inspection } = analysis.snapshot;
  if (steps(analysis).length === 0 && inspection.notebook !== undefined && !inspection.problems.some((p) => p.severity === 'error')) {
    const tooltip = 'No cell starts a step yet. Click to suggest steps: each markdown heading (#, ## or ###) makes a step of the code cells under it; you choose which ones before any cell is tagged. Or tag the first cell of each step step:<name>.';
    return new vscode.CodeLens(range, { title: 'No steps yet · Suggest steps', command: CommandId.SuggestSteps, arguments: [uri], tooltip });
  }
  // Promotion would stop on errors: the lens says so, promoted or not, and a click opens (focuses) the Problems panel.
  const errors = analysis.problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) {
    const title = status.kind === 'never' ? `Promote notebook · ${errors === 1 ? '1 error' : `${errors} errors`} to fix` : promotionTitle(status);
    return new vscode.CodeLens(range, { title, command: 'workbench.panel.markers.view.focus', tooltip: 'Promotion would stop on these: fix them in the Problems panel first' });
  }
  const tooltip =
    status.kind === 'never'
      ? 'Write a Python package and pipeline from this notebook'
      : status.kind === 'unknown'
        ? 'Fix the problems in the Problems panel to compare the notebook with its last promotion'
        : status.changes.length === 0
          ? `The package matches the notebook (version ${status.version})`
          : `Changed since version ${status.version}:\n${status.changes.map((c) => `- ${c}`).join('\n')}`;
  return new vscode.CodeLens(range, { title: promotionTitle(status), command: CommandId.PromoteNotebook, arguments: [uri], tooltip });
}

function stepLens(range: vscode.Range, analysis: EditorAnalysis, step: StepInfo): vscode.CodeLens {
  const node = analysis.outcome?.graph?.steps.find((s) => s.name === step.name);
  const problem = analysis.settingProblem;
  const modulePath = analysis.outDir === undefined || problem !== undefined ? undefined : join(analysis.outDir, 'src', analysis.packageName, 'steps', `${step.name}.py`);
  // Without a usable setting there is no module path to show: the first lens says why.
  const shown = problem !== undefined ? undefined : modulePath === undefined ? `src/${analysis.packageName}/steps/${step.name}.py` : vscode.workspace.asRelativePath(vscode.Uri.file(modulePath), false);
  const parts = [shown === undefined ? `step ${step.name}` : `step ${step.name} → ${shown}`];
  if (node !== undefined && node.inputs.length > 0) parts.push(`uses ${node.inputs.join(', ')}`);
  const title = parts.join(' · ');
  const written = analysis.outcome?.files.find((f) => f.path === `src/${analysis.packageName}/steps/${step.name}.py`);
  const exists = written !== undefined && written.action !== 'would-create';
  const tooltip = [
    `Step ${step.name}: ${cellsLabel(step.cellIndices.map((i) => i + 1))}`,
    ...(node === undefined ? [] : [`takes ${node.inputs.length === 0 ? 'nothing' : node.inputs.join(', ')}`, `returns ${node.outputs.length === 0 ? 'nothing' : node.outputs.join(', ')}`]),
    ...(step.after.length > 0 ? [`runs after ${step.after.join(', ')}`] : []),
    problem !== undefined ? `Its module's place is unknown: ${problem.reason}` : exists ? 'Click to open the module' : 'Not generated yet: promote the notebook',
  ].join('\n');
  return new vscode.CodeLens(range, exists && modulePath !== undefined ? { title, command: 'vscode.open', arguments: [vscode.Uri.file(modulePath)], tooltip } : { title, command: '', tooltip });
}
