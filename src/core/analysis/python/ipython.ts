/**
 * IPython syntax in a notebook cell, turned into plain Python on purpose: magics, shell escapes, help,
 * `display(...)` and the bare expression whose value Jupyter shows. The output has exactly the lines of the
 * input, so a line number in the translated code is the same line in the cell; every line that changed
 * carries a `# nbpromote: ...` comment saying what it was.
 *
 * Decisions:
 * - `%time`/`%timeit`/`%prun`/`%memit stmt` keep `stmt` (once); `%%time`, `%%timeit`, `%%prun`, `%%memit`,
 *   `%%capture` keep the body.
 * - `%env A=1` becomes `import os; os.environ["A"] = "1"` on the same line: self-contained, and the analysis
 *   sees the `os` import it needs.
 * - `%pip install`, `!pip install`, `%conda install` ... become requirements; other shell commands and
 *   unknown magics become comments, with a warning when the notebook depended on their effect.
 * - `%%writefile`, `%%bash`, `%%html` ... cells are not Python: the whole cell becomes comments.
 * - `if __name__ == "__main__":` (and `elif`, either order, either quote) becomes `if True:`: Jupyter runs a
 *   notebook as `__main__`, so the block ran there; in a generated module `__name__` is the module's name.
 * - `display(...)` statements and `from IPython.display import display` are commented out: outside a
 *   notebook they show nothing.
 * - The cell's last statement, when a bare expression, is what Jupyter shows. It is commented out when it
 *   cannot have an effect (a name, attribute, subscript, literal, comparison, or a call of a known pure
 *   method such as `head()`/`describe()`/`value_counts()` on such a value); any other call is kept.
 */
import { scanLine, shapeLines, sourceLines, START_STATE, startsLogicalLine } from './lexical';
import { stringAndCommentRanges } from './literalRanges';
import type { LexState } from './lexical';
import { EMPTY_BLOCK, parsePython, parsePythonMany } from './parser';
import type { PyNode, PyTree } from './parser';
import { parseInstallCommands } from './requirements';

export type TranslationKind = 'line-magic' | 'cell-magic' | 'shell' | 'help' | 'display' | 'trailing-expression' | 'unused-value' | 'main-guard' | 'ipython-api';

/** One place where the cell's code was changed. */
export interface Translation {
  /** 1-based line in the cell (and in the translated code). */
  readonly line: number;
  readonly kind: TranslationKind;
  /** The original text; all its lines, joined with `\n`, when it spans several. */
  readonly original: string;
  /** The comment written into the code, starting with `# nbpromote:`. */
  readonly comment: string;
  /** Set when the generated code will behave differently from the notebook here: one sentence for a person. */
  readonly warning?: string;
}

/** The cell's last statement when it is a bare expression: Jupyter shows its value. */
export interface TrailingExpression {
  readonly line: number;
  readonly endLine: number;
  /** Its source text. */
  readonly text: string;
  /** True when the translation commented it out (it could only show a value); false when the code keeps it. */
  readonly removed: boolean;
}

export interface IPythonTranslation {
  /** Plain Python with the same number of lines as the cell. */
  readonly code: string;
  readonly translations: readonly Translation[];
  /** Requirements from install commands, in pip's form, in order, without duplicates. */
  readonly requirements: readonly string[];
  readonly trailingExpression?: TrailingExpression;
}

/** Where a translated line's columns come from in the original line (for lines whose text moved). */
export type ColumnMap = { readonly kind: 'shift'; readonly from: number; readonly delta: number } | { readonly kind: 'fixed'; readonly column: number };

/** The translation plus what the analysis needs to avoid parsing twice. Not for use outside `analysis/python`. */
export interface MappedTranslation extends IPythonTranslation {
  /** 1-based line → column map, for lines whose code moved sideways. Columns are 0-based here. */
  readonly columnMaps: ReadonlyMap<number, ColumnMap>;
  /** The parse of the code before `display(...)` and trailing expressions were commented out. */
  readonly tree: PyTree;
  /** Nodes of `tree` the translation removed (statements, or the `display` name in an import). */
  readonly removedNodes: ReadonlySet<PyNode>;
  /**
   * The `display(...)` statements left out or kept without `display`, in order, with their call: `once` when
   * it is not in a loop, a function or a class (at the top, or in a `with`, `if` or `try` block).
   */
  readonly displayCalls: readonly DisplayCall[];
}

/** A `display(...)` statement the translation handled (`MappedTranslation.displayCalls`). */
export interface DisplayCall {
  readonly statement: PyNode;
  readonly call: PyNode;
  readonly once: boolean;
}

/**
 * Translates one code cell's IPython syntax into plain Python, keeping the line count. Needs the Python
 * parser loaded (`await initPythonParser()`); never throws on user input.
 */
export function translateIPython(source: string): IPythonTranslation {
  const { code, translations, requirements, trailingExpression } = translateIPythonMapped(source);
  return trailingExpression === undefined ? { code, translations, requirements } : { code, translations, requirements, trailingExpression };
}

/** Cell magics whose body is Python and runs as it is (the magic only times, profiles or captures it). */
const BODY_KEPT_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'memit', 'debug', 'mprun']);
/** Cell magics that only display their body. */
const DISPLAY_CELL_MAGICS = new Set(['html', 'HTML', 'javascript', 'js', 'latex', 'markdown', 'svg']);
/** Cell magics that run their body as another program. */
const PROGRAM_CELL_MAGICS = new Set(['bash', 'sh', 'script', 'perl', 'ruby', 'python', 'python2', 'python3', 'pypy', 'sx', 'system', 'cmd', 'powershell']);

/** Line magics that keep the statement after their options (`%time x = f()` → `x = f()`). */
const STATEMENT_MAGICS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['time', new Set<string>()],
  ['timeit', new Set(['-n', '-r', '-p'])],
  ['prun', new Set(['-D', '-T', '-s', '-l'])],
  ['memit', new Set(['-r', '-t', '-i'])],
]);

/** Line magics that only change how the notebook looks or report something: commented out without a warning. */
const HARMLESS_LINE_MAGICS = new Set([
  'matplotlib', 'load_ext', 'reload_ext', 'unload_ext', 'autoreload', 'aimport', 'config', 'who', 'whos', 'who_ls',
  'lsmagic', 'history', 'hist', 'precision', 'pprint', 'xmode', 'colors', 'pinfo', 'pinfo2', 'pdef', 'pdoc',
  'psource', 'pfile', 'magic', 'quickref', 'page', 'pwd', 'pip', 'conda', 'mamba', 'uv', 'debug', 'autoawait',
  'doctest_mode', 'notebook', 'logstart', 'logstop', 'logon', 'logoff', 'logstate', 'clear', 'ls', 'll', 'dhist',
  'dirs', 'killbgscripts', 'env', 'set_env', 'time', 'timeit', 'prun', 'memit', 'tb', 'pdb', 'qtconsole',
  'connect_info', 'alias_magic', 'automagic', 'autocall', 'autosave', 'save', 'ldir', 'lf', 'lk', 'lx',
]);

/** Why the generated code differs from the notebook for these line magics. */
const LINE_MAGIC_WARNINGS: ReadonlyMap<string, string> = new Map(Object.entries({
  run: 'runs another file in the notebook; the generated code does not run it: move that code into a cell or import it',
  cd: 'is translated only with one plain folder (`%cd data`); this one is left out, so relative paths after it may mean another folder',
  pylab: 'defines numpy and matplotlib names in the notebook; import the names the cell uses instead',
  load: 'replaces the cell with a file when run; paste the code into the cell instead',
  loadpy: 'replaces the cell with a file when run; paste the code into the cell instead',
  store: 'shares variables between notebooks; the generated code does not',
  reset: 'clears the notebook\'s variables; the generated code does not',
  reset_selective: 'clears some of the notebook\'s variables; the generated code does not',
  xdel: 'deletes a variable; the generated code does not',
  sx: 'runs a shell command; the generated code does not run it',
  system: 'runs a shell command; the generated code does not run it',
  bash: 'runs a shell command; the generated code does not run it',
  sc: 'runs a shell command; the generated code does not run it',
  macro: 'defines an IPython macro; the generated code does not',
  rerun: 'runs earlier cells again; the generated code does not',
  recall: 'recalls earlier input; the generated code does not',
  edit: 'runs code from an editor; the generated code does not',
  pushd: 'changes the working directory; the generated code runs where it is started',
  popd: 'changes the working directory; the generated code runs where it is started',
  bookmark: 'changes the working directory; the generated code runs where it is started',
  alias: 'defines a shell alias; the generated code does not',
  capture: 'is not a line magic',
}));

/** Shell commands that only read or report: removing them changes nothing the code depends on. */
const READ_ONLY_COMMANDS = new Set([
  'ls', 'll', 'head', 'tail', 'cat', 'less', 'more', 'wc', 'pwd', 'echo', 'which', 'whoami', 'du', 'df', 'file',
  'tree', 'free', 'nproc', 'lscpu', 'uname', 'date', 'nvidia-smi', 'hostname', 'env', 'printenv', 'grep', 'find',
  'stat', 'md5sum', 'sha256sum', 'top', 'ps', 'uptime', 'id',
]);

