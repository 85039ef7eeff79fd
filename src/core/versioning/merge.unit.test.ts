import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { NbpromoteError } from '../errors';
import { saveBase } from './baseStore';
import type { HandEdit } from './handEdits';
import { sha256 } from './hash';
import { mergeHandEdit, mergeThreeWay } from './merge';

const LABELS = { ours: 'yours', base: 'generated 0.1.0', theirs: 'generated 0.2.0' };

/** A generated step module, 0.1.0. */
const BASE = ['import pandas as pd', '', '', 'def train(X, y, n_estimators):', '    model = make(n_estimators)', '    model.fit(X, y)', '    return model', ''].join('\n');

describe('mergeThreeWay (real git)', () => {
  it('keeps a hand edit and a notebook change that do not overlap: 0 conflicts', async () => {
    const ours = BASE.replace('import pandas as pd', 'import pandas as pd  # pinned by me\nimport logging');
    const theirs = BASE.replace('    model.fit(X, y)', '    model.fit(X, y, sample_weight=None)');
    const merged = await mergeThreeWay(ours, BASE, theirs, LABELS);
    assert.equal(merged.conflicts, 0);
    assert.ok(merged.text.includes('# pinned by me\nimport logging'), 'the hand edit is kept');
    assert.ok(merged.text.includes('sample_weight=None'), 'the notebook change is taken');
    assert.ok(!merged.text.includes('<<<<<<<'));
  });

  it('merges a CRLF file (core.autocrlf) against LF generations line for line, and gives it back in CRLF', async () => {
    const ours = BASE.replace('import pandas as pd', 'import pandas as pd\nimport logging').replace(/\n/g, '\r\n');
    const theirs = BASE.replace('    model.fit(X, y)', '    model.fit(X, y, sample_weight=None)');
    const merged = await mergeThreeWay(ours, BASE, theirs, LABELS);
    assert.equal(merged.conflicts, 0);
    assert.equal(merged.text, theirs.replace('import pandas as pd', 'import pandas as pd\nimport logging').replace(/\n/g, '\r\n'));
    // A file mixing both is taken as it is.
    const mixed = `${BASE.replace(/\n/g, '\r\n')}# mine\n`;
    assert.equal((await mergeThreeWay(mixed, BASE, BASE, LABELS)).text, mixed);
  });

  it('marks overlapping changes as conflicts, diff3 style with the labels', async () => {
    const ours = BASE.replace('make(n_estimators)', 'make(n_estimators, n_jobs=4)');
    const theirs = BASE.replace('make(n_estimators)', 'make(n_estimators * 2)');
    const merged = await mergeThreeWay(ours, BASE, theirs, LABELS);
    assert.equal(merged.conflicts, 1);
    assert.ok(
      merged.text.includes(
        ['<<<<<<< yours', '    model = make(n_estimators, n_jobs=4)', '||||||| generated 0.1.0', '    model = make(n_estimators)', '=======', '    model = make(n_estimators * 2)', '>>>>>>> generated 0.2.0'].join('\n'),
      ),
      merged.text,
    );
  });

  it('counts each conflicting region', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const edit = (suffix: string): string => lines.map((l, i) => (i === 2 || i === 20 ? `${l} ${suffix}` : l)).join('\n') + '\n';
    const merged = await mergeThreeWay(edit('mine'), lines.join('\n') + '\n', edit('theirs'), LABELS);
    assert.equal(merged.conflicts, 2);
    assert.equal(merged.text.split('\n').filter((l) => l.startsWith('<<<<<<< ')).length, 2);
  });

  it('takes labels and contents that look like options or hold spaces literally (no shell, -- before paths)', async () => {
    const merged = await mergeThreeWay('--ours\n$(touch x)\n', '--ours\n', '--ours\n`id`\n', { ours: '--theirs; rm -rf /', base: '$HOME', theirs: 'a b' });
    assert.equal(merged.conflicts, 1);
    assert.match(merged.text, /^<<<<<<< --theirs; rm -rf \/$/m);
    assert.match(merged.text, /^>>>>>>> a b$/m);
  });

  it('a clean merge of identical sides, and of texts without a final newline', async () => {
    assert.deepEqual(await mergeThreeWay('a\nb', 'a\n', 'a\nb', LABELS), { text: 'a\nb', conflicts: 0 });
  });

  it('fails with notFound when git cannot be run', async () => {
    await assert.rejects(mergeThreeWay('a', 'b', 'c', LABELS, { git: nodePath.join(tmpdir(), 'no-such-git-here') }), (ex: unknown) => NbpromoteError.is(ex, 'notFound') && /git was not found/.test(ex.message));
  });

  it('fails with internal on binary contents (git refuses them)', async () => {
    await assert.rejects(mergeThreeWay('a\0b', 'a\0c', 'a\0d', LABELS), (ex: unknown) => NbpromoteError.is(ex, 'internal') && /git merge-file failed/.test(ex.message));
  });
});

describe('mergeHandEdit', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-merge-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const path = 'src/p/steps/train.py';
  const lock = { version: '0.1.0', files: { [path]: sha256(BASE) } } as unknown as LockFile;
  const theirs: FilePlan = { path, contents: BASE.replace('    model.fit(X, y)', '    model.fit(X, y, sample_weight=None)'), why: '' };
  const edit: HandEdit = { path, kind: 'edited', diskText: BASE.replace('import pandas as pd', 'import pandas as pd\nimport logging') };

  it('three-way with the base copy the lock vouches for: both changes kept', async () => {
    await saveBase(root, [{ path, contents: BASE, why: '' }]);
    const merged = await mergeHandEdit(root, edit, theirs, lock, '0.1.1');
    assert.equal(merged.baseFound, true);
    assert.equal(merged.conflicts, 0);
    assert.ok(merged.text.includes('import logging') && merged.text.includes('sample_weight=None'));
  });

  it('without a base (a fresh clone), two-way: the differences conflict, nothing is lost', async () => {
    const merged = await mergeHandEdit(root, edit, theirs, lock, '0.1.1');
    assert.equal(merged.baseFound, false);
    assert.ok(merged.conflicts > 0);
    assert.ok(merged.text.includes('import logging') && merged.text.includes('sample_weight=None') && merged.text.includes('model.fit(X, y)\n'));
    assert.ok(merged.text.includes('>>>>>>> generated 0.1.1') && !merged.text.includes('|||||||'), 'no empty base section');
    assert.ok(merged.text.startsWith('import pandas as pd\n'), 'the common first line is outside the conflict');
  });

  it('a stale base copy (not the lock\'s hash) is not used', async () => {
    await saveBase(root, [{ path, contents: 'something else\n', why: '' }]);
    const merged = await mergeHandEdit(root, edit, theirs, lock, '0.1.1');
    assert.equal(merged.baseFound, false);
  });

  it('an untracked file (no lock entry) merges two-way', async () => {
    const merged = await mergeHandEdit(root, { path, kind: 'untracked', diskText: 'mine\n' }, theirs, undefined, '0.1.0');
    assert.equal(merged.baseFound, false);
    assert.equal(merged.conflicts, 1);
  });
});
