// Metrics a metrics cell prints in forms the reader of saved outputs missed (round 28): a dict as JSON, a
// percentage, a value cut over several stream outputs or written over after a carriage return, and a value
// printed rounded and then exactly. The notebooks are run by nbconvert (Jupyter's own outputs), promoted, and the
// expected metrics must be the names the run and `--execute` record, with the generated tests passing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { executeForMetrics } from '../promote/execute';
import { promoteNotebook } from '../promote/promote';
import type { PromoteOutcome } from '../promote/promote';
import { silentLogger } from '../util/logger';
import { hasPython, notebookJson, PYTHON, runPipeline, runPytest } from './testing';
import type { TestCell } from './testing';

/** `cells` written as nb.ipynb in `dir` and run by nbconvert in place; `edit` may change the saved notebook after. */
function executed(dir: string, cells: readonly TestCell[], edit?: (notebook: { cells: { outputs: unknown[] }[] }) => void): void {
  writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
  const run = spawnSync(PYTHON, ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', 'nb.ipynb'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  assert.equal(run.status, 0, run.stderr);
  if (edit === undefined) return;
  const notebook = JSON.parse(readFileSync(join(dir, 'nb.ipynb'), 'utf8')) as { cells: { outputs: unknown[] }[] };
  edit(notebook);
  writeFileSync(join(dir, 'nb.ipynb'), JSON.stringify(notebook));
}

/** The generated tests pass, and the run and `--execute` give each metric of `wanted` its value exactly. */
async function reproduced(dir: string, outcome: PromoteOutcome, wanted: Record<string, number>): Promise<void> {
  const tests = runPytest(join(dir, 'out'));
  assert.equal(tests.status, 0, stripVTControlCharacters(tests.stdout + tests.stderr));
  assert.match(tests.stdout, /passed/);
  assert.doesNotMatch(tests.stdout, /skipped/);
  const pick = (metrics: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(metrics).filter(([name]) => name in wanted));
  assert.deepEqual(pick(runPipeline(join(dir, 'out')).metrics), wanted, 'the run');
  const probe = outcome.metricsProbe;
  assert.ok(probe !== undefined);
  const recorded = await executeForMetrics({ notebook: 'nb.ipynb', cwd: dir, python: PYTHON, probe, logger: silentLogger });
  assert.deepEqual(pick(Object.fromEntries(recorded)), wanted, '--execute');
}

describe('promoteNotebook: metrics printed as JSON, as percentages, cut over stream outputs (round 28)', function () {
  this.timeout(180_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-printed-metrics-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads print(json.dumps(d)) and print(json.dumps(d, indent=2)) by the names the run gives: <dict>.<key>, nested flattened', async function () {
    if (!hasPython('nbconvert')) this.skip();
    executed(dir, [
      { tags: ['imports'], source: 'import json' },
      { tags: ['step:fit'], source: 'scores = {"acc": 0.8125, "cv": {"mean": 2 / 3, "std": 0.05}, "model": "lr"}' },
      { tags: ['metrics'], source: 'metrics = {"acc": 0.9, "f1": 1 / 3}\nprint(json.dumps(metrics))\nprint(json.dumps(scores, indent=2))' },
    ]);
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    const wanted = { 'metrics.acc': 0.9, 'metrics.f1': 1 / 3, 'scores.acc': 0.8125, 'scores.cv.mean': 2 / 3, 'scores.cv.std': 0.05 };
    assert.deepEqual(outcome.expectedMetrics, wanted);
    assert.equal(outcome.problems.find((p) => p.code === 'metrics-none'), undefined);
    await reproduced(dir, outcome, wanted);
  });

  it('reads a percentage an f-string or .format shows (`{acc:.2%}`) as the fraction the run records, within the decimals shown', async function () {
    if (!hasPython('nbconvert')) this.skip();
    executed(dir, [
      { tags: ['step:fit'], source: 'hits = 131' },
      { tags: ['metrics'], source: 'acc = hits / 140\nprint(f"Accuracy: {acc:.2%}")\nprint("Share: {:.1%}".format(hits / 280))' },
    ]);
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.expectedMetrics, { acc: 0.9357, share: 0.468 });
    assert.match(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8'), /shown_decimals: \{acc: 4, share: 3\}/);
    await reproduced(dir, outcome, { acc: 131 / 140, share: 131 / 280 });
  });

  it('joins a print cut by a stderr output, shows a carriage return as Jupyter does, and takes the exact value printed after a rounded one', async function () {
    if (!hasPython('nbconvert')) this.skip();
    executed(
      dir,
      [
        { tags: ['step:stats'], source: 'import random\nrandom.seed(1)\nm = sum(random.random() for _ in range(100)) / 100' },
        { tags: ['metrics'], source: 'print("mean:", m)\nlo = m - 0.5\nprint(f"lo {lo:.4f}")\nprint("lo:", lo)' },
      ],
      (notebook) => {
        const cell = notebook.cells[1];
        const text = (cell?.outputs[0] as { text: string | string[] }).text;
        const printed = Array.isArray(text) ? text.join('') : text;
        const cut = printed.indexOf('.') + 3;
        // A progress line written over, a flush mid-line, a warning between the halves.
        cell!.outputs = [
          { output_type: 'stream', name: 'stdout', text: `mean: 5\r${printed.slice(0, cut)}` },
          { output_type: 'stream', name: 'stderr', text: 'UserWarning: something\n' },
          { output_type: 'stream', name: 'stdout', text: printed.slice(cut) },
        ];
      },
    );
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    const run = runPipeline(join(dir, 'out')).metrics;
    const m = run['m'] ?? NaN;
    assert.deepEqual(outcome.expectedMetrics, { m, lo: m - 0.5 });
    assert.doesNotMatch(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8'), /shown_decimals/);
    await reproduced(dir, outcome, { m, lo: m - 0.5 });
  });
});

describe('promoteNotebook: a printed dict, then a loop that prints (round 29)', function () {
  this.timeout(180_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-printed-loop-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the dict printed as JSON before a per-class loop, and a loop of percentages over a dict\'s items, by the names the run records', async function () {
    if (!hasPython('nbconvert')) this.skip();
    executed(dir, [
      { tags: ['imports'], source: 'import json' },
      { tags: ['step:fit'], source: 'acc = 148 / 150\nf1 = 2 / 3' },
      {
        tags: ['metrics'],
        source: [
          'summary = {"lr_acc": acc, "lr_f1": f1}',
          'print(json.dumps(summary, indent=2))',
          'for cls in ["billing", "tech"]:',
          '    print(f"{cls:>9}: precision={acc:.3f} recall={f1:.3f}")',
          'rates = {"hit": acc / 2, "miss": 1 - acc}',
          'for k, v in rates.items():',
          '    print(f"{k}: {v:.2%}")',
        ].join('\n'),
      },
    ]);
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    assert.deepEqual(outcome.expectedMetrics, { 'summary.lr_acc': 148 / 150, 'summary.lr_f1': 2 / 3, 'rates.hit': 0.4933, 'rates.miss': 0.0133 });
    assert.equal(outcome.problems.find((p) => p.code === 'metrics-none'), undefined);
    await reproduced(dir, outcome, { 'summary.lr_acc': 148 / 150, 'summary.lr_f1': 2 / 3, 'rates.hit': 148 / 300, 'rates.miss': 1 - 148 / 150 });
  });
});

describe('promoteNotebook: metrics-none when the outputs show numbers under names the run does not record', function () {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-metrics-none-named-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names those names instead of saying no number has a name', async () => {
    const notebook = JSON.parse(notebookJson([
      { tags: ['step:fit'], source: 'pred = [1, 0, 1]' },
      { tags: ['metrics'], source: 'import json\nprint(json.dumps({"acc": sum(pred) / 3, "n": len(pred)}))' },
    ])) as { cells: Record<string, unknown>[] };
    notebook.cells = notebook.cells.map((c, i) => ({ ...c, execution_count: i + 1, outputs: i === 1 ? [{ output_type: 'stream', name: 'stdout', text: '{"acc": 0.6666666666666666, "n": 3}\n' }] : [] }));
    writeFileSync(join(dir, 'nb.ipynb'), JSON.stringify(notebook));
    const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test', dryRun: true });
    const warning = outcome.problems.find((p) => p.code === 'metrics-none');
    assert.equal(warning?.cellIndex, 1);
    assert.match(warning?.message ?? '', /^no metric is read from the metrics cell: its saved outputs show numbers under names \(acc, n\), but none of them is a value the metrics cells compute or read, which is what the run records, so the generated test checks none\. Give each number a name/);
  });
});
