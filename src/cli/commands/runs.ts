/**
 * `nbpromote runs [--out DIR] [--json] [--source local|mlflow|mlruns] [--limit N]`: the runs the Runs view
 * shows, newest first. `--json` prints one JSON list on stdout and nothing else (docs/runs.md documents the
 * shape); problems with single runs go to stderr as warnings and into each run's `problems`. Exit 1 when the
 * source cannot be read at all: MLflow unreachable, slow, refusing the credentials; no mlruns folder; a --out
 * that is no folder or holds neither pipeline.yaml nor a run store. With --json the failure is one JSON object.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Problem } from '../../core/contract/problem';
import { formatProblem } from '../../core/contract/problem';
import { formatMetric } from '../../core/util/words';
import type { RunPage, RunSummary } from '../../core/contract/runs';
import { MAX_RUN_PAGE } from '../../core/contract/runs';
import { NbpromoteError } from '../../core/errors';
import { LOCAL_RUNS_DIR, listLocalRuns, readLocalRunPage } from '../../core/runs/localStore';
import { isFolderSync } from '../../core/io/paths';
import { MlflowClient, MlflowError, isHttpTrackingUri } from '../../core/runs/mlflowClient';
import type { MlflowRunPage } from '../../core/runs/mlflowClient';
import { mlrunsDir, readMlrunsPage, scanMlrunsStore } from '../../core/runs/mlruns';
import type { FlagSpec, ParsedArgs } from '../args';
import { flagBoolean, flagRunLimit, flagString } from '../args';
import { ExitCode } from '../io';
import { alignedRows } from '../table';
import type { CliIo } from '../io';
import { statusWord } from '../../core/runs/stopped';

export const runsFlags: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'the folder holding pipeline.yaml, with .nbpromote/runs/ (default: the current folder)' },
  { name: 'source', kind: 'string', valueName: 'local|mlflow|mlruns', description: 'local run store (default), MLflow server at MLFLOW_TRACKING_URI, or MLflow file store (mlruns/)' },
  { name: 'limit', kind: 'string', valueName: 'N', description: `the newest N runs (default ${MAX_RUN_PAGE})` },
  { name: 'json', kind: 'boolean', description: 'print a JSON list of runs {id, pipeline, version, status, params, metrics, git_commit, ...} on stdout' },
];

type Source = 'local' | 'mlflow' | 'mlruns';

/** Stderr warnings for single runs stop after this many (the JSON still holds them all). */
const MAX_WARNINGS = 20;

export async function runRuns(args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  if (args.positionals.length > 0) throw new NbpromoteError('usage', `runs takes no positional arguments, got: ${args.positionals.join(' ')}`);
  const source = sourceOf(flagString(args, 'source'));
  const limit = flagRunLimit(args, MAX_RUN_PAGE);
  const root = resolve(io.cwd, flagString(args, 'out') ?? '.');
  const json = flagBoolean(args, 'json');
  let result: { runs: RunSummary[]; total: number | undefined; problems: Problem[]; where: string } | { failure: string };
  switch (source) {
    case 'local':
      result = outProblem(root) ?? (await localRuns(root, limit));
      break;
    case 'mlruns':
      result = await mlrunsRuns(mlrunsDir(io.env['MLFLOW_TRACKING_URI'], io.cwd, root), limit);
      break;
    case 'mlflow':
      result = await mlflowRuns(io, limit);
      break;
  }
  if ('failure' in result) {
    io.err(`nbpromote: ${result.failure}\n`);
    // With --json, a failure is one JSON object too: `nbpromote runs --json | jq ...` must not see an empty input.
    if (json) io.out(`${JSON.stringify({ source, error: result.failure, exit_code: ExitCode.BadInput }, null, 2)}\n`);
    return ExitCode.BadInput;
  }
  const { runs, problems } = result;
  for (const problem of problems) io.err(`${problem.severity}: ${formatProblem(problem)}\n`);
  const runProblems = runs.flatMap((run) => run.problems ?? []);
  for (const problem of runProblems.slice(0, MAX_WARNINGS)) io.err(`${problem.severity}: ${formatProblem(problem)}\n`);
  if (runProblems.length > MAX_WARNINGS) io.err(`... and ${runProblems.length - MAX_WARNINGS} more problems (see each run's "problems" in --json)\n`);
  if (json) {
    io.out(`${JSON.stringify(runs.map(runJson), null, 2)}\n`);
    return ExitCode.Ok;
  }
  io.out(renderTable(runs, result.total, result.where));
  return ExitCode.Ok;
}

function sourceOf(value: string | undefined): Source {
  if (value === undefined) return 'local';
  if (value === 'local' || value === 'mlflow' || value === 'mlruns') return value;
  throw new NbpromoteError('usage', `--source ${value}: write local, mlflow or mlruns`);
}

