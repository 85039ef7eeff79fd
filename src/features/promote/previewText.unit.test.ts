// The promotion preview's title and prompts: where promotion writes, and "1 file was" / "2 files were".
import * as assert from 'node:assert/strict';
import { fileCounts, nothingToWrite, previewText, testsEndedMessage, writtenSummary, versionReasons } from './previewText';

describe('previewText', () => {
  const base = { notebook: 'churn-native.ipynb', version: 'churn_native 0.1.0', folder: 'build/churn', summary: '21 created' };

  it('names the folder promotion writes into', () => {
    const text = previewText({ ...base, conflicts: 0 });
    assert.equal(text.title, 'Promote churn-native.ipynb → churn_native 0.1.0 into build/churn: 21 created');
    assert.match(text.placeholder, /written into build\/churn/);
  });

  it('says "Up to date: nothing to write" when nothing would be written', () => {
    const text = previewText({ ...base, summary: '21 unchanged', conflicts: 0, upToDate: true });
    assert.equal(text.title, 'Up to date: nothing to write. churn-native.ipynb → churn_native 0.1.0 in build/churn: 21 unchanged');
    assert.equal(text.placeholder, 'build/churn already holds what promotion would write: select a file to see it, or Close');
    assert.doesNotMatch(text.title + text.placeholder, /Promote/);
  });

  it('says "1 file was edited by hand" for one and "2 files were" for two', () => {
    const one = previewText({ ...base, conflicts: 1 });
    assert.equal(one.placeholder, '1 file was edited by hand: select one to see its diff, then choose how to promote');
    assert.equal(one.mergeDetail, 'three-way merge of the 1 hand-edited file with the new code; overlapping edits get conflict markers');
    assert.equal(one.forceDetail, 'the 1 hand-edited file is kept next to the new one as <file>.orig');
    const two = previewText({ ...base, conflicts: 2 });
    assert.match(two.placeholder, /^2 files were edited by hand/);
    assert.equal(two.forceDetail, 'the 2 hand-edited files are kept next to the new ones as <file>.orig');
    for (const text of [one, two]) assert.doesNotMatch(Object.values(text).join('\n'), /\(s\)/);
  });
});

describe('fileCounts and writtenSummary: the preview and the closing message count the same files', () => {
  it('a first promotion: "21 created" before and after; nbpromote.lock is named, not counted', () => {
    const planned = Array.from({ length: 21 }, (_, i) => ({ path: `f${i}.py`, action: 'would-create' as const }));
    const written = [...planned.map((f) => ({ path: f.path, action: 'created' as const })), { path: 'nbpromote.lock', action: 'created' as const }];
    assert.equal(fileCounts(planned, { unchanged: true }), '21 created');
    assert.equal(writtenSummary(written), '21 created, and nbpromote.lock');
  });

  it('a merge: "2 changed, 1 conflict" before is "2 changed, 1 merged" after, unchanged files only in the preview', () => {
    const planned = [
      { path: 'a.py', action: 'unchanged' as const },
      { path: 'b.py', action: 'would-merge' as const },
      { path: 'c.py', action: 'would-change' as const },
      { path: 'd.py', action: 'would-change' as const },
    ];
    const written = [
      { path: 'c.py', action: 'changed' as const },
      { path: 'b.py', action: 'merged' as const },
      { path: 'd.py', action: 'changed' as const },
      { path: 'nbpromote.lock', action: 'changed' as const },
    ];
    assert.equal(fileCounts(planned, { unchanged: true }), '2 changed, 1 conflict (hand-edited), 1 unchanged');
    assert.equal(writtenSummary(written), '2 changed, 1 merged, and nbpromote.lock');
  });

  it('a replacement keeping the person\'s copy as .orig: the copy is told by the replaced file, not counted as created', () => {
    const written = [
      { path: 'a.py', action: 'changed' as const },
      { path: 'b.py', action: 'forced' as const },
      { path: 'b.py.orig', action: 'created' as const },
      { path: 'nbpromote.lock', action: 'changed' as const },
    ];
    assert.equal(writtenSummary(written), '1 changed, 1 replaced (yours kept as .orig), and nbpromote.lock');
  });

  it('nothingToWrite: only files left as they are (unchanged, kept, edited by hand and kept), and no change', () => {
    const left = [
      { path: 'a.py', action: 'unchanged' as const },
      { path: 'b.py', action: 'kept-edit' as const },
      { path: 'README.md', action: 'kept' as const },
    ];
    assert.equal(nothingToWrite(left, []), true);
    assert.equal(nothingToWrite(left, ['step train changed']), false);
    assert.equal(nothingToWrite([...left, { path: 'c.py', action: 'would-change' as const }], []), false);
    assert.equal(nothingToWrite([...left, { path: 'c.py', action: 'would-merge' as const }], []), false);
    assert.equal(nothingToWrite([...left, { path: 'c.py', action: 'would-create' as const }], []), false);
    assert.equal(nothingToWrite([], []), false);
  });

  it('nothing to write says so', () => {
    assert.equal(writtenSummary([{ path: 'a.py', action: 'unchanged' }]), 'nothing changed');
  });
});

describe('versionReasons', () => {
  it('says why the version is what it is after the file counts, without nesting the bump in parentheses (round 43 V)', () => {
    assert.equal(versionReasons('0.1.1', ['the code of step load changed (patch)']), ' Version 0.1.1: the code of step load changed (patch).');
    assert.equal(versionReasons('0.2.0', ['new parameter seed: int, default 3 (minor)', 'the code of step load changed (patch)']), ' Version 0.2.0: new parameter seed: int, default 3 (minor); the code of step load changed (patch).');
    assert.equal(versionReasons('0.1.0', []), '');
  });
});

describe('testsEndedMessage', () => {
  // Round 43 V: pytest stopped on `ModuleNotFoundError: No module named 'pandas'` (exit code 4) and nothing but the
  // terminal said so, nor which Python ran.
  it('names the Python when pytest stopped before testing; says tests failed, none found, or nothing when they passed', () => {
    const python = 'python3 from PATH';
    assert.equal(testsEndedMessage('churn', 0, python), undefined);
    assert.deepEqual(testsEndedMessage('churn', 1, python), { text: 'Some tests of churn failed: see the terminal.', pythonFailed: false });
    for (const code of [2, 3, 4]) {
      const ended = testsEndedMessage('churn', code, python);
      assert.equal(ended?.pythonFailed, true);
      assert.match(ended?.text ?? '', new RegExp(`^The tests of churn could not run \\(pytest exit code ${code}\\): .* They ran with python3 from PATH: see the terminal`));
    }
    assert.equal(testsEndedMessage('churn', 5, python)?.text, 'pytest found no tests of churn to run: see the terminal.');
    assert.equal(testsEndedMessage('churn', undefined, python)?.pythonFailed, true);
  });
});
