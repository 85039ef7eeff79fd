/**
 * Reading and writing pipeline.yaml (the shape is `PipelineConfig`, the schema schemas/pipeline.schema.json).
 *
 * `readPipelineConfig` never throws on user input: YAML syntax errors, schema errors and references that do
 * not resolve (an input nobody produces, an `after:` naming a later step) come back as problems naming the
 * file and the line. YAML is loaded with js-yaml's JSON schema: no custom tags, no dates, no merge keys.
 *
 * `renderPipelineConfig` writes the file deterministically: comments at the top, keys in a fixed order,
 * small maps and lists in flow style (`{default: 200, type: int}`, `[x, y]`). Strings PyYAML (YAML 1.1, which
 * the generated package reads it with) would take for something else are quoted, and floats are written
 * the way PyYAML reads them as floats (`1.e-9`, never `1e-9`).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemaValidator } from '../contract/schemaValidators';
import type { PipelineConfig } from '../contract/pipelineConfig';
import type { Problem } from '../contract/problem';
import { PYTHON_KEYWORDS, stepNameIssue } from '../tags/names';
import { flowYaml, wholeFloat } from './pyyaml';
import { readYamlDocument } from './yamlPositions';
import { describeSchemaError, schemaProblems } from '../util/schemaErrors';
import type { Locate } from '../util/schemaErrors';
import { conflictMarkerLines } from '../versioning/conflictMarkers';

export interface PipelineConfigResult {
  /** Undefined when the file is not YAML or does not match the schema; otherwise set, even with reference errors. */
  readonly config: PipelineConfig | undefined;
  readonly problems: readonly Problem[];
}

/** Reads the text of a pipeline.yaml (`file` is how problems name it). Never throws on user input. */
export function readPipelineConfig(text: string, file: string): PipelineConfigResult {
  const conflict = conflictMarkerProblem(text, file);
  if (conflict !== undefined) return { config: undefined, problems: [conflict] };
  const loaded = readYamlDocument(text, file);
  if (!loaded.ok) return { config: undefined, problems: [loaded.problem] };
  const { at } = loaded;
  if (loaded.value === undefined || loaded.value === null) {
    return { config: undefined, problems: [{ severity: 'error', code: 'schema', message: 'the file is empty; it should hold a pipeline (schema_version, package, steps ...)', file }] };
  }
  const validate = validator();
  if (!validate(loaded.value)) {
    return { config: undefined, problems: schemaProblems(validate.errors ?? [], file, at, 'schema', (error) => describeSchemaError(error, { pattern: describePatternError, listKnownKeys: true })) };
  }
  const config = loaded.value as PipelineConfig;
  return { config, problems: referenceProblems(config, file, at) };
}

/**
 * The first line holding a merge conflict marker (`promote --merge` or git left the file conflicted), as a
 * `merge-conflict` problem; undefined when there is none. YAML would report an error at some later line
 * that says nothing of the markers.
 */
function conflictMarkerProblem(text: string, file: string): Problem | undefined {
  const first = conflictMarkerLines(text)[0];
  if (first === undefined) return undefined;
  return { severity: 'error', code: 'merge-conflict', message: `the file holds a merge conflict marker (${first.marker}): resolve the conflict`, file, line: first.line };
}

// ---------------------------------------------------------------------------------------------------------
// Schema

/** The schema validator (precompiled: contract/schemaValidators.ts). */
function validator(): ValidateFunction {
  return schemaValidator('pipeline');
}


function describePatternError(error: ErrorObject, path: (string | number)[], subject: string): { message: string; path: (string | number)[] } {
  const propertyName: unknown = error.propertyName;
  if (typeof propertyName === 'string') {
    return { message: `\`${propertyName}\` in ${subject} is not a Python identifier (ASCII letters, digits and _, not starting with a digit)`, path: [...path, propertyName] };
  }
  if (error.schemaPath.includes('dottedName')) return { message: `${subject} must be a dotted Python module name, like \`churn.steps.load\``, path };
  if (error.schemaPath.includes('identifier')) return { message: `${subject} must be a Python identifier (ASCII letters, digits and _, not starting with a digit)`, path };
  if (path[0] === 'version') return { message: `${subject} must be a semantic version like 1.2.3`, path };
  return { message: `${subject} does not have the expected form`, path };
}



