import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Problem } from '../../core/contract/problem';
import { problemPlace } from '../../core/contract/problem';
import type { StepInfo } from '../../core/contract/roles';
import type { Edge } from '../../core/contract/stepGraph';
import { isSameOrInside } from '../../core/io/paths';
import { compactRanges } from '../../core/util/ranges';
import type { Inspection } from '../../core/inspect/inspect';
import { inspectText } from '../../core/inspect/inspect';
import { packageNameFor } from '../../core/promote/promote';
import { editorAdvice } from '../promote/problemMessage';
import { displayFolder } from '../runs/discovery';
import type { Logger } from '../../core/util/logger';
import { onSettingsChanged } from '../../host/config';
import { Disposable } from '../../host/disposable';
import type { NotebookDocuments } from '../../host/notebookDocuments';
import { CommandId, ConfigKey, extensionId } from '../../host/ids';
import type { PromotionTarget } from '../../host/promotionTarget';
import { promotionTarget } from '../../host/promotionTarget';
import { displayPath, findWorkspaceNotebooks, readText } from '../../host/workspaceNotebooks';
import type { PipelineStatus } from './status';
import { pipelineStatus, statusDescription } from './status';

/** Elements are plain data; they become TreeItems only in getTreeItem. */
export type PipelineNode = NotebookNode | NotebookPipelineNode | StepNode | ProblemNode | InfoNode;

export interface NotebookNode {
  readonly kind: 'notebook';
  readonly uri: string;
  readonly path: string;
  readonly inspection: Inspection;
}

/** The pipeline a notebook describes; `status` is undefined while it is being worked out. */
export interface NotebookPipelineNode {
  readonly kind: 'pipeline';
  readonly notebookUri: string;
  readonly path: string;
  readonly packageName: string;
  readonly status: PipelineStatus | undefined;
  /** The steps as tagged, for when the graph cannot be built. */
  readonly taggedSteps: readonly StepInfo[];
}

/** A step: what the tags say (cells, `after:`) and, when the graph could be built, what it takes and gives. */
export interface PipelineStep extends StepInfo {
  /** Undefined when the notebook cannot be analysed that far. */
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
}

export interface StepNode {
  readonly kind: 'step';
  readonly notebookUri: string;
  readonly step: PipelineStep;
  /** The package and output root the step's module is generated in (`<outDir>/src/<packageName>/steps/<name>.py`). */
  readonly packageName: string;
  readonly outDir: string;
  /** The graph's edges into and out of the step. */
  readonly edges: readonly Edge[];
  /** The step's code changed since the last promotion. */
  readonly changed: boolean;
}

export interface ProblemNode {
  readonly kind: 'problem';
  readonly notebookUri: string;
  readonly problem: Problem;
}

export interface InfoNode {
  readonly kind: 'info';
  readonly message: string;
  readonly tooltip?: string;
  readonly severity?: 'info' | 'error';
  /** A notebook without steps (its URI): a click runs Suggest Steps from Markdown Headings on it. */
  readonly suggestStepsFor?: string;
}

interface StatusEntry {
  current?: PipelineStatus;
  pending: Promise<PipelineStatus> | undefined;
  /** Bumped by every change that may alter the status; `current` is fresh while `computedAt` equals it. */
  generation: number;
  computedAt: number;
  /** What `current` was read from: `disk`, or the version key of the editor's unsaved contents. */
  source?: string;
}

/**
 * The Pipelines view: notebooks → pipeline (version, up to date or stale) → steps (inputs → outputs), with an
 * error item for a notebook that cannot be read. The pipeline's status is a dry run of promotion compared with
 * nbpromote.lock (./status.ts), worked out for each notebook with steps when the view lists them, one after another,
 * and again after any notebook, lock or generated file changes.
 */
