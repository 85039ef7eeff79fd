/**
 * The metric values a notebook's saved outputs show, so the generated test can check that the pipeline
 * reproduces them. Shown values are often rounded (`print(f"{acc:.4f}")`): each comes with the number of
 * decimals it was shown with, and the test compares within half a unit of the last decimal.
 */
import type { NotebookCell } from '../contract/notebook';
import type { StepGraph } from '../contract/stepGraph';
import { sourceLines } from './python/lexical';
import { parsePythonLiteral } from './literal';
import { blankedQuotes, codeOffsets } from './python/literalRanges';

export interface ExpectedMetric {
  readonly value: number;
  /** Decimals shown when the value was rounded for display; undefined when shown at full precision. */
  readonly decimals?: number;
  /** Shown cut to a whole number (`"%d" % rmse` prints 25434 for 25434.87): `value` is the whole part, `decimals` 0. */
  readonly truncated?: true;
}

export interface MetricsCellInfo {
  readonly cell: NotebookCell;
  /** Names the cell assigns at top level (the metric candidates). */
  readonly assigned: readonly string[];
  /** The trailing expression's text when the cell ends with one (its value is shown). */
  readonly trailingText?: string;
  /** Top-level `print(<name>)` calls with a single bare name, in order. */
  readonly printedNames: readonly string[];
  /** Names some print shows rounded (`print(round(rmse, 2))`, `print(acc, round(f1, 3))`): the decimals kept. */
  readonly roundedPrints?: ReadonlyMap<string, number>;
  /**
   * Every print call of the cell, in order, as the names it prints when all its arguments are bare names
   * (`print(acc, f1)` -> [acc, f1]), else an empty list.
   */
  readonly printCalls?: readonly (readonly string[])[];
  /**
   * By print call of `printCalls`: whether it is a statement of the cell's own (printed once), not one in a loop,
   * a block or a function (printed any number of times).
   */
  readonly printCallsTopLevel?: readonly boolean[];
  /**
   * By print call of `printCalls`: whether it surely prints one line (labels, names, templates, roundings: see
   * {@link printsOneLine}); a report or a matrix (`print(classification_report(y, p))`) prints several, and the
   * prints around it pair with the lines before and after them.
   */
  readonly printCallsOneLine?: readonly boolean[];
  /**
   * The cell's source as written, when `cell.source` prints the values the graph named by their names
   * (`print("r2:", helper(r2))` as `print("r2:", r2_shown)`): its labels of computed values are no names' values.
   */
  readonly writtenSource?: string;
  /**
   * The cell's `display(<one value>)` statements (top level, or in a `with`/`if`/`try` block), in order: the
   * value's text, the 1-based line and, for a bare name, the name (the cell facts' `displayed`).
   */
  readonly displayed?: readonly { readonly text: string; readonly line: number; readonly name?: string }[];
  /**
   * The notebook sets the digits its shown numbers have (`%precision 3`, `np.set_printoptions(precision=3)`): what
   * a cell shows last is rounded to the digits shown, not a repr read back as the value (round 58 AAA).
   */
  readonly shownRounded?: true;
}

/**
 * Reads metric values from the saved outputs of the metrics cells. Names follow the runtime's: an assigned
 * number keeps its name; a shown dict `d` gives `d.key` when the expression is the name `d`, else `key`.
 */
export function expectedMetricsFromOutputs(cells: readonly MetricsCellInfo[], taken: readonly string[] = [], clashes: DisplayClash[] = []): Map<string, ExpectedMetric> {
  // Names of other letters than ASCII's (`dokładność`), which the run records as it records any other (round 57
  // YY: the saved outputs never gave them, and `metrics-none` said no number had a name): read under an ASCII
  // stand-in, in the code and in what it printed alike, and given back their names.
  // (Words of the cell's strings too: an f-string's fields are names, its labels are read as its output shows them.)
  const words = [...new Set(cells.flatMap((c) => [...sourceText(c.cell.source).matchAll(/[\p{L}_][\p{L}\p{N}_]*/gu)].map((m) => m[0]).filter((w) => /[^\p{ASCII}]/u.test(w))))];
  if (words.length === 0) return expectedMetricsOfAscii(cells, taken, clashes);
  const stand = new Map(words.map((w, i) => [w, `nbpromote_name_${i}`]));
  const back = new Map([...stand].map(([w, s]) => [s, w]));
  const to = (text: string): string => text.replace(/[\p{L}_][\p{L}\p{N}_]*/gu, (w) => stand.get(w) ?? w);
  const from = (text: string): string => text.replace(/nbpromote_name_\d+/g, (s) => back.get(s) ?? s);
  const asciiClashes: DisplayClash[] = [];
  const found = expectedMetricsOfAscii(withStrings(cells, to), taken.map(to), asciiClashes);
  clashes.push(...asciiClashes.map((c) => withStrings(c, from)));
  return new Map([...found].map(([name, metric]) => [from(name), metric]));
}

