/**
 * A layered left-to-right layout for the pipeline graph (a small Sugiyama: layers, order, coordinates).
 * Pure geometry: no DOM, no `vscode`; the webview measures the text, calls `layeredLayout` and draws.
 *
 * 1. Layers: cycles are broken by reversing the edges a depth-first search finds closing one; every node
 *    goes one layer right of its furthest predecessor (longest path); a node without predecessors moves
 *    right to just before its nearest successor, so `parameters` sits next to the steps that use it.
 * 2. Ranks: node layer L is rank 2L. Every edge gets its label as an item of its own in rank 2L+1, right
 *    after its source, and a zero-size dummy in each further rank it crosses. Labels are placed like nodes,
 *    so a label never overlaps a node or another label, and a line passes a label column only at its own
 *    label.
 * 3. Order in each rank: barycenter sweeps down and up, keeping the order with the fewest crossings.
 * 4. Vertical position: each item moves towards the mean of its neighbours, then the rank is made
 *    non-overlapping again with the least total movement (pool adjacent violators); a few sweeps.
 */

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface LayoutNodeInput extends Size {
  readonly id: string;
}

export interface LayoutEdgeInput {
  readonly from: string;
  readonly to: string;
  /** The size of the edge's label box. */
  readonly label: Size;
}

export interface LayoutOptions {
  /** Horizontal space between two ranks (a node column and a label column). */
  readonly rankGap: number;
  /** Vertical space between two boxes in one rank. */
  readonly nodeGap: number;
  /** Vertical space next to a line passing through a rank. */
  readonly dummyGap: number;
  readonly margin: number;
}

