/**
 * A pipeline.yaml a person edited, which promotion keeps, checked against what the package runs: pipeline.py
 * imports the step functions promotion generated and the runner passes each step its `inputs` in order, so an
 * edited `module`, `function`, `inputs` or `outputs` changes nothing or hands the arguments other values, and an
 * edited `workdir` or `package` stops the run. `run` refuses these (the runtime's `_check_functions`,
 * `pipelinePackageProblem`); `check` and `promote` refuse them too, in the same words, so a CI gate does not
 * pass a pipeline that cannot run.
 */
import { resolve } from 'node:path';
import type { PipelineConfig } from '../contract/pipelineConfig';
import type { Problem } from '../contract/problem';
import { parameterName, parsePython } from '../analysis/python/parser';
import { isFolderSync } from '../io/paths';
import type { Locate } from '../util/schemaErrors';

/**
 * What to do when the kept pipeline.yaml and pipeline.py disagree. Not "promote again" (the runtime's advice,
 * which cannot tell a hand edit): promotion keeps a hand-edited pipeline.yaml, and stops on it.
 */
const FIX = 'put back what promotion wrote, or delete pipeline.yaml to have promotion write it again';

/** What the kept pipeline.yaml is compared with: the one promotion generates now, and the kept files' texts. */
export interface KeptConfigContext {
  /** The output root (pipeline.yaml's folder). */
  readonly root: string;
  /** pipeline.yaml as promotion writes it now. */
  readonly generated: PipelineConfig;
  /** The text of a file kept because a person edited it, by its path under the root (forward slashes). */
  readonly keptText: (path: string) => string | undefined;
}

/**
 * The problems `run` would refuse the kept pipeline.yaml `config` with (`at` locates its lines, `file` is its
 * path), except `package:`, which `pipelinePackageProblem` checks: each at the line of the key.
 */
export function keptConfigProblems(config: PipelineConfig, at: Locate, file: string, context: KeptConfigContext): Problem[] {
  const problems: Problem[] = [];
  const add = (message: string, path: readonly (string | number)[]): void => {
    problems.push({ severity: 'error', code: 'pipeline-edited-mismatch', message, file, ...at(path) });
  };
  const { generated } = context;
  // pipeline.py edited by hand may import other functions: only its own steps are compared then.
  const ownRunner = context.keptText(`src/${generated.package}/pipeline.py`) !== undefined;
  if (config.workdir !== generated.workdir && !isFolderSync(resolve(context.root, config.workdir))) {
    add(`the workdir '${config.workdir}' is not a folder under ${context.root}`, ['workdir']);
  }
  const runs = new Map(generated.steps.map((s) => [s.name, s]));
  const missing = config.steps.findIndex((s) => !runs.has(s.name));
  const listed = new Set(config.steps.map((s) => s.name));
  const extra = generated.steps.find((s) => !listed.has(s.name));
  if (!ownRunner && missing >= 0) add(`pipeline.yaml lists the step '${config.steps[missing]?.name ?? ''}', but pipeline.py has no function for it; ${FIX}`, ['steps', missing, 'name']);
  if (!ownRunner && extra !== undefined) add(`pipeline.py has the step '${extra.name}', which pipeline.yaml does not list; ${FIX}`, ['steps']);
  config.steps.forEach((step, i) => {
    const made = runs.get(step.name);
    if (made === undefined) return;
    const what = `the step '${step.name}'`;
    const ran = `${made.module}.${made.function}`;
    if (!ownRunner && `${step.module}.${step.function}` !== ran) {
      add(`pipeline.yaml names ${step.module}.${step.function} for ${what}, but pipeline.py runs ${ran}: \`module\` and \`function\` record what promotion generated; to change a step, change the notebook (or its module) and promote again`, ['steps', i, step.module === made.module ? 'function' : 'module']);
      return;
    }
    const takes = takenBy(made.module, made.function, made.inputs, context);
    const inputs = inputsProblem(what, step.inputs, ran, takes);
    if (inputs !== undefined) add(inputs, ['steps', i, 'inputs']);
    // A module a person edited returns what they made it return: only promotion's own are compared.
    if (context.keptText(modulePath(made.module)) === undefined && !sameNames(step.outputs, made.outputs)) {
      add(`pipeline.yaml gives ${what} the outputs [${step.outputs.join(', ')}], but its function ${ran} returns (${made.outputs.join(', ')}): \`outputs\` record what promotion generated; ${FIX}`, ['steps', i, 'outputs']);
    }
  });
  const metrics = config.metrics;
  const made = generated.metrics;
  if (!ownRunner && metrics === undefined && made !== undefined) add(`pipeline.py passes a metrics function, but pipeline.yaml has no \`metrics\`; ${FIX}`, []);
  if (!ownRunner && metrics !== undefined && made === undefined) add(`pipeline.yaml has metrics, but pipeline.py passes no metrics function; ${FIX}`, ['metrics']);
  if (metrics !== undefined && made !== undefined) {
    const ran = `${made.module}.${made.function}`;
    if (!ownRunner && `${metrics.module}.${metrics.function}` !== ran) {
      add(`pipeline.yaml names ${metrics.module}.${metrics.function} for the metrics, but pipeline.py runs ${ran}: \`module\` and \`function\` record what promotion generated; to change the metrics, change the notebook (or its module) and promote again`, ['metrics', metrics.module === made.module ? 'function' : 'module']);
    } else {
      const inputs = inputsProblem('the metrics', metrics.inputs, ran, takenBy(made.module, made.function, made.inputs, context));
      if (inputs !== undefined) add(inputs, ['metrics', 'inputs']);
    }
  }
  return problems;
}

