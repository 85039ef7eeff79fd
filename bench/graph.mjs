// `npm run bench -- graph`: the pipeline graph view's layout (`fittedLayout`, the same code the webview runs)
// for the 200-step pipeline of bench/promote.mjs's generated 5,000-cell notebook, against its peer in the same
// process: the dry-run promotion that builds that graph from the notebook. It prints the layout's time (the
// first run, cold, and the best of the rest), the promotion's, and their ratio: drawing the graph should cost
// a small part of what reading the notebook costs. Text sizes are estimated (the view measures them).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { root } from './_common.mjs';
import { makePipelineNotebook } from './_notebooks.mjs';

const runs = Number(process.env.NBPROMOTE_BENCH_RUNS ?? '5');
const width = Number(process.env.NBPROMOTE_BENCH_GRAPH_WIDTH ?? '1000');
const out = join(root, 'bench', 'out');
const work = join(tmpdir(), `nbpromote-bench-graph-${process.pid}`);
mkdirSync(out, { recursive: true });
mkdirSync(work, { recursive: true });
const runner = join(work, 'graphOnce.js');
await esbuild.build({ entryPoints: [join(root, 'bench', '_graphOnce.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', loader: { '.py': 'text' }, outfile: runner, logLevel: 'warning' });
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) copyFileSync(require.resolve(wasm), join(work, wasm.split('/')[1]));

const file = join(out, 'pipeline-5000.ipynb');
const text = makePipelineNotebook(5000);
if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);

const loadBefore = loadavg()[0];
const result = spawnSync(process.execPath, [runner, file, join(work, 'out'), String(runs), String(width)], { encoding: 'utf8' });
rmSync(work, { recursive: true, force: true });
if (result.status !== 0) {
  console.error(result.stderr);
  process.exit(1);
}
const r = JSON.parse(result.stdout.trim());
const [cold, ...rest] = r.times;
const best = rest.length === 0 ? cold : Math.min(...rest);
const ms = (n) => `${n.toFixed(1)} ms`;
console.log(`graph of bench/out/pipeline-5000.ipynb: ${r.nodes} nodes, ${r.edges} edges; panel ${width} px wide`);
console.log(`  laid out ${r.down ? 'top to bottom' : 'left to right'}, ${Math.round(r.width)} x ${Math.round(r.height)} px at scale ${r.scale.toFixed(2)}`);
console.log(`  layout, cold (first in the process)    ${ms(cold)}`);
console.log(`  layout, warm (best of ${rest.length})              ${ms(best)}`);
console.log(`  peer: the dry-run promotion making it  ${ms(r.promoteMs)}`);
console.log(`  layout / promotion                     ${(cold / r.promoteMs).toFixed(3)} cold, ${(best / r.promoteMs).toFixed(3)} warm`);
console.log(`\nnode ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after`);
