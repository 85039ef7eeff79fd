import * as assert from 'node:assert/strict';
import { conflictMarkerLines } from './conflictMarkers';

describe('conflictMarkerLines', () => {
  it('finds every marker at a line start, with CRLF too, and nothing like one inside a line or longer', () => {
    const text = 'a\n<<<<<<< yours\nb\r\n||||||| base\n=======\r\nc\n>>>>>>> nbpromote 0.2.0\nx = "<<<<<<< no"\n======== no\n';
    assert.deepEqual(conflictMarkerLines(text), [
      { line: 2, marker: '<<<<<<<' },
      { line: 4, marker: '|||||||' },
      { line: 5, marker: '=======' },
      { line: 7, marker: '>>>>>>>' },
    ]);
    assert.deepEqual(conflictMarkerLines('no markers\n'), []);
  });
});