// ---------------------------------------------------------------------------------------------------------
// References: what the schema cannot say

/**
 * Problems with names in a config that matches the schema: keywords, duplicate steps, inputs that no
 * parameter or earlier step provides, `after:` entries that do not name an earlier step.
 */
function referenceProblems(config: PipelineConfig, file: string, at: Locate): Problem[] {
  const problems: Problem[] = [];
  const add = (code: string, message: string, path: readonly (string | number)[]): void => {
    problems.push({ severity: 'error', code, message, file, ...at(path) });
  };
  const keyword = (name: string, what: string, path: readonly (string | number)[]): void => {
    if (PYTHON_KEYWORDS.has(name)) add('pipeline-keyword', `${what} \`${name}\` is a Python keyword`, path);
  };

  keyword(config.package, 'the package name', ['package']);
  for (const name of Object.keys(config.parameters)) keyword(name, 'the parameter', ['parameters', name]);

  const available = new Set(Object.keys(config.parameters));
  const earlierSteps = new Set<string>();
  config.steps.forEach((step, i) => {
    const issue = stepNameIssue(step.name);
    if (issue !== undefined) add('pipeline-step-name', `the step name \`${step.name}\` is not allowed: ${issue}`, ['steps', i, 'name']);
    if (earlierSteps.has(step.name)) add('pipeline-duplicate-step', `the step \`${step.name}\` is listed twice`, ['steps', i, 'name']);
    keyword(step.function, 'the function name', ['steps', i, 'function']);
    step.inputs.forEach((input, j) => {
      keyword(input, 'the input', ['steps', i, 'inputs', j]);
      if (!available.has(input)) {
        add('pipeline-unknown-input', `the step \`${step.name}\` takes \`${input}\`, which is neither a parameter nor an output of an earlier step`, ['steps', i, 'inputs', j]);
      }
    });
    step.after.forEach((after, j) => {
      if (earlierSteps.has(after)) return;
      const later = config.steps.some((s) => s.name === after);
      const message = later ? `the step \`${step.name}\` runs after \`${after}\`, so \`${after}\` must come before it in \`steps\`` : `the step \`${step.name}\` runs after \`${after}\`, which is not a step`;
      add('pipeline-unknown-after', message, ['steps', i, 'after', j]);
    });
    step.outputs.forEach((output, j) => {
      keyword(output, 'the output', ['steps', i, 'outputs', j]);
      available.add(output);
    });
    earlierSteps.add(step.name);
  });

  const metrics = config.metrics;
  if (metrics !== undefined) {
    keyword(metrics.function, 'the function name', ['metrics', 'function']);
    metrics.inputs.forEach((input, j) => {
      if (!available.has(input)) add('pipeline-unknown-input', `the metrics take \`${input}\`, which is neither a parameter nor a step output`, ['metrics', 'inputs', j]);
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/** What every pipeline.yaml says about itself, after the caller's header. */
const EXPLANATION = [
  'Run it with `nbpromote run`, or from this folder with `PYTHONPATH=src python -m <package>.pipeline`',
  '(without PYTHONPATH=src once `pip install -e .` installed the package). Add `--param name=value` to',
  'override a parameter, `--no-cache` to run every step, `--json` for a machine-readable result. A relative',
  "path in a --param value is read, as in the notebook, from `workdir` (the notebook's folder), or from the",
  "folder the notebook's code moved to with %cd or os.chdir before reading it. Each run is recorded in",
  '.nbpromote/runs/; unchanged steps are taken from .nbpromote/cache/.',
  '',
  'parameters: name -> default and type (int, float, str, bool, list, tuple, dict, none, path).',
  'steps: in dependency order; inputs are parameters or outputs of earlier steps, passed in order; cells: the',
  "notebook's cells each step came from, by id when the notebook has ids, and by index from 0 (messages say",
  "\"cell 5\" for index 4).",
  'metrics: computed after the last step; expected values are checked by the generated tests.',
  '',
  'Edit parameter defaults and the metrics tolerance freely: re-promoting keeps your edits, rewrites the rest,',
  'and asks for --merge when the notebook changed this file too.',
];


/**
 * pipeline.yaml's text for `config`, deterministically: `header` (one or more lines, e.g. "Generated by
 * nbpromote 0.3.0 from examples/churn.ipynb.") and a fixed explanation as comments at the top, then the
 * keys in the order of `PipelineConfig`. Parameters and expected metrics keep the order they have in `config`.
 */
export function renderPipelineConfig(config: PipelineConfig, header: string): string {
  const out: string[] = [];
  const comment = (line: string): string => (line === '' ? '#' : `# ${line}`);
  if (header.trim() !== '') out.push(...header.trimEnd().split(/\r?\n/).map(comment), '#');
  out.push(...EXPLANATION.map(comment));
  out.push('');
  out.push(`schema_version: ${flowYaml(config.schema_version)}`);
  out.push(`package: ${flowYaml(config.package)}`);
  out.push(`version: ${flowYaml(config.version)}`);
  out.push(`notebook: ${flowYaml(config.notebook)}`);
  out.push(`workdir: ${flowYaml(config.workdir)}`);
  out.push('');
  out.push(...renderParameters(config.parameters));
  out.push('');
  out.push(...renderSteps(config.steps));
  if (config.metrics !== undefined) {
    out.push('');
    out.push(...renderMetrics(config.metrics));
  }
  return `${out.join('\n')}\n`;
}

function renderParameters(parameters: PipelineConfig['parameters']): string[] {
  const names = Object.keys(parameters);
  if (names.length === 0) return ['parameters: {}'];
  const lines = ['parameters:'];
  for (const name of names) {
    const spec = parameters[name];
    if (spec === undefined) continue;
    // A whole float as the notebook wrote it, `1.0`, not `1` (round 63 LLL: it read as an int; the type said float).
    const ordered = { default: spec.type === 'float' ? wholeFloat(spec.default) : spec.default, type: spec.type, ...(spec.items === undefined ? {} : { items: spec.items }), ...(spec.floats === undefined ? {} : { floats: spec.floats }), ...(spec.choices === undefined ? {} : { choices: spec.choices }), ...(spec.description === undefined ? {} : { description: spec.description }) };
    lines.push(`  ${flowYaml(name)}: ${flowYaml(ordered)}`);
  }
  return lines;
}

function renderSteps(steps: PipelineConfig['steps']): string[] {
  if (steps.length === 0) return ['steps: []'];
  const lines = ['steps:'];
  for (const step of steps) {
    lines.push(`  - name: ${flowYaml(step.name)}`);
    lines.push(`    module: ${flowYaml(step.module)}`);
    lines.push(`    function: ${flowYaml(step.function)}`);
    lines.push(`    cells: ${flowYaml(step.cells.map((cell) => (cell.id === undefined ? { index: cell.index } : { id: cell.id })))}`);
    lines.push(`    inputs: ${flowYaml(step.inputs)}`);
    lines.push(`    outputs: ${flowYaml(step.outputs)}`);
    lines.push(`    after: ${flowYaml(step.after)}`);
    if (step.always_run !== undefined) lines.push(`    always_run: ${flowYaml(step.always_run)}`);
    if (step.recorded !== undefined && Object.keys(step.recorded).length > 0) lines.push(`    recorded: ${flowYaml(step.recorded)}`);
  }
  return lines;
}

function renderMetrics(metrics: NonNullable<PipelineConfig['metrics']>): string[] {
  const lines = ['metrics:'];
  // The tolerance first, away from what promotions change (`inputs`, `expected`): a person's edit of it merges with
  // them (round 57 ZZ: next to `expected:`, `--merge` left conflict markers whenever the expected metrics changed).
  const tolerance = metrics.tolerance;
  if (tolerance !== undefined) {
    const ordered = { ...(tolerance.relative !== undefined ? { relative: tolerance.relative } : {}), ...(tolerance.absolute !== undefined ? { absolute: tolerance.absolute } : {}) };
    lines.push(`  tolerance: ${flowYaml(ordered)}`);
  }
  lines.push(`  module: ${flowYaml(metrics.module)}`, `  function: ${flowYaml(metrics.function)}`, `  inputs: ${flowYaml(metrics.inputs)}`);
  if (metrics.expected !== undefined) lines.push(`  expected: ${flowYaml(metrics.expected)}`);
  if (metrics.shown_decimals !== undefined) lines.push(`  shown_decimals: ${flowYaml(metrics.shown_decimals)}`);
  if (metrics.shown_truncated !== undefined) lines.push(`  shown_truncated: ${flowYaml(metrics.shown_truncated)}`);
  return lines;
}

