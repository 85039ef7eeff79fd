// The nbpromote binary as people run it: built with esbuild into a temp folder, spawned with real files.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'notebooks');
let work = '';
let build = '';
let cli: string;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function nbpromote(...args: string[]): Run {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NBPROMOTE_DEBUG: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file below `dir` with its size and mtime, to prove a command wrote nothing. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f} ${s.size} ${s.mtimeMs}`;
    });
}

describe('nbpromote CLI (built binary)', function () {
  this.timeout(60_000);

  before(() => {
    build = mkdtempSync(join(tmpdir(), 'nbpromote-cli-'));
    cli = join(build, 'cli.js');
    buildSync({ entryPoints: [join(root, 'src', 'cli', 'main.ts')], bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', outfile: cli, loader: { '.py': 'text' } });
    for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
      cpSync(require.resolve(wasm), join(build, wasm.split('/')[1] ?? ''));
    }
    work = mkdtempSync(join(tmpdir(), 'nbpromote-work-'));
    cpSync(fixtures, join(work, 'notebooks'), { recursive: true });
    cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true });
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
    if (build !== '') rmSync(build, { recursive: true, force: true });
  });

  it('--version prints the package version, exit 0', () => {
    const run = nbpromote('--version');
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('--help lists inspect, exit 0', () => {
    const run = nbpromote('--help');
    assert.equal(run.status, 0);
    assert.match(run.stdout, /nbpromote inspect <notebook> \[--json\]/);
  });

  it('--help, a command\'s --help and --version print one JSON document with --json', () => {
    const help = nbpromote('--help', '--json');
    assert.equal(help.status, 0, help.stderr);
    const all = JSON.parse(help.stdout) as { version: string; commands: { name: string; synopsis: string; flags: { name: string; value: string | null }[] }[]; exit_code: number };
    assert.equal(all.exit_code, 0);
    assert.match(all.version, /^\d+\.\d+\.\d+$/);
    const promote = all.commands.find((c) => c.name === 'promote');
    assert.deepEqual(promote?.flags.find((f) => f.name === '--out')?.value, 'DIR');
    const one = nbpromote('promote', '--help', '--json');
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(JSON.parse(one.stdout), { ...promote, exit_code: 0 });
    const version = nbpromote('--version', '--json');
    assert.equal(version.status, 0, version.stderr);
    assert.deepEqual(JSON.parse(version.stdout), { version: all.version, exit_code: 0 });
  });

  it('usage errors exit 2 without a stack trace', () => {
    for (const args of [[], ['frobnicate'], ['inspect'], ['inspect', 'a.ipynb', '--nope'], ['inspect', 'a.ipynb', 'b.ipynb']]) {
      const run = nbpromote(...args);
      assert.equal(run.status, 2, `nbpromote ${args.join(' ')}`);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('with --json, a failure no command reports itself is one JSON object on stdout too (usage errors)', () => {
    const cases = [
      [['run', '--bogus', '--json'], 2],
      [['promote', '--json'], 2],
      [['promote', '--json', '--package', '1x', 'examples/churn-native.ipynb'], 2],
      [['--json'], 2], // no command at all
      [['promote', 'examples/churn-native.ipynb', '--out', '--json'], 2], // `--out $OUT --json` with $OUT empty
      [['inspect', 'examples/churn-native.ipynb', '--json=yes'], 2], // round 66 QQQ: stdout was empty
    ] as const;
    for (const [args, code] of cases) {
      const run = nbpromote(...args);
      assert.equal(run.status, code, `nbpromote ${args.join(' ')}`);
      const doc = JSON.parse(run.stdout) as { error: string; exit_code: number };
      assert.equal(doc.exit_code, code);
      assert.ok(doc.error.length > 0 && run.stderr.includes(doc.error), run.stderr);
    }
    assert.ok(!existsSync(join(work, '--json')), 'promote --out --json wrote no folder named --json');
    // A command reporting its own failure as JSON: that one document only.
    const inspected = nbpromote('inspect', 'nope.ipynb', '--json');
    assert.equal(inspected.status, 1);
    assert.equal((JSON.parse(inspected.stdout) as { ok: boolean }).ok, false);
    // Without --json (or after `--`), stdout stays empty.
    assert.equal(nbpromote('run', '--bogus').stdout, '');
    assert.equal(nbpromote('run', '--bogus', '--', '--json').stdout, '');
  });

  it('output to a full disk is one line on stderr and exit 1, not an uncaught exception', function () {
    if (!existsSync('/dev/full')) this.skip();
    for (const args of [['--help'], ['inspect', 'examples/churn-native.ipynb', '--json']]) {
      const full = spawnSync('sh', ['-c', 'exec "$0" "$@" > /dev/full', process.execPath, cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, NBPROMOTE_DEBUG: '' } });
      assert.equal(full.status, 1, full.stderr);
      assert.equal(full.stderr, 'nbpromote: cannot write the output (stdout): no space is left on the device (ENOSPC); free some space and try again\n');
    }
  });

  it('a missing file exits 1 naming it', () => {
    const run = nbpromote('inspect', 'nope.ipynb');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nope\.ipynb: no such file/);
    assert.equal(run.stdout, '', 'said once, on stderr (round 78 OPO: twice)');
    // Round 51 KK: a link whose target is gone is said to be one.
    symlinkSync('gone.ipynb', join(work, 'dangling.ipynb'));
    try {
      for (const command of ['inspect', 'promote']) {
        const dangling = nbpromote(command, 'dangling.ipynb');
        assert.equal(dangling.status, 1);
        assert.match(dangling.stderr, /dangling\.ipynb: it is a symbolic link to gone\.ipynb, which does not exist/, command);
      }
    } finally {
      rmSync(join(work, 'dangling.ipynb'));
    }
  });

  it('check on a notebook promoted with --infer-steps is up to date, with or without the flag', () => {
    const notebook = join(root, 'test', 'fixtures', 'workspace', 'promote-headings.ipynb');
    cpSync(notebook, join(work, 'headings.ipynb'));
    assert.equal(nbpromote('promote', 'headings.ipynb', '--out', 'inferred', '--infer-steps').status, 0);
    for (const flags of [[], ['--infer-steps']]) {
      const checked = nbpromote('check', 'headings.ipynb', '--out', 'inferred', ...flags);
      assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    }
    assert.equal(nbpromote('check', 'headings.ipynb', '--out', 'nowhere').status, 1);
    // Stale: the command it suggests takes --infer-steps too (round 51 LL: without it, promote refused).
    const text = readFileSync(join(work, 'headings.ipynb'), 'utf8');
    writeFileSync(join(work, 'headings.ipynb'), text.replace(/("source":\s*\[?\s*")(?!#)/, '$1extra_line = 1\\n'));
    const stale = nbpromote('check', 'headings.ipynb', '--out', 'inferred');
    assert.equal(stale.status, 1, stale.stdout + stale.stderr);
    assert.match(stale.stdout, /the generated code is stale; `nbpromote promote headings\.ipynb --out inferred --infer-steps` would make it/);
  });

  it('promote --infer-steps takes the cell under a "Metrics" heading as the metrics, and its run records them', () => {
    const cell = (cell_type: string, source: string, outputs: unknown[] = []): Record<string, unknown> => (cell_type === 'markdown' ? { cell_type, id: `m${source.length}`, metadata: {}, source } : { cell_type, id: `c${source.length}`, metadata: {}, source, outputs, execution_count: 1 });
    const cells = [cell('markdown', '## Load'), cell('code', 'rows = [1, 2, 3]'), cell('markdown', '## 3. Metrics'), cell('code', 'total = sum(rows)\nprint("total:", total)', [{ output_type: 'stream', name: 'stdout', text: 'total: 6\n' }])];
    writeFileSync(join(work, 'sections.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
    const promoted = nbpromote('promote', 'sections.ipynb', '--out', 'sections', '--infer-steps', '--json');
    assert.equal(promoted.status, 0, promoted.stderr);
    const doc = JSON.parse(promoted.stdout) as { steps: { name: string }[]; problems: { message: string }[] };
    assert.deepEqual(doc.steps.map((s) => s.name), ['load']);
    assert.ok(doc.problems.some((p) => p.message === 'the metrics inferred from the heading "3. Metrics" (cell 3); tag the cell metrics to keep it'), JSON.stringify(doc.problems));
    assert.match(readFileSync(join(work, 'sections', 'pipeline.yaml'), 'utf8'), /expected: \{total: 6\}/);
    const run = nbpromote('run', '--out', 'sections', '--python', '/usr/bin/python3', '--json');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { metrics: object }).metrics, { total: 6 });
  });

  it('run --json that cannot start still prints one JSON object with status error', () => {
    const missing = nbpromote('run', '--out', 'nowhere', '--json');
    assert.equal(missing.status, 1);
    const doc = JSON.parse(missing.stdout) as { run_id: unknown; status: string; error: string; params: object; metrics: object; steps: unknown[] };
    assert.deepEqual({ ...doc, error: '' }, { run_id: null, status: 'error', error: '', params: {}, metrics: {}, steps: [] });
    assert.match(doc.error, /no pipeline\.yaml here/);
    assert.match(missing.stderr, /no pipeline\.yaml here/);
    const broken = join(work, 'broken');
    cpSync(join(fixtures, 'truncated.ipynb'), join(broken, 'x'));
    writeFileSync(join(broken, 'pipeline.yaml'), 'schema_version: 1\nsteps: [\n');
    const bad = nbpromote('run', '--out', 'broken', '--json');
    assert.equal(bad.status, 1);
    assert.match((JSON.parse(bad.stdout) as { error: string }).error, /pipeline\.yaml/);
    assert.equal(nbpromote('run', '--out', 'nowhere').stdout, '');
  });

  it('run with a Python that exits at once printing nothing says so, naming it (and --json still prints its object)', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'falsepython').status, 0);
    const expected = 'the Python /bin/false exited with status 1 before the pipeline started, printing nothing: is it a Python 3 interpreter? Choose one with --python or NBPROMOTE_PYTHON';
    const run = nbpromote('run', '--out', 'falsepython', '--python', '/bin/false');
    assert.equal(run.status, 1);
    assert.equal(run.stderr, `nbpromote: ${expected}\n`);
    const json = nbpromote('run', '--out', 'falsepython', '--python', '/bin/false', '--json');
    assert.equal(json.status, 1);
    assert.deepEqual(JSON.parse(json.stdout), { run_id: null, status: 'error', error: expected, params: {}, metrics: {}, steps: [] });
  });

  // Round 49 FF: with a Python that cannot import the package, a bad --param was reported as that import failing.
  it('run checks --param names before Python starts: a usage error, exit 2, in the runtime\'s words', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'params').status, 0);
    const unknown = nbpromote('run', '--out', 'params', '--python', '/bin/false', '--param', 'zz=1');
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /unknown parameter 'zz'; the parameters are: data_path \(str\), test_size \(float\), regularization \(float\), random_state \(int\)/);
    const bare = nbpromote('run', '--out', 'params', '--python', '/bin/false', '--param', 'test_size', '--json');
    assert.equal(bare.status, 2, bare.stderr);
    assert.equal((JSON.parse(bare.stdout) as { error: string }).error, "--param 'test_size': write --param name=value");
    const constant = nbpromote('run', '--out', 'params', '--python', '/bin/false', '--param', 'FEATURES=a');
    assert.match(constant.stderr, /unknown parameter 'FEATURES'; .*\. FEATURES is a constant of the shared code \(src\/iris_nbdev\/iris_model\.py\), not a parameter/);
    // Round 51 LL: common.py's constants stand indented (its cells run in a `with` block); a function is none.
    const cell = (tags: string[], source: string): object => ({ cell_type: 'code', id: `c${tags[0]?.length ?? 0}${source.length}`, metadata: { tags }, execution_count: null, outputs: [], source });
    const cells = [cell(['imports'], 'import os'), cell([], 'LABELS = ["a", "b"]\nif os.environ.get("NB_DEBUG"):\n    LABELS = LABELS[:1]\n\ndef clean(x):\n    return x'), cell(['step:fit'], 'n = len(clean(LABELS))'), cell(['metrics'], 'print(n)')];
    writeFileSync(join(work, 'shared.ipynb'), JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    assert.equal(nbpromote('promote', 'shared.ipynb', '--out', 'sharedparams').status, 0);
    assert.match(readFileSync(join(work, 'sharedparams', 'src', 'shared', 'common.py'), 'utf8'), /\n {4}LABELS = /);
    const shared = nbpromote('run', '--out', 'sharedparams', '--python', '/bin/false', '--param', 'LABELS=a');
    assert.match(shared.stderr, /unknown parameter 'LABELS'; .*\. LABELS is a constant of the shared code \(src\/shared\/common\.py\), not a parameter/);
    assert.doesNotMatch(nbpromote('run', '--out', 'sharedparams', '--python', '/bin/false', '--param', 'clean=a').stderr, /constant/);
  });

  it('run --json with a runner that exits 0 printing nothing prints one object with status error, exit 1', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'truepython').status, 0);
    const expected = "the Python /bin/true exited with status 0 without running the pipeline: it printed no run's JSON and recorded none";
    const json = nbpromote('run', '--out', 'truepython', '--python', '/bin/true', '--json');
    assert.equal(json.status, 1);
    assert.deepEqual(JSON.parse(json.stdout), { run_id: null, status: 'error', error: expected, params: {}, metrics: {}, steps: [] });
    assert.equal(nbpromote('run', '--out', 'truepython', '--python', '/bin/true').status, 1);
  });

  it('run refuses a `package:` in pipeline.yaml that is not the package promoted there, naming the line', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'wrongpkg').status, 0);
    const config = join(work, 'wrongpkg', 'pipeline.yaml');
    const text = readFileSync(config, 'utf8');
    writeFileSync(config, text.replace(/^package: .*$/m, 'package: sklearn'));
    const line = text.slice(0, text.indexOf('\npackage: ') + 1).split('\n').length;
    const json = nbpromote('run', '--out', 'wrongpkg', '--python', '/usr/bin/python3', '--json');
    assert.equal(json.status, 1);
    const doc = JSON.parse(json.stdout) as { status: string; error: string };
    assert.equal(doc.status, 'error');
    assert.match(doc.error, new RegExp(`pipeline\\.yaml: line ${line}: \`package: sklearn\` names no package promoted here: .* \\(nbpromote\\.lock says the package promoted here is \`iris_nbdev\`\\)`));
    assert.equal(existsSync(join(work, 'wrongpkg', '.nbpromote', 'runs')), false);
  });

  it('run that fails on an import the Python cannot do names that Python and where it came from', () => {
    writeFileSync(join(work, 'missing.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', id: 'load', metadata: { tags: ['step:load'] }, source: 'import nbpromote_no_such_module\nrows = nbpromote_no_such_module.ROWS', outputs: [], execution_count: null }] }));
    const promoted = nbpromote('promote', 'missing.ipynb', '--out', 'missingmod');
    assert.equal(promoted.status, 0, promoted.stderr);
    const run = nbpromote('run', '--out', 'missingmod', '--python', '/usr/bin/python3');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nbpromote: it ran with \/usr\/bin\/python3 \(--python\), which cannot import nbpromote_no_such_module: install it for that Python, or choose another with --python or NBPROMOTE_PYTHON\n/);
  });

  it('run --json with a Python that does not exist prints one object saying so, and one message', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'nopython').status, 0);
    const expected = 'cannot run /nonexistent/python: no such program (set --python or NBPROMOTE_PYTHON)';
    const json = nbpromote('run', '--out', 'nopython', '--python', '/nonexistent/python', '--json');
    assert.equal(json.status, 1);
    assert.deepEqual(JSON.parse(json.stdout), { run_id: null, status: 'error', error: expected, params: {}, metrics: {}, steps: [] });
    assert.equal(json.stderr, `nbpromote: ${expected}\n`);
  });

  // Round 66 QQQ: `spawn /tmp EACCES`, and `--execute` with a Python running nothing blamed a removed folder.
  it('a folder given as the Python, and one that runs nothing, are said as such; nothing is written', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'folderpython').status, 0);
    const folder = nbpromote('run', '--out', 'folderpython', '--python', tmpdir());
    assert.equal(folder.status, 1);
    assert.match(folder.stderr, /cannot run \/tmp: it is a folder or a file without execute permission, not a program \(set --python or NBPROMOTE_PYTHON\)/);
    const nothing = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'true-execute', '--execute', '--python', '/bin/true');
    assert.equal(nothing.status, 1, nothing.stderr);
    assert.match(nothing.stderr, /the Python \/bin\/true exited with status 0 without running the notebook \(nbconvert wrote no executed copy\)/);
    assert.equal(existsSync(join(work, 'true-execute')), false);
  });

  describe('bad notebooks: exit 1, one clear message naming file and cell, no stack trace, nothing written', () => {
    const cases: { file: string; expect: RegExp }[] = [
      { file: 'truncated.ipynb', expect: /truncated\.ipynb: line \d+, column \d+: / },
      { file: 'no-cells.ipynb', expect: /no-cells\.ipynb: .*cells/ },
      { file: 'tags-step-path.ipynb', expect: /tags-step-path\.ipynb: cell \d+( \(id [^)]+\))?: .*\.\.\/\.\.\/x/ },
      { file: 'tags-prev-cycle.ipynb', expect: /tags-prev-cycle\.ipynb: cell \d+( \(id [^)]+\))?: .*(\w+ → )+\w+/ },
      { file: 'duplicate-ids.ipynb', expect: /duplicate-ids\.ipynb: cell \d+ \(id [^)]+\): .*/ },
    ];
    for (const { file, expect } of cases) {
      it(file, () => {
        const before = snapshot(work);
        const run = nbpromote('inspect', `notebooks/${file}`);
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, expect);
        assert.doesNotMatch(run.stderr, /\n\s+at |internal error/);
        assert.deepEqual(snapshot(work), before);
        const json = nbpromote('inspect', `notebooks/${file}`, '--json');
        assert.equal(json.status, 1);
        const doc = JSON.parse(json.stdout) as { ok: boolean; problems: { severity: string; file: string }[] };
        assert.equal(doc.ok, false);
        assert.ok(doc.problems.some((p) => p.severity === 'error' && p.file === `notebooks/${file}`));
      });
    }
  });

  it('an nbformat 3 notebook is read (upgraded in memory) and says so', () => {
    const run = nbpromote('inspect', 'notebooks/nbformat-3.ipynb', '--json');
    const doc = JSON.parse(run.stdout) as { upgradedFrom: number | null; cells: unknown[]; problems: { severity: string; message: string }[] };
    assert.equal(doc.upgradedFrom, 3);
    assert.ok(doc.cells.length > 0);
    assert.ok(doc.problems.some((p) => p.severity === 'info' && /nbformat 3/.test(p.message)));
  });

  it('a notebook without roles is not an error and says how to tag', () => {
    const run = nbpromote('inspect', 'notebooks/tags-none.ipynb');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /step:<name>/);
  });

  it('check exits 0 right after promotion and 1 after a step cell is edited', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'checked').status, 0);
    const clean = nbpromote('check', 'examples/iris-nbdev.ipynb', '--out', 'checked');
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /up to date \(iris_nbdev 0\.1\.0\)/);
    const notebook = join(work, 'examples', 'iris-nbdev.ipynb');
    const original = readFileSync(notebook, 'utf8');
    try {
      writeFileSync(notebook, original.replace('regularization, random_state)', 'regularization, random_state)  # refit'));
      const stale = nbpromote('check', 'examples/iris-nbdev.ipynb', '--out', 'checked');
      assert.equal(stale.status, 1, stale.stdout);
      assert.match(stale.stdout, /the code of step train changed \(patch\)/);
      assert.match(stale.stdout, /differs from notebook\s+src\/iris_nbdev\/steps\/train\.py/);
    } finally {
      writeFileSync(notebook, original);
    }
    // The files as generated, but their record gone, or a promotion that stopped before writing it: not up to date.
    const lock = join(work, 'checked', 'nbpromote.lock');
    const kept = readFileSync(lock, 'utf8');
    rmSync(lock);
    const unrecorded = nbpromote('check', 'examples/iris-nbdev.ipynb', '--out', 'checked');
    assert.equal(unrecorded.status, 1, unrecorded.stdout);
    assert.match(unrecorded.stdout, /not up to date: there is no nbpromote\.lock in .*checked; `nbpromote promote examples\/iris-nbdev\.ipynb --out checked` records the package/);
    writeFileSync(lock, kept);
    writeFileSync(join(work, 'checked', '.nbpromote', 'pending.json'), '{}');
    const unfinished = nbpromote('check', 'examples/iris-nbdev.ipynb', '--out', 'checked');
    assert.equal(unfinished.status, 1, unfinished.stdout);
    assert.match(unfinished.stdout, /the last promotion into .*checked did not finish \(\.nbpromote\/pending\.json is still there\)/);
    rmSync(join(work, 'checked', '.nbpromote', 'pending.json'));
    assert.equal(nbpromote('check', 'examples/iris-nbdev.ipynb', '--out', 'checked').status, 0);
  });

  it('a hand-edited module makes promote exit 1 naming it, and leaves it as it was', () => {
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'edited').status, 0);
    const module = join(work, 'edited', 'src', 'iris_nbdev', 'steps', 'load.py');
    // Edited by hand, and the notebook changes it too: its load cell gets a comment.
    const notebookFile = join(work, 'examples', 'iris-nbdev.ipynb');
    const original = readFileSync(notebookFile, 'utf8');
    const doc = JSON.parse(original) as { cells: { source: string | string[] }[] };
    const load = doc.cells.find((c) => (Array.isArray(c.source) ? c.source.join('') : c.source).includes('step: load'));
    assert.ok(load);
    load.source = `${Array.isArray(load.source) ? load.source.join('') : load.source}\n# changed in the notebook`;
    writeFileSync(notebookFile, JSON.stringify(doc));
    writeFileSync(module, `${readFileSync(module, 'utf8')}# mine\n`);
    const mine = readFileSync(module, 'utf8');
    const run = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'edited');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /src\/iris_nbdev\/steps\/load\.py was edited by hand/);
    assert.equal(readFileSync(module, 'utf8'), mine);
    const json = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'edited', '--json');
    assert.equal(json.status, 1);
    const report = JSON.parse(json.stdout) as { ok: boolean; package: unknown; version: unknown; problems: { code: string }[] };
    assert.deepEqual([report.ok, report.package, report.version], [false, null, null]);
    assert.ok(report.problems.some((p) => p.code === 'hand-edited'), JSON.stringify(report.problems));
    writeFileSync(notebookFile, original);
  });

  it('run --json names the run, the step and the exit when the pipeline process dies in a step (os._exit, sys.exit)', () => {
    const notebook = (stop: string): string =>
      JSON.stringify({
        cells: [
          { cell_type: 'code', id: 'c0', metadata: { tags: ['step:load'] }, execution_count: null, outputs: [], source: `import os, sys\nx = 1\n${stop}` },
          { cell_type: 'code', id: 'c1', metadata: { tags: ['step:use'] }, execution_count: null, outputs: [], source: 'y = x + 1\nprint(y)' },
        ],
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      });
    writeFileSync(join(work, 'osexit.ipynb'), notebook('os._exit(3)'));
    writeFileSync(join(work, 'sysexit.ipynb'), notebook("sys.exit('stop here')"));
    for (const name of ['osexit', 'sysexit']) assert.equal(nbpromote('promote', `${name}.ipynb`, '--out', `died_${name}`).status, 0);

    const died = nbpromote('run', '--out', 'died_osexit', '--python', '/usr/bin/python3', '--json');
    assert.equal(died.status, 1, died.stderr);
    const doc = JSON.parse(died.stdout) as { run_id: string; status: string; error: string; steps: unknown[] };
    const runs = readdirSync(join(work, 'died_osexit', '.nbpromote', 'runs'));
    assert.deepEqual([doc.run_id, doc.status, doc.steps], [runs[0], 'failed', [{ name: 'load', status: 'failed' }, { name: 'use', status: 'skipped' }]]);
    assert.match(doc.error, /^run \S+: the Python \/usr\/bin\/python3 running the pipeline exited with status 3 while step 'load' ran, before it could record how the run ended \(.*run\.json still says running\)$/);
    assert.match(died.stderr, /nbpromote: run \S+: the Python .* exited with status 3 while step 'load' ran/);
    const text = nbpromote('run', '--out', 'died_osexit', '--python', '/usr/bin/python3');
    assert.equal(text.status, 1);
    assert.match(text.stderr, /nbpromote: run \S+: .* exited with status 3 while step 'load' ran/);

    const exited = nbpromote('run', '--out', 'died_sysexit', '--python', '/usr/bin/python3', '--json');
    assert.equal(exited.status, 1, exited.stderr);
    const summary = JSON.parse(exited.stdout) as { run_id: string | null; status: string; error: string; steps: unknown[] };
    assert.deepEqual([summary.status, summary.steps], ['failed', [{ name: 'load', status: 'failed' }, { name: 'use', status: 'skipped' }]]);
    assert.ok(summary.run_id !== null);
    assert.match(summary.error, /^step 'load' called sys\.exit\('stop here'\) in notebook cell 1 \(id c0\), line 3: the pipeline stops there$/);
  });

  it('run works when --out holds the PYTHONPATH separator (`--out "out nb: v3"`), keeping the user\'s PYTHONPATH', () => {
    const out = 'out nb: v3';
    assert.equal(nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', out).status, 0);
    const run = spawnSync(process.execPath, [cli, 'run', '--out', out, '--python', '/usr/bin/python3', '--json'], { cwd: work, encoding: 'utf8', env: { ...process.env, NBPROMOTE_DEBUG: '', PYTHONPATH: join(work, 'no such folder') } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { status: string }).status, 'finished');
  });

  it('run --json reports the shared code failing at import as the run failing in its cell, with a record', () => {
    const cells = [
      { cell_type: 'code', id: 'c0', metadata: { tags: ['functions'] }, execution_count: null, outputs: [], source: 'with open("conf/params.txt") as f:\n    N = int(f.read())' },
      { cell_type: 'code', id: 'c1', metadata: { tags: ['step:load'] }, execution_count: null, outputs: [], source: 'rows = [N] * 3' },
    ];
    mkdirSync(join(work, 'shared', 'conf'), { recursive: true });
    writeFileSync(join(work, 'shared', 'nb.ipynb'), JSON.stringify({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 }));
    assert.equal(nbpromote('promote', 'shared/nb.ipynb', '--out', 'shared/out').status, 0);
    const run = nbpromote('run', '--out', 'shared/out', '--python', '/usr/bin/python3', '--json');
    assert.equal(run.status, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as { run_id: string; status: string; error: string; steps: unknown[] };
    assert.equal(doc.error, `the shared code failed in notebook cell 1 (id c0), line 1: FileNotFoundError: [Errno 2] No such file or directory: 'conf/params.txt' (relative to ${realpathSync(join(work, 'shared'))})`);
    assert.deepEqual([doc.status, doc.steps], ['failed', [{ name: 'load', status: 'skipped' }]]);
    assert.deepEqual(readdirSync(join(work, 'shared', 'out', '.nbpromote', 'runs')), [doc.run_id]);
    assert.doesNotMatch(run.stderr, /without printing the run's JSON/);
  });

  it('promote --json prints its one document when writing is refused (a file where a folder must be, a link leading out)', () => {
    const srcFile = join(work, 'srcfile');
    mkdirSync(srcFile);
    writeFileSync(join(srcFile, 'src'), '');
    const outside = join(work, 'outside');
    mkdirSync(outside);
    const linked = join(work, 'linked');
    mkdirSync(linked);
    symlinkSync(outside, join(linked, 'tests'));
    for (const [out, reason] of [
      ['srcfile', /\d+ file paths in the plan are not acceptable; nothing was written:\n {2}"src\/iris_nbdev\/__init__\.py" and \d+ more files: `src` is a file, not a folder/],
      ['linked', /nothing was written:\n {2}"tests": the folder leads outside the output root/],
    ] as const) {
      const before = snapshot(join(work, out));
      const json = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', out, '--json');
      assert.equal(json.status, 1, json.stderr);
      const doc = JSON.parse(json.stdout) as { ok: boolean; files: unknown[]; problems: { severity: string; code: string; message: string; file: string }[] };
      assert.deepEqual([doc.ok, doc.files, doc.problems.map((p) => [p.severity, p.code, p.file])], [false, [], [['error', 'write-failed', 'examples/iris-nbdev.ipynb']]]);
      assert.match(doc.problems[0]?.message ?? '', reason);
      const text = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', out);
      assert.equal(text.status, 1);
      assert.match(text.stderr, /^error: examples\/iris-nbdev\.ipynb: (a|\d+) file paths? in the plan (is|are) not acceptable; nothing was written:\n/);
      assert.equal(text.stdout, '');
      assert.deepEqual(snapshot(join(work, out)), before);
      assert.deepEqual(readdirSync(outside), []);
    }
  });

  it('promote into a full disk says no file was written and leaves nothing (needs root to mount a small tmpfs)', function () {
    const full = join(work, 'full');
    mkdirSync(full);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]).status !== 0) this.skip();
    try {
      const json = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'full/out', '--json');
      assert.equal(json.status, 1);
      const doc = JSON.parse(json.stdout) as { ok: boolean; problems: { code: string; message: string }[] };
      assert.equal(doc.ok, false);
      assert.match(doc.problems.find((p) => p.code === 'write-failed')?.message ?? '', /^cannot write .*: no space is left on the device \(ENOSPC\); no file was written; free some space and try again$/);
      assert.deepEqual(readdirSync(full), []);
    } finally {
      spawnSync('umount', [full]);
    }
  });

  it('promote onto a disk that fills while keeping the merge-base copies says the package was written and the promotion is unfinished', function () {
    // The package alone, in 4 KiB pages as tmpfs counts them: a disk with room for it and little more.
    nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'sized');
    const pages = (dir: string): number =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((p) => !p.startsWith('.nbpromote') && statSync(join(dir, p)).isFile())
        .reduce((sum, p) => sum + Math.ceil(statSync(join(dir, p)).size / 4096) * 4, 0);
    const kib = pages(join(work, 'sized')) + 48;
    const full = join(work, 'almost-full');
    mkdirSync(full);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', full]).status !== 0) this.skip();
    try {
      const json = nbpromote('promote', 'examples/iris-nbdev.ipynb', '--out', 'almost-full/out', '--json');
      assert.equal(json.status, 1);
      const doc = JSON.parse(json.stdout) as { problems: { code: string; message: string }[] };
      const message = doc.problems.find((p) => p.code === 'write-failed')?.message ?? '';
      assert.match(message, /^cannot write .*\.nbpromote\/base\/.*: no space is left on the device \(ENOSPC\); the package's files were written, but not all their copies in \.nbpromote\/base .*nbpromote\.lock was not updated, so the promotion is unfinished/);
      assert.doesNotMatch(message, /no file was written/);
      // What run and check then say.
      const check = nbpromote('check', 'examples/iris-nbdev.ipynb', '--out', 'almost-full/out');
      assert.equal(check.status, 1);
    } finally {
      spawnSync('umount', [full]);
    }
  });

  it('every example shows its roles and steps as JSON', () => {
    const examples = readdirSync(join(work, 'examples')).filter((f) => f.endsWith('.ipynb') || f.endsWith('.py'));
    assert.ok(examples.length >= 5, `examples: ${examples.join(', ')}`);
    for (const example of examples) {
      const run = nbpromote('inspect', `examples/${example}`, '--json');
      assert.equal(run.status, 0, `${example}: ${run.stderr}`);
      const doc = JSON.parse(run.stdout) as { hasRoles: boolean; steps: { name: string; inputs: string[] }[]; cells: { roles: string[] }[]; edges: { explanation: string }[] };
      assert.ok(doc.hasRoles, example);
      assert.ok(doc.edges.length > 0 && doc.edges.every((e) => / uses \w+(?: \(shared function \w+ reads it\))?, defined by .+, cell \d+ line \d+$/.test(e.explanation)), `${example}: every edge is explained`);
      assert.ok(doc.steps.slice(1).some((s) => s.inputs.length > 0), `${example}: steps take inputs`);
      assert.ok(doc.steps.length >= 2, `${example} has steps`);
      assert.ok(doc.cells.some((c) => c.roles.length > 0 && !c.roles.includes('step')), `${example} has non-step roles`);
    }
  });
});
