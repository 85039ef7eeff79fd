import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseResult } from '../contract/notebook';
import { parseIpynb } from './ipynb';

const read = (name: string): ParseResult => parseIpynb(readFileSync(join(__dirname, '../../../test/fixtures/notebooks', name), 'utf8'), name);

/** A one-cell nbformat 4 notebook as text, with `change` applied to the JSON. */
function notebookText(change: (nb: Record<string, unknown>) => void): string {
  const nb: Record<string, unknown> = {
    cells: [{ id: 'a1', cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'x = 1' }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  change(nb);
  return JSON.stringify(nb, null, 1);
}

describe('parseIpynb: valid notebooks', () => {
  it('reads an nbformat 4.5 notebook into the model', () => {
    const { notebook, problems } = read('valid-4.5.ipynb');
    assert.deepEqual(problems, []);
    assert.ok(notebook);
    assert.equal(notebook.format, 'ipynb');
    assert.equal(notebook.nbformat, 4);
    assert.equal(notebook.nbformatMinor, 5);
    assert.equal(notebook.upgradedFrom, undefined);
    assert.equal(notebook.language, 'python');
    assert.deepEqual(
      notebook.cells.map((c) => [c.index, c.id, c.kind]),
      [
        [0, 'intro', 'markdown'],
        [1, 'imports', 'code'],
        [2, 'load', 'code'],
        [3, 'train', 'code'],
        [4, 'notes', 'raw'],
        [5, 'fails', 'code'],
        [6, 'unrun', 'code'],
      ],
    );
  });

  it('joins source lists with nothing between the lines', () => {
    const cells = read('valid-4.5.ipynb').notebook?.cells ?? [];
    assert.equal(cells[0]?.source, '# Churn model\n\nTrains a small model.');
    assert.equal(cells[2]?.source, 'rows = [1, 2, 3]\nprint(len(rows))');
  });

  it('keeps tags, metadata, outputs and execution counts', () => {
    const cells = read('valid-4.5.ipynb').notebook?.cells ?? [];
    assert.deepEqual(cells[3]?.tags, ['step:train']);
    assert.deepEqual(cells[4]?.metadata, { format: 'text/plain' });
    assert.equal(cells[3]?.executionCount, 3);
    assert.equal(cells[6]?.executionCount, null);
    assert.deepEqual(cells[2]?.outputs, [{ name: 'stdout', output_type: 'stream', text: ['3\n'] }]);
    assert.equal(cells[0]?.outputs, undefined);
    assert.equal(cells[0]?.fileLine, undefined);
  });

  it('reads nbformat 4.0 without cell ids', () => {
    const { notebook, problems } = read('nbformat-4.0.ipynb');
    assert.deepEqual(problems, []);
    assert.equal(notebook?.nbformatMinor, 0);
    assert.deepEqual(
      notebook?.cells.map((c) => [c.id, c.kind, c.tags]),
      [
        [undefined, 'markdown', []],
        [undefined, 'code', ['parameters']],
      ],
    );
  });

  it('skips a byte order mark', () => {
    const { notebook, problems } = parseIpynb(`\ufeff${notebookText(() => undefined)}`, 'bom.ipynb');
    assert.deepEqual(problems, []);
    assert.equal(notebook?.cells.length, 1);
  });
});

describe('parseIpynb: nbformat versions', () => {
  it('upgrades nbformat 3 in memory and says how to make it permanent', () => {
    const { notebook, problems } = read('nbformat-3.ipynb');
    assert.deepEqual(problems, [
      {
        severity: 'info',
        code: 'nbformat-upgraded',
        message:
          'nbformat 3 notebook upgraded in memory; save it with Jupyter or run `jupyter nbconvert --to notebook --nbformat 4 --inplace nbformat-3.ipynb` to make it permanent',
        file: 'nbformat-3.ipynb',
      },
    ]);
    assert.ok(notebook);
    assert.equal(notebook.nbformat, 3);
    assert.equal(notebook.upgradedFrom, 3);
    assert.equal(notebook.language, 'python');
    assert.deepEqual(notebook.metadata, {});
    assert.deepEqual(
      notebook.cells.map((c) => [c.kind, c.source, c.id]),
      [
        ['markdown', '## Data loading', undefined],
        ['code', 'import math\nmath.pi', undefined],
        ['code', "print('hi')\n1/0", undefined],
        ['markdown', 'Some *notes*.', undefined],
      ],
    );
  });

  it('converts nbformat 3 code cells and their outputs', () => {
    const cells = read('nbformat-3.ipynb').notebook?.cells ?? [];
    assert.deepEqual(cells[1]?.tags, ['step:load']);
    assert.equal(cells[1]?.executionCount, 1);
    assert.deepEqual(cells[1]?.metadata, { tags: ['step:load'], collapsed: false });
    assert.deepEqual(cells[1]?.outputs, [{ output_type: 'execute_result', execution_count: 1, data: { 'text/plain': ['3.141592653589793'] }, metadata: {} }]);
    assert.deepEqual(cells[2]?.outputs, [
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      { ename: 'ZeroDivisionError', evalue: 'division by zero', output_type: 'error', traceback: ['ZeroDivisionError'] },
    ]);
  });

  it('reports nbformat 3 tags that are not a list, and a missing worksheets list', () => {
    const cell = { cell_type: 'markdown', metadata: { tags: 'x' }, source: 'hi' };
    const tagged = parseIpynb(JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [cell] }] }), 'v3.ipynb');
    assert.deepEqual(
      tagged.problems.map((p) => [p.severity, p.cellIndex, p.message.slice(0, 40)]),
      [
        ['info', undefined, 'nbformat 3 notebook upgraded in memory; '],
        ['error', 0, 'metadata.tags must be a list of strings'],
      ],
    );
    const bare = parseIpynb('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}}', 'v3.ipynb');
    assert.equal(bare.notebook, undefined);
    assert.equal(bare.problems[0]?.message, 'the file is not a notebook: it says nbformat 3 but has no "worksheets" list');
  });

  it('refuses nbformat 2 and says how to convert it', () => {
    const result = parseIpynb('{"nbformat": 2, "nbformat_minor": 0, "worksheets": []}', 'old.ipynb');
    assert.deepEqual(result, {
      notebook: undefined,
      problems: [
        {
          severity: 'error',
          code: 'nbformat-unsupported',
          message: 'nbformat 2 notebooks are too old to read here; convert it to nbformat 4 with `jupyter nbconvert --to notebook --nbformat 4 --inplace old.ipynb`',
          file: 'old.ipynb',
        },
      ],
    });
  });

  it('quotes a path with spaces in the conversion command', () => {
    const result = parseIpynb('{"nbformat": 1}', 'my notes.ipynb');
    assert.match(result.problems[0]?.message ?? '', /--inplace 'my notes\.ipynb'`$/);
  });

  it('refuses nbformat 5', () => {
    const result = parseIpynb(notebookText((nb) => (nb['nbformat'] = 5)), 'future.ipynb');
    assert.equal(result.notebook, undefined);
    assert.equal(
      result.problems[0]?.message,
      'nbformat 5 is not a notebook format this tool reads (it reads nbformat 4, and upgrades 3); save the notebook as nbformat 4',
    );
  });

  it('checks a newer minor version against 4.5, with a warning', () => {
    const { notebook, problems } = parseIpynb(notebookText((nb) => (nb['nbformat_minor'] = 7)), 'newer.ipynb');
    assert.equal(notebook?.nbformatMinor, 7);
    assert.equal(notebook?.cells[0]?.id, 'a1');
    assert.deepEqual(problems, [
      {
        severity: 'warning',
        code: 'nbformat-minor-newer',
        message: 'nbformat 4.7 is newer than the newest schema known here (4.5); the notebook was checked against 4.5',
        file: 'newer.ipynb',
      },
    ]);
  });

  it('reads a notebook without nbformat, with a schema problem', () => {
    const { notebook, problems } = parseIpynb(notebookText((nb) => delete nb['nbformat']), 'bare.ipynb');
    assert.equal(notebook?.cells.length, 1);
    assert.deepEqual(
      problems.map((p) => p.message),
      ['the notebook has no "nbformat"'],
    );
  });
});

describe('parseIpynb: files that are not notebooks', () => {
  it('locates the end of a truncated file', () => {
    assert.deepEqual(read('truncated.ipynb'), {
      notebook: undefined,
      problems: [
        {
          severity: 'error',
          code: 'json-syntax',
          message: 'the file is not complete JSON: it ends in the middle of a value (was it truncated while saving?)',
          file: 'truncated.ipynb',
          line: 54,
          column: 12,
        },
      ],
    });
  });

  it('says what a file that is not JSON starts with', () => {
    assert.deepEqual(read('not-json.ipynb').problems, [
      {
        severity: 'error',
        code: 'json-syntax',
        message: 'the file is not JSON: a notebook starts with "{", this file starts with "import pandas as pd"',
        file: 'not-json.ipynb',
        line: 1,
        column: 1,
      },
    ]);
  });

  it('points at a trailing comma', () => {
    assert.deepEqual(read('trailing-comma.ipynb').problems, [
      {
        severity: 'error',
        code: 'json-syntax',
        message: 'the file is not valid JSON: a comma comes right before "}" (remove the trailing comma)',
        file: 'trailing-comma.ipynb',
        line: 7,
        column: 3,
      },
    ]);
  });

  it('recognises git merge conflict markers', () => {
    assert.deepEqual(read('merge-conflict.ipynb').problems, [
      {
        severity: 'error',
        code: 'json-syntax',
        message: 'the file contains git merge conflict markers (<<<<<<<); resolve the conflict, then save the notebook again',
        file: 'merge-conflict.ipynb',
        line: 8,
        column: 1,
      },
    ]);
  });

  it('says an empty file is empty', () => {
    assert.deepEqual(parseIpynb(' \n', 'empty.ipynb').problems, [{ severity: 'error', code: 'json-syntax', message: 'the file is empty', file: 'empty.ipynb' }]);
  });

  it('needs a cells list', () => {
    assert.deepEqual(read('no-cells.ipynb'), {
      notebook: undefined,
      problems: [{ severity: 'error', code: 'not-a-notebook', message: 'the file is not a notebook: it has no "cells" list', file: 'no-cells.ipynb' }],
    });
  });

  it('needs an object at the top level', () => {
    assert.deepEqual(parseIpynb('[1, 2]', 'list.ipynb').problems, [
      { severity: 'error', code: 'not-a-notebook', message: 'the file is JSON but not a notebook: its top level is a list, not an object', file: 'list.ipynb' },
    ]);
  });
});

describe('parseIpynb: damaged cells', () => {
  it('reports tags that are not a list, on the cell, and reads them as none', () => {
    const { notebook, problems } = read('tags-not-list.ipynb');
    assert.deepEqual(problems, [
      { severity: 'error', code: 'schema', message: 'metadata.tags must be a list of strings', file: 'tags-not-list.ipynb', cellIndex: 6, cellId: 'c007' },
    ]);
    assert.equal(notebook?.cells.length, 7);
    assert.deepEqual(notebook?.cells[6]?.tags, []);
    assert.equal(notebook?.cells[6]?.metadata['tags'], 'step:train');
  });

  it('names both cells of a duplicate id', () => {
    const { notebook, problems } = read('duplicate-ids.ipynb');
    assert.deepEqual(problems, [
      {
        severity: 'error',
        code: 'cell-id-duplicate',
        message: 'the cell id "load" is also used by cell 1; cell ids must be unique: give one of them another id in the file, or open and save the notebook in Jupyter, which gives the second a new one',
        file: 'duplicate-ids.ipynb',
        cellIndex: 2,
        cellId: 'load',
      },
    ]);
    assert.equal(notebook?.cells.length, 3);
  });

  it('refuses a cell of unknown type (an error, as nbformat says) and keeps the file positions of the others', () => {
    const { notebook, problems } = read('unknown-cell-type.ipynb');
    assert.deepEqual(problems, [
      {
        severity: 'error',
        code: 'cell-type-unknown',
        message: 'cell_type "widget" is not code, markdown or raw, the only cell types of nbformat 4: make it one of them',
        file: 'unknown-cell-type.ipynb',
        cellIndex: 1,
        cellId: 'widget',
      },
    ]);
    assert.deepEqual(
      notebook?.cells.map((c) => [c.index, c.id]),
      [
        [0, 'first'],
        [2, 'last'],
      ],
    );
  });

  it('leaves out a cell that is not an object', () => {
    const { notebook, problems } = parseIpynb(notebookText((nb) => (nb['cells'] = [42])), 'number.ipynb');
    assert.equal(notebook?.cells.length, 0);
    assert.deepEqual(problems, [
      { severity: 'error', code: 'cell-invalid', message: 'the cell is a number, not an object; it is left out', file: 'number.ipynb', cellIndex: 0 },
    ]);
  });

  // Round 51 MM: nbformat reads a 4.5 notebook without cell ids with a warning, and nbconvert runs it.
  it('warns once about 4.5 cells without ids, and reads them by number', () => {
    const { notebook, problems } = parseIpynb(
      notebookText((nb) => {
        nb['cells'] = [0, 1, 2].map((i) => ({ cell_type: 'markdown', metadata: {}, source: `note ${i}` }));
      }),
      'no-id.ipynb',
    );
    assert.deepEqual(notebook?.cells.map((c) => [c.id, c.source]), [[undefined, 'note 0'], [undefined, 'note 1'], [undefined, 'note 2']]);
    assert.deepEqual(problems, [
      {
        severity: 'warning',
        code: 'schema',
        message: 'cells have no id, which nbformat 4.5 requires; cells are known by their number (Jupyter adds ids when it saves the notebook)',
        file: 'no-id.ipynb',
      },
    ]);
  });

  it('warns once about ids before 4.5 and ignores them', () => {
    const text = notebookText((nb) => {
      nb['nbformat_minor'] = 4;
      nb['cells'] = [0, 1, 2].map((i) => ({ id: `c${i}`, cell_type: 'markdown', metadata: {}, source: '' }));
    });
    const { notebook, problems } = parseIpynb(text, 'early-ids.ipynb');
    assert.deepEqual(
      notebook?.cells.map((c) => c.id),
      [undefined, undefined, undefined],
    );
    assert.deepEqual(problems, [
      {
        severity: 'warning',
        code: 'schema',
        message:
          'cells have ids only from nbformat 4.5 on, but this notebook says 4.4; the ids are ignored (save the notebook with a current Jupyter to upgrade it)',
        file: 'early-ids.ipynb',
      },
    ]);
  });

  it('reads what it can from a source that is not a string or list of strings', () => {
    const text = notebookText((nb) => {
      const cell = (nb['cells'] as Record<string, unknown>[])[0];
      if (cell) cell['source'] = ['a = 1\n', 7, 'b = 2'];
    });
    const { notebook, problems } = parseIpynb(text, 'source.ipynb');
    assert.equal(notebook?.cells[0]?.source, 'a = 1\nb = 2');
    assert.deepEqual(
      problems.map((p) => [p.cellIndex, p.message]),
      [[0, 'source must be a string or a list of strings']],
    );
  });
});
