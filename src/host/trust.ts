import * as vscode from 'vscode';
import { NbpromoteError } from '../core/errors';

/**
 * Workspace Trust. In Restricted Mode nothing runs: no Python (tests, pipeline runs, notebook execution)
 * and no git in the workspace's repositories (git runs programs a repository's config names, such as
 * `core.fsmonitor`). Reading notebooks, showing views and writing generated files stay allowed.
 */
export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/**
 * Why `what` may not happen now, or undefined when the workspace is trusted. `what` starts the sentence and
 * `runs` says what it would run: "Running the pipeline runs Python; this workspace is in Restricted Mode. ..."
 */
export function untrustedReason(what: string, runs = 'runs Python'): string | undefined {
  if (isTrusted()) return undefined;
  return `${what} ${runs}; this workspace is in Restricted Mode. Trust the workspace to allow it (Manage Workspace Trust).`;
}

/** Throws NbpromoteError('untrusted') with {@link untrustedReason} when the workspace is not trusted. */
export function requireTrust(what: string, runs?: string): void {
  const reason = untrustedReason(what, runs);
  if (reason !== undefined) throw new NbpromoteError('untrusted', reason);
}

/** Says why something was refused, with a button that opens the Workspace Trust editor. Does not wait for the person. */
export function showUntrusted(reason: string): void {
  void vscode.window.showWarningMessage(reason, 'Manage Workspace Trust').then((choice) => {
    if (choice === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
