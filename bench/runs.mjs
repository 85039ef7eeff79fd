// `npm run bench -- runs`: the Runs view's first page (the 200 newest runs) from 10,000 runs in the local run
// store and 10,000 runs in an MLflow file store (mlruns/), through core/runs, against the peer measured in the
// same run: a plain loop reading every file of every run (and parsing run.json), then taking the 200 newest.
//   cold: the first read in a fresh process (the code loaded, the OS file cache warm from the previous runs);
//   warm: best of NBPROMOTE_BENCH_WARM (5) more reads in the same process;
//   peak RSS: of a process that reads once (process.resourceUsage().maxRSS), and how much it grew above its start;
// and the whole `nbpromote runs --json` process for each store, best of NBPROMOTE_BENCH_RUNS (3).
// The stores are generated once into bench/out/runs/ (git-ignored); NBPROMOTE_BENCH_RUN_COUNT changes the size.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out', 'runs');
const work = join(tmpdir(), `nbpromote-bench-runs-${process.pid}`);
const count = Number(process.env.NBPROMOTE_BENCH_RUN_COUNT ?? '10000');
const warmRuns = Number(process.env.NBPROMOTE_BENCH_WARM ?? '5');
const cliRuns = Number(process.env.NBPROMOTE_BENCH_RUNS ?? '3');
const targetMs = 300;

mkdirSync(out, { recursive: true });
mkdirSync(work, { recursive: true });
const runner = join(work, 'runsOnce.js');
const cli = join(work, 'cli.js');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', loader: { '.py': 'text' }, logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: [join(root, 'bench', '_runsOnce.ts')], outfile: runner });
await esbuild.build({ ...common, entryPoints: [join(root, 'src', 'cli', 'main.ts')], outfile: cli, minify: true });

const marker = join(out, 'generated.json');
const generated = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : undefined;
if (generated?.count !== count || generated?.version !== 1) {
  const t0 = performance.now();
  child(['generate', out, String(count)]);
  console.log(`generated ${count} local runs and ${count} mlruns runs in ${out.slice(root.length)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
const local = join(out, 'local');
const mlruns = join(out, 'mlruns');
const files = { local: countFiles(join(local, '.nbpromote', 'runs')), mlruns: countFiles(mlruns) };

const loadBefore = loadavg()[0];
// Each pair once to warm the OS file cache, so "cold" below means a fresh process, not a cold disk.
child(['peer', 'local', local, '1']);
child(['peer', 'mlruns', mlruns, '1']);
const results = {};
for (const store of ['local', 'mlruns']) {
  const dir = store === 'local' ? local : mlruns;
  // A process that reads once (its time is the cold one, its peak RSS the memory a read takes), then one that
  // reads warmRuns more times (the garbage of earlier reads would inflate its peak RSS).
  const once = (what) => child([what, store, dir, '1']);
  const again = (what) => child([what, store, dir, String(warmRuns + 1)]);
  const [pageOnce, pageAgain, peerOnce, peerAgain] = [once('page'), again('page'), once('peer'), again('peer')];
  results[store] = { page: { ...pageOnce, warm: pageAgain.warm }, peer: { ...peerOnce, warm: peerAgain.warm } };
  if (results[store].page.total !== results[store].peer.total || results[store].page.newest !== results[store].peer.newest) {
    console.error(`${store}: the reader and the peer disagree: ${JSON.stringify(results[store].page)} vs ${JSON.stringify(results[store].peer)}`);
    process.exit(1);
  }
}
const node = measureProcess([process.execPath, '-e', '0']);
const cliLocal = measureProcess([process.execPath, cli, 'runs', '--json', '--out', local]);
const cliMlruns = measureProcess([process.execPath, cli, 'runs', '--json', '--source', 'mlruns'], { MLFLOW_TRACKING_URI: pathToFileURL(mlruns).href });
rmSync(work, { recursive: true, force: true });
print();

function child(args) {
  const result = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`bench runner failed (${args.join(' ')}): ${result.stderr}`);
  const report = JSON.parse(result.stdout.trim().split('\n').pop());
  if (report.times === undefined) return report;
  const [first, ...rest] = report.times;
  return { ...report, cold: first, warm: rest.length === 0 ? first : Math.min(...rest) };
}

/** Best wall time of `cliRuns` runs of a whole process (stdout discarded), and its peak RSS from an exit hook. */
function measureProcess(argv, env = {}) {
  let ms = Infinity;
  let peak = 0;
  const hook = join(work, 'rss.cjs');
  const rssFile = join(work, 'rss');
  spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(hook)}, "process.on('exit', () => require('fs').writeFileSync(process.env.NBPROMOTE_BENCH_RSS, String(process.resourceUsage().maxRSS * 1024)));")`]);
  for (let i = 0; i < cliRuns; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(argv[0], ['--require', hook, ...argv.slice(1)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, NBPROMOTE_BENCH_RSS: rssFile } });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) return { error: String(result.stderr).trim().split('\n').pop() || `exit ${result.status}` };
    ms = Math.min(ms, elapsed);
    if (existsSync(rssFile)) peak = Math.max(peak, Number(readFileSync(rssFile, 'utf8')));
  }
  return { ms, peak };
}

