import * as vscode from 'vscode';
import type { Problem } from '../../core/contract/problem';
import { problemPlace } from '../../core/contract/problem';
import { compactRanges } from '../../core/util/ranges';
import type { StepInfo } from '../../core/contract/roles';
import type { Inspection } from '../../core/inspect/inspect';
import { inspectText } from '../../core/inspect/inspect';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../../host/disposable';
import { CommandId } from '../../host/ids';
import { displayPath, findWorkspaceNotebooks, readText } from '../../host/workspaceNotebooks';

/** Elements are plain data; they become TreeItems only in getTreeItem. */
export type PipelineNode = NotebookNode | StepNode | ProblemNode | InfoNode;

export interface NotebookNode {
  readonly kind: 'notebook';
  readonly uri: string;
  readonly path: string;
  readonly inspection: Inspection;
}
export interface StepNode {
  readonly kind: 'step';
  readonly notebookUri: string;
  readonly step: StepInfo;
}
export interface ProblemNode {
  readonly kind: 'problem';
  readonly notebookUri: string;
  readonly problem: Problem;
}
export interface InfoNode {
  readonly kind: 'info';
  readonly message: string;
}

/** The Pipelines view: notebooks → steps, with an error item for a notebook that cannot be read. */
export class PipelinesTree extends Disposable implements vscode.TreeDataProvider<PipelineNode> {
  private readonly changed = this.register(new vscode.EventEmitter<PipelineNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly inspections = new Map<string, Inspection>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly log: Logger) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*.{ipynb,py}'));
    const invalidate = (uri: vscode.Uri): void => {
      this.inspections.delete(uri.toString());
      this.scheduleRefresh();
    };
    this.register(watcher.onDidChange(invalidate));
    this.register(watcher.onDidCreate(invalidate));
    this.register(watcher.onDidDelete(invalidate));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
    this.register({ dispose: () => clearTimeout(this.refreshTimer) });
  }

  /** Forget everything read and ask the view to ask again. */
  refresh(): void {
    this.inspections.clear();
    this.changed.fire(undefined);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changed.fire(undefined), 300);
  }

  async getChildren(element?: PipelineNode): Promise<PipelineNode[]> {
    if (element === undefined) return this.notebooks();
    if (element.kind !== 'notebook') return [];
    const { inspection } = element;
    const problems: PipelineNode[] = inspection.problems
      .filter((p) => p.severity !== 'info')
      .map((problem) => ({ kind: 'problem', notebookUri: element.uri, problem }));
    const steps: PipelineNode[] = (inspection.roles?.steps ?? []).map((step) => ({ kind: 'step', notebookUri: element.uri, step }));
    const info: PipelineNode[] =
      inspection.notebook !== undefined && inspection.roles?.hasRoles === false
        ? [{ kind: 'info', message: 'No steps yet: tag the first cell of each step step:<name>' }]
        : [];
    return [...problems, ...steps, ...info];
  }

  getTreeItem(element: PipelineNode): vscode.TreeItem {
    switch (element.kind) {
      case 'notebook':
        return notebookItem(element);
      case 'step':
        return stepItem(element);
      case 'problem':
        return problemItem(element);
      case 'info': {
        const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = 'info';
        return item;
      }
    }
  }

  private async notebooks(): Promise<NotebookNode[]> {
    const uris = await findWorkspaceNotebooks();
    this.log.debug(`found ${uris.length} notebooks`);
    return Promise.all(uris.map(async (uri) => ({ kind: 'notebook' as const, uri: uri.toString(), path: displayPath(uri), inspection: await this.inspect(uri) })));
  }

  private async inspect(uri: vscode.Uri): Promise<Inspection> {
    const key = uri.toString();
    const cached = this.inspections.get(key);
    if (cached !== undefined) return cached;
    const path = displayPath(uri);
    let inspection: Inspection;
    try {
      inspection = inspectText(await readText(uri), path);
    } catch (ex) {
      this.log.warn(`cannot read ${path}: ${String(ex)}`);
      inspection = { file: path, notebook: undefined, roles: undefined, ok: false, problems: [{ severity: 'error', code: 'unreadable', message: `cannot read the file (${String(ex)})`, file: path }] };
    }
    this.inspections.set(key, inspection);
    return inspection;
  }
}

