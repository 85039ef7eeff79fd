/**
 * The places the Runs view reads runs from, each with the runs read so far: a local run store
 * (`<root>/.nbpromote/runs`), an MLflow tracking server, an MLflow file store (`mlruns/`). A source reads
 * pages of at most MAX_RUN_PAGE runs, newest first, through core/runs; "Load more" reads the next page; a
 * reload reads as many runs as were shown. When a reload fails the runs read before stay, marked stale,
 * next to the error. No `vscode` here: the tree (tree.ts) turns these into items.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ParameterSpec, ParamShape } from '../../core/contract/pipelineConfig';
import { readPipelineConfig } from '../../core/pipeline/config';
import type { Problem } from '../../core/contract/problem';
import type { MetricPoint, MlflowExperiment, RunPage, RunSource, RunSummary } from '../../core/contract/runs';
import { MAX_RUN_PAGE } from '../../core/contract/runs';
import type { LocalRunIndex } from '../../core/runs/localStore';
import { listLocalRuns, readLocalRunPage } from '../../core/runs/localStore';
import type { MlflowErrorReason } from '../../core/runs/mlflowClient';
import { MlflowClient, MlflowError } from '../../core/runs/mlflowClient';
import type { MlrunsIndex } from '../../core/runs/mlruns';
import { readMlrunsMetricHistory, readMlrunsPage, scanMlrunsStore } from '../../core/runs/mlruns';

export interface SourceError {
  readonly message: string;
  /** MLflow's reason (unreachable, timeout, http, unauthorized, forbidden, malformed); undefined for other failures. */
  readonly reason?: MlflowErrorReason;
  /** When it happened (ms since the epoch). */
  readonly at: number;
}

/** Pages in a row "Load more" reads at most while looking for more runs of one group. */
const MAX_PAGES_PER_LOAD = 10;

export abstract class RunsSource {
  /** Stable across refreshes: `local:<root>`, `mlflow:<uri>`, `mlruns:<dir>`. */
  abstract readonly key: string;
  abstract readonly kind: RunSource;
  /** "Local runs · churn", "MLflow · 127.0.0.1:5000", "mlruns · mlruns". */
  abstract readonly label: string;
  /** The store's folder, or the server's URI. */
  abstract readonly location: string;

  /** Newest first, as read (several pages after "Load more"). */
  runs: readonly RunSummary[] = [];
  /** Problems of the store rather than of one run. */
  problems: readonly Problem[] = [];
  /** The last reload failed (the runs above are then from before it: stale). */
  error: SourceError | undefined;
  /** Runs in the store, where the source can count them. */
  total: number | undefined;
  /** At least one read finished (successfully or not). */
  loaded = false;
  /** When the runs were last read successfully (ms since the epoch). */
  readAt: number | undefined;
  /** Runs shown per group: MAX_RUN_PAGE, and MAX_RUN_PAGE more per "Load more". */
  readonly groupLimits = new Map<string, number>();

  private lastPage: RunPage | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  get stale(): boolean {
    return this.error !== undefined && this.readAt !== undefined;
  }

  get hasMore(): boolean {
    return this.lastPage !== undefined && hasNext(this.lastPage);
  }

  /** A read is running or waiting. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Reads the runs again, as many as were read before (at least one page). Never rejects: failures land in `error`. */
  reload(options: { full?: boolean } = {}): Promise<void> {
    return this.serial(async () => {
      const want = Math.max(this.runs.length, MAX_RUN_PAGE);
      try {
        let page = await this.first(options.full === true);
        const runs = [...page.items];
        const problems = [...page.problems];
        while (runs.length < want && hasNext(page)) {
          page = await this.next(page);
          runs.push(...page.items);
          problems.push(...page.problems);
        }
        this.runs = dedupe(runs);
        this.problems = dedupeProblems(problems);
        this.total = page.total;
        this.lastPage = page;
        this.error = undefined;
        this.readAt = Date.now();
      } catch (ex) {
        this.error = sourceError(ex);
      } finally {
        this.loaded = true;
      }
    });
  }

