/**
 * From a notebook's pipeline status (its step graph) to what the graph webview draws: nodes for the
 * parameters, the steps and the metrics; one edge per from → to pair with the names it passes (past
 * MAX_PARAMETER_EDGES steps taking parameters, each step's box names its parameters instead). Test cells are
 * left out. Pure: no `vscode`.
 */
import type { ParamShape } from '../../core/contract/pipelineConfig';
import { formatProblem } from '../../core/contract/problem';
import { jsonWithFloats } from '../../core/pipeline/paramText';
import type { StepGraph } from '../../core/contract/stepGraph';
import { cellsLabel } from '../../core/util/words';
import type { PipelineStatus } from '../pipelines/status';
import { statusDescription } from '../pipelines/status';
import type { GraphData, GraphEdge, GraphNode } from './protocol';

/** At most this many parameter or metric lines in a node box; the rest are counted. */
const MAX_DETAIL_LINES = 6;

/**
 * Past this many steps taking parameters, the parameters are named on each step's box instead of one edge each
 * from the parameters node: 200 such edges crossing the whole drawing made it 50,000 px wide, 10,000 high and
 * took the renderer half a minute to lay out.
 */
export const MAX_PARAMETER_EDGES = 8;

/** Parameter names shown on a step's box; the rest are counted. */
const NAMED_PARAMETERS = 3;

export function graphData(title: string, status: PipelineStatus): GraphData {
  const graph = status.graph;
  const problems = status.problems.filter((p) => p.severity === 'error').map((p) => formatProblem(p));
  if (status.note !== undefined && status.state === 'failed') problems.unshift(status.note);
  const header = `pipeline ${status.packageName} · ${statusDescription(status)}`;
  if (graph === undefined) return { title, status: header, nodes: [], edges: [], problems };
  return { title, status: header, ...nodesAndEdges(graph, new Set(status.changedSteps)), problems };
}

export function nodesAndEdges(graph: StepGraph, changed: ReadonlySet<string> = new Set()): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const usesParameters = graph.parameters.length > 0 || graph.edges.some((e) => e.from === 'parameters');
  // The parameters each step takes; named on the steps (no edges) when there are many such steps.
  const stepParameters = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.from !== 'parameters' || !graph.steps.some((s) => s.name === edge.to)) continue;
    const names = stepParameters.get(edge.to) ?? [];
    if (!names.includes(edge.name)) names.push(edge.name);
    stepParameters.set(edge.to, names);
  }
  const parametersOnSteps = stepParameters.size > MAX_PARAMETER_EDGES;
  if (usesParameters) {
    const lines = graph.parameters.map((p) => `${p.name} = ${formatDefault(p.default, p)}`);
    const usedBy = parametersOnSteps ? [`used by ${stepParameters.size} steps (named on each)`] : [];
    nodes.push({ id: 'parameters', kind: 'parameters', label: 'parameters', details: [...capped(lines), ...usedBy], tooltip: ['parameters', ...lines, ...usedBy].join('\n'), changed: false });
  }
  for (const step of graph.steps) {
    const cells = step.cells.map((c) => c.index + 1);
    const where = cellsLabel(cells);
    const isChanged = changed.has(step.name);
    const parameters = parametersOnSteps ? (stepParameters.get(step.name) ?? []) : [];
    nodes.push({
      id: step.name,
      kind: 'step',
      label: step.name,
      details: [isChanged ? `${where} · changed` : where, ...(parameters.length > 0 ? [parameterLine(parameters)] : [])],
      tooltip: [`step ${step.name} (${where})`, `inputs: ${step.inputs.join(', ') || 'none'}`, `outputs: ${step.outputs.join(', ') || 'none'}`, isChanged ? 'changed since the last promotion' : '', 'Click to open the cell.'].filter((l) => l !== '').join('\n'),
      changed: isChanged,
    });
  }
  const metricNames = [...new Set(graph.edges.filter((e) => e.to === 'metrics').map((e) => e.name))];
  if (graph.metrics !== undefined || metricNames.length > 0) {
    const cells = (graph.metrics?.cells ?? []).map((c) => c.index + 1);
    nodes.push({
      id: 'metrics',
      kind: 'metrics',
      label: 'metrics',
      details: capped(metricNames.length > 0 ? metricNames : cells.length > 0 ? [cellsLabel(cells)] : []),
      tooltip: ['metrics', ...(cells.length > 0 ? [cellsLabel(cells)] : []), ...(metricNames.length > 0 ? [`uses ${metricNames.join(', ')}`] : [])].join('\n'),
      changed: false,
    });
  }

  const ids = new Set(nodes.map((n) => n.id));
  const grouped = new Map<string, { from: string; to: string; names: string[]; explanations: string[] }>();
  for (const edge of graph.edges) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) continue;
    if (parametersOnSteps && edge.from === 'parameters') continue;
    const key = `${edge.from}\u0000${edge.to}`;
    const group = grouped.get(key) ?? { from: edge.from, to: edge.to, names: [], explanations: [] };
    grouped.set(key, group);
    if (!group.names.includes(edge.name)) group.names.push(edge.name);
    group.explanations.push(edge.explanation);
  }
  // Order without data (`after:` tags), where no path of edges gives it already.
  for (const step of graph.steps) {
    for (const before of step.after) {
      if (!ids.has(before) || reaches([...grouped.values()], before, step.name)) continue;
      grouped.set(`${before}\u0000${step.name}`, { from: before, to: step.name, names: [], explanations: [`${step.name} runs after ${before} (after: tag)`] });
    }
  }
  return { nodes, edges: [...grouped.values()] };
}

/** Is there a path of edges from `from` to `to`? */
function reaches(edges: readonly { readonly from: string; readonly to: string }[], from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const e of edges) {
      if (e.from !== at || seen.has(e.to)) continue;
      if (e.to === to) return true;
      seen.add(e.to);
      queue.push(e.to);
    }
  }
  return false;
}

/** "parameters: seed, scale, n_rows +2". */
function parameterLine(names: readonly string[]): string {
  const shown = names.slice(0, NAMED_PARAMETERS).join(', ');
  return `parameters: ${shown}${names.length > NAMED_PARAMETERS ? ` +${names.length - NAMED_PARAMETERS}` : ''}`;
}

function capped(lines: readonly string[]): string[] {
  return lines.length <= MAX_DETAIL_LINES ? [...lines] : [...lines.slice(0, MAX_DETAIL_LINES - 1), `… ${lines.length - MAX_DETAIL_LINES + 1} more`];
}

/** A parameter's default as the notebook writes it: `"a"`, `None`, `True`, and a float parameter's `1.0` (not `1`). */
function formatDefault(value: unknown, shape: ParamShape): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === null ? 'None' : value === true ? 'True' : value === false ? 'False' : jsonWithFloats(value, shape);
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}
