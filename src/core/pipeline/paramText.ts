/**
 * Parameter values as text, with floats written as floats. JSON (run.json, a webview message) and JavaScript keep
 * no difference between `1.0` and `1`, so a float parameter whose value is whole would read as an int: pipeline.yaml
 * says which values are floats (a parameter's `type`, `items` and `floats`), and these functions write those
 * numbers `1.0`, as the notebook and the generated code have them. Pure; the webviews import it.
 */
import type { ParamShape } from '../contract/pipelineConfig';

/**
 * True when the number at `path` (keys and indices from the parameter's value; empty: the value itself) is a float
 * by `shape`: the value of a `float` parameter, an item of a list or tuple of floats, or a place `floats` names.
 */
export function isFloatAt(shape: ParamShape | undefined, path: readonly (string | number)[]): boolean {
  if (shape === undefined) return false;
  if (path.length === 0) return shape.type === 'float';
  if (path.length === 1 && shape.items === 'float' && (shape.type === 'list' || shape.type === 'tuple')) return true;
  return (shape.floats ?? []).some((place) => place.length === path.length && place.every((part, i) => String(part) === String(path[i])));
}

/** A float as Python writes it: `1.0` for a whole number, else as JavaScript does (`0.5`, `1e+21`). */
export function floatText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value.toFixed(1)}` : String(value);
}

/**
 * `value` as compact JSON (as JSON.stringify writes it), with the numbers `shape` calls floats written as floats:
 * `1.0`, `[0.1,1.0,10.0]`, `{"model":{"C":1.0}}`. Without a shape, exactly JSON.stringify's text.
 */
export function jsonWithFloats(value: unknown, shape: ParamShape | undefined, path: readonly (string | number)[] = []): string {
  if (typeof value === 'number') return Number.isFinite(value) && isFloatAt(shape, path) ? floatText(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item, i) => jsonWithFloats(item, shape, [...path, i])).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonWithFloats(item, shape, [...path, key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}
