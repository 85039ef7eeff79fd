// nbpromote.showPipelineGraph on test/fixtures/workspace/graph-pipeline.ipynb (parameters, six steps,
// metrics): the webview draws 8 nodes and 9 edges and says so; its page has a strict CSP with a nonce and
// loads only the extension's own files; the command finds the notebook from a URI, a Pipelines view
// element or the active editor; the drawing follows edits of the notebook on disk.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const extensionId = 'nbpromote.notebook-promoter';

/** What the command returns (src/features/graph/panel.ts GraphPanelHandle). */
interface GraphHandle {
  readonly title: string;
  readonly notebookUri: string;
  readonly html: string;
  readonly cspSource: string;
  readonly rendered?: { readonly nodes: number; readonly edges: number };
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

const fixture = (): vscode.Uri => vscode.Uri.file(join(workspaceRoot(), 'graph-pipeline.ipynb'));

async function show(arg?: unknown): Promise<GraphHandle> {
  const handle = await vscode.commands.executeCommand<GraphHandle | undefined>('nbpromote.showPipelineGraph', ...(arg === undefined ? [] : [arg]));
  assert.ok(handle, 'nbpromote.showPipelineGraph returned nothing: it failed (see the "Notebook Promoter" log)');
  return handle;
}

/** Asks the panel again until the webview has reported what it drew and `accept` likes it. */
async function rendered(arg: unknown, accept: (r: { nodes: number; edges: number }) => boolean = () => true, timeoutMs = 30_000): Promise<{ nodes: number; edges: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: GraphHandle['rendered'];
  for (;;) {
    last = (await show(arg)).rendered;
    if (last !== undefined && accept(last)) return last;
    if (Date.now() > deadline) assert.fail(`the graph webview reported ${JSON.stringify(last)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Pipeline graph', function () {
  this.timeout(90_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('draws graph-pipeline.ipynb: parameters, six steps and metrics, nine edges', async () => {
    const handle = await show(fixture());
    assert.equal(handle.title, 'Pipeline: graph-pipeline.ipynb');
    assert.equal(vscode.Uri.parse(handle.notebookUri).fsPath, fixture().fsPath);
    assert.deepEqual(await rendered(fixture()), { nodes: 8, edges: 9 });
  });

  it('has a strict CSP with a nonce and loads only its own script and style sheet', async () => {
    const { html, cspSource } = await show(fixture());
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(meta, `no CSP meta tag in:\n${html}`);
    const directives = new Map(
      (meta[1] ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0] !== '')
        .map(([name, ...values]) => [name, values.join(' ')] as const),
    );
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('style-src'), cspSource);
    assert.equal(directives.get('img-src'), cspSource);
    const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(directives.get('script-src') ?? '')?.[1];
    assert.ok(nonce, `script-src is not one nonce: ${directives.get('script-src')}`);
    assert.deepEqual([...directives.keys()].sort(), ['default-src', 'img-src', 'script-src', 'style-src']);

    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? '');
    assert.equal(scripts.length, 1, 'one script tag');
    assert.match(scripts[0] ?? '', new RegExp(`\\bnonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
    assert.doesNotMatch(html, /<script\b[^>]*>[^<\s]/, 'an inline script');
    assert.doesNotMatch(html, /<style\b|\sstyle=/i, 'inline styles');
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(html, /http:\/\//, 'an http: URL');

    const extensionPath = vscode.extensions.getExtension(extensionId)?.extensionPath ?? '';
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => decodeURIComponent(m[1] ?? ''));
    assert.equal(urls.length, 2, `expected the script and the style sheet, got ${urls.join(', ')}`);
    for (const url of urls) {
      assert.ok(url.includes(`${extensionPath}/dist/webview/graph.js`) || url.includes(`${extensionPath}/media/graph.css`), `${url} is not one of the extension's own files`);
      assert.match(url, /^(https:|vscode-)/, `${url} is not a webview resource URI`);
    }
  });

  it('finds the notebook from a Pipelines view element and from the active notebook editor', async () => {
    const fromElement = await show({ kind: 'pipeline', notebookUri: fixture().toString() });
    assert.equal(vscode.Uri.parse(fromElement.notebookUri).fsPath, fixture().fsPath);
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(fixture()));
    const fromEditor = await show();
    assert.equal(vscode.Uri.parse(fromEditor.notebookUri).fsPath, fixture().fsPath);
    assert.equal(fromEditor.title, 'Pipeline: graph-pipeline.ipynb');
  });

  // Round 48 DD: with the graph in focus, Promote and Check were missing from the palette (no notebook editor is
  // active); they act on the graph's notebook now.
  it('Check Notebook without an argument acts on the notebook of the graph in focus, and not once the panel is closed', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await show(fixture());
    const checked = await vscode.commands.executeCommand<{ package?: string } | undefined>('nbpromote.checkNotebook');
    assert.equal(checked?.package, 'graph_pipeline', JSON.stringify(checked));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const none = await vscode.commands.executeCommand<{ package?: string } | undefined>('nbpromote.checkNotebook');
    assert.equal(none?.package, undefined, JSON.stringify(none));
  });

  it('redraws when the notebook gains a step on disk', async () => {
    const path = fixture().fsPath;
    const original = readFileSync(path, 'utf8');
    try {
      await rendered(fixture(), (r) => r.nodes === 8);
      const notebook = JSON.parse(original) as { cells: unknown[] };
      notebook.cells.push({ cell_type: 'code', execution_count: null, id: 'report', metadata: { tags: ['step:report'] }, outputs: [], source: ['summary = f"{accuracy:.2f} with {model}"'] });
      writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
      // report uses accuracy (from evaluate) and model (from train): one node, two edges more.
      assert.deepEqual(await rendered(fixture(), (r) => r.nodes !== 8), { nodes: 9, edges: 11 });
    } finally {
      writeFileSync(path, original);
    }
    assert.deepEqual(await rendered(fixture(), (r) => r.nodes === 8), { nodes: 8, edges: 9 });
  });
});