export class PipelinesTree extends Disposable implements vscode.TreeDataProvider<PipelineNode> {
  private readonly changed = this.register(new vscode.EventEmitter<PipelineNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly inspections = new Map<string, Inspection>();
  private readonly statuses = new Map<string, StatusEntry>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether {@link workOutStatuses} is going through the notebooks. */
  private workingOut = false;

  constructor(
    private readonly log: Logger,
    private readonly documents?: NotebookDocuments,
  ) {
    super();
    // Unsaved edits count, as in the code lens: a notebook open with changes is read from its editor.
    if (documents !== undefined) {
      const onOpenNotebook = (uri: vscode.Uri): void => {
        this.inspections.delete(uri.toString());
        this.invalidateStatus(uri.toString());
        this.scheduleRefresh(0);
      };
      this.register(documents.onDidChange((notebook) => onOpenNotebook(notebook.document.uri)));
      this.register(documents.onDidClose(onOpenNotebook));
      // Reverting or closing an editor may leave no edit event behind: a status read from unsaved contents
      // that are gone is worked out again.
      this.register(
        vscode.window.onDidChangeVisibleNotebookEditors(() => {
          for (const [key, entry] of this.statuses) {
            if (entry.source !== undefined && entry.source !== 'disk' && entry.source !== this.sourceOf(vscode.Uri.parse(key))) onOpenNotebook(vscode.Uri.parse(key));
          }
        }),
      );
    }
    const notebooks = this.register(vscode.workspace.createFileSystemWatcher('**/*.{ipynb,py}'));
    const onNotebook = (uri: vscode.Uri): void => {
      this.inspections.delete(uri.toString());
      // A .py file may be a percent notebook or a generated module: either may change any status.
      if (uri.path.endsWith('.ipynb')) this.invalidateStatus(uri.toString());
      else this.invalidateStatus();
      this.scheduleRefresh(300);
    };
    this.register(notebooks.onDidChange(onNotebook));
    this.register(notebooks.onDidCreate(onNotebook));
    this.register(notebooks.onDidDelete(onNotebook));
    const generated = this.register(vscode.workspace.createFileSystemWatcher('**/{nbpromote.lock,pipeline.yaml}'));
    const onGenerated = (): void => {
      this.invalidateStatus();
      this.scheduleRefresh(300);
    };
    this.register(generated.onDidChange(onGenerated));
    this.register(generated.onDidCreate(onGenerated));
    this.register(generated.onDidDelete(onGenerated));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
    // Deleting a folder (the output root or one inside it) reports the folder alone, not the lock or the modules in
    // it: a status read from what was there is worked out again.
    const deletions = this.register(vscode.workspace.createFileSystemWatcher('**', true, true, false));
    this.register(
      deletions.onDidDelete((uri) => {
        if (uri.scheme !== 'file') return;
        const held = [...this.statuses.values()].some((entry) => entry.current !== undefined && entry.current.outDir !== '' && (isSameOrInside(uri.fsPath, entry.current.outDir) || isSameOrInside(entry.current.outDir, uri.fsPath)));
        if (!held) return;
        this.invalidateStatus();
        this.scheduleRefresh(300);
      }),
    );
    this.register(
      onSettingsChanged([ConfigKey.OutputRoot, ConfigKey.PackageName], () => {
        this.invalidateStatus();
        this.scheduleRefresh(0);
      }),
    );
    this.register({ dispose: () => clearTimeout(this.refreshTimer) });
  }

  /** Forget everything read and ask the view to ask again. */
  refresh(): void {
    this.inspections.clear();
    this.invalidateStatus();
    this.changed.fire(undefined);
  }

  /**
   * The pipeline status of a notebook: the last one worked out while it is still fresh, else a new dry run
   * (one at a time per notebook). Never rejects.
   */
  status(notebookUri: vscode.Uri | string): Promise<PipelineStatus> {
    const uri = typeof notebookUri === 'string' ? vscode.Uri.parse(notebookUri) : notebookUri;
    const key = uri.toString();
    let entry = this.statuses.get(key);
    if (entry === undefined) {
      entry = { pending: undefined, generation: 0, computedAt: -1 };
      this.statuses.set(key, entry);
    }
    const source = this.sourceOf(uri);
    if (entry.current !== undefined && entry.computedAt === entry.generation && entry.source === source) return Promise.resolve(entry.current);
    if (entry.pending !== undefined) return entry.pending;
    const target = entry;
    const generation = target.generation;
    const started = Date.now();
    target.pending = this.computeStatus(uri).then((status) => {
      target.pending = undefined;
      target.current = status;
      target.computedAt = generation;
      target.source = source;
      this.log.debug(`${displayPath(uri)}: ${statusDescription(status)} (${Date.now() - started} ms)`);
      this.scheduleRefresh(20);
      return status;
    });
    return target.pending;
  }

  /** The last status worked out, fresh or not; undefined before the first. */
  private peekStatus(uri: string): PipelineStatus | undefined {
    return this.statuses.get(uri)?.current;
  }

  private invalidateStatus(uri?: string): void {
    const entries = uri === undefined ? [...this.statuses.values()] : [this.statuses.get(uri)].filter((e) => e !== undefined);
    for (const entry of entries) entry.generation++;
  }

  private scheduleRefresh(delay: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changed.fire(undefined), delay);
  }

