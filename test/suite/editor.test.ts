// The notebook editor features on test/fixtures/workspace/editor-*: the "Promote notebook" code lens and
// its states, step lenses, diagnostics on the right cell and line, quick fixes, and nbpromote.setCellRole.
// Everything is observed the way VS Code itself asks for it: executeCodeLensProvider,
// getDiagnostics, executeCodeActionProvider, the notebook's cells after a command.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { promoteNotebook } from '../../src/core/promote/promote';
import { withMessages } from './helpers';

const extensionId = 'nbpromote.notebook-promoter';
/** Promotions in these tests go here (setting nbpromote.output.root), away from other tests' packages. */
const outRoot = 'editor-out';

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri;
}

function fixture(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), name);
}

async function openNotebook(name: string): Promise<vscode.NotebookDocument> {
  const document = await vscode.workspace.openNotebookDocument(fixture(name));
  await vscode.window.showNotebookDocument(document);
  assert.equal(document.notebookType, 'jupyter-notebook');
  return document;
}

/** Reverts unsaved changes and closes every editor, so that each test starts from the fixture on disk. */
async function closeAll(): Promise<void> {
  for (const document of vscode.workspace.notebookDocuments) {
    if (!document.isDirty) continue;
    await vscode.window.showNotebookDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty || document.uri.scheme !== 'file') continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

interface Lens {
  readonly title: string;
  readonly line: number;
  readonly command: string;
  readonly arguments: readonly unknown[];
}

async function lenses(uri: vscode.Uri): Promise<Lens[]> {
  const found = (await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>('vscode.executeCodeLensProvider', uri)) ?? [];
  return found.map((l) => ({ title: l.command?.title ?? '', line: l.range.start.line, command: l.command?.command ?? '', arguments: l.command?.arguments ?? [] }));
}

/**
 * Runs `body` on a copy of editor-churn.ipynb named `name`, promoted into an output root of its own
 * (`<name>-out`, the setting changed for the test): the other tests' promotions, edits and the editor's auto
 * save leave it alone. Removed afterwards.
 */
async function withOwnPromotion(name: string, body: (paths: { readonly notebook: string; readonly out: string }) => Promise<void>): Promise<void> {
  const root = workspaceRoot().fsPath;
  const settings = vscode.workspace.getConfiguration('nbpromote');
  const notebook = join(root, `${name}.ipynb`);
  const out = join(root, `${name}-out`);
  writeFileSync(notebook, readFileSync(join(root, 'editor-churn.ipynb')));
  await settings.update('output.root', `${name}-out`, vscode.ConfigurationTarget.Workspace);
  try {
    const version = String(vscode.extensions.getExtension(extensionId)?.packageJSON['version']);
    const promoted = await promoteNotebook({ notebook, cwd: root, out, toolVersion: version });
    assert.ok(promoted.ok, JSON.stringify(promoted.problems));
    await body({ notebook, out });
  } finally {
    await closeAll();
    await settings.update('output.root', outRoot, vscode.ConfigurationTarget.Workspace);
    rmSync(notebook, { force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

/** Polls `get` until `ok` holds (providers answer after edits settle); fails with the last value seen. */
async function eventually<T>(what: string, get: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    last = await get();
  }
  return last;
}

async function titles(uri: vscode.Uri): Promise<string[]> {
  return (await lenses(uri)).map((l) => l.title);
}

function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nbpromote');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function tagsOf(cell: vscode.NotebookCell): unknown {
  return (cell.metadata['metadata'] as { tags?: unknown } | undefined)?.tags;
}

async function quickFixTitles(uri: vscode.Uri, range: vscode.Range): Promise<string[]> {
  const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>('vscode.executeCodeActionProvider', uri, range)) ?? [];
  return actions.map((a) => a.title);
}

/**
 * Applies the quick fix at `range` the way a person does: cursor there, Quick Fix, first action. (The edit
 * that vscode.executeCodeActionProvider hands back to an extension loses notebook cell edits on the way;
 * the workbench applies the provider's own edit.)
 */
async function applyQuickFix(document: vscode.TextDocument, range: vscode.Range, title: string): Promise<void> {
  await eventually(`quick fixes at ${document.uri.fragment} ${range.start.line}:${range.start.character}`, () => quickFixTitles(document.uri, range), (t) => t.includes(title));
  await vscode.window.showTextDocument(document, { selection: new vscode.Selection(range.start, range.start), preserveFocus: false });
  await vscode.commands.executeCommand('editor.action.codeAction', { kind: 'quickfix', apply: 'first' });
}

describe('Notebook editor: code lens, diagnostics, cell roles', function () {
  this.timeout(90_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    await extension.activate();
    await vscode.workspace.getConfiguration('nbpromote').update('output.root', outRoot, vscode.ConfigurationTarget.Workspace);
  });

  afterEach(closeAll);

  after(async () => {
    await vscode.workspace.getConfiguration('nbpromote').update('output.root', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(join(workspaceRoot().fsPath, outRoot), { recursive: true, force: true });
  });

  it('shows "Promote notebook" above the first cell and each step with its module and inputs', async () => {
    const notebook = await openNotebook('editor-churn.ipynb');
    const first = await eventually('lenses of cell 1', () => lenses(notebook.cellAt(0).document.uri), (l) => l.length > 0);
    assert.deepEqual(first.map((l) => l.title), ['Promote notebook']);
    assert.equal(first[0]?.command, 'nbpromote.promoteNotebook');
    assert.equal(String(first[0]?.arguments[0]), notebook.uri.toString());
    assert.deepEqual(await titles(notebook.cellAt(1).document.uri), ['step load → editor-out/src/editor_churn/steps/load.py']);
    assert.deepEqual(await titles(notebook.cellAt(2).document.uri), ['step train → editor-out/src/editor_churn/steps/train.py · uses X_train, y_train']);
    assert.deepEqual(await titles(notebook.cellAt(3).document.uri), []);
  });

  it('offers "Suggest steps" instead of "Promote notebook" on a notebook without step tags (promotion would only refuse)', async () => {
    const file = join(workspaceRoot().fsPath, 'editor-nosteps.ipynb');
    const cell = (id: string, cellType: 'markdown' | 'code', source: string): object => ({ id, cell_type: cellType, metadata: {}, source, ...(cellType === 'code' ? { outputs: [], execution_count: null } : {}) });
    const cells = [cell('intro', 'markdown', '# Load the data'), cell('load', 'code', 'values = [3, 1, 4]'), cell('report', 'markdown', '## Report'), cell('show', 'code', 'print(sum(values))')];
    writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }, null, 1));
    try {
      const notebook = await openNotebook('editor-nosteps.ipynb');
      const found = await eventually('lenses of the first code cell', () => lenses(notebook.cellAt(1).document.uri), (l) => l.length > 0);
      assert.deepEqual(found.map((l) => [l.title, l.command]), [['No steps yet · Suggest steps', 'nbpromote.suggestSteps']]);
      assert.equal(String(found[0]?.arguments[0]), notebook.uri.toString());
    } finally {
      await closeAll();
      rmSync(file, { force: true });
    }
  });

  it('puts "Promote notebook" on the first code cell only, never on a markdown cell above it (edited or not)', async () => {
    const notebook = await openNotebook('churn.ipynb');
    assert.equal(notebook.cellAt(0).kind, vscode.NotebookCellKind.Markup);
    const code = await eventually('lenses of the first code cell', () => titles(notebook.cellAt(1).document.uri), (t) => t.length > 0);
    assert.deepEqual(code.filter((t) => t === 'Promote notebook'), ['Promote notebook']);
    // A markdown cell in edit mode has an editor (a text model): the provider is asked for its document too.
    const editor = vscode.window.activeNotebookEditor;
    assert.ok(editor);
    editor.selections = [new vscode.NotebookRange(0, 1)];
    await vscode.commands.executeCommand('notebook.cell.edit');
    const markdown = await eventually(
      'the markdown cell in edit mode to be asked for lenses',
      () => titles(notebook.cellAt(0).document.uri).catch(() => undefined),
      (t) => t !== undefined,
    );
    assert.deepEqual(markdown, []);
    assert.deepEqual(await titles(notebook.cellAt(1).document.uri), code);
  });

  it('says "Promoted v0.1.0 · up to date" after promotion, and "1 step changed" after an unsaved edit of a step', async () => {
    const root = workspaceRoot().fsPath;
    const version = String(vscode.extensions.getExtension(extensionId)?.packageJSON['version']);
    const promoted = await promoteNotebook({ notebook: join(root, 'editor-churn.ipynb'), cwd: root, out: join(root, outRoot), toolVersion: version });
    assert.ok(promoted.ok, JSON.stringify(promoted.problems));
    const notebook = await openNotebook('editor-churn.ipynb');
    const first = notebook.cellAt(0).document.uri;
    await eventually('the promote lens', () => titles(first), (t) => t.includes('Promoted v0.1.0 · up to date'));

    const train = notebook.cellAt(2).document;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(train.uri, train.lineAt(train.lineCount - 1).range.end, '\nscale = scale * 2');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(notebook.isDirty, 'the edit is not saved');
    await eventually('the promote lens after an edit', () => titles(first), (t) => t.includes('Promoted v0.1.0 · 1 step changed · Re-promote'));

    // Back as promoted, then a change outside the steps (the shared cell): the package is stale all the same.
    const undo = new vscode.WorkspaceEdit();
    undo.delete(train.uri, new vscode.Range(train.lineCount - 2, train.lineAt(train.lineCount - 2).range.end.character, train.lineCount - 1, train.lineAt(train.lineCount - 1).range.end.character));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await eventually('the promote lens after the edit was taken back', () => titles(first), (t) => t.includes('Promoted v0.1.0 · up to date'));
    const shared = notebook.cellAt(0).document;
    const constant = new vscode.WorkspaceEdit();
    constant.insert(shared.uri, shared.lineAt(shared.lineCount - 1).range.end, '\nNOTE = "a constant no step reads"');
    assert.ok(await vscode.workspace.applyEdit(constant));
    await eventually('the promote lens after a change outside the steps', () => titles(first), (t) => t.some((title) => /^Promoted v0\.1\.0 · \d+ files? differs? · Re-promote$/.test(title)));
  });

  it('follows a generated file changed on disk (not the notebook, not its lock): a step module broken by hand shows on the lens, and goes when it is fixed', async () => {
    await withOwnPromotion('editor-gen', async ({ out }) => {
      const notebook = await openNotebook('editor-gen.ipynb');
      const first = notebook.cellAt(0).document.uri;
      const upToDate = 'Promoted v0.1.0 · up to date';
      await eventually('the promote lens', () => titles(first), (t) => t.includes(upToDate));
      const step = join(out, 'src', 'editor_gen', 'steps', 'train.py');
      const text = readFileSync(step, 'utf8');
      // Only the generated file changes: not the notebook, not its lock. Written as a terminal or git writes it,
      // not through VS Code: the file watcher misses files in folders a promotion made in a burst (Linux).
      try {
        writeFileSync(step, `${text}\ndef broken(:\n`);
        const broken = await eventually('the lens after the step module broke', () => lenses(first), (l) => l.some((x) => x.title === 'Promoted v0.1.0 · 1 error to fix'));
        // Promotion would stop on it: the lens opens the Problems panel, as before the first promotion.
        assert.equal(broken.find((x) => x.title.startsWith('Promoted'))?.command, 'workbench.panel.markers.view.focus');
      } finally {
        writeFileSync(step, text);
      }
      await eventually('the lens after the step module was fixed', () => titles(first), (t) => t.includes(upToDate));
    });
  });

  it('puts the errors of a hand-edited pipeline.yaml on its lines, not on the notebook\'s first cell', async () => {
    await withOwnPromotion('editor-yaml', async ({ out }) => {
      const config = join(out, 'pipeline.yaml');
      const text = readFileSync(config, 'utf8');
      const line = text.split('\n').findIndex((l) => l.trim() === 'inputs: [X_train, y_train]');
      assert.ok(line > 0, text);
      writeFileSync(config, text.replace('inputs: [X_train, y_train]', 'inputs: [y_train, X_train]'));
      const notebook = await openNotebook('editor-yaml.ipynb');
      const found = await eventually('the diagnostics of pipeline.yaml', () => ourDiagnostics(vscode.Uri.file(config)), (d) => d.length > 0);
      assert.deepEqual(found.map((d) => [codeOf(d), d.range.start.line]), [['pipeline-edited-mismatch', line]]);
      assert.match(found[0]?.message ?? '', /put back what promotion wrote, or delete pipeline\.yaml to have promotion write it again$/);
      for (const cell of notebook.getCells()) assert.deepEqual(ourDiagnostics(cell.document.uri).map(codeOf).filter((c) => c.startsWith('pipeline-')), [], `cell ${cell.index + 1}`);
      writeFileSync(config, text);
      await eventually('the diagnostics of pipeline.yaml once restored', () => ourDiagnostics(vscode.Uri.file(config)), (d) => d.length === 0);
    });
  });

  it('shows the lenses of a percent script on its first line and on the step markers', async () => {
    const document = await vscode.workspace.openTextDocument(fixture('editor-script.py'));
    await vscode.window.showTextDocument(document);
    const found = await eventually('lenses of the script', () => lenses(document.uri), (l) => l.length >= 3);
    assert.deepEqual(
      found.map((l) => [l.line, l.title]),
      [
        [0, 'Promote notebook'],
        [3, 'step load → editor-out/src/editor_script/steps/load.py'],
        [6, 'step roots → editor-out/src/editor_script/steps/roots.py · uses rows'],
      ],
    );
  });

  it('with nbpromote.output.root leading outside the workspace folder, the lens says so and opens the setting, as the failing command does; no step shows a path', async () => {
    const config = vscode.workspace.getConfiguration('nbpromote');
    await config.update('output.root', '../outside/${notebookName}', vscode.ConfigurationTarget.Workspace);
    try {
      const notebook = await openNotebook('editor-churn.ipynb');
      const first = await eventually('the setting\'s lens', () => lenses(notebook.cellAt(0).document.uri), (l) => l.some((x) => x.title.startsWith('Output folder')));
      assert.deepEqual(first.map((l) => [l.title, l.command, l.arguments]), [['Output folder setting is invalid · Open Setting', 'workbench.action.openWorkspaceSettings', ['@id:nbpromote.output.root']]]);
      // The workspace sets the bad value: its tab opens (the User tab would not change it).
      await vscode.commands.executeCommand(first[0]?.command ?? '', ...(first[0]?.arguments ?? []));
      await eventually('the Settings editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label, (label) => label === 'Settings');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      assert.deepEqual(await titles(notebook.cellAt(1).document.uri), ['step load']);
      assert.deepEqual(await titles(notebook.cellAt(2).document.uri), ['step train · uses X_train, y_train']);
      const shown = await withMessages(async (messages) => {
        assert.equal(await vscode.commands.executeCommand('nbpromote.promoteNotebook', notebook.uri, { confirm: false, reveal: false }), undefined);
        return [...messages];
      });
      assert.deepEqual(shown.map((m) => m.buttons), [['Open Setting', 'Show Log']]);
      assert.match(shown[0]?.message ?? '', /^Promote Notebook failed: the setting nbpromote\.output\.root is "\.\.\/outside\/\$\{notebookName\}", which for editor-churn\.ipynb leads outside /);
      assert.equal(existsSync(join(workspaceRoot().fsPath, '..', 'outside')), false);
    } finally {
      await config.update('output.root', outRoot, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('puts a name no cell defines on its cell, line and column', async () => {
    const notebook = await openNotebook('editor-undefined.ipynb');
    const cell = notebook.cellAt(1).document;
    const [diagnostic] = await eventually('diagnostics of cell 2', () => ourDiagnostics(cell.uri), (d) => d.length > 0);
    assert.ok(diagnostic);
    assert.equal(codeOf(diagnostic), 'name-undefined');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, 1);
    assert.equal(cell.getText(diagnostic.range), 'offset');
    assert.deepEqual(ourDiagnostics(notebook.cellAt(0).document.uri), []);
    // Never promoted, and promotion would stop on it: the lens says so and opens the Problems panel.
    const found = await eventually('the promote lens', () => lenses(notebook.cellAt(0).document.uri), (l) => l.length > 0);
    assert.deepEqual(found.filter((l) => l.title.startsWith('Promote')).map((l) => [l.title, l.command]), [['Promote notebook · 1 error to fix', 'workbench.panel.markers.view.focus']]);
    // Focusing the panel opens it; a second click does not close it (the toggle command did).
    assert.ok((await vscode.commands.getCommands(false)).includes('workbench.panel.markers.view.focus'));
  });

  it('still puts the notebook\'s own problems on its cells when the output root is no place for a package (.git)', async () => {
    const config = vscode.workspace.getConfiguration('nbpromote');
    await config.update('output.root', '.git/${notebookName}', vscode.ConfigurationTarget.Workspace);
    try {
      const notebook = await openNotebook('editor-undefined.ipynb');
      const [diagnostic] = await eventually('diagnostics of cell 2', () => ourDiagnostics(notebook.cellAt(1).document.uri), (d) => d.length > 0);
      assert.equal(diagnostic === undefined ? undefined : codeOf(diagnostic), 'name-undefined');
    } finally {
      await config.update('output.root', outRoot, vscode.ConfigurationTarget.Workspace);
    }
  });

  // Round 36 I: "2 errors to fix" while `nbpromote inspect` gave 3; the undefined name showed once the tags were fixed.
  it('puts a name no cell defines on its cell also while a tag has an error, as nbpromote inspect does', async () => {
    const notebook = await openNotebook('editor-tags-and-names.ipynb');
    await eventually('diagnostics of cell 1', () => ourDiagnostics(notebook.cellAt(0).document.uri).map(codeOf), (d) => d.includes('step-name-invalid'));
    const named = await eventually('diagnostics of cell 2', () => ourDiagnostics(notebook.cellAt(1).document.uri), (d) => d.length > 0);
    assert.deepEqual(named.map((d) => [codeOf(d), notebook.cellAt(1).document.getText(d.range)]), [['name-undefined', 'rowz']]);
  });

  it('reports invalid step names on their cells and fixes them with a quick fix', async () => {
    const notebook = await openNotebook('editor-badname.ipynb');
    const tagged = notebook.cellAt(0);
    const directive = notebook.cellAt(1);
    const [onTag] = await eventually('diagnostics of cell 1', () => ourDiagnostics(tagged.document.uri), (d) => d.length > 0);
    assert.ok(onTag);
    assert.equal(codeOf(onTag), 'step-name-invalid');
    assert.equal(onTag.range.start.line, 0);
    const [onDirective] = ourDiagnostics(directive.document.uri);
    assert.ok(onDirective, 'no diagnostic on the #| step: 2clean cell');
    assert.equal(codeOf(onDirective), 'step-name-invalid');
    assert.equal(onDirective.range.start.line, 0);

    await applyQuickFix(tagged.document, onTag.range, 'Rename step "../x" to "x"');
    await eventually('tags of cell 1 after the fix', () => tagsOf(notebook.cellAt(0)), (t) => JSON.stringify(t) === JSON.stringify(['keep-me', 'step:x']));
    assert.equal(notebook.cellAt(0).document.getText(), 'rows = [1, 2, 3]');

    await applyQuickFix(directive.document, onDirective.range, 'Rename step "2clean" to "step_2clean"');
    await eventually('the directive after the fix', () => notebook.cellAt(1).document.lineAt(0).text, (t) => t === '#| step: step_2clean');
    await eventually('diagnostics after the fixes', () => [...ourDiagnostics(notebook.cellAt(0).document.uri), ...ourDiagnostics(notebook.cellAt(1).document.uri)].map(codeOf), (d) => d.length === 0);
  });

  it('fixes a misspelt name with the name an earlier cell defines, everywhere in the cell', async () => {
    const notebook = await openNotebook('editor-typo.ipynb');
    const cell = notebook.cellAt(1).document;
    const [diagnostic] = await eventually('diagnostics of cell 2', () => ourDiagnostics(cell.uri), (d) => d.length > 0);
    assert.ok(diagnostic);
    assert.equal(codeOf(diagnostic), 'name-undefined');
    assert.match(diagnostic.message, /^cell 2: .*did you mean X_train \(cell 1\)\?$/);
    await applyQuickFix(cell, diagnostic.range, 'Change X_tarin to X_train');
    await eventually('the cell after the fix', () => notebook.cellAt(1).document.getText(), (t) => t === 'total = sum(X_train)\ncount = len(X_train)  # X_tarin twice');
    await eventually('diagnostics after the fix', () => ourDiagnostics(notebook.cellAt(1).document.uri).map(codeOf), (d) => d.length === 0);
  });

  it('fixes a name defined later by moving the defining step above', async () => {
    const notebook = await openNotebook('editor-later.ipynb');
    const user = notebook.cellAt(0).document;
    const [diagnostic] = await eventually('diagnostics of cell 1', () => ourDiagnostics(user.uri), (d) => d.length > 0);
    assert.ok(diagnostic);
    assert.equal(codeOf(diagnostic), 'name-defined-later');
    await applyQuickFix(user, diagnostic.range, 'Move step load (cell 2) above step train');
    await eventually(
      'cells after the move',
      () => notebook.getCells().map((c) => [c.metadata['id'], tagsOf(c), c.document.getText()]),
      (cells) => cells[0]?.[0] === 'load',
    );
    assert.deepEqual(
      notebook.getCells().map((c) => [c.metadata['id'], tagsOf(c), c.document.getText()]),
      [
        ['load', ['step:load'], 'rows = [1, 2, 3]'],
        ['train', ['step:train'], 'model = sum(rows)'],
      ],
    );
    await eventually('diagnostics after the move', () => notebook.getCells().flatMap((c) => ourDiagnostics(c.document.uri)).map(codeOf), (d) => d.length === 0);
  });

  it('nbpromote.setCellRole changes only the tags, and undo restores them', async () => {
    const notebook = await openNotebook('editor-churn.ipynb');
    const before = notebook.cellAt(1);
    const metadata = JSON.parse(JSON.stringify(before.metadata)) as Record<string, unknown>;
    const source = before.document.getText();
    assert.deepEqual(tagsOf(before), ['hide-input', 'step:load']);

    const changed = await vscode.commands.executeCommand<boolean>('nbpromote.setCellRole', notebook.uri, 1, { role: 'step', name: 'ingest' });
    assert.equal(changed, true);
    const after = notebook.cellAt(1);
    assert.deepEqual(tagsOf(after), ['hide-input', 'step:ingest']);
    const inner = metadata['metadata'] as Record<string, unknown>;
    assert.deepEqual(after.metadata, { ...metadata, metadata: { ...inner, tags: ['hide-input', 'step:ingest'] } });
    assert.equal(after.document.getText(), source);
    assert.equal(notebook.cellCount, 5);
    for (const i of [0, 2, 3]) assert.notDeepEqual(tagsOf(notebook.cellAt(i)), ['step:ingest']);
    await eventually('the step lens after the role change', () => titles(notebook.cellAt(1).document.uri), (t) => t.includes('step ingest → editor-out/src/editor_churn/steps/ingest.py'));

    await vscode.window.showNotebookDocument(notebook);
    await vscode.commands.executeCommand('undo');
    await eventually('tags after undo', () => tagsOf(notebook.cellAt(1)), (t) => JSON.stringify(t) === JSON.stringify(['hide-input', 'step:load']));
    assert.deepEqual(notebook.cellAt(1).metadata, metadata);
  });

  it('nbpromote.setCellRole edits the #| directive when the role is written as one', async () => {
    const notebook = await openNotebook('editor-directive.ipynb');
    const metadata = JSON.parse(JSON.stringify(notebook.cellAt(0).metadata)) as unknown;
    assert.equal(await vscode.commands.executeCommand<boolean>('nbpromote.setCellRole', notebook.uri, 0, { role: 'skip' }), true);
    assert.equal(notebook.cellAt(0).document.getText(), '#| echo: false\n#| skip\nvalue = 1');
    assert.deepEqual(notebook.cellAt(0).metadata, metadata);
  });

  it('nbpromote.setCellRole takes the cell itself; clear removes the role again', async () => {
    const notebook = await openNotebook('editor-churn.ipynb');
    const metadata = JSON.parse(JSON.stringify(notebook.cellAt(3).metadata)) as Record<string, unknown>;
    assert.equal(tagsOf(notebook.cellAt(3)), undefined);
    assert.equal(await vscode.commands.executeCommand<boolean>('nbpromote.setCellRole', notebook.cellAt(3), { role: 'skip' }), true);
    assert.deepEqual(tagsOf(notebook.cellAt(3)), ['skip']);
    assert.equal(await vscode.commands.executeCommand<boolean>('nbpromote.setCellRole', notebook.cellAt(3), { role: 'clear' }), true);
    assert.deepEqual(tagsOf(notebook.cellAt(3)), []);
    assert.deepEqual({ ...notebook.cellAt(3).metadata, metadata: {} }, { ...metadata, metadata: {} });
  });

  it('nbpromote.setCellRole refuses an invalid step name', async () => {
    const notebook = await openNotebook('editor-churn.ipynb');
    const tags = tagsOf(notebook.cellAt(3));
    // What to do instead, as information: no "failed", as for a fault (round 59 DDD).
    const shown = await withMessages(async (messages) => {
      const changed = await vscode.commands.executeCommand<boolean | undefined>('nbpromote.setCellRole', notebook.uri, 3, { role: 'step', name: '../x' });
      assert.notEqual(changed, true);
      return [...messages];
    });
    assert.deepEqual(shown.map((m) => m.severity), ['information']);
    assert.match(shown[0]?.message ?? '', /^Step name .*\.\.\/x.* is not allowed: /);
    assert.doesNotMatch(shown[0]?.message ?? '', /failed/);
    assert.deepEqual(tagsOf(notebook.cellAt(3)), tags);
  });
});
