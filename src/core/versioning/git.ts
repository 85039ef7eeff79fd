/**
 * What promotion asks of git, through simple-git: where the repository is, which commit last touched a
 * notebook, and one commit + tag holding exactly the generated files.
 *
 * Every git command is an argument array (simple-git spawns git without a shell) and every path follows `--`.
 * Paths are literal (`git --literal-pathspecs`): a generated file named `a*.py` is that file, not a glob.
 * Every command runs with `-c user.useConfigOnly=true`, so git never guesses an identity from the host name,
 * and with `log.follow` and `log.showSignature` off so `git log` prints what is asked and nothing else.
 * Any non-zero exit of git is an error here (simple-git alone only fails when git also wrote to stderr).
 *
 * Decisions:
 * - The tag is annotated (`git tag -a`, message = the commit message): it records who tagged and when, and
 *   `git describe` and `git push --follow-tags` only consider annotated tags.
 * - The commit is a partial commit (`git commit --only -- <changed paths>`): git builds it from HEAD plus
 *   those paths alone, so nothing else can slip in even if something is staged meanwhile. Staged changes to
 *   other files are refused up front all the same: the user would not expect them to stay behind.
 * - Hooks run (`pre-commit`, `commit-msg`, ...): they are the repository's policy. When one refuses, the
 *   generated files stay staged and nothing is committed or tagged.
 * - Files matched by `.gitignore` are refused rather than force-added: committing what the user ignores would
 *   be a surprise.
 * - `promote --commit` checks what can be checked (`checkCommit`) before the promotion writes anything, so that
 *   a refusal leaves the folder as it was; `commitGenerated` checks again, as the repository may change meanwhile.
 * - An existing tag that holds the generated files as they are is "up to date", not an error: CI re-runs
 *   `promote --commit` with nothing changed.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { GitError, simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { NbpromoteError } from '../errors';
import { isMissing, pathSyntaxProblem } from '../io/paths';
import type { Logger } from '../util/logger';
import { isAsGenerated } from './hash';
import { readLockFile } from './lockFile';
import { countOf } from '../util/words';

export interface Repository {
  /** The work tree's top folder, as git reports it (symbolic links resolved). */
  readonly root: string;
}

export interface NotebookGitState {
  /** The last commit that touched the notebook (`git log -1 -- <file>`); null when none, or outside a repository. */
  readonly commit: string | null;
  /** The notebook has uncommitted changes (staged or not) or is untracked; null outside a repository. */
  readonly dirty: boolean | null;
}

export interface CommitRequest {
  /** The output root: a folder inside a git work tree. */
  readonly dir: string;
  /**
   * The generated files (and the lock file), relative to `dir`, forward slashes, like `FilePlan.path`. A path
   * may name a folder, which stands for everything under it. Unchanged paths are fine; missing paths that git
   * tracks are committed as deletions; missing untracked paths are skipped.
   */
  readonly paths: readonly string[];
  readonly message: string;
  /** The tag to create on the new commit (annotated). */
  readonly tag: string;
  /**
   * Of `paths`, the files edited by hand and kept as they are (`kept-edit`): an existing tag that holds the other
   * paths as they are is up to date, whatever these hold (edits made after the tagged promotion are the person's
   * own commits). A new commit holds them as they are.
   */
  readonly kept?: readonly string[];
  /** Gets one debug line per step. */
  readonly logger?: Logger;
}

export interface CommitResult {
  /** The new commit's full hash; when `created` is false, the commit the existing tag points at. */
  readonly commit: string;
  readonly tag: string;
  /** False when the tag already held the generated files as they are on disk: nothing was committed or tagged. */
  readonly created: boolean;
  /** The branch HEAD is on (the one the commit moved); null when HEAD is detached: only the tag holds the commit. */
  readonly branch: string | null;
}

export interface CommitCheck {
  /** The output root; it may not exist yet (the promotion makes it). */
  readonly dir: string;
  /** Every path the promotion commits, relative to `dir`, forward slashes (as in CommitRequest). */
  readonly paths: readonly string[];
  readonly tag: string;
  /** The notebook (absolute): it must be committed as it is, so that the tag holds what it was promoted from. */
  readonly notebook: string;
  /** The promotion will write and delete nothing: an existing tag that holds the files as they are is up to date. */
  readonly unchanged: boolean;
  /** Of `paths`, the hand-edited files kept as they are, left out of that comparison (as in CommitRequest). */
  readonly kept?: readonly string[];
}

