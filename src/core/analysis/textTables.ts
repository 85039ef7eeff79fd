/**
 * Tables a metrics cell prints as text (`print(cv_table.to_string())`, `print(classification_report(y, p))`,
 * `print(df)`, `print(df.describe())`). A run reads numbers from printed text only under a label
 * (`print("acc:", acc)`), so the numbers of such a table are never checked, and nothing said so: these are the
 * lines to name, with how to make them metrics (show the table, or the report as a dict).
 */
import { printArguments } from './expectedMetrics';
import { sourceLines } from './python/lexical';

/** A `print(...)` line of a metrics cell that prints a table as text. */
export interface PrintedTextTable {
  /** 1-based line in the cell. */
  readonly line: number;
  /** The printed argument, as written (`cv_table.to_string()`). */
  readonly text: string;
  /** `report`: a text classification report; `frame`: a table (a DataFrame) printed as text. */
  readonly kind: 'report' | 'frame';
  /** For a frame, the expression of the table itself (`cv_table` of `cv_table.to_string()`), to show instead. */
  readonly table?: string;
}

/** Calls whose value is a table (a DataFrame): a name assigned from one holds a table. */
const TABLE_MAKERS = /(?:\bDataFrame|\bpd\.concat|\bread_(?:csv|parquet|excel|json|sql|table|feather|pickle)|\.describe|\.groupby|\bpivot_table|\bcrosstab|\.to_frame|\.value_counts|\.corr|\.agg|\.aggregate)\s*\(|\.cv_results_\b/;

/**
 * A value that is one number however it was made (`sum(pd.read_csv(f)["v"].sum() for f in files)`,
 * `len(df.groupby("k"))`, `pd.read_csv(p)["a"].mean()`, `.item()`): the table makers inside it give no table.
 */
const SCALAR_VALUE = /^\s*(?:(?:sum|len|float|int|round|max|min|abs|bool|(?:np|numpy|math|statistics)\.\w+)\s*\(|(?!.*\.groupby\().*\]\s*\.(?:sum|mean|median|std|var|max|min|count|nunique|prod|idxmax|idxmin)\(\s*\)\s*$|.*\.item\(\s*\)\s*$|.*\.shape\[\s*\d\s*\]\s*$)/s;

/** A reduction of a table's or a series' values: one dimension less (a table's, down to a series; a series', a number). */
const REDUCTION = /\.(?:sum|mean|median|std|var|max|min|count|nunique|prod|idxmax|idxmin|all|any)\([^()]*\)$/;
/** What gives a series (one dimension): a group's sizes, value counts, a column. */
const SERIES_MAKER = /(?:\.size\(\s*\)|\.value_counts\([^()]*\)|\])$/;

/**
 * A number made by reducing a table: reductions at the end of the value (before arithmetic on numbers, `/ len(df)`,
 * `* 100`) as many as its dimensions, two for a table (`pd.crosstab(a, b).max(axis=1).sum()`, `df.mean().mean()`),
 * one for a series (`df.groupby("k").size().max()`, `y.value_counts().max()`) (round 46 Y: such a purity was
 * called a table printed as text).
 */
function reducedToNumber(value: string): boolean {
  let chain = value.trim().replace(/(?:\s*[-+*/]\s*(?:\d+(?:\.\d*)?|len\([^()]*\)|[A-Za-z_]\w*))+$/, '');
  let reductions = 0;
  for (let m = REDUCTION.exec(chain); m !== null; m = REDUCTION.exec(chain)) {
    reductions++;
    chain = chain.slice(0, m.index);
  }
  return reductions >= (SERIES_MAKER.test(chain) ? 1 : 2);
}

/** Names people give tables (`df`, `test_df`, `df_scores`, `cv_table`, `frame`). */
const TABLE_NAME = /^(?:df|frame|.*_df|df_.*|.*tables?.*|.*_frame)$/i;

/** A method giving a table back (or its text), which a printed table goes through: `t.round(3)`, `t.to_string()`. */
const TABLE_METHODS = /^(?:to_string|to_markdown|describe|head|tail|round|sort_values|sort_index|reset_index|set_index|T|transpose|style)$/;

/**
 * The text tables a metrics cell's source prints, line by line. `assigned` gives the value text of each name the
 * notebook assigns (all assignments of that name), which tells a table by what made it.
 */
export function printedTextTables(source: string, assigned: (name: string) => readonly string[]): PrintedTextTable[] {
  const found: PrintedTextTable[] = [];
  for (const [i, raw] of sourceLines(source).entries()) {
    const args = /^\s*print\((.*)\)\s*(?:#.*)?$/.exec(raw)?.[1];
    if (args === undefined) continue;
    for (const arg of printArguments(args)) {
      const text = arg.trim();
      if (/^\w+\s*=/.test(text)) continue;
      const table = printedTable(text, assigned);
      if (table !== undefined) {
        found.push({ line: i + 1, ...table });
        break;
      }
    }
  }
  return found;
}

/** What one printed argument is, when it is a text table. */
function printedTable(text: string, assigned: (name: string) => readonly string[]): Omit<PrintedTextTable, 'line'> | undefined {
  if (/^(?:[\w.]+\.)?classification_report\s*\(/.test(text)) return /\boutput_dict\s*=\s*True\b/.test(text) ? undefined : { text, kind: 'report' };
  // `name`, `name.describe()`, `name.to_string(index=False)`, `name.round(3).to_string()`.
  const m = /^([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*(?:\([^()]*\))?)*)$/.exec(text);
  if (m === null) return undefined;
  const name = m[1] ?? '';
  const methods = [...(m[2] ?? '').matchAll(/\.([A-Za-z_]\w*)(\()?/g)].map((x) => ({ name: x[1] ?? '', call: x[2] !== undefined }));
  if (!methods.every((x) => TABLE_METHODS.test(x.name))) return undefined;
  const describes = methods.some((x) => x.name === 'describe');
  const isTable = describes || TABLE_NAME.test(name) || assigned(name).some((v) => TABLE_MAKERS.test(v) && !SCALAR_VALUE.test(v) && !reducedToNumber(v));
  if (!isTable) return undefined;
  // Show the table itself: `cv_table` of `cv_table.to_string()`, `df.describe()` as it is.
  const shown = text.replace(/\.(?:to_string|to_markdown)\([^()]*\)$/, '');
  return { text, kind: 'frame', table: shown };
}
