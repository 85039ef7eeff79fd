import * as vscode from 'vscode';
import type { NotebookCell as ModelCell } from '../../core/contract/notebook';
import type { Problem } from '../../core/contract/problem';
import { isCellMarker } from '../../core/notebook/percent';
import type { NotebookSnapshot } from '../../host/notebookDocuments';

/** Where something of an open notebook is shown: a cell's text document (notebooks) or the script, and a range in it. */
export interface Place {
  readonly document: vscode.TextDocument;
  readonly range: vscode.Range;
  /** 0-based cell index, when the place is in a cell. */
  readonly cellIndex?: number;
}

/** The 0-based line of a script cell's `# %%` marker, or of its first line for code before the first marker. */
export function scriptCellLine(document: vscode.TextDocument, cell: ModelCell): number {
  const first = Math.max(0, (cell.fileLine ?? 1) - 1);
  const marker = first - 1;
  return marker >= 0 && marker < document.lineCount && isCellMarker(document.lineAt(marker).text) ? marker : Math.min(first, Math.max(0, document.lineCount - 1));
}

/** The model cell of a script that holds 0-based `line`: the last cell starting at or above it. */
export function scriptCellAt(snapshot: NotebookSnapshot, document: vscode.TextDocument, line: number): ModelCell | undefined {
  let found: ModelCell | undefined;
  for (const cell of snapshot.inspection.notebook?.cells ?? []) {
    if (scriptCellLine(document, cell) <= line) found = cell;
  }
  return found;
}

/**
 * The place of a problem: the cell's document and the problem's line and column in it (the word there, or
 * the line's text); the first cell for problems of the whole notebook. In a script, the file line (`fileLine`,
 * or the cell's marker line for a cell's tags).
 */
export function problemPlace(snapshot: NotebookSnapshot, problem: Problem): Place | undefined {
  const { notebook } = snapshot;
  if (notebook.kind === 'notebook') {
    const count = notebook.document.cellCount;
    if (count === 0) return undefined;
    const index = problem.cellIndex !== undefined && problem.cellIndex < count ? problem.cellIndex : 0;
    const document = notebook.document.cellAt(index).document;
    const line = problem.cellIndex !== undefined ? (problem.line ?? 1) - 1 : 0;
    return { document, range: rangeAt(document, line, problem.column), cellIndex: index };
  }
  const document = notebook.document;
  const cell = problem.cellIndex === undefined ? undefined : snapshot.inspection.notebook?.cells[problem.cellIndex];
  let line: number;
  if (problem.fileLine !== undefined) line = problem.fileLine - 1;
  else if (cell !== undefined && problem.line !== undefined) line = (cell.fileLine ?? 1) - 1 + problem.line - 1;
  else if (cell !== undefined) line = scriptCellLine(document, cell);
  else line = (problem.line ?? 1) - 1;
  return { document, range: rangeAt(document, line, problem.column), ...(cell === undefined ? {} : { cellIndex: cell.index }) };
}

/** A range at 0-based `line`: the word at 1-based `column`, else the line's text without its indentation. */
function rangeAt(document: vscode.TextDocument, line: number, column: number | undefined): vscode.Range {
  const lineCount = Math.max(1, document.lineCount);
  const text = document.lineAt(Math.max(0, Math.min(line, lineCount - 1)));
  if (column !== undefined) {
    const position = new vscode.Position(text.lineNumber, Math.max(0, Math.min(column - 1, text.text.length)));
    const word = document.getWordRangeAtPosition(position);
    if (word !== undefined) return word;
    return new vscode.Range(position, text.range.end);
  }
  if (text.isEmptyOrWhitespace) return text.range;
  return new vscode.Range(text.lineNumber, text.firstNonWhitespaceCharacterIndex, text.lineNumber, text.text.length);
}
