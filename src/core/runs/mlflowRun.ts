/**
 * An MLflow run (from the REST API or the mlruns file store) → `RunSummary`. Both sources reduce a run to
 * the same parts first: info fields, params, the latest value of each metric, tags.
 */
import type { Problem } from '../contract/problem';
import type { RunSource, RunSummary } from '../contract/runs';
import { RUN_TAGS, runStatusOfMlflow } from '../contract/runs';

export interface MlflowRunParts {
  readonly source: Extract<RunSource, 'mlflow' | 'mlruns'>;
  readonly id: string;
  readonly experimentId?: string;
  readonly experiment?: string;
  /** RUNNING, SCHEDULED, FINISHED, FAILED, KILLED (undefined: not recorded). */
  readonly status?: string;
  readonly runName?: string;
  /** Milliseconds since the epoch. */
  readonly startTime?: number;
  readonly endTime?: number;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly location?: string;
  readonly problems: readonly Problem[];
}

export function summaryOfMlflowRun(parts: MlflowRunParts): RunSummary {
  const { tags } = parts;
  const status = runStatusOfMlflow(parts.status);
  const start = isoOfMillis(parts.startTime);
  const end = isoOfMillis(parts.endTime);
  const duration = parts.startTime !== undefined && parts.endTime !== undefined && parts.endTime >= parts.startTime ? (parts.endTime - parts.startTime) / 1000 : undefined;
  const name = tags[RUN_TAGS.runName] ?? parts.runName;
  const dirty = tags[RUN_TAGS.gitDirty];
  return {
    source: parts.source,
    id: parts.id,
    ...opt('pipeline', tags[RUN_TAGS.pipeline]),
    ...opt('experiment', parts.experiment),
    ...opt('experimentId', parts.experimentId),
    ...opt('name', name),
    ...opt('version', tags[RUN_TAGS.version]),
    status,
    ...(parts.status !== undefined && parts.status !== 'FINISHED' && parts.status !== 'RUNNING' && parts.status !== 'FAILED' ? { sourceStatus: parts.status } : {}),
    ...opt('start', start),
    ...opt('end', end),
    ...(duration !== undefined ? { durationS: duration } : {}),
    params: parts.params,
    metrics: parts.metrics,
    tags,
    ...opt('gitCommit', tags[RUN_TAGS.gitCommit]),
    ...(dirty === 'true' || dirty === 'false' ? { gitDirty: dirty === 'true' } : {}),
    ...opt('notebook', tags[RUN_TAGS.notebook] ?? tags[RUN_TAGS.sourceName]),
    ...(parts.status === 'KILLED' ? { error: 'the run was killed (MLflow status KILLED)' } : {}),
    ...opt('localRunId', tags[RUN_TAGS.runId]),
    ...opt('location', parts.location),
    ...(parts.problems.length > 0 ? { problems: parts.problems } : {}),
  };
}

/** Milliseconds since the epoch → ISO 8601 UTC; undefined for no or an impossible time. */
export function isoOfMillis(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** MLflow's int64 fields arrive as numbers or as decimal strings. */
export function int64(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A metric value: a number, or "NaN"/"Infinity"/"-Infinity" (proto3 JSON's non-finite doubles) → null. */
export function metricValue(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^[+-]?(nan|inf|infinity)$/i.test(text)) return null;
    if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  }
  return undefined;
}

/** The latest of several values of one metric, as MLflow picks it: the highest step, then timestamp, then value. */
export function isLater(a: { step: number; timestamp: number; value: number | null }, b: { step: number; timestamp: number; value: number | null }): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return (a.value ?? -Infinity) > (b.value ?? -Infinity);
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value !== undefined && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}
