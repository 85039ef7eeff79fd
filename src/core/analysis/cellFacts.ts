/**
 * One code cell, analysed for the step graph and for generation: the name facts of `analyzeCell` plus what
 * generation needs from the tree (the lines of top-level imports, simple assignments for parameters, values
 * changed in place).
 */
import { bareNames, interpolatedNames, printArguments, printedName, roundedNumber } from './expectedMetrics';
import type { CellFacts, NameSite, TopStatement, FrameSelection } from './graph';
import type { GeneratedCell } from '../scaffold/plan';
import { NOTEBOOK_FILE_NAME } from '../scaffold/pythonText';
import { parsePythonLiteral } from './literal';
import { isBuiltin } from './python/builtins';
import { analyzeCellsWithTree, analyzeCellWithTree } from './python/names';
import type { CellAnalysis, CellAnalysisWithTree } from './python/names';
import { enclosingHeaders, shapeLines } from './python/lexical';
import type { DisplayCall } from './python/ipython';
import type { PyNode, PyTree } from './python/parser';
import { parameterName } from './python/parser';
import { GENERATOR_MAKERS } from './randomness';

/** Methods that change their object in place (scikit-learn estimators, lists, dicts, sets). */
const MUTATING_METHODS = new Set([
  'fit', 'partial_fit', 'fit_transform', 'set_params', 'set_output',
  'append', 'extend', 'insert', 'remove', 'pop', 'popitem', 'clear', 'update', 'setdefault', 'sort', 'reverse', 'add', 'discard',
  'appendleft', 'extendleft', 'popleft', 'rotate', 'fill', 'resize', 'put', 'itemset', 'setflags',
  '__setitem__', '__delitem__', '__setattr__', '__delattr__', '__iadd__', '__isub__', '__imul__', '__itruediv__',
]);

/** Builtins that change their first argument (`setattr(model, "alpha", 0.1)`). */
const ARGUMENT_CHANGING_BUILTINS = new Set(['setattr', 'delattr']);

/** Methods that change their first argument in place, whatever they are called on (`rng.shuffle(rows)`). */
const ARGUMENT_CHANGING_METHODS = new Set(['shuffle']);

/** Methods of a random generator (NumPy's Generator and RandomState, Python's Random) that draw from it. */
const GENERATOR_DRAWS = 'normal|standard_normal|integers|random|random_sample|uniform|choice|choices|permutation|permuted|shuffle|binomial|poisson|exponential|gamma|beta|lognormal|laplace|logistic|geometric|multinomial|multivariate_normal|dirichlet|triangular|weibull|rand|randn|randint|randrange|gauss|bytes';

/**
 * NumPy functions that write into their first argument (`np.copyto(X, K)`, `np.fill_diagonal(m, 0)`: round 36 H);
 * `np.nan_to_num(x, copy=False)` with `copy=False` only.
 */
const NUMPY_ARGUMENT_CHANGING = new Set(['copyto', 'put', 'place', 'putmask', 'fill_diagonal', 'put_along_axis']);

/**
 * Functions returning a container of their arguments (`make_pipeline(scaler, clf)` holds clf itself): besides
 * these, a call of a CamelCase name is taken as a constructor that may keep its arguments (`Pipeline(...)`).
 */
const CONTAINER_MAKERS = new Set(['make_pipeline', 'make_union', 'make_column_transformer', 'list', 'dict', 'tuple', 'set']);

/** Keyword arguments of a constructor that hold a model or other objects it keeps (`estimator=clf`). */
const KEPT_KEYWORDS = /^(?:estimators?|base_estimator|final_estimator|steps|transformers|transformer_list|regressor|classifier|model|models|transformer)$/;

/** Attributes and methods giving an array or frame that may share memory with its object (`X.T`, `X.reshape(-1)`). */
const VIEW_ATTRIBUTES = new Set(['T', 'values']);
const VIEW_METHODS = new Set(['view', 'reshape', 'ravel', 'transpose', 'squeeze']);

const SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);
const IMPORTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

export interface AnalysedCell {
  readonly analysis: CellAnalysis;
  readonly facts: CellFacts;
  readonly generated: GeneratedCell;
  /** The code the tree was parsed from: what CellFacts.topStatements' offsets index (see keepStatements). */
  readonly parsed: string;
}

/** Needs the parser loaded (`await initPythonParser()`). Never throws on user input. */
export function analyseCodeCell(source: string): AnalysedCell {
  return factsOf(analyzeCellWithTree(source), classMethodNames([source]));
}

/** {@link analyseCodeCell} for many cells, parsed together: the same results, faster. */
export function analyseCodeCells(sources: readonly string[]): AnalysedCell[] {
  const methods = classMethodNames(sources);
  return analyzeCellsWithTree(sources, (cell) => factsOf(cell, methods));
}

/**
 * The names of the methods the notebook's classes define (`def log(self, ...)`, and classmethods' `def
 * configure(cls, ...)`): only calls of those are recorded as calls that may change their object, or class (most
 * notebooks define none, and record nothing). (A classmethod called on a subclass changes the subclass: round 73
 * EFE, `Sub.configure(level=p)` was not seen.)
 */
