/**
 * The compare webview (browser side): the runs with their colours, a table of parameters (rows whose values
 * differ highlighted, optionally only those), an SVG bar chart per metric across the runs, and line charts
 * of metric histories over steps. Geometry comes from src/features/runs/chart.ts; colours from theme
 * variables in media/compare.css. Reports `renderedCompare` with what it drew.
 */
import type { CompareData, CompareHistory, CompareMetric } from '../src/features/runs/protocol';
import { isHostMessage } from '../src/features/runs/protocol';
import type { BarChart, ChartBox, LineChart, Tick } from '../src/features/runs/chart';
import { barBox, barChart, lineChart, MANY_RUNS } from '../src/features/runs/chart';
import { formatNumber } from '../src/features/runs/format';
import { byId, el, host, section, svg, table } from './runsDom';

/** Colours cycle through this many series classes (compare.css). */
const SERIES = 8;

let onlyDifferences = false;
let current: CompareData | undefined;

function series(run: number): string {
  return `series-${run % SERIES}`;
}

function draw(data: CompareData): void {
  current = data;
  byId('title').textContent = data.title;
  document.title = data.title;
  const differing = data.params.filter((p) => p.differs).length;
  byId('subtitle').textContent = `${data.runs.length} runs · ${data.params.length} parameters (${differing} differ) · ${data.metrics.length} metrics`;
  const main = byId('compare');
  main.replaceChildren();

  if (data.notice !== undefined) {
    const notice = el('p', ['notice'], data.notice);
    notice.setAttribute('role', 'note');
    main.append(notice);
  }

  if (data.problems.length > 0) {
    const list = el('ul', ['problems']);
    for (const p of data.problems) list.append(el('li', [], p));
    main.append(list);
  }

  // The runs and their colours.
  const runs = section(main, 'Runs');
  const legend = el('ul', ['legend']);
  for (const run of data.runs) {
    const item = el('li', ['legend-item']);
    item.title = run.title;
    // Numbered as the charts' axes number them when there are many runs (colours repeat after SERIES).
    item.append(el('span', ['swatch', series(run.index)], String(run.index + 1)), el('span', ['legend-label'], run.label), el('span', ['legend-detail', `status-${run.status}`], `${run.status}${run.commit === undefined ? '' : ` · ${run.commit}`}`));
    legend.append(item);
  }
  runs.append(legend);

  // Parameters.
  const params = section(main, 'Parameters', ['params']);
  const toggle = el('label', ['toggle']);
  const box = el('input');
  box.type = 'checkbox';
  box.checked = onlyDifferences;
  box.addEventListener('change', () => {
    onlyDifferences = box.checked;
    if (current !== undefined) draw(current);
  });
  toggle.append(box, document.createTextNode(' Only parameters that differ'));
  params.append(toggle);
  const shown = onlyDifferences ? data.params.filter((p) => p.differs) : data.params;
  if (shown.length === 0) {
    params.append(el('p', ['empty'], data.params.length === 0 ? 'No parameters' : 'Every parameter has the same value in these runs'));
  } else {
    params.append(
      table(
        ['Parameter', ...data.runs.map((r) => r.label)],
        shown.map((p) => [p.name, ...p.values.map((v) => v ?? '—')]),
        {
          rowClasses: (r) => (shown[r]?.differs === true ? ['differs'] : []),
          cellClasses: (r, c) => {
            const param = shown[r];
            if (c === 0 || param === undefined) return [];
            const value = param.values[c - 1];
            return [...(value === null ? ['missing'] : []), ...(param.differs && value !== param.values[0] ? ['changed'] : [])];
          },
        },
      ),
    );
  }

  // Metrics: one bar chart each.
  const metrics = section(main, 'Metrics', ['metrics']);
  const grid = el('div', ['charts']);
  let charts = 0;
  for (const metric of data.metrics) {
    grid.append(barFigure(metric, data));
    charts++;
  }
  if (charts === 0) metrics.append(el('p', ['empty'], 'These runs recorded no metrics'));
  else metrics.append(grid);

  // Histories over steps.
  let histories = 0;
  if (data.histories.length > 0) {
    const history = section(main, 'History over steps', ['histories']);
    const lines = el('div', ['charts']);
    for (const h of data.histories) {
      lines.append(lineFigure(h, data));
      histories++;
    }
    history.append(lines);
  }
  host().postMessage({ type: 'renderedCompare', params: shown.length, charts, histories });
}

