// `npm run bench -- faults [--trials N] [--seed S] [--no-build]`: crash safety of `nbpromote promote` (issue 4).
//
// A temporary workspace holds examples/churn-native.ipynb and examples/data/. Promoting it once gives state A
// (0.1.0). Then the notebook changes so that re-promotion rewrites many files (a new parameter, a new step,
// the code of every step and of the functions cell: a minor bump to 0.2.0); promoting that once, at the same
// path, gives every file's new bytes (state B), and A is restored. Each trial then
//   1. restores A exactly (the whole output tree: generated files, nbpromote.lock, .nbpromote/base); in one
//      trial of five a person has also appended a line to src/<pkg>/common.py (a hand edit);
//   2. starts `node dist/cli.js promote churn-native.ipynb --out out` (the notebook now being B) and kills it
//      with SIGKILL (seeded PRNG: the same seed draws the same trials and delays): 40% after a delay uniform
//      in [0, 1.2 x the promote's measured duration] from the spawn; 30% after a delay uniform in
//      [0, 1.2 x the measured time it holds the promotion lock] from the moment it took the lock, which is
//      when its writes begin; 15% on its k-th file-written line, k uniform; 15% as soon as the
//      'created'/'changed' summary starts on stdout (printed after the lock file is written). The last three
//      watch NBPROMOTE_DEBUG=1 lines on stderr (the same write path; it only logs as it goes);
//   3. checks the tree as the kill left it: every file is byte-identical to its A or its B version (a torn
//      file is named), the order of the write path holds (no merge-base copy is new before every generated
//      file is, the lock is new only when everything else is), and counts temporary files;
//   4. runs the same promote again, not killed (the recovery): it must not wait for the dead process's
//      .nbpromote/promote.pid, must exit 0 (1 naming the hand-edited file in hand-edit trials), and leave no
//      `.<name>.nbpromote-tmp-*` file anywhere; without a hand edit every file is then its B version and
//      nbpromote.lock parses as YAML with version 0.2.0; with one, nothing at all was written;
//   5. counts the bytes of the person's version of the hand-edited file that are gone (after the kill and
//      after the recovery).
// Prints the figures; exits 1 when an invariant failed. Trials run one after another.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { staleness } from './_common.mjs';

const root = new URL('..', import.meta.url).pathname;
// NBPROMOTE_FAULTS_CLI: another build to test instead (to check the checker, e.g. on a deliberately broken one).
const cli = process.env.NBPROMOTE_FAULTS_CLI ?? join(root, 'dist', 'cli.js');
const NOTEBOOK = 'churn-native.ipynb';
const PACKAGE = 'churn_native';
const HAND_EDITED = `src/${PACKAGE}/common.py`;
const HAND_EDIT_LINE = '# a person added this line: tuned by hand, keep it\n';
const LOCK = 'nbpromote.lock';
const PID_FILE = '.nbpromote/promote.pid';
/** The journal a promotion writes before its files and removes after its lock (what it was writing). */
const JOURNAL = '.nbpromote/pending.json';
const TEMP = /^\..+\.nbpromote-tmp-\d+-[0-9a-f]+$/;
const RECOVERY_TIMEOUT_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isSafeInteger(value) || value < 0) usage(`--${name} needs a whole number, got ${args[i + 1]}`);
  return value;
}
function usage(message) {
  console.error(`${message}\nusage: npm run bench -- faults [--trials N (200)] [--seed S (1)] [--no-build]`);
  process.exit(2);
}
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--trials' || args[i] === '--seed') i++;
  else if (args[i] !== '--no-build') usage(`unknown argument ${args[i]}`);
}
const trials = option('trials', 200);
const seed = option('seed', 1);
if (trials < 1) usage('--trials must be at least 1');

// ---------------------------------------------------------------------------------------------------------
// The CLI under test: dist/cli.js, rebuilt by `node esbuild.mjs` when missing or older than the sources.

