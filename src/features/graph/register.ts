import * as vscode from 'vscode';
import { registerCommand } from '../../host/commands';
import { CommandId } from '../../host/ids';
import { displayPath, findWorkspaceNotebooks } from '../../host/workspaceNotebooks';
import type { FeatureContext } from '../featureContext';
import { notebookUriFrom } from '../promote/notebookArg';
import type { GraphPanelHandle } from './panel';
import { GraphPanel } from './panel';

/**
 * showPipelineGraph: the pipeline as a graph in a webview (issue 5 item 5). One panel per notebook; asking
 * again reveals it. Returns the panel's handle (title, HTML, what it drew), or undefined when no notebook
 * was chosen.
 */
export function registerGraphFeatures(context: FeatureContext): void {
  const log = context.log.scoped('graph');
  const panels = new Map<string, GraphPanel>();
  context.register({ dispose: () => [...panels.values()].forEach((p) => p.dispose()) });
  context.register(
    registerCommand(context.log, CommandId.ShowPipelineGraph, 'Show Pipeline Graph', async (arg): Promise<GraphPanelHandle | undefined> => {
      const uri = notebookFromArgument(arg) ?? notebookUriFrom(undefined) ?? (await pickNotebook());
      if (uri === undefined) return undefined;
      const key = uri.toString();
      let panel = panels.get(key);
      if (panel === undefined || panel.isDisposed) {
        log.info(`showing the pipeline graph of ${displayPath(uri)}`);
        const created = new GraphPanel(context.extension.extensionUri, uri, context.pipelines, log);
        created.panel.onDidDispose(() => {
          if (panels.get(key) === created) panels.delete(key);
        });
        panels.set(key, created);
        panel = created;
      } else {
        panel.reveal();
      }
      return panel.handle();
    }),
  );
}

/**
 * The notebook a command argument names: a Uri or URI string (explorer, editor title, other commands), a
 * Pipelines view element, or the notebook toolbar's `{ notebookEditor: { notebookUri } }`.
 */
export function notebookFromArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return /^[a-z][\w+.-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (typeof arg !== 'object' || arg === null) return undefined;
  const record = arg as Record<string, unknown>;
  for (const key of ['notebookUri', 'uri']) {
    const value = record[key];
    if (value instanceof vscode.Uri) return value;
    if (typeof value === 'string' && value !== '') return vscode.Uri.parse(value);
  }
  return notebookFromArgument(record['notebookEditor']);
}

async function pickNotebook(): Promise<vscode.Uri | undefined> {
  const uris = await findWorkspaceNotebooks();
  if (uris.length === 0) {
    void vscode.window.showInformationMessage('No notebooks in this workspace: open a folder with .ipynb notebooks or jupytext percent scripts to see a pipeline graph.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    uris.map((uri) => {
      const path = displayPath(uri);
      const slash = path.lastIndexOf('/');
      return { label: path.slice(slash + 1), description: slash < 0 ? '' : path.slice(0, slash), uri };
    }),
    { title: 'Show Pipeline Graph', placeHolder: 'The notebook whose pipeline to draw' },
  );
  return picked?.uri;
}
