import * as assert from 'node:assert/strict';
import { initPythonParser } from '../analysis/python/parser';
import type { PipelineConfig } from '../contract/pipelineConfig';
import { functionArguments, keptConfigProblems } from './keptConfig';

const GENERATED: PipelineConfig = {
  schema_version: 1,
  package: 'nb',
  version: '0.1.0',
  notebook: 'nb.ipynb',
  workdir: '.',
  parameters: { seed: { default: 1, type: 'int' } },
  steps: [{ name: 'gen', module: 'nb.steps.gen', function: 'gen', cells: [], inputs: ['seed'], outputs: ['x', 'y'], after: [] }],
  metrics: { module: 'nb.metrics', function: 'compute_metrics', inputs: ['x', 'y'] },
};

describe('keptConfigProblems', () => {
  before(async () => {
    await initPythonParser();
  });
  const check = (config: PipelineConfig, kept: Record<string, string> = {}): string[] =>
    keptConfigProblems(config, () => ({ line: 3 }), '/out/pipeline.yaml', { root: '/', generated: GENERATED, keptText: (p) => kept[p] }).map((p) => p.message);

  it('reads the positional arguments of a top-level function, decorated, typed or with defaults', () => {
    assert.deepEqual(functionArguments('import x\n\n@cache\ndef gen(seed: int, n=2, /, k: float = 1.0, *, z=3, **kw) -> None:\n    pass\n', 'gen'), ['seed', 'n', 'k']);
    assert.equal(functionArguments('def gen(*values):\n    pass\n', 'gen'), undefined);
    assert.equal(functionArguments('def other(a):\n    pass\n', 'gen'), undefined);
  });

  it('compares inputs with the kept module\'s own function when a person edited it, else with what promotion generated', () => {
    assert.deepEqual(check(GENERATED), []);
    const more = { ...GENERATED, steps: [{ ...GENERATED.steps[0]!, inputs: ['seed', 'again'] }] };
    assert.match(check(more)[0] ?? '', /^pipeline\.yaml gives the step 'gen' the inputs \[seed, again\], but its function nb\.steps\.gen\.gen takes \(seed\);/);
    // The person gave the function a second argument and pipeline.yaml the input: what runs agrees.
    assert.deepEqual(check(more, { 'src/nb/steps/gen.py': 'def gen(seed, again):\n    return seed, again\n' }), []);
    const swapped = { ...GENERATED, metrics: { ...GENERATED.metrics!, inputs: ['y', 'x'] } };
    assert.match(check(swapped)[0] ?? '', /^pipeline\.yaml gives the metrics the inputs \[y, x\], but its function nb\.metrics\.compute_metrics takes \(x, y\) \(the same names in another order/);
  });
});
