import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNotebook } from '../notebook/parse';
import { readRoles } from './roles';
import { markdownHeadings, stepNameFromHeading, suggestedStepCells, suggestionTag, suggestSteps } from './suggest';
import type { CellSpec } from './testing';
import { makeNotebook } from './testing';

function suggest(cells: readonly (CellSpec | string)[]): { cell: number; name: string; heading: string }[] {
  const notebook = makeNotebook(cells);
  return suggestSteps(notebook, readRoles(notebook)).map((s) => ({ cell: s.cellIndex, name: s.name, heading: s.heading }));
}

const md = (source: string): CellSpec => ({ kind: 'markdown', source });

describe('stepNameFromHeading', () => {
  const cases: readonly [string, string | undefined][] = [
    ['Load the data', 'load_data'],
    ['2. Clean *outliers*', 'clean_outliers'],
    ['1.2 Feature engineering', 'feature_engineering'],
    ['Step 3: Train', 'train'],
    ['Part 2 – Évaluation', 'evaluation'],
    ['Train a random forest classifier on the features', 'train_random_forest_classifier'],
    ['2020 sales', 'step_2020_sales'],
    ['Import', 'import_'],
    ['`load_raw_data()` from [the bucket](https://example.invalid)', 'load_raw_data'],
    // Round 60 FFF: a course's exercise numbers took the words, and a name ended on "and".
    ['Exercise 1: Split and scale', 'split_and_scale'],
    ['Task 2b. Train three models', 'train_three_models'],
    ['Question 3 - Evaluate the models with cross validation', 'evaluate_models'],
    // Round 61 GGG: `(optional)` and `Q4:` kept, and "and" cut a name short.
    ['Exercise 4 (optional): Look at the feature importances', 'look_at_feature_importances'],
    ['Exercise 2 (bonus): Tune the model', 'tune_model'],
    ['Q4: What is the accuracy?', 'what_is_accuracy'],
    ['Task 2b. Split and scale the features into train and test sets', 'split_and_scale_features'],
    ['**Split** into train/test', 'split_into_train_test'],
    // Round 75 IJI: a section's number alone named the step by its place (`Question 1` was `step_2`).
    ['Question 1', 'question_1'],
    ['Part 2.', 'part_2'],
    ['3.', undefined],
    ['🚀', undefined],
    ['The', 'the'],
    ['', undefined],
  ];
  for (const [heading, name] of cases) {
    it(`${JSON.stringify(heading)} -> ${String(name)}`, () => assert.equal(stepNameFromHeading(heading), name));
  }
});

describe('markdownHeadings', () => {
  // Round 69 VVV: `reduce_model_s_input`.
  it('reads a possessive or a contraction as one word', () => {
    assert.equal(stepNameFromHeading("Reduce the model's input"), 'reduce_model_input');
    assert.equal(stepNameFromHeading('Don’t overfit'), 'dont_overfit');
  });

  it('reads ATX headings with closing marks and levels', () => {
    assert.deepEqual(markdownHeadings('# Title\ntext\n### Sub ##\n#hashtag\n####### seven'), [
      { level: 1, text: 'Title' },
      { level: 3, text: 'Sub' },
    ]);
  });
  it('reads setext headings, not thematic breaks or list items', () => {
    assert.deepEqual(markdownHeadings('Title\n=====\n\n---\n\n- item\n---\nSection\n-------'), [
      { level: 1, text: 'Title' },
      { level: 2, text: 'Section' },
    ]);
  });
  it('ignores lines inside fenced code blocks', () => {
    assert.deepEqual(markdownHeadings('```python\n# a comment\n```\n~~~\n## no\n~~~\n## Yes'), [{ level: 2, text: 'Yes' }]);
  });
});

