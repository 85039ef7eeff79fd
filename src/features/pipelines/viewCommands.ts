import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { registerCommand } from '../../host/commands';
import { CommandId } from '../../host/ids';
import type { Log } from '../../host/log';

/**
 * The Pipelines view's row actions (inline Promote and Open Module, the context menu's Graph, Check and Run)
 * have their own command ids. VS Code passes the row's element; while the view refreshes (after any promotion
 * or file change) it cannot find the element and passes nothing. The palette commands then act on the active
 * editor's notebook, which may be another notebook: these never do, they ask for a second click instead.
 */
const VIEW_ACTIONS: readonly { readonly id: CommandId; readonly target: CommandId; readonly title: string }[] = [
  { id: CommandId.ViewPromote, target: CommandId.PromoteNotebook, title: 'Promote Notebook' },
  { id: CommandId.ViewCheck, target: CommandId.CheckNotebook, title: 'Check Notebook' },
  { id: CommandId.ViewRun, target: CommandId.RunPipeline, title: 'Run Pipeline' },
  { id: CommandId.ViewRunTests, target: CommandId.RunTests, title: 'Run Tests' },
  { id: CommandId.ViewShowGraph, target: CommandId.ShowPipelineGraph, title: 'Show Pipeline Graph' },
  { id: CommandId.ViewOpenModule, target: CommandId.OpenModule, title: 'Open Step Module' },
];

export function registerPipelinesViewCommands(log: Log): vscode.Disposable[] {
  return VIEW_ACTIONS.map(({ id, target, title }) =>
    registerCommand(log, id, title, (element) => {
      const notebookUri = viewElementNotebook(element);
      if (notebookUri === undefined) throw new NbpromoteError('usage', 'the Pipelines view was updating as you clicked and did not say which notebook; click again');
      // The element itself goes on: the step of Open Step Module, the notebook of the others.
      return vscode.commands.executeCommand(target, target === CommandId.OpenModule ? element : vscode.Uri.parse(notebookUri));
    }),
  );
}

/** The notebook URI of a Pipelines view element (`{ uri }` of a notebook row, `{ notebookUri }` of the others). */
export function viewElementNotebook(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null) return undefined;
  const record = element as Record<string, unknown>;
  const uri = record['kind'] === 'notebook' ? record['uri'] : record['notebookUri'];
  return typeof uri === 'string' && uri !== '' ? uri : undefined;
}
