// `nbpromote promote --commit` as people run it: the CLI built with esbuild and spawned in a real git repository,
// the tagged package cloned and its tests run with Debian's Python.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { hasPython, notebookJson, PYTHON, runPytest } from '../../core/scaffold/testing';
import type { TestCell } from '../../core/scaffold/testing';

const root = join(__dirname, '..', '..', '..');

const v1: readonly TestCell[] = [
  { tags: ['imports'], source: 'import math' },
  { tags: ['parameters'], source: 'scale = 2' },
  { tags: ['step:load'], source: 'values = [1, 2, 3]' },
  { tags: ['step:train'], source: 'total = sum(values) * scale\nroot = math.sqrt(total)' },
  { tags: ['metrics'], source: 'score = root / 10' },
];
/** v1 with a new parameter that step train uses, on the line a person edited in train.py. */
const v2: readonly TestCell[] = v1.map((c) =>
  c.tags?.[0] === 'parameters' ? { ...c, source: 'scale = 2\noffset = 1' } : c.tags?.[0] === 'step:train' ? { ...c, source: 'total = sum(values) * scale\nroot = math.sqrt(total + offset)' } : c,
);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface PromoteJson {
  readonly ok: boolean;
  readonly commit: { commit: string; tag: string; created: boolean; branch: string | null } | null;
  readonly files: { path: string; action: string }[];
  readonly problems: { code: string; message: string }[];
}

