/**
 * The dependencies of a promoted package: what its pyproject.toml lists (the distributions of the modules the
 * generated code imports, the notebook's `pip install` requirements, pyyaml for the runtime), who needs each,
 * and which of them a person's own pyproject.toml does not list. Pure.
 *
 * Distribution names are compared as pip compares them (PEP 503: case-insensitive, runs of `-`, `_` and `.`
 * alike); version specifiers, extras and markers do not count when asking whether a file lists one
 * (`scikit-learn>=1.3` lists scikit-learn).
 */
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import type { StepGraph } from '../contract/stepGraph';
import { andList } from '../util/words';
import { distributionFor } from './distributions';


// smol-toml ships CommonJS beside its ES module; its types are declared for the ES module only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlError } = require('smol-toml') as typeof SmolToml;

export interface InferredDependency {
  /** As pyproject.toml lists it: `scipy`, `scikit-learn==1.3.0` (a pinned requirement wins over the bare name). */
  readonly requirements: readonly string[];
  /** The PEP 503 name (`scikit-learn`); undefined for a requirement that names no distribution (a URL). */
  readonly name: string | undefined;
  /** Who needs it, in words, in the order found: `the generated pipeline`, `the shared cells`, `step apply`, `the metrics`, `test cell 7`. */
  readonly usedBy: readonly string[];
}

/** What installs a requirement of the notebook's `pip install` commands, as {@link InferredDependency.usedBy} says it. */
const INSTALLED = 'a `pip install` in the notebook';

/** The cells every step shares (imports, functions), as {@link InferredDependency.usedBy} says them. */
const SHARED = 'the shared cells';

/**
 * The package's dependencies, sorted by requirement: the distribution of every module the generated code
 * imports (the project's own `localModules` and the standard library aside), the notebook's `pip install`
 * requirements, and pyyaml (the runtime reads pipeline.yaml with it). One entry per distribution: a
 * requirement with a version, extras or a marker (`scikit-learn==1.3.0`) replaces the bare name an import
 * gives (`scikit-learn`).
 */
export function inferredDependencies(graph: StepGraph, localModules: ReadonlySet<string> | undefined): InferredDependency[] {
  const found = new Map<string, { requirements: string[]; name: string | undefined; usedBy: string[] }>();
  const add = (requirement: string, who: string): void => {
    const name = requirementName(requirement);
    const key = name ?? requirement;
    const entry = found.get(key) ?? { requirements: [], name, usedBy: [] };
    found.set(key, entry);
    if (!entry.requirements.includes(requirement)) entry.requirements.push(requirement);
    if (!entry.usedBy.includes(who)) entry.usedBy.push(who);
  };
  add('pyyaml', 'the generated pipeline');
  const units: [who: string, imports: readonly string[]][] = [
    [SHARED, graph.common.imports],
    ...graph.steps.map((step): [string, readonly string[]] => [`step ${step.name}`, step.imports]),
    ...(graph.metrics === undefined ? [] : [['the metrics', graph.metrics.imports] as [string, readonly string[]]]),
    ...graph.tests.map((test): [string, readonly string[]] => [`test cell ${test.name.replace(/^test:/, '')}`, test.imports]),
  ];
  for (const [who, imports] of units) {
    for (const statement of imports) {
      for (const dotted of importedModules(statement)) {
        if (localModules?.has(dotted.split('.')[0] ?? dotted) === true) continue;
        const distribution = distributionFor(dotted);
        if (distribution !== undefined) add(distribution, who);
      }
    }
  }
  for (const requirement of graph.requirements) add(requirement, INSTALLED);
  const dependencies = [...found.values()].map((entry) => {
    const specific = entry.requirements.filter((r) => !/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*$/.test(r));
    return { requirements: specific.length > 0 ? specific : entry.requirements.slice(0, 1), name: entry.name, usedBy: entry.usedBy };
  });
  return dependencies.sort((a, b) => (a.requirements[0] ?? '').localeCompare(b.requirements[0] ?? ''));
}

/**
 * The dotted modules an import statement takes names from: `import a.b as c, d` gives a.b and d; `from a.b import
 * c, d` gives a.b.c and a.b.d (a submodule or a name of a.b: the start says the distribution either way, and
 * `from google.cloud import storage` needs the name to say which).
 */
function importedModules(statement: string): string[] {
  const from = /^from\s+([\w.]+)\s+import\s+\(?([^)]*)\)?/.exec(statement);
  if (from === null) return dottedModules(statement);
  const names = (from[2] ?? '').split(',').map((n) => n.trim().split(/\s+/)[0] ?? '').filter((n) => /^\w+$/.test(n));
  return names.length === 0 ? [from[1] ?? ''] : names.map((n) => `${from[1] ?? ''}.${n}`);
}

/** The dotted modules an import statement names: `from src.features import f` -> src.features; `import a.b as c, d` -> a.b, d. */
export function dottedModules(statement: string): string[] {
  const from = /^\s*from\s+([\w.]+)\s+import\b/.exec(statement);
  if (from?.[1] !== undefined) return [from[1]];
  const plain = /^\s*import\s+(.+)$/s.exec(statement);
  return (plain?.[1] ?? '').split(',').map((part) => part.trim().split(/\s+/)[0] ?? '').filter((m) => /^[\w.]+$/.test(m));
}

