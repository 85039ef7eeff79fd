/**
 * One tag vocabulary: what each cell is for, whatever convention the notebook was tagged in (native, Kale,
 * nbdev, papermill, jupytext). The vocabulary and every decision behind it are in docs/tags.md.
 *
 * Invariants of the result: every name in it (`stepName`, `inStep`, `after`, `steps`, `defaultExp`) is a
 * valid identifier (dotted for `defaultExp`); every `after` names an existing step; the `after` edges form
 * no cycle. Whatever had to be dropped to keep them is reported as a problem.
 */
import type { Notebook, NotebookCell } from '../contract/notebook';
import type { Problem } from '../contract/problem';
import type { CellRoles, Convention, Role, RoleSource, StepInfo, TagResult } from '../contract/roles';
import type { AfterRef } from './dependencies';
import type { Directive } from './directives';
import type { NbdevKey, Mark, Reading, Spelling } from './vocabulary';
import { checkDependencies } from './dependencies';
import { splitDirectives } from './directives';
import { clipText, moduleNameIssue, quoteName, sharedModuleIssue, sharedModuleNote, stepNameIssue, suggestIdentifier, suggestModuleName } from './names';
import { cellProblem, notebookProblem, sortProblems } from './problems';
import { holdsAsserts, holdsOnlyImports, startsWithNbdev1Comment } from './pythonText';
import { isNbdevKey, isVocabularyKey, RAISES_EXCEPTION, raisesException, readDirective, readTag, readTagsDirective, resolveConventions } from './vocabulary';

/** Read the roles of every cell of `notebook`. Never throws on user input: problems are in the result. */
export function readRoles(notebook: Notebook): TagResult {
  const problems: Problem[] = [];
  const found = notebook.cells.map((cell) => findMarks(notebook, cell, problems));
  const nbdev = found.some((f) => f.nbdev.some((d) => d.key !== 'hide'));
  const context: Context = {
    notebook,
    problems,
    nbdev,
    conventions: resolveConventions(spellingsOf(found)),
    stepsByCase: new Map(),
    rejected: new Set(),
    suggested: new Map(),
  };
  const own = found.map((f) => ownRoles(context, f));
  const drafts = continueRoles(found, own, nbdev);
  const steps = collectSteps(drafts);
  checkDependencies({ notebook, problems, steps: new Set(steps.keys()), rejected: context.rejected }, drafts);
  const defaultExp = readDefaultExp(context, found);
  warnNbdev1(context, found);

  const cells = drafts.map(toCellRoles);
  const hasRoles = cells.some((c) => c.roles.length > 0);
  if (!hasRoles) problems.push(notebookProblem(notebook, 'info', 'no-roles', NO_ROLES));
  return {
    file: notebook.path,
    cells,
    steps: [...steps.values()].map(toStepInfo),
    conventions: conventionsSeen(context, found),
    ...(defaultExp !== undefined ? { defaultExp } : {}),
    hasRoles,
    problems: sortProblems(problems),
  };
}

/** The spelling of every mark found, in cell order. */
function spellingsOf(found: readonly FoundMarks[]): Spelling[] {
  const spellings: Spelling[] = [];
  for (const f of found) for (const mark of f.marks) spellings.push(mark.spelling);
  return spellings;
}

const NO_ROLES =
  'No cell has a role yet. Tag the first cell of each step `step:<name>` (or start it with `#| step: <name>`); ' +
  'untagged cells below join it. Tag shared imports `imports`, shared functions and classes `functions`, ' +
  'parameters `parameters`, and cells to leave out `skip`. See docs/tags.md.';

interface Context {
  readonly notebook: Notebook;
  readonly problems: Problem[];
  /** The notebook has a `#| default_exp` or `#| export*` directive: nbdev's rules apply. */
  readonly nbdev: boolean;
  readonly conventions: ReadonlyMap<Spelling, Convention>;
  /** The name suggested for each refused step name (an `after:` naming it is told the same). */
  readonly suggested: Map<string, string>;
  /** Step names seen so far, by lower case (to catch `Train` next to `train`). */
  readonly stepsByCase: Map<string, { readonly name: string; readonly cell: NotebookCell }>;
  /** Step names refused with an error already: `after:` naming them reports nothing more. */
  readonly rejected: Set<string>;
}

