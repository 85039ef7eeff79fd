/**
 * Test helpers for the tests that promote a small notebook and run what was generated with Debian's Python.
 * Used by unit tests only.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promoteNotebook } from '../promote/promote';
import type { PromoteOutcome } from '../promote/promote';

/** Debian's Python, with pandas, scikit-learn, pytest and PyYAML. */
export const PYTHON = '/usr/bin/python3';

/** A code cell of {@link notebookJson}: its tags and source. */
export interface TestCell {
  readonly tags?: readonly string[];
  readonly source: string;
}

/** Three steps, load, features and train (the total is 12); and {@link FEATURES_MERGED}, the same with features merged into train. */
export const THREE_STEPS: readonly TestCell[] = [
  { tags: ['step:load'], source: 'values = [1, 2, 3]' },
  { tags: ['step:features'], source: 'doubled = [v * 2 for v in values]' },
  { tags: ['step:train'], source: 'total = sum(doubled)' },
];
export const FEATURES_MERGED: readonly TestCell[] = [
  { tags: ['step:load'], source: 'values = [1, 2, 3]' },
  { tags: ['step:train'], source: 'total = sum(v * 2 for v in values)' },
];

/** An nbformat 4.5 notebook of code cells (ids `c0`, `c1`, ...), as JSON text. */
export function notebookJson(cells: readonly TestCell[]): string {
  return JSON.stringify({
    cells: cells.map((c, i) => ({ cell_type: 'code', id: `c${i}`, metadata: c.tags === undefined ? {} : { tags: c.tags }, execution_count: null, outputs: [], source: c.source })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/** Whether {@link PYTHON} is there with PyYAML, pytest and `modules` (`pandas`, `sklearn` ...): the tests running it skip otherwise. */
export function hasPython(...modules: string[]): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${['yaml', 'pytest', ...modules].join(', ')}`]).status === 0;
}

/**
 * `cells` written as nb.ipynb in a new temporary folder (named after `label`) and promoted into its `out/`,
 * which must succeed. The caller removes `dir`.
 */
export async function promoteCells(cells: readonly TestCell[], label = 'test'): Promise<{ dir: string; out: string; outcome: PromoteOutcome }> {
  const dir = mkdtempSync(join(tmpdir(), `nbpromote-${label}-`));
  writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
  const outcome = await promoteNotebook({ notebook: 'nb.ipynb', cwd: dir, out: 'out', toolVersion: 'test' });
  assert.ok(outcome.ok, JSON.stringify(outcome.problems));
  return { dir, out: join(dir, 'out'), outcome };
}

/** {@link promoteCells}, then `check` on the promoted folder `out`; the temporary folder is removed after. */
export async function withPromotedCells(cells: readonly TestCell[], label: string, check: (out: string) => void): Promise<void> {
  const { dir, out } = await promoteCells(cells, label);
  try {
    check(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `python -m <pkg>.pipeline --json` prints. */
export interface PipelineJson {
  readonly run_id: string;
  readonly metrics: Record<string, number>;
  readonly steps: { name: string; status: string; why?: string }[];
}

/** `python -m <pkg>.pipeline --json ...args` in the promoted folder `out`: exit 0 is asserted, the JSON read. */
export function runPipelineOf(pkg: string, out: string, ...args: string[]): PipelineJson {
  const r = spawnSync(PYTHON, ['-m', `${pkg}.pipeline`, '--json', ...args], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PipelineJson;
}

/** {@link runPipelineOf} for the package `nb` (what a notebook `nb.ipynb` becomes). */
export function runPipeline(out: string, ...args: string[]): PipelineJson {
  return runPipelineOf('nb', out, ...args);
}

/** The generated tests of the promoted folder `out`, run by pytest. */
export function runPytest(out: string): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--color=no', 'tests'], { cwd: out, env: { ...process.env, PYTHONPATH: join(out, 'src') }, encoding: 'utf8' });
}

/** pyflakes reports nothing on the promoted folder `out` (its src/ and tests/), when Debian's pyflakes is there. */
export function assertFlakesQuiet(out: string): void {
  const flakes = spawnSync(PYTHON, ['-m', 'pyflakes', 'src', 'tests'], { cwd: out, encoding: 'utf8' });
  if (flakes.error !== undefined || /No module named pyflakes/.test(flakes.stderr)) return;
  assert.equal(flakes.stdout + flakes.stderr, '');
}
