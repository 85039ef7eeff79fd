// Runs only in a Restricted Mode window (`npm run test:host -- --restricted`): the Runs view still shows
// local runs (reading run records runs nothing), and the run commands that would run something refuse and
// say why: re-running the pipeline (Python) and opening the code at a run's commit (git). The run webview
// offers neither there.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { localRunRecord, runIdAt, writeLocalRun } from '../../src/core/runs/testing';
import type { RunPanelHandle } from '../../src/features/runs/runPanel';
import type { GroupElement, RunElement, RunsElement, RunsTree, SourceElement } from '../../src/features/runs/tree';

const extensionId = 'nbpromote.notebook-promoter';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder open');
  return folder.uri.fsPath;
}

async function eventually<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${what}; last: ${JSON.stringify(last, undefined, 1).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Runs in Restricted Mode', function () {
  this.timeout(60_000);
  let tree: RunsTree;
  const project = (): string => join(workspaceRoot(), 'runs-restricted');
  const id = runIdAt(1_760_000_000, 'a1b2c3');

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the window is in Restricted Mode');
    const extension = vscode.extensions.getExtension<{ runs?: RunsTree }>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.ok(api?.runs, 'activate() returned no runs tree');
    tree = api.runs;
    writeLocalRun(project(), id, localRunRecord(id, { pipeline: 'restricted_demo' }));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(project(), { recursive: true, force: true });
  });

  async function theRun(): Promise<RunElement> {
    await tree.refresh();
    const runs = await eventually(
      'the local run to show',
      async () => {
        const found: RunElement[] = [];
        const sources = ((await tree.getChildren()) ?? []).filter((e): e is SourceElement => e.kind === 'source' && e.source === 'local' && e.location === project());
        for (const source of sources) {
          const children: RunsElement[] = (await tree.getChildren(source)) ?? [];
          for (const group of children.filter((e): e is GroupElement => e.kind === 'group')) found.push(...((await tree.getChildren(group)) ?? []).filter((e): e is RunElement => e.kind === 'run'));
        }
        return found;
      },
      (found) => found.length > 0,
    );
    const [run] = runs;
    assert.ok(run);
    return run;
  }

  it('the Runs view shows the local run with its parameters and metrics', async () => {
    const run = await theRun();
    assert.equal(run.run.id, id);
    assert.equal(run.run.pipeline, 'restricted_demo');
    assert.equal(run.run.metrics['accuracy'], 0.91);
  });

  it('re-running refuses, says why, and runs nothing', async () => {
    const result = await vscode.commands.executeCommand<{ ran: boolean; reason?: string }>('nbpromote.views.runs.rerun', await theRun());
    assert.equal(result?.ran, false);
    assert.match(result?.reason ?? '', /Re-running the pipeline runs Python; this workspace is in Restricted Mode/);
    assert.deepEqual(readdirSync(join(project(), '.nbpromote', 'runs')), [id], 'a new run was recorded');
    assert.equal(existsSync(join(project(), '.nbpromote', 'cache')), false);
  });

  it("opening the code at the run's commit (git) opens nothing", async () => {
    const opened = await vscode.commands.executeCommand<string | undefined>('nbpromote.views.runs.openCommit', await theRun(), 'pipeline');
    assert.equal(opened, undefined);
    const gitDocuments = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'nbpromote-git');
    assert.deepEqual(gitDocuments.map((d) => d.uri.toString()), []);
  });

  it('the run webview offers neither re-run nor the code at the commit', async () => {
    const run = await theRun();
    const handle = await eventually(
      'the run webview to draw',
      async () => vscode.commands.executeCommand<RunPanelHandle>('nbpromote.views.runs.open', run),
      (h) => h.rendered !== undefined,
    );
    assert.deepEqual({ rerun: handle.actions.rerun, openCommit: handle.actions.openCommit }, { rerun: false, openCommit: false });
  });
});
