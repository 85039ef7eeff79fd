/**
 * Calls that change a library's settings for the whole process (`sklearn.set_config(transform_output="pandas")`,
 * `pd.set_option(...)`, `warnings.filterwarnings(...)`): a step making one changes how the steps after it run,
 * through no value they read, so a step taken from the cache would leave them without it. The analysis makes
 * such a step run at every run. Only setters whose effect is process-wide are listed, all here.
 * Seeds (`torch.manual_seed`) are not settings: the draws they fix are the `not-reproducible` check's.
 */

import { enclosingHeaderLines } from './python/lexical';
import { callOf, topLevelFunctionBodies } from './functionBodies';

/** A process-wide setter: the call or assignment that makes it, and the settings it changes, for messages. */
interface GlobalSetter {
  /** Matches the call (`\bpd\.set_option\s*\(`) or assignment on a line, comments removed. */
  readonly pattern: RegExp;
  readonly settings: string;
}

const PANDAS = String.raw`(?<![\w.])(?:pd|pandas)`;
const NUMPY = String.raw`(?<![\w.])(?:np|numpy)`;
const MATPLOTLIB = String.raw`(?<![\w.])(?:mpl|matplotlib|plt|pyplot|matplotlib\.pyplot)`;
/** An item or attribute assignment, not a comparison: `pd.options.display.max_rows = 10`, `plt.rcParams["x"] = 1`. */
const ASSIGNED = String.raw`\s*(?:[-+*/|&]|\/\/)?=(?!=)`;

