/**
 * The Python parser: tree-sitter-python run by web-tree-sitter (WebAssembly), loaded offline from two
 * `.wasm` files. Loading is asynchronous and happens once (`await initPythonParser()`); every parse after
 * that is synchronous. Trees come back as plain JavaScript objects (`PyNode`), so the analyses above this
 * file never touch WebAssembly memory and never have to free anything.
 *
 * Why tree-sitter and not @lezer/python: see docs/architecture.md, "Choices".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NbpromoteError } from '../../errors';
import { fastParsePython } from './fastParser';
import { scanLine, START_STATE, startsLogicalLine } from './lexical';
import { stringAndCommentRanges } from './literalRanges';
import type { LexState } from './lexical';
// `require`, not `import`: esbuild then bundles web-tree-sitter's CommonJS build. Its ES module build calls
// createRequire(import.meta.url), which our CommonJS bundles (dist/cli.js, dist/extension.js) cannot provide.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import TreeSitter = require('web-tree-sitter');

type TsNode = TreeSitter.Node;
type TsTree = TreeSitter.Tree;
const { Language, Parser } = TreeSitter;

/** The two WebAssembly files the parser loads. The build copies them next to `dist/cli.js` and `dist/extension.js`. */
export const PYTHON_PARSER_WASM_FILES = ['web-tree-sitter.wasm', 'tree-sitter-python.wasm'] as const;

/**
 * One node of a parsed Python tree: a named tree-sitter node (`identifier`, `assignment`, `call`, `ERROR` ...;
 * the types are tree-sitter-python's `node-types.json`). Anonymous tokens (`=`, `(`, keywords), comments and
 * the pieces of string literals other than `interpolation` are left out.
 */
export interface PyNode {
  readonly type: string;
  /** The field this node fills in its parent (`left`, `right`, `name`, `value` ...), if any. */
  readonly field: string | undefined;
  /** Offsets into the source in UTF-16 code units (JavaScript string indices), end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly children: readonly PyNode[];
}

/** A syntax error, 1-based line and column (UTF-16 code units, as editors count). */
export interface PySyntaxError {
  readonly line: number;
  readonly column: number;
  /** In words, e.g. "invalid syntax near `= 2`", "missing `)`". */
  readonly message: string;
}

export interface PyTree {
  readonly source: string;
  /** The `module` node; its children are the top-level statements in order. */
  readonly root: PyNode;
  /** Empty when the source is valid Python (as far as the grammar and our extra checks tell). */
  readonly errors: readonly PySyntaxError[];
  /** 1-based line and column of a source offset. */
  position(offset: number): { line: number; column: number };
  /** The source text of a node. */
  text(node: PyNode): string;
}

export interface InitPythonParserOptions {
  /** A folder holding both files of {@link PYTHON_PARSER_WASM_FILES}. Tried first when given. */
  readonly wasmDir?: string;
}

interface Loaded {
  readonly parser: TreeSitter.Parser;
  readonly types: readonly string[];
  readonly fields: readonly (string | null)[];
  /** By node type id: copied into the `PyNode` tree. */
  readonly keep: readonly boolean[];
  /** By node type id: its children may fill fields (asking the cursor costs a call into WebAssembly). */
  readonly hasFields: readonly boolean[];
  /** By node type id: never has children. */
  readonly leaf: readonly boolean[];
  /** The runtime's own cursor functions when this web-tree-sitter exposes them (see {@link RawCursorApi}). */
  readonly raw: RawCursorApi | undefined;
}

/**
 * web-tree-sitter's WebAssembly exports for tree cursors, called directly. Its `TreeCursor` methods copy the
 * cursor into a transfer buffer and back around every call, four `setValue`s and four `getValue`s, which is
 * most of the time of a walk; the raw functions read and write the cursor in that same buffer, so a walk that
 * places the cursor there once can call them back to back. They are reached through the module object the
 * Emscripten runtime fills in (the object passed to `Parser.init`) and a tree's handle (`tree[0]`): both are
 * internals of web-tree-sitter 0.25 to 0.27, checked at load (every function present) and by a unit test
 * that walks the same trees both ways. When they are missing the public API is used.
 */
interface RawCursorApi {
  readonly module: {
    readonly HEAP32: Int32Array;
  };
  /** Byte address of the transfer buffer. */
  readonly transferBuffer: number;
  readonly gotoFirstChild: (tree: number) => number;
  readonly gotoNextSibling: (tree: number) => number;
  readonly gotoParent: (tree: number) => number;
  readonly typeId: (tree: number) => number;
  readonly fieldId: (tree: number) => number;
  readonly startIndex: (tree: number) => number;
  readonly endIndex: (tree: number) => number;
}

/** When false, walks use only web-tree-sitter's public API (a unit test compares the two). */
let useRawCursor = true;

/** For tests: walk trees with the public API only (`false`) or with the raw cursor functions when present. */
export function setRawCursorWalk(enabled: boolean): void {
  useRawCursor = enabled;
}

/** True when walks call the runtime's cursor functions directly (see {@link RawCursorApi}). */
export function rawCursorWalkAvailable(): boolean {
  return ready().raw !== undefined;
}

function rawCursorApi(module: Record<string, unknown>): RawCursorApi | undefined {
  const fn = (name: string): ((tree: number) => number) | undefined => {
    const f = module[`_ts_tree_cursor_${name}_wasm`];
    return typeof f === 'function' ? (f as (tree: number) => number) : undefined;
  };
  const init = module['_ts_init'];
  const gotoFirstChild = fn('goto_first_child');
  const gotoNextSibling = fn('goto_next_sibling');
  const gotoParent = fn('goto_parent');
  const typeId = fn('current_node_type_id');
  const fieldId = fn('current_field_id');
  const startIndex = fn('start_index');
  const endIndex = fn('end_index');
  if (typeof init !== 'function' || !(module['HEAP32'] instanceof Int32Array)) return undefined;
  if (gotoFirstChild === undefined || gotoNextSibling === undefined || gotoParent === undefined || typeId === undefined || fieldId === undefined || startIndex === undefined || endIndex === undefined) return undefined;
  // ts_init fills the first words of the static transfer buffer with the ABI versions and returns its address.
  const transferBuffer = (init as () => number)();
  if (!Number.isInteger(transferBuffer) || transferBuffer <= 0) return undefined;
  return { module: module as unknown as RawCursorApi['module'], transferBuffer, gotoFirstChild, gotoNextSibling, gotoParent, typeId, fieldId, startIndex, endIndex };
}

/**
 * The node types of tree-sitter-python 0.25 whose children have field names (from its `node-types.json`;
 * a unit test keeps the two in step).
 */
export const TYPES_WITH_FIELDS: readonly string[] = [
  'aliased_import', 'as_pattern', 'assignment', 'attribute', 'augmented_assignment', 'binary_operator', 'block',
  'boolean_operator', 'call', 'case_clause', 'class_definition', 'comparison_operator', 'decorated_definition',
  'default_parameter', 'dict_pattern', 'dictionary_comprehension', 'elif_clause', 'else_clause', 'except_clause',
  'exec_statement', 'for_in_clause', 'for_statement', 'format_expression', 'function_definition',
  'future_import_statement', 'generator_expression', 'if_statement', 'import_from_statement', 'import_statement',
  'interpolation', 'keyword_argument', 'lambda', 'list_comprehension', 'match_statement', 'named_expression',
  'not_operator', 'pair', 'print_statement', 'raise_statement', 'set_comprehension', 'subscript', 'try_statement',
  'type_alias_statement', 'typed_default_parameter', 'typed_parameter', 'unary_operator', 'while_statement',
  'with_item', 'with_statement',
];

let loading: Promise<void> | undefined;
let loaded: Loaded | undefined;

/** Node types never copied into a `PyNode` tree (their parent carries what matters). */
const DROPPED_TYPES = new Set(['comment', 'string_start', 'string_content', 'string_end', 'escape_sequence', 'escape_interpolation', 'line_continuation', 'type_conversion']);
const LEAF_TYPES = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'ellipsis', 'keyword_separator', 'positional_separator', 'import_prefix', 'wildcard_import']);
const ERROR_TYPE_ID = 65535;

/**
 * Loads the parser (once; later calls return the same promise). Looks for the `.wasm` files in
 * `options.wasmDir`, then next to this module (the bundled `dist/`), then in `node_modules`. Rejects with an
 * `NbpromoteError` (`notFound`) naming the places it looked when they are missing: that is a broken install,
 * not a user error.
 */
