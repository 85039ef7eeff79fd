/** `nbpromote promote <notebook> [--out DIR] [--package NAME] [--dry-run] [--json] [--execute] [--python PATH]` */
import { existsSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { version } from '../../../package.json';
import { formatProblem } from '../../core/contract/problem';
import { problemToJson } from '../../core/inspect/inspect';
import { PENDING_FILE, promoteNotebook } from '../../core/promote/promote';
import type { PendingWrite, PromotedFile, PromoteOutcome, PromoteRequest } from '../../core/promote/promote';
import { describeFileSystemError } from '../../core/io/fileSystemError';
import { folderFromCwd } from '../../core/io/paths';
import { executeNotebook } from '../../core/promote/execute';
import type { Execution, ExecuteRequest } from '../../core/promote/execute';
import { NbpromoteError } from '../../core/errors';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import { checkCommit, commitGenerated, committedFilesGone } from '../../core/versioning/git';
import type { CheckedCommit, CommitResult } from '../../core/versioning/git';
import type { FlagSpec, ParsedArgs } from '../args';
import { flagBoolean, flagString } from '../args';
import { ExitCode, STOPPED_EXIT, whileStoppable } from '../io';
import type { CliIo, StopSignal } from '../io';
import { pythonFor, stderrLogger } from '../python';
import { andList, countOf } from '../../core/util/words';

export const promoteFlags: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'output root (default: the current folder)' },
  { name: 'package', kind: 'string', valueName: 'NAME', description: 'Python package name (default: from the notebook file name)' },
  { name: 'dry-run', kind: 'boolean', description: 'show what would be written; write nothing' },
  { name: 'json', kind: 'boolean', description: 'print one JSON document on stdout (shape in docs/cli.md)' },
  { name: 'execute', kind: 'boolean', description: 'run the notebook with nbconvert first to record exact metric values' },
  { name: 'python', kind: 'string', valueName: 'PATH', description: 'Python interpreter (default: $NBPROMOTE_PYTHON, else python3)' },
  { name: 'merge', kind: 'boolean', description: 'merge hand-edited generated files with the new version (conflicts are left marked; exit 1)' },
  { name: 'force', kind: 'boolean', description: 'replace hand-edited generated files, keeping each as <file>.orig' },
  { name: 'infer-steps', kind: 'boolean', description: 'a notebook without step tags: take steps from its markdown headings (the notebook is not changed)' },
  { name: 'even-if-running', kind: 'boolean', description: 'write even while a run of the pipeline seems to go on (a process number reused after a killed run)' },
  { name: 'commit', kind: 'boolean', description: 'commit the generated files and the lock (one commit) and tag it <package>-v<version>' },
];

