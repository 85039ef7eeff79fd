// A shared function reading a parameter or a step's value when called (`def rmse_cv(model)` reading N_FOLDS,
// X and y, as the Kaggle House Prices kernels write it): each step, the metrics and a test calling it define
// it in their own function, take what it reads, and give the notebook's numbers. Run with Debian's Python.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasPython, promoteCells, PYTHON, runPipeline, runPytest } from './testing';
import type { TestCell } from './testing';

const cells: readonly TestCell[] = [
  { tags: ['imports'], source: 'import math\nimport statistics' },
  { tags: ['parameters'], source: 'N_FOLDS = 3\nSCALE = 2.0' },
  { tags: ['step:load'], source: 'values = [float(v) for v in range(1, 13)]' },
  {
    tags: ['functions'],
    source: [
      'def fold_means(weight):',
      '    """Mean of each fold of values, weighted."""',
      '    size = len(values) // N_FOLDS',
      '    return [statistics.mean(values[i * size:(i + 1) * size]) * weight for i in range(N_FOLDS)]',
      '',
      '',
      'def spread(weight):',
      '    means = fold_means(weight)',
      '    return math.sqrt(statistics.pvariance(means))',
      '',
      '',
      'def rounded(x):',
      '    return round(x, 6)',
    ].join('\n'),
  },
  { tags: ['step:score'], source: 'score = rounded(spread(SCALE))' },
  { tags: ['metrics'], source: 'first_fold = fold_means(1.0)[0]\nprint(score)' },
  { tags: ['test'], source: 'assert spread(1.0) > 0' },
];