  async getChildren(element?: PipelineNode): Promise<PipelineNode[]> {
    if (element === undefined) return this.notebooks();
    switch (element.kind) {
      case 'notebook':
        return this.notebookChildren(element);
      case 'pipeline':
        return this.pipelineChildren(element);
      default:
        return [];
    }
  }

  getTreeItem(element: PipelineNode): vscode.TreeItem {
    switch (element.kind) {
      case 'notebook':
        return notebookItem(element, this.peekStatus(element.uri));
      case 'pipeline':
        return pipelineItem(element);
      case 'step':
        return stepItem(element);
      case 'problem':
        return problemItem(element);
      case 'info':
        return infoItem(element);
    }
  }

  private notebookChildren(element: NotebookNode): PipelineNode[] {
    const { inspection } = element;
    if (inspection.notebook === undefined) return [];
    const problems: PipelineNode[] = inspection.problems.filter((p) => p.severity !== 'info').map((problem) => ({ kind: 'problem', notebookUri: element.uri, problem }));
    const steps = inspection.roles?.steps ?? [];
    if (steps.length === 0) return [...problems, { kind: 'info', message: 'No steps yet: tag the first cell of each step step:<name>', suggestStepsFor: element.uri }];
    const status = this.peekStatus(element.uri);
    const entry = this.statuses.get(element.uri);
    if (status === undefined || entry === undefined || entry.computedAt !== entry.generation) void this.status(element.uri);
    const pipeline: NotebookPipelineNode = {
      kind: 'pipeline',
      notebookUri: element.uri,
      path: element.path,
      packageName: status?.packageName ?? this.packageNameFor(vscode.Uri.parse(element.uri)),
      status,
      taggedSteps: steps,
    };
    return [...problems, pipeline];
  }

  private async pipelineChildren(element: NotebookPipelineNode): Promise<PipelineNode[]> {
    const status = await this.status(element.notebookUri);
    const out: PipelineNode[] = [];
    if (status.state === 'failed' && status.note !== undefined) out.push({ kind: 'info', severity: 'error', message: status.note });
    const elsewhere = status.promotedElsewhere;
    if (elsewhere !== undefined) {
      const where = displayFolder(elsewhere.outDir);
      out.push({ kind: 'info', message: `Promoted earlier into ${where} (v${elsewhere.version}), before ${ConfigKey.OutputRoot} pointed at ${displayFolder(status.outDir)}: promoting writes a new package there, and leaves the earlier one as it is` });
    }
    // The notebook item already lists the reader's and the tags' problems.
    const shownAbove = new Set((this.inspections.get(element.notebookUri)?.problems ?? []).map(problemKey));
    for (const problem of status.problems) if (!shownAbove.has(problemKey(problem))) out.push({ kind: 'problem', notebookUri: element.notebookUri, problem });
    const changed = new Set(status.changedSteps);
    const common = { kind: 'step' as const, notebookUri: element.notebookUri, packageName: status.packageName, outDir: status.outDir };
    const graph = status.graph;
    if (graph !== undefined) {
      const tagged = new Map(element.taggedSteps.map((s) => [s.name, s]));
      for (const step of graph.steps) {
        const info = tagged.get(step.name);
        out.push({
          ...common,
          step: { name: step.name, cellIndices: step.cells.map((c) => c.index), cellIds: step.cells.map((c) => c.id), after: info?.after ?? step.explicitAfter, inputs: step.inputs, outputs: step.outputs },
          edges: graph.edges.filter((e) => e.to === step.name || e.from === step.name),
          changed: changed.has(step.name),
        });
      }
    } else {
      for (const step of element.taggedSteps) out.push({ ...common, step, edges: [], changed: false });
    }
    return out;
  }

