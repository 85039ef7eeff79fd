import * as assert from 'node:assert/strict';
import { findJsonErrorOffset, jsonSyntaxProblem } from './jsonSyntax';

/** The problem JSON.parse's own error leads to, as [line, column, message]. */
function locate(text: string): [number | undefined, number | undefined, string] {
  let error: unknown;
  try {
    JSON.parse(text);
  } catch (caught) {
    error = caught;
  }
  const problem = jsonSyntaxProblem(text, error, 'nb.ipynb');
  return [problem.line, problem.column, problem.message];
}

describe('jsonSyntaxProblem', () => {
  it('gives line and column of the offending character', () => {
    assert.deepEqual(locate('{\n "a": 1\n "b": 2\n}'), [3, 2, "the file is not valid JSON: expected ',' or '}' after property value"]);
  });

  it('says a file that is not UTF-8 (UTF-16, decoded with replacement characters) is not UTF-8, as promote does', () => {
    const text = new TextDecoder('utf-8').decode(Buffer.from('\ufeff{"cells": []}', 'utf16le'));
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (caught) {
      error = caught;
    }
    assert.deepEqual(jsonSyntaxProblem(text, error, 'nb.ipynb'), {
      severity: 'error',
      code: 'not-utf8',
      message: 'the file is not UTF-8 text (line 1, byte 0 is not UTF-8): notebooks and percent scripts are UTF-8. Save it as UTF-8 (in VS Code: "Change File Encoding", then "Save with Encoding")',
      file: 'nb.ipynb',
      fileLine: 1,
    });
  });

  it('finds the position when V8 names none (unexpected token)', () => {
    assert.deepEqual(locate('{\n "a": tru\n}'), [2, 7, 'the file is not valid JSON: unexpected "t"']);
  });

  it('calls text ending inside a value truncated, located after its last character', () => {
    const truncated = 'the file is not complete JSON: it ends in the middle of a value (was it truncated while saving?)';
    assert.deepEqual(locate('{\n "a": [1, 2'), [2, 12, truncated]);
    assert.deepEqual(locate('{\n "a": "abc\n\n'), [2, 11, truncated]);
  });

  it('points at text after the end of the notebook', () => {
    assert.deepEqual(locate('{}\n}'), [2, 1, 'the file is not valid JSON: there is more text after the end of the notebook']);
  });
});

describe('findJsonErrorOffset', () => {
  const cases: [string, number | undefined][] = [
    ['{"a": [1, 2.5e3, true, null, "x\\n"]}', undefined],
    ['  {"a": {}}  ', undefined],
    ['{"a": tru}', 6],
    ['[1,]', 3],
    ['{"a" 1}', 5],
    ['{"a": 1,}', 8],
    ['{"a": "b\nc"}', 8],
    ['{"a": "\\q"}', 7],
    ['[1] 2', 4],
    ['[[[', 3],
    ['-', 0],
  ];
  for (const [text, offset] of cases) {
    it(`${JSON.stringify(text)} -> ${String(offset)}`, () => {
      assert.equal(findJsonErrorOffset(text), offset);
    });
  }

  it('does not overflow the stack on deep nesting', () => {
    assert.equal(findJsonErrorOffset('['.repeat(200_000)), 200_000);
  });
});
