/**
 * Imports a notebook makes for what importing does, not for the name they bind: `from sklearn.experimental import
 * enable_iterative_imputer` before `from sklearn.impute import IterativeImputer`, `import swifter` for `df.swifter`.
 * Nothing reads their name, so pruning the imports to the names a module reads dropped them, and the module failed
 * at import (round 77 MNM: ImportError from scikit-learn). A module keeps each one its other imports need (the same
 * library), or, for those adding methods to pandas objects, each module whose code reads them (`.swifter`), or every
 * module when they cannot be told; the name is deleted after the imports, as nothing reads it (pyflakes would say
 * it is unused). Made in any cell, one left out of the package (`skip`) too: the package needs what it did.
 */

interface SideEffect {
  /** The module imported, dotted: `sklearn.experimental.enable_iterative_imputer`. */
  readonly module: RegExp;
  /** The library whose imports need it first. */
  readonly needs?: string;
  /** What code using what it adds reads (`.swifter`): a module whose cells read it keeps it. Neither: every module. */
  readonly uses?: RegExp;
  /** What importing it does, for the comment. */
  readonly does: string;
}

const SIDE_EFFECTS: readonly SideEffect[] = [
  { module: /^sklearn\.experimental\.enable_\w+$/, needs: 'sklearn', does: 'enables an experimental scikit-learn estimator' },
  { module: /^mpl_toolkits\.mplot3d(?:\.\w+)*$/, needs: 'matplotlib', does: "registers matplotlib's 3d projection" },
  { module: /^swifter$/, uses: /\.swifter\b/, does: 'adds methods to pandas objects' },
  { module: /^hvplot\.pandas$/, uses: /\.hvplot\b/, does: 'adds methods to pandas objects' },
  { module: /^(?:pandas_profiling|ydata_profiling)$/, uses: /\.profile_report\b/, does: 'adds methods to pandas objects' },
  { module: /^pint_pandas$/, uses: /\.pint\b|["']pint\[/, does: 'adds methods to pandas objects' },
  // pyjanitor's methods are many (`clean_names`, `remove_empty` ...): every module keeps it.
  { module: /^janitor$/, does: 'adds methods to pandas objects' },
];

/** What importing `statement` (one import statement) does besides binding its name, when it is such an import. */
export function sideEffectImport(statement: string): SideEffect | undefined {
  const text = statement.trim();
  const from = /^from\s+([\w.]+)\s+import\s+\(?([^)]*)\)?$/.exec(text);
  const items = (list: string): string[] => list.split(',').map((i) => /^\s*([\w.]+)/.exec(i)?.[1] ?? '').filter((i) => i !== '');
  const modules = from !== null ? [from[1] ?? '', ...items(from[2] ?? '').map((name) => `${from[1] ?? ''}.${name}`)] : items(/^import\s+(.*)$/.exec(text)?.[1] ?? '');
  return SIDE_EFFECTS.find((s) => modules.some((m) => s.module.test(m)));
}

/** The names an import statement binds, merged and wrapped ones too (`from m import (a, b as c)` binds a and c). */
export function importedNames(statement: string): string[] {
  const from = /^from\s+[\w.]+\s+import\s+\(?([^)]*)\)?\s*$/.exec(statement.trim());
  const items = from !== null ? (from[1] ?? '').split(',') : /^import\s+(.*)$/.exec(statement.trim())?.[1]?.split(',') ?? [];
  return items.flatMap((item) => {
    const m = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(item);
    if (m === null) return [];
    return [m[2] ?? (from !== null ? (m[1] ?? '') : (m[1] ?? '').split('.')[0] ?? '')];
  }).filter((n) => n !== '' && n !== '*');
}
