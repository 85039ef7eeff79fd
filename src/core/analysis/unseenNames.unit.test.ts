// Names found promoting unseen notebooks (round 2): `__file__` in a cell means the notebook, not the module the
// code moves to; non-ASCII names passed between steps would make a pipeline.yaml the runner refuses.
import * as assert from 'node:assert/strict';
import type { Notebook } from '../contract/notebook';
import { readRoles } from '../tags/roles';
import { analyseNotebook } from './analyseNotebook';
import { analyseCodeCell, notebookFileForDunderFile } from './cellFacts';
import { initPythonParser } from './python/parser';

function notebook(cells: readonly { tags: string[]; source: string }[]): Notebook {
  return { path: 'nb.ipynb', format: 'ipynb', nbformat: 4, nbformatMinor: 5, metadata: {}, cells: cells.map((c, index) => ({ index, id: `c${index}`, kind: 'code', source: c.source, tags: c.tags, metadata: { tags: c.tags }, outputs: [] })) } as unknown as Notebook;
}

describe('__file__ in a cell', () => {
  before(() => initPythonParser());

  it('is renamed _NB_FILE where the cell reads it, not in strings, comments or a name it binds', () => {
    const a = analyseCodeCell("é = 'x'; p = Path(__file__)\r\nq = '__file__'  # __file__\r\ndef f():\r\n\treturn __file__\r\n");
    assert.equal(a.generated.code, "é = 'x'; p = Path(_NB_FILE)\nq = '__file__'  # __file__\ndef f():\n\treturn _NB_FILE\n");
    assert.ok(a.generated.uses.has('_NB_FILE') && !a.generated.uses.has('__file__'));
    assert.equal(analyseCodeCell('__file__ = "x.py"\nprint(__file__)').generated.code, '__file__ = "x.py"\nprint(__file__)');
  });

  it('leaves the code alone when a site does not hold __file__', () => {
    assert.deepEqual(notebookFileForDunderFile('x = 1', [{ name: '__file__', line: 1, column: 1 }]), { code: 'x = 1', replaced: false });
  });
});

describe('non-ASCII names pipeline.yaml would list', () => {
  it('are an error on the cell and line that bind them, with an ASCII spelling', async () => {
    const nb = notebook([
      { tags: ['parameters'], source: "région = 'north'" },
      { tags: ['step:load'], source: 'café = 1\ndonnées = [région]' },
      { tags: ['step:train'], source: 'n = len(données) + café' },
    ]);
    const { problems } = await analyseNotebook(nb, readRoles(nb));
    const ascii = problems.filter((p) => p.code === 'name-not-ascii');
    assert.deepEqual(ascii.map((p) => [p.cellIndex, p.line, p.severity]), [[0, 1, 'error'], [1, 1, 'error'], [1, 2, 'error']]);
    assert.match(ascii[2]?.message ?? '', /données [^]*\(donnees, say\)/);
  });

  it('suggest the name without its accents, or `value` when that leaves no ASCII name (not `_`)', async () => {
    const nb = notebook([
      { tags: ['step:load'], source: 'μ = 0.5\nΔt = 2' },
      { tags: ['step:train'], source: 'n = μ + Δt' },
    ]);
    const { problems } = await analyseNotebook(nb, readRoles(nb));
    const ascii = problems.filter((p) => p.code === 'name-not-ascii').map((p) => /\(([^,]*), say\)/.exec(p.message)?.[1]);
    assert.deepEqual(ascii, ['value', 'value']);
  });

  it('are fine inside one step', async () => {
    const nb = notebook([{ tags: ['step:load'], source: 'étiquette = "€"\nlabel = étiquette.upper()' }, { tags: ['step:show'], source: 'print(label)' }]);
    const { problems } = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(problems.filter((p) => p.code === 'name-not-ascii'), []);
  });
});

