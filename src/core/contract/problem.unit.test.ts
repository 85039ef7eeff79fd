import * as assert from 'node:assert/strict';
import { formatProblem } from './problem';

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
