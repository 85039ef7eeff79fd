import * as assert from 'node:assert/strict';
import { closestName, editDistance, isIdentifier, moduleNameIssue, quoteName, sharedModuleFor, stepNameIssue, suggestIdentifier, suggestModuleName } from './names';

describe('stepNameIssue', () => {
  for (const name of ['train', '_private', 'Train2', 'load_data', 'match', 'case', 'type', '_', 'x', 't'.repeat(100)]) {
    it(`allows ${JSON.stringify(name)}`, () => assert.equal(stepNameIssue(name), undefined));
  }

  const refused: readonly [string, RegExp][] = [
    ['', /identifiers/],
    ['1st', /not starting with a digit/],
    ['load-data', /identifiers/],
    ['load data', /identifiers/],
    ['../../x', /identifiers/],
    ['a/b', /identifiers/],
    ['a\\b', /identifiers/],
    ['..', /identifiers/],
    ['a.b', /identifiers/],
    ['données', /ASCII/],
    ['class', /keyword/],
    ['None', /keyword/],
    ['async', /keyword/],
    ['__init__', /reserved/],
    ['__main__', /reserved/],
    ['_runtime', /runtime module/],
    // Round 34 C: `con.py` cannot be checked out on Windows.
    ['con', /Windows reserves the name con/],
    ['NUL', /Windows reserves/],
    ['com1', /Windows reserves/],
    ['metrics', /have that name already/],
    ['parameters', /have that name already/],
    // A file name longer than 255 bytes cannot be written (ENAMETOOLONG).
    ['t'.repeat(101), /101 characters long; .* at most 100 characters/],
    ['t'.repeat(300), /300 characters long/],
  ];
  for (const [name, reason] of refused) {
    it(`refuses ${JSON.stringify(name)}`, () => assert.match(stepNameIssue(name) ?? '', reason));
  }
});

describe('sharedModuleFor', () => {
  const cases: readonly [string | undefined, string][] = [
    [undefined, 'common'],
    ['core', 'core'],
    ['core.utils', 'common'],
    ['pipeline', 'common'],
    ['metrics', 'common'],
    ['steps', 'common'],
    ['__init__', 'common'],
    ['_runtime', 'common'],
  ];
  for (const [name, module] of cases) it(`${String(name)} -> ${module}`, () => assert.equal(sharedModuleFor(name), module));
});

describe('isIdentifier', () => {
  it('is true for identifiers that are not keywords', () => {
    assert.equal(isIdentifier('train'), true);
    assert.equal(isIdentifier('for'), false);
    assert.equal(isIdentifier('a-b'), false);
  });
});

describe('moduleNameIssue', () => {
  for (const name of ['core', 'core.utils', 'a.b_c.d2']) {
    it(`allows ${JSON.stringify(name)}`, () => assert.equal(moduleNameIssue(name), undefined));
  }
  for (const name of ['core/utils', '../core', 'core.', '.core', 'core..utils', '1core', 'my-lib', 'core.class', '', 'm'.repeat(101), `core.${'m'.repeat(100)}`]) {
    it(`refuses ${JSON.stringify(name)}`, () => assert.notEqual(moduleNameIssue(name), undefined));
  }
});

describe('suggestIdentifier', () => {
  const cases: readonly [string, string | undefined][] = [
    ['../../x', 'x'],
    ['load-data', 'load_data'],
    ['load data', 'load_data'],
    ['1st', 'step_1st'],
    ['class', 'class_'],
    ['__init__', 'init'],
    ['données', 'donnees'],
    // Round 57 YY: letters NFKD leaves whole were dropped (`podzia`, `odz`, `Stra_e`).
    ['podział', 'podzial'],
    ['Łódź', 'Lodz'],
    ['Straße', 'Strasse'],
    ['øre', 'ore'],
    ['../', undefined],
    ['', undefined],
  ];
  for (const [name, expected] of cases) {
    it(`suggests ${JSON.stringify(expected)} for ${JSON.stringify(name)}`, () => assert.equal(suggestIdentifier(name), expected));
  }
  it('suggests dotted module names', () => {
    assert.equal(suggestModuleName('core/utils'), 'core.utils');
    assert.equal(suggestModuleName('my-lib'), 'my_lib');
    assert.equal(suggestModuleName('/'), undefined);
  });
});

describe('closestName', () => {
  it('finds a typo, a swap of letters or a case difference', () => {
    assert.equal(closestName('trian', ['load', 'train']), 'train');
    assert.equal(closestName('evaluat', ['evaluate', 'train']), 'evaluate');
    assert.equal(closestName('Train', ['train']), 'train');
  });
  it('finds nothing when no name is close', () => {
    assert.equal(closestName('deploy', ['load', 'train']), undefined);
    assert.equal(closestName('ab', ['xy']), undefined);
  });
  it('measures edits', () => {
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ab', 'ba'), 1);
  });
});

describe('quoteName', () => {
  it('quotes, escapes control characters and shortens', () => {
    assert.equal(quoteName('a"b'), '"a\\"b"');
    assert.equal(quoteName('a\nb'), '"a\\nb"');
    assert.equal(quoteName('x'.repeat(100)).length, 62);
  });
});
