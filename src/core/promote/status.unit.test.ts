import * as assert from 'node:assert/strict';
import type { LockFile } from '../contract/lockFile';
import type { Snapshot } from '../versioning/semver';
import { changedSteps, lockIsFor, lockNotebookPath, promotionStatus, promotionTitle } from './status';

const step = (hash: string, inputs: string[] = [], outputs: string[] = []): Snapshot['steps'][string] => ({ source_sha256: hash, inputs, outputs });

const lock: LockFile = {
  lock_version: 1,
  package: 'churn',
  version: '0.3.0',
  tool_version: '0.1.0',
  promoted_at: '2026-01-01T00:00:00Z',
  notebook: { path: 'notebooks/churn.ipynb', sha256: 'x', git_commit: null, git_dirty: null },
  parameters: { lr: { type: 'float', default: 0.1 } },
  steps: {
    load: { cells: [{ index: 1 }], ...step('a', [], ['df']) },
    train: { cells: [{ index: 2 }], ...step('b', ['df', 'lr'], ['model']) },
    report: { cells: [{ index: 3 }], ...step('c', ['model']) },
  },
  files: {},
  history: [],
};

const same: Snapshot = { parameters: lock.parameters, steps: { load: step('a', [], ['df']), train: step('b', ['df', 'lr'], ['model']), report: step('c', ['model']) } };

describe('promotion status', () => {
  it('matches a lock to its notebook by the path relative to the output root', () => {
    assert.equal(lockNotebookPath('/ws', '/ws/notebooks/churn.ipynb'), 'notebooks/churn.ipynb');
    assert.equal(lockNotebookPath('/ws/out', '/ws/churn.ipynb'), '../churn.ipynb');
    assert.equal(lockIsFor(lock, '/ws', '/ws/notebooks/churn.ipynb'), true);
    assert.equal(lockIsFor(lock, '/ws', '/ws/other.ipynb'), false);
  });

  it('says "Promote notebook" without a lock', () => {
    assert.equal(promotionTitle(promotionStatus(undefined, same)), 'Promote notebook');
  });

  it('says up to date when nothing changed', () => {
    assert.equal(promotionTitle(promotionStatus(lock, same)), 'Promoted v0.3.0 · up to date');
  });

  it('says what a dry run found beyond steps and parameters: files differing, files edited by hand, merge conflict markers', () => {
    assert.equal(promotionTitle(promotionStatus(lock, same, 0, { stale: 0, edited: 0, blockers: [] })), 'Promoted v0.3.0 · up to date');
    assert.equal(promotionTitle(promotionStatus(lock, same, 0, { stale: 3, edited: 0, blockers: [] })), 'Promoted v0.3.0 · 3 files differ · Re-promote');
    assert.equal(promotionTitle(promotionStatus(lock, same, 0, { stale: 1, edited: 1, blockers: [] })), 'Promoted v0.3.0 · 1 file edited by hand · Re-promote');
    const changed: Snapshot = { ...same, steps: { ...same.steps, report: step('C', ['model']) } };
    assert.equal(promotionTitle(promotionStatus(lock, changed, 0, { stale: 3, edited: 0, blockers: [] })), 'Promoted v0.3.0 · 1 step changed · Re-promote');
    assert.equal(promotionTitle(promotionStatus(lock, changed, 0, { stale: 3, edited: 0, blockers: ['merge conflict markers in train.py'] })), 'Promoted v0.3.0 · merge conflict markers in train.py');
  });

  it('counts steps whose code or signature changed, new and removed steps', () => {
    const now: Snapshot = { parameters: lock.parameters, steps: { load: step('A', [], ['df']), train: step('b', ['df'], ['model']), extra: step('e') } };
    assert.deepEqual(changedSteps(lock, now), ['load', 'train', 'extra', 'report']);
    assert.equal(promotionTitle(promotionStatus(lock, now)), 'Promoted v0.3.0 · 4 steps changed · Re-promote');
    const one: Snapshot = { ...same, steps: { ...same.steps, report: step('C', ['model']) } };
    assert.equal(promotionTitle(promotionStatus(lock, one)), 'Promoted v0.3.0 · 1 step changed · Re-promote');
  });

  it('says parameters changed when only a parameter did', () => {
    const now: Snapshot = { ...same, parameters: { lr: { type: 'float', default: 0.2 } } };
    const status = promotionStatus(lock, now);
    assert.equal(promotionTitle(status), 'Promoted v0.3.0 · parameters changed · Re-promote');
    assert.ok(status.kind === 'promoted' && status.changes.some((c) => c.includes('lr')));
  });

  it('says how many errors are in the way when there is nothing to compare', () => {
    assert.equal(promotionTitle(promotionStatus(lock, undefined, 2)), 'Promoted v0.3.0 · 2 errors to fix');
    assert.equal(promotionTitle(promotionStatus(lock, undefined, 1)), 'Promoted v0.3.0 · 1 error to fix');
  });
});
