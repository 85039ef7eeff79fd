/**
 * "Open Run": one webview panel per run with every field of its record: status, time, parameters,
 * metrics, steps (status, duration, cached), git, notebook, data files, error and traceback, problems. It
 * follows the run while the view reads it again (a running run finishes), and offers the run's actions.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../../host/disposable';
import { isTrusted } from '../../host/trust';
import { runLabel } from './format';
import { failedCell } from '../../core/runs/runnerOutput';
import { escapeHtml, localResourceRoots, webviewPage } from '../webviewPage';
import type { HostMessage, RunAction, RunView } from './protocol';
import { isWebviewMessage } from './protocol';
import type { RunElement, RunsTree } from './tree';

export const runViewType = 'nbpromote.run';

/** What `nbpromote.views.runs.open` returns: enough for a test to check what the panel shows. */
export interface RunPanelHandle {
  readonly title: string;
  readonly runId: string;
  readonly html: string;
  readonly cspSource: string;
  /** The buttons the webview offers for this run. */
  readonly actions: RunView['actions'];
  /** The section titles the webview reported drawing; undefined until it has drawn. */
  readonly rendered?: readonly string[];
}

export class RunPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private element: RunElement;
  private ready = false;
  private rendered: readonly string[] | undefined;

  constructor(
    extensionUri: vscode.Uri,
    element: RunElement,
    private readonly tree: RunsTree,
    private readonly act: (action: RunAction, element: RunElement) => Promise<unknown>,
    private readonly log: Logger,
  ) {
    super();
    this.element = element;
    this.panel = vscode.window.createWebviewPanel(runViewType, `Run ${runLabel(element.run)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    this.panel.webview.html = webviewPage({
      webview: this.panel.webview,
      extensionUri,
      title: this.panel.title,
      script: 'runs.js',
      styles: ['runs.css'],
      body: `  <header>\n    <h1 id="title">${escapeHtml(this.panel.title)}</h1>\n    <p id="subtitle" class="subtitle">Reading the run…</p>\n    <div id="actions" class="actions"></div>\n  </header>\n  <main id="run"></main>`,
    });
    this.register(this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(
      tree.onDidChangeTreeData(() => {
        const now = tree.currentRun(this.element.sourceKey, this.element.run.id);
        if (now !== undefined && (now.run !== this.element.run || now.stale !== this.element.stale)) {
          this.element = now;
          void this.post();
        }
      }),
    );
    this.register(this.panel.onDidDispose(() => this.dispose()));
  }

  get key(): string {
    return panelKey(this.element);
  }

  handle(): RunPanelHandle {
    return {
      title: this.panel.title,
      runId: this.element.run.id,
      html: this.panel.webview.html,
      cspSource: this.panel.webview.cspSource,
      actions: this.view().actions,
      ...(this.rendered === undefined ? {} : { rendered: [...this.rendered] }),
    };
  }

  /** Shows the panel; redraws only when the run changed since it was drawn. */
  reveal(element: RunElement): void {
    this.panel.reveal();
    if (element.run === this.element.run && element.stale === this.element.stale) return;
    this.element = element;
    void this.post();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  private view(): RunView {
    const { run } = this.element;
    const source = this.tree.sourceByKey(this.element.sourceKey);
    const location = run.location;
    return {
      run,
      stale: this.element.stale,
      sourceLabel: source?.label ?? run.source,
      actions: {
        openCommit: run.gitCommit !== undefined && isTrusted(),
        rerun: run.source === 'local' && run.status !== 'unknown' && isTrusted(),
        openLocation: location === undefined ? undefined : run.source === 'mlflow' ? 'Open in MLflow' : run.source === 'local' ? 'Open run.json' : 'Open meta.yaml',
        // Round 36 I: the error named the cell, and only the notification offered to go there.
        goToCell: run.source === 'local' && run.notebook !== undefined && typeof run.error === 'string' && failedCell(run.error) !== undefined,
      },
    };
  }

  private async post(): Promise<void> {
    if (!this.ready || this.isDisposed) return;
    this.rendered = undefined;
    const message: HostMessage = { type: 'run', view: this.view() };
    await this.panel.webview.postMessage(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) {
      this.log.warn(`ignored a message from the run webview: ${JSON.stringify(message)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.post();
        return;
      case 'renderedRun':
        this.rendered = message.sections;
        return;
      case 'action':
        try {
          await this.act(message.action, this.element);
        } catch (ex) {
          this.log.error(ex instanceof Error ? ex : String(ex));
          void vscode.window.showErrorMessage(ex instanceof Error ? ex.message : String(ex));
        }
        return;
      case 'renderedCompare':
        return;
    }
  }
}

export function panelKey(element: RunElement): string {
  return `${element.sourceKey}\u0000${element.run.id}`;
}