/** The notebook's numbers: its cells run one after the other, as Jupyter runs them. */
function notebookValues(): { score: number; first_fold: number } {
  const r = spawnSync(PYTHON, ['-c', `${cells.map((c) => c.source).join('\n')}\nimport json\nprint(json.dumps({"score": score, "first_fold": first_fold}))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { score: number; first_fold: number };
}

/** The values of `expressions` (Python, comma-separated) after the cells' code ran in one process, as the notebook's kernel ran it. */
function valuesAfter(source: string, expressions: string): number[] {
  const r = spawnSync(PYTHON, ['-c', `${source}\nimport json\nprint(json.dumps([${expressions}]))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '[]') as number[];
}

/** The generated tests pass in `out`, and pyflakes reports nothing on its code and tests. */
function assertTestsAndPyflakesPass(out: string): void {
  const tests = runPytest(out);
  assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  const flakes = spawnSync(PYTHON, ['-m', 'pyflakes', 'src', 'tests'], { cwd: out, encoding: 'utf8' });
  if (!/No module named/.test(flakes.stderr)) assert.equal(flakes.stdout + flakes.stderr, '');
}

describe('planPromotion: a shared function reading parameters and step values (defined in the units calling it)', function () {
  this.timeout(120_000);

  it('defines it in the step, the metrics and the test calling it; common.py keeps only what needs nothing of the steps', async () => {
    const { dir, out, outcome } = await promoteCells(cells, 'stepbound');
    try {
      const step = readFileSync(join(out, 'src/nb/steps/score.py'), 'utf8');
      // The step takes what the functions read, defines both (they call each other), imports what they use.
      assert.match(step, /^def score\(values, N_FOLDS: int, SCALE: float\) -> Any:/m);
      assert.match(step, /\n {4}# nbpromote: fold_means, a shared function of cell c3, is defined here: it reads values and N_FOLDS, which this function takes as inputs\n {4}# cell c3, lines 1-4\n {4}def fold_means\(weight\):/);
      assert.match(step, /\n {4}def spread\(weight\):\n {8}means = fold_means\(weight\)/);
      assert.match(step, /^import math$/m);
      assert.match(step, /^import statistics$/m);
      // rounded reads nothing of the steps: imported from common.py as before.
      assert.match(step, /^from \.\.common import rounded$/m);
      const common = readFileSync(join(out, 'src/nb/common.py'), 'utf8');
      assert.match(common, /__all__ = \["rounded"\]/);
      assert.doesNotMatch(common, /^(def fold_means|def spread|import statistics|import math)/m);
      assert.match(common, /# nbpromote: def fold_means \(lines 1-4\) is defined in step score, the metrics and the test in cell c6 instead: it reads values and N_FOLDS, which only the steps have/);
      assert.match(common, /# nbpromote: def spread \(lines 7-9\) is defined in step score and the test in cell c6 instead/);
      // The edges say which function reads what.
      const explained = outcome.graph?.edges.filter((e) => e.to === 'score').map((e) => e.explanation) ?? [];
      assert.ok(explained.includes('score uses values (shared function fold_means reads it), defined by load, cell 3 line 1'), explained.join('\n'));
      // The metrics take values for the function only: it is no metric.
      const metrics = readFileSync(join(out, 'src/nb/metrics.py'), 'utf8');
      assert.match(metrics, /def compute_metrics\(values, N_FOLDS, score\)/);
      assert.doesNotMatch(metrics, /"values": values/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs: the notebook's numbers, its tests pass, pyflakes finds nothing, and a changed parameter re-runs the step", async function () {
    if (!hasPython()) this.skip();
    const { dir, out } = await promoteCells(cells, 'stepbound');
    try {
      const expected = notebookValues();
      const first = runPipeline(out);
      assert.equal(first.metrics['score'], expected.score);
      assert.equal(first.metrics['first_fold'], expected.first_fold);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      const flakes = spawnSync(PYTHON, ['-m', 'pyflakes', 'src', 'tests'], { cwd: out, encoding: 'utf8' });
      if (flakes.error === undefined && !/No module named/.test(flakes.stderr)) assert.equal(flakes.stdout + flakes.stderr, '');
      const again = runPipeline(out, '--param', 'N_FOLDS=4');
      assert.deepEqual(again.steps.map((s) => `${s.name} ${s.status}`), ['load cached', 'score ran']);
      assert.notEqual(again.metrics['score'], first.metrics['score']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Round 29's shapes: a step binding what the function reads itself (a tuning loop, a rebound constant, data it
  // makes), a lambda, a default argument reading a parameter, a test cell calling a helper reading the metrics'.
  const shapes: readonly TestCell[] = [
    { tags: ['imports'], source: 'import statistics' },
    { tags: ['parameters'], source: 'SCALE = 2.0\nN = 3' },
    {
      tags: ['functions'],
      source: ['LIMIT = 3', '', '', 'def cap(x):', '    return min(x, LIMIT)', '', '', 'def spread(values, n=N):', '    return statistics.pvariance(values[:n]) * SCALE', '', 'shrink = lambda v: v * SCALE', 'err = lambda pred: abs(pred - truth)'].join('\n'),
    },
    { tags: ['step:a'], source: 'a = cap(10)' },
    { tags: ['step:b'], source: 'LIMIT = 5\nb = cap(10)\nfor t in [1, 2, 7]:\n    LIMIT = t\n    last = cap(10)' },
    { tags: ['step:c'], source: 'data = [1.0, 4.0, 2.0, 8.0]\nc = spread(data) + shrink(1.0)' },
    { tags: ['metrics'], source: 'truth = 2.5\nm_err = err(c)\nm_cap = cap(10)\nprint(a, b, last, c, m_err, m_cap)' },
    { tags: ['test'], source: 'assert err(truth) == 0' },
  ];

  it('defines a function where the calling unit binds what it reads, lambdas and default arguments too; runs as the notebook', async function () {
    const { dir, out, outcome } = await promoteCells(shapes, 'stepbound');
    try {
      assert.deepEqual(outcome.problems.filter((p) => p.severity === 'error'), []);
      const step = (name: string): string => readFileSync(join(out, `src/nb/steps/${name}.py`), 'utf8');
      // Step a reads the shared LIMIT: cap stays common.py's; step b binds LIMIT itself: it defines cap.
      assert.match(step('a'), /^from \.\.common import cap$/m);
      assert.match(step('b'), /\n {4}def cap\(x\):/);
      assert.match(step('c'), /\n {4}def spread\(values, n=N\):[^]*\n {4}shrink = lambda v: v \* SCALE\n/);
      // The data the function reads is not released (`del`) before it is called.
      assert.doesNotMatch(step('c'), /del .*\bdata\b/);
      if (!hasPython()) return;
      const [a, b, last, c, mErr, mCap] = valuesAfter(shapes.map((c) => c.source).join('\n'), 'a, b, last, c, m_err, m_cap');
      const run = runPipeline(out);
      assert.deepEqual([run.metrics['a'], run.metrics['b'], run.metrics['last'], run.metrics['c'], run.metrics['m_err'], run.metrics['m_cap']], [a, b, last, c, mErr, mCap]);
      assertTestsAndPyflakesPass(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // A default value reads a parameter where the def runs; the units calling the function bind that parameter
  // themselves (`THRESHOLD = 0.3`, a tuning loop) or after a step did, and a default reads a shared constant a
  // step binds again.
  const defaults: readonly TestCell[] = [
    { tags: ['parameters'], source: 'THRESHOLD = 0.5' },
    { tags: ['functions'], source: 'LIMIT = 5\n\n\ndef label(p, t=THRESHOLD):\n    return int(p >= t)\n\n\ndef capped(v, d=LIMIT):\n    return min(v, d) + THRESHOLD\n\n\nlab = lambda p, t=THRESHOLD: int(p >= t)' },
    { tags: ['step:a'], source: 'THRESHOLD = 0.3\nx = label(0.4)\ny = lab(0.4)\nz = label(0.4, THRESHOLD)' },
    { tags: ['step:tune'], source: 'hits = []\nfor THRESHOLD in [0.2, 0.45, 0.6]:\n    hits.append(label(0.4) + label(0.4, THRESHOLD))\nLIMIT = 1\ncap = capped(3) + LIMIT' },
    { tags: ['metrics'], source: 'm = label(0.45)\nprint(x, y, z, sum(hits), cap, m)' },
  ];

  it("a default value reading a parameter a unit binds again is the parameter's, as where the notebook's def ran; runs, pyflakes clean", async function () {
    const { dir, out } = await promoteCells(defaults, 'stepbound');
    try {
      const step = (name: string): string => readFileSync(join(out, `src/nb/steps/${name}.py`), 'utf8');
      assert.match(step('a'), /^def a\(THRESHOLD: float\) -> AOutputs:/m);
      assert.match(step('a'), /# nbpromote: label, a shared function of cell c1, is defined here: it reads THRESHOLD, which this function takes as an input; its default value takes THRESHOLD as given, as the notebook's def did, before the cells below bind it again\n/);
      assert.doesNotMatch(step('a'), /which this function has/);
      assert.match(step('tune'), /# nbpromote: label, .*; its default value takes THRESHOLD as given, as the notebook's def did, before the cells below bind it again\n/);
      // LIMIT, bound again in the step, is imported in its function, above the def reading it.
      assert.match(step('tune'), /\n {4}# nbpromote: imported here: the cells bind LIMIT again, so in this function it is a local\n {4}from \.\.common import LIMIT\n/);
      if (!hasPython()) return;
      const names = ['x', 'y', 'z', 'hits', 'cap', 'm'];
      const notebook = (threshold: number): number[] => {
        const source = defaults.map((c) => c.source).join('\n').replace('THRESHOLD = 0.5', `THRESHOLD = ${threshold}`);
        return valuesAfter(source, 'x, y, z, sum(hits), cap, m');
      };
      const metrics = (run: { metrics: Record<string, number> }): unknown[] => names.map((n) => (n === 'hits' ? undefined : run.metrics[n]));
      const expected = notebook(0.5);
      assert.deepEqual(metrics(runPipeline(out)), expected.map((v, i) => (names[i] === 'hits' ? undefined : v)));
      const other = notebook(0.35);
      assert.deepEqual(metrics(runPipeline(out, '--param', 'THRESHOLD=0.35')), other.map((v, i) => (names[i] === 'hits' ? undefined : v)));
      assertTestsAndPyflakesPass(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Round 35 E: a shared function reading a shared constant (or import) the step binds on some paths only: the
  // copy in the step read a local unbound at the defaults (NameError: cannot access free variable).
  it('a shared constant or import a step binds on some paths only is the shared one until the step binds it', async function () {
    const maybe: readonly TestCell[] = [
      { tags: ['imports'], source: 'from statistics import mean as agg' },
      { tags: ['parameters'], source: 'TUNE = False\nROBUST = False' },
      { tags: ['functions'], source: 'THRESHOLD = 0.5\n\n\ndef flag(v):\n    return v > THRESHOLD\n\n\ndef summarize(xs):\n    return float(agg(xs))' },
      { tags: ['step:tune'], source: 'vals = [0.2, 0.4, 0.6, 0.8]\nif TUNE:\n    THRESHOLD = 0.3\nn_flag = sum(flag(v) for v in vals)' },
      { tags: ['step:stats'], source: 'if ROBUST:\n    from statistics import median as agg\ncenter = summarize([1.0, 2.0, 9.0])' },
      { tags: ['metrics'], source: 'print(n_flag, center)' },
    ];
    const { dir, out } = await promoteCells(maybe, 'stepbound-maybe');
    try {
      if (!hasPython()) return;
      const notebook = (tune: string, robust: string): number[] => valuesAfter(maybe.map((c) => c.source).join('\n').replace('TUNE = False', `TUNE = ${tune}`).replace('ROBUST = False', `ROBUST = ${robust}`), 'n_flag, center');
      const run = (...args: string[]): number[] => ['n_flag', 'center'].map((n) => runPipeline(out, ...args).metrics[n] ?? NaN);
      assert.deepEqual(run(), notebook('False', 'False'));
      assert.deepEqual(run('--param', 'TUNE=true', '--param', 'ROBUST=true'), notebook('True', 'True'));
      assertTestsAndPyflakesPass(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
