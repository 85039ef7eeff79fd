import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpynb, parseIpynbBytes } from './ipynb';
import { decodeText, parseNotebookJson, readAllBytes } from './notebookBytes';
import type { ByteSource } from './notebookBytes';

const root = join(__dirname, '../../..');

/** A reader of `bytes` that gives at most `step` bytes per read, as a file read in small pieces would. */
function trickle(bytes: Uint8Array, step: number): ByteSource {
  return {
    read(target, offset, length, position) {
      const count = Math.max(0, Math.min(length, step, bytes.length - position));
      target.set(bytes.subarray(position, position + count), offset);
      return count;
    },
  };
}

/** `JSON.parse` as parseIpynb does it: a leading byte order mark skipped. */
function jsonOf(bytes: Uint8Array): unknown {
  const text = decodeText(bytes);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return 'invalid';
  }
}

/**
 * parseNotebookJson of `bytes`, in memory and read through windows of a few sizes, must be `JSON.parse`
 * of their text, or undefined; parseIpynbBytes must be parseIpynb of the text.
 */
function assertSameAsText(bytes: Uint8Array, name: string): void {
  const expected = parseIpynb(decodeText(bytes), name);
  const readings: [string, Uint8Array | ByteSource, number?][] = [
    ['in memory', bytes],
    ['window 8, reads of 3', trickle(bytes, 3), 8],
    ['window 64, reads of 1000', trickle(bytes, 1000), 64],
    ['window 4096', trickle(bytes, 1 << 20), 4096],
  ];
  for (const [how, input, window] of readings) {
    const json = parseNotebookJson(input, window);
    if (json !== undefined) assert.deepEqual(json.value, jsonOf(bytes), `${name}, ${how}: the JSON`);
    const source = input instanceof Uint8Array ? input : trickle(bytes, 5);
    assert.deepEqual(parseIpynbBytes(source, name), expected, `${name}, ${how}: the result`);
  }
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('notebook bytes', () => {
  it('decodeText reads ASCII and UTF-8 alike, byte order mark kept', () => {
    assert.equal(decodeText(utf8('{"a": "x"}')), '{"a": "x"}');
    assert.equal(decodeText(utf8('é ✓ 🎉')), 'é ✓ 🎉');
    assert.equal(decodeText(utf8('\ufeff{}')), '\ufeff{}');
    assert.equal(decodeText(Buffer.from([0x61, 0xff, 0x62])), 'a\ufffdb');
  });

  it('readAllBytes reads a source to its end', () => {
    const bytes = utf8('x'.repeat(10_000));
    assert.deepEqual(readAllBytes(trickle(bytes, 777)), bytes);
  });

  it('parses every fixture and example as JSON.parse does', () => {
    const dirs = [join(root, 'test/fixtures/notebooks'), join(root, 'examples')];
    let parsed = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.ipynb'))) {
        const bytes = readFileSync(join(dir, name));
        assertSameAsText(bytes, name);
        if (parseNotebookJson(bytes) !== undefined) parsed++;
      }
    }
    assert.ok(parsed >= 15, `only ${parsed} fixtures took the fast path`);
  });

  const cases: Record<string, string> = {
    'a byte order mark': '\ufeff{"cells": [{"a": 1}], "nbformat": 4}',
    'blanks of every kind': ' \t\r\n{ \t\r\n"cells" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n, "x": 1 \t\r\n} \t\r\n',
    'cells after other members': '{"metadata": {"a": [1, {"b": "]}"}]}, "nbformat": 4, "cells": [{"x": "y"}, 2]}',
    'no cells': '{"metadata": {}, "nbformat": 4}',
    'an empty object': '{}',
    'an empty cells list': '{"cells": [], "nbformat": 4}',
    'a top-level list': '[{"cells": []}]',
    'a top-level string': '"cells"',
    'cells twice': '{"cells": [1], "cells": [2]}',
    'cells twice, the second escaped': '{"cells": [1], "c\\u0065lls": [2]}',
    'an escaped first key': '{"c\\u0065lls": [1]}',
    'cells not a list': '{"cells": {"a": 1}}',
    'items of every kind': '{"cells": [1, -0.5e3, "s", true, false, null, [], {}, [[{}]], {"a": [1, {"b": null}]}]}',
    'strings with quotes, backslashes and brackets': '{"cells": ["a\\"b", "c\\\\", "\\\\\\"", "]}[{,", {"k]": "v}"}, "\\u005d"]}',
    'a key with a quote': '{"cells": [{"a\\"b": 1}], "x\\"y": 2}',
    'non-ASCII text': '{"cells": [{"source": "é ✓ 🎉"}], "metadata": {"title": "Über"}}',
    'a trailing comma in cells': '{"cells": [1, 2, ], "nbformat": 4}',
    'a leading comma in cells': '{"cells": [, 1]}',
    'two commas in cells': '{"cells": [1,, 2]}',
    'a trailing comma after the members': '{"cells": [1], }',
    'items without a comma': '{"cells": [1 2]}',
    'objects without a comma': '{"cells": [{"a": 1} {"b": 2}]}',
    'an item with a stray bracket': '{"cells": [{"a": 1}}, 2]}',
    'a primitive glued to an object': '{"cells": [1{"a": 1}]}',
    'an unterminated string': '{"cells": ["abc]}',
    'a truncated file': '{"cells": [{"a": 1}, {"b": ',
    'no closing brace': '{"cells": [1]',
    'text after the object': '{"cells": [1]} x',
    'two objects': '{"cells": [1]} {"cells": [2]}',
    'a raw newline in a string': '{"cells": ["a\nb"]}',
    'a control character in a string': '{"cells": ["a\u0001b"]}',
    'a bad escape': '{"cells": ["a\\qb"]}',
    'a bad literal': '{"cells": [tru]}',
    'single quotes': "{'cells': [1]}",
    'a comment': '{"cells": [1] /* no */}',
    '__proto__ keys': '{"cells": [{"__proto__": {"x": 1}}], "__proto__": [2]}',
    'a big item among small ones': `{"cells": [1, {"data": "${'x'.repeat(300)}"}, 2, "${'y'.repeat(100)}"]}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`gives what JSON.parse gives, or leaves it to the text: ${name}`, () => assertSameAsText(utf8(text), `${name}.ipynb`));
  }

  it('takes the fast path for well-formed notebooks, whatever their layout', () => {
    const nb = { cells: [{ cell_type: 'code', source: ['a = "]"\n'], metadata: { tags: ['step:x'] }, outputs: [], execution_count: 1 }], metadata: {}, nbformat: 4, nbformat_minor: 4 };
    for (const text of [JSON.stringify(nb), JSON.stringify(nb, null, 1), JSON.stringify(nb, null, '\t')]) {
      for (const window of [8, 64, 1 << 20]) {
        assert.deepEqual(parseNotebookJson(trickle(utf8(text), 2), window)?.value, nb);
      }
    }
  });

  it('takes the fast path for many cells, read through small windows and in pieces of 100 KB', () => {
    const cell = (i: number): unknown => ({ cell_type: 'code', id: `c${i}`, source: [`x_${i} = "${'y'.repeat(1000 + (i % 500))}"\n`], metadata: {}, outputs: [], execution_count: i });
    const nb = { cells: Array.from({ length: 400 }, (_, i) => cell(i)), metadata: {}, nbformat: 4, nbformat_minor: 5 };
    const bytes = utf8(JSON.stringify(nb, null, 1));
    assert.ok(bytes.length > 300_000);
    for (const [window, step] of [[64, 7], [4096, 1000], [1 << 20, 1 << 20]] as const) {
      assert.deepEqual(parseNotebookJson(trickle(bytes, step), window)?.value, nb, `window ${window}`);
    }
    assert.deepEqual(parseNotebookJson(bytes)?.value, nb, 'in memory');
  });

  it('damaged notebooks read as bytes say what they said read as text (random damage)', () => {
    const base = JSON.stringify(
      {
        cells: Array.from({ length: 6 }, (_, i) => ({ cell_type: 'code', id: `c${i}`, source: [`x = "${'{[,"\\'.slice(i % 4)}"\n`], metadata: {}, outputs: [], execution_count: i })),
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    );
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const pieces = [',', ']', '}', '[', '{', '"', '\\', ' ', '1', ':', 'é'];
    for (let i = 0; i < 300; i++) {
      const at = random(base.length);
      const damaged =
        i % 3 === 0
          ? base.slice(0, at) + base.slice(at + 1)
          : i % 3 === 1
            ? base.slice(0, at) + (pieces[random(pieces.length)] ?? '') + base.slice(at)
            : base.slice(0, at);
      assertSameAsText(utf8(damaged), `damaged-${i}.ipynb`);
    }
  });
});
