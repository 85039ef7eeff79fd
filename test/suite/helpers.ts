// Helpers the extension-host suites share (bundled with them into one test script).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The first workspace folder's path: the suites run with the fixture workspace open. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

/** Reads until `accept` takes the value, every 200 ms, failing after `timeoutMs` with the last value read. */
export async function eventually<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${what}; last: ${String(JSON.stringify(last, undefined, 1)).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A message the extension showed: its severity, text and buttons. */
export interface ShownMessage {
  readonly severity: 'error' | 'warning' | 'information';
  readonly message: string;
  readonly buttons: readonly string[];
}

type ShowMessage = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/**
 * Runs `body` with vscode.window's showErrorMessage, showWarningMessage and showInformationMessage replaced (the
 * extension under test shares this `vscode` object), recording every message; `answer` picks the button a
 * message is answered with (undefined: dismissed). Restores them however `body` ends.
 */
export async function withMessages<T>(body: (shown: readonly ShownMessage[]) => Promise<T>, answer: (shown: ShownMessage) => string | undefined = () => undefined): Promise<T> {
  const window = vscode.window as unknown as Record<'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage', ShowMessage>;
  const originals = { error: window.showErrorMessage, warning: window.showWarningMessage, information: window.showInformationMessage };
  const shown: ShownMessage[] = [];
  const replace = (severity: ShownMessage['severity']): ShowMessage => (message, ...rest) => {
    // Buttons are strings or MessageItems; an options object ({ modal, detail }) may come first.
    const buttons = rest.flatMap((item) => (typeof item === 'string' ? [item] : typeof item === 'object' && item !== null && 'title' in item ? [String((item as { title: unknown }).title)] : []));
    const entry = { severity, message, buttons };
    shown.push(entry);
    const choice = answer(entry);
    const item = rest.find((i) => i === choice || (typeof i === 'object' && i !== null && 'title' in i && (i as { title: unknown }).title === choice));
    return Promise.resolve(choice === undefined ? undefined : item);
  };
  window.showErrorMessage = replace('error');
  window.showWarningMessage = replace('warning');
  window.showInformationMessage = replace('information');
  try {
    return await body(shown);
  } finally {
    window.showErrorMessage = originals.error;
    window.showWarningMessage = originals.warning;
    window.showInformationMessage = originals.information;
  }
}
