/**
 * `nbpromote data [--out DIR] [--json] [--limit N]`: the data files the Data view shows: every file the newest
 * runs of the local run store read, its versions (content hashes) and the runs that read each, what the file on
 * disk is now, DVC's record of it and the commits that changed it. `--json` prints one JSON document on stdout
 * and nothing else (docs/cli.md documents it). Exit 1 when the run store cannot be read; 2 usage errors.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataFile, DataStore, DiskState, GitHistory } from '../../core/contract/data';
import { formatProblem } from '../../core/contract/problem';
import { DATA_RUN_LIMIT, readDataStore } from '../../core/data/dataStore';
import { currentWords, dvcWords, shortHash } from '../../core/data/describe';
import { NbpromoteError } from '../../core/errors';
import type { FlagSpec, ParsedArgs } from '../args';
import { flagBoolean, flagRunLimit, flagString } from '../args';
import { ExitCode } from '../io';
import { alignedRows, escapeControls } from '../table';
import type { CliIo } from '../io';
import { isFolderSync } from '../../core/io/paths';

export const dataFlags: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'the folder holding pipeline.yaml, with .nbpromote/runs/ (default: the current folder)' },
  { name: 'limit', kind: 'string', valueName: 'N', description: `read the newest N runs (default ${DATA_RUN_LIMIT})` },
  { name: 'json', kind: 'boolean', description: 'print one JSON document {root, runs_read, runs_total, files: [...], problems} on stdout' },
];

/** Stderr warnings stop after this many (the JSON holds them all). */
const MAX_WARNINGS = 20;

