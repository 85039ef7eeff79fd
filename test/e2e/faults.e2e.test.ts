// Issue 4's crash-safety acceptance in CI: bench/faults.mjs (the same script `npm run bench -- faults` runs
// with 200 trials) with 20 trials. It kills `nbpromote promote` with SIGKILL while it writes, runs it again, and
// exits 0 only when every file came out wholly old or wholly new, the next run left no temporary file and no
// byte of a hand edit was lost. No Python needed. `npm run test:e2e`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const script = join(root, 'bench', 'faults.mjs');

/** The number a summary line shows: `  torn files      0  (must be 0)` → 0. */
function figure(summary: string, label: string): number {
  const match = new RegExp(`^\\s+${label}\\s+(\\d+)\\b`, 'm').exec(summary);
  assert.ok(match?.[1] !== undefined, `the summary has no line "${label}":\n${summary}`);
  return Number(match[1]);
}

describe('crash safety: promote killed with SIGKILL while it writes (bench/faults.mjs, 20 trials)', function () {
  this.timeout(600_000);
  let status: number | null = null;
  let output = '';

  before(() => {
    const env = { ...process.env };
    delete env['NBPROMOTE_DEBUG'];
    const run = spawnSync(process.execPath, [script, '--trials', '20', '--seed', '1'], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 580_000 });
    status = run.status;
    output = `${run.stdout}${run.stderr}`;
  });

  it('exits 0: every invariant held', () => assert.equal(status, 0, output));
  it('ran 20 trials', () => assert.equal(figure(output, 'trials'), 20, output));
  it('tore no file: each is wholly old or wholly new after every kill and recovery', () => assert.equal(figure(output, 'torn files'), 0, output));
  it('left no temporary file after the recovery run', () => assert.equal(figure(output, 'temp files after recovery'), 0, output));
  it('lost 0 bytes of hand edits', () => assert.equal(figure(output, 'hand-edit bytes lost'), 0, output));
  it('recovered every time', () => assert.equal(figure(output, 'recovery failures'), 0, output));
  it('killed promotions mid-write, not only before or after', () => {
    const match = /kills that landed mid-write\s+(\d+) \/ (\d+)/.exec(output);
    assert.ok(match !== null, output);
    assert.ok(Number(match[1]) > 0, `no kill landed after files had changed:\n${output}`);
  });
});
