/**
 * Python files promotion leaves in place that import a module of the package promotion no longer makes: a
 * hand-edited test of a removed step (kept, as every edited file is), or a person's own test or module. pytest
 * fails to collect such a test, so promotion and `check` name them (docs/versioning.md, "Hand edits").
 *
 * Reads only: the Python files under `tests/` and `src/<package>/` that are not among the plans, and after
 * this promotion stay (not a generated file unchanged since the lock, which promotion deletes). An import
 * `<package>.a.b` (or a relative one from inside the package) is broken when no module `a/b.py` or package
 * `a/b/` is planned or stays on disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { isAsGenerated, lockedHash } from './hash';

export interface RemovedImport {
  /** The file that imports, relative to the output root (forward slashes). */
  readonly path: string;
  /** 1-based line of the import. */
  readonly line: number;
  /** The module it imports, dotted (`forecast.steps.features`). */
  readonly module: string;
}

/**
 * Every file under `tests/` and `src/<packageName>/` that stays after a promotion writing `plans` over the
 * folder last promoted with `lock`, with its first import of a package module that will not exist; one per file.
 */
export async function findRemovedImports(root: string, plans: readonly FilePlan[], lock: LockFile | undefined, packageName: string): Promise<RemovedImport[]> {
  const planned = new Set(plans.map((p) => p.path));
  const onDisk = new Map<string, Buffer>();
  for (const folder of ['tests', `src/${packageName}`]) for (const [path, bytes] of await pythonFiles(root, folder)) onDisk.set(path, bytes);
  // A generated file unchanged since the lock and no longer planned: promotion deletes it.
  const stays = (path: string): boolean => {
    if (planned.has(path)) return true;
    const bytes = onDisk.get(path);
    return bytes !== undefined && !isAsGenerated(bytes, lockedHash(lock, path));
  };
  const folders = new Set([...planned, ...[...onDisk.keys()].filter(stays)].flatMap((path) => ancestors(path)));
  const exists = (module: string): boolean => {
    const [top, ...rest] = module.split('.');
    if (top !== packageName) return true;
    const base = ['src', packageName, ...rest].join('/');
    return stays(`${base}.py`) || folders.has(base);
  };
  const found: RemovedImport[] = [];
  for (const [path, bytes] of [...onDisk].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!stays(path) || planned.has(path)) continue;
    const broken = importedModules(bytes.toString('utf8'), path, packageName).find((i) => !exists(i.module));
    if (broken !== undefined) found.push({ path, ...broken });
  }
  return found;
}

/**
 * Every package module a Python file under `tests/` or `src/<packageName>/` imports, dotted, by the files
 * importing it: `import p.steps.helper`, `from p.steps.helper import x`, and for `from p.steps import helper`
 * (`from . import helper` in steps/) `p.steps.helper` too, as `helper` may be a module. `written`: the files as a
 * promotion not yet applied leaves them (undefined: deleted), read instead of the disk.
 */
export async function importedPackageModules(root: string, packageName: string, written: ReadonlyMap<string, string | undefined> = new Map()): Promise<Map<string, string[]>> {
  const importers = new Map<string, string[]>();
  const texts = new Map<string, string | undefined>();
  for (const folder of ['tests', `src/${packageName}`]) for (const [path, bytes] of await pythonFiles(root, folder)) texts.set(path, bytes.toString('utf8'));
  for (const [path, text] of written) if (path.endsWith('.py')) texts.set(path, text);
  for (const [path, text] of texts) {
    if (text === undefined) continue;
    const modules = importedModules(text, path, packageName).map((i) => i.module);
    for (const from of text.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)/gm)) {
      const [module] = importedModules(`from ${from[1] ?? ''}${from[2] ?? ''} import x`, path, packageName);
      if (module === undefined) continue;
      for (const name of (from[3] ?? '').replace(/[()\\]/g, ' ').split(',')) {
        const imported = name.trim().split(/\s+/)[0] ?? '';
        if (/^\w+$/.test(imported)) modules.push(`${module.module}.${imported}`);
      }
    }
    for (const module of modules) importers.set(module, [...(importers.get(module) ?? []), path]);
  }
  return importers;
}

