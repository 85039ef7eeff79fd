/**
 * The pipeline a notebook describes: which cells make each step, what each step takes and gives, and
 * why (every edge is explained). Plain data, computed by core/analysis/graph.ts, shown by
 * `nbpromote inspect --json` and used by core/scaffold to write the package.
 */
import type { Problem } from './problem';

export interface CellRef {
  readonly index: number;
  readonly id?: string;
}

/** Where a name is bound or read: 1-based line inside the cell's source. */
export interface SourceSite {
  readonly cellIndex: number;
  readonly cellId?: string;
  readonly line: number;
}

/** The kinds of consumer a value flows to. `test:<cell number>` (1-based) for test cells. */
export type NodeName = string;

export interface Edge {
  /** A step name, `parameters` or `metrics`. */
  readonly from: NodeName;
  /** A step name, `metrics`, or `test:<cell number>` (1-based). */
  readonly to: NodeName;
  readonly name: string;
  readonly definedAt: SourceSite;
  readonly usedAt: SourceSite;
  /** "train uses X_train, defined by split, cell 5 line 1" */
  readonly explanation: string;
}

export type ParameterType = 'int' | 'float' | 'str' | 'bool' | 'list' | 'tuple' | 'dict' | 'none' | 'path';

export interface Parameter {
  readonly name: string;
  /** The default as a JSON value (a Python literal in the notebook). */
  readonly default: unknown;
  readonly type: ParameterType;
  /** `float` for a list or tuple of floats only (`[0.1, 1.0, 10.0]`). */
  readonly items?: 'float';
  /** Where the whole floats inside a dict or list are (`[["model", "C"]]` for `{"model": {"C": 1.0}}`). */
  readonly floats?: readonly (readonly (string | number)[])[];
  /** The values a Colab form offers (`MODEL = "rf"  #@param ["rf", "svm"]`): `--param` takes only these. */
  readonly choices?: readonly (string | number | boolean)[];
  readonly definedAt: SourceSite;
}

/** A unit of generated code: a step, the metrics, or a test cell. */
export interface CodeUnit {
  readonly name: string;
  readonly cells: readonly CellRef[];
  /** Arguments in order: parameters and outputs of earlier steps. */
  readonly inputs: readonly string[];
  /** Import statements the code needs, one binding each, hoisted to the top of the module. */
  readonly imports: readonly string[];
  /** Names it takes from the shared module (common.py). */
  readonly commonNames: readonly string[];
  /** Inputs computed by the metrics cell (tests only): read from the run's metrics. */
  readonly metricInputs: readonly string[];
  /**
   * Shared functions the unit defines itself, in its function, in the notebook's order: they read values only
   * the steps have (see {@link StepBoundFunction}).
   */
  readonly definesShared?: readonly string[];
  /**
   * Functions and classes earlier steps define at their modules' top, which the unit calls: imported from
   * those steps' modules rather than taken as inputs (the steps do not return them). See withStepImports.
   */
  readonly stepImports?: readonly StepImport[];
}

/** `from .load import add_ratio`: a definition of step `load` that a later unit imports. */
export interface StepImport {
  readonly name: string;
  readonly step: string;
}

