/**
 * How the editor words a promotion that stopped: core's problems are written for the command line (`--out`,
 * `--infer-steps`, `--package`, docs/*.md, backticks for a terminal); in VS Code the same problem says what to do
 * there (a setting, a command) and offers it as a button. Core's messages stay as they are for the CLI. No
 * `vscode` here, so a unit test checks the wording against core's real problems.
 */
import type { Problem } from '../../core/contract/problem';
import { formatProblem, problemPlace } from '../../core/contract/problem';
import { ConfigKey } from '../../host/ids';
import { OUTPUT_ROOT_PER_NOTEBOOK } from '../../host/outputRoot';

/** Problems of a promotion that are not about the notebook's contents: not shown as diagnostics (Problems panel). */
export const NOT_IN_THE_NOTEBOOK: ReadonlySet<string> = new Set([
  'no-roles',
  'no-steps',
  'package-changed',
  'other-notebook',
  'notebook-outside-out',
  'hand-edited',
  'lock-version',
  'lock-schema',
  'lock-history',
  'lock-foreign-path',
  'merge-no-base',
  'merge-base-from-git',
  'merge-conflict',
  'orphan-edited',
  'step-module-unused',
  'removed-import',
  'test-of-removed-step',
  'unreadable',
  'pipeline-running',
  // The summary of the kept pipeline.yaml's errors: the errors themselves are on pipeline.yaml's lines.
  'pipeline-edited-invalid',
]);

/** A button of the message: what the person can do next, in the editor. */
export type ProblemAction =
  /** The Problems panel: only when a shown problem is in it (a diagnostic of the notebook). */
  | 'showProblems'
  /** nbpromote.suggestSteps: tags steps from the markdown headings (the CLI's --infer-steps). */
  | 'suggestSteps'
  /** The settings editor at nbpromote.output.root (the CLI's --out). */
  | 'openOutputRootSetting'
  /** The settings editor at nbpromote.package.name (the CLI's --package). */
  | 'openPackageSetting'
  /** Promote again, writing even while the run seems to go on (the CLI's --even-if-running). */
  | 'promoteAnyway'
  | 'showLog';

export const ACTION_LABELS: Readonly<Record<ProblemAction, string>> = {
  showProblems: 'Show Problems',
  suggestSteps: 'Suggest Steps from Markdown Headings',
  openOutputRootSetting: 'Open Setting',
  openPackageSetting: 'Open Package Setting',
  promoteAnyway: 'Promote Anyway',
  showLog: 'Show Log',
};

export interface ProblemMessage {
  readonly message: string;
  /** Buttons, in order. */
  readonly actions: readonly ProblemAction[];
}

/**
 * The message and buttons for problems that stopped a promotion: "`what`: <the first error (else warning), in
 * the editor's words>(and N more problems). `tail`". `notebook` is the notebook as the request named it: a
 * problem of that file is not prefixed with its name again (`what` names it), only with its cell and line.
 */
export function problemMessage(what: string, problems: readonly Problem[], notebook: string, tail = 'Nothing was written.', trusted = true): ProblemMessage {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? problems.find((p) => p.severity === 'warning');
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  const text = first === undefined ? 'see the log' : editorWords(first, notebook, trusted);
  const sentence = `${what}: ${text}${more}`;
  const message = `${/[.!?]$/.test(sentence) ? sentence : `${sentence}.`} ${tail}`.trim();

  const shown = errors.length > 0 ? errors : first === undefined ? [] : [first];
  const codes = new Set(shown.map((p) => p.code));
  const actions: ProblemAction[] = [];
  if (shown.some((p) => !NOT_IN_THE_NOTEBOOK.has(p.code))) actions.push('showProblems');
  // (Offered when the headings would give a step: the message says so.)
  if (shown.some((p) => p.code === 'no-steps' && p.message.includes('--infer-steps'))) actions.push('suggestSteps');
  if (codes.has('other-notebook') || codes.has('package-changed') || codes.has('out-place')) actions.push('openOutputRootSetting');
  if (codes.has('package-changed')) actions.push('openPackageSetting');
  if (codes.has('pipeline-running')) actions.push('promoteAnyway');
  actions.push('showLog');
  return { message, actions };
}

/**
 * One problem as the editor says it: where (the cell and line; the file too when it is not the notebook), then
 * the message with the command line's advice turned into the editor's (settings and commands instead of flags),
 * references to the project's docs/ left out, and backtick quotes made plain quotes (a notification shows them
 * literally).
 */
export function editorWords(problem: Problem, notebook: string, trusted = true): string {
  const place = problem.file === notebook ? problemPlace(problem) : undefined;
  const message = plainQuotes(editorAdvice(problem.message, trusted));
  if (place === undefined) return formatProblem({ ...problem, message });
  return place === '' ? message : `${place}: ${message}`;
}

/** The command that promotes after running the notebook, as the command palette shows it. */
const RUN_FIRST_TITLE = 'Notebook Promoter: Promote Notebook, Running It First';

/**
 * A problem's message with the command line's advice turned into the editor's (see {@link editorWords}); backticks
 * kept. `trusted`: whether the workspace is; in Restricted Mode the commands that run the notebook say so.
 */
export function editorAdvice(message: string, trusted = true): string {
  const running = `\`${RUN_FIRST_TITLE}\`${trusted ? '' : ' once the workspace is trusted'}`;
  const perNotebook = `set ${ConfigKey.OutputRoot} to a folder per notebook, such as ${OUTPUT_ROOT_PER_NOTEBOOK}`;
  return (
    message
      // no-steps: the CLI's flag; the editor's button "Suggest Steps from Markdown Headings" does it.
      .replace(/ Or promote with --infer-steps to take steps from the markdown headings\./g, ' Or tag the steps from the markdown headings: Suggest Steps from Markdown Headings.')
      // other-notebook, package-changed.
      .replace(/Promote into another --out folder/g, perNotebook.charAt(0).toUpperCase() + perNotebook.slice(1))
      .replace(/(?:promote )?into another --out folder/g, perNotebook)
      .replace(/([Pp])romote with --package (\w+)/g, (_m, p: string, name: string) => `${p === 'P' ? 'S' : 's'}et ${ConfigKey.PackageName} to ${name}`)
      // pipeline-running: the CLI's flag; the editor's button "Promote Anyway" does it.
      .replace(/, promote with --even-if-running\)/g, ', choose Promote Anyway)')
      // merge-conflict: the CLI's flag; the editor's choice "Merge my edits" does it.
      .replace(/ from an earlier --merge([;.])/g, ' from an earlier merge$1')
      .replace(/, then promote with --merge again/g, ', then promote again and choose Merge my edits')
      // The CLI's --execute: the editor's command "Promote Notebook, Running It First" does it (round 43 V; round 76
      // JKJ: "Promote with Promote Notebook, ..." read garbled).
      .replace(/([Pp])romote with --execute\b/g, (_m, p: string) => `${p === 'P' ? 'U' : 'u'}se ${running}`)
      // The project's docs are not in the person's workspace.
      .replace(/ ?See docs\/[\w.-]+\.md(?:#[\w-]+)?\./g, '')
      .trim()
  );
}

/** `step:<name>` -> "step:<name>": notifications show backticks as they are. */
function plainQuotes(text: string): string {
  return text.replace(/`([^`]*)`/g, '"$1"');
}
