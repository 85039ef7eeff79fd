// A CI timeout or a process manager stops `nbpromote run` alone with SIGTERM: the pipeline must stop with it,
// and its run record must end `failed`, not stay `running`. A pipeline killed outright (SIGKILL) cannot finish
// its record: `nbpromote runs` shows it failed (ABANDONED) once its process is gone. Real Python, a step that
// sleeps; about two seconds. `npm run test:e2e`.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const python = process.env['NBPROMOTE_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const env = { ...process.env, NBPROMOTE_PYTHON: python };

/** Two steps; the first says it started (a file beside the notebook), then sleeps far longer than the test. */
const NOTEBOOK = `# %% tags=["parameters"]
pause = 60.0

# %% tags=["step:wait"]
import time
open("started", "w").close()
time.sleep(pause)
waited = pause

# %% tags=["step:after"]
total = waited + 1
`;

interface Ended {
  readonly status: number | null;
  readonly stderr: string;
  /** Milliseconds from the signal to nbpromote's exit. */
  readonly afterSignal: number;
}

interface RunRecordJson {
  readonly status: string;
  readonly end: string | null;
  readonly pid: number;
  readonly error: { readonly message: string } | null;
  readonly steps: readonly { readonly name: string; readonly status: string }[];
}

/** Starts `nbpromote run --out out`, waits for the first step to start, calls `stop`, waits for nbpromote to exit. */
async function runAndStop(work: string, stop: (node: number, record: RunRecordJson & { readonly file: string }) => void): Promise<Ended> {
  rmSync(join(work, 'started'), { force: true });
  rmSync(join(work, 'out', '.nbpromote', 'runs'), { recursive: true, force: true }); // the run's record is the only one
  const node = spawn(process.execPath, [cli, 'run', '--out', 'out', '--no-cache'], { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  node.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => node.on('close', (code) => resolve(code)));
  for (let waited = 0; !existsSync(join(work, 'started')); waited += 50) {
    assert.ok(waited < 30_000, `the first step did not start:\n${stderr}`);
    await sleep(50);
  }
  const began = Date.now();
  stop(node.pid ?? 0, onlyRecord(work));
  const status = await exited;
  return { status, stderr, afterSignal: Date.now() - began };
}

function onlyRecord(work: string): RunRecordJson & { readonly file: string } {
  const runs = join(work, 'out', '.nbpromote', 'runs');
  const [id = ''] = readdirSync(runs).filter((name) => !name.startsWith('.'));
  const file = join(runs, id, 'run.json');
  return { ...(JSON.parse(readFileSync(file, 'utf8')) as RunRecordJson), file };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('nbpromote run stopped by a signal (real Python)', function () {
  this.timeout(120_000);
  let work = '';

  before(() => {
    if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root });
    work = mkdtempSync(join(tmpdir(), 'nbpromote-stop-'));
    writeFileSync(join(work, 'slow.py'), NOTEBOOK);
    const promoted = spawnSync(process.execPath, [cli, 'promote', 'slow.py', '--out', 'out'], { cwd: work, env, encoding: 'utf8' });
    assert.equal(promoted.status, 0, promoted.stderr);
  });
  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('SIGTERM to nbpromote alone stops the pipeline at once, records the run as failed, and exits 143 (128 + 15, as a shell reports it) saying so', async () => {
    let pythonPid = 0;
    const ended = await runAndStop(work, (node, record) => {
      pythonPid = record.pid;
      assert.equal(record.status, 'running');
      process.kill(node, 'SIGTERM');
    });
    assert.equal(ended.status, 143, ended.stderr);
    assert.ok(ended.afterSignal < 10_000, `nbpromote took ${ended.afterSignal} ms to exit`);
    assert.equal(alive(pythonPid), false, `the pipeline's Python (pid ${pythonPid}) is still running`);
    const lines = ended.stderr.trimEnd().split('\n');
    assert.equal(lines.at(-1), 'nbpromote: stopped by SIGTERM: the pipeline was stopped too; the run is recorded as failed', ended.stderr);
    // slow.py is a percent script: its line too.
    assert.match(ended.stderr, /^step 'wait' was stopped by SIGTERM in notebook cell 2, line 3 \(slow\.py line 7\)$/m);
    const record = onlyRecord(work);
    assert.equal(record.status, 'failed');
    assert.notEqual(record.end, null);
    assert.match(record.error?.message ?? '', /^step 'wait' was stopped by SIGTERM/);
    assert.deepEqual(
      record.steps.map((s) => [s.name, s.status]),
      [
        ['wait', 'failed'],
        ['after', 'skipped'],
      ],
    );
  });

  it('SIGINT (Ctrl-C) to nbpromote exits 130, as a shell reports a process Ctrl-C ended', async () => {
    const ended = await runAndStop(work, (node) => process.kill(node, 'SIGINT'));
    assert.equal(ended.status, 130, ended.stderr);
    assert.equal(ended.stderr.trimEnd().split('\n').at(-1), 'nbpromote: stopped by SIGINT: the pipeline was stopped too; the run is recorded as failed', ended.stderr);
    assert.equal(onlyRecord(work).status, 'failed');
  });

  // Round 71 ABA: GNU timeout signals nbpromote, then its whole group at once: the run was SIGKILLed, and the
  // message said it had not stopped within 10 s.
  it('the same SIGINT twice at once (GNU timeout: nbpromote, then its group) still records the run as failed', async () => {
    const ended = await runAndStop(work, (node) => {
      process.kill(node, 'SIGINT');
      process.kill(node, 'SIGINT');
    });
    assert.equal(ended.status, 130, ended.stderr);
    assert.equal(ended.stderr.trimEnd().split('\n').at(-1), 'nbpromote: stopped by SIGINT: the pipeline was stopped too; the run is recorded as failed', ended.stderr);
    assert.equal(onlyRecord(work).status, 'failed');
  });

  it('a second signal later kills the pipeline, and says so', async () => {
    let pythonPid = 0;
    const ended = await runAndStop(work, (node, record) => {
      pythonPid = record.pid;
      // The pipeline ignores the first signal for a while: as a step in C code that does not return would.
      process.kill(record.pid, 'SIGSTOP');
      process.kill(node, 'SIGTERM');
      setTimeout(() => process.kill(node, 'SIGTERM'), 600);
    });
    assert.equal(ended.status, 143, ended.stderr);
    assert.equal(ended.stderr.trimEnd().split('\n').at(-1), 'nbpromote: stopped by SIGTERM: the pipeline was stopped too; a second SIGTERM killed it before it could record the run', ended.stderr);
    assert.equal(alive(pythonPid), false);
  });

  it('a pipeline killed outright stays "running" in its record, and nbpromote runs shows it failed (ABANDONED)', async () => {
    let id = '';
    const ended = await runAndStop(work, (_node, record) => {
      id = record.file.split(/[\\/]/).at(-2) ?? '';
      process.kill(record.pid, 'SIGKILL');
    });
    assert.equal(ended.status, 1, ended.stderr);
    assert.equal(onlyRecord(work).status, 'running');
    const runs = spawnSync(process.execPath, [cli, 'runs', '--out', 'out', '--json'], { cwd: work, env, encoding: 'utf8' });
    assert.equal(runs.status, 0, runs.stderr);
    const run = (JSON.parse(runs.stdout) as { id: string; status: string; source_status: string | null; error: string | null }[]).find((r) => r.id === id);
    assert.deepEqual([run?.status, run?.source_status], ['failed', 'ABANDONED']);
    assert.match(run?.error ?? '', /ended without finishing the record/);
  });
});

