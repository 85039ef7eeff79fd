// The MLflow REST client against a real HTTP server on 127.0.0.1 answering in MLflow's documented shapes
// (https://mlflow.org/docs/latest/rest-api.html), and against the faults a tracking server shows.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlflowClient, MlflowError, isHttpTrackingUri, mlflowTrackingUri } from './mlflowClient';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

type Handler = (request: Seen, response: ServerResponse) => void;

const T0 = 1_764_108_930_000; // 2025-11-25T22:15:30Z

/** A run as runs/search returns it. */
function mlflowRun(id: string, experimentId: string, startTime: number, extra: { status?: string; metrics?: unknown[]; params?: unknown[]; tags?: unknown[] } = {}): unknown {
  return {
    info: { run_id: id, run_uuid: id, run_name: `name-${id.slice(0, 4)}`, experiment_id: experimentId, user_id: 'me', status: extra.status ?? 'FINISHED', start_time: startTime, end_time: startTime + 2500, artifact_uri: `mlflow-artifacts:/${experimentId}/${id}/artifacts`, lifecycle_stage: 'active' },
    data: {
      metrics: extra.metrics ?? [{ key: 'accuracy', value: 0.9, timestamp: startTime + 100, step: 0 }],
      params: extra.params ?? [{ key: 'n_estimators', value: '200' }],
      tags: extra.tags ?? [
        { key: 'mlflow.runName', value: `name-${id.slice(0, 4)}` },
        { key: 'mlflow.source.git.commit', value: 'abc123' },
        { key: 'mlflow.source.name', value: 'notebooks/churn.ipynb' },
        { key: 'nbpromote.version', value: '0.2.0' },
      ],
    },
    inputs: {},
  };
}

