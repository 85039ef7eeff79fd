import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notebookJson } from '../scaffold/testing';
import { recordNotebookMoved } from './notebookMoved';
import { promoteNotebook } from './promote';

describe('recordNotebookMoved', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-moved-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a package moved with its renamed notebook is that notebook\'s again: the next promotion keeps its name', async () => {
    writeFileSync(join(dir, 'churn.ipynb'), notebookJson([{ tags: ['step:load'], source: 'rows = [1, 2]' }, { tags: ['metrics'], source: 'n = len(rows)' }]));
    const first = await promoteNotebook({ notebook: 'churn.ipynb', cwd: dir, out: 'build/churn', toolVersion: 'test' });
    assert.ok(first.ok, JSON.stringify(first.problems));
    renameSync(join(dir, 'churn.ipynb'), join(dir, 'churn_v2.ipynb'));
    renameSync(join(dir, 'build', 'churn'), join(dir, 'build', 'churn_v2'));
    const lockBefore = readFileSync(join(dir, 'build', 'churn_v2', 'nbpromote.lock'), 'utf8');

    // Without the record, the lock names a notebook that is gone, and promotion asks for the package's name.
    const refused = await promoteNotebook({ notebook: 'churn_v2.ipynb', cwd: dir, out: 'build/churn_v2', toolVersion: 'test', dryRun: true });
    assert.equal(refused.ok, false);
    assert.match(refused.problems.find((p) => p.severity === 'error')?.message ?? '', /is for package churn, not churn_v2\. It was promoted from churn\.ipynb, which is gone/);

    await recordNotebookMoved(join(dir, 'build', 'churn_v2'), join(dir, 'churn_v2.ipynb'));
    const lockAfter = readFileSync(join(dir, 'build', 'churn_v2', 'nbpromote.lock'), 'utf8');
    assert.equal(lockAfter, lockBefore.replace('path: ../../churn.ipynb', 'path: ../../churn_v2.ipynb, moved_from: ../../churn.ipynb'), 'only the notebook path changed, and where it was kept');
    // The files name the old path: the next promotion says the notebook moved (not "nbpromote changed").
    const preview = await promoteNotebook({ notebook: 'churn_v2.ipynb', cwd: dir, out: 'build/churn_v2', toolVersion: 'test', dryRun: true });
    assert.ok(preview.ok, JSON.stringify(preview.problems));
    assert.deepEqual(preview.changes, ['the notebook moved from ../../churn.ipynb to ../../churn_v2.ipynb (patch)']);
    const again = await promoteNotebook({ notebook: 'churn_v2.ipynb', cwd: dir, out: 'build/churn_v2', toolVersion: 'test' });
    assert.ok(again.ok, JSON.stringify(again.problems));
    assert.equal(again.package, 'churn');
    assert.match(readFileSync(join(dir, 'build', 'churn_v2', 'pipeline.yaml'), 'utf8'), /notebook: \.\.\/\.\.\/churn_v2\.ipynb/);
    assert.doesNotMatch(readFileSync(join(dir, 'build', 'churn_v2', 'nbpromote.lock'), 'utf8'), /moved_from/, 'the promotion recorded the move: the lock forgets it');
  });

  it('writes nothing over a lock it cannot read', async () => {
    writeFileSync(join(dir, 'nbpromote.lock'), 'not: [a lock');
    await assert.rejects(recordNotebookMoved(dir, join(dir, 'x.ipynb')), /nbpromote\.lock cannot be read/);
    assert.equal(readFileSync(join(dir, 'nbpromote.lock'), 'utf8'), 'not: [a lock');
  });
});
