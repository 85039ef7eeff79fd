/** The Python the CLI runs: --python, else $NBPROMOTE_PYTHON, else python3. And a stderr logger. */
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from '../core/util/logger';
import type { ParsedArgs } from './args';
import { flagString } from './args';
import type { CliIo } from './io';

export function pythonFor(args: ParsedArgs, io: CliIo): string {
  const python = flagString(args, 'python') ?? io.env['NBPROMOTE_PYTHON'] ?? 'python3';
  // `.venv/bin/python` is relative to the folder the command runs in, as --out is: the pipeline runs in
  // another folder. A bare name (`python3`) is looked up on PATH.
  return /[\\/]/.test(python) && !isAbsolute(python) ? resolve(io.cwd, python) : python;
}

/** The Python {@link pythonFor} chose, and where from: "python3 from PATH (neither --python nor NBPROMOTE_PYTHON is set)". */
export function pythonForWords(args: ParsedArgs, io: CliIo): string {
  const python = pythonFor(args, io);
  if (flagString(args, 'python') !== undefined) return `${python} (--python)`;
  if (io.env['NBPROMOTE_PYTHON'] !== undefined) return `${python} (NBPROMOTE_PYTHON)`;
  return `${python} from PATH (neither --python nor NBPROMOTE_PYTHON is set)`;
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
