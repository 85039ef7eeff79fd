import { NbpromoteError } from '../core/errors';
import type * as vscode from 'vscode';
import type { ConfigKey } from './ids';

/**
 * A setting's value cannot be used (nbpromote.output.root leading outside the workspace folder, a package name
 * that is not a Python identifier). A mistake in the person's configuration, not a bug: registerCommand logs it
 * as a warning without a stack and offers "Open Setting" at `setting`, and "Manage Workspace Trust" when
 * `restrictedMode` (the value is refused only because the workspace is not trusted). `scope`: the notebook the
 * setting was read for (Open Setting shows the tab whose value is in effect there).
 */
export class SettingError extends NbpromoteError {
  constructor(
    readonly setting: ConfigKey,
    message: string,
    readonly restrictedMode = false,
    readonly scope?: vscode.Uri,
  ) {
    super('usage', message);
  }

  static isSetting(ex: unknown): ex is SettingError {
    return ex instanceof SettingError;
  }
}
