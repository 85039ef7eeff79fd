import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { formatProblem } from '../../core/contract/problem';
import { formatMetric } from '../../core/util/words';
import { parseNotebook } from '../../core/notebook/parse';
import { readPipelineConfig } from '../../core/pipeline/config';
import { lockNotebookState, lockOwner } from '../../core/promote/lockOwner';
import { realRootOf } from '../../core/io/paths';
import type { RunnerReport } from '../../core/runs/runnerOutput';
import { conflictedFile, failedCell, failedCellIndex, importFailure, parseRunnerReport, StepProgress } from '../../core/runs/runnerOutput';
import type { Logger } from '../../core/util/logger';
import type { Log } from '../../host/log';
import type { PromotionTarget } from '../../host/promotionTarget';
import type { PythonChoice } from '../../host/python';
import { pythonWords, resolvePython } from '../../host/python';
import { openSetting } from '../../host/config';
import { OUTPUT_ROOT_PER_NOTEBOOK } from '../../host/outputRoot';
import { CommandId, ConfigKey, extensionId } from '../../host/ids';
import type { ChildResult } from '../../host/childProcess';
import type { PipelineConfig } from '../../core/contract/pipelineConfig';
import { testsEndedMessage } from './previewText';
import type { RunClaim, RunningPipeline } from './running';
import { claimPipelineRun, showAlreadyRunning, showRunningElsewhere } from './running';
import { showUntrusted, untrustedReason } from '../../host/trust';
import { openCell } from '../pipelines/commands';
import { currentText, openNotebookDocument } from './notebookArg';
import { displayDir, fileName, promoteRequest } from './shared';
import { promoteNotebook, staleFiles } from '../../core/promote/promote';
import { runInOutputRoot } from '../../host/childProcess';
import { pipelineArgs, shownPipelineArgs } from '../../core/pipeline/command';
import { pipelinePackageProblem } from '../../core/pipeline/packageCheck';
import { commandLine } from '../../core/util/commandLine';
import { cannotRun } from '../../core/util/process';

/** What `nbpromote.runPipeline` returns to a caller (tests, other extensions). */
export interface RunPipelineResult {
  readonly ran: boolean;
  /** Why it did not run (Restricted Mode, not promoted yet, a damaged pipeline.yaml). */
  readonly reason?: string;
  readonly exitCode?: number | null;
  readonly status?: string;
  readonly runId?: string;
  readonly metrics?: Readonly<Record<string, unknown>>;
  /** The message shown when the run failed: the runner's error (`step 'clean' failed in notebook cell 5, line 2: ...`). */
  readonly error?: string;
  /** The notebook cell the error names (0-based index, 1-based line in it), offered as "Go to Cell". */
  readonly failedCell?: { readonly index: number; readonly line: number };
  /** The notebook's code changed since its promotion: the run was of the promoted code (said with "Promote Notebook"). */
  readonly promotedCodeStale?: boolean;
}

/** What running the generated tests gave. */
export interface TestRunResult {
  readonly ran: boolean;
  readonly reason?: string;
  /** pytest's exit code; undefined when the task ended without one (it could not start). */
  readonly exitCode?: number;
}

/**
 * Runs `python -m <package>.pipeline --json` in the output root with <out>/src first on the import path, as
 * `nbpromote run --json` does: a child process (argument array, no shell) whose stderr goes to the log,
 * under a cancellable progress notification (cancelling stops the process). Shows the metrics when it
 * finishes; when it fails, the runner's error, with "Go to Cell" when it names a cell of the notebook, or, when
 * the Python could not import a module, which Python ran it and "Open Setting" (nbpromote.python.path). While
 * this window runs the pipeline of that output root, a second run is refused with "Stop Run" (running.ts). Refuses
 * in Restricted Mode, and says why, before anything else; runs nothing when the output root holds another
 * notebook's package (nbpromote.lock, else pipeline.yaml, names another notebook that is still there: the rule
 * promotion uses, so a renamed notebook is a move) and offers "Promote Notebook" instead. `recorded` is told
 * the output root once the process has ended (its run store has the run's record, unless it could not start).
 */
