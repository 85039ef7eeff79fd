import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import { NbpromoteError } from '../errors';
import { applyPlan, cleanStaleTemps, planActions, planDirectories, tempFilePid, writeFilesAtomic, WriteError } from './apply';
import { pathSyntaxProblem } from './paths';

function file(path: string, contents: string, mode?: 'create-only'): FilePlan {
  return mode === undefined ? { path, contents, why: 'test' } : { path, contents, why: 'test', mode };
}

async function rejectsInvalid(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (ex: unknown) => {
    assert.ok(NbpromoteError.is(ex, 'invalidInput'), `expected invalidInput, got ${String(ex)}`);
    assert.match(ex.message, pattern);
    return true;
  });
}

describe('applyPlan', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-io-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates files and their folders', async () => {
    const result = await applyPlan(root, [file('src/pkg/steps/load.py', 'x = 1\n'), file('pipeline.yaml', 'a: 1\n')]);
    assert.deepEqual(result.files, [
      { path: 'src/pkg/steps/load.py', action: 'created' },
      { path: 'pipeline.yaml', action: 'created' },
    ]);
    assert.equal(await readFile(nodePath.join(root, 'src/pkg/steps/load.py'), 'utf8'), 'x = 1\n');
  });

  it('creates the root when it is missing', async () => {
    const missing = nodePath.join(root, 'new', 'out');
    await applyPlan(missing, [file('a.txt', 'a')]);
    assert.equal(await readFile(nodePath.join(missing, 'a.txt'), 'utf8'), 'a');
  });

  it('replaces a changed file atomically, keeping its permission bits and leaving no temporary file', async () => {
    await applyPlan(root, [file('run.sh', 'old\n')]);
    await chmod(nodePath.join(root, 'run.sh'), 0o755);
    const before = await stat(nodePath.join(root, 'run.sh'));
    const result = await applyPlan(root, [file('run.sh', 'new\n')]);
    assert.deepEqual(result.files, [{ path: 'run.sh', action: 'changed' }]);
    const after = await stat(nodePath.join(root, 'run.sh'));
    assert.equal(await readFile(nodePath.join(root, 'run.sh'), 'utf8'), 'new\n');
    assert.notEqual(after.ino, before.ino, 'a new file was renamed over the old one');
    assert.equal(after.mode & 0o777, 0o755);
    assert.deepEqual(await readdir(root), ['run.sh']);
  });

  it('leaves files with identical contents untouched', async () => {
    await applyPlan(root, [file('a.py', 'same\n')]);
    const before = await stat(nodePath.join(root, 'a.py'));
    const result = await applyPlan(root, [file('a.py', 'same\n')]);
    assert.deepEqual(result.files, [{ path: 'a.py', action: 'unchanged' }]);
    const after = await stat(nodePath.join(root, 'a.py'));
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
  });

  it('writes a create-only file only when it is absent', async () => {
    const first = await applyPlan(root, [file('pyproject.toml', 'generated\n', 'create-only')]);
    assert.deepEqual(first.files, [{ path: 'pyproject.toml', action: 'created' }]);
    await writeFile(nodePath.join(root, 'pyproject.toml'), 'edited by a person\n');
    const second = await applyPlan(root, [file('pyproject.toml', 'generated again\n', 'create-only')]);
    assert.deepEqual(second.files, [{ path: 'pyproject.toml', action: 'kept' }]);
    assert.equal(await readFile(nodePath.join(root, 'pyproject.toml'), 'utf8'), 'edited by a person\n');
  });

  for (const [path, pattern] of [
    ['../x', /`\.\.` segment/],
    ['/etc/x', /absolute/],
    ['a/../../x', /`\.\.` segment/],
    ['C:/x', /absolute/],
    ['a\\b', /backslash/],
    ['a/\0b', /NUL/],
    ['a//b', /empty segment/],
    ['./a', /`\.` segment/],
    ['', /empty/],
  ] as const) {
    it(`refuses ${JSON.stringify(path)} before writing anything`, async () => {
      await rejectsInvalid(applyPlan(root, [file('first.txt', 'x'), file(path, 'x')]), pattern);
      assert.deepEqual(await readdir(root), []);
    });
  }

  it('refuses a symbolic link to a folder outside the root', async () => {
    const outside = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-outside-'));
    try {
      await symlink(outside, nodePath.join(root, 'src'));
      await rejectsInvalid(applyPlan(root, [file('ok.txt', 'x'), file('src/pkg/a.py', 'x')]), /"src\/pkg\/a\.py": `src` is a symbolic link that leads outside the output root/);
      assert.deepEqual(await readdir(outside), []);
      assert.deepEqual((await readdir(root)).sort(), ['src']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a symbolic link file pointing outside the root', async () => {
    const outside = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-outside-'));
    try {
      await writeFile(nodePath.join(outside, 'target.txt'), 'theirs');
      await symlink(nodePath.join(outside, 'target.txt'), nodePath.join(root, 'link.txt'));
      await rejectsInvalid(applyPlan(root, [file('link.txt', 'ours')]), /symbolic link that leads outside/);
      assert.equal(await readFile(nodePath.join(outside, 'target.txt'), 'utf8'), 'theirs');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('follows a symbolic link that stays inside the root, and keeps the link', async () => {
    await mkdir(nodePath.join(root, 'real'));
    await symlink(nodePath.join(root, 'real'), nodePath.join(root, 'alias'));
    await applyPlan(root, [file('alias/a.txt', 'x')]);
    assert.equal(await readFile(nodePath.join(root, 'real/a.txt'), 'utf8'), 'x');
    assert.ok((await stat(nodePath.join(root, 'alias'))).isDirectory());
  });

  it('accepts a root that is itself a symbolic link', async () => {
    await mkdir(nodePath.join(root, 'real'));
    await symlink(nodePath.join(root, 'real'), nodePath.join(root, 'linked-root'));
    await applyPlan(nodePath.join(root, 'linked-root'), [file('a/b.txt', 'x')]);
    assert.equal(await readFile(nodePath.join(root, 'real/a/b.txt'), 'utf8'), 'x');
  });

  it('refuses a file where a folder is needed, a folder where a file is needed, and duplicates', async () => {
    await writeFile(nodePath.join(root, 'afile'), 'x');
    await mkdir(nodePath.join(root, 'adir'));
    await rejectsInvalid(applyPlan(root, [file('afile/b.txt', 'x')]), /`afile` is a file, not a folder/);
    await rejectsInvalid(applyPlan(root, [file('adir', 'x')]), /a folder is there/);
    await rejectsInvalid(applyPlan(root, [file('x.txt', 'a'), file('x.txt', 'b')]), /writes this file twice/);
    await rejectsInvalid(applyPlan(root, [file('p', 'a'), file('p/q.txt', 'b')]), /also writes `p` as a file/);
  });

  it('refuses every path under a shared folder link that leads outside, and writes none of the plan', async () => {
    const outside = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-outside-'));
    try {
      await mkdir(nodePath.join(root, 'src'));
      await symlink(outside, nodePath.join(root, 'src', 'pkg'));
      await rejectsInvalid(
        applyPlan(root, [file('a.txt', 'x'), file('src/pkg/one.py', 'x'), file('src/pkg/two.py', 'x'), file('src/ok.py', 'x')]),
        // One line for all the files under the link, not one each.
        /^2 file paths in the plan are not acceptable; nothing was written:\n {2}"src\/pkg\/one\.py" and 1 more file: `src\/pkg` is a symbolic link that leads outside the output root$/,
      );
      assert.deepEqual(await readdir(outside), []);
      assert.deepEqual((await readdir(root)).sort(), ['src']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('a full disk: the error names the file being written, no file is written and the folders it made are gone', async function () {
    // A 64 KiB tmpfs fills up on the second file; mounting one needs root, so elsewhere this is skipped.
    const small = nodePath.join(root, 'small');
    await mkdir(small);
    if (process.getuid?.() !== 0 || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]).status !== 0) this.skip();
    try {
      const big = 'x'.repeat(60 * 1024);
      await assert.rejects(applyPlan(small, [file('src/pkg/a.py', big), file('src/pkg/b.py', big)]), (ex: unknown) => {
        assert.ok(ex instanceof WriteError && NbpromoteError.is(ex, 'fileSystem'), String(ex));
        assert.match(ex.message, /^cannot write .*\/small\/src\/pkg\/[ab]\.py: no space is left on the device \(ENOSPC\); no file was written; free some space and try again$/);
        assert.deepEqual(ex.replaced, []);
        return true;
      });
      assert.deepEqual(await readdir(small), []);
    } finally {
      spawnSync('umount', [small]);
    }
  });

  it('a write that fails names the target, not its temporary file, and says nothing was written', async () => {
    const target = nodePath.join(root, 'gone', 'a.txt'); // its folder does not exist: the temporary file cannot be made
    await assert.rejects(writeFilesAtomic([{ target: nodePath.join(root, 'ok.txt'), contents: 'x' }, { target, contents: 'y' }]), (ex: unknown) => {
      assert.ok(ex instanceof WriteError, String(ex));
      assert.equal(ex.message, `cannot write ${target}: a folder on the way does not exist (was it removed meanwhile?) (ENOENT); no file was written`);
      return true;
    });
    assert.deepEqual(await readdir(root), []);
  });

  it('lists every bad path in one error', async () => {
    await rejectsInvalid(applyPlan(root, [file('../a', 'x'), file('/b', 'x')]), /2 file paths in the plan are not acceptable[\s\S]*"\.\.\/a"[\s\S]*"\/b"/);
  });
});

describe('writeFilesAtomic', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-atomic-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes many files in several folders, replacing old ones and keeping their permission bits', async () => {
    await mkdir(nodePath.join(root, 'a'));
    await mkdir(nodePath.join(root, 'b'));
    await writeFile(nodePath.join(root, 'a', 'old.sh'), 'old\n');
    await chmod(nodePath.join(root, 'a', 'old.sh'), 0o750);
    const writes = [
      ...Array.from({ length: 70 }, (_, i) => ({ target: nodePath.join(root, i % 2 === 0 ? 'a' : 'b', `f${i}.py`), contents: `x = ${i}\n` })),
      { target: nodePath.join(root, 'a', 'old.sh'), contents: 'new\n' },
    ];
    await writeFilesAtomic(writes);
    for (const write of writes) assert.equal(await readFile(write.target, 'utf8'), write.contents);
    assert.equal((await stat(nodePath.join(root, 'a', 'old.sh'))).mode & 0o777, 0o750);
    const names = [...(await readdir(nodePath.join(root, 'a'))), ...(await readdir(nodePath.join(root, 'b')))];
    assert.equal(names.length, 71);
    assert.ok(names.every((n) => tempFilePid(n) === undefined), 'no temporary file is left');
  });

  it('touches no target and leaves no temporary file when one temporary file cannot be written', async () => {
    await mkdir(nodePath.join(root, 'a'));
    await writeFile(nodePath.join(root, 'a', 'kept.py'), 'mine\n');
    const writes = [
      { target: nodePath.join(root, 'a', 'kept.py'), contents: 'generated\n' },
      { target: nodePath.join(root, 'a', 'new.py'), contents: 'new\n' },
      { target: nodePath.join(root, 'missing-folder', 'c.py'), contents: 'c\n' },
    ];
    await assert.rejects(writeFilesAtomic(writes), /ENOENT/);
    assert.equal(await readFile(nodePath.join(root, 'a', 'kept.py'), 'utf8'), 'mine\n');
    assert.deepEqual(await readdir(nodePath.join(root, 'a')), ['kept.py']);
  });

  it('writes whole files without fsync when asked (durable: false)', async () => {
    await writeFilesAtomic([{ target: nodePath.join(root, 'copy.py'), contents: 'copy\n' }], { durable: false });
    assert.equal(await readFile(nodePath.join(root, 'copy.py'), 'utf8'), 'copy\n');
    assert.deepEqual(await readdir(root), ['copy.py']);
  });
});

describe('planActions', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-io-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports created, changed, unchanged and kept without writing', async () => {
    await applyPlan(root, [file('same.txt', 'a'), file('diff.txt', 'a'), file('keep.toml', 'a')]);
    const result = await planActions(root, [file('same.txt', 'a'), file('diff.txt', 'b'), file('keep.toml', 'b', 'create-only'), file('new/x.txt', 'n')]);
    assert.deepEqual(result.files, [
      { path: 'same.txt', action: 'unchanged' },
      { path: 'diff.txt', action: 'changed' },
      { path: 'keep.toml', action: 'kept' },
      { path: 'new/x.txt', action: 'created' },
    ]);
    assert.equal(await readFile(nodePath.join(root, 'diff.txt'), 'utf8'), 'a');
    assert.deepEqual((await readdir(root)).sort(), ['diff.txt', 'keep.toml', 'same.txt']);
  });

  it('validates like applyPlan', async () => {
    await rejectsInvalid(planActions(root, [file('a/../../x', 'x')]), /`\.\.` segment/);
  });

  it('treats a missing root as empty', async () => {
    const result = await planActions(nodePath.join(root, 'missing'), [file('a.txt', 'x')]);
    assert.deepEqual(result.files, [{ path: 'a.txt', action: 'created' }]);
  });
});

