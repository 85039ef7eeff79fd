/**
 * Explicit dependencies between steps (`after:`, `prev:`, `#| after`): every name must be a step some cell
 * starts, and the edges must not form a cycle. Steps otherwise run in notebook order, so `after:` may name a
 * later step. What breaks a rule is reported and dropped, so the result's dependency graph is always sound.
 */
import type { NotebookCell, Notebook } from '../contract/notebook';
import type { Problem } from '../contract/problem';
import { closestName, quoteName } from './names';
import { cellProblem } from './problems';

/** One name in `after:` / `prev:` / `#| after`, with the tag or line that wrote it. */
export interface AfterRef {
  readonly name: string;
  readonly raw: string;
  readonly line?: number;
}

export interface DependencyContext {
  readonly notebook: Notebook;
  readonly problems: Problem[];
  /** Every step some cell starts. */
  readonly steps: ReadonlySet<string>;
  /** Names already refused with an error: naming them in `after:` reports nothing more. */
  readonly rejected: ReadonlySet<string>;
}

/** A cell and the dependencies it declares; `after` is narrowed in place. */
export interface DependencyDraft {
  readonly cell: NotebookCell;
  /** The step the cell starts; cells that start none declare no dependency. */
  readonly stepName?: string | undefined;
  after: readonly AfterRef[];
}

/** Drop (and report) `after` names of unknown steps, then, in notebook order, the edges that close a cycle. */
export function checkDependencies(context: DependencyContext, drafts: readonly DependencyDraft[]): void {
  for (const draft of drafts) if (draft.after.length > 0) draft.after = draft.after.filter((ref) => knownStep(context, draft, ref));
  const needs = new Map<string, Set<string>>();
  for (const draft of drafts) {
    const step = draft.stepName;
    if (step === undefined || draft.after.length === 0) continue;
    draft.after = draft.after.filter((ref) => {
      const back = ref.name === step ? [step] : pathOf(needs, ref.name, step);
      if (back === undefined) {
        needs.set(step, (needs.get(step) ?? new Set<string>()).add(ref.name));
        return true;
      }
      reportCycle(context, draft.cell, ref, [step, ...back]);
      return false;
    });
  }
}

function knownStep(context: DependencyContext, draft: DependencyDraft, ref: AfterRef): boolean {
  const { steps } = context;
  if (steps.has(ref.name)) return true;
  if (context.rejected.has(ref.name)) return false;
  const names = [...steps];
  const close = closestName(ref.name, names);
  const hint =
    close !== undefined
      ? ` Did you mean ${quoteName(close)}?`
      : names.length > 0
        ? ` Steps in this notebook: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}.`
        : ' No cell starts a step yet.';
  const message = `\`${ref.raw}\` names step ${quoteName(ref.name)}, but no cell starts it.${hint}`;
  context.problems.push(cellProblem(context.notebook, draft.cell, 'error', 'step-unknown', message, ref.line));
  return false;
}

/** The chain `from` needs … needs `to` (both included), when there is one. */
function pathOf(needs: ReadonlyMap<string, ReadonlySet<string>>, from: string, to: string): string[] | undefined {
  const seen = new Set<string>();
  const walk = (at: string): string[] | undefined => {
    if (at === to) return [at];
    if (seen.has(at)) return undefined;
    seen.add(at);
    for (const next of needs.get(at) ?? []) {
      const rest = walk(next);
      if (rest !== undefined) return [at, ...rest];
    }
    return undefined;
  };
  return walk(from);
}

/** `cycle` starts and ends with the step whose `after` closes it: `[train, evaluate, train]`. */
function reportCycle(context: DependencyContext, cell: NotebookCell, ref: AfterRef, cycle: readonly string[]): void {
  const message =
    cycle.length === 2
      ? `\`${ref.raw}\` makes step ${quoteName(ref.name)} run after itself. Remove it.`
      : `\`${ref.raw}\` closes a dependency cycle: ${cycle.join(' → ')} ("→" reads "runs after"). Remove one of the after:/prev: tags in the cycle.`;
  context.problems.push(cellProblem(context.notebook, cell, 'error', 'step-cycle', message, ref.line));
}