/** Magic names IPython runs without `%` (automagic) and that cannot start a valid Python statement with an argument. */
const AUTOMAGIC = /^(pip3?|conda|mamba|matplotlib|load_ext|reload_ext|autoreload|cd|run|config|pylab|mkdir)[ \t]+(?!(?:in|is|and|or|not|if|else|for|as)\b)[\w\-~/'"{$]/;

/**
 * Methods (and functions) whose call only computes a value to look at. A bare trailing call of one of these,
 * on a value that is itself side-effect free, is what a person writes to see a table or a number.
 */
const PURE_METHODS = new Set([
  'head', 'tail', 'describe', 'info', 'sample', 'value_counts', 'nunique', 'unique', 'isna', 'isnull', 'notna',
  'notnull', 'sum', 'mean', 'median', 'std', 'var', 'min', 'max', 'count', 'corr', 'cov', 'round', 'sort_values',
  'sort_index', 'groupby', 'agg', 'aggregate', 'to_frame', 'reset_index', 'nlargest', 'nsmallest', 'quantile',
  'memory_usage', 'get_params', 'crosstab', 'pivot_table', 'DataFrame', 'Series', 'mode', 'abs', 'cumsum',
  'unstack', 'stack', 'transpose', 'any', 'all', 'items', 'keys', 'values', 'tolist', 'to_dict', 'to_numpy',
  'select_dtypes', 'duplicated', 'idxmax', 'idxmin', 'prod', 'skew', 'kurt', 'sem', 'diff', 'pct_change',
  'explode', 'melt', 'pivot', 'astype', 'copy', 'filter', 'query', 'loc', 'iloc', 'score', 'predict',
  'predict_proba', 'transform', 'format', 'join', 'split', 'strip', 'lower', 'upper', 'replace', 'startswith',
  'endswith', 'get', 'argmax', 'argmin', 'reshape', 'ravel', 'flatten', 'dot', 'tail',
  // pandas' (round 46 Y: `wine.groupby("cluster").size()` last in a step was kept as a statement doing nothing).
  'size', 'rank', 'isin', 'between', 'clip', 'cumprod', 'cummax', 'cummin', 'dropna', 'fillna',
]);
const PURE_FUNCTIONS = new Set([
  'len', 'type', 'repr', 'str', 'int', 'float', 'bool', 'list', 'dict', 'set', 'tuple', 'frozenset', 'sorted',
  'sum', 'min', 'max', 'abs', 'round', 'isinstance', 'issubclass', 'vars', 'dir', 'id', 'hash', 'any', 'all',
  'range', 'enumerate', 'zip', 'reversed', 'divmod', 'pow', 'hex', 'oct', 'bin', 'chr', 'ord', 'format', 'ascii',
  'callable', 'hasattr', 'getattr',
  // IPython.display's objects: made to be shown, nothing else (round 51 KK: `display(Markdown(f"**{n}** rows"))`
  // left `(Markdown(...))` behind as code that may change something).
  'Markdown', 'HTML', 'Latex', 'Math', 'SVG', 'JSON', 'Pretty', 'Code',
]);
const PURE_LEAVES = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'ellipsis', 'lambda']);
const PURE_COMPOSITES = new Set([
  'attribute', 'subscript', 'slice', 'comparison_operator', 'boolean_operator', 'not_operator', 'unary_operator',
  'binary_operator', 'parenthesized_expression', 'tuple', 'list', 'set', 'dictionary', 'pair', 'conditional_expression',
  'expression_list', 'string', 'concatenated_string', 'interpolation', 'format_specifier', 'format_expression', 'list_splat',
  'dictionary_splat', 'argument_list',
]);

/** Nodes that hold statements (display calls are looked for only at statement level). */
const STATEMENT_CONTAINERS = new Set([
  'block', 'if_statement', 'elif_clause', 'else_clause', 'for_statement', 'while_statement', 'try_statement',
  'except_clause', 'finally_clause', 'with_statement', 'function_definition', 'class_definition',
  'decorated_definition', 'match_statement', 'case_clause',
]);

type CellMode = 'python' | 'no-display' | 'not-python';


/** What the translation says of a trailing expression it leaves out: the notebook only showed its value. */
// (Not "showed": the expression may have raised in the notebook, round 66 PPP.)
export const SHOWN_VALUE_NOTE = 'the cell ends with this value, which Jupyter shows; it has no effect here';
/** What the translation says of a trailing `df.info()` it leaves out. */
export const PRINTED_SUMMARY_NOTE = 'the notebook printed this summary; it has no effect here';
/** What the translation says of a `display(...)` statement it leaves out. */
export const DISPLAY_NOTE = 'display(...) shows a value in the notebook only';
/** What it says of one whose value it still computes (`display(df.sample(5))`: computing it may change something). */
export const DISPLAY_KEPT_NOTE = '# nbpromote: display(...) removed; the value is still computed, as computing it may change something';

/** The comment the translation leaves on the first line it comments out: `# nbpromote: <what>: <line>`. */
export function commentedOut(what: string, line: string): string {
  return `# nbpromote: ${what}: ${line.trim()}`;
}

class Translator {
  readonly lines: string[];
  readonly out: string[];
  readonly removed: boolean[];
  readonly translations: Translation[] = [];
  readonly requirements: string[] = [];
  readonly columnMaps = new Map<number, ColumnMap>();
  /** 0-based lines that held an IPython statement now gone (a later trailing expression is then not shown). */
  readonly escapeLines: number[] = [];
  mode: CellMode = 'python';

  constructor(readonly source: string) {
    this.lines = sourceLines(source);
    this.out = [...this.lines];
    this.removed = this.lines.map(() => false);
  }

  record(line: number, kind: TranslationKind, original: string, comment: string, warning?: string): void {
    this.translations.push(warning === undefined ? { line: line + 1, kind, original, comment } : { line: line + 1, kind, original, comment, warning });
  }

  /** Replaces lines first..last with comments; the first says what happened: {@link commentedOut}. */
  commentOut(first: number, last: number, kind: TranslationKind, what: string, warning?: string): void {
    const firstLine = this.lines[first] ?? '';
    const indent = leadingSpace(firstLine);
    const comment = commentedOut(what, firstLine);
    this.out[first] = `${indent}${comment}`;
    this.removed[first] = true;
    for (let i = first + 1; i <= last; i++) {
      const line = this.lines[i] ?? '';
      const own = leadingSpace(line);
      this.out[i] = line.trim() === '' ? line : `${indent}# ${line.slice(Math.min(own.length, indent.length))}`;
      this.removed[i] = true;
    }
    this.record(first, kind, this.lines.slice(first, last + 1).join('\n'), comment, warning);
  }

  addRequirements(found: readonly string[]): void {
    for (const r of found) if (!this.requirements.includes(r)) this.requirements.push(r);
  }
}

/** {@link translateIPython} with what `analyzeCell` needs (the parse tree and column maps). */
export function translateIPythonMapped(source: string): MappedTranslation {
  const t = startTranslation(source);
  return finishTranslation(t, parsePython(t.out.join('\n')));
}

/** {@link translateIPythonMapped} for many sources, parsed together (`parsePythonMany`): the same results. */
export function translateIPythonMappedMany(sources: readonly string[]): MappedTranslation[] {
  const started = sources.map(startTranslation);
  const trees = parsePythonMany(started.map((t) => t.out.join('\n')));
  return started.map((t, i) => finishTranslation(t, trees[i] ?? parsePython(t.out.join('\n'))));
}

/** The line-by-line translation, before the parse. */
function startTranslation(source: string): Translator {
  const t = new Translator(source);
  cleanUp(t);
  const start = translateCellMagic(t);
  if (t.mode !== 'not-python') translateLines(t, start);
  return t;
}

/** What needs the parse of the translated lines: display calls, the trailing expression, empty blocks. */
function finishTranslation(t: Translator, parsed: PyTree): MappedTranslation {
  const tree = withoutEmptiedBlockErrors(t, parsed);
  const removedNodes = new Set<PyNode>();
  const displayCalls: DisplayCall[] = [];
  let trailingExpression: TrailingExpression | undefined;
  if (t.mode !== 'not-python') {
    removeDisplay(t, tree, removedNodes, displayCalls);
    if (t.mode === 'python') trailingExpression = trailing(t, tree, removedNodes);
    inertStatements(t, tree, removedNodes);
  }
  keepBlocksNonEmpty(t);
  const base = { code: t.out.join('\n'), translations: t.translations.sort((a, b) => a.line - b.line), requirements: t.requirements, columnMaps: t.columnMaps, tree, removedNodes, displayCalls };
  return trailingExpression === undefined ? base : { ...base, trailingExpression };
}

/**
 * What IPython does to a cell before anything else (its cleanup transforms), so a cell it runs is read as it
 * ran: the indentation of the cell's first non-blank line is taken off every line starting with it (a cell
 * pasted with a stray space in front: round 51 MM, a false "unexpected indent"), then `>>> ` / `... ` prompts
 * (pasted from a doctest or a Python shell) and `In [3]: ` / `...: ` prompts (from an IPython shell) are taken
 * off. The notebook's line numbers and columns stay (a column map per changed line).
 */
function cleanUp(t: Translator, from = 0): void {
  const found = t.lines.slice(from).findIndex((line) => line.trim() !== '');
  const first = found < 0 ? -1 : from + found;
  const head = t.lines[first] ?? '';
  const c = head.charCodeAt(0);
  // Most cells start at column 0 with neither prompt.
  if (first < 0 || (c !== 32 && c !== 9 && c !== 62 && c !== 73 && c !== 91 && !PROMPT_LINE.test(t.lines[first + 1] ?? ''))) return;
  const cut = new Map<number, number>();
  const take = (i: number, n: number): void => {
    if (n === 0) return;
    t.lines[i] = (t.lines[i] ?? '').slice(n);
    t.out[i] = t.lines[i] ?? '';
    cut.set(i, (cut.get(i) ?? 0) + n);
  };
  const indent = /^[ \t]+/.exec(head)?.[0];
  if (indent !== undefined) for (let i = first; i < t.lines.length; i++) if ((t.lines[i] ?? '').startsWith(indent)) take(i, indent.length);
  for (const { initial, prompt } of PROMPTS) {
    if (!initial.test(t.lines[first] ?? '') && !prompt.test(t.lines[first + 1] ?? '')) continue;
    for (let i = first; i < t.lines.length; i++) take(i, prompt.exec(t.lines[i] ?? '')?.[0].length ?? 0);
  }
  for (const [i, n] of cut) t.columnMaps.set(i + 1, { kind: 'shift', from: 0, delta: n });
}

/** The prompts IPython takes off a pasted cell (`classic_prompt`, `ipython_prompt`): when the first line starts with `initial`, or the second with `prompt`, `prompt` goes from every line. */
const IPYTHON_PROMPT = /^(?:(?:(?:\[nav\]|\[ins\])? )?In \[\d+\]: |\s*\.{3,}: ?)/;
const PROMPTS: readonly { initial: RegExp; prompt: RegExp }[] = [
  { initial: /^>>>(?: |$)/, prompt: /^(?:>>>|\.\.\.)(?: |$)/ },
  { initial: IPYTHON_PROMPT, prompt: IPYTHON_PROMPT },
];
/** A line that may make a cell's prompts go (see PROMPTS), for the quick test. */
const PROMPT_LINE = /^(?:>>>|\.\.\.)(?: |$)|^\s*\.{3,}: ?/;

