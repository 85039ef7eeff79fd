/** `nbpromote run [--out DIR] [--param k=v ...] [--only STEP] [--no-cache] [--json] [--python PATH]`: runs the promoted pipeline. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { formatProblem } from '../../core/contract/problem';
import { isFolderSync } from '../../core/io/paths';
import { NbpromoteError } from '../../core/errors';
import { readPipelineConfig } from '../../core/pipeline/config';
import type { FlagSpec, ParsedArgs } from '../args';
import { flagBoolean, flagString } from '../args';
import { ExitCode, STOP_SIGNALS, STOPPED_EXIT } from '../io';
import type { CliIo, StopSignal } from '../io';
import { pythonFor, pythonForWords } from '../python';
import { importFailure } from '../../core/runs/runnerOutput';
import { pipelineArgs } from '../../core/pipeline/command';
import { pipelinePackageProblem } from '../../core/pipeline/packageCheck';
import { cannotRun } from '../../core/util/process';

export const runFlags: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'the folder holding pipeline.yaml (default: the current folder)' },
  { name: 'param', kind: 'list', valueName: 'NAME=VALUE', description: 'set a parameter (repeatable); the value is converted to its type' },
  { name: 'only', kind: 'string', valueName: 'STEP', description: 'run this step and the steps it depends on; the others are skipped' },
  { name: 'no-cache', kind: 'boolean', description: 'run every step, even those whose code and inputs did not change' },
  { name: 'json', kind: 'boolean', description: 'print one JSON object {run_id, status, error, params, metrics, steps} on stdout' },
  { name: 'python', kind: 'string', valueName: 'PATH', description: 'Python interpreter (default: $NBPROMOTE_PYTHON, else python3)' },
];

/** How long the pipeline has to record its run as failed after nbpromote passed it the signal, before SIGKILL. */
export const STOP_GRACE_MS = 10_000;

/**
 * A second signal this soon after the first is the same stop delivered twice, not a person asking again: GNU
 * `timeout` signals nbpromote and then its whole process group at once, and a terminal's Ctrl-C reaches the
 * pipeline as nbpromote passes it on (round 71 ABA: the run was killed before it could record itself).
 */
export const SAME_STOP_MS = 250;

export async function runRun(args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  const json = flagBoolean(args, 'json');
  // With --json, a run that cannot start still prints its one object (status "error"), as the runtime does
  // for a bad --param; the message also goes to stderr.
  const stopped = (message: string): void => {
    if (json) io.out(`${JSON.stringify({ run_id: null, status: 'error', error: message, params: {}, metrics: {}, steps: [] })}\n`);
  };
  try {
    return await startRun(args, io, json, stopped);
  } catch (ex) {
    if (NbpromoteError.is(ex)) stopped(ex.message);
    throw ex;
  }
}