  /**
   * The next page; with `group`, pages until that group has `MAX_RUN_PAGE` more runs to show (or the
   * store ends), and raises its limit. Never rejects.
   */
  loadMore(group?: string, groupOf?: (run: RunSummary) => string): Promise<void> {
    return this.serial(async () => {
      const countOf = (): number => (group === undefined || groupOf === undefined ? this.runs.length : this.runs.filter((r) => groupOf(r) === group).length);
      if (group !== undefined) this.groupLimits.set(group, (this.groupLimits.get(group) ?? MAX_RUN_PAGE) + MAX_RUN_PAGE);
      const target = group === undefined ? this.runs.length + 1 : (this.groupLimits.get(group) ?? MAX_RUN_PAGE);
      try {
        for (let i = 0; i < MAX_PAGES_PER_LOAD && countOf() < target && this.lastPage !== undefined && hasNext(this.lastPage); i++) {
          const page = await this.next(this.lastPage);
          this.runs = dedupe([...this.runs, ...page.items]);
          this.problems = dedupeProblems([...this.problems, ...page.problems]);
          this.total = page.total;
          this.lastPage = page;
        }
        this.error = undefined;
      } catch (ex) {
        this.error = sourceError(ex);
      }
    });
  }

  /** Every recorded value of one metric of a run of this source; undefined where the source keeps only the final value. */
  history(_run: RunSummary, _metric: string): Promise<{ points: MetricPoint[]; problems: Problem[] } | undefined> {
    return Promise.resolve(undefined);
  }

  /** Resolves when the reads under way (and those waiting) are done. */
  idle(): Promise<void> {
    return this.queue.then(
      () => undefined,
      () => undefined,
    );
  }

  find(id: string): RunSummary | undefined {
    return this.runs.find((r) => r.id === id);
  }

  dispose(): void {
    // Sources that hold resources free them here.
  }

  /** The first page of a fresh listing (`full`: also what the source caches, such as MLflow's experiments). */
  protected abstract first(full: boolean): Promise<RunPage>;
  protected abstract next(previous: RunPage): Promise<RunPage>;

