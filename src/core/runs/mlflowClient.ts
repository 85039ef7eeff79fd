/**
 * An MLflow tracking server through its REST API 2.0 (https://mlflow.org/docs/latest/rest-api.html):
 * `experiments/search`, `runs/search` (paged with `page_token`, newest first) and `metrics/get-history`.
 *
 * Each request has a timeout (2 s unless told otherwise) and fails with an `MlflowError` whose `reason`
 * says what went wrong: unreachable, timeout, http, unauthorized (401), forbidden (403), malformed. After a
 * 401 or 403 the client sends nothing more until `setCredentials` is called: every later call fails at
 * once with the same error, so a view that polls cannot hammer a server that refuses it, and a person is
 * asked for a token once. A run the server describes badly is one flagged item, never an error of the page.
 */
import type { Problem } from '../contract/problem';
import type { MetricPoint, MlflowExperiment, MlflowRun, MlflowRunInfo, RunPage, RunSummary } from '../contract/runs';
import { MAX_RUN_PAGE } from '../contract/runs';
import { int64, isLater, metricValue, summaryOfMlflowRun } from './mlflowRun';
import { formatSeconds, networkWords } from '../util/network';

export type MlflowErrorReason = 'unreachable' | 'timeout' | 'http' | 'unauthorized' | 'forbidden' | 'malformed';

export class MlflowError extends Error {
  constructor(
    readonly reason: MlflowErrorReason,
    message: string,
    /** The URL of the request that failed. */
    readonly url: string,
    /** The HTTP status, for http, unauthorized and forbidden. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MlflowError';
  }

  static is(ex: unknown, reason?: MlflowErrorReason): ex is MlflowError {
    return ex instanceof MlflowError && (reason === undefined || ex.reason === reason);
  }
}

export interface MlflowCredentials {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** HTTP basic authentication (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD), when there is no token. */
  readonly username?: string;
  readonly password?: string;
}

export interface MlflowClientOptions extends MlflowCredentials {
  /** The tracking server: `http://127.0.0.1:5000`, `https://mlflow.example.com/prefix`. */
  readonly trackingUri: string;
  /** Per request, headers and body included (default 2000). */
  readonly timeoutMs?: number;
  /** Replaces the global fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
}

export interface ExperimentPage {
  readonly experiments: readonly MlflowExperiment[];
  readonly nextPageToken?: string;
}

export interface MlflowRunPage extends RunPage {
  /** The experiments the page searched (pass them back for the next page). */
  readonly experiments: readonly MlflowExperiment[];
}

export const DEFAULT_MLFLOW_TIMEOUT_MS = 2000;
/** Pages of experiments `listExperiments` reads at most (1,000 each). */
const MAX_EXPERIMENT_PAGES = 50;

/**
 * The tracking URI to use: the setting (`nbpromote.mlflow.trackingUri`) when it is not empty, else
 * MLFLOW_TRACKING_URI, else undefined. It may be a file store (`file:` or a path): see `isHttpTrackingUri`.
 */
export function mlflowTrackingUri(setting: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const chosen = setting !== undefined && setting.trim() !== '' ? setting : env['MLFLOW_TRACKING_URI'];
  return chosen === undefined || chosen.trim() === '' ? undefined : chosen.trim();
}

/** Is `uri` an http(s) URI, the only kind this client talks to? */
export function isHttpTrackingUri(uri: string | undefined): uri is string {
  return uri !== undefined && /^https?:\/\//i.test(uri.trim());
}

export class MlflowClient {
  readonly baseUri: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private credentials: MlflowCredentials;
  /** Set by a 401 or 403: every request fails with it until the credentials change. */
  private refused: MlflowError | undefined;

  constructor(options: MlflowClientOptions) {
    if (!isHttpTrackingUri(options.trackingUri)) throw new TypeError(`not an http(s) tracking URI: ${options.trackingUri}`);
    this.baseUri = options.trackingUri.trim().replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_MLFLOW_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    this.credentials = { ...(options.token !== undefined ? { token: options.token } : {}), ...(options.username !== undefined ? { username: options.username } : {}), ...(options.password !== undefined ? { password: options.password } : {}) };
  }

