/**
 * Test helpers: build `Notebook` objects in memory, without the notebook reader. Used by unit tests only.
 */
import * as assert from 'node:assert/strict';
import type { CellKind, Notebook, NotebookCell, NotebookFormat } from '../contract/notebook';
import type { TagResult } from '../contract/roles';
import { isIdentifier, moduleNameIssue } from './names';

/** A cell for {@link makeNotebook}: a bare string is an untagged code cell. */
export interface CellSpec {
  readonly kind?: CellKind;
  readonly source?: string | readonly string[];
  readonly tags?: readonly string[];
  /** Defaults to `c<index+1>`; `null` for a cell without an id. */
  readonly id?: string | null;
  readonly fileLine?: number;
}

export interface NotebookOptions {
  readonly path?: string;
  readonly format?: NotebookFormat;
}

/** A notebook of the given cells, `nb.ipynb` by default, nbformat 4.5, Python. */
export function makeNotebook(cells: readonly (CellSpec | string)[], options: NotebookOptions = {}): Notebook {
  return {
    path: options.path ?? 'nb.ipynb',
    format: options.format ?? 'ipynb',
    nbformat: 4,
    nbformatMinor: 5,
    language: 'python',
    metadata: {},
    cells: cells.map((spec, index) => makeCell(typeof spec === 'string' ? { source: spec } : spec, index)),
  };
}

function makeCell(spec: CellSpec, index: number): NotebookCell {
  const id = spec.id === undefined ? `c${index + 1}` : spec.id;
  const source = typeof spec.source === 'string' ? spec.source : (spec.source ?? []).join('');
  const tags = spec.tags ?? [];
  return {
    index,
    ...(id !== null ? { id } : {}),
    kind: spec.kind ?? 'code',
    source,
    tags,
    metadata: tags.length > 0 ? { tags } : {},
    ...(spec.fileLine !== undefined ? { fileLine: spec.fileLine } : {}),
  };
}

/**
 * A `Notebook` from well-formed nbformat 4 JSON, for fixtures. Deliberately minimal (no validation, no
 * nbformat 3): the real reader is `core/notebook`.
 */
export function notebookFromJson(text: string, path: string): Notebook {
  const json = JSON.parse(text) as { nbformat: number; nbformat_minor: number; cells: readonly RawCell[] };
  const cells = json.cells.map((raw, index) =>
    makeCell(
      {
        kind: raw.cell_type,
        source: raw.source,
        tags: Array.isArray(raw.metadata?.tags) ? raw.metadata.tags : [],
        id: raw.id ?? null,
      },
      index,
    ),
  );
  return { ...makeNotebook([], { path }), nbformat: json.nbformat, nbformatMinor: json.nbformat_minor, cells };
}

interface RawCell {
  readonly cell_type: CellKind;
  readonly id?: string;
  readonly source: string | readonly string[];
  readonly metadata?: { readonly tags?: readonly string[] };
}

/**
 * Assert what every `TagResult` promises: every name is an identifier, every `stepName`, `inStep` and
 * `after` names a listed step, and the `after` edges form no cycle.
 */
export function assertTagInvariants(result: TagResult): void {
  const names = new Set(result.steps.map((s) => s.name));
  for (const name of names) assert.ok(isIdentifier(name), `step name ${name}`);
  if (result.defaultExp !== undefined) assert.equal(moduleNameIssue(result.defaultExp), undefined);
  for (const cell of result.cells) {
    for (const name of [cell.stepName, cell.inStep, ...cell.after]) if (name !== undefined) assert.ok(names.has(name), `unknown step ${name}`);
  }
  const after = new Map(result.steps.map((s) => [s.name, s.after]));
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) return;
    assert.ok(!visiting.has(name), `cycle through ${name}`);
    visiting.add(name);
    for (const dep of after.get(name) ?? []) visit(dep);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of names) visit(name);
}
