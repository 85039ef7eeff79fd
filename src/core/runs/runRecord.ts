/**
 * One run.json (the local run store's record, schemas/run.schema.json) → `RunSummary`. Never throws on the
 * file's contents: a file that is not JSON, truncated, or does not match the schema still gives a summary,
 * with what could be read, and problems naming the file and what is wrong. A record that cannot be parsed
 * at all has status `unknown`.
 */
import { hostname } from 'node:os';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemaValidator } from '../contract/schemaValidators';
import type { Problem } from '../contract/problem';
import { findJsonErrorOffset } from '../notebook/jsonSyntax';
import { lineAndColumn } from '../notebook/jsonValue';
import type { RunDataFile, RunParamValue, RunStatus, RunStep, RunSummary } from '../contract/runs';
import { runProcessAlive } from '../util/process';

/** The run.json validator (precompiled: contract/schemaValidators.ts). */
function validator(): ValidateFunction {
  return schemaValidator('run');
}

/**
 * The summary of the run in folder `folderId` whose run.json (`file`, as problems name it) holds `text`.
 * The summary's id is always `folderId`, the name the store knows the run by.
 */
export function parseRunRecord(text: string, file: string, folderId: string): RunSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (ex) {
    return unreadable(folderId, file, jsonProblem(text, ex, file));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return unreadable(folderId, file, { severity: 'error', code: 'run-schema', message: `run.json should hold an object, not ${typeWord(value)}`, file });
  }
  const record = value as Record<string, unknown>;
  const validate = validator();
  const problems: Problem[] = validate(record) ? [] : schemaProblems(validate.errors ?? [], file);
  if (typeof record['id'] === 'string' && record['id'] !== folderId) {
    problems.push({ severity: 'warning', code: 'run-id-mismatch', message: `the record's id is ${record['id']}, but its folder is ${folderId}`, file });
  }
  const recorded = recordStatus(record['status']);
  const abandoned = recorded === 'running' && processGone(record['pid'], record['host'], record['start']);
  const status = abandoned ? 'failed' : recorded;
  const error = record['error'];
  const errorObject = isObject(error) ? error : undefined;
  const mlflow = isObject(record['mlflow']) ? record['mlflow'] : undefined;
  const summary: RunSummary = {
    source: 'local',
    id: folderId,
    ...optionalString('pipeline', record['pipeline']),
    ...optionalString('version', record['version']),
    status,
    ...(abandoned ? { sourceStatus: 'ABANDONED' } : stoppedBySignal(recorded, errorObject?.['message']) ? { sourceStatus: 'STOPPED' } : {}),
    ...(recorded === 'running' && !abandoned && processHere(record['pid'], record['host']) ? { livePid: record['pid'] as number } : {}),
    ...optionalString('start', record['start']),
    ...optionalString('end', record['end']),
    ...optionalNumber('durationS', record['duration_s']),
    params: isObject(record['params']) ? (record['params'] as Record<string, RunParamValue>) : {},
    metrics: metricsOf(record['metrics']),
    ...optionalString('gitCommit', record['git_commit']),
    ...(typeof record['git_dirty'] === 'boolean' ? { gitDirty: record['git_dirty'] } : {}),
    ...optionalString('notebook', record['notebook']),
    ...optionalString('notebookSha256', record['notebook_sha256']),
    ...optionalString('promotedNotebookSha256', record['promoted_notebook_sha256']),
    ...optionalString('workdir', record['workdir']),
    ...dataFilesOf(record['data_files']),
    ...stepsOf(record['steps']),
    ...optionalString('error', abandoned ? `its process (pid ${String(record['pid'])}) ended without finishing the record: it was killed, the machine stopped, or the record could not be written (a full disk)` : errorObject?.['message']),
    ...optionalString('traceback', errorObject?.['traceback']),
    ...optionalString('mlflowRunId', mlflow?.['run_id']),
    location: file,
    ...(problems.length > 0 ? { problems } : {}),
  };
  return summary;
}

/** A failed run that a signal stopped (Stop Run in the editor, Ctrl-C, a CI timeout), as the runtime words it. */
function stoppedBySignal(status: RunStatus, message: unknown): boolean {
  return status === 'failed' && typeof message === 'string' && /^(?:step '(?:[^'\\]|\\.)*' was |the run was )?stopped by SIG[A-Z]+\b/.test(message);
}

/** The summary of a run whose record could not be read at all. */
export function unreadable(folderId: string, file: string, problem: Problem): RunSummary {
  return { source: 'local', id: folderId, status: 'unknown', params: {}, metrics: {}, location: file, problems: [problem] };
}

