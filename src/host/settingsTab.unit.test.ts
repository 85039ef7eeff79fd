import { strict as assert } from 'node:assert';
import { settingsTab } from './settingsTab';

describe('settingsTab', () => {
  it('shows the tab whose value is in effect: a folder of a multi-root workspace, the workspace, else the user settings', () => {
    assert.equal(settingsTab({ workspaceValue: 'a', workspaceFolderValue: 'b' }, true), 'folder');
    assert.equal(settingsTab({ workspaceFolderValue: 'b' }, true), 'folder');
    assert.equal(settingsTab({ workspaceValue: 'a' }, true), 'workspace');
    // A single-folder window reports its folder's value as both; its Settings editor has no Folder tab.
    assert.equal(settingsTab({ workspaceValue: 'a', workspaceFolderValue: 'a' }, false), 'workspace');
    assert.equal(settingsTab({}, false), 'user');
    assert.equal(settingsTab(undefined, false), 'user');
    // An empty string set in the workspace is still the workspace's value.
    assert.equal(settingsTab({ workspaceValue: '' }, false), 'workspace');
    // A project's setting set nowhere: the workspace's tab; set for the user: theirs (round 43 V).
    assert.equal(settingsTab({}, false, true), 'workspace');
    assert.equal(settingsTab({ globalValue: 'build' }, false, true), 'user');
  });
});