export interface CheckedCommit {
  /** The work tree's top folder. */
  readonly root: string;
  /** The tag exists and holds the files as they are (the promotion is `unchanged`): nothing will be committed. */
  readonly released: boolean;
  /** The notebook relative to `root` (forward slashes); its absolute path when it lies outside the work tree. */
  readonly notebook: string;
}

/** The work tree holding `dir`, or undefined when `dir` is missing or not inside a git work tree. */
export async function repositoryAt(dir: string): Promise<Repository | undefined> {
  if (!(await isDirectory(dir))) return undefined;
  const git = gitAt(dir);
  try {
    // One git process: `true` and the top folder, or `false` (and an error) inside a .git folder.
    const [inside, top] = stripNewline(await run(git, ['rev-parse', '--is-inside-work-tree', '--show-toplevel'])).split('\n');
    if (inside !== 'true' || top === undefined || top === '') return undefined;
    return { root: nodePath.resolve(top) };
  } catch (ex) {
    if (ex instanceof GitExit) return undefined; // "not a git repository" (or a folder inside .git)
    throw gitFailed(ex);
  }
}

/**
 * `git log <args>` in the work tree at `root`, with the options every git call here runs with (literal pathspecs,
 * no --follow, no signatures): its stdout. For read-only history (the Data view's commits of a data file).
 * Throws NbpromoteError: `notFound` when git cannot be run, `internal` when it exits non-zero.
 */
export async function gitLog(root: string, args: readonly string[]): Promise<string> {
  try {
    return await run(gitAt(root), ['log', ...args]);
  } catch (ex) {
    throw gitFailed(ex);
  }
}

/** What `committedVersion` found: the file's text, the commit holding it, and the version that generated it. */
export interface CommittedVersion {
  readonly text: string;
  readonly commit: string;
  /**
   * The version of an earlier promotion whose generated text this is, when the lock's own was not found (see
   * `committedVersion`); undefined for the text with the lock's hash.
   */
  readonly olderVersion?: string;
}

/** How many of a file's commits (and of the lock's) `committedVersion` reads, newest first, before it gives up. */
const MAX_VERSIONS_READ = 50;

/**
 * The text of `path` (relative to `dir`, forward slashes) as nbpromote generated it, from the history of the
 * repository holding `dir`: a fresh clone has the committed lock but not the git-ignored base copies.
 *
 * First the newest commit of the file whose text has the SHA-256 `sha256` (the lock's, line endings aside, as
 * `isAsGenerated` takes them). A file committed as a promotion wrote it, then edited by hand, has one. One
 * that a `--merge` or a kept hand edit left has none (round 72 CDC: what nbpromote generated for it was never
 * committed): then the text an earlier promotion generated, by the hashes the lock's earlier commits (`lockPath`,
 * relative to `dir`) record for the file, newest first. As a merge base an earlier generation is as good: the
 * notebook's changes since are on both sides, and merge the same. The newest `MAX_VERSIONS_READ` commits of the
 * file and of the lock are read. Undefined when `dir` is in no work tree, a path is not acceptable, or nothing is
 * found (a shallow clone). Throws NbpromoteError('notFound') when git cannot be run.
 */
export async function committedVersion(dir: string, path: string, sha256: string, lockPath?: string): Promise<CommittedVersion | undefined> {
  if (pathSyntaxProblem(path) !== undefined || (lockPath !== undefined && pathSyntaxProblem(lockPath) !== undefined) || (await repositoryAt(dir)) === undefined) return undefined;
  const git = gitAt(dir);
  try {
    const versions = await committedTexts(git, path);
    const found = versions.find((v) => isAsGenerated(Buffer.from(v.text, 'utf8'), sha256));
    if (found !== undefined) return { text: found.text.replace(/\r\n/g, '\n'), commit: found.commit };
    if (lockPath === undefined || versions.length === 0) return undefined;
    const tried = new Set([sha256]);
    for (const lockVersion of await committedTexts(git, lockPath)) {
      const { lock } = readLockFile(lockVersion.text, lockPath);
      const older = lock !== undefined && Object.hasOwn(lock.files, path) ? lock.files[path] : undefined;
      if (lock === undefined || older === undefined || tried.has(older)) continue;
      tried.add(older);
      const earlier = versions.find((v) => isAsGenerated(Buffer.from(v.text, 'utf8'), older));
      if (earlier !== undefined) return { text: earlier.text.replace(/\r\n/g, '\n'), commit: earlier.commit, olderVersion: lock.version };
    }
    return undefined;
  } catch (ex) {
    if (ex instanceof GitExit) return undefined; // no commits yet, a path outside the work tree
    throw gitFailed(ex);
  }
}

