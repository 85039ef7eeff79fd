/**
 * The lock names its notebook: another notebook promoted into the same folder, a notebook renamed after
 * promotion, and kept files that import a module promotion removed.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURES_MERGED as v2, hasPython, notebookJson, runPytest, THREE_STEPS as v1 } from '../scaffold/testing';
import type { TestCell } from '../scaffold/testing';
import { promoteNotebook } from './promote';
import type { PromoteRequest } from './promote';

describe('the lock names its notebook', function () {
  this.timeout(120_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-identity-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const promote = (notebook: string, options: Partial<PromoteRequest> = {}): ReturnType<typeof promoteNotebook> => promoteNotebook({ notebook, cwd: dir, out: 'out', toolVersion: 'test', ...options });
  const write = (notebook: string, cells: readonly TestCell[]): void => {
    mkdirSync(join(dir, notebook, '..'), { recursive: true });
    writeFileSync(join(dir, notebook), notebookJson(cells));
  };

  it('stops, writing nothing, when another notebook that still exists owns the folder, also with its --package', async () => {
    write('forecast.ipynb', v1);
    write('churn.ipynb', v2);
    const first = await promote('forecast.ipynb');
    assert.ok(first.ok);
    // Folders as the user names them, from the folder they work in.
    assert.deepEqual(first.problems.filter((p) => p.code === 'notebook-outside-out').map((p) => p.message), ['the notebook is outside the output folder out; pipeline.yaml refers to it as ../forecast.ipynb']);
    const lock = readFileSync(join(dir, 'out', 'nbpromote.lock'), 'utf8');
    for (const options of [{}, { packageName: 'forecast' }, { packageName: 'forecast', dryRun: true }]) {
      const outcome = await promote('churn.ipynb', options);
      assert.equal(outcome.ok, false);
      const problem = outcome.problems.find((p) => p.code === 'other-notebook');
      assert.ok(problem !== undefined, JSON.stringify(outcome.problems));
      assert.match(problem.message, /^nbpromote\.lock in out holds the package forecast of another notebook, forecast\.ipynb, which is still there/);
      assert.match(problem.message, /Promote into another --out folder/);
      assert.doesNotMatch(problem.message, /--package/);
    }
    // The other notebook's package is whole: its steps are still there, the lock is unchanged.
    assert.equal(readFileSync(join(dir, 'out', 'nbpromote.lock'), 'utf8'), lock);
    assert.ok(existsSync(join(dir, 'out', 'src', 'forecast', 'steps', 'features.py')));
    assert.ok(!existsSync(join(dir, 'out', 'src', 'churn')));
    // The same notebook with another --package still gets the package-changed advice.
    const renamed = await promote('forecast.ipynb', { packageName: 'sales' });
    assert.deepEqual(renamed.problems.filter((p) => p.severity === 'error').map((p) => p.code), ['package-changed']);
    assert.match(renamed.problems.find((p) => p.code === 'package-changed')?.message ?? '', /promote with --package forecast/i);
  });

  it('keeps the package name the lock gives this notebook when the name derived from its file changed since', async () => {
    write('02b_forecast.ipynb', v1);
    assert.ok((await promote('02b_forecast.ipynb')).ok);
    assert.ok(existsSync(join(dir, 'out', 'src', 'forecast', 'steps', 'features.py')));
    // As an older nbpromote named it (`b_forecast`): the lock and the package say so.
    const lockPath = join(dir, 'out', 'nbpromote.lock');
    writeFileSync(lockPath, readFileSync(lockPath, 'utf8').replace(/^package: forecast$/m, 'package: b_forecast').replace(/src\/forecast\//g, 'src/b_forecast/'));
    renameSync(join(dir, 'out', 'src', 'forecast'), join(dir, 'out', 'src', 'b_forecast'));
    const again = await promote('02b_forecast.ipynb', { dryRun: true });
    assert.ok(again.ok, JSON.stringify(again.problems));
    assert.equal(again.package, 'b_forecast');
    // Another notebook's name, given with --package, is still refused.
    const other = await promote('02b_forecast.ipynb', { packageName: 'forecast', dryRun: true });
    assert.deepEqual(other.problems.filter((p) => p.severity === 'error').map((p) => p.code), ['package-changed']);
  });

  // Round 38 M: planned under the derived name first, each later promotion was "generated code changed" (a patch)
  // and `check` failed, as in docs/cli.md's own `--package iris` example.
  it('a package named with --package once keeps its name, unchanged, in later promotions without --package', async () => {
    write('iris-nbdev.ipynb', v1);
    assert.ok((await promote('iris-nbdev.ipynb', { packageName: 'iris' })).ok);
    const lock = readFileSync(join(dir, 'out', 'nbpromote.lock'), 'utf8');
    for (const options of [{ dryRun: true }, {}]) {
      const again = await promote('iris-nbdev.ipynb', options);
      assert.ok(again.ok, JSON.stringify(again.problems));
      assert.deepEqual([again.package, again.version, again.changes], ['iris', '0.1.0', []]);
    }
    assert.equal(readFileSync(join(dir, 'out', 'nbpromote.lock'), 'utf8'), lock);
  });

  it('takes a renamed notebook with the lock\'s package as moved: a patch said so, and the package runs', async () => {
    write('notebooks/forecast.ipynb', v1);
    assert.ok((await promote('notebooks/forecast.ipynb')).ok);
    renameSync(join(dir, 'notebooks', 'forecast.ipynb'), join(dir, 'notebooks', 'weekly_forecast.ipynb'));
    // Without --package: the name from the file differs; the advice names the old notebook and works as given.
    const without = await promote('notebooks/weekly_forecast.ipynb');
    assert.deepEqual(without.problems.filter((p) => p.severity === 'error').map((p) => p.code), ['package-changed']);
    assert.match(without.problems.find((p) => p.code === 'package-changed')?.message ?? '', /promoted from notebooks\/forecast\.ipynb, which is gone: .*promote with --package forecast/);
    const moved = await promote('notebooks/weekly_forecast.ipynb', { packageName: 'forecast' });
    assert.ok(moved.ok, JSON.stringify(moved.problems));
    assert.equal(moved.version, '0.1.1');
    // Paths as the lock records them: relative to the output folder.
    assert.deepEqual(moved.changes, ['the notebook moved from ../notebooks/forecast.ipynb to ../notebooks/weekly_forecast.ipynb (patch)']);
    const lock = readFileSync(join(dir, 'out', 'nbpromote.lock'), 'utf8');
    assert.match(lock, /notebook: \{path: \.\.\/notebooks\/weekly_forecast\.ipynb/);
    assert.match(lock, /- the notebook moved from \.\.\/notebooks\/forecast\.ipynb to \.\.\/notebooks\/weekly_forecast\.ipynb \(patch\)/);
    const again = await promote('notebooks/weekly_forecast.ipynb', { packageName: 'forecast', dryRun: true, resolve: 'force' });
    assert.deepEqual(again.changes, []);
    // Round 38 M: without --package from then on, nothing changed either (every promotion was a patch).
    const plain = await promote('notebooks/weekly_forecast.ipynb');
    assert.ok(plain.ok, JSON.stringify(plain.problems));
    assert.deepEqual([plain.package, plain.version, plain.changes], ['forecast', '0.1.1', []]);
    if (!hasPython()) return;
    const pytest = runPytest(join(dir, 'out'));
    assert.equal(pytest.status, 0, pytest.stdout + pytest.stderr);
  });

  it('names a kept hand-edited test that imports a removed step, and what to do; not a harmless one', async () => {
    write('nb.ipynb', v1);
    assert.ok((await promote('nb.ipynb')).ok);
    const keptTest = join(dir, 'out', 'tests', 'test_features.py');
    appendFileSync(keptTest, '# extra check by hand\n');
    write('nb.ipynb', v2);
    const outcome = await promote('nb.ipynb');
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.ok(existsSync(keptTest));
    assert.ok(!existsSync(join(dir, 'out', 'src', 'nb', 'steps', 'features.py')));
    const line = readFileSync(keptTest, 'utf8').split('\n').findIndex((l) => /^from nb\.steps\.features import/.test(l)) + 1;
    const warnings = outcome.problems.filter((p) => p.code === 'removed-import' || p.code === 'orphan-edited');
    assert.equal(warnings.length, 1, JSON.stringify(outcome.problems));
    assert.equal(warnings[0]?.code, 'removed-import');
    assert.equal(
      warnings[0]?.message,
      `tests/test_features.py is no longer generated but was edited by hand, so it is kept; it imports nb.steps.features (line ${line}), a module the package no longer has (the notebook has no step features now), so pytest fails to collect it. Delete the file, or change that import to a module the package has now`,
    );
    if (hasPython()) assert.notEqual(runPytest(join(dir, 'out')).status, 0, 'pytest collects the kept test');
    // check (a dry run) after the promotion names it too.
    const check = await promote('nb.ipynb', { dryRun: true, resolve: 'force' });
    assert.deepEqual(check.problems.filter((p) => p.code === 'removed-import').map((p) => p.message.split(' imports ')[0]), ['tests/test_features.py']);
    // A harmless kept file: nothing said.
    writeFileSync(keptTest, 'def test_by_hand():\n    assert True\n');
    const harmless = await promote('nb.ipynb', { dryRun: true, resolve: 'force' });
    assert.deepEqual(harmless.problems.filter((p) => p.code === 'removed-import'), []);
    if (!hasPython()) return;
    const pytest = runPytest(join(dir, 'out'));
    assert.equal(pytest.status, 0, pytest.stdout + pytest.stderr);
  });

  it('a hand-edited step module whose step was renamed: kept, and said at every promotion and check that none of it runs', async () => {
    write('nb.ipynb', v1);
    assert.ok((await promote('nb.ipynb')).ok);
    const module = join(dir, 'out', 'src', 'nb', 'steps', 'features.py');
    appendFileSync(module, '# my fix\n');
    write('nb.ipynb', v1.map((c) => (c.tags?.[0] === 'step:features' ? { ...c, tags: ['step:double'] } : c)));
    const expected = ['warning', 'src/nb/steps/features.py is the module of no step now (the notebook has no step features), so none of its code runs; it was edited by hand, so it is kept: move what you changed there into the step that took its place, then delete the file'];
    const renamed = await promote('nb.ipynb');
    assert.ok(renamed.ok, JSON.stringify(renamed.problems));
    assert.ok(existsSync(module));
    assert.deepEqual(renamed.problems.filter((p) => p.code === 'step-module-unused' || p.code === 'orphan-edited').map((p) => [p.severity, p.message]), [expected]);
    // Round 57 ZZ: listed with the files too, not only in a warning.
    assert.deepEqual(renamed.files.filter((f) => f.path === 'src/nb/steps/features.py'), [{ path: 'src/nb/steps/features.py', action: 'kept', why: 'no longer generated, but edited by hand, so left as it is' }]);
    // Later: no longer in the lock, a file of the person's own; still said, by promote and by check.
    const later = ['warning', expected[1]?.replace('; it was edited by hand, so it is kept', '')];
    assert.deepEqual((await promote('nb.ipynb')).problems.filter((p) => p.code === 'step-module-unused').map((p) => [p.severity, p.message]), [later]);
    assert.deepEqual((await promote('nb.ipynb', { dryRun: true, resolve: 'force' })).problems.filter((p) => p.code === 'step-module-unused').map((p) => [p.severity, p.message]), [later]);
    // Its test edited too, and kept: importing the module makes it no helper (round 34 C: check said up to date).
    const test = join(dir, 'out', 'tests', 'test_features.py');
    write('nb.ipynb', v1);
    rmSync(module);
    assert.ok((await promote('nb.ipynb', { resolve: 'force' })).ok);
    appendFileSync(module, '# my fix\n');
    appendFileSync(test, '# my test fix\n');
    write('nb.ipynb', v1.map((c) => (c.tags?.[0] === 'step:features' ? { ...c, tags: ['step:double'] } : c)));
    assert.ok((await promote('nb.ipynb')).ok);
    assert.ok(existsSync(test));
    for (const again of [await promote('nb.ipynb'), await promote('nb.ipynb', { dryRun: true, resolve: 'force' })]) {
      assert.deepEqual(again.problems.filter((p) => p.code === 'step-module-unused').map((p) => p.message.split(' ')[0]), ['src/nb/steps/features.py']);
      // Round 57 ZZ: the kept test reads the run of step features, which is gone: pytest fails, and check said
      // "up to date" (its import is still there). Said at every promotion and check.
      assert.deepEqual(
        again.problems.filter((p) => p.code === 'test-of-removed-step').map((p) => [p.severity, p.message.replace(/line \d+/, 'line N')]),
        [['warning', 'tests/test_features.py tests step features (line N reads its run), which the notebook no longer has, so pytest fails on it: move what you added there into the test of the step that took its place, then delete the file']],
      );
    }
    if (hasPython()) assert.notEqual(runPytest(join(dir, 'out')).status, 0, 'pytest passes the kept test of a step that went');
    rmSync(test);
    assert.deepEqual((await promote('nb.ipynb', { dryRun: true, resolve: 'force' })).problems.filter((p) => p.code === 'test-of-removed-step'), []);
    // An unchanged module of a removed step is deleted: nothing said.
    rmSync(module);
    write('nb.ipynb', v2);
    const merged = await promote('nb.ipynb');
    assert.deepEqual(merged.problems.filter((p) => p.code === 'step-module-unused'), []);
    assert.ok(!existsSync(join(dir, 'out', 'src', 'nb', 'steps', 'double.py')));
  });

  // Round 63 LLL: a test promotion still writes, kept as edited by hand, reading a renamed step's run or importing
  // its module: nothing was said, check said up to date, and pytest failed.
  it('a kept hand edit of a test promotion still writes, reading a step that went or importing its module, is said so', async () => {
    write('nb.ipynb', v1);
    assert.ok((await promote('nb.ipynb')).ok);
    const test = join(dir, 'out', 'tests', 'test_train.py');
    appendFileSync(test, '\n\ndef test_mine(pipeline_run):\n    assert pipeline_run.inputs["features"]\n');
    write('nb.ipynb', v1.map((c) => (c.tags?.[0] === 'step:features' ? { ...c, tags: ['step:double'] } : c)));
    const renamed = await promote('nb.ipynb');
    assert.ok(renamed.ok, JSON.stringify(renamed.problems));
    assert.deepEqual(renamed.files.filter((f) => f.path === 'tests/test_train.py').map((f) => f.action), ['kept-edit']);
    for (const again of [renamed, await promote('nb.ipynb', { dryRun: true })]) {
      assert.deepEqual(
        again.problems.filter((p) => p.code === 'test-of-removed-step').map((p) => p.message.replace(/line \d+/, 'line N')),
        ['tests/test_train.py tests step features (line N reads its run), which the notebook no longer has, so pytest fails on it: tests/test_train.py keeps your edits: change that line to read a step the notebook has now'],
      );
    }
    // Round 65 OOO: merged with the notebook's changes (--merge), it is the person's too.
    write('nb.ipynb', v1.map((c) => (c.tags?.[0] === 'step:features' ? { ...c, tags: ['step:double'] } : c.tags?.[0] === 'step:train' ? { ...c, source: 'total = sum(doubled) + len(values)' } : c)));
    const merged = await promote('nb.ipynb', { resolve: 'merge' });
    assert.deepEqual(merged.files.filter((f) => f.path === 'tests/test_train.py').map((f) => f.action), ['merged']);
    assert.deepEqual(merged.problems.filter((p) => p.code === 'test-of-removed-step').map((p) => p.message.split(' (line')[0]), ['tests/test_train.py tests step features']);
    appendFileSync(test, 'from nb.steps.features import features\n');
    const imports = await promote('nb.ipynb', { dryRun: true });
    assert.deepEqual(
      imports.problems.filter((p) => p.code === 'removed-import').map((p) => p.message.replace(/line \d+/, 'line N')),
      ['tests/test_train.py imports nb.steps.features (line N), a module the package no longer has (the notebook has no step features now), so pytest fails to collect it. tests/test_train.py keeps your edits: change that import to a module the package has now'],
    );
  });

  it('step-module-unused: not said of a helper in steps/ a module imports, nor of an editor\'s lock or backup file', async () => {
    write('nb.ipynb', v1);
    assert.ok((await promote('nb.ipynb')).ok);
    const steps = join(dir, 'out', 'src', 'nb', 'steps');
    const imports = ['from .helper import halve', 'from . import tools', 'from nb.steps.more import x', 'import nb.steps.extra', 'from nb.steps import (\n    mine,\n)'];
    for (const name of ['helper', 'tools', 'more', 'extra', 'mine', 'alone']) writeFileSync(join(steps, `${name}.py`), 'def halve(v):\n    return v * 0.5\n');
    appendFileSync(join(steps, 'train.py'), `${imports.slice(0, 3).join('\n')}\n`);
    writeFileSync(join(dir, 'out', 'src', 'nb', 'mine.py'), `${imports.slice(3).join('\n')}\n`);
    symlinkSync('me@host.123:1700000000', join(steps, '.#features.py')); // what Emacs leaves while features.py is open
    writeFileSync(join(steps, '#train.py#'), '');
    writeFileSync(join(steps, 'load.py~'), '');
    const unused = (outcome: Awaited<ReturnType<typeof promote>>): string[] => outcome.problems.filter((p) => p.code === 'step-module-unused').map((p) => p.message.split(' ')[0] ?? '');
    assert.deepEqual(unused(await promote('nb.ipynb', { dryRun: true, resolve: 'force' })), ['src/nb/steps/alone.py']);
    assert.deepEqual(unused(await promote('nb.ipynb', { resolve: 'merge' })), ['src/nb/steps/alone.py']);
  });

  it('names a kept module\'s relative import of a removed module, and not one of a module that stays', async () => {
    write('nb.ipynb', v1);
    assert.ok((await promote('nb.ipynb')).ok);
    writeFileSync(join(dir, 'out', 'src', 'nb', 'helpers.py'), 'from .steps.features import features\nfrom .steps import load\n');
    writeFileSync(join(dir, 'out', 'tests', 'test_mine.py'), 'import nb.steps.load\nfrom nb.steps.train import train\n');
    write('nb.ipynb', v2);
    const outcome = await promote('nb.ipynb');
    assert.deepEqual(outcome.problems.filter((p) => p.code === 'removed-import').map((p) => p.message), [
      'src/nb/helpers.py imports nb.steps.features (line 1), a module the package no longer has (the notebook has no step features now), so importing it fails. Delete the file, or change that import to a module the package has now',
    ]);
  });
});

// Round 62 JJJ: a notebook reached through a symlinked folder and by its real path was two promotions: each
// spelling rewrote every file, a new patch version each time.
describe('a notebook in a folder reached through a symlink', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-linked-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is one notebook by either path: the package refers to the real folder, and the other spelling changes nothing', async () => {
    mkdirSync(join(dir, 'project', 'notebooks'), { recursive: true });
    writeFileSync(join(dir, 'project', 'notebooks', 'nb.ipynb'), notebookJson(v1));
    symlinkSync(join(dir, 'project', 'notebooks'), join(dir, 'linked'));
    const request = (notebook: string, dryRun = false): PromoteRequest => ({ notebook, cwd: dir, out: 'out', toolVersion: 'test', dryRun });
    assert.ok((await promoteNotebook(request('linked/nb.ipynb'))).ok);
    const yaml = readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8');
    assert.match(yaml, /^notebook: \.\.\/project\/notebooks\/nb\.ipynb$/m);
    assert.match(yaml, /^workdir: \.\.\/project\/notebooks$/m);
    for (const spelling of ['project/notebooks/nb.ipynb', 'linked/nb.ipynb']) {
      const again = await promoteNotebook(request(spelling, true));
      assert.deepEqual(again.files.filter((f) => f.action !== 'unchanged').map((f) => f.path), [], spelling);
    }
  });
});
