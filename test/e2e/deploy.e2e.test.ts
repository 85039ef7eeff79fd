// `nbpromote deploy` as people run it: dist/cli.js (`npm run build` first) spawned over an output root with a
// deployments.yaml and an nbpromote.lock, against real local HTTP servers. `npm run test:e2e`.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockWithVersions } from '../../src/core/deploy/testing';
import type { Run } from './cli';
import { cli } from './cli';

describe('nbpromote deploy (dist/cli.js)', function () {
  this.timeout(60_000);
  let work = '';
  let server: Server;
  let base = '';
  const authorizations: (string | undefined)[] = [];
  let productionHealthy = true;

  /** Asynchronous: the servers answer in this process while the CLI waits on them. */
  function nbpromote(args: readonly string[], env: Record<string, string> = {}, cwd = work): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NBPROMOTE_DEBUG: '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  before(async () => {
    server = createServer((req, res) => {
      authorizations.push(req.headers.authorization);
      if (req.url === '/staging/health') return void res.writeHead(200).end('ok');
      if (req.url === '/staging/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"version": "0.2.0"}');
      if (req.url === '/prod/health') return void (productionHealthy ? res.writeHead(200, { 'x-model-version': '0.3.1' }).end('ok') : res.writeHead(503, { 'x-model-version': '0.3.1' }).end('draining'));
      res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    work = mkdtempSync(join(tmpdir(), 'nbpromote-deploy-cli-'));
    writeFileSync(join(work, 'nbpromote.lock'), lockWithVersions('churn', ['0.1.0', '0.2.0', '0.3.0', '0.3.1']));
    writeFileSync(
      join(work, 'deployments.yaml'),
      ['environments:', '  - name: staging', `    url: ${base}/staging`, '    health: /health', '    version: /version', '    token_env: STAGING_TOKEN', '  - name: production', `    url: ${base}/prod`, '    version_header: X-Model-Version', '    timeout_s: 2', ''].join('\n'),
    );
  });

  after(async () => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    authorizations.length = 0;
    productionHealthy = true;
  });

  it('--json prints one document: every environment, its health, version and how far behind, every key present', async () => {
    const run = await nbpromote(['deploy', '--json'], { STAGING_TOKEN: 'tok-1' });
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(Object.keys(doc), ['root', 'file', 'package', 'newest_version', 'healthy', 'environments', 'problems']);
    assert.equal(doc['package'], 'churn');
    assert.equal(doc['newest_version'], '0.3.1');
    assert.equal(doc['healthy'], true);
    const [staging, production] = doc['environments'] as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.ok(staging && production);
    assert.deepEqual(Object.keys(staging), ['name', 'url', 'health', 'version', 'behind', 'checked_at']);
    assert.deepEqual(Object.keys(staging['health']), ['state', 'url', 'status', 'latency_ms', 'body', 'reason']);
    assert.equal(staging['health'].state, 'healthy');
    assert.equal(staging['health'].status, 200);
    assert.deepEqual(staging['version'], { state: 'found', value: '0.2.0', source: 'json', url: `${base}/staging/version`, reason: null });
    assert.deepEqual(staging['behind'], { state: 'behind', versions: 2, bump: 'minor' });
    assert.deepEqual(production['version'], { state: 'found', value: '0.3.1', source: 'header', url: `${base}/prod/health`, reason: null });
    assert.deepEqual(production['behind'], { state: 'current', versions: 0, bump: null });
    // The token went to staging's requests only (health and version), not to production's.
    assert.deepEqual(authorizations.sort(), ['Bearer tok-1', 'Bearer tok-1', undefined].sort());
  });

  it('prints a table ENVIRONMENT, HEALTH, VERSION, BEHIND, URL; exits 1 when an environment is not healthy', async () => {
    productionHealthy = false;
    const run = await nbpromote(['deploy', '--out', '.']);
    assert.equal(run.status, 1, run.stderr);
    const [header, staging, production, summary] = run.stdout.split('\n');
    assert.match(header ?? '', /^ENVIRONMENT\s+HEALTH\s+VERSION\s+BEHIND\s+URL$/);
    assert.match(staging ?? '', new RegExp(`^staging\\s+healthy \\(\\d+ ms\\)\\s+0\\.2\\.0\\s+2 versions behind \\(minor\\)\\s+${base}/staging$`));
    assert.match(production ?? '', /^production\s+unhealthy: HTTP 503: draining\s+0\.3\.1\s+current\s+http:/);
    assert.match(summary ?? '', /^1 of 2 environments healthy; churn 0\.3\.1 is the newest promoted version/);
    const json = await nbpromote(['deploy', '--json']);
    assert.equal(json.status, 1);
    assert.equal((JSON.parse(json.stdout) as { healthy: boolean }).healthy, false);
  });

  it('--env checks one environment', async () => {
    productionHealthy = false;
    const run = await nbpromote(['deploy', '--json', '--env', 'staging']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { environments: { name: string }[] }).environments.map((e) => e.name), ['staging']);
    assert.equal((await nbpromote(['deploy', '--env', 'nope'])).status, 2);
  });

  it('exits 1 naming the file and line of an invalid file, and how to write one when there is none', async () => {
    const other = mkdtempSync(join(tmpdir(), 'nbpromote-deploy-cli-bad-'));
    try {
      const missing = await nbpromote(['deploy', '--json'], {}, other);
      assert.equal(missing.status, 1);
      const missingJson = JSON.parse(missing.stdout) as { healthy: boolean; environments: unknown[]; problems: { code: string; file: string }[] };
      assert.equal(missingJson.healthy, false);
      assert.deepEqual(missingJson.environments, []);
      assert.deepEqual(missingJson.problems.map((p) => [p.code, p.file]), [['deployments-missing', join(other, 'deployments.yaml')]]);
      assert.match(missing.stderr, /deployments\.yaml: no such file\. List the environments/);
      assert.match(missing.stderr, /environments:\n\s+- name: staging\n\s+url: https:\/\/staging\.example\.com/);
      writeFileSync(join(other, 'deployments.yaml'), 'environments:\n  - name: staging\n    url: https://s.example.com\n    helth: /health\n');
      const invalid = await nbpromote(['deploy'], {}, other);
      assert.equal(invalid.status, 1);
      assert.equal(invalid.stdout, '');
      assert.ok(invalid.stderr.includes(`error: ${join(other, 'deployments.yaml')}: line 4: \`environments[0]\` has an unknown key \`helth\``), invalid.stderr);
      const invalidJson = await nbpromote(['deploy', '--json'], {}, other);
      assert.equal(invalidJson.status, 1);
      const document = JSON.parse(invalidJson.stdout) as { healthy: boolean; problems: { severity: string; line: number | null; message: string }[] };
      assert.equal(document.healthy, false);
      assert.deepEqual(document.problems.map((p) => [p.severity, p.line]), [['error', 4]]);
      assert.match(document.problems[0]?.message ?? '', /unknown key `helth`/);
      const noFolder = await nbpromote(['deploy', '--json', '--out', 'nowhere'], {}, other);
      assert.equal(noFolder.status, 1);
      assert.deepEqual((JSON.parse(noFolder.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code), ['output-root-missing']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await nbpromote(['deploy', 'extra'])).status, 2);
    assert.equal((await nbpromote(['deploy', '--nope'])).status, 2);
    assert.equal((await nbpromote(['deploy', '--env'])).status, 2);
    assert.equal(authorizations.length, 0);
  });
});
