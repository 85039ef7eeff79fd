/**
 * "Compare Runs": one webview panel comparing the runs selected in the Runs view: a table of parameters
 * (differing values highlighted), a bar chart per metric across the runs, and line charts of a metric's
 * history over steps where a run recorded more than one value (MLflow servers and mlruns folders keep
 * histories; the local store keeps final values). Asking again with other runs replaces what it shows.
 */
import * as vscode from 'vscode';
import type { MetricPoint } from '../../core/contract/runs';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../../host/disposable';
import type { RunHistories } from './compareData';
import { compareData } from './compareData';
import { runLabel } from './format';
import { escapeHtml, localResourceRoots, webviewPage } from '../webviewPage';
import type { CompareData, HostMessage } from './protocol';
import { isWebviewMessage } from './protocol';
import type { RunElement, RunsTree } from './tree';

export const compareViewType = 'nbpromote.compareRuns';

/** Histories read at most per comparison (runs × metrics), so a wide comparison cannot flood a server. */
const MAX_HISTORIES = 120;

/** What `nbpromote.views.runs.compare` returns. */
export interface ComparePanelHandle {
  readonly title: string;
  readonly runIds: readonly string[];
  readonly html: string;
  readonly cspSource: string;
  /** What was sent to the webview. */
  readonly data: CompareData;
  /** What the webview reported drawing; undefined until it has drawn the current data. */
  readonly rendered?: { readonly params: number; readonly charts: number; readonly histories: number };
}

export class ComparePanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private elements: readonly RunElement[] = [];
  private data: CompareData = compareData([]);
  private ready = false;
  private rendered: ComparePanelHandle['rendered'];
  private generation = 0;

  constructor(
    extensionUri: vscode.Uri,
    private readonly tree: RunsTree,
    private readonly log: Logger,
  ) {
    super();
    this.panel = vscode.window.createWebviewPanel(compareViewType, 'Compare Runs', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    this.panel.webview.html = webviewPage({
      webview: this.panel.webview,
      extensionUri,
      title: 'Compare Runs',
      script: 'compare.js',
      styles: ['runs.css', 'compare.css'],
      body: `  <header>\n    <h1 id="title">${escapeHtml('Compare Runs')}</h1>\n    <p id="subtitle" class="subtitle">Reading the runs…</p>\n  </header>\n  <main id="compare"></main>`,
    });
    this.register(this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.register(this.panel.onDidDispose(() => this.dispose()));
  }

  /** Compares `elements` (reads their histories first); resolves when the data is sent. */
  async show(elements: readonly RunElement[]): Promise<void> {
    const same = elements.length === this.elements.length && elements.every((e, i) => e.run === this.elements[i]?.run && e.stale === this.elements[i]?.stale);
    if (same && this.data.runs.length === elements.length) {
      // The same runs as they were: nothing to read or draw again.
      this.panel.reveal(undefined, false);
      return;
    }
    const generation = ++this.generation;
    this.elements = elements;
    this.panel.title = `Compare ${elements.length} Runs`;
    this.panel.reveal(undefined, false);
    const { histories, problems } = await this.histories(elements);
    if (generation !== this.generation || this.isDisposed) return;
    this.data = compareData(
      elements.map((e) => e.run),
      histories,
      problems,
    );
    this.rendered = undefined;
    await this.post();
  }

  handle(): ComparePanelHandle {
    return {
      title: this.panel.title,
      runIds: this.elements.map((e) => e.run.id),
      html: this.panel.webview.html,
      cspSource: this.panel.webview.cspSource,
      data: this.data,
      ...(this.rendered === undefined ? {} : { rendered: { ...this.rendered } }),
    };
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  private async histories(elements: readonly RunElement[]): Promise<{ histories: RunHistories; problems: string[] }> {
    const problems: string[] = [];
    const jobs: { run: number; metric: string; read: () => Promise<{ points: MetricPoint[] } | undefined> }[] = [];
    elements.forEach((element, run) => {
      const source = this.tree.sourceByKey(element.sourceKey);
      if (source === undefined || source.kind === 'local') return;
      for (const metric of Object.keys(element.run.metrics)) jobs.push({ run, metric, read: () => source.history(element.run, metric) });
    });
    if (jobs.length > MAX_HISTORIES) problems.push(`Only the first ${MAX_HISTORIES} of ${jobs.length} metric histories were read.`);
    const maps = elements.map(() => new Map<string, readonly MetricPoint[]>());
    const settled = await Promise.allSettled(jobs.slice(0, MAX_HISTORIES).map((job) => job.read()));
    settled.forEach((result, i) => {
      const job = jobs[i];
      if (job === undefined) return;
      if (result.status === 'fulfilled') {
        if (result.value !== undefined) maps[job.run]?.set(job.metric, result.value.points);
      } else {
        const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
        const element = elements[job.run];
        const label = element === undefined ? '' : runLabel(element.run);
        problems.push(`The history of ${job.metric} of ${label} could not be read: ${reason}`);
      }
    });
    // One failure per server is enough to say; the rest repeat it.
    return { histories: maps, problems: [...new Set(problems)].slice(0, 10) };
  }

  private async post(): Promise<void> {
    if (!this.ready || this.isDisposed) return;
    const message: HostMessage = { type: 'compare', data: this.data };
    await this.panel.webview.postMessage(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) {
      this.log.warn(`ignored a message from the compare webview: ${JSON.stringify(message)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.elements.length > 0) await this.post();
        return;
      case 'renderedCompare':
        this.rendered = { params: message.params, charts: message.charts, histories: message.histories };
        return;
      default:
        return;
    }
  }
}
