/**
 * From cells with roles and per-cell name facts to the step graph: what each step takes (parameters and
 * earlier steps' values) and gives (what later steps, the metrics and the tests use), the imports it needs,
 * the shared code, and an explanation for every edge. Pure: no parsing here (see python/), no files.
 */
import type { Notebook, NotebookCell } from '../contract/notebook';
import { cellProblem } from '../contract/problem';
import type { Problem } from '../contract/problem';
import type { CellRoles, TagResult } from '../contract/roles';
import type { CellRef, CodeUnit, Edge, Parameter, PrintedValue, SharedCode, SourceSite, StepBoundFunction, StepGraph, StepNode } from '../contract/stepGraph';
import { bindPrintedValue } from './printedValues';
import type { CallSite } from './cellFacts';
import { escapeRegExp, itemKeys, MAX_TABLE_ROWS, parenthesized, printArguments, printedName, printTemplates, roundedNumber, writtenName } from './expectedMetrics';
import { printedTextTables } from './textTables';
import { clipText, closestName, PYTHON_KEYWORDS } from '../tags/names';
import { blankedStrings, SCORE_WORD } from '../tags/pythonText';
import { sortProblems } from '../tags/problems';
import { RAISES_EXCEPTION } from '../tags/vocabulary';
import { clockRead, shellOutputRead, configFunctions, globalConfigChanges, importedSetters } from './globalConfig';
import { formChoices, parseParameterValue, parsePythonLiteral } from './literal';

import { sourceLines } from './python/lexical';
import { blankedQuotes, codeOffsets } from './python/literalRanges';
import type { CellAnalysis, FunctionInfo, NameSite } from './python/names';
import { runLineModule, starImportOf } from './python/ipython';
import { analyzeCell } from './python/names';
import { isBuiltin } from './python/builtins';
import { andList, withoutAccents } from '../util/words';

/** A name bound or read in a cell: 1-based line and column inside the cell's source (the Python analysis's). */
export type { NameSite };

/** A top-level function or class of a cell (see FunctionInfo): the parts the graph reads. */
type SharedFunctionFacts = Pick<FunctionInfo, 'name' | 'freeNames'> & Partial<Pick<FunctionInfo, 'kind' | 'line' | 'startLine' | 'endLine' | 'topLevel' | 'globalWrites' | 'definitionReads' | 'callReads'>>;

/** Two bindings of a name are one value: the same kind, and for a step's value the same step. */
function sameBinding(a: Binding | undefined, b: Binding | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === b.kind && (a.kind !== 'step' || (b.kind === 'step' && a.step === b.step));
}

/**
 * A shared cell's function, and what the names its definition reads (`definitionReads`: default values,
 * decorators) were bound to where the def ran: `def label(p, t=THRESHOLD)` keeps the parameter's value as its
 * default, whatever a step binds THRESHOLD to before calling it.
 */
interface SharedFunction {
  readonly cell: NotebookCell;
  readonly fn: SharedFunctionFacts;
  readonly definedWith: ReadonlyMap<string, Binding>;
}

/** A pandas selection's kind (see cellFacts.ts frameBase): which of its in-place changes reach its frame. */
export type FrameSelection = 'column' | 'rows' | 'array';

/** What the Python analysis tells the graph about one code cell. */
export interface CellFacts {
  /** Names bound at the cell's top level, in order (assignments, defs, imports, loop targets ...). */
  readonly defines: readonly NameSite[];
  /** Names read that the cell itself does not bind first, in order (builtins excluded). */
  readonly externalUses: readonly NameSite[];
  /** The uses inside function and lambda bodies, methods too: read when called, not when the cell runs. */
  readonly deferredUses?: readonly NameSite[];
  /**
   * Reads of builtin names the cell does not bind first (`max`, `id`, `input` ...): an earlier step or
   * parameter that defined one shadows the builtin, as in the notebook.
   */
  readonly builtinUses?: readonly NameSite[];
  /** Names changed in place (`df["x"] = ...`, `model.fit(...)`): a new version of the value. */
  readonly mutates: readonly NameSite[];
  /** `from m import *` statements: they may bind any name. */
  readonly starImports: readonly string[];
  /** Import bindings: the bound name and one import statement binding only it. */
  readonly imports: readonly { readonly name: string; readonly statement: string; readonly line: number }[];
  /** Top-level functions and classes with the global names their bodies read. */
  readonly functions: readonly SharedFunctionFacts[];
  /** `name = lambda ...` statements on a line of their own, with the module-level names the line reads. */
  readonly lambdas?: readonly { readonly name: string; readonly line: number; readonly freeNames: readonly string[]; readonly definitionReads?: readonly string[]; readonly callReads?: readonly string[] }[];
  /** Top-level simple assignments `name = <expression>` with the expression's text (parameters). */
  readonly assignments: readonly { readonly name: string; readonly valueText: string; readonly line: number; readonly annotation?: string }[];
  /** Names a tuple unpacking binds to other names as they are (`grid, seed = GRID, SEED`). */
  readonly unpackedAliases?: readonly { readonly name: string; readonly target: string; readonly line: number }[];
  readonly requirements: readonly string[];
  /** Top-level statements left to run once imports and removed IPython lines are gone (0: the cell does nothing). */
  readonly statements?: number;
  /** Top-level functions that change parameters in place: their positions and names. */
  readonly changesArguments?: readonly { readonly name: string; readonly positions: readonly number[]; readonly keywords: readonly string[]; readonly globals?: readonly string[] }[];
  /** Classes whose methods change the class's own state (see cellFacts): a step defining one keeps it inside. */
  readonly statefulClasses?: readonly string[];
  /** Calls of plain names, with the names passed (see `changesArguments`). */
  readonly calls?: readonly CallSite[];
  /** Names a method is called on (`rng.normal(...)`): a draw from a random generator changes it. */
  readonly receivers?: readonly NameSite[];
  /** Names the cell assigns a new random generator (`rng = np.random.default_rng(0)`). */
  readonly generators?: readonly string[];
  /** The trailing expression the translation left out as display-only (`{'acc': acc}`), with its line. */
  readonly shown?: { readonly text: string; readonly line: number };
  /**
   * `display(<one value>)` calls the translation left out, at the top level or in a `with`/`if`/`try` block, in
   * order: their argument, line and, for a bare name, the name and its column.
   */
  readonly displayed?: readonly { readonly text: string; readonly line: number; readonly name?: string; readonly column?: number }[];
  /** Names a function the cell defines declares `global` (`def inc(n): global count; count += n`). */
  readonly declaresGlobal?: readonly NameSite[];
  /** Names the cell binds on some paths only (`if USE_LOG: scale = 10.0`): see CellAnalysis.maybeBound. */
  readonly maybeBound?: readonly string[];
  /** The `del`s that always run and leave their names unbound when the cell ends, where (see cellFacts). */
  readonly deletesAtEnd?: readonly NameSite[];
  /** Assignments making a value that holds others as they are (`pipe = make_pipeline(scaler, clf)`: pipe holds clf). */
  readonly contains?: readonly { readonly name: string; readonly parts: readonly string[]; readonly line: number }[];
  /**
   * Assignments making a value that may share another's memory (`X_train = X[:450]`, `Xt = X.T`); `oneWay`: a
   * pandas selection (`income = df["income"]`, `df.iloc[:3]`) whose changes reach the frame, not the other way.
   */
  readonly views?: readonly { readonly name: string; readonly base: string; readonly line: number; readonly oneWay?: FrameSelection }[];
  /**
   * The top-level statements other than imports, in order: where each is in the translated code (`start`, `end`
   * offsets; 1-based lines), the names it reads and those it binds or changes, and the name of a plain
   * `name = <expression>` (see {@link splitParametersCell}).
   */
  readonly topStatements?: readonly TopStatement[];
}

/** One top-level statement of a cell (see CellFacts.topStatements). */
export interface TopStatement {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly endLine: number;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly assigns?: string;
}

type Binding =
  | { readonly kind: 'import'; readonly statement: string; readonly site: SourceSite }
  | { readonly kind: 'parameter'; readonly site: SourceSite }
  | { readonly kind: 'common'; readonly site: SourceSite }
  | { readonly kind: 'step'; readonly step: string; readonly site: SourceSite; readonly column?: number }
  | { readonly kind: 'metric'; readonly site: SourceSite };

type UnitKind = 'step' | 'metrics' | 'test';

/** A file a step's line names (see addFileEdges): by its name's end, and as written (`"../models/m.pkl"`). */
interface FileUse {
  readonly step: UnitBuilder;
  readonly file: string;
  readonly path: string;
  readonly site: SourceSite;
  readonly writes: boolean;
}

interface UnitBuilder {
  readonly kind: UnitKind;
  readonly name: string;
  readonly cells: CellRef[];
  readonly inputs: string[];
  readonly imports: string[];
  readonly commonNames: string[];
  readonly outputs: string[];
  /** Where the unit binds each output (the binding later units see): outputs go in this order. */
  readonly outputSites: Map<string, SourceSite>;
  /** The column of each output's binding in its line: `X_tr, X_te, y_tr, y_te = ...` returns them in that order. */
  readonly outputColumns: Map<string, number>;
  readonly dataAfter: string[];
  readonly explicitAfter: string[];
  /** Steps that write a file this one reads (see addFileEdges). */
  readonly fileAfter: string[];
  /** Why the step runs at every run, never from the cache: files another step writes too (see checkRewrittenFiles). */
  readonly alwaysRuns: string[];
  /** Names bound by the unit's earlier cells: read locally, not inputs. */
  readonly local: Set<string>;
  /** Inputs that are metric values (tests read them from the run's metrics). */
  readonly metricNames: string[];
  /** Names already reported as problems in this unit (one problem per name). */
  readonly reported: Set<string>;
  /** Shared names the unit changes in place while still shared (see StepNode.changesShared). */
  readonly changesShared: string[];
  /** Of changesShared, those a later step changes through the unit's name for them (see StepNode.copiesSharedForLater). */
  readonly copiesSharedForLater: string[];
  /** Parameters the unit changes in place while still parameters (see StepNode.changesParameters). */
  readonly changesParameters: string[];
  /** Functions and classes the unit defines, and of them those it changes after defining them (see StepNode.changesDefinitions). */
  readonly definitions: Set<string>;
  readonly changesDefinitions: string[];
  /** Shared functions reading parameters or step values that the unit defines itself (see StepBoundFunction). */
  readonly definesShared: string[];
  /** The parameters cells whose code on parameters runs first in this step (see StepNode.parameterCode). */
  readonly parameterCode: number[];
  /**
   * Names the step binds on some paths only that an earlier unit or the parameters bound first, each with that
   * binding: when a later unit takes one from this step, the step takes the earlier value too, to return when its
   * binding did not run (see keepIfUnbound).
   */
  readonly mayKeep: Map<string, { readonly binding: Binding; readonly cell: NotebookCell; readonly site: NameSite }>;
}

