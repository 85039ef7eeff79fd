/**
 * Three-way merges of hand-edited generated files (`nbpromote promote --merge`), done by `git merge-file`:
 * the person's file ("ours"), what nbpromote last generated ("base", from the base store) and what it
 * generates now ("theirs"). Changes on one side only are taken as they are; where both sides changed the
 * same lines the result holds conflict markers, in diff3 style so the person also sees what was generated
 * before:
 *
 * ```
 * <<<<<<< yours
 * n_estimators = 500
 * ||||||| generated 0.1.0
 * n_estimators = 100
 * =======
 * n_estimators = 200
 * >>>>>>> generated 0.2.0
 * ```
 *
 * git runs with an argument array (no shell), `--` before the paths, on files in a private temporary folder.
 * It needs no repository. Its exit code is the number of conflicts (git caps it at 127); anything else is an
 * error.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import type { LockFile } from '../contract/lockFile';
import { NbpromoteError } from '../errors';
import { readBase } from './baseStore';
import { committedVersion } from './git';
import type { HandEdit } from './handEdits';
import { lockedHash } from './hash';

export interface MergeLabels {
  /** Names the person's side in the markers: `yours`. */
  readonly ours: string;
  /** Names the base in diff3 markers: `generated 0.1.0`. */
  readonly base: string;
  /** Names the new generation: `generated 0.2.0`. */
  readonly theirs: string;
}

export interface MergeResult {
  /** The merged text; with conflicts, it holds conflict markers. */
  readonly text: string;
  /** How many conflicting regions the text holds; 0 when the merge is clean. */
  readonly conflicts: number;
}

export interface MergeOptions {
  /**
   * `diff3` (the default): conflicts also show the base. `merge`: only the two sides, for a merge without a
   * real base (there the base section would be empty and git refines conflicts to the lines that differ).
   */
  readonly style?: 'diff3' | 'merge';
  /** The git executable; default `git` on PATH. */
  readonly git?: string;
}

/**
 * Merges `ours` (the person's file) and `theirs` (the new generation) given `base` (the last generation).
 * Throws NbpromoteError('notFound') when git cannot be run, NbpromoteError('internal') when git fails
 * (a binary file, a signal); conflicts are not errors.
 */
