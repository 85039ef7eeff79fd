/**
 * How the Runs view words a run: the key metric, durations, sizes, the tooltip's Markdown, the text of a
 * `--param` value for a re-run, the poll interval after failures. Pure functions (no vscode, no Node), so
 * they are unit-tested without VS Code and the webviews may import them.
 */
import type { ParamShape } from '../../core/contract/pipelineConfig';
import type { RunParamValue, RunSummary } from '../../core/contract/runs';
import { jsonWithFloats } from '../../core/pipeline/paramText';
import { formatMetric, formatSize } from '../../core/util/words';
import { statusWord, stoppedWords } from '../../core/runs/stopped';

export { statusWord, stoppedWords };

/** The first metric the run recorded: what the view shows next to it. */
export function keyMetric(run: RunSummary): { readonly name: string; readonly value: number | null } | undefined {
  for (const [name, value] of Object.entries(run.metrics)) return { name, value };
  return undefined;
}

/** 0.91234 → "0.9123", 11546.876 → "11546.88", 200 → "200", null → "n/a" (a non-finite number): {@link formatMetric}. */
export function formatNumber(value: number | null | undefined): string {
  return formatMetric(value);
}

/** 0.04 → "40 ms", 1.5 → "1.5 s", 75 → "1 min 15 s", 3725 → "1 h 2 min". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Number(seconds.toPrecision(3))} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 === 0 ? '' : ` ${whole % 60} s`}`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
}


/** "2026-11-25T22:15:30.120Z" → "2026-11-25 22:15:30 UTC". */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The commit as people read it: 7 hex digits, and "(uncommitted changes)" when the tree was dirty. */
export function formatCommit(run: RunSummary): string | undefined {
  if (run.gitCommit === undefined) return undefined;
  return `${run.gitCommit.slice(0, 7)}${run.gitDirty === true ? ' (uncommitted changes)' : ''}`;
}

/**
 * A parameter value as text: strings as they are, the rest as JSON, with the numbers `shape` (pipeline.yaml's, see
 * RunSummary.paramShapes) calls floats written as floats: `alpha` 1.0 reads `1.0`, not `1`.
 */
export function formatParam(value: RunParamValue | undefined, shape?: ParamShape): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : jsonWithFloats(value, shape);
}

/**
 * The name a run is shown by: MLflow's run name; for a local run the time its id records, in local time
 * (`2026-11-25 22:15:30`: short enough to leave room for the key metric); else its id.
 */
export function runLabel(run: RunSummary): string {
  if (run.name !== undefined) return run.name;
  const start = startOfLocalId(run.id);
  return start === undefined ? run.id : localTime(start);
}

const LOCAL_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-([0-9a-f]+)$/;

/** The start a local run id records (`20261125T221530Z-a1b2c3`), to the second. */
function startOfLocalId(id: string): Date | undefined {
  const match = LOCAL_ID.exec(id);
  if (match === null) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
}

/** `YYYY-MM-DD HH:MM:SS` in the local time zone. */
export function localTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** A short name for charts and table headers: the run name, the (local) time and suffix of a local run id, 8 hex digits of an MLflow id. */
export function shortRunLabel(run: RunSummary): string {
  if (run.name !== undefined) return run.name.length > 24 ? `${run.name.slice(0, 23)}…` : run.name;
  const start = startOfLocalId(run.id);
  if (start !== undefined) return `${localTime(start).slice(11)} ${run.id.slice(run.id.indexOf('-') + 1, run.id.indexOf('-') + 7)}`;
  return run.id.length > 12 ? run.id.slice(0, 8) : run.id;
}

/** The tree item's description: the key metric, or why it failed, or what is wrong with its record; "stale" when the source could not be read again. */
/**
 * A run's error as a row shows it: the step and what it raised (`train: MemoryError`), the exception first, as the
 * runner's `step 'train' failed in notebook cell 2 (id train), line 1: MemoryError` puts it last (round 36 I: cut at
 * 60 characters, the row showed only where). Any other error as it is.
 */
export function failureWords(error: string | undefined): string {
  if (error === undefined) return 'failed';
  const step = /^step '((?:[^'\\]|\\.)*)' failed(?: in notebook cell [^:]*?, line \d+)?(?: \([^)]*\))?: ([\s\S]+)$/.exec(error);
  return step === null ? error : `${step[1] ?? ''}: ${step[2] ?? ''}`;
}

