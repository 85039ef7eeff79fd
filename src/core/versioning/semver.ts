/**
 * How much a re-promotion changes the generated package, in semantic-versioning terms, and what changed in
 * words. The rules (docs/versioning.md has the table):
 *
 * - major: a step removed; a parameter removed (or renamed: one removed and one added); a step's signature
 *   changed (its inputs or outputs differ, order included). Code that calls the package breaks.
 * - minor: a new step; a new parameter. Existing calls still work.
 * - patch: a step's code changed (its cells' source hash differs); a parameter's default or type changed;
 *   or, with nothing else, the generated files changed (what `promote --execute` recorded, another nbpromote
 *   version, another template).
 * - none: nothing of the above.
 *
 * The highest bump wins. Without a previous snapshot (the first promotion) the bump is `none` and the
 * caller gives the package version 0.1.0.
 */
import type { LockParameter, LockStep } from '../contract/lockFile';
import type { Notebook } from '../contract/notebook';
import type { ParameterType, ParameterValue, ParamShape } from '../contract/pipelineConfig';
import type { StepGraph } from '../contract/stepGraph';
import { stepSourceSha256 } from './hash';
import { andList } from '../util/words';
import { jsonWithFloats } from '../pipeline/paramText';

export interface SnapshotParameter {
  readonly type: ParameterType;
  readonly default: ParameterValue;
}

