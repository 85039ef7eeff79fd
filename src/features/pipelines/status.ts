/**
 * Where a notebook's pipeline stands: not promoted, promoted and up to date, or promoted and stale, with
 * the step graph a promotion would write now. A dry run of core's `promoteNotebook` (which reads, never
 * writes) compared with the nbpromote.lock in the output root, as `nbpromote check` does. No `vscode`
 * here: the Pipelines view and the graph panel pass the paths and settings in.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LockFile } from '../../core/contract/lockFile';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import type { Problem } from '../../core/contract/problem';
import type { StepGraph } from '../../core/contract/stepGraph';
import type { Notebook } from '../../core/contract/notebook';
import { inspectWithGraph } from '../../core/inspect/inspect';
import { editedByHand, packageNameFor, promoteNotebook, staleFiles } from '../../core/promote/promote';
import type { PromotedFile } from '../../core/promote/promote';
import { changedSteps as stepsChangedSince, lockIsFor } from '../../core/promote/status';
import { readLockFile } from '../../core/versioning/lockFile';
import { currentSnapshot } from '../../core/versioning/semver';
import type { Logger } from '../../core/util/logger';
import { silentLogger } from '../../core/util/logger';

export type PipelineState = 'upToDate' | 'stale' | 'notPromoted' | 'failed';

export interface PipelineStatus {
  readonly state: PipelineState;
  readonly packageName: string;
  /** Absolute path of the output root. */
  readonly outDir: string;
  /** The version recorded in nbpromote.lock: what was last promoted. */
  readonly promotedVersion?: string;
  readonly promotedAt?: string;
  /** The version promoting now would give the package. */
  readonly nextVersion?: string;
  /** What changed since the last promotion, in words (core's changes). */
  readonly changes: readonly string[];
  /** Steps added, removed or changed (code, inputs or outputs) since the last promotion. */
  readonly changedSteps: readonly string[];
  readonly parametersChanged: boolean;
  /** Generated files promotion would write now (missing, different, or edited by hand). */
  readonly staleFiles: readonly PromotedFile[];
  /** "2 steps changed": why the pipeline is stale; empty otherwise. */
  readonly staleSummary: string;
  /** Generated files edited by hand that the notebook has not changed since: kept as they are. */
  readonly keptEdits?: number;
  /** Why the notebook counts as not promoted although the output root has a lock, or why the status is unknown. */
  readonly note?: string;
  /** The graph a promotion would write now; undefined when the notebook cannot be analysed that far. */
  readonly graph?: StepGraph;
  readonly notebook?: Notebook;
  /** Errors and warnings of the analysis (not the reader's and tags', which the notebook item shows). */
  readonly problems: readonly Problem[];
  /**
   * Not promoted into the output root, but into this other folder (of {@link PipelineStatusRequest.earlierRoots}),
   * at this version: the output root setting changed since (round 76 JKJ: nothing said so).
   */
  readonly promotedElsewhere?: { readonly outDir: string; readonly version: string };
}

export interface PipelineStatusRequest {
  /** Absolute path of the notebook. */
  readonly notebookPath: string;
  /** The notebook's contents when they differ from the file (an editor's unsaved changes). */
  readonly text?: string;
  /** Absolute path of the output root. */
  readonly outDir: string;
  /** From the `nbpromote.package.name` setting; undefined: the lock's package, else derived from the file name. */
  readonly packageName?: string;
  readonly toolVersion: string;
  readonly logger?: Logger;
  /**
   * Other folders the notebook may have been promoted into before (the workspace folder, the notebook's): when the
   * output root holds no promotion of it and one of these does, the status's `promotedElsewhere` names it.
   */
  readonly earlierRoots?: readonly string[];
}

/** Problems about another notebook's lock, which do not concern a notebook that was not promoted there. */
const OTHER_LOCK_CODES = new Set(['package-changed', 'other-notebook', 'lock-version', 'lock-schema', 'lock-history', 'yaml-syntax']);

