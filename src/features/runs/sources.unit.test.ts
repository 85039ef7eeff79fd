// The Runs view's sources without VS Code: a local store paged 200 at a time with "Load more" per group,
// and an MLflow server (a real HTTP server on 127.0.0.1) whose failure keeps the last runs, stale.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGroup } from '../../core/contract/runs';
import { renderPipelineConfig } from '../../core/pipeline/config';
import { localRunRecord, runIdAt, writeLocalRun } from '../../core/runs/testing';
import { LocalSource, MlflowSource } from './sources';

/** pipeline.yaml of the package `churn` with a float and an int parameter. */
const pipelineYaml = renderPipelineConfig(
  {
    schema_version: 1,
    package: 'churn',
    version: '0.2.0',
    notebook: 'churn.ipynb',
    workdir: '.',
    parameters: { alpha: { default: 1, type: 'float' }, n: { default: 3, type: 'int' } },
    steps: [{ name: 'train', module: 'churn.steps.train', function: 'train', cells: [{ index: 1 }], inputs: ['alpha', 'n'], outputs: ['model'], after: [] }],
  },
  'test',
);

describe('runs view sources', function () {
  this.timeout(20_000);
  const t0 = Date.UTC(2026, 10, 25, 22, 15, 30) / 1000;

  describe('local store', () => {
    let root = '';
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'nbpromote-runs-view-'));
      for (let i = 0; i < 450; i++) {
        const id = runIdAt(t0 + i, i.toString(16).padStart(6, '0'));
        writeLocalRun(root, id, localRunRecord(id, { pipeline: i % 10 === 0 ? 'other' : 'churn', metrics: { accuracy: i / 1000 } }));
      }
      writeLocalRun(root, runIdAt(t0 + 1000, 'ffffff'), '{"id": "truncated", "status": "fini');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('gives the runs of the package pipeline.yaml holds where their parameters are floats, and no other run', async () => {
      const shaped = mkdtempSync(join(tmpdir(), 'nbpromote-runs-shapes-'));
      try {
        writeFileSync(join(shaped, 'pipeline.yaml'), pipelineYaml);
        writeLocalRun(shaped, runIdAt(t0, 'aaaaaa'), localRunRecord(runIdAt(t0, 'aaaaaa'), { pipeline: 'churn', params: { alpha: 1, n: 3 } }));
        writeLocalRun(shaped, runIdAt(t0 + 1, 'bbbbbb'), localRunRecord(runIdAt(t0 + 1, 'bbbbbb'), { pipeline: 'other', params: { alpha: 1 } }));
        const source = new LocalSource(shaped, 'Local runs · shapes');
        await source.reload();
        assert.equal(source.error, undefined);
        const byPipeline = Object.fromEntries(source.runs.map((r) => [r.pipeline, r.paramShapes]));
        assert.deepEqual(byPipeline, { churn: { alpha: { type: 'float' }, n: { type: 'int' } }, other: undefined });
      } finally {
        rmSync(shaped, { recursive: true, force: true });
      }
    });

    it('reads 200 runs newest first, a malformed record as one flagged run', async () => {
      const source = new LocalSource(root, 'Local runs · test');
      await source.reload();
      assert.equal(source.runs.length, 200);
      assert.equal(source.total, 451);
      assert.ok(source.hasMore);
      assert.equal(source.runs[0]?.status, 'unknown');
      assert.equal(source.runs[0]?.problems?.[0]?.code, 'json-syntax');
      assert.equal(source.runs[1]?.metrics['accuracy'], 0.449);
      assert.equal(source.error, undefined);
    });

    it('"Load more" on a group reads pages until the group has 200 more, and a reload keeps what was shown', async () => {
      const source = new LocalSource(root, 'Local runs · test');
      await source.reload();
      const churn = (): number => source.runs.filter((r) => runGroup(r) === 'churn').length;
      assert.ok(churn() < 200);
      await source.loadMore('churn', runGroup);
      assert.equal(source.groupLimits.get('churn'), 400);
      assert.equal(churn(), 405, 'every churn run: the store ends before 400 more');
      assert.ok(!source.hasMore);
      await source.reload();
      assert.equal(source.runs.length, 451);
    });
  });

  describe('MLflow server', () => {
    let server: Server;
    let base = '';
    let mode: 'ok' | '500' | 'slow' = 'ok';
    let requests = 0;

    function json(res: ServerResponse, status: number, body: unknown): void {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }

    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests++;
          if (mode === '500') return json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'database is locked' });
          if (mode === 'slow') return void setTimeout(() => json(res, 200, {}), 1500);
          if (req.url === '/api/2.0/mlflow/experiments/search') return json(res, 200, { experiments: [{ experiment_id: '1', name: 'wine' }] });
          if (req.url === '/api/2.0/mlflow/runs/search') {
            return json(res, 200, {
              runs: [{ info: { run_id: 'a'.repeat(32), experiment_id: '1', status: 'FINISHED', start_time: 1_764_108_930_000 }, data: { metrics: [{ key: 'accuracy', value: 0.97, timestamp: 1, step: 0 }], params: [{ key: 'C', value: '0.5' }] } }],
            });
          }
          return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND' });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('keeps the last runs, stale, when the server fails, and is fresh again after it recovers', async () => {
      mode = 'ok';
      const source = new MlflowSource(base, undefined);
      await source.reload();
      assert.equal(source.runs.length, 1);
      assert.equal(source.runs[0]?.experiment, 'wine');
      assert.ok(!source.stale);
      mode = '500';
      await source.reload();
      assert.equal(source.error?.reason, 'http');
      assert.match(source.error?.message ?? '', /HTTP 500.*database is locked/);
      assert.ok(source.stale);
      assert.equal(source.runs.length, 1);
      mode = 'ok';
      await source.reload();
      assert.equal(source.error, undefined);
      assert.ok(!source.stale);
    });

    it('polls ask runs/search only: the experiments are kept until a full reload', async () => {
      mode = 'ok';
      const source = new MlflowSource(base, undefined);
      await source.reload({ full: true });
      requests = 0;
      await source.reload();
      assert.equal(requests, 1);
      await source.reload({ full: true });
      assert.equal(requests, 3);
    });

    it('a slow server is an error within the timeout', async () => {
      mode = 'slow';
      const source = new MlflowSource(base, undefined, 500);
      // The server answers after 1.5 s: a source waiting for it would have no error.
      await source.reload();
      assert.equal(source.error?.reason, 'timeout');
    });
  });
});