export interface SnapshotStep {
  /** Where its cells are (the lock has them; absent: not compared). */
  readonly cells?: readonly { readonly index: number; readonly id?: string }[];
  readonly source_sha256: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * What versioning compares: parameters (in order) and steps (in pipeline order). A `LockFile` is one as it is;
 * `currentSnapshot` builds one (with the lock's step cells, so it also fills the next lock) from a promotion.
 */
export interface Snapshot {
  readonly parameters: Readonly<Record<string, SnapshotParameter>>;
  readonly steps: Readonly<Record<string, SnapshotStep>>;
}

export type Bump = 'major' | 'minor' | 'patch' | 'none';

/**
 * What `promote --execute` recorded changed the generated files, nothing else did: `executed`, the expected
 * metrics and the recorded output types and shapes now come from an executed run instead of the saved outputs;
 * `executed-again`, another executed run recorded other values than the one the lock kept.
 */
export type ExpectationsChange = 'executed' | 'executed-again';

export interface SnapshotDiff {
  /** The highest bump any change needs. */
  readonly bump: Bump;
  /** One sentence per change, highest bump first, then steps before parameters in their order. */
  readonly changes: readonly string[];
}

/** The first version of a package, given by the caller when `diffSnapshots` has no previous snapshot. */
export const FIRST_VERSION = '0.1.0';

/** The change text of the first promotion. */
export const FIRST_PROMOTION = 'first promotion';

/**
 * The parameters and steps of a fresh promotion, in the lock's shape: each step's cells, the hash of their
 * sources (as in the notebook), inputs and outputs; each parameter's type and default.
 */
export function currentSnapshot(graph: StepGraph, notebook: Notebook): { parameters: Record<string, LockParameter>; steps: Record<string, LockStep> } {
  const source = new Map(notebook.cells.map((cell) => [cell.index, cell.source]));
  // Object.fromEntries defines own properties, so even a name like `__proto__` is an ordinary key.
  const parameters = Object.fromEntries(graph.parameters.map((p): [string, LockParameter] => [p.name, { type: p.type, default: p.default as ParameterValue }]));
  const steps = Object.fromEntries(
    graph.steps.map((step): [string, LockStep] => [
      step.name,
      {
        cells: step.cells.map((c) => (c.id === undefined ? { index: c.index } : { index: c.index, id: c.id })),
        source_sha256: stepSourceSha256(step.cells.map((c) => source.get(c.index) ?? '')),
        inputs: [...step.inputs],
        outputs: [...step.outputs],
      },
    ]),
  );
  return { parameters, steps };
}

const RANK: Readonly<Record<Bump, number>> = { none: 0, patch: 1, minor: 2, major: 3 };

/** The notebook's path in the lock and now (relative to the output root, forward slashes). */
export interface NotebookMove {
  readonly from: string;
  readonly to: string;
}

interface Change {
  readonly bump: Exclude<Bump, 'none'>;
  readonly text: string;
}

/**
 * The bump from `old` to `now` and the changes in words. `filesChanged`: the generated files differ from
 * the ones last generated, apart from the version (`generatedFilesChanged` in hash.ts, on plans made with
 * the old version); alone it means a patch, said as a change outside the steps when `notebookChanged` (the
 * notebook's bytes differ from the lock's; `outside` says what changed there, when known), as the recorded expectations when `expectations` says they are
 * the change, else as a change of nbpromote. `moved`: the notebook is at another path than the lock's (renamed
 * or moved, its old path gone), a patch said as such. Without `old`: bump `none`, changes ['first promotion'].
 */
export function diffSnapshots(old: Snapshot | undefined, now: Snapshot, filesChanged: boolean, notebookChanged = false, expectations?: ExpectationsChange, moved?: NotebookMove, outside?: string): SnapshotDiff {
  if (old === undefined) return { bump: 'none', changes: [FIRST_PROMOTION] };
  const changes: Change[] = [...stepChanges(old.steps, now.steps), ...parameterChanges(old.parameters, now.parameters)];
  if (moved !== undefined) changes.push({ bump: 'patch', text: `the notebook moved from ${moved.from} to ${moved.to} (patch)` });
  const stepsOrParameters = changes.length > 0;
  // With step changes, what changed outside the steps too (round 48 DD: a fix of a shared helper went unsaid).
  if (stepsOrParameters && filesChanged && notebookChanged && outside !== undefined) changes.push({ bump: 'patch', text: `the notebook changed outside its steps too: ${outside} (patch)` });
  if (!stepsOrParameters && filesChanged) changes.push({ bump: 'patch', text: filesOnlyChange(old, now, notebookChanged, expectations, outside) });
  let bump: Bump = 'none';
  for (const change of changes) if (RANK[change.bump] > RANK[bump]) bump = change.bump;
  // A stable sort: highest bump first, the order found within one bump.
  const sorted = changes.map((c, i) => ({ c, i })).sort((a, b) => RANK[b.c.bump] - RANK[a.c.bump] || a.i - b.i);
  return { bump, changes: sorted.map(({ c }) => c.text) };
}

/** Why the generated files changed when no step or parameter did, in words (see {@link diffSnapshots}). */
function filesOnlyChange(old: Snapshot, now: Snapshot, notebookChanged: boolean, expectations: ExpectationsChange | undefined, outside: string | undefined): string {
  // The expectations first: with the last ones the files would be the same, so cells that moved changed no
  // citation (round 46 Z: a markdown cell moved in a notebook with cell ids, then --execute, blamed the move).
  if (expectations === 'executed') return 'expected metrics and the recorded output types and shapes now come from an executed run of the notebook (--execute), not its saved outputs (patch)';
  if (expectations === 'executed-again') return 'the notebook executed again (--execute) gave other expected metrics or output types and shapes than the run recorded before (patch)';
  const ids = cellIds(old.steps, now.steps);
  if (ids === 'given') return "the notebook's cells got ids (nbformat 4.5, as Jupyter saves it), so the generated files cite cells by id, not by number (patch)";
  if (ids === 'changed') return "the notebook's cell ids changed (another editor, or cells cut and pasted), so the cell ids the generated files cite changed (patch)";
  if (cellsMoved(old.steps, now.steps)) return 'cells moved in the notebook, so the cell numbers the generated files cite changed (give the notebook cell ids to avoid this) (patch)';
  if (!notebookChanged) return 'generated code changed (another nbpromote version or template); the notebook did not (patch)';
  return outside === undefined ? 'the notebook changed outside its steps (shared code, the metrics, a test cell or saved outputs) (patch)' : `the notebook changed outside its steps: ${outside} (patch)`;
}

/**
 * `given` when the steps' cells had no ids and have now (a notebook saved once as nbformat 4.5), `changed` when a
 * step's cells have other ids at the same places; else undefined (round 62 JJJ: the change was said to be "outside
 * the steps", with no code changed).
 */
function cellIds(old: Snapshot['steps'], now: Snapshot['steps']): 'given' | 'changed' | undefined {
  let given = false;
  let changed = false;
  for (const [name, step] of Object.entries(now)) {
    const before = own(old, name)?.cells;
    if (before === undefined || step.cells === undefined || before.map((c) => c.index).join(',') !== step.cells.map((c) => c.index).join(',')) continue;
    step.cells.forEach((cell, i) => {
      const was = before[i]?.id;
      if (was === undefined && cell.id !== undefined) given = true;
      else if (was !== undefined && cell.id !== undefined && was !== cell.id) changed = true;
    });
  }
  return given ? 'given' : changed ? 'changed' : undefined;
}

/** True when a step kept its name but its cells are at other positions. */
function cellsMoved(old: Snapshot['steps'], now: Snapshot['steps']): boolean {
  return Object.entries(now).some(([name, step]) => {
    const before = own(old, name);
    if (before?.cells === undefined || step.cells === undefined) return false;
    return before.cells.map((c) => c.index).join(',') !== step.cells.map((c) => c.index).join(',');
  });
}

function stepChanges(old: Snapshot['steps'], now: Snapshot['steps']): Change[] {
  const changes: Change[] = [];
  const removed = Object.keys(old).filter((name) => !Object.hasOwn(now, name));
  const added = Object.keys(now).filter((name) => !Object.hasOwn(old, name));
  // A removed and a new step with the very same code: probably a rename.
  const renamedTo = new Map<string, string>();
  for (const name of removed) {
    const hash = own(old, name)?.source_sha256;
    const twin = added.find((a) => own(now, a)?.source_sha256 === hash && ![...renamedTo.values()].includes(a));
    if (twin !== undefined) renamedTo.set(name, twin);
  }
  for (const name of removed) {
    const twin = renamedTo.get(name);
    changes.push({ bump: 'major', text: twin === undefined ? `step ${name} was removed (major)` : `step ${name} is gone and step ${twin} is new with the same code: renamed? (major)` });
  }
  const renamed = new Set(renamedTo.values());
  for (const name of added) if (!renamed.has(name)) changes.push({ bump: 'minor', text: `new step ${name} (minor)` });
  // One name given for another in a step's inputs or outputs (a variable renamed in the notebook): one sentence
  // for each rename, naming the steps, not two per step (round 46 Z: eleven sentences for `raw` -> `customers`).
  const renames = new Map<string, { from: string; to: string; returns: string[]; takes: string[] }>();
  const codeChanged: string[] = [];
  for (const [name, step] of Object.entries(now)) {
    const before = own(old, name);
    if (before === undefined) continue;
    for (const side of ['inputs', 'outputs'] as const) {
      const { renamed, texts } = signatureChange(name, side, before[side], step[side]);
      changes.push(...texts.map((text) => ({ bump: 'major' as const, text: `${text} (signature change: major)` })));
      for (const change of renamed) {
        const key = `${change.from}\0${change.to}`;
        const known = renames.get(key) ?? { from: change.from, to: change.to, returns: [], takes: [] };
        (side === 'outputs' ? known.returns : known.takes).push(name);
        renames.set(key, known);
      }
    }
    if (before.source_sha256 !== step.source_sha256) codeChanged.push(name);
  }
  for (const { from, to, returns, takes } of renames.values()) {
    const steps = (names: string[]): string => `${names.length === 1 ? 'step' : 'steps'} ${andList(names)}`;
    const text =
      returns.length + takes.length === 1
        ? `${steps([...returns, ...takes])} ${returns.length === 1 ? 'returns' : 'takes'} ${to} instead of ${from}`
        : `${from} is ${to} now: ${[...(returns.length === 0 ? [] : [`${steps(returns)} ${returns.length === 1 ? 'returns' : 'return'} it`]), ...(takes.length === 0 ? [] : [`${steps(takes)} ${takes.length === 1 ? 'takes' : 'take'} it`])].join(', ')}`;
    changes.push({ bump: 'major', text: `${text} (signature change: major)` });
  }
  if (codeChanged.length > 0) changes.push({ bump: 'patch', text: `the code of ${codeChanged.length === 1 ? 'step' : 'steps'} ${andList(codeChanged)} changed (patch)` });
  return changes;
}

/**
 * How a step's inputs or outputs changed: names given for others (`renamed`: one for one, or several in the same
 * places), else the sentences saying what it gained, lost or reordered (none when nothing changed).
 */
function signatureChange(step: string, side: 'inputs' | 'outputs', before: readonly string[], now: readonly string[]): { renamed: { from: string; to: string }[]; texts: string[] } {
  const gained = now.filter((n) => !before.includes(n));
  const lost = before.filter((n) => !now.includes(n));
  if (gained.length === 1 && lost.length === 1) return { renamed: [{ from: lost[0] ?? '', to: gained[0] ?? '' }], texts: [] };
  // `X_train, X_test` -> `X_tr, X_te`: each new name where an old one was (round 47 AA).
  if (gained.length > 1 && gained.length === lost.length && before.length === now.length && lost.every((n) => gained.includes(now[before.indexOf(n)] ?? ''))) {
    return { renamed: lost.map((n) => ({ from: n, to: now[before.indexOf(n)] ?? '' })), texts: [] };
  }
  const words = side === 'inputs' ? { gained: 'now also needs', lost: 'no longer takes', order: 'takes its inputs in another order' } : { gained: 'now also returns', lost: 'no longer returns', order: 'returns its outputs in another order' };
  const texts: string[] = [];
  if (gained.length > 0) texts.push(`step ${step} ${words.gained} ${andList(gained)}`);
  if (lost.length > 0) texts.push(`step ${step} ${words.lost} ${andList(lost)}`);
  if (texts.length === 0 && before.join('\0') !== now.join('\0')) texts.push(`step ${step} ${words.order} (${now.join(', ')})`);
  return { renamed: [], texts };
}

function parameterChanges(old: Snapshot['parameters'], now: Snapshot['parameters']): Change[] {
  const changes: Change[] = [];
  const removed = Object.keys(old).filter((name) => !Object.hasOwn(now, name));
  const added = Object.keys(now).filter((name) => !Object.hasOwn(old, name));
  // Pair removed and new parameters as likely renames: the same type and default first; then, when exactly
  // one removed and one new parameter are left and they have the same type, those two.
  const pairs = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of removed) {
    const before = own(old, name);
    const twin = added.find((a) => !taken.has(a) && before !== undefined && sameParameter(before, own(now, a)));
    if (twin !== undefined) {
      pairs.set(name, twin);
      taken.add(twin);
    }
  }
  const [onlyRemoved] = removed.filter((n) => !pairs.has(n));
  const [onlyAdded] = added.filter((n) => !taken.has(n));
  if (onlyRemoved !== undefined && onlyAdded !== undefined && removed.length - pairs.size === 1 && added.length - taken.size === 1 && own(old, onlyRemoved)?.type === own(now, onlyAdded)?.type) {
    pairs.set(onlyRemoved, onlyAdded);
    taken.add(onlyAdded);
  }
  for (const name of removed) {
    const twin = pairs.get(name);
    const text = twin === undefined ? `parameter ${name} was removed (major)` : `parameter ${name} is gone and ${twin} is new: renamed? Runs that pass --param ${name} break (major)`;
    changes.push({ bump: 'major', text });
  }
  for (const name of added) {
    if (taken.has(name)) continue; // said with its rename
    const p = own(now, name);
    changes.push({ bump: 'minor', text: p === undefined ? `new parameter ${name} (minor)` : `new parameter ${name}: ${p.type}, default ${show(p.default, p)} (minor)` });
  }
  for (const [name, p] of Object.entries(now)) {
    const before = own(old, name);
    if (before === undefined) continue;
    if (before.type !== p.type) changes.push({ bump: 'patch', text: `parameter ${name} is now ${p.type}, was ${before.type} (patch)` });
    if (!sameValue(before.default, p.default)) changes.push({ bump: 'patch', text: `parameter ${name} defaults to ${show(p.default, p)}, was ${show(before.default, before)} (patch)` });
  }
  return changes;
}

/** `record[key]` when it is the record's own entry: never `constructor` or `toString` from the prototype. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function sameParameter(a: SnapshotParameter, b: SnapshotParameter | undefined): boolean {
  return b !== undefined && a.type === b.type && sameValue(a.default, b.default);
}

/** Deep equality of JSON values (key order of mappings does not matter). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  return keys.length === Object.keys(rb).length && keys.every((k) => Object.hasOwn(rb, k) && sameValue(ra[k], rb[k]));
}

/** A default as a person reads it, at most 40 characters: as the notebook writes it (a float parameter's whole value as `1.0`, not `1`). */
function show(value: unknown, shape?: ParamShape): string {
  const text = jsonWithFloats(value, shape);
  return text.length <= 40 ? text : `${text.slice(0, 37)}...`;
}

export type BumpResult = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly error: string };

/**
 * `version` bumped: major `1.4.2` → `2.0.0`, minor → `1.5.0`, patch → `1.4.3`, none → as it is. `version` must
 * be strict semver MAJOR.MINOR.PATCH (no pre-release or build suffix, no leading zeros); otherwise an error
 * value, never an exception. A 0.x package follows the same rules (a major change gives 1.0.0).
 */
export function bumpVersion(version: string, bump: Bump): BumpResult {
  const match = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/.exec(version);
  if (match === null) return { ok: false, error: `${JSON.stringify(version)} is not a version MAJOR.MINOR.PATCH, like 0.2.0` };
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (![major, minor, patch].every((n) => Number.isSafeInteger(n) && n < Number.MAX_SAFE_INTEGER)) {
    return { ok: false, error: `${JSON.stringify(version)} has a number too large to bump` };
  }
  switch (bump) {
    case 'major':
      return { ok: true, version: `${major + 1}.0.0` };
    case 'minor':
      return { ok: true, version: `${major}.${minor + 1}.0` };
    case 'patch':
      return { ok: true, version: `${major}.${minor}.${patch + 1}` };
    case 'none':
      return { ok: true, version };
  }
}
