/**
 * Experiment runs, whatever recorded them: the local run store (`.nbpromote/runs/<run-id>/run.json`, written
 * by the generated pipeline's `_runtime.py`), an MLflow tracking server (its REST API) or MLflow's legacy
 * file store (`mlruns/`). Every reader in core/runs turns its source into `RunSummary` values, so the Runs
 * view, the compare panel and `nbpromote runs` handle one shape. docs/runs.md documents the fields and how
 * each source maps to them.
 *
 * Also here: the shapes of the sources' own data as they arrive (the local run.json, MLflow's REST
 * responses), which the readers check on entry.
 */
import type { ParamShape } from './pipelineConfig';
import type { Problem } from './problem';

export type RunSource = 'local' | 'mlflow' | 'mlruns';

/**
 * `running` includes MLflow's SCHEDULED; `failed` includes MLflow's KILLED (see `sourceStatus`); `unknown`:
 * the record could not be read, or says something no reader knows.
 */
export type RunStatus = 'running' | 'finished' | 'failed' | 'unknown';

/** A parameter value: what run.json holds (any JSON value); MLflow's are always strings. */
export type RunParamValue = null | boolean | number | string | readonly RunParamValue[] | { readonly [key: string]: RunParamValue };

/** A data file a run read (a parameter named it): its version is its content hash. */
export interface RunDataFile {
  /** As the parameter gave it, or as a step opened it: relative to the pipeline's workdir, or absolute. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** The parameter that named it (local runs). */
  readonly parameter?: string;
  /** The steps that read it (local runs): a file no parameter names, seen as the steps ran. */
  readonly steps?: readonly string[];
}

export interface RunStep {
  readonly name: string;
  /** `ran`, `cached`, `failed`, `skipped`, `pending` (not reached yet in a running run), as run.json says. */
  readonly status: string;
  readonly durationS: number;
  /** Its outputs came from the step cache. */
  readonly cached: boolean;
}

export interface RunSummary {
  readonly source: RunSource;
  /** The run id in its source: `20261125T221530Z-a1b2c3` (local), MLflow's 32-hex run id. */
  readonly id: string;
  /** The promoted pipeline (its package name): run.json's `pipeline`, MLflow's `nbpromote.pipeline` tag. */
  readonly pipeline?: string;
  /** MLflow experiment name (mlflow, mlruns). */
  readonly experiment?: string;
  readonly experimentId?: string;
  /** MLflow's run name (`mlflow.runName`). */
  readonly name?: string;
  /** The pipeline's semantic version: run.json's `version`, MLflow's `nbpromote.version` tag. */
  readonly version?: string;
  readonly status: RunStatus;
  /**
   * The source's own status word when it says more than `status`: MLflow's `KILLED`, `SCHEDULED`; `ABANDONED`
   * for a local run whose record says `running` but whose process is gone (killed before it finished its record);
   * `STOPPED` for a local run a signal stopped (Stop Run, Ctrl-C): failed, but nothing went wrong in its code.
   */
  readonly sourceStatus?: string;
  /**
   * A local run going on now on this machine: its record says `running` and its process (this pid) is alive.
   * Unset for a finished run, and for a `running` record from another machine, which nobody here can check.
   */
  readonly livePid?: number;
  /** ISO 8601 UTC, milliseconds: `2026-11-25T22:15:30.123Z`. */
  readonly start?: string;
  readonly end?: string;
  readonly durationS?: number;
  readonly params: Readonly<Record<string, RunParamValue>>;
  /**
   * Where parameters hold floats, from pipeline.yaml of the run's project when it still holds the run's pipeline
   * (local runs): run.json's `1.0` reads as the number 1, so without this a float parameter shows as an int.
   */
  readonly paramShapes?: Readonly<Record<string, ParamShape>>;
  /** Final values (MLflow: the latest by step, then timestamp). null: the run recorded a non-finite number. */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** MLflow tags, all of them (mlflow, mlruns). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly gitCommit?: string;
  /** Tracked files had changes when the run started. */
  readonly gitDirty?: boolean;
  /** The notebook the pipeline was promoted from (relative to the project root, as pipeline.yaml says). */
  readonly notebook?: string;
  readonly notebookSha256?: string;
  /** The notebook's sha256 when the code that ran was promoted from it (run.json's `promoted_notebook_sha256`). */
  readonly promotedNotebookSha256?: string;
  /** The folder the steps ran in, relative to the project folder (local runs): `dataFiles` paths are relative to it. */
  readonly workdir?: string;
  readonly dataFiles?: readonly RunDataFile[];
  readonly steps?: readonly RunStep[];
  /** Why the run failed: "step 'train' failed: ValueError: ...". */
  readonly error?: string;
  readonly traceback?: string;
  /** The nbpromote run id of an MLflow run the generated pipeline logged (`nbpromote.run_id`). */
  readonly localRunId?: string;
  /** The MLflow run a local run was also logged to (run.json's `mlflow.run_id`). */
  readonly mlflowRunId?: string;
  /** Where the run lives: the run.json file, the mlruns run folder, or the run's page in the MLflow UI. */
  readonly location?: string;
  /** What is wrong with this run's record; a run that could not be read has status `unknown` and an error here. */
  readonly problems?: readonly Problem[];
}

