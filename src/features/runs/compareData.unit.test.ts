import * as assert from 'node:assert/strict';
import type { MetricPoint, RunSummary } from '../../core/contract/runs';
import { BAR_BOX, barBox, barChart, lineChart, niceTicks } from './chart';
import { compareData } from './compareData';
import { localTime } from './format';

const base = (id: string, params: RunSummary['params'], metrics: RunSummary['metrics']): RunSummary => ({ source: 'local', id, status: 'finished', params, metrics });

describe('compare runs', () => {
  const a = base('20261125T221530Z-aaaaaa', { test_size: 0.3, regularization: 0.5, data_path: 'data/wine.csv' }, { accuracy: 0.98, f1_macro: 0.97 });
  const b = base('20261125T221630Z-bbbbbb', { test_size: 0.3, regularization: 2, data_path: 'data/wine.csv', extra: 'x' }, { accuracy: 0.96, log_loss: null });

  it('lists every parameter once, with its value per run, and marks those that differ', () => {
    const data = compareData([a, b]);
    assert.deepEqual(
      data.params.map((p) => [p.name, p.values, p.differs]),
      [
        ['test_size', ['0.3', '0.3'], false],
        ['regularization', ['0.5', '2'], true],
        ['data_path', ['data/wine.csv', 'data/wine.csv'], false],
        ['extra', [null, 'x'], true],
      ],
    );
    assert.deepEqual(
      data.runs.map((r) => r.label),
      [`${localTime(new Date(Date.UTC(2026, 10, 25, 22, 15, 30))).slice(11)} aaaaaa`, `${localTime(new Date(Date.UTC(2026, 10, 25, 22, 16, 30))).slice(11)} bbbbbb`],
    );
  });

  it('writes a float parameter\'s whole value 1.0 when pipeline.yaml says it is a float (run.json\'s 1.0 reads as 1)', () => {
    const shapes = { alpha: { type: 'float' as const }, n: { type: 'int' as const } };
    const x = { ...base('20261125T221530Z-aaaaaa', { alpha: 1, n: 3 }, {}), paramShapes: shapes };
    const y = { ...base('20261125T221630Z-bbbbbb', { alpha: 3, n: 3 }, {}), paramShapes: shapes };
    assert.deepEqual(compareData([x, y]).params.map((p) => [p.name, p.values]), [['alpha', ['1.0', '3.0']], ['n', ['3', '3']]]);
  });

  it('names each run\'s pipeline and says so above the tables when the runs are of different pipelines', () => {
    const churn = { ...a, pipeline: 'churn_model' };
    const credit = { ...b, pipeline: 'credit' };
    const mixed = compareData([churn, credit]);
    const time = (s: number): string => localTime(new Date(Date.UTC(2026, 10, 25, 22, s, 30))).slice(11);
    assert.deepEqual(mixed.runs.map((r) => r.label), [`churn_model · ${time(15)} aaaaaa`, `credit · ${time(16)} bbbbbb`]);
    assert.match(mixed.runs[0]?.title ?? '', /^churn_model · /);
    assert.equal(mixed.title, 'Compare 2 runs of 2 pipelines');
    assert.equal(mixed.notice, 'These runs are of different pipelines (churn_model, credit): their parameters and metrics may not line up.');
    const same = compareData([churn, { ...b, pipeline: 'churn_model' }]);
    assert.equal(same.notice, undefined);
    assert.equal(same.title, 'Compare 2 runs');
    assert.deepEqual(same.runs.map((r) => r.label), [`${time(15)} aaaaaa`, `${time(16)} bbbbbb`]);
  });

  it('gives each metric its values per run, absent and non-finite ones told apart', () => {
    const data = compareData([a, b]);
    assert.deepEqual(
      data.metrics.map((m) => [m.name, m.values, m.texts]),
      [
        ['accuracy', [0.98, 0.96], ['0.98', '0.96']],
        ['f1_macro', [0.97, null], ['0.97', '—']],
        ['log_loss', [null, null], ['—', 'n/a']],
      ],
    );
  });

  it('draws a history only where a run recorded more than one value', () => {
    const point = (step: number, value: number | null): MetricPoint => ({ step, value, timestamp: 1000 + step });
    const data = compareData(
      [a, b],
      [new Map([['loss', [point(0, 1), point(1, 0.5), point(2, 0.25)]], ['accuracy', [point(0, 0.98)]]]), new Map([['loss', [point(0, 1.2), point(1, null), point(2, 0.4)]]])],
    );
    assert.deepEqual(data.histories.map((h) => h.metric), ['loss']);
    assert.deepEqual(data.histories[0]?.series, [
      { run: 0, points: [{ step: 0, value: 1 }, { step: 1, value: 0.5 }, { step: 2, value: 0.25 }] },
      { run: 1, points: [{ step: 0, value: 1.2 }, { step: 2, value: 0.4 }] },
    ]);
  });

  it('charts: round ticks covering the values and zero, bars from the baseline', () => {
    assert.deepEqual(niceTicks(0, 0.98).values, [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(niceTicks(0, 93).values, [0, 25, 50, 75, 100]);
    const chart = barChart([0.98, null, -0.5]);
    assert.equal(chart.bars.length, 2);
    assert.equal(chart.slots.length, 3);
    const [up, down] = chart.bars;
    assert.ok(up !== undefined && down !== undefined);
    assert.ok(Math.abs(up.y + up.height - chart.baseline) < 1e-6, 'a positive bar ends on the baseline');
    assert.ok(Math.abs(down.y - chart.baseline) < 1e-6, 'a negative bar starts on the baseline');
    assert.ok(up.height > down.height);
    const lines = lineChart([{ run: 0, points: [{ step: 0, value: 1 }, { step: 10, value: 0.1 }] }]);
    assert.match(lines.lines[0]?.d ?? '', /^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/);
    assert.ok(lines.xTicks.some((t) => t.value === 10));
  });

  // Round 36 I: 19 runs in 380 px, labels on top of each other.
  it('charts of many runs grow wider: each run keeps a slot of at least 34 px', () => {
    assert.deepEqual(barBox(3), BAR_BOX);
    assert.deepEqual(barBox(8), BAR_BOX);
    const chart = barChart(Array.from({ length: 19 }, (_, i) => i / 10), barBox(19));
    const slots = chart.slots;
    assert.ok(chart.box.width > BAR_BOX.width);
    assert.ok(slots.every((x, i) => i === 0 || x - (slots[i - 1] ?? 0) >= 34), JSON.stringify(slots));
  });
});
