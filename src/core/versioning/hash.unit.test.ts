import * as assert from 'node:assert/strict';
import type { FilePlan } from '../contract/filePlan';
import type { LockFile } from '../contract/lockFile';
import { codeSha256, fileHashes, generatedFilesChanged, sha256, stepSourceSha256 } from './hash';

const plan = (path: string, contents: string, mode?: 'create-only'): FilePlan => (mode === undefined ? { path, contents, why: '' } : { path, contents, why: '', mode });

describe('hashes', () => {
  it('sha256 is the hex SHA-256 of the UTF-8 bytes, for strings and bytes alike', () => {
    assert.equal(sha256(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256('é'), sha256(Buffer.from('é', 'utf8')));
  });

  it('stepSourceSha256 tells apart cell boundaries and order', () => {
    const hashes = new Set([stepSourceSha256(['a', 'b']), stepSourceSha256(['a\nb']), stepSourceSha256(['b', 'a']), stepSourceSha256(['ab']), stepSourceSha256([])]);
    assert.equal(hashes.size, 5);
    assert.equal(stepSourceSha256(['x = 1']), stepSourceSha256(['x = 1']));
  });

  // Round 51 KK: a notebook saved again with LF for CRLF counted as changed code (a version up, a false warning).
  it('stepSourceSha256 and codeSha256 do not count line ends', () => {
    assert.equal(stepSourceSha256(['a = 1\r\nb = 2', 'c\rd']), stepSourceSha256(['a = 1\nb = 2', 'c\nd']));
    assert.notEqual(stepSourceSha256(['a = 1\nb = 2']), stepSourceSha256(['a = 1\nb = 3']));
    assert.equal(codeSha256([{ source: 'x = 1\r\n', tags: ['step:a'] }]), codeSha256([{ source: 'x = 1\n', tags: ['step:a'] }]));
  });

  it('fileHashes leaves create-only plans out', () => {
    assert.deepEqual(fileHashes([plan('a.py', 'a'), plan('pyproject.toml', 'p', 'create-only')]), { 'a.py': sha256('a') });
  });

  describe('generatedFilesChanged', () => {
    const lock = { files: { 'src/p/a.py': sha256('a'), 'src/p/b.py': sha256('b') } } as unknown as LockFile;
    const cases: [string, FilePlan[], LockFile | undefined, boolean][] = [
      ['no lock', [plan('src/p/a.py', 'a')], undefined, true],
      ['the same files (create-only aside)', [plan('src/p/b.py', 'b'), plan('src/p/a.py', 'a'), plan('pyproject.toml', 'new', 'create-only')], lock, false],
      ['other contents', [plan('src/p/a.py', 'a2'), plan('src/p/b.py', 'b')], lock, true],
      ['a file more', [plan('src/p/a.py', 'a'), plan('src/p/b.py', 'b'), plan('src/p/c.py', 'c')], lock, true],
      ['a file less', [plan('src/p/a.py', 'a')], lock, true],
      ['a file named like an inherited property', [plan('src/p/a.py', 'a'), plan('constructor', 'b')], lock, true],
      ['a file renamed', [plan('src/p/a.py', 'a'), plan('src/p/c.py', 'b')], lock, true],
      // Round 49 FF: a path promotion never writes (a lock edited by hand) is no generated file gone.
      ['a path the lock lists that promotion never writes', [plan('src/p/a.py', 'a'), plan('src/p/b.py', 'b')], { files: { 'src/p/a.py': sha256('a'), 'src/p/b.py': sha256('b'), '.git/HEAD': sha256('x') } } as unknown as LockFile, false],
      ['a file the lock lists that a person made theirs (create-only now)', [plan('src/p/a.py', 'a'), plan('src/p/b.py', 'edited', 'create-only')], lock, false],
    ];
    for (const [name, plans, l, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.equal(generatedFilesChanged(plans, l), expected));
    }
  });
});
