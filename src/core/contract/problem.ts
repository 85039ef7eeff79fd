/**
 * A problem found in a user's file. Parsers and analyses return problems; they never throw on user input.
 * Every problem names the file and, where known, the cell (index and id) and the line and column.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  readonly severity: Severity;
  /** Stable machine-readable code, e.g. `json-syntax`, `schema`, `step-name-invalid`. Documented in docs/tags.md (tags) and docs/cli.md (reader, analysis and promotion codes). */
  readonly code: string;
  /** One sentence a person understands, without the location (formatProblem adds it). */
  readonly message: string;
  /** The file as the user named it (relative or absolute). */
  readonly file: string;
  /** 0-based index of the cell in the notebook (people see it 1-based: "cell 7" is index 6). */
  readonly cellIndex?: number;
  readonly cellId?: string;
  /**
   * 1-based line. With a cell: the line inside the cell's source. Without a cell: the line in the file.
   */
  readonly line?: number;
  /** 1-based column, with line, in UTF-16 code units (as VS Code counts). */
  readonly column?: number;
  /**
   * The same column in characters (code points), as Python and a person count, where it differs (an emoji
   * before it on the line): the one messages show (round 51 KK).
   */
  readonly characterColumn?: number;
  /** 1-based line in the file on disk, where it differs from `line` and is known (jupytext scripts). */
  readonly fileLine?: number;
}

/**
 * "examples/churn.ipynb: cell 7 (id c007), line 3: metadata.tags must be a list of strings".
 * Cells are numbered from 1 for people, as Jupyter's UI does.
 */
export function formatProblem(problem: Problem): string {
  return `${problemLocation(problem)}: ${problem.message}`;
}

export function problemLocation(problem: Problem): string {
  const place = problemPlace(problem);
  return place === '' ? problem.file : `${problem.file}: ${place}`;
}

/**
 * Where in the file, without the file: "cell 7 (id c007), line 3" (", file line 19" in a percent script);
 * empty when only the file is known.
 */
export function problemPlace(problem: Problem): string {
  const where: string[] = [];
  if (problem.cellIndex !== undefined) {
    where.push(problem.cellId !== undefined ? `cell ${problem.cellIndex + 1} (id ${problem.cellId})` : `cell ${problem.cellIndex + 1}`);
  }
  if (problem.line !== undefined) {
    where.push(problem.column !== undefined ? `line ${problem.line}, column ${problem.characterColumn ?? problem.column}` : `line ${problem.line}`);
  }
  // A percent script is edited as a file: its line there too.
  if (problem.fileLine !== undefined && problem.cellIndex !== undefined) where.push(`file line ${problem.fileLine}`);
  return where.join(', ');
}

/**
 * A problem on a cell, at `line` (1-based, in the cell) and `column` when known. In a percent script its line in
 * the file too: of `line`, or of the cell's first line when the problem is the whole cell's.
 */
export function cellProblem(file: string, cell: { readonly index: number; readonly id?: string | undefined; readonly fileLine?: number | undefined; readonly source?: string }, severity: Severity, code: string, message: string, line?: number, column?: number): Problem {
  const characters = line === undefined || column === undefined || cell.source === undefined ? undefined : characterColumn(cell.source, line, column);
  return {
    severity,
    code,
    message,
    file,
    cellIndex: cell.index,
    ...(cell.id === undefined ? {} : { cellId: cell.id }),
    ...(line === undefined ? {} : { line }),
    ...(column === undefined ? {} : { column }),
    ...(characters === undefined ? {} : { characterColumn: characters }),
    ...(cell.fileLine === undefined ? {} : { fileLine: cell.fileLine + (line ?? 1) - 1 }),
  };
}

/** The 1-based UTF-16 `column` of `line` of `source` in code points; undefined when the two are the same. */
function characterColumn(source: string, line: number, column: number): number | undefined {
  if (!/[\uD800-\uDBFF]/.test(source)) return undefined;
  const text = source.split(/\r\n|\r|\n/)[line - 1];
  if (text === undefined) return undefined;
  const characters = [...text.slice(0, column - 1)].length + 1;
  return characters === column ? undefined : characters;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
