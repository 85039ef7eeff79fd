/**
 * Changing a cell's role the way a person would by hand: the cell's own role tags (or, when the role was
 * written as `#| ` directives, those directive lines) are replaced, and nothing else moves: other tags keep
 * their order, other directives and the code stay as they are. Also the fixes for invalid step names.
 * Pure: the editor turns the result into a WorkspaceEdit (features/editor/setCellRole.ts).
 */
import { splitDirectives } from './directives';
import type { Directive } from './directives';
import { stepNameIssue, suggestIdentifier } from './names';
import { readDirective, readTag } from './vocabulary';
import type { Mark } from './vocabulary';

/** The roles a person picks from; `after` sets the steps a step runs after, `clear` removes the role. */
export const ROLE_WORDS = ['imports', 'functions', 'parameters', 'metrics', 'test', 'skip'] as const;
export type RoleWord = (typeof ROLE_WORDS)[number];

export type RoleChoice =
  | { readonly role: 'step'; readonly name: string }
  | { readonly role: 'after'; readonly names: readonly string[] }
  | { readonly role: RoleWord }
  | { readonly role: 'clear' };

/** A change to one line of the cell: 1-based; `text` undefined deletes the line. */
export interface LineEdit {
  readonly line: number;
  readonly text?: string;
}

/** Insert `text` as a new line before 1-based `line`. */
export interface LineInsert {
  readonly before: number;
  readonly text: string;
}

export interface RoleEdit {
  /** The cell's tags afterwards (the same list when `tagsChanged` is false). */
  readonly tags: readonly string[];
  readonly tagsChanged: boolean;
  /** Changes to directive lines, in line order. Empty when the role lives in tags. */
  readonly lines: readonly LineEdit[];
  readonly inserts: readonly LineInsert[];
  /** Where the new role is written. */
  readonly writtenAs: 'tag' | 'directive' | 'nothing';
}

interface CellText {
  readonly source: string;
  readonly tags: readonly string[];
}

type Kind = 'role' | 'after';

interface TagEntry {
  readonly tag: string;
  readonly kind: Kind | undefined;
  readonly mark?: Mark;
}

interface DirectiveEntry {
  readonly directive: Directive;
  readonly kind: Kind;
}

/**
 * The edit that gives the cell the chosen role. The role is written where the cell's role is written now:
 * in its directive lines when it has role directives and no role tags, else as a tag. Near misses of our
 * tags (`Step:x`, `pipeline_parameters`) count as role tags and are replaced too. A role other than a step
 * also drops `after:` (it only works on a step's first cell). nbdev directives (`#| export` ...) and
 * `#| skip: false` are left alone.
 */
export function roleEdit(cell: CellText, choice: RoleChoice): RoleEdit {
  const tags = classifyTags(cell.tags);
  const directives = classifyDirectives(cell.source);
  const roleDirectives = directives.filter((d) => d.kind === 'role');
  const afterDirectives = directives.filter((d) => d.kind === 'after');
  const roleTags = tags.filter((t) => t.kind === 'role');
  const afterTags = tags.filter((t) => t.kind === 'after');

  if (choice.role === 'after') {
    const names = [...new Set(choice.names)];
    const inDirective = afterDirectives.length > 0 || (afterTags.length === 0 && roleDirectives.length > 0 && roleTags.length === 0);
    if (inDirective) {
      const text = names.length === 0 ? undefined : `#| after: ${names.join(', ')}`;
      const lines: LineEdit[] = [];
      const inserts: LineInsert[] = [];
      const [first, ...rest] = afterDirectives;
      if (first !== undefined) lines.push(text === undefined ? { line: first.directive.line } : { line: first.directive.line, text });
      else if (text !== undefined) inserts.push({ before: (roleDirectives[roleDirectives.length - 1]?.directive.line ?? 0) + 1, text });
      for (const d of rest) lines.push({ line: d.directive.line });
      const kept = cell.tags.filter((_, i) => tags[i]?.kind !== 'after');
      return { tags: kept, tagsChanged: kept.length !== cell.tags.length, lines, inserts, writtenAs: text === undefined ? 'nothing' : 'directive' };
    }
    const prefix = afterTags.some((t) => t.mark?.spelling.key === 'prev:') && !afterTags.some((t) => t.mark?.spelling.key === 'after:') ? 'prev:' : 'after:';
    const newTag = names.length === 0 ? [] : [`${prefix}${names.join(',')}`];
    const next = rebuild(tags, ['after'], newTag, 'after', 'end');
    return { tags: next, tagsChanged: !sameList(next, cell.tags), lines: [], inserts: [], writtenAs: newTag.length === 0 ? 'nothing' : 'tag' };
  }

  const dropAfter = choice.role !== 'step';
  const inDirective = roleDirectives.length > 0 && roleTags.length === 0;
  const lines: LineEdit[] = [];
  const remove: Kind[] = dropAfter ? ['role', 'after'] : ['role'];
  let next = rebuild(tags, remove, [], 'role', 'start');
  let writtenAs: RoleEdit['writtenAs'] = 'nothing';
  if (inDirective) {
    const text = directiveText(choice);
    const [first, ...rest] = roleDirectives;
    if (first !== undefined) lines.push(text === undefined ? { line: first.directive.line } : { line: first.directive.line, text });
    for (const d of rest) lines.push({ line: d.directive.line });
    if (text !== undefined) writtenAs = 'directive';
  } else {
    const kale = roleTags.some((t) => t.mark?.spelling.key === 'block:') && !roleTags.some((t) => t.mark?.spelling.key === 'step:');
    const tag = tagText(choice, kale);
    if (tag !== undefined) {
      next = rebuild(tags, remove, [tag], 'role', 'start');
      writtenAs = 'tag';
    }
    // Role directives next to role tags would be a role conflict: they go too.
    for (const d of roleDirectives) lines.push({ line: d.directive.line });
  }
  if (dropAfter) for (const d of afterDirectives) lines.push({ line: d.directive.line });
  lines.sort((a, b) => a.line - b.line);
  return { tags: next, tagsChanged: !sameList(next, cell.tags), lines, inserts: [], writtenAs };
}

