// Every example notebook, promoted by the built CLI: its generated files compile and pass pyflakes, its
// generated tests pass under Debian's Python, and `nbpromote run --json` reports the metrics the notebook itself
// gives under nbconvert. The examples are split over `parts` suites (files) that mocha runs side by side
// (`--parallel`): each takes every `parts`-th example, in its own folder.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { executeForMetrics } from '../../src/core/promote/execute';
import { promoteNotebook } from '../../src/core/promote/promote';
import { silentLogger } from '../../src/core/util/logger';
import { root } from './cli';
import type { RunJson } from './promoteRun';
import { examplesCopy, nbpromote, py, pyFiles, python } from './promoteRun';

/** The suite of the examples whose place in name order is `part` modulo `parts` (part 0 also checks there are five). */
export function describeExamples(part: number, parts: number): void {
  describe(`promote the examples and reproduce their metrics (real Python), part ${part + 1} of ${parts}`, function () {
    this.timeout(600_000);
    const work = examplesCopy('nbpromote-e2e-examples-');

    const all = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ipynb') || f.endsWith('.py')).sort();
    if (part === 0) it('has at least five examples', () => assert.ok(all.length >= 5, all.join(', ')));
    const examples = all.filter((_, i) => i % parts === part);

    for (const example of examples) {
      describe(example, () => {
        const name = example.replace(/\.(ipynb|py)$/, '');
        const out = (): string => join(work(), `out-${name}`);

        it('promotes, and every generated file compiles and passes pyflakes', () => {
          const promoted = nbpromote(work(), 'promote', `examples/${example}`, '--out', `out-${name}`, '--json');
          assert.equal(promoted.status, 0, promoted.stderr);
          const doc = JSON.parse(promoted.stdout) as { ok: boolean; steps: unknown[]; files: { path: string; action: string }[] };
          assert.ok(doc.ok);
          assert.ok(doc.steps.length >= 2);
          assert.ok(doc.files.every((f) => f.action === 'created'), JSON.stringify(doc.files));
          const files = pyFiles(out());
          const compiled = py(out(), '-m', 'py_compile', ...files);
          assert.equal(compiled.status, 0, compiled.stderr);
          const flakes = py(out(), '-m', 'pyflakes', 'src', 'tests');
          assert.equal(flakes.stdout + flakes.stderr, '', 'pyflakes reports nothing');
        });

        it('its generated tests pass under pytest', () => {
          const tests = py(out(), '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests');
          assert.equal(tests.status, 0, tests.stdout + tests.stderr);
          assert.match(tests.stdout, /\d+ passed/);
        });

        it('nbpromote run --json reports the metrics the notebook gives under nbconvert --execute', async () => {
          const run = nbpromote(work(), 'run', '--out', `out-${name}`, '--json');
          assert.equal(run.status, 0, run.stderr);
          const result = JSON.parse(run.stdout) as RunJson;
          assert.equal(result.status, 'finished');
          const dry = await promoteNotebook({ notebook: `examples/${example}`, cwd: work(), out: `out-${name}`, dryRun: true, toolVersion: 'test' });
          assert.ok(dry.metricsProbe !== undefined, 'the example has a metrics cell');
          const notebook = await executeForMetrics({ notebook: `examples/${example}`, cwd: work(), python, probe: dry.metricsProbe, logger: silentLogger });
          assert.ok(notebook.size > 0, 'the executed notebook computed metrics');
          for (const [metric, value] of notebook) {
            const got = result.metrics[metric];
            assert.ok(got !== undefined, `run has ${metric}: ${JSON.stringify(result.metrics)}`);
            assert.ok(Math.abs(got - value) <= 1e-9 * Math.max(Math.abs(value), 1e-300), `${metric}: run ${got}, notebook ${value}`);
          }
        });

        it('a second nbpromote run with nothing changed runs no step', () => {
          const run = nbpromote(work(), 'run', '--out', `out-${name}`, '--json');
          assert.equal(run.status, 0, run.stderr);
          const result = JSON.parse(run.stdout) as RunJson;
          assert.deepEqual(result.steps.filter((s) => s.status !== 'cached').map((s) => s.name), [], run.stderr);
        });
      });
    }
  });
}
