// The promote commands in a trusted workspace, on test/fixtures/workspace/promote-iris.ipynb (tagged, with
// a metrics output) and promote-headings.ipynb (headings, no tags). Promotion writes into `promote-out/`
// (nbpromote.output.root), real Python runs the generated tests and the pipeline
// ($NBPROMOTE_PYTHON, else Debian's /usr/bin/python3 with pytest and scikit-learn).
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { localRunRecord, runIdAt, writeLocalRun } from '../../src/core/runs/testing';
import type { NotebookPromoterApi } from '../../src/features/extensionRoot';
import { withMessages } from './helpers';

const extensionId = 'nbpromote.notebook-promoter';
const python = process.env['NBPROMOTE_PYTHON'] ?? '/usr/bin/python3';

interface PromoteResult {
  readonly promoted: boolean;
  readonly reason?: string;
  readonly package?: string;
  readonly version?: string;
  readonly outDir?: string;
  readonly files: readonly { path: string; action: string }[];
  readonly tests?: { ran: boolean; exitCode?: number; reason?: string };
}
interface CheckResult {
  readonly upToDate: boolean;
  readonly promoted: boolean;
  readonly package?: string;
  readonly version?: string;
  readonly staleFiles: readonly { path: string; reason: string }[];
}
interface RunResult {
  readonly ran: boolean;
  readonly reason?: string;
  readonly exitCode?: number | null;
  readonly status?: string;
  readonly metrics?: Record<string, unknown>;
  readonly error?: string;
  readonly failedCell?: { readonly index: number; readonly line: number };
  readonly promotedCodeStale?: boolean;
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder open');
  return folder.uri.fsPath;
}

function fixture(name: string): vscode.Uri {
  return vscode.Uri.file(join(workspaceRoot(), name));
}

async function command<T>(id: string, ...args: unknown[]): Promise<T> {
  const result = await vscode.commands.executeCommand<T | undefined>(id, ...args);
  assert.ok(result !== undefined, `${id} returned nothing: it failed (see the "Notebook Promoter" log)`);
  return result;
}

/**
 * Runs `command` (a workbench command on the quick input: accept the active item, or close it) every 250 ms
 * until `pending` settles: the preview opens after the dry run, whose time varies.
 */
async function driveQuickPick<T>(pending: Thenable<T>, command: string): Promise<T> {
  let settled = false;
  const done = Promise.resolve(pending).finally(() => (settled = true));
  for (let i = 0; i < 120 && !settled; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (!settled) await vscode.commands.executeCommand(command);
  }
  return done;
}