export async function runPipeline(log: Log, target: () => PromotionTarget, recorded?: (outDir: string) => void, options: { readonly besideOtherRun?: boolean } = {}): Promise<RunPipelineResult> {
  const logger = log.scoped('run');
  const refused = untrustedReason('Running the pipeline');
  if (refused !== undefined) {
    logger.warn(refused);
    showUntrusted(refused);
    return { ran: false, reason: refused };
  }
  const t = target();
  const configFile = nodePath.join(t.outDir, 'pipeline.yaml');
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch {
    const reason = `There is no pipeline.yaml in ${displayDir(t)}: promote the notebook first.`;
    void vscode.window.showInformationMessage(reason, 'Promote Notebook').then((choice) => {
      if (choice === 'Promote Notebook') void vscode.commands.executeCommand('nbpromote.promoteNotebook', t.notebookUri);
    });
    return { ran: false, reason };
  }
  const { config, problems } = readPipelineConfig(text, configFile);
  const errors = problems.filter((p) => p.severity === 'error');
  if (config === undefined || errors.length > 0) {
    for (const p of errors) logger.error(formatProblem(p));
    const reason = `pipeline.yaml cannot be run: ${errors[0] === undefined ? 'see the log' : formatProblem(errors[0])}`;
    showWithLog(log, 'error', reason);
    return { ran: false, reason };
  }
  const wrongPackage = await pipelinePackageProblem(t.outDir, configFile, text, config);
  if (wrongPackage !== undefined) {
    logger.error(formatProblem(wrongPackage));
    const reason = `pipeline.yaml cannot be run: ${formatProblem(wrongPackage)}`;
    showWithLog(log, 'error', reason);
    return { ran: false, reason };
  }
  const other = await otherNotebookOf(t, config.notebook);
  if (other !== undefined) {
    // Promoting there would stop the same way: the setting is the way out (round 79 QRQ: a dead-end button).
    const reason = `${fileName(t.notebookUri)} is not promoted (${displayDir(t)} holds ${other}'s package ${config.package}): nothing was run. Set ${ConfigKey.OutputRoot} to a folder per notebook, such as ${OUTPUT_ROOT_PER_NOTEBOOK}, and promote it there.`;
    logger.warn(reason);
    void vscode.window.showWarningMessage(reason, 'Open Setting').then((choice) => {
      if (choice === 'Open Setting') void openSetting(ConfigKey.OutputRoot, t.notebookUri);
    });
    return { ran: false, reason };
  }
  const claim = claimPipelineRun(await realRootOf(t.outDir), config.package);
  if ('busy' in claim) {
    const reason = showAlreadyRunning(claim.busy, displayDir(t), () => log.show());
    logger.info(reason);
    return { ran: false, reason };
  }
  try {
    // A run of this pipeline from a terminal or another window.
    const elsewhere = options.besideOtherRun === true ? undefined : await showRunningElsewhere(t.outDir, config.package, () => void runPipeline(log, target, recorded, { besideOtherRun: true }));
    if (elsewhere !== undefined) {
      logger.info(elsewhere);
      return { ran: false, reason: elsewhere };
    }
    return await runClaimed(log, t, config, claim, recorded);
  } finally {
    claim.release();
  }
}

