import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NbpromoteError } from '../errors';
import { packageNameFor } from '../promote/promote';
import { pipelineArgs, shownPipelineArgs } from './command';

describe('pipelineArgs', () => {
  it('is shown in logs as the command a person types in the output root, with its arguments', () => {
    const argv = pipelineArgs('churn', '/work/out/src', ['--param', 'C=1', '--json']);
    assert.deepEqual(shownPipelineArgs('python3', 'churn', argv), ['python3', '-m', 'churn.pipeline', '--param', 'C=1', '--json']);
  });

  it('refuses a package name that is not an identifier (it is written into Python code)', () => {
    assert.throws(() => pipelineArgs('x"); import os; ("', 'src'), (ex: unknown) => NbpromoteError.is(ex, 'invalidInput'));
  });

  it('runs <package>.pipeline with its arguments, not a module of that name in the current folder', function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python)) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-args-'));
    try {
      mkdirSync(join(dir, 'src', 'churn'), { recursive: true });
      writeFileSync(join(dir, 'src', 'churn', '__init__.py'), '');
      writeFileSync(join(dir, 'src', 'churn', 'pipeline.py'), 'import sys\nif __name__ == "__main__":\n    print("pipeline", sys.argv[1:])\n');
      writeFileSync(join(dir, 'churn.py'), 'print("the notebook script ran")\n');
      const run = spawnSync(python, pipelineArgs('churn', join(dir, 'src'), ['--param', 'n=1']), { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "pipeline ['--param', 'n=1']\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports the package from a folder whose name holds the PYTHONPATH separators, keeping the user\'s PYTHONPATH', function () {
    const python = '/usr/bin/python3';
    if (!existsSync(python)) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-args-'));
    try {
      // `--out "out nb: v3"`: on PYTHONPATH, the folder would be split into "…/out nb" and " v3/src".
      const out = join(dir, 'out nb: v3;x');
      mkdirSync(join(out, 'src', 'churn'), { recursive: true });
      writeFileSync(join(out, 'src', 'churn', '__init__.py'), '');
      writeFileSync(join(out, 'src', 'churn', 'pipeline.py'), 'import sys, helper\nif __name__ == "__main__":\n    print(helper.NAME, sys.argv[1:])\n');
      mkdirSync(join(dir, 'lib'));
      writeFileSync(join(dir, 'lib', 'helper.py'), 'NAME = "helper"\n');
      const run = spawnSync(python, pipelineArgs('churn', join(out, 'src'), ['--json']), { cwd: out, env: { ...process.env, PYTHONPATH: join(dir, 'lib') }, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "helper ['--json']\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('packageNameFor', () => {
  const cases: [string, string][] = [
    ['churn-native.ipynb', 'churn_native'],
    ['01 Sales (v2).py', 'sales_v2'],
    ['wine-percent.py', 'wine_percent'],
    ['analysis.ipynb', 'analysis'],
    // The script itself would be the module `analysis`.
    ['analysis.py', 'analysis_pipeline'],
    ['Analysis.py', 'analysis_pipeline'],
    ['class.ipynb', 'class_pipeline'],
    ['2024.ipynb', 'notebook'],
    // An ordering prefix goes whole; a leading word of a digit and a letter is the name's.
    ['02b_feature_engineering.ipynb', 'feature_engineering'],
    ['10a-Clean Data.ipynb', 'clean_data'],
    ['1.0-jqp-initial-data-exploration.ipynb', 'jqp_initial_data_exploration'],
    ['3d_reconstruction.ipynb', 'reconstruction_3d'],
    ['1st try.ipynb', 'try_1st'],
    // Cut to 100 characters (names become folder names), without a trailing _.
    [`${'a'.repeat(99)}_b${'c'.repeat(200)}.ipynb`, 'a'.repeat(99)],
    [`${'x'.repeat(100)}.py`, `${'x'.repeat(91)}_pipeline`],
  ];
  for (const [file, name] of cases) it(`${file} -> ${name}`, () => assert.equal(packageNameFor(join('/work', file)), name));
});
