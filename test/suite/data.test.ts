// The Data view in a real extension host, read through the API activate() returns (its TreeDataProvider), as the
// tree view reads it: a run store made here (run.json as the runtime writes it) in a git repository made here,
// with a data file two runs read in two versions. The view lists the file, its versions with the current one
// marked, the runs of each (a click opens the run as the Runs view does), the file's commits (a click opens the
// file at that commit), and follows the Runs view's reads of a store (a new run).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { localRunRecord, runIdAt, writeLocalRun } from '../../src/core/runs/testing';
import type { RunPanelHandle } from '../../src/features/runs/runPanel';
import type { DataElement, DataTree, FileElement, StoreElement } from '../../src/features/data/tree';
import { eventually, workspaceRoot } from './helpers';

const extensionId = 'nbpromote.notebook-promoter';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('Data view', function () {
  this.timeout(120_000);
  let tree: DataTree;
  const project = (): string => join(workspaceRoot(), 'data-example');
  const v1 = 'a,b\n1,2\n';
  const v2 = 'a,b\n1,2\n3,4\n';
  const v3 = 'a,b\n5,6\n';
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0) / 1000;
  const ids = [runIdAt(t0, 'aaaaaa'), runIdAt(t0 + 60, 'bbbbbb'), runIdAt(t0 + 120, 'cccccc')];
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: project(), encoding: 'utf8' });
  const record = (id: string, text: string): Record<string, unknown> => localRunRecord(id, { pipeline: 'data_demo', workdir: '.', data_files: [{ parameter: 'data_path', path: 'data/rows.csv', size: text.length, sha256: sha256(text) }] });

  before(async () => {
    const extension = vscode.extensions.getExtension<{ data?: DataTree }>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.ok(api?.data, 'activate() returned no data tree');
    tree = api.data;
    mkdirSync(join(project(), 'data'), { recursive: true });
    git('init', '-q');
    writeFileSync(join(project(), 'data', 'rows.csv'), v1);
    git('add', 'data/rows.csv');
    git('commit', '-q', '-m', 'first rows');
    writeFileSync(join(project(), 'data', 'rows.csv'), v2);
    git('commit', '-q', '-am', 'more rows');
    writeLocalRun(project(), ids[0] ?? '', record(ids[0] ?? '', v1));
    writeLocalRun(project(), ids[1] ?? '', record(ids[1] ?? '', v2));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(project(), { recursive: true, force: true });
  });

  async function theStore(): Promise<StoreElement> {
    const stores = await eventually(
      'the store to show',
      async () => ((await tree.getChildren()) ?? []).filter((e): e is StoreElement => e.kind === 'store'),
      (s) => s.some((e) => e.key === `local:${project()}`),
    );
    const store = stores.find((e) => e.key === `local:${project()}`);
    assert.ok(store);
    return store;
  }

  async function theFile(): Promise<FileElement> {
    const children = (await tree.getChildren(await theStore())) ?? [];
    const file = children.find((e): e is FileElement => e.kind === 'file' && e.path === join(project(), 'data', 'rows.csv'));
    assert.ok(file, JSON.stringify(children));
    return file;
  }

  function description(element: DataElement): string {
    return String(tree.getTreeItem(element).description ?? '');
  }

  it('lists the data file with its versions, newest first, the current one marked', async () => {
    await tree.refresh();
    await tree.idle();
    const file = await theFile();
    assert.equal(description(file), `2 versions · current ${sha256(v2).slice(0, 7)}`);
    const versions = ((await tree.getChildren(file)) ?? []).filter((e) => e.kind === 'version');
    assert.deepEqual(
      versions.map((v) => [String(tree.getTreeItem(v).label), description(v).includes('current')]),
      [
        [sha256(v2).slice(0, 7), true],
        [sha256(v1).slice(0, 7), false],
      ],
    );
    assert.match(description(versions[1] as DataElement), /used by 1 run, last 2026-11-20/);
  });

  it('a click on a run row opens the run, as in the Runs view', async () => {
    const file = await theFile();
    const [newest] = ((await tree.getChildren(file)) ?? []).filter((e) => e.kind === 'version');
    assert.ok(newest);
    const [runRow] = (await tree.getChildren(newest)) ?? [];
    assert.ok(runRow);
    const item = tree.getTreeItem(runRow);
    // Labelled by its start in local time, as the Runs view labels runs; the description says where its file came from.
    assert.match(String(item.label), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(String(item.description), /named by parameter data_path/);
    const command = item.command;
    assert.equal(command?.command, 'nbpromote.views.runs.open');
    const handle = await vscode.commands.executeCommand<RunPanelHandle>(command.command, ...(command.arguments ?? []));
    assert.equal(handle.runId, ids[1]);
  });

  it("shows the file's git history; a click opens the file at that commit", async () => {
    const file = await theFile();
    const history = ((await tree.getChildren(file)) ?? []).find((e) => e.kind === 'history');
    assert.ok(history);
    const commits = (await tree.getChildren(history)) ?? [];
    assert.deepEqual(
      commits.map((c) => String(tree.getTreeItem(c).label)),
      ['more rows', 'first rows'],
    );
    const command = tree.getTreeItem(commits[1] as DataElement).command;
    assert.ok(command);
    const opened = await vscode.commands.executeCommand<string>(command.command, ...(command.arguments ?? []));
    const document = await eventually(
      'the file at the first commit to open',
      async () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === opened),
      (d) => d !== undefined,
    );
    assert.equal(document?.getText(), v1);
  });

  it('says when the file changed since the last run', async () => {
    writeFileSync(join(project(), 'data', 'rows.csv'), v3);
    await tree.refresh();
    await tree.idle();
    assert.equal(description(await theFile()), '2 versions · changed since last run');
  });

  it('follows the Runs view: a new run that view reads shows here without a refresh of this view', async () => {
    // The Runs view's own tests cover its file watchers finding the new record (under load they can be late);
    // this view's part is to follow that view's reads. Refresh Runs stands for the watcher here.
    writeLocalRun(project(), ids[2] ?? '', record(ids[2] ?? '', v3));
    await vscode.commands.executeCommand('nbpromote.views.runs.refresh');
    await eventually('the new run to show', async () => description(await theFile()), (d) => d === `3 versions · current ${sha256(v3).slice(0, 7)}`);
  });

  it('looks at the file again when the editor saves it, while the view shows: changed since last run', async () => {
    await vscode.commands.executeCommand('nbpromote.views.data.focus');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(project(), 'data', 'rows.csv')));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(document.lineCount, 0), '7,8\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save());
    await eventually('the saved file to count as changed', async () => description(await theFile()), (d) => d === '3 versions · changed since last run');
  });
});
