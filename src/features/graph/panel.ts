import * as vscode from 'vscode';
import type { Logger } from '../../core/util/logger';
import { activeGraphNotebook, setActiveGraphNotebook } from '../../host/activeGraph';
import { Disposable } from '../../host/disposable';
import { displayPath } from '../../host/workspaceNotebooks';
import { openCell } from '../pipelines/commands';
import type { PipelineStatus } from '../pipelines/status';
import type { PipelinesTree } from '../pipelines/tree';
import { graphData } from './graphData';
import type { HostMessage } from './protocol';
import { isWebviewMessage } from './protocol';
import { escapeHtml, localResourceRoots, webviewPage } from '../webviewPage';
import type { OpenTab } from './editorColumn';
import { notebookColumn } from './editorColumn';

/** What `nbpromote.showPipelineGraph` returns: enough for a test to check what the panel shows. */
export interface GraphPanelHandle {
  readonly title: string;
  readonly notebookUri: string;
  /** The webview's HTML as set (CSP, nonce, resource URIs). */
  readonly html: string;
  /** `webview.cspSource`: where the webview's own resources come from. */
  readonly cspSource: string;
  /** What the webview last reported drawing; undefined until it has drawn the current graph. */
  readonly rendered?: { readonly nodes: number; readonly edges: number };
}

export const graphViewType = 'nbpromote.pipelineGraph';

/**
 * One webview panel drawing one notebook's pipeline. The host sends the graph (protocol.ts) when the
 * webview says it is ready and whenever the notebook's status changes; the webview draws it
 * (webview/graph.ts) and reports back; a click on a step reveals its first cell.
 */
export class GraphPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private status: PipelineStatus | undefined;
  private ready = false;
  private rendered: { nodes: number; edges: number } | undefined;
  private updating: Promise<void> | undefined;

  constructor(
    extensionUri: vscode.Uri,
    readonly notebookUri: vscode.Uri,
    private readonly pipelines: PipelinesTree,
    private readonly log: Logger,
  ) {
    super();
    this.panel = vscode.window.createWebviewPanel(graphViewType, `Pipeline: ${fileName(notebookUri)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    const webview = this.panel.webview;
    webview.html = webviewPage({
      webview,
      extensionUri,
      title: this.panel.title,
      script: 'graph.js',
      styles: ['graph.css'],
      body: `  <header>\n    <h1 id="title">${escapeHtml(this.panel.title)}</h1>\n    <p id="status" class="status">Reading the notebook…</p>\n  </header>\n  <ul id="problems" class="problems"></ul>\n  <main id="graph" class="graph" aria-label="Pipeline graph"></main>`,
    });
    this.register(webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(pipelines.onDidChangeTreeData(() => void this.update(false)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
    // The palette's Promote, Check and Run act on this notebook while the graph has the focus.
    if (this.panel.active) setActiveGraphNotebook(notebookUri);
    this.register(this.panel.onDidChangeViewState((e) => (e.webviewPanel.active ? setActiveGraphNotebook(notebookUri) : this.leave())));
    this.register({ dispose: () => this.leave() });
  }

  private leave(): void {
    if (activeGraphNotebook() === this.notebookUri) setActiveGraphNotebook(undefined);
  }

  handle(): GraphPanelHandle {
    return {
      title: this.panel.title,
      notebookUri: this.notebookUri.toString(),
      html: this.panel.webview.html,
      cspSource: this.panel.webview.cspSource,
      ...(this.rendered === undefined ? {} : { rendered: { ...this.rendered } }),
    };
  }

  reveal(): void {
    this.panel.reveal();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) {
      this.log.warn(`ignored a message from the graph webview: ${JSON.stringify(message)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        // Also after the panel was hidden and shown again: the webview starts afresh.
        this.ready = true;
        await this.update(true);
        return;
      case 'rendered':
        this.rendered = { nodes: message.nodes, edges: message.edges };
        this.log.info(`${displayPath(this.notebookUri)}: graph drawn with ${message.nodes} nodes and ${message.edges} edges`);
        return;
      case 'openStep':
        await this.openStep(message.step);
        return;
    }
  }

  /** Sends the graph when the status changed (or always, with `force`). */
  private update(force: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      const status = await this.pipelines.status(this.notebookUri);
      if (this.isDisposed || !this.ready || (!force && status === this.status)) return;
      this.status = status;
      this.rendered = undefined;
      const message: HostMessage = { type: 'graph', ...graphData(fileName(this.notebookUri), status) };
      await this.panel.webview.postMessage(message);
    };
    const previous = this.updating ?? Promise.resolve();
    const next = previous.then(run, run);
    this.updating = next;
    return next;
  }

  private async openStep(name: string): Promise<void> {
    const step = this.status?.graph?.steps.find((s) => s.name === name);
    const first = step?.cells[0];
    if (first === undefined) {
      this.log.warn(`the graph asked for step ${name}, which ${displayPath(this.notebookUri)} does not have`);
      return;
    }
    await openCell(this.notebookUri.toString(), first.index, undefined, columnShowing(this.notebookUri, this.panel.viewColumn));
  }
}

/** The editor group that has the notebook open (shown there, not opened again), else the one beside the panel. */
function columnShowing(uri: vscode.Uri, panelColumn: vscode.ViewColumn | undefined): vscode.ViewColumn {
  const tabs: OpenTab[] = [];
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      const tabUri = input instanceof vscode.TabInputNotebook || input instanceof vscode.TabInputText ? input.uri : undefined;
      if (tabUri !== undefined) tabs.push({ uri: tabUri.toString(), column: group.viewColumn, active: tab.isActive });
    }
  }
  const column = notebookColumn(tabs, uri.toString(), panelColumn);
  return column === 'beside' ? vscode.ViewColumn.Beside : column;
}

function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
