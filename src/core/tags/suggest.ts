/**
 * Step names suggested from a notebook's markdown headings (`nbpromote.suggestSteps`): people already split
 * their notebooks into sections, so the first code cell under each H1–H3 heading is proposed as the start of
 * a step named after the heading. Pure: the extension shows the suggestions and applies the chosen ones as
 * cell tags.
 *
 * Decisions:
 * - H1–H3 only. Deeper headings (`#### Notes`) are subsections of the step above, not steps of their own.
 * - The heading that counts is the last H1–H3 heading before the code cell; a heading with no code cell
 *   under it before the next heading is dropped.
 * - Code cells that hold only imports, comments, magics, session settings (`pd.set_option`, `matplotlib.use`,
 *   `warnings.filterwarnings`, seeds, `sys.path.append`) or nothing are passed over (the next code cell under
 *   the same heading gets the suggestion): an imports cell is not a step.
 * - A cell that already carries one of our tags or directives (any role) is left alone and uses up the
 *   heading, as is a cell that a convention's rule gave a role (nbdev cells without `#| export`).
 * - Before any step, a cell of only upper-case constants and helper functions (and imports) is passed over too:
 *   under a notebook's title (`# House prices`) it is the preamble every step shares, not a step of its own.
 * - A setup heading before any step (`## Imports`, `# Setup`, `## Configuration`, `## Parameters`) names the
 *   notebook's preamble, not a step: its cells stay the shared code. After a step, such a heading is a step as
 *   any other (its cells would otherwise join the step above). Under a heading that names the settings
 *   (`## Parameters`, `## Hyperparameters`, `## Config`, `## Settings`), when no cell has the parameters role,
 *   the first code cell holding only literal assignments (`C = 1.0`, `DATA_DIR = "../data"`) gets that role
 *   (the tag `parameters`; {@link PARAMETERS_SUGGESTION} as the name): an untagged notebook takes `--param` too.
 * - A heading that names the metrics (`## Metrics`, `## 5. Evaluation metrics`), when no cell has the metrics role
 *   yet, suggests that role for its first code cell (the tag `metrics`; {@link METRICS_SUGGESTION} as the name)
 *   rather than a step: `metrics` is no step name. So does the last section, after a step, when its heading says
 *   results (`## Results`, `## Evaluation`, `## Summary`) and nothing else gives the metrics; failing both, the
 *   notebook's last code cell when it only prints or shows values (a Kaggle notebook's `print(f"CV: {cv:.4f}")`).
 * - Names: inline markdown and a leading section number are dropped (`## 2. Clean *outliers*` →
 *   `clean_outliers`), then the articles a, an, the, then at most four words are kept, lowercased, made an
 *   identifier with {@link suggestIdentifier}. A name taken by an existing step or an earlier suggestion gets
 *   `_2`, `_3` ...; a heading with nothing usable in it (`## 🚀`) gives `step_<n>`.
 */
import type { Notebook, NotebookCell } from '../contract/notebook';
import type { CellRoles, TagResult } from '../contract/roles';
import { MAX_NAME_LENGTH, stepNameIssue, suggestIdentifier } from './names';
import { blankedStrings, holdsOnlyDisplays, holdsOnlyImports, holdsOnlyPreamble, holdsOnlySettings, SCORE_WORD } from './pythonText';
import { withoutAccents } from '../util/words';

export interface StepSuggestion {
  /** The code cell to tag `step:<name>` (0-based). */
  readonly cellIndex: number;
  readonly cellId?: string;
  /**
   * A valid step name (checked with {@link stepNameIssue}), unique in the notebook; or {@link METRICS_SUGGESTION}
   * for the metrics role ({@link suggestionTag} gives the tag either way).
   */
  readonly name: string;
  /** The heading's text, inline markdown removed. */
  readonly heading: string;
  readonly level: 1 | 2 | 3;
  /** The markdown cell holding the heading (0-based). */
  readonly headingCellIndex: number;
  /** The metrics role for the notebook's last code cell, which only prints or shows values (not its heading's). */
  readonly lastPrints?: true;
  /** A step for the first cell reading a parameter before any step, under no heading of its own (see suggestSteps). */
  readonly readsParameter?: true;
  /** The one step of a notebook with no heading at all, from its first cell doing work (see suggestSteps). */
  readonly noHeading?: true;
  /** A step for the first cell reading a data file before any step (`df = pd.read_csv(...)`), not a section's (see suggestSteps). */
  readonly loadsData?: true;
}

