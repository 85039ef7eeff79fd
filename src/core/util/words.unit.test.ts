import * as assert from 'node:assert/strict';
import { andList, cellsLabel, countOf, firstOf } from './words';

describe('words', () => {
  it('andList joins names as a sentence does', () => {
    assert.equal(andList([]), '');
    assert.equal(andList(['a']), 'a');
    assert.equal(andList(['a', 'b', 'c']), 'a, b and c');
  });

  it('firstOf lists the first items and how many more', () => {
    assert.equal(firstOf(['a', 'b'], 3), 'a, b');
    assert.equal(firstOf(['a', 'b', 'c'], 3), 'a, b, c');
    assert.equal(firstOf(['a', 'b', 'c', 'd', 'e'], 3), 'a, b, c and 2 more');
    assert.equal(firstOf([], 3), '');
  });

  it('countOf says one file, two files', () => {
    assert.equal(countOf(1, 'file'), '1 file');
    assert.equal(countOf(0, 'file'), '0 files');
    assert.equal(countOf(2, 'file'), '2 files');
    assert.equal(countOf(2, 'entry', 'entries'), '2 entries');
  });

  it('cellsLabel says cell 2 for one cell, cells 2–4, 7 for several', () => {
    assert.equal(cellsLabel([2]), 'cell 2');
    assert.equal(cellsLabel([2, 3, 4, 7]), 'cells 2–4, 7');
    assert.equal(cellsLabel([1, 3]), 'cells 1, 3');
  });
});
