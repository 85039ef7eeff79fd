/**
 * `promote --execute`: runs a copy of the notebook with nbconvert on the configured Python and reads the
 * exact metric values from a cell appended after the metrics cell. The notebook itself is never written:
 * the copy lives in a temporary folder and its first cell changes into the notebook's folder, so relative
 * data paths work as they do in Jupyter.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Notebook } from '../contract/notebook';
import type { RecordedValue } from '../contract/pipelineConfig';
import type { PrintedValue } from '../contract/stepGraph';
import { bindPrintedValue, withPrintedValues } from '../analysis/printedValues';
import { roundedName } from '../analysis/expectedMetrics';
import { NbpromoteError } from '../errors';
import { parseNotebook } from '../notebook/parse';
import { pyNames } from '../scaffold/pythonText';
import { codeSha256 } from '../versioning/hash';
import { runtimeSource } from '../scaffold/runtimeSource';
import type { Logger } from '../util/logger';
import { cannotRun, processExists } from '../util/process';
import { isMissing } from '../io/paths';
import { RAISES_EXCEPTION, raisesException } from '../tags/vocabulary';

export interface MetricsProbe {
  /** Index of the last metrics cell: the probe cell runs right after it. */
  readonly afterCell: number;
  /** The metric names (`metricNames` in scaffold/plan.ts): read from the notebook's namespace after the cell. */
  readonly names: readonly string[];
  /** The metrics cell ends with an expression Jupyter may show (`Out` holds its value unless it is None). */
  readonly shown: boolean;
  /**
   * Values an earlier metrics cell read, from a step a later step rebinds them after: read (copied) right after
   * that cell, as the package's metrics take them from the step that made them then.
   */
  readonly earlier?: readonly { readonly afterCell: number; readonly names: readonly string[] }[];
  /** The names of the value the last metrics cell shows when it is computed (`shownNames`). */
  readonly shownNames?: readonly (string | undefined)[];
  /** The name the last metrics cell's shown value rounds (`results.round(4)`): its every digit is recorded (`unrounded`). */
  readonly shownExact?: string;
  /**
   * Earlier metrics cells showing a value (`accuracy_score(y, p)`, `summary`): kept right after each, read by its
   * names, or with none by how `earlierShownRead` says (`earlier_shown_metrics`).
   */
  readonly shownEarlier?: readonly { readonly afterCell: number; readonly names: readonly (string | undefined)[]; readonly read?: 'by-name' | 'entries' }[];
  /**
   * What the metrics cells pass to `display(...)`, read as shown tables (`displayed_metrics`) in this order, a
   * later one's names winning: a name (read at the end), or the index of an expression in `displayedAfter`.
   */
  readonly displayed?: readonly (string | number)[];
  /** Values the metrics cells print under a label: bound to their names in the copy that runs, as the package does. */
  readonly printedValues?: readonly PrintedValue[];
  /** Expressions metrics cells pass to `display(...)` (`results.sort_values("auc")`): evaluated right after each cell, by index. */
  readonly displayedAfter?: readonly { readonly afterCell: number; readonly expressions: readonly { readonly index: number; readonly text: string }[] }[];
}

/** A step's outputs to record after its last cell ran. */
export interface StepProbe {
  readonly step: string;
  readonly afterCell: number;
  readonly outputs: readonly string[];
}

export interface ExecuteRequest {
  readonly notebook: string;
  readonly cwd: string;
  readonly python: string;
  readonly probe: MetricsProbe | undefined;
  readonly steps?: readonly StepProbe[];
  /** Cells the package leaves out (`skip`): the run goes on when one of them fails, as the pipeline never needs them. */
  readonly mayFail?: readonly number[];
  readonly logger: Logger;
  /** Seconds a cell may run; default 900. */
  readonly cellTimeout?: number;
  /**
   * Stops the run when aborted (its reason, a string such as `SIGTERM`, is named): nbconvert, its kernel and
   * what they started are killed, the temporary copy removed, and NbpromoteError('cancelled') thrown.
   */
  readonly stop?: AbortSignal;
}

const MARKER = 'NBPROMOTE_METRICS ';
const STEP_MARKER = 'NBPROMOTE_STEP ';

export interface Execution {
  /** Metric name -> exact value, as the runtime names them. */
  readonly metrics: Map<string, number>;
  /** Step -> output -> its type and shape after the step's last cell ran. */
  readonly outputs: Map<string, Record<string, RecordedValue>>;
  /** The code's sha256 (`codeSha256`) of the notebook that ran: promotion refuses other code (saved while it ran). */
  readonly codeSha256?: string;
}