// Round 34 C: Ctrl-C while promote wrote the package ended it without a word, the package part old, part new.
describe('nbpromote promote stopped by a signal', function () {
  this.timeout(60_000);
  it('exits 130 saying whether the package is left written in part, as the disk shows; the next promotion finishes it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'nbpromote-stop-promote-'));
    try {
      const cells = ['# %% tags=["parameters"]\nn = 3\n', ...Array.from({ length: 40 }, (_, i) => `# %% tags=["step:s${i}"]\nv${i} = ${i === 0 ? 'n' : `v${i - 1}`} + 1\n`), '# %% tags=["metrics"]\ntotal = v39\n'];
      writeFileSync(join(work, 'nb.py'), cells.join('\n'));
      const node = spawn(process.execPath, [cli, 'promote', 'nb.py', '--out', 'out'], { cwd: work, env: { ...env, NBPROMOTE_DEBUG: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let signalled = false;
      node.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (!signalled && /\[io\] created /.test(stderr)) {
          signalled = true;
          process.kill(node.pid ?? 0, 'SIGINT');
        }
      });
      const status = await new Promise<number | null>((resolve) => node.on('close', (code) => resolve(code)));
      assert.ok(signalled, stderr);
      const last = stderr.trimEnd().split('\n').at(-1) ?? '';
      if (status === 0) return; // the writes ended before the signal came: nothing to say
      assert.equal(status, 130, stderr);
      const partly = existsSync(join(work, 'out', '.nbpromote', 'pending.json'));
      assert.equal(last, partly ? 'nbpromote: stopped by SIGINT while writing the package: it is written in part. `nbpromote promote` again finishes it (`check` and `run` refuse until then)' : 'nbpromote: stopped by SIGINT: no file is left half written', stderr);
      const again = spawnSync(process.execPath, [cli, 'promote', 'nb.py', '--out', 'out'], { cwd: work, env, encoding: 'utf8' });
      assert.equal(again.status, 0, again.stderr);
      const check = spawnSync(process.execPath, [cli, 'check', 'nb.py', '--out', 'out'], { cwd: work, env, encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
