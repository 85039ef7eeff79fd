// A parameters cell holding more than literal assignments: code on its parameters (`random.seed(SEED)`,
// `if fast: n_rows = 4`, `scale //= 2`, `cols.append("b")`, `os.makedirs(out_dir)`) runs at the start of the first
// step after it, so --param values reach it as in the notebook; code on no parameter is shared code. In process
// on real files; the pipeline, its tests and pyflakes are run when Debian's Python (with PyYAML) is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem } from '../contract/problem';
import { promoteNotebook } from '../promote/promote';
import type { TestCell } from './testing';
import { assertFlakesQuiet, notebookJson, PYTHON, runPipeline, runPytest } from './testing';

const withPython = (): boolean => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import yaml']).status === 0;

/** What the notebook computes, with its parameters cell's first lines set to `settings` (Python). */
function notebookMetrics(settings: string): { metric: number; n: number; width: number } {
  const code = `import random\n${settings}\nrandom.seed(SEED)\nif fast:\n    n_rows = 4\nscale //= 2\ndraws = [random.random() for _ in range(n_rows)]\nprint(sum(draws) * scale, len(draws))`;
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
  const [metric, n] = r.stdout.trim().split(' ').map(Number);
  return { metric: metric ?? NaN, n: n ?? NaN, width: 2 };
}

async function promote(dir: string, cells: readonly TestCell[]): Promise<{ ok: boolean; problems: readonly Problem[] }> {
  writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
  return promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
}

const cells: TestCell[] = [
  { tags: ['imports'], source: 'import os\nimport random' },
  {
    tags: ['parameters'],
    source: 'SEED = 3\nn_rows = None; fast = True\nscale = 10\ncols = ["a"]\nout_dir = "made"\nrandom.seed(SEED)\nif fast:\n    n_rows = 4\nscale //= 2\ncols.append("b")\nos.makedirs(out_dir, exist_ok=True)',
  },
  { tags: ['step:draw'], source: 'draws = [random.random() for _ in range(n_rows)]\nwith open(os.path.join(out_dir, "width.txt"), "w") as fh:\n    fh.write(str(len(cols)))' },
  { tags: ['step:total'], source: 'total = sum(draws) * scale' },
  { tags: ['metrics'], source: 'metric = total\nn = len(draws)\nwidth = len(cols)' },
];

