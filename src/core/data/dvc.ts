/**
 * DVC's records of data files: a `<file>.dvc` beside the file (`dvc add`), and `dvc.lock` (`dvc repro`), read
 * with js-yaml and checked for the shape DVC writes. Whether the file on disk is what DVC recorded: DVC 3 entries
 * say `hash: md5` and their md5 is the plain md5 of the file's bytes; older entries (no `hash:`) may hold the md5
 * of a text file after dos2unix, so a file holding a carriage return that differs from such an md5 is `unknown`,
 * never `differs`.
 *
 * .dvc (https://dvc.org/doc/user-guide/project-structure/dvc-files):
 *   outs:
 *   - md5: a304afb96060aad90176268345e10355
 *     size: 12
 *     hash: md5
 *     path: data.xml
 * paths relative to the .dvc file's folder and its optional `wdir`.
 *
 * dvc.lock (https://dvc.org/doc/user-guide/project-structure/dvcyaml-files, schema '2.0'):
 *   schema: '2.0'
 *   stages:
 *     prepare:
 *       cmd: python prepare.py
 *       deps:
 *       - path: data/raw.csv
 *         hash: md5
 *         md5: 22a1a2931c8370d3aeedd7183606fd7f
 *         size: 14445097
 *       outs:
 *       - path: data/prepared.csv
 *         ...
 * paths relative to the lock file's folder (a stage's `wdir` lives in dvc.yaml and is not read here).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { load, YAMLException } from 'js-yaml';
import type { DiskState, DvcMatch, DvcTracking } from '../contract/data';
import type { Problem } from '../contract/problem';
import { isSameOrInside } from '../io/paths';
import { yamlSyntaxProblem } from '../util/schemaErrors';

/** One entry of a DVC file, its path made absolute. */
export interface DvcEntry {
  readonly file: string;
  readonly stage?: string;
  readonly role: 'out' | 'dep';
  readonly path: string;
  readonly md5?: string;
  readonly hash?: string;
  readonly size?: number;
}

/** The entries of a `.dvc` file's text (`file`: its absolute path). Never throws: what is malformed is a problem. */
export function parseDvcFile(text: string, file: string): { entries: DvcEntry[]; problems: Problem[] } {
  const parsed = parseYaml(text, file);
  if ('problem' in parsed) return { entries: [], problems: [parsed.problem] };
  const value = parsed.value;
  if (!isObject(value) || !Array.isArray(value['outs'])) return { entries: [], problems: [shapeProblem(file, 'a .dvc file holds a mapping with an `outs` list')] };
  const wdir = typeof value['wdir'] === 'string' ? value['wdir'] : '.';
  const base = nodePath.resolve(nodePath.dirname(file), wdir);
  const problems: Problem[] = [];
  const entries = entriesOf(value['outs'], base, file, 'out', undefined, problems);
  return { entries, problems };
}

/** The entries of every stage of a `dvc.lock` (`file`: its absolute path). Never throws. */
export function parseDvcLock(text: string, file: string): { entries: DvcEntry[]; problems: Problem[] } {
  const parsed = parseYaml(text, file);
  if ('problem' in parsed) return { entries: [], problems: [parsed.problem] };
  const value = parsed.value;
  if (!isObject(value) || !isObject(value['stages'])) return { entries: [], problems: [shapeProblem(file, 'dvc.lock holds a mapping with `stages` (schema 2.0)')] };
  const base = nodePath.dirname(file);
  const problems: Problem[] = [];
  const entries: DvcEntry[] = [];
  for (const [stage, body] of Object.entries(value['stages'])) {
    if (!isObject(body)) {
      problems.push(shapeProblem(file, `stage ${stage} is not a mapping`));
      continue;
    }
    for (const [key, role] of [
      ['deps', 'dep'],
      ['outs', 'out'],
    ] as const) {
      const list = body[key];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        problems.push(shapeProblem(file, `stage ${stage}'s ${key} is not a list`));
        continue;
      }
      entries.push(...entriesOf(list, base, file, role, stage, problems));
    }
  }
  return { entries, problems };
}

