/**
 * What the compare panel shows for a few runs: each parameter with its value per run (and whether they
 * differ), each metric's final value per run (one bar chart each), and the history over steps of the
 * metrics where a run recorded more than one value (MLflow). Pure: the panel reads the histories and
 * passes them in.
 */
import type { MetricPoint, RunSummary } from '../../core/contract/runs';
import { runGroup } from '../../core/contract/runs';
import type { CompareData, CompareHistory, CompareMetric, CompareParam, CompareRun } from './protocol';
import { formatMetricsApart } from '../../core/util/words';
import { formatParam, formatTime, runLabel, shortRunLabel, statusWord } from './format';

/** Per run (same order as the runs), metric name → its recorded values. */
export type RunHistories = readonly ReadonlyMap<string, readonly MetricPoint[]>[];

export function compareData(runs: readonly RunSummary[], histories: RunHistories = [], problems: readonly string[] = []): CompareData {
  // Runs of different pipelines (or experiments): each label names its own, and the panel says so.
  const groups = runs.map(runGroup);
  const distinct = [...new Set(groups)];
  const mixed = distinct.length > 1;
  const labels = uniqueLabels(runs.map((run, i) => (mixed ? `${groups[i] ?? ''} · ${shortRunLabel(run)}` : shortRunLabel(run))));
  const compareRuns: CompareRun[] = runs.map((run, index) => ({
    index,
    label: labels[index] ?? run.id,
    title: `${mixed ? `${groups[index] ?? ''} · ` : ''}${runLabel(run)} · ${run.source} · ${statusWord(run)} · ${formatTime(run.start)}`,
    status: statusWord(run),
    commit: run.gitCommit === undefined ? undefined : `${run.gitCommit.slice(0, 7)}${run.gitDirty === true ? '*' : ''}`,
  }));

  const params: CompareParam[] = namesInOrder(runs.map((r) => Object.keys(r.params))).map((name) => {
    const values = runs.map((run) => (Object.prototype.hasOwnProperty.call(run.params, name) ? formatParam(run.params[name], run.paramShapes?.[name]) : null));
    return { name, values, differs: values.some((v) => v !== values[0]) };
  });

  const metrics: CompareMetric[] = namesInOrder(runs.map((r) => Object.keys(r.metrics))).map((name) => {
    const has = runs.map((run) => Object.prototype.hasOwnProperty.call(run.metrics, name));
    const values = runs.map((run) => run.metrics[name] ?? null);
    // Values that differ never read alike side by side (11547.82 and 11546.88 had both read 11550).
    const apart = formatMetricsApart(values);
    return { name, values, texts: values.map((_, i) => (has[i] === true ? (apart[i] ?? '') : '—')) };
  });

  const historyNames = namesInOrder(histories.map((h) => [...h.keys()]));
  const compareHistories: CompareHistory[] = [];
  for (const metric of historyNames) {
    const series = histories
      .map((h, run) => ({ run, points: pointsOf(h.get(metric) ?? []) }))
      .filter((s) => s.points.length > 0);
    if (series.some((s) => s.points.length > 1)) compareHistories.push({ metric, series });
  }

  const notes = [...problems];
  runs.forEach((run, i) => {
    const errors = (run.problems ?? []).filter((p) => p.severity === 'error');
    if (errors.length > 0) notes.push(`${labels[i] ?? run.id}: ${errors.map((p) => p.message).join('; ')}`);
  });
  return {
    title: mixed ? `Compare ${runs.length} runs of ${distinct.length} pipelines` : `Compare ${runs.length} runs`,
    runs: compareRuns,
    params,
    metrics,
    histories: compareHistories,
    problems: notes,
    ...(mixed ? { notice: `These runs are of different pipelines (${distinct.join(', ')}): their parameters and metrics may not line up.` } : {}),
  };
}

/** Finite points in step order (the same step twice: the later timestamp). */
function pointsOf(points: readonly MetricPoint[]): { step: number; value: number }[] {
  const byStep = new Map<number, MetricPoint>();
  for (const p of points) {
    if (p.value === null) continue;
    const seen = byStep.get(p.step);
    if (seen === undefined || p.timestamp >= seen.timestamp) byStep.set(p.step, p);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step).map((p) => ({ step: p.step, value: p.value ?? 0 }));
}

/** Every name, in the order the first run that has it lists it. */
function namesInOrder(lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const name of list) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push(name);
    }
  }
  return out;
}

/** Labels made distinct: "a", "a" → "a", "a (2)". */
function uniqueLabels(labels: readonly string[]): string[] {
  const counts = new Map<string, number>();
  return labels.map((label) => {
    const n = (counts.get(label) ?? 0) + 1;
    counts.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}
