/**
 * planPromotion on a notebook passing an iterator between steps (a generator, `TimeSeriesSplit().split(X)`):
 * the generated contract test of the step taking it, on a fresh checkout.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertFlakesQuiet, hasPython, promoteCells, PYTHON as python, runPytest } from './testing';

describe('planPromotion: a step taking a generator an earlier step made', function () {
  this.timeout(120_000);
  let dir = '';
  before(async () => {
    ({ dir } = await promoteCells([
      { tags: ['functions'], source: 'def batches(values, size):\n    for start in range(0, len(values), size):\n        yield values[start:start + size]' },
      { tags: ['step:make'], source: 'data = list(range(10))\ngen = batches(data, 3)\nscale = 2' },
      { tags: ['step:consume'], source: 'total = sum(sum(b) * scale for b in gen)' },
      { tags: ['metrics'], source: 'print("total", total)' },
    ], 'iterator'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checks its contract in the run that used the generator up, at every run; called again, it would be skipped naming the input', function () {
    if (!hasPython('pyflakes')) this.skip();
    const out = join(dir, 'out');
    // Called again only when the tests' run took it from the cache, which it never does with a generator (below).
    assert.match(readFileSync(join(out, 'tests', 'test_consume.py'), 'utf8'), /\n {8}used_up = _runtime\.used_up_inputs\(pipeline_run, "consume"\)\n {8}if used_up:\n {12}pytest\.skip\(used_up\)\n/);
    // A fresh checkout: no cache, the tests' pipeline run calls consume, which uses the generator up; its
    // contract test checks what that call returned.
    const fresh = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--color=no', '-rs', 'tests'], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
    assert.equal(fresh.status, 0, fresh.stdout + fresh.stderr);
    assert.doesNotMatch(fresh.stdout, /test_consume/);
    assert.match(fresh.stdout, /\b2 passed, 1 skipped\b/); // the skip: no expected metrics
    // make cannot be cached (a generator), so consume, taking a new generator at every run, runs again: it is never
    // taken from the cache with a generator it did not use, and its contract test checks that run again.
    const again = runPytest(out);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /\b2 passed, 1 skipped\b/);
    assertFlakesQuiet(out);
  });
});