export const defaultLayoutOptions: LayoutOptions = { rankGap: 16, nodeGap: 18, dummyGap: 14, margin: 16 };

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Top-left corner and size. */
export interface Box extends Size {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode extends Box {
  readonly id: string;
  readonly layer: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  /** From the source's right side to the target's left side, through the label (its left and right middle). */
  readonly points: readonly Point[];
  /** Per segment (points[i] → points[i+1]): drawn straight (through the label) rather than curved. */
  readonly straight: readonly boolean[];
  readonly label: Box;
  /** The edge closes a cycle: it was laid out reversed and runs right to left. */
  readonly reversed: boolean;
}

export interface Layout extends Size {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  /** Top to bottom (`layeredLayoutDown`): edges leave a node's bottom and enter the next one's top. */
  readonly down?: boolean;
}

interface Item {
  readonly kind: 'node' | 'label' | 'dummy';
  readonly rank: number;
  readonly width: number;
  readonly height: number;
  readonly preds: Item[];
  readonly succs: Item[];
  /** Centre. */
  y: number;
}

interface Chain {
  readonly edge: LayoutEdgeInput;
  readonly reversed: boolean;
  readonly source: Item;
  readonly target: Item;
  /** Label first, then the dummies. */
  readonly middle: readonly Item[];
}

/** Lays out `nodes` (in their given order as a tie-break) and `edges` left to right. */
export function layeredLayout(nodes: readonly LayoutNodeInput[], edges: readonly LayoutEdgeInput[], options: LayoutOptions = defaultLayoutOptions): Layout {
  const ids = new Set(nodes.map((n) => n.id));
  const valid = edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const reversed = findBackEdges(nodes, valid);
  const directed = valid.map((e, i) => (reversed.has(i) ? { from: e.to, to: e.from } : { from: e.from, to: e.to }));
  const layers = assignLayers(
    nodes.map((n) => n.id),
    directed,
  );

  // Items and chains.
  const nodeItems = new Map<string, Item>();
  for (const n of nodes) nodeItems.set(n.id, { kind: 'node', rank: 2 * (layers.get(n.id) ?? 0), width: n.width, height: n.height, preds: [], succs: [], y: 0 });
  const items: Item[] = [...nodeItems.values()];
  const link = (a: Item, b: Item): void => {
    a.succs.push(b);
    b.preds.push(a);
  };
  const chains: Chain[] = valid.map((edge, i) => {
    const d = directed[i] as { from: string; to: string };
    const source = nodeItems.get(d.from) as Item;
    const target = nodeItems.get(d.to) as Item;
    const middle: Item[] = [];
    let previous = source;
    for (let rank = source.rank + 1; rank < target.rank; rank++) {
      const item: Item = rank === source.rank + 1 ? { kind: 'label', rank, width: edge.label.width, height: edge.label.height, preds: [], succs: [], y: 0 } : { kind: 'dummy', rank, width: 0, height: 0, preds: [], succs: [], y: 0 };
      link(previous, item);
      middle.push(item);
      items.push(item);
      previous = item;
    }
    link(previous, target);
    return { edge, reversed: reversed.has(i), source, target, middle };
  });

  const rankCount = items.reduce((max, item) => Math.max(max, item.rank + 1), 0);
  const ranks: Item[][] = Array.from({ length: rankCount }, () => []);
  for (const item of items) ranks[item.rank]?.push(item);

  orderRanks(ranks);
  placeVertically(ranks, options);

  // Horizontal: one column per rank, as wide as its widest item.
  const rankWidth = ranks.map((rank) => rank.reduce((max, item) => Math.max(max, item.width), 0));
  const rankX: number[] = [];
  let x = options.margin;
  for (let r = 0; r < rankCount; r++) {
    rankX.push(x);
    x += (rankWidth[r] ?? 0) + (r < rankCount - 1 ? options.rankGap : 0);
  }
  const boxOf = (item: Item): Box => {
    const left = (rankX[item.rank] ?? 0) + ((rankWidth[item.rank] ?? 0) - item.width) / 2;
    return { x: left, y: item.y - item.height / 2, width: item.width, height: item.height };
  };
  const top = Math.min(...items.map((item) => item.y - item.height / 2));
  for (const item of items) item.y += options.margin - (Number.isFinite(top) ? top : 0);

  // Ports: the lines leaving (entering) a node are spread over its side in the order of where they go.
  const outPort = new Map<Chain, number>();
  const inPort = new Map<Chain, number>();
  for (const node of nodeItems.values()) {
    const leaving = chains.filter((c) => c.source === node).sort((a, b) => firstY(a) - firstY(b));
    const entering = chains.filter((c) => c.target === node).sort((a, b) => lastY(a) - lastY(b));
    leaving.forEach((c, i) => outPort.set(c, portY(node, i, leaving.length)));
    entering.forEach((c, i) => inPort.set(c, portY(node, i, entering.length)));
  }

  const placedEdges = chains.map((chain): PlacedEdge => {
    const source = boxOf(chain.source);
    const target = boxOf(chain.target);
    const points: Point[] = [{ x: source.x + source.width, y: outPort.get(chain) ?? chain.source.y }];
    const straight: boolean[] = [];
    let label: Box = { x: (source.x + source.width + target.x) / 2, y: chain.source.y, width: 0, height: 0 };
    for (const item of chain.middle) {
      const box = boxOf(item);
      if (item.kind === 'label') {
        label = box;
        straight.push(false, true);
        points.push({ x: box.x, y: item.y }, { x: box.x + box.width, y: item.y });
      } else {
        straight.push(false);
        points.push({ x: box.x, y: item.y });
      }
    }
    straight.push(false);
    points.push({ x: target.x, y: inPort.get(chain) ?? chain.target.y });
    if (chain.reversed) {
      points.reverse();
      straight.reverse();
    }
    return { from: chain.edge.from, to: chain.edge.to, points, straight, label, reversed: chain.reversed };
  });

  const placedNodes = nodes.map((n): PlacedNode => {
    const item = nodeItems.get(n.id) as Item;
    return { id: n.id, layer: item.rank / 2, ...boxOf(item) };
  });
  const height = Math.max(0, ...items.map((item) => item.y + item.height / 2)) + options.margin;
  return { width: x + options.margin, height, nodes: placedNodes, edges: placedEdges };
}

function firstY(chain: Chain): number {
  return (chain.middle[0] ?? chain.target).y;
}

function lastY(chain: Chain): number {
  return (chain.middle[chain.middle.length - 1] ?? chain.source).y;
}

/** The i-th of `count` ports on a side of `node`: centred, at most 10 apart, inside the box. */
function portY(node: Item, i: number, count: number): number {
  if (count <= 1) return node.y;
  const step = Math.min(10, (node.height - 8) / (count - 1));
  return node.y + (i - (count - 1) / 2) * Math.max(0, step);
}

/** Indices of the edges that close a cycle, found by a depth-first search in the nodes' order. */
export function findBackEdges(nodes: readonly { readonly id: string }[], edges: readonly { readonly from: string; readonly to: string }[]): Set<number> {
  const out = new Map<string, number[]>();
  edges.forEach((e, i) => out.set(e.from, [...(out.get(e.from) ?? []), i]));
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<number>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    for (const i of out.get(id) ?? []) {
      const to = (edges[i] as { to: string }).to;
      const s = state.get(to);
      if (s === 'open') back.add(i);
      else if (s === undefined) visit(to);
    }
    state.set(id, 'done');
  };
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);
  return back;
}

