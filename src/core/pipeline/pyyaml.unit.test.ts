import * as assert from 'node:assert/strict';
import { dumpFlowYaml, flowYaml, pyyamlReadsAsNonString } from './pyyaml';

describe('flowYaml', () => {
  // Words and numbers that look alike to one YAML reader or another, and shapes around the direct path's edges.
  const words = ['a', 'df_12', 's_0001', 'churn.steps.load', 'a.', 'a..b', 'e.5', 'y.', 'null.x', 'A-b', '_', 'x1', 'null', 'Null', 'NULL', 'true', 'True', 'False', 'yes', 'No', 'on', 'OFF', 'y', 'n', '~', '', ' a', 'a b', 'a:b', 'a: b', '#x', '-a', '1a', '0x1F', '017', '12:30', '2024-01-01', '.inf', 'nan', 'é', 'a\nb', "it's", '"q"', '<<', '='];
  const numbers = [0, -0, 1, -5, 42, 2 ** 53, 2 ** 53 + 2, 1e21, -1e21, 1.5, -0.25, 1e-7, Number.NaN, Number.POSITIVE_INFINITY];
  const scalars: unknown[] = [...words, ...numbers, true, false, null];
  const values: unknown[] = [
    ...scalars,
    [],
    {},
    ...scalars.map((s) => [s]),
    ...scalars.map((s) => ['a', s]),
    ...scalars.filter((s): s is string => typeof s === 'string').map((key) => ({ [key]: 1 })),
    ...scalars.map((s) => ({ index: 3, id: s })),
    [[1], 'a'],
    [{ index: 1, id: 'a-b' }, { index: 2 }],
    [{ index: 1, id: 'x y' }],
    { a: [{ b: [1, { c: 'null' }] }] },
    { a: [1, 2] },
    { a: { b: 1 } },
    Object.assign(Object.create(null) as object, { a: 1 }),
  ];

  it('writes every value exactly as the js-yaml dumper does', () => {
    for (const value of values) assert.equal(flowYaml(value), dumpFlowYaml(value), JSON.stringify(value));
  });

  it('quotes what PyYAML would read as something else', () => {
    for (const word of ['yes', 'on', '2024-01-01', '12:30', '017', '<<']) {
      assert.equal(pyyamlReadsAsNonString(word), true, word);
      assert.match(flowYaml(word), /^'.*'$/);
    }
  });
});
