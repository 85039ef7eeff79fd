// Child process of bench/runs.mjs (bundled by it with esbuild). Prints one JSON line.
//   generate <out> <count>:            writes <out>/local (a project with <count> runs in .nbpromote/runs, run.json
//                                      as the runtime writes it) and <out>/mlruns (<count> runs in MLflow's file
//                                      store layout over 5 experiments, 3 params, 3 metrics of 3 steps and 3 tags
//                                      each); about 1 run in 1,000 is damaged, to keep the problem paths honest.
//   page local|mlruns <dir> <times>:   the view's first page (the 200 newest) through core/runs, <times> times in
//                                      this process: the first is cold (fresh process), the others warm.
//   peer local|mlruns <dir> <times>:   the peer: a plain loop reading every file of every run, then the 200
//                                      newest by start time.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLocalRuns } from '../src/core/runs/localStore';
import { readMlrunsStore } from '../src/core/runs/mlruns';
import { localRunRecord, runIdAt, writeLocalRun, writeMlrunsExperiment, writeMlrunsRun } from '../src/core/runs/testing';

const [mode, kind, dir, timesArg] = process.argv.slice(2);
const startRss = process.memoryUsage.rss();
void main();

async function main(): Promise<void> {
  if (mode === 'generate' && kind !== undefined && dir !== undefined) {
    generate(kind, Number(dir));
    console.log(JSON.stringify({ ok: true }));
    return;
  }
  if ((mode !== 'page' && mode !== 'peer') || (kind !== 'local' && kind !== 'mlruns') || dir === undefined) throw new Error('usage: _runsOnce generate <out> <count> | page|peer local|mlruns <dir> <times>');
  const times: number[] = [];
  let items = 0;
  let total = 0;
  let problems = 0;
  let newest = '';
  for (let i = 0; i < Number(timesArg ?? '1'); i++) {
    const t0 = performance.now();
    const result = mode === 'page' ? await viewPage(kind, dir) : peer(kind, dir);
    times.push(performance.now() - t0);
    ({ items, total, problems, newest } = result);
  }
  console.log(JSON.stringify({ times, items, total, problems, newest, startRssBytes: startRss, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

async function viewPage(which: 'local' | 'mlruns', where: string): Promise<{ items: number; total: number; problems: number; newest: string }> {
  const page = which === 'local' ? await readLocalRuns(where, { limit: 200 }) : await readMlrunsStore(where, { limit: 200 });
  return { items: page.items.length, total: page.total ?? 0, problems: page.items.filter((r) => r.problems !== undefined).length + page.problems.length, newest: page.items[0]?.id ?? '' };
}

/** Every file of every run read, run.json parsed; then sorted by start, newest first. */
function peer(which: 'local' | 'mlruns', where: string): { items: number; total: number; problems: number; newest: string } {
  const runs: { id: string; start: number }[] = [];
  let problems = 0;
  if (which === 'local') {
    const runsDir = join(where, '.nbpromote', 'runs');
    for (const id of readdirSync(runsDir)) {
      try {
        const record = JSON.parse(readFileSync(join(runsDir, id, 'run.json'), 'utf8')) as { start?: string };
        runs.push({ id, start: Date.parse(record.start ?? '') || 0 });
      } catch {
        problems++;
        runs.push({ id, start: 0 });
      }
    }
  } else {
    for (const experiment of readdirSync(where, { withFileTypes: true })) {
      if (!experiment.isDirectory() || experiment.name.startsWith('.')) continue;
      const experimentDir = join(where, experiment.name);
      for (const run of readdirSync(experimentDir, { withFileTypes: true })) {
        if (!run.isDirectory()) continue;
        const runDir = join(experimentDir, run.name);
        let start = 0;
        for (const file of readdirSync(runDir, { recursive: true, withFileTypes: true })) {
          if (!file.isFile()) continue;
          const text = readFileSync(join(file.parentPath, file.name), 'utf8');
          if (file.name === 'meta.yaml' && file.parentPath === runDir) start = Number(/^start_time: (\d+)$/m.exec(text)?.[1] ?? 0);
        }
        if (start === 0) problems++;
        runs.push({ id: run.name, start });
      }
    }
  }
  runs.sort((a, b) => b.start - a.start);
  return { items: Math.min(200, runs.length), total: runs.length, problems, newest: runs[0]?.id ?? '' };
}

function generate(out: string, count: number): void {
  const t0 = Date.UTC(2026, 0, 1) / 1000;
  const local = join(out, 'local');
  rmSync(local, { recursive: true, force: true });
  mkdirSync(local, { recursive: true });
  for (let i = 0; i < count; i++) {
    // Two or three runs a minute, some in the same second (ids differ in their random part).
    const seconds = t0 + Math.floor(i * 23.7);
    const id = runIdAt(seconds, (i * 2654435761 % 0xffffff).toString(16).padStart(6, '0'));
    const record = localRunRecord(id, {
      pipeline: `pipeline_${i % 4}`,
      version: `0.${1 + (i % 7)}.${i % 3}`,
      status: i % 13 === 0 ? 'failed' : 'finished',
      error: i % 13 === 0 ? { message: "step 'train' failed: ValueError: bad input", traceback: 'Traceback (most recent call last):\n  ...\nValueError: bad input\n' } : null,
      params: { n_estimators: 100 + (i % 5) * 50, max_depth: 3 + (i % 4), learning_rate: 0.01 * (1 + (i % 9)), data_path: 'data/churn.csv' },
      metrics: i % 13 === 0 ? {} : { accuracy: 0.8 + (i % 100) / 1000, f1: 0.7 + (i % 50) / 500, 'report.auc': 0.9 },
    });
    writeLocalRun(local, id, i % 997 === 500 ? JSON.stringify(record, null, 2).slice(0, 300) : record);
  }
  const mlruns = join(out, 'mlruns');
  rmSync(mlruns, { recursive: true, force: true });
  mkdirSync(join(mlruns, '.trash'), { recursive: true });
  for (let e = 0; e < 5; e++) writeMlrunsExperiment(mlruns, String(e), e === 0 ? 'Default' : `experiment-${e}`);
  for (let i = 0; i < count; i++) {
    const start = (t0 + Math.floor(i * 23.7)) * 1000;
    const runId = `${(i * 2654435761).toString(16)}${i.toString(16)}`.padStart(32, '0').slice(-32);
    const metric = (base: number): string[] => [0, 1, 2].map((step) => `${start + step * 1000} ${(base + step / 100).toFixed(4)} ${step}`);
    const runDir = writeMlrunsRun(mlruns, String(i % 5), {
      runId,
      startTime: start,
      status: i % 13 === 0 ? 4 : 3,
      params: { alpha: String(0.1 * (1 + (i % 5))), l1_ratio: String(0.5), data: 'wine-quality.csv' },
      metrics: { rmse: metric(0.7), mae: metric(0.5), r2: metric(0.2) },
      tags: { 'mlflow.source.git.commit': 'a'.repeat(40), 'mlflow.user': 'me', 'mlflow.source.name': 'train.py' },
    });
    if (i % 1009 === 600) rmSync(join(runDir, 'meta.yaml'));
  }
  writeFileSync(join(out, 'generated.json'), JSON.stringify({ count, version: 1 }));
}