export async function runPromote(args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  const [notebook, ...extra] = args.positionals;
  if (notebook === undefined) throw new NbpromoteError('usage', 'promote needs a notebook: nbpromote promote <notebook> [--out DIR]');
  if (extra.length > 0) throw new NbpromoteError('usage', `promote takes one notebook, got also: ${extra.join(' ')}`);
  const json = flagBoolean(args, 'json');
  if (flagBoolean(args, 'merge') && flagBoolean(args, 'force')) throw new NbpromoteError('usage', '--merge and --force exclude each other: choose one');
  if (flagBoolean(args, 'commit') && flagBoolean(args, 'dry-run')) throw new NbpromoteError('usage', '--commit and --dry-run exclude each other');
  const resolve = flagBoolean(args, 'merge') ? 'merge' : flagBoolean(args, 'force') ? 'force' : 'stop';
  const logger = stderrLogger(io, flagBoolean(args, 'json'));
  const out = flagString(args, 'out');
  const packageName = flagString(args, 'package');
  let executed: Execution | undefined;
  if (flagBoolean(args, 'execute')) {
    // With --merge or --force as the promotion after the run will have them (round 46 Y: a hand-edited file
    // stopped `--execute --merge` here, with a message asking for --merge).
    const dry = await promoteOrRefusal({ notebook, cwd: io.cwd, toolVersion: version, dryRun: true, inferSteps: flagBoolean(args, 'infer-steps'), resolve, logger, ...(out === undefined ? {} : { out }), ...(packageName === undefined ? {} : { packageName }) });
    // Only what stopped it: its warnings are of the saved outputs, which the run about to be made replaces
    // (round 47 AA: a conflict was reported after "promote with --execute to record them").
    if (!dry.ok) return report({ ...dry, problems: dry.problems.filter((p) => p.severity === 'error') }, io, json);
    if (dry.metricsProbe === undefined) logger.warn('--execute: the notebook has no metrics cell, so there are no metrics to record; it runs to record the types and shapes of the step outputs');
    const stopped = await executeStoppable({ notebook, cwd: io.cwd, python: pythonFor(args, io), probe: dry.metricsProbe, steps: dry.stepProbes ?? [], mayFail: dry.skippedCells ?? [], logger });
    if (typeof stopped === 'string') {
      io.err(`nbpromote: stopped by ${stopped}: the notebook run was stopped (nbconvert and its kernel ended, the temporary copy removed); nothing was written\n`);
      return STOPPED_EXIT[stopped];
    }
    executed = stopped;
  }
  const committing = flagBoolean(args, 'commit');
  // --commit: the repository is checked before anything is written, and the message names the notebook as the
  // repository does (relative to its top folder), wherever nbpromote runs from.
  let checked: CheckedCommit | undefined;
  let refused = false;
  const beforeWrite = async (pending: PendingWrite): Promise<{ released: boolean }> => {
    refused = true;
    checked = await checkCommit({ dir: resolvePath(io.cwd, out ?? '.'), paths: pending.paths, tag: tagFor(pending.package, pending.version), notebook: resolvePath(io.cwd, notebook), unchanged: pending.unchanged, kept: pending.keptEdits });
    refused = false;
    return { released: checked.released };
  };
  const outcome = await saysWhenStopped(resolvePath(io.cwd, out ?? '.'), io, flagBoolean(args, 'dry-run'), () => promoteOrRefusal({
    ...(committing ? { beforeWrite } : {}),
    notebook,
    cwd: io.cwd,
    toolVersion: version,
    dryRun: flagBoolean(args, 'dry-run'),
    inferSteps: flagBoolean(args, 'infer-steps'),
    evenIfRunning: flagBoolean(args, 'even-if-running'),
    resolve,
    logger,
    ...(out === undefined ? {} : { out }),
    ...(packageName === undefined ? {} : { packageName }),
    ...(executed === undefined ? {} : { executed }),
  }));
  if (refused) return report({ ...outcome, problems: outcome.problems.map((p) => (p.code === WRITE_FAILED ? { ...p, code: COMMIT_REFUSED } : p)) }, io, json);
  let commit: CommitResult | undefined;
  if (outcome.ok && committing && outcome.package !== undefined && outcome.version !== undefined) {
    // Every generated path as it is on disk: written, merged, and edited by hand and kept (kept-edit), since
    // they are the package being tagged. Your own versions kept by --force (`.orig`) are yours to commit or not.
    const paths = [...new Set([...outcome.files.filter((f) => f.action !== 'created' || !f.path.endsWith('.orig')).map((f) => f.path), LOCK_FILE_NAME])];
    // And the deletions of what the last committed promotion generated and an uncommitted one since deleted.
    paths.push(...(await committedFilesGone(outcome.outDir, LOCK_FILE_NAME, paths)));
    const named = checked?.notebook ?? notebook;
    try {
      commit = await commitGenerated({ dir: outcome.outDir, paths, message: `promote(${outcome.package}): ${outcome.version} from ${named}`, tag: tagFor(outcome.package, outcome.version), kept: keptEditPaths(outcome), logger });
    } catch (ex) {
      if (!NbpromoteError.is(ex) || ex.reason === 'usage' || ex.reason === 'internal') throw ex;
      return report(notCommitted(outcome, ex.message, notebook), io, json);
    }
  }
  return report(outcome, io, json, commit);
}

/**
 * Runs a promotion; a signal to nbpromote meanwhile ends it (as it would have) but says in what state it leaves
 * the package: written in part, with the journal the next promotion finishes it from, or not at all.
 */
