import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { findEditedUntilEdited, findHandEdits, findOrphans, isConflict, settleUntilEdited } from './handEdits';
import { foreignLockPaths, generatedPathShape } from './generatedPaths';
import { sha256 } from './hash';

const plan = (path: string, contents: string, mode?: 'create-only'): FilePlan => (mode === undefined ? { path, contents, why: '' } : { path, contents, why: '', mode });
const lockOf = (files: Record<string, string>): LockFile => ({ files: Object.fromEntries(Object.entries(files).map(([p, text]) => [p, sha256(text)])) }) as unknown as LockFile;

describe('findHandEdits', () => {
  let root: string;
  const put = async (path: string, text: string): Promise<void> => {
    await mkdir(nodePath.dirname(nodePath.join(root, path)), { recursive: true });
    await writeFile(nodePath.join(root, path), text);
  };
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-edits-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('sorts every case of the file comment, in plan order', async () => {
    const lock = lockOf({ 'untouched.py': 'v1\n', 'edited.py': 'v1\n', 'same-as-new.py': 'v1\n', 'deleted.py': 'v1\n', 'src/p/steps/a.py': 'v1\n' });
    await put('untouched.py', 'v1\n'); // as generated: replaced silently
    await put('edited.py', 'v1 + my fix\n');
    await put('same-as-new.py', 'v2\n'); // a person already made the new change
    await put('untracked.py', 'mine\n');
    await put('untracked-same.py', 'v2\n');
    await put('pyproject.toml', 'my own\n');
    await put('src/p/steps/a.py', 'edited deep\n');
    const plans = [
      plan('untouched.py', 'v2\n'),
      plan('edited.py', 'v2\n'),
      plan('same-as-new.py', 'v2\n'),
      plan('deleted.py', 'v2\n'),
      plan('untracked.py', 'v2\n'),
      plan('untracked-same.py', 'v2\n'),
      plan('new.py', 'v2\n'),
      plan('pyproject.toml', 'generated\n', 'create-only'),
      plan('src/p/steps/a.py', 'v2\n'),
    ];
    const edits = await findHandEdits(root, plans, lock);
    assert.deepEqual(edits, [
      { path: 'edited.py', kind: 'edited', diskText: 'v1 + my fix\n' },
      { path: 'deleted.py', kind: 'deleted' },
      { path: 'untracked.py', kind: 'untracked', diskText: 'mine\n' },
      { path: 'src/p/steps/a.py', kind: 'edited', diskText: 'edited deep\n' },
    ]);
    assert.deepEqual(edits.filter(isConflict).map((e) => e.path), ['edited.py', 'untracked.py', 'src/p/steps/a.py']);
  });

  it('without a lock, every existing file that differs is untracked', async () => {
    await put('a.py', 'mine\n');
    await put('b.py', 'same\n');
    assert.deepEqual(await findHandEdits(root, [plan('a.py', 'gen\n'), plan('b.py', 'same\n'), plan('c.py', 'gen\n')], undefined), [{ path: 'a.py', kind: 'untracked', diskText: 'mine\n' }]);
  });

  it("a file whose only change is CRLF line endings (git's core.autocrlf) is not edited: it is replaced as usual", async () => {
    await put('src/p/a.py', 'x = 1\r\ny = 2\r\n');
    await put('src/p/b.py', 'x = 2\r\n'); // already the new contents, line endings aside
    await put('src/p/c.py', 'x = 1 # mine\r\n'); // a real edit, with CRLF
    const lock = lockOf({ 'src/p/a.py': 'x = 1\ny = 2\n', 'src/p/b.py': 'x = 1\n', 'src/p/c.py': 'x = 1\n' });
    const plans = [plan('src/p/a.py', 'x = 2\n'), plan('src/p/b.py', 'x = 2\n'), plan('src/p/c.py', 'x = 2\n')];
    assert.deepEqual(await findHandEdits(root, plans, lock), [{ path: 'src/p/c.py', kind: 'edited', diskText: 'x = 1 # mine\r\n' }]);
    assert.deepEqual(await findOrphans(root, [], lock), [
      { path: 'src/p/a.py', state: 'unchanged' },
      { path: 'src/p/b.py', state: 'edited' },
      { path: 'src/p/c.py', state: 'edited' },
    ]);
  });

  it('works on a root that does not exist yet (nothing to protect)', async () => {
    assert.deepEqual(await findHandEdits(nodePath.join(root, 'missing'), [plan('a.py', 'x')], lockOf({ 'a.py': 'y' })), [{ path: 'a.py', kind: 'deleted' }]);
  });

  it('skips paths that are not acceptable (applyPlan refuses them) and links leading outside', async () => {
    const outside = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-outside-'));
    try {
      await writeFile(nodePath.join(outside, 'secret.py'), 'secret\n');
      await symlink(outside, nodePath.join(root, 'link'));
      const edits = await findHandEdits(root, [plan('../x.py', 'x'), plan('link/secret.py', 'x'), plan('/etc/passwd', 'x')], undefined);
      assert.deepEqual(edits, []);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('findOrphans', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-orphans-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists files the lock has and the plan no longer writes, unchanged or edited, sorted', async () => {
    await mkdir(nodePath.join(root, 'src', 'p', 'steps'), { recursive: true });
    await mkdir(nodePath.join(root, 'tests'), { recursive: true });
    await writeFile(nodePath.join(root, 'src', 'p', 'steps', 'report.py'), 'gen\n');
    await writeFile(nodePath.join(root, 'tests', 'test_old.py'), 'gen + mine\n');
    const lock = lockOf({ 'src/p/steps/report.py': 'gen\n', 'tests/test_old.py': 'gen\n', 'tests/test_gone.py': 'gen\n', 'src/p/kept.py': 'gen\n' });
    assert.deepEqual(await findOrphans(root, [plan('src/p/kept.py', 'gen\n')], lock), [
      { path: 'src/p/steps/report.py', state: 'unchanged' },
      { path: 'tests/test_old.py', state: 'edited' },
    ]);
    assert.deepEqual(await findOrphans(root, [], undefined), []);
  });

  // Round 49 FF: a lock edited to list `.git/HEAD` or a data file with its hash had promotion delete it.
  it('never lists a file promotion does not write, whatever the lock says of it', async () => {
    await mkdir(nodePath.join(root, '.git'), { recursive: true });
    await mkdir(nodePath.join(root, 'data'), { recursive: true });
    await writeFile(nodePath.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(nodePath.join(root, 'data', 'important.csv'), 'a,b\n');
    await writeFile(nodePath.join(root, 'notes.py'), 'x = 1\n');
    const lock = lockOf({ '.git/HEAD': 'ref: refs/heads/main\n', 'data/important.csv': 'a,b\n', 'notes.py': 'x = 1\n' });
    assert.deepEqual(await findOrphans(root, [], lock), []);
    assert.deepEqual(foreignLockPaths(lock), ['.git/HEAD', 'data/important.csv', 'notes.py']);
  });

  it('knows the shapes of the files promotion writes', () => {
    for (const path of ['pipeline.yaml', 'pyproject.toml', 'tests/conftest.py', 'tests/test_train.py', 'src/churn/__init__.py', 'src/churn/steps/train.py', 'src/churn/core/utils.py']) assert.equal(generatedPathShape(path), true, path);
    for (const path of ['.git/HEAD', 'src/.git/x.py', 'data/x.csv', 'tests/helpers.py', 'src/churn/data.csv', 'src/churn.py', 'src/my-pkg/a.py', 'README.md', 'nbpromote.lock', '.nbpromote/base/pipeline.yaml']) assert.equal(generatedPathShape(path), false, path);
  });
});

describe('findEditedUntilEdited and settleUntilEdited', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-until-edited-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const untilEdited = (path: string, contents: string): FilePlan => ({ path, contents, why: '', mode: 'until-edited' });

  it("leaves nbpromote a file that is missing, as the lock says it wrote it (CRLF too) or as it would write it now; else it is the person's", async () => {
    const lock = lockOf({ 'as-written.toml': 'v1\n', 'crlf.toml': 'v1\n', 'edited.toml': 'v1\n' });
    await writeFile(nodePath.join(root, 'as-written.toml'), 'v1\n');
    await writeFile(nodePath.join(root, 'crlf.toml'), 'v1\r\n');
    await writeFile(nodePath.join(root, 'edited.toml'), 'v1 # mine\n');
    await writeFile(nodePath.join(root, 'unlisted.toml'), 'old template\n');
    await writeFile(nodePath.join(root, 'same-as-new.toml'), 'v2\n');
    const plans = ['missing.toml', 'as-written.toml', 'crlf.toml', 'edited.toml', 'unlisted.toml', 'same-as-new.toml'].map((p) => untilEdited(p, 'v2\n'));
    const theirs = await findEditedUntilEdited(root, [...plans, plan('edited.py', 'x')], lock);
    assert.deepEqual([...theirs], [['edited.toml', 'v1 # mine\n'], ['unlisted.toml', 'old template\n']]);
    const settled = settleUntilEdited(plans, theirs);
    assert.deepEqual(settled.map((p) => [p.path, p.mode]), [
      ['missing.toml', undefined],
      ['as-written.toml', undefined],
      ['crlf.toml', undefined],
      ['edited.toml', 'create-only'],
      ['unlisted.toml', 'create-only'],
      ['same-as-new.toml', undefined],
    ]);
    assert.ok(settled.every((p) => !('mode' in p) || p.mode === 'create-only'));
  });
});
