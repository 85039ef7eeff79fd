// The graph webview's layout, without a browser: layers follow the dependencies left to right, no box
// (node or edge label) overlaps another, edges run from their source's right side to their target's left
// side through their label, and a cycle still gets a drawing.
import * as assert from 'node:assert/strict';
import type { Box, Layout, LayoutEdgeInput, LayoutNodeInput } from './layout';
import { assignLayers, crossings, edgePath, fitScale, fittedLayout, layeredLayout, layeredLayoutDown, MIN_READABLE_SCALE, MIN_WHOLE_SCALE, separatedPositions } from './layout';

const node = (id: string, width = 100, height = 40): LayoutNodeInput => ({ id, width, height });
const edge = (from: string, to: string, width = 80, height = 20): LayoutEdgeInput => ({ from, to, label: { width, height } });

/** The fixture test/fixtures/workspace/graph-pipeline.ipynb: parameters, six steps, metrics. */
const pipelineNodes = ['parameters', 'load', 'clean', 'features', 'split', 'train', 'evaluate', 'metrics'].map((id) => node(id, id === 'parameters' ? 130 : 100, id === 'parameters' ? 70 : 46));
const pipelineEdges = [
  edge('load', 'clean'),
  edge('clean', 'features', 70),
  edge('features', 'split', 30),
  edge('parameters', 'split', 110),
  edge('split', 'train', 120),
  edge('parameters', 'train', 50),
  edge('train', 'evaluate', 40),
  edge('split', 'evaluate', 110),
  edge('evaluate', 'metrics', 60),
];

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function boxes(layout: Layout): { name: string; box: Box }[] {
  return [...layout.nodes.map((n) => ({ name: n.id, box: n as Box })), ...layout.edges.map((e) => ({ name: `${e.from}→${e.to}`, box: e.label }))];
}

function assertNoOverlaps(layout: Layout): void {
  const all = boxes(layout);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i] as { name: string; box: Box };
      const b = all[j] as { name: string; box: Box };
      assert.ok(!overlaps(a.box, b.box), `${a.name} ${JSON.stringify(a.box)} overlaps ${b.name} ${JSON.stringify(b.box)}`);
    }
  }
  for (const { name, box } of all) {
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height, `${name} is outside the drawing`);
  }
}

