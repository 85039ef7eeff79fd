import * as assert from 'node:assert/strict';
import { analyseNotebook } from '../analysis/analyseNotebook';
import type { StepGraph } from '../contract/stepGraph';
import { inspectText } from '../inspect/inspect';
import { inferredDependencies, listedDependencies, missingDependencies, missingDependenciesMessage, requirementName } from './dependencies';
import { distributionFor } from './distributions';
import { metricNames } from './plan';
import { notebookJson } from './testing';
import type { TestCell } from './testing';

async function graphOf(cells: readonly TestCell[]): Promise<StepGraph> {
  const { notebook, roles } = inspectText(notebookJson(cells), 'nb.ipynb');
  assert.ok(notebook !== undefined && roles !== undefined);
  return (await analyseNotebook(notebook, roles)).graph;
}

const NOTEBOOK: readonly TestCell[] = [
  { tags: ['imports'], source: 'import numpy as np\nfrom scipy import stats\nimport sklearn' },
  { tags: ['skip'], source: '!pip install -q scikit-learn==1.3.0 lightgbm' },
  { tags: ['step:gen'], source: 'x = np.arange(5)' },
  { tags: ['step:apply'], source: 'z = float(stats.zscore(x).sum())\nv = sklearn.__version__' },
  { tags: ['step:fit'], source: 'w = stats.describe(x)' },
];

describe('inferredDependencies', () => {
  it("lists each distribution once, a pinned `pip install` requirement instead of the bare name its import gives, and who needs it", async () => {
    const deps = inferredDependencies(await graphOf(NOTEBOOK), undefined);
    assert.deepEqual(
      deps.map((d) => [d.requirements, d.name]),
      [
        [['lightgbm'], 'lightgbm'],
        [['numpy'], 'numpy'],
        [['pyyaml'], 'pyyaml'],
        [['scikit-learn==1.3.0'], 'scikit-learn'],
        [['scipy'], 'scipy'],
      ],
    );
    assert.deepEqual(deps.find((d) => d.name === 'scipy')?.usedBy, ['the shared cells', 'step apply', 'step fit']);
    assert.deepEqual(deps.find((d) => d.name === 'scikit-learn')?.usedBy, ['the shared cells', 'step apply', 'a `pip install` in the notebook']);
  });
});

describe('distributionFor', () => {
  // Round 51 MM: every `google.*` import was listed as protobuf, Colab's and Kaggle's own modules as distributions.
  it('tells the distribution of a namespace package by the dotted name; none for what only a hosted notebook has', async () => {
    const graph = await graphOf([
      { tags: ['imports'], source: 'from google.cloud import storage, bigquery\nimport google.generativeai as genai\nfrom google.protobuf import text_format\nfrom google.colab import drive\nfrom kaggle_secrets import UserSecretsClient\nfrom imblearn.over_sampling import SMOTE\nfrom mpl_toolkits.mplot3d import Axes3D' },
      { tags: ['step:a'], source: 'x = [storage, bigquery, genai, text_format, drive, UserSecretsClient, SMOTE, Axes3D]' },
    ]);
    assert.deepEqual(inferredDependencies(graph, undefined).map((d) => d.name), ['google-cloud-bigquery', 'google-cloud-storage', 'google-generativeai', 'imbalanced-learn', 'matplotlib', 'protobuf', 'pyyaml']);
    assert.equal(distributionFor('google.oauth2.service_account'), 'google-auth');
    assert.equal(distributionFor('os.path'), undefined);
    assert.equal(distributionFor('sklearn.metrics'), 'scikit-learn');
    assert.equal(distributionFor('janitor'), 'pyjanitor', 'round 78 NON: PyPI janitor is another project');
  });
});

describe('requirementName', () => {
  it('is the PEP 503 name, whatever the specifiers, extras and markers; undefined for what names no distribution', () => {
    assert.equal(requirementName('Scikit_Learn[alldeps]>=1.3; python_version > "3.8"'), 'scikit-learn');
    assert.equal(requirementName('  ruamel.yaml ~= 0.18'), 'ruamel-yaml');
    assert.equal(requirementName('lightgbm==4.1.*'), 'lightgbm');
    assert.equal(requirementName('pkg @ https://example.com/pkg.whl'), 'pkg');
    assert.equal(requirementName('git+https://github.com/org/repo.git'), undefined);
  });
});

