// A function or class a later cell (or a later line of the same cell) defines again: the earlier one is left
// out when nothing uses it before (pyflakes reports "redefinition of unused"), kept when something does. In
// process on real files; the pipeline and pyflakes are run when Debian's Python (with PyYAML) is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseCodeCells } from '../analysis/cellFacts';
import { initPythonParser } from '../analysis/python/parser';
import { promoteNotebook } from '../promote/promote';
import type { GeneratedCell } from './plan';
import { replacedDefinitions } from './plan';
import { assertFlakesQuiet, notebookJson, PYTHON, runPipeline } from './testing';


/** What replacedDefinitions leaves out of these cells taken as one module: `name@cell:first-last>cell:line`. */
function replaced(...sources: string[]): string[] {
  const generated = new Map<number, GeneratedCell>(analyseCodeCells(sources).map((a, i) => [i, a.generated]));
  const found = replacedDefinitions(sources.map((_, index) => ({ index })), generated);
  return [...found].flatMap(([cell, defs]) => defs.map((d) => `${d.name}@${cell}:${d.startLine}-${d.endLine}>${d.by.index}:${d.byLine}`));
}

describe('replacedDefinitions', () => {
  before(() => initPythonParser());

  it('gives a def or class a later one replaces before anything reads it, in the same cell or a later one', () => {
    assert.deepEqual(replaced('def f(x):\n    return x\n\ndef f(x):\n    return 2 * x'), ['f@0:1-2>0:4']);
    assert.deepEqual(replaced('class Box:\n    pass', 'x = 1', '@dataclass\nclass Box:\n    size: int = 2'), ['Box@0:1-2>2:2']);
    assert.deepEqual(replaced('def f():\n    return 1', 'def f():\n    return 2', 'def f():\n    return 3'), ['f@0:1-2>1:1', 'f@1:1-2>2:1']);
  });

  it('keeps one read before the redefinition: at the top, in a decorator, or by calling code that reaches it', () => {
    assert.deepEqual(replaced('def f():\n    return 1\n\nbase = f()\n\ndef f():\n    return 2'), []);
    assert.deepEqual(replaced('def f():\n    return 1', '@functools.wraps(f)\ndef f():\n    return 2'), []);
    assert.deepEqual(replaced('def f():\n    return 1\n\ndef run():\n    return f()', 'early = run()', 'def f():\n    return 2'), []);
    assert.deepEqual(replaced('def f():\n    return 1\n\nclass Model:\n    def fit(self):\n        return f()', 'm = Model()', 'def f():\n    return 2'), []);
  });

  it('passes over reads in function bodies nothing calls before, reads after it, and definitions inside blocks', () => {
    assert.deepEqual(replaced('def f():\n    return 1\n\ndef run():\n    return f()', 'def f():\n    return 2', 'late = run()'), ['f@0:1-2>1:1']);
    assert.deepEqual(replaced('if fast:\n    def f():\n        return 1\nelse:\n    def f():\n        return 2', 'def f():\n    return 3'), []);
    assert.deepEqual(replaced('f = lambda: 1', 'f = lambda: 2'), []);
  });
});

const cells = [
  { tags: ['imports'], source: 'import math' },
  { tags: ['functions'], source: 'def scale(x):\n    return x * 2' },
  { tags: ['functions'], source: 'def scale(x):\n    return x * 3\n\nclass Box:\n    pass' },
  // Used before it is redefined: both stay.
  { tags: ['functions'], source: 'def helper():\n    return 1\n\nBASE = helper()\n\ndef helper():\n    return 2' },
  { tags: ['functions'], source: 'class Box:\n    size = 2' },
  // In a step: the first f is the only code reading math (its import goes too), the second is hoisted.
  { tags: ['step:compute'], source: 'def f(v):\n    return math.floor(v)\n\ndef f(v):\n    return v + 1\n\nvalue = f(scale(BASE)) + Box.size' },
  { tags: ['step:later'], source: 'def g():\n    return value\n\nfirst = g()\n\ndef g():\n    return value * 10\n\nsecond = g()' },
  { tags: ['metrics'], source: 'result = value + first + second + helper()' },
];

