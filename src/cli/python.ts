/** The Python the CLI runs: --python, else $NBPROMOTE_PYTHON, else python3. And a stderr logger. */
import type { Logger } from '../core/util/logger';
import type { ParsedArgs } from './args';
import { flagString } from './args';
import type { CliIo } from './io';

export function pythonFor(args: ParsedArgs, io: CliIo): string {
  return flagString(args, 'python') ?? io.env['NBPROMOTE_PYTHON'] ?? 'python3';
}

/** Progress and logs on stderr; debug lines only with NBPROMOTE_DEBUG=1. */
export function stderrLogger(io: CliIo, _quiet: boolean): Logger {
  const debug = io.env['NBPROMOTE_DEBUG'] === '1';
  return {
    trace: () => undefined,
    debug: (m) => (debug ? io.err(`debug: ${m}\n`) : undefined),
    info: (m) => io.err(`${m}\n`),
    warn: (m) => io.err(`warning: ${m}\n`),
    error: (m) => io.err(`error: ${typeof m === 'string' ? m : m.message}\n`),
  };
}
