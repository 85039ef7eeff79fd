// The Deployments view in a real extension host, read through the API activate() returns (its TreeDataProvider):
// a deployments.yaml and an nbpromote.lock written here, environments answered by a local HTTP server started
// here. The view lists the environments with their health, version and how far behind the lock's newest version
// they are; Refresh follows the server's new answers; an edit of the file shows without a refresh; a token goes
// to its environment; Create deployments.yaml never overwrites a file.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { lockWithVersions } from '../../src/core/deploy/testing';
import type { DeploymentsElement, DeploymentsRootElement, DeploymentsTree, EnvironmentElement } from '../../src/features/deployments/tree';
import { eventually, workspaceRoot } from './helpers';

const extensionId = 'nbpromote.notebook-promoter';

describe('Deployments view', function () {
  this.timeout(120_000);
  let tree: DeploymentsTree;
  let server: Server;
  let base = '';
  const answers = { status: 200, version: '0.2.0' };
  const authorizations: (string | undefined)[] = [];
  const project = (): string => join(workspaceRoot(), 'deploy-example');
  const yaml = (extra: string[] = []): string => ['environments:', '  - name: staging', `    url: ${base}/staging`, '    version: /version', '  - name: production', `    url: ${base}/prod`, '    health: /ready', ...extra, ''].join('\n');

  before(async () => {
    server = createServer((req, res) => {
      authorizations.push(req.headers.authorization);
      if (req.url === '/staging/health') return void res.writeHead(answers.status).end(answers.status === 200 ? 'ok' : 'model not loaded');
      if (req.url === '/staging/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: answers.version }));
      if (req.url === '/prod/ready') return void res.writeHead(200).end('ok');
      if (req.url === '/qa/health') return void res.writeHead(200, { 'x-model-version': '0.1.0' }).end('ok');
      res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const extension = vscode.extensions.getExtension<{ deployments?: DeploymentsTree }>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.ok(api?.deployments, 'activate() returned no deployments tree');
    tree = api.deployments;
    mkdirSync(project(), { recursive: true });
    writeFileSync(join(project(), 'nbpromote.lock'), lockWithVersions('churn', ['0.1.0', '0.2.0', '0.2.1', '0.3.0']));
    writeFileSync(join(project(), 'deployments.yaml'), yaml());
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(project(), { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function theRoot(): Promise<DeploymentsRootElement> {
    const roots = await eventually(
      'the output root to show',
      async () => ((await tree.getChildren()) ?? []).filter((e): e is DeploymentsRootElement => e.kind === 'root'),
      (r) => r.some((e) => e.root === project()),
    );
    const root = roots.find((e) => e.root === project());
    assert.ok(root);
    return root;
  }

  async function environments(): Promise<EnvironmentElement[]> {
    return ((await tree.getChildren(await theRoot())) ?? []).filter((e): e is EnvironmentElement => e.kind === 'environment');
  }

  const description = (e: DeploymentsElement): string => String(tree.getTreeItem(e).description ?? '');
  const icon = (e: DeploymentsElement): string => (tree.getTreeItem(e).iconPath as vscode.ThemeIcon).id;

  it('lists the environments with their health, version and how far behind the newest promoted version', async () => {
    await tree.refresh();
    await tree.idle();
    const root = await theRoot();
    assert.equal(String(tree.getTreeItem(root).label), 'churn 0.3.0');
    const [staging, production] = await environments();
    assert.ok(staging && production);
    assert.equal(String(tree.getTreeItem(staging).label), 'staging');
    assert.equal(description(staging), 'v0.2.0 · healthy · 2 versions behind (minor)');
    assert.equal(icon(staging), 'pass');
    assert.equal(description(production), 'healthy');
    const tooltip = (tree.getTreeItem(staging).tooltip as vscode.MarkdownString).value;
    // Round 59 DDD: the status and latency twice, and the time as an ISO string.
    assert.match(tooltip, /HTTP 200 in \d+ ms/);
    assert.doesNotMatch(tooltip, /latency/);
    assert.match(tooltip, /checked at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const details = (await tree.getChildren(staging)) ?? [];
    assert.deepEqual(details.map((d) => String(tree.getTreeItem(d).label)), ['Health', 'Version', 'Behind']);
    assert.match(description(details[0] as DeploymentsElement), /^healthy · HTTP 200 in \d+ ms$/);
    assert.equal(description(details[1] as DeploymentsElement), '0.2.0 (from the JSON answer)');
  });

  it('Refresh follows the server\'s new answers', async () => {
    answers.status = 500;
    answers.version = '0.3.0';
    await vscode.commands.executeCommand('nbpromote.views.deployments.refresh');
    await tree.idle();
    const [staging] = await environments();
    assert.ok(staging);
    assert.equal(description(staging), 'v0.3.0 · unhealthy · current');
    assert.equal(icon(staging), 'error');
    const [health] = (await tree.getChildren(staging)) ?? [];
    assert.equal(description(health as DeploymentsElement), 'unhealthy · HTTP 500: model not loaded');
    answers.status = 200;
  });

  it('shows an edit of deployments.yaml without a refresh (the file watcher)', async () => {
    writeFileSync(join(project(), 'deployments.yaml'), yaml(['  - name: qa', `    url: ${base}/qa`, '    version_header: X-Model-Version']));
    const qa = await eventually('the new environment to be checked', async () => (await environments()).find((e) => e.name === 'qa'), (e) => e !== undefined && description(e).includes('healthy'));
    assert.ok(qa);
    assert.equal(description(qa), 'v0.1.0 · healthy · 3 versions behind (minor)');
  });

  it('Copy Environment URL copies it; Set Token sends it to that environment only, Clear Token stops it', async () => {
    const [staging] = await environments();
    assert.ok(staging);
    assert.equal(await vscode.commands.executeCommand('nbpromote.views.deployments.copyUrl', staging), `${base}/staging`);
    assert.equal(await vscode.env.clipboard.readText(), `${base}/staging`);
    authorizations.length = 0;
    assert.equal(await vscode.commands.executeCommand('nbpromote.views.deployments.setToken', staging, 'tok-42'), 'stored');
    await tree.idle();
    // The servers' environments share the origin 127.0.0.1:port, so every request of this file carries it.
    assert.ok(authorizations.length >= 3 && authorizations.every((a) => a === 'Bearer tok-42'), JSON.stringify(authorizations));
    authorizations.length = 0;
    assert.equal(await vscode.commands.executeCommand('nbpromote.views.deployments.clearToken', staging), 'cleared');
    await tree.idle();
    assert.ok(authorizations.length >= 3 && authorizations.every((a) => a === undefined), JSON.stringify(authorizations));
  });

  it('Create deployments.yaml writes the commented template once, and never overwrites a file', async () => {
    const other = join(workspaceRoot(), 'deploy-new');
    mkdirSync(other, { recursive: true });
    try {
      const file = await vscode.commands.executeCommand<string>('nbpromote.createDeploymentsFile', other);
      assert.equal(file, join(other, 'deployments.yaml'));
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^# deployments\.yaml: where this package is deployed/);
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
      writeFileSync(file, 'environments: []\n');
      await vscode.commands.executeCommand('nbpromote.createDeploymentsFile', other);
      assert.equal(readFileSync(file, 'utf8'), 'environments: []\n');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(other, { recursive: true, force: true });
    }
  });
});
