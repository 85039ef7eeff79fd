/** Reading a notebook from disk: the only place in core/notebook that touches the file system. */
import { closeSync, fstatSync, openSync, readlinkSync, readSync, statSync } from 'node:fs';
import type { ParseResult } from '../contract/notebook';
import { parseNotebookBytes } from './parse';

/**
 * Reads and parses the notebook at `path` (see parseNotebook). Never rejects: a missing or unreadable file
 * comes back as a `file-unreadable` problem.
 */
export async function readNotebookFile(path: string): Promise<ParseResult> {
  try {
    return Promise.resolve(parseNotebookFile(path));
  } catch (error) {
    if (!isFileError(error)) throw error;
    return { notebook: undefined, problems: [{ severity: 'error', code: 'file-unreadable', message: unreadableMessage(error), file: path }] };
  }
}

/**
 * Reads and parses the notebook at `path`, named `file` in problems (see parseNotebook). Never throws on
 * what the file holds; throws what the file system throws (see `isFileError`).
 *
 * An `.ipynb` file is read a few megabytes at a time and parsed as it is read (parseNotebookBytes): its
 * bytes, its text and its parsed JSON are never all in memory at once. For the bench's 92 MB notebook the
 * peak of `nbpromote inspect` is 2.1 times the file size (Node's own 40 MB included), down from 3.7
 * times when the file was read as one string, and it is read faster.
 */
export function parseNotebookFile(path: string, file: string = path): ParseResult {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return parseNotebookBytes({ size, read: (target, offset, length, position) => readSync(fd, target, offset, length, position) }, file);
  } finally {
    closeSync(fd);
  }
}

/** True for an error of the file system or of Node's file functions (it has a `code`), not a fault of this tool. */
export function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function unreadableMessage(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'the file does not exist';
    case 'EISDIR':
      return 'this is a folder, not a notebook file';
    case 'EACCES':
    case 'EPERM':
      return 'the file cannot be read: permission denied';
    default:
      return `the file cannot be read: ${error.message}`;
  }
}

/**
 * What `path` is, in words, when it is neither a regular file nor a folder (a device such as /dev/zero, a FIFO,
 * a socket); undefined otherwise, or when it cannot be looked at (reading it then says why). Reading a device
 * may never end and opening a FIFO waits for a writer, so such a file is refused before it is opened.
 */
export function specialFileKind(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  if (stats.isFile() || stats.isDirectory()) return undefined;
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The `unreadable` problem message for a file `specialFileKind` described as `kind`. */
export function specialFileMessage(kind: string): string {
  return `it is ${kind}, not a notebook file: nbpromote reads notebooks from regular files`;
}

/**
 * Why a notebook path gave ENOENT, in words: "no such file", or, for a symbolic link whose target is gone (the
 * link is there, so "no such file" misleads: round 51 KK), what it points to.
 */
export function missingFileMessage(path: string): string {
  try {
    return `it is a symbolic link to ${readlinkSync(path)}, which does not exist`;
  } catch {
    return 'no such file';
  }
}
