// The package's own modules failing when `python -m <package>.pipeline` imports them (the shared code reading a
// config file that is not there, a step module importing a library that is not installed), and steps failing
// on a relative path: the run's error names the notebook cell and line, and the folder a relative path was
// looked for in. In process on real files; the pipeline is run with Debian's Python when it is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import { hasPython, PYTHON, promoteCells } from './testing';

/** `python -m nb.pipeline ...args` in `out`, whatever its exit status. */
function pipeline(out: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, ['-m', 'nb.pipeline', ...args], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
}

interface RunJson {
  readonly run_id: string | null;
  readonly status: string;
  readonly error: string;
  readonly steps: { name: string; status: string }[];
}

describe('planPromotion: modules failing at import, relative paths in errors', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  before(function () {
    if (!hasPython()) this.skip();
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Promotes `cells`, runs the pipeline with --json, which must fail (exit 1): its one JSON document. */
  async function failedRun(cells: Parameters<typeof promoteCells>[0], label: string): Promise<{ out: string; doc: RunJson }> {
    const { dir, out } = await promoteCells(cells, label);
    dirs.push(dir);
    const run = pipeline(out, '--json');
    assert.equal(run.status, 1, run.stderr);
    return { out, doc: JSON.parse(run.stdout) as RunJson };
  }

  it('the shared code failing at import fails the run naming its cell and line and the folder, records it, and prints the one JSON object', async () => {
    const { dir, out } = await promoteCells(
      [
        { tags: ['imports'], source: 'import json' },
        { tags: ['functions'], source: 'with open("conf/params.json") as f:\n    CFG = json.load(f)' },
        { tags: ['step:load'], source: 'rows = [CFG["n"]] * 3' },
        { tags: ['step:total'], source: 'total = sum(rows)' },
      ],
      'import-shared',
    );
    dirs.push(dir);
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'params.json'), '{"n": 2}');
    assert.equal(pipeline(out, '--json').status, 0);
    rmSync(join(dir, 'conf', 'params.json'));

    const run = pipeline(out, '--json');
    assert.equal(run.status, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as RunJson;
    const folder = realpathSync(dir);
    assert.equal(doc.error, `the shared code failed in notebook cell 2 (id c1), line 1: FileNotFoundError: [Errno 2] No such file or directory: 'conf/params.json' (relative to ${folder})`);
    assert.deepEqual([doc.status, doc.steps], ['failed', [{ name: 'load', status: 'skipped' }, { name: 'total', status: 'skipped' }]]);
    assert.ok(doc.run_id !== null);
    const record = JSON.parse(readFileSync(join(out, '.nbpromote', 'runs', doc.run_id, 'run.json'), 'utf8')) as { status: string; error: { message: string; traceback: string } };
    assert.deepEqual([record.status, record.error.message], ['failed', doc.error]);
    assert.match(record.error.traceback, /common\.py", line \d+, in <module>\n/);
    assert.match(run.stderr, /Traceback[^]*FileNotFoundError[^]*\nthe shared code failed in notebook cell 2/);

    const text = pipeline(out);
    assert.equal(text.status, 1);
    assert.match(text.stderr, /^the shared code failed in notebook cell 2 \(id c1\), line 1: FileNotFoundError/m);

    // Imported by something else (pytest, a notebook), the package raises as it did.
    const imported = spawnSync(PYTHON, ['-c', 'import nb'], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
    assert.equal(imported.status, 1);
    assert.match(imported.stderr, /FileNotFoundError/);
    assert.doesNotMatch(imported.stderr, /the shared code failed/);
  });

  // Round 34 C: `sys.exit(0)` in the shared code exited 0 with no cell named and no run recorded.
  it('the shared code calling sys.exit at import ends the run as a step calling it does: cell and line named, recorded', async () => {
    const { doc } = await failedRun(
      [
        { tags: ['imports'], source: 'import sys' },
        { tags: ['functions'], source: 'LIMIT = 3\nif LIMIT > 2:\n    sys.exit(0)' },
        { tags: ['step:load'], source: 'rows = [LIMIT] * 3' },
      ],
      'import-exit',
    );
    assert.equal(doc.error, 'the shared code called sys.exit(0) in notebook cell 2 (id c1), line 3: the pipeline stops there');
    assert.deepEqual([doc.status, doc.steps], ['failed', [{ name: 'load', status: 'skipped' }]]);
    assert.ok(doc.run_id !== null);
  });

  it('a step module failing at import (a library that is not installed) fails the run naming the step', async () => {
    const { out, doc } = await failedRun(
      [
        { tags: ['step:load'], source: 'rows = [1, 2, 3]' },
        { tags: ['step:train'], source: 'import nbpromote_not_installed_xyz\nmodel = nbpromote_not_installed_xyz.fit(rows)' },
      ],
      'import-step',
    );
    // The import is hoisted to the top of the module, where no cell comment names its line: found in the notebook.
    assert.equal(doc.error, "the module of step 'train' failed in notebook cell 2, line 1: ModuleNotFoundError: No module named 'nbpromote_not_installed_xyz'");
    // The step whose module failed is recorded as failed (round 43 V: every step was "skipped").
    assert.deepEqual(doc.steps.map((s) => [s.name, s.status]), [['load', 'skipped'], ['train', 'failed']]);
    assert.equal(readdirSync(join(out, '.nbpromote', 'runs')).length, 1);
  });

  // Round 49 FF: a deleted step module gave a bare ModuleNotFoundError.
  it('a generated module deleted by hand fails the run naming the file and saying to promote again', async () => {
    const { dir, out } = await promoteCells([{ tags: ['step:load'], source: 'rows = [1, 2, 3]' }, { tags: ['step:train'], source: 'total = sum(rows)' }], 'import-deleted');
    dirs.push(dir);
    rmSync(join(out, 'src', 'nb', 'steps', 'train.py'));
    const run = pipeline(out, '--json');
    assert.equal(run.status, 1, run.stderr);
    assert.match((JSON.parse(run.stdout) as RunJson).error ?? '', / failed: src\/nb\/steps\/train\.py is missing: promote the notebook again \(`nbpromote promote`\) to write it; `nbpromote check` lists the files that differ$/);
  });

  it('a module a percent script imports in its imports cell, gone at run time, is named with its cell and file line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-import-percent-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'helpers_xyz.py'), 'def double(v):\n    return v * 2\n');
    writeFileSync(join(dir, 'loans.py'), '# %% tags=["imports"]\nimport os\nfrom helpers_xyz import double\n\n# %% tags=["step:load"]\nrows = [double(1)]\n\n# %% tags=["metrics"]\nn = len(rows)\n');
    const outcome = await promoteNotebook({ notebook: 'loans.py', cwd: dir, out: 'out', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    rmSync(join(dir, 'helpers_xyz.py'));
    const run = spawnSync(PYTHON, ['-m', 'loans_pipeline.pipeline', '--json'], { cwd: join(dir, 'out'), env: { ...process.env, PYTHONPATH: join(dir, 'out', 'src') }, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match((JSON.parse(run.stdout) as RunJson).error ?? '', /failed in notebook cell 1, line 2 \(loans\.py line 3\): ModuleNotFoundError: No module named 'helpers_xyz'$/);
  });

  it('a step module left with merge conflict markers fails the run naming the file, the marker and its line, not a SyntaxError', async () => {
    const { dir, out } = await promoteCells([{ tags: ['step:load'], source: 'rows = [1, 2]' }, { tags: ['step:total'], source: 'total = sum(rows)' }], 'import-conflict');
    dirs.push(dir);
    const module = join(out, 'src', 'nb', 'steps', 'total.py');
    const lines = readFileSync(module, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.includes('sum(rows)'));
    writeFileSync(module, [...lines.slice(0, at), '<<<<<<< yours', lines[at], '=======', lines[at], '>>>>>>> generated 0.1.1', ...lines.slice(at + 1)].join('\n'));
    const run = pipeline(out, '--json');
    assert.equal(run.status, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as RunJson;
    assert.match(doc.error, new RegExp(`failed: src/nb/steps/total\\.py line ${at + 1} holds a merge conflict marker \\(<<<<<<<\\): resolve the conflict$`));
    assert.equal(doc.status, 'failed');
  });

  it('a step failing on a relative path says which folder it was relative to; not on an absolute one', async () => {
    const { dir, out } = await promoteCells(
      [
        { tags: ['parameters'], source: 'RAW = "data/raw.txt"' },
        { tags: ['step:load'], source: 'text = open(RAW).read()' },
      ],
      'relative-param',
    );
    dirs.push(dir);
    const run = pipeline(out, '--json', '--param', 'RAW=data/other.txt');
    assert.equal(run.status, 1, run.stderr);
    assert.equal((JSON.parse(run.stdout) as RunJson).error, `step 'load' failed in notebook cell 2 (id c1), line 1: FileNotFoundError: [Errno 2] No such file or directory: 'data/other.txt' (relative to ${realpathSync(dir)})`);
    const absolute = pipeline(out, '--json', '--param', `RAW=${join(dir, 'nothing.txt')}`);
    assert.match((JSON.parse(absolute.stdout) as RunJson).error, /No such file or directory: '[^']+nothing\.txt'$/);
  });
});