/** What DVC says of the file at `path`: its `.dvc` file beside it, and the entries of `locks` naming it. */
export function dvcTrackingOf(path: string, locks: readonly DvcEntry[], disk: DiskState, problems: Problem[]): DvcTracking[] {
  const found: DvcEntry[] = [];
  const dvcFile = `${path}.dvc`;
  if (existsSync(dvcFile)) {
    const read = readText(dvcFile);
    if ('error' in read) problems.push({ severity: 'warning', code: 'dvc-unreadable', message: `cannot read ${dvcFile}: ${read.error}`, file: dvcFile });
    else {
      const parsed = parseDvcFile(read.text, dvcFile);
      problems.push(...parsed.problems);
      found.push(...parsed.entries.filter((e) => e.path === path));
    }
  }
  found.push(...locks.filter((e) => e.path === path));
  return found.map((entry) => ({
    file: entry.file,
    ...(entry.stage !== undefined ? { stage: entry.stage } : {}),
    role: entry.role,
    ...(entry.md5 !== undefined ? { md5: entry.md5 } : {}),
    ...(entry.hash !== undefined ? { hash: entry.hash } : {}),
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    match: dvcMatch(entry, disk),
  }));
}

/** The dvc.lock files that may name files of the project at `root`: in `root` and the folders above it, up to `top` (inclusive). */
export function readDvcLocks(root: string, top: string): { entries: DvcEntry[]; problems: Problem[] } {
  const entries: DvcEntry[] = [];
  const problems: Problem[] = [];
  let dir = nodePath.resolve(root);
  for (;;) {
    const file = nodePath.join(dir, 'dvc.lock');
    if (existsSync(file)) {
      const read = readText(file);
      if ('error' in read) problems.push({ severity: 'warning', code: 'dvc-unreadable', message: `cannot read dvc.lock: ${read.error}`, file });
      else {
        const parsed = parseDvcLock(read.text, file);
        entries.push(...parsed.entries);
        problems.push(...parsed.problems);
      }
    }
    const parent = nodePath.dirname(dir);
    if (parent === dir || !isSameOrInside(top, parent)) break;
    dir = parent;
  }
  return { entries, problems };
}

/** The folder DVC's files are looked for up to: the nearest folder from `root` up holding `.dvc/` or `.git`, else `root`. */
export function dvcTop(root: string, limit?: string): string {
  let dir = nodePath.resolve(root);
  for (;;) {
    if (existsSync(nodePath.join(dir, '.dvc')) || existsSync(nodePath.join(dir, '.git'))) return dir;
    const parent = nodePath.dirname(dir);
    if (parent === dir || (limit !== undefined && !isSameOrInside(limit, parent))) return nodePath.resolve(root);
    dir = parent;
  }
}

export function dvcMatch(entry: { readonly md5?: string; readonly hash?: string }, disk: DiskState): DvcMatch {
  if (entry.md5 === undefined || disk.kind !== 'hashed') return 'unknown';
  const recorded = entry.md5.toLowerCase();
  if (recorded === disk.md5) return 'matches';
  // DVC 3 (`hash: md5`): the plain md5 of the bytes. Before: dos2unix first for text, which only changes files holding a CR.
  if (entry.hash === 'md5' || !disk.hasCarriageReturn) return 'differs';
  return 'unknown';
}

function entriesOf(list: readonly unknown[], base: string, file: string, role: 'out' | 'dep', stage: string | undefined, problems: Problem[]): DvcEntry[] {
  const entries: DvcEntry[] = [];
  list.forEach((item, i) => {
    if (!isObject(item) || typeof item['path'] !== 'string' || item['path'] === '' || item['path'].includes('\0')) {
      problems.push(shapeProblem(file, `${stage === undefined ? '' : `stage ${stage}: `}${role === 'out' ? 'outs' : 'deps'}[${i}] has no path`));
      return;
    }
    const md5 = item['md5'];
    entries.push({
      file,
      ...(stage !== undefined ? { stage } : {}),
      role,
      path: nodePath.resolve(base, item['path']),
      // A folder's md5 ends in `.dir`: it is never a data file's.
      ...(typeof md5 === 'string' && /^[0-9a-f]{32}$/i.test(md5) ? { md5 } : {}),
      ...(typeof item['hash'] === 'string' ? { hash: item['hash'] } : {}),
      ...(typeof item['size'] === 'number' ? { size: item['size'] } : {}),
    });
  });
  return entries;
}

function parseYaml(text: string, file: string): { value: unknown } | { problem: Problem } {
  try {
    return { value: load(text, { filename: file }) };
  } catch (ex) {
    if (ex instanceof YAMLException) return { problem: { ...yamlSyntaxProblem(ex, file), severity: 'warning', code: 'dvc-yaml' } };
    throw ex;
  }
}

function readText(file: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (ex) {
    return { error: ex instanceof Error ? ex.message : String(ex) };
  }
}

function shapeProblem(file: string, message: string): Problem {
  return { severity: 'warning', code: 'dvc-shape', message, file };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
