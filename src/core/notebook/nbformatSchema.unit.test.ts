import * as assert from 'node:assert/strict';
import { MAX_SCHEMA_PROBLEMS, nbformatSchemaProblems } from './nbformatSchema';

type Json = Record<string, unknown>;

function notebook(cells: unknown[], change: (nb: Json) => void = () => undefined, minor = 5): Json {
  const nb: Json = { cells, metadata: {}, nbformat: 4, nbformat_minor: minor };
  change(nb);
  return nb;
}

function code(id: string, extra: Json = {}): Json {
  return { id, cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: '', ...extra };
}

/** [cellIndex, message] of each problem. */
function messages(nb: Json, minor = 5): [number | undefined, string][] {
  return nbformatSchemaProblems(nb, minor, 'nb.ipynb', () => false).map((p) => [p.cellIndex, p.message]);
}

describe('nbformatSchemaProblems', () => {
  it('finds nothing wrong with a valid notebook, for every minor version', () => {
    for (let minor = 0; minor <= 5; minor++) {
      const cell = minor >= 5 ? code('c1') : { cell_type: 'markdown', metadata: {}, source: ['# a\n', 'b'] };
      assert.deepEqual(nbformatSchemaProblems(notebook([cell], () => undefined, minor), minor, 'nb.ipynb', () => false), [], `4.${minor}`);
    }
  });

  it('reports only the errors of the branch the cell_type names', () => {
    const cell = code('c1', { metadata: { tags: 'step:train' } });
    assert.deepEqual(nbformatSchemaProblems(notebook([cell]), 5, 'nb.ipynb', () => false), [
      { severity: 'error', code: 'schema', message: 'metadata.tags must be a list of strings', file: 'nb.ipynb', cellIndex: 0, cellId: 'c1' },
    ]);
  });

  it('speaks of the output by its position in the cell', () => {
    const cell = code('c1', {
      outputs: [
        { output_type: 'stream', name: 'stdout' },
        { output_type: 'hologram' },
        { output_type: 'execute_result', data: { 'text/plain': 5 }, metadata: {}, execution_count: 1 },
      ],
    });
    assert.deepEqual(messages(notebook([cell])), [
      [0, 'outputs[0] has no "text"'],
      [0, 'outputs[1] has an unknown output_type "hologram"'],
      [0, 'outputs[2].data["text/plain"] must be a string or a list of strings'],
    ]);
  });

  it('names the field of a cell that has the wrong type or an extra property', () => {
    const cell = { id: 'm1', cell_type: 'markdown', metadata: {}, source: 'x', outputs: [] };
    const bad = code('c2', { execution_count: 'one' });
    assert.deepEqual(messages(notebook([cell, bad])), [
      [0, 'the cell has "outputs", which nbformat 4.5 does not allow here'],
      [1, 'execution_count must be a whole number or null'],
    ]);
  });

  it('explains bad cell ids and tags', () => {
    const cells = [code('has space'), code('c2', { metadata: { tags: ['a', 'a', 'x,y'] } }), code('')];
    assert.deepEqual(messages(notebook(cells)), [
      [0, 'the cell id "has space" may only contain letters, digits, "-" and "_"'],
      [1, 'the tag "x,y" contains a comma; nbformat does not allow commas in tags'],
      [1, 'metadata.tags lists "a" twice'],
      [2, 'the cell id must be 1 to 64 characters long'],
    ]);
  });

  it('says how to write a list of steps in after: without a comma', () => {
    assert.deepEqual(messages(notebook([code('c1', { metadata: { tags: ['after:fit,prep'] } })])), [
      [0, 'the tag "after:fit,prep" contains a comma; nbformat does not allow commas in tags: write one tag per step (after:fit, after:prep), or separate the steps with spaces (after:fit prep)'],
    ]);
  });

  it('reports notebook-level problems without a cell', () => {
    const nb = notebook([], (n) => (n['metadata'] = { kernelspec: { name: 'python3' } }));
    assert.deepEqual(messages(nb), [[undefined, 'metadata.kernelspec has no "display_name"']]);
  });

  it('leaves skipped cells to the caller', () => {
    const nb = notebook([7, { id: 'w', cell_type: 'widget', metadata: {} }, code('c3')]);
    assert.deepEqual(nbformatSchemaProblems(nb, 5, 'nb.ipynb', (index) => index < 2), []);
  });

  it(`lists at most ${MAX_SCHEMA_PROBLEMS} problems and counts the rest`, () => {
    const cells = Array.from({ length: MAX_SCHEMA_PROBLEMS + 20 }, (_, i) => ({ id: `r${i}`, cell_type: 'raw', metadata: {}, source: 7 }));
    const problems = nbformatSchemaProblems(notebook(cells), 5, 'nb.ipynb', () => false);
    assert.equal(problems.length, MAX_SCHEMA_PROBLEMS + 1);
    assert.deepEqual(problems[0], {
      severity: 'error',
      code: 'schema',
      message: `the notebook does not match the nbformat 4.5 schema in ${MAX_SCHEMA_PROBLEMS + 20} places; only the first ${MAX_SCHEMA_PROBLEMS} are listed`,
      file: 'nb.ipynb',
    });
    assert.equal(problems[1]?.cellIndex, 0);
  });
});
