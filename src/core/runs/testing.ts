/**
 * Test and benchmark helpers: run stores on disk in the formats their writers use. `localRunRecord` has the
 * keys, order and types of `_Run.record()` in templates/runtime.py; `writeMlrunsRun` lays a run out as
 * MLflow's FileStore does. Used by unit tests and bench/ only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../contract/runs';
import { LOCAL_RUNS_DIR } from './localStore';

/** A run id for a time (seconds since the epoch) and a 6-hex suffix, as `_new_run_id()` makes them. */
export function runIdAt(seconds: number, suffix: string): string {
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z-${suffix}`;
}

/** run.json's contents for a finished run of `pipeline`, with `overrides` on top. */
export function localRunRecord(id: string, overrides: Partial<Record<keyof RunRecord, unknown>> = {}): Record<string, unknown> {
  const start = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}.000Z`;
  const end = new Date(Date.parse(start) + 1500).toISOString();
  return {
    id,
    record_version: 1,
    pipeline: 'churn',
    version: '0.2.0',
    status: 'finished',
    error: null,
    start,
    end,
    duration_s: 1.5,
    params: { n_estimators: 200, data_path: 'data/churn.csv', test_size: 0.25 },
    metrics: { accuracy: 0.91, 'report.f1': 0.88 },
    steps: [
      { name: 'load', status: 'cached', duration_s: 0.01, cache_key: 'a'.repeat(64) },
      { name: 'train', status: 'ran', duration_s: 1.2, cache_key: 'b'.repeat(64) },
    ],
    only: null,
    use_cache: true,
    git_commit: '0123456789abcdef0123456789abcdef01234567',
    git_dirty: false,
    notebook: 'notebooks/churn.ipynb',
    notebook_sha256: 'c'.repeat(64),
    workdir: 'notebooks',
    python: '3.11.2',
    data_files: [{ parameter: 'data_path', path: 'data/churn.csv', size: 1234, sha256: 'd'.repeat(64) }],
    ...overrides,
  };
}

/** Writes `.nbpromote/runs/<id>/run.json` under `root` as the runtime does (indent 2, a final newline), or `text` as it is. */
export function writeLocalRun(root: string, id: string, record: Record<string, unknown> | string): string {
  const dir = join(root, LOCAL_RUNS_DIR, id);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'run.json');
  writeFileSync(file, typeof record === 'string' ? record : `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export interface MlrunsRunSpec {
  readonly runId: string;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly endTime?: number | null;
  /** The number MLflow writes: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED. */
  readonly status?: number;
  readonly runName?: string;
  readonly lifecycleStage?: 'active' | 'deleted';
  readonly params?: Readonly<Record<string, string>>;
  /** key → lines `timestamp value step` (written as given). */
  readonly metrics?: Readonly<Record<string, readonly string[]>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** `<dir>/<id>/meta.yaml` of an experiment, as MLflow's FileStore writes it (PyYAML, keys sorted). */
export function writeMlrunsExperiment(dir: string, id: string, name: string): void {
  mkdirSync(join(dir, id), { recursive: true });
  const meta = [`artifact_location: file://${dir}/${id}`, `creation_time: 1700000000000`, `experiment_id: '${id}'`, `last_update_time: 1700000000000`, 'lifecycle_stage: active', `name: ${name}`, ''];
  writeFileSync(join(dir, id, 'meta.yaml'), meta.join('\n'));
}

/** `<dir>/<experiment>/<run id>/` with meta.yaml, params/, metrics/ and tags/, as MLflow's FileStore writes it. */
export function writeMlrunsRun(dir: string, experimentId: string, spec: MlrunsRunSpec): string {
  const runDir = join(dir, experimentId, spec.runId);
  mkdirSync(runDir, { recursive: true });
  const name = spec.runName ?? `run-${spec.runId.slice(0, 6)}`;
  const meta = [
    `artifact_uri: file://${runDir}/artifacts`,
    `end_time: ${spec.endTime === undefined ? spec.startTime + 2000 : spec.endTime === null ? 'null' : spec.endTime}`,
    "entry_point_name: ''",
    `experiment_id: '${experimentId}'`,
    `lifecycle_stage: ${spec.lifecycleStage ?? 'active'}`,
    `run_id: ${spec.runId}`,
    `run_name: ${name}`,
    `run_uuid: ${spec.runId}`,
    "source_name: ''",
    'source_type: 4',
    "source_version: ''",
    `start_time: ${spec.startTime}`,
    `status: ${spec.status ?? 3}`,
    'tags: []',
    'user_id: me',
    '',
  ];
  writeFileSync(join(runDir, 'meta.yaml'), meta.join('\n'));
  const write = (folder: string, key: string, text: string): void => {
    const file = join(runDir, folder, ...key.split('/'));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  };
  for (const [key, value] of Object.entries(spec.params ?? {})) write('params', key, value);
  for (const [key, lines] of Object.entries(spec.metrics ?? {})) write('metrics', key, lines.map((l) => `${l}\n`).join(''));
  for (const [key, value] of Object.entries({ 'mlflow.runName': name, ...(spec.tags ?? {}) })) write('tags', key, value);
  return runDir;
}
