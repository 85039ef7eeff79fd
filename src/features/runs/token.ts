/**
 * MLflow access tokens, one per tracking server, kept in VS Code's SecretStorage only: never in settings,
 * files or the log. `nbpromote.setMlflowToken` stores or removes the current server's token.
 */
import * as vscode from 'vscode';
import { isHttpTrackingUri, mlflowTrackingUri } from '../../core/runs/mlflowClient';
import { openSetting } from '../../host/config';
import { ConfigKey } from '../../host/ids';
import type { SecretTokens } from '../../host/secretTokens';
import { secretTokens } from '../../host/secretTokens';

/** MLflow tokens, by tracking server. */
export type MlflowTokens = SecretTokens;

/** The server as the client names it: no trailing slash. */
export function serverKey(uri: string): string {
  return uri.trim().replace(/\/+$/, '');
}

export function mlflowTokens(secrets: vscode.SecretStorage): MlflowTokens {
  return secretTokens(secrets, 'nbpromote.mlflow.token', serverKey);
}

/** The MLflow tracking server the view reads, when it is an http(s) server: the setting, else MLFLOW_TRACKING_URI. */
export function currentTrackingServer(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const uri = mlflowTrackingUri(vscode.workspace.getConfiguration(undefined, folder?.uri).get<string>(ConfigKey.MlflowTrackingUri), process.env);
  return isHttpTrackingUri(uri) ? serverKey(uri) : undefined;
}

export interface SetTokenResult {
  /** `stored`, `cleared`, `cancelled`, or `none` (no server is set). */
  readonly outcome: 'stored' | 'cleared' | 'cancelled' | 'none';
  readonly server?: string;
}

/**
 * Asks for the token of `server` (password box; empty removes the stored token) and stores it. `given` (from
 * another extension or a test) is used instead of asking.
 */
export async function setMlflowToken(tokens: MlflowTokens, server: string | undefined, given: string | undefined, changed: (server: string, token: string | undefined) => Promise<void>): Promise<SetTokenResult> {
  if (server === undefined) {
    void vscode.window.showInformationMessage(`No MLflow tracking server is set: set ${ConfigKey.MlflowTrackingUri} (or MLFLOW_TRACKING_URI) to its http(s) address first.`, 'Open Setting').then((choice) => {
      if (choice === 'Open Setting') void openSetting(ConfigKey.MlflowTrackingUri);
    });
    return { outcome: 'none' };
  }
  const stored = (await tokens.get(server)) !== undefined;
  const token =
    given ??
    (await vscode.window.showInputBox({
      title: `MLflow token for ${server}`,
      prompt: stored ? 'A token is stored. Enter a new one, or leave the box empty to remove it. It is kept in VS Code\'s secret storage only.' : 'Enter the access token. It is kept in VS Code\'s secret storage only.',
      password: true,
      ignoreFocusOut: true,
    }));
  if (token === undefined) return { outcome: 'cancelled', server };
  if (token.trim() === '') {
    await tokens.delete(server);
    await changed(server, undefined);
    if (given === undefined) void vscode.window.showInformationMessage(`The MLflow token for ${server} was removed.`);
    return { outcome: 'cleared', server };
  }
  await tokens.store(server, token.trim());
  await changed(server, token.trim());
  return { outcome: 'stored', server };
}
