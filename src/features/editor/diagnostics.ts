import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { Problem } from '../../core/contract/problem';
import { Disposable } from '../../host/disposable';
import { editorAdvice } from '../promote/problemMessage';
import type { NotebookDocuments } from '../../host/notebookDocuments';
import type { EditorAnalyses, EditorAnalysis } from './analysis';
import { problemPlace } from './locations';

/** The diagnostics source, shown in the Problems panel; quick fixes look for it. */
export const diagnosticSource = 'nbpromote';

/**
 * The problems of every open notebook in the Problems panel, in one "nbpromote" collection: on the cell and
 * line they are about (a script's own lines). Updated after edits settle, on open and on close.
 */
export class NotebookDiagnostics extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection(diagnosticSource));
  /** The document URIs each notebook put diagnostics on, to clear them when they go away. */
  private readonly shown = new Map<string, string[]>();

  constructor(documents: NotebookDocuments, analyses: EditorAnalyses) {
    super();
    this.register(
      analyses.onDidChange((uri) => {
        const analysis = analyses.last(uri);
        if (analysis !== undefined && documents.find(uri) !== undefined) this.show(analysis);
      }),
    );
    this.register(documents.onDidClose((uri) => this.clear(uri.toString())));
  }

  private show(analysis: EditorAnalysis): void {
    const key = analysis.snapshot.uri.toString();
    const byDocument = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    if (analysis.snapshot.notebook.kind === 'notebook') {
      // Every cell gets its list, empty ones too: problems fixed since the last analysis go away.
      for (const cell of analysis.snapshot.notebook.document.getCells()) byDocument.set(cell.document.uri.toString(), { uri: cell.document.uri, diagnostics: [] });
    }
    for (const problem of analysis.problems) {
      // A problem of another file with its line (a kept pipeline.yaml a person edited) goes on that file.
      const elsewhere = otherFile(problem, analysis.snapshot.uri);
      if (elsewhere !== undefined) {
        const list = byDocument.get(elsewhere.toString()) ?? { uri: elsewhere, diagnostics: [] };
        const line = Math.max(0, (problem.line ?? 1) - 1);
        const column = Math.max(0, (problem.column ?? 1) - 1);
        list.diagnostics.push(toDiagnostic(problem, new vscode.Range(line, column, line, Number.MAX_SAFE_INTEGER)));
        byDocument.set(elsewhere.toString(), list);
        continue;
      }
      const place = problemPlace(analysis.snapshot, problem);
      if (place === undefined) continue;
      const uri = place.document.uri;
      const list = byDocument.get(uri.toString()) ?? { uri, diagnostics: [] };
      // The Problems panel shows a cell's line without the cell (`[Ln 1, Col 1]`): the message names it (round 59
      // DDD), as the CLI and the Pipelines view do. A percent script's lines are its file's own.
      const cell = analysis.snapshot.notebook.kind === 'notebook' ? problem.cellIndex : undefined;
      list.diagnostics.push(toDiagnostic(problem, place.range, cell));
      byDocument.set(uri.toString(), list);
    }
    for (const stale of this.shown.get(key) ?? []) if (!byDocument.has(stale)) this.collection.delete(vscode.Uri.parse(stale));
    for (const { uri, diagnostics } of byDocument.values()) this.collection.set(uri, diagnostics);
    this.shown.set(key, [...byDocument.keys()]);
  }

  private clear(key: string): void {
    for (const uri of this.shown.get(key) ?? []) this.collection.delete(vscode.Uri.parse(uri));
    this.shown.delete(key);
  }
}

function toDiagnostic(problem: Problem, range: vscode.Range, cellIndex?: number): vscode.Diagnostic {
  const severity =
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : problem.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  // Worded for the editor: its commands, not the CLI's flags (`editorAdvice`).
  const diagnostic = new vscode.Diagnostic(range, `${cellIndex === undefined ? '' : `cell ${cellIndex + 1}: `}${editorAdvice(problem.message, vscode.workspace.isTrusted)}`, severity);
  diagnostic.source = diagnosticSource;
  diagnostic.code = problem.code;
  return diagnostic;
}

/** The file a problem is about when it is not the notebook: an absolute path with a line (a kept pipeline.yaml). */
function otherFile(problem: Problem, notebook: vscode.Uri): vscode.Uri | undefined {
  if (problem.file === undefined || problem.line === undefined || !isAbsolute(problem.file)) return undefined;
  const uri = vscode.Uri.file(problem.file);
  return uri.toString() === notebook.toString() ? undefined : uri;
}
