/**
 * Names a function of the notebook's code binds and never reads (`tmp = x * 2` left from debugging, an
 * `import json` inside a function that nothing uses): pyflakes reports each ("local variable 'tmp' is assigned to
 * but never used", "'json' imported but unused"), and the package's code is to pass pyflakes (round 72). The
 * notebook's code stays as it is; each such statement is followed by a read of the name (`tmp = x * 2; tmp`),
 * which changes nothing: the name was just bound. On the same line, so the `# cell` comments' line numbers, which
 * the runner names failing lines by, stay right. (A `del` would not do: pyflakes still
 * reports a name deleted in an `else` branch.)
 *
 * What pyflakes reads as a use is wider than what this finds (a name in a string annotation counts here too): a name
 * this leaves alone is at worst still reported, never read before it is bound. A name a header binds
 * (`with open(p) as fh:`, `if (m := f(x)):`) is read after the first simple statement of its block, at any depth
 * (`pass; fh`), and a walrus in a simple statement after that statement, unless it binds on some paths only
 * (`c or (m := f())`, `a if c else (b := g())`): no read could follow it safely, and pyflakes still reports it.
 * Functions calling `locals()` or `vars()`, names declared `global` or `nonlocal`, targets of `for`, and tuples
 * unpacked from anything but a tuple of values are left alone, as pyflakes leaves them.
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
  const reads: { readonly at: number; readonly names: readonly string[]; readonly before?: true }[] = [];
  const visit = (node: PyNode): void => {
    if (node.type === 'function_definition') reads.push(...unreadInFunction(tree, node));
    node.children.forEach(visit);
  };
  visit(tree.root);
  if (reads.length === 0) return code;
  let out = code;
  for (const { at, names, before } of [...reads].sort((a, b) => b.at - a.at)) {
    const newline = out.indexOf('\n', at);
    const lineEnd = newline < 0 ? out.length : newline;
    if (before === true) {
      // `fh; return 1`: before a statement ending the block, where a read after it would never run.
      const more = /#/.test(out.slice(at, lineEnd));
      out = `${out.slice(0, at)}${names.join(', ')}; ${out.slice(at, lineEnd)}${more ? '' : NOTE}${out.slice(lineEnd)}`;
      continue;
    }
    // A comment or another statement after it on the line: no note of ours.
    const more = !/^[ \t\r]*$/.test(out.slice(at, lineEnd));
    out = `${out.slice(0, at)}; ${names.join(', ')}${more ? '' : NOTE}${out.slice(at)}`;
  }
  return out;
}

/** Simple statements after which nothing in their block runs. */
const ENDS_BLOCK = new Set(['return_statement', 'continue_statement', 'break_statement', 'raise_statement']);

/** Statements holding a block: a name bound in their header is read after the first statement of that block. */
const COMPOUND = new Set(['if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement', 'match_statement', 'case_clause', 'function_definition', 'class_definition', 'decorated_definition']);

