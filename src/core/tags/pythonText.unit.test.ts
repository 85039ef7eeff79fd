import * as assert from 'node:assert/strict';
import { holdsAsserts, holdsOnlyDisplays, holdsOnlyImports, holdsOnlySettings, startsWithNbdev1Comment } from './pythonText';

describe('holdsOnlyImports', () => {
  const only = [
    'import re',
    'import numpy as np\nfrom pathlib import Path',
    '# tools\nimport re  # regexes\n\nfrom os import path\n',
    'from collections import (\n    Counter,\n    OrderedDict,  # ordered\n)',
    'from os.path import join, \\\n    exists',
    'from . import sibling',
    'from __future__ import annotations',
  ];
  for (const code of only) {
    it(`is true for ${JSON.stringify(code)}`, () => assert.equal(holdsOnlyImports(code), true));
  }

  const not = [
    '',
    '# only a comment',
    'x = 1',
    'import re\nx = 1',
    'try:\n    import ujson as json\nexcept ImportError:\n    import json',
    'if True:\n    import re',
    'import re; x = 1',
    'from collections import (\n    Counter,',
    '%matplotlib inline\nimport re',
    'importlib = None',
    'from_here = 1',
  ];
  for (const code of not) {
    it(`is false for ${JSON.stringify(code)}`, () => assert.equal(holdsOnlyImports(code), false));
  }
});

describe('holdsAsserts', () => {
  for (const code of ['assert x == 1', 'x = f()\nassert x', 'test_eq(f(1), 2)', 'test_fail(lambda: f(-1))', 'test(a, b, operator.eq)', '  assert(x)']) {
    it(`is true for ${JSON.stringify(code)}`, () => assert.equal(holdsAsserts(code), true));
  }
  for (const code of ['x = 1', 'assertion = 1', 'tester(1)', 'testing = 2', '# assert x', 'print("assert")']) {
    it(`is false for ${JSON.stringify(code)}`, () => assert.equal(holdsAsserts(code), false));
  }
});

describe('startsWithNbdev1Comment', () => {
  for (const code of ['# export\ndef f(): pass', '#export', '#exporti', '# exports', '#hide', '\n# default_exp core']) {
    it(`is true for ${JSON.stringify(code)}`, () => assert.equal(startsWithNbdev1Comment(code), true));
  }
  for (const code of ['#| export', '# exported values', 'x = 1\n# export', '# hidden']) {
    it(`is false for ${JSON.stringify(code)}`, () => assert.equal(startsWithNbdev1Comment(code), false));
  }
});

describe('holdsOnlyDisplays', () => {
  it('is true when every statement prints or shows a value, over lines too; brackets in strings do not count', () => {
    for (const code of ['print(x)', 'print(\n    "rows:", len(df),\n)\ndisplay(df.head())', 'print("(")  # a bracket in a string', 'pprint(scores)']) assert.equal(holdsOnlyDisplays(code), true, code);
    for (const code of ['', 'x = 1', 'print(x)\nx += 1', 'print(x', 'log(x)']) assert.equal(holdsOnlyDisplays(code), false, code);
  });

  it('is true too when plain assignments compute what the cell shows (round 70)', () => {
    for (const code of ['r2 = score(m)\nprint("R2:", r2)', 'a, b = f()\ndisplay(a)']) assert.equal(holdsOnlyDisplays(code), true, code);
    for (const code of ['r2 = score(m)', 'r2 = score(m)\nsave(m)\nprint(r2)', 'scores[0] = 1\nprint(scores)']) assert.equal(holdsOnlyDisplays(code), false, code);
  });

  // Round 74 GHG: `scores = {...}` then `scores`, Kaggle's `results = pd.DataFrame(...)` then `results`.
  it('takes a value shown as the last expression as a show: a name, an item, a dict or tuple', () => {
    for (const code of ['scores = {"acc": acc}\nscores', 'results = pd.DataFrame(rows)\nresults', '{"acc": acc, "f1": f1}', '(acc, f1)', 'res["test"]']) assert.equal(holdsOnlyDisplays(code), true, code);
    for (const code of ['model.fit(X, y)', 'return x', 'x = 1\nx.append(2)']) assert.equal(holdsOnlyDisplays(code), false, code);
  });
});

describe('holdsOnlySettings', () => {
  it('takes assignments of literals to one name each, over several lines, with comments and annotations', () => {
    for (const code of ['C = 1.0\nDATA_DIR = "../data"  # where\nGRID = {\n  "depth": [3, 5],\n}\nSEED = 42\nLR = 1e-3\nN = 2 ** 12', 'RAW = os.path.join("..", "data")\nuse_char = True', 'lr = 0.1  #@param {type:"number"}', 'a: int = 3\nb: list[int] = [1, 2]', 's = "it\'s (x)"\nt = None', 'ALPHA, SEED = 1.0, 3', 'DATA = Path("../data")\nRAW = pathlib.Path("data") / "raw"', 'DATA_DIR = Path("../data")\nRAW = DATA_DIR / "raw"\nN = 100\nN_TEST = N // 5']) {
      assert.equal(holdsOnlySettings(code), true, code);
    }
  });
  it('refuses anything else: a call, a name, an f-string, two statements on a line, a loop, only comments', () => {
    for (const code of ['DATA = Path.cwd()', 'x = y', 'df = pd.read_csv("a.csv")', 'name = f"{x}"', '# nothing', '', 'a = 1; b = 2', 'for i in range(3):\n    pass', 'a, b = f()', 'x += 1', 'N = 3\nprint(N)']) {
      assert.equal(holdsOnlySettings(code), false, code);
    }
  });
});
