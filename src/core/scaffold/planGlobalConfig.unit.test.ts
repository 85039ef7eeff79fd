// A step changing a library's settings for the whole process (`set_config(transform_output="pandas")`) runs at
// every run: the steps after it see the setting when it would have come from the cache. The pipeline runs
// need Debian's Python with PyYAML, pandas and scikit-learn.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasPython, promoteCells, runPipeline } from './testing';

describe('planPromotion: a step sets scikit-learn\'s process-wide config', function () {
  this.timeout(120_000);
  it('runs at every run, so a later step sees the setting when its own parameter changes', async function () {
    if (!hasPython('pandas', 'sklearn')) this.skip();
    const { dir, outcome } = await promoteCells([
      { tags: ['imports'], source: 'import pandas as pd\nfrom sklearn import set_config\nfrom sklearn.preprocessing import StandardScaler' },
      { tags: ['parameters'], source: 'scale = 1.0' },
      { tags: ['step:load'], source: 'set_config(transform_output="pandas")\ndf = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 0.0, 1.0]})' },
      { tags: ['step:fit'], source: 'Xs = StandardScaler().fit_transform(df)\nvalue = float(Xs["b"].max()) * scale' },
      { tags: ['metrics'], source: 'total = value' },
    ], 'global-config');
    try {
      const info = outcome.problems.find((p) => p.code === 'global-config-in-step');
      assert.deepEqual([info?.severity, info?.cellIndex, info?.line], ['info', 2, 1]);
      assert.match(info?.message ?? '', /set_config\(transform_output="pandas"\)` changes scikit-learn's settings for the whole process.*move this line to the imports cell/);
      assert.match(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8'), /always_run: 'load changes scikit-learn''s settings for the whole process \(cell 3 line 1\)/);
      const first = runPipeline(join(dir, 'out'));
      assert.deepEqual(first.steps.map((s) => s.status), ['ran', 'ran']);
      const second = runPipeline(join(dir, 'out'), '--param', 'scale=2.0');
      assert.deepEqual(second.steps.map((s) => s.status), ['ran', 'ran']);
      assert.equal(second.metrics['total'], (first.metrics['total'] ?? 0) * 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes `%env A=1` in a step for the same change as `os.environ["A"] = "1"`', async () => {
    const { dir, outcome } = await promoteCells([
      { tags: ['imports'], source: 'import pandas as pd' },
      { tags: ['step:load'], source: '%env OMP_NUM_THREADS=1\ndf = pd.DataFrame({"a": [1, 2]})' },
      { tags: ['step:count'], source: 'rows = len(df)' },
      { tags: ['metrics'], source: 'total = rows' },
    ], 'global-config-env');
    try {
      const info = outcome.problems.find((p) => p.code === 'global-config-in-step');
      assert.deepEqual([info?.severity, info?.cellIndex, info?.line], ['info', 1, 1]);
      assert.match(info?.message ?? '', /`%env OMP_NUM_THREADS=1` changes the environment variables for the whole process/);
      assert.match(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8'), /always_run: 'load changes the environment variables for the whole process \(cell 2 line 1\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
