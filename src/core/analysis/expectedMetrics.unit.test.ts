// Expected metrics from the saved outputs of metrics cells that only print or show what earlier steps
// computed (found promoting unseen notebooks: those cells gave no expected metric, or one the run lacked).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { NotebookCell } from '../contract/notebook';
import type { StepGraph, StepNode } from '../contract/stepGraph';
import { cellsBehindMetrics, expectedMetricsFromOutputs, printsText, interpolatedNames, isDurationName, jsonDumpedName, MAX_TABLE_ROWS, namesShownWithNumbers, percentToken, printedLabels, ranAfter, roundedName, roundedNumber, savedError, shownNames, shownStreamText, shownTableRows, streamsJoined, tableMetrics } from './expectedMetrics';
import type { ExpectedMetric, MetricsCellInfo } from './expectedMetrics';
import { hasPython, PYTHON } from '../scaffold/testing';

function metricsCell(source: string, outputs: unknown[], extra: Partial<MetricsCellInfo> = {}): MetricsCellInfo {
  const cell: NotebookCell = { index: 3, kind: 'code', source, tags: ['metrics'], metadata: {}, outputs };
  return { cell, assigned: [], printedNames: [], ...extra };
}
const stdout = (text: string): unknown => ({ output_type: 'stream', name: 'stdout', text });
const shown = (text: string): unknown => ({ output_type: 'execute_result', data: { 'text/plain': text }, metadata: {}, execution_count: 4 });
const read = (info: MetricsCellInfo): Record<string, ExpectedMetric> => Object.fromEntries(expectedMetricsFromOutputs([info]));

