/**
 * The one place that writes files. `applyPlan` writes a `FilePlan[]` under an output root:
 *
 * - The whole plan is validated first (every path's spelling, and on disk that it stays inside the root
 *   after following symbolic links); one bad path and nothing is written.
 * - Each file is written atomically: a temporary sibling `.<name>.nbpromote-tmp-<pid>-<random>` is written
 *   and fsynced, renamed over the target, and the folder is fsynced. A reader sees the old file or the new
 *   one, never half of one; a crash leaves at most a temporary file, which `cleanStaleTemps` removes.
 * - Files whose contents are already right are not touched (`unchanged`); `create-only` (and unsettled
 *   `until-edited`) files that exist are left as they are (`kept`).
 * - An existing file keeps its permission bits; an existing symbolic link inside the root keeps pointing
 *   where it did (the file it points to is replaced).
 *
 * Each file is atomic, the plan as a whole is not: when the disk fails half-way, the files before the
 * failure are written and a {@link WriteError} naming the file and what was replaced is thrown. When it
 * fails before any file is replaced (a full disk shows while the temporary files are written), the folders
 * made for the plan are removed again.
 * `planActions` answers "what would applyPlan do" without writing, for `--dry-run` and previews.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, readdir, realpath, rm, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import { NbpromoteError } from '../errors';
import type { Logger } from '../util/logger';
import { fileSystemCode, fileSystemMessage } from './fileSystemError';
import { isInside, isMissing, mkdirFailure, refusedFolder, pathSyntaxProblem, realRootOf, rootResolver } from './paths';
import { processExists } from '../util/process';
import { equalsAsGenerated } from '../versioning/hash';

export type FileAction =
  | 'created' // the file was absent
  | 'changed' // the file was there with other contents and was replaced
  | 'unchanged' // the file was there with exactly these contents: not touched
  | 'kept'; // a create-only (or until-edited) file was there with other contents: left as it is

export interface FileResult {
  /** The plan's path (relative to the root, forward slashes). */
  readonly path: string;
  readonly action: FileAction;
}

export interface ApplyResult {
  /** One entry per plan, in plan order. */
  readonly files: readonly FileResult[];
}

export interface ApplyOptions {
  /** Gets one debug line per file written. */
  readonly logger?: Logger;
}

/** The marker in temporary file names; `cleanStaleTemps` removes files named `.<name>.nbpromote-tmp-<pid>-<hex>`. */
export const TEMP_MARKER = '.nbpromote-tmp-';

/** Temporary files this process is writing now (absolute paths): `cleanStaleTemps` leaves them alone. */
const inFlight = new Set<string>();

/**
 * Writes `plans` under `root` (created when missing) and says what happened to each file.
 * Throws NbpromoteError('invalidInput') before writing anything when a path is not acceptable.
 */
