// core/data over real files: a run store written as the runtime writes run.json, data files on disk, a real git
// repository made with git here, and a `.dvc` file and a dvc.lock as DVC 3 and DVC 2 write them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataFile, DataStore } from '../contract/data';
import { localRunRecord, runIdAt, writeLocalRun } from '../runs/testing';
import { collectDataFiles } from './collect';
import { readDataStore } from './dataStore';
import { currentWords, fileDescription } from './describe';
import { HashCache, readDiskState } from './diskState';
import { dvcMatch, parseDvcFile, parseDvcLock } from './dvc';
import { gitHistory } from './gitHistory';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const t0 = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

function store(value: DataStore | { failure: string }): DataStore {
  assert.ok(!('failure' in value), 'failure' in value ? value.failure : '');
  return value;
}

function file(s: DataStore, shown: string): DataFile {
  const found = s.files.find((f) => f.shown === shown);
  assert.ok(found, `no ${shown} among ${s.files.map((f) => f.shown).join(', ')}`);
  return found;
}

describe('core/data', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const v1 = 'x,y\n1,2\n';
  const v2 = 'x,y\n1,2\n3,4\n';

  /** Three runs: two read v1, the newest v2 (named by a parameter, relative to the workdir `notebooks`). */
  function threeRuns(root: string): string[] {
    const ids = [runIdAt(t0, 'aaaaaa'), runIdAt(t0 + 60, 'bbbbbb'), runIdAt(t0 + 120, 'cccccc')];
    const contents = [v1, v1, v2];
    ids.forEach((id, i) => {
      const text = contents[i] ?? '';
      writeLocalRun(root, id, localRunRecord(id, { workdir: 'notebooks', data_files: [{ parameter: 'data_path', path: 'data/churn.csv', size: text.length, sha256: sha256(text) }] }));
    });
    return ids;
  }

  it('groups the files runs read by path and content hash, newest version first, with the runs of each', async () => {
    const ids = threeRuns(dir);
    mkdirSync(join(dir, 'notebooks', 'data'), { recursive: true });
    writeFileSync(join(dir, 'notebooks', 'data', 'churn.csv'), v2);
    const s = store(await readDataStore(dir, { git: false }));
    assert.equal(s.files.length, 1);
    const churn = file(s, 'data/churn.csv');
    assert.equal(churn.path, join(dir, 'notebooks', 'data', 'churn.csv'));
    assert.deepEqual(churn.versions.map((v) => v.sha256), [sha256(v2), sha256(v1)]);
    assert.deepEqual(churn.versions.map((v) => v.runs.map((r) => r.id)), [[ids[2]], [ids[1], ids[0]]]);
    assert.equal(churn.versions[1]?.firstSeen, '2026-11-20T10:00:00.000Z');
    assert.equal(churn.versions[1]?.lastSeen, '2026-11-20T10:01:00.000Z');
    assert.equal(churn.currentVersion, sha256(v2));
    assert.equal(fileDescription(churn), `2 versions · current ${sha256(v2).slice(0, 7)}`);
    assert.equal(s.runsRead, 3);
  });

  it('says when the file on disk is an older version, changed since the last run, or missing', async () => {
    threeRuns(dir);
    const path = join(dir, 'notebooks', 'data', 'churn.csv');
    mkdirSync(join(dir, 'notebooks', 'data'), { recursive: true });
    writeFileSync(path, v1);
    assert.equal(currentWords(file(store(await readDataStore(dir, { git: false })), 'data/churn.csv')), `current ${sha256(v1).slice(0, 7)} (older version)`);
    writeFileSync(path, 'x,y\n9,9\n');
    const changed = file(store(await readDataStore(dir, { git: false })), 'data/churn.csv');
    assert.equal(currentWords(changed), 'changed since last run');
    assert.equal(changed.currentVersion, undefined);
    rmSync(path);
    assert.equal(currentWords(file(store(await readDataStore(dir, { git: false })), 'data/churn.csv')), 'missing');
  });

  it('does not hash a file over the size limit', async () => {
    threeRuns(dir);
    mkdirSync(join(dir, 'notebooks', 'data'), { recursive: true });
    writeFileSync(join(dir, 'notebooks', 'data', 'churn.csv'), Buffer.alloc(3 * 1024 * 1024));
    const churn = file(store(await readDataStore(dir, { git: false, maxHashBytes: 1024 * 1024 })), 'data/churn.csv');
    assert.deepEqual(churn.disk, { kind: 'tooLarge', size: 3 * 1024 * 1024 });
    assert.equal(currentWords(churn), 'not hashed: 3 MB');
  });

  it('marks a path leading outside the project, and in Restricted Mode reads nothing outside the readable folders, symbolic links included', async () => {
    const root = join(dir, 'project');
    const outside = join(dir, 'secret.csv');
    writeFileSync(outside, v1);
    mkdirSync(join(root, 'data'), { recursive: true });
    symlinkSync(outside, join(root, 'data', 'link.csv'));
    const id = runIdAt(t0, 'dddddd');
    writeLocalRun(root, id, localRunRecord(id, { workdir: '.', data_files: [{ path: '../secret.csv', size: v1.length, sha256: sha256(v1) }, { path: 'data/link.csv', size: v1.length, sha256: sha256(v1) }] }));
    const trusted = store(await readDataStore(root, { git: false }));
    assert.deepEqual(trusted.files.map((f) => [f.shown, f.outsideProject]), [['data/link.csv', false], [outside, true]]);
    assert.equal(file(trusted, outside).disk.kind, 'hashed');
    const restricted = store(await readDataStore(root, { git: false, readableFolders: [root] }));
    for (const f of restricted.files) assert.equal(f.disk.kind, 'notRead', f.shown);
    assert.match(currentWords(file(restricted, outside)), /not read/);
  });

  it('names files from the notebook\'s folder, `../data/x.csv` from `notebooks/` when the output root is in the same project', async () => {
    // cookiecutter-data-science: notebooks/, data/, the package in build/churn (workdir ../../notebooks).
    const repo = join(dir, 'repo');
    const root = join(repo, 'build', 'churn');
    mkdirSync(join(repo, 'data'), { recursive: true });
    mkdirSync(join(repo, 'notebooks'), { recursive: true });
    writeFileSync(join(repo, 'data', 'x.csv'), v1);
    writeFileSync(join(repo, 'notebooks', 'local.json'), '{}');
    const id = runIdAt(t0, 'ffffff');
    writeLocalRun(root, id, localRunRecord(id, { workdir: '../../notebooks', data_files: [{ path: '../data/x.csv', size: v1.length, sha256: sha256(v1) }, { path: 'local.json', size: 2, sha256: sha256('{}') }, { path: join(dir, 'elsewhere.csv'), size: 1, sha256: 'a'.repeat(64) }] }));
    const s = store(await readDataStore(root, { git: false }));
    assert.deepEqual(s.files.map((f) => [f.shown, f.outsideProject]), [['../data/x.csv', false], ['local.json', false], [join(dir, 'elsewhere.csv'), true]]);
  });

  // Round 59 CCC: with `--out` beside the project (or elsewhere), its own `../data` was "outside the project".
  it('takes the git work tree holding the notebook for the project, wherever the output root is', async () => {
    const repo = join(dir, 'gitrepo');
    const root = join(dir, 'gitrepo-out');
    mkdirSync(join(repo, 'data'), { recursive: true });
    mkdirSync(join(repo, 'notebooks'), { recursive: true });
    writeFileSync(join(repo, 'data', 'x.csv'), v1);
    const id = runIdAt(t0, 'eeeeee');
    const record = localRunRecord(id, { workdir: '../gitrepo/notebooks', data_files: [{ path: '../data/x.csv', size: v1.length, sha256: sha256(v1) }, { path: join(dir, 'elsewhere.csv'), size: 1, sha256: 'a'.repeat(64) }] });
    writeLocalRun(root, id, record);
    const shown = async (): Promise<[string, boolean][]> => store(await readDataStore(root, { git: false })).files.map((f) => [f.shown, f.outsideProject]);
    assert.deepEqual(await shown(), [[join(dir, 'elsewhere.csv'), true], [join(repo, 'data', 'x.csv'), true]]);
    mkdirSync(join(repo, '.git'));
    assert.deepEqual(await shown(), [['../data/x.csv', false], [join(dir, 'elsewhere.csv'), true]]);
  });

  it('says which run records cannot be read, and counts only the runs it read', async () => {
    const root = join(dir, 'broken');
    const good = runIdAt(t0, '111111');
    writeLocalRun(root, good, localRunRecord(good, { workdir: '.', data_files: [{ path: 'a.csv', size: v1.length, sha256: sha256(v1) }] }));
    const bad = runIdAt(t0 + 60, '222222');
    mkdirSync(join(root, '.nbpromote', 'runs', bad), { recursive: true });
    writeFileSync(join(root, '.nbpromote', 'runs', bad, 'run.json'), '{"id": "broken');
    const s = store(await readDataStore(root, { git: false }));
    assert.equal(s.runsRead, 1);
    assert.equal(s.runsTotal, 2);
    assert.ok(s.problems.some((p) => p.severity === 'error' && p.file.includes(bad)), JSON.stringify(s.problems));
  });

  it('never treats a path as anything but a path: a URL-like or shell-like name is a missing file', () => {
    const id = runIdAt(t0, 'eeeeee');
    const run = { source: 'local' as const, id, status: 'finished' as const, params: {}, metrics: {}, workdir: '.', dataFiles: [{ path: 'https://example.invalid/a.csv', size: 1, sha256: 'a'.repeat(64) }, { path: '$(touch pwned)', size: 1, sha256: 'b'.repeat(64) }, { path: 'bad\0path', size: 1, sha256: 'c'.repeat(64) }] };
    const { files, problems } = collectDataFiles([run], dir);
    assert.deepEqual(files.map((f) => f.shown).sort(), ['$(touch pwned)', 'https:/example.invalid/a.csv']);
    assert.equal(problems.length, 1);
  });

  it('hashes with a cache that reads a file again only when its stamp changed', async () => {
    const path = join(dir, 'a.csv');
    writeFileSync(path, v1);
    const cache = new HashCache();
    const first = await readDiskState(path, { cache });
    assert.equal(first.kind === 'hashed' ? first.sha256 : '', sha256(v1));
    writeFileSync(path, v2);
    const second = await readDiskState(path, { cache });
    assert.equal(second.kind === 'hashed' ? second.sha256 : '', sha256(v2));
  });

  describe('DVC', () => {
    it('reads a .dvc file beside the data file and a dvc.lock, as DVC writes them, and compares md5s', async () => {
      const root = dir;
      threeRuns(root);
      mkdirSync(join(root, 'notebooks', 'data'), { recursive: true });
      writeFileSync(join(root, 'notebooks', 'data', 'churn.csv'), v2);
      // `dvc add notebooks/data/churn.csv` (DVC 3).
      writeFileSync(join(root, 'notebooks', 'data', 'churn.csv.dvc'), `outs:\n- md5: ${md5(v2)}\n  size: ${v2.length}\n  hash: md5\n  path: churn.csv\n`);
      // `dvc repro` (schema 2.0): the file is a stage's dependency, recorded when it was v1.
      writeFileSync(
        join(root, 'dvc.lock'),
        `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: notebooks/data/churn.csv\n      hash: md5\n      md5: ${md5(v1)}\n      size: ${v1.length}\n    - path: train.py\n      hash: md5\n      md5: ${md5('print(1)\n')}\n      size: 9\n    outs:\n    - path: model\n      hash: md5\n      md5: 153aad06d376b6595932470e459ef42a.dir\n      size: 8437363\n      nfiles: 2\n`,
      );
      const churn = file(store(await readDataStore(root, { git: false })), 'data/churn.csv');
      assert.deepEqual(
        churn.dvc.map((d) => [d.file, d.stage ?? null, d.role, d.match]),
        [
          [join(root, 'notebooks', 'data', 'churn.csv.dvc'), null, 'out', 'matches'],
          [join(root, 'dvc.lock'), 'train', 'dep', 'differs'],
        ],
      );
    });

    it('says unknown, not differs, for a DVC 2 entry (no hash:) of a file with CRLF line ends', () => {
      const text = 'a,b\r\n1,2\r\n';
      const disk = { kind: 'hashed' as const, sha256: sha256(text), md5: md5(text), size: text.length, hasCarriageReturn: true };
      assert.equal(dvcMatch({ md5: md5('a,b\n1,2\n') }, disk), 'unknown');
      assert.equal(dvcMatch({ md5: md5('a,b\n1,2\n'), hash: 'md5' }, disk), 'differs');
      assert.equal(dvcMatch({ md5: md5('other\n') }, { ...disk, hasCarriageReturn: false }), 'differs');
      assert.equal(dvcMatch({ md5: md5(text) }, disk), 'matches');
    });

    it('flags malformed DVC files instead of throwing', () => {
      assert.equal(parseDvcFile('outs: [', '/p/a.dvc').problems[0]?.code, 'dvc-yaml');
      assert.equal(parseDvcFile('outs: 3\n', '/p/a.dvc').problems[0]?.code, 'dvc-shape');
      assert.equal(parseDvcLock('schema: 2.0\n', '/p/dvc.lock').problems[0]?.code, 'dvc-shape');
      const lock = parseDvcLock("schema: '2.0'\nstages:\n  a:\n    deps:\n    - md5: x\n", '/p/dvc.lock');
      assert.equal(lock.entries.length, 0);
      assert.equal(lock.problems[0]?.code, 'dvc-shape');
    });
  });

  describe('git history', () => {
    it('lists the commits that changed the file, newest first, with a limit; a glob-like name is literal', async () => {
      git(dir, 'init', '-q');
      threeRuns(dir);
      const data = join(dir, 'notebooks', 'data');
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'churn.csv'), v1);
      writeFileSync(join(data, 'other.csv'), 'o\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'add data');
      writeFileSync(join(data, 'other.csv'), 'o2\n');
      git(dir, 'commit', '-q', '-am', 'only other');
      writeFileSync(join(data, 'churn.csv'), v2);
      git(dir, 'commit', '-q', '-am', 'more rows');
      const s = store(await readDataStore(dir, { gitLimit: 5 }));
      const churn = file(s, 'data/churn.csv');
      assert.equal(churn.git.kind, 'commits');
      assert.deepEqual(churn.git.kind === 'commits' ? churn.git.commits.map((c) => c.subject) : [], ['more rows', 'add data']);
      const head = git(dir, 'rev-parse', 'HEAD').trim();
      assert.equal(churn.git.kind === 'commits' ? churn.git.commits[0]?.hash : '', head);
      const limited = await gitHistory(join(data, 'churn.csv'), churn.git.kind === 'commits' ? churn.git.repository : undefined, 1);
      assert.deepEqual(limited.kind === 'commits' ? [limited.commits.length, limited.truncated] : [], [1, true]);
      // `*.csv` as a pathspec would match every csv; literal, it names no file.
      const glob = await gitHistory(join(data, '*.csv'), churn.git.kind === 'commits' ? churn.git.repository : undefined);
      assert.deepEqual(glob.kind === 'commits' ? glob.commits : ['not commits'], []);
    });

    it('has no history outside a repository, and runs no git when told not to', async () => {
      threeRuns(dir);
      const s = store(await readDataStore(dir));
      const churn = file(s, 'data/churn.csv');
      assert.equal(churn.git.kind, 'unavailable');
      git(dir, 'init', '-q');
      const off = file(store(await readDataStore(dir, { git: false })), 'data/churn.csv');
      assert.deepEqual(off.git, { kind: 'unavailable', reason: 'git is not run here' });
    });

    it('says git is not installed when it is not on PATH, not that the folder is in no repository', async () => {
      threeRuns(dir);
      git(dir, 'init', '-q');
      const path = process.env['PATH'];
      process.env['PATH'] = join(dir, 'no-such-folder');
      try {
        assert.deepEqual(file(store(await readDataStore(dir)), 'data/churn.csv').git, { kind: 'unavailable', reason: 'git is not installed (not found on PATH)' });
      } finally {
        process.env['PATH'] = path;
      }
    });
  });

  it('fails, naming the folder, when the run store cannot be listed', async () => {
    // A file where the store's folder should be: listing it fails as an unreadable folder does (also for root).
    mkdirSync(join(dir, '.nbpromote'), { recursive: true });
    writeFileSync(join(dir, '.nbpromote', 'runs'), '');
    const read = await readDataStore(dir);
    assert.ok('failure' in read);
    assert.match(read.failure, /\.nbpromote\/runs/);
  });
});
