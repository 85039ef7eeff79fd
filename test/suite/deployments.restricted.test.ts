// Runs only in a Restricted Mode window (`npm run test:host -- --restricted`): the Deployments view lists the
// environments a workspace's deployments.yaml names, says it did not check them, and makes no request: a local
// server counts what reaches it, through Refresh, a file change and a token set on the row.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { lockWithVersions } from '../../src/core/deploy/testing';
import type { DeploymentsRootElement, DeploymentsTree, EnvironmentElement } from '../../src/features/deployments/tree';

const extensionId = 'nbpromote.notebook-promoter';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder open');
  return folder.uri.fsPath;
}

describe('Deployments in Restricted Mode', function () {
  this.timeout(60_000);
  let tree: DeploymentsTree;
  let server: Server;
  let base = '';
  let requests = 0;
  const project = (): string => join(workspaceRoot(), 'deploy-restricted');

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the window is in Restricted Mode');
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'x-model-version': '0.1.0' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const extension = vscode.extensions.getExtension<{ deployments?: DeploymentsTree }>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.ok(api?.deployments, 'activate() returned no deployments tree');
    tree = api.deployments;
    mkdirSync(project(), { recursive: true });
    writeFileSync(join(project(), 'nbpromote.lock'), lockWithVersions('churn', ['0.1.0', '0.2.0']));
    writeFileSync(join(project(), 'deployments.yaml'), ['environments:', '  - name: staging', `    url: ${base}`, '    version_header: X-Model-Version', ''].join('\n'));
  });

  after(async () => {
    rmSync(project(), { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function staging(): Promise<EnvironmentElement> {
    const root = ((await tree.getChildren()) ?? []).find((e): e is DeploymentsRootElement => e.kind === 'root' && e.root === project());
    assert.ok(root, 'the output root shows');
    assert.match(String(tree.getTreeItem(root).description), /Restricted Mode: not checked/);
    const environment = ((await tree.getChildren(root)) ?? []).find((e): e is EnvironmentElement => e.kind === 'environment');
    assert.ok(environment, 'the environment shows');
    return environment;
  }

  it('lists the environments, says they were not checked, and makes no request', async () => {
    await vscode.commands.executeCommand('nbpromote.views.deployments.refresh');
    await tree.idle();
    const environment = await staging();
    assert.equal(String(tree.getTreeItem(environment).label), 'staging');
    assert.equal(tree.getTreeItem(environment).description, 'not checked · Restricted Mode');
    assert.equal(tree.check(environment)?.health.kind, 'unchecked');
    assert.equal(requests, 0);
  });

  it('a file change and a token set on the row make no request either', async () => {
    writeFileSync(join(project(), 'deployments.yaml'), ['environments:', '  - name: staging', `    url: ${base}`, '    health: /ready', ''].join('\n'));
    const environment = await staging();
    assert.equal(await vscode.commands.executeCommand('nbpromote.views.deployments.setToken', environment, 'tok'), 'stored');
    await vscode.commands.executeCommand('nbpromote.views.deployments.clearToken', environment);
    await new Promise((r) => setTimeout(r, 1500));
    await tree.idle();
    assert.equal(tree.check(await staging())?.health.url, `${base}/ready`, 'the watcher read the file again');
    assert.equal(requests, 0);
  });
});
