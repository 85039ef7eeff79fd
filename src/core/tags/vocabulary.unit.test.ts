import * as assert from 'node:assert/strict';
import type { Convention } from '../contract/roles';
import type { Spelling } from './vocabulary';
import { parseDirectives } from './directives';
import { lookalike, readDirective, readTag, resolveConventions } from './vocabulary';

describe('readTag', () => {
  const marks: readonly [string, string, readonly string[]][] = [
    ['step:train', 'step', ['train']],
    ['  step:train  ', 'step', ['train']],
    ['step: train', 'step', ['train']],
    ['block:load', 'step', ['load']],
    ['step:', 'step', []],
    ['block:', 'step', []],
    ['step:a:b', 'step', ['a:b']],
    ['after:load', 'after', ['load']],
    ['after:load,clean', 'after', ['load', 'clean']],
    ['after:', 'after', []],
    ['prev:load', 'after', ['load']],
    ['imports', 'imports', []],
    ['functions', 'functions', []],
    ['parameters', 'parameters', []],
    ['pipeline-parameters', 'parameters', []],
    ['injected-parameters', 'parameters', []],
    ['metrics', 'metrics', []],
    ['pipeline-metrics', 'metrics', []],
    ['test', 'test', []],
    ['skip', 'skip', []],
  ];
  for (const [tag, role, names] of marks) {
    it(`reads ${JSON.stringify(tag)} as ${role} ${names.join(',')}`, () => {
      const reading = readTag(tag);
      assert.equal(reading.kind, 'mark');
      if (reading.kind !== 'mark') return;
      assert.equal(reading.mark.spelling.role, role);
      assert.deepEqual(reading.mark.names, names);
      assert.equal(reading.mark.raw, tag.trim());
    });
  }

  for (const tag of ['my-tag', 'limit:nvidia.com/gpu:1', 'annotation:a:b', 'stepper', 'hide-input', 'export', 'remove-cell', 'testing', 'skipped', 'hide', '']) {
    it(`leaves ${JSON.stringify(tag)} alone`, () => assert.equal(readTag(tag).kind, 'other'));
  }

  const nearMisses: readonly [string, string][] = [
    ['Step:train', 'step:train'],
    ['step :train', 'step:train'],
    ['step=train', 'step:train'],
    ['PREV:load', 'prev:load'],
    ['Parameters', 'parameters'],
    ['pipeline_parameters', 'pipeline-parameters'],
    ['Pipeline-Metrics', 'pipeline-metrics'],
    ['SKIP', 'skip'],
    // Round 34 C: a plural or singular, or one letter off in a longer word, dropped the metrics or the parameters.
    ['metric', 'metrics'],
    ['parameter', 'parameters'],
    ['import', 'imports'],
    ['function', 'functions'],
    ['tests', 'test'],
    ['steps:train', 'step:train'],
    ['paramters', 'parameters'],
    ['metircs', 'metrics'],
    ['pipeline-metric', 'pipeline-metrics'],
  ];
  for (const [tag, meant] of nearMisses) {
    it(`calls ${JSON.stringify(tag)} a look-alike of ${meant}`, () => {
      assert.deepEqual(readTag(tag), { kind: 'lookalike', raw: tag, meant });
      assert.equal(lookalike(tag), meant);
    });
  }

  const colons: readonly [string, string, string][] = [
    ['step\uFF1Atrain', 'step:train', 'U+FF1A FULLWIDTH COLON'],
    ['step \u2236 train', 'step:train', 'U+2236 RATIO'],
    ['after\uA789load', 'after:load', 'U+A789 MODIFIER LETTER COLON'],
    ['block\uFE55load', 'block:load', 'U+FE55 SMALL COLON'],
    ['prev\uFE13load', 'prev:load', 'U+FE13 PRESENTATION FORM FOR VERTICAL COLON'],
  ];
  for (const [tag, meant, name] of colons) {
    it(`calls ${JSON.stringify(tag)} a look-alike of ${meant} and names its colon`, () => {
      assert.deepEqual(readTag(tag), { kind: 'lookalike', raw: tag, meant, colon: { char: [...tag].find((c) => /[^\sa-z]/.test(c)), name } });
    });
  }

  it('names no colon when the colon is right and something else is off', () => {
    assert.deepEqual(readTag('Step:train\uFF1Ax'), { kind: 'lookalike', raw: 'Step:train\uFF1Ax', meant: 'step:train\uFF1Ax' });
  });
});

describe('readDirective', () => {
  it('calls a named directive with a colon look-alike a look-alike of ours', () => {
    const [directive] = parseDirectives('#| step\uFF1A train\nx = 1');
    assert.ok(directive);
    assert.deepEqual(readDirective(directive), { kind: 'lookalike', raw: '#| step\uFF1A train', meant: '#| step: train', line: 1, colon: { char: '\uFF1A', name: 'U+FF1A FULLWIDTH COLON' } });
    const [quarto] = parseDirectives('#| fig\uFF1Acap\nx = 1');
    assert.ok(quarto);
    assert.deepEqual(readDirective(quarto), { kind: 'other' });
  });
});

describe('resolveConventions', () => {
  const spellingOf = (tag: string): Spelling => {
    const reading = readTag(tag);
    if (reading.kind !== 'mark') throw new Error(`not a mark: ${tag}`);
    return reading.mark.spelling;
  };
  const resolve = (tags: readonly string[]): Record<string, Convention | undefined> => {
    const resolved = resolveConventions(tags.map(spellingOf));
    return Object.fromEntries(tags.map((t) => [t, resolved.get(spellingOf(t))]));
  };

  const cases: readonly [string, readonly string[], Record<string, Convention>][] = [
    ['plain parameters is papermill', ['parameters'], { parameters: 'papermill' }],
    ['shared tags alone are native', ['step:a', 'imports'], { 'step:a': 'native', imports: 'native' }],
    ['parameters next to native tags is native', ['step:a', 'parameters'], { 'step:a': 'native', parameters: 'native' }],
    ['block: proves Kale', ['block:a', 'step:b', 'imports'], { 'block:a': 'kale', 'step:b': 'kale', imports: 'kale' }],
    ['pipeline-parameters proves Kale', ['step:a', 'pipeline-parameters'], { 'step:a': 'kale', 'pipeline-parameters': 'kale' }],
    ['Kale with papermill parameters', ['block:a', 'parameters'], { 'block:a': 'kale', parameters: 'papermill' }],
    ['native proven wins shared tags', ['prev:a', 'after:b', 'step:c'], { 'prev:a': 'kale', 'after:b': 'native', 'step:c': 'native' }],
    ['metrics proves native', ['metrics', 'skip', 'parameters'], { metrics: 'native', skip: 'native', parameters: 'native' }],
  ];
  for (const [title, tags, expected] of cases) {
    it(title, () => assert.deepEqual(resolve(tags), expected));
  }
});
