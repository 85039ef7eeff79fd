import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeNotebook } from './testing';
import { cellProblem, sortProblems, TAG_PROBLEM_CODES } from './problems';

describe('tag problem codes', () => {
  it('are exactly the ones docs/tags.md explains', () => {
    const docs = fs.readFileSync(path.resolve(__dirname, '../../../docs/tags.md'), 'utf8');
    const table = docs.slice(docs.indexOf('## Problem codes'));
    const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented, [...TAG_PROBLEM_CODES]);
  });
});

describe('cellProblem', () => {
  it('names the file, the cell and the line, and the file line in scripts', () => {
    const notebook = makeNotebook([{ source: 'x', id: 'a1', fileLine: 10 }], { path: 'train.py', format: 'percent' });
    const [cell] = notebook.cells;
    assert.ok(cell);
    assert.deepEqual(cellProblem(notebook, cell, 'error', 'step-cycle', 'm', 3), {
      severity: 'error',
      code: 'step-cycle',
      message: 'm',
      file: 'train.py',
      cellIndex: 0,
      cellId: 'a1',
      line: 3,
      fileLine: 12,
    });
  });
  it("puts a problem of a script cell's tags (no line) on its marker line, where `# %% tags=[...]` is", () => {
    const notebook = makeNotebook([{ source: 'x = 1', id: 'a1', fileLine: 14, tags: ['step:agg-regate'] }], { path: 'forecast.py', format: 'percent' });
    const [cell] = notebook.cells;
    assert.ok(cell);
    assert.equal(cellProblem(notebook, cell, 'error', 'step-name-invalid', 'm').fileLine, 13);
    // A directive's problem has its line in the cell.
    assert.equal(cellProblem(notebook, cell, 'error', 'step-name-invalid', 'm', 2).fileLine, 15);
  });
});

describe('sortProblems', () => {
  it('orders by cell, then line, keeping the order of equals; notebook-wide last', () => {
    const p = (code: string, cellIndex?: number, line?: number) => ({
      severity: 'error' as const,
      code,
      message: code,
      file: 'f',
      ...(cellIndex !== undefined ? { cellIndex } : {}),
      ...(line !== undefined ? { line } : {}),
    });
    const sorted = sortProblems([p('nb'), p('c2', 2), p('c1-line2', 1, 2), p('c1-a', 1), p('c1-b', 1), p('c0', 0)]);
    assert.deepEqual(
      sorted.map((x) => x.code),
      ['c0', 'c1-a', 'c1-b', 'c1-line2', 'c2', 'nb'],
    );
  });
});
