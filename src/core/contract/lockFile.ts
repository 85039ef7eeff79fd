/**
 * nbpromote.lock, the record of what `nbpromote promote` last generated in an output root (written next to
 * pipeline.yaml). Re-promotion reads it to bump the version, to tell hand edits from generated files and to
 * say what changed. The JSON Schema is schemas/lock.schema.json; `readLockFile` / `renderLockFile` are in
 * core/versioning/lockFile.ts; the rules are in docs/versioning.md. Names are the YAML's own (snake_case).
 */
import type { CellRef, ParameterType, ParameterValue, RecordedValue } from './pipelineConfig';

/** The lock file's name, at the output root. */
export const LOCK_FILE_NAME = 'nbpromote.lock';

/** The one lock file format this version reads and writes. */
export const LOCK_VERSION = 1;

export interface LockNotebook {
  /** Relative to the lock file's folder, forward slashes (as pipeline.yaml's `notebook`). */
  readonly path: string;
  /** Where the notebook was at the last promotion, when the editor moved the package with it since (`recordNotebookMoved`). */
  readonly moved_from?: string;
  /** SHA-256 (hex) of the notebook file's bytes. */
  readonly sha256: string;
  /** The last commit that changed the notebook (`notebookGitState` in versioning/git.ts); null when none or outside a repository. */
  readonly git_commit: string | null;
  /** The notebook had uncommitted changes or is untracked; null outside a repository. */
  readonly git_dirty: boolean | null;
}

export interface LockParameter {
  readonly type: ParameterType;
  readonly default: ParameterValue;
}

export interface LockStep {
  /** The notebook cells the step came from, in notebook order. */
  readonly cells: readonly CellRef[];
  /** `stepSourceSha256` of the step's cell sources (core/versioning/hash.ts). */
  readonly source_sha256: string;
  /** The step function's arguments, in order. */
  readonly inputs: readonly string[];
  /** What it returns, in order. */
  readonly outputs: readonly string[];
}

export interface LockHistoryEntry {
  readonly version: string;
  /** ISO 8601 UTC, `2026-11-25T22:30:00Z`. */
  readonly at: string;
  readonly notebook_sha256: string;
  /** One sentence each; `['first promotion']` for the first entry. */
  readonly changes: readonly string[];
}

export interface LockFile {
  readonly lock_version: 1;
  readonly package: string;
  /** Strict semver `x.y.z`. */
  readonly version: string;
  /** The nbpromote version that wrote the file. */
  readonly tool_version: string;
  /** ISO 8601 UTC. */
  readonly promoted_at: string;
  readonly notebook: LockNotebook;
  /** In the parameters cell's order. */
  readonly parameters: Readonly<Record<string, LockParameter>>;
  /** In pipeline order. */
  readonly steps: Readonly<Record<string, LockStep>>;
  /**
   * Path (relative, forward slashes) -> SHA-256 of the bytes written, for every file nbpromote owns.
   * pyproject.toml is listed while it is what nbpromote wrote; once a person changed it, it is theirs and is not.
   */
  readonly files: Readonly<Record<string, string>>;
  /** Oldest first; the last entry has `version`. */
  readonly history: readonly LockHistoryEntry[];
  /** What the last `promote --execute` recorded, kept while the notebook's code stays the same. */
  readonly executed?: LockExecution;
  /**
   * The expected metrics the notebook's saved outputs showed at the last promotion that read any, kept while the
   * notebook's code stays the same: a later promotion of the notebook with its outputs cleared keeps them.
   * Absent in locks written before nbpromote recorded it.
   */
  readonly shown_metrics?: LockShownMetrics;
}

export interface LockShownMetrics {
  /** `codeSha256` of the notebook's code cells when its outputs showed them (core/versioning/hash.ts). */
  readonly code_sha256: string;
  /**
   * The same of the cells' sources alone (`sourceSha256`): a change of tags only (a step renamed) leaves the saved
   * outputs as the code made them. Absent in older locks.
   */
  readonly source_sha256?: string;
  /**
   * The same of the code cells down to the last metrics cell: a cell below it (a test cell added) changes nothing
   * its outputs show (round 63 LLL). Absent in older locks, which compare `source_sha256`.
   */
  readonly source_above_sha256?: string;
  /** Metric name -> the value shown. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Metric name -> the decimals it was shown with, for the values rounded for show (pipeline.yaml's `shown_decimals`). */
  readonly shown_decimals: Readonly<Record<string, number>>;
  /** The metrics shown cut to a whole number (pipeline.yaml's `shown_truncated`); absent when none was. */
  readonly shown_truncated?: readonly string[];
  /** The last metrics cell's execution count then (absent in older locks): see the `outputs-not-rerun` warning. */
  readonly execution_count?: number | null;
  /** When the last metrics cell started running then, as the notebook recorded it (absent when it records no times). */
  readonly started_at?: string;
}

export interface LockExecution {
  /** `codeSha256` of the notebook's code cells when it ran (core/versioning/hash.ts). */
  readonly code_sha256: string;
  /**
   * The same of the code cells' sources alone, tags left out (`sourceSha256`): with only tags changed (a step
   * renamed) the run's metrics still hold (round 64 MMM). Absent in older locks.
   */
  readonly source_sha256?: string;
  /** `logicSha256`: the same without comment and blank lines, so that comments change no expectation. Absent in older locks. */
  readonly logic_sha256?: string;
  /** Metric name -> exact value. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Step -> output -> its type and shape after the step's last cell ran. */
  readonly recorded: Readonly<Record<string, Readonly<Record<string, RecordedValue>>>>;
}
