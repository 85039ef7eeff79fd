/**
 * Access tokens kept in VS Code's SecretStorage only (never in settings, files or the log), one per place they
 * are for: an MLflow server, a deployment environment's origin. The place is normalised by `placeOf` into the
 * secret's key, under `prefix`.
 */
import type * as vscode from 'vscode';

export interface SecretTokens {
  get(place: string): Promise<string | undefined>;
  store(place: string, token: string): Promise<void>;
  delete(place: string): Promise<void>;
}

export function secretTokens(secrets: vscode.SecretStorage, prefix: string, placeOf: (place: string) => string = (place) => place): SecretTokens {
  const key = (place: string): string => `${prefix}:${placeOf(place)}`;
  return {
    get: async (place) => (await secrets.get(key(place))) ?? undefined,
    store: async (place, token) => secrets.store(key(place), token),
    delete: async (place) => secrets.delete(key(place)),
  };
}
