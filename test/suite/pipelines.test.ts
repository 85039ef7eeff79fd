// The Pipelines view's data on test/fixtures/workspace (churn.ipynb, sales.ipynb, broken.ipynb),
// read through the API that activate() returns, as the tree view itself reads it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'nbpromote.notebook-promoter';

/** The part of activate()'s return value these tests use. */
interface PromoterApi {
  readonly pipelines: {
    getChildren(element?: unknown): vscode.ProviderResult<unknown[]>;
    getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem>;
  };
}

interface Node {
  readonly element: unknown;
  readonly item: vscode.TreeItem;
  readonly label: string;
}

let api: PromoterApi;

async function children(element?: unknown): Promise<Node[]> {
  const elements = (await api.pipelines.getChildren(element)) ?? [];
  return Promise.all(
    elements.map(async (child) => {
      const item = await api.pipelines.getTreeItem(child);
      return { element: child, item, label: labelText(item.label) };
    }),
  );
}

function labelText(label: string | vscode.TreeItemLabel | undefined): string {
  return typeof label === 'string' ? label : (label?.label ?? '');
}

function text(value: string | vscode.MarkdownString | boolean | undefined): string {
  if (value === undefined || typeof value === 'boolean') return '';
  return typeof value === 'string' ? value : value.value;
}

async function notebook(name: string): Promise<Node> {
  const roots = await children();
  const found = roots.find((n) => n.label === name);
  assert.ok(found, `${name} is not a root of the Pipelines view; roots: ${roots.map((n) => n.label).join(', ')}`);
  return found;
}

describe('Pipelines view', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension<PromoterApi>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    api = await extension.activate();
    assert.ok(api?.pipelines, 'activate() returned no pipelines tree');
  });

  it('lists the workspace notebooks by file name', async () => {
    const labels = (await children()).map((n) => n.label).sort();
    assert.deepEqual(labels, ['broken.ipynb', 'churn.ipynb', 'sales.ipynb']);
  });

  for (const name of ['churn.ipynb', 'sales.ipynb']) {
    it(`expands ${name} into its steps load and train`, async () => {
      const node = await notebook(name);
      assert.equal(node.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
      assert.deepEqual((await children(node.element)).map((n) => n.label), ['load', 'train']);
    });
  }

  it('shows broken.ipynb as an error item that names the line', async () => {
    const { item } = await notebook('broken.ipynb');
    assert.equal(item.contextValue, 'notebookError');
    const said = `${text(item.description)}\n${text(item.tooltip)}`;
    assert.match(said, /\bline\b/i, `neither description nor tooltip mentions the line: ${said}`);
  });
});
