// Runs only in a Restricted Mode window (`npm run test:host -- --restricted`): the workspace is not
// trusted, and the extension still activates, because it declares limited support for untrusted
// workspaces.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'nbpromote.notebook-promoter';

describe('Restricted Mode', () => {
  it('opens the workspace untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still activates the extension', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