/** The pipeline status of one notebook. Never throws: a failure is a status with state `failed`. */
export async function pipelineStatus(request: PipelineStatusRequest): Promise<PipelineStatus> {
  const { notebookPath, outDir } = request;
  const lockPath = join(outDir, LOCK_FILE_NAME);
  const base = { outDir, changes: [], changedSteps: [], parametersChanged: false, staleFiles: [], staleSummary: '', problems: [] };
  let lock: LockFile | undefined;
  let lockProblems: readonly Problem[] = [];
  let lockText: string | undefined;
  try {
    lockText = await readFile(lockPath, 'utf8');
  } catch (ex) {
    if ((ex as NodeJS.ErrnoException).code !== 'ENOENT') {
      return { ...base, state: 'failed', packageName: request.packageName ?? packageNameFor(notebookPath), note: `cannot read ${lockPath}: ${String(ex)}` };
    }
  }
  if (lockText !== undefined) ({ lock, problems: lockProblems } = readLockFile(lockText, lockPath));
  const lockIsOurs = lock !== undefined && lockIsFor(lock, outDir, notebookPath);
  // Given (the setting, or the lock's) or left to promotion, which avoids a name that would hide a module.
  const given = request.packageName ?? (lock !== undefined && lockIsOurs ? lock.package : undefined);
  let packageName = given ?? packageNameFor(notebookPath);

  let outcome;
  try {
    outcome = await promoteNotebook({ notebook: notebookPath, ...(request.text === undefined ? {} : { text: request.text }), cwd: outDir, out: outDir, ...(given === undefined ? {} : { packageName: given }), dryRun: true, resolve: 'force', toolVersion: request.toolVersion, logger: request.logger ?? silentLogger });
  } catch (ex) {
    return { ...base, state: 'failed', packageName, note: ex instanceof Error ? ex.message : String(ex) };
  }
  packageName = outcome.package ?? packageName;
  const notebook = outcome.inspection?.notebook;
  // A notebook being written whose metrics cell has not run yet is no problem of the view: promotion says it.
  const shown = (p: Problem): boolean => p.severity !== 'info' && p.code !== 'metrics-unrecorded' && (lockIsOurs || !OTHER_LOCK_CODES.has(p.code));
  // Stopped by the tags' problems, promotion read no code: the code's problems (an undefined name) are the view's
  // too, as the Problems panel and the lenses have them (rounds 43 V, 48 DD: 2 errors here, 3 there).
  const inspected = outcome.inspection;
  const beforeCode = !outcome.ok && outcome.graph === undefined && inspected !== undefined && outcome.problems.every((p) => inspected.problems.includes(p));
  const problems = (beforeCode ? (await inspectWithGraph(inspected)).inspection.problems : outcome.problems).filter(shown);
  const common = { ...base, packageName, problems, ...(outcome.graph === undefined ? {} : { graph: outcome.graph }), ...(notebook === undefined ? {} : { notebook }) };

  if (lockText !== undefined && lock === undefined) {
    const first = lockProblems[0];
    return { ...common, state: 'failed', note: `${LOCK_FILE_NAME} in ${outDir} cannot be read${first === undefined ? '' : `: ${first.message}${first.line === undefined ? '' : ` (line ${first.line})`}`}` };
  }
  if (lock === undefined || !lockIsOurs) {
    const note = lock === undefined ? undefined : `${LOCK_FILE_NAME} in ${outDir} belongs to ${lock.notebook.path} (package ${lock.package})`;
    const elsewhere = await promotedElsewhere(notebookPath, outDir, request.earlierRoots ?? []);
    return { ...common, state: 'notPromoted', ...(note === undefined ? {} : { note }), ...(elsewhere === undefined ? {} : { promotedElsewhere: elsewhere }) };
  }

  const promoted = { promotedVersion: lock.version, promotedAt: lock.promoted_at };
  const { changedSteps, parametersChanged } = outcome.graph !== undefined && notebook !== undefined ? compareWithLock(lock, outcome.graph, notebook) : { changedSteps: [], parametersChanged: false };
  const errors = problems.filter((p) => p.severity === 'error').length;
  const stale = staleFiles(outcome.files);
  const changes = outcome.changes ?? [];
  const next = outcome.version === undefined ? {} : { nextVersion: outcome.version };
  const keptEdits = outcome.files.filter((f) => f.action === 'kept-edit').length;
  if (outcome.ok && stale.length === 0) return { ...common, ...promoted, ...next, state: 'upToDate', changes: [], ...(keptEdits === 0 ? {} : { keptEdits }) };
  let staleSummary: string;
  if (!outcome.ok) staleSummary = `cannot promote: ${errors === 1 ? '1 problem' : `${errors} problems`}`;
  else if (changedSteps.length > 0) staleSummary = changedSteps.length === 1 ? '1 step changed' : `${changedSteps.length} steps changed`;
  else if (parametersChanged) staleSummary = 'parameters changed';
  else {
    const edited = stale.filter((f) => editedByHand(f.action)).length;
    staleSummary = edited > 0 ? (edited === 1 ? '1 file edited by hand' : `${edited} files edited by hand`) : stale.length === 1 ? '1 file differs' : `${stale.length} files differ`;
  }
  return { ...common, ...promoted, ...next, state: 'stale', changes, changedSteps, parametersChanged, staleFiles: stale, staleSummary };
}

/** The first of `roots` (other than `outDir`) whose nbpromote.lock records a promotion of the notebook, and its version. */
async function promotedElsewhere(notebookPath: string, outDir: string, roots: readonly string[]): Promise<{ outDir: string; version: string } | undefined> {
  for (const root of new Set(roots.map((r) => resolve(r)))) {
    if (root === resolve(outDir)) continue;
    const text = await readFile(join(root, LOCK_FILE_NAME), 'utf8').catch(() => undefined);
    const { lock } = text === undefined ? { lock: undefined } : readLockFile(text, join(root, LOCK_FILE_NAME));
    if (lock !== undefined && lockIsFor(lock, root, notebookPath)) return { outDir: root, version: lock.version };
  }
  return undefined;
}

/** Steps added, removed or changed (as the code lens counts them), and whether the parameters changed, since the lock was written. */
export function compareWithLock(lock: LockFile, graph: StepGraph, notebook: Notebook): { changedSteps: string[]; parametersChanged: boolean } {
  const now = currentSnapshot(graph, notebook);
  const parametersChanged = JSON.stringify(Object.entries(now.parameters)) !== JSON.stringify(Object.entries(lock.parameters).map(([name, p]) => [name, { type: p.type, default: p.default }]));
  return { changedSteps: stepsChangedSince(lock, now), parametersChanged };
}

/** "v0.1.0 · up to date", "v0.1.0 · stale (2 steps changed)", "not promoted". */
export function statusDescription(status: PipelineStatus): string {
  switch (status.state) {
    case 'upToDate':
      return `v${status.promotedVersion ?? '?'} · up to date${status.keptEdits === undefined ? '' : ` (${status.keptEdits === 1 ? '1 file' : `${status.keptEdits} files`} edited by hand, kept)`}`;
    case 'stale':
      return `v${status.promotedVersion ?? '?'} · stale (${status.staleSummary})`;
    case 'notPromoted':
      return 'not promoted';
    case 'failed':
      return `${status.promotedVersion === undefined ? '' : `v${status.promotedVersion} · `}status unknown`;
  }
}
