/**
 * Tokens of deployment environments, one per origin (`https://staging.example.com`), kept in VS Code's
 * SecretStorage only: never in settings, files or the log. Set Token / Clear Token on an environment's row.
 */
import type * as vscode from 'vscode';

export interface DeploymentTokens {
  get(origin: string): Promise<string | undefined>;
  store(origin: string, token: string): Promise<void>;
  delete(origin: string): Promise<void>;
}

export function deploymentTokens(secrets: vscode.SecretStorage): DeploymentTokens {
  const key = (origin: string): string => `nbpromote.deployments.token:${origin}`;
  return {
    get: async (origin) => (await secrets.get(key(origin))) ?? undefined,
    store: async (origin, token) => secrets.store(key(origin), token),
    delete: async (origin) => secrets.delete(key(origin)),
  };
}
