/**
 * Reading and writing nbpromote.lock (the shape is `LockFile` in core/contract/lockFile.ts, the schema
 * schemas/lock.schema.json, the rules docs/versioning.md).
 *
 * `readLockFile` never throws on user input: YAML syntax errors and schema errors come back as problems
 * naming the file and the line. YAML is loaded with js-yaml's JSON schema (YAML 1.2 core scalars: no custom
 * tags, no dates, no merge keys), as pipeline.yaml is.
 *
 * `renderLockFile` writes the file deterministically: a comment line, then the keys in the order of
 * `LockFile`; parameters and steps in the lock's order (parameters cell order, pipeline order), files sorted
 * by path; one line per parameter, step and file in flow style (`{type: int, default: 200}`); history
 * entries as block mappings with one line per change. Strings that a YAML 1.1 reader (PyYAML) would take
 * for something else are quoted, so Python tools read the same values.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemaValidator } from '../contract/schemaValidators';
import type { FilePlan } from '../contract/filePlan';
import type { LockExecution, LockFile, LockHistoryEntry, LockNotebook, LockShownMetrics } from '../contract/lockFile';
import { LOCK_VERSION } from '../contract/lockFile';
import type { Problem } from '../contract/problem';
import { flowYaml } from '../pipeline/pyyaml';
import { readYamlDocument } from '../pipeline/yamlPositions';
import { fileHashes } from './hash';
import { describeSchemaError, schemaProblems } from '../util/schemaErrors';
import { quoteArgument } from '../util/commandLine';

export interface LockFileResult {
  /** Undefined when the file is not YAML or does not match the schema. */
  readonly lock: LockFile | undefined;
  readonly problems: readonly Problem[];
}

/** Reads the text of an nbpromote.lock (`file` is how problems name it). Never throws on user input. */
export function readLockFile(text: string, file: string): LockFileResult {
  // A git merge of two promotions: say so, rather than what YAML makes of the markers.
  const marker = /^(?:<{7}|={7}|>{7})(?: |$)/m.exec(text);
  if (marker !== null) {
    const line = text.slice(0, marker.index).split('\n').length;
    // The file as the caller names it, which git finds from anywhere in the work tree (round 63 LLL: the bare
    // file name was no path from the repository's top); the line is the problem's.
    const message = `the file holds git merge conflict markers: two promotions were merged. Take one side (\`git checkout --theirs -- ${quoteArgument(file)}\` or --ours), then promote again to write the lock the notebook gives now`;
    return { lock: undefined, problems: [{ severity: 'error', code: 'lock-conflict', message, file, line }] };
  }
  const loaded = readYamlDocument(text, file);
  if (!loaded.ok) return { lock: undefined, problems: [{ ...loaded.problem, message: `${loaded.problem.message}; ${REGENERATE}` }] };
  const { at } = loaded;
  const value: unknown = loaded.value;
  if (value === undefined || value === null) {
    return { lock: undefined, problems: [{ severity: 'error', code: 'lock-schema', message: `the file is empty; ${REGENERATE}`, file }] };
  }
  const version = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['lock_version'] : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > LOCK_VERSION) {
    const message = `the file was written by a newer nbpromote (lock_version ${version}; this one reads lock_version ${LOCK_VERSION}): update nbpromote`;
    return { lock: undefined, problems: [{ severity: 'error', code: 'lock-version', message, file, ...at(['lock_version']) }] };
  }
  const validate = validator();
  if (!validate(value)) {
    const problems = schemaProblems(validate.errors ?? [], file, at, 'lock-schema', (error) => describeSchemaError(error, { pattern: describeLockPattern }));
    // A top-level entry missing: the file was cut short (a copy stopped, a disk full) or edited (round 49 FF: only
    // "the file has no `history`" was said).
    // Not a mapping at all (`[]`, a number: round 66 QQQ, said with no advice): what it should hold, too.
    return { lock: undefined, problems: problems.map((p) => (/^the file has no `/.test(p.message) ? { ...p, message: `${p.message}: it may be cut short, or edited; ${REGENERATE}` } : /^the file must be a mapping/.test(p.message) ? { ...p, message: `${p.message}; ${REGENERATE}` } : p)) };
  }
  const lock = value as LockFile;
  const last = lock.history[lock.history.length - 1];
  const problems: Problem[] = [];
  if (last !== undefined && last.version !== lock.version) {
    problems.push({ severity: 'warning', code: 'lock-history', message: `the last history entry is version ${last.version}, but \`version\` is ${lock.version}; the next promotion bumps ${lock.version}`, file, ...at(['history', lock.history.length - 1, 'version']) });
  }
  return { lock, problems };
}