export function initPythonParser(options: InitPythonParserOptions = {}): Promise<void> {
  loading ??= load(options).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** True once {@link initPythonParser} has finished. */
export function isPythonParserReady(): boolean {
  return loaded !== undefined;
}

async function load(options: InitPythonParserOptions): Promise<void> {
  const runtime = locate('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm', options.wasmDir);
  const grammar = locate('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm', options.wasmDir);
  // Emscripten fills in this object as the runtime's module: rawCursorApi reads the cursor functions from it.
  const module: Record<string, unknown> = { wasmBinary: readFileSync(runtime) };
  await Parser.init(module);
  const language = await Language.load(readFileSync(grammar));
  const parser = new Parser();
  parser.setLanguage(language);
  const types: string[] = [];
  const keep: boolean[] = [];
  const hasFields: boolean[] = [];
  const leaf: boolean[] = [];
  const withFields = new Set(TYPES_WITH_FIELDS);
  for (let id = 0; id < language.nodeTypeCount; id++) {
    const type = language.types[id] ?? '';
    types.push(type);
    keep.push(language.nodeTypeIsNamed(id) && !DROPPED_TYPES.has(type));
    hasFields.push(withFields.has(type));
    leaf.push(LEAF_TYPES.has(type));
  }
  loaded = { parser, types, fields: language.fields, keep, hasFields, leaf, raw: rawCursorApi(module) };
}

function locate(file: string, packagePath: string, wasmDir: string | undefined): string {
  const tried: string[] = [];
  for (const dir of [wasmDir, __dirname]) {
    if (dir === undefined) continue;
    const candidate = join(dir, file);
    if (existsSync(candidate)) return candidate;
    tried.push(candidate);
  }
  try {
    return require.resolve(packagePath);
  } catch {
    tried.push(`node_modules/${packagePath}`);
  }
  throw new NbpromoteError('notFound', `The Python parser cannot start: ${file} is missing (looked in ${tried.join(', ')}). Reinstall Notebook Promoter.`);
}

function ready(): Loaded {
  if (loaded === undefined) {
    throw new NbpromoteError('internal', 'The Python parser is not loaded yet: await initPythonParser() before analysing Python code.');
  }
  return loaded;
}

/**
 * Parses Python source (already free of IPython syntax: see `translateIPython`). Synchronous; needs
 * {@link initPythonParser} first. Never throws on user input: broken code gives a tree with `ERROR` nodes
 * and `errors`. The hand-written parser (`fastParser.ts`) answers first; what it declines (syntax errors
 * among them) is parsed by tree-sitter, whose tree it would have given.
 */
export function parsePython(source: string): PyTree {
  return withPythonRefusals(source.includes('\f') ? parseWithFormFeeds(source) : (parseFast(source) ?? parseWithTreeSitter(source)));
}

/**
 * `tree` with what Python refuses that no parse reports: a tree nested deeper than {@link MAX_DEPTH} (left empty,
 * so no walk recurses into it), or the first character Python refuses in code (see invalidCharacter).
 */
function withPythonRefusals(parsed: PyTree): PyTree {
  const tree = parsed.errors.some((e) => e.message === TAB_ERROR) ? { ...parsed, errors: tabErrorFirst(parsed) } : parsed;
  // Only a long source can nest deeper than MAX_DEPTH.
  const deep = tree.source.length > MAX_DEPTH ? tooDeep(tree.root) : undefined;
  if (deep !== undefined) {
    const message = `an expression nested more than ${MAX_DEPTH} levels deep (a chain of thousands of operators, calls or attributes), more than nbpromote analyses: split it into parts of a few hundred terms`;
    return { ...tree, root: { ...tree.root, children: [] }, errors: [{ ...tree.position(deep), message }] };
  }
  if (!SUSPECT_CHARACTER.test(tree.source)) return tree;
  const bad = invalidCharacter(tree.source, tree.position);
  // Python stops there: what tree-sitter made of the rest of the line (`invalid syntax near ...`) is not said.
  return bad === undefined ? tree : { ...tree, errors: [...tree.errors.filter((e) => e.line < bad.line), bad] };
}

const TAB_ERROR = 'inconsistent use of tabs and spaces in indentation';

/**
 * The errors as Python gives them when a line mixes tabs and spaces against the lines above (a TabError): its
 * tokenizer stops at that line, before the parser sees it. So neither what follows is said, nor what the mix
 * made of the line to the parser reading tabs one way (round 54 TT: `\tif x:` over `        return 1` also
 * gave "expected an indented block after 'if'" and "unexpected indent").
 */
function tabErrorFirst(tree: PyTree): PySyntaxError[] {
  const line = Math.min(...tree.errors.filter((e) => e.message === TAB_ERROR).map((e) => e.line));
  const lines = tree.source.split('\n');
  let above = line - 1;
  while (above > 1 && /^\s*(?:#.*)?$/.test(lines[above - 1] ?? '')) above--;
  const indentation = /^(?:expected an indented block|unexpected indent|unindent does not match)/;
  return tree.errors.filter((e) => e.message === TAB_ERROR ? e.line === line : e.line < line && !(e.line >= above && indentation.test(e.message)));
}

/**
 * How deep a tree may nest: the analysis walks trees recursively (round 38 M: a 3,000-term `a and a and ...`
 * or `1 + 1 + ...` ended in "internal error: Maximum call stack size exceeded"; Python itself stops near 3,000
 * levels for the second). Chains of 2,500 terms, which Python compiles, pass (round 39 N).
 */
const MAX_DEPTH = 2600;

/** The offset of a node deeper than {@link MAX_DEPTH} under `root`, or undefined. */
function tooDeep(root: PyNode): number | undefined {
  const stack: [PyNode, number][] = [[root, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > MAX_DEPTH) return node.start;
    for (const child of node.children) stack.push([child, depth + 1]);
  }
  return undefined;
}

/** A character that may be one Python refuses in code: outside ASCII, or a vertical tab. */
const SUSPECT_CHARACTER = /[^\p{ASCII}]|\v/u;

/**
 * The first character outside strings and comments that Python refuses, worded as Python words it: pasted
 * from a web page or a document, a non-breaking space (U+00A0), a zero-width space (U+200B), curly quotes
 * (U+201C) or a minus sign (U+2212) looks like code and is not. Letters of any script are names.
 */
function invalidCharacter(source: string, position: (offset: number) => { line: number; column: number }): PySyntaxError | undefined {
  let letterEnd = 0;
  const at = firstInCode(source, (ch, i) => {
    if (i < letterEnd || (ch !== '\v' && ch.charCodeAt(0) < 0x80)) return false;
    const full = String.fromCodePoint(source.codePointAt(i) ?? 0);
    // A letter of any script, the second half of its surrogate pair passed over.
    if (!/[\p{ID_Start}\p{ID_Continue}]/u.test(full)) return true;
    letterEnd = i + full.length;
    return false;
  });
  if (at === undefined) return undefined;
  const full = String.fromCodePoint(source.codePointAt(at) ?? 0);
  const code = `U+${(full.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const message = /[\p{C}\p{Z}]/u.test(full) ? `invalid non-printable character ${code}` : `invalid character '${full}' (${code})`;
  return { ...position(at), message };
}

/** The offset of the first character of `source` outside its strings and comments for which `found` holds, or undefined. */
function firstInCode(source: string, found: (ch: string, offset: number) => boolean): number | undefined {
  const literals = stringAndCommentRanges(source);
  let next = 0;
  for (let i = 0; i < source.length; i++) {
    while ((literals[next]?.[1] ?? Infinity) <= i) next++;
    const literal = literals[next];
    if (literal !== undefined && literal[0] <= i) {
      i = literal[1] - 1;
      continue;
    }
    if (found(source[i] ?? '', i)) return i;
  }
  return undefined;
}

/**
 * Python reads a form feed (`\f`, a page break) after the start of a line as a space between tokens, while
 * tree-sitter may end a statement there (`t = f(x)\ftotal = 1` as two statements, where Python and Jupyter
 * stop with a SyntaxError). Such a source is parsed with those form feeds as spaces (the same length, so the
 * tree's offsets and texts are the source's), and a syntax error on a line holding one says so. A form feed
 * in a line's indentation stays: Python counts the indentation from after it.
 */
function parseWithFormFeeds(source: string): PyTree {
  const lines = new Set<number>();
  let line = 0;
  const spaced = source.replace(/^([ \t\f]*)([^\r\n]*)(\r\n|\r|\n|$)/gm, (whole: string, lead: string, rest: string, end: string) => {
    line++;
    if (!rest.includes('\f')) return whole;
    lines.add(line);
    return `${lead}${rest.replace(/\f/g, ' ')}${end}`;
  });
  const tree = parseFast(spaced) ?? parseWithTreeSitter(spaced);
  const said = ' (the line holds a form feed, \\f, which Python reads as a space, not as a line break)';
  return { ...tree, source, text: textIn(source, NON_ASCII.test(source)), errors: tree.errors.map((e) => (lines.has(e.line) ? { ...e, message: `${e.message}${said}` } : e)) };
}

/** The name nodes of a `parameters` node's parameters, `*args` and `**kw` included. */
function parameterNodes(parameters: PyNode): PyNode[] {
  return parameters.children.flatMap((p) => {
    const name = parameterName(p) ?? (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' ? p.children.find((c) => c.type === 'identifier') : undefined);
    return name === undefined ? [] : [name];
  });
}

/** The names of a function definition's parameters. */
function functionParameterNames(fn: PyNode, source: string): string[] {
  const parameters = fn.children.find((c) => c.field === 'parameters');
  return parameters === undefined ? [] : parameterNodes(parameters).map((n) => source.slice(n.start, n.end));
}

/** The name of one of a `def`'s parameters (`x`, `x=1`, `x: int`, `x: int = 1`); undefined for `*args`, `**kw`, `*`, `/`. */
export function parameterName(p: PyNode): PyNode | undefined {
  if (p.type === 'identifier') return p;
  if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') return p.children.find((c) => c.field === 'name');
  if (p.type === 'typed_parameter') return p.children.find((c) => c.type === 'identifier');
  return undefined;
}

/** When false, every source goes to tree-sitter (a unit test compares the two parsers on a corpus). */
let useFastParser = true;

/** For tests: parse with tree-sitter only (`false`), or try the hand-written parser first (the default). */
export function setFastParser(enabled: boolean): void {
  useFastParser = enabled;
}

/** The tree of `source` from the hand-written parser (`fastParser.ts`), or undefined when it leaves it to tree-sitter. */
function parseFast(source: string): PyTree | undefined {
  if (!useFastParser) return undefined;
  const parsed = fastParsePython(source);
  if (parsed === undefined) return undefined;
  const position = positionIn(computeLineStarts(source));
  const root: PyNode = { type: 'module', field: undefined, start: 0, end: source.length, children: parsed.statements };
  return { source, root, errors: withDanglingOperators(extraChecks(root, source, position), source), position, text: textIn(source, parsed.unicodeNames) };
}

/** A character outside ASCII. */
const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * The `text` of a tree. Python reads names NFKC-normalised (`ﬁnal_threshold`, with the ligature, is
 * `final_threshold`; the micro sign `µ` is the Greek `μ`), so an identifier's text is its normalised form and
 * names compare as Python compares them; the generated code may keep the notebook's spelling. Only a source
 * with a non-ASCII name pays for the check: an ASCII one gets the plain slice.
 */
function textIn(source: string, unicodeNames: boolean): (node: PyNode) => string {
  if (!unicodeNames) return (node: PyNode): string => source.slice(node.start, node.end);
  return (node: PyNode): string => {
    const text = source.slice(node.start, node.end);
    return node.type === 'identifier' && NON_ASCII.test(text) ? text.normalize('NFKC') : text;
  };
}

/**
 * tree-sitter's parse. When the first parse finds an error, the damaged top-level statements are parsed
 * again one by one (split where a line starts at column 0), so one broken line does not swallow the
 * statements after it.
 */
function parseWithTreeSitter(source: string): PyTree {
  const { parser } = ready();
  const lineStarts = computeLineStarts(source);
  const position = positionIn(lineStarts);
  const text = textIn(source, NON_ASCII.test(source));

  const tree = parser.parse(listSubjectsAsTuples(source));
  if (tree === null) {
    return { source, root: { type: 'module', field: undefined, start: 0, end: source.length, children: [] }, errors: [], position, text };
  }
  try {
    const root = convert(tree);
    if (!tree.rootNode.hasError) {
      return { source, root, errors: withDanglingOperators(extraChecks(root, source, position), source), position, text };
    }
    const repaired = reparseDamaged(source, root, tree.rootNode, lineStarts, position);
    return { source, root: repaired.root, errors: withDanglingOperators([...repaired.errors, ...extraChecks(repaired.root, source, position, false)].sort(byPosition), source), position, text };
  } finally {
    tree.delete();
  }
}

/**
 * The text tree-sitter is given: `match [a, b]:` with its subject's brackets read as parentheses. tree-sitter
 * reads that header, and the `case` lines under it, as an annotated assignment to `match[a, b]` (round 50 HH: a
 * false syntax error); a tuple subject it reads as the match statement it is. The text keeps its length, so
 * every offset holds, and the names read are the same. Only a header whose bracket closes on its line before
 * the colon ending it, with a `case` line under it, is changed.
 */
function listSubjectsAsTuples(source: string): string {
  if (!source.includes('match')) return source;
  let text = source;
  for (const header of source.matchAll(/^([ \t]*)match[ \t]*\[/gm)) {
    const open = (header.index ?? 0) + header[0].length - 1;
    const close = closingBracket(source, open);
    if (close === undefined) continue;
    const after = /^[ \t]*:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*([ \t]+)case\b/.exec(source.slice(close + 1));
    if (after === null || (after[1] ?? '').length <= (header[1] ?? '').length) continue;
    text = `${text.slice(0, open)}(${text.slice(open + 1, close)})${text.slice(close + 1)}`;
  }
  return text;
}

/** The offset of the `]` closing the `[` at `open` on its line (brackets in strings skipped), when there is one and a comma stands in it. */
function closingBracket(source: string, open: number): number | undefined {
  let depth = 0;
  let comma = false;
  let quote: string | undefined;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\n') return undefined;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(' || ch === '{') depth++;
    else if (ch === ',' && depth === 1) comma = true;
    else if (ch === ']' || ch === ')' || ch === '}') {
      depth--;
      if (depth === 0) return ch === ']' && comma ? i : undefined;
    }
  }
  return undefined;
}

function byPosition(a: PySyntaxError, b: PySyntaxError): number {
  return a.line - b.line || a.column - b.column;
}

function computeLineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13) {
      if (source.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Many sources: the same trees as `sources.map(parsePython)`; what the fast parser declines goes to tree-sitter together. */
export function parsePythonMany(sources: readonly string[]): PyTree[] {
  const trees = sources.map((source) => (source.includes('\f') ? parseWithFormFeeds(source) : parseFast(source)));
  const left = [...trees.keys()].filter((i) => trees[i] === undefined);
  if (left.length === 0) return (trees as PyTree[]).map(withPythonRefusals);
  const parsed = parseManyWithTreeSitter(left.map((i) => sources[i] ?? ''));
  for (const [k, i] of left.entries()) trees[i] = parsed[k];
  return (trees as PyTree[]).map(withPythonRefusals);
}

/**
 * tree-sitter's parse of many sources at once: the same trees as one by one, for a fraction of the cost when
 * they are many small ones (the cells of a notebook). The sources are joined with newlines and parsed once;
 * each top-level statement goes back to the source it starts in, with offsets relative to that source. A
 * source whose statements do not parse cleanly on their own terms in the joined text is parsed again alone:
 * one with a syntax error near it, or one whose statement runs on into the next source (an unclosed bracket
 * or string, a block continued by the next source's indented lines).
 */
function parseManyWithTreeSitter(sources: readonly string[]): PyTree[] {
  if (sources.length < 2) return sources.map((source) => parseWithTreeSitter(source));
  const { parser } = ready();
  const starts: number[] = [];
  let length = 0;
  for (const source of sources) {
    starts.push(length);
    length += source.length + 1;
  }
  const joined = sources.join('\n');
  const tree = parser.parse(listSubjectsAsTuples(joined));
  if (tree === null) return sources.map((source) => parseWithTreeSitter(source));
  const alone = new Set<number>();
  const perSource: PyNode[][] = sources.map(() => []);
  try {
    // The source a statement starts in; statements come in order, so the search only moves forward.
    let current = 0;
    const sourceAt = (offset: number): number => {
      while (current + 1 < starts.length && (starts[current + 1] ?? Infinity) <= offset) current++;
      return current;
    };
    const owners: number[] = [];
    const root = convert(tree, (start) => {
      const owner = sourceAt(start);
      owners.push(owner);
      return starts[owner] ?? 0;
    });
    const markRange = (from: number, to: number): void => {
      for (let i = Math.max(0, sourceIndexAt(starts, from) - (from === to ? 1 : 0)); i < sources.length && (starts[i] ?? Infinity) <= Math.max(from, to - 1); i++) alone.add(i);
    };
    for (const [i, node] of root.children.entries()) {
      const owner = owners[i] ?? 0;
      const start = starts[owner] ?? 0;
      if (node.end + start > start + (sources[owner]?.length ?? 0)) markRange(node.start + start, node.end + start);
      else perSource[owner]?.push(node);
    }
    // An error anywhere: every source is parsed alone. Error recovery in the joined text can hide one (a
    // missing line break between `1` and `X = 2` in `1 X = 2` is no child of the root), and a notebook with
    // an error does not promote anyway.
    if (tree.rootNode.hasError) for (let i = 0; i < sources.length; i++) alone.add(i);
  } finally {
    tree.delete();
  }
  return sources.map((source, i) => {
    if (alone.has(i)) return parseWithTreeSitter(source);
    const lineStarts = computeLineStarts(source);
    const position = positionIn(lineStarts);
    const root: PyNode = { type: 'module', field: undefined, start: 0, end: source.length, children: perSource[i] ?? [] };
    return { source, root, errors: extraChecks(root, source, position), position, text: textIn(source, NON_ASCII.test(source)) };
  });
}

/** The index of the source (by its start offset in the joined text) that holds `offset`. */
function sourceIndexAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 1-based line and column of an offset, given the offsets where lines start. */
function positionIn(lineStarts: readonly number[]): (offset: number) => { line: number; column: number } {
  return (offset) => {
    const line = sourceIndexAt(lineStarts, offset);
    return { line: line + 1, column: offset - (lineStarts[line] ?? 0) + 1 };
  };
}

/** The moves and reads of a walk over a tree: web-tree-sitter's `TreeCursor`, or its raw functions. */
interface Walk {
  typeId(): number;
  fieldId(): number;
  start(): number;
  end(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  /** Frees the cursor. */
  close(): void;
}

function openWalk(tree: TsTree): Walk {
  const { raw } = ready();
  const cursor = tree.walk();
  const handle: unknown = (tree as unknown as Record<number, unknown>)[0];
  const handles: unknown = (cursor as unknown as { handles?: unknown }).handles;
  if (raw !== undefined && useRawCursor && typeof handle === 'number' && Array.isArray(handles) && handles.length === 4 && handles.every((h) => typeof h === 'number')) {
    const words = handles as number[];
    const base = raw.transferBuffer >> 2;
    // Place the cursor in the transfer buffer once; every raw call reads it there and moves write it back.
    const heap = raw.module.HEAP32;
    for (let i = 0; i < 4; i++) heap[base + i] = words[i] ?? 0;
    return {
      typeId: () => raw.typeId(handle),
      fieldId: () => raw.fieldId(handle),
      start: () => raw.startIndex(handle),
      end: () => raw.endIndex(handle),
      firstChild: () => raw.gotoFirstChild(handle) === 1,
      nextSibling: () => raw.gotoNextSibling(handle) === 1,
      parent: () => raw.gotoParent(handle) === 1,
      close: () => {
        // Moves may have reallocated the cursor's stack (and grown memory): take its words back before freeing it.
        const now = raw.module.HEAP32;
        for (let i = 0; i < 4; i++) words[i] = now[base + i] ?? 0;
        cursor.delete();
      },
    };
  }
  return {
    typeId: () => cursor.nodeTypeId,
    fieldId: () => cursor.currentFieldId,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    parent: () => cursor.gotoParent(),
    close: () => cursor.delete(),
  };
}

/**
 * Copies the named nodes of a tree-sitter tree into plain objects, with one cursor walk. With `shiftOf`, each
 * top-level node is asked for once, in order, and it and everything below it get offsets minus the answer.
 */
function convert(tree: TsTree, shiftOf?: (start: number) => number): PyNode {
  const { types, keep, fields, hasFields, leaf } = ready();
  const walk = openWalk(tree);
  try {
    type Building = { type: string; field: string | undefined; start: number; end: number; children: PyNode[] };
    const root: Building = { type: 'module', field: undefined, start: walk.start(), end: walk.end(), children: [] };
    // One entry per cursor depth: the nearest kept ancestor, and whether the node there has fields.
    const parents: Building[] = [root];
    const fielded: boolean[] = [false];
    let parent = root;
    let parentHasFields = false;
    let shift = 0;
    if (!walk.firstChild()) return root;
    for (;;) {
      const id = walk.typeId();
      let node: Building | undefined;
      if (id === ERROR_TYPE_ID || keep[id] === true) {
        const fieldId: number = parentHasFields ? walk.fieldId() : 0;
        const start = walk.start();
        if (parent === root && shiftOf !== undefined) shift = shiftOf(start);
        node = {
          type: id === ERROR_TYPE_ID ? 'ERROR' : (types[id] ?? 'ERROR'),
          field: fieldId === 0 ? undefined : (fields[fieldId] ?? undefined),
          start: start - shift,
          end: walk.end() - shift,
          children: [],
        };
        parent.children.push(node);
      }
      // Only kept nodes can hold kept nodes (anonymous tokens and the dropped types hold none); leaves hold nothing.
      if (node !== undefined && leaf[id] !== true && walk.firstChild()) {
        parents.push(parent);
        fielded.push(parentHasFields);
        parent = node;
        parentHasFields = hasFields[id] === true;
        continue;
      }
      while (!walk.nextSibling()) {
        if (parents.length <= 1 || !walk.parent()) return root;
        parent = parents.pop() ?? root;
        parentHasFields = fielded.pop() ?? false;
      }
    }
  } finally {
    walk.close();
  }
}

interface Repaired {
  readonly root: PyNode;
  readonly errors: PySyntaxError[];
}

/**
 * Keeps the top-level statements that parsed cleanly and parses the lines of the damaged ones again in
 * pieces. Each piece is parsed on a copy of the source where everything outside it is blanked (newlines
 * kept), so offsets and positions stay those of the original source.
 */
function reparseDamaged(
  source: string,
  root: PyNode,
  tsRoot: TsNode,
  lineStarts: readonly number[],
  position: (offset: number) => { line: number; column: number },
): Repaired {
  const { parser } = ready();
  // Which top-level statements hold an error: from tree-sitter's own nodes (MISSING nodes are only visible there).
  const damaged: { start: number; end: number }[] = [];
  for (const child of tsRoot.children) {
    if (child === null) continue;
    if (child.hasError || child.isError || child.isMissing) damaged.push({ start: child.startIndex, end: child.endIndex });
  }
  if (damaged.length === 0) {
    return { root, errors: collectErrors(tsRoot, source, position) };
  }
  // Merge damaged statements into line ranges.
  const ranges: { first: number; last: number }[] = [];
  for (const d of damaged) {
    const first = position(d.start).line - 1;
    const last = position(Math.max(d.start, d.end - 1)).line - 1;
    const prev = ranges[ranges.length - 1];
    if (prev !== undefined && first <= prev.last + 1) prev.last = Math.max(prev.last, last);
    else ranges.push({ first, last });
  }
  const pieces: { first: number; last: number }[] = [];
  for (const range of ranges) pieces.push(...splitAtColumnZero(source, lineStarts, range.first, range.last));

  const statements: PyNode[] = root.children.filter((child) => !damaged.some((d) => child.start < d.end && child.end > d.start));
  const errors: PySyntaxError[] = [];
  for (const piece of pieces) {
    const from = lineStarts[piece.first] ?? 0;
    const to = piece.last + 1 < lineStarts.length ? (lineStarts[piece.last + 1] ?? source.length) : source.length;
    const blanked = blankOutside(source, from, to);
    const tree = parser.parse(listSubjectsAsTuples(blanked));
    if (tree === null) continue;
    try {
      const pieceRoot = convert(tree);
      // Not a statement the first parse kept whole (`print(x); y = (1 +* 2)`: the first statement, undamaged, shares
      // the piece's line): twice, it read as two statements on one line (round 51 KK).
      const kept = new Set(statements.map((child) => child.start));
      statements.push(...pieceRoot.children.filter((child) => child.start >= from && child.start < to && !kept.has(child.start)));
      if (tree.rootNode.hasError) {
        const hint = describeDamage(source, from, to);
        const found = collectErrors(tree.rootNode, source, position)[0];
        if (hint !== undefined) errors.push({ ...position(hint.offset), message: hint.message });
        else if (found !== undefined) errors.push(found);
      }
    } finally {
      tree.delete();
    }
  }
  statements.sort((a, b) => a.start - b.start);
  return { root: { ...root, children: statements }, errors };
}

/** Line ranges inside [first, last] that start at a line beginning at column 0 (not a continuation). */
function splitAtColumnZero(source: string, lineStarts: readonly number[], first: number, last: number): { first: number; last: number }[] {
  const pieces: { first: number; last: number }[] = [];
  let pieceStart = first;
  let inTriple: string | undefined;
  let previousWasDecorator = false;
  for (let line = first; line <= last; line++) {
    const lineText = lineAt(source, lineStarts, line);
    const startsStatement =
      inTriple === undefined &&
      line > pieceStart &&
      /^[^\s#)\]}]/.test(lineText) &&
      !/^(?:else|elif|except|finally)\b/.test(lineText) &&
      !previousWasDecorator;
    if (startsStatement) {
      pieces.push({ first: pieceStart, last: line - 1 });
      pieceStart = line;
    }
    if (lineText.trim() !== '' && !lineText.trimStart().startsWith('#')) previousWasDecorator = inTriple === undefined && lineText.startsWith('@');
    inTriple = trackTripleQuotes(lineText, inTriple);
  }
  pieces.push({ first: pieceStart, last });
  return pieces;
}

function lineAt(source: string, lineStarts: readonly number[], line: number): string {
  const from = lineStarts[line] ?? source.length;
  const to = lineStarts[line + 1] ?? source.length;
  return source.slice(from, to).replace(/\r?\n$|\r$/, '');
}

/** Follows triple-quoted strings across a line (single-quoted strings end with their line). */
function trackTripleQuotes(line: string, open: string | undefined): string | undefined {
  let state = open;
  let i = 0;
  while (i < line.length) {
    if (state !== undefined) {
      const close = line.indexOf(state, i);
      if (close < 0) return state;
      i = close + 3;
      state = undefined;
      continue;
    }
    const ch = line[i];
    if (ch === '#') return undefined;
    if (ch === '"' || ch === "'") {
      const triple = ch.repeat(3);
      if (line.startsWith(triple, i)) {
        state = triple;
        i += 3;
        continue;
      }
      i = skipSingleQuoted(line, i);
      continue;
    }
    i++;
  }
  return state;
}

function skipSingleQuoted(line: string, at: number): number {
  const quote = line[at];
  let i = at + 1;
  while (i < line.length && line[i] !== quote) i += line[i] === '\\' ? 2 : 1;
  return i + 1;
}

function blankOutside(source: string, from: number, to: number): string {
  const blank = (s: string): string => s.replace(/[^\r\n]/g, ' ');
  return blank(source.slice(0, from)) + source.slice(from, to) + blank(source.slice(to));
}

const COMPOUND_START = /^(?:async\s+)?(?:if|elif|else|for|while|def|class|with|try|except|finally)\b/;
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * The usual causes of a damaged statement, said the way Python says them: a bracket never closed, a
 * string never ended, a block header without its `:`. Undefined when none of them applies.
 */
function describeDamage(source: string, from: number, to: number): { offset: number; message: string } | undefined {
  const open: { ch: string; at: number }[] = [];
  let i = from;
  let lineStart = from;
  let headerChecked = false;
  while (i < to) {
    const ch = source[i] ?? '';
    if (ch === '#') {
      while (i < to && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      let j = i + quote.length;
      let closed = false;
      while (j < to) {
        if (source[j] === '\\') {
          j += 2;
          continue;
        }
        if (quote.length === 1 && source[j] === '\n') break;
        if (source.startsWith(quote, j)) {
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) return { offset: i, message: quote.length === 3 ? 'unterminated triple-quoted string' : 'unterminated string literal' };
      i = j + quote.length;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') open.push({ ch, at: i });
    else if (ch === ')' || ch === ']' || ch === '}') {
      const top = open.pop();
      if (top === undefined) return { offset: i, message: `unmatched \`${ch}\`` };
      if (top.ch !== CLOSERS[ch]) return { offset: i, message: `closing \`${ch}\` does not match \`${top.ch}\`` };
    }
    if (ch === '\n' && open.length === 0 && source[i - 1] !== '\\') {
      if (!headerChecked) {
        headerChecked = true;
        const header = missingColon(source, lineStart, i);
        if (header !== undefined) return header;
      }
      lineStart = i + 1;
    }
    i++;
  }
  const unclosed = open[0];
  if (unclosed !== undefined) return { offset: unclosed.at, message: `\`${unclosed.ch}\` was never closed` };
  if (!headerChecked) return missingColon(source, lineStart, to);
  return undefined;
}