describe('expectedMetricsFromOutputs: metrics cells that show values computed by steps', () => {
  it('reads f-string prints of names the cell does not assign (Kale pipeline-metrics cells)', () => {
    const source = 'print(f"accuracy: {accuracy:.4f}")\nprint(f"precision={precision:.3f} recall={recall!r}")';
    const got = read(metricsCell(source, [stdout('accuracy: 0.9123\nprecision=0.926 recall=0.9345794392523364\n')]));
    assert.deepEqual(got, { accuracy: { value: 0.9123, decimals: 4 }, precision: { value: 0.926, decimals: 3 }, recall: { value: 0.9345794392523364 } });
  });

  // Round 57 YY: a name of other letters than ASCII's was never read, and the run recorded it.
  it('reads names of letters other than ASCII (`dokładność`) as any other: printed, in an f-string, assigned, in a dict key', () => {
    assert.deepEqual(read(metricsCell('print(f"dokładność: {dokładność:.4f}")', [stdout('dokładność: 0.7877\n')])), { dokładność: { value: 0.7877, decimals: 4 } });
    assert.deepEqual(read(metricsCell('print("dokładność:", dokładność)', [stdout('dokładność: 0.5\n')], { printCalls: [] })), { dokładność: { value: 0.5, decimals: 6 } });
    assert.deepEqual(read(metricsCell('wynik = {"trafność": acc}\nwynik', [shown("{'trafność': 0.25}")], { assigned: ['wynik'], trailingText: 'wynik' })), { trafność: { value: 0.25, decimals: 7 } });
    // A label alone in other letters, the value a name of ASCII's: by the name.
    assert.deepEqual(read(metricsCell('print(f"准确率: {acc:.3f}")', [stdout('准确率: 0.912\n')])), { acc: { value: 0.912, decimals: 3 } });
  });

  // Round 67 RRR: `print(best["n"])` (bound as n) above `print(frame["acc"])` of a Series was not read.
  it('pairs a print that may print several lines with its line when that line is a number, from either end', () => {
    const series = '0    0.9\n1    0.8\nName: acc, dtype: float64\n';
    const info = (text: string): MetricsCellInfo => metricsCell('print(n)\nprint(frame["acc"])\nprint(m)', [stdout(text)], { printedNames: ['n', 'm'], printCalls: [['n'], [], ['m']], printCallsTopLevel: [true, true, true], printCallsOneLine: [false, false, false] });
    assert.deepEqual(read(info(`38\n${series}7\n`)), { n: { value: 38 }, m: { value: 7 } });
    // The first line no number: nothing is told apart from the start.
    assert.deepEqual(read(info(`${series}${series}7\n`)), { m: { value: 7 } });
  });

  // Round 58 BBB: `print("best model:", results["r2"].idxmax())` printed `ridge`, and metric-unread said the run records it.
  it('tells text printed under a label (no number) from a number', () => {
    const cell = metricsCell('print("best model:", r.idxmax())\nprint("best k:", k.idxmax())', [stdout('best model: ridge\nbest k: 4\n')]).cell;
    assert.equal(printsText(cell, 1), true);
    assert.equal(printsText(cell, 2), false);
    // Round 66: an item printed alone, by its own line of the output when every print is the cell's one statement.
    const alone = metricsCell('print(best["model"])\nprint(best["k"])', [stdout('ridge\n4\n')]).cell;
    assert.equal(printsText(alone, 1), true);
    assert.equal(printsText(alone, 2), false);
    const looped = metricsCell('for k in ks:\n    print(k)\nprint(best["model"])', [stdout('a\nb\nridge\n')]).cell;
    assert.equal(printsText(looped, 3), false);
  });

  // Round 58 AAA: the saved outputs gave `rmse`, the run `scores.rmse`.
  it('reads a dict an earlier metrics cell shows by its name as that name\'s entries; the last cell\'s by its keys', () => {
    const first = metricsCell('scores = {"rmse": r, "mse": m}\nscores', [shown("{'rmse': 0.5, 'mse': 0.25}")], { assigned: ['scores'], trailingText: 'scores' });
    const second = { ...metricsCell('total = {"mae": a}\ntotal', [shown("{'mae': 0.125}")], { assigned: ['total'], trailingText: 'total' }) };
    assert.deepEqual(Object.keys(Object.fromEntries(expectedMetricsFromOutputs([first, second]))), ['scores.rmse', 'scores.mse', 'mae']);
  });

  // Round 57 YY: "balanced accuracy: 0.9500000000000001" was read as accuracy's too, and the more precise number won.
  it('reads the last word of a label of several as no label of its own', () => {
    const info = metricsCell('print("accuracy:", acc)\nprint("balanced accuracy:", bal_acc)', [stdout('accuracy: 0.95\nbalanced accuracy: 0.9500000000000001\n')], { printCalls: [['acc'], ['bal_acc']], printCallsTopLevel: [true, true], printCallsOneLine: [true, true] });
    assert.deepEqual(read(info), { acc: { value: 0.95, decimals: 6 }, bal_acc: { value: 0.9500000000000001 } });
  });

  it('takes nothing from a metrics cell whose saved outputs hold an error, and names the error', () => {
    const error = { output_type: 'error', ename: 'KeyError', evalue: "'auc'", traceback: ['\u001b[0;31mKeyError\u001b[0m'] };
    const info = metricsCell('print(f"accuracy: {accuracy:.4f}")\nprint(f"auc: {scores[\'auc\']}")', [stdout('accuracy: 0.9123\n'), error]);
    assert.deepEqual(read(info), {});
    assert.equal(savedError(info.cell), "KeyError: 'auc'");
    assert.equal(savedError(metricsCell('x = 1', [stdout('1\n')]).cell), undefined);
  });

  it("reads a loop over one dict's items as that dict's flattened metrics (`results.logreg`), key lines only", () => {
    const source = "for name, score in results.items():\n    print(f'{name}: {score:.4f}')\nbest = max(results.values())\nprint('best', best)";
    const got = read(metricsCell(source, [stdout('logreg: 0.9778\ntree: 0.9556\nLogistic Regression: 0.9\nbest 0.9777777777777777\n')], { assigned: ['best'] }));
    assert.deepEqual(got, { 'results.logreg': { value: 0.9778, decimals: 4 }, 'results.tree': { value: 0.9556, decimals: 4 }, best: { value: 0.9777777777777777 } });
    // Two loops over items: which dict a key belongs to is unknown, so none is read.
    const two = read(metricsCell(`${source}\nfor k, v in other.items():\n    print(f'{k}: {v}')`, [stdout('logreg: 0.9778\nx: 1\n')]));
    assert.deepEqual(two, {});
  });

  it('reads a trailing round(name, n) as name, shown to n decimals', () => {
    assert.deepEqual(read(metricsCell('round(acc, 3)', [shown('0.967')], { trailingText: 'round(acc, 3)' })), { acc: { value: 0.967, decimals: 3 } });
    // round(acc) shows it whole: acc to 0 decimals.
    assert.deepEqual(read(metricsCell('round(acc)', [shown('1')], { trailingText: 'round(acc)' })), { acc: { value: 1, decimals: 0 } });
  });

  it('reads a shown Series by its index, not a DataFrame by its rows', () => {
    assert.deepEqual(read(metricsCell('pd.Series({"r2": r2, "mae": mae})', [shown('r2     0.25\nmae    0.50\ndtype: float64')], { trailingText: 'pd.Series({"r2": r2, "mae": mae})' })), {
      r2: { value: 0.25, decimals: 2 },
      mae: { value: 0.5, decimals: 2 },
    });
    assert.deepEqual(read(metricsCell('results', [shown('         r2\nmodel      \na      0.50\nb      0.75')], { trailingText: 'results' })), {});
    // Round 39 O: labels of several words were left out, and the test never compared them.
    assert.deepEqual(read(metricsCell('summary', [shown('Mean error          2.74\nR2                  0.55\nVocabulary size    35.00\nName: scores, dtype: float64')], { trailingText: 'summary' })), {
      'Mean error': { value: 2.74, decimals: 2 },
      R2: { value: 0.55, decimals: 2 },
      'Vocabulary size': { value: 35, decimals: 2 },
    });
  });

  it('reads a print(f"...") line through its template, whatever the words around the fields', () => {
    const source = 'print(f"r2={ridge_r2:.3f} mae={cv_mae:.2f}")\nprint(f"ridge r2 {ridge_r2:.3f} | cv {scores[\'cv\']:.1f} | n {n}")\nprint(f"{best=}")';
    const got = read(metricsCell(source, [stdout('r2=0.512 mae=3.25\nridge r2 0.512 | cv 0.4 | n 7\nbest=0.9\n')]));
    assert.deepEqual(got, { ridge_r2: { value: 0.512, decimals: 3 }, cv_mae: { value: 3.25, decimals: 2 }, n: { value: 7 }, best: { value: 0.9, decimals: 6 } });
  });

  it('reads a printed dict by the keys that name the cell\'s metrics', () => {
    const source = 'mae = 2.19346\nrmse = 2.65098\nprint({"mae": round(mae, 4), "rmse": rmse, "note": "ok", "other": 3})';
    const got = read(metricsCell(source, [stdout("{'mae': 2.1935, 'rmse': 2.65098, 'note': 'ok', 'other': 3}\n")], { assigned: ['mae', 'rmse'] }));
    assert.deepEqual(got, { mae: { value: 2.1935, decimals: 4 }, rmse: { value: 2.65098, decimals: 5 } });
  });

  it('reads a printed dict of names under other keys (`print({"roc_auc": auc})`) under the names', () => {
    const got = read(metricsCell("print({'roc_auc': auc, \"f1 score\": f1, 'n': len(rows)})", [stdout("{'roc_auc': 0.7094061327467978, 'f1 score': 0.5496, 'n': 3}\n")]));
    assert.deepEqual(got, { auc: { value: 0.7094061327467978 }, f1: { value: 0.5496, decimals: 4 } });
  });

  it('matches a label that differs from the name only in case ("RMSE: 52.044" for rmse)', () => {
    const got = read(metricsCell("rmse = mse ** 0.5\nprint(f'RMSE: {rmse:.3f}')", [stdout('RMSE: 52.044\n')], { assigned: ['rmse'] }));
    assert.deepEqual(got, { rmse: { value: 52.044, decimals: 3 } });
  });

  it('reads print("label", name) under the name', () => {
    const got = read(metricsCell("print('accuracy', acc)\nprint('f1', f1)", [stdout('accuracy 0.8181818181818182\nf1 0.6521739130434783\n')]));
    assert.deepEqual(got, { acc: { value: 0.8181818181818182 }, f1: { value: 0.6521739130434783 } });
  });

  // Round 74 GHG: `print(f"acc{{x}}:", acc)` made x a metric, and every run failed with NameError.
  it('reads doubled braces in an f-string as text, not a field', () => {
    assert.deepEqual(interpolatedNames('f"acc{{x}}:", acc'), []);
    assert.deepEqual(interpolatedNames('f"{{{x}}} {acc:.3f}"'), ['x', 'acc']);
    const got = read(metricsCell('print(f"acc{{x}}:", acc)', [stdout('acc{x}: 0.75\n')]));
    assert.deepEqual(got, { acc: { value: 0.75, decimals: 6 } });
  });

  // Round 73 EFE: a raw label gave no expected value, and the metric went unchecked.
  it('reads a raw or u-prefixed label as a plain one', () => {
    const got = read(metricsCell('print(r"sd:", sd)\nprint(u"acc:", acc)', [stdout('sd: 1.922357737030361\nacc: 0.51\n')]));
    assert.deepEqual(got, { sd: { value: 1.922357737030361 }, acc: { value: 0.51, decimals: 6 } });
  });

  it('reads a trailing bare name, and a trailing tuple of names, value by value', () => {
    assert.deepEqual(read(metricsCell('print(rmse)\nr2', [shown('0.5700795996027332')], { trailingText: 'r2' })), { r2: { value: 0.5700795996027332 } });
    const tuple = read(metricsCell('acc = 1\nbal = 2\nacc, bal', [shown('(0.7066666666666667, np.float64(0.7033))')], { assigned: ['acc', 'bal'], trailingText: 'acc, bal' }));
    assert.deepEqual(tuple, { acc: { value: 0.7066666666666667 }, bal: { value: 0.7033, decimals: 6 } });
  });

  it('reads a NumPy 2 scalar shown as the trailing expression (`np.float64(0.5497…)`), alone or in a dict', () => {
    assert.deepEqual(read(metricsCell('loss = np.float64(ll)\nloss', [shown('np.float64(0.549780804179293)')], { assigned: ['loss'], trailingText: 'loss' })), { loss: { value: 0.549780804179293 } });
    assert.deepEqual(read(metricsCell('n = np.int64(3)\nn', [shown('np.int64(388)')], { assigned: ['n'], trailingText: 'n' })), { n: { value: 388 } });
    assert.deepEqual(read(metricsCell("scores", [shown("{'acc': np.float64(0.75), 'n': np.int64(12), 'f1': np.float32(-1.5e-3)}")], { trailingText: 'scores' })), {
      // A repr, not a rounding: within a float32's precision (its repr is short). By its keys, as a dict shown
      // without a name (round 54 SS).
      acc: { value: 0.75, decimals: 6 },
      n: { value: 12 },
      f1: { value: -0.0015, decimals: 9 },
    });
  });

  it('a value printed rounded gives way to the same value shown more precisely in the dict the cell shows', () => {
    const cell = metricsCell("print(f'AUC {auc:.3f}')\n{'auc': auc, 'precision': 0.4}", [stdout('AUC 0.519\n'), shown("{'auc': 0.519396551724138, 'precision': 0.4}")], { assigned: [], trailingText: "{'auc': auc, 'precision': 0.4}" });
    assert.deepEqual(read({ ...cell, printCalls: [['auc']] }), { auc: { value: 0.519396551724138 }, precision: { value: 0.4, decimals: 7 } });
  });

  it("reads a one-row DataFrame's columns, as the run does, and no DataFrame of several rows shown only as text", () => {
    assert.deepEqual(read(metricsCell('results', [shown('   accuracy       auc\n0     0.85  0.912345')], { trailingText: 'results' })), { accuracy: { value: 0.85, decimals: 2 }, auc: { value: 0.912345, decimals: 6 } });
    assert.deepEqual(read(metricsCell('table', [shown('    acc   auc\nlr  0.8  0.90\nrf  0.9  0.95')], { trailingText: 'table' })), {});
  });

  it('reads a table of several rows pandas showed in HTML as <row>.<column>', () => {
    const output = { output_type: 'execute_result', data: { 'text/html': table(['', 'acc', 'auc'], [['rf', '0.90', '0.950000'], ['lr', '0.80', '0.912345']]), 'text/plain': '...' }, metadata: {}, execution_count: 4 };
    assert.deepEqual(read(metricsCell('results', [output], { trailingText: 'results' })), {
      'rf.acc': { value: 0.9, decimals: 2 },
      'rf.auc': { value: 0.95, decimals: 6 },
      'lr.acc': { value: 0.8, decimals: 2 },
      'lr.auc': { value: 0.912345, decimals: 6 },
    });
  });

  it('ignores labels that name nothing the cell shows; names a tuple of calls and names by the functions and the names', () => {
    assert.deepEqual(read(metricsCell("for k, m in models.items():\n    print(f'{k}: {m.score(X, y):.4f}')", [stdout('accuracy: 0.6778\n')])), {});
    assert.deepEqual(read(metricsCell('f(a), b', [shown('(1.0, 2.0)')], { trailingText: 'f(a), b' })), { f: { value: 1, decimals: 6 }, b: { value: 2, decimals: 6 } });
    assert.deepEqual(read(metricsCell('f(a), b + 1', [shown('(1.0, 2.0)')], { trailingText: 'f(a), b + 1' })), { f: { value: 1, decimals: 6 } });
  });
});

/** pandas' HTML of a frame: `header` (the index's header cell first), then each row (its label first). */
function table(header: readonly string[], rows: readonly (readonly string[])[], indexName?: string): string {
  const th = (cells: readonly string[]): string => cells.map((c) => `      <th>${c}</th>\n`).join('');
  const names = indexName === undefined ? '' : `    <tr>\n${th([indexName, ...header.slice(1).map(() => '')])}    </tr>\n`;
  const body = rows.map(([label, ...cells]) => `    <tr>\n      <th>${label ?? ''}</th>\n${cells.map((c) => `      <td>${c}</td>\n`).join('')}    </tr>\n`).join('');
  return `<div>\n<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n${th(header)}    </tr>\n${names}  </thead>\n  <tbody>\n${body}  </tbody>\n</table>\n</div>`;
}

