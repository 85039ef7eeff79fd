/** Where the CLI's output goes. Commands write through this so tests can capture it without a subprocess. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const enum ExitCode {
  Ok = 0,
  /** The input or the state is wrong: the message names file, cell and line. */
  BadInput = 1,
  Usage = 2,
  /** Stopped by a signal: 128 + its number, as a shell reports a process the signal ended. */
  StoppedByHup = 129,
  StoppedByInt = 130,
  StoppedByTerm = 143,
}

/** What a CI timeout, a process manager, Ctrl-C and a closed terminal send to nbpromote. */
export type StopSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP';

/** The exit code of a command stopped by `signal`: 128 + its number, as a shell reports it. */
export const STOPPED_EXIT: Readonly<Record<StopSignal, ExitCode>> = { SIGTERM: ExitCode.StoppedByTerm, SIGINT: ExitCode.StoppedByInt, SIGHUP: ExitCode.StoppedByHup };

/** The signals that stop a command ({@link StopSignal}). */
export const STOP_SIGNALS = Object.keys(STOPPED_EXIT) as StopSignal[];

/** Runs `work` with `stop` called for each stop signal nbpromote gets meanwhile (instead of node ending at once). */
export async function whileStoppable<T>(stop: (signal: StopSignal) => void, work: () => Promise<T>): Promise<T> {
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  try {
    return await work();
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  }
}
