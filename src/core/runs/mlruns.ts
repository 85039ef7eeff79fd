/**
 * MLflow's legacy file store, read-only: `mlruns/<experiment id>/meta.yaml` (name, experiment_id,
 * lifecycle_stage) and `mlruns/<experiment id>/<run id>/` with `meta.yaml` (run_id, status as a number or
 * a word: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED; start_time and end_time in milliseconds;
 * lifecycle_stage), `params/<key>` (the file holds the value), `metrics/<key>` (lines `timestamp value
 * step`) and `tags/<key>`. Keys with `/` are nested folders. Deleted experiments (`.trash/`) and runs
 * (lifecycle_stage deleted) are left out, as MLflow's default view does.
 *
 * MLflow ids carry no time, so newest first needs every run's start_time: `scanMlrunsStore` reads each
 * run's meta.yaml (a line match, no YAML parse; a later scan only stats the files it read before), and a
 * page then reads the meta.yaml, params, metrics and tags of its own runs only. Never throws on the store's contents: a run without meta.yaml or with a broken one
 * is one flagged item; a metric file with a damaged line keeps its good lines and flags the rest.
 */
import { isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';
import type { Problem } from '../contract/problem';
import type { MetricPoint, RunPage, RunPageOptions, RunSummary } from '../contract/runs';
import { MLFLOW_STATUS_BY_NUMBER, pageWindow } from '../contract/runs';
import type { FileStamp } from './files';
import { SLICE, describeFsError, listDir, nextTurn, readText, readTextAndStamp, readTexts, sameStamp, stampOf } from './files';
import { int64, isLater, metricValue, summaryOfMlflowRun } from './mlflowRun';

/** Folders at the top of mlruns/ that are not experiments. */
const NOT_EXPERIMENTS = new Set(['.trash', 'models', '.mlflow']);
/** Folders inside an experiment that are not runs (MLflow 2 and 3 keep these there). */
const NOT_RUNS = new Set(['tags', 'datasets', 'traces', 'models', 'artifacts']);
/** Folder depth a nested key (`a/b/c`) may have. */
const MAX_KEY_DEPTH = 8;

/**
 * Where the file store is: MLFLOW_TRACKING_URI when it is a `file:` URI or a path (a relative one against
 * `cwd`, as MLflow reads it), else `<root>/mlruns` (`root` defaults to `cwd`).
 */
export function mlrunsDir(trackingUri: string | undefined, cwd: string, root: string = cwd): string {
  const uri = trackingUri?.trim() ?? '';
  const fallback = join(root, 'mlruns');
  // `databricks` (MLflow's name for a Databricks workspace) is no folder either.
  if (uri === '' || uri === 'databricks') return fallback;
  if (/^file:\/\//i.test(uri)) {
    try {
      return fileURLToPath(uri);
    } catch {
      return fallback;
    }
  }
  if (/^file:/i.test(uri)) return resolve(cwd, uri.slice('file:'.length));
  // A scheme of two letters or more (http:, sqlite:, databricks:) is a server or a database, not a folder.
  if (/^[a-z][a-z0-9+.-]+:/i.test(uri) && !isAbsolute(uri)) return fallback;
  return resolve(cwd, uri);
}

interface Experiment {
  readonly id: string;
  readonly name?: string;
}

interface RunEntry {
  readonly experiment: Experiment;
  readonly runId: string;
  readonly dir: string;
  /** Why meta.yaml could not be read (the run is then one flagged item). */
  readonly metaError?: NodeJS.ErrnoException;
  readonly startTime?: number;
}

/** Every active run of a file store, newest first: scan once, then read pages. */
export interface MlrunsIndex {
  readonly dir: string;
  /** The folder does not exist (or is not a folder): `problems` says so. */
  readonly missing: boolean;
  readonly entries: readonly RunEntry[];
  /** Experiments without a readable meta.yaml (their runs are left out), an unreadable folder. */
  readonly problems: readonly Problem[];
}

/** What a scan takes from a run's meta.yaml, kept while the file is unchanged. */
interface ScanFacts {
  readonly stamp: FileStamp;
  readonly startTime?: number;
  readonly deleted: boolean;
}

/**
 * Per store folder: meta.yaml path → its scan facts. A later scan of the same store stats each meta.yaml
 * (one system call) instead of reading it (four); MLflow rewrites meta.yaml when a run ends or is deleted,
 * which changes its stamp. Only runs of the latest scan are kept, for the few most recent stores.
 */
const scanCaches = new Map<string, Map<string, ScanFacts>>();
const MAX_CACHED_STORES = 4;

/**
 * Lists the experiments and runs under `dir`, reading each run's start time and lifecycle from its
 * meta.yaml (or from the previous scan when the file is unchanged); sorts the runs newest first.
 */
export async function scanMlrunsStore(dir: string): Promise<MlrunsIndex> {
  const problems: Problem[] = [];
  const top = listDir(dir);
  if ('error' in top) {
    const missing = top.error.code === 'ENOENT' || top.error.code === 'ENOTDIR';
    const message = missing ? 'there is no MLflow file store here (set MLFLOW_TRACKING_URI to a file: URI or a folder)' : `the MLflow file store cannot be read: ${describeFsError(top.error)}`;
    return { dir, missing, entries: [], problems: [{ severity: 'error', code: missing ? 'mlruns-missing' : 'mlruns-unreadable', message, file: dir }] };
  }
  const experimentDirs = top.entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_EXPERIMENTS.has(e.name)).map((e) => e.name);
  const metaTexts = await readTexts(experimentDirs.map((id) => join(dir, id, 'meta.yaml')));
  const candidates: { experiment: Experiment; runId: string; dir: string }[] = [];
  experimentDirs.forEach((id, i) => {
    const experimentDir = join(dir, id);
    const experiment = readExperiment(id, metaTexts[i], join(experimentDir, 'meta.yaml'), problems);
    if (experiment === undefined) return;
    const listed = listDir(experimentDir);
    if ('error' in listed) {
      problems.push({ severity: 'error', code: 'mlruns-unreadable', message: `the experiment folder cannot be read: ${describeFsError(listed.error)}`, file: experimentDir });
      return;
    }
    for (const entry of listed.entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || NOT_RUNS.has(entry.name)) continue;
      // Plain concatenation: path.join's normalizing is a tenth of a scan of 10,000 runs.
      candidates.push({ experiment, runId: entry.name, dir: `${experimentDir}${sep}${entry.name}` });
    }
  });
  const previous = scanCaches.get(dir);
  const facts = new Map<string, ScanFacts>();
  const entries: RunEntry[] = [];
  for (let i = 0; i < candidates.length; i++) {
    if (i > 0 && i % SLICE === 0) await nextTurn();
    const candidate = candidates[i];
    if (candidate === undefined) continue;
    const metaFile = `${candidate.dir}${sep}meta.yaml`;
    const known = scanFacts(metaFile, previous?.get(metaFile));
    if ('error' in known) {
      entries.push({ experiment: candidate.experiment, runId: candidate.runId, dir: candidate.dir, metaError: known.error });
      continue;
    }
    facts.set(metaFile, known);
    if (known.deleted) continue;
    entries.push(known.startTime === undefined ? candidate : { experiment: candidate.experiment, runId: candidate.runId, dir: candidate.dir, startTime: known.startTime });
  }
  scanCaches.delete(dir);
  scanCaches.set(dir, facts);
  for (const stale of [...scanCaches.keys()].slice(0, Math.max(0, scanCaches.size - MAX_CACHED_STORES))) scanCaches.delete(stale);
  entries.sort((a, b) => (b.startTime ?? -1) - (a.startTime ?? -1) || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  return { dir, missing: false, entries, problems };
}

