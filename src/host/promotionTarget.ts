import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { NbpromoteError } from '../core/errors';
import { packageNameFor } from '../core/promote/promote';
import { isIdentifier } from '../core/tags/names';
import { ConfigKey } from './ids';
import { resolveOutputRoot } from './outputRoot';
import { SettingError } from './settingError';

/** Where a notebook is promoted to, from the settings. */
export interface PromotionTarget {
  readonly notebookUri: vscode.Uri;
  /** The notebook's path on disk. */
  readonly notebookPath: string;
  /** The workspace folder holding the notebook, if any. */
  readonly folder: vscode.WorkspaceFolder | undefined;
  /** The output root (absolute): the workspace folder (or, outside one, the notebook's folder) + `nbpromote.output.root`, its placeholders resolved. */
  readonly outDir: string;
  readonly packageName: string;
  /** True when `nbpromote.package.name` names the package, false when it comes from the file name. */
  readonly packageFromSetting: boolean;
  /** The notebook relative to `outDir`, forward slashes (it may start with `../`). */
  readonly relativeNotebook: string;
}

/**
 * The promotion target of the notebook at `uri`. Throws NbpromoteError('usage') for a notebook that is not
 * a file on disk (untitled, remote file systems), and SettingError when `nbpromote.package.name` is not a
 * Python identifier or `nbpromote.output.root` cannot be resolved for it (an unknown placeholder, placeholders
 * leading outside the workspace folder, or any folder outside it in Restricted Mode: host/outputRoot.ts).
 */
export function promotionTarget(uri: vscode.Uri): PromotionTarget {
  if (uri.scheme !== 'file') throw new NbpromoteError('usage', `${uri.toString(true)} is not a file on disk: save the notebook to a folder first`);
  const notebookPath = uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const settings = vscode.workspace.getConfiguration(undefined, uri);
  const root = resolveOutputRoot(settings.get<string>(ConfigKey.OutputRoot) ?? '', folder?.uri.fsPath ?? nodePath.dirname(notebookPath), notebookPath, { insideOnly: !vscode.workspace.isTrusted });
  if (!root.ok) throw new SettingError(ConfigKey.OutputRoot, root.reason, root.restrictedMode === true, uri);
  const { outDir } = root;
  const configured = settings.get<string>(ConfigKey.PackageName)?.trim() ?? '';
  const badName = packageNameProblem(configured);
  if (badName !== undefined) throw new SettingError(ConfigKey.PackageName, badName, false, uri);
  return {
    notebookUri: uri,
    notebookPath,
    folder,
    outDir,
    packageName: configured === '' ? packageNameFor(notebookPath) : configured,
    packageFromSetting: configured !== '',
    relativeNotebook: nodePath.relative(outDir, notebookPath).split(nodePath.sep).join('/'),
  };
}

/** Why the `nbpromote.package.name` setting (trimmed; empty: not set) cannot name a package, or undefined. */
export function packageNameProblem(configured: string): string | undefined {
  if (configured === '' || isIdentifier(configured)) return undefined;
  return `the setting ${ConfigKey.PackageName} is ${JSON.stringify(configured)}, which is not a Python identifier (letters, digits and _; not starting with a digit; not a keyword)`;
}

/** A file under the output root, from a path relative to it with forward slashes. */
export function outputUri(target: PromotionTarget, relativePath: string): vscode.Uri {
  return vscode.Uri.file(nodePath.join(target.outDir, ...relativePath.split('/')));
}