export async function executeForMetrics(request: ExecuteRequest): Promise<Map<string, number>> {
  return (await executeNotebook(request)).metrics;
}

export async function executeNotebook(request: ExecuteRequest): Promise<Execution> {
  const path = resolve(request.cwd, request.notebook);
  const parsed = parseNotebook(await readFile(path, 'utf8'), request.notebook);
  if (parsed.notebook === undefined) throw new NbpromoteError('invalidInput', `${request.notebook}: cannot be read as a notebook`);
  const copy = probeNotebook(parsed.notebook, dirname(path), request.probe, request.steps ?? [], request.mayFail ?? []);
  await removeStaleExecuteFolders();
  const folder = await mkdtemp(join(tmpdir(), `${EXECUTE_FOLDER}${process.pid}-`));
  try {
    const input = join(folder, 'notebook.ipynb');
    await writeFile(input, JSON.stringify(copy));
    request.logger.info(`running ${request.notebook} with ${request.python} -m nbconvert --execute ...`);
    const cells = new Map([...notebookCells(copy)].map(([count, index]) => [count, { index, id: parsed.notebook?.cells[index]?.id, source: parsed.notebook?.cells[index]?.source, fileLine: parsed.notebook?.cells[index]?.fileLine }]));
    // The executed notebook comes back in a file: the kernel shares nbconvert's stdout, where what a cell writes
    // below Python's sys.stdout lands (`os.system`, a subprocess, a C library's log lines).
    await run(request.python, ['-m', 'nbconvert', '--to', 'notebook', '--execute', `--output-dir=${folder}`, '--output=executed.ipynb', `--ExecutePreprocessor.timeout=${request.cellTimeout ?? 900}`, '--log-level=ERROR', input], request.notebook, cells, request.stop, folder, movesFolder(parsed.notebook) ? undefined : dirname(path));
    // A "Python" that exits 0 without running nbconvert (`--python /bin/true`) writes no notebook (round 66 QQQ:
    // this said a folder on the way had been removed).
    const executed = await readFile(join(folder, 'executed.ipynb'), 'utf8').catch((ex: unknown) => {
      if (!isMissing(ex)) throw ex;
      throw new NbpromoteError('notFound', `executing ${request.notebook} failed: the Python ${request.python} exited with status 0 without running the notebook (nbconvert wrote no executed copy). Give --python (or NBPROMOTE_PYTHON) a Python with nbconvert installed`);
    });
    return { ...readProbes(executed, request.notebook, request.probe !== undefined), codeSha256: codeSha256(parsed.notebook.cells.filter((c) => c.kind === 'code')) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Whether the notebook's code may change the folder it runs in (`%cd`, `os.chdir`). */
function movesFolder(notebook: Notebook): boolean {
  return notebook.cells.some((c) => c.kind === 'code' && /(?:^|\n)\s*%?cd\s|\bchdir\s*\(/.test(c.source));
}

/** The start of the temporary folder's name; the process id follows, so a later run can tell a folder left over. */
const EXECUTE_FOLDER = 'nbpromote-execute-';
const EXECUTE_FOLDER_PID = new RegExp(`^${EXECUTE_FOLDER}(\\d+)-`);

/**
 * Removes the temporary folders of `--execute` runs whose process is gone: one killed with SIGKILL never ran its
 * `finally`, and the copy of the notebook with its executed outputs stayed in the temporary folder. `under`: the
 * folder to look in (the system's temporary folder).
 */
export async function removeStaleExecuteFolders(under = tmpdir()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(under);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(EXECUTE_FOLDER_PID.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processExists(pid)) continue;
    // Another user's folder (a shared /tmp) is not ours to remove: that fails, and is left.
    await rm(join(under, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The notebook as nbformat 4 JSON with a first cell that enters `folder` and a probe cell after the metrics.
 * The `mayFail` cells carry nbclient's `raises-exception` tag: an error there does not stop the run.
 */
export function probeNotebook(notebook: Notebook, folder: string, probe: MetricsProbe | undefined, steps: readonly StepProbe[] = [], mayFail: readonly number[] = []): Record<string, unknown> {
  const cells: Record<string, unknown>[] = [code(['import os as _nbp_os', `_nbp_os.chdir(${JSON.stringify(folder)})`, ...DESCRIBE].join('\n'))];
  for (const cell of notebook.cells) {
    const printed = (probe?.printedValues ?? []).filter((v) => v.cellIndex === cell.index);
    const source = printed.length === 0 ? cell.source : withPrintedValues(cell.source, printed, bindPrintedValue);
    // (The notebook's own `raises-exception` too: nbconvert runs past it in the notebook, round 70 XXX.)
    const fails = mayFail.includes(cell.index) || raisesException(cell.tags);
    const watched = cell.kind === 'code' && !fails && MAGIC_LINE.test(cell.source);
    if (watched) cells.push(code(SEEN_SOURCE));
    if (cell.kind === 'code') cells.push({ ...code(source), metadata: { nbpromote: { cell: cell.index }, ...(fails ? { tags: [RAISES_EXCEPTION.key] } : {}) } });
    else cells.push({ cell_type: cell.kind, metadata: {}, source: cell.source });
    // Right after the last metrics cell, before any other probe, so the cell above is that one.
    if (probe?.shown === true && cell.index === probe.afterCell) cells.push(code(lastShownSource()));
    for (const step of steps) if (cell.index === step.afterCell) cells.push(code(stepProbeSource(step)));
    // The shown value first: its probe takes what the cell right above it showed.
    for (const shown of probe?.shownEarlier ?? []) if (cell.index === shown.afterCell) cells.push(code(shownProbeSource(shown.names, shown.read === 'by-name')));
    for (const early of probe?.earlier ?? []) if (cell.index === early.afterCell) cells.push(code(earlyProbeSource(early.names)));
    for (const displayed of probe?.displayedAfter ?? []) if (cell.index === displayed.afterCell) cells.push(code(displayedProbeSource(displayed.expressions)));
    if (probe !== undefined && cell.index === probe.afterCell) cells.push(code(probeSource(probe)));
    // Last, so the probes above still find the cell's own value right above them.
    if (watched) cells.push(code(shownErrorSource(cell.index)));
  }
  return {
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

/**
 * A line magic or cell magic (`%%time`, `%time x = f()`, `%%capture out`, `%run`): IPython's `time` and `capture`
 * show an error the code raised and report the cell as run (round 76 KLK: nbconvert went on, the run recorded
 * metrics of a notebook that had failed, or a later cell was named for it).
 */
const MAGIC_LINE = /^[ \t]*%/m;
const SHOWN_MARKER = 'NBPROMOTE_SHOWN ';

/** Python run before a watched cell: the error IPython last showed (`sys.last_value`), to tell a new one. */
const SEEN_SOURCE = ['import sys as _nbp_sys', '_nbp_seen = _nbp_b.getattr(_nbp_sys, "last_value", None)'].join('\n');

/**
 * Where the code a magic runs starts in the cell: the line before its first line, so that line N of that code is
 * cell line N + the offset. A cell magic (`%%time`, `%%capture`) runs the lines below it; a cell's one line magic
 * running a statement (`%time x = f()`) runs that line's statement. Undefined when it cannot be told (two such
 * line magics, or none).
 */
export function magicCodeOffset(source: string): number | undefined {
  const lines = source.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  // IPython leaves out the blank lines the code starts with (round 78 NON: the line was that many too small).
  if (/^[ \t]*%%/.test(lines[first] ?? '')) {
    const body = lines.findIndex((l, i) => i > first && l.trim() !== '');
    return body < 0 ? first + 1 : body;
  }
  const timed = lines.flatMap((l, i) => (/^[ \t]*%(?:time|timeit|prun)\b/.test(l) ? [i] : []));
  return timed.length === 1 ? timed[0] : undefined;
}

/**
 * Python run after a watched cell: when IPython showed an error in it (an exception with its traceback, as IPython
 * keeps it for the debugger: not a value the notebook's own code put in `sys.last_value`, round 77 LML), raises one
 * naming the cell, the error and the frames of its traceback in the notebook's code: `[count, line]` for code of the
 * cell with that execution count (IPython's file name for each), `["magic", line]` for code `%%time` ran, for
 * {@link shownError}.
 */
function shownErrorSource(cellIndex: number): string {
  return [
    '_nbp_v = _nbp_b.getattr(_nbp_sys, "last_value", None)',
    'if _nbp_v is not _nbp_seen and _nbp_b.isinstance(_nbp_v, _nbp_b.BaseException) and _nbp_v.__traceback__ is not None and _nbp_b.getattr(_nbp_sys, "last_traceback", None) is _nbp_v.__traceback__:',
    '    import traceback as _nbp_traceback',
    '    _nbp_files = _nbp_b.getattr(_nbp_b.getattr(get_ipython(), "compile", None), "_filename_map", {})',
    '    _nbp_frames, _nbp_tb = [], _nbp_v.__traceback__',
    '    while _nbp_tb is not None:',
    '        _nbp_f = _nbp_tb.tb_frame.f_code.co_filename',
    '        if _nbp_f in ("<timed exec>", "<timed eval>"):',
    '            _nbp_frames.append(["magic", _nbp_tb.tb_lineno])',
    '        elif _nbp_f in _nbp_files:',
    '            _nbp_frames.append([_nbp_files[_nbp_f], _nbp_tb.tb_lineno])',
    '        _nbp_tb = _nbp_tb.tb_next',
    '    _nbp_error = "".join(_nbp_traceback.format_exception_only(_nbp_b.type(_nbp_v), _nbp_v)).strip()',
    `    raise _nbp_b.RuntimeError(${JSON.stringify(SHOWN_MARKER)} + _nbp_json.dumps({"cell": ${cellIndex}, "frames": _nbp_frames, "error": _nbp_error}))`,
  ].join('\n');
}

/**
 * The words for a failed run whose traceback is the one {@link shownErrorSource} raised: `cell 4 (id c1), line 3:
 * FileNotFoundError: ...` (with `, in code from cell 2 (id c0), line 5` when the failing line is in a function another
 * cell defined) and why the run stopped there; undefined for any other failure.
 */
export function shownError(stderr: string, cells: ReadonlyMap<number, CountedCell>, folder: string | undefined): string | undefined {
  const json = new RegExp(`${SHOWN_MARKER}(\\{.*\\})`).exec(stderr)?.[1];
  if (json === undefined) return undefined;
  let shown: { cell?: unknown; frames?: unknown; error?: unknown };
  try {
    shown = JSON.parse(json) as typeof shown;
  } catch {
    return undefined;
  }
  const cell = [...cells.values()].find((c) => c.index === shown.cell);
  if (cell === undefined || typeof shown.error !== 'string') return undefined;
  const own = [...cells].find(([, c]) => c === cell)?.[0];
  const offset = magicCodeOffset(cell.source ?? '');
  const frames = (Array.isArray(shown.frames) ? shown.frames : []).flatMap((f: unknown) => {
    if (!Array.isArray(f) || typeof f[1] !== 'number') return [];
    const [where, line] = f as [unknown, number];
    // The magic's code (`%%time`), or the cell's own code run again under its count (`%%capture` runs the lines below it).
    if (where === 'magic' || where === own) return [{ cell, line: offset === undefined ? undefined : line + offset }];
    const other = typeof where === 'number' ? cells.get(where) : undefined;
    return other === undefined ? [] : [{ cell: other, line }];
  });
  // No frame of the cell's own (`%run other.py` failing in that file): the line of its one magic, if it has one.
  const magicLines = (cell.source ?? '').split(/\r?\n/).flatMap((l, i) => (/^[ \t]*%/.test(l) ? [i + 1] : []));
  const running = frames.find((f) => f.cell === cell) ?? { cell, line: magicLines.length === 1 ? magicLines[0] : undefined };
  const magic = /^[ \t]*(%{1,2}\w+)/m.exec(cell.source ?? '')?.[1] ?? 'a magic';
  return `${placeWords(running, frames, false)}: ${shown.error}${relativeTo(shown.error, folder)}. ${magic} showed the error and Jupyter went on to the next cell, but the cell's code stopped there, as the package's would`;
}

function code(source: string): Record<string, unknown> {
  return { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source };
}

/**
 * Defines `_nbp_describe(value)`: its type as `module.QualifiedName` and its `.shape` when it has one. The probes
 * call builtins through `_nbp_b` (the `builtins` module): a notebook's own `type = "ridge"` or `list = [...]`
 * shadows them in the namespace the probes run in (round 73 FGF: `--execute` failed in nbpromote's own code).
 */
const DESCRIBE = [
  'import builtins as _nbp_b',
  'import json as _nbp_json',
  'def _nbp_describe(value):',
  '    kind = _nbp_b.type(value)',
  '    shape = _nbp_b.getattr(value, "shape", None)',
  '    described = {"type": f"{kind.__module__}.{kind.__qualname__}"}',
  '    if _nbp_b.isinstance(shape, _nbp_b.tuple) and _nbp_b.all(_nbp_b.isinstance(d, _nbp_b.int) for d in shape):',
  '        described["shape"] = _nbp_b.list(shape)',
  '    return described',
];

function stepProbeSource(step: StepProbe): string {
  const names = JSON.stringify(step.outputs);
  return `_nbp_b.print(${JSON.stringify(STEP_MARKER)} + _nbp_json.dumps({"step": ${JSON.stringify(step.step)}, "outputs": {_nbp_n: _nbp_describe(_nbp_b.globals()[_nbp_n]) for _nbp_n in ${names} if _nbp_n in _nbp_b.globals()}}))`;
}

/** Python keeping copies of `names` as they are now, the first time each is seen, for {@link probeSource}. */
function earlyProbeSource(names: readonly string[]): string {
  return [
    'import copy as _nbp_copy',
    '_nbp_early = _nbp_b.globals().setdefault("_nbp_early", {})',
    `for _nbp_n in ${JSON.stringify(names)}:`,
    '    if _nbp_n in _nbp_b.globals() and _nbp_n not in _nbp_early:',
    '        try:',
    '            _nbp_early[_nbp_n] = _nbp_copy.deepcopy(_nbp_b.globals()[_nbp_n])',
    '        except _nbp_b.Exception:',
    '            _nbp_early[_nbp_n] = _nbp_b.globals()[_nbp_n]',
  ].join('\n');
}

/**
 * Python keeping the value the cell just above showed (IPython's `Out` by that cell's execution count, so a
 * cell that showed nothing keeps nothing), with its names, for {@link probeSource}.
 */
function shownProbeSource(names: readonly (string | undefined)[], byName: boolean): string {
  return [
    '_nbp_count = get_ipython().execution_count - 1',
    `if _nbp_count in Out: _nbp_b.globals().setdefault("_nbp_shown", []).append((Out[_nbp_count], ${pyNames(names)}, ${byName ? 'True' : 'False'}))`,
  ].join('\n');
}

/**
 * Python keeping what the last metrics cell itself showed, for {@link probeSource}. IPython's `_` is the last
 * value any cell showed: a metrics cell ending in a call that returns None (`log_metrics(...)`) shows nothing
 * and leaves `_` as an earlier cell's table, which the package's metrics never see. `Out` by the cell's own
 * execution count holds only what that cell showed.
 */
function lastShownSource(): string {
  return '_nbp_last_shown = Out.get(get_ipython().execution_count - 1)';
}

/** Python that keeps the values of the expressions the cell above displayed, by index (a failing one is skipped, as the notebook showed nothing then). */
function displayedProbeSource(expressions: readonly { readonly index: number; readonly text: string }[]): string {
  return [
    `for _nbp_i, _nbp_e in ${JSON.stringify(expressions.map((e) => [e.index, e.text]))}:`,
    '    try:',
    '        _nbp_b.globals().setdefault("_nbp_displayed", {})[_nbp_i] = _nbp_b.eval(_nbp_e, _nbp_b.globals())',
    '    except _nbp_b.Exception:',
    '        pass',
  ].join('\n');
}

/** Python for the probe: the runtime's own metric rules (with_shown, flatten_metrics), so names match runs. */
function probeSource(probe: MetricsProbe): string {
  const names = JSON.stringify(probe.names);
  return [
    'import sys as _nbp_sys, types as _nbp_types',
    '_nbp_rt = _nbp_types.ModuleType("_nbpromote_runtime")',
    '_nbp_sys.modules[_nbp_rt.__name__] = _nbp_rt',
    `_nbp_b.exec(_nbp_b.compile(${JSON.stringify(runtimeSource)}, "_runtime.py", "exec"), _nbp_rt.__dict__)`,
    '_nbp_early = _nbp_b.globals().get("_nbp_early", {})',
    `_nbp_values = _nbp_rt.with_shown(${probe.shown ? '_nbp_b.globals().get("_nbp_last_shown")' : 'None'}, {_nbp_n: _nbp_early.get(_nbp_n, _nbp_b.globals().get(_nbp_n)) for _nbp_n in ${names} if _nbp_n in _nbp_b.globals() or _nbp_n in _nbp_early}, ${probe.shownNames === undefined ? 'None' : pyNames(probe.shownNames)}${probe.shownExact === undefined ? '' : `, exact=_nbp_b.globals().get(${JSON.stringify(probe.shownExact)})`})`,
    // The displayed tables in the package's order (a later one's names win), under what the cells assign; an
    // expression rounding a name (`display(results.round(3))`) with that name's every digit, as the package reads it.
    '_nbp_tables = {}',
    `_nbp_exact = ${JSON.stringify(Object.fromEntries((probe.displayedAfter ?? []).flatMap((a) => a.expressions).flatMap((e) => { const name = roundedName(e.text); return name === undefined ? [] : [[String(e.index), name]]; })))}`,
    `for _nbp_d in ${JSON.stringify(probe.displayed ?? [])}:`,
    '    _nbp_v = _nbp_b.globals().get("_nbp_displayed", {}).get(_nbp_d) if _nbp_b.isinstance(_nbp_d, _nbp_b.int) else _nbp_b.globals().get(_nbp_d)',
    '    if _nbp_v is not None:',
    '        _nbp_tables.update(_nbp_rt.displayed_metrics(_nbp_v, _nbp_b.globals().get(_nbp_exact.get(_nbp_b.str(_nbp_d), ""))))',
    '_nbp_values = {**_nbp_tables, **_nbp_values}',
    '_nbp_values = {**{_nbp_k: _nbp_v for _nbp_s, _nbp_ns, _nbp_by in _nbp_b.globals().get("_nbp_shown", []) for _nbp_k, _nbp_v in _nbp_rt.earlier_shown_metrics(_nbp_s, _nbp_ns, _nbp_by).items()}, **_nbp_values}',
    // inf and NaN as null (JSON has neither), as `run --json` gives them: no expected value to check.
    `_nbp_b.print(${JSON.stringify(MARKER)} + _nbp_json.dumps({_nbp_k: (_nbp_v if _nbp_v == _nbp_v and _nbp_b.abs(_nbp_v) != _nbp_b.float("inf") else None) for _nbp_k, _nbp_v in _nbp_rt.flatten_metrics(_nbp_values).items()}))`,
  ].join('\n');
}

function readProbes(executedJson: string, file: string, wantMetrics: boolean): Execution {
  const executed = JSON.parse(executedJson) as { cells?: { outputs?: { text?: string | string[] }[] }[] };
  let metrics: Map<string, number> | undefined;
  const outputs = new Map<string, Record<string, RecordedValue>>();
  for (const cell of executed.cells ?? []) {
    for (const output of cell.outputs ?? []) {
      const text = Array.isArray(output.text) ? output.text.join('') : output.text ?? '';
      for (const line of text.split('\n')) {
        if (line.startsWith(MARKER)) {
          const values = JSON.parse(line.slice(MARKER.length)) as Record<string, number>;
          metrics = new Map(Object.entries(values).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
        } else if (line.startsWith(STEP_MARKER)) {
          const probe = JSON.parse(line.slice(STEP_MARKER.length)) as { step: string; outputs: Record<string, RecordedValue> };
          outputs.set(probe.step, probe.outputs);
        }
      }
    }
  }
  if (wantMetrics && metrics === undefined) throw new NbpromoteError('invalidInput', `${file}: the executed notebook did not reach its metrics cell`);
  return { metrics: metrics ?? new Map(), outputs };
}

/**
 * The notebook cell each execution count of the copy ran (counts go 1, 2 ... over the code cells nbclient runs,
 * which include the cells nbpromote added): a failure's "Cell In[4]" is then told as the notebook's own cell.
 * nbclient runs no cell whose source is blank, nor one tagged `skip-execution`: those get no count (round 51 KK:
 * after an empty cell, the error named the cell above the one that failed).
 */
export function notebookCells(copy: Record<string, unknown>): Map<number, number> {
  const byCount = new Map<number, number>();
  const codeCells = (copy['cells'] as { cell_type: string; source?: unknown; metadata: { nbpromote?: { cell: number }; tags?: unknown } }[]).filter((c) => c.cell_type === 'code');
  let count = 0;
  for (const c of codeCells) {
    const source = Array.isArray(c.source) ? c.source.join('') : typeof c.source === 'string' ? c.source : '';
    if (source.trim() === '' || (Array.isArray(c.metadata.tags) && c.metadata.tags.includes('skip-execution'))) continue;
    count++;
    if (c.metadata.nbpromote !== undefined) byCount.set(count, c.metadata.nbpromote.cell);
  }
  return byCount;
}

/** A notebook cell as a copy's execution count tells it: its index, and its id when it has one. */
interface CountedCell {
  readonly index: number;
  readonly id?: string | undefined;
  /** Its source, to know it in nbclient's "An error occurred while executing the following cell" block. */
  readonly source?: string | undefined;
  /** The file line of its first line, in a percent script. */
  readonly fileLine?: number | undefined;
}

/**
 * The error a kernel's traceback ends with, all of its lines (`ValueError: Input X contains NaN.` and the advice
 * below it): from the last line naming an exception (`SomeError: ...` at the line's start) to the end, at most ten
 * lines; the last line when none names one (round 74 HIH: only the last line of a message of several was said).
 */
export function raisedMessage(traceback: string): string {
  const lines = traceback.trim().split('\n');
  let at = lines.length - 1;
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 10); i--) {
    if (/^[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt|Iteration)\b(?::|$)/.test(lines[i] ?? '')) {
      at = i;
      break;
    }
  }
  return lines.slice(at).map((l) => l.trimEnd()).join('\n').trim();
}

/**
 * Where the kernel's traceback (IPython's, colours removed) says the notebook failed: the cell that was
 * running and its line, and the innermost frame in another cell (a function a cell defined) when there is
 * one, as `cell 9 (id c008), line 3`. Only the last traceback is read: an exception chained to another
 * (`raise KeyError(key) from err` inside pandas) prints the one it came from first. Undefined when no frame
 * of the traceback is one of the notebook's cells (the cells nbpromote added, or an error outside the kernel).
 */
export function failedCell(traceback: string, cells: ReadonlyMap<number, CountedCell>): string | undefined {
  const blocks = traceback.split(/Traceback \(most recent call last\)/);
  const last = blocks[blocks.length - 1] ?? '';
  // IPython 8.5 and later: `Cell In[6], line 3`; 8.0 to 8.4: `Input In [6], in <cell line: 3>()`.
  const frames = [...last.matchAll(/(?:\bCell In ?\[(\d+)\], line (\d+)|\bInput In ?\[(\d+)\], in <cell line: (\d+)>)/g)].flatMap((m) => {
    const cell = cells.get(Number(m[1] ?? m[3]));
    return cell === undefined ? [] : [{ cell, line: Number(m[2] ?? m[4]) }];
  });
  const running = frames[0];
  if (running === undefined) {
    // No frame of a cell (IPython's UsageError of an unknown magic, a misplaced %%time): nbclient still prints
    // the cell it was running between two lines of dashes, and the error names the magic.
    const shown = /An error occurred while executing the following cell:\r?\n-{6,}\r?\n([\s\S]*?)\r?\n-{6,}/.exec(traceback)?.[1];
    const cell = shown === undefined ? undefined : [...cells.values()].find((c) => c.source !== undefined && c.source.trim() === shown.trim());
    if (cell === undefined || shown === undefined) return undefined;
    const magic = /(?:Line|Cell) magic function `(%{1,2}[\w.]+)` not found|`(%%[\w.]+)` is a cell magic/.exec(last)?.slice(1).find((m) => m !== undefined);
    const at = magic === undefined ? -1 : shown.split(/\r?\n/).findIndex((l) => l.trimStart().startsWith(magic));
    return frameWords({ cell, line: at < 0 ? undefined : at + 1 });
  }
  return placeWords(running, frames);
}

/** A cell of the notebook and a line of it a traceback names (undefined: not known). */
interface CellFrame {
  readonly cell: CountedCell;
  readonly line: number | undefined;
}

/**
 * `cell 9 (id c008), line 3`, and `, file line 41` in a percent script; when the line is not known, the file line of
 * the cell's first line, or none (`cellStart` false).
 */
function frameWords(f: CellFrame, cellStart = true): string {
  const fileLine = f.cell.fileLine === undefined || (f.line === undefined && !cellStart) ? '' : `, file line ${f.cell.fileLine + (f.line ?? 1) - 1}`;
  return `cell ${f.cell.index + 1}${f.cell.id === undefined ? '' : ` (id ${f.cell.id})`}${f.line === undefined ? '' : `, line ${f.line}`}${fileLine}`;
}

/** Where `running` failed, with `, in code from cell 4 (id c003), line 5` when the innermost of `frames` is another cell's. */
function placeWords(running: CellFrame, frames: readonly CellFrame[], cellStart = true): string {
  const inner = frames[frames.length - 1];
  const called = inner !== undefined && inner.cell.index !== running.cell.index ? `, in code from ${frameWords(inner, cellStart)}` : '';
  return `${frameWords(running, cellStart)}${called}`;
}

/**
 * ` (relative to <folder>)` after an error on a relative path the notebook did not find (`FileNotFoundError: ...
 * '../data/train.csv'`), when the notebook ran in `folder` (undefined when its code moves to another folder:
 * which one it was in then is not known); else nothing.
 */
export function relativeTo(raised: string, folder: string | undefined): string {
  if (folder === undefined || !/^(?:FileNotFoundError|NotADirectoryError|IsADirectoryError|PermissionError)\b/.test(raised)) return '';
  const path = /'([^']+)'\s*$/.exec(raised)?.[1] ?? /"([^"]+)"\s*$/.exec(raised)?.[1];
  return path === undefined || isAbsolute(path) ? '' : ` (relative to ${folder}, the notebook's folder)`;
}

function run(python: string, args: readonly string[], file: string, cells: ReadonlyMap<number, CountedCell>, stop: AbortSignal | undefined, scratch: string, folderOf?: string): Promise<void> {
  return new Promise((resolveRun, reject) => {
    // Its own process group (and the kernel has its own session, as jupyter_client starts it): a stop kills the
    // whole tree, not nbconvert alone, whose kernel would go on running the notebook.
    // Temporary files (the kernel's connection file among them) go into the run's own folder, removed with it
    // also when a killed kernel could not remove its own.
    const child = spawn(python, [...args], { env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', TMPDIR: scratch }, stdio: ['ignore', 'ignore', 'pipe'], detached: process.platform !== 'win32' });
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let stoppedBy: string | undefined;
    let killed: Promise<void> = Promise.resolve();
    const onStop = (): void => {
      stoppedBy = typeof stop?.reason === 'string' ? stop.reason : 'a stop';
      if (child.pid !== undefined) killed = killTree(child.pid);
    };
    if (stop?.aborted === true) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
    let failedToStart: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      failedToStart = error;
    });
    child.on('close', (status, signal) => {
      stop?.removeEventListener('abort', onStop);
      if (stoppedBy !== undefined) {
        const stopped = new NbpromoteError('cancelled', `${file}: the notebook run was stopped by ${stoppedBy}`);
        void killed.then(() => reject(stopped));
        return;
      }
      if (failedToStart !== undefined) {
        reject(new NbpromoteError('notFound', cannotRun(python, failedToStart.code, '--python or NBPROMOTE_PYTHON')));
        return;
      }
      if (status === 0) {
        resolveRun();
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8') || (signal !== null ? `${python} was ended by ${signal}` : `${python} exited with status ${status ?? '?'}`);
      // nbconvert passes on the kernel's traceback with its terminal colours: words only.
      // eslint-disable-next-line no-control-regex
      const plain = stderr.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
      const told = plain.replace(/\bCell In ?\[(\d+)\]/g, (text, count: string) => {
        const cell = cells.get(Number(count));
        return cell === undefined ? text : `cell ${cell.index + 1} of ${basename(file)}`;
      });
      const last = told.trim().split('\n').slice(-12).join('\n');
      // The tail of a long traceback (pandas' own frames) may not reach the notebook's cell: named first.
      const shown = shownError(plain, cells, folderOf);
      if (shown !== undefined) {
        reject(new NbpromoteError('invalidInput', `${file}: executing the notebook failed in ${shown}`));
        return;
      }
      const where = failedCell(plain, cells);
      const raised = raisedMessage(plain);
      // Named with its cell and line, the error needs no tail of the traceback (round 59 CCC: ten lines of pandas'
      // own source, then the error twice).
      const message = where === undefined ? `executing the notebook failed\n${last}${runnerAdvice(plain, python)}` : `executing the notebook failed in ${where}: ${raised}${relativeTo(raised, folderOf)}`;
      reject(new NbpromoteError('invalidInput', `${file}: ${message}`));
    });
  });
}

/**
 * What to do when the Python itself could not run the notebook, before any cell ran: nbconvert or a kernel
 * missing, or no Python 3 at all (`--python /bin/false`). Empty when the failure says nothing of the kind.
 */
export function runnerAdvice(stderr: string, python: string): string {
  const missing = /No module named '?(nbconvert|nbclient|nbformat|ipykernel|jupyter_client)\b/.exec(stderr)?.[1];
  if (missing !== undefined) return `\n${python} cannot import ${missing}, which --execute needs to run the notebook: install nbconvert and ipykernel for that Python (\`${python} -m pip install nbconvert ipykernel\`), or choose another with --python or NBPROMOTE_PYTHON`;
  if (/NoSuchKernel|No such kernel/.test(stderr)) return `\nthe notebook names a kernel ${python} does not have: install ipykernel for that Python (\`${python} -m ipykernel install --user\`), or choose another with --python or NBPROMOTE_PYTHON`;
  if (!/Traceback|Error/.test(stderr)) return `\nis ${python} a Python 3 interpreter with nbconvert? Choose one with --python or NBPROMOTE_PYTHON`;
  return '';
}

/** How long the stopped processes have to exit after SIGTERM before they get SIGKILL. */
const KILL_GRACE_MS = 3_000;

/**
 * Ends `pid`, its process group and every process below it (the kernel, in its own session, and what it
 * started): SIGTERM, then SIGKILL to those still there after KILL_GRACE_MS. The tree is read before the first
 * signal, while the kernel is still nbconvert's child.
 */
async function killTree(pid: number): Promise<void> {
  const tree = [pid, ...descendants(pid)];
  const signalAll = (signal: NodeJS.Signals): void => {
    for (const p of tree) {
      for (const target of process.platform === 'win32' ? [p] : [-p, p]) {
        try {
          process.kill(target, signal);
        } catch {
          // gone already, or not a group leader
        }
      }
    }
  };
  signalAll('SIGTERM');
  const deadline = Date.now() + KILL_GRACE_MS;
  while (Date.now() < deadline && tree.some(processExists)) await sleep(50);
  if (tree.some(processExists)) signalAll('SIGKILL');
}

/** The processes below `pid` (Linux: from /proc; elsewhere none are known and only the group is signalled). */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so it is read from the last `)`.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = queue.shift() ?? 0;
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