const stale = process.env.NBPROMOTE_FAULTS_CLI === undefined ? staleness(cli, ['src', 'schemas', 'package.json', 'esbuild.mjs']) : undefined;
if (stale !== undefined) {
  if (args.includes('--no-build')) console.warn(`warning: ${stale}; testing it anyway (--no-build)`);
  else {
    console.log(`building the CLI (${stale}): node esbuild.mjs`);
    const built = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) {
      console.error(`node esbuild.mjs failed:\n${built.stdout}${built.stderr}`);
      process.exit(2);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Setup: states A and B

const work = mkdtempSync(join(tmpdir(), 'nbpromote-faults-'));
const ws = join(work, 'ws'); // the workspace: the notebook, data/ and the output root out/
const out = join(ws, 'out');
const pristineA = join(work, 'A'); // state A's output tree, copied into out/ before every trial
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

cpSync(join(root, 'examples', NOTEBOOK), join(ws, NOTEBOOK));
cpSync(join(root, 'examples', 'data'), join(ws, 'data'), { recursive: true });

const first = promoteSync();
if (first.status !== 0) fatal(`the first promotion (state A) failed:\n${first.stdout}${first.stderr}`);
const A = readTree(out);
if (lockVersion(A.get(LOCK)) !== '0.1.0') fatal(`state A's ${LOCK} does not say version 0.1.0`);
cpSync(out, pristineA, { recursive: true });

writeFileSync(join(ws, NOTEBOOK), notebookB(readFileSync(join(ws, NOTEBOOK), 'utf8')));

// Promote B a few times at the same path (pipeline.yaml names the notebook relative to out/) to learn every
// file's new bytes, check they are the same every time, and time the promote and its writes.
const calibration = [];
let B;
for (let i = 0; i < 4; i++) {
  restoreA(false);
  const run = await runPromote({ debug: i % 2 === 0 });
  if (run.code !== 0) fatal(`promoting the changed notebook (state B) failed:\n${run.stdout}${run.stderr}`);
  const tree = readTree(out);
  if (B === undefined) B = tree;
  else {
    for (const [path, bytes] of tree) {
      if (!sameVersion(path, bytes, B.get(path))) fatal(`state B is not deterministic: ${path} differs between two promotions`);
    }
  }
  calibration.push(run);
}
if (lockVersion(B.get(LOCK)) !== '0.2.0') fatal(`state B's ${LOCK} does not say version 0.2.0 (a minor bump was intended)`);
restoreA(false);

const duration = median(calibration.map((r) => r.ms));
const debugRuns = calibration.filter((r) => r.events.took !== undefined);
const window = { from: median(debugRuns.map((r) => r.events.took)), to: median(debugRuns.map((r) => r.events.released)) };
const lockHeldMs = median(debugRuns.map((r) => r.events.released - r.events.took));
const ioLines = debugRuns[0].events.io.length;
const differing = [...new Set([...A.keys(), ...B.keys()])].filter((p) => p !== LOCK && !(A.has(p) && B.has(p) && A.get(p).equals(B.get(p))));
const rewritten = { work: differing.filter((p) => !p.startsWith('.nbpromote/')), base: differing.filter((p) => p.startsWith('.nbpromote/base/')) };
if (rewritten.work.length < 10) fatal(`the changed notebook rewrites only ${rewritten.work.length} files: ${rewritten.work.join(', ')}`);
const personVersion = Buffer.concat([A.get(HAND_EDITED), Buffer.from(HAND_EDIT_LINE)]);

console.log(`faults: ${trials} trials, seed ${seed}; workspace ${work}`);
console.log(`  state A: ${A.size} files (0.1.0); state B: ${B.size} files (0.2.0), ${rewritten.work.length} generated files, ${rewritten.base.length} merge-base copies and ${LOCK} rewritten or created`);
console.log(`  promote takes ${duration.toFixed(0)} ms (median of ${calibration.length}); it holds the lock and writes from ${window.from.toFixed(0)} to ${window.to.toFixed(0)} ms (${lockHeldMs.toFixed(0)} ms, ${ioLines} files written)`);

// ---------------------------------------------------------------------------------------------------------
// The trials

const random = mulberry32(seed);
const totals = {
  trials: 0,
  handEditTrials: 0,
  killed: 0,
  finishedFirst: 0,
  phases: { 'before any file changed': 0, 'mid-write (some files new, lock old)': 0, 'after files and base, before the lock': 0, 'after the lock was written': 0 },
  changedWhenKilled: 0,
  torn: 0,
  tornNames: new Set(),
  unexpected: 0,
  missing: 0,
  orderViolations: 0,
  tempsAfterKill: 0,
  trialsWithTemps: 0,
  tempsAfterRecovery: 0,
  pidLeft: 0,
  pidRecovered: 0,
  waitedOnUnfilledPid: 0,
  recoveryFailures: 0,
  bytesLost: 0,
  personBytes: 0,
  recoveryMs: [],
  byMode: {},
};
const failures = [];

for (let trial = 1; trial <= trials; trial++) {
  const handEdit = trial % 5 === 3;
  const mode = pickMode(random());
  const plan = killPlan(mode, random);
  restoreA(handEdit);
  const expectedOld = handEdit ? new Map([...A, [HAND_EDITED, personVersion]]) : A;
  const problems = [];
  const fail = (what) => problems.push(what);

  // 1. The promote that is killed.
  const run = await runPromote({ debug: mode === 'on-io' || mode === 'after-lock', kill: plan });
  const killed = run.signal === 'SIGKILL';
  totals.trials++;
  if (handEdit) totals.handEditTrials++;
  if (killed) totals.killed++;
  else totals.finishedFirst++;
  if (!handEdit) {
    totals.byMode[mode] ??= { trials: 0, changed: 0 };
    totals.byMode[mode].trials++;
  }

  // 2. The tree as the kill left it.
  const afterKill = readTree(out);
  const seen = classify(afterKill, handEdit, 'after the kill', fail);
  totals.tempsAfterKill += seen.temps.length;
  if (seen.temps.length > 0) totals.trialsWithTemps++;
  if (afterKill.has(PID_FILE)) {
    totals.pidLeft++;
    const holder = parsePid(afterKill.get(PID_FILE));
    if (holder !== undefined && holder !== run.pid) fail(`${PID_FILE} names pid ${holder}, not the killed ${run.pid}`);
  }
  if (!killed && run.code !== (handEdit ? 1 : 0)) fail(`the promote finished before the kill with exit ${run.code}: ${run.stderr.trim()}`);
  const changed = seen.newWork + seen.newBase + (seen.lockNew ? 1 : 0);
  if (killed && changed > 0) {
    totals.changedWhenKilled++;
    if (!handEdit) totals.byMode[mode].changed++;
  }
  if (killed) totals.phases[phaseOf(seen)]++;
  // The write path's order: generated files, then the merge-base copies, then the lock.
  if (seen.newBase > 0 && seen.newWork < rewritten.work.length) {
    totals.orderViolations++;
    fail(`order: ${seen.newBase} merge-base copies are new but only ${seen.newWork}/${rewritten.work.length} generated files`);
  }
  if (seen.lockNew && (seen.newWork < rewritten.work.length || seen.newBase < rewritten.base.length)) {
    totals.orderViolations++;
    fail(`order: ${LOCK} is new but only ${seen.newWork}/${rewritten.work.length} generated files and ${seen.newBase}/${rewritten.base.length} base copies are`);
  }
  if (handEdit) {
    if (changed > 0) fail(`a promotion that had to refuse (hand edit) changed ${changed} files`);
    totals.personBytes += personVersion.length;
    totals.bytesLost += bytesLost(personVersion, afterKill.get(HAND_EDITED));
  }

  // 3. The recovery: the same promote, not killed.
  const recovery = await runPromote({ debug: true, timeoutMs: RECOVERY_TIMEOUT_MS });
  totals.recoveryMs.push(recovery.ms);
  const recoveryProblems = [];
  const rfail = (what) => recoveryProblems.push(what);
  if (recovery.timedOut) rfail(`did not finish within ${RECOVERY_TIMEOUT_MS / 1000} s`);
  if (/waiting for the promotion of pid/.test(recovery.stderr)) rfail(`waited for the killed process's lock as if pid ${run.pid} were alive`);
  else if (/waiting for another promotion/.test(recovery.stderr)) totals.waitedOnUnfilledPid++;
  if (/\[lock\] taking over .*promote\.pid/.test(recovery.stderr)) totals.pidRecovered++;
  const afterRecovery = readTree(out);
  if (afterRecovery.has(PID_FILE)) rfail(`${PID_FILE} is still there`);
  if (afterRecovery.has(JOURNAL) && !handEdit) rfail(`${JOURNAL} is still there after a completed promotion`);
  if (handEdit) {
    if (recovery.code !== 1) rfail(`exit ${recovery.code}, expected 1 (a hand-edited file): ${recovery.stderr.trim()}`);
    else if (!recovery.stderr.includes(HAND_EDITED)) rfail(`exit 1 but the message does not name ${HAND_EDITED}: ${recovery.stderr.trim()}`);
    totals.personBytes += personVersion.length;
    totals.bytesLost += bytesLost(personVersion, afterRecovery.get(HAND_EDITED));
  } else if (recovery.code !== 0) rfail(`exit ${recovery.code}: ${recovery.stderr.trim()}`);
  const final = classify(afterRecovery, handEdit, 'after the recovery', rfail);
  totals.tempsAfterRecovery += final.temps.length;
  if (handEdit) {
    for (const [path, bytes] of expectedOld) if (!afterRecovery.get(path)?.equals(bytes)) rfail(`${path} is not as it was before (nothing may be written)`);
  } else {
    for (const [path, bytes] of B) if (!sameVersion(path, afterRecovery.get(path), bytes)) rfail(`${path} is not its new (B) version`);
    const version = lockVersion(afterRecovery.get(LOCK));
    if (version !== '0.2.0') rfail(`${LOCK} says version ${version ?? '(unreadable)'}, not 0.2.0`);
  }
  if (recoveryProblems.length > 0) totals.recoveryFailures++;
  problems.push(...recoveryProblems.map((p) => `recovery: ${p}`));

  if (problems.length > 0) failures.push({ trial, mode, plan: describePlan(plan), handEdit, problems });
  if (trial % 20 === 0 || trial === trials) {
    console.log(`  ${trial}/${trials} trials, ${totals.changedWhenKilled} killed after files changed, ${failures.length} with failures`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Summary

const meanRecovery = totals.recoveryMs.reduce((a, b) => a + b, 0) / totals.recoveryMs.length;
const torn = totals.torn;
const ok = torn === 0 && totals.unexpected + totals.missing === 0 && totals.orderViolations === 0 && totals.tempsAfterRecovery === 0 && totals.recoveryFailures === 0 && totals.bytesLost === 0 && failures.length === 0;
const line = (label, value, note = '') => console.log(`  ${label.padEnd(52)} ${String(value).padStart(10)}${note === '' ? '' : `  ${note}`}`);
console.log('');
console.log('summary');
line('trials', totals.trials, `(${totals.handEditTrials} with a hand edit; seed ${seed})`);
line('killed by SIGKILL', totals.killed, `(${totals.finishedFirst} finished before the kill)`);
line('kills that landed mid-write', `${totals.changedWhenKilled} / ${totals.trials}`, '(files already changed when killed / trials)');
for (const [phase, n] of Object.entries(totals.phases)) line(`  killed ${phase}`, n);
const modeNames = { uniform: 'uniform delay from the spawn', 'after-lock': 'uniform delay after the lock was taken', 'on-io': "on the k-th file written", 'on-output': "when 'created'/'changed' output starts" };
console.log('  of the trials without a hand edit, files already changed when killed:');
for (const [mode, m] of Object.entries(totals.byMode)) line(`  killed ${modeNames[mode]}`, `${m.changed} / ${m.trials}`);
line('torn files', torn, torn === 0 ? '(must be 0)' : `MUST BE 0: ${[...totals.tornNames].join(', ')}`);
line('files in neither state, or missing', totals.unexpected + totals.missing, '(must be 0)');
line('write-order violations', totals.orderViolations, '(must be 0)');
line('temp files found after kill', totals.tempsAfterKill, `(in ${totals.trialsWithTemps} trials)`);
line('temp files after recovery', totals.tempsAfterRecovery, '(must be 0)');
line('promote.pid left by the killed process', totals.pidLeft, `(taken over by the recovery: ${totals.pidRecovered})`);
line('recoveries that waited on an unfilled promote.pid', totals.waitedOnUnfilledPid, '(up to 2 s, by design)');
line('recovery failures', totals.recoveryFailures, '(must be 0)');
line('hand-edit bytes lost', totals.bytesLost, `(must be 0; of ${totals.personBytes} bytes checked)`);
line('mean recovery time', `${meanRecovery.toFixed(0)} ms`, `(max ${Math.max(...totals.recoveryMs).toFixed(0)} ms)`);
if (failures.length > 0) {
  console.log('');
  console.log(`failures (${failures.length} trials; the first 20):`);
  for (const f of failures.slice(0, 20)) {
    console.log(`  trial ${f.trial} (${f.plan}${f.handEdit ? ', hand edit' : ''}):`);
    for (const p of f.problems.slice(0, 8)) console.log(`    ${p}`);
  }
}
console.log('');
console.log(ok ? 'RESULT: ok, every invariant held' : 'RESULT: FAILED');
process.exit(ok ? 0 : 1);

// ---------------------------------------------------------------------------------------------------------
// Checking a tree

/**
 * Sorts every file of `tree` into old (A), new (B), temporary and wrong ones (torn: neither version;
 * unexpected: in neither state), and notes missing files. `when` goes into the messages.
 */
function classify(tree, handEdit, when, fail) {
  const result = { temps: [], newWork: 0, newBase: 0, lockNew: false };
  for (const [path, bytes] of tree) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (TEMP.test(name)) {
      result.temps.push(path);
      continue;
    }
    if (path === PID_FILE || path.startsWith(`${PID_FILE}.`)) continue;
    if (path === JOURNAL) {
      // Whole JSON or absent: a torn journal would be a write-path bug.
      try {
        JSON.parse(bytes.toString('utf8'));
      } catch {
        totals.torn++;
        totals.tornNames.add(path);
        fail(`${when}: ${path} is torn: not whole JSON`);
      }
      continue;
    }
    if (handEdit && path === HAND_EDITED) {
      if (!bytes.equals(personVersion)) fail(`${when}: the hand-edited ${path} is not the person's version`);
      continue;
    }
    const old = A.get(path);
    const next = B.get(path);
    if (old === undefined && next === undefined) {
      totals.unexpected++;
      fail(`${when}: ${path} is in neither state`);
      continue;
    }
    const isOld = old !== undefined && bytes.equals(old);
    const isNew = next !== undefined && sameVersion(path, bytes, next);
    if (!isOld && !isNew) {
      totals.torn++;
      totals.tornNames.add(path);
      fail(`${when}: ${path} is torn: neither its old nor its new bytes (${bytes.length} bytes)`);
      continue;
    }
    if (isNew && !isOld) {
      if (path === LOCK) result.lockNew = true;
      else if (path.startsWith('.nbpromote/base/')) result.newBase++;
      else if (!path.startsWith('.nbpromote/')) result.newWork++;
    }
  }
  for (const path of A.keys()) {
    if (tree.has(path)) continue;
    totals.missing++;
    fail(`${when}: ${path} is missing`);
  }
  return result;
}

function phaseOf(seen) {
  if (seen.lockNew) return 'after the lock was written';
  if (seen.newWork === 0 && seen.newBase === 0) return 'before any file changed';
  if (seen.newWork === rewritten.work.length && seen.newBase === rewritten.base.length) return 'after files and base, before the lock';
  return 'mid-write (some files new, lock old)';
}

/** True when `bytes` is `expected`; for the lock, up to its timestamps (promoted_at, the history's `at`). */
function sameVersion(path, bytes, expected) {
  if (bytes === undefined || expected === undefined) return bytes === expected;
  if (bytes.equals(expected)) return true;
  if (path !== LOCK) return false;
  const normal = (b) => b.toString('utf8').replace(/'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'/g, "'<time>'");
  return normal(bytes) === normal(expected) && lockVersion(bytes) !== undefined;
}

function lockVersion(bytes) {
  if (bytes === undefined) return undefined;
  try {
    const doc = yaml.load(bytes.toString('utf8'));
    return typeof doc === 'object' && doc !== null && typeof doc.version === 'string' ? doc.version : undefined;
  } catch {
    return undefined;
  }
}

function parsePid(bytes) {
  try {
    const pid = JSON.parse(bytes.toString('utf8')).pid;
    return Number.isSafeInteger(pid) ? pid : undefined;
  } catch {
    return undefined; // created, not yet filled: a kill between open('wx') and the write
  }
}

/** Bytes of the person's version that `actual` no longer has where they were (all of them when it is gone). */
function bytesLost(person, actual) {
  if (actual === undefined) return person.length;
  let lost = Math.max(0, person.length - actual.length);
  for (let i = 0; i < Math.min(person.length, actual.length); i++) if (person[i] !== actual[i]) lost++;
  return lost;
}

// ---------------------------------------------------------------------------------------------------------
// Running promote and killing it

function pickMode(r) {
  if (r < 0.4) return 'uniform';
  if (r < 0.7) return 'after-lock';
  if (r < 0.85) return 'on-io';
  return 'on-output';
}

/** When to kill: `{ afterMs }`, `{ onIo: k }` (the k-th file-written debug line) or `{ onOutput: true }`. */
function killPlan(mode, rng) {
  switch (mode) {
    case 'uniform':
      return { afterMs: rng() * 1.2 * duration };
    case 'after-lock':
      return { afterLockMs: rng() * 1.2 * lockHeldMs };
    case 'on-io':
      return { onIo: 1 + Math.floor(rng() * ioLines) };
    default:
      return { onOutput: true };
  }
}

function describePlan(plan) {
  if (plan.afterMs !== undefined) return `killed ${plan.afterMs.toFixed(0)} ms after the spawn`;
  if (plan.afterLockMs !== undefined) return `killed ${plan.afterLockMs.toFixed(1)} ms after the lock was taken`;
  if (plan.onIo !== undefined) return `killed on file-written line ${plan.onIo}`;
  return "killed when the 'created'/'changed' output started";
}

/**
 * Runs `node dist/cli.js promote churn-native.ipynb --out out` in the workspace. With `kill`, sends SIGKILL
 * as it says. `debug` sets NBPROMOTE_DEBUG=1 (the lock and each file written show on stderr as they happen).
 * Resolves with the exit code or signal, the output, the time and, with `debug`, when the lock was taken and
 * released and each file written (ms since the spawn).
 */
function runPromote({ debug = false, kill, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.NBPROMOTE_DEBUG;
    if (debug) env.NBPROMOTE_DEBUG = '1';
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'promote', NOTEBOOK, '--out', 'out'], { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const at = () => performance.now() - started;
    let stdout = '';
    let stderr = '';
    let stderrLine = '';
    let ioSeen = 0;
    let timedOut = false;
    const events = { took: undefined, released: undefined, io: [] };
    const sigkill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timers = [];
    if (kill?.afterMs !== undefined) timers.push(setTimeout(sigkill, kill.afterMs));
    if (timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          sigkill();
        }, timeoutMs),
      );
    }
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (kill?.onOutput === true && /^\s+(created|changed)\s/m.test(stdout)) sigkill();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      stderrLine += chunk;
      const lines = stderrLine.split('\n');
      stderrLine = lines.pop() ?? '';
      for (const l of lines) {
        if (l.startsWith('debug: [lock] took')) {
          events.took = at();
          if (kill?.afterLockMs !== undefined) timers.push(setTimeout(sigkill, kill.afterLockMs));
        }
        else if (l.startsWith('debug: [lock] released')) events.released = at();
        else if (/^debug: \[io\] (created|changed) /.test(l)) {
          events.io.push(at());
          ioSeen++;
          if (kill?.onIo !== undefined && ioSeen >= kill.onIo) sigkill();
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ pid: child.pid, code, signal, stdout, stderr, ms: at(), events, timedOut });
    });
  });
}