/**
 * The PEP 503 name of the distribution a requirement names: `Scikit_Learn[alldeps]>=1.3; python_version>"3.8"`
 * -> `scikit-learn`; undefined when it names none (`git+https://...`, a path).
 */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(.*)$/s.exec(requirement);
  if (match?.[1] === undefined) return undefined;
  const rest = match[2] ?? '';
  if (rest !== '' && !/^[[(;@<>=!~]/.test(rest)) return undefined;
  return normalizedName(match[1]);
}

/** PEP 503: lower case, each run of `-`, `_` and `.` one `-`. */
export function normalizedName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * The PEP 503 names of the distributions a pyproject.toml lists as dependencies: `[project]`'s `dependencies`
 * array, or the keys of `[tool.poetry.dependencies]` (python aside); none when it has neither (a `[project]`
 * without the key, a file of tools' settings only: round 38 M). Undefined when its dependencies are declared
 * `dynamic` (read from another file) or it is no valid TOML: then nobody can tell from it what it lists.
 */
export function listedDependencies(pyproject: string): ReadonlySet<string> | undefined {
  const document = parsedToml(pyproject);
  if (document === undefined) return undefined;
  const projectTable = tomlTable(document['project']);
  const dynamic = projectTable?.['dynamic'];
  if (Array.isArray(dynamic) && dynamic.includes('dependencies')) return undefined;
  const project = projectTable?.['dependencies'];
  const poetry = tomlTable(tomlTable(tomlTable(document['tool'])?.['poetry'])?.['dependencies']);
  const listed = new Set<string>();
  if (Array.isArray(project)) {
    for (const requirement of project) {
      const name = typeof requirement === 'string' ? requirementName(requirement) : undefined;
      if (name !== undefined) listed.add(name);
    }
  }
  for (const key of Object.keys(poetry ?? {})) if (key.toLowerCase() !== 'python') listed.add(normalizedName(key));
  return listed;
}

function tomlTable(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Whether a pyproject.toml describes a package at all: a `[project]` or `[tool.poetry]` table (else it holds tools' settings only). */
function describesPackage(pyproject: string): boolean {
  const document = parsedToml(pyproject);
  return document === undefined || tomlTable(document['project']) !== undefined || tomlTable(tomlTable(document['tool'])?.['poetry']) !== undefined;
}

/** The TOML document `text` holds, or undefined when it is no valid TOML ({@link tomlSyntaxError} says why). */
function parsedToml(text: string): Record<string, unknown> | undefined {
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}

/** Why `text` is no valid TOML, with its 1-based line and column; undefined when it is valid. */
export function tomlSyntaxError(text: string): { line: number; column: number; message: string } | undefined {
  try {
    parseToml(text);
    return undefined;
  } catch (ex) {
    if (!(ex instanceof TomlError)) throw ex;
    // smol-toml's message repeats the lines around the error with a caret; the first line says what is wrong.
    const what = ex.message.split('\n')[0]?.replace(/^Invalid TOML document:\s*/, '') ?? 'invalid TOML';
    return { line: ex.line, column: ex.column, message: what };
  }
}

/**
 * The inferred dependencies a person's pyproject.toml does not list, or [] when it lists them all or nobody can
 * tell what it lists (see {@link listedDependencies}). Requirements that name no distribution are not checked.
 */
export function missingDependencies(pyproject: string, inferred: readonly InferredDependency[]): InferredDependency[] {
  const listed = listedDependencies(pyproject);
  if (listed === undefined) return [];
  return inferred.filter((d) => d.name !== undefined && !listed.has(d.name));
}

/**
 * The warning for a person's pyproject.toml that does not list `missing` (not empty): "pyproject.toml is yours
 * and is kept; it does not list scipy, which step apply imports, so ...".
 */
export function missingDependenciesMessage(path: string, missing: readonly InferredDependency[], pyproject?: string): string {
  const [only] = missing;
  const what = missing.length === 1 && only !== undefined ? `${only.requirements.join(' and ')}, which ${whoNeeds(only, '')}` : andList(missing.map((d) => `${d.requirements.join(' and ')} (${whoNeeds(d, ' it')})`));
  const them = missing.length === 1 ? 'it' : 'them';
  if (pyproject !== undefined && !describesPackage(pyproject)) {
    return `${path} is yours and is kept; it holds tools' settings only, no \`[project]\` table, so neither the package nor ${what} can be installed from it (\`pip install -e .\`). Add a \`[project]\` table with the package's name, version and \`dependencies\`, or promote into another --out folder to have one generated`;
  }
  return `${path} is yours and is kept; it does not list ${what}, so installing the package (\`pip install -e .\`) leaves ${them} out. Add ${them} to its \`dependencies\`, or delete the file and promote again to have it generated, and kept up to date while you leave it as written`;
}

/** `steps gen and apply import<object>`, `the metrics import<object>s and the notebook installs<object> with pip`. */
function whoNeeds(dependency: InferredDependency, object: string): string {
  const steps = dependency.usedBy.filter((w) => w.startsWith('step ')).map((w) => w.slice('step '.length));
  const units = dependency.usedBy.filter((w) => !w.startsWith('step ') && w !== INSTALLED && w !== SHARED);
  // The shared cells list every import of an imports cell, used or not: named only when nothing else imports it.
  const others = steps.length + units.length === 0 && dependency.usedBy.includes(SHARED) ? [SHARED] : units;
  const importers = [...steps.map((name, i) => (i === 0 ? `${steps.length === 1 ? 'step' : 'steps'} ${name}` : name)), ...others];
  const imports = importers.length === 0 ? [] : [`${andList(importers)} ${steps.length + others.length === 1 ? 'imports' : 'import'}${object}`];
  const installs = dependency.usedBy.includes(INSTALLED) ? [`the notebook installs${object} with pip`] : [];
  return andList([...imports, ...installs]);
}
