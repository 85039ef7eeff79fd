/**
 * One file that generation wants on disk. Scaffolding returns a `FilePlan[]` (pure data); preview, diff,
 * dry-run, conflict checks and the atomic write in `core/io/apply.ts` all work on that plain data.
 */
export interface FilePlan {
  /** Relative to the output root, forward slashes, no `.` or `..` segments: `src/churn/steps/load.py`. */
  readonly path: string;
  /** The whole file, UTF-8. */
  readonly contents: string;
  /** Why the file is written, for previews and `--dry-run`: "the step `load` (cells 5-7)". */
  readonly why: string;
  /**
   * `create-only`: written only when the file is absent (`pyproject.toml`, which people edit); an existing
   * file is kept as it is. Without a mode the file is replaced when its contents differ.
   */
  readonly mode?: 'create-only';
}
