// The notebook's own modules, found beside it: which imports are the project's (not distributions to install),
// and what a `from <local module> import *` binds.
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Notebook } from '../contract/notebook';
import { analyzeCell } from '../analysis/python/names';
import { initPythonParser } from '../analysis/python/parser';
import { starImportOf } from '../analysis/python/ipython';

/**
 * The imported modules that are the project's own, not distributions to install: a `<m>.py`, a `<m>/__init__.py`
 * or a folder `<m>/` holding Python files (a namespace package: `from helpers.fe import x` with no
 * `helpers/__init__.py`, round 51 JJ) in the notebook's folder, in a folder its code puts on `sys.path`
 * (`sys.path.append("..")`) or in one it moves to (`movesTo`: `%cd ..`, from which Jupyter imports), or a
 * module a `%%writefile <m>.py` cell writes.
 */
export async function findLocalModules(notebookDir: string, notebook: Notebook, modules: ReadonlySet<string>, movesTo: readonly string[]): Promise<Set<string>> {
  const local = new Set<string>();
  const folders = new Set([...searchedFolders(notebookDir, notebook), ...movesTo.map((f) => resolve(notebookDir, f.replace(/^~(?=\/|$)/, homedir())))]);
  for (const cell of notebook.cells) {
    if (cell.kind !== 'code') continue;
    const written = /^\s*%%(?:writefile|file)\s+(?:-a\s+)?["']?([^\s"']+?)\.py["']?\s*$/m.exec(cell.source.split('\n')[0] ?? '');
    if (written?.[1] !== undefined) local.add(written[1].split('/')[0] ?? written[1]);
  }
  for (const m of modules) {
    for (const folder of folders) {
      if ((await isFile(join(folder, `${m}.py`))) || (await isFile(join(folder, m, '__init__.py'))) || (await holdsPython(join(folder, m)))) local.add(m);
    }
  }
  return new Set([...local].filter((m) => modules.has(m)));
}

/**
 * What each `from <m> import *` of the notebook binds when `<m>` is a module of its own (a `<m>.py` or
 * `<m>/__init__.py` in the notebook's folder or a folder its code puts on `sys.path`): its `__all__` when it
 * lists literal names, else the names its top level binds that do not start with `_` (functions, classes,
 * assignments, imports), as Python's star import takes them; for a `%run <m>.py`, every name its top level
 * binds. A module that star-imports in its turn, sets `__all__` in another way, or cannot be read is left out
 * (unknown): its star import may bind anything. `runsMain`: the `%run` files with a `__main__` block.
 */
export async function localStarExports(notebookDir: string, notebook: Notebook): Promise<{ readonly starExports: Map<string, ReadonlySet<string>>; readonly runsMain: Set<string> }> {
  const exports = new Map<string, ReadonlySet<string>>();
  const runsMain = new Set<string>();
  const modules = new Set<string>();
  const ran = new Set<string>();
  for (const cell of notebook.cells) {
    if (cell.kind !== 'code' || !((cell.source.includes('*') && cell.source.includes('import')) || cell.source.includes('%run'))) continue;
    // (`%run utils.py` becomes `from utils import *`, ipython.ts.)
    for (const line of cell.source.split('\n')) {
      const star = starImportOf(line);
      if (star === undefined) continue;
      modules.add(star.module);
      if (star.ran) ran.add(star.module);
    }
  }
  if (modules.size === 0) return { starExports: exports, runsMain };
  const folders = searchedFolders(notebookDir, notebook);
  // A module's file beside the notebook (or where its code puts others on `sys.path`), or undefined.
  const fileOf = async (module: string): Promise<string | undefined> => {
    const relative = module.split('.');
    for (const folder of folders) {
      const candidates = [`${join(folder, ...relative)}.py`, join(folder, ...relative, '__init__.py')];
      const file = (await Promise.all(candidates.map(async (c) => ((await isFile(c)) ? c : undefined)))).find((c) => c !== undefined);
      if (file !== undefined) return file;
    }
    return undefined;
  };
  // What `from <module> import *` binds, through the modules it star-imports in its turn (round 65 OOO: `chain.py`
  // doing `from cfg import *` set a parameter again, unseen); undefined when one of them cannot be known.
  const starNames = async (module: string, seen: ReadonlySet<string>): Promise<ReadonlySet<string> | undefined> => {
    const file = seen.has(module) || seen.size > 8 ? undefined : await fileOf(module);
    if (file === undefined) return undefined;
    const read = await moduleExports(file, false, (inner) => starNames(inner, new Set([...seen, module])));
    return read?.names;
  };
  for (const module of modules) {
    // A `%run` file not found beside the notebook binds nothing the package can import: its names are undefined.
    if (ran.has(module)) exports.set(module, new Set());
    const file = await fileOf(module);
    if (file === undefined) continue;
    const read = await moduleExports(file, ran.has(module), (inner) => starNames(inner, new Set([module])));
    if (read?.names !== undefined) exports.set(module, read.names);
    if (ran.has(module) && read?.mainBlock === true) runsMain.add(module);
  }
  return { starExports: exports, runsMain };
}

