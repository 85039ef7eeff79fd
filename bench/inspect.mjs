// `npm run bench -- inspect`: read + validate + tag (nbpromote) against `nbconvert --to script` (the peer)
// on the same generated notebooks, in the same run. For each notebook it measures
//   (a) the whole `nbpromote inspect <file> --json > /dev/null` process as a user runs it: wall time, best
//       of NBPROMOTE_BENCH_RUNS (3), and the peak RSS of that process;
//   (b) the same work inside one process, after the code is loaded: cold (the first time, in a process
//       that reads the file once, whose peak RSS is reported too) and warm (best of 4 more in another);
//   (c) the peer's whole process: wall time, best of NBPROMOTE_BENCH_PEER_RUNS (1), and its peak RSS;
// and `node -e 0`, Node's own start and memory, so the table can show what the notebook itself costs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { makeImageNotebook, makeTextNotebook } from './_notebooks.mjs';
import { freshCli, measure, root } from './_common.mjs';

const out = join(root, 'bench', 'out');
// The runner's bundle goes outside the repository: bench/out/*.js would be linted.
const work = join(tmpdir(), `nbpromote-bench-${process.pid}`);
const python = process.env.NBPROMOTE_BENCH_PYTHON ?? '/usr/bin/python3';
const runs = Number(process.env.NBPROMOTE_BENCH_RUNS ?? '3');
const peerRuns = Number(process.env.NBPROMOTE_BENCH_PEER_RUNS ?? '1');

// The CLI a user runs (refused when older than the sources); the in-process runner is bundled here from the sources.
const { cli, production } = freshCli();
mkdirSync(out, { recursive: true });
mkdirSync(work, { recursive: true });
const runner = join(work, 'inspectOnce.js');
await esbuild.build({ entryPoints: [join(root, 'bench', '_inspectOnce.ts')], bundle: true, platform: 'node', target: 'node20', outfile: runner, logLevel: 'warning' });

const cases = [
  { name: 'images-5000', file: join(out, 'images-5000.ipynb'), make: () => makeImageNotebook(5000) },
  { name: 'text-20000', file: join(out, 'text-20000.ipynb'), make: () => makeTextNotebook(20000) },
];

const loadBefore = loadavg()[0];
const node = measure([process.execPath, '-e', '0'], runs, { work });
const results = [];
for (const c of cases) {
  if (!existsSync(c.file)) writeFileSync(c.file, c.make());
  const bytes = statSync(c.file).size;
  // --no-graph: read, validate and tag, the work this benchmark is about (no Python analysis).
  const whole = measure([process.execPath, cli, 'inspect', c.file, '--json', '--no-graph'], runs, { work });
  const cold = inProcess(c.file, 1);
  const warm = inProcess(c.file, 5);
  const peer = measure([python, '-m', 'nbconvert', '--to', 'script', '--stdout', '--log-level', 'ERROR', c.file], peerRuns, { work, env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  results.push({ ...c, bytes, whole, cold, warm, peer });
}
rmSync(work, { recursive: true, force: true });
print();



/** The in-process runner: its phases per run and its peak RSS. */
function inProcess(file, count) {
  const result = spawnSync(process.execPath, [runner, file, String(count)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`bench runner failed on ${file}: ${result.stderr}`);
  const report = JSON.parse(result.stdout.trim());
  const [first, ...rest] = report.times;
  const best = rest.length === 0 ? first : rest.reduce((a, b) => (b.total < a.total ? b : a));
  return { ...report, first, best };
}

function print() {
  const mb = (n) => (n === undefined ? 'n/a' : `${(n / 1e6).toFixed(0)} MB`);
  const ms = (n) => (n === undefined ? 'n/a' : `${n.toFixed(0)} ms`);
  const times = (n, d) => (n === undefined || d === undefined ? 'n/a' : `${(n / d).toFixed(1)}x`);
  const rows = [['', ...results.map((r) => r.name)]];
  const row = (label, f) => rows.push([label, ...results.map(f)]);
  row('file', (r) => `${(r.bytes / 1e6).toFixed(1)} MB, ${r.cold.cells} cells`);
  row('whole process, wall (best)', () => '');
  row('  nbpromote inspect --json', (r) => r.whole.error ?? ms(r.whole.ms));
  row('  nbconvert --to script', (r) => r.peer.error ?? ms(r.peer.ms));
  row('  nbconvert / nbpromote', (r) => times(r.peer.ms, r.whole.ms));
  row('  CPU user+sys: nbpromote, nbconvert', (r) => `${ms(r.whole.cpu)}, ${ms(r.peer.cpu)}`);
  row('in one process, after loading', () => '');
  row('  cold: read + parse + validate', (r) => ms(r.cold.first.parse));
  row('        tag', (r) => ms(r.cold.first.tag));
  row('        JSON report', (r) => ms(r.cold.first.report));
  row('        total', (r) => ms(r.cold.first.total));
  row('  warm: total (best of 4)', (r) => ms(r.warm.best.total));
  row('  nbconvert / cold total', (r) => times(r.peer.ms, r.cold.first.total));
  row('peak RSS', () => '');
  row('  nbpromote inspect process', (r) => `${mb(r.whole.peak)}, ${times(r.whole.peak, r.bytes)} the file`);
  row(`  minus node -e 0 (${mb(node.peak)})`, (r) => (r.whole.peak === undefined || node.peak === undefined ? 'n/a' : `${mb(r.whole.peak - node.peak)}, ${times(r.whole.peak - node.peak, r.bytes)} the file`));
  row('  in one process, cold run', (r) => `${mb(r.cold.maxRssBytes)}; ${mb(r.cold.maxRssBytes - r.cold.startRssBytes)} above its start`);
  row('  nbconvert process', (r) => mb(r.peer.peak));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ').trimEnd());
  console.log(
    `\nnode ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after` +
      (Math.max(loadBefore, loadavg()[0]) > cpus().length / 2 ? ' (other work was running: times are noisy, run again when the machine is idle)' : '') +
      `\nnbpromote: dist/cli.js, ${production ? 'a production build (what the package ships)' : 'a development build (`npm run build:production` builds what the package ships)'}, ${runs} runs; peer: ${python} -m nbconvert, ${peerRuns} run(s)` +
      `\ntargets: whole process at least 10x faster than nbconvert; peak RSS at most 3x the file size` +
      `\nnode -e 0: ${ms(node.ms)}, ${mb(node.peak)}`,
  );
}
