// Generated code for notebook habits found promoting unseen notebooks (round 20): a block guarded by
// `if __name__ == "__main__":`, which Jupyter runs, and parameters set by unpacking a tuple of literals
// (`k_min, k_max = 2, 8`), which papermill sets one by one. The package is run when Debian's Python is there.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { hasPython, promoteCells, runPipeline, runPytest } from './testing';

describe('promoteNotebook: code under `if __name__ == "__main__":` (round 20)', function () {
  this.timeout(120_000);
  it('runs the block, as Jupyter did, so a later step finds what it made', async function () {
    if (!hasPython()) this.skip();
    const { dir, out, outcome } = await promoteCells(
      [
        { tags: ['step:train'], source: 'rows = [1, 2, 3]\nif __name__ == "__main__":\n    model = sum(rows)' },
        { tags: ['step:score'], source: 'score = model * 2' },
        { tags: ['metrics'], source: 'print(score)' },
      ],
      'main-guard',
    );
    try {
      assert.deepEqual(outcome.problems.filter((p) => p.code === 'namespace-check'), []);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'train.py'), 'utf8'), /\n {4}if True: {2}# nbpromote: was a test of __name__/);
      assert.equal(runPipeline(out).metrics['score'], 12);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: parameters unpacked from a tuple of literals (round 20)', function () {
  this.timeout(120_000);
  it('lists each in pipeline.yaml, passes each to the step, and --param sets one', async function () {
    if (!hasPython()) this.skip();
    const { dir, out, outcome } = await promoteCells(
      [
        { tags: ['parameters'], source: 'k_min, k_max = 2, 8\nseed = 0' },
        { tags: ['step:search'], source: 'ks = list(range(k_min, k_max + 1))\nlowest = ks[0] + seed' },
        { tags: ['metrics'], source: 'print(lowest)' },
      ],
      'tuple-parameters',
    );
    try {
      assert.deepEqual(outcome.problems.filter((p) => p.code.startsWith('parameter')), []);
      assert.match(readFileSync(join(out, 'pipeline.yaml'), 'utf8'), /k_min: \{default: 2, type: int\}\n\s+k_max: \{default: 8, type: int\}/);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'search.py'), 'utf8'), /def search\(k_min: int, k_max: int, seed: int\)/);
      assert.equal(runPipeline(out).metrics['lowest'], 2);
      assert.equal(runPipeline(out, '--param', 'k_min=3').metrics['lowest'], 3);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
