// Global generators seeded through a shared function (`def set_seed(s): np.random.seed(s)`): a step calling it
// seeds, and so does the shared code calling it at its top level; the state it leaves survives the cache. The
// pipeline runs need Debian's Python with PyYAML and NumPy.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { seededGlobalRngs, seedingFunctions } from '../analysis/randomness';
import { promoteCells, PYTHON, runPipeline } from './testing';
import type { TestCell } from './testing';

describe('seedingFunctions', () => {
  it('finds the shared functions that seed when called, through calls of each other', () => {
    const shared = [
      'import random\nimport numpy as np',
      'def set_seed(s):\n    random.seed(s)\n    np.random.seed(s)\n\n\ndef setup(s):\n    """Seeds."""\n    set_seed(s)\n\n\ndef numpy_only():\n    if True:\n        np.random.seed(0)\n\n\ndef other(x):\n    return x + 1',
    ];
    const seeders = seedingFunctions(shared);
    assert.deepEqual([...seeders.entries()], [['set_seed', ['random', 'numpy']], ['setup', ['random', 'numpy']], ['numpy_only', ['numpy']]]);
    assert.deepEqual(seededGlobalRngs('set_seed(seed)\ndf = load()', { seeders }), ['random', 'numpy']);
    assert.deepEqual(seededGlobalRngs('numpy_only()', { seeders }), ['numpy']);
    // A definition nobody calls seeds nothing; neither does a method of the same name or a commented-out call.
    assert.deepEqual(seededGlobalRngs(shared[1] ?? '', { seeders }), []);
    assert.deepEqual(seededGlobalRngs('obj.set_seed(1)\n# set_seed(2)\nx = 1  # setup(3)', { seeders }), []);
  });

  it("takes the usual seed-everything helpers of libraries and the project's modules for seeds of random and NumPy", () => {
    for (const call of ['seed_everything(42)', 'set_seed(seed)', 'pl.seed_everything(7)', 'lightning.pytorch.seed_everything(7)', 'transformers.set_seed(0)', 'accelerate.utils.set_seed(0)', 'fix_seeds(1)']) {
      assert.deepEqual(seededGlobalRngs(call), ['random', 'numpy'], call);
    }
    for (const call of ['env.set_seed(1)', 'def set_seed(s):', '# seed_everything(1)', 'my_seed_everything_flag = 1']) assert.deepEqual(seededGlobalRngs(call), [], call);
    // The notebook's own function of that name seeds what it seeds.
    assert.deepEqual(seededGlobalRngs('set_seed(1)', { seeders: new Map([['set_seed', ['numpy']]]) }), ['numpy']);
  });
});

/** Promotes `cells` as nb.ipynb in a new folder and gives the folder, common.py and a pipeline runner. */
async function promoted(cells: readonly TestCell[]): Promise<{ dir: string; common: string; run: (...args: string[]) => { total: number | undefined; statuses: string[] } }> {
  const { dir, out } = await promoteCells(cells, 'seed-fn');
  const common = readFileSync(join(out, 'src', 'nb', 'common.py'), 'utf8');
  const run = (...args: string[]): { total: number | undefined; statuses: string[] } => {
    const doc = runPipeline(out, ...args);
    return { total: doc.metrics['total'], statuses: doc.steps.map((s) => s.status) };
  };
  return { dir, common, run };
}

/** What `code` prints, run by Debian's Python. */
function pythonNumber(code: string): number {
  return Number(spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' }).stdout.trim());
}

describe('planPromotion: global generators seeded through a shared function', function () {
  this.timeout(120_000);
  before(function () {
    if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import yaml, numpy']).status !== 0) this.skip();
  });

  it('a step calling it (through another shared function) leaves the generator seeded, also from the cache', async () => {
    const { dir, common, run } = await promoted([
      { tags: ['imports'], source: 'import random\nimport numpy as np' },
      { tags: ['functions'], source: 'def set_seed(s):\n    random.seed(s)\n    np.random.seed(s)\n\n\ndef setup(s):\n    set_seed(s)' },
      { tags: ['parameters'], source: 'seed = 3\nscale = 1.0' },
      { tags: ['step:prep'], source: 'setup(seed)\nn = 3' },
      { tags: ['step:draw'], source: 'x = float(np.random.rand(n).sum()) * scale' },
      { tags: ['metrics'], source: 'total = x' },
    ]);
    try {
      assert.match(common, /_runtime\.remember_seeded_rng\(\["random", "numpy"\], start=\["random", "numpy"\]\)/);
      const expected = pythonNumber('import numpy as np\nnp.random.seed(3)\nprint(repr(float(np.random.rand(3).sum()) * 2.0))');
      assert.deepEqual(run().statuses, ['ran', 'ran']);
      assert.deepEqual(run('--param', 'scale=2.0'), { total: expected, statuses: ['cached', 'ran'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the shared code calling it at its top level seeds at import: a later step draws as in the notebook when an earlier one is cached', async () => {
    const { dir, common, run } = await promoted([
      { tags: ['imports'], source: 'import numpy as np' },
      { tags: ['functions'], source: 'def set_seed(s):\n    np.random.seed(s)\n\n\nset_seed(7)' },
      { tags: ['parameters'], source: 'scale = 1.0' },
      { tags: ['step:first'], source: 'a = float(np.random.rand())' },
      { tags: ['step:draw'], source: 'x = (a + float(np.random.rand())) * scale' },
      { tags: ['metrics'], source: 'total = x' },
    ]);
    try {
      assert.match(common, /set_seed\(7\)\n\n#[^\n]*\n#[^\n]*\n_runtime\.remember_seeded_rng\(\["numpy"\]\)/);
      const expected = pythonNumber('import numpy as np\nnp.random.seed(7)\na = float(np.random.rand())\nprint(repr((a + float(np.random.rand())) * 2.0))');
      assert.deepEqual(run().statuses, ['ran', 'ran']);
      assert.deepEqual(run('--param', 'scale=2.0'), { total: expected, statuses: ['cached', 'ran'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
