// The notebook's test cells reading what the metrics cells made that is no number: a report dict
// (`classification_report(..., output_dict=True)`), a results table shown last (its metrics are its entries),
// a step's frame the metrics cell changed in place. Run with Debian's Python.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasPython, promoteCells, PYTHON, runPytest } from './testing';
import type { TestCell } from './testing';

const cells: readonly TestCell[] = [
  { tags: ['imports'], source: 'import pandas as pd' },
  { tags: ['step:split'], source: 'test_df = pd.DataFrame({"y": [0, 1, 1, 0], "x": [0.1, 0.9, 0.8, 0.3]})' },
  {
    tags: ['metrics'],
    source: [
      'test_df["pred"] = (test_df["x"] > 0.5).astype(int)',
      'report = {"macro avg": {"recall": float((test_df["pred"] == test_df["y"]).mean())}}',
      'results = pd.DataFrame({"acc": [report["macro avg"]["recall"]]}, index=["lr"])',
      'results',
    ].join('\n'),
  },
  { tags: ['test'], source: 'assert report["macro avg"]["recall"] == 1.0' },
  { tags: ['test'], source: 'assert results.loc["lr", "acc"] == 1.0' },
  { tags: ['test'], source: 'assert "pred" in test_df.columns\ntest_df["other"] = 1' },
  { tags: ['test'], source: 'assert "other" not in test_df.columns' },
];

describe('planPromotion: test cells reading values of the metrics cells that are no numbers', function () {
  this.timeout(120_000);

  it('keeps them by name beside the metrics; every test reads them as the notebook had them, each its own copy', async function () {
    const { dir, out } = await promoteCells(cells, 'testreads');
    try {
      const metrics = readFileSync(join(out, 'src/nb/metrics.py'), 'utf8');
      assert.match(metrics, /\n {4}_values = \{"report": report, "results": results, "test_df": test_df\}\n {4}return _runtime\.metrics_result\(_runtime\.with_shown\(_shown, \{"report": report, "results": results\}\), _values\)\n/);
      const tests = readFileSync(join(out, 'tests/test_notebook.py'), 'utf8');
      assert.match(tests, /report = _runtime\.copied\(_runtime\.metric_value\(pipeline_run, "report"\)\)/);
      if (!hasPython('pandas')) return;
      const run = runPytest(out);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /5 passed, 1 skipped/); // the 4 test cells, the step's; no expected metrics
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports _runtime in the metrics module only when it uses it: pyflakes finds it clean either way', async function () {
    if (!hasPython()) this.skip();
    // A test reading a number the metrics cell assigns: the values are the metrics dict itself, nothing wraps it.
    const plain: readonly TestCell[] = [{ tags: ['step:load'], source: 'n = 3' }, { tags: ['metrics'], source: 'acc = n / 4' }, { tags: ['test'], source: 'assert acc > 0.5' }];
    for (const notebook of [plain, cells]) {
      const { dir, out } = await promoteCells(notebook, 'testreads');
      try {
        const flakes = spawnSync(PYTHON, ['-m', 'pyflakes', 'src'], { cwd: out, encoding: 'utf8' });
        if (/No module named pyflakes/.test(flakes.stderr)) this.skip();
        assert.equal(flakes.stdout + flakes.stderr, '');
        assert.equal(runPytest(out).status, 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

// Round 47 BB: `def mape(y, p)` in the metrics cell, called by a test cell: "the run computed no metric 'mape'".
describe('planPromotion: a test cell calling a function the metrics cell defines', function () {
  this.timeout(120_000);
  it('gets the function from the run, as the notebook had it, and the generated tests pass', async function () {
    if (!hasPython()) this.skip();
    const { dir, out } = await promoteCells(
      [
        { tags: ['step:load'], source: 'truth = [2.0, 4.0]\npred = [1.0, 4.0]' },
        { tags: ['metrics'], source: 'def mape(y, p):\n    return sum(abs(a - b) / a for a, b in zip(y, p)) / len(y)\n\nerr = mape(truth, pred)' },
        { tags: ['test'], source: 'assert mape([2.0], [1.0]) == 0.5\nassert err == 0.25' },
      ],
      'metrics-function',
    );
    try {
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
