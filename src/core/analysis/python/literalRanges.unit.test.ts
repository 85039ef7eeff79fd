import * as assert from 'node:assert/strict';
import { insideRanges, stringAndCommentRanges } from './literalRanges';

describe('stringAndCommentRanges', () => {
  it('finds strings (escapes, triple quotes over lines, f-strings whole) and comments, and nothing else', () => {
    const text = "a = 'x\\'y'  # note\nb = \"\"\"KMeans(\n\"\"\" + f\"{k}\"\nc = 1";
    const parts = stringAndCommentRanges(text).map(([s, e]) => text.slice(s, e));
    assert.deepEqual(parts, ["'x\\'y'", '# note', '"""KMeans(\n"""', '"{k}"']);
    assert.ok(insideRanges(stringAndCommentRanges(text), text.indexOf('KMeans')));
    assert.ok(!insideRanges(stringAndCommentRanges(text), text.indexOf('c = 1')));
  });

  it('ends an unclosed one-line string at its line, and an unclosed triple-quoted one at the end', () => {
    assert.deepEqual(stringAndCommentRanges("x = 'open\ny = 2"), [[4, 9]]);
    assert.deepEqual(stringAndCommentRanges('x = """open\ny'), [[4, 13]]);
  });
});
