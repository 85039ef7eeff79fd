// Generated code for notebook habits found promoting unseen notebooks (round 20): a block guarded by
// `if __name__ == "__main__":`, which Jupyter runs, and parameters set by unpacking a tuple of literals
// (`k_min, k_max = 2, 8`), which papermill sets one by one. The package is run when Debian's Python is there.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { assertFlakesQuiet, hasPython, promoteCells, runPipeline, runPytest } from './testing';

describe('promoteNotebook: code under `if __name__ == "__main__":` (round 20)', function () {
  this.timeout(120_000);
  it('runs the block, as Jupyter did, so a later step finds what it made', async function () {
    if (!hasPython()) this.skip();
    const { dir, out, outcome } = await promoteCells(
      [
        { tags: ['step:train'], source: 'rows = [1, 2, 3]\nif __name__ == "__main__":\n    model = sum(rows)' },
        { tags: ['step:score'], source: 'score = model * 2' },
        { tags: ['metrics'], source: 'print(score)' },
      ],
      'main-guard',
    );
    try {
      assert.deepEqual(outcome.problems.filter((p) => p.code === 'namespace-check'), []);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'train.py'), 'utf8'), /\n {4}if True: {2}# nbpromote: was a test of __name__/);
      assert.equal(runPipeline(out).metrics['score'], 12);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: parameters unpacked from a tuple of literals (round 20)', function () {
  this.timeout(120_000);
  it('lists each in pipeline.yaml, passes each to the step, and --param sets one', async function () {
    if (!hasPython()) this.skip();
    const { dir, out, outcome } = await promoteCells(
      [
        { tags: ['parameters'], source: 'k_min, k_max = 2, 8\nseed = 0' },
        { tags: ['step:search'], source: 'ks = list(range(k_min, k_max + 1))\nlowest = ks[0] + seed' },
        { tags: ['metrics'], source: 'print(lowest)' },
      ],
      'tuple-parameters',
    );
    try {
      assert.deepEqual(outcome.problems.filter((p) => p.code.startsWith('parameter')), []);
      assert.match(readFileSync(join(out, 'pipeline.yaml'), 'utf8'), /k_min: \{default: 2, type: int\}\n\s+k_max: \{default: 8, type: int\}/);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'search.py'), 'utf8'), /def search\(k_min: int, k_max: int, seed: int\)/);
      assert.equal(runPipeline(out).metrics['lowest'], 2);
      assert.equal(runPipeline(out, '--param', 'k_min=3').metrics['lowest'], 3);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: a notebook value named `config` that a test cell reads (round 22)', function () {
  this.timeout(120_000);
  it('is the notebook\'s in the generated test, not pipeline.yaml (the fixture is pipeline_config), and pyflakes is quiet', async function () {
    if (!hasPython('pyflakes')) this.skip();
    const { dir, out, outcome } = await promoteCells(
      [
        { tags: ['functions'], source: 'config = {"model": {"C": 0.5}, "split": {"test_size": 0.25}}' },
        { tags: ['step:train'], source: 'rows = list(range(8))\nC = config["model"]["C"]\nn_test = round(len(rows) * config["split"]["test_size"])' },
        { tags: ['test'], source: 'assert C == config["model"]["C"]\nassert n_test == 2' },
        { tags: ['metrics'], source: 'print(n_test)' },
      ],
      'config-name',
    );
    try {
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.match(readFileSync(join(out, 'tests', 'conftest.py'), 'utf8'), /\ndef pipeline_config\(\) -> dict:/);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: a step cell adding a folder to sys.path, then importing from it (round 32)', function () {
  this.timeout(120_000);
  it('runs the path change at the step module top, before its imports; the later step importing the module finds it too', async function () {
    if (!hasPython('pyflakes')) this.skip();
    const { dir, out } = await promoteCells(
      [
        { tags: ['imports'], source: 'import os\nimport sys' },
        { tags: ['parameters'], source: 'W = 2' },
        { tags: ['step:setup'], source: "sys.path.append('lib2')\nsys.path.insert(0, os.path.abspath(\"lib3\"))  # the other one\nimport mod2\nimport mod3\nbase = mod2.VALUE + mod3.VALUE" },
        { tags: ['step:report'], source: 'val = mod2.VALUE * W + base' },
        { tags: ['metrics'], source: 'print("val:", val)' },
      ],
      'syspath-step',
    );
    try {
      for (const [folder, module, value] of [['lib2', 'mod2', 7], ['lib3', 'mod3', 1]] as const) {
        mkdirSync(join(dir, folder));
        writeFileSync(join(dir, folder, `${module}.py`), `VALUE = ${value}\n`);
      }
      const setup = readFileSync(join(out, 'src', 'nb', 'steps', 'setup.py'), 'utf8');
      assert.match(setup, /\nimport os\nimport sys\nfrom typing import Any\n\n# cell c2, line 1: at module level, [^\n]*\nsys\.path\.append\('lib2'\)\n# cell c2, line 2: [^\n]*\nsys\.path\.insert\(0, os\.path\.abspath\("lib3"\)\) {2}# the other one\n\nimport mod2\nimport mod3\n/);
      assert.doesNotMatch(setup.slice(setup.indexOf('def setup')), /sys\.path/);
      assert.equal(runPipeline(out).metrics['val'], 22);
      const tests = runPytest(out);
      assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: a magic result nothing reads (`timing = %timeit -o f()`, round 43 U)', function () {
  this.timeout(120_000);
  it('is a comment alone, with no warning; one a later line reads stays None, with the warning', async function () {
    const { dir, out, outcome } = await promoteCells(
      [
        { tags: ['step:load'], source: 'x = list(range(10))\ntiming = %timeit -o sum(x)\ntotal = sum(x)' },
        { tags: ['step:report'], source: 'best = %timeit -o max(x)\nnote = str(best)' },
        { tags: ['metrics'], source: 'print(total, len(note))' },
      ],
      'magic-result',
    );
    try {
      const load = readFileSync(join(out, 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(load, /\n {4}# nbpromote: removed IPython magic: timing = %timeit -o sum\(x\)\n/);
      assert.doesNotMatch(load, /timing = None|del timing/);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'report.py'), 'utf8'), /\n {4}best = None {2}# nbpromote: removed IPython magic: %timeit -o max\(x\)\n/);
      assert.deepEqual(outcome.problems.filter((p) => p.code === 'ipython-line-magic').map((p) => p.cellIndex), [1]);
      if (!hasPython('pyflakes')) this.skip();
      assert.equal(runPipeline(out).metrics['total'], 45);
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('promoteNotebook: syntax of a later Python (round 43 U)', function () {
  this.timeout(120_000);
  it("raises pyproject.toml's requires-python to what the kept cells need: match 3.10, except* 3.11, PEP 701 f-strings 3.12", async () => {
    const { dir, out } = await promoteCells(
      [
        { tags: ['step:load'], source: 'kind = "a"\nmatch kind:\n    case "a":\n        size = 1\n    case _:\n        size = 2' },
        { tags: ['metrics'], source: 'print(size)' },
      ],
      'requires-python',
    );
    try {
      assert.match(readFileSync(join(out, 'pyproject.toml'), 'utf8'), /\nrequires-python = ">=3\.10"\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Round 49 FF: f-strings only Python 3.12 reads (PEP 701): a backslash or the string's own quote in a field.
    for (const source of ['names = ["a"]\nsize = len(f"{\'\\n\'.join(names)}")', 'd = {"k": 1}\nsize = len(f"{d["k"]}")']) {
      const later = await promoteCells([{ tags: ['step:load'], source }, { tags: ['metrics'], source: 'print(size)' }], 'requires-python-312');
      try {
        assert.match(readFileSync(join(later.out, 'pyproject.toml'), 'utf8'), /\nrequires-python = ">=3\.12"\n/, source);
      } finally {
        rmSync(later.dir, { recursive: true, force: true });
      }
    }
    const plain = await promoteCells([{ tags: ['step:load'], source: 'size = 1' }, { tags: ['metrics'], source: 'print(size)' }], 'requires-python-plain');
    try {
      assert.match(readFileSync(join(plain.out, 'pyproject.toml'), 'utf8'), /\nrequires-python = ">=3\.9"\n/);
    } finally {
      rmSync(plain.dir, { recursive: true, force: true });
    }
  });
});

// Round 56 WW: a function a step returning nothing defines was said to be at module level "so what the step returns can be cached".
describe('promoteNotebook: a function a step returning nothing defines', function () {
  this.timeout(120_000);
  it('is at module level, said to be as the notebook defines it', async () => {
    const { dir, out } = await promoteCells([{ tags: ['step:show'], source: 'def twice(x):\n    return 2 * x\n\nprint(twice(2))' }], 'hoisted');
    try {
      const step = readFileSync(join(out, 'src', 'nb', 'steps', 'show.py'), 'utf8');
      assert.match(step, /\n# cell c0, lines 1-2: at module level, as the notebook defines it, at the top\ndef twice/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 51 MM: the docstring listed a blank cell (Jupyter's trailing new cell) joining the step.
describe('promoteNotebook: a blank cell joining a step', function () {
  this.timeout(120_000);
  it('is not named in the step\'s docstring among the cells the step comes from, and adds no blank lines', async () => {
    const { dir, out } = await promoteCells([{ tags: ['step:load'], source: 'rows = [1, 2]' }, { tags: [], source: '  \n' }, { tags: ['metrics'], source: 'print(len(rows))' }], 'blankcell');
    try {
      const step = readFileSync(join(out, 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(step, /"""Cell c0 of the notebook\./);
      // Nor in the module's header (round 72 DED: "cells c0, c1" above "Cell c0").
      assert.match(step, /^Generated by nbpromote \S+ from \.\.\/nb\.ipynb, cell c0\.$/m);
      // Nor does it leave blank lines before the return (round 54 TT).
      assert.match(step, /\n {4}rows = \[1, 2\]\n {4}return rows\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 72 DED: `print(f"   View in the MLflow UI.")` was copied as it is, and pyflakes reported the package.
describe('promoteNotebook: f-strings without a field', function () {
  this.timeout(120_000);
  it('are written as plain strings wherever the notebook has them, so pyflakes stays quiet; the package prints the same', async () => {
    const { dir, out } = await promoteCells(
      [
        { tags: ['functions'], source: 'def banner():\n    return f"== run =="' },
        { tags: ['step:load'], source: 'print(f"Loading...")\nrows = [1, 2]\nlabel = f"{{rows}}"' },
        { tags: ['test'], source: 'assert label == f"{{rows}}", f"bad label"' },
        { tags: ['metrics'], source: 'print(banner())\nprint(f"count:", len(rows))' },
      ],
      'fstrings',
    );
    try {
      assertFlakesQuiet(out);
      const step = readFileSync(join(out, 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(step, /print\("Loading\.\.\."\)\n {4}rows = \[1, 2\]\n {4}label = "\{rows\}"\n/);
      if (hasPython()) assert.equal(runPytest(out).status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 73 FGF: `values = list(range(n))` then `list = [...]` in one step failed every run (UnboundLocalError).
describe('promoteNotebook: a builtin a step reads, then binds', function () {
  this.timeout(120_000);
  // Round 74 GHG: `def half(xs): return sum(xs) / 2`, then `sum = half(xs)`: NameError (a free variable unbound).
  it('read by a function of the step when called, before the step binds the name', async () => {
    const { dir, out } = await promoteCells([{ tags: ['step:a'], source: 'xs = [1.0, 2.0, 3.0]\ndef half(v):\n    return sum(v) / 2\nsum = half(xs)' }, { tags: ['metrics'], source: 'total = sum\nprint("total:", total)' }], 'shadowcalled');
    try {
      assertFlakesQuiet(out);
      if (hasPython()) assert.equal(runPipeline(out).metrics['total'], 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Round 74 GHG: the metrics function failed the same way.
  it('in the metrics cells too', async () => {
    const { dir, out } = await promoteCells([{ tags: ['step:a'], source: 'xs = [1, 2, 3]' }, { tags: ['metrics'], source: 'n = len(xs)\nlen = n * 2\nprint("n:", n)' }], 'shadowmetrics');
    try {
      assert.match(readFileSync(join(out, 'src', 'nb', 'metrics.py'), 'utf8'), /\n {4}import builtins {2}# the cells below read len before binding the name: in a function, local from the start\n {4}len = builtins\.len\n/);
      assertFlakesQuiet(out);
      if (hasPython()) assert.equal(runPipeline(out).metrics['n'], 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the builtin until the binding, as in the notebook; a later cell reading the name reads the binding', async () => {
    const { dir, out } = await promoteCells(
      [
        { tags: ['parameters'], source: 'n = 3' },
        { tags: ['step:make'], source: 'values = list(range(n))\ntotal = sum(values)' },
        { tags: [], source: 'list = ["a", "b"]\nsum = 0' },
        { tags: [], source: 'labels = [x.upper() for x in list]' },
        { tags: ['metrics'], source: 'print("total:", total)\nprint("n_labels:", len(labels))' },
      ],
      'shadowbuiltin',
    );
    try {
      const step = readFileSync(join(out, 'src', 'nb', 'steps', 'make.py'), 'utf8');
      assert.match(step, /\n {4}import builtins {2}# the cells below read list and sum before binding the names: in a function, local from the start\n {4}list, sum = builtins\.list, builtins\.sum\n/);
      // `sum` is bound and never read after: released; `list` is read once bound.
      assert.match(step, /\n {4}del sum {2}# computed in the notebook, used by no later step\n/);
      assertFlakesQuiet(out);
      if (hasPython()) assert.deepEqual(runPipeline(out).metrics, { total: 3, n_labels: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 73 FGF: `def prep(frame) -> 'pd.DataFrame':` lost the import of pd (pyflakes: "undefined name 'pd'").
describe('promoteNotebook: string annotations', function () {
  this.timeout(120_000);
  it('keep the imports they name', async () => {
    const { dir, out } = await promoteCells(
      [
        { tags: ['imports'], source: 'import pandas as pd\nfrom typing import Optional' },
        { tags: ['functions'], source: 'def prep(frame) -> "pd.DataFrame":\n    return frame\n\n\ndef first(xs: "Optional[list]" = None):\n    return xs' },
        { tags: ['step:a'], source: 'rows = prep([1, 2])\nn = len(first(rows))' },
        { tags: ['metrics'], source: 'print("n:", n)' },
      ],
      'annotations',
    );
    try {
      const common = readFileSync(join(out, 'src', 'nb', 'common.py'), 'utf8');
      assert.match(common, /^import pandas as pd$/m);
      assert.match(common, /^from typing import Optional$/m);
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
