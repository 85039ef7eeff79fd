// Names spelled with compatibility characters (round 16): Python reads `ﬁnal_threshold`, with the ligature
// U+FB01, as `final_threshold`, so the names the package generates (step parameters, outputs, `del`) are the
// normalised ones, and the package run with Debian's Python gives the notebook's numbers.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertFlakesQuiet, hasPython, promoteCells, runPipeline } from './testing';

describe('planPromotion: names Python normalises (NFKC)', function () {
  this.timeout(120_000);

  it('a step setting `ﬁnal_threshold` gives the later step that value, not the parameter of the same name', async function () {
    const { dir, out } = await promoteCells(
      [
        { tags: ['parameters'], source: 'final_threshold = 0.5' },
        { tags: ['step:evaluate'], source: 'proba = [0.2, 0.4, 0.6]\n\ufb01nal_threshold = 0.35' },
        { tags: ['step:decide'], source: 'positives = sum(p >= final_threshold for p in proba)' },
        { tags: ['metrics'], source: 'print("positives", positives)' },
      ],
      'nfkc',
    );
    try {
      const evaluate = readFileSync(join(out, 'src', 'nb', 'steps', 'evaluate.py'), 'utf8');
      assert.match(evaluate, /return EvaluateOutputs\(proba=proba, final_threshold=final_threshold\)/);
      assert.doesNotMatch(evaluate, /del \ufb01nal_threshold/);
      if (!hasPython('pyflakes')) this.skip();
      assertFlakesQuiet(out);
      // The notebook counts 0.4 and 0.6 (threshold 0.35); with the parameter's 0.5 it would count 1.
      assert.equal(runPipeline(out).metrics['positives'], 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
