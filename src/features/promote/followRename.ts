/**
 * A promoted notebook renamed or moved in the editor (Explorer, `workspace.applyEdit`) while
 * `nbpromote.output.root` gives each notebook its own folder (`build/${notebookName}`): the setting now names
 * another folder for it, and its package would stay behind in the old one, found by nothing. This offers to
 * move the package folder (its run store and cache with it) to where the setting now puts it, as
 * `nbpromote.output.followRenames` says: `prompt` (default), `always` or `never`. The package keeps its name
 * (the lock keeps it); the next promotion records the notebook's new path.
 *
 * The move is one rename(2) of the folder, after checking that nothing is using it: no promotion holding its
 * lock or left unfinished, and no pipeline run of it still alive. A folder already at the new place is never
 * replaced.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rmdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import { lockOwner, realOrSelf } from '../../core/promote/lockOwner';
import { recordNotebookMoved } from '../../core/promote/notebookMoved';
import { PENDING_FILE } from '../../core/promote/promote';
import { listLocalRuns } from '../../core/runs/localStore';
import { runProcessAlive } from '../../core/util/process';
import { ConfigKey } from '../../host/ids';
import { hasPlaceholders } from '../../host/outputRoot';
import { promotionTarget } from '../../host/promotionTarget';
import type { FeatureContext } from '../featureContext';
import { displayDir } from './shared';
import { pathExists } from '../../core/io/paths';
import { promotionLockPath } from '../../core/io/promotionLock';

export type FollowRenames = 'prompt' | 'always' | 'never';

/** A package folder to move for a renamed notebook: from its old output root to its new one. */
export interface PackageMove {
  readonly notebook: vscode.Uri;
  readonly from: string;
  readonly to: string;
}

/** What following one rename did: moved, asked and was told no, or why it could not. */
export type FollowOutcome = { readonly moved: PackageMove } | { readonly declined: PackageMove } | { readonly refused: PackageMove; readonly reason: string };

/** How many of the newest runs are checked for one still running (a run's record says so while it runs). */
const RUNS_CHECKED = 20;

export function registerRenameFollowing(context: FeatureContext): void {
  const log = context.log.scoped('rename');
  context.register(
    vscode.workspace.onDidRenameFiles(async (event) => {
      for (const { oldUri, newUri } of await notebookRenames(event.files)) {
        try {
          const outcome = await followRename(oldUri, newUri);
          if (outcome === undefined) continue;
          if ('moved' in outcome) {
            log.info(`moved the package of ${nodePath.basename(newUri.fsPath)} from ${outcome.moved.from} to ${outcome.moved.to}`);
            context.packageWritten.fire();
            context.outputWritten.fire(outcome.moved.to);
          } else if ('refused' in outcome) log.warn(`the package of ${nodePath.basename(newUri.fsPath)} stays in ${outcome.refused.from}: ${outcome.reason}`);
        } catch (ex) {
          log.error(`following the rename of ${oldUri.fsPath}: ${ex instanceof Error ? ex.message : String(ex)}`);
        }
      }
    }),
  );
}

/** Folders searched below a renamed folder for the notebooks it took along: not tools' or packages' folders. */
const NOT_SEARCHED = new Set(['.git', '.nbpromote', 'node_modules', '__pycache__', '.ipynb_checkpoints', '.venv', 'venv', '.tox', 'site-packages']);
/** The most notebooks a renamed folder is searched for, and how deep. */
const MAX_RENAMED_NOTEBOOKS = 200;
const MAX_RENAMED_DEPTH = 6;

/**
 * The notebook renames of a rename event: a renamed file as it is, and a renamed folder as each notebook
 * (.ipynb, or a .py that may be a percent script) it holds, old path and new (`notebooks/` to `analysis/` moves
 * the packages that `${notebookDir}` placed by it).
 */
