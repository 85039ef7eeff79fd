/** Text tables for the commands that print one: columns padded to their widest cell, two spaces apart. */

/**
 * Each row as one line, every column but the last padded to the widest cell in it; no trailing spaces. Control
 * characters in a cell (a file name holding a newline or tab) are written escaped (`\n`, `\t`, `\x1b`), so a
 * row stays one line and its columns stay aligned.
 */
export function alignedRows(rows: readonly (readonly string[])[]): string[] {
  const shown = rows.map((row) => row.map(escapeControls));
  const widths: number[] = [];
  for (const row of shown) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return shown.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

// eslint-disable-next-line no-control-regex -- the point is to find them
const CONTROLS = /[\u0000-\u001f\u007f]/g;

/** `cell` with its control characters written escaped (`\n`, `\t`, `\x1b`). */
export function escapeControls(cell: string): string {
  return cell.replace(CONTROLS, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