/** The run itself, once this window holds the output root (`claim`): nothing else runs this pipeline until it ends. */
async function runClaimed(log: Log, t: PromotionTarget, config: PipelineConfig, claim: RunClaim, recorded: ((outDir: string) => void) | undefined): Promise<RunPipelineResult> {
  const logger = log.scoped('run');
  const python = await resolvePython(t.notebookUri);
  const argv = pipelineArgs(config.package, nodePath.join(t.outDir, 'src'), ['--json']);
  logger.info(`${commandLine(shownPipelineArgs(python.path, config.package, argv))} in ${t.outDir} (Python from ${python.source})`);
  const started = Date.now();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running ${config.package} ${config.version}`, cancellable: true },
    (progress, token) => runStoppable(python.path, argv, t.outDir, logger, token, claim, { names: config.steps.map((s) => s.name), report: progress }),
  );
  if (result.spawnError !== undefined) {
    const reason = spawnFailure(python, result.spawnError);
    showRunFailure(() => log.show(), reason, t.notebookUri, undefined, true);
    return { ran: false, reason };
  }
  recorded?.(t.outDir);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const report = parseRunnerReport(result.stdout);
  if (result.cancelled) {
    void vscode.window.showInformationMessage(`The run of ${config.package} was stopped.`);
    return { ran: true, exitCode: result.code, status: 'cancelled' };
  }
  if (result.code === 0 && report !== undefined) {
    const metrics = metricWords(report);
    // The run's own time, as the log and the run's page say it (round 59 DDD: the toast counted Python's start too).
    const took = typeof report.duration_s === 'number' ? report.duration_s.toFixed(1) : seconds;
    const done = `${config.package} ${config.version} ${report.status ?? 'finished'} in ${took} s${metrics.length > 0 ? `: ${metrics.join(', ')}` : ' (no metrics)'}`;
    // The runtime warns when the notebook was saved since its promotion: the run was of the promoted code; so
    // was it when the editor holds unsaved changes. Saved outputs alone change nothing: a dry run of the
    // promotion (as `check`, of the notebook as the editor holds it) tells whether the code is stale.
    const unsaved = hasUnsavedChanges(t.notebookUri);
    const stale = (unsaved || savedSincePromotion(result.stderr)) && (await promotedCodeStale(t, logger));
    if (stale) {
      const since = unsaved ? 'has unsaved changes since it was promoted' : 'was saved since it was promoted';
      const message = `${done}. ${fileName(t.notebookUri)} ${since}: this run used the code promoted as ${config.version}, not the notebook's cells as they are now. Promote it again to run those.`;
      void vscode.window.showWarningMessage(message, 'Promote Notebook', 'Show Log').then((choice) => {
        if (choice === 'Promote Notebook') void vscode.commands.executeCommand('nbpromote.promoteNotebook', t.notebookUri);
        else if (choice === 'Show Log') log.show();
      });
    } else showFinished(log, done, t.outDir, typeof report.run_id === 'string' ? report.run_id : undefined);
    return { ...ranResult(result.code, report), ...(stale ? { promotedCodeStale: true } : {}) };
  }
  const advice = importAdvice(report, config.package, python);
  const error = runFailureMessage(`${config.package} ${config.version}`, result.code, report, result.stderr, advice);
  logger.error(error);
  // An import the interpreter could not do is no fault of a cell: "Go to Cell" would land on the imports.
  const cell = advice === undefined ? await failedCellOf(t.notebookUri, report, logger) : undefined;
  showRunFailure(() => log.show(), error, t.notebookUri, cell, advice !== undefined, t.outDir);
  return { ...ranResult(result.code, report), error, ...(cell === undefined ? {} : { failedCell: cell }) };
}

/** A dry run of promoting the notebook as it is now would write other files (as `nbpromote check` reads it). */
async function promotedCodeStale(t: PromotionTarget, logger: Logger): Promise<boolean> {
  try {
    const toolVersion = String(vscode.extensions.getExtension(extensionId)?.packageJSON['version'] ?? '0.0.0');
    const outcome = await promoteNotebook({ ...promoteRequest(t, await currentText(t.notebookUri), toolVersion, logger), dryRun: true, resolve: 'force' });
    return !outcome.ok || staleFiles(outcome.files).length > 0;
  } catch (ex) {
    logger.warn(`cannot tell whether the promoted code of ${fileName(t.notebookUri)} is stale: ${ex instanceof Error ? ex.message : String(ex)}`);
    return false;
  }
}

