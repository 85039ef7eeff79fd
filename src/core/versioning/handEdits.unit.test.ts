import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { findEditedUntilEdited, findHandEdits, findOrphans, isConflict, settleUntilEdited } from './handEdits';
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
    await put('a.py', 'x = 1\r\ny = 2\r\n');
    await put('b.py', 'x = 2\r\n'); // already the new contents, line endings aside
    await put('c.py', 'x = 1 # mine\r\n'); // a real edit, with CRLF
    const lock = lockOf({ 'a.py': 'x = 1\ny = 2\n', 'b.py': 'x = 1\n', 'c.py': 'x = 1\n' });
    const plans = [plan('a.py', 'x = 2\n'), plan('b.py', 'x = 2\n'), plan('c.py', 'x = 2\n')];
    assert.deepEqual(await findHandEdits(root, plans, lock), [{ path: 'c.py', kind: 'edited', diskText: 'x = 1 # mine\r\n' }]);
    assert.deepEqual(await findOrphans(root, [], lock), [
      { path: 'a.py', state: 'unchanged' },
      { path: 'b.py', state: 'edited' },
      { path: 'c.py', state: 'edited' },
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
    await writeFile(nodePath.join(root, 'report.py'), 'gen\n');
    await writeFile(nodePath.join(root, 'old.py'), 'gen + mine\n');
    const lock = lockOf({ 'report.py': 'gen\n', 'old.py': 'gen\n', 'gone.py': 'gen\n', 'kept.py': 'gen\n' });
    assert.deepEqual(await findOrphans(root, [plan('kept.py', 'gen\n')], lock), [
      { path: 'old.py', state: 'edited' },
      { path: 'report.py', state: 'unchanged' },
    ]);
    assert.deepEqual(await findOrphans(root, [], undefined), []);
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