async function saysWhenStopped<T>(outDir: string, io: CliIo, dryRun: boolean, promote: () => Promise<T>): Promise<T> {
  const stop = (signal: StopSignal): void => {
    const partly = !dryRun && existsSync(join(outDir, PENDING_FILE));
    io.err(
      partly
        ? `nbpromote: stopped by ${signal} while writing the package: it is written in part. \`nbpromote promote\` again finishes it (\`check\` and \`run\` refuse until then)\n`
        : `nbpromote: stopped by ${signal}: no file is left half written\n`,
    );
    process.exit(STOPPED_EXIT[signal]);
  };
  return whileStoppable(stop, promote);
}

function tagFor(packageName: string, packageVersion: string): string {
  return `${packageName}-v${packageVersion}`;
}

/** The actions of files a promotion wrote or deleted. */
const WRITTEN: ReadonlySet<PromotedFile['action']> = new Set(['created', 'changed', 'deleted', 'merged', 'forced']);

/**
 * A promotion whose files were written but that git refused to commit (a hook, nothing to commit): a failed
 * outcome listing the files, with one error problem that says what was written and what was not.
 */
function notCommitted(outcome: PromoteOutcome, why: string, notebook: string): PromoteOutcome {
  const written = outcome.files.filter((f) => WRITTEN.has(f.action));
  const what =
    written.length === 0
      ? 'No file was written (the package on disk was up to date).'
      : `The promotion wrote ${countOf(written.length, 'file')} (${written.slice(0, 5).map((f) => f.path).join(', ')}${written.length > 5 ? ', ...' : ''}); they are left as they are, uncommitted: commit them yourself, or promote --commit again once this is fixed.`;
  return { ...outcome, ok: false, problems: [...outcome.problems, { severity: 'error', code: 'commit-failed', message: `${why}\n${what}`, file: notebook }] };
}


/**
 * `--execute`'s notebook run, stopped cleanly by a signal to nbpromote: nbconvert and its kernel are killed and
 * the temporary copy removed (node would otherwise end at once and leave them running). Returns the signal's
 * name when one stopped it.
 */
async function executeStoppable(request: ExecuteRequest): Promise<Execution | StopSignal> {
  const controller = new AbortController();
  let signalled: StopSignal | undefined;
  const stop = (signal: StopSignal): void => {
    signalled ??= signal;
    controller.abort(signal);
  };
  try {
    return await whileStoppable(stop, () => executeNotebook({ ...request, stop: controller.signal }));
  } catch (ex) {
    if (signalled !== undefined && NbpromoteError.is(ex, 'cancelled')) return signalled;
    throw ex;
  }
}

/** Why `--commit` stopped a promotion before it wrote anything (the repository's state, the notebook, the tag). */
const COMMIT_REFUSED = 'commit-refused';

/** Why a promotion stopped while writing (a path that is not acceptable, the lock, the disk): a problem, not an exception. */
const WRITE_FAILED = 'write-failed';

/**
 * promoteNotebook, with the refusals found while writing (a file where a folder must be, a link leading out,
 * a full disk, another promotion holding the lock) turned into a failed outcome with one error problem naming
 * the notebook, so `--json` still prints its one document and the message has the usual `error: <file>:` form.
 * Usage and internal errors stay exceptions.
 */
async function promoteOrRefusal(request: PromoteRequest): Promise<PromoteOutcome> {
  try {
    return await promoteNotebook(request);
  } catch (ex) {
    const message = NbpromoteError.is(ex) ? (ex.reason === 'usage' || ex.reason === 'internal' ? undefined : ex.message) : describeFileSystemError(ex);
    if (message === undefined) throw ex;
    return { ok: false, outDir: resolvePath(request.cwd, request.out ?? '.'), files: [], expectedMetrics: {}, problems: [{ severity: 'error', code: WRITE_FAILED, message, file: request.notebook }] };
  }
}

/** The generated files edited by hand that the promotion kept as they are (`kept-edit`). */
function keptEditPaths(outcome: PromoteOutcome): string[] {
  return outcome.files.filter((f) => f.action === 'kept-edit').map((f) => f.path);
}

