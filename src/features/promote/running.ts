import * as vscode from 'vscode';
import { liveLocalRun, liveRunWords } from '../../core/runs/localStore';

/**
 * The pipeline runs this window started that have not ended, one per output root: a second run of the same
 * pipeline (Run Promoted Pipeline again from the palette, the Pipelines view or the lens, or Re-run with These
 * Parameters) would race the first on `.nbpromote/cache` and double the work, so it is refused with what is
 * running and a way to stop it. Runs of different output roots go side by side.
 */
export interface RunningPipeline {
  /** The output root, its real path (the key). */
  readonly root: string;
  /** What people call it: the package (`houses`). */
  readonly name: string;
  readonly startedAt: number;
  /** Cancelled by the progress notification's Cancel and by "Stop Run": the process is killed. */
  readonly token: vscode.CancellationToken;
  stop(): void;
}

/** A claimed output root: run under `token`, then `release()` (always, however the run ends). */
export interface RunClaim extends RunningPipeline {
  release(): void;
}

const running = new Map<string, RunClaim>();

/**
 * Claims the output root `root` (a real path: the same folder reached by a symlink is the same pipeline) for a
 * run of `name`: the claim, or `{ busy }`, the run going on there. Synchronous, so two clicks in one instant
 * cannot both claim it.
 */
export function claimPipelineRun(root: string, name: string): RunClaim | { readonly busy: RunningPipeline } {
  const busy = running.get(root);
  if (busy !== undefined) return { busy };
  const source = new vscode.CancellationTokenSource();
  const claim: RunClaim = {
    root,
    name,
    startedAt: Date.now(),
    token: source.token,
    // A "Stop Run" answered after the run ended stops nothing.
    stop: () => {
      if (running.get(root) === claim) source.cancel();
    },
    release: () => {
      if (running.get(root) === claim) running.delete(root);
      source.dispose();
    },
  };
  running.set(root, claim);
  return claim;
}

/**
 * "houses is already running (started 12 s ago in build/houses): a second run would race it on its cache. Stop
 * it, or wait until it ends." with "Stop Run" and "Show Log". Does not wait for the person. Returns the message.
 */
export function showAlreadyRunning(busy: RunningPipeline, where: string, showLog: () => void): string {
  const seconds = Math.max(0, Math.round((Date.now() - busy.startedAt) / 1000));
  const message = `${busy.name} is already running (started ${seconds} s ago in ${where}): a second run would race it on its cache. Stop it, or wait until it ends.`;
  void vscode.window.showWarningMessage(message, 'Stop Run', 'Show Log').then((choice) => {
    if (choice === 'Stop Run') busy.stop();
    else if (choice === 'Show Log') showLog();
  });
  return message;
}

/**
 * A run of the pipeline in `root` going on outside this window (`nbpromote run` or `python -m <package>.pipeline`
 * in a terminal, another window): says so, as {@link showAlreadyRunning} does, with "Run Anyway" (a pid reused
 * since a killed run can look alive), and returns the message; undefined when there is none. Does not wait.
 */
export async function showRunningElsewhere(root: string, name: string, runAnyway: () => void): Promise<string | undefined> {
  const outside = await liveLocalRun(root);
  if (outside === undefined) return undefined;
  const message = `${name} is already running outside this window (${liveRunWords(outside)}): a second run would race it on its cache. Wait until it ends, or stop that process.`;
  void vscode.window.showWarningMessage(message, 'Run Anyway').then((choice) => {
    if (choice === 'Run Anyway') runAnyway();
  });
  return message;
}
