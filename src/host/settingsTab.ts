// No `vscode` here: a unit test covers the choice without VS Code.

/** Where a setting's value in effect comes from, as the Settings editor's tabs name it. */
export type SettingsTab = 'folder' | 'workspace' | 'user';

/**
 * The tab of the Settings editor that holds the value of a setting in effect for a resource (VS Code's
 * `inspect`): a folder of a multi-root workspace (its .vscode/settings.json beats the .code-workspace file), the
 * workspace (in a single-folder window its folder's settings are the workspace's), else the user's settings (also
 * when nothing sets it: that is where a person would set it for every workspace), unless the setting is the
 * project's (`project`: where this workspace's package goes, round 43 V) and a workspace is open: then its tab.
 */
export function settingsTab(found: { readonly globalValue?: unknown; readonly workspaceValue?: unknown; readonly workspaceFolderValue?: unknown } | undefined, multiRoot: boolean, project = false): SettingsTab {
  if (found?.workspaceFolderValue !== undefined) return multiRoot ? 'folder' : 'workspace';
  return found?.workspaceValue !== undefined || (project && found?.globalValue === undefined) ? 'workspace' : 'user';
}
