import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseResult } from '../contract/notebook';
import { insideStrings, isActive, isCellMarker, parsePercent } from './percent';

const read = (name: string): ParseResult => parsePercent(readFileSync(join(__dirname, '../../../test/fixtures/notebooks', name), 'utf8'), name);

describe('parsePercent', () => {
  it('reads code, markdown and raw cells with their first source line', () => {
    const { notebook, problems } = read('percent-basic.py');
    assert.deepEqual(problems, []);
    assert.ok(notebook);
    assert.deepEqual(
      [notebook.format, notebook.nbformat, notebook.nbformatMinor, notebook.language],
      ['percent', 4, 5, 'python'],
    );
    assert.deepEqual(
      notebook.cells.map((c) => [c.index, c.kind, c.source, c.fileLine]),
      [
        [0, 'markdown', '# Churn model\n\nTrains a small model.', 2],
        [1, 'code', 'import math\n\nrows = [1, 2, 3]', 7],
        [2, 'code', 'total = sum(rows)', 13],
        [3, 'raw', 'raw text', 16],
      ],
    );
  });

  it('a `# %%` inside a triple-quoted string is text, not a marker (as jupytext reads it)', () => {
    const code = ['doc = """', '# %% not a cell', "it's text", '"""', "s = '# %% nor this'", String.raw`x = '''a''' + "b\"" # %% """`];
    const text = ['# %%', ...code, '# %%', 'y = 1', ''].join('\n');
    const { notebook, problems } = parsePercent(text, 'doc.py');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      notebook?.cells.map((c) => c.source),
      [code.join('\n'), 'y = 1'],
    );
    assert.deepEqual(insideStrings(['a = """', 'b', '"""', 'c', "d = '''x'''", 'e = "#"', '"""'], 0), [false, true, true, false, false, false, false]);
  });

  it('gives no ids, keeps a title in metadata, and code cells no outputs', () => {
    const cells = read('percent-basic.py').notebook?.cells ?? [];
    assert.deepEqual(
      cells.map((c) => c.id),
      [undefined, undefined, undefined, undefined],
    );
    assert.deepEqual(cells[2]?.metadata, { title: 'Training' });
    assert.deepEqual([cells[2]?.outputs, cells[2]?.executionCount], [[], null]);
    assert.equal(cells[0]?.outputs, undefined);
  });

  it('reads tags, other options and ids from the markers', () => {
    const { notebook, problems } = read('percent-tags.py');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      notebook?.cells.map((c) => [c.kind, c.tags, c.id]),
      [
        ['code', ['parameters'], undefined],
        ['code', ['step:train', 'x'], undefined],
        ['markdown', ['skip'], undefined],
        ['code', ['step:evaluate'], undefined],
        ['code', [], 'cell-5'],
      ],
    );
    assert.deepEqual(notebook?.cells[3]?.metadata, { title: 'Evaluate', slideshow: { slide_type: '-' }, tags: ['step:evaluate'] });
    assert.deepEqual(notebook?.cells[4]?.metadata, { jupyter: { source_hidden: true } });
  });

  it('takes notebook metadata from the YAML header and code before the first marker as a cell', () => {
    const { notebook, problems } = read('percent-header.py');
    assert.deepEqual(problems, []);
    assert.deepEqual(notebook?.metadata['kernelspec'], { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' });
    assert.deepEqual(
      notebook?.cells.map((c) => [c.kind, c.source, c.fileLine]),
      [
        ['code', 'import os\n\nDATA = os.environ.get("DATA", "data.csv")', 15],
        ['code', 'print(DATA)', 20],
      ],
    );
  });

  it('reads a header after a byte order mark (Windows editors write one) as the header, not as code', () => {
    const text = readFileSync(join(__dirname, '../../../test/fixtures/notebooks', 'percent-header.py'), 'utf8').replace(/\n/g, '\r\n');
    const plain = parsePercent(text, 'nb.py');
    const marked = parsePercent(`\ufeff${text}`, 'nb.py');
    assert.deepEqual(marked.problems, []);
    assert.deepEqual(marked.notebook?.metadata, plain.notebook?.metadata);
    assert.deepEqual(marked.notebook?.cells, plain.notebook?.cells);
    assert.ok(!JSON.stringify(marked.notebook).includes('\ufeff'));
  });

  it('reads magics and shell escapes jupytext commented out as the magics, and leaves other comments', () => {
    const text = '# %%\n# %cd ../data\n# %%time\n# !pip install -q lightgbm\n    # %env A=1\n# %d items\n# !important\n#%matplotlib inline\nx = 1\n';
    const cell = parsePercent(text, 'nb.py').notebook?.cells[0];
    assert.equal(cell?.source, '%cd ../data\n%%time\n!pip install -q lightgbm\n    %env A=1\n# %d items\n# !important\n%matplotlib inline\nx = 1');
  });

  it('reports malformed tags with the line and column of the option', () => {
    const { notebook, problems } = read('percent-bad-tags.py');
    assert.deepEqual(problems, [
      {
        severity: 'error',
        code: 'percent-option',
        message: 'the tags option tags=["step:train", "x" is not a list; write it like tags=["step:train", "imports"]',
        file: 'percent-bad-tags.py',
        line: 4,
        column: 6,
      },
      {
        severity: 'error',
        code: 'percent-option',
        message: 'the tags option tags="step:evaluate" must be a list of strings; write it like tags=["step:train", "imports"]',
        file: 'percent-bad-tags.py',
        line: 7,
        column: 6,
      },
    ]);
    assert.deepEqual(
      notebook?.cells.map((c) => [c.tags, c.source]),
      [
        [[], 'import math'],
        [[], 'x = 1'],
        [[], 'y = 2'],
      ],
    );
  });

  it('reads CRLF line ends and keeps the line numbers', () => {
    const { notebook } = parsePercent('x = 0\r\n\r\n# %% [markdown]\r\n# Hi\r\n#\r\n# there\r\n\r\n# %%\r\ny = 1\r\n', 'crlf.py');
    assert.deepEqual(
      notebook?.cells.map((c) => [c.kind, c.source, c.fileLine]),
      [
        ['code', 'x = 0', 1],
        ['markdown', 'Hi\n\nthere', 4],
        ['code', 'y = 1', 9],
      ],
    );
  });

  it('warns about a header that is not YAML and reads on', () => {
    const { notebook, problems } = parsePercent('# ---\n# jupyter: [unclosed\n# ---\n\n# %%\nx = 1\n', 'header.py');
    assert.equal(notebook?.cells.length, 1);
    assert.deepEqual(notebook?.metadata, {});
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'percent-header');
    assert.equal(problems[0]?.severity, 'warning');
    assert.match(problems[0]?.message ?? '', /^the jupytext header is not valid YAML \(.+\); it is ignored$/);
  });

  it('keeps an empty cell', () => {
    const { notebook } = parsePercent('# %%\n\n# %%\nx = 1\n', 'empty.py');
    assert.deepEqual(
      notebook?.cells.map((c) => [c.source, c.fileLine]),
      [
        ['', 2],
        ['x = 1', 4],
      ],
    );
  });
});

