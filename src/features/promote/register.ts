import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { lockOwner } from '../../core/promote/lockOwner';
import { registerCommand } from '../../host/commands';
import { CommandId } from '../../host/ids';
import { promotionTarget } from '../../host/promotionTarget';
import { displayPath, findWorkspaceNotebooks } from '../../host/workspaceNotebooks';
import type { FeatureContext } from '../featureContext';
import { checkNotebook } from './check';
import { notebookUriFrom } from './notebookArg';
import { openModule } from './openModule';
import { PreviewContentProvider } from './preview';
import type { PromoteOptions } from './promote';
import { PromoteCommand } from './promote';
import { runPipeline, runTests } from './run';
import { displayDir } from './shared';
import type { SuggestStepsOptions } from './suggestSteps';
import { suggestStepsCommand } from './suggestSteps';
import { ConflictMarkers } from './conflictMarkers';

/**
 * promoteNotebook (preview, progress, run tests), checkNotebook, runPipeline, openModule, suggestSteps
 * (issue 5 items 4, 6, 7). Each returns a plain result object when called with `executeCommand`, so tests
 * and other extensions can see what happened (`{ ran: false, reason }` when Restricted Mode refused).
 */
export function registerPromoteCommands(context: FeatureContext): void {
  const { log } = context;
  const previews = context.register(new PreviewContentProvider());
  const promote = new PromoteCommand(context, previews, context.register(new ConflictMarkers()));

  context.register(registerCommand(log, CommandId.PromoteNotebook, 'Promote Notebook', (notebook, options) => promote.run(notebook, optionsArg<PromoteOptions>(options))));
  // `nbpromote promote --execute` in the editor: the notebook runs first (nbconvert), for its exact metrics.
  context.register(registerCommand(log, CommandId.PromoteNotebookExecuted, 'Promote Notebook, Running It First', (notebook, options) => promote.run(notebook, { ...optionsArg<PromoteOptions>(options), execute: true })));
  context.register(registerCommand(log, CommandId.CheckNotebook, 'Check Notebook', (notebook) => checkNotebook(log, promote.toolVersion, notebook)));
  context.register(
    registerCommand(log, CommandId.RunPipeline, 'Run Pipeline', async (notebook) => {
      const uri = notebookUriFrom(notebook) ?? (await promotedNotebookToRun('pipeline'))?.uri;
      if (uri === undefined) return { ran: false, reason: 'cancelled' };
      return runPipeline(log, () => promotionTarget(uri), (outDir) => context.outputWritten.fire(outDir));
    }),
  );
  // Round 36 I: the tests ran only from the notification after a promotion.
  context.register(
    registerCommand(log, CommandId.RunTests, 'Run Tests', async (notebook) => {
      const given = notebookUriFrom(notebook);
      const chosen = given === undefined ? await promotedNotebookToRun('tests') : { uri: given, only: false };
      if (chosen === undefined) return { ran: false, reason: 'cancelled' };
      const uri = chosen.uri;
      const target = promotionTarget(uri);
      // Taken for the person (no notebook open, one promoted): say whose tests run (round 43 V: only the
      // terminal's tab name told).
      if (chosen.only) void vscode.window.showInformationMessage(`Running the tests of ${target.packageName}, promoted from ${displayPath(uri)}: no notebook is open, and it is the workspace's one promoted notebook.`);
      if (!(await promotedHere(uri)) || !existsSync(nodePath.join(target.outDir, 'tests'))) {
        const reason = `${displayPath(uri)} is not promoted in ${displayDir(target)}: promote it first, then run its tests.`;
        void vscode.window.showInformationMessage(reason, 'Promote Notebook').then((choice) => {
          if (choice === 'Promote Notebook') void vscode.commands.executeCommand(CommandId.PromoteNotebook, uri);
        });
        return { ran: false, reason };
      }
      return runTests(log, target);
    }),
  );
  context.register(registerCommand(log, CommandId.OpenModule, 'Open Step Module', (element, step) => openModule(element, step)));
  context.register(registerCommand(log, CommandId.SuggestSteps, 'Suggest Steps', (notebook, options) => suggestStepsCommand(log.scoped('suggest'), notebook, optionsArg<SuggestStepsOptions>(options))));
}

/**
 * The notebook whose pipeline Run Promoted Pipeline runs (or whose tests Run Promoted Tests runs) when no notebook
 * is given or open (the Runs and Data views' welcome button, round 36 I): the workspace's one promoted notebook, or
 * the one picked among several;
 * undefined when the pick is dismissed. None promoted: NbpromoteError('usage') saying to promote one.
 */
async function promotedNotebookToRun(what: 'pipeline' | 'tests'): Promise<{ readonly uri: vscode.Uri; readonly only: boolean } | undefined> {
  const notebooks = await findWorkspaceNotebooks();
  const here = await Promise.all(notebooks.map(promotedHere));
  const promoted = notebooks.filter((_, i) => here[i]);
  const first = promoted[0];
  if (first === undefined) throw new NbpromoteError('usage', `no notebook of this workspace is promoted yet: open one and promote it (Notebook Promoter: Promote Notebook), then run its ${what === 'tests' ? 'tests' : 'pipeline'}`);
  if (promoted.length === 1) return { uri: first, only: true };
  const picked = await vscode.window.showQuickPick(
    promoted.map((uri) => ({ label: displayPath(uri), description: displayDir(promotionTarget(uri)), uri })),
    what === 'tests' ? { title: 'Run Promoted Tests', placeHolder: 'The notebook whose tests to run' } : { title: 'Run Promoted Pipeline', placeHolder: 'The notebook whose pipeline to run' },
  );
  return picked === undefined ? undefined : { uri: picked.uri, only: false };
}

/** The notebook's output root holds its own package (its nbpromote.lock names this notebook). */
async function promotedHere(uri: vscode.Uri): Promise<boolean> {
  return (await lockOwner(promotionTarget(uri).outDir, uri.fsPath)).kind === 'same';
}

/**
 * The options object a programmatic caller passes as the second argument. Menus pass other things there
 * (a tree view passes the selected elements, an array): only a plain object without `kind` or `uri` counts.
 */
function optionsArg<T extends object>(value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'kind' in value || 'uri' in value) return {} as T;
  return value as T;
}
