/**
 * What one notebook code cell defines and uses, with Python's scoping rules: the facts the step graph
 * is built from. A cell is treated as a module: its top-level bindings are what it defines; the names it
 * reads from the module (directly, or from inside its functions, lambdas, classes and comprehensions) are
 * what it uses.
 *
 * Decisions:
 * - Uses are listed where they appear. For "used before definition", a read inside a function or lambda
 *   body happens when the function is called, not where it is written: it counts as used before definition
 *   only when the cell never binds that name at top level. So `def a(): return b()` followed by
 *   `def b(): ...` needs nothing from earlier cells; `def f(): return model.predict(X)` with neither bound
 *   in the cell needs both.
 * - `global x` in a function that assigns `x` defines `x` at the function's definition.
 * - Class bodies and comprehensions run at once; class-level names are not visible to methods, nor are
 *   they cell definitions. Default values, decorators, base classes and (evaluated) annotations are read in
 *   the enclosing scope. String annotations are not read.
 * - Builtins are not uses unless the cell binds the name first; reads of builtins and of IPython-only
 *   names (`display`, `get_ipython`) are reported apart, so a builtin rebound in another cell (`id = 3`)
 *   can still make an edge.
 */
import { IPYTHON_NAMES, isBuiltin } from './builtins';
import { translateIPythonMapped, translateIPythonMappedMany } from './ipython';
import type { DisplayCall, MappedTranslation } from './ipython';
import type { ColumnMap, TrailingExpression, Translation } from './ipython';
import { parsePython } from './parser';
import type { PyNode, PyTree } from './parser';

/** A name at a place in the cell: 1-based line and column (UTF-16 code units) of the original cell source. */
export interface NameSite {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  /**
   * A read in a `try:` whose `except NameError:` binds the name (`try: raw` / `except NameError: raw =
   * load()`): the code makes the value itself when nothing defined it before. Also a read after a binding
   * on some paths only (`if USE_LOG: scale = 10.0` then `x * scale`): the earlier cells' value when there is one.
   */
  readonly guarded?: true;
}

/** One name bound by an import, with an import statement that binds only that name. */
export interface ImportBinding {
  /** The bound name: `np` for `import numpy as np`, `os` for `import os.path`. */
  readonly name: string;
  /** Normalised: `import numpy as np`, `import os.path`, `from sklearn.metrics import f1_score`. */
  readonly statement: string;
  /** The top-level module (`sklearn`); for a relative import, the module as written with its dots (`.utils`). */
  readonly module: string;
  readonly line: number;
}

/** `from m import *`: binds names the analysis cannot know. */
export interface StarImport {
  readonly module: string;
  readonly statement: string;
  readonly line: number;
}

/** A top-level `def` or `class` (also inside a top-level `if`/`try`). */
export interface FunctionInfo {
  readonly name: string;
  readonly kind: 'function' | 'class';
  /** The `def`/`class` line (decorators start earlier). */
  readonly line: number;
  /** The first line, decorators included. */
  readonly startLine: number;
  readonly endLine: number;
  /** A statement of its own at the top of the cell (not inside an `if` or `try`). */
  readonly topLevel: boolean;
  /**
   * Module-level names the definition reads, in first-use order, builtins left out: from its body,
   * decorators, default values, base classes and annotations. Follow these to find what a function needs.
   */
  readonly freeNames: readonly string[];
  /**
   * The free names a function reads where its `def` runs (default values, decorators), with `callReads` the
   * ones its body reads when called; a name may be in both. Absent when the definition itself reads none:
   * every free name is then read when called. `def label(p, t=THRESHOLD)` binds the default to THRESHOLD's
   * value then, whatever THRESHOLD is when `label` is called.
   */
  readonly definitionReads?: readonly string[];
  readonly callReads?: readonly string[];
  /**
   * Module-level names its body assigns through `global` (`global calls` then `calls += 1`), first site of
   * each: calling it changes the notebook's variable, which a function moved into a step cannot do.
   */
  readonly globalWrites?: readonly NameSite[];
}

/** A `print(...)` statement of the cell's own scope (metrics cells print their metrics). */
export interface PrintCall {
  readonly line: number;
  readonly column: number;
  /** The source between the parentheses. */
  readonly args: string;
  /** A statement of its own at the top of the cell, not inside a loop, `if` or `with` block. */
  readonly topLevel: boolean;
}

/**
 * A name the cell's own scope binds by assignment (plain, tuple or annotated), `:=` or `with … as`: code that
 * becomes a function body must release the ones nothing reads (pyflakes reports unused locals).
 */
export interface LocalBinding {
  readonly name: string;
  /** Bound by a top-level assignment statement, so always bound once the cell ran; false: may not be. */
  readonly certain: boolean;
}

/** ` as err` of an `except … as err:` whose block never reads `err`: cut, pyflakes reports it (1-based line, 0-based columns of `code`). */
export interface UnusedExceptAlias {
  readonly name: string;
  readonly line: number;
  readonly from: number;
  readonly to: number;
}

export interface CellSyntaxError {
  readonly line: number;
  readonly column: number;
  /** In words, e.g. "invalid syntax near `= 2`". */
  readonly message: string;
}

export interface CellAnalysis {
  /** The cell as plain Python (see `translateIPython`), line for line. */
  readonly code: string;
  readonly translations: readonly Translation[];
  /** Requirements from `%pip install` / `!pip install` ... lines. */
  readonly requirements: readonly string[];
  /** Names bound at top level, every binding site in source order (a name may appear more than once). */
  readonly defines: readonly NameSite[];
  /** Names removed with `del` at top level. */
  readonly deletes: readonly NameSite[];
  /** Module-level names read, every site in source order, builtins and IPython names left out. */
  readonly uses: readonly NameSite[];
  /** The uses inside function and lambda bodies (read when called, not when the cell runs); absent when none. */
  readonly deferredUses?: readonly NameSite[];
  /** The uses the cell does not bind first: what it needs from earlier cells. */
  readonly usedBeforeDefinition: readonly NameSite[];
  /** Reads of Python builtins the cell does not bind first (`len`, `print`, `id` ...). */
  readonly builtinUses: readonly NameSite[];
  /** Reads of names only IPython provides (`display`, `get_ipython`, `In`, `Out`). */
  readonly ipythonUses: readonly NameSite[];
  /**
   * `await`, `async for`, `async with` and async comprehensions outside any function: IPython runs them at
   * the top level of a cell; Python refuses them in the function a step becomes. Absent when there are none.
   */
  readonly topLevelAwaits?: readonly { readonly line: number; readonly column: number }[];
  readonly imports: readonly ImportBinding[];
  readonly starImports: readonly StarImport[];
  /** See {@link LocalBinding}; one entry per name (certain when any binding is). */
  readonly localBindings: readonly LocalBinding[];
  /** Names a function the cell defines declares `global` (so calling it may change them). */
  readonly globalsDeclared: readonly string[];
  /**
   * Names the cell binds at the top level on some paths only (`if USE_LOG: scale = 10.0`, a `for` loop's
   * target, in a loop body): after the cell they may still hold what earlier cells gave them. Absent when none.
   */
  readonly maybeBound?: readonly string[];
  /** Of `maybeBound`, the names bound in a `for` or `while` body (each pass binds them again). Absent when none. */
  readonly loopBound?: readonly string[];
  readonly unusedExceptAliases: readonly UnusedExceptAlias[];
  readonly functions: readonly FunctionInfo[];
  readonly prints: readonly PrintCall[];
  /** The bare expression Jupyter shows at the end of the cell, if any. */
  readonly trailingExpression?: TrailingExpression;
  readonly syntaxErrors: readonly CellSyntaxError[];
}