describe('listedDependencies and missingDependencies', () => {
  const pyproject = [
    '[project]',
    'name = "nb"',
    'dependencies = [',
    '    "NumPy>=1.20",  # pinned by me',
    "    'scikit_learn[alldeps]',",
    '    "pyyaml", # [not a table]',
    ']',
    '',
    '[project.optional-dependencies]',
    'test = ["pytest", "scipy"]',
  ].join('\n');

  it("reads [project]'s dependencies case-insensitively, without specifiers, extras or comments; not the optional ones", () => {
    assert.deepEqual([...(listedDependencies(pyproject) ?? [])], ['numpy', 'scikit-learn', 'pyyaml']);
  });

  it("reads Poetry's dependencies, and says nothing of dependencies declared dynamic", () => {
    assert.deepEqual([...(listedDependencies('[tool.poetry.dependencies]\npython = "^3.10"\nSciPy = "^1.11"\n"numpy" = {version = "*"}\n') ?? [])], ['scipy', 'numpy']);
    assert.equal(listedDependencies('[project]\nname = "nb"\ndynamic = ["version", "dependencies"]\n'), undefined);
  });

  it('names what the file does not list, and who needs it', async () => {
    const deps = inferredDependencies(await graphOf(NOTEBOOK), undefined);
    const missing = missingDependencies(pyproject, deps);
    assert.deepEqual(missing.map((d) => d.name), ['lightgbm', 'scipy']);
    assert.equal(
      missingDependenciesMessage('pyproject.toml', missing),
      'pyproject.toml is yours and is kept; it does not list lightgbm (the notebook installs it with pip) and scipy (steps apply and fit import it), so installing the package (`pip install -e .`) leaves them out. Add them to its `dependencies`, or delete the file and promote again to have it generated, and kept up to date while you leave it as written',
    );
    const scipy = missing.filter((d) => d.name === 'scipy').map((d) => ({ ...d, usedBy: ['the shared cells', 'step apply'] }));
    assert.match(missingDependenciesMessage('pyproject.toml', scipy), /^pyproject\.toml is yours and is kept; it does not list scipy, which step apply imports, so installing the package \(`pip install -e \.`\) leaves it out\. Add it to/);
    assert.deepEqual(missingDependencies('[project]\ndynamic = ["dependencies"]\n', deps), []);
  });

  // Round 38 M: these were kept silently, though `pip install -e .` installs none of the dependencies from them.
  it('a file listing no dependencies lists none of them; one of tools\' settings only cannot install the package', async () => {
    const deps = inferredDependencies(await graphOf(NOTEBOOK), undefined);
    for (const text of ['[project]\nname = "nb"\nversion = "0.1.0"\n', '[tool.poetry]\nname = "nb"\n', '[tool.black]\nline-length = 100\n']) {
      assert.deepEqual([...(listedDependencies(text) ?? ['unknown'])], [], text);
      assert.deepEqual(missingDependencies(text, deps).map((d) => d.name), ['lightgbm', 'numpy', 'pyyaml', 'scikit-learn', 'scipy'], text);
    }
    const settings = missingDependenciesMessage('pyproject.toml', missingDependencies('[tool.black]\n', deps), '[tool.black]\n');
    assert.match(settings, /^pyproject\.toml is yours and is kept; it holds tools' settings only, no `\[project\]` table, so neither the package nor lightgbm .* can be installed from it \(`pip install -e \.`\)\. Add a `\[project\]` table/);
    assert.match(missingDependenciesMessage('pyproject.toml', missingDependencies('[project]\n', deps), '[project]\n'), /it does not list lightgbm/);
  });
});

describe('metricNames', () => {
  // Round 51 KK: `_ = 5` in the metrics cell was recorded as a metric named `_`.
  it('takes no metric named `_` (a value thrown away)', async () => {
    const { notebook, roles } = inspectText(
      notebookJson([
        { tags: ['step:fit'], source: 'acc = 0.9' },
        { tags: ['metrics'], source: '_ = 5\nscore = acc * 100' },
      ]),
      'nb.ipynb',
    );
    assert.ok(notebook !== undefined && roles !== undefined);
    const analysis = await analyseNotebook(notebook, roles);
    const cells = new Map([...analysis.cells].map(([index, cell]) => [index, cell.generated]));
    const names = metricNames(analysis.graph, cells);
    assert.ok(names.includes('score') && !names.includes('_'), JSON.stringify(names));
  });
});
