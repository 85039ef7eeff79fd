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
   * `create-only`: written only when the file is absent (`deployments.yaml`, a person's from the start); an
   * existing file is kept as it is. `until-edited`: nbpromote's while the file is missing or still what it last
   * wrote (the lock's hash), a person's once they changed it (`pyproject.toml`): promotion settles it into a plain
   * plan or a `create-only` one (`settleUntilEdited` in versioning/handEdits.ts) before anything else sees it,
   * and an unsettled one is kept like a `create-only` one. Without a mode the file is replaced when its contents
   * differ.
   */
  readonly mode?: 'create-only' | 'until-edited';
}