function classMethodNames(sources: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const source of sources) {
    if (!source.includes('self') && !source.includes('cls')) continue;
    for (const m of source.matchAll(/^[ \t]+(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\([ \t]*(?:self|cls)\b/gm)) if (m[1] !== undefined) names.add(m[1]);
  }
  return names;
}

function factsOf({ analysis, tree, removedNodes, displayCalls, place }: CellAnalysisWithTree, methods: ReadonlySet<string>): AnalysedCell {
  const importLines = new Set<number>();
  // Import statements sharing their line with other code (`import os; os.environ["A"] = "1"`, what `%env`
  // becomes): only the statement is cut from that line, not the line.
  const kept = tree.root.children.filter((node) => !removedNodes.has(node) && node.type !== 'comment');
  const dropLines = new Set<number>();
  const importCuts: { line: number; from: number; to: number }[] = [];
  const assignments: { name: string; valueText: string; line: number; annotation?: string }[] = [];
  const unpackedAliases: { name: string; target: string; line: number }[] = [];
  const mutates: NameSite[] = [];
  // `pipe = make_pipeline(scaler, clf)`: pipe holds clf; `X_train = X[:450]`: X_train may share X's memory.
  const contains: { name: string; parts: string[]; line: number }[] = [];
  // `oneWay`: a pandas selection whose changes reach its frame, not the other way (see frameBase).
  const views: { name: string; base: string; line: number; oneWay?: FrameSelection }[] = [];
  // `clean = raw` then `clean.dropna(inplace=True)`: both names are one value, so raw changes too.
  const aliases = new Map<string, string>();
  let statements = 0;
  const changesArguments: { name: string; positions: number[]; keywords: string[]; globals: string[] }[] = [];
  // Classes whose methods change the class's own state (`Counter.n += 1` in `__init__`, `self.seen.append(v)` on a
  // class list, a classmethod changing `cls`): a step defining one keeps it inside (round 50 HH).
  const statefulClasses = new Set<string>();
  const calls: CallSite[] = [];
  // `to_cm = lambda x: x * 2.54` on a line of its own: the same function as a def, which a step can hoist.
  const lambdas: { name: string; line: number; asDef: string }[] = [];
  // Names methods are called on, each at its first call (a draw from a generator changes it).
  const receivers = new Map<string, NameSite>();
  const records: CallRecords = { calls, receivers, methods };
  const spans: { start: number; end: number; from: { line: number; column: number }; to: { line: number; column: number }; assigns?: string; changes: NameSite[] }[] = [];
  for (const statement of tree.root.children) {
    if (removedNodes.has(statement) || statement.type === 'comment') continue;
    if (IMPORTS.has(statement.type)) {
      const { line } = tree.position(statement.start);
      const end = tree.position(Math.max(statement.start, statement.end - 1)).line;
      for (let l = line; l <= end; l++) importLines.add(l);
      const cut = sharesLine(tree, kept, statement) && line === end ? importCut(tree.source, statement.start, statement.end) : undefined;
      if (cut !== undefined) importCuts.push({ line, ...cut });
      else for (let l = line; l <= end; l++) dropLines.add(l);
      continue;
    }
    const assignment = statement.type === 'expression_statement' && statement.children[0]?.type === 'assignment' ? statement.children[0] : undefined;
    const left = assignment?.children.find((c) => c.field === 'left');
    const right = assignment?.children.find((c) => c.field === 'right');
    if (left !== undefined && right !== undefined) {
      const line = tree.position(left.start).line;
      const parts = left.type === 'identifier' ? containedNames(tree, right, true) : [];
      if (parts.length > 0) contains.push({ name: tree.text(left), parts, line });
      for (const [target, value] of assignedPairs(left, right)) {
        // `grid, seed = GRID, SEED`: each target another name for its value (round 40 P), as `grid = GRID` is.
        if (left.type !== 'identifier' && target.type === 'identifier' && value.type === 'identifier') unpackedAliases.push({ name: tree.text(target), target: tree.text(value), line });
        const base = target.type === 'identifier' ? viewBase(tree, value) : undefined;
        if (base !== undefined && base !== tree.text(target)) views.push({ name: tree.text(target), base, line });
        const frame = base === undefined && target.type === 'identifier' ? frameBase(tree, value) : undefined;
        if (frame !== undefined && frame.base !== tree.text(target)) views.push({ name: tree.text(target), base: frame.base, line, oneWay: frame.kind });
      }
    }
    if (left?.type === 'identifier' && right !== undefined) {
      // `scale: float = 2`: the annotation says the type the literal does not.
      const annotation = assignment?.children.find((c) => c.field === 'type');
      assignments.push({ name: tree.text(left), valueText: tree.text(right), line: tree.position(left.start).line, ...(annotation === undefined ? {} : { annotation: tree.text(annotation) }) });
      const lambda = right.type === 'lambda' && !sharesLine(tree, kept, statement) ? lambdaAsDef(tree, statement, tree.text(left), right) : undefined;
      if (lambda !== undefined) lambdas.push(lambda);
    } else if (left !== undefined && right !== undefined) {
      const line = tree.position(left.start).line;
      for (const [target, value] of literalPairs(tree, left, right)) assignments.push({ name: tree.text(target), valueText: tree.text(value), line });
    }
    statements++;
    const fn = statement.type === 'decorated_definition' ? statement.children.find((c) => c.field === 'definition') : statement;
    if (fn?.type === 'function_definition') {
      const changes = argumentsChanged(tree, fn);
      // `def log(x, history=[])` appending to `history`: the default is the function's own state, kept from
      // call to call (and step to step), as a global it changes would be. Not a memo (`def fib(n, memo={})`
      // storing `memo[n] = ...` or using setdefault), which gives the same results whatever it holds (copying a
      // large one at every step would cost more than it saves); a history or a `seen.add(k)` does change what
      // later calls give.
      const body = tree.text(fn.children.find((c) => c.field === 'body') ?? fn);
      const grows = (p: string): boolean => new RegExp(String.raw`\b${p}\s*(?:\.\s*(?:${GROWING_METHODS})\s*\(|[-+*|&^]=)`).test(body);
      const ownDefaults = changes === undefined ? [] : mutableDefaults(tree, fn).filter((p) => changes.keywords.includes(p) && grows(p));
      if (changes !== undefined) changesArguments.push(ownDefaults.length === 0 ? changes : { ...changes, globals: [...changes.globals, changes.name] });
    }
    // A notebook class's methods that change `self` (`self.history.append(x)`): calling one changes the object.
    // A classmethod changing `cls` (`cls.models.append(name)`) changes the class itself: shared state, as a
    // function changing `Registry.models` is.
    if (fn?.type === 'class_definition') {
      const className = fn.children.find((c) => c.field === 'name');
      const members = fn.children.find((c) => c.field === 'body')?.children ?? [];
      // Class attributes no method binds on the instance (`self.items = []` makes each instance its own).
      const classText = tree.text(fn);
      // A dataclass's (attrs', pydantic's) annotated attributes are each instance's own fields (round 35 F: `rows:
      // list = field(default_factory=list)` with `self.rows.append(...)` changes the instance, not the class).
      const fieldsPerInstance = statement.type === 'decorated_definition' ? /@\s*(?:[\w.]*\.)?(?:dataclass|define|frozen|mutable|attrs|s)\b/.test(tree.text(statement).slice(0, fn.start - statement.start)) : /\bBaseModel\b/.test(tree.text(fn.children.find((c) => c.field === 'superclasses') ?? fn).slice(0, 200));
      const classData = classAttributes(tree, members, fieldsPerInstance).filter((name) => !new RegExp(String.raw`\bself\.${name}\s*(?::[^=\n]*)?=(?!=)`).test(classText));
      const own = className === undefined ? undefined : tree.text(className);
      for (const member of members) {
        const method = member.type === 'decorated_definition' ? member.children.find((c) => c.field === 'definition') : member;
        if (method?.type !== 'function_definition') continue;
        const ofClass = member.type === 'decorated_definition' && member.children.some((c) => c.type === 'decorator' && /^@\s*classmethod\s*$/.test(tree.text(c)));
        // An instance method reaching the class (`self.registry.append(name)` on a list the class body binds,
        // `type(self).created += 1`, `self.__class__.x = ...`) changes it as a classmethod changing `cls` does.
        const throughSelf = !ofClass && changesClassThroughSelf(tree.text(method), classData);
        const changes = argumentsChanged(tree, method);
        // A method changing the class by its name (`Model.instances += 1` in `__init__`, round 71 ABA: a cached step
        // left the count at the class's start) changes it as a classmethod changing `cls` does.
        const byName = own !== undefined && changes?.globals.includes(own) === true;
        if (own !== undefined && (throughSelf || (ofClass && changes?.positions.includes(0) === true) || byName)) statefulClasses.add(own);
        const changesReceiver = changes?.positions.includes(0) === true || throughSelf;
        // Other module-level names it changes (`Stats.seen += len(x)`, `COUNTS["fit"] += 1`, `Base.created += 1`
        // in a subclass), as a function changing them does (round 72 BCB: only its own class was tracked).
        const others = (changes?.globals ?? []).filter((n) => n !== own);
        if (!changesReceiver && !byName && others.length === 0) continue;
        const name = changes?.name ?? tree.text(method.children.find((c) => c.field === 'name') ?? method);
        changesArguments.push({ name: `.${name}`, positions: changesReceiver ? [0] : [], keywords: [], globals: [...((ofClass || throughSelf || byName) && own !== undefined ? [own] : []), ...others] });
      }
    }
    const changed: NameSite[] = [];
    collectMutations(tree, statement, changed, records);
    // In the places the name sites have (round 60 EEE: a translated line's sites are at its start, and
    // `os.makedirs(f"{out}/x")` after `import os;` read nothing, so a parameters cell's `!mkdir -p {out}/x` went
    // into the shared module without `out`).
    spans.push({ start: statement.start, end: statement.end, from: place(statement.start), to: place(Math.max(statement.start, statement.end - 1)), ...(left?.type === 'identifier' ? { assigns: tree.text(left) } : {}), changes: changed });
    // `for d in (train, test): d["x"] = ...`, `for name, m in models.items(): m.fit(...)`: a change to the
    // loop's variable is a change to what it iterates over.
    const loops = loopSources(tree, statement);
    for (const site of [...changed]) for (const source of loops.get(site.name) ?? []) changed.push({ ...site, name: source });
    for (const site of changed) {
      mutates.push(site);
      const seen = new Set([site.name]);
      for (let target = aliases.get(site.name); target !== undefined && !seen.has(target); target = aliases.get(target)) {
        seen.add(target);
        mutates.push({ ...site, name: target });
      }
    }
    if (left !== undefined) {
      // Each name bound here stands for what it is given from now on: another name's value (`cfg = CFG`,
      // `cfg, k = CFG, K`: a change through cfg below changes CFG), or a value of its own (`cfg, k = load()`).
      const bound = left.type === 'identifier' ? [left] : left.children.filter((c) => c.type === 'identifier');
      for (const target of bound) aliases.delete(tree.text(target));
      for (const [target, value] of right === undefined ? [] : assignedPairs(left, right)) {
        if (target.type === 'identifier' && value.type === 'identifier') aliases.set(tree.text(target), tree.text(value));
      }
    }
  }
  // Every line of a top-level import statement: a name may stand on a continuation line (`from m import (\n a,\n b)`).
  const imports = analysis.imports.filter((i) => importLines.has(i.line) && i.module !== '__future__');
  const externalUses = analysis.usedBeforeDefinition;
  const displayed = displayedValues(tree, displayCalls);
  const deletions = deletionsAtEnd(analysis);
  const facts: CellFacts = {
    defines: analysis.defines,
    externalUses,
    ...(analysis.deferredUses === undefined ? {} : { deferredUses: analysis.deferredUses }),
    builtinUses: analysis.builtinUses,
    mutates,
    imports,
    starImports: analysis.starImports.map((s) => s.statement),
    functions: analysis.functions,
    ...(lambdas.length === 0 ? {} : { lambdas: lambdas.map((l) => ({ name: l.name, line: l.line, freeNames: lambdaFreeNames(analysis, l), ...lambdaReads(analysis, l) })) }),
    assignments,
    ...(unpackedAliases.length === 0 ? {} : { unpackedAliases }),
    requirements: analysis.requirements,
    // A cell that does not parse has statements nobody counted (a tree too deep is left empty): not "nothing".
    ...(analysis.syntaxErrors.length > 0 && statements === 0 ? {} : { statements }),
    ...(changesArguments.length === 0 ? {} : { changesArguments }),
    ...(statefulClasses.size === 0 ? {} : { statefulClasses: [...statefulClasses] }),
    ...(calls.length === 0 ? {} : { calls }),
    ...(analysis.trailingExpression?.removed === true ? { shown: { text: analysis.trailingExpression.text, line: analysis.trailingExpression.line } } : {}),
    ...(displayed.length === 0 ? {} : { displayed: displayed.map(({ statement: _, ...d }) => d) }),
    ...(analysis.globalsDeclared.length === 0 ? {} : { declaresGlobal: analysis.globalsDeclared.map((name) => analysis.defines.find((d) => d.name === name) ?? { name, line: 1, column: 1 }) }),
    ...(receivers.size === 0 ? {} : { receivers: [...receivers.values()] }),
    ...(analysis.maybeBound === undefined ? {} : { maybeBound: analysis.maybeBound }),
    ...(deletions.sure.length === 0 ? {} : { deletesAtEnd: deletions.sure }),
    ...(contains.length === 0 ? {} : { contains }),
    ...(views.length === 0 ? {} : { views }),
    topStatements: topStatements(spans, analysis),
    ...(assignments.some((a) => GENERATOR_MAKERS.test(a.valueText)) ? { generators: assignments.filter((a) => GENERATOR_MAKERS.test(a.valueText)).map((a) => a.name) } : {}),
  };
  const trailing = analysis.trailingExpression;
  const file = notebookFileForDunderFile(analysis.code, analysis.builtinUses);
  const builtinsWhenCalled = [...new Set((analysis.deferredUses ?? []).filter((u) => isBuiltin(u.name)).map((u) => u.name))];
  const generated: GeneratedCell = {
    code: file.code,
    importLines: dropLines,
    ...(importCuts.length === 0 ? {} : { importCuts }),
    uses: new Set([...analysis.uses.map((u) => u.name), ...analysis.builtinUses.map((u) => u.name).filter((n) => !file.replaced || n !== '__file__'), ...(file.replaced ? [NOTEBOOK_FILE_NAME] : []), ...stringAnnotationNames(tree)]),
    useSites: analysis.uses,
    assigned: assignments.map((a) => a.name),
    bound: [...new Set(analysis.defines.filter((d) => !analysis.imports.some((i) => i.name === d.name && i.line === d.line)).map((d) => d.name))],
    printedNames: printedNames(analysis),
    localBindings: analysis.localBindings,
    globalsDeclared: [...new Set([...analysis.globalsDeclared, ...changesArguments.flatMap((c) => c.globals)])],
    definitions: [
      ...analysis.functions,
      ...lambdas.map((l) => ({ name: l.name, startLine: l.line, endLine: l.line, topLevel: true, asDef: l.asDef, freeNames: lambdaFreeNames(analysis, l) })),
    ],
    deleted: [...new Set(analysis.deletes.map((d) => d.name))],
    ...(deletions.sure.length === 0 ? {} : { deletedAtEnd: [...new Set(deletions.sure.map((d) => d.name))] }),
    ...(deletions.maybe.length === 0 ? {} : { maybeDeletedAtEnd: deletions.maybe }),
    ...(deletions.released.length === 0 ? {} : { releasedAfterDel: deletions.released }),
    ...(analysis.builtinUses.length === 0 ? {} : { builtinReads: [...new Set(analysis.builtinUses.map((u) => u.name))] }),
    // Builtins a function of the cell reads when called (`def half(xs): return sum(xs) / 2`), its name bound in the
    // cell too (`sum = half(...)`): the builtin until then.
    ...(builtinsWhenCalled.length === 0 ? {} : { builtinReadsWhenCalled: builtinsWhenCalled }),
    exceptCuts: analysis.unusedExceptAliases,
    ...(trailing === undefined || trailing.removed ? {} : { trailingExpression: { line: trailing.line, endLine: trailing.endLine } }),
    // Several bare names (`acc, f1`) a metrics cell returns by name already; one (`summary`) may hold several.
    ...(trailing !== undefined && trailing.removed && bareNames(trailing.text).length <= 1 ? { shownExpression: trailing.text } : {}),
    ...(displayed.length === 0 ? {} : { displayed: displayed.map(({ statement, text, name }) => ({ statement, text, ...(name === undefined ? {} : { name }) })) }),
    ...(analysis.topLevelAwaits === undefined ? {} : { awaits: true as const }),
    ...(analysis.maybeBound === undefined ? {} : { maybeBound: analysis.maybeBound }),
    ...(analysis.loopBound === undefined ? {} : { loopBound: analysis.loopBound }),
    ...pythonNeeded(tree),
  };
  return { analysis, facts, generated, parsed: tree.source };
}

/** The Python 3 minor version the syntax a node type is new in needs (`match` 3.10, `except*` 3.11, PEP 695 3.12). */
const SYNTAX_SINCE: Readonly<Record<string, number>> = { match_statement: 10, except_group_clause: 11, type_alias_statement: 12, type_parameter: 12 };

/** `{ needsPython: 10 }` when the cell's code needs Python 3.10 or later (for pyproject.toml's requires-python); else nothing. */
/**
 * The names string annotations read (`def prep(frame) -> 'pd.DataFrame':`): pyflakes reads them, and so does
 * `typing.get_type_hints`, so the import of `pd` stays (round 73 FGF: pruned, "undefined name 'pd'").
 */
function stringAnnotationNames(tree: PyTree): string[] {
  if (!/(?:->|:)\s*[rRuU]?["']/.test(tree.source)) return [];
  const names: string[] = [];
  const visit = (node: PyNode): void => {
    if (node.type === 'type' && node.children.length === 1 && node.children[0]?.type === 'string') {
      const text = tree.text(node.children[0]);
      const body = /^[rRuU]?(["'])(?:\1\1)?([^]*?)(?:\1\1)?\1$/.exec(text)?.[2];
      if (body !== undefined) names.push(...[...body.matchAll(/(?<![.\w])[A-Za-z_]\w*/g)].map((m) => m[0]));
    }
    node.children.forEach(visit);
  };
  visit(tree.root);
  return names;
}

function pythonNeeded(tree: PyTree): { needsPython?: number } {
  const fStrings = /(?:\b[fF][rR]?|\b[rR][fF])['"]/.test(tree.source);
  if (!fStrings && !/\bmatch\b|\bexcept\s*\*|\btype\s+[A-Za-z_]|\b(?:def|class)\s+[A-Za-z_]\w*\s*\[/.test(tree.source)) return {};
  let needs = 0;
  const pending: PyNode[] = [tree.root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    // tree-sitter-python 0.25 reads `except*` as an except_clause.
    needs = Math.max(needs, SYNTAX_SINCE[node.type] ?? (node.type === 'except_clause' && /^except\s*\*/.test(tree.text(node)) ? 11 : 0));
    if (fStrings && node.type === 'string' && pep701FString(tree, node)) needs = Math.max(needs, 12);
    pending.push(...node.children);
  }
  return needs === 0 ? {} : { needsPython: needs };
}

/**
 * Whether an f-string's replacement fields use what only Python 3.12 allows (PEP 701): a backslash, the string's
 * own quote, or a line break in a one-line string, in a field's expression (`f"{'\n'.join(xs)}"`, `f"{d["k"]}"`).
 */
function pep701FString(tree: PyTree, node: PyNode): boolean {
  const quote = /^[A-Za-z]*("""|'''|"|')/.exec(tree.text(node))?.[1];
  if (quote === undefined) return false;
  return node.children.some((field) => {
    if (field.type !== 'interpolation') return false;
    const expression = field.children.find((c) => c.field === 'expression');
    const text = tree.source.slice(field.start + 1, expression?.end ?? field.end);
    return text.includes('\\') || (quote.length === 1 && (text.includes(quote) || text.includes('\n')));
  });
}

/**
 * The cell's `display(<one value>)` statements the translation handled (`displayCalls`) that run once, at its
 * top level or in a `with`, `if` or `try` block (`with pd.option_context(...): display(results)`): a metrics cell
 * shows a table that way. In order, each with its statement's text, its argument's, its 1-based line and, for a
 * bare name (`display(results)`), the name and its column.
 */
function displayedValues(tree: PyTree, displayCalls: readonly DisplayCall[]): { statement: string; text: string; line: number; name?: string; column?: number }[] {
  return displayCalls.flatMap(({ statement, call, once }) => {
    const args = call.children.find((c) => c.field === 'arguments');
    const arg = args?.type === 'argument_list' && args.children.length === 1 ? args.children[0] : undefined;
    if (!once || arg === undefined || ['keyword_argument', 'list_splat', 'dictionary_splat', 'comment'].includes(arg.type)) return [];
    const named = arg.type === 'identifier' ? { name: tree.text(arg), column: tree.position(arg.start).column } : {};
    return [{ statement: tree.text(statement), text: tree.text(arg), line: tree.position(statement.start).line, ...named }];
  });
}

/**
 * Each top-level statement (see CellFacts.topStatements) with the names read and bound or changed at its sites.
 * `changes`: what the statement changes in place (`cols.append("b")`, `settings["n"] = 1`).
 */
function topStatements(spans: readonly { start: number; end: number; from: { line: number; column: number }; to: { line: number; column: number }; assigns?: string; changes: readonly NameSite[] }[], analysis: CellAnalysis): TopStatement[] {
  const reads = sitesInSpans([...analysis.uses, ...analysis.builtinUses]);
  const defines = sitesInSpans(analysis.defines);
  return spans.map((s) => ({
    start: s.start,
    end: s.end,
    line: s.from.line,
    endLine: s.to.line,
    reads: [...new Set(reads(s.from, s.to).map((n) => n.name))],
    writes: [...new Set([...defines(s.from, s.to), ...s.changes].map((n) => n.name))],
    ...(s.assigns === undefined ? {} : { assigns: s.assigns }),
  }));
}

type Place = { readonly line: number; readonly column: number };

/**
 * The sites between two places (both included), in the order `sites` has them: sorted once, each span found by
 * a binary search (round 38 M: filtering every site for every statement made a cell of 40,000 lines take 15 s).
 */
function sitesInSpans(sites: readonly NameSite[]): (from: Place, to: Place) => NameSite[] {
  const before = (a: Place, b: Place): boolean => a.line < b.line || (a.line === b.line && a.column < b.column);
  const order = [...sites.keys()].sort((i, j) => {
    const a = sites[i];
    const b = sites[j];
    return a === undefined || b === undefined ? 0 : a.line - b.line || a.column - b.column;
  });
  return (from, to) => {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const site = sites[order[mid] ?? 0];
      if (site !== undefined && before(site, from)) low = mid + 1;
      else high = mid;
    }
    const found: number[] = [];
    for (let k = low; k < order.length; k++) {
      const site = sites[order[k] ?? 0];
      if (site === undefined || before(to, site)) break;
      found.push(order[k] ?? 0);
    }
    return found.sort((a, b) => a - b).flatMap((i) => sites[i] ?? []);
  };
}

/**
 * The code of a cell with only the top-level statements `keep` (by their offsets in the parsed code `source`),
 * the rest blanked: lines stay where they were, so markers and problems name the cell's own lines. A kept
 * statement that shared its line with a removed one (`n = 1; n += 1`) starts the line.
 */
export function keepStatements(source: string, keep: readonly { readonly start: number; readonly end: number }[]): string {
  const chars = source.split('');
  const kept = [...keep].sort((a, b) => a.start - b.start);
  let at = 0;
  for (const range of [...kept, { start: source.length, end: source.length }]) {
    // `a(); b()` with both kept: the `;` right after a stays between them.
    const separator = at > 0 ? /^[ \t]*;/.exec(source.slice(at, range.start)) : null;
    for (let i = at; i < range.start; i++) if (chars[i] !== '\n' && (separator === null || i !== at + separator[0].length - 1)) chars[i] = ' ';
    at = Math.max(at, range.end);
  }
  const lineOf = (offset: number): number => source.slice(0, offset).split('\n').length;
  const midLine = new Set(kept.filter((k) => !/^[ \t]*$/.test(source.slice(source.lastIndexOf('\n', k.start - 1) + 1, k.start))).map((k) => lineOf(k.start)));
  return chars
    .join('')
    .split('\n')
    .map((line, i) => (midLine.has(i + 1) ? line.trimStart() : line).replace(/;\s*$/, '').trimEnd())
    .join('\n');
}

/**
 * The cell's code with each read of the builtin `__file__` (at the sites the analysis found) renamed
 * {@link NOTEBOOK_FILE_NAME}: `__file__` in a cell means the notebook (VS Code's Jupyter sets it so; elsewhere
 * it is undefined), never the generated module the code moves to. Lines and columns stay where they were.
 */
export function notebookFileForDunderFile(code: string, builtinUses: readonly NameSite[]): { code: string; replaced: boolean } {
  const sites = builtinUses.filter((u) => u.name === '__file__');
  if (sites.length === 0) return { code, replaced: false };
  const lines = code.split('\n');
  let replaced = false;
  for (const { line, column } of sites) {
    const text = lines[line - 1];
    if (text === undefined || text.slice(column - 1, column - 1 + 8) !== '__file__') continue;
    lines[line - 1] = text.slice(0, column - 1) + NOTEBOOK_FILE_NAME + text.slice(column - 1 + 8);
    replaced = true;
  }
  return { code: lines.join('\n'), replaced };
}

/**
 * What a cell's calls tell besides changes: calls of plain names and of the notebook classes' `methods`
 * with the names passed, and the names methods are called on or draws are made from (`receivers`).
 */
interface CallRecords {
  readonly calls: CallSite[];
  readonly receivers: Map<string, NameSite>;
  readonly methods: ReadonlySet<string>;
}

function collectMutations(tree: PyTree, node: PyNode, out: NameSite[], records?: CallRecords): void {
  if (SCOPES.has(node.type)) return;
  if (node.type === 'assignment' || node.type === 'augmented_assignment') {
    const left = node.children.find((c) => c.field === 'left');
    if (left !== undefined && (left.type === 'subscript' || left.type === 'attribute')) push(tree, baseName(left), out);
    // `X -= X.mean(0)`: an array or list changes in place (a number is rebound, and counting it changes nothing).
    if (left?.type === 'identifier' && node.type === 'augmented_assignment') push(tree, left, out);
  }
  if (node.type === 'delete_statement') {
    for (const target of node.children.flatMap((c) => (c.type === 'expression_list' ? c.children : [c]))) {
      if (target.type === 'subscript' || target.type === 'attribute') push(tree, baseName(target), out);
    }
  }
  if (node.type === 'call') {
    const fn = node.children.find((c) => c.field === 'function');
    const args = node.children.find((c) => c.field === 'arguments');
    const inplace = args?.children.some((a) => a.type === 'keyword_argument' && /^inplace\s*=\s*True$/.test(tree.text(a))) ?? false;
    if (fn?.type === 'attribute') {
      const method = fn.children.find((c) => c.field === 'attribute');
      const object = fn.children.find((c) => c.field === 'object');
      if (object !== undefined && method !== undefined && (inplace || MUTATING_METHODS.has(tree.text(method)))) push(tree, changedBase(object), out);
      if (method !== undefined && ARGUMENT_CHANGING_METHODS.has(tree.text(method))) changesFirst(tree, args, out);
      const called = method === undefined ? '' : tree.text(method);
      if ((NUMPY_ARGUMENT_CHANGING.has(called) || called === 'nan_to_num') && object !== undefined && /^(?:np|numpy)$/.test(tree.text(object))) {
        const noCopy = args?.children.some((a) => a.type === 'keyword_argument' && /^copy\s*=\s*False$/.test(tree.text(a))) === true;
        if (called !== 'nan_to_num' || noCopy) changesFirst(tree, args, out);
      }
      // `np.add.at(counts, idx, 1)`: a ufunc's `at` adds into its first argument, unbuffered.
      if (called === 'at' && object?.type === 'attribute' && /^(?:np|numpy)\.\w+$/.test(tree.text(object))) changesFirst(tree, args, out);
      if (object?.type === 'identifier') receive(tree, object, records);
      // `tracker.log(x)`: a call of `.log` with tracker as its first argument, for a notebook class whose
      // `log` changes `self` (see factsOf).
      if (object?.type === 'identifier' && method !== undefined && records?.methods.has(tree.text(method)) === true) {
        records.calls.push({ name: `.${tree.text(method)}`, args: [tree.text(object)], keywords: {}, ...tree.position(node.start) });
      }
    } else if (fn?.type === 'identifier' && ARGUMENT_CHANGING_BUILTINS.has(tree.text(fn))) changesFirst(tree, args, out);
    else if (fn?.type === 'identifier' && args !== undefined && records !== undefined && !isBuiltin(tree.text(fn))) records.calls.push(callSite(tree, node, fn, args));
    // `np.add(a, 1, out=a)`: a ufunc's `out` is changed in place.
    for (const arg of args?.children ?? []) {
      if (arg.type !== 'keyword_argument') continue;
      const key = arg.children.find((c) => c.field === 'name');
      const value = arg.children.find((c) => c.field === 'value');
      if (key !== undefined && tree.text(key) === 'out' && value?.type === 'identifier') push(tree, value, out);
      // `np.copyto(dst=X, src=K)`: the destination by its keyword.
      if (key !== undefined && tree.text(key) === 'dst' && value?.type === 'identifier' && fn?.type === 'attribute' && /^(?:np|numpy)\.copyto$/.test(tree.text(fn))) push(tree, value, out);
      // `train_test_split(..., random_state=rng)`: the call draws from rng, as `rng.normal()` does.
      if (key !== undefined && tree.text(key) === 'random_state' && value?.type === 'identifier') receive(tree, value, records);
    }
  }
  for (const child of node.children) collectMutations(tree, child, out, records);
}

/**
 * The names an expression holds as they are (`make_pipeline(StandardScaler(), clf)`: clf; `[a, b]`: a and b;
 * `Pipeline([("m", clf)])`: clf): through list, tuple, set and dict displays, the arguments of container makers
 * and constructors (CamelCase names), and their keyword arguments naming kept objects (`estimator=clf`).
 * `top`: the expression itself is a bare name (an alias, not a container): none.
 */
function containedNames(tree: PyTree, node: PyNode, top = false): string[] {
  switch (node.type) {
    case 'identifier':
      return top ? [] : [tree.text(node)];
    case 'list':
    case 'tuple':
    case 'set':
    case 'dictionary':
    case 'parenthesized_expression':
      return node.children.flatMap((c) => containedNames(tree, c));
    case 'pair':
      return containedNames(tree, node.children.find((c) => c.field === 'value') ?? node);
    case 'call': {
      const fn = node.children.find((c) => c.field === 'function');
      const name = fn?.type === 'identifier' ? tree.text(fn) : fn?.type === 'attribute' ? tree.text(fn.children.find((c) => c.field === 'attribute') ?? fn) : '';
      if (!CONTAINER_MAKERS.has(name) && !/^[A-Z]\w*[a-z]\w*$/.test(name)) return [];
      const args = node.children.find((c) => c.field === 'arguments');
      return (args?.children ?? []).flatMap((arg) => {
        if (arg.type !== 'keyword_argument') return containedNames(tree, arg);
        const key = arg.children.find((c) => c.field === 'name');
        const value = arg.children.find((c) => c.field === 'value');
        return key !== undefined && value !== undefined && KEPT_KEYWORDS.test(tree.text(key)) ? containedNames(tree, value) : [];
      });
    }
    default:
      return [];
  }
}

/** The targets of an assignment with the value each gets: `a, b = x[:n], x[n:]` -> (a, x[:n]), (b, x[n:]). */
function assignedPairs(left: PyNode, right: PyNode): [PyNode, PyNode][] {
  // PyNode trees hold no punctuation or comments: a list's children are its items.
  const lists = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple']);
  if (!lists.has(left.type)) return [[left, right]];
  if (!lists.has(right.type)) return [];
  const targets = left.children;
  const values = right.children;
  return targets.length === values.length ? targets.map((t, i) => [t, values[i] ?? t]) : [];
}

/**
 * `k_min, k_max = 2, 8`: each name with its literal, as papermill sees them (it sets each name). Only when
 * every target is a plain name and every value a literal pipeline.yaml keeps as it is; [] otherwise
 * (`a, *rest = ...`, `a, b = f()`), and the statement stays code.
 */
function literalPairs(tree: PyTree, left: PyNode, right: PyNode): [PyNode, PyNode][] {
  if (!['pattern_list', 'tuple_pattern', 'list_pattern'].includes(left.type) || !['expression_list', 'tuple', 'list'].includes(right.type)) return [];
  const targets = left.children;
  const values = right.children;
  if (targets.length === 0 || targets.length !== values.length || targets.some((t) => t.type !== 'identifier')) return [];
  const literal = (value: PyNode): boolean => {
    const parsed = parsePythonLiteral(tree.text(value));
    return parsed.ok && !parsed.lossy;
  };
  if (!values.every(literal)) return [];
  // `_` throws its value away: no parameter, no metric.
  return targets.flatMap((t, i): [PyNode, PyNode][] => (tree.text(t) === '_' ? [] : [[t, values[i] ?? t]]));
}

/**
 * The name whose memory an expression may share (`X[:450]`, `X.T`, `X.values`, `X.reshape(-1, 1)`): NumPy
 * slices and views. Not a selection of columns by name or list (`df["y"]`, `X[[0, 2]]`), which copies.
 */
function viewBase(tree: PyTree, node: PyNode): string | undefined {
  if (node.type === 'subscript') {
    const value = node.children.find((c) => c.field === 'value');
    const index = node.children.filter((c) => c.field === 'subscript');
    if (value?.type !== 'identifier' || index.length === 0 || index.some((i) => i.type === 'string' || i.type === 'list' || i.type === 'concatenated_string')) return undefined;
    // `fitted[best_name]`: most often a dict's value, an object the run gives back as the same one from the cache
    // (round 37 K: two steps ran at every run for a model picked from a dict); slices and numbers view arrays.
    if (index.length === 1 && (index[0]?.type === 'identifier' || index[0]?.type === 'attribute')) return undefined;
    // `df[df.a <= 0]`, `X[~mask]`, `df[df.a.isin(keep)]`: a boolean mask or an array of positions selects a copy,
    // in pandas and NumPy alike (round 41 Q: the selection became an output and an unused argument).
    if (index.length === 1 && index[0] !== undefined && selectsCopy(tree, index[0])) return undefined;
    return tree.text(value);
  }
  if (node.type === 'attribute') {
    const object = node.children.find((c) => c.field === 'object');
    const attribute = node.children.find((c) => c.field === 'attribute');
    return object?.type === 'identifier' && attribute !== undefined && VIEW_ATTRIBUTES.has(tree.text(attribute)) ? tree.text(object) : undefined;
  }
  if (node.type === 'call') {
    const fn = node.children.find((c) => c.field === 'function');
    const object = fn?.type === 'attribute' ? fn.children.find((c) => c.field === 'object') : undefined;
    const method = fn?.type === 'attribute' ? fn.children.find((c) => c.field === 'attribute') : undefined;
    if (object?.type !== 'identifier' || method === undefined) return undefined;
    if (VIEW_METHODS.has(tree.text(method))) return tree.text(object);
    // `X.astype(np.float64, copy=False)`: the array itself when it has that type already.
    const noCopy = argumentNodes(node).some((a) => a.type === 'keyword_argument' && /^copy\s*=\s*False$/.test(tree.text(a)));
    return tree.text(method) === 'astype' && noCopy ? tree.text(object) : undefined;
  }
  return undefined;
}

/** Whether a subscript's index is a boolean mask or positions, which select a copy (not a slice, a number or a tuple). */
function selectsCopy(tree: PyTree, index: PyNode): boolean {
  const inner = index.type === 'parenthesized_expression' ? index.children.find((c) => c.type !== 'comment') : index;
  if (inner === undefined) return false;
  if (['comparison_operator', 'boolean_operator', 'not_operator', 'call'].includes(inner.type)) return true;
  if (inner.type === 'unary_operator') return tree.text(inner).trimStart().startsWith('~');
  if (inner.type === 'binary_operator') {
    const left = inner.children.find((c) => c.field === 'left');
    const right = inner.children.find((c) => c.field === 'right');
    return left !== undefined && right !== undefined && ['&', '|', '^'].includes(tree.source.slice(left.end, right.start).replace(/#.*$/gm, '').trim());
  }
  return false;
}

/**
 * The frame a pandas selection may give its own memory of, and what the selection is: a column by name
 * (`income = df["income"]`, `df.income`, which `income.fillna(0, inplace=True)` changes in the frame), a slice of
 * rows (`head = df.iloc[:3]`, `df.loc[:9]`), or an array of one of those or of the frame (`df["a"].values`,
 * `df.income.to_numpy()`, `np.asarray(df["a"])`, `df.to_numpy()`). One way only: setting `df["income"]` or
 * adding a column later makes new columns, which the selection keeps out of.
 */
function frameBase(tree: PyTree, node: PyNode): { base: string; kind: FrameSelection } | undefined {
  const call = node.type === 'call' ? node : undefined;
  const fn = call?.children.find((c) => c.field === 'function');
  const args = call === undefined ? [] : argumentNodes(call);
  // `np.asarray(df["a"])`, `np.array(df, copy=False)` is rare: asarray only.
  if (fn !== undefined && /^(?:np|numpy)\.asarray$/.test(tree.text(fn)) && args.length === 1 && args[0] !== undefined) {
    const inner = frameOf(tree, args[0], true);
    return inner === undefined ? undefined : { base: inner, kind: 'array' };
  }
  // `df["a"].to_numpy()`, `df.to_numpy()`; `.values` below.
  const method = fn?.type === 'attribute' ? fn.children.find((c) => c.field === 'attribute') : undefined;
  const object = fn?.type === 'attribute' ? fn.children.find((c) => c.field === 'object') : undefined;
  if (object !== undefined && method !== undefined && tree.text(method) === 'to_numpy' && args.length === 0) {
    const inner = frameOf(tree, object, true);
    return inner === undefined ? undefined : { base: inner, kind: 'array' };
  }
  if (node.type === 'attribute') {
    const owner = node.children.find((c) => c.field === 'object');
    const attribute = tree.text(node.children.find((c) => c.field === 'attribute') ?? node);
    if (owner !== undefined && owner.type !== 'identifier' && attribute === 'values') {
      const inner = frameOf(tree, owner);
      return inner === undefined ? undefined : { base: inner, kind: 'array' };
    }
  }
  const base = frameOf(tree, node);
  if (base !== undefined) return { base, kind: 'column' };
  if (node.type !== 'subscript') return undefined;
  const value = node.children.find((c) => c.field === 'value');
  const index = node.children.filter((c) => c.field === 'subscript');
  const owner = value?.type === 'attribute' ? value.children.find((c) => c.field === 'object') : undefined;
  const accessor = value?.type === 'attribute' ? tree.text(value.children.find((c) => c.field === 'attribute') ?? value) : '';
  return owner?.type === 'identifier' && ['iloc', 'loc'].includes(accessor) && index.some((i) => i.type === 'slice') ? { base: tree.text(owner), kind: 'rows' } : undefined;
}

/** A call's arguments, positional and keyword, without the brackets, commas and comments. */
function argumentNodes(call: PyNode): PyNode[] {
  return call.children.find((c) => c.field === 'arguments')?.children.filter((c) => !['(', ')', ',', 'comment'].includes(c.type)) ?? [];
}

/** Attributes of a frame or series that are no column of it. */
const FRAME_ATTRIBUTES = new Set(['shape', 'columns', 'index', 'dtypes', 'dtype', 'size', 'ndim', 'empty', 'name', 'T', 'values', 'iloc', 'loc', 'at', 'iat', 'str', 'dt', 'cat', 'plot', 'attrs', 'axes', 'flags', 'style', 'sparse', 'array', 'hasnans', 'is_unique', 'nbytes']);

/** The frame a column selection names: `df` of `df["a"]` and `df.a`; with `whole`, a bare name too (`df`); else undefined. */
function frameOf(tree: PyTree, node: PyNode, whole = false): string | undefined {
  if (node.type === 'identifier') return whole ? tree.text(node) : undefined;
  if (node.type === 'subscript') {
    const value = node.children.find((c) => c.field === 'value');
    const index = node.children.filter((c) => c.field === 'subscript');
    return value?.type === 'identifier' && index.length === 1 && index[0]?.type === 'string' ? tree.text(value) : undefined;
  }
  if (node.type === 'attribute') {
    const owner = node.children.find((c) => c.field === 'object');
    const attribute = tree.text(node.children.find((c) => c.field === 'attribute') ?? node);
    return owner?.type === 'identifier' && !FRAME_ATTRIBUTES.has(attribute) && !attribute.startsWith('_') && !/_$/.test(attribute) ? tree.text(owner) : undefined;
  }
  // `df.get("income")` (round 36 H): the column, as `df["income"]` is.
  if (node.type === 'call') {
    const fn = node.children.find((c) => c.field === 'function');
    const owner = fn?.type === 'attribute' ? fn.children.find((c) => c.field === 'object') : undefined;
    const method = fn?.type === 'attribute' ? fn.children.find((c) => c.field === 'attribute') : undefined;
    if (owner?.type !== 'identifier' || method === undefined || tree.text(method) !== 'get') return undefined;
    // `df.get("income", default)`: the column when there is one.
    const args = argumentNodes(node);
    if ((args.length === 1 || args.length === 2) && args[0]?.type === 'string') return tree.text(owner);
  }
  return undefined;
}

/** Records a name a method is called on or a draw is made from, at its first such use. */
function receive(tree: PyTree, name: PyNode, records: CallRecords | undefined): void {
  const text = tree.text(name);
  if (records !== undefined && !records.receivers.has(text)) records.receivers.set(text, { name: text, ...tree.position(name.start) });
}

/** The first positional argument of a call changes (`rng.shuffle(rows)`, `setattr(model, ...)`). */
function changesFirst(tree: PyTree, args: PyNode | undefined, out: NameSite[]): void {
  const first = args?.children.find((a) => a.type !== 'keyword_argument' && a.type !== 'comment' && a.type !== '(' && a.type !== ')' && a.type !== ',');
  if (first !== undefined && (first.type === 'identifier' || first.type === 'subscript' || first.type === 'attribute')) push(tree, baseName(first), out);
}

/**
 * For the `for` loops of a statement (outside functions and classes): each loop variable, with the names
 * its values come from (`for d in (train, test)`: train and test; `in models.items()` or `in models`:
 * models; `in zip(a, b)`: a and b).
 */
function loopSources(tree: PyTree, statement: PyNode): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const names = (node: PyNode | undefined): string[] => {
    if (node === undefined) return [];
    if (node.type === 'identifier') return [tree.text(node)];
    if (node.type === 'tuple' || node.type === 'list' || node.type === 'expression_list' || node.type === 'pattern_list' || node.type === 'tuple_pattern' || node.type === 'list_pattern' || node.type === 'parenthesized_expression') return node.children.flatMap(names);
    if (node.type === 'call') {
      const fn = node.children.find((c) => c.field === 'function');
      const args = node.children.find((c) => c.field === 'arguments');
      if (fn?.type === 'attribute') {
        const method = fn.children.find((c) => c.field === 'attribute');
        const object = fn.children.find((c) => c.field === 'object');
        return method !== undefined && ['items', 'values'].includes(tree.text(method)) ? names(object) : [];
      }
      if (fn?.type === 'identifier' && ['zip', 'enumerate', 'reversed', 'sorted'].includes(tree.text(fn))) return (args?.children ?? []).flatMap(names);
    }
    return [];
  };
  const visit = (node: PyNode): void => {
    if (SCOPES.has(node.type)) return;
    if (node.type === 'for_statement') {
      const sources = names(node.children.find((c) => c.field === 'right'));
      if (sources.length > 0) for (const target of names(node.children.find((c) => c.field === 'left'))) found.set(target, [...(found.get(target) ?? []), ...sources]);
    }
    for (const child of node.children) visit(child);
  };
  visit(statement);
  return found;
}

/**
 * The 0-based columns to cut from its line for the import statement at [start, end) of `source`, with the `;`
 * joining it to the code after it (or, at the end of the line, to the code before it).
 */
function importCut(source: string, start: number, end: number): { from: number; to: number } | undefined {
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = source.indexOf('\n', end) === -1 ? source.length : source.indexOf('\n', end);
  const after = /^\s*;\s*/.exec(source.slice(end, lineEnd));
  if (after !== null) return { from: start - lineStart, to: end + after[0].length - lineStart };
  const before = /\s*;\s*$/.exec(source.slice(lineStart, start));
  if (before !== null) return { from: start - before[0].length - lineStart, to: end - lineStart };
  return undefined;
}

/** A call of a plain name with the names passed to it (`add_features(df, cols=extra)`). */
export interface CallSite {
  readonly name: string;
  /** Positional arguments: the name passed, or undefined for an expression. */
  readonly args: readonly (string | undefined)[];
  /** Keyword arguments passed a name. */
  readonly keywords: Readonly<Record<string, string>>;
  readonly line: number;
  readonly column: number;
}

/**
 * The parameters a function changes in place (`df["x"] = ...`, `df.drop(..., inplace=True)`, `rows.append(x)`
 * on a parameter): their positions and names. Undefined when it changes none.
 */
function argumentsChanged(tree: PyTree, fn: PyNode): { name: string; positions: number[]; keywords: string[]; globals: string[] } | undefined {
  const nameNode = fn.children.find((c) => c.field === 'name');
  const parameters = fn.children.find((c) => c.field === 'parameters');
  const body = fn.children.find((c) => c.field === 'body');
  if (nameNode === undefined || parameters === undefined || body === undefined) return undefined;
  const names = parameters.children.map(parameterName).filter((p) => p !== undefined).map((p) => tree.text(p));
  const changed: NameSite[] = [];
  for (const statement of body.children) collectMutations(tree, statement, changed);
  // `b = a` then `b[:] = ...`: changing b changes the argument a.
  const aliasOf = new Map<string, string>();
  const findAliases = (n: PyNode): void => {
    if (SCOPES.has(n.type)) return;
    if (n.type === 'assignment') {
      const left = n.children.find((c) => c.field === 'left');
      const right = n.children.find((c) => c.field === 'right');
      if (left?.type === 'identifier' && right?.type === 'identifier') aliasOf.set(tree.text(left), tree.text(right));
    }
    for (const child of n.children) findAliases(child);
  };
  for (const statement of body.children) findAliases(statement);
  const root = (name: string): string => {
    let current = name;
    for (let hops = 0; hops < 8 && aliasOf.has(current); hops++) current = aliasOf.get(current) ?? current;
    return current;
  };
  // `def burn_in(rng, n): rng.normal(size=n)`: a draw moves the generator it is given on (round 36 H).
  const bodyText = tree.text(body);
  const draws = (n: string): boolean => bodyText.includes(`${n}.`) && new RegExp(String.raw`(?<![.\w])${n}\.(?:${GENERATOR_DRAWS})\s*\(`).test(bodyText);
  // `frame = frame.copy()` first (round 58 BBB): what the function changes after is its own copy, not the argument.
  const copiedAt = new Map<string, number>();
  for (const statement of body.children) {
    const assignment = statement.type === 'expression_statement' ? statement.children[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.children.find((c) => c.field === 'left') : undefined;
    const right = assignment?.type === 'assignment' ? assignment.children.find((c) => c.field === 'right') : undefined;
    const name = left?.type === 'identifier' ? tree.text(left) : undefined;
    if (name !== undefined && right !== undefined && names.includes(name) && !copiedAt.has(name) && COPYING_CALL.test(tree.text(right))) copiedAt.set(name, tree.position(statement.start).line);
  }
  const changedHere = (n: string, c: NameSite): boolean => (c.name === n || root(c.name) === n) && c.line <= (copiedAt.get(n) ?? Infinity);
  const hit = names.filter((n) => changed.some((c) => changedHere(n, c)) || draws(n));
  // Module-level values it changes (`results[name] = value` in `def record(name, value)`): not its own.
  const locals = new Set([...names, ...assignedIn(tree, body)]);
  // `next(_ids)` on a module-level iterator (`_ids = itertools.count(1)`): each call moves it on.
  const advanced = [...bodyText.matchAll(/(?<![.\w])next\(\s*([A-Za-z_]\w*)\s*[,)]/g)].map((m) => m[1] ?? '');
  const globals = [...new Set([...changed.map((c) => c.name), ...advanced, ...nestedChanges(tree, body, locals)].filter((n) => n !== '' && !locals.has(n)))];
  if (hit.length === 0 && globals.length === 0) return undefined;
  return { name: tree.text(nameNode), positions: hit.map((n) => names.indexOf(n)), keywords: hit, globals };
}

/**
 * Module-level names the functions nested in `body` change (`registry[name] = fn` in the `wrap` a decorator
 * factory returns, round 71 ABA): calling the outer function hands out code that changes them, as its own
 * statements would. Names the nested function or the ones around it bind (`outer`) are theirs, not the module's.
 */
function nestedChanges(tree: PyTree, body: PyNode, outer: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const visit = (node: PyNode, bound: ReadonlySet<string>): void => {
    for (const child of node.children) {
      if (child.type === 'function_definition') {
        const inner = child.children.find((c) => c.field === 'body');
        if (inner === undefined) continue;
        const parameters = (child.children.find((c) => c.field === 'parameters')?.children ?? []).map(parameterName).filter((p) => p !== undefined).map((p) => tree.text(p));
        const own = new Set([...bound, ...parameters, ...assignedIn(tree, inner)]);
        const changed: NameSite[] = [];
        for (const statement of inner.children) collectMutations(tree, statement, changed);
        found.push(...changed.map((c) => c.name).filter((n) => !own.has(n)));
        visit(inner, own);
      } else if (!SCOPES.has(child.type)) visit(child, bound);
    }
  };
  visit(body, outer);
  return found;
}

/**
 * A value made anew from another (`frame.copy()`, `copy.deepcopy(x)`, `np.array(a)`, `list(xs)`, `df.astype(float)`):
 * changing it leaves the other as it was.
 */
const COPYING_CALL = /^(?:[\w.]+\.(?:copy|astype)\s*\(|(?:copy\.)?(?:deep)?copy\s*\(|(?:np|numpy)\.(?:array|copy)\s*\(|(?:pd|pandas)\.(?:DataFrame|Series)\s*\(|(?:list|dict|set)\s*\()/;

/** The parameters of `fn` whose default is a new mutable value (`[]`, `{}`, `set()`, `defaultdict(list)` ...). */
function mutableDefaults(tree: PyTree, fn: PyNode): string[] {
  const parameters = fn.children.find((c) => c.field === 'parameters')?.children ?? [];
  return parameters.flatMap((p) => {
    if (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') return [];
    const value = p.children.find((c) => c.field === 'value');
    const name = parameterName(p);
    if (value === undefined || name === undefined) return [];
    const mutable = ['list', 'dictionary', 'set', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension'].includes(value.type) || (value.type === 'call' && /^(?:list|dict|set|bytearray|(?:collections\.)?(?:defaultdict|Counter|OrderedDict|deque))\s*\(/.test(tree.text(value)));
    return mutable ? [tree.text(name)] : [];
  });
}

/** The names a class body binds to values at its top level (`registry = []`, `count: int = 0`), not its methods. */
function classAttributes(tree: PyTree, members: readonly PyNode[], fieldsPerInstance: boolean): string[] {
  return members.flatMap((member) => {
    const assignment = member.type === 'expression_statement' && member.children[0]?.type === 'assignment' ? member.children[0] : undefined;
    const left = assignment?.children.find((c) => c.field === 'left');
    // `rows: list = field(default_factory=list)` (dataclasses, attrs' `attr.ib`, pydantic's `Field`): made per instance.
    const right = assignment?.children.find((c) => c.field === 'right');
    if ((fieldsPerInstance && assignment?.children.some((c) => c.field === 'type') === true) || (right !== undefined && /^(?:[\w.]*\.)?(?:field|Field|ib|attrib)\s*\(/.test(tree.text(right)))) return [];
    return left?.type === 'identifier' ? [tree.text(left)] : [];
  });
}

/** Methods changing a list, dict or set in place, as regular expression alternatives; and with setdefault, which a memo uses too. */
const GROWING_METHODS = 'append|extend|insert|add|update|pop|popitem|remove|discard|clear|sort|reverse';
const IN_PLACE_METHODS = `${GROWING_METHODS}|setdefault`;

/**
 * Whether a method's code changes its class through the instance: `type(self).x += 1`, `self.__class__.x = v`,
 * `type(self).seen.add(k)`, or an in-place change of a class attribute `classData` names, which no method binds
 * on the instance (`self.registry.append(name)` where the class body says `registry = []`; not `self.count += 1`,
 * which binds the instance's own).
 */
function changesClassThroughSelf(code: string, classData: readonly string[]): boolean {
  if (new RegExp(String.raw`(?:\btype\(\s*self\s*\)|\bself\.__class__)\.[A-Za-z_]\w*\s*(?:[-+*/%|&^]?=(?!=)|\.(?:${IN_PLACE_METHODS})\s*\(|\[[^\]\n]*\]\s*[-+*/%|&^]?=(?!=))`).test(code)) return true;
  return classData.some((name) => new RegExp(String.raw`\bself\.${name}\s*(?:\.(?:${IN_PLACE_METHODS})\s*\(|\[[^\]\n]*\]\s*[-+*/%|&^]?=(?!=))`).test(code));
}

/** Names a function body assigns (its locals), nested functions and classes left out. */
function assignedIn(tree: PyTree, node: PyNode): string[] {
  const out: string[] = [];
  const visit = (n: PyNode): void => {
    if (SCOPES.has(n.type)) return;
    if (n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement' || n.type === 'with_item' || n.type === 'named_expression') {
      const target = n.children.find((c) => c.field === 'left' || c.field === 'name' || c.field === 'alias');
      if (target?.type === 'identifier') out.push(tree.text(target));
    }
    n.children.forEach(visit);
  };
  node.children.forEach(visit);
  return out;
}

/**
 * True when another of the cell's top-level statements (`kept`, in order) stands on a line of `statement`
 * (`import os; x = 1`): only the ones next to it can.
 */
function sharesLine(tree: PyTree, kept: readonly PyNode[], statement: PyNode): boolean {
  const first = tree.position(statement.start).line;
  const last = tree.position(Math.max(statement.start, statement.end - 1)).line;
  const at = kept.indexOf(statement);
  const before = kept[at - 1];
  const after = kept[at + 1];
  return (before !== undefined && tree.position(Math.max(before.start, before.end - 1)).line >= first) || (after !== undefined && tree.position(after.start).line <= last);
}

/** `name = lambda a, b=1: expr` on one line, as `def name(a, b=1):\n    return expr`; else undefined. */
function lambdaAsDef(tree: PyTree, statement: PyNode, name: string, lambda: PyNode): { name: string; line: number; asDef: string } | undefined {
  const line = tree.position(statement.start).line;
  if (tree.position(Math.max(statement.start, statement.end - 1)).line !== line) return undefined;
  const parameters = lambda.children.find((c) => c.field === 'parameters');
  const body = lambda.children.find((c) => c.field === 'body');
  if (body === undefined) return undefined;
  const params = parameters === undefined ? '' : tree.text(parameters);
  return { name, line, asDef: `def ${name}(${params}):  # was: ${name} = lambda ...\n    return ${tree.text(body)}` };
}

/** The module-level names a `name = lambda ...` line reads (the lambda's body and defaults). */
function lambdaFreeNames(analysis: CellAnalysis, lambda: { readonly name: string; readonly line: number }): string[] {
  return [...new Set(analysis.uses.filter((u) => u.line === lambda.line && u.name !== lambda.name).map((u) => u.name))];
}

/**
 * What a `name = lambda ...` line reads where it runs (its default values: `lambda p, t=THRESHOLD: ...`) and
 * when called (its body), as a function's `definitionReads` and `callReads` (FunctionInfo): empty when it reads
 * nothing where it runs.
 */
function lambdaReads(analysis: CellAnalysis, lambda: { readonly name: string; readonly line: number }): { definitionReads?: string[]; callReads?: string[] } {
  const onLine = analysis.uses.filter((u) => u.line === lambda.line && u.name !== lambda.name);
  const deferred = new Set((analysis.deferredUses ?? []).filter((u) => u.line === lambda.line).map((u) => `${u.name}:${u.column}`));
  const definitionReads = [...new Set(onLine.filter((u) => !deferred.has(`${u.name}:${u.column}`)).map((u) => u.name))];
  const callReads = [...new Set(onLine.filter((u) => deferred.has(`${u.name}:${u.column}`)).map((u) => u.name))];
  return definitionReads.length === 0 ? {} : { definitionReads, callReads };
}

/** A call of a plain name (`fn`) with the names passed to it. */
function callSite(tree: PyTree, node: PyNode, fn: PyNode, args: PyNode): CallSite {
  const positional: (string | undefined)[] = [];
  const keywords: Record<string, string> = {};
  for (const arg of args.children) {
    if (arg.type === 'keyword_argument') {
      const key = arg.children.find((c) => c.field === 'name');
      const value = arg.children.find((c) => c.field === 'value');
      if (key !== undefined && value?.type === 'identifier') keywords[tree.text(key)] = tree.text(value);
    } else if (arg.type !== 'comment' && !arg.type.startsWith('list_splat') && !arg.type.startsWith('dictionary_splat')) positional.push(arg.type === 'identifier' ? tree.text(arg) : undefined);
  }
  const { line, column } = tree.position(node.start);
  return { name: tree.text(fn), args: positional, keywords, line, column };
}

/** `df.loc[m, "x"]` -> the `df` identifier node. */
function baseName(node: PyNode): PyNode | undefined {
  let current: PyNode | undefined = node;
  while (current !== undefined && current.type !== 'identifier') {
    if (current.type === 'subscript') current = current.children.find((c) => c.field === 'value');
    else if (current.type === 'attribute') current = current.children.find((c) => c.field === 'object');
    else if (current.type === 'call') current = current.children.find((c) => c.field === 'function');
    else return undefined;
  }
  return current;
}

/**
 * The name a method call on `object` changes: {@link baseName}, unless the chain goes through a call of a plain
 * name (`Scaler().fit(X)`, `make_model().fit(X, y)`), which made a new object: nothing the notebook named.
 */
function changedBase(object: PyNode): PyNode | undefined {
  for (let current: PyNode | undefined = object; current !== undefined && current.type !== 'identifier'; ) {
    if (current.type === 'call') {
      const fn: PyNode | undefined = current.children.find((c) => c.field === 'function');
      if (fn?.type === 'identifier') return undefined;
      current = fn;
    } else if (current.type === 'subscript') current = current.children.find((c) => c.field === 'value');
    else if (current.type === 'attribute') current = current.children.find((c) => c.field === 'object');
    else return undefined;
  }
  return baseName(object);
}

function push(tree: PyTree, node: PyNode | undefined, out: NameSite[]): void {
  if (node === undefined) return;
  const { line, column } = tree.position(node.start);
  out.push({ name: tree.text(node), line, column });
}

/** `print(rmse)`, `print(a, b)`: the bare names printed at top level. */
export function printedNames(analysis: CellAnalysis): string[] {
  const names: string[] = [];
  // Prints of the cell's own statements: one inside a loop prints a loop variable, not a metric.
  for (const call of analysis.prints.filter((p) => p.topLevel)) {
    // `print(round(r2, 3))` prints r2, rounded: the reader matches the shown digits.
    for (const arg of printArguments(call.args)) {
      const name = printedName(arg);
      if (name !== undefined) names.push(name);
    }
    // `print(f"auc={auc:.4f}")` prints auc.
    if (/(?:^|[^\w])[fF][rR]?['"]|(?:^|[^\w])[rR][fF]['"]/.test(call.args)) {
      names.push(...interpolatedNames(call.args));
      // `print(f"rmse: {round(rmse, 2)}")` prints rmse, rounded.
      for (const field of call.args.matchAll(/\{([^{}:!]*\))\s*(?:![rsa])?(?::[^{}]*)?\}/g)) {
        const rounded = roundedNumber(field[1] ?? '');
        if (rounded !== undefined) names.push(rounded.name);
      }
    }
  }
  // A last line `r2` or `acc, bal` shows those values.
  names.push(...bareNames(analysis.trailingExpression?.text));
  return [...new Set(names)];
}

/**
 * The `del`s with no binding of their name after them: those that always run (a statement of the cell's own, or in
 * a `with` or `finally` block), their names gone when the cell ends (`sure`, where); the names only a `del` under a
 * condition or in a loop or `try` removes, maybe gone (`maybe`). Neither is a metric (round 67 RRR: the metrics
 * function returned one, and every run failed; round 68 TTT: `if full: del scratch` too), and a later cell reading
 * a name gone is an error (`name-deleted`, round 66 QQQ). Of the maybe gone, those a `del` under an `if` or `while`
 * removes (`released`): pyflakes keeps their binding there, and says one no later line reads is unused.
 */
function deletionsAtEnd(analysis: CellAnalysis): { readonly sure: readonly NameSite[]; readonly maybe: readonly string[]; readonly released: readonly string[] } {
  if (analysis.deletes.length === 0) return { sure: [], maybe: [], released: [] };
  const lines = analysis.code.split('\n');
  const shapes = shapeLines(lines);
  const after = (a: NameSite, b: NameSite): boolean => a.line > b.line || (a.line === b.line && a.column > b.column);
  const last = analysis.deletes.filter((d) => !analysis.defines.some((b) => b.name === d.name && after(b, d))).map((d) => ({ site: d, headers: enclosingHeaders(lines, d.line - 1, shapes) }));
  const sure = last.filter((d) => d.headers.every((h) => h === 'with' || h === 'finally')).map((d) => d.site);
  const gone = new Set(sure.map((d) => d.name));
  const maybe = last.filter((d) => !gone.has(d.site.name));
  const released = maybe.filter((d) => d.headers.some((h) => h === 'if' || h === 'elif' || h === 'else' || h === 'while'));
  return { sure, maybe: [...new Set(maybe.map((d) => d.site.name))], released: [...new Set(released.map((d) => d.site.name))] };
}
