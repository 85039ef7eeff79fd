import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNotebook } from '../tags/testing';
import { analyseNotebook } from '../analysis/analyseNotebook';
import { readRoles } from '../tags/roles';
import { findLocalModules, localStarExports } from './localModules';

describe('localModules', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-local-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads what a star import of the notebook's own module binds: __all__, else the public names its top level binds", async () => {
    writeFileSync(join(dir, 'helpers.py'), 'import numpy as np\nfrom math import sqrt\nSCALE = 2\n_private = 1\ndef add_ratio(df):\n    inner = 1\n    return df\nclass Model:\n    pass\nif True:\n    FLAG = 1\n');
    writeFileSync(join(dir, 'listed.py'), '__all__ = ["a", \'b\']  # the API\na = 1\nb = 2\nc = 3\n');
    writeFileSync(join(dir, 'grown.py'), '__all__ = ["a"]\n__all__ += ["b"]\na = b = 1\n');
    writeFileSync(join(dir, 'starry.py'), 'from os.path import *\nx = 1\n');
    writeFileSync(join(dir, 'broken.py'), 'def f(:\n');
    mkdirSync(join(dir, 'lib', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'pkg', '__init__.py'), 'def g():\n    pass\n');
    writeFileSync(join(dir, 'ran.py'), '__all__ = ["RAN"]\nimport numpy as np\nRAN = 1\n_private = 2\nOTHER = 3\nif __name__ == "__main__":\n    RAN = 2\n');
    const notebook = makeNotebook([{ tags: ['imports'], source: 'import sys\nsys.path.append("lib")\nfrom helpers import *\nfrom listed import *\nfrom grown import *\nfrom starry import *\nfrom broken import *\nfrom pkg import *\nfrom sklearn.metrics import *\n%run ran.py' }]);
    const { starExports: exports, runsMain } = await localStarExports(dir, notebook);
    assert.deepEqual([...runsMain], ['ran'], 'ran.py has a __main__ block');
    assert.deepEqual([...(exports.get('helpers') ?? [])].sort(), ['FLAG', 'Model', 'SCALE', 'add_ratio', 'np', 'sqrt']);
    assert.deepEqual([...(exports.get('listed') ?? [])], ['a', 'b']);
    assert.deepEqual([...(exports.get('pkg') ?? [])], ['g']);
    // Unknown: __all__ grown, a star import of its own, a module that does not parse, a library.
    // Round 52 QQ: `%run` copies every name the file binds, `_private` ones and those `__all__` leaves out too.
    assert.deepEqual([...(exports.get('ran') ?? [])].sort(), ['OTHER', 'RAN', '__all__', '_private', 'np'], '%run ran.py is an import of its names');
    assert.deepEqual([...exports.keys()].sort(), ['helpers', 'listed', 'pkg', 'ran']);
  });

  it('counts a folder of Python files without __init__.py (a namespace package) as the notebook\'s own, not a distribution', async () => {
    mkdirSync(join(dir, 'helpers'));
    writeFileSync(join(dir, 'helpers', 'fe.py'), 'x = 1\n');
    mkdirSync(join(dir, 'src', 'features'), { recursive: true });
    writeFileSync(join(dir, 'src', 'features', 'build.py'), 'x = 1\n');
    mkdirSync(join(dir, 'data', 'raw'), { recursive: true });
    writeFileSync(join(dir, 'data', 'raw', 'a.csv'), 'x\n1\n');
    const notebook = makeNotebook([{ tags: ['imports'], source: 'from helpers.fe import x\nfrom src.features.build import x\nimport data\nimport pandas' }]);
    assert.deepEqual([...(await findLocalModules(dir, notebook, new Set(['helpers', 'src', 'data', 'pandas']), []))].sort(), ['helpers', 'src']);
  });

  // Round 64 MMM: a name bound only in the module's `__main__` block, which an import does not run.
  it('leaves out of a star import the names only the block binds; a %run binds them', async () => {
    writeFileSync(join(dir, 'cfg.py'), 'SCALE = 2\nif __name__ == "__main__":\n    for i in range(2):\n        TEST_SIZE = 0.5\n    SCALE = 3\nelse:\n    IMPORTED = True\n');
    const star = await localStarExports(dir, makeNotebook([{ tags: ['imports'], source: 'from cfg import *' }]));
    assert.deepEqual([...(star.starExports.get('cfg') ?? [])].sort(), ['IMPORTED', 'SCALE']);
    const ran = await localStarExports(dir, makeNotebook([{ tags: ['imports'], source: '%run cfg.py' }]));
    assert.deepEqual([...(ran.starExports.get('cfg') ?? [])].sort(), ['IMPORTED', 'SCALE', 'TEST_SIZE', 'i']);
  });

  // Round 65 OOO: `chain.py` doing `from cfg import *`, which set a parameter again, unseen.
  it('takes the names of the modules it star-imports in its turn; a library it star-imports leaves them unknown', async () => {
    writeFileSync(join(dir, 'cfg.py'), 'N_EST = 7\n_hidden = 1\n');
    writeFileSync(join(dir, 'chain.py'), 'from cfg import *\ndef helper():\n    return N_EST\n');
    writeFileSync(join(dir, 'loop_a.py'), 'from loop_b import *\nA = 1\n');
    writeFileSync(join(dir, 'loop_b.py'), 'from loop_a import *\nB = 1\n');
    writeFileSync(join(dir, 'lib.py'), 'from os.path import *\nC = 1\n');
    const { starExports } = await localStarExports(dir, makeNotebook([{ tags: ['imports'], source: 'from chain import *\nfrom loop_a import *\nfrom lib import *' }]));
    assert.deepEqual([...(starExports.get('chain') ?? [])].sort(), ['N_EST', 'helper']);
    assert.equal(starExports.get('loop_a'), undefined);
    assert.equal(starExports.get('lib'), undefined);
    const notebook = makeNotebook([{ tags: ['parameters'], source: 'N_EST = 20' }, { tags: ['step:fit'], source: 'from chain import *\nn = N_EST * 2' }]);
    const problems = (await analyseNotebook(notebook, readRoles(notebook), { starExports })).problems.filter((p) => p.code === 'parameter-rebound');
    assert.deepEqual(problems.map((p) => [p.cellIndex, p.line]), [[1, 1]]);
  });
});

