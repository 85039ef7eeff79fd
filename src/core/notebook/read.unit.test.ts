import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseNotebook } from './parse';
import { isFileError, parseNotebookFile, readNotebookFile, specialFileKind } from './read';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promoteNotebook } from '../promote/promote';

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

  it('reads every fixture and example as parseNotebook reads its text', () => {
    const dirs = [fixtures, join(__dirname, '../../../examples')];
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.ipynb') || f.endsWith('.py'))) {
        const path = join(dir, name);
        assert.deepEqual(parseNotebookFile(path, name), parseNotebook(readFileSync(path, 'utf8'), name), name);
      }
    }
  });

  it('refuses a file that is not UTF-8 (a Latin-1 byte) as promote does, naming the line and byte, .ipynb or percent script', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nbpromote-latin1-'));
    try {
      const cell = { cell_type: 'code', metadata: { tags: ['step:a'] }, source: 'x = 1  # café', outputs: [], execution_count: null };
      const text = `${JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 4 }, null, 1)}\n`;
      const files: [string, Buffer][] = [
        ['nb.ipynb', Buffer.from(text, 'latin1')],
        // Bigger than a piece of the streaming reader, the byte in a later cell.
        ['big.ipynb', Buffer.from(JSON.stringify({ cells: [...Array<unknown>(3000).fill({ ...cell, source: 'y = 2' }), cell], metadata: {}, nbformat: 4, nbformat_minor: 4 }), 'latin1')],
        ['nb.py', Buffer.from('# %% tags=["step:a"]\nx = 1  # café\n', 'latin1')],
      ];
      for (const [name, bytes] of files) {
        const path = join(work, name);
        writeFileSync(path, bytes);
        const read = parseNotebookFile(path, name);
        const offset = bytes.indexOf(0xe9);
        const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
        assert.equal(read.notebook, undefined, name);
        assert.deepEqual(read.problems, [{ severity: 'error', code: 'not-utf8', message: `the file is not UTF-8 text (line ${line}, byte ${offset} is not UTF-8): notebooks and percent scripts are UTF-8. Save it as UTF-8 (in VS Code: "Change File Encoding", then "Save with Encoding")`, file: name, fileLine: line }], name);
        const promoted = await promoteNotebook({ notebook: path, cwd: work, toolVersion: '0.0.0', dryRun: true });
        assert.deepEqual(promoted.problems.map((p) => p.message), read.problems.map((p) => p.message), name);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('parseNotebookFile throws what the file system throws, which isFileError recognizes', () => {
    assert.throws(() => parseNotebookFile(join(fixtures, 'no-such-notebook.ipynb')), (error) => isFileError(error) && error.code === 'ENOENT');
    assert.throws(() => parseNotebookFile(fixtures), (error) => isFileError(error) && error.code === 'EISDIR');
    assert.equal(isFileError(new TypeError('a bug')), false);
  });
});

describe('specialFileKind', () => {
  it('names devices and FIFOs, which are refused before they are opened (reading /dev/zero never ends)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nbpromote-special-'));
    try {
      const fifo = join(work, 'nb.ipynb');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
      assert.equal(specialFileKind(fifo), 'a FIFO (named pipe)');
      assert.equal(specialFileKind('/dev/zero'), 'a device');
      for (const path of [join(fixtures, 'valid-4.5.ipynb'), fixtures, join(work, 'missing')]) assert.equal(specialFileKind(path), undefined, path);
      for (const notebook of ['/dev/zero', fifo]) {
        const outcome = await promoteNotebook({ notebook, cwd: work, out: 'out', toolVersion: 'test' });
        assert.deepEqual(outcome.problems.map((p) => [p.code, p.message]), [['unreadable', `it is ${specialFileKind(notebook) ?? ''}, not a notebook file: nbpromote reads notebooks from regular files`]]);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
