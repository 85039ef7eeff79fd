import * as assert from 'node:assert/strict';
import type { EditorCell } from './editorCells';
import { editorCellTags, ipynbText, withEditorCellTags } from './editorCells';
import { parseNotebook } from './parse';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

const cells: EditorCell[] = [
  { kind: 'markup', languageId: 'markdown', source: '# Title', metadata: { id: 'md', metadata: {} }, outputs: [] },
  {
    kind: 'code',
    languageId: 'python',
    source: 'x = 1\nprint(x)',
    metadata: { id: 'c1', execution_count: 3, metadata: { tags: ['step:load', 'hide-input'], collapsed: false } },
    outputs: [
      { items: [{ mime: 'application/vnd.code.notebook.stdout', data: bytes('1\n') }], metadata: { outputType: 'stream' } },
      { items: [{ mime: 'text/plain', data: bytes('1') }, { mime: 'image/png', data: new Uint8Array([1, 2, 3]) }], metadata: { outputType: 'execute_result', executionCount: 3 } },
    ],
  },
  { kind: 'code', languageId: 'raw', source: 'raw text', metadata: { id: 'r1', metadata: {} }, outputs: [] },
];

describe('editor cells to nbformat', () => {
  const text = ipynbText({ metadata: { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } } }, cells });
  const { notebook, problems } = parseNotebook(text, 'nb.ipynb');

  it('gives valid nbformat that the reader takes without problems', () => {
    assert.deepEqual(problems, []);
    assert.ok(notebook);
    assert.deepEqual(
      notebook.cells.map((c) => [c.kind, c.id, c.source, c.tags]),
      [
        ['markdown', 'md', '# Title', []],
        ['code', 'c1', 'x = 1\nprint(x)', ['step:load', 'hide-input']],
        ['raw', 'r1', 'raw text', []],
      ],
    );
  });

  it('keeps the execution count, the other metadata and the outputs', () => {
    const cell = notebook?.cells[1];
    assert.equal(cell?.executionCount, 3);
    assert.deepEqual(cell?.metadata, { tags: ['step:load', 'hide-input'], collapsed: false });
    assert.deepEqual(cell?.outputs, [
      { output_type: 'stream', name: 'stdout', text: '1\n' },
      { output_type: 'execute_result', data: { 'text/plain': '1', 'image/png': 'AQID' }, metadata: {}, execution_count: 3 },
    ]);
  });

  it('reads and replaces tags at metadata.metadata.tags, keeping everything else', () => {
    const meta = { id: 'c1', execution_count: 3, metadata: { tags: ['step:load', 'hide-input'], collapsed: false } };
    assert.deepEqual(editorCellTags(meta), ['step:load', 'hide-input']);
    assert.deepEqual(withEditorCellTags(meta, ['step:train', 'hide-input']), { id: 'c1', execution_count: 3, metadata: { tags: ['step:train', 'hide-input'], collapsed: false } });
    assert.deepEqual(withEditorCellTags({ id: 'x' }, []), { id: 'x' });
    assert.deepEqual(withEditorCellTags({ id: 'x' }, ['skip']), { id: 'x', metadata: { tags: ['skip'] } });
    assert.deepEqual(editorCellTags({ metadata: { tags: 'nope' } }), []);
  });
});