/**
 * Analyses one code cell: translates its IPython syntax, parses it and works out definitions, uses,
 * imports, functions and prints. Needs the parser loaded (`await initPythonParser()`); never throws on user
 * input (a cell with syntax errors still gives what can be read from its valid statements).
 */
export function analyzeCell(source: string): CellAnalysis {
  return analyzeCellWithTree(source).analysis;
}

/** A cell's analysis plus its parse (of the code before display-only statements were commented out) and the
 * statements the translation removed, for callers that need more from the tree without parsing again. */
export interface CellAnalysisWithTree {
  readonly analysis: CellAnalysis;
  readonly tree: PyTree;
  readonly removedNodes: ReadonlySet<PyNode>;
  /** The `display(...)` statements the translation handled (`MappedTranslation.displayCalls`). */
  readonly displayCalls: readonly DisplayCall[];
  /** A tree offset's place in the cell as the name sites have it (a translated line's columns mapped back). */
  readonly place: (offset: number) => { line: number; column: number };
}

export function analyzeCellWithTree(source: string): CellAnalysisWithTree {
  return analyzeTranslated(translateIPythonMapped(source));
}

/**
 * {@link analyzeCellWithTree} for many cells, parsed together (`parsePythonMany`) a few hundred at a time:
 * the same results, faster. `use` gets each cell's analysis in order; what it does not keep of the tree is
 * freed chunk by chunk.
 */
export function analyzeCellsWithTree<T>(sources: readonly string[], use: (analysis: CellAnalysisWithTree, index: number) => T): T[] {
  const results: T[] = [];
  for (let from = 0; from < sources.length; from += CELLS_PER_PARSE) {
    for (const translation of translateIPythonMappedMany(sources.slice(from, from + CELLS_PER_PARSE))) results.push(use(analyzeTranslated(translation), results.length));
  }
  return results;
}

/** Cells parsed in one call: enough that the cost per call vanishes, few enough that trees are freed as we go. */
const CELLS_PER_PARSE = 256;

/** Longer literal code given to eval/exec is not read for its names. */
const MAX_LITERAL_CODE = 10_000;

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** The statements that may bind names on some paths only (Walker.definitelyBound reads each apart; the others bind on every path). */
const COMPOUND = new Set(['if_statement', 'for_statement', 'while_statement', 'match_statement', 'try_statement', 'with_statement', 'async_with_statement']);

/** The comprehensions and generator expressions under `node`, outermost only. */
function comprehensions(node: PyNode): PyNode[] {
  if (COMPREHENSIONS.has(node.type)) return [node];
  return node.children.flatMap(comprehensions);
}

function analyzeTranslated(translation: MappedTranslation): CellAnalysisWithTree {
  const { tree, columnMaps } = translation;
  const site = (offset: number): { line: number; column: number } => mapPosition(tree, columnMaps, offset);
  const walker = new Walker(tree, translation.removedNodes, site);
  walker.walkModule();
  const result = walker.finish();
  const syntaxErrors = tree.errors.map((e) => ({ line: e.line, column: mapColumn(columnMaps, e.line, e.column - 1) + 1, message: e.message }));
  const base = {
    code: translation.code,
    translations: translation.translations,
    requirements: translation.requirements,
    ...result,
    syntaxErrors,
  };
  const analysis = translation.trailingExpression === undefined ? base : { ...base, trailingExpression: translation.trailingExpression };
  return { analysis, tree, removedNodes: translation.removedNodes, displayCalls: translation.displayCalls, place: site };
}

function mapPosition(tree: PyTree, maps: ReadonlyMap<number, ColumnMap>, offset: number): { line: number; column: number } {
  const { line, column } = tree.position(offset);
  return { line, column: mapColumn(maps, line, column - 1) + 1 };
}

function mapColumn(maps: ReadonlyMap<number, ColumnMap>, line: number, column0: number): number {
  const map = maps.get(line);
  if (map === undefined) return column0;
  if (map.kind === 'fixed') return map.column;
  return column0 >= map.from ? column0 + map.delta : column0;
}

type ScopeKind = 'module' | 'function' | 'class' | 'comprehension' | 'annotation';

class Scope {
  /** Names local to a function, comprehension or annotation scope (static: bound anywhere in it). */
  readonly bound = new Set<string>();
  /** Class scope: the sequence number of each name's first binding (class bodies look names up dynamically). */
  readonly classBinds = new Map<string, number>();
  readonly globals = new Set<string>();
  readonly nonlocals = new Set<string>();
  /** Inside a function or lambda body: runs later, when called. */
  readonly deferred: boolean;

  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | undefined,
  ) {
    this.deferred = kind === 'function' || (parent?.deferred ?? false);
  }
}

interface Read {
  readonly name: string;
  readonly offset: number;
  readonly scope: Scope;
  readonly seq: number;
  readonly guarded?: true;
}

interface ModuleBind {
  readonly name: string;
  readonly offset: number;
  readonly seq: number;
}

interface Definition {
  readonly name: string;
  readonly kind: 'function' | 'class';
  readonly nameOffset: number;
  readonly start: number;
  readonly end: number;
  readonly topLevel: boolean;
}

const MAX_DEPTH = 400;

/** Top-level statements that call nothing of the cell's when they run: a `def` and imports. */
const DECLARATIVE: ReadonlySet<string> = new Set(['function_definition', 'import_statement', 'import_from_statement', 'future_import_statement', 'comment']);

/**
 * The names plain assignments bind in the `except` clauses of a `try` statement that catch a missing name
 * (`NameError`, `UnboundLocalError`, `Exception`, `BaseException`, or a bare `except:`).
 */
function nameErrorBindings(tree: PyTree, node: PyNode): Set<string> {
  const names = new Set<string>();
  for (const clause of node.children.filter((c) => c.type === 'except_clause')) {
    const block = clause.children.find((c) => c.type === 'block');
    const caught = clause.children.filter((c) => c !== block).map((c) => tree.text(c)).join(' ');
    if (caught.trim() !== '' && !/\b(?:NameError|UnboundLocalError|Exception|BaseException)\b/.test(caught)) continue;
    const visit = (n: PyNode): void => {
      if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return;
      if (n.type === 'assignment') {
        const left = n.children.find((c) => c.field === 'left');
        for (const target of left?.type === 'identifier' ? [left] : (left?.children ?? []).filter((c) => c.type === 'identifier')) names.add(tree.text(target));
      }
      for (const child of n.children) visit(child);
    };
    if (block !== undefined) visit(block);
  }
  return names;
}

