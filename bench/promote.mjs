// `npm run bench -- promote`: analysis and generation (nbpromote promote) against `nbconvert --to script` (the
// peer) on the same generated 5,000-cell notebook, in the same run. It measures
//   (a) the promote pipeline inside one process, through promoteNotebook, after the code is loaded: a dry run
//       (read + parse + validate + tag + analyse every cell + step graph + plan) cold, in a process that
//       promotes once (its peak RSS is reported too), and warm (best of 4 more in another process); and one
//       real promotion that writes the package into an empty temporary folder;
//   (b) the whole `nbpromote promote <file> --out <empty tmp> --json > /dev/null` process as a user runs it,
//       and the same with --dry-run: wall time, best of NBPROMOTE_BENCH_RUNS (3), and peak RSS;
//   (c) the peer's whole process, `python3 -m nbconvert --to script --stdout`: best of
//       NBPROMOTE_BENCH_PEER_RUNS (3), and its peak RSS;
// and `node -e 0`, Node's own start and memory, so the table can show what promoting itself costs.
// The notebook is written to bench/out/ (git-ignored) and must promote without errors: the run stops if not.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { freshCli, measure, root } from './_common.mjs';
import { makePipelineNotebook } from './_notebooks.mjs';

const out = join(root, 'bench', 'out');
// The runner's bundle and the promoted packages go outside the repository: bench/out/*.js would be linted.
const work = join(tmpdir(), `nbpromote-bench-promote-${process.pid}`);
const python = process.env.NBPROMOTE_BENCH_PYTHON ?? '/usr/bin/python3';
const runs = Number(process.env.NBPROMOTE_BENCH_RUNS ?? '3');
const peerRuns = Number(process.env.NBPROMOTE_BENCH_PEER_RUNS ?? '3');
const warmRuns = 4;
const cellCount = 5000;