function notebookItem(node: NotebookNode): vscode.TreeItem {
  const { inspection } = node;
  const uri = vscode.Uri.parse(node.uri);
  const name = node.path.slice(node.path.lastIndexOf('/') + 1);
  const folder = node.path.includes('/') ? node.path.slice(0, node.path.lastIndexOf('/')) : '';
  const errors = inspection.problems.filter((p) => p.severity === 'error');
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.uri;
  item.resourceUri = uri;
  if (inspection.notebook === undefined) {
    const first = errors[0];
    item.contextValue = 'notebookError';
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    item.description = first === undefined ? 'cannot be read' : withoutFile(first);
    item.tooltip = tooltip(node.path, inspection.problems.map((p) => withoutFile(p)));
    item.collapsibleState = vscode.TreeItemCollapsibleState.None;
    item.command = { command: 'vscode.open', title: 'Open File', arguments: [uri] };
    return item;
  }
  const steps = inspection.roles?.steps.length ?? 0;
  const counts = [steps === 1 ? '1 step' : `${steps} steps`];
  if (errors.length > 0) counts.push(errors.length === 1 ? '1 problem' : `${errors.length} problems`);
  item.description = [counts.join(', '), folder].filter((s) => s !== '').join(' · ');
  item.contextValue = errors.length > 0 ? 'notebookWithProblems' : 'notebook';
  item.iconPath = errors.length > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('notebook');
  item.tooltip = tooltip(node.path, [
    `${inspection.notebook.cells.length} cells, ${counts.join(', ')}`,
    ...(inspection.roles?.conventions.length ? [`tags: ${inspection.roles.conventions.join(', ')}`] : []),
    ...errors.map((p) => withoutFile(p)),
  ]);
  return item;
}

function stepItem(node: StepNode): vscode.TreeItem {
  const { step } = node;
  const item = new vscode.TreeItem(step.name, vscode.TreeItemCollapsibleState.None);
  const cells = step.cellIndices.map((i) => i + 1);
  item.description = [`${cells.length === 1 ? 'cell' : 'cells'} ${compactRanges(cells)}`, step.after.length > 0 ? `after ${step.after.join(', ')}` : ''].filter((s) => s !== '').join(' · ');
  item.tooltip = `step ${step.name}\ncells ${cells.join(', ')}${step.after.length > 0 ? `\nruns after ${step.after.join(', ')}` : ''}`;
  item.iconPath = new vscode.ThemeIcon('symbol-method');
  item.contextValue = 'step';
  const first = step.cellIndices[0];
  if (first !== undefined) item.command = { command: CommandId.OpenCell, title: 'Open Cell', arguments: [node.notebookUri, first] };
  return item;
}

function problemItem(node: ProblemNode): vscode.TreeItem {
  const { problem } = node;
  const item = new vscode.TreeItem(problem.message, vscode.TreeItemCollapsibleState.None);
  item.description = problemPlace(problem);
  item.tooltip = withoutFile(problem);
  item.iconPath = new vscode.ThemeIcon(problem.severity === 'error' ? 'error' : 'warning');
  item.contextValue = 'problem';
  if (problem.cellIndex !== undefined) item.command = { command: CommandId.OpenCell, title: 'Open Cell', arguments: [node.notebookUri, problem.cellIndex, problem.line] };
  return item;
}

function withoutFile(problem: Problem): string {
  const place = problemPlace(problem);
  return place === '' ? problem.message : `${place}: ${problem.message}`;
}

function tooltip(title: string, lines: readonly string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMarkdown(title)}**\n\n`);
  for (const line of lines) md.appendMarkdown(`- ${escapeMarkdown(line)}\n`);
  return md;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
