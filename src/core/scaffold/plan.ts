/**
 * Promotion as data: from a notebook's step graph to the files of a Python package (`FilePlan[]`).
 * Nothing here writes a file; core/io applies the plan.
 *
 * Layout (PRODUCT.md): src/<package>/{__init__,_runtime,pipeline,common,metrics}.py, src/<package>/steps/<step>.py,
 * tests/{conftest,test_<step>,test_notebook,test_metrics}.py, pipeline.yaml, pyproject.toml (until a person edits it).
 */
import type { FilePlan } from '../contract/filePlan';
import type { Notebook } from '../contract/notebook';
import type { PipelineConfig, RecordedValue } from '../contract/pipelineConfig';
import type { CellRef, CodeUnit, StepBoundFunction, StepGraph, StepImport, StepNode } from '../contract/stepGraph';
import { isStdlibModule } from './distributions';
import { earlierShownRead, parenthesized, printArguments, readDisplays, roundedName, shownNamesOfCells } from '../analysis/expectedMetrics';
import { commentedOut, DISPLAY_KEPT_NOTE, DISPLAY_NOTE, SHOWN_VALUE_NOTE } from '../analysis/python/ipython';
import { bindPrintedValue } from '../analysis/printedValues';
import { scanLine, sourceLines, START_STATE, startsLogicalLine } from '../analysis/python/lexical';
import { blankedQuotes, stringAndCommentRanges } from '../analysis/python/literalRanges';
import type { SeedingFunctions } from '../analysis/randomness';
import { generatorNames, mayCallSeed, seededGlobalRngs, seedingFunctions } from '../analysis/randomness';
import { renderPipelineConfig } from '../pipeline/config';
import { COLAB_FORM_LINE } from '../tags/directives';
import { compactRanges } from '../util/ranges';
import { inferredDependencies } from './dependencies';
import { docText, indentBody, NOTEBOOK_FILE_NAME, pascalCase, pyNames, pyString, withoutAlwaysTrueAsserts, withoutEmptyFStrings } from './pythonText';
import { importedNames, sideEffectImport } from './sideEffectImports';
import { withUnusedLocalsRead } from './unusedLocals';
import { andList, cellsLabel } from '../util/words';

/** A code cell ready for generation: IPython translated, with the lines of its top-level imports known. */
export interface GeneratedCell {
  /** Line-preserving translation (magics removed with comments). */
  readonly code: string;
  /** 1-based lines of top-level import statements: hoisted, so dropped from bodies. */
  readonly importLines: ReadonlySet<number>;
  /**
   * Lines of the cell's own code left out of it (a parameters cell's literal parameters, which pipeline.yaml
   * holds, when the rest of it moves to a step or to the shared module): dropped from bodies, as blank.
   */
  readonly blankedLines?: ReadonlySet<number>;
  /** Top-level imports sharing a line with other code: the columns to cut (1-based line, 0-based columns). */
  readonly importCuts?: readonly { readonly line: number; readonly from: number; readonly to: number }[];
  /** Names the cell reads anywhere (to prune the imports a unit keeps). */
  readonly uses: ReadonlySet<string>;
  /** Where the cell reads module-level names (1-based lines): a definition a later one replaces is left out when nothing reads it between. */
  readonly useSites?: readonly { readonly name: string; readonly line: number }[];
  /** Names bound by top-level simple assignments (for unused-local cleanup). */
  readonly assigned: readonly string[];
  /**
   * Every name the cell binds at its top but by import (assignments, loop targets, `def`s ...): a local of the
   * function the cell becomes, from its first line.
   */
  readonly bound?: readonly string[];
  /** Every name the cell's scope binds by assignment, `:=` or `with … as`, and whether surely (unused-local cleanup). */
  readonly localBindings?: readonly { readonly name: string; readonly certain: boolean }[];
  /** Names a function the cell defines declares `global` (a shared function may change them). */
  readonly globalsDeclared?: readonly string[];
  /** Names the cell binds at its top level on some paths only (`if TUNE: THRESHOLD = 0.7`). */
  readonly maybeBound?: readonly string[];
  /** Of `maybeBound`, the names a loop's body binds. */
  readonly loopBound?: readonly string[];
  /** Of `deleted`, the names a `del` statement of the cell's own removes with no binding after it. */
  readonly deletedAtEnd?: readonly string[];
  /** Of `deleted`, the names only a `del` under a condition removes with no binding after it (maybe gone). */
  readonly maybeDeletedAtEnd?: readonly string[];
  /** Of `maybeDeletedAtEnd`, those a `del` under an `if` or `while` removes: released guarded (pyflakes keeps them bound). */
  readonly releasedAfterDel?: readonly string[];
  /** Builtins the cell reads before binding them itself, if ever (`list(...)`, then maybe `list = [...]`). */
  readonly builtinReads?: readonly string[];
  /** Builtins a function of the cell reads when called whose names the cell binds too (`sum` in `def half`, then `sum = ...`). */
  readonly builtinReadsWhenCalled?: readonly string[];
  /** Names the cell removes itself with `del`: never released again. */
  readonly deleted?: readonly string[];
  /** The cell's functions and classes (from `analyzeCell`): one a step can define at module level is hoisted. */
  readonly definitions?: readonly {
    readonly name: string;
    /** A `def` or `class` (absent for a lambda); `line` is its `def`/`class` line, after the decorators. */
    readonly kind?: 'function' | 'class';
    readonly line?: number;
    readonly startLine: number;
    readonly endLine: number;
    readonly topLevel: boolean;
    readonly freeNames: readonly string[];
    /** For `name = lambda x: ...`: the same function as a `def`, which pickles by name at module level. */
    readonly asDef?: string;
  }[];
  /** ` as name` spans of `except` clauses whose block never reads the name: cut (1-based line, 0-based columns). */
  readonly exceptCuts?: readonly { readonly name: string; readonly line: number; readonly from: number; readonly to: number }[];
  /** Bare names printed by top-level `print(a, b)` calls (metrics cells print their metrics). */
  readonly printedNames: readonly string[];
  /** The last top-level statement when it is a bare expression Jupyter would show: 1-based lines. */
  readonly trailingExpression?: { readonly line: number; readonly endLine: number };
  /** A trailing expression, not only bare names, the translation left out as display-only (`{'acc': acc}`): a metrics cell shows it. */
  readonly shownExpression?: string;
  /**
   * `display(<one value>)` statements left out as display-only, at the top level or in a `with`/`if`/`try` block
   * (`display(results.sort_values("auc"))`, `display(results)`), in order: a metrics cell shows a table that way.
   */
  readonly displayed?: readonly { readonly statement: string; readonly text: string; readonly name?: string }[];
  /** The cell awaits outside any function (`data = await fetch()`, as IPython allows): its step runs in an event loop. */
  readonly awaits?: true;
  /** The Python 3 minor version its syntax needs, when past 3.9 (`match`: 10, `except*`: 11, PEP 695: 12). */
  readonly needsPython?: number;
}

export interface PromoteInput {
  readonly notebook: Notebook;
  readonly graph: StepGraph;
  readonly cells: ReadonlyMap<number, GeneratedCell>;
  /**
   * By parameters cell whose code on its parameters runs in a step (`cells` holds that code): the code above it,
   * which the shared module holds (see splitParametersCell).
   */
  readonly sharedCells?: ReadonlyMap<number, GeneratedCell>;
  readonly packageName: string;
  readonly version: string;
  readonly toolVersion: string;
  /** The notebook relative to the output root, forward slashes. */
  readonly notebookPath: string;
  /** The notebook's folder relative to the output root ('.' when the same). */
  readonly workdir: string;
  /** Name of the shared module: `common`, or nbdev's `default_exp`. */
  readonly sharedModule: string;
  readonly expectedMetrics?: Readonly<Record<string, number>>;
  /** Metrics the notebook showed rounded: name -> decimals shown. */
  readonly shownDecimals?: Readonly<Record<string, number>>;
  /** Metrics the notebook showed cut to a whole number (`"%d" % rmse`). */
  readonly shownTruncated?: readonly string[];
  readonly tolerance?: { readonly relative: number; readonly absolute: number };
  /** The notebook ran (`--execute`) and its metrics cells gave no metric at all: the skipped metrics test says so. */
  readonly ranWithoutMetrics?: true;
  /** Step -> output -> type and shape when the notebook ran (`--execute`). */
  readonly recorded?: ReadonlyMap<string, Readonly<Record<string, RecordedValue>>>;
  /** Imported modules that are the project's own (`helpers.py` beside the notebook): not dependencies. */
  readonly localModules?: ReadonlySet<string>;
  /**
   * The folders the notebook's code moves to (`%cd ..`, `os.chdir("..")`), in order: relative to the notebook's
   * folder (forward slashes), absolute or from `~`. Jupyter imports from the current folder: they go on `sys.path`.
   */
  readonly movesTo?: readonly string[];
  /** The text of `_runtime.py` (src/core/scaffold/templates/runtime.py). */
  readonly runtimeSource: string;
  /**
   * The notebook's random draws no seed fixes (promotion's `not-reproducible` warnings), each as "cell 4 line 2:
   * <what draws>": a failing reproduction test names them, since its numbers differ from run to run.
   */
  readonly unseededDraws?: readonly string[];
  /**
   * Why the saved outputs the expected metrics come from may be older than the code (promotion warned:
   * `metrics-output-stale`, `outputs-not-rerun`), each with its cell: a failing metrics test says so.
   */
  readonly staleOutputs?: readonly string[];
  /** The expected metrics are those the notebook's saved outputs show (not an execution's): a failing metrics test says they may be older than the notebook. */
  readonly expectedFromOutputs?: true;
}

/**
 * An indented `global a, b` line (in a function a step defines) with the names the step binds turned into
 * `nonlocal`: in the notebook they were globals, in the package they are the step function's locals. Other
 * names stay `global`. Any other line is returned as it is.
 */