/** A top-level `if __name__ == "__main__":` line (either order of the comparison). */
const MAIN_GUARD_LINE = /^if\s+\(?\s*(?:__name__\s*==\s*(["'])__main__\1|(["'])__main__\2\s*==\s*__name__)/;

/** Larger modules are not read for their names (their star import stays as the notebook had it). */
const MAX_MODULE_BYTES = 2_000_000;

/**
 * The file's names (undefined when they cannot be known) and whether it has a top-level `__main__` block, from one
 * read. `ran`: what `%run` copies to the notebook, every name the file's top level binds, `_private` ones and
 * those `__all__` leaves out too (round 52 QQ); the package imports each by name. Else what `import *` takes.
 */
async function moduleExports(file: string, ran: boolean, starNames: (module: string) => Promise<ReadonlySet<string> | undefined>): Promise<{ readonly names?: ReadonlySet<string>; readonly mainBlock: boolean } | undefined> {
  let source: string;
  let large: boolean;
  try {
    large = (await stat(file)).size > MAX_MODULE_BYTES;
    // A large file is read only for a `%run`'s `__main__` block.
    if (large && !ran) return undefined;
    source = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const mainBlock = source.split('\n').some((line) => MAIN_GUARD_LINE.test(line));
  const names = large ? undefined : await namesOf(source, ran, starNames);
  return names === undefined ? { mainBlock } : { names, mainBlock };
}

async function namesOf(source: string, ran: boolean, starNames: (module: string) => Promise<ReadonlySet<string> | undefined>): Promise<ReadonlySet<string> | undefined> {
  await initPythonParser();
  // An import does not run the `__main__` block: the names only it binds are none of the module's (round 64 MMM:
  // a parameter's name set there was said to be set again). `%run` runs it.
  const analysis = analyzeCell(ran ? source : withoutMainBlock(source));
  if (analysis.syntaxErrors.length > 0) return undefined;
  // Its own star imports of the project's modules bind their names here too; a library's are not known.
  const starred = new Set<string>();
  for (const star of analysis.starImports) {
    const names = await starNames(star.module);
    if (names === undefined) return undefined;
    for (const name of names) starred.add(name);
  }
  const defined = [...analysis.defines.map((d) => d.name), ...starred];
  if (ran) return new Set(defined);
  if (/^__all__\b/m.test(source)) {
    const listed = /^__all__[ \t]*=[ \t]*[[(]([^\])]*)[\])][ \t]*(?:#.*)?$/m.exec(source);
    if (listed === null || /^__all__[ \t]*(?:\+=|\.|\[)/m.test(source)) return undefined;
    const names = [...(listed[1] ?? '').matchAll(/(["'])([A-Za-z_]\w*)\1/g)].map((m) => m[2] ?? '');
    return new Set(names);
  }
  return new Set(defined.filter((name) => !name.startsWith('_')));
}

/** `source` with the body of its top-level `if __name__ == "__main__":` blocks one `pass`, the other lines blank. */
function withoutMainBlock(source: string): string {
  let inBlock = false;
  let passed = false;
  return source
    .split('\n')
    .map((line) => {
      if (MAIN_GUARD_LINE.test(line)) {
        inBlock = true;
        passed = false;
        return line;
      }
      if (inBlock && /^\S/.test(line) && !line.startsWith('#')) inBlock = false;
      if (!inBlock || line.trim() === '') return line;
      if (passed) return '';
      passed = true;
      return `${/^\s*/.exec(line)?.[0] ?? '    '}pass`;
    })
    .join('\n');
}

/** The notebook's folder and the folders its code puts on `sys.path` (`sys.path.append("..")`), resolved from it. */
function searchedFolders(notebookDir: string, notebook: Notebook): string[] {
  const folders = new Set([notebookDir]);
  for (const cell of notebook.cells) {
    if (cell.kind !== 'code' || !cell.source.includes('sys.path')) continue;
    for (const m of cell.source.matchAll(/sys\.path\.(?:append|insert)\([^)\n]*?(['"])([^'"\n]+)\1/g)) if (m[2] !== undefined) folders.add(resolve(notebookDir, m[2]));
  }
  return [...folders];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Whether `path` is a folder holding a Python file, or a folder holding one (a namespace package Python imports from). */
async function holdsPython(path: string): Promise<boolean> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.py'))) return true;
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && (await readdir(join(path, e.name)).catch(() => [])).some((name) => name.endsWith('.py'))) return true;
    }
    return false;
  } catch {
    return false;
  }
}
