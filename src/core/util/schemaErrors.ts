/**
 * Words for schema and YAML errors in files nbpromote reads (pipeline.yaml, nbpromote.lock): JSON Schema
 * types, JSON Pointer paths as field names, js-yaml syntax errors as problems.
 */
import type { ErrorObject } from 'ajv';
import type { YAMLException } from 'js-yaml';
import type { Problem } from '../contract/problem';

/** `integer,null` → "a whole number or null": JSON Schema types in words. */
export function typeWords(type: string): string {
  const words: Record<string, string> = { integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list', object: 'a mapping', null: 'null' };
  return type.split(',').map((t) => words[t] ?? t).join(' or ');
}

/** `/steps/0/inputs/1` → ['steps', 0, 'inputs', 1] (JSON Pointer, `~1` and `~0` decoded). */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** ['steps', 0, 'inputs', 1] → `steps[0].inputs[1]`. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** A js-yaml syntax error as a problem with its line and column. */
export function yamlSyntaxProblem(ex: YAMLException, file: string): Problem {
  const mark = (ex as YAMLException & { mark?: { line: number; column: number } }).mark;
  const where = mark === undefined ? {} : { line: mark.line + 1, column: mark.column + 1 };
  return { severity: 'error', code: 'yaml-syntax', message: `the file is not valid YAML: ${ex.reason}`, file, ...where };
}

/** Where a value is in the file: the line of the value at a data path. */
export type Locate = (path: readonly (string | number)[]) => { line?: number };

/** One schema error in words and the data path of the value it is about; undefined when it only repeats another. */
export type DescribeSchemaError = (error: ErrorObject) => { message: string; path: (string | number)[] } | undefined;

/** Ajv errors as problems with `code`, one per distinct message, with the line of the value they are about. */
export function schemaProblems(errors: readonly ErrorObject[], file: string, at: Locate, code: string, describe: DescribeSchemaError): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const described = describe(error);
    if (described === undefined || seen.has(described.message)) continue;
    seen.add(described.message);
    problems.push({ severity: 'error', code, message: described.message, file, ...at(described.path) });
  }
  return problems;
}
