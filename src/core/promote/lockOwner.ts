/**
 * Whose package an output root holds: the notebook nbpromote.lock names, against a given notebook. One rule
 * for promotion (which refuses to replace another notebook's package) and for the editor's commands that run
 * or open what was promoted (which must not run another notebook's pipeline as this one's).
 */
import { realpathSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LockFile } from '../contract/lockFile';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import { realRootOf } from '../io/paths';
import { readLockFile } from '../versioning/lockFile';

/**
 * The lock's notebook against the one being promoted: `same` (the same path, or the same file through a
 * symlink), `other` (another notebook, still on disk) or `gone` (its path holds nothing now: renamed or moved,
 * which counts as this notebook moved there).
 */
export type LockNotebookState = 'same' | 'other' | 'gone';

/** The path with its symlinks resolved; the path itself when it does not exist (or cannot be resolved). */
export async function realOrSelf(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/** {@link realOrSelf} at once: one system call, no thread-pool round trip (for many paths in a row). */
export function realOrSelfSync(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/**
 * {@link LockNotebookState} of the lock's notebook path (`lockPath`, relative to `outDir` with forward slashes, as
 * the lock records it) against the notebook at `notebookPath`. `outDir` should be the output root with its
 * symlinks resolved (realRootOf), as promotion records the path from there.
 */
export async function lockNotebookState(outDir: string, lockPath: string, notebookPath: string): Promise<LockNotebookState> {
  const lockNotebook = resolve(outDir, ...lockPath.split('/'));
  if (lockNotebook === notebookPath) return 'same';
  const real = await realpath(lockNotebook).catch(() => undefined);
  if (real === undefined) return 'gone';
  return real === (await realOrSelf(notebookPath)) ? 'same' : 'other';
}

/** Whose package the output root holds, for the notebook at `notebookPath`. */
export type LockOwner =
  /** No nbpromote.lock in the output root: nothing was promoted there. */
  | { readonly kind: 'none' }
  /** An nbpromote.lock that cannot be read: `reason` says why. */
  | { readonly kind: 'unreadable'; readonly reason: string }
  | {
      readonly kind: LockNotebookState;
      readonly lock: LockFile;
      /** The lock's notebook, absolute. */
      readonly lockNotebook: string;
    };

/**
 * Reads nbpromote.lock in `outDir` and says whose package it is against the notebook at `notebookPath`
 * (absolute), with the rule promotion uses ({@link lockNotebookState}). Never throws.
 */
export async function lockOwner(outDir: string, notebookPath: string): Promise<LockOwner> {
  const file = join(outDir, LOCK_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (ex) {
    if ((ex as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', reason: `cannot read ${file}: ${ex instanceof Error ? ex.message : String(ex)}` };
  }
  const { lock, problems } = readLockFile(text, file);
  if (lock === undefined) return { kind: 'unreadable', reason: `${file} cannot be read: ${problems[0]?.message ?? 'not a lock file'}` };
  const physicalOut = await realRootOf(outDir);
  const state = await lockNotebookState(physicalOut, lock.notebook.path, resolve(notebookPath));
  return { kind: state, lock, lockNotebook: resolve(physicalOut, ...lock.notebook.path.split('/')) };
}
