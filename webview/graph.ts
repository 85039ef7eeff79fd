/**
 * The pipeline graph webview (browser side). Waits for the host's `graph` message, measures the text, lays
 * the graph out left to right (src/features/graph/layout.ts) and draws it as SVG; reports `rendered` with
 * what it drew; a click (or Enter) on a step asks the host to reveal the step's cell. Colours come from
 * VS Code's theme variables in media/graph.css; nothing here sets a style attribute (the CSP allows none).
 */
import type { GraphData, GraphEdge, GraphNode, WebviewMessage } from '../src/features/graph/protocol';
import { isHostMessage } from '../src/features/graph/protocol';
import type { Layout, Size } from '../src/features/graph/layout';
import { defaultLayoutOptions, edgePath, fitScale, fittedLayout } from '../src/features/graph/layout';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Box metrics, in px. */
const NODE = { padX: 10, padY: 8, labelLine: 18, detailLine: 15, minWidth: 84 };
const LABEL = { padX: 6, padY: 3, line: 14, maxWidth: 100, maxLines: 4 };
/** The zoom buttons' range and step. */
const ZOOM = { min: 0.02, max: 3, step: 1.25 };

let current: { data: GraphData; layout: Layout } | undefined;
/** The drawing's scale now; `chosen` once the person zoomed (else it follows the panel's width). */
let scale = 1;
let chosen = false;
/** One hidden measuring element for the page's lifetime. */
let measurer: TextMeasure | undefined;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Readonly<Record<string, string | number>> = {}, classes: readonly string[] = []): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (classes.length > 0) element.classList.add(...classes);
  return element;
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Text widths in the classes the drawing uses (so the measure matches the theme's fonts). */
class TextMeasure {
  private readonly root = svg('svg', { width: 0, height: 0, 'aria-hidden': 'true' }, ['measure']);
  private readonly cache = new Map<string, number>();

  constructor() {
    document.body.append(this.root);
  }

  /** The width of `text` in a text element of `className` inside a group of `groupClasses`. */
  width(text: string, className: string, groupClasses: readonly string[] = []): number {
    const key = `${groupClasses.join(' ')}\u0000${className}\u0000${text}`;
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const group = svg('g', {}, groupClasses);
    const element = svg('text', {}, [className]);
    element.textContent = text;
    group.append(element);
    this.root.append(group);
    const width = Math.ceil(element.getComputedTextLength());
    group.remove();
    this.cache.set(key, width);
    return width;
  }
}

/** Names as lines of at most `maxWidth`, joined with ", "; the rest counted on the last line. */
function wrapNames(names: readonly string[], measure: TextMeasure): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, name] of names.entries()) {
    const piece = i < names.length - 1 ? `${name},` : name;
    const candidate = line === '' ? piece : `${line} ${piece}`;
    if (line !== '' && measure.width(candidate, 'edge-text') > LABEL.maxWidth) {
      lines.push(line);
      line = piece;
    } else line = candidate;
  }
  if (line !== '') lines.push(line);
  if (lines.length <= LABEL.maxLines) return lines;
  const kept = lines.slice(0, LABEL.maxLines - 1);
  const shownNames = kept.join(' ').split(',').filter((s) => s.trim() !== '').length;
  return [...kept, `+${names.length - shownNames} more`];
}

interface Prepared {
  readonly node: GraphNode;
  readonly size: Size;
}

interface PreparedEdge {
  readonly edge: GraphEdge;
  readonly lines: readonly string[];
  readonly size: Size;
}

function prepare(data: GraphData, measure: TextMeasure): { nodes: Prepared[]; edges: PreparedEdge[] } {
  const nodes = data.nodes.map((node): Prepared => {
    const classes = nodeClasses(node);
    const widths = [measure.width(node.label, 'node-label', classes), ...node.details.map((d) => measure.width(d, 'node-detail', classes))];
    return {
      node,
      size: {
        width: Math.max(NODE.minWidth, Math.max(...widths) + 2 * NODE.padX),
        height: 2 * NODE.padY + NODE.labelLine + node.details.length * NODE.detailLine,
      },
    };
  });
  const edges = data.edges.map((edge): PreparedEdge => {
    const lines = edge.names.length === 0 ? ['after'] : wrapNames(edge.names, measure);
    const width = Math.max(...lines.map((l) => measure.width(l, 'edge-text'))) + 2 * LABEL.padX;
    return { edge, lines, size: { width, height: lines.length * LABEL.line + 2 * LABEL.padY } };
  });
  return { nodes, edges };
}