async function startRun(args: ParsedArgs, io: CliIo, json: boolean, stopped: (message: string) => void): Promise<ExitCode> {
  if (args.positionals.length > 0) throw new NbpromoteError('usage', `run takes no positional arguments, got: ${args.positionals.join(' ')}`);
  const root = resolve(io.cwd, flagString(args, 'out') ?? '.');
  // As `data` and `runs` say it (round 60 EEE: a file given to --out was said to hold no pipeline.yaml).
  if (existsSync(root) && !isFolderSync(root)) throw new NbpromoteError('invalidInput', `${root}: not a folder (--out names the folder holding pipeline.yaml)`);
  const configFile = join(root, 'pipeline.yaml');
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch {
    throw new NbpromoteError('invalidInput', `${configFile}: no pipeline.yaml here; promote a notebook first (nbpromote promote <notebook> --out ${flagString(args, 'out') ?? '.'})`);
  }
  const { config, problems } = readPipelineConfig(text, configFile);
  const errors = problems.filter((p) => p.severity === 'error');
  if (config === undefined || errors.length > 0) {
    for (const p of errors) io.err(`error: ${formatProblem(p)}\n`);
    stopped(errors.map((p) => formatProblem(p)).join('; ') || `${configFile}: not a pipeline`);
    return ExitCode.BadInput;
  }
  const wrongPackage = await pipelinePackageProblem(root, configFile, text, config);
  if (wrongPackage !== undefined) {
    io.err(`error: ${formatProblem(wrongPackage)}\n`);
    stopped(formatProblem(wrongPackage));
    return ExitCode.BadInput;
  }
  const given = args.flags.get('param');
  const params = (Array.isArray(given) ? given : []).map(String);
  // Before Python starts, as the runtime words it: a Python that cannot import the package (pandas missing) said
  // that instead of the usage error (round 49 FF). The values' types are the runtime's to check.
  for (const assignment of params) {
    const name = assignment.split('=')[0]?.trim() ?? '';
    if (!assignment.includes('=') || name === '') throw new NbpromoteError('usage', `--param ${pyRepr(assignment)}: write --param name=value`);
    if (!Object.hasOwn(config.parameters, name)) throw new NbpromoteError('usage', `unknown parameter ${pyRepr(name)}; ${knownParameters(config.parameters)}${await constantNote(root, config.package, name)}`);
  }
  const argv = pipelineArgs(config.package, join(root, 'src'));
  for (const p of params) argv.push('--param', p);
  const only = flagString(args, 'only');
  if (only !== undefined) {
    const names = config.steps.map((step) => step.name);
    if (!names.includes(only)) throw new NbpromoteError('usage', `--only ${JSON.stringify(only)}: no such step in ${configFile} (steps: ${names.join(', ')})`);
    argv.push('--only', only);
  }
  if (flagBoolean(args, 'no-cache')) argv.push('--no-cache');
  if (json) argv.push('--json');
  const python = pythonFor(args, io);
  // src/ reaches the import path through pipelineArgs, not PYTHONPATH (split at `:`, which DIR may hold).
  const env = { ...process.env, ...io.env };
  return new Promise((resolveRun, reject) => {
    const startedAt = Date.now();
    const child = spawn(python, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // A signal to nbpromote alone (a CI timeout, a process manager) would end node at once and leave the
    // pipeline running with nobody reading its output. It is passed on: the runtime records the run as failed
    // and exits, then so does nbpromote. A pipeline that does not stop in time, or a second signal, gets SIGKILL.
    let stoppedBy: StopSignal | undefined;
    let stoppedAt = 0;
    // Why SIGKILL was sent and it took: the grace ran out, or a second signal came.
    let killedBy: 'grace' | StopSignal | undefined;
    let grace: NodeJS.Timeout | undefined;
    const kill = (why: 'grace' | StopSignal): void => {
      if (child.kill('SIGKILL')) killedBy ??= why;
    };
    const stop = (signal: StopSignal): void => {
      if (stoppedBy !== undefined) {
        if (Date.now() - stoppedAt >= SAME_STOP_MS) kill(signal);
        return;
      }
      stoppedBy = signal;
      stoppedAt = Date.now();
      child.kill(signal);
      grace = setTimeout(() => kill('grace'), STOP_GRACE_MS);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    const settled = (): void => {
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
      clearTimeout(grace);
    };
    // What the child printed: a Python that fails at once (`--python /bin/false`) prints nothing at all.
    let out = false;
    let err = false;
    // Decoded as streams, so a character split between two chunks is not garbled.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out = true;
      io.out(chunk);
    });
    // The last lines the pipeline printed on stderr: the runtime's own error line says when an import failed.
    let tail = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err = true;
      io.err(chunk);
      tail = (tail + chunk).slice(-20_000);
    });
    // A Python that cannot be started emits 'error' and then 'close' (status -2 for ENOENT): the one is
    // reported, the other is not a second outcome of the same run.
    let startFailed = false;
    child.on('error', (error: NodeJS.ErrnoException) => {
      startFailed = true;
      settled();
      reject(new NbpromoteError('notFound', cannotRun(python, error.code, '--python or NBPROMOTE_PYTHON')));
    });
    child.on('close', (code, signal) => {
      settled();
      if (startFailed) return;
      if (stoppedBy !== undefined) {
        // A runtime older than the signal handling dies of the signal itself, leaving its record "running".
        const how =
          killedBy === 'grace'
            ? `it did not stop within ${STOP_GRACE_MS / 1000} s and was killed before it could record the run`
            : killedBy !== undefined
              ? `a second ${killedBy} killed it before it could record the run`
              : signal !== null
                ? `it was ended by ${signal} before it could record the run`
                : code === 0
                  ? 'the run had already finished'
                  : 'the run is recorded as failed';
        io.err(`nbpromote: stopped by ${stoppedBy}: the pipeline was stopped too; ${how}\n`);
        return resolveRun(STOPPED_EXIT[stoppedBy]);
      }
      // A pipeline prints its first line (with --json, its object) on stdout: one that exits 0 without it ran
      // something else, and its caller would get nothing to read.
      if (code === 0 && out) return resolveRun(ExitCode.Ok);
      // An import the Python could not do (pandas not installed for it): which Python ran, and why that one.
      const failed = code === 1 ? tail.split('\n').map((line) => importFailure(line, config.package)).find((f) => f !== undefined) : undefined;
      if (failed !== undefined) io.err(`nbpromote: it ran with ${pythonForWords(args, io)}, which cannot import ${failed.module ?? 'a module the code needs'}: install it for that Python, or choose another with --python or NBPROMOTE_PYTHON\n`);
      const how = signal !== null ? `was stopped by ${signal}` : `exited with status ${code ?? '?'}`;
      // A process that died outside the runtime's own error handling (os._exit in a step, a crash in a C
      // extension, sys.exit) left its run record behind: it names the run and the step that was running.
      const died = json && !out ? true : signal !== null || code !== 1;
      void (died && child.pid !== undefined ? findRunRecord(root, child.pid, startedAt) : Promise.resolve(undefined)).then((found) => {
        if (found !== undefined) {
          const summary = deathSummary(found, `the Python ${python} running the pipeline ${how}`, json && !out);
          io.err(`nbpromote: ${summary.error}\n`);
          if (json && !out) io.out(`${JSON.stringify(summary)}\n`);
          return resolveRun(ExitCode.BadInput);
        }
        return resolveRun(reportExit(code, signal, how));
      });
    });
    const reportExit = (code: number | null, signal: NodeJS.Signals | null, how: string): ExitCode => {
      // The pipeline prints its first line (or, with --json, its one object) on stdout: without it, and without
      // a word on stderr, nobody said what went wrong.
      const silent = !out && !err;
      if (signal !== null || silent || (json && !out)) {
        const message = code === 0
          ? `the Python ${python} exited with status 0 without running the pipeline: it printed no run${json ? "'s JSON" : ''} and recorded none`
          : silent
          ? `the Python ${python} ${how} before the pipeline started, printing nothing: is it a Python 3 interpreter? Choose one with --python or NBPROMOTE_PYTHON`
          : `the Python ${python} running the pipeline ${how}${json && !out ? " without printing the run's JSON (its messages are on stderr)" : ''}`;
        io.err(`nbpromote: ${message}\n`);
        if (json && !out) stopped(message);
      }
      return code === 2 ? ExitCode.Usage : ExitCode.BadInput;
    };
  });
}