/**
 * Layer of each node of an acyclic graph: one right of its furthest predecessor; a node without
 * predecessors goes just left of its nearest successor.
 */
export function assignLayers(ids: readonly string[], edges: readonly { readonly from: string; readonly to: string }[]): Map<string, number> {
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    preds.get(e.to)?.push(e.from);
    succs.get(e.from)?.push(e.to);
  }
  const layer = new Map<string, number>();
  const remaining = new Map(ids.map((id) => [id, preds.get(id)?.length ?? 0]));
  const queue = ids.filter((id) => remaining.get(id) === 0);
  const topological: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    topological.push(id);
    const own = Math.max(0, ...(preds.get(id) ?? []).map((p) => (layer.get(p) ?? 0) + 1));
    layer.set(id, own);
    for (const s of succs.get(id) ?? []) {
      const left = (remaining.get(s) ?? 1) - 1;
      remaining.set(s, left);
      if (left === 0) queue.push(s);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0); // only on a cycle, which the caller broke
  for (const id of [...topological].reverse()) {
    const successors = succs.get(id) ?? [];
    if ((preds.get(id)?.length ?? 0) === 0 && successors.length > 0) layer.set(id, Math.min(...successors.map((s) => layer.get(s) ?? 0)) - 1);
  }
  const min = Math.min(0, ...layer.values());
  if (min < 0) for (const [id, l] of layer) layer.set(id, l - min);
  return layer;
}

/** Barycenter ordering: alternate sweeps down (by predecessors) and up (by successors); keeps the best. */
function orderRanks(ranks: Item[][]): void {
  // Each item's index in its rank, kept up to date as ranks are sorted (one map, not one per rank sorted:
  // rebuilding it for every rank made a 200-step pipeline take seconds).
  const at = new Map<Item, number>(ranks.flatMap((rank) => rank.map((item, i): [Item, number] => [item, i])));
  const sortBy = (rank: Item[], neighbours: (item: Item) => readonly Item[]): void => {
    const key = new Map(
      rank.map((item, i): [Item, number] => {
        const ns = neighbours(item);
        return [item, ns.length === 0 ? i : ns.reduce((sum, n) => sum + (at.get(n) ?? 0), 0) / ns.length];
      }),
    );
    rank.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0));
    rank.forEach((item, i) => at.set(item, i));
  };
  // Start: every rank after the first by its predecessors.
  for (let r = 1; r < ranks.length; r++) sortBy(ranks[r] as Item[], (item) => item.preds);
  let best = ranks.map((rank) => [...rank]);
  let bestCrossings = crossings(ranks);
  for (let iteration = 0; iteration < 24 && bestCrossings > 0; iteration++) {
    if (iteration % 2 === 0) for (let r = 1; r < ranks.length; r++) sortBy(ranks[r] as Item[], (item) => item.preds);
    else for (let r = ranks.length - 2; r >= 0; r--) sortBy(ranks[r] as Item[], (item) => item.succs);
    const now = crossings(ranks);
    if (now < bestCrossings) {
      bestCrossings = now;
      best = ranks.map((rank) => [...rank]);
    }
  }
  best.forEach((rank, r) => ranks[r]?.splice(0, rank.length, ...rank));
}