export function runDescription(run: RunSummary, stale: boolean): string {
  const parts: string[] = [];
  const metric = keyMetric(run);
  const stopped = stoppedWords(run);
  if (metric !== undefined) parts.push(`${metric.name} ${formatNumber(metric.value)}`);
  else if (stopped !== undefined) parts.push(stopped);
  else if (run.status === 'failed') parts.push(truncate(failureWords(run.error), 60));
  else if (run.status === 'running') parts.push('running');
  const problem = run.problems?.find((p) => p.severity === 'error') ?? run.problems?.[0];
  if (run.status === 'unknown' && problem !== undefined) parts.push(truncate(problem.message, 80));
  if (stale) parts.push('stale');
  return parts.join(' · ');
}

/**
 * The tooltip, as Markdown: status and time, parameters, metrics, commit, data files, duration, steps and
 * problems. Every value is escaped: a record's text never becomes a link or markup.
 */
export function runTooltipMarkdown(run: RunSummary, stale: boolean): string {
  const lines: string[] = [];
  const what = [run.pipeline ?? run.experiment, run.version === undefined ? undefined : `v${run.version}`].filter((p) => p !== undefined).join(' ');
  const word = statusWord(run);
  lines.push(`**${md(runLabel(run))}** · ${md(word)}${run.sourceStatus === undefined || word === 'stopped' ? '' : ` (${md(run.sourceStatus)})`}${stale ? ' · *stale*' : ''}`);
  lines.push('', `run \`${code(run.id)}\``, '');
  const facts = [what === '' ? undefined : md(what), `started ${md(formatTime(run.start))}`, `took ${md(formatDuration(run.durationS))}`].filter((p) => p !== undefined);
  lines.push(facts.join(' · '));
  const stopped = stoppedWords(run);
  if (stopped !== undefined) lines.push('', md(`${stopped.charAt(0).toUpperCase()}${stopped.slice(1)}.`));
  else if (run.error !== undefined) lines.push('', `**Error:** ${md(truncate(run.error, 300))}`);
  section(lines, 'Parameters', Object.entries(run.params).map(([name, value]) => `${md(name)} = \`${code(formatParam(value, run.paramShapes?.[name]))}\``));
  section(lines, 'Metrics', Object.entries(run.metrics).map(([name, value]) => `${md(name)} = \`${formatNumber(value)}\``));
  const commit = formatCommit(run);
  if (commit !== undefined) lines.push('', `**Commit:** \`${code(run.gitCommit?.slice(0, 7) ?? '')}\`${run.gitDirty === true ? ' (uncommitted changes)' : run.gitDirty === false ? ' (clean)' : ''}`);
  else lines.push('', '**Commit:** not recorded');
  section(
    lines,
    'Data files',
    (run.dataFiles ?? []).map((f) => `${md(f.path)} · ${formatSize(f.size)} · sha256 \`${code(f.sha256.slice(0, 12))}\`${f.steps === undefined || f.steps.length === 0 ? '' : ` · read by ${md(f.steps.join(', '))}`}`),
  );
  if (run.steps !== undefined && run.steps.length > 0) {
    lines.push('', `**Steps:** ${run.steps.map((s) => `${md(s.name)} ${md(s.cached ? 'cached' : s.status)} ${md(formatDuration(s.durationS))}`).join(', ')}`);
  }
  section(lines, 'Problems', (run.problems ?? []).map((p) => `${p.severity}: ${md(p.message)}`));
  return lines.join('\n');
}

function section(lines: string[], title: string, items: readonly string[]): void {
  if (items.length === 0) return;
  const shown = items.slice(0, 30);
  lines.push('', `**${title}**`, '', ...shown.map((i) => `- ${i}`));
  if (items.length > shown.length) lines.push(`- … and ${items.length - shown.length} more`);
}

/** Markdown-escapes text (so `*`, `_`, `[`, `<` … show as themselves). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Text inside a code span: backticks would end it, and newlines break the list. */
function code(text: string): string {
  return truncate(text.replace(/`/g, "'").replace(/\r?\n/g, ' '), 120);
}

export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * The text of `--param name=<text>` that gives `value` back: the runtime converts it to the parameter's
 * declared type (int and float as Python reads them, bool true/false, list and dict as JSON, none
 * `none`); strings are passed as they are.
 */
export function paramArgument(value: RunParamValue): string {
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** MLflow polling: the interval after a success; after a failure twice the last one, at most 10 minutes. */
export const MAX_POLL_MS = 10 * 60 * 1000;

export function nextPollDelay(baseMs: number, lastMs: number, failed: boolean): number {
  if (!failed) return baseMs;
  return Math.min(Math.max(lastMs, baseMs) * 2, MAX_POLL_MS);
}

/** What opening a run's record says when the file is gone (deleted after the view read it). */
export function goneRecordMessage(runId: string, file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return `The record of run ${runId} is no longer there: ${name} was deleted (${file}). The Runs view now shows what is left.`;
}
