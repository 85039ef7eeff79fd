/**
 * "Open Code at Run Commit": a file as it was at a commit, in a read-only editor, without VS Code's git
 * extension. A read-only file system on the scheme `nbpromote-git` answers with `git show <commit>:<path>`
 * (git run with an argument array, no shell), so a notebook opens in the notebook editor and
 * pipeline.yaml in a text editor, both read-only. URIs: `nbpromote-git:/abs/path/file?commit=<sha>&repo=<top>`.
 * git runs only in a trusted workspace.
 */
import { execFile } from 'node:child_process';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { NbpromoteError } from '../../core/errors';
import { isTrusted } from '../../host/trust';

export const gitScheme = 'nbpromote-git';

const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Runs git with `args` in `cwd`; resolves with stdout as bytes. */
export function git(cwd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, encoding: 'buffer', maxBuffer: MAX_FILE_BYTES, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
      if (error !== null) {
        const words = stderr.toString('utf8').trim().split('\n')[0] ?? '';
        reject(new NbpromoteError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'notFound' : 'invalidInput', words !== '' ? words : error.message, { cause: error }));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** The top folder of the repository holding `path` (a folder). */
export async function repositoryTop(folder: string): Promise<string> {
  return (await git(folder, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
}

/** The URI of `file` (absolute) as it was at `commit` in the repository at `top`. */
export function fileAtCommitUri(file: string, commit: string, top: string): vscode.Uri {
  return vscode.Uri.from({ scheme: gitScheme, path: vscode.Uri.file(file).path, query: new URLSearchParams({ commit, repo: top }).toString() });
}

function parse(uri: vscode.Uri): { file: string; commit: string; top: string } {
  const query = new URLSearchParams(uri.query);
  const commit = query.get('commit') ?? '';
  const top = query.get('repo') ?? '';
  if (!/^[0-9a-f]{4,64}$/i.test(commit) || top === '') throw vscode.FileSystemError.FileNotFound(uri);
  return { file: vscode.Uri.file(uri.path).fsPath, commit, top };
}

/** The read-only file system of files at commits. */
export class GitAtCommitFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** What `stat` read, for the `readFile` that follows it (a commit's files never change). */
  private readonly cache = new Map<string, Uint8Array>();

  watch(): vscode.Disposable {
    // A file at a commit never changes.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const bytes = await this.read(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: bytes.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.read(uri);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changed.dispose();
    this.cache.clear();
  }

  private async read(uri: vscode.Uri): Promise<Uint8Array> {
    const key = uri.toString();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    if (!isTrusted()) throw vscode.FileSystemError.NoPermissions('Opening a file at a commit runs git; this workspace is in Restricted Mode.');
    const { file, commit, top } = parse(uri);
    const relative = nodePath.relative(top, file).split(nodePath.sep).join('/');
    if (relative.startsWith('..') || nodePath.isAbsolute(relative)) throw vscode.FileSystemError.FileNotFound(uri);
    let bytes: Uint8Array;
    try {
      bytes = await git(top, ['show', `${commit}:${relative}`]);
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    if (this.cache.size > 32) this.cache.delete(this.cache.keys().next().value ?? '');
    this.cache.set(key, bytes);
    return bytes;
  }
}