async function notebookRenames(files: readonly { readonly oldUri: vscode.Uri; readonly newUri: vscode.Uri }[]): Promise<{ oldUri: vscode.Uri; newUri: vscode.Uri }[]> {
  const renames: { oldUri: vscode.Uri; newUri: vscode.Uri }[] = [];
  for (const { oldUri, newUri } of files) {
    const isFolder = newUri.scheme === 'file' && oldUri.scheme === 'file' && (await stat(newUri.fsPath).then((s) => s.isDirectory(), () => false));
    if (!isFolder) {
      renames.push({ oldUri, newUri });
      continue;
    }
    const found: string[] = [];
    const walk = async (folder: string, depth: number): Promise<void> => {
      if (depth > MAX_RENAMED_DEPTH || found.length >= MAX_RENAMED_NOTEBOOKS) return;
      const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (found.length >= MAX_RENAMED_NOTEBOOKS) return;
        const path = nodePath.join(folder, entry.name);
        if (entry.isDirectory() && !NOT_SEARCHED.has(entry.name)) await walk(path, depth + 1);
        else if (entry.isFile() && /\.(?:ipynb|py)$/.test(entry.name)) found.push(path);
      }
    };
    await walk(newUri.fsPath, 0);
    for (const path of found) renames.push({ oldUri: vscode.Uri.file(nodePath.join(oldUri.fsPath, nodePath.relative(newUri.fsPath, path))), newUri: vscode.Uri.file(path) });
  }
  return renames;
}

/** Follows one rename as the setting says; undefined when the rename concerns no package. */
async function followRename(oldUri: vscode.Uri, newUri: vscode.Uri): Promise<FollowOutcome | undefined> {
  const mode = vscode.workspace.getConfiguration(undefined, newUri).get<FollowRenames>(ConfigKey.OutputFollowRenames) ?? 'prompt';
  if (mode === 'never') return undefined;
  const move = await packageMoveFor(oldUri, newUri);
  if (move === undefined) return undefined;
  const name = nodePath.basename(newUri.fsPath);
  // A folder renamed or the notebook dragged elsewhere keeps its name: say where it went, not that it was renamed.
  const oldName = nodePath.basename(oldUri.fsPath);
  const happened = oldName !== name ? `${oldName} was renamed to ${name}` : `${name} moved to ${vscode.workspace.asRelativePath(vscode.Uri.file(nodePath.dirname(newUri.fsPath)), true)}`;
  const target = promotionTarget(newUri);
  const from = displayDir({ ...target, outDir: move.from });
  const to = displayDir(target);
  const blocked = await whyNotMove(move);
  if (blocked !== undefined) {
    // A run or promotion going on ends: the move can be tried again then (else the next promotion would start
    // a second package in the new folder, and this one's runs and cache would stay behind).
    const busy = /running|promotion/.test(blocked);
    const again = await vscode.window.showWarningMessage(`${happened}, and nbpromote.output.root now puts its package in ${to}; the package stays in ${from}: ${blocked}.${busy ? ' Move it when that ends.' : ''}`, ...(busy ? ['Move Package Now'] : []));
    if (again === 'Move Package Now') return moveNow(move, name, from, to);
    return { refused: move, reason: blocked };
  }
  if (mode === 'prompt') {
    const choice = await vscode.window.showInformationMessage(`${happened}, and nbpromote.output.root now puts its package in ${to}. Move the package from ${from} there (with its runs and cache)?`, 'Move Package', 'Leave It', 'Always Move');
    if (choice === 'Always Move') await vscode.workspace.getConfiguration(undefined, newUri).update(ConfigKey.OutputFollowRenames, 'always', vscode.ConfigurationTarget.Workspace);
    else if (choice !== 'Move Package') return { declined: move };
  }
  return moveNow(move, name, from, to);
}

/**
 * The folders the move left empty (`build/notebooks/team/deep` once its package moved), from `folder` up to the
 * workspace folder (never it, never a folder outside it); `rmdir` removes only empty ones, so nothing else goes.
 */
async function removeEmptyParents(folder: string, workspace: string | undefined): Promise<void> {
  if (workspace === undefined) return;
  for (let dir = folder; dir !== workspace && dir.startsWith(workspace + nodePath.sep); dir = nodePath.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty, or not ours to remove
    }
  }
}