/** The notebook (or percent script) is open with unsaved changes. */
function hasUnsavedChanges(uri: vscode.Uri): boolean {
  return openNotebookDocument(uri)?.isDirty === true || vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.toString() === uri.toString());
}

/** The runtime said the notebook was saved since it was promoted (`nbpromote: warning: ... was saved since it was promoted`). */
export function savedSincePromotion(stderr: string): boolean {
  return /^nbpromote: warning: .+ was saved since it was promoted;/m.test(stderr);
}

function ranResult(code: number | null, report: RunnerReport | undefined): RunPipelineResult {
  return {
    ran: true,
    exitCode: code,
    ...(report?.status === undefined ? {} : { status: report.status }),
    ...(typeof report?.run_id === 'string' ? { runId: report.run_id } : {}),
    ...(report?.metrics === undefined ? {} : { metrics: report.metrics }),
  };
}

/**
 * The notebook (as people name it: relative to the workspace folder) whose package the output root holds when
 * it is not this one: nbpromote.lock's notebook, else (no lock) pipeline.yaml's, with the rule promotion uses
 * (lockNotebookState: the same file, also through a symlink, is this notebook; one that is gone was renamed
 * or moved, so this one took its place). Undefined when the package is this notebook's.
 */
async function otherNotebookOf(target: PromotionTarget, configNotebook: string): Promise<string | undefined> {
  const owner = await lockOwner(target.outDir, target.notebookPath);
  let other: string | undefined;
  if (owner.kind === 'other') other = owner.lockNotebook;
  else if (owner.kind === 'none' || owner.kind === 'unreadable') {
    const physicalOut = await realRootOf(target.outDir);
    if ((await lockNotebookState(physicalOut, configNotebook, target.notebookPath)) === 'other') other = nodePath.resolve(physicalOut, ...configNotebook.split('/'));
  }
  if (other === undefined) return undefined;
  const base = target.folder?.uri.fsPath;
  const relative = base === undefined ? undefined : nodePath.relative(base, other);
  return relative === undefined || relative.startsWith('..') || nodePath.isAbsolute(relative) ? other : relative.split(nodePath.sep).join('/');
}

/** A run's metrics as a closing message lists them: `accuracy 0.9123`. */
export function metricWords(report: RunnerReport | undefined): string[] {
  return Object.entries(report?.metrics ?? {}).map(([name, value]) => `${name} ${typeof value === 'number' ? formatMetric(value) : JSON.stringify(value)}`);
}

/**
 * Runs the pipeline's process until it ends, killed when the progress notification is cancelled or the run is
 * stopped from elsewhere ("Stop Run" when it was started again): both cancel the claim.
 */
export async function runStoppable(command: string, argv: readonly string[], cwd: string, logger: Logger, progress: vscode.CancellationToken, claim: RunningPipeline, steps?: { readonly names: readonly string[]; readonly report: vscode.Progress<{ message?: string }> }): Promise<ChildResult> {
  const cancelled = progress.onCancellationRequested(() => claim.stop());
  // The step running now (round 36 I: a 25 s step looked frozen): from the line the runner prints as each ends.
  const stepProgress = steps === undefined ? undefined : new StepProgress(steps.names);
  if (stepProgress !== undefined) steps?.report.report({ message: stepProgress.first });
  try {
    return await runInOutputRoot(command, argv, cwd, logger, claim.token, (line) => {
      const message = stepProgress?.next(line);
      if (message !== undefined) steps?.report.report({ message });
    });
  } finally {
    cancelled.dispose();
  }
}

/**
 * What a failed run shows: the runner's error (`fail 0.1.0: step 'clean' failed in notebook cell 5, line 2:
 * KeyError: 'monthly_charge'`), then `advice` when given (importAdvice); without an error (the process died, or
 * printed no JSON), the exit code and the last line of stderr.
 */
