/**
 * One promotion at a time per output root. `withPromotionLock(root, fn)` runs `fn` while holding
 * `<root>/.nbpromote/promote.pid`, a file created with `open(path, 'wx')` (O_EXCL: exactly one creator wins)
 * that holds `{ pid, hostname, startedAt, token }` as JSON. `token` is random and tells this holder's file
 * from any other, including another call in the same process.
 *
 * When the file is there already:
 * - its process is alive on this host (`process.kill(pid, 0)`; EPERM counts as alive), or it was written on
 *   another host (whose processes cannot be checked), or it is another call in this process → wait, polling
 *   every 100 ms, up to `waitMs`; then fail with NbpromoteError('invalidInput') naming the pid;
 * - its process is gone, it names this process but no call in it holds the lock any more, or its contents are
 *   not a lock (garbage, empty, unreadable) and it is older than 2 s → it is stale: take it over. A file that
 *   does not parse but is younger than 2 s may be one another process created and is about to write, so it is
 *   waited for like a live one.
 *
 * Taking over is serialized by a second lock, `promote.pid.takeover`, also created with `open(..., 'wx')`:
 * only its holder may remove the main lock file, and it judges the file again before removing it. The main
 * file cannot change under it (its owner is gone, nobody else may remove it, and nobody can create it while
 * it exists), so a waiter never removes a lock another waiter has just taken. Then every waiter tries
 * `open(..., 'wx')` again, and only one wins. The takeover lock is held for a few milliseconds; one left by a
 * process that died holding it is itself stale and removed (renamed aside and removed only if unchanged).
 *
 * `.nbpromote/` and a `.nbpromote/.gitignore` holding `*` are created when missing, so the folder never
 * shows up in `git status`. The lock is released in `finally`, only when the file is still this call's.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFileSync } from 'node:fs';
import { link, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as nodePath from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NbpromoteError } from '../errors';
import type { Logger } from '../util/logger';
import { fileSystemError } from './fileSystemError';
import { isMissing, mkdirFailure, refusedFolder } from './paths';
import { processExists } from '../util/process';

export interface PromotionLockOptions {
  /** How long to wait for another promotion to finish, in milliseconds. Default 10000. */
  readonly waitMs?: number;
  /** Gets a line when the lock is taken, waited for, taken over and released. */
  readonly logger?: Logger;
}

/** The lock's folder under the output root, and the file in it. */
export const PROMOTION_LOCK_DIR = '.nbpromote';
export const PROMOTION_LOCK_FILE = 'promote.pid';

/** What the lock file holds. */
export interface PromotionLockInfo {
  readonly pid: number;
  readonly hostname: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** Random: tells this holder's file from any other. */
  readonly token: string;
}

const DEFAULT_WAIT_MS = 10_000;
const POLL_MS = 100;
/** How long to wait when another waiter is taking a stale lock over. */
const TAKEOVER_POLL_MS = 10;
/** An unparsable lock file younger than this may be one that is being written (created, not yet filled). */
const UNPARSABLE_GRACE_MS = 2_000;

/** Tokens of the locks calls in this process hold now. */
const heldHere = new Set<string>();

/**
 * Runs `fn` holding the promotion lock of `root`, and releases it afterwards, whether `fn` returns or
 * throws. Throws NbpromoteError('invalidInput') when another live promotion holds the lock for longer than
 * `waitMs`.
 */
export async function withPromotionLock<T>(root: string, fn: () => Promise<T> | T, options: PromotionLockOptions = {}): Promise<T> {
  const logger = options.logger;
  const lockPath = await prepareLockFolder(root);
  const token = await acquire(root, lockPath, Math.max(0, options.waitMs ?? DEFAULT_WAIT_MS), logger);
  try {
    return await fn();
  } finally {
    await release(lockPath, token, logger);
  }
}

/** The lock file's path under `root`. */
export function promotionLockPath(root: string): string {
  return nodePath.join(root, PROMOTION_LOCK_DIR, PROMOTION_LOCK_FILE);
}

/**
 * What `withPromotionLock` would say when it gave up waiting, when another promotion holds `root`'s lock now
 * (its files, half written and without their nbpromote.lock yet, are no hand edits); undefined when none does.
 */
