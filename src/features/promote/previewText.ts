/**
 * The words of the promotion preview (quick pick), apart from VS Code so that a unit test reads them: the title
 * says what is promoted, to which version and INTO WHICH FOLDER; counts of hand-edited files agree with them.
 */
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import type { PromotedFile } from '../../core/promote/promote';
import { countOf } from '../../core/util/words';

export interface PreviewTextInput {
  /** The notebook's file name. */
  readonly notebook: string;
  /** "churn 0.2.0". */
  readonly version: string;
  /** Where promotion writes, for people: "build/churn", "the workspace folder ws". */
  readonly folder: string;
  /** "3 created, 18 unchanged". */
  readonly summary: string;
  /** How many generated files a person edited. */
  readonly conflicts: number;
  /** Nothing to write: every file is as promotion would write it (or kept as the person edited it). */
  readonly upToDate?: boolean;
}

export interface PreviewText {
  readonly title: string;
  readonly placeholder: string;
  /** The details of "Merge my edits" and "Replace and keep mine as .orig". */
  readonly mergeDetail: string;
  readonly forceDetail: string;
}

export function previewText(input: PreviewTextInput): PreviewText {
  const edited = countOf(input.conflicts, 'hand-edited file');
  return {
    title: input.upToDate === true ? `Up to date: nothing to write. ${input.notebook} → ${input.version} in ${input.folder}: ${input.summary}` : `Promote ${input.notebook} → ${input.version} into ${input.folder}: ${input.summary}`,
    placeholder:
      input.upToDate === true
        ? `${input.folder} already holds what promotion would write: select a file to see it, or Close`
        : input.conflicts === 0
        ? `Select a file to see its diff, or Promote (files are written into ${input.folder})`
        : `${countOf(input.conflicts, 'file')} ${input.conflicts === 1 ? 'was' : 'were'} edited by hand: select one to see its diff, then choose how to promote`,
    mergeDetail: `three-way merge of the ${edited} with the new code; overlapping edits get conflict markers`,
    forceDetail: `the ${edited} ${input.conflicts === 1 ? 'is' : 'are'} kept next to the new ${input.conflicts === 1 ? 'one' : 'ones'} as <file>.orig`,
  };
}

/** How an action reads in the preview and in messages. */
export function actionLabel(action: PromotedFile['action']): string {
  switch (action) {
    case 'would-create':
    case 'created':
      return 'created';
    case 'would-change':
    case 'changed':
      return 'changed';
    case 'unchanged':
      return 'unchanged';
    case 'kept':
      return 'kept (yours)';
    case 'kept-edit':
      return 'kept (edited by hand; the notebook did not change it)';
    case 'would-force':
    case 'would-merge':
      return 'conflict (hand-edited)';
    case 'merged':
      return 'merged';
    case 'forced':
      return 'replaced (yours kept as .orig)';
    case 'deleted':
      return 'deleted';
  }
}

/** The order counts are given in. */
const COUNT_ORDER = ['created', 'changed', 'conflict (hand-edited)', 'merged', 'replaced (yours kept as .orig)', 'deleted', 'kept (yours)', 'kept (edited by hand; the notebook did not change it)', 'unchanged'];

/**
 * What promotion does to the files, counted the same way in the preview's title (before) and the closing message
 * (after): by action, in the preview's words ("2 changed, 1 conflict (hand-edited)" before is "2 changed, 1
 * merged" after), nbpromote.lock left out (the preview does not list it; the closing message names it). Files
 * left as they were count only with `unchanged`. Empty when nothing is counted.
 */
export function fileCounts(files: readonly Pick<PromotedFile, 'path' | 'action'>[], options: { readonly unchanged: boolean }): string {
  const counts = new Map<string, number>();
  // A person's copy kept beside a file replaced (`train.py.orig`) is told by the replaced file's label (round 36 I).
  const kept = new Set(files.filter((f) => f.action === 'forced').map((f) => `${f.path}.orig`));
  for (const file of files) {
    if (file.path === LOCK_FILE_NAME || (kept.has(file.path) && file.action === 'created')) continue;
    if (!options.unchanged && (file.action === 'unchanged' || file.action === 'kept' || file.action === 'kept-edit')) continue;
    const label = actionLabel(file.action);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const rank = (label: string): number => (COUNT_ORDER.includes(label) ? COUNT_ORDER.indexOf(label) : COUNT_ORDER.length);
  return [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([label, n]) => `${n} ${label}`).join(', ');
}

/**
 * True when promotion would write nothing: no file is created, changed or in conflict (unchanged files, and files
 * a person edited that the notebook did not change, stay as they are), and nothing changed since the last
 * promotion. The preview then offers only Close.
 */
export function nothingToWrite(files: readonly Pick<PromotedFile, 'path' | 'action'>[], changes: readonly string[]): boolean {
  return files.length > 0 && changes.length === 0 && fileCounts(files, { unchanged: false }) === '';
}

/** The closing message's account of the files: "21 created, and nbpromote.lock", or "nothing changed". */
export function writtenSummary(files: readonly Pick<PromotedFile, 'path' | 'action'>[]): string {
  const counts = fileCounts(files, { unchanged: false });
  return counts === '' ? 'nothing changed' : `${counts}, and ${LOCK_FILE_NAME}`;
}

/**
 * Why the closing message's version is what it is, as a sentence after it: " Version 0.1.1: the code of step load
 * changed (patch)."; empty when nothing says. (Round 43 V: in parentheses after the file counts, the bump's own
 * "(patch)" nested in them.)
 */
export function versionReasons(version: string | undefined, changes: readonly string[]): string {
  if (changes.length === 0) return '';
  return ` ${version === undefined ? 'Why' : `Version ${version}`}: ${changes.join('; ')}.`;
}

/**
 * What to say when the generated tests ended with pytest's exit code `code` (undefined: not known), for a run with
 * `python` (in words, as `pythonWords` gives it): undefined when they passed. Exit codes 2 to 4 mean pytest stopped
 * before testing (collection errors, a conftest or module that failed to import: a library missing for that
 * Python, round 43 V: the terminal showed `ModuleNotFoundError` and nothing else said so), and `python` is named.
 */
export function testsEndedMessage(packageName: string, code: number | undefined, python: string): { readonly text: string; readonly pythonFailed: boolean } | undefined {
  if (code === 0) return undefined;
  if (code === 1) return { text: `Some tests of ${packageName} failed: see the terminal.`, pythonFailed: false };
  if (code === 5) return { text: `pytest found no tests of ${packageName} to run: see the terminal.`, pythonFailed: false };
  if (code !== undefined && code >= 2 && code <= 4) {
    return { text: `The tests of ${packageName} could not run (pytest exit code ${code}): pytest stopped before testing, as when a library the package imports is missing. They ran with ${python}: see the terminal, and install what is missing for that Python, or choose another.`, pythonFailed: true };
  }
  return { text: `The tests of ${packageName} ended with exit code ${code === undefined ? 'unknown' : String(code)}: see the terminal.`, pythonFailed: code === undefined };
}
