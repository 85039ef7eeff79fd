/**
 * The one in-memory notebook model. `.ipynb` files (nbformat 4.x, and 3 upgraded in memory) and jupytext
 * percent scripts both read into it. Plain data: no methods, safe to send to a webview or print as JSON.
 */
import type { Problem } from './problem';

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  /** 0-based position in the notebook. */
  readonly index: number;
  /** nbformat >= 4.5 cell id; undefined before 4.5 or in scripts without ids. */
  readonly id?: string;
  readonly kind: CellKind;
  /** The cell's source joined into one string (nbformat allows a string or a list of lines). */
  readonly source: string;
  /** `metadata.tags` when it is a list of strings, else empty (a problem is reported). */
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Code cells only: the saved outputs, as in the file. */
  readonly outputs?: readonly unknown[];
  readonly executionCount?: number | null;
  /** 1-based line in the file where the cell's source starts (jupytext scripts; undefined for .ipynb). */
  readonly fileLine?: number;
}

export type NotebookFormat = 'ipynb' | 'percent';

export interface Notebook {
  /** The path as the caller gave it. */
  readonly path: string;
  readonly format: NotebookFormat;
  /** nbformat major and minor as in the file (before any in-memory upgrade: see `upgradedFrom`). */
  readonly nbformat: number;
  readonly nbformatMinor: number;
  /** Set when the file was nbformat 3 and was upgraded in memory. */
  readonly upgradedFrom?: number;
  /** Kernel language, from metadata.kernelspec / language_info; 'python' for percent scripts. */
  readonly language: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly cells: readonly NotebookCell[];
}

export interface ParseResult {
  /** Undefined only when nothing could be read at all (not JSON, no cells list ...). */
  readonly notebook: Notebook | undefined;
  readonly problems: readonly Problem[];
}
