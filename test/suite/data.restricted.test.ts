// Runs only in a Restricted Mode window (`npm run test:host -- --restricted`): the Data view still shows the files
// and versions the run records name, but runs no git (the project is a git repository made here) and reads no
// file outside the workspace folder, neither to hash it nor to open it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { localRunRecord, runIdAt, writeLocalRun } from '../../src/core/runs/testing';
import type { DataElement, DataTree, FileElement, StoreElement } from '../../src/features/data/tree';

const extensionId = 'nbpromote.notebook-promoter';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder open');
  return folder.uri.fsPath;
}

describe('Data in Restricted Mode', function () {
  this.timeout(60_000);
  let tree: DataTree;
  let outsideDir = '';
  const project = (): string => join(workspaceRoot(), 'data-restricted');
  const inside = 'a,b\n1,2\n';
  const outside = 'secret\n';

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the window is in Restricted Mode');
    const extension = vscode.extensions.getExtension<{ data?: DataTree }>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.ok(api?.data, 'activate() returned no data tree');
    tree = api.data;
    outsideDir = mkdtempSync(join(tmpdir(), 'nbpromote-data-outside-'));
    writeFileSync(join(outsideDir, 'secret.csv'), outside);
    mkdirSync(join(project(), 'data'), { recursive: true });
    writeFileSync(join(project(), 'data', 'rows.csv'), inside);
    execFileSync('git', ['init', '-q'], { cwd: project() });
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'add', '-A'], { cwd: project() });
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'rows'], { cwd: project() });
    const id = runIdAt(1_760_000_000, 'a1b2c3');
    writeLocalRun(
      project(),
      id,
      localRunRecord(id, {
        workdir: '.',
        data_files: [
          { parameter: 'data_path', path: 'data/rows.csv', size: inside.length, sha256: sha256(inside) },
          { path: join(outsideDir, 'secret.csv'), size: outside.length, sha256: sha256(outside), steps: ['load'] },
        ],
      }),
    );
  });

  after(() => {
    rmSync(project(), { recursive: true, force: true });
    if (outsideDir !== '') rmSync(outsideDir, { recursive: true, force: true });
  });

  async function files(): Promise<FileElement[]> {
    await tree.refresh();
    await tree.idle();
    const store = ((await tree.getChildren()) ?? []).find((e): e is StoreElement => e.kind === 'store' && e.key === `local:${project()}`);
    assert.ok(store, 'the store shows');
    return ((await tree.getChildren(store)) ?? []).filter((e): e is FileElement => e.kind === 'file');
  }

  const description = (e: DataElement): string => String(tree.getTreeItem(e).description ?? '');

  it('shows both files and their versions; hashes the one inside the workspace, not the one outside', async () => {
    const [rows, secret] = await files();
    assert.ok(rows && secret);
    assert.equal(rows.path, join(project(), 'data', 'rows.csv'));
    assert.equal(description(rows), `1 version · current ${sha256(inside).slice(0, 7)}`);
    assert.equal(secret.path, join(outsideDir, 'secret.csv'));
    assert.equal(description(secret), '1 version · not read · outside the project');
    assert.equal(tree.file(secret)?.disk.kind, 'notRead');
  });

  it('runs no git: the history says so and lists no commit', async () => {
    const [rows] = await files();
    assert.ok(rows);
    const history = ((await tree.getChildren(rows)) ?? []).find((e) => e.kind === 'history');
    assert.ok(history);
    const children = (await tree.getChildren(history)) ?? [];
    assert.deepEqual(children.map((c) => c.kind), ['message']);
    assert.deepEqual(tree.file(rows)?.git, { kind: 'unavailable', reason: 'not in Restricted Mode (git can run programs a repository names): trust the workspace to see the commits' });
  });

  it('does not open a file outside the workspace folder', async () => {
    const [, secret] = await files();
    assert.ok(secret);
    const opened = await vscode.commands.executeCommand<string | undefined>('nbpromote.views.data.openFile', secret);
    assert.equal(opened, undefined);
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.fsPath === join(outsideDir, 'secret.csv')), false);
  });
});
