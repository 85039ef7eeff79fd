import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineConfig } from '../contract/pipelineConfig';
import { pipelinePackageProblem } from './packageCheck';

const TEXT = (name: string): string => `# header\nschema_version: 1\npackage: ${name}\nversion: 0.1.0\n`;
const config = (name: string): PipelineConfig => ({ schema_version: 1, package: name, version: '0.1.0', notebook: 'nb.ipynb', workdir: '.', parameters: {}, steps: [] });

describe('pipelinePackageProblem', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nbpromote-pkg-'));
    mkdirSync(join(root, 'src', 'churn_native'), { recursive: true });
    for (const file of ['pipeline.py', '_runtime.py']) writeFileSync(join(root, 'src', 'churn_native', file), '');
    writeFileSync(join(root, 'nbpromote.lock'), 'lock_version: 1\npackage: churn_native\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts the package promoted in the output root', async () => {
    assert.equal(await pipelinePackageProblem(root, 'pipeline.yaml', TEXT('churn_native'), config('churn_native')), undefined);
  });

  it('refuses a package that is not under src/ (an installed library, a typo), at the line of `package:`, naming the lock\'s package', async () => {
    for (const name of ['sklearn', 'churn_natve']) {
      const problem = await pipelinePackageProblem(root, 'pipeline.yaml', TEXT(name), config(name));
      assert.equal(problem?.code, 'pipeline-package');
      assert.equal(problem?.file, 'pipeline.yaml');
      assert.equal(problem?.line, 3);
      assert.match(problem?.message ?? '', new RegExp(`^\`package: ${name}\` names no package promoted here: .*src/${name}/pipeline\\.py does not exist \\(nbpromote\\.lock says the package promoted here is \`churn_native\`\\); put back \`package: churn_native\``));
    }
  });

  it('refuses a package whose runner (_runtime.py) is missing, and one the lock does not name', async () => {
    rmSync(join(root, 'src', 'churn_native', '_runtime.py'));
    assert.match((await pipelinePackageProblem(root, 'pipeline.yaml', TEXT('churn_native'), config('churn_native')))?.message ?? '', /_runtime\.py does not exist/);
    mkdirSync(join(root, 'src', 'other'));
    for (const file of ['pipeline.py', '_runtime.py']) writeFileSync(join(root, 'src', 'other', file), '');
    const problem = await pipelinePackageProblem(root, 'pipeline.yaml', TEXT('other'), config('other'));
    assert.equal(problem?.message, '`package: other` is not the package promoted here (nbpromote.lock says the package promoted here is `churn_native`); put back `package: churn_native`, or promote the notebook again');
  });

  it('without a lock, only the files are checked', async () => {
    rmSync(join(root, 'nbpromote.lock'));
    assert.equal(await pipelinePackageProblem(root, 'pipeline.yaml', TEXT('churn_native'), config('churn_native')), undefined);
    assert.match((await pipelinePackageProblem(root, 'pipeline.yaml', TEXT('sklearn'), config('sklearn')))?.message ?? '', /does not exist; promote the notebook again$/);
  });
});
