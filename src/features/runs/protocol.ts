/**
 * The messages between the run panels (src/features/runs/runPanel.ts and comparePanel.ts, extension host)
 * and their webview scripts (webview/runs.ts, webview/compare.ts, browser). Both sides import this file,
 * so it imports only types: no `vscode`, no Node, no DOM. Messages from the other side are checked with
 * the guards below before use.
 */
import type { RunSummary } from '../../core/contract/runs';

// ---------------------------------------------------------------------------------------------------------
// One run (Open Run)

/** What the run panel offers besides reading: each is true when it applies to this run. */
export interface RunActions {
  /** The run recorded a commit: open the notebook or pipeline.yaml as it was then. */
  readonly openCommit: boolean;
  /** A local run in a trusted workspace: run the pipeline again with these parameters. */
  readonly rerun: boolean;
  /** run.json, the mlruns folder's meta.yaml, or the run's page in the MLflow UI. */
  readonly openLocation: string | undefined;
  /** A local run whose error names a notebook cell (`failed in notebook cell 5, line 2`): reveal that cell. */
  readonly goToCell?: boolean;
}

export interface RunView {
  readonly run: RunSummary;
  /** The source could not be read again: this is the last data read. */
  readonly stale: boolean;
  /** "Local runs · runs-example", "MLflow · 127.0.0.1:5000". */
  readonly sourceLabel: string;
  readonly actions: RunActions;
}

export type RunAction = 'openCommit' | 'rerun' | 'openLocation' | 'goToCell';

// ---------------------------------------------------------------------------------------------------------
// Several runs (Compare Runs)

export interface CompareRun {
  /** Index in `runs`: the colour of its bars and lines. */
  readonly index: number;
  readonly label: string;
  /** Full id, source and status, for the legend's hover. */
  readonly title: string;
  /** The status as people say it (`statusWord`: `stopped` for a run a signal stopped). */
  readonly status: RunSummary['status'] | 'stopped';
  readonly commit: string | undefined;
}

export interface CompareParam {
  readonly name: string;
  /** Per run, the value as text; null where the run has no such parameter. */
  readonly values: readonly (string | null)[];
  /** Not every run has the same text here (a missing value differs). */
  readonly differs: boolean;
}

export interface CompareMetric {
  readonly name: string;
  /** Per run; null where the run has no value (or a non-finite one, see `texts`). */
  readonly values: readonly (number | null)[];
  /** Per run, as shown: "0.9123", "n/a" (not finite), "—" (not recorded). */
  readonly texts: readonly string[];
}

export interface HistoryPoint {
  readonly step: number;
  readonly value: number;
}

export interface CompareHistory {
  readonly metric: string;
  /** One series per run that has points (by `CompareRun.index`). */
  readonly series: readonly { readonly run: number; readonly points: readonly HistoryPoint[] }[];
}

export interface CompareData {
  readonly title: string;
  readonly runs: readonly CompareRun[];
  readonly params: readonly CompareParam[];
  readonly metrics: readonly CompareMetric[];
  /** Metrics whose history (MLflow) has more than one point in some run: drawn over steps. */
  readonly histories: readonly CompareHistory[];
  /** Already worded: a history that could not be read, runs with problems. */
  readonly problems: readonly string[];
  /** Shown above the tables: the runs are of different pipelines (undefined when they are of one). */
  readonly notice?: string;
}

// ---------------------------------------------------------------------------------------------------------

/** Host → webview. */
export type HostMessage = { readonly type: 'run'; readonly view: RunView } | { readonly type: 'compare'; readonly data: CompareData };

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: RunAction }
  /** The run panel drew its sections (their titles). */
  | { readonly type: 'renderedRun'; readonly sections: readonly string[] }
  /** The compare panel drew: table rows, bar charts, history charts. */
  | { readonly type: 'renderedCompare'; readonly params: number; readonly charts: number; readonly histories: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** For the host: is this a message a runs webview may send? */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'ready':
      return true;
    case 'action':
      return value['action'] === 'openCommit' || value['action'] === 'rerun' || value['action'] === 'openLocation' || value['action'] === 'goToCell';
    case 'renderedRun':
      return isStringArray(value['sections']);
    case 'renderedCompare':
      return isCount(value['params']) && isCount(value['charts']) && isCount(value['histories']);
    default:
      return false;
  }
}

function isRunSummary(value: unknown): value is RunSummary {
  return isRecord(value) && typeof value['id'] === 'string' && typeof value['status'] === 'string' && typeof value['source'] === 'string' && isRecord(value['params']) && isRecord(value['metrics']);
}

function isRunView(value: unknown): value is RunView {
  return isRecord(value) && isRunSummary(value['run']) && typeof value['stale'] === 'boolean' && typeof value['sourceLabel'] === 'string' && isRecord(value['actions']);
}

function isCompareData(value: unknown): value is CompareData {
  return (
    isRecord(value) &&
    typeof value['title'] === 'string' &&
    Array.isArray(value['runs']) &&
    value['runs'].every((r) => isRecord(r) && typeof r['label'] === 'string' && isCount(r['index'])) &&
    Array.isArray(value['params']) &&
    value['params'].every((p) => isRecord(p) && typeof p['name'] === 'string' && Array.isArray(p['values']) && typeof p['differs'] === 'boolean') &&
    Array.isArray(value['metrics']) &&
    value['metrics'].every((m) => isRecord(m) && typeof m['name'] === 'string' && Array.isArray(m['values']) && isStringArray(m['texts'])) &&
    Array.isArray(value['histories']) &&
    value['histories'].every((h) => isRecord(h) && typeof h['metric'] === 'string' && Array.isArray(h['series'])) &&
    isStringArray(value['problems'])
  );
}

/** For the webviews: is this a message the host sends? */
export function isHostMessage(value: unknown): value is HostMessage {
  if (!isRecord(value)) return false;
  if (value['type'] === 'run') return isRunView(value['view']);
  if (value['type'] === 'compare') return isCompareData(value['data']);
  return false;
}
