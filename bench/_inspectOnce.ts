// Child process of bench/inspect.mjs: does what `nbpromote inspect --json` does to one notebook (read and
// parse it, validating; tag; make the JSON report) `runs` times in this process, timing each phase, and
// prints one JSON line. Run it with runs = 1 for the cold time and the peak memory of a process that read
// the file once; with more runs for the warm times.
import { inspectionToJson } from '../src/core/inspect/inspect';
import type { Inspection } from '../src/core/inspect/inspect';
import { hasErrors } from '../src/core/contract/problem';
import { parseNotebookFile } from '../src/core/notebook/read';
import { readRoles } from '../src/core/tags/roles';

interface Phases {
  /** Read, parse, validate, build the model: the file is parsed as it is read. */
  parse: number;
  tag: number;
  report: number;
  total: number;
}

const [file, runsArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: _inspectOnce <file> [runs]');
const runs = Number(runsArg ?? '1');
const startRss = process.memoryUsage.rss();
const times: Phases[] = [];
let cells = 0;
let problems = 0;
let reportBytes = 0;
for (let i = 0; i < runs; i++) {
  const t1 = now();
  const parsed = parseNotebookFile(file);
  const t2 = now();
  const roles = parsed.notebook === undefined ? undefined : readRoles(parsed.notebook);
  const all = [...parsed.problems, ...(roles?.problems ?? [])];
  const inspection: Inspection = { file, notebook: parsed.notebook, roles, problems: all, ok: !hasErrors(all) };
  const t3 = now();
  reportBytes = JSON.stringify(inspectionToJson(inspection), null, 2).length;
  const t4 = now();
  times.push({ parse: t2 - t1, tag: t3 - t2, report: t4 - t3, total: t4 - t1 });
  cells = parsed.notebook?.cells.length ?? 0;
  problems = all.length;
}
console.log(JSON.stringify({ cells, problems, reportBytes, times, startRssBytes: startRss, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