/** The texts of `path` (relative to the git's folder) in the newest `MAX_VERSIONS_READ` commits changing it, newest first. */
async function committedTexts(git: SimpleGit, path: string): Promise<{ readonly commit: string; readonly text: string }[]> {
  const commits = stripNewline(await run(git, ['log', '--format=%H', `--max-count=${MAX_VERSIONS_READ}`, '--', path])).split('\n').filter((c) => c !== '');
  const texts: { commit: string; text: string }[] = [];
  for (const commit of commits) {
    try {
      // `<commit>:./<path>`: the path relative to the folder, not to the top of the work tree.
      texts.push({ commit, text: await run(git, ['show', '--no-textconv', `${commit}:./${path}`]) });
    } catch (ex) {
      if (!(ex instanceof GitExit)) throw ex; // else the commit deleted the file
    }
  }
  return texts;
}

/**
 * The git state of the notebook `file` (absolute, or relative to `repoRoot`) for the lock file. Nulls when
 * `repoRoot` is not in a work tree or the file lies outside it; `commit` is null in a repository without
 * commits and for a notebook that was never committed.
 */
export async function notebookGitState(repoRoot: string, file: string): Promise<NotebookGitState> {
  const outside: NotebookGitState = { commit: null, dirty: null };
  if ((await repositoryAt(repoRoot)) === undefined) return outside;
  const git = gitAt(repoRoot);
  try {
    const [status, head] = await Promise.all([run(git, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching', '--', file]), headCommit(git)]);
    const dirty = status !== '';
    if (head === undefined) return { commit: null, dirty };
    const commit = lastLine(await run(git, ['log', '-1', '--format=%H', '--', file]));
    return { commit: commit === '' ? null : commit, dirty };
  } catch (ex) {
    if (ex instanceof GitExit) return outside; // the file is outside the repository
    throw gitFailed(ex);
  }
}

/**
 * The files of `dir` the promotion in the last commit generated (the lock there, `lockPath`, lists them) that are
 * gone from the work tree and not among `writing`: a plain promotion deleted them (a step removed or renamed)
 * before `promote --commit`, which committed only what it wrote, so the tag kept the old step's module and test
 * (round 46 Z). Relative to `dir`; none outside a repository or without a committed lock.
 */
export async function committedFilesGone(dir: string, lockPath: string, writing: readonly string[]): Promise<string[]> {
  if ((await repositoryAt(dir)) === undefined) return [];
  let text: string;
  try {
    text = await run(gitAt(dir), ['show', `HEAD:./${lockPath}`]);
  } catch (ex) {
    if (ex instanceof GitExit) return []; // no commit yet, or the lock is not in it
    throw gitFailed(ex);
  }
  const { lock } = readLockFile(text, lockPath);
  const kept = new Set(writing);
  const gone: string[] = [];
  for (const path of Object.keys(lock?.files ?? {})) {
    if (kept.has(path) || pathSyntaxProblem(path) !== undefined) continue;
    if (!(await exists(nodePath.join(dir, ...path.split('/'))))) gone.push(path);
  }
  return gone;
}

/**
 * What `promote --commit` checks before the promotion writes anything, so that a refusal leaves the folder as
 * it was: `dir` is in a work tree, git knows who commits, no merge, rebase, cherry-pick or revert is under way,
 * no other file is staged, the notebook has no uncommitted changes, and the tag does not exist (unless
 * `unchanged` and the tag holds the files as they are: then `commitGenerated` reports it up to date). Refuses
 * with NbpromoteError('invalidInput') (NbpromoteError('usage') for a malformed tag or path); every message ends
 * with "nothing was written or committed".
 */
export async function checkCommit(request: CommitCheck): Promise<CheckedCommit> {
  const paths = validPaths(request.paths);
  const { tag } = request;
  const nothing = 'nothing was written or committed';
  const located = await locate(request.dir);
  if (located === undefined) {
    throw new NbpromoteError('invalidInput', `${request.dir} is not inside a git repository: run \`git init\` there, or promote without --commit; ${nothing}.`);
  }
  const { root, prefix } = located;
  const git = gitAt(root);
  try {
    await checkTagName(git, tag);
    await checkIdentity(git, root, nothing);
    const busy = await operationInProgress(git, root);
    if (busy !== undefined) {
      throw new NbpromoteError('invalidInput', `${busy} is under way in ${root}: finish or abort it first, or promote without --commit; ${nothing}.`);
    }
    // The notebook first: staged and not committed, it is no other file to unstage (round 46 Z).
    const notebook = await notebookInRepository(root, request.notebook);
    if ((await notebookGitState(root, request.notebook)).dirty === true) {
      throw new NbpromoteError(
        'invalidInput',
        `The notebook ${notebook} has changes that are not committed (or is not tracked), so the tag ${tag} would not hold the notebook it was promoted from. Commit the notebook first, or promote without --commit; ${nothing}.`,
      );
    }
    const ours = paths.map((p) => prefix + p);
    const unrelated = await stagedElsewhere(git, ours);
    if (unrelated.length > 0) {
      throw new NbpromoteError(
        'invalidInput',
        `Changes to other files are already staged in ${root}: ${listNames(unrelated)}. Commit or unstage them first, so that the promotion commit holds only the generated files; ${nothing}.`,
      );
    }
    const released = await tagExists(git, tag);
    if (released && !(request.unchanged && (await tagHolds(git, tag, withoutKept(ours, request.kept, prefix))))) {
      throw new NbpromoteError('invalidInput', await tagTakenMessage(git, tag, root, `does not hold the generated files as this promotion leaves them; ${nothing}`));
    }
    return { root, notebook, released };
  } catch (ex) {
    if (NbpromoteError.is(ex)) throw ex;
    throw gitFailed(ex);
  }
}

/**
 * Makes one commit holding only the changed ones among `paths`, and tags it. Refuses with
 * NbpromoteError('invalidInput') when `dir` is not in a repository, when git has no user to commit as, when
 * other files have staged changes, when the tag exists (unless it holds the files as they are on disk: then
 * nothing is done, and `created` is false), when a path is ignored by git, when nothing changed,
 * and when git refuses the commit (a hook); in each case nothing is committed or tagged (after a refused
 * commit the generated files stay staged). Refuses with NbpromoteError('usage') when a path, the message or the
 * tag is malformed. Should the tag fail after the commit was made, the error gives the commit and the command
 * that tags it.
 */
export async function commitGenerated(request: CommitRequest): Promise<CommitResult> {
  const { dir, message, tag, logger } = request;
  const paths = validPaths(request.paths);
  if (message.trim() === '') throw new NbpromoteError('usage', 'The commit message is empty.');

  const repository = await repositoryAt(dir);
  if (repository === undefined) {
    throw new NbpromoteError('invalidInput', `${dir} is not inside a git repository: run \`git init\` there, or promote without --commit`);
  }
  const root = repository.root;
  const git = gitAt(root);
  try {
    await checkTagName(git, tag);
    await checkIdentity(git, root, 'nothing was committed');

    // Our paths, relative to the top of the work tree (what git prints).
    const prefix = stripNewline(await run(gitAt(dir), ['rev-parse', '--show-prefix']));
    const ours = paths.map((p) => prefix + p);

    if (await tagExists(git, tag)) {
      // A re-run with nothing changed since the tagged promotion (CI): up to date, not an error; also with files
      // edited by hand and kept since (round 72 CDC: refused, saying another promotion had made the version).
      if (await tagHolds(git, tag, withoutKept(ours, request.kept, prefix))) return { commit: lastLine(await run(git, ['rev-parse', '--verify', `refs/tags/${tag}^{commit}`])), tag, created: false, branch: await currentBranch(git) };
      throw new NbpromoteError('invalidInput', await tagTakenMessage(git, tag, root, 'does not hold the generated files as they are; nothing was committed'));
    }

    const unrelated = await stagedElsewhere(git, ours);
    if (unrelated.length > 0) {
      throw new NbpromoteError(
        'invalidInput',
        `Changes to other files are already staged in ${root}: ${listNames(unrelated)}. Commit or unstage them first, so that the promotion commit holds only the generated files; nothing was committed.`,
      );
    }

    // What to stage: paths on disk, and missing paths git tracks (their deletion).
    const tracked = splitZ(await run(git, ['ls-files', '-z', '--', ...ours]));
    const onDisk: string[] = [];
    const toStage: string[] = [];
    for (const [i, path] of paths.entries()) {
      const rootPath = ours[i] as string;
      if (await exists(nodePath.join(dir, ...path.split('/')))) {
        onDisk.push(rootPath);
        toStage.push(rootPath);
      } else if (tracked.some((name) => name === rootPath || name.startsWith(`${rootPath}/`))) {
        toStage.push(rootPath);
      }
    }
    const ignored = onDisk.length === 0 ? [] : await ignoredPaths(git, onDisk);
    if (ignored.length > 0) {
      throw new NbpromoteError(
        'invalidInput',
        `git ignores ${listNames(ignored)} (.gitignore or .git/info/exclude), so the generated files cannot be committed. Stop ignoring them, or promote without --commit; nothing was committed.`,
      );
    }
    if (toStage.length > 0) await run(git, ['add', '--all', '--', ...toStage]);

    const changed = splitZ(await run(git, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--', ...ours]));
    if (changed.length === 0) {
      throw new NbpromoteError(
        'invalidInput',
        `Nothing to commit: the generated files in ${dir} are the same as in the last commit; no commit or tag was made.`,
      );
    }
    logger?.debug(`[git] committing ${countOf(changed.length, 'file')} in ${root}`);
    try {
      await run(git, ['commit', '--only', '--quiet', '-m', message, '--', ...changed]);
    } catch (ex) {
      if (!(ex instanceof GitExit)) throw ex;
      throw new NbpromoteError(
        'invalidInput',
        `git refused the commit in ${root}: ${ex.output || `exit code ${ex.exitCode}`}\nThe generated files are staged; nothing was committed.`,
        { cause: ex },
      );
    }
    const commit = lastLine(await run(git, ['rev-parse', '--verify', 'HEAD^{commit}']));
    try {
      await run(git, ['tag', '--annotate', '-m', message, tag, commit]);
    } catch (ex) {
      if (!(ex instanceof GitExit)) throw ex;
      throw new NbpromoteError(
        'invalidInput',
        `Committed ${commit.slice(0, 12)} in ${root}, but git could not create the tag ${tag}: ${ex.output}\nCreate it with \`git tag -a ${tag} ${commit.slice(0, 12)}\`.`,
        { cause: ex },
      );
    }
    logger?.debug(`[git] committed ${commit} and tagged it ${tag}`);
    return { commit, tag, created: true, branch: await currentBranch(git) };
  } catch (ex) {
    if (NbpromoteError.is(ex)) throw ex;
    throw gitFailed(ex);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checks

function validPaths(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new NbpromoteError('usage', 'No files to commit were given.');
  const problems = paths.flatMap((p) => {
    const problem = pathSyntaxProblem(p);
    return problem === undefined ? [] : [`${JSON.stringify(p)}: ${problem}`];
  });
  if (problems.length > 0) throw new NbpromoteError('usage', `Cannot commit these paths:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return [...new Set(paths)];
}

async function checkTagName(git: SimpleGit, tag: string): Promise<void> {
  const ref = `refs/tags/${tag}`;
  let normalized = '';
  if (tag !== '' && !tag.startsWith('-')) {
    try {
      normalized = lastLine(await run(git, ['check-ref-format', '--normalize', ref]));
    } catch (ex) {
      if (!(ex instanceof GitExit)) throw ex;
    }
  }
  if (normalized !== ref) throw new NbpromoteError('usage', `${JSON.stringify(tag)} is not a valid git tag name.`);
}

/** Fails unless git knows who commits (user.name and user.email in its configuration, or GIT_AUTHOR_* / GIT_COMMITTER_*). */
async function checkIdentity(git: SimpleGit, root: string, nothing: string): Promise<void> {
  try {
    await run(git, ['var', 'GIT_AUTHOR_IDENT']);
    await run(git, ['var', 'GIT_COMMITTER_IDENT']);
  } catch (ex) {
    if (!(ex instanceof GitExit)) throw ex;
    throw new NbpromoteError(
      'invalidInput',
      `git does not know who you are in ${root}, so ${nothing}. Tell it with \`git config user.name "Your Name"\` and \`git config user.email you@example.com\` in that repository (or with --global for all of them).`,
      { cause: ex },
    );
  }
}

/**
 * Why the tag of this version is taken, and what to do: another promotion made the version, most often on another
 * branch, which is to be merged first so that this one comes after it (round 63 LLL: "promote with another
 * version", which no option does).
 */
async function tagTakenMessage(git: SimpleGit, tag: string, root: string, what: string): Promise<string> {
  const branches = (await run(git, ['branch', '--format=%(refname:short)', '--contains', `refs/tags/${tag}`]).catch(() => '')).split('\n').filter((b) => b.trim() !== '');
  const current = await currentBranch(git);
  const others = branches.filter((b) => b !== current).slice(0, 3);
  const merge = others.length > 0 ? `merge the branch holding it (\`git merge ${others[0] ?? ''}\`${others.length > 1 ? `; also on ${others.slice(1).join(', ')}` : ''})` : 'merge the work holding it';
  return `The tag ${tag} already exists in ${root} and ${what}. Another promotion made version ${tag.replace(/^.*-v/, '')}${others.length > 0 ? ` (on ${others.length === 1 ? 'branch' : 'branches'} ${others.join(', ')})` : ''}: ${merge} and promote again, so that this promotion comes after it; or, if ${tag} is not a release anyone uses, delete it with \`git tag -d ${tag}\`.`;
}

async function tagExists(git: SimpleGit, tag: string): Promise<boolean> {
  const ref = `refs/tags/${tag}`;
  return (await run(git, ['for-each-ref', '--format=%(refname)', ref])).split('\n').includes(ref);
}

/** `paths` (relative to the top of the work tree) but the hand edits kept (`kept`, relative to the output root at `prefix`). */
function withoutKept(paths: readonly string[], kept: readonly string[] | undefined, prefix: string): string[] {
  const skipped = new Set((kept ?? []).map((p) => prefix + p));
  return paths.filter((p) => !skipped.has(p));
}

/** The tag's commit holds `paths` (relative to the top of the work tree) exactly as they are on disk, none untracked. */
async function tagHolds(git: SimpleGit, tag: string, paths: readonly string[]): Promise<boolean> {
  if ((await run(git, ['ls-files', '-z', '--others', '--exclude-standard', '--', ...paths])) !== '') return false;
  try {
    await run(git, ['diff', '--quiet', '--no-renames', `refs/tags/${tag}^{commit}`, '--', ...paths]);
    return true;
  } catch (ex) {
    if (ex instanceof GitExit && ex.exitCode === 1) return false;
    throw ex;
  }
}

/** The staged files (relative to the top of the work tree) that are not among `paths` nor under them. */
async function stagedElsewhere(git: SimpleGit, paths: readonly string[]): Promise<string[]> {
  const isOurs = (name: string): boolean => paths.some((p) => name === p || name.startsWith(`${p}/`));
  return splitZ(await run(git, ['diff', '--cached', '--name-only', '-z', '--no-renames'])).filter((name) => !isOurs(name));
}

/** What git is in the middle of in `root` ("A merge", "A rebase" ...), when a commit now would land in it. */
async function operationInProgress(git: SimpleGit, root: string): Promise<string | undefined> {
  const markers: readonly [string, string][] = [
    ['MERGE_HEAD', 'A merge'],
    ['rebase-merge', 'A rebase'],
    ['rebase-apply', 'A rebase (or `git am`)'],
    ['CHERRY_PICK_HEAD', 'A cherry-pick'],
    ['REVERT_HEAD', 'A revert'],
  ];
  for (const [marker, what] of markers) {
    const path = stripNewline(await run(git, ['rev-parse', '--git-path', marker]));
    if (await exists(nodePath.resolve(root, path))) return what;
  }
  return undefined;
}

/** `notebook` relative to `root` with forward slashes, or as it is when it lies outside (links resolved on both sides). */
async function notebookInRepository(root: string, notebook: string): Promise<string> {
  let real = nodePath.resolve(notebook);
  try {
    real = await realpath(real);
  } catch (ex) {
    if (!isMissing(ex)) throw ex;
  }
  const relative = nodePath.relative(root, real);
  return relative === '' || relative.startsWith('..') || nodePath.isAbsolute(relative) ? notebook : relative.split(nodePath.sep).join('/');
}

/**
 * The work tree holding `dir` and `dir`'s path in it (`""` or ending in `/`), also when `dir` or some of its
 * parents do not exist yet; undefined outside a work tree.
 */
async function locate(dir: string): Promise<{ root: string; prefix: string } | undefined> {
  let existing = nodePath.resolve(dir);
  const missing: string[] = [];
  while (!(await isDirectory(existing))) {
    const parent = nodePath.dirname(existing);
    if (parent === existing) return undefined;
    missing.unshift(nodePath.basename(existing));
    existing = parent;
  }
  const repository = await repositoryAt(existing);
  if (repository === undefined) return undefined;
  const prefix = stripNewline(await run(gitAt(existing), ['rev-parse', '--show-prefix']));
  return { root: repository.root, prefix: prefix + missing.map((name) => `${name}/`).join('') };
}

/** The untracked files that git ignores among `paths` (or under them, for folders). */
async function ignoredPaths(git: SimpleGit, paths: readonly string[]): Promise<string[]> {
  return splitZ(await run(git, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...paths]));
}

async function headCommit(git: SimpleGit): Promise<string | undefined> {
  try {
    const head = lastLine(await run(git, ['rev-parse', '--quiet', '--verify', 'HEAD^{commit}']));
    return head === '' ? undefined : head;
  } catch (ex) {
    if (ex instanceof GitExit && ex.exitCode === 1) return undefined; // unborn HEAD: no commit yet
    throw ex;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Running git

/** git exited with a non-zero code. A GitError, so that simple-git passes it on as it is. */
class GitExit extends GitError {
  constructor(
    readonly exitCode: number,
    /** What git wrote (stderr, then stdout), trimmed. */
    readonly output: string,
  ) {
    super(undefined, `git exited with code ${exitCode}${output === '' ? '' : `: ${output}`}`);
    this.name = 'GitExit';
  }
}

function gitAt(dir: string): SimpleGit {
  return simpleGit({
    baseDir: dir,
    config: ['user.useConfigOnly=true', 'log.follow=false', 'log.showSignature=false', 'core.quotePath=false'],
    errors: (error, result) =>
      result.exitCode > 0 && result.exitCode < 256
        ? new GitExit(result.exitCode, Buffer.concat([...result.stdErr, ...result.stdOut]).toString('utf8').trim())
        : error,
  });
}

/** Runs `git --literal-pathspecs <args>` and returns its stdout. */
function run(git: SimpleGit, args: readonly string[]): Promise<string> {
  return git.raw(['--literal-pathspecs', ...args]);
}

/** The branch HEAD is on, or null when HEAD is detached (a CI checkout of a tag or a commit). */
async function currentBranch(git: SimpleGit): Promise<string | null> {
  try {
    return stripNewline(await run(git, ['symbolic-ref', '--quiet', '--short', 'HEAD'])) || null;
  } catch (ex) {
    if (ex instanceof GitExit) return null;
    throw ex;
  }
}

/** Anything but a git exit code: git missing, a spawn failure, simple-git refusing. */
function gitFailed(ex: unknown): NbpromoteError {
  if (ex instanceof GitExit) return new NbpromoteError('internal', ex.message, { cause: ex });
  const detail = ex instanceof Error ? ex.message : String(ex);
  return new NbpromoteError('notFound', `Could not run git (is it installed and on PATH?): ${detail}`, { cause: ex });
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function splitZ(text: string): string[] {
  return text.split('\0').filter((name) => name !== '');
}

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

function lastLine(text: string): string {
  return stripNewline(text).split('\n').at(-1) ?? '';
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (ex) {
    if (isMissing(ex)) return false;
    throw ex;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (ex) {
    if (isMissing(ex)) return false;
    throw ex;
  }
}
