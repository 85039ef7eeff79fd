/**
 * The merge base for hand-edited files: a copy of every file nbpromote last generated, kept under
 * `<root>/.nbpromote/base/<path>`. A three-way merge (merge.ts) of the person's file, this copy and the newly
 * generated file keeps both the person's edits and the notebook's changes.
 *
 * - `.nbpromote/` is never committed: `saveBase` writes `.nbpromote/.gitignore` (`*`) when it is missing, as
 *   the generated runtime does for its runs and cache. A fresh clone therefore has a lock but no base; see
 *   `mergeHandEdit` in merge.ts for what `--merge` does then.
 * - A base copy counts only when its hash is the one the lock records for the file (`readBase`'s
 *   `expectedSha256`): after a crash between writing the files, the base and the lock, a stale copy is
 *   ignored rather than used as the wrong base.
 * - Each copy is written atomically (`writeFilesAtomic`) but not fsynced: the hash check above covers a copy
 *   lost to a power cut. `saveBase` mirrors the plans exactly: copies of files
 *   no longer generated are removed.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import { NbpromoteError } from '../errors';
import { tempFilePid, writeFileAtomic, writeFilesAtomic } from '../io/apply';
import type { AtomicWrite } from '../io/apply';
import { isMissing, pathSyntaxProblem, readFileIfExists, readFileIfExistsSync, realRootOf, resolveInsideRoot, rootResolver } from '../io/paths';
import { sha256 } from './hash';
import { processExists } from '../util/process';

/** The folder of nbpromote's local state, at the output root. */
export const STATE_DIR = '.nbpromote';

/**
 * True when `path` is inside a state folder (`build/churn/.nbpromote/base/pipeline.yaml`, the merge base's copy):
 * no output root, whatever file it holds.
 */
export function insideStateDir(path: string): boolean {
  return path.split(/[\\/]/).includes(STATE_DIR);
}

/** Where the base copies are, relative to the output root. */
export const BASE_DIR = `${STATE_DIR}/base`;

/** What `.nbpromote/.gitignore` holds: ignore everything in the folder, the .gitignore included. */
export const STATE_GITIGNORE = '*\n';

/**
 * Makes `<root>/.nbpromote/base/` a copy of what `plans` generate (plans with a mode aside, as in the lock),
 * and removes copies of files no longer generated. Call it after `applyPlan` wrote the plans, before the lock
 * is written. Throws NbpromoteError('invalidInput') when a plan path is not acceptable (nothing is written
 * then), and the file system's errors.
 */
export async function saveBase(root: string, plans: readonly FilePlan[]): Promise<void> {
  const owned = plans.filter((plan) => plan.mode === undefined);
  const bad = owned.flatMap((plan) => {
    const problem = pathSyntaxProblem(plan.path);
    return problem === undefined ? [] : [`${JSON.stringify(plan.path)}: ${problem}`];
  });
  if (bad.length > 0) throw new NbpromoteError('invalidInput', `Cannot keep a merge base for these paths; nothing was written:\n${bad.map((b) => `  ${b}`).join('\n')}`);

  const realRoot = await realRootOf(root);
  await ensureStateDir(realRoot);
  const baseDir = nodePath.join(realRoot, ...BASE_DIR.split('/'));
  await mkdir(baseDir, { recursive: true });
  const realBase = await realRootOf(baseDir);

  const resolve = rootResolver(realBase);
  const changed: AtomicWrite[] = [];
  for (const plan of owned) {
    const resolution = resolve(plan.path);
    if (!resolution.ok) throw new NbpromoteError('invalidInput', `Cannot keep a merge base for ${JSON.stringify(plan.path)} in ${BASE_DIR}: ${resolution.problem}`);
    const target = resolution.resolved.absolute;
    if (resolution.resolved.exists && readFileIfExistsSync(target)?.equals(Buffer.from(plan.contents, 'utf8')) === true) continue;
    changed.push({ target, contents: plan.contents });
  }
  for (const dir of new Set(changed.map((w) => nodePath.dirname(w.target)))) mkdirSync(dir, { recursive: true });
  // Not fsynced: a copy is used only when its hash is the lock's (readBase), so one lost to a power cut is
  // simply not there, as on a fresh clone.
  await writeFilesAtomic(changed, { durable: false });
  await prune(realBase, '', new Set(owned.map((plan) => plan.path)));
}

/**
 * The base copy of `path` (relative to the root, forward slashes), or undefined when there is none, the path
 * is not acceptable, or (with `expectedSha256`, the lock's hash for the file) the copy is not what the lock
 * says was generated.
 */
export async function readBase(root: string, path: string, expectedSha256?: string): Promise<string | undefined> {
  if (pathSyntaxProblem(path) !== undefined) return undefined;
  const realBase = await realRootOf(nodePath.join(await realRootOf(root), ...BASE_DIR.split('/')));
  const resolution = await resolveInsideRoot(realBase, path);
  if (!resolution.ok || !resolution.resolved.exists) return undefined;
  const bytes = await readFileIfExists(resolution.resolved.absolute);
  if (bytes === undefined) return undefined;
  if (expectedSha256 !== undefined && sha256(bytes) !== expectedSha256) return undefined;
  return bytes.toString('utf8');
}

/** Creates `<root>/.nbpromote/` and its `.gitignore` (`*`) when they are missing; an existing .gitignore is kept. */
export async function ensureStateDir(root: string): Promise<void> {
  const dir = nodePath.join(root, STATE_DIR);
  await mkdir(dir, { recursive: true });
  const gitignore = nodePath.join(dir, '.gitignore');
  if ((await readFileIfExists(gitignore)) === undefined) await writeFileAtomic(gitignore, STATE_GITIGNORE);
}

/**
 * Removes, under `dir` (the real base folder) + `rel`, every file that is not in `keep` and every folder left
 * empty. Temporary files of writes still in progress (their process is alive) are left alone.
 */
async function prune(realBase: string, rel: string, keep: ReadonlySet<string>): Promise<boolean> {
  const absolute = rel === '' ? realBase : nodePath.join(realBase, ...rel.split('/'));
  let entries;
  try {
    entries = await readdir(absolute, { withFileTypes: true });
  } catch (ex) {
    if (isMissing(ex)) return true;
    throw ex;
  }
  let empty = true;
  for (const entry of entries) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      if (await prune(realBase, path, keep)) await rmdir(nodePath.join(absolute, entry.name)).catch(() => undefined);
      else empty = false;
      continue;
    }
    const pid = tempFilePid(entry.name);
    if (keep.has(path) || (pid !== undefined && processExists(pid))) {
      empty = false;
      continue;
    }
    await rm(nodePath.join(absolute, entry.name), { force: true });
  }
  return empty;
}

