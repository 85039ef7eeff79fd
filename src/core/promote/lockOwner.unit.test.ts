// Whose package an output root holds, by the rule promotion uses: the same notebook (also through a symlink),
// another one still there, or one that is gone (renamed or moved: this one took its place).
import * as assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notebookJson, THREE_STEPS } from '../scaffold/testing';
import { lockOwner } from './lockOwner';
import { promoteNotebook } from './promote';

describe('lockOwner', function () {
  this.timeout(60_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-owner-'));
    writeFileSync(join(dir, 'fail.ipynb'), notebookJson(THREE_STEPS));
    writeFileSync(join(dir, 'credit.ipynb'), notebookJson(THREE_STEPS));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const promote = async (): Promise<void> => {
    const outcome = await promoteNotebook({ notebook: 'fail.ipynb', cwd: dir, out: 'build/fail', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  };

  it('none before promotion; same for the promoted notebook, also through a symlink', async () => {
    assert.deepEqual(await lockOwner(join(dir, 'build', 'fail'), join(dir, 'fail.ipynb')), { kind: 'none' });
    await promote();
    const owner = await lockOwner(join(dir, 'build', 'fail'), join(dir, 'fail.ipynb'));
    assert.equal(owner.kind, 'same');
    symlinkSync(join(dir, 'fail.ipynb'), join(dir, 'link.ipynb'));
    assert.equal((await lockOwner(join(dir, 'build', 'fail'), join(dir, 'link.ipynb'))).kind, 'same');
  });

  it('other for a notebook that was never promoted there, naming the lock\'s notebook', async () => {
    await promote();
    const owner = await lockOwner(join(dir, 'build', 'fail'), join(dir, 'credit.ipynb'));
    assert.equal(owner.kind, 'other');
    assert.equal(owner.kind === 'other' ? owner.lockNotebook : '', join(dir, 'fail.ipynb'));
    assert.equal(owner.kind === 'other' ? owner.lock.package : '', 'fail');
  });

  it('gone when the lock\'s notebook was renamed (a move)', async () => {
    await promote();
    renameSync(join(dir, 'fail.ipynb'), join(dir, 'telco.ipynb'));
    assert.equal((await lockOwner(join(dir, 'build', 'fail'), join(dir, 'telco.ipynb'))).kind, 'gone');
  });

  it('unreadable for a damaged lock', async () => {
    await promote();
    writeFileSync(join(dir, 'build', 'fail', 'nbpromote.lock'), 'lock_version: [\n');
    assert.equal((await lockOwner(join(dir, 'build', 'fail'), join(dir, 'fail.ipynb'))).kind, 'unreadable');
  });
});
