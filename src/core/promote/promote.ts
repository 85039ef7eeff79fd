/**
 * `nbpromote promote`: read and check the notebook, analyse its cells, build the step graph, plan the
 * package and (unless dry-run) apply the plan atomically. Writes nothing when anything is wrong.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import type { FileAction } from '../io/apply';
import { applyPlan, cleanStaleTemps, planActions, planDirectories } from '../io/apply';
import type { Problem } from '../contract/problem';
import { hasErrors } from '../contract/problem';
import type { StepGraph } from '../contract/stepGraph';
import type { NotebookCell } from '../contract/notebook';
import { inspectText } from '../inspect/inspect';
import type { Inspection } from '../inspect/inspect';
import { analyseCodeCell } from '../analysis/cellFacts';
import type { AnalysedCell } from '../analysis/cellFacts';
import { buildStepGraph } from '../analysis/graph';
import type { CellFacts } from '../analysis/graph';
import { expectedMetricsFromOutputs } from '../analysis/expectedMetrics';
import type { ExpectedMetric, MetricsCellInfo } from '../analysis/expectedMetrics';
import { initPythonParser } from '../analysis/python/parser';
import type { Execution, MetricsProbe, StepProbe } from './execute';
import { planPromotion } from '../scaffold/plan';
import type { GeneratedCell } from '../scaffold/plan';
import { runtimeSource } from '../scaffold/runtimeSource';
import { isIdentifier, PYTHON_KEYWORDS } from '../tags/names';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { NbpromoteError } from '../errors';

export interface PromoteRequest {
  /** The notebook as the user named it (used in messages). */
  readonly notebook: string;
  /** The folder relative paths are resolved from. */
  readonly cwd: string;
  /** The output root; default: cwd. */
  readonly out?: string;
  readonly packageName?: string;
  readonly dryRun?: boolean;
  readonly toolVersion: string;
  /** What a run of the notebook gave (`--execute`): exact metrics, the types and shapes of step outputs. */
  readonly executed?: Execution;
  readonly logger?: Logger;
}

export interface PromotedFile {
  readonly path: string;
  readonly action: FileAction | 'would-create' | 'would-change';
  readonly why: string;
}

export interface PromoteOutcome {
  readonly ok: boolean;
  readonly package?: string;
  readonly version?: string;
  readonly outDir: string;
  readonly files: readonly PromotedFile[];
  readonly graph?: StepGraph;
  readonly inspection?: Inspection;
  readonly problems: readonly Problem[];
  /** Metric names and values the generated test will expect. */
  readonly expectedMetrics: Readonly<Record<string, number>>;
  /** What `--execute` needs to read the metrics from a run of the notebook. */
  readonly metricsProbe?: MetricsProbe;
  /** What `--execute` records of each step: its outputs after its last cell. */
  readonly stepProbes?: readonly StepProbe[];
}