/** Walks a cell's tree in evaluation order, recording reads and bindings per scope; resolves them at the end. */
class Walker {
  private seq = 0;
  private readonly module = new Scope('module', undefined);
  private readonly reads: Read[] = [];
  /** The names the `except NameError:` clauses of the `try:` blocks being walked bind (see NameSite.guarded). */
  private readonly guards: Set<string>[] = [];
  private readonly binds: ModuleBind[] = [];
  /** The binds of `except … as name` at module level: Python deletes the name when the block ends, so none outlives it. */
  private readonly handlerBinds = new Set<ModuleBind>();
  private readonly deleted: { name: string; offset: number }[] = [];
  private readonly imports: ImportBinding[] = [];
  private readonly starImports: StarImport[] = [];
  private readonly definitions: Definition[] = [];
  private readonly prints: PrintCall[] = [];
  /** Offsets of `await` and `async` forms outside any function (see CellAnalysis.topLevelAwaits). */
  private readonly awaits: number[] = [];
  private depth = 0;
  private readonly topLevel: ReadonlySet<PyNode>;
  /** Set while the targets of an assignment statement of the module scope are bound: how sure the binding is. */
  private assigning: boolean | undefined;
  private readonly localBindings = new Map<string, boolean>();
  /** Names a function (or class body) of the cell declares `global`: it may change them when called. */
  private readonly globalsDeclared = new Set<string>();
  private readonly exceptAliases: { name: string; cutFrom: number; cutTo: number; blockStart: number; blockEnd: number }[] = [];

  constructor(
    private readonly tree: PyTree,
    private readonly removed: ReadonlySet<PyNode>,
    private readonly site: (offset: number) => { line: number; column: number },
  ) {
    this.topLevel = new Set(tree.root.children);
  }

  walkModule(): void {
    for (const statement of this.tree.root.children) this.statement(statement, this.module);
  }

  /** Of `maybe`, the names bound in the body of a loop at the top level (not in a function or class). */
  private loopBound(maybe: ReadonlySet<string>): Pick<CellAnalysis, 'loopBound'> {
    if (maybe.size === 0) return {};
    const bodies: PyNode[] = [];
    const visit = (node: PyNode): void => {
      for (const child of node.children) {
        if (child.type === 'function_definition' || child.type === 'class_definition' || child.type === 'lambda') continue;
        if (child.type === 'for_statement' || child.type === 'while_statement') {
          const body = child.children.find((c) => c.field === 'body');
          if (body !== undefined) bodies.push(body);
        } else if (!COMPOUND.has(child.type) && !child.type.endsWith('clause') && child.type !== 'block' && child.type !== 'decorated_definition') continue;
        visit(child);
      }
    };
    visit(this.tree.root);
    const names = new Set(this.binds.filter((b) => maybe.has(b.name) && bodies.some((body) => b.offset >= body.start && b.offset < body.end)).map((b) => b.name));
    return names.size === 0 ? {} : { loopBound: [...names] };
  }