function missingColon(source: string, start: number, end: number): { offset: number; message: string } | undefined {
  const line = source.slice(start, end);
  const code = line.replace(/#.*$/, '').trimEnd();
  if (!COMPOUND_START.test(code.trimStart()) || code.endsWith(':') || code.includes(':')) return undefined;
  return { offset: start + code.length, message: 'expected `:`' };
}

/**
 * `errors` with a logical line that ends with an operator (`x = 1 +`, `ok = a and`) named at the operator:
 * Python refuses it (tree-sitter takes `+` followed by the next line's code for one expression, and says
 * nothing, or names the whole line). An error already on that line gives way to the more precise one.
 */
function withDanglingOperators(errors: readonly PySyntaxError[], source: string): PySyntaxError[] {
  if (!DANGLING_ANYWHERE.test(source)) return [...errors];
  const dangling: PySyntaxError[] = [];
  let state: LexState = START_STATE;
  source.split('\n').forEach((line, i) => {
    const before = state;
    const scanned = scanLine(line, state);
    state = scanned.state;
    if (!startsLogicalLine(state) || before.openString !== undefined) return;
    const code = line.slice(0, scanned.codeEnd).trimEnd();
    const m = DANGLING.exec(code);
    // A decorator line, and `from m import *`, are whole.
    if (m === null || code.trimStart().startsWith('@') || /\bimport\s+\*$/.test(code)) return;
    const operator = m[1] ?? '';
    dangling.push({ line: i + 1, column: code.length - operator.length + 1, message: `invalid syntax: the line ends with \`${operator}\`, which needs a value after it (to go on on the next line, put the expression in brackets)` });
  });
  if (dangling.length === 0) return [...errors];
  const lines = new Set(dangling.map((e) => e.line));
  return [...errors.filter((e) => !lines.has(e.line)), ...dangling].sort((a, b) => a.line - b.line || a.column - b.column);
}
/** An operator that needs a value after it, at the end of a line's code (not `:`, `,`, `)`, names or literals). */
const DANGLING = /(?:^|[\w\s)\]}'"])(\*\*|\/\/|<<|>>|<=|>=|==|!=|[-+*/%&|^<>=]|\band|\bor|\bnot|\bin|\bis)$/;
const DANGLING_ANYWHERE = /(?:[-+*/%&|^<>=]|\band|\bor|\bnot|\bin|\bis)[ \t]*(?:#[^\n]*)?(?:\n|$)/;

/** ERROR and MISSING nodes of a tree-sitter tree, in order, as sentences. */
function collectErrors(node: TsNode, source: string, position: (offset: number) => { line: number; column: number }): PySyntaxError[] {
  const errors: PySyntaxError[] = [];
  const visit = (n: TsNode): void => {
    if (n.isMissing) {
      errors.push({ ...position(n.startIndex), message: `invalid syntax: missing \`${n.type}\`` });
      return;
    }
    if (n.isError) {
      errors.push({ ...position(n.startIndex), message: `invalid syntax near \`${excerpt(source, n.startIndex, n.endIndex)}\`` });
      return;
    }
    if (!n.hasError) return;
    for (const child of n.children) if (child !== null) visit(child);
  };
  visit(node);
  return errors;
}

function excerpt(source: string, start: number, end: number): string {
  const text = source.slice(start, end).split(/\r?\n|\r/)[0]?.trim() ?? '';
  if (text === '') return source.slice(start, start + 1).trim() || 'end of line';
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The start of Python's message for a block header with nothing under it. */
export const EMPTY_BLOCK = 'expected an indented block';

/** The statements and clauses that own a block, as Python's message names them. */
const BLOCK_OWNERS: Readonly<Record<string, string>> = {
  if_statement: "'if' statement",
  elif_clause: "'elif' statement",
  else_clause: "'else' statement",
  for_statement: "'for' statement",
  while_statement: "'while' statement",
  try_statement: "'try' statement",
  except_clause: "'except' statement",
  except_group_clause: "'except*' statement",
  finally_clause: "'finally' statement",
  with_statement: "'with' statement",
  function_definition: 'function definition',
  class_definition: 'class definition',
  case_clause: "'case' statement",
};

/**
 * What the grammar accepts but Python 3 does not: Python 2 `print x` and `exec code`, tuple parameters,
 * a parameter without a default after one with a default, a walrus as a whole statement, a statement indented
 * for no reason (at the top level, or deeper than its block's first), a block header with nothing under it, and
 * indentation mixing tabs and spaces inconsistently. `whole`: the tree is tree-sitter's (or the fast parser's) of
 * code with no syntax error it saw; false for one pieced together after errors, where an empty block is error
 * recovery's (an unclosed bracket), not the code's.
 */
function extraChecks(root: PyNode, source: string, position: (offset: number) => { line: number; column: number }, whole = true): PySyntaxError[] {
  const errors: PySyntaxError[] = [];
  const add = (node: PyNode, message: string): void => {
    errors.push({ ...position(node.start), message });
  };
  // Two statements on one line with no `;` between (`t = transform(x) total = 1`, or a form feed between them,
  // which Python reads as a space): tree-sitter may take them as two, Python stops with a SyntaxError.
  const sameLine = (statements: readonly PyNode[]): void => {
    for (let i = 1; i < statements.length; i++) {
      const before = statements[i - 1];
      const next = statements[i];
      if (before === undefined || next === undefined || before.type === 'ERROR' || next.type === 'ERROR') continue;
      if (!/[\n\r;]/.test(source.slice(before.end, next.start))) add(next, 'invalid syntax: two statements on one line; put a line break between them');
    }
  };
  sameLine(root.children);
  const stack: PyNode[] = [];
  const visit = (node: PyNode): void => {
    // Every statement of a block starts at the block's column: tree-sitter takes a deeper one too (round 52 PP:
    // `if x:\n  a = 1\n    b = 2`), which Python refuses.
    if (whole && node.type === 'block') {
      let column: number | undefined;
      for (const child of node.children) {
        if (child.type === 'comment' || child.type === 'ERROR') continue;
        const lead = source.slice(source.lastIndexOf('\n', child.start - 1) + 1, child.start);
        if (lead.trim() !== '') continue; // after a `;`, or on the header's line
        const own = indentWidth(lead);
        if (column === undefined) column = own;
        else if (own > column) add(child, 'unexpected indent');
      }
    }
    // `if x:` over an unindented line: tree-sitter gives an empty block, Python refuses it (ipython.ts lets a block
    // the translation emptied be: it gets a `pass`).
    const owner = whole ? BLOCK_OWNERS[node.type] : undefined;
    if (owner !== undefined && node.children.some((c) => c.type === 'block' && c.children.length === 0)) add(node, `${EMPTY_BLOCK} after ${owner} on line ${position(node.start).line}`);
    switch (node.type) {
      case 'print_statement':
      case 'exec_statement': {
        // `print(f"{x")` recovered as a print statement is a broken call, not Python 2: its error says so.
        const [word, what] = node.type === 'print_statement' ? ['print', 'x'] : ['exec', 'code'];
        if (!/^\s*\(/.test(source.slice(node.start + word.length, node.end))) add(node, `invalid syntax: \`${word} ${what}\` is Python 2; write \`${word}(${what})\``);
        break;
      }
      case 'parameters':
      case 'lambda_parameters': {
        const names = new Set<string>();
        const params = node.children.filter((p) => p.type !== 'comment');
        const kwargs = params.findIndex((p) => p.type === 'dictionary_splat_pattern');
        const afterKwargs = kwargs < 0 ? undefined : params[kwargs + 1];
        if (afterKwargs !== undefined) add(afterKwargs, 'arguments cannot follow var-keyword argument');
        const bare = params.findIndex((p) => p.type === 'keyword_separator');
        if (bare >= 0 && !params.slice(bare + 1).some((p) => p.type !== 'dictionary_splat_pattern' && p.type !== 'positional_separator')) add(node, 'named arguments must follow bare *');
        for (const name of parameterNodes(node)) {
          const text = source.slice(name.start, name.end);
          if (names.has(text)) add(name, `duplicate argument '${text}' in function definition`);
          names.add(text);
        }
        let defaulted = false;
        for (const p of node.children) {
          if (p.type === 'tuple_pattern') add(p, 'invalid syntax: tuple parameters are Python 2; unpack the tuple in the body');
          if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') defaulted = true;
          else if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || (p.type === 'typed_parameter' && p.children[0]?.type !== 'identifier')) break;
          else if (defaulted && (p.type === 'identifier' || p.type === 'typed_parameter')) {
            add(p, 'invalid syntax: a parameter without a default follows one with a default');
            break;
          }
        }
        break;
      }
      case 'block':
        sameLine(node.children);
        break;
      case 'argument_list': {
        let keyword: 'keyword argument' | 'keyword argument unpacking' | undefined;
        for (const a of node.children) {
          if (a.type === 'keyword_argument') keyword ??= 'keyword argument';
          else if (a.type === 'dictionary_splat') keyword = 'keyword argument unpacking';
          else if (a.type === 'list_splat') {
            if (keyword === 'keyword argument unpacking') add(a, 'iterable argument unpacking follows keyword argument unpacking');
          } else if (a.type !== 'comment' && keyword !== undefined) {
            add(a, `positional argument follows ${keyword}`);
            break;
          }
        }
        break;
      }
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.children.find((c) => c.field === 'left');
        if (left?.type === 'list_splat_pattern' || left?.type === 'list_splat') add(left, 'starred assignment target must be in a list or tuple');
        // `(x): int = 1` is one target in brackets (round 40 P), `(x, y): int` a tuple.
        const single = left !== undefined && left.children.filter((c) => c.type !== 'comment').length === 1 && !/,\s*\)\s*$/.test(source.slice(left.start, left.end)) && source[left.start] === '(';
        if (left !== undefined && !single && node.children.some((c) => c.field === 'type') && ['list_pattern', 'tuple_pattern', 'pattern_list', 'list', 'tuple', 'expression_list'].includes(left.type)) add(left, `only single target (not ${left.type.startsWith('list') ? 'list' : 'tuple'}) can be annotated`);
        break;
      }
      case 'expression_statement': {
        const only = node.children[0];
        if (node.children.length === 1 && only?.type === 'named_expression') add(only, 'invalid syntax: a walrus `:=` cannot be a statement on its own; write `=`');
        break;
      }
      default:
        break;
    }
    // Python 2 and other forms Python 3 refuses that tree-sitter takes (round 49 FF: `seed = 0777` gave the
    // parameter 777, and modules that did not compile were written).
    const refused = python3Refuses(node, source);
    if (typeof refused === 'string') add(node, refused);
    else if (refused !== undefined) add(refused.at, refused.message);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i];
      if (child !== undefined) stack.push(child);
    }
  };
  for (const statement of root.children) {
    const { column } = position(statement.start);
    if (column > 1 && statement.type !== 'ERROR') {
      const lineStart = statement.start - (column - 1);
      const lead = source.slice(lineStart, statement.start);
      if (lead.trim() === '' && indentWidth(lead) > 0) add(statement, 'unexpected indent');
    }
    stack.push(statement);
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) visit(node);
  }
  if (/\b(?:global|await)\b/.test(source)) errors.push(...scopeErrors(root, source, position));
  const tabError = inconsistentTabs(root, source);
  if (tabError !== undefined) errors.push({ ...position(tabError), message: TAB_ERROR });
  if (PLACED_KEYWORDS.test(source)) errors.push(...misplacedStatements(root, source, position));
  if (/\basync\b/.test(source) && /\byield\b/.test(source)) errors.push(...asyncGeneratorReturns(root, source, position));
  const nested = tooManyNestedBrackets(source);
  if (nested !== undefined) errors.push({ ...position(nested), message: 'too many nested parentheses' });
  return errors.sort(byPosition);
}

