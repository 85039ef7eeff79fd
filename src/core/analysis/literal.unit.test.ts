import * as assert from 'node:assert/strict';
import { formChoices, parseParameterValue, parsePythonLiteral } from './literal';
import type { LiteralResult } from './literal';

describe('parsePythonLiteral', () => {
  const ok: [string, unknown, string, boolean?, ('float' | undefined)?, (string | number)[][]?][] = [
    ['200', 200, 'int'],
    ['-3', -3, 'int'],
    ['1_000', 1000, 'int'],
    ['0x10', 16, 'int'],
    ['-0x1F', -31, 'int'],
    ['0o17', 15, 'int'],
    ['0b1_01', 5, 'int'],
    ['0.25', 0.25, 'float'],
    ['1.0', 1, 'float'],
    ['1e-3', 0.001, 'float'],
    ['"data/churn.csv"', 'data/churn.csv', 'str'],
    ["'a' 'b'", 'ab', 'str'],
    ["r'C:\\x'", 'C:\\x', 'str'],
    ['"tab\\there"', 'tab\there', 'str'],
    ['True', true, 'bool'],
    ['None', null, 'none'],
    ['[1, 2, 3]', [1, 2, 3], 'list'],
    ['("a", "b")', ['a', 'b'], 'tuple'],
    ['(64,)', [64], 'tuple'],
    ['(0.5, 2)', [0.5, 2], 'tuple'],
    ['(1.0,)', [1], 'tuple', false, 'float'],
    ['[0.1, 1.0, 10.0]', [0.1, 1, 10], 'list', false, 'float'],
    ['[1, 2.0]', [1, 2], 'list', false, undefined, [[1]]],
    ['[[1.0], 2.0]', [[1], 2], 'list', false, undefined, [[0, 0], [1]]],
    ['(1, 2.0)', [1, 2], 'tuple', false, undefined, [[1]]],
    ['((1.0, 2))', [1, 2], 'tuple', false, undefined, [[0]]],
    ['[(1.0, 2)]', [[1, 2]], 'list', true],
    ['((1, 2), 3)', [[1, 2], 3], 'tuple', true],
    ['()', [], 'tuple'],
    ['(5)', 5, 'int'],
    ['(1.0)', 1, 'float'],
    ['[(1, 2), (3,)]', [[1, 2], [3]], 'list', true],
    ['{"max_features": 1.0}', { max_features: 1 }, 'dict', false, undefined, [['max_features']]],
    ['{"model": {"C": 1.0, "tol": 1e-4}, "split": {"test_size": 0.2, "folds": [1.0, 2]}}', { model: { C: 1, tol: 0.0001 }, split: { test_size: 0.2, folds: [1, 2] } }, 'dict', false, undefined, [['model', 'C'], ['split', 'folds', 0]]],
    ['[0.5, 2.0e-3]', [0.5, 0.002], 'list'],
    ['{"max_depth": 6, "lr": 0.1,}', { max_depth: 6, lr: 0.1 }, 'dict'],
    ['[\n  1,  # one\n  2,\n]', [1, 2], 'list'],
    // Every escape as Python reads it (round 34 D: `\101`, `\a\b\f\v` and `\U0001F600` were kept as typed).
    ['"\\101\\x42\\u0043\\0"', 'ABC\0', 'str'],
    ['"\\a\\b\\f\\v"', '\x07\b\f\v', 'str'],
    ['"\\U0001F600 \\u2603"', '\u{1F600} \u2603', 'str'],
    ['"\\d+\\s"', '\\d+\\s', 'str'],
    ['"\\1234"', 'S4', 'str'],
  ];
  for (const [text, value, type, lossy = false, items, floats] of ok) {
    it(`${JSON.stringify(text)} is ${type}${lossy ? ', lossy as JSON' : ''}${items === undefined ? '' : ', of floats'}${floats === undefined ? '' : `, whole floats at ${JSON.stringify(floats)}`}`, () =>
      assert.deepEqual(parsePythonLiteral(text), { ok: true, value, type, lossy, ...(items === undefined ? {} : { items }), ...(floats === undefined ? {} : { floats }) }));
  }
  for (const text of ['Path("x")', 'f"{a}"', 'a', '1 + 2', '{1: 2}', 'b"x"', '"unterminated', '10**20', '99999999999999999999', '0x', '0b12', '0xFFFFFFFFFFFFFFFFFF', '0x1.5', '"\\N{DEGREE SIGN}C"', '"\\UFFFFFFFF"']) {
    it(`${JSON.stringify(text)} is not a literal`, () => assert.deepEqual(parsePythonLiteral(text), { ok: false }));
  }
});

