/** Reading a notebook from disk: the only place in core/notebook that touches the file system. */
import { readFileSync } from 'node:fs';
import type { ParseResult } from '../contract/notebook';
import { parseNotebook } from './parse';

/**
 * Reads and parses the notebook at `path` (see parseNotebook). Never rejects: a missing or unreadable file
 * comes back as a `file-unreadable` problem.
 *
 * The read is synchronous on purpose, for peak memory: `readFileSync(path, 'utf8')` reads and decodes in
 * one native step, so the file's bytes never sit in a Buffer beside the string, while `fs/promises`
 * builds the string from chunks that `JSON.parse` must first copy into one flat string. For a 100 MB
 * notebook that is 100 MB more at the peak (about 3.7x the file size instead of 2.7x). Parsing after it
 * is synchronous CPU work anyway, longer than the read.
 */
export async function readNotebookFile(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { notebook: undefined, problems: [{ severity: 'error', code: 'file-unreadable', message: unreadableMessage(error), file: path }] };
  }
  return Promise.resolve(parseNotebook(text, path));
}

function unreadableMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'the file does not exist';
    case 'EISDIR':
      return 'this is a folder, not a notebook file';
    case 'EACCES':
    case 'EPERM':
      return 'the file cannot be read: permission denied';
    case 'ERR_STRING_TOO_LONG':
      return 'the file is too large to read (over 512 MB)';
    default:
      return `the file cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}