/** String prefixes Python 3 takes, in lower case (`ur''` and `bu''` are Python 2). */
const STRING_PREFIXES = new Set(['', 'r', 'u', 'f', 'b', 'br', 'rb', 'fr', 'rf']);
/** The width of a line's leading whitespace as Python counts it: a form feed starts the count again (`\fx = 1` stands at column 0). */
function indentWidth(lead: string): number {
  return lead.length - lead.lastIndexOf('\f') - 1;
}

/** Targets `del` and augmented assignment take. */
const DELETABLE = new Set(['identifier', 'attribute', 'subscript']);

/** A string literal's prefix, as written (`rb` of `rb"x"`; empty for none). */
function stringPrefix(literal: string): string {
  return /^[A-Za-z]*/.exec(literal)?.[0] ?? '';
}

/** What Python 3 says of `node` alone when it refuses it and tree-sitter does not; undefined when it is fine. */
function python3Refuses(node: PyNode, source: string): string | { readonly message: string; readonly at: PyNode } | undefined {
  const text = (): string => source.slice(node.start, node.end);
  switch (node.type) {
    case 'integer':
    case 'float':
      return numberRefused(text(), node.type === 'integer');
    case 'string': {
      const own = text();
      if (own.startsWith('`')) return 'invalid syntax: backquotes are Python 2; write `repr(x)`';
      const prefix = stringPrefix(own);
      if (!STRING_PREFIXES.has(prefix.toLowerCase())) return `invalid syntax: the string prefix \`${prefix}\` is not Python 3's`;
      // eslint-disable-next-line no-control-regex -- ASCII is what is checked
      if (prefix.toLowerCase().includes('b') && /[^\x00-\x7f]/.test(own)) return 'bytes can only contain ASCII literal characters';
      return undefined;
    }
    case 'interpolation': {
      const expression = node.children.find((c) => c.field === 'expression');
      if (expression === undefined) return undefined;
      if (expression.type === 'lambda') return 'f-string: lambda expressions are not allowed without parentheses';
      const conversion = /^\s*(?:=\s*)?!(\w*)/.exec(source.slice(expression.end, node.end))?.[1];
      if (conversion === undefined || ['s', 'r', 'a'].includes(conversion)) return undefined;
      return conversion === '' ? 'f-string: missing conversion character' : `f-string: invalid conversion character '${conversion}': expected 's', 'r', or 'a'`;
    }
    case 'comparison_operator': {
      const operands = node.children.filter((c) => c.type !== 'comment');
      for (let i = 1; i < operands.length; i++) {
        // Between two operands only the operator, spaces, comments and continuations.
        const between = source.slice(operands[i - 1]?.end ?? node.start, operands[i]?.start ?? node.end);
        if (between.replace(/#[^\n]*|\\\r?\n/g, '').trim() === '<>') return 'invalid syntax: `<>` is Python 2; write `!=`';
      }
      return undefined;
    }
    case 'concatenated_string': {
      const bytes = node.children.filter((c) => c.type === 'string').map((c) => /[bB]/.test(stringPrefix(source.slice(c.start, c.end))));
      return bytes.some((b) => b) && bytes.some((b) => !b) ? 'cannot mix bytes and nonbytes literals' : undefined;
    }
    case 'try_statement': {
      const clauses = node.children.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause').map((c) => /^except\s*\*/.test(source.slice(c.start, c.end)) || c.type === 'except_group_clause');
      return clauses.some((star) => star) && clauses.some((star) => !star) ? "cannot have both 'except' and 'except*' on the same 'try'" : undefined;
    }
    case 'raise_statement':
      return node.children.some((c) => c.type === 'expression_list') ? 'invalid syntax: `raise E, message` is Python 2; write `raise E(message)`' : undefined;
    case 'except_clause':
      return node.children.filter((c) => c.field === 'value').length > 1 ? 'invalid syntax: `except E, e` is Python 2; write `except E as e` (several types go in parentheses: `except (A, B):`)' : undefined;
    case 'argument_list': {
      const seen = new Set<string>();
      for (const a of node.children) {
        if (a.type !== 'keyword_argument') continue;
        const name = a.children.find((c) => c.field === 'name');
        const word = name === undefined ? '' : source.slice(name.start, name.end);
        // At the repeated keyword, as Python says it (round 57 YY: at the call's `(`).
        if (seen.has(word)) return { message: `keyword argument repeated: ${word}`, at: a };
        seen.add(word);
      }
      return undefined;
    }
    case 'for_in_clause':
      // `sum(x for x in y, 1)`, `[x for x in a, b]`: the `for` takes one iterable.
      if (node.children.filter((c) => c.field === 'right').length < 2) return undefined;
      return 'invalid syntax: a generator expression among other arguments must be in parentheses, and a comprehension iterates over one value (put a tuple in parentheses)';
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression': {
      const body = node.children.find((c) => c.field === 'body');
      if (body?.type === 'list_splat' || body?.type === 'dictionary_splat') return 'iterable unpacking cannot be used in comprehension';
      return undefined;
    }
    case 'if_clause':
      return node.children[0]?.type === 'named_expression' && !source.slice(node.start, node.children[0].start).includes('(') ? 'invalid syntax: a walrus `:=` in a comprehension\'s `if` must be in parentheses' : undefined;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
      return node.field === 'left' && node.children.filter((c) => c.type === 'list_splat_pattern').length > 1 ? 'multiple starred expressions in assignment' : undefined;
    case 'augmented_assignment': {
      const left = node.children.find((c) => c.field === 'left');
      return left === undefined || DELETABLE.has(left.type) ? undefined : `'${left.type.replace(/_pattern$/, '')}' is an illegal expression for augmented assignment`;
    }
    case 'delete_statement': {
      const targets = node.children.flatMap((c) => (c.type === 'expression_list' ? c.children : [c])).filter((c) => c.type !== 'comment');
      const deletable = (t: PyNode): boolean => DELETABLE.has(t.type) || ((t.type === 'tuple' || t.type === 'list' || t.type === 'parenthesized_expression') && t.children.every((c) => c.type === 'comment' || deletable(c)));
      return targets.every(deletable) ? undefined : 'cannot delete expression';
    }
    case 'assignment': {
      const left = node.children.find((c) => c.field === 'left');
      return left !== undefined && source.slice(left.start, left.end) === '__debug__' ? 'cannot assign to __debug__' : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * What Python 3 says of a number literal it refuses (`0777`, `10L`, `1_000_`, `1__0`), else undefined. `integer`:
 * tree-sitter's integer node, which takes a complex literal (`07j`) too.
 */
function numberRefused(text: string, integer: boolean): string | undefined {
  if (/[lL]$/.test(text)) return `invalid decimal literal: \`${text}\` is Python 2; write \`${text.slice(0, -1)}\``;
  const prefixed = /^0[xXoObB]/.test(text);
  const digits = prefixed ? text.slice(2).replace(/^_/, '') : text;
  if (/__|_$|^_|_[^0-9a-fA-F]|[^0-9a-fA-F]_/.test(digits)) return 'invalid decimal literal: an underscore in a number goes between two digits';
  if (integer && !prefixed && /^0[0-9_]*[1-9]/.test(text) && !/[jJ]$/.test(text)) return 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers';
  return undefined;
}

/**
 * `global x` after the scope assigned or used `x`, and `await` in a function that is not `async`, as Python
 * words them (a notebook's top level may `await`: IPython runs it).
 */
function scopeErrors(root: PyNode, source: string, position: (offset: number) => { line: number; column: number }): PySyntaxError[] {
  const errors: PySyntaxError[] = [];
  const scope = (body: readonly PyNode[], asyncFunction: boolean | undefined): void => {
    // The scope's own nodes in source order, and the scopes inside it.
    const own: PyNode[] = [];
    const inner: { node: PyNode; async: boolean | undefined }[] = [];
    // A comprehension's names are its own scope's: not used or bound here (`[x for x in y]` before `global x`).
    const inComprehension = new Set<PyNode>();
    const walk = (node: PyNode, comprehension = false): void => {
      own.push(node);
      if (comprehension) inComprehension.add(node);
      if (node.type === 'function_definition') {
        // Its decorators, defaults and annotations belong to this scope; its body to its own.
        for (const c of node.children) if (c.field !== 'body') walk(c);
        inner.push({ node, async: /^async\b/.test(source.slice(node.start, node.start + 5)) });
        return;
      }
      if (node.type === 'class_definition') {
        for (const c of node.children) if (c.field !== 'body') walk(c);
        inner.push({ node, async: undefined });
        return;
      }
      if (node.type === 'lambda') {
        inner.push({ node, async: false });
        return;
      }
      for (const c of node.children) walk(c, comprehension || Object.hasOwn(COMPREHENSION_NAMES, node.type));
    };
    for (const node of body) walk(node);
    const seen = new Map<string, 'assigned' | 'used'>();
    for (const node of own) {
      if (node.type === 'await' && asyncFunction === false) errors.push({ ...position(node.start), message: "'await' outside async function" });
      if (node.type === 'global_statement') {
        for (const name of node.children.filter((c) => c.type === 'identifier')) {
          const word = source.slice(name.start, name.end);
          const before = seen.get(word);
          if (before !== undefined) errors.push({ ...position(node.start), message: before === 'assigned' ? `name '${word}' is assigned to before global declaration` : `name '${word}' is used prior to global declaration` });
        }
        continue;
      }
      if (node.type !== 'identifier' || node.field === 'attribute' || node.field === 'name' || inComprehension.has(node)) continue;
      const word = source.slice(node.start, node.end);
      if (!seen.has(word)) seen.set(word, node.field === 'left' ? 'assigned' : 'used');
    }
    for (const { node, async } of inner) {
      const body = node.type === 'lambda' ? node.children.filter((c) => c.field === 'body') : (node.children.find((c) => c.field === 'body')?.children ?? []);
      // A class body keeps the enclosing function's kind for `await` (its own statements run there).
      scope(body, async === undefined ? asyncFunction : async);
    }
  };
  scope(root.children, undefined);
  return errors;
}

/** How deep Python's tokenizer lets brackets nest (its MAXLEVEL): 200 pass, the 201st is refused. */
const MAX_BRACKETS = 200;

/** The offset of the first bracket opened more than {@link MAX_BRACKETS} deep outside strings and comments, or undefined. */
function tooManyNestedBrackets(source: string): number | undefined {
  let opens = 0;
  for (let i = 0; i < source.length && opens <= MAX_BRACKETS; i++) if (source[i] === '(' || source[i] === '[' || source[i] === '{') opens++;
  if (opens <= MAX_BRACKETS) return undefined;
  let depth = 0;
  return firstInCode(source, (ch) => {
    if (ch === '(' || ch === '[' || ch === '{') return ++depth > MAX_BRACKETS;
    if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    return false;
  });
}

/** `return <value>` in an `async def` that yields, as Python words it (an async generator returns nothing). */
function asyncGeneratorReturns(root: PyNode, source: string, position: (offset: number) => { line: number; column: number }): PySyntaxError[] {
  const errors: PySyntaxError[] = [];
  const stack = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    stack.push(...node.children);
    if (node.type !== 'function_definition' || !/^async\b/.test(source.slice(node.start, node.start + 5))) continue;
    const own = ownScopeNodes(node);
    if (!own.some((n) => n.type === 'yield')) continue;
    for (const n of own) if (n.type === 'return_statement' && n.children.some((c) => c.type !== 'comment')) errors.push({ ...position(n.start), message: "'return' with value in async generator" });
  }
  return errors;
}

/** The nodes of a function's body that are its own: not those of a function, lambda or class inside it. */
function ownScopeNodes(fn: PyNode): PyNode[] {
  const own: PyNode[] = [];
  const stack = fn.children.filter((c) => c.field === 'body');
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    own.push(node);
    if (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition') continue;
    stack.push(...node.children);
  }
  return own;
}

/** Words of statements Python allows only in some places (see misplacedStatements). */
const PLACED_KEYWORDS = /\b(?:return|yield|break|continue|nonlocal)\b|\bimport\s*\*/;
/** An `except*` clause's start (Python 3.11's exception groups). */
const EXCEPT_STAR = /^except\s*\*/;
const LOOPS = new Set(['for_statement', 'while_statement']);
const COMPREHENSION_NAMES: Readonly<Record<string, string>> = { list_comprehension: 'list comprehension', set_comprehension: 'set comprehension', dictionary_comprehension: 'dict comprehension', generator_expression: 'generator expression' };

/**
 * Statements in a place Python refuses them, as Python words it (tree-sitter takes them): `return` or `yield`
 * outside a function (in a notebook cell: the step function would return early, or become a generator),
 * `yield` in a comprehension, `break`/`continue` outside a loop, `nonlocal` outside a function, `import *` in a
 * function; `break`, `continue` or `return` leaving an `except*` block; `nonlocal` of a parameter, or in a
 * function no other function encloses.
 */
function misplacedStatements(root: PyNode, source: string, position: (offset: number) => { line: number; column: number }): PySyntaxError[] {
  const errors: PySyntaxError[] = [];
  interface Place {
    readonly node: PyNode;
    readonly inFunction: boolean;
    readonly inLoop: boolean;
    readonly comprehension: string | undefined;
    readonly inClass?: boolean;
    /**
     * The innermost function's parameter names, whether a function encloses that one, the function (or the class
     * body in a function) itself, and the functions around it, outermost first.
     */
    readonly fn?: { readonly parameters: ReadonlySet<string>; readonly enclosed: boolean; readonly self: PyNode; readonly outer: readonly PyNode[] };
    /** In an `except*` block: a `break`/`continue` (no loop inside it yet) or a `return` would leave it. */
    readonly exceptStarLoop?: boolean;
    readonly exceptStarReturn?: boolean;
  }
  const stack: Place[] = root.children.map((node) => ({ node, inFunction: false, inLoop: false, comprehension: undefined }));
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, inFunction, inLoop, comprehension, inClass = false, fn, exceptStarLoop = false, exceptStarReturn = false } = item;
    const say = (message: string): void => {
      errors.push({ ...position(node.start), message });
    };
    const exceptStar = "'break', 'continue' and 'return' cannot appear in an except* block";
    switch (node.type) {
      case 'return_statement':
        if (!inFunction) say("'return' outside function");
        else if (exceptStarReturn) say(exceptStar);
        break;
      case 'yield':
        if (comprehension !== undefined) say(`'yield' inside ${comprehension}`);
        else if (!inFunction) say("'yield' outside function");
        break;
      case 'break_statement':
        if (!inLoop) say("'break' outside loop");
        else if (exceptStarLoop) say(exceptStar);
        break;
      case 'continue_statement':
        if (!inLoop) say("'continue' not properly in loop");
        else if (exceptStarLoop) say(exceptStar);
        break;
      case 'nonlocal_statement': {
        // A class body in a function may name the function's variables (round 42 S).
        if (!inFunction && fn === undefined) {
          say('nonlocal declaration not allowed at module level');
          break;
        }
        const names = node.children.filter((c) => c.type === 'identifier').map((c) => source.slice(c.start, c.end));
        const parameter = names.find((name) => fn?.parameters.has(name) === true);
        if (parameter !== undefined) {
          say(`name '${parameter}' is parameter and nonlocal`);
          break;
        }
        if (fn?.enclosed === false && names[0] !== undefined) {
          say(`no binding for nonlocal '${names[0]}' found`);
          break;
        }
        if (fn === undefined) break;
        const global = names.find((name) => scopeNames(fn.self, source).globals.has(name));
        // Round 42 S: a name no function around binds (a module's variable: `global` was meant).
        // A class body between binds nothing a nested function's nonlocal can name (round 44 W).
        const unbound = names.find((name) => !fn.outer.some((outer) => outer.type !== 'class_definition' && scopeNames(outer, source).bound.has(name)));
        if (global !== undefined) say(`name '${global}' is nonlocal and global`);
        else if (unbound !== undefined) say(`no binding for nonlocal '${unbound}' found`);
        break;
      }
      case 'import_from_statement':
        if ((inFunction || inClass) && node.children.some((c) => c.type === 'wildcard_import')) say('import * only allowed at module level');
        break;
      default:
        break;
    }
    const startsExceptStar = node.type === 'except_clause' && EXCEPT_STAR.test(source.slice(node.start, node.start + 12));
    for (const child of node.children) {
      if (node.type === 'function_definition' || node.type === 'lambda') {
        const body = child.type === 'block' || node.type === 'lambda';
        const own = body && node.type === 'function_definition' ? { parameters: new Set(functionParameterNames(node, source)), enclosed: fn !== undefined, self: node, outer: fn === undefined ? [] : [...fn.outer, fn.self] } : fn;
        stack.push({ node: child, inFunction: body ? true : inFunction, inLoop: child.type === 'block' ? false : inLoop, comprehension: node.type === 'lambda' ? undefined : comprehension, ...(own === undefined ? {} : { fn: own }) });
      } else if (node.type === 'class_definition') {
        stack.push({ node: child, inFunction: child.type === 'block' ? false : inFunction, inLoop: child.type === 'block' ? false : inLoop, comprehension, inClass: child.type === 'block', ...(fn === undefined ? {} : { fn: { parameters: new Set<string>(), enclosed: true, self: node, outer: [...fn.outer, fn.self] } }) });
      } else {
        const loopBody = LOOPS.has(node.type) && child.type === 'block' && child.field === 'body';
        const starBlock = startsExceptStar && child.type === 'block';
        stack.push({
          node: child,
          inFunction,
          inLoop: inLoop || loopBody,
          comprehension: LOOPS.has(node.type) ? comprehension : (COMPREHENSION_NAMES[node.type] ?? comprehension),
          inClass,
          ...(fn === undefined ? {} : { fn }),
          exceptStarLoop: starBlock || (exceptStarLoop && !loopBody),
          exceptStarReturn: starBlock || exceptStarReturn,
        });
      }
    }
  }
  return errors;
}

/**
 * The names a function (or a class body) may bind, generously: every name its own code holds (its parameters,
 * names it assigns, imports, declares `nonlocal`, and names it only reads too), not those of the functions and
 * classes inside it but their names; less those it declares `global`. And those it declares `global`.
 */
function scopeNames(scope: PyNode, source: string): { readonly bound: ReadonlySet<string>; readonly globals: ReadonlySet<string> } {
  const bound = new Set<string>();
  const globals = new Set<string>();
  const stack = [...scope.children];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === 'identifier') bound.add(source.slice(node.start, node.end));
    else if (node.type === 'global_statement') {
      for (const c of node.children) if (c.type === 'identifier') globals.add(source.slice(c.start, c.end));
    } else if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') stack.push(...node.children.filter((c) => c.field === 'name'));
    else stack.push(...node.children);
  }
  for (const name of globals) bound.delete(name);
  return { bound, globals };
}