/** The vocabulary found on one cell, before any rule is applied. */
interface FoundMarks {
  readonly cell: NotebookCell;
  readonly marks: readonly Mark[];
  readonly nbdev: readonly NbdevDirective[];
  /** The code below the directives. */
  readonly body: string;
}

type NbdevDirective = Directive & { readonly key: NbdevKey };

/** What a cell says about itself. */
interface OwnRoles {
  readonly roles: readonly Role[];
  readonly stepName: string | undefined;
  readonly after: readonly AfterRef[];
  readonly sources: readonly RoleSource[];
  /** Untagged cells below take this cell's role or step. */
  readonly continues: boolean;
  /** nbdev's rule gave the cell `skip`: it has no directive, tag or assert at all (it may join a step above). */
  readonly bare?: boolean;
}

/**
 * A cell's roles once untagged cells have joined the tagged cell above them; `after` is still being checked.
 * Every field is always present (undefined when unset): one object shape for all cells keeps V8 fast.
 */
interface Draft {
  readonly cell: NotebookCell;
  readonly roles: readonly Role[];
  readonly stepName: string | undefined;
  readonly inStep: string | undefined;
  readonly preamble: boolean;
  readonly continuedFrom: number | undefined;
  after: readonly AfterRef[];
  readonly sources: readonly RoleSource[];
}

interface StepDraft {
  readonly name: string;
  readonly cells: NotebookCell[];
  /** The cells tagged with the step, where `after` is declared. */
  readonly tagged: Draft[];
}

// ---------------------------------------------------------------------------------------------------------
// 1. Find the vocabulary on each cell.

/** The empty list every cell without marks shares (in FoundMarks and OwnRoles, never in the result). */
const NONE: readonly never[] = Object.freeze([]);

function findMarks(notebook: Notebook, cell: NotebookCell, problems: Problem[]): FoundMarks {
  if (cell.kind !== 'code') {
    warnTagsOnText(notebook, cell, problems);
    return { cell, marks: NONE, nbdev: NONE, body: cell.source };
  }
  const marks: Mark[] = [];
  for (const tag of cell.tags) {
    const reading = readTag(tag);
    if (reading.kind === 'mark') marks.push(reading.mark);
    if (reading.kind === 'lookalike') problems.push(malformed(notebook, cell, reading, 'tag'));
  }
  const split = splitDirectives(cell.source);
  const nbdev: NbdevDirective[] = [];
  for (const directive of split.directives) {
    if (isNbdevDirective(directive)) {
      nbdev.push(directive);
      continue;
    }
    const tags = readTagsDirective(directive);
    if (tags !== undefined) {
      // Quarto's `#| tags: [...]`: each item is a tag, warned about as one.
      for (const reading of tags) {
        if (reading.kind === 'mark') marks.push(reading.mark);
        if (reading.kind === 'lookalike') problems.push(malformed(notebook, cell, reading, 'tag'));
      }
      continue;
    }
    const reading = readDirective(directive);
    if (reading.kind === 'mark') marks.push(reading.mark);
    if (reading.kind === 'lookalike') problems.push(malformed(notebook, cell, reading, 'directive'));
  }
  for (const late of split.late) {
    if (!isVocabularyKey(late.key)) continue;
    const message = `\`${late.raw.trim()}\` is below the cell's code, so it is ignored: directives count only at the top of a cell, above the first line of code or comment.`;
    problems.push(cellProblem(notebook, cell, 'warning', 'directive-not-at-top', message, late.line));
  }
  // Jupyter's `raises-exception` on a cell with a role of ours: the package would run it and fail at every run
  // (round 70 XXX).
  const raises = raisesException(cell.tags);
  if (raises && marks.length > 0) {
    const ours = marks.map((m) => `\`${m.raw}\``).join(', ');
    problems.push(cellProblem(notebook, cell, 'error', 'raises-exception-role', `the cell is tagged raises-exception, Jupyter's mark for a cell that fails on purpose, and ${ours}: the package would run it and fail at every run. Move the failing line into a cell of its own tagged raises-exception, or take that tag off if the cell no longer fails`));
  }
  // Jupyter's `raises-exception`, on a cell with no role of ours: left out (see RAISES_EXCEPTION).
  if (marks.length === 0 && nbdev.length === 0 && raises) {
    marks.push({ spelling: RAISES_EXCEPTION, from: 'tag', raw: RAISES_EXCEPTION.key, names: [] });
    problems.push(cellProblem(notebook, cell, 'info', 'raises-exception-skipped', 'the cell is tagged raises-exception, Jupyter\'s mark for a cell that fails on purpose: the package leaves it out, as a skip cell'));
  }
  return { cell, marks: marks.length > 0 ? marks : NONE, nbdev: nbdev.length > 0 ? nbdev : NONE, body: split.body };
}

