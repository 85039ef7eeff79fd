/**
 * The commits that changed a data file: `git log` run with an argument array (no shell), the path after `--`
 * and literal (`--literal-pathspecs`: `data/*.csv` is that file, not a glob). Only where the caller allows git:
 * git runs programs a repository's config names (core.fsmonitor, hooks), so an untrusted workspace never gets here.
 */
import { execFile } from 'node:child_process';
import * as nodePath from 'node:path';
import type { GitCommit, GitHistory } from '../contract/data';
import { isInside } from '../io/paths';

/** Commits shown per file, at most. */
export const GIT_HISTORY_LIMIT = 20;

const FIELD = '\x1f';
const RECORD = '\x1e';

/** Git cannot be run here (not installed, not on PATH): what `gitTopOf` answers then. */
export const GIT_NOT_FOUND = { gitNotFound: true } as const;

/** The top folder of the repository holding `folder`; undefined when it is in none; GIT_NOT_FOUND without git. */
export async function gitTopOf(folder: string): Promise<string | undefined | typeof GIT_NOT_FOUND> {
  try {
    const top = (await git(folder, ['rev-parse', '--show-toplevel'])).trim();
    return top === '' ? undefined : nodePath.resolve(top);
  } catch (ex) {
    return (ex as NodeJS.ErrnoException).code === 'ENOENT' ? GIT_NOT_FOUND : undefined;
  }
}

/** The newest `limit` commits that changed `file` (absolute) in the repository at `top`. Never rejects. */
export async function gitHistory(file: string, top: string | undefined | typeof GIT_NOT_FOUND, limit = GIT_HISTORY_LIMIT): Promise<GitHistory> {
  if (typeof top !== 'string') return { kind: 'unavailable', reason: top === GIT_NOT_FOUND ? 'git is not installed (not found on PATH)' : 'not in a git repository' };
  if (!isInside(top, file)) return { kind: 'unavailable', reason: `outside the git repository ${top}` };
  const relative = nodePath.relative(top, file).split(nodePath.sep).join('/');
  let out: string;
  try {
    out = await git(top, ['-c', 'log.follow=false', '-c', 'log.showSignature=false', '--literal-pathspecs', 'log', `--max-count=${limit + 1}`, `--format=%H${FIELD}%h${FIELD}%cI${FIELD}%s${RECORD}`, '--', relative]);
  } catch (ex) {
    return { kind: 'unavailable', reason: `git log failed: ${ex instanceof Error ? ex.message : String(ex)}` };
  }
  const commits: GitCommit[] = [];
  for (const record of out.split(RECORD)) {
    const [hash, shortHash, date, subject] = record.replace(/^\n/, '').split(FIELD);
    if (hash === undefined || shortHash === undefined || date === undefined || !/^[0-9a-f]{40,64}$/.test(hash)) continue;
    commits.push({ hash, shortHash, date, subject: subject ?? '' });
  }
  return { kind: 'commits', commits: commits.slice(0, limit), truncated: commits.length > limit, repository: top };
}

function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024, windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout, stderr) => {
      if (error !== null) reject(Object.assign(new Error(stderr.trim().split('\n')[0] || error.message), { code: (error as NodeJS.ErrnoException).code }));
      else resolve(stdout);
    });
  });
}
