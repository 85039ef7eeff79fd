import * as assert from 'node:assert/strict';
import type { Notebook } from '../contract/notebook';
import type { StepGraph } from '../contract/stepGraph';
import { stepSourceSha256 } from './hash';
import type { Bump, ExpectationsChange, Snapshot } from './semver';
import { bumpVersion, currentSnapshot, diffSnapshots, FIRST_PROMOTION } from './semver';

const OLD: Snapshot = {
  parameters: {
    data_path: { type: 'str', default: 'data/churn.csv' },
    n_estimators: { type: 'int', default: 200 },
    test_size: { type: 'float', default: 0.25 },
  },
  steps: {
    load: { cells: [{ index: 2 }], source_sha256: 'h-load', inputs: ['data_path'], outputs: ['raw'] },
    split: { cells: [{ index: 3 }], source_sha256: 'h-split', inputs: ['raw', 'test_size'], outputs: ['X_train', 'X_test', 'y_train', 'y_test'] },
    train: { cells: [{ index: 5 }], source_sha256: 'h-train', inputs: ['X_train', 'y_train', 'n_estimators'], outputs: ['model'] },
  },
};

type Edit = (s: { parameters: Record<string, Snapshot['parameters'][string]>; steps: Record<string, Snapshot['steps'][string]> }) => void;

/** OLD with `edits` applied (on copies, in order). */
function changed(...edits: Edit[]): Snapshot {
  const s = { parameters: { ...OLD.parameters }, steps: { ...OLD.steps } };
  for (const edit of edits) edit(s);
  return s;
}

const step = (name: string, patch: Partial<Snapshot['steps'][string]>): Edit => (s) => {
  const before = s.steps[name];
  assert.ok(before !== undefined, name);
  s.steps[name] = { ...before, ...patch };
};
const dropStep = (name: string): Edit => (s) => {
  delete s.steps[name];
};
const addStep = (name: string, hash = `h-${name}`): Edit => (s) => {
  s.steps[name] = { source_sha256: hash, inputs: ['model'], outputs: ['report'] };
};
const dropParam = (name: string): Edit => (s) => {
  delete s.parameters[name];
};
const addParam = (name: string, type: 'int' | 'str' | 'float' = 'int', value: number | string = 4): Edit => (s) => {
  s.parameters[name] = { type, default: value };
};
const param = (name: string, patch: Partial<Snapshot['parameters'][string]>): Edit => (s) => {
  const before = s.parameters[name];
  assert.ok(before !== undefined, name);
  s.parameters[name] = { ...before, ...patch };
};
const renameParam = (from: string, to: string): Edit => (s) => {
  const p = s.parameters[from];
  assert.ok(p !== undefined, from);
  delete s.parameters[from];
  s.parameters[to] = p;
};

