/**
 * The problems `readRoles` reports. Codes are stable: tools and docs/tags.md depend on them.
 */
import type { Notebook, NotebookCell } from '../contract/notebook';
import { cellProblem as problemAtCell } from '../contract/problem';
import type { Problem, Severity } from '../contract/problem';

/** Every problem code `readRoles` reports, each explained in docs/tags.md (a unit test keeps the two equal). */
export const TAG_PROBLEM_CODES = [
  'no-roles',
  'step-name-invalid',
  'step-name-case-clash',
  'step-name-empty',
  'after-name-empty',
  'after-without-step',
  'step-unknown',
  'step-cycle',
  'role-conflict',
  'module-name-invalid',
  'default-exp-repeated',
  'default-exp-common',
  'default-exp-missing',
  'export-module-ignored',
  'tag-malformed',
  'tag-on-markdown',
  'directive-not-at-top',
  'nbdev1-comments',
  'raises-exception-skipped',
  'raises-exception-role',
] as const;

export type TagProblemCode = (typeof TAG_PROBLEM_CODES)[number];

/** A problem on the notebook as a whole. */
export function notebookProblem(notebook: Notebook, severity: Severity, code: TagProblemCode, message: string): Problem {
  return { severity, code, message, file: notebook.path };
}

/** A problem on a cell; `line` (1-based, in the cell) for directives. */
export function cellProblem(
  notebook: Notebook,
  cell: NotebookCell,
  severity: Severity,
  code: TagProblemCode,
  message: string,
  line?: number,
): Problem {
  const problem = problemAtCell(notebook.path, cell, severity, code, message, line);
  // A percent script's tags are on the cell's marker line (`# %% tags=["step:x"]`), above its first line.
  return line === undefined && cell.fileLine !== undefined && cell.tags.length > 0 && cell.fileLine > 1 ? { ...problem, fileLine: cell.fileLine - 1 } : problem;
}

/** Problems in cell order (notebook-wide ones last), keeping the order of each cell's own problems. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem): number => p.cellIndex ?? Number.MAX_SAFE_INTEGER;
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => key(a.problem) - key(b.problem) || (a.problem.line ?? 0) - (b.problem.line ?? 0) || a.order - b.order)
    .map((entry) => entry.problem);
}
