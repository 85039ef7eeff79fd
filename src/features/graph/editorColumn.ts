/**
 * Where a click on a graph node shows the notebook: in the editor group that already has it (visible there
 * first, else as a background tab), so that no second copy of an open notebook is made; beside the graph only
 * when no group has it. Plain data in, so that a unit test reads it.
 */

/** A tab of an editor group: the file it shows, the group's column, whether it is the group's visible tab. */
export interface OpenTab {
  readonly uri: string;
  readonly column: number;
  readonly active: boolean;
}

export function notebookColumn(tabs: readonly OpenTab[], uri: string, panelColumn: number | undefined): number | 'beside' {
  const mine = tabs.filter((t) => t.uri === uri);
  const other = mine.filter((t) => t.column !== panelColumn);
  const found = other.find((t) => t.active) ?? other[0] ?? mine[0];
  return found === undefined ? 'beside' : found.column;
}
