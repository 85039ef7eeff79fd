import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initPythonParser } from '../analysis/python/parser';
import { hasPython, PYTHON } from './testing';
import { withUnusedLocalsRead } from './unusedLocals';

/** Functions binding names they never read, in the forms pyflakes reports; and forms it does not. */
const MODULE = [
  'import math',
  '',
  '',
  'def helper(x, c):',
  '    tmp = x * 2',
  '    import json',
  '    from os import path as pth',
  '    if c:',
  '        m = 1',
  '    else:',
  '        m = 2  # either way',
  '    y: int = 3',
  '    p, q = 1, 2',
  '    r, s = divmod(7, 2)',
  '    a = b = 5',
  '    for i in range(2):',
  '        z = i; k = z',
  '    used = math.sqrt(x)',
  '    count = 0',
  '    count += 1',
  '    def inner():',
  '        return used + s',
  '    with open(__file__) as fh:',
  '        pass',
  '    with open(__file__) as (fh2):',
  '        if c:',
  '            pass',
  '    if (n := len(str(x))) > 0:',
  '        count += 1  # counted',
  '    elif (o := 2):',
  '        pass',
  '    while (w := count) > 5:',
  '        w2 = w',
  '        break',
  '    total = (t := count) + 1',
  '    late = c or (u := 5)',
  '    pick = 1 if c else (v := 2)',
  '    with open(__file__) as fh3:',
  '        def g():',
  '            return 1',
  '        late += g()',
  '    match (sub := count):',
  '        case 1:',
  '            pick += 1',
  '        case _:',
  '            pass',
  '    for _ in range(1):',
  '        with open(__file__) as fh4:',
  '            continue',
  '    return inner() + r + total + late + pick',
  '',
  '',
  'def with_locals():',
  '    kept = 1',
  '    return locals()',
  '',
  '',
  'def with_global():',
  '    global G',
  '    G = 1',
  '',
  '',
  'def attribute(x):',
  '    import json',
  '    return x.json(k=1)',
  '',
  '',
  'def unpacked():',
  '    first, *rest = (1, 2, 3)',
  '    (p, q), r = ((1, 2), 3)',
  '    [u, v] = [1, 2]',
  '    return 0',
  '',
].join('\n');

describe('withUnusedLocalsRead', () => {
  before(async () => {
    await initPythonParser();
  });

  it('reads each name a function binds and never reads right after its statement, on the same line', () => {
    const out = withUnusedLocalsRead(MODULE);
    const lines = out.split('\n');
    assert.equal(lines.length, MODULE.split('\n').length, 'no line added: the `# cell` line numbers stay right');
    const note = '  # never read in the notebook; read here for pyflakes';
    assert.equal(lines[4], `    tmp = x * 2; tmp${note}`);
    assert.equal(lines[5], `    import json; json${note}`);
    assert.equal(lines[6], `    from os import path as pth; pth${note}`);
    assert.equal(lines[8], `        m = 1; m${note}`);
    assert.equal(lines[10], '        m = 2; m  # either way');
    assert.equal(lines[11], `    y: int = 3; y${note}`);
    assert.equal(lines[12], `    p, q = 1, 2; p, q${note}`);
    assert.equal(lines[14], `    a = b = 5; a, b${note}`);
    assert.equal(lines[16], `        z = i; k = z; k${note}`);
    // A name a header binds, after the first statement of its block when that one is simple; a walrus after its statement.
    assert.equal(lines[23], `        pass; fh${note}`);
    assert.equal(lines[26], `            pass; fh2${note}`, 'the first simple statement, inside an `if` (the name is bound there)');
    assert.equal(lines[28], '        count += 1; n  # counted');
    assert.equal(lines[30], `        pass; o${note}`);
    assert.equal(lines[32], `        w2 = w; w2${note}`);
    assert.equal(lines[34], `    total = (t := count) + 1; t${note}`);
    // Round 77 LML: a walrus evaluated on some paths only gets no read (it raised UnboundLocalError).
    assert.equal(lines[35], '    late = c or (u := 5)');
    assert.equal(lines[36], '    pick = 1 if c else (v := 2)');
    // A definition first in the block: the statement after it; a match's subject, in its first case.
    assert.equal(lines[40], `        late += g(); fh3${note}`);
    assert.equal(lines[43], `            pick += 1; sub${note}`);
    // An attribute's or a keyword's name reads no variable (round 80 RSR).
    assert.equal(lines[lines.length - 10], `    import json; json${note}`);
    // Starred, nested and list unpacking of values (round 81 STS).
    assert.deepEqual(lines.slice(-5, -2), [`    first, *rest = (1, 2, 3); first, rest${note}`, `    (p, q), r = ((1, 2), 3); p, q, r${note}`, `    [u, v] = [1, 2]; u, v${note}`]);
    // Before a statement ending its block, where a read after it would never run.
    assert.equal(lines[48], `            fh4; continue${note}`);
    for (const untouched of [13, 17, 18, 19, 22, 24, 25, 27, 31, 33, 38, 39, 41, 42, 44, 45, 46, 47, 55, 61]) assert.equal(lines[untouched], MODULE.split('\n')[untouched], `line ${untouched + 1}`);
  });

  it('leaves code without a function, or that does not parse, as it is', () => {
    assert.equal(withUnusedLocalsRead('x = 1\n'), 'x = 1\n');
    assert.equal(withUnusedLocalsRead('def f(:\n    t = 1\n'), 'def f(:\n    t = 1\n');
  });

  it('pyflakes reports the original and not the result, which computes the same (real Python)', function () {
    if (!hasPython()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'nbpromote-unused-'));
    try {
      const run = (code: string): { flakes: string; value: string } => {
        writeFileSync(join(dir, 'm.py'), code);
        const flakes = spawnSync(PYTHON, ['-m', 'pyflakes', 'm.py'], { cwd: dir, encoding: 'utf8' });
        const value = spawnSync(PYTHON, ['-c', 'import m; print(m.helper(4.0, True), m.helper(9.0, False), sorted(m.with_locals()))'], { cwd: dir, encoding: 'utf8' });
        assert.equal(value.status, 0, value.stderr);
        return { flakes: flakes.stdout + flakes.stderr, value: value.stdout };
      };
      const before = run(MODULE);
      const after = run(withUnusedLocalsRead(MODULE));
      if (/No module named pyflakes/.test(before.flakes)) this.skip();
      assert.match(before.flakes, /local variable 'tmp' is assigned to but never used/);
      // Left as pyflakes says them: a walrus on some paths only, which no read can follow safely.
      assert.deepEqual(after.flakes.trim().split('\n').map((l) => /'(\w+)' is assigned to but never used/.exec(l)?.[1]), ['u', 'v']);
      assert.equal(after.value, before.value);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
