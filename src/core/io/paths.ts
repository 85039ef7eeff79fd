/**
 * Where a plan path may be written. A `FilePlan.path` is data that came, in part, from a notebook (step and
 * package names), so before anything is written every path is checked twice: its spelling (relative,
 * forward slashes, no `.`/`..` segments, no NUL) and, on disk, that following the symbolic links of the
 * parts that already exist keeps it inside the output root.
 */
import { accessSync, constants, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { NbpromoteError } from '../errors';

/** Why `path` is not a well-formed plan path, or undefined when it is. Pure: no file system access. */
export function pathSyntaxProblem(path: string): string | undefined {
  if (path === '') return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL character';
  if (path.includes('\\')) return 'the path contains a backslash; plan paths use forward slashes';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'the path is absolute; plan paths are relative to the output root';
  for (const segment of path.split('/')) {
    if (segment === '') return 'the path has an empty segment (a leading, trailing or doubled slash)';
    if (segment === '.') return 'the path has a `.` segment';
    if (segment === '..') return 'the path has a `..` segment, which could leave the output root';
  }
  return undefined;
}

/** True when `inner` is strictly inside `outer` (both absolute, resolved). */
export function isInside(outer: string, inner: string): boolean {
  const rel = nodePath.relative(outer, inner);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${nodePath.sep}`) && !nodePath.isAbsolute(rel);
}

/** True when `inner` is `outer` or inside it (both absolute, resolved): what deleting `outer` takes with it. */
export function isSameOrInside(outer: string, inner: string): boolean {
  return nodePath.resolve(outer) === nodePath.resolve(inner) || isInside(outer, inner);
}

/** A plan path resolved on disk. */
export interface ResolvedPath {
  /** Absolute path to write: inside the real root, with every existing symbolic link followed. */
  readonly absolute: string;
  /** True when a file is there now. */
  readonly exists: boolean;
}

export type Resolution = { readonly ok: true; readonly resolved: ResolvedPath } | { readonly ok: false; readonly problem: string };

/**
 * Resolves the well-formed plan path `path` under `realRoot` (the root's own real path, or its resolved
 * absolute path when it does not exist yet). Walks the path one segment at a time: an existing symbolic
 * link is followed and must stay inside the root; an existing part before the last must be a folder; the
 * last part, when it exists, must not be a folder. The first missing part ends the walk: nothing below it
 * exists, so nothing below it can be a link.
 */
export async function resolveInsideRoot(realRoot: string, path: string): Promise<Resolution> {
  return Promise.resolve(rootResolver(realRoot)(path));
}

/**
 * {@link resolveInsideRoot} for many paths under one root: the folders they share are looked up once (a
 * plan of 400 files in five folders costs about 400 lookups, not 2,000). Use one resolver for one batch of
 * paths; it remembers what the disk held when it looked. Synchronous: each lookup takes microseconds, far
 * less than a round trip through the thread pool.
 */
export function rootResolver(realRoot: string): (path: string) => Resolution {
  const probes = new Map<string, Probe>();
  const probeOnce = (candidate: string): Probe => {
    let found = probes.get(candidate);
    if (found === undefined) {
      found = probe(realRoot, candidate);
      probes.set(candidate, found);
    }
    return found;
  };
  return (path) => {
    const segments = path.split('/');
    let current = realRoot;
    for (const [i, segment] of segments.entries()) {
      const isLast = i === segments.length - 1;
      const candidate = nodePath.join(current, segment);
      const shown = segments.slice(0, i + 1).join('/');
      const found = isLast ? probe(realRoot, candidate) : probeOnce(candidate);
      switch (found.state) {
        case 'missing':
          return { ok: true, resolved: { absolute: nodePath.join(candidate, ...segments.slice(i + 1)), exists: false } };
        case 'dangling':
          return { ok: false, problem: `\`${shown}\` is a symbolic link to something that does not exist` };
        case 'outside':
          return { ok: false, problem: `\`${shown}\` is a symbolic link that leads outside the output root` };
        case 'present':
          break;
      }
      current = found.real;
      if (!isLast && !found.isDirectory) return { ok: false, problem: `\`${shown}\` is a file, not a folder` };
      if (isLast && found.isDirectory) return { ok: false, problem: 'a folder is there, not a file' };
    }
    return { ok: true, resolved: { absolute: current, exists: true } };
  };
}

/** What is at one absolute path: nothing, a link that is not acceptable, or a file or folder (links followed). */
interface Probe {
  readonly state: 'missing' | 'dangling' | 'outside' | 'present';
  /** The path with its link followed (`present`). */
  readonly real: string;
  readonly isDirectory: boolean;
}