/**
 * The record's process, on this machine, is gone: the run was killed (SIGKILL, the out-of-memory killer) or the
 * machine stopped before the runtime could finish its record. A record from another machine, or without a pid
 * (an older runtime), cannot be checked: it stays `running`. A pid reused since by a process that started after
 * the run (`start`) is gone too, where the system tells when a process started (Linux); elsewhere such a pid
 * keeps the run `running`.
 */
function processGone(pid: unknown, host: unknown, start: unknown): boolean {
  return processHere(pid, host) && !runProcessAlive(pid as number, start);
}

/** `pid` names a process of this machine (`host`), which can be checked. */
function processHere(pid: unknown, host: unknown): boolean {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 && typeof host === 'string' && host === hostname();
}

function recordStatus(value: unknown): RunStatus {
  return value === 'running' || value === 'finished' || value === 'failed' ? value : 'unknown';
}

function metricsOf(value: unknown): Record<string, number | null> {
  const metrics: Record<string, number | null> = {};
  if (!isObject(value)) return metrics;
  for (const [key, number] of Object.entries(value)) {
    if (typeof number === 'number' || number === null) metrics[key] = number;
  }
  return metrics;
}

function dataFilesOf(value: unknown): { dataFiles?: RunDataFile[] } {
  if (!Array.isArray(value)) return {};
  const files: RunDataFile[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item['path'] !== 'string' || typeof item['size'] !== 'number' || typeof item['sha256'] !== 'string') continue;
    const steps = Array.isArray(item['steps']) ? item['steps'].filter((s): s is string => typeof s === 'string') : undefined;
    files.push({ path: item['path'], size: item['size'], sha256: item['sha256'], ...(typeof item['parameter'] === 'string' ? { parameter: item['parameter'] } : {}), ...(steps === undefined ? {} : { steps }) });
  }
  return { dataFiles: files };
}

function stepsOf(value: unknown): { steps?: RunStep[] } {
  if (!Array.isArray(value)) return {};
  const steps: RunStep[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item['name'] !== 'string') continue;
    const status = typeof item['status'] === 'string' ? item['status'] : 'unknown';
    steps.push({ name: item['name'], status, durationS: typeof item['duration_s'] === 'number' ? item['duration_s'] : 0, cached: status === 'cached' });
  }
  return { steps };
}

function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}

function optionalNumber<K extends string>(key: K, value: unknown): { [P in K]?: number } {
  return (typeof value === 'number' && Number.isFinite(value) ? { [key]: value } : {}) as { [P in K]?: number };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeWord(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'true or false' : typeof value;
}

// ---------------------------------------------------------------------------------------------------------
// Problems

/** A JSON.parse failure in words: truncated (ends inside a value), empty, or the error at a line and column. */
function jsonProblem(text: string, error: unknown, file: string): Problem {
  const end = text.trimEnd().length;
  if (end === 0) return { severity: 'error', code: 'json-syntax', message: 'run.json is empty (was the run interrupted while it was being recorded?)', file };
  const message = error instanceof Error ? error.message : String(error);
  const match = /at position (\d+)/.exec(message);
  const offset = match === null ? findJsonErrorOffset(text) : Number(match[1]);
  if (/Unexpected end of JSON input/.test(message) || (offset !== undefined && offset >= end)) {
    return { severity: 'error', code: 'json-syntax', message: 'run.json is not complete JSON: it ends in the middle of a value (truncated?)', file, ...lineAndColumn(text, end) };
  }
  const detail = message.replace(/^SyntaxError: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, '');
  return { severity: 'error', code: 'json-syntax', message: `run.json is not valid JSON: ${detail}`, file, ...(offset === undefined ? {} : lineAndColumn(text, offset)) };
}

/** Ajv's errors as problems, one per field, in words: "`status` must be one of running, finished, failed". */
function schemaProblems(errors: readonly ErrorObject[], file: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const field = fieldName(error.instancePath);
    const params: Record<string, unknown> = error.params;
    let message: string;
    switch (error.keyword) {
      case 'required':
        message = `${field === '' ? 'the record' : `\`${field}\``} has no \`${String(params['missingProperty'])}\``;
        break;
      case 'enum':
        message = `\`${field}\` must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
        break;
      case 'type':
        message = `\`${field}\` must be ${String(params['type']).split(',').join(' or ')}`;
        break;
      default:
        message = `\`${field}\` ${error.message ?? 'does not match the schema'}`;
    }
    if (seen.has(message)) continue;
    seen.add(message);
    problems.push({ severity: 'error', code: 'run-schema', message: `${message} (schemas/run.schema.json)`, file });
  }
  return problems;
}

/** `/steps/0/status` → `steps[0].status`. */
function fieldName(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s, i) => (/^(0|[1-9][0-9]*)$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}
