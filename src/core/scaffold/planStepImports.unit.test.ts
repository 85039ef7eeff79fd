// Functions and classes a step defines at its module's top, called by later steps, the metrics or a test cell:
// imported from the step's module, not returned by the step and passed on as inputs (round 43 U: a step read
// `def score(add_ratio, raw)`). In process on real files; the pipeline, pytest and pyflakes run when Debian's
// Python is there.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import type { PromoteOutcome } from '../promote/promote';
import { assertFlakesQuiet, hasPython, notebookJson, promoteCells, runPipeline, runPytest } from './testing';
import type { TestCell } from './testing';

const cells: TestCell[] = [
  { source: 'import math' },
  { tags: ['parameters'], source: 'SCALE = 2' },
  {
    tags: ['step:load'],
    source: [
      'def add_one(x):',
      '    return x + 1',
      '',
      'class Box:',
      '    def __init__(self, v):',
      '        self.v = v',
      '',
      'square = lambda v: v * v',
      '',
      'def scaled(x):',
      '    return x * SCALE',
      '',
      'def twice(x):',
      '    return 2 * x',
      '',
      'values = [add_one(i) for i in range(3)]',
    ].join('\n'),
  },
  { tags: ['step:later'], source: 'boxes = [Box(square(v)) for v in values]\ntotal = sum(b.v for b in boxes) + scaled(1)' },
  // Binds `twice` again after calling the one load made: it takes it as an input, as before.
  { tags: ['step:own'], source: 'a = twice(1)\n\ndef twice(x):\n    return 3 * x\n\nb = twice(1)' },
  { tags: ['metrics'], source: 'result = total + add_one(0) + math.floor(a + b)' },
  { tags: ['test'], source: 'assert add_one(1) == 2\nassert isinstance(Box(1), Box)' },
];