  private async notebooks(): Promise<NotebookNode[]> {
    const uris = await findWorkspaceNotebooks();
    this.log.debug(`found ${uris.length} notebooks`);
    const nodes = await Promise.all(uris.map(async (uri) => ({ kind: 'notebook' as const, uri: uri.toString(), path: displayPath(uri), inspection: await this.inspect(uri) })));
    void this.workOutStatuses(nodes);
    return nodes;
  }

  /**
   * The status of each notebook with steps that has none yet or a stale one, one after another: its row counts the
   * analysis's errors before anyone expands it (round 76 JKJ: a notebook that cannot be promoted read "2 steps"
   * under the notebook icon until expanded). Each one done refreshes the view.
   */
  private async workOutStatuses(nodes: readonly NotebookNode[]): Promise<void> {
    if (this.workingOut) return;
    this.workingOut = true;
    try {
      for (const node of nodes) {
        if (node.inspection.notebook === undefined || (node.inspection.roles?.steps.length ?? 0) === 0) continue;
        const entry = this.statuses.get(node.uri);
        if (entry?.current !== undefined && entry.computedAt === entry.generation) continue;
        await this.status(node.uri);
      }
    } finally {
      this.workingOut = false;
    }
  }

  private async inspect(uri: vscode.Uri): Promise<Inspection> {
    const key = uri.toString();
    const cached = this.inspections.get(key);
    if (cached !== undefined) return cached;
    const path = displayPath(uri);
    let inspection: Inspection;
    try {
      inspection = inspectText(this.unsavedText(uri) ?? (await readText(uri)), path);
    } catch (ex) {
      this.log.warn(`cannot read ${path}: ${String(ex)}`);
      inspection = { file: path, notebook: undefined, roles: undefined, ok: false, problems: [{ severity: 'error', code: 'unreadable', message: `cannot read the file (${String(ex)})`, file: path }] };
    }
    this.inspections.set(key, inspection);
    return inspection;
  }

  private async computeStatus(uri: vscode.Uri): Promise<PipelineStatus> {
    let target: PromotionTarget;
    try {
      target = promotionTarget(uri);
    } catch (ex) {
      const note = ex instanceof Error ? ex.message : String(ex);
      return { state: 'failed', packageName: this.packageNameFor(uri), outDir: '', changes: [], changedSteps: [], parametersChanged: false, staleFiles: [], staleSummary: '', problems: [], note };
    }
    const text = this.unsavedText(uri);
    return pipelineStatus({
      notebookPath: target.notebookPath,
      ...(text === undefined ? {} : { text }),
      outDir: target.outDir,
      ...(target.packageFromSetting ? { packageName: target.packageName } : {}),
      toolVersion: toolVersion(),
      logger: this.log,
      // Where promotion wrote with no setting, or a notebook's own: said when the output root setting moved it.
      earlierRoots: [...(target.folder === undefined ? [] : [target.folder.uri.fsPath]), nodePath.dirname(target.notebookPath)],
    });
  }

  /** Where the notebook is read from now: `disk`, or the version key of its editor's unsaved contents. */
  private sourceOf(uri: vscode.Uri): string {
    const open = this.documents?.find(uri);
    return open !== undefined && open.document.isDirty ? (this.documents?.keyOf(open) ?? 'disk') : 'disk';
  }

  /** The notebook's contents in its editor when they differ from the file (unsaved edits), else undefined. */
  private unsavedText(uri: vscode.Uri): string | undefined {
    const open = this.documents?.find(uri);
    return open !== undefined && open.document.isDirty ? this.documents?.snapshot(open).text : undefined;
  }