describe('suggestSteps', () => {
  // Round 68 TTT: `## Evaluate` followed by `## Save model` was a step, and the run recorded no metric.
  it('takes an evaluation section followed by others as the metrics, unless a later cell reads what it binds', () => {
    assert.deepEqual(suggest([md('## Load'), 'x = load()', md('## Evaluate'), 'print("acc:", score(x))', md('## Save model'), 'save(x)']).map((x) => x.name), ['load', 'metrics', 'save_model']);
    assert.deepEqual(suggest([md('## Load'), 'x = load()', md('## Evaluate'), 'best = pick(x)\nprint("acc:", best)', md('## Save model'), 'save(best)']).map((x) => x.name), ['load', 'evaluate', 'save_model']);
  });

  // Round 68 UUU: a papermill notebook reading data under its title was refused (a shared cell read a parameter).
  it('starts a step at the first cell reading a parameter under no heading of its own: load_data, prepare, or main', () => {
    const params: CellSpec = { source: 'data_path = "d.csv"\nC = 1.0', tags: ['parameters'] };
    assert.deepEqual(suggest([md('# Will they buy?'), 'import pandas as pd', params, 'df = pd.read_csv(data_path)', 'df.info()', md('## Fit'), 'm = fit(df, C)']), [
      { cell: 3, name: 'load_data', heading: 'Will they buy?' },
      { cell: 6, name: 'fit', heading: 'Fit' },
    ]);
    assert.deepEqual(suggest(['import numpy as np', params, 'x = np.ones(3) * C', md('## Fit'), 'm = x.sum()']).map((x) => x.name), ['prepare', 'fit']);
    assert.deepEqual(suggest(['import numpy as np', params, 'x = np.ones(3) * C', 'm = x.sum()']).map((x) => x.name), ['main']);
    // Scores computed by plain assignments first, then printed (round 70 XXX: only a cell of prints was taken).
    assert.deepEqual(suggest([md('## Load'), 'x = load()', md('## Fit'), 'm = fit(x)', 'r2 = score(m, x)\nmae = error(m, x)\nprint(f"R2: {r2:.3f}")\nprint("MAE:", mae)']).map((x) => [x.cell, x.name]), [[1, 'load'], [3, 'fit'], [4, 'metrics']]);
    // Not a cell doing more than that.
    assert.deepEqual(suggest([md('## Load'), 'x = load()', md('## Fit'), 'm = fit(x)', 'r2 = score(m, x)\nsave(m)\nprint("R2:", r2)']).map((x) => x.name), ['load', 'fit']);
    // Not hidden by a cell left out after it (round 70 XXX).
    assert.deepEqual(suggest([md('## Load'), 'x = load()', md('## Fit'), 'm = fit(x)', 'print("score:", m)', { source: 'm.plot(kind="x")', tags: ['raises-exception'] }]).map((x) => [x.cell, x.name]), [[1, 'load'], [3, 'fit'], [4, 'metrics']]);
    // The last cell only printing a score is the metrics then too (round 69 VVV).
    assert.deepEqual(suggest(['import numpy as np', params, 'x = np.ones(3) * C', 'm = x.sum()', 'print("score:", m)']).map((x) => [x.cell, x.name]), [[2, 'main'], [4, 'metrics']]);
    // A cell reading no parameter stays the preamble, under a heading.
    assert.deepEqual(suggest([md('# Ones'), 'import numpy as np', params, 'K = 3', 'x = np.ones(K)']), []);
  });

  // Round 72 DED: half the real notebooks have no heading at all, and were refused.
  it('gives a notebook with no heading one step, main, from its first cell doing more than the preamble', () => {
    const notebook = makeNotebook(['import pandas as pd', 'K = 3', 'df = pd.read_csv("d.csv").head(K)', md('Fit the model'), 'm = fit(df)', 'print("score:", m)']);
    assert.deepEqual(suggestSteps(notebook, readRoles(notebook)).map((x) => [x.cellIndex, x.name, x.heading, x.noHeading]), [
      [2, 'main', '', true],
      [5, 'metrics', '', undefined],
    ]);
    // Only imports, settings and constants: nothing to make a step of.
    assert.deepEqual(suggest(['import numpy as np', 'np.random.seed(0)', 'K = 3\nNAMES = ["a"]']), []);
  });

  // Round 67 SSS: VS Code / Spyder scripts and sphinx-gallery examples had no heading to infer steps from.
  it("reads a percent script's cell titles and reST comment headings opening a cell as headings", () => {
    const vscode = ['import numpy as np', '', '# %% Load data', 'x = np.arange(3)', '', '# %% Train model', 'm = x.sum()', '', '# %% Evaluate', 'print("m:", m)', ''].join('\n');
    const read = (text: string): { cell: number; name: string; heading: string }[] => {
      const notebook = parseNotebook(text, 'script.py').notebook;
      assert.ok(notebook !== undefined);
      return suggestSteps(notebook, readRoles(notebook)).map((x) => ({ cell: x.cellIndex, name: x.name, heading: x.heading }));
    };
    assert.deepEqual(read(vscode), [
      { cell: 1, name: 'load_data', heading: 'Load data' },
      { cell: 2, name: 'train_model', heading: 'Train model' },
      { cell: 3, name: 'metrics', heading: 'Evaluate' },
    ]);
    const gallery = ['import numpy as np', '', '# %%', '# Digits dataset', '# --------------', '#', '# Prose.', '', 'x = np.arange(3)', '', '# %%', '# Classification', '# ==============', 'm = x.sum()', '', '# %%', '# not a heading', 'y = m + 1', ''].join('\n');
    assert.deepEqual(read(gallery), [
      { cell: 1, name: 'digits_dataset', heading: 'Digits dataset' },
      { cell: 2, name: 'classification', heading: 'Classification' },
    ]);
    // Round 68 TTT: an overline too; commented-out code above a rule is no heading.
    const ruled = ['import numpy as np', '', '# %%', '# ==========', '# Load data', '# ==========', 'x = np.arange(3)', '', '# %%', '# df = df.dropna()', '# ---', 'm = x.sum()', ''].join('\n');
    assert.deepEqual(read(ruled), [{ cell: 1, name: 'load_data', heading: 'Load data' }]);
    assert.deepEqual(read(ruled.replace('# Load data', '# Reduce with PCA (2D)')).map((x) => x.heading), ['Reduce with PCA (2D)']);
  });

  it('suggests the first code cell under each H1-H3 heading', () => {
    assert.deepEqual(suggest([md('# Load'), 'x = 1', 'y = 2', md('## Train model'), 'm = x + y', md('### Report'), 'print(m)']), [
      { cell: 1, name: 'load', heading: 'Load' },
      { cell: 4, name: 'train_model', heading: 'Train model' },
      { cell: 6, name: 'report', heading: 'Report' },
    ]);
  });

  // Round 43 V: under the title, after the imports, `test_size = 0.25\nseed = 7` became a step named after the title.
  it("suggests the parameters role for a cell of literal settings under the notebook's title, after its imports", () => {
    const cells = [md('# Wine classifier'), 'import numpy as np\nfrom sklearn.datasets import load_wine', 'test_size = 0.25\nseed = 7', md('## Load'), 'X, y = load_wine(return_X_y=True)', md('## Train'), 'm = fit(X, y, seed)'];
    assert.deepEqual(suggest(cells), [
      { cell: 2, name: 'parameters', heading: 'Wine classifier' },
      { cell: 4, name: 'load', heading: 'Load' },
      { cell: 6, name: 'train', heading: 'Train' },
    ]);
    // Not the title section's first code cell (a first section's own step), nor constants in capitals (the preamble).
    assert.deepEqual(suggest([md('# Wine classifier'), 'test_size = 0.25', md('## Train'), 'm = fit(test_size)']).map((x) => x.name), ['wine_classifier', 'train']);
    assert.deepEqual(suggest([md('# Wine classifier'), 'import numpy as np', 'SEED = 7', md('## Train'), 'm = fit(SEED)']).map((x) => x.name), ['train']);
  });

  // Round 37 K: a Kaggle notebook's title section (imports, constants, helpers) became one step returning them all.
  it("passes over a first section's cells of constants and helper functions: the notebook's preamble", () => {
    const constants = 'N_FOLDS = 5\nSEED = 42  # fixed\nLR: float = 0.05\nCAT_COLS = [\n    "a",\n    "b",\n]';
    const helpers = '@njit\ndef rmsle(y, p):\n    """Root mean squared log error."""\n    return ((y - p) ** 2).mean() ** 0.5\n\nclass Box:\n    size = 1';
    const kaggle = "import numpy as np # linear algebra\nimport os\nimport logging\nlog = logging.getLogger(__name__)\nlog.setLevel(logging.INFO)\nimport warnings\nwarnings.filterwarnings('ignore')\n\nfor dirname, _, filenames in os.walk('/kaggle/input'):\n    for filename in filenames:\n        print(os.path.join(dirname, filename))";
    assert.deepEqual(suggest([md('# House prices'), kaggle, constants, helpers, md('## Load'), 'df = load()', md('## Train'), 'm = fit(df)']), [
      { cell: 5, name: 'load', heading: 'Load' },
      { cell: 7, name: 'train', heading: 'Train' },
    ]);
    // Round 61 GGG: an output folder made in the title section (`mkdir outputs`) made the title a step.
    for (const folder of ['mkdir outputs', '!mkdir -p models', 'import os\nos.makedirs("out", exist_ok=True)']) {
      assert.deepEqual(suggest([md('# Titanic starter'), kaggle, folder, md('## Load'), 'df = load()']).map((s) => s.name), ['load'], folder);
    }
    // Work among them (a lower-case value, a call) is a step.
    for (const work of ['N_FOLDS = 5\ndf = load()', 'def f():\n    return 1\nf()', 'SEED = 1; x = 2', "for d, _, fs in os.walk('data'):\n    rows += len(fs)"]) {
      assert.deepEqual(suggest([md('# Title'), work, md('## Next'), 'y = 1']).map((s) => s.cell), [1, 3], work);
    }
    // After a step, a section of helpers joins it (round 78 OPO: a step of its own did nothing); one of constants is a step.
    assert.deepEqual(suggest([md('# Load'), 'x = load()', md('## Helpers'), helpers]).map((s) => s.name), ['load']);
    assert.deepEqual(suggest([md('# Load'), 'x = load()', md('## Settings'), 'N_FOLDS = 5']).map((s) => s.name), ['load', 'settings']);
  });

  it('suggests the metrics role (tag metrics) for the first code cell under a heading naming the metrics, once', () => {
    const cells = [md('## Load'), 'rows = [1, 2]', md('## 5. Metrics'), 'total = sum(rows)', md('## Model metrics'), 'mean = total / 2'];
    assert.deepEqual(suggest(cells), [
      { cell: 1, name: 'load', heading: 'Load' },
      { cell: 3, name: 'metrics', heading: '5. Metrics' },
      { cell: 5, name: 'model_metrics', heading: 'Model metrics' },
    ]);
    assert.equal(suggestionTag('metrics'), 'metrics');
    assert.equal(suggestionTag('load'), 'step:load');
    // Round 77 MNM: `### Calculate metrics` was a step of its own.
    for (const heading of ['### Calculate metrics', '## Computing the metrics', '## Compute metrics']) {
      assert.deepEqual(suggest([md('## Load'), 'rows = [1, 2]', md(heading), 'total = sum(rows)']).map((x) => x.name), ['load', 'metrics'], heading);
    }
    // A notebook that has its metrics cell already gets a step.
    assert.deepEqual(suggest([md('## Load'), 'rows = [1, 2]', md('## Metrics'), 'total = sum(rows)', { tags: ['metrics'], source: 'print(total)' }]).map((s) => s.name), ['load', 'metrics_step']);
  });

  // Round 37 K: a Kaggle notebook's closing prints joined the submission step, and the run recorded no metric.
  it("suggests the metrics role for the notebook's last code cell when it only prints or shows values, when nothing else gives the metrics", () => {
    const prints = "print(f'CV RMSLE: {np.mean(scores):.5f} +/- {np.std(scores):.5f}')\nprint(\n    'rows:', len(df),\n)\ndisplay(df.head())";
    const cells = [md('## Data'), 'df = load()', md('## Submission'), 'sub = make(df)\nsub.to_csv("s.csv")', prints];
    const notebook = makeNotebook(cells);
    const found = suggestSteps(notebook, readRoles(notebook));
    assert.deepEqual(found.map((s) => [s.cellIndex, s.name, s.lastPrints]), [[1, 'data', undefined], [3, 'submission', undefined], [4, 'metrics', true]]);
    // Round 77 MNM: a constant's name holding a score word (`METRICS_OUT`, a path) is no score.
    for (const other of ['print(total)\ntotal += 1', 'x = 1', '# a comment only', 'METRICS_OUT']) assert.deepEqual(suggest([...cells.slice(0, 4), other]).map((s) => s.name), ['data', 'submission'], other);
    assert.deepEqual(suggest([...cells, md('## Metrics'), 'print(1)']).map((s) => s.name), ['data', 'submission', 'metrics']);
    assert.deepEqual(suggest([...cells.slice(0, 4), { source: prints, tags: ['skip'] }]).map((s) => s.name), ['data', 'submission']);
    // Round 56 WW: a last cell printing a predicted label, no score, is no metrics cell.
    for (const label of ['print("The Cancer class of this Features is ", pre)', 'print(model.predict(x_new))']) assert.deepEqual(suggest([...cells.slice(0, 4), label]).map((s) => s.name), ['data', 'submission'], label);
    for (const score of ['print("Test MAE:", err)', 'print(acc)', 'display(results_df)']) assert.deepEqual(suggest([...cells.slice(0, 4), score]).map((s) => s.name), ['data', 'submission', 'metrics'], score);
  });

  it('suggests the metrics role for a last section headed Results, Evaluation or Summary after a step, when nothing else gives the metrics', () => {
    for (const heading of ['Results', '6. Evaluation', 'Summary', 'Final results']) {
      assert.deepEqual(suggest([md('## Load'), 'rows = [1, 2]', md(`## ${heading}`), 'pd.DataFrame({"total": [sum(rows)]})']).map((s) => s.name), ['load', 'metrics'], heading);
    }
    // Not when it is no last section, nor the only one, nor with a metrics heading or cell.
    assert.deepEqual(suggest([md('## Load'), 'rows = [1, 2]', md('## Results'), 'total = sum(rows)', md('## Plot'), 'print(total)']).map((s) => s.name), ['load', 'results', 'plot']);
    assert.deepEqual(suggest([md('## Results'), 'total = 3']).map((s) => s.name), ['results']);
    assert.deepEqual(suggest([md('## Load'), 'rows = [1, 2]', md('## Metrics'), 'total = sum(rows)', md('## Results'), 'print(total)']).map((s) => s.name), ['load', 'metrics', 'results']);
  });

  it('ignores H4 and deeper, and headings with no code cell under them', () => {
    assert.deepEqual(suggest([md('# Title'), md('## Load'), 'x = 1', md('#### Details'), 'y = x']), [{ cell: 2, name: 'load', heading: 'Load' }]);
  });

  it('takes the last H1-H3 heading of a markdown cell', () => {
    assert.deepEqual(suggest([md('# Report\n\n## Train\nFit the model.'), 'm = 1']), [{ cell: 1, name: 'train', heading: 'Train' }]);
  });

  it('in an nbdev notebook, takes the cells nbdev leaves out for having no directive, each under its heading', () => {
    const cells = ['#| default_exp scoring', md('# Scoring'), '#| export\nimport pandas as pd', md('## Load'), 'df = pd.read_csv("a.csv")', 'df = df.dropna()', md('## Score'), 'n = len(df)', '#| export\ndef f(x):\n    return x'];
    assert.deepEqual(suggest(cells), [
      { cell: 4, name: 'load', heading: 'Load' },
      { cell: 7, name: 'score', heading: 'Score' },
    ]);
    const notebook = makeNotebook(cells);
    const roles = readRoles(notebook);
    // Every cell of an nbdev step names it: the second cell under Load too; not the exported one under Score.
    assert.deepEqual([...suggestedStepCells(notebook, roles, suggestSteps(notebook, roles))], [[4, 'load'], [7, 'score'], [5, 'load']]);
  });

  it('passes over imports-only, empty, comment and magic cells', () => {
    assert.deepEqual(suggest([md('# Load'), 'import pandas as pd\nfrom x import (\n  a,\n  b,\n)', '', '# just a comment\n%matplotlib inline', 'df = pd.DataFrame()']), [
      { cell: 4, name: 'load', heading: 'Load' },
    ]);
  });

  it('takes a setup heading before the first step for the preamble, not a step; after a step it is a step', () => {
    for (const heading of ['## Imports', '# Setup', '## 1. Import libraries', '### Configuration', '## Parameters']) {
      assert.deepEqual(suggest([md(heading), 'import numpy as np\nSEED = 42\nDATA = "data/x.csv"', md('## Train'), 'm = np.zeros(SEED)']), [{ cell: 3, name: 'train', heading: 'Train' }], heading);
    }
    assert.deepEqual(
      suggest([md('## Load'), 'x = 1', md('## Setup'), 'y = x + 1']).map((s) => s.name),
      ['load', 'setup'],
    );
    // Round 61 HHH: a setup cell reading a parameter (`config_file`) is a step, not the preamble, which cannot read one.
    assert.deepEqual(
      suggest([{ source: 'config_file = "params.json"', tags: ['parameters'] }, md('## Setup'), 'import json\nwith open(config_file) as f:\n    params = json.load(f)', md('## Train'), 'm = params["C"]']).map((s) => [s.cell, s.name]),
      [[2, 'setup'], [4, 'train']],
    );
  });

  // A data-loading cell before the first section (or under `## Setup`) went to common.py, read at every import.
  it('starts a step load_data at the first cell reading a data file before any section, with or without a setup heading', () => {
    const tail = [md('## Cleaning'), 'df = df.dropna()', md('## Model'), 'm = fit(df)'];
    assert.deepEqual(suggest(['import pandas as pd', "df = pd.read_csv('data.csv')\ndf.head()", ...tail]).map((s) => [s.cell, s.name]), [[1, 'load_data'], [3, 'cleaning'], [5, 'model']]);
    assert.deepEqual(suggest([md('## Setup'), "import pandas as pd\nDATA = 'data.csv'", 'df = pd.read_csv(DATA)', ...tail]).map((s) => [s.cell, s.name]), [[2, 'load_data'], [4, 'cleaning'], [6, 'model']]);
    // Round 78 NON: a dataset of a library, a Path's text, a `load()` helper called; not a log file opened to write.
    for (const load of ['X, y = load_iris(return_X_y=True)', 'text = Path("notes.txt").read_text()', 'df = load()']) {
      assert.deepEqual(suggest(['import pandas as pd', load, ...tail]).map((s) => s.name), ['load_data', 'cleaning', 'model'], load);
    }
    assert.deepEqual(suggest(['import pandas as pd', 'log = open("log.txt", "w")', ...tail]).map((s) => s.name), ['cleaning', 'model']);
    // A helper that reads a file is the preamble's; so is a cell of constants naming the file.
    assert.deepEqual(suggest(['import pandas as pd\ndef load(p):\n    return pd.read_csv(p)', "PATH = 'data.csv'", ...tail]).map((s) => s.name), ['cleaning', 'model']);
  });

  // Round 61 HHH: `## Evaluate` was no results heading, so its scores were no metrics.
  it('takes a last `## Evaluate` section after a step for the metrics, as `## Evaluation`', () => {
    assert.deepEqual(suggest([md('## Train'), 'm = 1', md('## Evaluate'), 'acc = m * 0.5\nprint("accuracy:", acc)']).map((s) => s.name), ['train', 'metrics']);
    // Round 62 III: with a phrase after it, and in other languages.
    for (const heading of ['## Evaluate on the test set', '## Evaluation of the final model', '## Test set results', '## Auswertung', '## Évaluation du modèle', '## Evaluación', '## Оценка модели', '## 評価', '## 모델 평가']) {
      assert.deepEqual(suggest([md('## Train'), 'm = 1', md(heading), 'acc = m * 0.5\nprint("accuracy:", acc)']).map((s) => s.name), ['train', 'metrics'], heading);
    }
  });

  // Round 62 III: set-up headings in other languages became steps.
  it('takes set-up and settings headings in other languages for the preamble and the parameters', () => {
    for (const heading of ['## Настройка', '## Einrichtung', '## Configuración', '## Préparation', '## 準備', '## 설정']) {
      assert.deepEqual(suggest([md(heading), 'import numpy as np', md('## Train'), 'm = np.zeros(3)']).map((s) => s.name), ['train'], heading);
    }
    for (const heading of ['## Параметры', '## Parámetros', '## Paramètres', '## パラメータ']) {
      assert.deepEqual(suggest([md('# Churn'), 'import numpy as np', md(heading), 'SEED = 42', md('## Train'), 'm = np.zeros(SEED)']).map((s) => s.name), ['parameters', 'train'], heading);
    }
  });

  // Round 41 Q, R: under `## Parameters` the literals stayed constants, so no untagged notebook took `--param`.
  it('suggests the parameters role for the first cell of literal assignments under a settings heading before any step, once', () => {
    for (const heading of ['## Parameters', '## Hyperparameters', '# Config', '### 2. Settings', '## Params', '## Parameters:']) {
      const cells = [md('# Churn'), 'import numpy as np', md(heading), '# knobs\nDATA_DIR = "../data"\nSEED = 42\nGRID = {\n    "depth": [3, 5],\n}', 'LATE = 1', md('## Train'), 'm = np.zeros(SEED)'];
      assert.deepEqual(suggest(cells), [{ cell: 3, name: 'parameters', heading: heading.replace(/^#+ /, '') }, { cell: 6, name: 'train', heading: 'Train' }], heading);
    }
    assert.equal(suggestionTag('parameters'), 'parameters');
    // Not a cell doing more than assign literals, not a heading naming something else, not after a step, not
    // when a cell has the role already.
    assert.deepEqual(suggest([md('## Parameters'), 'DATA = Path.cwd()\nN = 3', md('## Train'), 'm = N']).map((s) => s.name), ['train']);
    assert.deepEqual(suggest([md('## Constants'), 'N = 3', md('## Train'), 'm = N']).map((s) => s.name), ['train']);
    assert.deepEqual(suggest([md('## Load'), 'x = 1', md('## Parameters'), 'N = 3']).map((s) => s.name), ['load', 'parameters_step']);
    assert.deepEqual(suggest([{ source: 'K = 2', tags: ['parameters'] }, md('## Settings'), 'N = 3', md('## Train'), 'm = N * K']).map((s) => s.name), ['train']);
  });

  it('passes over a cell of imports and session settings (display options, warnings, seeds, sys.path)', () => {
    const setup = "import pandas as pd\nimport warnings\npd.set_option('display.precision', 3)\nwarnings.filterwarnings('ignore')\nnp.random.seed(0)\nsys.path.append('..')";
    assert.deepEqual(suggest([md('# Diabetes progression'), setup, md('## Load data'), 'df = pd.read_csv(path)']), [{ cell: 3, name: 'load_data', heading: 'Load data' }]);
  });

  // Round 34 A: `matplotlib.use("Agg")` among the imports made the title's section a step doing nothing.
  it('passes over the other common settings: the plotting backend and style, print options, seeds, logging, sklearn', () => {
    const settings = [
      'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt',
      "mpl.rcParams['figure.dpi'] = 120\nplt.rc('font', size=9)\nsns.set_palette('muted')",
      'np.set_printoptions(precision=3)\nnp.seterr(all="ignore")\ntf.random.set_seed(0)\nrandom.seed(1)',
      'logging.basicConfig(level=logging.INFO)\nset_config(transform_output="pandas")\ntqdm.pandas()\nInteractiveShell.ast_node_interactivity = "all"',
    ];
    for (const setup of settings) assert.deepEqual(suggest([md('# Customer segmentation'), setup, md('## Load'), 'df = load()']), [{ cell: 3, name: 'load', heading: 'Load' }], setup);
  });

  it('leaves cells with roles alone, and the heading is used up', () => {
    assert.deepEqual(suggest([md('# Params'), { source: 'n = 1', tags: ['parameters'] }, 'x = n', md('# Load'), { source: 'y = 2', tags: ['step:read'] }, 'z = y']), []);
  });

  it('suggests a step for an untagged cell that would otherwise join the step above', () => {
    assert.deepEqual(suggest([{ source: 'x = 1', tags: ['step:load'] }, md('## Train'), 'm = x']), [{ cell: 2, name: 'train', heading: 'Train' }]);
  });

  // Round 78 OPO: a step whose body was `pass`.
  it('starts no step at a section holding only functions and classes after a step: they join the step above', () => {
    assert.deepEqual(
      suggest([md('## Load'), 'df = load()', md('## Custom Transformers'), 'from sklearn.base import BaseEstimator\n\nclass Adder(BaseEstimator):\n    def fit(self, X, y=None):\n        return self', md('## Train'), 'm = Adder().fit(df)']).map((x) => [x.cell, x.name]),
      [[1, 'load'], [5, 'train']],
    );
    // With a constant beside the function (round 79 PQP: a step `helpers` returning a closure); constants alone are a step.
    assert.deepEqual(suggest([md('## Load'), 'df = load()', md('## Helpers'), 'LIMIT = 5\n\ndef clip(x):\n    return min(x, LIMIT)', md('## Train'), 'm = clip(df)']).map((x) => x.name), ['load', 'train']);
    // A later cell of that section doing work starts it.
    assert.deepEqual(suggest([md('## Load'), 'df = load()', md('## Features'), 'def f(x):\n    return x', 'df2 = f(df)']).map((x) => [x.cell, x.name]), [[1, 'load'], [4, 'features']]);
  });

  // Round 77 MNM: `effect_of_rescaling` and `effect_of_rescaling_2`.
  it('adds the words telling headings apart when their first four words give one name', () => {
    assert.deepEqual(
      suggest([md('## Effect of rescaling on a KNeighbors model'), 'a = 1', md("## Effect of rescaling on model's performance"), 'b = a', md('## Effect of rescaling on a KNeighbors model'), 'c = b']).map((x) => x.name),
      ['effect_of_rescaling_kneighbors', 'effect_of_rescaling_performance', 'effect_of_rescaling_kneighbors_2'],
    );
    // Round 78 OPO: `use_columntransformer` and a name of seven words.
    assert.deepEqual(
      suggest([md('## Use ``ColumnTransformer`` by selecting column by names'), 'a = 1', md('## Use ``ColumnTransformer`` by selecting column by data types'), 'b = a']).map((x) => x.name),
      ['use_columntransformer_names', 'use_columntransformer_data_types'],
    );
    // Round 78 NON: one name the start of the other (`train_model`, cut before a phrase), and words past the eighth.
    assert.deepEqual(
      suggest([md('## Train the model with ridge'), 'a = 1', md('## Train the model with elastic net'), 'b = a']).map((x) => x.name),
      ['train_model_ridge', 'train_model_elastic_net'],
    );
    assert.deepEqual(
      suggest([md('## Compare the results of all the trained models on the first split'), 'a = 1', md('## Compare the results of all the trained models on the second split'), 'b = a']).map((x) => x.name),
      ['compare_results_first', 'compare_results_second'],
    );
  });

  it('makes names unique against existing steps and each other', () => {
    assert.deepEqual(
      suggest([{ source: 'x = 1', tags: ['step:load'] }, md('# Load'), 'y = 1', md('# Load'), 'z = 1', md('# 🚀'), 'w = 1']).map((s) => s.name),
      ['load_2', 'load_3', 'step_3'],
    );
  });

  it('suggests load_data, clean_outliers and the metrics (the last section, Summary) for the extension tests fixture', () => {
    const file = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'promote-headings.ipynb');
    const { notebook } = parseNotebook(readFileSync(file, 'utf8'), 'promote-headings.ipynb');
    assert.ok(notebook);
    assert.deepEqual(
      suggestSteps(notebook, readRoles(notebook)).map((s) => [s.cellIndex, s.name]),
      [
        [3, 'load_data'],
        [6, 'clean_outliers'],
        [9, 'metrics'],
      ],
    );
  });
});
