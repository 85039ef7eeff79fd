/**
 * The commits that changed a data file: `git log` through the project's git layer (versioning/git.ts: an
 * argument array, no shell, literal pathspecs: `data/*.csv` is that file, not a glob), the path after `--`.
 * Only where the caller allows git:
 * git runs programs a repository's config names (core.fsmonitor, hooks), so an untrusted workspace never gets here.
 */
import * as nodePath from 'node:path';
import type { GitCommit, GitHistory } from '../contract/data';
import { NbpromoteError } from '../errors';
import { isInside, toPosix } from '../io/paths';
import { gitLog, repositoryAt } from '../versioning/git';

/** Commits shown per file, at most. */
export const GIT_HISTORY_LIMIT = 20;

const FIELD = '\x1f';
const RECORD = '\x1e';

/** Git cannot be run here (not installed, not on PATH): what `gitTopOf` answers then. */
export const GIT_NOT_FOUND = { gitNotFound: true } as const;

/** The top folder of the repository holding `folder`; undefined when it is in none; GIT_NOT_FOUND without git. */
export async function gitTopOf(folder: string): Promise<string | undefined | typeof GIT_NOT_FOUND> {
  try {
    return (await repositoryAt(folder))?.root;
  } catch (ex) {
    return NbpromoteError.is(ex, 'notFound') ? GIT_NOT_FOUND : undefined;
  }
}

/** The newest `limit` commits that changed `file` (absolute) in the repository at `top`. Never rejects. */
export async function gitHistory(file: string, top: string | undefined | typeof GIT_NOT_FOUND, limit = GIT_HISTORY_LIMIT): Promise<GitHistory> {
  if (typeof top !== 'string') return { kind: 'unavailable', reason: top === GIT_NOT_FOUND ? 'git is not installed (not found on PATH)' : 'not in a git repository' };
  if (!isInside(top, file)) return { kind: 'unavailable', reason: `outside the git repository ${top}` };
  const relative = toPosix(nodePath.relative(top, file));
  let out: string;
  try {
    out = await gitLog(top, [`--max-count=${limit + 1}`, `--format=%H${FIELD}%h${FIELD}%cI${FIELD}%s${RECORD}`, '--', relative]);
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
