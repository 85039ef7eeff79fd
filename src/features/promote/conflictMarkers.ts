import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { conflictMarkerLines } from '../../core/versioning/conflictMarkers';
import { Disposable } from '../../host/disposable';

/**
 * The merge conflict markers a promotion's merge left in generated files, as errors in the Problems panel (and
 * the status bar's count) on each marker line, until the file holds none (round 59 DDD: only the Pipelines view
 * said a file was conflicted, while the package could not be imported).
 */
export class ConflictMarkers extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('nbpromote-merge'));
  /** The files with markers, by URI, under the output root that holds them. */
  private readonly tracked = new Map<string, string>();

  constructor() {
    super();
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.show(e.document.uri, e.document.getText())));
    this.register(vscode.workspace.onDidSaveTextDocument((d) => this.show(d.uri, d.getText())));
  }

  /**
   * After a promotion into `outDir`: the files it left conflicted (paths relative to `outDir`) are shown, and
   * what it showed before for that folder goes (a later promotion found them resolved).
   */
  async promoted(outDir: string, conflicted: readonly string[]): Promise<void> {
    for (const [uri, root] of this.tracked) {
      if (root !== outDir) continue;
      this.tracked.delete(uri);
      this.collection.delete(vscode.Uri.parse(uri));
    }
    for (const path of conflicted) {
      const uri = vscode.Uri.file(nodePath.join(outDir, path));
      this.tracked.set(uri.toString(), outDir);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      this.show(uri, open?.getText() ?? (await readFile(uri.fsPath, 'utf8').catch(() => '')));
    }
  }

  private show(uri: vscode.Uri, text: string): void {
    if (!this.tracked.has(uri.toString())) return;
    const markers = conflictMarkerLines(text);
    if (markers.length === 0) {
      this.tracked.delete(uri.toString());
      this.collection.delete(uri);
      return;
    }
    this.collection.set(
      uri,
      markers.map(({ line, marker }) => {
        const diagnostic = new vscode.Diagnostic(new vscode.Range(line - 1, 0, line - 1, marker.length), `merge conflict marker (${marker}) the promotion's merge left: keep your lines, the generated ones or both, remove the markers, then promote again`, vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'nbpromote';
        diagnostic.code = 'merge-conflict';
        return diagnostic;
      }),
    );
  }

  /** The first marker line (0-based) of a tracked file, for opening it there. */
  firstMarker(uri: vscode.Uri): number | undefined {
    return this.collection.get(uri)?.[0]?.range.start.line;
  }
}