const REGENERATE = 'it should hold what nbpromote last generated. Delete it and promote again to start the version history afresh (every existing file that differs from the generated one then counts as a hand edit).';

// ---------------------------------------------------------------------------------------------------------
// Schema

function validator(): ValidateFunction {
  return schemaValidator('lock');
}


/** What each pattern in the schema means, by the definition it is in. */
const PATTERN_WORDS: Readonly<Record<string, string>> = {
  identifier: 'a Python identifier (ASCII letters, digits and _, not starting with a digit)',
  version: 'a version MAJOR.MINOR.PATCH, like 0.2.0',
  timestamp: 'an ISO 8601 UTC time, like 2026-11-25T22:30:00Z',
  sha256: 'a SHA-256 hash (64 lowercase hexadecimal digits)',
  path: 'a path relative to the lock file (forward slashes, no `.` or `..` segments)',
};

/** A `pattern` error in the lock in words: by the schema definition the pattern is in. */
function describeLockPattern(error: ErrorObject, path: (string | number)[], subject: string): { message: string; path: (string | number)[] } {
  const definition = /#\/definitions\/([A-Za-z0-9]+)\//.exec(error.schemaPath)?.[1];
  const words = (definition === undefined ? undefined : PATTERN_WORDS[definition]) ?? (path.join('/') === 'notebook/git_commit' ? 'a git commit id (40 or 64 lowercase hexadecimal digits) or null' : 'of the expected form');
  const propertyName: unknown = error.propertyName;
  if (typeof propertyName === 'string') return { message: `\`${propertyName}\` in ${subject} is not ${words}`, path: [...path, propertyName] };
  return { message: `${subject} must be ${words}`, path };
}


// ---------------------------------------------------------------------------------------------------------
// Rendering

/** The first line of every lock file. */
export const LOCK_HEADER = '# nbpromote.lock: what nbpromote last generated here. Written by nbpromote; do not edit by hand.';