export async function promoteNotebook(request: PromoteRequest): Promise<PromoteOutcome> {
  const log = request.logger ?? silentLogger;
  const notebookPath = resolve(request.cwd, request.notebook);
  const outDir = resolve(request.cwd, request.out ?? '.');
  const fail = (problems: readonly Problem[], inspection?: Inspection): PromoteOutcome => ({
    ok: false,
    outDir,
    files: [],
    problems,
    expectedMetrics: {},
    ...(inspection === undefined ? {} : { inspection }),
  });

  let text: string;
  try {
    text = await readFile(notebookPath, 'utf8');
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    return fail([{ severity: 'error', code: 'unreadable', message: code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(ex)})`, file: request.notebook }]);
  }
  const inspection = inspectText(text, request.notebook);
  const { notebook, roles } = inspection;
  if (!inspection.ok || notebook === undefined || roles === undefined) return fail(inspection.problems, inspection);
  if (roles.steps.length === 0) {
    return fail(
      [
        ...inspection.problems.filter((p) => p.severity !== 'info'),
        {
          severity: 'error',
          code: 'no-steps',
          message:
            'no cell starts a step, so there is nothing to promote. Tag the first code cell of each step `step:<name>` (a cell tag, or a first line `#| step: <name>`); untagged cells below it join it. Tag shared imports `imports`, shared functions `functions`, the parameters cell `parameters`, the metrics cell `metrics`. See docs/tags.md.',
          file: request.notebook,
        },
      ],
      inspection,
    );
  }

  const packageName = request.packageName ?? packageNameFor(notebookPath);
  if (!isIdentifier(packageName) || PYTHON_KEYWORDS.has(packageName)) {
    throw new NbpromoteError('usage', `--package ${JSON.stringify(packageName)} is not a Python identifier (letters, digits and _; not starting with a digit; not a keyword)`);
  }

  await initPythonParser();
  const byIndex = new Map(roles.cells.map((c) => [c.cellIndex, c]));
  const analysed = new Map<number, AnalysedCell>();
  const problems: Problem[] = [...inspection.problems.filter((p) => p.severity !== 'info')];
  for (const cell of notebook.cells) {
    if (cell.kind !== 'code') continue;
    const cr = byIndex.get(cell.index);
    if (cr?.roles.includes('skip')) continue;
    const a = analyseCodeCell(cell.source);
    analysed.set(cell.index, a);
    for (const e of a.analysis.syntaxErrors) problems.push(cellProblem(request.notebook, cell, 'error', 'python-syntax', `${e.message}; fix the cell, or tag it skip to leave it out`, e.line, e.column));
    for (const t of a.analysis.translations) if (t.warning !== undefined) problems.push(cellProblem(request.notebook, cell, 'warning', `ipython-${t.kind}`, t.warning, t.line));
  }
  const facts = new Map<number, CellFacts>([...analysed].map(([i, a]) => [i, a.facts]));
  const graph = buildStepGraph(notebook, roles, facts);
  problems.push(...graph.problems);
  log.debug(`graph: ${graph.steps.length} steps, ${graph.edges.length} edges`);
  if (hasErrors(problems)) return { ...fail(problems, inspection), graph };

  const metricsCells: (MetricsCellInfo & { readonly printed: readonly string[] })[] = (graph.metrics?.cells ?? []).flatMap((ref) => {
    const cell = notebook.cells.find((c) => c.index === ref.index);
    const a = analysed.get(ref.index);
    if (cell === undefined || a === undefined) return [];
    const trailing = a.analysis.trailingExpression;
    return [
      {
        cell,
        assigned: a.facts.assignments.map((x) => x.name),
        ...(trailing === undefined ? {} : { trailingText: trailing.text }),
        printedNames: a.analysis.prints.map((p) => p.args.trim()).filter((arg) => /^[A-Za-z_]\w*$/.test(arg)),
        printed: a.generated.printedNames,
      },
    ];
  });
  const shown = expectedMetricsFromOutputs(metricsCells);
  const { expected, decimals } = expectedFrom(shown, request.executed?.metrics);

  const generated = new Map<number, GeneratedCell>([...analysed].map(([i, a]) => [i, a.generated]));
  const relNotebook = toPosix(relative(outDir, notebookPath));
  const workdir = toPosix(relative(outDir, dirname(notebookPath))) || '.';
  if (relNotebook.startsWith('../')) {
    problems.push({ severity: 'info', code: 'notebook-outside-out', message: `the notebook is outside the output folder ${outDir}; pipeline.yaml refers to it as ${relNotebook}`, file: request.notebook });
  }
  const plans = planPromotion({
    notebook,
    graph,
    cells: generated,
    packageName,
    version: '0.1.0',
    toolVersion: request.toolVersion,
    notebookPath: relNotebook,
    workdir,
    sharedModule: roles.defaultExp !== undefined && isIdentifier(roles.defaultExp) && !['pipeline', 'metrics', 'steps'].includes(roles.defaultExp) ? roles.defaultExp : 'common',
    ...(Object.keys(expected).length === 0 ? {} : { expectedMetrics: expected }),
    ...(Object.keys(decimals).length === 0 ? {} : { shownDecimals: decimals }),
    runtimeSource,
    ...(request.executed === undefined ? {} : { recorded: request.executed.outputs }),
  });
  const why = new Map(plans.map((p) => [p.path, p.why]));
  let files: PromotedFile[];
  if (request.dryRun === true) {
    const actions = await planActions(outDir, plans);
    files = actions.files.map((f) => ({ path: f.path, action: f.action === 'created' ? 'would-create' : f.action === 'changed' ? 'would-change' : f.action, why: why.get(f.path) ?? '' }));
  } else {
    await cleanStaleTemps(outDir, planDirectories(plans));
    const applied = await applyPlan(outDir, plans, { logger: log });
    files = applied.files.map((f) => ({ path: f.path, action: f.action, why: why.get(f.path) ?? '' }));
  }
  const lastMetrics = metricsCells[metricsCells.length - 1];
  const metricsProbe: MetricsProbe | undefined =
    lastMetrics === undefined
      ? undefined
      : { afterCell: lastMetrics.cell.index, names: [...new Set(metricsCells.flatMap((m) => [...m.assigned, ...m.printed]))], shown: analysed.get(lastMetrics.cell.index)?.generated.trailingExpression !== undefined };
  const stepProbes: StepProbe[] = graph.steps.flatMap((step) => {
    const last = step.cells[step.cells.length - 1];
    return last === undefined || step.outputs.length === 0 ? [] : [{ step: step.name, afterCell: last.index, outputs: step.outputs }];
  });
  return { ok: true, package: packageName, version: '0.1.0', outDir, files, graph, inspection, problems, expectedMetrics: expected, stepProbes, ...(metricsProbe === undefined ? {} : { metricsProbe }) };
}

