// A click on a graph node shows the notebook where it is open already, never as a second copy.
import * as assert from 'node:assert/strict';
import { notebookColumn } from './editorColumn';

describe('notebookColumn', () => {
  const nb = 'file:///ws/churn.ipynb';
  const other = 'file:///ws/other.ipynb';

  it('is the group showing the notebook', () => {
    assert.equal(notebookColumn([{ uri: nb, column: 2, active: true }], nb, 1), 2);
  });

  it('is the group holding it as a background tab, the graph\'s own group too, rather than a new copy beside', () => {
    assert.equal(notebookColumn([{ uri: other, column: 2, active: true }, { uri: nb, column: 2, active: false }], nb, 1), 2);
    assert.equal(notebookColumn([{ uri: nb, column: 1, active: false }, { uri: other, column: 2, active: true }], nb, 1), 1);
  });

  it('prefers another group to the graph\'s, and a visible tab to a background one', () => {
    assert.equal(notebookColumn([{ uri: nb, column: 1, active: false }, { uri: nb, column: 3, active: false }], nb, 1), 3);
    assert.equal(notebookColumn([{ uri: nb, column: 2, active: false }, { uri: nb, column: 3, active: true }], nb, 1), 3);
  });

  it('is beside the graph when no group has the notebook', () => {
    assert.equal(notebookColumn([{ uri: other, column: 1, active: true }], nb, 1), 'beside');
  });
});