// Round 52 PP: `%run utils.py` ran the file's `__main__` block, which the import the package makes does not.
describe('analyseNotebook with a %run file holding a __main__ block', () => {
  it('warns on the %run line that the block does not run in the package', async () => {
    const notebook = makeNotebook([{ tags: ['imports'], source: 'import os\n%run utils.py' }, { tags: ['step:a'], source: 'x = COUNT + 1' }]);
    const analysis = await analyseNotebook(notebook, readRoles(notebook), { starExports: new Map([['utils', new Set(['COUNT'])]]), runsMain: new Set(['utils']) });
    assert.deepEqual(analysis.problems.filter((p) => p.code === 'run-main-block').map((p) => [p.severity, p.cellIndex, p.line]), [['warning', 0, 2]]);
    const quiet = await analyseNotebook(notebook, readRoles(notebook), { starExports: new Map([['utils', new Set(['COUNT'])]]) });
    assert.deepEqual(quiet.problems.filter((p) => p.code === 'run-main-block'), []);
  });
});

// Round 61 GGG: `%run helpers.py` in a parameters cell: the names it imports were said to be undefined.
describe('analyseNotebook with a %run file in the parameters cell', () => {
  it('imports the names the file defines for the steps, as in an imports cell', async () => {
    const notebook = makeNotebook([{ tags: ['parameters'], source: 'K = 2.0\n%run helpers.py' }, { tags: ['step:fit'], source: 'total = scale(HELPER_K) * K' }]);
    const analysis = await analyseNotebook(notebook, readRoles(notebook), { starExports: new Map([['helpers', new Set(['scale', 'HELPER_K'])]]) });
    assert.deepEqual(analysis.problems.filter((p) => p.severity === 'error'), []);
    assert.deepEqual(analysis.graph?.steps.find((s) => s.name === 'fit')?.inputs, ['K']);
  });
});

// Round 62 III: `alpha = 1.0` then `%run override.py` setting alpha: the package ran with 1.0, the notebook with the file's.
describe('analyseNotebook with a %run file setting a parameter again', () => {
  const names = new Map([['override', new Set(['alpha', 'SEED', 'helper'])]]);
  const analyse = async (parameters: string) => {
    const notebook = makeNotebook([{ tags: ['parameters'], source: parameters }, { tags: ['step:fit'], source: 'total = alpha * SEED * helper()' }]);
    return (await analyseNotebook(notebook, readRoles(notebook), { starExports: names })).problems.filter((p) => p.code === 'parameter-rebound');
  };

  it('refuses the parameters the file sets after the cell did, naming them and the line', async () => {
    const [problem, ...rest] = await analyse('alpha = 1.0\nSEED = 0\n%run override.py');
    assert.equal(rest.length, 0);
    assert.equal(problem?.severity, 'error');
    assert.equal(problem?.line, 3);
    assert.match(problem?.message ?? '', /`%run override\.py` sets alpha, SEED again, after this cell gave them values/);
  });

  it('takes the cell value set after the %run, as the notebook does', async () => {
    assert.deepEqual(await analyse('%run override.py\nalpha = 1.0\nSEED = 0'), []);
    assert.deepEqual(await analyse('from override import *\nalpha = 1.0\nSEED = 0'), []);
  });

  it('says the same of `from override import *` after the values', async () => {
    const [problem] = await analyse('SEED = 0\nalpha = 1.0\nfrom override import *');
    assert.match(problem?.message ?? '', /sets SEED, alpha again/);
  });
});

// Round 63 KKK: the file set the parameter again from the imports cell below the parameters cell.
describe('analyseNotebook with a shared cell below the parameters cell setting a parameter again', () => {
  it('refuses it there too, naming the cell that gave the value', async () => {
    const names = new Map([['cfg', new Set(['TEST_SIZE', 'helper'])]]);
    const notebook = makeNotebook([
      { tags: ['parameters'], source: 'TEST_SIZE = 0.25\nN = 3' },
      { tags: ['imports'], source: 'import math\nfrom cfg import *' },
      { source: '%run cfg.py' },
      { tags: ['step:fit'], source: 'total = TEST_SIZE * N * helper()' },
      // Round 64 MMM: in a step too.
      { tags: ['step:load'], source: 'from cfg import *\nrows = TEST_SIZE * N' },
    ]);
    const problems = (await analyseNotebook(notebook, readRoles(notebook), { starExports: names })).problems.filter((p) => p.code === 'parameter-rebound');
    assert.deepEqual(problems.map((p) => [p.cellIndex, p.line]), [[1, 2], [2, 1], [4, 1]]);
    assert.match(problems[0]?.message ?? '', /^`from cfg import \*` sets TEST_SIZE again, after cell 1 gave it a value/);
    // Above the parameters cell, the cell's value wins, as in the notebook.
    const above = makeNotebook([{ tags: ['imports'], source: 'from cfg import *' }, { tags: ['parameters'], source: 'TEST_SIZE = 0.25' }, { tags: ['step:fit'], source: 'total = TEST_SIZE * helper()' }]);
    assert.deepEqual((await analyseNotebook(above, readRoles(above), { starExports: names })).problems.filter((p) => p.code === 'parameter-rebound'), []);
  });
});
