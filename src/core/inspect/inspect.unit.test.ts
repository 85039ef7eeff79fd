// What inspect says of a notebook with a cell the reader refused (round 66 QQQ: "no cell before it defines m" of
// names the refused cell bound, which promote and check do not say).
import * as assert from 'node:assert/strict';
import { inspectText, inspectWithGraph } from './inspect';

function notebook(cells: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((c, i) => ({ id: `c${i}`, metadata: {}, outputs: [], execution_count: null, ...c })) });
}

describe('inspectWithGraph: a cell the reader refused', () => {
  for (const [what, refused] of [
    ['an unknown cell type', { cell_type: 'foo', source: 'm = 2', metadata: { tags: ['step:stats'] } }],
    ['no source', { cell_type: 'code', metadata: { tags: ['step:stats'] } }],
  ] as const) {
    it(`${what}: its own error, and no follow-on error of the names later cells use`, async () => {
      const text = notebook([{ cell_type: 'code', source: 'x = 1', metadata: { tags: ['step:load'] } }, refused, { cell_type: 'code', source: 'print("m:", m)', metadata: { tags: ['metrics'] } }]);
      const { inspection } = await inspectWithGraph(inspectText(text, 'nb.ipynb'));
      const errors = inspection.problems.filter((p) => p.severity === 'error');
      assert.deepEqual(errors.map((p) => p.cellIndex), [1], errors.map((p) => p.message).join('\n'));
      assert.equal(inspection.ok, false);
    });
  }

  it('a notebook without refused cells still gets the name errors', async () => {
    const text = notebook([{ cell_type: 'code', source: 'x = 1', metadata: { tags: ['step:load'] } }, { cell_type: 'code', source: 'print("m:", m)', metadata: { tags: ['metrics'] } }]);
    const { inspection } = await inspectWithGraph(inspectText(text, 'nb.ipynb'));
    assert.deepEqual(inspection.problems.filter((p) => p.severity === 'error').map((p) => p.code), ['name-undefined']);
  });
});

// Round 74 HIH: inspect said `clean -> telco, bucket` and `features(telco, bucket)`; promotion imports `bucket` from
// the step's module instead.
describe('inspectWithGraph: a function a step defines', () => {
  it('is imported by the steps calling it, as promotion has it: no output of its step, no input of theirs', async () => {
    const text = notebook([
      { cell_type: 'code', source: 'rows = [1, 2, 3]\ndef bucket(v):\n    return v // 2', metadata: { tags: ['step:clean'] } },
      { cell_type: 'code', source: 'buckets = [bucket(v) for v in rows]', metadata: { tags: ['step:features'] } },
    ]);
    const { graph } = await inspectWithGraph(inspectText(text, 'nb.ipynb'));
    assert.deepEqual(graph?.steps.map((s) => [s.name, s.inputs, s.outputs]), [
      ['clean', [], ['rows']],
      ['features', ['rows'], []],
    ]);
  });
});
