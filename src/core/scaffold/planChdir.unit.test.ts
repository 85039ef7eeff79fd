// A notebook in notebooks/ that moves to the project root (`%cd ..`, `os.chdir("..")`) and then imports the
// project's own package (`from src.features import build`): Jupyter imports from the current folder, so the
// generated package puts the folder on sys.path. In process on real files; the pipeline is run when Debian's
// Python (with PyYAML) is there.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import { notebookJson, PYTHON as python, runPipelineOf } from './testing';




const load = { tags: ['step:load'], source: 'rows = build(open("data/raw.txt").read())' };
const metrics = { tags: ['metrics'], source: 'total = sum(rows)' };

describe('planPromotion: a notebook that moves to the project root and imports its modules (%cd .., os.chdir(".."))', function () {
  this.timeout(120_000);
  let root = '';
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'nbpromote-chdir-'));
    for (const folder of ['src', 'data', 'notebooks']) mkdirSync(join(root, folder));
    writeFileSync(join(root, 'src', '__init__.py'), '');
    writeFileSync(join(root, 'src', 'features.py'), 'def build(text):\n    return [int(x) for x in text.split()]\n');
    writeFileSync(join(root, 'data', 'raw.txt'), '1 2 3 4\n');
    // The move in the first cells (shared code), as IPython magic; in a step, as Python.
    writeFileSync(join(root, 'notebooks', 'cd.ipynb'), notebookJson([{ source: '%cd ..' }, { tags: ['imports'], source: 'from src.features import build' }, load, metrics]));
    writeFileSync(join(root, 'notebooks', 'step.ipynb'), notebookJson([{ tags: ['imports'], source: 'import os\nfrom src.features import build' }, { ...load, source: `os.chdir("..")\n${load.source}` }, metrics]));
    for (const name of ['cd', 'step']) {
      const outcome = await promoteNotebook({ notebook: `notebooks/${name}.ipynb`, cwd: root, out: `out_${name}`, toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.deepEqual(outcome.problems.filter((p) => p.severity !== 'info' && p.code !== 'metrics-unrecorded'), []);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  const file = (path: string): string => readFileSync(join(root, path), 'utf8');

  it('puts the folder the notebook moves to on sys.path where Jupyter has the current folder: after the notebook\'s folder and the standard library', () => {
    for (const name of ['cd', 'step']) {
      const init = file(`out_${name}/src/${name}/__init__.py`);
      assert.match(init, /\nfrom \. import _runtime\n\n_place = _runtime\.current_folder_place\(\)\nfor _folder in \[\(NOTEBOOK_DIR \/ "\.\."\)\.resolve\(\)\]:\n {4}if NOTEBOOK_DIR\.is_dir\(\) and _folder\.is_dir\(\) and str\(_folder\) not in sys\.path:\n {8}sys\.path\.insert\(_place, str\(_folder\)\)\n/);
      assert.ok(init.indexOf('sys.path.insert(0, str(NOTEBOOK_DIR))') < init.indexOf('for _folder'));
    }
  });

  // Round 41 R: the folder moved to went first on sys.path, so the project root's utils.py beat the one beside
  // the notebook, and a project file named statistics.py beat the standard library's: other metrics.
  it('imports as Jupyter does after the move: the module beside the notebook, then the standard library, then the folder moved to', async function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    writeFileSync(join(root, 'statistics.py'), 'def mean(xs):\n    return -1.0\n');
    writeFileSync(join(root, 'utils.py'), 'SCALE = 2.0\n');
    writeFileSync(join(root, 'notebooks', 'utils.py'), 'SCALE = 100.0\n');
    writeFileSync(join(root, 'only_here.py'), 'OFFSET = 1.0\n');
    for (const [name, move] of [['shadowcd', '%cd ..'], ['shadowos', 'import os\nos.chdir("..")']] as const) {
      const cells = [{ source: move }, { tags: ['imports'], source: 'import statistics\nimport utils\nimport only_here' }, { tags: ['step:load'], source: 'values = [1.0, 2.0, 4.0]' }, { tags: ['metrics'], source: 'score = statistics.mean(values) * utils.SCALE + only_here.OFFSET' }];
      writeFileSync(join(root, 'notebooks', `${name}.ipynb`), notebookJson(cells));
      const outcome = await promoteNotebook({ notebook: `notebooks/${name}.ipynb`, cwd: root, out: `out_${name}`, toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.equal(runPipelineOf(name, join(root, `out_${name}`)).metrics['score'], (7 / 3) * 100 + 1);
    }
  });

  it('takes the modules found there for the project\'s own: no requirement', () => {
    for (const name of ['cd', 'step']) assert.doesNotMatch(file(`out_${name}/pyproject.toml`), /^ {4}"src",$/m);
  });

  it('runs, in the folder moved to and importing from it, and a change to the module there runs the steps again', function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    for (const name of ['cd', 'step']) {
      const out = join(root, `out_${name}`);
      const first = runPipelineOf(name, out);
      assert.equal(first.metrics['total'], 10);
      assert.deepEqual(runPipelineOf(name, out).steps.map((s) => s.status), ['cached']);
    }
    writeFileSync(join(root, 'src', 'features.py'), 'def build(text):\n    return [2 * int(x) for x in text.split()]\n');
    const again = runPipelineOf('cd', join(root, 'out_cd'));
    assert.deepEqual(again.steps.map((s) => s.status), ['ran']);
    assert.equal(again.metrics['total'], 20);
    const flakes = spawnSync(python, ['-m', 'pyflakes', 'src', 'tests'], { cwd: join(root, 'out_cd'), encoding: 'utf8' });
    if (flakes.error === undefined && !/No module named pyflakes/.test(flakes.stderr)) assert.equal(flakes.stdout + flakes.stderr, '');
  });

  // Round 35 F: `%cd ..` then `sys.path.append("src")` made the entry the notebook folder's src/: ModuleNotFoundError.
  it('reads a relative sys.path entry the first cells add after moving from the folder they moved to', async function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
    writeFileSync(join(root, 'src', 'mylib.py'), 'def double(x):\n    return 2 * x\n');
    for (const [name, move] of [['cdpath', '%cd ..'], ['chdirpath', 'import os\nos.chdir("..")']] as const) {
      writeFileSync(join(root, 'notebooks', `${name}.ipynb`), notebookJson([{ source: `${move}\nimport sys\nsys.path.append("src")` }, { tags: ['imports'], source: 'from mylib import double' }, { tags: ['step:compute'], source: 'value = double(21)' }, { tags: ['metrics'], source: 'print("value:", value)' }]));
      const outcome = await promoteNotebook({ notebook: `notebooks/${name}.ipynb`, cwd: root, out: `out_${name}`, toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      assert.equal(runPipelineOf(name, join(root, `out_${name}`)).metrics['value'], 42, name);
    }
  });

  it('warns, naming the cell and line, where a step moves to a folder known only when it runs', async () => {
    const cells = [{ tags: ['imports'], source: 'import os\nfrom src.features import build' }, { ...load, source: `x = 1\nos.chdir(os.path.dirname(os.getcwd()))\n${load.source}` }, metrics];
    writeFileSync(join(root, 'notebooks', 'unknown.ipynb'), notebookJson(cells));
    const outcome = await promoteNotebook({ notebook: 'notebooks/unknown.ipynb', cwd: root, out: 'out_unknown', dryRun: true, toolVersion: 'test' });
    const warning = outcome.problems.find((p) => p.code === 'chdir-unknown-folder');
    assert.ok(warning !== undefined, JSON.stringify(outcome.problems));
    assert.deepEqual([warning.severity, warning.cellIndex, warning.cellId, warning.line], ['warning', 1, 'c1', 2]);
    // In the first cells the runtime puts the folder on sys.path when it runs: no warning.
    writeFileSync(join(root, 'notebooks', 'first.ipynb'), notebookJson([{ source: 'import os\nos.chdir(os.path.dirname(os.getcwd()))' }, ...cells]));
    const first = await promoteNotebook({ notebook: 'notebooks/first.ipynb', cwd: root, out: 'out_first', dryRun: true, toolVersion: 'test' });
    assert.equal(first.problems.filter((p) => p.code === 'chdir-unknown-folder' && p.cellIndex === 0).length, 0);
  });
});

describe('planPromotion: shared code reading a file before it moves to the project root', function () {
  this.timeout(120_000);
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'nbpromote-chdir-read-'));
    mkdirSync(join(root, 'notebooks'));
    writeFileSync(join(root, 'notebooks', 'local.json'), '{"seed": 11}');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const [name, move] of [
    ['py', 'os.chdir("..")'],
    ['magic', '%cd ..'],
  ] as const) {
    it(`a change to the file runs the steps using its value again (${move}), and the run record lists it`, async function () {
      writeFileSync(join(root, 'notebooks', 'local.json'), '{"seed": 11}');
      // `local.json` is read in the notebook's folder; from the root the steps run in, no file has that name.
      const shared = { source: `import json\nimport os\nwith open("local.json") as f:\n    local = json.load(f)\n${move}` };
      writeFileSync(join(root, 'notebooks', `${name}.ipynb`), notebookJson([shared, { tags: ['step:fit'], source: 'seed = local["seed"] * 2' }, { tags: ['metrics'], source: 'result = seed' }]));
      const outcome = await promoteNotebook({ notebook: `notebooks/${name}.ipynb`, cwd: root, out: `out_${name}`, toolVersion: 'test' });
      assert.ok(outcome.ok, JSON.stringify(outcome.problems));
      if (!existsSync(python) || spawnSync(python, ['-c', 'import yaml']).status !== 0) this.skip();
      const out = join(root, `out_${name}`);
      assert.equal(runPipelineOf(name, out).metrics['result'], 22);
      assert.deepEqual(runPipelineOf(name, out).steps.map((s) => s.status), ['cached']);
      writeFileSync(join(root, 'notebooks', 'local.json'), '{"seed": 12}');
      const changed = runPipelineOf(name, out);
      assert.deepEqual(changed.steps.map((s) => s.status), ['ran']);
      assert.equal(changed.metrics['result'], 24);
      const record = JSON.parse(readFileSync(join(out, '.nbpromote', 'runs', changed.run_id, 'run.json'), 'utf8')) as { data_files: { path: string; steps: string[] }[] };
      assert.deepEqual(record.data_files.map((f) => [f.path, f.steps]), [['local.json', ['fit']]]);
      // The old content again: the old cache entry, not a stale one.
      writeFileSync(join(root, 'notebooks', 'local.json'), '{"seed": 11}');
      const back = runPipelineOf(name, out);
      assert.deepEqual([back.steps.map((s) => s.status), back.metrics['result']], [['cached'], 22]);
    });
  }
});