export async function promotionInProgress(root: string): Promise<string | undefined> {
  const lockPath = promotionLockPath(root);
  const found = await inspect(lockPath);
  return found.state === 'held' ? busy(root, lockPath, found.info).message : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Taking and releasing

async function prepareLockFolder(root: string): Promise<string> {
  const dir = nodePath.join(root, PROMOTION_LOCK_DIR);
  try {
    await mkdir(dir, { recursive: true });
  } catch (ex) {
    const cause = mkdirFailure(dir, ex);
    throw fileSystemError(cause, 'create the folder', refusedFolder(dir), errorCode(cause) === 'EEXIST' ? 'a file has its name; move it away; nothing was written' : 'nothing was written');
  }
  const gitignore = nodePath.join(dir, '.gitignore');
  try {
    const handle = await open(gitignore, 'wx');
    try {
      await handle.writeFile('*\n', 'utf8');
    } finally {
      await handle.close();
    }
  } catch (ex) {
    if (errorCode(ex) !== 'EEXIST') throw fileSystemError(ex, 'write', gitignore);
  }
  return promotionLockPath(root);
}

async function acquire(root: string, lockPath: string, waitMs: number, logger: Logger | undefined): Promise<string> {
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    const mine = newLockInfo();
    if (await tryCreate(lockPath, mine)) {
      logger?.debug(`[lock] took ${lockPath}`);
      return mine.token;
    }

    const found = await inspect(lockPath);
    if (found.state === 'gone') continue;
    let pause = POLL_MS;
    let holder = found.state === 'held' ? found.info : undefined;
    if (found.state === 'stale') {
      if (await takeOver(lockPath, logger)) continue;
      pause = TAKEOVER_POLL_MS; // another waiter is taking it over
      holder = undefined;
    }
    const now = Date.now();
    if (now >= deadline) throw busy(root, lockPath, holder);
    if (!announced && found.state === 'held') {
      logger?.info(`[lock] waiting for ${describeHolder(holder)} to finish writing to ${root}; if you are sure no promotion is running, remove ${lockPath}`);
      announced = true;
    }
    await sleep(Math.min(pause, deadline - now));
  }
}

/**
 * Removes the stale lock file while holding the takeover lock, after judging it again. False when another
 * waiter holds the takeover lock (the caller waits a little and tries again).
 */
async function takeOver(lockPath: string, logger: Logger | undefined): Promise<boolean> {
  const guardPath = `${lockPath}.takeover`;
  const guard = newLockInfo();
  if (!(await tryCreate(guardPath, guard))) {
    const found = await inspect(guardPath);
    if (found.state === 'gone') return true;
    if (found.state === 'stale') {
      logger?.warn(`[lock] removing ${guardPath}: ${found.why}`);
      await removeIfUnchanged(guardPath, found.snapshot);
      return true;
    }
    return false;
  }
  try {
    const found = await inspect(lockPath);
    if (found.state === 'stale') {
      logger?.info(`[lock] taking over ${lockPath}: ${found.why}`);
      await rm(lockPath, { force: true });
    }
  } finally {
    await rm(guardPath, { force: true });
    heldHere.delete(guard.token);
  }
  return true;
}

/** This call's lock contents, its token registered as held (before the file exists, so that a call in this
 * process never judges the file stale). Whoever fails to create the file forgets the token again. */
function newLockInfo(): PromotionLockInfo {
  const info: PromotionLockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  heldHere.add(info.token);
  return info;
}