export async function runData(args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  if (args.positionals.length > 0) throw new NbpromoteError('usage', `data takes no positional arguments, got: ${args.positionals.join(' ')}`);
  const limit = flagRunLimit(args, DATA_RUN_LIMIT);
  const root = resolve(io.cwd, flagString(args, 'out') ?? '.');
  const json = flagBoolean(args, 'json');
  // With --json, a failure is one JSON object too: `nbpromote data --json | jq ...` must not see an empty input.
  const fail = (message: string): ExitCode => {
    io.err(`nbpromote: ${message}\n`);
    if (json) io.out(`${JSON.stringify({ root, error: message, runs_read: 0, runs_total: 0, files: [], problems: [] }, null, 2)}\n`);
    return ExitCode.BadInput;
  };
  if (!isFolderSync(root)) return fail(`${root}: ${existsSync(root) ? 'not a folder' : 'no such folder'} (--out names the folder holding pipeline.yaml and .nbpromote/runs/)`);
  // A mistyped --out must not pass in CI as "no data files".
  if (!existsSync(resolve(root, 'pipeline.yaml')) && !existsSync(resolve(root, '.nbpromote', 'runs'))) return fail(`${root} holds no promoted package (no pipeline.yaml) and no run store (.nbpromote/runs/): --out names the folder a notebook was promoted into`);
  const store = await readDataStore(root, { limit });
  if ('failure' in store) return fail(store.failure);
  for (const problem of store.problems.slice(0, MAX_WARNINGS)) io.err(`${problem.severity}: ${formatProblem(problem)}\n`);
  if (store.problems.length > MAX_WARNINGS) io.err(`... and ${store.problems.length - MAX_WARNINGS} more problems (see "problems" in --json)\n`);
  if (json) {
    io.out(`${JSON.stringify(dataJson(store), null, 2)}\n`);
    return ExitCode.Ok;
  }
  io.out(renderTable(store));
  return ExitCode.Ok;
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** `--json`: snake_case, every key present (null when unknown). docs/cli.md documents it. */
export function dataJson(store: DataStore): Record<string, unknown> {
  return {
    root: store.root,
    error: null,
    runs_read: store.runsRead,
    runs_total: store.runsTotal,
    files: store.files.map(fileJson),
    problems: store.problems.map((p) => ({ severity: p.severity, code: p.code, message: p.message, file: p.file, line: p.line ?? null })),
  };
}

function fileJson(file: DataFile): Record<string, unknown> {
  return {
    path: file.shown,
    absolute_path: file.path,
    outside_project: file.outsideProject,
    current: diskJson(file.disk, file.currentVersion, file.versions[0]?.sha256),
    versions: file.versions.map((v) => ({
      sha256: v.sha256,
      size: v.size,
      current: v.sha256 === file.currentVersion,
      first_seen: v.firstSeen ?? null,
      last_seen: v.lastSeen ?? null,
      runs: v.runs.map((r) => ({ source: r.source, id: r.id, start: r.start ?? null, status: r.status, pipeline: r.pipeline ?? null, version: r.version ?? null, parameter: r.parameter ?? null, steps: r.steps ?? [] })),
    })),
    dvc: file.dvc.map((d) => ({ file: d.file, stage: d.stage ?? null, role: d.role, md5: d.md5 ?? null, hash: d.hash ?? null, size: d.size ?? null, match: d.match })),
    git: gitJson(file.git),
  };
}

/**
 * `state`: `current` (the version the last run read), `older` (an older version), `changed` (no run read these
 * bytes), `missing`, `not_hashed` (over the size limit), `not_read`, `unchecked`.
 */
function diskJson(disk: DiskState, currentVersion: string | undefined, newest: string | undefined): Record<string, unknown> {
  const state =
    disk.kind === 'hashed'
      ? currentVersion === undefined
        ? 'changed'
        : currentVersion === newest
          ? 'current'
          : 'older'
      : disk.kind === 'tooLarge'
        ? 'not_hashed'
        : disk.kind === 'notRead'
          ? 'not_read'
          : disk.kind;
  return {
    state,
    sha256: disk.kind === 'hashed' ? disk.sha256 : null,
    md5: disk.kind === 'hashed' ? disk.md5 : null,
    size: disk.kind === 'hashed' || disk.kind === 'tooLarge' ? disk.size : null,
    reason: disk.kind === 'notRead' ? disk.reason : null,
  };
}

function gitJson(git: GitHistory): Record<string, unknown> {
  if (git.kind === 'unavailable') return { available: false, reason: git.reason, repository: null, truncated: false, commits: [] };
  return { available: true, reason: null, repository: git.repository, truncated: git.truncated, commits: git.commits.map((c) => ({ hash: c.hash, short_hash: c.shortHash, date: c.date, subject: c.subject })) };
}

/** The table `nbpromote data` prints (without --json). */
export function renderTable(store: DataStore): string {
  if (store.files.length === 0) return `No data files: ${store.runsRead === 0 ? 'no runs' : 'no run recorded a data file'} in ${store.root}/.nbpromote/runs. Run the promoted pipeline (nbpromote run) to record some.\n`;
  const header = ['FILE', 'VERSIONS', 'CURRENT', 'RUNS', 'DVC', 'LAST COMMIT'];
  const rows = store.files.map((file) => [
    file.outsideProject ? `${file.shown} (outside the project)` : file.shown,
    String(file.versions.length),
    currentWords(file),
    String(file.versions.reduce((n, v) => n + v.runs.length, 0)),
    dvcWords(file.dvc),
    file.git.kind === 'commits' && file.git.commits[0] !== undefined ? `${file.git.commits[0].shortHash} ${file.git.commits[0].date.slice(0, 10)} ${file.git.commits[0].subject}` : '-',
  ]);
  const versions = store.files.map((f) => `${escapeControls(f.shown)}: ${f.versions.map((v) => `${shortHash(v.sha256)}${v.sha256 === f.currentVersion ? '*' : ''}`).join(' ')}`);
  // The runs that read a file, of those read (a run that failed before reading data read none).
  const readers = new Set(store.files.flatMap((f) => f.versions.flatMap((v) => v.runs.map((r) => `${r.source}:${r.id}`)))).size;
  const unread = store.runsTotal - store.runsRead;
  const records = `${readers} of ${store.runsRead} run${store.runsRead === 1 ? '' : 's'} read ${store.files.length === 1 ? 'it' : 'them'}${unread > 0 ? ` (${unread} more run record${unread === 1 ? '' : 's'} could not be read)` : ''}`;
  const summary = `${store.files.length} data file${store.files.length === 1 ? '' : 's'}; ${records} (${store.root}); versions newest first, * = the file on disk`;
  return `${alignedRows([header, ...rows]).join('\n')}\n${summary}\n${versions.join('\n')}\n`;
}