// ---------------------------------------------------------------------------------------------------------
// Sources: each reads pages of at most MAX_RUN_PAGE until `limit` runs are read or the source ends.

/**
 * Why `root` (`--out`) cannot hold the local run store: not a folder, or a folder holding neither a promoted
 * package (pipeline.yaml) nor a run store, as `data` says it. A mistyped --out must not pass in CI as "no runs".
 */
function outProblem(root: string): { failure: string } | undefined {
  if (!isFolderSync(root)) return { failure: `${root}: ${existsSync(root) ? 'not a folder' : 'no such folder'} (--out names the folder holding pipeline.yaml and .nbpromote/runs/)` };
  if (!existsSync(join(root, 'pipeline.yaml')) && !existsSync(join(root, LOCAL_RUNS_DIR))) return { failure: `${root} holds no promoted package (no pipeline.yaml) and no run store (.nbpromote/runs/): --out names the folder a notebook was promoted into` };
  return undefined;
}

async function localRuns(root: string, limit: number): Promise<{ runs: RunSummary[]; total: number; problems: Problem[]; where: string } | { failure: string }> {
  const index = listLocalRuns(root);
  const unreadable = index.problems.find((p) => p.severity === 'error');
  if (unreadable !== undefined) return { failure: formatProblem(unreadable) };
  const runs = await readPages((offset, size) => readLocalRunPage(index, { offset, limit: size }), limit);
  return { runs, total: index.ids.length, problems: [...index.problems], where: index.dir };
}

async function mlrunsRuns(dir: string, limit: number): Promise<{ runs: RunSummary[]; total: number; problems: Problem[]; where: string } | { failure: string }> {
  const index = await scanMlrunsStore(dir);
  if (index.missing) return { failure: `${dir}: there is no MLflow file store here; set MLFLOW_TRACKING_URI to a file: URI or a folder, or run from the folder holding mlruns/` };
  const runs = await readPages((offset, size) => readMlrunsPage(index, { offset, limit: size }), limit);
  return { runs, total: index.entries.length, problems: [...index.problems], where: dir };
}

async function mlflowRuns(io: CliIo, limit: number): Promise<{ runs: RunSummary[]; total: undefined; problems: Problem[]; where: string } | { failure: string }> {
  const uri = io.env['MLFLOW_TRACKING_URI'];
  if (uri === undefined || uri.trim() === '') return { failure: 'MLFLOW_TRACKING_URI is not set: set it to your MLflow tracking server (like http://127.0.0.1:5000)' };
  if (!isHttpTrackingUri(uri)) return { failure: `MLFLOW_TRACKING_URI is ${uri}, not an http(s) server: for a file store use --source mlruns` };
  const client = new MlflowClient({
    trackingUri: uri,
    ...optional('token', io.env['MLFLOW_TRACKING_TOKEN']),
    ...optional('username', io.env['MLFLOW_TRACKING_USERNAME']),
    ...optional('password', io.env['MLFLOW_TRACKING_PASSWORD']),
  });
  const runs: RunSummary[] = [];
  const problems: Problem[] = [];
  try {
    let page: MlflowRunPage | undefined;
    do {
      page = await client.readRuns({ limit: Math.min(limit - runs.length, MAX_RUN_PAGE), ...(page?.nextPageToken !== undefined ? { pageToken: page.nextPageToken, experiments: page.experiments } : {}) });
      runs.push(...page.items);
      problems.push(...page.problems);
    } while (page.nextPageToken !== undefined && runs.length < limit);
  } catch (ex) {
    if (!MlflowError.is(ex)) throw ex;
    const hint =
      ex.reason === 'unauthorized' || ex.reason === 'forbidden'
        ? '; set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)'
        : ex.reason === 'unreachable' || ex.reason === 'timeout'
          ? '; check MLFLOW_TRACKING_URI and that the server is running'
          : '';
    return { failure: `${ex.message}${hint}` };
  }
  return { runs: runs.slice(0, limit), total: undefined, problems, where: client.baseUri };
}

async function readPages(read: (offset: number, size: number) => Promise<RunPage>, limit: number): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined && runs.length < limit) {
    const page: RunPage = await read(offset, Math.min(limit - runs.length, MAX_RUN_PAGE));
    runs.push(...page.items);
    offset = page.nextOffset;
  }
  return runs;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value !== undefined && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** One run in `--json`: snake_case, every key present (null when unknown). docs/runs.md documents it. */
