import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPercentScript, parseNotebook } from './parse';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../../test/fixtures/notebooks', name), 'utf8');

describe('parseNotebook', () => {
  it('reads .ipynb files as nbformat JSON', () => {
    const result = parseNotebook(fixture('valid-4.5.ipynb'), 'valid-4.5.ipynb');
    assert.equal(result.notebook?.format, 'ipynb');
    assert.deepEqual(result.problems, []);
  });

  it('reads .py files with cell markers as percent scripts', () => {
    const result = parseNotebook(fixture('percent-basic.py'), 'percent-basic.py');
    assert.equal(result.notebook?.format, 'percent');
    assert.deepEqual(result.problems, []);
  });

  it('dispatches on the extension in any case', () => {
    assert.equal(parseNotebook(fixture('valid-4.5.ipynb'), 'Valid.IPYNB').notebook?.format, 'ipynb');
  });

  it('says a .py file without cell markers is not a percent script', () => {
    assert.deepEqual(parseNotebook(fixture('plain-script.py'), 'plain-script.py'), {
      notebook: undefined,
      problems: [
        {
          severity: 'error',
          code: 'not-a-notebook',
          message: 'the file is a Python script without `# %%` cell markers, not a jupytext percent script',
          file: 'plain-script.py',
        },
      ],
    });
  });

  it('names the jupytext format of a script in another format (light) and how to convert it', () => {
    const light = '# ---\n# jupyter:\n#   jupytext:\n#     text_representation:\n#       extension: .py\n#       format_name: light\n# ---\n\n# + tags=["imports"]\nimport re\n# -\n\nx = 1\n';
    assert.deepEqual(parseNotebook(light, 'houses.py').problems.map((p) => p.message), [
      'the file is a jupytext script in the light format, which is not read: only the percent format (`# %%` cell markers) is. Convert it with `jupytext --to py:percent houses.py`, or open the notebook it pairs with',
    ]);
  });

  it('says other files are not notebooks', () => {
    const result = parseNotebook('{}', 'notes.json');
    assert.equal(result.notebook, undefined);
    assert.equal(result.problems[0]?.message, 'the file is neither a notebook (.ipynb) nor a jupytext percent script (.py)');
  });
});

describe('isPercentScript', () => {
  it('finds a marker on the first line', () => {
    assert.equal(isPercentScript('# %%\nx = 1\n'), true);
  });
  it('finds markers after a jupytext header and plain code', () => {
    assert.equal(isPercentScript(fixture('percent-header.py')), true);
  });
  it('accepts #%% and markers with options', () => {
    assert.equal(isPercentScript('x = 1\n#%% [markdown]\n# hi\n'), true);
    assert.equal(isPercentScript('x = 1\r\n# %%\r\ny = 2\r\n'), true);
  });
  it('ignores %% that is not at the start of a line, and cell magics', () => {
    assert.equal(isPercentScript(fixture('plain-script.py')), false);
    assert.equal(isPercentScript('# %%time\nx = 1\n'), false);
  });
});
