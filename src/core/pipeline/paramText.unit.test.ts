// Float parameters keep their `.0`: pipeline.yaml's type, items and floats say which numbers are floats.
import * as assert from 'node:assert/strict';
import { floatText, isFloatAt, jsonWithFloats } from './paramText';

describe('paramText', () => {
  it('writes a float parameter\'s whole value as a float, and leaves ints and other numbers as they are', () => {
    assert.equal(jsonWithFloats(1, { type: 'float' }), '1.0');
    assert.equal(jsonWithFloats(-2, { type: 'float' }), '-2.0');
    assert.equal(jsonWithFloats(0.25, { type: 'float' }), '0.25');
    assert.equal(jsonWithFloats(1, { type: 'int' }), '1');
    assert.equal(jsonWithFloats(1, undefined), '1');
    assert.equal(floatText(1e21), '1e+21');
  });

  it('finds the floats of lists of floats and the places `floats` names in a dict', () => {
    assert.equal(jsonWithFloats([0.1, 1, 10], { type: 'list', items: 'float' }), '[0.1,1.0,10.0]');
    assert.equal(jsonWithFloats([1, 2], { type: 'list' }), '[1,2]');
    assert.equal(jsonWithFloats({ model: { C: 1, depth: 3 }, name: 'x' }, { type: 'dict', floats: [['model', 'C']] }), '{"model":{"C":1.0,"depth":3},"name":"x"}');
    assert.equal(jsonWithFloats([1, [2, 3]], { type: 'list', floats: [[1, 0]] }), '[1,[2.0,3]]');
    assert.equal(isFloatAt({ type: 'list', items: 'float' }, [0, 1]), false);
  });

  it('without a shape is JSON.stringify\'s text', () => {
    const value = { a: [1, 2.5, 'x', null, true], b: { c: -0 } };
    assert.equal(jsonWithFloats(value, undefined), JSON.stringify(value));
  });
});