function isNbdevDirective(directive: Directive): directive is NbdevDirective {
  return isNbdevKey(directive.key);
}

function warnTagsOnText(notebook: Notebook, cell: NotebookCell, problems: Problem[]): void {
  const ours = cell.tags.filter((tag) => readTag(tag).kind === 'mark').map((tag) => `\`${tag.trim()}\``);
  if (ours.length === 0) return;
  const message = `tags on ${cell.kind} cells are ignored: ${ours.join(', ')} ${ours.length === 1 ? 'has' : 'have'} no effect here. Put ${ours.length === 1 ? 'it' : 'them'} on a code cell.`;
  problems.push(cellProblem(notebook, cell, 'warning', 'tag-on-markdown', message));
}

function malformed(notebook: Notebook, cell: NotebookCell, reading: Extract<Reading, { kind: 'lookalike' }>, from: 'tag' | 'directive'): Problem {
  const { raw, meant, colon, line } = reading;
  const written = from === 'tag' ? `tag \`${raw}\`` : `\`${raw.trim()}\``;
  // A colon lookalike is invisible in most fonts: name the character, or the user sees nothing wrong.
  const message =
    reading.advice !== undefined
      ? `${written} ${reading.advice}`
      : colon !== undefined
      ? `${written} looks like \`${meant}\`, but its colon is \`${colon.char}\` (${colon.name}), not ":", so it is ignored. Write \`${meant}\`.`
      : from === 'tag' && !sameLetters(raw, meant)
        ? `${written} looks like \`${meant}\` but is not one of the tags Notebook Promoter reads, so it is ignored. Write \`${meant}\` if that is what you meant.`
      : from === 'tag'
        ? `${written} looks like \`${meant}\` but is not one (tags are case-sensitive, with no spaces before ":"), so it is ignored.`
        : `${written} looks like \`${meant}\`, which takes no value (or true/false), so it is ignored.`;
  return cellProblem(notebook, cell, 'warning', 'tag-malformed', message, line);
}

/** Whether a tag differs from the one meant only by case, `_` for `-`, spaces or `=` around the colon. */
function sameLetters(raw: string, meant: string): boolean {
  const letters = (text: string): string => text.toLowerCase().replace(/_/g, '-').replace(/[\s:=]+/g, '');
  return letters(raw) === letters(meant);
}

// ---------------------------------------------------------------------------------------------------------
// 2. What each cell says about itself.

/** One role claimed on a cell, with where it came from. */
interface Claim {
  readonly role: Role;
  readonly stepName?: string;
  readonly source: RoleSource;
  readonly continues: boolean;
}

function ownRoles(context: Context, found: FoundMarks): OwnRoles {
  const { cell } = found;
  // Most cells: nothing written on them, nothing to check.
  if (cell.kind !== 'code' || (found.marks.length === 0 && !context.nbdev)) return { roles: [], stepName: undefined, after: NONE, sources: [], continues: false };
  const read = readMarks(context, cell, found.marks);
  const claims = context.nbdev ? [...read.claims, ...nbdevClaims(context, found)] : read.claims;
  reportConflict(context, cell, claims);

  const roles = [...new Set(claims.map((c) => c.role))];
  const bare = context.nbdev && roles.length === 0 && found.marks.length === 0 && found.nbdev.length === 0 && !holdsAsserts(found.body);
  if (context.nbdev && roles.length === 0) roles.push(holdsAsserts(found.body) ? 'test' : 'skip');
  const stepName = claims.find((c) => c.stepName !== undefined)?.stepName;
  if (stepName === undefined && read.after.length > 0 && !read.triedStep) reportAfterWithoutStep(context, cell, read.after);
  return {
    roles,
    stepName,
    after: stepName !== undefined ? dedupeAfter(read.after) : [],
    sources: [...claims.map((c) => c.source), ...read.afterSources, ...(context.nbdev ? nbdevNotes(found) : [])],
    continues: !context.nbdev && (claims[0]?.continues ?? false),
    ...(bare ? { bare } : {}),
  };
}