export function nonlocalForLocals(line: string, locals: ReadonlySet<string>): string {
  const m = /^(\s+)global\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(#.*)?$/.exec(line);
  if (m === null) return line;
  const names = (m[2] ?? '').split(',').map((n) => n.trim());
  const inner = names.filter((n) => locals.has(n));
  if (inner.length === 0) return line;
  const outer = names.filter((n) => !locals.has(n));
  const statements = [`nonlocal ${inner.join(', ')}`, ...(outer.length > 0 ? [`global ${outer.join(', ')}`] : [])];
  return `${m[1] ?? ''}${statements.join('; ')}${m[3] === undefined ? '' : `  ${m[3]}`}`;
}


/**
 * The metrics cell's body with the expression it showed last, which the translation commented out, put back
 * where it was as `<variable> = <expression>`; undefined when the comment is not there as the translation writes it.
 */
function shownInPlace(body: string, shown: string, variable: string): string | undefined {
  const lines = body.split('\n');
  const shownLines = shown.split('\n');
  const comment = commentedOut(SHOWN_VALUE_NOTE, shownLines[0] ?? '');
  const at = lines.indexOf(comment);
  if (at === -1) return undefined;
  for (let i = 1; i < shownLines.length; i++) if (!(lines[at + i] ?? '').startsWith('#') && (lines[at + i] ?? '').trim() !== '') return undefined;
  const restored = shownLines.map((line, i) => (i === 0 ? `${variable} = ${line.trim()}` : line));
  restored[restored.length - 1] += '  # what the notebook showed';
  return [...lines.slice(0, at), ...restored, ...lines.slice(at + shownLines.length)].join('\n');
}

/**
 * `body` with a `display(<expression>)` statement the translation left out (or kept without `display`, its
 * value still computed) put back in place as `variable = (<expression>)`, on the same lines. Undefined when the
 * statement is not found.
 */
function displayedInPlace(body: string, statement: string, variable: string): string | undefined {
  const lines = body.split('\n');
  const statementLines = statement.split('\n');
  const first = statementLines[0] ?? '';
  if (!/^display\s*\(/.test(first)) return undefined;
  const value = first.trim().replace(/^display\s*/, '');
  const note = '  # what the notebook displayed';
  // Commented out: alone on its line, or after the `pass` a block it emptied got (`with ...:` / `pass  # ...`).
  const comment = commentedOut(DISPLAY_NOTE, first);
  const at = lines.findIndex((line) => line.trimStart() === comment || line.trimStart() === `pass  ${comment}`);
  if (at !== -1) {
    const indent = (lines[at] ?? '').slice(0, (lines[at] ?? '').length - (lines[at] ?? '').trimStart().length);
    for (let i = 1; i < statementLines.length; i++) if (!(lines[at + i] ?? '').trimStart().startsWith('#') && (lines[at + i] ?? '').trim() !== '') return undefined;
    // `display(table.head())` on one line: `_displayed = table.head()`, without display's parentheses.
    const inner = statementLines.length === 1 ? parenthesized(value) : undefined;
    const shown = inner !== undefined && printArguments(inner).length === 1 ? inner.trim() : value;
    const restored = statementLines.map((line, i) => (i === 0 ? `${indent}${variable} = ${shown}` : line));
    restored[restored.length - 1] += note;
    return [...lines.slice(0, at), ...restored, ...lines.slice(at + statementLines.length)].join('\n');
  }
  // Kept without `display`: `(expression)  # nbpromote: display(...) removed; ...` on its last line.
  const kept = lines.findIndex((line, i) => line.trimStart().startsWith(value) && (lines[i + statementLines.length - 1] ?? '').endsWith(`  ${DISPLAY_KEPT_NOTE}`));
  if (kept === -1) return undefined;
  const line = lines[kept] ?? '';
  const indent = line.slice(0, line.length - line.trimStart().length);
  const out = [...lines];
  if (statementLines.length === 1) {
    const text = line.trimStart().slice(0, -`  ${DISPLAY_KEPT_NOTE}`.length);
    const inner = parenthesized(text);
    out[kept] = `${indent}${variable} = ${inner !== undefined && printArguments(inner).length === 1 ? inner.trim() : text}${note}`;
    return out.join('\n');
  }
  out[kept] = `${indent}${variable} = ${line.trimStart()}`;
  const end = kept + statementLines.length - 1;
  out[end] = `${(out[end] ?? '').slice(0, -`  ${DISPLAY_KEPT_NOTE}`.length)}${note}`;
  return out.join('\n');
}

/** A cell's top-level `def` or `class` (not a lambda), with its kind and `def`/`class` line. */
type TopLevelDefinition = NonNullable<GeneratedCell['definitions']>[number] & { readonly kind: 'function' | 'class'; readonly line: number };

function topLevelDefinitions(g: GeneratedCell): TopLevelDefinition[] {
  return (g.definitions ?? []).flatMap((def) => (def.topLevel && def.kind !== undefined && def.line !== undefined ? [{ ...def, kind: def.kind, line: def.line }] : []));
}

/** A top-level `def` or `class` a later one of the same module replaces before anything reads it: left out. */
export interface ReplacedDefinition {
  readonly name: string;
  readonly kind: 'function' | 'class';
  readonly startLine: number;
  readonly endLine: number;
  /** The cell and the `def`/`class` line of the definition that replaces it. */
  readonly by: CellRef;
  readonly byLine: number;
}

/**
 * The top-level functions and classes of `cells` (one generated module or function, in order) that a later
 * definition of the same name replaces before anything reads them, by cell index: the notebook never ran them,
 * and pyflakes reports the module ("redefinition of unused"). A read between the two keeps the earlier one:
 * one evaluated there (`model = make_model()`, a decorator), or of a function or class whose code reaches the
 * name (`run()` calling it). A read inside a function's body waits until it is called, so it counts only so.
 */
export function replacedDefinitions(cells: readonly CellRef[], generated: ReadonlyMap<number, GeneratedCell>): Map<number, ReplacedDefinition[]> {
  const defs: { order: number; cell: CellRef; def: TopLevelDefinition }[] = [];
  const reads: { order: number; line: number; name: string }[] = [];
  for (const [order, cell] of cells.entries()) {
    const g = generated.get(cell.index);
    if (g === undefined) continue;
    const own = topLevelDefinitions(g);
    for (const def of own) defs.push({ order, cell, def });
    const bodies = own.filter((d) => d.kind === 'function');
    for (const site of g.useSites ?? []) {
      if (!bodies.some((d) => site.line > d.line && site.line <= d.endLine)) reads.push({ order, line: site.line, name: site.name });
    }
  }
  // What calling each name may read: what its definitions read, and what the functions and classes they read do.
  const reach = reachable(defs.map(({ def }) => def));
  const replaced = new Map<number, ReplacedDefinition[]>();
  // The next definition of each one's name, found from the end.
  const nextOf: (typeof defs)[number][] = [];
  const latest = new Map<string, (typeof defs)[number]>();
  for (let i = defs.length - 1; i >= 0; i--) {
    const d = defs[i];
    if (d === undefined) continue;
    const next = latest.get(d.def.name);
    if (next !== undefined) nextOf[i] = next;
    latest.set(d.def.name, d);
  }
  for (const [i, { order, cell, def }] of defs.entries()) {
    const next = nextOf[i];
    if (next === undefined) continue;
    // Between the end of this one and the `def`/`class` line of the next (its decorators run before it binds).
    const between = (r: { order: number; line: number }): boolean =>
      (r.order > order || (r.order === order && r.line > def.endLine)) && (r.order < next.order || (r.order === next.order && r.line < next.def.line));
    if (reads.some((r) => between(r) && (r.name === def.name || reach.get(r.name)?.has(def.name) === true))) continue;
    const list = replaced.get(cell.index) ?? [];
    list.push({ name: def.name, kind: def.kind, startLine: def.startLine, endLine: def.endLine, by: next.cell, byLine: next.def.line });
    replaced.set(cell.index, list);
  }
  return replaced;
}

/** A shared top-level function or class a later shared cell defines again after a step used it: kept under another name. */
export interface SharedVersion {
  /** The notebook's name (`clean_amount`), and the name it has in the shared module (`clean_amount_v1`). */
  readonly name: string;
  readonly as: string;
  readonly kind: 'function' | 'class';
  readonly cell: CellRef;
  /** Lines of the definition with its decorators, and its `def`/`class` line. */
  readonly startLine: number;
  readonly endLine: number;
  readonly line: number;
  /** The cell defining it again. */
  readonly by: CellRef;
  /** The units that used it before that (`step load`, `the metrics`, `the test cells`). */
  readonly usedBy: readonly string[];
}

/** A use of a redefined shared name the package cannot make exact: what to warn about. */
export interface InexactSharedUse {
  readonly name: string;
  /** The unit's first cell reading the name, and the cell(s) defining it again. */
  readonly cell: CellRef;
  readonly message: string;
}

export interface SharedVersions {
  readonly versions: readonly SharedVersion[];
  /** By unit (`step:<name>`, `metrics`, `tests`): notebook name -> the shared module's name it imports as. */
  readonly imports: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly inexact: readonly InexactSharedUse[];
}

/**
 * Which version of a shared function or class each step (the metrics, the test cells) used, when the shared
 * cells define it more than once with steps between: `functions` cell, step `load` calling `clean_amount`, a
 * second `functions` cell redefining it. The notebook ran each step with the version defined before it; the
 * shared module keeps every version a step used, the earlier ones as `<name>_v<n>`, and each unit imports the
 * one it used under the notebook's name. What cannot be made so (one step using two versions, a shared function
 * calling the name for a step between the two) is given in `inexact`.
 */
export function sharedVersions(graph: StepGraph, generated: ReadonlyMap<number, GeneratedCell>): SharedVersions {
  const defs: { cell: CellRef; def: TopLevelDefinition }[] = [];
  for (const cell of graph.common.cells) {
    const g = generated.get(cell.index);
    for (const def of g === undefined ? [] : topLevelDefinitions(g)) defs.push({ cell, def });
  }
  const empty: SharedVersions = { versions: [], imports: new Map(), inexact: [] };
  const byName = new Map<string, typeof defs>();
  for (const d of defs) byName.set(d.def.name, [...(byName.get(d.def.name) ?? []), d]);
  const redefined = [...byName].filter(([, list]) => new Set(list.map((d) => d.cell.index)).size > 1);
  if (redefined.length === 0) return empty;
  // What calling each shared name may read (as replacedDefinitions): a step calling `run` reaches `clean`.
  const reach = reachable(defs.map(({ def }) => def));
  const units: { key: string; words: string; cells: readonly CellRef[]; commonNames: readonly string[] }[] = [
    ...graph.steps.map((s) => ({ key: `step:${s.name}`, words: `step ${s.name}`, cells: s.cells, commonNames: s.commonNames })),
    ...(graph.metrics === undefined ? [] : [{ key: 'metrics', words: 'the metrics', cells: graph.metrics.cells, commonNames: graph.metrics.commonNames }]),
    // The test cells share one module: one import for all.
    ...(graph.tests.length === 0 ? [] : [{ key: 'tests', words: 'the test cells', cells: graph.tests.flatMap((t) => t.cells), commonNames: [...new Set(graph.tests.flatMap((t) => t.commonNames))] }]),
  ];
  const taken = new Set([...graph.common.names, ...[...generated.values()].flatMap((g) => [...g.uses, ...g.assigned, ...(g.definitions ?? []).map((d) => d.name)])]);
  const versions: SharedVersion[] = [];
  const imports = new Map<string, Map<string, string>>();
  const inexact: InexactSharedUse[] = [];
  for (const [name, list] of redefined) {
    // The version a cell at `index` sees: the last one defined in a cell before it.
    const at = (index: number): number => list.reduce((found, d, i) => (d.cell.index < index ? i : found), -1);
    const last = list.length - 1;
    const usedBy = new Map<number, string[]>();
    const pending: { key: string; version: number }[] = [];
    for (const unit of units) {
      const seen = new Set<number>();
      let first: CellRef | undefined;
      for (const cell of unit.cells) {
        const g = generated.get(cell.index);
        if (g === undefined) continue;
        const version = at(cell.index);
        if (g.uses.has(name) && unit.commonNames.includes(name) && version >= 0) {
          seen.add(version);
          first ??= cell;
        }
        const through = [...g.uses].filter((n) => n !== name && unit.commonNames.includes(n) && reach.get(n)?.has(name) === true);
        if (through.length > 0 && version >= 0 && version < last) {
          const by = list[version + 1]?.cell ?? cell;
          inexact.push({ name, cell, message: `${unit.words} calls ${through.join(', ')}, which reaches ${name}; ${cellWords([by])} defines ${name} again after this cell, and in the package ${through.length === 1 ? 'it calls' : 'they call'} the last ${name}: define ${name} once, or give each version its own name` });
        }
        // The unit's own definition of the name hides the shared one from here on.
        if ((g.definitions ?? []).some((d) => d.topLevel && d.name === name) || g.assigned.includes(name)) break;
      }
      if (seen.size === 0 || first === undefined) continue;
      const used = Math.max(...seen);
      if (seen.size > 1) {
        const again = list.filter((_, i) => i > Math.min(...seen) && i <= used).map((d) => cellWords([d.cell]));
        inexact.push({ name, cell: first, message: `${unit.words} uses ${name} before and after ${again.join(', ')} ${again.length === 1 ? 'defines' : 'define'} it again: in the package it uses the last of those for all its cells. Define ${name} once, or give each version its own name` });
      }
      if (used === last) continue;
      usedBy.set(used, [...(usedBy.get(used) ?? []), unit.words]);
      pending.push({ key: unit.key, version: used });
    }
    const names = new Map<number, string>();
    for (const [i, words] of [...usedBy].sort(([a], [b]) => a - b)) {
      const d = list[i];
      const by = list[i + 1];
      if (d === undefined || by === undefined) continue;
      let as = `${name}_v${i + 1}`;
      while (taken.has(as)) as += '_';
      taken.add(as);
      names.set(i, as);
      versions.push({ name, as, kind: d.def.kind, cell: d.cell, startLine: d.def.startLine, endLine: d.def.endLine, line: d.def.line, by: by.cell, usedBy: words });
    }
    for (const { key, version } of pending) {
      const as = names.get(version);
      if (as === undefined) continue;
      const own = imports.get(key) ?? new Map<string, string>();
      own.set(name, as);
      imports.set(key, own);
    }
  }
  return { versions, imports, inexact };
}

/** What a folder added to `sys.path` may be made of at a step module's top ({@link Generator.pathSetup}), and the imports those need first. */
const PATH_SETUP_NAMES = new Set(['sys', 'os', 'site', 'Path', 'pathlib', 'str']);
/** Names a step module imports for its own code (type hints): no step function may have them. */
const STEP_MODULE_NAMES: ReadonlySet<string> = new Set(['Any', 'NamedTuple', 'Path']);

const PATH_SETUP_IMPORT = /^(?:import (?:sys|os|site|pathlib|os\.path)|from pathlib import Path|from typing import [\w, ]+)$/;

/** The names a generated step test binds or takes as fixtures (see stepTestFile). */
const TEST_LOCALS = new Set(['pipeline_config', 'pipeline_run', 'monkeypatch', 'params', 'values', 'result', 'returned', 'name', 'recorded', 'OUTPUTS', 'annotations', 'used_up', 'value', 'pytest']);

/** Name -> the names calling it may read: what its definitions read, and what the definitions those name read, to the end. */
function reachable(defs: readonly { readonly name: string; readonly freeNames: readonly string[] }[]): Map<string, Set<string>> {
  const reach = new Map<string, Set<string>>();
  for (const def of defs) reach.set(def.name, new Set([...(reach.get(def.name) ?? []), ...def.freeNames]));
  for (let grew = true; grew; ) {
    grew = false;
    for (const names of reach.values()) {
      for (const n of [...names]) {
        for (const m of reach.get(n) ?? []) {
          if (names.has(m)) continue;
          names.add(m);
          grew = true;
        }
      }
    }
  }
  return reach;
}

/**
 * The graph with the functions and classes steps define at their module's top (hoisted, see
 * {@link UnitCode.hoistable}) imported by the later units calling them (`from .load import add_ratio`), not
 * returned by the step and passed in as inputs (round 43 U: `def score(add_ratio, raw)` read as if a function
 * were data). A unit binding the name itself keeps taking it as an input, and then so does every unit, and the
 * step keeps returning it.
 */
export function withStepImports(graph: StepGraph, cells: ReadonlyMap<number, GeneratedCell>): StepGraph {
  const code = new UnitCode({ graph, cells });
  const units = new Map<string, CodeUnit>([...graph.steps.map((s) => [s.name, s] as const), ...(graph.metrics === undefined ? [] : [['metrics', graph.metrics] as const]), ...graph.tests.map((t) => [testNode(t), t] as const)]);
  /** By unit: the names it imports, each from the step defining it. */
  const imports = new Map<string, StepImport[]>();
  const dropped = new Map<string, Set<string>>();
  for (const step of graph.steps) {
    const hoisted = new Set(code.hoistable(step).map(({ def }) => def.name));
    for (const name of step.outputs.filter((o) => hoisted.has(o))) {
      const users = [...new Set(graph.edges.filter((e) => e.from === step.name && e.name === name).map((e) => e.to))];
      if (users.some((u) => { const unit = units.get(u); return unit === undefined || code.bindsAnywhere(unit.cells, name); })) continue;
      dropped.set(step.name, (dropped.get(step.name) ?? new Set()).add(name));
      for (const u of users) imports.set(u, [...(imports.get(u) ?? []), { name, step: step.name }]);
    }
  }
  if (dropped.size === 0) return graph;
  const rewritten = <T extends CodeUnit>(unit: T, key: string): T => {
    const own = imports.get(key);
    return own === undefined ? unit : { ...unit, inputs: unit.inputs.filter((i) => !own.some((m) => m.name === i)), stepImports: own };
  };
  const steps = graph.steps.map((step) => {
    const gone = dropped.get(step.name);
    const kept = gone === undefined ? step : { ...step, outputs: step.outputs.filter((o) => !gone.has(o)) };
    return rewritten(kept, step.name);
  });
  const metrics = graph.metrics === undefined ? undefined : rewritten(graph.metrics, 'metrics');
  const tests = graph.tests.map((t) => rewritten(t, testNode(t)));
  return { ...graph, steps, ...(metrics === undefined ? {} : { metrics }), tests };
}

/** Every unit whose code the package holds: the shared code, the steps, the metrics and the test cells. */
function unitsOf(graph: StepGraph): readonly { readonly cells: readonly CellRef[] }[] {
  return [graph.common, ...graph.steps, ...(graph.metrics === undefined ? [] : [graph.metrics]), ...graph.tests];
}

/** A test cell's node in the graph's edges: `test:<cell number>` (1-based). */
function testNode(test: CodeUnit): string {
  return `test:${(test.cells[0]?.index ?? -1) + 1}`;
}

export function planPromotion(input: PromoteInput): FilePlan[] {
  const g = new Generator(input);
  const plans = g.plan();
  // The notebook's own f-strings without a field, as plain strings, and asserts of a tuple, as the tuple: pyflakes
  // reports them (not in the runtime, ours). And, in the modules holding the notebook's functions (parsing every module costs as much as the analysis), a
  // read after each statement of a function binding a name it never reads (`tmp = ...`), which pyflakes reports.
  const withFunctions = g.pathsWithDefinitions();
  return plans.map((p) => {
    if (!p.path.endsWith('.py') || p.contents === input.runtimeSource) return p;
    const plain = withoutAlwaysTrueAsserts(withoutEmptyFStrings(p.contents));
    // (And a module of the notebook's code with an import inside a block, `try: import x` in a step, which its
    // function may never read; not the runner nbpromote writes, whose imports inside functions are read.)
    const ours = p.path.endsWith('/pipeline.py') || p.path.endsWith('/conftest.py');
    return { ...p, contents: withFunctions.has(p.path) || (!ours && /^[ \t]+(?:from|import)[ \t]/m.test(plain)) ? withUnusedLocalsRead(plain) : plain };
  });
}

/**
 * What the units' code binds, reads and can hoist, from the step graph and the translated cells alone: the
 * generator builds on it, and {@link withStepImports} asks it before anything is planned.
 */
class UnitCode {
  /** Memo of {@link notebookImports}. */
  private allImports: readonly string[] | undefined;
  /** Memos: what each step's function is called, the locals of a unit's cells. */
  private readonly functionNames = new Map<string, string>();
  private readonly locals = new WeakMap<readonly CellRef[], ReadonlySet<string>>();
  /** By cell index: the definitions a later one of the same module replaces before anything reads them (left out). */
  protected readonly replaced = new Map<number, ReplacedDefinition[]>();
  /** Shared definitions a later one replaces after a step used them: kept under another name ({@link sharedVersions}). */
  protected readonly versions: SharedVersions;
  /** Of those, the ones the shared code itself reads before the next (`base = clean(x)`): bound to the notebook's name too. */
  protected readonly versionsReadShared = new Set<SharedVersion>();

  /** While the shared module is made: a split parameters cell gives its shared part ({@link gen}). */
  private inShared = false;

  constructor(protected readonly input: Pick<PromoteInput, 'graph' | 'cells' | 'sharedCells'> & Partial<Pick<PromoteInput, 'notebook'>>) {
    for (const unit of unitsOf(input.graph)) {
      for (const [index, defs] of replacedDefinitions(unit.cells, input.cells)) this.replaced.set(index, defs);
    }
    this.versions = sharedVersions(input.graph, input.cells);
    for (const v of this.versions.versions) {
      const left = this.replaced.get(v.cell.index);
      const kept = left?.filter((d) => !(d.name === v.name && d.startLine === v.startLine));
      if (left === undefined || kept?.length === left.length) this.versionsReadShared.add(v);
      else if (kept !== undefined) this.replaced.set(v.cell.index, kept);
    }
  }

  /**
   * The generated code of cell `index`: a parameters cell whose code on its parameters runs in a step gives that
   * code, and, while the shared module is made ({@link asShared}), the code above it, which the shared module holds.
   */
  protected gen(index: number): GeneratedCell | undefined {
    return (this.inShared ? this.input.sharedCells?.get(index) : undefined) ?? this.input.cells.get(index);
  }

  /** `make()` with the cells as the shared module has them ({@link gen}). */
  protected asShared<T>(make: () => T): T {
    const was = this.inShared;
    this.inShared = true;
    try {
      return make();
    } finally {
      this.inShared = was;
    }
  }

  /**
   * The names a cell reads in the generated code: without those only definitions it leaves out read
   * ({@link replacedDefinitions}), which would leave an import or a local nothing reads.
   */
  protected usesOf(index: number): ReadonlySet<string> {
    const gen = this.gen(index);
    const replaced = this.leftOutIn(index);
    if (gen === undefined || replaced.length === 0) return gen?.uses ?? new Set();
    const inside = (line: number): boolean => replaced.some((d) => line >= d.startLine && line <= d.endLine);
    const kept = new Set((gen.useSites ?? []).filter((u) => !inside(u.line)).map((u) => u.name));
    const only = new Set((gen.useSites ?? []).filter((u) => inside(u.line) && !kept.has(u.name)).map((u) => u.name));
    return new Set([...gen.uses].filter((n) => !only.has(n)));
  }

  /** The definitions cell `index` leaves out: replaced by a later one, or defined by the units calling them instead. */
  protected leftOutIn(index: number): readonly { readonly startLine: number; readonly endLine: number }[] {
    const moved = this.movedOutOf(index);
    const replaced = this.replaced.get(index) ?? [];
    return moved.length === 0 ? replaced : [...replaced, ...moved];
  }

  /** The shared functions of cell `index` that common.py leaves out: the units calling them define them ({@link StepBoundFunction}). */
  protected movedOutOf(index: number): StepBoundFunction[] {
    return (this.input.graph.common.stepBound ?? []).filter((f) => f.leftOut && f.cellIndex === index);
  }

  /** The shared functions `unit` defines itself, in the notebook's order ({@link StepBoundFunction}). */
  protected definedIn(unit: CodeUnit): StepBoundFunction[] {
    return (this.input.graph.common.stepBound ?? []).filter((f) => unit.definesShared?.includes(f.name) === true);
  }

  /**
   * The step's function: named like the step, unless its code reads a global of that name (`step:sqrt`
   * calling `sqrt` from math, `step:clean` calling a shared `clean`), which a function of that name would
   * replace in its module: then `<step>_step`.
   */
  protected functionName(step: StepNode): string {
    const known = this.functionNames.get(step.name);
    if (known !== undefined) return known;
    const generated = step.cells.map((c) => this.gen(c.index)).filter((g) => g !== undefined);
    const locals = new Set([...this.functionLocals(step.cells), ...generated.flatMap((g) => (g.definitions ?? []).map((d) => d.name))]);
    const readsGlobal = (name: string): boolean => !locals.has(name) && generated.some((g) => g.uses.has(name));
    // A function or class of the step's own name (`def encode(frame)` in step encode): the step function gives it
    // the name, so it can go to the module's top, where later units import it (round 47 BB: it stayed inside).
    const definesIt = generated.some((g) => (g.definitions ?? []).some((d) => d.name === step.name && d.topLevel));
    let name = step.name;
    // A step named as the module's own imports (`Any`, round 57 ZZ: pyflakes saw a redefinition).
    if (readsGlobal(name) || definesIt || STEP_MODULE_NAMES.has(name)) name = `${step.name}_step`;
    while (readsGlobal(name)) name += '_';
    if (!this.inShared) this.functionNames.set(step.name, name);
    return name;
  }

  /**
   * Shared names to import at the top of a module, and those to import where they are used, when the code
   * runs: a shared function changes the latter with `global` (a call counter), and an import at the top
   * would keep the value they had when the module was imported.
   */
  protected splitShared(names: readonly string[]): { atImport: string[]; late: string[] } {
    const common = this.input.graph.common;
    // A shared class a step changes (`Settings.verbose = True`): copying a class gives the class itself, so the
    // change is to shared state, as a function's `global` is (round 71 ABA: a cached step left it at its start).
    const changed = new Set([...this.asShared(() => common.cells.flatMap((c) => this.gen(c.index)?.globalsDeclared ?? [])), ...(common.changedClasses ?? [])]);
    const sorted = [...names].sort();
    return { atImport: sorted.filter((n) => !changed.has(n)), late: sorted.filter((n) => changed.has(n)) };
  }

  /** The names the cells bind at their top: locals of the function they become. */
  protected functionLocals(cells: readonly CellRef[]): Set<string> {
    const known = this.inShared ? undefined : this.locals.get(cells);
    if (known !== undefined) return new Set(known);
    const generated = cells.map((c) => this.gen(c.index)).filter((g) => g !== undefined);
    const locals = new Set(generated.flatMap((g) => [...g.assigned, ...(g.localBindings ?? []).map((b) => b.name)]));
    // Remembered as the units have their cells (a split parameters cell's step part), not as the shared module has them.
    if (!this.inShared) this.locals.set(cells, locals);
    return new Set(locals);
  }

  /** The names the shared functions a unit defines itself read: the imports they need stay. */
  protected sharedDefinitionReads(unit: CodeUnit): string[] {
    return this.definedIn(unit).flatMap((f) => (this.gen(f.cellIndex)?.useSites ?? []).filter((u) => u.line >= f.startLine && u.line <= f.endLine).map((u) => u.name));
  }

  /** True when one of the cells binds `name` at its top, or deletes it, or a function of theirs declares it `global`. */
  bindsAnywhere(cells: readonly CellRef[], name: string): boolean {
    return cells.some((c) => {
      const g = this.gen(c.index);
      if (g === undefined) return false;
      const bound = [...(g.bound ?? g.assigned), ...(g.localBindings ?? []).map((b) => b.name), ...(g.definitions ?? []).map((d) => d.name), ...(g.globalsDeclared ?? []), ...(g.deleted ?? [])];
      return bound.includes(name);
    });
  }

  /**
   * The functions and classes a step's cells define at their top that need nothing the step computes: only
   * imports, shared names and each other. They go to the step's module level: a function or class defined
   * inside the step function cannot be pickled, so a step returning one (or an instance of one) would never
   * be cached. A name defined twice, or also assigned in the step, stays where it is.
   */
  hoistable(step: StepNode): { cell: CellRef; def: NonNullable<GeneratedCell['definitions']>[number] }[] {
    const allowed = new Set([...this.prunedImports(step.imports, step.cells).map(boundName).filter((n) => n !== undefined), ...this.splitShared(step.commonNames).atImport, ...(step.stepImports ?? []).map((i) => i.name)]);
    const rebound = this.functionLocals(step.cells);
    // The module's own names: the step function, its outputs class, the typing names and what it imports. A
    // definition named like one of them (`def load(path)` in step `load`) would replace it: it stays inside.
    const moduleNames = [this.functionName(step), `${pascalCase(step.name)}Outputs`, 'Any', 'NamedTuple', 'annotations', ...allowed];
    for (const name of moduleNames) rebound.add(name);
    // An input the step defines again (`def normalize` after calls reading the earlier one): the def rebinds the
    // argument, inside the function (round 35 E).
    for (const name of step.inputs) rebound.add(name);
    // One the step changes after defining it keeps that state only as a value of the step's (round 49 GG).
    for (const name of step.changesDefinitions ?? []) rebound.add(name);
    // A definition left out for a later one replacing it is not there: the later one may be hoisted.
    const replaced = (cell: CellRef, def: { name: string; startLine: number }): boolean => this.replaced.get(cell.index)?.some((d) => d.name === def.name && d.startLine === def.startLine) === true;
    const all = step.cells.flatMap((cell) => (this.gen(cell.index)?.definitions ?? []).filter((def) => !replaced(cell, def)).map((def) => ({ cell, def })));
    const count = new Map<string, number>();
    for (const { def } of all) count.set(def.name, (count.get(def.name) ?? 0) + 1);
    const declaresLocal = (cell: CellRef, def: { startLine: number; endLine: number }): boolean => {
      const code = this.gen(cell.index)?.code.split('\n').slice(def.startLine - 1, def.endLine) ?? [];
      return code.some((line) => nonlocalForLocals(line, rebound) !== line);
    };
    // A lambda's name is bound by its own assignment: it may be hoisted when nothing else binds the name.
    const bindings = (name: string): number =>
      step.cells.reduce((n, c) => {
        const g = this.gen(c.index);
        return n + (g?.assigned.filter((a) => a === name).length ?? 0) + (g?.localBindings?.filter((b) => b.name === name && !g.assigned.includes(name)).length ?? 0);
      }, 0);
    const free = (def: { name: string; asDef?: string }): boolean => (def.asDef === undefined ? !rebound.has(def.name) : bindings(def.name) === 1 && !moduleNames.includes(def.name));
    // A decorated definition reading shared code that keeps tracked state (`@register("a")` filling a shared
    // registry, round 71 ABA) decorates where the notebook did, when the step runs: at the module's import, every
    // run's start would put the registry back as the shared code left it, and a step that ran would leave it empty.
    const tracked = this.splitShared(this.input.graph.common.names).late.length > 0;
    const sharedNames = new Set(this.input.graph.common.names);
    const registers = (def: { startLine: number; line?: number; freeNames: readonly string[] }): boolean => tracked && def.line !== undefined && def.startLine < def.line && def.freeNames.some((n) => sharedNames.has(n));
    let kept = all.filter(({ cell, def }) => def.topLevel && count.get(def.name) === 1 && free(def) && !declaresLocal(cell, def) && !registers(def));
    // An import or shared name the step binds again (`def normalize` after calls of a function reading the shared
    // one): a function reading it stays beside that binding, or every call would read the shared one.
    // So does a shared name the step changes in place, which it copies first (`CONFIG = _runtime.copied(CONFIG)`,
    // round 71 ABA: `def clipper` reading CONFIG went to the module, where CONFIG is not defined).
    const stepBinds = new Set([...this.functionLocals(step.cells), ...all.map(({ def }) => def.name), ...(step.changesShared ?? [])]);
    for (;;) {
      const names = new Set(kept.map(({ def }) => def.name));
      const next = kept.filter(({ def }) => def.freeNames.every((n) => names.has(n) || (allowed.has(n) && !stepBinds.has(n))));
      if (next.length === kept.length) return kept;
      kept = next;
    }
  }

  protected prunedImports(statements: readonly string[], cells: readonly CellRef[], alsoUsed: readonly string[] = []): string[] {
    const used = new Set([...cells.flatMap((c) => [...this.usesOf(c.index)]), ...alsoUsed]);
    const kept = statements.filter((s) => {
      const bound = boundName(s);
      return bound === undefined || used.has(bound);
    });
    // And the notebook's imports made for what importing does (sideEffectImports.ts), which the kept ones need,
    // wherever the notebook made them (round 78 NON: one in a step cell, the estimator imported by a later cell).
    const code = cells.map((c) => this.gen(c.index)?.code ?? '').join('\n');
    // (A library imported inside a function too: `def fill(X):` / `from sklearn.impute import ...`, round 80 RSR.)
    const libraries = new Set([...kept.map(topModule), ...[...code.matchAll(/^[ \t]+(?:from|import)[ \t]+(\w+)/gm)].map((m) => m[1])]);
    const effects = [...new Set([...statements, ...this.notebookImports()])].filter((s) => {
      const effect = kept.includes(s) ? undefined : sideEffectImport(s);
      if (effect === undefined) return false;
      return effect.needs !== undefined ? libraries.has(effect.needs) : effect.uses !== undefined ? effect.uses.test(code) : true;
    });
    return [...effects, ...kept];
  }

  /**
   * Every import statement of the notebook's code, in the graph's order: shared code's, the steps', the metrics', the
   * tests'; then the one-line imports made for what importing does anywhere in any code cell, one the package leaves
   * out (`skip`) too, or in a `try:` (round 79 PQP: the estimator a step used failed at import).
   */
  private notebookImports(): readonly string[] {
    if (this.allImports !== undefined) return this.allImports;
    const { common, steps, metrics, tests } = this.input.graph;
    // (Indented too: `try: from sklearn.experimental import enable_...` / `except ImportError: pass`, round 79 PQP.)
    // An indented one only when its library's imports need it (`enable_*`): an optional one, `try: import janitor`,
    // may not be installed (round 80 RSR: hoisted, it failed every module where the notebook went on without it).
    const anyCell = (this.input.notebook?.cells ?? []).filter((c) => c.kind === 'code' && /^[ \t]*(?:from|import)[ \t]/m.test(c.source)).flatMap((c) =>
      c.source.split(/\r?\n/).flatMap((line) => {
        const statement = line.replace(/\s+#.*$/, '').trim();
        const effect = /^(?:from|import)[ \t]/.test(statement) ? sideEffectImport(statement) : undefined;
        return effect !== undefined && (effect.needs !== undefined || !/^[ \t]/.test(line)) ? [statement] : [];
      }),
    );
    this.allImports = [...new Set([...common.imports, ...steps.flatMap((s) => s.imports), ...(metrics?.imports ?? []), ...tests.flatMap((t) => t.imports), ...anyCell])];
    return this.allImports;
  }

  /**
   * `del name` after a module's imports for each import made for what importing does (sideEffectImports.ts) whose
   * name the module's cells do not read, or bind themselves: pyflakes would say it is unused.
   */
  protected sideEffectDeletes(imports: readonly string[], cells: readonly CellRef[]): string[] {
    const used = new Set(cells.flatMap((c) => [...this.usesOf(c.index)]));
    // (Read, but bound by the cells themselves, `except ImportError: enable_x = None`: theirs, not this import's.)
    const rebound = this.functionLocals(cells);
    const names = new Map<string, string>();
    for (const statement of imports) {
      const effect = sideEffectImport(statement);
      if (effect === undefined) continue;
      for (const name of importedNames(statement)) if (!used.has(name) || rebound.has(name)) names.set(name, effect.does);
    }
    if (names.size === 0) return [];
    const does = [...new Set(names.values())].join('; ');
    return [`del ${[...names.keys()].join(', ')}  # imported for what importing does (${does}); nothing reads the name`, ''];
  }
}

class Generator extends UnitCode {
  private readonly pkg: string;
  private readonly src: string;
  /** Memos: the generators steps seed. */
  private stepSeeded: ('random' | 'numpy')[] | undefined;
  private sharedSeeders: SeedingFunctions | undefined;
  /** The graph's edges by where they go (a step, `metrics`, `test:<n>`): looked up for every step's inputs. */
  private readonly edgesInto = new Map<string, StepGraph['edges'][number][]>();

  constructor(protected override readonly input: PromoteInput) {
    super(input);
    this.pkg = input.packageName;
    this.src = `src/${input.packageName}`;
    for (const edge of input.graph.edges) {
      const into = this.edgesInto.get(edge.to);
      if (into === undefined) this.edgesInto.set(edge.to, [edge]);
      else into.push(edge);
    }
  }

  /**
   * `from <module> import ...` items for a unit's shared names (`step:<name>`, `metrics`, `tests`): an earlier
   * version of a function the notebook defined again is imported under the notebook's name ({@link sharedVersions}).
   */
  private sharedImportItems(key: string, names: readonly string[]): string[] {
    const own = this.versions.imports.get(key);
    return names.map((n) => {
      const as = own?.get(n);
      return as === undefined ? n : `${as} as ${n}`;
    });
  }

  /** Names the cells read only in definitions left out ({@link replacedDefinitions}): nothing imports them for them. */
  private readOnlyInReplaced(cells: readonly CellRef[]): Set<string> {
    const read = new Set(cells.flatMap((c) => [...this.usesOf(c.index)]));
    return new Set(cells.flatMap((c) => [...(this.gen(c.index)?.uses ?? [])]).filter((n) => !read.has(n)));
  }

  plan(): FilePlan[] {
    const { graph } = this.input;
    const files: FilePlan[] = [
      { path: `${this.src}/__init__.py`, contents: this.initFile(), why: 'the package and its __version__' },
      { path: `${this.src}/_runtime.py`, contents: this.input.runtimeSource, why: 'the pipeline runner: order, parameters, cache, run records' },
      { path: `${this.src}/${this.input.sharedModule}.py`, contents: this.sharedFile(), why: this.holdingCode(graph.common.cells).length === 0 ? 'shared code (the notebook has none yet)' : `shared imports, functions and constants (${this.cellList(this.holdingCode(graph.common.cells))})` },
      { path: `${this.src}/steps/__init__.py`, contents: `"""The steps of the ${this.pkg} pipeline, one module each."""\n`, why: 'the steps package' },
      ...graph.steps.map((step) => ({ path: `${this.src}/steps/${step.name}.py`, contents: this.stepFile(step), why: `the step ${step.name} (${this.cellList(step.cells)})` })),
      { path: `${this.src}/pipeline.py`, contents: this.pipelineFile(), why: 'runs the steps in order: python -m ' + `${this.pkg}.pipeline` },
      { path: 'pipeline.yaml', contents: this.configFile(), why: 'the pipeline config: parameters, steps, metrics' },
      { path: 'tests/conftest.py', contents: this.conftestFile(), why: 'pytest fixtures: the config and one cached pipeline run' },
      ...graph.steps.map((step) => ({ path: `tests/test_${step.name}.py`, contents: this.stepTestFile(step), why: `the contract of step ${step.name}` })),
      { path: 'pyproject.toml', contents: this.pyprojectFile(), why: 'the package metadata and dependencies (yours once you edit it)', mode: 'until-edited' as const },
    ];
    if (graph.metrics !== undefined) {
      files.push({ path: `${this.src}/metrics.py`, contents: this.metricsFile(graph.metrics), why: `the metrics (${this.cellList(graph.metrics.cells)})` });
      files.push({ path: this.fixedTestPath('metrics', 'metrics_reproduced'), contents: this.metricsTestFile(), why: 'the pipeline reproduces the notebook metrics' });
    }
    if (graph.tests.length > 0) files.push({ path: this.fixedTestPath('notebook', 'notebook_cells'), contents: this.notebookTestsFile(), why: "the notebook's test cells" });
    return files;
  }

  /** The generated modules holding functions of the notebook's code (defined in their cells, or shared ones they define). */
  pathsWithDefinitions(): Set<string> {
    const { graph } = this.input;
    const defines = (unit: CodeUnit): boolean => (unit.definesShared ?? []).length > 0 || this.definingCells(unit.cells);
    const paths = new Set<string>();
    if (this.asShared(() => this.definingCells(graph.common.cells))) paths.add(`${this.src}/${this.input.sharedModule}.py`);
    for (const step of graph.steps) if (defines(step)) paths.add(`${this.src}/steps/${step.name}.py`);
    if (graph.metrics !== undefined && defines(graph.metrics)) paths.add(`${this.src}/metrics.py`);
    if (graph.tests.some((t) => defines(t))) paths.add(this.fixedTestPath('notebook', 'notebook_cells'));
    return paths;
  }

  private definingCells(cells: readonly CellRef[]): boolean {
    return cells.some((c) => (this.gen(c.index)?.definitions ?? []).length > 0);
  }

  // ---- package files ----

  /** The cells holding anything but blank lines: an empty cell Jupyter left is no source of a file (round 62 JJJ). */
  private holdingCode(cells: readonly CellRef[]): CellRef[] {
    return cells.filter((c) => (this.gen(c.index)?.code ?? '').trim() !== '');
  }

  private header(what: string, cells: readonly CellRef[]): string {
    const from = cells.length === 0 ? docText(this.input.notebookPath) : `${docText(this.input.notebookPath)}, ${cellWords(cells)}`;
    return `${what}\n\nGenerated by nbpromote ${this.input.toolVersion} from ${from}.\nChange the notebook and promote again rather than editing this file.`;
  }

  private initFile(): string {
    const folder = this.input.workdir === '.' ? '' : ` / ${pyString(this.input.workdir)}`;
    const runsCode = this.sharedRunsFirst();
    const lines = [
      `"""${this.pkg}: promoted from ${docText(this.input.notebookPath)} by nbpromote."""`,
      'from __future__ import annotations',
      '',
      ...(runsCode ? ['import contextlib', 'import importlib'] : []),
      'import sys',
      'from pathlib import Path',
      '',
      `__version__ = ${pyString(this.input.version)}`,
      '',
      "#: The notebook's folder. Its code ran there: modules beside the notebook are imported from there, as in",
      '#: the notebook, and the steps run there (pipeline.yaml `workdir`).',
      `NOTEBOOK_DIR = (Path(__file__).resolve().parents[2]${folder}).resolve()`,
      'if NOTEBOOK_DIR.is_dir() and str(NOTEBOOK_DIR) not in sys.path:',
      '    sys.path.insert(0, str(NOTEBOOK_DIR))',
    ];
    const moves = this.input.movesTo ?? [];
    if (moves.length > 0) {
      const folder = (f: string): string => (f.startsWith('~') ? `Path(${pyString(f)}).expanduser()` : f.startsWith('/') ? `Path(${pyString(f)})` : `(NOTEBOOK_DIR / ${pyString(f)})`);
      lines.push(
        '',
        "# The notebook's code moves to these folders (`%cd ..`, `os.chdir(\"..\")`), and Jupyter imports from the current",
        '# folder (`from src.features import build` after `%cd ..`): after the notebook\'s folder and the standard library,',
        '# before installed packages, where Jupyter has the current folder on sys.path.',
        'from . import _runtime',
        '',
        '_place = _runtime.current_folder_place()',
        `for _folder in [${moves.map((f) => `${folder(f)}.resolve()`).join(', ')}]:`,
        '    if NOTEBOOK_DIR.is_dir() and _folder.is_dir() and str(_folder) not in sys.path:',
        '        sys.path.insert(_place, str(_folder))',
      );
    }
    if (this.notebookFileUsed(this.input.graph.steps.flatMap((s) => s.cells).concat(this.input.graph.common.cells, this.input.graph.metrics?.cells ?? [], this.input.graph.tests.flatMap((t) => t.cells)))) {
      const name = this.input.notebookPath.split('/').pop() ?? this.input.notebookPath;
      lines.push('', "#: The notebook: what `__file__` meant in its cells (VS Code's Jupyter sets it so), not the module the code is in.", `NOTEBOOK_FILE = str(NOTEBOOK_DIR / ${pyString(name)})`);
    }
    if (runsCode) {
      lines.push(
        '',
        "# The notebook's first cells ran before anything else: so does the shared code (sys.path changes included).",
        "# What it prints goes to stderr: stdout is the run's (with --json, one JSON document). When it fails while",
        '# the pipeline runs from the command line, the run fails naming the cell and line.',
        ...(moves.length > 0 ? [] : ['from . import _runtime', '']),
        'with _runtime.import_failure_ends_run(__name__), contextlib.redirect_stdout(sys.stderr):',
        `    importlib.import_module(".${this.input.sharedModule}", __name__)`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * `tests/test_<name>.py` for a test module of the package's own (metrics, notebook), unless a step has that
   * name (its contract test is `tests/test_<step>.py`): then `tests/test_<other>.py`, with more `_` until no
   * step has it.
   */
  private fixedTestPath(name: string, other: string): string {
    const steps = new Set(this.input.graph.steps.map((s) => s.name));
    if (!steps.has(name)) return `tests/test_${name}.py`;
    let free = other;
    while (steps.has(free)) free += '_';
    return `tests/test_${free}.py`;
  }

  /** The shared module's cells as it runs them: top-level lines, without comments. */
  private sharedBody(): string[] {
    return this.asShared(() => this.input.graph.common.cells.map((c) => this.cellBody(c, undefined)).filter((b) => b.trim() !== ''));
  }

  /**
   * True when the shared code does something when imported, beyond defining functions, classes and constants
   * (a call on a top-level line: `sys.path.append("..")`, `lookup = pd.read_csv("data/codes.csv")`; or an
   * assignment to an item or attribute: `os.environ["DATA_DIR"] = "data"`, what `%env` becomes): it then
   * runs in the notebook's folder, first.
   */
  private sharedRunsCode(): boolean {
    return this.sharedBody().some((body) =>
      body.split('\n').some((line) => /^[^\s#@]/.test(line) && !/^(?:async\s+)?(?:def|class)\b/.test(line) && (line.includes('(') || /^[A-Za-z_][\w.]*(?:\.\w+|\[[^\]]*\])\s*(?:[-+*/%&|^@]|\/\/|\*\*|<<|>>)?=(?!=)/.test(line))),
    );
  }

  /** The shared functions that seed global generators when called ({@link seedingFunctions}). */
  private seeders(): SeedingFunctions {
    this.sharedSeeders ??= seedingFunctions(this.sharedBody());
    return this.sharedSeeders;
  }

  /** Global generators the shared code seeds when imported: `np.random.seed(0)`, or `set_seed(7)` calling a shared function that does. */
  private sharedSeededRngs(): ('random' | 'numpy')[] {
    const seeders = this.seeders();
    return [...new Set(this.sharedBody().flatMap((b) => seededGlobalRngs(b, { seeders })))];
  }

  /**
   * Global generators the steps seed (`np.random.seed(seed)` in a step, or `set_seed(seed)` calling a shared
   * function that does) and the shared code does not.
   */
  private stepSeededRngs(): ('random' | 'numpy')[] {
    if (this.stepSeeded !== undefined) return this.stepSeeded;
    const shared = new Set(this.sharedSeededRngs());
    const seeders = this.seeders();
    const mentionsSeed = (code: string): boolean => mayCallSeed(code) || [...seeders.keys()].some((name) => code.includes(name));
    // Only cells that mention a seed call are split into lines.
    const steps = this.input.graph.steps.flatMap((step) => step.cells.flatMap((c) => {
      const code = this.input.cells.get(c.index)?.code ?? '';
      return mentionsSeed(code) ? seededGlobalRngs(code, { seeders }) : [];
    }));
    this.stepSeeded = [...new Set(steps)].filter((m) => !shared.has(m));
    return this.stepSeeded;
  }

  /** The modules beside the notebook its imports name: grouped after the libraries' imports. */
  private localImports(): ReadonlySet<string> {
    return this.input.localModules ?? new Set();
  }

  /** The shared module must run before the steps: it runs code, or it records state every run starts from. */
  private sharedRunsFirst(): boolean {
    return this.sharedRunsCode() || this.stepSeededRngs().length > 0 || this.splitShared(this.input.graph.common.names).late.length > 0;
  }

  private sharedFile(): string {
    // Seeds the steps' code sets are read first, as the steps have it.
    this.stepSeededRngs();
    return this.asShared(() => this.sharedFileText());
  }

  private sharedFileText(): string {
    const { common } = this.input.graph;
    const body = this.sharedBody();
    const names = [...common.names, ...this.versions.versions.map((v) => v.as)].filter((n) => !n.startsWith('_'));
    const lines = [`"""${this.header(`Shared code of the ${this.pkg} pipeline: imports, functions and constants.`, this.holdingCode(common.cells))}\n"""`];
    const commonImports = sortImports(this.prunedImports(common.imports, common.cells), this.localImports());
    lines.push('', ...commonImports);
    const commonDeletes = this.sideEffectDeletes(commonImports, common.cells);
    if (commonDeletes.length > 0) lines.push('', ...commonDeletes.slice(0, -1));
    const runsCode = this.sharedRunsCode();
    const changed = this.splitShared(common.names).late;
    // The global generators the shared code seeds, and those only the steps seed (`np.random.seed(seed)` in a step).
    const sharedSeeded = this.sharedSeededRngs();
    const stepSeeded = this.stepSeededRngs();
    if (runsCode) lines.push('', 'from . import NOTEBOOK_DIR, _runtime');
    else if (changed.length > 0 || stepSeeded.length > 0) lines.push('', 'from . import _runtime');
    if (this.notebookFileUsed(common.cells)) lines.push('', this.notebookFileImport('.'));
    // Names bound only on some paths (`try: from google.colab import drive`, an `if` branch, a loop) are in
    // `__all__` only when the code above bound them: `from common import *` would fail on one that is not.
    const certain = new Set(common.cells.flatMap((c) => {
      const generated = this.gen(c.index);
      return [...(generated?.localBindings ?? []).filter((b) => b.certain).map((b) => b.name), ...(generated?.definitions ?? []).filter((d) => d.topLevel).map((d) => d.asDef ?? d.name)];
    }));
    // The cells' analysis knows which (`maybeBound`): a `try` binding a name in its body and every handler binds it
    // on every path (round 46 Y: `try: from xgboost import XGBClassifier as Booster` / `except ImportError: from
    // sklearn.ensemble import GradientBoostingClassifier as Booster` was said to be bound on some paths only).
    const onSomePaths = new Set(common.cells.flatMap((c) => this.gen(c.index)?.maybeBound ?? []));
    const maybe = names.filter((n) => onSomePaths.has(n) && !certain.has(n) && !this.versions.versions.some((v) => v.as === n));
    if (names.length > 0) lines.push('', `__all__ = [${names.map(pyString).join(', ')}]`);
    if (body.length > 0 && runsCode) {
      lines.push('', "# Run in the notebook's folder, as in the notebook: relative paths here mean the same.", 'with _runtime.notebook_folder(NOTEBOOK_DIR, __name__):', indentBody(body.join('\n\n')));
      if (sharedSeeded.length > 0 && stepSeeded.length === 0) {
        lines.push('', '# The code above seeded global random generators: every run of the pipeline starts from here, as the', "# notebook's steps did.", `_runtime.remember_seeded_rng([${sharedSeeded.map(pyString).join(', ')}])`);
      }
      const generators = [...new Set(body.flatMap((b) => generatorNames(b)))].filter((n) => common.names.includes(n));
      if (generators.length > 0) {
        lines.push('', '# The code above made random generators: every run of the pipeline starts from their states here, and steps', "# draw from them in the notebook's order even when the cache skips some.", `_runtime.remember_generators(globals(), [${generators.map(pyString).join(', ')}])`);
      }
    } else if (body.length > 0) lines.push('', ...body.map((b) => `${b}\n`));
    if (stepSeeded.length > 0) {
      const all = [...sharedSeeded, ...stepSeeded];
      lines.push(
        '',
        '# Steps seed global random generators: the state they leave is part of each later step, through the cache',
        '# too. Every run starts from here; a generator only the steps seed starts seeded with 0.',
        `_runtime.remember_seeded_rng([${all.map(pyString).join(', ')}], start=[${stepSeeded.map(pyString).join(', ')}])`,
      );
    }
    if (changed.length > 0) {
      lines.push('', "# The functions above change these with `global`: every run of the pipeline starts from these values, as the", "# notebook's steps did.", `_runtime.remember_shared_globals(globals(), [${changed.map(pyString).join(', ')}])`);
    }
    if (maybe.length > 0) {
      lines.push('', `# ${andList(maybe)} ${maybe.length === 1 ? 'is' : 'are'} bound only when the code above takes the path binding ${maybe.length === 1 ? 'it' : 'them'}.`, 'for _unbound in [name for name in __all__ if name not in globals()]:', '    __all__.remove(_unbound)');
    }
    return `${lines.join('\n').trimEnd()}\n`;
  }

  private stepFile(step: StepNode): string {
    const fn = this.functionName(step);
    const outputs = step.outputs;
    const cls = `${pascalCase(step.name)}Outputs`;
    const params = new Map(this.input.graph.parameters.map((p) => [p.name, p]));
    // The cells holding code, as the docstring names them (round 72 DED: an empty cell joining the step was named here only).
    const holding = this.holdingCode(step.cells);
    const lines = [`"""${this.header(`Step \`${step.name}\` of the ${this.pkg} pipeline.`, holding.length === 0 ? step.cells : holding)}\n"""`, 'from __future__ import annotations', ''];
    const needsAny = outputs.length > 1;
    // NamedTuple fields cannot start with `_`: with such an output the step returns a plain tuple, in order.
    const named = needsAny && !outputs.some((o) => o.startsWith('_'));
    // A path parameter's hint (`DATA_DIR: Path`) needs pathlib's Path.
    const pathHint = step.inputs.some((i) => params.get(i)?.type === 'path') ? ['from pathlib import Path'] : [];
    const typing = [...(outputs.length > 0 ? ['from typing import Any'] : []), ...(named ? ['from typing import NamedTuple'] : []), ...pathHint];
    const hoisted = this.hoistable(step);
    const { moduleImports, functionImports } = this.rebindingImports(this.prunedImports(step.imports, step.cells, this.sharedDefinitionReads(step)), step.cells, hoisted.flatMap(({ def }) => def.freeNames));
    const imports = sortImports([...typing, ...moduleImports, ...this.stepImportLines(step, '.')], this.localImports());
    // `sys.path.append("lib")` in a step cell, then `import mylib`: at the module's top, above the imports, run
    // when pipeline.py imports the module (in the notebook's folder), as the cell ran it before its imports.
    const pathSetup = this.pathSetup(step);
    if (pathSetup.length > 0) {
      const first = imports.filter((i) => PATH_SETUP_IMPORT.test(i));
      lines.push(...first, '');
      for (const { cell, line, text } of pathSetup) lines.push(`# ${this.cellMarker(cell, line, line)}: at module level, before the imports below, as the cell ran it before them`, text);
      const rest = imports.filter((i) => !first.includes(i)).filter((i, at, all) => i !== '' || (at > 0 && at < all.length - 1 && all[at - 1] !== ''));
      lines.push('', ...rest, '');
    } else if (imports.length > 0) lines.push(...imports, '');
    lines.push(...this.sideEffectDeletes(imports, step.cells));
    if (this.notebookFileUsed(step.cells)) lines.push(this.notebookFileImport('..'), '');
    const copied = step.changesShared ?? [];
    const unread = this.readOnlyInReplaced(step.cells);
    const shared = this.splitShared(step.commonNames.filter((n) => !copied.includes(n) && !unread.has(n)));
    const sharedRebound = this.reboundShared('..', `step:${step.name}`, shared.atImport, step.cells, hoisted.flatMap(({ def }) => def.freeNames));
    if (sharedRebound.atModule.length > 0) lines.push(`from ..${this.input.sharedModule} import ${this.sharedImportItems(`step:${step.name}`, sharedRebound.atModule).join(', ')}`, '');
    const changedParameters = step.changesParameters ?? [];
    if (copied.length > 0 || changedParameters.length > 0) lines.push('from .. import _runtime', '');
    if (named) {
      lines.push('', `class ${cls}(NamedTuple):`, `    """What step \`${step.name}\` gives to the steps after it."""`, '');
      for (const o of outputs) lines.push(`    ${o}: Any`);
      lines.push('');
    }
    const skip = new Map<number, Set<number>>();
    for (const { cell, line } of pathSetup) skip.set(cell.index, (skip.get(cell.index) ?? new Set<number>()).add(line));
    for (const { cell, def } of hoisted) {
      const lines = skip.get(cell.index) ?? new Set<number>();
      for (let l = def.startLine; l <= def.endLine; l++) lines.add(l);
      skip.set(cell.index, lines);
    }
    for (const { cell, def } of hoisted) {
      const code = this.gen(cell.index)?.code.split('\n') ?? [];
      // A lambda made a def is not line for line: its marker names only the line it was on.
      const marker = this.cellMarker(cell, def.startLine, def.asDef === undefined ? def.endLine : def.startLine);
      const importers = this.importersOf(step.name, def.name);
      // A step returning nothing has no value to pickle (round 56 WW): the function is where the notebook had it, at the top.
      const why = importers.length > 0 ? `imported from here by ${andList(importers)}` : outputs.length > 0 ? 'so what the step returns can be cached (pickled)' : 'as the notebook defines it, at the top';
      lines.push('', `# ${marker}: at module level, ${why}`, ...(def.asDef === undefined ? code.slice(def.startLine - 1, def.endLine) : [def.asDef]), '');
    }
    const args = step.inputs.map((i) => (params.has(i) ? `${i}: ${pyType(params.get(i)?.type)}` : i));
    const returns = outputs.length === 0 ? 'None' : outputs.length === 1 ? 'Any' : named ? cls : `tuple[${outputs.map(() => 'Any').join(', ')}]`;
    lines.push('', `def ${fn}(${args.join(', ')})${returns === 'None' ? ' -> None' : ` -> ${returns}`}:`);
    lines.push(this.docstring(step));
    // Hoisted lambdas are module-level defs now: never released (`del`) in the function.
    const later = new Set(step.copiesSharedForLater ?? []);
    const body = this.unitBody(step, [...outputs, ...hoisted.map(({ def }) => def.name), ...this.sharedDefinitionReads(step)], skip, [...functionImports, ...sharedRebound.inFunction, ...this.lateSharedImport('..', shared.late), ...this.sharedCopies(`step:${step.name}`, copied, later), ...this.parameterCopies(changedParameters, later), ...this.sharedDefinitions(step, '..')]);
    const returned = outputs.length === 0 ? [] : [outputs.length === 1 ? `    return ${outputs[0]}` : named ? `    return ${cls}(${outputs.map((o) => `${o}=${o}`).join(', ')})` : `    return ${outputs.join(', ')}  # in pipeline.yaml's order (a name starting with _ cannot be a NamedTuple field)`];
    if (step.cells.some((c) => this.gen(c.index)?.awaits === true)) {
      // The cells await at their top level, as IPython allows: they run as a coroutine, in the one event loop
      // the runtime keeps for the run (as the kernel's), so what a step leaves running (an async generator, a
      // lock, a client) still works in the next. The inputs stay the step's (nonlocal): the cells may rebind them.
      if (copied.length === 0 && changedParameters.length === 0) lines.splice(lines.indexOf('from __future__ import annotations') + 1, 0, '', 'from .. import _runtime');
      const rebinds = step.inputs.length === 0 ? [] : [`        nonlocal ${step.inputs.join(', ')}`];
      lines.push('', '    async def cells():  # the notebook awaits at the top of a cell', ...rebinds, indentBody([body, ...returned].join('\n')), '', '    return _runtime.run_async(cells())');
    } else lines.push(body, ...returned);
    return `${lines.join('\n').replace(/\n{4,}/g, '\n\n\n').trimEnd()}\n`;
  }

  /**
   * The imports of a unit split by where they go: at the top of the module, or inside the function, for a name
   * the cells bind again (`roc_auc_score = roc_auc_score(y, p)`): assigned in the function, the name is a local
   * there, and a module-level import would leave it unbound when read (UnboundLocalError). Such an import stays
   * at module level too when module-level code (`usedOutside`, hoisted definitions) reads the name.
   */
  private rebindingImports(statements: readonly string[], cells: readonly CellRef[], usedOutside: readonly string[]): { moduleImports: string[]; functionImports: string[] } {
    const locals = this.functionLocals(cells);
    // Not one made for what importing does, which the module's other imports need first (round 81 STS: `except
    // ImportError: enable_halving_search_cv = None` moved it into the function, and the module failed at import).
    const rebound = statements.filter((s) => {
      const name = boundName(s);
      return name !== undefined && locals.has(name) && sideEffectImport(s) === undefined;
    });
    if (rebound.length === 0) return { moduleImports: [...statements], functionImports: [] };
    const names = rebound.map((s) => boundName(s) ?? '');
    const note = `# nbpromote: imported here: the cells bind ${andList(names)} again, so in this function ${names.length === 1 ? 'it is a local' : 'they are locals'}`;
    return {
      moduleImports: statements.filter((s) => !rebound.includes(s) || usedOutside.includes(boundName(s) ?? '')),
      functionImports: [[note, ...rebound].join('\n')],
    };
  }

  /**
   * The shared names a unit imports split by where the import goes, as {@link rebindingImports} does for
   * imports: one the cells bind again (`y = LIMIT * SCALE` then `LIMIT = 6`; a shared function's default
   * `d=LIMIT` defined above `LIMIT = 6`) is a local of the function, unbound there when read before the
   * cells bind it: imported at the function's top (and at module level too when module-level code reads it).
   */
  private reboundShared(from: string, key: string, names: readonly string[], cells: readonly CellRef[], usedOutside: readonly string[]): { atModule: string[]; inFunction: string[] } {
    const locals = this.boundIn(cells);
    const rebound = names.filter((n) => locals.has(n));
    if (rebound.length === 0) return { atModule: [...names], inFunction: [] };
    // Bound on some paths only (`if TUNE: THRESHOLD = 0.7`), or defined again (`def normalize` after a function
    // calling the shared one): an import the branch or the def may replace unread (pyflakes does not count reads
    // in function bodies) is what pyflakes reports, so the shared value is assigned.
    const maybe = rebound.filter((n) => cells.some((c) => this.gen(c.index)?.maybeBound?.includes(n) === true || this.gen(c.index)?.definitions?.some((d) => d.name === n) === true));
    const imported = rebound.filter((n) => !maybe.includes(n));
    const note = `# nbpromote: imported here: the cells bind ${andList(rebound)} again, so in this function ${rebound.length === 1 ? 'it is a local' : 'they are locals'}`;
    const own = this.versions.imports.get(key);
    return {
      atModule: names.filter((n) => !rebound.includes(n) || usedOutside.includes(n)),
      inFunction: [
        [
          note,
          ...(imported.length === 0 ? [] : [`from ${from}${this.input.sharedModule} import ${this.sharedImportItems(key, imported).join(', ')}`]),
          ...this.sharedValues(from, maybe.map((n) => [n, own?.get(n) ?? n])),
        ].join('\n'),
      ],
    };
  }

  private docstring(step: StepNode): string {
    const from = (name: string): string => {
      const edge = this.edgesInto.get(step.name)?.find((e) => e.name === name);
      return edge === undefined ? name : edge.from === 'parameters' ? `${name} (parameter)` : `${name} (from step ${edge.from})`;
    };
    // The cells holding code: a blank cell joining the step (Jupyter's trailing new cell) is no source of it (round 51 MM).
    const holding = this.holdingCode(step.cells);
    const parts = [`    """${cellWords(holding.length === 0 ? step.cells : holding).replace(/^c/, 'C')} of the notebook.`, ''];
    parts.push(`    Inputs: ${step.inputs.length === 0 ? 'none' : step.inputs.map(from).join(', ')}.`);
    parts.push(`    Outputs: ${step.outputs.length === 0 ? 'none (later steps use nothing it defines)' : step.outputs.join(', ')}.`);
    parts.push('    """');
    return parts.join('\n');
  }

  /** The unit's cells as a function body: imports hoisted, unused locals released, 4-space indent. */
  private unitBody(unit: CodeUnit, keep: readonly string[], skip: ReadonlyMap<number, ReadonlySet<number>> = new Map(), prelude: readonly string[] = []): string {
    // The function's arguments and the shared values it copies are its locals too: a `global` of one in a
    // function the cells define meant the notebook's variable, now the step's (`nonlocal`).
    const locals = new Set([...this.functionLocals(unit.cells), ...unit.inputs, ...((unit as Partial<StepNode>).changesShared ?? [])]);
    const parametersCells = new Set([...this.input.graph.parameters.map((p) => p.definedAt.cellIndex), ...((unit as Partial<StepNode>).parameterCode ?? [])]);
    const chunks = unit.cells.map((c) => {
      const body = this.cellBody(c, undefined, skip.get(c.index), locals);
      // A parameters cell's code on its parameters (`np.random.seed(SEED)`): first in the step after it.
      return parametersCells.has(c.index) && body.trim() !== '' ? `# nbpromote: from the parameters cell (${cellWords([c])}): it runs here, before the step's own cells\n${body}` : body;
    });
    // A cell with nothing left (an empty cell joining the step, Jupyter's trailing new cell) adds no blank lines.
    let body = withStatement(chunks.filter((chunk) => chunk.trim() !== '').join('\n\n'));
    // `timing = %timeit -o f()` whose result nothing reads: the line is the comment alone, not `timing = None` and
    // a `del timing` at the end (round 43 U).
    const placeholders = new Set<string>();
    body = body.replace(/^([ \t]*)([A-Za-z_]\w*) = (?:None|\[\]) {2}# nbpromote: removed (IPython magic|shell command): (.*)$/gm, (line, indent: string, name: string, what: string, text: string) => {
      const elsewhere = new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g');
      if ((body.match(elsewhere) ?? []).length !== 1 || keep.includes(name)) return line;
      placeholders.add(name);
      return `${indent}# nbpromote: removed ${what}: ${name} = ${text}`;
    });
    const builtins = this.builtinsFirst(unit);
    return indentBody([...(builtins.code === undefined ? [] : [builtins.code]), ...prelude, body, ...this.releaseLocals(unit.cells, [...keep, ...placeholders], builtins.unread)].join('\n\n'));
  }

  /**
   * A builtin the unit's cells read before they bind that name (`list(range(n))`, then `list = [...]`): in a function
   * the name is local from the start, and the read failed (round 73 FGF: UnboundLocalError at every run). The code
   * binding such builtins first, `list, sum = builtins.list, builtins.sum` after `import builtins` (assigned, not
   * imported: a function of the cells reading one when called would make pyflakes report the import as redefined
   * unused); and those no cell reads once bound, whose binding is released. (Not an input, which is a read of the
   * earlier step's value, nor a shared name.)
   */
  private builtinsFirst(unit: CodeUnit): { readonly code?: string; readonly unread: string[] } {
    const shadowed = this.shadowedBuiltins(unit.cells, new Set([...this.functionLocals(unit.cells)].filter((n) => !unit.inputs.includes(n) && !unit.commonNames.includes(n))));
    const names = [...shadowed.keys()].sort();
    const unread = [...shadowed].filter(([, read]) => !read).map(([name]) => name);
    if (names.length === 0) return { unread };
    const code = [`import builtins  # the cells below read ${andList(names)} before binding ${names.length === 1 ? 'the name' : 'the names'}: in a function, local from the start`, `${names.join(', ')} = ${names.map((n) => `builtins.${n}`).join(', ')}`].join('\n');
    return { code, unread };
  }

  /**
   * The builtins `cells` read before binding them (`locals`: what the function binds), each with whether a cell
   * reads the name once bound too (a cell's own analysis takes any read of a builtin's name for the builtin's).
   */
  private shadowedBuiltins(cells: readonly CellRef[], locals: ReadonlySet<string>): Map<string, boolean> {
    const shadowed = new Map<string, boolean>();
    const bound = new Set<string>();
    for (const c of cells) {
      const g = this.gen(c.index);
      if (g === undefined) continue;
      const builtinReads = new Set(g.builtinReads ?? []);
      for (const name of builtinReads) {
        if (!locals.has(name)) continue;
        if (!bound.has(name)) shadowed.set(name, shadowed.get(name) ?? false);
        else shadowed.set(name, true);
      }
      // A function's read when called: the builtin until the binding, then the bound value (read either way).
      for (const name of g.builtinReadsWhenCalled ?? []) if (locals.has(name)) shadowed.set(name, true);
      // A read the cell's analysis resolved to a binding of its own comes after it: a read of the bound value.
      for (const name of g.uses) if (shadowed.has(name) && !builtinReads.has(name)) shadowed.set(name, true);
      for (const name of [...g.assigned, ...(g.localBindings ?? []).map((b) => b.name), ...(g.definitions ?? []).map((d) => d.name)]) bound.add(name);
    }
    for (const [name] of shadowed) if (!bound.has(name)) shadowed.delete(name);
    return shadowed;
  }

  /**
   * The shared values a step changes in place, as copies: the notebook changed the one value the first cells
   * made, once; the package runs again and again (the tests do), and each run must start from that value.
   */
  private sharedCopies(key: string, names: readonly string[], later: ReadonlySet<string>): string[] {
    return byWhenChanged(names, later).map(({ sorted, when }) => {
      const them = sorted.length === 1 ? 'it' : 'them';
      const changed = when === 'below' ? 'changed in place below' : `a later step changes ${them} in place through this step's name for ${them}`;
      return [`from ..${this.input.sharedModule} import ${this.sharedImportItems(key, sorted).join(', ')}  # ${changed}: copied, so every run starts from ${them} as the first cells left ${them}`, ...sorted.map((n) => `${n} = _runtime.copied(${n})`)].join('\n');
    });
  }

  /** The parameters a step changes in place, as copies: the run's parameters (and the step's cache key) stay as set. */
  private parameterCopies(names: readonly string[], later: ReadonlySet<string>): string[] {
    return byWhenChanged(names, later).map(({ sorted, when }) => {
      const changed = when === 'below' ? 'parameter changed in place below' : "parameter a later step changes in place through this step's name for it";
      return sorted.map((n) => `${n} = _runtime.copied(${n})  # ${changed}: the run's own value stays as set`).join('\n');
    });
  }

  private lateSharedImport(from: string, names: readonly string[]): string[] {
    return names.length === 0 ? [] : [`from ${from}${from.endsWith('.') ? '' : '.'}${this.input.sharedModule} import ${names.join(', ')}  # shared code changes it: read now, not at import`];
  }

  /**
   * `del` for the names the cells bind in the function's scope that nothing reads and the function does not
   * return (pyflakes reports them): plain for names a top-level assignment always binds, guarded for names a
   * `:=`, a `with … as` or an assignment inside a block may have left unbound.
   */
  private releaseLocals(cells: readonly CellRef[], keep: readonly string[], unreadBuiltins: readonly string[] = []): string[] {
    const generated = cells.map((c) => this.gen(c.index)).filter((g) => g !== undefined);
    // A name a `del` under an `if` may have removed is released as one maybe bound (round 68 TTT: pyflakes said
    // `scratch` was never used); not one a loop's or a `try`'s may have, for pyflakes then takes it as gone (round 69
    // VVV: "undefined name").
    const maybeDeleted = new Set(generated.flatMap((g) => g.releasedAfterDel ?? []));
    // (Its `del` reads it, which pyflakes counts as no use: released whatever reads it.)
    const used = new Set([...cells.flatMap((c) => [...this.usesOf(c.index)]), ...generated.flatMap((g) => g.deleted ?? [])]);
    // A builtin read only before the cells bind its name (`list(...)`, then `list = [...]`): the binding is unread.
    for (const name of unreadBuiltins) used.delete(name);
    const certain = new Set(generated.flatMap((g) => [...g.assigned, ...(g.localBindings ?? []).filter((b) => b.certain).map((b) => b.name)]).filter((n) => !maybeDeleted.has(n)));
    const maybe = new Set(generated.flatMap((g) => (g.localBindings ?? []).filter((b) => !b.certain).map((b) => b.name)));
    const released = (names: Iterable<string>): string[] => [...names].filter((n) => !used.has(n) && !keep.includes(n) && n !== '_').sort();
    const sure = released(certain);
    const unsure = [...released([...maybe].filter((n) => !certain.has(n) && !maybeDeleted.has(n))), ...[...maybeDeleted].filter((n) => !keep.includes(n))].sort();
    const out: string[] = [];
    if (sure.length > 0) out.push(`del ${sure.join(', ')}  # computed in the notebook, used by no later step`);
    if (unsure.length > 0) out.push(`try:  # computed in the notebook (maybe), used by no later step\n    del ${unsure.join(', ')}\nexcept NameError:\n    pass`);
    return out;
  }

  /** Every name the cells bind at their top but by import, loop targets and definitions too (GeneratedCell.bound). */
  private boundIn(cells: readonly CellRef[]): Set<string> {
    return new Set(cells.flatMap((c) => {
      const g = this.gen(c.index);
      return g?.bound ?? [...(g?.assigned ?? []), ...(g?.localBindings ?? []).map((b) => b.name)];
    }));
  }

  /**
   * One cell's code with `# cell N, lines a-b` comments, directive lines and hoisted imports removed. `locals`: the cell
   * becomes the body of a function binding these names, so a `global` of them in a function the cell defines
   * (`def bump(): global total`) meant the notebook's variable, now the enclosing function's: `nonlocal`.
   */
  private cellBody(cell: CellRef, replaceTrailing: string | undefined, skip?: ReadonlySet<number>, locals?: ReadonlySet<string>): string {
    const gen = this.gen(cell.index);
    if (gen === undefined) return '';
    const lines = gen.code.split('\n');
    const semicolons = trailingSemicolons(lines);
    // Each kept line with its line in the cell (the translation keeps lines where they were); `note`: a comment
    // standing for a definition left out, outside the runs of lines the markers name.
    const out: { text: string; line: number; note?: true }[] = [];
    const replaced: { startLine: number; endLine: number; note: () => string }[] = [
      ...(this.replaced.get(cell.index) ?? []).map((d) => ({ ...d, note: () => this.replacedNote(cell, d) })),
      ...this.movedOutOf(cell.index).map((f) => ({ ...f, note: () => this.movedNote(f) })),
    ];
    const versions = this.versions.versions.filter((v) => v.cell.index === cell.index);
    // The comments saying a cell magic was removed go above the first marker: they are no code to fail.
    const magics: string[] = [];
    let leading = true;
    lines.forEach((original, i) => {
      let text = original;
      const line = i + 1;
      if (gen.importLines.has(line) || gen.blankedLines?.has(line) === true || skip?.has(line) === true) return;
      if (leading && /^\s*#\s?\|/.test(text)) return;
      if (leading && text.trim() === '') return;
      // Colab's form title (`#@title Load data`) stays, a comment saying what the cell does; the leading block
      // goes on below it, so a directive under it is still dropped.
      if (leading && COLAB_FORM_LINE.test(text)) {
        out.push({ text, line });
        return;
      }
      // `%%time` before `#| step: train` (cell magics come first): the magic's comment stays, and so does the
      // leading block, so the directive below it is still dropped.
      // It names its cell: above the cell's marker it read as the end of the cell before (round 43 U).
      if (leading && /^\s*# nbpromote: removed IPython cell magic/.test(text)) {
        magics.push(`${text.trimEnd()}, in ${this.cellMarker(cell, line, line)}`);
        return;
      }
      leading = false;
      const version = versions.find((v) => line >= v.startLine && line <= v.endLine);
      if (version !== undefined) {
        // Its last line of code: the blank lines after it stay out, as after a definition left out.
        let end = version.endLine;
        while (end > version.line && (lines[end - 1] ?? '').trim() === '') end--;
        if (line > end) return;
        if (line === version.startLine) {
          while (out.length > 0 && (out[out.length - 1]?.text ?? '').trim() === '') out.pop();
          out.push({ text: this.versionNote(cell, version), line, note: true });
        }
        out.push({ text: line === version.line ? text.replace(new RegExp(`^(\\s*(?:async\\s+)?(?:def|class)\\s+)${version.name}\\b`), `$1${version.as}`) : text, line });
        // The shared code reads it too before the next one: under the notebook's name as well.
        if (line === end && this.versionsReadShared.has(version)) out.push({ text: `${version.name} = ${version.as}`, line, note: true });
        return;
      }
      const gone = replaced.find((d) => line >= d.startLine && line <= d.endLine);
      if (gone !== undefined || (text.trim() === '' && out[out.length - 1]?.note === true)) {
        if (gone === undefined || line !== gone.startLine) return;
        while (out.length > 0 && (out[out.length - 1]?.text ?? '').trim() === '') out.pop();
        out.push({ text: gone.note(), line, note: true });
        return;
      }
      // `df.plot();`: the `;` that kept Jupyter from showing the value means nothing in a module.
      const semicolon = semicolons.get(line);
      if (semicolon !== undefined) {
        const rest = text.slice(semicolon + 1);
        text = text.slice(0, semicolon).trimEnd() + (rest.trim() === '' ? '' : rest);
      }
      if (replaceTrailing !== undefined && gen.trailingExpression !== undefined && line >= gen.trailingExpression.line && line <= gen.trailingExpression.endLine) {
        if (line === gen.trailingExpression.line) out.push({ text: `${replaceTrailing}${text.trimStart()}`, line });
        else out.push({ text, line });
        return;
      }
      const cut = cutExceptAliases(cutImports(text, gen.importCuts?.filter((c) => c.line === line) ?? []), gen.exceptCuts?.filter((c) => c.line === line) ?? []);
      out.push({ text: locals === undefined ? cut : nonlocalForLocals(cut, locals), line });
    });
    while (out.length > 0 && (out[out.length - 1]?.text ?? '').trim() === '') out.pop();
    // A marker before each run of consecutive cell lines: `# cell c009, lines 1-4`. The runner reads them to
    // tell a failing line of this module as the notebook's cell and line (`_notebook_place` in _runtime.py).
    if (out.length === 0) return magics.join('\n');
    const result: string[] = [...magics];
    let start = 0;
    for (let i = 1; i <= out.length; i++) {
      if (i < out.length && out[i]?.note !== true && out[i - 1]?.note !== true && out[i]?.line === (out[i - 1]?.line ?? 0) + 1) continue;
      // A note stands apart from the code around it, as a definition would.
      if (out[start]?.note === true) result.push(...(result.length > 0 ? [''] : []), out[start]?.text ?? '', ...(i < out.length ? [''] : []));
      else {
        // A run of blank lines only (between definitions moved to the module's top): no marker over nothing (round 47 BB).
        const run = out.slice(start, i);
        if (run.every((o) => o.text.trim() === '')) result.push(...(result.length > 0 && (result[result.length - 1] ?? '').trim() !== '' ? [''] : []));
        else result.push(`# ${this.cellMarker(cell, out[start]?.line ?? 1, out[i - 1]?.line ?? 1)}`, ...run.map((o) => o.text));
      }
      start = i;
    }
    return result.join('\n');
  }

  /** The comment standing where a definition a later one replaces was left out ({@link replacedDefinitions}). */
  private replacedNote(cell: CellRef, d: ReplacedDefinition): string {
    const lines = d.startLine === d.endLine ? `line ${d.startLine}` : `lines ${d.startLine}-${d.endLine}`;
    const by = d.by.index === cell.index ? `line ${d.byLine} of this cell` : `${cellWords([d.by])} (line ${d.byLine})`;
    return `# nbpromote: ${d.kind === 'class' ? 'class' : 'def'} ${d.name} (${lines}) left out: ${by} defines it again before anything uses this one`;
  }

  /** The units defining shared function `name` themselves (see {@link StepBoundFunction}), as words: `step train and the metrics`. */
  private unitsDefining(name: string): string[] {
    const { steps, metrics, tests } = this.input.graph;
    return [
      ...steps.filter((s) => s.definesShared?.includes(name) === true).map((s) => `step ${s.name}`),
      ...(metrics?.definesShared?.includes(name) === true ? ['the metrics'] : []),
      ...tests.filter((t) => t.definesShared?.includes(name) === true).map((t) => `the test in ${cellWords(t.cells.slice(0, 1))}`),
    ];
  }

  /** The comment standing where a shared function reading step values was, in common.py ({@link StepBoundFunction}). */
  private movedNote(f: StepBoundFunction): string {
    const lines = f.startLine === f.endLine ? `line ${f.startLine}` : `lines ${f.startLine}-${f.endLine}`;
    const units = this.unitsDefining(f.name);
    const reads = `it reads ${andList(f.reads)}, which only the steps have`;
    return units.length === 0 ? `# nbpromote: def ${f.name} (${lines}) left out: ${reads}, and no step calls it` : `# nbpromote: def ${f.name} (${lines}) is defined in ${andList(units)} instead: ${reads}`;
  }

  /**
   * `name = _shared.<as>` for each name, after the import of the shared module as `_shared` (none for none): the
   * shared values a function starts from when its cells bind them on some paths only (an import of one the cells
   * may replace unread is what pyflakes reports).
   */
  private sharedValues(from: string, names: readonly (readonly [name: string, as: string])[]): string[] {
    return names.length === 0 ? [] : [`from ${from} import ${this.input.sharedModule} as _shared`, ...names.map(([name, as]) => `${name} = _shared.${as}`)];
  }

  /**
   * The shared functions a unit defines itself ({@link StepBoundFunction}), each as in its cell under a comment
   * and a cell marker: the first lines of the unit's function.
   */
  private sharedDefinitions(unit: CodeUnit, from: string): string[] {
    // What such a function reads that the cells bind on some paths only (`if TUNE: THRESHOLD = 0.7`) is the
    // shared value until they do, as in the notebook (round 35 E: a free variable unbound at the defaults).
    const maybe = new Set(unit.cells.flatMap((c) => this.gen(c.index)?.maybeBound ?? []));
    const importOf = (r: string): string | undefined => this.input.graph.common.imports.find((st) => new RegExp(`(?:import|as)\\s+${r}\\s*$`).test(st));
    const kept = new Set<string>();
    return this.definedIn(unit).map((f) => {
      const cell: CellRef = { index: f.cellIndex, ...(f.cellId === undefined ? {} : { id: f.cellId }) };
      const code = this.gen(f.cellIndex)?.code.split('\n').slice(f.startLine - 1, f.endLine) ?? [];
      const note =
        f.step === undefined
          ? `# nbpromote: ${f.name}, a shared function of ${cellWords([cell])}, is defined here: ${this.sharedReadWords(unit, f)}`
          : `# nbpromote: ${f.name}, which step ${f.step} defines (${cellWords([cell])}), is defined here again, so that calling it reads this function's values: ${this.sharedReadWords(unit, f)}`;
      const keep = f.reads.filter((r) => maybe.has(r) && !unit.inputs.includes(r) && !unit.commonNames.includes(r) && !kept.has(r) && (this.input.graph.common.names.includes(r) || importOf(r) !== undefined));
      for (const r of keep) kept.add(r);
      const values = keep.filter((r) => importOf(r) === undefined);
      const shared = keep.length === 0
        ? []
        : [
            `# nbpromote: the cells below bind ${andList(keep)} on some paths only: until they do, ${keep.length === 1 ? 'it is' : 'they are'} the shared ${keep.length === values.length ? 'value' : 'one'}`,
            // Imported under another name and assigned: an import the cells' import replaces unread is what pyflakes reports.
            ...keep.flatMap((r) => {
              const statement = importOf(r);
              return statement === undefined ? [] : [importedAs(statement, r, `_${r}_shared`), `${r} = _${r}_shared`];
            }),
            ...this.sharedValues(from, values.map((r) => [r, r])),
          ];
      return [...shared, note, `# ${this.cellMarker(cell, f.startLine, f.endLine)}`, ...code].join('\n');
    });
  }

  /**
   * What a shared function defined in a unit reads, and where the unit has it: `it reads N_FOLDS, which this
   * function takes as an input, and X, which the cells below bind before calling it`; a default value read from
   * an input the cells bind again (`def label(p, t=THRESHOLD)` above `THRESHOLD = 0.3`) is the input, as the
   * notebook's def took the parameter before the cell bound it.
   */
  private sharedReadWords(unit: CodeUnit, f: StepBoundFunction): string {
    const taken = f.reads.filter((r) => unit.inputs.includes(r));
    const bound = f.reads.filter((r) => !unit.inputs.includes(r));
    const parts = [
      ...(taken.length === 0 ? [] : [`${andList(taken)}, which this function takes as ${taken.length === 1 ? 'an input' : 'inputs'}`]),
      ...(bound.length === 0 ? [] : [`${andList(bound)}, which the cells below bind before calling it`]),
    ];
    const locals = this.boundIn(unit.cells);
    const rebound = (f.definitionReads ?? []).filter((r) => taken.includes(r) && locals.has(r));
    const defaults = rebound.length === 0 ? '' : `; its default ${rebound.length === 1 ? 'value takes' : 'values take'} ${andList(rebound)} as given, as the notebook's def did, before the cells below bind ${rebound.length === 1 ? 'it' : 'them'} again`;
    return `it reads ${parts.join(', and ')}${defaults}`;
  }

  /** The comment above a shared definition kept under another name, for the steps that used it ({@link sharedVersions}). */
  private versionNote(cell: CellRef, v: SharedVersion): string {
    const by = v.by.index === cell.index ? 'a later line of this cell' : cellWords([v.by]);
    return `# nbpromote: ${v.kind === 'class' ? 'class' : 'def'} ${v.name} as ${v.as}: ${v.usedBy.join(', ')} used this one before ${by} defined ${v.name} again, and ${v.usedBy.length === 1 ? 'imports' : 'import'} it as ${v.name}`;
  }

  /**
   * `cell c009, lines 3-7` (`cell 10, line 3` without cell ids): where the lines below a marker come from; the
   * runner names them when a line fails (`_CELL_MARKER` in _runtime.py), with the line of a percent script, which
   * it finds in the script then. Not written here: a line added above a cell would change every module below it
   * (round 67 SSS: every step rewritten, and false hand-edit conflicts).
   */
  private cellMarker(cell: CellRef, first: number, last: number): string {
    const lines = (a: number, b: number): string => (a === b ? `line ${a}` : `lines ${a}-${b}`);
    return `${cellWords([cell])}, ${lines(first, last)}`;
  }

  /**
   * The lines of a step's cells adding a folder to Python's module path (`sys.path.append("lib")`,
   * `sys.path.insert(0, os.path.abspath("../src"))`, `site.addsitedir(...)`) from literals only, each on a line
   * of its own at the cell's top level: the step module runs them at its top, before its imports (and the later
   * steps' modules, imported after it, find the folder too). None in a cell changing folders (`os.chdir`).
   */
  private pathSetup(step: StepNode): { cell: CellRef; line: number; text: string }[] {
    return step.cells.flatMap((cell) => {
      const code = this.gen(cell.index)?.code;
      if (code === undefined || !/sys\.path|addsitedir/.test(code) || /chdir|%cd\b/.test(code)) return [];
      return code.split('\n').flatMap((text, i) => {
        if (!/^(?:sys\.path\.(?:append|insert|extend)|site\.addsitedir)\(.*\)\s*(?:#.*)?$/.test(text)) return [];
        const bare = blankedQuotes(text.replace(/#.*$/, ''));
        const names = [...bare.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)].map((m) => m[0]);
        const balanced = (bare.match(/\(/g) ?? []).length === (bare.match(/\)/g) ?? []).length;
        return balanced && names.every((n) => PATH_SETUP_NAMES.has(n)) ? [{ cell, line: i + 1, text }] : [];
      });
    });
  }

  /** True when one of the cells read `__file__` (renamed {@link NOTEBOOK_FILE_NAME} by the analysis). */
  private notebookFileUsed(cells: readonly CellRef[]): boolean {
    return cells.some((c) => this.gen(c.index)?.uses.has(NOTEBOOK_FILE_NAME) === true);
  }

  private notebookFileImport(from: string): string {
    return `from ${from} import NOTEBOOK_FILE as ${NOTEBOOK_FILE_NAME}`;
  }

  /** What cell `index` shows last: the expression the translation left out, or the one it kept. */
  private shownText(index: number): string | undefined {
    const gen = this.gen(index);
    if (gen?.shownExpression !== undefined) return gen.shownExpression;
    const kept = gen?.trailingExpression;
    return kept === undefined ? undefined : gen?.code.split('\n').slice(kept.line - 1, kept.endLine).join('\n');
  }

  /** The units importing `name` from step `step`'s module ({@link withStepImports}), as a sentence names them: `step score`, `the metrics`, `the test of cell 7`. */
  private importersOf(step: string, name: string): string[] {
    const { steps, metrics, tests } = this.input.graph;
    const imports = (unit: CodeUnit): boolean => unit.stepImports?.some((i) => i.step === step && i.name === name) === true;
    return [
      ...steps.filter(imports).map((s) => `step ${s.name}`),
      ...(metrics !== undefined && imports(metrics) ? ['the metrics'] : []),
      ...tests.filter(imports).map((t) => `the test of ${cellWords(t.cells)}`),
    ];
  }

  /**
   * `from .load import add_ratio`: the definitions the unit imports from earlier steps' modules
   * ({@link withStepImports}); `steps` is the steps package as the unit's module names it (`.` from a step).
   */
  private stepImportLines(unit: CodeUnit, steps: string): string[] {
    return (unit.stepImports ?? []).map((i) => `from ${steps}${i.step} import ${i.name}`);
  }

  private metricsFile(metrics: CodeUnit): string {
    const lines = [`"""${this.header(`The metrics of the ${this.pkg} pipeline.`, metrics.cells)}\n"""`, 'from __future__ import annotations', ''];
    const lastCell = this.gen(metrics.cells[metrics.cells.length - 1]?.index ?? -1);
    // What the last cell showed, when the translation left it out as display-only: the notebook's metrics.
    const shownText = lastCell?.shownExpression;
    const displayedTexts = metrics.cells.flatMap((c) => this.gen(c.index)?.displayed ?? []).map((d) => d.text);
    // An earlier cell's too (round 58 AAA: `pd.Series({...})` shown by the first of two metrics cells had no import).
    const earlierShown = metrics.cells.slice(0, -1).map((c) => this.gen(c.index)?.shownExpression);
    const shownReads = [shownText, ...earlierShown, ...displayedTexts].flatMap((text) => (text === undefined ? [] : [...text.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)].map((m) => m[0])));
    const { moduleImports, functionImports } = this.rebindingImports(this.prunedImports(metrics.imports, metrics.cells, [...shownReads, ...this.sharedDefinitionReads(metrics)]), metrics.cells, []);
    const imports = sortImports(['from typing import Any', ...moduleImports, ...this.stepImportLines(metrics, '.steps.')], this.localImports());
    lines.push(...imports, '', ...this.sideEffectDeletes(imports, metrics.cells));
    if (this.notebookFileUsed(metrics.cells)) lines.push(this.notebookFileImport('.'), '');
    const unread = this.readOnlyInReplaced(metrics.cells);
    const shared = this.splitShared(metrics.commonNames.filter((n) => !unread.has(n)));
    const sharedRebound = this.reboundShared('.', 'metrics', shared.atImport, metrics.cells, []);
    if (sharedRebound.atModule.length > 0) lines.push(`from .${this.input.sharedModule} import ${this.sharedImportItems('metrics', sharedRebound.atModule).join(', ')}`, '');
    const names = metricNames(this.input.graph, this.input.cells);
    const shownNamesByCell = shownNamesOfCells(metrics.cells.map((c) => this.shownText(c.index)), names);
    const showsEarlier = metrics.cells.slice(0, -1).some((c, i) => shownNamesByCell[i] !== undefined || earlierShownRead(this.shownText(c.index)) !== undefined);
    const last = metrics.cells[metrics.cells.length - 1];
    const locals = this.functionLocals(metrics.cells);
    const late = this.lateSharedImport('.', shared.late);
    // A value an earlier metrics cell showed (`accuracy_score(y, p)` above the cell showing `f1_score(y, p)`):
    // kept as `_shown_<cell>`, a metric by the function computing it (`shownNames`), whether the translation
    // left the expression out (put back in place) or kept it (assigned).
    const earlier: string[] = [];
    // Tables the cells pass to display(...) (`display(results)`, `display(results.sort_values("auc"))`), read as
    // if shown last (`displayed_metrics`), in the order `readDisplays` gives: a later one's names win, as the
    // notebook's reader of saved outputs does. A name is read at the end (its value then); an expression is kept
    // where it was displayed, as `_displayed` (`_displayed_<n>` for several).
    const readInOrder = readDisplays(metrics.cells.map((c) => ({ index: c.index, displayed: this.gen(c.index)?.displayed ?? [] })), names);
    const keptAs = new Map<object, string>();
    // `_displayed`, or numbered in the order of the cells when they display several expressions.
    const displayedExpressions = metrics.cells.flatMap((c) => (this.gen(c.index)?.displayed ?? []).filter((d) => d.name === undefined));
    const withDisplayed = (c: CellRef, body: string): string => {
      const expressions = (this.gen(c.index)?.displayed ?? []).filter((d) => d.name === undefined);
      let out = body;
      for (const d of expressions) {
        const at = displayedExpressions.indexOf(d);
        const variable = displayedExpressions.length === 1 ? '_displayed' : `_displayed_${at + 1}`;
        const restored = displayedInPlace(out, d.statement, variable);
        if (restored === undefined) continue;
        out = restored;
        keptAs.set(d, variable);
      }
      return out;
    };
    // A value a line prints under a label (`print("cv_accuracy:", cv.mean())`): bound to the label's name there.
    // One not found in the generated line is not returned (a NameError at every run): the reproduction test
    // then names it as missing.
    const unbound = new Set<string>();
    const withPrinted = (c: CellRef, body: string): string => {
      const values = (this.input.graph.printedValues ?? []).filter((v) => v.cellIndex === c.index);
      if (values.length === 0) return body;
      const source = sourceLines(this.input.notebook.cells.find((n) => n.index === c.index)?.source ?? '');
      const lines = body.split('\n');
      // Found before any is bound: a line printing two values (`"a: %.3f, b: %.3f" % (x.mean(), y.mean())`)
      // no longer reads as in the cell once the first is.
      // The line of its own when lines are alike (round 67 RRR: `print(scores["acc"])` twice bound the first twice).
      const places = values.map((value) => {
        const text = source[value.line - 1] ?? '\0';
        const nth = source.slice(0, value.line - 1).filter((l) => l === text).length;
        let seen = -1;
        return lines.findIndex((l) => l === text && ++seen === nth);
      });
      for (const [i, value] of values.entries()) {
        const at = places[i] ?? -1;
        const bound = at === -1 ? undefined : bindPrintedValue(lines[at] ?? '', value);
        if (bound !== undefined) lines[at] = bound;
        else unbound.add(value.name);
      }
      return lines.join('\n');
    };
    const bodies = metrics.cells.map((c, i) => withPrinted(c, withDisplayed(c, this.metricsCellBody(c, i, last, shownNamesByCell, locals, earlier))));
    // A table or Series the cell rounded to show (`results.round(4)`): the run keeps every digit of `results`.
    const exactOf = (text: string | undefined): string | undefined => {
      const name = text === undefined ? undefined : roundedName(text);
      return name !== undefined && (metrics.inputs.includes(name) || locals.has(name)) ? name : undefined;
    };
    const exactNames: string[] = [];
    const displays = readInOrder.flatMap(({ display }) => {
      const value = display.name ?? keptAs.get(display);
      const exact = display.name === undefined ? exactOf(display.text) : undefined;
      if (exact !== undefined) exactNames.push(exact);
      return value === undefined ? [] : [`**_runtime.displayed_metrics(${value}${exact === undefined ? '' : `, exact=${exact}`})`];
    });
    const shownExact = last === undefined ? undefined : exactOf(this.shownText(last.index));
    if (shownExact !== undefined) exactNames.push(shownExact);
    // Values the notebook's test cells read from the metrics cells that are no metrics (`test_df`, which the
    // cell changes in place): kept by name beside the metrics (`metrics_result`).
    // A function or class the cells define (`def mape(y, p)`) that a test calls too (round 47 BB: the test failed).
    const defined = new Set(metrics.cells.flatMap((c) => (this.gen(c.index)?.definitions ?? []).filter((d) => d.topLevel).map((d) => d.name)));
    // (Not one the cells delete; one they may delete on some paths is read guarded, below.)
    const gone = new Set(metrics.cells.flatMap((c) => this.gen(c.index)?.deletedAtEnd ?? []));
    const testReads = [...new Set(this.input.graph.tests.flatMap((t) => t.metricInputs))].filter((n) => !names.includes(n) && !gone.has(n) && (metrics.inputs.includes(n) || locals.has(n) || defined.has(n)));
    // A name a `del` may have removed on some paths (`if r2 < 0: del r2`, `del part` in a loop): read guarded, so the
    // run fails on no path (round 69 VVV: returning it failed the whole run); pyflakes sees a read after a `del`
    // under an `if` (a lambda's), and none after one in a loop or `try`, where it takes the name for gone.
    const maybeGone = new Map(metrics.cells.flatMap((c) => {
      const g = this.gen(c.index);
      return (g?.maybeDeletedAtEnd ?? []).map((n): [string, boolean] => [n, (g?.releasedAfterDel ?? []).includes(n)]);
    }));
    const importsRuntime = lastCell?.trailingExpression !== undefined || shownText !== undefined || showsEarlier || displays.length > 0 || [...names, ...testReads].some((n) => maybeGone.get(n) === true);
    const runtimeImportAt = lines.length;
    if (importsRuntime) lines.push('from . import _runtime', '');
    lines.push('', `def compute_metrics(${metrics.inputs.join(', ')}) -> dict[str, Any]:`);
    const they = metrics.cells.length === 1 ? 'it defines or shows' : 'they define or show';
    lines.push(`    """${cellWords(metrics.cells).replace(/^c/, 'C')} of the notebook: every value ${they}; the runner keeps the numbers."""`);
    const chunks = [...functionImports, ...sharedRebound.inFunction, ...late, ...this.sharedDefinitions(metrics, '.'), ...bodies];
    // A metric bound on some paths only (under an `if`): None, no number, when the cell takes none of them.
    // (Not a value the cells take from a step, a parameter or the shared code: a branch not taken leaves it, round
    // 68 TTT: `if debug: threshold = 0.99` made the step's threshold None.)
    const maybe = branchBoundMetrics(metrics.cells.map((c) => this.gen(c.index)), names).filter((n) => !metrics.inputs.includes(n) && !metrics.commonNames.includes(n));
    if (maybe.length > 0) chunks.unshift(`${maybe.join(' = ')} = None  # set below on some paths only; no metric when none is taken`);
    // A builtin read before the cells bind its name (`n = len(xs)`, then `len = n * 2`): as in a step (round 74 GHG).
    const builtins = this.builtinsFirst(metrics);
    if (builtins.code !== undefined) chunks.unshift(builtins.code);
    if (shownText !== undefined) {
      const body = chunks.length > 0 ? shownInPlace(chunks[chunks.length - 1] ?? '', shownText, '_shown') : undefined;
      if (body !== undefined) chunks[chunks.length - 1] = body;
      else chunks.push(`_shown = (\n${shownText}\n)  # what the notebook showed`);
    }
    const hasShown = last !== undefined && (this.gen(last.index)?.trailingExpression !== undefined || shownText !== undefined);
    lines.push(indentBody(withStatement(chunks.join('\n\n'))));
    const valueOf = (n: string): string => (!maybeGone.has(n) ? n : maybeGone.get(n) === true ? `_runtime.if_bound(lambda: ${n})` : `locals().get(${pyString(n)})`);
    const valuesOf = (list: readonly string[]): string => `{${list.map((n) => `${pyString(n)}: ${valueOf(n)}`).join(', ')}}`;
    const release = this.releaseLocals(metrics.cells, [...names, ...testReads, ...metrics.inputs, ...this.sharedDefinitionReads(metrics), ...exactNames, '_shown'], builtins.unread);
    if (release.length > 0) lines.push('', indentBody(release.join('\n')));
    // What the cell assigns wins over what it shows (the shown values are often rounded copies).
    const lastNames = shownNamesByCell[metrics.cells.length - 1];
    const returned = names.filter((n) => !unbound.has(n) || locals.has(n));
    const values = valuesOf(returned);
    const merged = [...earlier, ...displays];
    const withMerged = (own: string): string => (merged.length === 0 ? own : `{${[...merged, `**${own}`].join(', ')}}`);
    const shown = (own: string): string => (hasShown ? `_runtime.with_shown(_shown, ${own}${lastNames === undefined ? '' : `, ${pyNames(lastNames)}`}${shownExact === undefined ? '' : `, exact=${shownExact}`})` : own);
    // A plain dict of the values is what the run keeps for the tests too.
    if (!this.input.graph.tests.some((t) => t.metricInputs.length > 0) || (!hasShown && merged.length === 0 && testReads.length === 0)) lines.push(`    return ${withMerged(shown(values))}`);
    else {
      // What the cells showed merged in may replace a value by its entries (`results` shown last gives `lr.acc`):
      // the values by name go along (`metrics_result`), for the notebook's test cells reading them.
      lines.push(`    _values = ${valuesOf([...returned, ...testReads])}`, `    return _runtime.metrics_result(${withMerged(shown(testReads.length > 0 ? values : '_values'))}, _values)`);
      if (!importsRuntime) lines.splice(runtimeImportAt, 0, 'from . import _runtime', '');
    }
    return `${lines.join('\n').replace(/\n{4,}/g, '\n\n\n')}\n`;
  }

  /**
   * The body of metrics cell `c` (the `i`th): the last cell's shown value as `_shown`; an earlier cell's computed
   * value it shows as `_shown_<cell>`, a metric by the function computing it, added to `earlier`.
   */
  private metricsCellBody(c: CellRef, i: number, last: CellRef | undefined, shownNamesByCell: readonly ((string | undefined)[] | undefined)[], locals: ReadonlySet<string>, earlier: string[]): string {
    if (c === last) return this.cellBody(c, '_shown = ', undefined, locals);
    const named = shownNamesByCell[i];
    // No call names it: a table shown by its name (`summary`, then a cell plotting it) as if displayed, another
    // expression's table or dict by its entries, as the notebook's saved output of the cell is read.
    const read = named === undefined ? earlierShownRead(this.shownText(c.index)) : undefined;
    const variable = `_shown_${c.index + 1}`;
    const leftOut = this.gen(c.index)?.shownExpression;
    const body = this.cellBody(c, named === undefined && read === undefined ? undefined : `${variable} = `, undefined, locals);
    if (named === undefined && read === undefined) return body;
    const restored = leftOut === undefined ? body : shownInPlace(body, leftOut, variable);
    if (restored === undefined) return body;
    if (named !== undefined) earlier.push(`**_runtime.flatten_metrics(_runtime.shown_metrics(${variable}, ${pyNames(named)}))`);
    else earlier.push(`**_runtime.earlier_shown_metrics(${variable}${read === 'by-name' ? ', by_name=True' : ''})`);
    return restored;
  }

  private pipelineFile(): string {
    const { steps, metrics } = this.input.graph;
    const lines = [
      `"""${this.header(`The ${this.pkg} pipeline: runs the steps in order, caches unchanged steps, records each run.`, [])}\n\nRun it with \`nbpromote run\`, or from the folder holding pipeline.yaml with\n\`PYTHONPATH=src python -m ${this.pkg}.pipeline [--param name=value ...] [--no-cache] [--json]\`\n(without PYTHONPATH=src once \`pip install -e .\` installed the package). A relative path in a --param\nvalue is read, as in the notebook, from the notebook's folder (pipeline.yaml \`workdir\`), or from the folder\nthe notebook's code moved to with %cd or os.chdir before reading it.\n"""`,
      'from __future__ import annotations',
      '',
      'import sys',
      'from pathlib import Path',
      '',
      'from . import NOTEBOOK_DIR, _runtime',
      '',
      '# A step module or the metrics failing when imported fails the run, naming the cell and line. They import',
      "# in the notebook's folder, as the notebook imported its modules (one beside it may read a file as it is",
      "# imported), and what they print then goes to stderr: stdout is the run's (with --json, one JSON document).",
      'with _runtime.import_failure_ends_run(__package__, main=__name__ == "__main__"), _runtime.importing_steps(NOTEBOOK_DIR, __package__):',
      ...steps.map((s) => `    from .steps.${s.name} import ${this.functionName(s)}${this.functionName(s) === `${s.name}_step` ? '' : ` as ${s.name}_step`}`),
    ];
    if (metrics !== undefined) lines.push('    from .metrics import compute_metrics');
    if (steps.length === 0 && metrics === undefined) lines.push('    pass');
    lines.push('', '#: The config beside the package root: src/<package>/pipeline.py -> pipeline.yaml', 'CONFIG_PATH = Path(__file__).resolve().parents[2] / "pipeline.yaml"', '');
    lines.push('STEPS = {', ...steps.map((s) => `    ${pyString(s.name)}: ${s.name}_step,`), '}', '');
    lines.push(`METRICS = ${metrics === undefined ? 'None' : 'compute_metrics'}`, '', '');
    lines.push('def main(argv: list[str] | None = None) -> int:', `    """Command line: see \`python -m ${this.pkg}.pipeline --help\`."""`, '    return _runtime.main(argv, steps=STEPS, metrics=METRICS, config_path=CONFIG_PATH)', '', '');
    lines.push('if __name__ == "__main__":', '    sys.exit(main())');
    return `${lines.join('\n')}\n`;
  }

  private configFile(): string {
    const { graph } = this.input;
    const mod = (name: string): string => `${this.pkg}.steps.${name}`;
    const config: PipelineConfig = {
      schema_version: 1,
      package: this.pkg,
      version: this.input.version,
      notebook: this.input.notebookPath,
      workdir: this.input.workdir,
      parameters: Object.fromEntries(graph.parameters.map((p) => [p.name, { default: p.default as never, type: p.type, ...(p.items === undefined ? {} : { items: p.items }), ...(p.floats === undefined ? {} : { floats: p.floats }), ...(p.choices === undefined ? {} : { choices: p.choices }) }])),
      steps: graph.steps.map((s) => {
        const recorded = this.input.recorded?.get(s.name);
        return { name: s.name, module: mod(s.name), function: this.functionName(s), cells: s.cells, inputs: s.inputs, outputs: s.outputs, after: [...new Set([...(s.fileAfter ?? []), ...s.explicitAfter])], ...(s.alwaysRuns === undefined ? {} : { always_run: s.alwaysRuns }), ...(recorded === undefined ? {} : { recorded }) };
      }),
      ...(graph.metrics === undefined
        ? {}
        : {
            metrics: {
              module: `${this.pkg}.metrics`,
              function: 'compute_metrics',
              inputs: graph.metrics.inputs,
              ...(this.input.expectedMetrics === undefined ? {} : { expected: this.input.expectedMetrics }),
              ...(this.input.shownDecimals === undefined ? {} : { shown_decimals: this.input.shownDecimals }),
              ...(this.input.shownTruncated === undefined ? {} : { shown_truncated: this.input.shownTruncated }),
              tolerance: this.input.tolerance ?? { relative: 1e-9, absolute: 0 },
            },
          }),
    };
    return renderPipelineConfig(config, `Generated by nbpromote ${this.input.toolVersion} from ${this.input.notebookPath}.`);
  }

  // ---- tests ----

  private conftestFile(): string {
    const tested = this.testedOutputs();
    const keep = tested.size === 0 ? '' : ', keep_outputs=TESTED_OUTPUTS';
    const testedLines = tested.size === 0 ? '' : `
#: What the notebook's test cells read from each step: the run keeps each value as that step returned it, as the
#: test cell saw it in the notebook (a later step may rebind the name or change the value in place).
TESTED_OUTPUTS = {${[...tested].map(([step, names]) => `${pyString(step)}: [${names.map(pyString).join(', ')}]`).join(', ')}}
`;
    return `"""${this.header(`pytest fixtures for the ${this.pkg} pipeline.`, [])}\n"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ${this.pkg} import _runtime  # noqa: E402
from ${this.pkg}.pipeline import CONFIG_PATH, METRICS, STEPS  # noqa: E402
${testedLines}

@pytest.fixture(scope="session")
def pipeline_config() -> dict:
    """pipeline.yaml, as the runner reads it (not \`config\`: a notebook's test cells may have their own)."""
    return _runtime.load_config(CONFIG_PATH)


@pytest.fixture(scope="session")
def pipeline_run(pipeline_config):
    """One run of the whole pipeline on the notebook's parameters (cached steps are reused), keeping what
    each step was called with${tested.size === 0 ? '' : ' and what the notebook\'s test cells read as each step returned it'}."""
    return _runtime.run_pipeline(pipeline_config, STEPS, METRICS, params=None, root=CONFIG_PATH.parent, use_cache=True, record=False, keep_inputs=True${keep})


@pytest.fixture()
def in_workdir(pipeline_config, pipeline_run, monkeypatch):
    """The notebook's test cells read data relative to the notebook's folder (or where its code moved), as
    the notebook did."""
    monkeypatch.chdir(pipeline_run.folder or CONFIG_PATH.parent / pipeline_config["workdir"])
`;
  }

  /**
   * The step each input of test unit `t` comes from that a step made: the step that last bound or changed it
   * before the test cell, in the notebook's order (the graph's edges say which).
   */
  private testSources(t: CodeUnit): Map<string, string> {
    const outputs = new Map(this.input.graph.steps.map((s) => [s.name, s.outputs]));
    const sources = new Map<string, string>();
    for (const e of this.edgesInto.get(testNode(t)) ?? []) if (outputs.get(e.from)?.includes(e.name) === true && t.inputs.includes(e.name)) sources.set(e.name, e.from);
    return sources;
  }

  /** Step -> the outputs of it the notebook's test cells read, in pipeline order: the test run keeps them as the step returned them. */
  private testedOutputs(): Map<string, string[]> {
    const read = new Map<string, Set<string>>();
    for (const t of this.input.graph.tests) {
      for (const [name, step] of this.testSources(t)) read.set(step, (read.get(step) ?? new Set()).add(name));
    }
    const tested = new Map<string, string[]>();
    for (const step of this.input.graph.steps) {
      const names = read.get(step.name);
      if (names !== undefined) tested.set(step.name, step.outputs.filter((o) => names.has(o)));
    }
    return tested;
  }

  /** The inputs of `to` (a step, `metrics` or `test:<n>`) that come from the parameters, not from a step that redefined one. */
  private fromParameters(to: string): Set<string> {
    return new Set((this.edgesInto.get(to) ?? []).filter((e) => e.from === 'parameters').map((e) => e.name));
  }

  private stepTestFile(step: StepNode): string {
    const params = this.fromParameters(step.name);
    const args = step.inputs.map((i) => (params.has(i) ? `${i}=params[${pyString(i)}]` : `${i}=values[${pyString(i)}]`));
    const usesParams = step.inputs.some((i) => params.has(i));
    const usesValues = step.inputs.some((i) => !params.has(i));
    const lines = [`"""${this.header(`The contract of step \`${step.name}\`: on the notebook's parameters it returns every declared output.`, step.cells)}\n"""`, 'from __future__ import annotations', ''];
    // pytest takes a module's `setup`, `teardown`... for hooks and `test*` for tests, and the test below has
    // its own names (fixtures, locals): such a step gets another name here.
    const fn = this.functionName(step);
    const taken = /^(?:setup|teardown)(?:_module|_function|_method|_class)?$|^test/i.test(fn) || TEST_LOCALS.has(fn);
    const local = taken ? `step_${fn}` : fn;
    if (usesValues) lines.push('import pytest', '');
    lines.push(`from ${this.pkg} import _runtime`, `from ${this.pkg}.steps.${step.name} import ${fn}${local === fn ? '' : ` as ${local}`}`, '', `OUTPUTS = [${step.outputs.map(pyString).join(', ')}]`, '', '');
    lines.push(`def test_${step.name}_returns_its_outputs(pipeline_config, pipeline_run, monkeypatch):`);
    lines.push('    assert pipeline_run.status == "finished", pipeline_run.error');
    // The tests' pipeline run called the step on the notebook's parameters unless it took it from the cache:
    // what it returned then is checked, rather than running the step (perhaps the slowest) again.
    lines.push(`    returned = pipeline_run.returned.get(${pyString(step.name)})  # its outputs' types and shapes as it returned them in the run`);
    lines.push('    if returned is None:  # the run took it from the cache: call it with what the run called it with');
    const call: string[] = [];
    call.push(`monkeypatch.chdir(pipeline_run.folders[${pyString(step.name)}])  # where the step ran in the pipeline`);
    if (usesParams) call.push('params = _runtime.resolve_params(pipeline_config)');
    // What this step was called with: a later step may rebind the same name (`df = df.dropna()`) or change it in place.
    if (usesValues) {
      // Copied in one go: inputs holding each other (`combine = [train_df, test_df]`) still do in the copy.
      call.push(`values = _runtime.copied(pipeline_run.inputs[${pyString(step.name)}])`);
      // An iterator an earlier step returned (a generator, `TimeSeriesSplit().split(X)`) cannot be copied: the
      // pipeline run used it up, and the step called again with it would see nothing.
      call.push(`used_up = _runtime.used_up_inputs(pipeline_run, ${pyString(step.name)})`, 'if used_up:', '    pytest.skip(used_up)');
    }
    if (this.sharedRunsFirst()) {
      // The state the shared code keeps for every run (a list a helper appends to, seeded generators): as when
      // the step ran in the pipeline, not as the run left it.
      call.push(`with _runtime.state_before(pipeline_run, ${pyString(step.name)}):  # the shared state the step started from in the run`, `    result = ${local}(${args.join(', ')})`);
    } else call.push(`result = ${local}(${args.join(', ')})`);
    call.push(`returned = {name: _runtime.describe(value) for name, value in _runtime.split_outputs(${pyString(step.name)}, OUTPUTS, result).items()}`);
    lines.push(...call.map((line) => `        ${line}`));
    lines.push('    assert list(returned) == OUTPUTS');
    lines.push(`    for name, recorded in (_runtime.step_config(pipeline_config, ${pyString(step.name)}).get("recorded") or {}).items():`);
    lines.push('        assert _runtime.matches_recorded(returned[name], recorded), f"{name}: {returned[name]} differs from the notebook\'s {recorded}"');
    return `${lines.join('\n')}\n`;
  }

  private notebookTestsFile(): string {
    const { tests } = this.input.graph;
    const paramsOf = (t: CodeUnit): Set<string> => this.fromParameters(testNode(t));
    const imports = sortImports([...new Set(tests.flatMap((t) => this.prunedImports(t.imports, t.cells, this.sharedDefinitionReads(t))))]);
    const common = this.splitShared([...new Set(tests.flatMap((t) => t.commonNames))]).atImport;
    const lines = [`"""${this.header("The notebook's test cells, run against the pipeline's values.", tests.flatMap((t) => t.cells))}\n"""`, 'from __future__ import annotations', ''];
    if (imports.length > 0) lines.push(...imports, '', ...this.sideEffectDeletes(imports, tests.flatMap((t) => t.cells)));
    if (common.length > 0) lines.push(`from ${this.pkg}.${this.input.sharedModule} import ${this.sharedImportItems('tests', common).join(', ')}`, '');
    const fromSteps = sortImports(tests.flatMap((t) => this.stepImportLines(t, `${this.pkg}.steps.`)));
    if (fromSteps.length > 0) lines.push(...fromSteps, '');
    if (this.notebookFileUsed(tests.flatMap((t) => t.cells))) lines.push(this.notebookFileImport(this.pkg), '');
    if (tests.some((t) => t.inputs.length > 0)) lines.push(`from ${this.pkg} import _runtime`, '');
    const suffixes = testSuffixes(tests.map((t) => t.cells[0]).filter((c) => c !== undefined));
    for (const t of tests) {
      const cell = t.cells[0];
      if (cell === undefined) continue;
      // A parameter a step redefined (`sample = sample or 200`) comes from that step, as in the notebook.
      const params = paramsOf(t);
      const sources = this.testSources(t);
      lines.push('', `def test_cell_${suffixes.get(cell) ?? String(cell.index + 1)}(pipeline_config, pipeline_run, in_workdir):`, `    """${cellWords(t.cells).replace(/^c/, 'C')} of the notebook."""`);
      lines.push('    assert pipeline_run.status == "finished", pipeline_run.error');
      // `_params`, not `params`: the cell's own names (a dict called `params`) are bound below it.
      if (t.inputs.some((i) => params.has(i))) lines.push('    _params = _runtime.resolve_params(pipeline_config)');
      for (const i of t.inputs) {
        if (params.has(i)) lines.push(`    ${i} = _params[${pyString(i)}]`);
        else if (t.metricInputs.includes(i)) lines.push(`    ${i} = _runtime.copied(_runtime.metric_value(pipeline_run, ${pyString(i)}))`);
        else {
          // As the step that made it returned it, not as later steps left it: the cell ran before them.
          const step = sources.get(i);
          lines.push(`    ${i} = _runtime.copied(${step === undefined ? `pipeline_run.outputs[${pyString(i)}]` : `_runtime.step_output(pipeline_run, ${pyString(step)}, ${pyString(i)})`})`);
        }
      }
      lines.push(this.unitBody(t, this.sharedDefinitionReads(t), new Map(), [...this.lateSharedImport(this.pkg, this.splitShared(t.commonNames).late), ...this.sharedDefinitions(t, this.pkg)]));
    }
    return `${lines.join('\n')}\n`;
  }

  private metricsTestFile(): string {
    const unseeded = this.input.unseededDraws ?? [];
    const note =
      unseeded.length === 0
        ? ''
        : `\n#: The notebook's random draws no seed fixes (promotion warned: not-reproducible): its numbers differ from run to run.\nUNSEEDED = [\n${unseeded.map((d) => `    ${pyString(d)},`).join('\n')}\n]\n`;
    const stale = this.input.staleOutputs ?? [];
    const staleNote = stale.length === 0 ? '' : `\n#: Why the saved outputs the expected metrics come from may be older than the code (promotion warned).\nSTALE_OUTPUTS = [\n${stale.map((d) => `    ${pyString(d)},`).join('\n')}\n]\n`;
    // (Round 58 BBB: a failing test after outputs saved out of order said only that a metric differed.)
    const explain =
      (unseeded.length === 0 ? '' : `\n    if differences:\n        differences.append("the notebook draws random numbers no seed fixes, so every run gives others; seed them to reproduce it: " + "; ".join(UNSEEDED))`) +
      (stale.length === 0 ? '' : `\n    if differences:\n        differences.append("the expected metrics come from saved outputs that look older than the code; run the notebook and save it, or promote with --execute: " + "; ".join(STALE_OUTPUTS))`) +
      // Outputs whose execution counts look in order may still be older than the code (a parameter edited after the
      // run, round 66 PPP): said as what to try, not as a finding.
      (stale.length > 0 || unseeded.length > 0 || this.input.expectedFromOutputs !== true ? '' : `\n    if differences and not edited:\n        differences.append("the expected metrics are those the notebook's saved outputs show: if the notebook changed after it last ran (code, parameters or data), run it again and save it, or promote with --execute to record them")`);
    // The tests' run took steps from the cache, and a run computing every step was made too: they must agree (round
    // 36 H: a cache holding values a change did not reach kept the suite green). Not with unseeded draws.
    const cached =
      unseeded.length === 0
        ? `\n    if run is not pipeline_run and pipeline_run.status == "finished":\n        stale = _runtime.compare_metrics(pipeline_run.metrics, {name: value for name, value in run.metrics.items() if name in expected}, pipeline_config["metrics"].get("tolerance"))\n        if stale:\n            differences.append("the tests' run took steps from the cache and gives other metrics than a run computing every step: the cache holds values a change did not reach (\`nbpromote run --no-cache\` runs every step again); the cached run's " + "; ".join(stale))`
        : '';
    return `"""${this.header("The pipeline reproduces the notebook's metrics.", this.input.graph.metrics?.cells ?? [])}\n"""
from __future__ import annotations

import pytest

from ${this.pkg} import _runtime
from ${this.pkg}.pipeline import CONFIG_PATH, METRICS, STEPS
${note}${staleNote}

def test_metrics_match_the_notebook(pipeline_config, pipeline_run):
    expected = (pipeline_config.get("metrics") or {}).get("expected") or {}
    if not expected:
        pytest.skip(
            ${this.input.ranWithoutMetrics === true ? `"the notebook gives no metric: it ran (promote --execute) and its metrics cell assigned no number to a name. "
            "Assign each value to a name (\`accuracy = accuracy_score(...)\`) to make it a metric"` : `"no expected metrics are known: run the notebook and save it with its outputs, "
            "or promote with \`nbpromote promote --execute\` to record them"`}
        )
    # The tests' pipeline run, when it took no step from the cache; else a run that takes none.
    run = pipeline_run if _runtime.took_nothing_from_cache(pipeline_run) else _runtime.run_pipeline(pipeline_config, STEPS, METRICS, params=None, root=CONFIG_PATH.parent, use_cache=False, record=False)
    assert run.status == "finished", run.error
    differences = _runtime.compare_metrics(run.metrics, expected, pipeline_config["metrics"].get("tolerance"), pipeline_config["metrics"].get("shown_decimals")${this.input.shownTruncated === undefined ? '' : ', pipeline_config["metrics"].get("shown_truncated")'})
    edited = _runtime.defaults_changed(pipeline_config, CONFIG_PATH.parent) if differences else []
    if edited:
        differences.append("the expected metrics are the notebook's, for its parameter values, and pipeline.yaml's defaults differ: " + "; ".join(edited))${explain}${cached}
    assert not differences, "\\n".join(differences)
`;
  }

  /** The Python 3 minor version the package needs: 9, or what the syntax of a cell it keeps needs (round 43 U). */
  private requiredPythonMinor(): number {
    const cells = unitsOf(this.input.graph).flatMap((u) => u.cells);
    return Math.max(9, ...cells.map((c) => this.gen(c.index)?.needsPython ?? 0));
  }

  private pyprojectFile(): string {
    const sorted = inferredDependencies(this.input.graph, this.input.localModules).flatMap((d) => d.requirements);
    return `# Written by nbpromote ${this.input.toolVersion}. While it stays as written, promotion keeps its dependencies in
# step with the notebook's imports; once you edit it, it is yours: promotion keeps it, and warns of imports it
# does not list.
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = ${pyString(this.pkg.replace(/_/g, '-'))}
dynamic = ["version"]
description = ${pyString(`Pipeline promoted from ${this.input.notebookPath}`)}
requires-python = ">=3.${this.requiredPythonMinor()}"
dependencies = [
${sorted.map((d) => `    ${pyString(d)},`).join('\n')}
]

[project.optional-dependencies]
test = ["pytest"]

[tool.setuptools.dynamic]
version = {attr = "${this.pkg}.__version__"}

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]
`;
  }

  // ---- words ----

  /** "cell 2", "cells 4–6" (numbers, for previews: they need not stay put). */
  private cellList(cells: readonly CellRef[]): string {
    return cellsLabel(cells.map((c) => c.index + 1));
  }
}

/**
 * "cell 3f2a9c1d" or "cells 3f2a9c1d, 8b0e4d2a" when the notebook has cell ids, else "cells 4-6": ids do not
 * move when a cell is inserted above, so generated files stay the same (only what changed is rewritten).
 */
function cellWords(cells: readonly CellRef[]): string {
  const ids = cells.map((c) => c.id);
  const noun = cells.length === 1 ? 'cell' : 'cells';
  if (ids.length > 0 && ids.every((id) => id !== undefined)) return `${noun} ${ids.join(', ')}`;
  return `${noun} ${compactRanges(cells.map((c) => c.index + 1))}`;
}

/** A function body: `pass` when it holds no statement, only comments (a definition left out) or nothing. */
function withStatement(body: string): string {
  if (body.split('\n').some((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))) return body;
  return body.trim() === '' ? 'pass' : `${body.trimEnd()}\npass`;
}

function pyType(type: string | undefined): string {
  switch (type) {
    case 'int':
    case 'float':
    case 'str':
    case 'bool':
    case 'list':
    case 'tuple':
    case 'dict':
      return type;
    case 'path':
      return 'Path';
    default:
      return 'object';
  }
}

/** The name an import statement binds (`import numpy as np` -> np, `from a import b` -> b, `import a.b` -> a). */
export function boundName(statement: string): string | undefined {
  const from = /^from\s+\S+\s+import\s+(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(statement);
  if (from !== null) return from[2] ?? from[1];
  const plain = /^import\s+([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(statement);
  if (plain !== null) return plain[2] ?? plain[1]?.split('.')[0];
  return undefined;
}

/** The top-level modules the package's code imports (shared code, steps, metrics). */
export function importedModules(graph: StepGraph): Set<string> {
  const modules = new Set<string>();
  for (const s of [...graph.common.imports, ...graph.steps.flatMap((step) => step.imports), ...(graph.metrics?.imports ?? []), ...graph.tests.flatMap((t) => t.imports)]) {
    const m = topModule(s);
    if (m !== undefined) modules.add(m);
  }
  return modules;
}

function topModule(statement: string): string | undefined {
  const m = /^(?:from|import)\s+([\w]+)/.exec(statement);
  return m?.[1];
}

/**
 * Names a step copies, in two sorted groups: those it changes in place itself (`below`), then those a later step
 * changes through the step's name for them (`later`, StepNode.copiesSharedForLater); empty groups left out.
 */
function byWhenChanged(names: readonly string[], later: ReadonlySet<string>): { sorted: string[]; when: 'below' | 'later' }[] {
  const groups = [
    { sorted: names.filter((n) => !later.has(n)).sort(), when: 'below' as const },
    { sorted: names.filter((n) => later.has(n)).sort(), when: 'later' as const },
  ];
  return groups.filter((g) => g.sorted.length > 0);
}

/**
 * isort-like: `import x` before `from x import y`, alphabetical, `__future__` never here. With a star import
 * the order is the notebook's: a later import wins a name an earlier one bound (round 39 N: `from numpy import *`
 * then `from math import *`, sorted, gave numpy's `log` where the notebook had math's).
 */
export function sortImports(statements: readonly string[], local: ReadonlySet<string> = new Set()): string[] {
  const unique = [...new Set(statements)];
  if (unique.some((s) => /\bimport\s+\*/.test(s))) return unique;
  // As isort and PEP 8 group them: the standard library, then other libraries, then the project's own modules
  // (beside the notebook, or the package's), a blank line between; each `from m import a` of one module as one
  // line, its names sorted (round 43 U: `from x import a, b` became two lines).
  const group = (s: string): number => {
    const top = topModule(s) ?? '';
    return /^from\s+\./.test(s) || local.has(top) ? 2 : top === '__future__' || isStdlibModule(top) ? 0 : 1;
  };
  // An import made for what importing does before the others of its library, which may need it (enable_*).
  const key = (s: string): string => `${group(s)}${s.startsWith('from') ? '1' : '0'}${(topModule(s) ?? '').toLowerCase()} ${sideEffectImport(s) === undefined ? '1' : '0'}${s.toLowerCase()}`;
  const sorted = mergedFromImports(unique).sort((a, b) => key(a).localeCompare(key(b)));
  return sorted.flatMap((s, i) => (i > 0 && group(s) !== group(sorted[i - 1] ?? s) ? ['', s] : [s]));
}

/** The longest import line written on one line; a longer one is wrapped in parentheses, a name per line. */
const IMPORT_LINE_LENGTH = 99;

/** `from m import b as c` and `from m import a` as `from m import a, b as c`: one statement per module, where its first was. */
function mergedFromImports(statements: readonly string[]): string[] {
  const names = new Map<string, string[]>();
  const out: string[] = [];
  for (const statement of statements) {
    const m = /^from\s+(\S+)\s+import\s+([A-Za-z_]\w*(?:\s+as\s+[A-Za-z_]\w*)?)$/.exec(statement);
    if (m === null) {
      out.push(statement);
      continue;
    }
    const module = m[1] ?? '';
    const known = names.get(module);
    if (known !== undefined) known.push(m[2] ?? '');
    else {
      names.set(module, [m[2] ?? '']);
      out.push(`\0${module}`);
    }
  }
  return out.map((s) => {
    if (!s.startsWith('\0')) return s;
    const module = s.slice(1);
    const items = [...(names.get(module) ?? [])].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    const line = `from ${module} import ${items.join(', ')}`;
    return line.length <= IMPORT_LINE_LENGTH ? line : `from ${module} import (\n${items.map((item) => `    ${item},`).join('\n')}\n)`;
  });
}

/** The line without the import statements hoisted from it (they run at the top of the module). */
function cutImports(text: string, cuts: readonly { readonly from: number; readonly to: number }[]): string {
  let line = text;
  for (const cut of [...cuts].sort((a, b) => b.from - a.from)) line = `${line.slice(0, cut.from)}${line.slice(cut.to)}`;
  return line;
}

/** `except ValueError as err:` -> `except ValueError:` for each cut on the line (right to left), saying so. */
function cutExceptAliases(text: string, cuts: readonly { readonly name: string; readonly from: number; readonly to: number }[]): string {
  if (cuts.length === 0) return text;
  let line = text;
  for (const cut of [...cuts].sort((a, b) => b.from - a.from)) line = `${line.slice(0, cut.from)}${line.slice(cut.to)}`;
  return `${line}  # nbpromote: ${cuts.map((c) => `\`as ${c.name}\``).join(', ')} removed: the block does not use it`;
}

/**
 * `text` with its strings and comments blanked out (same length), so a search finds names in code only. The
 * translation's comments stay: they hold what the notebook showed (`# nbpromote: ...: display(scores)`).
 */
function blankedLiterals(text: string): string {
  let out = text;
  for (const [start, end] of stringAndCommentRanges(text)) if (!text.startsWith('# nbpromote:', start)) out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  return out;
}

/**
 * Whether the name at `at` (length `length`) in `code` (strings blanked) is an operand there, a part of the value
 * computed (`score * 100`, `(vals > threshold).mean()`, `not done`), or the value a plain copy takes
 * (`accuracy = acc`): not a value of its own the cell shows. A string's `%` formatting shows it (`"RMSE: %d" %
 * rmse`: the string is blanked); so may a `for` loop's header (readOnly decides it).
 */
function isOperand(code: string, at: number, length: number): boolean {
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = code.indexOf('\n', at);
  const before = code.slice(lineStart, at).trimEnd();
  const after = code.slice(at + length, lineEnd === -1 ? undefined : lineEnd).trimStart();
  if (/^\s*for\b/.test(before)) return false;
  // What the notebook showed, kept as a comment (`# nbpromote: ...: -rmse`): an operand of the expression shown
  // (round 55 UU: `-rmse` and `acc + f1` shown last made rmse, acc and f1 metrics).
  const comment = before.indexOf('# nbpromote:');
  if (comment >= 0) {
    const shownFrom = before.lastIndexOf(': ');
    return shownFrom > comment && operatorAround(before.slice(shownFrom + 2).trimEnd(), after);
  }
  // `accuracy = acc`: the value again under the name the cell gives it, which is the metric (round 55 VV).
  if (after === '' && /^\s*[A-Za-z_]\w*\s*(?::[^=]*)?=$/.test(before)) return true;
  return operatorAround(before, after) || elementOfCallArgument(code, at, lineStart);
}

/** Whether the text `before` a name ends with an operator, or the text `after` it starts with one (`%` after a blanked string formats it). */
function operatorAround(before: string, after: string): boolean {
  const formatted = /(?:^|[([{,:=])\s*%$/.test(before);
  // (A comparison's right side too: `scores >= threshold`, round 61 HHH.)
  const operatorBefore = !formatted && /(?:[-+*/%&|^<>~@]|[<>!=]=|(?:^|[^\w.])(?:not|and|or|is|if|else))$/.test(before);
  return operatorBefore || /^(?:[-+*/%&|^<>@]|!=|==|(?:and|or|is|if|else|not|in)\b)/.test(after);
}

/**
 * Whether the name at `at` is an element of a list, tuple or set that a call other than print or display takes
 * (`np.mean([a, b])`, `sorted((a, b))[0]`): read to make another value (round 55 UU).
 */
function elementOfCallArgument(code: string, at: number, lineStart: number): boolean {
  const open: number[] = [];
  let depth = 0;
  for (let i = at - 1; i >= lineStart && open.length < 2; i--) {
    const c = code[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth > 0) depth--;
      else open.push(i);
    }
  }
  const [inner, outer] = open;
  if (inner === undefined || outer === undefined || code[outer] !== '(') return false;
  const display = code[inner] === '{' || (code[inner] === '[' && !/[\w\])]\s*$/.test(code.slice(lineStart, inner))) || (code[inner] === '(' && !/[\w\])]\s*$/.test(code.slice(lineStart, inner)));
  const callee = /([A-Za-z_][\w.]*)\s*$/.exec(code.slice(lineStart, outer))?.[1];
  return display && callee !== undefined && !['print', 'display', 'pprint', 'pprint.pprint'].includes(callee);
}

/** Whether the name at `at` in `code` stands in a translation's comment naming what the notebook showed (`# nbpromote: ...: scores`). */
function inShownComment(code: string, at: number): boolean {
  return code.slice(code.lastIndexOf('\n', at - 1) + 1, at).includes('# nbpromote:');
}

/**
 * Whether the name at `at` (length `length`) in `code` (strings blanked) is only read there: indexed or reached
 * into (`scores[k]`, `accs.values()`), or passed to a call other than print, display or pprint (`len(sil)`); not
 * what a `for` loop goes through (`for k, v in summary.items():`), nor a dict printed as JSON (`print(json.dumps(scores))`).
 * A translation's comment (`# nbpromote: ...: display(scores)`) names what the notebook showed: never read-only.
 */
function readOnly(code: string, at: number, length: number): boolean {
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  // A value the notebook showed, kept as a comment: shown when it is the name (`scores`, `scores.round(3)`),
  // read when the name is an argument of the call making what was shown (`pd.DataFrame(scores).T`: the table's
  // metrics are the shown ones, and `scores.*` were the same numbers again: round 43 U).
  // A rounding of the name (`np.round(mae, 1)`) shows it.
  if (inShownComment(code, at)) {
    const lineEnd = code.indexOf('\n', at);
    const shown = code.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).split(': ').pop() ?? '';
    if (roundedName(shown) === code.slice(at, at + length)) return false;
    // An item of it (`rep["macro avg"]["f1-score"]`, `scores.get("acc")`) is what was shown, not its every entry
    // (round 62 III: with --execute, all 20 entries of a classification report were expected). (`scores.copy()`
    // shows them all.)
    return /^\s*(?:\[|\.\s*get\s*\()/.test(code.slice(at + length)) || readInBrackets(code, at, lineStart);
  }
  // `for key, value in summary.items():` goes through every entry (a loop printing them shows the dict).
  if (/^\s*for\b.*\bin\s*$/.test(code.slice(lineStart, at))) return false;
  if (/^\s*[[.]/.test(code.slice(at + length))) return true;
  return readInBrackets(code, at, lineStart);
}

/**
 * Whether the name at `at` is read by the innermost bracket open before it on its line (from `lineStart`): an
 * argument of a call other than print and display, or an index (`df.iloc[-n_holdout:]`, round 43 U); not an
 * element of a list, a tuple or a dict.
 */
function readInBrackets(code: string, at: number, lineStart: number): boolean {
  let depth = 0;
  for (let i = at - 1; i >= lineStart; i--) {
    const c = code[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === '[') return /[\w\])]\s*$/.test(code.slice(lineStart, i));
      if (c !== '(') return false;
      const callee = /([A-Za-z_][\w.]*)\s*$/.exec(code.slice(lineStart, i))?.[1];
      // `print(json.dumps(scores, indent=2))` shows the dict, as `print(scores)` does (jsonDumpedName).
      if (callee === 'json.dumps' && code.slice(i + 1, at).trim() === '' && /(?:^|[^\w.])print\(\s*json\.dumps\s*$/.test(code.slice(lineStart, i))) return false;
      // `print("rows: {:,}".format(n_rows))` and `print("rows:", format(n_rows, ","))` show it, as
      // `print(f"rows: {n_rows:,}")` does (the strings are blanked).
      if (callee === 'format' && /(?:^|[^\w.])print\((?:[^()]*,)?\s*\.?format\s*$/.test(code.slice(lineStart, i))) return false;
      return callee !== undefined && !['print', 'display', 'pprint', 'pprint.pprint'].includes(callee);
    }
  }
  return false;
}

/**
 * Whether the name at `at`, in an f-string's field, is read there rather than shown: an argument of a call
 * opened in the field before it (`{min(folds, key=lambda k: -folds[k])}`), or negated (`{-x}`).
 */
function readInField(text: string, at: number, length: number): boolean {
  const open = text.lastIndexOf('{', at);
  if (open < 0 || text.lastIndexOf('}', at) > open) return false;
  const before = text.slice(open + 1, at);
  let depth = 0;
  for (const ch of before) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
  const close = text.indexOf('}', at);
  // `{a - b:.3f}`: an operand of the value the field shows (round 55 UU).
  const after = text.slice(at + length, close < 0 ? undefined : close).trimStart();
  return depth > 0 || /^\s*-\s*$/.test(before) || operatorAround(before.trimEnd(), after);
}

/** The parameters the metrics cells read as the parameters give them (no step sets them again): no metrics. */
export function parametersReadByMetrics(graph: StepGraph): Set<string> {
  return new Set(graph.edges.filter((e) => e.to === 'metrics' && e.from === 'parameters').map((e) => e.name));
}

/**
 * The names `compute_metrics` returns (the runner keeps the numbers and dicts of numbers): what the metrics
 * cells assign, print (bare or in an f-string) or show last, and the step values they read, which they often
 * only print (`print(f"auc={auc:.4f}")`, a loop printing a dict of scores). Parameters are not metrics.
 */
export function metricNames(graph: StepGraph, cells: ReadonlyMap<number, GeneratedCell>): string[] {
  const metrics = graph.metrics;
  if (metrics === undefined) return [];
  const parameters = new Set(graph.parameters.map((p) => p.name));
  const raw = metrics.cells.map((c) => cells.get(c.index)?.code ?? '').join('\n');
  const code = blankedLiterals(raw);
  // A value the cells only read (`best = scores[best_k]`, `len(sil)`, `max(accs.values())`) is no metric, nor is
  // its every entry: one they show is (`print(scores)`, `display(scores)`, `scores` last, `summary = scores`).
  const usesIn = (name: string, text = code): number[] => [...text.matchAll(new RegExp(`(?<![.\\w])${name}(?!\\w)`, 'g'))].map((m) => m.index ?? 0);
  const onlyRead = (name: string): boolean => {
    const uses = usesIn(name);
    // Read in f-strings only (blanked above): `{auc:.4f}` shows it; `{-res.fun:.4f}`, `{scores["f1"]}` read it
    // (round 36 G: every number of scipy's OptimizeResult became a metric), and so do an argument of a call in
    // the field (`{min(folds, key=...)}`, `{len(rows)}`) and a negation (`{-x}`: the notebook showed -3, not 3)
    // (round 37 J).
    if (uses.length === 0) {
      const inFields = usesIn(name, raw);
      return inFields.length > 0 && inFields.every((at) => /^\s*[.[]/.test(raw.slice(at + name.length)) || readInField(raw, at, name.length));
    }
    // A part of a larger expression (`(vals > threshold).mean()`, `a + b`) only goes into the value computed: the
    // notebook shows that, not the part (round 54 TT: a step's threshold was a metric).
    return uses.every((at) => readOnly(code, at, name.length) || isOperand(code, at, name.length));
  };
  // A value only a shared function the metrics define reads (`rmse_cv` reading X): no metric either.
  const forShared = new Set((graph.common.stepBound ?? []).filter((f) => metrics.definesShared?.includes(f.name) === true).flatMap((f) => f.reads));
  const unread = (name: string): boolean => forShared.has(name) && usesIn(name).length === 0;
  const fromSteps = metrics.inputs.filter((name) => !parameters.has(name) && graph.edges.some((e) => e.to === 'metrics' && e.name === name && e.from !== 'parameters') && !onlyRead(name) && !unread(name));
  // What the cells bind (`auc = ...`, `precision, recall, f1, _ = ...`, not loop variables), print, then read from steps.
  // `_ = ax.set_title(...)` or `_ = 5` throws a value away: no metric named `_` (round 51 KK).
  // `report = classification_report(..., output_dict=True)` then `pd.DataFrame(report).T` shown: the table's
  // numbers are the metrics, `report.*` would be the same numbers again under other names (round 56 XX).
  const madeIntoShown = (name: string): boolean => {
    const uses = usesIn(name).filter((at) => !/^\s*(?::[^=]*)?=(?!=)/.test(code.slice(at + name.length)));
    return uses.length > 0 && uses.every((at) => readOnly(code, at, name.length)) && uses.some((at) => inShownComment(code, at));
  };
  // Bound under an `if`, a `with` or a `try` (`if __name__ == "__main__":`) too, not in a loop's body (round 67 SSS:
  // no metric, the test skipped); see branchBoundMetrics.
  const bound = (cell: GeneratedCell | undefined): string[] => [...(cell?.assigned ?? []).filter((n) => n !== '_'), ...(cell?.localBindings ?? []).filter((b) => b.name !== '_' && (b.certain || !(cell?.loopBound ?? []).includes(b.name))).map((b) => b.name)].filter((n) => !madeIntoShown(n));
  const printed = (graph.printedValues ?? []).map((v) => v.name);
  // A parameter printed beside a result (`print(f"F1 @ {THRESHOLD}: {f1:.4f}")`) is an input, in the run's
  // parameters already: no metric. One a step sets (a tuned threshold) is.
  const given = parametersReadByMetrics(graph);
  const printedNames = (cell: GeneratedCell | undefined): string[] => (cell?.printedNames ?? []).filter((n) => !given.has(n));
  // Not a name the cells delete (`big = z * 2; del big`): returning it failed every run (round 67 RRR); one bound
  // again after its `del` is, and one a `del` may remove on some paths is, read guarded (see metricsFile).
  const deleted = new Set(metrics.cells.flatMap((c, i) => (cells.get(c.index)?.deletedAtEnd ?? []).filter((name) => !metrics.cells.slice(i + 1).some((later) => cells.get(later.index)?.bound?.includes(name) === true))));
  return [...new Set([...metrics.cells.flatMap((c) => [...bound(cells.get(c.index)), ...printedNames(cells.get(c.index))]), ...printed, ...fromSteps])].filter((name) => !deleted.has(name));
}

/**
 * The names of `names` the cells bind on some paths only and never surely (under an `if`, a `with`, a `try`; a
 * loop's body is no metric): the metrics function starts them at None, so returning them raises nothing.
 */
function branchBoundMetrics(cells: readonly (GeneratedCell | undefined)[], names: readonly string[]): string[] {
  const sure = new Set(cells.flatMap((c) => [...(c?.assigned ?? []), ...(c?.localBindings ?? []).filter((b) => b.certain).map((b) => b.name)]));
  // (Bound on some paths only as the analysis works it out: an `if` with an `else` binding it too is every path,
  // round 68 TTT.)
  const maybe = new Set(cells.flatMap((c) => (c?.maybeBound ?? []).filter((name) => !(c?.loopBound ?? []).includes(name))));
  return names.filter((n) => maybe.has(n) && !sure.has(n));
}

/**
 * What names each test cell's test function: its id when every id can be part of a name (stable when cells
 * are inserted above), else its number.
 */
function testSuffixes(cells: readonly CellRef[]): Map<CellRef, string> {
  const byId = cells.map((c) => (c.id !== undefined && /^[A-Za-z0-9_-]{1,40}$/.test(c.id) ? c.id.replace(/-/g, '_') : undefined));
  const usable = byId.every((id) => id !== undefined) && new Set(byId).size === byId.length;
  return new Map(cells.map((c, i) => [c, usable ? (byId[i] ?? '') : String(c.index + 1)]));
}

/**
 * The lines (1-based) whose logical line ends with a `;` outside strings and comments (`df.plot();`, IPython's
 * way to show nothing), each with the offset of that `;`.
 */
export function trailingSemicolons(lines: readonly string[]): Map<number, number> {
  const found = new Map<number, number>();
  let state = START_STATE;
  lines.forEach((line, i) => {
    const scanned = scanLine(line, state);
    if (startsLogicalLine(scanned.state) && scanned.lastSignificant === ';') {
      const at = line.slice(0, scanned.codeEnd).lastIndexOf(';');
      if (at >= 0) found.set(i + 1, at);
    }
    state = scanned.state;
  });
  return found;
}

/** An import statement binding `name` made to bind `alias` instead: `from numpy import mean as agg` -> `... mean as _agg`. */
function importedAs(statement: string, name: string, alias: string): string {
  const bare = statement.replace(new RegExp(`\\s+as\\s+${name}\\s*$`), '').trimEnd();
  return `${bare} as ${alias}`;
}