  /** New credentials (a token the person just entered): requests are sent again. */
  setCredentials(credentials: MlflowCredentials): void {
    this.credentials = credentials;
    this.refused = undefined;
  }

  /** The 401/403 that stopped this client, until `setCredentials`. */
  get refusal(): MlflowError | undefined {
    return this.refused;
  }

  /** `POST experiments/search`: one page of active experiments. */
  async searchExperiments(options: { maxResults?: number; pageToken?: string } = {}): Promise<ExperimentPage> {
    const body = { max_results: options.maxResults ?? 1000, view_type: 'ACTIVE_ONLY', ...(options.pageToken !== undefined ? { page_token: options.pageToken } : {}) };
    const { json, url } = await this.request('POST', '/api/2.0/mlflow/experiments/search', body);
    const list = json['experiments'];
    if (list !== undefined && !Array.isArray(list)) throw malformed(url, '`experiments` is not a list');
    const experiments: MlflowExperiment[] = [];
    for (const item of (list ?? []) as unknown[]) {
      if (!isObject(item)) continue;
      const id = idOf(item['experiment_id']);
      if (id === undefined) continue;
      const name = typeof item['name'] === 'string' ? item['name'] : id;
      experiments.push({
        experiment_id: id,
        name,
        ...(typeof item['lifecycle_stage'] === 'string' ? { lifecycle_stage: item['lifecycle_stage'] } : {}),
        ...(typeof item['artifact_location'] === 'string' ? { artifact_location: item['artifact_location'] } : {}),
      });
    }
    return { experiments, ...nextToken(json) };
  }

  /** Every active experiment, following page_token (stops if the server repeats a token). */
  async listExperiments(): Promise<MlflowExperiment[]> {
    const all: MlflowExperiment[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_EXPERIMENT_PAGES; page++) {
      const result = await this.searchExperiments(pageToken === undefined ? {} : { pageToken });
      all.push(...result.experiments);
      pageToken = result.nextPageToken;
      if (pageToken === undefined || seen.has(pageToken)) break;
      seen.add(pageToken);
    }
    return all;
  }

  /** `POST runs/search`: one page of runs of `experimentIds`, newest first unless `orderBy` says otherwise. */
  async searchRuns(options: { experimentIds: readonly string[]; maxResults?: number; pageToken?: string; orderBy?: readonly string[]; experimentNames?: ReadonlyMap<string, string> }): Promise<{ runs: RunSummary[]; nextPageToken?: string }> {
    const body = {
      experiment_ids: options.experimentIds,
      max_results: options.maxResults ?? MAX_RUN_PAGE,
      order_by: options.orderBy ?? ['attributes.start_time DESC'],
      run_view_type: 'ACTIVE_ONLY',
      ...(options.pageToken !== undefined ? { page_token: options.pageToken } : {}),
    };
    const { json, url } = await this.request('POST', '/api/2.0/mlflow/runs/search', body);
    const list = json['runs'];
    if (list !== undefined && !Array.isArray(list)) throw malformed(url, '`runs` is not a list');
    const runs = ((list ?? []) as unknown[]).map((run, i) => this.summaryOf(run, i, url, options.experimentNames));
    return { runs, ...nextToken(json) };
  }