function probe(realRoot: string, candidate: string): Probe {
  const info = lstatSyncOrUndefined(candidate);
  if (info === undefined) return { state: 'missing', real: candidate, isDirectory: false };
  if (!info.isSymbolicLink()) return { state: 'present', real: candidate, isDirectory: info.isDirectory() };
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch (ex) {
    if (isMissing(ex)) return { state: 'dangling', real: candidate, isDirectory: false };
    throw ex;
  }
  if (!isInside(realRoot, real)) return { state: 'outside', real, isDirectory: false };
  return { state: 'present', real, isDirectory: statSync(real).isDirectory() };
}

/**
 * The real path of `root` (every symlink in it resolved); when its last folders do not exist yet, the real
 * path of the nearest one that does, with those folders' names after it.
 */
export async function realRootOf(root: string): Promise<string> {
  const missing: string[] = [];
  for (let at = nodePath.resolve(root); ; at = nodePath.dirname(at)) {
    const real = await realpathOrUndefined(at);
    if (real !== undefined) return nodePath.join(real, ...missing.reverse());
    if (nodePath.dirname(at) === at) return nodePath.resolve(root);
    missing.push(nodePath.basename(at));
  }
}

function lstatSyncOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
}

/** ENOENT (nothing there) or ENOTDIR (a file where a folder was expected: also "nothing there" for a child). */
export function isMissing(ex: unknown): boolean {
  const code = ex instanceof Error && 'code' in ex ? ex.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The file's bytes, or undefined when it does not exist; other errors are thrown. */
export async function readFileIfExists(absolute: string): Promise<Buffer | undefined> {
  try {
    return await readFile(absolute);
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
}

/** {@link readFileIfExists}, synchronously: for passes over many small files (see {@link rootResolver}). */
export function readFileIfExistsSync(absolute: string): Buffer | undefined {
  try {
    return readFileSync(absolute);
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
}

/** True when something is at `path` that this process can reach (symbolic links followed); any error: no. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is a folder (symbolic links followed); false when it is missing, a file, or cannot be read. */
export function isFolderSync(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A relative path with forward slashes, as locks and pipeline.yaml record paths on every system. */
/**
 * A folder as the user names folders in messages: from the folder they work in (`out`, `../pkg`, `.`), or its
 * absolute path when that is more than two levels up or on another drive.
 */
export function folderFromCwd(cwd: string, dir: string): string {
  const relative = toPosix(nodePath.relative(cwd, dir));
  if (relative === '') return '.';
  return nodePath.isAbsolute(relative) || /^(?:\.\.\/){3}|^\.\.(?:\/\.\.){2,}$/.test(relative) ? toPosix(dir) : relative;
}

export function toPosix(path: string): string {
  return path.split(nodePath.sep).join('/');
}

/**
 * The error that says why `mkdir(dir, { recursive: true })` failed with `ex`. Node's recursive mkdir reports
 * ENOENT when the deepest folder of the path that exists is on a read-only file system (or not writable), as
 * if a folder had gone: that folder's own refusal (EROFS, EACCES) is the reason. Other errors are `ex`.
 */
export function mkdirFailure(dir: string, ex: unknown): unknown {
  const code = ex instanceof Error && 'code' in ex ? ex.code : undefined;
  if (code !== 'ENOENT') return ex;
  for (let d = nodePath.dirname(dir); ; d = nodePath.dirname(d)) {
    let isFolder: boolean;
    try {
      isFolder = statSync(d).isDirectory();
    } catch {
      if (nodePath.dirname(d) === d) return ex;
      continue;
    }
    if (!isFolder) return ex;
    try {
      accessSync(d, constants.W_OK);
    } catch (refusal) {
      return refusal;
    }
    return ex;
  }
}

/**
 * The folder `mkdir(dir, { recursive: true })` could not make: the outermost missing one on the way to `dir` (round
 * 66 QQQ: a read-only `ro` above `--out ro/sub` was said as `cannot create the folder ro/sub/.nbpromote`); `dir`
 * when none is missing or the way cannot be read.
 */
export function refusedFolder(dir: string): string {
  let missing = dir;
  for (let d = nodePath.dirname(dir); nodePath.dirname(d) !== d; d = nodePath.dirname(d)) {
    try {
      statSync(d);
      return missing;
    } catch (ex) {
      if (!isMissing(ex)) return dir;
      missing = d;
    }
  }
  return missing;
}

/** The folder holding `.git` (a folder, or a file in worktrees and submodules) at `dir` or above it, without running git. */
export async function gitWorkTreeAbove(dir: string): Promise<string | undefined> {
  let current = nodePath.resolve(dir);
  for (;;) {
    try {
      await stat(nodePath.join(current, '.git'));
      return current;
    } catch (ex) {
      const code = (ex as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new NbpromoteError('internal', `cannot look for .git in ${current}: ${String(ex)}`);
    }
    const parent = nodePath.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
