import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNotebookFile } from './read';

const fixtures = join(__dirname, '../../../test/fixtures/notebooks');

describe('readNotebookFile', () => {
  it('reads and parses a notebook file', async () => {
    const file = join(fixtures, 'valid-4.5.ipynb');
    const { notebook, problems } = await readNotebookFile(file);
    assert.deepEqual(problems, []);
    assert.equal(notebook?.path, file);
    assert.equal(notebook?.cells.length, 7);
  });

  it('gives a problem, not an exception, for a missing file', async () => {
    const file = join(fixtures, 'no-such-notebook.ipynb');
    assert.deepEqual(await readNotebookFile(file), {
      notebook: undefined,
      problems: [{ severity: 'error', code: 'file-unreadable', message: 'the file does not exist', file }],
    });
  });

  it('gives a problem for a folder', async () => {
    const { problems } = await readNotebookFile(fixtures);
    assert.equal(problems[0]?.message, 'this is a folder, not a notebook file');
  });
});