function expectedFrom(shown: ReadonlyMap<string, ExpectedMetric>, executed: ReadonlyMap<string, number> | undefined): { expected: Record<string, number>; decimals: Record<string, number> } {
  const expected: Record<string, number> = {};
  const decimals: Record<string, number> = {};
  if (executed !== undefined && executed.size > 0) {
    for (const [name, value] of executed) expected[name] = value;
    return { expected, decimals };
  }
  for (const [name, metric] of shown) {
    expected[name] = metric.value;
    if (metric.decimals !== undefined) decimals[name] = metric.decimals;
  }
  return { expected, decimals };
}

/** `churn-native.ipynb` -> `churn_native`; `01 Sales (v2).py` -> `sales_v2`. */
export function packageNameFor(notebookPath: string): string {
  const stem = basename(notebookPath).replace(/\.(ipynb|py)$/i, '').replace(/\.pct$/i, '');
  let name = stem
    .normalize('NFKD')
    .replace(/[^\w]+/g, '_')
    .replace(/[^A-Za-z0-9_]/g, '')
    .replace(/^[\d_]+/, '')
    .replace(/_+/g, '_')
    .replace(/_$/, '')
    .toLowerCase();
  if (name === '') name = 'notebook';
  if (PYTHON_KEYWORDS.has(name)) name = `${name}_pipeline`;
  return name;
}

function cellProblem(file: string, cell: NotebookCell, severity: Problem['severity'], code: string, message: string, line?: number, column?: number): Problem {
  return {
    severity,
    code,
    message,
    file,
    cellIndex: cell.index,
    ...(cell.id === undefined ? {} : { cellId: cell.id }),
    ...(line === undefined ? {} : { line }),
    ...(column === undefined ? {} : { column }),
    ...(cell.fileLine === undefined || line === undefined ? {} : { fileLine: cell.fileLine + line - 1 }),
  };
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