export interface Heading {
  readonly level: number;
  /** As written, without the `#` marks (ATX) or the underline (setext). */
  readonly text: string;
}

const MAX_WORDS = 4;
/** The words telling apart headings whose first four words give one name, at most, added to that name. */
const DIFFERING_WORDS = 3;
/** The {@link StepSuggestion.name} of a suggestion of the metrics role (reserved: no step has it). */
export const METRICS_SUGGESTION = 'metrics';
/** The {@link StepSuggestion.name} of a suggestion of the parameters role (reserved: no step has it). */
export const PARAMETERS_SUGGESTION = 'parameters';
/** Headings of the notebook's metrics section. */
// (`Calculate metrics`, `Computing the metrics`: round 77 MNM, a step of its own.)
const METRICS_HEADING = /^(?:(?:calculat|comput)(?:e|ing) (?:the )?)?(?:the |final |model |evaluation |validation |test )?metrics$/;
/** Headings of a notebook's last section that shows its results (`## Results`, `## Evaluation`): the metrics when last. */
// (`Evaluate on the test set`, `Evaluation of the final model`: any phrase after evaluate, round 62 III.)
const RESULTS_HEADING = /^(?:(?:the |final |model |overall |test(?: set)? )?(?:results|evaluation|summary|scores|performance)(?: summary)?|evaluat(?:e|ing|ion)\b.*)$/;
/**
 * The same in other languages (`Évaluation` as `evaluation`, `Auswertung`, `Оценка модели`, `評価`): its first
 * word, or a word of a script without spaces inside it (round 62 III: none was taken).
 */
const OTHER_RESULTS_HEADING = /^(?:auswertung|evaluierung|ergebnisse|bewertung|evaluacion|resultados|resultats|avaliacao|valutazione|risultati|оценка|результаты|итоги)(?:\s|$)|評価|评估|结果|結果|평가|결과/u;
/** Setup headings in other languages, as {@link OTHER_RESULTS_HEADING} reads them. */
const OTHER_PREAMBLE_HEADING = /^(?:einrichtung|vorbereitung|importe|bibliotheken|konfiguration|einstellungen|configuracion|preparacion|importaciones|librerias|bibliotecas|preparation|importations|bibliotheques|configuracao|preparacao|importacoes|configurazione|preparazione|librerie|настройка|подготовка|импорт|импорты|библиотеки|конфигурация|параметры|parametros|parametres|parametri|parameter)(?:\s|$)|準備|設定|インポート|ライブラリ|パラメータ|设置|准备|导入|配置|参数|설정|준비|라이브러리|매개변수/u;
/** Of those, the ones naming the settings (a cell of literal assignments under one is the parameters cell). */
const OTHER_SETTINGS_HEADING = /^(?:konfiguration|einstellungen|configuracion|configuracao|configurazione|конфигурация|параметры|parametros|parametres|parametri|parameter)(?:\s|$)|設定|配置|参数|パラメータ|설정|매개변수/u;

/** The tag a suggestion puts on its cell: `metrics` for {@link METRICS_SUGGESTION}, else `step:<name>`. */
export function suggestionTag(name: string): string {
  return name === METRICS_SUGGESTION ? 'metrics' : name === PARAMETERS_SUGGESTION ? 'parameters' : `step:${name}`;
}
/** Headings of a notebook's setup section, which holds the imports and constants every step uses. */
const PREAMBLE_HEADING = /^(?:imports?|(?:import(?:ing)? )?(?:the )?(?:libraries|packages|modules|dependencies)|(?:the )?set ?up|setup and imports|imports and setup|config(?:uration)?|settings|environment|constants|(?:hyper)?param(?:eter)?s|globals)$/;
/** Preamble headings that name the notebook's settings: a cell of literal assignments under one is its parameters cell. */
const SETTINGS_HEADING = /^(?:(?:the |model |run )?(?:hyper)?param(?:eter)?s|config(?:uration)?|settings)$/;
const ARTICLES = new Set(['a', 'an', 'the']);
/** Words a step name does not end on: they lead on to what follows (`split_and`, `load_raw_data_from`). */
const TRAILING_FILLERS = new Set(['and', 'or', 'from', 'of', 'for', 'with', 'to', 'in', 'into', 'on', 'by', 'at', 'vs', 'versus', 'using', 'via', 'per', 'as']);
/** Of those, the words joining two (`split and scale`): no phrase of its own starts there. */
const CONJUNCTIONS = new Set(['and', 'or']);

