// Values that share memory or hold each other across steps (NumPy views of an array a later step changes in
// place; a pipeline holding the model a later step fits through it): every run gives the notebook's numbers,
// fresh, from the cache and partly from the cache. Run when Debian's Python (pytest, PyYAML, NumPy, and
// scikit-learn for the pipeline) is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import { hasPython, notebookJson, promoteCells, PYTHON, runPipeline, runPytest } from './testing';
import type { TestCell } from './testing';

/** The notebook's number: its cells run one after the other, as Jupyter runs them, printing `metric`. */
function notebookValue(cells: readonly { source: string }[], metric: string): number {
  const r = spawnSync(PYTHON, ['-c', `${cells.map((c) => c.source).join('\n')}\nprint(repr(float(${metric})))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

/** `cells` promoted: its folder, the output folder and the codes of the warnings. */
async function promoted(cells: readonly TestCell[]): Promise<{ dir: string; out: string; warnings: string[] }> {
  const { dir, out, outcome } = await promoteCells(cells, 'shared');
  // (The notebooks are not run: that their metrics test will skip is not what these tests are about.)
  return { dir, out, warnings: outcome.problems.filter((p) => p.severity === 'warning' && p.code !== 'metrics-unrecorded').map((p) => p.code) };
}

describe('planPromotion: NumPy views a later step changes in place (X_train = X[:30], then X -= X.mean(0))', function () {
  this.timeout(120_000);
  const cells = [
    { tags: ['imports'], source: 'import numpy as np' },
    { tags: ['step:load'], source: 'X = np.random.default_rng(0).normal(3.0, 2.0, size=(40, 2))\nX_train, X_test = X[:30], X[30:]' },
    { tags: ['step:scale'], source: 'X -= X.mean(axis=0)\nX /= X.std(axis=0)' },
    { tags: ['step:fit'], source: 'center = X_train.mean(axis=0)' },
    { tags: ['metrics'], source: 'spread = float(np.abs(X_test - center).sum())' },
  ];

  it('warns, runs the step making the views and the one changing them every time, and gives the notebook\'s number each run', async function () {
    if (!hasPython('numpy')) this.skip();
    const { dir, out, warnings } = await promoted(cells);
    try {
      assert.deepEqual(warnings, ['shared-memory-changed']);
      assert.match(readFileSync(join(out, 'pipeline.yaml'), 'utf8'), /outputs: \[X_train, X_test\]\n {4}after: \[\]\n {4}always_run: 'X_train and X_test \(made by load\) share memory with X/);
      const expected = notebookValue(cells, 'spread');
      const runs = [0, 1, 2].map(() => runPipeline(out));
      assert.deepEqual(runs.map((r) => r.metrics['spread']), [expected, expected, expected]);
      assert.deepEqual(runs.map((r) => r.steps.map((s) => s.status)), [['ran', 'ran', 'ran'], ['ran', 'ran', 'cached'], ['ran', 'ran', 'cached']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a pipeline holding the model a later step fits through it (make_pipeline(scaler, clf), pipe.fit)', function () {
  this.timeout(120_000);
  const cells = [
    { tags: ['imports'], source: 'import numpy as np\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler' },
    { tags: ['step:load'], source: 'rng = np.random.default_rng(1)\nX = rng.normal(size=(60, 3))\ny = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)' },
    { tags: ['step:build'], source: 'clf = LogisticRegression(max_iter=1000)\npipe = make_pipeline(StandardScaler(), clf)' },
    { tags: ['step:train'], source: 'pipe.fit(X, y)' },
    { tags: ['test'], source: 'assert hasattr(clf, "coef_")' },
    { tags: ['metrics'], source: 'coef_norm = float(np.abs(clf.coef_).sum())\nacc = float(pipe.score(X, y))' },
  ];

  it('the fitting step returns the model with the pipeline, so both come back from the cache as one; tests pass', async function () {
    if (!hasPython('numpy', 'sklearn')) this.skip();
    const { dir, out, warnings } = await promoted(cells);
    try {
      assert.deepEqual(warnings, []);
      const expected = notebookValue(cells, 'coef_norm');
      const first = runPipeline(out);
      const second = runPipeline(out);
      // Only the fitting step again: it takes the pipeline and the model it holds from build's cache entry.
      rmSync(join(out, '.nbpromote', 'cache', 'train'), { recursive: true, force: true });
      const third = runPipeline(out);
      assert.deepEqual([first, second, third].map((r) => r.metrics['coef_norm']), [expected, expected, expected]);
      assert.deepEqual([first, second, third].map((r) => r.steps.map((s) => s.status)), [['ran', 'ran', 'ran'], ['cached', 'cached', 'cached'], ['cached', 'cached', 'ran']]);
      const tests = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
      assert.equal(tests.status, 0, tests.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planPromotion: a shared list a shared helper appends to (FEATURES.append), with the shapes --execute recorded', function () {
  this.timeout(120_000);
  const cells: readonly TestCell[] = [
    { tags: ['imports'], source: 'import numpy as np' },
    { source: "FEATURES = ['a']" },
    { tags: ['functions'], source: "def add_square(frame, col):\n    frame[col + '_sq'] = frame[col] ** 2\n    FEATURES.append(col + '_sq')" },
    { tags: ['step:load'], source: "df = {'a': np.array([1.0, 2.0, 3.0])}" },
    { tags: ['step:fe'], source: "add_square(df, 'a')\nX = np.column_stack([df[f] for f in FEATURES])" },
    { tags: ['metrics'], source: 'n_cols = X.shape[1]' },
  ];

  it("the step's contract test calls it from the shared state it started from in the run: the recorded shape holds", async function () {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-shared-list-'));
    try {
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
      // What `promote --execute` records of the notebook: X has the 2 columns FEATURES named then.
      const executed = { metrics: new Map([['n_cols', 2]]), outputs: new Map([['fe', { X: { type: 'numpy.ndarray', shape: [3, 2] } }]]) };
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test', executed });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      const out = join(dir, 'out');
      assert.match(readFileSync(join(out, 'tests/test_fe.py'), 'utf8'), /\n {8}with _runtime\.state_before\(pipeline_run, "fe"\):[^\n]*\n {12}result = fe\(df=values\["df"\]\)\n/);
      if (!hasPython('numpy')) this.skip();
      assert.equal(runPipeline(out).metrics['n_cols'], 2);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 37 J (a shared dict: 0.03 for the notebook's 0.3) and round 39 O (a parameters dict: 0 for 36): a value one
// step names again (`cfg = CONFIG`) and a later step changes through that name.
describe('planPromotion: a shared or parameters dict one step names again (cfg = CONFIG) and a later step changes through that name', function () {
  this.timeout(120_000);
  const cases: readonly { readonly role: string; readonly cells: readonly TestCell[]; readonly copy: RegExp; readonly param: string; readonly paramCells: (c: TestCell) => TestCell }[] = [
    {
      role: 'shared',
      cells: [
        { tags: ['parameters'], source: 'LR = 0.1' },
        { tags: ['functions'], source: "CONFIG = {'lr': 0.01, 'epochs': 3}" },
        { tags: ['step:pick'], source: 'cfg = CONFIG\nbefore = CONFIG["lr"]' },
        { tags: ['step:tune'], source: "cfg['lr'] = LR" },
        { tags: ['step:report'], source: "lr_used = CONFIG['lr'] * CONFIG['epochs'] + before" },
        { tags: ['metrics'], source: 'score = lr_used' },
      ],
      copy: /from \.\.common import CONFIG {2}# a later step changes it in place through this step's name for it: copied[^\n]*\n {4}CONFIG = _runtime\.copied\(CONFIG\)\n/,
      param: 'LR=0.2',
      paramCells: (c) => ({ source: c.source.replace('LR = 0.1', 'LR = 0.2') }),
    },
    {
      role: 'parameter',
      cells: [
        { tags: ['parameters'], source: 'CONFIG = {"a": 1, "scale": 2}' },
        { tags: ['step:pick'], source: 'cfg = CONFIG\nx = cfg["a"] * 10' },
        { tags: ['step:tune'], source: 'cfg["b"] = x + cfg["scale"]' },
        { tags: ['step:report'], source: 'y = CONFIG.get("b", 0) * 3' },
        { tags: ['metrics'], source: 'score = y' },
      ],
      copy: /\n {4}CONFIG = _runtime\.copied\(CONFIG\) {2}# parameter a later step changes in place through this step's name for it/,
      param: 'CONFIG={"a": 2, "scale": 2}',
      paramCells: (c) => ({ source: c.source.replace('"a": 1', '"a": 2') }),
    },
  ];

  for (const { role, cells, copy, param, paramCells } of cases) {
    it(`${role}: the step taking the name copies the value; every run, fresh, cached or with --param, gives the notebook's number`, async function () {
      const { dir, out } = await promoteCells(cells, `${role}-alias`);
      try {
        assert.match(readFileSync(join(out, 'src/nb/steps/pick.py'), 'utf8'), copy);
        assert.doesNotMatch(readFileSync(join(out, 'src/nb/steps/tune.py'), 'utf8'), /_runtime\.copied/);
        if (!hasPython()) this.skip();
        const expected = notebookValue(cells, 'score');
        const runs = [runPipeline(out), runPipeline(out), runPipeline(out, '--param', param), runPipeline(out)];
        assert.deepEqual(runs.map((r) => r.metrics['score']), [expected, expected, notebookValue(cells.map(paramCells), 'score'), expected]);
        assert.deepEqual(runs[1]?.steps.map((s) => s.status), ['cached', 'cached', 'cached']);
        const tests = runPytest(out);
        assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