/** Moves the package folder after checking again that nothing uses it (the question may have waited long). */
async function moveNow(move: PackageMove, name: string, from: string, to: string): Promise<FollowOutcome> {
  const late = await whyNotMove(move);
  if (late !== undefined) {
    // Still busy (the run goes on): offered again, as long as the person asks; nothing else would move it.
    const busy = /running|promotion/.test(late);
    const again = await vscode.window.showWarningMessage(`The package of ${name} stays in ${from}: ${late}.${busy ? ' Move it when that ends.' : ''}`, ...(busy ? ['Move Package Now'] : []));
    if (again === 'Move Package Now') return moveNow(move, name, from, to);
    return { refused: move, reason: late };
  }
  await mkdir(nodePath.dirname(move.to), { recursive: true });
  try {
    await rename(move.from, move.to);
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    const reason = code === 'EXDEV' ? `${to} is on another disk, where a folder cannot be moved in one step; move it by hand` : `it could not be moved (${code ?? (ex instanceof Error ? ex.message : String(ex))})`;
    void vscode.window.showWarningMessage(`The package of ${name} stays in ${from}: ${reason}.`);
    return { refused: move, reason };
  }
  // The lock names the notebook's new path: the next promotion knows the package as this notebook's, and keeps
  // its name (it would refuse a package promoted from a notebook that is gone).
  await recordNotebookMoved(move.to, move.notebook.fsPath);
  await removeEmptyParents(nodePath.dirname(move.from), vscode.workspace.getWorkspaceFolder(move.notebook)?.uri.fsPath);
  void vscode.window.showInformationMessage(`Moved the package of ${name} to ${to}. Promote the notebook again to record its new name in pipeline.yaml.`);
  return { moved: move };
}

/**
 * The move a rename calls for: the setting has placeholders (else the output root does not depend on the
 * notebook's name or folder), the two roots differ, and the old one holds the package promoted from the
 * notebook's old path. Undefined otherwise, or when either root cannot be resolved.
 */
export async function packageMoveFor(oldUri: vscode.Uri, newUri: vscode.Uri): Promise<PackageMove | undefined> {
  if (oldUri.scheme !== 'file' || newUri.scheme !== 'file') return undefined;
  const setting = vscode.workspace.getConfiguration(undefined, newUri).get<string>(ConfigKey.OutputRoot) ?? '';
  if (!hasPlaceholders(setting)) return undefined;
  let from: string;
  let to: string;
  try {
    from = promotionTarget(oldUri).outDir;
    to = promotionTarget(newUri).outDir;
  } catch {
    return undefined;
  }
  if (from === to || isInside(to, from) || isInside(from, to)) return undefined;
  const owner = await lockOwner(from, oldUri.fsPath);
  // `gone`: the lock's notebook is no longer at its path, as the notebook it names was just renamed. A lock
  // naming the old path by another way (a symlink) is `same` only while that path exists: also this one.
  if (owner.kind !== 'gone' && owner.kind !== 'same') return undefined;
  const old = nodePath.resolve(oldUri.fsPath);
  if (owner.kind === 'gone' && owner.lockNotebook !== old && owner.lockNotebook !== nodePath.join(await realOrSelf(nodePath.dirname(old)), nodePath.basename(old))) return undefined;
  return { notebook: newUri, from, to };
}

/** Why the package folder cannot be moved now, or undefined. */
async function whyNotMove(move: PackageMove): Promise<string | undefined> {
  if (await pathExists(move.to)) return `${move.to} exists already, and it is never replaced`;
  if (!(await pathExists(nodePath.join(move.from, LOCK_FILE_NAME)))) return `${move.from} no longer holds its package`;
  if (await pathExists(promotionLockPath(move.from))) return 'a promotion into it is running';
  if (await pathExists(nodePath.join(move.from, ...PENDING_FILE.split('/')))) return 'its last promotion did not finish: promote the notebook again first';
  const running = runningRun(move.from);
  if (running !== undefined) return `its pipeline is running (run ${running})`;
  return undefined;
}

/** The id of a run of the store in `root` whose process is still alive on this host, if any. */
function runningRun(root: string): string | undefined {
  const index = listLocalRuns(root);
  const host = hostname();
  for (const id of index.ids.slice(0, RUNS_CHECKED)) {
    try {
      const record = JSON.parse(readFileSync(nodePath.join(index.dir, id, 'run.json'), 'utf8')) as { status?: unknown; pid?: unknown; host?: unknown; start?: unknown };
      if (record.status === 'running' && typeof record.pid === 'number' && (record.host === undefined || record.host === host) && runProcessAlive(record.pid, record.start)) return id;
    } catch {
      // A record being written, or not a run: nothing runs from it that a move would break.
    }
  }
  return undefined;
}

function isInside(path: string, folder: string): boolean {
  const relative = nodePath.relative(folder, path);
  return relative !== '' && !relative.startsWith('..') && !nodePath.isAbsolute(relative);
}
