import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import { NbpromoteError } from '../../core/errors';
import { quoteName, stepNameIssue } from '../../core/tags/names';
import { readLockFile } from '../../core/versioning/lockFile';
import { outputUri, promotionTarget } from '../../host/promotionTarget';
import { notebookUriFrom } from './notebookArg';
import { displayDir, fileName } from './shared';
import { pathExists } from '../../core/io/paths';

export interface OpenModuleResult {
  readonly opened: boolean;
  /** The module's path on disk. */
  readonly path: string;
  readonly reason?: string;
}

/**
 * `nbpromote.openModule`: opens `src/<package>/steps/<step>.py` in the notebook's output root. Arguments: a
 * Pipelines view step element (`{ kind: 'step', notebookUri, step: { name } }`), or a notebook URI and a
 * step name. The package is the one nbpromote.lock names (what is on disk), else the one promotion would use.
 * Not promoted yet: says so, with "Promote".
 */
export async function openModule(first: unknown, second: unknown): Promise<OpenModuleResult> {
  const { notebook, step } = moduleArgs(first, second);
  const issue = stepNameIssue(step);
  if (issue !== undefined) throw new NbpromoteError('usage', `the step name ${quoteName(step)} is not allowed: ${issue}`);
  const uri = notebookUriFrom(notebook);
  if (uri === undefined) throw new NbpromoteError('usage', 'which notebook? Pass its URI, or open it first');
  const target = promotionTarget(uri);
  const lock = await readLock(target.outDir);
  const otherNotebook = lock !== undefined && lock.notebook.path !== target.relativeNotebook ? lock.notebook.path : undefined;
  const pkg = otherNotebook === undefined ? (lock?.package ?? target.packageName) : target.packageName;
  const module = outputUri(target, `src/${pkg}/steps/${step}.py`);
  if (otherNotebook === undefined && (await pathExists(module.fsPath))) {
    await vscode.window.showTextDocument(module, { preview: true });
    return { opened: true, path: module.fsPath };
  }
  const reason =
    otherNotebook !== undefined
      ? `${displayDir(target)} holds the package promoted from ${otherNotebook}, not ${fileName(uri)}: set nbpromote.output.root to promote it elsewhere.`
      : `Step ${step} has no module yet: promote ${fileName(uri)} first.`;
  void vscode.window.showInformationMessage(reason, 'Promote').then((choice) => {
    if (choice === 'Promote') void vscode.commands.executeCommand('nbpromote.promoteNotebook', uri);
  });
  return { opened: false, path: module.fsPath, reason };
}

function moduleArgs(first: unknown, second: unknown): { notebook: unknown; step: string } {
  if (typeof first === 'object' && first !== null && !(first instanceof vscode.Uri) && 'step' in first) {
    const element = first as { notebookUri?: unknown; step?: { name?: unknown } };
    if (typeof element.step?.name === 'string') return { notebook: element.notebookUri, step: element.step.name };
  }
  if (typeof second === 'string') return { notebook: first, step: second };
  throw new NbpromoteError('usage', 'openModule needs a step: a Pipelines view step, or a notebook URI and a step name');
}

async function readLock(outDir: string): Promise<ReturnType<typeof readLockFile>['lock']> {
  const file = nodePath.join(outDir, LOCK_FILE_NAME);
  try {
    return readLockFile(await readFile(file, 'utf8'), file).lock;
  } catch {
    return undefined;
  }
}