describe('graph layout', () => {
  it('layers by longest path and puts a source just before its nearest successor', () => {
    const layers = assignLayers(
      pipelineNodes.map((n) => n.id),
      pipelineEdges,
    );
    assert.deepEqual(Object.fromEntries(layers), { parameters: 2, load: 0, clean: 1, features: 2, split: 3, train: 4, evaluate: 5, metrics: 6 });
  });

  it('draws the fixture pipeline left to right without overlapping boxes', () => {
    const layout = layeredLayout(pipelineNodes, pipelineEdges);
    assert.equal(layout.nodes.length, 8);
    assert.equal(layout.edges.length, 9);
    assertNoOverlaps(layout);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges) {
      const from = at.get(e.from) as Box;
      const to = at.get(e.to) as Box;
      assert.ok(from.x + from.width <= e.label.x && e.label.x + e.label.width <= to.x, `the label of ${e.from}→${e.to} is not between them`);
      const first = e.points[0];
      const last = e.points[e.points.length - 1];
      assert.deepEqual(first?.x, from.x + from.width);
      assert.deepEqual(last?.x, to.x);
      assert.ok((first?.y ?? -1) >= from.y && (first?.y ?? -1) <= from.y + from.height, `${e.from}→${e.to} does not leave ${e.from}'s side`);
      assert.ok((last?.y ?? -1) >= to.y && (last?.y ?? -1) <= to.y + to.height, `${e.from}→${e.to} does not reach ${e.to}'s side`);
      assert.equal(e.straight.length, e.points.length - 1);
    }
    // A chain of single edges is drawn straight: load, clean and features share a centre line.
    const centre = (id: string): number => {
      const n = at.get(id) as Box;
      return n.y + n.height / 2;
    };
    assert.equal(Math.round(centre('load')), Math.round(centre('clean')));
    assert.equal(Math.round(centre('clean')), Math.round(centre('features')));
  });

  it('draws the fixture top to bottom without overlapping boxes: edges leave a bottom side and enter a top side', () => {
    const layout = layeredLayoutDown(pipelineNodes, pipelineEdges);
    assert.equal(layout.down, true);
    assertNoOverlaps(layout);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const n of pipelineNodes) assert.deepEqual([at.get(n.id)?.width, at.get(n.id)?.height], [n.width, n.height], `${n.id} changed its size`);
    for (const e of layout.edges) {
      const from = at.get(e.from) as Box;
      const to = at.get(e.to) as Box;
      assert.ok(from.y + from.height <= e.label.y && e.label.y + e.label.height <= to.y, `the label of ${e.from}→${e.to} is not between them`);
      assert.equal(e.points[0]?.y, from.y + from.height);
      assert.equal(e.points[e.points.length - 1]?.y, to.y);
    }
    assert.match(edgePath({ points: [{ x: 0, y: 0 }, { x: 10, y: 20 }], straight: [false] }, true), /^M0,0 C0,10 10,10 10,20$/);
  });

  it('fits a narrow panel top to bottom at a readable scale, and keeps left to right when that fits', () => {
    const wide = layeredLayout(pipelineNodes, pipelineEdges);
    const roomy = fittedLayout(pipelineNodes, pipelineEdges, wide.width + 10);
    assert.deepEqual([roomy.layout.down ?? false, roomy.scale], [false, 1]);
    const narrow = fittedLayout(pipelineNodes, pipelineEdges, 400);
    assert.equal(narrow.layout.down, true);
    assert.ok(narrow.scale >= MIN_READABLE_SCALE, `scaled to ${narrow.scale}`);
    assert.ok(narrow.layout.width * narrow.scale <= 400 || narrow.scale === MIN_READABLE_SCALE);
    assert.ok(11 * fittedLayout(pipelineNodes, pipelineEdges, 50).scale >= 10, 'text below 10 px');
  });

  // Round 43 V: a 5-step pipeline in a 1000 x 700 px panel was drawn top to bottom, cut off at the bottom.
  it('with the panel\'s height known, shows the whole pipeline in the layout that shows it larger, down to MIN_WHOLE_SCALE', () => {
    const wide = layeredLayout(pipelineNodes, pipelineEdges);
    const down = layeredLayoutDown(pipelineNodes, pipelineEdges);
    const width = Math.round(wide.width * 0.8);
    const short = Math.round(Math.max(wide.height * 0.8, down.height * 0.5));
    const fitted = fittedLayout(pipelineNodes, pipelineEdges, width, undefined, short);
    assert.equal(fitted.layout.down ?? false, false);
    assert.ok(Math.abs(fitted.scale - Math.min(width / wide.width, short / wide.height)) < 1e-9, `scale ${fitted.scale}`);
    assert.ok(fitted.scale >= MIN_WHOLE_SCALE && fitted.scale < MIN_READABLE_SCALE);
    // Round 48 DD: a short, wide panel where neither shows it whole: the one nearer to it (left to right here).
    const shortWide = fittedLayout(pipelineNodes, pipelineEdges, Math.round(wide.width * 0.6), undefined, Math.round(wide.height * 0.6));
    assert.ok(Math.min(wide.width * 0.6 / down.width, wide.height * 0.6 / down.height) < 0.6, 'the fixture drawn down is no nearer');
    assert.equal(shortWide.layout.down ?? false, false);
    assert.ok(shortWide.scale >= MIN_READABLE_SCALE);
    // Far too small a panel for the whole: as without the height, never below a readable scale.
    const tiny = fittedLayout(pipelineNodes, pipelineEdges, 120, undefined, 80);
    assert.ok(tiny.scale >= MIN_READABLE_SCALE, `scale ${tiny.scale}`);
  });

  it('keeps labels in one column apart when several edges leave one node', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => node(id));
    const edges = [edge('a', 'b', 90, 48), edge('a', 'c', 90, 48), edge('a', 'd', 90, 48)];
    const layout = layeredLayout(nodes, edges);
    assertNoOverlaps(layout);
    assert.equal(crossingsOf(layout), 0);
  });

  it('draws a cycle with the closing edge reversed', () => {
    const layout = layeredLayout(['a', 'b', 'c'].map((id) => node(id)), [edge('a', 'b'), edge('b', 'c'), edge('c', 'a')]);
    assertNoOverlaps(layout);
    const closing = layout.edges.find((e) => e.from === 'c');
    assert.equal(closing?.reversed, true);
    const a = layout.nodes.find((n) => n.id === 'a') as Box;
    const last = closing?.points[closing.points.length - 1];
    assert.equal(last?.x, a.x + a.width, 'the reversed edge ends at its target a');
  });

  it('ignores edges to unknown nodes and self-loops', () => {
    const layout = layeredLayout([node('a'), node('b')], [edge('a', 'b'), edge('a', 'zzz'), edge('b', 'b')]);
    assert.deepEqual(
      layout.edges.map((e) => `${e.from}→${e.to}`),
      ['a→b'],
    );
  });

  it('counts crossings between neighbouring ranks', () => {
    const [x, y] = [{ succs: [] }, { succs: [] }];
    assert.equal(crossings([[{ succs: [x] }, { succs: [y] }], [x, y]]), 0);
    assert.equal(crossings([[{ succs: [y] }, { succs: [x] }], [x, y]]), 1);
  });

  it('separates positions with the least movement', () => {
    assert.deepEqual(separatedPositions([0, 0, 0], [1, 1, 1], [10, 10]), [-10, 0, 10]);
    assert.deepEqual(separatedPositions([0, 50], [1, 1], [10]), [0, 50]);
    assert.deepEqual(separatedPositions([5, 0], [3, 1], [10]), [1.25, 11.25]);
  });

  it('writes SVG paths: curves between columns, a straight line through the label', () => {
    assert.equal(
      edgePath({
        points: [
          { x: 0, y: 0 },
          { x: 20, y: 10 },
          { x: 60, y: 10 },
        ],
        straight: [false, true],
      }),
      'M0,0 C10,0 10,10 20,10 L60,10',
    );
  });
});

