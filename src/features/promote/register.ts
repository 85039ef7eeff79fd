import { registerCommand } from '../../host/commands';
import { CommandId } from '../../host/ids';
import { promotionTarget } from '../../host/promotionTarget';
import type { FeatureContext } from '../featureContext';
import { checkNotebook } from './check';
import { requireNotebookUri } from './notebookArg';
import { openModule } from './openModule';
import { PreviewContentProvider } from './preview';
import type { PromoteOptions } from './promote';
import { PromoteCommand } from './promote';
import { runPipeline } from './run';
import type { SuggestStepsOptions } from './suggestSteps';
import { suggestStepsCommand } from './suggestSteps';

/**
 * promoteNotebook (preview, progress, run tests), checkNotebook, runPipeline, openModule, suggestSteps
 * (issue 5 items 4, 6, 7). Each returns a plain result object when called with `executeCommand`, so tests
 * and other extensions can see what happened (`{ ran: false, reason }` when Restricted Mode refused).
 */
export function registerPromoteCommands(context: FeatureContext): void {
  const { log } = context;
  const previews = context.register(new PreviewContentProvider());
  const promote = new PromoteCommand(context, previews);

  context.register(registerCommand(log, CommandId.PromoteNotebook, 'Promote Notebook', (notebook, options) => promote.run(notebook, optionsArg<PromoteOptions>(options))));
  context.register(registerCommand(log, CommandId.CheckNotebook, 'Check Notebook', (notebook) => checkNotebook(log, promote.toolVersion, notebook)));
  context.register(registerCommand(log, CommandId.RunPipeline, 'Run Pipeline', (notebook) => runPipeline(log, () => promotionTarget(requireNotebookUri(notebook)), (outDir) => context.outputWritten.fire(outDir))));
  context.register(registerCommand(log, CommandId.OpenModule, 'Open Step Module', (element, step) => openModule(element, step)));
  context.register(registerCommand(log, CommandId.SuggestSteps, 'Suggest Steps', (notebook, options) => suggestStepsCommand(log.scoped('suggest'), notebook, optionsArg<SuggestStepsOptions>(options))));
}

/**
 * The options object a programmatic caller passes as the second argument. Menus pass other things there
 * (a tree view passes the selected elements, an array): only a plain object without `kind` or `uri` counts.
 */
function optionsArg<T extends object>(value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'kind' in value || 'uri' in value) return {} as T;
  return value as T;
}
