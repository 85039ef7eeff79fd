// The editor's words for a promotion that stopped, on core's real problems (so a change of core's wording that
// the editor no longer adapts fails here): no command-line flags, no docs/ references, no backticks, the file
// named once, one period, and buttons that do what the message says (no "Show Problems" when the Problems panel
// has nothing to show).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem } from '../../core/contract/problem';
import { promoteNotebook } from '../../core/promote/promote';
import type { PromoteRequest } from '../../core/promote/promote';
import { notebookJson, THREE_STEPS } from '../../core/scaffold/testing';
import { editorAdvice, problemMessage } from './problemMessage';

describe('problemMessage', function () {
  this.timeout(60_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-problem-message-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const promote = async (notebook: string, options: Partial<PromoteRequest> = {}): Promise<readonly Problem[]> =>
    (await promoteNotebook({ notebook, cwd: dir, toolVersion: 'test', dryRun: true, ...options })).problems;

  const noCommandLine = (message: string): void => {
    assert.doesNotMatch(message, /--(?:out|infer-steps|package)\b/, message);
    assert.doesNotMatch(message, /docs\/\w+\.md/, message);
    assert.doesNotMatch(message, /`/, message);
    assert.doesNotMatch(message, /\.\./, message);
  };

  it('a notebook without step tags: the file once, no --infer-steps, Suggest Steps instead of an empty Problems panel', async () => {
    writeFileSync(join(dir, 'notags.ipynb'), notebookJson([{ source: 'import pandas as pd' }, { source: 'x = 1' }]));
    const problems = await promote('notags.ipynb');
    assert.ok(problems.some((p) => p.code === 'no-steps'), JSON.stringify(problems));
    const { message, actions } = problemMessage('Promotion of notags.ipynb stopped', problems, 'notags.ipynb');
    noCommandLine(message);
    assert.match(message, /^Promotion of notags\.ipynb stopped: no cell starts a step, so there is nothing to promote\. Tag the first code cell of each step "step:<name>"/);
    assert.match(message, /Or tag the steps from the markdown headings: Suggest Steps from Markdown Headings\. Nothing was written\.$/);
    assert.equal(message.split('notags.ipynb').length - 1, 1, 'the file is named once');
    assert.deepEqual(actions, ['suggestSteps', 'showLog']);
  });

  it('another notebook\'s package in the output root: set nbpromote.output.root, with the button opening it', async () => {
    writeFileSync(join(dir, 'fail.ipynb'), notebookJson(THREE_STEPS));
    writeFileSync(join(dir, 'credit.ipynb'), notebookJson(THREE_STEPS));
    assert.ok((await promoteNotebook({ notebook: 'fail.ipynb', cwd: dir, toolVersion: 'test' })).ok);
    const problems = await promote('credit.ipynb');
    const { message, actions } = problemMessage('Promotion of credit.ipynb stopped', problems, 'credit.ipynb');
    noCommandLine(message);
    assert.match(message, /holds the package fail of another notebook, fail\.ipynb, which is still there: promoting this one here would replace that package\. Set nbpromote\.output\.root to a folder per notebook, such as build\/\$\{notebookName\} \(or, if this notebook replaces that one, move or delete fail\.ipynb first\)\. Nothing was written\.$/);
    assert.deepEqual(actions, ['openOutputRootSetting', 'showLog']);
  });

  it('a run of the pipeline going on: Promote Anyway instead of --even-if-running', async () => {
    writeFileSync(join(dir, 'fail.ipynb'), notebookJson(THREE_STEPS));
    assert.ok((await promoteNotebook({ notebook: 'fail.ipynb', cwd: dir, toolVersion: 'test' })).ok);
    const id = '20261127T050000Z-abc123';
    mkdirSync(join(dir, '.nbpromote', 'runs', id), { recursive: true });
    writeFileSync(join(dir, '.nbpromote', 'runs', id, 'run.json'), JSON.stringify({ run_id: id, pipeline: 'fail', status: 'running', start: new Date().toISOString(), pid: process.pid, host: hostname() }));
    writeFileSync(join(dir, 'fail.ipynb'), notebookJson([...THREE_STEPS, { tags: ['step:later'], source: 'later = 1' }]));
    const problems = (await promoteNotebook({ notebook: 'fail.ipynb', cwd: dir, toolVersion: 'test' })).problems;
    const { message, actions } = problemMessage('Promotion of fail.ipynb stopped', problems, 'fail.ipynb');
    assert.doesNotMatch(message, /--even-if-running/);
    assert.match(message, new RegExp(`^Promotion of fail\\.ipynb stopped: fail is running \\(run ${id}, process ${process.pid}, started \\d+ s ago\\): promoting now would change the code it runs, .* \\(if process ${process.pid} is no run of this pipeline, choose Promote Anyway\\)\\. Nothing was written\\.$`));
    assert.deepEqual(actions, ['promoteAnyway', 'showLog']);
  });

  it('a step module still holding merge conflict markers: Merge my edits instead of --merge', async () => {
    writeFileSync(join(dir, 'fail.ipynb'), notebookJson(THREE_STEPS));
    assert.ok((await promoteNotebook({ notebook: 'fail.ipynb', cwd: dir, toolVersion: 'test' })).ok);
    const module = join(dir, 'src', 'fail', 'steps', 'train.py');
    writeFileSync(module, `<<<<<<< yours\ntotal = 1\n=======\ntotal = 2\n>>>>>>> generated\n`);
    const problems = await promote('fail.ipynb');
    assert.ok(problems.some((p) => p.code === 'merge-conflict'), JSON.stringify(problems));
    const { message } = problemMessage('Promotion of fail.ipynb stopped', problems, 'fail.ipynb');
    assert.doesNotMatch(message, /--merge/);
    assert.match(message, /still holds merge conflict markers \(<<<<<<< \.\.\. >>>>>>>\) from an earlier merge\. Resolve them in the file, then promote again and choose Merge my edits\. Nothing was written\.$/);
  });

  it('a renamed notebook: the package setting instead of --package', async () => {
    writeFileSync(join(dir, 'fail.ipynb'), notebookJson(THREE_STEPS));
    assert.ok((await promoteNotebook({ notebook: 'fail.ipynb', cwd: dir, toolVersion: 'test' })).ok);
    renameSync(join(dir, 'fail.ipynb'), join(dir, 'telco.ipynb'));
    const problems = await promote('telco.ipynb');
    const { message, actions } = problemMessage('Promotion of telco.ipynb stopped', problems, 'telco.ipynb');
    noCommandLine(message);
    assert.match(message, /if this notebook is that one, renamed or moved, set nbpromote\.package\.name to fail to keep its package; else set nbpromote\.output\.root to a folder per notebook/);
    assert.deepEqual(actions, ['openOutputRootSetting', 'openPackageSetting', 'showLog']);
  });

  it('a problem in a cell: its cell and line without the file again, and Show Problems (it is a diagnostic)', async () => {
    writeFileSync(join(dir, 'typo.ipynb'), notebookJson([{ tags: ['step:load'], source: 'values = [1, 2' }, { tags: ['step:train'], source: 'total = sum(values)' }]));
    const problems = await promote('typo.ipynb');
    const { message, actions } = problemMessage('Promotion of typo.ipynb stopped', problems, 'typo.ipynb');
    assert.match(message, /^Promotion of typo\.ipynb stopped: cell 1 \(id c0\), line 1/);
    assert.equal(message.split('typo.ipynb').length - 1, 1, 'the file is named once');
    assert.deepEqual(actions, ['showProblems', 'showLog']);
  });

  // Round 43 V: the Problems panel told editor users to "promote with --execute".
  it('a notebook never run: the editor\'s Promote Notebook, Running It First instead of --execute', async () => {
    writeFileSync(join(dir, 'unrun.py'), '# %% tags=["step:load"]\nrows = [1, 2]\n\n# %% tags=["metrics"]\nn = len(rows)\n');
    const unrecorded = (await promote('unrun.py')).find((p) => p.code === 'metrics-unrecorded');
    assert.ok(unrecorded !== undefined);
    const worded = editorAdvice(unrecorded.message);
    // Round 76 JKJ: "Promote with Promote Notebook, Running It First" read garbled; in Restricted Mode it is refused.
    assert.match(worded, /\. Use `Notebook Promoter: Promote Notebook, Running It First` to run the notebook and record them$/);
    assert.doesNotMatch(worded, /--execute/);
    assert.match(editorAdvice(unrecorded.message, false), /Use `Notebook Promoter: Promote Notebook, Running It First` once the workspace is trusted to run/);
  });

  it('a problem of another file keeps its name; no period is added after one', () => {
    const problem: Problem = { severity: 'error', code: 'lock-schema', message: 'lock_version must be 1.', file: 'build/nbpromote.lock' };
    assert.deepEqual(problemMessage('Cannot check a.ipynb', [problem], 'a.ipynb', ''), { message: 'Cannot check a.ipynb: build/nbpromote.lock: lock_version must be 1.', actions: ['showLog'] });
  });
});
