import * as assert from 'node:assert/strict';
import { parseInstallCommands } from './requirements';

describe('parseInstallCommands', () => {
  const cases: [string, string[]][] = [
    ['pip install -q pandas scikit-learn==1.2', ['pandas', 'scikit-learn==1.2']],
    ['pip install -U --upgrade --no-cache-dir "numpy>=1.26" \'polars[all]\'', ['numpy>=1.26', 'polars[all]']],
    ['pip3 install xgboost', ['xgboost']],
    ['pip -q install lightgbm', ['lightgbm']],
    ['python -m pip install --user seaborn', ['seaborn']],
    ['python3 -m pip install optuna', ['optuna']],
    ['{sys.executable} -m pip install shap', ['shap']],
    ['/usr/bin/pip install tqdm', ['tqdm']],
    ['uv pip install ruff', ['ruff']],
    ['pip install --index-url https://example.invalid/simple torch torchvision', ['torch', 'torchvision']],
    ['pip install -i https://example.invalid/simple --extra-index-url https://x.invalid torch', ['torch']],
    ['pip install --target=/tmp/x requests', ['requests']],
    ['pip install pandas>=2.0 > /dev/null 2>&1', ['pandas>=2.0']],
    ['pip install -q a && pip install b; pip install c | tail -1', ['a', 'b', 'c']],
    ['pip install --upgrade pip', []],
    ['pip install git+https://example.invalid/org/repo.git@v1', ['git+https://example.invalid/org/repo.git@v1']],
    ['conda install -y -c conda-forge lightgbm=4.1 "catboost>=1.2"', ['lightgbm==4.1.*', 'catboost>=1.2']],
    ['conda install conda-forge::prophet=1.1.5=py_0 numpy==1.26', ['prophet==1.1.5.*', 'numpy==1.26']],
    ['mamba install -n base polars', ['polars']],
    ['PIP_QUIET=1 sudo pip install rich', ['rich']],
  ];
  for (const [command, requirements] of cases) {
    it(`collects ${JSON.stringify(requirements)} from ${JSON.stringify(command)}`, () => {
      assert.deepEqual(
        parseInstallCommands(command).flatMap((c) => c.requirements),
        requirements,
      );
    });
  }

  const nothing = ['pip show scikit-learn', 'pip list', 'pip uninstall -y pandas', 'ls -la', 'head -n 3 data.csv', 'echo pip install x', ''];
  for (const command of nothing) {
    it(`finds no install in ${JSON.stringify(command)}`, () => assert.deepEqual(parseInstallCommands(command), []));
  }

  const skipped: [string, string[]][] = [
    ['pip install -r requirements.txt pandas', ['-r requirements.txt']],
    ['pip install -rrequirements.txt', ['-r requirements.txt']],
    ['pip install -e . ./lib ../pkg.whl', ['-e .', './lib', '../pkg.whl']],
    ['pip install $PKG {name}', ['$PKG', '{name}']],
    ['conda install --file env.txt', ['--file env.txt']],
  ];
  for (const [command, arguments_] of skipped) {
    it(`reports what it cannot collect in ${JSON.stringify(command)}`, () => {
      const found = parseInstallCommands(command).flatMap((c) => c.skipped);
      assert.deepEqual(found.map((s) => s.argument), arguments_);
      for (const s of found) assert.match(s.reason, /\w/);
    });
  }

  it('names the tool', () => {
    assert.deepEqual(parseInstallCommands('pip install a && conda install b').map((c) => c.tool), ['pip', 'conda']);
  });
});