describe('names only IPython has (round 4)', () => {
  it('a read of get_ipython or display the translation could not remove is a warning naming the line', async () => {
    const nb = notebook([
      { tags: ['step:load'], source: 'import os\nip = get_ipython()\nx = [display(1)]\ndisplay(2)' },
      { tags: ['metrics'], source: 'n = len(x)' },
    ]);
    const analysis = await analyseNotebook(nb, readRoles(nb));
    const warnings = analysis.problems.filter((p) => p.code === 'ipython-name');
    assert.deepEqual(
      warnings.map((p) => [p.line, p.message.slice(0, 40)]),
      [
        [2, '`get_ipython` exists only inside IPython'],
        [3, '`display` exists only inside IPython (a '],
      ],
    );
  });
});

describe('code that asks where it runs (round 5)', () => {
  it('`__name__ == "__main__"` and globals() are warnings naming the line', async () => {
    const nb = notebook([
      // A test that runs on into the next line is not translated (`if True`): it is warned about.
      { tags: ['step:load'], source: 'factor = 2\nif (__name__ == "__main__" and\n        factor):\n    factor = 10' },
      { tags: ['step:count'], source: "x = 1\nif 'y' not in globals():\n    y = 0" },
      { tags: ['metrics'], source: 'n = factor + x' },
    ]);
    const analysis = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(
      analysis.problems.filter((p) => p.code === 'namespace-check').map((p) => [p.cellIndex, p.line, p.message.slice(0, 30)]),
      [
        [0, 2, 'this line tests `__name__ == "'],
        [1, 2, 'this line reads `globals()` or'],
      ],
    );
  });
});

describe('random draws nothing seeds (round 5)', () => {
  it('a scikit-learn call without random_state is a warning when no cell seeds the global generator', async () => {
    const unseeded = notebook([
      { tags: ['imports'], source: 'from sklearn.ensemble import RandomForestClassifier\nfrom sklearn.model_selection import train_test_split' },
      { tags: ['step:split'], source: 'a, b = train_test_split(\n    rows,\n    random_state=0,\n)\nmodel = RandomForestClassifier(n_estimators=10)  # no seed' },
      { tags: ['metrics'], source: 'n = len(a)' },
    ]);
    const warnings = (await analyseNotebook(unseeded, readRoles(unseeded))).problems.filter((p) => p.code === 'not-reproducible');
    assert.deepEqual(warnings.map((p) => [p.cellIndex, p.line, p.message.slice(0, 44)]), [[1, 5, 'RandomForestClassifier(...) draws random num']]);
    const seeded = notebook([{ tags: ['imports'], source: 'import numpy as np\nnp.random.seed(0)' }, ...unseeded.cells.map((c) => ({ tags: [...c.tags], source: c.source }))]);
    assert.deepEqual((await analyseNotebook(seeded, readRoles(seeded))).problems.filter((p) => p.code === 'not-reproducible'), []);
  });
});