export async function mergeThreeWay(ours: string, base: string, theirs: string, labels: MergeLabels, options: MergeOptions = {}): Promise<MergeResult> {
  // A person's file with CRLF line ends (a Windows checkout, git's core.autocrlf) against generated LF text:
  // merged as LF, line for line, and given back with the person's CRLF.
  if (usesCrlf(ours)) {
    const merged = await mergeThreeWay(ours.replace(/\r\n/g, '\n'), base.replace(/\r\n/g, '\n'), theirs.replace(/\r\n/g, '\n'), labels, options);
    return { ...merged, text: merged.text.replace(/\r?\n/g, '\r\n') };
  }
  const dir = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-merge-'));
  try {
    const files = { ours: nodePath.join(dir, 'ours'), base: nodePath.join(dir, 'base'), theirs: nodePath.join(dir, 'theirs') };
    await writeFile(files.ours, ours, 'utf8');
    await writeFile(files.base, base, 'utf8');
    await writeFile(files.theirs, theirs, 'utf8');
    const style = options.style === 'merge' ? [] : ['--diff3'];
    const args = ['merge-file', '-p', ...style, '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, '--', files.ours, files.base, files.theirs];
    const run = await runGit(options.git ?? 'git', args, dir);
    if (run.code >= 0 && run.code < 127) return { text: run.stdout, conflicts: run.code };
    if (run.code === 127) return { text: run.stdout, conflicts: Math.max(127, countConflicts(run.stdout, labels.ours)) };
    throw new NbpromoteError('internal', `git merge-file failed (exit code ${run.code})${run.stderr.trim() === '' ? '' : `: ${run.stderr.trim()}`}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** True when every line of `text` ends with CRLF (a lone LF anywhere: mixed, taken as it is). */
function usesCrlf(text: string): boolean {
  return text.includes('\r\n') && !/(?:^|[^\r])\n/.test(text);
}

export interface HandEditMerge extends MergeResult {
  readonly path: string;
  /**
   * False when no base was found (no lock entry, a fresh clone without `.nbpromote/base/`, or a copy whose
   * hash is not the lock's). The merge was then two-way: every difference between the person's file and the
   * new generation is a conflict, and nothing of either side is lost.
   */
  readonly baseFound: boolean;
  /**
   * The commit the base was read from, when `.nbpromote/base/` had no copy the lock vouches for and the file's
   * git history has the text whose hash the lock records (a fresh clone of a repository holding the promoted
   * package); undefined when the base copy was used or no base was found.
   */
  readonly baseCommit?: string;
  /**
   * The version an earlier promotion generated the base as, when the text the lock records was never committed
   * (a file a `--merge` or a hand edit left: see `committedVersion`); undefined otherwise.
   */
  readonly baseVersion?: string;
}

/**
 * The `--merge` of one hand edit: the person's file (`edit.diskText`), the base copy of what nbpromote last
 * generated (when the lock vouches for it; else that text from the file's git history), and the new contents in
 * `plan`. Without a base, a two-way merge (empty base, conflicts without a base section). `edit` must be `edited` or `untracked`.
 */
export async function mergeHandEdit(root: string, edit: HandEdit, plan: FilePlan, lock: LockFile | undefined, newVersion: string, options: Pick<MergeOptions, 'git'> = {}): Promise<HandEditMerge> {
  if (edit.diskText === undefined) throw new NbpromoteError('internal', `mergeHandEdit: ${edit.path} is ${edit.kind}, there is nothing on disk to merge`);
  const locked = lockedHash(lock, edit.path);
  const copy = locked === undefined ? undefined : await readBase(root, edit.path, locked);
  // No copy (a fresh clone: `.nbpromote/` is git-ignored): the text the lock vouches for, from the file's history.
  const committed = locked === undefined || copy !== undefined ? undefined : await committedVersion(root, edit.path, locked, LOCK_FILE_NAME);
  const base = copy ?? committed?.text;
  const git = options.git === undefined ? {} : { git: options.git };
  if (base !== undefined && lock !== undefined) {
    const merged = await mergeThreeWay(edit.diskText, base, plan.contents, { ours: 'yours', base: `generated ${committed?.olderVersion ?? lock.version}`, theirs: `generated ${newVersion}` }, git);
    return { ...merged, path: edit.path, baseFound: true, ...(committed === undefined ? {} : { baseCommit: committed.commit }), ...(committed?.olderVersion === undefined ? {} : { baseVersion: committed.olderVersion }) };
  }
  const merged = await mergeThreeWay(edit.diskText, '', plan.contents, { ours: 'yours', base: 'no base', theirs: `generated ${newVersion}` }, { ...git, style: 'merge' });
  return { ...merged, path: edit.path, baseFound: false };
}

/** Lines that open a conflict with our label (used only when git capped the count at 127). */
function countConflicts(text: string, oursLabel: string): number {
  const opener = `<<<<<<< ${oursLabel}`;
  return text.split('\n').filter((line) => line === opener).length;
}

interface GitRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runGit(git: string, args: readonly string[], cwd: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    execFile(git, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const code: unknown = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      if (code === 'ENOENT') {
        reject(new NbpromoteError('notFound', `git was not found (${git}); merging hand-edited files needs git on PATH`, { cause: error }));
        return;
      }
      if (typeof code === 'number') {
        resolve({ code, stdout, stderr });
        return;
      }
      const signal = (error as { signal?: unknown }).signal;
      reject(new NbpromoteError('internal', `git merge-file failed${typeof signal === 'string' ? ` (killed by ${signal})` : ''}: ${error.message}`, { cause: error }));
    });
  });
}
