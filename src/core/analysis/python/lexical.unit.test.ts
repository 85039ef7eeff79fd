import * as assert from 'node:assert/strict';
import { scanLine, shapeLines, START_STATE, startsLogicalLine } from './lexical';

describe('scanLine', () => {
  it('follows brackets, strings and comments', () => {
    const line = scanLine('x = f("(", \'#\', [1,  # ]', START_STATE);
    assert.equal(line.state.depth, 2);
    assert.equal(line.codeEnd, 'x = f("(", \'#\', [1,  '.length);
    assert.equal(line.lastSignificant, ',');
  });

  it('carries a triple-quoted string across lines', () => {
    const first = scanLine('s = """start # not a comment', START_STATE);
    assert.equal(first.state.openString, '"""');
    assert.equal(startsLogicalLine(first.state), false);
    const second = scanLine('end""" + x  # comment', first.state);
    assert.equal(second.state.openString, undefined);
    assert.equal(startsLogicalLine(second.state), true);
  });

  it('continues after a trailing backslash, and ends an unterminated single-quoted string with its line', () => {
    assert.equal(scanLine('x = 1 + \\', START_STATE).state.continued, true);
    assert.equal(startsLogicalLine(scanLine('x = "abc', START_STATE).state), true);
    assert.equal(scanLine('x = "abc\\', START_STATE).state.openString, '"');
  });

  it('skips escaped quotes', () => {
    assert.equal(scanLine('s = "a\\"b" + (', START_STATE).state.depth, 1);
  });
});

describe('shapeLines', () => {
  it('marks logical starts, blanks, headers and where logical lines end', () => {
    const shapes = shapeLines(['if (a and', '    b):  # c', '    x = 1', '', '    # only', 'def f(x=lambda: 1):', '    d = {1: 2}']);
    assert.deepEqual(
      shapes.map((s) => [s.logicalStart, s.blank, s.header, s.logicalEnd]),
      [
        [true, false, true, 1],
        [false, false, false, 1],
        [true, false, false, 2],
        [true, true, false, 3],
        [true, true, false, 4],
        [true, false, true, 5],
        [true, false, false, 6],
      ],
    );
    assert.equal(shapes[2]?.indent, '    ');
  });
});

describe('scanLine at the end of a line', () => {
  it('keeps a triple-quoted string opened as the last thing on the line', () => {
    assert.equal(scanLine('s = """', START_STATE).state.openString, '"""');
    assert.equal(scanLine("s = f'''", START_STATE).state.openString, "'''");
  });
});