describe('tableMetrics: a table of several rows pandas showed, by the runtime rule (table_metrics)', () => {
  const names = (html: string): string[] | undefined => {
    const found = tableMetrics(html);
    return found === undefined ? undefined : [...found.keys()];
  };

  it('names rows by their index labels, also under a second header row naming the index', () => {
    assert.deepEqual(names(table(['', 'accuracy'], [['rf', '0.9'], ['lr', '0.8']], 'model')), ['rf.accuracy', 'lr.accuracy']);
    assert.deepEqual(names(table(['', 'accuracy'], [['Random Forest', '0.9'], ['a &amp; b', '0.8']])), ['Random Forest.accuracy', 'a & b.accuracy']);
  });

  it('names rows of whole-number labels by the one column of distinct texts, and by the labels when there is none or several', () => {
    assert.deepEqual(names(table(['', 'model', 'accuracy', 'n'], [['2', 'gb', '0.93', '3'], ['0', 'lr', '0.91', '5']])), ['gb.accuracy', 'gb.n', 'lr.accuracy', 'lr.n']);
    assert.deepEqual(names(table(['', 'model', 'accuracy'], [['2', 'gb', '0.93'], ['0', 'gb', '0.91']])), ['2.accuracy', '0.accuracy']);
    assert.deepEqual(names(table(['', 'model', 'kind', 'accuracy'], [['0', 'gb', 'tree', '0.93'], ['1', 'lr', 'linear', '0.91']])), ['0.accuracy', '1.accuracy']);
    // NaN (a float) and None are no texts: `model` is still the one column of texts.
    assert.deepEqual(names(table(['', 'model', 'note', 'accuracy'], [['0', 'gb', 'NaN', 'NaN'], ['1', 'lr', 'None', '0.91']])), ['lr.accuracy']);
  });

  it('reads nothing from a table it cannot name or read whole: repeated names, too many rows, cut short, several levels', () => {
    assert.equal(tableMetrics(table(['', 'accuracy'], [['cv', '0.9'], ['cv', '0.8']])), undefined);
    const many = Array.from({ length: MAX_TABLE_ROWS + 1 }, (_, i) => [`m${i}`, '0.5']);
    assert.equal(tableMetrics(table(['', 'accuracy'], many)), undefined);
    assert.equal(names(table(['', 'accuracy'], many.slice(0, MAX_TABLE_ROWS)))?.length, MAX_TABLE_ROWS);
    assert.equal(tableMetrics(table(['', 'a', '...', 'z'], [['rf', '1', '...', '2'], ['lr', '3', '...', '4']])), undefined);
    assert.equal(tableMetrics(table(['', 'accuracy'], [['rf', '0.9']])), undefined);
    assert.equal(tableMetrics(table(['', 'accuracy'], [['rf', '0.9'], ['lr', '0.8']]).replace('<th>accuracy</th>', '<th colspan="2">accuracy</th>')), undefined);
    assert.equal(tableMetrics('<table><tr><td>1</td></tr></table>'), undefined);
  });

  it('reads numbers shown with their digits in groups (display.float_format "{:,.2f}"), in a table, a one-row frame and a Series', () => {
    assert.deepEqual(Object.fromEntries(tableMetrics(table(['', 'revenue'], [['north', '1,851,851.84'], ['south', '12.50']])) ?? []), {
      'north.revenue': { value: 1851851.84, decimals: 2 },
      'south.revenue': { value: 12.5, decimals: 2 },
    });
    assert.deepEqual(read(metricsCell('summary', [shown('       revenue  share\n0 1,851,851.84   0.38')], { trailingText: 'summary' })), {
      revenue: { value: 1851851.84, decimals: 2 },
      share: { value: 0.38, decimals: 2 },
    });
    assert.deepEqual(read(metricsCell('totals', [shown('revenue   465,478.95\ncost       1,000.00\ndtype: float64')], { trailingText: 'totals' })), {
      revenue: { value: 465478.95, decimals: 2 },
      cost: { value: 1000, decimals: 2 },
    });
  });

  it('reads a table shown through a Styler (results.style.highlight_max().format(...)), index name row and all', () => {
    const html = [
      '<style type="text/css">\n#T_9cb94_row1_col0 {\n  background-color: yellow;\n}\n</style>',
      '<table id="T_9cb94">',
      '  <thead>',
      '    <tr><th class="blank level0" >&nbsp;</th><th id="T_9cb94_level0_col0" class="col_heading level0 col0" >accuracy</th></tr>',
      '    <tr><th class="index_name level0" >model</th><th class="blank col0" >&nbsp;</th></tr>',
      '  </thead>',
      '  <tbody>',
      '    <tr><th id="T_9cb94_level0_row0" class="row_heading level0 row0" >logreg</th><td id="T_9cb94_row0_col0" class="data row0 col0" >0.8475</td></tr>',
      '    <tr><th id="T_9cb94_level0_row1" class="row_heading level0 row1" >hgb</th><td id="T_9cb94_row1_col0" class="data row1 col0" >0.9100</td></tr>',
      '  </tbody>',
      '</table>',
    ].join('\n');
    assert.deepEqual(Object.fromEntries(tableMetrics(html) ?? []), { 'logreg.accuracy': { value: 0.8475, decimals: 4 }, 'hgb.accuracy': { value: 0.91, decimals: 4 } });
  });

  it('reads numbers in e-notation as rounded to the digits shown, and leaves out cells that are no numbers', () => {
    assert.deepEqual(Object.fromEntries(tableMetrics(table(['', 'loss', 'mse', 'note'], [['rf', '1.234568e-07', '1.04e+09', 'ok'], ['lr', '2', '2', 'x']])) ?? []), {
      'rf.loss': { value: 1.234568e-7, decimals: 13 },
      'rf.mse': { value: 1.04e9, decimals: -7 },
      'lr.loss': { value: 2 },
      'lr.mse': { value: 2 },
    });
  });
});

