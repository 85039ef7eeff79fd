import * as vscode from 'vscode';
import { ConfigKey } from './ids';
import { settingsTab } from './settingsTab';

/** Typed reads of the extension's settings; the defaults live in package.json only. */
export function getExcludeGlobs(scope?: vscode.ConfigurationScope): string[] {
  return readSetting<string[]>(ConfigKey.NotebooksExclude, scope) ?? [];
}

export function getIncludeScripts(scope?: vscode.ConfigurationScope): boolean {
  return readSetting<boolean>(ConfigKey.NotebooksIncludeScripts, scope) ?? true;
}

function readSetting<T>(key: ConfigKey, scope?: vscode.ConfigurationScope): T | undefined {
  const dot = key.lastIndexOf('.');
  return vscode.workspace.getConfiguration(key.slice(0, dot), scope).get<T>(key.slice(dot + 1));
}

export function onSettingsChanged(keys: readonly ConfigKey[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (keys.some((k) => e.affectsConfiguration(k))) listener();
  });
}

/** Settings about this workspace's project, not the person's machine: unset, they open on the Workspace tab. */
const PROJECT_SETTINGS: ReadonlySet<ConfigKey> = new Set([ConfigKey.OutputRoot]);

/**
 * The command that opens the Settings editor at `key` on the tab whose value is in effect for `scope` (the
 * notebook or output root the setting was read for), for a lens or a button: a bad value set in the workspace is
 * shown where it is, not on the User tab that would not change it. On a folder of a multi-root workspace VS Code
 * asks which folder.
 */
export function openSettingCommand(key: ConfigKey, scope?: vscode.Uri): { readonly command: string; readonly arguments: unknown[] } {
  const dot = key.lastIndexOf('.');
  const found = vscode.workspace.getConfiguration(key.slice(0, dot), scope).inspect(key.slice(dot + 1));
  const query = `@id:${key}`;
  const project = PROJECT_SETTINGS.has(key) && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  switch (settingsTab(found, vscode.workspace.workspaceFile !== undefined, project)) {
    case 'folder':
      return { command: 'workbench.action.openFolderSettings', arguments: [{ query }] };
    case 'workspace':
      return { command: 'workbench.action.openWorkspaceSettings', arguments: [query] };
    default:
      return { command: 'workbench.action.openSettings', arguments: [query] };
  }
}

/** Runs {@link openSettingCommand}. */
export function openSetting(key: ConfigKey, scope?: vscode.Uri): Thenable<unknown> {
  const { command, arguments: args } = openSettingCommand(key, scope);
  return vscode.commands.executeCommand(command, ...args);
}
