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