function nodeClasses(node: GraphNode): string[] {
  return ['node', `node-${node.kind}`, ...(node.changed ? ['changed'] : [])];
}

function render(data: GraphData): void {
  byId('title').textContent = data.title;
  byId('status').textContent = data.status;
  const problems = byId<HTMLUListElement>('problems');
  problems.replaceChildren(
    ...data.problems.map((p) => {
      const li = document.createElement('li');
      li.textContent = p;
      return li;
    }),
  );
  const host = byId('graph');
  if (data.nodes.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = data.problems.length > 0 ? 'The pipeline cannot be drawn until the problems above are fixed.' : 'No steps to draw: tag the first cell of each step step:<name>.';
    host.replaceChildren(empty);
    current = undefined;
    post({ type: 'rendered', nodes: 0, edges: 0 });
    return;
  }

  measurer ??= new TextMeasure();
  const prepared = prepare(data, measurer);
  // The zoom bar first: the header's height is then what it stays, and the panel measured is the one drawn in
  // (round 48 DD: measured 37 px taller, a 5-step pipeline was drawn top to bottom).
  zoomBar();
  // Left to right, or top to bottom when left to right would need shrinking below readable text.
  const { layout } = fittedLayout(
    prepared.nodes.map((p) => ({ id: p.node.id, ...p.size })),
    prepared.edges.map((p) => ({ from: p.edge.from, to: p.edge.to, label: p.size })),
    availableWidth(),
    defaultLayoutOptions,
    availableHeight(),
  );
  current = { data, layout };

  const root = svg('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img', 'aria-label': `${data.title}: ${data.nodes.length} nodes, ${data.edges.length} edges` }, ['pipeline']);
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,1 L9,5 L0,9 z' }, ['arrow']));
  defs.append(marker);
  root.append(defs);

  const edgeLayer = svg('g', {}, ['edges']);
  layout.edges.forEach((placed, i) => {
    const p = prepared.edges[i];
    if (p === undefined) return;
    const group = svg('g', {}, ['edge-group', ...(p.edge.names.length === 0 ? ['order'] : [])]);
    const title = svg('title');
    title.textContent = p.edge.explanations.join('\n');
    group.append(title, svg('path', { d: edgePath(placed, layout.down === true), 'marker-end': 'url(#arrow)' }, ['edge']));
    const label = svg('g', { transform: `translate(${placed.label.x},${placed.label.y})` }, ['edge-label']);
    label.append(svg('rect', { width: placed.label.width, height: placed.label.height, rx: 3 }));
    p.lines.forEach((line, j) => {
      const text = svg('text', { x: LABEL.padX, y: LABEL.padY + (j + 1) * LABEL.line - 3.5 }, ['edge-text']);
      text.textContent = line;
      label.append(text);
    });
    group.append(label);
    edgeLayer.append(group);
  });
  root.append(edgeLayer);

  const nodeLayer = svg('g', {}, ['nodes']);
  layout.nodes.forEach((placed, i) => {
    const p = prepared.nodes[i];
    if (p === undefined) return;
    const { node } = p;
    const group = svg('g', { transform: `translate(${placed.x},${placed.y})` }, nodeClasses(node));
    group.dataset['id'] = node.id;
    const title = svg('title');
    title.textContent = node.tooltip;
    group.append(title, svg('rect', { width: placed.width, height: placed.height, rx: 5 }));
    const label = svg('text', { x: NODE.padX, y: NODE.padY + NODE.labelLine - 5 }, ['node-label']);
    label.textContent = node.label;
    group.append(label);
    node.details.forEach((detail, j) => {
      const text = svg('text', { x: NODE.padX, y: NODE.padY + NODE.labelLine + (j + 1) * NODE.detailLine - 4 }, ['node-detail']);
      text.textContent = detail;
      group.append(text);
    });
    if (node.kind === 'step') {
      group.setAttribute('tabindex', '0');
      group.setAttribute('role', 'button');
      group.setAttribute('aria-label', `step ${node.label}, ${node.details.join(', ')}: open its cell`);
      group.addEventListener('click', () => post({ type: 'openStep', step: node.id }));
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          post({ type: 'openStep', step: node.id });
        }
      });
    }
    nodeLayer.append(group);
  });
  root.append(nodeLayer);

  host.replaceChildren(root);
  fit();
  post({ type: 'rendered', nodes: layout.nodes.length, edges: layout.edges.length });
}

