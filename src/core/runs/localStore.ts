/**
 * The local run store: `<root>/.nbpromote/runs/<run-id>/run.json`, written by the generated pipeline's
 * runtime. Run ids start with the UTC start time (`20261125T221530Z-a1b2c3`), so the folder names sorted
 * backwards are the runs newest first: a page reads only its own run.json files, never the whole store.
 * Runs started in the same second are ordered by the start their records give (to the millisecond).
 *
 * Never throws on the store's contents: a run.json that is missing, truncated or malformed is one item with
 * problems (status `unknown` when it could not be parsed); the other runs still show.
 */
import { join } from 'node:path';
import type { Problem } from '../contract/problem';
import type { RunPage, RunPageOptions, RunSummary } from '../contract/runs';
import { pageWindow } from '../contract/runs';
import { describeFsError, listDir, readTexts } from './files';
import { parseRunRecord, unreadable } from './runRecord';

/** The store's folder under a project root (pipeline.yaml's folder). */
export const LOCAL_RUNS_DIR = join('.nbpromote', 'runs');

/** `20261125T221530Z-a1b2c3`: what the runtime names a run. */
export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]+$/;

/** The run folders of a store, newest first: list once, then read pages of it. */
export interface LocalRunIndex {
  /** `<root>/.nbpromote/runs`. */
  readonly dir: string;
  /** Folder names: run ids newest first (to the second), then folders not named like a run id (sorted). */
  readonly ids: readonly string[];
  /** The store could not be listed (a missing store is no problem: it has no runs yet). */
  readonly problems: readonly Problem[];
}

/** Lists the run folders of the store under `root` (one readdir, no file read). */
export function listLocalRuns(root: string): LocalRunIndex {
  const dir = join(root, LOCAL_RUNS_DIR);
  const listed = listDir(dir);
  if ('error' in listed) {
    if (listed.error.code === 'ENOENT') return { dir, ids: [], problems: [] };
    return { dir, ids: [], problems: [{ severity: 'error', code: 'runs-unreadable', message: `the run store cannot be read: ${describeFsError(listed.error)}`, file: dir }] };
  }
  const runs: string[] = [];
  const others: string[] = [];
  for (const entry of listed.entries) {
    // Hidden entries: the runtime's temporary files, editors' and systems' own files.
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    (RUN_ID_PATTERN.test(entry.name) ? runs : others).push(entry.name);
  }
  runs.sort(backwards);
  others.sort();
  return { dir, ids: [...runs, ...others], problems: [] };
}

/**
 * One page of the runs `index` lists, newest first: reads the page's run.json files, and those of runs
 * started in the same second as its first or last run (ids order by the second only; their records'
 * `start` orders them within it), so the order is the same whichever page a run falls on.
 */
export async function readLocalRunPage(index: LocalRunIndex, options?: RunPageOptions): Promise<RunPage> {
  const { limit, offset } = pageWindow(options);
  const { ids } = index;
  const end = Math.min(offset + limit, ids.length);
  let from = Math.min(offset, end);
  let to = end;
  if (from < to) {
    while (from > 0 && sameSecond(ids[from - 1], ids[from])) from--;
    while (to < ids.length && sameSecond(ids[to - 1], ids[to])) to++;
  }
  const window = ids.slice(from, to);
  const files = window.map((id) => join(index.dir, id, 'run.json'));
  const texts = await readTexts(files);
  const read = orderWithinSeconds(window.map((id, i) => summaryOf(id, files[i] ?? '', texts[i])));
  const items = read.slice(offset - from, offset - from + (end - offset));
  return { items, total: ids.length, ...(end < ids.length ? { nextOffset: end } : {}), problems: index.problems };
}

/** Both are run ids of the same second (`20261125T221530Z-…`). */
function sameSecond(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && RUN_ID_PATTERN.test(a) && RUN_ID_PATTERN.test(b) && a.slice(0, 16) === b.slice(0, 16);
}

/** Runs of the same second newest first by their recorded start (milliseconds); the rest keep their order. */
function orderWithinSeconds(runs: RunSummary[]): RunSummary[] {
  const out: RunSummary[] = [];
  for (let i = 0; i < runs.length; ) {
    let j = i + 1;
    while (j < runs.length && sameSecond(runs[i]?.id, runs[j]?.id)) j++;
    const group = runs.slice(i, j);
    if (group.length > 1) group.sort((a, b) => startMillis(b) - startMillis(a));
    out.push(...group);
    i = j;
  }
  return out;
}

/** The run's recorded start in milliseconds; a run without one sorts last in its second. */
function startMillis(run: RunSummary): number {
  const ms = run.start === undefined ? Number.NaN : Date.parse(run.start);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** A page of the local store under `root` (pipeline.yaml's folder), newest first. */
export async function readLocalRuns(root: string, options?: RunPageOptions): Promise<RunPage> {
  return readLocalRunPage(listLocalRuns(root), options);
}

/**
 * The newest run of the store under `root` that is going on now in a process of this machine (its record says
 * `running` and its pid is alive), among the latest few; undefined when there is none.
 */
export async function liveLocalRun(root: string): Promise<RunSummary | undefined> {
  const page = await readLocalRuns(root, { limit: 10 });
  return page.items.find((run) => run.livePid !== undefined);
}

/**
 * A run going on (`liveLocalRun`) as messages name it: "run 20261125T221530Z-a1b2c3, process 4242, started 12 s
 * ago" (without the start when the record has none).
 */
export function liveRunWords(run: RunSummary): string {
  const seconds = run.start === undefined ? Number.NaN : Math.max(0, Math.round((Date.now() - Date.parse(run.start)) / 1000));
  return `run ${run.id}, process ${String(run.livePid)}${Number.isNaN(seconds) ? '' : `, started ${seconds} s ago`}`;
}

/** One run by id (for "open run"): its summary, flagged when its record is missing or malformed. */
export async function readLocalRun(root: string, id: string): Promise<RunSummary> {
  const file = join(root, LOCAL_RUNS_DIR, id, 'run.json');
  const [text] = await readTexts([file]);
  return summaryOf(id, file, text);
}

function summaryOf(id: string, file: string, read: Awaited<ReturnType<typeof readTexts>>[number] | undefined): RunSummary {
  if (read === undefined) return unreadable(id, file, { severity: 'error', code: 'run-unreadable', message: 'run.json was not read', file });
  if ('error' in read) {
    const missing = read.error.code === 'ENOENT';
    const problem: Problem = missing
      ? { severity: 'warning', code: 'run-no-record', message: 'the run folder has no run.json (a run that is just starting, or one stopped before its first record)', file }
      : { severity: 'error', code: 'run-unreadable', message: `run.json cannot be read: ${describeFsError(read.error)}`, file };
    const summary = unreadable(id, file, problem);
    return RUN_ID_PATTERN.test(id) ? { ...summary, start: startOfRunId(id) } : summary;
  }
  const summary = parseRunRecord(read.text, file, id);
  if (RUN_ID_PATTERN.test(id)) return summary.start === undefined ? { ...summary, start: startOfRunId(id) } : summary;
  const problem: Problem = { severity: 'warning', code: 'run-folder-name', message: `the folder name ${id} is not a run id (like 20261125T221530Z-a1b2c3): it is listed after the runs that are`, file };
  return { ...summary, problems: [...(summary.problems ?? []), problem] };
}

/** `20261125T221530Z-a1b2c3` → `2026-11-25T22:15:30.000Z`. */
export function startOfRunId(id: string): string {
  return `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}.000Z`;
}

function backwards(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