  private serial(body: () => Promise<void>): Promise<void> {
    this.pending++;
    const run = async (): Promise<void> => {
      try {
        await body();
      } finally {
        this.pending--;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next;
    return next;
  }
}

/** `<root>/.nbpromote/runs`. */
export class LocalSource extends RunsSource {
  readonly kind = 'local';
  readonly key: string;
  readonly location: string;
  private index: LocalRunIndex | undefined;
  /** pipeline.yaml's package and parameters, read with the first page. */
  private parameters: PipelineParameters | undefined;

  constructor(
    /** The project: pipeline.yaml's folder. */
    readonly root: string,
    readonly label: string,
  ) {
    super();
    this.key = `local:${root}`;
    this.location = root;
  }

  protected async first(): Promise<RunPage> {
    this.index = listLocalRuns(this.root);
    const [page, parameters] = await Promise.all([readLocalRunPage(this.index, { offset: 0 }), pipelineParameters(this.root)]);
    this.parameters = parameters;
    return withParamShapes(page, parameters);
  }

  protected async next(previous: RunPage): Promise<RunPage> {
    this.index ??= listLocalRuns(this.root);
    return withParamShapes(await readLocalRunPage(this.index, { offset: previous.nextOffset ?? this.index.ids.length }), this.parameters);
  }
}

/** The package pipeline.yaml in `root` holds now, and its parameters; undefined when it cannot be read. */
async function pipelineParameters(root: string): Promise<PipelineParameters | undefined> {
  const file = join(root, 'pipeline.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const { config } = readPipelineConfig(text, file);
  return config === undefined ? undefined : { package: config.package, parameters: config.parameters };
}

/**
 * The runs with `paramShapes` from pipeline.yaml (where their parameters hold floats), for the runs of the
 * package it holds (a run of another package promoted there before keeps none): run.json's numbers do not
 * tell `1.0` from `1`.
 */
export function withParamShapes(page: RunPage, pipeline: PipelineParameters | undefined): RunPage {
  if (pipeline === undefined) return page;
  const items = page.items.map((run) => {
    if (run.pipeline !== pipeline.package) return run;
    const shapes: Record<string, ParamShape> = {};
    for (const name of Object.keys(run.params)) {
      const spec = Object.prototype.hasOwnProperty.call(pipeline.parameters, name) ? pipeline.parameters[name] : undefined;
      if (spec !== undefined) shapes[name] = { type: spec.type, ...(spec.items === undefined ? {} : { items: spec.items }), ...(spec.floats === undefined ? {} : { floats: spec.floats }) };
    }
    return Object.keys(shapes).length === 0 ? run : { ...run, paramShapes: shapes };
  });
  return { ...page, items };
}

export interface PipelineParameters {
  readonly package: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
}

/** MLflow's file store. */
export class MlrunsSource extends RunsSource {
  readonly kind = 'mlruns';
  readonly key: string;
  readonly location: string;
  private index: MlrunsIndex | undefined;

  constructor(
    readonly dir: string,
    readonly label: string,
  ) {
    super();
    this.key = `mlruns:${dir}`;
    this.location = dir;
  }

  protected async first(): Promise<RunPage> {
    this.index = await scanMlrunsStore(this.dir);
    return readMlrunsPage(this.index, { offset: 0 });
  }

  protected async next(previous: RunPage): Promise<RunPage> {
    this.index ??= await scanMlrunsStore(this.dir);
    return readMlrunsPage(this.index, { offset: previous.nextOffset ?? this.index.entries.length });
  }

  override history(run: RunSummary, metric: string): Promise<{ points: MetricPoint[]; problems: Problem[] } | undefined> {
    return Promise.resolve(run.location === undefined ? undefined : readMlrunsMetricHistory(run.location, metric));
  }
}

/** An MLflow tracking server (REST API 2.0). */
export class MlflowSource extends RunsSource {
  readonly kind = 'mlflow';
  readonly key: string;
  readonly location: string;
  readonly label: string;
  readonly client: MlflowClient;
  private experiments: readonly MlflowExperiment[] | undefined;

  constructor(trackingUri: string, token: string | undefined, timeoutMs?: number) {
    super();
    this.client = new MlflowClient({ trackingUri, ...(token !== undefined && token !== '' ? { token } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    this.key = `mlflow:${this.client.baseUri}`;
    this.location = this.client.baseUri;
    this.label = `MLflow · ${hostOf(this.client.baseUri)}`;
  }

  /** A token the person entered (or cleared): the client asks again. */
  setToken(token: string | undefined): void {
    this.client.setCredentials(token === undefined || token === '' ? {} : { token });
  }

  protected async first(full: boolean): Promise<RunPage> {
    const page = await this.client.readRuns(full || this.experiments === undefined ? {} : { experiments: this.experiments });
    this.experiments = page.experiments;
    return page;
  }

  protected async next(previous: RunPage): Promise<RunPage> {
    const page = await this.client.readRuns({ ...(previous.nextPageToken !== undefined ? { pageToken: previous.nextPageToken } : {}), ...(this.experiments !== undefined ? { experiments: this.experiments } : {}) });
    this.experiments = page.experiments;
    return page;
  }

  override async history(run: RunSummary, metric: string): Promise<{ points: MetricPoint[]; problems: Problem[] } | undefined> {
    return this.client.metricHistory(run.id, metric);
  }
}

function hasNext(page: RunPage): boolean {
  return page.nextOffset !== undefined || page.nextPageToken !== undefined;
}

/** A run read twice (a page boundary moved while a new run started) is shown once, where it was first read. */
function dedupe(runs: readonly RunSummary[]): RunSummary[] {
  const seen = new Set<string>();
  return runs.filter((r) => {
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
}

function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\u0000${p.file}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sourceError(ex: unknown): SourceError {
  if (MlflowError.is(ex)) return { message: ex.message, reason: ex.reason, at: Date.now() };
  return { message: ex instanceof Error ? ex.message : String(ex), at: Date.now() };
}

function hostOf(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return uri;
  }
}

/** The folder's name, for labels of stores outside any workspace folder. */
export function folderName(path: string): string {
  return basename(path) || path;
}