export function runFailureMessage(what: string, code: number | null, report: RunnerReport | undefined, stderr: string, advice?: string): string {
  const error = typeof report?.error === 'string' ? report.error.trim() : '';
  const then = advice === undefined ? '' : `${/[.!?]$/.test(error) ? '' : '.'} ${advice}`;
  if (error !== '') return report?.status === 'error' ? `${what} cannot run: ${error}${then}` : `${what}: ${error}${then}`;
  const last = stderr.trim().split('\n').pop()?.trim() ?? '';
  return `${what} failed (exit code ${String(code)})${last === '' ? '' : `: ${last}`}`;
}

/** The cell of the notebook at `uri` the run's error names, as the notebook is now; undefined when it names none. */
export async function failedCellOf(uri: vscode.Uri, report: RunnerReport | undefined, logger: Logger): Promise<{ index: number; line: number } | undefined> {
  const cell = typeof report?.error === 'string' ? failedCell(report.error) : undefined;
  if (cell === undefined) return undefined;
  try {
    const cells = parseNotebook(await currentText(uri), uri.fsPath).notebook?.cells ?? [];
    const index = failedCellIndex(cell, cells);
    return index === undefined ? undefined : { index, line: cell.line };
  } catch (ex) {
    logger.warn(`cannot read ${fileName(uri)} to find the failed cell: ${ex instanceof Error ? ex.message : String(ex)}`);
    return undefined;
  }
}

/** Why the Python could not start: "cannot run python3 from PATH: no such program (set nbpromote.python.path)". */
export function spawnFailure(python: PythonChoice, code: string): string {
  return cannotRun(pythonWords(python), code, ConfigKey.PythonPath);
}

/**
 * When a run failed on an import the interpreter could not do (runnerOutput's importFailure): which Python ran it,
 * where that came from, and what to do ("It ran with python3 from PATH, which cannot import pandas: install it for
 * that Python, or set nbpromote.python.path to one that has it."). Undefined for any other failure.
 */
export function importAdvice(report: RunnerReport | undefined, packageName: string, python: PythonChoice): string | undefined {
  const failure = typeof report?.error === 'string' ? importFailure(report.error, packageName) : undefined;
  if (failure === undefined) return undefined;
  return failure.module === undefined
    ? `It ran with ${pythonWords(python)}: check what is installed for that Python, or set ${ConfigKey.PythonPath} to another one.`
    : `It ran with ${pythonWords(python)}, which cannot import ${failure.module}: install it for that Python, or set ${ConfigKey.PythonPath} to one that has it.`;
}

/**
 * The error of a failed run, with "Go to Cell" when it names a cell of the notebook, "Open Setting"
 * (nbpromote.python.path) when the Python is what failed (`pythonFailed`: an import it could not do), and
 * "Show Log" (the traceback).
 */
export function showRunFailure(showLog: () => void, message: string, notebookUri: vscode.Uri, cell: { index: number; line: number } | undefined, pythonFailed = false, outDir?: string): void {
  // A module left conflicted by a merge: "Open train.py" at the marker (round 59 DDD: only Show Log).
  const conflicted = outDir === undefined ? undefined : conflictedFile(message);
  const open = conflicted === undefined ? undefined : `Open ${nodePath.basename(conflicted.path)}`;
  const actions = [...(open === undefined ? [] : [open]), ...(cell === undefined ? [] : ['Go to Cell']), ...(pythonFailed ? ['Open Setting'] : []), 'Show Log'];
  void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
    if (choice === 'Show Log') showLog();
    else if (choice === 'Go to Cell' && cell !== undefined) void openCell(notebookUri.toString(), cell.index, cell.line);
    else if (choice === 'Open Setting') void openSetting(ConfigKey.PythonPath, notebookUri);
    else if (choice === open && conflicted !== undefined && outDir !== undefined) {
      const line = Math.max(0, conflicted.line - 1);
      void vscode.window.showTextDocument(vscode.Uri.file(nodePath.resolve(outDir, conflicted.path)), { selection: new vscode.Range(line, 0, line, 0) });
    }
  });
}