/** `value` with every string in it, in arrays, objects, maps and sets too, made `change(string)`. */
function withStrings<T>(value: T, change: (text: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return change(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [walk(k), walk(x)]));
    if (v instanceof Set) return new Set([...v].map(walk));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function expectedMetricsOfAscii(cells: readonly MetricsCellInfo[], taken: readonly string[], clashes: DisplayClash[]): Map<string, ExpectedMetric> {
  const found = new Map<string, ExpectedMetric>();
  // Names a displayed table gave, and which display: a later display's value replaces it, as in the run.
  const displayedKeys = new Map<string, { cell: NotebookCell; line: number | undefined; what: string }>();
  const shown = shownNamesOfCells(cells.map((c) => c.trailingText), taken);
  for (const [at, info] of cells.entries()) {
    // A cell that failed when it was saved shows values from a run that did not finish: none is expected.
    if (savedError(info.cell) !== undefined) continue;
    const last = info === cells[cells.length - 1];
    // A metrics cell shows what it assigns, and often what earlier steps computed: printed bare
    // (`print("auc", auc)`), interpolated (`print(f"auc={auc:.4f}")`) or as its trailing expression.
    const source = sourceText(info.cell.source);
    const labels = printedLabels(source);
    // The display outputs in the order of the cell's top-level `display(...)` calls, when there are as many
    // (else without the figures matplotlib shows at the end of the cell): each by the name displayed, or
    // DISPLAYED_EXPRESSION.
    const calls = info.displayed ?? [];
    const allDisplays = (info.cell.outputs ?? []).filter((o) => isRecord(o) && o['output_type'] === 'display_data');
    const tableDisplays = allDisplays.filter((o) => !isFigure(o as Record<string, unknown>));
    const paired = calls.length === allDisplays.length ? allDisplays : calls.length === tableDisplays.length ? tableDisplays : [];
    const displayedBy = new Map<unknown, (typeof calls)[number] | undefined>(paired.map((o, i) => [o, calls[i]]));
    const names = new Set([...info.assigned, ...info.printedNames, ...interpolatedNames(source), ...labels.values(), ...bareNames(info.trailingText)]);
    // A name a later metrics cell assigns again ends the run with that cell's value: this cell's is not it.
    const before = new Set(found.keys());
    const assignedLater = new Set(cells.slice(at + 1).flatMap((c) => c.assigned));
    for (const output of streamsJoined(info.cell.outputs ?? [])) {
      if (!isRecord(output)) continue;
      const type = output['output_type'];
      if (type === 'stream' && output['name'] === 'stdout') readStream(withoutTimings(textOf(output['text']), source), info, names, labels, found, taken);
      if (type === 'display_data' && displayedBy.has(output)) {
        // Only what the run reads too: an expression, or a name the metrics cells compute or read besides displaying it.
        const call = displayedBy.get(output);
        if (call === undefined || !isRecord(output['data']) || (taken.length > 0 && call.name !== undefined && !taken.includes(call.name))) continue;
        for (const [key, metric] of readDisplayed(output['data'], call.name ?? DISPLAYED_EXPRESSION)) {
          const earlier = displayedKeys.get(key);
          // What the cells assign or print wins over a table; a later table over an earlier one.
          if (found.has(key) && earlier === undefined) continue;
          if (earlier !== undefined && found.get(key)?.value !== metric.value) clashes.push({ name: key, first: earlier, second: { cell: info.cell, line: call.line, what: call.text } });
          found.set(key, metric);
          displayedKeys.set(key, { cell: info.cell, line: call.line, what: call.text });
        }
      }
      if (type !== 'execute_result' || !isRecord(output['data'])) continue;
      const table = tableMetrics(textOf(output['data']['text/html']));
      if (table === undefined) readShown(textOf(output['data']['text/plain']), info, found, last, shown[at]);
      else for (const [name, metric] of table) if (!found.has(name)) found.set(name, metric);
    }
    for (const name of assignedLater) if (!before.has(name)) found.delete(name);
  }
  return found;
}

/**
 * The names the saved outputs of `cells` show numbers under, whether or not they are metrics of the run: the keys
 * of a printed or shown dict (`{"acc": 0.93}`), and the labels of `label: 0.93`, `label=0.93` and `label: 93.00%`;
 * in the order shown, once each. For `metrics-none`: those numbers do have names.
 */
export function namesShownWithNumbers(cells: readonly MetricsCellInfo[]): string[] {
  const names = new Set<string>();
  for (const { cell } of cells) {
    for (const output of streamsJoined(cell.outputs ?? [])) {
      if (!isRecord(output)) continue;
      const data = output['data'];
      const text = output['output_type'] === 'stream' ? textOf(output['text']) : output['output_type'] === 'execute_result' && isRecord(data) ? textOf(data['text/plain']) : '';
      for (const line of printedLines(text)) {
        const dict = printedDict(line.trim());
        if (dict !== undefined) {
          for (const [key] of dictNumbers(dict.text, dict.value)) names.add(key);
          continue;
        }
        for (const m of line.matchAll(LABELLED_VALUE)) {
          // `rows: 12,345` too: a number in groups is a number shown under a name.
          const printed = (m[2] ?? '').replace(/[,;]$/, '');
          const token = ungrouped(printed) ?? printed;
          if (numberToken(token) !== undefined || percentToken(token) !== undefined) names.add(m[1] ?? '');
        }
      }
    }
  }
  return [...names];
}

/**
 * The names of the cells whose saved prints show them as not a number (`f1: nan`, `print(f"{loss=}")` giving
 * `loss=inf`): no value a test can compare (round 49 FF: a NaN metric went unchecked, with nothing said).
 */
export function namesShownNotANumber(cells: readonly MetricsCellInfo[]): string[] {
  const found = new Set<string>();
  for (const info of cells) {
    const source = sourceText(info.cell.source);
    const names = new Set([...info.assigned, ...info.printedNames, ...interpolatedNames(source), ...printedLabels(source).values()]);
    const templates = printTemplates(source);
    for (const output of streamsJoined(info.cell.outputs ?? [])) {
      if (!isRecord(output) || output['output_type'] !== 'stream') continue;
      for (const line of printedLines(textOf(output['text'])).map((l) => l.replace(NUMPY_SCALAR, '$1').trim())) {
        for (const template of templates) {
          const m = template.pattern.exec(line);
          template.names.forEach((name, i) => {
            if (m !== null && name !== undefined && NOT_A_NUMBER.test(m[i + 1] ?? '')) found.add(name);
          });
        }
        for (const m of line.matchAll(LABELLED_VALUE)) if (names.has(m[1] ?? '') && NOT_A_NUMBER.test((m[2] ?? '').replace(/[,;]$/, ''))) found.add(m[1] ?? '');
      }
    }
  }
  return [...found];
}

const NOT_A_NUMBER = /^[-+]?(?:nan|inf|infinity)$/i;

/** A value printed under a label, `label: value` or `label=value`: the label, then the value's text. */
const LABELLED_VALUE = /([A-Za-z_][\w.]*)\s*[:=]\s*(\S+)/g;

/**
 * A cell's outputs with each run of stream outputs (stdout and stderr, nothing else between them) made one stdout
 * output of their stdout texts, joined, as the cell printed them: a print that a flush or a warning on stderr cut
 * in two (`"total: 62.89"`, a warning, `"9647089633554\n"`) is one line again. Its text is what Jupyter shows
 * (`shownStreamText`). The other outputs stay as they are, in their order.
 */
export function streamsJoined(outputs: readonly unknown[]): unknown[] {
  const joined: unknown[] = [];
  let texts: string[] = [];
  const flush = (): void => {
    if (texts.length > 0) joined.push({ output_type: 'stream', name: 'stdout', text: shownStreamText(texts.join('')) });
    texts = [];
  };
  for (const output of outputs) {
    if (isRecord(output) && output['output_type'] === 'stream') {
      if (output['name'] === 'stdout') texts.push(textOf(output['text']));
      continue;
    }
    flush();
    joined.push(output);
  }
  flush();
  return joined;
}

/**
 * The stream text without the lines `%%time` and `%time` print (`CPU times: ...`, `Wall time: ...`) when the cell
 * times itself so: they are no prints of the cell's, and a print paired with its line by order would read past them.
 */
function withoutTimings(text: string, source: string): string {
  if (!/^\s*%%?time\b/m.test(source)) return text;
  return text
    .split('\n')
    .filter((line) => !/^(?:CPU times: user .*|Wall time: .*)$/.test(line))
    .join('\n');
}

/**
 * Whether a print of these arguments prints a line with nothing on it (`print()`, `print("")`, `print("\n")`): the
 * reader skips blank lines, so such a print pairs with no line.
 */
export function printsBlankLine(args: string): boolean {
  return BLANK_ARGUMENTS.test(args);
}

/** What a print of a blank line is given: nothing, or a string of spaces and line breaks. */
const BLANK_TEXT = String.raw`(?:[rRuU]?(?:'(?:\s|\\[nt])*'|"(?:\s|\\[nt])*"))?`;
const BLANK_ARGUMENTS = new RegExp(String.raw`^\s*${BLANK_TEXT}\s*$`);
/** Prints of a blank line in a cell's source, wherever they stand. */
const BLANK_PRINTS = new RegExp(String.raw`(?<![\w.])print\(\s*${BLANK_TEXT}\s*\)`, 'g');

/** Whether a source line is a print statement of a blank line (`print()`): it pairs with no output line. */
function blankPrintStatement(line: string): boolean {
  return printsBlankLine(/^print\((.*)\)\s*;?\s*(?:#.*)?$/.exec(line)?.[1] ?? 'x');
}

/**
 * Stream text as Jupyter shows it: a backspace takes back the character before it, and what follows a carriage
 * return on a line writes over the line from its start (`"mean: 5\rmean: -0.0736"` shows `mean: -0.0736`; the
 * end of a longer text written over stays, as in a terminal). `\r\n` is a line break.
 */
export function shownStreamText(text: string): string {
  let out = text;
  for (let before = ''; before !== out; ) {
    before = out;
    // eslint-disable-next-line no-control-regex -- a backspace is what is looked for
    out = out.replace(/[^\n]\x08/g, '');
  }
  if (!out.includes('\r')) return out;
  return out
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => line.split(/\r+/).reduce((shown, over) => over + shown.slice(over.length)))
    .join('\n');
}

/**
 * A pandas object the cell displayed by name (`display(results)`): a table of several rows by `<row>.<column>`,
 * a one-row frame by its columns, a Series by its entries, as the runtime's `displayed_metrics` reads them.
 */
function readDisplayed(data: Record<string, unknown>, name: string): Map<string, ExpectedMetric> {
  const found = new Map<string, ExpectedMetric>();
  const table = tableMetrics(textOf(data['text/html']));
  if (table !== undefined) return table;
  const plain = textOf(data['text/plain']).trim();
  // A dict displayed by its name: `scores.<key>`, as the run flattens the dict the cell reads (a dict an
  // expression makes is no metric: the run reads pandas objects only).
  const literal = plain.startsWith('{') && name !== DISPLAYED_EXPRESSION ? parsePythonLiteral(plainRepr(plain)) : undefined;
  if (literal?.ok === true && isRecord(literal.value)) {
    for (const [key, metric] of dictNumbers(plainRepr(plain), literal.value)) {
      if (!found.has(`${name}.${key}`)) found.set(`${name}.${key}`, printedExactly(metric));
    }
    return found;
  }
  // One number displayed by its name (`display(mae)`): that name's value, as the run records it by its name
  // (round 48 CC: never read, though the README says displayed values are metrics).
  const number = name === DISPLAYED_EXPRESSION ? undefined : numberToken(plainRepr(plain));
  if (number !== undefined) return new Map([[name, printedExactly(number)]]);
  const lines = plain.split('\n');
  const series = /^(?:Name: .*, )?dtype: \w+$/.test((lines[lines.length - 1] ?? '').trim());
  const oneRow = lines.length === 2 && textOf(data['text/html']).includes('class="dataframe"');
  if (!series && !oneRow) return found;
  const info: MetricsCellInfo = { cell: { index: -1, kind: 'code', source: name, tags: [], metadata: {} }, assigned: [], printedNames: [], trailingText: name };
  readShown(plain, info, found, false, undefined);
  return found;
}

function readStream(text: string, info: MetricsCellInfo, names: ReadonlySet<string>, labels: ReadonlyMap<string, string>, found: Map<string, ExpectedMetric>, taken: readonly string[]): void {
  // A name several lines print (`{lo:.4f}` in one, `print("lo:", lo)` in the next) gets the most precise value
  // shown (setMorePrecise), whichever line shows it.
  // NumPy 2 writes a scalar's repr as `np.float64(0.97)` (`{acc=}`, `repr(acc)`, a float32's str): the number inside.
  const lines = printedLines(text).map((line) => line.replace(NUMPY_SCALAR, '$1'));
  // (As written: round 70 XXX, `print("r2:", helper(r2))` gave r2, a name of the cell, the printed value.)
  const computedLabels = labelsOfComputedValues(sourceText(info.writtenSource ?? info.cell.source));
  // print({"mae": round(mae, 4), "rmse": rmse}) prints "{'mae': 2.1935, 'rmse': 2.651}": a key that names one
  // of the cell's metrics gets the number printed for it.
  // `print(scores)` of a dict prints it the same way, and `print(json.dumps(scores))` as JSON (over several lines
  // with `indent`): each number is the run's `scores.<key>` (the run flattens the dict the cell reads), when the
  // prints and the lines pair up one to one and the run has `scores`.
  const calls = info.printCalls ?? [];
  const paired = pairedCalls(lines, calls, info.printCallsTopLevel, info.printCallsOneLine);
  lines.forEach((line, i) => {
    const dict = printedDict(line.trim());
    if (dict === undefined) return;
    const call = paired[i];
    const printed = call?.length === 1 && (taken.length === 0 || taken.includes(call[0] ?? '')) ? call[0] : undefined;
    for (const [key, metric] of dictNumbers(dict.text, dict.value)) {
      const name = names.has(key) ? key : labels.get(key);
      if (name !== undefined) setMorePrecise(found, name, metric);
      if (printed !== undefined) setMorePrecise(found, `${printed}.${key}`, metric);
    }
  });
  // print(f"ridge r2 {ridge_r2:.3f} | cv mae {cv_mae:.2f}"): the line the template prints gives each bare
  // name its value, whatever the words around it.
  const source = sourceText(info.cell.source);
  const templates = printTemplates(source);
  // Every print the cell's own statement, one line each: a template reads its own print's line (round 47 AA:
  // `print(acc)` then `print(f"{loss}")` read acc's line as loss). Else a template without words reads a line
  // only when no other line fits it.
  // (Not when a print ends its line otherwise, `end=" | "`, or prints a line break: round 48 CC.)
  const printLines = source.split('\n').filter((l) => l.startsWith('print(') && !blankPrintStatement(l));
  const ownLines = calls.length === lines.length && (info.printCallsTopLevel ?? calls.map(() => true)).every((top) => top) && printLines.length === lines.length && !printLines.some((l) => /\bend\s*=|\\n/.test(l));
  // Not paired so: a template without words reads a line only when it is the cell's one print (round 48 CC: a
  // `display(...)` between two prints parts their lines, and the second read the first's), and no template reads
  // lines showing other values (a loop printing under the same label: round 48 CC).
  const prints = (source.match(/(?<![\w.])print\(/g) ?? []).length - (source.match(BLANK_PRINTS) ?? []).length;
  const unsure = (template: PrintTemplate): boolean => {
    if (template.bare === true) return prints > 1 || lines.filter((l) => template.pattern.test(l.trim())).length > 1;
    const matched = lines.map((l) => template.pattern.exec(l.trim())).filter((m) => m !== null);
    return matched.length > 1 && template.names.some((_, i) => !sameNumberShown(matched.map((m) => m[i + 1] ?? '')));
  };
  const skipped = new Set(ownLines ? [] : templates.filter(unsure));
  for (const [at, line] of lines.entries()) {
    for (const template of templates) {
      if (ownLines ? template.order !== at : skipped.has(template)) continue;
      const m = template.pattern.exec(line.trim());
      if (m === null) continue;
      template.names.forEach((name, i) => {
        // `print("scores", scores)` and `print("scores", scores.mean())` print lines alike: neither is read.
        const printed = (m[i + 1] ?? '').replace(/[,;]$/, '');
        const token = template.grouped?.[i] === true ? (ungrouped(printed) ?? printed) : printed;
        // A label some print shows a computed value under reads nothing when other prints' lines look alike
        // (`print("scores", scores.mean())`); the line of its own (`print(f"silhouette: {silhouette:.4f}")` after
        // a loop printing `k=5: silhouette=0.6545`) is read.
        const read = name === undefined || (computedLabels.has(name.toLowerCase()) && templateAmbiguous(template, source, lines)) ? undefined : template.percent?.[i] === true ? percentToken(token) : numberToken(token);
        const whole = read !== undefined && read.decimals === undefined ? template.whole?.[i] : undefined;
        const metric = read !== undefined && whole === 'rounded' ? { ...read, decimals: 0 } : read !== undefined && whole === 'cut' ? { ...read, decimals: 0, truncated: true as const } : read !== undefined && template.exact?.[i] === true ? printedAs(read, template.digits?.[i]) : read !== undefined && template.percent?.[i] !== true ? roundedTo(read, template.digits?.[i]) : read;
        if (name !== undefined && metric !== undefined) setMorePrecise(found, name, metric);
      });
    }
  }
  // `print(acc)` or `print(round(acc, 3))` among prints of other kinds: the line it prints, when the prints and
  // the lines pair up, is acc's value.
  lines.forEach((line, i) => {
    const call = paired[i];
    const name = call?.length === 1 ? call[0] : undefined;
    const read = name === undefined ? undefined : numberToken(line.trim());
    if (name !== undefined && read !== undefined) setMorePrecise(found, name, printedAs(read, info.roundedPrints?.get(name)));
  });
  // print(rmse); print(mae): one bare number per line, in the order of the prints.
  // Only when the cell's prints are those (round 48 CC: a display between prints parts their lines, and the last
  // part, one line, was read as the one name printed).
  if (info.printedNames.length > 0 && lines.length === info.printedNames.length && (calls.length === 0 || calls.length === lines.length) && lines.every((l) => numberToken(l.trim()) !== undefined)) {
    lines.forEach((l, i) => {
      const name = info.printedNames[i];
      const read = numberToken(l.trim());
      if (name !== undefined && read !== undefined) setMorePrecise(found, name, printedAs(read, info.roundedPrints?.get(name)));
    });
    return;
  }
  // print(acc, f1, best): one line per print, its values separated by spaces, in the order of the names.
  if (calls.length > 0 && lines.length === calls.length && calls.every((names, i) => names.length > 1 && (lines[i] ?? '').trim().split(/\s+/).length === names.length)) {
    calls.forEach((callNames, i) => {
      const tokens = (lines[i] ?? '').trim().split(/\s+/);
      callNames.forEach((name, j) => {
        const read = numberToken(tokens[j] ?? '');
        if (read !== undefined) setMorePrecise(found, name, printedAs(read, info.roundedPrints?.get(name)));
      });
    });
    return;
  }
  // `for model, score in results.items(): print(f"{model}: {score:.4f}")` prints "logreg: 0.9778", which is
  // the run's metric `results.logreg` (a dict of numbers is flattened so): a line that is only a key and a
  // number, when the cell loops over one dict's items and the key is no other name.
  // The loop must print its key and its value as they are (`{score}`, `{score:.4f}`): a value computed from
  // them (`{model.score(X, y)}`) is no number of the dict's.
  const loops = [...source.matchAll(/^for\s+([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s+in\s+([A-Za-z_]\w*)\.items\(\)\s*:/gm)];
  const loop = loops.length === 1 ? loops[0] : undefined;
  // `{round(score, 3)}` prints it too, to 3 decimals (round 43).
  const roundedItem = loop === undefined ? undefined : new RegExp(`\\{\\s*(round\\(\\s*${loop[2]}\\s*(?:,\\s*-?\\d+\\s*)?\\))\\s*(?::[^{}!%]*)?\\}`).exec(source)?.[1];
  const printsItems = loop !== undefined && new RegExp(`\\{${loop[1]}(?:!r|!s)?\\}`).test(source) && (roundedItem !== undefined || new RegExp(`\\{${loop[2]}(?:[:!][^}]*)?\\}`).test(source));
  const itemDigits = roundedItem === undefined ? undefined : roundedNumber(roundedItem)?.digits;
  const itemsOf = printsItems ? loop?.[3] : undefined;
  // `{score:.2%}` prints "97.78%": the fraction, as a single print's percentage is read.
  const itemsInPercent = printsItems && new RegExp(`\\{${loop?.[2] ?? ''}:[^}!]*%\\}`).test(source);
  // `print("rows:", f"{n:,}")`, `print("rows: {:,}".format(n))` print "rows: 12,345": a number in groups, when the
  // cell formats some value so.
  const groups = formatsGrouped(source);
  // "accuracy=0.7640 f1: 0.68" and "accuracy 0.7640"
  const labelled = (line: string): [string, string][] => {
    // The last word of a label of several (`balanced accuracy: 0.95`) is no label of its own (round 57 YY: it was
    // `accuracy`'s, and the more precise number of the two lines was expected for acc): a label starts its line
    // or follows the value before it.
    let end = 0;
    const pairs = [...line.matchAll(LABELLED_VALUE)].flatMap((m): [string, string][] => {
      const before = line.slice(end, m.index);
      end = (m.index ?? 0) + m[0].length;
      return /[A-Za-z]\s+$/.test(before) ? [] : [[m[1] ?? '', m[2] ?? '']];
    });
    const pair = /^\s*([A-Za-z_][\w.]*)\s+(\S+)\s*$/.exec(line);
    return pair === null ? pairs : [...pairs, [pair[1] ?? '', pair[2] ?? '']];
  };
  // A label the lines show other numbers under (`for score in scores: print("score:", score)`): no one of them is
  // the metric's, and the run keeps none (round 47 AA: the first was expected).
  const shownUnder = new Map<string, string[]>();
  for (const line of lines) for (const [label, token] of labelled(line)) shownUnder.set(label, [...(shownUnder.get(label) ?? []), token]);
  for (const line of lines) {
    for (const [label, token] of labelled(line)) if (sameNumberShown(shownUnder.get(label) ?? [])) set(label, token);
    const item = itemsOf === undefined ? null : /^\s*([A-Za-z_]\w*)\s*[:=]\s*(\S+)\s*$/.exec(line);
    if (item !== null && item[1] !== undefined && resolve(item[1]) === undefined) set(`${itemsOf}.${item[1]}`, item[2], true, itemsInPercent, itemDigits);
  }
  function resolve(label: string): string | undefined {
    return names.has(label) ? label : (labels.get(label) ?? sameIgnoringCase(label, names));
  }
  function set(label: string | undefined, token: string | undefined, asIs = false, percent = false, digits?: number): void {
    // `print("acc", round(acc * 100, 1))`: the number after the label is not the value of `acc`.
    if (label !== undefined && !asIs && computedLabels.has(label.toLowerCase())) return;
    const name = label === undefined ? undefined : asIs ? label : resolve(label);
    if (name === undefined || token === undefined) return;
    const printed = token.replace(/[,;]$/, '');
    const metric = (percent ? percentToken : numberToken)(groups ? (ungrouped(printed) ?? printed) : printed);
    if (metric !== undefined) setMorePrecise(found, name, roundedTo(metric, digits));
  }
}

/**
 * The numbers `tokens` show are one number, each to the decimals it shows (`0.8123` and `0.81`), or none is a
 * number; not when they show others (a loop printing `score: 0.91`, `score: 0.875`).
 */
function sameNumberShown(tokens: readonly string[]): boolean {
  const shown = tokens.map((t) => numberToken(t.replace(/[,;]$/, ''))).filter((m) => m !== undefined);
  const decimals = Math.max(0, Math.min(17, ...shown.map((m) => m.decimals ?? 17)));
  return new Set(shown.map((m) => m.value.toFixed(decimals))).size <= 1;
}

/**
 * The print call that printed each of `count` lines, when known: all of them when there are as many prints as
 * lines; else, when the prints in a loop or a block print the lines between (`print(json.dumps(summary,
 * indent=2))`, then `for cls in classes: print(...)`), the cell's own prints before the first of those pair with
 * the first lines and those after the last with the last lines, one line each. Undefined for a line of no known print.
 */
function pairedCalls(printed: readonly string[], calls: readonly (readonly string[])[], topLevel: readonly boolean[] | undefined, oneLine: readonly boolean[] | undefined): (readonly string[] | undefined)[] {
  const count = printed.length;
  const sure = calls.map((_, i) => topLevel?.[i] !== false && oneLine?.[i] !== false);
  // As many lines as prints, each a statement of the cell's own: one that may print several lines (an item,
  // `print(scores["acc"])`, a number or a Series) printed one when its line is a number.
  if (calls.length === count && sure.every((s, i) => s || (topLevel?.[i] !== false && numberToken(printed[i]?.trim() ?? '') !== undefined))) return [...calls];
  const lines: (readonly string[] | undefined)[] = new Array<readonly string[] | undefined>(count).fill(undefined);
  if (topLevel === undefined || topLevel.length !== calls.length) return lines;
  // The prints before the first that may print any number of lines (one in a loop, a report), and those after
  // the last, pair with the first and the last lines.
  // (One that may print several lines and printed a number where it stands counts as one: round 67 RRR, a
  // `print(best["n"])` above a `print(frame["acc"])` of a Series.)
  const number = (at: number): boolean => numberToken(printed[at]?.trim() ?? '') !== undefined;
  let first = 0;
  while (first < calls.length && first < count && (sure[first] === true || (topLevel[first] !== false && number(first)))) first++;
  if (first === calls.length) return lines;
  let after = 0;
  while (after < calls.length - first - 1 && after < count && (sure[calls.length - 1 - after] === true || (topLevel[calls.length - 1 - after] !== false && number(count - 1 - after)))) after++;
  if (first + after > count) return lines;
  calls.slice(0, first).forEach((call, i) => (lines[i] = call));
  calls.slice(calls.length - after).forEach((call, i) => (lines[count - after + i] = call));
  // A print of one name whose line is no number or dict (it printed a table): the lines are not the ones counted.
  const fits = lines.every((call, i) => call?.length !== 1 || numberToken(printed[i]?.trim() ?? '') !== undefined || /^\{/.test(printed[i]?.trim() ?? ''));
  return fits ? lines : new Array<readonly string[] | undefined>(count).fill(undefined);
}

/**
 * Whether a print of these arguments surely prints one line: texts and names (a name may hold a table: the
 * pairing checks its line), templates (`f"..."`, `"..." % x`, `.format`), roundings and str/repr/float/int/len/abs
 * of those, JSON a dict dumps (read as one); not a call making a report or a matrix, nor text holding a line
 * break or `end=`/`sep=` that does.
 */
export function printsOneLine(args: string): boolean {
  if (/\\n|\bend\s*=|\bsep\s*=\s*["'][^"']*\\n/.test(args)) return false;
  if (jsonDumpedName(args) !== undefined) return true;
  return printArguments(args).every((arg) => oneLineArgument(arg.trim()));
}

function oneLineArgument(arg: string): boolean {
  if (/^\w*=/.test(arg)) return true;
  if (/^[rRuUbBfF]{0,2}(["'])[^]*\1$/.test(arg) || /^[rRuU]?(["'])[^]*\1\s*(?:%|\.format\()/.test(arg)) return true;
  if (/^[A-Za-z_][\w.]*$/.test(arg) || /^-?[\d.]+(?:e-?\d+)?$/.test(arg)) return true;
  // A separator: `"=" * 40`, `40 * "-"` (round 50 II: prints between two were paired with no line).
  if (/^(["'])[^"'\\\n]*\1\s*\*\s*\d+$|^\d+\s*\*\s*(["'])[^"'\\\n]*\2$/.test(arg)) return true;
  const call = /^(?:round|str|repr|float|int|len|abs|format|np\.round|numpy\.round)\s*\(([^]*)\)$/.exec(arg);
  return call !== null && printArguments(call[1] ?? '').every((inner) => oneLineArgument(inner.trim()));
}

function readShown(text: string, info: MetricsCellInfo, found: Map<string, ExpectedMetric>, last: boolean, computed: (string | undefined)[] | undefined): void {
  // NumPy 2 shows its scalars as `np.float64(0.81)`, alone, in tuples and in dicts: the number inside is the value.
  const trimmed = plainRepr(text.trim());
  const expression = info.trailingText?.trim();
  // A number shown last is its repr, the shortest text reading back as it: the value, whatever its digits (round
  // 57 YY: `accuracy` showing 0.8 was expected within 0.05, and a pipeline giving 0.825 passed its test).
  const token = numberToken(trimmed);
  const exactly = (metric: ExpectedMetric): ExpectedMetric => (info.shownRounded === true ? metric : printedExactly(metric));
  const single = token === undefined ? undefined : exactly(token);
  // A later cell's shown value of the same name wins, as in the run (its metrics merge cell after cell).
  if (single !== undefined && computed?.length === 1 && computed[0] !== undefined) {
    found.set(computed[0], single);
    return;
  }
  if (computed !== undefined && computed.length > 1 && /^\(.*\)$/s.test(trimmed)) {
    // `(accuracy_score(y, p), f1_score(y, p))` shows "(0.8, 0.8)": each number by the function computing it.
    const tokens = printArguments(trimmed.slice(1, -1));
    if (tokens.length === computed.length) {
      computed.forEach((name, i) => {
        const metric = numberToken(tokens[i] ?? '');
        if (name !== undefined && metric !== undefined) found.set(name, exactly(metric));
      });
    }
    return;
  }
  if (single !== undefined) {
    // Shown more precisely than a print showed it rounded (`print(round(r2, 2))`, then `r2`, round 44 W): this.
    if (expression !== undefined && /^[A-Za-z_]\w*$/.test(expression)) setMorePrecise(found, expression, single);
    // A number the last cell computed with no one call (`f1 / 2`): the run's `shown`.
    const plain = expression !== undefined && bareNames(expression).length === 0 && computed === undefined && !/^round\(/.test(expression) && roundedNumber(expression) === undefined;
    if (plain && last && !found.has('shown')) found.set('shown', single);
    // `round(acc, 3)` shows acc to 3 decimals.
    // `round(rmse)`, `np.round(acc, 3)` and `acc.round(3)` too.
    const rounded = expression === undefined ? undefined : roundedNumber(expression);
    // (The repr of the rounding: the value rounded to those decimals, whatever digits it writes: `round(acc, 3)`
    // showing 0.8 is acc within 0.0005.)
    if (rounded !== undefined && token !== undefined && !found.has(rounded.name)) found.set(rounded.name, info.shownRounded === true ? roundedTo(token, rounded.digits) : printedAs(token, rounded.digits));
    return;
  }
  const literal = parsePythonLiteral(trimmed);
  // `acc, bal` shows "(0.9066, 0.8833)": each number is the value of the name in its place.
  const tuple = bareNames(expression);
  if (tuple.length > 1 && /^\(.*\)$/s.test(trimmed)) {
    const tokens = trimmed.slice(1, -1).split(',').map((t) => t.trim());
    if (tokens.length === tuple.length) {
      tuple.forEach((name, i) => {
        const metric = numberToken(tokens[i] ?? '');
        if (metric !== undefined && !found.has(name)) found.set(name, exactly(metric));
      });
    }
    return;
  }
  if (literal.ok && isRecord(literal.value)) {
    // A dict an earlier metrics cell shows by its name is that name's (`scores.rmse`), as the run records it: only
    // the last cell's shown value is read as what it holds (round 58 AAA: `rmse` was expected, `scores.rmse` run).
    const prefix = !last && expression !== undefined && /^[A-Za-z_]\w*$/.test(expression) ? `${expression}.` : '';
    for (const [key, metric] of dictNumbers(trimmed, literal.value)) {
      // A number in a dict's repr is Python's shortest repr of it, not a value rounded for show. A dict shown
      // last by its name gives its keys, as one shown without a name does (the runtime's `with_shown`).
      setMorePrecise(found, `${prefix}${key}`, exactly(metric));
    }
    return;
  }
  // A one-row DataFrame: a header of column names, then the row's index and its values (the run reads the
  // columns, `shown_metrics`). A DataFrame of several rows holds no metrics of the run.
  const rows = trimmed.split('\n').map((line) => line.trim().split(/\s+/));
  if (rows.length === 2 && rows[1]?.length === (rows[0]?.length ?? 0) + 1) {
    rows[0]?.forEach((column, i) => {
      const metric = /^[A-Za-z_][\w.]*$/.test(column) ? tableNumber(rows[1]?.[i + 1] ?? '') : undefined;
      if (metric !== undefined && !found.has(column)) found.set(column, metric);
    });
    return;
  }
  // A pandas Series: "mae     12.1545" lines, then "dtype: float64".
  const seriesLines = trimmed.split('\n');
  if (!/^(?:Name: .*, )?dtype: \w+$/.test((seriesLines[seriesLines.length - 1] ?? '').trim())) return;
  for (const line of seriesLines) {
    // A label of several words (`Vocabulary size    35.00`, round 39 O): pandas sets the values two spaces or more
    // apart from the widest label.
    const m = /^(\S(?:.*?\S)?)\s{2,}(\S+)$/.exec(line.trim()) ?? /^([A-Za-z_][\w.]*)\s+(\S+)$/.exec(line.trim());
    if (m === null || m[1] === 'dtype:' || m[1] === 'Name:' || /^(?:Name|dtype):/.test(m[1] ?? '')) continue;
    const metric = tableNumber(m[2] ?? '');
    if (metric !== undefined && m[1] !== undefined && !found.has(m[1])) found.set(m[1], metric);
  }
}

/**
 * The lines of printed text that are not blank, each dict printed over several lines (`json.dumps(d, indent=2)`)
 * as one: from a line opening it to the line closing it.
 */
function printedLines(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    // Line by line (JSON's strings end on their line), as far as MAX_PRINTED_DICT_LINES.
    let depth = line.trim().startsWith('{') ? (openBrackets(line) ?? 0) : 0;
    let end = i;
    while (depth > 0 && end + 1 < lines.length && end - i < MAX_PRINTED_DICT_LINES) {
      const more = openBrackets(lines[++end] ?? '');
      depth = more === undefined ? -1 : depth + more;
    }
    if (end > i && depth === 0) {
      out.push(lines.slice(i, end + 1).join('\n'));
      i = end;
    } else out.push(line);
  }
  return out;
}

/** The most lines of a dict printed over several lines that are read as one (a longer one is read line by line). */
const MAX_PRINTED_DICT_LINES = 500;

/** How many brackets `text` opens outside its strings, less those it closes; undefined when a string is left open. */
function openBrackets(text: string): number | undefined {
  const code = codeOffsets(text);
  if (code === undefined) return undefined;
  let depth = 0;
  for (const i of code) {
    const c = text[i] ?? '';
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
  }
  return depth;
}

/**
 * A dict printed as Python shows it (`{'acc': 0.93}`, NumPy forms made plain) or as JSON (`json.dumps`, with
 * `true`, `null`, `NaN`): the text its numbers are read from and its value; undefined for anything else.
 */
function printedDict(text: string): { text: string; value: Record<string, unknown> } | undefined {
  if (!text.startsWith('{')) return undefined;
  const repr = plainRepr(text);
  const literal = parsePythonLiteral(repr);
  if (literal.ok) return isRecord(literal.value) ? { text: repr, value: literal.value } : undefined;
  try {
    // JSON has no NaN or Infinity, but json.dumps writes them: no metrics, as nan and inf in a repr.
    const value: unknown = JSON.parse(text.replace(/(?<![\w."])-?(?:NaN|Infinity)(?![\w"])/g, 'null'));
    return isRecord(value) ? { text, value } : undefined;
  } catch {
    return undefined;
  }
}

/** The numbers of a dict's repr `text` (parsed as `value`), by key, as the repr wrote them (its decimals). */
function dictNumbers(text: string, value: Record<string, unknown>): [string, ExpectedMetric][] {
  return Object.entries(value).flatMap(([key, item]): [string, ExpectedMetric][] => {
    // A nested dict is flattened as the run flattens it (`scores.test.acc`); its numbers as repr wrote them.
    if (isRecord(item)) return nestedNumbers(item).map(([inner, metric]) => [`${key}.${inner}`, metric]);
    if (typeof item !== 'number') return [];
    // Python's repr quotes a key with ' (or " when it holds a '), JSON with ".
    const token = new RegExp(`(['"])${escapeRegExp(key)}\\1\\s*:\\s*([-+0-9.eE]+)`).exec(text)?.[2];
    return [[key, token === undefined ? { value: item } : (numberToken(token) ?? { value: item })]];
  });
}

/** The numbers of a nested dict by flattened key, each with the decimals of its shortest repr. */
function nestedNumbers(value: Record<string, unknown>): [string, ExpectedMetric][] {
  return Object.entries(value).flatMap(([key, item]): [string, ExpectedMetric][] => {
    if (isRecord(item)) return nestedNumbers(item).map(([inner, metric]) => [`${key}.${inner}`, metric]);
    return typeof item === 'number' && Number.isFinite(item) ? [[key, numberToken(String(item)) ?? { value: item }]] : [];
  });
}

/**
 * Sets `name` to `metric` unless it is known already; a known value shown to fewer decimals (a print of
 * `{auc:.3f}`) gives way to one shown more precisely (the dict the cell shows last) that rounds to it.
 */
function setMorePrecise(found: Map<string, ExpectedMetric>, name: string, metric: ExpectedMetric): void {
  const known = found.get(name);
  if (known === undefined) {
    found.set(name, metric);
    return;
  }
  if (known.decimals === undefined || (metric.decimals !== undefined && metric.decimals <= known.decimals)) return;
  // "20723" read again under its label is the same whole number a `{mae:.0f}` field rounded (or `"%d"` cut), not an exact one.
  if (metric.decimals === undefined && known.decimals === 0 && metric.value === known.value) return;
  // "25434" of a `"%d"` print is any value from 25434 to 25435 (not included).
  if (known.truncated === true) {
    if (Math.trunc(metric.value) === known.value) found.set(name, metric);
    return;
  }
  if (Math.abs(metric.value - known.value) <= 0.5 * 10 ** -known.decimals * (1 + 1e-9)) found.set(name, metric);
}

/**
 * The rows of a table of several rows a metrics cell showed (as its last value, or with `display(...)`) that
 * is not read as metrics (`tableMetrics`: longer than MAX_TABLE_ROWS, several header levels, no names for its
 * rows ...), and whether it was shown last; undefined when the cell showed no such table.
 */
export function shownTableRows(cell: NotebookCell): { rows: number; last: boolean } | undefined {
  for (const output of cell.outputs ?? []) {
    if (!isRecord(output) || (output['output_type'] !== 'execute_result' && output['output_type'] !== 'display_data') || !isRecord(output['data'])) continue;
    const html = textOf(output['data']['text/html']);
    const plain = textOf(output['data']['text/plain']).trim();
    // pandas cuts a long frame short with a footer saying how many rows it has.
    const footer = /\n\[(\d+) rows x \d+ columns\]$/.exec(plain);
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1];
    const rows = footer !== null ? Number(footer[1]) : html.includes('class="dataframe"') && body !== undefined ? (body.match(/<tr[\s>]/g) ?? []).length : 0;
    if (rows > 1 && tableMetrics(html) === undefined) return { rows, last: output['output_type'] === 'execute_result' };
  }
  return undefined;
}

/**
 * Whether metric `name` is by its name a duration (`fit_time`, `rf.Training Time`, `elapsed_s`, `trainSeconds`):
 * a time differs at every run, so a run's is never expected to reproduce the notebook's.
 */
export function isDurationName(name: string): boolean {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z]+/);
  return words.some((w) => DURATION_WORDS.has(w));
}
const DURATION_WORDS = new Set(['time', 'times', 'timing', 'timings', 'seconds', 'secs', 'sec', 'duration', 'durations', 'elapsed', 'runtime', 'latency', 'ms', 'minutes', 'mins', 'walltime', 'clock', 'took']);


/**
 * The displays the package reads as tables (`displayed_metrics`), in the order in which a later one's names win:
 * every `display(<expression>)` where the cell shows it, and a `display(name)` of one of the metric `names` at its
 * last display (the name's value is read at the end). plan.ts builds the metrics function in this order, and the
 * --execute probe reads the notebook's values in it.
 */
export function readDisplays<T extends { readonly name?: string }>(cells: readonly { readonly index: number; readonly displayed: readonly T[] }[], names: readonly string[]): { readonly cellIndex: number; readonly display: T }[] {
  const order: { cellIndex: number; display: T }[] = [];
  for (const cell of cells) {
    for (const display of cell.displayed) {
      if (display.name !== undefined && !names.includes(display.name)) continue;
      const earlier = display.name === undefined ? -1 : order.findIndex((o) => o.display.name === display.name);
      if (earlier !== -1) order.splice(earlier, 1);
      order.push({ cellIndex: cell.index, display });
    }
  }
  return order;
}

/** What readDisplayed takes for the name of a `display(...)` of an expression: no dict is read then. */
const DISPLAYED_EXPRESSION = '(expression)';

/** Two displayed tables that give a metric the same name (`lr.accuracy` in a train and a test table). */
export interface DisplayClash {
  readonly name: string;
  readonly first: { readonly cell: NotebookCell; readonly line: number | undefined; readonly what: string };
  readonly second: { readonly cell: NotebookCell; readonly line: number | undefined; readonly what: string };
}

/** A matplotlib figure's display output (`<Figure size 640x480 with 1 Axes>`, an image): no table. */
function isFigure(output: Record<string, unknown>): boolean {
  const data = output['data'];
  if (!isRecord(data)) return false;
  return textOf(data['text/plain']).startsWith('<Figure') || (data['text/html'] === undefined && Object.keys(data).some((k) => k.startsWith('image/')));
}

/** The most rows of a shown table read as metrics: the runtime's MAX_TABLE_ROWS. */
export const MAX_TABLE_ROWS = 20;

/**
 * The metrics of a table of several rows as pandas shows it in HTML (`results` comparing models), named
 * `<row>.<column>` by the runtime's rule (`table_metrics`): a row by its index label, or, when every label is a
 * whole number, by the value of the one column of distinct texts (`model`). Undefined when `html` is no such
 * table: one row (read from the plain text), more than MAX_TABLE_ROWS, several header or index levels, cells
 * cut short (`...`), or row names that repeat.
 */
export function tableMetrics(html: string): Map<string, ExpectedMetric> | undefined {
  // A DataFrame's HTML, or a Styler's (`results.style.highlight_max()`: `<table id="T_...">`), which shows the frame's numbers.
  if (!html.includes('class="dataframe"') && !/<table id="T_\w+"/.test(html)) return undefined;
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1];
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1];
  if (head === undefined || body === undefined || /colspan|rowspan/.test(html)) return undefined;
  const cells = (row: string, tag: 'th' | 'td'): string[] => [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => unescapeHtml((m[1] ?? '').replace(/&nbsp;/g, ' ').trim()));
  const headRows = [...head.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');
  // A second header row names the index (`set_index("model")`): its cells after the first are empty.
  if (headRows.length === 0 || headRows.length > 2 || (headRows[1] !== undefined && cells(headRows[1], 'th').slice(1).some((c) => c !== ''))) return undefined;
  const columns = cells(headRows[0] ?? '', 'th').slice(1);
  const rows = [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => ({ th: cells(m[1] ?? '', 'th'), td: cells(m[1] ?? '', 'td') }));
  if (rows.length < 2 || rows.length > MAX_TABLE_ROWS) return undefined;
  if (rows.some((r) => r.th.length !== 1 || r.td.length !== columns.length || r.td.includes('...') || r.th[0] === '...')) return undefined;
  let labels = rows.map((r) => r.th[0] ?? '');
  let labelColumn = -1;
  if (labels.every((l) => /^-?\d+$/.test(l))) {
    const texts = columns.map((_, i) => i).filter((i) => {
      const values = rows.map((r) => r.td[i] ?? '');
      return values.every((v) => tableNumber(v) === undefined && !/^(?:NaN|nan|None|<NA>|NaT|inf|-inf|True|False)$/.test(v)) && new Set(values).size === values.length;
    });
    if (texts.length === 1) {
      labelColumn = texts[0] ?? -1;
      labels = rows.map((r) => r.td[labelColumn] ?? '');
    }
  }
  if (new Set(labels).size !== labels.length) return undefined;
  const found = new Map<string, ExpectedMetric>();
  rows.forEach((row, r) => {
    columns.forEach((column, i) => {
      const token = row.td[i] ?? '';
      const metric = i === labelColumn ? undefined : tableNumber(token);
      if (metric !== undefined) found.set(`${labels[r] ?? ''}.${column}`, metric);
    });
  });
  return found;
}

function unescapeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[entity] ?? '');
}

/** The first error a code cell's saved outputs hold (`KeyError: 'auc'`), or undefined when it ran through. */
/**
 * The kinds of data (`text/html`) of a value the cell's saved outputs show with no `text/plain`, which is what
 * expected metrics are read from (some front ends and exporters save only HTML); undefined when there is none.
 */
export function shownWithoutText(cell: NotebookCell): string[] | undefined {
  for (const output of cell.outputs ?? []) {
    if (!isRecord(output) || (output['output_type'] !== 'execute_result' && output['output_type'] !== 'display_data') || !isRecord(output['data'])) continue;
    const kinds = Object.keys(output['data']);
    if (kinds.length > 0 && !kinds.includes('text/plain')) return kinds;
  }
  return undefined;
}

export function savedError(cell: NotebookCell): string | undefined {
  for (const output of cell.outputs ?? []) {
    if (!isRecord(output) || output['output_type'] !== 'error') continue;
    const name = typeof output['ename'] === 'string' ? output['ename'] : 'an error';
    const value = typeof output['evalue'] === 'string' ? output['evalue'].split('\n')[0]?.trim() ?? '' : '';
    const text = value === '' ? name : `${name}: ${value}`;
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  }
  return undefined;
}

/**
 * The code cells whose effects the saved outputs of metrics cell `metricsIndex` show, in the pipeline: the shared
 * code, parameters, steps and metrics cells above it, and the cells of the steps it takes values from and of
 * the steps those run after (wherever they are).
 */
export function cellsBehindMetrics(graph: StepGraph, metricsIndex: number): Set<number> {
  const cells = new Set<number>();
  const above = (index: number): void => {
    if (index < metricsIndex) cells.add(index);
  };
  for (const ref of graph.common.cells) above(ref.index);
  for (const p of graph.parameters) above(p.definedAt.cellIndex);
  for (const ref of graph.metrics?.cells ?? []) above(ref.index);
  for (const step of graph.steps) for (const ref of step.cells) above(ref.index);
  const steps = new Map(graph.steps.map((s) => [s.name, s]));
  const pending = graph.edges.filter((e) => e.to === 'metrics' && steps.has(e.from)).map((e) => e.from);
  const seen = new Set<string>();
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const step = steps.get(name);
    if (seen.has(name) || step === undefined) continue;
    seen.add(name);
    for (const ref of step.cells) cells.add(ref.index);
    pending.push(...step.after);
  }
  cells.delete(metricsIndex);
  return cells;
}

/**
 * The cells of `used` that ran after metrics cell `cell` when the notebook was saved (a higher execution
 * count), in notebook order: the outputs `cell` saved may not be what the notebook gives now. Empty when `cell`
 * has no execution count.
 */
export function ranAfter(cell: NotebookCell, used: readonly NotebookCell[]): NotebookCell[] {
  const count = cell.executionCount;
  if (typeof count !== 'number') return [];
  return used.filter((c) => c.index !== cell.index && typeof c.executionCount === 'number' && c.executionCount > count).sort((a, b) => a.index - b.index);
}

/**
 * The labels (last words, lower case) a cell prints before a value computed by an expression rather than given
 * by a name: `print("acc", round(acc * 100, 1))`, `print("scores:", scores.mean())` and `f"acc {acc * 100:.1f}"`
 * label `acc` and `scores`. A number printed after one is not the value of the name the label equals.
 */
function labelsOfComputedValues(source: string): Set<string> {
  const labels = new Set<string>();
  const lastWord = (text: string): string | undefined => /([A-Za-z_]\w*)\W*$/.exec(text)?.[1]?.toLowerCase();
  for (const m of source.matchAll(/^\s*print\((.*)\)\s*(?:#.*)?$/gm)) {
    const args = printArguments(m[1] ?? '');
    args.forEach((arg, i) => {
      const label = /^(['"])([^'"]*)\1$/.exec(args[i - 1] ?? '')?.[2];
      if (label !== undefined && !/^[A-Za-z_]\w*$/.test(arg) && !/^[rRbBuUfF]*['"]/.test(arg) && formattedName(arg) === undefined) {
        const word = lastWord(label);
        if (word !== undefined) labels.add(word);
      }
    });
  }
  for (const m of source.matchAll(/([^{}]*)\{([^{}:!=]+)(?:[=!:][^{}]*)?\}/g)) {
    if (!/^\s*[A-Za-z_]\w*\s*$/.test(m[2] ?? '')) {
      const word = lastWord(m[1] ?? '');
      if (word !== undefined) labels.add(word);
    }
  }
  return labels;
}

/**
 * A repr with NumPy's own forms made plain Python literals, so that a dict holding them parses: a NumPy 2
 * scalar (`np.float64(0.81)`) as its number, `np.True_` as True, and what is no metric as None: an array
 * (`array([[50, 3], [4, 43]])`, a confusion matrix beside the scores), `nan` and `inf`.
 */
function plainRepr(text: string): string {
  let out = text.replace(NUMPY_SCALAR, '$1').replace(/\bnp\.(True|False)_/g, '$1').replace(/(?<![\w.'"])-?(?:nan|inf)(?![\w'"])/g, 'None');
  for (let at = out.search(/(?<![\w.])(?:np\.)?array\(/); at !== -1; at = out.search(/(?<![\w.])(?:np\.)?array\(/)) {
    const open = out.indexOf('(', at);
    let depth = 0;
    let end = open;
    for (; end < out.length; end++) {
      if (out[end] === '(' || out[end] === '[') depth++;
      else if ((out[end] === ')' || out[end] === ']') && --depth === 0) break;
    }
    if (end >= out.length) break;
    out = `${out.slice(0, at)}None${out.slice(end + 1)}`;
  }
  return out;
}

/** A NumPy 2 scalar repr, `np.float64(0.81)` or `np.int64(3)`: group 1 is the number. */
const NUMPY_SCALAR = /\bnp\.(?:float(?:16|32|64|96|128)?|longdouble|u?int(?:8|16|32|64)?)\(\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*\)/g;

/** A line a print prints: its pattern, a field per value, the name each shows, and whether it shows a percentage. */
export interface PrintTemplate {
  readonly pattern: RegExp;
  readonly names: readonly (string | undefined)[];
  /** By field: shown as a percentage (`{acc:.2%}` prints "93.00%"); none when no field is. */
  readonly percent?: readonly boolean[];
  /** By field: digits shown in groups of three (`{mse:,.1f}` prints "240,272.6", `{n:_}` "1_000"). */
  readonly grouped?: readonly boolean[];
  /**
   * By field: rounded to a whole number (`{mae:.0f}`, `"%.0f" % cost`: "20723" is 20723.307 shown, not 20723), or
   * cut to one (`"%d" % rmse`: "25434" is 25434.87 shown); false for another field.
   */
  readonly whole?: readonly WholeField[];
  /** By field: the decimals a rounding of the name shown keeps (`print("rmse:", round(rmse, 2))`); undefined for another field. */
  readonly digits?: readonly (number | undefined)[];
  /** By field: the name, or its rounding, as str() or repr() writes it (`print("acc:", acc)`, `{acc}`, `{acc!r}`, `%s`): {@link printedAs}. */
  readonly exact?: readonly boolean[];
  /** The template has no words of its own (`print(f"{loss}")`): its pattern fits any line of as many numbers. */
  readonly bare?: true;
  /** Its print's place among the lines of the cell starting with `print(` (0-based). */
  readonly order?: number;
}

/**
 * The one-line top-level prints of a cell (a loop's print shows loop variables) of an f-string, of a string
 * formatted by `.format(...)` or `%` (`print("Ridge score: {:.4f} ({:.4f})".format(score, cv.std()))`), and those
 * of plain strings and bare names (`print("R² Score:", r2)`), as patterns of the lines they print: the text
 * around the values as it is, each value a field; with the bare name each field shows (undefined for an
 * expression).
 */
export function printTemplates(source: string): PrintTemplate[] {
  const templates: PrintTemplate[] = [];
  let order = 0;
  for (const line of source.split('\n')) {
    // A print of a blank line pairs with no line (printedLines skips blank ones).
    if (!line.startsWith('print(') || blankPrintStatement(line)) continue;
    const template = lineTemplate(line, false);
    if (template !== undefined && template.names.some((n) => n !== undefined)) templates.push({ ...template, order });
    order++;
  }
  return templates;
}

/**
 * Whether lines `template` reads may come from another print of the cell: one printing the same text around its
 * values (`print("scores", scores)`, then `print("scores", scores.mean())`), at any depth, or the template matching
 * several of the lines printed.
 */
function templateAmbiguous(template: PrintTemplate, source: string, lines: readonly string[]): boolean {
  const alike = source.split('\n').filter((line) => lineTemplate(line.trim(), true)?.pattern.source === template.pattern.source).length;
  return alike > 1 || lines.filter((line) => template.pattern.test(line.trim())).length > 1;
}

/**
 * The pattern of the lines one print line prints (see `printTemplates`); undefined for another line. `loose`: a
 * print of strings and values of any kind, an expression's field unnamed (to compare prints by their text).
 */
function lineTemplate(line: string, loose: boolean): PrintTemplate | undefined {
  const fString = /^print\(\s*f(["'])((?:(?!\1).)*)\1\s*\)\s*(?:#.*)?$/.exec(line);
  if (fString !== null) return fieldsTemplate(fString[2] ?? '');
  const call = /^print\((.*)\)\s*(?:#.*)?$/.exec(line);
  if (call === null) return undefined;
  const args = printArguments(call[1] ?? '');
  // One argument: `print("AUC=%.3f" % auc, "F1=%.3f" % f1)` is two, each read below.
  const formatted = args.length === 1 ? /^print\(\s*[uU]?(["'])((?:(?!\1)[^\\])*)\1\s*(?:\.format\((.*)\)|%\s*(.+?))\s*\)\s*(?:#.*)?$/.exec(line) : null;
  if (formatted !== null) {
    const body = formatted[3] !== undefined ? formatBody(formatted[2] ?? '', formatted[3]) : percentBody(formatted[2] ?? '', formatted[4] ?? '');
    return body === undefined ? undefined : fieldsTemplate(body, formatted[3] === undefined);
  }
  // print("Mean Absolute Error:", mae, "R² Score:", r2): the texts as they are, each name a value, a space
  // between them (print's separator), whatever the words of the labels; an argument formatting its own label
  // and value (`print("AUC=%.3f" % auc, "F1=%.3f" % f1)`, f-strings, `.format`) as its fields.
  const parts = args.map((arg): FieldsPattern | undefined => {
    // `print("\nlog loss:", ll)`: the blank line before is skipped, the line is read.
    // A raw or u-prefixed label too (`print(r"sd:", sd)`, round 73 EFE): without a backslash, the same text.
    const text = /^[rRuU]?(["'])([^"'\\{}]*)\1$/.exec(arg.replace(/^(["'])(?:\\n)+/, '$1').replace(/(?:\\n)+(["'])$/, '$1'))?.[2];
    if (text !== undefined) return { source: escapeRegExp(text), names: [], percent: [], grouped: [], whole: [], digits: [], exact: [], text: text.trim() !== '' };
    const plain = writtenName(arg);
    if (plain !== undefined) return { source: '(\\S+)', names: [plain], percent: [false], grouped: [false], whole: [false], digits: [undefined], exact: [true], text: false };
    // print("rmse:", round(rmse, 2)): rmse, shown to 2 decimals.
    const rounded = roundedNumber(arg);
    if (rounded !== undefined) return { source: '(\\S+)', names: [rounded.name], percent: [false], grouped: [false], whole: [false], digits: [rounded.digits], exact: [true], text: false };
    const formatted = formattedArgument(arg);
    if (formatted !== undefined) return formatted;
    return loose && !/^\w*=/.test(arg) ? { source: '(\\S+)', names: [undefined], percent: [false], grouped: [false], whole: [false], digits: [undefined], exact: [false], text: false } : undefined;
  });
  if (args.length < 2 || parts.some((p) => p === undefined) || !parts.some((p) => p !== undefined && p.names.length > 0) || !parts.some((p) => p?.text === true)) return undefined;
  const pattern = parts.map((p) => p?.source ?? '').join(' ');
  const fields = <K extends 'names' | 'percent' | 'grouped' | 'whole' | 'digits' | 'exact'>(key: K): FieldsPattern[K][number][] => parts.flatMap((p) => (p === undefined ? [] : [...p[key]]));
  const percent = fields('percent');
  const grouped = fields('grouped');
  const whole = fields('whole');
  const digits = fields('digits');
  const exact = fields('exact');
  return { pattern: new RegExp(`^${pattern.trim()}$`), names: fields('names'), ...(percent.some((x) => x) ? { percent } : {}), ...(grouped.some((x) => x) ? { grouped } : {}), ...(whole.some((x) => x) ? { whole } : {}), ...(digits.some((x) => x !== undefined) ? { digits } : {}), ...(exact.some((x) => x) ? { exact } : {}) };
}

/**
 * The name a shown expression rounds for reading (`results.round(4)`, `results.round(4).sort_values("rmse")`,
 * `results[["rmse"]].round(2)`, `np.round(results, 3)` -> `results`): the table whose numbers the run keeps whole
 * (the runtime's `unrounded` checks each shown number is a rounding of that table's); a number's too (`round(acc, 3)`,
 * `np.round(acc, 3)` -> `acc`: the run gives back acc, no metric `shown` beside it); undefined for an expression
 * rounding nothing.
 */
export function roundedName(text: string): string | undefined {
  const t = text.trim();
  const number = roundedNumber(t);
  if (number !== undefined) return number.name;
  const numpyRound = /^(?:np|numpy)\.round\s*\(\s*([A-Za-z_]\w*)\b/.exec(t);
  if (numpyRound !== null) return numpyRound[1];
  const chain = /^([A-Za-z_]\w*)\s*[.[]/.exec(t);
  return chain !== null && /\.\s*round\s*\(/.test(t) ? chain[1] : undefined;
}

/**
 * A rounding of one number by name, and the decimals it keeps: `round(r2, 3)`, `np.round(r2, 3)`,
 * `np.around(r2, decimals=3)`, `r2.round(3)` -> r2 to 3; `round(rmse)`, `np.round(rmse)` -> rmse to 0; `round(n, -2)`
 * -> n to -2 (hundreds). Undefined for anything else (`round(model.score(X, y), 3)`, `round(a / b, 2)`).
 */
export function roundedNumber(text: string): { readonly name: string; readonly digits: number } | undefined {
  const t = text.trim();
  const call = /^(?:round|(?:np|numpy)\.(?:round|around))\(\s*([A-Za-z_]\w*)\s*(?:,\s*(?:(?:ndigits|decimals)\s*=\s*)?(-?\d+)\s*)?\)$/.exec(t) ?? /^([A-Za-z_]\w*)\.round\(\s*(?:(?:decimals\s*=\s*)?(-?\d+)\s*)?\)$/.exec(t);
  return call?.[1] === undefined ? undefined : { name: call[1], digits: Number(call[2] ?? '0') };
}

/** The name a print argument shows: a bare name (`acc`, `str(acc)`), or one a rounding rounds (`round(acc, 3)`); else undefined. */
export function printedName(arg: string): string | undefined {
  const text = arg.trim();
  return writtenName(text) ?? roundedNumber(text)?.name;
}

/** A name printed as str() writes it: `acc`, `str(acc)`, `repr(acc)` (round 47 AA: `str(loss)` was bound as `loss_shown`, a string). */
export function writtenName(arg: string): string | undefined {
  const text = arg.trim();
  return /^[A-Za-z_]\w*$/.test(text) ? text : /^(?:str|repr)\(\s*([A-Za-z_]\w*)\s*\)$/.exec(text)?.[1];
}

/**
 * A number as str() writes it (`print(acc)`, `print("acc:", acc)`, `{acc}`): as Python writes it
 * ({@link printedExactly}), or when the print rounds it (`print(round(acc, 3))`: `digits`), to the decimals the
 * rounding keeps, whatever the digits written (`round(0.5012, 2)` prints 0.5).
 */
function printedAs(metric: ExpectedMetric, digits: number | undefined): ExpectedMetric {
  return digits === undefined ? printedExactly(metric) : { value: metric.value, decimals: digits };
}

/**
 * A number as Python's str() or repr() wrote it (a bare name printed, `{acc}`, `{acc=}`, a dict's repr): the
 * shortest text reading back as the value, so a float's value whatever its digits ("1.0" is 1.0, not anything
 * from 0.95 to 1.05: round 46 Y, the test passed a pipeline giving 0.967). A float32's text reads back as the
 * float32, within 6e-8 of it relatively (half a float32 unit), not as its float64: the number is expected to the
 * decimals whose half unit covers twice that (within 1.2e-7 to 1.2e-6 of it, relatively: `1234567.0` within 0.5,
 * `0.066` within 5e-8; round 49 GG: six significant digits let 1234569 pass for 1234567), or exactly when the text
 * holds all of a float64's (decimals undefined).
 */
export function printedExactly(metric: ExpectedMetric): ExpectedMetric {
  if (metric.decimals === undefined || metric.truncated === true) return metric;
  const decimals = metric.value === 0 ? 7 : Math.floor(-Math.log10(FLOAT32_SPREAD * Math.abs(metric.value)));
  return { value: metric.value, decimals };
}

/** Twice a float32's relative half unit (2^-24): how far a float32's shortest text may be from its value, with room. */
const FLOAT32_SPREAD = 2.4e-7;

/** `metric` as a value rounded to `digits` decimals shows it: no more decimals than those. */
export function roundedTo(metric: ExpectedMetric, digits: number | undefined): ExpectedMetric {
  return digits === undefined || (metric.decimals !== undefined && metric.decimals <= digits) ? metric : { ...metric, decimals: digits };
}

/** How a print field shows a number whole: rounded (`.0f`), cut (`%d`), or not whole (false). */
type WholeField = false | 'rounded' | 'cut';

/** A print template's pattern, before it is anchored: `text` whether it holds words besides its fields. */
interface FieldsPattern {
  readonly source: string;
  readonly names: readonly (string | undefined)[];
  readonly percent: readonly boolean[];
  readonly grouped: readonly boolean[];
  readonly whole: readonly WholeField[];
  /** By field: the decimals a rounding of the name keeps (`{round(rmse, 2)}`, `round(rmse)` -> 2, 0). */
  readonly digits: readonly (number | undefined)[];
  readonly exact: readonly boolean[];
  readonly text: boolean;
}

/** One print argument formatting its own text (`f"AUC={auc:.3f}"`, `"AUC=%.3f" % auc`, `"{:.3f}".format(auc)`), as its fields. */
function formattedArgument(arg: string): FieldsPattern | undefined {
  const fString = /^[fF](["'])((?:(?!\1).)*)\1$/.exec(arg);
  const formatted = fString === null ? /^[uU]?(["'])((?:(?!\1)[^\\])*)\1\s*(?:\.format\((.*)\)|%\s*(.+?))$/.exec(arg) : null;
  const body = fString !== null ? fString[2] : formatted === null ? undefined : formatted[3] !== undefined ? formatBody(formatted[2] ?? '', formatted[3]) : percentBody(formatted[2] ?? '', formatted[4] ?? '');
  return body === undefined ? undefined : fieldsPattern(body, formatted !== null && formatted[3] === undefined);
}

/**
 * An f-string's text as the pattern of the lines it prints, each field a value by its name (see `printTemplates`).
 * `fromPercent`: the text of a `%` format (`percentBody`), whose `%d` cuts a float to its whole part.
 */
function fieldsTemplate(text: string, fromPercent = false): PrintTemplate {
  // `f"\nAccuracy: {acc}\n"`: the blank lines around it are skipped, the line is read.
  const body = withoutOuterNewlines(text);
  const { source, names, percent, grouped, whole, digits, exact } = fieldsPattern(body, fromPercent);
  // No words of its own: nothing but its fields (`{best=}` prints `best=` too).
  const bare = source.replace(/(?:\\s\*)?\(\\S\+\)/g, '').trim() === '';
  return { pattern: new RegExp(`^${source.trim()}$`), names, percent, grouped, whole, digits, exact, ...(bare ? { bare: true as const } : {}) };
}

/** A string literal's text without the line breaks (`\n`, as written in the source) it starts or ends with. */
function withoutOuterNewlines(text: string): string {
  return text.replace(/^(?:\\n)+/, '').replace(/(?:\\n)+$/, '');
}

/** {@link fieldsTemplate}'s pattern, not anchored. */
function fieldsPattern(body: string, fromPercent = false): FieldsPattern {
  const names: (string | undefined)[] = [];
  const percent: boolean[] = [];
  const grouped: boolean[] = [];
  const whole: WholeField[] = [];
  const digits: (number | undefined)[] = [];
  const exact: boolean[] = [];
  let pattern = '';
  let rest = body;
  let literalText = false;
  // (A doubled brace is text: `f"acc{{x}}:"` prints `acc{x}:`, no field x, round 74 GHG.)
  for (const field of body.matchAll(/\{\{|\}\}|\{([^{}]*)\}/g)) {
    if (field[0] === '{{' || field[0] === '}}') continue;
    const at = rest.indexOf(field[0]);
    pattern += escapeRegExp(rest.slice(0, at).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
    rest = rest.slice(at + field[0].length);
    const text = field[1] ?? '';
    const ending = /(![rsa])?(:[^:]*)?$/.exec(text);
    const [, conversion, spec] = ending ?? [];
    const expression = text.slice(0, ending?.index ?? text.length).trim();
    // `{'accuracy':<12}{acc:>10.3f}` (round 49 EE): a label in a field, padded, is text; a width pads a value.
    const label = /^(["'])([^"'\\{}]*)\1$/.exec(expression)?.[2];
    if (label !== undefined) {
      pattern += `\\s*${escapeRegExp(label.trim())}\\s*`;
      literalText ||= label.trim() !== '';
      continue;
    }
    const selfDocumenting = expression.endsWith('=');
    const name = expression.replace(/=$/, '').trim();
    if (selfDocumenting) pattern += escapeRegExp(`${name}=`);
    pattern += spec !== undefined && /^:(?:.?[<>^=])?[-+ ]?#?0?[1-9]/.test(spec) ? '\\s*(\\S+)' : '(\\S+)';
    // `{round(rmse, 2)}`: rmse, shown to 2 decimals.
    const rounded = roundedNumber(name);
    names.push(/^[A-Za-z_]\w*$/.test(name) ? name : rounded?.name);
    digits.push(rounded?.digits);
    // `{acc}`, `{acc=}`, `{acc!r}`, `{round(acc, 3)}` (and `%s`, `%r`): as str() or repr() writes it.
    exact.push((rounded !== undefined || /^[A-Za-z_]\w*$/.test(name)) && spec === undefined && conversion !== '!a');
    // `{acc:.2%}` shows acc times 100, with a percent sign.
    percent.push(conversion === undefined && spec !== undefined && spec.endsWith('%'));
    grouped.push(conversion === undefined && spec !== undefined && /^:[^.]*[,_]/.test(spec));
    // `"%d" % x` (a `{x:d}` field here) cuts a float to its whole part; an f-string's `{x:d}` takes ints only.
    whole.push(conversion !== undefined || spec === undefined ? false : /\.0[fF]$/.test(spec) ? 'rounded' : fromPercent && /^:[^.]*d$/.test(spec) ? 'cut' : false);
  }
  pattern += escapeRegExp(rest.replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
  return { source: pattern, names, percent, grouped, whole, digits, exact, text: literalText || body.replace(/\{[^{}]*\}/g, '').trim() !== '' };
}

/**
 * `"Ridge score: {:.4f} ({:.4f})".format(score, cv.std())` as the f-string printing the same,
 * `Ridge score: {score:.4f} ({0:.4f})` (an expression's field holds `0`, no name); undefined when a field is
 * not one of the arguments by place or keyword.
 */
function formatBody(text: string, argsText: string): string | undefined {
  const args = printArguments(argsText);
  const positional = args.filter((a) => !/^[A-Za-z_]\w*\s*=(?!=)/.test(a));
  const keywords = new Map(args.flatMap((a) => {
    const m = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.*)$/s.exec(a);
    return m === null ? [] : [[m[1] ?? '', m[2] ?? ''] as const];
  }));
  let next = 0;
  let failed = false;
  const value = (arg: string | undefined): string => {
    if (arg === undefined) failed = true;
    return arg !== undefined && /^[A-Za-z_]\w*$/.test(arg) ? arg : '0';
  };
  const body = text.replace(/\{\{|\}\}|\{([^{}:!]*)((?:![rsa])?(?::[^{}]*)?)\}/g, (whole, field: string | undefined, rest: string | undefined) => {
    if (field === undefined) return whole;
    const key = field.trim();
    const arg = key === '' ? positional[next++] : /^\d+$/.test(key) ? positional[Number(key)] : keywords.get(key);
    return `{${value(arg)}${rest ?? ''}}`;
  });
  return failed ? undefined : body;
}

/** `"pct %.2f" % m` (or `% (a, b)`) as the f-string printing the same, `pct {m:.2f}`; undefined for `%(name)s` or a count that does not fit. */
function percentBody(text: string, valuesText: string): string | undefined {
  const inner = parenthesized(valuesText);
  const values = inner === undefined ? [valuesText.trim()] : printArguments(inner);
  if (text.includes('%(')) return undefined;
  let next = 0;
  const body = text.replace(/[{}]/g, (brace) => brace + brace).replace(/%%|%([-#0 +]*)(\d*)((?:\.\d+)?)([sdifeEgGrx])/g, (_whole, flags: string | undefined, width: string | undefined, precision: string | undefined, type: string | undefined) => {
    if (type === undefined) return '%';
    const arg = values[next++] ?? '';
    const name = /^[A-Za-z_]\w*$/.test(arg) ? arg : '0';
    if (type === 's') return `{${name}}`;
    if (type === 'r') return `{${name}!r}`;
    return `{${name}:${flags ?? ''}${width ?? ''}${precision ?? ''}${type === 'i' ? 'd' : type}}`;
  });
  return next === values.length ? body : undefined;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Values a metrics cell prints inside a loop that its body binds (`for name, model in models.items():` ...
 * `accuracy = ...` ... `print("accuracy:", accuracy)`): one value per pass under one name, which is no metric.
 * Each with the line of its print (1-based) and the names its bindings in the loop reach into; a print on a line of its own only.
 */
export function loopPrintedValues(source: string): { readonly name: string; readonly line: number; readonly reads: readonly string[] }[] {
  const lines = sourceLines(source);
  const indent = (text: string): number => /^[ \t]*/.exec(text)?.[0].replace(/\t/g, '        ').length ?? 0;
  const code = (text: string): boolean => !/^\s*(?:#.*)?$/.test(text);
  const found: { name: string; line: number; reads: string[] }[] = [];
  lines.forEach((text, i) => {
    const call = /^\s+print\((.*)\)\s*(?:#.*)?$/.exec(text);
    if (call === null) return;
    // The loop around it: the first header above, less indented than every line between.
    let least = indent(text);
    let loop = -1;
    for (let j = i - 1; j >= 0 && least > 0; j--) {
      const above = lines[j] ?? '';
      if (!code(above) || indent(above) >= least) continue;
      least = indent(above);
      if (/^\s*(?:async\s+)?(?:for|while)\b/.test(above)) {
        loop = j;
        break;
      }
    }
    if (loop === -1) return;
    const args = call[1] ?? '';
    // `"acc: %.3f" % acc` and `"acc: {:.3f}".format(acc)` print it too (round 55 UU).
    const unquoted = blankedQuotes(args);
    const formatted = [...unquoted.matchAll(/%\s*\(?\s*([A-Za-z_]\w*)|\.format\(\s*([A-Za-z_]\w*)\s*[,)]/g)].map((m) => m[1] ?? m[2]);
    const printed = [...printArguments(args).map(printedName), ...interpolatedNames(args), ...formatted].filter((n): n is string => n !== undefined);
    const body = lines.slice(loop + 1, i);
    for (const name of new Set(printed)) {
      const binding = new RegExp(`^\\s*${name}\\s*(?::[^=]*)?=(?!=)(.*)$`);
      const values = body.flatMap((b) => binding.exec(b)?.[1] ?? []);
      // What its value is an entry of (`sil = scores[k]`, `results.loc[k, "acc"]`): a metric of its own, when the
      // run records it.
      const reads = values.flatMap((v) => [...v.replace(/#.*$/, '').matchAll(/(?<![.\w])([A-Za-z_]\w*)\s*[[.]/g)].map((m) => m[1] ?? ''));
      if (values.length > 0) found.push({ name, line: i + 1, reads });
    }
  });
  return found;
}

/** The names in `{name}`, `{name:.4f}`, `{name!r}` and `{name=}` replacement fields of the cell's strings. */
export function interpolatedNames(source: string): string[] {
  // (Not inside doubled braces, which are text: `f"acc{{x}}:"`, round 74 GHG.)
  return [...new Set([...source.matchAll(/\{\{|\}\}|\{\s*([A-Za-z_]\w*)\s*(?=[:!=}])/g)].map((m) => m[1] ?? ''))].filter((n) => n !== '');
}

/**
 * The name a print's arguments `args` print as JSON: `json.dumps(scores)`, `json.dumps(scores, indent=2)` ->
 * `scores`; undefined for anything else. The run reads `scores` as shown (a metric), as it reads `print(scores)`.
 */
export function jsonDumpedName(args: string): string | undefined {
  const inner = /^json\.dumps\((.*)\)$/s.exec(args.trim())?.[1];
  const dumped = inner === undefined ? [] : printArguments(inner);
  const first = dumped[0];
  return first !== undefined && /^[A-Za-z_]\w*$/.test(first) && dumped.slice(1).every((arg) => /^[A-Za-z_]\w*\s*=[^=]/.test(arg)) ? first : undefined;
}

/** The name a print argument formats alone as text (`f"{rows:,}"`, `format(rows, ",")`); else undefined. */
function formattedName(argument: string): string | undefined {
  return /^[rR]?[fF][rR]?(["'])\{\s*([A-Za-z_]\w*)\s*(?:![rsa])?(?::[^{}]*)?\}\1$/.exec(argument)?.[2] ?? /^format\(\s*([A-Za-z_]\w*)\s*,\s*[rRuU]?(["'])[^"']*\2\s*\)$/.exec(argument)?.[1];
}

/**
 * `print("accuracy", acc)` and `print("accuracy:", acc)` print "accuracy 0.81", and `print({"roc_auc": auc})`
 * prints "{'roc_auc': 0.81}": label -> name, for each such one-line print of strings each followed by a bare
 * name, or of a dict of string keys and bare names.
 */
export function printedLabels(source: string): Map<string, string> {
  const labels = new Map<string, string>();
  // print("accuracy:", acc) and print("Accuracy:", acc, "AUC:", auc): each label names the value after it.
  for (const m of source.matchAll(/^\s*print\((.*)\)\s*(?:#.*)?$/gm)) {
    const args = printArguments(m[1] ?? '');
    if (args.length < 2 || args.length % 2 !== 0) continue;
    const pairs = [];
    for (let i = 0; i < args.length; i += 2) {
      const label = /^(['"])([A-Za-z_][\w.]*)\s*[:=]?\s*\1$/.exec(args[i] ?? '')?.[2];
      const arg = args[i + 1] ?? '';
      const name = /^[A-Za-z_]\w*$/.test(arg) ? arg : formattedName(arg);
      if (label === undefined || name === undefined) break;
      pairs.push([label, name] as const);
    }
    if (pairs.length * 2 !== args.length) continue;
    for (const [label, name] of pairs) if (!labels.has(label)) labels.set(label, name);
  }
  // print({"roc_auc": auc}), and print(json.dumps({"roc_auc": auc}, indent=2)).
  for (const m of source.matchAll(/^\s*print\(\s*(?:json\.dumps\(\s*\{([^{}]*)\}\s*(?:,[^()]*)?\)|\{([^{}]*)\})\s*\)\s*(?:#.*)?$/gm)) {
    for (const pair of (m[1] ?? m[2] ?? '').split(',')) {
      const [, , label, name] = /^\s*(['"])([^'"]+)\1\s*:\s*([A-Za-z_]\w*)\s*$/.exec(pair) ?? [];
      if (label !== undefined && name !== undefined && !labels.has(label)) labels.set(label, name);
    }
  }
  return labels;
}

/**
 * The arguments of a call, split at the commas outside brackets and strings and trimmed
 * (`"acc", round(a, 3)` -> [`"acc"`, `round(a, 3)`]); [] when the text does not close what it opens.
 */
/**
 * What one pair of parentheses around the whole of `text` holds (`(acc, f1)` -> `acc, f1`); undefined when they
 * do not enclose all of it (round 37 K: `(y_pred != y_test).mean()` is one value, not a tuple's `y_pred != y_test).mean(`).
 */
export function parenthesized(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('(') || !trimmed.endsWith(')')) return undefined;
  const code = codeOffsets(trimmed);
  if (code === undefined) return undefined;
  let depth = 0;
  for (const i of code) {
    const c = trimmed[i] ?? '';
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth === 0 && i !== trimmed.length - 1) return undefined;
  }
  return depth === 0 ? trimmed.slice(1, -1) : undefined;
}

export function printArguments(text: string): string[] {
  const code = codeOffsets(text);
  if (code === undefined) return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (const i of code) {
    const c = text[i] ?? '';
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth < 0) return [];
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0) return [];
  const last = text.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/**
 * The metric names of what a metrics cell shows as its last expression when that is a computed value rather
 * than names: `accuracy_score(y, p)` -> [accuracy_score], `model.score(X, y)` -> [score] (the function
 * called), `round(f1_score(y, p), 3)` -> [f1_score]; a tuple of them -> one name each, a name used twice
 * numbered from its second use (`score`, `score_2`), undefined in the place of an element of another kind.
 * Undefined for anything else: a name or a tuple of names (the metrics by those names), a dict, a frame
 * (`results.sort_values(...)`). The run names these values the same way (the generated code passes the names).
 */
export function shownNames(expression: string | undefined): (string | undefined)[] | undefined {
  return shownNamesOfCells([expression])[0];
}

/**
 * {@link shownNames} of what each metrics cell shows, in the cells' order, numbered across them and after the
 * metric names `taken` already: the test accuracy `accuracy_score(y_test, pred)` shown in one cell and the
 * train accuracy in the next are `accuracy_score` and `accuracy_score_2`, not one metric the later cell
 * overwrites.
 */
export function shownNamesOfCells(expressions: readonly (string | undefined)[], taken: readonly string[] = []): ((string | undefined)[] | undefined)[] {
  // A name the metrics already have (`score = lr.score(...)` beside a shown `rf.score(...)`) is numbered too.
  const seen = new Map<string, number>(taken.map((name) => [name, 1]));
  return expressions.map((expression) => {
    const text = expression?.trim();
    if (text === undefined || text === '' || bareNames(text).length > 0) return undefined;
    const inner = /^\((.*)\)$/s.exec(text)?.[1];
    const tuple = inner !== undefined && printArguments(inner).length > 1 ? printArguments(inner) : printArguments(text);
    const elements = tuple.length > 1 ? tuple : [text];
    // A name beside calls in a tuple is the value by that name, not numbered.
    const bare = elements.map((e) => elements.length > 1 && /^[A-Za-z_]\w*$/.test(e.trim()));
    const names = elements.map((e, i) => (bare[i] === true ? e.trim() : shownName(e)));
    if (names.every((n) => n === undefined)) return undefined;
    return names.map((name, i) => {
      if (name === undefined || bare[i] === true) return name;
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      return count === 1 ? name : `${name}_${count}`;
    });
  });
}

/**
 * How the run reads what a metrics cell other than the last shows last when no call names it (`shownNamesOfCells`
 * gives none), as the reader of saved outputs reads that cell's output: one name (`summary`, a table a later cell
 * plots or asserts on) as if displayed, `by-name`; an expression of no call's (`summary.T`, `results[["acc"]]`)
 * by its entries, `entries`; names shown together (`acc, bal`) are metrics by their names already, undefined.
 */
export function earlierShownRead(expression: string | undefined): 'by-name' | 'entries' | undefined {
  const text = expression?.trim();
  if (text === undefined || text === '') return undefined;
  const names = bareNames(text);
  return names.length === 0 ? 'entries' : names.length === 1 && /^[A-Za-z_]\w*$/.test(text) ? 'by-name' : undefined;
}

/**
 * The function an expression ends by calling: `f(...)`, `a.b.f(...)`, `cross_val_score(...).mean()` -> `f`,
 * `f`, `mean`; `round(<call>, n)` -> the inner call's; undefined for anything else.
 */
function calledName(element: string): string | undefined {
  const text = element.trim();
  // `acc.round(3)` is acc's value, no value of a function `round`.
  if (roundedNumber(text) !== undefined) return undefined;
  // `np.round(<call>, n)` too: `np.round(r2, 3)` is r2's metric (no call), not one named `round`.
  const rounded = roundedArgument(text);
  if (rounded !== undefined) return calledName(rounded);
  if (!text.endsWith(')')) return undefined;
  const open = matchingOpen(text);
  if (open <= 0) return undefined;
  const callee = /(?:^|\.)([A-Za-z_]\w*)$/.exec(text.slice(0, open));
  // `summary.get("acc")` shows the entry acc, not something named get (round 35 E).
  // (By a name, `scores.get(KEY)`, it is no value of something named get either: round 65 OOO.)
  if (callee?.[1] === 'get') return /^(["'])([A-Za-z_]\w*)\1$/.exec((printArguments(text.slice(open + 1, -1))[0] ?? '').trim())?.[2];
  return callee?.[1];
}

/** The value a rounding call rounds: `round(x, 2)`, `np.round(x)`, `np.around(x, 3)` -> `x`; undefined for anything else. */
function roundedArgument(text: string): string | undefined {
  const rounded = /^(?:round|(?:np|numpy)\.(?:round|around))\((.*)\)$/s.exec(text)?.[1];
  const args = rounded === undefined ? undefined : printArguments(rounded);
  return args !== undefined && args.length >= 1 && args.length <= 2 ? (args[0] ?? '') : undefined;
}

/**
 * What a computed value shown last is named: by the function computing it, as a percentage of a name, or, through
 * a conversion (`float(f1)`, `np.float32(r2)`, `f1.item()`: round 58 AAA, it was `float`, `float32`, `item`), by
 * what it converts.
 */
function shownName(element: string): string | undefined {
  const inner = converted(element);
  // `round(scores["acc"], 4)` too: the item's (round 63 KKK: no metric from saved outputs, `shown` with --execute).
  const rounded = roundedArgument(element.trim());
  if (inner === undefined) return calledName(element) ?? percentName(element) ?? itemName(element) ?? (rounded === undefined ? undefined : itemName(rounded));
  return /^[A-Za-z_]\w*$/.test(inner) ? inner : shownName(inner);
}

/**
 * An item of a dict or Series shown by its keys: `scores["acc"]` -> `scores.acc`, `report["macro avg"]["f1-score"]`
 * -> `report.macro avg.f1-score`, as the run names the entries of a dict the cell defines (round 59: they were the
 * metric `shown`); undefined for anything else.
 */
function itemName(element: string): string | undefined {
  const keys = itemKeys(element);
  return keys === undefined ? undefined : keys.join('.');
}

/**
 * The receiver and keys of an item of a dict or Series by string keys: `report["macro avg"]["f1-score"]` ->
 * `['report', 'macro avg', 'f1-score']`; undefined for anything else.
 */
export function itemKeys(element: string): string[] | undefined {
  const m = /^([A-Za-z_]\w*)((?:\[\s*(?:"[^"\\]+"|'[^'\\]+')\s*\])+)$/.exec(element.trim());
  if (m === null) return undefined;
  return [m[1] ?? '', ...[...(m[2] ?? '').matchAll(/\[\s*(?:"([^"]+)"|'([^']+)')\s*\]/g)].map((k) => k[1] ?? k[2] ?? '')];
}

/** The one value a conversion to a number converts: `float(x)`, `np.float64(x)`, `x.item()` -> `x`. */
function converted(element: string): string | undefined {
  const text = element.trim();
  const call = /^(?:float|int|(?:np|numpy)\.(?:float64|float32|float16|double|int64|int32))\((.*)\)$/s.exec(text)?.[1];
  const args = call === undefined ? undefined : printArguments(call);
  if (args !== undefined && args.length === 1 && matchingOpen(text) === text.indexOf('(')) return args[0]?.trim();
  const item = /^(.*)\.item\(\)$/s.exec(text)?.[1];
  return item !== undefined && matchingOpen(text) === text.length - 2 ? item.trim() : undefined;
}

/**
 * A name shown as a percentage: `acc * 100`, `100 * acc`, `round(acc * 100, 2)` -> `acc_percent` (round 56 XX:
 * it was the metric `shown`); undefined for anything else.
 */
function percentName(element: string): string | undefined {
  const text = element.trim();
  const rounded = roundedArgument(text);
  if (rounded !== undefined) return percentName(rounded);
  const inner = /^\((.*)\)$/s.exec(text)?.[1] ?? text;
  // (`np.float64(acc) * 100.0` too.)
  const m = /^([A-Za-z_][\w.]*(?:\([^()]*\))?)\s*\*\s*100(?:\.0*)?$|^100(?:\.0*)?\s*\*\s*([A-Za-z_][\w.]*(?:\([^()]*\))?)$/.exec(inner.trim());
  const operand = m?.[1] ?? m?.[2];
  const name = operand === undefined ? undefined : /^[A-Za-z_]\w*$/.test(operand) ? operand : converted(operand);
  if (name !== undefined && !/^[A-Za-z_]\w*$/.test(name)) return undefined;
  return name === undefined ? undefined : `${name}_percent`;
}

/** The index of the `(` that the `)` ending `text` closes (strings skipped), or -1. */
function matchingOpen(text: string): number {
  const code = codeOffsets(text);
  if (code === undefined) return -1;
  const opens: number[] = [];
  let last = -1;
  for (const i of code) {
    const c = text[i] ?? '';
    if ('([{'.includes(c)) opens.push(i);
    else if (')]}'.includes(c)) last = opens.pop() ?? -1;
  }
  return opens.length === 0 ? last : -1;
}

/** `r2` -> [r2]; `acc, bal` and `(acc, bal)` -> [acc, bal]; anything else -> []. */
export function bareNames(expression: string | undefined): string[] {
  const text = expression?.trim().replace(/^\((.*)\)$/s, '$1').replace(/,\s*$/, '');
  if (text === undefined || text === '') return [];
  const parts = text.split(',').map((p) => p.trim());
  return parts.every((p) => /^[A-Za-z_]\w*$/.test(p)) ? parts : [];
}

/** The one name that equals `label` ignoring case ("RMSE" for `rmse`), if exactly one does. */
function sameIgnoringCase(label: string, names: ReadonlySet<string>): string | undefined {
  const matches = [...names].filter((n) => n.toLowerCase() === label.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}

/** "0.7640" -> {value 0.764, decimals 4}; "34765.385601117974" -> full precision; "1e-3" -> full. */
export function numberToken(token: string): ExpectedMetric | undefined {
  const parts = /^[-+]?(\d+\.?\d*|\.\d+)(?:[eE]([-+]?\d+))?$/.exec(token);
  if (parts === null) return undefined;
  const value = Number(token);
  if (!Number.isFinite(value)) return undefined;
  const mantissa = parts[1] ?? '';
  const decimals = /\.(\d+)$/.exec(mantissa)?.[1]?.length;
  // Python's repr round-trips: a float printed with its repr is exact, so treat ≥ 12 significant digits as full precision.
  const digits = mantissa.replace(/\./, '').replace(/^0+/, '').length;
  if (digits >= 12) return { value };
  // `1.04e+09` (pandas, `{mse:.2e}`) is rounded to the mantissa's decimals, shifted by the exponent: -7 here.
  if (parts[2] !== undefined) return { value, decimals: (decimals ?? 0) - Number(parts[2]) };
  if (decimals === undefined) return { value };
  return { value, decimals };
}

/**
 * "93.00%" (a `{acc:.2%}` field) -> {value 0.93, decimals 4}: the fraction, to the decimals shown plus two;
 * undefined for anything else.
 */
export function percentToken(token: string): ExpectedMetric | undefined {
  const parts = /^([-+]?\d+)(?:\.(\d+))?%$/.exec(token);
  if (parts === null) return undefined;
  const decimals = (parts[2]?.length ?? 0) + 2;
  // Moving the point by the exponent gives the fraction as written (0.9357, not 93.57 / 100 = 0.9357000000000001).
  const value = Number(`${parts[1] ?? ''}.${parts[2] ?? ''}e-2`);
  return Number.isFinite(value) ? { value, decimals } : undefined;
}

/**
 * `token` without the separators of its digit groups (`12,345.6`, `-1_204_000`, `1,250.00%`), as Python's `,` and `_`
 * format options write them; undefined when it is no number written in groups of three.
 */
export function ungrouped(token: string): string | undefined {
  return /^[-+]?\d{1,3}(?:([,_])\d{3})(?:\1\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?%?$/.test(token) ? token.replace(/[,_]/g, '') : undefined;
}

/**
 * A number as pandas shows it in a table, also with its digits in groups (`1,851,851.84` under
 * `pd.set_option("display.float_format", "{:,.2f}".format)`, as finance notebooks set it).
 */
function tableNumber(token: string): ExpectedMetric | undefined {
  return numberToken(ungrouped(token) ?? token);
}

/**
 * Whether a cell's source formats a value with its digits in groups: a format field with the `,` or `_` option
 * (`{n:,}`, `{:_.1f}`, `{mse:,.2f}`) in an f-string or a `.format` string, or `format(n, ",")`.
 */
function formatsGrouped(source: string): boolean {
  return /\{[^{}:]*:[^{}.]*[,_][^{}]*\}/.test(source) || /\bformat\([^()]*,\s*[rRuU]?(["'])[^"'.]*[,_]/.test(source);
}

/** A cell's source with its lines ended by `\n` (as `sourceLines` splits it): the patterns here read lines with `$`. */
function sourceText(value: unknown): string {
  return sourceLines(textOf(value)).join('\n');
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').join('');
  return '';
}

/** Whether the cell's saved outputs hold text it printed (a stdout stream). */
export function printedSomething(cell: NotebookCell): boolean {
  return (cell.outputs ?? []).some((o) => isRecord(o) && o['output_type'] === 'stream' && o['name'] === 'stdout');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether what line `line` of `cell` printed is text, no number, in the cell's saved output: after its label
 * (`print("best model:", ...)`), a line starting with the label followed by a word that reads as no number; printed
 * alone (`print(best["model"])`, round 66), its own line of the output, when each print is a statement of the cell's
 * own printing one line.
 */
export function printsText(cell: NotebookCell, line: number): boolean {
  const lines = sourceText(cell.source).split('\n');
  const source = lines[line - 1] ?? '';
  const out = streamsJoined(cell.outputs ?? []).flatMap((o) => (isRecord(o) && o['output_type'] === 'stream' ? [textOf(o['text'])] : [])).join('');
  const text = (rest: string | undefined): boolean => rest !== undefined && rest !== '' && !/^[-+]?(?:\d|\.\d|nan\b|inf\b)/i.test(rest);
  const label = /^\s*print\(\s*[rRuU]?(["'])([^"'\\]+)\1\s*,/.exec(source)?.[2]?.trim();
  if (label === undefined) {
    const printed = out.replace(/\n$/, '').split('\n');
    const prints = lines.filter((l) => /^print\(/.test(l));
    const own = /^print\(/.test(source) && !lines.some((l) => /^\s+\S/.test(l)) && prints.length === printed.length;
    return own && text(printed[lines.slice(0, line - 1).filter((l) => /^print\(/.test(l)).length]?.trim());
  }
  if (label === '') return false;
  const printed = out.split('\n').filter((l) => l.startsWith(label)).map((l) => l.slice(label.length).trim());
  return printed.length > 0 && printed.every(text);
}
