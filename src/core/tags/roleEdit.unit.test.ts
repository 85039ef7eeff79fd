import * as assert from 'node:assert/strict';
import { invalidNameFixes, roleEdit } from './roleEdit';

describe('roleEdit', () => {
  it('replaces the role tag in place and keeps every other tag in order', () => {
    const edit = roleEdit({ source: 'x = 1', tags: ['hide-input', 'step:load', 'after:a', 'mine'] }, { role: 'step', name: 'train' });
    assert.deepEqual(edit.tags, ['hide-input', 'step:train', 'after:a', 'mine']);
    assert.equal(edit.tagsChanged, true);
    assert.deepEqual(edit.lines, []);
    assert.equal(edit.writtenAs, 'tag');
  });

  it('puts a new role tag first on an untagged cell', () => {
    assert.deepEqual(roleEdit({ source: 'x = 1', tags: ['hide-input'] }, { role: 'imports' }).tags, ['imports', 'hide-input']);
    assert.deepEqual(roleEdit({ source: 'x = 1', tags: [] }, { role: 'skip' }).tags, ['skip']);
  });

  it('drops after: when the cell no longer starts a step, and near misses of our tags', () => {
    const edit = roleEdit({ source: '', tags: ['Step:x', 'after:a', 'keep'] }, { role: 'parameters' });
    assert.deepEqual(edit.tags, ['parameters', 'keep']);
  });

  it('clears the role and its after:', () => {
    const edit = roleEdit({ source: '', tags: ['a', 'step:load', 'prev:x', 'b'] }, { role: 'clear' });
    assert.deepEqual(edit.tags, ['a', 'b']);
    assert.equal(edit.writtenAs, 'nothing');
  });

  it('keeps Kale spelling block: for a step', () => {
    assert.deepEqual(roleEdit({ source: '', tags: ['block:load'] }, { role: 'step', name: 'ingest' }).tags, ['block:ingest']);
  });

  it('reports no change when the role is already set', () => {
    const edit = roleEdit({ source: '', tags: ['step:load', 'x'] }, { role: 'step', name: 'load' });
    assert.equal(edit.tagsChanged, false);
  });

  it('sets, replaces and removes after: tags', () => {
    assert.deepEqual(roleEdit({ source: '', tags: ['step:b', 'x'] }, { role: 'after', names: ['a'] }).tags, ['step:b', 'x', 'after:a']);
    assert.deepEqual(roleEdit({ source: '', tags: ['step:c', 'after:a', 'x'] }, { role: 'after', names: ['a', 'b'] }).tags, ['step:c', 'after:a,b', 'x']);
    assert.deepEqual(roleEdit({ source: '', tags: ['step:c', 'prev:a'] }, { role: 'after', names: ['b'] }).tags, ['step:c', 'prev:b']);
    assert.deepEqual(roleEdit({ source: '', tags: ['step:c', 'after:a'] }, { role: 'after', names: [] }).tags, ['step:c']);
  });

  it('edits the directive line when the role is written as a directive, and leaves tags and code alone', () => {
    const cell = { source: '#| echo: false\n#| step: load\n#| after: a\nx = 1', tags: ['mine'] };
    const step = roleEdit(cell, { role: 'step', name: 'ingest' });
    assert.deepEqual(step.tags, ['mine']);
    assert.equal(step.tagsChanged, false);
    assert.deepEqual(step.lines, [{ line: 2, text: '#| step: ingest' }]);
    assert.equal(step.writtenAs, 'directive');
    assert.deepEqual(roleEdit(cell, { role: 'skip' }).lines, [{ line: 2, text: '#| skip' }, { line: 3 }]);
    assert.deepEqual(roleEdit(cell, { role: 'clear' }).lines, [{ line: 2 }, { line: 3 }]);
  });

  it('writes after as a directive below a step directive', () => {
    const edit = roleEdit({ source: '#| step: b\nx = 1', tags: [] }, { role: 'after', names: ['a'] });
    assert.deepEqual(edit.inserts, [{ before: 2, text: '#| after: a' }]);
    assert.deepEqual(roleEdit({ source: '#| step: b\n#| after: a\nx', tags: [] }, { role: 'after', names: ['a', 'c'] }).lines, [{ line: 2, text: '#| after: a, c' }]);
  });

  it('writes a tag and removes role directives when the cell also has a role tag', () => {
    const edit = roleEdit({ source: '#| parameters\nx = 1', tags: ['step:a'] }, { role: 'step', name: 'b' });
    assert.deepEqual(edit.tags, ['step:b']);
    assert.deepEqual(edit.lines, [{ line: 1 }]);
  });

  it('leaves nbdev directives and switched-off directives alone', () => {
    const edit = roleEdit({ source: '#| export\n#| skip: false\nx = 1', tags: [] }, { role: 'step', name: 'a' });
    assert.deepEqual(edit.lines, []);
    assert.deepEqual(edit.tags, ['step:a']);
  });
});

describe('invalidNameFixes', () => {
  it('renames invalid names in tags to the suggested identifier', () => {
    assert.deepEqual(invalidNameFixes({ source: 'x', tags: ['step:../x', 'after:ok,load-data', 'mine'] }), [
      { from: 'tag', name: '../x', suggestion: 'x', tag: 'step:../x', newTag: 'step:x' },
      { from: 'tag', name: 'load-data', suggestion: 'load_data', tag: 'after:ok,load-data', newTag: 'after:ok,load_data' },
    ]);
  });

  it('renames invalid names in directive lines', () => {
    assert.deepEqual(invalidNameFixes({ source: '#| step: 1bad\nx = 1', tags: [] }), [{ from: 'directive', name: '1bad', suggestion: 'step_1bad', line: 1, newText: '#| step: step_1bad' }]);
    assert.deepEqual(invalidNameFixes({ source: '#|after: class', tags: [] }), [{ from: 'directive', name: 'class', suggestion: 'class_', line: 1, newText: '#|after: class_' }]);
  });

  it('keeps the comment after a directive value when it renames the value', () => {
    assert.deepEqual(invalidNameFixes({ source: '#| step: load-data  # read the csv\nx = 1', tags: [] }), [
      { from: 'directive', name: 'load-data', suggestion: 'load_data', line: 1, newText: '#| step: load_data  # read the csv' },
    ]);
  });

  it('offers nothing for valid names or names with no usable suggestion', () => {
    assert.deepEqual(invalidNameFixes({ source: '', tags: ['step:train', 'step:../', 'skip'] }), []);
  });
});
