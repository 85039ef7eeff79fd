// `nbpromote data` as people run it: dist/cli.js (`npm run build` first) spawned over a run store written as the
// runtime writes run.json, data files on disk, a real git repository and a `.dvc` file. `npm run test:e2e`.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRunRecord, runIdAt, writeLocalRun } from '../../src/core/runs/testing';
import type { Run } from './cli';
import { cli } from './cli';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

describe('nbpromote data (dist/cli.js)', function () {
  this.timeout(60_000);
  let work = '';
  const v1 = 'a,b\n1,2\n';
  const v2 = 'a,b\n1,2\n3,4\n';
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0) / 1000;
  const ids = [runIdAt(t0, 'aaaaaa'), runIdAt(t0 + 60, 'bbbbbb')];

  function nbpromote(...args: string[]): Run {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NBPROMOTE_DEBUG: '' } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nbpromote-data-cli-'));
    const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: work, encoding: 'utf8' });
    git('init', '-q');
    mkdirSync(join(work, 'data'), { recursive: true });
    writeFileSync(join(work, 'data', 'rows.csv'), v1);
    git('add', '-A');
    git('commit', '-q', '-m', 'first rows');
    writeFileSync(join(work, 'data', 'rows.csv'), v2);
    writeFileSync(join(work, 'data', 'rows.csv.dvc'), `outs:\n- md5: ${md5(v2)}\n  size: ${v2.length}\n  hash: md5\n  path: rows.csv\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'more rows');
    [v1, v2].forEach((text, i) => {
      const id = ids[i] ?? '';
      writeLocalRun(work, id, localRunRecord(id, { workdir: '.', data_files: [{ parameter: 'data_path', path: 'data/rows.csv', size: text.length, sha256: sha256(text) }, { path: 'data/gone.csv', size: 3, sha256: sha256('g\n'), steps: ['load'] }] }));
    });
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('--json prints one JSON document: every file, its versions and runs, the file on disk, DVC and git', () => {
    const run = nbpromote('data', '--json');
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { root: string; runs_read: number; runs_total: number; files: Record<string, unknown>[]; problems: unknown[] };
    assert.deepEqual(Object.keys(doc), ['root', 'error', 'runs_read', 'runs_total', 'files', 'problems']);
    assert.equal(doc.runs_read, 2);
    assert.deepEqual(doc.files.map((f) => f['path']), ['data/gone.csv', 'data/rows.csv']);
    const [gone, rows] = doc.files as [Record<string, any>, Record<string, any>]; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(Object.keys(rows), ['path', 'absolute_path', 'outside_project', 'current', 'versions', 'dvc', 'git']);
    assert.equal(rows['current'].state, 'current');
    assert.equal(rows['current'].sha256, sha256(v2));
    assert.deepEqual(rows['versions'].map((v: { sha256: string; current: boolean; runs: { id: string }[] }) => [v.sha256, v.current, v.runs.map((r) => r.id)]), [
      [sha256(v2), true, [ids[1]]],
      [sha256(v1), false, [ids[0]]],
    ]);
    assert.deepEqual(rows['dvc'].map((d: { match: string; role: string; stage: unknown }) => [d.match, d.role, d.stage]), [['matches', 'out', null]]);
    assert.deepEqual(rows['git'].commits.map((c: { subject: string }) => c.subject), ['more rows', 'first rows']);
    assert.equal(gone['current'].state, 'missing');
    assert.equal(gone['current'].sha256, null);
    assert.deepEqual(gone['versions'][0].runs.map((r: { steps: string[] }) => r.steps), [['load'], ['load']]);
    assert.deepEqual(gone['git'], { available: true, reason: null, repository: gone['git'].repository, truncated: false, commits: [] });
  });

  it('prints a table with FILE, VERSIONS, CURRENT, RUNS, DVC, LAST COMMIT', () => {
    const run = nbpromote('data', '--out', '.');
    assert.equal(run.status, 0, run.stderr);
    const [header, ...rows] = run.stdout.split('\n');
    assert.match(header ?? '', /^FILE\s+VERSIONS\s+CURRENT\s+RUNS\s+DVC\s+LAST COMMIT$/);
    assert.match(rows.find((r) => r.startsWith('data/rows.csv')) ?? '', new RegExp(`^data/rows\\.csv\\s+2\\s+current ${sha256(v2).slice(0, 7)}\\s+2\\s+matches\\s+[0-9a-f]{7} \\d{4}-\\d\\d-\\d\\d more rows$`));
    assert.match(rows.find((r) => r.startsWith('data/gone.csv')) ?? '', /^data\/gone\.csv\s+1\s+missing\s+2\s+-\s+-$/);
  });

  it('--limit 1 reads the newest run only', () => {
    const run = nbpromote('data', '--json', '--limit', '1');
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as { runs_read: number; files: { path: string; versions: unknown[] }[] };
    assert.equal(doc.runs_read, 1);
    assert.equal(doc.files.find((f) => f.path === 'data/rows.csv')?.versions.length, 1);
  });

  it('exits 1 naming the folder when the run store cannot be read, and 2 on usage errors', () => {
    const broken = mkdtempSync(join(tmpdir(), 'nbpromote-data-broken-'));
    try {
      mkdirSync(join(broken, '.nbpromote'));
      writeFileSync(join(broken, '.nbpromote', 'runs'), 'not a folder');
      const run = nbpromote('data', '--out', broken);
      assert.equal(run.status, 1);
      assert.ok(run.stderr.includes(join(broken, '.nbpromote', 'runs')), run.stderr);
      assert.equal(run.stdout, '');
      // With --json the failure is one JSON object too (`nbpromote data --json | jq` must not read nothing).
      const json = nbpromote('data', '--out', broken, '--json');
      assert.equal(json.status, 1);
      const failure = JSON.parse(json.stdout) as { error: string; files: unknown[] };
      assert.ok(failure.error.includes(join(broken, '.nbpromote', 'runs')), failure.error);
      assert.deepEqual(failure.files, []);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
    assert.equal(nbpromote('data', '--out', join(work, 'no-such-folder')).status, 1);
    assert.equal(nbpromote('data', '--limit', '0').status, 2);
    assert.equal(nbpromote('data', 'extra').status, 2);
    assert.equal(nbpromote('data', '--nope').status, 2);
  });

  it('exits 1 for a folder that holds no promoted package and no run store (a mistyped --out)', () => {
    const run = nbpromote('data', '--out', tmpdir(), '--json');
    assert.equal(run.status, 1);
    assert.match((JSON.parse(run.stdout) as { error: string }).error, /holds no promoted package \(no pipeline\.yaml\) and no run store/);
  });

  it('says how to get data files when no run read one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'nbpromote-data-empty-'));
    try {
      writeFileSync(join(empty, 'pipeline.yaml'), 'schema_version: 1\n');
      const run = spawnSync(process.execPath, [cli, 'data'], { cwd: empty, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /No data files: no runs in .*Run the promoted pipeline/);
      const json = spawnSync(process.execPath, [cli, 'data', '--json'], { cwd: empty, encoding: 'utf8' });
      assert.deepEqual((JSON.parse(json.stdout) as { files: unknown[] }).files, []);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