describe('random draws nothing seeds (round 6)', () => {
  const warned = async (cells: readonly { tags: string[]; source: string }[]): Promise<[number | undefined, number | undefined, string][]> => {
    const nb = notebook(cells);
    const problems = (await analyseNotebook(nb, readRoles(nb))).problems.filter((p) => p.code === 'not-reproducible');
    return problems.map((p) => [p.cellIndex, p.line, p.message.split(':')[0] ?? '']);
  };

  it("NumPy's module-level draws and pandas' sample warn until a cell seeds NumPy; the random module needs random.seed", async () => {
    const cells = [
      { tags: ['imports'], source: 'import random\nimport numpy as np\nimport pandas as pd' },
      { tags: ['step:make'], source: 'noise = np.random.normal(0, 1, size=10)\nrows = df.sample(frac=0.5)\nkept = df.sample(frac=0.5, random_state=1)\npick = random.choice(names)\n# np.random.rand(3) in a comment\nlabel = "np.random.rand"' },
      { tags: ['metrics'], source: 'n = len(rows)' },
    ];
    assert.deepEqual(await warned(cells), [
      [1, 1, 'np.random.normal(...) draws from NumPy\'s global generator, and no cell seeds it. Call np.random.seed(<a number>) once in the first cells, or draw from np.random.default_rng(<a number>)'],
      [1, 2, ".sample(...) picks rows at random without random_state, and no cell seeds NumPy's global generator. Pass random_state=<a number>"],
      [1, 4, "random.choice(...) draws from the random module's global generator, and no cell seeds it. Call random.seed(<a number>) once in the first cells"],
    ]);
    // A seed_everything function seeds both when it is called; its body is inside a def, and still counts.
    const seeded = [{ tags: ['functions'], source: 'def seed_everything(s):\n    random.seed(s)\n    np.random.seed(s)' }, ...cells];
    assert.deepEqual(await warned(seeded), []);
    // Seeding NumPy leaves the random module unseeded, and the other way round.
    assert.deepEqual((await warned([{ tags: ['imports'], source: 'import numpy as np\nnp.random.seed(0)' }, ...cells])).map((w) => w[1]), [4]);
    assert.deepEqual((await warned([{ tags: ['imports'], source: 'import random\nrandom.seed(0)' }, ...cells])).map((w) => w[1]), [1, 2]);
    // A seed in a cell the pipeline leaves out seeds nothing there, and the warning says so.
    const onlyOut = await warned([{ tags: ['skip'], source: 'import numpy as np\nnp.random.seed(0)' }, ...cells]);
    assert.deepEqual(
      onlyOut.map((w) => /and (only a cell the pipeline leaves out seeds|no cell seeds)/.exec(w[2])?.[1]),
      ['only a cell the pipeline leaves out seeds', 'only a cell the pipeline leaves out seeds', 'no cell seeds'],
    );
  });

  it('takes no call in a string for a draw, and no split that keeps the order (round 17)', async () => {
    const cells = [
      { tags: ['imports'], source: 'from sklearn.cluster import KMeans\nfrom sklearn.model_selection import train_test_split' },
      {
        tags: ['step:fit'],
        source: [
          "print(f'Customer Segments using KMeans (K={k})')",
          'title = "RandomForestClassifier() vs train_test_split(X, y)"',
          'doc = """',
          'KMeans(n_clusters=3) below',
          '"""',
          'train, test = train_test_split(rows, shuffle=False, test_size=0.2)',
          "model = KMeans(n_clusters=3)  # 'KMeans(' in a comment",
        ].join('\n'),
      },
      { tags: ['metrics'], source: 'n = len(train)' },
    ];
    assert.deepEqual(
      (await warned(cells)).map((w) => [w[1], w[2].slice(0, 40)]),
      [[7, 'KMeans(...) draws random numbers without']],
    );
  });

  it('a generator made without a seed warns even when the global generators are seeded; with one it does not', async () => {
    assert.deepEqual(
      await warned([
        { tags: ['imports'], source: 'import numpy as np\nnp.random.seed(0)' },
        { tags: ['step:make'], source: 'rng = np.random.default_rng()\nother = np.random.default_rng(7)\nlegacy = np.random.RandomState( )\nx = rng.normal()' },
        { tags: ['metrics'], source: 'm = float(x)' },
      ]),
      [
        [1, 1, 'default_rng() makes a generator without a seed, so it starts from fresh entropy. Pass a seed'],
        [1, 3, 'RandomState() makes a generator without a seed, so it starts from fresh entropy. Pass a seed'],
      ],
    );
  });

  it('.sample is not taken for pandas without pandas, nor random.sample for pandas', async () => {
    assert.deepEqual(await warned([{ tags: ['step:make'], source: 'draws = model.sample(100)\nimport random\nrandom.seed(1)\nk = random.sample(names, 2)' }, { tags: ['metrics'], source: 'n = len(k)' }]), []);
  });
});

describe('a cell that does not parse (round 6)', () => {
  it('gives its syntax error alone, not an error for each name it would have defined', async () => {
    const nb = notebook([
      { tags: ['step:split'], source: 'X_train, X_test = split(rows,\n    0.2\nnotes = """about the data' },
      { tags: ['step:train'], source: 'model = fit(X_train)' },
      { tags: ['metrics'], source: 'score = model.score(X_test)' },
    ]);
    const problems = (await analyseNotebook(nb, readRoles(nb))).problems.filter((p) => p.severity === 'error');
    assert.ok(problems.length > 0);
    assert.deepEqual([...new Set(problems.map((p) => p.code))], ['python-syntax']);
  });
});