/** Edge crossings between neighbouring ranks. */
export function crossings(ranks: readonly (readonly { readonly succs: readonly object[] }[])[]): number {
  let count = 0;
  for (let r = 0; r + 1 < ranks.length; r++) {
    const next = new Map((ranks[r + 1] ?? []).map((item, i): [object, number] => [item, i]));
    const pairs: [number, number][] = [];
    (ranks[r] ?? []).forEach((item, i) => {
      for (const s of item.succs) {
        const j = next.get(s);
        if (j !== undefined) pairs.push([i, j]);
      }
    });
    for (let a = 0; a < pairs.length; a++) {
      for (let b = a + 1; b < pairs.length; b++) {
        const [i1, j1] = pairs[a] as [number, number];
        const [i2, j2] = pairs[b] as [number, number];
        if ((i1 - i2) * (j1 - j2) < 0) count++;
      }
    }
  }
  return count;
}

/** Vertical centres: stacked, then pulled towards the neighbours' mean in sweeps, never overlapping. */
function placeVertically(ranks: readonly Item[][], options: LayoutOptions): void {
  const gap = (a: Item, b: Item): number => (a.kind === 'dummy' || b.kind === 'dummy' ? options.dummyGap : options.nodeGap);
  for (const rank of ranks) {
    let y = 0;
    rank.forEach((item, i) => {
      const previous = rank[i - 1];
      y += previous === undefined ? item.height / 2 : previous.height / 2 + gap(previous, item) + item.height / 2;
      item.y = y;
    });
  }
  for (let sweep = 0; sweep < 300; sweep++) {
    let moved = 0;
    const order = sweep % 2 === 0 ? ranks : [...ranks].reverse();
    for (const rank of order) {
      const desired = rank.map((item) => {
        const ns = [...item.preds, ...item.succs];
        return ns.length === 0 ? item.y : ns.reduce((sum, n) => sum + n.y, 0) / ns.length;
      });
      const weights = rank.map((item) => Math.max(1, item.preds.length + item.succs.length));
      const separations = rank.slice(1).map((item, i) => {
        const previous = rank[i] as Item;
        return previous.height / 2 + gap(previous, item) + item.height / 2;
      });
      const placed = separatedPositions(desired, weights, separations);
      rank.forEach((item, i) => {
        const y = placed[i] ?? item.y;
        moved = Math.max(moved, Math.abs(y - item.y));
        item.y = y;
      });
    }
    if (moved < 0.01) break;
  }
}

/**
 * The positions closest to `desired` (weighted least squares) that keep item i+1 at least
 * `separations[i]` below item i: isotonic regression by pool adjacent violators on desired - offset.
 */
export function separatedPositions(desired: readonly number[], weights: readonly number[], separations: readonly number[]): number[] {
  const offset: number[] = [];
  let total = 0;
  desired.forEach((_, i) => {
    if (i > 0) total += separations[i - 1] ?? 0;
    offset.push(total);
  });
  const blocks: { value: number; weight: number; count: number }[] = [];
  desired.forEach((d, i) => {
    const weight = weights[i] ?? 1;
    blocks.push({ value: d - (offset[i] ?? 0), weight, count: 1 });
    for (;;) {
      const last = blocks[blocks.length - 1] as { value: number; weight: number; count: number };
      const before = blocks[blocks.length - 2];
      if (before === undefined || before.value <= last.value) break;
      blocks.splice(blocks.length - 2, 2, { value: (before.value * before.weight + last.value * last.weight) / (before.weight + last.weight), weight: before.weight + last.weight, count: before.count + last.count });
    }
  });
  const out: number[] = [];
  for (const block of blocks) for (let k = 0; k < block.count; k++) out.push(block.value + (offset[out.length] ?? 0));
  return out;
}

/**
 * The same layered layout top to bottom, for a panel too narrow for the graph left to right: ranks become
 * rows. Laid out left to right with every box turned a quarter, then mirrored on the diagonal, so boxes keep
 * their sizes and nothing overlaps that did not before.
 */
export function layeredLayoutDown(nodes: readonly LayoutNodeInput[], edges: readonly LayoutEdgeInput[], options: LayoutOptions = defaultLayoutOptions): Layout {
  const turned = layeredLayout(
    nodes.map((n) => ({ id: n.id, width: n.height, height: n.width })),
    edges.map((e) => ({ from: e.from, to: e.to, label: { width: e.label.height, height: e.label.width } })),
    options,
  );
  const box = <T extends Box>(b: T): T => ({ ...b, x: b.y, y: b.x, width: b.height, height: b.width });
  return {
    width: turned.height,
    height: turned.width,
    down: true,
    nodes: turned.nodes.map(box),
    edges: turned.edges.map((e) => ({ ...e, points: e.points.map((p) => ({ x: p.y, y: p.x })), label: box(e.label) })),
  };
}