const SETTERS: readonly GlobalSetter[] = [
  { pattern: /(?<![\w.])sklearn\.set_config\s*\(/, settings: "scikit-learn's settings" },
  { pattern: new RegExp(String.raw`${PANDAS}\.(?:set_option|reset_option)\s*\(`), settings: "pandas' options" },
  { pattern: new RegExp(String.raw`${PANDAS}\.options(?:\.\w+)+${ASSIGNED}`), settings: "pandas' options" },
  { pattern: new RegExp(String.raw`${NUMPY}\.(?:set_printoptions|seterr)\s*\(`), settings: "NumPy's settings" },
  { pattern: /(?<![\w.])warnings\.(?:filterwarnings|simplefilter|resetwarnings)\s*\(/, settings: 'the warning filters' },
  { pattern: /(?<![\w.])torch\.(?:set_default_dtype|set_default_device|set_default_tensor_type)\s*\(/, settings: "PyTorch's defaults" },
  { pattern: /(?<![\w.])(?:tf|tensorflow)\.config\.(?:\w+\.)*(?:set_\w+|run_functions_eagerly|enable_\w+)\s*\(/, settings: "TensorFlow's configuration" },
  { pattern: /(?<![\w.])(?:mpl|matplotlib)\.use\s*\(/, settings: "matplotlib's backend" },
  { pattern: new RegExp(String.raw`${MATPLOTLIB}\.rcParams\s*\[[^\]]*\]${ASSIGNED}`), settings: "matplotlib's settings" },
  { pattern: new RegExp(String.raw`${MATPLOTLIB}\.(?:rcParams\.update|rc|style\.use)\s*\(`), settings: "matplotlib's settings" },
  // decimal's context is the thread's: `decimal.getcontext().prec = 6` changes every Decimal computed after it.
  { pattern: new RegExp(String.raw`(?<![\w.])(?:decimal\.)?getcontext\(\)\.(?:\w+${ASSIGNED}|(?:traps|flags)\s*\[[^\]]*\]${ASSIGNED}|clear_flags\s*\()`), settings: "decimal's context" },
  { pattern: /(?<![\w.])(?:decimal\.)?setcontext\s*\(/, settings: "decimal's context" },
  // The environment: later steps (and the libraries they call) read it. Not PYTHONHASHSEED, which Python reads
  // at its start only (round 60 FFF: Kaggle's `seed_everything(SEED)` made the step calling it run at every run).
  { pattern: new RegExp(String.raw`(?<![\w.])os\.environ\s*\[(?!\s*(["'])PYTHONHASHSEED\1\s*\])[^\]]*\]${ASSIGNED}`), settings: 'the environment variables' },
  { pattern: /(?<![\w.])os\.(?:environ\.(?:update|setdefault|pop|clear)|putenv|unsetenv)\s*\(/, settings: 'the environment variables' },
  // IPython's `%env A=1` (`%set_env`, `get_ipython().run_line_magic("env", "A=1")`): the translation makes it
  // `os.environ["A"] = "1"`, and it changes the same. `%env A` alone only shows the value.
  { pattern: /^\s*%(?:set_)?env\s+(?!PYTHONHASHSEED\b)[A-Za-z_]\w*(?:\s*=|\s+\S)/, settings: 'the environment variables' },
  { pattern: /\brun_line_magic\s*\(\s*(["'])(?:set_)?env\1\s*,\s*["'][A-Za-z_]\w*(?:\s*=|\s+\S)/, settings: 'the environment variables' },
];

/** Words one of {@link SETTERS} always holds: a cell without any changes no setting through them. */
const SETTER_WORDS = /set_config|_option|options\.|getcontext|setcontext|set_printoptions|seterr|warnings\.|torch\.|tf\.|tensorflow\.|\.use\s*\(|rcParams|\.rc\s*\(|environ|putenv|unsetenv|%(?:set_)?env|run_line_magic/;

/** Setters a notebook may import by name (`from sklearn import set_config`): their module, and the settings. */
const IMPORTED: Readonly<Record<string, { readonly module: RegExp; readonly settings: string }>> = {
  set_config: { module: /^sklearn(?:\._config)?$/, settings: "scikit-learn's settings" },
  set_option: { module: /^pandas$/, settings: "pandas' options" },
  set_printoptions: { module: /^numpy$/, settings: "NumPy's settings" },
  seterr: { module: /^numpy$/, settings: "NumPy's settings" },
  filterwarnings: { module: /^warnings$/, settings: 'the warning filters' },
  simplefilter: { module: /^warnings$/, settings: 'the warning filters' },
  set_default_dtype: { module: /^torch$/, settings: "PyTorch's defaults" },
  environ: { module: /^os$/, settings: 'the environment variables' },
  putenv: { module: /^os$/, settings: 'the environment variables' },
};

/**
 * The names `source` (the notebook's code) imports from a module that makes them process-wide setters:
 * `from sklearn import set_config` gives `set_config`. Renamed ones (`import set_config as sc`) count by their
 * new name.
 */
export function importedSetters(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of source.matchAll(/^\s*from\s+([\w.]+)\s+import\s+\(?([^)\n]*)/gm)) {
    for (const item of (m[2] ?? '').split(',')) {
      const [name, as] = item.replace(/#.*$/, '').trim().split(/\s+as\s+/);
      const known = IMPORTED[name ?? ''];
      if (known !== undefined && known.module.test(m[1] ?? '')) found.set((as ?? name ?? '').trim(), known.settings);
    }
  }
  return found;
}

/**
 * The functions the shared code (`texts`, its cells) defines at top level that change process-wide settings
 * when called, directly or through each other (`def setup_env(): sklearn.set_config(...)`, `def init():
 * setup_env()`): each with the first change it makes.
 */
export function configFunctions(texts: readonly string[], imported: ReadonlyMap<string, string> = new Map()): Map<string, GlobalConfigChange> {
  const bodies = topLevelFunctionBodies(texts);
  const found = new Map<string, GlobalConfigChange>();
  for (let changed = true; changed; ) {
    changed = false;
    const calls = callOf(found.keys());
    for (const [name, body] of bodies) {
      if (found.has(name)) continue;
      const direct = globalConfigChanges(body, imported)[0];
      const called = direct === undefined && calls !== undefined ? body.split('\n').find((line) => !/^\s*#/.test(line) && calls.test(line.replace(/#.*$/, ''))) : undefined;
      const through = called === undefined ? undefined : found.get(calls?.exec(called)?.[1] ?? '');
      const change = direct ?? (through === undefined ? undefined : { ...through, call: called?.trim() ?? through.call });
      if (change !== undefined) {
        found.set(name, change);
        changed = true;
      }
    }
  }
  return found;
}

/** A process-wide setting a cell changes: the 1-based line, the call as written, and the settings it changes. */
export interface GlobalConfigChange {
  readonly line: number;
  readonly call: string;
  readonly settings: string;
}

/**
 * The lines of `code` (a cell) that change process-wide settings ({@link SETTERS}, and the names
 * {@link importedSetters} found), at any depth; comments do not count.
 */
export function globalConfigChanges(code: string, imported: ReadonlyMap<string, string> = new Map(), functions: ReadonlyMap<string, GlobalConfigChange> = new Map()): GlobalConfigChange[] {
  // Most cells change no setting: one search for the words every setter holds says so.
  if (!SETTER_WORDS.test(code) && ![...imported.keys(), ...functions.keys()].some((name) => code.includes(name))) return [];
  const calls = callOf(functions.keys());
  // `set_config(...)`; for a mapping imported by name (`from os import environ`), `environ[...] = ...` and
  // its changing methods too.
  const bare = imported.size === 0 ? undefined : new RegExp(String.raw`(?<![\w.])(${[...imported.keys()].join('|')})(?:\s*\(|\s*\[[^\]]*\]${ASSIGNED}|\.(?:update|setdefault|pop|clear)\s*\()`);
  const changes: GlobalConfigChange[] = [];
  const lines = code.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/#.*$/, '');
    if (line.trim() === '' || /^\s*(?:from|import)\s/.test(line)) continue;
    const setter = SETTERS.find((s) => s.pattern.test(line));
    // Inside `with warnings.catch_warnings():`, which restores the filters at its end (round 70 XXX: the step ran
    // at every run, said to change them for the whole process).
    if (setter?.settings === 'the warning filters' && insideCatchWarnings(lines, i)) continue;
    const named = setter === undefined ? bare?.exec(line) : undefined;
    // A call of a shared function that changes settings (`setup_env()`): what it changes.
    const through = setter === undefined && (named ?? null) === null ? functions.get(calls?.exec(line)?.[1] ?? '')?.settings : undefined;
    const settings = setter?.settings ?? (named?.[1] === undefined ? through : imported.get(named[1]));
    // `set_config(display="diagram")`: how estimators show, nothing a later step computes (round 77 MNM: most
    // scikit-learn course notebooks start with it, and their first step ran at every run).
    if (settings === "scikit-learn's settings" && displayOnlyConfig(line)) continue;
    if (settings !== undefined) changes.push({ line: i + 1, call: line.trim(), settings });
  }
  return changes;
}

/** Whether a line's `set_config(...)` call sets only how estimators show (`display=`, `print_changed_only=`), on the line. */
function displayOnlyConfig(line: string): boolean {
  const args = /\bset_config\s*\(([^()]*)\)/.exec(line)?.[1];
  if (args === undefined || args.trim() === '') return false;
  return args.split(',').every((a) => a.trim() === '' || /^\s*(?:display|print_changed_only)\s*=/.test(a));
}

/** Whether line `index` of `lines` is in the body of a `with ... catch_warnings(...)` block. */
function insideCatchWarnings(lines: readonly string[], index: number): boolean {
  return enclosingHeaderLines(lines, index).some((header) => /^\s*(?:async\s+)?with\b.*\bcatch_warnings\s*\(/.test(header));
}

/**
 * A shell command's output taken (`parts = !ls data/raw/*.csv`, `%sx find ...`, `subprocess.check_output`,
 * `sp.run(..., capture_output=True)` over several lines, `os.popen(...).read()`): what the command sees (a
 * folder's files, a git commit, a server) is no input the cache key knows. Not output thrown away
 * (`stdout=subprocess.DEVNULL`) nor `!` in an f-string field (`{x=!r}`).
 */
const SHELL_OUTPUT = new RegExp(
  [
    String.raw`^[ \t]*[\w., ]+=[ \t]*!\s*\S`,
    String.raw`^[ \t]*[\w., ]+=[ \t]*%[ \t]*(?:sx|system)\b`,
    String.raw`(?<![\w])(?:\w+\.)?(?:check_output|getoutput|getstatusoutput)\s*\(`,
    String.raw`(?<![\w])(?:\w+\.)?(?:run|Popen)\s*\([^()]*(?:\([^()]*\)[^()]*)*?(?:capture_output\s*=\s*True|stdout\s*=\s*(?!(?:\w+\.)?DEVNULL\b|None\b))`,
    String.raw`(?<![\w.])os\.popen\s*\(`,
  ].join('|'),
  'm',
);

/** The first place in `code` (a cell) using a shell command's output (see SHELL_OUTPUT): its line and text; comments do not count. */
export function shellOutputRead(code: string): { readonly line: number; readonly call: string } | undefined {
  if (!/[!%]|subprocess|popen|check_output|getoutput|\brun\s*\(|Popen/.test(code)) return undefined;
  const plain = code.replace(/#.*$/gm, '');
  const m = SHELL_OUTPUT.exec(plain);
  if (m === null) return undefined;
  const line = plain.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
  return { line, call: (code.split('\n')[line - 1] ?? '').trim() };
}

/** Calls that read the calendar time: what a step computes from one differs from run to run. */
const CLOCK = new RegExp(
  [
    // `datetime.now()`, `datetime.datetime.now()`, and through the module's alias: `dt.datetime.now()`.
    String.raw`(?<![\w.])(?:[A-Za-z_]\w*\.)?datetime\.(?:now|today|utcnow)\s*\(`,
    String.raw`(?<![\w.])(?:[A-Za-z_]\w*\.)?date\.today\s*\(`,
    String.raw`(?<![\w.])(?:pd|pandas)\.Timestamp\.(?:now|today|utcnow)\s*\(`,
    String.raw`(?<![\w.])(?:pd|pandas)\.to_datetime\s*\(\s*["'](?:now|today)["']`,
    String.raw`(?<![\w.])(?:np|numpy)\.datetime64\s*\(\s*["'](?:now|today)["']`,
    String.raw`(?<![\w.])(?:pd\.|pandas\.)?Timestamp\s*\(\s*["'](?:now|today)["']`,
    // `from datetime import datetime as dt`
    String.raw`(?<![\w.])dt\.(?:now|today|utcnow)\s*\(`,
    // `time.strftime("%Y-%m-%d")`, `time.localtime()`: the present, without a time given
    String.raw`(?<![\w.])time\.strftime\s*\(\s*(?:[rfbu]?["'][^"']*["'])\s*\)`,
    String.raw`(?<![\w.])time\.(?:localtime|gmtime|ctime)\s*\(\s*\)`,
  ].join('|'),
);

/**
 * `time.time()` as the present a computation starts from: `now = time.time()`, `cutoff = time.time() - WINDOW`,
 * or compared with (`ts >= time.time() - 3600`). Not a cell timing itself (`start = time.time()`,
 * `time.time() - start`) or a timestamp written into a report (`{"created": time.time()}`), which notebooks do
 * far more often.
 */
const TIME_NOW = /^\s*(?:now|today|current(?:_\w+)?|cutoff\w*|\w*_now)\s*=\s*(?:time\.)?time\s*\(\s*\)|(?:[<>]=?|==)[^=<>]*(?<![\w.])time\.time\s*\(\s*\)|(?<![\w.])time\.time\s*\(\s*\)[^=<>]*(?:[<>]=?|==)/;

/**
 * The first line of `code` (a cell) reading the calendar time (`datetime.now()`, `date.today()`,
 * `pd.Timestamp.today()`, `pd.to_datetime("today")`, `now = time.time()`: `TIME_NOW`): a step computing "the
 * last 30 days" from it gets another answer tomorrow, which a step taken from the cache would not. Comments do
 * not count.
 */
export function clockRead(code: string): { readonly line: number; readonly call: string } | undefined {
  if (!/now|today|time/.test(code)) return undefined;
  for (const [i, raw] of code.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '');
    if (CLOCK.test(line) || TIME_NOW.test(line)) return { line: i + 1, call: line.trim() };
  }
  return undefined;
}
