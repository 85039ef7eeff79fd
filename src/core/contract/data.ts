/**
 * The data files the pipelines read, as the Data view and `nbpromote data` show them: each file with its
 * versions (content hashes, from the run records that read it), what the file on disk is now, DVC's record of
 * it (`<file>.dvc`, `dvc.lock`) and the git commits that changed it. core/data builds these from `RunSummary`
 * values; docs/cli.md documents the JSON shape.
 */
import type { Problem } from './problem';
import type { RunSource, RunStatus } from './runs';

/** A run that read a version of a file. */
export interface DataRunRef {
  readonly source: RunSource;
  readonly id: string;
  readonly start?: string;
  readonly status: RunStatus;
  readonly pipeline?: string;
  readonly version?: string;
  /** The parameter that named the file in this run, when one did. */
  readonly parameter?: string;
  /** The steps that read the file in this run, when the runtime saw them read it. */
  readonly steps?: readonly string[];
}

/** One version of a data file: its content hash, and the runs that read it (newest first). */
export interface DataVersion {
  readonly sha256: string;
  readonly size: number;
  readonly runs: readonly DataRunRef[];
  /** The start of the first and of the last run that read it (ISO 8601), when the records say. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
}

/**
 * What the file on disk is now:
 * - `hashed`: read and hashed (`md5` for DVC's comparison; `hasCarriageReturn`: the bytes hold a CR, so DVC 2's
 *   dos2unix md5 may differ from the plain one);
 * - `missing`: no file at that path;
 * - `tooLarge`: larger than the hashing limit, not read;
 * - `notRead`: not read, and why (outside the workspace folder in Restricted Mode, a folder, permission denied);
 * - `unchecked`: not looked at yet.
 */
export type DiskState =
  | { readonly kind: 'hashed'; readonly sha256: string; readonly md5: string; readonly size: number; readonly hasCarriageReturn: boolean }
  | { readonly kind: 'missing' }
  | { readonly kind: 'tooLarge'; readonly size: number }
  | { readonly kind: 'notRead'; readonly reason: string }
  | { readonly kind: 'unchecked' };

/** How the file on disk compares with DVC's md5: `unknown` when that cannot be told for sure. */
export type DvcMatch = 'matches' | 'differs' | 'unknown';

/** A DVC file naming the data file: a `.dvc` file's `outs`, or a `dvc.lock` stage's `outs` or `deps`. */
export interface DvcTracking {
  /** The `.dvc` or `dvc.lock` file (absolute). */
  readonly file: string;
  /** `dvc.lock`'s stage; undefined for a `.dvc` file. */
  readonly stage?: string;
  readonly role: 'out' | 'dep';
  /** DVC's md5 of the file, when it recorded one. */
  readonly md5?: string;
  /** The entry's `hash:` (`md5` since DVC 3); undefined for older entries, whose md5 may be of the text after dos2unix. */
  readonly hash?: string;
  readonly size?: number;
  readonly match: DvcMatch;
}

export interface GitCommit {
  readonly hash: string;
  readonly shortHash: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  readonly subject: string;
}

/** The commits that changed a file, newest first; or why there are none to show. */
export type GitHistory =
  | { readonly kind: 'commits'; readonly commits: readonly GitCommit[]; readonly truncated: boolean; readonly repository: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface DataFile {
  /** Absolute, resolved against the run's workdir. */
  readonly path: string;
  /** Relative to the project folder (`/` separators), or the absolute path when outside it. */
  readonly shown: string;
  /** The path leads outside the project folder. */
  readonly outsideProject: boolean;
  /** Newest first: the version the latest run read comes first. */
  readonly versions: readonly DataVersion[];
  readonly disk: DiskState;
  /** The version the file on disk is (its sha256), when it is one of `versions`. */
  readonly currentVersion?: string;
  readonly dvc: readonly DvcTracking[];
  readonly git: GitHistory;
}

/** The data files of one run store. */
export interface DataStore {
  /** The project folder (pipeline.yaml's, holding `.nbpromote/runs`). */
  readonly root: string;
  /** Files in order of their shown path: the project's first, then those outside it. */
  readonly files: readonly DataFile[];
  /** Runs read, and runs in the store. */
  readonly runsRead: number;
  readonly runsTotal: number;
  readonly problems: readonly Problem[];
}