describe('diffSnapshots', () => {
  it('the first promotion: bump none, "first promotion" (the caller gives 0.1.0)', () => {
    assert.deepEqual(diffSnapshots(undefined, OLD, true), { bump: 'none', changes: [FIRST_PROMOTION] });
  });

  const cases: { name: string; now: Snapshot; filesChanged?: boolean; notebookChanged?: boolean; expectations?: ExpectationsChange; outside?: string; bump: Bump; changes: string[] }[] = [
    { name: 'nothing changed', now: changed(), bump: 'none', changes: [] },
    { name: 'only the generated files changed', now: changed(), filesChanged: true, bump: 'patch', changes: ['generated code changed (another nbpromote version or template); the notebook did not (patch)'] },
    {
      name: 'only the generated files changed, by what promote --execute recorded for the first time',
      now: changed(),
      filesChanged: true,
      expectations: 'executed',
      bump: 'patch',
      changes: ['expected metrics and the recorded output types and shapes now come from an executed run of the notebook (--execute), not its saved outputs (patch)'],
    },
    {
      name: 'only the generated files changed, by another executed run recording other values (even with the notebook saved again)',
      now: changed(),
      filesChanged: true,
      notebookChanged: true,
      expectations: 'executed-again',
      bump: 'patch',
      changes: ['the notebook executed again (--execute) gave other expected metrics or output types and shapes than the run recorded before (patch)'],
    },
    { name: 'a changed step wins over recorded expectations', now: changed(step('train', { source_sha256: 'f'.repeat(64) })), filesChanged: true, expectations: 'executed', bump: 'patch', changes: ['the code of step train changed (patch)'] },
    { name: 'the generated files and the notebook changed, not its steps', now: changed(), filesChanged: true, notebookChanged: true, bump: 'patch', changes: ["the notebook changed outside its steps (shared code, the metrics, a test cell or saved outputs) (patch)"] },
    {
      name: 'cells moved (a notebook without ids: the files cite cell numbers)',
      now: changed((s) => {
        for (const [name, st] of Object.entries(s.steps)) s.steps[name] = { ...st, cells: (st.cells ?? []).map((c) => ({ index: c.index + 1 })) };
      }),
      filesChanged: true,
      bump: 'patch',
      changes: ['cells moved in the notebook, so the cell numbers the generated files cite changed (give the notebook cell ids to avoid this) (patch)'],
    },
    {
      name: 'cells moved and --execute recorded expectations, which alone changed the files (round 46 Z)',
      now: changed((s) => {
        for (const [name, st] of Object.entries(s.steps)) s.steps[name] = { ...st, cells: (st.cells ?? []).map((c) => ({ index: c.index + 1 })) };
      }),
      filesChanged: true,
      expectations: 'executed',
      bump: 'patch',
      changes: ['expected metrics and the recorded output types and shapes now come from an executed run of the notebook (--execute), not its saved outputs (patch)'],
    },
    // Round 62 JJJ: a notebook saved once as nbformat 4.5 was said to have changed outside its steps.
    {
      name: "the steps' cells got ids (the notebook saved as nbformat 4.5), at the same places",
      now: changed((s) => {
        for (const [name, st] of Object.entries(s.steps)) s.steps[name] = { ...st, cells: (st.cells ?? []).map((c) => ({ index: c.index, id: `id${c.index}` })) };
      }),
      filesChanged: true,
      notebookChanged: true,
      bump: 'patch',
      changes: ["the notebook's cells got ids (nbformat 4.5, as Jupyter saves it), so the generated files cite cells by id, not by number (patch)"],
    },
    // major
    { name: 'a removed step', now: changed(dropStep('train')), bump: 'major', changes: ['step train was removed (major)'] },
    { name: 'a removed parameter', now: changed(dropParam('test_size')), bump: 'major', changes: ['parameter test_size was removed (major)'] },
    {
      name: 'a renamed parameter (same type and default)',
      now: changed(renameParam('n_estimators', 'n_trees')),
      bump: 'major',
      changes: ['parameter n_estimators is gone and n_trees is new: renamed? Runs that pass --param n_estimators break (major)'],
    },
    {
      name: 'one parameter removed and one added, even with another default: a rename?',
      now: changed(dropParam('n_estimators'), addParam('n_trees', 'int', 50)),
      bump: 'major',
      changes: ['parameter n_estimators is gone and n_trees is new: renamed? Runs that pass --param n_estimators break (major)'],
    },
    {
      name: 'two removed and two added: a same-looking pair is a rename, the others of different types are not',
      now: changed(dropParam('n_estimators'), dropParam('test_size'), addParam('n_trees', 'int', 200), addParam('seed', 'int', 7)),
      bump: 'major',
      changes: ['parameter n_estimators is gone and n_trees is new: renamed? Runs that pass --param n_estimators break (major)', 'parameter test_size was removed (major)', 'new parameter seed: int, default 7 (minor)'],
    },
    { name: 'a step needing a new input', now: changed(step('train', { inputs: ['X_train', 'y_train', 'n_estimators', 'n_jobs'] })), bump: 'major', changes: ['step train now also needs n_jobs (signature change: major)'] },
    // Round 46 Z: a variable renamed in the notebook gave two sentences per step.
    {
      name: 'a name renamed across steps: one sentence naming them; the code changes in one',
      now: changed(step('load', { outputs: ['customers'], source_sha256: 'h2' }), step('split', { inputs: ['customers', 'test_size'], source_sha256: 'h3' })),
      bump: 'major',
      changes: ['raw is customers now: step load returns it, step split takes it (signature change: major)', 'the code of steps load and split changed (patch)'],
    },
    {
      name: 'a step and the shared code changed: both said (round 48 DD)',
      now: changed(step('train', { source_sha256: 'h2' })),
      filesChanged: true,
      notebookChanged: true,
      outside: 'the shared code in common.py',
      bump: 'patch',
      changes: ['the code of step train changed (patch)', 'the notebook changed outside its steps too: the shared code in common.py (patch)'],
    },
    { name: 'one output renamed in one step', now: changed(step('train', { outputs: ['forest'] })), bump: 'major', changes: ['step train returns forest instead of model (signature change: major)'] },
    {
      name: 'two names renamed in the same places (round 47 AA)',
      now: changed(step('split', { outputs: ['X_tr', 'X_te', 'y_train', 'y_test'] }), step('train', { inputs: ['X_tr', 'y_train', 'n_estimators'] })),
      bump: 'major',
      changes: ['X_train is X_tr now: step split returns it, step train takes it (signature change: major)', 'step split returns X_te instead of X_test (signature change: major)'],
    },
    { name: 'a step dropping an input', now: changed(step('train', { inputs: ['X_train', 'y_train'] })), bump: 'major', changes: ['step train no longer takes n_estimators (signature change: major)'] },
    { name: 'a step taking its inputs in another order', now: changed(step('train', { inputs: ['y_train', 'X_train', 'n_estimators'] })), bump: 'major', changes: ['step train takes its inputs in another order (y_train, X_train, n_estimators) (signature change: major)'] },
    { name: 'a step returning more', now: changed(step('split', { outputs: ['X_train', 'X_test', 'y_train', 'y_test', 'X_val', 'y_val'] })), bump: 'major', changes: ['step split now also returns X_val and y_val (signature change: major)'] },
    { name: 'a step returning less', now: changed(step('split', { outputs: ['X_train', 'y_train'] })), bump: 'major', changes: ['step split no longer returns X_test and y_test (signature change: major)'] },
    { name: 'a step returning its outputs in another order', now: changed(step('load', { outputs: ['raw'] }), step('split', { outputs: ['X_test', 'X_train', 'y_train', 'y_test'] })), bump: 'major', changes: ['step split returns its outputs in another order (X_test, X_train, y_train, y_test) (signature change: major)'] },
    { name: 'a renamed step (same code)', now: changed(dropStep('load'), addStep('read', 'h-load')), bump: 'major', changes: ['step load is gone and step read is new with the same code: renamed? (major)'] },
    // minor
    {
      name: 'one parameter removed and one of another type added: no rename',
      now: changed(dropParam('n_estimators'), addParam('model', 'str', 'rf')),
      bump: 'major',
      changes: ['parameter n_estimators was removed (major)', 'new parameter model: str, default "rf" (minor)'],
    },
    { name: 'a new step', now: changed(addStep('report')), bump: 'minor', changes: ['new step report (minor)'] },
    { name: 'a new parameter', now: changed(addParam('n_jobs')), bump: 'minor', changes: ['new parameter n_jobs: int, default 4 (minor)'] },
    // patch
    { name: 'changed code in a step', now: changed(step('train', { source_sha256: 'h-train-2' })), bump: 'patch', changes: ['the code of step train changed (patch)'] },
    { name: 'a changed default', now: changed(param('n_estimators', { default: 300 })), bump: 'patch', changes: ['parameter n_estimators defaults to 300, was 200 (patch)'] },
    { name: 'a float default written as the notebook writes it', now: changed(addParam('alpha', 'float', 2)), bump: 'minor', changes: ['new parameter alpha: float, default 2.0 (minor)'] },
    { name: 'a default now a float', now: changed(param('n_estimators', { type: 'float', default: 300 })), bump: 'patch', changes: ['parameter n_estimators is now float, was int (patch)', 'parameter n_estimators defaults to 300.0, was 200 (patch)'] },
    { name: 'a changed type', now: changed(param('n_estimators', { type: 'float' })), bump: 'patch', changes: ['parameter n_estimators is now float, was int (patch)'] },
    { name: 'a changed list default', now: changed(param('data_path', { type: 'list', default: ['a.csv', 'b.csv'] })), bump: 'patch', changes: ['parameter data_path is now list, was str (patch)', 'parameter data_path defaults to ["a.csv","b.csv"], was "data/churn.csv" (patch)'] },
    { name: 'a long default is shortened', now: changed(param('data_path', { default: 'data/a/very/long/path/to/the/churn/data/file.csv' })), bump: 'patch', changes: ['parameter data_path defaults to "data/a/very/long/path/to/the/churn/d..., was "data/churn.csv" (patch)'] },
    // combinations: the highest wins, highest first
    {
      name: 'patch + minor = minor',
      now: changed(step('train', { source_sha256: 'h2' }), addStep('report')),
      bump: 'minor',
      changes: ['new step report (minor)', 'the code of step train changed (patch)'],
    },
    {
      name: 'patch + minor + major = major, files changed adds nothing',
      now: changed(param('test_size', { default: 0.2 }), addParam('n_jobs'), dropStep('load')),
      filesChanged: true,
      bump: 'major',
      changes: ['step load was removed (major)', 'new parameter n_jobs: int, default 4 (minor)', 'parameter test_size defaults to 0.2, was 0.25 (patch)'],
    },
    {
      name: 'a signature change with a code change: both said, major',
      now: changed(step('train', { source_sha256: 'h2', inputs: ['X_train', 'y_train', 'n_estimators', 'n_jobs'] }), addParam('n_jobs')),
      bump: 'major',
      changes: ['step train now also needs n_jobs (signature change: major)', 'new parameter n_jobs: int, default 4 (minor)', 'the code of step train changed (patch)'],
    },
    {
      name: 'type and default changed together: two patch sentences',
      now: changed(param('n_estimators', { type: 'str', default: 'many' })),
      bump: 'patch',
      changes: ['parameter n_estimators is now str, was int (patch)', 'parameter n_estimators defaults to "many", was 200 (patch)'],
    },
    {
      name: 'a step removed, a step added, a parameter renamed and code changed',
      now: changed(dropStep('train'), addStep('report'), renameParam('test_size', 'holdout'), step('load', { source_sha256: 'h2' })),
      bump: 'major',
      changes: ['step train was removed (major)', 'parameter test_size is gone and holdout is new: renamed? Runs that pass --param test_size break (major)', 'new step report (minor)', 'the code of step load changed (patch)'],
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.bump}`, () => {
      assert.deepEqual(diffSnapshots(OLD, c.now, c.filesChanged ?? false, c.notebookChanged ?? false, c.expectations, undefined, c.outside), { bump: c.bump, changes: c.changes });
    });
  }

  it('names that JavaScript objects inherit (constructor, toString, __proto__) are ordinary names', () => {
    const old: Snapshot = { parameters: Object.fromEntries([['constructor', { type: 'int', default: 1 }]]), steps: Object.fromEntries([['toString', { source_sha256: 'h', inputs: [], outputs: [] }]]) };
    const now: Snapshot = {
      parameters: Object.fromEntries([['__proto__', { type: 'str', default: 'x' }], ['constructor', { type: 'int', default: 1 }]]),
      steps: Object.fromEntries([['hasOwnProperty', { source_sha256: 'g', inputs: [], outputs: [] }], ['toString', { source_sha256: 'h', inputs: [], outputs: [] }]]),
    };
    assert.deepEqual(diffSnapshots(old, now, false), { bump: 'minor', changes: ['new step hasOwnProperty (minor)', 'new parameter __proto__: str, default "x" (minor)'] });
    assert.deepEqual(diffSnapshots(now, old, false).changes, ['step hasOwnProperty was removed (major)', 'parameter __proto__ was removed (major)']);
  });

  it('compares mappings by value, not key order', () => {
    const old: Snapshot = { parameters: { cfg: { type: 'dict', default: { a: 1, b: [1, 2] } } }, steps: {} };
    const now: Snapshot = { parameters: { cfg: { type: 'dict', default: { b: [1, 2], a: 1 } } }, steps: {} };
    assert.deepEqual(diffSnapshots(old, now, false), { bump: 'none', changes: [] });
  });

  it('a LockFile is a Snapshot: steps with cells compare by hash and signature only', () => {
    const old = { parameters: {}, steps: { a: { cells: [{ index: 1 }], source_sha256: 'h', inputs: [], outputs: ['x'] } } };
    const now = { parameters: {}, steps: { a: { cells: [{ index: 2 }], source_sha256: 'h', inputs: [], outputs: ['x'] } } };
    assert.deepEqual(diffSnapshots(old, now, false), { bump: 'none', changes: [] });
  });
});

describe('bumpVersion', () => {
  const cases: [string, Bump, string][] = [
    ['0.1.0', 'none', '0.1.0'],
    ['0.1.0', 'patch', '0.1.1'],
    ['0.1.7', 'minor', '0.2.0'],
    ['0.3.7', 'major', '1.0.0'],
    ['1.4.2', 'major', '2.0.0'],
    ['1.4.2', 'minor', '1.5.0'],
    ['1.4.2', 'patch', '1.4.3'],
    ['9.99.999', 'patch', '9.99.1000'],
  ];
  for (const [from, bump, to] of cases) {
    it(`${from} + ${bump} = ${to}`, () => {
      assert.deepEqual(bumpVersion(from, bump), { ok: true, version: to });
    });
  }

  for (const bad of ['1.2', '1.2.3.4', 'v1.2.3', '01.2.3', '1.02.3', '1.2.3-rc1', '1.2.3+build', ' 1.2.3', '', 'x.y.z']) {
    it(`refuses ${JSON.stringify(bad)} with an error value`, () => {
      const result = bumpVersion(bad, 'patch');
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.error, /is not a version MAJOR\.MINOR\.PATCH/);
    });
  }

  it('refuses numbers too large to bump', () => {
    assert.deepEqual(bumpVersion('1.2.99999999999999999', 'patch'), { ok: false, error: '"1.2.99999999999999999" has a number too large to bump' });
  });
});

describe('currentSnapshot', () => {
  it('takes parameters and steps from the graph, hashing each step\'s cell sources', () => {
    const notebook = {
      cells: [
        { index: 0, kind: 'code', source: 'n = 3' },
        { index: 1, id: 'c1', kind: 'code', source: 'raw = load(n)' },
        { index: 2, kind: 'code', source: 'raw = raw.dropna()' },
      ],
    } as unknown as Notebook;
    const graph = {
      parameters: [{ name: 'n', type: 'int', default: 3 }],
      steps: [{ name: 'load', cells: [{ index: 1, id: 'c1' }, { index: 2 }], inputs: ['n'], outputs: ['raw'] }],
    } as unknown as StepGraph;
    assert.deepEqual(currentSnapshot(graph, notebook), {
      parameters: { n: { type: 'int', default: 3 } },
      steps: { load: { cells: [{ index: 1, id: 'c1' }, { index: 2 }], source_sha256: stepSourceSha256(['raw = load(n)', 'raw = raw.dropna()']), inputs: ['n'], outputs: ['raw'] } },
    });
  });
});
