/**
 * What `nbpromote inspect` and the Pipelines view show: a notebook read, validated and tagged in one pass.
 */
import type { Notebook } from '../contract/notebook';
import type { Problem } from '../contract/problem';
import type { CellRoles, StepInfo, TagResult } from '../contract/roles';
import { hasErrors } from '../contract/problem';
import { parseNotebook } from '../notebook/parse';
import type { ParseResult } from '../contract/notebook';
import type { StepGraph } from '../contract/stepGraph';
import { analyseNotebook, FOLLOW_ON_NAME_CODES } from '../analysis/analyseNotebook';
import { readRoles } from '../tags/roles';
import { localStarExports } from '../promote/localModules';
import { withStepImports } from '../scaffold/plan';
import { dirname, resolve } from 'node:path';

export interface Inspection {
  readonly file: string;
  /** Undefined when the file could not be read as a notebook at all. */
  readonly notebook: Notebook | undefined;
  /** Undefined when there is no notebook to tag. */
  readonly roles: TagResult | undefined;
  /** Reader problems first, then tag problems, each group in cell order. */
  readonly problems: readonly Problem[];
  readonly ok: boolean;
}

export function inspectText(text: string, file: string): Inspection {
  return inspectParsed(parseNotebook(text, file), file);
}

/** What `inspectText` does after parsing, for a notebook parsed some other way (from its bytes, say). */
export function inspectParsed(parsed: ParseResult, file: string): Inspection {
  const roles = parsed.notebook === undefined ? undefined : readRoles(parsed.notebook);
  const problems = [...parsed.problems, ...(roles?.problems ?? [])];
  return { file, notebook: parsed.notebook, roles, problems, ok: !hasErrors(problems) };
}

/**
 * The inspection with the step graph: each step's inputs and outputs and every edge with its explanation,
 * and the analysis' problems (syntax, names nothing defines ...). Only for a notebook that has steps.
 */
export async function inspectWithGraph(inspection: Inspection): Promise<{ inspection: Inspection; graph: StepGraph | undefined }> {
  const { notebook, roles } = inspection;
  if (notebook === undefined || roles === undefined || roles.steps.length === 0) return { inspection, graph: undefined };
  const analysis = await analyseNotebook(notebook, roles, await localStarExports(dirname(resolve(inspection.file)), notebook));
  // A cell the reader refused (no source, an unknown cell type) defines nothing: what later cells use of it would
  // each be "no cell before it defines it" (round 66 QQQ). Its own error is the one to fix first, as promote says.
  // (Not a tag's error: the code's problems are said beside it.)
  const refusedCell = inspection.problems.some((p) => p.severity === 'error' && p.cellIndex !== undefined && (p.code === 'schema' || p.code === 'cell-type-unknown'));
  const problems = [...inspection.problems, ...analysis.problems.filter((p) => !refusedCell || !FOLLOW_ON_NAME_CODES.has(p.code))];
  // As promotion has it: a function or class a step defines at its module's top is imported by the steps calling
  // it, not an output of the step and an input of theirs (round 74 HIH: inspect and promote told two flows).
  const graph = withStepImports(analysis.graph, new Map([...analysis.cells].map(([i, a]) => [i, a.generated])));
  return { inspection: { ...inspection, problems, ok: !hasErrors(problems) }, graph };
}

/** The stable JSON shape of `nbpromote inspect --json` (documented in docs/cli.md). */
export interface InspectionJson {
  readonly file: string;
  readonly ok: boolean;
  readonly format: string | null;
  readonly nbformat: string | null;
  readonly upgradedFrom: number | null;
  readonly conventions: readonly string[];
  readonly hasRoles: boolean;
  readonly defaultExp: string | null;
  readonly cells: readonly CellJson[];
  readonly steps: readonly StepJson[];
  readonly parameters: readonly { readonly name: string; readonly type: string; readonly default: unknown }[];
  /** What flows between steps, each with its explanation; empty when the notebook has no steps. */
  readonly edges: readonly { readonly from: string; readonly to: string; readonly name: string; readonly explanation: string }[];
  readonly problems: readonly ProblemJson[];
}

export interface CellJson {
  readonly index: number;
  readonly id: string | null;
  readonly kind: string;
  readonly roles: readonly string[];
  readonly step: string | null;
  readonly inStep: string | null;
  readonly preamble: boolean;
  readonly after: readonly string[];
  readonly tags: readonly string[];
  readonly directives: readonly string[];
  readonly firstLine: string;
}

export interface StepJson {
  readonly name: string;
  readonly cells: readonly number[];
  readonly cellIds: readonly (string | null)[];
  readonly after: readonly string[];
  /** From the step graph: the values the step takes and gives (empty without a graph). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface ProblemJson {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly cell: number | null;
  readonly cellId: string | null;
  readonly line: number | null;
  readonly column: number | null;
  /** The line in the file, for a percent script's cells. */
  readonly fileLine: number | null;
}

export function inspectionToJson(inspection: Inspection, graph?: StepGraph): InspectionJson {
  const { notebook, roles } = inspection;
  const byIndex = new Map<number, CellRoles>((roles?.cells ?? []).map((c) => [c.cellIndex, c]));
  return {
    file: inspection.file,
    ok: inspection.ok,
    format: notebook?.format ?? null,
    nbformat: notebook === undefined ? null : `${notebook.nbformat}.${notebook.nbformatMinor}`,
    upgradedFrom: notebook?.upgradedFrom ?? null,
    conventions: roles?.conventions ?? [],
    hasRoles: roles?.hasRoles ?? false,
    defaultExp: roles?.defaultExp ?? null,
    cells: (notebook?.cells ?? []).map((cell) => {
      const cr = byIndex.get(cell.index);
      return {
        index: cell.index,
        id: cell.id ?? null,
        kind: cell.kind,
        roles: cr?.roles ?? [],
        step: cr?.stepName ?? null,
        inStep: cr?.inStep ?? null,
        preamble: cr?.preamble ?? false,
        after: cr?.after ?? [],
        tags: cell.tags,
        directives: (cr?.sources ?? []).filter((s) => s.from === 'directive').map((s) => s.raw),
        firstLine: firstLine(cell.source),
      };
    }),
    steps: (roles?.steps ?? []).map((step) => stepToJson(step, graph)),
    parameters: (graph?.parameters ?? []).map((p) => ({ name: p.name, type: p.type, default: p.default })),
    edges: (graph?.edges ?? []).map((e) => ({ from: e.from, to: e.to, name: e.name, explanation: e.explanation })),
    problems: inspection.problems.map(problemToJson),
  };
}

function stepToJson(step: StepInfo, graph: StepGraph | undefined): StepJson {
  const node = graph?.steps.find((s) => s.name === step.name);
  return { name: step.name, cells: step.cellIndices, cellIds: step.cellIds.map((id) => id ?? null), after: step.after, inputs: node?.inputs ?? [], outputs: node?.outputs ?? [] };
}

export function problemToJson(p: Problem): ProblemJson {
  return {
    severity: p.severity,
    code: p.code,
    message: p.message,
    file: p.file,
    cell: p.cellIndex ?? null,
    cellId: p.cellId ?? null,
    line: p.line ?? null,
    column: p.column ?? null,
    fileLine: p.fileLine ?? null,
  };
}

/** The first line of a cell's source, shortened to `max` characters with an ellipsis. */
export function firstLine(source: string, max = 80): string {
  const line = (source.split('\n', 1)[0] ?? '').trimEnd();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
