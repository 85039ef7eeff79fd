/**
 * "Re-run with These Parameters": runs the pipeline of a local run again with the parameters that run
 * recorded, as `nbpromote run --param k=v …` does: `python -m <package>.pipeline --param k=v … --json` in
 * the project with <project>/src first on the import path, a child process with an argument array (no shell), stderr to
 * the log, under a cancellable progress notification. Runs only in a trusted workspace.
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
import { runInOutputRoot } from '../../host/childProcess';
import { pipelineArgs } from '../../core/pipeline/command';

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

export async function rerunPipeline(run: RunSummary, root: string, logger: Logger): Promise<RerunResult> {
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
  const dropped = Object.keys(run.params).filter((name) => !Object.prototype.hasOwnProperty.call(config.parameters, name));
  const argv = pipelineArgs(config.package, nodePath.join(root, 'src'));
  for (const [name, value] of Object.entries(run.params)) {
    if (!dropped.includes(name)) argv.push('--param', `${name}=${paramArgument(value)}`);
  }
  argv.push('--json');
  if (dropped.length > 0) logger.warn(`pipeline.yaml no longer has the parameter(s) ${dropped.join(', ')} of run ${run.id}: they are left out`);
  const python = await resolvePython(vscode.Uri.file(root));
  logger.info(`re-running ${run.id}: ${python.path} -m ${config.package}.pipeline ${argv.slice(2).join(' ')} in ${root} (Python from ${python.source})`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Re-running ${config.package} with the parameters of ${run.id}`, cancellable: true },
    (_progress, token) => runInOutputRoot(python.path, argv, root, logger, token),
  );
  if (result.spawnError !== undefined) {
    return failed(result.spawnError === 'ENOENT' ? `cannot run ${python.path}: no such program (set nbpromote.python.path)` : `cannot run ${python.path}: ${result.spawnError}`);
  }
  const report = lastJsonObject(result.stdout);
  const runId = typeof report?.['run_id'] === 'string' ? report['run_id'] : undefined;
  const status = result.cancelled ? 'cancelled' : typeof report?.['status'] === 'string' ? report['status'] : undefined;
  if (result.code !== 0 && !result.cancelled) {
    const last = result.stderr.trim().split('\n').pop() ?? '';
    void vscode.window.showErrorMessage(`The re-run of ${run.id} failed (exit code ${String(result.code)})${last === '' ? '' : `: ${last}`}`);
  } else if (!result.cancelled) {
    void vscode.window.showInformationMessage(`${config.package} ran again with the parameters of ${run.id}${runId === undefined ? '' : `: run ${runId}`} ${status ?? 'finished'}.`);
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


/** The JSON object `pipeline --json` prints (the last line that is one). */
function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  for (const line of [stdout.trim(), ...stdout.trim().split('\n').reverse()]) {
    if (!line.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not this one
    }
  }
  return undefined;
}
