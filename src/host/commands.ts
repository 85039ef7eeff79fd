import * as vscode from 'vscode';
import { NbpromoteError } from '../core/errors';
import type { CommandId } from './ids';
import type { Log } from './log';
import { SettingError } from './settingError';
import { openSetting } from './config';

/**
 * The one way commands are registered: errors are logged (with their stack when they are no NbpromoteError
 * explaining itself) and shown once as "<title> failed: <reason>" with a "Show Log" button; cancellation shows
 * nothing; a `usage` NbpromoteError (nothing promoted yet) is what to do first, shown as information. A setting that cannot be
 * used (SettingError) is the person's configuration, not a bug: logged as a warning without a stack, and shown
 * with "Open Setting" (and "Manage Workspace Trust" when Restricted Mode is why) before "Show Log".
 */
export function registerCommand(
  log: Log,
  id: CommandId,
  title: string,
  handler: (...args: unknown[]) => unknown,
): vscode.Disposable {
  const logger = log.scoped('commands');
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (ex) {
      if (ex instanceof vscode.CancellationError || NbpromoteError.is(ex, 'cancelled')) return undefined;
      const reason = ex instanceof Error ? ex.message : String(ex);
      if (SettingError.isSetting(ex)) {
        logger.warn(`${title}: ${reason}`);
        showSettingError(log, `${title} failed: ${reason}`, ex);
        return undefined;
      }
      // What the person asked for cannot be done here yet (nothing promoted): a situation, not a failure, and
      // no stack (round 59 DDD: "Run Tests failed: ...", and minified frames in the log).
      if (NbpromoteError.is(ex, 'usage')) {
        logger.warn(`${title}: ${reason}`);
        void vscode.window.showInformationMessage(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`.replace(/\.\.$/, '.'));
        return undefined;
      }
      // A stack only where it can help: an error of nbpromote's own state or a bug, not a refusal it explains.
      logger.error(NbpromoteError.is(ex) && ex.reason !== 'internal' ? reason : ex instanceof Error ? ex : String(ex));
      void vscode.window.showErrorMessage(`${title} failed: ${reason}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') log.show();
      });
      return undefined;
    }
  });
}

/** The message of a setting that cannot be used, with "Open Setting" at it, "Manage Workspace Trust" when Restricted Mode is why, and "Show Log". */
export function showSettingError(log: Log, message: string, error: SettingError): void {
  const actions = ['Open Setting', ...(error.restrictedMode ? ['Manage Workspace Trust'] : []), 'Show Log'];
  void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
    if (choice === 'Open Setting') void openSetting(error.setting, error.scope);
    else if (choice === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
    else if (choice === 'Show Log') log.show();
  });
}