/** Crossings among the segments from the sources to the labels, by their end heights. */
function crossingsOf(layout: Layout): number {
  const segments = layout.edges.map((e) => [e.points[0]?.y ?? 0, e.points[1]?.y ?? 0] as const);
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j < segments.length; j++) {
      const [a1, b1] = segments[i] as readonly [number, number];
      const [a2, b2] = segments[j] as readonly [number, number];
      if ((a1 - a2) * (b1 - b2) < 0) count++;
    }
  }
  return count;
}

describe('fitScale (the graph panel\'s Fit)', () => {
  it('fits a small pipeline whole, never above 100%', () => {
    assert.equal(fitScale({ width: 400, height: 300 }, 800, 600), 1);
    assert.equal(fitScale({ width: 1000, height: 500 }, 950, 600), 0.95);
    // Whole at 70%: shrunk that far rather than cut off (round 43 V).
    assert.equal(fitScale({ width: 1000, height: 1000 }, 1400, 700), 0.7);
  });

  it('never shrinks a 200-step pipeline to a hairline: below a readable scale it fits the width, or stays readable', () => {
    // A 200-step pipeline drawn top to bottom: about 900 px wide, 30,000 px tall.
    assert.equal(fitScale({ width: 900, height: 30_000 }, 1000, 700), 1);
    const wide = fitScale({ width: 40_000, height: 800 }, 1000, 700);
    assert.equal(wide, MIN_READABLE_SCALE);
    assert.ok(fitScale({ width: 1050, height: 30_000 }, 1000, 700) >= MIN_READABLE_SCALE);
  });
});
