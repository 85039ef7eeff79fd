/**
 * A command line as a person would type it in a POSIX shell, for logs: arguments with spaces, quotes or other
 * characters a shell treats specially are single-quoted (`'/tmp/x/churn model/src'`), so the line can be
 * copied and run. Only for showing: nothing runs a shell (child processes get argument arrays).
 */
export function commandLine(argv: readonly string[]): string {
  return argv.map(quoteArgument).join(' ');
}

/** One argument, single-quoted when a shell would split or change it; `'` inside becomes `'\''`. */
export function quoteArgument(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, "'\\''")}'`;
}
