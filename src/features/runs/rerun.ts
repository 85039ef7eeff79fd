/**
 * "Re-run with These Parameters": runs the pipeline of a local run again with the parameters that run
 * recorded, as `nbpromote run --param k=v …` does: `python -m <package>.pipeline --param k=v … --json` in
 * the project with <project>/src first on the import path, a child process with an argument array (no shell), stderr to
 * the log, under a cancellable progress notification. Runs only in a trusted workspace, and only the pipeline the
 * run was a run of: when the project's pipeline.yaml now names another package (another notebook was promoted
 * there since), it says so and runs nothing; nor while this window runs that pipeline (promote/running.ts). A
 * failed re-run shows the runner's error, with "Go to Cell" when it names a cell of the notebook, or the Python
 * that ran it and "Open Setting" when it could not import a module (importAdvice).
 *
 * (The promote feature's runPipeline takes no parameters, hence this small runner.)
 */
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { formatProblem } from '../../core/contract/problem';
import type { RunSummary } from '../../core/contract/runs';
import { readPipelineConfig } from '../../core/pipeline/config';
import type { Logger } from '../../core/util/logger';
import { resolvePython } from '../../host/python';
import { showUntrusted, untrustedReason } from '../../host/trust';
import { paramArgument } from './format';
import type { ChildResult } from '../../host/childProcess';
import { realRootOf } from '../../core/io/paths';
import { claimPipelineRun, showAlreadyRunning, showRunningElsewhere } from '../promote/running';
import { pipelineArgs, shownPipelineArgs } from '../../core/pipeline/command';
import { pipelinePackageProblem } from '../../core/pipeline/packageCheck';
import { parseRunnerReport } from '../../core/runs/runnerOutput';
import { CommandId } from '../../host/ids';
import { failedCellOf, importAdvice, metricWords, runFailureMessage, runStoppable, showRunFailure, spawnFailure } from '../promote/run';
import { commandLine } from '../../core/util/commandLine';

export interface RerunResult {
  readonly ran: boolean;
  /** Why it did not run, or why it failed. */
  readonly reason?: string;
  readonly exitCode?: number | null;
  /** The new run's id and status, from the pipeline's `--json` report. */
  readonly runId?: string;
  readonly status?: string;
  /** The command line's arguments after the interpreter. */
  readonly argv?: readonly string[];
  /** Parameters of the old run that pipeline.yaml no longer has (left out). */
  readonly dropped?: readonly string[];
}