export function runJson(run: RunSummary): Record<string, unknown> {
  return {
    source: run.source,
    id: run.id,
    pipeline: run.pipeline ?? null,
    experiment: run.experiment ?? null,
    experiment_id: run.experimentId ?? null,
    name: run.name ?? null,
    version: run.version ?? null,
    status: run.status,
    source_status: run.sourceStatus ?? null,
    start: run.start ?? null,
    end: run.end ?? null,
    duration_s: run.durationS ?? null,
    params: run.params,
    metrics: run.metrics,
    git_commit: run.gitCommit ?? null,
    git_dirty: run.gitDirty ?? null,
    notebook: run.notebook ?? null,
    notebook_sha256: run.notebookSha256 ?? null,
    data_files: run.dataFiles?.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, parameter: f.parameter ?? null, steps: f.steps ?? [] })) ?? [],
    steps: run.steps?.map((s) => ({ name: s.name, status: s.status, duration_s: s.durationS, cached: s.cached })) ?? [],
    error: run.error ?? null,
    tags: run.tags ?? {},
    local_run_id: run.localRunId ?? null,
    mlflow_run_id: run.mlflowRunId ?? null,
    location: run.location ?? null,
    problems: (run.problems ?? []).map((p) => ({ severity: p.severity, code: p.code, message: p.message, file: p.file, line: p.line ?? null })),
  };
}

function renderTable(runs: readonly RunSummary[], total: number | undefined, where: string): string {
  if (runs.length === 0) return `No runs in ${where}.\n`;
  // The parameters whose values differ between the runs listed: what tells them apart (round 63 LLL: runs with
  // `--param alpha=10` and with the defaults looked alike). None: no column.
  const varying = varyingParams(runs);
  const header = ['ID', 'PIPELINE', 'VERSION', 'STATUS', ...(varying.length === 0 ? [] : ['PARAMS']), 'METRICS', 'COMMIT'];
  const rows = runs.map((run) => [
    run.id,
    run.pipeline ?? run.experiment ?? '',
    run.version ?? '',
    run.problems?.some((p) => p.severity === 'error') === true ? `${statusWord(run)}!` : statusWord(run),
    ...(varying.length === 0 ? [] : [keyParams(run.params, varying)]),
    keyMetrics(run.metrics),
    run.gitCommit === undefined ? '' : `${run.gitCommit.slice(0, 8)}${run.gitDirty === true ? '*' : ''}`,
  ]);
  const shown = total === undefined ? `${runs.length} runs, newest first` : `${runs.length} of ${total} runs, newest first`;
  const legend = rows.some((r) => (r[3] ?? '').endsWith('!')) ? '; ! the record has errors (see above)' : '';
  const dirty = rows.some((r) => (r[r.length - 1] ?? '').endsWith('*')) ? '; * uncommitted changes' : '';
  return `${alignedRows([header, ...rows]).join('\n')}\n${shown} (${where})${legend}${dirty}\n`;
}

/**
 * The parameters some of `runs` give another value than the others, in the order the runs name them (a run
 * without a record of its parameters, one that cannot be read, does not count).
 */
function varyingParams(runs: readonly RunSummary[]): string[] {
  const recorded = runs.filter((run) => Object.keys(run.params).length > 0);
  const names = [...new Set(recorded.flatMap((run) => Object.keys(run.params)))];
  return names.filter((name) => new Set(recorded.map((run) => (Object.hasOwn(run.params, name) ? JSON.stringify(run.params[name]) : undefined))).size > 1);
}

/**
 * The first three of `names` with the run's values: `alpha=10 seed=3`, each value cut at 16 characters; `–` for one
 * the run has not (an older version's run, round 64 MMM: a blank read as the same value); nothing for a run that
 * records none.
 */
function keyParams(params: Readonly<Record<string, unknown>>, names: readonly string[]): string {
  if (Object.keys(params).length === 0) return ''; // no record of them (a record that cannot be read)
  const text = (name: string): string => {
    if (!Object.hasOwn(params, name)) return '–';
    const value = params[name];
    const shown = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    return shown.length > 16 ? `${shown.slice(0, 15)}…` : shown;
  };
  return firstThree(names.map((name) => `${name}=${text(name)}`));
}

/** The first three metrics: `accuracy=0.91 f1=0.88 loss=0.213`; `n/a` for one that was not finite (a record keeps null: nan or inf). */
function keyMetrics(metrics: Readonly<Record<string, number | null>>): string {
  return firstThree(Object.entries(metrics).map(([key, value]) => `${key}=${formatMetric(value)}`));
}

/** The first three of `items`, space-separated, with ` …` when there are more. */
function firstThree(items: readonly string[]): string {
  return items.length > 3 ? `${items.slice(0, 3).join(' ')} …` : items.join(' ');
}

