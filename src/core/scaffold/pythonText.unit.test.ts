import * as assert from 'node:assert/strict';
import { indentBody, linesInsideStrings, pascalCase, pyLiteral } from './pythonText';

describe('pythonText', () => {
  it('does not indent the inside of triple-quoted strings', () => {
    const code = 'query = """\nSELECT *\nFROM t\n"""\nx = 1';
    assert.deepEqual([...linesInsideStrings(code)], [1, 2, 3]);
    assert.equal(indentBody(code), '    query = """\nSELECT *\nFROM t\n"""\n    x = 1');
  });
  it('ignores quotes in comments and escaped quotes', () => {
    const code = "# it's fine\ns = 'a\\'b'\nt = '''x\ny'''";
    assert.deepEqual([...linesInsideStrings(code)], [3]);
  });
  it('keeps blank lines blank', () => assert.equal(indentBody('a = 1\n\nb = 2'), '    a = 1\n\n    b = 2'));
  it('writes Python literals', () => {
    assert.equal(pyLiteral({ a: [1, 2.5, 'x'], b: null, c: true }), '{"a": [1, 2.5, "x"], "b": None, "c": True}');
  });
  it('makes class names', () => assert.equal(pascalCase('load_data'), 'LoadData'));
});

describe('linesInsideStrings edge cases', () => {
  it('a backslash-newline inside a one-line string continues it', () => {
    assert.deepEqual([...linesInsideStrings("s = 'a\\\nb'\nx = 1")], [1]);
  });
  it('an unterminated one-line string ends at its line', () => {
    assert.deepEqual([...linesInsideStrings("s = 'abc\nx = '''\ny'''")], [2]);
  });
});