/** The facts of one meta.yaml: `cached` when its stamp is unchanged, else read from the file. */
function scanFacts(metaFile: string, cached: ScanFacts | undefined): ScanFacts | { readonly error: NodeJS.ErrnoException } {
  if (cached !== undefined) {
    const stamp = stampOf(metaFile);
    if (stamp === undefined) return { error: Object.assign(new Error(`${metaFile}: no such file`), { code: 'ENOENT' }) };
    if ('error' in stamp) return stamp;
    if (sameStamp(stamp, cached.stamp)) return cached;
  }
  const read = readTextAndStamp(metaFile);
  if ('error' in read) return read;
  const start = /^start_time:\s*['"]?(\d+)['"]?\s*$/m.exec(read.text);
  return { stamp: read.stamp, deleted: /^lifecycle_stage:\s*['"]?deleted['"]?\s*$/m.test(read.text), ...(start?.[1] !== undefined ? { startTime: Number(start[1]) } : {}) };
}

/** One page of the runs `index` lists, newest first: reads the params, metrics and tags of those runs only. */
export async function readMlrunsPage(index: MlrunsIndex, options?: RunPageOptions): Promise<RunPage> {
  const { limit, offset } = pageWindow(options);
  const slice = index.entries.slice(offset, offset + limit);
  const items: RunSummary[] = [];
  for (let i = 0; i < slice.length; i++) {
    const entry = slice[i];
    if (entry === undefined) continue;
    items.push(readRun(entry));
    if (i % 50 === 49) await nextTurn();
  }
  const next = offset + slice.length;
  return { items, total: index.entries.length, ...(next < index.entries.length ? { nextOffset: next } : {}), problems: index.problems };
}

/** A page of the file store at `dir`, newest first. */
export async function readMlrunsStore(dir: string, options?: RunPageOptions): Promise<RunPage> {
  return readMlrunsPage(await scanMlrunsStore(dir), options);
}

/**
 * Every recorded value of one metric of the run in folder `runDir` (a summary's `location`), in file order.
 * Damaged lines are skipped and flagged.
 */
export function readMlrunsMetricHistory(runDir: string, key: string): { points: MetricPoint[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const file = join(runDir, 'metrics', ...key.split('/'));
  const read = readText(file);
  if ('error' in read) {
    problems.push({ severity: 'error', code: 'mlruns-unreadable', message: `the metric ${key} cannot be read: ${describeFsError(read.error)}`, file });
    return { points: [], problems };
  }
  return { points: parseMetricLines(read.text, key, file, problems), problems };
}

/** The lines `timestamp value [step]` of a metric file; a line that is not three (or two) numbers is flagged. */
export function parseMetricLines(text: string, key: string, file: string, problems: Problem[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    const timestamp = int64(parts[0]);
    const value = metricValue(parts[1]);
    const step = parts.length === 3 ? int64(parts[2]) : 0;
    if ((parts.length !== 2 && parts.length !== 3) || timestamp === undefined || value === undefined || step === undefined) {
      const last = i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === '');
      const why = last ? ' (the last line: was the file cut short?)' : '';
      problems.push({ severity: 'warning', code: 'mlruns-metric-line', message: `metric ${key}: the line ${JSON.stringify(truncate(line))} is not "timestamp value step"${why}; it is left out`, file, line: i + 1 });
      return;
    }
    points.push({ value, timestamp, step });
  });
  return points;
}

// ---------------------------------------------------------------------------------------------------------

function readExperiment(id: string, read: Awaited<ReturnType<typeof readTexts>>[number] | undefined, file: string, problems: Problem[]): Experiment | undefined {
  if (read === undefined || 'error' in read) {
    const why = read === undefined ? 'not read' : read.error.code === 'ENOENT' ? 'missing' : describeFsError(read.error);
    problems.push({ severity: 'warning', code: 'mlruns-experiment-meta', message: `the folder ${id} has no readable meta.yaml (${why}): it is not read as an experiment`, file });
    return undefined;
  }
  const meta = parseYaml(read.text);
  if (!isObject(meta)) {
    problems.push({ severity: 'warning', code: 'mlruns-experiment-meta', message: `meta.yaml of experiment ${id} is not a YAML mapping: its runs are left out`, file });
    return undefined;
  }
  if (meta['lifecycle_stage'] === 'deleted') return undefined;
  const name = meta['name'];
  return { id, ...(typeof name === 'string' && name !== '' ? { name } : {}) };
}

/** The summary of one run (reads its meta.yaml text from the scan, and its params, metrics and tags). */
function readRun(entry: RunEntry): RunSummary {
  const metaFile = join(entry.dir, 'meta.yaml');
  const problems: Problem[] = [];
  const base = { source: 'mlruns' as const, id: entry.runId, experimentId: entry.experiment.id, ...(entry.experiment.name !== undefined ? { experiment: entry.experiment.name } : {}), location: entry.dir };
  const read = entry.metaError === undefined ? readText(metaFile) : { error: entry.metaError };
  if ('error' in read) {
    const missing = read.error.code === 'ENOENT';
    const message = missing ? 'the run has no meta.yaml: MLflow cannot read it either' : `meta.yaml cannot be read: ${describeFsError(read.error)}`;
    return { ...base, status: 'unknown', params: {}, metrics: {}, problems: [{ severity: 'error', code: 'mlruns-run-meta', message, file: metaFile }] };
  }
  const meta = parseYaml(read.text);
  if (!isObject(meta)) {
    const why = meta instanceof Error ? meta.message.split('\n')[0] ?? '' : 'it is not a YAML mapping';
    return { ...base, status: 'unknown', params: {}, metrics: {}, problems: [{ severity: 'error', code: 'mlruns-run-meta', message: `meta.yaml cannot be read: ${why}`, file: metaFile }] };
  }
  const runId = meta['run_id'] ?? meta['run_uuid'];
  if (typeof runId === 'string' && runId !== entry.runId) {
    problems.push({ severity: 'warning', code: 'mlruns-run-meta', message: `meta.yaml says run_id ${runId}, but the folder is ${entry.runId}`, file: metaFile });
  }
  const status = statusWord(meta['status']);
  if (meta['status'] !== undefined && status === undefined) {
    problems.push({ severity: 'warning', code: 'mlruns-run-meta', message: `meta.yaml has the status ${JSON.stringify(meta['status'])}, which is not an MLflow run status`, file: metaFile });
  }
  const params = readKeyFiles(join(entry.dir, 'params'), problems);
  const tags = readKeyFiles(join(entry.dir, 'tags'), problems);
  const metrics = readMetrics(join(entry.dir, 'metrics'), problems);
  const startTime = int64(meta['start_time']);
  const endTime = int64(meta['end_time']);
  const runName = meta['run_name'];
  return summaryOfMlflowRun({
    ...base,
    // A run without a status in meta.yaml is RUNNING to MLflow.
    status: meta['status'] === undefined ? 'RUNNING' : status ?? 'UNKNOWN',
    ...(typeof runName === 'string' ? { runName } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
    ...(endTime !== undefined ? { endTime } : {}),
    params,
    metrics,
    tags,
    problems,
  });
}

function statusWord(value: unknown): string | undefined {
  if (typeof value === 'number') return MLFLOW_STATUS_BY_NUMBER[value];
  if (typeof value === 'string') {
    const word = value.trim().toUpperCase();
    if (Object.values(MLFLOW_STATUS_BY_NUMBER).includes(word)) return word;
    if (/^\d+$/.test(word)) return MLFLOW_STATUS_BY_NUMBER[Number(word)];
  }
  return undefined;
}

/** `params/` or `tags/`: key (nested folders joined with `/`) → the file's text. */
function readKeyFiles(dir: string, problems: Problem[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, file] of keyFiles(dir, problems)) {
    const read = readText(file);
    if ('error' in read) problems.push({ severity: 'warning', code: 'mlruns-unreadable', message: `${key} cannot be read: ${describeFsError(read.error)}`, file });
    else values[key] = read.text;
  }
  return values;
}

/** `metrics/`: key → the latest value (highest step, then timestamp); damaged lines flagged. */
function readMetrics(dir: string, problems: Problem[]): Record<string, number | null> {
  const metrics: Record<string, number | null> = {};
  for (const [key, file] of keyFiles(dir, problems)) {
    const read = readText(file);
    if ('error' in read) {
      problems.push({ severity: 'warning', code: 'mlruns-unreadable', message: `metric ${key} cannot be read: ${describeFsError(read.error)}`, file });
      continue;
    }
    let latest: MetricPoint | undefined;
    for (const point of parseMetricLines(read.text, key, file, problems)) {
      if (latest === undefined || isLater(point, latest)) latest = point;
    }
    if (latest !== undefined) metrics[key] = latest.value;
  }
  return metrics;
}

/** [key, file] for every file under `dir` (missing folder: none). */
function keyFiles(dir: string, problems: Problem[], prefix = '', depth = 0): [string, string][] {
  const listed = listDir(dir);
  if ('error' in listed) {
    if (listed.error.code !== 'ENOENT') problems.push({ severity: 'warning', code: 'mlruns-unreadable', message: `the folder cannot be read: ${describeFsError(listed.error)}`, file: dir });
    return [];
  }
  const out: [string, string][] = [];
  for (const entry of listed.entries) {
    if (entry.name.startsWith('.')) continue;
    const key = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (depth < MAX_KEY_DEPTH) out.push(...keyFiles(join(dir, entry.name), problems, key, depth + 1));
    } else {
      out.push([key, join(dir, entry.name)]);
    }
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function parseYaml(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA });
  } catch (ex) {
    return ex instanceof Error ? ex : new Error(String(ex));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