/** The role tag for a choice: `step:<name>` (Kale's `block:<name>` when the cell spelled it so), a word; none for `clear`. */
function tagText(choice: Exclude<RoleChoice, { role: 'after' }>, kale: boolean): string | undefined {
  if (choice.role === 'clear') return undefined;
  if (choice.role === 'step') return `${kale ? 'block:' : 'step:'}${choice.name}`;
  return choice.role;
}

function directiveText(choice: Exclude<RoleChoice, { role: 'after' }>): string | undefined {
  if (choice.role === 'clear') return undefined;
  if (choice.role === 'step') return `#| step: ${choice.name}`;
  return `#| ${choice.role}`;
}

function classifyTags(tags: readonly string[]): TagEntry[] {
  return tags.map((tag) => {
    const reading = readTag(tag);
    if (reading.kind === 'mark') return { tag, kind: reading.mark.spelling.role === 'after' ? 'after' : 'role', mark: reading.mark };
    if (reading.kind === 'lookalike') return { tag, kind: /^(after|prev):/.test(reading.meant) ? 'after' : 'role' };
    return { tag, kind: undefined };
  });
}

function classifyDirectives(source: string): DirectiveEntry[] {
  const entries: DirectiveEntry[] = [];
  for (const directive of splitDirectives(source).directives) {
    const reading = readDirective(directive);
    if (reading.kind === 'mark') entries.push({ directive, kind: reading.mark.spelling.role === 'after' ? 'after' : 'role' });
    else if (reading.kind === 'lookalike') entries.push({ directive, kind: /^#\| after\b/.test(reading.meant) ? 'after' : 'role' });
  }
  return entries;
}

/**
 * The tags without those whose kind is in `remove`, with `added` where the first tag of kind `at` stood;
 * when there is none, at the start or the end.
 */
function rebuild(entries: readonly TagEntry[], remove: readonly Kind[], added: readonly string[], at: Kind, otherwise: 'start' | 'end'): string[] {
  const index = entries.findIndex((e) => e.kind === at);
  const next: string[] = [];
  entries.forEach((e, i) => {
    if (i === index) next.push(...added);
    if (e.kind === undefined || !remove.includes(e.kind)) next.push(e.tag);
  });
  if (index === -1) return otherwise === 'start' ? [...added, ...next] : [...next, ...added];
  return next;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A fix for one invalid step name: rename it to the suggested identifier. */
export type NameFix =
  | { readonly from: 'tag'; readonly name: string; readonly suggestion: string; readonly tag: string; readonly newTag: string }
  | { readonly from: 'directive'; readonly name: string; readonly suggestion: string; readonly line: number; readonly newText: string };

/**
 * The renames that fix the cell's invalid step names (`step-name-invalid`): in `step:`/`block:`/`after:`/
 * `prev:` tags and in `#| step` / `#| after` directive lines, each name replaced by `suggestIdentifier`'s
 * suggestion. Names with no usable suggestion (`../`) get no fix.
 */
export function invalidNameFixes(cell: CellText): NameFix[] {
  const fixes: NameFix[] = [];
  for (const tag of cell.tags) {
    const reading = readTag(tag);
    if (reading.kind !== 'mark' || !reading.mark.spelling.named) continue;
    for (const [name, suggestion] of renames(reading.mark)) {
      fixes.push({ from: 'tag', name, suggestion, tag, newTag: `${reading.mark.spelling.key}${renamedValue(reading.mark, name, suggestion)}` });
    }
  }
  for (const directive of splitDirectives(cell.source).directives) {
    const reading = readDirective(directive);
    if (reading.kind !== 'mark' || !reading.mark.spelling.named) continue;
    // Only the value is replaced: a comment after it (`#| step: load data  # read the csv`) stays.
    const { raw, valueStart, value } = directive;
    for (const [name, suggestion] of renames(reading.mark)) {
      fixes.push({ from: 'directive', name, suggestion, line: directive.line, newText: `${raw.slice(0, valueStart)}${renamedValue(reading.mark, name, suggestion)}${raw.slice(valueStart + value.length)}` });
    }
  }
  return fixes;
}

function renames(mark: Mark): [string, string][] {
  const found: [string, string][] = [];
  for (const name of mark.names) {
    if (stepNameIssue(name) === undefined) continue;
    const suggestion = suggestIdentifier(name);
    if (suggestion !== undefined && stepNameIssue(suggestion) === undefined) found.push([name, suggestion]);
  }
  return found;
}

/** The mark's names written back with one renamed: one name for a step, a list for `after:`. */
function renamedValue(mark: Mark, name: string, suggestion: string): string {
  const names = mark.names.map((n) => (n === name ? suggestion : n));
  if (mark.spelling.role === 'step') return names.join('');
  return mark.from === 'directive' ? names.join(', ') : names.join(',');
}
