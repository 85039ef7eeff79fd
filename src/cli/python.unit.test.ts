import * as assert from 'node:assert/strict';
import type { FlagSpec } from './args';
import { parseArgs } from './args';
import type { CliIo } from './io';
import { pythonFor } from './python';

const specs: readonly FlagSpec[] = [{ name: 'python', kind: 'string', description: 'Python', valueName: 'PATH' }];
const io = (env: Record<string, string>): CliIo => ({ cwd: '/work/project', env, out: () => undefined, err: () => undefined });

// Round 34 C: `run --python .venv/bin/python` was looked up from the --out folder the pipeline runs in.
describe('pythonFor', () => {
  it('reads a relative path from the folder the command runs in, and leaves a bare name to PATH', () => {
    assert.equal(pythonFor(parseArgs(['--python', '.venv/bin/python'], specs), io({})), '/work/project/.venv/bin/python');
    assert.equal(pythonFor(parseArgs([], specs), io({ NBPROMOTE_PYTHON: '../env/bin/python3' })), '/work/env/bin/python3');
    assert.equal(pythonFor(parseArgs(['--python', '/usr/bin/python3'], specs), io({ NBPROMOTE_PYTHON: 'x/python' })), '/usr/bin/python3');
    assert.equal(pythonFor(parseArgs([], specs), io({ NBPROMOTE_PYTHON: 'python3.11' })), 'python3.11');
    assert.equal(pythonFor(parseArgs([], specs), io({})), 'python3');
  });
});
