import * as assert from 'node:assert/strict';
import { folderMoves } from './folderMoves';

describe('folderMoves', () => {
  it('gives the folder of a literal os.chdir, and of %cd as the translation writes it, relative to the notebook', () => {
    assert.deepEqual(folderMoves(['import os\nos.chdir("..")']), [{ text: 0, line: 2, folder: '..' }]);
    assert.deepEqual(folderMoves(['import os; os.chdir(os.path.expanduser(".."))  # nbpromote: was IPython magic: %cd ..']), [{ text: 0, line: 1, folder: '..' }]);
    assert.deepEqual(folderMoves(["os.chdir(Path('../data/').resolve())"]), [{ text: 0, line: 1, folder: '../data' }]);
  });

  it('counts a relative move from where the moves before it left the code, across texts', () => {
    assert.deepEqual(
      folderMoves(['x = 1', 'if Path.cwd().name == "notebooks":\n    os.chdir("..")', 'os.chdir("src")', 'os.chdir("/srv/project")', 'os.chdir(os.path.expanduser("~/p"))']),
      [
        { text: 1, line: 2, folder: '..' },
        { text: 2, line: 1, folder: '../src' },
        { text: 3, line: 1, folder: '/srv/project' },
        { text: 4, line: 1, folder: '~/p' },
      ],
    );
  });

  it('leaves the folder out when it is known only when the code runs, and for relative moves after that', () => {
    assert.deepEqual(folderMoves(['os.chdir(Path.cwd().parent)\nos.chdir("data")\nos.chdir("/abs")']), [
      { text: 0, line: 1 },
      { text: 0, line: 2 },
      { text: 0, line: 3, folder: '/abs' },
    ]);
    assert.deepEqual(folderMoves([`os.chdir(f"{root}/x")`]), [{ text: 0, line: 1 }]);
  });

  it('passes over comments and other chdir calls', () => {
    assert.deepEqual(folderMoves(['# os.chdir("..")\nx = 1  # os.chdir("..")\nmy.os.chdir("..")\nmonkeypatch.chdir("..")']), []);
  });
});