/** A string literal naming a data or model file (`"model.pkl"`, `'out/scores.json'`): group 2 is the name. */
const FILE_LITERAL = /(["'])([^"'\\\n]{1,200}?\.(?:csv|tsv|txt|json|jsonl|parquet|feather|arrow|orc|avro|pkl|pickle|joblib|npy|npz|h5|hdf5|pt|pth|ckpt|onnx|bin|model|png|jpe?g|svg|pdf|html|xlsx?|ya?ml|zip|gz|db|sqlite))\1/g;
/** The file name a literal ends in (`"{out}/clean.csv"` -> `clean.csv`), unless that holds a pattern or a format field. */
function fileName(literal: string): string | undefined {
  const name = literal.split(/[\\/}]/).pop() ?? '';
  // `f"{run_name}.joblib"`: a format field and an extension, no name to tell the file by.
  return name === '' || name.startsWith('.') || /[{}%*?[]/.test(name) ? undefined : name;
}

/**
 * The line of function `fn`'s body (its `def` on line `defLine` of `source`) that first reads `name`: where
 * to point an error about that read; the `def` line when no line names it.
 */
function readLine(source: string, fn: string, name: string, defLine: number): number {
  const lines = source.split('\n');
  const indent = (text: string): number => text.length - text.trimStart().length;
  const header = lines[defLine - 1] ?? '';
  const start = /^\s*(?:(?:async\s+)?def|class)\s/.test(header) && header.includes(fn) ? defLine : lines.findIndex((l) => new RegExp(`^\\s*(?:(?:async\\s+)?def|class)\\s+${fn}\\b`).test(l)) + 1;
  if (start < 1) return defLine;
  const word = new RegExp(`(?<![\\w.])${name}(?!\\w)`);
  for (let i = start; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (text.trim() !== '' && indent(text) <= indent(lines[start - 1] ?? '') && !/^\s*[)\]}#]/.test(text)) break;
    if (word.test(text.replace(/#.*$/, ''))) return i + 1;
  }
  return defLine;
}

/** {@link FILE_LITERAL} without its flag: is there one at all. */
const FILE_LITERAL_ANYWHERE = new RegExp(FILE_LITERAL.source);

/**
 * The file a right-hand side only builds the path of (`"data/x.csv"`, `Path(OUT) / "x.csv"`,
 * `os.path.join(OUT, "x.csv")`, `f"{OUT}/x.csv"`), not one a call reads or writes (`pd.read_csv("x.csv")`).
 */
function builtPath(rhs: string): { file: string; path: string } | undefined {
  const text = rhs.replace(/#.*$/, '').trim();
  if (!/^(?:[rRfFuU]{0,2}["']|(?:pathlib\.)?Path\s*\(|os\.path\.(?:join|abspath|expanduser|normpath)\s*\(|str\s*\(|[A-Za-z_][\w.]*\s*\/)/.test(text)) return undefined;
  // A call that is not one building a path (`Path(x).read_text()`, `str(load("x.csv"))`) does more than name it.
  const calls = [...text.matchAll(/([A-Za-z_][\w.]*)\s*\(/g)].map((m) => m[1] ?? '');
  if (calls.some((c) => !/^(?:(?:pathlib\.)?Path|os\.path\.(?:join|abspath|expanduser|normpath)|str)$/.test(c)) || /\)\s*\.\s*[A-Za-z_]\w*\s*\(/.test(text)) return undefined;
  for (const m of text.matchAll(FILE_LITERAL)) {
    const file = fileName(m[2] ?? '');
    if (file !== undefined) return { file, path: m[2] ?? '' };
  }
  return undefined;
}

/**
 * NumPy's writers given a name as a string literal (`np.save("data/embedding", emb)`): group 1 is the function,
 * group 3 the name, which NumPy ends with `.npy` (save) or `.npz` (savez, savez_compressed) when it does not.
 */
const NUMPY_SAVE = /\b(?:np|numpy)\.(save|savez|savez_compressed)\s*\(\s*(?:file\s*=\s*)?(["'])([^"'\\\n]{1,200}?)\2/g;
/** {@link NUMPY_SAVE} without its flag: is there one at all. */
const NUMPY_SAVE_ANYWHERE = new RegExp(NUMPY_SAVE.source);

/** The file a NumPy writer writes for `name` (see {@link NUMPY_SAVE}): `data/embedding` -> `data/embedding.npy`. */
function numpyFile(fn: string, name: string): string {
  const suffix = fn === 'save' ? '.npy' : '.npz';
  return name.endsWith(suffix) ? name : `${name}${suffix}`;
}

/**
 * Whether two file names found by their end (`model.pkl`) name one file: unless both give their folder (no
 * format field or pattern) and the folders differ (`train/data.csv`, `test/data.csv`).
 */
function sameFile(a: string, b: string): boolean {
  const whole = (path: string): boolean => /[\\/]/.test(path) && !/[{}%*?[]/.test(path);
  const plain = (path: string): string => path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  return !whole(a) || !whole(b) || plain(a) === plain(b);
}

/** A line that writes a file (the literal on it is what it writes). */
const WRITES = /\b(?:to_(?:csv|parquet|json|pickle|excel|feather|hdf|html|markdown)|dump|savefig|save(?:txt|z|z_compressed|_model)?|write_(?:text|bytes)|imwrite|copy(?:file)?|move)\s*\(|\bopen\s*\([^)]*["'](?:w|a|x)b?\+?["']/;

/** IPython's output and input history: `_`, `__`, `___`, `_7`, `_i`, `_ii`, `_i7`, `Out`, `In`, `_oh`, `_ih`. */
const IPYTHON_HISTORY = /^(?:_{1,3}|_\d+|_i{1,3}|_i\d+|Out|In|_oh|_ih|_dh)$/;

/**
 * `moved`: by parameters cell, the facts of its code that runs in the first step after it (see
 * {@link splitParametersCell}), analysed alone; `sharedParts`: of such a cell's code above that, which the shared
 * module runs.
 */
export function buildStepGraph(notebook: Notebook, roles: TagResult, facts: ReadonlyMap<number, CellFacts>, moved: ReadonlyMap<number, CellFacts> = new Map(), starExports: ReadonlyMap<string, ReadonlySet<string>> = new Map(), sharedParts: ReadonlyMap<number, CellFacts> = new Map()): StepGraph {
  return new GraphBuilder(notebook, roles, facts, moved, starExports, sharedParts).build();
}

/** Builtins a parameters cell's derived values may call and still wait for the step using them (`parameterCodeWaits`). */
const PURE_BUILTINS = new Set(['int', 'float', 'round', 'abs', 'min', 'max', 'len', 'str', 'bool', 'sum', 'pow', 'divmod']);

/** A statement of a parameters cell that is no plain literal assignment (see {@link splitParametersCell}). */
export interface ParametersStatement {
  readonly statement: TopStatement;
  /** The cell's parameters (and names made from them) it reads, binds or changes: none for shared code. */
  readonly parameters: readonly string[];
}

/**
 * The statements of a parameters cell other than plain literal assignments of its parameters, in order. Those
 * reading, binding or changing a parameter (`np.random.seed(SEED)`, `n_rows //= 2`, `if fast: n_rows = 150`,
 * `out_dir = Path(root) / "out"`), or a name such a statement bound, are `moved`: with them, all of these after
 * the first run at the start of the first step after the cell, in order, so a `--param` value reaches them as in
 * the notebook. The others before it (`warnings.filterwarnings("ignore")`, `np.random.seed(42)`) are `shared`.
 */
export function splitParametersCell(f: CellFacts, earlier: ReadonlySet<string> = new Set()): { readonly moved: readonly ParametersStatement[]; readonly shared: readonly ParametersStatement[]; readonly parameters: ReadonlySet<string> } {
  const last = new Map(f.assignments.map((a) => [a.name, a]));
  const plain = (valueText: string): boolean => {
    const parsed = parseParameterValue(valueText);
    return parsed.ok && !parsed.lossy;
  };
  const parameters = new Set([...last.values()].filter((a) => plain(a.valueText)).map((a) => a.name));
  // `earlier`: the parameters of the parameters cells above (an untagged cell continuing Kale's
  // `pipeline-parameters` cell runs `np.random.seed(SEED)` on the tagged cell's SEED).
  const touched = new Set([...parameters, ...earlier]);
  const others: ParametersStatement[] = [];
  for (const statement of f.topStatements ?? []) {
    const name = statement.assigns;
    const value = name === undefined ? undefined : f.assignments.find((a) => a.name === name && a.line === statement.line);
    if (name !== undefined && value !== undefined && parameters.has(name) && plain(value.valueText) && statement.writes.every((w) => w === name)) continue;
    // `k_min, k_max = 2, 8`: a literal for each parameter it sets (see literalPairs in cellFacts).
    const literalHere = (w: string): boolean => parameters.has(w) && f.assignments.some((a) => a.name === w && a.line === statement.line && plain(a.valueText));
    if (name === undefined && statement.writes.length > 1 && statement.reads.length === 0 && statement.writes.every(literalHere)) continue;
    const hit = [...new Set([...statement.reads, ...statement.writes])].filter((n) => touched.has(n));
    if (hit.length > 0) for (const w of statement.writes) touched.add(w);
    others.push({ statement, parameters: hit });
  }
  // The statements before the first on the parameters run before it in the notebook, and so they do in the shared
  // module, which runs first (round 55 UU: `warnings.filterwarnings("ignore")` above `out = os.path.join(out_dir,
  // ...)` moved into the first step, which then ran at every run).
  // Statements sharing a line go together (round 60 EEE: `!mkdir -p {out}/x` is `import os; os.makedirs(...)`,
  // whose import alone took the line, and the parameter's read, into the shared module).
  const firstLine = others.find((o) => o.parameters.length > 0)?.statement.line;
  const first = firstLine === undefined ? -1 : others.findIndex((o) => o.statement.endLine >= firstLine);
  return first === -1 ? { moved: [], shared: others, parameters } : { moved: others.slice(first), shared: others.slice(0, first), parameters };
}

/** A function (or class, or lambda on a line of its own) a step defines: see GraphBuilder.stepFunctions. */
interface StepFunction {
  readonly step: UnitBuilder;
  /** Where it is defined. */
  readonly at: SourceSite;
  /** The global names its body reads that a later step binds again, each with that step. */
  readonly rebound: Map<string, string>;
  readonly cell: NotebookCell;
  readonly fn: SharedFunctionFacts;
}

class GraphBuilder {
  private readonly bindings = new Map<string, Binding>();
  private readonly units = new Map<string, UnitBuilder>();
  private readonly steps: UnitBuilder[] = [];
  private readonly tests: UnitBuilder[] = [];
  private metrics: UnitBuilder | undefined;
  /** Values the metrics cells print under a label, named by it (`checkUnnamedPrints`). */
  private readonly printedValues: PrintedValue[] = [];
  private readonly parameters: Parameter[] = [];
  private readonly common = { cells: [] as CellRef[], names: [] as string[], imports: [] as string[] };
  private readonly edges: Edge[] = [];
  private readonly problems: Problem[] = [];
  private readonly requirements = new Set<string>();
  /** Every name some cell binds, with the first cell: to tell "defined later" from "never defined". */
  private readonly everDefined = new Map<string, SourceSite>();
  /** The Python analyses of raw and markdown cells, made only to explain a name no code cell defines. */
  private readonly notCodeAnalyses = new Map<number, CellAnalysis>();
  /** Names cells tagged skip define (they are not part of the pipeline): to say so when nothing else does. */
  private readonly skippedDefined = new Map<string, SourceSite>();
  /** Names a step or shared cell removed with `del` (and nothing bound again since): where. */
  private readonly deletedAt = new Map<string, SourceSite>();
  /** The shared cells' functions and classes, by name (the last definition): see {@link stepValuesRead}. */
  private readonly sharedFunctions = new Map<string, SharedFunction>();
  /** Shared functions reading parameters or step values, as the graph gives them (see checkSharedFunctions). */
  private readonly stepBound: StepBoundFunction[] = [];
  /**
   * A default value of a shared function a unit defines (`t=THRESHOLD`) read as the def found it, while a step
   * before the unit binds the name again (`by`): see checkReboundDefaults.
   */
  private readonly defaultsRebound: { readonly unit: UnitBuilder; readonly cell: NotebookCell; readonly line: number; readonly column: number; readonly fn: string; readonly name: string; readonly by: string; readonly before: Binding }[] = [];
  /** The first unit binding each parameter again (`n = 8` in a step), and where: see checkOverwrittenParameters. */
  /** Parameters a step, the metrics or shared code (no `unit`) sets again before a step reads them. */
  private readonly parameterRebound = new Map<string, { readonly unit?: UnitBuilder; readonly cell: NotebookCell; readonly line: number; readonly column: number }>();
  /** What made units define each shared function themselves: the names it read there (see definesSharedIn). */
  private readonly readsByUnits = new Map<string, string[]>();
  /**
   * Functions a step defines, with the global names their bodies read and those of them a later step binds
   * again (name -> that step): in the package the function keeps the defining step's values (see checkStaleCalls).
   */
  private readonly stepFunctions = new Map<string, StepFunction>();
  /** Functions (shared or a step's) that change parameters in place: a call passing a name changes that value. */
  private readonly argumentChanges = new Map<string, { readonly positions: readonly number[]; readonly keywords: readonly string[] }>();
  /**
   * Shared values shared functions change (`global calls`, `results[k] = v` in `def record`): they stay the
   * shared module's, read where used; the runtime keeps their state per run and through the cache.
   */
  private readonly sharedState = new Set<string>();
  /** Shared classes a step changes (see SharedCode.changedClasses), in the order first seen. */
  private readonly changedClasses: string[] = [];
  /** Names any cell assigns a random generator: each draw from one changes it. */
  private readonly generators = new Set<string>();
  /** `clean = raw`: names that are one value (both ways), across cells. */
  private readonly aliases = new Map<string, Set<string>>();
  /** `pipe = make_pipeline(scaler, clf)`: the values each name holds as they are (a change of one changes the other). */
  private readonly contains = new Map<string, readonly string[]>();
  /** `X_train = X[:450]` in a step: the values that may share memory with another, and the step that made them. */
  private readonly views = new Map<string, { readonly base: string; readonly step: UnitBuilder; readonly oneWay?: FrameSelection }>();
  /** Views a later step changed through their base (see noteChangedViews), for checkChangedViews. */
  /** `viewChanged`: the step changes the view (`X -= ...` on `X = data[:, :3]`), `base` then being the view. */
  private readonly changedViews: { readonly view: string; readonly base: string; readonly maker: UnitBuilder; readonly changer: UnitBuilder; readonly at: SourceSite; readonly viewChanged?: true }[] = [];
  private readonly starImports: string[] = [];
  /** The parameters cell's code waited past a step for the first step using what it computes (`parameterCodeWaits`). */
  private parameterCodeWaited = false;
  /** For the pending parameters code (by how many cells hold it): the step cell that uses what it computes. */
  private parameterCodeUser: { readonly pending: number; readonly cellIndex: number | undefined } | undefined;
  /** A parameters cell's code on its parameters, waiting for the first step after it (see splitParametersCell). */
  private readonly pendingParameterCode: { readonly cell: NotebookCell; readonly facts: CellFacts; readonly statements: readonly ParametersStatement[] }[] = [];
  /** By parameters cell split in two (`sharedParts`): the lines of its code that run in a step ({@link stepSource}). */
  private readonly movedLines = new Map<number, ReadonlySet<number>>();
  /** Test cells after that parameters cell and before the step that runs its code: visited once the code has run. */
  private readonly testsAwaitingParameterCode: { readonly cell: NotebookCell; readonly f: CellFacts; readonly unit: UnitBuilder }[] = [];

  constructor(
    private readonly notebook: Notebook,
    private readonly roles: TagResult,
    private readonly facts: ReadonlyMap<number, CellFacts>,
    private readonly moved: ReadonlyMap<number, CellFacts>,
    private readonly starExports: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly sharedParts: ReadonlyMap<number, CellFacts> = new Map(),
  ) {}

  build(): StepGraph {
    const byIndex = new Map(this.roles.cells.map((c) => [c.cellIndex, c]));
    for (const cell of this.notebook.cells) {
      const f = this.facts.get(cell.index);
      if (f === undefined) continue;
      const defined = byIndex.get(cell.index)?.roles.includes('skip') === true ? this.skippedDefined : this.everDefined;
      for (const d of f.defines) if (!defined.has(d.name)) defined.set(d.name, site(cell, d.line));
    }
    for (const step of this.roles.steps) this.unitFor('step', step.name).explicitAfter.push(...step.after);
    for (const f of this.facts.values()) for (const name of f.generators ?? []) this.generators.add(name);
    for (const cell of this.notebook.cells) {
      const f = this.facts.get(cell.index);
      const cr = byIndex.get(cell.index);
      if (cell.kind !== 'code' || f === undefined || cr === undefined) continue;
      for (const r of f.requirements) this.requirements.add(r);
      this.visit(cell, cr, f);
    }
    this.checkParameterCodeRan();
    this.checkSharedFunctions();
    this.checkReboundDefaults();
    this.checkOverwrittenParameters();
    this.checkSkippedChanges(byIndex);
    this.checkChangedViews();
    this.checkUnpicklableOutputs();
    this.checkGlobalConfig();
    this.addFileEdges();
    this.checkSplitSteps();
    this.checkEmptySteps();
    this.checkMetricsPresent();
    this.checkCycles();
    return {
      steps: orderSteps(this.steps.map(toStepNode)),
      parameters: this.parameters,
      common: { ...this.common, ...(this.stepBound.length === 0 ? {} : { stepBound: this.stepBound }), ...(this.changedClasses.length === 0 ? {} : { changedClasses: this.changedClasses }) } satisfies SharedCode,
      ...(this.metrics === undefined ? {} : { metrics: toCodeUnit(this.metrics) }),
      tests: this.tests.map(toCodeUnit),
      edges: this.edges,
      requirements: [...this.requirements].sort(),
      ...(this.printedValues.length === 0 ? {} : { printedValues: this.printedValues }),
      // In cell order, then line order, as the tags' problems (round 46 Y: a check made late listed cell 9 after cell 11).
      problems: sortProblems(this.problems),
    };
  }

  private visit(cell: NotebookCell, cr: CellRoles, f: CellFacts): void {
    const roles = cr.roles;
    if (roles.includes('skip')) return;
    if (roles.includes('parameters')) return this.visitParameters(cell, f);
    // Any cell below the parameters cell runs after it too (round 63 KKK: `from cfg import *` in the imports cell
    // set TEST_SIZE again, and the package ran with the parameters cell's value; round 64 MMM: in a step).
    this.checkParametersRebound(cell);
    if (roles.includes('imports') || roles.includes('functions') || roles.includes('export') || cr.preamble) return this.visitShared(cell, f);
    if (roles.includes('metrics')) {
      this.checkUnnamedPrints(cell);
      this.checkTextTables(cell);
      return this.visitUnit(cell, f, this.metrics ?? (this.metrics = this.newUnit('metrics', 'metrics')));
    }
    if (roles.includes('test')) {
      const unit = this.newUnit('test', `test:${cell.index + 1}`);
      this.tests.push(unit);
      // Between a parameters cell with code and the first step (which runs that code): read what it leaves.
      if (this.pendingParameterCode.length > 0) return void this.testsAwaitingParameterCode.push({ cell, f, unit });
      return this.visitUnit(cell, f, unit);
    }
    if (cr.inStep !== undefined) {
      const unit = this.unitFor('step', cr.inStep);
      if (this.parameterCodeWaits(cell)) this.parameterCodeWaited = true;
      else this.runParameterCode(unit);
      return this.visitUnit(cell, f, unit);
    }
  }

  /**
   * Whether the parameters cell's code waits for a later step: when it only computes values from the parameters
   * (`n_holdout = int(n_rows * holdout)`: assignments of arithmetic and a few builtins, no other call), this step
   * cell uses none of them and a later step's cell does. It then runs at the start of that step, and a changed
   * parameter re-runs only the steps that use what it computes (round 43 U: the data step ran again for
   * `--param holdout=0.3`, which only the model step used). Code doing anything else runs first, as in the notebook.
   * The step cell that uses them is worked out once, at the first step cell after the code.
   */
  private parameterCodeWaits(cell: NotebookCell): boolean {
    const pending = this.pendingParameterCode.length;
    if (pending === 0) return false;
    if (this.parameterCodeUser?.pending !== pending) this.parameterCodeUser = { pending, cellIndex: this.parameterCodeUserFrom(cell) };
    const user = this.parameterCodeUser.cellIndex;
    return user !== undefined && user > cell.index;
  }

  /**
   * The first step cell from `cell` on using a value the pending parameters code computes, when that code only
   * computes values from the parameters (see `parameterCodeWaits`); undefined otherwise.
   */
  private parameterCodeUserFrom(cell: NotebookCell): number | undefined {
    const parameters = new Set(this.parameters.map((p) => p.name));
    const bound = new Set<string>();
    const known = (r: string): boolean => parameters.has(r) || bound.has(r) || PURE_BUILTINS.has(r);
    // A function's body runs when called, not where it is defined: it may read imports and shared names too
    // (round 48 CC: `RandomForestClassifier(random_state=seed, **kw)` in a def, `(p >= threshold).astype(int)` in a lambda).
    const atCall = (r: string): boolean => known(r) || ['import', 'common'].includes(this.bindings.get(r)?.kind ?? '');
    for (const { cell: source, facts, statements } of this.pendingParameterCode) {
      const lines = blankedStrings(source.source).split('\n');
      for (const { statement } of statements) {
        // `def schedule(epoch): return lr * decay ** epoch`: a function of the parameters, as a value computed from
        // them is (round 47 BB: the step loading the data took lr and decay only to define it for a later step).
        const fn = facts.functions.find((f) => f.kind === 'function' && f.startLine === statement.line && statement.writes.length === 1 && statement.writes[0] === f.name);
        const lambda = statement.assigns === undefined ? undefined : facts.lambdas?.find((l) => l.name === statement.assigns && l.line === statement.line);
        const defined = fn ?? lambda;
        if (defined !== undefined) {
          if (!defined.freeNames.every(atCall) || !(defined.definitionReads ?? []).every(known) || (fn?.globalWrites ?? []).length > 0) return undefined;
          bound.add(defined.name);
          continue;
        }
        const calls = [...lines.slice(statement.line - 1, statement.endLine).join('\n').matchAll(/([A-Za-z_][\w.]*)\s*\(/g)].map((m) => m[1] ?? '');
        const derived = statement.assigns !== undefined && statement.writes.every((w) => w === statement.assigns) && !parameters.has(statement.assigns);
        if (!derived || !calls.every((c) => PURE_BUILTINS.has(c)) || !statement.reads.every(known)) return undefined;
        bound.add(statement.assigns ?? '');
      }
    }
    const inStep = new Set(this.roles.cells.filter((r) => r.inStep !== undefined).map((r) => r.cellIndex));
    return this.notebook.cells.find((c) => c.index >= cell.index && inStep.has(c.index) && (this.facts.get(c.index)?.externalUses ?? []).some((u) => bound.has(u.name)))?.index;
  }

  /**
   * The first step after a parameters cell with code on its parameters (see splitParametersCell): that code runs
   * at its start, before its own cells, as in the notebook. It takes the parameters the code reads or changes
   * (`--param` values reach it), and the names it binds are the step's from then on (a parameter it changes is
   * one the step redefines).
   */
  private runParameterCode(unit: UnitBuilder): void {
    // The parameters cell and the untagged cells continuing it (Kale's rule), in order.
    const pending = this.pendingParameterCode.splice(0);
    if (pending.length === 0) return;
    for (const { cell, facts, statements } of pending) {
      // `if fast: n_rows = 150` binds n_rows only sometimes: the step takes the parameter, as the notebook had it.
      const changed = facts.defines.filter((d) => this.bindings.get(d.name)?.kind === 'parameter' && !facts.externalUses.some((u) => u.name === d.name));
      this.visitUnit(cell, { ...facts, externalUses: [...facts.externalUses, ...changed] }, unit);
      unit.parameterCode.push(cell.index);
      for (const { statement, parameters } of statements) {
        const names = parameters.length === 0 ? 'code the cell runs with it' : `code on ${andList(parameters)}`;
        // Waited for the first step using what it computes (`parameterCodeWaits`): the steps before it do not
        // take those parameters.
        const where = this.parameterCodeWaited ? `step ${unit.name}, the first step using what it computes` : `step ${unit.name}, before that step's own cells, as in the notebook`;
        this.problems.push(this.problem(cell, 'info', 'parameter-code-moved', `line ${statement.line} is not a plain literal assignment (${names}): it runs at the start of ${where}, and a --param value reaches it there`, statement.line));
      }
    }
    this.visitAwaitingTests(unit, pending.flatMap((p) => p.facts.defines));
  }

  /**
   * The test cells between a parameters cell with code and `step`, the first step after it: they read the names
   * that code binds as `step` returns them (`n_rows = 100` under `if fast:`), not the parameters' defaults. When
   * the step's own cells bind such a name again, the test would read the step's last value: a warning on it.
   */
  private visitAwaitingTests(step: UnitBuilder | undefined, defines: readonly NameSite[]): void {
    const waiting = this.testsAwaitingParameterCode.splice(0);
    for (const { cell, f, unit } of waiting) this.visitUnit(cell, f, unit);
    if (step === undefined) return;
    const own = this.notebook.cells.filter((c) => this.roles.cells.find((r) => r.cellIndex === c.index)?.inStep === step.name);
    for (const { cell, unit } of waiting) {
      for (const name of unit.inputs) {
        if (!defines.some((d) => d.name === name)) continue;
        const again = own.find((c) => this.facts.get(c.index)?.defines.some((d) => d.name === name) === true);
        if (again === undefined) continue;
        this.problems.push(
          this.problem(
            cell,
            'warning',
            'test-reads-step-value',
            `this test cell reads ${name} as the parameters cell's code leaves it, and that code runs at the start of step ${step.name}, whose cell ${again.index + 1} sets ${name} again: tests run after the pipeline, so this test reads the value step ${step.name} ends with, not the one the notebook's test saw. Move this test below cell ${again.index + 1}, or test the value there`,
          ),
        );
      }
    }
  }

  /**
   * A metrics cell printing a computed value inside an f-string (`print(f"accuracy: {accuracy_score(y, p):.4f}")`):
   * the value has no name, so the run records no metric for it. A warning on each such line.
   */
  private checkUnnamedPrints(cell: NotebookCell): void {
    const definedHere = new Set(this.facts.get(cell.index)?.defines.map((d) => d.name) ?? []);
    const fieldsOf = (line: string): { readonly expression: string; readonly before: string; readonly documented?: true }[] => {
      const m = /^print\(\s*[rR]?[fF][rR]?(["'])(.*)\1/.exec(line);
      // print("acc_rounded", round(acc, 3)): a computed value after a label, as an f-string field would be.
      const args = m === null ? printArguments(/^print\((.*)\)\s*(?:#.*)?$/.exec(line)?.[1] ?? '') : [];
      const labelled = args.flatMap((arg, j) => {
        // `print("Accuracy", "=", acc)`: the label before a separator of its own (round 58 AAA).
        const quoted = (k: number): string | undefined => /^(["'])([^"'\\]*)\1$/.exec(args[k] ?? '')?.[2];
        const before = quoted(j - 1);
        const label = before !== undefined && /^\s*(?:[:=]|->|-)\s*$/.test(before) && quoted(j - 2) !== undefined ? `${quoted(j - 2) ?? ''} ${before.trim()}` : before;
        // print("rows:", f"{len(df):,}") and print("rows:", format(len(df), ",")): the value is what the text is
        // made of, not the text (a string is no metric).
        const formatted = formattedValue(arg);
        return label === undefined || (formatted === undefined && /^[rRbBuUfF]{0,2}["']/.test(arg)) ? [] : [{ expression: formatted ?? arg, before: label }];
      });
      const formatted = m === null && args.length === 1 ? formatFields(args[0] ?? '') : [];
      // `print(accuracy_score(y, p))`, `print(np.mean(scores))`: a score with no label at all (round 56 XX: no
      // metric, and nothing said so).
      // `print(scores["acc"])`: an item of a dict by its key (round 63 KKK: no metric, and only metrics-none said).
      const alone = m === null && args.length === 1 && formatted.length === 0 && (UNLABELLED_SCORE.test(args[0] ?? '') || keyedItem(args[0] ?? '') !== undefined) && !/^[rRbBuUfF]{0,2}["']/.test(args[0] ?? '') ? [{ expression: args[0] ?? '', before: '' }] : [];
      return m === null ? [...labelled, ...formatted, ...alone] : fStringFields(m[2] ?? '');
    };
    // Labels of the cell whose names are one (`LR CV AUC` and `RF CV AUC` both `cv_auc`): each is named by all its
    // words (`lr_cv_auc`, `rf_cv_auc`), not the first by the short name and the next by its words (round 57 YY).
    const lines = sourceLines(cell.source).map((line) => ({ line, fields: fieldsOf(line) }));
    const labelsByName = new Map<string, Set<string>>();
    // The names labels of the cell spell: a value named by its call leaves them to their labels (round 63 KKK: the
    // call of `الدقة:` took `accuracy`, and `🎯 accuracy:` below it became `accuracy_shown`).
    const labelled = new Set<string>();
    for (const field of lines.flatMap((l) => l.fields)) {
      const name = labelName(field.before);
      if (name !== undefined) labelled.add(name);
      const words = labelWords(field.before);
      if (name !== undefined && words !== undefined) labelsByName.set(name, (labelsByName.get(name) ?? new Set()).add(words));
    }
    for (const [i, { line, fields }] of lines.entries()) {
      for (const field of fields) {
        // A computed value: a call, an item (`precisions[best]`), arithmetic or an attribute (`gs.best_score_`),
        // negated too (`-grid.best_score_` of a `neg_*` scorer, `-err`: round 36 G); not a name, a literal or an
        // attribute that is seldom a metric (`df.shape`).
        const attribute = /^[A-Za-z_]\w*(?:\.([A-Za-z_]\w*))+$/.exec(field.expression)?.[1];
        const computed =
          /^-\s*[A-Za-z_(]/.test(field.expression) ||
          // `(p - y)[0]`, `(y_pred == y_test).mean()` (round 37 K); a tuple is left out below.
          /^\(/.test(field.expression) ||
          /[A-Za-z_][\w.]*\s*\(/.test(field.expression) ||
          /^[A-Za-z_][\w.]*\s*\[/.test(field.expression) ||
          /^[\w.]+\s*[-+*/%]/.test(field.expression) ||
          // `acc if acc > 0 else 0` (round 55 UU: no metric, and nothing said so).
          /\bif\b.*\belse\b/s.test(blankedQuotes(field.expression)) ||
          (attribute !== undefined && !NOT_METRIC_ATTRIBUTES.has(attribute));
        // A tuple or list (`(round(lo, 4), round(hi, 4))`, a confidence interval) is no one number: no metric.
        // A rounding of a name (`round(rmse, 2)`) shows that name's value, which the reader takes as rmse's.
        // `str(loss)` writes loss as print(loss) does: the reader takes it as loss's (round 47 AA).
        if (!computed || isSequenceDisplay(field.expression) || roundedAndRead(field.expression, line) || writtenName(field.expression) !== undefined) continue;
        const short = labelName(field.before);
        const label = short !== undefined && (labelsByName.get(short)?.size ?? 0) > 1 ? (labelWords(field.before) ?? short) : short;
        // A name the cell or an earlier one already uses (`accuracy = accuracy * 100` would change a metric).
        // (Words inside the expression's strings are no names: `rep["G"]["f1-score"]` does not use f1; nor is an
        // attribute: `mean:` over `s.mean()` is `mean`, round 56 XX, not `mean_shown`.)
        const code = blankedQuotes(field.expression);
        // A builtin's name would shadow it in the whole metrics function (round 39 O: `Row max: {...}` made
        // `(max := ...)`, and every `max(...)` of the cell failed).
        const taken = (n: string): boolean => isBuiltin(n) || this.bindings.has(n) || definedHere.has(n) || this.printedValues.some((v) => v.name === n) || new RegExp(`(?<![.\\w])${n}\\b`).test(code);
        // Its last word taken (`PR AUC` then `ROC AUC`): the label's words (`roc_auc`), then `<word>_shown`.
        const words = labelWords(field.before);
        // `accuracy_score(...)` suggests `accuracy`, `np.mean(...)` `mean`; `rf.score(...)` also by what it is
        // called on, `rf_score`, when `score` is taken (not a module's: `np.mean`).
        const call = /(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$/.exec(field.expression);
        const called = call?.[2]?.replace(/_score$/, '');
        const receiver = call?.[1];
        const free = (n: string | undefined): n is string => n !== undefined && /^[a-z_]\w*$/.test(n) && !taken(n) && (n === label || !labelled.has(n));
        const byCall = [called, receiver !== undefined && called !== undefined && this.bindings.get(receiver)?.kind !== 'import' ? `${receiver}_${called}` : undefined];
        // A label in letters no name is spelled in (`Точность:`) is named by what computes the value, as the
        // warning below would suggest (round 59: `metric-unnamed` of a labelled score); the data it is of, the one
        // word in ASCII letters, in front (`Точность train:` is `train_accuracy`, round 60 EEE: it was `train`).
        // (A split word in another language too: `Точность тест:` is `test_accuracy`, round 62 III.)
        const otherLetters = /(?!\p{ASCII})\p{L}/u.test(plainLabel(field.before));
        const splitOnly = otherLetters && label !== undefined && SPLIT_WORDS.has(label);
        const prefix = splitOnly ? label : otherLetters && label === undefined ? splitWord(field.before) : undefined;
        // Its own name taken, the data its arguments are of (`accuracy_score(y_train, ...)` is `train_accuracy`)
        // (round 64 MMM: `Exactitud del modelo:` was `modelo` below `Accuracy:`; round 65 OOO: `Точность:` none).
        const argumentsSplit = splitOfArguments(field.expression);
        const byArguments = argumentsSplit === undefined || called === undefined ? undefined : `${argumentsSplit}_${called}`;
        const unspelled = otherLetters && (label === undefined || splitOnly) ? [...byCall.map((c) => (c === undefined ? undefined : prefix !== undefined ? `${prefix}_${c}` : c)), prefix === undefined ? byArguments : undefined].find(free) : undefined;
        // Its one ASCII word taken in a label of other letters (`Ακρίβεια RF:` over `rf.score(...)`, with `rf` the
        // model): by what computes it (`rf_score`) before `rf_shown` (round 62 III).
        const computedBy = otherLetters && label !== undefined ? byCall.find(free) : undefined;
        // A label naming the function computing the value (`F1 score:` over `f1_score(...)`, round 67 RRR: it was
        // `f1_score_shown`): the function's name without `_score`.
        const byFunctionName = label !== undefined && call?.[2] === label && called !== undefined && called !== label && free(called) ? called : undefined;
        const fallback = words !== undefined && words !== label && !taken(words) ? words : (computedBy ?? byFunctionName ?? (label !== undefined && !taken(`${label}_shown`) ? `${label}_shown` : (unspelled ?? 'value')));
        // A label in another language in Latin letters (`Exactitud del modelo:`, `Genauigkeit auf Testdaten:`)
        // leaves words that name no metric (`modelo`, `test_auf`): a score a metric function computes is named by
        // the function, the data it is of in front (`test_precision`) (round 63 KKK).
        const foreign = !otherLetters && (/(?!\p{ASCII})\p{L}/u.test(field.before) || (plainLabel(field.before).toLowerCase().match(/[a-z]+/g) ?? []).some((w) => FOREIGN_LABEL_WORDS.has(w)));
        const split = foreign ? splitWord(field.before) : undefined;
        const byFunction = foreign && called !== undefined && SCORE_WORD.test(called) ? [split === undefined ? called : `${split}_${called}`, argumentsSplit === undefined || argumentsSplit === split ? undefined : `${argumentsSplit}_${called}`].find(free) : undefined;
        // An item printed alone is named by its key (`print(scores["acc"])` is `acc`), then by all its keys and
        // what holds them (`scores_acc`).
        // The same item printed again is the same metric (round 67 RRR: `acc`, then `scores_acc`); a name a dict
        // of the cell has as a key is left to that dict's entry (`summary = {"acc": ...}` shown last).
        const again = field.before === '' ? this.printedValues.find((v) => v.cellIndex === cell.index && v.expression === field.expression)?.name : undefined;
        const dictKey = (n: string): boolean => new RegExp(`(["'])${n}\\1\\s*:`).test(cell.source);
        const byKey = field.before === '' ? (again ?? keyNames(field.expression).find((n) => free(n) && !dictKey(n))) : undefined;
        const name = byKey ?? byFunction ?? (splitOnly && unspelled !== undefined ? unspelled : label === undefined || taken(label) ? fallback : label);
        // Named by its label: the package binds that name where the line prints the value, and records it.
        if (name !== 'value' && !('documented' in field) && bindPrintedValue(line, { expression: field.expression, name }) !== undefined) {
          this.printedValues.push({ cellIndex: cell.index, line: i + 1, expression: field.expression, name });
          this.problems.push(this.problem(cell, 'info', 'metric-named', `this line prints ${field.expression} ${field.before === '' ? 'by its key' : 'under a label'}: the pipeline records it as the metric ${name}${field.before === '' ? ' when it is a number' : ''}`, i + 1));
          continue;
        }
        // A name no metric of the cell has (round 60 EEE: `score` suggested again for `lr.score(...)`, which would
        // have replaced the forest's).
        // (Nor a name a label of the cell spells, round 65 OOO.)
        const suggested = name === 'value' ? ([...byCall, byArguments].find((c) => c !== undefined && /^[a-z_]\w*$/.test(c) && !isBuiltin(c) && !this.bindings.has(c) && !definedHere.has(c) && !labelled.has(c) && !this.printedValues.some((v) => v.name === c)) ?? name) : name;
        this.problems.push(
          this.problem(
            cell,
            'warning',
            'metric-unnamed',
            `this line prints ${field.expression} without giving it a name, so the pipeline records no metric for it: assign it to a name first (\`${suggested} = ${field.expression}\`) and print that name, to make it a metric`,
            i + 1,
          ),
        );
      }
    }
  }

  /**
   * A metrics cell printing a table as text (`print(cv_table.to_string())`, `print(classification_report(y, p))`):
   * only labelled numbers are read from printed text, so none of the table's numbers is checked. A warning on
   * each such line, saying how to make them metrics: show the table (read as `<row>.<column>`), or the report as
   * a dict.
   */
  private checkTextTables(cell: NotebookCell): void {
    for (const table of printedTextTables(cell.source, (name) => this.assignedValues(name))) {
      const printed = clipText(table.text);
      const how =
        table.kind === 'report'
          ? `give it \`output_dict=True\` and show the dict it returns (\`report = ${clipText(table.text.replace(/\)\s*$/, ', output_dict=True)'), 120)}\`, then \`display(report)\` or \`report\` as the cell's last line): its numbers are then read as \`report.<class>.<score>\``
          : `show the table instead (\`display(${clipText(table.table ?? table.text)})\`, or it as the cell's last expression): a table of up to ${MAX_TABLE_ROWS} rows is read as \`<row>.<column>\` metrics`;
      this.problems.push(this.problem(cell, 'warning', 'metrics-text-table', `this line prints \`${printed}\`, a table, as text: only numbers printed under a label (\`print("acc:", acc)\`) are read from text, so the numbers of this table are not checked. To make them metrics, ${how}`, table.line));
    }
  }

  /** Code on a parameters cell's parameters with no step after the cell to run it: an error on its first line. */
  private checkParameterCodeRan(): void {
    const pending = this.pendingParameterCode.splice(0)[0];
    if (pending === undefined) return;
    this.visitAwaitingTests(undefined, []);
    const first = pending.statements.find((s) => s.parameters.length > 0) ?? pending.statements[0];
    const line = first?.statement.line ?? 1;
    this.problems.push(
      this.problem(
        pending.cell,
        'error',
        'parameter-code-without-step',
        `line ${line} of this parameters cell is not a plain literal assignment: it runs code on ${andList(first?.parameters ?? [])}, which the package runs at the start of the first step after this cell, and no step comes after it. Move the line into a step's cell, or tag a cell below this one as a step`,
        line,
      ),
    );
  }

  private visitParameters(cell: NotebookCell, f: CellFacts): void {
    // The last assignment of a name decides: `depth = 8` then `depth = 3 * 2` is computed, not a parameter.
    const last = new Map(f.assignments.map((a) => [a.name, a]));
    const literal = new Set<string>();
    const lossy = new Set<string>();
    for (const a of last.values()) {
      const parsed = parseParameterValue(a.valueText);
      if (!parsed.ok) continue;
      // pipeline.yaml cannot tell 1.0 from 1, or a tuple from a list, inside a list or dict (at the top the
      // type says), and `max_features=1.0` is not `max_features=1` to scikit-learn: such a value stays
      // Python, a constant.
      if (parsed.lossy) {
        lossy.add(a.name);
        continue;
      }
      literal.add(a.name);
      // Set again in a later parameters cell after a step read it: in the notebook the steps between saw the
      // first value, in the package every step would get one.
      const read = this.edges.find((e) => e.from === 'parameters' && e.name === a.name && e.definedAt.cellIndex !== cell.index);
      if (read !== undefined) {
        const reader = read.to === 'metrics' ? 'the metrics' : read.to.startsWith('test:') ? `the test in cell ${read.usedAt.cellIndex + 1}` : `step ${read.to}`;
        this.problems.push(this.problem(cell, 'error', 'parameter-set-twice', `parameter ${a.name} is set again here, after ${reader} read the value cell ${read.definedAt.cellIndex + 1} gave it: a package gives every step one value of a parameter. Set it once, or give this one another name`, a.line));
        continue;
      }
      const existing = this.parameters.findIndex((p) => p.name === a.name);
      // `scale: float = 2`: a float, as annotated, so `--param scale=0.5` is a value it takes.
      const floatAnnotated = parsed.type === 'int' && f.assignments.some((x) => x.name === a.name && x.annotation?.replace(/\s+/g, '') === 'float');
      const ownType = floatAnnotated ? 'float' : parsed.type;
      // Set again (papermill's injected-parameters cell): the later value, of a type both values fit.
      const type = existing === -1 ? ownType : widerType(this.parameters[existing]?.type ?? ownType, ownType);
      const choices = cell.source.includes('@param') ? formChoices(sourceLines(cell.source)[a.line - 1] ?? '', type, parsed.value) : undefined;
      const parameter: Parameter = {
        name: a.name,
        default: parsed.value,
        type,
        ...(parsed.items === undefined || type !== parsed.type ? {} : { items: parsed.items }),
        ...(parsed.floats === undefined || type !== parsed.type ? {} : { floats: parsed.floats }),
        ...(choices === undefined ? {} : { choices }),
        definedAt: site(cell, a.line),
      };
      if (existing === -1) this.parameters.push(parameter);
      else this.parameters[existing] = parameter;
      this.bindings.set(a.name, { kind: 'parameter', site: site(cell, a.line) });
    }
    for (const imp of f.imports) this.bindings.set(imp.name, { kind: 'import', statement: imp.statement, site: site(cell, imp.line) });
    // `%run helpers.py` (`from helpers import *`) here too (round 61 GGG: its names were said to be undefined).
    for (const s of f.starImports) addOnce(this.starImports, s);
    this.checkParametersRebound(cell);
    // `print("hello")` alone (round 66 QQQ: nothing said, and pipeline.yaml had `parameters: {}`).
    // (Imports and calls only too: `import numpy as np; np.random.seed(0)`, round 67 RRR.)
    if (f.defines.every((d) => f.imports.some((i) => i.name === d.name)) && f.starImports.length === 0 && (f.statements ?? 0) > 0) {
      this.problems.push(this.problem(cell, 'warning', 'parameters-none', 'the parameters cell assigns no name, so it gives the pipeline no parameter, and its code runs once, as shared code: assign each parameter a value (`n_estimators = 100`), or take the `parameters` tag off this cell'));
    }
    // `globals().update(json.load(f))`: parameters no line names. The package would run it in the shared module
    // and never give the steps those values.
    const dynamic = cell.source.split(/\r?\n/).findIndex((line) => /(?<![\w.])(?:globals|vars|locals)\(\s*\)\s*(?:\.\s*(?:update|setdefault)\s*\(|\[[^\]]*\]\s*=(?!=))|(?<![\w.])exec\s*\(/.test(line.replace(/#.*$/, '')));
    if (dynamic >= 0) {
      this.problems.push(this.problem(cell, 'error', 'parameters-dynamic', 'the parameters cell sets names through globals() (or exec): the package cannot tell which parameters this sets, and the steps would not get them. Assign each parameter by name (`C = config["C"]`)', dynamic + 1));
    }
    // The parameters earlier parameters cells set: a cell continuing one (Kale) runs code on them too.
    const split = splitParametersCell(f, new Set(this.parameters.filter((p) => p.definedAt.cellIndex !== cell.index).map((p) => p.name)));
    const moved = this.moved.get(cell.index);
    const movedAway = split.moved.length > 0 && moved !== undefined;
    if (movedAway) {
      this.pendingParameterCode.push({ cell, facts: moved, statements: split.moved });
      if (split.shared.length > 0) this.movedLines.set(cell.index, new Set(split.moved.flatMap(({ statement }) => Array.from({ length: statement.endLine - statement.line + 1 }, (_, i) => statement.line + i))));
    }
    // With code on the parameters, the code above it alone is shared (`sharedParts`), with the cell's imports.
    const part = movedAway ? this.sharedParts.get(cell.index) : f;
    if (part === undefined) return;
    const g: CellFacts = movedAway ? { ...part, imports: f.imports } : part;
    const computed = [...new Map(g.defines.filter((d) => !literal.has(d.name) && !g.imports.some((i) => i.name === d.name)).map((d) => [d.name, d])).values()];
    if (computed.length > 0 || split.shared.length > 0) {
      // Values computed from other values (`out_dir = Path(root) / "out"`) are shared code, not parameters; so
      // is code reading and changing no parameter (`warnings.filterwarnings("ignore")`), as a cell before the steps.
      // The cell's imports too: the shared module runs its code (round 54: `import os` then
      // `out = os.path.join(...)` in a parameters cell stopped common.py with a NameError).
      this.visitShared(cell, { ...g, defines: computed });
      for (const d of computed) {
        if (blockTarget(cell.source, d)) continue;
        // `from google.colab import drive` under `if IN_COLAB:`: a module, not a value anyone would set; nor is
        // a function or a class (round 61 GGG: `def double(v)` was "parameter double is computed").
        if (/^\s*(?:(?:from\s+\S+\s+)?import\b|(?:async\s+)?def\s|class\s|@)/.test(cell.source.split('\n')[d.line - 1] ?? '')) continue;
        const assigned = last.get(d.name);
        const keys = assigned === undefined ? undefined : nonStringKeys(assigned.valueText);
        const why = lossy.has(d.name)
          ? 'holds a tuple inside a list or dict, which pipeline.yaml would turn into a list'
          : keys !== undefined
            ? `is a dict with keys that are not strings (${keys}), and pipeline.yaml and --param JSON only have string keys`
            : 'is computed, not a literal (number, string, bool, list, tuple or dict)';
        this.problems.push(this.problem(cell, 'warning', 'parameter-not-literal', `parameter ${d.name} ${why}: it becomes a constant in the shared module and cannot be set with --param`, d.line));
      }
      for (const { statement } of split.shared) {
        if (statement.assigns !== undefined && computed.some((d) => d.name === statement.assigns)) continue;
        this.problems.push(this.problem(cell, 'info', 'parameter-code-shared', `line ${statement.line} is not a plain literal assignment and reads or changes no parameter: it runs in the shared module, once before the steps, as a cell above the first step would`, statement.line));
      }
    }
  }

  /**
   * A shared value changed in place while an earlier step holds it under another name (`cfg = CONFIG` in
   * `pick`, `cfg['lr'] = LR` here): the copy that keeps every run starting from the shared value as the first
   * cells left it must be made where that step took the other name, or the step's name would stand for the
   * shared module's value and this step would change it, returning an untouched copy. That step copies the
   * shared value and returns it with its own name for it, as one value; this step takes both from it.
   */
  private copySharedAtAlias(mutates: readonly NameSite[], unit: UnitBuilder): void {
    for (const m of mutates) {
      const kind = this.bindings.get(m.name)?.kind;
      // A parameter too (round 39 O: `cfg = CONFIG` of a parameters dict, changed through cfg in the next step).
      if (unit.local.has(m.name) || (kind !== 'common' && kind !== 'parameter')) continue;
      const holders = [...(this.aliases.get(m.name) ?? [])]
        .map((name) => ({ name, binding: this.bindings.get(name) }))
        .filter((h): h is { name: string; binding: Extract<Binding, { kind: 'step' }> } => h.binding?.kind === 'step' && h.binding.step !== unit.name)
        .sort((a, b) => a.binding.site.cellIndex - b.binding.site.cellIndex || a.binding.site.line - b.binding.site.line);
      const first = holders[0];
      const holder = first === undefined ? undefined : this.units.get(first.binding.step);
      if (first === undefined || holder === undefined) continue;
      if (addOnce(kind === 'common' ? holder.changesShared : holder.changesParameters, m.name)) holder.copiesSharedForLater.push(m.name);
      holder.local.add(m.name);
      this.bindings.set(m.name, { kind: 'step', step: holder.name, site: first.binding.site });
    }
  }

  /** `name = target` (target undefined: `name = <anything else>`): name now stands for target's value, or its own. */
  private setAlias(name: string, target: string | undefined): void {
    const old = this.aliases.get(name);
    if (old !== undefined) {
      old.delete(name);
      this.aliases.delete(name);
    }
    if (target === undefined || target === name) return;
    const group = this.aliases.get(target) ?? new Set([target]);
    group.add(name);
    for (const member of group) this.aliases.set(member, group);
  }

  /** The sites, and the same sites for every other name of the same value (`clean = raw`: a change to both). */
  private withAliases(sites: readonly NameSite[]): NameSite[] {
    const out = [...sites];
    for (const site of sites) for (const other of this.aliases.get(site.name) ?? []) if (other !== site.name) out.push({ ...site, name: other });
    return out;
  }

  /**
   * The values a change of `sites` changes too, through what holds what (`pipe = make_pipeline(scaler, clf)` in
   * an earlier cell or step: `pipe.fit(...)` fits clf, and `clf.fit(...)` changes pipe): each, at the change's
   * site, when another step made it. The step then takes and returns it (when later code reads it), in one
   * cache entry with the value changed, so both come back from the cache holding each other.
   */
  private withHeld(sites: readonly NameSite[], f: CellFacts, unit: UnitBuilder): NameSite[] {
    if (this.contains.size === 0 && f.contains === undefined) return [...sites];
    const out = [...sites];
    const seen = new Set(sites.map((s) => s.name));
    for (const changed of sites) {
      // What holds what at the change: the earlier cells', then this cell's lines before it.
      const holds = new Map(this.contains);
      const heldHere = new Set<string>();
      for (const c of f.contains ?? []) {
        if (c.line >= changed.line) continue;
        holds.set(c.name, c.parts);
        heldHere.add(c.name);
      }
      // A name the cell bound again before the change is a new object: what held or was held by the old one
      // earlier is not related (round 38 L: `pre = MinMaxScaler()` in a step after one whose pipeline held
      // another `pre` made that step take and return the other pipeline).
      // Not `model = model.fit(X, y)` nor `model.set_params(...)`, which give the object itself back (round 39 N).
      const itself = (name: string, line: number): boolean => f.assignments.some((a) => a.name === name && a.line === line && new RegExp(`^\\s*${escapeRegExp(name)}\\s*\\.\\s*(?:fit|partial_fit|set_params|set_output)\\s*\\(`).test(a.valueText));
      const newHere = (name: string): boolean => f.defines.some((d) => d.name === name && d.line <= changed.line && !itself(name, d.line));
      const queue = [changed.name];
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const fresh = newHere(name);
        // Not a literal it holds (`cols = ["a", "b"]` in `ColumnTransformer([("num", scaler, cols)])`): fitting
        // what holds it changes no list of names (round 47 BB: every step fitting the pipeline took `cols`).
        const held = (fresh && !heldHere.has(name) ? [] : (holds.get(name) ?? [])).filter((part) => !this.literalValued(part));
        const related = [...held, ...[...holds].filter(([holder, parts]) => parts.includes(name) && (!fresh || heldHere.has(holder))).map(([holder]) => holder)];
        for (const other of related) {
          if (seen.has(other)) continue;
          seen.add(other);
          queue.push(other);
          const binding = this.bindings.get(other);
          const rebound = f.defines.some((d) => d.name === other && d.line <= changed.line);
          if (binding?.kind === 'step' && binding.step !== unit.name && !unit.local.has(other) && !rebound) out.push({ ...changed, name: other });
        }
      }
    }
    return out;
  }

  /** The value text of every simple assignment of `name` the notebook's cells make. */
  private assignedValues(name: string): string[] {
    return [...this.facts.values()].flatMap((f) => f.assignments.filter((a) => a.name === name).map((a) => a.valueText));
  }

  /** Every value the notebook gives `name` is a literal (`["a", "b"]`, `("x", 1)`, `{"C": 1.0}`). */
  private literalValued(name: string): boolean {
    const values = this.assignedValues(name);
    return values.length > 0 && values.every((v) => parsePythonLiteral(v).ok);
  }

  /**
   * The views an earlier step made of a value this step changes in place (`X_train = X[:450]` in load, `X -= ...`
   * here), and the value a view this step changes views: in the notebook they change with it, so they are this
   * step's from here on. Pickling cannot keep
   * them sharing memory: checkChangedViews makes both steps run at every run when later code reads them.
   */
  private noteChangedViews(sites: readonly NameSite[], f: CellFacts, unit: UnitBuilder, cell: NotebookCell): NameSite[] {
    if (unit.kind !== 'step' || this.views.size === 0) return [];
    const out: NameSite[] = [];
    // Bound again in the step before the change, to a copy or a new value (`X = X.copy()`, `X = X.astype(...)`,
    // `inc = inc * 2`: round 36 H), the name is no longer the view nor the base; to another view it still is one.
    const ownCopy = (name: string, line: number): boolean => f.assignments.some((a) => a.name === name && a.line <= line && !viewOfItself(name, a.valueText));
    for (const changed of sites) {
      if (ownCopy(changed.name, changed.line)) continue;
      for (const [view, { base, step, oneWay }] of this.views) {
        if (oneWay !== undefined || base !== changed.name || step === unit || unit.local.has(view) || out.some((o) => o.name === view)) continue;
        const binding = this.bindings.get(view);
        if (binding?.kind !== 'step' || binding.step !== step.name || f.defines.some((d) => d.name === view && d.line <= changed.line)) continue;
        out.push({ ...changed, name: view });
        this.changedViews.push({ view, base, maker: step, changer: unit, at: site(cell, changed.line) });
      }
      // The other way round: a view changed in place (`X -= X.mean()` on `X = data[:, :3]`, `income.fillna(...,
      // inplace=True)` on `income = df["income"]`) changes the value it views, which is this step's from here on.
      const viewed = this.views.get(changed.name);
      if (viewed === undefined || viewed.step === unit || unit.local.has(viewed.base) || out.some((o) => o.name === viewed.base)) continue;
      if (viewed.oneWay !== undefined && !reachesFrame(viewed.oneWay, changed.name, sourceLines(cell.source)[changed.line - 1] ?? '')) continue;
      const binding = this.bindings.get(viewed.base);
      if (binding?.kind !== 'step' || binding.step !== viewed.step.name || f.defines.some((d) => d.name === viewed.base && d.line <= changed.line)) continue;
      out.push({ ...changed, name: viewed.base });
      this.changedViews.push({ view: viewed.base, base: changed.name, maker: viewed.step, changer: unit, at: site(cell, changed.line), viewChanged: true });
    }
    return out;
  }

  /** After a cell: what its assignments make hold or view what; a name bound again holds and views nothing. */
  private rememberHolders(f: CellFacts, unit: UnitBuilder): void {
    if (this.contains.size > 0 || this.views.size > 0) {
      for (const d of f.defines) {
        this.contains.delete(d.name);
        for (const [holder, parts] of this.contains) if (parts.includes(d.name)) this.contains.set(holder, parts.filter((p) => p !== d.name));
        this.views.delete(d.name);
        for (const [view, { base }] of this.views) if (base === d.name) this.views.delete(view);
      }
    }
    for (const c of f.contains ?? []) this.contains.set(c.name, c.parts);
    if (unit.kind === 'step') for (const v of f.views ?? []) this.views.set(v.name, { base: v.base, step: unit, ...(v.oneWay === undefined ? {} : { oneWay: v.oneWay }) });
  }

  /**
   * Views an earlier step made of a value a later step changes in place (see noteChangedViews), read after that
   * step: a step taken from the cache gives them back as copies, which the change no longer reaches. Both steps
   * run at every run, so each run makes the views and changes them as the notebook did: a warning on the change.
   */
  private checkChangedViews(): void {
    const read = this.changedViews.filter((c) => this.edges.some((e) => e.from === c.changer.name && e.name === c.view));
    const groups = new Map<string, typeof read>();
    for (const c of read) {
      const key = `${c.maker.name}\u0000${c.changer.name}\u0000${c.base}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const group of groups.values()) {
      const first = group[0];
      if (first === undefined) continue;
      const views = [...new Set(group.map((c) => c.view))];
      const named = andList(views);
      const share = views.length === 1 ? 'shares' : 'share';
      const at = `cell ${first.at.cellIndex + 1} line ${first.at.line}`;
      const why = `${named} (made by ${first.maker.name}) ${share} memory with ${first.base}, which ${first.changer.name} changes in place (${at}): a step taken from the cache gives them back as copies`;
      addOnce(first.maker.alwaysRuns, why);
      addOnce(first.changer.alwaysRuns, why);
      const cell = this.notebook.cells.find((c) => c.index === first.at.cellIndex);
      if (cell === undefined) continue;
      this.problems.push(
        this.problem(
          cell,
          'warning',
          'shared-memory-changed',
          `${first.viewChanged === true ? `step ${first.changer.name} changes ${first.base} in place, a slice or view of ${named} that step ${first.maker.name} made (they share memory), so ${named} ${views.length === 1 ? 'changes' : 'change'} too` : `step ${first.changer.name} changes ${first.base} in place, and ${named}, which step ${first.maker.name} made from it, ${share} its memory (a slice or view), so ${views.length === 1 ? 'it changes' : 'they change'} too`}; a step taken from the cache gives its values back as copies, which the change no longer reaches. Steps ${first.maker.name} and ${first.changer.name} run at every run, never from the cache; make a copy first (\`${first.base} = ${first.base}.copy()\`) or a new value (\`${first.base} = ${first.base} - ${first.base}.mean(0)\`) to let them be cached`,
          first.at.line,
        ),
      );
    }
  }

  /**
   * Outputs bound to a value pickle cannot store (round 36 H): a generator expression, an open file, a csv reader.
   * The cache keeps nothing of such a step, so it and every step after it run at every run; the run says so only
   * on stderr. A warning on the line.
   */
  private checkUnpicklableOutputs(): void {
    for (const step of this.steps) {
      for (const output of step.outputs) {
        const at = step.outputSites.get(output);
        const assignment = at === undefined ? undefined : this.facts.get(at.cellIndex)?.assignments.find((a) => a.name === output && a.line === at.line);
        const kind = assignment === undefined ? undefined : unpicklableKind(assignment.valueText);
        const cell = kind === undefined || at === undefined ? undefined : this.notebook.cells.find((c) => c.index === at.cellIndex);
        if (kind === undefined || cell === undefined || at === undefined) continue;
        const fix = kind === 'a generator' ? `make it a list (\`${output} = list(...)\`)` : 'give the later steps the path, or what is read from it';
        this.problems.push(this.problem(cell, 'warning', 'output-not-picklable', `step ${step.name} gives ${output}, ${kind}, to the steps after it: pickle cannot store it, so the cache keeps nothing of step ${step.name}, and it and every step after it run at every run. To let them be cached, ${fix}`, at.line));
      }
    }
  }

  /** What the cell's calls change: the names it passes to functions that change those parameters in place. */
  private changedByCalls(f: CellFacts): NameSite[] {
    const sites: NameSite[] = [];
    for (const call of f.calls ?? []) {
      const changes = this.argumentChanges.get(call.name);
      if (changes === undefined) continue;
      // A method call (`.log` on tracker): never a module's (`np.log(x)`).
      if (call.name.startsWith('.') && this.bindings.get(call.args[0] ?? '')?.kind === 'import') continue;
      for (const position of changes.positions) {
        const name = call.args[position];
        if (name !== undefined) sites.push({ name, line: call.line, column: call.column });
      }
      for (const keyword of changes.keywords) {
        const name = call.keywords[keyword];
        if (name !== undefined) sites.push({ name, line: call.line, column: call.column });
      }
    }
    return sites;
  }

  private visitShared(cell: NotebookCell, f: CellFacts): void {
    this.common.cells.push(ref(cell));
    for (const imp of f.imports) {
      this.bindings.set(imp.name, { kind: 'import', statement: imp.statement, site: site(cell, imp.line) });
      if (!this.common.imports.includes(imp.statement)) this.common.imports.push(imp.statement);
    }
    for (const s of f.starImports) addOnce(this.starImports, s);
    const defined: SharedFunctionFacts[] = [
      ...f.functions,
      // `shrink = lambda v: v * SCALE`: a function as a def is, read when called.
      ...(f.lambdas ?? []).map((l) => ({ name: l.name, kind: 'function' as const, line: l.line, startLine: l.line, endLine: l.line, topLevel: true, freeNames: l.freeNames, ...(l.definitionReads === undefined ? {} : { definitionReads: l.definitionReads, callReads: l.callReads ?? [] }) })),
    ];
    const definedWith = new Map<string, Map<string, Binding>>();
    for (const fn of defined) {
      const bound = new Map<string, Binding>();
      for (const name of fn.definitionReads ?? []) {
        const binding = this.bindings.get(name);
        if (binding !== undefined) bound.set(name, binding);
      }
      definedWith.set(fn.name, bound);
      this.sharedFunctions.set(fn.name, { cell, fn, definedWith: bound });
    }
    for (const changes of f.changesArguments ?? []) {
      this.argumentChanges.set(changes.name, changes);
      for (const name of changes.globals ?? []) this.sharedState.add(name);
    }
    for (const site of f.declaresGlobal ?? []) this.sharedState.add(site.name);
    // Reads inside a function's body happen when it is called, not at import: checkSharedFunctions says those.
    // A default value or decorator (on the lines up to the `def`) is evaluated where the def runs: in the units
    // calling a function that reads a parameter or a step value, which define it (see definesSharedIn).
    // A method's body is read when called too: a class reading a parameter there is checkSharedFunctions' error.
    const inFunction = (use: NameSite): boolean =>
      f.functions.some((fn) => fn.kind === 'function' && fn.startLine !== undefined && fn.endLine !== undefined && use.line >= fn.startLine && use.line <= fn.endLine) ||
      (f.lambdas ?? []).some((l) => l.line === use.line) ||
      (f.deferredUses ?? []).some((d) => d.name === use.name && d.line === use.line && d.column === use.column);
    const reported = new Set<string>();
    for (const use of f.builtinUses ?? []) if (!this.bindings.has(use.name)) for (const s of this.shadowingStarImport(use.name)) addOnce(this.common.imports, s);
    for (const use of f.externalUses) {
      const binding = this.bindings.get(use.name);
      if (binding === undefined) {
        for (const s of this.starImportsFor(use.name)) addOnce(this.common.imports, s);
        continue;
      }
      if (binding.kind === 'import' || binding.kind === 'common' || binding.kind === 'metric' || inFunction(use)) continue;
      // One error per name and line: `df = df[df.sqft > 800]` reads df twice.
      if (reported.has(`${use.name}:${use.line}`)) continue;
      reported.add(`${use.name}:${use.line}`);
      const source = binding.kind === 'parameter' ? 'a parameter' : `a value computed by step ${binding.step}`;
      this.problems.push(
        this.problem(
          cell,
          'error',
          'shared-reads-step-value',
          binding.kind === 'parameter'
            ? `this shared cell reads ${use.name}, a parameter; shared code (imports, functions, the cells before the first step) runs once at import, before a --param value is known: move these lines into the parameters cell (code there runs at the start of the first step), or tag this cell as a step`
            : `this shared cell reads ${use.name}, ${source}; shared code (imports, functions, the cells before the first step) runs once at import and cannot see step values: tag this cell as a step or move it`,
          use.line,
          use.column,
        ),
      );
    }
    // After the reads: `df = df[df.sqft > 800]` reads the step's df before the cell binds its own.
    for (const d of f.defines) {
      if (f.imports.some((i) => i.name === d.name)) continue;
      // `n_estimators = 5  # quick try` below the parameters cell: see checkOverwrittenParameters (round 66 PPP).
      if (this.bindings.get(d.name)?.kind === 'parameter' && !this.parameterRebound.has(d.name)) this.parameterRebound.set(d.name, { cell, line: d.line, column: d.column });
      this.bindings.set(d.name, { kind: 'common', site: site(cell, d.line) });
      if (!this.common.names.includes(d.name)) this.common.names.push(d.name);
    }
    this.forgetDeleted(cell, f);
    // A default reading what this cell binds (`LIMIT = 5` above `def f(v, d=LIMIT)`): the shared value.
    for (const fn of defined) {
      const bound = definedWith.get(fn.name);
      for (const name of fn.definitionReads ?? []) {
        const binding = this.bindings.get(name);
        if (bound !== undefined && !bound.has(name) && binding !== undefined) bound.set(name, binding);
      }
    }
  }

  private visitUnit(cell: NotebookCell, f: CellFacts, unit: UnitBuilder): void {
    unit.cells.push(ref(cell));
    for (const changes of f.changesArguments ?? []) this.argumentChanges.set(changes.name, changes);
    // The cell's own `from m import *` binds before what the cell reads after it.
    for (const s of f.starImports) addOnce(this.starImports, s);
    // One inside a block (`try: from math import *`) stays in the unit's function, where Python refuses it
    // (round 40 P: the module did not compile).
    const nestedStar = f.starImports.length === 0 ? -1 : sourceLines(cell.source).findIndex((l) => /^\s+from\s+\S+\s+import\s+\*/.test(l));
    if (nestedStar >= 0) {
      const what = unit.kind === 'step' ? `step ${unit.name}` : unit.kind === 'metrics' ? 'the metrics' : 'this test';
      this.problems.push(this.problem(cell, 'error', 'star-import-in-block', `this \`import *\` inside a block would run inside the function of ${what}, where Python allows \`import *\` at module level only: move it to the imports cell (at the top level of a cell there, a \`try\` around it is fine), or import the names the cell uses`, nestedStar + 1));
    }
    for (const use of f.externalUses) {
      if (unit.local.has(use.name)) {
        // An earlier cell of the step bound it on some paths only: this cell may read the earlier value.
        this.keepIfUnbound(unit, use.name);
        this.checkReadAcrossSplit(unit, cell, use);
        continue;
      }
      this.resolve(unit, cell, use);
    }
    for (const use of f.builtinUses ?? []) {
      if (unit.local.has(use.name)) continue;
      if (this.bindings.has(use.name)) this.resolve(unit, cell, use);
      else for (const s of this.shadowingStarImport(use.name)) addOnce(unit.imports, s);
    }
    if (unit.kind === 'metrics') {
      // A metrics cell ending with `r2` (or `acc, bal`) shows a value defined earlier: the translation drops
      // that display-only line, but the notebook's metric is that value, so the metrics take it as an input.
      for (const use of trailingNames(cell.source)) {
        if (!unit.local.has(use.name) && this.bindings.has(use.name)) this.resolve(unit, cell, use);
      }
      // A shown expression left out (`{'cv': scores.mean()}`): the metrics return what it shows, so what it reads.
      for (const use of expressionNames(f.shown)) {
        if (!unit.local.has(use.name) && this.bindings.has(use.name)) this.resolve(unit, cell, use);
      }
      // `display(results)`, left out too: a table shown that way is read as metrics, so the metrics take it;
      // and what `display(results.sort_values("auc"))` reads.
      for (const use of (f.displayed ?? []).flatMap((d) => (d.name === undefined ? expressionNames(d) : [{ name: d.name, line: d.line, column: d.column ?? 1 }]))) {
        if (!unit.local.has(use.name) && this.bindings.has(use.name)) this.resolve(unit, cell, use);
      }
    }
    this.checkStaleCalls(cell, f, unit);
    for (const imp of f.imports) {
      this.bindings.set(imp.name, { kind: 'import', statement: imp.statement, site: site(cell, imp.line) });
      addOnce(unit.imports, imp.statement);
      unit.local.add(imp.name);
    }
    // A shared value a step changes in place (`model.fit(...)` on a model the first cells made) is that step's
    // from then on, as a value it made: later steps take it from the step, so they see the change even when
    // the step comes from the cache.
    const drawn = (f.receivers ?? []).filter((r) => this.generators.has(r.name));
    const direct = this.withAliases([...f.mutates, ...this.changedByCalls(f), ...drawn, ...(unit.kind === 'step' ? (f.declaresGlobal ?? []) : [])]);
    const held = this.withHeld(direct, f, unit);
    const changedHere = [...held, ...this.noteChangedViews(held, f, unit, cell)];
    // A shared class a step changes is shared state, not a value the step makes (round 72 BCB: a shared class
    // reading it was refused as reading a step's value; copying a class gives the class itself).
    if (unit.kind === 'step') {
      for (const m of changedHere) {
        if (!unit.local.has(m.name) && this.bindings.get(m.name)?.kind === 'common' && this.sharedFunctions.get(m.name)?.fn.kind === 'class') {
          this.sharedState.add(m.name);
          addOnce(this.changedClasses, m.name);
        }
      }
    }
    const mutates = changedHere.filter((m) => !this.sharedState.has(m.name));
    if (unit.kind === 'step') this.copySharedAtAlias(mutates, unit);
    // A value changed through another name for it (`df = raw` earlier, `df["z"] = ...` here) is returned
    // by this step, so the step takes it too.
    // Not one the cell bound first (`table = pd.read_csv(...)` then `table["x"] = ...`: round 35 F).
    // One bound on some paths only is bound first where the change follows the binding in its block (`model = ...`
    // then `model.fit(...)` in a loop's body, round 72 DED: the step took the earlier step's model it never read).
    const lines = sourceLines(cell.source);
    const boundFirst = (m: NameSite): boolean =>
      f.defines.some((d) => d.name === m.name && (d.line < m.line || (d.line === m.line && d.column < m.column)) && (!(f.maybeBound ?? []).includes(m.name) || followsInBlock(lines, d.line, m.line)));
    for (const m of mutates) if (!unit.local.has(m.name) && !boundFirst(m) && ['step', 'parameter'].includes(this.bindings.get(m.name)?.kind ?? '')) this.resolve(unit, cell, m);
    const sharedChanged = unit.kind === 'step' ? mutates.filter((m) => !unit.local.has(m.name) && this.bindings.get(m.name)?.kind === 'common') : [];
    for (const m of sharedChanged) addOnce(unit.changesShared, m.name);
    if (unit.kind === 'step') for (const m of mutates) if (!unit.local.has(m.name) && this.bindings.get(m.name)?.kind === 'parameter') addOnce(unit.changesParameters, m.name);
    // `Registry.add(v)` filling a class attribute, `counter.calls = 0`: state of a definition of the step's own.
    for (const fn of f.functions) unit.definitions.add(fn.name);
    if (unit.kind === 'step') {
      for (const m of mutates) if (unit.definitions.has(m.name)) addOnce(unit.changesDefinitions, m.name);
      for (const name of f.statefulClasses ?? []) addOnce(unit.changesDefinitions, name);
    }
    const changed = [...mutates.filter((m) => unit.local.has(m.name) || ['step', 'parameter'].includes(this.bindings.get(m.name)?.kind ?? '')), ...sharedChanged];
    this.noteMayKeep(f, unit, cell);
    for (const d of f.defines) {
      // `n = 8` in a step, n a parameter: see checkOverwrittenParameters.
      if (unit.kind !== 'test' && this.bindings.get(d.name)?.kind === 'parameter' && !this.parameterRebound.has(d.name)) this.parameterRebound.set(d.name, { unit, cell, line: d.line, column: d.column });
    }
    for (const d of [...f.defines, ...changed]) {
      if (f.imports.some((i) => i.name === d.name)) continue;
      unit.local.add(d.name);
      if (unit.kind === 'step') this.bindings.set(d.name, { kind: 'step', step: unit.name, site: site(cell, d.line), column: d.column });
      if (unit.kind === 'metrics') this.bindings.set(d.name, { kind: 'metric', site: site(cell, d.line) });
    }
    if (unit.kind === 'step' || unit.kind === 'metrics') this.forgetDeleted(cell, f);
    for (const a of f.assignments) this.setAlias(a.name, aliasTarget(a.valueText, (name) => this.bindings.get(name)?.kind));
    for (const a of f.unpackedAliases ?? []) this.setAlias(a.name, a.target);
    this.rememberHolders(f, unit);
    this.rememberStepFunctions(cell, f, unit);
    // A value mutated in place by a later step is that step's output from then on, so it is not also
    // read from an earlier step's cache: see `mutates`.
  }

  /**
   * Before a step cell's bindings count: the names it binds on some paths only (`if USE_LOG: scale = 10.0`, a loop
   * that may not run) that the parameters, the shared code or an earlier step bound first. In the notebook the
   * earlier value stays when the binding does not run; the step function must have it to return. A name the cell
   * binds on every path forgets an earlier cell's entry.
   */
  private noteMayKeep(f: CellFacts, unit: UnitBuilder, cell: NotebookCell): void {
    const maybe = new Set(f.maybeBound ?? []);
    // The metrics cells return what they bind: one bound on some paths only keeps the earlier value on the others
    // (round 68 TTT: `if debug: threshold = 0.99` over a step's threshold gave None).
    if (unit.kind === 'metrics') {
      for (const d of f.defines) {
        const binding = this.bindings.get(d.name);
        if (maybe.has(d.name) && !unit.local.has(d.name) && binding !== undefined && ['step', 'parameter', 'common'].includes(binding.kind)) this.resolve(unit, cell, d, binding);
      }
      return;
    }
    if (unit.kind !== 'step') return;
    for (const d of f.defines) {
      if (!maybe.has(d.name)) {
        unit.mayKeep.delete(d.name);
        continue;
      }
      if (unit.local.has(d.name) || unit.mayKeep.has(d.name)) continue;
      const binding = this.bindings.get(d.name);
      if (binding === undefined || !['step', 'parameter', 'common'].includes(binding.kind)) continue;
      unit.mayKeep.set(d.name, { binding, cell, site: d });
    }
  }

  /** A later unit takes `name` from step `producer`, which binds it on some paths only: it takes the earlier value. */
  private keepIfUnbound(producer: UnitBuilder, name: string): void {
    const kept = producer.mayKeep.get(name);
    if (kept === undefined) return;
    producer.mayKeep.delete(name);
    this.resolve(producer, kept.cell, kept.site, kept.binding);
  }

  /**
   * A later cell of a split step reading a value the step's earlier cells made, which a step between them set
   * again (`gen: x = ...`, `mid: x = x * 100`, `gen: total = x.sum()`): the package runs the step as one
   * function, so the cell reads the x its own step made, not the one the step between left. No order of the
   * two steps gives the notebook's value: an error on the cell, naming the value, both cells and the step between.
   */
  private checkReadAcrossSplit(unit: UnitBuilder, cell: NotebookCell, use: NameSite): void {
    if (unit.kind !== 'step' || unit.reported.has(use.name)) return;
    const binding = this.bindings.get(use.name);
    if (binding?.kind !== 'step' || binding.step === unit.name) return;
    const made = unit.cells.filter((c) => c.index < binding.site.cellIndex && this.namesChangedBy(c.index).has(use.name)).at(-1);
    if (made === undefined) return;
    unit.reported.add(use.name);
    const message = `step ${unit.name} uses ${use.name}, which its cell ${made.index + 1} makes and step ${binding.step} sets again in cell ${binding.site.cellIndex + 1}, between the two: the package runs all of ${unit.name} as one function, so this cell would read the ${use.name} of cell ${made.index + 1}, not the one step ${binding.step} leaves, whatever order the steps run in. Give this cell its own step (step:<name>)`;
    this.problems.push(this.problem(cell, 'error', 'step-split-stale', message, use.line, use.column));
  }

  /**
   * After a cell: the functions a step defines (nested in its step function in the package, they keep that
   * step's values of the globals they read), and the globals of earlier steps' functions this step binds again.
   */
  private rememberStepFunctions(cell: NotebookCell, f: CellFacts, unit: UnitBuilder): void {
    if (unit.kind !== 'step') return;
    for (const d of f.defines) {
      this.stepFunctions.delete(d.name);
      for (const fn of this.stepFunctions.values()) if (fn.step !== unit && fn.fn.freeNames.includes(d.name) && !fn.rebound.has(d.name)) fn.rebound.set(d.name, unit.name);
    }
    // Classes and lambdas too (round 52 PP: their reads of a global bound again went unsaid): a lambda on a line of
    // its own can be defined again as a def can; a class cannot (the warning).
    const lambdas = (f.lambdas ?? []).map((l): SharedFunctionFacts => ({ ...l, kind: 'function', topLevel: true, startLine: l.line, endLine: l.line }));
    for (const fn of [...f.functions, ...lambdas]) {
      if (fn.freeNames.length === 0 && (fn.globalWrites ?? []).length === 0) continue;
      this.stepFunctions.set(fn.name, { step: unit, at: site(cell, fn.startLine ?? 1), rebound: new Map(), cell, fn });
    }
  }

  /**
   * A call of a function an earlier step defines (`def featurize(frame): return frame[cols]` in load) after
   * another step bound a global it reads again (`cols = cols + ["spend"]`): in the notebook the call reads
   * the new value, in the package the function keeps the defining step's. A warning on the call.
   */
  private checkStaleCalls(cell: NotebookCell, f: CellFacts, unit: UnitBuilder): void {
    if (this.stepFunctions.size === 0) return;
    const warned = new Set<string>();
    for (const use of f.externalUses) {
      const fn = this.stepFunctions.get(use.name);
      if (fn === undefined || fn.step === unit || unit.local.has(use.name) || warned.has(use.name)) continue;
      if (this.checkGlobalWritingCall(cell, unit, use, fn)) {
        warned.add(use.name);
        continue;
      }
      // What it reads through the step functions it calls counts too (round 52 PP: `report()` calling `total()`,
      // which reads X). A global this cell binds again before the call (`threshold = 0.3` then `decide(p)`) too.
      const chain = this.stepFunctionChain(use.name, unit);
      const rebound = new Map(fn.rebound);
      for (const member of chain) for (const [name, by] of this.stepFunctions.get(member)?.rebound ?? []) if (!rebound.has(name)) rebound.set(name, by);
      const free = new Set(chain.flatMap((member) => this.stepFunctions.get(member)?.fn.freeNames ?? []));
      for (const d of f.defines) if (d.line <= use.line && free.has(d.name) && !rebound.has(d.name)) rebound.set(d.name, unit.kind === 'step' ? unit.name : 'this cell');
      if (rebound.size === 0) continue;
      warned.add(use.name);
      if (chain.every((member) => this.copyableStepFunction(member))) {
        for (const member of chain) this.definesStepFunctionIn(unit, cell, f, use, member, chain);
        continue;
      }
      const names = [...rebound.keys()];
      const steps = [...new Set(rebound.values())];
      const what = unit.kind === 'step' ? `step ${unit.name}` : unit.kind === 'metrics' ? 'the metrics cell' : 'this test cell';
      const at = `cell ${fn.at.cellIndex + 1} line ${fn.at.line}`;
      const them = names.length === 1 ? 'it' : 'them';
      this.problems.push(
        this.problem(
          cell,
          'warning',
          'step-function-stale-global',
          `${what} calls ${use.name}, which step ${fn.step.name} defines (${at}): ${fn.fn.kind === 'class' ? 'class' : 'function'} ${use.name} reads the global ${andList(names)}, which ${steps.length === 1 && steps[0] === 'this cell' ? 'this cell' : `step ${andList(steps.filter((s) => s !== 'this cell'))}`} sets again after it. In the notebook this call sees the new ${andList(names)}, in the package ${use.name} keeps step ${fn.step.name}'s, so the numbers may differ: pass ${andList(names)} as an argument (${fn.fn.kind === 'class' ? `to the class or the method reading ${them}` : `\`def ${use.name}(..., ${names.join(', ')})\``}) and give ${them} at the call`,
          use.line,
          use.column,
        ),
      );
    }
  }

  /**
   * The Kaggle habit `def cv_score(model): return cross_val_score(model, X, y)` in one step, then `X = X[top]` and
   * `cv_score(rf)` in a later one (round 51 JJ: the package scored the old X). The calling unit defines the
   * function again, at the top of its own function (a closure over its own X, read when called, as the
   * notebook's global was), takes what the function reads, and no longer takes the function from the step
   * defining it. `chain`: it and the step functions it calls, each defined so ({@link copyableStepFunction}).
   */
  private definesStepFunctionIn(unit: UnitBuilder, cell: NotebookCell, f: CellFacts, use: NameSite, name: string, chain: readonly string[]): void {
    const defined = this.stepFunctions.get(name);
    const fn = defined?.fn;
    if (defined === undefined || fn?.startLine === undefined || fn.endLine === undefined || unit.definesShared.includes(name)) return;
    // No longer from the defining step: the unit defines it.
    const input = unit.inputs.indexOf(name);
    if (input >= 0) unit.inputs.splice(input, 1);
    for (let i = this.edges.length - 1; i >= 0; i--) {
      const e = this.edges[i];
      if (e !== undefined && e.to === unit.name && e.name === name && e.from === defined.step.name) this.edges.splice(i, 1);
    }
    if (!this.edges.some((e) => e.from === defined.step.name && e.name === name)) {
      const output = defined.step.outputs.indexOf(name);
      if (output >= 0) defined.step.outputs.splice(output, 1);
    }
    unit.local.add(name);
    addOnce(unit.definesShared, name);
    // What it reads that the cell binds before its first call is the unit's own; the rest the unit takes (a name
    // bound between two calls, `N_FOLDS = 3`, too: the first call reads the value before it).
    const first = Math.min(...f.externalUses.filter((u) => u.name === use.name).map((u) => u.line), use.line);
    const boundHere = new Set(f.defines.filter((d) => d.line < first).map((d) => d.name));
    const reads: string[] = [];
    // A name the cell binds on some paths only (`if flag: scale = 2`) may still hold the earlier value at the call
    // (round 53 RR: the copy read an unbound local): the unit takes it too; so for an earlier cell's (keepIfUnbound).
    const maybe = new Set(f.maybeBound ?? []);
    for (const free of fn.freeNames) {
      if (free === name || chain.includes(free)) continue;
      const kind = this.bindings.get(free)?.kind;
      if (kind === 'parameter' || kind === 'step' || unit.local.has(free) || boundHere.has(free)) reads.push(free);
      if (unit.local.has(free)) this.keepIfUnbound(unit, free);
      else if (!boundHere.has(free) || maybe.has(free)) this.resolve(unit, cell, { name: free, line: use.line, column: use.column, through: name });
    }
    // One entry per function: several units defining it read the same lines (round 52 PP: a module defined it twice).
    const known = this.stepBound.findIndex((b) => b.name === name && b.step === defined.step.name && b.startLine === fn.startLine);
    const entry = this.stepBound[known];
    if (entry === undefined) this.stepBound.push({ name, cellIndex: defined.cell.index, ...(defined.cell.id === undefined ? {} : { cellId: defined.cell.id }), startLine: fn.startLine, endLine: fn.endLine, reads, leftOut: false, step: defined.step.name });
    else this.stepBound[known] = { ...entry, reads: [...new Set([...entry.reads, ...reads])] };
  }

  /**
   * The step function `name` (of another step than `unit`) and the step functions of other steps it calls, itself
   * or through them, in the order met: what a unit calling it would define again.
   */
  private stepFunctionChain(name: string, unit: UnitBuilder): string[] {
    const chain: string[] = [];
    const pending = [name];
    for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
      const fn = this.stepFunctions.get(next);
      if (fn === undefined || fn.step === unit || chain.includes(next) || (next !== name && unit.local.has(next))) continue;
      chain.push(next);
      pending.push(...fn.fn.freeNames);
    }
    return chain;
  }

  /**
   * Whether a unit can define step function `name` again ({@link definesStepFunctionIn}): a plain top-level `def`
   * (no decorator), binding no global, whose definition reads nothing (a default value or decorator reads its
   * names where the def runs: a copy would read them again, in the calling unit; round 52 PP: `def cv_score(model,
   * folds=FOLDS)` above a later `FOLDS = 3` stopped the run), not a shared function's name.
   */
  private copyableStepFunction(name: string): boolean {
    const fn = this.stepFunctions.get(name)?.fn;
    if (fn === undefined || this.sharedFunctions.has(name)) return false;
    return fn.kind === 'function' && fn.topLevel === true && (fn.globalWrites ?? []).length === 0 && fn.startLine !== undefined && fn.endLine !== undefined && fn.startLine === fn.line && (fn.definitionReads ?? []).length === 0;
  }

  /**
   * A call, from another step, the metrics or a test, of a function a step defines that assigns a global
   * (`def clean(f): global n_cleaned; n_cleaned += 1`), when a cell from the call on reads that global. In the
   * package the function is nested in the defining step's function, its `global` a `nonlocal`: the call changes
   * that step's finished copy, which nothing reads, so the count or value the later code sees misses this call
   * and the numbers differ from the notebook's. A warning, not an error: whether they differ depends on the
   * value (`log += [x]` on a list changes the list every step shares; assigning the same value again changes
   * nothing), which the analysis cannot tell. True when it warned (the stale-global advice would not help).
   */
  private checkGlobalWritingCall(cell: NotebookCell, unit: UnitBuilder, use: NameSite, fn: StepFunction): boolean {
    const read = (fn.fn.globalWrites ?? []).flatMap((w) => {
      const reader = this.readAfter(w.name, cell, use);
      return reader === undefined ? [] : [{ write: w, reader }];
    });
    if (read.length === 0) return false;
    const names = read.map((r) => r.write.name);
    const first = read[0];
    const what = unit.kind === 'step' ? `step ${unit.name}` : unit.kind === 'metrics' ? 'the metrics cell' : 'this test cell';
    const lines = read.map((r) => `\`global ${r.write.name}\` assigned on cell ${fn.at.cellIndex + 1} line ${r.write.line}`).join(', ');
    const readers = [...new Set(read.map((r) => r.reader))];
    const them = names.length === 1 ? 'it' : 'them';
    this.problems.push(
      this.problem(
        cell,
        'warning',
        'step-function-writes-global',
        `${what} calls ${use.name}, which step ${fn.step.name} defines (cell ${fn.at.cellIndex + 1} line ${fn.at.line}): function ${use.name} changes the global ${andList(names)} (${lines}), and ${andList(readers)} ${readers.length === 1 ? 'reads' : 'read'} ${them} after this call. In the package ${use.name} lives inside step ${fn.step.name}'s function and changes that step's own copy, so this call changes nothing later code sees: the package's ${first?.write.name ?? ''} misses this call and differs from the notebook's. Move the line that first sets ${andList(names)} and \`def ${use.name}\` to a cell tagged functions (shared code keeps a global's changes from step to step), or count in the calling step (\`${first?.write.name ?? ''} += 1\` next to the call) instead of in ${use.name}`,
        use.line,
        use.column,
      ),
    );
    return true;
  }

  /**
   * Who reads `name` from the call at `use` in `cell` on: the calling cell below the call, or a later cell of a
   * step, the metrics or a test (described as the message names them), or undefined.
   */
  private readAfter(name: string, cell: NotebookCell, use: NameSite): string | undefined {
    const own = this.facts.get(cell.index)?.externalUses ?? [];
    if (own.some((u) => u.name === name && (u.line > use.line || (u.line === use.line && u.column > use.column)))) return 'this cell';
    for (const later of this.notebook.cells) {
      if (later.index <= cell.index || later.kind !== 'code') continue;
      if (this.facts.get(later.index)?.externalUses.some((u) => u.name === name) !== true) continue;
      const roles = this.roles.cells.find((r) => r.cellIndex === later.index);
      if (roles === undefined || roles.roles.includes('skip')) continue;
      if (roles.roles.includes('metrics')) return 'the metrics cell';
      if (roles.roles.includes('test')) return `the test cell ${later.index + 1}`;
      if (roles.inStep !== undefined) return `step ${roles.inStep}`;
    }
    return undefined;
  }

  /**
   * `alpha = 1.0`, then `%run override.py` (or `from config import *`) whose file sets `alpha` again, in the
   * parameters cell or any cell below it: the notebook ran with the file's value, while the package would give
   * the steps the one above it (round 62 III: the metrics test failed, and promotion said nothing). Only a module
   * of the notebook's own, whose names are known (through its own star imports of others).
   */
  private checkParametersRebound(cell: NotebookCell): void {
    sourceLines(cell.source).forEach((text, index) => {
      const module = starImportOf(text)?.module;
      const names = module === undefined ? undefined : this.starExports.get(module);
      if (names === undefined) return;
      const rebound = this.parameters.filter((p) => names.has(p.name) && (p.definedAt.cellIndex !== cell.index || p.definedAt.line <= index));
      if (rebound.length === 0) return;
      const one = rebound.length === 1;
      const cells = [...new Set(rebound.map((p) => p.definedAt.cellIndex))];
      const given = cells.length === 1 && cells[0] === cell.index ? 'this cell gave' : `${cells.length === 1 ? 'cell' : 'cells'} ${andList(cells.map((c) => String(c + 1)))} gave`;
      const message = `\`${text.trim()}\` sets ${rebound.map((p) => p.name).join(', ')} again, after ${given} ${one ? 'it a value' : 'them values'}: the notebook ran with the file's ${one ? 'value' : 'values'}, the package would run with the cell's. Set ${one ? 'it' : 'each'} in one place, the parameters cell or the file`;
      this.problems.push(this.problem(cell, 'error', 'parameter-rebound', message, index + 1));
    });
  }

  /**
   * The imports that may bind `name`, which nothing else defines. A module of the notebook's own whose names are
   * known (`starExports`) binds it or not: the last one binding it gives `from m import name` (a library
   * star-imported after it is taken not to bind the same name: it would rebind the notebook's own). Of the
   * others (a library's), when one is left it can only come from there (the notebook ran), so `from m import
   * name`, which pyflakes can check; with several, all of them, as the notebook had them. None when only known
   * modules are star-imported and none binds it: the name is undefined (round 51 KK: a name `%run` or `exec`
   * defined, or a typo, became `from helpers import double`, and the package did not import).
   */
  private starImportsFor(name: string): string[] {
    const unknown: string[] = [];
    for (let i = this.starImports.length - 1; i >= 0; i--) {
      const statement = this.starImports[i] ?? '';
      const module = starModule(statement);
      const known = module === undefined ? undefined : this.starExports.get(module);
      if (known === undefined) unknown.unshift(statement);
      else if (known.has(name)) return [`from ${module} import ${name}`];
    }
    const only = unknown.length === 1 ? starModule(unknown[0] ?? '') : undefined;
    return only !== undefined ? [`from ${only} import ${name}`] : unknown;
  }

  /**
   * A builtin a star import rebinds (`from numpy import *` gives NumPy's `sum`, `any`, `all`): imported by name
   * from the last such module, as the notebook had it (round 38 L: `sum([a, b])` became the builtin's sum).
   */
  private shadowingStarImport(name: string): string[] {
    for (let i = this.starImports.length - 1; i >= 0; i--) {
      const module = starModule(this.starImports[i] ?? '');
      if (module !== undefined && STAR_SHADOWED_BUILTINS[module]?.includes(name) === true) return [`from ${module} import ${name}`];
    }
    return [];
  }

  /**
   * Steps that read a file an earlier step writes, by the file's name in both (`joblib.dump(model,
   * os.path.join(out, "model.pkl"))` in save, `joblib.load(os.path.join(out, "model.pkl"))` in evaluate):
   * the reader runs after the writer (`after` in pipeline.yaml, so `run --only evaluate` runs save too), with
   * an edge named after the file. Files are told by name (the end of a string literal with a data file
   * extension: `"{out}/clean.csv"` is clean.csv), or by a shared constant or parameter that names one; on a
   * line that writes (to_csv, dump, savefig, open(..., "w") ...) in the writer, on any line in the reader.
   */
  private addFileEdges(): void {
    const written = new Map<string, { step: UnitBuilder; site: SourceSite }>();
    const cells = new Map(this.notebook.cells.map((c) => [c.index, c]));
    // Shared constants and parameters naming a file (`MODEL_PATH = ART / "model.joblib"`): their name on a
    // line is that file.
    const named = new Map<string, { file: string; path: string }>();
    const sharedCells = new Set([...this.common.cells.map((c) => c.index), ...this.parameters.map((p) => p.definedAt.cellIndex)]);
    for (const index of sharedCells) {
      for (const line of cells.get(index)?.source.split('\n') ?? []) {
        const m = /^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)(.*)$/.exec(line);
        // A constant naming a file only through a format field (`f"{run_name}.joblib"`) is told by what it holds.
        const literal = m === null ? undefined : [...(m[2] ?? '').matchAll(FILE_LITERAL)].map((f) => ({ file: fileName(f[2] ?? '') ?? (/\}\.\w+$/.test(f[2] ?? '') ? f[2] : undefined), path: f[2] ?? '' })).find((f) => f.file !== undefined);
        if (m?.[1] !== undefined && literal?.file !== undefined) named.set(m[1], { file: literal.file, path: literal.path });
      }
    }
    const names = named.size === 0 ? undefined : new RegExp(`(?<![\\w.])(?:${[...named.keys()].join('|')})(?!\\w)`, 'g');
    const namedAnywhere = names === undefined ? undefined : new RegExp(names.source);
    const uses: FileUse[] = [];
    for (const unit of this.steps) {
      const found: FileUse[] = [];
      // Paths the step's own lines build (`p = Path(OUT) / "x.csv"`, `out_path = os.path.join(OUT, "x.csv")`):
      // a later line naming the variable reads or writes that file, as a line naming the literal would.
      const local = new Map<string, { file: string; path: string }>();
      for (const ref of unit.cells) {
        const cell = cells.get(ref.index);
        const localAnywhere = local.size === 0 ? undefined : new RegExp(`(?<![\\w.])(?:${[...local.keys()].join('|')})(?!\\w)`);
        // Most cells name no file: one search of the whole cell passes them over.
        if (cell === undefined || (!FILE_LITERAL_ANYWHERE.test(cell.source) && !NUMPY_SAVE_ANYWHERE.test(cell.source) && (namedAnywhere === undefined || !namedAnywhere.test(cell.source)) && (localAnywhere === undefined || !localAnywhere.test(cell.source)))) continue;
        for (const [i, line] of cell.source.split('\n').entries()) {
          if (/^\s*#/.test(line)) continue;
          // The line making a path constant (moved parameters-cell code: `model_path = os.path.join(...)`) only builds it.
          const assigned = /^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)(.*)$/.exec(line);
          if (named.has(assigned?.[1] ?? '')) continue;
          const built = assigned === null ? undefined : builtPath(assigned[2] ?? '');
          if (assigned?.[1] !== undefined && built !== undefined) {
            local.set(assigned[1], built);
            continue;
          }
          if (assigned?.[1] !== undefined) local.delete(assigned[1]);
          const files: { file: string | undefined; path: string; at?: number }[] = [...line.matchAll(FILE_LITERAL)].map((m) => ({ file: fileName(m[2] ?? ''), path: m[2] ?? '', at: m.index }));
          for (const m of line.matchAll(NUMPY_SAVE)) {
            const path = numpyFile(m[1] ?? '', m[3] ?? '');
            if (path !== m[3]) files.push({ file: fileName(path), path });
          }
          if (names !== undefined) for (const m of line.matchAll(names)) files.push(named.get(m[0]) ?? { file: undefined, path: '' });
          for (const [name, file] of local) if (new RegExp(`(?<![\\w.])${name}(?!\\w)`).test(line)) files.push(file);
          const writes = lineWrites(line);
          for (const { file, path, at } of files) if (file !== undefined) found.push({ step: unit, file, path, site: site(cell, i + 1), writes: writes(at) });
        }
      }
      uses.push(...found);
      for (const { file, site: usedAt } of found) {
        const writer = written.get(file);
        if (writer === undefined || writer.step === unit || writer.step.explicitAfter.includes(unit.name)) continue;
        if (!addOnce(unit.fileAfter, writer.step.name) && this.edges.some((e) => e.from === writer.step.name && e.to === unit.name && e.name === file)) continue;
        const explanation = `${unit.name} reads ${file}, written by ${writer.step.name}, cell ${writer.site.cellIndex + 1} line ${writer.site.line}`;
        this.edges.push({ from: writer.step.name, to: unit.name, name: file, definedAt: writer.site, usedAt, explanation });
      }
      for (const { file, site: at, writes } of found) if (writes) written.set(file, { step: unit, site: at });
    }
    this.checkRewrittenFiles(uses);
  }

  /** A cell's source as its step runs it: a split parameters cell's lines that run in the shared module blank. */
  private stepSource(cell: NotebookCell): string {
    const lines = this.movedLines.get(cell.index);
    return lines === undefined ? cell.source : cell.source.split('\n').map((text, i) => (lines.has(i + 1) ? text : '')).join('\n');
  }

  /**
   * A step changing a library's settings for the whole process (`sklearn.set_config(transform_output="pandas")`,
   * `pd.set_option(...)`, see globalConfig.ts): the steps after it ran with that setting in the notebook, but a
   * step taken from the cache does not change it. The step runs at every run (`always_run` in pipeline.yaml),
   * with an info on the first such line of each cell.
   */
  private checkGlobalConfig(): void {
    const cells = new Map(this.notebook.cells.map((c) => [c.index, c]));
    const imported = importedSetters(this.notebook.cells.filter((c) => c.kind === 'code').map((c) => c.source).join('\n'));
    // The shared functions that change settings when called (`setup_env()`): a step calling one changes them.
    const functions = configFunctions(this.common.cells.map((ref) => cells.get(ref.index)?.source ?? ''), imported);
    for (const unit of this.steps) {
      for (const ref of unit.cells) {
        const cell = cells.get(ref.index);
        const source = cell === undefined ? undefined : this.stepSource(cell);
        const clock = source === undefined ? undefined : clockRead(source);
        if (cell !== undefined && clock !== undefined) {
          const at = `cell ${cell.index + 1} line ${clock.line}`;
          addOnce(unit.alwaysRuns, `${unit.name} reads the clock (${at}): taken from the cache it would keep the time of the run that cached it`);
          this.problems.push(this.problem(cell, 'info', 'clock-in-step', `\`${clock.call}\` reads the clock: what ${unit.name} computes from it changes from run to run, and taken from the cache it would keep the time of the run that cached it. Step ${unit.name} runs at every run, never from the cache; to cache it, make the date a parameter`, clock.line));
        }
        const shell = source === undefined ? undefined : shellOutputRead(source);
        if (cell !== undefined && shell !== undefined) {
          const at = `cell ${cell.index + 1} line ${shell.line}`;
          addOnce(unit.alwaysRuns, `${unit.name} uses a shell command's output (${at}): taken from the cache it would keep what the command gave the run that cached it`);
          this.problems.push(this.problem(cell, 'info', 'shell-output-in-step', `\`${shell.call}\` uses what a shell command prints: the files it lists or what it reads are no input the cache knows. Step ${unit.name} runs at every run, never from the cache; to cache it, do it in Python (\`glob.glob\`, \`os.listdir\`, \`open\`), whose reads the runner follows`, shell.line));
        }
        const change = source === undefined ? undefined : globalConfigChanges(source, imported, functions)[0];
        if (cell === undefined || change === undefined) continue;
        const at = `cell ${cell.index + 1} line ${change.line}`;
        addOnce(unit.alwaysRuns, `${unit.name} changes ${change.settings} for the whole process (${at}): a step taken from the cache would not change them for the steps after it`);
        this.problems.push(
          this.problem(
            cell,
            'info',
            'global-config-in-step',
            `\`${change.call}\` changes ${change.settings} for the whole process, and the steps after ${unit.name} run with them: taken from the cache, ${unit.name} would not change them. Step ${unit.name} runs at every run, never from the cache; move this line to the imports cell to let it be cached`,
            change.line,
          ),
        );
      }
    }
  }

  /**
   * A file two steps write (`joblib.dump(model, MODEL_PATH)` in train, then again in refit): a step taken from
   * the cache does not write its file again, so the steps between them would read the later step's file, and
   * keep reading it from the cache. Every step writing it runs at every run (`always_run` in pipeline.yaml),
   * with a warning on the first write that follows another step's. A file a step reads before any step writes
   * it, and a later step writes, is another file from the second run on: a warning, as running the steps
   * again cannot bring the first one back. `uses` are in step order.
   */
  private checkRewrittenFiles(uses: readonly FileUse[]): void {
    const cells = new Map(this.notebook.cells.map((c) => [c.index, c]));
    const warned = new Set<string>();
    const warn = (use: FileUse, code: string, message: string): void => {
      const cell = cells.get(use.site.cellIndex);
      if (cell !== undefined) this.problems.push(this.problem(cell, 'warning', code, message, use.site.line));
    };
    for (const [i, write] of uses.entries()) {
      if (!write.writes) continue;
      const others = uses.filter((u) => u.writes && u.step !== write.step && u.file === write.file && sameFile(u.path, write.path));
      if (others.length > 0) {
        const steps = this.steps.filter((s) => s === write.step || others.some((u) => u.step === s)).map((s) => s.name);
        const named = andList(steps);
        addOnce(write.step.alwaysRuns, `${write.file} is written by ${named}: a step taken from the cache would not write it again`);
        if (warned.has(write.file) || !others.some((u) => uses.indexOf(u) < i)) continue;
        warned.add(write.file);
        const written = [write, ...others].map((u) => uses.indexOf(u));
        const first = Math.min(...written);
        const last = Math.max(...written);
        const readers = [...new Set(uses.filter((u, j) => j > first && j < last && !u.writes && u.file === write.file && !steps.includes(u.step.name)).map((u) => u.step.name))];
        const between = readers.length === 0 ? '' : `, so ${readers.join(' and ')} would read ${steps[steps.length - 1] ?? ''}'s ${write.file} from the second run on`;
        const all = steps.length === 2 ? 'both' : 'all';
        warn(write, 'file-written-twice', `steps ${named} ${all} write ${write.file}: a step taken from the cache does not write its file again${between}. These steps run at every run, never from the cache; give each its own file to let them be cached`);
        continue;
      }
      const read = uses.slice(0, i).find((u) => !u.writes && u.step !== write.step && u.file === write.file && sameFile(u.path, write.path));
      if (read === undefined || warned.has(write.file)) continue;
      warned.add(write.file);
      const at = `cell ${read.site.cellIndex + 1} line ${read.site.line}`;
      warn(write, 'file-read-then-written', `step ${write.step.name} writes ${write.file}, which step ${read.step.name} reads before it (${at}): from the second run on, ${read.step.name} reads the ${write.file} ${write.step.name} wrote, not the one the notebook started with. Write another file, or write this one in a step before ${read.step.name}`);
    }
  }

  /**
   * A warning on a left-out cell (skip) that rebinds or changes a value the pipeline's cells made before it and
   * read after it (`df = df[df.age >= 21]` tagged skip): in the notebook the later cells saw the changed
   * value, in the pipeline they will not, so the numbers may differ. The same for a test cell (tagged, or an
   * untagged cell joined to one): tests run after the pipeline, on its values, so their changes reach no step.
   */
  private checkSkippedChanges(byIndex: ReadonlyMap<number, CellRoles>): void {
    const skipped = (cell: NotebookCell): boolean => byIndex.get(cell.index)?.roles.some((r) => r === 'skip' || r === 'test') === true;
    // What each left-out cell changes: only those names are followed through the kept cells.
    const changes: { cell: NotebookCell; changed: Map<string, NameSite> }[] = [];
    for (const cell of this.notebook.cells) {
      const f = this.facts.get(cell.index);
      if (f === undefined || cell.kind !== 'code' || !skipped(cell)) continue;
      const changed = new Map<string, NameSite>();
      for (const site of [...f.defines, ...f.mutates, ...this.changedByCalls(f)]) if (!changed.has(site.name)) changed.set(site.name, site);
      if (changed.size > 0) changes.push({ cell, changed });
    }
    const wanted = new Set(changes.flatMap(({ changed }) => [...changed.keys()]));
    if (wanted.size === 0) return;
    // For each of those names, the kept cells that bind or read it before binding it, in notebook order.
    const touches = new Map<string, { index: number; reads: boolean; binds: boolean }[]>();
    for (const cell of this.notebook.cells) {
      const f = this.facts.get(cell.index);
      if (f === undefined || cell.kind !== 'code' || byIndex.get(cell.index) === undefined || skipped(cell)) continue;
      // A name the cell binds on some paths only keeps the value before it on the others: a read too (round 35 E).
      const reads = new Set([...f.externalUses.map((u) => u.name), ...(f.maybeBound ?? [])].filter((name) => wanted.has(name)));
      const binds = new Set(f.defines.filter((d) => wanted.has(d.name)).map((d) => d.name));
      for (const name of new Set([...reads, ...binds])) {
        const list = touches.get(name) ?? [];
        touches.set(name, list);
        list.push({ index: cell.index, reads: reads.has(name), binds: binds.has(name) });
      }
    }
    for (const { cell, changed } of changes) {
      for (const [name, site] of changed) {
        const list = touches.get(name) ?? [];
        if (!list.some((t) => t.index < cell.index && t.binds)) continue;
        // The first kept cell after it that reads or binds the name: a read sees the notebook's changed value.
        const next = list.find((t) => t.index > cell.index);
        if (next?.reads !== true) continue;
        const roles = byIndex.get(cell.index);
        if (roles?.roles.includes('test') === true) {
          // Tests run after the pipeline, on its values: a test cell's change reaches no step.
          const what = roles.continuedFrom === undefined ? 'this cell is a test' : `this untagged cell joins the test cell ${roles.continuedFrom + 1} above it`;
          const fix = roles.continuedFrom === undefined ? `move the line that changes ${name} into a step's cell` : `tag this cell as a step (or with the step it belongs to)`;
          const message = `${what}, and tests run after the pipeline, on its values; but it changes ${name}, which cell ${next.index + 1} reads after it: in the notebook that cell saw the changed ${name}, in the pipeline it will not, so the numbers may differ. To keep the change, ${fix}`;
          this.problems.push(this.problem(cell, 'warning', 'test-changes-value', message, site.line, site.column));
          continue;
        }
        const message = `this cell is left out of the pipeline (${this.whySkipped(cell.index, 'it')}), but it changes ${name}, which cell ${next.index + 1} reads after it: in the notebook that cell saw the changed ${name}, in the pipeline it will not, so the numbers may differ`;
        // An error for a cell the package left out of itself (`raises-exception`): the person chose nothing.
        this.problems.push(this.problem(cell, this.leftOutAsRaising(cell.index) ? 'error' : 'warning', 'skip-changes-value', message, site.line, site.column));
      }
    }
  }

  /** Whether the pipeline leaves the cell out for Jupyter's `raises-exception` tag (see RAISES_EXCEPTION). */
  private leftOutAsRaising(cellIndex: number): boolean {
    return this.roles.cells.find((c) => c.cellIndex === cellIndex)?.sources.some((s) => s.raw === RAISES_EXCEPTION.key) === true;
  }

  /**
   * Why the pipeline leaves a cell out, and what to do about it, in words, with `subject` naming the cell
   * ("that cell is tagged skip: ...").
   */
  private whySkipped(cellIndex: number, subject = 'that cell'): string {
    const roles = this.roles.cells.find((c) => c.cellIndex === cellIndex);
    // Jupyter's `raises-exception` (round 70 XXX: "remove its skip tag", which it has not).
    if (this.leftOutAsRaising(cellIndex)) return `${subject} is tagged raises-exception, Jupyter's mark for a cell that fails on purpose, so the package leaves it out: move the lines before the failing one into a cell of their own`;
    if (roles?.sources.some((s) => s.role === 'skip') !== false) return `${subject} is tagged skip: remove its skip tag`;
    const source = this.notebook.cells.find((c) => c.index === cellIndex)?.source ?? '';
    const old = /^\s*#\s*(export[is]?)\b/.exec(source);
    const why = old !== null ? `${subject} starts with \`${old[0].trim()}\`, an nbdev 1 comment that nbdev 2 (and the pipeline) ignores` : 'nbdev leaves that cell out, as it has no export directive';
    const touched = this.stepValueTouched(cellIndex);
    if (touched !== undefined) {
      // Exported code runs once at import, before any step: `#| export` here would be a name-in-shared-cell error.
      const computed = touched.step === touched.by ? `which step ${touched.by} computes` : `which step ${touched.by} computes (the step above it is ${touched.step})`;
      return `${why}; it ${touched.how} ${touched.name}, ${computed}, so add \`#| step: ${touched.step}\` to it to make it part of that step, not \`#| export\`: exported code runs once at import, before any step, and cannot see step values`;
    }
    return old !== null ? `${why}: write \`#| ${old[1] ?? 'export'}\`` : `${why}: add \`#| export\` to it`;
  }

  /**
   * For a cell the pipeline leaves out: the step above it (the step of the nearest cell before it in one) and
   * the first value it reads or changes that a step computes before it, or undefined when it touches none.
   * Such a cell belongs in a step: exported or shared code cannot see step values.
   */
  private stepValueTouched(cellIndex: number): { readonly step: string; readonly by: string; readonly name: string; readonly how: 'reads' | 'changes' } | undefined {
    const f = this.facts.get(cellIndex);
    if (f === undefined) return undefined;
    const computedBy = new Map<string, string>();
    let above: string | undefined;
    for (const roles of this.roles.cells) {
      if (roles.cellIndex >= cellIndex || roles.inStep === undefined) continue;
      above = roles.inStep;
      const g = this.facts.get(roles.cellIndex);
      for (const site of [...(g?.defines ?? []), ...(g?.mutates ?? [])]) computedBy.set(site.name, roles.inStep);
    }
    if (above === undefined) return undefined;
    const read = f.externalUses.find((u) => computedBy.has(u.name));
    if (read !== undefined) return { step: above, by: computedBy.get(read.name) ?? above, name: read.name, how: 'reads' };
    const changed = [...f.defines, ...f.mutates].find((d) => computedBy.has(d.name));
    return changed === undefined ? undefined : { step: above, by: computedBy.get(changed.name) ?? above, name: changed.name, how: 'changes' };
  }

  /**
   * `; cell 4 keeps its output in it (\`%%capture captured\`), which the generated code does not: ...` when a cell
   * above `cell` starts with `%%capture <name>`; else undefined (round 43 U: the error blamed a `%run` above).
   */
  private captureDefining(cell: NotebookCell, name: string): string | undefined {
    const capturing = [...this.notebook.cells].reverse().find((c) => c.kind === 'code' && c.index < cell.index && new RegExp(`^\\s*%%capture\\b(?:[ \\t]+-\\S+)*[ \\t]+${name}\\b`).test(c.source));
    return capturing === undefined ? undefined : `; cell ${capturing.index + 1} keeps its output in it (\`%%capture ${name}\`), which the generated code does not do: keep the value that cell prints in a name there, and use that name here`;
  }

  /**
   * `; cell 3 runs \`%run ./prep.py\`, which may define it in the notebook: ...` when a cell up to this use
   * (line `line` of `cell`) has a line magic that can define names the analysis cannot see; else undefined.
   */
  private magicDefining(cell: NotebookCell, line: number): string | undefined {
    for (const c of [...this.notebook.cells].reverse()) {
      if (c.kind !== 'code' || c.index > cell.index) continue;
      const lines = c.source.split('\n').slice(0, c.index === cell.index ? line - 1 : undefined);
      const magics = lines.map((l) => l.trim()).filter((l) => NAME_DEFINING_MAGIC.test(l));
      const magic = magics[magics.length - 1];
      if (magic === undefined) continue;
      const where = c.index === cell.index ? 'this cell' : `cell ${c.index + 1}`;
      // `%run utils.py` is an import of the file's names (ipython.ts): the file, where promotion looked, lacks it.
      // Each of them, not the first alone (round 62 III: the file defining it was the second `%run`).
      const runs = andList(magics.slice(-3).map((m) => `\`${clipText(m)}\``));
      const ran = magics.map(runLineModule);
      if (ran.every((m) => m !== undefined)) {
        const imports = ran.map((m) => `\`from ${m} import *\``).join(', ');
        return `; ${where} runs ${runs}, whose names the generated code imports (${imports}), but ${magics.length === 1 ? 'that file' : 'none of those files'}, beside the notebook, ${magics.length === 1 ? 'does' : 'do'} not define it (or was not found): define it in a cell, or in that file`;
      }
      return `; ${where} runs ${runs}, which may define it in the notebook, but the generated code does not run magics: define ${magic.startsWith('%store') ? 'the value in a cell (or read it from a file)' : 'it in a cell, or import it from a module'}`;
    }
    return undefined;
  }

  /**
   * `; cell 4 defines it, but it is a raw cell: make it a code cell` when a raw or markdown cell above `cell`
   * holds Python that binds `name` (one keystroke in Jupyter turns a code cell into either); else undefined.
   * Only text that parses as Python without errors counts, so prose that happens to contain `x = 1` does not.
   */
  private notCodeDefining(cell: NotebookCell, name: string): string | undefined {
    for (const c of this.notebook.cells) {
      if (c.index >= cell.index) break;
      if (c.kind === 'code' || !/\b(?:def|class|import)\b|=/.test(c.source)) continue;
      let analysis = this.notCodeAnalyses.get(c.index);
      if (analysis === undefined) {
        analysis = analyzeCell(c.source);
        this.notCodeAnalyses.set(c.index, analysis);
      }
      if (analysis.syntaxErrors.length === 0 && analysis.defines.some((d) => d.name === name)) return `; cell ${c.index + 1} defines it, but it is a ${c.kind} cell: make it a code cell`;
    }
    return undefined;
  }

  /** `; did you mean X_train (cell 4)?` when a name an earlier cell binds is a plausible typo of `name`; else ''. */
  private didYouMean(name: string): string {
    if (name.length < 3) return '';
    const close = closestName(name, this.bindings.keys());
    const binding = close === undefined ? undefined : this.bindings.get(close);
    if (close === undefined || binding === undefined) return '';
    const where = ` (cell ${binding.site.cellIndex + 1})`;
    return `; did you mean ${close}${where}?`;
  }

  /**
   * Why what an earlier cell defines reaches no step: the cell is a test's or the metrics', and how to fix it.
   * `testHelper`: the name a test cell uses, when that is the user: a function another test cell defines is
   * shared code for tests (round 47 BB: the advice was to make the test helper a step).
   */
  private outsideSteps(cellIndex: number, testHelper?: string): string {
    const roles = this.roles.cells.find((c) => c.cellIndex === cellIndex);
    const from = roles?.continuedFrom;
    const joined = from === undefined ? '' : `, as it has no tag of its own and joins cell ${from + 1} above it`;
    const helper = testHelper !== undefined && (this.facts.get(cellIndex)?.functions ?? []).some((f) => f.name === testHelper);
    if (roles?.roles.includes('test') === true && helper) {
      return `that cell is a test cell${joined}, and each test cell is a test of its own, which sees nothing another defines. Move def ${testHelper} into a \`functions\` cell (shared code, which the tests import too), or into this test cell`;
    }
    if (roles?.roles.includes('test') === true) {
      return `that cell is a test cell${joined}: tests run after the pipeline, on its values, and no step sees what they define. Tag cell ${cellIndex + 1} \`step:<name>\` (or as part of a step)${from === undefined ? '' : `, or move the test cell ${from + 1} below it`}`;
    }
    if (roles?.roles.includes('metrics') === true) return `that cell is a metrics cell${joined}: the metrics are computed after the steps. Move the line into a step`;
    return 'that cell is not part of a step before this one: tag it as a step, or move the line into one';
  }

  /** `use.through`: the shared function the unit defines that reads the name (see definesSharedIn). */
  private resolve(unit: UnitBuilder, cell: NotebookCell, use: NameSite & { readonly through?: string }, binding = this.bindings.get(use.name)): void {
    if (unit.reported.has(use.name)) return;
    const usedAt = site(cell, use.line);
    const fromStar = binding === undefined && this.starImports.length > 0 ? this.starImportsFor(use.name) : [];
    if (fromStar.length > 0) {
      for (const s of fromStar) addOnce(unit.imports, s);
      return;
    }
    // `try: raw` / `except NameError: raw = load()` with nothing defining raw before: the step makes it.
    if (binding === undefined && use.guarded === true) return;
    const deleted = binding === undefined ? this.deletedAt.get(use.name) : undefined;
    if (deleted !== undefined) {
      const what = unit.kind === 'step' ? `step ${unit.name}` : unit.kind === 'metrics' ? 'the metrics cell' : 'this test cell';
      const roles = this.roles.cells.find((c) => c.cellIndex === deleted.cellIndex);
      const role = roles?.inStep !== undefined ? ` (step ${roles.inStep})` : roles?.roles.includes('metrics') === true ? ' (the metrics cell)' : '';
      const by = deleted.cellIndex === cell.index ? 'this cell' : `cell ${deleted.cellIndex + 1}${role}`;
      // (In a percent script, the script's line too, as the use's: round 69 VVV.)
      const fileLine = this.notebook.cells.find((c) => c.index === deleted.cellIndex)?.fileLine;
      const at = fileLine === undefined ? `line ${deleted.line}` : `line ${deleted.line} (file line ${fileLine + deleted.line - 1})`;
      this.problems.push(this.problem(cell, 'error', 'name-deleted', `${what} uses ${use.name}, but ${by} deletes it on ${at} (\`del ${use.name}\`), so the notebook raised NameError here: remove the \`del\`, or define ${use.name} again before this line`, use.line, use.column));
      unit.reported.add(use.name);
      return;
    }
    if (binding === undefined) {
      const later = this.everDefined.get(use.name);
      const skipped = this.skippedDefined.get(use.name);
      const what = unit.kind === 'step' ? `step ${unit.name}` : unit.kind === 'metrics' ? 'the metrics cell' : 'this test cell';
      const message =
        later === undefined && skipped !== undefined
          ? `${what} uses ${use.name}, which only cell ${skipped.cellIndex + 1} defines, and ${this.whySkipped(skipped.cellIndex)}, or define ${use.name} in a cell the pipeline keeps`
          : later === undefined && IPYTHON_HISTORY.test(use.name)
            ? `${what} uses ${use.name}, IPython's record of earlier outputs or inputs, which exists only in a notebook: assign the value you need to a name in the cell that computes it, and use that name`
            : later === undefined
              ? `${what} uses ${use.name}, but no cell before it defines it${this.captureDefining(cell, use.name) ?? this.magicDefining(cell, use.line) ?? this.notCodeDefining(cell, use.name) ?? this.didYouMean(use.name)}`
              : later.cellIndex === cell.index
                ? `${what} uses ${use.name} before this cell defines it (line ${later.line}), and no cell before it defines it`
                : later.cellIndex < cell.index
                  ? `${what} uses ${use.name}, which cell ${later.cellIndex + 1} defines, but ${this.outsideSteps(later.cellIndex, unit.kind === 'test' ? use.name : undefined)}`
                  : `${what} uses ${use.name} before it is defined: cell ${later.cellIndex + 1} defines it later. Move that cell above this one`;
      this.problems.push(this.problem(cell, 'error', later === undefined || later.cellIndex === cell.index ? 'name-undefined' : later.cellIndex < cell.index ? 'name-outside-steps' : 'name-defined-later', message, use.line, use.column));
      unit.reported.add(use.name);
      return;
    }
    switch (binding.kind) {
      case 'import':
        addOnce(unit.imports, binding.statement);
        return;
      case 'common':
        if (this.definesSharedIn(unit, cell, use)) return;
        addOnce(unit.commonNames, use.name);
        return;
      case 'parameter':
        if (addOnce(unit.inputs, use.name)) this.edge('parameters', unit, use.name, binding.site, usedAt, 'the parameters', use.through);
        return;
      case 'metric':
        if (unit.kind === 'step') {
          this.problems.push(this.problem(cell, 'error', 'step-uses-metric', `step ${unit.name} uses ${use.name}, which the metrics cell computes; metrics run after every step. Compute it in a step instead`, use.line, use.column));
          unit.reported.add(use.name);
          return;
        }
        addOnce(unit.metricNames, use.name);
        if (addOnce(unit.inputs, use.name)) this.edge('metrics', unit, use.name, binding.site, usedAt, 'the metrics', use.through);
        return;
      case 'step': {
        if (binding.step === unit.name) return;
        const producer = this.units.get(binding.step);
        if (producer !== undefined && addOnce(producer.outputs, use.name)) {
          producer.outputSites.set(use.name, binding.site);
          producer.outputColumns.set(use.name, binding.column ?? 0);
          this.keepIfUnbound(producer, use.name);
        }
        if (addOnce(unit.inputs, use.name)) this.edge(binding.step, unit, use.name, binding.site, usedAt, binding.step, use.through);
        if (unit.kind === 'step') addOnce(unit.dataAfter, binding.step);
        return;
      }
    }
  }

  /**
   * The parameters and step values shared function `name` reads when called, now (the bindings as the cells so
   * far left them): itself, or through the shared functions it calls. Empty for a class or a name of no function.
   */
  private stepValuesRead(name: string, own: ReadonlySet<string> = new Set(), seen = new Set<string>()): string[] {
    const shared = this.sharedFunctions.get(name);
    if (shared === undefined || seen.has(name)) return [];
    seen.add(name);
    const reads: string[] = [];
    const onlyUnits = (binding: Binding | undefined): boolean => binding?.kind === 'parameter' || binding?.kind === 'step' || binding?.kind === 'metric';
    const whenCalled = shared.fn.callReads ?? shared.fn.freeNames;
    for (const free of shared.fn.freeNames) {
      const binding = this.bindings.get(free);
      // A default value (`t=THRESHOLD`) is the value where the def ran, whatever the caller binds since.
      const atDefinition = shared.fn.definitionReads?.includes(free) === true && onlyUnits(this.definedAs(shared, free));
      // `own`: what the calling unit binds itself before the call (`LIMIT = 5`, `X_train = ...`): the function
      // reads the unit's value, as the notebook's global was then.
      if (atDefinition || (whenCalled.includes(free) && (own.has(free) || onlyUnits(binding)))) addOnce(reads, free);
      else if (binding?.kind === 'common') for (const r of this.stepValuesRead(free, own, seen)) addOnce(reads, r);
    }
    return reads;
  }

  /** What `name`, which shared function `shared`'s definition reads (a default value), was bound to where the def ran. */
  private definedAs(shared: SharedFunction, name: string): Binding | undefined {
    return shared.definedWith.get(name) ?? this.bindings.get(name);
  }

  /** A function a step can define in its own function: a top-level def that binds no global (`global n`). */
  private definableInUnit(name: string): boolean {
    const shared = this.sharedFunctions.get(name);
    return shared !== undefined && shared.fn.kind !== 'class' && shared.fn.topLevel !== false && shared.fn.startLine !== undefined && shared.fn.endLine !== undefined && (shared.fn.globalWrites ?? []).length === 0;
  }

  /**
   * `rmse_cv(model)` in a unit, rmse_cv a shared function reading a parameter or a step value: the unit defines
   * it (and the other such functions it calls) in its own function, and takes what it reads as its own reads,
   * at the call. False when the function reads none (imported from common.py), or cannot be moved (see
   * checkSharedFunctions).
   */
  private definesSharedIn(unit: UnitBuilder, cell: NotebookCell, use: NameSite): boolean {
    // What the unit binds before the call (its earlier cells; this cell's lines above): the function reads those.
    const own = new Set([...unit.local, ...(this.facts.get(cell.index)?.defines ?? []).filter((d) => d.line < use.line).map((d) => d.name)]);
    const reads = this.stepValuesRead(use.name, own);
    if (reads.length === 0 || !this.definableInUnit(use.name)) return false;
    const known = this.readsByUnits.get(use.name) ?? [];
    for (const r of reads) addOnce(known, r);
    this.readsByUnits.set(use.name, known);
    if (!addOnce(unit.definesShared, use.name)) return true;
    const shared = this.sharedFunctions.get(use.name);
    for (const name of shared?.fn.freeNames ?? []) {
      if (name === use.name) continue;
      const at = { name, line: use.line, column: use.column, through: use.name };
      // `def label(p, t=THRESHOLD)` defined at the top of a step that binds THRESHOLD itself (`THRESHOLD = 0.3`,
      // `for THRESHOLD in grid`): the default is the value THRESHOLD had where the def ran, the parameter, which
      // the step takes under its name; its own binding comes later in its function.
      // A step rebinding it before the unit (`for THRESHOLD in grid` in a tuning step, then the metrics calling
      // label): the default is still the value where the def ran.
      const before = shared?.fn.definitionReads?.includes(name) === true ? this.definedAs(shared, name) : undefined;
      const now = this.bindings.get(name);
      if (before !== undefined && (this.bindsItself(unit, name, own) || !sameBinding(before, now))) {
        if (!this.bindsItself(unit, name, new Set(), before)) this.resolve(unit, cell, at, before);
        if (!sameBinding(before, now) && now?.kind === 'step' && now.step !== unit.name) this.defaultsRebound.push({ unit, cell, line: use.line, column: use.column, fn: use.name, name, by: now.step, before });
        continue;
      }
      // A shared function it calls that reads what the unit binds is defined in the unit too (not imported).
      if (own.has(name) && !this.sharedFunctions.has(name)) continue;
      this.resolve(unit, cell, at);
    }
    return true;
  }

  /**
   * A unit calling a shared function whose default reads a parameter (`def evaluate(p, threshold=THRESHOLD)`)
   * after a step bound it again (`for THRESHOLD in grid`): the unit takes the parameter, as the notebook's def
   * did, unless that step gives the name to later steps too: a run passes values by name, so the unit would get
   * the step's value. A warning on the call then.
   */
  private checkReboundDefaults(): void {
    const warned = new Set<string>();
    for (const d of this.defaultsRebound) {
      if (d.before.kind !== 'parameter' || !(this.units.get(d.by)?.outputs.includes(d.name) ?? false)) continue;
      const key = `${d.unit.kind}:${d.unit.name}:${d.fn}:${d.name}`;
      if (warned.has(key)) continue;
      warned.add(key);
      const what = d.unit.kind === 'step' ? `step ${d.unit.name}` : d.unit.kind === 'metrics' ? 'the metrics cell' : 'this test cell';
      this.problems.push(
        this.problem(
          d.cell,
          'warning',
          'shared-default-rebound',
          `${what} calls ${d.fn}, whose default value reads ${d.name}: in the notebook it is the parameter's value, bound where the def ran, but step ${d.by} binds ${d.name} again and gives it to later steps, and the package passes values by name, so here the default is step ${d.by}'s ${d.name}. Pass the value at the call, or give step ${d.by}'s variable another name`,
          d.line,
          d.column,
        ),
      );
    }
  }

  /**
   * A parameter a step (or the metrics) sets before anything reads it (`n = 8` at the top of step gen): no unit
   * takes the parameter, so a `--param n=3` run is recorded with n = 3 and computes what n = 8 gives. A warning
   * on the line setting it.
   */
  private checkOverwrittenParameters(): void {
    for (const [name, { unit, cell, line, column }] of this.parameterRebound) {
      if (this.edges.some((e) => e.from === 'parameters' && e.name === name)) continue;
      const what = unit === undefined ? 'this shared cell' : unit.kind === 'step' ? `step ${unit.name}` : 'the metrics cell';
      // Shared code runs once at import: every step reads its value, whatever --param says.
      const fix = unit === undefined ? `Change the value in the parameters cell and delete this line, or give this variable another name` : `Give this variable another name, or take ${name} out of the parameters cell if it is no parameter`;
      this.problems.push(
        this.problem(
          cell,
          'warning',
          'parameter-overwritten',
          `${what} sets ${name} here before any step reads the parameter ${name}: a --param ${name} value never reaches the pipeline (the run records it, and the numbers are those of this line's value). ${fix}`,
          line,
          column,
        ),
      );
    }
  }

  /**
   * `del x` in a step, shared or metrics cell that always runs, with no binding of x after it in the cell: later
   * cells cannot read x (the notebook raised NameError there), so a later use is an error, not a read of the value
   * the cell had (round 66 QQQ: the package ran on it and recorded a metric the notebook never made).
   */
  private forgetDeleted(cell: NotebookCell, f: CellFacts): void {
    for (const d of f.deletesAtEnd ?? []) {
      const binding = this.bindings.get(d.name);
      if (binding === undefined) continue;
      this.bindings.delete(d.name);
      this.deletedAt.set(d.name, site(cell, d.line));
      // Shared code deleting its own name exports it no more (round 70 XXX: `__all__` named it, pyflakes said undefined).
      const exported = this.common.names.indexOf(d.name);
      if (binding.kind === 'common' && cell.index === binding.site.cellIndex && exported !== -1) this.common.names.splice(exported, 1);
    }
  }

  /** Whether `name` (bound to `binding`) is the unit's own: it bound it before (`own`), or an earlier cell of it did. */
  private bindsItself(unit: UnitBuilder, name: string, own: ReadonlySet<string>, binding = this.bindings.get(name)): boolean {
    if (own.has(name)) return true;
    return (unit.kind === 'step' && binding?.kind === 'step' && binding.step === unit.name) || (unit.kind === 'metrics' && binding?.kind === 'metric');
  }

  private readWords(reads: readonly string[]): string {
    return andList(reads.map((r) => {
      const binding = this.bindings.get(r);
      return binding?.kind === 'parameter' ? `${r} (a parameter)` : binding?.kind === 'step' ? `${r} (from step ${binding.step})` : binding?.kind === 'metric' ? `${r} (from the metrics)` : r;
    }));
  }

  /**
   * Shared functions reading parameters or step values: the units calling them define them (definesSharedIn);
   * one that cannot be moved (a class, a function binding a global, one defined inside an `if`) is an error.
   * One reading a name common.py does not have is left out of it.
   */
  private checkSharedFunctions(): void {
    const units = [...this.steps, ...(this.metrics === undefined ? [] : [this.metrics]), ...this.tests];
    const leftOut = new Set<string>();
    const found: { name: string; shared: { readonly cell: NotebookCell; readonly fn: SharedFunctionFacts }; reads: string[] }[] = [];
    for (const [name, shared] of this.sharedFunctions) {
      const reads = this.stepValuesRead(name);
      for (const r of this.readsByUnits.get(name) ?? []) addOnce(reads, r);
      if (reads.length === 0) continue;
      if (!this.definableInUnit(name)) {
        const { cell, fn } = shared;
        const first = reads.find((r) => fn.freeNames.includes(r)) ?? reads[0] ?? '';
        const binding = this.bindings.get(first);
        const source = binding?.kind === 'parameter' ? 'a parameter' : binding?.kind === 'step' ? `a value computed by step ${binding.step}` : 'a value only the steps have';
        const what = fn.kind === 'class' ? `class ${name}` : `function ${name}`;
        const why = fn.kind === 'class' ? 'a class cannot be moved into the steps using it' : (fn.globalWrites ?? []).length > 0 ? 'it binds a global, which it cannot do inside a step' : 'it is defined inside an `if` or `try`, so it cannot be moved into the steps using it';
        this.problems.push(this.problem(cell, 'error', 'shared-reads-step-value', `${what} reads the global ${first}, ${source}; shared code cannot see it in a package, and ${why}: pass ${first} as an argument`, readLine(cell.source, name, first, fn.line ?? fn.startLine ?? 1)));
        continue;
      }
      found.push({ name, shared, reads });
    }
    // Left out of common.py when it reads a name the module does not have, or calls a function left out.
    const common = new Set(this.common.names);
    for (let changed = true; changed; ) {
      changed = false;
      for (const { name, shared } of found) {
        if (leftOut.has(name)) continue;
        if (shared.fn.freeNames.some((n) => (this.bindings.get(n)?.kind !== 'common' && this.bindings.get(n)?.kind !== 'import' && !common.has(n)) || leftOut.has(n))) {
          // A unit importing it from common.py (a call before it read step values) keeps it there.
          if (units.some((u) => u.commonNames.includes(name))) continue;
          leftOut.add(name);
          changed = true;
        }
      }
    }
    for (const { name, shared, reads } of found) {
      const { cell, fn } = shared;
      // `@lru_cache def rate(cur): return RATES[cur]`: each unit's copy starts with an empty cache.
      const decorators = cell.source.split('\n').slice((fn.startLine ?? 1) - 1, fn.line ?? fn.startLine ?? 1).join('\n');
      const memo = /^\s*@\s*((?:functools\.)?(?:lru_cache|cache)\b|[\w.]*memoi[sz]e\w*|[\w.]+\.cache\b)/m.exec(decorators)?.[1];
      if (memo !== undefined && !leftOut.has(name)) {
        const message = `function ${name} remembers its results (@${memo}) and reads ${andList(reads)}, which only the steps have: each step calling it defines a copy of its own, whose cache starts empty, so a call the notebook answered from the cache (with a value read before a step changed ${andList(reads)}) is computed again here, and the numbers may differ. Pass ${andList(reads)} as ${reads.length === 1 ? 'an argument' : 'arguments'}, or keep the memoised function free of step values`;
        this.problems.push(this.problem(cell, 'warning', 'shared-memo-copied', message, fn.startLine ?? 1));
      }
      const definitionReads = reads.filter((r) => fn.definitionReads?.includes(r) === true);
      this.stepBound.push({ name, cellIndex: cell.index, ...(cell.id === undefined ? {} : { cellId: cell.id }), startLine: fn.startLine ?? 1, endLine: fn.endLine ?? fn.startLine ?? 1, reads, ...(definitionReads.length === 0 ? {} : { definitionReads }), leftOut: leftOut.has(name) });
    }
    // `scores = rmse_cv(model)` at import, in a shared cell: the function reads what only the steps have.
    for (const { index } of this.common.cells) {
      const cell = this.notebook.cells.find((c) => c.index === index);
      const defs = found.filter((d) => d.shared.cell.index === index).map((d) => d.shared.fn);
      for (const statement of cell === undefined ? [] : (this.facts.get(index)?.topStatements ?? [])) {
        if (defs.some((fn) => statement.line >= (fn.startLine ?? 0) && statement.endLine <= (fn.endLine ?? -1))) continue;
        const called = statement.reads.find((n) => leftOut.has(n));
        const reads = called === undefined ? [] : (found.find((d) => d.name === called)?.reads ?? []);
        if (cell === undefined || called === undefined) continue;
        const calls = (this.facts.get(index)?.calls ?? []).some((c) => c.name === called && c.line >= statement.line && c.line <= statement.endLine);
        // `SCORERS = {"mae": mae}` only refers to it: the dict would hold a function the steps define.
        const message = calls
          ? `this shared cell calls ${called}, which reads ${this.readWords(reads)}; shared code (imports, functions, the cells before the first step) runs once at import and cannot see those: tag this cell as a step or move the call into one`
          : `this shared cell refers to ${called}, a function reading ${this.readWords(reads)} when called, which the shared module cannot hold: shared code (imports, functions, the cells before the first step) runs once at import, before any step. Build ${statement.assigns === undefined ? 'this value' : statement.assigns} in the step using it (move this line there), or tag this cell as a step`;
        this.problems.push(this.problem(cell, 'error', 'shared-reads-step-value', message, statement.line));
      }
    }
    const kept = this.common.names.filter((n) => !leftOut.has(n));
    this.common.names.splice(0, this.common.names.length, ...kept);
  }

  private edge(from: string, to: UnitBuilder, name: string, definedAt: SourceSite, usedAt: SourceSite, fromWords: string, through?: string): void {
    const toWords = to.kind === 'step' ? to.name : to.kind === 'metrics' ? 'the metrics code' : `the test in cell ${usedAt.cellIndex + 1}`;
    const via = through === undefined ? '' : ` (shared function ${through} reads it)`;
    const explanation = `${toWords} uses ${name}${via}, defined by ${fromWords}, cell ${definedAt.cellIndex + 1} line ${definedAt.line}`;
    this.edges.push({ from, to: to.name, name, definedAt, usedAt, explanation });
  }

  private unitFor(kind: 'step', name: string): UnitBuilder {
    const existing = this.units.get(name);
    if (existing !== undefined) return existing;
    const unit = this.newUnit(kind, name);
    this.units.set(name, unit);
    this.steps.push(unit);
    return unit;
  }

  private newUnit(kind: UnitKind, name: string): UnitBuilder {
    return { kind, name, cells: [], inputs: [], imports: [], commonNames: [], outputs: [], outputSites: new Map(), outputColumns: new Map(), dataAfter: [], explicitAfter: [], fileAfter: [], alwaysRuns: [], local: new Set(), metricNames: [], reported: new Set(), changesShared: [], copiesSharedForLater: [], changesParameters: [], definitions: new Set(), changesDefinitions: [], definesShared: [], parameterCode: [], mayKeep: new Map() };
  }

  /** Whether the package runs step `first` before `unit` because `unit` waits for it (`after:`, data, files), transitively. */
  private runsBefore(first: UnitBuilder, unit: UnitBuilder): boolean {
    if (first.kind !== 'step' || unit.kind !== 'step') return false;
    const seen = new Set<string>();
    const pending = [unit.name];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      const current = this.steps.find((s) => s.name === name);
      for (const before of [...(current?.explicitAfter ?? []), ...(current?.dataAfter ?? []), ...(current?.fileAfter ?? [])]) {
        if (before === first.name) return true;
        if (!seen.has(before)) {
          seen.add(before);
          pending.push(before);
        }
      }
    }
    return false;
  }

  /**
   * A step whose cells are apart (the same `step:` or Kale `block:` name on cells with another step between)
   * runs whole in the package, before the steps between. When a later cell of it changes a value a step in
   * between read, that step sees another value than in the notebook: a warning on that cell.
   */
  private checkSplitSteps(): void {
    const owner = new Map<number, UnitBuilder>();
    for (const unit of [...this.steps, ...(this.metrics === undefined ? [] : [this.metrics]), ...this.tests]) for (const c of unit.cells) owner.set(c.index, unit);
    const reads = (index: number): string[] => {
      const f = this.facts.get(index);
      return f === undefined ? [] : [...f.externalUses, ...(f.builtinUses ?? [])].map((u) => u.name);
    };
    for (const step of this.steps) {
      const indices = step.cells.map((c) => c.index).sort((a, b) => a - b);
      for (let i = 1; i < indices.length; i++) {
        const before = indices[i - 1] ?? 0;
        const here = indices[i] ?? 0;
        // The cells between two of the step's cells (usually none, or markdown): each looked at once.
        const between: [number, UnitBuilder][] = [];
        for (let index = before + 1; index < here; index++) {
          const unit = owner.get(index);
          if (unit !== undefined && unit !== step) between.push([index, unit]);
        }
        if (between.length === 0) continue;
        const changed = new Set(indices.slice(i).flatMap((index) => [...this.namesChangedBy(index)]));
        this.checkTestsInSplitStep(step, indices.slice(i), between);
        // A step this one waits for (`prev:a` on it) runs first in the package too: it cannot read what these cells make.
        const hit = between.flatMap(([index, unit]) => (unit.kind === 'test' || this.runsBefore(unit, step) ? [] : reads(index).filter((n) => changed.has(n)).map((name) => ({ unit, name }))))[0];
        const cell = this.notebook.cells.find((c) => c.index === here);
        if (hit === undefined || cell === undefined) continue;
        const other = hit.unit.kind === 'metrics' ? 'the metrics' : `step ${hit.unit.name}`;
        this.problems.push(
          this.problem(
            cell,
            'warning',
            'step-split',
            `this cell belongs to step ${step.name}, whose earlier cells come before ${other}; the package runs all of ${step.name} first, so ${other} reads the ${hit.name} this cell makes, not the one it read in the notebook. Give this cell its own step (step:<name>), or move it above ${other}`,
          ),
        );
      }
    }
  }

  /**
   * The names a cell binds or changes in place, itself or through the notebook's shared functions that change
   * their arguments (`drop_seniors(raw)` changes raw): the same calls the skip check follows, so both agree.
   */
  private namesChangedBy(index: number): Set<string> {
    const f = this.facts.get(index);
    return new Set(f === undefined ? [] : [...f.defines, ...f.mutates, ...this.changedByCalls(f)].map((d) => d.name));
  }

  /**
   * A test cell between two of a step's cells reading a value of the step that a later cell of it (`later`: their
   * indices, in order) rebinds or changes in place: the package runs the whole step before the test, so the test
   * sees the value with that change, not as the notebook's test cell saw it. A warning on the test cell, naming
   * the step and the first later cell that changes what it reads.
   */
  private checkTestsInSplitStep(step: UnitBuilder, later: readonly number[], between: readonly [number, UnitBuilder][]): void {
    const changes = (index: number): Set<string> => this.namesChangedBy(index);
    for (const [index, unit] of between) {
      if (unit.kind !== 'test') continue;
      const read = this.edges.filter((e) => e.from === step.name && e.to === unit.name).map((e) => e.name);
      const here = later.find((i) => read.some((n) => changes(i).has(n)));
      const cell = this.notebook.cells.find((c) => c.index === index);
      if (here === undefined || cell === undefined) continue;
      const names = read.filter((n) => changes(here).has(n));
      const values = andList(names);
      this.problems.push(
        this.problem(
          cell,
          'warning',
          'test-sees-later-change',
          `this test cell reads ${values} from step ${step.name}, whose cell ${here + 1} (below this one) changes ${names.length === 1 ? 'it' : 'them'} again; the package runs all of ${step.name} before the test, so the test sees ${values} with that change, not as ${names.length === 1 ? 'it was' : 'they were'} here. Give cell ${here + 1} its own step (step:<name>), or move this test cell below it`,
        ),
      );
    }
  }

  /**
   * Steps that take values from each other (possible only when a step's cells are apart: `load`, `fit`, then
   * `load` again reading what `fit` made) cannot run one after the other: an error on the latest cell of the
   * loop, naming each value that closes it.
   */
  private checkCycles(): void {
    const after = new Map(this.steps.map((u) => [u.name, [...u.dataAfter, ...u.explicitAfter]]));
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (name: string): string[] | undefined => {
      state.set(name, 'open');
      path.push(name);
      for (const next of after.get(name) ?? []) {
        if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
        if (state.get(next) === undefined && after.has(next)) {
          const found = visit(next);
          if (found !== undefined) return found;
        }
      }
      path.pop();
      state.set(name, 'done');
      return undefined;
    };
    for (const unit of this.steps) {
      if (state.get(unit.name) !== undefined) continue;
      const loop = visit(unit.name);
      if (loop === undefined) continue;
      // loop = [a, b, ..., a]: a runs after b (takes a value from it, or its `after:` tag says so), and so on back to a.
      const links = loop.slice(0, -1).map((to, i) => ({ to, from: loop[i + 1] ?? to, edge: this.edges.find((e) => e.to === to && e.from === loop[i + 1]) }));
      const tags = links.filter((l) => l.edge === undefined).map((l) => this.afterTag(l.to, l.from)).filter((t) => t !== undefined);
      const known = links.map((l) => l.edge).filter((e) => e !== undefined);
      const chain = links
        .map((l) => (l.edge === undefined ? `${l.to} runs after ${l.from} (${this.afterWords(l.to, l.from)})` : `${l.to} uses ${l.edge.name} from ${l.from} (cell ${l.edge.usedAt.cellIndex + 1})`))
        .join(', and ');
      const steps = [...new Set(loop)].join(' and ');
      const tag = tags[0];
      if (tag !== undefined) {
        // An `after:` tag closes the loop: that tag is what to change, not the cells.
        const tagCell = this.notebook.cells.find((c) => c.index === tag.cellIndex);
        if (tagCell === undefined) return;
        const more = tags.length > 1 ? ` (and ${andList(tags.slice(1).map((t) => `\`${t.raw}\` on cell ${t.cellIndex + 1}`))})` : '';
        const message = `the tag \`${tag.raw}\`${more} makes steps ${steps} wait for each other: ${chain}. Each step runs whole, one after the other, so this order cannot run: remove \`${tag.raw}\` from this cell, or change it to name a step that does not need ${tag.step}`;
        this.problems.push(this.problem(tagCell, 'error', 'step-cycle', message, tag.line));
        return;
      }
      const last = [...known].sort((a, b) => b.usedAt.cellIndex - a.usedAt.cellIndex)[0];
      const cell = last === undefined ? undefined : this.notebook.cells.find((c) => c.index === last.usedAt.cellIndex);
      if (last === undefined || cell === undefined) continue;
      const message = `steps ${steps} take values from each other: ${chain}. Each step runs whole, one after the other, so this order cannot run outside the notebook: give this cell its own step (step:<name>), or move it next to the other cells of its step`;
      this.problems.push(this.problem(cell, 'error', 'step-cycle', message, last.usedAt.line));
      return;
    }
  }

  /** How `step` comes to run after `after`, for a message: "`after:evaluate` on cell 6". */
  private afterWords(step: string, after: string): string {
    const tag = this.afterTag(step, after);
    return tag === undefined ? `after:${after}` : `\`${tag.raw}\` on cell ${tag.cellIndex + 1}`;
  }

  /** The `after:` tag (or `prev:`, as written) by which step `step` runs after `after`: its cell, and its line for a directive. */
  private afterTag(step: string, after: string): { readonly raw: string; readonly cellIndex: number; readonly line?: number; readonly step: string } | undefined {
    const cell = this.roles.cells.find((c) => (c.inStep ?? c.stepName) === step && c.after.includes(after));
    if (cell === undefined) return undefined;
    const source = cell.sources.find((s) => s.role === 'after' && s.raw.includes(after)) ?? cell.sources.find((s) => s.role === 'after');
    return { raw: source?.raw ?? `after:${after}`, cellIndex: cell.cellIndex, ...(source?.line === undefined ? {} : { line: source.line }), step };
  }

  /**
   * A step whose cells hold nothing to run (comments, blank lines, imports, IPython lines that were removed, a
   * value shown that nothing uses: round 58 AAA, `step-shows-only` beside it said it held code) becomes a function
   * that does nothing: usually a tag left on the wrong cell. A warning on its first cell.
   */
  private checkEmptySteps(): void {
    for (const step of this.steps) {
      const first = step.cells[0];
      if (first === undefined || step.cells.some((c) => (this.facts.get(c.index)?.statements ?? 1) > 0)) continue;
      const cell = this.notebook.cells.find((c) => c.index === first.index);
      if (cell === undefined) continue;
      const what = step.cells.length === 1 ? 'its cell holds' : 'its cells hold';
      this.problems.push(this.problem(cell, 'warning', 'step-empty', `step ${step.name} does nothing: ${what} no code to run (only comments, imports, IPython lines, or a value it shows that nothing after it uses, which the package leaves out). Put the step's code in this cell or the cells below it, or tag the cell that holds the code instead`));
    }
  }

  /**
   * Steps and no metrics cell: the pipeline records no metrics, and no test compares its numbers with the
   * notebook's (round 57 YY: `--infer-steps` put the cell printing the scores in the last step, and nothing said
   * so). A warning on the last line of a step cell printing or showing a score, to tag it (a notebook printing
   * none, data preparation, is left alone).
   */
  private checkMetricsPresent(): void {
    if (this.metrics !== undefined || this.steps.length === 0) return;
    const cells = new Map(this.notebook.cells.map((c) => [c.index, c]));
    let found: { cell: NotebookCell; line: number } | undefined;
    for (const ref of this.steps.flatMap((s) => s.cells)) {
      const cell = cells.get(ref.index);
      if (cell === undefined) continue;
      const lines = sourceLines(cell.source);
      // The cell's last line when it is an expression Jupyter shows (`accuracy`, `model.score(X, y)`; round 58 AAA).
      const last = lines.reduce((at, text, i) => (text.trim() === '' || /^\s*#/.test(text) ? at : i), -1);
      lines.forEach((text, i) => {
        const shown = i === last && /^[A-Za-z_(]/.test(text) && !/^(?:def|class|if|elif|else|for|while|with|try|except|finally|return|import|from|assert|raise|del|pass|global|nonlocal|async|await|lambda|yield)\b/.test(text) && !/(?<![=!<>])=(?![=])/.test(blankedQuotes(text));
        if ((shown || /^(?:print|display)\s*\(/.test(text)) && SCORE_WORD.test(text)) found = found === undefined || cell.index >= found.cell.index ? { cell, line: i + 1 } : found;
      });
    }
    const what = 'no cell has the metrics role, so the pipeline records no metrics and no generated test compares its numbers with the notebook\'s';
    if (found !== undefined) this.problems.push(this.problem(found.cell, 'warning', 'metrics-missing', `${what}: this line prints or shows a score. Tag the cell metrics (or move the lines printing the scores into a cell of their own, and tag that)`, found.line));
  }

  private problem(cell: NotebookCell, severity: Problem['severity'], code: string, message: string, line?: number, column?: number): Problem {
    return cellProblem(this.notebook.path, cell, severity, code, message, line, column);
  }
}

/**
 * The type of a parameter set to a value of type `a`, then of type `b` (papermill's injected cell): a float for
 * an int and a float (`lr = 0.1`, then `lr = 1` injected, still takes `--param lr=0.5`), else `b`'s.
 */
/** A name a `with … as`, `except … as` or `for` binds (`with open(p) as f:`): a name the code uses, not a setting. */
function blockTarget(source: string, d: NameSite): boolean {
  const before = (source.split('\n')[d.line - 1] ?? '').slice(0, Math.max(0, d.column - 1));
  return /\bas\s*\(?\s*$/.test(before) || /^\s*(?:async\s+)?for\b[^=]*$/.test(before);
}

function widerType(a: Parameter['type'], b: Parameter['type']): Parameter['type'] {
  return (a === 'int' && b === 'float') || (a === 'float' && b === 'int') ? 'float' : b;
}

function site(cell: NotebookCell, line: number): SourceSite {
  return { cellIndex: cell.index, ...(cell.id === undefined ? {} : { cellId: cell.id }), line };
}

function ref(cell: NotebookCell): CellRef {
  return { index: cell.index, ...(cell.id === undefined ? {} : { id: cell.id }) };
}

function addOnce(list: string[], value: string): boolean {
  if (list.includes(value)) return false;
  list.push(value);
  return true;
}

function toCodeUnit(u: UnitBuilder): CodeUnit {
  return { name: u.name, cells: u.cells, inputs: u.inputs, imports: u.imports, commonNames: u.commonNames, metricInputs: u.metricNames, ...(u.definesShared.length === 0 ? {} : { definesShared: u.definesShared }) };
}

function toStepNode(u: UnitBuilder): StepNode {
  const after = [...u.dataAfter];
  for (const a of [...u.fileAfter, ...u.explicitAfter]) addOnce(after, a);
  // In the order the step binds them, not the order later steps happen to read them: a new step reading
  // them the other way round must not change the step's return value (a major version).
  const at = (name: string): SourceSite | undefined => u.outputSites.get(name);
  // (Round 57 YY: names one line binds came in the order later steps read them: `y_tr, X_tr, X_te, y_te`.)
  const outputs = [...u.outputs].sort((a, b) => (at(a)?.cellIndex ?? 0) - (at(b)?.cellIndex ?? 0) || (at(a)?.line ?? 0) - (at(b)?.line ?? 0) || (u.outputColumns.get(a) ?? 0) - (u.outputColumns.get(b) ?? 0));
  return { ...toCodeUnit(u), outputs, after, explicitAfter: u.explicitAfter, ...(u.fileAfter.length === 0 ? {} : { fileAfter: u.fileAfter }), ...(u.alwaysRuns.length === 0 ? {} : { alwaysRuns: u.alwaysRuns.join('; ') }), ...(u.changesShared.length === 0 ? {} : { changesShared: u.changesShared }), ...(u.copiesSharedForLater.length === 0 ? {} : { copiesSharedForLater: u.copiesSharedForLater }), ...(u.changesParameters.length === 0 ? {} : { changesParameters: u.changesParameters }), ...(u.changesDefinitions.length === 0 ? {} : { changesDefinitions: u.changesDefinitions }), ...(u.parameterCode.length === 0 ? {} : { parameterCode: u.parameterCode }) };
}

/** Dependency order; notebook order among steps that are free to go (Kahn's algorithm). Tags exclude cycles. */
export function orderSteps(steps: readonly StepNode[]): StepNode[] {
  const done = new Set<string>();
  const names = new Set(steps.map((s) => s.name));
  const ordered: StepNode[] = [];
  const pending = [...steps];
  while (pending.length > 0) {
    const i = pending.findIndex((s) => s.after.every((a) => done.has(a) || !names.has(a)));
    const next = pending.splice(i === -1 ? 0 : i, 1)[0];
    if (next === undefined) break;
    ordered.push(next);
    done.add(next.name);
  }
  return ordered;
}

/** A score printed with no label (`accuracy_score(y, p)`, `np.mean(scores)`, `model.score(X, y)`, `cv.mean()`). */
const UNLABELLED_SCORE = /(?:score|error|loss|accuracy|precision|recall|f1|auc|r2|rmse|mae|mse|mape)\w*\s*\(|(?:^|\.)(?:mean|std|median|score)\s*\(/i;

/**
 * True when line `later` (1-based) runs whenever line `first` did, right after it in the same block: every line
 * from `first` to `later` is indented at least as `first` is (blank and comment lines aside).
 */
function followsInBlock(lines: readonly string[], first: number, later: number): boolean {
  const indent = (line: string): number => /^[ \t]*/.exec(line)?.[0].length ?? 0;
  const base = indent(lines[first - 1] ?? '');
  for (let i = first; i < later; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (indent(line) < base) return false;
  }
  return true;
}

/**
 * The names an item printed alone can take, best first: `scores["acc"]` or `scores.get("acc")` -> `acc`,
 * `scores_acc`; `rep["macro avg"]["f1-score"]` -> `f1_score`, `macro_avg_f1_score`, `rep_macro_avg_f1_score`.
 * Keys are lowered and their other characters become `_`; a key of no ASCII letter or digit names nothing.
 */
function keyNames(expression: string): string[] {
  const keys = keyedItem(expression);
  if (keys === undefined) return [];
  // (`"précision"` is `precision`, round 67 RRR: it was `pr_cision`.)
  const name = (words: readonly string[]): string => words.map((w) => withoutAccents(w).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')).filter((w) => w !== '').join('_');
  const candidates = [name(keys.slice(-1)), name(keys.slice(1)), name(keys)];
  return [...new Set(candidates)].filter((n) => /^[a-z_]\w*$/.test(n) && !PYTHON_KEYWORDS.has(n));
}

/** The dict and keys of an item by string keys, `scores["acc"]` or `scores.get("acc")`: `['scores', 'acc']`. */
function keyedItem(expression: string): string[] | undefined {
  const got = /^([A-Za-z_]\w*)\.get\(\s*(?:"([^"\\]+)"|'([^'\\]+)')\s*\)$/.exec(expression.trim());
  return got === null ? itemKeys(expression) : [got[1] ?? '', got[2] ?? got[3] ?? ''];
}

/** Attributes a metrics cell prints that are seldom metrics (a frame's shape, a model's classes). */
const NOT_METRIC_ATTRIBUTES = new Set(['shape', 'dtype', 'dtypes', 'columns', 'index', 'size', 'ndim', 'classes_', 'name', 'names', 'values', 'T', 'feature_names_in_', 'best_params_', 'best_estimator_', 'params']);

/** Words of a printed label that name nothing: `"RMSE value is: "` is named by `rmse`. */
const LABEL_FILLERS = new Set(['is', 'are', 'was', 'were', 'be', 'of', 'the', 'a', 'an', 'for', 'to', 'in', 'on', 'at', 'by', 'with', 'and', 'or', 'value', 'values', 'result', 'results', 'our', 'my', 'final', 'model']);

/**
 * A name for the value a print labels with the text before it (`"Accuracy: "` -> `accuracy`, `"RMSE value is: "`
 * -> `rmse`): its last word that is neither a filler nor a Python keyword; undefined when there is none.
 */
function labelName(before: string): string | undefined {
  const name = quantityName(before);
  // `Train accuracy:` and `Test accuracy:` are two metrics whatever the order of their lines (round 56 XX: the
  // first printed took `accuracy`); `Accuracy on the test set` is `test_accuracy` too.
  const word = splitWord(before);
  if (name === undefined || word === undefined) return name;
  return name.split('_').includes(word) ? name : `${word}_${name}`;
}

/**
 * The data a label says a score is of, as a metric's name starts with it (`train`, `test`, `cv`), in English or
 * another language (`Точность тест:` is of `test`, round 62 III: the test accuracy had no name); undefined when
 * it says none.
 */
function splitWord(before: string): string | undefined {
  for (const word of plainLabel(before).match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []) {
    const lower = word.toLowerCase();
    const found = SPLIT_WORDS.get(lower) ?? (/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u.test(word) ? [...SPLIT_WORDS_IN_WORDS].find(([key]) => word.includes(key))?.[1] : undefined);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Words naming the data a score is of, as they start a metric's name: `train_accuracy`, `cv_rmse`; in other
 * languages too, spelled as {@link plainLabel} gives them (without accents: `validación` is `validacion`).
 */
const SPLIT_WORDS = new Map(
  Object.entries({
    train: ['train', 'training', 'entrenamiento', 'entraînement', 'apprentissage', 'treino', 'treinamento', 'addestramento', 'trainingsdaten', 'trainingsset', 'обучение', 'обучения', 'обучающая', 'обучающей', 'обучающие', 'обучающих', 'трейн', 'тренировочная', 'тренировочной', 'тренировочные', 'אימון', 'تدريب', 'التدريب'],
    test: ['test', 'testing', 'prueba', 'teste', 'testdaten', 'testset', 'тест', 'теста', 'тестовая', 'тестовой', 'тестовые', 'тестовых', 'בדיקה', 'מבחן', 'اختبار', 'الاختبار'],
    val: ['val', 'valid'],
    validation: ['validation', 'validierung', 'validación', 'validação', 'validazione', 'валидация', 'валидации', 'валидационная', 'валидационной', 'ולידציה', 'אימות', 'تحقق', 'التحقق'],
    cv: ['cv'],
    holdout: ['holdout'],
    oof: ['oof'],
  }).flatMap(([split, words]) => words.map((w): [string, string] => [withoutAccents(w), split])),
);

/**
 * Short words of labels in German, Spanish, French, Italian and Portuguese (articles, prepositions) that tell a
 * label is in one of them: its other words are no metric's name either (`Exactitud del modelo`, round 63 KKK).
 */
const FOREIGN_LABEL_WORDS = new Set(['del', 'el', 'los', 'las', 'en', 'con', 'para', 'por', 'sobre', 'no', 'na', 'do', 'da', 'dos', 'das', 'em', 'com', 'sul', 'sulla', 'nel', 'nella', 'di', 'della', 'dello', 'il', 'gli', 'auf', 'der', 'die', 'dem', 'den', 'im', 'von', 'mit', 'fur', 'und', 'du', 'des', 'le', 'les', 'la', 'sur', 'au', 'aux', 'pour', 'avec', 'et']);

/**
 * The data a call's arguments are of, by their names' last word (`y_train`, `X_te`, `y_valid`): `train`, `test`,
 * `val`; undefined when they say none, or more than one.
 */
function splitOfArguments(expression: string): string | undefined {
  const open = expression.indexOf('(');
  if (open < 0) return undefined;
  const found = new Set(
    [...blankedQuotes(expression.slice(open)).matchAll(/(?<![\w.])[A-Za-z_]\w*/g)].flatMap((m) => {
      const last = /(?:^|_)([a-z]+)$/i.exec(m[0])?.[1]?.toLowerCase() ?? '';
      return /^(?:train|tr|trn|training)$/.test(last) ? ['train'] : /^(?:test|te|tst)$/.test(last) ? ['test'] : /^(?:val|valid|validation|dev)$/.test(last) ? ['val'] : [];
    }),
  );
  return found.size === 1 ? [...found][0] : undefined;
}

/** The same in scripts without spaces between words, found inside a word (`训练集准确率`). */
const SPLIT_WORDS_IN_WORDS = new Map(
  Object.entries({ train: ['训练', '訓練', '学習', '훈련', '학습'], test: ['测试', 'テスト', '테스트'], validation: ['验证', '検証', '검증'] }).flatMap(([split, words]) => words.map((w): [string, string] => [withoutAccents(w), split])),
);

/** {@link labelName} without the data it is of. */
function quantityName(before: string): string | undefined {
  const words = (unqualified(plainLabel(before)).match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []).filter((w) => /^[A-Za-z_]\w*$/.test(w)).map((w) => w.toLowerCase()).filter((w) => !LABEL_FILLERS.has(w));
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i] ?? '';
    // The data it is of, last (`MCC - test`: round 58 AAA, it was `test`), is labelName's to put in front.
    if (PYTHON_KEYWORDS.has(word) || (i > 0 && SPLIT_WORDS.has(word))) continue;
    // A quantity its words name together (round 38 L: `Balanced accuracy` was `accuracy`, `Mean absolute error`
    // `error`, `Log loss` `loss`): a generic last word takes the one before it, and a modifier joins the word after it.
    let first = i;
    // (An aggregate last too: `AUC std` is `auc_std`, round 58 AAA.)
    while (first > 0 && first > i - 3 && ((first === i && (GENERIC_METRIC_WORDS.has(words[i] ?? '') || TRAILING_AGGREGATES.has(words[i] ?? ''))) || METRIC_MODIFIERS.has(words[first - 1] ?? ''))) first--;
    // A modifier of what the word before names (`worst class recall`), and a last word that names no metric
    // alone (`rows kept`, `scaler mean0`), take the words before them too (round 66 PPP: `recall`, `kept`, `mean0`).
    if (first === i && i >= 2 && METRIC_MODIFIERS.has(words[i - 2] ?? '') && !SPLIT_WORDS.has(words[i - 1] ?? '')) first = i - 2;
    else if (first === i && i >= 1 && i <= 2 && !SCORE_WORD.test(word) && !SPLIT_WORDS.has(words[i - 1] ?? '') && words.slice(0, i).every((w) => /^[a-z_]\w*$/.test(w))) first = 0;
    const name = words.slice(first, i + 1).join('_');
    return /^[A-Za-z_]\w*$/.test(name) && !PYTHON_KEYWORDS.has(name) ? name : word;
  }
  return undefined;
}

/** Last words of a label that name no quantity alone: `Brier score`, `Log loss`, `Error rate`, `R2 score`. */
const GENERIC_METRIC_WORDS = new Set(['score', 'error', 'loss', 'rate', 'ratio', 'variance', 'deviation', 'coefficient', 'gain', 'distance', 'index', 'bound', 'size', 'interval']);
/** Aggregates written after what they aggregate: `AUC std`, `accuracy mean`. */
const TRAILING_AGGREGATES = new Set(['std', 'stdev', 'sd', 'mean', 'median', 'avg', 'average', 'var', 'min', 'max']);
/** Words that make another metric of the word after them: `Balanced accuracy`, `Macro F1`, `Mean absolute error`. */
const METRIC_MODIFIERS = new Set(['balanced', 'macro', 'micro', 'weighted', 'mean', 'median', 'average', 'avg', 'std', 'stdev', 'sd', 'min', 'minimum', 'max', 'maximum', 'smallest', 'largest', 'lowest', 'highest', 'worst', 'best', 'total', 'log', 'absolute', 'squared', 'root', 'explained', 'adjusted', 'adj', 'neg', 'negative', 'delta', 'relative', 'normalized', 'cumulative']);

/**
 * Whether the change on `line` to `name`, a pandas selection of kind `kind`, reaches the frame it came from. Not an
 * augmented assignment to a column (`lr *= decay` on `lr = cfg["lr"]` may be a number of a dict: round 35 E) nor
 * setting its attributes (`income.name = ...`); not setting a column of a row slice (`head["ab"] = ...` makes one
 * the frame does not have). An array's every change does.
 */
function reachesFrame(kind: FrameSelection, name: string, line: string): boolean {
  if (kind === 'array') return true;
  const escaped = escapeRegExp(name);
  if (kind === 'column' && (new RegExp(`^\\s*${escaped}\\s*(?:[-+*/%@&|^]|<<|>>|//|\\*\\*)=`).test(line) || new RegExp(`^\\s*${escaped}\\.\\w+\\s*=(?!=)`).test(line))) return false;
  return !(kind === 'rows' && new RegExp(`^\\s*${escaped}\\s*\\[\\s*[rRbBuU]?["']`).test(line));
}

/**
 * A label without what qualifies its quantity (round 37 K): parenthesised or bracketed parts (`RMSE (log scale)`,
 * `MAE [EUR]`, `age mean (train)`) and a trailing phrase from a preposition on (`Accuracy on test set`, `max error,
 * in %`); the label as it is when nothing would be left.
 */
function unqualified(label: string): string {
  // `Precision@flagged`, `Recall@10`: the cut-off qualifies the quantity.
  // (What follows `@` qualifies the quantity before it: `Recall @ 0.5 threshold`, round 58 AAA.)
  const bare = label.replace(/\([^()]*\)|\[[^[\]]*\]/g, ' ').replace(/@.*$/s, ' ');
  const cut = /^(.*?[\p{L}\p{N}].*?)[\s,]+(?:on|in|for|at|over|per|across|using|from|after|with)\s.*$/isu.exec(bare)?.[1] ?? bare;
  return /[\p{L}\p{N}]/u.test(cut) ? cut : label;
}

/** A label's text as words are read from it: escapes written in the string (`"\nBest: "`) are no letters; accents go (`Übung` -> `ubung`). */
function plainLabel(before: string): string {
  // `Cross-entropy loss` is one quantity (round 40 P: it was `entropy_loss`), `R^2` is `R2`.
  return withoutAccents(before.replace(/\\[ntr]/g, ' ')).replace(/(?<=[\p{L}\p{N}])-(?=[\p{L}\p{N}])/gu, '_').replace(/(?<=\p{L})\^(?=\d)/gu, '');
}

/**
 * The words of a label as one name (`ROC AUC: ` -> `roc_auc`, `f1 at best-F1 threshold` -> `f1_best_f1_threshold`),
 * fillers left out, at most 40 characters; undefined when nothing or one word is left (labelName has it).
 */
function labelWords(before: string): string | undefined {
  const words = (plainLabel(before).match(/[\p{L}\p{N}_]+/gu) ?? []).map((w) => w.toLowerCase()).filter((w) => /^\w+$/.test(w) && !LABEL_FILLERS.has(w));
  const name = words.join('_');
  return words.length < 2 || name.length > 40 || !/^[A-Za-z_]\w*$/.test(name) || PYTHON_KEYWORDS.has(name) ? undefined : name;
}

/**
 * Whether the print on `line` shows `expression`, a rounding of one name (`round(rmse, 2)`), where the reader of
 * saved outputs reads it as that name's value to the decimals kept: alone or beside other names and roundings
 * (`print(round(acc, 3), f1)`), or in a print whose lines a template reads (`print("rmse:", round(rmse, 2))`,
 * `f"{round(rmse)}"`). Not in one it cannot read (`sep=`, `end=`, a `.format` percentage, round 44 W): that value
 * keeps a name of its own, bound where it is printed.
 */
function roundedAndRead(expression: string, line: string): boolean {
  const rounded = roundedNumber(expression.replace(/=\s*$/, ''));
  if (rounded === undefined) return false;
  const args = printArguments(/^print\((.*)\)\s*(?:#.*)?$/.exec(line.trim())?.[1] ?? '');
  if (args.length > 0 && args.every((a) => printedName(a) !== undefined)) return true;
  return printTemplates(line.trim()).some((t) => t.names.includes(rounded.name) && t.digits?.[t.names.indexOf(rounded.name)] !== undefined);
}

/**
 * The values a `%` or `.format` string formats, each with the text before its place:
 * `"Accuracy: %.2f" % acc_of(y)` and `"Accuracy: {:.3f}".format(acc_of(y))` -> [{acc_of(y), "Accuracy: "}].
 */
function formatFields(argument: string): { expression: string; before: string }[] {
  const percent = /^[rRuU]?(["'])(.*?)\1\s*%\s*(.+)$/s.exec(argument.trim());
  const format = percent === null ? /^[rRuU]?(["'])(.*?)\1\.format\((.*)\)$/s.exec(argument.trim()) : null;
  const match = percent ?? format;
  if (match === null) return [];
  const text = match[2] ?? '';
  const values = match[3] ?? '';
  const inner = percent !== null ? parenthesized(values) : undefined;
  const expressions = printArguments(inner ?? values).filter((e) => !/^\w+\s*=/.test(e) || percent !== null);
  // The text before each place: split at `%<spec>` or `{...}`.
  const places = text.split(percent !== null ? /%[-#0 +]*\d*(?:\.\d+)?[sdifeEgGrx%]/ : /\{[^{}]*\}/);
  // `"Best (%s): %.3f" % (max(scores, key=scores.get), ...)`: a value shown as text (`%s`, `%r`) is a name, no
  // number (round 38 L: the info said the run records the model's name as a metric).
  const types = percent !== null ? [...text.matchAll(/%[-#0 +]*\d*(?:\.\d+)?([sdifeEgGrx%])/g)].map((m) => m[1]) : [];
  // Its label goes on to the next value (`Best (%s): %.3f`: the number is `best`'s). Alone, or after the numbers,
  // it may be a number shown as text (`"Mean accuracy: %s" % scores.mean()`, round 40 P): read as before.
  const numeric = (t: string | undefined): boolean => t !== undefined && t !== 's' && t !== 'r' && t !== '%';
  let carried = '';
  return expressions.flatMap((expression, i) => {
    if ((types[i] === 's' || types[i] === 'r') && types.slice(i + 1).some(numeric)) {
      carried += `${places[i] ?? ''} `;
      return [];
    }
    const before = carried + (places[i] ?? '');
    carried = '';
    return [{ expression, before }];
  });
}

/**
 * The value a print argument formats as text and nothing else: `f"{len(df):,}"` (an f-string of one field) and
 * `format(len(df), ",")` -> `len(df)`; undefined for any other argument.
 */
function formattedValue(argument: string): string | undefined {
  const fString = /^[rR]?[fF][rR]?(["'])(.*)\1$/s.exec(argument.trim());
  if (fString !== null) {
    const text = fString[2] ?? '';
    const fields = fStringFields(text);
    const field = fields[0];
    return fields.length === 1 && field !== undefined && field.before === '' && text.startsWith('{') && text.endsWith('}') && !text.startsWith('{{') ? field.expression : undefined;
  }
  const call = /^format\((.*)\)$/s.exec(argument.trim());
  const args = call === null ? [] : printArguments(call[1] ?? '');
  return args.length === 2 && /^[rRuU]?(["'])[^"']*\1$/.test(args[1] ?? '') ? args[0] : undefined;
}

/**
 * The replacement fields of an f-string's text (`accuracy: {accuracy_score(y, p):.4f}` -> `accuracy_score(y, p)`,
 * after `accuracy: `): the expression without its conversion and format spec. `{{` is no field.
 */
function fStringFields(text: string): { expression: string; before: string; documented?: true }[] {
  const fields: { expression: string; before: string; documented?: true }[] = [];
  let before = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '{' && text[i + 1] === '{') {
      i++;
      continue;
    }
    if (ch !== '{') {
      before += ch;
      continue;
    }
    let depth = 0;
    let end = i + 1;
    for (; end < text.length; end++) {
      const c = text[end] ?? '';
      if ('([{'.includes(c)) depth++;
      else if (')]'.includes(c) || (c === '}' && depth > 0)) depth--;
      else if (depth === 0 && (c === '}' || c === ':' || c === '!')) break;
    }
    // `{cv.mean()=:.4f}` prints the expression's text before its value (round 58 AAA: `value = cv.mean()=` was
    // suggested): the expression without the `=`, which no name can take the place of.
    const field = text.slice(i + 1, end).trim();
    const documented = /(?<![=!<>])=\s*$/.exec(field);
    fields.push(documented === null ? { expression: field, before } : { expression: field.slice(0, documented.index).trim(), before, documented: true });
    const close = text.indexOf('}', end);
    i = close === -1 ? text.length : close;
    before = '';
  }
  return fields;
}

/**
 * The keys of a dict display that are literals but not strings (`{0: 1.0, 1: 3.0}`: `0, 1`), as written; undefined
 * for anything else. pipeline.yaml and --param JSON have string keys only.
 */
function nonStringKeys(valueText: string): string | undefined {
  const text = valueText.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const keys = [...text.slice(1, -1).matchAll(/(?:^|,)\s*(-?\d[\w.]*|True|False|None|\([^()]*\))\s*:/g)].map((m) => m[1] ?? '');
  if (keys.length === 0) return undefined;
  const values = parsePythonLiteral(text.replace(/(^\{|,)\s*(-?\d[\w.]*|True|False|None|\([^()]*\))\s*:/g, (_m, lead: string, key: string) => `${lead}${JSON.stringify(key)}:`));
  return values.ok ? [...new Set(keys)].slice(0, 3).join(', ') : undefined;
}

/** The names an expression's text reads: identifiers outside strings, not after a dot, not keywords or keyword arguments. */
function expressionNames(shown: { readonly text: string; readonly line: number } | undefined): NameSite[] {
  if (shown === undefined) return [];
  // Parsed, so that what a comprehension or lambda binds is its own (round 36 G: `display({f"p_{q}": v for q, v in
  // scores.items()})` took `q` from a step's loop); assigned, so the translation keeps it.
  const prefix = '_nbpromote_shown = (';
  const parsed = analyzeCell(`${prefix}${shown.text}\n)`);
  if (parsed.syntaxErrors.length === 0) return parsed.uses.map((u) => ({ name: u.name, line: shown.line + u.line - 1, column: u.line === 1 ? u.column - prefix.length : u.column }));
  const code = shown.text.replace(/("""|''')[^]*?\1|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, (s) => ' '.repeat(s.length));
  const keywords = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'lambda', 'None', 'True', 'False']);
  return [...code.matchAll(/(?<![.\w])[A-Za-z_]\w*(?!\s*=[^=])/g)].filter((m) => !keywords.has(m[0])).map((m) => ({ name: m[0], line: shown.line, column: (m.index ?? 0) + 1 }));
}

/** What kind of value pickle cannot store `valueText` makes (`(x * x for x in xs)`, `open(path)`), or undefined. */
function unpicklableKind(valueText: string): string | undefined {
  const text = valueText.trim();
  if (/^(?:(?:io|gzip|bz2|lzma|codecs)\.)?open\s*\(/.test(text)) return 'an open file';
  if (/^csv\.(?:reader|DictReader)\s*\(/.test(text)) return 'a csv reader of an open file';
  if (!text.startsWith('(') || !text.endsWith(')')) return undefined;
  // A generator expression: `for` at the outer parentheses' own depth, and no comma there (a tuple).
  let depth = 0;
  let forAtTop = false;
  for (const m of blankedQuotes(text.slice(1, -1)).matchAll(/[()[\]{},]|\bfor\b/g)) {
    const token = m[0];
    if (token === '(' || token === '[' || token === '{') depth++;
    else if (token === ')' || token === ']' || token === '}') depth--;
    else if (depth === 0 && token === ',') return undefined;
    else if (depth === 0 && token === 'for') forAtTop = true;
  }
  return forAtTop ? 'a generator' : undefined;
}

/**
 * Whether `name = <valueText>` binds the name to a view of its old value (`X[:, :2]`, `X.values`, `X.T`,
 * `X.reshape(-1)`, `np.asarray(X)`, `X.astype(t, copy=False)`): memory shared still. A copy or a new value (`X.copy()`, `X.astype(...)`,
 * `X * 2`, `np.array(X)`) is not.
 */
function viewOfItself(name: string, valueText: string): boolean {
  const own = escapeRegExp(name);
  return new RegExp(`^\\s*(?:${own}\\s*(?:\\[|\\.(?:values|T|iloc|loc|at|iat)\\b|\\.(?:reshape|ravel|view|squeeze|transpose|swapaxes)\\s*\\(|\\.to_numpy\\(\\s*\\)|\\.astype\\([^)]*\\bcopy\\s*=\\s*False\\b)|(?:np|numpy)\\.(?:asarray|ravel|reshape|squeeze)\\(\\s*${own}\\b)`).test(valueText);
}

/** A call copying or moving a file: group 1 the call, its first argument the source. */
const TRANSFER = /\b(shutil\.copy(?:file|2)?|shutil\.copytree|shutil\.move|os\.replace|os\.rename)\s*\(/;

/**
 * Whether a line writes the file named at a column (`at`, undefined: any file it names): a line of a writing
 * call writes them all; `shutil.copy(src, dst)` reads its source and writes its destination, and
 * `os.replace(src, dst)`, `os.rename`, `shutil.move` and a path's `.replace(dst)` write both (the source goes)
 * (round 38 L: `os.replace(tmp, final)` was a read of final, and a warning said the copy of it was written).
 */
function lineWrites(line: string): (at: number | undefined) => boolean {
  const transfer = TRANSFER.exec(line);
  if (transfer === null) {
    const writes = WRITES.test(line) || /\bPath\([^)]*\)\s*\.(?:replace|rename)\s*\(/.test(line);
    return () => writes;
  }
  const open = (transfer.index ?? 0) + transfer[0].length;
  const args = line.slice(open);
  // The end of the first argument: the first comma outside strings and brackets.
  let comma = line.length;
  let depth = 0;
  for (const i of codeOffsets(args) ?? []) {
    const ch = args[i] ?? '';
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) {
      comma = open + i;
      break;
    }
  }
  const copies = (transfer[1] ?? '').startsWith('shutil.copy');
  return (at) => at === undefined || at < open || at > comma || !copies;
}

/**
 * The value an assignment's right side names as it is: a name (`cfg = CONFIG`), or an entry by a literal key of a
 * shared or parameter value (`model_cfg = CONFIG["model"]`: the same dict inside it, round 39 N: changed through
 * it, CONFIG went stale after --param). Entries of step values are left to views and holders.
 */
function aliasTarget(valueText: string, kind: (name: string) => Binding['kind'] | undefined): string | undefined {
  const text = valueText.trim();
  if (/^[A-Za-z_]\w*$/.test(text)) return text;
  const entry = /^([A-Za-z_]\w*)\s*\[\s*(["'])[^"'\\]*\2\s*\]$/.exec(text)?.[1];
  return entry !== undefined && (kind(entry) === 'common' || kind(entry) === 'parameter') ? entry : undefined;
}

/** The module of a `from m import *` statement, as the star imports are kept; undefined for another. */
function starModule(statement: string): string | undefined {
  return /^from\s+(\S+)\s+import\s+\*$/.exec(statement)?.[1];
}

/** The builtins `from <module> import *` rebinds, by module (read from each module's `__all__`). */
const STAR_SHADOWED_BUILTINS: Readonly<Record<string, readonly string[]>> = {
  numpy: ['all', 'any', 'divmod', 'sum'],
  pylab: ['all', 'any', 'divmod', 'sum'],
  'matplotlib.pylab': ['all', 'any', 'divmod', 'sum'],
  math: ['pow'],
  os: ['open'],
  pandas: ['eval'],
  re: ['compile'],
};

/** Line magics that define names the analysis cannot see: `%run file.py`, `%store -r x`, `%load file`, `%pylab`, `%macro`. */
const NAME_DEFINING_MAGIC = /^%(?:run\b|store\s+-r\b|load\b|loadpy\b|pylab\b|macro\b|rerun\b|recall\b)/;

/**
 * The names of a cell's last line when it is a bare name or a tuple of names at the top level (`r2`,
 * `acc, bal`, `(acc, bal)`), which Jupyter shows; else none. Trailing blank and comment lines are passed over.
 */
export function trailingNames(source: string): NameSite[] {
  const lines = sourceLines(source);
  let i = lines.length - 1;
  while (i >= 0 && /^\s*(?:#.*)?$/.test(lines[i] ?? '')) i--;
  const text = lines[i] ?? '';
  const names = '[A-Za-z_]\\w*(?:\\s*,\\s*[A-Za-z_]\\w*)*\\s*,?';
  if (i < 0 || (i > 0 && /\\\s*$/.test(lines[i - 1] ?? '')) || !new RegExp(`^(?:\\(\\s*${names}\\s*\\)|${names})\\s*(?:#.*)?$`).test(text)) return [];
  const code = text.replace(/#.*$/, '');
  return [...code.matchAll(/[A-Za-z_]\w*/g)].map((m) => ({ name: m[0], line: i + 1, column: (m.index ?? 0) + 1 }));
}

/** `(a, b)` or `[x, y]`: a tuple or list display, its outer brackets holding a comma at their own depth. */
function isSequenceDisplay(expression: string): boolean {
  const text = expression.trim();
  if (!/^[([]/.test(text) || !/[)\]]$/.test(text)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end === -1) return false;
      i = end;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0 && i < text.length - 1) return false; // `(a)(b)`, `(x + 1) * 2`: the brackets do not hold it all
    } else if (c === ',' && depth === 1) return true;
  }
  return false;
}
