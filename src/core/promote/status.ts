/**
 * Where a notebook stands against its last promotion, for the editor's "Promote notebook" code lens: never
 * promoted, promoted and up to date, or promoted with steps changed since. Compares the lock
 * (nbpromote.lock in the output root) with the snapshot of the notebook as it is now (`currentSnapshot` of a
 * dry-run promotion). Pure.
 */
import { relative, resolve } from 'node:path';
import { toPosix } from '../io/paths';
import type { LockFile } from '../contract/lockFile';
import type { Snapshot } from '../versioning/semver';
import { diffSnapshots } from '../versioning/semver';

export type PromotionStatus =
  /** No lock in the output root, or the lock is another notebook's. */
  | { readonly kind: 'never' }
  | {
      readonly kind: 'promoted';
      readonly version: string;
      /** Steps new, removed, or whose code or signature (inputs, outputs) changed, in the current order then removed ones. */
      readonly changedSteps: readonly string[];
      /** What changed in words (diffSnapshots), steps and parameters; empty when up to date. */
      readonly changes: readonly string[];
      /** What the dry run of a promotion found beyond steps and parameters, when it was given. */
      readonly files?: PackageFiles;
    }
  /** Promoted, but the notebook has errors now, so there is nothing to compare. */
  | { readonly kind: 'unknown'; readonly version: string; readonly errors: number };

/**
 * What a dry run of the promotion says of the package's files (the Pipelines view and `check` read the same): the
 * files promotion would write again (the metrics, test or shared cells changed, saved outputs changed the expected
 * metrics), of which those a person edited, and what stops promotion in the package itself (merge conflict markers
 * left in a file, a kept file that cannot be read), in short words.
 */
export interface PackageFiles {
  readonly stale: number;
  readonly edited: number;
  readonly blockers: readonly string[];
}

/** The notebook's path as a lock in `outDir` records it (relative, forward slashes), as promotion writes it. */
export function lockNotebookPath(outDir: string, notebookPath: string): string {
  return toPosix(relative(resolve(outDir), resolve(notebookPath)));
}

/** True when `lock` was written by promoting the notebook at `notebookPath` into `outDir`. */
export function lockIsFor(lock: LockFile, outDir: string, notebookPath: string): boolean {
  return lock.notebook.path === lockNotebookPath(outDir, notebookPath);
}

/**
 * The status given the lock for this notebook (undefined: never promoted) and the current snapshot
 * (undefined when the notebook cannot be analysed now; `errors` says how many errors are in the way).
 */
export function promotionStatus(lock: LockFile | undefined, now: Snapshot | undefined, errors = 0, files?: PackageFiles): PromotionStatus {
  if (lock === undefined) return { kind: 'never' };
  if (now === undefined) return { kind: 'unknown', version: lock.version, errors };
  const diff = diffSnapshots(lock, now, false);
  return { kind: 'promoted', version: lock.version, changedSteps: changedSteps(lock, now), changes: diff.changes, ...(files === undefined ? {} : { files }) };
}

/** Steps whose code or signature differs, new steps (in the current order), then removed steps. */
export function changedSteps(old: Snapshot, now: Snapshot): string[] {
  const changed: string[] = [];
  for (const [name, step] of Object.entries(now.steps)) {
    const before = Object.hasOwn(old.steps, name) ? old.steps[name] : undefined;
    if (before === undefined || before.source_sha256 !== step.source_sha256 || !sameList(before.inputs, step.inputs) || !sameList(before.outputs, step.outputs)) changed.push(name);
  }
  for (const name of Object.keys(old.steps)) if (!Object.hasOwn(now.steps, name)) changed.push(name);
  return changed;
}

/**
 * The code lens title: "Promote notebook", "Promoted v0.3.0 · up to date", "Promoted v0.3.0 · 2 steps
 * changed · Re-promote", "Promoted v0.3.0 · parameters changed · Re-promote", "Promoted v0.3.0 · 3 files differ ·
 * Re-promote" (the metrics, tests or shared cells changed), "Promoted v0.3.0 · merge conflict markers in
 * train.py", "Promoted v0.3.0 · 1 error to fix".
 */
export function promotionTitle(status: PromotionStatus): string {
  switch (status.kind) {
    case 'never':
      return 'Promote notebook';
    case 'unknown':
      return `Promoted v${status.version} · ${status.errors === 1 ? '1 error' : `${status.errors} errors`} to fix`;
    case 'promoted': {
      const n = status.changedSteps.length;
      const blocker = status.files?.blockers[0];
      if (blocker !== undefined) return `Promoted v${status.version} · ${blocker}`;
      if (n > 0) return `Promoted v${status.version} · ${n === 1 ? '1 step' : `${n} steps`} changed · Re-promote`;
      if (status.changes.length > 0) return `Promoted v${status.version} · parameters changed · Re-promote`;
      const stale = status.files?.stale ?? 0;
      const edited = status.files?.edited ?? 0;
      if (edited > 0) return `Promoted v${status.version} · ${edited === 1 ? '1 file edited by hand' : `${edited} files edited by hand`} · Re-promote`;
      if (stale > 0) return `Promoted v${status.version} · ${stale === 1 ? '1 file differs' : `${stale} files differ`} · Re-promote`;
      return `Promoted v${status.version} · up to date`;
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