export interface StepNode extends CodeUnit {
  /** Names it defines that a later step, the metrics or a test uses; in definition order. */
  readonly outputs: readonly string[];
  /** Steps it runs after: data edges, files it reads that they write, and explicit `after:`. */
  readonly after: readonly string[];
  readonly explicitAfter: readonly string[];
  /** Steps that write a file it reads (by the file's name in both): `after` in pipeline.yaml, with explicitAfter. */
  readonly fileAfter?: readonly string[];
  /**
   * Why the step runs at every run, never from the cache (`always_run` in pipeline.yaml): it writes a file
   * another step writes too, and from the cache it would not write it again.
   */
  readonly alwaysRuns?: string;
  /**
   * Shared names (commonNames) the step changes in place before any earlier step did (`model.fit(...)` on a
   * model the first cells made): it works on a copy, passed on as its output, so the shared value stays as
   * the first cells left it for every run.
   */
  readonly changesShared?: readonly string[];
  /**
   * Of changesShared and changesParameters, those the step itself does not change: it gives one another name
   * (`cfg = CONFIG`) and a later step changes it through that name, so the copy is made here, where the name is taken.
   */
  readonly copiesSharedForLater?: readonly string[];
  /**
   * Parameters the step changes in place (`settings["n_rows"] = 150`, `cols.append("b")`): it changes a copy, so
   * the run's parameters, and the cache key they give, stay as pipeline.yaml or --param set them.
   */
  readonly changesParameters?: readonly string[];
  /**
   * Functions and classes the step defines and then changes (`Registry.add(v)` filling a class attribute,
   * `counter.calls = 0`): they stay in the step function, made afresh with their state at every call, not at
   * the module's top (where a run from the cache would find them without that state, and a second run in the
   * process with it twice).
   */
  readonly changesDefinitions?: readonly string[];
  /**
   * The parameters cells (by index), and untagged cells continuing one, whose code on parameters
   * (`np.random.seed(SEED)`) runs at the start of this step, before its own cells.
   */
  readonly parameterCode?: readonly number[];
}

export interface SharedCode {
  readonly cells: readonly CellRef[];
  /** Names common.py defines (functions, classes, constants). */
  readonly names: readonly string[];
  readonly imports: readonly string[];
  /** Shared functions reading parameters or step values: the steps (metrics, tests) calling them define them. */
  readonly stepBound?: readonly StepBoundFunction[];
  /**
   * Shared classes a step changes (`Settings.verbose = True`): shared state, as a global a shared function changes
   * is: every run starts from the class as the shared code left it, and a cached step puts its change back. The
   * class stays the shared module's (shared code may read it); copying a class gives the class itself.
   */
  readonly changedClasses?: readonly string[];
}

/**
 * A function of a shared cell (`functions`, or before the first step) whose body reads a parameter or a value a
 * step computes (`def rmse_cv(model): ... KFold(N_FOLDS) ... cross_val_score(model, X_train, y)`): in the
 * notebook it reads the globals when called; in the package only the steps have those values, so each unit
 * calling it defines it in its own function (a closure over the unit's values), and takes what it reads.
 */
export interface StepBoundFunction {
  readonly name: string;
  readonly cellIndex: number;
  readonly cellId?: string;
  /** Its lines in the cell, decorators included. */
  readonly startLine: number;
  readonly endLine: number;
  /** The parameters and step values it reads, itself or through another such function. */
  readonly reads: readonly string[];
  /** Those of `reads` its own definition reads (a default value, `t=THRESHOLD`): their values where the def runs. */
  readonly definitionReads?: readonly string[];
  /**
   * Set for a function a step defines (not a shared one), that a later unit calls after binding again a global
   * it reads: the step defining it. That unit defines it too, so the call reads the unit's value.
   */
  readonly step?: string;
  /** Left out of common.py: it reads a name the shared module does not have. */
  readonly leftOut: boolean;
}

/**
 * A value a metrics cell prints under a label without naming it (`print("cv_accuracy:", cv.mean())`): the
 * package records it as the metric `name`, taken from the label.
 */
export interface PrintedValue {
  readonly cellIndex: number;
  /** 1-based line in the cell. */
  readonly line: number;
  /** The value's source text, as it stands in the line. */
  readonly expression: string;
  readonly name: string;
}

export interface StepGraph {
  readonly steps: readonly StepNode[];
  readonly parameters: readonly Parameter[];
  readonly common: SharedCode;
  readonly metrics?: CodeUnit;
  readonly tests: readonly CodeUnit[];
  readonly edges: readonly Edge[];
  /** `pip install` requirements found in shell escapes and magics. */
  readonly requirements: readonly string[];
  /** Values the metrics cells print under a label, named by it (`printedValues.ts`). */
  readonly printedValues?: readonly PrintedValue[];
  readonly problems: readonly Problem[];
}
