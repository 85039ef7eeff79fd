import * as assert from 'node:assert/strict';
import { describeFileSystemError } from './fileSystemError';

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

describe('describeFileSystemError', () => {
  // Round 57 ZZ: a folder that cannot be entered said "cannot realpath /p/out: permission denied".
  it('names what could not be done in words, not by the system call', () => {
    assert.equal(describeFileSystemError(errno('EACCES', 'realpath', '/p/out')), 'cannot reach /p/out: permission denied (EACCES); check the permissions of the folder');
    assert.equal(describeFileSystemError(errno('ENOENT', 'lstat', '/p/a.py')), 'cannot read /p/a.py: a folder on the way does not exist (was it removed meanwhile?) (ENOENT)');
    assert.equal(describeFileSystemError(errno('EACCES', 'scandir', '/p')), 'cannot list the folder /p: permission denied (EACCES); check the permissions of the folder');
    assert.equal(describeFileSystemError(errno('EROFS', 'unlink', '/p/x')), 'cannot remove /p/x: the file system is read-only (EROFS); write to another folder (--out)');
    assert.equal(describeFileSystemError(errno('EACCES', 'futimes', '/p/x')), 'cannot use /p/x: permission denied (EACCES); check the permissions of the folder');
  });

  it('is undefined for what is no file system error it knows', () => {
    assert.equal(describeFileSystemError(new Error('boom')), undefined);
    assert.equal(describeFileSystemError(errno('ECONNRESET', 'read', '')), undefined);
  });
});
