/**
 * The data files of a local run store (`<root>/.nbpromote/runs`): read the newest runs, collect the files they
 * read (collect.ts), then look at each on disk: its hash now (diskState.ts), DVC's record (dvc.ts), its git
 * history (gitHistory.ts). The Data view runs the two halves apart (the files show before they are hashed);
 * `nbpromote data` runs `readDataStore`.
 *
 * What may be read is the caller's to say: `readableFolders` keeps every read (hash, `.dvc`, `dvc.lock`) inside
 * those folders, real paths compared, so a symbolic link cannot lead out; `git: false` runs no git.
 */
import { realpathSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { DataFile, DataStore, DiskState, GitHistory } from '../contract/data';
import type { Problem } from '../contract/problem';
import type { RunSummary } from '../contract/runs';
import { MAX_RUN_PAGE } from '../contract/runs';
import { formatProblem } from '../contract/problem';
import { gitWorkTreeAbove, isSameOrInside } from '../io/paths';
import { listLocalRuns, readLocalRunPage } from '../runs/localStore';
import type { CollectedFile } from './collect';
import { collectDataFiles, notebookFolderOf } from './collect';
import type { HashCache } from './diskState';
import { readDiskState } from './diskState';
import type { DvcEntry } from './dvc';
import { dvcTop, dvcTrackingOf, readDvcLocks } from './dvc';
import type { GIT_NOT_FOUND } from './gitHistory';
import { GIT_HISTORY_LIMIT, gitHistory, gitTopOf } from './gitHistory';

/** Runs read by default: the newest 1,000. */
export const DATA_RUN_LIMIT = 1000;

export interface DataReadOptions {
  /** The newest runs to read (default DATA_RUN_LIMIT). */
  readonly limit?: number;
  /** Run git for the files' history (default true). */
  readonly git?: boolean;
  /** Why git is not run, for the files' history (default "git is not run here"). */
  readonly noGitReason?: string;
  readonly gitLimit?: number;
  readonly maxHashBytes?: number;
  readonly cache?: HashCache;
  /** Folders files may be read in (real paths compared); undefined: anywhere. */
  readonly readableFolders?: readonly string[];
}

/** The newest runs of the store under `root`; a failure when the store exists and cannot be listed. */
export async function readStoreRuns(root: string, limit = DATA_RUN_LIMIT): Promise<{ runs: RunSummary[]; total: number; problems: Problem[] } | { failure: string }> {
  const index = listLocalRuns(root);
  const unreadable = index.problems.find((p) => p.severity === 'error');
  if (unreadable !== undefined) return { failure: formatProblem(unreadable) };
  const runs: RunSummary[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined && runs.length < limit) {
    const page = await readLocalRunPage(index, { offset, limit: Math.min(limit - runs.length, MAX_RUN_PAGE) });
    runs.push(...page.items);
    offset = page.nextOffset;
  }
  // A record that cannot be read (broken JSON, a data file entry without its hash) says so, as `nbpromote runs`
  // does: a version only it read would otherwise vanish without a word. A record that could not be read at all
  // (no data files known, and an error) does not count as a run read.
  const problems = [...index.problems, ...runs.flatMap((run) => run.problems ?? [])];
  const readable = runs.filter((run) => run.dataFiles !== undefined || !(run.problems ?? []).some((p) => p.severity === 'error'));
  return { runs: readable, total: index.ids.length, problems };
}

/** What looking at the files of one project needs once: the dvc.lock entries and the git repository. */
export interface InspectContext {
  readonly root: string;
  readonly locks: readonly DvcEntry[];
  readonly gitTop: string | undefined | typeof GIT_NOT_FOUND;
  readonly options: DataReadOptions;
  readonly problems: Problem[];
}

export async function inspectContext(root: string, options: DataReadOptions = {}): Promise<InspectContext> {
  const problems: Problem[] = [];
  const readable = realFolders(options.readableFolders);
  // dvc.lock files are looked for from the project up to the repository's top, never above a readable folder.
  const limit = readable?.find((f) => isSameOrInside(f, realPath(root) ?? root));
  const top = dvcTop(root, limit);
  const locks = readable !== undefined && limit === undefined ? { entries: [], problems: [] } : readDvcLocks(root, top);
  problems.push(...locks.problems);
  const gitTop = options.git === false ? undefined : await gitTopOf(root);
  return { root, locks: locks.entries, gitTop, options, problems };
}

/** One file as it is on disk now, with DVC's record and its git history. Never rejects. */
export async function inspectDataFile(file: CollectedFile, context: InspectContext): Promise<DataFile> {
  const { options } = context;
  const refused = readRefusal(file.path, options.readableFolders);
  const disk: DiskState = refused !== undefined ? { kind: 'notRead', reason: refused } : await readDiskState(file.path, { ...(options.maxHashBytes !== undefined ? { maxBytes: options.maxHashBytes } : {}), ...(options.cache !== undefined ? { cache: options.cache } : {}) });
  const currentVersion = disk.kind === 'hashed' ? file.versions.find((v) => v.sha256 === disk.sha256)?.sha256 : undefined;
  const dvc = refused !== undefined ? [] : dvcTrackingOf(file.path, context.locks, disk, context.problems);
  const git: GitHistory =
    options.git === false ? { kind: 'unavailable', reason: options.noGitReason ?? 'git is not run here' } : await gitHistory(file.path, context.gitTop, options.gitLimit ?? GIT_HISTORY_LIMIT);
  // Built from the collected fields alone: a file checked before carries the `currentVersion` of its last check.
  return { path: file.path, shown: file.shown, outsideProject: file.outsideProject, versions: file.versions, disk, ...(currentVersion !== undefined ? { currentVersion } : {}), dvc, git };
}

/** Every data file the newest runs of the store under `root` read, looked at on disk. */
export async function readDataStore(root: string, options: DataReadOptions = {}): Promise<DataStore | { failure: string }> {
  const read = await readStoreRuns(root, options.limit ?? DATA_RUN_LIMIT);
  if ('failure' in read) return read;
  const collected = await collectStoreFiles(read.runs, root);
  const context = await inspectContext(root, options);
  const files: DataFile[] = [];
  for (const file of collected.files) files.push(await inspectDataFile(file, context));
  return { root, files, runsRead: read.runs.length, runsTotal: read.total, problems: [...read.problems, ...collected.problems, ...context.problems] };
}

/**
 * `collectDataFiles` of the runs of the store under `root`, its project the git work tree holding the notebook when
 * there is one (looked for on disk, never by running git): for `nbpromote data` and the Data view alike.
 */
export async function collectStoreFiles(runs: readonly RunSummary[], root: string): Promise<ReturnType<typeof collectDataFiles>> {
  const repository = await gitWorkTreeAbove(notebookFolderOf(runs, root)).catch(() => undefined);
  return collectDataFiles(runs, root, repository);
}

/** Why `path` may not be read, or undefined when it may (`isReadableIn`). */
function readRefusal(path: string, readable: readonly string[] | undefined): string | undefined {
  return readable === undefined || isReadableIn(path, readable) ? undefined : 'outside the workspace folder: not read in Restricted Mode';
}

/**
 * True when `path` lies in one of `folders`, real paths compared: its real path (or, when it does not exist, its
 * path), so a symbolic link inside a folder cannot lead out of it. The view's Open File asks the same.
 */
export function isReadableIn(path: string, folders: readonly string[]): boolean {
  const real = realPath(path) ?? path;
  return (realFolders(folders) ?? []).some((folder) => isSameOrInside(folder, real));
}

function realFolders(folders: readonly string[] | undefined): string[] | undefined {
  return folders?.map((f) => realPath(f) ?? nodePath.resolve(f));
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