describe('await outside a function (round 10)', () => {
  it('is an error on each top-level await, async for and async with of cells that are not steps; steps, async defs and skipped cells may await', async () => {
    const nb = notebook([
      { tags: ['imports'], source: 'import asyncio\nclient = await connect()' },
      { tags: ['functions'], source: 'async def fetch(path):\n    await sleep(0)\n    async with lock:\n        return [x async for x in rows(path)]' },
      { tags: ['step:load'], source: 'data = await fetch("a.csv")\nasync for row in stream():\n    pass' },
      { tags: ['skip'], source: 'await warm_up()' },
      { tags: ['metrics'], source: 'async with lock:\n    n = len(data)' },
    ]);
    const { problems } = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(
      problems.filter((p) => p.code === 'top-level-await').map((p) => [p.cellIndex, p.line, p.column, p.severity]),
      [
        [0, 2, 10, 'error'],
        [4, 1, 1, 'error'],
      ],
    );
  });
});

describe('names compared as Python compares them: NFKC-normalised (round 16)', () => {
  before(() => initPythonParser());

  it('a ligature spelling (`ﬁnal_threshold`) is the ASCII name: the later step reads the value the step sets, not the parameter', async () => {
    const nb = notebook([
      { tags: ['parameters'], source: 'final_threshold = 0.5' },
      { tags: ['step:evaluate'], source: 'proba = [0.4, 0.6]\n\ufb01nal_threshold = 0.35' },
      { tags: ['step:decide'], source: 'pred = [p >= final_threshold for p in proba]' },
    ]);
    const { graph, problems } = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
    assert.deepEqual(graph.steps.find((s) => s.name === 'evaluate')?.outputs, ['proba', 'final_threshold']);
    assert.deepEqual(graph.edges.filter((e) => e.to === 'decide' && e.name === 'final_threshold').map((e) => e.from), ['evaluate']);
  });

  it('the micro sign µ is the Greek μ: no "no cell before it defines it", only the pipeline.yaml name error', async () => {
    const nb = notebook([
      { tags: ['step:load'], source: '\u00b5 = 0.5' },
      { tags: ['step:train'], source: 'n = \u03bc + 1' },
    ]);
    const { problems } = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(problems.map((p) => p.code), ['name-not-ascii']);
    const inOne = notebook([{ tags: ['step:load'], source: '\u00b5 = 0.5\nn = \u03bc + 1' }]);
    assert.deepEqual((await analyseNotebook(inOne, readRoles(inOne))).problems, []);
  });
});