export async function rerunPipeline(run: RunSummary, root: string, logger: Logger, options: { readonly besideOtherRun?: boolean } = {}): Promise<RerunResult> {
  const refused = untrustedReason('Re-running the pipeline');
  if (refused !== undefined) {
    logger.warn(refused);
    showUntrusted(refused);
    return { ran: false, reason: refused };
  }
  const configFile = nodePath.join(root, 'pipeline.yaml');
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch {
    return failed(`There is no pipeline.yaml in ${root} any more: the run cannot be repeated.`);
  }
  const { config, problems } = readPipelineConfig(text, configFile);
  const errors = problems.filter((p) => p.severity === 'error');
  if (config === undefined || errors.length > 0) {
    for (const p of errors) logger.error(formatProblem(p));
    return failed(`pipeline.yaml cannot be run: ${errors[0] === undefined ? 'see the log' : formatProblem(errors[0])}`);
  }
  if (run.pipeline !== undefined && run.pipeline !== config.package) {
    return failed(`${run.id} was a run of ${run.pipeline}, but ${root} now holds the package ${config.package} (promoted from ${config.notebook}): the run cannot be repeated there.`);
  }
  // The run's own package named, but not there (pipeline.yaml edited, src/ deleted): say which and why.
  const wrongPackage = await pipelinePackageProblem(root, configFile, text, config);
  if (wrongPackage !== undefined) return failed(`pipeline.yaml cannot be run: ${formatProblem(wrongPackage)}`);
  const dropped = Object.keys(run.params).filter((name) => !Object.prototype.hasOwnProperty.call(config.parameters, name));
  const argv = pipelineArgs(config.package, nodePath.join(root, 'src'));
  for (const [name, value] of Object.entries(run.params)) {
    if (!dropped.includes(name)) argv.push('--param', `${name}=${paramArgument(value)}`);
  }
  argv.push('--json');
  if (dropped.length > 0) logger.warn(`pipeline.yaml no longer has the parameter(s) ${dropped.join(', ')} of run ${run.id}: they are left out`);
  const claim = claimPipelineRun(await realRootOf(root), config.package);
  if ('busy' in claim) {
    const reason = showAlreadyRunning(claim.busy, root, () => void vscode.commands.executeCommand(CommandId.ShowLog));
    logger.info(reason);
    return { ran: false, reason };
  }
  let python: Awaited<ReturnType<typeof resolvePython>>;
  let result: ChildResult;
  try {
    // A run of this pipeline from a terminal or another window.
    const elsewhere = options.besideOtherRun === true ? undefined : await showRunningElsewhere(root, config.package, () => void rerunPipeline(run, root, logger, { besideOtherRun: true }));
    if (elsewhere !== undefined) {
      logger.info(elsewhere);
      return { ran: false, reason: elsewhere };
    }
    python = await resolvePython(vscode.Uri.file(root));
    logger.info(`re-running ${run.id}: ${commandLine(shownPipelineArgs(python.path, config.package, argv))} in ${root} (Python from ${python.source})`);
    const interpreter = python;
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Re-running ${config.package} with the parameters of ${run.id}`, cancellable: true },
      (progress, token) => runStoppable(interpreter.path, argv, root, logger, token, claim, { names: config.steps.map((s) => s.name), report: progress }),
    );
  } finally {
    claim.release();
  }
  if (result.spawnError !== undefined) {
    const reason = spawnFailure(python, result.spawnError);
    logger.error(reason);
    showRunFailure(() => void vscode.commands.executeCommand(CommandId.ShowLog), reason, vscode.Uri.file(root), undefined, true);
    return { ran: false, reason };
  }
  const report = parseRunnerReport(result.stdout);
  const runId = typeof report?.run_id === 'string' ? report.run_id : undefined;
  const status = result.cancelled ? 'cancelled' : typeof report?.status === 'string' ? report.status : undefined;
  if (result.code !== 0 && !result.cancelled) {
    const advice = importAdvice(report, config.package, python);
    const error = runFailureMessage(`The re-run of ${run.id} (${config.package} ${config.version})`, result.code, report, result.stderr, advice);
    logger.error(error);
    const notebookUri = vscode.Uri.file(nodePath.resolve(root, ...config.notebook.split('/')));
    const cell = advice === undefined ? await failedCellOf(notebookUri, report, logger) : undefined;
    showRunFailure(() => void vscode.commands.executeCommand(CommandId.ShowLog), error, notebookUri, cell, advice !== undefined, root);
    return { ran: true, exitCode: result.code, argv, reason: error, ...(runId === undefined ? {} : { runId }), ...(status === undefined ? {} : { status }), ...(dropped.length > 0 ? { dropped } : {}) };
  } else if (result.cancelled) {
    void vscode.window.showInformationMessage(`The re-run of ${run.id} (${config.package}) was stopped.`);
  } else {
    // With its metrics, as a run says it (round 36 I).
    const metrics = metricWords(report);
    const message = `${config.package} ran again with the parameters of ${run.id}${runId === undefined ? '' : `: run ${runId}`} ${status ?? 'finished'}${metrics.length > 0 ? `: ${metrics.join(', ')}` : ''}.`;
    void vscode.window.showInformationMessage(message);
  }
  return {
    ran: true,
    exitCode: result.code,
    argv,
    ...(runId === undefined ? {} : { runId }),
    ...(status === undefined ? {} : { status }),
    ...(dropped.length > 0 ? { dropped } : {}),
  };

  function failed(reason: string): RerunResult {
    logger.error(reason);
    void vscode.window.showErrorMessage(reason);
    return { ran: false, reason };
  }
}

