import * as vscode from 'vscode';
import { NbpromoteError } from '../core/errors';
import type { CommandId } from './ids';
import type { Log } from './log';

/**
 * The one way commands are registered: errors are logged with their stack and shown once as
 * "<title> failed: <reason>" with a "Show Log" button; cancellation shows nothing.
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
      logger.error(ex instanceof Error ? ex : String(ex));
      const reason = ex instanceof Error ? ex.message : String(ex);
      void vscode.window.showErrorMessage(`${title} failed: ${reason}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') log.show();
      });
      return undefined;
    }
  });
}
