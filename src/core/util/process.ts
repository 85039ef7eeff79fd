/** True when a process with this id exists: signal 0 checks without sending anything; EPERM means it exists (another user's). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (ex) {
    return ex instanceof Error && 'code' in ex && ex.code === 'EPERM';
  }
}