/** The statements of `fn`'s own scope binding names nothing in `fn` reads: where to read each, and those names. */
function unreadInFunction(tree: PyTree, fn: PyNode): { at: number; names: string[]; before?: true }[] {
  const body = fn.children.find((c) => c.field === 'body');
  if (body === undefined || /(?<![.\w])(?:locals|vars)\s*\(\s*\)/.test(tree.text(body))) return [];
  const declared = new Set<string>();
  // `at`: where the read goes (undefined: nowhere it would be sure to run right after the binding, so none).
  // `after`: the statement a header's names are read after (one naming them, `del fh`, gets no read).
  const bindings: { at: number | undefined; targets: PyNode[]; after?: PyNode }[] = [];
  // The names a walrus binds in `node` (an expression) whenever `node` is evaluated: not in a scope of its own, nor
  // in a part evaluated only on some paths (`flag or (m := f())`, `a if c else (b := g())`, a comparison's third
  // operand: round 77 LML, the read raised UnboundLocalError), nor in an assert (`python -O` skips it).
  const walruses = (node: PyNode, into: PyNode[] = []): PyNode[] => {
    if (NESTED_SCOPES.has(node.type) || node.type === 'assert_statement') return into;
    if (node.type === 'named_expression') {
      const name = node.children.find((c) => c.field === 'name');
      if (name?.type === 'identifier') into.push(name);
    }
    const always = node.type === 'boolean_operator' ? node.children.slice(0, 1) : node.type === 'conditional_expression' ? node.children.slice(1, 2) : node.type === 'comparison_operator' ? node.children.slice(0, 2) : node.children;
    for (const child of always) walruses(child, into);
    return into;
  };
  // After the first simple statement in `block`, at any depth (`if c:\n    pass; fh`): a name its header binds is
  // bound there, and only a statement of the block runs it. Not in a scope of its own (a read would make a closure).
  // A definition first (`def g(): ...`) only binds a name: the statement after it is the first to run code.
  const afterFirst = (block: PyNode | undefined): PyNode | undefined => {
    for (const child of block?.children ?? []) {
      if (child.type === 'comment' || NESTED_SCOPES.has(child.type) || child.type === 'decorated_definition') continue;
      if (!COMPOUND.has(child.type)) return child;
      return afterFirst(child.children.find((c) => c.type === 'block'));
    }
    return undefined;
  };
  const statement = (node: PyNode): void => {
    if (NESTED_SCOPES.has(node.type) || node.type === 'comment') return;
    if (node.type === 'global_statement' || node.type === 'nonlocal_statement') {
      for (const name of node.children) if (name.type === 'identifier') declared.add(tree.text(name));
      return;
    }
    if (!COMPOUND.has(node.type)) {
      const assigned = node.type === 'expression_statement' && node.children.length === 1 && node.children[0]?.type === 'assignment' ? assignedNames(node.children[0]) : [];
      const imported = node.type === 'import_statement' || node.type === 'import_from_statement' ? importedNames(node) : [];
      const targets = [...assigned, ...imported, ...walruses(node)];
      if (targets.length > 0) bindings.push({ at: node.end, targets });
      return;
    }
    clause(node);
  };
  // A compound statement or one of its clauses (`elif`, `else`, `except` ...): its header, then its blocks.
  const clause = (node: PyNode): void => {
    const block = node.children.find((c) => c.type === 'block');
    const header: PyNode[] = [];
    for (const child of node.children) {
      if (NESTED_SCOPES.has(child.type)) continue;
      if (child.type === 'block') child.children.forEach(statement);
      else if (child.children.some((c) => c.type === 'block')) clause(child);
      else {
        header.push(...walruses(child));
        // `with open(p) as fh:` (pyflakes says nothing of a tuple target, nor of `except`'s, cut elsewhere).
        if (child.type === 'with_clause') header.push(...withTargets(child));
      }
    }
    const after = afterFirst(block);
    if (header.length > 0) bindings.push({ at: after?.end, targets: header, ...(after === undefined ? {} : { after }) });
  };
  body.children.forEach(statement);
  if (bindings.length === 0) return [];
  const targetNodes = new Set(bindings.flatMap((b) => b.targets));
  const readNames = new Set<string>();
  // Not an attribute's or a keyword's name (`df.swifter`, `f(k=1)`), which reads no variable (round 80 RSR: a step's
  // `try: import swifter` was left unread for pyflakes, `.swifter` taken for a read).
  const reads = (node: PyNode, parent?: PyNode): void => {
    const named = (parent?.type === 'attribute' && node.field === 'attribute') || (parent?.type === 'keyword_argument' && node.field === 'name');
    if (node.type === 'identifier' && !targetNodes.has(node) && !named) readNames.add(tree.text(node));
    for (const child of node.children) reads(child, node);
  };
  reads(body);
  return bindings.flatMap(({ at, targets, after }) => {
    const named = after === undefined ? '' : tree.text(after);
    const names = [...new Set(targets.map((t) => tree.text(t)))].filter((n) => !readNames.has(n) && !declared.has(n) && !new RegExp(`(?<![\\w.])${n}(?!\\w)`).test(named));
    if (names.length === 0 || at === undefined) return [];
    // A header's names are bound before its block runs: read before a statement ending the block (`return`).
    return after !== undefined && ENDS_BLOCK.has(after.type) ? [{ at: after.start, names, before: true as const }] : [{ at, names }];
  });
}

/** The names `with a as x, b as (y):` binds one by one (`x`, `y`); not those of a tuple, list or attribute target. */
function withTargets(clause: PyNode): PyNode[] {
  const names: PyNode[] = [];
  for (const item of clause.children) {
    const pattern = item.children.find((c) => c.type === 'as_pattern');
    let target = pattern?.children.find((c) => c.field === 'alias');
    while (target !== undefined && (target.type === 'as_pattern_target' || target.type === 'parenthesized_expression') && target.children.length === 1) target = target.children[0];
    if (target?.type === 'identifier') names.push(target);
  }
  return names;
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
    else if (UNPACKING.has(left.type)) {
      // Unpacked from a tuple or list of values, every name is one pyflakes reports, starred or nested too
      // (`first, *rest = (1, 2, 3)`, `(p, q), r = ...`, `[u, v] = [a, b]`: round 81 STS).
      const value = right.type === 'assignment' ? undefined : right;
      const items = unpackedNames(left);
      if (value === undefined || (value.type !== 'expression_list' && value.type !== 'tuple' && value.type !== 'list') || items === undefined) return [];
      names.push(...items);
    } else return [];
    current = right;
  }
  return names;
}

/** Unpacking targets: `a, b`, `(a, b)`, `[a, b]`, `*rest`. */
const UNPACKING = new Set(['pattern_list', 'tuple_pattern', 'list_pattern']);

/** The names an unpacking target binds, at any depth; undefined when one target is no plain name (`self.x`, `d[k]`). */
function unpackedNames(target: PyNode): PyNode[] | undefined {
  const names: PyNode[] = [];
  for (const item of target.children) {
    if (item.type === ',' || item.type === '(' || item.type === ')' || item.type === '[' || item.type === ']') continue;
    const inner = item.type === 'list_splat_pattern' || item.type === 'parenthesized_expression' ? item.children.find((c) => c.type !== '*' && c.type !== '(' && c.type !== ')') : item;
    if (inner?.type === 'identifier') names.push(inner);
    else if (inner !== undefined && UNPACKING.has(inner.type)) {
      const nested = unpackedNames(inner);
      if (nested === undefined) return undefined;
      names.push(...nested);
    } else return undefined;
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
