// Child process of bench/inspect.mjs: reads, validates and tags one notebook `runs` times and prints
// one JSON line with the cold and warm times and the peak memory of this process.
import { readFileSync } from 'node:fs';
import { inspectText } from '../src/core/inspect/inspect';

const [file, runsArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: _inspectOnce <file> [runs]');
const runs = Number(runsArg ?? '3');
const times: number[] = [];
let cells = 0;
let problems = 0;
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const inspection = inspectText(readFileSync(file, 'utf8'), file);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  cells = inspection.notebook?.cells.length ?? 0;
  problems = inspection.problems.length;
}
const usage = process.resourceUsage();
console.log(JSON.stringify({ cells, problems, coldMs: times[0], warmMs: Math.min(...times.slice(1)), maxRssBytes: usage.maxRSS * 1024 }));