  /**
   * The names each top-level statement leaves bound whatever path it takes (`before[k]`: those bound before
   * statement k), and `maybe`: the names the cell binds at the top level on some paths only. An `if` binds on
   * every path what each of its branches binds (with an `else`); a `for`, `while` or `match` body may not run
   * (a `for` target counts as bound); a `try` what its body and every handler bind (and its `finally`); a `with`
   * what its body binds on every path. A function's `global` writes count as neither (they bind when it is
   * called). A cell of simple statements only binds everything on every path: nothing to work out.
   */
  private definitelyBound(): { before: { start: number; names: ReadonlySet<string> }[]; maybe: Set<string>; assigned: ModuleBind[] } {
    const functions = this.definitions.filter((d) => d.kind === 'function').map((d) => ({ from: d.nameOffset + 1, to: d.end }));
    const binds = this.binds.filter((b) => !functions.some((f) => b.offset >= f.from && b.offset < f.to));
    const assigned = binds.filter((b) => !this.definitions.some((d) => d.nameOffset === b.offset) && !this.imports.some((i) => i.name === b.name));
    if (!this.tree.source.includes(':=') && this.tree.root.children.every((statement) => !COMPOUND.has(statement.type))) return { before: [], maybe: new Set(), assigned };
    // `[last := f(k) for k in ks]`: a comprehension may run its body no time.
    const loops = this.tree.source.includes(':=') ? comprehensions(this.tree.root) : [];
    const inside = (node: PyNode): string[] => binds.filter((b) => b.offset >= node.start && b.offset < node.end && !loops.some((l) => b.offset > l.start && b.offset < l.end)).map((b) => b.name);
    const field = (node: PyNode, name: string): PyNode | undefined => node.children.find((c) => c.field === name);
    // A clause's statements: its `body` field, or its block (`else:`, `except ...:`, `finally:`).
    const body = (node: PyNode | undefined): PyNode | undefined => (node === undefined ? undefined : (field(node, 'body') ?? node.children.find((c) => c.type === 'block')));
    const block = (node: PyNode | undefined): Set<string> => {
      const names = new Set<string>();
      for (const statement of node?.children ?? []) for (const name of sure(statement)) names.add(name);
      return names;
    };
    const sure = (statement: PyNode): Iterable<string> => {
      switch (statement.type) {
        case 'if_statement': {
          const condition = field(statement, 'condition');
          const branches = [block(field(statement, 'consequence'))];
          let complete = false;
          for (const clause of statement.children.filter((c) => c.field === 'alternative')) {
            if (clause.type === 'else_clause') {
              branches.push(block(body(clause)));
              complete = true;
            } else {
              const test = field(clause, 'condition');
              branches.push(new Set([...(test === undefined ? [] : inside(test)), ...block(field(clause, 'consequence'))]));
            }
          }
          const own = condition === undefined ? [] : inside(condition);
          if (!complete) return own;
          const [first, ...rest] = branches;
          return [...own, ...[...(first ?? [])].filter((name) => rest.every((b) => b.has(name)))];
        }
        // A loop's target counts as bound (round 35 E): a loop that runs no time and leaves the earlier value for
        // a read after it is rare, and taking it would tie every step reusing `i` or `model` to the one before.
        case 'for_statement': {
          const target = field(statement, 'left');
          return target === undefined ? [] : inside(target);
        }
        case 'while_statement':
        case 'match_statement':
          return [];
        // The items' `as` targets, and what the body binds on every path (round 35 E: an `if` in a `with`); not
        // under `suppress(...)`, which may leave the body at any line (round 36 H).
        case 'with_statement':
        case 'async_with_statement': {
          const clause = statement.children.find((c) => c.type === 'with_clause');
          const suppressed = clause !== undefined && /(?:^|[^\w.]|\.)suppress\s*\(/.test(this.tree.text(clause));
          return [...(clause === undefined ? [] : inside(clause)), ...(suppressed ? [] : block(body(statement)))];
        }
        case 'try_statement': {
          // The body (with its `else:`) when nothing raises, or a handler when something does; `finally` always.
          const clause = (type: string): PyNode | undefined => statement.children.find((c) => c.type === type);
          const done = new Set([...block(body(statement)), ...block(body(clause('else_clause')))]);
          const handlers = statement.children.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause').map((c) => block(body(c)));
          return [...[...done].filter((name) => handlers.every((h) => h.has(name))), ...block(body(clause('finally_clause')))];
        }
        default:
          return inside(statement);
      }
    };
    const before: { start: number; names: ReadonlySet<string> }[] = [];
    const bound = new Set<string>();
    for (const statement of this.tree.root.children) {
      before.push({ start: statement.start, names: new Set(bound) });
      for (const name of sure(statement)) bound.add(name);
    }
    return { before, maybe: new Set(binds.map((b) => b.name).filter((name) => !bound.has(name))), assigned };
  }

  /**
   * Whether a module-level read of a name the cell binds on some paths only may find it unbound by the cell:
   * no statement before the read's own leaves it bound, and the read's statement binds it nowhere before.
   */
  private maybeUnbound(read: Read, before: readonly { start: number; names: ReadonlySet<string> }[]): boolean {
    let k = before.length - 1;
    while (k > 0 && (before[k]?.start ?? 0) > read.offset) k--;
    const at = before[k];
    if (at === undefined || at.names.has(read.name)) return false;
    return !this.binds.some((b) => b.name === read.name && b.seq < read.seq && b.offset >= at.start);
  }

  /**
   * `def prep(v): return normalize(v)`, `before = prep(3)`, then `def normalize(x): ...` (round 35 E): the first
   * call reads the normalize defined before the cell. A function's read of a name the cell defines later (a `def`
   * or `class` at the top) may find the earlier value only when code that may call the function runs between:
   * `def main(): helper()` right above `def helper(): ...` reads the cell's own helper.
   */
  private mayRunBeforeRedefinition(read: Read): boolean {
    const statements = this.tree.root.children;
    const from = statements.findIndex((s) => read.offset >= s.start && read.offset < s.end);
    if (from < 0) return false;
    const later = this.definitions.find((d) => d.topLevel && d.name === read.name && d.start >= (statements[from]?.end ?? 0));
    if (later === undefined) return false;
    for (let k = from + 1; k < statements.length; k++) {
      const statement = statements[k];
      if (statement === undefined || statement.start >= later.start) return false;
      if (!DECLARATIVE.has(statement.type) && !(statement.type === 'expression_statement' && statement.children[0]?.type === 'string')) return true;
    }
    return false;
  }

  // ---- results

  finish(): Pick<CellAnalysis, 'defines' | 'deletes' | 'uses' | 'deferredUses' | 'usedBeforeDefinition' | 'builtinUses' | 'ipythonUses' | 'topLevelAwaits' | 'imports' | 'starImports' | 'functions' | 'prints' | 'localBindings' | 'unusedExceptAliases' | 'globalsDeclared' | 'maybeBound' | 'loopBound'> {
    const boundAnywhere = new Set(this.binds.map((b) => b.name));
    const firstBind = new Map<string, number>();
    for (const b of this.binds) if (!firstBind.has(b.name)) firstBind.set(b.name, b.seq);

    const { before, maybe, assigned } = this.definitelyBound();
    // The first assignment of each name at the top level (not a def, class or import, not in a function).
    const assignedAfter = new Map<string, number>();
    for (const b of assigned) if (!assignedAfter.has(b.name)) assignedAfter.set(b.name, b.seq);
    const uses: NameSite[] = [];
    const usedBeforeDefinition: NameSite[] = [];
    const builtinUses: NameSite[] = [];
    const ipythonUses: NameSite[] = [];
    const useOffsets: { name: string; offset: number; deferred: boolean }[] = [];
    const deferredUses: NameSite[] = [];
    for (const read of this.reads) {
      if (!this.resolvesToModule(read)) continue;
      const bindSeq = firstBind.get(read.name);
      const boundBefore = read.scope.deferred ? boundAnywhere.has(read.name) : bindSeq !== undefined && bindSeq < read.seq;
      const at = { name: read.name, ...this.site(read.offset) };
      if (isBuiltin(read.name) && !boundBefore) {
        builtinUses.push(at);
        continue;
      }
      if (IPYTHON_NAMES.has(read.name) && !boundBefore) {
        ipythonUses.push(at);
        continue;
      }
      uses.push(at);
      useOffsets.push({ name: read.name, offset: read.offset, deferred: read.scope.deferred });
      if (read.scope.deferred) deferredUses.push(at);
      if (!boundBefore) usedBeforeDefinition.push(read.guarded === true ? { ...at, guarded: true } : at);
      else if (!read.scope.deferred && maybe.has(read.name) && this.maybeUnbound(read, before)) usedBeforeDefinition.push({ ...at, guarded: true });
      // `def cost(x): return x * rate` above `rate = 0.2`: called before that line, it reads the earlier rate.
      else if (read.scope.deferred && (assignedAfter.get(read.name) ?? -1) > read.seq) usedBeforeDefinition.push({ ...at, guarded: true });
      else if (read.scope.deferred && this.mayRunBeforeRedefinition(read)) usedBeforeDefinition.push({ ...at, guarded: true });
    }

    const functions: FunctionInfo[] = this.definitions.map((d) => {
      const freeNames: string[] = [];
      const definitionReads: string[] = [];
      const callReads: string[] = [];
      for (const use of useOffsets) {
        if (use.offset < d.start || use.offset >= d.end) continue;
        if (!freeNames.includes(use.name)) freeNames.push(use.name);
        const when = use.deferred ? callReads : definitionReads;
        if (!when.includes(use.name)) when.push(use.name);
      }
      const atDefinition = d.kind === 'function' && definitionReads.length > 0 ? { definitionReads, callReads } : {};
      const globalWrites: NameSite[] = [];
      for (const b of this.binds) {
        if (b.offset > d.nameOffset && b.offset < d.end && b.name !== d.name && !globalWrites.some((w) => w.name === b.name)) globalWrites.push({ name: b.name, ...this.site(b.offset) });
      }
      return { name: d.name, kind: d.kind, line: this.site(d.nameOffset).line, startLine: this.tree.position(d.start).line, endLine: this.tree.position(Math.max(d.start, d.end - 1)).line, topLevel: d.topLevel, freeNames, ...atDefinition, ...(globalWrites.length === 0 ? {} : { globalWrites }) };
    });

    const bySite = (a: NameSite, b: NameSite): number => a.line - b.line || a.column - b.column;
    return {
      defines: this.binds.filter((b) => !this.handlerBinds.has(b)).map((b) => ({ name: b.name, ...this.site(b.offset) })).sort(bySite),
      deletes: this.deleted.map((d) => ({ name: d.name, ...this.site(d.offset) })).sort(bySite),
      uses: uses.sort(bySite),
      ...(deferredUses.length === 0 ? {} : { deferredUses: deferredUses.sort(bySite) }),
      usedBeforeDefinition: usedBeforeDefinition.sort(bySite),
      builtinUses: builtinUses.sort(bySite),
      ipythonUses: ipythonUses.sort(bySite),
      ...(this.awaits.length === 0 ? {} : { topLevelAwaits: this.awaits.map((offset) => this.site(offset)) }),
      imports: this.imports,
      starImports: this.starImports,
      functions,
      prints: this.prints,
      localBindings: [...this.localBindings].map(([name, certain]) => ({ name, certain })),
      globalsDeclared: [...this.globalsDeclared].sort(),
      ...(maybe.size === 0 ? {} : { maybeBound: [...maybe] }),
      ...this.loopBound(maybe),
      unusedExceptAliases: this.exceptAliases.flatMap((alias) => {
        if (this.reads.some((r) => r.name === alias.name && r.offset >= alias.blockStart && r.offset < alias.blockEnd)) return [];
        const from = this.tree.position(alias.cutFrom);
        const to = this.tree.position(alias.cutTo);
        return from.line === to.line ? [{ name: alias.name, line: from.line, from: from.column - 1, to: to.column - 1 }] : [];
      }),
    };
  }

  private resolvesToModule(read: Read): boolean {
    let scope: Scope | undefined = read.scope;
    let own = true;
    while (scope !== undefined) {
      if (scope.kind === 'module') return true;
      if (scope.kind === 'class') {
        if (own) {
          if (scope.globals.has(read.name)) return true;
          const bound = scope.classBinds.get(read.name);
          if (bound !== undefined && bound < read.seq) return false;
        }
      } else {
        if (scope.globals.has(read.name)) return true;
        if (scope.nonlocals.has(read.name)) return false;
        if (scope.bound.has(read.name)) return false;
      }
      own = false;
      scope = scope.parent;
    }
    return true;
  }

  // ---- recording

  private read(node: PyNode, scope: Scope): void {
    const name = this.tree.text(node);
    if (name === '') return; // a MISSING identifier
    const guarded = this.guards.some((g) => g.has(name));
    this.reads.push({ name, offset: node.start, scope, seq: this.seq++, ...(guarded ? { guarded: true as const } : {}) });
  }

  private bindName(name: string, offset: number, scope: Scope): void {
    if (name === '') return;
    if (scope.kind === 'module' || scope.globals.has(name)) {
      this.binds.push({ name, offset, seq: this.seq++ });
      return;
    }
    if (scope.kind === 'class') {
      if (!scope.classBinds.has(name)) scope.classBinds.set(name, this.seq);
      this.seq++;
      return;
    }
    if (!scope.nonlocals.has(name)) scope.bound.add(name);
  }

  private bind(node: PyNode, scope: Scope): void {
    this.bindName(this.tree.text(node), node.start, scope);
  }

  // ---- statements

  private statements(block: PyNode | undefined, scope: Scope): void {
    if (block === undefined) return;
    for (const statement of block.children) this.statement(statement, scope);
  }

  private statement(node: PyNode, scope: Scope): void {
    if (this.removed.has(node)) return;
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.children) {
          if (child.type === 'assignment') {
            const outer = this.assigning;
            this.assigning = scope === this.module ? this.topLevel.has(node) : undefined;
            try {
              this.assignment(child, scope);
            } finally {
              this.assigning = outer;
            }
          } else if (child.type === 'augmented_assignment') this.augmented(child, scope);
          else this.expression(child, scope);
        }
        if (scope === this.module) this.notePrint(node);
        return;
      case 'block':
        this.statements(node, scope);
        return;
      case 'decorated_definition': {
        for (const child of node.children) if (child.type === 'decorator') this.expressions(child.children, scope);
        const definition = field(node, 'definition');
        if (definition !== undefined) this.definition(definition, scope, node);
        return;
      }
      case 'function_definition':
      case 'class_definition':
        this.definition(node, scope, node);
        return;
      case 'if_statement':
      case 'elif_clause':
      case 'while_statement':
        for (const child of node.children) {
          if (child.field === 'condition') this.expression(child, scope);
          else this.statement(child, scope);
        }
        return;
      case 'else_clause':
      case 'finally_clause':
        for (const child of node.children) this.statement(child, scope);
        return;
      case 'for_statement':
        this.noteAsync(node, scope);
        this.expressions(fields(node, 'right'), scope);
        this.targets(fields(node, 'left'), scope);
        this.statements(field(node, 'body'), scope);
        for (const child of fields(node, 'alternative')) this.statement(child, scope);
        return;
      case 'try_statement': {
        const guarded = nameErrorBindings(this.tree, node);
        for (const child of node.children) {
          const body = child.type === 'block';
          if (body) this.guards.push(guarded);
          if (body) this.statements(child, scope);
          else this.statement(child, scope);
          if (body) this.guards.pop();
        }
        return;
      }
      case 'except_clause': {
        const block = node.children.find((c) => c.type === 'block');
        node.children.forEach((child, i) => {
          if (child.type === 'block') this.statements(child, scope);
          else if (child.field === 'alias') {
            const count = this.binds.length;
            this.target(child, scope);
            for (const b of this.binds.slice(count)) this.handlerBinds.add(b);
            const before = node.children[i - 1];
            if (child.type === 'identifier' && before !== undefined && block !== undefined) this.noteExceptAlias(child, before.end, block);
          } else if (child.type === 'as_pattern') {
            const count = this.binds.length;
            this.asPattern(child, scope);
            // (Only the alias's: a walrus in the exception's expression binds for good.)
            const from = child.children.find((c) => c.field === 'alias')?.start ?? child.end;
            for (const b of this.binds.slice(count)) if (b.offset >= from) this.handlerBinds.add(b);
            const alias = child.children.find((c) => c.field === 'alias');
            const name = alias?.type === 'as_pattern_target' ? alias.children[0] : alias;
            const value = child.children[0];
            if (name?.type === 'identifier' && alias !== undefined && value !== undefined && value !== alias && block !== undefined) this.noteExceptAlias(name, value.end, block);
          } else this.expression(child, scope);
        });
        return;
      }
      case 'with_statement':
        this.noteAsync(node, scope);
        for (const clause of node.children) {
          if (clause.type === 'with_clause') {
            for (const item of clause.children) {
              for (const value of item.children) {
                if (value.type === 'as_pattern') {
                  const outer = this.assigning;
                  this.assigning = scope === this.module ? false : undefined;
                  try {
                    this.asPattern(value, scope);
                  } finally {
                    this.assigning = outer;
                  }
                } else this.expression(value, scope);
              }
            }
          } else this.statement(clause, scope);
        }
        return;
      case 'match_statement':
        this.expressions(fields(node, 'subject'), scope);
        for (const body of fields(node, 'body')) {
          for (const clause of body.children) {
            if (clause.type !== 'case_clause') continue;
            for (const part of clause.children) {
              if (part.type === 'case_pattern') this.pattern(part, scope);
              else if (part.field === 'guard') this.expressions(part.children, scope);
              else if (part.type === 'block') this.statements(part, scope);
            }
          }
        }
        return;
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        this.importStatement(node, scope);
        return;
      case 'global_statement':
        if (scope.kind !== 'module') {
          for (const name of node.children) {
            scope.globals.add(this.tree.text(name));
            this.globalsDeclared.add(this.tree.text(name));
          }
        }
        return;
      case 'nonlocal_statement':
        if (scope.kind !== 'module') for (const name of node.children) scope.nonlocals.add(this.tree.text(name));
        return;
      case 'delete_statement':
        for (const child of node.children) this.deleteTarget(child, scope);
        return;
      case 'type_alias_statement':
        this.typeAlias(node, scope);
        return;
      default:
        // return, raise, assert, pass, break, continue, print/exec (Python 2), ERROR: read what they hold.
        if (node.type === 'ERROR') this.expression(node, scope);
        else this.expressions(node.children, scope);
    }
  }

  private notePrint(statement: PyNode): void {
    const call = statement.children[0];
    if (statement.children.length !== 1 || call?.type !== 'call') return;
    const fn = field(call, 'function');
    const args = field(call, 'arguments');
    if (fn?.type !== 'identifier' || this.tree.text(fn) !== 'print' || args?.type !== 'argument_list') return;
    const text = this.tree.text(args);
    this.prints.push({ ...this.site(call.start), args: text.slice(1, text.endsWith(')') ? -1 : undefined).trim(), topLevel: this.topLevel.has(statement) });
  }

  private noteLocal(name: string, certain: boolean): void {
    if (name === '' || name === '_') return;
    this.localBindings.set(name, certain || (this.localBindings.get(name) ?? false));
  }

  /** `except E as name:`; `cutFrom` is where ` as name` starts (the end of `E`). */
  private noteExceptAlias(name: PyNode, cutFrom: number, block: PyNode): void {
    this.exceptAliases.push({ name: this.tree.text(name), cutFrom, cutTo: name.end, blockStart: block.start, blockEnd: block.end });
  }

  private assignment(node: PyNode, scope: Scope): void {
    // `a = b = value`: the value first, then the targets left to right.
    const targets: PyNode[] = [];
    let current: PyNode | undefined = node;
    let annotation: PyNode | undefined;
    let value: PyNode | undefined;
    while (current !== undefined) {
      const left = field(current, 'left');
      if (left !== undefined) targets.push(left);
      annotation ??= field(current, 'type');
      const right = field(current, 'right');
      if (right?.type === 'assignment') current = right;
      else {
        value = right;
        current = undefined;
      }
    }
    if (value !== undefined) {
      if (value.type === 'augmented_assignment') this.augmented(value, scope);
      else this.expression(value, scope);
    }
    // Annotations are evaluated at module and class level, not in functions.
    if (annotation !== undefined && (scope.kind === 'module' || scope.kind === 'class')) this.annotation(annotation, scope);
    if (value === undefined) {
      // `x: int` binds nothing, but makes `x` local in a function.
      const only = targets[0];
      if (only?.type === 'identifier' && (scope.kind === 'function' || scope.kind === 'annotation')) scope.bound.add(this.tree.text(only));
      else if (only !== undefined && only.type !== 'identifier') this.target(only, scope);
      return;
    }
    for (const target of targets) this.target(target, scope);
  }

  private augmented(node: PyNode, scope: Scope): void {
    const left = field(node, 'left');
    if (left?.type === 'identifier') this.read(left, scope);
    this.expressions(fields(node, 'right'), scope);
    if (left !== undefined) this.target(left, scope);
  }

  private definition(node: PyNode, scope: Scope, whole: PyNode): void {
    const name = field(node, 'name');
    if (scope === this.module && name !== undefined) {
      this.definitions.push({ name: this.tree.text(name), kind: node.type === 'class_definition' ? 'class' : 'function', nameOffset: name.start, start: whole.start, end: whole.end, topLevel: this.topLevel.has(whole) });
    }
    const typeParams = field(node, 'type_parameters');
    const outer = typeParams === undefined ? scope : this.typeParameterScope(typeParams, scope);
    if (node.type === 'function_definition') {
      const body = new Scope('function', outer);
      const parameters = field(node, 'parameters');
      if (parameters !== undefined) this.parameters(parameters, scope, outer, body);
      const returns = field(node, 'return_type');
      if (returns !== undefined) this.annotation(returns, outer);
      if (name !== undefined) this.bind(name, scope);
      this.statements(field(node, 'body'), body);
      return;
    }
    const bases = field(node, 'superclasses');
    if (bases !== undefined) this.expression(bases, outer);
    const classScope = new Scope('class', outer);
    this.statements(field(node, 'body'), classScope);
    if (name !== undefined) this.bind(name, scope);
  }

  /** PEP 695 `[T, *Ts, **P]`: names local to the definition's annotations and body. */
  private typeParameterScope(typeParams: PyNode, scope: Scope): Scope {
    const annotations = new Scope('annotation', scope);
    const bounds: PyNode[] = [];
    for (const param of typeParams.children) {
      const inner = param.type === 'type' ? param.children[0] : param;
      if (inner === undefined) continue;
      if (inner.type === 'identifier') annotations.bound.add(this.tree.text(inner));
      else if (inner.type === 'splat_type') {
        const id = inner.children.find((c) => c.type === 'identifier');
        if (id !== undefined) annotations.bound.add(this.tree.text(id));
      } else if (inner.type === 'constrained_type') {
        const [first, ...rest] = inner.children;
        const id = first?.type === 'type' ? first.children[0] : first;
        if (id?.type === 'identifier') annotations.bound.add(this.tree.text(id));
        bounds.push(...rest);
      }
    }
    for (const bound of bounds) this.annotation(bound, annotations);
    return annotations;
  }

  /** Defaults are read where the `def` runs; annotations in `annotationScope`; names bind in the body. */
  private parameters(parameters: PyNode, scope: Scope, annotationScope: Scope, body: Scope): void {
    for (const param of parameters.children) {
      switch (param.type) {
        case 'identifier':
          this.bind(param, body);
          break;
        case 'default_parameter':
        case 'typed_default_parameter':
        case 'typed_parameter': {
          for (const part of param.children) {
            if (part.field === 'value') this.expression(part, scope);
            else if (part.field === 'type') this.annotation(part, annotationScope);
          }
          for (const part of param.children) {
            if (part.field === 'name' || (param.type === 'typed_parameter' && part.field === undefined)) this.target(part, body);
          }
          break;
        }
        case 'list_splat_pattern':
        case 'dictionary_splat_pattern':
        case 'tuple_pattern':
          this.target(param, body);
          break;
        default:
          break;
      }
    }
  }

  private typeAlias(node: PyNode, scope: Scope): void {
    const left = field(node, 'left');
    const inner = left?.type === 'type' ? left.children[0] : left;
    const lazy = new Scope('function', scope);
    let name: PyNode | undefined;
    if (inner?.type === 'identifier') name = inner;
    else if (inner?.type === 'generic_type') {
      name = inner.children.find((c) => c.type === 'identifier');
      for (const params of inner.children) {
        if (params.type !== 'type_parameter') continue;
        for (const p of params.children) {
          const id = p.type === 'type' ? p.children[0] : p;
          if (id?.type === 'identifier') lazy.bound.add(this.tree.text(id));
        }
      }
    }
    if (name !== undefined) this.bind(name, scope);
    const right = field(node, 'right');
    if (right !== undefined) this.annotation(right, lazy);
  }

  private importStatement(node: PyNode, scope: Scope): void {
    const atModule = scope === this.module;
    const line = this.site(node.start).line;
    if (node.type === 'import_statement') {
      for (const item of fields(node, 'name')) {
        const dotted = item.type === 'aliased_import' ? field(item, 'name') : item;
        const alias = item.type === 'aliased_import' ? field(item, 'alias') : undefined;
        if (dotted === undefined) continue;
        const path = compact(this.tree.text(dotted));
        const top = dotted.children[0];
        const bound = alias ?? top;
        if (bound === undefined) continue;
        this.bind(bound, scope);
        if (atModule) {
          const name = this.tree.text(bound);
          this.imports.push({ name, statement: alias === undefined ? `import ${path}` : `import ${path} as ${name}`, module: path.split('.')[0] ?? path, line: this.site(bound.start).line });
        }
      }
      return;
    }
    const moduleNode = node.type === 'future_import_statement' ? undefined : field(node, 'module_name');
    const module = node.type === 'future_import_statement' ? '__future__' : compact(moduleNode === undefined ? '' : this.tree.text(moduleNode));
    const topModule = module.startsWith('.') ? module : (module.split('.')[0] ?? module);
    if (node.children.some((c) => c.type === 'wildcard_import')) {
      if (atModule) this.starImports.push({ module, statement: `from ${module} import *`, line });
      return;
    }
    for (const item of fields(node, 'name')) {
      if (this.removed.has(item)) continue;
      const original = item.type === 'aliased_import' ? field(item, 'name') : item;
      const alias = item.type === 'aliased_import' ? field(item, 'alias') : undefined;
      if (original === undefined) continue;
      const imported = compact(this.tree.text(original));
      const boundNode = alias ?? original;
      const name = alias === undefined ? imported : this.tree.text(alias);
      // `from __future__ import annotations` is a compiler directive: no code reads the name it binds, and
      // treating it as a definition would export it from the shared module (`__all__ = ["annotations"]`).
      if (module !== '__future__') this.bindName(name, boundNode.start, scope);
      if (atModule) {
        this.imports.push({ name, statement: alias === undefined ? `from ${module} import ${imported}` : `from ${module} import ${imported} as ${name}`, module: topModule, line: this.site(boundNode.start).line });
      }
    }
  }

  private deleteTarget(node: PyNode, scope: Scope): void {
    switch (node.type) {
      case 'identifier': {
        const name = this.tree.text(node);
        if (scope.kind === 'module' || scope.globals.has(name)) {
          // `del df` of a name the cell did not bind first needs the value, as a read does (an earlier cell's).
          this.expression(node, scope);
          this.deleted.push({ name, offset: node.start });
        }
        else if (scope.kind !== 'class' && !scope.nonlocals.has(name)) scope.bound.add(name);
        return;
      }
      case 'expression_list':
      case 'tuple':
      case 'list':
      case 'parenthesized_expression':
        for (const child of node.children) this.deleteTarget(child, scope);
        return;
      default:
        this.expression(node, scope);
    }
  }

  // ---- targets and patterns

  private targets(nodes: readonly PyNode[], scope: Scope): void {
    for (const node of nodes) this.target(node, scope);
  }

  /** A binding target: names bind; attributes and subscripts read their parts. */
  private target(node: PyNode, scope: Scope): void {
    switch (node.type) {
      case 'identifier':
        this.bind(node, scope);
        if (this.assigning !== undefined && scope === this.module) this.noteLocal(this.tree.text(node), this.assigning);
        return;
      case 'tuple':
      case 'list':
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'expression_list':
      case 'parenthesized_expression':
      case 'list_splat':
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
      case 'as_pattern_target':
        for (const child of node.children) this.target(child, scope);
        return;
      case 'attribute':
        this.expressions(fields(node, 'object'), scope);
        return;
      case 'subscript':
        this.expressions(node.children, scope);
        return;
      default:
        this.expression(node, scope);
    }
  }

  /** `expr as target` in `with` and `except`. */
  private asPattern(node: PyNode, scope: Scope): void {
    for (const child of node.children) {
      if (child.field === 'alias') this.target(child, scope);
      else this.expression(child, scope);
    }
  }

  /** A `case` pattern: capture names bind; dotted names and class names are read. */
  private pattern(node: PyNode, scope: Scope): void {
    switch (node.type) {
      case 'dotted_name': {
        const parts = node.children;
        const first = parts[0];
        if (first === undefined) return;
        if (parts.length === 1) {
          if (this.tree.text(first) !== '_') this.bind(first, scope);
        } else this.read(first, scope);
        return;
      }
      case 'class_pattern': {
        const [cls, ...rest] = node.children;
        if (cls?.type === 'dotted_name' && cls.children[0] !== undefined) this.read(cls.children[0], scope);
        for (const child of rest) this.pattern(child, scope);
        return;
      }
      case 'keyword_pattern':
        for (const child of node.children.slice(1)) this.pattern(child, scope);
        return;
      case 'as_pattern':
        for (const child of node.children) {
          if (child.type === 'identifier') this.bind(child, scope);
          else this.pattern(child, scope);
        }
        return;
      case 'splat_pattern':
        for (const child of node.children) if (child.type === 'identifier' && this.tree.text(child) !== '_') this.bind(child, scope);
        return;
      case 'dict_pattern':
        for (const child of node.children) {
          if (child.field === 'key') {
            if (child.type === 'dotted_name' && child.children[0] !== undefined) this.read(child.children[0], scope);
          } else this.pattern(child, scope);
        }
        return;
      case 'case_pattern':
      case 'list_pattern':
      case 'tuple_pattern':
      case 'union_pattern':
        for (const child of node.children) this.pattern(child, scope);
        return;
      case 'identifier':
        this.bind(node, scope);
        return;
      default:
        // literals: nothing to read or bind
        return;
    }
  }

  // ---- expressions

  private expressions(nodes: readonly PyNode[], scope: Scope): void {
    for (const node of nodes) this.expression(node, scope);
  }

  private expression(node: PyNode, scope: Scope): void {
    if (this.depth > MAX_DEPTH) {
      this.flatReads(node, scope);
      return;
    }
    this.depth++;
    try {
      this.expressionAt(node, scope);
    } finally {
      this.depth--;
    }
  }

  private expressionAt(node: PyNode, scope: Scope): void {
    switch (node.type) {
      case 'identifier':
        // `display` in `display(df.sample(5))`, which the translation dropped (what it showed still runs).
        if (!this.removed.has(node)) this.read(node, scope);
        return;
      case 'attribute':
        this.expressions(fields(node, 'object'), scope);
        return;
      case 'keyword_argument':
        this.expressions(fields(node, 'value'), scope);
        return;
      case 'lambda':
        this.lambda(node, scope);
        return;
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
      case 'dictionary_comprehension':
        this.comprehension(node, scope);
        return;
      case 'named_expression': {
        this.expressions(fields(node, 'value'), scope);
        const name = field(node, 'name');
        let target = scope;
        while (target.kind === 'comprehension' && target.parent !== undefined) target = target.parent;
        if (name !== undefined) {
          this.bind(name, target);
          if (target === this.module) this.noteLocal(this.tree.text(name), false);
        }
        return;
      }
      case 'type':
        this.annotation(node, scope);
        return;
      case 'call':
        this.atReferences(node, scope);
        for (const child of node.children) this.expression(child, scope);
        return;
      case 'assignment':
        // Only inside ERROR recovery; statements handle real assignments.
        this.assignment(node, scope);
        return;
      case 'as_pattern':
        this.asPattern(node, scope);
        return;
      case 'conditional_expression': {
        // `a if b else c` evaluates b first: a walrus there binds before a reads it (round 50 II:
        // `m.group(1) if (m := re.search(p, s)) else None` was "uses m before this cell defines it").
        const parts = node.children.filter((c) => c.type !== 'comment');
        const order = parts.length === 3 ? [parts[1], parts[0], parts[2]] : parts;
        for (const child of order) if (child !== undefined) this.expression(child, scope);
        return;
      }
      case 'await':
        if (!scope.deferred) this.awaits.push(node.start);
        for (const child of node.children) this.expression(child, scope);
        return;
      case 'ERROR':
        // Broken code: `name =` is most likely a target, not a read.
        for (const child of node.children) {
          if (child.type === 'identifier' && /^[ \t]*=(?!=)/.test(this.tree.source.slice(child.end, child.end + 40))) continue;
          this.expression(child, scope);
        }
        return;
      default:
        for (const child of node.children) this.expression(child, scope);
    }
  }

  /**
   * pandas' `df.query("a > @limit")` and `df.eval("@k * a")` read `limit` and `k` from where they are called:
   * names in the string after `@` are reads, at the string.
   */
  private atReferences(call: PyNode, scope: Scope): void {
    const fn = field(call, 'function');
    if (fn?.type === 'identifier' && (this.tree.text(fn) === 'eval' || this.tree.text(fn) === 'exec')) {
      this.literalCodeReads(call, scope);
      return;
    }
    const method = fn?.type === 'attribute' ? field(fn, 'attribute') : undefined;
    if (method === undefined || !['query', 'eval'].includes(this.tree.text(method))) return;
    const first = field(call, 'arguments')?.children.find((a) => a.type === 'string' || a.type === 'concatenated_string');
    if (first === undefined) return;
    for (const m of this.tree.text(first).matchAll(/@([A-Za-z_]\w*)/g)) {
      if (m[1] !== undefined) this.reads.push({ name: m[1], offset: first.start + (m.index ?? 0) + 1, scope, seq: this.seq++ });
    }
  }

  /**
   * `eval("stats.loc['mean']")`, `exec("print(total)")` with the code a plain string literal: the names it reads
   * before binding them are read here, at the call (round 51 KK: a step's eval read a value of an earlier step,
   * which that step deleted as unused, and the run failed). Only a one-part literal without escapes, whose text
   * is the code; its reads are placed in the literal.
   */
  private literalCodeReads(call: PyNode, scope: Scope): void {
    const first = field(call, 'arguments')?.children.find((a) => a.type !== 'comment');
    if (first?.type !== 'string') return;
    const text = this.tree.text(first);
    const quote = /^(?:[rRuU])?("""|'''|"|')/.exec(text);
    if (quote === null || text.includes('\\')) return;
    const opening = (quote[0] ?? '').length;
    const code = text.slice(opening, text.length - (quote[1] ?? '').length);
    if (code.trim() === '' || code.length > MAX_LITERAL_CODE) return;
    const inner = parsePython(code);
    if (inner.errors.length > 0) return;
    const walker = new Walker(inner, new Set(), (offset) => ({ line: 0, column: offset }));
    walker.walkModule();
    for (const use of walker.finish().usedBeforeDefinition) this.reads.push({ name: use.name, offset: first.start + opening + use.column, scope, seq: this.seq++ });
  }

  /** Reads every identifier under `node` without recursion (for absurdly deep expressions). */
  private flatReads(node: PyNode, scope: Scope): void {
    const stack: PyNode[] = [node];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      if (n.type === 'identifier') {
        this.read(n, scope);
        continue;
      }
      for (const child of n.children) {
        if ((n.type === 'attribute' && child.field === 'attribute') || (n.type === 'keyword_argument' && child.field === 'name')) continue;
        stack.push(child);
      }
    }
  }

  /** An annotation: read unless it is a string (a forward reference). */
  private annotation(node: PyNode, scope: Scope): void {
    const inner = node.type === 'type' ? node.children[0] : node;
    if (inner === undefined || inner.type === 'string' || inner.type === 'concatenated_string') return;
    switch (inner.type) {
      case 'generic_type':
      case 'union_type':
      case 'constrained_type':
      case 'type_parameter':
        for (const child of inner.children) {
          if (child.type === 'identifier') this.read(child, scope);
          else this.annotation(child, scope);
        }
        return;
      case 'member_type': {
        const first = inner.children[0];
        if (first?.type === 'identifier') this.read(first, scope);
        else if (first !== undefined) this.annotation(first, scope);
        return;
      }
      case 'splat_type':
        for (const child of inner.children) if (child.type === 'identifier') this.read(child, scope);
        return;
      case 'type':
        this.annotation(inner, scope);
        return;
      default:
        this.expression(inner, scope);
    }
  }

  private lambda(node: PyNode, scope: Scope): void {
    const body = new Scope('function', scope);
    const parameters = field(node, 'parameters');
    if (parameters !== undefined) this.parameters(parameters, scope, scope, body);
    this.expressions(fields(node, 'body'), body);
  }

  /** `async for`, `async with`, `async for` in a comprehension: noted when outside any function. */
  private noteAsync(node: PyNode, scope: Scope): void {
    if (!scope.deferred && this.tree.source.startsWith('async', node.start)) this.awaits.push(node.start);
  }

  /** The first iterable is read in the enclosing scope; the rest, the conditions and the element inside. */
  private comprehension(node: PyNode, scope: Scope): void {
    const inner = new Scope('comprehension', scope);
    let first = true;
    for (const clause of node.children) {
      if (clause.type === 'for_in_clause') {
        this.noteAsync(clause, scope);
        this.expressions(fields(clause, 'right'), first ? scope : inner);
        this.targets(fields(clause, 'left'), inner);
        first = false;
      } else if (clause.type === 'if_clause') {
        this.expressions(clause.children, inner);
      }
    }
    for (const body of fields(node, 'body')) this.expression(body, inner);
  }
}

function field(node: PyNode, name: string): PyNode | undefined {
  return node.children.find((c) => c.field === name);
}

function fields(node: PyNode, name: string): PyNode[] {
  return node.children.filter((c) => c.field === name);
}

/** `sklearn . metrics` → `sklearn.metrics` (whitespace inside dotted names is legal Python). */
function compact(text: string): string {
  return text.replace(/\s+/g, '');
}