/**
 * Python's TabError: the offset of the first statement whose indentation compares differently with a tab
 * as 8 columns and as 1 (how Python's tokenizer decides), or undefined. Only statements that start their line.
 */
function inconsistentTabs(root: PyNode, source: string): number | undefined {
  if (!source.includes('\t')) return undefined;
  const starts: number[] = [];
  const collect = (nodes: readonly PyNode[]): void => {
    for (const node of nodes) {
      starts.push(node.start);
      for (const child of node.children) if (child.type === 'block') collect(child.children);
      for (const clause of node.children) {
        if (clause.type === 'elif_clause' || clause.type === 'else_clause' || clause.type === 'except_clause' || clause.type === 'finally_clause') {
          starts.push(clause.start);
          for (const child of clause.children) if (child.type === 'block') collect(child.children);
        }
      }
      if (node.type === 'decorated_definition') for (const child of node.children) if (child.field === 'definition') collect([child]);
    }
  };
  collect(root.children);
  starts.sort((a, b) => a - b);
  const levels: { wide: number; narrow: number }[] = [{ wide: 0, narrow: 0 }];
  for (const start of starts) {
    let lineStart = start;
    while (lineStart > 0 && source[lineStart - 1] !== '\n' && source[lineStart - 1] !== '\r') lineStart--;
    const indent = source.slice(lineStart, start);
    if (!/^[ \t]*$/.test(indent)) continue;
    let wide = 0;
    let narrow = 0;
    for (const ch of indent) {
      wide = ch === '\t' ? wide - (wide % 8) + 8 : wide + 1;
      narrow++;
    }
    let top = levels[levels.length - 1] ?? { wide: 0, narrow: 0 };
    if (wide > top.wide) {
      if (narrow <= top.narrow) return start;
      levels.push({ wide, narrow });
      continue;
    }
    while (levels.length > 1 && wide < top.wide) {
      levels.pop();
      top = levels[levels.length - 1] ?? { wide: 0, narrow: 0 };
    }
    if (wide === top.wide && narrow !== top.narrow) return start;
  }
  return undefined;
}
