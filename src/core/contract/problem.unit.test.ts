import * as assert from 'node:assert/strict';
import { cellProblem, formatProblem } from './problem';

describe('formatProblem', () => {
  it('names file, cell (1-based, with id) and line', () => {
    const text = formatProblem({ severity: 'error', code: 'schema', message: 'metadata.tags must be a list of strings', file: 'nb.ipynb', cellIndex: 6, cellId: 'c007', line: 3 });
    assert.equal(text, 'nb.ipynb: cell 7 (id c007), line 3: metadata.tags must be a list of strings');
  });
  it('gives line and column without a cell', () => {
    const text = formatProblem({ severity: 'error', code: 'json-syntax', message: 'the JSON ends too early', file: 'nb.ipynb', line: 10, column: 4 });
    assert.equal(text, 'nb.ipynb: line 10, column 4: the JSON ends too early');
  });
});

// Round 51 KK: each emoji before a name moved the column messages gave one too far (UTF-16 units).
describe('cellProblem columns', () => {
  it('shows the column in characters, as Python counts, and keeps UTF-16 units for the editor', () => {
    const cell = { index: 2, source: 'x = 1\nprint("🎉🎉🎉"); y = undefined_name' };
    const problem = cellProblem('nb.ipynb', cell, 'error', 'name-undefined', 'uses undefined_name', 2, 22);
    assert.equal(problem.column, 22);
    assert.equal(problem.characterColumn, 19);
    assert.equal(formatProblem(problem), 'nb.ipynb: cell 3, line 2, column 19: uses undefined_name');
    assert.equal(cellProblem('nb.ipynb', { index: 0, source: 'a = b' }, 'error', 'x', 'm', 1, 5).characterColumn, undefined);
  });
});
