/**
 * What each cell is for, in one vocabulary whatever convention the notebook was tagged in
 * (native, Kale, nbdev, papermill, jupytext). See docs/tags.md.
 */
import type { Problem } from './problem';

export type Role =
  | 'step' // the first cell of a named step (`step:<name>`)
  | 'imports' // shared imports
  | 'functions' // shared functions and classes
  | 'parameters'
  | 'metrics'
  | 'test'
  | 'skip' // excluded from generation
  | 'export'; // nbdev `#| export` code that is not only imports: goes to <default_exp>.py

export type Convention = 'native' | 'kale' | 'nbdev' | 'papermill' | 'jupytext';

/** Where a role was read from: a metadata tag or a `#| ` directive line. */
export interface RoleSource {
  readonly role: Role | 'after' | 'default_exp' | 'hide';
  readonly convention: Convention;
  readonly from: 'tag' | 'directive';
  /** The tag or the directive line as written, e.g. `block:train` or `#| default_exp churn`. */
  readonly raw: string;
  /** 1-based line inside the cell for directives. */
  readonly line?: number;
}

export interface CellRoles {
  readonly cellIndex: number;
  readonly cellId?: string;
  /**
   * What the cell is for (usually zero or one role; two or more only with a `role-conflict` error): from its
   * own tags and directives, from nbdev's rules (a cell without an export directive is `skip`, or `test` when
   * it asserts), or, for an untagged cell, taken from the tagged cell above it (Kale's rule, see
   * `continuedFrom`). `sources` lists what was written on the cell itself. A continued step is not a role:
   * see `inStep`.
   */
  readonly roles: readonly Role[];
  /** The step this cell starts (`step` role). */
  readonly stepName?: string;
  /**
   * The step this cell belongs to: its own, or the step above it when untagged (Kale's rule).
   * Undefined for the preamble and for cells with another role (own or continued).
   */
  readonly inStep?: string;
  /** True for untagged code cells with no tagged cell above them to join (before the first step, say). */
  readonly preamble: boolean;
  /**
   * For an untagged code cell that joined the tagged cell above it (its step, or its role for `imports`,
   * `functions`, Kale's `pipeline-parameters`, `metrics`, `test`): that cell's index.
   */
  readonly continuedFrom?: number;
  /** Steps named by `after:` / `prev:` on this cell. */
  readonly after: readonly string[];
  readonly sources: readonly RoleSource[];
}

export interface StepInfo {
  readonly name: string;
  /** Cells of the step in notebook order (the tagged cell and the untagged ones below it). */
  readonly cellIndices: readonly number[];
  readonly cellIds: readonly (string | undefined)[];
  /** Explicit dependencies (`after:`, `prev:`), deduplicated, in the order written. */
  readonly after: readonly string[];
}

export interface TagResult {
  readonly file: string;
  /** One entry per cell, in notebook order (markdown and raw cells too, with no roles). */
  readonly cells: readonly CellRoles[];
  /** Steps in notebook order; a name tagged on several cells is one step. */
  readonly steps: readonly StepInfo[];
  /** Conventions seen in the notebook. */
  readonly conventions: readonly Convention[];
  /** nbdev `#| default_exp <name>` when present. */
  readonly defaultExp?: string;
  /** False when no cell carries any role: not an error, the result says so. */
  readonly hasRoles: boolean;
  readonly problems: readonly Problem[];
}
