/**
 * Names a function of the notebook's code binds and never reads (`tmp = x * 2` left from debugging, an
 * `import json` inside a function that nothing uses): pyflakes reports each ("local variable 'tmp' is assigned to
 * but never used", "'json' imported but unused"), and the package's code is to pass pyflakes (round 72). The
 * notebook's code stays as it is; each such statement is followed by a read of the name (`tmp = x * 2; tmp`),
 * which changes nothing: the name was just bound. On the same line, so the `# cell` comments' line numbers, which
 * the runner names failing lines by, stay right. (A `del` would not do: pyflakes still
 * reports a name deleted in an `else` branch.)
 *
 * What pyflakes reads as a use is wider than what this finds (an attribute or keyword of that name counts here
 * too): a name this leaves alone is at worst still reported, never read before it is bound. Functions calling
 * `locals()` or `vars()`, names declared `global` or `nonlocal`, targets of `with`, `for` and `:=`, and tuples
 * unpacked from anything but a tuple of values are left alone, as pyflakes leaves them (or, for `with`, as rare).
 */
import { parsePython } from '../analysis/python/parser';
import type { PyNode, PyTree } from '../analysis/python/parser';

/** Scopes of their own inside a function: what they bind is not the function's. */
const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'lambda', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** What follows the read on its line when the line holds no comment already. */
const NOTE = '  # never read in the notebook; read here for pyflakes';

/** `code` (a generated module) with a read after each statement of a function binding a name it never reads. */
export function withUnusedLocalsRead(code: string): string {
  if (!/^[ \t]*(?:async[ \t]+)?def[ \t]/m.test(code)) return code;
  const tree = parsePython(code);
  if (tree.errors.length > 0) return code;
  const reads: { readonly at: number; readonly names: readonly string[] }[] = [];
  const visit = (node: PyNode): void => {
    if (node.type === 'function_definition') reads.push(...unreadInFunction(tree, node));
    node.children.forEach(visit);
  };
  visit(tree.root);
  if (reads.length === 0) return code;
  let out = code;
  for (const { at, names } of [...reads].sort((a, b) => b.at - a.at)) {
    const newline = out.indexOf('\n', at);
    const lineEnd = newline < 0 ? out.length : newline;
    // A comment or another statement after it on the line: no note of ours.
    const more = !/^[ \t\r]*$/.test(out.slice(at, lineEnd));
    out = `${out.slice(0, at)}; ${names.join(', ')}${more ? '' : NOTE}${out.slice(at)}`;
  }
  return out;
}

/** The statements of `fn`'s own scope binding names nothing in `fn` reads: where each ends, and those names. */
function unreadInFunction(tree: PyTree, fn: PyNode): { at: number; names: string[] }[] {
  const body = fn.children.find((c) => c.field === 'body');
  if (body === undefined || /(?<![.\w])(?:locals|vars)\s*\(\s*\)/.test(tree.text(body))) return [];
  const declared = new Set<string>();
  const bindings: { statement: PyNode; targets: PyNode[] }[] = [];
  const own = (node: PyNode): void => {
    for (const child of node.children) {
      if (NESTED_SCOPES.has(child.type)) continue;
      if (child.type === 'global_statement' || child.type === 'nonlocal_statement') {
        for (const name of child.children) if (name.type === 'identifier') declared.add(tree.text(name));
      } else if (child.type === 'expression_statement' && child.children.length === 1 && child.children[0]?.type === 'assignment') {
        const targets = assignedNames(child.children[0]);
        if (targets.length > 0) bindings.push({ statement: child, targets });
        continue;
      } else if (child.type === 'import_statement' || child.type === 'import_from_statement') {
        const targets = importedNames(child);
        if (targets.length > 0) bindings.push({ statement: child, targets });
        continue;
      }
      own(child);
    }
  };
  own(body);
  if (bindings.length === 0) return [];
  const targetNodes = new Set(bindings.flatMap((b) => b.targets));
  const readNames = new Set<string>();
  const reads = (node: PyNode): void => {
    if (node.type === 'identifier' && !targetNodes.has(node)) readNames.add(tree.text(node));
    node.children.forEach(reads);
  };
  reads(body);
  return bindings.flatMap(({ statement, targets }) => {
    const names = [...new Set(targets.map((t) => tree.text(t)))].filter((n) => !readNames.has(n) && !declared.has(n));
    return names.length === 0 ? [] : [{ at: statement.end, names }];
  });
}

/**
 * The names an assignment statement binds as pyflakes counts them: `x = ...`, `x: T = ...`, `a = b = ...`, and
 * `p, q = 1, 2` (a tuple of values); not `p, q = f()`, nor an attribute or item (`self.x`, `d[k]`), nor `x: T`.
 */
function assignedNames(assignment: PyNode): PyNode[] {
  const names: PyNode[] = [];
  let current: PyNode | undefined = assignment;
  while (current?.type === 'assignment') {
    const left = current.children.find((c) => c.field === 'left');
    const right: PyNode | undefined = current.children.find((c) => c.field === 'right');
    if (left === undefined || right === undefined) return [];
    if (left.type === 'identifier') names.push(left);
    else if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
      const value = right.type === 'assignment' ? undefined : right;
      const items = left.children.filter((c) => c.type !== ',' && c.type !== '(' && c.type !== ')');
      if (value === undefined || (value.type !== 'expression_list' && value.type !== 'tuple') || !items.every((c) => c.type === 'identifier')) return [];
      names.push(...items);
    } else return [];
    current = right;
  }
  return names;
}

/** The names an import statement binds (`import a.b` binds `a`; `from m import x as y` binds `y`); none for `*`. */
function importedNames(statement: PyNode): PyNode[] {
  const names: PyNode[] = [];
  for (const child of statement.children) {
    if (child.field === 'module_name') continue;
    if (child.type === 'aliased_import') {
      const alias = child.children.find((c) => c.field === 'alias');
      if (alias !== undefined) names.push(alias);
    } else if (child.type === 'dotted_name') {
      const first = child.children.find((c) => c.type === 'identifier');
      if (first !== undefined) names.push(first);
    } else if (child.type === 'wildcard_import') return [];
  }
  return names;
}
