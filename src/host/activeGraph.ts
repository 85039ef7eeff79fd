import type * as vscode from 'vscode';

// The notebook whose pipeline graph panel is the active editor tab, as the panel reports it. With the graph in
// focus no notebook editor is active, so the commands that act on "the open notebook" (Promote, Check, Run, from
// the palette) take this one.
let active: vscode.Uri | undefined;

/** Called by the graph panel when it becomes active (its notebook) or stops being so (undefined). */
export function setActiveGraphNotebook(uri: vscode.Uri | undefined): void {
  active = uri;
}

/** The notebook of the active pipeline graph panel, if that panel is the active tab. */
export function activeGraphNotebook(): vscode.Uri | undefined {
  return active;
}
