import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { NbpromoteError } from '../errors';
import { checkCommit, commitGenerated, committedVersion, notebookGitState, repositoryAt } from './git';
import { sha256 } from './hash';

// Real git in temporary folders, isolated from the machine: no global or system configuration, no identity
// from the environment, and git never looks above the temporary base for a repository.
const ISOLATED: Record<string, string | undefined> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: undefined,
  GIT_AUTHOR_EMAIL: undefined,
  GIT_COMMITTER_NAME: undefined,
  GIT_COMMITTER_EMAIL: undefined,
  EMAIL: undefined,
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function write(root: string, path: string, contents: string): Promise<void> {
  await mkdir(nodePath.dirname(nodePath.join(root, path)), { recursive: true });
  await writeFile(nodePath.join(root, path), contents);
}

async function rejectsWith(promise: Promise<unknown>, reason: 'invalidInput' | 'usage', pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (ex: unknown) => {
    assert.ok(NbpromoteError.is(ex, reason), `expected ${reason}, got ${String(ex)}`);
    assert.match(ex.message, pattern);
    return true;
  });
}

describe('git', function () {
  this.timeout(30000);
  let base: string;
  let saved: Record<string, string | undefined>;

  before(async () => {
    base = await realpath(await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-git-')));
    const emptyConfig = nodePath.join(base, 'empty.gitconfig');
    await writeFile(emptyConfig, '');
    const env = { ...ISOLATED, GIT_CONFIG_GLOBAL: emptyConfig, GIT_CEILING_DIRECTORIES: base };
    saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    setEnv(env);
  });
  after(async () => {
    setEnv(saved);
    await rm(base, { recursive: true, force: true });
  });

  let counter = 0;
  /** A new folder under the base; a repository with a configured user unless `init` is false. */
  async function folder(init = true, user = true): Promise<string> {
    const dir = nodePath.join(base, `t${++counter}`);
    await mkdir(dir);
    if (init) {
      git(dir, 'init', '-q');
      if (user) {
        git(dir, 'config', 'user.name', 'Test User');
        git(dir, 'config', 'user.email', 'test@example.com');
      }
    }
    return dir;
  }
  const commitCount = (repo: string): number => {
    try {
      return Number(git(repo, 'rev-list', '--count', 'HEAD').trim());
    } catch {
      return 0; // no commit yet
    }
  };
  const filesOf = (repo: string, rev: string): string[] =>
    git(repo, 'show', '--name-status', '--format=', rev).trim().split('\n').filter(Boolean).sort();

  describe('repositoryAt', () => {
    it('finds the top of the work tree from the root and from a subfolder', async () => {
      const repo = await folder();
      await mkdir(nodePath.join(repo, 'a', 'b'), { recursive: true });
      assert.deepEqual(await repositoryAt(repo), { root: repo });
      assert.deepEqual(await repositoryAt(nodePath.join(repo, 'a', 'b')), { root: repo });
    });

    it('is undefined outside a repository, for a missing folder and inside .git', async () => {
      const plain = await folder(false);
      assert.equal(await repositoryAt(plain), undefined);
      assert.equal(await repositoryAt(nodePath.join(plain, 'missing')), undefined);
      const repo = await folder();
      assert.equal(await repositoryAt(nodePath.join(repo, '.git')), undefined);
    });
  });

  describe('committedVersion', () => {
    const generated = 'def train(x):\n    return x\n';
    it('finds the committed text with the hash, relative to an output folder below the top, past later edits', async () => {
      const repo = await folder();
      await write(repo, 'build/src/p/train.py', generated);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'promote');
      const promoted = git(repo, 'rev-parse', 'HEAD').trim();
      await write(repo, 'build/src/p/train.py', `${generated}# mine\n`);
      git(repo, 'commit', '-qam', 'edit');
      await write(repo, 'build/src/p/train.py', `${generated}# mine, uncommitted\n`);
      assert.deepEqual(await committedVersion(nodePath.join(repo, 'build'), 'src/p/train.py', sha256(generated)), { text: generated, commit: promoted });
    });

    it('takes a version committed with CRLF line endings as the LF text the lock hashed', async () => {
      const repo = await folder();
      await write(repo, 'a.py', generated.replace(/\n/g, '\r\n'));
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'crlf');
      assert.equal((await committedVersion(repo, 'a.py', sha256(generated)))?.text, generated);
    });

    it('is undefined with no such version, no commit, outside a repository, and for a path leaving the folder', async () => {
      const repo = await folder();
      assert.equal(await committedVersion(repo, 'a.py', sha256(generated)), undefined, 'no commit yet');
      await write(repo, 'a.py', `${generated}# edited before the first commit\n`);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'edited');
      assert.equal(await committedVersion(repo, 'a.py', sha256(generated)), undefined, 'never committed as generated');
      await write(repo, 'sub/x.txt', 'x');
      assert.equal(await committedVersion(nodePath.join(repo, 'sub'), '../a.py', sha256(`${generated}# edited before the first commit\n`)), undefined);
      const plain = await folder(false);
      await write(plain, 'a.py', generated);
      assert.equal(await committedVersion(plain, 'a.py', sha256(generated)), undefined);
    });
  });

  describe('notebookGitState', () => {
    it('is null outside a repository', async () => {
      const plain = await folder(false);
      await write(plain, 'nb.ipynb', '{}');
      assert.deepEqual(await notebookGitState(plain, 'nb.ipynb'), { commit: null, dirty: null });
    });

    it('has no commit in a repository without commits; untracked and staged notebooks are dirty', async () => {
      const repo = await folder();
      await write(repo, 'nb.ipynb', '{}');
      assert.deepEqual(await notebookGitState(repo, 'nb.ipynb'), { commit: null, dirty: true });
      git(repo, 'add', 'nb.ipynb');
      assert.deepEqual(await notebookGitState(repo, 'nb.ipynb'), { commit: null, dirty: true });
    });

    it('gives the last commit that touched the notebook, and whether it changed since', async () => {
      const repo = await folder();
      await write(repo, 'notebooks/nb.ipynb', '{}');
      git(repo, 'add', '.');
      git(repo, 'commit', '-q', '-m', 'notebook');
      const touched = git(repo, 'rev-parse', 'HEAD').trim();
      await write(repo, 'other.txt', 'x');
      git(repo, 'add', '.');
      git(repo, 'commit', '-q', '-m', 'other');

      assert.deepEqual(await notebookGitState(repo, 'notebooks/nb.ipynb'), { commit: touched, dirty: false });
      assert.deepEqual(await notebookGitState(repo, nodePath.join(repo, 'notebooks', 'nb.ipynb')), { commit: touched, dirty: false });

      await write(repo, 'notebooks/nb.ipynb', '{"cells": []}');
      assert.deepEqual(await notebookGitState(repo, 'notebooks/nb.ipynb'), { commit: touched, dirty: true });
      git(repo, 'add', '.');
      assert.deepEqual(await notebookGitState(repo, 'notebooks/nb.ipynb'), { commit: touched, dirty: true });
    });

    it('has no commit for an untracked notebook next to committed files', async () => {
      const repo = await folder();
      await write(repo, 'a.txt', 'a');
      git(repo, 'add', '.');
      git(repo, 'commit', '-q', '-m', 'a');
      await write(repo, 'new.ipynb', '{}');
      assert.deepEqual(await notebookGitState(repo, 'new.ipynb'), { commit: null, dirty: true });
    });
  });

  describe('commitGenerated', () => {
    const generated = ['pipeline.yaml', 'src/pkg/__init__.py', 'src/pkg/steps.py', 'nbpromote.lock'];

    async function generate(out: string, version: string): Promise<void> {
      for (const path of generated) await write(out, path, `${path} ${version}\n`);
    }

    it('makes one commit and one annotated tag in a repository without commits', async () => {
      const repo = await folder();
      const out = nodePath.join(repo, 'out');
      await generate(out, '1');
      await write(repo, 'notebook.ipynb', '{}'); // untracked, not ours: stays out
      await write(repo, 'README.md', 'hi'); // idem

      const result = await commitGenerated({ dir: out, paths: generated, message: 'Promote notebook 0.1.0', tag: 'v0.1.0' });

      assert.equal(result.tag, 'v0.1.0');
      assert.equal(result.commit, git(repo, 'rev-parse', 'HEAD').trim());
      assert.equal(commitCount(repo), 1);
      assert.deepEqual(filesOf(repo, 'HEAD'), generated.map((p) => `A\tout/${p}`).sort());
      assert.equal(git(repo, 'log', '-1', '--format=%s%n%an <%ae>').trim(), 'Promote notebook 0.1.0\nTest User <test@example.com>');
      assert.equal(git(repo, 'cat-file', '-t', 'v0.1.0').trim(), 'tag');
      assert.equal(git(repo, 'rev-parse', 'v0.1.0^{commit}').trim(), result.commit);
      assert.equal(git(repo, 'tag', '--list').trim(), 'v0.1.0');
      assert.equal(git(out, 'status', '--porcelain', '--', ...generated), '');
      assert.deepEqual(git(repo, 'status', '--porcelain').trim().split('\n').sort(), ['?? README.md', '?? notebook.ipynb']);
    });

    it('commits only the changed file the second time, leaving other changes alone', async () => {
      const repo = await folder();
      await generate(repo, '1');
      const first = await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' });
      await write(repo, 'src/pkg/steps.py', 'changed\n');
      await write(repo, 'notes.txt', 'unstaged, unrelated');

      const second = await commitGenerated({ dir: repo, paths: generated, message: 'v2', tag: 'v2' });

      assert.equal(commitCount(repo), 2);
      assert.equal(git(repo, 'rev-parse', 'HEAD~1').trim(), first.commit);
      assert.deepEqual(filesOf(repo, second.commit), ['M\tsrc/pkg/steps.py']);
      assert.equal(git(repo, 'show', 'v2:src/pkg/steps.py'), 'changed\n');
      assert.equal(git(repo, 'status', '--porcelain').trim(), '?? notes.txt');
    });

    it('commits a deleted generated file as a deletion and skips missing untracked ones', async () => {
      const repo = await folder();
      await generate(repo, '1');
      await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' });
      await rm(nodePath.join(repo, 'src/pkg/steps.py'));

      const result = await commitGenerated({ dir: repo, paths: [...generated, 'never/written.py'], message: 'v2', tag: 'v2' });

      assert.deepEqual(filesOf(repo, result.commit), ['D\tsrc/pkg/steps.py']);
      assert.equal(git(repo, 'status', '--porcelain'), '');
    });

    it('takes paths literally, not as globs', async () => {
      const repo = await folder();
      await write(repo, 'a*.py', 'star');
      await write(repo, 'ab.py', 'not ours');
      const result = await commitGenerated({ dir: repo, paths: ['a*.py'], message: 'v1', tag: 'v1' });
      assert.deepEqual(filesOf(repo, result.commit), ['A\ta*.py']);
      assert.equal(git(repo, 'status', '--porcelain').trim(), '?? ab.py');
    });

    it('refuses when changes to other files are staged, naming them, and commits nothing', async () => {
      const repo = await folder();
      await generate(repo, '1');
      await write(repo, 'unrelated.py', 'x');
      git(repo, 'add', 'unrelated.py', 'pipeline.yaml'); // a generated file staged too is fine
      await rejectsWith(
        commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' }),
        'invalidInput',
        /already staged .*: unrelated\.py\. .*nothing was committed/,
      );
      assert.equal(commitCount(repo), 0);
      assert.equal(git(repo, 'tag', '--list'), '');
      assert.match(git(repo, 'status', '--porcelain'), /^A {2}unrelated\.py$/m);
    });

    it('refuses outside a repository', async () => {
      const plain = await folder(false);
      await generate(plain, '1');
      await rejectsWith(
        commitGenerated({ dir: plain, paths: generated, message: 'v1', tag: 'v1' }),
        'invalidInput',
        /is not inside a git repository: run `git init` there, or promote without --commit/,
      );
    });

    it('refuses an existing tag and commits nothing', async () => {
      const repo = await folder();
      await generate(repo, '1');
      await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' });
      await write(repo, 'pipeline.yaml', 'changed\n');
      await rejectsWith(commitGenerated({ dir: repo, paths: generated, message: 'again', tag: 'v1' }), 'invalidInput', /tag v1 already exists/);
      assert.equal(commitCount(repo), 1);
    });

    // Round 63 LLL: two branches promoting the same version; the advice was to "promote with another version".
    it('names the branch holding a taken tag, to merge before promoting again', async () => {
      const repo = await folder();
      await generate(repo, '1');
      await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'nb-v1.0.0' });
      const main = git(repo, 'symbolic-ref', '--short', 'HEAD').trim();
      git(repo, 'checkout', '-q', '-b', 'carol/seed');
      await write(repo, 'pipeline.yaml', 'carol\n');
      await commitGenerated({ dir: repo, paths: generated, message: 'v1.0.1', tag: 'nb-v1.0.1' });
      git(repo, 'checkout', '-q', main);
      await write(repo, 'pipeline.yaml', 'ann\n');
      await rejectsWith(
        commitGenerated({ dir: repo, paths: generated, message: 'v1.0.1', tag: 'nb-v1.0.1' }),
        'invalidInput',
        /tag nb-v1\.0\.1 already exists .*Another promotion made version 1\.0\.1 \(on branch carol\/seed\): merge the branch holding it \(`git merge carol\/seed`\) and promote again/,
      );
    });

    it('refuses when nothing changed and says so', async () => {
      const repo = await folder();
      await generate(repo, '1');
      await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' });
      await rejectsWith(commitGenerated({ dir: repo, paths: generated, message: 'v2', tag: 'v2' }), 'invalidInput', /^Nothing to commit/);
      assert.equal(commitCount(repo), 1);
      assert.equal(git(repo, 'tag', '--list').trim(), 'v1');
    });

    it('refuses without a configured user, saying how to set one', async () => {
      const repo = await folder(true, false);
      await generate(repo, '1');
      await rejectsWith(
        commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' }),
        'invalidInput',
        /git config user\.name .*git config user\.email/,
      );
      assert.equal(commitCount(repo), 0);
    });

    it('refuses when a hook refuses, even silently, leaving the files staged and nothing committed', async function () {
      if (process.platform === 'win32') this.skip();
      for (const hook of ['echo "lint failed" >&2; exit 1', 'exit 1']) {
        const repo = await folder();
        await generate(repo, '1');
        await write(repo, '.git/hooks/pre-commit', `#!/bin/sh\n${hook}\n`);
        await chmod(nodePath.join(repo, '.git/hooks/pre-commit'), 0o755);
        await rejectsWith(
          commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' }),
          'invalidInput',
          /git refused the commit .*\n.*staged; nothing was committed/,
        );
        assert.equal(commitCount(repo), 0);
        assert.equal(git(repo, 'tag', '--list'), '');
        assert.equal(git(repo, 'diff', '--cached', '--name-only').trim().split('\n').length, generated.length);
      }
    });

    it('refuses generated files that git ignores', async () => {
      const repo = await folder();
      await generate(repo, '1');
      await write(repo, '.gitignore', '*.lock\n');
      await rejectsWith(commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' }), 'invalidInput', /git ignores nbpromote\.lock/);
      assert.equal(commitCount(repo), 0);
    });

    it('rejects malformed tags and paths before touching the repository', async () => {
      const repo = await folder();
      await generate(repo, '1');
      for (const tag of ['-v1', 'v 1', 'v1..2', '']) {
        await rejectsWith(commitGenerated({ dir: repo, paths: generated, message: 'v1', tag }), 'usage', /not a valid git tag name/);
      }
      await rejectsWith(commitGenerated({ dir: repo, paths: ['../x'], message: 'v1', tag: 'v1' }), 'usage', /`\.\.` segment/);
      assert.equal(git(repo, 'status', '--porcelain', '--untracked-files=no'), '');
    });

    it('does nothing when the existing tag holds the files as they are (a re-run), and says so', async () => {
      const repo = await folder();
      await generate(repo, '1');
      const first = await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' });
      assert.equal(first.created, true);
      await write(repo, 'later.txt', 'x');
      git(repo, 'add', 'later.txt');
      git(repo, 'commit', '-qm', 'later');
      const again = await commitGenerated({ dir: repo, paths: generated, message: 'v1', tag: 'v1' });
      assert.deepEqual(again, { commit: first.commit, tag: 'v1', created: false, branch: first.branch });
      assert.equal(first.branch, git(repo, 'symbolic-ref', '--short', 'HEAD').trim());
      assert.equal(commitCount(repo), 2);
    });
  });

  describe('checkCommit', () => {
    const paths = ['pipeline.yaml', 'src/pkg/steps.py', 'nbpromote.lock'];
    async function promoted(): Promise<string> {
      const repo = await folder();
      await write(repo, 'nbs/nb.ipynb', '{}');
      for (const path of paths) await write(repo, `out/${path}`, `${path}\n`);
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'v1');
      git(repo, 'tag', 'v1');
      return repo;
    }
    const request = (repo: string, more: { tag?: string; unchanged?: boolean; dir?: string } = {}) => ({
      dir: nodePath.join(repo, more.dir ?? 'out'),
      paths,
      tag: more.tag ?? 'v2',
      notebook: nodePath.join(repo, 'nbs', 'nb.ipynb'),
      unchanged: more.unchanged ?? false,
    });

    it('gives the root and the notebook relative to it, also for an output folder not made yet', async () => {
      const repo = await promoted();
      assert.deepEqual(await checkCommit(request(repo, { dir: 'new/out' })), { root: repo, notebook: 'nbs/nb.ipynb', released: false });
    });

    it('refuses a notebook with uncommitted changes, an unrelated staged file, a merge under way, naming each', async () => {
      const repo = await promoted();
      await write(repo, 'nbs/nb.ipynb', '{"cells": []}');
      await rejectsWith(checkCommit(request(repo)), 'invalidInput', /^The notebook nbs\/nb\.ipynb has changes that are not committed .*Commit the notebook first, or promote without --commit; nothing was written or committed\.$/);
      git(repo, 'checkout', '-q', '--', 'nbs/nb.ipynb');
      await write(repo, 'NOTES.md', 'x');
      git(repo, 'add', 'NOTES.md');
      await rejectsWith(checkCommit(request(repo)), 'invalidInput', /already staged .*: NOTES\.md\. .*nothing was written or committed\.$/);
      git(repo, 'reset', '-q', 'NOTES.md');
      await write(repo, '.git/MERGE_HEAD', `${git(repo, 'rev-parse', 'HEAD')}`);
      await rejectsWith(checkCommit(request(repo)), 'invalidInput', /^A merge is under way in .*: finish or abort it first/);
    });

    it('accepts an existing tag only when nothing will be written and the tag holds the files as they are', async () => {
      const repo = await promoted();
      assert.equal((await checkCommit(request(repo, { tag: 'v1', unchanged: true }))).released, true);
      await rejectsWith(checkCommit(request(repo, { tag: 'v1' })), 'invalidInput', /tag v1 already exists .*nothing was written or committed\. .*git tag -d v1/);
      await write(repo, 'out/pipeline.yaml', 'edited\n');
      await rejectsWith(checkCommit(request(repo, { tag: 'v1', unchanged: true })), 'invalidInput', /tag v1 already exists/);
      assert.equal(git(repo, 'tag', '--list').trim(), 'v1');
    });
  });
});

function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
