// deployments.yaml and the checks of its environments against REAL local HTTP servers (node:http on 127.0.0.1,
// port 0): healthy, 500, slow (timeout), redirects (same origin followed, another origin not), the version as
// JSON, text and header, and the token sent to the environment's origin only.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentEnvironment, PromotedVersions } from '../contract/deployments';
import { behindOf, behindWords, semverBump } from './behind';
import { checkEnvironment, checkEnvironments, exampleAddress } from './check';
import { deploymentsTemplate, MINIMAL_DEPLOYMENTS, readDeploymentsConfig } from './config';
import { readDeployments, healthDetail } from './deployments';
import { lockWithVersions } from './testing';

interface Seen {
  readonly path: string;
  readonly authorization: string | undefined;
}

/** A server on 127.0.0.1 answering with `handler`, recording every request. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

const PROMOTED: PromotedVersions = { package: 'churn', newest: '0.3.1', history: ['0.1.0', '0.2.0', '0.2.1', '0.3.0', '0.3.1'] };

describe('deployments: checks against a local HTTP server', function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  let main: Awaited<ReturnType<typeof serve>>;
  let other: Awaited<ReturnType<typeof serve>>;
  // Requests to /together wait until two are held, then both are answered: only checks made side by side pass.
  const together: ServerResponse[] = [];

  before(async () => {
    other = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('other origin');
    });
    main = await serve((req, res) => {
      const path = req.url ?? '';
      if (path === '/health') return void res.writeHead(200, { 'x-model-version': '0.3.0' }).end('ok');
      if (path === '/broken') return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`database down ${'x'.repeat(400)}`);
      if (path === '/together') {
        together.push(res);
        if (together.length === 2) for (const held of together.splice(0)) held.writeHead(200).end('ok');
        return;
      }
      if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 2000);
      if (path === '/elsewhere') return void res.writeHead(302, { location: `${other.url}/health` }).end();
      if (path === '/moved') return void res.writeHead(301, { location: '/health' }).end();
      if (path === '/version.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"version": "0.2.0"}');
      if (path === '/build.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"model": {"v": 1}, "model_version": "v0.3.1"}');
      if (path === '/version.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('0.1.0\n');
      if (path === '/version-null') return void res.writeHead(200, { 'content-type': 'application/json' }).end('null');
      if (path === '/version-long') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: `0.1.0\n${'x'.repeat(5000)}` }));
      if (path === '/secure') return void res.writeHead(req.headers.authorization === 'Bearer s3cret' ? 200 : 401).end(req.headers.authorization === undefined ? 'no token' : 'wrong token');
      res.writeHead(404).end('not found');
    });
    servers.push(main.server, other.server);
  });

  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  beforeEach(() => {
    main.seen.length = 0;
    other.seen.length = 0;
  });

  const env = (overrides: Partial<DeploymentEnvironment>): DeploymentEnvironment => ({ name: 'staging', url: main.url, ...overrides });

  it('a 2xx answer is healthy, with its status and latency', async () => {
    const check = await checkEnvironment(env({}), PROMOTED);
    assert.equal(check.health.kind, 'healthy');
    assert.ok(check.health.kind === 'healthy' && check.health.status === 200 && check.health.ms >= 0 && check.health.url === `${main.url}/health`);
    assert.deepEqual(check.version, { kind: 'none' });
    assert.deepEqual(main.seen.map((s) => s.path), ['/health']);
    assert.match(check.checkedAt ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  // Round 36 I: the new file's template showed "staging, unreachable" at once.
  it('an environment at an example address (example.com, .test, .invalid) is not asked, and says to set its url', async () => {
    for (const url of ['https://staging.example.com', 'http://EXAMPLE.org:8080/api', 'https://models.test', 'http://x.invalid']) {
      const check = await checkEnvironment(env({ url }), PROMOTED);
      assert.equal(check.health.kind, 'unchecked', url);
      assert.match(check.health.kind === 'unchecked' ? check.health.reason : '', /is an example address; set this environment's url in deployments\.yaml$/);
    }
    assert.equal(main.seen.length, 0);
    for (const url of ['https://example-models.com', 'https://mytest.io', 'http://127.0.0.1:8000']) assert.equal(exampleAddress(url), undefined, url);
  });

  it('a 500 is unhealthy, with the first 200 characters of the body', async () => {
    const check = await checkEnvironment(env({ health: '/broken' }), PROMOTED);
    assert.equal(check.health.kind, 'unhealthy');
    if (check.health.kind !== 'unhealthy') return;
    assert.equal(check.health.status, 500);
    assert.equal(check.health.body.length, 200);
    assert.ok(check.health.body.startsWith('database down xxx'));
    assert.match(healthDetail(check.health), /^HTTP 500: database down x+$/);
  });

  it('an answer slower than timeout_s is a timeout', async () => {
    // The server answers 200 after 2 s: a check waiting for it would say healthy.
    const check = await checkEnvironment(env({ health: '/slow', timeout_s: 0.3 }), PROMOTED);
    assert.deepEqual(check.health, { kind: 'timeout', url: `${main.url}/slow`, ms: 300 });
    assert.equal(healthDetail(check.health), 'no answer within 0.3 s');
  });

  it('follows a redirect on the same origin, and not one to another origin (which gets no request)', async () => {
    const moved = await checkEnvironment(env({ health: '/moved' }), PROMOTED);
    assert.equal(moved.health.kind, 'healthy');
    assert.deepEqual(main.seen.map((s) => s.path), ['/moved', '/health']);
    const away = await checkEnvironment(env({ health: '/elsewhere' }), PROMOTED);
    assert.equal(away.health.kind, 'unhealthy');
    assert.ok(away.health.kind === 'unhealthy' && away.health.status === 302 && /another origin .*not followed/.test(away.health.reason ?? ''));
    assert.equal(other.seen.length, 0, 'the other origin was asked');
  });

  it('reads the version as JSON, with version_key, as text and from a header', async () => {
    const json = await checkEnvironment(env({ version: '/version.json' }), PROMOTED);
    assert.deepEqual(json.version, { kind: 'found', version: '0.2.0', source: 'json', url: `${main.url}/version.json` });
    assert.deepEqual(json.behind, { kind: 'behind', versions: 3, bump: 'minor' });
    const keyed = await checkEnvironment(env({ version: '/build.json', version_key: 'model_version' }), PROMOTED);
    assert.equal(keyed.version.kind === 'found' && keyed.version.version, 'v0.3.1');
    assert.deepEqual(keyed.behind, { kind: 'current' });
    const text = await checkEnvironment(env({ version: '/version.txt' }), PROMOTED);
    assert.deepEqual(text.version, { kind: 'found', version: '0.1.0', source: 'text', url: `${main.url}/version.txt` });
    assert.deepEqual(text.behind, { kind: 'behind', versions: 4, bump: 'minor' });
    const header = await checkEnvironment(env({ version_header: 'X-Model-Version' }), PROMOTED);
    assert.deepEqual(header.version, { kind: 'found', version: '0.3.0', source: 'header', url: `${main.url}/health` });
    assert.deepEqual(header.behind, { kind: 'behind', versions: 1, bump: 'patch' });
    assert.deepEqual(main.seen.filter((s) => s.path === '/health').length, 4, 'the header came from the health check, without another request');
    const missing = await checkEnvironment(env({ version: '/nope' }), PROMOTED);
    assert.deepEqual(missing.version, { kind: 'failed', url: `${main.url}/nope`, reason: 'HTTP 404' });
    assert.equal(missing.behind.kind, 'unknown');
  });

  it('takes no JSON null, number or long text for a version', async () => {
    for (const path of ['/version-null', '/version-long']) {
      const checked = await checkEnvironment(env({ version: path }), PROMOTED);
      assert.equal(checked.version.kind, 'failed', path);
    }
  });

  it('sends the token to the environment\'s origin only, never to the origin a redirect names', async () => {
    const plain = await checkEnvironment(env({ health: '/secure' }), PROMOTED);
    assert.ok(plain.health.kind === 'unhealthy' && plain.health.status === 401 && plain.health.body === 'no token');
    const withToken = await checkEnvironment(env({ health: '/secure' }), PROMOTED, { token: 's3cret' });
    assert.equal(withToken.health.kind, 'healthy');
    await checkEnvironment(env({ health: '/elsewhere' }), PROMOTED, { token: 's3cret' });
    assert.deepEqual(main.seen.map((s) => s.authorization), [undefined, 'Bearer s3cret', 'Bearer s3cret']);
    assert.deepEqual(other.seen, []);
  });

  it('never puts a token in a report: one a header cannot carry (a newline, `€`) is not sent, and nothing quotes it', async () => {
    const before = main.seen.length;
    for (const token of ['part1\npart2-VERYSECRET', 's3cret€leak']) {
      const checked = await checkEnvironment(env({ health: '/secure' }), PROMOTED, { token });
      assert.equal(checked.health.kind, 'unreachable');
      const report = JSON.stringify(checked);
      assert.ok(!report.includes('VERYSECRET') && !report.includes('leak'), report);
      assert.match(report, /the token cannot be sent/);
    }
    assert.equal(main.seen.length, before, 'a request was sent');
  });

  it('a closed port is unreachable', async () => {
    const closed = await serve(() => undefined);
    const url = closed.url;
    await new Promise((resolve) => closed.server.close(resolve));
    const check = await checkEnvironment({ name: 'gone', url }, PROMOTED);
    assert.deepEqual(check.health, { kind: 'unreachable', url: `${url}/health`, reason: 'connection refused (ECONNREFUSED)' });
  });

  it('checks in parallel and keeps the file\'s order', async () => {
    // The two /together checks are answered only once both are at the server: one after the other, both time out.
    const checks = await checkEnvironments([env({ name: 'x', health: '/together', timeout_s: 3 }), env({ name: 'y', health: '/together', timeout_s: 3 }), env({ name: 'a' }), env({ name: 'b', health: '/broken' }), env({ name: 'c', health: '/slow', timeout_s: 0.3 })], PROMOTED, () => ({}), 2);
    assert.deepEqual(checks.map((c) => [c.environment.name, c.health.kind]), [['x', 'healthy'], ['y', 'healthy'], ['a', 'healthy'], ['b', 'unhealthy'], ['c', 'timeout']]);
  });
});

describe('deployments: how far behind', () => {
  it('counts the promoted versions after the deployed one and names the largest semver part', () => {
    assert.deepEqual(behindOf('0.3.1', PROMOTED), { kind: 'current' });
    assert.deepEqual(behindOf('v0.3.1', PROMOTED), { kind: 'current' });
    assert.deepEqual(behindOf('0.3.0', PROMOTED), { kind: 'behind', versions: 1, bump: 'patch' });
    assert.deepEqual(behindOf('0.1.0', { ...PROMOTED, newest: '1.0.0', history: [...PROMOTED.history, '1.0.0'] }), { kind: 'behind', versions: 5, bump: 'major' });
    assert.deepEqual(behindOf('0.4.0', PROMOTED), { kind: 'ahead' });
    assert.deepEqual(behindOf('0.0.9', PROMOTED), { kind: 'unknownVersion' });
    assert.deepEqual(behindOf('nightly', PROMOTED), { kind: 'unknownVersion' });
    assert.equal(behindOf('0.3.0', undefined).kind, 'unknown');
    assert.equal(behindWords({ kind: 'behind', versions: 2, bump: 'minor' }), '2 versions behind (minor)');
    // Round 36 I: "v0.0.9 · unknown version" read as a known version called unknown.
    assert.equal(behindWords({ kind: 'unknownVersion' }), 'not a promoted version');
    assert.equal(semverBump('1.2.3', '1.2.3'), undefined);
    assert.equal(semverBump('1.2.3', '1.10.0'), 'minor');
  });
});

describe('deployments.yaml', () => {
  const read = (text: string): string[] => readDeploymentsConfig(text, 'deployments.yaml').problems.map((p) => `${p.line ?? '-'}: ${p.message}`);

  it('accepts the template and the minimal example', () => {
    assert.deepEqual(readDeploymentsConfig(deploymentsTemplate(), 'deployments.yaml').problems, []);
    assert.equal(readDeploymentsConfig(deploymentsTemplate(), 'deployments.yaml').config?.environments[0]?.name, 'staging');
    assert.deepEqual(readDeploymentsConfig(MINIMAL_DEPLOYMENTS, 'deployments.yaml').problems, []);
  });

  it('names the line and the key of what is wrong', () => {
    const text = ['environments:', '  - name: staging', '    url: ftp://staging.example.com', '  - name: prod', '    url: https://p.example.com', '    health: //evil.example.com/health', '    timeout: 3', '  - name: staging', '    url: https://s2.example.com', ''].join('\n');
    assert.deepEqual(read(text), [
      '3: `environments[0].url` must be an http:// or https:// URL without a query, fragment or user name (`https://staging.example.com`)',
      '6: `environments[1].health` must be a path starting with one `/` (`/health`), without spaces or `#`',
      '7: `environments[1]` has an unknown key `timeout`; the keys are name, url, health, version, version_key, version_header, timeout_s, token_env',
    ]);
    assert.deepEqual(read(['environments:', '  - name: a', '    url: http://a', '  - name: a', '    url: http://b', ''].join('\n')), ['4: the environment `a` is listed twice']);
    assert.deepEqual(read(['environments:', '  - name: Staging', '    url: http://a', '  - name: staging', '    url: http://b', ''].join('\n')), ['4: the environment `staging` is listed twice']);
    assert.match(read('environments: []\n')[0] ?? '', /^1: `environments` lists none/);
    assert.match(read(['environments:', '  - name: a', '    url: http://127.0.0.1:99999', ''].join('\n'))[0] ?? '', /^3: `environments\[0\]\.url` is not a URL a request can go to/);
    assert.deepEqual(read('environments: [\n'), [read('environments: [\n')[0] ?? '']);
    assert.match(read('environments: [\n')[0] ?? '', /^\d+: the file is not valid YAML/);
    assert.match(read('')[0] ?? '', /the file is empty/);
  });

  it('reads the file and the lock of an output root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nbpromote-deploy-unit-'));
    try {
      assert.equal((await readDeployments(root)).kind, 'missing');
      writeFileSync(join(root, 'deployments.yaml'), MINIMAL_DEPLOYMENTS);
      const noLock = await readDeployments(root);
      assert.ok(noLock.kind === 'read' && noLock.promoted === undefined && noLock.problems[0]?.code === 'deployments-no-lock');
      writeFileSync(join(root, 'nbpromote.lock'), lockWithVersions('churn', ['0.1.0', '0.2.0']));
      const read = await readDeployments(root);
      assert.ok(read.kind === 'read');
      assert.deepEqual(read.promoted, { package: 'churn', newest: '0.2.0', history: ['0.1.0', '0.2.0'] });
      writeFileSync(join(root, 'deployments.yaml'), 'environments:\n  - name: x\n');
      const invalid = await readDeployments(root);
      assert.ok(invalid.kind === 'invalid' && invalid.problems[0]?.line === 2 && invalid.problems[0].file === join(root, 'deployments.yaml'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
