import * as assert from 'node:assert/strict';
import { parseNotebook } from '../notebook/parse';
import { readRoles } from '../tags/roles';
import { makeNotebook } from '../tags/testing';
import { analyseCodeCell, analyseCodeCells } from './cellFacts';
import type { CellFacts } from './graph';
import { buildStepGraph, trailingNames } from './graph';
import { initPythonParser } from './python/parser';
import type { StepGraph } from '../contract/stepGraph';

/** [tags, source] per cell, all code cells. */
function graphOf(cells: readonly (readonly [readonly string[], string])[], starExports: ReadonlyMap<string, ReadonlySet<string>> = new Map()): StepGraph {
  const notebook = makeNotebook(cells.map(([tags, source]) => ({ tags: [...tags], source })));
  const roles = readRoles(notebook);
  const analysed = analyseCodeCells(notebook.cells.map((c) => c.source));
  const facts = new Map<number, CellFacts>(notebook.cells.map((c, i) => [c.index, analysed[i]?.facts ?? analyseCodeCell(c.source).facts]));
  return buildStepGraph(notebook, roles, facts, new Map(), starExports);
}

const step = (g: StepGraph, name: string) => {
  const s = g.steps.find((x) => x.name === name);
  assert.ok(s, `step ${name}`);
  return s;
};
const codes = (g: StepGraph): string[] => g.problems.map((p) => p.code);