describe('parseParameterValue', () => {
  it('takes os.path.join of string literals for the path it makes, as a str parameter; literals as parsePythonLiteral does', () => {
    assert.deepEqual(parseParameterValue('os.path.join("..", "data")'), { ok: true, value: '../data', type: 'str', lossy: false });
    assert.deepEqual(parseParameterValue("os.path.join('data', 'raw/', 'x.csv')"), { ok: true, value: 'data/raw/x.csv', type: 'str', lossy: false });
    assert.deepEqual(parseParameterValue('os.path.join("..", "/abs", "x")'), { ok: true, value: '/abs/x', type: 'str', lossy: false });
    assert.deepEqual(parseParameterValue('[1, 2]'), parsePythonLiteral('[1, 2]'));
    for (const text of ['os.path.join(ROOT, "data")', 'os.path.join("a", 1)', 'os.path.join()', 'os.path.abspath("x")']) assert.equal(parseParameterValue(text).ok, false, text);
  });

  // Round 41 Q: `DATA_DIR = Path("../data")` stayed a constant of common.py, which `run --param` could not set.
  it('takes a pathlib.Path of string literals as a path parameter, its text joined with /', () => {
    const path = (value: string): LiteralResult => ({ ok: true, value, type: 'path', lossy: false });
    assert.deepEqual(parseParameterValue('Path("../data")'), path('../data'));
    assert.deepEqual(parseParameterValue('pathlib.Path("data", "raw")'), path('data/raw'));
    assert.deepEqual(parseParameterValue('Path("..") / "data" / \'raw/x.csv\''), path('../data/raw/x.csv'));
    assert.deepEqual(parseParameterValue('Path("a") / "/abs"'), path('/abs'));
    assert.deepEqual(parseParameterValue('Path("a/b c")'), path('a/b c'));
    for (const text of ['Path.cwd()', 'Path()', 'Path(ROOT) / "x"', 'Path("x") / SUB', 'Path("x").resolve()', 'Path("a") // 2', 'Path(f"{ROOT}/x")', 'MyPath("x")']) assert.equal(parseParameterValue(text).ok, false, text);
  });
});

describe('formChoices', () => {
  it('reads a Colab dropdown of values of the parameter\'s type that holds the default', () => {
    assert.deepEqual(formChoices('model = "rf"  #@param ["rf", "svm", "rf"]', 'str', 'rf'), ['rf', 'svm']);
    assert.deepEqual(formChoices("lr = 0.1 #@param [0.1, 1] {type:\"raw\"}", 'float', 0.1), [0.1, 1]);
    assert.deepEqual(formChoices('flag = True #@param [True, False]', 'bool', true), [true, false]);
  });

  it('gives none for typed input, other forms, values of another type, or a default not offered', () => {
    assert.equal(formChoices('name = "a" #@param ["a", "b"] {allow-input: true}', 'str', 'a'), undefined);
    assert.equal(formChoices('n = 3 #@param {type:"integer"}', 'int', 3), undefined);
    assert.equal(formChoices('n = 3 #@param [3, "five"]', 'int', 3), undefined);
    assert.equal(formChoices('n = 3 #@param [1.5, 3]', 'int', 3), undefined);
    assert.equal(formChoices('m = "x" #@param ["a", "b"]', 'str', 'x'), undefined);
    assert.equal(formChoices('m = "x" #@param []', 'str', 'x'), undefined);
  });
});

describe('parseParameterValue: arithmetic on number literals', () => {
  // Round 36 G: `N_FEATURES = 2 ** 12` was computed, so no parameter.
  it('gives the value Python computes, int or float as Python types it', () => {
    const cases: [string, number, string][] = [
      ['2 ** 12', 4096, 'int'],
      ['60 * 60 * 24', 86400, 'int'],
      ['1e-3 * 5', 0.005, 'float'],
      ['-2 ** 2', -4, 'int'],
      ['2 ** 3 ** 2', 512, 'int'],
      ['-7 // 2', -4, 'int'],
      ['-7 % 3', 2, 'int'],
      ['1 / 4', 0.25, 'float'],
      ['(1 + 2) * 3', 9, 'int'],
      ['0x10 * 2', 32, 'int'],
      ['2.5 * 2', 5, 'float'],
    ];
    for (const [text, value, type] of cases) assert.deepEqual(parseParameterValue(text), { ok: true, value, type, lossy: false }, text);
  });

  it('gives none for what JavaScript may not compute as Python does, a division by zero, or names', () => {
    for (const text of ['2 ** -1', '2.0 ** 3', '2 ** 100', '7.5 // 2', '1 / 0', '5 % 0', 'n * 2', '2 *', '(1 + 2']) assert.deepEqual(parseParameterValue(text), { ok: false }, text);
  });
});
