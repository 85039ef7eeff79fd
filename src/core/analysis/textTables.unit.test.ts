import * as assert from 'node:assert/strict';
import { printedTextTables } from './textTables';

describe('printedTextTables', () => {
  const none = (): string[] => [];

  it('finds tables printed as text: to_string, a text classification report, a frame by its name or maker, describe()', () => {
    const source = [
      'y_pred = best_model.predict(X_test)',
      'print(cv_table.to_string())',
      'print(classification_report(y_test, y_pred, digits=4))',
      'print(df)',
      'print(scores.describe())',
      'print("Results:\\n", results)',
      'print("test_auc:", test_auc)',
    ].join('\n');
    const assigned = (name: string): string[] => (name === 'results' ? ['pd.DataFrame(rows)'] : []);
    assert.deepEqual(printedTextTables(source, assigned), [
      { line: 2, text: 'cv_table.to_string()', kind: 'frame', table: 'cv_table' },
      { line: 3, text: 'classification_report(y_test, y_pred, digits=4)', kind: 'report' },
      { line: 4, text: 'df', kind: 'frame', table: 'df' },
      { line: 5, text: 'scores.describe()', kind: 'frame', table: 'scores.describe()' },
      { line: 6, text: 'results', kind: 'frame', table: 'results' },
    ]);
  });

  it('leaves out labelled numbers, a report as a dict, names that are not tables, and non-print lines', () => {
    const source = [
      'print("acc:", acc)',
      'print(classification_report(y, p, output_dict=True))',
      'print(acc)',
      'print(model.score(X, y))',
      'cv_table.to_string()',
      'print(len(df))',
    ].join('\n');
    assert.deepEqual(printedTextTables(source, none), []);
  });
});

// Round 37 K: `t_rglob = sum(pd.read_csv(f)['v'].sum() for f in ...)`, an int, was called a table.
describe('printedTextTables: a number made with table makers inside it', () => {
  it('is no table; a frame made by one still is', () => {
    const values: Record<string, string> = {
      total: "sum(pd.read_csv(f)['v'].sum() for f in files)",
      groups: 'len(df.groupby("k"))',
      mean_a: 'pd.read_csv("a.csv")["a"].mean()',
      n_rows: 'pd.read_csv("a.csv").shape[0]',
      top: 'np.max(pd.read_csv("a.csv").values)',
      summary: 'pd.read_csv("a.csv").groupby("k").mean()',
      // Round 46 Y: reduced as many times as the table has dimensions, then divided.
      purity: 'pd.crosstab(wine["cluster"], wine["cultivar"]).max(axis=1).sum() / len(wine)',
      largest: 'df.groupby("target").size().max() / len(df)',
      overall: 'pd.concat(frames).mean().mean()',
      per_column: 'pd.concat(frames).mean()',
      sizes: 'df.groupby("target").size() / len(df)',
    };
    const source = Object.keys(values).map((name) => `print(${name})`).join('\n');
    assert.deepEqual(printedTextTables(source, (name) => (values[name] === undefined ? [] : [values[name]])).map((t) => t.text), ['summary', 'per_column', 'sizes']);
  });
});