function countFiles(dir) {
  const result = spawnSync('find', [dir, '-type', 'f'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return result.status === 0 ? result.stdout.split('\n').filter(Boolean).length : undefined;
}

function print() {
  const ms = (n) => (n === undefined ? 'n/a' : `${n.toFixed(n < 10 ? 1 : 0)} ms`);
  const mb = (n) => (n === undefined ? 'n/a' : `${(n / 1e6).toFixed(0)} MB`);
  const x = (peer, ours) => (peer === undefined || ours === undefined ? 'n/a' : `${(peer / ours).toFixed(1)}x`);
  const rows = [['', 'cold', `warm (best of ${warmRuns})`, 'peak RSS', '(above start)']];
  for (const store of ['local', 'mlruns']) {
    const { page, peer } = results[store];
    const label = store === 'local' ? `local store: ${page.total} runs, ${files.local ?? '?'} files` : `mlruns store: ${page.total} runs, ${files.mlruns ?? '?'} files`;
    rows.push([label, '', '', '', '']);
    rows.push(['  first page (200 newest), core/runs', ms(page.cold), ms(page.warm), mb(page.maxRssBytes), mb(page.maxRssBytes - page.startRssBytes)]);
    rows.push(['  peer: read every file of every run', ms(peer.cold), ms(peer.warm), mb(peer.maxRssBytes), mb(peer.maxRssBytes - peer.startRssBytes)]);
    rows.push(['  peer / first page', x(peer.cold, page.cold), x(peer.warm, page.warm), '', '']);
    rows.push([`  flagged in the first page: ${page.problems}; damaged runs the peer met: ${peer.problems}`, '', '', '', '']);
  }
  rows.push([`whole process, best of ${cliRuns}`, 'wall', '', 'peak RSS', '']);
  rows.push(['  nbpromote runs --json (local)', cliLocal.error ?? ms(cliLocal.ms), '', mb(cliLocal.peak), '']);
  rows.push(['  nbpromote runs --json --source mlruns', cliMlruns.error ?? ms(cliMlruns.ms), '', mb(cliMlruns.peak), '']);
  rows.push(['  node -e 0', ms(node.ms), '', mb(node.peak), '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (i === 0 || r.slice(1).some((c) => c !== '') ? r[i].length : 0))));
  for (const row of rows) {
    const cells = row.slice(1).some((c) => c !== '') ? row.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : c.padStart(widths[i]))) : [row[0]];
    console.log(cells.join('   ').trimEnd());
  }
  const worst = Math.max(results.local.page.warm, results.mlruns.page.warm);
  console.log(
    `\ntarget: first page at most ${targetMs} ms warm: ${worst <= targetMs ? 'met' : 'NOT met'} (slowest store ${ms(worst)})` +
      `\nnode ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after` +
      (Math.max(loadBefore, loadavg()[0]) > cpus().length / 2 ? ' (other work was running: times are noisy, run again when the machine is idle)' : '') +
      '\ncold: a fresh process (the OS file cache is warm: this bench does not drop it); warm: the same process again',
  );
}