// The CLI a user runs (refused when older than the sources); the in-process runner is bundled here from the sources.
const { cli, production } = freshCli();
mkdirSync(out, { recursive: true });
mkdirSync(work, { recursive: true });
const runner = join(work, 'promoteOnce.js');
await esbuild.build({
  entryPoints: [join(root, 'bench', '_promoteOnce.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  loader: { '.py': 'text' },
  outfile: runner,
  logLevel: 'warning',
});
// The Python parser looks for its WebAssembly files next to the bundle (as esbuild.mjs ships them in dist/).
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  copyFileSync(require.resolve(wasm), join(work, wasm.split('/')[1]));
}

const file = join(out, `pipeline-${cellCount}.ipynb`);
const text = makePipelineNotebook(cellCount);
if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
const bytes = statSync(file).size;

const loadBefore = loadavg()[0];
const node = measure([process.execPath, '-e', '0'], runs, { work });
const cold = inProcess(['dry', file, freshDir('dry'), '1']);
if (!cold.ok || cold.errors > 0) {
  console.error(`the generated notebook does not promote: ${cold.errors} error(s), first: ${JSON.stringify(cold.firstError)}`);
  process.exit(1);
}
const warm = inProcess(['dry', file, freshDir('dry'), String(warmRuns + 1)]);
const written = inProcess(['write', file, freshDir('write')]);
const check = checkCli(file);
const whole = measure(() => [process.execPath, cli, 'promote', file, '--out', freshDir('cli'), '--json'], runs, { work });
const wholeDry = measure(() => [process.execPath, cli, 'promote', file, '--out', freshDir('cli-dry'), '--dry-run', '--json'], runs, { work });
const peer = measure([python, '-m', 'nbconvert', '--to', 'script', '--stdout', '--log-level', 'ERROR', file], peerRuns, { work, env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
rmSync(work, { recursive: true, force: true });
print();

/** A new empty folder under the work folder (promote writes into it, or compares with it on a dry run). */
function freshDir(label) {
  return mkdtempSync(join(work, `${label}-`));
}


/** One run of the CLI with its JSON kept: what a user sees (ok, problems, files), to check the timed runs did the work. */
function checkCli(notebook) {
  const result = spawnSync(process.execPath, [cli, 'promote', notebook, '--out', freshDir('check'), '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const doc = JSON.parse(result.stdout);
  const problems = doc.problems.filter((p) => p.severity !== 'info');
  return { status: result.status, ok: doc.ok, files: doc.files.length, steps: doc.steps.length, edges: doc.edges.length, problems: problems.length, errors: problems.filter((p) => p.severity === 'error').length, jsonBytes: result.stdout.length };
}


/** The in-process runner's report: its times (the first is cold), problems, graph size and peak RSS. */
function inProcess(args) {
  const result = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`bench runner failed (${args.join(' ')}): ${result.stderr}`);
  const report = JSON.parse(result.stdout.trim());
  const [first, ...rest] = report.times;
  return { ...report, first, best: rest.length === 0 ? first : Math.min(...rest) };
}

function print() {
  const mb = (n) => (n === undefined ? 'n/a' : `${(n / 1e6).toFixed(0)} MB`);
  const ms = (n) => (n === undefined ? 'n/a' : `${n.toFixed(0)} ms`);
  const times = (n, d) => (n === undefined || d === undefined ? 'n/a' : `${(n / d).toFixed(1)}x`);
  const rows = [];
  const row = (label, value = '') => rows.push([label, value]);
  row(`notebook: ${file.slice(root.length)}`, `${(bytes / 1e6).toFixed(1)} MB, ${cold.cells} cells`);
  row('  promoted', `${cold.steps} steps, ${cold.edges} edges, ${cold.parameters} parameters, ${cold.metrics} metrics, ${written.files} files`);
  row('  problems', `${cold.errors} errors, ${cold.warnings} warnings${cold.codes.length === 0 ? '' : ` (${cold.codes.join(', ')})`}, ${cold.infos} infos`);
  row('  CLI check', `exit ${check.status}, ok ${check.ok}, ${check.files} files, ${check.steps} steps, ${check.edges} edges, ${check.problems} problems; JSON ${(check.jsonBytes / 1e6).toFixed(1)} MB`);
  row(`whole process, wall (best of ${runs}; peer best of ${peerRuns})`);
  row('  nbpromote promote --json (writes)', whole.error ?? ms(whole.ms));
  row('  nbpromote promote --dry-run --json', wholeDry.error ?? ms(wholeDry.ms));
  row('  nbconvert --to script', peer.error ?? ms(peer.ms));
  row('  nbconvert / nbpromote promote', times(peer.ms, whole.ms));
  row('  nbconvert / nbpromote promote --dry-run', times(peer.ms, wholeDry.ms));
  row('in one process, after loading');
  row('  dry run, cold (first in the process)', ms(cold.first));
  row(`  dry run, warm (best of ${warmRuns})`, ms(warm.best));
  row('  real write into an empty folder (cold)', ms(written.first));
  row('  nbconvert / cold dry run', times(peer.ms, cold.first));
  row('  nbconvert / warm dry run', times(peer.ms, warm.best));
  row('  nbconvert / cold write', times(peer.ms, written.first));
  row('peak RSS');
  row('  nbpromote promote process', `${mb(whole.peak)}`);
  row(`  minus node -e 0 (${mb(node.peak)})`, whole.peak === undefined || node.peak === undefined ? 'n/a' : mb(whole.peak - node.peak));
  row('  nbpromote promote --dry-run process', `${mb(wholeDry.peak)}`);
  row('  in one process, cold dry run', `${mb(cold.maxRssBytes)}; ${mb(cold.maxRssBytes - cold.startRssBytes)} above its start`);
  row('  in one process, cold write', `${mb(written.maxRssBytes)}; ${mb(written.maxRssBytes - written.startRssBytes)} above its start`);
  row('  nbconvert process', mb(peer.peak));
  const width = Math.max(...rows.map((r) => r[0].length));
  const valueWidth = Math.max(...rows.map((r) => r[1].length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}   ${value.length < 12 ? value.padStart(Math.min(valueWidth, 12)) : value}`.trimEnd());
  console.log(
    `\nnode ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after` +
      (Math.max(loadBefore, loadavg()[0]) > cpus().length / 2 ? ' (other work was running: times are noisy, run again when the machine is idle)' : '') +
      `\nnbpromote: dist/cli.js, ${production ? 'a production build (what the package ships)' : 'a development build (`npm run build:production` builds what the package ships)'}; peer: ${python} -m nbconvert` +
      `\ntarget: the whole promote process at least 8x faster than nbconvert --to script` +
      `\nnode -e 0: ${ms(node.ms)}, ${mb(node.peak)}`,
  );
}
