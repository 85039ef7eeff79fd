import { access } from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Problem } from '../../core/contract/problem';
import { formatProblem } from '../../core/contract/problem';
import type { PromoteRequest } from '../../core/promote/promote';
import type { Logger } from '../../core/util/logger';
import type { Log } from '../../host/log';
import type { PromotionTarget } from '../../host/promotionTarget';

/**
 * The core request for a target: the notebook named relative to its workspace folder (so problems read
 * `notebooks/churn.ipynb: cell 3 ...`), the text as it is in the editor, the output root and the package.
 */
export function promoteRequest(target: PromotionTarget, text: string, toolVersion: string, logger: Logger): PromoteRequest {
  const cwd = target.folder?.uri.fsPath ?? nodePath.dirname(target.notebookPath);
  return {
    notebook: nodePath.relative(cwd, target.notebookPath).split(nodePath.sep).join('/'),
    cwd,
    text,
    out: target.outDir,
    // Only a name the person set: otherwise promotion picks one that hides no module the code imports.
    ...(target.packageFromSetting ? { packageName: target.packageName } : {}),
    toolVersion,
    logger,
  };
}

export function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The output root as people see it: relative to the workspace folder when inside one. */
export function displayDir(target: PromotionTarget): string {
  if (target.folder === undefined) return target.outDir;
  const relative = nodePath.relative(target.folder.uri.fsPath, target.outDir);
  return relative === '' ? `the workspace folder ${target.folder.name}` : relative.startsWith('..') ? target.outDir : relative.split(nodePath.sep).join('/');
}

/**
 * Logs every problem and shows the first error (or warning) in one message with "Show Problems" and
 * "Show Log". `what` starts the message: "Promotion of churn.ipynb stopped". Does not wait for the person.
 */
export function showProblems(log: Log, logger: Logger, what: string, problems: readonly Problem[], tail = 'Nothing was written.'): string {
  for (const p of problems) {
    if (p.severity === 'error') logger.error(formatProblem(p));
    else if (p.severity === 'warning') logger.warn(formatProblem(p));
    else logger.info(formatProblem(p));
  }
  const shown = problems.filter((p) => p.severity === 'error');
  const first = shown[0] ?? problems.find((p) => p.severity === 'warning');
  const more = shown.length > 1 ? ` (and ${shown.length - 1} more problem${shown.length > 2 ? 's' : ''})` : '';
  const message = `${what}: ${first === undefined ? 'see the log' : formatProblem(first)}${more}. ${tail}`.trim();
  void vscode.window.showErrorMessage(message, 'Show Problems', 'Show Log').then((choice) => {
    if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    else if (choice === 'Show Log') log.show();
  });
  return message;
}

/** True when something is at `path` that this process can reach (any error: no). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
