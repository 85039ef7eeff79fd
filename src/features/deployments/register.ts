import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { DEPLOYMENTS_FILE_NAME } from '../../core/contract/deployments';
import { originOf } from '../../core/deploy/check';
import { deploymentsTemplate } from '../../core/deploy/config';
import { NbpromoteError } from '../../core/errors';
import { applyPlan } from '../../core/io/apply';
import { insideStateDir } from '../../core/versioning/baseStore';
import { registerCommand } from '../../host/commands';
import { getExcludeGlobs, onSettingsChanged } from '../../host/config';
import { CommandId, ConfigKey, ViewId } from '../../host/ids';
import { isNotebookScript } from '../../host/notebookDocuments';
import { hasPlaceholders } from '../../host/outputRoot';
import { promotionTarget } from '../../host/promotionTarget';
import { isTrusted } from '../../host/trust';
import type { FeatureContext } from '../featureContext';
import { displayFolder } from '../runs/discovery';
import type { RunsTree } from '../runs/tree';
import { secretTokens } from '../../host/secretTokens';
import type { DeploymentsElement, EnvironmentElement } from './tree';
import { DeploymentsTree } from './tree';

/** Debounce of the file watcher: an editor's save can come as several events. */
const WATCH_DEBOUNCE_MS = 300;
/** findFiles cap for deployments.yaml and pipeline.yaml. */
const MAX_FILES = 200;

/**
 * The Deployments view (PRODUCT.md, "The sidebar" → Deployments): the environments each output root's
 * deployments.yaml lists, their health, the version each serves and how far it is behind the newest promoted
 * version. Checked again on a timer while the view is visible, when the file changes (one watcher) and when the
 * extension promotes into its output root.
 * In Restricted Mode no request is made. Returns the view's data provider (the API exposes it to tests).
 */
