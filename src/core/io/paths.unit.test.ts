import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirFailure, folderFromCwd, refusedFolder } from './paths';

describe('refusedFolder', () => {
  it('is the outermost missing folder on the way, or the folder itself when only it is missing (a file on the way is no folder)', () => {
    const work = mkdtempSync(join(tmpdir(), 'nbpromote-refused-'));
    try {
      assert.equal(refusedFolder(join(work, 'ro', 'sub', '.nbpromote')), join(work, 'ro'));
      mkdirSync(join(work, 'ro'));
      assert.equal(refusedFolder(join(work, 'ro', 'sub', '.nbpromote')), join(work, 'ro', 'sub'));
      assert.equal(refusedFolder(join(work, 'ro', 'x')), join(work, 'ro', 'x'));
      writeFileSync(join(work, 'file'), '');
      assert.equal(refusedFolder(join(work, 'file', 'a', 'b')), join(work, 'file', 'a'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('mkdirFailure', () => {
  it('leaves errors other than ENOENT, and an ENOENT under a writable folder, as they are', () => {
    const work = mkdtempSync(join(tmpdir(), 'nbpromote-mkdir-'));
    try {
      const other = Object.assign(new Error('x'), { code: 'ENOSPC' });
      assert.equal(mkdirFailure(join(work, 'a'), other), other);
      const missing = Object.assign(new Error('x'), { code: 'ENOENT' });
      assert.equal(mkdirFailure(join(work, 'a', 'b'), missing), missing);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  // Node's recursive mkdir says ENOENT on a read-only mount. Mounting needs root: skipped elsewhere.
  describe('on a read-only mount', function () {
    let work = '';
    let mounted = false;
    before(function () {
      work = mkdtempSync(join(tmpdir(), 'nbpromote-rofs-'));
      mkdirSync(join(work, 'src'));
      mkdirSync(join(work, 'ro'));
      const bind = spawnSync('mount', ['--bind', join(work, 'src'), join(work, 'ro')]);
      mounted = bind.status === 0;
      if (!mounted || spawnSync('mount', ['-o', 'remount,bind,ro', join(work, 'ro')]).status !== 0) this.skip();
    });
    after(() => {
      if (mounted) spawnSync('umount', [join(work, 'ro')]);
      if (work !== '') rmSync(work, { recursive: true, force: true });
    });

    it('gives the folder\'s own refusal, EROFS, for the ENOENT of a recursive mkdir', () => {
      const dir = join(work, 'ro', 'out', '.nbpromote');
      let thrown: unknown;
      try {
        mkdirSync(dir, { recursive: true });
      } catch (ex) {
        thrown = ex;
      }
      assert.ok(thrown !== undefined);
      assert.equal((mkdirFailure(dir, thrown) as NodeJS.ErrnoException).code, 'EROFS');
    });
  });
});

describe('folderFromCwd', () => {
  it('names a folder from the working folder, up to two levels up; else by its absolute path', () => {
    assert.equal(folderFromCwd('/w/proj', '/w/proj/out'), 'out');
    assert.equal(folderFromCwd('/w/proj', '/w/proj'), '.');
    assert.equal(folderFromCwd('/w/proj/nbs', '/w/proj/pkg'), '../pkg');
    assert.equal(folderFromCwd('/w/proj/a/b', '/w/proj'), '../..');
    assert.equal(folderFromCwd('/w/proj/a/b/c', '/w/x'), '/w/x');
    assert.equal(folderFromCwd('/w/proj/a/b/c', '/w'), '/w');
  });
});
