import * as assert from 'node:assert/strict';
import { parseDirectives, splitDirectives } from './directives';

describe('parseDirectives', () => {
  const forms: readonly [string, string, string][] = [
    ['#| default_exp core', 'default_exp', 'core'],
    ['#| default_exp: core', 'default_exp', 'core'],
    ['#|default_exp:core', 'default_exp', 'core'],
    ['# | export', 'export', ''],
    ['#|export', 'export', ''],
    ['  #| hide', 'hide', ''],
    ['#| hide:', 'hide', ''],
    ['#| step: train', 'step', 'train'],
    ['#| step : train', 'step', 'train'],
    ['#| after: load, clean', 'after', 'load, clean'],
    ['#| echo: false', 'echo', 'false'],
    ['#| export  ', 'export', ''],
    ['#| step: train  # fit the model', 'step', 'train'],
    ['#| step: train # fit', 'step', 'train'],
    ['#| export  # shared helpers', 'export', ''],
    ['#| step: # later', 'step', ''],
    ['#| after: load, clean\t# both', 'after', 'load, clean'],
    ['#| step: a#b', 'step', 'a#b'],
    ['#| fig-cap: "a # b"  # c', 'fig-cap', '"a # b"'],
    ["#| fig-cap: 'it''s # here' # c", 'fig-cap', "'it''s # here'"],
  ];
  for (const [line, key, value] of forms) {
    it(`reads ${JSON.stringify(line)} as ${key}=${JSON.stringify(value)}`, () => {
      const [directive, ...rest] = parseDirectives(`${line}\nx = 1`);
      assert.deepEqual(rest, []);
      assert.equal(directive?.key, key);
      assert.equal(directive?.value, value);
      assert.equal(directive?.raw, line.trimEnd());
      assert.equal(directive?.line, 1);
      assert.equal(line.slice(directive?.valueStart ?? -1).startsWith(value), true);
    });
  }

  it('reads the whole leading block, with blank lines and cell magics in it, and numbers lines from 1', () => {
    const directives = parseDirectives('\n#| hide\n\n%%time\n#| export\nx = 1\n');
    assert.deepEqual(
      directives.map((d) => [d.key, d.line]),
      [
        ['hide', 2],
        ['export', 5],
      ],
    );
  });

  it('reads directives below Colab form lines (`#@title`, `#@markdown`) at the top of a cell', () => {
    const split = splitDirectives('#@title Parameters { display-mode: "form" }\n#@markdown Pick the rate.\n#| parameters\nlr = 0.1 #@param {type:"number"}');
    assert.deepEqual(split.directives.map((d) => [d.key, d.line]), [['parameters', 3]]);
    assert.equal(split.bodyLine, 4);
    assert.deepEqual(split.late, []);
    assert.deepEqual(parseDirectives('#@title Load data\n#| step: load\ndf = 1').map((d) => [d.key, d.value]), [['step', 'load']]);
  });

  it('stops at the first line of code or plain comment, as nbdev does', () => {
    assert.deepEqual(parseDirectives('# a comment\n#| export\nx = 1'), []);
    assert.deepEqual(parseDirectives('x = 1\n#| export'), []);
  });

  // Round 68 TTT: a markdown table in comments at a cell's top was read as directives and cut from the step.
  it('takes no markdown table row in comments (`# | col | val |`) for a directive', () => {
    const split = splitDirectives('# | col | val |\n# | --- | --- |\n# | a | 1 |\nx = 1');
    assert.deepEqual(split.directives, []);
    assert.equal(split.bodyLine, 1);
    assert.deepEqual(parseDirectives('#| step: load\n# | a | b |\nx = 1').map((d) => d.key), ['step']);
  });

  it('skips an empty `#|` line without ending the block', () => {
    assert.deepEqual(
      parseDirectives('#|\n#| export\nx = 1').map((d) => d.key),
      ['export'],
    );
  });

  it('accepts CRLF line ends', () => {
    assert.deepEqual(
      parseDirectives('#| hide\r\n#| export\r\nx = 1').map((d) => [d.key, d.raw]),
      [
        ['hide', '#| hide'],
        ['export', '#| export'],
      ],
    );
  });

  it('reads a cell made only of directives', () => {
    assert.deepEqual(
      parseDirectives('#| default_exp core').map((d) => d.value),
      ['core'],
    );
  });
});

describe('splitDirectives', () => {
  it('gives the code below the block and the line it starts on', () => {
    const split = splitDirectives('#| export\n\nimport re\nx = 1');
    assert.equal(split.body, 'import re\nx = 1');
    assert.equal(split.bodyLine, 3);
  });

  it('collects directive-looking lines below the code as late', () => {
    const split = splitDirectives('x = 1\n#| export\ny = 2');
    assert.deepEqual(split.directives, []);
    assert.deepEqual(
      split.late.map((d) => [d.key, d.line]),
      [['export', 2]],
    );
  });

  it('gives an empty body for an empty source', () => {
    const split = splitDirectives('');
    assert.deepEqual(split.directives, []);
    assert.equal(split.body, '');
  });
});
