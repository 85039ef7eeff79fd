import * as assert from 'node:assert/strict';
import type { Problem } from '../contract/problem';
import type { TagResult } from '../contract/roles';
import type { CellSpec, NotebookOptions } from './testing';
import { formatProblem } from '../contract/problem';
import { readRoles } from './roles';
import { assertTagInvariants, makeNotebook } from './testing';

function read(cells: readonly (CellSpec | string)[], options?: NotebookOptions): TagResult {
  return readRoles(makeNotebook(cells, options));
}

/**
 * One word per cell: `step:<name>` for a cell starting a step, `><name>` for a cell joining one, the role(s)
 * (`>` in front when continued from above), `preamble`, or `-` for a cell with nothing.
 */
function shape(result: TagResult): string[] {
  return result.cells.map((c) => {
    if (c.stepName !== undefined) return `step:${c.stepName}`;
    if (c.inStep !== undefined) return `>${c.inStep}`;
    if (c.roles.length > 0) return `${c.continuedFrom !== undefined ? '>' : ''}${c.roles.join('+')}`;
    return c.preamble ? 'preamble' : '-';
  });
}

function codes(result: TagResult): string[] {
  return result.problems.map((p) => p.code);
}

function only(result: TagResult, code: string): Problem {
  const found = result.problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `one ${code} problem expected, got: ${result.problems.map(formatProblem).join(' | ')}`);
  const [problem] = found;
  assert.ok(problem);
  return problem;
}

function steps(result: TagResult): Record<string, { cells: readonly number[]; after: readonly string[] }> {
  return Object.fromEntries(result.steps.map((s) => [s.name, { cells: s.cellIndices, after: s.after }]));
}

