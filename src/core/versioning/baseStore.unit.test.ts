import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import type { FilePlan } from '../contract/filePlan';
import { NbpromoteError } from '../errors';
import { BASE_DIR, insideStateDir, readBase, saveBase, STATE_GITIGNORE } from './baseStore';
import { sha256 } from './hash';

const plan = (path: string, contents: string, mode?: 'create-only'): FilePlan => (mode === undefined ? { path, contents, why: '' } : { path, contents, why: '', mode });

/** Every file under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => nodePath.relative(dir, nodePath.join(e.parentPath, e.name)).split(nodePath.sep).join('/'))
    .sort();
}

describe('baseStore', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-base-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps a copy of each generated file (create-only aside) and a .gitignore for .nbpromote/', async () => {
    await saveBase(root, [plan('pipeline.yaml', 'a: 1\n'), plan('src/p/steps/load.py', 'x = 1\n'), plan('pyproject.toml', '[project]\n', 'create-only')]);
    assert.deepEqual(await tree(nodePath.join(root, '.nbpromote')), ['.gitignore', 'base/pipeline.yaml', 'base/src/p/steps/load.py']);
    assert.equal(await readFile(nodePath.join(root, '.nbpromote/.gitignore'), 'utf8'), STATE_GITIGNORE);
    assert.equal(await readBase(root, 'src/p/steps/load.py'), 'x = 1\n');
    assert.equal(await readBase(root, 'src/p/steps/load.py', sha256('x = 1\n')), 'x = 1\n');
  });

  it('insideStateDir: the state folder and what is in it, on either separator; not a name that only starts alike', () => {
    assert.equal(insideStateDir('/w/build/churn/.nbpromote/base/pipeline.yaml'), true);
    assert.equal(insideStateDir('C:\\w\\churn\\.nbpromote\\base\\pipeline.yaml'), true);
    assert.equal(insideStateDir('/w/build/churn/pipeline.yaml'), false);
    assert.equal(insideStateDir('/w/.nbpromote-old/pipeline.yaml'), false);
  });

  it('keeps an existing .gitignore as it is', async () => {
    await mkdir(nodePath.join(root, '.nbpromote'));
    await writeFile(nodePath.join(root, '.nbpromote/.gitignore'), 'runs/\n');
    await saveBase(root, [plan('a.py', 'a')]);
    assert.equal(await readFile(nodePath.join(root, '.nbpromote/.gitignore'), 'utf8'), 'runs/\n');
  });

  it('mirrors the plans: changed copies replaced, copies of files no longer generated removed with their empty folders', async () => {
    await saveBase(root, [plan('a.py', 'a1'), plan('src/p/steps/report.py', 'r'), plan('src/p/steps/load.py', 'l')]);
    await saveBase(root, [plan('a.py', 'a2'), plan('src/p/steps/load.py', 'l')]);
    assert.deepEqual(await tree(nodePath.join(root, BASE_DIR)), ['a.py', 'src/p/steps/load.py']);
    assert.equal(await readBase(root, 'a.py'), 'a2');
    await saveBase(root, [plan('b.py', 'b')]);
    assert.deepEqual(await readdir(nodePath.join(root, BASE_DIR)), ['b.py']);
  });

  it('readBase: undefined without a copy, for a stale copy (hash not the lock\'s) and for unacceptable paths', async () => {
    assert.equal(await readBase(root, 'a.py'), undefined, 'no base folder at all (a fresh clone)');
    await saveBase(root, [plan('a.py', 'a')]);
    assert.equal(await readBase(root, 'b.py'), undefined);
    assert.equal(await readBase(root, 'a.py', sha256('something else')), undefined);
    assert.equal(await readBase(root, '../a.py'), undefined);
    assert.equal(await readBase(root, '/etc/passwd'), undefined);
  });

  it('refuses unacceptable plan paths before writing anything', async () => {
    await assert.rejects(saveBase(root, [plan('a.py', 'a'), plan('../escape.py', 'x')]), (ex: unknown) => NbpromoteError.is(ex, 'invalidInput') && /`\.\.` segment/.test(ex.message));
    assert.deepEqual(await readdir(root), []);
  });
});