function promoteSync() {
  return spawnSync(process.execPath, [cli, 'promote', NOTEBOOK, '--out', 'out'], { cwd: ws, encoding: 'utf8' });
}

// ---------------------------------------------------------------------------------------------------------
// States

/** Replaces out/ with an exact copy of state A, with the person's line in common.py when `handEdit`. */
function restoreA(handEdit) {
  rmSync(out, { recursive: true, force: true });
  cpSync(pristineA, out, { recursive: true });
  if (handEdit) writeFileSync(join(out, ...HAND_EDITED.split('/')), personVersion);
}

/**
 * The changed notebook: a new parameter, a new step, a comment in the functions cell and in the code of every
 * step (each: `patch`), the new parameter and step making it a minor bump. Rewrites 14 generated files.
 */
function notebookB(text) {
  const nb = JSON.parse(text);
  const source = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
  const tagged = (tag) => {
    const cell = nb.cells.find((c) => (c.metadata?.tags ?? []).includes(tag));
    if (cell === undefined) fatal(`${NOTEBOOK} has no cell tagged ${tag}`);
    return cell;
  };
  const edit = (tag, change) => {
    const cell = tagged(tag);
    cell.source = change(source(cell));
  };
  edit('parameters', (s) => `${s}\nthreshold = 0.5`);
  edit('functions', (s) => `# the numeric and categorical columns, as read from the CSV\n${s}`);
  edit('step:load', (s) => s.replace('customers,', 'customers loaded,'));
  for (const step of ['step:features', 'step:split', 'step:train']) edit(step, (s) => `${s}\n# reviewed`);
  edit('step:evaluate', (s) => s.replace('predicted = ', '# 0.5: the default decision threshold\npredicted = '));
  const metrics = nb.cells.indexOf(tagged('metrics'));
  nb.cells.splice(metrics, 0, {
    cell_type: 'code',
    execution_count: null,
    id: 'faults-report',
    metadata: { tags: ['step:report'] },
    outputs: [],
    source: 'summary = pd.Series(predicted).value_counts().to_dict()\nprint(f"predicted classes: {summary}")',
  });
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/** Every file under `dir` (relative paths, forward slashes) and its bytes. */
function readTree(dir) {
  const files = new Map();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath ?? entry.path, entry.name);
    files.set(absolute.slice(dir.length + 1).split('\\').join('/'), readFileSync(absolute));
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------
// Small things

/** Seeded PRNG (mulberry32): the same seed draws the same trials. */
function mulberry32(a) {
  let s = a >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fatal(message) {
  console.error(`faults: ${message}`);
  process.exit(2);
}

