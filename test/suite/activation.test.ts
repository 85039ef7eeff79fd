// The extension as VS Code sees it: installed from the repo root, activates, contributes its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'nbpromote.notebook-promoter';

describe('activation', () => {
  it(`finds the extension ${extensionId}`, () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `${extensionId} is not among ${vscode.extensions.all.length} extensions`);
  });

  it('activates without error', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('reports how long activation took, in its API and its log (the times are shown in the title, not judged)', async function () {
    const api = (await vscode.extensions.getExtension(extensionId)?.activate()) as { activation?: { loadMs: unknown; activateMs: unknown } } | undefined;
    const times = api?.activation;
    assert.ok(times !== undefined && typeof times.loadMs === 'number' && typeof times.activateMs === 'number', JSON.stringify(times));
    assert.ok(times.loadMs >= 0 && times.activateMs > 0, JSON.stringify(times));
    if (this.test !== undefined) this.test.title += `: ${times.loadMs} ms loading the bundle's modules, ${times.activateMs} ms in activate`;
  });

  it('registers the nbpromote.showLog command', async () => {
    await vscode.extensions.getExtension(extensionId)?.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('nbpromote.showLog'), 'nbpromote.showLog is not registered');
  });

  it('Read About Cell Tags (the welcome view\'s link) opens the shipped README at its table of tags', async () => {
    await vscode.extensions.getExtension(extensionId)?.activate();
    const opened = await vscode.commands.executeCommand<string>('nbpromote.readAboutTags');
    const readme = vscode.Uri.parse(opened);
    assert.equal(readme.fragment, 'tag-your-cells');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(readme.with({ fragment: '' })));
    assert.match(text, /^## Tag your cells$/m);
    const welcome = (vscode.extensions.getExtension(extensionId)?.packageJSON as { contributes: { viewsWelcome: { contents: string }[] } }).contributes.viewsWelcome;
    assert.ok(welcome.some((w) => w.contents.includes('(command:nbpromote.readAboutTags)')) && !welcome.some((w) => /https?:\/\/example\.invalid/.test(w.contents)));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