/**
 * The cells with a heading above each code cell a title names: a percent script's title on its marker (`# %% Load
 * data`, as VS Code and Spyder write them) or a comment heading underlined in reST opening the cell (`# Load data`
 * then `# ---------`, as sphinx-gallery and scikit-learn's examples write them), read as a `##` heading (round 67
 * SSS: such scripts had no heading to infer steps from).
 */
function withTitleHeadings(cells: readonly NotebookCell[]): NotebookCell[] {
  return cells.flatMap((cell) => {
    if (cell.kind !== 'code') return [cell];
    const marked = cell.metadata['title'];
    const title = typeof marked === 'string' && marked.trim() !== '' ? marked.trim() : commentHeading(cell.source);
    return title === undefined ? [cell] : [{ index: cell.index, kind: 'markdown', source: `## ${title}`, tags: [], metadata: {} }, cell];
  });
}

/**
 * The reST heading a cell's comments open with: `# Load data` underlined by `# ---------` (or `=`, `~`, `^`, `*`),
 * an overline too (`# ====` above); words, not code (round 68 TTT: `# df = df.dropna()` above `# ---` was one).
 */
function commentHeading(source: string): string | undefined {
  const m = /^(?:#[ \t]*([-=~^*])\1{2,}[ \t]*\r?\n)?#[ \t]+(\S[^\n]*?)[ \t]*\r?\n#[ \t]*([-=~^*])\3{2,}[ \t]*(?:\r?\n|$)/.exec(source);
  const text = m?.[2];
  // (`Reduce with PCA (2D)` is words, round 69 VVV; `df.dropna()` and `x = 1` are code.)
  return text !== undefined && /^\p{L}/u.test(text) && !/[=[\]{}]|\w\(|^\w+\.\w/.test(text) ? text : undefined;
}

/** The suggestions for `notebook`, in notebook order. `roles` is `readRoles(notebook)`. */
export function suggestSteps(notebook: Notebook, roles: TagResult): StepSuggestion[] {
  const taken = new Set(roles.steps.map((s) => s.name));
  const byIndex = new Map(roles.cells.map((c) => [c.cellIndex, c]));
  const suggestions: StepSuggestion[] = [];
  // Whether the last suggestion's heading says results (`## Results`).
  let lastResults = false;
  // The steps whose heading says results (`## Evaluate`), in order.
  const resultsSteps: StepSuggestion[] = [];
  // `why`: a step started by a cell under no heading of its own, for reading a parameter or a data file.
  let pending: { heading: string; level: 1 | 2 | 3; cellIndex: number; metrics: boolean; results: boolean; name?: string; why?: 'parameter' | 'data' } | undefined;
  let hasMetrics = roles.cells.some((c) => c.roles.includes('metrics'));
  let hasParameters = roles.cells.some((c) => c.roles.includes('parameters'));
  // Under a settings heading before any step (`## Parameters`): its first cell of literal assignments.
  let settings: { heading: string; level: 1 | 2 | 3; cellIndex: number } | undefined;
  let current: { heading: string; level: 1 | 2 | 3; cellIndex: number } | undefined;
  // A cell no tag or directive gives a role of its own, holding only literal settings; and it as the parameters cell.
  const settingsOnly = (cell: Notebook['cells'][number]): boolean => {
    const cellRoles = byIndex.get(cell.index);
    const free = cellRoles === undefined || impliedSkip(cellRoles) || (cellRoles.sources.length === 0 && cellRoles.roles.length === 0);
    return free && holdsOnlySettings(workLines(cell.source));
  };
  const suggestParameters = (cell: Notebook['cells'][number], under: { heading: string; level: 1 | 2 | 3; cellIndex: number }): void => {
    suggestions.push({ cellIndex: cell.index, ...(cell.id === undefined ? {} : { cellId: cell.id }), name: PARAMETERS_SUGGESTION, heading: under.heading, level: under.level, headingCellIndex: under.cellIndex });
    hasParameters = true;
  };
  // Under a setup heading before any step (`## Setup`): a cell there reading a parameter cannot be the shared
  // preamble, which runs before a --param value is known, and starts a step (round 61 HHH: refused as inferred).
  let setupUnder: { heading: string; level: 1 | 2 | 3; cellIndex: number } | undefined;
  const parameterNames = (): Set<string> => {
    const cells = [...roles.cells.filter((c) => c.roles.includes('parameters')).map((c) => c.cellIndex), ...suggestions.filter((x) => x.name === PARAMETERS_SUGGESTION).map((x) => x.cellIndex)];
    return new Set(cells.flatMap((index) => [...workLines(notebook.cells[index]?.source ?? '').matchAll(/^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)/gm)].map((m) => m[1] ?? '')));
  };
  const readsParameter = (source: string): boolean => {
    const names = parameterNames();
    return [...blankedStrings(workLines(source)).matchAll(/(?<![\w.])[A-Za-z_]\w*\b/g)].some((m) => names.has(m[0]));
  };
  let firstHeading = true;
  // Under the notebook's title, before any step, and how many code cells were there so far.
  let inTitle = false;
  let titleCode = 0;
  const withTitles = withTitleHeadings(notebook.cells);
  // Whether a markdown heading (H1-H3) comes after the cell at `index`.
  const headingAfter = (index: number): boolean => withTitles.some((c) => c.index > index && c.kind === 'markdown' && markdownHeadings(c.source).some((h) => h.level <= 3));
  const distinct = distinctHeadingNames(withTitles.filter((c) => c.kind === 'markdown').flatMap((c) => markdownHeadings(c.source).filter((h) => h.level <= 3).map((h) => plainHeading(h.text))));
  for (const cell of withTitles) {
    if (cell.kind === 'markdown') {
      for (const heading of markdownHeadings(cell.source)) {
        if (heading.level > 3) continue;
        const text = plainHeading(heading.text);
        current = { heading: text, level: heading.level as 1 | 2 | 3, cellIndex: cell.index };
        // Before the first step, `## Imports` is the preamble's heading: its cells are no step.
        const words = text.replace(SECTION_NUMBER, '').trim().toLowerCase().replace(/\s*[:.]+$/, '');
        // As written (`настройка`, `평가`: Hangul comes apart without accents) or without accents (`evaluacion`).
        const foreign = (heading: RegExp): boolean => heading.test(words) || heading.test(withoutAccents(words));
        const preamble = !suggestions.some(isStep) && taken.size === 0 && (PREAMBLE_HEADING.test(words) || foreign(OTHER_PREAMBLE_HEADING));
        // The notebook's title (its first heading, `# Wine classifier`) before any step: a cell of literal settings
        // under it, after its imports, is the parameters cell (round 43 V: the title became a step holding them).
        // Constants in capitals stay the preamble's (`holdsOnlyPreamble`), and a first section's own first cell
        // (`# Load`, then `x = 1`) its step.
        inTitle = heading.level === 1 && firstHeading && !suggestions.some(isStep) && taken.size === 0 && !hasParameters;
        titleCode = 0;
        firstHeading = false;
        settings = preamble && !hasParameters && (SETTINGS_HEADING.test(words) || foreign(OTHER_SETTINGS_HEADING)) ? current : undefined;
        const metrics = !hasMetrics && METRICS_HEADING.test(words);
        pending = preamble ? undefined : { heading: text, level: heading.level as 1 | 2 | 3, cellIndex: cell.index, metrics, results: foreign(RESULTS_HEADING) || foreign(OTHER_RESULTS_HEADING) };
        setupUnder = preamble ? current : undefined;
      }
      continue;
    }
    if (cell.kind === 'code' && settings === undefined && inTitle && current !== undefined && !hasParameters && !suggestions.some(isStep) && workLines(cell.source).trim() !== '') {
      if (titleCode > 0 && settingsOnly(cell) && !holdsOnlyPreamble(workLines(cell.source))) {
        suggestParameters(cell, current);
        inTitle = false;
        continue;
      }
      titleCode++;
    }
    if (cell.kind === 'code' && settings !== undefined && !suggestions.some(isStep)) {
      if (settingsOnly(cell)) {
        suggestParameters(cell, settings);
        settings = undefined;
        continue;
      }
    }
    // (Or reading a data file, which is a step's work, not shared code's: `## Setup` holding `df = pd.read_csv(...)`.)
    // (With no heading after it, the notebook's one step, `main`, starts there anyway.)
    const loads = cell.kind === 'code' && pending === undefined && !suggestions.some(isStep) && taken.size === 0 && (byIndex.get(cell.index)?.roles.length ?? 0) === 0 && readsDataFile(cell.source) && !holdsOnlyPreamble(workLines(cell.source)) && headingAfter(cell.index);
    if (cell.kind === 'code' && pending === undefined && setupUnder !== undefined && !suggestions.some(isStep) && byIndex.get(cell.index)?.roles.includes('parameters') !== true && (readsParameter(cell.source) || loads)) {
      pending = { ...setupUnder, metrics: false, results: false, ...(readsParameter(cell.source) ? {} : { name: 'load_data', why: 'data' as const }) };
      setupUnder = undefined;
    }
    // Under no heading of its own (the title's section, after a papermill parameters cell), the first cell reading a
    // parameter before any step: shared code cannot read one, so it starts a step (round 68 UUU: refused, "this
    // shared cell reads data_path, a parameter"). `load_data` when it reads a file, else `prepare`; `main` when no
    // heading follows, so that the step holds the rest of the notebook.
    if (cell.kind === 'code' && pending === undefined && setupUnder === undefined && !suggestions.some(isStep) && taken.size === 0 && (byIndex.get(cell.index)?.roles.length ?? 0) === 0 && doesWork(cell.source) && (readsParameter(cell.source) || loads)) {
      const name = !headingAfter(cell.index) ? 'main' : readsDataFile(cell.source) ? 'load_data' : 'prepare';
      pending = { heading: current?.heading ?? '', level: current?.level ?? 2, cellIndex: current?.cellIndex ?? cell.index, metrics: false, results: false, name, why: readsParameter(cell.source) ? 'parameter' : 'data' };
    }
    if (cell.kind !== 'code' || pending === undefined) continue;
    const cellRoles = byIndex.get(cell.index);
    // Not an nbdev cell without a directive: left out only because nothing names it (see impliedSkip).
    const hasOwnRole = cellRoles !== undefined && !impliedSkip(cellRoles) && (cellRoles.sources.length > 0 || (cellRoles.roles.length > 0 && cellRoles.continuedFrom === undefined));
    if (hasOwnRole) {
      pending = undefined;
      continue;
    }
    if (!doesWork(cell.source)) continue;
    // Before any step, a cell of constants and helper functions (under a notebook's title) is its preamble. After one,
    // a section holding only functions and classes joins the step above, which runs nothing more for it (round 78
    // OPO: `## Custom Transformers` over a class became a step whose body was `pass`).
    if (!suggestions.some(isStep) && taken.size === 0 && holdsOnlyPreamble(workLines(cell.source))) continue;
    if ((suggestions.some(isStep) || taken.size > 0) && holdsOnlyPreamble(workLines(cell.source), true)) continue;
    const short = pending.name ?? distinct.get(pending.heading) ?? stepNameFromHeading(pending.heading);
    const name = pending.metrics && !hasMetrics ? METRICS_SUGGESTION : uniqueName(short ?? `step_${suggestions.filter(isStep).length + 1}`, taken);
    if (name === METRICS_SUGGESTION) hasMetrics = true;
    else taken.add(name);
    suggestions.push({
      cellIndex: cell.index,
      ...(cell.id === undefined ? {} : { cellId: cell.id }),
      name,
      heading: pending.heading,
      level: pending.level,
      headingCellIndex: pending.cellIndex,
      ...(pending.why === 'parameter' ? { readsParameter: true as const } : pending.why === 'data' ? { loadsData: true as const } : {}),
    });
    lastResults = pending.results;
    if (pending.results && name !== METRICS_SUGGESTION) resultsSteps.push(suggestions[suggestions.length - 1] as StepSuggestion);
    pending = undefined;
  }
  // A notebook with no heading at all (half the real notebooks of round 72 DED, refused): one step, `main`, from its
  // first cell doing more than the preamble's imports, settings, constants and helpers; the metrics below, as after
  // any step.
  const anyHeading = headingAfter(-1);
  if (!anyHeading && !suggestions.some(isStep) && taken.size === 0) {
    const first = notebook.cells.find((c) => c.kind === 'code' && (byIndex.get(c.index)?.roles.length ?? 0) === 0 && doesWork(c.source) && !holdsOnlyPreamble(workLines(c.source)));
    if (first !== undefined) {
      const name = uniqueName('main', taken);
      taken.add(name);
      suggestions.push({ cellIndex: first.index, ...(first.id === undefined ? {} : { cellId: first.id }), name, heading: '', level: 2, headingCellIndex: first.index, noHeading: true });
    }
  }
  // No metrics heading and no metrics cell: a last section headed `## Results`, `## Evaluation` or `## Summary`
  // after a step shows the notebook's results, as a metrics cell does.
  const steps = suggestions.filter(isStep);
  const last = steps[steps.length - 1];
  if (!hasMetrics && last !== undefined && steps.length + roles.steps.length > 1 && lastResults) {
    suggestions[suggestions.indexOf(last)] = { ...last, name: METRICS_SUGGESTION };
    hasMetrics = true;
  }
  // One followed by other sections (`## Evaluate`, then `## Save the model`: round 68 TTT, no metrics), when no
  // later cell reads a name its cells bind (a later step cannot read the metrics).
  const evaluated = [...resultsSteps].reverse().find((r) => r !== steps[0] && !boundNamesReadLater(notebook, r.cellIndex, suggestions));
  if (!hasMetrics && evaluated !== undefined && steps.length + roles.steps.length > 1) {
    suggestions[suggestions.indexOf(evaluated)] = { ...evaluated, name: METRICS_SUGGESTION };
    hasMetrics = true;
  }
  // Still none: the notebook's last code cell, below the last step's first cell, when it only prints or shows
  // values (`print(f"CV RMSLE: {np.mean(scores):.5f}")`) shows the results, as a metrics cell does (round 37 K:
  // it joined the submission step and the run recorded no metric).
  // (Not a cell left out after it, `skip` or Jupyter's `raises-exception`: round 70 XXX.)
  const lastCode = [...notebook.cells].reverse().find((c) => c.kind === 'code' && workLines(c.source).trim() !== '' && byIndex.get(c.index)?.roles.includes('skip') !== true);
  const lastRoles = lastCode === undefined ? undefined : byIndex.get(lastCode.index);
  const ownRole = lastRoles !== undefined && !impliedSkip(lastRoles) && (lastRoles.sources.length > 0 || lastRoles.roles.length > 0);
  // (Under no heading too, below a step the first cell reading a parameter started: round 69 VVV.) A constant's name
  // in capitals with an underscore is no score (`METRICS_OUT`, a path: round 77 MNM).
  const under = current ?? (last?.readsParameter === true || last?.noHeading === true || last?.loadsData === true ? { heading: '', level: 2 as const, cellIndex: last.cellIndex } : undefined);
  if (!hasMetrics && lastCode !== undefined && last !== undefined && under !== undefined && lastCode.index > last.cellIndex && !ownRole && holdsOnlyDisplays(workLines(lastCode.source)) && SCORE_WORD.test(workLines(lastCode.source).replace(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g, ''))) {
    suggestions.push({ cellIndex: lastCode.index, ...(lastCode.id === undefined ? {} : { cellId: lastCode.id }), name: METRICS_SUGGESTION, heading: under.heading, level: under.level, headingCellIndex: under.cellIndex, lastPrints: true });
  }
  return suggestions;
}

/**
 * Whether a cell's code loads data: a file (`pd.read_csv(...)`, `np.load(...)`, `open(...)` to read,
 * `Path(...).read_text()`, `joblib.load(...)`), a library's dataset (`load_iris()`), or through a `load(...)` helper.
 * Not `open("log.txt", "w")` (round 78 NON: a step `load_data` writing a log).
 */
function readsDataFile(source: string): boolean {
  const code = workLines(source).replace(/(?<![\w.])open\s*\([^()\n]*,\s*(?:mode\s*=\s*)?["'][^"']*[wax][^"']*["'][^()\n]*\)/g, '');
  return /(?:^|[^\w])(?:pd\.read_\w+|read_csv|np\.load(?:txt)?|open|load|load_\w+|joblib\.load|pickle\.load)\s*\(|\.read_(?:text|bytes)\s*\(/.test(code);
}

/**
 * Whether a code cell after the section starting at `first` (up to the next suggestion's cell) reads a name that
 * section's code cells assign at their top level (a word match outside strings).
 */
function boundNamesReadLater(notebook: Notebook, first: number, suggestions: readonly StepSuggestion[]): boolean {
  const next = Math.min(...suggestions.map((s) => s.cellIndex).filter((i) => i > first), notebook.cells.length);
  const code = (from: number, to: number): string[] => notebook.cells.filter((c) => c.kind === 'code' && c.index >= from && c.index < to).map((c) => blankedStrings(workLines(c.source)));
  const bound = new Set(code(first, next).flatMap((text) => [...text.matchAll(/^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=\n]*)?=(?!=)/gm)].flatMap((m) => (m[1] ?? '').split(',').map((n) => n.trim()))));
  if (bound.size === 0) return false;
  return code(next, notebook.cells.length).some((text) => [...text.matchAll(/(?<![\w.])[A-Za-z_]\w*/g)].some((m) => bound.has(m[0])));
}

/** Whether a suggestion is of a step (or the metrics), not of the parameters role. */
function isStep(suggestion: StepSuggestion): boolean {
  return suggestion.name !== PARAMETERS_SUGGESTION;
}

/** A cell left out by nbdev's rule only (no directive, no tag): a step may still be inferred there. */
export function impliedSkip(cell: CellRoles): boolean {
  return cell.sources.length === 0 && cell.roles.length === 1 && cell.roles[0] === 'skip';
}

/**
 * The code cells each suggested step takes: its first cell, and in an nbdev notebook (where every cell stands
 * alone) the cells below it under the same heading that nbdev's rule alone leaves out.
 */
export function suggestedStepCells(notebook: Notebook, roles: TagResult, suggestions: readonly StepSuggestion[]): Map<number, string> {
  const cells = new Map(suggestions.map((s) => [s.cellIndex, s.name]));
  if (!roles.conventions.includes('nbdev')) return cells;
  const byIndex = new Map(roles.cells.map((c) => [c.cellIndex, c]));
  let current: string | undefined;
  for (const cell of withTitleHeadings(notebook.cells)) {
    if (cell.kind === 'markdown' && markdownHeadings(cell.source).some((h) => h.level <= 3)) current = undefined;
    const suggested = cells.get(cell.index);
    if (suggested !== undefined) current = suggested === PARAMETERS_SUGGESTION ? undefined : suggested;
    else if (cell.kind === 'code' && current !== undefined) {
      const cellRoles = byIndex.get(cell.index);
      if (cellRoles !== undefined && impliedSkip(cellRoles)) cells.set(cell.index, current);
      else if (cellRoles !== undefined && cellRoles.roles.length > 0) current = undefined;
    }
  }
  return cells;
}

/**
 * For headings whose names ({@link stepNameFromHeading}) are one (`Use ColumnTransformer by selecting column by
 * names`, `... by data types`): each one's name with the words only it holds added (`use_columntransformer_names`,
 * `use_columntransformer_data_types`), by heading text; none for a heading with no word of its own (the same text
 * twice, numbered as before). Round 77 MNM, round 78 OPO: `effect_of_rescaling_2`, or a name of seven words.
 */
function distinctHeadingNames(headings: readonly string[]): Map<string, string> {
  const named = [...new Set(headings)].flatMap((heading) => {
    const name = stepNameFromHeading(heading);
    return name === undefined ? [] : [{ heading, name }];
  });
  // One name the start of another counts as the same (`train_model`, cut before `with elastic net`, and
  // `train_model_with_ridge`: round 78 NON), grouped under the shortest.
  const names = [...new Set(named.map((n) => n.name))].sort((a, b) => a.length - b.length);
  const byName = new Map<string, string[]>();
  for (const { heading, name } of named) {
    const key = names.find((n) => n === name || name.startsWith(`${n}_`)) ?? name;
    byName.set(key, [...(byName.get(key) ?? []), heading]);
  }
  const distinct = new Map<string, string>();
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    for (const heading of group) {
      const others = group.filter((g) => g !== heading).map((g) => new Set(headingWords(g)));
      const own = [...new Set(headingWords(heading))].filter((w) => others.every((o) => !o.has(w)) && !name.split('_').includes(w) && !TRAILING_FILLERS.has(w));
      const longer = own.length === 0 ? undefined : suggestIdentifier(`${name}_${own.slice(0, DIFFERING_WORDS).join('_')}`);
      if (longer !== undefined && stepNameIssue(longer) === undefined) distinct.set(heading, longer);
    }
  }
  return distinct;
}

/**
 * A heading's words as a name takes them: without its section number (unless that is all it holds), accents,
 * possessives and articles; lower case.
 */
function headingWords(text: string): string[] {
  // A possessive or a contraction is one word (`the model's input` is `model_input`, round 69 VVV: `model_s`).
  // A heading that is its section's number alone (`Question 1`, `Part 2.`) is named by it (`question_1`), not by its
  // place among the steps (round 75 IJI: `Question 1` was `step_2`).
  const numbered = plainHeading(text);
  const rest = numbered.replace(SECTION_NUMBER, '');
  const plain = (/\p{L}/u.test(rest) || !/^\p{L}/u.test(numbered) ? rest : numbered).replace(/(\p{L})['’]s\b/gu, '$1').replace(/(\p{L})['’](\p{L})/gu, '$1$2');
  const words = withoutAccents(plain)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const meaningful = words.filter((w) => !ARTICLES.has(w));
  return meaningful.length > 0 ? meaningful : words;
}

/** A step name for a heading's text, or undefined when nothing usable is left. Always passes {@link stepNameIssue}. */
export function stepNameFromHeading(text: string): string | undefined {
  const words = headingWords(text);
  let kept = words.slice(0, MAX_WORDS);
  // Cut short, the name ends before a phrase it cut (`evaluate_models`, not `evaluate_models_with_cross`), and
  // never on a word that leads on to the words cut (`load_raw_data_from`).
  const phrase = words.length > MAX_WORDS ? Math.max(...kept.map((w, i) => (TRAILING_FILLERS.has(w) && !CONJUNCTIONS.has(w) ? i : -1))) : -1;
  if (phrase >= 1) kept = kept.slice(0, phrase);
  while (kept.length > 1 && TRAILING_FILLERS.has(kept[kept.length - 1] ?? '')) kept.pop();
  const suggested = suggestIdentifier(kept.join('_'));
  const name = suggested !== undefined && suggested.length > MAX_NAME_LENGTH ? suggested.slice(0, MAX_NAME_LENGTH).replace(/_+$/, '') : suggested;
  if (name === undefined) return undefined;
  if (stepNameIssue(name) === undefined) return name;
  // A reserved word (`## Metrics` where the notebook has its metrics cell already): `metrics_step`.
  return stepNameIssue(`${name}_step`) === undefined && `${name}_step`.length <= MAX_NAME_LENGTH ? `${name}_step` : undefined;
}

/**
 * The ATX (`## Title`) and setext (`Title` over `===` or `---`) headings of a markdown text, in order.
 * Lines inside fenced code blocks are not headings.
 */
export function markdownHeadings(markdown: string): Heading[] {
  const headings: Heading[] = [];
  const lines = markdown.split(/\r\n|\n|\r/);
  let fence: string | undefined;
  let previous: string | undefined; // the paragraph line before this one, a setext candidate
  for (const line of lines) {
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && line.trim() === fenceMark) fence = undefined;
      continue;
    }
    if (fenceMark !== undefined) {
      fence = fenceMark;
      previous = undefined;
      continue;
    }
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx !== null) {
      headings.push({ level: atx[1]?.length ?? 1, text: (atx[2] ?? '').trim() });
      previous = undefined;
      continue;
    }
    const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
    if (setext !== null && previous !== undefined) {
      headings.push({ level: setext[1]?.startsWith('=') === true ? 1 : 2, text: previous.trim() });
      previous = undefined;
      continue;
    }
    previous = line.trim() === '' || /^ {4}|^\t|^ {0,3}([-*+]|\d+[.)])[ \t]|^ {0,3}>/.test(line) ? undefined : line;
  }
  return headings;
}