describe('planPromotion: a function or class a later cell defines again', function () {
  this.timeout(120_000);
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-redefined-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (path: string): string => readFileSync(join(dir, 'out', path), 'utf8');

  it('leaves the earlier one out of the shared code with a comment saying which cell redefines it', () => {
    const common = file('src/nb/common.py');
    assert.match(common, /\n {4}# nbpromote: def scale \(lines 1-2\) left out: cell c2 \(line 1\) defines it again before anything uses this one\n/);
    assert.match(common, /\n {4}# nbpromote: class Box \(lines 4-5\) left out: cell c4 \(line 1\) defines it again before anything uses this one\n/);
    assert.equal(common.match(/^ {4}def scale/gm)?.length, 1);
    assert.equal(common.match(/^ {4}class Box/gm)?.length, 1);
    assert.match(common, /return x \* 3/);
    assert.equal(common.match(/^ {4}def helper/gm)?.length, 2);
  });

  it('leaves the earlier one out of a step, with the imports only it used, and keeps one the step calls first', () => {
    const compute = file('src/nb/steps/compute.py');
    assert.match(compute, /# nbpromote: def f \(lines 1-2\) left out: line 4 of this cell defines it again before anything uses this one/);
    assert.doesNotMatch(compute, /math/);
    assert.match(compute, /\n# cell c5, lines 4-5: at module level[^\n]*\ndef f\(v\):\n {4}return v \+ 1\n/);
    assert.equal(file('src/nb/steps/later.py').match(/def g\(\):/g)?.length, 2);
  });

  it('runs as the notebook did, and pyflakes reports nothing', function () {
    if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import yaml']).status !== 0) this.skip();
    const out = join(dir, 'out');
    // BASE = 1 (the first helper), scale triples, f adds one, Box.size = 2: value 6, first 6, second 60, helper() 2.
    assert.equal(runPipeline(out).metrics['result'], 74);
    assertFlakesQuiet(out);
  });
});

// A shared function and class a later `functions` cell defines again after a step used them: each step runs
// the version the notebook ran at that point (`load` the first, `later` the second).
const versioned = [
  { tags: ['functions'], source: 'def clean(x):\n    return x\n\nclass Scale:\n    factor = 2\n\ndef twice(x):\n    return 2 * x' },
  { tags: ['step:load'], source: 'first = clean(-3) * Scale.factor' },
  { tags: ['functions'], source: 'def clean(x):\n    return abs(x)\n\nclass Scale:\n    factor = 10\n\ndef twice(x):\n    return 20 * x' },
  { tags: ['step:later'], source: 'second = clean(-3) * Scale.factor + twice(1)' },
  { tags: ['metrics'], source: 'total = first + second\nprint(first, second)' },
];

describe('planPromotion: a shared function or class defined again after a step used it', function () {
  this.timeout(120_000);
  let dir = '';
  let warnings: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-versions-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(versioned));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    warnings = outcome.problems.filter((p) => p.code === 'shared-redefined').map((p) => p.message);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (path: string): string => readFileSync(join(dir, 'out', path), 'utf8');

  it('keeps the version a step used under another name, with a comment, and the step imports it as the notebook named it', () => {
    const common = file('src/nb/common.py');
    assert.match(common, /# nbpromote: def clean as clean_v1: step load used this one before cell c2 defined clean again, and imports it as clean\n\n# cell c0, lines 1-2\ndef clean_v1\(x\):/);
    assert.match(common, /\nclass Scale_v1:\n/);
    // Nothing used the first `twice` before the second: left out, as before.
    assert.match(common, /# nbpromote: def twice \(lines 7-8\) left out: cell c2 \(line 7\) defines it again before anything uses this one/);
    assert.match(common, /__all__ = \[.*"clean_v1".*\]/);
    assert.match(file('src/nb/steps/load.py'), /from \.\.common import Scale_v1 as Scale, clean_v1 as clean\n/);
    assert.match(file('src/nb/steps/later.py'), /from \.\.common import Scale, clean, twice\n/);
    assert.deepEqual(warnings, []);
  });

  it('runs as the notebook did, and pyflakes reports nothing', function () {
    if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import yaml']).status !== 0) this.skip();
    const out = join(dir, 'out');
    // load: clean(-3) = -3 times 2 = -6; later: abs(-3) = 3 times 10 plus 20 = 50.
    const { metrics } = runPipeline(out);
    assert.deepEqual([metrics['first'], metrics['second'], metrics['total']], [-6, 50, 44]);
    assertFlakesQuiet(out);
  });
});

describe('sharedVersions', () => {
  const promoteCells = async (source: readonly { tags?: readonly string[]; source: string }[]): Promise<{ ok: boolean; messages: string[]; dir: string }> => {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-versions-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(source));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    if (!outcome.ok) return { ok: false, messages: outcome.problems.map((p) => p.message), dir };
    return { ok: outcome.ok, messages: outcome.problems.filter((p) => p.code === 'shared-redefined').map((p) => `${p.cellIndex ?? '?'}: ${p.message}`), dir };
  };

  it('keeps a version the shared code reads too under the notebook name, and gives the metrics theirs', async () => {
    const { ok, messages, dir } = await promoteCells([
      { tags: ['functions'], source: 'def f():\n    return 1\n\nBASE = f()' },
      { tags: ['step:a'], source: 'a = f() + BASE' },
      { tags: ['metrics'], source: 'm = f() + a' },
      { tags: ['functions'], source: 'def f():\n    return 5' },
      { tags: ['step:b'], source: 'b = f()' },
    ]);
    try {
      assert.ok(ok);
      assert.deepEqual(messages, []);
      const common = readFileSync(join(dir, 'out/src/nb/common.py'), 'utf8');
      assert.match(common, /def f_v1\(\):\n {8}return 1\n\n {4}f = f_v1\n/);
      assert.match(common, /step a, the metrics used this one/);
      assert.match(readFileSync(join(dir, 'out/src/nb/metrics.py'), 'utf8'), /from \.common import f_v1 as f\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns, naming the cells, when one step uses two versions or calls a shared function reaching an earlier one', async () => {
    const { ok, messages, dir } = await promoteCells([
      { tags: ['functions'], source: 'def f():\n    return 1\n\ndef run():\n    return f()' },
      { tags: ['step:a'], source: 'a = f()' },
      { tags: ['step:r'], source: 'r = run()' },
      { tags: ['functions'], source: 'def f():\n    return 5' },
      { tags: ['step:a'], source: 'a2 = a + f()' },
      { tags: ['metrics'], source: 'm = a2 + r' },
    ]);
    rmSync(dir, { recursive: true, force: true });
    assert.ok(ok, messages.join('\n'));
    assert.deepEqual(messages, [
      '1: step a uses f before and after cell c3 defines it again: in the package it uses the last of those for all its cells. Define f once, or give each version its own name',
      '2: step r calls run, which reaches f; cell c3 defines f again after this cell, and in the package it calls the last f: define f once, or give each version its own name',
    ]);
  });
});

// Round 35 E: a step calls its own `prep`, which reads the `normalize` of step `a` (or of the shared code), then
// defines normalize again and calls prep once more. Hoisted to module level, both calls read the step's own one.
const stepB = { tags: ['step:b'], source: 'def prep(v):\n    return normalize(v) * 2\n\nbefore = prep(3)\n\ndef normalize(x):\n    return x / 10\n\nafter = prep(3)' };
const redefinedInStep = {
  'from an earlier step': [{ tags: ['step:a'], source: 'def normalize(x):\n    return x / 2' }, stepB, { tags: ['metrics'], source: 'print(before, after)' }],
  'from the shared code': [{ tags: ['functions'], source: 'def normalize(x):\n    return x / 2' }, { tags: ['step:a'], source: 'v = 3' }, stepB, { tags: ['metrics'], source: 'print(before, after)' }],
};

for (const [origin, notebook] of Object.entries(redefinedInStep)) {
  describe(`planPromotion: a step defines again a function ${origin}, after a call reading that one`, function () {
    this.timeout(120_000);
    let dir = '';
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nbpromote-redefined-step-'));
      writeFileSync(join(dir, 'nb.ipynb'), notebookJson(notebook));
      const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('starts from the earlier function and defines the new one inside the step, where the notebook did', () => {
      const b = readFileSync(join(dir, 'out', 'src/nb/steps/b.py'), 'utf8');
      if (origin === 'from an earlier step') assert.match(b, /\ndef b\(normalize\) -> BOutputs:/);
      else assert.match(b, /\n {4}from \.\. import common as _shared\n {4}normalize = _shared\.normalize\n/);
      assert.match(b, /\n {4}before = prep\(3\)\n(?:.*\n)*? {4}def normalize\(x\):\n {8}return x \/ 10\n/);
      assert.doesNotMatch(b, /^def (prep|normalize)/m);
    });

    it('runs as the notebook did, and pyflakes reports nothing', function () {
      if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import yaml']).status !== 0) this.skip();
      const out = join(dir, 'out');
      const { metrics } = runPipeline(out);
      assert.deepEqual([metrics['before'], metrics['after']], [3, 0.6]);
      assertFlakesQuiet(out);
    });
  });
}
