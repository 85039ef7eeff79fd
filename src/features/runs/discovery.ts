/**
 * Where the Runs view looks for runs:
 * - local run stores: each workspace folder's output root (the folder + `nbpromote.output.root`, when it has no
 *   placeholders) that has
 *   `.nbpromote/runs`, and every project the workspace holds (a `pipeline.yaml`, or a `run.json` under
 *   `.nbpromote/runs/`, found with findFiles, capped), and the roots the caller names (`candidates`: where the
 *   extension promoted or ran, where a watcher saw a run store's folder made) that have `.nbpromote/runs`;
 * - an MLflow tracking server: `nbpromote.mlflow.trackingUri`, else MLFLOW_TRACKING_URI, when it is http(s);
 * - an MLflow file store: that URI when it is a `file:` URI or a path, and `mlruns/` in a workspace folder.
 */
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { LOCAL_RUNS_DIR } from '../../core/runs/localStore';
import { isHttpTrackingUri, mlflowTrackingUri } from '../../core/runs/mlflowClient';
import { mlrunsDir } from '../../core/runs/mlruns';
import { getExcludeGlobs } from '../../host/config';
import { ConfigKey } from '../../host/ids';
import { hasPlaceholders } from '../../host/outputRoot';
import { isFolderSync } from '../../core/io/paths';

export type SourceSpec =
  | { readonly kind: 'local'; readonly root: string; readonly label: string }
  | { readonly kind: 'mlflow'; readonly uri: string }
  | { readonly kind: 'mlruns'; readonly dir: string; readonly label: string };

/** findFiles caps: projects (pipeline.yaml) and run records looked at. */
const MAX_PROJECTS = 200;
const MAX_RECORDS = 500;

export async function discoverSources(candidates: Iterable<string> = [], token?: vscode.CancellationToken): Promise<SourceSpec[]> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const roots = new Set<string>();
  for (const root of candidates) if (hasStore(root)) roots.add(nodePath.resolve(root));
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') continue;
    const setting = vscode.workspace.getConfiguration(undefined, folder.uri).get<string>(ConfigKey.OutputRoot)?.trim() ?? '';
    // A setting with placeholders (`build/${notebookName}`) is a root per notebook: found below, by their pipeline.yaml.
    if (hasPlaceholders(setting)) continue;
    const root = nodePath.resolve(folder.uri.fsPath, setting === '' ? '.' : setting);
    if (hasStore(root)) roots.add(root);
  }
  if (folders.length > 0) {
    const excludes = getExcludeGlobs();
    const exclude = excludes.length === 0 ? null : `{${excludes.join(',')}}`;
    const [projects, records] = await Promise.all([
      vscode.workspace.findFiles('**/pipeline.yaml', exclude, MAX_PROJECTS, token),
      vscode.workspace.findFiles('**/.nbpromote/runs/*/run.json', exclude, MAX_RECORDS, token),
    ]);
    for (const uri of projects) {
      const root = nodePath.dirname(uri.fsPath);
      if (hasStore(root)) roots.add(root);
    }
    // <root>/.nbpromote/runs/<id>/run.json
    for (const uri of records) roots.add(nodePath.resolve(uri.fsPath, '..', '..', '..', '..'));
  }

  const specs: SourceSpec[] = [...roots].sort().map(localSpec);

  const first = folders.find((f) => f.uri.scheme === 'file');
  const setting = vscode.workspace.getConfiguration(undefined, first?.uri).get<string>(ConfigKey.MlflowTrackingUri);
  const uri = mlflowTrackingUri(setting, process.env);
  const stores = new Set<string>();
  if (isHttpTrackingUri(uri)) {
    specs.push({ kind: 'mlflow', uri });
  } else if (uri !== undefined && first !== undefined) {
    const dir = mlrunsDir(uri, first.uri.fsPath);
    if (isFolderSync(dir)) stores.add(dir);
  }
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') continue;
    const dir = nodePath.join(folder.uri.fsPath, 'mlruns');
    if (isFolderSync(dir)) stores.add(dir);
  }
  for (const dir of stores) specs.push({ kind: 'mlruns', dir, label: `mlruns · ${displayFolder(dir)}` });
  return specs;
}

/** The project folder of a path inside a run store (`<root>/.nbpromote/...`, or `<root>/.nbpromote` itself); else undefined. */
export function storeRootOf(path: string): string | undefined {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf('.nbpromote');
  if (at <= 0) return undefined;
  return parts.slice(0, at).join(nodePath.sep) || nodePath.sep;
}

/** The local run store of a project folder, as discovery lists it. */
export function localSpec(root: string): Extract<SourceSpec, { kind: 'local' }> {
  return { kind: 'local', root, label: `Local runs · ${displayFolder(root)}` };
}

export function hasStore(root: string): boolean {
  return existsSync(nodePath.join(root, LOCAL_RUNS_DIR));
}

/** Relative to its workspace folder ("examples/churn", or the folder's name for the folder itself); else the path. */
export function displayFolder(path: string): string {
  const uri = vscode.Uri.file(path);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder === undefined) return path;
  const relative = nodePath.relative(folder.uri.fsPath, path).split(nodePath.sep).join('/');
  const many = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  if (relative === '') return folder.name;
  return many ? `${folder.name}/${relative}` : relative;
}
