// The Set Cell Role quick pick: every row has an icon, so the labels line up.
import * as assert from 'node:assert/strict';
import type { CellRoles } from '../../core/contract/roles';
import { roleItems } from './roleItems';

describe('roleItems', () => {
  it('gives every row an icon, with and without a step', () => {
    const step = { stepName: 'train', after: [], roles: [] } as unknown as CellRoles;
    for (const items of [roleItems(undefined), roleItems(step)]) {
      for (const item of items) assert.match(item.label, /^\$\([a-z-]+\) \S/, `${item.label} has no icon`);
    }
    assert.deepEqual(roleItems(step).map((i) => i.pick), ['step', 'after', 'imports', 'functions', 'parameters', 'metrics', 'test', 'skip', 'clear']);
  });
});