interface MarkReading {
  readonly claims: readonly Claim[];
  readonly after: readonly AfterRef[];
  readonly afterSources: readonly RoleSource[];
  /** A step tag was written, even if its name was refused. */
  readonly triedStep: boolean;
}

/** The roles and `after` names of a cell's tags and native directives, names checked. */
function readMarks(context: Context, cell: NotebookCell, marks: readonly Mark[]): MarkReading {
  const claims: Claim[] = [];
  const after: AfterRef[] = [];
  const afterSources: RoleSource[] = [];
  let triedStep = false;
  for (const mark of marks) {
    const source = roleSource(context, mark);
    if (mark.spelling.role === 'after') {
      const valid = readAfter(context, cell, mark);
      after.push(...valid);
      if (valid.length > 0) afterSources.push(source);
    } else if (mark.spelling.role === 'step') {
      triedStep = true;
      const name = acceptStepName(context, cell, mark);
      if (name !== undefined) claims.push({ role: 'step', stepName: name, source, continues: true });
    } else {
      claims.push({ role: mark.spelling.role, source, continues: mark.spelling.continues });
    }
  }
  return { claims, after, afterSources, triedStep };
}

function roleSource(context: Context, mark: Mark): RoleSource {
  return {
    role: mark.spelling.role,
    convention: context.conventions.get(mark.spelling) ?? 'native',
    from: mark.from,
    raw: mark.raw,
    ...(mark.line !== undefined ? { line: mark.line } : {}),
  };
}

/** The step name of a `step:` / `block:` / `#| step` mark, or undefined (and a problem) when there is none to use. */
function acceptStepName(context: Context, cell: NotebookCell, mark: Mark): string | undefined {
  const { notebook, problems } = context;
  const name = mark.names[0];
  if (name === undefined) {
    const message = `\`${mark.raw.trim()}\` names no step, so this cell joins the step above it, as Kale does. Write \`${mark.spelling.key === '#| step' ? '#| step: ' : mark.spelling.key}<name>\` to start a step.`;
    problems.push(cellProblem(notebook, cell, 'warning', 'step-name-empty', message, mark.line));
    return undefined;
  }
  if (!checkName(context, cell, mark, name, 'step')) {
    context.rejected.add(name);
    return undefined;
  }
  const seen = context.stepsByCase.get(name.toLowerCase());
  if (seen !== undefined && seen.name !== name) {
    const message =
      `step ${quoteName(name)} differs from step ${quoteName(seen.name)} (cell ${seen.cell.index + 1}) only in case, ` +
      `so their modules would be one file on macOS and Windows. Use ${quoteName(seen.name)} for both, or another name.`;
    problems.push(cellProblem(notebook, cell, 'error', 'step-name-case-clash', message, mark.line));
    context.rejected.add(name);
    return undefined;
  }
  if (seen === undefined) context.stepsByCase.set(name.toLowerCase(), { name, cell });
  return name;
}

/** The valid names of an `after:` / `prev:` / `#| after` mark; a problem for each one that is not. */
function readAfter(context: Context, cell: NotebookCell, mark: Mark): AfterRef[] {
  if (mark.names.length === 0) {
    const message = `\`${mark.raw.trim()}\` names no step, so it is ignored. Write \`${mark.spelling.key === '#| after' ? '#| after: ' : mark.spelling.key}<step>\`.`;
    context.problems.push(cellProblem(context.notebook, cell, 'warning', 'after-name-empty', message, mark.line));
    return [];
  }
  const refs: AfterRef[] = [];
  for (const name of mark.names) {
    if (checkName(context, cell, mark, name, 'after')) refs.push({ name, raw: mark.raw.trim(), ...(mark.line !== undefined ? { line: mark.line } : {}) });
  }
  return refs;
}

