import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mlrunsDir, readMlrunsMetricHistory, readMlrunsPage, readMlrunsStore, scanMlrunsStore } from './mlruns';
import { writeMlrunsExperiment, writeMlrunsRun } from './testing';

describe('mlruns file store', () => {
  let dir = '';
  const t0 = 1_764_108_930_000; // 2025-11-25T22:15:30Z

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'nbpromote-mlruns-')), 'mlruns');
    mkdirSync(dir);
    mkdirSync(join(dir, '.trash'));
    writeMlrunsExperiment(dir, '0', 'Default');
    writeMlrunsExperiment(dir, '1', 'churn');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('reads a run in MLflow layout: meta.yaml, params, metrics (latest by step), tags', async () => {
    const runDir = writeMlrunsRun(dir, '1', {
      runId: 'a'.repeat(32),
      startTime: t0,
      endTime: t0 + 1500,
      status: 3,
      params: { n_estimators: '200', 'model/depth': '5' },
      metrics: { accuracy: [`${t0} 0.5 0`, `${t0 + 10} 0.91 2`, `${t0 + 5} 0.8 1`], loss: [`${t0} NaN 0`] },
      tags: { 'mlflow.source.git.commit': 'abc123', 'nbpromote.version': '0.2.0', 'nbpromote.pipeline': 'churn', 'nbpromote.notebook': 'nb/churn.ipynb', 'nbpromote.run_id': '20251125T221530Z-a1b2c3', 'nbpromote.git_dirty': 'false' },
    });
    const page = await readMlrunsStore(dir);
    assert.equal(page.total, 1);
    assert.deepEqual(page.problems, []);
    assert.deepEqual(page.items[0], {
      source: 'mlruns',
      id: 'a'.repeat(32),
      pipeline: 'churn',
      experiment: 'churn',
      experimentId: '1',
      name: 'run-aaaaaa',
      version: '0.2.0',
      status: 'finished',
      start: '2025-11-25T22:15:30.000Z',
      end: '2025-11-25T22:15:31.500Z',
      durationS: 1.5,
      params: { 'model/depth': '5', n_estimators: '200' },
      metrics: { accuracy: 0.91, loss: null },
      tags: {
        'mlflow.runName': 'run-aaaaaa',
        'mlflow.source.git.commit': 'abc123',
        'nbpromote.git_dirty': 'false',
        'nbpromote.notebook': 'nb/churn.ipynb',
        'nbpromote.pipeline': 'churn',
        'nbpromote.run_id': '20251125T221530Z-a1b2c3',
        'nbpromote.version': '0.2.0',
      },
      gitCommit: 'abc123',
      gitDirty: false,
      notebook: 'nb/churn.ipynb',
      localRunId: '20251125T221530Z-a1b2c3',
      location: runDir,
    });
    const history = readMlrunsMetricHistory(runDir, 'accuracy');
    assert.deepEqual(history.points, [
      { value: 0.5, timestamp: t0, step: 0 },
      { value: 0.91, timestamp: t0 + 10, step: 2 },
      { value: 0.8, timestamp: t0 + 5, step: 1 },
    ]);
  });

  it('maps MLflow statuses, as numbers or words, and reads runs still running', async () => {
    const statuses: [number | string, string][] = [[1, 'running'], [2, 'running'], [3, 'finished'], [4, 'failed'], [5, 'failed'], ['FAILED', 'failed']];
    statuses.forEach(([status], i) => {
      const runDir = writeMlrunsRun(dir, '0', { runId: `${i}`.repeat(32), startTime: t0 + i * 1000, status: typeof status === 'number' ? status : 3, ...(status === 1 ? { endTime: null } : {}) });
      if (typeof status === 'string') writeFileSync(join(runDir, 'meta.yaml'), `run_id: ${`${i}`.repeat(32)}\nstart_time: ${t0 + i * 1000}\nstatus: ${status}\n`);
    });
    const page = await readMlrunsStore(dir);
    const byId = new Map(page.items.map((r) => [r.id, r]));
    statuses.forEach(([, expected], i) => assert.equal(byId.get(`${i}`.repeat(32))?.status, expected, `status ${String(statuses[i]?.[0])}`));
    assert.equal(byId.get('1'.repeat(32))?.sourceStatus, 'SCHEDULED');
    assert.equal(byId.get('4'.repeat(32))?.sourceStatus, 'KILLED');
    assert.match(byId.get('4'.repeat(32))?.error ?? '', /killed/);
    assert.equal(byId.get('0'.repeat(32))?.end, undefined);
  });

  it('newest first across experiments, paged, deleted runs and experiments left out', async () => {
    for (let i = 0; i < 250; i++) writeMlrunsRun(dir, i % 2 === 0 ? '0' : '1', { runId: i.toString(16).padStart(32, '0'), startTime: t0 + i * 1000 });
    writeMlrunsRun(dir, '1', { runId: 'd'.repeat(32), startTime: t0 + 10_000_000, lifecycleStage: 'deleted' });
    mkdirSync(join(dir, '.trash', '7'), { recursive: true });
    writeMlrunsExperiment(dir, '9', 'gone');
    writeFileSync(join(dir, '9', 'meta.yaml'), 'name: gone\nexperiment_id: "9"\nlifecycle_stage: deleted\n');
    writeMlrunsRun(dir, '9', { runId: 'e'.repeat(32), startTime: t0 + 20_000_000 });
    const index = await scanMlrunsStore(dir);
    assert.equal(index.entries.length, 250);
    const first = await readMlrunsPage(index);
    assert.equal(first.total, 250);
    assert.equal(first.items.length, 200);
    assert.equal(first.nextOffset, 200);
    assert.equal(first.items[0]?.id, (249).toString(16).padStart(32, '0'));
    assert.equal(first.items[0]?.experiment, 'churn');
    assert.equal(first.items[1]?.experiment, 'Default');
    const second = await readMlrunsPage(index, { offset: 200 });
    assert.equal(second.items.length, 50);
    assert.equal(second.items[49]?.id, '0'.repeat(32));
    assert.equal(second.nextOffset, undefined);
  });

  it('a truncated metric line keeps the good lines and flags the bad one; a run without meta.yaml is one flagged item', async () => {
    const good = writeMlrunsRun(dir, '1', { runId: 'b'.repeat(32), startTime: t0 + 2000, metrics: { rmse: [`${t0} 0.7 0`, `${t0 + 1} 0.6 1`] } });
    // Cut short while MLflow appended a line: the file ends inside it.
    writeFileSync(join(good, 'metrics', 'rmse'), `${t0} 0.7 0\n${t0 + 1} 0.6 1\n${t0 + 2}`);
    const noMeta = writeMlrunsRun(dir, '1', { runId: 'c'.repeat(32), startTime: t0 + 1000, params: { a: '1' } });
    unlinkSync(join(noMeta, 'meta.yaml'));
    writeMlrunsRun(dir, '0', { runId: 'f'.repeat(32), startTime: t0, params: { a: '2' }, metrics: { x: ['garbage'] } });
    const page = await readMlrunsStore(dir);
    assert.equal(page.total, 3);
    const [first, second, third] = page.items;

    assert.equal(first?.id, 'b'.repeat(32));
    assert.equal(first?.status, 'finished');
    assert.deepEqual(first?.metrics, { rmse: 0.6 });
    assert.deepEqual(
      first?.problems?.map((p) => [p.code, p.file, p.line, p.message]),
      [['mlruns-metric-line', join(good, 'metrics', 'rmse'), 3, `metric rmse: the line "${t0 + 2}" is not "timestamp value step" (the last line: was the file cut short?); it is left out`]],
    );

    // The run without meta.yaml has no start time: it sorts after the others.
    assert.equal(second?.id, 'f'.repeat(32));
    assert.deepEqual(second?.params, { a: '2' });
    assert.equal(second?.problems?.[0]?.code, 'mlruns-metric-line');

    assert.equal(third?.id, 'c'.repeat(32));
    assert.equal(third?.status, 'unknown');
    assert.equal(third?.experiment, 'churn');
    assert.deepEqual(third?.problems?.map((p) => [p.code, p.file, p.message]), [['mlruns-run-meta', join(noMeta, 'meta.yaml'), 'the run has no meta.yaml: MLflow cannot read it either']]);
  });

  it('flags a broken run meta.yaml and an experiment without meta.yaml', async () => {
    const broken = writeMlrunsRun(dir, '1', { runId: 'b'.repeat(32), startTime: t0 });
    writeFileSync(join(broken, 'meta.yaml'), 'run_id: [unclosed\nstart_time: 5\n');
    mkdirSync(join(dir, '12', 'c'.repeat(32)), { recursive: true });
    const page = await readMlrunsStore(dir);
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0]?.status, 'unknown');
    assert.match(page.items[0]?.problems?.[0]?.message ?? '', /^meta\.yaml cannot be read: /);
    assert.deepEqual(page.problems.map((p) => [p.code, p.file]), [['mlruns-experiment-meta', join(dir, '12', 'meta.yaml')]]);
  });

  it('a second scan sees what changed: runs deleted, ended, added, losing their meta.yaml', async () => {
    const a = writeMlrunsRun(dir, '1', { runId: 'a'.repeat(32), startTime: t0, status: 1, endTime: null });
    writeMlrunsRun(dir, '1', { runId: 'b'.repeat(32), startTime: t0 + 1000 });
    const c = writeMlrunsRun(dir, '1', { runId: 'c'.repeat(32), startTime: t0 + 2000 });
    const first = await readMlrunsStore(dir);
    assert.deepEqual(first.items.map((r) => [r.id[0], r.status]), [['c', 'finished'], ['b', 'finished'], ['a', 'running']]);
    writeMlrunsRun(dir, '1', { runId: 'a'.repeat(32), startTime: t0 + 5000, status: 3 });
    writeMlrunsRun(dir, '1', { runId: 'b'.repeat(32), startTime: t0 + 1000, lifecycleStage: 'deleted' });
    unlinkSync(join(c, 'meta.yaml'));
    writeMlrunsRun(dir, '0', { runId: 'd'.repeat(32), startTime: t0 + 3000 });
    const second = await readMlrunsStore(dir);
    assert.deepEqual(second.items.map((r) => [r.id[0], r.status]), [['a', 'finished'], ['d', 'finished'], ['c', 'unknown']]);
    assert.equal(second.items[0]?.location, a);
  });

  it('a missing store is one problem', async () => {
    const index = await scanMlrunsStore(join(dir, 'nope'));
    assert.equal(index.missing, true);
    assert.equal(index.problems[0]?.code, 'mlruns-missing');
  });

  it('finds the store from MLFLOW_TRACKING_URI: a file: URI or a path, else ./mlruns', () => {
    assert.equal(mlrunsDir(undefined, '/work'), '/work/mlruns');
    assert.equal(mlrunsDir('', '/work'), '/work/mlruns');
    assert.equal(mlrunsDir(pathToFileURL('/data/ml runs').href, '/work'), '/data/ml runs');
    assert.equal(mlrunsDir('file:./tracking', '/work'), '/work/tracking');
    assert.equal(mlrunsDir('/abs/store', '/work'), '/abs/store');
    assert.equal(mlrunsDir('rel/store', '/work'), '/work/rel/store');
    assert.equal(mlrunsDir('http://127.0.0.1:5000', '/work'), '/work/mlruns');
    assert.equal(mlrunsDir('sqlite:///mlflow.db', '/work'), '/work/mlruns');
    assert.equal(mlrunsDir('databricks', '/work'), '/work/mlruns');
    assert.equal(mlrunsDir(undefined, '/work', '/work/project'), '/work/project/mlruns', 'the default is under the project root');
    assert.equal(mlrunsDir('rel/store', '/work', '/work/project'), '/work/rel/store', 'a relative path is relative to the current folder, as for MLflow');
  });
});
