import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_RUN_PAGE } from '../contract/runs';
import { LOCAL_RUNS_DIR, listLocalRuns, readLocalRun, readLocalRunPage, readLocalRuns } from './localStore';
import { localRunRecord, runIdAt, writeLocalRun } from './testing';

describe('local run store', () => {
  let root = '';
  const t0 = Date.UTC(2026, 10, 25, 22, 15, 30) / 1000;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nbpromote-runs-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('maps run.json as the runtime writes it to a RunSummary', async () => {
    const id = runIdAt(t0, 'a1b2c3');
    const file = writeLocalRun(root, id, localRunRecord(id, { mlflow: { run_id: 'f'.repeat(32), experiment_id: '1' } }));
    const page = await readLocalRuns(root);
    assert.equal(page.total, 1);
    assert.equal(page.nextOffset, undefined);
    assert.deepEqual(page.items[0], {
      source: 'local',
      id: '20261125T221530Z-a1b2c3',
      pipeline: 'churn',
      version: '0.2.0',
      status: 'finished',
      start: '2026-11-25T22:15:30.000Z',
      end: '2026-11-25T22:15:31.500Z',
      durationS: 1.5,
      params: { n_estimators: 200, data_path: 'data/churn.csv', test_size: 0.25 },
      metrics: { accuracy: 0.91, 'report.f1': 0.88 },
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      gitDirty: false,
      notebook: 'notebooks/churn.ipynb',
      notebookSha256: 'c'.repeat(64),
      workdir: 'notebooks',
      dataFiles: [{ path: 'data/churn.csv', size: 1234, sha256: 'd'.repeat(64), parameter: 'data_path' }],
      steps: [
        { name: 'load', status: 'cached', durationS: 0.01, cached: true },
        { name: 'train', status: 'ran', durationS: 1.2, cached: false },
      ],
      mlflowRunId: 'f'.repeat(32),
      location: file,
    });
  });

  it('a failed run carries its error and traceback', async () => {
    const id = runIdAt(t0, '000001');
    writeLocalRun(root, id, localRunRecord(id, { status: 'failed', error: { message: "step 'train' failed: ValueError: boom", traceback: 'Traceback ...' } }));
    const [run] = (await readLocalRuns(root)).items;
    assert.equal(run?.status, 'failed');
    assert.equal(run?.error, "step 'train' failed: ValueError: boom");
    assert.equal(run?.traceback, 'Traceback ...');
  });

  it('lists newest first and pages without reading the other runs', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => runIdAt(t0 + i, i.toString(16).padStart(6, '0')));
    for (const id of ids) writeLocalRun(root, id, localRunRecord(id));
    // Runs outside the page may be anything: they are not read.
    writeFileSync(join(root, LOCAL_RUNS_DIR, ids[0] ?? '', 'run.json'), '{ not json');
    const newest = [...ids].reverse();
    const first = await readLocalRuns(root);
    assert.equal(first.items.length, MAX_RUN_PAGE);
    assert.equal(first.total, 450);
    assert.equal(first.nextOffset, 200);
    assert.deepEqual(first.items.map((r) => r.id), newest.slice(0, 200));
    assert.ok(first.items.every((r) => r.problems === undefined));
    const index = listLocalRuns(root);
    const third = await readLocalRunPage(index, { offset: 400, limit: 200 });
    assert.deepEqual(third.items.map((r) => r.id), newest.slice(400));
    assert.equal(third.nextOffset, undefined);
    const small = await readLocalRuns(root, { offset: 5, limit: 3 });
    assert.deepEqual(small.items.map((r) => r.id), newest.slice(5, 8));
    assert.equal(small.nextOffset, 8);
    const capped = await readLocalRuns(root, { limit: 10_000 });
    assert.equal(capped.items.length, MAX_RUN_PAGE, 'a page holds at most 200 runs');
  });

  it('runs started in the same second are ordered by their recorded start, across page boundaries too', async () => {
    const before = runIdAt(t0 - 1, '000000');
    const after = runIdAt(t0 + 1, '000000');
    // Random suffixes order these three backwards: f... > 8... > 1...
    const first = runIdAt(t0, 'ffffff');
    const second = runIdAt(t0, '888888');
    const third = runIdAt(t0, '111111');
    const at = (ms: number): string => new Date(t0 * 1000 + ms).toISOString();
    writeLocalRun(root, before, localRunRecord(before));
    writeLocalRun(root, after, localRunRecord(after));
    writeLocalRun(root, first, localRunRecord(first, { start: at(100) }));
    writeLocalRun(root, second, localRunRecord(second, { start: at(500) }));
    writeLocalRun(root, third, localRunRecord(third, { start: at(900) }));
    const newest = [after, third, second, first, before];
    assert.deepEqual((await readLocalRuns(root)).items.map((r) => r.id), newest);
    for (const size of [1, 2, 3, 4]) {
      const paged: string[] = [];
      let offset: number | undefined = 0;
      while (offset !== undefined) {
        const page = await readLocalRuns(root, { offset, limit: size });
        assert.ok(page.items.length <= size);
        paged.push(...page.items.map((r) => r.id));
        offset = page.nextOffset;
      }
      assert.deepEqual(paged, newest, `pages of ${size}`);
    }
  });

  it('a malformed or truncated run.json is one flagged item; the others still show', async () => {
    const ids = [runIdAt(t0, '000001'), runIdAt(t0 + 1, '000002'), runIdAt(t0 + 2, '000003'), runIdAt(t0 + 3, '000004'), runIdAt(t0 + 4, '000005')];
    const good = ids.map((id) => localRunRecord(id));
    writeLocalRun(root, ids[0] ?? '', good[0] ?? {});
    const full = `${JSON.stringify(good[1], null, 2)}\n`;
    const truncated = writeLocalRun(root, ids[1] ?? '', full.slice(0, Math.floor(full.length / 2)));
    const invalid = writeLocalRun(root, ids[2] ?? '', { ...good[2], status: 'exploded', metrics: { accuracy: 'high' } });
    const broken = writeLocalRun(root, ids[3] ?? '', '{"id": "x",, }');
    writeLocalRun(root, ids[4] ?? '', good[4] ?? {});
    const page = await readLocalRuns(root);
    assert.equal(page.total, 5);
    const byId = new Map(page.items.map((r) => [r.id, r]));

    assert.equal(byId.get(ids[0] ?? '')?.status, 'finished');
    assert.equal(byId.get(ids[4] ?? '')?.status, 'finished');
    assert.equal(byId.get(ids[0] ?? '')?.problems, undefined);

    const cut = byId.get(ids[1] ?? '');
    assert.equal(cut?.status, 'unknown');
    assert.equal(cut?.problems?.[0]?.file, truncated);
    assert.match(cut?.problems?.[0]?.message ?? '', /not complete JSON.*truncated/);
    assert.equal(cut?.start, '2026-11-25T22:15:31.000Z', 'the start comes from the run id');

    const wrong = byId.get(ids[2] ?? '');
    assert.equal(wrong?.status, 'unknown');
    assert.equal(wrong?.pipeline, 'churn', 'what is valid is still shown');
    assert.deepEqual(wrong?.metrics, {});
    assert.deepEqual(
      wrong?.problems?.map((p) => [p.file, p.code, p.message]),
      [
        [invalid, 'run-schema', '`status` must be one of running, finished, failed (schemas/run.schema.json)'],
        [invalid, 'run-schema', '`metrics.accuracy` must be number or null (schemas/run.schema.json)'],
      ],
    );

    const syntax = byId.get(ids[3] ?? '');
    assert.equal(syntax?.status, 'unknown');
    assert.equal(syntax?.problems?.[0]?.file, broken);
    assert.equal(syntax?.problems?.[0]?.line, 1);
    assert.match(syntax?.problems?.[0]?.message ?? '', /^run\.json is not valid JSON: \S/);
  });

  it('flags a folder without run.json, a record whose id differs, and a folder not named like a run', async () => {
    const starting = runIdAt(t0 + 10, 'aaaaaa');
    mkdirSync(join(root, LOCAL_RUNS_DIR, starting), { recursive: true });
    const moved = runIdAt(t0, 'bbbbbb');
    writeLocalRun(root, moved, localRunRecord(runIdAt(t0, 'cccccc')));
    writeLocalRun(root, 'backup', localRunRecord(runIdAt(t0, 'dddddd')));
    writeFileSync(join(root, LOCAL_RUNS_DIR, '.run.json.nbpromote-tmp-1-ab'), '');
    mkdirSync(join(root, LOCAL_RUNS_DIR, '.hidden'));
    const page = await readLocalRuns(root);
    assert.deepEqual(page.items.map((r) => r.id), [starting, moved, 'backup'], 'runs newest first, then other folders; hidden entries left out');
    assert.deepEqual(page.items.map((r) => r.problems?.map((p) => p.code)), [['run-no-record'], ['run-id-mismatch'], ['run-id-mismatch', 'run-folder-name']]);
    assert.equal(page.items[0]?.status, 'unknown');
    assert.equal(page.items[1]?.status, 'finished');
  });

  it('a project without runs has an empty store, not a problem', async () => {
    const page = await readLocalRuns(root);
    assert.deepEqual(page, { items: [], total: 0, problems: [] });
  });

  it('an unreadable store is a problem of the page', async () => {
    writeFileSync(join(root, '.nbpromote'), 'a file, not a folder');
    const page = await readLocalRuns(root);
    assert.equal(page.items.length, 0);
    assert.equal(page.problems[0]?.code, 'runs-unreadable');
    assert.match(page.problems[0]?.message ?? '', /ENOTDIR/);
  });

  it('reads one run by id', async () => {
    const id = runIdAt(t0, 'abcdef');
    writeLocalRun(root, id, localRunRecord(id, { status: 'running', end: null }));
    const run = await readLocalRun(root, id);
    assert.equal(run.status, 'running');
    assert.equal(run.end, undefined);
    const missing = await readLocalRun(root, runIdAt(t0, '000000'));
    assert.equal(missing.status, 'unknown');
    assert.equal(missing.problems?.[0]?.code, 'run-no-record');
  });

  it('a run still "running" whose process on this machine is gone is failed (ABANDONED); others stay running', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const runs = {
      abandoned: { pid: gone, host: hostname() },
      alive: { pid: process.pid, host: hostname(), start: new Date().toISOString() },
      elsewhere: { pid: gone, host: `not-${hostname()}` },
      older: {},
      // A run killed long before this process took its id (Linux tells when a process started).
      reused: { pid: process.pid, host: hostname() },
    };
    const ids = Object.keys(runs).map((_, i) => runIdAt(t0 + i, `00000${i}`));
    Object.values(runs).forEach((where, i) => writeLocalRun(root, ids[i] ?? '', localRunRecord(ids[i] ?? '', { status: 'running', end: null, ...where })));
    const [abandoned, alive, elsewhere, older, reused] = await Promise.all(ids.map((id) => readLocalRun(root, id)));
    assert.equal(abandoned?.status, 'failed');
    assert.equal(abandoned?.sourceStatus, 'ABANDONED');
    assert.equal(abandoned?.error, `its process (pid ${gone}) ended without finishing the record: it was killed, the machine stopped, or the record could not be written (a full disk)`);
    assert.equal(abandoned?.problems, undefined, 'the record itself is valid');
    for (const run of [alive, elsewhere, older]) assert.deepEqual([run?.status, run?.sourceStatus], ['running', undefined]);
    assert.equal(alive?.livePid, process.pid, 'a run going on now on this machine');
    assert.equal(elsewhere?.livePid, undefined, 'another machine\'s process cannot be checked');
    if (existsSync('/proc/self/stat')) {
      assert.deepEqual([reused?.status, reused?.sourceStatus, reused?.livePid], ['failed', 'ABANDONED', undefined], 'its id now names a process started after the run');
    }
  });

  it('a failed run a signal stopped (Stop Run, Ctrl-C) is STOPPED; a failure of its code is not', async () => {
    const messages = { step: "step 'train' was stopped by SIGTERM in notebook cell 9 (id c9), line 1", between: 'the run was stopped by SIGINT', code: "step 'train' failed: KeyError: 'stopped by SIGTERM'" };
    const ids = Object.keys(messages).map((_, i) => runIdAt(t0 + 10 + i, `10000${i}`));
    Object.values(messages).forEach((message, i) => writeLocalRun(root, ids[i] ?? '', localRunRecord(ids[i] ?? '', { status: 'failed', error: { message, traceback: null } })));
    const runs = await Promise.all(ids.map((id) => readLocalRun(root, id)));
    assert.deepEqual(runs.map((r) => r.sourceStatus), ['STOPPED', 'STOPPED', undefined]);
  });
});
