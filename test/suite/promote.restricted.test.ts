// Runs only in a Restricted Mode window (`npm run test:host -- --restricted`): the promote commands run no
// Python there and say why, promotion itself (which runs nothing) still writes the package, and the
// Pipelines view still lists the notebooks. The workspace is a copy of test/fixtures/workspace in the OS
// temp folder, outside any git repository.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { withMessages } from './helpers';

const extensionId = 'nbpromote.notebook-promoter';

interface PipelinesApi {
  readonly pipelines: {
    getChildren(element?: unknown): vscode.ProviderResult<unknown[]>;
    getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem>;
  };
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder open');
  return folder.uri.fsPath;
}

/** Everything promotion writes at the output root (the workspace folder when nbpromote.output.root is empty). */
const generated = ['src', 'tests', 'pipeline.yaml', 'pyproject.toml', 'nbpromote.lock', '.nbpromote'];

/** Files Python leaves behind when it runs anything here. */
function pythonTraces(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.includes('__pycache__') || p.includes('.pytest_cache') || p.split(/[\\/]/).includes('runs'));
}

describe('Promote commands in Restricted Mode', function () {
  this.timeout(60_000);
  let api: PipelinesApi;
  const iris = (): vscode.Uri => vscode.Uri.file(join(workspaceRoot(), 'promote-iris.ipynb'));

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the window is in Restricted Mode');
    const extension = vscode.extensions.getExtension<PipelinesApi>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    api = await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of generated) rmSync(join(workspaceRoot(), name), { recursive: true, force: true });
  });

  it('the Pipelines view still lists the notebooks', async () => {
    const roots = (await api.pipelines.getChildren()) ?? [];
    const labels = await Promise.all(roots.map(async (r) => {
      const label = (await api.pipelines.getTreeItem(r)).label;
      return typeof label === 'string' ? label : (label?.label ?? '');
    }));
    for (const name of ['churn.ipynb', 'promote-iris.ipynb']) assert.ok(labels.includes(name), `${name} is not listed: ${labels.join(', ')}`);
  });

  it('runPipeline runs no Python and says why', async () => {
    const result = await vscode.commands.executeCommand<{ ran: boolean; reason?: string }>('nbpromote.runPipeline', iris());
    assert.equal(result?.ran, false);
    assert.match(result?.reason ?? '', /Running the pipeline runs Python; this workspace is in Restricted Mode/);
    assert.deepEqual(pythonTraces(workspaceRoot()), []);
  });

  it('Promote Notebook, Running It First runs no Python and says why', async () => {
    const result = await vscode.commands.executeCommand<{ promoted: boolean; reason?: string }>('nbpromote.promoteNotebookExecuted', iris(), { confirm: false });
    assert.equal(result?.promoted, false);
    assert.match(result?.reason ?? '', /Running the notebook runs Python; this workspace is in Restricted Mode/);
    assert.deepEqual(pythonTraces(workspaceRoot()), []);
  });

  it('promoteNotebook writes the package but does not run its tests, and says why', async () => {
    const result = await vscode.commands.executeCommand<{ promoted: boolean; reason?: string; outDir?: string; tests?: { ran: boolean; reason?: string } }>(
      'nbpromote.promoteNotebook',
      iris(),
      { confirm: false, runTests: true, reveal: false },
    );
    assert.equal(result?.promoted, true, result?.reason);
    assert.equal(result.outDir, workspaceRoot(), 'nbpromote.output.root is empty: the workspace folder');
    assert.ok(existsSync(join(workspaceRoot(), 'src', 'promote_iris', 'steps', 'train.py')));
    assert.ok(existsSync(join(workspaceRoot(), 'nbpromote.lock')));
    assert.equal(result.tests?.ran, false);
    assert.match(result.tests?.reason ?? '', /Running the tests runs Python; this workspace is in Restricted Mode/);
  });

  it('the workspace\'s nbpromote.output.root applies inside the workspace folder, and a folder outside it is refused, writing nothing', async () => {
    const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('nbpromote', iris());
    await settings().update('output.root', 'build/${notebookName}', vscode.ConfigurationTarget.Workspace);
    try {
      const result = await vscode.commands.executeCommand<{ promoted: boolean; reason?: string; outDir?: string }>('nbpromote.promoteNotebook', iris(), { confirm: false, reveal: false });
      assert.equal(result?.promoted, true, result?.reason);
      assert.equal(result.outDir, join(workspaceRoot(), 'build', 'promote-iris'));
      assert.ok(existsSync(join(workspaceRoot(), 'build', 'promote-iris', 'nbpromote.lock')));
      await settings().update('output.root', '../elsewhere', vscode.ConfigurationTarget.Workspace);
      // The command fails with the reason (host/outputRoot.ts, unit-tested), shown as an error with the setting
      // and Workspace Trust, which would allow it: no result.
      const shown = await withMessages(async (messages) => {
        const outside = await vscode.commands.executeCommand<{ promoted: boolean } | undefined>('nbpromote.promoteNotebook', iris(), { confirm: false, reveal: false });
        assert.equal(outside, undefined);
        return [...messages];
      });
      assert.deepEqual(shown.map((m) => [m.severity, m.buttons]), [['error', ['Open Setting', 'Manage Workspace Trust', 'Show Log']]]);
      assert.match(shown[0]?.message ?? '', /^Promote Notebook failed: the setting nbpromote\.output\.root is "\.\.\/elsewhere", which leads outside .*in Restricted Mode the output folder must be inside the workspace folder/);
      assert.equal(existsSync(join(workspaceRoot(), '..', 'elsewhere')), false);
      // The notebook's lens says the same, never a folder no command would use.
      const notebook = await vscode.workspace.openNotebookDocument(iris());
      await vscode.window.showNotebookDocument(notebook);
      const firstCode = notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code);
      assert.ok(firstCode);
      const lensTitles = async (): Promise<string[]> => ((await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>('vscode.executeCodeLensProvider', firstCode.document.uri)) ?? []).map((l) => l.command?.title ?? '');
      let titles: string[] = [];
      for (let i = 0; i < 75 && !titles.some((t) => t.startsWith('Output folder')); i++) {
        titles = await lensTitles();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.deepEqual(titles, ['Output folder is outside the workspace (Restricted Mode) · Open Setting', 'Manage Workspace Trust']);
    } finally {
      await settings().update('output.root', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(join(workspaceRoot(), 'build'), { recursive: true, force: true });
    }
  });

  // Round 36 I: promotion was refused in every git repository, though the README said it works here.
  it('promoteNotebook promotes a notebook inside a git work tree without running git: the lock records no commit', async () => {
    const repo = join(workspaceRoot(), 'promote-repo');
    mkdirSync(repo, { recursive: true });
    // A repository whose configuration runs a program when git looks at the work tree (core.fsmonitor).
    const marker = join(repo, 'git-ran');
    execFileSync('git', ['init', '-q', '--', repo]);
    execFileSync('git', ['-C', repo, 'config', 'core.fsmonitor', `touch ${marker}`]);
    copyFileSync(join(workspaceRoot(), 'promote-iris.ipynb'), join(repo, 'iris.ipynb'));
    const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('nbpromote', iris());
    await settings().update('output.root', 'build/${notebookName}', vscode.ConfigurationTarget.Workspace);
    try {
      const { result, shown } = await withMessages(async (messages) => ({
        result: await vscode.commands.executeCommand<{ promoted: boolean; reason?: string; outDir?: string }>('nbpromote.promoteNotebook', vscode.Uri.file(join(repo, 'iris.ipynb')), { confirm: false, reveal: false }),
        shown: [...messages],
      }));
      assert.equal(result?.promoted, true, result?.reason);
      const lock = readFileSync(join(result.outDir ?? '', 'nbpromote.lock'), 'utf8');
      assert.match(lock, /\bgit_commit: null\b/);
      assert.match(lock, /\bgit_dirty: null\b/);
      assert.equal(existsSync(marker), false, 'git ran in the repository');
      assert.ok(shown.some((m) => /Git was not run either: nbpromote\.lock records no commit for the notebook/.test(m.message)), JSON.stringify(shown));
    } finally {
      await settings().update('output.root', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(repo, { recursive: true, force: true });
      rmSync(join(workspaceRoot(), 'build'), { recursive: true, force: true });
    }
  });

  it('runPipeline still refuses once there is a pipeline to run, and nothing ran', async () => {
    const result = await vscode.commands.executeCommand<{ ran: boolean; reason?: string }>('nbpromote.runPipeline', { kind: 'notebook', uri: iris().toString() });
    assert.equal(result?.ran, false);
    assert.match(result?.reason ?? '', /Restricted Mode/);
    assert.equal(existsSync(join(workspaceRoot(), '.nbpromote', 'runs')), false, '.nbpromote/runs appeared: the pipeline ran');
    assert.deepEqual(pythonTraces(workspaceRoot()), []);
  });
});
