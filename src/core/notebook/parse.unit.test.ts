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

  // Round 78 OPO: an older sphinx-gallery example was refused with no way out said.
  it('says how to read a sphinx-gallery example whose cells are split by lines of #', () => {
    const gallery = '"""\nTitle\n=====\n"""\nimport numpy as np\n\n' + '#'.repeat(79) + '\n# Load the data\n# -------------\nx = np.ones(3)\n';
    assert.deepEqual(parseNotebook(gallery, 'plot_x.py').problems.map((p) => p.message), [
      'the file is a sphinx-gallery example whose cells are split by lines of `#` (`####...`), not a jupytext percent script: replace each such line with `# %%`, or convert it with `jupytext --from py:sphinx --to py:percent plot_x.py`',
    ]);
    // A plain script's banner of `#` is no sphinx-gallery example.
    const banner = '"""A tool."""\n' + '#'.repeat(40) + '\n# Helpers\n' + '#'.repeat(40) + '\nx = 1\n';
    assert.match(parseNotebook(banner, 'tool.py').problems[0]?.message ?? '', /^the file is a Python script without/);
  });

  it('names the jupytext format of a script in another format (light) and how to convert it', () => {
    const light = '# ---\n# jupyter:\n#   jupytext:\n#     text_representation:\n#       extension: .py\n#       format_name: light\n# ---\n\n# + tags=["imports"]\nimport re\n# -\n\nx = 1\n';
    assert.deepEqual(parseNotebook(light, 'houses.py').problems.map((p) => p.message), [
      'the file is a jupytext script in the light format, which is not read: only the percent format (`# %%` cell markers) is. Convert it with `jupytext --to py:percent houses.py`, or open the notebook it pairs with',
    ]);
  });

  it('says what a Databricks export is and how to make it a notebook, markers mapped one to one', () => {
    const databricks = '# Databricks notebook source\n# MAGIC %md\n# MAGIC # Churn\n\n# COMMAND ----------\n\n#| step: load\nx = 1\n';
    const [problem] = parseNotebook(databricks, 'churn.py').problems;
    assert.equal(problem?.code, 'not-a-notebook');
    assert.equal(
      problem?.message,
      'the file is a Databricks notebook exported as source (`# COMMAND ----------` between cells), which is not read: export the notebook as an .ipynb instead (File > Export > IPython Notebook), or convert its markers to jupytext percent ones, which map one to one: each `# COMMAND ----------` line becomes `# %%`, a cell of `# MAGIC %md` lines becomes a `# %% [markdown]` cell (its lines without `MAGIC %md`), and the first line, `# Databricks notebook source`, is dropped',
    );
    // The separators alone (the header line cut off) say the same.
    assert.match(parseNotebook('x = 1\n\n# COMMAND ----------\n\ny = 2\n', 'churn.py').problems[0]?.message ?? '', /^the file is a Databricks notebook exported as source/);
  });

  it('says what an nbconvert script is and to promote the notebook it came from', () => {
    const script = '#!/usr/bin/env python\n# coding: utf-8\n\n# # Churn\n\n# In[1]:\n\n\nimport pandas as pd\n\n\n# In[ ]:\n\n\nx = 1\n';
    assert.deepEqual(parseNotebook(script, 'churn.py').problems.map((p) => p.message), [
      'the file is a script `jupyter nbconvert --to script` wrote (`# In[3]:` above each cell), which is not read: nbconvert drops the cells\' tags and ids. Promote the .ipynb it came from, or convert that notebook with `jupytext --to py:percent churn.ipynb` (`# %%` cell markers, tags kept)',
    ]);
  });

  it('says other files are not notebooks', () => {
    const result = parseNotebook('{}', 'notes.json');
    assert.equal(result.notebook, undefined);
    assert.equal(result.problems[0]?.message, 'the file is neither a notebook (.ipynb) nor a jupytext percent script (.py)');
  });
});

describe('isPercentScript', () => {
  it('finds a marker on the first line, after a byte order mark too (round 38 M)', () => {
    assert.equal(isPercentScript('# %%\nx = 1\n'), true);
    assert.equal(isPercentScript('\ufeff# %% tags=["step:a"]\nx = 1'), true);
    assert.equal(parseNotebook('\ufeff# %% tags=["step:a"]\nx = 1', 'a.py').notebook?.cells[0]?.tags.join(), 'step:a');
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