/** The parts of run.json (written by the runtime) read here. */
interface RunRecord {
  readonly id: string;
  readonly status: string;
  readonly error?: { readonly message?: string } | null;
  readonly params?: Record<string, unknown>;
  readonly steps?: readonly { readonly name: string; readonly status: string }[];
  readonly pid?: number;
  readonly host?: string;
}

/**
 * The run record the pipeline process `pid` wrote under `<root>/.nbpromote/runs/` (run ids start with the UTC
 * time they were made, so only those since `since` are read), with its path; undefined when there is none.
 */
async function findRunRecord(root: string, pid: number, since: number): Promise<{ record: RunRecord; path: string } | undefined> {
  const runs = join(root, '.nbpromote', 'runs');
  const earliest = new Date(since - 2_000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let names: string[];
  try {
    names = (await readdir(runs)).filter((name) => name >= earliest).sort().reverse();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const path = join(runs, name, 'run.json');
    try {
      const record = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
      if (record.pid === pid && record.host === hostname() && typeof record.id === 'string') return { record, path };
    } catch {
      // being written, or not a record
    }
  }
  return undefined;
}

/**
 * The run --json object for a pipeline process that died (`how`) after it recorded the run as `found`
 * (`noJson`: without printing its own object).
 */
function deathSummary(found: { record: RunRecord; path: string }, how: string, noJson: boolean): { run_id: string; status: 'failed'; error: string; params: Record<string, unknown>; metrics: Record<string, never>; steps: { name: string; status: string }[] } {
  const { record, path } = found;
  const recorded = record.steps ?? [];
  const running = record.status === 'running' ? recorded.find((s) => s.status === 'pending')?.name : undefined;
  const steps = recorded.map((s) => ({ name: s.name, status: s.status === 'pending' ? (s.name === running ? 'failed' : 'skipped') : s.status }));
  const where = running !== undefined ? ` while step '${running}' ran` : record.status === 'running' ? ' after its steps ran' : '';
  const error =
    record.status === 'running'
      ? `run ${record.id}: ${how}${where}, before it could record how the run ended (${path} still says running)`
      : `run ${record.id}: ${record.error?.message ?? `the run ${record.status}`}; then ${how}${noJson ? " without printing the run's JSON" : ''}`;
  return { run_id: record.id, status: 'failed', error, params: record.params ?? {}, metrics: {}, steps };
}

/** A string as Python's repr writes it, in the runtime's messages (`'zz'`). */
function pyRepr(text: string): string {
  return text.includes("'") && !text.includes('"') ? JSON.stringify(text) : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The runtime's `_known_parameters`: "the parameters are: C (float), seed (int)". */
function knownParameters(parameters: Readonly<Record<string, { readonly type?: string }>>): string {
  const names = Object.entries(parameters);
  return names.length === 0 ? 'this pipeline has no parameters' : `the parameters are: ${names.map(([name, spec]) => `${name} (${spec.type ?? ''})`).join(', ')}`;
}

/** The runtime's `_constant_note`, from the package modules' text: a name one assigns at its top is a constant, not a parameter. */
async function constantNote(root: string, pkg: string, name: string): Promise<string> {
  if (!/^[A-Za-z_]\w*$/.test(name)) return '';
  const dir = join(root, 'src', pkg);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.py') && f !== '_runtime.py' && f !== '__init__.py').sort();
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    // common.py lists its names in `__all__` (its cells run inside a `with` block, indented: round 51 LL).
    const listed = /^__all__\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1] ?? '';
    const assigned = new RegExp(`^${listed.includes(`"${name}"`) ? '[ \\t]*' : ''}${name}\\s*(?::[^=\\n]*)?=(?!=)`, 'm');
    if (!assigned.test(text)) continue;
    return `. ${name} is a constant of the shared code (src/${pkg}/${file}), not a parameter. To make it one, give it, in the notebook's parameters cell, a literal value a parameter can hold (a number, string, bool, None, or a list, tuple or dict of those, with string keys) and promote again`;
  }
  return '';
}
