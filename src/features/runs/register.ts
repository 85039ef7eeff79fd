import { existsSync, realpathSync } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { registerCommand } from '../../host/commands';
import { onSettingsChanged } from '../../host/config';
import { CommandId, ConfigKey, ViewId } from '../../host/ids';
import { requireTrust, showUntrusted, untrustedReason } from '../../host/trust';
import type { FeatureContext } from '../featureContext';
import type { Logger } from '../../core/util/logger';
import { failedCellOf } from '../promote/run';
import type { ComparePanelHandle } from './comparePanel';
import { ComparePanel } from './comparePanel';
import { goneRecordMessage, nextPollDelay } from './format';
import { fileAtCommitUri, git, gitScheme, GitAtCommitFileSystem, repositoryTop } from './gitAtCommit';
import type { RerunResult } from './rerun';
import { rerunPipeline } from './rerun';
import type { RunPanelHandle } from './runPanel';
import { panelKey, RunPanel } from './runPanel';
import type { RunAction } from './protocol';
import { LocalSource } from './sources';
import { currentTrackingServer, mlflowTokens, setMlflowToken } from './token';
import type { SetTokenResult } from './token';
import type { LoadMoreElement, RunElement, RunsElement } from './tree';
import { RETRY, RunsTree } from './tree';

/** Debounce of the run store watcher: the runtime rewrites run.json after every step. */
const WATCH_DEBOUNCE_MS = 300;

/**
 * The Runs view, the run and compare webviews, opening code at a run's commit, re-running, and the MLflow
 * token (issue 6 item 3). Returns the view's data provider (the extension's API exposes it to tests).
 */