describe('MlflowClient (REST API)', function () {
  this.timeout(10_000);
  let server: Server;
  let base = '';
  let handler: Handler = (_req, res) => res.end('{}');
  let seen: Seen[] = [];

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const request: Seen = { method: req.method ?? '', url: req.url ?? '', body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), authorization: req.headers.authorization };
        seen.push(request);
        handler(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen = [];
  });

  afterEach(() => server.closeAllConnections());

  function json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  it('pages experiments and runs with page_token, newest first, sending the token', async () => {
    handler = (req, res) => {
      if (req.url === '/api/2.0/mlflow/experiments/search') {
        if (req.body['page_token'] === undefined) return json(res, 200, { experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }], next_page_token: 'exp-2' });
        return json(res, 200, { experiments: [{ experiment_id: '7', name: 'churn', lifecycle_stage: 'active', creation_time: T0 }] });
      }
      if (req.url === '/api/2.0/mlflow/runs/search') {
        const token = req.body['page_token'];
        if (token === undefined) return json(res, 200, { runs: [mlflowRun('a'.repeat(32), '7', T0 + 3000), mlflowRun('b'.repeat(32), '0', T0 + 2000)], next_page_token: 'runs-2' });
        if (token === 'runs-2') return json(res, 200, { runs: [mlflowRun('c'.repeat(32), '7', T0 + 1000)], next_page_token: 'runs-3' });
        return json(res, 200, {});
      }
      return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no' });
    };
    const client = new MlflowClient({ trackingUri: `${base}/`, token: 's3cret' });
    const first = await client.readRuns({ limit: 2 });
    assert.deepEqual(first.experiments.map((e) => e.name), ['Default', 'churn']);
    assert.equal(first.total, undefined);
    assert.equal(first.nextPageToken, 'runs-2');
    assert.deepEqual(first.items.map((r) => [r.id, r.experiment, r.status]), [
      ['a'.repeat(32), 'churn', 'finished'],
      ['b'.repeat(32), 'Default', 'finished'],
    ]);
    assert.deepEqual(first.items[0], {
      source: 'mlflow',
      id: 'a'.repeat(32),
      experiment: 'churn',
      experimentId: '7',
      name: 'name-aaaa',
      version: '0.2.0',
      status: 'finished',
      start: '2025-11-25T22:15:33.000Z',
      end: '2025-11-25T22:15:35.500Z',
      durationS: 2.5,
      params: { n_estimators: '200' },
      metrics: { accuracy: 0.9 },
      tags: { 'mlflow.runName': 'name-aaaa', 'mlflow.source.git.commit': 'abc123', 'mlflow.source.name': 'notebooks/churn.ipynb', 'nbpromote.version': '0.2.0' },
      gitCommit: 'abc123',
      notebook: 'notebooks/churn.ipynb',
      location: `${base}/#/experiments/7/runs/${'a'.repeat(32)}`,
    });
    const second = await client.readRuns({ limit: 2, pageToken: first.nextPageToken ?? '', experiments: first.experiments });
    assert.deepEqual(second.items.map((r) => r.id), ['c'.repeat(32)]);
    const third = await client.readRuns({ limit: 2, pageToken: second.nextPageToken ?? '', experiments: first.experiments });
    assert.deepEqual(third.items, []);
    assert.equal(third.nextPageToken, undefined);

    const searches = seen.filter((s) => s.url.endsWith('/runs/search'));
    assert.deepEqual(searches[0]?.body, { experiment_ids: ['0', '7'], max_results: 2, order_by: ['attributes.start_time DESC'], run_view_type: 'ACTIVE_ONLY' });
    assert.equal(searches[1]?.body['page_token'], 'runs-2');
    assert.equal(seen.filter((s) => s.url.endsWith('/experiments/search')).length, 2, 'experiments are listed once, then passed back');
    assert.deepEqual(seen.filter((s) => s.url.endsWith('/experiments/search')).map((s) => s.body['page_token']), [undefined, 'exp-2']);
    assert.ok(seen.every((s) => s.authorization === 'Bearer s3cret'));
  });

  it('keeps the latest metric value, maps statuses, flags a run the server describes badly', async () => {
    handler = (req, res) => {
      if (req.url.endsWith('/experiments/search')) return json(res, 200, { experiments: [{ experiment_id: '1', name: 'e' }] });
      return json(res, 200, {
        runs: [
          mlflowRun('a'.repeat(32), '1', T0, { status: 'KILLED', metrics: [{ key: 'm', value: 1, timestamp: 5, step: 1 }, { key: 'm', value: 'NaN', timestamp: 9, step: 0 }, { key: 'm', value: 2, timestamp: 1, step: 3 }], params: [{ key: 'p', value: 'x' }, { value: 'no key' }] }),
          { info: { status: 'FINISHED', start_time: String(T0) }, data: {} },
          mlflowRun('c'.repeat(32), '1', T0, { status: 'SCHEDULED' }),
        ],
      });
    };
    const page = await new MlflowClient({ trackingUri: base }).readRuns();
    const [killed, broken, scheduled] = page.items;
    assert.equal(killed?.status, 'failed');
    assert.equal(killed?.sourceStatus, 'KILLED');
    assert.deepEqual(killed?.metrics, { m: 2 });
    assert.deepEqual(killed?.params, { p: 'x' });
    assert.deepEqual(killed?.problems?.map((p) => p.message), ['data.params: 1 item(s) without a key were left out']);
    assert.equal(broken?.status, 'unknown');
    assert.equal(broken?.start, '2025-11-25T22:15:30.000Z', 'int64 as a string');
    assert.equal(broken?.problems?.[0]?.code, 'mlflow-malformed');
    assert.equal(broken?.problems?.[0]?.file, `${base}/api/2.0/mlflow/runs/search`);
    assert.equal(scheduled?.status, 'running');
    assert.ok(seen.every((s) => s.authorization === undefined), 'no token, no header');
  });

  it('reads a metric history, following page_token', async () => {
    handler = (req, res) => {
      const url = new URL(req.url, base);
      assert.equal(url.pathname, '/api/2.0/mlflow/metrics/get-history');
      assert.equal(req.method, 'GET');
      assert.equal(url.searchParams.get('run_id'), 'r1');
      assert.equal(url.searchParams.get('metric_key'), 'loss/train');
      if (url.searchParams.get('page_token') === null) return json(res, 200, { metrics: [{ key: 'loss/train', value: 0.9, timestamp: T0, step: 0 }, { key: 'loss/train', value: 0.5, timestamp: T0 + 1, step: 1 }], next_page_token: 'p2' });
      return json(res, 200, { metrics: [{ key: 'loss/train', value: 0.25, timestamp: T0 + 2, step: 2 }, { key: 'loss/train', timestamp: 1 }] });
    };
    const history = await new MlflowClient({ trackingUri: base }).metricHistory('r1', 'loss/train');
    assert.deepEqual(history.points, [
      { value: 0.9, timestamp: T0, step: 0 },
      { value: 0.5, timestamp: T0 + 1, step: 1 },
      { value: 0.25, timestamp: T0 + 2, step: 2 },
    ]);
    assert.equal(history.problems.length, 1);
  });

  it('HTTP 500: an http error with the status and MLflow\'s message', async () => {
    handler = (_req, res) => json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'database is locked' });
    await assert.rejects(new MlflowClient({ trackingUri: base }).listExperiments(), (ex: unknown) => {
      assert.ok(MlflowError.is(ex, 'http'));
      assert.equal(ex.status, 500);
      assert.equal(ex.message, `MLflow at ${base} answered HTTP 500 to POST /api/2.0/mlflow/experiments/search: INTERNAL_ERROR: database is locked`);
      return true;
    });
  });

  it('a server that never answers: a timeout after 2 s', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    await assert.rejects(new MlflowClient({ trackingUri: base }).readRuns(), (ex: unknown) => {
      assert.ok(MlflowError.is(ex, 'timeout'), String(ex));
      assert.equal(ex.message, `MLflow at ${base} did not answer within 2 s`);
      return true;
    });
    // It waited the 2 s (a timer never fires early); no upper bound, which a loaded machine can break.
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1900, `took ${elapsed} ms`);
  });

  it('a server that stops in the middle of the body: a timeout too', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"experiments": [');
    };
    await assert.rejects(new MlflowClient({ trackingUri: base, timeoutMs: 300 }).listExperiments(), (ex: unknown) => MlflowError.is(ex, 'timeout'));
  });

  it('401: unauthorized once; nothing more is sent until the credentials change', async () => {
    handler = (req, res) => (req.authorization === 'Bearer good' ? json(res, 200, { experiments: [] }) : json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'token required' }));
    const client = new MlflowClient({ trackingUri: base });
    await assert.rejects(client.readRuns(), (ex: unknown) => MlflowError.is(ex, 'unauthorized') && ex.status === 401 && /needs credentials \(HTTP 401: UNAUTHENTICATED: token required\)/.test(ex.message));
    for (let i = 0; i < 5; i++) await assert.rejects(client.readRuns(), (ex: unknown) => MlflowError.is(ex, 'unauthorized'));
    assert.equal(seen.length, 1, 'polling after a 401 does not reach the server');
    assert.ok(MlflowError.is(client.refusal, 'unauthorized'));
    client.setCredentials({ token: 'good' });
    assert.equal(client.refusal, undefined);
    assert.deepEqual((await client.readRuns()).items, []);
    assert.equal(seen.length, 2);
  });

  it('403: forbidden, and also not repeated', async () => {
    handler = (_req, res) => json(res, 403, { error_code: 'PERMISSION_DENIED', message: 'no access' });
    const client = new MlflowClient({ trackingUri: base, username: 'u', password: 'p' });
    await assert.rejects(client.listExperiments(), (ex: unknown) => MlflowError.is(ex, 'forbidden') && ex.status === 403);
    await assert.rejects(client.listExperiments(), (ex: unknown) => MlflowError.is(ex, 'forbidden'));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('malformed JSON, or JSON of the wrong shape: malformed', async () => {
    handler = (_req, res) => json(res, 200, '{"experiments": [ {"experiment_id": "1",');
    await assert.rejects(new MlflowClient({ trackingUri: base }).listExperiments(), (ex: unknown) => MlflowError.is(ex, 'malformed') && /not JSON/.test(ex.message));
    handler = (_req, res) => json(res, 200, '<html>login</html>');
    await assert.rejects(new MlflowClient({ trackingUri: base }).listExperiments(), (ex: unknown) => MlflowError.is(ex, 'malformed'));
    handler = (req, res) => json(res, 200, req.url.endsWith('/experiments/search') ? { experiments: [{ experiment_id: '1', name: 'e' }] } : { runs: { not: 'a list' } });
    await assert.rejects(new MlflowClient({ trackingUri: base }).readRuns(), (ex: unknown) => MlflowError.is(ex, 'malformed') && /`runs` is not a list/.test(ex.message));
  });

  it('nothing listening: unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(new MlflowClient({ trackingUri: `http://127.0.0.1:${port}` }).readRuns(), (ex: unknown) => {
      assert.ok(MlflowError.is(ex, 'unreachable'), String(ex));
      assert.equal(ex.message, `MLflow at http://127.0.0.1:${port} is unreachable: connection refused (ECONNREFUSED)`);
      return true;
    });
  });

  it('no experiments: an empty page without searching runs', async () => {
    handler = (_req, res) => json(res, 200, {});
    const page = await new MlflowClient({ trackingUri: base }).readRuns();
    assert.deepEqual(page.items, []);
    assert.equal(seen.length, 1);
  });

  it('the tracking URI: the setting, else MLFLOW_TRACKING_URI; only http(s) is a server', () => {
    assert.equal(mlflowTrackingUri(' http://setting:5000 ', { MLFLOW_TRACKING_URI: 'http://env:5000' }), 'http://setting:5000');
    assert.equal(mlflowTrackingUri('', { MLFLOW_TRACKING_URI: 'http://env:5000' }), 'http://env:5000');
    assert.equal(mlflowTrackingUri(undefined, {}), undefined);
    assert.equal(isHttpTrackingUri('https://mlflow.example.com/prefix'), true);
    assert.equal(isHttpTrackingUri('file:///tmp/mlruns'), false);
    assert.equal(isHttpTrackingUri('databricks'), false);
    assert.throws(() => new MlflowClient({ trackingUri: 'file:///tmp/mlruns' }), TypeError);
  });
});