describe('planPromotion: definitions a step makes at its top, imported by the units calling them', function () {
  this.timeout(120_000);
  let dir = '';
  let out = '';
  let outcome: PromoteOutcome | undefined;
  before(async () => {
    ({ dir, out, outcome } = await promoteCells(cells, 'step-imports'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (path: string): string => readFileSync(join(out, path), 'utf8');
  const step = (name: string): { inputs: readonly string[]; outputs: readonly string[] } | undefined => outcome?.graph?.steps.find((s) => s.name === name);

  it('the step returns only what is data, or read from its own scope, or bound again by a unit using it', () => {
    assert.deepEqual(step('load')?.outputs, ['scaled', 'twice', 'values']);
    assert.deepEqual(step('later')?.inputs, ['values', 'scaled']);
    assert.deepEqual(step('own')?.inputs, ['twice']);
    assert.match(file('pipeline.yaml'), /- name: load\n(?:.*\n)*? {4}outputs: \[scaled, twice, values\]\n/);
  });

  it('the units import them from the step module: a step, the metrics and the test cells', () => {
    const later = file('src/nb/steps/later.py');
    assert.match(later, /\nfrom \.load import Box, square\n/);
    assert.match(later, /\ndef later\(values, scaled\) -> Any:/);
    const load = file('src/nb/steps/load.py');
    assert.match(load, /\n# cell c2, line 8: at module level, imported from here by step later\ndef square\(v\): {2}# was: square = lambda \.\.\.\n {4}return v \* v\n/);
    assert.match(load, /\n# cell c2, lines 1-2: at module level, imported from here by the metrics and the test of cell c6\ndef add_one/);
    assert.match(load, /\n# cell c2, lines 13-14: at module level, so what the step returns can be cached \(pickled\)\ndef twice/);
    assert.match(file('src/nb/metrics.py'), /\nfrom \.steps\.load import add_one\n/);
    assert.match(file('tests/test_notebook.py'), /\nfrom nb\.steps\.load import add_one, Box\n/);
    assert.doesNotMatch(file('tests/test_later.py'), /Box|square/);
  });

  it('runs as the notebook did; pytest passes and pyflakes reports nothing', function () {
    if (!hasPython()) this.skip();
    // values [1, 2, 3], squared 14, scaled(1) 2: total 16; a = 2, b = 3; result 16 + 1 + 5.
    assert.equal(runPipeline(out).metrics['result'], 22);
    const tests = runPytest(out);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    assertFlakesQuiet(out);
  });
});

describe('planPromotion: a step calling a function an earlier step defines, from the cache', function () {
  this.timeout(120_000);
  const notebook = (body: string): TestCell[] => [
    { tags: ['step:load'], source: `def clean(x):\n    return ${body}\n\nraw = [-2, 3]` },
    // Takes nothing from load but the function: its cache key has load's code.
    { tags: ['step:later'], source: 'total = sum(clean(v) for v in [-2, 3])' },
    { tags: ['metrics'], source: 'print(total)' },
  ];
  let dir = '';
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs it again when that function changes, and only then', async function () {
    if (!hasPython()) this.skip();
    let out = '';
    ({ dir, out } = await promoteCells(notebook('abs(x)'), 'step-imports-cache'));
    assert.equal(runPipeline(out).metrics['total'], 5);
    assert.deepEqual(runPipeline(out).steps.map((s) => s.status), ['cached', 'cached']);
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(notebook('x * 10')));
    const again = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(again.ok, JSON.stringify(again.problems));
    const run = runPipeline(out);
    assert.equal(run.metrics['total'], 10);
    assert.deepEqual(run.steps.map((s) => s.status), ['ran', 'ran']);
  });
});

// Round 47 BB: `def encode(frame)` in step encode stayed inside the step function and was returned under its name.
describe('planPromotion: a function named like the step defining it', function () {
  this.timeout(120_000);
  it('goes to the module top, imported by the later step; the step function is <step>_step', async function () {
    const { dir, out } = await promoteCells(
      [
        { tags: ['step:encode'], source: 'def encode(rows):\n    return [r * 2 for r in rows]\n\ndata = encode([1, 2])' },
        { tags: ['step:again'], source: 'more = encode(data)' },
        { tags: ['metrics'], source: 'total = sum(more)' },
      ],
      'step-named-function',
    );
    try {
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'encode.py'), 'utf8'), /\ndef encode\(rows\):\n[^]*\ndef encode_step\(\) -> Any:/);
      assert.match(readFileSync(join(out, 'src', 'nb', 'steps', 'again.py'), 'utf8'), /\nfrom \.encode import encode\n[^]*\ndef again\(data\) -> Any:/);
      if (!hasPython()) this.skip();
      assert.equal(runPipeline(out).metrics['total'], 12);
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 49 GG: a class the step fills (`Registry.add(v)` appending to a class attribute) or a function whose
// attribute it sets went to the module's top while the filling stayed in the step: from the cache the metrics
// found the class empty, and a second run in the process found it filled twice.
describe('planPromotion: a definition the step changes after defining it', function () {
  this.timeout(120_000);
  it('stays in the step, made afresh with its state at each run; runs and tests give the notebook\'s numbers twice', async function () {
    const { dir, out } = await promoteCells(
      [
        { tags: ['parameters'], source: 'N = 3' },
        {
          tags: ['step:load'],
          source: [
            'class Registry:',
            '    items = []',
            '',
            '    @classmethod',
            '    def add(cls, v):',
            '        cls.items.append(v)',
            '',
            'def counter():',
            '    counter.calls += 1',
            '',
            'counter.calls = 0',
            'for v in range(N):',
            '    Registry.add(v)',
            '    counter()',
          ].join('\n'),
        },
        { tags: ['metrics'], source: 'n_items = len(Registry.items)\ncalls = counter.calls' },
        { tags: ['test'], source: 'assert len(Registry.items) == N' },
      ],
      'step-changes-definition',
    );
    try {
      const load = readFileSync(join(out, 'src', 'nb', 'steps', 'load.py'), 'utf8');
      assert.match(load, /\ndef load\(N: int\) -> LoadOutputs:\n[^]*\n {4}class Registry:\n[^]*\n {4}def counter\(\):\n/);
      if (!hasPython()) this.skip();
      for (let i = 0; i < 2; i++) assert.deepEqual(runPipeline(out).metrics, { n_items: 3, calls: 3 });
      for (let i = 0; i < 2; i++) {
        const tests = runPytest(out);
        assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      }
      assertFlakesQuiet(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Round 50 HH: a class whose own methods change its class attributes (`Counter.n += 1` in `__init__`,
// `self.seen.append(v)` on a class list) went to the module's top: another step making instances changed it there,
// and a second run in the process found it changed twice.
describe('planPromotion: a class whose methods change the class itself', function () {
  this.timeout(120_000);
  it('stays in the step defining it; runs and tests give the notebook\'s numbers twice', async function () {
    const { dir, out } = await promoteCells(
      [
        { tags: ['parameters'], source: 'bonus = 0' },
        { tags: ['step:setup'], source: ['class Counter:', '    n = 0', '', '    def __init__(self):', '        Counter.n += 1', '', '', 'class Tracker:', '    seen = []', '', '    def add(self, v):', '        self.seen.append(v)', '        return self', '', '', 'made = [Counter() for _ in range(2)]', 't = Tracker().add(1).add(2)', 'base = 3'].join('\n') },
        { tags: ['step:use'], source: 'Counter()\nTracker().add(3)\ntotal = bonus + base + Counter.n * 100 + len(Tracker.seen) * 1000' },
        { tags: ['metrics'], source: 'print("total:", total)' },
      ],
      'step-stateful-class',
    );
    try {
      const setup = readFileSync(join(out, 'src', 'nb', 'steps', 'setup.py'), 'utf8');
      assert.match(setup, /\ndef setup\(\) -> SetupOutputs:\n[^]*\n {4}class Counter:\n[^]*\n {4}class Tracker:\n/);
      if (!hasPython()) this.skip();
      for (let i = 0; i < 2; i++) assert.deepEqual(runPipeline(out).metrics, { total: 3303 });
      assert.deepEqual(runPipeline(out, '--param', 'bonus=1').metrics, { total: 3304 });
      for (let i = 0; i < 2; i++) {
        const tests = runPytest(out);
        assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
