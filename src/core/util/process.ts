import { readFileSync } from 'node:fs';

/** True when a process with this id exists: signal 0 checks without sending anything; EPERM means it exists (another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (ex) {
    return ex instanceof Error && 'code' in ex && ex.code === 'EPERM';
  }
}

/**
 * True when the process with this id started after `epochMs` (Linux: its start in /proc/<pid>/stat, in clock
 * ticks after the boot time /proc/stat gives): the id was reused by another process since a record naming it
 * was made (a run killed with SIGKILL, then the id given to a new process). False when that cannot be told (no
 * /proc, another system) or it started before. `slackMs`: the record's clock and the kernel's may differ a little.
 */
export function processStartedAfter(pid: number, epochMs: number, slackMs = 2000): boolean {
  if (!Number.isFinite(epochMs)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces: the fields after it start at the state.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]);
    const bootLine = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
    if (!Number.isFinite(startTicks) || bootLine === null) return false;
    // USER_HZ is 100 on every Linux architecture Node runs on.
    const startedMs = Number(bootLine[1]) * 1000 + (startTicks / 100) * 1000;
    return startedMs > epochMs + slackMs;
  } catch {
    return false;
  }
}

/** A run record's process is alive and is the one that started the run (`startIso`: the record's start), not a process that took its id since. */
export function runProcessAlive(pid: number, startIso: unknown): boolean {
  return processExists(pid) && !(typeof startIso === 'string' && processStartedAfter(pid, Date.parse(startIso)));
}

/**
 * Why a program could not start, in words: `cannot run python3.13: no such program (set --python or
 * NBPROMOTE_PYTHON)`; a folder or a file without execute permission (EACCES) is said as such (round 66 QQQ:
 * `spawn /tmp EACCES`). `program`: how the message names it; `setting`: where the user chooses another.
 */
export function cannotRun(program: string, code: string | undefined, setting: string): string {
  if (code === 'ENOENT') return `cannot run ${program}: no such program (set ${setting})`;
  if (code === 'EACCES') return `cannot run ${program}: it is a folder or a file without execute permission, not a program (set ${setting})`;
  return `cannot run ${program}: ${code ?? 'it did not start'} (set ${setting})`;
}
