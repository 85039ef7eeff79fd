/**
 * A cell analysis's findings as `Problem`s, once the caller knows the file and the cell. Codes:
 * `python-syntax` (error) for a syntax error, `ipython-<kind>` (warning) where the translated code will
 * behave differently from the notebook (`ipython-shell`, `ipython-line-magic`, `ipython-cell-magic` ...).
 */
import type { Problem } from '../../contract/problem';
import type { CellAnalysis } from './names';

/** Where the analysed cell is. */
export interface CellPlace {
  readonly file: string;
  readonly cellIndex?: number;
  readonly cellId?: string;
  /** 1-based line in the file where the cell's source starts (jupytext scripts). */
  readonly fileLine?: number;
}

/** Syntax errors (errors) and translation warnings (warnings) of one analysed cell, in line order. */
export function analysisProblems(analysis: Pick<CellAnalysis, 'syntaxErrors' | 'translations'>, place: CellPlace): Problem[] {
  const at = (line: number, column?: number): Pick<Problem, 'file' | 'cellIndex' | 'cellId' | 'line' | 'column' | 'fileLine'> => ({
    file: place.file,
    ...(place.cellIndex === undefined ? {} : { cellIndex: place.cellIndex }),
    ...(place.cellId === undefined ? {} : { cellId: place.cellId }),
    line,
    ...(column === undefined ? {} : { column }),
    ...(place.fileLine === undefined ? {} : { fileLine: place.fileLine + line - 1 }),
  });
  const problems: Problem[] = [];
  for (const e of analysis.syntaxErrors) problems.push({ severity: 'error', code: 'python-syntax', message: e.message, ...at(e.line, e.column) });
  for (const t of analysis.translations) {
    if (t.warning !== undefined) problems.push({ severity: 'warning', code: `ipython-${t.kind}`, message: t.warning, ...at(t.line) });
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