async function eventually<T>(what: string, read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes a notebook of code cells `{ id, tags, source }`. */
function writeNotebook(path: string, cells: readonly { id: string; tags: string[]; source: string }[]): void {
  const notebook = {
    cells: cells.map((c) => ({ cell_type: 'code', id: c.id, metadata: { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path, JSON.stringify(notebook));
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

const settings = {
  'promote.confirm': false,
  'output.root': 'promote-out',
  'python.path': python,
} as const;

describe('Promote commands', function () {
  this.timeout(120_000);
  const iris = (): vscode.Uri => fixture('promote-iris.ipynb');
  const out = (): string => join(workspaceRoot(), 'promote-out');

  before(async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    await extension.activate();
    const config = vscode.workspace.getConfiguration('nbpromote');
    for (const [key, value] of Object.entries(settings)) await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await closeAllEditors();
    const config = vscode.workspace.getConfiguration('nbpromote');
    for (const key of Object.keys(settings)) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(out(), { recursive: true, force: true });
  });

  it('the preview, cancelled, writes nothing', async () => {
    const pending = vscode.commands.executeCommand<PromoteResult>('nbpromote.promoteNotebook', iris(), { confirm: true, reveal: false });
    const result = await driveQuickPick(pending, 'workbench.action.closeQuickOpen');
    assert.deepEqual(result, { promoted: false, reason: 'cancelled', files: [] });
    assert.equal(existsSync(out()), false, 'the output root was created');
  });

  it('the Pipelines view\'s Promote, given no row (the view was refreshing), never promotes the active editor\'s notebook', async () => {
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(iris()));
    for (const id of ['nbpromote.views.pipelines.promote', 'nbpromote.views.pipelines.check', 'nbpromote.views.pipelines.run']) {
      assert.equal(await vscode.commands.executeCommand(id, undefined), undefined, `${id} acted on the active notebook`);
    }
    assert.equal(existsSync(out()), false, 'the active notebook was promoted');
    await closeAllEditors();
  });

  it('promoteNotebook writes the package into the output root', async () => {
    const result = await command<PromoteResult>('nbpromote.promoteNotebook', iris(), { reveal: false });
    assert.equal(result.promoted, true, result.reason);
    assert.equal(result.package, 'promote_iris');
    assert.equal(result.version, '0.1.0');
    assert.equal(result.outDir, out());
    for (const file of ['src/promote_iris/steps/load.py', 'src/promote_iris/steps/train.py', 'src/promote_iris/pipeline.py', 'tests/test_metrics.py', 'pipeline.yaml', 'nbpromote.lock']) {
      assert.ok(existsSync(join(out(), file)), `${file} was not written`);
    }
    assert.match(readFileSync(join(out(), 'pipeline.yaml'), 'utf8'), /promote-iris\.ipynb/);
  });

  it('checkNotebook reports the promoted code up to date', async () => {
    const result = await command<CheckResult>('nbpromote.checkNotebook', iris());
    assert.deepEqual({ upToDate: result.upToDate, promoted: result.promoted, package: result.package, version: result.version }, { upToDate: true, promoted: true, package: 'promote_iris', version: '0.1.0' });
  });

  // Round 36 I: promoted unsaved, the lens said "up to date" while `nbpromote check` on the file failed.
  it('Promote Notebook with the preview asks about a notebook with unsaved changes; cancelled, it writes nothing', async () => {
    const document = await vscode.workspace.openNotebookDocument(iris());
    await vscode.window.showNotebookDocument(document);
    const train = document.cellAt(4);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(train.document.uri, new vscode.Position(0, 0), '# unsaved\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const lock = readFileSync(join(out(), 'nbpromote.lock'), 'utf8');
    try {
      const { result, shown } = await withMessages(async (messages) => ({ result: await command<PromoteResult>('nbpromote.promoteNotebook', iris(), { confirm: true, reveal: false }), shown: [...messages] }));
      assert.deepEqual(result, { promoted: false, reason: 'cancelled', files: [] });
      assert.deepEqual(shown.map((m) => [m.severity, m.message, m.buttons]), [['warning', 'promote-iris.ipynb has unsaved changes.', ['Save and Promote', 'Promote Unsaved']]]);
      assert.equal(readFileSync(join(out(), 'nbpromote.lock'), 'utf8'), lock);
      assert.equal(document.isDirty, true);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('checkNotebook sees an unsaved edit in the notebook editor', async () => {
    const document = await vscode.workspace.openNotebookDocument(iris());
    await vscode.window.showNotebookDocument(document);
    const train = document.cellAt(4);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(train.document.uri, new vscode.Range(0, 0, train.document.lineCount, 0), 'model = LogisticRegression(max_iter=300).fit(X_train, y_train)');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(document.isDirty, true);
    try {
      const result = await command<CheckResult>('nbpromote.checkNotebook', iris());
      assert.equal(result.upToDate, false);
      assert.equal(result.version, '0.1.1', 'a changed step body is a patch bump');
      assert.ok(
        result.staleFiles.some((f) => f.path === 'src/promote_iris/steps/train.py' && f.reason === 'differs from the notebook'),
        JSON.stringify(result.staleFiles),
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('openModule opens a step module from a Pipelines view step element', async () => {
    const result = await command<{ opened: boolean; path: string }>('nbpromote.openModule', { kind: 'step', notebookUri: iris().toString(), step: { name: 'train', cellIndices: [4], cellIds: ['train'], after: [] } });
    assert.equal(result.opened, true);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, join(out(), 'src', 'promote_iris', 'steps', 'train.py'));
  });

  it('openModule says a step of a notebook promoted nowhere has no module yet', async () => {
    const result = await command<{ opened: boolean; reason?: string }>('nbpromote.openModule', fixture('churn.ipynb').toString(), 'train');
    assert.equal(result.opened, false);
    assert.match(result.reason ?? '', /promote|promoted from/i);
  });

  it('runs the generated tests as a VS Code task with the configured Python', async () => {
    const result = await command<PromoteResult>('nbpromote.promoteNotebook', iris(), { runTests: true });
    assert.equal(result.promoted, true, result.reason);
    assert.equal(result.version, '0.1.0', 'promoting an unchanged notebook again keeps the version');
    assert.ok(result.files.every((f) => f.action === 'unchanged'), JSON.stringify(result.files));
    assert.deepEqual(result.tests, { ran: true, exitCode: 0 });
    // Round 36 I: also from the palette (and a pipeline's row), not only from the notification after a promotion.
    assert.deepEqual(await command('nbpromote.runTests', iris()), { ran: true, exitCode: 0 });
    const never = await command<{ ran: boolean; reason?: string }>('nbpromote.runTests', fixture('promote-headings.ipynb'));
    assert.equal(never.ran, false);
  });

  it('a hand-edited module the notebook has not changed is kept (checkNotebook: up to date), with resolve force too', async () => {
    const train = join(out(), 'src', 'promote_iris', 'steps', 'train.py');
    const generated = readFileSync(train, 'utf8');
    appendFileSync(train, '# tuned by hand\n');
    const check = await command<CheckResult>('nbpromote.checkNotebook', iris());
    assert.equal(check.upToDate, true);
    assert.deepEqual(check.staleFiles, []);
    // --force replaces what the notebook changes; this edit it does not touch stays, as the dry run says.
    const result = await command<PromoteResult>('nbpromote.promoteNotebook', iris(), { reveal: false, resolve: 'force' });
    assert.equal(result.promoted, true, result.reason);
    assert.ok(result.files.some((f) => f.path === 'src/promote_iris/steps/train.py' && f.action === 'kept-edit'), JSON.stringify(result.files));
    assert.match(readFileSync(train, 'utf8'), /# tuned by hand\n$/);
    assert.equal(existsSync(`${train}.orig`), false);
    writeFileSync(train, generated);
    assert.equal((await command<CheckResult>('nbpromote.checkNotebook', iris())).upToDate, true);
  });

  it('the preview of a package that is up to date offers only Close ("Up to date: nothing to write"): accepting its first item writes nothing', async () => {
    const lock = readFileSync(join(out(), 'nbpromote.lock'), 'utf8');
    const pending = vscode.commands.executeCommand<PromoteResult>('nbpromote.promoteNotebook', iris(), { confirm: true, reveal: false });
    const result = await driveQuickPick(pending, 'workbench.action.acceptSelectedQuickOpenItem');
    assert.deepEqual(result, { promoted: false, reason: 'promote-iris.ipynb is up to date in promote-out: nothing to write.', outDir: out(), files: [] });
    assert.equal(readFileSync(join(out(), 'nbpromote.lock'), 'utf8'), lock);
  });

  it('the preview, accepted ("Promote" is the first item), promotes', async () => {
    // A generated module gone from disk gives the preview something to write.
    rmSync(join(out(), 'src', 'promote_iris', 'steps', 'train.py'));
    const pending = vscode.commands.executeCommand<PromoteResult>('nbpromote.promoteNotebook', iris(), { confirm: true, reveal: false });
    const result = await driveQuickPick(pending, 'workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(result?.promoted, true, result?.reason);
    assert.equal(result.version, '0.1.0');
    assert.deepEqual(result.files.filter((f) => f.action !== 'unchanged'), [{ path: 'src/promote_iris/steps/train.py', action: 'created' }]);
  });

  it('promotion keeps the side bar on Notebook Promoter and the focus on the notebook (the first module opens beside)', async () => {
    const api = await vscode.extensions.getExtension<{ pipelinesView: vscode.TreeView<unknown> }>(extensionId)?.activate();
    assert.ok(api?.pipelinesView, 'activate() returned no Pipelines view');
    const notebook = await vscode.workspace.openNotebookDocument(iris());
    await vscode.window.showNotebookDocument(notebook);
    await vscode.commands.executeCommand('workbench.view.extension.nbpromote');
    for (let i = 0; i < 40 && !api.pipelinesView.visible; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(api.pipelinesView.visible, true, 'the Pipelines view did not open');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    const result = await command<PromoteResult>('nbpromote.promoteNotebook', iris());
    assert.equal(result.promoted, true, result.reason);
    const module = await eventually('the first step module beside the notebook', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath.endsWith(join('steps', 'load.py'))));
    assert.ok(module.viewColumn !== undefined && module.viewColumn !== vscode.window.activeNotebookEditor?.viewColumn, 'the module did not open beside the notebook');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(api.pipelinesView.visible, true, 'promotion switched the side bar away from Notebook Promoter (to the Explorer)');
    assert.equal(vscode.window.activeNotebookEditor?.notebook.uri.toString(), notebook.uri.toString(), 'the notebook lost the focus');
    await closeAllEditors();
  });

  it('runPipeline runs the pipeline and reports its metrics', async () => {
    // Round 59 DDD: the run's own time, as its page says it, and "Open Run" to that page.
    const { result, shown } = await withMessages(async (messages) => ({ result: await command<RunResult>('nbpromote.runPipeline', { kind: 'notebook', uri: iris().toString() }), shown: [...messages] }), (m) => (m.buttons.includes('Open Run') ? 'Open Run' : undefined));
    const finished = shown.filter((m) => m.severity === 'information');
    assert.deepEqual(finished.map((m) => m.buttons), [['Open Run', 'Show Log']]);
    assert.match(finished[0]?.message ?? '', /^promote_iris \S+ finished in \d+\.\d s: accuracy 0\.97/);
    const page = await eventually('the run page', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((tab) => /^Run /.test(tab.label)));
    await vscode.window.tabGroups.close(page);
    assert.equal(result.ran, true, result.reason);
    assert.equal(result.exitCode, 0);
    assert.equal(result.status, 'finished');
    assert.ok(typeof result.metrics?.['accuracy'] === 'number' && Math.abs(result.metrics['accuracy'] - 0.9736842105263158) < 1e-9, JSON.stringify(result.metrics));
    assert.ok(existsSync(join(out(), '.nbpromote', 'runs')), 'the run was recorded');
  });

  // Round 36 I: the Runs view's welcome button said "Run Pipeline failed: open a Jupyter notebook ... first".
  it('runPipeline with no notebook given or open runs the workspace\'s one promoted notebook', async () => {
    await closeAllEditors();
    const result = await driveQuickPick(vscode.commands.executeCommand<RunResult>('nbpromote.runPipeline'), 'workbench.action.closeQuickOpen');
    assert.equal(result.ran, true, result.reason);
    assert.equal(result.status, 'finished');
  });

  it('runPipeline on a notebook never promoted runs nothing when the output root holds another notebook\'s package', async () => {
    const runs = join(out(), '.nbpromote', 'runs');
    const before = existsSync(runs) ? readdirSync(runs).length : 0;
    const result = await command<RunResult>('nbpromote.runPipeline', fixture('churn.ipynb'));
    assert.equal(result.ran, false, JSON.stringify(result));
    assert.equal(result.reason, "churn.ipynb is not promoted (promote-out holds promote-iris.ipynb's package promote_iris): nothing was run. Set nbpromote.output.root to a folder per notebook, such as build/${notebookName}, and promote it there.");
    assert.equal(existsSync(runs) ? readdirSync(runs).length : 0, before, 'a run was recorded');
  });

  it('promoting a second notebook into that output root is refused in the editor\'s words: set nbpromote.output.root', async () => {
    const result = await command<PromoteResult>('nbpromote.promoteNotebook', fixture('churn.ipynb'), { reveal: false });
    assert.equal(result.promoted, false);
    assert.match(result.reason ?? '', /^Promotion of churn\.ipynb stopped: nbpromote\.lock in .* holds the package promote_iris of another notebook, promote-iris\.ipynb, which is still there: .*Set nbpromote\.output\.root to a folder per notebook, such as build\/\$\{notebookName\}/);
    assert.doesNotMatch(result.reason ?? '', /--out|\.\./);
  });

  it('a notebook without step tags is refused without command-line advice, backticks, a double period or its name twice', async () => {
    const result = await command<PromoteResult>('nbpromote.promoteNotebook', fixture('promote-headings.ipynb'), { reveal: false });
    assert.equal(result.promoted, false);
    const reason = result.reason ?? '';
    assert.match(reason, /^Promotion of promote-headings\.ipynb stopped: no cell starts a step/);
    assert.match(reason, /Suggest Steps from Markdown Headings\. Nothing was written\.$/);
    assert.doesNotMatch(reason, /--infer-steps|`|docs\/tags\.md|\.\./);
    assert.equal(reason.split('promote-headings.ipynb').length - 1, 1, reason);
  });

  describe('with nbpromote.output.root promote-each/${notebookName}', () => {
    const each = (): string => join(workspaceRoot(), 'promote-each');
    const failing = (): vscode.Uri => fixture('promote-fail.ipynb');

    before(async () => {
      // A notebook whose second step fails when the pipeline runs: a column that is not there.
      const cells = [
        { id: 'load', tags: ['step:load'], source: "rows = {'monthly': 3}" },
        { id: 'clean', tags: ['step:clean'], source: "ratio = rows['monthly_charge'] / 2" },
      ];
      const notebook = {
        cells: cells.map((c) => ({ cell_type: 'code', id: c.id, metadata: { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      writeFileSync(failing().fsPath, JSON.stringify(notebook));
      await vscode.workspace.getConfiguration('nbpromote').update('output.root', 'promote-each/${notebookName}', vscode.ConfigurationTarget.Workspace);
    });

    after(async () => {
      await vscode.workspace.getConfiguration('nbpromote').update('output.root', settings['output.root'], vscode.ConfigurationTarget.Workspace);
      rmSync(each(), { recursive: true, force: true });
      rmSync(failing().fsPath, { force: true });
    });

    it('promotes two notebooks of one workspace folder, each into its own output root', async () => {
      const iris = await command<PromoteResult>('nbpromote.promoteNotebook', fixture('promote-iris.ipynb'), { reveal: false });
      assert.equal(iris.promoted, true, iris.reason);
      assert.equal(iris.outDir, join(each(), 'promote-iris'));
      const fail = await command<PromoteResult>('nbpromote.promoteNotebook', failing(), { reveal: false });
      assert.equal(fail.promoted, true, fail.reason);
      assert.equal(fail.outDir, join(each(), 'promote-fail'));
      assert.ok(existsSync(join(each(), 'promote-iris', 'nbpromote.lock')) && existsSync(join(each(), 'promote-fail', 'nbpromote.lock')));
    });

    it('a failed run shows the runner\'s error, and the cell it names for "Go to Cell"', async () => {
      const result = await command<RunResult>('nbpromote.runPipeline', failing());
      assert.equal(result.ran, true, result.reason);
      assert.equal(result.exitCode, 1);
      assert.equal(result.status, 'failed');
      assert.equal(result.error, "promote_fail 0.1.0: step 'clean' failed in notebook cell 2 (id clean), line 1: KeyError: 'monthly_charge'");
      assert.deepEqual(result.failedCell, { index: 1, line: 1 });
    });

    it('a run that cannot import a module names the Python that ran it and offers its setting, not "Go to Cell"', async () => {
      const missing = fixture('promote-missing.ipynb');
      writeNotebook(missing.fsPath, [{ id: 'load', tags: ['step:load'], source: 'import nbpromote_no_such_module\nrows = nbpromote_no_such_module.ROWS' }]);
      try {
        const promoted = await command<PromoteResult>('nbpromote.promoteNotebook', missing, { reveal: false });
        assert.equal(promoted.promoted, true, promoted.reason);
        const { result, shown } = await withMessages(async (messages) => ({ result: await command<RunResult>('nbpromote.runPipeline', missing), shown: messages.filter((m) => m.severity === 'error') }));
        assert.equal(result.ran, true, result.reason);
        assert.equal(result.status, 'failed');
        assert.match(result.error ?? '', /ModuleNotFoundError: No module named 'nbpromote_no_such_module'\. It ran with (.+) from the setting nbpromote\.python\.path, which cannot import nbpromote_no_such_module: install it for that Python, or set nbpromote\.python\.path to one that has it\.$/);
        assert.ok((result.error ?? '').includes(`It ran with ${python} from the setting`), result.error);
        assert.equal(result.failedCell, undefined, 'the imports are no cell to go to');
        assert.deepEqual(shown.map((m) => m.buttons), [['Open Setting', 'Show Log']]);
      } finally {
        rmSync(missing.fsPath, { force: true });
      }
    });

    // Round 59 DDD: a merge that left conflicts said so twice, offered no way to the file, and nothing else marked it.
    it('a merge leaving conflicts says so once with "Open train.py", marks each marker line until resolved, and a run offers the file', async () => {
      const notebook = fixture('promote-conflict.ipynb');
      const cells = (factor: number): { id: string; tags: string[]; source: string }[] => [
        { id: 'load', tags: ['step:load'], source: 'rows = [1, 2, 4]' },
        { id: 'train', tags: ['step:train'], source: `total = sum(rows) * ${factor}` },
        { id: 'metrics', tags: ['metrics'], source: 'print(total)' },
      ];
      writeNotebook(notebook.fsPath, cells(2));
      try {
        const first = await command<PromoteResult>('nbpromote.promoteNotebook', notebook, { reveal: false });
        assert.equal(first.promoted, true, first.reason);
        const module = join(first.outDir ?? '', 'src', 'promote_conflict', 'steps', 'train.py');
        writeFileSync(module, readFileSync(module, 'utf8').replace('total = sum(rows) * 2', 'total = sum(rows) * 3'));
        writeNotebook(notebook.fsPath, cells(5));
        const { result, shown } = await withMessages(async (messages) => ({ result: await command<PromoteResult>('nbpromote.promoteNotebook', notebook, { reveal: false, resolve: 'merge' }), shown: messages.filter((m) => m.severity === 'error') }));
        assert.equal(result.promoted, true, result.reason);
        assert.deepEqual(shown.map((m) => m.buttons), [['Open train.py', 'Show Log']]);
        assert.match(shown[0]?.message ?? '', /^Promotion of promote-conflict\.ipynb merged your edits, but src\/promote_conflict\/steps\/train\.py holds conflicts marked with <<<<<<< and >>>>>>>: resolve them, then promote again\.$/);
        const uri = vscode.Uri.file(module);
        const conflicts = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'merge-conflict');
        const marked = await eventually('the markers in the Problems panel', () => (conflicts().length > 0 ? conflicts() : undefined));
        const lines = readFileSync(module, 'utf8').split('\n');
        assert.deepEqual(marked.map((d) => lines[d.range.start.line]?.slice(0, 7)), lines.filter((l) => /^(<{7}|\|{7}|={7}|>{7})/.test(l)).map((l) => l.slice(0, 7)));
        assert.ok(marked.length >= 3 && marked.every((d) => d.severity === vscode.DiagnosticSeverity.Error), JSON.stringify(marked));
        // A run stops at the markers, and offers the file.
        const failed = await withMessages(async (messages) => {
          await command<RunResult>('nbpromote.runPipeline', notebook);
          return messages.filter((m) => m.severity === 'error');
        });
        assert.deepEqual(failed.map((m) => m.buttons[0]), ['Open train.py'], JSON.stringify(failed));
        // Resolved in the editor (keeping the hand edit): the markers leave the Problems panel.
        let side: 'both' | 'ours' | 'theirs' = 'both';
        const resolved = lines.filter((line) => {
          if (line.startsWith('<<<<<<<')) side = 'ours';
          else if (line.startsWith('|||||||') || line.startsWith('=======')) side = 'theirs';
          else if (line.startsWith('>>>>>>>')) side = 'both';
          else return side !== 'theirs';
          return false;
        });
        const document = await vscode.workspace.openTextDocument(uri);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), resolved.join('\n'));
        assert.ok(await vscode.workspace.applyEdit(edit));
        await eventually('no markers in the Problems panel', () => (conflicts().length === 0 ? true : undefined));
        assert.ok(await document.save());
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        rmSync(notebook.fsPath, { force: true });
      }
    });

    // Round 43 V: the editor had no `--execute`; a notebook saved unrun (or a percent script) got no expected metric.
    it('Promote Notebook, Running It First runs the notebook with nbconvert and records its exact metrics', async () => {
      const unrun = fixture('promote-unrun.ipynb');
      writeNotebook(unrun.fsPath, [
        { id: 'load', tags: ['step:load'], source: 'rows = [1, 2, 4]' },
        { id: 'metrics', tags: ['metrics'], source: 'mean = sum(rows) / len(rows)\nprint(f"mean: {mean:.2f}")' },
      ]);
      try {
        const promoted = await command<PromoteResult>('nbpromote.promoteNotebookExecuted', unrun, { reveal: false });
        assert.equal(promoted.promoted, true, promoted.reason);
        const yaml = readFileSync(join(promoted.outDir ?? '', 'pipeline.yaml'), 'utf8');
        assert.match(yaml, /expected: \{mean: 2\.3333333333333335\}/);
        assert.match(readFileSync(join(promoted.outDir ?? '', 'nbpromote.lock'), 'utf8'), /executed:/);
      } finally {
        rmSync(unrun.fsPath, { force: true });
      }
    });

    // Round 48 DD: the notification held the whole traceback, and offered the Python's setting for the notebook's fault.
    it('Running It First on a notebook failing in a cell says the cell, the line and the error in one line, with Go to Cell', async () => {
      const broken = fixture('promote-unrun-broken.ipynb');
      writeNotebook(broken.fsPath, [
        { id: 'load', tags: ['step:load'], source: 'rows = [1, 2, 4]\ntotal = rows["a"]' },
        { id: 'metrics', tags: ['metrics'], source: 'print(total)' },
      ]);
      try {
        const { result, shown } = await withMessages(async (messages) => ({ result: await command<PromoteResult>('nbpromote.promoteNotebookExecuted', broken, { reveal: false }), shown: messages.filter((m) => m.severity === 'error') }), (m) => (m.buttons.includes('Go to Cell') ? 'Go to Cell' : undefined));
        assert.equal(result.promoted, false);
        assert.equal(shown.length, 1, JSON.stringify(shown));
        assert.match(shown[0]?.message ?? '', /^Running promote-unrun-broken\.ipynb before promoting it failed: .*cell 1 \(id load\), line 2: TypeError: list indices must be integers or slices, not str\. Nothing was written\.$/);
        assert.deepEqual(shown.map((m) => m.buttons), [['Go to Cell', 'Show Log']]);
        // Round 59 DDD: Go to Cell selected the cell, not the line that failed.
        const at = await eventually('the cursor on the failing line', () => {
          const editor = vscode.window.activeTextEditor;
          return editor?.document.uri.scheme === 'vscode-notebook-cell' && editor.document.uri.path === broken.path && editor.selection.active.line === 1 ? editor.document.getText() : undefined;
        });
        assert.equal(at, 'rows = [1, 2, 4]\ntotal = rows["a"]');
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      } finally {
        rmSync(broken.fsPath, { force: true });
      }
    });

    // Round 43 V: the editor ignored NBPROMOTE_PYTHON, which the CLI takes: in one shell the two ran different Pythons.
    it('without the setting or the Python extension, a run takes NBPROMOTE_PYTHON from the environment and names it', async () => {
      const missing = fixture('promote-missing-env.ipynb');
      writeNotebook(missing.fsPath, [{ id: 'load', tags: ['step:load'], source: 'import nbpromote_no_such_module\nrows = nbpromote_no_such_module.ROWS' }]);
      const config = vscode.workspace.getConfiguration('nbpromote');
      const before = process.env['NBPROMOTE_PYTHON'];
      try {
        const promoted = await command<PromoteResult>('nbpromote.promoteNotebook', missing, { reveal: false });
        assert.equal(promoted.promoted, true, promoted.reason);
        await config.update('python.path', undefined, vscode.ConfigurationTarget.Workspace);
        process.env['NBPROMOTE_PYTHON'] = python;
        const result = await command<RunResult>('nbpromote.runPipeline', missing);
        assert.equal(result.status, 'failed');
        assert.ok((result.error ?? '').includes(`It ran with ${python} from the environment variable NBPROMOTE_PYTHON, which cannot import nbpromote_no_such_module`), result.error);
      } finally {
        if (before === undefined) delete process.env['NBPROMOTE_PYTHON'];
        else process.env['NBPROMOTE_PYTHON'] = before;
        await config.update('python.path', python, vscode.ConfigurationTarget.Workspace);
        rmSync(missing.fsPath, { force: true });
      }
    });

    it('Run Promoted Pipeline again while that pipeline runs starts no second run: it says so, with Stop Run; another pipeline runs meanwhile', async () => {
      const slow = fixture('promote-slow.ipynb');
      const out = join(each(), 'promote-slow');
      writeNotebook(slow.fsPath, [{ id: 'load', tags: ['step:load'], source: 'import time\ntime.sleep(20)\nrows = 3' }]);
      try {
        const promoted = await command<PromoteResult>('nbpromote.promoteNotebook', slow, { reveal: false });
        assert.equal(promoted.promoted, true, promoted.reason);
        const first = Promise.resolve(vscode.commands.executeCommand<RunResult>('nbpromote.runPipeline', slow));
        // The run's record appears once its Python is running.
        await eventually('the first run to start', () => (existsSync(join(out, '.nbpromote', 'runs')) && readdirSync(join(out, '.nbpromote', 'runs')).length > 0 ? true : undefined), 30_000);
        const { second, other, shown } = await withMessages(
          async (messages) => {
            const second = await command<RunResult>('nbpromote.runPipeline', { kind: 'notebook', uri: slow.toString() });
            // Another pipeline is not held up by this one.
            const other = await command<RunResult>('nbpromote.runPipeline', failing());
            return { second, other, shown: [...messages] };
          },
          (m) => (/already running/.test(m.message) ? 'Stop Run' : undefined),
        );
        assert.equal(second.ran, false);
        assert.match(second.reason ?? '', /^promote_slow is already running \(started \d+ s ago in promote-each\/promote-slow\): a second run would race it on its cache\. Stop it, or wait until it ends\.$/);
        assert.deepEqual(shown.filter((m) => /already running/.test(m.message)).map((m) => [m.severity, m.buttons]), [['warning', ['Stop Run', 'Show Log']]]);
        assert.equal(other.ran, true, other.reason);
        assert.equal(other.status, 'failed');
        // "Stop Run" stopped the first run in its step's 20 s sleep (a run ending by itself is not cancelled).
        const stopped = await first;
        assert.equal(stopped?.status, 'cancelled', JSON.stringify(stopped));
        assert.equal(readdirSync(join(out, '.nbpromote', 'runs')).length, 1, 'a second run was started');
        // Once it has ended, the pipeline runs again (and is stopped the same way).
        const runsNow = (): number => readdirSync(join(out, '.nbpromote', 'runs')).length;
        const again = Promise.resolve(vscode.commands.executeCommand<RunResult>('nbpromote.runPipeline', slow));
        await eventually('the run after it to start', () => (runsNow() === 2 ? true : undefined), 30_000);
        const third = await withMessages(() => command<RunResult>('nbpromote.runPipeline', slow), (m) => (/already running/.test(m.message) ? 'Stop Run' : undefined));
        assert.equal(third.ran, false);
        assert.equal((await again)?.status, 'cancelled');
      } finally {
        rmSync(slow.fsPath, { force: true });
      }
    });

    it('a run after the notebook\'s code changed since its promotion says it ran the promoted code, with Promote Notebook; saved outputs alone do not', async () => {
      const edited = fixture('promote-edited.ipynb');
      const load = { id: 'load', tags: ['step:load'], source: 'rows = [1, 2, 3]' };
      const metrics = { id: 'metrics', tags: ['metrics'], source: 'total = sum(rows)' };
      writeNotebook(edited.fsPath, [load, metrics]);
      try {
        assert.equal((await command<PromoteResult>('nbpromote.promoteNotebook', edited, { reveal: false })).promoted, true);
        // Only the saved outputs differ: the code is as promoted.
        const notebook = JSON.parse(readFileSync(edited.fsPath, 'utf8')) as { cells: { outputs: unknown[]; execution_count: number | null }[] };
        for (const cell of notebook.cells) {
          cell.execution_count = 1;
          cell.outputs = [{ output_type: 'stream', name: 'stdout', text: 'ran\n' }];
        }
        writeFileSync(edited.fsPath, JSON.stringify(notebook));
        const outputsOnly = await withMessages(async (messages) => ({ result: await command<RunResult>('nbpromote.runPipeline', edited), shown: [...messages] }));
        assert.equal(outputsOnly.result.status, 'finished');
        assert.equal(outputsOnly.result.promotedCodeStale, undefined);
        assert.ok(!outputsOnly.shown.some((m) => /was saved since it was promoted/.test(m.message)));
        // The load step's code changed on disk: the run is of the promoted code, and says so.
        writeNotebook(edited.fsPath, [{ ...load, source: 'rows = [1, 2, 3, 4]' }, metrics]);
        const { result, shown } = await withMessages(async (messages) => ({ result: await command<RunResult>('nbpromote.runPipeline', edited), shown: [...messages] }));
        assert.equal(result.status, 'finished');
        assert.deepEqual(result.metrics, { total: 6 }, 'the promoted code ran');
        assert.equal(result.promotedCodeStale, true);
        const said = shown.filter((m) => /promote-edited\.ipynb was saved since it was promoted: this run used the code promoted as 0\.1\.0/.test(m.message));
        assert.deepEqual(said.map((m) => [m.severity, m.buttons]), [['warning', ['Promote Notebook', 'Show Log']]]);
        // Saved back as promoted, then an unsaved edit of the step in the editor (auto save off): the run is of
        // the promoted code all the same, and says so.
        writeNotebook(edited.fsPath, [load, metrics]);
        const document = await vscode.workspace.openNotebookDocument(edited);
        const cell = document.cellAt(0).document;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(cell.uri, cell.lineAt(0).range, 'rows = [1, 2, 3, 5]');
        assert.ok(await vscode.workspace.applyEdit(edit));
        assert.ok(document.isDirty);
        const unsaved = await withMessages(async (messages) => ({ result: await command<RunResult>('nbpromote.runPipeline', edited), shown: [...messages] }));
        assert.deepEqual([unsaved.result.status, unsaved.result.metrics, unsaved.result.promotedCodeStale], ['finished', { total: 6 }, true]);
        const unsavedSaid = unsaved.shown.filter((m) => /promote-edited\.ipynb has unsaved changes since it was promoted: this run used the code promoted as 0\.1\.0/.test(m.message));
        assert.deepEqual(unsavedSaid.map((m) => [m.severity, m.buttons]), [['warning', ['Promote Notebook', 'Show Log']]]);
        await vscode.window.showNotebookDocument(document);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        rmSync(edited.fsPath, { force: true });
        rmSync(join(each(), 'promote-edited'), { recursive: true, force: true });
      }
    });

    it('Run Promoted Pipeline while a terminal runs that pipeline says so, with Run Anyway, which runs it', async () => {
      const out = join(each(), 'promote-fail');
      assert.ok(existsSync(join(out, 'nbpromote.lock')), 'promoted by the tests above');
      // A run record as `nbpromote run` in a terminal leaves it while it goes on: running, a live process of this machine.
      const id = runIdAt(Math.floor(Date.now() / 1000) + 3600, 'fe11ed');
      writeLocalRun(out, id, localRunRecord(id, { pipeline: 'promote_fail', status: 'running', end: null, duration_s: null, pid: process.pid, host: hostname() }));
      const runs = (): string[] => readdirSync(join(out, '.nbpromote', 'runs'));
      const before = runs();
      try {
        const { result, shown } = await withMessages(
          async (messages) => ({ result: await command<RunResult>('nbpromote.runPipeline', failing()), shown: [...messages] }),
          (m) => (/outside this window/.test(m.message) ? 'Run Anyway' : undefined),
        );
        assert.equal(result.ran, false);
        assert.match(result.reason ?? '', new RegExp(`^promote_fail is already running outside this window \\(run ${id}, process ${process.pid}, started \\d+ s ago\\): a second run would race it on its cache\\. Wait until it ends, or stop that process\\.$`));
        assert.deepEqual(shown.filter((m) => /outside this window/.test(m.message)).map((m) => [m.severity, m.buttons]), [['warning', ['Run Anyway']]]);
        // "Run Anyway" ran it: a new run record, which ends (its step fails) before the next test runs the pipeline.
        const status = (run: string): unknown => {
          try {
            return (JSON.parse(readFileSync(join(out, '.nbpromote', 'runs', run, 'run.json'), 'utf8')) as { status?: unknown }).status;
          } catch {
            return undefined; // not written yet
          }
        };
        const ended = (): boolean => runs().some((r) => !before.includes(r) && (status(r) === 'failed' || status(r) === 'finished'));
        await eventually('the run Run Anyway started to end', () => (ended() ? true : undefined), 60_000);
      } finally {
        rmSync(join(out, '.nbpromote', 'runs', id), { recursive: true, force: true });
      }
    });

    it('Promote Notebook while a terminal runs that pipeline writes nothing and says so, with Promote Anyway, which promotes', async () => {
      const busy = fixture('promote-busy.ipynb');
      const out = join(each(), 'promote-busy');
      const load = { id: 'load', tags: ['step:load'], source: 'rows = [1, 2, 3]' };
      writeNotebook(busy.fsPath, [load]);
      try {
        assert.equal((await command<PromoteResult>('nbpromote.promoteNotebook', busy, { reveal: false })).promoted, true);
        const id = runIdAt(Math.floor(Date.now() / 1000) + 3600, 'b0b0b0');
        writeLocalRun(out, id, localRunRecord(id, { pipeline: 'promote_busy', status: 'running', end: null, duration_s: null, pid: process.pid, host: hostname() }));
        writeNotebook(busy.fsPath, [{ ...load, source: 'rows = [1, 2, 3, 4]' }]);
        const step = (): string => readFileSync(join(out, 'src', 'promote_busy', 'steps', 'load.py'), 'utf8');
        const { result, shown } = await withMessages(
          async (messages) => ({ result: await command<PromoteResult>('nbpromote.promoteNotebook', busy, { reveal: false }), shown: [...messages] }),
          (m) => (/ is running \(run /.test(m.message) ? 'Promote Anyway' : undefined),
        );
        assert.equal(result.promoted, false);
        assert.match(result.reason ?? '', new RegExp(`^Promotion of promote-busy\\.ipynb stopped: promote_busy is running \\(run ${id}, process ${process.pid}, started \\d+ s ago\\): promoting now would change the code it runs, .*choose Promote Anyway\\)\\. Nothing was written\\.$`));
        assert.deepEqual(shown.filter((m) => / is running \(run /.test(m.message)).map((m) => [m.severity, m.buttons]), [['error', ['Promote Anyway', 'Show Log']]]);
        assert.match(step(), /rows = \[1, 2, 3\]$/m, 'nothing was written before Promote Anyway');
        await eventually('Promote Anyway to write the step', () => (/rows = \[1, 2, 3, 4\]/.test(step()) ? true : undefined), 30_000);
      } finally {
        rmSync(busy.fsPath, { force: true });
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('Promote Notebook writes nothing over a generated module open with unsaved changes, and says so with Save and Promote', async () => {
      const notebookUri = fixture('promote-unsaved.ipynb');
      const out = join(each(), 'promote-unsaved');
      const load = { id: 'load', tags: ['step:load'], source: 'rows = [1, 2, 3]' };
      writeNotebook(notebookUri.fsPath, [load]);
      try {
        assert.equal((await command<PromoteResult>('nbpromote.promoteNotebook', notebookUri, { reveal: false })).promoted, true);
        const module = vscode.Uri.file(join(out, 'src', 'promote_unsaved', 'steps', 'load.py'));
        const onDisk = readFileSync(module.fsPath, 'utf8');
        const document = await vscode.workspace.openTextDocument(module);
        const edit = new vscode.WorkspaceEdit();
        edit.insert(module, new vscode.Position(0, 0), '# my note\n');
        assert.ok(await vscode.workspace.applyEdit(edit));
        assert.ok(document.isDirty);
        writeNotebook(notebookUri.fsPath, [{ ...load, source: 'rows = [1, 2, 3, 4]' }]);
        const { result, shown } = await withMessages(async (messages) => ({ result: await command<PromoteResult>('nbpromote.promoteNotebook', notebookUri, { reveal: false }), shown: [...messages] }));
        assert.equal(result.promoted, false);
        assert.equal(result.reason, 'Promotion of promote-unsaved.ipynb stopped: load.py has unsaved changes in the editor, and promoting would replace that file on disk (saving it afterwards would undo the promotion\'s change). Save or revert it first. Nothing was written.');
        assert.deepEqual(shown.filter((m) => m.message === result.reason).map((m) => [m.severity, m.buttons]), [['warning', ['Save and Promote']]]);
        assert.equal(readFileSync(module.fsPath, 'utf8'), onDisk);
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        rmSync(notebookUri.fsPath, { force: true });
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('a folder of notebooks renamed in the editor takes along the packages ${notebookDir} placed by it', async () => {
      const config = vscode.workspace.getConfiguration('nbpromote');
      const before = config.get<string>('output.root');
      const root = workspaceRoot();
      const oldFolder = join(root, 'promote-dir-old');
      const newFolder = join(root, 'promote-dir-new');
      const packages = join(root, 'promote-dirs');
      mkdirSync(oldFolder, { recursive: true });
      writeNotebook(join(oldFolder, 'sales.ipynb'), [{ id: 'load', tags: ['step:load'], source: 'rows = [1, 2]' }]);
      await config.update('output.root', 'promote-dirs/${notebookDir}/${notebookName}', vscode.ConfigurationTarget.Workspace);
      await config.update('output.followRenames', 'always', vscode.ConfigurationTarget.Workspace);
      try {
        assert.equal((await command<PromoteResult>('nbpromote.promoteNotebook', vscode.Uri.file(join(oldFolder, 'sales.ipynb')), { reveal: false })).promoted, true);
        assert.ok(existsSync(join(packages, 'promote-dir-old', 'sales', 'nbpromote.lock')));
        const edit = new vscode.WorkspaceEdit();
        edit.renameFile(vscode.Uri.file(oldFolder), vscode.Uri.file(newFolder));
        assert.ok(await vscode.workspace.applyEdit(edit));
        await eventually('the package moved to promote-dirs/promote-dir-new/sales', () => (existsSync(join(packages, 'promote-dir-new', 'sales', 'nbpromote.lock')) ? true : undefined), 20_000);
        assert.equal(existsSync(join(packages, 'promote-dir-old', 'sales')), false, 'the old package folder is still there');
        // The empty folder goes after the lock records the move (the lock appears at the new place first).
        await eventually('the folder the move left empty is gone', () => (existsSync(join(packages, 'promote-dir-old')) ? undefined : true), 10_000);
      } finally {
        await config.update('output.root', before, vscode.ConfigurationTarget.Workspace);
        await config.update('output.followRenames', undefined, vscode.ConfigurationTarget.Workspace);
        for (const folder of [oldFolder, newFolder, packages]) rmSync(folder, { recursive: true, force: true });
      }
    });

    it('a notebook renamed while its pipeline runs: Move Package Now is offered again while the run goes on, and moves the package once it ended', async () => {
      const from = fixture('promote-busyrename.ipynb');
      const to = fixture('promote-busyrenamed.ipynb');
      const out = join(each(), 'promote-busyrename');
      writeNotebook(from.fsPath, [{ id: 'load', tags: ['step:load'], source: 'rows = [1, 2]' }]);
      const config = vscode.workspace.getConfiguration('nbpromote');
      await config.update('output.followRenames', 'prompt', vscode.ConfigurationTarget.Workspace);
      try {
        assert.equal((await command<PromoteResult>('nbpromote.promoteNotebook', from, { reveal: false })).promoted, true);
        const id = runIdAt(Math.floor(Date.now() / 1000) + 3600, 'b1b1b1');
        writeLocalRun(out, id, localRunRecord(id, { pipeline: 'promote_busyrename', status: 'running', end: null, duration_s: null, pid: process.pid, host: hostname() }));
        let asked = 0;
        const shown = await withMessages(
          async (messages) => {
            const edit = new vscode.WorkspaceEdit();
            edit.renameFile(from, to);
            assert.ok(await vscode.workspace.applyEdit(edit));
            await eventually('the package moved to promote-each/promote-busyrenamed', () => (existsSync(join(each(), 'promote-busyrenamed', 'nbpromote.lock')) ? true : undefined), 30_000);
            return [...messages];
          },
          (m) => {
            if (!/stays in/.test(m.message)) return undefined;
            asked += 1;
            // The run ends while the second question waits.
            if (asked === 2) rmSync(join(out, '.nbpromote', 'runs', id), { recursive: true, force: true });
            return 'Move Package Now';
          },
        );
        assert.deepEqual(shown.filter((m) => /stays in/.test(m.message)).map((m) => m.buttons), [['Move Package Now'], ['Move Package Now']]);
        assert.match(shown.find((m) => /stays in/.test(m.message))?.message ?? '', /^promote-busyrename\.ipynb was renamed to promote-busyrenamed\.ipynb, and nbpromote\.output\.root now puts its package in /);
        assert.equal(existsSync(out), false, 'the old folder is still there');
      } finally {
        await config.update('output.followRenames', undefined, vscode.ConfigurationTarget.Workspace);
        for (const uri of [from, to]) rmSync(uri.fsPath, { force: true });
        rmSync(join(each(), 'promote-busyrenamed'), { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('a promoted notebook renamed in the editor takes its package along (nbpromote.output.followRenames always), never over a folder already there', async () => {
      const renamed = fixture('promote-renamed.ipynb');
      const again = fixture('promote-again.ipynb');
      const config = vscode.workspace.getConfiguration('nbpromote');
      await config.update('output.followRenames', 'always', vscode.ConfigurationTarget.Workspace);
      try {
        // Promoted and run (it fails: a run record all the same), as the tests above leave it; again when run alone.
        assert.equal((await command<PromoteResult>('nbpromote.promoteNotebook', failing(), { reveal: false })).promoted, true);
        assert.equal((await command<RunResult>('nbpromote.runPipeline', failing())).ran, true);
        const runsBefore = readdirSync(join(each(), 'promote-fail', '.nbpromote', 'runs'));
        assert.ok(runsBefore.length > 0, 'the failed run is recorded');
        const edit = new vscode.WorkspaceEdit();
        edit.renameFile(failing(), renamed);
        assert.ok(await vscode.workspace.applyEdit(edit));
        await eventually('the package moved to promote-each/promote-renamed', () => (existsSync(join(each(), 'promote-renamed', 'nbpromote.lock')) ? true : undefined));
        assert.equal(existsSync(join(each(), 'promote-fail')), false, 'the old folder is still there');
        assert.deepEqual(readdirSync(join(each(), 'promote-renamed', '.nbpromote', 'runs')), runsBefore, 'the runs moved with it');
        // A file watcher of the renamed folder goes on reporting the old paths: a run recorded there now (a run from
        // a terminal) reported at its old path must still show, read from the store where it is.
        const api = vscode.extensions.getExtension<NotebookPromoterApi>(extensionId)?.exports;
        assert.ok(api);
        const id = runIdAt(Date.UTC(2026, 10, 26, 12, 0, 0) / 1000, 'abcdef');
        writeLocalRun(join(each(), 'promote-renamed'), id, localRunRecord(id, { pipeline: 'promote_fail' }));
        await api.runs.refreshLocal([join(each(), 'promote-fail', '.nbpromote', 'runs', id, 'run.json')]);
        const store = (await api.runs.localStores()).find((s) => s.root === join(each(), 'promote-renamed'));
        assert.ok(store?.runs.some((r) => r.id === id), 'the run recorded in the moved store does not show');
        const promoted = await command<PromoteResult>('nbpromote.promoteNotebook', renamed, { reveal: false });
        assert.equal(promoted.promoted, true, promoted.reason);
        assert.equal(promoted.outDir, join(each(), 'promote-renamed'));
        assert.equal(promoted.package, 'promote_fail', 'the package keeps its name');
        assert.match(readFileSync(join(each(), 'promote-renamed', 'pipeline.yaml'), 'utf8'), /promote-renamed\.ipynb/);

        // A folder already where the package would go is never replaced: the package stays.
        const mine = join(each(), 'promote-again');
        mkdirSync(mine, { recursive: true });
        writeFileSync(join(mine, 'notes.txt'), 'mine');
        const second = new vscode.WorkspaceEdit();
        second.renameFile(renamed, again);
        assert.ok(await vscode.workspace.applyEdit(second));
        await new Promise((resolve) => setTimeout(resolve, 1500));
        assert.ok(existsSync(join(each(), 'promote-renamed', 'nbpromote.lock')), 'the package left its folder');
        assert.deepEqual(readdirSync(mine), ['notes.txt'], 'the folder already there was changed');
      } finally {
        await config.update('output.followRenames', undefined, vscode.ConfigurationTarget.Workspace);
        for (const uri of [renamed, again]) rmSync(uri.fsPath, { force: true });
      }
    });
  });

  it('suggestSteps tags the first code cell under each heading, keeping other metadata', async () => {
    const uri = fixture('promote-headings.ipynb');
    const document = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(document);
    try {
      const result = await command<{ applied: { cellIndex: number; name: string }[] }>('nbpromote.suggestSteps', uri, { confirm: false });
      assert.deepEqual(result.applied, [
        { cellIndex: 3, name: 'load_data' },
        { cellIndex: 6, name: 'clean_outliers' },
        { cellIndex: 9, name: 'metrics' },
      ]);
      const tags = document.getCells().map((cell) => (cell.metadata['metadata'] as { tags?: string[] } | undefined)?.tags ?? []);
      // The last section, "### Summary", shows the results: its cell gets the metrics role.
      assert.deepEqual(tags, [[], [], [], ['step:load_data'], [], [], ['step:clean_outliers'], [], [], ['metrics'], [], []]);
      assert.equal(document.cellAt(3).metadata['id'], 'load', 'the cell id is kept');
      assert.equal(document.cellAt(3).document.getText(), 'values = [3, 1, 4, 1, 5, 9, 2, 6]', 'the source is untouched');
      assert.equal(document.isDirty, true, 'the edit is not saved');
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('suggestSteps puts a #| step: directive on the first line of a percent script cell', async () => {
    const file = join(workspaceRoot(), 'promote-scratch-script.py');
    // A `## Parameters` section's cell of literals gets the parameters directive (round 41 Q, R).
    writeFileSync(file, ['# %% [markdown]', '# ## Parameters', '', '# %%', 'N = 3', '', '# %% [markdown]', '# # Load the data', '', '# %%', 'values = [1, 2, N]', '', '# %% [markdown]', '# ## Report', '', '# %% tags=["keep-me"]', 'print(sum(values))', ''].join('\n'));
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const result = await command<{ applied: { cellIndex: number; name: string }[] }>('nbpromote.suggestSteps', document.uri, { confirm: false });
      assert.deepEqual(result.applied.map((a) => a.name), ['parameters', 'load_data', 'report']);
      assert.equal(
        document.getText(),
        ['# %% [markdown]', '# ## Parameters', '', '# %%', '#| parameters', 'N = 3', '', '# %% [markdown]', '# # Load the data', '', '# %%', '#| step: load_data', 'values = [1, 2, N]', '', '# %% [markdown]', '# ## Report', '', '# %% tags=["keep-me"]', '#| step: report', 'print(sum(values))', ''].join('\n'),
      );
      assert.equal(document.isDirty, true, 'the edit is not saved');
    } finally {
      await vscode.window.showTextDocument(vscode.Uri.file(file));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      rmSync(file, { force: true });
    }
  });
});
