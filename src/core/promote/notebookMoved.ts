/**
 * A promoted notebook renamed or moved together with its package (the editor moves the package folder when
 * the output root follows the notebook's name: features/promote/followRename.ts). Promotion refuses a lock
 * whose notebook is gone unless told the package's name, as it cannot know the notebook it promotes is that
 * one; here it is known, so the lock is made to name the notebook's new path, and the next promotion treats
 * the package as this notebook's own (keeping its name), as before the rename.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import { NbpromoteError } from '../errors';
import { writeFileAtomic } from '../io/apply';
import { realRootOf, toPosix } from '../io/paths';
import { readLockFile, renderLockFile } from '../versioning/lockFile';

/**
 * Makes nbpromote.lock in `outDir` name the notebook at `notebookPath` (absolute) as the one it was promoted
 * from, changing nothing else in it; written atomically. Throws NbpromoteError('invalidInput') for a lock that
 * cannot be read (nothing is written then).
 */
export async function recordNotebookMoved(outDir: string, notebookPath: string): Promise<void> {
  const file = join(outDir, LOCK_FILE_NAME);
  const { lock, problems } = readLockFile(await readFile(file, 'utf8'), file);
  if (lock === undefined) throw new NbpromoteError('invalidInput', `${file} cannot be read: ${problems[0]?.message ?? 'not a lock file'}`);
  // Relative to the output root with its symlinks resolved, as promotion records it.
  const path = toPosix(relative(await realRootOf(outDir), notebookPath));
  if (path === lock.notebook.path) return;
  // Where it was promoted from, for the next promotion to say it moved (the files name that path).
  const movedFrom = lock.notebook.moved_from ?? lock.notebook.path;
  const { sha256, git_commit, git_dirty } = lock.notebook;
  await writeFileAtomic(file, renderLockFile({ ...lock, notebook: { path, ...(movedFrom === path ? {} : { moved_from: movedFrom }), sha256, git_commit, git_dirty } }));
}