/** Handles a `%%magic` first line. Returns the first line index still to translate line by line. */
function translateCellMagic(t: Translator): number {
  const first = t.lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return 0;
  const head = (t.lines[first] ?? '').trim();
  const match = /^%%([A-Za-z_][\w.]*)(.*)$/.exec(head);
  if (match === null) return 0;
  const name = match[1] ?? '';
  const args = (match[2] ?? '').trim();
  const last = t.lines.length - 1;
  if (BODY_KEPT_CELL_MAGICS.has(name)) {
    // IPython cleans the body up as a cell of its own before it runs it (round 52 PP: an indented `%%time` body).
    cleanUp(t, first + 1);
    if (name !== 'time') t.mode = 'no-display';
    if (name === 'capture') {
      t.mode = 'no-display';
      const variable = args.split(/\s+/).find((word) => word !== '' && !word.startsWith('-'));
      t.commentOut(
        first,
        first,
        'cell-magic',
        'removed IPython cell magic (the body runs; its output is not captured)',
        variable === undefined ? undefined : `\`%%capture ${variable}\` keeps the cell's output in \`${variable}\`; the generated code does not capture output, so \`${variable}\` is not defined`,
      );
      return first + 1;
    }
    if (name === 'timeit') {
      const setup = statementAfterOptions(t.lines[first] ?? '', STATEMENT_MAGICS.get('timeit') ?? new Set());
      if (setup !== undefined) {
        keepStatement(t, first, setup, 'removed IPython cell magic', 'cell-magic');
        return first + 1;
      }
    }
    t.commentOut(first, first, 'cell-magic', 'removed IPython cell magic');
    return first + 1;
  }
  if ((name === 'bash' || name === 'sh') && args === '' && makesFoldersOnly(t, first + 1)) return t.lines.length;
  t.mode = 'not-python';
  let warning: string | undefined;
  if (name === 'writefile' || name === 'file') {
    const path = args.split(/\s+/).filter((word) => word !== '' && !word.startsWith('-')).join(' ') || 'a file';
    warning = `\`%%${name} ${path}\` writes ${path} when the notebook runs; the generated code does not: add the file to the project, or write it from Python`;
  } else if (PROGRAM_CELL_MAGICS.has(name)) {
    warning = `the \`%%${name}\` cell runs commands the generated code does not run`;
  } else if (!DISPLAY_CELL_MAGICS.has(name)) {
    warning = `the \`%%${name}\` cell is not Python: it is left out of the generated code`;
  }
  const nonBlankLast = lastNonBlank(t.lines);
  t.commentOut(first, Math.max(first, Math.min(last, nonBlankLast)), 'cell-magic', 'removed IPython cell magic (the cell is not Python)', warning);
  return t.lines.length;
}

/**
 * A `%%bash` cell whose every command is a `mkdir` ({@link mkdirFolders}), from line `from` on: its magic line
 * commented out and each command made `os.makedirs`, and true; else nothing changed and false.
 */
function makesFoldersOnly(t: Translator, from: number): boolean {
  const commands = t.lines.map((line, i) => ({ i, text: line.trim() })).filter(({ i, text }) => i >= from && text !== '' && !text.startsWith('#'));
  const made = commands.map(({ text }) => mkdirCommands(text, false));
  if (made.every((folders) => folders === undefined) || commands.some(({ text }, k) => made[k] === undefined && !readsOnly(text))) return false;
  t.commentOut(from - 1, from - 1, 'cell-magic', 'removed IPython cell magic (its mkdir commands are made Python)');
  commands.forEach(({ i }, k) => {
    const folders = made[k];
    // At the start of its line whatever its indent, as the shell reads it.
    if (folders !== undefined) makeDirectories(t, i, folders, 'shell', 'shell command', '');
    else t.commentOut(i, i, 'shell', 'removed shell command');
  });
  return true;
}