/**
 * A leading section number: `1.`, `2)`, `1.2`, `3 -`, `Step 3:`, `Part 2 –`, a course's `Exercise 1:`, `Task 2b.`
 * (round 60 FFF: `exercise_1_split_and`). A bare number (`2020 sales`) stays.
 */
const SECTION_NUMBER = /^(?:(?:(?:step|part|section|exercise|task|question|problem|lab|assignment)\s+\d+(?:\.\d+)*[a-z]?|q\d+[a-z]?)\s*(?:\([^)]*\)\s*)?[.):\-–—]?|\d+(?:\.\d+)+[.):\-–—]?|\d+\s*[.):\-–—])\s*/i;

/** The text of a heading without inline markdown: links and images keep their text, code its content, emphasis and HTML go. */
function plainHeading(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(?<![\w\\])(\*\*|__|\*|_|~~)(\S(?:.*?\S)?)\1(?!\w)/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True for code that does something: not only imports, comments, magics and blank lines. */
function doesWork(source: string): boolean {
  const code = workLines(source);
  return code.trim() !== '' && !holdsOnlyImports(code);
}

/** A cell's code without comment, magic, shell and session-setting lines. */
function workLines(source: string): string {
  return source
    .split(/\r\n|\n|\r/)
    .filter((line) => !/^\s*(#|%|!|$)/.test(line) && !SETTING.test(line))
    .join('\n');
}

/** A line that only sets how the session behaves (display options, warnings, plot style, seeds, sys.path). */
const SETTING =
  /^(?:(?:pd|pandas)\.(?:set_option|options\.[\w.]+\s*=)|warnings\.(?:filterwarnings|simplefilter)|(?:plt|mpl|matplotlib)\.(?:use\(|style\.use|rc\(|rcParams)|sns\.(?:set|set_theme|set_style|set_context|set_palette)|(?:np|numpy)\.(?:set_printoptions|seterr)|(?:np\.|numpy\.|tf\.)?random\.(?:seed|set_seed)|torch\.manual_seed|(?:sklearn\.)?set_config\(|logging\.basicConfig|tqdm\.pandas\(|InteractiveShell\.|sys\.path\.(?:append|insert)|os\.environ\[)/;

function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}_${n}`)) return `${name}_${n}`;
}
