// Values a metrics cell prints under a label: where the value stands in its line, bound to its name for the
// package and the --execute probe, and named in the line the reader of saved outputs reads.
import * as assert from 'node:assert/strict';
import { bindPrintedValue, namePrintedValue, withPrintedValues } from './printedValues';

describe('printed values', () => {
  const v = (expression: string, name: string): { expression: string; name: string } => ({ expression, name });

  it('binds the value where the line prints it: after a label, in an f-string field, formatted by % or .format', () => {
    assert.equal(bindPrintedValue('print("cv_accuracy:", cv.mean())', v('cv.mean()', 'cv_accuracy')), 'print("cv_accuracy:", (cv_accuracy := cv.mean()))');
    assert.equal(bindPrintedValue(`print(f"F1: {f1_score(y, p, average='macro'):.4f}")`, v("f1_score(y, p, average='macro')", 'f1')), `print(f"F1: {(f1 := f1_score(y, p, average='macro')):.4f}")`);
    assert.equal(bindPrintedValue('print(rf"AUC {auc_of(m) !r}")', v('auc_of(m)', 'auc')), 'print(rf"AUC {(auc := auc_of(m)) !r}")');
    assert.equal(bindPrintedValue('print("fold: %.3f" % cv.max())', v('cv.max()', 'fold')), 'print("fold: %.3f" % (fold := cv.max()))');
    // In parentheses of its own already (round 46 Y); a call's stay the call's.
    assert.equal(bindPrintedValue('print("accuracy: %.1f%%" % (100 * acc))', v('100 * acc', 'accuracy')), 'print("accuracy: %.1f%%" % (accuracy := 100 * acc))');
    assert.equal(bindPrintedValue('print(float(acc.mean()))', v('acc.mean()', 'acc_mean')), 'print(float((acc_mean := acc.mean())))');
    assert.equal(bindPrintedValue('print("acc {:.2f}".format(m.score(X, y)))', v('m.score(X, y)', 'acc')), 'print("acc {:.2f}".format((acc := m.score(X, y))))');
  });

  it('passes over the value\'s text in a plain string or a comment, and finds nothing when it is only there', () => {
    assert.equal(bindPrintedValue('print("cv.mean():", cv.mean())  # cv.mean()', v('cv.mean()', 'cv')), 'print("cv.mean():", (cv := cv.mean()))  # cv.mean()');
    assert.equal(bindPrintedValue('print("the cv.mean() is")', v('cv.mean()', 'cv')), undefined);
    // In an f-string, only a whole field: not inside a longer expression, not in its text.
    assert.equal(bindPrintedValue('print(f"cv.mean() {cv.mean() * 100:.1f}")', v('cv.mean()', 'cv')), undefined);
  });

  it('names the value in the line the reader reads; % and .format of one value become the f-string printing the same', () => {
    assert.equal(namePrintedValue('print("cv_accuracy:", cv.mean())', v('cv.mean()', 'cv_accuracy')), 'print("cv_accuracy:", cv_accuracy)');
    assert.equal(namePrintedValue('print(f"F1: {f1_of(y):.4f}")', v('f1_of(y)', 'f1')), 'print(f"F1: {f1:.4f}")');
    assert.equal(namePrintedValue('print("Best CV fold: %.3f" % cv.max())', v('cv.max()', 'fold')), 'print(f"Best CV fold: {fold:.3f}")');
    assert.equal(namePrintedValue("print('Accuracy: %s' % (acc_of(y),))", v('acc_of(y)', 'accuracy')), "print(f'Accuracy: {accuracy}')");
    assert.equal(namePrintedValue('print("train accuracy {:.2f}".format(m.score(X, y)))', v('m.score(X, y)', 'accuracy')), 'print(f"train accuracy {accuracy:.2f}")');
    assert.equal(namePrintedValue('print("n = {0}".format(len(rows)))', v('len(rows)', 'n')), 'print(f"n = {n}")');
    // Two places: the value is named where it stands (the reader reads what it can).
    assert.equal(namePrintedValue('print("a %s, b %d" % ("x", len(p)))', v('len(p)', 'b')), 'print("a %s, b %d" % ("x", b))');
  });

  it('rewrites a cell\'s lines by their numbers, leaving the others', () => {
    const source = 'best = max(scores)\nprint("cv:", cv.mean())\nprint("best", best)';
    assert.equal(withPrintedValues(source, [{ cellIndex: 0, line: 2, expression: 'cv.mean()', name: 'cv' }], bindPrintedValue), 'best = max(scores)\nprint("cv:", (cv := cv.mean()))\nprint("best", best)');
    assert.equal(withPrintedValues(source, [], bindPrintedValue), source);
  });

  it('counts lines ended by \\r\\n or a lone \\r as Python does, and keeps each line\'s own ending', () => {
    const value = { cellIndex: 0, line: 2, expression: 'round(f1, 4)', name: 'f1_shown' };
    assert.equal(withPrintedValues("f1 = v * 1\r\nprint('f1:', round(f1, 4))\r\nprint(f'pct: {v:.1%}')", [value], bindPrintedValue), "f1 = v * 1\r\nprint('f1:', (f1_shown := round(f1, 4)))\r\nprint(f'pct: {v:.1%}')");
    assert.equal(withPrintedValues("f1 = v * 1\rprint('f1:', round(f1, 4))  # rounded\r\n", [value], namePrintedValue), "f1 = v * 1\rprint('f1:', f1_shown)  # rounded\r\n");
  });
});