/** The lock file's text: deterministic, the same lock always gives the same bytes (see the file comment). */
export function renderLockFile(lock: LockFile): string {
  const out: string[] = [LOCK_HEADER];
  out.push(`lock_version: ${flowYaml(lock.lock_version)}`);
  out.push(`package: ${flowYaml(lock.package)}`);
  out.push(`version: ${flowYaml(lock.version)}`);
  out.push(`tool_version: ${flowYaml(lock.tool_version)}`);
  out.push(`promoted_at: ${flowYaml(lock.promoted_at)}`);
  const nb = lock.notebook;
  out.push(`notebook: ${flowYaml({ path: nb.path, ...(nb.moved_from === undefined ? {} : { moved_from: nb.moved_from }), sha256: nb.sha256, git_commit: nb.git_commit, git_dirty: nb.git_dirty })}`);
  out.push(...mapping('parameters', Object.entries(lock.parameters).map(([name, p]) => [name, { type: p.type, default: p.default }])));
  out.push(
    ...mapping(
      'steps',
      Object.entries(lock.steps).map(([name, s]) => [
        name,
        { cells: s.cells.map((c) => (c.id === undefined ? { index: c.index } : { index: c.index, id: c.id })), source_sha256: s.source_sha256, inputs: s.inputs, outputs: s.outputs },
      ]),
    ),
  );
  const files = Object.entries(lock.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  out.push(...mapping('files', files));
  if (lock.history.length === 0) out.push('history: []');
  else {
    out.push('history:');
    for (const entry of lock.history) {
      out.push(`  - version: ${flowYaml(entry.version)}`, `    at: ${flowYaml(entry.at)}`, `    notebook_sha256: ${flowYaml(entry.notebook_sha256)}`);
      if (entry.changes.length === 0) out.push('    changes: []');
      else out.push('    changes:', ...entry.changes.map((change) => `      - ${flowYaml(change)}`));
    }
  }
  if (lock.executed !== undefined) {
    const { code_sha256, source_sha256, logic_sha256, metrics, recorded } = lock.executed;
    out.push('executed:', `  code_sha256: ${flowYaml(code_sha256)}`);
    if (source_sha256 !== undefined) out.push(`  source_sha256: ${flowYaml(source_sha256)}`);
    if (logic_sha256 !== undefined) out.push(`  logic_sha256: ${flowYaml(logic_sha256)}`);
    out.push(`  metrics: ${flowYaml(metrics)}`);
    out.push(...mapping('recorded', Object.entries(recorded)).map((line) => `  ${line}`));
  }
  if (lock.shown_metrics !== undefined) {
    const { code_sha256, source_sha256, metrics, shown_decimals, shown_truncated, execution_count } = lock.shown_metrics;
    out.push('shown_metrics:', `  code_sha256: ${flowYaml(code_sha256)}`);
    if (source_sha256 !== undefined) out.push(`  source_sha256: ${flowYaml(source_sha256)}`);
    if (lock.shown_metrics.source_above_sha256 !== undefined) out.push(`  source_above_sha256: ${flowYaml(lock.shown_metrics.source_above_sha256)}`);
    out.push(`  metrics: ${flowYaml(metrics)}`, `  shown_decimals: ${flowYaml(shown_decimals)}`);
    if (shown_truncated !== undefined) out.push(`  shown_truncated: ${flowYaml(shown_truncated)}`);
    if (execution_count !== undefined) out.push(`  execution_count: ${execution_count === null ? 'null' : String(execution_count)}`);
    if (lock.shown_metrics.started_at !== undefined) out.push(`  started_at: ${flowYaml(lock.shown_metrics.started_at)}`);
  }
  return `${out.join('\n')}\n`;
}

/** `key:` and one `  name: value` line per entry, or `key: {}`. */
function mapping(key: string, entries: readonly (readonly [string, unknown])[]): string[] {
  if (entries.length === 0) return [`${key}: {}`];
  return [`${key}:`, ...entries.map(([name, value]) => `  ${flowYaml(name)}: ${flowYaml(value)}`)];
}


// ---------------------------------------------------------------------------------------------------------
// The next lock

export interface NextLockInput {
  /** The lock before this promotion; undefined for the first. */
  readonly previous: LockFile | undefined;
  readonly package: string;
  /** The version this promotion gives the package (`bumpVersion` of the previous one, or 0.1.0). */
  readonly version: string;
  readonly toolVersion: string;
  readonly promotedAt: Date;
  readonly notebook: LockNotebook;
  /** The parameters and steps as generated now (`currentSnapshot` in semver.ts gives them). */
  readonly current: Pick<LockFile, 'parameters' | 'steps'>;
  /** Every file of this promotion (hashed by `fileHashes`: create-only plans are left out). */
  readonly plans: readonly FilePlan[];
  /** `diffSnapshots(...).changes`. */
  readonly changes: readonly string[];
  /** What `promote --execute` recorded (now, or kept from an earlier promotion of the same code). */
  readonly executed?: LockExecution;
  /** The expected metrics the saved outputs showed (now, or kept from an earlier promotion of the same code). */
  readonly shownMetrics?: LockShownMetrics;
}

/**
 * The lock to write after a promotion. The history gets an entry when the version changed (or on the first
 * promotion); a promotion that keeps the version keeps the history as it is.
 */
export function nextLock(input: NextLockInput): LockFile {
  const at = isoSeconds(input.promotedAt);
  const entry: LockHistoryEntry = { version: input.version, at, notebook_sha256: input.notebook.sha256, changes: input.changes.length > 0 ? [...input.changes] : ['first promotion'] };
  const previous = input.previous;
  const history = previous === undefined ? [entry] : previous.version === input.version && previous.history.length > 0 ? previous.history : [...previous.history, entry];
  return {
    lock_version: 1,
    package: input.package,
    version: input.version,
    tool_version: input.toolVersion,
    promoted_at: at,
    notebook: input.notebook,
    parameters: input.current.parameters,
    steps: input.current.steps,
    files: fileHashes(input.plans),
    history,
    ...(input.executed === undefined ? {} : { executed: input.executed }),
    ...(input.shownMetrics === undefined ? {} : { shown_metrics: input.shownMetrics }),
  };
}

/** `2026-11-25T22:30:00Z`: ISO 8601 UTC without milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
