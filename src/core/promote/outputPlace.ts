/**
 * Folders a promotion must not write into, whatever they hold: git's own folder, and the parts of another
 * output root that its tools own (its tests/, its package under src/, its .nbpromote/). Checked before
 * anything is written, by the CLI and the editor alike (both promote through `promoteNotebook`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import { pathExists, realRootOf } from '../io/paths';
import { readYamlDocument } from '../pipeline/yamlPositions';

/**
 * Why `outDir` (absolute) is no place for a promoted package, or undefined; its real path (symbolic links
 * resolved) is checked too. Inside `.git` (any case, as
 * case-insensitive file systems see it) the files are not tracked and git may remove them. Inside another
 * output root's tests/, src/<package>/ or .nbpromote/ the files become part of that package: its pytest
 * collects the inner tests and conftest.py and fails, and its next promotion may remove them.
 */
export async function outputPlaceProblem(outDir: string): Promise<string | undefined> {
  // Where the files would really go: a symbolic link to `.git` (`gl -> .git`) leads there all the same.
  const real = await realRootOf(outDir);
  return (await placeProblem(outDir)) ?? (real === outDir ? undefined : await placeProblem(real));
}

async function placeProblem(outDir: string): Promise<string | undefined> {
  const parts = outDir.split(sep);
  // The kernel's views of processes and devices: no files of anyone's go there (making folders in /proc had
  // Node's recursive mkdir loop for ever).
  if (sep === '/' && parts[0] === '' && ['proc', 'sys', 'dev'].includes(parts[1] ?? '') && !(parts[1] === 'dev' && parts[2] === 'shm')) {
    return `the output folder ${outDir} is in /${parts[1] ?? ''}, where the system shows its ${parts[1] === 'dev' ? 'devices' : 'processes and kernel settings'}, not a place for files: use a folder of your project`;
  }
  const git = parts.findIndex((part) => part.toLowerCase() === '.git');
  if (git >= 0) {
    const repository = parts.slice(0, git).join(sep) || sep;
    return `the output folder ${outDir} is in git's own folder ${parts.slice(0, git + 1).join(sep)}: git does not track files there and may remove them. Use a folder of the working tree instead (${join(repository, 'build')}, say)`;
  }
  for (let outer = dirname(outDir); ; outer = dirname(outer)) {
    const owned = await ownedPart(outer, outDir);
    if (owned !== undefined) {
      // What goes wrong depends on the part (round 66 QQQ: the tests' reason was given for src/ and .nbpromote/).
      const why = owned.startsWith('tests') ? "that package's tests would collect this one's files and fail" : owned.startsWith('.nbpromote') ? "that package's runs keep their cache and records there and may remove what is not theirs" : "that package's code lives there, and this one's modules would be found as its own";
      return `the output folder ${outDir} is in ${join(outer, owned)}, which belongs to the package promoted in ${outer} (it has ${LOCK_FILE_NAME}): ${why}. Use a folder outside its ${owned} (beside ${outer}, or in a folder of its own under it)`;
    }
    if (dirname(outer) === outer) return undefined;
  }
}

/**
 * The part of the output root `outer` that `inner` lies in and that root's tools own (`tests`, `.nbpromote`,
 * `src` and `src/<package>`), or undefined when `outer` is no output root (no nbpromote.lock) or `inner` lies elsewhere.
 */
async function ownedPart(outer: string, inner: string): Promise<string | undefined> {
  const [first, second] = relative(outer, inner).split(sep);
  if (first === undefined || (first !== 'tests' && first !== '.nbpromote' && first !== 'src')) return undefined;
  let lock: string;
  try {
    lock = await readFile(join(outer, LOCK_FILE_NAME), 'utf8');
  } catch {
    return undefined;
  }
  if (first !== 'src') return first;
  // Its src/ itself: the new package's own src/ and tests/ would sit among that package's modules.
  if (second === undefined) return 'src';
  // src/<package>: the lock names the package; a lock git left in conflict still has the package's runner there.
  const loaded = readYamlDocument(lock, join(outer, LOCK_FILE_NAME));
  const named = loaded.ok && typeof loaded.value === 'object' && loaded.value !== null ? (loaded.value as Record<string, unknown>)['package'] : undefined;
  if (named === second || (await pathExists(join(outer, 'src', second, '_runtime.py')))) return join('src', second);
  return undefined;
}