/** The drawing is never shrunk below this (11 px text stays 10 px) to fit its width: past it, the panel scrolls. */
export const MIN_READABLE_SCALE = 10 / 11;

/**
 * To show a whole pipeline at once, the drawing may shrink down to this (11 px text at 7 px, still legible on a
 * desktop), not below: a larger one is fitted to its width and scrolls (round 43 V: a 5-step pipeline in a
 * 1000 × 700 px panel was drawn top to bottom, cut off, and Fit left it so).
 */
export const MIN_WHOLE_SCALE = 0.65;

/**
 * The layout for a panel `available` px wide (and `height` px tall, when known) and the scale to draw it at (at
 * most 1): left to right when that fits at a readable scale; else, the panel's height known, the one showing the
 * whole pipeline larger (shrunk to show it whole down to MIN_WHOLE_SCALE, else at fitScale); without the height,
 * top to bottom when that is wider at its scale, never below MIN_READABLE_SCALE.
 */
export function fittedLayout(nodes: readonly LayoutNodeInput[], edges: readonly LayoutEdgeInput[], available: number, options: LayoutOptions = defaultLayoutOptions, height?: number): { layout: Layout; scale: number } {
  const scaleOf = (layout: Layout): number => Math.min(1, available / Math.max(1, layout.width));
  const right = layeredLayout(nodes, edges, options);
  if (scaleOf(right) >= MIN_READABLE_SCALE) return { layout: right, scale: height === undefined ? scaleOf(right) : fitScale(right, available, height) };
  const down = layeredLayoutDown(nodes, edges, options);
  if (height !== undefined) {
    const whole = (layout: Layout): number => Math.min(1, available / Math.max(1, layout.width), height / Math.max(1, layout.height));
    const best = whole(right) >= whole(down) ? right : down;
    if (whole(best) >= MIN_WHOLE_SCALE) return { layout: best, scale: whole(best) };
    // Neither shows it whole: the one nearer to it, which scrolls less (round 48 DD: a short, wide panel drew it top
    // to bottom and showed one box).
    return { layout: best, scale: fitScale(best, available, height) };
  }
  const layout = scaleOf(down) > scaleOf(right) ? down : right;
  return { layout, scale: height === undefined ? Math.max(MIN_READABLE_SCALE, scaleOf(layout)) : fitScale(layout, available, height) };
}

/**
 * The scale of the graph panel's Fit: the whole drawing in a panel `width` × `height` px (at most 1) when that is
 * at least MIN_WHOLE_SCALE, else its width (the panel scrolls down), never below MIN_READABLE_SCALE (a 200-step
 * pipeline is not shrunk to a hairline: the panel scrolls both ways).
 */
export function fitScale(drawing: { readonly width: number; readonly height: number }, width: number, height: number): number {
  const across = width / Math.max(1, drawing.width);
  const whole = Math.min(1, across, height / Math.max(1, drawing.height));
  if (whole >= MIN_WHOLE_SCALE) return whole;
  return Math.max(MIN_READABLE_SCALE, Math.min(1, across));
}

/** SVG path data for a placed edge: curves with horizontal tangents (vertical ones when `down`), straight through the label. */
export function edgePath(edge: Pick<PlacedEdge, 'points' | 'straight'>, down = false): string {
  const [first, ...rest] = edge.points;
  if (first === undefined) return '';
  const parts = [`M${round(first.x)},${round(first.y)}`];
  let previous = first;
  rest.forEach((point, i) => {
    if (edge.straight[i] === true) parts.push(`L${round(point.x)},${round(point.y)}`);
    else {
      if (down) {
        const mid = (previous.y + point.y) / 2;
        parts.push(`C${round(previous.x)},${round(mid)} ${round(point.x)},${round(mid)} ${round(point.x)},${round(point.y)}`);
      } else {
        const mid = (previous.x + point.x) / 2;
        parts.push(`C${round(mid)},${round(previous.y)} ${round(mid)},${round(point.y)} ${round(point.x)},${round(point.y)}`);
      }
    }
    previous = point;
  });
  return parts.join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
