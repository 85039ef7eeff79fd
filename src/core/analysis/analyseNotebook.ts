/**
 * Every code cell of a notebook analysed (skipped cells left out) and the step graph built from them, with
 * the problems of both: Python syntax errors, IPython that behaves differently outside a notebook, and the
 * graph's (names nothing defines, values shared code cannot see ...). Loads the parser when needed.
 */
import type { Notebook, NotebookCell } from '../contract/notebook';
import { cellProblem } from '../contract/problem';
import type { Problem } from '../contract/problem';
import type { TagResult } from '../contract/roles';
import type { StepGraph } from '../contract/stepGraph';
import { analyseCodeCell, analyseCodeCells, keepStatements } from './cellFacts';
import type { AnalysedCell } from './cellFacts';
import { folderMoves } from './folderMoves';
import { buildStepGraph, splitParametersCell } from './graph';
import type { CellFacts, ParametersStatement } from './graph';
import { runLineModule } from './python/ipython';
import { initPythonParser } from './python/parser';
import { globalDraws, mayCallSeed, seededGlobalRngs, unseededDraws } from './randomness';
import { withoutAccents } from '../util/words';

export interface NotebookAnalysis {
  /** By cell index: the cells that are not skipped. */
  readonly cells: ReadonlyMap<number, AnalysedCell>;
  /**
   * By parameters cell whose code on its parameters runs in a step (`cells` holds that code): the code above its
   * first line on them, which the shared module holds (see splitParametersCell).
   */
  readonly sharedParts?: ReadonlyMap<number, AnalysedCell>;
  readonly graph: StepGraph;
  /** Cell problems (syntax, IPython) then the graph's. */
  readonly problems: readonly Problem[];
  /**
   * The folders the promoted cells move to (`os.chdir("..")`, `%cd ..`), other than the notebook's, in the order
   * they do: relative to the notebook's folder, absolute, or from `~` (see folderMoves.ts).
   */
  readonly movesTo: readonly string[];
}

/** What the analysis is told of the notebook's surroundings (read from disk by the caller). */
export interface AnalysisContext {
  /** What each `from <m> import *` binds, for the modules of the notebook's own it could read (see localStarExports). */
  readonly starExports?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The modules `%run <m>.py` runs whose file has an `if __name__ == "__main__":` block (see localStarExports). */
  readonly runsMain?: ReadonlySet<string>;
}

/** What the analysis says of names a cell that does not parse, or that the reader refused, would have defined. */
export const FOLLOW_ON_NAME_CODES: ReadonlySet<string> = new Set(['name-undefined', 'name-defined-later', 'name-outside-steps']);