describe('cleanStaleTemps', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-io-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('removes temporary files of dead processes and keeps everything else', async () => {
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default
    await mkdir(nodePath.join(root, 'src'));
    const stale = `.load.py.nbpromote-tmp-${deadPid}-0a1b2c3d`;
    const live = `.train.py.nbpromote-tmp-${process.ppid}-0a1b2c3d`;
    for (const name of [stale, live, 'load.py', '.hidden']) await writeFile(nodePath.join(root, 'src', name), 'x');
    await writeFile(nodePath.join(root, stale), 'x');
    const removed = await cleanStaleTemps(root, ['.', 'src', 'missing']);
    assert.deepEqual(removed.sort(), [stale, `src/${stale}`].sort());
    assert.deepEqual((await readdir(nodePath.join(root, 'src'))).sort(), ['.hidden', live, 'load.py'].sort());
  });

  it('refuses folders outside the root', async () => {
    await rejectsInvalid(cleanStaleTemps(root, ['../x']), /`\.\.` segment/);
  });

  it('recognises temporary file names', () => {
    assert.equal(tempFilePid('.a.py.nbpromote-tmp-42-deadbeef'), 42);
    assert.equal(tempFilePid('a.py.nbpromote-tmp-42-deadbeef'), undefined);
    assert.equal(tempFilePid('.a.py'), undefined);
  });
});

describe('plan paths', () => {
  it('accepts ordinary relative paths', () => {
    for (const path of ['pipeline.yaml', 'src/pkg/steps/load.py', '.github/workflows/ci.yml', 'a..b/c']) assert.equal(pathSyntaxProblem(path), undefined, path);
  });
  it('lists the folders of a plan', () => {
    assert.deepEqual(planDirectories([file('a.txt', ''), file('src/p/b.py', ''), file('src/p/c.py', '')]), ['.', 'src/p']);
  });
});
