// Child process of bench/graph.mjs: promotes <file> once (a dry run, the peer: the analysis that makes the
// graph), then lays the graph out as the graph view does (`fittedLayout`: left to right, or top to bottom when
// that would shrink text below readable), `runs` times; prints one JSON line with the times.
// Text sizes are estimated (7 px a character, the view's line heights): the view measures them in the browser.
import { promoteNotebook } from '../src/core/promote/promote';
import { nodesAndEdges } from '../src/features/graph/graphData';
import { defaultLayoutOptions, fittedLayout } from '../src/features/graph/layout';

const [file, out, runsArg, widthArg] = process.argv.slice(2);
if (file === undefined || out === undefined) throw new Error('usage: _graphOnce <file> <out> [runs] [panel width]');
void main(file, out, Number(runsArg ?? '5'), Number(widthArg ?? '1000'));

async function main(notebook: string, outDir: string, runs: number, width: number): Promise<void> {
  let t0 = now();
  const outcome = await promoteNotebook({ notebook, cwd: process.cwd(), out: outDir, dryRun: true, toolVersion: 'bench' });
  const promoteMs = now() - t0;
  const graph = outcome.graph;
  if (graph === undefined) throw new Error('the notebook gave no graph');
  const { nodes, edges } = nodesAndEdges(graph);
  const textWidth = (text: string): number => 7 * text.length;
  const sized = nodes.map((n) => ({ id: n.id, width: Math.max(120, Math.max(textWidth(n.label), ...n.details.map(textWidth)) + 20), height: 16 + 18 + 15 * n.details.length }));
  const labels = edges.map((e) => ({ from: e.from, to: e.to, label: { width: Math.min(220, textWidth(e.names.join(', ') || 'after')) + 12, height: 15 * Math.max(1, Math.ceil((7 * e.names.join(', ').length) / 220)) + 6 } }));
  const times: number[] = [];
  let placed: ReturnType<typeof fittedLayout> | undefined;
  for (let i = 0; i < runs; i++) {
    t0 = now();
    placed = fittedLayout(sized, labels, width, defaultLayoutOptions);
    times.push(now() - t0);
  }
  console.log(JSON.stringify({ nodes: nodes.length, edges: edges.length, promoteMs, times, down: placed?.layout.down === true, width: placed?.layout.width, height: placed?.layout.height, scale: placed?.scale }));
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