  /**
   * A page of runs of every active experiment (or of `experiments`, the list a previous page returned),
   * newest first: what the Runs view shows. `limit` is capped at MAX_RUN_PAGE.
   */
  async readRuns(options: { limit?: number; pageToken?: string; experiments?: readonly MlflowExperiment[] } = {}): Promise<MlflowRunPage> {
    const experiments = options.experiments ?? (await this.listExperiments());
    if (experiments.length === 0) return { items: [], total: 0, problems: [], experiments };
    const limit = Math.min(Math.max(Math.floor(options.limit ?? MAX_RUN_PAGE), 1), MAX_RUN_PAGE);
    const names = new Map(experiments.map((e) => [e.experiment_id, e.name]));
    const result = await this.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id), maxResults: limit, experimentNames: names, ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}) });
    return { items: result.runs, total: undefined, ...(result.nextPageToken !== undefined ? { nextPageToken: result.nextPageToken } : {}), problems: [], experiments };
  }

  /** `GET metrics/get-history`: every value of one metric of a run, following page_token. Bad points are skipped and flagged. */
  async metricHistory(runId: string, metricKey: string): Promise<{ points: MetricPoint[]; problems: Problem[] }> {
    const points: MetricPoint[] = [];
    const problems: Problem[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ run_id: runId, metric_key: metricKey, ...(pageToken !== undefined ? { page_token: pageToken } : {}) });
      const { json, url } = await this.request('GET', `/api/2.0/mlflow/metrics/get-history?${query.toString()}`);
      const list = json['metrics'];
      if (list !== undefined && !Array.isArray(list)) throw malformed(url, '`metrics` is not a list');
      let skipped = 0;
      for (const item of (list ?? []) as unknown[]) {
        const point = isObject(item) ? pointOf(item) : undefined;
        if (point === undefined) skipped++;
        else points.push(point);
      }
      if (skipped > 0) problems.push({ severity: 'warning', code: 'mlflow-malformed', message: `metric ${metricKey}: ${skipped} value(s) without a number, timestamp or step were left out`, file: url });
      pageToken = nextToken(json).nextPageToken;
      if (pageToken === undefined || seen.has(pageToken)) break;
      seen.add(pageToken);
    }
    return { points, problems };
  }

  // -------------------------------------------------------------------------------------------------------

  private summaryOf(value: unknown, index: number, url: string, names: ReadonlyMap<string, string> | undefined): RunSummary {
    const run = (isObject(value) ? value : {}) as MlflowRun;
    const info: MlflowRunInfo = isObject(run.info) ? run.info : {};
    const data: NonNullable<MlflowRun['data']> = isObject(run.data) ? run.data : {};
    const problems: Problem[] = [];
    const id = idOf(info.run_id) ?? idOf(info.run_uuid);
    if (id === undefined) problems.push({ severity: 'error', code: 'mlflow-malformed', message: `runs[${index}] has no info.run_id`, file: url });
    const experimentId = idOf(info.experiment_id);
    const params = keyValues(data.params, 'params', problems, url);
    const tags = keyValues(data.tags, 'tags', problems, url);
    const metrics = latestMetrics(data.metrics, problems, url);
    const startTime = int64(info.start_time);
    const endTime = int64(info.end_time);
    const experiment = experimentId === undefined ? undefined : names?.get(experimentId);
    const summary = summaryOfMlflowRun({
      source: 'mlflow',
      id: id ?? `(runs[${index}])`,
      ...(experimentId !== undefined ? { experimentId } : {}),
      ...(experiment !== undefined ? { experiment } : {}),
      ...(typeof info.status === 'string' ? { status: info.status } : {}),
      ...(typeof info.run_name === 'string' ? { runName: info.run_name } : {}),
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
      params,
      metrics,
      tags,
      ...(id !== undefined && experimentId !== undefined ? { location: `${this.baseUri}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(id)}` } : {}),
      problems,
    });
    return id === undefined ? { ...summary, status: 'unknown' } : summary;
  }

  /** One request: JSON in and out, a timeout over the whole exchange, errors as MlflowError. */
  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ json: Record<string, unknown>; url: string }> {
    const url = `${this.baseUri}${path}`;
    if (this.refused !== undefined) throw this.refused;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...this.authorization() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const server = `MLflow at ${this.baseUri}`;
    let status = 0;
    let text: string;
    try {
      const response = await this.fetchImpl(url, { method, headers, signal: controller.signal, redirect: 'follow', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      status = response.status;
      text = await response.text();
    } catch (ex) {
      if (timedOut) throw new MlflowError('timeout', `${server} did not answer within ${formatSeconds(this.timeoutMs)}`, url, undefined, { cause: ex });
      throw new MlflowError('unreachable', `${server} is unreachable: ${networkWords(ex)}`, url, undefined, { cause: ex });
    } finally {
      clearTimeout(timer);
    }
    if (status === 401 || status === 403) {
      const unauthorized = status === 401;
      const detail = serverMessage(text);
      const message = unauthorized ? `${server} needs credentials (HTTP 401${detail})` : `${server} refused the credentials (HTTP 403${detail})`;
      this.refused = new MlflowError(unauthorized ? 'unauthorized' : 'forbidden', message, url, status);
      throw this.refused;
    }
    if (status < 200 || status > 299) throw new MlflowError('http', `${server} answered HTTP ${status} to ${method} ${path.split('?')[0] ?? path}${serverMessage(text)}`, url, status);
    let json: unknown;
    try {
      json = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw malformed(url, `the answer is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))})`);
    }
    if (!isObject(json)) throw malformed(url, 'the answer is not a JSON object');
    return { json, url };
  }

  private authorization(): Record<string, string> {
    const { token, username, password } = this.credentials;
    if (token !== undefined && token !== '') return { authorization: `Bearer ${token}` };
    if (username !== undefined && username !== '') return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
    return {};
  }
}

// ---------------------------------------------------------------------------------------------------------

function malformed(url: string, why: string): MlflowError {
  return new MlflowError('malformed', `MLflow's answer to ${url} is not what its REST API documents: ${why}`, url);
}

function nextToken(json: Record<string, unknown>): { nextPageToken?: string } {
  const token = json['next_page_token'];
  return typeof token === 'string' && token !== '' ? { nextPageToken: token } : {};
}

/** `[{key, value}]` → record; items without a string key are skipped and flagged. */
function keyValues(list: unknown, what: string, problems: Problem[], url: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (list === undefined) return values;
  if (!Array.isArray(list)) {
    problems.push({ severity: 'warning', code: 'mlflow-malformed', message: `data.${what} is not a list`, file: url });
    return values;
  }
  let skipped = 0;
  for (const item of list) {
    if (isObject(item) && typeof item['key'] === 'string') values[item['key']] = item['value'] === undefined || item['value'] === null ? '' : String(item['value']);
    else skipped++;
  }
  if (skipped > 0) problems.push({ severity: 'warning', code: 'mlflow-malformed', message: `data.${what}: ${skipped} item(s) without a key were left out`, file: url });
  return values;
}

/** data.metrics (the latest value of each key, as runs/search returns them) → key → value. */
function latestMetrics(list: unknown, problems: Problem[], url: string): Record<string, number | null> {
  const latest = new Map<string, MetricPoint>();
  if (list === undefined) return {};
  if (!Array.isArray(list)) {
    problems.push({ severity: 'warning', code: 'mlflow-malformed', message: 'data.metrics is not a list', file: url });
    return {};
  }
  let skipped = 0;
  for (const item of list) {
    const point = isObject(item) ? pointOf(item) : undefined;
    const key = isObject(item) ? item['key'] : undefined;
    if (point === undefined || typeof key !== 'string') {
      skipped++;
      continue;
    }
    const seen = latest.get(key);
    if (seen === undefined || isLater(point, seen)) latest.set(key, point);
  }
  if (skipped > 0) problems.push({ severity: 'warning', code: 'mlflow-malformed', message: `data.metrics: ${skipped} item(s) without a key or a number were left out`, file: url });
  return Object.fromEntries([...latest].map(([key, point]) => [key, point.value]));
}

function pointOf(item: Record<string, unknown>): MetricPoint | undefined {
  const value = metricValue(item['value']);
  if (value === undefined) return undefined;
  return { value, timestamp: int64(item['timestamp']) ?? 0, step: int64(item['step']) ?? 0 };
}

/** Experiment and run ids are strings in MLflow 2 and 3, numbers in some older servers. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** MLflow's error bodies: `{"error_code": "...", "message": "..."}` → ": RESOURCE_DOES_NOT_EXIST: ...". */
function serverMessage(text: string): string {
  try {
    const json: unknown = JSON.parse(text);
    if (isObject(json)) {
      const code = typeof json['error_code'] === 'string' ? json['error_code'] : undefined;
      const message = typeof json['message'] === 'string' ? json['message'] : undefined;
      const parts = [code, message].filter((p) => p !== undefined);
      if (parts.length > 0) return `: ${parts.join(': ').slice(0, 300)}`;
    }
  } catch {
    // not JSON: say nothing more
  }
  return '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
