// `nbpromote runs` as people run it: the CLI built with esbuild into a temp folder and spawned, over run stores
// written in their writers' formats (run.json as the runtime writes it, mlruns/ as MLflow does) and a local
// HTTP server answering as an MLflow tracking server.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { localRunRecord, runIdAt, writeLocalRun, writeMlrunsExperiment, writeMlrunsRun } from '../../core/runs/testing';

const root = join(__dirname, '..', '..', '..');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('nbpromote runs (built binary)', function () {
  this.timeout(60_000);
  let build = '';
  let work = '';
  let cli = '';
  const t0 = Date.UTC(2026, 10, 25, 22, 15, 30) / 1000;
  const ids = [runIdAt(t0, 'aaaaaa'), runIdAt(t0 + 60, 'bbbbbb'), runIdAt(t0 + 120, 'cccccc')];

  /** Spawns the CLI without blocking this process (the MLflow test server must keep answering). */
  function nbpromote(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
    return new Promise((resolve) => {
      const base = { ...process.env, NBPROMOTE_DEBUG: '', MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' };
      execFile(process.execPath, [cli, ...args], { cwd: work, env: { ...base, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      });
    });
  }

  before(() => {
    build = mkdtempSync(join(tmpdir(), 'nbpromote-cli-runs-'));
    cli = join(build, 'cli.js');
    buildSync({ entryPoints: [join(root, 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', outfile: cli, loader: { '.py': 'text' } });
    work = mkdtempSync(join(tmpdir(), 'nbpromote-runs-work-'));
    writeLocalRun(work, ids[0] ?? '', localRunRecord(ids[0] ?? '', { params: { n_estimators: 100 }, metrics: { accuracy: 0.85, mape: null } }));
    writeLocalRun(work, ids[1] ?? '', localRunRecord(ids[1] ?? '', { params: { n_estimators: 300 }, metrics: { accuracy: 0.93, f1: 0.9, auc: 0.95, loss: 0.2 }, git_dirty: true }));
    writeLocalRun(work, ids[2] ?? '', '{"id": "truncated", "status": "fini');
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
    if (build !== '') rmSync(build, { recursive: true, force: true });
  });

  it('--json prints only a JSON list of the local runs, newest first, with a flagged malformed one', async () => {
    const run = await nbpromote(['runs', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const runs = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.deepEqual(runs.map((r) => [r['id'], r['status']]), [
      [ids[2], 'unknown'],
      [ids[1], 'finished'],
      [ids[0], 'finished'],
    ]);
    const second = runs[1] ?? {};
    for (const key of ['id', 'pipeline', 'version', 'status', 'params', 'metrics', 'git_commit']) assert.ok(key in second, key);
    assert.equal(second['pipeline'], 'churn');
    assert.equal(second['version'], '0.2.0');
    assert.deepEqual(second['params'], { n_estimators: 300 });
    assert.deepEqual(second['metrics'], { accuracy: 0.93, f1: 0.9, auc: 0.95, loss: 0.2 });
    assert.equal(second['git_commit'], '0123456789abcdef0123456789abcdef01234567');
    assert.equal(second['git_dirty'], true);
    assert.deepEqual(second['steps'], [
      { name: 'load', status: 'cached', duration_s: 0.01, cached: true },
      { name: 'train', status: 'ran', duration_s: 1.2, cached: false },
    ]);
    const broken = runs[0] ?? {};
    assert.equal(broken['pipeline'], null);
    assert.equal((broken['problems'] as { code: string }[])[0]?.code, 'json-syntax');
    assert.match(run.stderr, new RegExp(`^error: .*${ids[2]}.run\\.json: line 1, column \\d+: run\\.json is not complete JSON`, 'm'));
  });

  it('prints a table by default; --limit keeps the newest N; --out names the project', async () => {
    const table = await nbpromote(['runs']);
    assert.equal(table.status, 0);
    const lines = table.stdout.trimEnd().split('\n');
    // Round 63 LLL: the parameters that differ between the runs listed tell them apart.
    assert.match(lines[0] ?? '', /^ID\s+PIPELINE\s+VERSION\s+STATUS\s+PARAMS\s+METRICS\s+COMMIT$/);
    assert.match(lines[1] ?? '', new RegExp(`^${ids[2]}\\s+unknown!$`));
    assert.match(lines[2] ?? '', new RegExp(`^${ids[1]}\\s+churn\\s+0\\.2\\.0\\s+finished\\s+n_estimators=300\\s+accuracy=0\\.93 f1=0\\.9 auc=0\\.95 …\\s+01234567\\*$`));
    assert.match(lines[3] ?? '', new RegExp(`^${ids[0]}\\s+churn\\s+0\\.2\\.0\\s+finished\\s+n_estimators=100\\s+accuracy=0\\.85 mape=n/a\\s+`));
    // Round 64 MMM: a parameter an older run has not is `–`, not a blank that reads as the same value.
    const older = join(work, 'older');
    const [newer, old] = [runIdAt(t0 + 400, 'eeeeee'), runIdAt(t0 + 340, 'ffffff')];
    writeLocalRun(older, newer, localRunRecord(newer, { params: { n_estimators: 100, max_iter: 300 } }));
    writeLocalRun(older, old, localRunRecord(old, { params: { n_estimators: 100 } }));
    const rows = (await nbpromote(['runs', '--out', older])).stdout.split('\n');
    assert.match(rows[1] ?? '', /\smax_iter=300\s/);
    assert.match(rows[2] ?? '', /\smax_iter=–\s/);
    assert.match(lines[4] ?? '', /^3 of 3 runs, newest first \(.*\.nbpromote\/runs\); ! the record has errors \(see above\); \* uncommitted changes$/);
    const limited = await nbpromote(['runs', '--json', '--limit', '1', '--out', work]);
    assert.deepEqual((JSON.parse(limited.stdout) as { id: string }[]).map((r) => r.id), [ids[2]]);
    // A run a signal stopped (Stop Run, Ctrl-C) reads "stopped", as in the editor; its record says failed.
    const stoppedRoot = join(work, 'stopped');
    const stoppedId = runIdAt(t0 + 300, 'dddddd');
    writeLocalRun(stoppedRoot, stoppedId, localRunRecord(stoppedId, { status: 'failed', error: { message: "step 'train' was stopped by SIGTERM in notebook cell 9 (id c9), line 1", traceback: null } }));
    const stopped = await nbpromote(['runs', '--out', stoppedRoot]);
    assert.match(stopped.stdout.split('\n')[1] ?? '', new RegExp(`^${stoppedId}\\s+churn\\s+0\\.2\\.0\\s+stopped\\b`));
    const promoted = join(work, 'promoted');
    mkdirSync(promoted);
    writeFileSync(join(promoted, 'pipeline.yaml'), 'schema_version: 1\n');
    const empty = await nbpromote(['runs', '--out', promoted]);
    assert.equal(empty.status, 0);
    assert.match(empty.stdout, /^No runs in .*promoted\/\.nbpromote\/runs\.\n$/);
  });

  it('a mistyped --out exits 1, as data does; with --json its one JSON object says why', async () => {
    const missing = await nbpromote(['runs', '--out', join(work, 'nothing-here')]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^nbpromote: .*nothing-here: no such folder \(--out names the folder holding pipeline\.yaml and \.nbpromote\/runs\/\)\n$/);
    const json = await nbpromote(['runs', '--out', join(work, 'nothing-here'), '--json']);
    assert.equal(json.status, 1);
    assert.match((JSON.parse(json.stdout) as { error: string }).error, /nothing-here: no such folder/);
    const bare = join(work, 'bare');
    mkdirSync(bare);
    const neither = await nbpromote(['runs', '--out', bare, '--json']);
    assert.equal(neither.status, 1);
    assert.deepEqual(JSON.parse(neither.stdout), { source: 'local', error: `${bare} holds no promoted package (no pipeline.yaml) and no run store (.nbpromote/runs/): --out names the folder a notebook was promoted into`, exit_code: 1 });
  });

  it('usage errors exit 2', async () => {
    for (const args of [['runs', '--limit', '0'], ['runs', '--limit', 'many'], ['runs', '--source', 'wandb'], ['runs', 'extra']]) {
      const run = await nbpromote(args);
      assert.equal(run.status, 2, args.join(' '));
      assert.equal(run.stdout, '');
    }
  });

  it('--source mlruns reads the file store MLFLOW_TRACKING_URI names; a missing store exits 1', async () => {
    const store = join(work, 'tracking');
    writeMlrunsExperiment(store, '0', 'Default');
    writeMlrunsRun(store, '0', { runId: 'a'.repeat(32), startTime: t0 * 1000, params: { alpha: '0.5' }, metrics: { rmse: [`${t0 * 1000} 0.7 0`] }, tags: { 'mlflow.source.git.commit': 'feedbeef' } });
    const run = await nbpromote(['runs', '--source', 'mlruns', '--json'], { MLFLOW_TRACKING_URI: pathToFileURL(store).href });
    assert.equal(run.status, 0, run.stderr);
    const [only] = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.equal(only?.['id'], 'a'.repeat(32));
    assert.equal(only?.['experiment'], 'Default');
    assert.deepEqual(only?.['params'], { alpha: '0.5' });
    assert.deepEqual(only?.['metrics'], { rmse: 0.7 });
    assert.equal(only?.['git_commit'], 'feedbeef');
    const missing = await nbpromote(['runs', '--source', 'mlruns']);
    assert.equal(missing.status, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /mlruns: there is no MLflow file store here/);
  });

  describe('--source mlflow', () => {
    let server: Server;
    let base = '';
    let answer: (url: string, auth: string | undefined) => [number, unknown] = () => [200, {}];

    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const [status, body] = answer(req.url ?? '', req.headers.authorization);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('lists the server\'s runs with MLFLOW_TRACKING_TOKEN', async () => {
      answer = (url, auth) => {
        if (auth !== 'Bearer tok') return [401, { error_code: 'UNAUTHENTICATED', message: 'who are you' }];
        if (url.endsWith('/experiments/search')) return [200, { experiments: [{ experiment_id: '3', name: 'churn' }] }];
        const run = { info: { run_id: 'f'.repeat(32), experiment_id: '3', status: 'FAILED', start_time: t0 * 1000, end_time: t0 * 1000 + 10 }, data: { params: [{ key: 'k', value: 'v' }], metrics: [{ key: 'm', value: 1.5, timestamp: 1, step: 0 }], tags: [{ key: 'mlflow.source.git.commit', value: 'c0ffee' }, { key: 'nbpromote.version', value: '1.0.0' }] } };
        return [200, { runs: [run] }];
      };
      const run = await nbpromote(['runs', '--source', 'mlflow', '--json'], { MLFLOW_TRACKING_URI: base, MLFLOW_TRACKING_TOKEN: 'tok' });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(
        (JSON.parse(run.stdout) as Record<string, unknown>[]).map((r) => [r['id'], r['experiment'], r['version'], r['status'], r['params'], r['metrics'], r['git_commit']]),
        [['f'.repeat(32), 'churn', '1.0.0', 'failed', { k: 'v' }, { m: 1.5 }, 'c0ffee']],
      );
      const refused = await nbpromote(['runs', '--source', 'mlflow'], { MLFLOW_TRACKING_URI: base });
      assert.equal(refused.status, 1);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /needs credentials \(HTTP 401: UNAUTHENTICATED: who are you\); set MLFLOW_TRACKING_TOKEN/);
    });

    it('an unreachable server or no MLFLOW_TRACKING_URI: exit 1 with a clear message (with --json, in one JSON object)', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const down = await nbpromote(['runs', '--source', 'mlflow', '--json'], { MLFLOW_TRACKING_URI: `http://127.0.0.1:${port}` });
      assert.equal(down.status, 1);
      const message = `MLflow at http://127.0.0.1:${port} is unreachable: connection refused (ECONNREFUSED); check MLFLOW_TRACKING_URI and that the server is running`;
      assert.deepEqual(JSON.parse(down.stdout), { source: 'mlflow', error: message, exit_code: 1 });
      assert.equal(down.stderr, `nbpromote: ${message}\n`);
      const unset = await nbpromote(['runs', '--source', 'mlflow']);
      assert.equal(unset.status, 1);
      assert.match(unset.stderr, /MLFLOW_TRACKING_URI is not set/);
    });
  });
});
