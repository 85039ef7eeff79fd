/**
 * How a run a signal stopped (Stop Run, Cancel, Ctrl-C) is worded: its record says failed (run.schema.json), but
 * nothing in its code went wrong. Shared by the CLI's `runs`, the Runs view, the Run view and Compare.
 */
import type { RunSummary } from '../contract/runs';

/**
 * The run's status as people say it: `stopped` for a run a signal stopped (Stop Run, Cancel, Ctrl-C: its record
 * says failed, but nothing in its code went wrong), else the status.
 */
export function statusWord(run: Pick<RunSummary, 'status' | 'sourceStatus'>): RunSummary['status'] | 'stopped' {
  return run.sourceStatus === 'STOPPED' ? 'stopped' : run.status;
}

/**
 * What a stopped run did, without the signal and the cell the runtime's message names: "stopped during step
 * train", "stopped between steps"; undefined for a run that was not stopped.
 */
export function stoppedWords(run: Pick<RunSummary, 'sourceStatus' | 'error'>): string | undefined {
  if (run.sourceStatus !== 'STOPPED') return undefined;
  const step = /^step '((?:[^'\\]|\\.)*)' was stopped/.exec(run.error ?? '')?.[1];
  return step === undefined ? 'stopped between steps' : `stopped during step ${step}`;
}
