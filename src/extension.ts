// First: its body runs before the other bundled modules', to time their loading.
import { bundleStarted, elapsedSince } from './host/activationClock';
import * as vscode from 'vscode';
import type { NotebookPromoterApi } from './features/extensionRoot';
import { Extension } from './features/extensionRoot';

export function activate(context: vscode.ExtensionContext): NotebookPromoterApi | undefined {
  try {
    const loaded = elapsedSince(bundleStarted);
    const started = performance.now();
    const extension = new Extension(context);
    context.subscriptions.push(extension);
    return extension.activated({ loadMs: loaded, activateMs: elapsedSince(started) });
  } catch (ex) {
    void vscode.window.showErrorMessage(`Cannot activate Notebook Promoter: ${ex instanceof Error ? ex.message : String(ex)}`);
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
