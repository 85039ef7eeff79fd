// A notebook in notebooks/ naming the project's folders from its root (`ROOT = Path.cwd().parent`, `DATA_DIR =
// ROOT / "data"`), as cookiecutter-data-science projects do: the cache must not treat the whole project as data
// (every report a step writes, `tests/__pycache__`, a README edit had re-run steps at every run), and a step
// that runs again says why. Runs the generated package with Debian's Python when it is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import { notebookJson, PYTHON as python, runPipelineOf, runPytest } from './testing';

describe('planPromotion: a notebook naming the project root and its folders (ROOT = Path.cwd().parent)', function () {
  this.timeout(180_000);
  let root = '';
  const out = (): string => join(root, 'build', 'demand');
  const statuses = (): [string, string, string | undefined][] => runPipelineOf('demand', out()).steps.map((s) => [s.name, s.status, s.why]);
  before(async function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    root = mkdtempSync(join(tmpdir(), 'nbpromote-project-root-'));
    for (const folder of ['notebooks', 'data', 'models', 'reports']) mkdirSync(join(root, folder));
    writeFileSync(join(root, 'data', 'stores.csv'), 'store,sales\na,3\nb,4\n');
    writeFileSync(
      join(root, 'notebooks', 'demand.ipynb'),
      notebookJson([
        { source: 'import json\nimport time\nfrom pathlib import Path\nROOT = Path.cwd().parent\nDATA_DIR = ROOT / "data"\nMODEL_DIR = ROOT / "models"' },
        { tags: ['parameters'], source: 'scale = 2' },
        { tags: ['step:load'], source: 'rows = [line.split(",") for line in (DATA_DIR / "stores.csv").read_text().splitlines()[1:]]' },
        { tags: ['step:train'], source: 'total = sum(int(sales) for _, sales in rows) * scale\n(MODEL_DIR / "model.txt").write_text(str(total))' },
        { tags: ['step:evaluate'], source: '(ROOT / "reports" / "metrics.json").write_text(json.dumps({"total": total, "created": time.time()}))\nscore = total / 10' },
        { tags: ['metrics'], source: 'result = {"score": score}' },
      ]),
    );
    const outcome = await promoteNotebook({ notebook: 'notebooks/demand.ipynb', cwd: root, out: 'build/demand', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  });
  after(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('stays cached when files elsewhere in the project change, and runs a step again, saying why, when its data does', () => {
    assert.equal(runPipelineOf('demand', out()).metrics['result.score'], 1.4);
    const cached: [string, string, string | undefined][] = [
      ['load', 'cached', undefined],
      ['train', 'cached', undefined],
      ['evaluate', 'cached', undefined],
    ];
    assert.deepEqual(statuses(), cached, 'the second run: the report and model the steps wrote are no new data');
    writeFileSync(join(root, 'README.md'), '# demand\n');
    assert.equal(runPytest(out()).status, 0);
    writeFileSync(join(root, 'data', 'notes.txt'), 'a note beside the data\n');
    mkdirSync(join(root, 'data', '__pycache__'));
    writeFileSync(join(root, 'data', '__pycache__', 'x.pyc'), 'code');
    // A new file in data/ (DATA_DIR names it) runs load, and the steps after it with its new key.
    const afterLoad: [string, string, string | undefined][] = [
      ['load', 'ran', 'the files in ../data (notes.txt added) changed since its outputs were cached'],
      ['train', 'ran', 'input rows comes from another run of step load since its outputs were cached'],
      ['evaluate', 'ran', 'input total comes from another run of step train since its outputs were cached'],
    ];
    assert.deepEqual(statuses(), afterLoad);
    assert.deepEqual(statuses(), cached, 'a README, pytest\'s caches and __pycache__ in data/ change nothing');
    writeFileSync(join(root, 'data', 'stores.csv'), 'store,sales\na,3\nb,5\n');
    const changed = runPipelineOf('demand', out());
    assert.equal(changed.metrics['result.score'], 1.6);
    // Which of its files changed, too.
    assert.deepEqual(
      changed.steps.map((s) => [s.name, s.status, s.why]),
      afterLoad.map(([name, status, why]) => [name, status, why?.replace('notes.txt added', 'stores.csv changed')]),
    );
    const given = runPipelineOf('demand', out(), '--param', 'scale=3');
    assert.deepEqual(given.steps.map((s) => [s.name, s.status, s.why]), [['load', 'cached', undefined], ['train', 'ran', 'parameter scale changed since its outputs were cached'], ['evaluate', 'ran', 'input total comes from another run of step train since its outputs were cached']]);
  });
});

describe('planPromotion: a module beside the notebook that reads a file and prints when it is imported (round 32)', function () {
  this.timeout(180_000);
  let root = '';
  after(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('the step modules import it in the notebook folder, its print goes to stderr, and a change of the file re-runs the step', async function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml, pytest']).status !== 0) this.skip();
    root = mkdtempSync(join(tmpdir(), 'nbpromote-import-reads-'));
    const notebooks = join(root, 'notebooks');
    mkdirSync(notebooks);
    writeFileSync(join(notebooks, 'settings.py'), 'import json\n\nprint("settings loaded")\nCFG = json.load(open("config.json"))\n');
    writeFileSync(join(notebooks, 'config.json'), '{"scale": 3.0}');
    writeFileSync(
      join(notebooks, 'nb.ipynb'),
      notebookJson([
        { tags: ['imports'], source: 'from settings import CFG' },
        { tags: ['parameters'], source: 'K = 2' },
        { tags: ['step:make'], source: 'total = CFG["scale"] * K * 6' },
        { tags: ['step:report'], source: 'half = total / 2' },
        { tags: ['step:side'], source: 'side = K * 2' },
        { tags: ['metrics'], source: 'print("total:", total)\nprint("side:", side)' },
      ]),
    );
    // The package outside the notebook's folder: its own working folder is not the notebook's.
    const outcome = await promoteNotebook({ notebook: 'notebooks/nb.ipynb', cwd: root, out: 'build/nb', toolVersion: 'test' });
    assert.ok(outcome.ok, JSON.stringify(outcome.problems));
    const out = join(root, 'build', 'nb');
    const run = (): { stdout: string; stderr: string; status: number | null } => spawnSync(python, ['-m', 'nb.pipeline', '--json'], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    const doc = JSON.parse(first.stdout) as { metrics: Record<string, number>; steps: { name: string; status: string }[] };
    assert.equal(doc.metrics['total'], 36);
    assert.match(first.stderr, /settings loaded/);
    assert.deepEqual(runPipelineOf('nb', out).steps.map((s) => s.status), ['cached', 'cached', 'cached']);
    writeFileSync(join(notebooks, 'config.json'), '{"scale": 4.0}');
    const changed = runPipelineOf('nb', out);
    assert.equal(changed.metrics['total'], 48);
    // side uses nothing of settings: what it read at import is not side's.
    assert.deepEqual(changed.steps.map((s) => [s.name, s.status]), [['make', 'ran'], ['report', 'ran'], ['side', 'cached']]);
    const tests = runPytest(out);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });
});