function barFigure(metric: CompareMetric, data: CompareData): HTMLElement {
  const many = data.runs.length > MANY_RUNS;
  const figure = el('figure', many ? ['chart-figure', 'many'] : ['chart-figure']);
  figure.append(el('figcaption', ['chart-title'], metric.name));
  const chart: BarChart = barChart(metric.values, barBox(data.runs.length));
  const root = chartRoot(chart.box, `${metric.name} per run`);
  yAxis(root, chart.box, chart.yTicks);
  root.append(svg('line', { x1: chart.box.left, x2: chart.box.width - chart.box.right, y1: chart.baseline, y2: chart.baseline }, ['axis']));
  for (const bar of chart.bars) {
    const rect = svg('rect', { x: bar.x, y: bar.y, width: bar.width, height: bar.height, rx: 2 }, ['bar', series(bar.run)]);
    rect.append(svg('title', {}, [], `${data.runs[bar.run]?.label ?? ''}: ${String(bar.value)}`));  // the exact value
    root.append(rect);
    // Many runs: no value over each bar (they would overlap); each bar's title gives it.
    if (many) continue;
    const above = bar.value >= 0;
    root.append(svg('text', { x: bar.cx, y: above ? bar.y - 4 : bar.y + bar.height + 12, 'text-anchor': 'middle' }, ['value-label'], metric.texts[bar.run] ?? formatNumber(bar.value)));
  }
  chart.slots.forEach((x, i) => {
    const label = data.runs[i]?.label ?? '';
    const shown = many ? String(i + 1) : label.length > 16 ? `${label.slice(0, 15)}…` : label;
    root.append(svg('text', { x, y: chart.box.height - chart.box.bottom + 16, 'text-anchor': 'middle' }, ['run-label', series(i)], shown));
    if (metric.values[i] === null) root.append(svg('text', { x, y: chart.baseline - 4, 'text-anchor': 'middle' }, ['value-label', 'missing'], metric.texts[i] ?? '—'));
  });
  figure.append(root);
  return figure;
}

function lineFigure(history: CompareHistory, data: CompareData): HTMLElement {
  const figure = el('figure', ['chart-figure', 'wide']);
  figure.append(el('figcaption', ['chart-title'], `${history.metric} over steps`));
  const chart: LineChart = lineChart(history.series);
  const root = chartRoot(chart.box, `${history.metric} over steps`);
  yAxis(root, chart.box, chart.yTicks);
  const bottom = chart.box.height - chart.box.bottom;
  root.append(svg('line', { x1: chart.box.left, x2: chart.box.width - chart.box.right, y1: bottom, y2: bottom }, ['axis']));
  for (const tick of chart.xTicks) {
    root.append(svg('line', { x1: tick.at, x2: tick.at, y1: bottom, y2: bottom + 4 }, ['axis']));
    root.append(svg('text', { x: tick.at, y: bottom + 16, 'text-anchor': 'middle' }, ['tick-label'], tick.label));
  }
  root.append(svg('text', { x: chart.box.width - chart.box.right, y: chart.box.height - 2, 'text-anchor': 'end' }, ['axis-title'], 'step'));
  for (const line of chart.lines) {
    const path = svg('path', { d: line.d }, ['line', series(line.run)]);
    path.append(svg('title', {}, [], data.runs[line.run]?.label ?? ''));
    root.append(path);
    for (const p of line.points.length <= 60 ? line.points : []) {
      const dot = svg('circle', { cx: p.x, cy: p.y, r: 2.5 }, ['dot', series(line.run)]);
      dot.append(svg('title', {}, [], `${data.runs[line.run]?.label ?? ''}: step ${p.step}, ${formatNumber(p.value)}`));
      root.append(dot);
    }
  }
  figure.append(root);
  return figure;
}

function chartRoot(box: ChartBox, label: string): SVGSVGElement {
  return svg('svg', { viewBox: `0 0 ${box.width} ${box.height}`, width: box.width, height: box.height, role: 'img', 'aria-label': label }, ['chart']);
}

function yAxis(root: SVGSVGElement, box: ChartBox, ticks: readonly Tick[]): void {
  for (const tick of ticks) {
    root.append(svg('line', { x1: box.left, x2: box.width - box.right, y1: tick.at, y2: tick.at }, ['grid-line']));
    root.append(svg('text', { x: box.left - 6, y: tick.at + 4, 'text-anchor': 'end' }, ['tick-label'], tick.label));
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message) || message.type !== 'compare') return;
  draw(message.data);
});
host().postMessage({ type: 'ready' });
