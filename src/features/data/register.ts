import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { isReadableIn } from '../../core/data/dataStore';
import { registerCommand } from '../../host/commands';
import { CommandId, ViewId } from '../../host/ids';
import { isTrusted, showUntrusted, untrustedReason } from '../../host/trust';
import type { FeatureContext } from '../featureContext';
import { fileAtCommitUri } from '../runs/gitAtCommit';
import type { RunsElement, RunsTree } from '../runs/tree';
import type { CommitElement, DataElement } from './tree';
import { DataTree } from './tree';

/**
 * The Data view (PRODUCT.md, "The sidebar" → Data): the data files the runs read, their versions and the runs of
 * each version. It reads the Runs view's local stores and follows that view's refreshes, so the one set of run
 * store watchers (runs/register.ts) drives both. Returns the view's data provider (the API exposes it to tests).
 */
export function registerDataFeatures(context: FeatureContext, runs: RunsTree): DataTree {
  const log = context.log.scoped('data');
  const folders = (): string[] => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const tree = context.register(new DataTree(runs, { trusted: isTrusted, folders }, log));
  const view = context.register(vscode.window.createTreeView<DataElement>(ViewId.Data, { treeDataProvider: tree, showCollapseAll: true }));

  // A data file changes without a run (edited, checked out, replaced): its "current" is looked at again when the
  // view is shown, when the window gets the focus back while it shows, and when the editor saves the file. Files
  // are hashed again only when their size, mtime or inode changed.
  const recheck = (roots?: readonly string[]): void => {
    if (view.visible) tree.followStores(roots);
  };
  context.register(view.onDidChangeVisibility(() => recheck()));
  context.register(vscode.window.onDidChangeWindowState((state) => (state.focused ? recheck() : undefined)));
  context.register(
    vscode.workspace.onDidSaveTextDocument((document) => {
      const roots = document.uri.scheme === 'file' ? tree.storesShowing(document.uri.fsPath) : [];
      if (roots.length > 0) recheck(roots);
    }),
  );

  // The Runs view read a store again (a watcher saw a run recorded, a refresh, a promotion): so does this view.
  const follow = (element: RunsElement | undefined): void => {
    if (element === undefined) tree.followStores(undefined);
    else if (element.kind === 'source' && element.source === 'local') tree.followStores([element.location]);
  };
  context.register(runs.onDidChangeTreeData(follow));
  // A store read again while the Runs view is closed: it hands out no element for it, and fires none.
  context.register(runs.onDidReadStore((root) => tree.followStores([root])));
  context.register(runs.onDidChangeSources(() => follow(undefined)));
  // Trust granted: git may run and every file may be read now.
  context.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void tree.refresh()));
  context.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void tree.refresh()));

  context.register(registerCommand(context.log, CommandId.RefreshData, 'Refresh Data', () => tree.refresh()));
  context.register(
    registerCommand(context.log, CommandId.OpenDataFile, 'Open File', async (arg): Promise<string | undefined> => {
      const file = isElement(arg) ? tree.file(arg) : undefined;
      if (file === undefined) return undefined;
      const refused = readRefusal(file.path, folders());
      if (refused !== undefined) {
        showUntrusted(refused);
        return undefined;
      }
      if (!existsSync(file.path)) throw new NbpromoteError('notFound', `${file.path} is missing: the runs read it, but it is not on disk now`);
      const uri = vscode.Uri.file(file.path);
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
      return uri.toString();
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.RevealDataFile, 'Reveal in Explorer View', async (arg) => {
      const file = isElement(arg) ? tree.file(arg) : undefined;
      if (file === undefined) return;
      const uri = vscode.Uri.file(file.path);
      if (vscode.workspace.getWorkspaceFolder(uri) !== undefined) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('revealFileInOS', uri);
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.CopyDataHash, 'Copy Hash', async (arg): Promise<string | undefined> => {
      if (!isElement(arg)) return undefined;
      const file = tree.file(arg);
      const hash =
        arg.kind === 'version' || arg.kind === 'run'
          ? arg.sha256
          : arg.kind === 'commit'
            ? arg.commit.hash
            : file?.disk.kind === 'hashed'
              ? file.disk.sha256
              : file?.versions[0]?.sha256;
      if (hash === undefined) return undefined;
      await vscode.env.clipboard.writeText(hash);
      void vscode.window.setStatusBarMessage(`Copied ${hash.slice(0, 12)}…`, 3000);
      return hash;
    }),
  );
  context.register(
    registerCommand(context.log, CommandId.OpenDataCommit, 'Open File at Commit', async (arg): Promise<string | undefined> => {
      if (!isElement(arg) || arg.kind !== 'commit') return undefined;
      const refused = untrustedReason('Opening a file at a commit', 'runs git');
      if (refused !== undefined) {
        showUntrusted(refused);
        return undefined;
      }
      return openAtCommit(arg);
    }),
  );
  return tree;
}

/** The file as it was at the commit, read-only (the Runs view's `nbpromote-git` file system). */
async function openAtCommit(element: CommitElement): Promise<string> {
  const uri = fileAtCommitUri(element.path, element.commit.hash, element.repository);
  await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
  return uri.toString();
}

/** In Restricted Mode a file outside the workspace folders is not opened (nor read). */
function readRefusal(path: string, folders: readonly string[]): string | undefined {
  if (isTrusted() || isReadableIn(path, folders)) return undefined;
  return `${path} is outside the workspace folder; this workspace is in Restricted Mode, where the Data view reads no file outside it. Trust the workspace to open it (Manage Workspace Trust).`;
}

function isElement(value: unknown): value is DataElement {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'store' || kind === 'file' || kind === 'version' || kind === 'run' || kind === 'history' || kind === 'commit' || kind === 'message';
}