  /** For the label while the status is worked out. */
  private packageNameFor(uri: vscode.Uri): string {
    const configured = (vscode.workspace.getConfiguration(undefined, uri).get<string>(ConfigKey.PackageName) ?? '').trim();
    return configured === '' ? packageNameFor(uri.fsPath) : configured;
  }
}

function toolVersion(): string {
  const version: unknown = vscode.extensions.getExtension(extensionId)?.packageJSON?.['version'];
  return typeof version === 'string' ? version : '0.0.0';
}

function problemKey(p: Problem): string {
  return [p.code, p.cellIndex ?? '', p.line ?? '', p.message].join('\0');
}

/** The notebook's row; `status`: its pipeline's last status, whose analysis problems it counts too. */
function notebookItem(node: NotebookNode, status?: PipelineStatus): vscode.TreeItem {
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
  // Errors and warnings counted apart, as the items below it and the Problems panel list them (round 43 V: "2
  // problems" under a warning icon, above two errors and a warning); the pipeline's analysis problems too, as
  // the Problems panel and the status bar count them (round 59 DDD: 2 errors here, 3 there).
  const shown = new Set(inspection.problems.map(problemKey));
  const all = [...inspection.problems, ...(status?.problems ?? []).filter((p) => !shown.has(problemKey(p)))];
  const allErrors = all.filter((p) => p.severity === 'error');
  const warnings = all.filter((p) => p.severity === 'warning');
  const counts = [steps === 1 ? '1 step' : `${steps} steps`];
  if (allErrors.length > 0) counts.push(allErrors.length === 1 ? '1 error' : `${allErrors.length} errors`);
  if (warnings.length > 0) counts.push(warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`);
  item.description = [counts.join(', '), folder].filter((s) => s !== '').join(' · ');
  item.contextValue = errors.length > 0 ? 'notebookWithProblems' : 'notebook';
  item.iconPath =
    allErrors.length > 0
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : warnings.length > 0
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : new vscode.ThemeIcon('notebook');
  item.tooltip = tooltip(node.path, [
    `${inspection.notebook.cells.length} cells, ${counts.join(', ')}`,
    ...(inspection.roles?.conventions.length ? [`tags: ${inspection.roles.conventions.join(', ')}`] : []),
    ...[...allErrors, ...warnings].map((p) => withoutFile(p)),
  ]);
  return item;
}

const PIPELINE_LOOK: Readonly<Record<PipelineStatus['state'], { contextValue: string; icon: vscode.ThemeIcon }>> = {
  upToDate: { contextValue: 'pipeline', icon: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')) },
  stale: { contextValue: 'pipelineStale', icon: new vscode.ThemeIcon('history', new vscode.ThemeColor('problemsWarningIcon.foreground')) },
  notPromoted: { contextValue: 'pipelineNotPromoted', icon: new vscode.ThemeIcon('circle-large-outline') },
  failed: { contextValue: 'pipelineError', icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')) },
};

function pipelineItem(node: NotebookPipelineNode): vscode.TreeItem {
  const { status } = node;
  const item = new vscode.TreeItem(`pipeline ${node.packageName}`, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `${node.notebookUri}#pipeline`;
  if (status === undefined) {
    item.description = 'checking…';
    item.contextValue = 'pipelineLoading';
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.tooltip = `Working out whether ${node.path} was promoted and is up to date…`;
    return item;
  }
  const look = PIPELINE_LOOK[status.state];
  item.description = statusDescription(status);
  item.contextValue = look.contextValue;
  item.iconPath = look.icon;
  const lines = [`output root: ${status.outDir}`];
  if (status.promotedVersion !== undefined) lines.push(`promoted: v${status.promotedVersion}${status.promotedAt === undefined ? '' : ` at ${status.promotedAt}`}`);
  if (status.state === 'stale') {
    if (status.nextVersion !== undefined && status.nextVersion !== status.promotedVersion) lines.push(`promoting now makes it v${status.nextVersion}`);
    lines.push(...status.changes.map((c) => `changed: ${c}`));
    lines.push(...status.staleFiles.map((f) => `${f.action === 'would-create' ? 'missing' : f.action === 'would-change' ? 'differs' : 'edited by hand'}: ${f.path}`));
  }
  if (status.state === 'notPromoted') lines.push('not promoted into this output root yet');
  if (status.note !== undefined) lines.push(status.note);
  item.tooltip = tooltip(`pipeline ${status.packageName} · ${statusDescription(status)}`, lines);
  return item;
}

function stepItem(node: StepNode): vscode.TreeItem {
  const { step } = node;
  const item = new vscode.TreeItem(step.name, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.notebookUri}#step:${step.name}`;
  const cells = step.cellIndices.map((i) => i + 1);
  const where = `${cells.length === 1 ? 'cell' : 'cells'} ${compactRanges(cells)}`;
  if (step.inputs !== undefined && step.outputs !== undefined) {
    item.description = flow(step.inputs, step.outputs);
  } else {
    item.description = [where, step.after.length > 0 ? `after ${step.after.join(', ')}` : ''].filter((s) => s !== '').join(' · ');
  }
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**step ${escapeMarkdown(step.name)}** · ${escapeMarkdown(where)}${node.changed ? ' · changed since the last promotion' : ''}\n\n`);
  if (step.inputs !== undefined) md.appendMarkdown(`- inputs: ${escapeMarkdown(step.inputs.join(', ') || 'none')}\n- outputs: ${escapeMarkdown(step.outputs?.join(', ') || 'none')}\n`);
  if (step.after.length > 0) md.appendMarkdown(`- runs after ${escapeMarkdown(step.after.join(', '))}\n`);
  if (node.edges.length > 0) {
    md.appendMarkdown('\n');
    for (const edge of node.edges) md.appendMarkdown(`- ${escapeMarkdown(edge.explanation)}\n`);
  }
  item.tooltip = md;
  item.iconPath = node.changed ? new vscode.ThemeIcon('symbol-method', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('symbol-method');
  item.contextValue = 'step';
  const first = step.cellIndices[0];
  if (first !== undefined) item.command = { command: CommandId.OpenCell, title: 'Open Cell', arguments: [node.notebookUri, first] };
  return item;
}

/** "X_train, y_train → model"; "→ rows" when it takes nothing, "df →" when nothing later uses what it makes. */
export function flow(inputs: readonly string[], outputs: readonly string[]): string {
  return [inputs.join(', '), '→', outputs.join(', ')].filter((s) => s !== '').join(' ');
}

function problemItem(node: ProblemNode): vscode.TreeItem {
  const { problem } = node;
  const item = new vscode.TreeItem(editorAdvice(problem.message, vscode.workspace.isTrusted), vscode.TreeItemCollapsibleState.None);
  item.description = problemPlace(problem);
  item.tooltip = withoutFile(problem);
  item.iconPath = new vscode.ThemeIcon(problem.severity === 'error' ? 'error' : 'warning');
  item.contextValue = 'problem';
  if (problem.cellIndex !== undefined) item.command = { command: CommandId.OpenCell, title: 'Open Cell', arguments: [node.notebookUri, problem.cellIndex, problem.line] };
  return item;
}

function infoItem(node: InfoNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.iconPath = node.severity === 'error' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')) : new vscode.ThemeIcon('info');
  item.tooltip = node.tooltip ?? node.message;
  item.contextValue = node.severity === 'error' ? 'error' : 'info';
  if (node.suggestStepsFor !== undefined) {
    item.iconPath = new vscode.ThemeIcon('lightbulb');
    item.description = 'Suggest Steps from Markdown Headings';
    item.tooltip = `${node.message}\n\nClick to suggest steps: each markdown heading (#, ## or ###) makes a step of the code cells under it; you choose which ones before any cell is tagged.`;
    item.command = { command: CommandId.SuggestSteps, title: 'Suggest Steps from Markdown Headings', arguments: [vscode.Uri.parse(node.suggestStepsFor)] };
    item.contextValue = 'noSteps';
  }
  return item;
}

function withoutFile(problem: Problem): string {
  const place = problemPlace(problem);
  const message = editorAdvice(problem.message, vscode.workspace.isTrusted);
  return place === '' ? message : `${place}: ${message}`;
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