describe('readRoles', () => {
  describe('native tags', () => {
    const result = read([
      { source: 'import pandas as pd', tags: ['imports'] },
      { source: 'def f(x): return x', tags: ['functions'] },
      { source: 'C = 1.0', tags: ['parameters'] },
      { source: 'df = pd.read_csv("x")', tags: ['step:load'] },
      'df = df.dropna()',
      { source: 'model = fit(df, C)', tags: ['step:train', 'after:load'] },
      { source: 'df.head()', tags: ['skip'] },
      'model.save()',
      { source: 'accuracy', tags: ['metrics'] },
      { source: 'assert accuracy > 0', tags: ['test'] },
    ]);

    it('gives every cell its role, and untagged cells the step above them', () => {
      assert.deepEqual(shape(result), ['imports', 'functions', 'parameters', 'step:load', '>load', 'step:train', 'skip', '>train', 'metrics', 'test']);
    });
    it('lists steps in notebook order with their cells and explicit dependencies', () => {
      assert.deepEqual(steps(result), { load: { cells: [3, 4], after: [] }, train: { cells: [5, 7], after: ['load'] } });
      assert.deepEqual(result.steps[1]?.cellIds, ['c6', 'c8']);
    });
    it('says where each role came from', () => {
      assert.deepEqual(result.cells[5]?.sources, [
        { role: 'step', convention: 'native', from: 'tag', raw: 'step:train' },
        { role: 'after', convention: 'native', from: 'tag', raw: 'after:load' },
      ]);
      assert.equal(result.cells[7]?.continuedFrom, 5);
      assert.deepEqual(result.cells[7]?.sources, []);
    });
    it('reports the native convention, roles and no problems', () => {
      assert.deepEqual(result.conventions, ['native']);
      assert.equal(result.hasRoles, true);
      assert.deepEqual(result.problems, []);
      assert.equal(result.file, 'nb.ipynb');
    });
  });

  // Round 69 WWW: a cell failing on purpose, tagged so for nbclient, was copied into a step and every run failed.
  describe("Jupyter's raises-exception tag", () => {
    it('leaves out a cell with it and no role of ours, as skip, and says so; a role of ours wins', () => {
      const result = read([{ source: 'x = 1', tags: ['step:load'] }, { source: 'x.plot(kind="scater")', tags: ['raises-exception'] }, 'y = x + 1', { source: 'z = y', tags: ['raises-exception', 'step:last'] }]);
      assert.deepEqual(shape(result), ['step:load', 'skip', '>load', 'step:last']);
      assert.deepEqual(codes(result).sort(), ['raises-exception-role', 'raises-exception-skipped']);
      assert.equal(only(result, 'raises-exception-skipped').cellIndex, 1);
    });
  });
  describe("Jupyter's raises-exception tag beside a role of ours (round 70 XXX)", () => {
    it('is an error naming the role: the package would run the cell and fail at every run', () => {
      const result = read([{ source: 'x = 1', tags: ['step:load'] }, { source: 'x.plot(kind="scater")', tags: ['raises-exception', 'metrics'] }]);
      assert.match(only(result, 'raises-exception-role').message, /tagged raises-exception, .* and `metrics`: the package would run it and fail at every run/);
      assert.equal(only(result, 'raises-exception-role').severity, 'error');
    });
  });

  describe('native directives', () => {
    const result = read([
      '#| imports\nimport re',
      '#| parameters\nn = 3',
      '#| step: load\ntext = "a b"',
      '#| step train\n#| after: load\nwords = text.split()',
      '#|step:report\n#| after: load, train\nprint(words)',
      '#| skip: true\nprint(1)',
      '#| skip: false\nprint(2)',
      '#| test\nassert words',
    ]);

    it('reads `#| ` lines like tags', () => {
      assert.deepEqual(shape(result), ['imports', 'parameters', 'step:load', 'step:train', 'step:report', 'skip', '>report', 'test']);
      assert.deepEqual(steps(result), { load: { cells: [2], after: [] }, train: { cells: [3], after: ['load'] }, report: { cells: [4, 6], after: ['load', 'train'] } });
      assert.deepEqual(result.conventions, ['native']);
      assert.deepEqual(result.problems, []);
    });
    it('records the directive line', () => {
      assert.deepEqual(result.cells[3]?.sources, [
        { role: 'step', convention: 'native', from: 'directive', raw: '#| step train', line: 1 },
        { role: 'after', convention: 'native', from: 'directive', raw: '#| after: load', line: 2 },
      ]);
    });
    it('takes the same step from a tag and a directive once', () => {
      const both = read([{ source: '#| step: train\nx = 1', tags: ['step:train'] }]);
      assert.deepEqual(both.cells[0]?.roles, ['step']);
      assert.deepEqual(both.problems, []);
    });
  });

  describe('Quarto `#| tags: [...]` directives', () => {
    it('reads each item of the list as a tag, quoted or not, at the directive line', () => {
      const result = read([
        '#| label: setup\nimport re',
        '#| tags: [parameters]\nn = 3',
        '#| label: load\n#| tags: ["step:load"]\ntext = "a b"',
        "#| tags: [step:train, 'after:load']  # fit\nwords = text.split()",
        '#| tags: [test]\nassert words',
      ]);
      assert.deepEqual(shape(result), ['preamble', 'parameters', 'step:load', 'step:train', 'test']);
      assert.deepEqual(steps(result), { load: { cells: [2], after: [] }, train: { cells: [3], after: ['load'] } });
      assert.deepEqual(result.cells[2]?.sources, [{ role: 'step', convention: 'native', from: 'directive', raw: 'step:load', line: 2 }]);
      assert.deepEqual(result.problems.filter((p) => p.code !== 'no-roles' && p.code !== 'preamble'), []);
    });
    it('makes a notebook whose only tag is `#| tags: [parameters]` a papermill one', () => {
      const result = read(['import re', '#| tags: [parameters]\nn = 3', 'print(n)']);
      assert.deepEqual(result.cells[1]?.roles, ['parameters']);
      assert.deepEqual(result.conventions, ['papermill']);
    });
    it('warns about a look-alike item as about the tag, on the directive line', () => {
      const result = read(['x = 1', '#| label: fit\n#| tags: [Step:train]\ny = x']);
      const problem = only(result, 'tag-malformed');
      assert.match(problem.message, /^tag `Step:train` looks like `step:train`/);
      assert.equal(problem.line, 2);
    });
  });

  describe('Kale', () => {
    const result = read([
      { source: 'import pandas', tags: ['imports'] },
      'import numpy',
      { source: 'def f(): pass', tags: ['functions'] },
      'def g(): pass',
      { source: 'rate = 0.5', tags: ['pipeline-parameters'] },
      'epochs = 3',
      { source: 'data = load()', tags: ['block:load'] },
      { source: 'w = fit(data)', tags: ['step:train', 'prev:load'] },
      { source: 'plot(w)', tags: ['skip'] },
      'total = w.sum()',
      { source: 'total', tags: ['pipeline-metrics'] },
      'other_metric',
    ]);

    it('follows Kale: untagged cells continue the tagged cell above, skip cells are passed over', () => {
      assert.deepEqual(shape(result), ['imports', '>imports', 'functions', '>functions', 'parameters', '>parameters', 'step:load', 'step:train', 'skip', '>train', 'metrics', '>metrics']);
      assert.deepEqual(steps(result), { load: { cells: [6], after: [] }, train: { cells: [7, 9], after: ['load'] } });
    });
    it('reports Kale for every tag, shared spellings included', () => {
      assert.deepEqual(result.conventions, ['kale']);
      assert.deepEqual(
        result.cells.flatMap((c) => c.sources.map((s) => s.convention)),
        Array.from({ length: 8 }, () => 'kale'),
      );
      assert.deepEqual(result.problems, []);
    });
    it('joins several cells tagged with one step into one step', () => {
      const joined = read([{ source: 'a', tags: ['step:a'] }, { source: 'b', tags: ['step:b'] }, { source: 'a2', tags: ['block:a'] }, 'a3']);
      assert.deepEqual(steps(joined), { a: { cells: [0, 2, 3], after: [] }, b: { cells: [1], after: [] } });
    });
    it('unknown Kale tags (limit:, annotation:) are ignored silently', () => {
      const other = read([{ source: 'x', tags: ['step:a', 'limit:nvidia.com/gpu:1', 'annotation:a:b', 'my-own'] }]);
      assert.deepEqual(shape(other), ['step:a']);
      assert.deepEqual(other.problems, []);
    });
  });

  describe('papermill', () => {
    it('reads `parameters` alone as papermill, one cell; the rest is the preamble', () => {
      const result = read([{ source: 'alpha = 0.5', tags: ['parameters'] }, 'result = alpha * 2', 'print(result)']);
      assert.deepEqual(shape(result), ['parameters', 'preamble', 'preamble']);
      assert.deepEqual(result.conventions, ['papermill']);
      assert.deepEqual(result.steps, []);
      assert.equal(result.hasRoles, true);
      assert.deepEqual(result.problems, []);
    });
    it('passes over a `parameters` cell: untagged cells after it join the step above', () => {
      const result = read([{ source: 'x', tags: ['step:a'] }, { source: 'n = 1', tags: ['parameters'] }, 'y']);
      assert.deepEqual(shape(result), ['step:a', 'parameters', '>a']);
      assert.deepEqual(result.conventions, ['native']);
    });
    it('reads papermill’s injected-parameters cell as parameters', () => {
      const result = read([{ source: 'alpha = 0.5', tags: ['parameters'] }, { source: 'alpha = 0.9', tags: ['injected-parameters'] }]);
      assert.deepEqual(shape(result), ['parameters', 'parameters']);
      assert.deepEqual(result.conventions, ['papermill']);
    });
  });

  describe('nbdev', () => {
    const result = read([
      '#| default_exp core',
      { kind: 'markdown', source: '# core' },
      '#| hide\nfrom nbdev.showdoc import *',
      '#| export\nimport re\nfrom collections import (\n    Counter,\n)',
      '#| export\ndef say(to): return f"Hello {to}!"',
      'say("Jeremy")',
      'test_eq(say("Hamel"), "Hello Hamel!")',
      '#| exporti\ndef _words(s): return re.findall(r"\\w+", s)',
      '#| hide\nassert _words("a b") == ["a", "b"]',
      '#| exports\nimport os\nx = os.sep',
      '#| hide\n#| export\nY = 2',
    ]);

    it('exports cells with an export directive, as imports when they hold only imports', () => {
      assert.deepEqual(shape(result), ['skip', '-', 'skip', 'imports', 'export', 'skip', 'test', 'export', 'test', 'export', 'export']);
    });
    it('reads the module name, and no step', () => {
      assert.equal(result.defaultExp, 'core');
      assert.deepEqual(result.steps, []);
      assert.deepEqual(result.conventions, ['nbdev']);
      assert.deepEqual(result.problems, []);
      assert.equal(result.hasRoles, true);
    });
    it('records nbdev directives as sources', () => {
      assert.deepEqual(result.cells[0]?.sources, [{ role: 'default_exp', convention: 'nbdev', from: 'directive', raw: '#| default_exp core', line: 1 }]);
      assert.deepEqual(result.cells[3]?.sources, [{ role: 'imports', convention: 'nbdev', from: 'directive', raw: '#| export', line: 1 }]);
      assert.deepEqual(
        result.cells[8]?.sources.map((s) => s.role),
        ['hide'],
      );
      assert.deepEqual(
        result.cells[10]?.sources.map((s) => s.role),
        ['export', 'hide'],
      );
    });
    it('keeps native tags working in an nbdev notebook; only bare cells right below a step join it', () => {
      const mixed = read(['#| default_exp core', { source: 'x = 1', tags: ['step:a'] }, 'y = 2', 'x = x[x > 0]', '#| export\ndef f(): pass', 'z = 3']);
      // The notebook ran `y = 2` and the filter in step a: dropping them (nbdev's skip) changes a's values.
      assert.deepEqual(shape(mixed), ['skip', 'step:a', '>a', '>a', 'export', 'skip']);
      assert.deepEqual(mixed.conventions, ['native', 'nbdev']);
      // A directive (`#| hide`) or an assert keeps nbdev's role, and ends the step.
      const marked = read(['#| default_exp core', { source: 'x = 1', tags: ['step:a'] }, '#| hide\nimport nbdev', 'y = 2', { source: 'w = 1', tags: ['step:b'] }, 'assert w == 1', 'v = 2']);
      assert.deepEqual(shape(marked), ['skip', 'step:a', 'skip', 'skip', 'step:b', 'test', 'skip']);
    });
    it('ignores `#| hide` in a notebook without default_exp or export', () => {
      const plain = read([{ source: 'x', tags: ['step:a'] }, '#| hide\nassert x']);
      assert.deepEqual(shape(plain), ['step:a', '>a']);
      assert.deepEqual(plain.cells[1]?.sources, []);
      assert.deepEqual(plain.conventions, ['native']);
    });
    it('accepts a dotted module name', () => {
      assert.equal(read(['#| default_exp core.utils', '#| export\nx = 1']).defaultExp, 'core.utils');
    });
  });

  describe('jupytext percent scripts', () => {
    it('adds jupytext to the conventions and keeps the tag spelling’s convention on each source', () => {
      const result = read([{ source: 'x', tags: ['block:a'] }, 'y'], { path: 'train.py', format: 'percent' });
      assert.deepEqual(result.conventions, ['kale', 'jupytext']);
      assert.equal(result.cells[0]?.sources[0]?.convention, 'kale');
    });
    it('does not claim jupytext for an untagged script', () => {
      assert.deepEqual(read(['x'], { format: 'percent' }).conventions, []);
    });
    it('gives directive problems the line in the file', () => {
      const result = read([{ source: '#| step: class\nx', fileLine: 12 }], { path: 'train.py', format: 'percent' });
      const problem = only(result, 'step-name-invalid');
      assert.equal(problem.line, 1);
      assert.equal(problem.fileLine, 12);
    });
  });

  describe('untagged cells', () => {
    it('before the first tagged cell are the preamble; markdown is passed over', () => {
      const result = read(['import os', { kind: 'markdown', source: '# Load' }, { source: 'x', tags: ['step:load'] }, { kind: 'markdown', source: 'note' }, 'y', { kind: 'raw', source: 'raw' }]);
      assert.deepEqual(shape(result), ['preamble', '-', 'step:load', '-', '>load', '-']);
      assert.equal(result.cells[1]?.preamble, false);
    });
    it('after a skip with nothing above are still the preamble', () => {
      assert.deepEqual(shape(read([{ source: 'x', tags: ['skip'] }, 'y'])), ['skip', 'preamble']);
    });
    it('after a native `test` cell are tests too', () => {
      assert.deepEqual(shape(read([{ source: 'x', tags: ['step:a'] }, { source: 'assert x', tags: ['test'] }, 'assert y'])), ['step:a', 'test', '>test']);
    });
  });

  describe('a notebook without roles', () => {
    const result = read([{ kind: 'markdown', source: '# Hi' }, 'x = 1', { source: 'y', tags: ['my-own-tag'] }]);
    it('says so, with one info problem that says how to tag', () => {
      assert.equal(result.hasRoles, false);
      const problem = only(result, 'no-roles');
      assert.equal(problem.severity, 'info');
      assert.equal(problem.file, 'nb.ipynb');
      assert.equal(problem.cellIndex, undefined);
      assert.match(problem.message, /^No cell has a role yet\. Tag the first cell of each step `step:<name>` \(or start it with `#\| step: <name>`\)/);
      assert.deepEqual(codes(result), ['no-roles']);
      assert.deepEqual(result.conventions, []);
    });
  });

  describe('step names', () => {
    it('refuses a path as a step name, names the cell and suggests an identifier', () => {
      const result = read([{ source: 'x', tags: ['step:../../x'], id: 'esc' }]);
      const problem = only(result, 'step-name-invalid');
      assert.equal(problem.severity, 'error');
      assert.equal(
        formatProblem(problem),
        'nb.ipynb: cell 1 (id esc): step name "../../x" in `step:../../x` is not allowed: step names become Python module names, so they must be identifiers (ASCII letters, digits and _; not starting with a digit). Try "x".',
      );
      assert.deepEqual(result.steps, []);
      assert.equal(result.cells[0]?.stepName, undefined);
    });

    const refused: readonly [string, RegExp][] = [
      ['step:class', /"class" in `step:class` is not allowed: it is a Python keyword.*Try "class_"/],
      ['block:1st', /"1st" .*Try "step_1st"/],
      ['step:a/b', /"a\/b" .*Try "a_b"/],
      ['step:a\\b', /"a\\\\b" .*Try "a_b"/],
      // Nothing ASCII left (round 57 ZZ: `训练` got no suggestion): a name by the cell.
      ['step:..', /"\.\." .*identifiers.*Try "step_1"\.$/],
      ['step:训练', /"训练" .*Try "step_1"\.$/],
      ['step:podział', /Try "podzial"/],
      ['step:load-data', /Try "load_data"/],
      ['step:données', /Try "donnees"/],
      ['step:__init__', /reserved/],
      // Never the refused name itself as the suggestion; the clash named is the one that happened.
      ['step:metrics', /the pipeline's metrics have that name already \(the metrics cell\): name the step after what it does\.$/],
      ['step:parameters', /\(the parameters cell\): name the step after what it does\.$/],
      // No suggestion: the name is an identifier, only too long; the tag is quoted cut short.
      [`step:${'t'.repeat(300)}`, /^step name "t{59}…" in `step:t{74}…` is not allowed: it is 300 characters long; step names become file names, so they are at most 100 characters\.$/],
    ];
    for (const [tag, message] of refused) {
      it(`refuses \`${tag}\``, () => {
        const result = read([{ source: 'x', tags: [tag] }]);
        assert.match(only(result, 'step-name-invalid').message, message);
        assert.deepEqual(result.steps, []);
      });
    }

    it('allows soft keywords', () => {
      const result = read([{ source: 'x', tags: ['step:match'] }, { source: 'y', tags: ['step:type', 'after:match'] }]);
      assert.deepEqual(Object.keys(steps(result)), ['match', 'type']);
      assert.deepEqual(result.problems, []);
    });

    it('checks names in after:, prev: and directives too, with the directive line', () => {
      const result = read([{ source: 'x', tags: ['step:a'] }, { source: 'y', tags: ['step:b', 'after:../a', 'prev:for'] }, '#| step: c\n#| after: a/b\nz']);
      assert.deepEqual(codes(result), ['step-name-invalid', 'step-name-invalid', 'step-name-invalid']);
      assert.equal(result.problems[2]?.line, 2);
      assert.equal(result.problems[2]?.cellId, 'c3');
      assert.deepEqual(result.cells[1]?.after, []);
    });

    it('does not report an after: naming a refused step again', () => {
      const result = read([{ source: 'x', tags: ['step:a-b'] }, { source: 'y', tags: ['step:c', 'after:a-b'] }]);
      assert.deepEqual(codes(result), ['step-name-invalid', 'step-name-invalid']);
      // Round 58 AAA: `after:训练` was told `step_2`, the step's own tag `step_1`.
      const unspelled = read([{ source: 'x', tags: ['step:训练'] }, { source: 'y', tags: ['step:c', 'after:训练'] }]);
      assert.deepEqual(unspelled.problems.map((p) => /Try "(\w+)"/.exec(p.message)?.[1]), ['step_1', 'step_1']);
    });

    it('refuses two steps that differ only in case', () => {
      const result = read([{ source: 'x', tags: ['step:train'] }, { source: 'y', tags: ['step:Train'] }]);
      assert.match(only(result, 'step-name-case-clash').message, /step "Train" differs from step "train" \(cell 1\) only in case/);
      assert.equal(result.problems[0]?.cellIndex, 1);
      assert.deepEqual(shape(result), ['step:train', '>train']);
    });
  });

  describe('empty names', () => {
    for (const source of [{ source: 'y', tags: ['step:'] }, { source: 'y', tags: ['block:'] }, { source: '#| step:\ny' }]) {
      it(`${JSON.stringify(source)} warns and joins the step above, as Kale does`, () => {
        const result = read([{ source: 'x', tags: ['step:a'] }, source]);
        const problem = only(result, 'step-name-empty');
        assert.equal(problem.severity, 'warning');
        assert.equal(problem.cellIndex, 1);
        assert.deepEqual(shape(result), ['step:a', '>a']);
      });
    }
    it('warns about an empty after: and ignores it', () => {
      const result = read([{ source: 'x', tags: ['step:a', 'after:'] }]);
      assert.equal(only(result, 'after-name-empty').severity, 'warning');
      assert.deepEqual(result.cells[0]?.after, []);
    });
  });

  describe('after: and prev:', () => {
    it('may name a later step', () => {
      const result = read([{ source: 'x', tags: ['step:report', 'after:train'] }, { source: 'y', tags: ['step:train'] }]);
      assert.deepEqual(steps(result), { report: { cells: [0], after: ['train'] }, train: { cells: [1], after: [] } });
      assert.deepEqual(result.problems, []);
    });
    it('deduplicates names across tags and directives, in the order written', () => {
      const result = read([{ source: 'a', tags: ['step:a'] }, { source: 'b', tags: ['step:b'] }, { source: '#| after: b, a\nc', tags: ['step:c', 'prev:a'] }]);
      assert.deepEqual(result.steps[2]?.after, ['a', 'b']);
    });
    it('collects after: from every cell tagged with the step', () => {
      const result = read([{ source: 'a', tags: ['step:a'] }, { source: 'b', tags: ['step:b'] }, { source: 'c', tags: ['step:c', 'after:a'] }, { source: 'c2', tags: ['step:c', 'after:b'] }]);
      assert.deepEqual(result.steps[2]?.after, ['a', 'b']);
    });
    it('needs a step on the same cell', () => {
      const result = read([{ source: 'x', tags: ['step:a'] }, { source: 'y', tags: ['after:a'] }]);
      assert.match(only(result, 'after-without-step').message, /^`after:a` only works on a cell that starts a step/);
      assert.deepEqual(result.cells[1]?.after, []);
      assert.deepEqual(shape(result), ['step:a', '>a']);
    });

    const unknown: readonly [string, readonly string[], RegExp][] = [
      ['suggests the closest step', ['step:train', 'step:load'], /`after:trian` names step "trian", but no cell starts it\. Did you mean "train"\?$/],
      ['lists the steps when none is close', ['step:load', 'step:fit'], /but no cell starts it\. Steps in this notebook: load, fit, evaluate\.$/],
    ];
    for (const [title, first, message] of unknown) {
      it(`reports an unknown step and ${title}`, () => {
        const result = read([{ source: 'x', tags: [first[0] ?? ''] }, { source: 'y', tags: [first[1] ?? ''] }, { source: 'z', tags: ['step:evaluate', 'after:trian'], id: 'ev' }]);
        const problem = only(result, 'step-unknown');
        assert.match(problem.message, message);
        assert.equal(problem.cellId, 'ev');
        assert.deepEqual(result.steps[2]?.after, []);
      });
    }
    it('says so when there is no step at all', () => {
      const result = read([{ source: 'x', tags: ['step:a-b'] }, { source: 'y', tags: ['step:c', 'prev:zzz'] }]);
      assert.match(only(result, 'step-unknown').message, /Steps in this notebook: c\.$/);
    });
  });

  describe('cycles', () => {
    it('reports a two-step cycle once, on the cell that closes it, in order', () => {
      const result = read([{ source: 'x', tags: ['step:train', 'prev:evaluate'] }, { source: 'y', tags: ['step:evaluate', 'prev:train'], id: 'ev' }]);
      const problem = only(result, 'step-cycle');
      assert.equal(problem.cellId, 'ev');
      assert.equal(problem.message, '`prev:train` closes a dependency cycle: evaluate → train → evaluate ("→" reads "runs after"). Remove one of the after:/prev: tags in the cycle.');
      assert.deepEqual(steps(result), { train: { cells: [0], after: ['evaluate'] }, evaluate: { cells: [1], after: [] } });
    });
    it('reports a longer cycle with every step in it', () => {
      const result = read([
        { source: 'a', tags: ['step:a', 'after:c'] },
        { source: 'b', tags: ['step:b', 'after:a'] },
        { source: '#| step: c\n#| after: b\nc' },
      ]);
      const problem = only(result, 'step-cycle');
      assert.match(problem.message, /^`#\| after: b` closes a dependency cycle: c → b → a → c /);
      assert.equal(problem.line, 2);
    });
    it('reports a step after itself', () => {
      const result = read([{ source: 'x', tags: ['step:train', 'after:train'] }]);
      assert.equal(only(result, 'step-cycle').message, '`after:train` makes step "train" run after itself. Remove it.');
      assert.deepEqual(result.steps[0]?.after, []);
    });
    it('reports two separate cycles, each once', () => {
      const result = read([
        { source: 'a', tags: ['step:a', 'after:b'] },
        { source: 'b', tags: ['step:b', 'after:a'] },
        { source: 'c', tags: ['step:c', 'after:d'] },
        { source: 'd', tags: ['step:d', 'after:c'] },
      ]);
      assert.deepEqual(codes(result), ['step-cycle', 'step-cycle']);
      assert.deepEqual(
        result.problems.map((p) => p.cellIndex),
        [1, 3],
      );
    });
    it('accepts a diamond', () => {
      const result = read([
        { source: 'a', tags: ['step:a'] },
        { source: 'b', tags: ['step:b', 'after:a'] },
        { source: 'c', tags: ['step:c', 'after:a'] },
        { source: 'd', tags: ['step:d', 'after:b,c'] },
      ]);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(result.steps[3]?.after, ['b', 'c']);
    });
  });

  describe('conflicting roles', () => {
    const conflicts: readonly [readonly string[], string, RegExp][] = [
      [['parameters', 'step:train'], '', /^`parameters` and `step:train` give this cell two roles \(parameters, the start of step "train"\); a cell has one role/],
      [['step:a', 'step:b'], '', /^`step:a` and `step:b` start two different steps on one cell/],
      [['step:a'], '#| step: b\n', /^`step:a` and `#\| step: b` start two different steps/],
      [['skip', 'imports'], '', /^`skip` and `imports` give this cell two roles \(skip, imports\)/],
      [['functions', 'metrics'], '', /`functions` and `metrics`/],
      [['test'], '#| skip\n', /`test` and `#\| skip`/],
    ];
    for (const [tags, directives, message] of conflicts) {
      it(`reports ${[...tags, directives.trim()].filter((t) => t !== '').join(' + ')}`, () => {
        const result = read([{ source: `${directives}x = 1`, tags }]);
        const problem = only(result, 'role-conflict');
        assert.equal(problem.severity, 'error');
        assert.equal(problem.cellIndex, 0);
        assert.match(problem.message, message);
      });
    }
    it('reports nbdev export next to a step', () => {
      const result = read(['#| default_exp core', { source: '#| export\ndef f(): pass', tags: ['step:a'] }]);
      assert.match(only(result, 'role-conflict').message, /`step:a` and `#\| export`/);
    });
    it('accepts one role spelled twice', () => {
      const result = read([{ source: '#| parameters\nx = 1', tags: ['parameters', 'pipeline-parameters'] }]);
      assert.deepEqual(result.cells[0]?.roles, ['parameters']);
      assert.deepEqual(result.problems, []);
    });
    it('accepts an nbdev export of imports tagged imports', () => {
      const result = read(['#| default_exp core', { source: '#| export\nimport re', tags: ['imports'] }]);
      assert.deepEqual(result.cells[1]?.roles, ['imports']);
      assert.deepEqual(result.problems, []);
    });
  });

  describe('nbdev problems', () => {
    it('refuses a module name that is not dotted identifiers', () => {
      const result = read(['#| default_exp core/utils', '#| export\nx = 1']);
      assert.equal(only(result, 'module-name-invalid').message, 'module name "core/utils" in `#| default_exp core/utils` is not allowed: module names must be dotted Python identifiers (ASCII letters, digits and _; not starting with a digit), like "core.utils". Try "core.utils".');
      assert.equal(result.defaultExp, undefined);
      assert.deepEqual(codes(result), ['module-name-invalid']);
    });
    it('refuses a keyword in a module name, and an empty one', () => {
      assert.match(only(read(['#| default_exp core.class']), 'module-name-invalid').message, /keyword/);
      assert.match(only(read(['#| default_exp']), 'module-name-invalid').message, /it names no module\. Write `#\| default_exp <module>`\.$/);
    });
    it('refuses a module name longer than 100 characters, on the directive\'s cell and line', () => {
      const result = read([`#| default_exp ${'m'.repeat(300)}`, '#| export\nx = 1']);
      const problem = only(result, 'module-name-invalid');
      assert.match(problem.message, /^module name "m{59}…" in `#\| default_exp m{64}…` is not allowed: it is 300 characters long; module names become file names, so they are at most 100 characters\.$/);
      assert.equal(problem.cellIndex, 0);
      assert.equal(problem.line, 1);
      assert.equal(result.defaultExp, undefined);
    });
    for (const [name, reason] of [
      ['__init__', /the package itself is __init__\.py/],
      ['_runtime', /runtime module is named _runtime/],
      ['__main__', /reserved for Python itself/],
    ] as const) {
      it(`refuses \`#| default_exp ${name}\`, the package's own module, on the directive's cell and line`, () => {
        const result = read(['x = 0', `#| default_exp ${name}`, '#| export\nx = 1']);
        const problem = only(result, 'module-name-invalid');
        assert.match(problem.message, reason);
        assert.equal(problem.cellIndex, 1);
        assert.equal(problem.line, 1);
        assert.equal(result.defaultExp, undefined);
      });
    }
    for (const [name, reason] of [
      ['core.utils', /^`#\| default_exp core\.utils`: Notebook Promoter writes one shared module per package, not nbdev's dotted module tree, so the exported cells go to common\.py\.$/],
      ['pipeline', /^`#\| default_exp pipeline`: the generated package has its own pipeline\.py, so the exported cells go to common\.py\.$/],
      ['metrics', /own metrics\.py/],
      ['steps', /own steps\/ folder/],
    ] as const) {
      it(`warns that \`#| default_exp ${name}\` goes to common.py`, () => {
        const result = read([`#| default_exp ${name}`, '#| export\nx = 1']);
        const problem = only(result, 'default-exp-common');
        assert.match(problem.message, reason);
        assert.equal(problem.severity, 'warning');
        assert.equal(problem.line, 1);
        assert.equal(result.defaultExp, name);
      });
    }
    it('keeps the last default_exp, as nbdev does, and warns', () => {
      const result = read(['#| default_exp a', '#| default_exp b\n#| export\nx = 1']);
      assert.equal(result.defaultExp, 'b');
      assert.match(only(result, 'default-exp-repeated').message, /^`#\| default_exp b` replaces `#\| default_exp a` \(cell 1\)/);
    });
    it('warns when cells are exported but no module is named', () => {
      const result = read(['#| export\nx = 1']);
      assert.equal(only(result, 'default-exp-missing').cellIndex, undefined);
    });
    it('warns that `#| export <module>` goes to the default module', () => {
      const result = read(['#| default_exp core', '#| export utils\nx = 1']);
      assert.equal(only(result, 'export-module-ignored').line, 1);
      assert.deepEqual(result.cells[1]?.roles, ['export']);
    });
    it('warns once about nbdev 1 comments', () => {
      const result = read(['# default_exp core', '# export\ndef f(): pass', '#export\ndef g(): pass']);
      const problem = only(result, 'nbdev1-comments');
      assert.equal(problem.cellIndex, 0);
      assert.match(problem.message, /`# default_exp core` is an nbdev 1 comment.*nbdev_migrate/);
    });
  });

  describe('malformed tags and directives', () => {
    const cases: readonly [CellSpec, RegExp][] = [
      [{ source: 'x', tags: ['Step:train'] }, /^tag `Step:train` looks like `step:train` but is not one/],
      [{ source: 'x', tags: ['step :train'] }, /looks like `step:train`/],
      [{ source: 'x', tags: ['PARAMETERS'] }, /looks like `parameters`/],
      [{ source: 'x', tags: ['pipeline_parameters'] }, /looks like `pipeline-parameters`/],
      [{ source: '#| skip: yes\nx' }, /^`#\| skip: yes` looks like `#\| skip`, which takes no value/],
      // Colons a CJK keyboard or a font's lookalikes put in: the tag looks right, so the message names the character.
      [{ source: 'x', tags: ['step\uFF1Atrain'] }, /^tag `step\uFF1Atrain` looks like `step:train`, but its colon is `\uFF1A` \(U\+FF1A FULLWIDTH COLON\), not ":", so it is ignored\. Write `step:train`\.$/],
      [{ source: 'x', tags: ['after\u2236load'] }, /looks like `after:load`, but its colon is `\u2236` \(U\+2236 RATIO\)/],
      [{ source: 'x', tags: ['step\uA789train'] }, /\(U\+A789 MODIFIER LETTER COLON\)/],
      [{ source: 'x', tags: ['Step \uFE55 train'] }, /looks like `step:train`, but its colon is `\uFE55` \(U\+FE55 SMALL COLON\)/],
      [{ source: '#| step\uFF1Atrain\nx' }, /^`#\| step\uFF1Atrain` looks like `#\| step: train`, but its colon is `\uFF1A` \(U\+FF1A FULLWIDTH COLON\)/],
      [{ source: '#| step\uFF1A train\nx' }, /^`#\| step\uFF1A train` looks like `#\| step: train`, but its colon/],
      // A directive line pasted into the tag box, and `-` or `_` where the colon goes.
      [{ source: 'x', tags: ['#| step: train'] }, /^tag `#\| step: train` is a directive line, not a tag, so it is ignored\. Use the tag `step:train`, or put `#\| step: train` on the first line of the cell's code\.$/],
      [{ source: 'x', tags: ['#| parameters'] }, /Use the tag `parameters`/],
      [{ source: 'x', tags: ['#| export'] }, /^tag `#\| export` is a directive line, not a tag, so it is ignored\. Put `#\| export` on the first line of the cell's code\.$/],
      [{ source: 'x', tags: ['step-train'] }, /^tag `step-train` looks like `step:train`, but the name goes after a colon, not `-`, so it is ignored\. Write `step:train`\.$/],
      [{ source: 'x', tags: ['step_train'] }, /looks like `step:train`, but the name goes after a colon, not `_`/],
      [{ source: 'x', tags: ['After-load'] }, /looks like `after:load`/],
      // Two tags typed into one: split them, rather than a step name with a space to rename.
      [{ source: 'x', tags: ['step:train after:load'] }, /^tag `step:train after:load` holds more than one tag, so it is ignored\. Split it into separate tags: `step:train` and `after:load`\.$/],
      [{ source: 'x', tags: ['after:load step:train'] }, /Split it into separate tags: `after:load` and `step:train`/],
      [{ source: 'x', tags: ['step:train test'] }, /Split it into separate tags: `step:train` and `test`/],
    ];
    it('leaves a tag of words that only starts like ours alone (`step-by-step`, `prev_step-2`)', () => {
      const result = read([{ source: 'x', tags: ['step-by-step', 'prev_step-2'] }]);
      assert.deepEqual(result.problems.filter((p) => p.code === 'tag-malformed'), []);
    });
    for (const [cell, message] of cases) {
      it(`warns about ${JSON.stringify(cell.tags ?? cell.source)} and ignores it`, () => {
        const result = read([cell]);
        const problem = only(result, 'tag-malformed');
        assert.equal(problem.severity, 'warning');
        assert.match(problem.message, message);
        assert.deepEqual(result.cells[0]?.roles, []);
      });
    }
  });

  describe('a comment after a directive value', () => {
    it('is a YAML comment, not part of the step name', () => {
      const result = read(['#| step: load\nx = 1', '#| step: train  # fit the model\ny = x', '#| export  # shared\nz = 1']);
      assert.deepEqual(shape(result), ['step:load', 'step:train', 'export']);
      assert.deepEqual(codes(result), ['default-exp-missing']);
    });
  });

  describe('tags on markdown and raw cells', () => {
    it('are ignored with a warning, for our tags only', () => {
      const result = read([
        { kind: 'markdown', source: '# Train', tags: ['step:train', 'skip', 'my-own'] },
        { kind: 'raw', source: 'raw', tags: ['imports'] },
        { kind: 'markdown', source: 'x', tags: ['hide-input', 'Step:x'] },
        { source: 'x', tags: ['step:fit'] },
      ]);
      assert.deepEqual(codes(result), ['tag-on-markdown', 'tag-on-markdown']);
      assert.equal(result.problems[0]?.message, 'tags on markdown cells are ignored: `step:train`, `skip` have no effect here. Put them on a code cell.');
      assert.equal(result.problems[1]?.message, 'tags on raw cells are ignored: `imports` has no effect here. Put it on a code cell.');
      assert.deepEqual(shape(result), ['-', '-', '-', 'step:fit']);
      assert.deepEqual(Object.keys(steps(result)), ['fit']);
    });
  });

  describe('directives below code', () => {
    it('are ignored with a warning that names the line', () => {
      const result = read(['x = 1\n#| step: train', '# comment\n#| export\ny = 2', 'z = 3\n#| echo: false']);
      assert.deepEqual(codes(result), ['directive-not-at-top', 'directive-not-at-top', 'no-roles']);
      assert.deepEqual(
        result.problems.slice(0, 2).map((p) => [p.cellIndex, p.line]),
        [
          [0, 2],
          [1, 2],
        ],
      );
      assert.match(result.problems[0]?.message ?? '', /^`#\| step: train` is below the cell's code, so it is ignored/);
    });
  });

  describe('problems', () => {
    it('come in cell order, then line order, notebook-wide ones last', () => {
      const result = read([
        { source: '#| step: a\n#| after: zz\nx', tags: ['Skip'] },
        { source: 'y', tags: ['step:b-c'] },
      ]);
      assert.deepEqual(
        result.problems.map((p) => [p.code, p.cellIndex, p.line]),
        [
          ['tag-malformed', 0, undefined],
          ['step-unknown', 0, 2],
          ['step-name-invalid', 1, undefined],
        ],
      );
    });
    it('omit the cell id for cells without one', () => {
      const problem = only(read([{ source: 'x', tags: ['step:1'], id: null }]), 'step-name-invalid');
      assert.equal('cellId' in problem, false);
      assert.equal(problem.cellIndex, 0);
    });
  });

  describe('any mix of tags', () => {
    const pool = ['step:a', 'step:b', 'step:c', 'step:A', 'block:', 'step:../x', 'after:a', 'after:b', 'prev:c', 'after:zz', 'after:c,a',
      'imports', 'functions', 'parameters', 'pipeline-parameters', 'metrics', 'test', 'skip', 'Step:a', 'mine'];
    const sources = ['x = 1', '#| step: b\n#| after: a\nx', '#| default_exp m\n', '#| export\nimport re', '#| hide\nassert x', '#| export\ndef f(): pass'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = <T>(items: readonly T[]): T => items[next(items.length)] as T;

    it('never throws and always keeps the invariants', () => {
      for (let round = 0; round < 300; round++) {
        const cells = Array.from({ length: 1 + next(8) }, (): CellSpec => ({
          kind: next(6) === 0 ? 'markdown' : 'code',
          source: pick(sources),
          tags: Array.from({ length: next(3) }, () => pick(pool)),
        }));
        const result = read(cells);
        assert.equal(result.cells.length, cells.length);
        assertTagInvariants(result);
        for (const p of result.problems) assert.equal(p.file, 'nb.ipynb');
      }
    });
  });
});
