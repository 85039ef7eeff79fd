import * as vscode from 'vscode';
import { registerCommand } from '../../host/commands';
import { CommandId, editorSelector } from '../../host/ids';
import { jupyterNotebookType } from '../../host/notebookDocuments';
import type { FeatureContext } from '../featureContext';
import { EditorAnalyses } from './analysis';
import { CellRoleStatusBar } from './cellStatusBar';
import { PromoteCodeLenses } from './codeLens';
import { NotebookDiagnostics } from './diagnostics';
import { NotebookQuickFixes } from './quickFixes';
import { setCellRole } from './setCellRole';

const selector: vscode.DocumentSelector = [...editorSelector];

/** Code lens, cell role status bar items, setCellRole, diagnostics and quick fixes (issue 5 items 1-3). */
export function registerEditorFeatures(context: FeatureContext): void {
  const { log } = context;
  const { documents } = context;
  const version = String(context.extension.extension.packageJSON['version'] ?? '0.0.0');
  const analyses = context.register(new EditorAnalyses(documents, version, log.scoped('editor')));
  context.register(context.packageWritten.event(() => analyses.again()));

  const lenses = context.register(new PromoteCodeLenses(documents, analyses));
  context.register(vscode.languages.registerCodeLensProvider(selector, lenses));
  const statusBar = context.register(new CellRoleStatusBar(documents));
  context.register(vscode.notebooks.registerNotebookCellStatusBarItemProvider(jupyterNotebookType, statusBar));
  context.register(new NotebookDiagnostics(documents, analyses));
  context.register(vscode.languages.registerCodeActionsProvider(selector, new NotebookQuickFixes(documents, analyses), NotebookQuickFixes.metadata));
  context.register(registerCommand(log, CommandId.SetCellRole, 'Set Cell Role', (...args) => setCellRole(documents, args)));

  // Notebooks already open when the extension activates get their diagnostics now.
  for (const notebook of documents.all()) void analyses.get(notebook).catch(() => undefined);
}