/** True when `name` may be a step name; otherwise a `step-name-invalid` error that suggests one. */
function checkName(context: Context, cell: NotebookCell, mark: Mark, name: string, kind: 'step' | 'after'): boolean {
  const issue = stepNameIssue(name);
  if (issue === undefined) return true;
  // Nothing ASCII left of it (`训练`): a name by the cell (round 57 ZZ: no suggestion at all); an `after:` naming
  // that step the one suggested for it (round 58 AAA: `after:训练` was told another).
  const spelled = suggestIdentifier(name);
  const suggestion = spelled ?? (kind === 'after' ? context.suggested.get(name) : undefined) ?? `step_${cell.index + 1}`;
  if (kind === 'step' && !context.suggested.has(name)) context.suggested.set(name, suggestion);
  const tryIt = stepNameIssue(suggestion) !== undefined ? '' : ` Try ${quoteName(suggestion)}.`;
  const message = `step name ${quoteName(name)} in \`${clipText(mark.raw.trim(), 80)}\` is not allowed: ${issue}.${tryIt}`;
  context.problems.push(cellProblem(context.notebook, cell, 'error', 'step-name-invalid', message, mark.line));
  return false;
}

function dedupeAfter(after: readonly AfterRef[]): AfterRef[] {
  const seen = new Set<string>();
  return after.filter((ref) => !seen.has(ref.name) && seen.add(ref.name));
}

function reportAfterWithoutStep(context: Context, cell: NotebookCell, after: readonly AfterRef[]): void {
  const first = after[0];
  if (first === undefined) return;
  const message = `\`${first.raw}\` only works on a cell that starts a step: tag this cell \`step:<name>\` too, or move it to the first cell of its step.`;
  context.problems.push(cellProblem(context.notebook, cell, 'error', 'after-without-step', message, first.line));
}

/** nbdev's role for a cell with an `#| export*` directive: export, or imports when it holds only imports. */
function nbdevClaims(context: Context, found: FoundMarks): Claim[] {
  const directive = found.nbdev.find((d) => d.key.startsWith('export'));
  if (directive === undefined) return [];
  const role = holdsOnlyImports(found.body) ? 'imports' : 'export';
  if (directive.value !== '') {
    const message = `\`${directive.raw.trim()}\` sends this cell to module ${quoteName(directive.value)} in nbdev; Notebook Promoter puts every exported cell in the \`#| default_exp\` module.`;
    context.problems.push(cellProblem(context.notebook, found.cell, 'warning', 'export-module-ignored', message, directive.line));
  }
  return [{ role, source: nbdevSource(directive, role), continues: false }];
}

/** The `#| hide` and `#| default_exp` lines of a cell, as sources: they say something about it without a role. */
function nbdevNotes(found: FoundMarks): RoleSource[] {
  return found.nbdev.filter((d) => d.key === 'hide' || d.key === 'default_exp').map((d) => nbdevSource(d, d.key === 'hide' ? 'hide' : 'default_exp'));
}

function nbdevSource(directive: NbdevDirective, role: RoleSource['role']): RoleSource {
  return { role, convention: 'nbdev', from: 'directive', raw: directive.raw, line: directive.line };
}

function reportConflict(context: Context, cell: NotebookCell, claims: readonly Claim[]): void {
  const first = claims[0];
  const other = claims.find((c) => c.role !== first?.role || c.stepName !== first.stepName);
  if (first === undefined || other === undefined) return;
  const a = `\`${first.source.raw.trim()}\``;
  const b = `\`${other.source.raw.trim()}\``;
  const message =
    first.role === 'step' && other.role === 'step'
      ? `${a} and ${b} start two different steps on one cell; a cell starts at most one step: remove one of them.`
      : `${a} and ${b} give this cell two roles (${describe(first)}, ${describe(other)}); a cell has one role: split the cell or remove one of them.`;
  context.problems.push(cellProblem(context.notebook, cell, 'error', 'role-conflict', message, other.source.line ?? first.source.line));
}

