// The promise of issue 3, for real, beyond the examples (examples.ts): awkward fixtures, the npm package,
// --execute, --infer-steps, caching, runs and bad input, with the built CLI and Debian's Python. Slow:
// `npm run test:e2e`.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from './cli';
import { root } from './cli';
import type { RunJson } from './promoteRun';
import { env, examplesCopy, nbpromote, py } from './promoteRun';

describe('promote: fixtures, the npm package, --execute, --infer-steps, caching, runs, bad input (real Python)', function () {
  this.timeout(600_000);
  const work = examplesCopy('nbpromote-e2e-');

  describe('awkward Python in steps, metrics and test cells (test/fixtures/notebooks/pyflakes-patterns.ipynb)', () => {
    it('promotes into code pyflakes finds clean: unused := / with-as / tuple / except-as names released or cut; its tests pass', () => {
      cpSync(join(root, 'test', 'fixtures', 'notebooks', 'pyflakes-patterns.ipynb'), join(work(), 'pyflakes-patterns.ipynb'));
      const promoted = nbpromote(work(), 'promote', 'pyflakes-patterns.ipynb', '--out', 'out-pyflakes');
      assert.equal(promoted.status, 0, promoted.stderr);
      const out = join(work(), 'out-pyflakes');
      const flakes = py(out, '-m', 'pyflakes', 'src', 'tests');
      assert.equal(flakes.stdout + flakes.stderr, '', 'pyflakes reports nothing');
      const load = readFileSync(join(out, 'src', 'pyflakes_patterns', 'steps', 'load.py'), 'utf8');
      assert.match(load, /except ValueError: {2}# nbpromote: `as err` removed: the block does not use it/);
      assert.match(load, /try: {2}# computed in the notebook \(maybe\), used by no later step\n {8}del fh, m, n_rows\n {4}except NameError:/);
      const tests = py(out, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests');
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      const run = nbpromote(work(), 'run', '--out', 'out-pyflakes', '--json');
      assert.equal(run.status, 0, run.stderr);
      // The loop prints summary's items: summary (a step value) is reported, its loop variables are not. A number
      // bound by `:=` in an `if` test or in a `try` and its handler is a metric as any the cell binds (round 67).
      assert.deepEqual(Object.keys((JSON.parse(run.stdout) as RunJson).metrics).sort(), ['best', 'ratio', 'score', 'summary.rows']);
    });
  });

  describe('modules beside the notebook and relative paths at import (test/fixtures/local-modules)', () => {
    it("imports the notebook's own modules (also after sys.path.append('..')) and reads its files from its folder; metrics as the notebook's", () => {
      cpSync(join(root, 'test', 'fixtures', 'local-modules'), join(work(), 'local-modules'), { recursive: true });
      const project = join(work(), 'local-modules');
      const promoted = nbpromote(project, 'promote', 'nb/analysis.ipynb', '--out', 'build');
      assert.equal(promoted.status, 0, promoted.stderr);
      const build = join(project, 'build');
      const flakes = py(build, '-m', 'pyflakes', 'src', 'tests');
      assert.equal(flakes.stdout + flakes.stderr, '', 'pyflakes reports nothing');
      const tests = py(build, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests');
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      const run = nbpromote(project, 'run', '--out', 'build', '--json');
      assert.equal(run.status, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as RunJson).metrics['score'], 22 / 3, 'the score the notebook printed (7.333333333333333)');
    });
  });

  describe('a percent script promoted in its own folder, by default (out = the current folder)', () => {
    it('gets a package name its own file does not shadow, and nbpromote run and pytest work from that folder', () => {
      const project = join(work(), 'own-folder');
      cpSync(join(root, 'examples', 'data', 'wine.csv'), join(project, 'data', 'wine.csv'));
      cpSync(join(root, 'examples', 'wine-percent.py'), join(project, 'wine.py'));
      const promoted = nbpromote(project, 'promote', 'wine.py', '--json');
      assert.equal(promoted.status, 0, promoted.stderr);
      assert.equal((JSON.parse(promoted.stdout) as { package: string }).package, 'wine_pipeline');
      const run = nbpromote(project, 'run', '--json');
      assert.equal(run.status, 0, run.stderr);
      assert.ok(!run.stdout.includes('178 wines'), 'the notebook script itself ran instead of the pipeline');
      assert.equal((JSON.parse(run.stdout) as RunJson).status, 'finished');
      const tests = py(project, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests');
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    });
  });

  describe('the npm package (npm pack)', () => {
    it('holds the built CLI and what it reads, no sources; its nbpromote promotes and runs an example', () => {
      const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', work()], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
      const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
      const paths = files.map((f) => f.path).sort();
      assert.ok(paths.includes('dist/cli.js') && paths.includes('dist/tree-sitter-python.wasm') && paths.includes('schemas/pipeline.schema.json'), paths.join(', '));
      assert.deepEqual(paths.filter((p) => /^(src|test|bench|examples|scripts|webview)\/|\.map$|\.ts$/.test(p)), []);
      const unpacked = join(work(), 'npm');
      cpSync(join(root, 'examples', 'wine-percent.py'), join(unpacked, 'project', 'wine-percent.py'));
      cpSync(join(root, 'examples', 'data', 'wine.csv'), join(unpacked, 'project', 'data', 'wine.csv'));
      execFileSync('tar', ['-xzf', join(work(), filename), '-C', unpacked]);
      const packedCli = join(unpacked, 'package', 'dist', 'cli.js');
      const run = (...args: string[]): Run => {
        const r = spawnSync(process.execPath, [packedCli, ...args], { cwd: join(unpacked, 'project'), env, encoding: 'utf8' });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      const promoted = run('promote', 'wine-percent.py', '--out', 'out', '--json');
      assert.equal(promoted.status, 0, promoted.stderr);
      const ran = run('run', '--out', 'out', '--json');
      assert.equal(ran.status, 0, ran.stderr);
      assert.equal((JSON.parse(ran.stdout) as RunJson).status, 'finished');
    });
  });

  describe('promote --execute', () => {
    it('records exact metrics and output types for a script without saved outputs; no test is skipped', () => {
      const promoted = nbpromote(work(), 'promote', 'examples/wine-percent.py', '--out', 'out-execute', '--execute', '--json');
      assert.equal(promoted.status, 0, promoted.stderr);
      const doc = JSON.parse(promoted.stdout) as { metrics: Record<string, number> };
      assert.ok(Object.keys(doc.metrics).length >= 2, JSON.stringify(doc.metrics));
      const yaml = readFileSync(join(work(), 'out-execute', 'pipeline.yaml'), 'utf8');
      assert.match(yaml, /recorded: \{.*type: pandas\.core\.frame\.DataFrame/);
      const tests = py(join(work(), 'out-execute'), '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-rs', 'tests');
      assert.equal(tests.status, 0, tests.stdout);
      assert.doesNotMatch(tests.stdout, /skipped/);
      // What --execute recorded stays: check (which runs nothing) finds the package up to date.
      const check = nbpromote(work(), 'check', 'examples/wine-percent.py', '--out', 'out-execute');
      assert.equal(check.status, 0, check.stdout + check.stderr);
    });
  });

  // Round 46 Y: the promotion --execute plans first refused the hand edit, asking for the --merge it was given.
  describe('promote --execute --merge and --force, after a step module was edited by hand and its cell changed', () => {
    /** examples/wine-percent.py copied as `<name>.py` and promoted into `out-<name>`; then the module of step load edited, and the cell too. */
    const edited = (name: string): { script: string; module: string } => {
      const script = `${name}.py`;
      cpSync(join(work(), 'examples', 'wine-percent.py'), join(work(), 'examples', script));
      const first = nbpromote(work(), 'promote', `examples/${script}`, '--out', `out-${name}`);
      assert.equal(first.status, 0, first.stderr);
      const module = join(work(), `out-${name}`, 'src', name.replace(/-/g, '_'), 'steps', 'load.py');
      writeFileSync(module, `${readFileSync(module, 'utf8')}# our note\n`);
      const notebook = join(work(), 'examples', script);
      writeFileSync(notebook, readFileSync(notebook, 'utf8').replace('{len(wine)} wines', '{len(wine)} bottles'));
      return { script: `examples/${script}`, module };
    };

    it('runs the notebook, then merges the edit', () => {
      const { script, module } = edited('wine-merge');
      const stopped = nbpromote(work(), 'promote', script, '--out', 'out-wine-merge', '--execute');
      assert.equal(stopped.status, 1);
      assert.match(stopped.stderr, /steps\/load\.py was edited by hand/);
      // Not the saved outputs' warnings, which advise the --execute given (round 47 AA).
      assert.doesNotMatch(stopped.stderr, /^warning:/m);
      const merged = nbpromote(work(), 'promote', script, '--out', 'out-wine-merge', '--execute', '--merge');
      assert.equal(merged.status, 0, merged.stderr);
      assert.match(merged.stdout, /merged +src\/wine_merge\/steps\/load\.py/);
      assert.match(readFileSync(module, 'utf8'), /bottles[\s\S]*# our note\n$/);
      assert.match(readFileSync(join(work(), 'out-wine-merge', 'pipeline.yaml'), 'utf8'), /recorded: \{/);
    });

    it('runs the notebook, then replaces the module, keeping the edited one as .orig', () => {
      const { script, module } = edited('wine-force');
      const forced = nbpromote(work(), 'promote', script, '--out', 'out-wine-force', '--execute', '--force');
      assert.equal(forced.status, 0, forced.stderr);
      assert.match(readFileSync(`${module}.orig`, 'utf8'), /# our note\n$/);
      assert.match(readFileSync(module, 'utf8'), /bottles/);
      assert.doesNotMatch(readFileSync(module, 'utf8'), /our note/);
      assert.match(readFileSync(join(work(), 'out-wine-force', 'pipeline.yaml'), 'utf8'), /recorded: \{/);
    });
  });

  describe('promote --execute on a notebook that fails', () => {
    it('exits 1 naming the notebook cell and line that failed (not the copy nbconvert ran) first, however long the traceback, and writes nothing', () => {
      const notebook = {
        cells: [
          { cell_type: 'code', id: 'i', metadata: { tags: ['imports'] }, execution_count: null, outputs: [], source: 'import json' },
          { cell_type: 'code', id: 'a', metadata: { tags: ['parameters'] }, execution_count: null, outputs: [], source: 'n = 3' },
          { cell_type: 'markdown', id: 'b', metadata: {}, source: '## Load' },
          { cell_type: 'code', id: 'c', metadata: { tags: ['step:load'] }, execution_count: null, outputs: [], source: 'rows = list(range(n))\nratio = json.loads("{n: 3}")' },
          { cell_type: 'code', id: 'd', metadata: { tags: ['metrics'] }, execution_count: null, outputs: [], source: 'total = sum(rows) * ratio' },
        ],
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      writeFileSync(join(work(), 'fails.ipynb'), JSON.stringify(notebook));
      const promoted = nbpromote(work(), 'promote', 'fails.ipynb', '--out', 'out-fails', '--execute');
      assert.equal(promoted.status, 1);
      // json's own frames fill the traceback's tail: the cell is named on the first line all the same.
      assert.match(promoted.stderr, /^nbpromote: fails\.ipynb: executing the notebook failed in cell 4 \(id c\), line 2: JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 \(char 1\)\n/m);
      assert.doesNotMatch(promoted.stderr.split('\n').slice(-13).join('\n'), /cell 4 of fails\.ipynb/);
      // Named with its cell and line, the error comes without json's own frames (round 59 CCC).
      assert.doesNotMatch(promoted.stderr, /decoder\.py|^\s*\d+\s+\S/m);
      assert.equal(existsSync(join(work(), 'out-fails')), false);
    });
  });

  describe('promote --infer-steps', () => {
    it('takes steps from the markdown headings of an untagged notebook; the notebook is not changed', () => {
      const notebook = join(work(), 'headings.ipynb');
      cpSync(join(root, 'test', 'fixtures', 'workspace', 'promote-headings.ipynb'), notebook);
      const before = readFileSync(notebook, 'utf8');
      const plain = nbpromote(work(), 'promote', 'headings.ipynb', '--out', 'out-headings');
      assert.equal(plain.status, 1);
      assert.match(plain.stderr, /--infer-steps/);
      const inferred = nbpromote(work(), 'promote', 'headings.ipynb', '--out', 'out-headings', '--infer-steps', '--json');
      assert.equal(inferred.status, 0, inferred.stderr);
      const doc = JSON.parse(inferred.stdout) as { steps: { name: string }[] };
      assert.ok(doc.steps.length >= 2, JSON.stringify(doc.steps));
      assert.match(inferred.stderr, /note: .*step \w+ inferred from the heading/);
      assert.equal(readFileSync(notebook, 'utf8'), before);
      const tests = py(join(work(), 'out-headings'), '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests');
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    });

    it('with --execute: the execution is of the file as it is (the inferred tags are in memory only)', () => {
      const notebook = join(work(), 'headings-execute.ipynb');
      cpSync(join(root, 'test', 'fixtures', 'workspace', 'promote-headings.ipynb'), notebook);
      const before = readFileSync(notebook, 'utf8');
      const promoted = nbpromote(work(), 'promote', 'headings-execute.ipynb', '--out', 'out-headings-execute', '--infer-steps', '--execute');
      assert.equal(promoted.status, 0, promoted.stderr);
      assert.doesNotMatch(promoted.stderr, /changed while --execute ran it/);
      assert.equal(readFileSync(notebook, 'utf8'), before);
      assert.match(readFileSync(join(work(), 'out-headings-execute', 'nbpromote.lock'), 'utf8'), /^executed:\n {2}code_sha256: /m);
      const tests = py(join(work(), 'out-headings-execute'), '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests');
      assert.equal(tests.status, 0, tests.stdout + tests.stderr);
      assert.doesNotMatch(tests.stdout, /skipped/);
    });
  });

  describe('caching', () => {
    const runJson = (cwd: string, ...args: string[]): RunJson => {
      const run = nbpromote(cwd, 'run', '--out', 'out-cache', '--json', ...args);
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout) as RunJson;
    };
    const statuses = (r: RunJson): Record<string, string> => Object.fromEntries(r.steps.map((s) => [s.name, s.status]));

    it('a second run with nothing changed runs no step; one changed parameter re-runs only what depends on it', () => {
      assert.equal(nbpromote(work(), 'promote', 'examples/churn-native.ipynb', '--out', 'out-cache').status, 0);
      const first = runJson(work());
      assert.ok(Object.values(statuses(first)).every((s) => s === 'ran'), JSON.stringify(first.steps));
      const second = runJson(work());
      assert.deepEqual(Object.values(statuses(second)), second.steps.map(() => 'cached'));
      const record = JSON.parse(readFileSync(join(work(), 'out-cache', '.nbpromote', 'runs', second.run_id, 'run.json'), 'utf8')) as { steps: { status: string }[] };
      assert.ok(record.steps.every((s) => s.status === 'cached'), 'the run record says every step came from the cache');
      const changed = runJson(work(), '--param', 'n_estimators=50');
      assert.deepEqual(statuses(changed), { load: 'cached', features: 'cached', split: 'cached', train: 'ran', evaluate: 'ran' });
      assert.equal(changed.params['n_estimators'], 50);
      const forced = runJson(work(), '--no-cache');
      assert.ok(Object.values(statuses(forced)).every((s) => s === 'ran'));
    });

    it('--only STEP runs that step and what it depends on; an unknown step is a usage error naming the steps', () => {
      const only = runJson(work(), '--only', 'split', '--no-cache');
      assert.deepEqual(statuses(only), { load: 'ran', features: 'ran', split: 'ran', train: 'skipped', evaluate: 'skipped' });
      const unknown = nbpromote(work(), 'run', '--out', 'out-cache', '--only', 'nope');
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /--only "nope": no such step .*steps: load, features, split, train, evaluate/);
    });
  });

  describe('runs', () => {
    it('two runs with different params appear in nbpromote runs --json with their params, metrics and commit', () => {
      const repo = join(work(), 'runs-repo');
      cpSync(join(root, 'examples'), join(repo, 'examples'), { recursive: true });
      const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
      git('init', '-q');
      git('config', 'user.name', 'Test');
      git('config', 'user.email', 'test@example.invalid');
      assert.equal(nbpromote(repo, 'promote', 'examples/iris-nbdev.ipynb', '--out', 'out').status, 0);
      git('add', '-A');
      git('commit', '-q', '-m', 'promoted');
      const head = git('rev-parse', 'HEAD').trim();
      const runs: RunJson[] = [];
      for (const value of ['0.5', '2.0']) {
        const run = nbpromote(repo, 'run', '--out', 'out', '--json', '--param', `regularization=${value}`);
        assert.equal(run.status, 0, run.stderr);
        runs.push(JSON.parse(run.stdout) as RunJson);
      }
      const listed = nbpromote(repo, 'runs', '--out', 'out', '--json');
      assert.equal(listed.status, 0, listed.stderr);
      const doc = JSON.parse(listed.stdout) as { id: string; pipeline: string; version: string; status: string; params: Record<string, unknown>; metrics: Record<string, number>; git_commit: string | null }[];
      for (const run of runs) {
        const found = doc.find((r) => r.id === run.run_id);
        assert.ok(found, `run ${run.run_id} is listed`);
        assert.equal(found.pipeline, 'iris_nbdev');
        assert.equal(found.version, '0.1.0');
        assert.equal(found.status, 'finished');
        assert.deepEqual(found.params, run.params);
        assert.deepEqual(found.metrics, run.metrics);
        assert.equal(found.git_commit, head);
      }
      assert.deepEqual(doc.slice(0, 2).map((r) => r.params['regularization']), [2, 0.5], 'newest first');
    });
  });

  describe('bad input: exit 1, the message names the cell, nothing is written', () => {
    for (const [fixture, expect] of [
      ['promote-undefined-name.ipynb', /promote-undefined-name\.ipynb: cell 3 \(id train\), line 2, column \d+: step train uses scale_factor, but no cell before it defines it/],
      ['tags-none.ipynb', /tags-none\.ipynb: no cell starts a step.*step:<name>/],
    ] as const) {
      it(fixture, () => {
        cpSync(join(root, 'test', 'fixtures', 'notebooks', fixture), join(work(), fixture));
        const run = nbpromote(work(), 'promote', fixture, '--out', `bad-${fixture}`);
        assert.equal(run.status, 1, run.stdout);
        assert.match(run.stderr, expect);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
        assert.ok(!existsSync(join(work(), `bad-${fixture}`)), 'nothing written');
      });
    }

    // Round 60 EEE: `cannot read it (EISDIR)`, and a file given to run's --out was said to hold no pipeline.yaml.
    it('a folder given as the notebook, and a file given as run --out, are said to be what they are', () => {
      mkdirSync(join(work(), 'a-folder'), { recursive: true });
      const folder = nbpromote(work(), 'promote', 'a-folder', '--out', 'bad-folder');
      assert.equal(folder.status, 1);
      assert.match(folder.stderr, /a-folder: it is a folder, not a notebook/);
      assert.ok(!existsSync(join(work(), 'bad-folder')), 'nothing written');
      writeFileSync(join(work(), 'a-file'), 'x');
      const file = nbpromote(work(), 'run', '--out', 'a-file');
      assert.equal(file.status, 1);
      assert.match(file.stderr, /a-file: not a folder \(--out names the folder holding pipeline\.yaml\)/);
    });
  });
});
