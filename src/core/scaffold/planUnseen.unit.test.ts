// Generated code for notebook habits found promoting unseen notebooks (round 2): a function a step defines
// named like the step, `global` of a step's variable in a function the step defines, `__file__` meaning the
// notebook, the global generators seeded in the first cells. In process on real files; the generated tests
// and two pipeline runs are run when Debian's Python (with pytest, PyYAML and NumPy) is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { executeForMetrics } from '../promote/execute';
import { promoteNotebook } from '../promote/promote';
import { silentLogger } from '../util/logger';
import { generatorNames, seededGlobalRngs } from '../analysis/randomness';
import { nonlocalForLocals } from './plan';
import { assertFlakesQuiet, hasPython, notebookJson, promoteCells, PYTHON, runPipeline, runPytest } from './testing';
import type { TestCell } from './testing';




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

  // Round 47 BB: it stayed inside the step function (hoisted, it would have replaced it), and was returned.
  it('moves a function named like its step to the module top, the step function being <step>_step', () => {
    const load = file('src/nb/steps/load.py');
    assert.match(load, /\ndef load\(n\):\n[^]*\ndef load_step\(scale: float\)/);
    assert.equal(load.match(/^def load\(/gm)?.length, 1);
  });

  it('turns `global` of a step variable into `nonlocal` and keeps that function in the step', () => {
    assert.match(file('src/nb/steps/total.py'), /def total\(rows\)[^]*\n {4}def bump\(n\):\n {8}nonlocal total\n/);
  });

  it('reads the notebook for `__file__`', () => {
    assert.match(file('src/nb/__init__.py'), /NOTEBOOK_FILE = str\(NOTEBOOK_DIR \/ "nb\.ipynb"\)/);
    assert.match(file('src/nb/steps/load.py'), /from \.\. import NOTEBOOK_FILE as _NB_FILE\n[^]*here = Path\(_NB_FILE\)\.parent\.name/);
  });

  it('remembers the seeded generators after the shared code', () => {
    assert.match(file('src/nb/common.py'), /random\.seed\(1\)\n\n#[^\n]*\n#[^\n]*\n_runtime\.remember_seeded_rng\(\["random", "numpy"\]\)\n/);
  });

  it('gives every run the seeded draws, from the cache too, and its tests pass', function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import pytest, yaml, numpy']).status !== 0) this.skip();
    const out = join(dir, 'out');
    const env = { ...process.env, PYTHONPATH: join(out, 'src') };
    const script = ['import random, numpy as np', 'np.random.seed(0); random.seed(1)', 'noise = float(np.random.rand()) * 2.0', 'pick = random.random() + np.random.rand()', 'print(repr(6.0 + noise + pick))'].join('\n');
    const expected = Number(spawnSync(python, ['-c', script], { encoding: 'utf8' }).stdout.trim());
    const tests = runPytest(out);
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

describe('planPromotion: only numpy seeded (np.random.seed(0), random untouched)', function () {
  this.timeout(120_000);
  it('a second run in a new process takes every step from the cache', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, numpy']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-numpy-seed-'));
    try {
      const numpyCells = [
        // What the shared code prints goes to stderr: run --json's stdout stays one JSON document.
        { tags: ['imports'], source: 'import numpy as np\nnp.random.seed(0)\nprint("numpy", np.__version__)' },
        { tags: ['step:draw'], source: 'x = float(np.random.rand())' },
        { tags: ['metrics'], source: 'total = x * 2' },
      ];
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(numpyCells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.match(readFileSync(join(dir, 'out', 'src', 'nb', 'common.py'), 'utf8'), /_runtime\.remember_seeded_rng\(\["numpy"\]\)/);
      const runs = [0, 1].map(() => runPipeline(join(dir, 'out')));
      assert.deepEqual(runs.map((r) => r.steps.map((s) => s.status)), [['ran'], ['cached']]);
      assert.equal(runs[1]?.metrics['total'], runs[0]?.metrics['total']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a step seeds the global generator (np.random.seed(seed) in a step)', function () {
  this.timeout(120_000);
  it('a later step draws after it as in the notebook, also when the seeding step comes from the cache', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, numpy']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-step-seed-'));
    try {
      const seedCells = [
        { tags: ['imports'], source: 'import numpy as np' },
        { tags: ['parameters'], source: 'seed = 0\nscale = 1.0' },
        { tags: ['step:prep'], source: 'np.random.seed(seed)\nn = 3' },
        { tags: ['step:draw'], source: 'x = float(np.random.rand(n).sum()) * scale' },
        { tags: ['metrics'], source: 'total = x' },
      ];
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(seedCells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.match(readFileSync(join(dir, 'out', 'src', 'nb', 'common.py'), 'utf8'), /_runtime\.remember_seeded_rng\(\["numpy"\], start=\["numpy"\]\)/);
      assert.match(readFileSync(join(dir, 'out', 'src', 'nb', '__init__.py'), 'utf8'), /importlib\.import_module\("\.common", __name__\)/);
      const run = (...args: string[]): { total: number | undefined; statuses: string[] } => {
        const doc = runPipeline(join(dir, 'out'), ...args);
        return { total: doc.metrics['total'], statuses: doc.steps.map((s) => s.status) };
      };
      const expected = Number(spawnSync(python, ['-c', 'import numpy as np\nnp.random.seed(0)\nprint(repr(float(np.random.rand(3).sum()) * 2.0))'], { encoding: 'utf8' }).stdout.trim());
      assert.deepEqual(run().statuses, ['ran', 'ran']);
      assert.deepEqual(run('--param', 'scale=2.0'), { total: expected, statuses: ['cached', 'ran'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: random generators the shared code makes (rng = np.random.default_rng(0))', function () {
  this.timeout(120_000);
  let dir = '';
  const generatorCells = [
    { tags: ['imports'], source: 'import random\nimport numpy as np' },
    { source: 'rng = np.random.default_rng(0)\ngen = random.Random(3)\nlegacy = np.random.RandomState(5)\nlimit = 10' },
    { tags: ['parameters'], source: 'shift = 0.0' },
    { tags: ['step:first'], source: 'x = float(rng.normal()) + gen.random() + float(legacy.rand())' },
    { tags: ['step:second'], source: 'y = float(rng.normal()) + gen.random() + float(legacy.rand()) + shift' },
    { tags: ['metrics'], source: 'total = x + y' },
  ];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-generators-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(generatorCells));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers the generators, and only them, after the shared code', () => {
    assert.match(readFileSync(join(dir, 'out', 'src', 'nb', 'common.py'), 'utf8'), /\n_runtime\.remember_generators\(globals\(\), \["rng", "gen", "legacy"\]\)\n$/);
  });

  it('a step after a cached one draws what it drew in the notebook', function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import pytest, yaml, numpy']).status !== 0) this.skip();
    const out = join(dir, 'out');
    const notebook = (shift: number): number => {
      const script = ['import random, numpy as np', 'rng = np.random.default_rng(0); gen = random.Random(3); legacy = np.random.RandomState(5)', 'x = float(rng.normal()) + gen.random() + float(legacy.rand())', `y = float(rng.normal()) + gen.random() + float(legacy.rand()) + ${shift}`, 'print(repr(x + y))'].join('\n');
      return Number(spawnSync(python, ['-c', script], { encoding: 'utf8' }).stdout.trim());
    };
    const run = (...args: string[]): { total: number | undefined; statuses: string[] } => {
      const result = runPipeline(out, ...args);
      return { total: result.metrics['total'], statuses: result.steps.map((s) => s.status) };
    };
    assert.deepEqual(run(), { total: notebook(0), statuses: ['ran', 'ran'] });
    // Only `second` reads shift: `first` comes from the cache, and the generators are put where it left them.
    assert.deepEqual(run('--param', 'shift=1.5'), { total: notebook(1.5), statuses: ['cached', 'ran'] });
    assert.deepEqual(run('--param', 'shift=0.0'), { total: notebook(0), statuses: ['cached', 'cached'] });
    const tests = runPytest(out);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });

  it('generatorNames finds top-level names bound to a new generator', () => {
    assert.deepEqual(generatorNames('rng = np.random.default_rng(seed)\ngen: random.Random = random.Random(1)\nrs = RandomState(2)\n    inner = default_rng(3)\nrows = load(4)'), ['rng', 'gen', 'rs']);
  });
});

describe('planPromotion: a shared value a step changes in place (model.fit on a model the first cells made)', function () {
  this.timeout(120_000);
  let dir = '';
  const sharedCells = [
    { source: 'class Model:\n    def __init__(self):\n        self.weight = 0.0\n\n    def fit(self, xs, scale):\n        self.weight = sum(xs) * scale\n        return self\n\nmodel = Model()\nhistory = []' },
    { tags: ['parameters'], source: 'scale = 2.0' },
    { tags: ['step:load'], source: 'xs = [1.0, 2.0, 3.0]' },
    { tags: ['step:train'], source: 'model.fit(xs, scale)\nhistory.append("trained")' },
    { tags: ['step:evaluate'], source: 'score = model.weight / 10\nruns = len(history)' },
    { tags: ['metrics'], source: 'result = score + runs' },
  ];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-shared-change-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(sharedCells));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    const steps = Object.fromEntries((outcome.graph?.steps ?? []).map((s) => [s.name, s]));
    assert.deepEqual(steps['train']?.outputs, ['model', 'history']);
    assert.deepEqual(steps['train']?.changesShared, ['model', 'history']);
    assert.deepEqual([...(steps['evaluate']?.inputs ?? [])].sort(), ['history', 'model']);
    assert.deepEqual(steps['evaluate']?.after, ['train']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the step takes copies of the shared values and returns them; later steps take them from it', () => {
    const train = readFileSync(join(dir, 'out', 'src', 'nb', 'steps', 'train.py'), 'utf8');
    assert.match(train, /\n {4}from \.\.common import history, model {2}# changed in place below: copied[^\n]*\n {4}history = _runtime\.copied\(history\)\n {4}model = _runtime\.copied\(model\)\n/);
    assert.doesNotMatch(train, /^from \.\.common import/m);
  });

  it('a changed parameter re-runs the step and those after it with the right values, every run from the shared values', function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import pytest, yaml']).status !== 0) this.skip();
    const out = join(dir, 'out');
    const run = (...args: string[]): { result: number | undefined; statuses: string[] } => {
      const doc = runPipeline(out, ...args);
      return { result: doc.metrics['result'], statuses: doc.steps.map((s) => s.status) };
    };
    assert.deepEqual(run(), { result: 1.2 + 1, statuses: ['ran', 'ran', 'ran'] });
    assert.deepEqual(run('--param', 'scale=3.0'), { result: 1.8 + 1, statuses: ['cached', 'ran', 'ran'] });
    assert.deepEqual(run('--param', 'scale=2.0'), { result: 1.2 + 1, statuses: ['cached', 'cached', 'cached'] });
    // The tests run the pipeline and the steps several times in one process: the history stays one long.
    const tests = runPytest(out);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    assertFlakesQuiet(out);
  });
});

describe('planPromotion: an import sharing its line with other code (`%env`, `import os; x = ...`)', function () {
  this.timeout(120_000);
  it('keeps the code beside the import, hoists the import, and runs shared settings first', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-import-line-'));
    try {
      const lineCells = [
        { source: '%env DATA_DIR=data' },
        { tags: ['step:load'], source: 'import os; d = os.environ["DATA_DIR"]\n%env MODE=fast\nmode = os.environ["MODE"]; import json' },
        { tags: ['metrics'], source: 'n = len(d) + len(mode)' },
      ];
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(lineCells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const load = readFileSync(join(dir, 'out', 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(load, /^import os$/m);
      assert.match(load, /\n {4}d = os\.environ\["DATA_DIR"\]\n {4}os\.environ\["MODE"\] = "fast" {2}# nbpromote: was IPython magic: %env MODE=fast\n {4}mode = os\.environ\["MODE"\]\n/);
      const python = '/usr/bin/python3';
      if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
      assert.equal(runPipeline(join(dir, 'out')).metrics['n'], 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a step named like a global its code reads (step:sqrt calling math.sqrt)', function () {
  this.timeout(120_000);
  it('gets a function named <step>_step, everywhere it is named', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-step-shadow-'));
    try {
      const shadowCells = [
        { tags: ['imports'], source: 'from math import sqrt' },
        { source: 'def clean(x):\n    return abs(x)' },
        { tags: ['step:sqrt'], source: 'v = sqrt(16.0)' },
        { tags: ['step:clean'], source: 'w = clean(-v)\nlow = w - 1' },
        { tags: ['step:load'], source: 'def load(n):\n    return n * 2\n\nu = load(w)' },
        // Round 57 ZZ: a step named as the module's own typing import was `def Any` beside `from typing import Any`.
        { tags: ['step:Any'], source: 'z = u * 1.0' },
        { tags: ['metrics'], source: 'n = z + 0.5 + low' },
      ];
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(shadowCells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const read = (path: string): string => readFileSync(join(dir, 'out', path), 'utf8');
      assert.match(read('src/nb/steps/sqrt.py'), /^from math import sqrt$[^]*^def sqrt_step\(\) -> Any:$/m);
      // Round 41 Q: its outputs' docstring named the step `clean_step`.
      assert.match(read('src/nb/steps/clean.py'), /^class CleanOutputs\(NamedTuple\):\n {4}"""What step `clean` gives to the steps after it\."""$[^]*^def clean_step\(v\) -> CleanOutputs:$/m);
      // A function named like the step (round 47 BB): the step's function is load_step, the def at the module top.
      assert.match(read('src/nb/steps/load.py'), /^def load\(n\):$[^]*^def load_step\(w\) -> Any:$/m);
      assert.match(read('pipeline.yaml'), /function: sqrt_step\n/);
      // Round 57 YY: `import sqrt_step as sqrt_step`.
      assert.match(read('src/nb/pipeline.py'), /from \.steps\.sqrt import sqrt_step\n/);
      assert.match(read('src/nb/steps/Any.py'), /^from typing import Any$[^]*^def Any_step\(u\) -> Any:$/m);
      assert.match(read('tests/test_clean.py'), /from nb\.steps\.clean import clean_step\n[^]*result = clean_step\(/);
      const python = '/usr/bin/python3';
      if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
      const out = join(dir, 'out');
      assert.equal(runPipeline(out).metrics['n'], 11.5);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: names pytest, the generated tests or NamedTuple take for their own (step:setup, step:test_model, step:config, an output _scale)', function () {
  this.timeout(120_000);
  it('the tests import such a step under another name; outputs starting with _ come back as a tuple; tests pass', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-pytest-names-'));
    try {
      const cells = [
        { tags: ['parameters'], source: 'k = 2' },
        { tags: ['step:setup'], source: '_scale = 2.5\nbase = k + 1' },
        { tags: ['step:test_model'], source: 'v = base * _scale' },
        // Named like the generated test's fixtures and locals.
        { tags: ['step:config'], source: 'w = v + 1' },
        { tags: ['step:result'], source: 'u = w * 2' },
        { tags: ['metrics'], source: 'total = u' },
      ];
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const read = (path: string): string => readFileSync(join(dir, 'out', path), 'utf8');
      assert.match(read('tests/test_setup.py'), /from nb\.steps\.setup import setup as step_setup\n[^]*result = step_setup\(/);
      assert.match(read('tests/test_test_model.py'), /import test_model as step_test_model\n/);
      assert.match(read('src/nb/steps/setup.py'), /def setup\(k: int\) -> tuple\[Any, Any\]:[^]*\n {4}return _scale, base {2}#/);
      const python = '/usr/bin/python3';
      if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
      const out = join(dir, 'out');
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      assert.match(read('tests/test_result.py'), /import result as step_result\n[^]*result = step_result\(/);
      assert.match(stripVTControlCharacters(tests.stdout), /4 passed, 1 skipped/); // the four step contracts; no expected metric is known
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a metrics cell showing a dict or Series it builds (display-only, left out elsewhere)', function () {
  this.timeout(120_000);
  it('the metrics return what it shows, and take what it reads; the reproduction test passes', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-shown-'));
    try {
      const doc = JSON.parse(notebookJson([
        { tags: ['step:train'], source: 'scores = [0.5, 0.7]\nbest = 0.9' },
        { tags: ['metrics'], source: "acc = best - 0.1\n{'acc': acc,\n 'cv_mean': sum(scores) / len(scores),  # the mean\n 'best': best}\n" },
      ])) as { cells: { outputs: unknown[] }[] };
      const metricsCell = doc.cells[1];
      assert.ok(metricsCell);
      metricsCell.outputs = [{ output_type: 'execute_result', execution_count: 2, metadata: {}, data: { 'text/plain': "{'acc': 0.8, 'cv_mean': 0.6, 'best': 0.9}" } }];
      writeFileSync(join(dir, 'nb.ipynb'), JSON.stringify(doc));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.expectedMetrics, { acc: 0.8, cv_mean: 0.6, best: 0.9 });
      // The shown expression is put back where the cell had it, not left as a comment saying it has no effect.
      const metricsPy = readFileSync(join(dir, 'out', 'src', 'nb', 'metrics.py'), 'utf8');
      assert.ok(metricsPy.includes("    acc = best - 0.1\n    _shown = {'acc': acc,\n     'cv_mean': sum(scores) / len(scores),  # the mean\n     'best': best}  # what the notebook showed\n"), metricsPy);
      assert.match(metricsPy, /def compute_metrics\(best, scores\)/);
      assert.doesNotMatch(metricsPy, /no effect here/);
      const python = '/usr/bin/python3';
      if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
      const out = join(dir, 'out');
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      assert.doesNotMatch(tests.stdout, /skipped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a lambda one step stores and a later step uses (`to_cm = lambda x: x * 2.54`)', function () {
  this.timeout(120_000);
  it('becomes a def at the step module\'s top, so the step is cached; one reading a step value stays', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-lambda-'));
    try {
      const cells = [
        { tags: ['imports'], source: 'import math' },
        { tags: ['parameters'], source: 'scale = 2.0' },
        { tags: ['step:define'], source: 'to_cm = lambda x: round(x * 2.54, 2)\nroot = lambda v=4: math.sqrt(v)\nscaled = lambda x: x * scale\nsizes = [1.0, 2.0]' },
        { tags: ['step:use'], source: 'cms = [to_cm(s) for s in sizes]\nr = root()\nz = scaled(1)' },
        { tags: ['metrics'], source: 'total = sum(cms) + r + z' },
      ];
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const define = readFileSync(join(dir, 'out', 'src', 'nb', 'steps', 'define.py'), 'utf8');
      assert.match(define, /^def to_cm\(x\): {2}# was: to_cm = lambda \.\.\.\n {4}return round\(x \* 2\.54, 2\)$/m);
      assert.match(define, /^def root\(v=4\):/m);
      assert.match(define, /\n {4}scaled = lambda x: x \* scale\n/);
      assert.doesNotMatch(define, /\n {4}to_cm = lambda/);
      const python = '/usr/bin/python3';
      if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
      runPipeline(join(dir, 'out'));
      const second = runPipeline(join(dir, 'out'));
      assert.equal(second.metrics['total'], 2.54 + 5.08 + 2 + 2);
      // define still returns a closure over scale, which the cache stores by its code and closure (round 46 Y).
      assert.deepEqual(second.steps.map((s) => `${s.name}:${s.status}`), ['define:cached', 'use:cached']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: data files a step reaches through the shared code, not by a literal of its own', function () {
  this.timeout(120_000);
  it('a changed file re-runs the steps reaching it (a default, a dict, a dict parameter, a class, a dataclass, an import-time read)', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-reached-files-'));
    try {
      const shared = [
        'def read_total(path):\n    with open(path) as file:\n        return sum(float(line) for line in file if line.strip())',
        'def load(path="data/default.txt"):\n    return read_total(path)',
        'PATHS = {"a": "data/dict.txt"}',
        'class Loader:\n    path = "data/class.txt"\n\n    def load(self):\n        return read_total(self.path)',
        '@dataclass\nclass Config:\n    data: str = "data/field.txt"',
        'OFFSET = read_total("data/module.txt")',
      ].join('\n\n');
      const cells = [
        { tags: ['imports'], source: 'from dataclasses import dataclass' },
        { tags: ['functions'], source: shared },
        { tags: ['parameters'], source: 'paths = {"p": "data/param.txt"}' },
        { tags: ['step:by_default'], source: 'a = load()' },
        { tags: ['step:by_dict'], source: 'b = read_total(PATHS["a"])' },
        { tags: ['step:by_param'], source: 'c = read_total(paths["p"])' },
        { tags: ['step:by_class'], source: 'd = Loader().load()' },
        { tags: ['step:by_field'], source: 'e = read_total(Config().data)' },
        { tags: ['step:at_import'], source: 'f = OFFSET' },
        { tags: ['metrics'], source: 'total = a + b + c + d + e + f' },
      ];
      const files = ['default', 'dict', 'param', 'class', 'field', 'module'];
      mkdirSync(join(dir, 'data'));
      for (const name of files) writeFileSync(join(dir, 'data', `${name}.txt`), '1\n');
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const out = join(dir, 'out');
      const ran = (): { total: number | undefined; ran: string[] } => {
        const result = runPipeline(out);
        return { total: result.metrics['total'], ran: result.steps.filter((s) => s.status === 'ran').map((s) => s.name) };
      };
      const steps = ['by_default', 'by_dict', 'by_param', 'by_class', 'by_field', 'at_import'];
      assert.deepEqual(ran(), { total: 6, ran: steps });
      assert.deepEqual(ran(), { total: 6, ran: [] });
      // Each file re-runs the step reaching it; what the shared code read at import, every step taking from it.
      const expected: Record<string, string[]> = { default: ['by_default'], dict: ['by_dict'], param: ['by_param'], class: ['by_class'], field: ['by_field'], module: steps };
      files.forEach((name, index) => {
        writeFileSync(join(dir, 'data', `${name}.txt`), '10\n');
        assert.deepEqual(ran(), { total: 6 + 9 * (index + 1), ran: expected[name] }, name);
      });
      assert.deepEqual(ran(), { total: 60, ran: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nonlocalForLocals and seededGlobalRngs', () => {
  it('turns only the step locals of an indented global into nonlocal', () => {
    assert.equal(nonlocalForLocals('    global total, CALLS  # counters', new Set(['total'])), '    nonlocal total; global CALLS  # counters');
    assert.equal(nonlocalForLocals('    global CALLS', new Set(['total'])), '    global CALLS');
    assert.equal(nonlocalForLocals('global total', new Set(['total'])), 'global total');
  });

  it('finds top-level seeding of the global generators only', () => {
    assert.deepEqual(seededGlobalRngs('import numpy as np\nnp.random.seed(0)'), ['numpy']);
    assert.deepEqual(seededGlobalRngs('random.seed(42)  # reproducible'), ['random']);
    assert.deepEqual(seededGlobalRngs('numpy.random.seed(1); random.seed(2)'), ['random', 'numpy']);
    assert.deepEqual(seededGlobalRngs('rng = np.random.default_rng(0)'), []);
    assert.deepEqual(seededGlobalRngs('def f():\n    np.random.seed(0)'), []);
    assert.deepEqual(seededGlobalRngs('# np.random.seed(0)'), []);
    assert.deepEqual(seededGlobalRngs('x = 1  # np.random.seed(0)'), []);
  });
});

describe('planPromotion: files steps write (one written by two steps, np.save without .npy)', function () {
  this.timeout(120_000);
  const python = '/usr/bin/python3';

  /** Promotes `cells` as nb.ipynb in a new folder: its path, and the codes of the promotion's warnings and errors. */
  async function promoted(cells: readonly TestCell[]): Promise<{ dir: string; codes: string[] }> {
    const { dir, outcome } = await promoteCells(cells, 'files');
    // (The notebooks are not run: that their metrics test will skip is not what these tests are about.)
    return { dir, codes: outcome.problems.filter((p) => p.severity !== 'info' && p.code !== 'metrics-unrecorded').map((p) => p.code) };
  }

  it('a model file train and refit both write: every run scores the model train wrote', async function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    const { dir, codes } = await promoted([
      { tags: ['imports'], source: 'import json' },
      { tags: ['parameters'], source: 'MODEL_PATH = "model.json"' },
      { tags: ['step:train'], source: 'with open(MODEL_PATH, "w") as f:\n    json.dump({"w": 2}, f)' },
      { tags: ['step:evaluate'], source: 'with open(MODEL_PATH) as f:\n    score = json.load(f)["w"] * 10' },
      { tags: ['step:refit'], source: 'with open(MODEL_PATH, "w") as f:\n    json.dump({"w": 3}, f)' },
      { tags: ['metrics'], source: 'result = {"score": score}' },
    ]);
    try {
      assert.deepEqual(codes, ['file-written-twice']);
      assert.equal(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8').match(/\n {4}always_run: 'model\.json is written by train and refit: [^\n]*'\n/g)?.length, 2);
      const runs = [0, 1, 2].map(() => runPipeline(join(dir, 'out')));
      assert.deepEqual(runs.map((r) => r.metrics['score']), [20, 20, 20]);
      assert.deepEqual(runs[2]?.steps.map((s) => s.status), ['ran', 'cached', 'ran']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('np.save("data/embedding", ...) links the step loading data/embedding.npy, and a parameter set back gives its own numbers', async function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, numpy']).status !== 0) this.skip();
    const { dir, codes } = await promoted([
      { tags: ['imports'], source: 'import numpy as np' },
      { tags: ['parameters'], source: 'k = 2' },
      { tags: ['step:embed'], source: 'np.save("data/embedding", np.arange(4) * k)' },
      { tags: ['step:fit'], source: 'total = int(np.load("data/embedding.npy").sum())' },
      { tags: ['metrics'], source: 'result = {"total": total}' },
    ]);
    try {
      assert.deepEqual(codes, []);
      mkdirSync(join(dir, 'data'));
      assert.match(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8'), /\n {2}- name: fit\n[^]*?\n {4}after: \[embed\]\n/);
      const totals = ['k=2', 'k=3', 'k=2', 'k=3'].map((k) => runPipeline(join(dir, 'out'), '--param', k).metrics['total']);
      assert.deepEqual(totals, [12, 18, 12, 18]);
      rmSync(join(dir, 'data', 'embedding.npy'));
      const again = runPipeline(join(dir, 'out'));
      assert.deepEqual([again.metrics['total'], again.steps.map((s) => s.status)], [12, ['ran', 'cached']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a step that awaits at the top of its cells (as IPython allows)', function () {
  this.timeout(120_000);

  it('runs as a coroutine: the pipeline, a cached rerun and the generated tests pass; await in a shared cell is an error', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-await-'));
    try {
      const notebook = (shared: string): string =>
        notebookJson([
          { tags: ['imports'], source: 'import asyncio' },
          { tags: ['parameters'], source: 'n = 3' },
          { tags: ['functions'], source: `async def fetch(i):\n    await asyncio.sleep(0)\n    return i * 2\n${shared}` },
          { tags: ['step:load'], source: 'rows = [await fetch(i) for i in range(n)]\nn = len(rows) + 1\nasync with asyncio.Lock():\n    total = sum(rows)' },
          { tags: ['step:report'], source: 'share = total / n' },
          { tags: ['metrics'], source: 'result = {"total": total, "share": share}' },
        ]);
      writeFileSync(join(dir, 'nb.ipynb'), notebook(''));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const load = readFileSync(join(dir, 'out', 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(load, /\nfrom \.\. import _runtime\n/);
      assert.match(load, /\n {4}async def cells\(\):.*\n {8}nonlocal n\n/);
      assert.match(load, /\n {4}return _runtime\.run_async\(cells\(\)\)\n$/);
      const out = join(dir, 'out');
      const first = runPipeline(out);
      assert.deepEqual([first.metrics['total'], first.metrics['share']], [6, 1.5]);
      assert.deepEqual(runPipeline(out).steps.map((s) => s.status), ['cached', 'cached']);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      const check = spawnSync(python, ['-m', 'pyflakes', 'src'], { cwd: out, encoding: 'utf8' });
      assert.ok(check.status === 0 || /No module named pyflakes/.test(check.stderr), check.stdout + check.stderr);

      writeFileSync(join(dir, 'nb.ipynb'), notebook('ready = await fetch(0)'));
      const refused = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out2', toolVersion: 'test' });
      assert.equal(refused.ok, false);
      assert.deepEqual(refused.problems.filter((p) => p.code === 'top-level-await').map((p) => [p.cellIndex, p.line, p.column]), [[2, 4, 9]]);
      assert.equal(existsSync(join(dir, 'out2')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs every step in one event loop: an async generator one step starts, the next goes on with', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-await-'));
    try {
      writeFileSync(
        join(dir, 'nb.ipynb'),
        notebookJson([
          { tags: ['imports'], source: 'import asyncio' },
          { tags: ['functions'], source: 'lock = asyncio.Lock()\n\nasync def pages(n):\n    for i in range(n):\n        async with lock:\n            await asyncio.sleep(0)\n        yield i' },
          { tags: ['step:peek'], source: 'stream = pages(5)\nfirst = await anext(stream)' },
          { tags: ['step:rest'], source: 'rest = [p async for p in stream]\ntotal = first + sum(rest)\ncount = 1 + len(rest)' },
          { tags: ['metrics'], source: 'result = {"total": total, "count": count}' },
        ]),
      );
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const run = runPipeline(join(dir, 'out'), '--no-cache');
      assert.deepEqual([run.metrics['total'], run.metrics['count']], [10, 5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a test cell between steps reads each name as it was there', function () {
  this.timeout(120_000);
  it('sees a value as the step before it returned it, not as a later step rebound it or changed it in place', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-test-position-'));
    try {
      writeFileSync(
        join(dir, 'nb.ipynb'),
        notebookJson([
          { tags: ['parameters'], source: 'n = 3' },
          { tags: ['step:load'], source: 'rows = list(range(n))\nmeta = {"source": "range"}' },
          { tags: ['test'], source: 'assert rows == [0, 1, 2], rows\nassert meta == {"source": "range"}, meta' },
          // In place (append, a new key), then rebound: the test above saw neither.
          { tags: ['step:clean'], source: 'rows.append(99)\nmeta["cleaned"] = True' },
          { tags: ['step:scale'], source: 'rows = [r * 2 for r in rows]' },
          { tags: ['test'], source: 'assert rows[-1] == 198, rows\nassert meta["cleaned"]' },
          { tags: ['metrics'], source: 'total = sum(rows)' },
        ]),
      );
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.problems.filter((p) => p.severity !== 'info' && p.code !== 'metrics-unrecorded'), []);
      const out = join(dir, 'out');
      const tests = readFileSync(join(out, 'tests', 'test_notebook.py'), 'utf8');
      assert.match(tests, /def test_cell_c2\([^]*rows = _runtime\.copied\(_runtime\.step_output\(pipeline_run, "load", "rows"\)\)\n {4}meta = _runtime\.copied\(_runtime\.step_output\(pipeline_run, "load", "meta"\)\)\n[^]*def test_cell_c5/);
      assert.match(tests, /def test_cell_c5\([^]*rows = _runtime\.copied\(_runtime\.step_output\(pipeline_run, "scale", "rows"\)\)\n {4}meta = _runtime\.copied\(_runtime\.step_output\(pipeline_run, "clean", "meta"\)\)\n/);
      assert.match(readFileSync(join(out, 'tests', 'conftest.py'), 'utf8'), /\nTESTED_OUTPUTS = \{"load": \["rows", "meta"\], "clean": \["meta"\], "scale": \["rows"\]\}\n[^]*keep_inputs=True, keep_outputs=TESTED_OUTPUTS\)/);
      // Twice: the second run takes every step from the cache.
      for (const run of [1, 2]) {
        const result = runPytest(out);
        assert.equal(result.status, 0, `run ${run}: ${stripVTControlCharacters(result.stdout + result.stderr)}`);
        assert.match(result.stdout, /passed/);
      }
      const check = spawnSync(python, ['-m', 'pyflakes', 'src', 'tests'], { cwd: out, encoding: 'utf8' });
      assert.ok(check.status === 0 || /No module named pyflakes/.test(check.stderr), check.stdout + check.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a test cell reading a notebook value named params and a parameter', function () {
  this.timeout(60_000);

  it('reads the parameter from the parameters, not from the value named params (the generated test passes)', async function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-params-'));
    try {
      writeFileSync(
        join(dir, 'nb.ipynb'),
        notebookJson([
          { tags: ['parameters'], source: 'seed = 3' },
          { tags: ['step:load'], source: 'params = {"depth": 4}\nvalue = params["depth"] * seed' },
          { tags: ['test'], source: 'assert params["depth"] == 4\nassert seed == 3' },
          { tags: ['metrics'], source: 'result = {"value": value}' },
        ]),
      );
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** `cells` executed by nbconvert (the saved outputs are Jupyter's own), then promoted into `dir/out/`. */
/**
 * The package promoted into `<dir>/out` passes its tests, and its run and the notebook's --execute (its probe)
 * give the metrics `wanted` (among others when `only` is false: those named in `wanted` compared).
 */
async function reproducedEverywhere(dir: string, outcome: Awaited<ReturnType<typeof promoteNotebook>>, wanted: Record<string, number>, only = true): Promise<void> {
  const tests = runPytest(join(dir, 'out'));
  assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
  const pick = (metrics: Record<string, unknown>): Record<string, unknown> => (only ? metrics : Object.fromEntries(Object.entries(metrics).filter(([name]) => name in wanted)));
  assert.deepEqual(pick(runPipeline(join(dir, 'out')).metrics), wanted, 'the run');
  const probe = outcome.metricsProbe;
  assert.ok(probe !== undefined);
  const executed = await executeForMetrics({ notebook: 'nb.ipynb', cwd: dir, python: PYTHON, probe, logger: silentLogger });
  assert.deepEqual(pick(Object.fromEntries(executed)), wanted, '--execute');
}

async function executedAndPromoted(dir: string, source: readonly TestCell[]): Promise<Awaited<ReturnType<typeof promoteNotebook>>> {
  writeFileSync(join(dir, 'nb.ipynb'), notebookJson(source));
  const executed = spawnSync(PYTHON, ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', 'nb.ipynb'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  assert.equal(executed.status, 0, executed.stderr);
  return promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
}

describe('promoteNotebook: a metrics cell printing a dict by its name', function () {
  this.timeout(120_000);
  it('expects each number as <dict>.<key>, the names the run gives them, and the pipeline reproduces them', async function () {
    if (!hasPython('nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-printed-dict-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        { tags: ['step:fit'], source: 'scores = {"acc": 0.8125, "f1": 2 / 3}' },
        { tags: ['metrics'], source: 'print(scores)\nprint("done")' },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const yaml = readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8');
      assert.match(yaml, /scores\.acc: 0\.8125/);
      assert.match(yaml, /scores\.f1: 0\.6666666666666666/);
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: metrics cells showing computed values (`accuracy_score(y, p)`), in every cell', function () {
  this.timeout(120_000);
  const cells: TestCell[] = [
    { tags: ['step:fit'], source: 'y = [0, 1, 1, 0, 1, 1]\np = [0, 1, 0, 0, 1, 0]' },
    { tags: ['metrics'], source: 'from sklearn.metrics import accuracy_score, f1_score, precision_score\naccuracy_score(y, p)' },
    { source: '(f1_score(y, p), round(precision_score(y, p), 3))' },
    { source: 'accuracy_score(y[:2], p[:2])' },
    { source: 'f1_score(y, p) / 2' },
  ];

  it('names each by the function computing it, expects what the notebook showed and the pipeline reproduces it', async function () {
    if (!hasPython('sklearn', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-shown-calls-'));
    try {
      const outcome = await executedAndPromoted(dir, cells);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      // The last cell's value is computed by no single call: `shown`, as before.
      // The same function shown again by a later cell: numbered, not overwriting the first.
      const expected = { accuracy_score: 2 / 3, f1_score: 2 / 3, precision_score: 1, accuracy_score_2: 1, shown: 1 / 3 };
      assert.deepEqual(outcome.expectedMetrics, expected);
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      assert.deepEqual(runPipeline(join(dir, 'out')).metrics, expected);
      // --execute (a run of the notebook with a probe) records the same names.
      const probe = outcome.metricsProbe;
      assert.ok(probe !== undefined);
      const executed = await executeForMetrics({ notebook: 'nb.ipynb', cwd: dir, python: PYTHON, probe, logger: silentLogger });
      assert.deepEqual(Object.fromEntries(executed), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('numbers a shown call named like a metric the cells already have (`score = ...` beside `rf.score(...)`)', async function () {
    if (!hasPython('nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-shown-taken-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        { tags: ['step:fit'], source: 'class Model:\n    def score(self, a, b):\n        return 0.5\n\n\nrf = Model()' },
        { tags: ['metrics'], source: 'score = 0.25\nprint("score", score)' },
        { source: 'rf.score(1, 2)' },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.expectedMetrics, { score: 0.25, score_2: 0.5 });
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: a metrics cell showing a table of several rows (models compared by accuracy)', function () {
  this.timeout(120_000);
  const cells = (shownAs: string): TestCell[] => [
    { tags: ['step:fit'], source: 'import time\nstarted = time.perf_counter()\nscores = {"lr": 0.8125, "rf": 0.875, "gb": 2 / 3}\nfolds = {"lr": 5, "rf": 5, "gb": 3}' },
    {
      tags: ['metrics'],
      source: `import pandas as pd\nresults = pd.DataFrame({"model": list(scores), "accuracy": list(scores.values()), "folds": list(folds.values()), "fit_time": [time.perf_counter() - started] * 3})\n${shownAs}`,
    },
  ];

  it('reads each number as <row>.<column>, the row named by the column of model names, and the pipeline reproduces them', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-'));
    try {
      const outcome = await executedAndPromoted(dir, cells('results.sort_values("accuracy", ascending=False)'));
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.problems.filter((p) => p.code === 'metrics-table'), []);
      // The times differ at every run: reported, not expected.
      const durations = outcome.problems.filter((p) => p.code === 'metric-duration');
      assert.match(durations[0]?.message ?? '', /^rf\.fit_time, lr\.fit_time, gb\.fit_time are durations by their names: a run reports them, but the generated test does not expect/);
      const yaml = readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8');
      for (const name of ['rf.accuracy', 'lr.accuracy', 'gb.accuracy', 'gb.folds']) assert.ok(yaml.includes(name), `${name} expected in pipeline.yaml:\n${yaml}`);
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      const { metrics } = runPipeline(join(dir, 'out'));
      const table = Object.fromEntries(Object.entries(metrics).filter(([name]) => /^(?:rf|lr|gb)\./.test(name) && !name.endsWith('fit_time')));
      assert.equal(typeof metrics['rf.fit_time'], 'number');
      assert.deepEqual(table, { 'rf.accuracy': 0.875, 'rf.folds': 5, 'lr.accuracy': 0.8125, 'lr.folds': 5, 'gb.accuracy': 2 / 3, 'gb.folds': 3 });
      // The same table with its saved number for rf changed by hand: the reproduction test fails on it.
      const nb = readFileSync(join(dir, 'nb.ipynb'), 'utf8');
      assert.ok(nb.includes('0.875000'), 'pandas shows 0.875 as 0.875000 next to 0.666667');
      writeFileSync(join(dir, 'nb.ipynb'), nb.replaceAll('0.875000', '0.870000'));
      rmSync(join(dir, 'out'), { recursive: true });
      assert.ok((await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' })).ok);
      const failing = runPytest(join(dir, 'out'));
      assert.equal(failing.status, 1);
      assert.match(stripVTControlCharacters(failing.stdout), /rf\.accuracy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a table the cell passes to display(), with the saved outputs and with --execute, as the run does', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-display-'));
    try {
      const outcome = await executedAndPromoted(dir, cells('display(results)\nprint("done")'));
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const table = Object.fromEntries(Object.entries(outcome.expectedMetrics).filter(([name]) => /^(?:rf|lr|gb)\.(?:accuracy|folds)$/.test(name)));
      assert.deepEqual(Object.keys(table).sort(), ['gb.accuracy', 'gb.folds', 'lr.accuracy', 'lr.folds', 'rf.accuracy', 'rf.folds']);
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      assert.equal(runPipeline(join(dir, 'out')).metrics['rf.accuracy'], 0.875);
      const probe = outcome.metricsProbe;
      assert.ok(probe !== undefined);
      const executed = await executeForMetrics({ notebook: 'nb.ipynb', cwd: dir, python: PYTHON, probe, logger: silentLogger });
      assert.equal(executed.get('gb.accuracy'), 2 / 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a table a metrics cell shows last when more cells join the metrics after it (a plot, asserts), as the run and --execute do', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-shown-then-cell-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        ...cells('results'),
        // Untagged: the metrics go on. A table by an expression no call names, and a number shown by no name.
        { source: 'assert len(results) == 3\nresults.set_index("model")[["folds"]]' },
        { source: 'best = max(scores.values())\nbest * 100' },
        { source: 'print("done")' },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const wanted = { 'rf.accuracy': 0.875, 'lr.accuracy': 0.8125, 'gb.accuracy': 2 / 3, 'rf.folds': 5, 'lr.folds': 5, 'gb.folds': 3, best: 0.875 };
      const pick = (metrics: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(metrics).filter(([name]) => name in wanted || name === 'shown'));
      // As pandas shows them; `best` is not shown by its name.
      assert.deepEqual(pick(outcome.expectedMetrics), { 'rf.accuracy': 0.875, 'lr.accuracy': 0.8125, 'gb.accuracy': 0.666667, 'rf.folds': 5, 'lr.folds': 5, 'gb.folds': 3 });
      const metrics = readFileSync(join(dir, 'out', 'src', 'nb', 'metrics.py'), 'utf8');
      assert.match(metrics, /_shown_2 = results {2}# what the notebook showed\n/);
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      // No `shown` for the number an earlier cell showed: only the last cell's is.
      assert.deepEqual(pick(runPipeline(join(dir, 'out')).metrics), wanted);
      const probe = outcome.metricsProbe;
      assert.ok(probe !== undefined);
      const executed = await executeForMetrics({ notebook: 'nb.ipynb', cwd: dir, python: PYTHON, probe, logger: silentLogger });
      assert.deepEqual(pick(Object.fromEntries(executed)), wanted);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a table a step made that the metrics cell only passes to display()', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-step-display-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        { tags: ['step:fit'], source: 'import pandas as pd\nresults = pd.DataFrame({"model": ["lr", "rf"], "accuracy": [0.8125, 0.875]})' },
        { tags: ['metrics'], source: 'display(results)\nprint("done")' },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.expectedMetrics, { 'lr.accuracy': 0.8125, 'rf.accuracy': 0.875 });
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      assert.deepEqual(runPipeline(join(dir, 'out')).metrics, { 'lr.accuracy': 0.8125, 'rf.accuracy': 0.875 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads tables the metrics cell passes to display(<expression>), beside a figure, from the saved outputs, at run time and with --execute', async function () {
    if (!hasPython('pandas', 'nbconvert', 'matplotlib')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-display-expression-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        { tags: ['step:fit'], source: 'import pandas as pd\nresults = pd.DataFrame({"model": ["lr", "rf", "gb"], "accuracy": [0.8125, 0.875, 0.5], "folds": [5, 5, 3]})\nscores = dict(zip(results.model, results.accuracy))' },
        {
          tags: ['metrics'],
          source: [
            'import matplotlib',
            'matplotlib.use("Agg")',
            'import matplotlib.pyplot as plt',
            'from IPython.display import display',
            'display(results.sort_values(',
            '    "accuracy", ascending=False,',
            ').head(2))',
            'fig = plt.figure()',
            'display(fig)',
            'display(pd.Series(scores, name="accuracy").round(3))',
            'display(len(results))',
            'print("done")',
          ].join('\n'),
        },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      // The first two rows by accuracy, as `<row>.<column>`, and the Series by its entries; a number displayed is no table.
      const wanted = { 'rf.accuracy': 0.875, 'rf.folds': 5, 'lr.accuracy': 0.8125, 'lr.folds': 5, lr: 0.812, rf: 0.875, gb: 0.5 };
      assert.deepEqual(Object.fromEntries(Object.entries(outcome.expectedMetrics).filter(([name]) => name in wanted)), wanted);
      assert.ok(!('gb.accuracy' in outcome.expectedMetrics), JSON.stringify(outcome.expectedMetrics));
      const metrics = readFileSync(join(dir, 'out', 'src', 'nb', 'metrics.py'), 'utf8');
      assert.match(metrics, /_displayed_1 = \(results\.sort_values\(\n {8}"accuracy", ascending=False,\n {4}\)\.head\(2\)\) {2}# what the notebook displayed/);
      assert.match(metrics, /_displayed_2 = pd\.Series\(scores, name="accuracy"\)\.round\(3\) {2}# what the notebook displayed/);
      await reproducedEverywhere(dir, outcome, wanted, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads tables displayed in a `with pd.option_context(...)` or `if` block of the metrics cell, as the run and --execute do', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-display-block-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        { tags: ['step:fit'], source: 'import pandas as pd\nresults = pd.DataFrame({"model": ["lr", "rf"], "accuracy": [0.8125, 0.875]})\nverbose = True' },
        { tags: ['metrics'], source: 'with pd.option_context("display.float_format", "{:.3f}".format):\n    display(results)\nif verbose:\n    display(results.assign(error=1 - results.accuracy)[["model", "error"]])' },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      // The first table as pandas showed it with three decimals; the second computed in the block.
      const wanted = { 'lr.accuracy': 0.812, 'rf.accuracy': 0.875, 'lr.error': 0.1875, 'rf.error': 0.125 };
      assert.deepEqual(outcome.expectedMetrics, wanted);
      const metrics = readFileSync(join(dir, 'out', 'src', 'nb', 'metrics.py'), 'utf8');
      assert.match(metrics, /\n {8}_displayed = results\.assign\(error=1 - results\.accuracy\)\[\["model", "error"\]\] {2}# what the notebook displayed\n/);
      await reproducedEverywhere(dir, outcome, { 'lr.accuracy': 0.8125, 'rf.accuracy': 0.875, 'lr.error': 0.1875, 'rf.error': 0.125 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two displayed tables naming metrics alike: a warning naming both, and the later one expected, as the run and --execute keep it', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-display-clash-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        {
          tags: ['step:fit'],
          source: 'import pandas as pd\ntrain_df = pd.DataFrame({"accuracy": [0.9, 0.95]}, index=["lr", "rf"])\ntest_df = pd.DataFrame({"accuracy": [0.8, 0.85]}, index=["lr", "rf"])',
        },
        { tags: ['metrics'], source: 'display(train_df)\ndisplay(test_df)' },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.expectedMetrics, { 'lr.accuracy': 0.8, 'rf.accuracy': 0.85 });
      const clash = outcome.problems.filter((p) => p.code === 'metrics-display-clash');
      assert.deepEqual(clash.map((p) => [p.severity, p.cellIndex, p.line]), [['warning', 1, 2]]);
      assert.match(clash[0]?.message ?? '', /^`display\(test_df\)` gives metrics the same names as `display\(train_df\)` on line 1 \(lr\.accuracy, rf\.accuracy\), so the run keeps this table's numbers/);
      await reproducedEverywhere(dir, outcome, { 'lr.accuracy': 0.8, 'rf.accuracy': 0.85 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('values printed under labels (after a label, in an f-string, by % and .format) are metrics by those labels, from saved outputs, the run and --execute', async function () {
    if (!hasPython('sklearn', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-printed-labels-'));
    try {
      const outcome = await executedAndPromoted(dir, [
        {
          tags: ['step:train'],
          source: 'from sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import cross_val_score\nfrom sklearn.metrics import f1_score\nX, y = load_iris(return_X_y=True)\nmodel = LogisticRegression(max_iter=500)\ncv_scores = cross_val_score(model, X, y, cv=3)\nmodel.fit(X, y)',
        },
        {
          tags: ['metrics'],
          source: 'print("cv_accuracy:", cv_scores.mean())\nprint(f"Macro F1: {f1_score(y, model.predict(X), average=\'macro\'):.4f}")\nprint("Best CV fold: %.3f" % cv_scores.max())\nprint("train accuracy {:.2f}".format(model.score(X, y)))',
        },
      ]);
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(Object.keys(outcome.expectedMetrics).sort(), ['cv_accuracy', 'cv_fold', 'macro_f1', 'train_accuracy']);
      assert.equal(outcome.expectedMetrics['macro_f1'], Number(outcome.expectedMetrics['macro_f1']?.toFixed(4)), 'macro_f1 as printed, to 4 decimals');
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      const run = runPipeline(join(dir, 'out')).metrics;
      for (const name of ['cv_accuracy', 'cv_fold', 'macro_f1', 'train_accuracy']) assert.equal(typeof run[name], 'number', name);
      const probe = outcome.metricsProbe;
      assert.ok(probe !== undefined);
      const executed = await executeForMetrics({ notebook: 'nb.ipynb', cwd: dir, python: PYTHON, probe, logger: silentLogger });
      for (const name of ['cv_accuracy', 'cv_fold', 'macro_f1', 'train_accuracy']) assert.equal(executed.get(name), run[name], name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns on the metrics cell when the rows have no names to tell them apart, and how to get the numbers', async function () {
    if (!hasPython('pandas', 'nbconvert')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-table-'));
    try {
      const outcome = await executedAndPromoted(dir, cells('results.set_index(pd.Index(["cv", "cv", "test"]))'));
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const table = outcome.problems.filter((p) => p.code === 'metrics-table');
      assert.equal(table.length, 1);
      assert.equal(table[0]?.cellId, 'c1');
      assert.match(table[0]?.message ?? '', /shows `results\.set_index\(pd\.Index\(\["cv", "cv", "test"\]\)\)`, a table of 3 rows that is not read as metrics.*distinct row names.*Assign each number to a name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: a cell binding an imported function to its result (`mean = mean(values)`)', function () {
  this.timeout(60_000);
  it('imports it inside the step and metrics functions, where the name is a local, so the package runs', async function () {
    if (!hasPython()) this.skip();
    const { dir, out } = await promoteCells(
      [
        { tags: ['imports'], source: 'from statistics import mean, median' },
        { tags: ['step:load'], source: 'values = [1, 2, 6]\nmedian = median(values)' },
        { tags: ['metrics'], source: 'mean = mean(values)\nprint(mean, median)' },
      ],
      'rebound-import',
    );
    try {
      const step = readFileSync(join(out, 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(step, /# nbpromote: imported here: the cells bind median again, so in this function it is a local\n\s+from statistics import median/);
      assert.doesNotMatch(step.split('def ')[0] ?? '', /import median/);
      assert.equal(runPipeline(out).metrics['mean'], 3);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: what an earlier metrics cell shows last (round 58 AAA)', function () {
  this.timeout(60_000);
  it('imports the modules its shown expression reads, and the run records its metrics', async function () {
    if (!hasPython()) this.skip();
    const { dir, out } = await promoteCells(
      [
        { tags: ['imports'], source: 'import pandas as pd' },
        { tags: ['step:fit'], source: 'r2 = 0.25\nmae = 2.0' },
        { tags: ['metrics'], source: 'half = r2 / 2\npd.Series({"r2": r2, "half": half})' },
        { tags: ['metrics'], source: 'err = mae / 2' },
      ],
      'earlier-shown-import',
    );
    try {
      assert.match(readFileSync(join(out, 'src', 'nb', 'metrics.py'), 'utf8'), /^import pandas as pd$/m);
      assert.deepEqual(runPipeline(out).metrics, { r2: 0.25, half: 0.125, err: 1 });
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