function describe(claim: Claim): string {
  return claim.stepName !== undefined ? `the start of step ${quoteName(claim.stepName)}` : claim.role;
}

// ---------------------------------------------------------------------------------------------------------
// 3. Untagged cells join the tagged cell above them.

/**
 * Kale's rule: an untagged code cell continues the nearest tagged code cell above it — its step, or its
 * role for `imports`, `functions`, `pipeline-parameters`, `metrics` and `test`. `skip` and `parameters`
 * cells (one cell each, as in papermill) are passed over. Untagged cells with nothing above are the
 * preamble. In nbdev notebooks every cell has its own role already, but for a bare cell (no directive, tag
 * or assert) right below a step or a cell that joined it: that cell joins the step, as the notebook ran it
 * there (nbdev's `skip` would drop what it does to the step's values).
 */
function continueRoles(found: readonly FoundMarks[], own: readonly OwnRoles[], nbdev: boolean): Draft[] {
  type Current = { readonly step: string; readonly from: number } | { readonly role: Role; readonly from: number };
  let current: Current | undefined;
  return found.map(({ cell }, i): Draft => {
    const mine = own[i] ?? { roles: [], stepName: undefined, after: [], sources: [], continues: false };
    if (cell.kind !== 'code') return draft(cell, mine, [], undefined, false, undefined);
    if (nbdev && mine.bare === true && current !== undefined && 'step' in current) return draft(cell, mine, [], current.step, false, current.from);
    if (mine.roles.length > 0) {
      if (mine.stepName !== undefined) current = { step: mine.stepName, from: cell.index };
      else if (mine.continues && mine.roles[0] !== undefined) current = { role: mine.roles[0], from: cell.index };
      else if (nbdev) current = undefined;
      return draft(cell, mine, mine.roles, undefined, false, undefined);
    }
    if (nbdev || current === undefined) return draft(cell, mine, [], undefined, !nbdev, undefined);
    if ('step' in current) return draft(cell, mine, [], current.step, false, current.from);
    return draft(cell, mine, [current.role], undefined, false, current.from);
  });
}

