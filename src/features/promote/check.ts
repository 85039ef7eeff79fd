import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import type { PromotedFile } from '../../core/promote/promote';
import { keptEditsNote, promoteNotebook, staleFiles } from '../../core/promote/promote';
import type { Log } from '../../host/log';
import { promotionTarget } from '../../host/promotionTarget';
import { currentText, requireNotebookUri } from './notebookArg';
import { displayDir, fileName, promoteRequest, showProblems } from './shared';
import { pathExists } from '../../core/io/paths';

/** What `nbpromote.checkNotebook` returns to a caller; the fields of `nbpromote check --json`. */
export interface CheckResult {
  readonly upToDate: boolean;
  /** False when the output root has no nbpromote.lock: the notebook was never promoted there. */
  readonly promoted: boolean;
  readonly package?: string;
  /** Up to date: the version on disk. Stale: the version promotion would give. */
  readonly version?: string;
  readonly changes: readonly string[];
  readonly staleFiles: readonly { readonly path: string; readonly reason: string }[];
  readonly problems: readonly string[];
}


/**
 * `nbpromote.checkNotebook`, like `nbpromote check`: a dry run of promotion (hand-edited files counted, not
 * stopped at) of the notebook as it is in the editor. Up to date: an information message. Stale: a warning
 * naming the changes and the files, with "Re-promote". Never promoted: says so, with "Promote". Reads only.
 */
export async function checkNotebook(log: Log, toolVersion: string, arg: unknown): Promise<CheckResult> {
  const logger = log.scoped('check');
  const uri = requireNotebookUri(arg);
  const target = promotionTarget(uri);
  const name = fileName(uri);
  const request = promoteRequest(target, await currentText(uri), toolVersion, logger);
  const outcome = await promoteNotebook({ ...request, dryRun: true, resolve: 'force' });
  const promoted = await pathExists(nodePath.join(target.outDir, LOCK_FILE_NAME));
  const problems = outcome.problems.filter((p) => p.severity === 'error');
  if (!outcome.ok) {
    const shown = showProblems(log, logger, `Cannot check ${name}`, outcome.problems, { uri, file: request.notebook }, '');
    return { upToDate: false, promoted, changes: [], staleFiles: [], problems: [shown, ...problems.slice(1).map((p) => p.message)] };
  }
  const stale = staleFiles(outcome.files).map((f) => ({ path: f.path, reason: reason(f.action) }));
  const changes = outcome.changes ?? [];
  const upToDate = stale.length === 0;
  const result: CheckResult = { upToDate, promoted, package: outcome.package ?? target.packageName, version: outcome.version ?? '', changes, staleFiles: stale, problems: [] };
  const pkg = `${result.package ?? ''} ${result.version ?? ''}`.trim();
  logger.info(`${request.notebook}: ${upToDate ? 'up to date' : 'stale'} (${pkg})`);
  for (const f of stale) logger.info(`  ${f.reason}: ${f.path}`);
  if (!promoted) {
    offer(`${name} is not promoted yet: promoting it writes ${pkg} into ${displayDir(target)}.`, 'Promote Notebook', uri, 'info');
  } else if (upToDate) {
    void vscode.window.showInformationMessage(`${name}: up to date (${pkg}${keptEditsNote(outcome.files)})`);
  } else {
    const edited = stale.filter((f) => f.reason === 'edited by hand').length;
    const files = stale.length <= 3 ? stale.map((f) => `${f.path} (${f.reason})`).join(', ') : `${stale.length} files, first ${stale[0]?.path ?? ''} (${stale[0]?.reason ?? ''})`;
    const said = changes.length > 0 ? changes.join('; ') : 'the generated code differs from what promotion writes now';
    offer(`${name}: the promoted code is stale; promoting again would make it ${pkg}: ${said}. Stale: ${files}.${edited > 0 ? ` ${edited} of them edited by hand.` : ''}`, 'Re-promote', uri, 'warning');
  }
  return result;
}

function offer(message: string, action: string, uri: vscode.Uri, severity: 'info' | 'warning'): void {
  const shown = severity === 'info' ? vscode.window.showInformationMessage(message, action) : vscode.window.showWarningMessage(message, action);
  void shown.then((choice) => {
    if (choice === action) void vscode.commands.executeCommand('nbpromote.promoteNotebook', uri);
  });
}

function reason(action: PromotedFile['action']): string {
  switch (action) {
    case 'would-create':
      return 'missing';
    case 'would-change':
      return 'differs from the notebook';
    default:
      return 'edited by hand';
  }
}