/**
 * Runs the generated tests (`python -m pytest -q tests` in the output root) as a VS Code task, so its output
 * is in the terminal panel, and resolves when the task ends. Refuses in Restricted Mode.
 */
export async function runTests(log: Log, target: PromotionTarget): Promise<TestRunResult> {
  const logger = log.scoped('tests');
  const refused = untrustedReason('Running the tests');
  if (refused !== undefined) {
    logger.warn(refused);
    showUntrusted(refused);
    return { ran: false, reason: refused };
  }
  const python = await resolvePython(target.notebookUri);
  const args = ['-m', 'pytest', '-q', 'tests'];
  logger.info(`task: ${commandLine([python.path, ...args])} in ${target.outDir} (Python from ${python.source})`);
  const task = new vscode.Task(
    { type: 'nbpromote', task: 'test', outDir: target.outDir },
    target.folder ?? vscode.TaskScope.Workspace,
    `test ${target.packageName}`,
    'Notebook Promoter',
    new vscode.ProcessExecution(python.path, args, { cwd: target.outDir }),
    [],
  );
  task.group = vscode.TaskGroup.Test;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  const processCodes = new Map<vscode.TaskExecution, number | undefined>();
  const endedExecutions = new Set<vscode.TaskExecution>();
  let waiting: { readonly execution: vscode.TaskExecution; readonly resolve: (code: number | undefined) => void } | undefined;
  const disposables = [
    vscode.tasks.onDidEndTaskProcess((e) => processCodes.set(e.execution, e.exitCode)),
    vscode.tasks.onDidEndTask((e) => {
      endedExecutions.add(e.execution);
      if (waiting?.execution === e.execution) waiting.resolve(processCodes.get(e.execution));
    }),
  ];
  try {
    const execution = await vscode.tasks.executeTask(task);
    const exitCode = endedExecutions.has(execution) ? processCodes.get(execution) : await new Promise<number | undefined>((resolve) => (waiting = { execution, resolve }));
    logger.info(`tests of ${target.packageName} ended with exit code ${String(exitCode)}`);
    const ended = testsEndedMessage(target.packageName, exitCode, pythonWords(python));
    // Said when they pass too, as a run and a promotion say they ended (round 76 JKJ: only the terminal said so).
    if (ended === undefined) void vscode.window.showInformationMessage(`The tests of ${target.packageName} passed.`);
    else {
      const actions = [...(ended.pythonFailed ? ['Open Setting'] : []), 'Show Log'];
      void vscode.window.showWarningMessage(ended.text, ...actions).then((choice) => {
        if (choice === 'Show Log') log.show();
        else if (choice === 'Open Setting') void openSetting(ConfigKey.PythonPath, target.notebookUri);
      });
    }
    return { ran: true, ...(exitCode === undefined ? {} : { exitCode }) };
  } finally {
    for (const d of disposables) d.dispose();
  }
}


/** A finished run's message, with "Open Run" (its page in the Runs view) when the run was recorded, and "Show Log". */
function showFinished(log: Log, message: string, outDir: string, runId: string | undefined): void {
  const actions = [...(runId === undefined ? [] : ['Open Run']), 'Show Log'];
  void vscode.window.showInformationMessage(message, ...actions).then((choice) => {
    if (choice === 'Show Log') log.show();
    else if (choice === 'Open Run' && runId !== undefined) void vscode.commands.executeCommand(CommandId.OpenRun, { kind: 'recordedRun', root: outDir, id: runId });
  });
}

function showWithLog(log: Log, severity: 'info' | 'error', message: string): void {
  const shown = severity === 'info' ? vscode.window.showInformationMessage(message, 'Show Log') : vscode.window.showErrorMessage(message, 'Show Log');
  void shown.then((choice) => {
    if (choice === 'Show Log') log.show();
  });
}
