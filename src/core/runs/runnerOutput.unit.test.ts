// The pipeline runner's output read for people: its --json object, the cell its error names, and which stderr
// lines are a traceback (logged as errors) rather than the run's progress.
import * as assert from 'node:assert/strict';
import { conflictedFile, failedCell, failedCellIndex, importFailure, parseRunnerReport, StepProgress, TracebackTracker } from './runnerOutput';

describe('runner output', () => {
  it('parseRunnerReport takes the last JSON object line of stdout', () => {
    const error = "step 'clean' failed in notebook cell 5, line 2: KeyError: 'monthly_charge'";
    const stdout = `some print\n${JSON.stringify({ run_id: 'r1', status: 'failed', error, params: {}, metrics: {}, steps: [] })}\n`;
    assert.deepEqual(parseRunnerReport(stdout), { run_id: 'r1', status: 'failed', error, params: {}, metrics: {}, steps: [] });
    assert.equal(parseRunnerReport('no json\n'), undefined);
  });

  it('importFailure tells an import the interpreter could not do from the package\'s own and from other errors', () => {
    assert.deepEqual(importFailure("the module of step 'load' failed in notebook cell 2, line 1: ModuleNotFoundError: No module named 'pandas'", 'houses'), { module: 'pandas' });
    assert.deepEqual(importFailure("step 'fit' failed in notebook cell 4, line 2: ModuleNotFoundError: No module named 'sklearn.linear_model'", 'houses'), { module: 'sklearn.linear_model' });
    assert.deepEqual(importFailure("the shared code failed: ImportError: cannot import name 'Foo' from 'sklearn' (/usr/lib/python3/dist-packages/sklearn/__init__.py)", 'houses'), { module: 'sklearn' });
    assert.deepEqual(importFailure('importing the houses package failed: ImportError: libGL.so.1: cannot open shared object file', 'houses'), {});
    assert.equal(importFailure("importing the houses package failed: ModuleNotFoundError: No module named 'houses.steps.load'", 'houses'), undefined);
    assert.equal(importFailure("the metrics module failed: ImportError: cannot import name 'x' from partially initialized module 'houses.steps' (most likely due to a circular import)", 'houses'), undefined);
    assert.equal(importFailure("step 'clean' failed in notebook cell 5, line 2: KeyError: 'monthly_charge'", 'houses'), undefined);
    // Round 77 MNM: an ImportError a library raises itself is nothing to install.
    assert.equal(importFailure("the module of step 'impute' failed: ImportError: IterativeImputer is experimental and the API might change without any deprecation cycle. To use it, you need to explicitly import enable_iterative_imputer:\nfrom sklearn.experimental import enable_iterative_imputer", 'houses'), undefined);
    assert.equal(importFailure("step 'clean' failed in notebook cell 5, line 2: ValueError: ModuleNotFoundError: in a message", 'houses'), undefined);
  });

  it('failedCell reads the cell and line of every wording of the runtime', () => {
    assert.deepEqual(failedCell("step 'clean' failed in notebook cell 5, line 2: KeyError: 'monthly_charge'"), { number: 5, line: 2 });
    assert.deepEqual(failedCell("step 'train' failed in notebook cell 10 (id c009), line 3: ValueError: x"), { number: 10, id: 'c009', line: 3 });
    assert.deepEqual(failedCell("step 'train' failed in notebook cell with id c-9_a, line 3: ValueError: x"), { id: 'c-9_a', line: 3 });
    assert.deepEqual(failedCell("step 'train' failed in notebook cell 4, line 2 (churn.py line 13): ValueError: x"), { number: 4, line: 2 });
    // The innermost place first; the step that called it comes after.
    assert.deepEqual(failedCell("step 'fit' failed in notebook cell 3, line 4 (called from cell 6, line 2): ZeroDivisionError: division by zero"), { number: 3, line: 4 });
    assert.equal(failedCell("step 'load' failed: KeyError: 'x'"), undefined);
    assert.equal(failedCell('unknown parameter --param foo=1'), undefined);
  });

  it('failedCellIndex finds the cell by id when it moved, else by number when the notebook has it', () => {
    const cells = [{ id: 'a' }, { id: 'b' }, { id: 'c009' }];
    assert.equal(failedCellIndex({ number: 10, id: 'c009', line: 1 }, cells), 2);
    assert.equal(failedCellIndex({ number: 2, line: 1 }, [{}, {}, {}]), 1);
    assert.equal(failedCellIndex({ number: 5, line: 1 }, [{}, {}, {}]), undefined, 'no such cell in this notebook');
    assert.equal(failedCellIndex({ number: 2, id: 'gone', line: 1 }, cells), undefined, 'the cell there is another one');
    assert.equal(failedCellIndex({ id: 'gone', line: 1 }, cells), undefined);
  });

  it('TracebackTracker: a traceback (chained ones too) is an error, the progress around it information', () => {
    const stderr = [
      'nbpromote run 20261126T143448Z-a69f61 (fail 0.1.0)',
      '(300, 5)',
      '  load   ran         0.04s',
      'Traceback (most recent call last):',
      '  File "pandas/_libs/index.pyx", line 138, in pandas._libs.index.IndexEngine.get_loc',
      "KeyError: 'monthly_charge'",
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "/ws/build/fail/src/fail/steps/clean.py", line 19, in clean',
      "    df['charge_ratio'] = df['monthly_charge'] / (df['tenure'] + 1)",
      '                         ~~^^^^^^^^^^^^^^^^^^',
      "KeyError: 'monthly_charge'",
      "step 'clean' failed in notebook cell 5, line 2: KeyError: 'monthly_charge'",
      '  clean  failed      0.01s',
      'failed in 0.06s; recorded in /ws/build/fail/.nbpromote/runs/20261126T143448Z-a69f61/run.json',
    ];
    const tracker = new TracebackTracker();
    const levels = stderr.map((line) => tracker.level(line));
    assert.deepEqual(levels, ['info', 'info', 'info', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'info', 'info', 'info']);
  });
});

describe('conflictedFile', () => {
  it('reads the file and line a run says hold a merge conflict marker, relative or absolute', () => {
    assert.deepEqual(conflictedFile('nb 0.1.1: importing the nb package failed: src/nb/steps/train.py line 21 holds a merge conflict marker (<<<<<<<): resolve the conflict'), { path: 'src/nb/steps/train.py', line: 21 });
    assert.deepEqual(conflictedFile('/p/out/src/nb/common.py line 3 holds a merge conflict marker (=======): resolve the conflict'), { path: '/p/out/src/nb/common.py', line: 3 });
    assert.equal(conflictedFile("step 'clean' failed in notebook cell 2, line 1: KeyError: 'x'"), undefined);
  });
});

describe('StepProgress', () => {
  it('says the step running now from the lines the runner prints as each step ends, then the metrics', () => {
    const progress = new StepProgress(['load', 'train', 'evaluate']);
    assert.equal(progress.first, 'step load (1 of 3)…');
    assert.equal(progress.next('nbpromote run 20261127T134354Z-6915f2 (grid 0.1.0)'), undefined);
    assert.equal(progress.next('  load      cached      0.06s'), 'step train (2 of 3)…');
    assert.equal(progress.next('  train     ran         12.50s  (parameter C changed since its outputs were cached)'), 'step evaluate (3 of 3)…');
    assert.equal(progress.next('  other     ran         0.01s'), undefined);
    assert.equal(progress.next('  evaluate  ran         0.01s'), 'computing the metrics…');
  });
});
