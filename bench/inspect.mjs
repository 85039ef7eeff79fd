// `npm run bench -- inspect`: read + validate + tag (nbpromote) against `nbconvert --to script` (the peer)
// on the same generated notebooks, in the same run. For each notebook it measures
//   (a) the whole `nbpromote inspect <file> --json > /dev/null` process as a user runs it: wall time, best
//       of NBPROMOTE_BENCH_RUNS (3), and the peak RSS of that process;
//   (b) the same work inside one process, after the code is loaded: cold (the first time, in a process
//       that reads the file once, whose peak RSS is reported too) and warm (best of 4 more in another);
//   (c) the peer's whole process: wall time, best of NBPROMOTE_BENCH_PEER_RUNS (1), and its peak RSS;
// and `node -e 0`, Node's own start and memory, so the table can show what the notebook itself costs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { makeImageNotebook, makeTextNotebook } from './_notebooks.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out');
// The runner's bundle goes outside the repository: bench/out/*.js would be linted.
const work = join(tmpdir(), `nbpromote-bench-${process.pid}`);
const python = process.env.NBPROMOTE_BENCH_PYTHON ?? '/usr/bin/python3';
const runs = Number(process.env.NBPROMOTE_BENCH_RUNS ?? '3');
const peerRuns = Number(process.env.NBPROMOTE_BENCH_PEER_RUNS ?? '1');
const timeTool = '/usr/bin/time';

// The CLI a user runs: dist/cli.js, as `npm run build` (or `build:production`, what the package ships)
// left it, refused when older than the sources. The in-process runner is bundled here from the sources.
const cli = join(root, 'dist', 'cli.js');
const stale = staleness(cli, ['src', 'schemas', 'package.json', 'esbuild.mjs']);
if (stale !== undefined) {
  console.error(`${stale}: run \`npm run build\` (or \`npm run build:production\`) first`);
  process.exit(1);
}
const production = !readFileSync(cli, 'utf8').trimEnd().endsWith('.map');
mkdirSync(out, { recursive: true });
mkdirSync(work, { recursive: true });
const runner = join(work, 'inspectOnce.js');
await esbuild.build({ entryPoints: [join(root, 'bench', '_inspectOnce.ts')], bundle: true, platform: 'node', target: 'node20', outfile: runner, logLevel: 'warning' });
// Without /usr/bin/time, Node processes report their own peak RSS from an exit hook.
const rssHook = join(work, 'rssHook.cjs');
writeFileSync(rssHook, `process.on('exit', () => require('fs').writeFileSync(process.env.NBPROMOTE_BENCH_RSS, String(process.resourceUsage().maxRSS * 1024)));\n`);

const cases = [
  { name: 'images-5000', file: join(out, 'images-5000.ipynb'), make: () => makeImageNotebook(5000) },
  { name: 'text-20000', file: join(out, 'text-20000.ipynb'), make: () => makeTextNotebook(20000) },
];

const loadBefore = loadavg()[0];
const node = measure([process.execPath, '-e', '0'], runs);
const results = [];
for (const c of cases) {
  if (!existsSync(c.file)) writeFileSync(c.file, c.make());
  const bytes = statSync(c.file).size;
  // --no-graph: read, validate and tag, the work this benchmark is about (no Python analysis).
  const whole = measure([process.execPath, cli, 'inspect', c.file, '--json', '--no-graph'], runs);
  const cold = inProcess(c.file, 1);
  const warm = inProcess(c.file, 5);
  const peer = measure([python, '-m', 'nbconvert', '--to', 'script', '--stdout', '--log-level', 'ERROR', c.file], peerRuns, { PYDEVD_DISABLE_FILE_VALIDATION: '1' });
  results.push({ ...c, bytes, whole, cold, warm, peer });
}
rmSync(work, { recursive: true, force: true });
print();

/** Best wall time, least CPU time and highest peak RSS of `count` runs of a command, stdout to /dev/null. */
function measure(command, count, env = {}) {
  let ms = Infinity;
  let cpu = Infinity;
  let peak = 0;
  const rssFile = join(work, 'rss');
  for (let i = 0; i < count; i++) {
    const isNode = command[0] === process.execPath;
    const argv = existsSync(timeTool)
      ? [timeTool, '-f', '%M %U %S', '-o', rssFile, ...command]
      : isNode
        ? [command[0], '--require', rssHook, ...command.slice(1)]
        : command;
    rmSync(rssFile, { force: true });
    const start = process.hrtime.bigint();
    const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, NBPROMOTE_BENCH_RSS: rssFile } });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) return { error: String(result.stderr).trim().split('\n').pop() || `exit ${result.status}` };
    ms = Math.min(ms, elapsed);
    if (existsSync(rssFile)) {
      const [rss, user, system] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
      peak = Math.max(peak, existsSync(timeTool) ? (rss ?? 0) * 1024 : (rss ?? 0));
      if (user !== undefined && system !== undefined) cpu = Math.min(cpu, (user + system) * 1000);
    }
  }
  return { ms, cpu: Number.isFinite(cpu) ? cpu : undefined, peak: peak > 0 ? peak : undefined };
}

/** Why `built` is older than the sources under `paths`, or undefined when it is not. */
function staleness(built, paths) {
  if (!existsSync(built)) return `${built} does not exist`;
  const builtAt = statSync(built).mtimeMs;
  for (const path of paths) {
    const full = join(root, path);
    const files = statSync(full).isDirectory() ? readdirSync(full, { recursive: true }).map((f) => join(full, String(f))) : [full];
    const newer = files.find((f) => statSync(f).mtimeMs > builtAt);
    if (newer !== undefined) return `${built} is older than ${newer.slice(root.length)}`;
  }
  return undefined;
}

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
