import * as assert from 'node:assert/strict';
import { roleLabel } from './roleLabel';
import { readRoles } from './roles';
import { makeNotebook } from './testing';
import type { CellSpec } from './testing';

function labels(cells: readonly (CellSpec | string)[]): string[] {
  const result = readRoles(makeNotebook(cells));
  return result.cells.map((c) => roleLabel(c, result.hasRoles).text);
}

describe('roleLabel', () => {
  it('names own, continued and step roles', () => {
    assert.deepEqual(
      labels([
        'import os',
        { source: 'import pandas', tags: ['imports'] },
        'import numpy',
        { source: 'lr = 0.1', tags: ['parameters'] },
        { source: 'df = 1', tags: ['step:load'] },
        'df = df + 1',
        { source: 'm = df', tags: ['step:train', 'after:load'] },
        { source: 'm', tags: ['skip'] },
      ]),
      ['shared (before any role)', 'imports', 'imports (continued)', 'parameters', 'step: load', 'in step load', 'step: train · after load', 'skip'],
    );
  });

  it('shows a directive as written', () => {
    const result = readRoles(makeNotebook(['#| step: prep\nx = 1']));
    const [cell] = result.cells;
    assert.ok(cell);
    assert.deepEqual(roleLabel(cell, true), { text: '#| step: prep', tooltip: 'This cell starts a step (the directive `#| step: prep` in its source).', fromDirective: true });
  });

  it('says "no role" when nothing in the notebook is tagged, and names conflicts', () => {
    assert.deepEqual(labels(['x = 1']), ['no role']);
    assert.deepEqual(labels([{ source: 'x = 1', tags: ['parameters', 'step:a'] }])[0]?.startsWith('role conflict'), true);
  });
});
