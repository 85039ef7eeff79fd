import { spawn } from 'node:child_process';
import type * as vscode from 'vscode';
import { TracebackTracker } from '../core/runs/runnerOutput';
import type { Logger } from '../core/util/logger';

/** What a generated package's command line gave: exit code, output, and whether it was cancelled. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled: boolean;
  readonly spawnError?: string;
}

/**
 * Runs `command argv` (no shell) in an output root, as `nbpromote run` does (`argv` from pipelineArgs puts the
 * root's `src/` on the import path; PYTHONPATH would split a folder name holding `:`): stdout is collected, stderr is collected and logged line by line
 * (a Python traceback at error level, the run's progress at info) and given to `onLine`, cancellation kills the
 * process.
 */
export function runInOutputRoot(command: string, argv: readonly string[], cwd: string, logger: Logger, token: vscode.CancellationToken, onLine?: (line: string) => void): Promise<ChildResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    const child = spawn(command, [...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const subscription = token.onCancellationRequested(() => {
      cancelled = true;
      child.kill();
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    let partial = '';
    const tracebacks = new TracebackTracker();
    // The runtime's own warnings (`nbpromote: warning: ...`) are warnings in the log too.
    const log = (line: string): void => (tracebacks.level(line) === 'error' ? logger.error(line) : line.startsWith('nbpromote: warning:') ? logger.warn(line) : logger.info(line));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr += text;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        log(line);
        onLine?.(line);
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      subscription.dispose();
      resolve({ code: null, stdout, stderr, cancelled, spawnError: error.code ?? error.message });
    });
    child.on('close', (code) => {
      subscription.dispose();
      if (partial !== '') log(partial);
      resolve({ code, stdout, stderr, cancelled });
    });
  });
}