describe('planPromotion: code on the parameters in the parameters cell', function () {
  this.timeout(120_000);
  let dir = '';
  let problems: readonly Problem[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-parameter-code-'));
    const outcome = await promote(dir, cells);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    problems = outcome.problems;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (path: string): string => readFileSync(join(dir, 'out', path), 'utf8');

  it('keeps the literals as parameters and runs the other lines first in the step after the cell, saying so', () => {
    const config = file('pipeline.yaml');
    for (const name of ['SEED', 'n_rows', 'fast', 'scale', 'cols', 'out_dir']) assert.match(config, new RegExp(`\\n {2}${name}:`));
    const draw = file('src/nb/steps/draw.py');
    assert.match(draw, /# nbpromote: from the parameters cell \(cell c1\)[^\n]*\n {4}# cell c1, lines 6-11\n {4}random\.seed\(SEED\)\n {4}if fast:\n {8}n_rows = 4\n {4}scale \/\/= 2\n {4}cols\.append\("b"\)\n {4}os\.makedirs\(out_dir, exist_ok=True\)\n/);
    assert.match(draw, /cols = _runtime\.copied\(cols\)/);
    const moved = problems.filter((p) => p.code === 'parameter-code-moved');
    assert.deepEqual(moved.map((p) => [p.severity, p.line]), [['info', 6], ['info', 7], ['info', 9], ['info', 10], ['info', 11]]);
    assert.match(moved[0]?.message ?? '', /^line 6 is not a plain literal assignment \(code on SEED\): it runs at the start of step draw/);
    assert.equal(problems.filter((p) => p.severity !== 'info' && p.code !== 'metrics-unrecorded').length, 0, JSON.stringify(problems));
  });

  it('gives what the notebook gives, with --param values too, and is taken from the cache the second time', function () {
    if (!withPython()) this.skip();
    const out = join(dir, 'out');
    const check = (settings: string, ...args: string[]): void => {
      const run = runPipeline(out, ...args);
      const expected = notebookMetrics(settings);
      assert.ok(Math.abs((run.metrics['metric'] ?? NaN) - expected.metric) < 1e-12, `${JSON.stringify(run.metrics)} ${JSON.stringify(expected)}`);
      assert.equal(run.metrics['n'], expected.n);
      assert.equal(run.metrics['width'], expected.width);
    };
    check('SEED = 3\nn_rows = None; fast = True\nscale = 10');
    assert.deepEqual(runPipeline(out).steps.map((s) => s.status), ['cached', 'cached']);
    check('SEED = 5\nn_rows = None; fast = True\nscale = 10', '--param', 'SEED=5');
    check('SEED = 3\nn_rows = 7; fast = True\nscale = 10', '--param', 'n_rows=7');
    check('SEED = 3\nn_rows = 7; fast = False\nscale = 10', '--param', 'n_rows=7', '--param', 'fast=false');
    check('SEED = 3\nn_rows = None; fast = True\nscale = 21', '--param', 'scale=21');
    // The steps run in the notebook's folder, as its cells did.
    assert.equal(readFileSync(join(dir, 'made', 'width.txt'), 'utf8'), '2');
    const tests = runPytest(out);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    assertFlakesQuiet(out);
  });
});

describe('planPromotion: code on no parameter, or with no step after it, in the parameters cell', function () {
  this.timeout(120_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-parameter-code-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs code reading and changing no parameter in the shared module, before the steps', async function () {
    const outcome = await promote(dir, [
      { tags: ['imports'], source: 'import random\nimport warnings' },
      { tags: ['parameters'], source: 'n = 3\nwarnings.filterwarnings("ignore")\nrandom.seed(42)' },
      { tags: ['step:draw'], source: 'draws = [random.random() for _ in range(n)]' },
      { tags: ['metrics'], source: 'metric = sum(draws)' },
    ]);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.problems.filter((p) => p.code === 'parameter-code-shared').map((p) => p.line), [2, 3]);
    const common = readFileSync(join(dir, 'out', 'src/nb/common.py'), 'utf8');
    assert.match(common, /random\.seed\(42\)/);
    // The parameter is pipeline.yaml's: a copy here would read as the value in force after --param n=5 (round 52 QQ4).
    assert.doesNotMatch(common, /\bn = 3/);
    if (!withPython()) this.skip();
    const expected = Number(spawnSync(PYTHON, ['-c', 'import random\nrandom.seed(42)\nprint(repr(sum(random.random() for _ in range(3))))'], { encoding: 'utf8' }).stdout);
    assert.equal(runPipeline(join(dir, 'out')).metrics['metric'], expected);
  });

  // Round 55 UU: one line reading a parameter moved all the cell's code into the first step, and
  // `warnings.filterwarnings` there made that step run at every run.
  it('runs the code above the first line on the parameters in the shared module, and the rest in the first step', async function () {
    const outcome = await promote(dir, [
      { tags: ['parameters'], source: 'import os\nimport warnings\nwarnings.filterwarnings("ignore")\nbase = os.sep * 2\nseed = 4\nout_dir = "outputs"\nmodel_path = os.path.join(out_dir, f"model_{seed}.pkl")\nwidth = len(base)' },
      { tags: ['step:fit'], source: 'scores = [seed * r for r in range(3)]\nname = model_path' },
      { tags: ['step:score'], source: 'best = max(scores) + width + len(name)' },
      { tags: ['metrics'], source: 'metric = best' },
    ]);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.problems.filter((p) => p.code.startsWith('parameter-code')).map((p) => [p.code, p.line]), [['parameter-code-shared', 3], ['parameter-code-moved', 7], ['parameter-code-moved', 8]]);
    assert.deepEqual(outcome.problems.filter((p) => p.code === 'global-config-in-step'), []);
    const common = readFileSync(join(dir, 'out', 'src/nb/common.py'), 'utf8');
    assert.match(common, /^import os\nimport warnings\n/m);
    assert.match(common, /\n {4}# cell c0, lines 3-4\n {4}warnings\.filterwarnings\("ignore"\)\n {4}base = os\.sep \* 2\n/);
    assert.doesNotMatch(common, /model_path|seed = 4|width/);
    const fit = readFileSync(join(dir, 'out', 'src/nb/steps/fit.py'), 'utf8');
    assert.match(fit, /\n {4}# cell c0, lines 7-8\n {4}model_path = os\.path\.join\(out_dir, f"model_\{seed\}\.pkl"\)\n {4}width = len\(base\)\n/);
    assert.doesNotMatch(fit, /filterwarnings/);
    if (!withPython()) this.skip();
    assertFlakesQuiet(join(dir, 'out'));
    const out = join(dir, 'out');
    // (Python's os.sep is `/` here.)
    const metric = (seed: number): number => seed * 2 + 2 + `outputs/model_${seed}.pkl`.length;
    assert.equal(runPipeline(out).metrics['metric'], metric(4));
    assert.deepEqual(runPipeline(out).steps.map((st) => st.status), ['cached', 'cached']);
    assert.equal(runPipeline(out, '--param', 'seed=6').metrics['metric'], metric(6));
    const tests = runPytest(out);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });

  it("holds a computed value alone in the shared module, with the cell's own imports it reads; the parameters stay pipeline.yaml's (round 54)", async function () {
    const outcome = await promote(dir, [
      { tags: ['parameters'], source: 'import os\nimport warnings\n# clusters to try\nk = 3\nk_range = range(2, 9)\nseed = 42\nwarnings.filterwarnings("ignore")  # quiet\n# the separator\nsep = os.sep' },
      { tags: ['step:fit'], source: 'scores = [k * r + seed for r in k_range]\nwidth = len(sep)' },
      { tags: ['metrics'], source: 'best = max(scores) + width' },
    ]);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    const common = readFileSync(join(dir, 'out', 'src/nb/common.py'), 'utf8');
    assert.match(common, /^import os\nimport warnings\n/m);
    // Their comments stay (round 55 UU); the one above a parameter goes with it.
    assert.match(common, /\n {4}# cell c0, line 5\n {4}k_range = range\(2, 9\)\n {4}# cell c0, lines 7-9\n {4}warnings\.filterwarnings\("ignore"\) {2}# quiet\n {4}# the separator\n {4}sep = os\.sep\n/);
    assert.doesNotMatch(common, /k = 3|seed = 42|clusters to try/);
    if (!withPython()) this.skip();
    assertFlakesQuiet(join(dir, 'out'));
    assert.equal(runPipeline(join(dir, 'out')).metrics['best'], 3 * 8 + 42 + 1);
    assert.equal(runPipeline(join(dir, 'out'), '--param', 'k=4').metrics['best'], 4 * 8 + 42 + 1);
  });

  it("runs an untagged cell continuing Kale's pipeline-parameters cell as the parameters cell: its code on them first in the step", async function () {
    const kale = (seedLines: readonly TestCell[]): TestCell[] => [
      { tags: ['imports'], source: 'import random' },
      ...seedLines,
      { tags: ['block:draw'], source: 'x = random.random()' },
      { tags: ['pipeline-metrics'], source: 'metric = x' },
    ];
    const outcome = await promote(dir, kale([{ tags: ['pipeline-parameters'], source: 'SEED = 1' }, { source: 'random.seed(SEED)' }]));
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.problems.filter((p) => p.code.startsWith('parameter-code') || p.code === 'shared-reads-step-value').map((p) => [p.code, p.cellIndex, p.line]), [['parameter-code-moved', 2, 1]]);
    assert.match(outcome.problems.find((p) => p.code === 'parameter-code-moved')?.message ?? '', /^line 1 is not a plain literal assignment \(code on SEED\): it runs at the start of step draw/);
    const draw = readFileSync(join(dir, 'out', 'src/nb/steps/draw.py'), 'utf8');
    assert.match(draw, /^def draw\(SEED: int\) -> Any:/m);
    assert.match(draw, /# nbpromote: from the parameters cell \(cell c2\)[^\n]*\n {4}# cell c2, line 1\n {4}random\.seed\(SEED\)\n/);
    assert.doesNotMatch(readFileSync(join(dir, 'out', 'src/nb/common.py'), 'utf8'), /random\.seed/);
    if (!withPython()) this.skip();
    const expected = (seed: number): number => Number(spawnSync(PYTHON, ['-c', `import random\nrandom.seed(${seed})\nprint(repr(random.random()))`], { encoding: 'utf8' }).stdout);
    assert.equal(runPipeline(join(dir, 'out')).metrics['metric'], expected(1));
    assert.equal(runPipeline(join(dir, 'out'), '--param', 'SEED=2').metrics['metric'], expected(2));
  });

  it('refuses code on the parameters with no step after the cell, naming the line', async () => {
    const outcome = await promote(dir, [
      { tags: ['step:load'], source: 'rows = list(range(10))' },
      { tags: ['parameters'], source: 'n = 3\nn *= 2' },
      { tags: ['metrics'], source: 'metric = len(rows[:n])' },
    ]);
    assert.equal(outcome.ok, false);
    const error = outcome.problems.find((p) => p.code === 'parameter-code-without-step');
    assert.equal(error?.line, 2);
    assert.match(error?.message ?? '', /^line 2 of this parameters cell is not a plain literal assignment: it runs code on n, .* no step comes after it/);
  });

  it('gives a test cell between the parameters cell and the step running its code the value that code leaves', async function () {
    const outcome = await promote(dir, [
      { tags: ['parameters'], source: 'fast = True\nn_rows = 400\nif fast:\n    n_rows = 100' },
      { tags: ['test'], source: 'assert n_rows == 100, n_rows' },
      { tags: ['step:load'], source: 'rows = list(range(n_rows))' },
      { tags: ['metrics'], source: 'metric = len(rows)' },
    ]);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.match(readFileSync(join(dir, 'out', 'tests/test_notebook.py'), 'utf8'), /n_rows = _runtime\.copied\(_runtime\.step_output\(pipeline_run, "load", "n_rows"\)\)/);
    if (withPython()) {
      const tests = runPytest(join(dir, 'out'));
      assert.equal(tests.status, 0, tests.stdout);
    }
    // The step's own cell setting it again: the test would read the step's last value, a warning on the test.
    const again = await promote(dir, [
      { tags: ['parameters'], source: 'fast = True\nn_rows = 400\nif fast:\n    n_rows = 100' },
      { tags: ['test'], source: 'assert n_rows == 100, n_rows' },
      { tags: ['step:load'], source: 'rows = list(range(n_rows))\nn_rows = len(rows) * 2' },
      { tags: ['metrics'], source: 'metric = len(rows) + n_rows' },
    ]);
    const warning = again.problems.find((p) => p.code === 'test-reads-step-value');
    assert.equal(warning?.cellIndex, 1);
    assert.match(warning?.message ?? '', /^this test cell reads n_rows as the parameters cell's code leaves it, and that code runs at the start of step load, whose cell 3 sets n_rows again/);
  });

  it('does not take the moved line building a path for a read of the file, and tells the file by the path it builds', async function () {
    const outcome = await promote(dir, [
      { tags: ['imports'], source: 'import os' },
      { tags: ['parameters'], source: 'run_name = "baseline"\nmodel_path = os.path.join("models", f"{run_name}.txt")' },
      { tags: ['step:load'], source: 'rows = [1, 2, 3]' },
      { tags: ['step:train'], source: 'os.makedirs("models", exist_ok=True)\nwith open(model_path, "w") as fh:\n    fh.write(str(sum(rows)))' },
      { tags: ['step:other'], source: 'n = len(rows)' },
      { tags: ['step:evaluate'], source: 'with open(model_path) as fh:\n    total = int(fh.read())' },
      { tags: ['metrics'], source: 'metric = total + n' },
    ]);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.problems.filter((p) => p.severity === 'warning' && p.code !== 'metrics-unrecorded'), []);
    assert.match(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8'), /name: evaluate\n[^]*?after: \[train\]/);
    if (withPython()) assert.equal(runPipeline(join(dir, 'out')).metrics['metric'], 9);
  });

  it('a nested config dict holding whole floats is a parameter: the steps get floats, from the default and from --param', async function () {
    // `{"model": {"C": 1.0}}` is `C: 1` in pipeline.yaml; `floats` gives the float back (type(...) shows it).
    const outcome = await promote(dir, [
      { tags: ['parameters'], source: 'config = {"model": {"C": 1.0, "max_iter": 200}, "split": {"test_size": 0.25, "folds": [1.0, 2]}}' },
      { tags: ['step:fit'], source: 'kinds = [type(config["model"]["C"]).__name__, type(config["model"]["max_iter"]).__name__, type(config["split"]["folds"][0]).__name__]\nstrength = config["model"]["C"] * 2' },
      { tags: ['metrics'], source: 'print(kinds)\nresult = {"strength": strength, "floats": kinds.count("float")}' },
    ]);
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.problems.filter((p) => p.code === 'parameter-not-literal'), []);
    const yaml = readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8');
    assert.match(yaml, /config: \{default: \{model: \{C: 1, max_iter: 200\}, [^\n]*type: dict, floats: \[\[model, C\], \[split, folds, 0\]\]\}/);
    if (!withPython()) return;
    assert.deepEqual(runPipeline(join(dir, 'out'), '--no-cache').metrics, { 'result.strength': 2, 'result.floats': 2, strength: 2 });
    // --param is JSON as typed: `3.0` a float, `2` an int (a grid of counts stays counts).
    const given = runPipeline(join(dir, 'out'), '--no-cache', '--param', 'config={"model": {"C": 3.0, "max_iter": 5}, "split": {"folds": [2, 2]}}');
    assert.deepEqual(given.metrics, { 'result.strength': 6, 'result.floats': 1, strength: 6 });
    assert.equal(typeof given.metrics['result.strength'], 'number');
    const tests = runPytest(join(dir, 'out'));
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });

  it('says a dict with keys that are not strings is not a parameter for that reason, not as computed', async () => {
    const outcome = await promote(dir, [
      { tags: ['parameters'], source: 'class_weight = {0: 1.0, 1: 3.0}' },
      { tags: ['step:fit'], source: 'weights = sorted(class_weight.values())' },
      { tags: ['metrics'], source: 'metric = weights[-1]' },
    ]);
    const warning = outcome.problems.find((p) => p.code === 'parameter-not-literal');
    assert.match(warning?.message ?? '', /^parameter class_weight is a dict with keys that are not strings \(0, 1\), and pipeline\.yaml and --param JSON only have string keys: it becomes a constant/);
  });
});

describe('planPromotion: a metrics cell printing values under labels, without names', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-unnamed-metric-'));
    writeFileSync(
      join(dir, 'nb.ipynb'),
      notebookJson([
        { tags: ['step:fit'], source: 'import numpy as np\ntruth = np.array([1, 0, 1])\npred = [1, 1, 1]' },
        { tags: ['metrics'], source: 'print(f"accuracy: {sum(a == b for a, b in zip(truth, pred)) / len(truth):.4f}")\nprint(f"rows: {len(truth)}")\nshare = 0.5\nprint(f"share {share:.2f}")\nprint("best", max(pred))\nprint("n:", len(truth), "share", share, "tag", "x")\nprint("Accuracy: %.2f" % (sum(pred) / 3))\nprint("F1: {:.3f}".format(max(truth)))\nprint("a %s, b %d" % ("x", len(pred)))\nprint(f"Precision: {pred[0]:.2f}")\nprint("RMSE value is: ", max(pred))\nprint(f"shape: {truth.__class__}")\nprint("Best CV score:", truth.__doc__)\nprint(f"cols: {truth.shape}")\nprint(f"\\\\nBest: {max(truth)}")\nprint("Genauigkeit (Übung):", min(truth))\nprint("share (%)", share * 100)' },
      ]),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names each value a line prints under a label by that label, binds it there, and the run records it', async () => {
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.problems.filter((p) => p.code === 'metric-unnamed'), []);
    const named = outcome.problems.filter((p) => p.code === 'metric-named').map((p) => [p.severity, p.line, /as the metric (\w+)$/.exec(p.message)?.[1]]);
    assert.deepEqual(named, [
      ['info', 1, 'accuracy'],
      ['info', 2, 'rows'],
      // A computed value after a label, not in an f-string: print("best", max(pred)).
      ['info', 5, 'best'],
      ['info', 6, 'n'],
      // Formatted with % or .format: named by the words before its place; a name in use gets `_shown`.
      ['info', 7, 'accuracy_shown'],
      ['info', 8, 'f1'],
      ['info', 9, 'b'],
      // An item of a list is computed too; the name skips the label's fillers and keywords ("value is").
      ['info', 10, 'precision'],
      ['info', 11, 'rmse'],
      ['info', 12, 'shape'],
      ['info', 13, 'best_cv_score'],
      ['info', 15, 'best_shown'],
      ['info', 16, 'genauigkeit'],
      // The label names a value the cell has: another name, not `share = share * 100`.
      ['info', 17, 'share_shown'],
    ]);
    const metrics = readFileSync(join(dir, 'out', 'src', 'nb', 'metrics.py'), 'utf8');
    assert.match(metrics, /print\(f"accuracy: \{\(accuracy := sum\(a == b for a, b in zip\(truth, pred\)\) \/ len\(truth\)\):\.4f\}"\)/);
    assert.match(metrics, /print\("Accuracy: %\.2f" % \(accuracy_shown := sum\(pred\) \/ 3\)\)/);
    assert.match(metrics, /print\("F1: \{:\.3f\}"\.format\(\(f1 := max\(truth\)\)\)\)/);
    if (!withPython()) return;
    const run = runPipeline(join(dir, 'out')).metrics;
    assert.deepEqual(
      Object.fromEntries(Object.entries(run).filter(([name]) => ['accuracy', 'rows', 'best', 'n', 'accuracy_shown', 'f1', 'b', 'precision', 'rmse', 'best_shown', 'genauigkeit', 'share_shown'].includes(name))),
      { accuracy: 2 / 3, rows: 3, best: 1, n: 3, accuracy_shown: 1, f1: 1, b: 3, precision: 1, rmse: 1, best_shown: 1, genauigkeit: 0, share_shown: 50 },
    );
  });

  // Round 36 G: `{-grid.best_score_:.3f}` (a `neg_*` scorer's) was no metric, and nothing said so. Round 37 K:
  // `"%.4f" % (y_pred != y_test).mean()` was read as a tuple and left out without a word.
  const labelled: [string, string, string, [string, number][]][] = [
    ['a negated attribute or name, in an f-string or with %', 'class Search:\n    best_score_ = -10.5\n\ngrid = Search()\nerr = -2.5', 'print(f"CV RMSE: {-grid.best_score_:.3f}")\nprint(f"C err: {-err}")\nprint("Neg: %.3f" % -grid.best_score_)', [['cv_rmse', 10.5], ['c_err', 2.5], ['neg', 10.5]]],
    ['a parenthesised value reached into after % (`% (a != b).mean()`, `% (p - y)[0]`)', 'import numpy as np\ny = np.array([1, 0, 1, 1])\np = np.array([1, 1, 1, 0])', 'print("Error rate: %.4f" % (p != y).mean())\nprint("First diff: %d" % (p - y)[0])', [['error_rate', 0.5], ['first_diff', 0]]],
    // Round 67 RRR: `F1 score:` over `f1_score(...)` was `f1_score_shown` (the name is the function's).
    ['labels naming the function computing the value (`F1 score:`, `Accuracy score:`)', 'from sklearn.metrics import accuracy_score, f1_score\ny = [1, 0, 1, 1]\np = [1, 1, 1, 0]', 'print("F1 score:", f1_score(y, p))\nprint("Accuracy score:", accuracy_score(y, p))', [['f1', 2 / 3], ['accuracy', 0.5]]],
    // Round 66 PPP: `kept`, `recall`, `mean0`: a last word naming no metric alone, a modifier a word away.
    ['labels of two or three words (`rows kept`, `worst class recall`, `scaler mean0`)', 'history = [(0, 180), (1, 173)]\nper_class = {"a": 0.5, "b": 0.75}\nmeans = [1.25]', 'print("rows kept:", history[-1][1])\nprint("worst class recall", min(per_class.values()))\nprint("scaler mean0", means[0])', [['rows_kept', 173], ['worst_class_recall', 0.5], ['scaler_mean0', 1.25]]],
  ];
  for (const [what, fit, metrics, expected] of labelled) {
    it(`names ${what} printed under a label, and the run records it`, async () => {
      const here = mkdtempSync(join(tmpdir(), 'nbpromote-labelled-metric-'));
      try {
        const outcome = await promote(here, [{ tags: ['step:fit'], source: fit }, { tags: ['metrics'], source: metrics }]);
        assert.ok(outcome.ok, JSON.stringify(outcome.problems));
        const named = outcome.problems.filter((p) => p.code === 'metric-named' || p.code === 'metric-unnamed').map((p) => [p.code, p.line, /as the metric (\w+)$/.exec(p.message)?.[1]]);
        assert.deepEqual(named, expected.map(([name], i) => ['metric-named', i + 1, name]));
        if (!withPython()) return;
        const run = runPipeline(join(here, 'out')).metrics;
        assert.deepEqual(expected.map(([name]) => run[name]), expected.map(([, value]) => value));
      } finally {
        rmSync(here, { recursive: true, force: true });
      }
    });
  }

  it('says the notebook gives no metric, not to promote with --execute, when --execute found none', async () => {
    const ran = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'ran', toolVersion: 'test', executed: { metrics: new Map(), outputs: new Map() } });
    assert.match(ran.problems.find((p) => p.code === 'metrics-none')?.message ?? '', /^no metric is read from the metrics cell: no number it gave when the notebook ran \(--execute\) has a name/);
    const test = readFileSync(join(dir, 'ran', 'tests', 'test_metrics.py'), 'utf8');
    assert.match(test, /the notebook gives no metric: it ran \(promote --execute\)/);
    assert.doesNotMatch(test, /to record them/);
    // Never run (no outputs, no execution counts): nothing to read yet, so no warning.
    const saved = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'saved', toolVersion: 'test' });
    assert.equal(saved.problems.find((p) => p.code === 'metrics-none'), undefined);
    assert.match(readFileSync(join(dir, 'saved', 'tests', 'test_metrics.py'), 'utf8'), /promote --execute` to record them/);
    // Run and saved: the line printing a value under a label gives that value to the name the label gives it.
    const notebook = JSON.parse(readFileSync(join(dir, 'nb.ipynb'), 'utf8')) as { cells: Record<string, unknown>[] };
    const saveWith = (text: string): void => {
      notebook.cells = notebook.cells.map((c, i) => ({ ...c, execution_count: i + 1, outputs: i === 1 ? [{ output_type: 'stream', name: 'stdout', text }] : [] }));
      writeFileSync(join(dir, 'run.ipynb'), JSON.stringify(notebook));
    };
    saveWith('accuracy: 0.6667\n');
    const read = await promoteNotebook({ notebook: 'run.ipynb', cwd: dir, out: 'run', toolVersion: 'test', dryRun: true });
    assert.equal(read.expectedMetrics['accuracy'], 0.6667);
    assert.equal(read.problems.find((p) => p.code === 'metrics-none'), undefined);
    // Its outputs holding no number with a name: the warning, on the metrics cell.
    saveWith('done\n');
    const none = await promoteNotebook({ notebook: 'run.ipynb', cwd: dir, out: 'run', toolVersion: 'test', dryRun: true });
    const warning = none.problems.find((p) => p.code === 'metrics-none');
    assert.equal(warning?.cellIndex, 1);
    assert.match(warning?.message ?? '', /^no metric is read from the metrics cell: no number its saved outputs show has a name, so the generated test checks none/);
  });
});

describe('planPromotion: a metrics cell whose only numbers are tables printed as text', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-text-table-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('metrics-none names the lines printing the tables, each of which has its metrics-text-table warning', async () => {
    const notebook = JSON.parse(notebookJson([
      { tags: ['step:train'], source: 'import pandas as pd\ncv_table = pd.DataFrame({"auc": [0.8, 0.7]}, index=["lr", "rf"])' },
      { tags: ['metrics'], source: 'print(cv_table.to_string())\nprint(cv_table.describe())' },
    ])) as { cells: Record<string, unknown>[] };
    notebook.cells = notebook.cells.map((c, i) => ({ ...c, execution_count: i + 1, outputs: i === 1 ? [{ output_type: 'stream', name: 'stdout', text: '     auc\nlr  0.8\nrf  0.7\n' }] : [] }));
    writeFileSync(join(dir, 'tables.ipynb'), JSON.stringify(notebook));
    const result = await promoteNotebook({ notebook: 'tables.ipynb', cwd: dir, out: 'out', toolVersion: 'test', dryRun: true });
    assert.deepEqual(result.problems.filter((p) => p.code === 'metrics-text-table').map((p) => p.line), [1, 2]);
    const none = result.problems.find((p) => p.code === 'metrics-none');
    assert.match(none?.message ?? '', /has a name, so the generated test checks none\. The numbers it shows are tables printed as text \(lines 1 and 2\), which are not read: show the tables \(`display\(table\)`\)/);
  });
});

// Round 41 Q: `DATA_DIR = Path("../data")` stayed a constant of common.py: `run --param` could not set it.
describe('planPromotion: a pathlib.Path in the parameters cell', function () {
  this.timeout(120_000);
  // Round 45 X: the folder a path parameter names, which a later step writes into (data/raw -> data/processed),
  // changed every step's key at every run: a second run with nothing changed ran every step again.
  it('names a folder a later step writes into, and a second run with nothing changed runs no step', async function () {
    if (!withPython()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-path-layout-'));
    try {
      mkdirSync(join(dir, 'data', 'raw'), { recursive: true });
      writeFileSync(join(dir, 'data', 'raw', 'a.csv'), 'x\n1\n2\n');
      const result = await promote(dir, [
        { tags: ['imports'], source: 'from pathlib import Path' },
        { tags: ['parameters'], source: 'DATA_DIR = Path("data")' },
        { tags: ['step:load'], source: 'rows = [int(v) for f in sorted((DATA_DIR / "raw").glob("*.csv")) for v in f.read_text().split()[1:]]' },
        { tags: ['step:clean'], source: '(DATA_DIR / "processed").mkdir(exist_ok=True)\n(DATA_DIR / "processed" / "clean.txt").write_text(str(sum(rows)))' },
        { tags: ['step:train'], source: 'total = int((DATA_DIR / "processed" / "clean.txt").read_text())' },
        { tags: ['metrics'], source: 'score = total' },
      ]);
      assert.ok(result.ok, JSON.stringify(result.problems));
      const out = join(dir, 'out');
      assert.equal(runPipeline(out).metrics['score'], 3);
      const again = runPipeline(out);
      assert.deepEqual(again.steps.map((s) => [s.name, s.status, s.why]), [['load', 'cached', undefined], ['clean', 'cached', undefined], ['train', 'cached', undefined]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a path parameter: the step gets a Path, --param sets another folder, relative to the notebook, and the tests pass', async function () {
    if (!withPython()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-path-param-'));
    try {
      for (const [folder, text] of [['data/raw', 'x\n1\n2\n'], ['other data', 'x\n5\n']] as const) {
        mkdirSync(join(dir, folder), { recursive: true });
        writeFileSync(join(dir, folder, 'rows.csv'), text);
      }
      const result = await promote(dir, [
        { tags: ['imports'], source: 'from pathlib import Path' },
        { tags: ['parameters'], source: 'DATA_DIR = Path("data") / "raw"\nNAME = "rows.csv"' },
        { tags: ['step:load'], source: 'rows = (DATA_DIR / NAME).read_text().split()[1:]' },
        { tags: ['metrics'], source: 'total = sum(int(r) for r in rows)' },
      ]);
      assert.ok(result.ok, JSON.stringify(result.problems));
      const out = join(dir, 'out');
      assert.match(readFileSync(join(out, 'pipeline.yaml'), 'utf8'), /DATA_DIR: \{default: data\/raw, type: path\}/);
      const step = readFileSync(join(out, 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(step, /\nfrom pathlib import Path\n/);
      assert.match(step, /def load\(DATA_DIR: Path, NAME: str\) -> Any:/);
      assertFlakesQuiet(out);
      assert.equal(runPipeline(out).metrics['total'], 3);
      assert.equal(runPipeline(out, '--param', 'DATA_DIR=other data').metrics['total'], 5);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 43 U: `n_holdout = int(n_rows * holdout)` ran at the start of the data step, which then ran again for
// `--param holdout=0.3` though it never reads holdout.
describe('planPromotion: a value the parameters cell computes from parameters, used by a later step only', function () {
  this.timeout(120_000);
  it('is computed at the start of the first step using it: a step before it neither takes nor re-runs for those parameters', async function () {
    if (!withPython()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-derived-param-'));
    try {
      const result = await promote(dir, [
        { tags: ['parameters'], source: 'n_rows = 40\nholdout = 0.25\nn_holdout = int(n_rows * holdout)' },
        { tags: ['step:data'], source: 'rows = list(range(n_rows))' },
        { tags: ['step:model'], source: 'test = rows[-n_holdout:]\nmean = sum(test) / len(test)' },
        { tags: ['metrics'], source: 'score = mean' },
      ]);
      assert.ok(result.ok, JSON.stringify(result.problems));
      const moved = result.problems.find((p) => p.code === 'parameter-code-moved');
      assert.match(moved?.message ?? '', /it runs at the start of step model, the first step using what it computes, and a --param value reaches it there$/);
      const out = join(dir, 'out');
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'data.py'), 'utf8'), /def data\(n_rows: int\) -> Any:/);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'model.py'), 'utf8'), /def model\(n_rows: int, holdout: float, rows\)[^\n]*\n[^]*\n {4}n_holdout = int\(n_rows \* holdout\)\n/);
      assertFlakesQuiet(out);
      assert.equal(runPipeline(out).metrics['score'], 34.5);
      const again = runPipeline(out, '--param', 'holdout=0.5');
      assert.deepEqual(again.steps.map((s) => [s.name, s.status]), [['data', 'cached'], ['model', 'ran']]);
      assert.equal(again.metrics['score'], 29.5);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 47 BB: `def schedule(epoch): return lr * decay ** epoch` in the parameters cell made the first step (loading
// the data) take lr and decay, and run again for `--param lr=...`.
describe('planPromotion: a function of the parameters the parameters cell defines, used by a later step only', function () {
  this.timeout(120_000);
  it('is defined at the start of the first step using it', async function () {
    if (!withPython()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-param-function-'));
    try {
      const result = await promote(dir, [
        { tags: ['imports'], source: 'import math' },
        // Round 48 CC: a lambda, and a def calling an import, made the whole cell's code run in the first step.
        { tags: ['parameters'], source: 'n_rows = 4\nlr = 0.5\ndecay = 0.5\ncut = lambda v: math.floor(v)\n\ndef schedule(epoch):\n    return math.fabs(lr * decay ** epoch)' },
        { tags: ['step:data'], source: 'rows = list(range(n_rows))' },
        { tags: ['step:train'], source: 'rates = [schedule(e) for e in rows]\nfloor = cut(sum(rates))' },
        { tags: ['metrics'], source: 'total = sum(rates) + floor' },
      ]);
      assert.ok(result.ok, JSON.stringify(result.problems));
      const out = join(dir, 'out');
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'data.py'), 'utf8'), /def data\(n_rows: int\) -> Any:/);
      assertFlakesQuiet(out);
      assert.equal(runPipeline(out).metrics['total'], 0.9375);
      const again = runPipeline(out, '--param', 'lr=1.0');
      assert.deepEqual(again.steps.map((s) => [s.name, s.status]), [['data', 'cached'], ['train', 'ran']]);
      assert.equal(again.metrics['total'], 2.875);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