/** Creates the lock file holding `info`; false when it exists (then `info.token` is no longer held). */
async function tryCreate(lockPath: string, info: PromotionLockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (ex) {
    heldHere.delete(info.token);
    if (errorCode(ex) === 'EEXIST') return false;
    throw fileSystemError(ex, 'create', lockPath);
  }
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`, 'utf8');
  } catch (ex) {
    await handle.close();
    await rm(lockPath, { force: true });
    heldHere.delete(info.token);
    throw fileSystemError(ex, 'write', lockPath);
  }
  await handle.close();
  return true;
}

async function release(lockPath: string, token: string, logger: Logger | undefined): Promise<void> {
  try {
    const snapshot = await snapshotOf(lockPath);
    if (snapshot?.bytes !== undefined && parseLock(snapshot.bytes)?.token === token) {
      await rm(lockPath, { force: true });
      logger?.debug(`[lock] released ${lockPath}`);
    } else {
      logger?.warn(`[lock] ${lockPath} is no longer this promotion's lock: left as it is`);
    }
  } catch (ex) {
    // The next promotion takes a leftover lock over once this process is gone (or at once, in this process).
    logger?.warn(`[lock] could not release ${lockPath}: ${ex instanceof Error ? ex.message : String(ex)}`);
  } finally {
    heldHere.delete(token);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Judging an existing lock file

interface Snapshot {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** Undefined when the file cannot be read. */
  readonly bytes: Buffer | undefined;
}

type Found =
  | { readonly state: 'gone' }
  | { readonly state: 'held'; readonly info: PromotionLockInfo | undefined }
  | { readonly state: 'stale'; readonly snapshot: Snapshot; readonly why: string };

async function inspect(lockPath: string): Promise<Found> {
  const snapshot = await snapshotOf(lockPath);
  if (snapshot === undefined) return { state: 'gone' };
  const info = snapshot.bytes === undefined ? undefined : parseLock(snapshot.bytes);
  if (info === undefined) {
    if (Date.now() - snapshot.mtimeMs < UNPARSABLE_GRACE_MS) return { state: 'held', info: undefined };
    const why = snapshot.bytes === undefined ? 'it cannot be read' : 'its contents are not a promotion lock';
    return { state: 'stale', snapshot, why };
  }
  if (info.hostname !== hostname()) return { state: 'held', info }; // another host's process cannot be checked
  if (info.pid === process.pid) {
    return heldHere.has(info.token) ? { state: 'held', info } : { state: 'stale', snapshot, why: 'this process left it behind' };
  }
  if (!processExists(info.pid)) return { state: 'stale', snapshot, why: `process ${info.pid} is gone` };
  // The pid may have been reused since (after a reboot, in a container): a process that started after the lock
  // was taken is not the promotion that took it.
  const started = processStartMs(info.pid);
  const taken = Date.parse(info.startedAt);
  if (started !== undefined && Number.isFinite(taken) && started > taken + START_SLACK_MS) {
    return { state: 'stale', snapshot, why: `process ${info.pid} started at ${new Date(started).toISOString()}, after the lock was taken (${info.startedAt}): it is another program` };
  }
  return { state: 'held', info };
}

/** How far a process's start time read from /proc may be off (boot time is in whole seconds, ticks are 10 ms). */
const START_SLACK_MS = 2_000;
/** Linux's USER_HZ: the unit of /proc/<pid>/stat's start time, 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * When process `pid` started (ms since the epoch), on Linux: field 22 of /proc/<pid>/stat (clock ticks after
 * boot) plus `btime` of /proc/stat (boot, seconds since the epoch). Undefined elsewhere, or when unreadable.
 */
export function processStartMs(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ...`: comm may hold spaces and parentheses; field 3 (state) follows the last `)`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[22 - 3]);
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    if (!Number.isFinite(ticks) || boot === undefined) return undefined;
    return Number(boot) * 1000 + (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The file at `path` now, or undefined when there is none. Throws when it is a folder. */
async function snapshotOf(path: string): Promise<Snapshot | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    if (errorCode(ex) === 'EISDIR') throw notAFile(path);
    const info = await lstatOrUndefined(path); // unreadable (permissions): judged by its metadata
    if (info === undefined) return undefined;
    if (info.isDirectory()) throw notAFile(path);
    return { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, bytes: undefined };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw notAFile(path);
    const bytes = await handle.readFile();
    return { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, bytes };
  } finally {
    await handle.close();
  }
}

/**
 * Removes the file at `lockPath` if it is still the one in `seen` (for a stale takeover lock, which has no
 * guard of its own). Renames it aside first: of several waiters judging the same stale file, one rename finds
 * it. A file that turns out to be another (newer) one is linked back.
 */
async function removeIfUnchanged(lockPath: string, seen: Snapshot): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (ex) {
    if (isMissing(ex)) return; // another waiter moved it first
    throw ex;
  }
  try {
    const moved = await snapshotOf(aside);
    if (moved === undefined || sameFile(moved, seen)) return;
    try {
      await link(aside, lockPath);
    } catch (ex) {
      if (errorCode(ex) !== 'EEXIST') await rename(aside, lockPath); // no hard links on this file system

    }
  } finally {
    await rm(aside, { force: true });
  }
}

function sameFile(a: Snapshot, b: Snapshot): boolean {
  if (a.dev !== b.dev || a.ino !== b.ino || a.size !== b.size || a.mtimeMs !== b.mtimeMs) return false;
  if (a.bytes === undefined || b.bytes === undefined) return a.bytes === b.bytes;
  return a.bytes.equals(b.bytes);
}

/** The lock file's contents, or undefined when they are not a lock. */
export function parseLock(bytes: Buffer): PromotionLockInfo | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, hostname: host, startedAt, token } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string' || typeof startedAt !== 'string' || typeof token !== 'string') return undefined;
  return { pid, hostname: host, startedAt, token };
}

// ---------------------------------------------------------------------------------------------------------
// Messages

function busy(root: string, lockPath: string, info: PromotionLockInfo | undefined): NbpromoteError {
  if (info === undefined) {
    return new NbpromoteError('invalidInput', `another promotion is starting to write to ${root} (${lockPath}); try again when it finishes`);
  }
  if (info.hostname !== hostname()) {
    return new NbpromoteError(
      'invalidInput',
      `another promotion (pid ${info.pid} on host ${info.hostname}, started at ${info.startedAt}) is writing to ${root}; try again when it finishes, or delete ${lockPath} if it is no longer running`,
    );
  }
  return new NbpromoteError('invalidInput', `another promotion (pid ${info.pid}, started at ${info.startedAt}) is writing to ${root}; try again when it finishes, or remove ${lockPath} if you are sure no promotion is running`);
}

function describeHolder(info: PromotionLockInfo | undefined): string {
  if (info === undefined) return 'another promotion';
  const host = info.hostname === hostname() ? '' : ` on host ${info.hostname}`;
  return `the promotion of pid ${info.pid}${host} (started at ${info.startedAt})`;
}

function notAFile(path: string): NbpromoteError {
  return new NbpromoteError('invalidInput', `${path} is a folder, not a promotion lock: remove it and try again`);
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (ex) {
    if (isMissing(ex)) return undefined;
    throw ex;
  }
}

function errorCode(ex: unknown): unknown {
  return ex instanceof Error && 'code' in ex ? ex.code : undefined;
}
