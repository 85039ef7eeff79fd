/**
 * What the generated pipeline's command line (`python -m <package>.pipeline --json`, _runtime.py) prints, read
 * for people: the one JSON object of `--json` on stdout, the notebook cell its error names, and which of its
 * stderr lines are a traceback (an error) rather than progress.
 */

/** The one JSON object `pipeline --json` prints (docs/cli.md). */
export interface RunnerReport {
  readonly run_id?: string | null;
  readonly status?: string;
  /** Why the run failed: `step 'clean' failed in notebook cell 5, line 2: KeyError: 'monthly_charge'`. */
  readonly error?: string | null;
  /** The run's time in seconds, as run.json records it. */
  readonly duration_s?: number;
  readonly metrics?: Record<string, unknown>;
}

/** The JSON object `pipeline --json` prints on stdout (the last line that is one, should anything else be printed). */
export function parseRunnerReport(stdout: string): RunnerReport | undefined {
  const candidates = [stdout.trim(), ...stdout.trim().split('\n').reverse()];
  for (const text of candidates) {
    if (!text.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as RunnerReport;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The notebook cell a run's error names, as the runtime words it (`_notebook_place` in _runtime.py). */
export interface FailedCell {
  /** The cell's number (1-based, as people count them), when the error gives one. */
  readonly number?: number;
  /** The cell's id, when the notebook has ids. */
  readonly id?: string;
  /** 1-based line in the cell. */
  readonly line: number;
}

/**
 * The cell where a run failed, from its error: `... in notebook cell 5, line 2: ...`, `cell 10 (id c009), line
 * 3`, `cell with id c009, line 3` (the id not found in the notebook then), `cell 4, line 2 (churn.py line 13)`.
 * The innermost place: a `(called from cell 6, line 2)` after it is the step calling it. Undefined when the error
 * names no cell (code nbpromote added, a usage error).
 */
export function failedCell(error: string): FailedCell | undefined {
  const numbered = / in notebook cell (\d+)(?: \(id ([\w-]+)\))?, line (\d+)/.exec(error);
  if (numbered !== null) {
    return { number: Number(numbered[1]), ...(numbered[2] === undefined ? {} : { id: numbered[2] }), line: Number(numbered[3]) };
  }
  const byId = / in notebook cell with id ([\w-]+), line (\d+)/.exec(error);
  if (byId !== null) return { id: byId[1] ?? '', line: Number(byId[2]) };
  return undefined;
}

/**
 * The 0-based index of the failed cell among `cells` (the notebook as it is now): by id when the error gives one
 * and a cell has it, else by number when the notebook has that many cells (and the cell there has no other id).
 */
export function failedCellIndex(cell: FailedCell, cells: readonly { readonly id?: string | undefined }[]): number | undefined {
  if (cell.id !== undefined) {
    const at = cells.findIndex((c) => c.id === cell.id);
    if (at >= 0) return at;
  }
  if (cell.number === undefined || cell.number < 1 || cell.number > cells.length) return undefined;
  const there = cells[cell.number - 1];
  return cell.id !== undefined && there?.id !== undefined && there.id !== cell.id ? undefined : cell.number - 1;
}

/** A run that failed because the interpreter could not import a module the code needs (not one of the package's own). */
export interface ImportFailure {
  /** The module it could not import (`pandas`, `sklearn.linear_model`), when the error names it. */
  readonly module?: string;
}

/**
 * Whether a run's error (as the runtime words it: `... failed in notebook cell 2, line 1: ModuleNotFoundError:
 * No module named 'pandas'`) is an import the interpreter could not do: a ModuleNotFoundError or an ImportError
 * of a module other than `packageName` and its modules (those are the package's own, broken or missing, not the
 * Python's). Undefined for any other error.
 */
export function importFailure(error: string, packageName: string): ImportFailure | undefined {
  // `<what> failed<place>: <exception type>: <message>`: the first type after "failed" is the exception's.
  const found = /^[^:]*\bfailed[^:]*: (ModuleNotFoundError|ImportError): (.*)$/s.exec(error.trim());
  if (found === null) return undefined;
  const text = found[2] ?? '';
  const module = /^No module named '([^']+)'/.exec(text)?.[1] ?? /^cannot import name '[^']+' from (?:partially initialized module )?'([^']+)'/.exec(text)?.[1];
  // An ImportError a library raised itself (`IterativeImputer is experimental ... import enable_iterative_imputer`):
  // nothing to install, its message says what to do (round 77 MNM: "install it" misled).
  // A library missing below Python (`libGL.so.1: cannot open shared object file`) is something to install.
  if (module === undefined) return found[1] === 'ModuleNotFoundError' || /cannot open shared object file|DLL load failed/.test(text) ? {} : undefined;
  if (module === packageName || module.startsWith(`${packageName}.`)) return undefined;
  return { module };
}

/**
 * Tells the stderr lines of a run apart, line by line as they arrive: a Python traceback (from `Traceback (most
 * recent call last):` to its exception line, chained tracebacks included) is an error; the rest (the run's
 * progress, what steps print) is information.
 */
export class TracebackTracker {
  private state: 'outside' | 'frames' | 'after' = 'outside';

  level(line: string): 'info' | 'error' {
    if (line.startsWith('Traceback (most recent call last):')) {
      this.state = 'frames';
      return 'error';
    }
    switch (this.state) {
      case 'frames':
        // Frames and their source lines are indented; the first line that is not is the exception.
        if (line === '' || /^\s/.test(line)) return 'error';
        this.state = 'after';
        return 'error';
      case 'after':
        // Between chained tracebacks: a blank line, then "The above exception ..." / "During handling ...".
        if (line === '' || line.startsWith('The above exception was the direct cause') || line.startsWith('During handling of the above exception')) return 'error';
        this.state = 'outside';
        return 'info';
      default:
        return 'info';
    }
  }
}

/**
 * The progress of a run from the runner's stderr, line by line (`  train     ran         1.20s` after each step):
 * what a progress notification says next, "step train (2 of 5)…", or "computing the metrics…" once every step
 * is done; undefined for a line that is no step's. `steps`: pipeline.yaml's steps, in order.
 */
export class StepProgress {
  private done = 0;

  constructor(private readonly steps: readonly string[]) {}

  /** The first message, before any step ended. */
  get first(): string {
    return this.message();
  }

  /** The message after `line`, or undefined when the line ends no step. */
  next(line: string): string | undefined {
    const ended = /^ {2}(\S+) +(?:ran|cached|failed|skipped|stopped)\b/.exec(line)?.[1];
    if (ended === undefined || !this.steps.includes(ended)) return undefined;
    this.done = Math.max(this.done, this.steps.indexOf(ended) + 1);
    return this.message();
  }

  private message(): string {
    const step = this.steps[this.done];
    return step === undefined ? 'computing the metrics…' : `step ${step} (${this.done + 1} of ${this.steps.length})…`;
  }
}

/**
 * The file and line a run's error says hold a merge conflict marker (`src/nb/steps/train.py line 21 holds a merge
 * conflict marker (<<<<<<<)`, the path relative to the output root or absolute), for opening it there; undefined
 * for any other error.
 */
export function conflictedFile(error: string): { readonly path: string; readonly line: number } | undefined {
  const m = /(?:^|[\s:])(\S+\.py) line (\d+) holds a merge conflict marker/.exec(error);
  return m === null ? undefined : { path: m[1] ?? '', line: Number(m[2]) };
}
