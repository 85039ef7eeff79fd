/**
 * The hashes nbpromote.lock records: of files (the bytes written), of notebooks, and of each step's code.
 */
import { createHash } from 'node:crypto';
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { generatedPathShape } from './generatedPaths';

/** SHA-256 as 64 lowercase hex digits; a string is hashed as its UTF-8 bytes (what `applyPlan` writes). */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('hex');
}

/**
 * A step's `source_sha256`: the hash of its cells' sources, in notebook order, as in the notebook but for their
 * line ends (the JSON array of the source strings, so `['a', 'b']` and `['a\nb']` differ). Outputs, execution
 * counts and metadata do not count; a changed comment does; CRLF for LF does not (round 51 KK: a notebook saved
 * again by another tool counted as changed code, and its version went up).
 */
export function stepSourceSha256(cellSources: readonly string[]): string {
  return sha256(JSON.stringify(cellSources.map(lf)));
}

/** The text with LF line ends (CRLF and CR, as Python reads both, become LF). */
function lf(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * The lock's `executed.code_sha256`: the hash of the notebook's code cells, their sources and tags in order.
 * An execution recorded for this hash still holds: outputs, metadata, markdown and line ends do not count.
 */
export function codeSha256(cells: readonly { readonly source: string; readonly tags: readonly string[] }[]): string {
  return sha256(JSON.stringify(cells.map((c) => [lf(c.source), c.tags])));
}

/**
 * The lock's `executed.logic_sha256`: {@link codeSha256} without the comment lines and blank lines of the cells
 * (`#|` directives stay): an execution recorded for it still holds after comment lines were added or edited, which
 * change no value (round 70 YYY: a comment line dropped the executed metrics, and the stale saved outputs failed
 * the metrics test).
 */
export function logicSha256(cells: readonly { readonly source: string; readonly tags: readonly string[] }[]): string {
  const logic = (source: string): string => lf(source).split('\n').filter((line) => line.trim() !== '' && !/^\s*#(?!\s*\|)/.test(line)).map((line) => line.trimEnd()).join('\n');
  return sha256(JSON.stringify(cells.map((c) => [logic(c.source), c.tags])));
}

/** The lock's `shown_metrics.source_sha256`: {@link codeSha256} of the cells' sources alone, their tags left out. */
export function sourceSha256(cells: readonly { readonly source: string }[]): string {
  return sha256(JSON.stringify(cells.map((c) => lf(c.source))));
}

/**
 * The lock's `files`: path -> SHA-256 of the planned contents, for every plan nbpromote owns. Plans with a mode
 * are left out: a `create-only` file is the person's (a pyproject.toml they edited, settled by
 * `settleUntilEdited`).
 */
export function fileHashes(plans: readonly FilePlan[]): Record<string, string> {
  return Object.fromEntries(plans.filter((plan) => plan.mode === undefined).map((plan) => [plan.path, sha256(plan.contents)]));
}

/**
 * True when the files `plans` would generate differ from the ones `lock` records (a file more, a file less,
 * or other contents), the person's files aside (plans with a mode, also when the lock lists them from before a
 * person edited them). Plan with the lock's version to ask "did anything besides the version change": see
 * docs/versioning.md. Without a lock, true.
 */
export function generatedFilesChanged(plans: readonly FilePlan[], lock: LockFile | undefined): boolean {
  return lock === undefined || changedGeneratedFiles(plans, lock).length > 0;
}

/** The generated files whose hash differs from the lock's, and those only one of them lists (sorted), the person's files aside as in {@link generatedFilesChanged}. */
export function changedGeneratedFiles(plans: readonly FilePlan[], lock: LockFile): string[] {
  const now = fileHashes(plans);
  const theirs = new Set(plans.filter((plan) => plan.mode !== undefined).map((plan) => plan.path));
  // A path the lock lists that promotion never writes (the lock edited by hand) is no generated file gone.
  const gone = Object.keys(lock.files).filter((path) => !theirs.has(path) && !Object.hasOwn(now, path) && generatedPathShape(path));
  return [...Object.keys(now).filter((path) => lockedHash(lock, path) !== now[path]), ...gone].sort();
}

/** The hash the lock records for `path`; undefined when the lock does not list it (or there is no lock). */
export function lockedHash(lock: LockFile | undefined, path: string): string | undefined {
  return lock !== undefined && Object.hasOwn(lock.files, path) ? lock.files[path] : undefined;
}

/**
 * True when `disk` is the file whose hash the lock recorded (`locked`), also after its line endings were
 * changed to CRLF (git's `core.autocrlf` does that at checkout): that file is as nbpromote generated it, not
 * edited by hand, and promotion replaces it as usual. False when `locked` is undefined.
 */
export function isAsGenerated(disk: Buffer, locked: string | undefined): boolean {
  if (locked === undefined) return false;
  return sha256(disk) === locked || (disk.includes(CRLF) && sha256(withLfEndings(disk)) === locked);
}

/** True when `disk` equals `contents` (what nbpromote plans to write), line endings aside (CRLF for LF). */
export function equalsAsGenerated(disk: Buffer, contents: string): boolean {
  const planned = Buffer.from(contents, 'utf8');
  return disk.equals(planned) || (disk.includes(CRLF) && withLfEndings(disk).equals(planned));
}

const CRLF = Buffer.from('\r\n');

/** `bytes` with every CRLF turned into LF (nbpromote writes LF only). */
function withLfEndings(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}
