/** The merge conflict markers a merge (`promote --merge`, git) leaves in a file: `<<<<<<<`, `|||||||`, `=======`, `>>>>>>>` at a line's start. */
const MARKER = /^(<{7}|\|{7}|={7}|>{7})(?: |\r?$)/;

/** The lines (1-based) of `text` holding a merge conflict marker, with the marker; none when it holds none. */
export function conflictMarkerLines(text: string): { readonly line: number; readonly marker: string }[] {
  const found: { line: number; marker: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const marker = MARKER.exec(line)?.[1];
    if (marker !== undefined) found.push({ line: i + 1, marker });
  });
  return found;
}
