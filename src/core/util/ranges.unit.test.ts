import * as assert from 'node:assert/strict';
import { compactRanges } from './ranges';

describe('compactRanges', () => {
  for (const [input, expected] of [
    [[], ''],
    [[4], '4'],
    [[3, 4, 5, 8], '3–5, 8'],
    [[1, 3, 5], '1, 3, 5'],
    [[1, 2, 4, 5], '1–2, 4–5'],
  ] as const) {
    it(`${JSON.stringify(input)} -> "${expected}"`, () => assert.equal(compactRanges(input), expected));
  }
});
