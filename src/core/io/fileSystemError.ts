/**
 * The file system's refusals (disk full, permissions, a folder where a file must be ...) told as what they
 * are: a fault of the machine or the folder, not of nbpromote. Node's own messages name the system call and,
 * for writes to an open file, no path at all (`ENOSPC: no space left on device, write`); these name the file.
 */
import { NbpromoteError } from '../errors';

/** What each error code means, as the end of "cannot write <path>: ...". */
const MEANINGS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the path is too long for the file system',
  EISDIR: 'a folder is there, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'something else is already there',
  ENOENT: 'a folder on the way does not exist (was it removed meanwhile?)',
  EIO: 'an input/output error (the disk or the network file system failed)',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open on the system',
  ELOOP: 'too many symbolic links on the way',
  EBUSY: 'the file or its device is busy',
  ETXTBSY: 'the file is busy',
  EFBIG: 'the file is too large for the file system',
};

/** Advice for the codes where there is an obvious next step. */
const ADVICE: Readonly<Record<string, string>> = {
  ENOSPC: 'free some space and try again',
  EDQUOT: 'free some space and try again',
  EACCES: 'check the permissions of the folder',
  EPERM: 'check the permissions of the folder',
  EROFS: 'write to another folder (--out)',
};

/** The error code of a Node file system error (`ENOSPC` ...), when `ex` is one this module knows. */
export function fileSystemCode(ex: unknown): string | undefined {
  const code = ex instanceof Error && 'code' in ex ? ex.code : undefined;
  return typeof code === 'string' && code in MEANINGS ? code : undefined;
}

/**
 * `cannot <action> <path>: <meaning> (<CODE>)[; <outcome>][; <advice>]` for a file system error `ex` (no path
 * when it is empty).
 */
export function fileSystemMessage(ex: unknown, action: string, path: string, outcome?: string): string {
  const code = fileSystemCode(ex) ?? 'error';
  const meaning = MEANINGS[code] ?? (ex instanceof Error ? ex.message : String(ex));
  const advice = ADVICE[code];
  return [`cannot ${action}${path === '' ? '' : ` ${path}`}: ${meaning} (${code})`, ...(outcome === undefined ? [] : [outcome]), ...(advice === undefined ? [] : [advice])].join('; ');
}

/**
 * NbpromoteError('fileSystem') for `ex` when it is a file system error this module knows, else `ex` itself.
 */
export function fileSystemError(ex: unknown, action: string, path: string, outcome?: string): unknown {
  if (fileSystemCode(ex) === undefined) return ex;
  return new NbpromoteError('fileSystem', fileSystemMessage(ex, action, path, outcome), { cause: ex });
}

/**
 * The message for a file system error nobody wrapped (Node's, with its `syscall` and `path`), or undefined
 * when `ex` is not one: `cannot <syscall> <path>: <meaning> (<CODE>)`.
 */
export function describeFileSystemError(ex: unknown): string | undefined {
  if (fileSystemCode(ex) === undefined || !(ex instanceof Error)) return undefined;
  const { syscall, path } = ex as NodeJS.ErrnoException;
  return fileSystemMessage(ex, (syscall === undefined ? undefined : ACTIONS[syscall]) ?? 'use', path ?? '');
}

/** What a system call does, as "cannot <action> <path>" says it (`realpath` and `lstat` mean nothing to most). */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  close: 'close',
  fsync: 'write',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  mkdir: 'create the folder',
  mkdtemp: 'create a temporary folder in',
  copyfile: 'copy',
  chmod: 'change the permissions of',
  utime: 'change the times of',
  link: 'link',
  symlink: 'link',
  stat: 'read',
  lstat: 'read',
  fstat: 'read',
  access: 'reach',
  realpath: 'reach',
  readlink: 'read the link',
  scandir: 'list the folder',
  opendir: 'list the folder',
  readdir: 'list the folder',
  watch: 'watch',
};