describe('buildStepGraph', () => {
  // Round 57 YY: names one line binds came in the order later steps read them (`y_tr, X_tr, X_te, y_te`).
  it("returns a step's outputs in the order it binds them, within a line too", () => {
    const g = graphOf([[['step:split'], 'X_tr, X_te, y_tr, y_te = [1], [2], [3], [4]\nn = 5'], [['step:fit'], 'm = (y_tr, X_tr, n)'], [['step:score'], 's = (y_te, X_te, m)']]);
    assert.deepEqual(step(g, 'split').outputs, ['X_tr', 'X_te', 'y_tr', 'y_te', 'n']);
  });

  before(async () => initPythonParser());

  it('a name only a left-out cell defines: the message says why the cell is left out (tag, nbdev rule, nbdev 1 comment)', () => {
    const message = (cells: [string[], string][]): string => graphOf(cells).problems.find((p) => p.code === 'name-undefined')?.message ?? '';
    assert.match(message([[['skip'], 'DATA = 1'], [['step:load'], 'x = DATA']]), /only cell 1 defines, and that cell is tagged skip: remove its skip tag, or define DATA/);
    const nbdev = (first: string): string => message([[[], '#| default_exp core'], [[], first], [['step:load'], 'x = DATA'], [[], '#| export\ndef f(): pass']]);
    assert.match(nbdev('# export\nDATA = 1'), /that cell starts with `# export`, an nbdev 1 comment that nbdev 2 \(and the pipeline\) ignores: write `#\| export`/);
    assert.match(nbdev('DATA = 1'), /nbdev leaves that cell out, as it has no export directive: add `#\| export` to it/);
  });

  it('an undefined name after a magic that may define it (%run, %store -r): the message names that magic, not only the cells', () => {
    const message = (cells: [string[], string][]): string => graphOf(cells).problems.find((p) => p.code === 'name-undefined')?.message ?? '';
    assert.match(message([[[], '%run ./prep.py --fast'], [['step:train'], 'model = fit(raw)']]), /step train uses fit, but no cell before it defines it; cell 1 runs `%run \.\/prep\.py --fast`, which may define it in the notebook, but the generated code does not run magics: define it in a cell, or import it from a module$/);
    // `%run prep.py` is an import of prep's names: when prep.py lacks one (or was not found), the message says so.
    const ran = graphOf([[[], '%run ./prep.py'], [['step:train'], 'model = fit(raw)']], new Map([['prep', new Set(['raw'])]])).problems.find((p) => p.code === 'name-undefined');
    assert.match(ran?.message ?? '', /step train uses fit, but no cell before it defines it; cell 1 runs `%run \.\/prep\.py`, whose names the generated code imports \(`from prep import \*`\), but that file, beside the notebook, does not define it/);
    assert.match(message([[['step:load'], '%store -r raw\nrows = len(raw)']]), /step load uses raw, but no cell before it defines it; this cell runs `%store -r raw`, which may define it in the notebook, .*define the value in a cell \(or read it from a file\)$/);
    // Round 62 III: two magics in the cell: both are named, not the first alone.
    assert.match(message([[[], '%run ../my-utils/conf.py\n%run ../../lib/tools.py'], [['step:train'], 'n = half(2)']]), /cell 1 runs `%run \.\.\/my-utils\/conf\.py` and `%run \.\.\/\.\.\/lib\/tools\.py`, which may define it/);
    // A magic below the use says nothing of it.
    assert.match(message([[['step:load'], 'rows = len(raw)\n%store -r raw']]), /no cell before it defines it$/);
    // Round 43 U: `%%capture captured` keeps output in the name; a `%run` above was blamed.
    const captured = message([[[], '%run ./prep.py --fast'], [['step:train'], '%%capture -n captured\nprint(1)'], [['metrics'], 'n = len(captured.stdout)']]);
    assert.match(captured, /the metrics cell uses captured, but no cell before it defines it; cell 2 keeps its output in it \(`%%capture captured`\), which the generated code does not do: keep the value that cell prints in a name there, and use that name here$/);
  });

  it('an undefined name a raw or markdown cell above defines in Python: the message names that cell and says to make it a code cell', () => {
    const message = (cells: { kind?: 'code' | 'raw' | 'markdown'; tags?: string[]; source: string }[]): string => {
      const notebook = makeNotebook(cells);
      const code = notebook.cells.filter((c) => c.kind === 'code');
      const facts = new Map<number, CellFacts>(code.map((c) => [c.index, analyseCodeCell(c.source).facts]));
      return buildStepGraph(notebook, readRoles(notebook), facts).problems.find((p) => p.code === 'name-undefined')?.message ?? '';
    };
    const use = { tags: ['step:features'], source: 'rows = add_features([1, 2])' };
    assert.equal(message([{ tags: ['step:load'], source: 'x = 1' }, { kind: 'raw', source: 'def add_features(rows):\n    return rows' }, use]), 'step features uses add_features, but no cell before it defines it; cell 2 defines it, but it is a raw cell: make it a code cell');
    assert.match(message([{ kind: 'markdown', source: 'add_features = len' }, use]), /; cell 1 defines it, but it is a markdown cell: make it a code cell$/);
    // Prose that is not Python, a raw cell binding other names, or one below the use: nothing is said of them.
    for (const other of [{ kind: 'markdown' as const, source: 'Here add_features = the helper, defined later.' }, { kind: 'raw' as const, source: 'def clean(rows):\n    return rows' }]) {
      assert.match(message([other, use]), /no cell before it defines it$/);
    }
    assert.match(message([use, { kind: 'raw', source: 'def add_features(rows):\n    return rows' }]), /no cell before it defines it$/);
  });

  it('an undefined name that is a plausible typo of an earlier one: did you mean it, and which cell defines it', () => {
    const message = (cells: [string[], string][]): string => graphOf(cells).problems.find((p) => p.code === 'name-undefined')?.message ?? '';
    const split: [string[], string] = [['step:split'], 'X_train, y_train = [1], [0]'];
    assert.match(message([split, [['step:train'], 'model = sum(X_tarin + y_train)']]), /step train uses X_tarin, but no cell before it defines it; did you mean X_train \(cell 1\)\?$/);
    // Nothing close: no guess; and no guess for names of two letters.
    assert.match(message([split, [['step:train'], 'model = sum(features + y_train)']]), /defines it$/);
    assert.match(message([[['step:a'], 'xy = 1'], [['step:b'], 'z = xz']]), /defines it$/);
  });

  it('a left-out nbdev cell that reads or changes a step value: the advice is to make it part of the step above, not to export it', () => {
    const cells = (hidden: string): [string[], string][] => [[[], '#| default_exp core'], [[], '#| export\nimport os'], [[], '#| step: load\nraw = [3, 1, 2]'], [[], '#| hide\nassert raw'], [[], hidden], [[], '#| step: features\nn = len(raw)']];
    const advice = (g: StepGraph): string => g.problems.find((p) => p.code === 'skip-changes-value')?.message ?? '';
    const reads = advice(graphOf(cells('#| hide\nraw = sorted(raw)')));
    assert.match(reads, /nbdev leaves that cell out, as it has no export directive; it reads raw, which step load computes, so add `#\| step: load` to it to make it part of that step, not `#\| export`: exported code runs once at import/);
    assert.match(advice(graphOf(cells('raw = [0]'))), /; it changes raw, which step load computes, so add `#\| step: load` to it/);
    // Following the advice: no error, the cell is part of load.
    const fixed = graphOf(cells('#| hide\n#| step: load\nraw = sorted(raw)'));
    assert.deepEqual(fixed.problems.filter((p) => p.severity === 'error'), []);
    assert.deepEqual(step(fixed, 'load').cells.map((c) => c.index), [2, 4]);
    // Following the old advice (`#| export`) is the error the advice must not lead to.
    assert.ok(graphOf(cells('#| export\nraw = sorted(raw)')).problems.some((p) => p.severity === 'error' && /this shared cell reads raw/.test(p.message)));
  });

  it('a skipped cell that changes a value the pipeline made before it and reads after it is a warning', () => {
    const g = graphOf([
      [['step:load'], 'df = [1, 25, 30]\nrows = [1]'],
      [['skip'], 'df = [x for x in df if x >= 21]\nrows.append(2)\npeek = df[:1]'],
      [['step:count'], 'n = len(df) + len(rows)'],
      [['skip'], 'n = 0'],
    ]);
    const warnings = g.problems.filter((p) => p.code === 'skip-changes-value');
    assert.deepEqual(warnings.map((p) => [p.cellIndex, p.line, p.message.slice(0, 97)]), [
      [1, 1, 'this cell is left out of the pipeline (it is tagged skip: remove its skip tag), but it changes df'],
      [1, 2, 'this cell is left out of the pipeline (it is tagged skip: remove its skip tag), but it changes ro'],
    ]);
    assert.match(warnings[0]?.message ?? '', /which cell 3 reads after it/);
    // A step binding it on some paths only keeps the changed value on the others (round 35 E: 45 against 4500).
    const maybe = graphOf([
      [['parameters'], 'RETRAIN = False'],
      [['step:data'], 'scale = 1.0'],
      [['skip'], 'scale = 100.0'],
      [['step:fit'], 'if RETRAIN:\n    scale = 2.0'],
      [['metrics'], 'm = 45 * scale'],
    ]);
    assert.deepEqual(maybe.problems.filter((p) => p.code === 'skip-changes-value').map((p) => [p.cellIndex, p.message.slice(0, 30)]), [[2, 'this cell is left out of the p']]);
    // Through a notebook function that changes its argument, setattr, __setitem__, an alias and +=.
    const through = graphOf([
      [['functions'], 'def drop_outliers(frame):\n    frame.drop(index=[0], inplace=True)'],
      [['step:load'], 'df = make()\nmodel = fit()\narr = zeros()\nrows = {}'],
      [['skip'], 'drop_outliers(df)\nsetattr(model, "alpha", 2)\nrows.__setitem__("a", 1)\narr2 = arr\narr2 += 1'],
      [['step:use'], 'n = len(df) + model.alpha + arr.sum() + len(rows)'],
    ]);
    const changed = through.problems.filter((p) => p.code === 'skip-changes-value').map((p) => /changes (\w+)/.exec(p.message)?.[1]);
    assert.deepEqual([...changed].sort(), ['arr', 'df', 'model', 'rows']);
  });

  it('a path a step builds in a variable (`p = Path(OUT) / "x.csv"`) is the file a later line of the step writes or reads', () => {
    for (const build of ['p = "data/processed/x.csv"', 'p = Path(OUT) / "x.csv"', 'p = os.path.join(OUT, "x.csv")', 'p = f"{OUT}/x.csv"']) {
      const g = graphOf([
        [['imports'], 'import os\nfrom pathlib import Path\nimport pandas as pd'],
        [['parameters'], 'OUT = "data/processed"'],
        [['step:write'], `df = pd.DataFrame({"a": [1, 2]})\n${build}`],
        [[], 'df.to_csv(p, index=False)'],
        [['step:read'], 'back = pd.read_csv(os.path.join(OUT, "x.csv"))\nn = len(back)'],
      ]);
      assert.deepEqual(codes(g), [], build);
      assert.deepEqual(step(g, 'read').after, ['write'], build);
      assert.match(g.edges.find((e) => e.name === 'x.csv')?.explanation ?? '', /^read reads x\.csv, written by write, cell 4 line 1$/, build);
    }
    // A variable holding what a call read is no path; one bound to something else no longer names the file.
    const g = graphOf([
      [['imports'], 'import pandas as pd'],
      [['step:write'], 'df = pd.read_csv("data/raw.csv")\np = "data/x.csv"\np = "other"\ndf.to_csv(p)'],
      [['step:read'], 'back = pd.read_csv("data/x.csv")'],
    ]);
    assert.deepEqual(step(g, 'read').after, []);
  });

  it('a step reading a file an earlier step writes runs after it, with an edge named after the file', () => {
    const g = graphOf([
      [['imports'], 'import os\nimport joblib'],
      [['parameters'], 'out_dir = "artifacts"'],
      [['step:train'], 'model = [1, 2]\nreport = "see report.txt"'],
      [['step:save'], 'joblib.dump(model, os.path.join(out_dir, "model.pkl"))'],
      [['step:other'], 'x = 1'],
      [['step:evaluate'], 'loaded = joblib.load(os.path.join(out_dir, "model.pkl"))\nlabel = f"{out_dir}/%s.csv"'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual(step(g, 'evaluate').after, ['save']);
    assert.deepEqual(step(g, 'other').after, []);
    const edge = g.edges.find((e) => e.name === 'model.pkl');
    assert.deepEqual([edge?.from, edge?.to, edge?.explanation], ['save', 'evaluate', 'evaluate reads model.pkl, written by save, cell 4 line 1']);
    // By the file's name: through an f-string, and through a shared constant or a parameter naming it.
    const named = graphOf([
      [['functions'], 'ART = Path("artifacts")\nMODEL_PATH = ART / "model.joblib"'],
      [['parameters'], 'artifacts = "artifacts"\nreport_path = "reports/scores.json"'],
      [['step:clean'], 'df.to_csv(os.path.join(artifacts, "clean.csv"))'],
      [['step:train'], 'df = pd.read_csv(f"{artifacts}/clean.csv")\njoblib.dump(df, MODEL_PATH)\nopen(report_path, "w").write("x")'],
      [['step:predict'], 'model = joblib.load(MODEL_PATH)'],
      [['step:report'], 'text = open(report_path).read()'],
    ]);
    assert.deepEqual(['train', 'predict', 'report'].map((n) => step(named, n).after), [['clean'], ['train'], ['train']]);
    // A file only read by two steps links nothing.
    const reads = graphOf([[['step:a'], 'x = open("data.csv").read()'], [['step:b'], 'y = open("data.csv").read()']]);
    assert.deepEqual(step(reads, 'b').after, []);
  });

  it('a value holding another (make_pipeline, a constructor, a list): a change of one is a change of the other, returned by the changing step', () => {
    const g = graphOf([
      [['step:build'], 'clf = LogisticRegression(C=1.0)\npipe = make_pipeline(StandardScaler(), clf)'],
      [['step:train'], 'pipe.fit(X, y)'],
      [['test'], 'assert hasattr(clf, "coef_")'],
      [['metrics'], 'auc = score(pipe)\nnorm = clf.coef_.sum()'],
    ]);
    assert.deepEqual(step(g, 'train').inputs, ['pipe', 'clf']);
    assert.deepEqual(step(g, 'train').outputs, ['clf', 'pipe']);
    assert.deepEqual(g.edges.filter((e) => e.name === 'clf').map((e) => [e.from, e.to]), [['build', 'train'], ['train', 'test:3'], ['train', 'metrics']]);
    // The other way: fitting what the container holds changes the container; through a list and a keyword too.
    const back = graphOf([
      [['step:build'], 'clf = make()\nvote = VotingClassifier(estimators=[("a", clf)])\nmodels = [clf]'],
      [['step:train'], 'clf.fit(X, y)'],
      [['metrics'], 'n = len(models) + score(vote)'],
    ]);
    assert.deepEqual(step(back, 'train').outputs, ['models', 'vote']);
    // Round 47 BB: a literal the changed value holds (a list of column names) is not changed by fitting it.
    const columns = graphOf([
      [['step:prep'], 'cols = ["a", "b"]\npre = ColumnTransformer([("num", StandardScaler(), cols)])'],
      [['step:train'], 'model = Pipeline([("pre", pre), ("ridge", Ridge())])\nmodel.fit(X, y)'],
      [['metrics'], 'n = len(cols) + score(model)'],
    ]);
    assert.deepEqual(step(columns, 'train').inputs, ['pre']);
    assert.deepEqual(columns.edges.filter((e) => e.name === 'cols').map((e) => [e.from, e.to]), [['prep', 'metrics']]);
    // Made and changed in one step, or a container rebuilt: nothing new.
    const local = graphOf([
      [['step:build'], 'clf = make()\npipe = make_pipeline(clf)\npipe.fit(X, y)'],
      [['metrics'], 'n = score(clf)'],
    ]);
    assert.deepEqual(step(local, 'build').outputs, ['clf']);
    const rebuilt = graphOf([
      [['step:build'], 'clf = make()\npipe = make_pipeline(clf)'],
      [['step:train'], 'pipe = make_pipeline(other)\npipe.fit(X, y)'],
      [['metrics'], 'n = score(clf) + score(pipe)'],
    ]);
    assert.deepEqual(step(rebuilt, 'train').outputs, ['pipe']);
    assert.deepEqual(rebuilt.edges.filter((e) => e.name === 'clf').map((e) => [e.from, e.to]), [['build', 'metrics']]);
    // Round 38 L: a part bound again to a new object (`pre = MinMaxScaler()`) is not the part an earlier pipeline holds.
    const reused = graphOf([
      [['step:ridge'], 'pre = StandardScaler()\nridge = Pipeline([("pre", pre), ("reg", Ridge())])\nridge.fit(X, y)'],
      [['step:lasso'], 'pre = MinMaxScaler()\nlasso = Pipeline([("pre", pre), ("reg", Lasso())])\nlasso.fit(X, y)'],
      [['metrics'], 'n = score(ridge) + score(lasso)'],
    ]);
    assert.deepEqual([step(reused, 'lasso').inputs, step(reused, 'lasso').outputs], [[], ['lasso']]);
    const plainList = graphOf([[['step:a'], 'buf = [1, 2]\nholder = {"buf": buf}'], [['step:b'], 'buf = [3, 4]\nbuf.append(5)\ntotal = sum(buf)'], [['metrics'], 'n = total + len(holder)']]);
    assert.deepEqual(step(plainList, 'b').inputs, []);
    // Round 39 N: `model = model.fit(...)` / `.set_params(...)` give the object itself back: still what the ensemble holds.
    for (const refit of ['model = model.fit(X, y)', 'model = model.set_params(alpha=2)']) {
      const selfReturning = graphOf([[['step:build'], 'model = Ridge()\nensemble = VotingRegressor([("ridge", model)])'], [['step:fit'], refit], [['metrics'], 'n = score(ensemble)']]);
      assert.deepEqual(step(selfReturning, 'fit').outputs, ['ensemble'], refit);
    }
    // Changed without being bound again, the held part still changes its holder.
    const same = graphOf([[['step:a'], 'buf = [1, 2]\nholder = {"buf": buf}'], [['step:b'], 'buf.append(5)'], [['metrics'], 'n = len(holder)']]);
    assert.deepEqual(step(same, 'b').outputs, ['holder']);
  });

  it('a step reading the calendar time runs at every run, with an info naming the call', () => {
    const g = graphOf([
      [['step:load'], 'events = read()'],
      [['step:recent'], 'now = pd.Timestamp.today()\nrecent = events[events.ts >= now - WINDOW]'],
      [['step:report'], 'n_recent = len(recent)'],
    ]);
    assert.deepEqual(g.steps.map((s) => s.alwaysRuns), [undefined, 'recent reads the clock (cell 2 line 1): taken from the cache it would keep the time of the run that cached it', undefined]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'clock-in-step').map((p) => [p.severity, p.cellIndex, p.line]), [['info', 1, 1]]);
  });

  it('views a step makes of a value a later step changes in place: both steps run at every run, with a warning', () => {
    const g = graphOf([
      [['step:load'], 'X = make()\ny = labels()\nX_train, X_test = X[:450], X[450:]\ny_train = y[:450]'],
      [['step:scale'], 'X -= X.mean(axis=0)\nX /= X.std(axis=0)'],
      [['step:fit'], 'knn = fit(X_train, y_train)'],
      [['metrics'], 'acc = score(knn, X_test)'],
    ]);
    assert.deepEqual(step(g, 'scale').outputs, ['X_train', 'X_test']);
    assert.deepEqual(g.edges.filter((e) => e.name === 'X_train').map((e) => [e.from, e.to]), [['load', 'scale'], ['scale', 'fit']]);
    const why = 'X_train and X_test (made by load) share memory with X, which scale changes in place (cell 2 line 1): a step taken from the cache gives them back as copies';
    assert.deepEqual(g.steps.map((s) => s.alwaysRuns), [why, why, undefined]);
    const warnings = g.problems.filter((p) => p.code === 'shared-memory-changed');
    assert.deepEqual(warnings.map((p) => [p.cellIndex, p.line]), [[1, 1]]);
    assert.match(warnings[0]?.message ?? '', /^step scale changes X in place, and X_train and X_test, which step load made from it, share its memory/);
    // .T, .values and .reshape are views too; copies, columns by name, a new value and a boolean mask's selection
    // (round 41 Q: `neg = df[df.a <= 0]` became an unused argument of the step changing df) are not.
    const kinds = graphOf([
      [['step:load'], 'X = make()\nXt = X.T\nv = df.values\nr = X.reshape(-1)\nc = X[:10].copy()\ncol = df["a"]\nsel = X[[0, 1]]\nneg = df[df.a <= 0]\nboth = X[(X > 0) & (X < 9)]\nnot_m = X[~m]\nkept = df[df.a.isin(keep)]'],
      [['step:change'], 'X *= 2\ndf["a"] = 0'],
      [['metrics'], 'n = f(Xt, v, r, c, col, sel, neg, both, not_m, kept)'],
    ]);
    assert.deepEqual(step(kinds, 'change').outputs, ['Xt', 'r', 'v']);
    const fresh = graphOf([[['step:load'], 'X = make()\nX_train = X[:450]'], [['step:scale'], 'X = X - X.mean(0)'], [['step:fit'], 'm = fit(X_train)']]);
    const unread = graphOf([[['step:load'], 'X = make()\nX_train = X[:450]'], [['step:scale'], 'X -= X.mean(0)'], [['step:fit'], 'm = fit(X)']]);
    for (const graph of [fresh, unread]) {
      assert.deepEqual(graph.steps.map((s) => s.alwaysRuns), [undefined, undefined, undefined]);
      assert.deepEqual(codes(graph).filter((c) => c === 'shared-memory-changed'), []);
    }
  });

  // Round 34 D: `X -= ...` on `X = data[:, :3]`, `income.fillna(..., inplace=True)` on `income = df["income"]`.
  it('a view an earlier step made, changed in place by a later step, changes its base: both steps run at every run', () => {
    for (const [made, change] of [
      ['data = make()\nX = data[:, :3]', 'X -= X.mean(axis=0) * K'],
      ['data = load()\nX = data["income"]', 'X.fillna(K, inplace=True)'],
      ['data = load()\nX = data.values', 'X *= K + 1'],
      ['data = load()\nX = data.iloc[:3]', 'X.loc[:, "a"] = X["a"] + K'],
      // Round 35 E: other spellings of a column, and arrays of one.
      ['data = load()\nX = data.income', 'X.fillna(K, inplace=True)'],
      ['data = load()\nX = data["income"].values', 'X *= K + 1'],
      ['data = load()\nX = data.income.to_numpy()', 'X *= K + 1'],
      ['data = load()\nX = np.asarray(data["income"])', 'X *= K + 1'],
      ['data = load()\nX = data.to_numpy()', 'X *= K'],
      // Round 36 H: `.get` of a column, NumPy functions writing into their first argument.
      ['data = load()\nX = data.get("income")', 'X.fillna(K, inplace=True)'],
      ['data = load()\nX = data["income"].values', 'np.nan_to_num(X, copy=False, nan=K)'],
      ['data = make()\nX = data[:, :2]', 'np.copyto(X, K)'],
      // Round 37 J: other spellings of the same.
      ['data = load()\nX = data.get("income", None)', 'X.fillna(K, inplace=True)'],
      ['data = make()\nX = data[:, :2]', 'np.copyto(dst=X, src=K)'],
      ['data = make()\nX = data[:, :2]', 'np.add.at(X, 0, K)'],
      ['data = make()\nX = data.astype(float, copy=False)', 'X *= K'],
    ]) {
      const g = graphOf([
        [['parameters'], 'K = 1.0'],
        [['step:load'], made ?? ''],
        [['step:center'], change ?? ''],
        [['metrics'], 'total = data.sum()'],
      ]);
      assert.deepEqual(step(g, 'center').outputs, ['data'], made);
      assert.deepEqual(g.edges.filter((e) => e.name === 'data').map((e) => [e.from, e.to]), [['load', 'center'], ['center', 'metrics']], made);
      const why = 'data (made by load) shares memory with X, which center changes in place (cell 3 line 1): a step taken from the cache gives them back as copies';
      assert.deepEqual(g.steps.map((s) => s.alwaysRuns), [why, why], made);
      // Round 36 H: the message said data was made from X.
      assert.match(g.problems.find((p) => p.code === 'shared-memory-changed')?.message ?? '', /^step center changes X in place, a slice or view of data that step load made \(they share memory\), so data changes too;.* make a copy first \(`X = X\.copy\(\)`\)/, made);
    }
    // Round 36 H: bound again to a copy or a new value first (what the warning advises), the view is left alone;
    // bound again to another view, it is not.
    for (const [made, change, flagged] of [
      ['data = load()\nX = data.values', 'X = X.copy()\nX -= X.mean(axis=0) * K', false],
      ['data = load()\nX = data.values', "X = X.astype('float32')\nX *= K", false],
      ['data = load()\nX = data["income"]', 'X = X * 2\nX.fillna(K, inplace=True)', false],
      ['data = make()\nX = data[:, :3]', 'X = X[:, :2]\nX *= K', true],
      ['data = make()\nX = data[:, :3]', "X = X.astype('float64', copy=False)\nX *= K", true],
    ] as const) {
      const g = graphOf([[['parameters'], 'K = 1.0'], [['step:load'], made], [['step:center'], change], [['metrics'], 'total = data.sum()']]);
      assert.deepEqual(g.problems.some((p) => p.code === 'shared-memory-changed'), flagged, change);
    }
    // A column or a row slice: setting or adding a column of the frame later does not reach it.
    const later = graphOf([
      [['step:load'], 'df = load()\nincome = df["income"]\nhead = df.iloc[:3]'],
      [['step:add'], 'df["z"] = 0'],
      [['metrics'], 'n = f(income, head)'],
    ]);
    assert.deepEqual(later.steps.map((s) => s.alwaysRuns), [undefined, undefined]);
    assert.deepEqual(step(later, 'add').outputs, []);
    // A number or text of a dict grown in place, a column added to a row slice, a column's name set: no change to
    // the frame (round 35 E: the loading step ran at every run).
    for (const [made, change] of [
      ['cfg = load()\nlr = cfg["lr"]', 'lr *= cfg["decay"]'],
      ['cfg = load()\nname = cfg["name"]', 'name += "_decayed"'],
      ['df = load()\nX = df.iloc[:, :2]', 'X["ab"] = X["a"] * X["b"]'],
      ['df = load()\nincome = df["income"]', 'income.name = "inc"'],
    ]) {
      const g = graphOf([[['step:load'], made ?? ''], [['step:train'], change ?? ''], [['metrics'], `m = f(${(made ?? '').split('\n')[0]?.split(' ')[0] ?? ''})`]]);
      assert.deepEqual(g.steps.map((s) => s.alwaysRuns), [undefined, undefined], change);
    }
    // Round 37 K: a model picked from a dict by a name, refit through the dict by a later step: the same object
    // after the cache (the runtime gives it back so), no view of shared memory; picked by a number, it may be one.
    for (const [pick, flagged] of [['best_name', false], ['0', true]] as const) {
      const g = graphOf([[['step:compare'], 'fitted = fit_all()\nbest_name = pick(fitted)'], [['step:select'], `best_model = fitted[${pick}]`], [['step:refit'], `fitted[${pick}].fit(X)`], [['metrics'], 'acc = best_model.score(X)']]);
      assert.equal(g.problems.some((p) => p.code === 'shared-memory-changed'), flagged, pick);
    }
  });

  // Round 34 D: `if USE_LOG: scale = 10.0` returned an unbound `scale` when the branch did not run.
  it('a step binding a name on some paths only takes the earlier value too, when a later unit uses the name', () => {
    const g = graphOf([
      [['parameters'], 'USE_LOG = False\nN = 3'],
      [['step:load'], 'scale = 1.0\nbest = -1\nval = 0.0\nrows = [3.0, 5.0]'],
      [['step:tune'], 'if USE_LOG:\n    scale = 10.0\nfor i in range(N):\n    best = i\ntry:\n    val = risky()\nexcept ValueError:\n    pass\nif N > 2:\n    both = 1\nelse:\n    both = 2'],
      [['metrics'], 'total = sum(rows) * scale + best + val + both'],
    ]);
    assert.deepEqual(step(g, 'tune').inputs, ['USE_LOG', 'N', 'scale', 'best', 'val']);
    assert.deepEqual(step(g, 'tune').outputs, ['scale', 'best', 'val', 'both']);
    // Not when nothing later uses the name, nor when a later cell of the step binds it on every path.
    const unused = graphOf([
      [['step:load'], 'model = fit()'],
      [['step:evaluate'], 'for name, model in models().items():\n    score(model)\nn = 1'],
      [['step:refit'], 'if again():\n    model = fit()'],
      [['step:refit'], 'model = fit()'],
      [['metrics'], 'm = f(n, model)'],
    ]);
    assert.deepEqual(step(unused, 'evaluate').inputs, []);
    assert.deepEqual(step(unused, 'refit').inputs, []);
    // A read after a binding on some paths only reads the earlier value when the branch did not run.
    const read = graphOf([
      [['step:load'], 'scale = 1.0'],
      [['step:tune'], 'if flag():\n    scale = 10.0\nscaled = 2 * scale'],
      [['metrics'], 'm = scaled'],
    ]);
    assert.deepEqual(step(read, 'tune').inputs, ['scale']);
    // Or a later cell of the same step reads it.
    const split = graphOf([
      [['step:load'], 'scale = 1.0'],
      [['step:tune'], 'if flag():\n    scale = 10.0'],
      [[], 'scaled = 2 * scale'],
      [['metrics'], 'm = scaled'],
    ]);
    assert.deepEqual(step(split, 'tune').inputs, ['scale']);
  });

  // Round 35 F: `table = pd.read_csv(...)` then `table["x"] = ...` took the earlier step's table as an unused input.
  it('a value a cell binds and then changes in place is no input', () => {
    for (const change of ['table["x"] = 1', 'table.loc[0, "a"] = 2', 'table.insert(0, "z", 3)']) {
      const g = graphOf([[['step:load'], 'table = make()'], [['step:encode'], `table = read()\n${change}`], [['metrics'], 'm = f(table)']]);
      assert.deepEqual(step(g, 'encode').inputs, [], change);
    }
    const changed = graphOf([[['step:load'], 'table = make()'], [['step:encode'], 'table["x"] = 1']]);
    assert.deepEqual(step(changed, 'encode').inputs, ['table']);
  });

  // Round 72 DED: `model = LogisticRegression(C=C)` then `model.fit(X, y)` in a loop's body took the earlier step's model.
  it('a value a loop binds and then changes in place in the same body is no input; one changed after the loop is', () => {
    const inLoop = graphOf([[['step:train'], 'model = make()\nmodel.fit(X)'], [['step:compare'], 'for c in [1, 2]:\n    model = make(c)\n\n    # fit it\n    model.fit(X)\n    print(model)']]);
    assert.deepEqual(step(inLoop, 'compare').inputs, []);
    const after = graphOf([[['step:train'], 'model = make()\nmodel.fit(X)'], [['step:compare'], 'for c in []:\n    model = make(c)\nmodel.fit(X)']]);
    assert.deepEqual(step(after, 'compare').inputs, ['model']);
    const branch = graphOf([[['step:train'], 'model = make()\nmodel.fit(X)'], [['step:compare'], 'for c in [1]:\n    if c:\n        model = make(c)\n    model.fit(X)']]);
    assert.deepEqual(step(branch, 'compare').inputs, ['model']);
  });

  // Round 34 A: `parts = !ls data/raw/*.csv` listed a folder the cache key did not know.
  it('a step using a shell command\'s output runs at every run, with an info naming the line', () => {
    for (const code of ['parts = !ls data/raw/*.csv', 'parts = %sx find data/raw', 'out = subprocess.check_output("ls data", shell=True)', 'r = subprocess.run(["ls"], capture_output=True)', 'sha = os.popen("git rev-parse HEAD").read()']) {
      const g = graphOf([
        [['imports'], 'import os\nimport subprocess'],
        [['step:load'], `n = 1\n${code}`],
        [['metrics'], 'm = n'],
      ]);
      assert.match(g.steps[0]?.alwaysRuns ?? '', /^load uses a shell command's output \(cell 2 line 2\)/, code);
      assert.deepEqual(g.problems.filter((p) => p.code === 'shell-output-in-step').map((p) => [p.severity, p.cellIndex, p.line]), [['info', 1, 2]], code);
    }
    // An alias, a call black spread over lines (round 35 E).
    const spread = graphOf([[['imports'], 'import subprocess as sp'], [['step:load'], 'n = 1\nr = sp.run(\n    ["ls", "data"],\n    capture_output=True,\n)'], [['metrics'], 'm = n']]);
    assert.match(spread.steps[0]?.alwaysRuns ?? '', /\(cell 2 line 2\)/);
    // Output thrown away, or an f-string's `!r`: nothing used.
    for (const code of ['subprocess.run(["make", "data"], check=True)', 'subprocess.run(["make"], stdout=subprocess.DEVNULL)', 'print(f"{n=!r}")']) {
      const quiet = graphOf([[['imports'], 'import subprocess'], [['step:load'], `n = 1\n${code}`], [['metrics'], 'm = n']]);
      assert.equal(quiet.steps[0]?.alwaysRuns, undefined, code);
    }
  });

  it('steps writing one file run at every run, with a warning naming the file and the steps; a file read then written is a warning', () => {
    const g = graphOf([
      [['imports'], 'import joblib'],
      [['parameters'], "MODEL_PATH = '../models/rf.joblib'"],
      [['step:train'], 'rf = fit(1)\njoblib.dump(rf, MODEL_PATH)'],
      [['step:evaluate'], 'clf = joblib.load(MODEL_PATH)\nacc = score(clf)'],
      [['step:refit'], "final = fit(2)\njoblib.dump(final, MODEL_PATH)\nprint('saved', MODEL_PATH)"],
      [['step:report'], 'n = size(MODEL_PATH)'],
    ]);
    const why = 'rf.joblib is written by train and refit: a step taken from the cache would not write it again';
    assert.deepEqual(['train', 'evaluate', 'refit', 'report'].map((n) => step(g, n).alwaysRuns), [why, undefined, why, undefined]);
    const warnings = g.problems.filter((p) => p.code === 'file-written-twice');
    assert.deepEqual(warnings.map((p) => [p.cellIndex, p.line]), [[4, 2]]);
    assert.match(warnings[0]?.message ?? '', /^steps train and refit both write rf\.joblib: [^]*, so evaluate would read refit's rf\.joblib from the second run on\. These steps run at every run/);
    // Three writers through literals: all of them; files of one name in other folders are other files.
    const three = graphOf([
      [['step:a'], 'df.to_csv("data/tmp.csv")\nx.to_csv("train/part.csv")'],
      [['step:b'], 'd = pd.read_csv("data/tmp.csv")'],
      [['step:c'], 'df.to_csv("data/tmp.csv")\ny.to_csv("test/part.csv")'],
      [['step:d'], 'df.to_csv(os.path.join(out, "tmp.csv"))'],
    ]);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => step(three, n).alwaysRuns !== undefined), [true, false, true, true]);
    const fileProblems = (graph: StepGraph) => graph.problems.filter((p) => p.code.startsWith('file-'));
    assert.deepEqual(fileProblems(three).map((p) => [p.code, p.cellIndex]), [['file-written-twice', 2]]);
    assert.match(fileProblems(three)[0]?.message ?? '', /^steps a, c and d all write tmp\.csv: /);
    // A file one step reads before another writes it, no step writing it first: a warning, every step cached.
    const overwritten = graphOf([
      [['step:load'], 'raw = pd.read_csv("data/raw.csv")'],
      [['step:clean'], 'raw.dropna().to_csv("data/raw.csv")'],
    ]);
    assert.deepEqual(overwritten.steps.map((s) => s.alwaysRuns), [undefined, undefined]);
    assert.deepEqual(fileProblems(overwritten).map((p) => [p.code, p.cellIndex, p.line]), [['file-read-then-written', 1, 1]]);
    assert.match(fileProblems(overwritten)[0]?.message ?? '', /^step clean writes raw\.csv, which step load reads before it \(cell 1 line 1\): from the second run on/);
    // Round 38 L: `os.replace(src, dst)` writes dst (it was a read), `shutil.copy(src, dst)` reads src (it was a write).
    const moved = graphOf([
      [['step:a'], 'open("out/a.txt", "w").write("x")\nos.replace("out/a.txt", "out/a_final.txt")'],
      [['step:e'], 'shutil.copy("out/a_final.txt", "out/e_copy.txt")\nsize = os.path.getsize("out/e_copy.txt")'],
      [['step:p'], 'Path("out/p.tmp").replace("out/p_final.txt")'],
      [['step:q'], 'n = len(open("out/p_final.txt").read())'],
    ]);
    assert.deepEqual(fileProblems(moved), []);
    assert.deepEqual([step(moved, 'e').after, step(moved, 'q').after], [['a'], ['p']]);
    // One writer and its readers: nothing to say.
    assert.deepEqual(fileProblems(graphOf([[['step:a'], 'df.to_csv("a.csv")'], [['step:b'], 'd = pd.read_csv("a.csv")']])), []);
  });

  it("np.save and np.savez write their name with .npy and .npz added when it has not that suffix: the reader runs after the writer", () => {
    const g = graphOf([
      [['imports'], 'import numpy as np'],
      [['step:embed'], "np.save('data/embedding', emb)\nnp.savez(file='data/parts', a=a)\nnumpy.savez_compressed(\"small\", b=b)\nnp.save('data/kept.npy', c)"],
      [['step:fit'], "E = np.load('data/embedding.npy')\nP = np.load('data/parts.npz')\nS = np.load('small.npz')\nK = np.load('data/kept.npy')\nW = np.load('data/embedding')"],
    ]);
    assert.deepEqual(step(g, 'fit').after, ['embed']);
    assert.deepEqual(g.edges.filter((e) => e.from === 'embed').map((e) => e.name), ['embedding.npy', 'parts.npz', 'small.npz', 'kept.npy']);
    // `model.save('weights')` is no NumPy writer: no file.
    assert.deepEqual(step(graphOf([[['step:a'], "model.save('weights')"], [['step:b'], "w = np.load('weights.npy')"]]), 'b').after, []);
  });

  it("a step's outputs are in the order it binds them, whatever order later steps read them in", () => {
    const cells: [string[], string][] = [
      [['step:evaluate'], 'pred = [1, 0]\nproba = [0.9, 0.2]'],
      [['step:report'], 'rows = list(zip(proba, pred))'],
      [['metrics'], 'acc = sum(pred) / len(pred)'],
    ];
    assert.deepEqual(step(graphOf(cells), 'evaluate').outputs, ['pred', 'proba']);
    // Without the metrics, report alone reads proba first: still pred, proba (a new reader is no signature change).
    assert.deepEqual(step(graphOf(cells.slice(0, 2)), 'evaluate').outputs, ['pred', 'proba']);
  });

  it('inputs are what a step uses from parameters and earlier steps; outputs what later steps use', () => {
    const g = graphOf([
      [['imports'], 'import pandas as pd'],
      [['parameters'], 'path = "a.csv"\nscale = 2'],
      [['step:load'], 'df = pd.read_csv(path)\nunused = 1'],
      [['step:train'], 'total = df["x"].sum() * scale'],
      [['metrics'], 'score = total / 2'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual(step(g, 'load').inputs, ['path']);
    assert.deepEqual(step(g, 'load').outputs, ['df']);
    assert.deepEqual(step(g, 'load').imports, ['import pandas as pd']);
    assert.deepEqual(step(g, 'train').inputs, ['df', 'scale']);
    assert.deepEqual(step(g, 'train').outputs, ['total']);
    assert.deepEqual(step(g, 'train').after, ['load']);
    assert.deepEqual(g.metrics?.inputs, ['total']);
    assert.deepEqual(g.parameters.map((p) => [p.name, p.type, p.default]), [['path', 'str', 'a.csv'], ['scale', 'int', 2]]);
    const edge = g.edges.find((e) => e.to === 'train' && e.name === 'df');
    assert.equal(edge?.explanation, 'train uses df, defined by load, cell 3 line 1');
  });

  it('a metrics cell that ends by showing a step\'s values (`r2`, `acc, bal`) takes them as inputs', () => {
    const g = graphOf([
      [['step:evaluate'], 'r2 = 0.5\nacc, bal = 0.9, 0.8\nunshown = 1'],
      [['metrics'], 'print("done")\nr2'],
      [['test'], 'assert True'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual(g.metrics?.inputs, ['r2']);
    assert.deepEqual(step(g, 'evaluate').outputs, ['r2']);
    const tuple = graphOf([
      [['step:evaluate'], 'acc, bal = 0.9, 0.8'],
      [['metrics'], 'acc, bal  # shown'],
    ]);
    assert.deepEqual(tuple.metrics?.inputs, ['acc', 'bal']);
  });

  // Round 36 G: `q` is the comprehension's own, not the loop counter step fit left (a metric `q`, a crash at N=0).
  it('what a comprehension or lambda in a shown or displayed expression binds is its own, not an input of the metrics', () => {
    const fit = [['step:fit'], 'scores = {}\nfor q in range(N):\n    scores[q] = q / 10'] as const;
    for (const metrics of ['display(pd.Series({f"p_{q}": v for q, v in scores.items()}))', 'print("done")\n{str(q): v for q, v in scores.items()}', 'display(sorted(scores, key=lambda q: -scores[q]))']) {
      const g = graphOf([[['imports'], 'import pandas as pd'], [['parameters'], 'N = 3'], fit, [['metrics'], metrics]]);
      assert.deepEqual([g.metrics?.inputs, step(g, 'fit').outputs], [['scores'], ['scores']], metrics);
    }
  });

  it('a dict or mixed list holding a whole float (1.0) is a parameter that names where its floats are; a tuple inside stays Python', () => {
    const g = graphOf([
      [['parameters'], "rate = 1.0\ngrid = [0.5, 1.0]\nsettings = {'max_features': 1.0, 'name': 'a.1'}\nints = [1, 2]\nfracs = [0.5, 0.25]\nmixed = [1, 2.0]\npairs = [(1, 2)]"],
      [['step:train'], 'model = (rate, grid, settings, ints, fracs, mixed, pairs)'],
    ]);
    assert.deepEqual(
      g.parameters.map((p) => [p.name, p.items, p.floats]),
      [
        ['rate', undefined, undefined],
        ['grid', 'float', undefined],
        ['settings', undefined, [['max_features']]],
        ['ints', undefined, undefined],
        ['fracs', undefined, undefined],
        ['mixed', undefined, [[1]]],
      ],
    );
    assert.deepEqual(g.common.names, ['pairs']);
    assert.deepEqual(step(g, 'train').inputs, ['rate', 'grid', 'settings', 'ints', 'fracs', 'mixed']);
    assert.match(g.problems.find((p) => p.message.includes('pairs'))?.message ?? '', /tuple inside a list or dict, which pipeline.yaml would turn into a list/);
  });

  it('trailingNames reads a last line of bare names only', () => {
    assert.deepEqual(trailingNames('x = 1\n(acc, bal)\n\n# end\n'), [
      { name: 'acc', line: 2, column: 2 },
      { name: 'bal', line: 2, column: 7 },
    ]);
    for (const source of ['f(x)', 'x = 1', '    x', 'd = dict(\na=1,\nb)', 'y = 1 + \\\nx', 'a.b', '']) assert.deepEqual(trailingNames(source), [], source);
  });

  it('the latest definition wins, and a value changed in place is the changing step\'s output', () => {
    const g = graphOf([
      [['step:a'], 'x = 1\nmodel = object()'],
      [['step:b'], 'x = x + 1\nmodel.fit(x)'],
      [['step:c'], 'y = x * 2\nz = model.predict(y)'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual(step(g, 'c').inputs, ['x', 'model']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'c').map((e) => `${e.from}:${e.name}`), ['b:x', 'b:model']);
    assert.deepEqual(step(g, 'b').outputs, ['x', 'model']);
  });

  it('a name nothing defines is an error naming the step, cell, line and name; defined later says so', () => {
    const g = graphOf([
      [['step:a'], 'y = missing + later'],
      [['step:b'], 'later = 1'],
    ]);
    const [undefinedName, definedLater] = g.problems;
    assert.equal(undefinedName?.code, 'name-undefined');
    assert.equal(undefinedName?.message, 'step a uses missing, but no cell before it defines it');
    assert.deepEqual([undefinedName?.cellIndex, undefinedName?.line, undefinedName?.column], [0, 1, 5]);
    assert.equal(definedLater?.code, 'name-defined-later');
    assert.match(definedLater?.message ?? '', /cell 2 defines it later/);
  });

  it('a parameter whose last assignment is computed is a constant, with a warning', () => {
    const g = graphOf([
      [['parameters'], 'depth = 8\ndepth = max(3, 2) * 2\nrate = 0.1'],
      [['step:a'], 'd = depth * rate'],
    ]);
    assert.deepEqual(g.parameters.map((p) => p.name), ['rate']);
    assert.deepEqual(codes(g), ['parameter-not-literal']);
    assert.deepEqual(step(g, 'a').commonNames, ['depth']);
    assert.deepEqual(step(g, 'a').inputs, ['rate']);
  });

  it('a tuple of literals (`k_min, k_max = 2, 8`) gives a parameter per name; other unpacking stays computed', () => {
    const g = graphOf([
      [['parameters'], 'k_min, k_max = 2, 8\n[lo, hi] = [0.5, "x"]\nhead, *rest = 1, 2, 3\na, b = 1, len("x")'],
      [['step:a'], 'd = [k_min, k_max, lo, hi, head, rest, a, b]'],
    ]);
    assert.deepEqual(g.parameters.map((p) => [p.name, p.default, p.type]), [['k_min', 2, 'int'], ['k_max', 8, 'int'], ['lo', 0.5, 'float'], ['hi', 'x', 'str']]);
    assert.deepEqual(step(g, 'a').inputs, ['k_min', 'k_max', 'lo', 'hi']);
    assert.deepEqual(g.problems.filter((p) => p.code === 'parameter-not-literal').map((p) => /parameter (\w+)/.exec(p.message)?.[1]), ['head', 'rest', 'a', 'b']);
  });

  it('a shared function reading a step value or a parameter is defined by the units calling it, which take what it reads', () => {
    const g = graphOf([
      [['step:load'], 'df = 1'],
      [['functions'], 'def size():\n    return len(df)'],
      [['step:use'], 'n = size()'],
    ]);
    assert.deepEqual(codes(g), []);
    const use = g.steps.find((s) => s.name === 'use');
    assert.deepEqual(use?.inputs, ['df']);
    assert.deepEqual(use?.definesShared, ['size']);
    assert.deepEqual(use?.commonNames, []);
    assert.deepEqual(g.common.stepBound?.map((f) => [f.name, f.reads, f.leftOut, f.startLine, f.endLine]), [['size', ['df'], true, 1, 2]]);
    assert.deepEqual(g.common.names, []);
    assert.ok(g.edges.some((e) => e.explanation === 'use uses df (shared function size reads it), defined by load, cell 1 line 1'), JSON.stringify(g.edges));
    // A parameter too; what the calling cell binds before the call is the step's own.
    const p = graphOf([
      [['parameters'], 'N_FOLDS = 5'],
      [['functions'], 'import numpy as np\nfrom sklearn.model_selection import KFold\n\ndef rmsle_cv(model):\n    """Cross-validated RMSLE."""\n    kf = KFold(N_FOLDS, shuffle=True)\n    return np.sqrt(kf + len(train))'],
      [['step:use'], 'train = [1]\nn = rmsle_cv(1)'],
    ]);
    assert.deepEqual(codes(p), []);
    assert.deepEqual(p.steps[0]?.inputs, ['N_FOLDS']);
    // A function reading a shared constant a step binds again stays in common.py for the calls before.
    const rebound = graphOf([
      [['functions'], 'cols = ["a"]\n\ndef pick(frame):\n    return frame[cols]'],
      [['step:load'], 'x = pick({"a": 1})'],
      [['step:more'], 'cols = cols + ["b"]'],
      [['step:last'], 'y = pick({"a": 1, "b": 2})'],
    ]);
    assert.deepEqual(codes(rebound), []);
    assert.deepEqual(rebound.steps.map((s) => [s.name, s.inputs, s.commonNames, s.definesShared ?? []]), [['load', [], ['pick'], []], ['more', [], ['cols'], []], ['last', ['cols'], [], ['pick']]]);
    assert.equal(rebound.common.stepBound?.[0]?.leftOut, false);
  });

  it('warns when a memoised shared function reads a step value: each step gets a copy with an empty cache', () => {
    const g = graphOf([
      [['functions'], "from functools import lru_cache\nRATES = {'EUR': 1.1}\n\n@lru_cache(maxsize=None)\ndef rate(cur):\n    return RATES[cur]"],
      [['step:convert'], "before = rate('EUR')\nRATES = {'EUR': 1.2}"],
      [['step:report'], "after = rate('EUR')"],
    ]);
    const warning = g.problems.find((p) => p.code === 'shared-memo-copied');
    assert.equal(warning?.severity, 'warning');
    assert.match(warning?.message ?? '', /^function rate remembers its results \(@lru_cache\) and reads RATES, which only the steps have: each step calling it defines a copy of its own, whose cache starts empty/);
    // Not memoised: no warning.
    const plain = graphOf([
      [['functions'], "RATES = {'EUR': 1.1}\n\ndef rate(cur):\n    return RATES[cur]"],
      [['step:convert'], "before = rate('EUR')\nRATES = {'EUR': 1.2}"],
      [['step:report'], "after = rate('EUR')"],
    ]);
    assert.equal(plain.problems.some((p) => p.code === 'shared-memo-copied'), false);
  });

  it("a shared function's default value is the value where the def ran: a unit binding that name itself, or after a step bound it, still takes the parameter", () => {
    // `def label(p, t=THRESHOLD)` above a step binding THRESHOLD itself: the step takes the parameter (its own
    // binding comes later in its function), for the lambda too.
    const own = graphOf([
      [['parameters'], 'THRESHOLD = 0.5'],
      [['functions'], 'def label(p, t=THRESHOLD):\n    return int(p >= t)\nlab = lambda p, t=THRESHOLD: int(p >= t)'],
      [['step:a'], 'THRESHOLD = 0.3\nx = label(0.4)\ny = lab(0.4)\nz = label(0.4, THRESHOLD)'],
    ]);
    assert.deepEqual(codes(own), []);
    assert.deepEqual(own.steps.map((s) => [s.name, s.inputs, s.definesShared]), [['a', ['THRESHOLD'], ['label', 'lab']]]);
    assert.deepEqual(own.common.stepBound?.map((f) => [f.name, f.reads, f.definitionReads]), [['label', ['THRESHOLD'], ['THRESHOLD']], ['lab', ['THRESHOLD'], ['THRESHOLD']]]);
    // A tuning loop in one step, the metrics calling the function after it: both take the parameter, and the
    // step gives THRESHOLD to nothing.
    const tuned = graphOf([
      [['parameters'], 'THRESHOLD = 0.5'],
      [['functions'], 'def evaluate(p, threshold=THRESHOLD):\n    return p >= threshold'],
      [['step:tune'], 'scores = []\nfor THRESHOLD in [0.2, 0.4]:\n    scores.append(evaluate(0.3))'],
      [['metrics'], 'm = evaluate(0.45) + len(scores)'],
    ]);
    assert.deepEqual(codes(tuned), []);
    assert.deepEqual([tuned.steps[0]?.inputs, tuned.steps[0]?.outputs, tuned.metrics?.inputs], [['THRESHOLD'], ['scores'], ['THRESHOLD', 'scores']]);
    assert.ok(tuned.edges.some((e) => e.from === 'parameters' && e.to === 'metrics' && e.name === 'THRESHOLD'), JSON.stringify(tuned.edges));
    // When the step gives THRESHOLD to the metrics as well, a run passes its value by that name: a warning on the call.
    const given = graphOf([
      [['parameters'], 'THRESHOLD = 0.5'],
      [['functions'], 'def evaluate(p, threshold=THRESHOLD):\n    return p >= threshold'],
      [['step:tune'], 'for THRESHOLD in [0.2, 0.4]:\n    pass'],
      [['metrics'], 'best = THRESHOLD\nm = evaluate(0.45)'],
    ]);
    const warning = given.problems.find((p) => p.code === 'shared-default-rebound');
    assert.match(warning?.message ?? '', /^the metrics cell calls evaluate, whose default value reads THRESHOLD: in the notebook it is the parameter's value, .*step tune binds THRESHOLD again/);
    assert.deepEqual([warning?.cellIndex, warning?.line], [3, 2]);
    // A default reading a shared constant the step binds again: the function reads nothing of the steps.
    const constant = graphOf([
      [['parameters'], 'SCALE = 2.0'],
      [['functions'], 'LIMIT = 5\ndef f(v, d=LIMIT):\n    return v * d'],
      [['step:a'], 'LIMIT = 6\ny = f(1) * SCALE'],
    ]);
    assert.deepEqual(constant.steps.map((s) => [s.inputs, s.commonNames, s.definesShared ?? []]), [[['SCALE'], ['f'], []]]);
  });

  it('a parameters cell assigning no name: a warning (round 66 QQQ); one of comments only, or %run, says nothing', () => {
    const g = graphOf([
      [['parameters'], 'print("hello")'],
      [['step:a'], 'y = 2'],
    ]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'parameters-none').map((p) => [p.cellIndex, p.severity]), [[0, 'warning']]);
    assert.deepEqual(codes(graphOf([[['parameters'], '# nothing yet'], [['step:a'], 'y = 2']])).filter((c) => c === 'parameters-none'), []);
    // Imports and calls only (round 67 RRR); imports only are no code to run.
    assert.deepEqual(codes(graphOf([[['parameters'], 'import random\nrandom.seed(0)'], [['step:a'], 'y = random.random()']])).filter((c) => c === 'parameters-none'), ['parameters-none']);
    assert.deepEqual(codes(graphOf([[['parameters'], 'import random'], [['step:a'], 'y = random.random()']])).filter((c) => c === 'parameters-none'), []);
  });

  it('a name a step or shared cell deleted (`del x`) and a later cell uses: an error naming both cells and lines (round 66 QQQ)', () => {
    const g = graphOf([
      [['step:load'], 'x = [1, 2]\ntmp = 3'],
      [['step:two'], 'y = len(x)\ndel x, tmp'],
      [['step:three'], 'z = x[0] + 1'],
      [['metrics'], 'm = z + y'],
    ]);
    const deleted = g.problems.filter((p) => p.code === 'name-deleted');
    assert.deepEqual(deleted.map((p) => [p.cellIndex, p.line, p.column, p.severity]), [[2, 1, 5, 'error']]);
    assert.equal(deleted[0]?.message, 'step three uses x, but cell 2 (step two) deletes it on line 2 (`del x`), so the notebook raised NameError here: remove the `del`, or define x again before this line');
    // In a percent script, the `del`'s line in the script too (round 69 VVV: its cell line beside the use's file line).
    const script = parseNotebook('# %% tags=["step:load"]\nx = [1]\n\ndel x\n\n# %% tags=["step:use"]\nn = len(x)\n', 'nb.py').notebook;
    assert.ok(script !== undefined);
    const scriptGraph = buildStepGraph(script, readRoles(script), new Map(script.cells.map((c) => [c.index, analyseCodeCell(c.source).facts])), new Map(), new Map());
    assert.match(scriptGraph.problems.find((p) => p.code === 'name-deleted')?.message ?? '', /deletes it on line 3 \(file line 4\) \(`del x`\)/);
    // In a `with` block, which always runs (round 69 VVV: every run failed).
    const inWith = graphOf([
      [['step:load'], 'raw = [1]\nwith open("f.txt", "w") as fh:\n    fh.write("x")\n    del raw'],
      [['step:fit'], 'n = len(raw)'],
    ]);
    assert.deepEqual(inWith.problems.filter((p) => p.code === 'name-deleted').map((p) => p.cellIndex), [1]);
    // The metrics cell deleting a step value a test cell reads (round 67 RRR).
    const metrics = graphOf([
      [['step:load'], 'z = [1.0, 2.0]'],
      [['metrics'], 'total = sum(z)\ndel z'],
      [['test'], 'assert len(z) == 2'],
    ]);
    assert.deepEqual(metrics.problems.filter((p) => p.code === 'name-deleted').map((p) => [p.cellIndex, p.message.split(':')[0]]), [[2, 'this test cell uses z, but cell 2 (the metrics cell) deletes it on line 2 (`del z`), so the notebook raised NameError here']]);
    // Bound again after the del, deleted under a condition, or deleted and never used again: nothing to say.
    const fine = graphOf([
      [['parameters'], 'big = False'],
      [[], 'raw = [1]\ndel raw\nraw = [2]'],
      [['step:load'], 'x = [1, 2] + raw\ntmp = 3\nif big:\n    del x'],
      [['step:two'], 'y = len(x)\ndel tmp'],
      [['metrics'], 'm = y'],
    ]);
    assert.deepEqual(fine.problems.filter((p) => p.severity === 'error'), []);
  });

  it('a step setting a parameter before anything reads it: a warning on the line, as --param cannot reach it; an annotated float is a float', () => {
    const g = graphOf([
      [['parameters'], 'n = 5\nscale: float = 2\nk = 3'],
      [['step:gen'], 'import numpy as np\nn = 8\nx = np.ones(n) * scale\nk = k + 1'],
      [['metrics'], 'total = float(x.sum()) + k'],
    ]);
    const warnings = g.problems.filter((p) => p.code === 'parameter-overwritten');
    // k is read first (`k = k + 1`): the parameter reaches the step.
    assert.deepEqual(warnings.map((p) => [p.cellIndex, p.line, p.severity]), [[1, 2, 'warning']]);
    assert.match(warnings[0]?.message ?? '', /^step gen sets n here before any step reads the parameter n: a --param n value never reaches the pipeline/);
    assert.deepEqual(g.parameters.map((p) => [p.name, p.type, p.default]), [['n', 'int', 5], ['scale', 'float', 2], ['k', 'int', 3]]);
    // A step reading the parameter before another sets it: the parameter reaches the pipeline, nothing to say.
    const read = graphOf([
      [['parameters'], 'n = 5'],
      [['step:a'], 'm = n * 2'],
      [['step:b'], 'n = 8\ny = n + m'],
    ]);
    assert.deepEqual(codes(read), []);
    // Round 66 PPP: a shared cell below the parameters cell (`n = 8  # quick try`, common.py) too.
    const shared = graphOf([
      [['parameters'], 'n = 5'],
      [[], 'n = 8  # quick try'],
      [['step:gen'], 'y = n * 2'],
    ]);
    const overwritten = shared.problems.filter((p) => p.code === 'parameter-overwritten');
    assert.deepEqual(overwritten.map((p) => [p.cellIndex, p.line, p.severity]), [[1, 1, 'warning']]);
    assert.match(overwritten[0]?.message ?? '', /^this shared cell sets n here before any step reads the parameter n: .* Change the value in the parameters cell and delete this line/);
  });

  it('a shared class, a function binding a global, or a shared cell calling such a function at import: an error naming the line', () => {
    const cls = graphOf([
      [['step:load'], 'df = 1'],
      [['functions'], 'class Sizer:\n    def size(self):\n        return len(df)'],
      [['step:use'], 'n = Sizer().size()'],
    ]).problems.find((x) => x.code === 'shared-reads-step-value' && x.message.startsWith('class'));
    assert.match(cls?.message ?? '', /^class Sizer reads the global df, a value computed by step load; .*a class cannot be moved into the steps using it: pass df as an argument/);
    assert.equal(cls?.line, 3);
    const writes = graphOf([
      [['parameters'], 'N_FOLDS = 5'],
      [['functions'], 'calls = 0\n\ndef folds():\n    global calls\n    calls += 1\n    return N_FOLDS'],
      [['step:use'], 'n = folds()'],
    ]).problems.find((x) => x.code === 'shared-reads-step-value');
    assert.match(writes?.message ?? '', /^function folds reads the global N_FOLDS, a parameter; .*it binds a global/);
    assert.equal(writes?.line, 6);
    const atImport = graphOf([
      [['step:load'], 'df = 1'],
      [['functions'], 'def size():\n    return len(df)\n\nn = size()'],
      [['step:use'], 'm = size()'],
    ]).problems.filter((x) => x.code === 'shared-reads-step-value');
    assert.deepEqual(atImport.map((x) => [x.line, x.message.slice(0, 60)]), [[4, 'this shared cell calls size, which reads df (from step load)']]);
    // A dict of such functions only refers to them: said so, with the fix.
    const referred = graphOf([
      [['functions'], 'def mae(pred):\n    return abs(pred - y_true)\nSCORERS = {"mae": mae}'],
      [['step:load'], 'y_true = 1.0'],
      [['step:score'], 'results = {name: fn(2.0) for name, fn in SCORERS.items()}'],
    ]).problems.filter((x) => x.code === 'shared-reads-step-value');
    assert.deepEqual(referred.map((x) => x.line), [3]);
    assert.match(referred[0]?.message ?? '', /^this shared cell refers to mae, a function reading y_true \(from step load\) when called, .*Build SCORERS in the step using it \(move this line there\), or tag this cell as a step$/);
    // A method reading a parameter: the class's one error, not also one for a read at import.
    const method = graphOf([
      [['parameters'], 'CLIP = 3.0'],
      [['functions'], 'class Clipper:\n    limit = 1\n\n    def transform(self, X):\n        return min(X, CLIP)'],
      [['step:use'], 'n = Clipper().transform(5.0)'],
    ]).problems.filter((x) => x.code === 'shared-reads-step-value');
    assert.deepEqual(method.map((x) => [x.line, x.message.slice(0, 45)]), [[5, 'class Clipper reads the global CLIP, a parame']]);
    // A class body reading it at import still is that error.
    const body = graphOf([
      [['parameters'], 'CLIP = 3.0'],
      [['functions'], 'class Clipper:\n    limit = CLIP'],
    ]).problems.filter((x) => x.code === 'shared-reads-step-value');
    assert.ok(body.some((x) => x.line === 2 && x.message.startsWith('this shared cell reads CLIP, a parameter; shared code')), JSON.stringify(body));
  });

  it('a shared cell rebinding a step value (`df = df[...]`) reads it first: the same error', () => {
    const g = graphOf([
      [['step:load'], 'df = [1, 900]'],
      [['functions'], 'df = [r for r in df if r > 800]\n\ndef size():\n    return len(df)'],
      [['step:use'], 'n = size()'],
    ]);
    const errors = g.problems.filter((p) => p.code === 'shared-reads-step-value');
    assert.deepEqual(errors.map((p) => [p.line, p.message.slice(0, 60)]), [[1, 'this shared cell reads df, a value computed by step load; sh']]);
  });

  it('a shared cell reading a step value twice on one line gets one error for it', () => {
    const g = graphOf([
      [['step:load'], 'df = {"sqft": 900}'],
      [['functions'], 'df = df if df["sqft"] > 800 else None'],
      [['step:use'], 'n = len(df)'],
    ]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'shared-reads-step-value').map((p) => [p.line, p.column]), [[1, 6]]);
  });

  it('a `with … as` or `for` target in a parameters cell is no parameter: no parameter-not-literal warning for it', () => {
    const g = graphOf([
      [['imports'], 'import json'],
      [['parameters'], 'with open("cfg.json") as f:\n    cfg = json.load(f)\nfor k in ["a"]:\n    pass'],
      [['step:use'], 'n = len(cfg)'],
    ]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'parameter-not-literal').map((p) => /parameter (\w+)/.exec(p.message)?.[1]), ['cfg']);
  });

  // Round 61 GGG: `def double(v)` in a parameters cell was "parameter double is computed, not a literal".
  it('a function or class a parameters cell defines is no parameter: no parameter-not-literal warning for it', () => {
    const g = graphOf([
      [['parameters'], 'k = 2\ndef double(v):\n    return v * 2\nclass Box:\n    pass\nscale = k * 3'],
      [['step:use'], 'n = double(scale) + len([Box()])'],
    ]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'parameter-not-literal').map((p) => /parameter (\w+)/.exec(p.message)?.[1]), ['scale']);
  });

  it('an import under `if IN_COLAB:` in a parameters cell is no parameter: no parameter-not-literal warning for it', () => {
    const g = graphOf([
      [['imports'], 'import sys\nIN_COLAB = "google.colab" in sys.modules'],
      [['parameters'], 'n_estimators = 50\nif IN_COLAB:\n    from google.colab import drive\n    drive.mount("/content/drive")\n    data_path = "/content/drive/x.csv"\nelse:\n    data_path = "data/x.csv"'],
      [['step:load'], 'rows = open(data_path).read()'],
    ]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'parameter-not-literal').map((p) => /parameter (\w+)/.exec(p.message)?.[1]), ['data_path']);
  });

  it('a parameter set again in a later parameters cell after a step read it is an error naming both cells', () => {
    const g = graphOf([
      [['parameters'], 'scale = 1.0\nn = 3'],
      [['step:load'], 'rows = [scale] * 3'],
      [['parameters'], 'scale = 2.0\nn = 4'],
      [['step:use'], 'total = sum(rows) * scale'],
    ]);
    assert.deepEqual(g.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.cellIndex, p.line, p.message.slice(0, 80)]), [
      ['parameter-set-twice', 2, 1, 'parameter scale is set again here, after step load read the value cell 1 gave it'],
    ]);
    // n, which no step read before, takes the later value, as in the notebook.
    assert.deepEqual(g.parameters.map((p) => [p.name, p.default]), [['scale', 1], ['n', 4]]);
  });

  it('a read guarded by `except NameError:` binding the name needs no earlier cell; with one, it is an input', () => {
    const alone = graphOf([
      [['step:load'], 'try:\n    raw\nexcept NameError:\n    raw = [1, 2]\nn = len(raw)'],
      [['step:use'], 'm = n + 1'],
    ]);
    assert.deepEqual(alone.problems.filter((p) => p.severity === 'error'), []);
    assert.deepEqual(step(alone, 'load').inputs, []);
    const earlier = graphOf([
      [['step:fetch'], 'raw = [3]'],
      [['step:load'], 'try:\n    raw\nexcept NameError:\n    raw = [1, 2]\nn = len(raw)'],
      [['step:use'], 'm = n + 1'],
    ]);
    assert.deepEqual(step(earlier, 'load').inputs, ['raw']);
    // Not guarded: a handler for another error, or a read after the try.
    const other = graphOf([[['step:load'], 'try:\n    raw\nexcept KeyError:\n    raw = [1]\nn = len(raw)']]);
    assert.deepEqual(other.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.message]), [['name-undefined', 'step load uses raw before this cell defines it (line 4), and no cell before it defines it']]);
  });

  it("a parameter papermill's injected cell sets again takes the injected value, a float for an int and a float", () => {
    const g = graphOf([
      [['parameters'], 'lr = 0.1\ndepth = 3\nname = "base"'],
      [['injected-parameters'], '# Parameters\nlr = 1\ndepth = 5\nname = 42'],
      [['step:train'], 'score = lr * depth'],
    ]);
    assert.deepEqual(g.parameters.map((p) => [p.name, p.default, p.type]), [['lr', 1, 'float'], ['depth', 5, 'int'], ['name', 42, 'int']]);
  });

  it('a parameters cell setting names through globals() or exec is an error naming the line', () => {
    for (const line of ['globals().update(json.load(f))', 'globals()["C"] = 0.1', 'exec(open("params.py").read())']) {
      const g = graphOf([
        [['parameters'], `import json\nC = 1.0\nwith open("params.json") as f:\n    ${line}`],
        [['step:train'], 'score = C * 2'],
      ]);
      assert.deepEqual(g.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.line]), [['parameters-dynamic', 4]], line);
    }
  });

  it('a name an untagged cell joined to a test cell defines: the error says the cell is a test\'s, not that it comes later', () => {
    const g = graphOf([
      [['step:load'], 'rows = [1, 2]'],
      [['test'], 'assert len(rows) == 2'],
      [[], 'X = [r * 2 for r in rows]'],
      [['step:train'], 'total = sum(X)'],
    ]);
    const error = g.problems.find((p) => p.severity === 'error');
    assert.equal(error?.code, 'name-outside-steps');
    assert.equal(error?.message, 'step train uses X, which cell 3 defines, but that cell is a test cell, as it has no tag of its own and joins cell 2 above it: tests run after the pipeline, on its values, and no step sees what they define. Tag cell 3 `step:<name>` (or as part of a step), or move the test cell 2 below it');
  });

  // Round 47 BB: the advice was to make the test helper a step.
  it('a test cell calling a function another test cell defines: move it into a functions cell or this test cell', () => {
    const g = graphOf([
      [['step:load'], 'rows = [1, 2]'],
      [['test'], 'def close(a, b):\n    return abs(a - b) < 1e-9\n\nassert close(len(rows), 2)'],
      [['test'], 'assert close(sum(rows), 3)'],
    ]);
    const error = g.problems.find((p) => p.severity === 'error');
    assert.equal(error?.message, 'this test cell uses close, which cell 2 defines, but that cell is a test cell, and each test cell is a test of its own, which sees nothing another defines. Move def close into a `functions` cell (shared code, which the tests import too), or into this test cell');
  });

  it('a shared cell reading a parameter says to move the lines into the parameters cell', () => {
    const g = graphOf([
      [['parameters'], 'SEED = 42'],
      [[], 'import random\nrandom.seed(SEED)'],
      [['step:load'], 'x = random.random()'],
    ]);
    assert.match(g.problems.find((p) => p.code === 'shared-reads-step-value')?.message ?? '', /reads SEED, a parameter; .*before a --param value is known: move these lines into the parameters cell/);
  });

  it('tests read metrics and step values; a step may not read a metric', () => {
    const g = graphOf([
      [['step:a'], 'x = 2'],
      [['metrics'], 'score = x / 4'],
      [['test'], 'assert score < 1 and x == 2'],
      [['step:late'], 'y = score'],
    ]);
    const test = g.tests[0];
    assert.deepEqual(test?.inputs, ['score', 'x']);
    assert.deepEqual(test?.metricInputs, ['score']);
    assert.deepEqual(codes(g), ['step-uses-metric']);
  });

  it('explicit after: orders steps even against notebook order', () => {
    const g = graphOf([
      [['step:report', 'after:fit'], 'print("report")'],
      [['step:fit'], 'm = 1'],
    ]);
    assert.deepEqual(g.steps.map((s) => s.name), ['fit', 'report']);
  });

  it('a name one star import may bind is imported by name from its module (pyflakes can check it); with two, both stay', () => {
    const g = graphOf([
      [['imports'], 'from math import *'],
      [['step:a'], 'r = sqrt(2)'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual(step(g, 'a').imports, ['from math import sqrt']);
    assert.deepEqual(g.common.imports, [], 'the shared module does not import what it does not use');
    const two = graphOf([
      [['imports'], 'from math import *\nfrom statistics import *'],
      [['step:a'], 'r = sqrt(mean([2]))'],
    ]);
    assert.deepEqual(step(two, 'a').imports, ['from math import *', 'from statistics import *']);
  });

  // Round 51 KK: with `from helpers import *`, a name `%run` or `exec` defined (or a typo) became `from helpers
  // import double`, and the package did not import. The notebook's own module's names are known.
  it("a star import of the notebook's own module binds only what it defines: another name is undefined; a library's star import takes the rest", () => {
    const exports = new Map([['helpers', new Set(['add_ratio', 'SCALE'])]]);
    const undefinedName = graphOf([
      [['imports'], 'from helpers import *'],
      [['step:a'], 'r = add_ratio(SCALE)\nd = double(r)'],
    ], exports);
    assert.deepEqual(undefinedName.problems.filter((p) => p.code === 'name-undefined').map((p) => [p.line, p.message.split(';')[0]]), [[2, 'step a uses double, but no cell before it defines it']]);
    const two = graphOf([
      [['imports'], 'from helpers import *\nfrom sklearn.metrics import *'],
      [['step:a'], 'r = add_ratio(SCALE)\ns = r2_score([1], [1])'],
    ], exports);
    assert.deepEqual(codes(two), []);
    assert.deepEqual(step(two, 'a').imports, ['from helpers import add_ratio', 'from helpers import SCALE', 'from sklearn.metrics import r2_score']);
  });

  // Round 38 L: `sum([a, b])` after `from numpy import *` is NumPy's sum (a number), not the builtin's (an array).
  it("a builtin a star import rebinds (numpy's sum, any, all; math's pow) is imported by name from the last such module", () => {
    const g = graphOf([
      [['imports'], 'from numpy import *\nfrom statistics import *'],
      [['functions'], 'def total(xs):\n    return sum(xs)'],
      [['step:a'], 'a = ones(3)\nt = sum([a, a]) + len(a)\nok = any(a > 0)'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual([...step(g, 'a').imports].sort(), ['from numpy import any', 'from numpy import sum', 'from numpy import *', 'from statistics import *'].sort());
    assert.ok(g.common.imports.includes('from numpy import sum'), g.common.imports.join('; '));
    const plain = graphOf([[['imports'], 'from math import *'], [['step:a'], 't = sum([1, 2]) + pow(2, 3)']]);
    assert.deepEqual(step(plain, 'a').imports, ['from math import pow']);
  });

  // Round 40 P: `try: from math import *` in a step cell stayed in the step's function, which did not compile.
  it('a star import inside a block of a step cell is an error naming the line; at the top level or in the imports it is fine', () => {
    const g = graphOf([[['parameters'], 'P = 1'], [['step:s'], 'try:\n    from math import *\nexcept ImportError:\n    pass\nx = floor(1.5) + P']]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'star-import-in-block').map((p) => [p.severity, p.cellIndex, p.line]), [['error', 1, 2]]);
    const fine = graphOf([[['imports'], 'try:\n    from math import *\nexcept ImportError:\n    pass'], [['step:s'], 'from statistics import *\nx = floor(1.5) + mean([1])']]);
    assert.deepEqual(fine.problems.filter((p) => p.code === 'star-import-in-block'), []);
  });

  it("a star import in a step's own cell binds what the cell reads after it", () => {
    const g = graphOf([[['step:a'], 'from math import *\nr = log(2)']]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual(step(g, 'a').imports, ['from math import log']);
  });

  it('a value named like a builtin, made by one step, is what later steps and the metrics read (not the builtin)', () => {
    const g = graphOf([
      [['step:load'], 'max = 3\nid = "row"\nrows = [1, 2]'],
      [['step:train'], 'depth = min(max, len(rows))\nkey = id'],
      [['metrics'], 'positives = sum\nsum = 1'],
      [['step:count'], 'sum = 5'],
    ]);
    assert.deepEqual([...step(g, 'load').outputs].sort(), ['id', 'max', 'rows']);
    assert.deepEqual([...step(g, 'train').inputs].sort(), ['id', 'max', 'rows']);
    // `sum` is still the builtin in the metrics cell: nothing defined it before.
    assert.deepEqual(g.metrics?.inputs, []);
  });
  it('warns when a later cell of a split step changes a value a step between its cells read', () => {
    const g = graphOf([
      [['step:load'], 'df = [1, 2, 3]'],
      [['step:train'], 'model = sum(df)'],
      [['step:load'], 'df = [x for x in df if x > 1]'],
      [['step:other'], 'extra = 1'],
      [['step:other'], 'more = extra + 1'],
    ]);
    const split = g.problems.filter((p) => p.code === 'step-split');
    assert.equal(split.length, 1);
    assert.equal(split[0]?.cellIndex, 2);
    assert.match(split[0]?.message ?? '', /belongs to step load, whose earlier cells come before step train; .* step train reads the df this cell makes/);
  });
  it('warns when a later cell of a split step changes a value in place through a shared function (`drop_seniors(raw)`)', () => {
    const cells: [string[], string][] = [
      [['functions'], 'def drop_seniors(df, max_age=65):\n    df.drop(df.index[df["age"] >= max_age], inplace=True)'],
      [['step:load'], 'raw = read()'],
      [['step:features'], 'loans = add(raw)'],
      [['step:load'], 'drop_seniors(raw)'],
    ];
    const split = graphOf(cells).problems.filter((p) => p.code === 'step-split');
    assert.deepEqual(split.map((p) => p.cellIndex), [3]);
    assert.match(split[0]?.message ?? '', /step features reads the raw this cell makes/);
    // A test cell between the step's cells sees the change too.
    const tested = graphOf([...cells.slice(0, 2), [['test'], 'assert len(raw) > 0'], ...cells.slice(2)]);
    assert.deepEqual(tested.problems.filter((p) => p.code === 'test-sees-later-change').map((p) => p.cellIndex), [2]);
  });
  // Round 36 H: every step ran at every run, and only the run's stderr said why.
  it('warns of a step output pickle cannot store: a generator expression, an open file; not a tuple or a list', () => {
    const g = graphOf([
      [['step:data'], 'squares = (x * x for x in range(6))\nlog = open("log.txt")\npair = (1, [x for x in range(3)])\nrows = [x for x in range(3)]'],
      [['step:use'], 'n = sum(squares) + len(log.read()) + len(pair) + len(rows)'],
    ]);
    const warnings = g.problems.filter((p) => p.code === 'output-not-picklable');
    assert.deepEqual(warnings.map((p) => [p.severity, p.line]), [['warning', 1], ['warning', 2]]);
    assert.match(warnings[0]?.message ?? '', /^step data gives squares, a generator, to the steps after it: pickle cannot store it, .* make it a list \(`squares = list\(\.\.\.\)`\)$/);
    assert.match(warnings[1]?.message ?? '', /^step data gives log, an open file, /);
  });

  // Round 36 H: `--only sample` skipped warm, which moved rng on through a shared function.
  it('a shared function drawing from a generator it is given moves that generator on: the calling step gives it', () => {
    const g = graphOf([
      [['imports'], 'import numpy as np'],
      [['functions'], 'def burn_in(rng, n):\n    return float(rng.normal(size=n).sum())\n\ndef describe(model, n):\n    return model.sample_count + n'],
      [['step:data'], 'rng = np.random.default_rng(0)\nmodel = make()'],
      [['step:warm'], 'burn_in(rng, 100)\ndescribe(model, 1)'],
      [['step:sample'], 's = float(rng.normal()) + model.size'],
    ]);
    assert.deepEqual(step(g, 'warm').outputs, ['rng']);
    assert.deepEqual(g.edges.filter((e) => e.name === 'rng').map((e) => [e.from, e.to]), [['data', 'warm'], ['warm', 'sample']]);
  });
  it('refuses a later cell of a split step reading a value the step between sets again (the cell would read its own step\'s value)', () => {
    for (const between of ['x = x * 100', 'x *= 100', 'x = 5']) {
      const g = graphOf([
        [['parameters'], 'seed = 0'],
        [['step:gen'], 'x = [seed]'],
        [['step:mid'], between],
        [['step:gen'], 'total = sum(x)'],
        [['metrics'], 'print("total:", total)'],
      ]);
      const stale = g.problems.filter((p) => p.code === 'step-split-stale');
      assert.deepEqual(stale.map((p) => [p.severity, p.cellIndex, p.line]), [['error', 3, 1]], between);
      assert.equal(
        stale[0]?.message,
        'step gen uses x, which its cell 2 makes and step mid sets again in cell 3, between the two: the package runs all of gen as one function, so this cell would read the x of cell 2, not the one step mid leaves, whatever order the steps run in. Give this cell its own step (step:<name>)',
      );
    }
    // The step's own cells rebinding it, or a step between that reads it only, is no error.
    assert.deepEqual(graphOf([[['step:gen'], 'x = 1'], [['step:mid'], 'y = x * 100'], [['step:gen'], 'x = x + 1\ntotal = x']]).problems.filter((p) => p.code === 'step-split-stale'), []);
    assert.deepEqual(graphOf([[['step:gen'], 'x = 1'], [['step:mid'], 'x = 100'], [['step:gen'], 'x = 2\ntotal = x']]).problems.filter((p) => p.code === 'step-split-stale'), []);
  });
  it('says nothing of a split step\'s cell when the step between runs first anyway (Kale `prev:` on the split step)', () => {
    const g = graphOf([
      [['block:a'], 'x = 1'],
      [['block:b', 'prev:a'], 'x = x + 1'],
      [['block:a'], 'x = x * 10'],
      [['block:b', 'prev:a'], 'x = x + 5'],
    ]);
    // Cell 3 (a) is right: b read the x cell 3 makes. Cell 4 (b) is not: a runs before b, whatever b makes.
    assert.deepEqual(g.problems.filter((p) => p.code === 'step-split').map((p) => p.cellIndex), [2]);
  });
  it('warns on a test cell between two cells of a step when a later cell of the step changes what the test reads', () => {
    const g = graphOf([
      [['step:load'], 'raw = [3, None, 1]\nn = 3'],
      [['test'], 'assert None in raw\nassert n == 3'],
      [['step:clean'], 'total = len(raw)'],
      [['step:load'], 'k = 2'],
      [['step:load'], 'raw.append(4)'],
      [['test'], 'assert len(raw) == 4'],
    ]);
    const warned = g.problems.filter((p) => p.code === 'test-sees-later-change');
    assert.deepEqual(warned.map((p) => [p.cellIndex, p.severity]), [[1, 'warning']]);
    assert.match(warned[0]?.message ?? '', /^this test cell reads raw from step load, whose cell 5 \(below this one\) changes it again; the package runs all of load before the test, so the test sees raw with that change, not as it was here\. Give cell 5 its own step/);
    // A test cell reading only what the step's later cells leave alone is not warned.
    assert.deepEqual(codes(graphOf([[['step:load'], 'raw = [1]\nn = 3'], [['test'], 'assert n == 3'], [['step:load'], 'raw.append(4)']])), []);
  });
  it('imports written over several lines keep every name (parentheses, backslash), shared or in a step', () => {
    const g = graphOf([
      [['imports'], 'from math import sqrt, \\\n    floor'],
      [['step:load'], 'from statistics import (\n    mean,\n    median,\n)\nv = floor(sqrt(17.0)) + mean([1]) + median([2])'],
    ]);
    assert.deepEqual(codes(g), []);
    assert.deepEqual([...step(g, 'load').imports].sort(), ['from math import floor', 'from math import sqrt', 'from statistics import mean', 'from statistics import median']);
  });
  it('a value changed in place through another name for it (`clean = raw; clean.dropna(inplace=True)`) changes both', () => {
    const g = graphOf([
      [['step:load'], 'raw = [3, None, 1]'],
      [['step:clean'], 'clean = raw\nclean.remove(None)\nother = raw\nother = [0]\nother.append(1)'],
      [['step:report'], 'n_raw = len(raw)'],
    ]);
    assert.deepEqual(step(g, 'clean').outputs, ['raw']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'report').map((e) => [e.from, e.name]), [['clean', 'raw']]);
  });
  it('a method called on a new object (`Scaler().fit(X)`, `make_model().fit(X)`) changes nothing the notebook named', () => {
    const g = graphOf([
      [['functions'], 'class Scaler:\n    def fit(self, X):\n        self.mean = sum(X)\n        return self\n\ndef make_model():\n    return Scaler()\n\nbase = Scaler()'],
      [['step:fit'], 'X = [1, 2]\nfirst = Scaler().fit(X)\nsecond = make_model().fit(X)\nbase.fit(X)'],
      [['step:report'], 'n = first.mean + second.mean + base.mean'],
    ]);
    // `base.fit` changes the shared object: the step takes a copy and returns it. Scaler and make_model stay shared.
    assert.deepEqual(step(g, 'fit').changesShared, ['base']);
    assert.deepEqual(step(g, 'fit').outputs, ['first', 'second', 'base']);
  });
  it('a call of a function that changes its argument in place changes the value passed (shared or step function)', () => {
    const g = graphOf([
      [['functions'], 'def add_features(frame, scale=1):\n    frame["x2"] = frame["x"] * scale\n\ndef total(frame):\n    return sum(frame["x"])'],
      [['step:load'], 'df = {"x": [1, 2]}\nother = {"x": [3]}'],
      [['step:features'], 'add_features(df)\nt = total(other)'],
      [['step:more'], '@staticmethod\ndef tag(rows, label):\n    rows.append(label)\n\ntag(label="a", rows=other)'],
      [['step:report'], 'n = len(df["x2"]) + len(other) + t'],
    ]);
    assert.deepEqual(step(g, 'features').outputs, ['df', 't']);
    assert.deepEqual(step(g, 'more').outputs, ['other']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'report').map((e) => [e.from, e.name]), [['features', 'df'], ['more', 'other'], ['features', 't']]);
  });
  // Round 58 BBB: `frame = frame.copy()` then new columns was taken for a change of the caller's df.
  it('a function copying its argument first changes its copy, not the value passed; one changing it before the copy does', () => {
    const g = graphOf([
      [['functions'], 'def add_lags(frame, n):\n    frame = frame.copy()\n    frame["lag"] = n\n    return frame\n\ndef tag(frame):\n    frame["t"] = 1\n    frame = frame.copy()\n    return frame'],
      [['step:load'], 'df = {"x": [1]}\nraw = {"x": [2]}'],
      [['step:features'], 'feat = add_lags(df, 2)\ntagged = tag(raw)'],
      [['step:report'], 'n = len(df) + len(raw) + len(feat) + len(tagged)'],
    ]);
    assert.deepEqual(step(g, 'features').outputs, ['feat', 'tagged', 'raw']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'report').map((e) => `${e.from}:${e.name}`).sort(), ['features:feat', 'features:raw', 'features:tagged', 'load:df']);
  });
  it('an augmented assignment changes an array in place: in a function (of its argument or an alias of it) and through an alias', () => {
    const g = graphOf([
      [['functions'], 'def standardize(X):\n    X -= X.mean(0)\n\ndef triple(a):\n    b = a\n    b[:] = b * 3'],
      [['step:load'], 'a1 = np.ones(2)\na2 = np.ones(2)\na3 = np.ones(2)'],
      [['step:change'], 'standardize(a1)\ntriple(a2)\nal = a3\nal -= 0.5'],
      [['step:use'], 's = a1.sum() + a2.sum() + a3.sum()'],
    ]);
    assert.deepEqual([...step(g, 'change').outputs].sort(), ['a1', 'a2', 'a3']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'use').map((e) => `${e.from}:${e.name}`).sort(), ['change:a1', 'change:a2', 'change:a3']);
  });
  it("a call of a notebook class's method that changes self changes the object", () => {
    const g = graphOf([
      [['imports'], 'import numpy as np'],
      [['functions'], 'class Tracker:\n    def __init__(self):\n        self.history = []\n    def log(self, x):\n        self.history.append(x)\n    def last(self):\n        return self.history[-1]'],
      [['step:make'], 'tracker = Tracker()\nv = np.ones(2)'],
      [['step:train'], 'tracker.log(1)\nw = np.log(v)\npeek = tracker.last()'],
      [['step:report'], 'n = len(tracker.history) + w.sum()'],
    ]);
    assert.deepEqual([...step(g, 'train').outputs].sort(), ['tracker', 'w']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'report').map((e) => `${e.from}:${e.name}`).sort(), ['train:tracker', 'train:w']);
  });
  it('a change to a loop variable changes what the loop iterates over', () => {
    const g = graphOf([
      [['step:load'], 'train = make()\ntest = make()\nmodels = {"lr": LR()}\nframes = [train]'],
      [['step:features'], 'for d in (train, test):\n    d["a2"] = d["a"] ** 2\nfor name, m in models.items():\n    m.fit(train)\nfor i, f in enumerate(frames):\n    f.dropna(inplace=True)'],
      [['step:use'], 'n = len(train) + len(test) + len(models) + len(frames)'],
    ]);
    assert.deepEqual([...step(g, 'features').outputs].sort(), ['frames', 'models', 'test', 'train']);
  });
  it('a generator passed as random_state is drawn from: the step changes it', () => {
    const g = graphOf([
      [['step:make'], 'rng = np.random.RandomState(0)\nseed = 3'],
      [['step:split'], 'a, b = train_test_split(rows, random_state=rng)\nc, d = train_test_split(rows, random_state=seed)'],
      [['step:fit'], 'model = RandomForestRegressor(random_state=rng).fit(a, b)'],
    ]);
    assert.deepEqual([...step(g, 'split').outputs].sort(), ['a', 'b', 'rng']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'fit' && e.name === 'rng').map((e) => e.from), ['split']);
  });
  it('draws from a random generator, shuffles, `out=` and a change through a name another step aliased change the value', () => {
    const g = graphOf([
      [['step:make'], 'rng = np.random.default_rng(0)\nvals = [1, 2, 3]\narr = np.zeros(3)\nraw = {"a": 1}\ndf = raw'],
      [['step:draw'], 'x = rng.normal()'],
      [['step:mix'], 'random.Random(1).shuffle(vals)\nnp.add(arr, 1, out=arr)'],
      [['step:change'], 'df["z"] = 2'],
      [['step:report'], 'n = x + vals[0] + arr[0] + raw["z"] + rng.normal()'],
    ]);
    assert.deepEqual(step(g, 'draw').outputs, ['x', 'rng']);
    assert.deepEqual([...step(g, 'mix').outputs].sort(), ['arr', 'vals']);
    assert.deepEqual([...step(g, 'change').inputs].sort(), ['df', 'raw']);
    assert.deepEqual(g.edges.filter((e) => e.to === 'report').map((e) => `${e.from}:${e.name}`).sort(), ['change:raw', 'draw:rng', 'draw:x', 'mix:arr', 'mix:vals']);
  });
  it('a shared value a shared function changes (`results[k] = v` in `def record`) stays shared, never a step output', () => {
    const g = graphOf([
      [['functions'], 'results = {}\n\ndef record(name, value):\n    results[name] = value'],
      [['step:a'], 'record("x", 1)\nresults["y"] = 2'],
      [['metrics'], 'total = results["x"] + results["y"]'],
    ]);
    assert.deepEqual(step(g, 'a').outputs, []);
    assert.deepEqual(step(g, 'a').changesShared ?? [], []);
    assert.deepEqual(g.metrics?.inputs, []);
    assert.deepEqual(g.metrics?.commonNames, ['results']);
  });
  it("pandas' query and eval strings read the names after @ (`df.query('a > @thr')`)", () => {
    const g = graphOf([
      [['parameters'], 'thr = 0.5\nk = 2'],
      [['step:load'], 'df = {"a": [1]}'],
      [['step:filter'], 'kept = df.query("a > @thr", engine="python")\nz = df.eval(f"@k * a")\nq = df.query("a > @later")\nlater = 1'],
    ]);
    assert.deepEqual([...step(g, 'filter').inputs].sort(), ['df', 'k', 'thr']);
    // `@later` reads a name the same cell binds only below it.
    assert.deepEqual(codes(g), ['name-undefined']);
  });
  // Round 39 N: an entry of a shared dict named in a step (`model_cfg = CONFIG["model"]`) and changed in the next.
  it('an entry of a shared or parameter dict a step names and a later step changes: the shared value is copied where the entry is taken', () => {
    for (const role of ['functions', 'parameters']) {
      const g = graphOf([
        [[role], 'CONFIG = {"model": {"lr": 0.1}}'],
        [['step:setup'], 'model_cfg = CONFIG["model"]'],
        [['step:tune'], 'model_cfg["lr"] = 0.7'],
        [['step:report'], 'lr_used = CONFIG["model"]["lr"]'],
      ]);
      assert.deepEqual(step(g, 'setup').copiesSharedForLater, ['CONFIG'], role);
      assert.deepEqual([step(g, 'tune').outputs, step(g, 'report').inputs], [['CONFIG'], ['CONFIG']], role);
    }
    // Round 40 P: the same through tuple unpacking (`grid, seed = GRID, SEED`): a cached run gave the parameter as set.
    const unpacked = graphOf([[['parameters'], 'GRID = {"depth": [2, 3]}\nSEED = 0'], [['step:prep'], 'grid, seed = GRID, SEED'], [['step:tune'], 'grid["depth"].append(4)'], [['step:use'], 'n = len(GRID["depth"])']]);
    assert.deepEqual([step(unpacked, 'prep').copiesSharedForLater, step(unpacked, 'tune').outputs, step(unpacked, 'use').inputs], [['GRID'], ['GRID'], ['GRID']]);
    // Round 41 Q: changed through the unpacked name in the same cell, the parameter was changed in the run's own
    // value (the run record's params) and a step after it, re-run alone, lost the change.
    const sameCell = graphOf([[['parameters'], 'CFG = {"a": 1}\nK = 2'], [['step:prep'], 'cfg, k = CFG, K\ncfg["b"] = k * 10'], [['step:mid'], 'x = CFG["b"] + 1'], [['metrics'], 'm = x']]);
    assert.deepEqual([step(sameCell, 'prep').changesParameters, step(sameCell, 'prep').outputs], [['CFG'], ['CFG']]);
    assert.deepEqual(sameCell.edges.filter((e) => e.to === 'mid').map((e) => [e.from, e.name]), [['prep', 'CFG']]);
    // Given a value of its own after (`cfg, k = load()`), cfg no longer stands for CFG.
    const rebound = graphOf([[['parameters'], 'CFG = {"a": 1}'], [['step:prep'], 'cfg = CFG\ncfg, k = load()\ncfg["b"] = k'], [['step:mid'], 'x = CFG["a"] + 1'], [['metrics'], 'm = x']]);
    assert.deepEqual([step(rebound, 'prep').changesParameters, rebound.edges.filter((e) => e.to === 'mid').map((e) => [e.from, e.name])], [undefined, [['parameters', 'CFG']]]);
    // A column of a step's frame is no such alias: a change of the frame is not one of the column.
    const frame = graphOf([[['step:load'], 'df = load()\ny = df["target"]'], [['step:add'], 'df["z"] = 0'], [['metrics'], 'n = len(y) + len(df)']]);
    assert.deepEqual(step(frame, 'add').outputs, ['df']);
  });

  it('a function a step defines that changes a shared value with `global` makes the value that step\'s', () => {
    const g = graphOf([
      [[], 'count = 0'],
      [['parameters'], 'k = 2'],
      [['step:a'], 'def inc(n):\n    global count\n    count += n\ninc(k)'],
      [['step:b'], 'total = count * 10'],
    ]);
    assert.deepEqual(step(g, 'a').changesShared, ['count']);
    assert.deepEqual(step(g, 'a').outputs, ['count']);
    assert.deepEqual(step(g, 'b').inputs, ['count']);
  });
  it('warns on a step whose cells hold nothing to run, and only on such a step', () => {
    const g = graphOf([
      [['step:load'], 'rows = [1, 2]'],
      [['step:todo'], '# clean the rows here later\n\n'],
      [[], 'import math\n%matplotlib inline'],
      [['step:train'], '%%time\ntotal = sum(rows)'],
      [['step:show'], 'print(total)'],
    ]);
    const empty = g.problems.filter((p) => p.code === 'step-empty');
    assert.deepEqual(
      empty.map((p) => [p.severity, p.cellIndex]),
      [['warning', 1]],
    );
    assert.match(empty[0]?.message ?? '', /^step todo does nothing: its cells hold no code to run/);
  });
  it('steps that take values from each other (a step split around another) are an error on the latest cell', () => {
    const g = graphOf([
      [['step:load'], 'v = 1'],
      [['step:fit'], 'w = v + 1'],
      [['step:load'], 'v = w * 2'],
      [['metrics'], 'n = v + 0.5'],
    ]);
    const cycle = g.problems.filter((p) => p.code === 'step-cycle');
    assert.equal(cycle.length, 1);
    assert.equal(cycle[0]?.severity, 'error');
    assert.equal(cycle[0]?.cellIndex, 2);
    assert.match(cycle[0]?.message ?? '', /^steps load and fit take values from each other: load uses w from fit \(cell 3\), and fit uses v from load \(cell 2\)/);
    // A split step without a loop is no error.
    assert.deepEqual(graphOf([[['step:load'], 'v = 1'], [['step:fit'], 'w = v + 1'], [['step:load'], 'u = v * 2']]).problems.filter((p) => p.code === 'step-cycle'), []);
  });
  it('a loop an `after:` tag closes with the data flow is an error on the tag\'s cell, naming the tag', () => {
    const g = graphOf([
      [['step:load', 'after:evaluate'], 'raw = [1, 2]'],
      [['step:train'], 'model = sum(raw)'],
      [['step:evaluate'], 'score = model * 2'],
      [['metrics'], 'n = score + 0.5'],
    ]);
    const cycle = g.problems.filter((p) => p.code === 'step-cycle');
    assert.deepEqual(cycle.map((p) => [p.severity, p.cellIndex]), [['error', 0]]);
    assert.equal(
      cycle[0]?.message,
      'the tag `after:evaluate` makes steps load and evaluate and train wait for each other: load runs after evaluate (`after:evaluate` on cell 1), and evaluate uses model from train (cell 3), and train uses raw from load (cell 2). Each step runs whole, one after the other, so this order cannot run: remove `after:evaluate` from this cell, or change it to name a step that does not need load',
    );
  });
  it("a read of IPython's output history (`_`, `Out[3]`) is an error that says what it is", () => {
    const g = graphOf([
      [['step:load'], 'rows = [1, 2]\nlen(rows)'],
      [['step:use'], 'n = _ + 1\nm = Out[2]'],
    ]);
    const messages = g.problems.filter((p) => p.code === 'name-undefined').map((p) => p.message);
    assert.equal(messages.length, 2);
    for (const m of messages) assert.match(m, /IPython's record of earlier outputs or inputs, which exists only in a notebook/);
  });
  it('a name only a skipped cell defines: the error says that cell is tagged skip', () => {
    const g = graphOf([
      [['skip'], "cols = ['a', 'b']"],
      [['step:train'], 'model = len(cols)'],
    ]);
    const problem = g.problems.find((p) => p.code === 'name-undefined');
    assert.match(problem?.message ?? '', /step train uses cols, which only cell 1 defines, and that cell is tagged skip/);
  });

  // Round 51 JJ: the package's call read the defining step's value (a feature-selection score on the old X).
  it('a step function reading a global the calling step binds again before the call: the calling step defines it again, reading its own value', () => {
    const g = graphOf([
      [['step:train'], 'proba = [0.2, 0.4, 0.6]\nthreshold = 0.5\n\ndef decide(p):\n    return [x > threshold for x in p]\n\nn_pos = sum(decide(proba))'],
      [['step:tune'], 'threshold = 0.3\nn_pos_tuned = sum(decide(proba))'],
    ]);
    assert.deepEqual(codes(g).filter((c) => c === 'step-function-stale-global'), []);
    assert.deepEqual(step(g, 'tune').definesShared, ['decide']);
    assert.deepEqual(step(g, 'tune').inputs, ['proba']);
    assert.ok(!step(g, 'train').outputs.includes('decide'), 'tune no longer takes decide from train');
    assert.deepEqual(g.common.stepBound?.map((f) => [f.name, f.step, f.cellIndex, f.startLine, f.endLine, f.reads]), [['decide', 'train', 0, 4, 5, ['threshold']]]);
    // Bound on some paths only before the call (round 53 RR: the copy read an unbound local): the step takes it too.
    const maybe = graphOf([
      [['step:train'], 'proba = [0.2, 0.4, 0.6]\nthreshold = 0.5\n\ndef decide(p):\n    return [x > threshold for x in p]'],
      [['step:tune'], 'flag = False\nif flag:\n    threshold = 0.3\nn_pos_tuned = sum(decide(proba))'],
    ]);
    assert.deepEqual(step(maybe, 'tune').definesShared, ['decide']);
    assert.deepEqual([...step(maybe, 'tune').inputs].sort(), ['proba', 'threshold']);
    // A decorated function (a cache, say) is not copied: the warning stays.
    const cached = graphOf([
      [['step:train'], 'proba = [0.2, 0.4, 0.6]\nthreshold = 0.5\n\n@functools.cache\ndef decide(p):\n    return p > threshold'],
      [['step:tune'], 'threshold = 0.3\nn = decide(0.4)'],
    ]);
    assert.deepEqual(cached.problems.filter((p) => p.code === 'step-function-stale-global').map((p) => [p.severity, p.cellIndex, p.line]), [['warning', 1, 2]]);
    // Bound again after the call: the call saw the old value in the notebook too.
    const after = graphOf([
      [['step:train'], 'proba = [0.2, 0.4, 0.6]\nthreshold = 0.5\n\ndef decide(p):\n    return [x > threshold for x in p]'],
      [['step:tune'], 'n_pos_tuned = sum(decide(proba))\nthreshold = 0.3'],
    ]);
    assert.deepEqual(codes(after).filter((c) => c === 'step-function-stale-global'), []);
  });

  it('a step function that changes a global (a counter), called by a later step: a warning naming the function, its line, the global and the fix', () => {
    const load: [string[], string] = [['step:load'], 'n_cleaned = 0\n\ndef clean(frame):\n    global n_cleaned\n    n_cleaned += 1\n    return frame\n\ndf = clean([1])'];
    const g = graphOf([load, [['step:train'], 'holdout = clean(df)'], [['test'], 'assert n_cleaned == 2']]);
    const warned = g.problems.filter((p) => p.code === 'step-function-writes-global');
    assert.deepEqual(warned.map((p) => [p.severity, p.cellIndex, p.line, p.column]), [['warning', 1, 1, 11]]);
    assert.match(warned[0]?.message ?? '', /^step train calls clean, which step load defines \(cell 1 line 3\): function clean changes the global n_cleaned \(`global n_cleaned` assigned on cell 1 line 5\), and the test cell 3 reads it after this call\. .*Move the line that first sets n_cleaned and `def clean` to a cell tagged functions .*or count in the calling step/);
    // Not the stale-global advice (passing the counter as an argument does not count the call).
    assert.deepEqual(codes(g).filter((c) => c === 'step-function-stale-global'), []);
    // Nothing reads the global after the call, or only the defining step calls the function: nothing to say.
    assert.deepEqual(codes(graphOf([load, [['step:train'], 'holdout = clean(df)']])).filter((c) => c === 'step-function-writes-global'), []);
    assert.deepEqual(codes(graphOf([load, [['step:train'], 'holdout = df'], [['metrics'], 'print("n:", n_cleaned)']])).filter((c) => c === 'step-function-writes-global'), []);
    // The calling cell reading it below the call counts too.
    assert.match(graphOf([load, [['step:train'], 'holdout = clean(df)\ncount = n_cleaned']]).problems.find((p) => p.code === 'step-function-writes-global')?.message ?? '', /and this cell reads it after this call/);
  });

  it('a metrics cell printing a table as text: a warning on the line, saying how to make its numbers metrics', () => {
    const g = graphOf([
      [['step:train'], 'cv_table = make_table()\ny, p = [0, 1], [0, 1]'],
      [['metrics'], 'print(cv_table.to_string())\nprint(classification_report(y, p))\nprint("n:", len(y))'],
    ]);
    const tables = g.problems.filter((p) => p.code === 'metrics-text-table');
    assert.deepEqual(tables.map((p) => [p.severity, p.cellIndex, p.line]), [['warning', 1, 1], ['warning', 1, 2]]);
    assert.match(tables[0]?.message ?? '', /^this line prints `cv_table\.to_string\(\)`, a table, as text: .*not checked\. To make them metrics, show the table instead \(`display\(cv_table\)`, or it as the cell's last expression\): a table of up to 20 rows is read as `<row>\.<column>` metrics$/);
    assert.match(tables[1]?.message ?? '', /give it `output_dict=True` and show the dict it returns \(`report = classification_report\(y, p, output_dict=True\)`/);
  });
});

describe('buildStepGraph: values a metrics cell prints under a label (round 30)', () => {
  // Round 57 YY: --infer-steps left the scores in the last step, and nothing said the pipeline checks no number.
  it('steps and no metrics cell: a warning on the last line of a step printing a score; none when none does, or with a metrics cell', () => {
    const missing = (cells: readonly (readonly [readonly string[], string])[]) => graphOf(cells).problems.filter((p) => p.code === 'metrics-missing').map((p) => [p.severity, p.cellIndex, p.line]);
    assert.deepEqual(missing([[['step:a'], 'acc = 0.5\nprint("rows:", 3)'], [['step:b'], 'b = acc * 2\nprint("accuracy:", acc)\nprint(f"F1: {b}")']]), [['warning', 1, 3]]);
    assert.deepEqual(missing([[['step:a'], 'rows = 3\nprint("rows:", rows)']]), []);
    // Shown last too (round 58 AAA); not an assignment naming a score.
    assert.deepEqual(missing([[['step:a'], 'accuracy = 0.5\naccuracy\n# done']]), [['warning', 0, 2]]);
    assert.deepEqual(missing([[['step:a'], 'x = 1\naccuracy = x / 2']]), []);
    assert.deepEqual(missing([[['step:a'], 'acc = 0.5'], [['metrics'], 'print("accuracy:", acc)']]), []);
  });

  before(async () => initPythonParser());

  it('takes the value an argument formats as text (f"{len(df):,}", format(x, ",")), not the text, which is no metric', () => {
    const g = graphOf([[['step:a'], 'df = [1, 2]'], [['metrics'], 'print("rows:", f"{len(df):,}")\nprint("total:", format(sum(df), ","))\nprint("note:", f"{len(df)} rows")']]);
    assert.deepEqual(g.printedValues?.map((v) => [v.line, v.expression, v.name]), [[1, 'len(df)', 'rows'], [2, 'sum(df)', 'total']]);
  });

  it('a word inside a string of the printed expression does not take the label: "%" and .format name alike', () => {
    for (const line of ['print("Gentoo f1 = %.4f, Adelie f1 = %.4f" % (rep["G"]["f1-score"], rep["A"]["f1-score"]))', 'print("Gentoo f1 = {:.4f}, Adelie f1 = {:.4f}".format(rep["G"]["f1-score"], rep["A"]["f1-score"]))']) {
      const g = graphOf([[['step:a'], "rep = {'G': {'f1-score': 0.9}, 'A': {'f1-score': 0.8}}"], [['metrics'], line]]);
      assert.deepEqual(g.printedValues?.map((v) => [v.expression, v.name]), [['rep["G"]["f1-score"]', 'gentoo_f1'], ['rep["A"]["f1-score"]', 'adelie_f1']], line);
    }
  });

  // Round 35 F: "ROC AUC" after "PR AUC" was auc_shown, "f1 at best-F1 threshold" threshold_shown.
  // Round 37 K: "age mean (train)" was train, "RMSE (log scale)" scale, "Accuracy on test set" set.
  it('a label names its value by the word before what qualifies it (brackets, a trailing phrase)', () => {
    const lines = ['print("age mean (train):", min(s))', 'print(f"RMSE (log scale): {max(s):.3f}")', 'print("MAE [EUR]:", sum(s))', 'print(f"R² (holdout): {min(s) * 2:.3f}")', 'print("Accuracy on test set: %.3f" % max(s))', 'print("max error, in %:", abs(min(s)))'];
    const g = graphOf([[['step:a'], 's = [0.1, 0.9]'], [['metrics'], lines.join('\n')]]);
    // Round 56 XX: the data a score is of stays (`train_accuracy` and `test_accuracy` are two metrics).
    // Round 58 AAA: an aggregate after its quantity keeps it (`age_mean`), `@` qualifies, a split word last is the data.
    assert.deepEqual(g.printedValues?.map((v) => v.name), ['train_age_mean', 'rmse', 'mae', 'holdout_r2', 'test_accuracy', 'max_error']);
    const more = graphOf([[['step:a'], 's = [0.1, 0.9]'], [['metrics'], 'print("Recall (positive class) @ 0.5 threshold:", min(s))\nprint("MCC - test:", max(s))\nprint("LR CV AUC std:", sum(s))']]);
    assert.deepEqual(more.printedValues?.map((v) => v.name), ['recall', 'test_mcc', 'cv_auc_std']);
  });

  // Round 38 L: the last word named another metric (`Balanced accuracy` -> accuracy, `Log loss` -> loss).
  it('a label names a quantity its words name together: a generic last word or a modifier keeps its neighbour', () => {
    const labels = ['Balanced accuracy', 'Mean absolute error', 'Weighted F1 score', 'Brier score', 'Log loss', 'Macro F1', 'Micro F1', 'Test accuracy', 'Precision@flagged', 'Recall@10', 'Explained variance (PC1)', 'R2 score', 'C-index', 'Scaler upper bound', 'Cross-entropy loss', 'Davies-Bouldin index', 'Neg MSE', 'Adj R^2', 'Smallest cluster', 'Highest AUC'];
    const g = graphOf([[['step:a'], 's = [0.1, 0.9]'], [['metrics'], labels.map((l, i) => `print("${l}:", s[${i % 2}] + ${i})`).join('\n')]]);
    assert.deepEqual(g.printedValues?.map((v) => v.name), ['balanced_accuracy', 'mean_absolute_error', 'weighted_f1_score', 'brier_score', 'log_loss', 'macro_f1', 'micro_f1', 'test_accuracy', 'precision', 'recall', 'explained_variance', 'r2_score', 'c_index', 'upper_bound', 'cross_entropy_loss', 'davies_bouldin_index', 'neg_mse', 'adj_r2', 'smallest_cluster', 'highest_auc']);
    // Round 42 T: the same through a % format (`"smallest cluster: %d" % sizes.min()` was `cluster`).
    const percent = graphOf([[['step:a'], 'sizes = [30, 55]'], [['metrics'], 'print("smallest cluster: %d" % min(sizes))\nprint("largest cluster:", max(sizes))']]);
    assert.deepEqual(percent.printedValues?.map((v) => v.name), ['smallest_cluster', 'largest_cluster']);
  });

  // Round 56 XX: `Train accuracy` printed above `Test accuracy` took `accuracy`, and swapping the lines swapped the names.
  it('a label naming the data a score is of keeps it, in any order of the lines', () => {
    const names = (lines: readonly string[]): string[] | undefined => graphOf([[['step:a'], 's = [0.1, 0.9]'], [['metrics'], lines.join('\n')]]).printedValues?.map((v) => v.name);
    const train = 'print("Train accuracy:", s[0] + 1)';
    const test = 'print("Test accuracy:", s[1] + 1)';
    assert.deepEqual(names([train, test]), ['train_accuracy', 'test_accuracy']);
    assert.deepEqual(names([test, train]), ['test_accuracy', 'train_accuracy']);
    assert.deepEqual(names(['print("Training F1:", s[0] * 2)', 'print("CV accuracy:", s[1] * 2)', 'print("Accuracy:", s[1] * 3)']), ['train_f1', 'cv_accuracy', 'accuracy']);
  });

  // Round 59: `print("Точность:", accuracy_score(y, p))` was `metric-unnamed`, its label giving no name.
  it('names a score under a label of letters no name is spelled in by what computes it; unnamed when nothing does', () => {
    const g = graphOf([
      [['step:a'], 'import numpy as np\ny = [1, 0]\np = [1, 1]\nscores = np.array([0.5, 0.7])\ndef accuracy_score(a, b):\n    return 0.5\ndef f1_score(a, b):\n    return 0.5'],
      [['metrics'], 'print("Точность:", accuracy_score(y, p))\nprint("Полнота: {:.3f}".format(f1_score(y, p)))\nprint(f"准确率: {np.mean(scores):.3f}")\nprint("Оценка:", scores[0] + 1)'],
    ]);
    assert.deepEqual(g.printedValues?.map((v) => [v.line, v.name]), [[1, 'accuracy'], [2, 'f1'], [3, 'mean']]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'metric-unnamed').map((p) => p.line), [4]);
    // A name the cell uses already is not taken.
    const taken = graphOf([[['step:a'], 'def accuracy_score(a, b):\n    return 0.5\naccuracy = 0.4'], [['metrics'], 'print("Точность:", accuracy_score(1, 2))\nprint(accuracy)']]);
    assert.deepEqual(taken.printedValues ?? [], []);
    // Round 60 EEE: a second `score` is named by what it is called on, a third is warned with a name no metric has;
    // the data a score is of, in ASCII letters, goes in front.
    const two = graphOf([
      [['step:a'], 'class M:\n    def score(self):\n        return 0.5\nrf = M()\nlr = M()\ndef accuracy_score(a, b):\n    return 0.5'],
      [['metrics'], 'print("Лес:", rf.score())\nprint("Регрессия:", lr.score())\nprint("Точность train:", accuracy_score(1, 2))\nprint("Точность test:", accuracy_score(2, 1))\nprint("Ещё:", rf.score())'],
    ]);
    assert.deepEqual(two.printedValues?.map((v) => v.name), ['score', 'lr_score', 'train_accuracy', 'test_accuracy', 'rf_score']);
    // Round 62 III: the data it is of in the label's own language (the test accuracy had no name at all).
    for (const [labels, names] of [
      [['Точность обучение', 'Точность тест'], ['train_accuracy', 'test_accuracy']],
      // (In Latin letters with no other sign of its language the label's own word is the name: before,
      // `entrenamiento` was; round 63 KKK: one with accents, or a word such as `del`, is named by the function.)
      [['Exactitud entrenamiento', 'Precisión validación'], ['train_exactitud', 'validation_accuracy']],
      [['Exactitud del modelo', 'Genauigkeit auf Testdaten', 'Accuratezza sul training'], ['accuracy', 'test_accuracy', 'train_accuracy']],
      [['训练集准确率', 'テスト精度'], ['train_accuracy', 'test_accuracy']],
      [['훈련 정확도', '테스트 정확도'], ['train_accuracy', 'test_accuracy']],
      [['דיוק אימון', 'دقة الاختبار'], ['train_accuracy', 'test_accuracy']],
      // A name a label below spells is its label's (the call above took `accuracy`, and the label got
      // `accuracy_shown`); the one above is then said to have no name (metric-unnamed).
      [['الدقة', '🎯 accuracy'], ['accuracy']],
    ] as const) {
      const own = graphOf([[['step:a'], 'def accuracy_score(a, b):\n    return 0.5'], [['metrics'], labels.map((label, i) => `print("${label}:", accuracy_score(${i}, 1))`).join('\n')]]);
      assert.deepEqual(own.printedValues?.map((v) => v.name), names, labels.join(', '));
    }
    // Round 64 MMM: its name taken, the data its arguments are of; not the label's noun (`modelo`).
    const byArguments = graphOf([[['step:a'], 'def accuracy_score(a, b):\n    return 0.5\ny_test = y_train = p_te = p_tr = 1'], [['metrics'], 'print("Accuracy:", accuracy_score(y_test, p_te))\nprint("Exactitud del modelo:", accuracy_score(y_train, p_tr))']]);
    assert.deepEqual(byArguments.printedValues?.map((v) => v.name), ['accuracy', 'train_accuracy']);
    // Round 65 OOO: a label in other letters too, below or above the label taking `accuracy`.
    const cyrillic = graphOf([[['step:a'], 'def accuracy_score(a, b):\n    return 0.5\ny_test = y_train = p_te = p_tr = 1'], [['metrics'], 'print("Точность:", accuracy_score(y_train, p_tr))\nprint("Accuracy:", accuracy_score(y_test, p_te))']]);
    assert.deepEqual(cyrillic.printedValues?.map((v) => v.name), ['train_accuracy', 'accuracy']);
    // Its one ASCII word a name of the notebook's (`RF`, the model `rf`): by what computes it, not `rf_shown`.
    const model = graphOf([[['step:a'], 'class M:\n    def score(self):\n        return 0.5\nrf = M()'], [['metrics'], 'print("Ακρίβεια RF:", rf.score())']]);
    assert.deepEqual(model.printedValues?.map((v) => v.name), ['score']);
  });

  // Round 56 XX: `print(accuracy_score(y, p))` and `print(np.mean(scores))` gave no metric, and nothing said so.
  it('metric-unnamed: a score printed with no label is said to be no metric, with a name to give it; not a table, a rounding or a name', () => {
    const g = graphOf([
      [['step:a'], 'import numpy as np\ny = [1, 0]\np = [1, 1]\nscores = np.array([0.5, 0.7])\ndef accuracy_score(a, b):\n    return 0.5\ndef confusion_matrix(a, b):\n    return [[1]]'],
      [['metrics'], 'print(accuracy_score(y, p))\nprint(np.mean(scores))\nprint(confusion_matrix(y, p))\nprint(round(scores[0], 3))\nprint(scores)\nprint(scores.std())'],
    ]);
    const unnamed = g.problems.filter((p) => p.code === 'metric-unnamed');
    assert.deepEqual(unnamed.map((p) => p.line), [1, 2, 6]);
    assert.match(unnamed[0]?.message ?? '', /\(`accuracy = accuracy_score\(y, p\)`\)/);
    assert.match(unnamed[1]?.message ?? '', /\(`mean = np\.mean\(scores\)`\)/);
  });

  // Round 38 L: the `%s` value (a model's name) was said to be recorded as the metric `best`.
  it('a value a % format shows as text (%s, %r) is no metric; its label goes on to the number after it', () => {
    const g = graphOf([[['step:a'], 'scores = {"rf": 0.9, "lr": 0.8}'], [['metrics'], 'print("Best (%s): %.3f" % (max(scores, key=scores.get), max(scores.values())))']]);
    assert.deepEqual(g.printedValues?.map((v) => [v.expression, v.name]), [['max(scores.values())', 'best']]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'metric-unnamed'), []);
    // Round 40 P: alone (or after the numbers) a %s value may be a number shown as text: a metric as before.
    const alone = graphOf([[['step:a'], 'scores = [0.9, 0.8]'], [['metrics'], 'print("Mean accuracy: %s" % (sum(scores) / 2))\nprint("Lowest: %r" % min(scores))']]);
    assert.deepEqual(alone.printedValues?.map((v) => v.name), ['mean_accuracy', 'lowest']);
  });

  // Round 39 O: `Row max: {counts[1]}` made `(max := counts[1])`, and every `max(...)` of the metrics failed.
  it("a label naming a builtin (`max`, `min`, `sum`) names the value by the label's words, never the builtin", () => {
    const g = graphOf([[['step:a'], 'counts = [1, 2]\nerrors = [0.1, 0.3]'], [['metrics'], 'print(f"Worst error: {max(errors):.3f}")\nprint(f"Row max: {counts[1]}")\nprint(f"min: {counts[0]}")\nprint(f"Error sum: {sum(errors)}")']]);
    assert.deepEqual(g.printedValues?.map((v) => v.name), ['worst_error', 'row_max', 'min_shown', 'error_sum']);
  });

  // Round 39 N: with `mean` a modifier and `std` not, "Std accuracy" took the plain `accuracy` its pair had before.
  it('aggregates of a quantity keep their word: mean, std, worst, best, total', () => {
    const labels = ['Mean accuracy', 'Std accuracy', 'Mean MAE', 'Std MAE', 'Average precision', 'Worst precision', 'Mean CV score', 'Std CV score', 'Best accuracy'];
    const g = graphOf([[['step:a'], 's = [0.1, 0.9]'], [['metrics'], labels.map((l, i) => `print("${l}:", s[${i % 2}] + ${i})`).join('\n')]]);
    assert.deepEqual(g.printedValues?.map((v) => v.name), ['mean_accuracy', 'std_accuracy', 'mean_mae', 'std_mae', 'average_precision', 'worst_precision', 'mean_cv_score', 'std_cv_score', 'best_accuracy']);
  });

  // Round 57 YY: the first of two labels naming one quantity took the short name (`cv_auc`), the next its words.
  it('labels of one cell naming one quantity name each value by its words; a label whose last word is taken too', () => {
    const g = graphOf([[['step:a'], 's = [0.1, 0.9]\nthreshold = 0.5'], [['metrics'], 'print("PR AUC: %.4f" % min(s))\nprint("ROC AUC: %.4f" % max(s))\nprint(f"f1 at best-F1 threshold: {sum(s):.4f}")']]);
    // Round 37 K: "at best-F1 threshold" qualifies f1.
    assert.deepEqual(g.printedValues?.map((v) => v.name), ['pr_auc', 'roc_auc', 'f1']);
    const two = graphOf([[['step:a'], 'cv_lr = [0.1]\ncv_rf = [0.2]'], [['metrics'], "print(f'LR CV AUC: {min(cv_lr):.4f}')\nprint(f'RF CV AUC: {min(cv_rf):.4f}')\nprint(f'Test accuracy: {max(cv_rf):.4f}')"]]);
    assert.deepEqual(two.printedValues?.map((v) => v.name), ['lr_cv_auc', 'rf_cv_auc', 'test_accuracy']);
  });

  it('a printed tuple or list (a confidence interval) is no metric, and no message says the run records it', () => {
    const g = graphOf([[['step:a'], 'lo, hi = 0.1, 0.2\nv = 0.5'], [['metrics'], 'print("95% CI:", (round(lo, 4), round(hi, 4)))\nprint("range:", [lo * 2, hi * 2])\nprint("scaled:", v * 2)']]);
    assert.deepEqual(g.printedValues?.map((v) => [v.line, v.expression, v.name]), [[3, 'v * 2', 'scaled']]);
    assert.deepEqual(g.problems.filter((p) => p.code === 'metric-named' || p.code === 'metric-unnamed').map((p) => p.line), [3]);
  });

  // Round 44 W: a rounding printed where the reader cannot read it as the name's value keeps a name of its own.
  it('binds a printed rounding of a name only where no reader reads it as that name (sep=, end=, a .format percentage)', () => {
    const printed = (line: string): string[] => (graphOf([[['step:a'], 'rmse = 2.5'], [['metrics'], line]]).printedValues ?? []).map((v) => v.name);
    assert.deepEqual(printed('print("rmse", round(rmse, 2), sep="=")'), ['rmse_shown']);
    assert.deepEqual(printed('print("rmse:", round(rmse, 2), end="\\n\\n")'), ['rmse_shown']);
    assert.deepEqual(printed('print("frac: {:.1%}".format(round(rmse, 3)))'), ['frac']);
    for (const read of ['print("rmse:", round(rmse, 2))', 'print(round(rmse, 2))', 'print(f"rmse: {round(rmse)}")', 'print(round(rmse, 1), rmse)']) assert.deepEqual(printed(read), [], read);
  });

  // Round 58 AAA: `{cv.mean()=:.4f}` suggested `value = cv.mean()=`; binding a name there would change what it prints.
  it("a self-documenting f-string field (`{cv.mean()=:.4f}`) is not bound, and the suggestion is valid Python", () => {
    const g = graphOf([[['step:a'], 'import numpy as np\ncv = np.array([0.5])'], [['metrics'], "print(f'{cv.mean()=:.4f}')\nprint(f'{cv.max() = }')"]]);
    assert.deepEqual(g.printedValues ?? [], []);
    const unnamed = g.problems.filter((p) => p.code === 'metric-unnamed').map((p) => /\(`([^`]*)`\)/.exec(p.message)?.[1]);
    assert.deepEqual(unnamed, ['mean = cv.mean()', 'cv_max = cv.max()']);
  });

  // Round 56 XX, round 55 UU.
  it('names a printed value by its label when the label is only an attribute in it, and binds a printed ternary', () => {
    const printed = (line: string): string[] => (graphOf([[['step:a'], 's = [0.5]\nacc = 0.5'], [['metrics'], line]]).printedValues ?? []).map((v) => v.name);
    assert.deepEqual(printed('print("mean:", s.mean())'), ['mean']);
    assert.deepEqual(printed('print("mean:", mean(s))'), ['mean_shown']);
    assert.deepEqual(printed('print("accuracy:", acc if acc > 0 else 0)'), ['accuracy']);
    assert.deepEqual(printed('print("accuracy:", "high" if acc > 0.5 else "low")'), []);
    // Round 58 AAA: a label before a separator of its own.
    assert.deepEqual(printed('print("Accuracy", "=", max(s))'), ['accuracy']);
  });

  it('numbers the lines of a cell saved with \\r\\n line ends as Python does', () => {
    // (`round(f1, 4)` is f1's value, rounded: no value bound beside it.)
    const g = graphOf([[['step:a'], 'v = 0.5'], [['metrics'], "f1 = v * 1\r\nprint('f1:', round(f1, 4))  # rounded\r\nprint('half:', v / 2)\r\nprint('double:', v * 2)"]]);
    assert.deepEqual(g.printedValues?.map((v) => [v.line, v.expression, v.name]), [[3, 'v / 2', 'half'], [4, 'v * 2', 'double']]);
  });
});
