/**
 * The geometry of the compare panel's charts: a bar chart of one metric across runs, a line chart of a
 * metric's history over steps. Pure (numbers in, coordinates out), shared by webview/compare.ts, which
 * turns them into SVG, and the unit tests.
 */
import { formatNumber } from './format';

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Room for the axis labels: left (values), bottom (run labels or steps), top (values over bars), right. */
  readonly left: number;
  readonly bottom: number;
  readonly top: number;
  readonly right: number;
}

export const BAR_BOX: ChartBox = { width: 380, height: 210, left: 56, bottom: 30, top: 20, right: 12 };
/** Above this many runs a bar chart names runs by number and grows wider (round 36 I: 19 labels overlapped). */
export const MANY_RUNS = 8;

/** The bar chart's box for `runs` runs: BAR_BOX, widened to give each run at least 34 px past {@link MANY_RUNS}. */
export function barBox(runs: number): ChartBox {
  return runs <= MANY_RUNS ? BAR_BOX : { ...BAR_BOX, width: Math.max(BAR_BOX.width, BAR_BOX.left + BAR_BOX.right + runs * 34) };
}
export const LINE_BOX: ChartBox = { width: 520, height: 240, left: 56, bottom: 34, top: 14, right: 16 };

export interface Tick {
  /** Pixel position along its axis. */
  readonly at: number;
  readonly value: number;
  readonly label: string;
}

/** About `count` round tick values covering [min, max] ("nice numbers": 1, 2, 2.5, 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 5): { readonly min: number; readonly max: number; readonly values: readonly number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, values: [0, 1] };
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const span = max - min;
  const rough = span / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = lo, i = 0; v <= hi + step * 1e-6 && i < 50; v += step, i++) values.push(Number(v.toPrecision(12)));
  return { min: lo, max: hi, values };
}

export interface Bar {
  /** The run's index (its colour). */
  readonly run: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly value: number;
  /** Centre of the bar, for its label. */
  readonly cx: number;
}

export interface BarChart {
  readonly box: ChartBox;
  readonly bars: readonly Bar[];
  /** Slot centres of every run (also those without a value), for the labels under the axis. */
  readonly slots: readonly number[];
  readonly yTicks: readonly Tick[];
  /** The pixel row of zero. */
  readonly baseline: number;
}

/** Bars from zero for each run's value (null: no bar); the value axis always includes zero. */
export function barChart(values: readonly (number | null)[], box: ChartBox = BAR_BOX): BarChart {
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = niceTicks(Math.min(0, ...present), Math.max(0, ...present), 5);
  const y = (v: number): number => box.top + plotH - ((v - ticks.min) / (ticks.max - ticks.min)) * plotH;
  const slot = plotW / Math.max(1, values.length);
  const barWidth = Math.max(4, Math.min(56, slot * 0.6));
  const baseline = y(0);
  const slots = values.map((_, i) => box.left + slot * i + slot / 2);
  const bars: Bar[] = [];
  values.forEach((value, run) => {
    if (value === null || !Number.isFinite(value)) return;
    const cx = slots[run] ?? 0;
    const top = Math.min(y(value), baseline);
    bars.push({ run, x: cx - barWidth / 2, y: top, width: barWidth, height: Math.max(1, Math.abs(y(value) - baseline)), value, cx });
  });
  return { box, bars, slots, yTicks: ticks.values.map((v) => ({ at: y(v), value: v, label: formatNumber(v) })), baseline };
}

export interface Line {
  readonly run: number;
  /** SVG path data. */
  readonly d: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly step: number; readonly value: number }[];
}

export interface LineChart {
  readonly box: ChartBox;
  readonly lines: readonly Line[];
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
}

/** One line per run's history, steps along x, values along y. */
export function lineChart(series: readonly { readonly run: number; readonly points: readonly { readonly step: number; readonly value: number }[] }[], box: ChartBox = LINE_BOX): LineChart {
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const all = series.flatMap((s) => s.points);
  const steps = all.map((p) => p.step);
  const values = all.map((p) => p.value);
  const xs = niceTicks(Math.min(...steps, 0), Math.max(...steps, 1), 6);
  const ys = niceTicks(Math.min(...values), Math.max(...values), 5);
  const x = (step: number): number => box.left + ((step - xs.min) / (xs.max - xs.min)) * plotW;
  const y = (value: number): number => box.top + plotH - ((value - ys.min) / (ys.max - ys.min)) * plotH;
  const lines: Line[] = series.map((s) => {
    const points = s.points.map((p) => ({ x: round(x(p.step)), y: round(y(p.value)), step: p.step, value: p.value }));
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
    return { run: s.run, d, points };
  });
  return {
    box,
    lines,
    xTicks: xs.values.map((v) => ({ at: x(v), value: v, label: formatNumber(v) })),
    yTicks: ys.values.map((v) => ({ at: y(v), value: v, label: formatNumber(v) })),
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
