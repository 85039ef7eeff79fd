// Generated code for notebook habits found promoting unseen notebooks (round 2): a function a step defines
// named like the step, `global` of a step's variable in a function the step defines, `__file__` meaning the
// notebook, the global generators seeded in the first cells. In process on real files; the generated tests
// and two pipeline runs are run when Debian's Python (with pytest, PyYAML and NumPy) is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import { nonlocalForLocals, seedsGlobalRng } from './plan';

function notebookJson(cells: readonly { tags?: readonly string[]; source: string }[]): string {
  return JSON.stringify({
    cells: cells.map((c, i) => ({ cell_type: 'code', id: `c${i}`, metadata: c.tags === undefined ? {} : { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

const cells = [
  { tags: ['imports'], source: 'import random\nfrom pathlib import Path\nimport numpy as np\nnp.random.seed(0)\nrandom.seed(1)' },
  { tags: ['parameters'], source: 'scale = 2.0' },
  { tags: ['step:load'], source: 'def load(n):\n    return [float(x) for x in range(n)]\n\nrows = load(4)\nhere = Path(__file__).parent.name\nnoise = float(np.random.rand()) * scale' },
  { tags: ['step:total'], source: 'total = 0\n\ndef bump(n):\n    global total\n    total += n\n\nfor r in rows:\n    bump(r)\npick = random.random() + np.random.rand()' },
  { tags: ['metrics'], source: 'result = total + noise + pick\nprint(here)' },
];

describe('planPromotion: step-local names, __file__ and seeded generators', function () {
  this.timeout(120_000);
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-unseen-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (path: string): string => readFileSync(join(dir, 'out', path), 'utf8');

  it('keeps a function named like its step inside the step (hoisted, it would replace the step function)', () => {
    const load = file('src/nb/steps/load.py');
    assert.match(load, /def load\(scale: float\)[^]*\n {4}def load\(n\):/);
    assert.equal(load.match(/^def load/gm)?.length, 1);
  });

  it('turns `global` of a step variable into `nonlocal` and keeps that function in the step', () => {
    assert.match(file('src/nb/steps/total.py'), /def total\(rows\)[^]*\n {4}def bump\(n\):\n {8}nonlocal total\n/);
  });

  it('reads the notebook for `__file__`', () => {
    assert.match(file('src/nb/__init__.py'), /NOTEBOOK_FILE = str\(NOTEBOOK_DIR \/ "nb\.ipynb"\)/);
    assert.match(file('src/nb/steps/load.py'), /from \.\. import NOTEBOOK_FILE as _NB_FILE\n[^]*here = Path\(_NB_FILE\)\.parent\.name/);
  });

  it('remembers the seeded generators after the shared code', () => {
    assert.match(file('src/nb/common.py'), /random\.seed\(1\)\n\n#[^\n]*\n#[^\n]*\n_runtime\.remember_seeded_rng\(\)\n/);
  });

  it('gives every run the seeded draws, from the cache too, and its tests pass', function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import pytest, yaml, numpy']).status !== 0) this.skip();
    const out = join(dir, 'out');
    const env = { ...process.env, PYTHONPATH: join(out, 'src') };
    const script = ['import random, numpy as np', 'np.random.seed(0); random.seed(1)', 'noise = float(np.random.rand()) * 2.0', 'pick = random.random() + np.random.rand()', 'print(repr(6.0 + noise + pick))'].join('\n');
    const expected = Number(spawnSync(python, ['-c', script], { encoding: 'utf8' }).stdout.trim());
    const tests = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], { cwd: out, env, encoding: 'utf8' });
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    const runs = [0, 1].map(() => spawnSync(python, ['-m', 'nb.pipeline', '--json'], { cwd: out, env, encoding: 'utf8' }));
    for (const run of runs) {
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { metrics: Record<string, number>; steps: { status: string }[] };
      assert.equal(result.metrics['result'], expected);
    }
    assert.deepEqual((JSON.parse(runs[1]?.stdout ?? '{}') as { steps: { status: string }[] }).steps.map((s) => s.status), ['cached', 'cached']);
  });
});

describe('nonlocalForLocals and seedsGlobalRng', () => {
  it('turns only the step locals of an indented global into nonlocal', () => {
    assert.equal(nonlocalForLocals('    global total, CALLS  # counters', new Set(['total'])), '    nonlocal total; global CALLS  # counters');
    assert.equal(nonlocalForLocals('    global CALLS', new Set(['total'])), '    global CALLS');
    assert.equal(nonlocalForLocals('global total', new Set(['total'])), 'global total');
  });

  it('finds top-level seeding of the global generators only', () => {
    assert.ok(seedsGlobalRng('import numpy as np\nnp.random.seed(0)'));
    assert.ok(seedsGlobalRng('random.seed(42)  # reproducible'));
    assert.ok(!seedsGlobalRng('rng = np.random.default_rng(0)'));
    assert.ok(!seedsGlobalRng('def f():\n    np.random.seed(0)'));
    assert.ok(!seedsGlobalRng('# np.random.seed(0)'));
  });
});
