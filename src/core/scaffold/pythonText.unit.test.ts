import * as assert from 'node:assert/strict';
import { alwaysTrueAssertLines, indentBody, linesInsideStrings, pascalCase, pyLiteral, withoutAlwaysTrueAsserts, withoutEmptyFStrings } from './pythonText';

describe('pythonText', () => {
  it('does not indent the inside of triple-quoted strings', () => {
    const code = 'query = """\nSELECT *\nFROM t\n"""\nx = 1';
    assert.deepEqual([...linesInsideStrings(code)], [1, 2, 3]);
    assert.equal(indentBody(code), '    query = """\nSELECT *\nFROM t\n"""\n    x = 1');
  });
  it('ignores quotes in comments and escaped quotes', () => {
    const code = "# it's fine\ns = 'a\\'b'\nt = '''x\ny'''";
    assert.deepEqual([...linesInsideStrings(code)], [3]);
  });
  it('keeps blank lines blank', () => assert.equal(indentBody('a = 1\n\nb = 2'), '    a = 1\n\n    b = 2'));
  it('indents tab-indented code with spaces only: four a tab, or to every eighth column when a line mixes them', () => {
    assert.equal(indentBody('def f(x):\n\tif x:\n\t\treturn 1\n\treturn 2\n\ndef g():\n    return 3'), '    def f(x):\n        if x:\n            return 1\n        return 2\n\n    def g():\n        return 3');
    assert.equal(indentBody('def f(x):\n\tif x:\n\t    return 1'), '    def f(x):\n            if x:\n                return 1');
    // Inside a string, a tab is text.
    assert.equal(indentBody("def f():\n\ts = '''\n\tkept\n'''"), "    def f():\n        s = '''\n\tkept\n'''");
  });
  it('writes Python literals', () => {
    assert.equal(pyLiteral({ a: [1, 2.5, 'x'], b: null, c: true }), '{"a": [1, 2.5, "x"], "b": None, "c": True}');
  });
  it('makes class names', () => assert.equal(pascalCase('load_data'), 'LoadData'));
});

describe('linesInsideStrings edge cases', () => {
  it('a backslash-newline inside a one-line string continues it', () => {
    assert.deepEqual([...linesInsideStrings("s = 'a\\\nb'\nx = 1")], [1]);
  });
  it('an unterminated one-line string ends at its line', () => {
    assert.deepEqual([...linesInsideStrings("s = 'abc\nx = '''\ny'''")], [2]);
  });
});

// Round 72 DED: a notebook's `print(f"Done.")` made pyflakes report "f-string is missing placeholders".
describe('withoutEmptyFStrings', () => {
  it('writes an f-string with no field as the plain string it is, and leaves every other string alone', () => {
    const cases: [string, string][] = [
      ['print(f"Done.")', 'print("Done.")'],
      ["x = F'a'", "x = 'a'"],
      ['y = rf"\\d+"', 'y = r"\\d+"'],
      ['a = f"{{x}}"', 'a = "{x}"'],
      ['b = f"""multi\nline {{x}}"""', 'b = """multi\nline {x}"""'],
      ['z = f"{x}" + f"{x!r:>10}"', 'z = f"{x}" + f"{x!r:>10}"'],
      ['h = f"\\N{DEGREE SIGN}"', 'h = "\\N{DEGREE SIGN}"'],
      ['# f"a comment"\nc = "f" + f"s"', '# f"a comment"\nc = "f" + "s"'],
      ['g = elif_f"x" if f else ff', 'g = elif_f"x" if f else ff'],
      ["j = f'it\\'s'", "j = 'it\\'s'"],
      ['k = f"unterminated\nm = 1', 'k = f"unterminated\nm = 1'],
      // Round 73 EFE: a named escape is no field (but in a raw string it is); a statement of its own stays (a docstring).
      ['x = f"\\N{EM DASH} done"', 'x = "\\N{EM DASH} done"'],
      ['x = rf"\\N{EM DASH}"', 'x = rf"\\N{EM DASH}"'],
      ['x = f"\\\\N{x}"', 'x = f"\\\\N{x}"'],
      ['def f():\n    f"""doc"""\n    return 1', 'def f():\n    f"""doc"""\n    return 1'],
      // An argument alone on its line inside brackets is no statement.
      ['print(\n    f"Done."\n)', 'print(\n    "Done."\n)'],
    ];
    for (const [code, expected] of cases) assert.equal(withoutEmptyFStrings(code), expected, code);
  });
});

// Round 73 FGF: `assert(x, "msg")` was copied; pyflakes reported it, and Python warns.
describe('withoutAlwaysTrueAsserts', () => {
  it('writes a one-line assert of a tuple as the tuple, and leaves every other assert alone', () => {
    const docstring = '"""Example:\nassert (a, b)\n"""';
    assert.equal(withoutAlwaysTrueAsserts(docstring), docstring, 'a docstring is left alone');
    const code = ['assert(len(x) == 3, "three")  # why', '    assert (x, "m,(")', 'assert (x == [1, 2]), "ok"', 'assert(f(a, b))', 'assert x, "plain"', 'assert (x,\n        "two lines")'].join('\n');
    assert.deepEqual(alwaysTrueAssertLines(code), [1, 2, 6]);
    assert.equal(
      withoutAlwaysTrueAsserts(code),
      ['(len(x) == 3, "three")  # why', '    (x, "m,(")  # nbpromote: was `assert (...)` of a tuple, always true', 'assert (x == [1, 2]), "ok"', 'assert(f(a, b))', 'assert x, "plain"', '(x,\n        "two lines")  # nbpromote: was `assert (...)` of a tuple, always true'].join('\n'),
    );
    // Over several lines, with a comment and a bracket in a string inside (round 76); a call's parentheses are no tuple.
    const multi = 'if ok:\n    assert (a > 0,  # first\n            "a (positive)")\nassert (f(a,\n        b))';
    assert.deepEqual(alwaysTrueAssertLines(multi), [2]);
    assert.equal(withoutAlwaysTrueAsserts(multi), 'if ok:\n    (a > 0,  # first\n            "a (positive)")  # nbpromote: was `assert (...)` of a tuple, always true\nassert (f(a,\n        b))');
  });
});