export async function analyseNotebook(notebook: Notebook, roles: TagResult, context: AnalysisContext = {}): Promise<NotebookAnalysis> {
  await initPythonParser();
  const byIndex = new Map(roles.cells.map((c) => [c.cellIndex, c]));
  const cells = new Map<number, AnalysedCell>();
  const problems: Problem[] = [];
  const skipped = (cell: NotebookCell): boolean => byIndex.get(cell.index)?.roles.includes('skip') === true;
  const all = notebook.cells.filter((cell) => cell.kind === 'code');
  const code = all.filter((cell) => !skipped(cell));
  const analysed = analyseCodeCells(all.map((cell) => cell.source));
  // Skipped cells are read too, only so that a name only they define gets a message that says so.
  const facts = new Map<number, CellFacts>();
  // Names the cells the pipeline keeps bind, from the top down to the cell being read.
  const boundAbove = new Set<string>();
  for (const [i, cell] of all.entries()) {
    const a = analysed[i];
    if (a === undefined) continue;
    facts.set(cell.index, a.facts);
    if (skipped(cell)) continue;
    cells.set(cell.index, a);
    for (const e of a.analysis.syntaxErrors) problems.push(cellProblem(notebook.path, cell, 'error', 'python-syntax', `${e.message}; fix the cell, or tag it skip to leave it out`, e.line, e.column));
    for (const t of a.analysis.translations) if (t.warning !== undefined && !unreadResult(t, analysed)) problems.push(cellProblem(notebook.path, cell, 'warning', `ipython-${t.kind}`, t.warning, t.line));
    for (const { pattern, message } of NAMESPACE_CHECKS) {
      if (!pattern.test(a.generated.code)) continue;
      const line = a.generated.code.split('\n').findIndex((text) => !/^\s*#/.test(text) && pattern.test(text));
      if (line !== -1) problems.push(cellProblem(notebook.path, cell, 'warning', 'namespace-check', message, line + 1));
    }
    // A step's cells may await at their top level (the step runs them as a coroutine); other code may not.
    const inStep = byIndex.get(cell.index)?.inStep !== undefined;
    for (const at of inStep ? [] : (a.analysis.topLevelAwaits ?? [])) {
      const message = '`await` (or `async for`/`async with`) outside a function: IPython runs it at the top of a cell, but this cell becomes module or function code where Python refuses it (only step cells run as a coroutine). Move it into a step, or put it in an `async def` and call that with `asyncio.run(...)`, or tag the cell skip';
      problems.push(cellProblem(notebook.path, cell, 'error', 'top-level-await', message, at.line, at.column));
    }
    // The runner gives a step no keyboard (stdin is empty): `input()` raises EOFError at every run. A cell above
    // binding the name (a parameter `input = 2.5`) makes it a value, not the builtin.
    for (const use of boundAbove.has('input') ? [] : a.analysis.builtinUses.filter((u) => u.name === 'input')) {
      const message = '`input()` waits for someone to type an answer: the notebook asked you, but a pipeline run has no keyboard, so this line stops every run with EOFError. Make the answer a parameter instead (a literal in the parameters cell, set with --param)';
      problems.push(cellProblem(notebook.path, cell, 'warning', 'reads-keyboard', message, use.line, use.column));
    }
    // `%run utils.py` is an import of its names, which does not run its `__main__` block (round 52 PP: 1009 for 13).
    for (const t of a.analysis.translations) {
      const ran = t.kind === 'line-magic' ? runLineModule(t.original) : undefined;
      if (ran === undefined || context.runsMain?.has(ran) !== true) continue;
      const message = `\`${t.original.trim()}\` ran the file's \`if __name__ == "__main__":\` block in the notebook; the generated code imports the file's names, which does not run that block: move what it does into a cell, or out of the block`;
      problems.push(cellProblem(notebook.path, cell, 'warning', 'run-main-block', message, t.line));
    }
    for (const use of a.analysis.ipythonUses) {
      const message = `\`${use.name}\` exists only inside IPython (a notebook kernel): the generated code stops with a NameError where it reads it. ${use.name === 'display' ? 'Call display(...) on a line of its own (it is then left out), or print the value' : 'Use the magic itself (%env, !cmd ...), which is translated, or plain Python'}`;
      problems.push(cellProblem(notebook.path, cell, 'warning', 'ipython-name', message, use.line, use.column));
    }
    for (const d of a.facts.defines) boundAbove.add(d.name);
  }
  // A parameters cell's code on its parameters (`np.random.seed(SEED)`) runs in the first step after it: that code
  // alone, the rest blanked, is what the step's module holds and what the graph reads.
  const moved = new Map<number, CellFacts>();
  const sharedParts = new Map<number, AnalysedCell>();
  // The parameters of the parameters cells so far: a cell continuing one (Kale) reads them too.
  const parameters = new Set<string>();
  for (const [i, cell] of all.entries()) {
    const a = analysed[i];
    if (a === undefined || skipped(cell) || byIndex.get(cell.index)?.roles.includes('parameters') !== true) continue;
    const split = splitParametersCell(a.facts, parameters);
    for (const name of split.parameters) parameters.add(name);
    if (split.moved.length === 0) {
      // Shared code beside the parameters (`k_range = range(2, 9)`, `warnings.filterwarnings("ignore")`): the
      // shared module holds it alone. Copies of the parameters there would stay at the notebook's values after a
      // --param, and read as the values in force (round 52 QQ4).
      if (split.shared.length > 0 && split.parameters.size > 0) cells.set(cell.index, withStatementsOnly(a.parsed, split.shared));
      continue;
    }
    const alone = withStatementsOnly(a.parsed, split.moved);
    moved.set(cell.index, alone.facts);
    cells.set(cell.index, alone);
    // The code above the first line on the parameters: the shared module's, as a cell of shared code alone is.
    if (split.shared.length > 0) sharedParts.set(cell.index, withStatementsOnly(a.parsed, split.shared));
  }
  const built = buildStepGraph(notebook, roles, facts, moved, context.starExports, new Map([...sharedParts].map(([index, part]) => [index, part.facts])));
  // What the checks of the code read: a split parameters cell's two parts, each on its lines.
  const checked = (index: number): string => withLinesOf(cells.get(index)?.generated.code ?? '', sharedParts.get(index)?.generated.code);
  // A cell that does not parse defines less than it meant to: names it would define, or words of a string
  // left open, would each be "used but never defined". Its syntax error is the one to fix first.
  const unparsed = problems.some((p) => p.code === 'python-syntax');
  const graph = unparsed ? { ...built, problems: built.problems.filter((p) => !FOLLOW_ON_NAME_CODES.has(p.code)) } : built;
  const leftOut = [...all.entries()].filter(([, cell]) => skipped(cell)).map(([i]) => analysed[i]?.generated.code ?? '');
  // (Nor is a draw in a cell that does not parse said: the call may be cut short by the error, round 62 JJJ.)
  const unparsedCells = new Set(problems.filter((p) => p.code === 'python-syntax').map((p) => p.cellIndex));
  for (const draw of unseededDraws(code.map((cell) => checked(cell.index)), leftOut)) {
    const cell = code[draw.text];
    if (cell !== undefined && !unparsedCells.has(cell.index)) problems.push(cellProblem(notebook.path, cell, 'warning', 'not-reproducible', draw.message, draw.line));
  }
  const codeOf = new Map(all.map((cell, i) => [cell, analysed[i]?.generated.code ?? '']));
  problems.push(...leftOutDraws(notebook.path, all, (cell) => codeOf.get(cell) ?? '', (cell) => byIndex.get(cell.index)?.roles ?? []));
  const moves = folderMoves(code.map((cell) => checked(cell.index)));
  const shared = new Set(graph.common.cells.map((c) => c.index));
  for (const move of moves) {
    const cell = code[move.text];
    // The shared code runs first, when the package is imported: the runtime puts the folder it moved to on sys.path.
    if (move.folder !== undefined || cell === undefined || shared.has(cell.index)) continue;
    const message =
      "os.chdir(...) moves to a folder known only when this runs: Jupyter imports from the current folder, but the generated module imports what it needs when the pipeline starts, before this line runs, so a module of that folder (`from src.features import ...` after `%cd ..`) is not found. Name the folder with a string (`os.chdir(\"..\")`), or move the line to the notebook's first cells (the shared code)";
    problems.push(cellProblem(notebook.path, cell, 'warning', 'chdir-unknown-folder', message, move.line));
  }
  const movesTo = [...new Set(moves.flatMap((m) => (m.folder === undefined || m.folder === '.' ? [] : [m.folder])))];
  return { cells, ...(sharedParts.size === 0 ? {} : { sharedParts }), graph, problems: [...problems, ...nonAsciiNames(notebook.path, code, cells, graph), ...graph.problems], movesTo };
}

/** `code` with the lines `other` holds where `code` has a blank line (two parts of one cell, each on its own lines). */
function withLinesOf(code: string, other: string | undefined): string {
  if (other === undefined) return code;
  const theirs = other.split('\n');
  return code.split('\n').map((line, i) => (line.trim() === '' ? (theirs[i] ?? line) : line)).join('\n');
}

/** Code that asks where it runs, which differs between a notebook and a generated module. */
const NAMESPACE_CHECKS: readonly { readonly pattern: RegExp; readonly message: string }[] = [
  {
    pattern: /__name__\s*==\s*["']__main__["']|["']__main__["']\s*==\s*__name__/,
    message: 'this line tests `__name__ == "__main__"`, true in a notebook and false in the generated module: the block it guards does not run there. Remove the test, or move the block out of it',
  },
  {
    pattern: /\b(?:globals|locals|vars)\(\s*\)/,
    message: "this line reads `globals()` or `locals()`: in the generated code that is a module's or a step function's namespace, not the notebook's, so names it looks for may be missing",
  },
];

/**
 * A parameters cell analysed with only `keep` of its top-level statements (its code on or beside its parameters):
 * the other lines (literal parameters, which pipeline.yaml holds, and comments) are left out of the generated
 * code, not kept as blank lines.
 */
function withStatementsOnly(parsed: string, keep: readonly ParametersStatement[]): AnalysedCell {
  const code = keepStatements(parsed, keep.map((k) => withComments(parsed, k.statement)));
  const alone = analyseCodeCell(code);
  const original = parsed.split('\n');
  const blankedLines = new Set<number>();
  code.split('\n').forEach((line, i) => {
    if (line.trim() === '' && (original[i] ?? '').trim() !== '') blankedLines.add(i + 1);
  });
  return { ...alone, generated: { ...alone.generated, blankedLines } };
}

/**
 * A statement's range with its comments: the one after it on its last line (`np.random.seed(0)  # reproducible`)
 * and the comment lines right above it (round 55 UU: both were dropped with the parameters around them).
 */
function withComments(source: string, range: { readonly start: number; readonly end: number }): { start: number; end: number } {
  const end = range.end + (/^[ \t]*#[^\n]*/.exec(source.slice(range.end))?.[0].length ?? 0);
  let start = range.start;
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  if (source.slice(lineStart, start).trim() !== '') return { start, end };
  for (let at = lineStart; at > 0; ) {
    const above = source.lastIndexOf('\n', at - 2) + 1;
    if (!/^[ \t]*#/.test(source.slice(above, at - 1))) break;
    start = above;
    at = above;
  }
  return { start, end };
}

/**
 * Names pipeline.yaml lists (parameters, what steps pass each other, the metrics' inputs) must be ASCII
 * identifiers, as its schema says. Python accepts `données = ...`; the runner would refuse the config, so
 * promotion refuses it first, on the cell that binds the name, with an ASCII spelling to use.
 */
export function nonAsciiNames(file: string, code: readonly NotebookCell[], cells: ReadonlyMap<number, AnalysedCell>, graph: StepGraph): Problem[] {
  const listed = [...graph.parameters.map((p) => p.name), ...graph.steps.flatMap((s) => [...s.inputs, ...s.outputs]), ...(graph.metrics?.inputs ?? [])];
  const problems: Problem[] = [];
  for (const name of new Set(listed)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const message = `${name} goes from one part of the pipeline to another, so pipeline.yaml names it, and names there are ASCII identifiers (its schema's rule, so that \`--param\`, shells and other tools can type them): rename it (${asciiSpelling(name)}, say) in the notebook`;
    const cell = code.find((c) => cells.get(c.index)?.facts.defines.some((d) => d.name === name) === true) ?? code[0];
    const site = cell === undefined ? undefined : cells.get(cell.index)?.facts.defines.find((d) => d.name === name);
    if (cell !== undefined) problems.push(cellProblem(file, cell, 'error', 'name-not-ascii', message, site?.line, site?.column));
  }
  return problems.sort((a, b) => (a.cellIndex ?? 0) - (b.cellIndex ?? 0) || (a.line ?? 0) - (b.line ?? 0));
}

/**
 * An ASCII name to suggest for a non-ASCII one: its letters without their accents (`données` gives `donnees`)
 * when that leaves an ASCII identifier, else `value`; a name made of underscores (`μ` gives `_`) reads worse
 * than a plain word.
 */
function asciiSpelling(name: string): string {
  const stripped = withoutAccents(name);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(stripped) && /[A-Za-z0-9]/.test(stripped) ? stripped : 'value';
}

export { cellProblem };

/**
 * A cell the pipeline leaves out (skip) or runs after it (a test cell) drawing from a global generator the
 * promoted cells seed, above a promoted cell drawing from it too (`df.sample(3)` to peek, between the seed and
 * the split): in the notebook the later draws came after this one's, in the pipeline they do not, so they give
 * other numbers. One warning per cell, at its first such draw.
 */
function leftOutDraws(file: string, cells: readonly NotebookCell[], codeOf: (cell: NotebookCell) => string, rolesOf: (cell: NotebookCell) => readonly string[]): Problem[] {
  const leftOut = (cell: NotebookCell): boolean => rolesOf(cell).includes('skip') || rolesOf(cell).includes('test');
  const promoted = cells.filter((cell) => !leftOut(cell));
  const seeded = new Set(promoted.flatMap((cell) => (mayCallSeed(codeOf(cell)) ? seededGlobalRngs(codeOf(cell), { anyLine: true }) : [])));
  if (seeded.size === 0) return [];
  const pandas = cells.some((cell) => /\bpandas\b/.test(codeOf(cell)));
  const drawsOf = new Map(cells.map((cell) => [cell, globalDraws(codeOf(cell), pandas).filter((d) => seeded.has(d.rng))]));
  const problems: Problem[] = [];
  for (const cell of cells.filter(leftOut)) {
    for (const draw of drawsOf.get(cell) ?? []) {
      const later = promoted.find((other) => other.index > cell.index && (drawsOf.get(other) ?? []).some((d) => d.rng === draw.rng));
      if (later === undefined) continue;
      const generator = draw.rng === 'numpy' ? "NumPy's global generator" : "the random module's global generator";
      const where = rolesOf(cell).includes('test') ? 'a test cell runs after the pipeline' : 'the pipeline leaves this skip cell out';
      const fix = draw.rng === 'numpy' ? 'Pass random_state=<a number> here (or draw from np.random.default_rng(<a number>))' : 'Draw from random.Random(<a number>) here';
      problems.push(cellProblem(file, cell, 'warning', 'left-out-draw', `${draw.call.replace(/\($/, '')}(...) draws from ${generator}, which the notebook seeds, and ${where}: from cell ${later.index + 1} on, the pipeline's draws are not the notebook's, so its numbers differ. ${fix}, or move this cell below the last draw`, draw.line));
      break;
    }
  }
  return problems;
}

/**
 * `timing = %timeit -o f()` (or `files = !ls`) whose result no cell reads: the generated code keeps the line as
 * a comment alone, so the warning that the name is None (or empty) would be about nothing (round 43 U).
 */
function unreadResult(t: { readonly kind: string; readonly original: string; readonly comment: string }, analysed: readonly { readonly generated: { readonly uses: ReadonlySet<string> } }[]): boolean {
  if ((t.kind !== 'line-magic' && t.kind !== 'shell') || !t.comment.startsWith('# nbpromote: removed ')) return false;
  const target = /^\s*([A-Za-z_]\w*)\s*=[^=]/.exec(t.original)?.[1];
  return target !== undefined && !analysed.some((a) => a.generated.uses.has(target));
}
