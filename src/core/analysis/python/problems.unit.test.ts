import * as assert from 'node:assert/strict';
import { formatProblem } from '../../contract/problem';
import { analyzeCell } from './names';
import { initPythonParser } from './parser';
import { analysisProblems } from './problems';

before(async () => {
  await initPythonParser();
});

describe('analysisProblems', () => {
  it('turns syntax errors and translation warnings into located problems', () => {
    const analysis = analyzeCell('%run setup.py --fast\nx = (1 +\n');
    const problems = analysisProblems(analysis, { file: 'nb.ipynb', cellIndex: 6, cellId: 'c007' });
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.line]),
      [
        ['warning', 'ipython-line-magic', 1],
        ['error', 'python-syntax', 2],
      ],
    );
    assert.equal(formatProblem(problems[1] ?? assert.fail()), 'nb.ipynb: cell 7 (id c007), line 2, column 5: `(` was never closed');
  });

  it('adds the line in the file for a jupytext cell', () => {
    const problems = analysisProblems(analyzeCell('x = = 1'), { file: 'script.py', cellIndex: 2, fileLine: 10 });
    assert.equal(problems[0]?.fileLine, 10);
    assert.equal(problems[0]?.cellId, undefined);
  });

  it('gives nothing for a clean cell', () => {
    assert.deepEqual(analysisProblems(analyzeCell('%matplotlib inline\nx = 1'), { file: 'nb.ipynb' }), []);
  });
});