export async function applyPlan(root: string, plans: readonly FilePlan[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const targets = await validatePlan(root, plans);
  const actions = targets.map((target) => decideAction(target.plan, readIfExists(target.absolute, target.exists)));
  const writes: AtomicWrite[] = [];
  const folders = new Set<string>();
  for (const [i, target] of targets.entries()) {
    const action = actions[i];
    if (action !== 'created' && action !== 'changed') continue;
    folders.add(nodePath.dirname(target.absolute));
    writes.push({ target: target.absolute, contents: target.plan.contents });
  }
  // When the disk fails before any file is replaced, the folders made for the plan go again: nothing is left.
  const made: string[] = [];
  try {
    for (const folder of folders) made.push(...ensureDirectory(folder));
    await writeFilesAtomic(writes);
  } catch (ex) {
    if (!(ex instanceof WriteError) || ex.replaced.length === 0) removeEmptyFolders(made);
    throw ex;
  }
  const files = targets.map((target, i) => ({ path: target.plan.path, action: actions[i] ?? 'unchanged' }));
  for (const file of files) if (file.action === 'created' || file.action === 'changed') options.logger?.debug(`[io] ${file.action} ${file.path}`);
  return { files };
}

/**
 * The checks `applyPlan(root, plans)` makes before it writes (every path's spelling, and on disk: links
 * staying inside the root, no file where a folder must be, no folder where a file must be), without writing
 * or reading any file. Throws NbpromoteError('invalidInput') listing every problem.
 */
export async function checkPlan(root: string, plans: readonly FilePlan[]): Promise<void> {
  await validatePlan(root, plans);
}

/**
 * What `applyPlan(root, plans)` would do to each file, without writing anything. Validates the same way:
 * throws NbpromoteError('invalidInput') when a path is not acceptable.
 */
export async function planActions(root: string, plans: readonly FilePlan[]): Promise<ApplyResult> {
  const targets = await validatePlan(root, plans);
  const actions = targets.map((target) => decideAction(target.plan, readIfExists(target.absolute, target.exists)));
  return { files: targets.map((target, i) => ({ path: target.plan.path, action: actions[i] ?? 'unchanged' })) };
}

/** The distinct folders (relative to the root, `.` for the root itself) that hold the files of `plans`. */
export function planDirectories(plans: readonly FilePlan[]): string[] {
  const dirs = new Set<string>();
  for (const plan of plans) {
    const slash = plan.path.lastIndexOf('/');
    dirs.add(slash < 0 ? '.' : plan.path.slice(0, slash));
  }
  return [...dirs].sort();
}

/**
 * Removes the temporary files (`.<name>.nbpromote-tmp-<pid>-<hex>`) that a crashed write left in `dirs`
 * (relative to `root`, `.` for the root itself; missing folders are skipped). A temporary file whose process
 * is still alive is left alone: it may be in the middle of a write. Returns the removed files' paths,
 * relative to the root. Throws NbpromoteError('invalidInput') when a folder is not an acceptable path.
 */
export async function cleanStaleTemps(root: string, dirs: readonly string[]): Promise<string[]> {
  const realRoot = await realRootOf(root);
  const removed: string[] = [];
  for (const dir of dirs) {
    const absolute = await resolveDirectory(realRoot, dir);
    if (absolute === undefined) continue;
    let names: string[];
    try {
      names = await readdir(absolute);
    } catch (ex) {
      if (isMissing(ex)) continue;
      throw ex;
    }
    for (const name of names) {
      const pid = tempFilePid(name);
      const file = nodePath.join(absolute, name);
      if (pid === undefined || isAlive(pid) || inFlight.has(file)) continue;
      await rm(file, { force: true });
      removed.push(dir === '.' ? name : `${dir}/${name}`);
    }
  }
  return removed;
}

/** The writing process's id when `name` is one of our temporary files, else undefined. */
export function tempFilePid(name: string): number | undefined {
  const match = /^\..+\.nbpromote-tmp-(\d+)-[0-9a-f]+$/.exec(name);
  return match?.[1] !== undefined ? Number(match[1]) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Validation

interface Target {
  readonly plan: FilePlan;
  /** Where to write (existing links followed). */
  readonly absolute: string;
  readonly exists: boolean;
}

/**
 * Checks every plan path (spelling, duplicates, a file where another plan needs a folder, and on disk that
 * it stays inside the root) and resolves it. All problems are reported together, in one error.
 */
async function validatePlan(root: string, plans: readonly FilePlan[]): Promise<Target[]> {
  checkPlanPaths(plans);
  // `src` is a file: one line for every file under it, not one for each.
  const byProblem = new Map<string, string[]>();
  const report = (path: string, problem: string): void => {
    byProblem.set(problem, [...(byProblem.get(problem) ?? []), path]);
  };
  const realRoot = await realRootOf(root);
  const resolve = rootResolver(realRoot);
  const resolutions = plans.map((plan) => resolve(plan.path));
  const targets: Target[] = [];
  for (const [i, plan] of plans.entries()) {
    const resolution = resolutions[i];
    if (resolution?.ok === true) targets.push({ plan, ...resolution.resolved });
    else report(plan.path, resolution?.problem ?? 'not resolved');
  }
  if (byProblem.size > 0) {
    const problems = [...byProblem].map(([problem, paths]) => `${JSON.stringify(paths[0])}${paths.length > 1 ? ` and ${paths.length - 1} more file${paths.length > 2 ? 's' : ''}` : ''}: ${problem}`);
    throw invalidPlan(problems, [...byProblem.values()].flat().length);
  }
  return targets;
}

/**
 * The checks of a plan's paths that need no disk (spelling, duplicates, a file where another plan needs a
 * folder): throws NbpromoteError('invalidInput') listing every problem. Promotion calls it before it writes
 * anything of its own (the lock, the journal).
 */
export function checkPlanPaths(plans: readonly FilePlan[]): void {
  const problems: string[] = [];
  const report = (path: string, problem: string): void => {
    problems.push(`${JSON.stringify(path)}: ${problem}`);
  };
  const paths = new Set(plans.map((plan) => plan.path));
  const seen = new Set<string>();
  for (const plan of plans) {
    const syntax = pathSyntaxProblem(plan.path);
    if (syntax !== undefined) report(plan.path, syntax);
    else if (seen.has(plan.path)) report(plan.path, 'the plan writes this file twice');
    else {
      const parent = parentPaths(plan.path).find((p) => paths.has(p));
      if (parent !== undefined) report(plan.path, `the plan also writes \`${parent}\` as a file, so it cannot be a folder`);
    }
    seen.add(plan.path);
  }
  if (problems.length > 0) throw invalidPlan(problems);
}

/** `a/b/c` → [`a`, `a/b`]. */
function parentPaths(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
}

function invalidPlan(problems: readonly string[], count = problems.length): NbpromoteError {
  const head = count === 1 ? 'a file path in the plan is not acceptable' : `${count} file paths in the plan are not acceptable`;
  return new NbpromoteError('invalidInput', `${head}; nothing was written:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** The real path of the folder `dir` under the root, undefined when missing; throws when not acceptable. */
async function resolveDirectory(realRoot: string, dir: string): Promise<string | undefined> {
  if (dir === '.') return realRoot;
  const syntax = pathSyntaxProblem(dir);
  if (syntax !== undefined) throw invalidPlan([`${JSON.stringify(dir)}: ${syntax}`]);
  let real: string;
  try {
    real = await realpath(nodePath.join(realRoot, ...dir.split('/')));
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
  if (!isInside(realRoot, real)) throw invalidPlan([`${JSON.stringify(dir)}: the folder leads outside the output root`]);
  return (await stat(real)).isDirectory() ? real : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

function decideAction(plan: FilePlan, existing: Buffer | undefined): FileAction {
  if (existing === undefined) return 'created';
  // Line endings aside: git's `core.autocrlf` checks generated files out with CRLF. Rewriting them with LF would
  // change every file for nothing, and `check` would call a fresh checkout stale.
  if (equalsAsGenerated(existing, plan.contents)) return 'unchanged';
  return plan.mode === undefined ? 'changed' : 'kept';
}

function readIfExists(absolute: string, exists: boolean): Buffer | undefined {
  if (!exists) return undefined;
  try {
    return readFileSync(absolute);
  } catch (ex) {
    if (isMissing(ex)) return undefined; // removed since validation
    throw ex;
  }
}

/**
 * Writes `contents` to `target` atomically: temporary sibling, fsync, rename over the target, fsync the
 * folder. An existing target's permission bits carry over to the new file.
 */
export async function writeFileAtomic(target: string, contents: string): Promise<void> {
  await writeFilesAtomic([{ target, contents }]);
}

/** One file for {@link writeFilesAtomic}: an absolute path whose folder exists. */
export interface AtomicWrite {
  readonly target: string;
  readonly contents: string;
}

export interface AtomicWriteOptions {
  /**
   * False: skip the fsyncs (each file is still replaced by a rename, so it is whole, but after a power loss
   * it may be empty). For copies whose readers check a hash, such as the merge bases. Default true.
   */
  readonly durable?: boolean;
}

/**
 * Writes many files atomically, each as {@link writeFileAtomic} does, in passes: every temporary file is
 * written; then all are fsynced, many at once on the thread pool; then each is renamed over its target; then
 * each folder is fsynced once. A reader sees every file old or new, never half of one. When a temporary file
 * cannot be written or synced, no target has been touched yet: the temporary files are removed and the error
 * is thrown. When a rename fails, the files renamed before it stay written.
 *
 * Why passes: creating a file while the file system commits an fsync waits for that commit, so interleaving
 * writes and fsyncs serialises on the disk. And why synchronous calls for all but fsync: opening, writing,
 * renaming and closing take microseconds, while a round trip through the thread pool costs 10 to 20 times
 * that on small virtual machines (bench/promote.mjs).
 */
export async function writeFilesAtomic(writes: readonly AtomicWrite[], options: AtomicWriteOptions = {}): Promise<void> {
  const durable = options.durable ?? true;
  const temps: string[] = [];
  // Which target was being written when the file system refused, and which were replaced before.
  let failing = writes[0]?.target ?? '';
  const replaced: string[] = [];
  try {
    for (const write of writes) {
      failing = write.target;
      const temp = nodePath.join(nodePath.dirname(write.target), `.${nodePath.basename(write.target)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
      const mode = existingMode(write.target);
      temps.push(temp);
      inFlight.add(temp);
      const fd = openSync(temp, 'wx');
      try {
        writeFileSync(fd, write.contents, 'utf8');
        if (mode !== undefined) fchmodSync(fd, mode);
      } finally {
        closeSync(fd);
      }
    }
    if (durable) {
      let next = 0;
      const syncer = async (): Promise<void> => {
        for (let i = next++; i < temps.length; i = next++) {
          try {
            await fsyncFile(temps[i] ?? '');
          } catch (ex) {
            failing = writes[i]?.target ?? failing;
            throw ex;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(SYNCS_AT_ONCE, temps.length) }, syncer));
    }
    for (const [i, write] of writes.entries()) {
      failing = write.target;
      renameSync(temps[i] ?? '', write.target);
      replaced.push(write.target);
    }
  } catch (ex) {
    for (const temp of temps) rmSync(temp, { force: true });
    const code = fileSystemCode(ex);
    if (code === undefined) throw ex;
    const outcome = replaced.length === 0 ? 'no file was written' : `${replaced.length} of ${writes.length} files were written before it, each whole`;
    throw new WriteError(fileSystemMessage(ex, 'write', failing, outcome), replaced, ex, failing);
  } finally {
    for (const temp of temps) inFlight.delete(temp);
  }
  if (durable) for (const dir of new Set(writes.map((w) => nodePath.dirname(w.target)))) fsyncDirectory(dir);
}

/** How many fsyncs wait on the disk at once: the file system commits them together. */
const SYNCS_AT_ONCE = 32;

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
}

/**
 * Creates `dir` and its missing parents, and fsyncs the folder above each one created. Returns the folders
 * it created, outermost first.
 */
function ensureDirectory(dir: string): string[] {
  let first: string | undefined;
  try {
    first = mkdirSync(dir, { recursive: true });
  } catch (ex) {
    const cause = mkdirFailure(dir, ex);
    if (fileSystemCode(cause) === undefined) throw cause;
    throw new WriteError(fileSystemMessage(cause, 'create the folder', refusedFolder(dir), 'no file was written'), [], cause, dir);
  }
  if (first === undefined) return [];
  const created: string[] = [];
  for (let d = dir; d.length >= first.length; d = nodePath.dirname(d)) {
    created.push(d);
    if (d === first || nodePath.dirname(d) === d) break;
  }
  created.reverse();
  for (const d of created) fsyncDirectory(nodePath.dirname(d));
  return created;
}

/** Removes the folders `made` (outermost first), innermost first, each only when it is empty. */
function removeEmptyFolders(made: readonly string[]): void {
  for (const dir of [...made].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty, or already gone: left as it is
    }
  }
}

/**
 * The file system refused a write of {@link writeFilesAtomic} or {@link applyPlan}. The message names the
 * file; `replaced` lists the targets (absolute) that were already replaced when it failed: each is whole.
 */
export class WriteError extends NbpromoteError {
  constructor(
    message: string,
    readonly replaced: readonly string[],
    cause: unknown,
    /** The file (or folder) being written when the file system refused. */
    readonly target = '',
  ) {
    super('fileSystem', message, { cause });
    this.name = 'WriteError';
  }
}

/**
 * Makes a rename or a new entry in `dir` durable. Windows cannot open folders, and some file systems refuse
 * to fsync them: there it is skipped.
 */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (ex) {
    const code = ex instanceof Error && 'code' in ex ? ex.code : undefined;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EPERM' && code !== 'EISDIR' && code !== 'EACCES') throw ex;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when another process with this id exists: this process's own writes in progress are in `inFlight`. */
function isAlive(pid: number): boolean {
  return pid !== process.pid && processExists(pid);
}