function report(outcome: PromoteOutcome, io: CliIo, json: boolean, commit?: CommitResult): ExitCode {
  if (json) {
    const doc = {
      ok: outcome.ok,
      // As docs/cli.md says: no package or version for a promotion that did not happen.
      package: outcome.ok ? (outcome.package ?? null) : null,
      version: outcome.ok ? (outcome.version ?? null) : null,
      changes: outcome.changes ?? [],
      commit: commit ?? null,
      out: outcome.outDir,
      // A merge that left conflict markers is `conflict`, as the text report says (round 72 CDC: `merged`).
      files: outcome.files.map((f) => ({ path: f.path, action: (outcome.conflicted ?? []).includes(f.path) ? 'conflict' : f.action })),
      steps: (outcome.graph?.steps ?? []).map((s) => ({ name: s.name, inputs: s.inputs, outputs: s.outputs, after: s.after, cells: s.cells.map((c) => c.index) })),
      parameters: (outcome.graph?.parameters ?? []).map((p) => ({ name: p.name, type: p.type, default: p.default })),
      metrics: outcome.expectedMetrics,
      edges: (outcome.graph?.edges ?? []).map((e) => ({ from: e.from, to: e.to, name: e.name, explanation: e.explanation })),
      problems: outcome.problems.map(problemToJson),
    };
    io.out(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (outcome.ok || (outcome.conflicted ?? []).length > 0) {
    // A merge that left conflicts wrote the promotion too: what it wrote is listed, the conflicted files marked
    // (round 63 LLL: one line on stderr, and only git status showed the rest).
    const conflicted = new Set(outcome.conflicted ?? []);
    const action = (f: PromotedFile): string => (conflicted.has(f.path) ? 'conflict' : f.action);
    const width = Math.max(...outcome.files.map((f) => action(f).length));
    io.out(`${outcome.package} ${outcome.version} in ${folderFromCwd(io.cwd, outcome.outDir)}${(outcome.changes ?? []).length > 0 ? `: ${(outcome.changes ?? []).join('; ')}` : ''}\n`);
    for (const f of outcome.files) io.out(`  ${action(f).padEnd(width)}  ${f.path}\n`);
    for (const s of outcome.graph?.steps ?? []) io.out(`  step ${s.name}(${s.inputs.join(', ')}) -> ${s.outputs.length === 0 ? 'nothing' : s.outputs.join(', ')}\n`);
  }
  for (const p of outcome.problems) {
    if (p.severity !== 'info' || p.code === 'step-inferred') io.err(`${p.severity === 'info' ? 'note' : p.severity}: ${formatProblem(p)}\n`);
  }
  if (commit !== undefined && !json) {
    io.out(commit.created ? `committed ${commit.commit.slice(0, 12)}, tagged ${commit.tag}\n` : `up to date: nothing to commit (${commit.tag} is ${commit.commit.slice(0, 12)} and holds these files)\n`);
    // Edits made by hand after the tagged promotion are not in the tag: they are the person's own commits.
    const kept = keptEditPaths(outcome);
    if (!commit.created && kept.length > 0) io.err(`note: ${andList(kept)} ${kept.length === 1 ? 'was' : 'were'} edited by hand since ${commit.tag} was tagged and ${kept.length === 1 ? 'is' : 'are'} kept as ${kept.length === 1 ? 'it is' : 'they are'}, not in the tag: commit ${kept.length === 1 ? 'it' : 'them'} yourself, as for any file of yours\n`);
    // A CI checkout of a tag or a commit: the commit is on no branch, and only the tag keeps it.
    if (commit.created && commit.branch === null) io.err(`note: HEAD is detached, so no branch moved: only the tag ${commit.tag} holds ${commit.commit.slice(0, 12)}. To keep working from it, \`git switch -c <branch>\`\n`);
  }
  // A refusal while writing says itself what was written (nothing, or some files, each whole).
  if (!outcome.ok && outcome.files.length === 0 && !outcome.problems.some((p) => p.code === WRITE_FAILED || p.code === COMMIT_REFUSED)) io.err('nothing was written\n');
  return outcome.ok ? ExitCode.Ok : ExitCode.BadInput;
}
