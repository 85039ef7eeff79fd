// What the graph webview is sent for a notebook: parameters, steps and metrics as nodes, one edge per
// from → to pair with the names passed, `after:` order without data as an edge without names.
import * as assert from 'node:assert/strict';
import { pipelineStatus } from '../pipelines/status';
import { graphData } from './graphData';
import { isHostMessage, isWebviewMessage } from './protocol';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const notebook = JSON.stringify({
  cells: [
    { id: 'p', tags: ['parameters'], source: 'scale = 2\nname = "x"' },
    { id: 'a', tags: ['step:load'], source: 'values = [1, 2, 3]' },
    { id: 'b', tags: ['step:train'], source: 'total = sum(values) * scale\nbias = scale' },
    { id: 'c', tags: ['step:report', 'after:load'], source: 'text = f"{total} {bias}"' },
    { id: 'd', tags: ['step:audit', 'after:report'], source: 'print("done")' },
    { id: 'm', tags: ['metrics'], source: 'score = total / 10' },
  ].map((c) => ({ cell_type: 'code', id: c.id, metadata: { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});

describe('graphData', function () {
  this.timeout(30_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-graphdata-'));
    writeFileSync(join(dir, 'nb.ipynb'), notebook);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has parameters, steps and metrics as nodes and groups edges per pair', async () => {
    const status = await pipelineStatus({ notebookPath: join(dir, 'nb.ipynb'), outDir: dir, toolVersion: 'test' });
    const data = graphData('nb.ipynb', status);
    assert.equal(data.status, 'pipeline nb · not promoted');
    assert.deepEqual(
      data.nodes.map((n) => [n.id, n.kind, n.details]),
      [
        ['parameters', 'parameters', ['scale = 2', 'name = "x"']],
        ['load', 'step', ['cell 2']],
        ['train', 'step', ['cell 3']],
        ['report', 'step', ['cell 4']],
        ['audit', 'step', ['cell 5']],
        ['metrics', 'metrics', ['total']],
      ],
    );
    assert.deepEqual(
      data.edges.map((e) => `${e.from}→${e.to}: ${e.names.join(', ')}`),
      ['load→train: values', 'parameters→train: scale', 'train→report: total, bias', 'train→metrics: total', 'report→audit: '],
    );
    // One metrics cell is "cell 6", not "cells 6".
    assert.match(data.nodes.find((n) => n.id === 'metrics')?.tooltip ?? '', /^metrics\ncell \d+\n/);
    const pair = data.edges.find((e) => e.from === 'train' && e.to === 'report');
    assert.deepEqual(pair?.explanations.length, 2);
    assert.match(pair?.explanations[0] ?? '', /report uses total, defined by train/);
    assert.ok(isHostMessage({ type: 'graph', ...data }), 'the message fails its own guard');
  });

  it('shows a float parameter as the notebook writes it: alpha = 1.0, not 1', async () => {
    const floats = JSON.stringify({
      cells: [
        { id: 'p', tags: ['parameters'], source: 'alpha = 1.0\nn = 3\ngrid = [0.5, 1.0]' },
        { id: 'a', tags: ['step:train'], source: 'model = alpha * n + sum(grid)' },
      ].map((c) => ({ cell_type: 'code', id: c.id, metadata: { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    writeFileSync(join(dir, 'floats.ipynb'), floats);
    const status = await pipelineStatus({ notebookPath: join(dir, 'floats.ipynb'), outDir: join(dir, 'floats-out'), toolVersion: 'test' });
    assert.deepEqual(graphData('floats.ipynb', status).nodes.find((n) => n.id === 'parameters')?.details, ['alpha = 1.0', 'n = 3', 'grid = [0.5,1.0]']);
  });

  it('names the parameters on each step instead of an edge each when many steps take parameters', async () => {
    const cells = [
      { id: 'p', tags: ['parameters'], source: 'seed = 1\nscale = 2\nrate = 3\nsize = 4\nextra = 5' },
      ...Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, tags: [`step:s${i}`], source: i === 0 ? 'v0 = seed + scale + rate + size + extra' : `v${i} = v${i - 1} + seed` })),
    ];
    const many = JSON.stringify({
      cells: cells.map((c) => ({ cell_type: 'code', id: c.id, metadata: { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    writeFileSync(join(dir, 'many.ipynb'), many);
    const data = graphData('many.ipynb', await pipelineStatus({ notebookPath: join(dir, 'many.ipynb'), outDir: dir, toolVersion: 'test' }));
    assert.deepEqual(data.edges.filter((e) => e.from === 'parameters'), [], 'one edge per step from the parameters node');
    assert.equal(data.edges.length, 11, 'the steps\' own edges stay');
    assert.deepEqual(data.nodes.find((n) => n.id === 's0')?.details, ['cell 2', 'parameters: seed, scale, rate +2']);
    assert.deepEqual(data.nodes.find((n) => n.id === 's5')?.details, ['cell 7', 'parameters: seed']);
    assert.equal(data.nodes.find((n) => n.id === 'parameters')?.details.at(-1), 'used by 12 steps (named on each)');
    // A few steps keep their edges.
    const few = graphData('nb.ipynb', await pipelineStatus({ notebookPath: join(dir, 'nb.ipynb'), outDir: dir, toolVersion: 'test' }));
    assert.equal(few.edges.filter((e) => e.from === 'parameters').length, 1);
  });

  it('guards the messages both ways', () => {
    assert.ok(isWebviewMessage({ type: 'ready' }));
    assert.ok(isWebviewMessage({ type: 'openStep', step: 'train' }));
    assert.ok(isWebviewMessage({ type: 'rendered', nodes: 3, edges: 2 }));
    assert.ok(!isWebviewMessage({ type: 'openStep' }));
    assert.ok(!isWebviewMessage({ type: 'rendered', nodes: '3', edges: 2 }));
    assert.ok(!isWebviewMessage({ type: 'run', command: 'rm' }));
    assert.ok(!isHostMessage({ type: 'graph', title: 't', status: 's', nodes: [{ id: 1 }], edges: [], problems: [] }));
  });
});