describe('nbpromote promote --commit (built binary, real git)', function () {
  this.timeout(120_000);
  let build = '';
  let cli = '';
  let repo = '';
  let env: NodeJS.ProcessEnv = {};

  before(() => {
    build = mkdtempSync(join(tmpdir(), 'nbpromote-cli-commit-'));
    cli = join(build, 'cli.js');
    buildSync({ entryPoints: [join(root, 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', outfile: cli, loader: { '.py': 'text' } });
    for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
      cpSync(require.resolve(wasm), join(build, wasm.split('/')[1] ?? ''));
    }
    const emptyConfig = join(build, 'empty.gitconfig');
    writeFileSync(emptyConfig, '');
    env = { ...process.env, GIT_CONFIG_GLOBAL: emptyConfig, GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: build, NBPROMOTE_PYTHON: PYTHON, NBPROMOTE_DEBUG: '' };
  });
  after(() => {
    if (build !== '') rmSync(build, { recursive: true, force: true });
  });

  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** `nbpromote promote nb.ipynb --out .. <flags>` run from the notebook's folder `nbs/`. */
  const promote = (...flags: string[]): Run => {
    const r = spawnSync(process.execPath, [cli, 'promote', 'nb.ipynb', '--out', '..', ...flags], { cwd: join(repo, 'nbs'), env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const writeNotebook = (cells: readonly TestCell[]): void => writeFileSync(join(repo, 'nbs', 'nb.ipynb'), notebookJson(cells));
  const lock = (): string => readFileSync(join(repo, 'nbpromote.lock'), 'utf8');

  /** A repository with nbs/nb.ipynb (v1) committed, then promoted with --commit (nb-v0.1.0). */
  beforeEach(() => {
    repo = mkdtempSync(join(build, 'repo-'));
    mkdirSync(join(repo, 'nbs'));
    git(repo, 'init', '-q');
    git(repo, 'config', 'user.name', 'Test');
    git(repo, 'config', 'user.email', 'test@example.invalid');
    writeFileSync(join(repo, '.gitignore'), '__pycache__/\n');
    writeNotebook(v1);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'notebook');
    const first = promote('--commit');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /tagged nb-v0\.1\.0/);
  });

  it('names the notebook relative to the repository root in the commit message, from any folder', () => {
    assert.equal(git(repo, 'log', '-1', '--format=%s').trim(), 'promote(nb): 0.1.0 from nbs/nb.ipynb');
  });

  it('after --merge and a resolved conflict, the tag holds the resolved file, and a clone at the tag runs its tests', function () {
    if (!hasPython()) this.skip();
    const train = join(repo, 'src', 'nb', 'steps', 'train.py');
    writeFileSync(train, readFileSync(train, 'utf8').replace('root = math.sqrt(total)', 'root = math.sqrt(total)  # team tweak'));
    git(repo, 'commit', '-qam', 'tweak train');
    writeNotebook(v2);
    git(repo, 'commit', '-qam', 'notebook: offset');

    const merged = promote('--merge');
    assert.equal(merged.status, 1, 'the merge leaves a conflict');
    // Round 63 LLL: what the merge wrote is listed, the conflicted file marked (only one line on stderr said anything).
    assert.match(merged.stdout, /^nb 1\.0\.0 in \.\.: .*\n(?: {2}.*\n)*? {2}conflict +src\/nb\/steps\/train\.py\n/);
    assert.doesNotMatch(merged.stderr, /nothing was written/);
    const conflicted = readFileSync(train, 'utf8');
    const resolved = conflicted.replace(/^<{7} .*\n[\s\S]*?^={7}\n([ \t]*)root = math\.sqrt\(total \+ offset\)\n>{7} .*\n/m, '$1root = math.sqrt(total + offset)  # team tweak\n');
    assert.notEqual(resolved, conflicted, conflicted);
    writeFileSync(train, resolved);

    const committed = promote('--commit', '--json');
    assert.equal(committed.status, 0, committed.stderr);
    const doc = JSON.parse(committed.stdout) as PromoteJson;
    assert.ok(doc.files.some((f) => f.path === 'src/nb/steps/train.py' && f.action === 'kept-edit'), committed.stdout);
    assert.equal(doc.commit?.created, true);
    const tag = doc.commit?.tag ?? '';
    assert.equal(git(repo, 'status', '--porcelain'), '', 'every generated file is in the promotion commit');
    assert.equal(git(repo, 'show', `${tag}:src/nb/steps/train.py`), resolved);

    const clone = join(build, `clone-${tag}`);
    git(build, 'clone', '-q', repo, clone);
    git(clone, 'checkout', '-q', tag);
    const check = spawnSync(process.execPath, [cli, 'check', 'nbs/nb.ipynb', '--out', '.'], { cwd: clone, env, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const tests = runPytest(clone);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });

  // Round 72 CDC: the JSON said `merged` for a file left with conflict markers, the text report `conflict`.
  it('--merge --json names a file left with conflict markers `conflict`', () => {
    const train = join(repo, 'src', 'nb', 'steps', 'train.py');
    writeFileSync(train, readFileSync(train, 'utf8').replace('root = math.sqrt(total)', 'root = math.sqrt(total)  # team tweak'));
    writeNotebook(v2);
    git(repo, 'commit', '-qam', 'tweak and notebook');
    const merged = promote('--merge', '--json');
    assert.equal(merged.status, 1, merged.stderr);
    const doc = JSON.parse(merged.stdout) as PromoteJson;
    assert.deepEqual(doc.files.filter((f) => f.path === 'src/nb/steps/train.py').map((f) => f.action), ['conflict']);
    assert.ok(doc.problems.some((p) => p.code === 'merge-conflict'));
  });

  it('in a fresh clone (no .nbpromote/base), --merge reads the base from the file\'s history: three-way, clean', () => {
    const train = join(repo, 'src', 'nb', 'steps', 'train.py');
    writeFileSync(train, `${readFileSync(train, 'utf8')}\n\n# team note: keep this step small\n`);
    git(repo, 'commit', '-qam', 'note in train');
    const clone = join(build, 'clone-fresh');
    rmSync(clone, { recursive: true, force: true });
    git(build, 'clone', '-q', repo, clone);
    writeFileSync(join(clone, 'nbs', 'nb.ipynb'), notebookJson(v2));

    const r = spawnSync(process.execPath, [cli, 'promote', 'nb.ipynb', '--out', '..', '--merge', '--json'], { cwd: join(clone, 'nbs'), env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as PromoteJson;
    assert.ok(doc.files.some((f) => f.path === 'src/nb/steps/train.py' && f.action === 'merged'), r.stdout);
    const text = readFileSync(join(clone, 'src', 'nb', 'steps', 'train.py'), 'utf8');
    assert.match(text, /root = math\.sqrt\(total \+ offset\)/, 'the notebook change is taken');
    assert.match(text, /# team note: keep this step small\n$/, 'the hand edit is kept');
    assert.doesNotMatch(text, /<{7}/);
    assert.deepEqual(doc.problems.filter((p) => p.code.startsWith('merge-')).map((p) => p.code), ['merge-base-from-git']);
    const promoted = git(repo, 'rev-list', '-1', 'nb-v0.1.0').trim();
    assert.match(doc.problems.find((p) => p.code === 'merge-base-from-git')?.message ?? '', new RegExp(`read from commit ${promoted.slice(0, 12)}`));
  });

  // Round 72 CDC: after one merged promotion was committed, what nbpromote generated for it was in no commit, and
  // the next clone's --merge marked every difference.
  it('a second --merge in another fresh clone, after a merged promotion was committed, merges against an earlier generation', () => {
    const train = join(repo, 'src', 'nb', 'steps', 'train.py');
    writeFileSync(train, `${readFileSync(train, 'utf8')}\n\n# team note: keep this step small\n`);
    git(repo, 'commit', '-qam', 'note in train');
    const bob = join(build, 'clone-bob');
    const dave = join(build, 'clone-dave');
    for (const folder of [bob, dave]) rmSync(folder, { recursive: true, force: true });
    git(build, 'clone', '-q', repo, bob);
    git(bob, 'config', 'user.name', 'Bob');
    git(bob, 'config', 'user.email', 'bob@example.invalid');
    writeFileSync(join(bob, 'nbs', 'nb.ipynb'), notebookJson(v2));
    git(bob, 'commit', '-qam', 'notebook: offset');
    const first = spawnSync(process.execPath, [cli, 'promote', 'nb.ipynb', '--out', '..', '--merge', '--commit'], { cwd: join(bob, 'nbs'), env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stdout + first.stderr);
    git(build, 'clone', '-q', bob, dave);
    // A comment above the cell's first line: away from the lines Bob's notebook change and Alice's note changed.
    const v3 = v2.map((c) => (c.tags?.[0] === 'step:train' ? { ...c, source: `# the total first\n${c.source}` } : c));
    writeFileSync(join(dave, 'nbs', 'nb.ipynb'), notebookJson(v3));
    const r = spawnSync(process.execPath, [cli, 'promote', 'nb.ipynb', '--out', '..', '--merge', '--json'], { cwd: join(dave, 'nbs'), env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as PromoteJson;
    const text = readFileSync(join(dave, 'src', 'nb', 'steps', 'train.py'), 'utf8');
    assert.match(text, /# the total first\n {4}total = [\s\S]*root = math\.sqrt\(total \+ offset\)[\s\S]*# team note: keep this step small\n$/);
    assert.doesNotMatch(text, /<{7}/);
    const note = doc.problems.find((p) => p.code === 'merge-base-from-git')?.message ?? '';
    assert.match(note, /merged against the version nbpromote generated for 0\.1\.0 \(the last one was never committed as generated/);
    assert.ok(!doc.problems.some((p) => p.code === 'merge-no-base'), JSON.stringify(doc.problems));
  });

  it('a re-run with nothing changed is up to date: exit 0, one JSON document naming the existing tag', () => {
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const again = promote('--commit', '--json');
    assert.equal(again.status, 0, again.stderr);
    const doc = JSON.parse(again.stdout) as PromoteJson;
    const branch = git(repo, 'symbolic-ref', '--short', 'HEAD').trim();
    assert.deepEqual(doc.commit, { commit: head, tag: 'nb-v0.1.0', created: false, branch });
    assert.equal(git(repo, 'rev-parse', 'HEAD').trim(), head, 'no new commit');
    const text = promote('--commit');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /up to date: nothing to commit \(nb-v0\.1\.0 is /);
  });

  // Round 72 CDC: refused, saying another promotion had made version 0.1.0 and advising to delete the tag.
  it('a re-run after hand edits committed since the tag (notebook unchanged) is up to date, and says the edits are not in the tag', () => {
    const train = join(repo, 'src', 'nb', 'steps', 'train.py');
    writeFileSync(train, `${readFileSync(train, 'utf8')}\n# reviewed\n`);
    git(repo, 'commit', '-qam', 'review note');
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const again = promote('--commit');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /kept-edit +src\/nb\/steps\/train\.py\n[\s\S]*up to date: nothing to commit \(nb-v0\.1\.0 is /);
    assert.match(again.stderr, /^note: src\/nb\/steps\/train\.py was edited by hand since nb-v0\.1\.0 was tagged and is kept as it is, not in the tag/m);
    assert.equal(git(repo, 'rev-parse', 'HEAD').trim(), head, 'no new commit');
    // Not yet committed: the same.
    writeFileSync(train, `${readFileSync(train, 'utf8')}# and again\n`);
    assert.equal(promote('--commit').status, 0);
  });

  it('on a detached HEAD (a CI checkout), commits and tags, and says that no branch moved', () => {
    git(repo, 'checkout', '-q', '--detach');
    writeNotebook(v2);
    git(repo, 'commit', '-qam', 'notebook: offset');
    const committed = promote('--commit');
    assert.equal(committed.status, 0, committed.stderr);
    const tag = /tagged (nb-v\S+)/.exec(committed.stdout)?.[1] ?? '';
    assert.equal(tag, 'nb-v1.0.0', committed.stdout);
    assert.match(committed.stderr, /^note: HEAD is detached, so no branch moved: only the tag nb-v1\.0\.0 holds [0-9a-f]{12}\. To keep working from it, `git switch -c <branch>`$/m);
    const json = JSON.parse(promote('--commit', '--json').stdout) as PromoteJson;
    assert.deepEqual([json.commit?.created, json.commit?.branch], [false, null]);
    // On a branch, no note.
    git(repo, 'switch', '-q', '-c', 'work');
    writeNotebook(v1);
    git(repo, 'commit', '-qam', 'notebook: back');
    const onBranch = promote('--commit');
    assert.equal(onBranch.status, 0, onBranch.stderr);
    assert.doesNotMatch(onBranch.stderr, /detached/);
  });

  it('refuses before writing anything when another file is staged', () => {
    writeNotebook(v2);
    git(repo, 'commit', '-qam', 'notebook: offset');
    const before = lock();
    writeFileSync(join(repo, 'NOTES.md'), 'x\n');
    git(repo, 'add', 'NOTES.md');
    const refused = promote('--commit', '--json');
    assert.equal(refused.status, 1);
    const doc = JSON.parse(refused.stdout) as PromoteJson;
    assert.equal(doc.ok, false);
    assert.deepEqual(doc.problems.map((p) => p.code), ['commit-refused']);
    assert.match(doc.problems[0]?.message ?? '', /already staged .*: NOTES\.md\. .*nothing was written or committed\.$/);
    assert.equal(lock(), before);
    assert.equal(git(repo, 'status', '--porcelain'), 'A  NOTES.md\n');
  });

  // Round 46 Z: a plain promotion first (it deletes the renamed step's files, and writes a lock naming the notebook
  // as changed), the notebook committed, then --commit: the tag kept the old step's files and that lock.
  it('after a plain promotion, commits the files it deleted and a lock naming the notebook as committed', function () {
    const renamed = v1.map((c) => (c.tags?.[0] === 'step:train' ? { ...c, tags: ['step:fit'] } : c));
    writeNotebook(renamed);
    const plain = promote();
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /deleted +src\/nb\/steps\/train\.py/);
    assert.match(lock(), /git_dirty: true/);
    git(repo, 'add', 'nbs/nb.ipynb');
    git(repo, 'commit', '-qm', 'notebook: fit');
    const notebookCommit = git(repo, 'rev-parse', 'HEAD').trim();

    const committed = promote('--commit', '--json');
    assert.equal(committed.status, 0, committed.stderr);
    const tag = (JSON.parse(committed.stdout) as PromoteJson).commit?.tag ?? '';
    assert.equal(tag, 'nb-v1.0.0');
    assert.equal(git(repo, 'status', '--porcelain'), '', 'the deletions are in the promotion commit');
    assert.deepEqual(git(repo, 'ls-tree', '-r', '--name-only', tag, '--', 'src/nb/steps', 'tests').split('\n').filter((p) => /train/.test(p)), []);
    assert.match(git(repo, 'show', `${tag}:nbpromote.lock`), new RegExp(`git_commit: ${notebookCommit}, git_dirty: false`));
    // Nothing changed since: up to date, with no new commit.
    const again = JSON.parse(promote('--commit', '--json').stdout) as PromoteJson;
    assert.equal(again.commit?.created, false);
    // Round 47 AA: a commit of the notebook changing no generated file (its metadata, as a markdown edit would),
    // then a plain promotion and --commit: the release stands, its lock as tagged.
    const tagged = lock();
    writeFileSync(join(repo, 'nbs', 'nb.ipynb'), readFileSync(join(repo, 'nbs', 'nb.ipynb'), 'utf8').replace('"metadata":{"kernelspec"', '"metadata":{"note":"x","kernelspec"'));
    git(repo, 'commit', '-qam', 'notebook: metadata');
    assert.equal(promote().status, 0);
    assert.equal(lock(), tagged);
    const released = promote('--commit', '--json');
    assert.equal(released.status, 0, released.stdout + released.stderr);
    assert.equal((JSON.parse(released.stdout) as PromoteJson).commit?.created, false);
  });

  it('refuses before writing anything when the notebook has uncommitted changes, naming it', () => {
    const before = lock();
    writeNotebook(v2);
    const refused = promote('--commit');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /The notebook nbs\/nb\.ipynb has changes that are not committed .*Commit the notebook first, or promote without --commit; nothing was written or committed\./);
    assert.equal(refused.stdout, '');
    assert.equal(lock(), before);
    assert.equal(git(repo, 'status', '--porcelain'), ' M nbs/nb.ipynb\n');
    assert.equal(git(repo, 'tag', '--list').trim(), 'nb-v0.1.0');
    // Staged and not committed: the same advice, not "other files are staged" (round 46 Z).
    git(repo, 'add', 'nbs/nb.ipynb');
    const staged = promote('--commit');
    assert.equal(staged.status, 1);
    assert.match(staged.stderr, /The notebook nbs\/nb\.ipynb has changes that are not committed .*Commit the notebook first/);
    assert.equal(lock(), before);
  });
});
