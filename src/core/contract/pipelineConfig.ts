/**
 * pipeline.yaml, the config of a promoted pipeline: what `python -m <package>.pipeline` runs, in which order,
 * with which parameters. The generated package's `_runtime.py` reads it with PyYAML; the extension and the
 * CLI read it with `readPipelineConfig` (core/pipeline/config.ts). The JSON Schema is
 * schemas/pipeline.schema.json; the names here are the YAML's own (snake_case where the file has it).
 */

export type ParameterType = 'int' | 'float' | 'str' | 'bool' | 'list' | 'tuple' | 'dict' | 'none' | 'path';

/** A value YAML and JSON can both hold, as a parameter's default. */
export type ParameterValue = null | boolean | number | string | readonly ParameterValue[] | { readonly [key: string]: ParameterValue };

export interface ParameterSpec {
  /** The value the notebook's parameters cell assigns. */
  readonly default: ParameterValue;
  /**
   * What `--param name=value` is converted to. `none` means the notebook's default is `None` and no type is
   * known: `--param name=none` (or `null`) gives None, a JSON value or Python literal (`5`, `True`, `(1, 2)`) that
   * value, any other text is passed as a string.
   */
  readonly type: ParameterType;
  /** `float` for a list or tuple of floats (`[0.1, 1.0, 10.0]`): every item is made a float, as in the notebook. */
  readonly items?: 'float';
  /**
   * Where the notebook's default holds whole floats inside a dict or list (`[["model", "C"]]` for
   * `{"model": {"C": 1.0}}`): pipeline.yaml writes `1.0` as `1`, and the runtime makes the number there a float
   * again in the default (a `--param` value is JSON, taken as typed).
   */
  readonly floats?: readonly (readonly (string | number)[])[];
  /** The only values `--param` takes: those a Colab form offered (`#@param ["rf", "svm"]`). */
  readonly choices?: readonly (string | number | boolean)[];
  /** The comment after the assignment in the parameters cell, when there is one. */
  readonly description?: string;
}

/** What pipeline.yaml says of a parameter's floats (JSON keeps no difference between `1.0` and `1`). */
export type ParamShape = Pick<ParameterSpec, 'type' | 'items' | 'floats'>;

/**
 * A cell as pipeline.yaml names it: by id alone when the notebook has cell ids (so inserting a cell above
 * does not change the file), else by 0-based position.
 */
export type ConfigCellRef = { readonly id: string; readonly index?: number } | { readonly index: number; readonly id?: undefined };

/** A notebook cell a step was generated from. */
export interface CellRef {
  /** 0-based position in the notebook. */
  readonly index: number;
  /** nbformat >= 4.5 cell id. */
  readonly id?: string;
}

export interface StepConfig {
  /** A Python identifier, unique in the pipeline. */
  readonly name: string;
  /** Dotted module of the step's function: `churn_native.steps.load`. */
  readonly module: string;
  /** The function in `module` (a Python identifier). */
  readonly function: string;
  /** The notebook cells the step came from, in notebook order: by id when the notebook has ids, else by position. */
  readonly cells: readonly ConfigCellRef[];
  /** The function's arguments, in order: each a parameter or an output of an earlier step. */
  readonly inputs: readonly string[];
  /**
   * The values the function returns, in order: one name means the return value itself, several mean a tuple
   * (or NamedTuple, or dict keyed by these names). A later step's output of the same name replaces it.
   */
  readonly outputs: readonly string[];
  /** Explicit dependencies on earlier steps besides the data edges (`after:` tags). */
  readonly after: readonly string[];
  /** Why the step runs at every run, never from the cache (it writes a file another step writes too). */
  readonly always_run?: string;
  /** Output name -> the type (and shape) it had when the notebook ran (`promote --execute`). */
  readonly recorded?: Readonly<Record<string, RecordedValue>>;
}

/** A value as the notebook's run left it: `pandas.core.frame.DataFrame` of shape [750, 11]. */
export interface RecordedValue {
  readonly type: string;
  readonly shape?: readonly number[];
}

export interface Tolerance {
  /** Relative tolerance (Python's `math.isclose` rel_tol); 1e-9 when absent. */
  readonly relative?: number;
  /** Absolute tolerance (abs_tol); 0 when absent. */
  readonly absolute?: number;
}

export interface MetricsConfig {
  readonly module: string;
  readonly function: string;
  /** The function's arguments, in order: parameters or step outputs. */
  readonly inputs: readonly string[];
  /** The metrics the notebook's saved outputs show, by flattened name (`accuracy`, `report.f1`). */
  readonly expected?: Readonly<Record<string, number>>;
  /**
   * Metrics the notebook showed rounded: name -> decimals shown. They match within half a unit of the last
   * decimal (`0.7640` shown: |run - 0.764| <= 0.00005), or within `tolerance`.
   */
  readonly shown_decimals?: Readonly<Record<string, number>>;
  /** Metrics the notebook showed cut to a whole number (`"%d" % rmse`): they match when their whole part is the number shown. */
  readonly shown_truncated?: readonly string[];
  /** How close a run's metrics must be to `expected` for the generated test to pass. */
  readonly tolerance?: Tolerance;
}

export interface PipelineConfig {
  readonly schema_version: 1;
  /** The Python package (a Python identifier). */
  readonly package: string;
  /** Semantic version of the generated package: `0.1.0`. */
  readonly version: string;
  /** The notebook the pipeline was promoted from, relative to pipeline.yaml's folder, forward slashes. */
  readonly notebook: string;
  /** The folder steps run in (so the notebook's relative data paths work), relative to pipeline.yaml's folder. */
  readonly workdir: string;
  /** Parameter name (a Python identifier) → default and type, in the parameters cell's order. */
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  /** Steps in an order where every step comes after what it depends on. */
  readonly steps: readonly StepConfig[];
  readonly metrics?: MetricsConfig;
}
