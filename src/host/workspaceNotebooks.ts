import * as vscode from 'vscode';
import { isPercentScript } from '../core/notebook/parse';
import { getExcludeGlobs, getIncludeScripts } from './config';

/** At most this many .py files are opened to see whether they are jupytext percent scripts. */
const maxScriptsProbed = 2000;
const maxNotebooks = 5000;

/** The workspace's notebooks: every .ipynb, and .py files that are jupytext percent scripts. Sorted by path. */
export async function findWorkspaceNotebooks(token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const excludes = getExcludeGlobs();
  const exclude = excludes.length === 0 ? null : `{${excludes.join(',')}}`;
  const found = await vscode.workspace.findFiles('**/*.ipynb', exclude, maxNotebooks, token);
  if (getIncludeScripts()) {
    const scripts = await vscode.workspace.findFiles('**/*.py', exclude, maxScriptsProbed, token);
    const probed = await Promise.all(scripts.map(async (uri) => ((await isPercentScriptFile(uri)) ? uri : undefined)));
    for (const uri of probed) if (uri !== undefined) found.push(uri);
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function isPercentScriptFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return isPercentScript(await readText(uri));
  } catch {
    return false;
  }
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

/** The path people see: relative to the workspace folder when inside one. */
export function displayPath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1);
}
