import * as vscode from 'vscode';
import { ConfigKey } from './ids';

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
