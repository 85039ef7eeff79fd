// The promotion preview's title and prompts: where promotion writes, and "1 file was" / "2 files were".
import * as assert from 'node:assert/strict';
import { previewText } from './previewText';

describe('previewText', () => {
  const base = { notebook: 'churn-native.ipynb', version: 'churn_native 0.1.0', folder: 'build/churn', summary: '21 created' };

  it('names the folder promotion writes into', () => {
    const text = previewText({ ...base, conflicts: 0 });
    assert.equal(text.title, 'Promote churn-native.ipynb → churn_native 0.1.0 into build/churn: 21 created');
    assert.match(text.placeholder, /written into build\/churn/);
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
