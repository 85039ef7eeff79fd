/**
 * Which generated files a person changed since nbpromote last wrote them, so re-promotion never overwrites
 * an edit silently. Reads the disk, writes nothing. For each plan (plans with a mode aside: a `create-only`
 * file, or a pyproject.toml the person edited, is theirs, see `findEditedUntilEdited`):
 *
 * - on disk and equal to the new planned contents: nothing to protect (someone already made the change);
 * - on disk, in the lock, and its hash is the lock's (also once git's autocrlf made its line endings CRLF):
 *   generated and untouched, safe to replace;
 * - on disk, in the lock, another hash: `edited`;
 * - on disk, not in the lock (or no lock at all): `untracked` (a person's file where nbpromote wants to write);
 * - missing, in the lock: `deleted`, reported but not a conflict (promotion writes it again);
 * - missing, not in the lock: a new file.
 *
 * `edited` and `untracked` are conflicts; the caller refuses (exit 1), merges (`--merge`, merge.ts) or
 * overwrites keeping a copy (`--force`). See docs/versioning.md.
 */
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { pathSyntaxProblem, readFileIfExistsSync, realRootOf, rootResolver } from '../io/paths';
import { equalsAsGenerated, isAsGenerated, lockedHash, sha256 } from './hash';
import { generatedPathShape } from './generatedPaths';

export type HandEditKind =
  | 'edited' // on disk, differs from the hash the lock recorded (and from the new plan)
  | 'kept' // edited, but the notebook did not change the file since (the plan is what the lock recorded): left as it is
  | 'untracked' // on disk, not in the lock, differs from the plan
  | 'deleted'; // in the lock, missing on disk: not a conflict, just reported

export interface HandEdit {
  /** The plan's path (relative to the root, forward slashes). */
  readonly path: string;
  readonly kind: HandEditKind;
  /** The file on disk (UTF-8), for `edited` and `untracked`. */
  readonly diskText?: string;
}

/** True for the kinds that stop a promotion unless `--merge` or `--force` says what to do. */
export function isConflict(edit: HandEdit): boolean {
  return edit.kind === 'edited' || edit.kind === 'untracked';
}

/**
 * The hand edits among the files `plans` would write under `root`, in plan order. `lock` is the lock before
 * this promotion (undefined when there is none: then every existing file that differs is `untracked`).
 * Paths that are not acceptable (leading outside the root, a folder where a file should be) are skipped:
 * `applyPlan` refuses them with its own message. Throws only on file-system errors other than a missing file.
 */
export async function findHandEdits(root: string, plans: readonly FilePlan[], lock: LockFile | undefined): Promise<HandEdit[]> {
  const resolve = rootResolver(await realRootOf(root));
  const edits: HandEdit[] = [];
  for (const plan of plans) {
    if (plan.mode !== undefined || pathSyntaxProblem(plan.path) !== undefined) continue;
    const resolution = resolve(plan.path);
    if (!resolution.ok) continue;
    const locked = lockedHash(lock, plan.path);
    const disk = resolution.resolved.exists ? readFileIfExistsSync(resolution.resolved.absolute) : undefined;
    if (disk === undefined) {
      if (locked !== undefined) edits.push({ path: plan.path, kind: 'deleted' });
      continue;
    }
    if (equalsAsGenerated(disk, plan.contents)) continue;
    if (locked === undefined) edits.push({ path: plan.path, kind: 'untracked', diskText: disk.toString('utf8') });
    else if (!isAsGenerated(disk, locked)) edits.push({ path: plan.path, kind: sha256(plan.contents) === locked ? 'kept' : 'edited', diskText: disk.toString('utf8') });
  }
  return edits;
}

/**
 * The paths of the `until-edited` plans (pyproject.toml) a person has made theirs, with the file's text: on
 * disk, and neither what the lock says nbpromote last wrote (CRLF line endings aside) nor what it would write
 * now. The others stay nbpromote's: missing, or unchanged since it wrote them. A lock from before pyproject.toml
 * was listed makes an existing one the person's. Paths that are not acceptable are skipped (`applyPlan` refuses
 * them). Reads the disk, writes nothing.
 */
export async function findEditedUntilEdited(root: string, plans: readonly FilePlan[], lock: LockFile | undefined): Promise<Map<string, string>> {
  const resolve = rootResolver(await realRootOf(root));
  const theirs = new Map<string, string>();
  for (const plan of plans) {
    if (plan.mode !== 'until-edited' || pathSyntaxProblem(plan.path) !== undefined) continue;
    const resolution = resolve(plan.path);
    if (!resolution.ok || !resolution.resolved.exists) continue;
    const disk = readFileIfExistsSync(resolution.resolved.absolute);
    if (disk === undefined || equalsAsGenerated(disk, plan.contents) || isAsGenerated(disk, lockedHash(lock, plan.path))) continue;
    theirs.set(plan.path, disk.toString('utf8'));
  }
  return theirs;
}

/**
 * `plans` with each `until-edited` plan settled: `create-only` (kept as it is, not in the lock) for the paths in
 * `theirs` ({@link findEditedUntilEdited}), else a plain plan (written, replaced and recorded like any generated
 * file).
 */
export function settleUntilEdited(plans: readonly FilePlan[], theirs: ReadonlyMap<string, string>): FilePlan[] {
  return plans.map((plan) => {
    if (plan.mode !== 'until-edited') return plan;
    if (theirs.has(plan.path)) return { ...plan, mode: 'create-only' as const };
    return { path: plan.path, contents: plan.contents, why: plan.why };
  });
}

export interface Orphan {
  /** Relative to the root, forward slashes. */
  readonly path: string;
  /** `unchanged`: as nbpromote wrote it, safe to delete; `edited`: a person changed it, keep it. */
  readonly state: 'unchanged' | 'edited';
}

/**
 * Files the lock lists that the new plans no longer write (the module and test of a removed step) and that
 * are still on disk, sorted by path. Deleting the `unchanged` ones and keeping (and naming) the `edited`
 * ones is the caller's choice; see docs/versioning.md. Paths that are not acceptable are skipped.
 */
export async function findOrphans(root: string, plans: readonly FilePlan[], lock: LockFile | undefined): Promise<Orphan[]> {
  if (lock === undefined) return [];
  const resolve = rootResolver(await realRootOf(root));
  const planned = new Set(plans.map((p) => p.path));
  const orphans: Orphan[] = [];
  const paths = Object.keys(lock.files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    // Only a file promotion writes: a lock edited by hand (or shipped in a repository) listing `.git/HEAD` or a
    // data file with its hash deleted it (round 49 FF).
    if (planned.has(path) || pathSyntaxProblem(path) !== undefined || !generatedPathShape(path)) continue;
    const resolution = resolve(path);
    if (!resolution.ok || !resolution.resolved.exists) continue;
    const disk = readFileIfExistsSync(resolution.resolved.absolute);
    if (disk === undefined) continue;
    orphans.push({ path, state: isAsGenerated(disk, lockedHash(lock, path)) ? 'unchanged' : 'edited' });
  }
  return orphans;
}