/** One page of runs, newest first. */
export interface RunPage {
  readonly items: readonly RunSummary[];
  /** Runs in the store; undefined where the source cannot count cheaply (MLflow's REST API cannot). */
  readonly total: number | undefined;
  /** Offset of the next page (local, mlruns); undefined on the last page. */
  readonly nextOffset?: number;
  /** page_token of the next page (MLflow); undefined on the last page. */
  readonly nextPageToken?: string;
  /** Problems of the store rather than of one run: an unreadable folder, an experiment without meta.yaml. */
  readonly problems: readonly Problem[];
}

/** Runs per page at most: a tree node shows at most this many children, then "Load more". */
export const MAX_RUN_PAGE = 200;

export interface RunPageOptions {
  /** Runs to return, 1..MAX_RUN_PAGE (default and cap MAX_RUN_PAGE). */
  readonly limit?: number;
  /** Runs to skip, newest first (default 0). */
  readonly offset?: number;
}

/** The name runs are grouped under: the pipeline, else the MLflow experiment, else "(unknown)". */
export function runGroup(run: RunSummary): string {
  return run.pipeline ?? run.experiment ?? run.experimentId ?? '(unknown)';
}

/** `limit` and `offset` made valid: a whole number limit in 1..MAX_RUN_PAGE, an offset >= 0. */
export function pageWindow(options: RunPageOptions | undefined): { limit: number; offset: number } {
  const limit = Math.floor(options?.limit ?? MAX_RUN_PAGE);
  const offset = Math.floor(options?.offset ?? 0);
  return { limit: Number.isFinite(limit) ? Math.min(Math.max(limit, 1), MAX_RUN_PAGE) : MAX_RUN_PAGE, offset: Number.isFinite(offset) ? Math.max(offset, 0) : 0 };
}

// ---------------------------------------------------------------------------------------------------------
// The local store: run.json as `_runtime.py` writes it (schemas/run.schema.json). snake_case, as in the file.

export type RecordedStepStatus = 'ran' | 'cached' | 'failed' | 'skipped' | 'pending';

export interface RunRecordStep {
  readonly name: string;
  readonly status: RecordedStepStatus;
  readonly duration_s: number;
  readonly cache_key: string | null;
  /** Why a step that ran was not taken from the cache: pipeline.yaml says it always runs (`always_run`), or a file it read when it was cached changed since. */
  readonly why?: string;
}

export interface RunRecordDataFile {
  readonly parameter?: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly steps?: readonly string[];
}