/** A shell command line that only reads or reports (`ls -la out | head -3`): each command of its pipe one of READ_ONLY_COMMANDS, nothing redirected. */
function readsOnly(command: string): boolean {
  command = withoutDiscardedOutput(command);
  if (/[>;&`]|\$\(|\s-(?:delete|exec|execdir|ok|fprint\w*)\b/.test(command)) return false;
  return command.split('|').every((part) => READ_ONLY_COMMANDS.has((/^\s*(\S+)/.exec(part)?.[1] ?? '').replace(/^.*\//, '')));
}

/** The command without redirections that throw its output away (`> /dev/null`, `2>&1`): they write nothing (round 63 KKK). */
function withoutDiscardedOutput(command: string): string {
  return command.replace(/\s*(?:[12]?>>?|&>)\s*\/dev\/null(?![\w/])|\s*2>&1/g, '');
}

function lastNonBlank(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if ((lines[i] ?? '').trim() !== '') return i;
  return 0;
}

function translateLines(t: Translator, start: number): void {
  let state: LexState = START_STATE;
  for (let i = start; i < t.lines.length; i++) {
    const line = t.lines[i] ?? '';
    if (startsLogicalLine(state)) {
      if (mainGuard(t, i)) continue;
      const magic = magicOfCall(line);
      if (magic !== undefined) t.lines[i] = magic;
      const handled = translateEscape(t, i);
      if (handled !== undefined) {
        i = handled.last;
        state = handled.rescan ? scanLine(t.out[i] ?? '', START_STATE).state : START_STATE;
        continue;
      }
      formFeedIndent(t, i);
      ipythonShell(t, i);
    }
    state = scanLine(line, state).state;
  }
}

/**
 * A form feed in a line's indentation starts Python's count of columns again (`\fx = 1` stands at column 0,
 * `\f    y = 2` at column 4): the line keeps the indentation after the last one, which is how Python reads it
 * and what stays right once the line is indented into a step function (where `    \fx` would be at column 0).
 */
function formFeedIndent(t: Translator, i: number): void {
  const line = t.out[i] ?? '';
  if (!line.includes('\f')) return; // nearly every line: no pattern run
  const lead = /^[ \t\f]*/.exec(line)?.[0] ?? '';
  const cut = lead.lastIndexOf('\f') + 1;
  if (cut === 0) return;
  t.out[i] = line.slice(cut);
  t.columnMaps.set(i + 1, { kind: 'shift', from: 0, delta: cut });
}

/** The note on a `get_ipython()` the translation replaced with what the notebook's kernel gave. */
const IPYTHON_SHELL_NOTE = '# nbpromote: get_ipython() as in the notebook, run by a Jupyter kernel';

/**
 * What the notebook's `get_ipython()` gave, for the forms that only ask which shell runs the code (round 51 KK:
 * the Colab idiom `'google.colab' in str(get_ipython())` stopped common.py with a NameError; round 52 PP: `None`
 * turned `if get_ipython() is not None:` the other way): the shell of the Jupyter kernel nbconvert runs, as text,
 * by class name, and not None. `ip = get_ipython()` and its API calls are left with their warning.
 */
const IPYTHON_SHELL_FORMS: readonly [RegExp, string][] = [
  [/(?<![\w.])str\(\s*get_ipython\s*\(\s*\)\s*\)/, "'<ipykernel.zmqshell.ZMQInteractiveShell object>'"],
  [/(?<![\w.])get_ipython\s*\(\s*\)\s+is\s+not\s+None\b/, 'True'],
  [/(?<![\w.])get_ipython\s*\(\s*\)\s+is\s+None\b/, 'False'],
  [/(?<![\w.])(?:type\(\s*get_ipython\s*\(\s*\)\s*\)|get_ipython\s*\(\s*\)\s*\.\s*__class__)\s*\.\s*__name__/, "'ZMQInteractiveShell'"],
];

function ipythonShell(t: Translator, i: number): void {
  const line = t.out[i] ?? '';
  if (!line.includes('get_ipython') || line.trimEnd().endsWith('\\')) return;
  const literals = stringAndCommentRanges(line);
  for (const [form, value] of IPYTHON_SHELL_FORMS) {
    const found = form.exec(line);
    const at = found?.index ?? -1;
    if (found === null || literals.some(([start, end]) => at >= start && at < end)) continue;
    const comment = literals.some(([start]) => line[start] === '#');
    t.out[i] = `${line.slice(0, at)}${value}${line.slice(at + found[0].length).trimEnd()}${comment ? '' : `  ${IPYTHON_SHELL_NOTE}`}`;
    t.columnMaps.set(i + 1, { kind: 'shift', from: at + value.length, delta: found[0].length - value.length });
    t.record(i, 'ipython-api', line, IPYTHON_SHELL_NOTE);
    return;
  }
}

const MAIN = String.raw`(?:'__main__'|"__main__")`;
const MAIN_TEST = String.raw`\(?\s*(?:__name__\s*==\s*${MAIN}|${MAIN}\s*==\s*__name__)\s*\)?`;
const MAIN_GUARD = new RegExp(String.raw`^(\s*)(if|elif)(?:\s+|(?=\())${MAIN_TEST}\s*:`);
/** The comment on a translated guard; it must not repeat the test, which the namespace check looks for. */
const MAIN_GUARD_NOTE = '# nbpromote: was a test of __name__, true in the notebook (Jupyter runs a notebook as __main__)';
/** The same for a test that `__name__` is not `"__main__"`, false in the notebook (round 68 TTT: said "true"). */
const NOT_MAIN_NOTE = '# nbpromote: was a test of __name__, false in the notebook (Jupyter runs a notebook as __main__)';

/** `__name__ == "__main__"` (either order; `!=` too) anywhere in a line. */
const MAIN_COMPARISON = new RegExp(String.raw`__name__\s*(==|!=)\s*${MAIN}|${MAIN}\s*(==|!=)\s*__name__`, 'g');

/**
 * `if __name__ == "__main__":` → `if True:`, keeping what follows the colon; elsewhere in a line (`elif
 * __name__ == "__main__" and not quick:`, `n = 120 if __name__ == "__main__" else 10`, `IN_NOTEBOOK = __name__ ==
 * "__main__"`) the first comparison becomes `True` (`False` for `!=`). The block ran in the notebook, and later
 * code may need what it made; in the generated module the test is false. Only a line that is one whole logical
 * line, and a comparison outside its strings and comments. Returns true when the line was translated.
 */
function mainGuard(t: Translator, i: number): boolean {
  const line = t.lines[i] ?? '';
  if (!line.includes('__main__') || !startsLogicalLine(scanLine(line, START_STATE).state)) return false;
  const match = MAIN_GUARD.exec(line);
  if (match !== null) {
    const head = `${match[1] ?? ''}${match[2] ?? ''} True:`;
    t.out[i] = `${head}${line.slice(match[0].length).trimEnd()}  ${MAIN_GUARD_NOTE}`;
    t.columnMaps.set(i + 1, { kind: 'shift', from: head.length, delta: match[0].length - head.length });
    t.record(i, 'main-guard', line, MAIN_GUARD_NOTE);
    return true;
  }
  const literals = stringAndCommentRanges(line);
  // The name `__name__` outside the line's strings and comments (the string `"__main__"` is one, of course).
  const found = [...line.matchAll(MAIN_COMPARISON)].find((m) => {
    const name = (m.index ?? 0) + m[0].indexOf('__name__');
    return !literals.some(([start, end]) => name >= start && name < end);
  });
  if (found === undefined) return false;
  const at = found.index ?? 0;
  const value = (found[1] ?? found[2]) === '!=' ? 'False' : 'True';
  const note = value === 'False' ? NOT_MAIN_NOTE : MAIN_GUARD_NOTE;
  t.out[i] = `${line.slice(0, at)}${value}${line.slice(at + found[0].length).trimEnd()}  ${note}`;
  t.columnMaps.set(i + 1, { kind: 'shift', from: at + value.length, delta: found[0].length - value.length });
  t.record(i, 'main-guard', line, note);
  return true;
}

const QUOTED = String.raw`(?:'([^'\\]*)'|"([^"\\]*)")`;
const CALL_LINE_MAGIC = new RegExp(String.raw`^(\s*)get_ipython\(\)\.run_line_magic\(\s*${QUOTED}\s*,\s*${QUOTED}\s*\)\s*(#.*)?$`);
const CALL_MAGIC = new RegExp(String.raw`^(\s*)get_ipython\(\)\.magic\(\s*${QUOTED}\s*\)\s*(#.*)?$`);
const CALL_SYSTEM = new RegExp(String.raw`^(\s*)(?:([A-Za-z_]\w*)\s*=\s*get_ipython\(\)\.getoutput|get_ipython\(\)\.system)\(\s*${QUOTED}\s*\)\s*(#.*)?$`);

/**
 * The line IPython would have been given for a call of its API that a converted notebook holds
 * (`get_ipython().run_line_magic('env', 'A=1')` is `%env A=1`, `get_ipython().system('ls')` is `!ls`,
 * `x = get_ipython().getoutput('ls')` is `x = !ls`), to translate as such; undefined for other lines.
 */
function magicOfCall(line: string): string | undefined {
  if (!line.includes('get_ipython')) return undefined;
  const lineMagic = CALL_LINE_MAGIC.exec(line);
  if (lineMagic !== null) return `${lineMagic[1] ?? ''}%${lineMagic[2] ?? lineMagic[3] ?? ''} ${lineMagic[4] ?? lineMagic[5] ?? ''}`.trimEnd();
  const magic = CALL_MAGIC.exec(line);
  if (magic !== null) return `${magic[1] ?? ''}%${(magic[2] ?? magic[3] ?? '').replace(/^%/, '')}`;
  const system = CALL_SYSTEM.exec(line);
  if (system !== null) return `${system[1] ?? ''}${system[2] === undefined ? '' : `${system[2]} = `}!${system[3] ?? system[4] ?? ''}`;
  return undefined;
}

/** Lines first..last of a magic or shell command continued with trailing backslashes, joined. */
function continued(t: Translator, first: number): { last: number; text: string } {
  let last = first;
  let text = (t.lines[first] ?? '').trim();
  while (text.endsWith('\\') && last + 1 < t.lines.length) {
    last++;
    text = `${text.slice(0, -1).trimEnd()} ${(t.lines[last] ?? '').trim()}`;
  }
  return { last, text };
}

function translateEscape(t: Translator, i: number): { last: number; rescan: boolean } | undefined {
  const line = t.lines[i] ?? '';
  const stripped = line.trim();
  if (stripped === '' || stripped.startsWith('#')) return undefined;
  // Most lines are plain Python: no escape character, and no word automagic may start with.
  const c = stripped.charCodeAt(0);
  const lower = c >= 97 && c <= 122;
  if (!lower && c !== 63 && c !== 37 && c !== 33 && !/[?%!]/.test(stripped)) return undefined;
  const code = stripped.slice(0, scanLine(stripped, START_STATE).codeEnd).trimEnd();

  // Help: `obj?`, `obj??`, `?obj`, `%magic?`.
  if (/^\?{1,2}[^\s?]/.test(code) || /^%{0,2}[\w.*[\]()'"-]+\s*\?{1,2}$/.test(code)) {
    t.commentOut(i, i, 'help', 'removed IPython help');
    t.escapeLines.push(i);
    return { last: i, rescan: false };
  }
  if (stripped.startsWith('%%')) {
    const name = /^%%(\w+)/.exec(stripped)?.[1] ?? '';
    const { last } = continued(t, i);
    t.commentOut(i, last, 'cell-magic', 'removed IPython cell magic', `a cell magic (\`%%${name}\`) only works on the first line of a cell, so this line failed in the notebook too`);
    t.escapeLines.push(i);
    return { last, rescan: false };
  }
  if (stripped.startsWith('%')) return lineMagic(t, i, stripped.slice(1));
  if (stripped.startsWith('!')) return shellEscape(t, i);

  const assignment = /^([A-Za-z_][\w.]*(?:\s*,\s*\*?[A-Za-z_][\w.]*)*)\s*=\s*([!%])(.*)$/.exec(stripped);
  if (assignment !== null) return assignFromEscape(t, i, assignment[1] ?? '', assignment[2] ?? '', (assignment[3] ?? '').trim());

  if (AUTOMAGIC.test(code)) {
    // IPython runs a bare `mkdir x` (an alias, by automagic) only as a cell of one line: anywhere else it is a
    // syntax error in the notebook too (round 60 EEE); and `mkdir -p` with no folder is Python (`mkdir - p`).
    if (code.startsWith('mkdir') && (t.source.trim().split('\n').length > 1 || mkdirFolders(code) === undefined)) return undefined;
    return lineMagic(t, i, stripped);
  }
  return undefined;
}

function lineMagic(t: Translator, i: number, body: string): { last: number; rescan: boolean } {
  const name = /^[\w.]+/.exec(body)?.[0] ?? '';
  const options = STATEMENT_MAGICS.get(name);
  if (options !== undefined) {
    const statement = statementAfterOptions(t.lines[i] ?? '', options);
    if (statement !== undefined) {
      keepStatement(t, i, statement, 'removed IPython magic', 'line-magic');
      return { last: i, rescan: true };
    }
  }
  const { last, text } = continued(t, i);
  const args = text.replace(/^%?[\w.]+/, '').trim();
  t.escapeLines.push(i);
  if (name === 'pip' || name === 'conda' || name === 'mamba' || name === 'pip3' || name === 'uv') {
    const tool = name === 'pip3' ? 'pip' : name;
    const installs = parseInstallCommands(`${tool} ${args}`);
    if (installs.length > 0) {
      installTranslation(t, i, last, 'line-magic', installs);
      return { last, rescan: false };
    }
  }
  const folders = name === 'mkdir' && last === i ? mkdirFolders(`mkdir ${args}`) : undefined;
  if (folders !== undefined) {
    makeDirectories(t, i, folders, 'line-magic', 'IPython magic');
    return { last, rescan: false };
  }
  if (name === 'cd' && last === i && /^(?:"[^"$`{}]+"|'[^'$`{}]+'|[^\s"'$`{}-][^\s"'$`{}]*)$/.test(args)) {
    changeDirectory(t, i, args.replace(/^(["'])(.*)\1$/, '$2'));
    return { last, rescan: false };
  }
  // `%cd runs/{name}`: IPython's `{expression}` as an f-string field, as `!mkdir` gets it (round 60 EEE: the
  // folder `!mkdir -p runs/{name}` made was not moved into).
  const into = name === 'cd' && last === i && !args.startsWith('-') ? mkdirFolders(`mkdir ${args}`) : undefined;
  if (into?.length === 1 && into[0] !== undefined) {
    changeDirectory(t, i, args, into[0]);
    return { last, rescan: false };
  }
  const module = name === 'run' && last === i ? runModule(args) : undefined;
  if (module !== undefined) {
    runAsImport(t, i, module);
    return { last, rescan: false };
  }
  if (name === 'env' || name === 'set_env') {
    const assignment = /^([A-Za-z_]\w*)(?:\s*=\s*|\s+)(.*)$/.exec(args);
    if (assignment !== null && last === i) {
      setEnv(t, i, assignment[1] ?? '', (assignment[2] ?? '').trim());
      return { last, rescan: false };
    }
  }
  let warning: string | undefined;
  if (!HARMLESS_LINE_MAGICS.has(name)) {
    const why = LINE_MAGIC_WARNINGS.get(name);
    warning = why !== undefined ? `\`%${name}\` ${why}` : `\`%${name}\` is not translated to Python: it is left out of the generated code`;
  }
  t.commentOut(i, last, 'line-magic', 'removed IPython magic', warning);
  return { last, rescan: false };
}

/**
 * `%cd data` → `import os; os.chdir("data")` (`%cd ~/p` → `os.chdir(os.path.expanduser("~/p"))`), on the same line: later cells, and the
 * steps after this one, run there, as in the notebook (the runtime keeps the folder a step left).
 */
function changeDirectory(t: Translator, i: number, path: string, expression?: string): void {
  const line = t.lines[i] ?? '';
  const indent = leadingSpace(line);
  const comment = `# nbpromote: was IPython magic: ${line.trim()}`;
  // `~` only means the home folder at the start (round 43 U: `expanduser("../data")` read oddly).
  const folder = expression ?? (path.startsWith('~') ? `os.path.expanduser(${JSON.stringify(path)})` : JSON.stringify(path));
  t.out[i] = `${indent}import os; os.chdir(${folder})  ${comment}`;
  t.columnMaps.set(i + 1, { kind: 'fixed', column: indent.length });
  t.record(i, 'line-magic', line, comment, undefined);
}

/**
 * The folders `mkdir [-p] a {OUT}/figs "b c"` makes, each as a Python expression of its path (`"a"`,
 * `f"{OUT}/figs"`, `"b c"`): plain words, quoted words and IPython's `{expression}` in them (not in a `%%bash`
 * cell, `interpolated` false, where IPython leaves braces as they are); undefined for any
 * other command, or a word the shell would expand (`$HOME`, `*`, `~user`), an option other than `-p`/`-v`, or
 * anything after the command (`&&`, `;`, `|`, `>`).
 */
export function mkdirFolders(command: string, interpolated = true): string[] | undefined {
  command = command.replace(/\s+#[^"'{}]*$/, '');
  const words = [...command.trim().matchAll(/"([^"\\$`]*)"|'([^']*)'|((?:\{\{|\}\}|\{[^{}]*\}|[^\s"'{}])+)/g)];
  if (words.map((w) => w[0]).join(' ') !== command.trim().replace(/\s+/g, ' ') || words[0]?.[0] !== 'mkdir') return undefined;
  const folders: string[] = [];
  for (const word of words.slice(1)) {
    const [text, doubled, single, bare] = word;
    if (bare !== undefined && /^-/.test(bare)) {
      if (!/^(?:-[pv]+|--parents|--verbose)$/.test(bare)) return undefined;
      continue;
    }
    if (single !== undefined) {
      // IPython expands `{}` and `$` inside the shell's quotes too: `{OUT}` as a field (round 63 KKK), `$` not.
      const literal = single.includes('$') ? undefined : expandedLiteral(single);
      if (literal === undefined || (literal.startsWith('f') && !interpolated)) return undefined;
      folders.push(valueOf(literal));
      continue;
    }
    const path = doubled ?? bare ?? text;
    // `~/.kaggle`: the shell's home folder, for a bare word starting with it (round 62 III: the line was dropped).
    const home = bare !== undefined && /^~(?:\/|$)/.test(path);
    if (path.split(/\{[^{}]*\}/).some((part, k) => (bare !== undefined && /[$`*?[\]~;&|<>()!#\\]/.test(k === 0 && home ? part.slice(1) : part)) || /[$`\\]/.test(part))) return undefined;
    const literal = expandedLiteral(path);
    if (literal === undefined || (literal.startsWith('f') && !interpolated)) return undefined;
    folders.push(home ? `os.path.expanduser(${literal})` : valueOf(literal));
  }
  return folders.length === 0 ? undefined : folders;
}

/** `f"{OUT_SUB}"` is the value itself: `OUT_SUB`, a str or a Path as it is; any other literal as it is. */
function valueOf(literal: string): string {
  return /^f"\{([^{}]*)\}"$/.exec(literal)?.[1]?.trim() ?? literal;
}

/**
 * The folders a shell line of commands joined by `&&` or `;` makes (`mkdir -p {out}/a && ls {out}`), when each
 * command is a `mkdir` ({@link mkdirFolders}) or only reads ({@link readsOnly}), and one at least makes folders;
 * else undefined (round 62 III: the whole line was dropped, and a later write into the folder failed).
 */
function mkdirCommands(line: string, interpolated = true): string[] | undefined {
  const commands: string[] = [];
  let start = 0;
  let quote = '';
  let depth = 0;
  for (let k = 0; k < line.length; k++) {
    const c = line[k] ?? '';
    if (quote !== '') quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0 && (c === ';' || line.startsWith('&&', k))) {
      commands.push(line.slice(start, k));
      start = k + (c === ';' ? 1 : 2);
      k = start - 1;
    }
  }
  commands.push(line.slice(start));
  if (commands.length === 1) return mkdirFolders(withoutDiscardedOutput(line), interpolated);
  const made = commands.map((command) => (command.trim() === '' ? undefined : mkdirFolders(withoutDiscardedOutput(command).trim(), interpolated)));
  if (made.every((folders) => folders === undefined) || commands.some((command, k) => made[k] === undefined && !readsOnly(command.trim()))) return undefined;
  return made.flatMap((folders) => folders ?? []);
}

/**
 * `!mkdir -p out {OUT}/figs` → `import os; os.makedirs("out", exist_ok=True); os.makedirs(f"{OUT}/figs", exist_ok=True)`,
 * on the same line (round 59 CCC: a dropped `!mkdir` made the next step's write fail on a clean checkout). A
 * folder already there is no error, as the pipeline runs again and again.
 */
function makeDirectories(t: Translator, i: number, folders: readonly string[], kind: TranslationKind, what: string, indent = leadingSpace(t.lines[i] ?? '')): void {
  const line = t.lines[i] ?? '';
  const comment = `# nbpromote: was ${what}: ${line.trim()}`;
  t.out[i] = `${indent}import os; ${folders.map((f) => `os.makedirs(${f}, exist_ok=True)`).join('; ')}  ${comment}`;
  t.columnMaps.set(i + 1, { kind: 'fixed', column: indent.length });
  t.record(i, kind, line, comment);
}

/**
 * `text` as the Python string literal IPython makes of it: with `{expression}` fields (a name, attributes, whole or
 * single-quoted indexes: `{cfg.root}`, `{paths[1]}`, `{cfg['out']}`) an f-string (`f"{out}/models"`), without them
 * a plain one; undefined when a brace is anything else (`{x:>3}`, `{{`), which the translation leaves as it was.
 */
export function expandedLiteral(text: string): string | undefined {
  // `{{` and `}}` are braces IPython leaves as one (round 63 KKK), as an f-string does.
  const escaped = text.replace(/\{\{|\}\}/g, (pair) => (pair === '{{' ? '\uE000' : '\uE001'));
  const parts = escaped.split(/(\{[^{}]*\})/);
  if (/[\uE000\uE001]/.test(text) || parts.some((part, k) => (k % 2 === 0 ? /[{}]/.test(part) : !fieldExpression(part.slice(1, -1))))) return undefined;
  if (parts.length === 1) return JSON.stringify(escaped.replace(/\uE000/g, '{').replace(/\uE001/g, '}'));
  return `f${JSON.stringify(escaped.replace(/\uE000/g, '{{').replace(/\uE001/g, '}}'))}`;
}

/**
 * Whether `inner` (the text between a field's braces) reads as one Python expression an f-string field in double
 * quotes holds as it is: IPython evaluates any expression there (`{out.upper()}`, `{os.path.join(out, 'x')}`,
 * `{paths[1:]}`; round 62 III: only names and indexes were taken, and a whole `!mkdir` line was dropped). Not
 * with a double quote or a backslash (an f-string before Python 3.12 cannot hold them), a comment, brackets that
 * do not pair, or a `:` or `!` outside brackets (a format spec or conversion, which IPython reads otherwise).
 */
function fieldExpression(inner: string): boolean {
  if (inner.trim() === '' || /["\\#]/.test(inner)) return false;
  const open: string[] = [];
  let quoted = false;
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k] ?? '';
    if (c === "'") quoted = !quoted;
    if (quoted || c === "'") continue;
    if ('([{'.includes(c)) open.push(c);
    else if (')]}'.includes(c)) {
      if (open.pop() !== '([{'[')]}'.indexOf(c)]) return false;
    } else if (open.length === 0 && ((c === ':' && inner[k + 1] !== '=') || (c === '!' && inner[k + 1] !== '=') || (c === '=' && !/[=!<>]/.test(inner[k - 1] ?? '') && inner[k + 1] !== '='))) return false;
  }
  return !quoted && open.length === 0 && /^\s*[\w('[\-+~.]/.test(inner);
}

/** `%env A=1` → `import os; os.environ["A"] = "1"`, on the same line. */
function setEnv(t: Translator, i: number, variable: string, value: string): void {
  const line = t.lines[i] ?? '';
  const indent = leadingSpace(line);
  const comment = `# nbpromote: was IPython magic: ${line.trim()}`;
  // `%env OUT={out_dir}`: IPython's `{expression}` as an f-string field (round 61 GGG: the text `{out_dir}` was set).
  const expanded = value.includes('$') ? undefined : expandedLiteral(value);
  t.out[i] = `${indent}import os; os.environ[${JSON.stringify(variable)}] = ${expanded ?? JSON.stringify(value)}  ${comment}`;
  t.columnMaps.set(i + 1, { kind: 'fixed', column: indent.length });
  const warning = expanded === undefined && /[$]|\{[^}]*\}/.test(value) ? `\`%env ${variable}\` uses an IPython variable in its value; the generated code sets the text as written` : undefined;
  t.record(i, 'line-magic', line, comment, warning);
}

/**
 * The module `%run utils.py` (`%run helpers/fe.py`) runs, as a dotted name: a relative file of Python names, with
 * no option and no argument for the script; undefined for another `%run` (a notebook, `-i`, arguments).
 */
export function runModule(args: string): string | undefined {
  const file = /^(?:\.\/)?((?:[A-Za-z_]\w*\/)*[A-Za-z_]\w*)\.py$/.exec(args.replace(/^(["'])(.*)\1$/, '$2'))?.[1];
  return file === undefined ? undefined : file.replace(/\//g, '.');
}

/** {@link runModule} of a whole line (`  %run utils.py`); undefined for a line that is no such `%run`. */
export function runLineModule(line: string): string | undefined {
  const args = /^\s*%run\s+(.*?)\s*$/.exec(line)?.[1];
  return args === undefined ? undefined : runModule(args);
}

/**
 * The module a line of a cell star-imports: `from m import *`, or `%run m.py` (`ran`), which becomes that
 * ({@link runAsImport}); undefined for any other line.
 */
export function starImportOf(line: string): { readonly module: string; readonly ran: boolean } | undefined {
  const imported = /^[ \t]*from[ \t]+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]+import[ \t]+\*/.exec(line)?.[1];
  if (imported !== undefined) return { module: imported, ran: false };
  const ran = runLineModule(line);
  return ran === undefined ? undefined : { module: ran, ran: true };
}

/**
 * `%run utils.py` → `from utils import *`: the file's names come to the notebook's namespace (round 51 JJ: a common
 * team habit, refused). The names it binds are read from the file at promotion (localStarExports), so a name it
 * does not bind is still an error. It differs where the file reads the notebook's variables or runs a
 * `__main__` block, which `%run` does and an import does not.
 */
function runAsImport(t: Translator, i: number, module: string): void {
  const line = t.lines[i] ?? '';
  const indent = leadingSpace(line);
  const comment = `# nbpromote: was IPython magic: ${line.trim()} (its names are imported)`;
  t.out[i] = `${indent}from ${module} import *  ${comment}`;
  t.columnMaps.set(i + 1, { kind: 'fixed', column: indent.length });
  t.record(i, 'line-magic', line, comment);
}

/**
 * The statement after a `%time`/`%%timeit`-like magic's name and options, with its column in the line, or
 * undefined when there is none.
 */
function statementAfterOptions(line: string, valueOptions: ReadonlySet<string>): { column: number; text: string } | undefined {
  const magic = /^(\s*)%{1,2}[\w.]+/.exec(line);
  if (magic === null) return undefined;
  let pos = magic[0].length;
  for (;;) {
    const rest = line.slice(pos);
    const option = /^(\s+)(-{1,2}[A-Za-z][\w-]*)/.exec(rest);
    if (option === null) break;
    pos += option[0].length;
    const flag = option[2] ?? '';
    if (valueOptions.has(flag)) {
      const value = /^\s+\S+/.exec(line.slice(pos));
      if (value !== null) pos += value[0].length;
    }
  }
  const text = line.slice(pos).trim();
  if (text === '') return undefined;
  return { column: line.indexOf(text, pos), text };
}

function keepStatement(t: Translator, i: number, statement: { column: number; text: string }, what: string, kind: TranslationKind): void {
  const line = t.lines[i] ?? '';
  const indent = leadingSpace(line);
  const magic = line.slice(indent.length, statement.column).trim();
  const comment = `# nbpromote: ${what}: ${magic}`;
  const endsContinued = statement.text.endsWith('\\');
  t.out[i] = endsContinued ? `${indent}${statement.text}` : `${indent}${statement.text}  ${comment}`;
  t.columnMaps.set(i + 1, { kind: 'shift', from: indent.length, delta: statement.column - indent.length });
  t.record(i, kind, line, comment);
}

function shellEscape(t: Translator, i: number): { last: number; rescan: boolean } {
  const { last, text } = continued(t, i);
  const command = text.replace(/^!!?/, '').trim();
  t.escapeLines.push(i);
  const installs = parseInstallCommands(command);
  if (installs.length > 0) {
    installTranslation(t, i, last, 'shell', installs);
    return { last, rescan: false };
  }
  const folders = last === i ? mkdirCommands(command) : undefined;
  if (folders !== undefined) {
    makeDirectories(t, i, folders, 'shell', 'shell command');
    return { last, rescan: false };
  }
  const program = (/^\S+/.exec(command)?.[0] ?? '').replace(/^.*\//, '');
  const readOnly = READ_ONLY_COMMANDS.has(program) || /^(?:pip3?|conda|mamba)\s+(?:list|show|freeze|info|--version)\b/.test(command) || /^python3?\s+(?:--version|-V)\b/.test(command);
  t.commentOut(i, last, 'shell', 'removed shell command', readOnly ? undefined : `\`!${command}\` runs a shell command the generated code does not run`);
  return { last, rescan: false };
}

function installTranslation(t: Translator, first: number, last: number, kind: TranslationKind, installs: ReturnType<typeof parseInstallCommands>): void {
  const found = installs.flatMap((install) => install.requirements);
  t.addRequirements(found);
  const skipped = installs.flatMap((install) => install.skipped);
  const warning = skipped.length === 0 ? undefined : skipped.map((s) => `\`${s.argument}\`: ${s.reason}`).join('; ');
  const what = found.length === 0 ? 'removed install command' : `added to requirements (${found.join(', ')})`;
  t.commentOut(first, last, kind, what, warning);
}

function assignFromEscape(t: Translator, i: number, target: string, escape: string, body: string): { last: number; rescan: boolean } {
  const line = t.lines[i] ?? '';
  const indent = leadingSpace(line);
  if (escape === '%') {
    const name = /^[\w.]+/.exec(body)?.[0] ?? '';
    if (name === 'time' || name === 'prun' || name === 'memit') {
      const escapeAt = line.indexOf('%', indent.length + target.length);
      const statement = statementAfterOptions(' '.repeat(escapeAt) + line.slice(escapeAt), STATEMENT_MAGICS.get(name) ?? new Set());
      if (statement !== undefined) {
        const comment = `# nbpromote: removed IPython magic: %${name}`;
        const prefix = line.slice(0, escapeAt);
        t.out[i] = `${prefix}${statement.text}  ${comment}`;
        t.columnMaps.set(i + 1, { kind: 'shift', from: prefix.length, delta: statement.column - prefix.length });
        t.record(i, 'line-magic', line, comment);
        return { last: i, rescan: true };
      }
    }
  }
  const shell = escape === '!' || /^(?:sx|system)\b/.test(body);
  const command = escape === '!' ? body : body.replace(/^(?:sx|system)\b\s*/, '');
  if (shell && command !== '' && !/[$]|\{[^}]*\}/.test(command)) {
    // IPython gives the command's output lines (an SList): so does subprocess, run the same way (a shell).
    const comment = `# nbpromote: was shell escape: ${escape}${body}`;
    t.out[i] = `${indent}import subprocess; ${target} = subprocess.run(${JSON.stringify(command)}, shell=True, capture_output=True, text=True).stdout.splitlines()  ${comment}`;
    t.columnMaps.set(i + 1, { kind: 'fixed', column: indent.length });
    t.record(i, 'shell', line, comment, `\`${target} = ${escape}${body}\` runs the shell command when the pipeline runs, as the notebook did`);
    return { last: i, rescan: false };
  }
  // `listing = !ls {run_dir}`: IPython's `{expression}` as an f-string field (round 61 GGG: `[]`, and a wrong metric).
  const expanded = shell && command !== '' && !/[$]/.test(command) ? expandedLiteral(command) : undefined;
  if (expanded?.startsWith('f') === true) {
    const comment = `# nbpromote: was shell escape: ${escape}${body}`;
    t.out[i] = `${indent}import subprocess; ${target} = subprocess.run(${expanded}, shell=True, capture_output=True, text=True).stdout.splitlines()  ${comment}`;
    t.columnMaps.set(i + 1, { kind: 'fixed', column: indent.length });
    t.record(i, 'shell', line, comment, `\`${target} = ${escape}${body}\` runs the shell command when the pipeline runs, as the notebook did`);
    return { last: i, rescan: false };
  }
  const value = shell ? '[]' : 'None';
  const comment = shell ? `# nbpromote: removed shell command: ${escape}${body}` : `# nbpromote: removed IPython magic: ${escape}${body}`;
  t.out[i] = `${indent}${target} = ${value}  ${comment}`;
  t.record(
    i,
    shell ? 'shell' : 'line-magic',
    line,
    comment,
    shell
      ? `\`${target} = ${escape}${body}\` keeps a shell command's output; the generated code sets \`${target}\` to an empty list`
      : `\`${target} = ${escape}${body}\` keeps an IPython magic's result; the generated code sets \`${target}\` to None`,
  );
  return { last: i, rescan: false };
}

/** Comments out `display(...)` statements and the `display` import from IPython. */
/** Containers of statements that run more than once or later: what `display(...)` shows there is not shown once. */
const REPEATING_CONTAINERS = new Set(['for_statement', 'while_statement', 'function_definition', 'class_definition', 'decorated_definition']);

function removeDisplay(t: Translator, tree: PyTree, removedNodes: Set<PyNode>, displayCalls: DisplayCall[]): void {
  const code = tree.source;
  if (!/\bdisplay\b/.test(code)) return;
  // A cell that defines its own `display` keeps its calls.
  if (/\bdef\s+display\b|^\s*display\s*=[^=]|\bas\s+display\b/m.test(code)) return;
  const visit = (node: PyNode, once: boolean): void => {
    if (node.type === 'expression_statement' && node.children.length === 1) {
      const call = node.children[0];
      const fn = call?.type === 'call' ? call.children.find((c) => c.field === 'function') : undefined;
      if (call !== undefined && fn !== undefined && fn.type === 'identifier' && tree.text(fn) === 'display' && standsAlone(tree, node)) {
        displayCalls.push({ statement: node, call, once });
        const args = call.children.find((c) => c.field === 'arguments');
        const positional = args?.children.every((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat') === true;
        if (args !== undefined && positional && !isPure(tree, args)) {
          // `display(df.sample(5))` draws random numbers, `display(model.fit(X, y))` fits: what is shown
          // still runs, without `display`.
          keepDisplayedValue(t, tree, fn, node);
          removedNodes.add(fn);
          return;
        }
        const { first, last } = lineSpan(tree, node);
        t.commentOut(first, last, 'display', DISPLAY_NOTE);
        removedNodes.add(node);
        return;
      }
    }
    if (node.type === 'import_from_statement') {
      removeDisplayImport(t, tree, node, removedNodes);
      return;
    }
    if (node.type === 'module' || STATEMENT_CONTAINERS.has(node.type)) for (const child of node.children) visit(child, once && !REPEATING_CONTAINERS.has(node.type));
  };
  visit(tree.root, true);
}

/** `display(a, b)` becomes `(a, b)`: the arguments are still evaluated. A comment on the last line says why. */
function keepDisplayedValue(t: Translator, tree: PyTree, fn: PyNode, statement: PyNode): void {
  const { line, column } = tree.position(fn.start);
  const i = line - 1;
  const text = t.out[i] ?? '';
  const at = column - 1;
  t.out[i] = text.slice(0, at) + text.slice(at + 'display'.length);
  t.columnMaps.set(line, { kind: 'shift', from: at, delta: 'display'.length });
  const { last } = lineSpan(tree, statement);
  const comment = DISPLAY_KEPT_NOTE;
  t.out[last] = `${t.out[last] ?? ''}  ${comment}`;
  t.record(last, 'display', t.lines.slice(i, last + 1).join('\n'), comment);
}

function removeDisplayImport(t: Translator, tree: PyTree, node: PyNode, removedNodes: Set<PyNode>): void {
  const module = node.children.find((c) => c.field === 'module_name');
  if (module === undefined || !['IPython.display', 'IPython.core.display'].includes(tree.text(module).replace(/\s+/g, ''))) return;
  const names = node.children.filter((c) => c.field === 'name');
  const display = names.filter((c) => c.type === 'dotted_name' && tree.text(c) === 'display');
  if (display.length === 0 || !standsAlone(tree, node)) return;
  const { first, last } = lineSpan(tree, node);
  const others = names.filter((c) => !display.includes(c));
  for (const d of display) removedNodes.add(d);
  if (others.length === 0) {
    removedNodes.add(node);
    t.commentOut(first, last, 'display', DISPLAY_NOTE);
    return;
  }
  const line = t.lines[first] ?? '';
  const indent = leadingSpace(line);
  const comment = '# nbpromote: removed display from this import (it shows a value in the notebook only)';
  t.out[first] = `${indent}from ${tree.text(module)} import ${others.map((o) => tree.text(o)).join(', ')}  ${comment}`;
  for (let i = first + 1; i <= last; i++) t.out[i] = `${indent}# ${(t.lines[i] ?? '').trim()}`;
  t.columnMaps.set(first + 1, { kind: 'fixed', column: indent.length });
  t.record(first, 'display', t.lines.slice(first, last + 1).join('\n'), comment);
}

/** The statement is the only thing on its lines (apart from blanks, a `;` and a comment). */
function standsAlone(tree: PyTree, node: PyNode): boolean {
  const src = tree.source;
  const lineStart = src.lastIndexOf('\n', node.start - 1) + 1;
  if (src.slice(lineStart, node.start).trim() !== '') return false;
  const lineEndAt = src.indexOf('\n', node.end);
  const after = src.slice(node.end, lineEndAt < 0 ? src.length : lineEndAt);
  return /^\s*;?\s*(?:#.*)?$/.test(after);
}

function lineSpan(tree: PyTree, node: PyNode): { first: number; last: number } {
  return { first: tree.position(node.start).line - 1, last: tree.position(Math.max(node.start, node.end - 1)).line - 1 };
}

/** Finds the expression Jupyter would show, and comments it out when it can only show a value. */
function trailing(t: Translator, tree: PyTree, removedNodes: Set<PyNode>): TrailingExpression | undefined {
  const statements = tree.root.children.filter((s) => s.type !== 'ERROR');
  const last = statements[statements.length - 1];
  if (last === undefined || removedNodes.has(last) || last.type !== 'expression_statement') return undefined;
  if (tree.errors.length > 0) return undefined;
  if (last.children.some((c) => c.type === 'assignment' || c.type === 'augmented_assignment' || c.type === 'yield')) return undefined;
  if (hiddenBySemicolon(tree, last)) return undefined;
  const { first, last: lastLine } = lineSpan(tree, last);
  if (t.escapeLines.some((line) => line > lastLine)) return undefined;
  // `%timeit model.predict(X)` shows how long it took, not the value (round 76 KLK: "the cell ends with this value").
  if (/^[ \t]*%(?:timeit|prun|memit|mprun)\b/.test(t.lines[first] ?? '')) return undefined;
  // print(...) shows its output, not a value (it returns None); so do calls that only write or set something.
  const only = last.children.length === 1 ? last.children[0] : undefined;
  if (only?.type === 'call' && returnsNothing(tree, only)) return undefined;
  const text = tree.text(last);
  const removable = standsAlone(tree, last) && last.children.every((c) => isPure(tree, c));
  if (removable) {
    // `df.info()` prints its summary and shows nothing (round 47 BB: "showed this value").
    t.commentOut(first, lastLine, 'trailing-expression', printsSummary(text) ? PRINTED_SUMMARY_NOTE : SHOWN_VALUE_NOTE);
    removedNodes.add(last);
  }
  return { line: first + 1, endLine: lastLine + 1, text, removed: removable };
}

/** Whether a `;` follows the statement on its line: Jupyter shows nothing for a last line ending so. */
function hiddenBySemicolon(tree: PyTree, statement: PyNode): boolean {
  const src = tree.source;
  const lineEndAt = src.indexOf('\n', statement.end);
  return /^\s*;/.test(src.slice(statement.end, lineEndAt < 0 ? src.length : lineEndAt));
}

/** What the translation says of a value a cell computes above its last line and neither keeps nor shows. */
export const UNUSED_VALUE_NOTE = 'the notebook did not show this value; it has no effect here';
/**
 * Kaggle's stock first cell lists the input files (`for dirname, _, filenames in os.walk('/kaggle/input'):` /
 * `for filename in filenames:` / `print(os.path.join(dirname, filename))`): only a look at the data, it went to the
 * shared module, printed the files at every import and exported its loop's names (round 60 FFF).
 */
const KAGGLE_LISTING = /^for\s+(\w+)\s*,\s*\w+\s*,\s*(\w+)\s+in\s+os\.walk\([^()]*\)\s*:\s*(?:#[^\n]*)?\n\s*for\s+(\w+)\s+in\s+\2\s*:\s*(?:#[^\n]*)?\n\s*print\(\s*os\.path\.join\(\s*\1\s*,\s*\3\s*\)\s*\)\s*$/;
/** What the translation says of that listing. */
export const LISTING_NOTE = 'the notebook listed its input files here; it has no effect on the pipeline';
/**
 * A script printing its own docstring (`print(__doc__)`, sphinx-gallery's and scikit-learn's examples): in the
 * package it printed the generated module's docstring at every import (round 67 SSS).
 */
const PRINT_DOC = /^print\(\s*__doc__\s*\)\s*;?\s*(?:#[^\n]*)?$/;
/** What the translation says of that print. */
export const PRINT_DOC_NOTE = "the script printed its own docstring; in the package __doc__ is the generated module's";
/** What the translation says of a `global x` at a cell's top level. */
export const GLOBAL_NOTE = 'a cell runs at the top of the module, where `global` does nothing; it has no effect here';

/** Whether a statement's text ends in `.info(...)`: pandas prints the summary, which the notebook showed. */
function printsSummary(text: string): boolean {
  return /\.info\([^()]*\)\s*;?\s*$/.test(text);
}

/**
 * Comments out the top-level statements that did nothing in the notebook:
 * - above the cell's last one, those that only compute a value nothing keeps (`df.head()`, `confusion_matrix(y,
 *   p)` left from exploring): Jupyter shows only the last (round 49 EE: kept in the step, where they read as code
 *   that matters). A string alone (a note), `...`, a bare name and a call that may change something
 *   (`model.fit(X, y)`) stay; `df.info()` printed its summary (round 50 II);
 * - `global x`: a cell runs at the module's top, where it does nothing, and in a step function, where `x` may be
 *   a parameter, Python refuses it (round 50 HH: the package did not import).
 */
function inertStatements(t: Translator, tree: PyTree, removedNodes: Set<PyNode>): void {
  if (tree.errors.length > 0) return;
  const statements = tree.root.children.filter((s) => s.type !== 'ERROR' && s.type !== 'comment');
  for (const [i, statement] of statements.entries()) {
    if (removedNodes.has(statement) || !standsAlone(tree, statement)) continue;
    const only = statement.children.length === 1 ? statement.children[0] : undefined;
    // The last one too when a `;` hides it (`df.target.value_counts();`: round 51 KK).
    const shown = i === statements.length - 1 && !hiddenBySemicolon(tree, statement);
    const unused = !shown && statement.type === 'expression_statement' && only !== undefined && only.type !== 'identifier' && onlyLooks(tree, only);
    const listing = statement.type === 'for_statement' && KAGGLE_LISTING.test(tree.text(statement));
    const doc = statement.type === 'expression_statement' && PRINT_DOC.test(tree.text(statement));
    if (!unused && !listing && !doc && statement.type !== 'global_statement') continue;
    const { first, last } = lineSpan(tree, statement);
    if (t.escapeLines.some((line) => line >= first && line <= last)) continue;
    t.commentOut(first, last, 'unused-value', listing ? LISTING_NOTE : doc ? PRINT_DOC_NOTE : !unused ? GLOBAL_NOTE : printsSummary(tree.text(statement)) ? PRINTED_SUMMARY_NOTE : UNUSED_VALUE_NOTE);
    removedNodes.add(statement);
  }
}

/** Methods a person calls above a cell's last line to look at a table (round 49 EE), and only that. */
const LOOK_METHODS = new Set([
  'head', 'tail', 'describe', 'info', 'value_counts', 'nunique', 'unique', 'isna', 'isnull', 'notna', 'notnull',
  'sum', 'mean', 'median', 'std', 'var', 'min', 'max', 'count', 'corr', 'cov', 'round', 'sort_values', 'sort_index',
  'groupby', 'reset_index', 'nlargest', 'nsmallest', 'quantile', 'memory_usage', 'mode', 'to_frame', 'select_dtypes',
  'duplicated', 'idxmax', 'idxmin', 'skew', 'kurt', 'sem', 'size', 'rank', 'dropna', 'transpose',
]);
/** scikit-learn's metrics, by the names `from sklearn.metrics import ...` binds: computed from arrays, nothing else. */
const LOOK_FUNCTIONS = new Set([
  'accuracy_score', 'balanced_accuracy_score', 'f1_score', 'precision_score', 'recall_score', 'roc_auc_score',
  'log_loss', 'confusion_matrix', 'classification_report', 'mean_squared_error', 'mean_absolute_error', 'r2_score',
  'mean_absolute_percentage_error', 'median_absolute_error', 'explained_variance_score',
]);

/**
 * Whether an expression above a cell's last line only looks at a value: a table's `.head()`, `.describe()`,
 * `.groupby("a")["b"].mean()`, `df.shape`, `len(df)`, `confusion_matrix(y, p)`. Narrower than isPure, which
 * judges a shown last line: no builtin that may use up an iterator (`list(it)`, `sorted(it)`), no argument that
 * may be a function called back (`key=f`, `.agg(f)`), names passed only to the metrics and `len` (round 50 HH:
 * `len(list(gen))` dropped emptied nothing, and 13 metrics changed).
 */
function onlyLooks(tree: PyTree, node: PyNode): boolean {
  // A number, a constant, a string without fields, or a list or tuple of those.
  const literal = (n: PyNode): boolean => {
    if (n.type === 'identifier' || n.type === 'lambda') return false;
    if (PURE_LEAVES.has(n.type)) return true;
    if (n.type === 'string' || n.type === 'concatenated_string') return !n.children.some((c) => c.type === 'interpolation');
    return (n.type === 'list' || n.type === 'tuple') && n.children.every((c) => c.type === 'comment' || literal(c));
  };
  const plainArguments = (args: PyNode, names: boolean): boolean =>
    args.children.every((a) => {
      if (a.type === 'comment') return true;
      if (a.type === 'keyword_argument') {
        const key = a.children.find((c) => c.field === 'name');
        const value = a.children.find((c) => c.field === 'value');
        return key !== undefined && !['key', 'inplace', 'out', 'func'].includes(tree.text(key)) && value !== undefined && literal(value);
      }
      return literal(a) || (names && (a.type === 'identifier' || a.type === 'attribute' || a.type === 'subscript') && onlyLooks(tree, a));
    });
  switch (node.type) {
    case 'identifier':
      return true;
    case 'attribute': {
      const object = node.children.find((c) => c.field === 'object');
      return object !== undefined && onlyLooks(tree, object);
    }
    case 'subscript': {
      const [value, ...index] = node.children.filter((c) => c.type !== 'comment');
      return value !== undefined && onlyLooks(tree, value) && index.every((c) => literal(c) || c.type === 'slice' || c.type === 'identifier');
    }
    case 'call': {
      const fn = node.children.find((c) => c.field === 'function');
      const args = node.children.find((c) => c.field === 'arguments');
      if (fn === undefined || args === undefined || args.type !== 'argument_list') return false;
      if (fn.type === 'identifier') return (LOOK_FUNCTIONS.has(tree.text(fn)) || tree.text(fn) === 'len') && plainArguments(args, true);
      if (fn.type !== 'attribute') return false;
      const method = fn.children.find((c) => c.field === 'attribute');
      const object = fn.children.find((c) => c.field === 'object');
      return method !== undefined && object !== undefined && LOOK_METHODS.has(tree.text(method)) && onlyLooks(tree, object) && plainArguments(args, false);
    }
    default:
      return false;
  }
}

/** Functions, by the name they are called with, that return None: Jupyter shows nothing after them. */
const NONE_FUNCTIONS = new Set([
  'print', 'json.dump', 'pickle.dump', 'np.save', 'np.savez', 'np.savez_compressed', 'np.savetxt', 'numpy.save',
  'numpy.savez', 'numpy.savetxt', 'plt.show', 'plt.savefig', 'plt.close', 'random.seed', 'np.random.seed',
  'numpy.random.seed', 'os.makedirs', 'os.remove', 'shutil.rmtree', 'warnings.filterwarnings', 'warnings.simplefilter',
  'torch.save', 'time.sleep', 'logging.basicConfig', 'pprint', 'pprint.pprint', 'warnings.warn',
]);
/**
 * Methods that return None whatever their object: figures saved, frames written to a file, log records. And a
 * file's `write` (round 35 E: `open(p, "w").write(str(acc))` shows the count of characters written, no result).
 */
const NONE_METHODS = new Set(['savefig', 'to_parquet', 'to_pickle', 'to_excel', 'to_feather', 'mkdir', 'unlink', 'touch', 'write', 'writelines', 'write_text', 'write_bytes']);
const LOG_METHODS = new Set(['debug', 'info', 'warning', 'error', 'critical', 'exception']);

/**
 * Whether a call returns None, so that a cell ending with it shows no value: `json.dump(m, f)`,
 * `fig.savefig("a.png")`, `df.to_csv(path)` (with no path it returns the text), `log.info("done")`.
 */
function returnsNothing(tree: PyTree, call: PyNode): boolean {
  const fn = call.children.find((c) => c.field === 'function');
  const args = call.children.find((c) => c.field === 'arguments');
  if (fn === undefined) return false;
  if (NONE_FUNCTIONS.has(tree.text(fn).replace(/\s+/g, ''))) return true;
  if (fn.type !== 'attribute' || args?.type !== 'argument_list') return false;
  const method = tree.text(fn.children.find((c) => c.field === 'attribute') ?? fn);
  const positional = args.children.some((c) => c.type !== 'keyword_argument' && c.type !== 'comment');
  if (NONE_METHODS.has(method)) return true;
  if (method === 'to_csv' || method === 'to_json') return positional || hasKeyword(tree, args, 'path_or_buf');
  // `df.info()` shows a frame's summary (PURE_METHODS); `log.info("done")` with a message writes a record.
  return LOG_METHODS.has(method) && positional;
}

/** Whether a call's argument list passes `name=`. */
function hasKeyword(tree: PyTree, args: PyNode, name: string): boolean {
  return args.children.some((a) => a.type === 'keyword_argument' && a.children.some((c) => c.field === 'name' && tree.text(c) === name));
}

/** Modules whose functions of the pure methods' names change files (`os.replace`, `shutil.copy`). */
const FILE_MODULES = /^(?:os|os\.path|shutil|pathlib|subprocess|sys|glob|tempfile|io)$/;

/**
 * `tmp.replace(final)`, `p.copy(target)`: a path moved or copied onto another (one positional argument, not a
 * dict or list of values as `df.replace({...})` takes; `str.replace` and `df.replace` take two): no pure look
 * (round 38 L: the atomic save `os.replace(tmp, dst)` ending a step was dropped as a shown value).
 */
function movesAFile(method: string, args: PyNode): boolean {
  if (method !== 'replace' && method !== 'copy') return false;
  const positional = args.children.filter((c) => c.type !== 'keyword_argument' && c.type !== 'comment');
  return positional.length === 1 && !['dictionary', 'list', 'dictionary_comprehension'].includes(positional[0]?.type ?? '');
}

/**
 * True when evaluating the expression cannot change anything: it only computes a value to show. pandas'
 * `sample` without `random_state` draws from NumPy's global generator: later draws depend on it.
 */
function isPure(tree: PyTree, node: PyNode, depth = 0): boolean {
  if (depth > 100) return false;
  const pure = (child: PyNode): boolean => isPure(tree, child, depth + 1);
  if (PURE_LEAVES.has(node.type)) return true;
  if (node.type === 'keyword_argument') {
    const name = node.children.find((c) => c.field === 'name');
    // `inplace=True`; `out=X` writes into X (round 37 J: `np.round(X, 2, out=X)` as a step's last line was dropped).
    if (name !== undefined && (tree.text(name) === 'inplace' || tree.text(name) === 'out')) return false;
    return node.children.every((c) => c.field === 'name' || pure(c));
  }
  if (node.type === 'attribute') return node.children.every((c) => c.field === 'attribute' || pure(c));
  if (PURE_COMPOSITES.has(node.type)) return node.children.every(pure);
  if (node.type === 'call') {
    const fn = node.children.find((c) => c.field === 'function');
    const args = node.children.find((c) => c.field === 'arguments');
    if (fn === undefined || args === undefined || args.type !== 'argument_list') return false;
    let known = false;
    if (fn.type === 'identifier') known = PURE_FUNCTIONS.has(tree.text(fn));
    else if (fn.type === 'attribute') {
      const method = fn.children.find((c) => c.field === 'attribute');
      const object = fn.children.find((c) => c.field === 'object');
      // `df.info()` shows a frame's summary; `log.info("done")` (a positional message) writes a log record.
      const name = method === undefined ? '' : tree.text(method);
      known = object !== undefined && PURE_METHODS.has(name) && !FILE_MODULES.test(tree.text(object)) && !movesAFile(name, args) && pure(object) && (name !== 'sample' || hasKeyword(tree, args, 'random_state')) && (name !== 'info' || !args.children.some((c) => c.type !== 'keyword_argument' && c.type !== 'comment'));
    }
    return known && pure(args);
  }
  return false;
}

/** A block whose statements were all commented out gets a `pass`, so the code stays valid. */
function keepBlocksNonEmpty(t: Translator): void {
  for (const { firstRemoved } of emptiedBlocks(t)) {
    const line = t.out[firstRemoved.line] ?? '';
    const own = leadingSpace(line);
    const indent = own.length > firstRemoved.headerIndent.length ? own : `${firstRemoved.headerIndent}    `;
    t.out[firstRemoved.line] = `${indent}pass  ${line.trimStart()}`;
    t.removed[firstRemoved.line] = false;
    t.columnMaps.set(firstRemoved.line + 1, { kind: 'fixed', column: indent.length });
  }
}

/**
 * The block headers (`if`, `for`, `def` ... lines) whose block holds no code, only lines the translation removed
 * (`if DEBUG:` over a `%matplotlib inline`): each with its 0-based line and the first removed line under it.
 */
function emptiedBlocks(t: Translator): { header: number; firstRemoved: { line: number; headerIndent: string } }[] {
  if (!t.removed.some((r) => r)) return [];
  const found: { header: number; firstRemoved: { line: number; headerIndent: string } }[] = [];
  const shapes = shapeLines(t.out);
  for (let h = 0; h < shapes.length; h++) {
    const header = shapes[h];
    if (header === undefined || !header.logicalStart || header.blank || !header.header) continue;
    let firstRemoved = -1;
    let hasCode = false;
    for (let k = header.logicalEnd + 1; k < shapes.length; k++) {
      const shape = shapes[k];
      if (shape === undefined) break;
      if (shape.logicalStart && !shape.blank) {
        hasCode = shape.indent.length > header.indent.length;
        break;
      }
      if (t.removed[k] === true && firstRemoved < 0) firstRemoved = k;
    }
    if (!hasCode && firstRemoved >= 0) found.push({ header: h, firstRemoved: { line: firstRemoved, headerIndent: header.indent } });
  }
  return found;
}

/**
 * The parse without its "expected an indented block" errors for blocks the translation emptied: those get a
 * `pass` (`keepBlocksNonEmpty`); Python refuses only a block the notebook left empty (`if x:` over an unindented
 * line).
 */
function withoutEmptiedBlockErrors(t: Translator, tree: PyTree): PyTree {
  if (!tree.errors.some((e) => e.message.startsWith(EMPTY_BLOCK))) return tree;
  const headers = new Set(emptiedBlocks(t).map((b) => b.header + 1));
  if (headers.size === 0) return tree;
  return { ...tree, errors: tree.errors.filter((e) => !(e.message.startsWith(EMPTY_BLOCK) && headers.has(e.line))) };
}

function leadingSpace(line: string): string {
  return /^[ \t\f]*/.exec(line)?.[0] ?? '';
}
