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

/** How a file's schema errors differ: its patterns in words, and whether unknown keys list the known ones. */
export interface SchemaErrorWords {
  /** A `pattern` error in words, about the value at `path` (`subject` names it). */
  readonly pattern: (error: ErrorObject, path: (string | number)[], subject: string) => { message: string; path: (string | number)[] };
  /** Unknown keys say which keys the mapping takes. */
  readonly listKnownKeys?: boolean;
}

/** One ajv error in words, and the data path of the value to point at; undefined for errors that only repeat another. */
export function describeSchemaError(error: ErrorObject, words: SchemaErrorWords): { message: string; path: (string | number)[] } | undefined {
  const path = pointerSegments(error.instancePath);
  const field = fieldName(path);
  const subject = field === '' ? 'the file' : `\`${field}\``;
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return undefined; // the nested error says what is wrong
    case 'required':
      return { message: `${subject} has no \`${String(params['missingProperty'])}\``, path };
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      return { message: `${subject} has an unknown key \`${key}\`${words.listKnownKeys === true ? knownKeysHint(error) : ''}`, path: [...path, key] };
    }
    case 'type': {
      const because = error.schemaPath.includes('/allOf/') ? ', as its `type` says' : '';
      return { message: `${subject} must be ${typeWords(String(params['type']))}${because}`, path };
    }
    case 'const':
      return { message: `${subject} must be ${JSON.stringify(params['allowedValue'])}`, path };
    case 'enum':
      return { message: `${subject} must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`, path };
    case 'pattern':
      return words.pattern(error, path, subject);
    case 'uniqueItems':
      return { message: `${subject} lists the same name twice`, path };
    case 'minLength':
    case 'minItems':
      return { message: `${subject} must not be empty`, path };
    case 'minProperties':
      return { message: `${subject} must not be empty`, path };
    case 'minimum':
      return { message: `${subject} must be at least ${String(params['limit'])}`, path };
    default:
      return { message: `${subject} ${error.message ?? 'does not match the schema'}`, path };
  }
}

function knownKeysHint(error: ErrorObject): string {
  const parent: unknown = error.parentSchema?.['properties'];
  if (typeof parent !== 'object' || parent === null) return '';
  return `; the keys are ${Object.keys(parent).join(', ')}`;
}