/** `.nbpromote/runs/<id>/run.json`. Fields a newer runtime adds are allowed and kept out of `RunSummary`. */
export interface RunRecord {
  readonly id: string;
  readonly record_version: number;
  readonly pipeline: string | null;
  readonly version: string | null;
  readonly status: 'running' | 'finished' | 'failed';
  readonly error: { readonly message: string; readonly traceback: string | null } | null;
  readonly start: string;
  readonly end: string | null;
  readonly duration_s: number;
  readonly params: Readonly<Record<string, RunParamValue>>;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly steps: readonly RunRecordStep[];
  readonly only?: string | null;
  readonly use_cache?: boolean;
  readonly git_commit?: string | null;
  readonly git_dirty?: boolean | null;
  readonly notebook?: string | null;
  readonly notebook_sha256?: string | null;
  readonly workdir?: string;
  readonly python?: string;
  readonly data_files?: readonly RunRecordDataFile[];
  /** The Python process that ran the pipeline, on `host`: a `running` record whose process is gone was abandoned. */
  readonly pid?: number;
  readonly host?: string;
  /** Set when the run was also logged to MLflow. */
  readonly mlflow?: { readonly run_id: string; readonly experiment_id?: string; readonly tracking_uri?: string } | null;
}

// ---------------------------------------------------------------------------------------------------------
// MLflow REST API 2.0 (https://mlflow.org/docs/latest/rest-api.html), as the JSON arrives. Every field is
// optional here: the readers check each one and flag what is missing.

export interface MlflowKeyValue {
  readonly key?: unknown;
  readonly value?: unknown;
}

export interface MlflowMetric {
  readonly key?: unknown;
  readonly value?: unknown;
  /** Milliseconds since the epoch. */
  readonly timestamp?: unknown;
  readonly step?: unknown;
}

export interface MlflowRunInfo {
  readonly run_id?: unknown;
  /** Deprecated alias of run_id. */
  readonly run_uuid?: unknown;
  readonly run_name?: unknown;
  readonly experiment_id?: unknown;
  /** RUNNING, SCHEDULED, FINISHED, FAILED, KILLED. */
  readonly status?: unknown;
  /** Milliseconds since the epoch (int64: a string or a number in JSON). */
  readonly start_time?: unknown;
  readonly end_time?: unknown;
  readonly artifact_uri?: unknown;
  /** active or deleted. */
  readonly lifecycle_stage?: unknown;
}

export interface MlflowRun {
  readonly info?: MlflowRunInfo;
  readonly data?: { readonly params?: unknown; readonly metrics?: unknown; readonly tags?: unknown };
}

export interface MlflowExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly lifecycle_stage?: string;
  readonly artifact_location?: string;
  readonly creation_time?: number;
  readonly last_update_time?: number;
}

/** One point of a metric's history (`metrics/get-history`, or a line of an mlruns metric file). */
export interface MetricPoint {
  /** null: a non-finite number (NaN, infinity). */
  readonly value: number | null;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
}

/** MLflow's run status words, and the integers the file store writes in meta.yaml. */
export const MLFLOW_STATUS_BY_NUMBER: Readonly<Record<number, string>> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };

/** MLflow's status word → RunStatus. */
export function runStatusOfMlflow(status: string | undefined): RunStatus {
  switch (status) {
    case 'RUNNING':
    case 'SCHEDULED':
      return 'running';
    case 'FINISHED':
      return 'finished';
    case 'FAILED':
    case 'KILLED':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** Tags the generated pipeline sets when it logs a run to MLflow (and MLflow's own the readers use). */
export const RUN_TAGS = {
  runName: 'mlflow.runName',
  sourceName: 'mlflow.source.name',
  gitCommit: 'mlflow.source.git.commit',
  pipeline: 'nbpromote.pipeline',
  version: 'nbpromote.version',
  runId: 'nbpromote.run_id',
  notebook: 'nbpromote.notebook',
  cells: 'nbpromote.cells',
  gitDirty: 'nbpromote.git_dirty',
} as const;
