// `npm run bench -- inspect`: read + validate + tag (nbpromote) against `nbconvert --to script` (the peer)
// on the same generated notebooks, in the same run. Prints times, ratios and peak memory.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { makeImageNotebook, makeTextNotebook } from './_notebooks.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const python = process.env.NBPROMOTE_BENCH_PYTHON ?? '/usr/bin/python3';

const runner = join(out, 'inspectOnce.js');
await esbuild.build({ entryPoints: [join(root, 'bench', '_inspectOnce.ts')], bundle: true, platform: 'node', target: 'node20', outfile: runner, logLevel: 'warning' });

const cases = [
  { name: 'images-5000', file: join(out, 'images-5000.ipynb'), make: () => makeImageNotebook(5000) },
  { name: 'text-20000', file: join(out, 'text-20000.ipynb'), make: () => makeTextNotebook(20000) },
];

const rows = [];
for (const c of cases) {
  if (!existsSync(c.file)) writeFileSync(c.file, c.make());
  const bytes = statSync(c.file).size;
  const ours = JSON.parse(execFileSync(process.execPath, [runner, c.file, '3'], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim());
  const peer = timePeer(c.file);
  rows.push({ ...c, bytes, ours, peer });
  console.log(
    `${c.name}: ${(bytes / 1e6).toFixed(1)} MB, ${ours.cells} cells\n` +
      `  nbpromote read+validate+tag: cold ${ours.coldMs.toFixed(0)} ms, warm ${ours.warmMs.toFixed(0)} ms, peak RSS ${(ours.maxRssBytes / 1e6).toFixed(0)} MB (${(ours.maxRssBytes / bytes).toFixed(2)}x the file)\n` +
      `  nbconvert --to script:       ${peer.ms === undefined ? `failed (${peer.error})` : `${peer.ms.toFixed(0)} ms`}\n` +
      (peer.ms === undefined ? '' : `  ratio (nbconvert / nbpromote cold): ${(peer.ms / ours.coldMs).toFixed(1)}x faster\n`),
  );
}

function timePeer(file) {
  const start = process.hrtime.bigint();
  const result = spawnSync(python, ['-m', 'nbconvert', '--to', 'script', '--stdout', '--log-level', 'ERROR', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) return { error: String(result.stderr).trim().split('\n').pop() ?? `exit ${result.status}` };
  return { ms };
}
