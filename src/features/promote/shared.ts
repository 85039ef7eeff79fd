import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Problem } from '../../core/contract/problem';
import { formatProblem } from '../../core/contract/problem';
import type { PromoteRequest } from '../../core/promote/promote';
import type { Logger } from '../../core/util/logger';
import type { Log } from '../../host/log';
import { openSetting } from '../../host/config';
import { CommandId, ConfigKey } from '../../host/ids';
import type { PromotionTarget } from '../../host/promotionTarget';
import { openCell } from '../pipelines/commands';
import { ACTION_LABELS, editorAdvice, NOT_IN_THE_NOTEBOOK, problemMessage } from './problemMessage';

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
 * Logs every problem and shows the first error (or warning) in one message, in the editor's words
 * (problemMessage.ts: settings and commands instead of the command line's flags), with the buttons that help:
 * "Show Problems" only when a shown problem is in the Problems panel (opening the notebook first, whose
 * diagnostics then appear), "Suggest Steps from Markdown Headings" for a notebook without steps, "Open Setting"
 * (nbpromote.output.root) when the output root holds another notebook's package, and "Show Log". `what` starts
 * the message: "Promotion of churn.ipynb stopped". Does not wait for the person. Returns the message.
 */
export function showProblems(log: Log, logger: Logger, what: string, problems: readonly Problem[], notebook: { readonly uri: vscode.Uri; readonly file: string }, tail = 'Nothing was written.'): string {
  logProblems(logger, problems);
  const { message, actions } = problemMessage(what, problems, notebook.file, tail, vscode.workspace.isTrusted);
  const first = problems.find((p) => p.severity === 'error' && !NOT_IN_THE_NOTEBOOK.has(p.code));
  void vscode.window.showErrorMessage(message, ...actions.map((a) => ACTION_LABELS[a])).then(async (choice) => {
    switch (actions.find((a) => ACTION_LABELS[a] === choice)) {
      case 'showProblems':
        if (!isOpen(notebook.uri)) await openCell(notebook.uri.toString(), first?.cellIndex ?? 0, first?.line);
        void vscode.commands.executeCommand('workbench.panel.markers.view.focus');
        break;
      case 'suggestSteps':
        void vscode.commands.executeCommand(CommandId.SuggestSteps, notebook.uri);
        break;
      case 'openOutputRootSetting':
        void openSetting(ConfigKey.OutputRoot, notebook.uri);
        break;
      case 'openPackageSetting':
        void openSetting(ConfigKey.PackageName, notebook.uri);
        break;
      case 'promoteAnyway':
        // The person saw the preview before this write was refused: it is not shown again.
        void vscode.commands.executeCommand(CommandId.PromoteNotebook, notebook.uri, { confirm: false, evenIfRunning: true });
        break;
      case 'showLog':
        log.show();
        break;
      default:
        break;
    }
  });
  return message;
}

/** Each problem as a log line of its severity, in the editor's words (round 59 DDD: the log said "another --out folder"). */
export function logProblems(logger: Logger, problems: readonly Problem[]): void {
  for (const problem of problems) {
    const p = { ...problem, message: editorAdvice(problem.message, vscode.workspace.isTrusted) };
    if (p.severity === 'error') logger.error(formatProblem(p));
    else if (p.severity === 'warning') logger.warn(formatProblem(p));
    else logger.info(formatProblem(p));
  }
}

/** True when the notebook is open in an editor (its problems are then diagnostics). */
function isOpen(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === key) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
}