describe('the active option (jupytext)', () => {
  it('uncomments a cell active only in the notebook, as jupytext makes the notebook, on the same file lines', () => {
    const text = ['# %% tags=["parameters"] active="ipynb"', '# data_path = "data/loans.csv"', '#', '#test_size = 0.25', '# %matplotlib inline', '', '# %%', 'print(data_path)', ''].join('\n');
    const { notebook, problems } = parsePercent(text, 'active.py');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      notebook?.cells.map((c) => [c.kind, c.source, c.tags, c.fileLine]),
      [
        ['code', 'data_path = "data/loans.csv"\n\ntest_size = 0.25\n%matplotlib inline', ['parameters'], 2],
        ['code', 'print(data_path)', [], 8],
      ],
    );
    assert.deepEqual(notebook?.cells[0]?.metadata, { active: 'ipynb', tags: ['parameters'] });
  });

  it('makes a cell the notebook does not run (active="py", tag active-py) a raw cell, with its lines as written', () => {
    const text = ['# %% Load tags=["step:load"]', 'raw = load()', '', '# %% active="py"', '# smoke run', 'raw = raw.sample(200)', '', '# %% tags=["active-py"]', '# %time x = 1', ''].join('\n');
    const { notebook, problems } = parsePercent(text, 'active_py.py');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      notebook?.cells.map((c) => [c.kind, c.source, c.fileLine, c.outputs]),
      [
        ['code', 'raw = load()', 2, []],
        ['raw', '# smoke run\nraw = raw.sample(200)', 5, undefined],
        ['raw', '# %time x = 1', 9, undefined],
      ],
    );
  });

  it('reads the tags active-ipynb and active-ipynb-py, a frozen cell, and an active option listing both', () => {
    const text = ['# %% tags=["active-ipynb"]', '# x = 1', '# %% tags=["active-ipynb-py"]', 'y = 2', '# %% active="ipynb,py"', 'z = 3', '# %% run_control={"frozen": true}', '# w = 4', '# %% active=""', '# v = 5', ''].join('\n');
    const cells = parsePercent(text, 'tags.py').notebook?.cells ?? [];
    assert.deepEqual(
      cells.map((c) => [c.kind, c.source]),
      [
        ['code', 'x = 1'],
        ['code', 'y = 2'],
        ['code', 'z = 3'],
        ['code', 'w = 4'],
        ['raw', 'v = 5'],
      ],
    );
    assert.deepEqual(cells[4]?.metadata, {});
  });

  it('follows jupytext is_active', () => {
    assert.equal(isActive('ipynb', {}, []), true);
    assert.equal(isActive('py', { active: 'ipynb' }, []), false);
    assert.equal(isActive('py', { active: 'ipynb.py' }, []), true);
    assert.equal(isActive('ipynb', { active: 'py' }, ['active-ipynb']), true);
    assert.equal(isActive('py', { run_control: { frozen: true } }, ['active-py']), false);
  });
});

describe('isCellMarker', () => {
  for (const line of ['# %%', '#%%', '# %% [markdown]', '  # %% tags=["a"]', '# %%% sub-cell', '# %%\tTitle']) {
    it(`${JSON.stringify(line)} is a marker`, () => assert.equal(isCellMarker(line), true));
  }
  for (const line of ['# %%time', 'x = 1  # %%', '## %%', '# %']) {
    it(`${JSON.stringify(line)} is not`, () => assert.equal(isCellMarker(line), false));
  }

  // Round 49 FF: `# %%tags=...` is no marker for jupytext; the cell it meant to start merged into the one above.
  it('refuses a line that looks like a marker without the space after %%, not a commented cell magic', () => {
    const { problems } = parsePercent(['# %% tags=["imports"]', 'import os', '', '# %%tags=["step:load"]', 'raw = 1', '', '# %% tags=["metrics"]', '# %%time', 'print(raw)', ''].join('\n'), 'nb.py');
    assert.deepEqual(problems.map((p) => [p.severity, p.line, p.column, p.message]), [['error', 4, 5, 'this line is no cell marker: jupytext wants a space after `%%` (`# %% tags=[...]`), so it stays a comment and its cell is part of the one above']]);
  });
});
