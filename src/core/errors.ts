/**
 * Typed errors. Callers branch on `reason` with `NbpromoteError.is(ex, reason)`, never on message text.
 * Only for failures of the tool's own state or the environment: problems in a user's notebook are
 * `Problem` values, not exceptions.
 */
export type ErrorReason =
  | 'usage' // the command line or the call was wrong
  | 'invalidInput' // the input file has errors (see problems)
  | 'notFound'
  | 'cancelled'
  | 'untrusted' // the workspace is not trusted: nothing may execute
  | 'fileSystem' // the file system refused (disk full, permissions, a file where a folder must be): the message names the path
  | 'internal';

export class NbpromoteError extends Error {
  constructor(
    readonly reason: ErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NbpromoteError';
  }

  static is(ex: unknown, reason?: ErrorReason): ex is NbpromoteError {
    return ex instanceof NbpromoteError && (reason === undefined || ex.reason === reason);
  }
}