describe('code Jupyter runs differently from a pipeline (round 20)', () => {
  it('a plain `if __name__ == "__main__":` guard is translated to `if True:`, with no namespace-check warning', async () => {
    const nb = notebook([
      { tags: ['step:load'], source: 'if __name__ == "__main__":\n    factor = 10' },
      { tags: ['metrics'], source: 'n = factor' },
    ]);
    const analysis = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(analysis.problems.filter((p) => p.code === 'namespace-check'), []);
    assert.match(analysis.cells.get(0)?.generated.code ?? '', /^if True: {2}# nbpromote: /);
  });

  it('input() in a step, a function or the metrics is a warning naming the cell and line, suggesting a parameter', async () => {
    const nb = notebook([
      { tags: ['step:load'], source: 'x = 1\nanswer = input("threshold: ")' },
      { tags: ['step:ask'], source: 'def ask():\n    return input()\ny = ask()' },
      { tags: ['metrics'], source: 'input = str\nn = input(x)' },
    ]);
    const analysis = await analyseNotebook(nb, readRoles(nb));
    const keyboard = analysis.problems.filter((p) => p.code === 'reads-keyboard');
    assert.deepEqual(keyboard.map((p) => [p.cellIndex, p.line, p.column, p.severity]), [[0, 2, 10, 'warning'], [1, 2, 12, 'warning']]);
    assert.match(keyboard[0]?.message ?? '', /EOFError[^]*parameter/);
  });

  it('a parameter (or any value a cell above binds) named `input` is read, not the builtin: no reads-keyboard warning', async () => {
    const nb = notebook([
      { tags: ['parameters'], source: 'input = 2.5' },
      { tags: ['step:gen'], source: 'x = [1, 2] * int(input)' },
      { tags: ['skip'], source: 'ok = input("continue? ")' },
    ]);
    const analysis = await analyseNotebook(nb, readRoles(nb));
    assert.deepEqual(analysis.problems.filter((p) => p.code === 'reads-keyboard'), []);
    // A skip cell binding it leaves the builtin to the pipeline: still a warning.
    const skipped = notebook([
      { tags: ['skip'], source: 'input = lambda prompt: "y"' },
      { tags: ['step:gen'], source: 'answer = input("go? ")' },
    ]);
    assert.deepEqual((await analyseNotebook(skipped, readRoles(skipped))).problems.filter((p) => p.code === 'reads-keyboard').map((p) => p.cellIndex), [1]);
  });
});

describe('draws of cells the pipeline leaves out (round 30)', () => {
  const cells = (peek: { tags: string[]; source: string }): Notebook =>
    notebook([
      { tags: [], source: 'import numpy as np\nimport pandas as pd\nnp.random.seed(0)' },
      { tags: ['step:load'], source: "df = pd.DataFrame({'x': np.random.normal(size=100)})" },
      peek,
      { tags: ['step:split'], source: 'idx = np.random.permutation(len(df))' },
      { tags: ['metrics'], source: 'first = int(idx[0])' },
    ]);
  const leftOutDraws = async (nb: Notebook): Promise<[number | undefined, number | undefined, string][]> =>
    (await analyseNotebook(nb, readRoles(nb))).problems.filter((p) => p.code === 'left-out-draw').map((p) => [p.cellIndex, p.line, p.message]);

  it('warns for a skip or test cell drawing from a seeded global generator above a promoted draw, naming the call and the cell after it', async () => {
    const [skip] = await leftOutDraws(cells({ tags: ['skip'], source: 'print(df.shape)\ndf.sample(3)' }));
    assert.deepEqual(skip?.slice(0, 2), [2, 2]);
    assert.match(skip?.[2] ?? '', /^df\.sample\(\.\.\.\) draws from NumPy's global generator, which the notebook seeds, and the pipeline leaves this skip cell out: from cell 4 on, the pipeline's draws are not the notebook's, so its numbers differ\. Pass random_state=<a number> here/);
    const [test] = await leftOutDraws(cells({ tags: ['test'], source: 'rows = df.sample(5)\nassert len(rows) == 5' }));
    assert.match(test?.[2] ?? '', /and a test cell runs after the pipeline: from cell 4 on/);
  });

  it('says nothing for a draw with its own seed, an unseeded notebook, a promoted peek or no draw after it', async () => {
    assert.deepEqual(await leftOutDraws(cells({ tags: ['skip'], source: 'df.sample(3, random_state=1)' })), []);
    assert.deepEqual(await leftOutDraws(cells({ tags: [], source: 'df.sample(3)' })), [], 'an untagged peek under a step runs in it');
    const unseeded = notebook([{ tags: [], source: 'import numpy as np\nimport pandas as pd' }, { tags: ['step:load'], source: "df = pd.DataFrame({'x': [1, 2]})" }, { tags: ['skip'], source: 'df.sample(1)' }, { tags: ['step:split'], source: 'idx = np.random.permutation(len(df))' }]);
    assert.deepEqual(await leftOutDraws(unseeded), []);
    const last = notebook([{ tags: [], source: 'import numpy as np\nimport pandas as pd\nnp.random.seed(0)' }, { tags: ['step:load'], source: "df = pd.DataFrame({'x': np.random.normal(size=3)})" }, { tags: ['skip'], source: 'df.sample(1)' }]);
    assert.deepEqual(await leftOutDraws(last), [], 'nothing promoted draws after it');
  });
});