export function registerDeploymentsFeatures(context: FeatureContext, runs: RunsTree): DeploymentsTree {
  const log = context.log.scoped('deployments');
  // One token per environment origin (`https://staging.example.com`).
  const tokens = secretTokens(context.extension.secrets, 'nbpromote.deployments.token');
  const folders = (): string[] => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const tree = context.register(
    new DeploymentsTree(
      {
        trusted: isTrusted,
        folders,
        candidates: () => candidateRoots(runs),
        token: (origin) => tokens.get(origin),
        label: displayFolder,
      },
      log,
    ),
  );
  const view = context.register(vscode.window.createTreeView<DeploymentsElement>(ViewId.Deployments, { treeDataProvider: tree, showCollapseAll: true }));

  // One watcher, of deployments.yaml. nbpromote.lock (the newest promoted version) is read again with it, when the
  // extension promotes (outputWritten) and at every poll: a watcher of `**/{deployments.yaml,nbpromote.lock}` made
  // code-server's file watcher miss the Runs view's run records (test/suite/data.test.ts, "follows a new run").
  const changedFolders = new Set<string>();
  let watchTimer: ReturnType<typeof setTimeout> | undefined;
  const watcher = context.register(vscode.workspace.createFileSystemWatcher(`**/${DEPLOYMENTS_FILE_NAME}`));
  const onFile = (uri: vscode.Uri): void => {
    if (uri.scheme !== 'file') return;
    changedFolders.add(nodePath.dirname(uri.fsPath));
    clearTimeout(watchTimer);
    watchTimer = setTimeout(() => {
      const changed = [...changedFolders];
      changedFolders.clear();
      for (const folder of changed) void tree.filesChanged(folder);
    }, WATCH_DEBOUNCE_MS);
  };
  context.register({ dispose: () => clearTimeout(watchTimer) });
  context.register(watcher.onDidCreate(onFile));
  context.register(watcher.onDidChange(onFile));
  context.register(watcher.onDidDelete(onFile));
  context.register(context.outputWritten.event((root) => void tree.filesChanged(root)));

  const poller = context.register(new DeploymentsPoller(tree, view));
  context.register(onSettingsChanged([ConfigKey.DeploymentsPollSeconds], () => poller.restart()));
  context.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void tree.refresh()));
  context.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void tree.refresh()));

  context.register(
    registerCommand(context.log, CommandId.RefreshDeployments, 'Refresh Deployments', async () => {
      await tree.refresh();
      poller.restart();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.OpenDeploymentsFile, 'Open deployments.yaml', async (arg): Promise<string | undefined> => {
      if (!isElement(arg) && tree.shownRoots().length === 0) {
        // Nothing to open yet: say so, and offer what makes one (the view's welcome says the same).
        const create = 'Create deployments.yaml';
        const choice = await vscode.window.showInformationMessage('No deployments.yaml yet: it lists the environments the Deployments view checks.', create);
        if (choice === create) await vscode.commands.executeCommand(CommandId.CreateDeploymentsFile);
        return undefined;
      }
      const file = isElement(arg) ? tree.fileOf(arg) : await pickFile(tree.shownRoots());
      if (file === undefined) return undefined;
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(uri, { preview: false });
      return uri.toString();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.CreateDeploymentsFile, 'Create deployments.yaml', async (arg): Promise<string | undefined> => {
      const root = typeof arg === 'string' ? arg : await rootForNewFile();
      if (root === undefined) return undefined;
      const result = await applyPlan(root, [{ path: DEPLOYMENTS_FILE_NAME, contents: deploymentsTemplate(), why: 'the environments the Deployments view checks', mode: 'create-only' }]);
      const file = nodePath.join(root, DEPLOYMENTS_FILE_NAME);
      if (result.files[0]?.action === 'kept') void vscode.window.showInformationMessage(`${file} exists already: it is opened as it is.`);
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
      await tree.filesChanged(root);
      return file;
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.OpenDeploymentInBrowser, 'Open Environment in Browser', async (arg): Promise<string | undefined> => {
      const environment = isEnvironment(arg) ? tree.environment(arg) : undefined;
      if (environment === undefined) return undefined;
      const uri = vscode.Uri.parse(environment.url, true);
      if (uri.scheme !== 'http' && uri.scheme !== 'https') throw new NbpromoteError('invalidInput', `${environment.url} is not an http(s) address`);
      await vscode.env.openExternal(uri);
      return uri.toString();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.CopyDeploymentUrl, 'Copy Environment URL', async (arg): Promise<string | undefined> => {
      const environment = isEnvironment(arg) ? tree.environment(arg) : undefined;
      if (environment === undefined) return undefined;
      await vscode.env.clipboard.writeText(environment.url);
      void vscode.window.setStatusBarMessage(`Copied ${environment.url}`, 3000);
      return environment.url;
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.SetDeploymentToken, 'Set Environment Token', async (arg, given): Promise<'stored' | 'cancelled' | undefined> => {
      const environment = isEnvironment(arg) ? tree.environment(arg) : undefined;
      const origin = environment === undefined ? undefined : originOf(environment.url);
      if (environment === undefined || origin === undefined) return undefined;
      const token =
        typeof given === 'string'
          ? given
          : await vscode.window.showInputBox({
              title: `Token for ${origin}`,
              prompt: `Sent as "Authorization: Bearer <token>" to ${origin} only (${environment.name}'s health and version checks). It is kept in VS Code's secret storage, never in settings or files.`,
              password: true,
              ignoreFocusOut: true,
            });
      if (token === undefined || token.trim() === '') return 'cancelled';
      await tokens.store(origin, token.trim());
      log.info(`a token for ${origin} was stored`);
      await tree.recheck();
      return 'stored';
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.ClearDeploymentToken, 'Clear Environment Token', async (arg): Promise<'cleared' | undefined> => {
      const environment = isEnvironment(arg) ? tree.environment(arg) : undefined;
      const origin = environment === undefined ? undefined : originOf(environment.url);
      if (origin === undefined) return undefined;
      await tokens.delete(origin);
      log.info(`the token for ${origin} was removed`);
      await tree.recheck();
      return 'cleared';
    }),
  );
  return tree;
}

/**
 * Output roots that may hold a deployments.yaml: the Runs view's local stores (its discovery), each workspace
 * folder's output root (`nbpromote.output.root` without placeholders), the folders of pipeline.yaml files, and the
 * folders of the deployments.yaml files in the workspace.
 */
async function candidateRoots(runs: RunsTree): Promise<string[]> {
  const roots = new Set<string>();
  for (const store of await runs.localStores()) roots.add(store.root);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const setting = vscode.workspace.getConfiguration(undefined, folder.uri).get<string>(ConfigKey.OutputRoot)?.trim() ?? '';
    if (!hasPlaceholders(setting)) roots.add(nodePath.resolve(folder.uri.fsPath, setting === '' ? '.' : setting));
  }
  for (const uri of await findFiles(`**/{${DEPLOYMENTS_FILE_NAME},pipeline.yaml}`)) roots.add(nodePath.dirname(uri.fsPath));
  return [...roots];
}

async function findFiles(glob: string): Promise<readonly vscode.Uri[]> {
  if ((vscode.workspace.workspaceFolders ?? []).length === 0) return [];
  const excludes = getExcludeGlobs();
  // The merge base keeps a copy of pipeline.yaml in `.nbpromote/base/`: no output root.
  return (await vscode.workspace.findFiles(glob, excludes.length === 0 ? null : `{${excludes.join(',')}}`, MAX_FILES)).filter((u) => u.scheme === 'file' && !insideStateDir(u.fsPath));
}

/** Where a new deployments.yaml goes: the active promoted notebook's output root, else the one output root there is, else the person picks. */
async function rootForNewFile(): Promise<string | undefined> {
  const notebook = vscode.window.activeNotebookEditor?.notebook.uri;
  const editor = vscode.window.activeTextEditor;
  const active = notebook ?? (editor !== undefined && isNotebookScript(editor.document) ? editor.document.uri : undefined);
  if (active !== undefined && active.scheme === 'file') return promotionTarget(active).outDir;
  const roots = [...new Set((await findFiles('**/pipeline.yaml')).map((u) => nodePath.dirname(u.fsPath)))].sort();
  if (roots.length === 0) throw new NbpromoteError('usage', 'no promoted notebook here: open a notebook and promote it first; deployments.yaml goes in its output root, beside pipeline.yaml');
  if (roots.length === 1) return roots[0];
  const picked = await vscode.window.showQuickPick(
    roots.map((root) => ({ label: displayFolder(root), description: root, root })),
    { title: 'Create deployments.yaml in which output root?' },
  );
  return picked?.root;
}

async function pickFile(roots: readonly string[]): Promise<string | undefined> {
  if (roots.length <= 1) return roots[0] === undefined ? undefined : nodePath.join(roots[0], DEPLOYMENTS_FILE_NAME);
  const picked = await vscode.window.showQuickPick(roots.map((root) => ({ label: displayFolder(root), description: root, root })), { title: 'Open which deployments.yaml?' });
  return picked === undefined ? undefined : nodePath.join(picked.root, DEPLOYMENTS_FILE_NAME);
}

/** Checks the environments again every `nbpromote.deployments.pollSeconds` (0: never) while the view is visible. */
class DeploymentsPoller implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the poll last checked (ms since the epoch). */
  private lastTick = 0;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly tree: DeploymentsTree,
    private readonly view: vscode.TreeView<DeploymentsElement>,
  ) {
    this.subscription = view.onDidChangeVisibility(() => this.restart());
    this.restart();
  }

  /** After a refresh, a change of the setting or of the view's visibility: the next check is one interval after the last. */
  restart(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ms = this.intervalMs();
    if (ms === 0 || !this.view.visible) return;
    const due = Math.max(0, Math.max(this.tree.lastCheck, this.lastTick) + ms - Date.now());
    this.timer = setTimeout(() => void this.tick(), due);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
  }

  private intervalMs(): number {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const seconds = vscode.workspace.getConfiguration(undefined, folder?.uri).get<number>(ConfigKey.DeploymentsPollSeconds) ?? 60;
    if (!Number.isFinite(seconds) || seconds <= 0) return 0;
    return Math.max(5, seconds) * 1000;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.lastTick = Date.now();
    if (!this.view.visible) return;
    // In Restricted Mode a check reads the files again and asks nothing.
    await this.tree.recheck();
    this.restart();
  }
}

function isElement(value: unknown): value is DeploymentsElement {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'root' || kind === 'environment' || kind === 'endpoint' || kind === 'message';
}

function isEnvironment(value: unknown): value is EnvironmentElement {
  return isElement(value) && (value.kind === 'environment' || value.kind === 'endpoint');
}
