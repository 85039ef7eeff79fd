/**
 * Line-level looks at a cell's Python code, enough to apply nbdev's conventions. These are not a parser:
 * each answers one narrow question and, when unsure, gives the answer that keeps the code (an export cell
 * that is "not only imports" is still exported, just not shared as imports).
 */

const IMPORT_START = /^(?:import\s+\S|from\s+\S+\s+import\b)/;
const ASSERT_LINE = /^\s*(?:assert\b|test(?:_\w+)?\s*\()/m;
const NBDEV1_COMMENT = /^#\s*(?:default_exp|export[is]?|hide)\b/;

/**
 * True when the code holds at least one import and nothing else: top-level `import` / `from … import`
 * lines, their parenthesised or backslash continuations, comments and blank lines. Anything indented
 * (a `try:` body), any other statement, or a `;` makes it false.
 */
export function holdsOnlyImports(code: string): boolean {
  let sawImport = false;
  const onlyImports = everyLogicalLine(code, (text) => {
    sawImport = true;
    return IMPORT_START.test(text) && !text.includes(';');
  });
  return sawImport && onlyImports;
}

/**
 * True when every statement of the code prints or shows a value (`print(...)`, `display(...)`), on one line or
 * more, or computes one first by a plain assignment (`r2 = r2_score(y, p)` then `print(f"R2: {r2:.3f}")`, round 70
 * XXX: only a cell of prints was taken for a cell reporting scores), and one at least shows; brackets inside strings
 * do not count.
 */
export function holdsOnlyDisplays(code: string): boolean {
  let shows = 0;
  const accepted = everyLogicalLine(blankedStrings(code), (text) => {
    if (/^(?:print|display|pprint)\s*\(/.test(text)) shows++;
    // A value shown as the cell's last expression (`scores`, `results`, `{"acc": acc}`, `(acc, f1)`): round 74 GHG.
    else if (/^(?:[A-Za-z_][\w.]*(?:\s*\[[^\]]*\])?|[({[].*)\s*$/.test(text) && !/^(?:if|for|while|with|try|def|class|return|import|from|del|pass|assert|raise|global|nonlocal)\b/.test(text)) shows++;
    else if (!/^[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s*=(?!=)/.test(text)) return false;
    return true;
  });
  return accepted && shows > 0;
}

/**
 * Whether `accept` holds for the first physical line of each logical line of `code` (comments stripped, blank
 * lines passed over; the lines a bracket or a backslash continues are part of the one before), and no bracket is
 * left open at the end.
 */
function everyLogicalLine(code: string, accept: (text: string) => boolean): boolean {
  let depth = 0;
  let continued = false;
  for (const line of code.split(/\r\n|\n|\r/)) {
    const text = stripComment(line);
    if (depth > 0 || continued) {
      ({ depth, continued } = followBrackets(text, depth));
      continue;
    }
    if (text.trim() === '') continue;
    if (!accept(text)) return false;
    ({ depth, continued } = followBrackets(text, depth));
  }
  return depth === 0 && !continued;
}

/**
 * True when the code holds only assignments of literal values to one name each (`C = 1.0`, `DATA_DIR = "../data"`,
 * `GRID = {"depth": [3, 5]}`, `RAW = os.path.join("..", "data")`, `DATA = Path("../data")`), at least one: a
 * notebook's settings, which a `## Parameters` heading names its parameters cell. A value may also be made of the
 * cell's own settings (`RAW = DATA_DIR / "raw"`, `N_TEST = N // 5`, round 45 X). Anything else (a call, another
 * name, an f-string) makes it false.
 */
export function holdsOnlySettings(code: string): boolean {
  const blanked = blankedStrings(code);
  let assignments = 0;
  const own = new Set<string>();
  const onlyAssignments = everyLogicalLine(blanked, (text) => {
    const target = SETTING_TARGET.exec(text);
    if (target === null || text.includes(';')) return false;
    for (const name of (target[0].split(':')[0] ?? '').matchAll(/[A-Za-z_]\w*/g)) own.add(name[0]);
    assignments++;
    return true;
  });
  if (!onlyAssignments || assignments === 0) return false;
  const values = blanked.replace(new RegExp(SETTING_TARGET.source, 'gm'), '').replace(/(?:\b\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?[jJ]?/g, '0');
  return [...values.matchAll(/[A-Za-z_][\w.]*/g)].every((m) => SETTING_WORDS.has(m[0]) || own.has(m[0]));
}

/** A setting's target: one name, annotated or not (`C: float =`), or several unpacked (`ALPHA, SEED =`). */
const SETTING_TARGET = /^(?:[A-Za-z_]\w*\s*(?::\s*[A-Za-z_][\w.[\], ]*)?|[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+\s*,?\s*)=(?!=)/;

/**
 * The words a setting's literal value may hold besides numbers and strings (`os.path.join` of literals is a path,
 * and so is `Path("../data")`: a path parameter).
 */
const SETTING_WORDS = new Set(['True', 'False', 'None', 'os.path.join', 'Path', 'pathlib.Path', 'int', 'float', 'str', 'bool', 'list', 'dict', 'tuple']);

/**
 * True when the code is what a notebook's first cells hold before any work: imports, constants (`N_FOLDS = 5`,
 * `CAT_COLS = [...]`: upper-case names only), functions or classes (`def rmsle(...)`, with decorators and
 * bodies) and Kaggle's loop printing the input files, with at least one of them. A lower-case assignment or
 * any other statement is work. `definitionsOnly`: no listing nor folder, and at least one function or class.
 */
export function holdsOnlyPreamble(code: string, definitionsOnly = false): boolean {
  let sawDefinition = false;
  let inBody: 'definition' | 'listing' | undefined;
  const onlyPreamble = everyLogicalLine(code, (text) => {
    if (/^\s/.test(text)) return inBody === 'definition' || (inBody === 'listing' && /^\s+(?:for\s.*:\s*$|print\()/.test(text));
    if (text.includes(';')) return false;
    const definition = /^(?:@|(?:async\s+)?def\s|class\s)/.test(text);
    // `log = logging.getLogger(__name__)` and `log.setLevel(...)` beside the imports are set-up too (rounds 39 O, 40 P).
    const constant = /^[A-Z][A-Z0-9_]*\s*(?::[^=]+)?=(?!=)/.test(text) || /^[A-Za-z_]\w*\s*=\s*logging\.getLogger\(|^[A-Za-z_]\w*\.(?:setLevel|addHandler)\(/.test(text);
    // Kaggle's template: `for dirname, _, filenames in os.walk('/kaggle/input'):` printing every file.
    const listing = /^for\s.*\bin\s+os\.walk\(.*:\s*$/.test(text);
    // An output folder made once (`mkdir outputs`, `!mkdir -p models`, `os.makedirs("out", exist_ok=True)`), as a
    // setup cell makes it (round 61 GGG: the title section holding it became a step making only the folder).
    const folder = /^(?:[!%]?mkdir\s+(?:-p\s+)?[\w./-]+\s*$|os\.makedirs\(\s*["'][^"']+["']\s*(?:,\s*exist_ok\s*=\s*True\s*)?\)\s*$)/.test(text);
    if (definitionsOnly && !definition && !constant && !IMPORT_START.test(text)) return false;
    if (!definition && !constant && !listing && !folder && !IMPORT_START.test(text)) return false;
    sawDefinition ||= definitionsOnly ? definition : definition || constant || listing || folder;
    inBody = definition ? 'definition' : listing ? 'listing' : undefined;
    return true;
  });
  return sawDefinition && onlyPreamble;
}

/**
 * True when the code holds an assertion: a line starting with `assert`, or a call of fastcore.test's
 * `test(...)` / `test_eq(...)` / `test_*(...)`.
 */
export function holdsAsserts(code: string): boolean {
  return ASSERT_LINE.test(code);
}

/** True when the code's first non-blank line is an nbdev 1 comment such as `# export` or `#default_exp core`. */
export function startsWithNbdev1Comment(code: string): boolean {
  if (!code.includes('#')) return false;
  const first = code.split(/\r\n|\n|\r/).find((line) => line.trim() !== '');
  return first !== undefined && NBDEV1_COMMENT.test(first.trim());
}

/**
 * `code` with each one-line string made `""` (a raw, bytes or unicode prefix too; an f-string keeps its `f`, which is
 * no literal) and comments left out, line by line: brackets, quotes and `#` in them are no code (`print("(")`,
 * `lr = 0.1  #@param {type:"number"}`).
 */
export function blankedStrings(code: string): string {
  return code
    .split(/\r\n|\n|\r/)
    .map((line) => stripComment(line.replace(/[rRbBuU]?(["'])(?:\\.|(?!\1).)*\1/g, '""')))
    .join('\n');
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

function followBrackets(text: string, depth: number): { depth: number; continued: boolean } {
  let next = depth;
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') next++;
    else if (ch === ')' || ch === ']' || ch === '}') next = Math.max(0, next - 1);
  }
  return { depth: next, continued: text.trimEnd().endsWith('\\') };
}

/**
 * A word of a score in a cell's text (a label or a name): a last cell printing no score is no metrics cell (round 56
 * WW: `print("The Cancer class of this Features is ", pre)`, a predicted label, was inferred as the metrics).
 */
export const SCORE_WORD = /score|accura|(?<![a-z])acc(?![a-z])|error|loss|precision|recall|f1|auc|(?<![a-z])r2|rmse|rmsle|(?<![a-z])ma[ep]|(?<![a-z])mse|metric|result|report|evaluat|silhouette|inertia|likelihood|perplexity|(?<![a-z])aic|(?<![a-z])bic/i;
