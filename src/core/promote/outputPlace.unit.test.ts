import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputPlaceProblem } from './outputPlace';

describe('outputPlaceProblem', () => {
  let work = '';
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'nbpromote-place-'));
    mkdirSync(join(work, '.git'));
    mkdirSync(join(work, 'outer', 'src', 'churn'), { recursive: true });
    mkdirSync(join(work, 'outer', 'tests'));
    writeFileSync(join(work, 'outer', 'nbpromote.lock'), 'lock_version: 1\npackage: churn\n');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('refuses .git itself and any folder in it, whatever the case', async () => {
    for (const out of ['.git', '.git/build', '.GIT/x']) {
      assert.match((await outputPlaceProblem(join(work, out))) ?? '', /is in git's own folder .*: git does not track files there and may remove them\. Use a folder of the working tree instead/, out);
    }
  });

  it('refuses /proc, /sys and /dev (the system\'s views, where mkdir had looped for ever); not one named like them elsewhere, nor /dev/shm', async () => {
    assert.match((await outputPlaceProblem('/proc/x')) ?? '', /^the output folder \/proc\/x is in \/proc, where the system shows its processes and kernel settings, not a place for files/);
    assert.match((await outputPlaceProblem('/sys/pkg')) ?? '', /is in \/sys/);
    assert.match((await outputPlaceProblem('/dev/pkg')) ?? '', /is in \/dev, where the system shows its devices/);
    // Not a folder named like them elsewhere, nor the shared-memory file system.
    assert.equal(await outputPlaceProblem(join(work, 'proc', 'x')), undefined);
    assert.equal(await outputPlaceProblem('/dev/shm/pkg'), undefined);
  });

  it('refuses a folder a symbolic link leads into .git through (`gl -> .git`)', async () => {
    symlinkSync(join(work, '.git'), join(work, 'gl'));
    assert.match((await outputPlaceProblem(join(work, 'gl', 'pkg'))) ?? '', /is in git's own folder/);
  });

  it("refuses another output root's tests/, src/, src/<package>/ and .nbpromote/", async () => {
    // Each with the reason of its part (round 66 QQQ: the tests' reason was given for all).
    const tests = /: that package's tests would collect this one's files and fail\./;
    const code = /: that package's code lives there, and this one's modules would be found as its own\./;
    const runs = /: that package's runs keep their cache and records there/;
    for (const [out, part, why] of [['outer/tests', 'tests', tests], ['outer/tests/deep', 'tests', tests], ['outer/src', 'src', code], ['outer/src/churn/sub', 'src/churn', code], ['outer/.nbpromote/x', '.nbpromote', runs]] as const) {
      const problem = (await outputPlaceProblem(join(work, out))) ?? '';
      assert.ok(problem.startsWith(`the output folder ${join(work, out)} is in ${join(work, 'outer', part)}, which belongs to the package promoted in ${join(work, 'outer')} (it has nbpromote.lock)`), problem);
      assert.match(problem, why);
    }
  });

  it('accepts the working tree, a root of its own beside or under another, and the same folders without a lock', async () => {
    for (const out of ['build', 'outer', 'outer/sub', 'outer/src/other', 'git/x']) assert.equal(await outputPlaceProblem(join(work, out)), undefined, out);
    rmSync(join(work, 'outer', 'nbpromote.lock'));
    assert.equal(await outputPlaceProblem(join(work, 'outer', 'tests')), undefined);
  });
});
