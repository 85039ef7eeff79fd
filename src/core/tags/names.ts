/**
 * Names read from notebooks become Python module names and, later, file paths (`steps/<name>.py`,
 * `<default_exp>.py`). Everything here decides whether a name is safe to use, and what to suggest when
 * it is not. Identifiers are ASCII on purpose: they end up as file names on every file system.
 */

import { withoutAccents } from '../util/words';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Python 3 hard keywords: they can never be identifiers. Soft keywords (`match`, `case`, `type`, `_`) can. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

const IDENTIFIER_RULE = 'identifiers (ASCII letters, digits and _; not starting with a digit)';

/**
 * The longest step, module (`#| default_exp`) or package name, in characters. Names become file and folder
 * names (`tests/test_<step>.py`, and `.test_<step>.py.nbpromote-tmp-<pid>-<hex>` while it is written), and
 * most file systems refuse a name longer than 255 bytes.
 */
export const MAX_NAME_LENGTH = 100;

/** Why a name of this length is refused (`what`: "step names"), or undefined when it is short enough. */
export function nameLengthIssue(name: string, what: string): string | undefined {
  if (name.length <= MAX_NAME_LENGTH) return undefined;
  return `it is ${name.length} characters long; ${what} become file names, so they are at most ${MAX_NAME_LENGTH} characters`;
}

/** True for an ASCII Python identifier that is not a keyword. */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !PYTHON_KEYWORDS.has(name);
}

/**
 * Why `name` cannot be a step name, as the end of a sentence ("... is not allowed: <reason>"), or
 * undefined when it can. Dunder names are refused because `__init__` or `__main__` would collide with the
 * package's own modules.
 */
export function stepNameIssue(name: string): string | undefined {
  if (PYTHON_KEYWORDS.has(name)) return 'it is a Python keyword, and step names become Python module names';
  if (!IDENTIFIER.test(name)) return `step names become Python module names, so they must be ${IDENTIFIER_RULE}`;
  const long = nameLengthIssue(name, 'step names') ?? reservedModuleIssue(name);
  if (long !== undefined) return long;
  if (name === 'metrics' || name === 'parameters') return `the pipeline's ${name} have that name already (the ${name === 'metrics' ? 'metrics cell' : 'parameters cell'}): name the step after what it does`;
  return undefined;
}

/** Like {@link stepNameIssue} for an nbdev module name, where dots separate packages (`core.utils`). */
export function moduleNameIssue(name: string): string | undefined {
  const parts = name.split('.');
  if (parts.some((part) => !IDENTIFIER.test(part))) return `module names must be dotted Python ${IDENTIFIER_RULE}, like "core.utils"`;
  if (parts.some((part) => PYTHON_KEYWORDS.has(part))) return 'a part of it is a Python keyword';
  return nameLengthIssue(name, 'module names');
}

/** The shared module's name when no usable `#| default_exp` names one. */
export const DEFAULT_SHARED_MODULE = 'common';

/** Names the generated package gives its own files and folders: a `#| default_exp` naming one goes to common.py. */
const PACKAGE_NAMES: ReadonlySet<string> = new Set(['pipeline', 'metrics', 'steps']);

/**
 * Why the shared module cannot be named `name` (a valid module name), as the end of "... is not allowed:
 * <reason>", or undefined. Only names that would replace a module of the package itself.
 */
export function sharedModuleIssue(name: string): string | undefined {
  if (name === '__init__') return 'the package itself is __init__.py (it holds __version__ and runs the shared code first)';
  return reservedModuleIssue(name);
}

/** Why a module of the package (a step's, the shared one) cannot be named `name`: Python's, the runtime's or Windows'. */
function reservedModuleIssue(name: string): string | undefined {
  if (name.length > 4 && name.startsWith('__') && name.endsWith('__')) return 'names that start and end with "__" are reserved for Python itself';
  if (name === '_runtime') return "the generated package's runtime module is named _runtime";
  return windowsNameIssue(name);
}

/** Device names Windows reserves, whatever the extension: `con.py` cannot be checked out there. */
const WINDOWS_DEVICES = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** Why a file or folder named `name` (with any extension) cannot exist on Windows, or undefined. */
export function windowsNameIssue(name: string): string | undefined {
  return WINDOWS_DEVICES.test(name) ? `Windows reserves the name ${name} for a device, so a file named ${name}.py cannot be checked out there` : undefined;
}

/**
 * The module the shared code (`#| export` cells, `imports`, `functions`) is written to: the `#| default_exp`
 * name when it is one plain identifier the package does not use itself, else {@link DEFAULT_SHARED_MODULE}
 * (a dotted name, `pipeline`, `metrics`, `steps`). {@link sharedModuleNote} says why, for a warning.
 */
export function sharedModuleFor(defaultExp: string | undefined): string {
  return defaultExp === undefined || sharedModuleNote(defaultExp) !== undefined || sharedModuleIssue(defaultExp) !== undefined ? DEFAULT_SHARED_MODULE : defaultExp;
}

/** Why the exported cells of `#| default_exp <name>` go to common.py instead, or undefined when they go to `<name>.py`. */
export function sharedModuleNote(name: string): string | undefined {
  if (name.includes('.')) return `Notebook Promoter writes one shared module per package, not nbdev's dotted module tree, so the exported cells go to ${DEFAULT_SHARED_MODULE}.py`;
  if (PACKAGE_NAMES.has(name)) return `the generated package has its own ${name === 'steps' ? 'steps/ folder' : `${name}.py`}, so the exported cells go to ${DEFAULT_SHARED_MODULE}.py`;
  return undefined;
}

/**
 * An identifier close to `name` to suggest in a message: accents dropped, runs of other characters turned
 * into `_`, leading and trailing `_` trimmed, a leading digit prefixed, a keyword suffixed with `_`.
 * Undefined when nothing usable is left (`"../"`).
 */
export function suggestIdentifier(name: string): string | undefined {
  let s = withoutAccents(name)
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s === '') return undefined;
  if (/^[0-9]/.test(s)) s = `step_${s}`;
  if (PYTHON_KEYWORDS.has(s)) s = `${s}_`;
  return s;
}

/** Suggest a module name: each dotted part made an identifier, empty parts dropped. */
export function suggestModuleName(name: string): string | undefined {
  const parts = name.split(/[./\\]+/).map(suggestIdentifier).filter((p): p is string => p !== undefined);
  return parts.length === 0 ? undefined : parts.join('.');
}

/**
 * A name as it appears in a message: in double quotes, control characters escaped, cut at 60 characters.
 * Names are shown as names, never as paths.
 */
export function quoteName(name: string): string {
  return JSON.stringify(clipText(name));
}

/** `text` cut at `max` characters (the last one an ellipsis), for quoting user text in a message. */
export function clipText(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The candidate most like `name` (edit distance, case-insensitive), when it is close enough to be a
 * plausible typo: at most 2 edits, and at most a third of the name's length (at least 1).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(2, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (`trian` → `train` is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}
