import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NbpromoteError } from '../errors';
import { parseLock, promotionLockPath, withPromotionLock } from './promotionLock';

/** A child node process that idles for `ms`. */
function idleChild(ms: number): ChildProcess {
  return spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`], { stdio: 'ignore' });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  assert.ok(pid !== undefined);
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

describe('withPromotionLock', function () {
  this.timeout(30000);
  let root: string;
  let lock: string;
  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-lock-'));
    lock = promotionLockPath(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function writeLock(contents: string, ageMs = 0): Promise<void> {
    await mkdir(nodePath.dirname(lock), { recursive: true });
    await writeFile(lock, contents);
    if (ageMs > 0) {
      const then = new Date(Date.now() - ageMs);
      await utimes(lock, then, then);
    }
  }

  it('holds {pid, hostname, startedAt} while fn runs, returns its value, and removes the file afterwards', async () => {
    const result = await withPromotionLock(root, async () => {
      const info = parseLock(await readFile(lock));
      assert.ok(info !== undefined);
      assert.equal(info.pid, process.pid);
      assert.equal(info.hostname, hostname());
      assert.ok(Math.abs(Date.parse(info.startedAt) - Date.now()) < 5000);
      return 42;
    });
    assert.equal(result, 42);
    assert.equal(await exists(lock), false);
    assert.equal(await readFile(nodePath.join(root, '.nbpromote', '.gitignore'), 'utf8'), '*\n');
  });

  it('can be taken again and again, one call after another', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await withPromotionLock(root, () => i), i);
    assert.deepEqual(await readdir(nodePath.join(root, '.nbpromote')), ['.gitignore']);
  });

  it('creates the root and keeps an existing .gitignore', async () => {
    const nested = nodePath.join(root, 'a', 'b');
    await mkdir(nodePath.join(nested, '.nbpromote'), { recursive: true });
    await writeFile(nodePath.join(nested, '.nbpromote', '.gitignore'), 'mine\n');
    await withPromotionLock(nested, () => undefined);
    assert.equal(await readFile(nodePath.join(nested, '.nbpromote', '.gitignore'), 'utf8'), 'mine\n');
  });

  it('releases the lock when fn throws, and passes the error on', async () => {
    await assert.rejects(
      withPromotionLock(root, () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await exists(lock), false);
    assert.equal(await withPromotionLock(root, () => 'again'), 'again');
  });

  it('makes a second concurrent call wait until the first finishes', async () => {
    const events: string[] = [];
    const first = withPromotionLock(root, async () => {
      events.push('first start');
      await sleep(300);
      events.push('first end');
    });
    await sleep(20);
    const second = withPromotionLock(root, () => {
      events.push('second start');
    });
    await Promise.all([first, second]);
    // The order shows the second waited (an elapsed time would say it only on an idle machine).
    assert.deepEqual(events, ['first start', 'first end', 'second start']);
    assert.equal(await exists(lock), false);
  });

  it('fails after waitMs while a live process holds the lock, naming its pid, and leaves its lock alone', async () => {
    const child = idleChild(10000);
    try {
      const pid = child.pid;
      assert.ok(pid !== undefined);
      // Taken after the process started, as a real lock is.
      const startedAt = new Date(Date.now() + 5_000).toISOString();
      const contents = JSON.stringify({ pid, hostname: hostname(), startedAt, token: 'other' });
      await writeLock(contents);
      let ran = false;
      const started = Date.now();
      await assert.rejects(
        withPromotionLock(
          root,
          () => {
            ran = true;
          },
          { waitMs: 300 },
        ),
        (ex: unknown) => {
          assert.ok(NbpromoteError.is(ex, 'invalidInput'));
          assert.equal(
            ex.message,
            `another promotion (pid ${pid}, started at ${startedAt}) is writing to ${root}; try again when it finishes, or remove ${lock} if you are sure no promotion is running`,
          );
          return true;
        },
      );
      // It waited before giving up (a timer never fires early; the clock may read a millisecond short).
      assert.ok(Date.now() - started >= 290);
      assert.equal(ran, false);
      assert.equal(await readFile(lock, 'utf8'), contents);
    } finally {
      child.kill();
    }
  });

  it('waits for a lock from another host (whose processes cannot be checked), then names the host', async () => {
    await writeLock(JSON.stringify({ pid: 1234, hostname: 'elsewhere.invalid', startedAt: 'then', token: 'x' }), 60_000);
    await assert.rejects(
      withPromotionLock(root, () => undefined, { waitMs: 150 }),
      /pid 1234 on host elsewhere\.invalid, started at then\) is writing to .*delete .*promote\.pid/,
    );
  });

  it('takes over the lock of a process that is gone', async () => {
    const pid = await deadPid();
    await writeLock(JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-02T03:04:05.000Z', token: 'dead' }));
    const holder = await withPromotionLock(root, async () => parseLock(await readFile(lock)), { waitMs: 0 });
    assert.equal(holder?.pid, process.pid);
    assert.equal(await exists(lock), false);
    assert.deepEqual(await readdir(nodePath.join(root, '.nbpromote')), ['.gitignore'], 'no file was left aside');
  });

  it('takes over the lock of a pid now used by a process that started after the lock was taken (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const child = idleChild(10000);
    try {
      const pid = child.pid;
      assert.ok(pid !== undefined);
      await writeLock(JSON.stringify({ pid, hostname: hostname(), startedAt: new Date(Date.now() - 3_600_000).toISOString(), token: 'reused' }));
      const lines: string[] = [];
      const logger = { trace: () => undefined, debug: () => undefined, info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: () => undefined };
      const holder = await withPromotionLock(root, async () => parseLock(await readFile(lock)), { waitMs: 0, logger });
      assert.equal(holder?.pid, process.pid);
      assert.match(lines.join('\n'), new RegExp(`taking over .*promote\\.pid: process ${pid} started at .*, after the lock was taken \\(.*\\): it is another program`));
      assert.equal(child.exitCode, null, 'the unrelated process is left alone');
    } finally {
      child.kill();
    }
  });

  it('takes over a lock this process left behind', async () => {
    await writeLock(JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'then', token: 'forgotten' }));
    assert.equal(await withPromotionLock(root, () => 'ok', { waitMs: 0 }), 'ok');
  });

  for (const [name, contents] of [
    ['garbage', 'not json at all \u0000'],
    ['an empty file', ''],
    ['JSON that is not a lock', '{"pid": "12"}'],
  ] as const) {
    it(`takes over a lock file holding ${name}`, async () => {
      await writeLock(contents, 10_000);
      assert.equal(await withPromotionLock(root, () => 'ok', { waitMs: 0 }), 'ok');
      assert.equal(await exists(lock), false);
    });
  }

  it('waits for a fresh unparsable lock (it may be being written), then takes it over', async () => {
    await writeLock('');
    await assert.rejects(withPromotionLock(root, () => undefined, { waitMs: 100 }), /another promotion is starting to write/);
    assert.equal(await withPromotionLock(root, () => 'ok', { waitMs: 5000 }), 'ok');
  });

  it('leaves a lock file that is no longer its own', async () => {
    const other = JSON.stringify({ pid: 1, hostname: 'elsewhere.invalid', startedAt: 'then', token: 'other' });
    await withPromotionLock(root, async () => {
      await writeFile(lock, other);
    });
    assert.equal(await readFile(lock, 'utf8'), other);
  });

  it('lets one of several concurrent calls in at a time, even when they all find a stale lock', async () => {
    await writeLock('garbage', 10_000);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withPromotionLock(root, async () => {
          most = Math.max(most, ++inside);
          await sleep(10);
          inside--;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.deepEqual(await readdir(nodePath.join(root, '.nbpromote')), ['.gitignore']);
  });

  for (const stale of [false, true]) {
    it(`lets exactly one of several processes in at a time${stale ? ', starting from the stale lock of a dead process' : ''}`, async () => {
      if (stale) await writeLock(JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: 'then', token: 'dead' }));
      const log = nodePath.join(root, 'log.txt');
      const script = nodePath.join(root, 'take.js');
      await writeFile(
        script,
        [
          `const { appendFileSync } = require('node:fs');`,
          `const { withPromotionLock } = require(${JSON.stringify(require.resolve('./promotionLock'))});`,
          `const [root, log, id] = process.argv.slice(2);`,
          `(async () => {`,
          `  for (let i = 0; i < 4; i++) {`,
          `    await withPromotionLock(root, async () => {`,
          `      appendFileSync(log, 'start ' + id + '\\n');`,
          `      await new Promise((resolve) => setTimeout(resolve, 60));`,
          `      appendFileSync(log, 'end ' + id + '\\n');`,
          `    }, { waitMs: 20000 });`,
          `  }`,
          `})().catch((ex) => { console.error(ex); process.exit(1); });`,
        ].join('\n'),
      );
      const run = (id: string): Promise<number | null> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), script, root, log, id], { stdio: ['ignore', 'ignore', 'inherit'] });
          child.once('error', reject);
          child.once('exit', resolve);
        });
      assert.deepEqual(await Promise.all([run('a'), run('b'), run('c')]), [0, 0, 0]);

      const lines = (await readFile(log, 'utf8')).trim().split('\n');
      assert.equal(lines.length, 24);
      for (let i = 0; i < lines.length; i += 2) {
        const id = lines[i]?.slice('start '.length);
        assert.deepEqual([lines[i], lines[i + 1]], [`start ${id}`, `end ${id}`], `interleaved at line ${i + 1}:\n${lines.join('\n')}`);
      }
      assert.equal(await exists(lock), false);
    });
  }
});