/**
 * The runtime's words when `inputs` are not the arguments `takes` of the function, in order (the runner passes
 * them in order); undefined when they are, or when the function's arguments are unknown.
 */
function inputsProblem(what: string, inputs: readonly string[], ran: string, takes: readonly string[] | undefined): string | undefined {
  if (takes === undefined || (inputs.length === takes.length && inputs.every((name, i) => name === takes[i]))) return undefined;
  const order = sameNames(inputs, takes) ? ' (the same names in another order: the runner passes them in order, so each argument would get another value)' : '';
  return `pipeline.yaml gives ${what} the inputs [${inputs.join(', ')}], but its function ${ran} takes (${takes.join(', ')})${order}; ${FIX}`;
}

/**
 * The arguments of `fn` in `module`: read from the module when a person edited it (and it is kept), else the
 * inputs promotion generated it with. Undefined when the kept module has no such function or it takes `*args`.
 */
function takenBy(module: string, fn: string, generatedInputs: readonly string[], context: KeptConfigContext): readonly string[] | undefined {
  const text = context.keptText(modulePath(module));
  return text === undefined ? generatedInputs : functionArguments(text, fn);
}

function modulePath(module: string): string {
  return `src/${module.split('.').join('/')}.py`;
}

/** The positional arguments of the top-level `def fn(...)` in `source`; undefined without one, or with `*args`. */
export function functionArguments(source: string, fn: string): string[] | undefined {
  const tree = parsePython(source);
  const defs = tree.root.children.map((n) => (n.type === 'decorated_definition' ? n.children.find((c) => c.field === 'definition') : n));
  const def = defs.find((n) => n?.type === 'function_definition' && n.children.some((c) => c.field === 'name' && tree.text(c) === fn));
  const parameters = def?.children.find((c) => c.field === 'parameters');
  if (parameters === undefined) return undefined;
  const names: string[] = [];
  for (const p of parameters.children) {
    if (p.type === 'list_splat_pattern') return undefined;
    if (p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator') break;
    if (p.type === 'positional_separator') continue;
    const name = parameterName(p);
    if (name !== undefined) names.push(tree.text(name));
  }
  return names;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