/** The Python files under `folder` of `root` (recursively, without `__pycache__` and dot folders), by posix path. */
async function pythonFiles(root: string, folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = await readdir(join(root, ...folder.split('/')), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== '__pycache__' && !entry.name.startsWith('.')) for (const [p, b] of await pythonFiles(root, path)) files.set(p, b);
    else if (entry.isFile() && entry.name.endsWith('.py')) {
      const bytes = await readFile(join(root, ...path.split('/'))).catch(() => undefined);
      if (bytes !== undefined) files.set(path, bytes);
    }
  }
  return files;
}

/** `src/a/b/c.py` -> `src/a/b`, `src/a`, `src`. */
function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, parts.length - 1 - i).join('/'));
}

/**
 * The package modules a Python text imports, with their lines: `import p.a.b`, `from p.a import b` (p.a, and
 * p.a.b when b is not a name p.a defines: only p.a is asked for, as b may be a function), relative imports
 * resolved against the file's place in `src/<package>/`.
 */
function importedModules(text: string, path: string, packageName: string): { line: number; module: string }[] {
  const here = path.startsWith(`src/${packageName}/`) ? path.slice('src/'.length).split('/').slice(0, -1) : undefined;
  const out: { line: number; module: string }[] = [];
  text.split('\n').forEach((lineText, i) => {
    const from = /^\s*from\s+(\.*)([\w.]*)\s+import\b/.exec(lineText);
    const plain = from === null ? /^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*(?:#.*)?$/.exec(lineText) : null;
    const modules: string[] = [];
    if (from !== null) {
      const dots = from[1]?.length ?? 0;
      const name = from[2] ?? '';
      if (dots === 0) modules.push(name);
      else if (here !== undefined && dots <= here.length) modules.push([...here.slice(0, here.length - dots + 1), ...(name === '' ? [] : name.split('.'))].join('.'));
    } else if (plain !== null) {
      for (const part of (plain[1] ?? '').split(',')) modules.push(part.trim().split(/\s+/)[0] ?? '');
    }
    for (const module of modules) if (module === packageName || module.startsWith(`${packageName}.`)) out.push({ line: i + 1, module });
  });
  return out;
}

/** A kept test of a step the notebook no longer has (see {@link findTestsOfRemovedSteps}). */
export interface TestOfRemovedStep {
  readonly path: string;
  readonly step: string;
  /** 1-based. */
  readonly line: number;
}

/**
 * Python files under `tests/` that promotion does not write now (a hand-edited test of a step that was renamed or
 * removed, which promotion keeps) reading the pipeline run of a step that is not among `steps`
 * (`pipeline_run.inputs["clean"]`, as the generated step tests do): pytest fails on them with a KeyError, though
 * the module they import may still be there (round 57 ZZ: check said "up to date"). Found from the files, so said
 * at every promotion and check, not only when the step went. `gone`: files the promotion deletes (a dry run: would).
 */
export async function findTestsOfRemovedSteps(root: string, plans: readonly FilePlan[], steps: readonly string[], gone: ReadonlySet<string> = new Set()): Promise<TestOfRemovedStep[]> {
  const planned = new Set(plans.map((p) => p.path));
  const known = new Set(steps);
  const found: TestOfRemovedStep[] = [];
  const files = await pythonFiles(root, 'tests');
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (planned.has(path) || gone.has(path)) continue;
    const lines = bytes.toString('utf8').split('\n');
    for (const [i, text] of lines.entries()) {
      const read = /\bpipeline_run\.(?:inputs|folders|returned)\s*(?:\[|\.get\()\s*(["'])(\w+)\1/.exec(text.replace(/#.*$/, ''));
      const step = read?.[2];
      if (step === undefined || known.has(step)) continue;
      found.push({ path, step, line: i + 1 });
      break;
    }
  }
  return found;
}
