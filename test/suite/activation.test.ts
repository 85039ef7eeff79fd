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

  it('registers the nbpromote.showLog command', async () => {
    await vscode.extensions.getExtension(extensionId)?.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('nbpromote.showLog'), 'nbpromote.showLog is not registered');
  });
});
