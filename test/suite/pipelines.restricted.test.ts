// Restricted Mode (`npm run test:host -- --restricted`): the Pipelines view and the pipeline graph still
// show, because they only read (a dry run of promotion runs no Python and no git).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

const extensionId = 'nbpromote.notebook-promoter';

interface PromoterApi {
  readonly pipelines: {
    getChildren(element?: unknown): vscode.ProviderResult<unknown[]>;
    getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem>;
  };
}

async function labelled(api: PromoterApi, element?: unknown): Promise<{ element: unknown; label: string; description: string }[]> {
  const elements = (await api.pipelines.getChildren(element)) ?? [];
  return Promise.all(
    elements.map(async (child) => {
      const item = await api.pipelines.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { element: child, label, description: typeof item.description === 'string' ? item.description : '' };
    }),
  );
}

describe('Pipelines view and graph in Restricted Mode', function () {
  this.timeout(60_000);

  it('shows churn.ipynb → pipeline churn → steps load and train', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await vscode.extensions.getExtension<PromoterApi>(extensionId)?.activate();
    assert.ok(api);
    const churn = (await labelled(api)).find((n) => n.label === 'churn.ipynb');
    assert.ok(churn, 'churn.ipynb is not in the view');
    const [pipeline] = await labelled(api, churn.element);
    assert.equal(pipeline?.label, 'pipeline churn');
    assert.deepEqual(
      (await labelled(api, pipeline?.element)).map((s) => `${s.label}: ${s.description}`),
      ['load: → df', 'train: df →'],
    );
  });

  it('draws the graph of graph-pipeline.ipynb', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.file(join(folder.uri.fsPath, 'graph-pipeline.ipynb'));
    const deadline = Date.now() + 30_000;
    let rendered: unknown;
    while (rendered === undefined && Date.now() < deadline) {
      rendered = (await vscode.commands.executeCommand<{ rendered?: unknown } | undefined>('nbpromote.showPipelineGraph', uri))?.rendered;
      if (rendered === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(rendered, { nodes: 8, edges: 9 });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