/** A Draft. A cell that starts a step is in it; `inStep` is the step an untagged cell joined. */
function draft(cell: NotebookCell, own: OwnRoles, roles: readonly Role[], inStep: string | undefined, preamble: boolean, continuedFrom: number | undefined): Draft {
  return { cell, roles, stepName: own.stepName, inStep: own.stepName ?? inStep, preamble, continuedFrom, after: own.after, sources: own.sources };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Steps (their explicit dependencies are checked in dependencies.ts).

function collectSteps(drafts: readonly Draft[]): Map<string, StepDraft> {
  const steps = new Map<string, StepDraft>();
  for (const draft of drafts) {
    if (draft.inStep === undefined) continue;
    const step = steps.get(draft.inStep) ?? { name: draft.inStep, cells: [], tagged: [] };
    steps.set(draft.inStep, step);
    step.cells.push(draft.cell);
    if (draft.stepName !== undefined) step.tagged.push(draft);
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------------------
// 5. nbdev's module name, nbdev 1 notebooks, conventions.

/** The last valid `#| default_exp` (nbdev keeps the last one), with problems for invalid and repeated ones. */
function readDefaultExp(context: Context, found: readonly FoundMarks[]): string | undefined {
  // Without nbdev directives (other than `#| hide`) there is no `#| default_exp` and no `#| export`.
  if (!context.nbdev) return undefined;
  const { notebook, problems } = context;
  let chosen: { readonly name: string; readonly raw: string; readonly cell: NotebookCell; readonly line?: number } | undefined;
  let invalid = false;
  for (const { cell, nbdev } of found) {
    if (nbdev.length === 0) continue;
    for (const directive of nbdev.filter((d) => d.key === 'default_exp')) {
      const raw = directive.raw.trim();
      const issue = directive.value === '' ? 'it names no module' : (moduleNameIssue(directive.value) ?? sharedModuleIssue(directive.value));
      if (issue !== undefined) {
        invalid = true;
        const suggestion = directive.value === '' ? undefined : suggestModuleName(directive.value);
        const tryIt = suggestion === undefined ? ' Write `#| default_exp <module>`.' : moduleNameIssue(suggestion) !== undefined ? '' : ` Try ${quoteName(suggestion)}.`;
        const message = `module name ${quoteName(directive.value)} in \`${clipText(raw, 80)}\` is not allowed: ${issue}.${tryIt}`;
        problems.push(cellProblem(notebook, cell, 'error', 'module-name-invalid', message, directive.line));
        continue;
      }
      if (chosen !== undefined && chosen.name !== directive.value) {
        const message = `\`${raw}\` replaces \`${chosen.raw}\` (cell ${chosen.cell.index + 1}): nbdev exports to the last module named, and so does Notebook Promoter.`;
        problems.push(cellProblem(notebook, cell, 'warning', 'default-exp-repeated', message, directive.line));
      }
      chosen = { name: directive.value, raw, cell, ...(directive.line === undefined ? {} : { line: directive.line }) };
    }
  }
  const note = chosen === undefined ? undefined : sharedModuleNote(chosen.name);
  if (chosen !== undefined && note !== undefined) problems.push(cellProblem(notebook, chosen.cell, 'warning', 'default-exp-common', `\`${clipText(chosen.raw, 80)}\`: ${note}.`, chosen.line));
  const exports = found.some((f) => f.nbdev.some((d) => d.key.startsWith('export')));
  if (chosen === undefined && !invalid && exports) {
    const message = 'cells are exported with `#| export`, but no cell names the module: add `#| default_exp <module>` to the first code cell.';
    problems.push(notebookProblem(notebook, 'warning', 'default-exp-missing', message));
  }
  return chosen?.name;
}

/** One warning on the first nbdev 1 comment of a notebook that has no nbdev 2 directive. */
function warnNbdev1(context: Context, found: readonly FoundMarks[]): void {
  if (context.nbdev) return;
  let first: FoundMarks | undefined;
  for (const f of found) {
    if (f.cell.kind === 'code' && startsWithNbdev1Comment(f.cell.source)) {
      first = f;
      break;
    }
  }
  if (first === undefined) return;
  const comment = (first.cell.source.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '').trim();
  const message = `\`${comment}\` is an nbdev 1 comment, which nbdev 2 and Notebook Promoter no longer read: run \`nbdev_migrate\` to turn such comments into \`#| \` directives.`;
  context.problems.push(cellProblem(context.notebook, first.cell, 'warning', 'nbdev1-comments', message));
}

const CONVENTION_ORDER: readonly Convention[] = ['native', 'kale', 'nbdev', 'papermill', 'jupytext'];

/** Conventions of every vocabulary mark on a code cell, nbdev when its rules apply, jupytext for percent scripts. */
function conventionsSeen(context: Context, found: readonly FoundMarks[]): Convention[] {
  const seen = new Set<Convention>();
  for (const f of found) for (const mark of f.marks) seen.add(context.conventions.get(mark.spelling) ?? 'native');
  if (context.nbdev) seen.add('nbdev');
  if (context.notebook.format === 'percent' && seen.size > 0) seen.add('jupytext');
  return CONVENTION_ORDER.filter((c) => seen.has(c));
}

// ---------------------------------------------------------------------------------------------------------
// 6. The result.

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function toCellRoles(draft: Draft): CellRoles {
  const { cell } = draft;
  // Built field by field, not with conditional spreads: this runs once per cell, and spreads are slow.
  const result: Partial<Writable<CellRoles>> = { cellIndex: cell.index };
  if (cell.id !== undefined) result.cellId = cell.id;
  result.roles = draft.roles;
  if (draft.stepName !== undefined) result.stepName = draft.stepName;
  if (draft.inStep !== undefined) result.inStep = draft.inStep;
  result.preamble = draft.preamble;
  if (draft.continuedFrom !== undefined) result.continuedFrom = draft.continuedFrom;
  result.after = draft.after.map((ref) => ref.name);
  result.sources = draft.sources;
  return result as CellRoles;
}

function toStepInfo(step: StepDraft): StepInfo {
  const after = [...new Set(step.tagged.flatMap((d) => d.after.map((ref) => ref.name)))];
  return { name: step.name, cellIndices: step.cells.map((c) => c.index), cellIds: step.cells.map((c) => c.id), after };
}
