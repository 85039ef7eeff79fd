// Child process of bench/promote.mjs: does what `nbpromote promote` does to one notebook in this process,
// through promoteNotebook (read, parse + validate, tag, analyse every code cell, build the step graph, plan
// the package), and prints one JSON line.
//   dry <file> <out> <runs>: a dry run, `runs` times (nothing is written; <out> need not exist). With runs = 1:
//                            the cold time and the peak memory of a process that promoted once; with more
//                            runs: the warm times.
//   write <file> <out>:      one real promotion, the files written atomically under <out>.
import { promoteNotebook } from '../src/core/promote/promote';
import type { PromoteOutcome } from '../src/core/promote/promote';

const [mode, file, out, runsArg] = process.argv.slice(2);
if ((mode !== 'dry' && mode !== 'write') || file === undefined || out === undefined) throw new Error('usage: _promoteOnce dry|write <file> <out> [runs]');
void main(file, out, mode === 'dry', mode === 'write' ? 1 : Number(runsArg ?? '1'));

async function main(notebook: string, outDir: string, dryRun: boolean, runs: number): Promise<void> {
  const startRss = process.memoryUsage.rss();
  const times: number[] = [];
  let outcome: PromoteOutcome | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    outcome = await promoteNotebook({ notebook, cwd: process.cwd(), out: outDir, dryRun, toolVersion: 'bench' });
    times.push(now() - t0);
  }
  if (outcome === undefined) throw new Error('no run');
  const count = (severity: string): number => outcome.problems.filter((p) => p.severity === severity).length;
  const codes = [...new Set(outcome.problems.filter((p) => p.severity !== 'info').map((p) => p.code))];
  console.log(
    JSON.stringify({
      ok: outcome.ok,
      cells: outcome.inspection?.notebook?.cells.length ?? 0,
      steps: outcome.graph?.steps.length ?? 0,
      edges: outcome.graph?.edges.length ?? 0,
      parameters: outcome.graph?.parameters.length ?? 0,
      files: outcome.files.length,
      metrics: Object.keys(outcome.expectedMetrics).length,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      codes,
      firstError: outcome.problems.find((p) => p.severity === 'error'),
      times,
      startRssBytes: startRss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