export function registerRunsFeatures(context: FeatureContext): RunsTree {
  const log = context.log.scoped('runs');
  const tokens = mlflowTokens(context.extension.secrets);
  const tree = context.register(new RunsTree(log, tokens));
  const view = context.register(vscode.window.createTreeView<RunsElement>(ViewId.Runs, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }));
  const extensionUri = context.extension.extensionUri;

  // Files at a commit, read-only.
  const gitFs = new GitAtCommitFileSystem();
  context.register(gitFs);
  context.register(vscode.workspace.registerFileSystemProvider(gitScheme, gitFs, { isReadonly: true, isCaseSensitive: true }));

  // Refresh when a run is recorded: the workspace, and stores outside it.
  const watched = new Set<string>();
  let watchTimer: ReturnType<typeof setTimeout> | undefined;
  const onRecord = (uri: vscode.Uri): void => {
    watched.add(uri.fsPath);
    clearTimeout(watchTimer);
    watchTimer = setTimeout(() => {
      const files = [...watched];
      watched.clear();
      void tree.refreshLocal(files);
    }, WATCH_DEBOUNCE_MS);
  };
  context.register({ dispose: () => clearTimeout(watchTimer) });
  context.register(watchRecords((glob) => `**/${glob}`, onRecord));
  // A store deleted with its folder (rm -rf, the Explorer) reports only the folder it was in.
  const deletions = context.register(vscode.workspace.createFileSystemWatcher('**', true, true, false));
  context.register(deletions.onDidDelete((uri) => void (uri.scheme === 'file' ? tree.deleted(uri.fsPath) : undefined)));
  const outsideWatchers = new Map<string, vscode.Disposable>();
  context.register({ dispose: () => outsideWatchers.forEach((w) => w.dispose()) });
  context.register(
    tree.onDidChangeSources(() => {
      const outside = tree.allSources().filter((s): s is LocalSource => s instanceof LocalSource && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(s.root)) === undefined);
      const roots = new Set(outside.map((s) => s.root));
      for (const [root, watcher] of [...outsideWatchers]) {
        if (roots.has(root)) continue;
        watcher.dispose();
        outsideWatchers.delete(root);
      }
      for (const root of roots) {
        if (!outsideWatchers.has(root)) outsideWatchers.set(root, watchRecords((glob) => new vscode.RelativePattern(vscode.Uri.file(root), glob), onRecord));
      }
    }),
  );

  // Promotion and runs from the extension say where they wrote: a new store shows at once.
  context.register(context.outputWritten.event((root) => void tree.outputWritten(root)));

  // Poll MLflow while the view is visible, backing off after failures.
  const poller = context.register(new MlflowPoller(tree, view));
  context.register(
    onSettingsChanged([ConfigKey.MlflowTrackingUri, ConfigKey.OutputRoot, ConfigKey.RunsPollSeconds], () => {
      void tree.refresh().then(() => poller.restart());
    }),
  );

  // Panels.
  const runPanels = new Map<string, RunPanel>();
  let comparePanel: ComparePanel | undefined;
  context.register({ dispose: () => [...runPanels.values()].forEach((p) => p.dispose()) });
  context.register({ dispose: () => comparePanel?.dispose() });

  const act = async (action: RunAction, element: RunElement): Promise<unknown> => {
    switch (action) {
      case 'openCommit':
        return vscode.commands.executeCommand(CommandId.OpenRunCommit, element);
      case 'rerun':
        return vscode.commands.executeCommand(CommandId.RerunRun, element);
      case 'openLocation':
        return openLocation(tree, element);
      case 'goToCell':
        return goToFailedCell(tree, element, context.log.scoped('runs'));
    }
  };

  context.register(
    registerCommand(context.log, CommandId.RefreshRuns, 'Refresh Runs', async (arg, scope) => {
      // The view's title passes the focused item: Refresh always looks for stores again and reads them all;
      // only an error item's Retry reads its own source alone.
      await tree.refresh(scope === RETRY && isElement(arg) ? arg : undefined);
      poller.restart();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.LoadMoreRuns, 'Load More Runs', async (arg) => {
      if (isElement(arg) && arg.kind === 'loadMore') await tree.loadMore(arg as LoadMoreElement);
    }),
  );
  /** `{ kind: 'recordedRun', root, id }`, a run the extension just ran in `root`: that run, its store read first. */
  const recordedRun = async (arg: unknown): Promise<RunElement | undefined> => {
    if (typeof arg !== 'object' || arg === null || (arg as { kind?: unknown }).kind !== 'recordedRun') return undefined;
    const { root, id } = arg as { root?: unknown; id?: unknown };
    if (typeof root !== 'string' || typeof id !== 'string') return undefined;
    await tree.outputWritten(root);
    const real = (path: string): string => {
      try {
        return realpathSync.native(path);
      } catch {
        return nodePath.resolve(path);
      }
    };
    const source = tree.allSources().find((s): s is LocalSource => s instanceof LocalSource && real(s.root) === real(root));
    return source === undefined ? undefined : tree.currentRun(source.key, id);
  };
  context.register(
    registerCommand(context.log, CommandId.OpenRun, 'Open Run', async (arg): Promise<RunPanelHandle | undefined> => {
      const element = runArgument(arg) ?? (await recordedRun(arg)) ?? view.selection.find(isRunElement);
      if (element === undefined) return undefined;
      const key = panelKey(element);
      let panel = runPanels.get(key);
      if (panel === undefined || panel.isDisposed) {
        const created = new RunPanel(extensionUri, element, tree, act, log);
        created.panel.onDidDispose(() => {
          if (runPanels.get(key) === created) runPanels.delete(key);
        });
        runPanels.set(key, created);
        panel = created;
      } else {
        panel.reveal(element);
      }
      return panel.handle();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.CompareRuns, 'Compare Runs', async (clicked, selected): Promise<ComparePanelHandle | undefined> => {
      const chosen = Array.isArray(selected) ? selected : Array.isArray(clicked) ? clicked : view.selection;
      const runs = (chosen as unknown[]).filter(isRunElement);
      if (runs.length < 2) {
        void vscode.window.showInformationMessage('Select two or more runs in the Runs view (Ctrl+click, Cmd+click on macOS, or Shift+click), then Compare Runs.');
        return undefined;
      }
      if (comparePanel === undefined || comparePanel.isDisposed) {
        const created = new ComparePanel(extensionUri, tree, log);
        created.panel.onDidDispose(() => {
          if (comparePanel === created) comparePanel = undefined;
        });
        comparePanel = created;
      }
      await comparePanel.show(runs);
      return comparePanel.handle();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.OpenRunCommit, 'Open Code at Run Commit', async (arg, which): Promise<string | undefined> => {
      const element = runArgument(arg) ?? view.selection.find(isRunElement);
      if (element === undefined) return undefined;
      const refused = untrustedReason("Opening the code at a run's commit", 'runs git');
      if (refused !== undefined) {
        showUntrusted(refused);
        return undefined;
      }
      return openAtCommit(tree, element, which === 'notebook' || which === 'pipeline' ? which : undefined);
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.RerunRun, 'Re-run with These Parameters', async (arg): Promise<RerunResult | undefined> => {
      const element = runArgument(arg) ?? view.selection.find(isRunElement);
      if (element === undefined) return undefined;
      const source = tree.sourceOf(element);
      if (!(source instanceof LocalSource)) throw new NbpromoteError('usage', 'only runs of a local run store can be re-run from here');
      if (element.run.status === 'unknown') throw new NbpromoteError('invalidInput', `the record of ${element.run.id} could not be read, so its parameters are not known`);
      const result = await rerunPipeline(element.run, source.root, log);
      if (result.ran) await tree.refreshLocal([nodePath.join(source.root, '.nbpromote', 'runs')]);
      return result;
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.SetMlflowToken, 'Set MLflow Token', async (arg): Promise<SetTokenResult> => {
      const record = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
      const server = isElement(arg) && arg.kind === 'source' && arg.source === 'mlflow' ? arg.location : currentTrackingServer();
      const given = typeof record['token'] === 'string' ? record['token'] : undefined;
      return setMlflowToken(tokens, server, given, (s, token) => tree.tokenChanged(s, token));
    }),
  );

  return tree;
}

/**
 * Watches run records (`.nbpromote/runs/<id>/run.json` under what `at` makes of a glob): created, rewritten (the
 * runtime renames a new version over the old) and deleted; and new store and run folders (`.nbpromote`,
 * `.nbpromote/runs`, `.nbpromote/runs/<id>`), since what is written right after its folder is made can come
 * before the watcher follows that folder, and its event be lost: a new store is often only its folder's event.
 */
function watchRecords(at: (glob: string) => vscode.GlobPattern, onRecord: (uri: vscode.Uri) => void): vscode.Disposable {
  const records = vscode.workspace.createFileSystemWatcher(at('.nbpromote/runs/**/run.json'));
  const folders = vscode.workspace.createFileSystemWatcher(at('{.nbpromote,.nbpromote/runs,.nbpromote/runs/*}'), false, true, true);
  const subscriptions = [records, records.onDidCreate(onRecord), records.onDidChange(onRecord), records.onDidDelete(onRecord), folders, folders.onDidCreate(onRecord)];
  return new vscode.Disposable(() => subscriptions.forEach((s) => s.dispose()));
}

/** Polls the MLflow servers of the view every `nbpromote.runs.pollSeconds` while the view is visible; after a failure twice as long, at most 10 minutes. */
class MlflowPoller implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs: number;
  private polls = 0;
  private missed = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly tree: RunsTree,
    private readonly view: vscode.TreeView<RunsElement>,
  ) {
    this.delayMs = this.baseMs();
    this.subscription = view.onDidChangeVisibility((e) => {
      if (e.visible && this.missed) void this.tick();
    });
    this.schedule(this.delayMs);
  }

  /** After a refresh or a change of settings: the normal interval again. */
  restart(): void {
    this.delayMs = this.baseMs();
    this.schedule(this.delayMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
  }

  private baseMs(): number {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const seconds = vscode.workspace.getConfiguration(undefined, folder?.uri).get<number>(ConfigKey.RunsPollSeconds) ?? 30;
    return Math.max(5, Number.isFinite(seconds) ? seconds : 30) * 1000;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.tree.hasMlflow) {
      this.schedule(this.baseMs());
      return;
    }
    if (!this.view.visible) {
      this.missed = true;
      return;
    }
    this.missed = false;
    this.polls++;
    const failed = await this.tree.pollMlflow({ full: this.polls % 10 === 0 });
    this.delayMs = nextPollDelay(this.baseMs(), this.delayMs, failed);
    this.schedule(this.delayMs);
  }
}

/** Reveals the notebook cell a local run's error names (the notebook as it is now), or says why not. */
async function goToFailedCell(tree: RunsTree, element: RunElement, logger: Logger): Promise<void> {
  const { run } = element;
  const source = tree.sourceOf(element);
  if (!(source instanceof LocalSource) || run.notebook === undefined) throw new NbpromoteError('notFound', `run ${run.id} does not say which notebook it ran`);
  const uri = vscode.Uri.file(nodePath.resolve(source.root, run.notebook));
  const cell = await failedCellOf(uri, { error: run.error ?? null }, logger);
  if (cell === undefined) throw new NbpromoteError('notFound', `the cell run ${run.id} failed in is not in ${run.notebook} as it is now`);
  await vscode.commands.executeCommand(CommandId.OpenCell, uri.toString(), cell.index, cell.line);
}

async function openAtCommit(tree: RunsTree, element: RunElement, which: 'notebook' | 'pipeline' | undefined): Promise<string | undefined> {
  requireTrust("Opening the code at a run's commit", 'runs git');
  const { run } = element;
  const commit = run.gitCommit;
  if (commit === undefined) throw new NbpromoteError('notFound', `run ${run.id} recorded no git commit (it ran outside a git repository)`);
  const source = tree.sourceOf(element);
  const candidates: { kind: 'notebook' | 'pipeline'; label: string; file: string }[] = [];
  let top: string;
  if (source instanceof LocalSource) {
    top = await repositoryTop(source.root);
    if (run.notebook !== undefined) candidates.push({ kind: 'notebook', label: run.notebook, file: nodePath.resolve(source.root, run.notebook) });
    candidates.push({ kind: 'pipeline', label: 'pipeline.yaml', file: nodePath.join(source.root, 'pipeline.yaml') });
    // Only what the commit has (a package promoted and not committed yet is not there).
    const there = await Promise.all(candidates.map((c) => inCommit(top, commit, c.file)));
    const missing = candidates.filter((_, i) => there[i] !== true);
    candidates.splice(0, candidates.length, ...candidates.filter((_, i) => there[i] === true));
    if (candidates.length === 0 || (which !== undefined && !candidates.some((c) => c.kind === which))) {
      const names = (which === undefined ? missing : missing.filter((c) => c.kind === which)).map((c) => nodePath.relative(top, c.file).split(nodePath.sep).join('/'));
      throw new NbpromoteError('notFound', `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} not in commit ${commit.slice(0, 7)} of ${top}${run.gitDirty === true ? ' (the run started with uncommitted changes)' : ''}`);
    }
  } else {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (folder === undefined) throw new NbpromoteError('notFound', 'open the folder of the repository the run came from first');
    if (run.notebook === undefined) throw new NbpromoteError('notFound', `run ${run.id} does not name its notebook (no nbpromote.notebook or mlflow.source.name tag)`);
    top = await repositoryTop(folder.uri.fsPath);
    const files = (await git(top, ['ls-tree', '-r', '--name-only', commit])).toString('utf8').split('\n');
    const wanted = run.notebook.replace(/\\/g, '/').replace(/^\.\//, '');
    const match = files.find((f) => f === wanted) ?? files.find((f) => f.endsWith(`/${wanted}`)) ?? files.find((f) => nodePath.posix.basename(f) === nodePath.posix.basename(wanted));
    if (match === undefined) throw new NbpromoteError('notFound', `${run.notebook} is not in commit ${commit.slice(0, 7)} of ${top}`);
    const file = nodePath.join(top, ...match.split('/'));
    candidates.push({ kind: 'notebook', label: match, file });
    const pipeline = files.find((f) => f === nodePath.posix.join(nodePath.posix.dirname(match), 'pipeline.yaml'));
    if (pipeline !== undefined) candidates.push({ kind: 'pipeline', label: pipeline, file: nodePath.join(top, ...pipeline.split('/')) });
  }
  // Round 36 I: a run with uncommitted changes ran other code than the commit's; the tab looked like the live file.
  const dirtyWords = run.gitDirty === true ? ': the run had uncommitted changes, so this is not exactly the code that ran' : '';
  let chosen = which === undefined ? undefined : candidates.find((c) => c.kind === which);
  if (which !== undefined && chosen === undefined) throw new NbpromoteError('notFound', `run ${run.id} does not say which ${which === 'notebook' ? 'notebook' : 'pipeline.yaml'} it ran`);
  if (chosen === undefined) {
    if (candidates.length === 1) chosen = candidates[0];
    else {
      const picked = await vscode.window.showQuickPick(
        candidates.map((c) => ({ label: c.label, description: c.kind === 'notebook' ? 'the notebook' : 'the pipeline', candidate: c })),
        { title: `Open at commit ${commit.slice(0, 7)}${dirtyWords}`, placeHolder: 'Which file to open as it was at that commit' },
      );
      chosen = picked?.candidate;
    }
  }
  if (chosen === undefined) return undefined;
  if (!(await inCommit(top, commit, chosen.file))) {
    const relative = nodePath.relative(top, chosen.file).split(nodePath.sep).join('/');
    throw new NbpromoteError('notFound', `${relative} is not in commit ${commit.slice(0, 7)} of ${top}${run.gitDirty === true ? ' (the run started with uncommitted changes)' : ''}`);
  }
  const uri = fileAtCommitUri(chosen.file, commit, top);
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true }, `${nodePath.basename(chosen.file)} @ ${commit.slice(0, 7)}`);
  if (dirtyWords !== '') void vscode.window.showWarningMessage(`${nodePath.basename(chosen.file)} as in commit ${commit.slice(0, 7)}${dirtyWords}.`);
  return uri.toString();
}

/** True when `file` (under the repository `top`) is in `commit`. */
async function inCommit(top: string, commit: string, file: string): Promise<boolean> {
  const relative = nodePath.relative(top, file).split(nodePath.sep).join('/');
  try {
    await git(top, ['cat-file', '-e', `${commit}:${relative}`]);
    return true;
  } catch {
    return false;
  }
}

async function openLocation(tree: RunsTree, element: RunElement): Promise<void> {
  const location = element.run.location;
  if (location === undefined) return;
  if (element.run.source === 'mlflow') {
    await vscode.env.openExternal(vscode.Uri.parse(location));
    return;
  }
  const file = element.run.source === 'mlruns' ? nodePath.join(location, 'meta.yaml') : location;
  if (!existsSync(file)) {
    void tree.deleted(file);
    throw new NbpromoteError('notFound', goneRecordMessage(element.run.id, file));
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
}

function isElement(value: unknown): value is RunsElement {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'source' || kind === 'group' || kind === 'run' || kind === 'message' || kind === 'loadMore';
}

function isRunElement(value: unknown): value is RunElement {
  return isElement(value) && value.kind === 'run';
}

function runArgument(arg: unknown): RunElement | undefined {
  return isRunElement(arg) ? arg : undefined;
}
