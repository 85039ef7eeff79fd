import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { formatProblem } from '../../core/contract/problem';
import { readPipelineConfig } from '../../core/pipeline/config';
import type { Log } from '../../host/log';
import type { PromotionTarget } from '../../host/promotionTarget';
import { resolvePython } from '../../host/python';
import { showUntrusted, untrustedReason } from '../../host/trust';
import { displayDir } from './shared';
import { runInOutputRoot } from '../../host/childProcess';
import { pipelineArgs } from '../../core/pipeline/command';

/** What `nbpromote.runPipeline` returns to a caller (tests, other extensions). */
export interface RunPipelineResult {
  readonly ran: boolean;
  /** Why it did not run (Restricted Mode, not promoted yet, a damaged pipeline.yaml). */
  readonly reason?: string;
  readonly exitCode?: number | null;
  readonly status?: string;
  readonly runId?: string;
  readonly metrics?: Readonly<Record<string, unknown>>;
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
 * finishes. Refuses in Restricted Mode, and says why, before anything else.
 */
export async function runPipeline(log: Log, target: () => PromotionTarget): Promise<RunPipelineResult> {
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
    void vscode.window.showInformationMessage(reason, 'Promote').then((choice) => {
      if (choice === 'Promote') void vscode.commands.executeCommand('nbpromote.promoteNotebook', t.notebookUri);
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
  const python = await resolvePython(t.notebookUri);
  const argv = pipelineArgs(config.package, nodePath.join(t.outDir, 'src'), ['--json']);
  logger.info(`${python.path} -m ${config.package}.pipeline --json in ${t.outDir} (Python from ${python.source})`);
  const started = Date.now();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Running ${config.package} ${config.version}`, cancellable: true },
    (_progress, token) => runInOutputRoot(python.path, argv, t.outDir, logger, token),
  );
  if (result.spawnError !== undefined) {
    const reason = result.spawnError === 'ENOENT' ? `cannot run ${python.path}: no such program (set nbpromote.python.path)` : `cannot run ${python.path}: ${result.spawnError}`;
    showWithLog(log, 'error', reason);
    return { ran: false, reason };
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const report = parseReport(result.stdout);
  if (result.cancelled) {
    void vscode.window.showInformationMessage(`The run of ${config.package} was stopped.`);
    return { ran: true, exitCode: result.code, status: 'cancelled' };
  }
  if (result.code === 0 && report !== undefined) {
    const metrics = Object.entries(report.metrics ?? {}).map(([name, value]) => `${name} ${typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)}`);
    showWithLog(log, 'info', `${config.package} ${config.version} ${report.status ?? 'finished'} in ${seconds} s${metrics.length > 0 ? `: ${metrics.join(', ')}` : ' (no metrics)'}`);
  } else {
    const last = result.stderr.trim().split('\n').pop() ?? '';
    showWithLog(log, 'error', `${config.package} ${config.version} failed (exit code ${String(result.code)})${last === '' ? '' : `: ${last}`}`);
  }
  return {
    ran: true,
    exitCode: result.code,
    ...(report?.status === undefined ? {} : { status: report.status }),
    ...(report?.run_id === undefined ? {} : { runId: report.run_id }),
    ...(report?.metrics === undefined ? {} : { metrics: report.metrics }),
  };
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
  logger.info(`task: ${python.path} ${args.join(' ')} in ${target.outDir} (Python from ${python.source})`);
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
    return { ran: true, ...(exitCode === undefined ? {} : { exitCode }) };
  } finally {
    for (const d of disposables) d.dispose();
  }
}


interface RunReport {
  readonly run_id?: string;
  readonly status?: string;
  readonly metrics?: Record<string, unknown>;
}

/** The one JSON object `pipeline --json` prints on stdout (the last line that is one, should anything else be printed). */
function parseReport(stdout: string): RunReport | undefined {
  const candidates = [stdout.trim(), ...stdout.trim().split('\n').reverse()];
  for (const text of candidates) {
    if (!text.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as RunReport;
    } catch {
      // not this one
    }
  }
  return undefined;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function showWithLog(log: Log, severity: 'info' | 'error', message: string): void {
  const shown = severity === 'info' ? vscode.window.showInformationMessage(message, 'Show Log') : vscode.window.showErrorMessage(message, 'Show Log');
  void shown.then((choice) => {
    if (choice === 'Show Log') log.show();
  });
}