describe('tableMetrics and the runtime table_metrics agree on the tables pandas shows', function () {
  this.timeout(60_000);
  it('give the same names and numbers (to the decimals shown) for frames of every kind of row name', function () {
    if (!hasPython('pandas')) this.skip();
    const script = [
      'import importlib.util, json, sys',
      'import numpy as np, pandas as pd',
      `spec = importlib.util.spec_from_file_location("rt", ${JSON.stringify(join(__dirname, '..', 'scaffold', 'templates', 'runtime.py'))})`,
      'rt = importlib.util.module_from_spec(spec); sys.modules["rt"] = rt; spec.loader.exec_module(rt)',
      'base = pd.DataFrame({"model": ["Logistic Regression", "rf", "a & <b>"], "accuracy": [0.8125, 2 / 3, 0.9], "n": [5, 3, 4], "auc": [np.float32(0.7), 1e-9, np.nan]})',
      'frames = [base, base.sort_values("accuracy"), base.set_index("model"), base.drop(columns="model"), base.assign(kind=["a", "b", "c"]),',
      '          base.iloc[[2, 0]], base.set_index(pd.Index([0.5, 1.5, 2.5])), base.assign(model=["x", "x", "y"]), base.T, base.set_index(pd.Index(["a", "a", "b"]))]',
      'cases = [{"html": f._repr_html_(), "metrics": {k: (None if v != v else v) for k, v in rt.flatten_metrics(rt.table_metrics(f)).items()}} for f in frames]',
      'print(json.dumps(cases))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const cases = JSON.parse(run.stdout) as { html: string; metrics: Record<string, number | null> }[];
    let read = 0;
    for (const { html, metrics } of cases) {
      const found = tableMetrics(html) ?? new Map<string, ExpectedMetric>();
      for (const [name, metric] of found) {
        const value = metrics[name];
        assert.ok(typeof value === 'number', `${name} is read from the table but not a metric of the run: ${html}`);
        assert.ok(Math.abs(value - metric.value) <= 0.5 * 10 ** -(metric.decimals ?? 15), `${name}: ${value} in the run, ${metric.value} shown`);
      }
      // Left out: what the run has that pandas shows as no number to decimals, NaN and a column in e-notation
      // (with 1e-9 in it, pandas writes 0.7 as 7.000000e-01).
      const eNotation = /<td>-?\d\.\d+e[-+]\d+<\/td>/.test(html);
      for (const [name, value] of Object.entries(metrics)) assert.ok(found.has(name) || value === null || eNotation, `${name} (${value}) is a metric of the run but not read from ${html}`);
      read += found.size === 0 ? 0 : 1;
    }
    assert.ok(read >= 7, `${read} of ${cases.length} tables read`);
  });
});

describe('isDurationName: metrics that are times by their names (never expected to reproduce)', () => {
  it('knows times in snake case, camel case, words and table columns, and not metrics that only contain the letters', () => {
    for (const name of ['fit_time', 'mean_score_time', 'rf.Training Time', 'elapsed', 'trainSeconds', 'latency_ms', 'timings.fit', 'took']) assert.ok(isDurationName(name), name);
    for (const name of ['accuracy', 'rmse', 'timestamp_count', 'lr.f1', 'sentiment', 'mse', 'tims_ratio']) assert.ok(!isDurationName(name), name);
  });
});

describe('shownTableRows: a table of several rows the metrics cell shows that is not read as metrics', () => {
  const frame = (rows: readonly string[], plain: string): unknown => ({
    output_type: 'execute_result',
    data: { 'text/html': `<div><table border="1" class="dataframe">\n  <thead>\n    <tr><th></th><th>accuracy</th></tr>\n  </thead>\n  <tbody>\n${rows.map((r) => `    <tr>\n      <th>${r}</th>\n      <td>0.5</td>\n    </tr>\n`).join('')}  </tbody>\n</table>\n</div>`, 'text/plain': plain },
    metadata: {},
    execution_count: 7,
  });

  it('counts the rows of a DataFrame of several rows whose rows repeat a name, and of one pandas cut short', () => {
    assert.deepEqual(shownTableRows(metricsCell('results', [frame(['rf', 'rf'], '       accuracy\nmodel          \nrf          0.5\nrf          0.5')]).cell), { rows: 2, last: true });
    assert.equal(shownTableRows(metricsCell('results', [frame(['rf', 'lr'], '       accuracy\nmodel          \nrf          0.5\nlr          0.5')]).cell), undefined);
    assert.deepEqual(shownTableRows(metricsCell('results', [shown('    a\n0   1\n..  ..\n99  1\n\n[100 rows x 1 columns]')]).cell), { rows: 100, last: true });
    // Passed to display(...): a display output.
    const displayed: Record<string, unknown> = { ...(frame(['rf', 'rf'], '       accuracy\nmodel          \nrf          0.5\nrf          0.5') as Record<string, unknown>), output_type: 'display_data' };
    delete displayed['execution_count'];
    assert.deepEqual(shownTableRows(metricsCell('print(1)', [displayed]).cell), { rows: 2, last: false });
  });

  it('gives nothing for a one-row frame, a Series, a dict or a number (those are read as metrics)', () => {
    assert.equal(shownTableRows(metricsCell('results', [frame(['0'], '   accuracy\n0       0.5')]).cell), undefined);
    assert.equal(shownTableRows(metricsCell('s', [shown('mae    1.2\nr2     0.8\ndtype: float64')]).cell), undefined);
    assert.equal(shownTableRows(metricsCell('d', [shown("{'acc': 0.9}")]).cell), undefined);
    assert.equal(shownTableRows(metricsCell('acc', [shown('0.9'), stdout('a\nb\nc\n')]).cell), undefined);
  });
});

describe('interpolatedNames and printedLabels', () => {
  it('finds the names in replacement fields, not attributes or calls', () => {
    assert.deepEqual(interpolatedNames('print(f"{acc:.3f} {auc} {x!r} {y=} {model.coef_} {f(z)}")'), ['acc', 'auc', 'x', 'y']);
  });
  it('maps the label of a two-argument print to the name printed', () => {
    assert.deepEqual([...printedLabels("print('accuracy:', acc)\nprint(\"f1\", f1)  # macro\nprint('a', b, c)")], [
      ['accuracy', 'acc'],
      ['f1', 'f1'],
    ]);
  });
  it('maps each label of a print alternating labels and names to the name after it, and reads both values', () => {
    assert.deepEqual([...printedLabels('print("Accuracy:", acc, "AUC:", auc)\nprint("a", b, c, d)')], [
      ['Accuracy', 'acc'],
      ['AUC', 'auc'],
    ]);
    const info = metricsCell('acc = 0.78\nauc = 0.70\nprint("Accuracy:", acc, "AUC:", auc)', [stdout('Accuracy: 0.7857142857142857 AUC: 0.704772475027747\n')], { assigned: ['acc', 'auc'] });
    assert.deepEqual(read(info), { acc: { value: 0.7857142857142857 }, auc: { value: 0.704772475027747 } });
  });
  it('reads print(a, b, c) of bare names, one line per print, value by value; a value that is not a number is skipped', () => {
    const info = metricsCell('print(acc_lr, acc_tree, best)\nprint(n_rows, f1)', [stdout('0.8125 0.775 lr\n120 0.66\n')], { printCalls: [['acc_lr', 'acc_tree', 'best'], ['n_rows', 'f1']] });
    assert.deepEqual(Object.keys(read(info)).sort(), ['acc_lr', 'acc_tree', 'f1', 'n_rows']);
    assert.equal(read(info)['acc_tree']?.value, 0.775);
    const mismatched = metricsCell('print(a, b)', [stdout('0.1\n')], { printCalls: [['a', 'b']] });
    assert.deepEqual(read(mismatched), {});
  });
});

describe('cellsBehindMetrics and ranAfter: saved metrics outputs of a notebook run out of order', () => {
  const step = (name: string, cells: readonly number[], after: readonly string[] = []): StepNode => ({ name, cells: cells.map((index) => ({ index })), inputs: [], imports: [], commonNames: [], metricInputs: [], outputs: [], after, explicitAfter: [] });
  const at = (cellIndex: number) => ({ cellIndex, line: 1 });
  // 0 imports, 1 parameters, 2 load, 3 metrics, 4 train (after load), 5 report, 6 a test, 7 functions below the metrics.
  const graph: StepGraph = {
    steps: [step('load', [2]), step('train', [4], ['load']), step('report', [5])],
    parameters: [{ name: 'seed', default: 0, type: 'int', definedAt: at(1) }],
    common: { cells: [{ index: 0 }, { index: 7 }], names: [], imports: [] },
    metrics: { name: 'metrics', cells: [{ index: 3 }], inputs: ['model'], imports: [], commonNames: [], metricInputs: [] },
    tests: [{ name: 'test:7', cells: [{ index: 6 }], inputs: [], imports: [], commonNames: [], metricInputs: [] }],
    edges: [{ from: 'train', to: 'metrics', name: 'model', definedAt: at(4), usedAt: at(3), explanation: '' }],
    requirements: [],
    problems: [],
  };

  it('are the pipeline cells above the metrics cell and the cells of the steps it takes values from, and of their upstream steps', () => {
    assert.deepEqual([...cellsBehindMetrics(graph, 3)].sort(), [0, 1, 2, 4]);
  });

  it('ranAfter names the cells with a higher execution count than the metrics cell, in notebook order', () => {
    const cell = (index: number, executionCount: number | null): NotebookCell => ({ index, kind: 'code', source: '', tags: [], metadata: {}, outputs: [], executionCount });
    const metrics = cell(3, 12);
    assert.deepEqual(ranAfter(metrics, [cell(4, 30), cell(0, 1), cell(2, 21), cell(1, null), cell(3, 12)]).map((c) => c.index), [2, 4]);
    assert.deepEqual(ranAfter(metrics, [cell(0, 1), cell(2, 11)]), []);
    // A metrics cell without an execution count (outputs cleared, a percent script) tells nothing.
    assert.deepEqual(ranAfter(cell(3, null), [cell(2, 21)]), []);
  });
});

describe('expectedMetricsFromOutputs: prints of labels of any words and names (round 17)', () => {
  it('reads print("Mean Absolute Error:", mae) and print("R² Score:", r2) by the names printed', () => {
    const source = 'print("Mean Absolute Error:", mae)\nprint("R² Score:", r2)\nprint("n =", n, "rows")';
    const got = read(metricsCell(source, [stdout('Mean Absolute Error: 0.1218\nR² Score: 0.93\nn = 5 rows\n')], { assigned: ['mae', 'r2'] }));
    assert.deepEqual(got, { mae: { value: 0.1218, decimals: 7 }, r2: { value: 0.93, decimals: 6 }, n: { value: 5 } });
  });

  // Round 46 Y and Z: `accuracy: 1.0` was read as 1.0 to one decimal, and a run giving 0.967 passed the test.
  it('reads a name printed as Python writes it (str, repr) as its value, within a float32\'s precision, not as a rounding', () => {
    const source = 'print("accuracy:", accuracy)\nprint(f"f1: {f1}")\nprint(f"{hit=}")\nprint("rmse %s" % rmse)\nprint(auc)';
    const got = read(metricsCell(source, [stdout('accuracy: 1.0\nf1: 0.5\nhit=0.75\nrmse 1520.25\n0.9\n')], { printedNames: ['auc'], printCalls: [['accuracy'], [], [], [], ['auc']] }));
    assert.deepEqual(got, { accuracy: { value: 1, decimals: 6 }, f1: { value: 0.5, decimals: 6 }, hit: { value: 0.75, decimals: 6 }, rmse: { value: 1520.25, decimals: 3 }, auc: { value: 0.9, decimals: 6 } });
    // Round 49 GG: a large number's repr was expected to 6 significant digits (1234567.0 within 5): now within a
    // float32's precision, 0.5 here, and 0.066 within 5e-8.
    assert.deepEqual(read(metricsCell('print(total)\nprint(acc)', [stdout('1234567.0\n0.066\n')], { printedNames: ['total', 'acc'], printCalls: [['total'], ['acc']] })), { total: { value: 1234567, decimals: 0 }, acc: { value: 0.066, decimals: 7 } });
    // Formatted or rounded, it is what the format keeps.
    assert.deepEqual(read(metricsCell('print(f"acc: {acc:.1f}")\nprint("f1:", round(f1, 2))', [stdout('acc: 1.0\nf1: 0.5\n')])), { acc: { value: 1, decimals: 1 }, f1: { value: 0.5, decimals: 2 } });
  });

  // Round 47 AA: `print(f"{loss}")` after `print(acc)` read acc's line (its pattern fits any number); a label a loop
  // prints under several values read the first.
  it('reads a print without words of its own from its own line, and no label shown with several values', () => {
    const calls = { printCalls: [['acc'], [], []], printCallsTopLevel: [true, true, true] };
    assert.deepEqual(read(metricsCell('print(acc)\nprint(f"{loss}")\nprint("%s" % f1)', [stdout('0.97\n0.0885\n0.5\n')], calls)), { acc: { value: 0.97, decimals: 6 }, loss: { value: 0.0885, decimals: 7 }, f1: { value: 0.5, decimals: 6 } });
    // Not paired with its print (a loop prints too): read only when no other line fits.
    assert.deepEqual(read(metricsCell('print(acc)\nprint(f"{loss}")', [stdout('0.97\n0.0885\n')])), {});
    const loop = 'for score in scores:\n    print("score:", score)\nprint("mean:", mean)';
    assert.deepEqual(read(metricsCell(loop, [stdout('score: 0.91\nscore: 0.875\nmean: 0.89\n')], { assigned: ['mean', 'score'] })), { mean: { value: 0.89, decimals: 6 } });
    // Round 48 CC: a display between the prints parts their lines; a print of its own line after a loop under the
    // same label; a print ending its line otherwise. Nothing wrong is read.
    const table = { output_type: 'display_data', data: { 'text/plain': 'a table' }, metadata: {} };
    const parted = read(metricsCell('print(f"{r2}")\ndisplay(t)\nprint(f"{loss}")', [stdout('0.39\n'), table, stdout('0.77\n')], { printCalls: [[], []], printCallsTopLevel: [true, true] }));
    assert.equal(parted['loss']?.value === 0.39, false, JSON.stringify(parted));
    const afterLoop = 'for part in parts:\n    print("rmse:", part)\nprint("rmse:", rmse)';
    assert.deepEqual(read(metricsCell(afterLoop, [stdout('rmse: 1.5\nrmse: 2.5\nrmse: 2.0\n')], { assigned: ['rmse'], printCalls: [['part'], ['rmse']], printCallsTopLevel: [false, true] })), {});
    const ended = read(metricsCell('print("Ridge", end=" | ")\nprint(f"{rmse:.3f}")\nprint(f"{r2}")', [stdout('Ridge | 56.506\n0.39\n')], { printCalls: [[], [], []], printCallsTopLevel: [true, true, true] }));
    assert.equal(ended['rmse']?.value === 0.39, false, JSON.stringify(ended));
    // The same value shown twice, less precisely once: read.
    assert.deepEqual(read(metricsCell('print("auc:", auc)\nprint("auc: %.2f" % auc)', [stdout('auc: 0.8123\nauc: 0.81\n')])), { auc: { value: 0.8123, decimals: 6 } });
  });

  // Round 49 EE: a label in a field, padded, and a value padded to a width were read as nothing, with no word.
  it('reads aligned labels and values (`f"{\'accuracy\':<12}{acc:>10.3f}"`)', () => {
    const source = 'print(f"{\'accuracy\':<12}{acc:>10.3f}")\nprint(f"{\'f1\':<12}{f1:>10.3f}")\nprint(f"{\'Metric\':<10} | {\'Value\':>8}")\nprint(f"{\'loss\':<10} | {loss:>8.4f}")';
    const got = read(metricsCell(source, [stdout('accuracy         0.333\nf1               0.143\nMetric     |    Value\nloss       |   0.2500\n')], { assigned: ['acc', 'f1', 'loss'] }));
    assert.deepEqual(got, { acc: { value: 0.333, decimals: 3 }, f1: { value: 0.143, decimals: 3 }, loss: { value: 0.25, decimals: 4 } });
  });

  // Round 49 GG: NumPy 2's reprs in prints (`{acc=}`, `repr(acc)`) were read as nothing.
  it('reads NumPy 2 scalars a print writes by their repr: `acc=np.float64(0.97)`, `np.float32(0.5)`', () => {
    const source = 'print(f"{acc=}")\nprint(repr(loss))\nprint("n:", n)';
    const got = read(metricsCell(source, [stdout('acc=np.float64(0.97)\nnp.float32(0.5)\nn: np.int64(12)\n')], { assigned: ['acc', 'loss', 'n'], printCalls: [[], ['loss'], []], printCallsTopLevel: [true, true, true] }));
    assert.deepEqual(got, { acc: { value: 0.97, decimals: 6 }, loss: { value: 0.5, decimals: 6 }, n: { value: 12 } });
  });

  // Round 34 A: the run recorded auc and f1, the reproduction test never checked them.
  it('reads a print of several arguments each formatting its own label and value (%, f-string, .format)', () => {
    const source = 'print("AUC=%.3f" % auc, "F1=%.3f" % f1)\nprint(f"acc={acc:.2%}", "loss:", loss)\nprint("n={}".format(n), "ok")';
    const got = read(metricsCell(source, [stdout('AUC=0.812 F1=0.654\nacc=93.50% loss: 0.25\nn=12 ok\n')], { assigned: ['auc', 'f1', 'acc', 'loss', 'n'] }));
    assert.deepEqual(got, { auc: { value: 0.812, decimals: 3 }, f1: { value: 0.654, decimals: 3 }, acc: { value: 0.935, decimals: 4 }, loss: { value: 0.25, decimals: 7 }, n: { value: 12 } });
  });
});

describe('expectedMetricsFromOutputs: nested dicts and e-notation (round 17)', () => {
  it('flattens a nested dict shown (by its keys) or printed by its name (`<name>.<key>`), as the run flattens it', () => {
    assert.deepEqual(read(metricsCell('scores', [shown("{'tr': {'acc': 1.0, 'n': 5}, 'te': {'acc': 0.752}}")], { trailingText: 'scores' })), {
      'tr.acc': { value: 1 },
      'tr.n': { value: 5 },
      'te.acc': { value: 0.752, decimals: 6 },
    });
    const printed = read(metricsCell('print(scores)', [stdout("{'tr': {'acc': 1.0}, 'te': {'acc': 0.752}}\n")], { printedNames: ['scores'], printCalls: [['scores']] }));
    assert.deepEqual(printed, { 'scores.tr.acc': { value: 1 }, 'scores.te.acc': { value: 0.752, decimals: 3 } });
  });

  it('takes a number printed in e-notation as rounded to its digits (`{mse:.2e}` prints 1.04e+09)', () => {
    assert.deepEqual(read(metricsCell('print(f"MSE: {mse:.2e}")', [stdout('MSE: 1.04e+09\n')], { assigned: [] })), { mse: { value: 1.04e9, decimals: -7 } });
  });
});

describe('expectedMetricsFromOutputs: a label before a computed value (round 18)', () => {
  it('does not take the number printed after a label for the value of the name the label equals', () => {
    const cell = (source: string, text: string): Record<string, ExpectedMetric> => read(metricsCell(source, [stdout(text)], { assigned: ['acc'], printedNames: [] }));
    assert.deepEqual(cell('acc = f(y)\nprint("acc", round(acc * 100, 1))', 'acc 75.4\n'), {});
    assert.deepEqual(cell('acc = f(y)\nprint(f"acc {acc * 100:.1f}")', 'acc 75.4\n'), {});
    assert.deepEqual(read(metricsCell('print("scores:", scores.mean())', [stdout('scores: 0.74\n')], { printedNames: [] })), {});
    // The value itself after its label is still read.
    assert.deepEqual(cell('acc = f(y)\nprint("acc", acc)', 'acc 0.754\n'), { acc: { value: 0.754, decimals: 6 } });
  });
});

describe('expectedMetricsFromOutputs: a name two metrics cells assign (round 18)', () => {
  it("expects the later cell's value, the one the run ends with", () => {
    const first = metricsCell('acc = f(a)\nprint("acc", acc)', [stdout('acc 0.784\n')], { assigned: ['acc'] });
    const second: MetricsCellInfo = { ...metricsCell('acc = f(b)\nprint("acc", acc)', [stdout('acc 0.754\n')], { assigned: ['acc'] }), cell: { ...first.cell, index: 5, source: 'acc = f(b)\nprint("acc", acc)', outputs: [stdout('acc 0.754\n')] } };
    assert.deepEqual(Object.fromEntries(expectedMetricsFromOutputs([first, second])), { acc: { value: 0.754, decimals: 6 } });
  });
});

describe('expectedMetricsFromOutputs: a dict holding NumPy values that are no metrics (round 18)', () => {
  it('reads the numbers of a dict beside an array, np.True_ and nan', () => {
    const text = "{'accuracy': 0.75, 'cm': array([[50,  3],\n       [ 4, 43]]), 'ok': np.True_, 'roc_auc': np.float64(0.81), 'loss': np.float64(nan)}";
    assert.deepEqual(read(metricsCell('results', [shown(text)], { trailingText: 'results' })), {
      accuracy: { value: 0.75, decimals: 6 },
      roc_auc: { value: 0.81, decimals: 6 },
    });
  });
});

describe('expectedMetricsFromOutputs: round 19', () => {
  it('reads neither of two prints of one label, one a name and one a computed value', () => {
    assert.deepEqual(read(metricsCell('print("scores", scores)\nprint("scores", scores.mean())', [stdout('scores [0.7 0.78]\nscores 0.74\n')], { printedNames: [] })), {});
  });

  it('reads a dict displayed by its name as <name>.<key>', () => {
    const display = { output_type: 'display_data', data: { 'text/plain': "{'logreg': 0.75, 'forest': 0.8}" }, metadata: {} };
    assert.deepEqual(read(metricsCell('display(scores)', [display], { displayed: [{ text: 'scores', line: 1, name: 'scores' }] })), { 'scores.logreg': { value: 0.75, decimals: 6 }, 'scores.forest': { value: 0.8, decimals: 6 } });
  });

  // Round 48 CC: `display(mae)` of one number was never read.
  it('reads one number displayed by its name as that name, NumPy 2 repr too; not a displayed expression', () => {
    const number = (text: string): unknown => ({ output_type: 'display_data', data: { 'text/plain': text }, metadata: {} });
    assert.deepEqual(read(metricsCell('display(mae)', [number('45.57298607000868')], { displayed: [{ text: 'mae', line: 1, name: 'mae' }] })), { mae: { value: 45.57298607000868 } });
    assert.deepEqual(read(metricsCell('display(r2)', [number('np.float64(0.5)')], { displayed: [{ text: 'r2', line: 1, name: 'r2' }] })), { r2: { value: 0.5, decimals: 6 } });
    assert.deepEqual(read(metricsCell('display(a / b)', [number('0.5')], { displayed: [{ text: 'a / b', line: 1 }] })), {});
  });

  it('keeps a name beside calls in a tuple as it is, though the metrics have it already', () => {
    const tuple = metricsCell('acc_rf = f(a)\nacc_rf, g(y), h(y)', [shown('(0.8, 0.7, 0.6)')], { assigned: ['acc_rf'], trailingText: 'acc_rf, g(y), h(y)' });
    assert.deepEqual(Object.keys(Object.fromEntries(expectedMetricsFromOutputs([tuple], ['acc_rf']))).sort(), ['acc_rf', 'g', 'h']);
  });
});

describe('expectedMetricsFromOutputs: round 28', () => {
  const stderr = (text: string): unknown => ({ output_type: 'stream', name: 'stderr', text });

  it('reads a dict printed as JSON, on one line or indented over several, as the dict repr: <name>.<key>, nested keys flattened', () => {
    const one = metricsCell('metrics = {"acc": a, "f1": f}\nprint(json.dumps(metrics))', [stdout('{"acc": 0.93, "f1": 0.9306930693069307}\n')], { assigned: ['metrics'], printCalls: [['metrics']] });
    assert.deepEqual(read(one), { 'metrics.acc': { value: 0.93, decimals: 2 }, 'metrics.f1': { value: 0.9306930693069307 } });
    const text = '{\n  "acc": 0.93,\n  "cv": {\n    "mean": 0.9,\n    "std": 0.01\n  },\n  "ok": true,\n  "model": null,\n  "auc": NaN\n}\ndone\n';
    const indented = metricsCell('print(json.dumps(scores, indent=2))\nprint("done")', [stdout(text)], { printCalls: [['scores'], []] });
    assert.deepEqual(read(indented), { 'scores.acc': { value: 0.93, decimals: 2 }, 'scores.cv.mean': { value: 0.9, decimals: 1 }, 'scores.cv.std': { value: 0.01, decimals: 2 } });
    // The run records no `scores`: none of its names is expected.
    assert.deepEqual(Object.fromEntries(expectedMetricsFromOutputs([indented], ['other'])), {});
    // A dict of names printed as JSON: each key that names a value, as `print({"roc_auc": auc})`.
    const literal = metricsCell('print(json.dumps({"roc_auc": auc, "f1": f1}, indent=2))', [stdout('{\n  "roc_auc": 0.71,\n  "f1": 0.5\n}\n')], { printCalls: [[]] });
    assert.deepEqual(read(literal), { auc: { value: 0.71, decimals: 2 }, f1: { value: 0.5, decimals: 1 } });
  });

  it('knows the name json.dumps prints, and the names the outputs show numbers under', () => {
    assert.equal(jsonDumpedName('json.dumps(metrics)'), 'metrics');
    assert.equal(jsonDumpedName('json.dumps(metrics, indent=2, sort_keys=True)'), 'metrics');
    assert.equal(jsonDumpedName('json.dumps(metrics)[:80]'), undefined);
    assert.equal(jsonDumpedName('json.dumps(metrics, cls)'), undefined);
    assert.equal(jsonDumpedName('metrics'), undefined);
    const cell = metricsCell('', [stdout('{\n  "acc": 0.93,\n  "cv": {"mean": 0.9}\n}\nAccuracy: 93.00%\nn=5, note: done\n     auc\nlr  0.8\n')]);
    assert.deepEqual(namesShownWithNumbers([cell]), ['acc', 'cv.mean', 'Accuracy', 'n']);
  });

  it('reads a percentage an f-string field shows (`{acc:.2%}`) as the fraction, to the decimals shown and two more', () => {
    assert.deepEqual(read(metricsCell('acc = f(y)\nprint(f"Accuracy: {acc:.2%}")', [stdout('Accuracy: 93.57%\n')], { assigned: ['acc'] })), { acc: { value: 0.9357, decimals: 4 } });
    assert.deepEqual(read(metricsCell('print(f"{acc=:.0%} f1 {f1:.1%}")', [stdout('acc=94% f1 -8.5%\n')])), { acc: { value: 0.94, decimals: 2 }, f1: { value: -0.085, decimals: 3 } });
    // A percent sign after the field is text: the value is the number shown, as the run has it.
    assert.deepEqual(read(metricsCell('share = 100 * a\nprint(f"share: {share:.1f}%")', [stdout('share: 93.0%\n')], { assigned: ['share'] })), { share: { value: 93, decimals: 1 } });
    // The field's name, a step's value the cell does not assign; nothing for a computed percentage.
    assert.deepEqual(read(metricsCell('print(f"Accuracy: {acc:.2%}")', [stdout('Accuracy: 93.00%\n')])), { acc: { value: 0.93, decimals: 4 } });
    assert.deepEqual(read(metricsCell('acc = f(y)\nprint(f"acc: {acc * 2:.2%}")', [stdout('acc: 93.00%\n')], { assigned: ['acc'] })), {});
    assert.deepEqual(percentToken('93.57%'), { value: 0.9357, decimals: 4 });
    assert.equal(percentToken('93.57'), undefined);
  });

  it('reads numbers an f-string field shows in groups of three (`{mse:,.1f}`, `{n:_}`), not other commas', () => {
    assert.deepEqual(read(metricsCell('print(f"mse: {mse:,.1f}")', [stdout('mse: 240,272.6\n')])), { mse: { value: 240272.6, decimals: 1 } });
    assert.deepEqual(read(metricsCell('print(f"rows {n:_} share {s:,.2%}")', [stdout('rows 1_204_000 share 1,250.00%\n')])), { n: { value: 1204000 }, s: { value: 12.5, decimals: 4 } });
    // Without the grouping option a comma is no part of the number.
    assert.deepEqual(read(metricsCell('print(f"mse: {mse}")', [stdout('mse: 240,272.6\n')])), {});
  });

  // Round 38 L: "MAE: 20723" of `{mae:.0f}` was taken as exactly 20723, and the test failed a faithful pipeline.
  it('reads a number a field rounds to a whole one (`{mae:.0f}`, `{x:,.0f}`, `"%.0f" % c`, `{:.0f}`) to 0 decimals; an int field stays exact', () => {
    assert.deepEqual(read(metricsCell('print(f"MAE: {mae:.0f}")', [stdout('MAE: 20723\n')])), { mae: { value: 20723, decimals: 0 } });
    assert.deepEqual(read(metricsCell('print(f"rmse: {rmse:,.0f}")', [stdout('rmse: 31,004\n')])), { rmse: { value: 31004, decimals: 0 } });
    assert.deepEqual(read(metricsCell('print("cost: %.0f" % cost)', [stdout('cost: 126\n')])), { cost: { value: 126, decimals: 0 } });
    assert.deepEqual(read(metricsCell('print("cost: {:.0f}".format(cost))', [stdout('cost: 126\n')])), { cost: { value: 126, decimals: 0 } });
    assert.deepEqual(read(metricsCell('print(f"rows: {n}")', [stdout('rows: 126\n')])), { n: { value: 126 } });
    assert.deepEqual(read(metricsCell('print(f"rows: {n:d}")', [stdout('rows: 126\n')])), { n: { value: 126 } });
  });

  // Round 39 N: `"%d" % rmse` prints 1059 for 1059.39 (Python cuts the float): taken as exact, the test failed.
  it('reads a number `%d` printed as cut to its whole part; a more precise line of the same name wins', () => {
    assert.deepEqual(read(metricsCell('print("RMSE: %d" % rmse)\nprint("Neg: %d" % neg)', [stdout('RMSE: 1059\nNeg: -151\n')])), { rmse: { value: 1059, decimals: 0, truncated: true }, neg: { value: -151, decimals: 0, truncated: true } });
    assert.deepEqual(read(metricsCell('print("RMSE: %d" % rmse)\nprint(f"rmse={rmse:.2f}")', [stdout('RMSE: 1059\nrmse=1059.39\n')])), { rmse: { value: 1059.39, decimals: 2 } });
    // 1060.00 cannot be the value printed as 1059.
    assert.deepEqual(read(metricsCell('print("RMSE: %d" % rmse)\nprint(f"rmse={rmse:.2f}")', [stdout('RMSE: 1059\nrmse=1060.00\n')])), { rmse: { value: 1059, decimals: 0, truncated: true } });
  });

  it('takes the most precise value the lines show of a name, not the first rounded one', () => {
    const source = 'print(f"accuracy {acc:.4f}  95% CI [{lo:.4f}, {hi:.4f}]")\nprint("lo:", lo)\nprint("hi:", hi)';
    const got = read(metricsCell(source, [stdout('accuracy 0.8400  95% CI [0.7798, 0.9100]\nlo: 0.77975\nhi: 0.91\n')], { printCalls: [[], [], []] }));
    assert.deepEqual(got, { acc: { value: 0.84, decimals: 4 }, lo: { value: 0.77975, decimals: 6 }, hi: { value: 0.91, decimals: 6 } });
    // Exact after rounded, in a label line and in a bare print.
    assert.deepEqual(read(metricsCell('print(f"auc={auc:.3f}")\nprint(f"auc: {auc}")', [stdout('auc=0.812\nauc: 0.8123456789012345\n')])), { auc: { value: 0.8123456789012345 } });
    assert.deepEqual(read(metricsCell('print(f"{r2:.2f}")\nprint(r2)', [stdout('0.41\n0.4123\n')], { printedNames: ['r2'], printCalls: [[], ['r2']] })), { r2: { value: 0.4123, decimals: 7 } });
  });

  it('joins a print cut over several stdout outputs, also around a stderr output, before reading it', () => {
    const source = "print('mean:', m)\nprint('std:', s)";
    const whole = { m: { value: -0.07361212127294708 }, s: { value: 0.8515567333390056 } };
    assert.deepEqual(read(metricsCell(source, [stdout('mean: -0.0736'), stdout('1212127294708\n'), stdout('std: 0.85155673'), stdout('33390056\n')])), whole);
    assert.deepEqual(read(metricsCell(source, [stdout('mean: -0.0736'), stderr('UserWarning: x\n'), stdout('1212127294708\nstd: 0.8515567333390056\n')])), whole);
    // A text list, as nbformat saves it, and an output of another kind between: not joined across it.
    const figure = { output_type: 'display_data', data: { 'text/plain': '<Figure size 640x480 with 1 Axes>' }, metadata: {} };
    const lines = { output_type: 'stream', name: 'stdout', text: ['a', 'b\n'] };
    assert.deepEqual(streamsJoined([lines, stderr('w\n'), stdout('c\n'), figure, stdout('d\n')]), [stdout('ab\nc\n'), figure, stdout('d\n')]);
  });

  it('reads stream text as Jupyter shows it: what a carriage return starts writes over the line', () => {
    const source = "print('mean:', m)\nprint('std:', s)";
    assert.deepEqual(read(metricsCell(source, [stdout('mean: 5\rmean: -0.07361212127294708\nstd: 0.8515567333390056\n')])), { m: { value: -0.07361212127294708 }, s: { value: 0.8515567333390056 } });
    assert.deepEqual(read(metricsCell(source, [stdout('mean: 5'), stdout('\rmean: -0.0736\n')])), { m: { value: -0.0736, decimals: 7 } });
    assert.equal(shownStreamText('mean: 5\rmean: -0.0736'), 'mean: -0.0736');
    // Written over from the start of the line: the end of the longer text stays, as Jupyter shows it.
    assert.equal(shownStreamText('epoch 10/10 loss 0.25\repoch 2\r\nok\r'), 'epoch 20/10 loss 0.25\nok');
    assert.equal(shownStreamText('ab\x08c\x08\x08d'), 'd');
  });
});

describe('expectedMetricsFromOutputs: a printed dict beside a loop that prints (round 29)', () => {
  const summaryText = '{\n  "lr_acc": 0.9866666666666667,\n  "lr_f1": 0.9867890729959695\n}\n';
  const wanted = { 'summary.lr_acc': { value: 0.9866666666666667 }, 'summary.lr_f1': { value: 0.9867890729959695 } };

  it('reads print(json.dumps(summary, indent=2)) and print(summary) followed by a loop that prints, by the cell\'s own prints before the loop', () => {
    const source = 'summary = {"lr_acc": acc, "lr_f1": f1}\nprint(json.dumps(summary, indent=2))\nfor c in ["a", "b"]:\n    print(f"{c:>9}: precision={acc:.3f} recall={f1:.3f}")';
    const loopLines = '        a: precision=0.987 recall=0.987\n        b: precision=0.987 recall=0.987\n';
    const calls = { assigned: ['summary'], printCalls: [['summary'], []], printCallsTopLevel: [true, false] };
    assert.deepEqual(read(metricsCell(source, [stdout(summaryText + loopLines)], calls)), wanted);
    const repr = metricsCell('print(summary)\nfor c in ["a", "b"]:\n    print(c, acc)', [stdout("{'lr_acc': 0.9866666666666667, 'lr_f1': 0.9867890729959695}\na 0.9866666666666667\nb 0.9866666666666667\n")], calls);
    assert.deepEqual(read(repr), wanted);
    // After the loop: the cell's own prints after the last print in a loop pair with the last lines.
    const after = metricsCell('for c in ["a", "b"]:\n    print(c)\nprint(json.dumps(summary, indent=2))', [stdout(`a\nb\n${summaryText}`)], { assigned: ['summary'], printCalls: [[], ['summary']], printCallsTopLevel: [false, true] });
    assert.deepEqual(read(after), wanted);
    // Without knowing which prints are in a loop, the lines pair with no print (as before).
    assert.deepEqual(read(metricsCell(source, [stdout(summaryText + loopLines)], { assigned: ['summary'], printCalls: [['summary'], []] })), {});
    // The cell's own prints print more lines than they are: which printed the dict is unknown.
    assert.deepEqual(read(metricsCell('print(table)\nprint(summary)', [stdout(`a 1\nb 2\n${summaryText}`)], { printCalls: [['table'], ['summary']], printCallsTopLevel: [true, true] })), {});
  });

  it('reads a loop over one dict\'s items printing a percentage (`{v:.2%}`) as the fraction, as `{v:.4f}` is read', () => {
    const source = 'rates = {"acc": acc, "f1": f1}\nfor k, v in rates.items():\n    print(f"{k}: {v:.2%}")';
    assert.deepEqual(read(metricsCell(source, [stdout('acc: 98.67%\nf1: 98.68%\n')], { assigned: ['rates'] })), { 'rates.acc': { value: 0.9867, decimals: 4 }, 'rates.f1': { value: 0.9868, decimals: 4 } });
    assert.deepEqual(read(metricsCell(source.replace('.2%', '.4f'), [stdout('acc: 0.9867\nf1: 0.9868\n')], { assigned: ['rates'] })), { 'rates.acc': { value: 0.9867, decimals: 4 }, 'rates.f1': { value: 0.9868, decimals: 4 } });
  });
});

describe('expectedMetricsFromOutputs: round 30', () => {
  it('reads numbers in groups (`rows: 12,345`) under a label when the cell formats a value so: f"{n:,}" alone, .format, format()', () => {
    const source = 'print("rows:", f"{n_rows:,}")\nprint("n: {:,}".format(n))\nprint("m: {:_.1f}".format(m))\nprint("k:", format(k, ","))';
    assert.deepEqual(read(metricsCell(source, [stdout('rows: 12,345\nn: 1,234,567\nm: 7_654_321.5\nk: 98,765\n')])), {
      n_rows: { value: 12345 },
      n: { value: 1234567 },
      m: { value: 7654321.5, decimals: 1 },
      k: { value: 98765 },
    });
    // Printed so, they are numbers under names, whatever the cell: `metrics-none` names them.
    assert.deepEqual(namesShownWithNumbers([metricsCell('print(text)', [stdout('rows: 12,345\n')])]), ['rows']);
  });

  it('reads a line `.format` or `%` prints, a value by its name and an expression\'s place passed over ("Lasso score: 0.1232 (0.0049)")', () => {
    const source = 'print("Ridge score: {:.4f} ({:.4f})".format(score, ridge_cv.std()))\nprint("Lasso score: {0:.4f} ({1:.4f})".format(score_shown, lasso_cv.std()))\nprint("pct %.2f%% of %d" % (share, n))';
    assert.deepEqual(read(metricsCell(source, [stdout('Ridge score: 0.1200 (0.0082)\nLasso score: 0.2300 (0.0163)\npct 93.50% of 40\n')])), {
      score: { value: 0.12, decimals: 4 },
      score_shown: { value: 0.23, decimals: 4 },
      share: { value: 93.5, decimals: 2 },
      n: { value: 40, decimals: 0, truncated: true },
    });
  });

  it('reads a label printed on its own line after a loop printing it beside a computed value, not when the lines look alike', () => {
    const loop = 'for k in sil:\n    print(f"k={k}: silhouette={sil[k]:.6f} inertia={inertia[k]:.1f}")\n';
    const text = 'k=2: silhouette=0.399021 inertia=232.6\nk=5: silhouette=0.654500 inertia=29.0\nsilhouette: 0.6545\n';
    assert.deepEqual(read(metricsCell(`${loop}print(f"silhouette: {silhouette:.4f}")`, [stdout(text)])), { silhouette: { value: 0.6545, decimals: 4 } });
    // The loop printing `silhouette: ...` as the last line does: which line is the value's is unknown.
    const alike = 'for k in sil:\n    print(f"silhouette: {sil[k]:.4f}")\nprint(f"silhouette: {silhouette:.4f}")';
    assert.deepEqual(read(metricsCell(alike, [stdout('silhouette: 0.3990\nsilhouette: 0.6545\nsilhouette: 0.6545\n')])), {});
  });
});

describe('shownNames: the names of the values a cell shows last by an expression', () => {
  it('names a call by what it calls, an entry got from a dict by its key (round 35 E: a metric named get)', () => {
    assert.deepEqual(shownNames('model.score(X, y)'), ['score']);
    assert.deepEqual(shownNames("summary.get('acc')"), ['acc']);
    // By a name (round 65 OOO: it was `get`): as `summary[key]`, the run's `shown`.
    assert.deepEqual(shownNames('summary.get(key)'), undefined);
    assert.deepEqual(shownNames('(f1_score(y, p), summary.get("auc"))'), ['f1_score', 'auc']);
  });

  // Round 59: `rep["macro avg"]["f1-score"]` shown last was the metric `shown`.
  it('names an item got by its keys as the run names the entries of the dict: `<name>.<key>...`', () => {
    assert.deepEqual(shownNames('scores["acc"]'), ['scores.acc']);
    assert.deepEqual(shownNames(`rep["macro avg"]['f1-score']`), ['rep.macro avg.f1-score']);
    assert.deepEqual(shownNames('scores[key]'), undefined);
    // Rounded (round 63 KKK: no metric from the saved outputs, `shown` with --execute).
    assert.deepEqual(shownNames('round(scores["acc"], 4)'), ['scores.acc']);
    assert.deepEqual(shownNames('np.round(rep["m"]["f1"], 3)'), ['rep.m.f1']);
    assert.deepEqual(shownNames('results.loc["rf"]["acc"]'), undefined);
  });
});

describe('expectedMetricsFromOutputs: a name printed or shown rounded (`round(rmse, 2)`, `round(rmse)`)', () => {
  // `print("rmse:", round(rmse, 0))` printed "rmse: 1059.0": read as rmse to 1 decimal, the faithful run's
  // 1059.39 failed the test; the value is rmse to 0 decimals.
  it('keeps the decimals the rounding keeps, not those printed', () => {
    const cell = (source: string, text: string, extra: Partial<MetricsCellInfo> = {}): Record<string, ExpectedMetric> => read(metricsCell(source, [stdout(text)], extra));
    assert.deepEqual(cell('print("rmse:", round(rmse, 0))', 'rmse: 1059.0\n'), { rmse: { value: 1059, decimals: 0 } });
    assert.deepEqual(cell('print(f"rmse: {round(rmse)}")', 'rmse: 1059\n'), { rmse: { value: 1059, decimals: 0 } });
    assert.deepEqual(cell('print(f"{round(r2, 2)=}")', 'round(r2, 2)=0.36\n'), { r2: { value: 0.36, decimals: 2 } });
    assert.deepEqual(cell('print("score:", np.round(r2, 3))', 'score: 0.357\n'), { r2: { value: 0.357, decimals: 3 } });
    const roundedPrints = new Map([['rmse', 0], ['r2', 3]]);
    assert.deepEqual(cell('print(round(rmse))', '1059\n', { printedNames: ['rmse'], roundedPrints }), { rmse: { value: 1059, decimals: 0 } });
    assert.deepEqual(cell('print(round(r2, 3), round(rmse, 0))', '0.357 1059.0\n', { printCalls: [['r2', 'rmse']], roundedPrints }), { r2: { value: 0.357, decimals: 3 }, rmse: { value: 1059, decimals: 0 } });
    // Printed with fewer decimals than the rounding keeps: those printed.
    assert.deepEqual(cell('print(f"r2: {round(r2, 4):.2f}")', 'r2: 0.36\n'), { r2: { value: 0.36, decimals: 2 } });
    // Another expression's rounding is no name's value.
    assert.deepEqual(cell('print("rmse:", round(mse ** 0.5, 2))', 'rmse: 3.16\n'), {});
    // Round 44 W: to tens (a negative number of decimals); a rounded print, then the name shown last exactly.
    assert.deepEqual(cell('print("rmse:", round(rmse, -1))', 'rmse: 60.0\n'), { rmse: { value: 60, decimals: -1 } });
    const shownAfter = read(metricsCell('print(round(r2, 2))\nr2', [stdout('0.36\n'), shown('0.3569596077458861')], { printedNames: ['r2'], roundedPrints: new Map([['r2', 2]]), trailingText: 'r2' }));
    assert.deepEqual(shownAfter, { r2: { value: 0.3569596077458861 } });
    // A loop over a dict's items printing each value rounded: `results.<key>` to those decimals.
    const loop = 'for name, score in results.items():\n    print(f"{name}: {round(score)}")';
    assert.deepEqual(cell(loop, 'lr: 1\nrf: 1059\n'), { 'results.lr': { value: 1, decimals: 0 }, 'results.rf': { value: 1059, decimals: 0 } });
    // With a format on top (`{round(score, 2):.4f}` prints "0.8100"): to the decimals the rounding keeps.
    const formatted = 'for name, score in results.items():\n    print(f"{name}: {round(score, 2):.4f}")';
    assert.deepEqual(cell(formatted, 'lr: 0.8100\n'), { 'results.lr': { value: 0.81, decimals: 2 } });
  });

  it('reads `round(rmse)`, `np.round(acc, 3)` and `acc.round(3)` shown last as rmse and acc, no metric `round` or `shown`', () => {
    for (const [expression, text, name, decimals] of [['round(rmse)', '1059', 'rmse', 0], ['np.round(acc, 3)', 'np.float64(0.357)', 'acc', 3], ['acc.round(3)', '0.357', 'acc', 3], ['round(acc, 2)', '0.36', 'acc', 2]] as const) {
      const got = read(metricsCell(expression, [shown(text)], { trailingText: expression, assigned: [] }));
      assert.deepEqual(Object.keys(got), [name], expression);
      assert.equal(got[name]?.decimals, decimals, expression);
    }
    assert.deepEqual(shownNames('np.round(acc, 3)'), undefined);
    assert.deepEqual(shownNames('np.round(model.score(X, y), 3)'), ['score']);
  });

  // Round 57 YY: `accuracy` showing 0.8 was expected within 0.05 (shown_decimals 1), so 0.825 passed.
  it('reads a number shown last as its repr, the value within a float32 unit, whatever digits it writes; a rounding to its decimals', () => {
    const got = read(metricsCell('accuracy = (y == p).mean()\naccuracy', [shown('0.8')], { trailingText: 'accuracy', assigned: ['accuracy'] }));
    assert.deepEqual(got, { accuracy: { value: 0.8, decimals: 6 } });
    assert.deepEqual(read(metricsCell('f1 / 2', [shown('0.4')], { trailingText: 'f1 / 2', assigned: [] })), { shown: { value: 0.4, decimals: 7 } });
    assert.deepEqual(read(metricsCell('accuracy_score(y, p)', [shown('0.8')], { trailingText: 'accuracy_score(y, p)', assigned: [] })), { accuracy_score: { value: 0.8, decimals: 6 } });
    assert.deepEqual(read(metricsCell('round(acc, 3)', [shown('0.8')], { trailingText: 'round(acc, 3)', assigned: [] })), { acc: { value: 0.8, decimals: 3 } });
  });

  // Round 58 AAA: `float(f1)` shown last was the metric `float`, `np.float64(acc) * 100.0` `shown`.
  it('names a conversion shown last by what it converts', () => {
    for (const [expression, name] of [['float(f1)', 'f1'], ['np.float32(r2)', 'r2'], ['f1.item()', 'f1'], ['np.float64(acc) * 100.0', 'acc_percent'], ['float(accuracy_score(y, p))', 'accuracy_score'], ['float(a, b)', 'float']] as const) {
      assert.deepEqual(shownNames(expression), [name], expression);
    }
    assert.deepEqual(shownNames('float(a + b)'), undefined);
  });

  // Round 58 AAA: after `%precision 3` the shown 0.431 was expected exactly, and the test failed.
  it('reads a number shown last as rounded to its digits when the notebook sets the digits shown (%precision)', () => {
    const cell = (text: string) => metricsCell('r2 = f(y)\nr2', [shown(text)], { trailingText: 'r2', assigned: ['r2'], shownRounded: true });
    assert.deepEqual(read(cell('0.431')), { r2: { value: 0.431, decimals: 3 } });
    assert.deepEqual(read(metricsCell('{"r2": r2}', [shown("{'r2': 0.431}")], { trailingText: '{"r2": r2}', shownRounded: true })), { r2: { value: 0.431, decimals: 3 } });
  });

  // Round 56 XX: `acc * 100` shown last was the metric `shown`.
  it('names a name shown as a percentage `<name>_percent`, read from the saved output as the run records it', () => {
    for (const expression of ['acc * 100', '100 * acc', 'round(acc * 100, 2)', '(acc*100.0)']) assert.deepEqual(shownNames(expression), ['acc_percent'], expression);
    for (const expression of ['acc * 10', 'acc * 100 + 1', 'a.b * 100']) assert.deepEqual(shownNames(expression), undefined, expression);
    const got = read(metricsCell('round(acc * 100, 2)', [shown('73.5')], { trailingText: 'round(acc * 100, 2)', assigned: [] }));
    assert.deepEqual(Object.keys(got), ['acc_percent']);
  });
});

describe('roundedNumber and roundedName', () => {
  it('name the one number a rounding rounds and the decimals kept', () => {
    assert.deepEqual(roundedNumber('round(rmse)'), { name: 'rmse', digits: 0 });
    assert.deepEqual(roundedNumber('round(rmse, ndigits=2)'), { name: 'rmse', digits: 2 });
    assert.deepEqual(roundedNumber('numpy.around(acc, decimals=3)'), { name: 'acc', digits: 3 });
    assert.deepEqual(roundedNumber('acc.round()'), { name: 'acc', digits: 0 });
    assert.deepEqual(roundedNumber('round(n, -2)'), { name: 'n', digits: -2 });
    for (const other of ['round(a / b, 2)', 'round(x, 2.5)', 'round(model.score(X, y), 3)', 'acc', 'results.round(3).T']) assert.equal(roundedNumber(other), undefined, other);
    assert.equal(roundedName('round(acc, 3)'), 'acc');
    assert.equal(roundedName('results.round(3).T'), 'results');
    assert.equal(roundedName('round(a / b, 2)'), undefined);
  });
});