function availableWidth(): number {
  return Math.max(200, byId('graph').clientWidth - 2);
}

function availableHeight(): number {
  return Math.max(100, byId('graph').clientHeight - 2);
}

/**
 * Until the person zooms: the whole drawing in the panel, or its width when that would make it too small
 * (fitScale: then it scrolls). After: the scale they chose.
 */
function fit(): void {
  if (current === undefined) return;
  if (!chosen) scale = fitScale(current.layout, availableWidth(), availableHeight());
  applyScale();
}

/** Sizes the SVG to `scale`, keeping the point in the middle of the view where it was. */
function applyScale(): void {
  const root = document.querySelector<SVGSVGElement>('#graph svg.pipeline');
  if (current === undefined || root === null) return;
  const host = byId('graph');
  const oldWidth = Number(root.getAttribute('width') ?? '0');
  const oldHeight = Number(root.getAttribute('height') ?? '0');
  const centreX = oldWidth > 0 ? (host.scrollLeft + host.clientWidth / 2) / oldWidth : 0;
  const centreY = oldHeight > 0 ? (host.scrollTop + host.clientHeight / 2) / oldHeight : 0;
  const width = Math.max(1, Math.round(current.layout.width * scale));
  const height = Math.max(1, Math.round(current.layout.height * scale));
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  if (oldWidth > 0) host.scrollLeft = centreX * width - host.clientWidth / 2;
  if (oldHeight > 0) host.scrollTop = centreY * height - host.clientHeight / 2;
  const shown = document.getElementById('zoom-level');
  if (shown !== null) shown.textContent = `${Math.round(scale * 100)}%`;
}

/** Zoom to `to` (clamped); `fit`: the whole pipeline in the panel when it stays readable, else its width (fitScale). */
function zoom(to: number | 'fit'): void {
  if (current === undefined) return;
  const fitted = fitScale(current.layout, availableWidth(), availableHeight());
  scale = Math.min(ZOOM.max, Math.max(ZOOM.min, to === 'fit' ? fitted : to));
  chosen = true;
  applyScale();
}

/** The zoom buttons in the header (made once): zoom out, the scale, zoom in, fit to view, actual size. */
function zoomBar(): void {
  if (document.getElementById('zoom') !== null) return;
  const bar = document.createElement('div');
  bar.id = 'zoom';
  bar.className = 'zoom';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Zoom');
  const button = (text: string, label: string, action: () => void): HTMLButtonElement => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.title = label;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', action);
    return b;
  };
  const level = document.createElement('span');
  level.id = 'zoom-level';
  level.className = 'zoom-level';
  level.setAttribute('aria-live', 'polite');
  bar.append(
    button('−', 'Zoom out (-)', () => zoom(scale / ZOOM.step)),
    level,
    button('+', 'Zoom in (+)', () => zoom(scale * ZOOM.step)),
    button('Fit', 'Fit the pipeline in the panel, at a readable size: a large one fits its width and scrolls (0)', () => zoom('fit')),
    button('1:1', 'Actual size (1)', () => zoom(1)),
  );
  document.querySelector('header')?.append(bar);
  window.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || (event.target instanceof HTMLElement && event.target.tagName === 'INPUT')) return;
    if (event.key === '+' || event.key === '=') zoom(scale * ZOOM.step);
    else if (event.key === '-') zoom(scale / ZOOM.step);
    else if (event.key === '0') zoom('fit');
    else if (event.key === '1') zoom(1);
    else return;
    event.preventDefault();
  });
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) render(event.data);
});
// Until the person zooms, a new panel size may want the other orientation (round 48 DD: a drawing left to right
// stayed so in a panel made narrow): drawn again, once per frame.
let resizing = false;
window.addEventListener('resize', () => {
  if (resizing) return;
  resizing = true;
  requestAnimationFrame(() => {
    resizing = false;
    if (current !== undefined && !chosen) render(current.data);
    else fit();
  });
});
post({ type: 'ready' });
