/**
 * Validation against the official nbformat 4.0–4.5 JSON Schemas (schemas/nbformat/), with ajv's errors put
 * into words a person understands and mapped to the cell they are about.
 *
 * The validators are ajv's, set up as nbformatAjv.ts describes. They come precompiled: ajv standalone
 * code from the same setup, written by scripts/generateNbformatValidators.ts into generated/ and committed,
 * so reading a notebook compiles no schema (the code of a minor version is loaded on first use). A minor
 * version missing there is compiled by ajv on first use. Unit tests check that the committed code is current and that both accept and reject the same
 * notebooks with the same errors. Cells are validated one by one: ajv gathers the errors of nested
 * validators with `concat`, which turns quadratic when a notebook has thousands.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from '../contract/problem';
import { isJsonObject } from './jsonValue';
import type { JsonObject } from './jsonValue';
import { compileValidators } from './nbformatAjv';
import type { Validators } from './nbformatAjv';
import { precompiledValidators } from './generated/nbformatValidators';

/** At most this many schema problems are listed; then one more, first, says how many there are in all. */
export const MAX_SCHEMA_PROBLEMS = 100;

/**
 * Problems with `notebook` (a parsed nbformat 4 file whose `cells` is a list) against the nbformat
 * 4.`minor` schema; empty when it is valid. `minor` must be 0..NEWEST_SCHEMA_MINOR. Errors inside cells
 * for which `isSkipped(index)` is true (not objects, unknown cell_type) are left out: the caller reports
 * those cells itself.
 */
export function nbformatSchemaProblems(notebook: JsonObject, minor: number, file: string, isSkipped: (cellIndex: number) => boolean): Problem[] {
  const validate = validators(minor);
  const list = new ProblemList(file);
  const cells = Array.isArray(notebook['cells']) ? notebook['cells'] : [];
  if (!passes(validate.notebook, { ...notebook, cells: [] })) {
    for (const error of validate.notebook.errors ?? []) list.add({}, describeError(error, {}, minor));
  }
  cells.forEach((cell: unknown, cellIndex) => {
    if (isSkipped(cellIndex) || passes(validate.cell, cell)) return;
    const id = minor >= 5 && isJsonObject(cell) && typeof cell['id'] === 'string' ? cell['id'] : undefined;
    const scope: Scope = id !== undefined ? { cellIndex, cellId: id } : { cellIndex };
    for (const error of validate.cell.errors ?? []) list.add(scope, describeError(error, scope, minor));
  });
  return list.finish(minor);
}

/** Where an error is: the notebook (no cell) or a cell. */
interface Scope {
  readonly cellIndex?: number;
  readonly cellId?: string;
}

interface Described {
  readonly message: string;
  readonly severity?: Problem['severity'];
  /** About the whole notebook rather than the cell the error was found in. */
  readonly notebookLevel?: boolean;
}

/** Collects problems, deduplicated (same cell, same message), up to MAX_SCHEMA_PROBLEMS. */
class ProblemList {
  private readonly problems: Problem[] = [];
  private readonly seen = new Set<string>();
  private leftOut = 0;

  constructor(private readonly file: string) {}

  add(scope: Scope, described: Described): void {
    const where = described.notebookLevel === true ? {} : scope;
    const key = `${where.cellIndex ?? ''}\u0000${described.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.problems.length >= MAX_SCHEMA_PROBLEMS) {
      this.leftOut++;
      return;
    }
    this.problems.push({ severity: described.severity ?? 'error', code: 'schema', message: described.message, file: this.file, ...where });
  }

  /** The problems; when some were left out, first a problem saying how many there are in all. */
  finish(minor: number): Problem[] {
    if (this.leftOut === 0) return this.problems;
    const total = this.problems.length + this.leftOut;
    const message = `the notebook does not match the nbformat 4.${minor} schema in ${total} places; only the first ${MAX_SCHEMA_PROBLEMS} are listed`;
    return [{ severity: 'error', code: 'schema', message, file: this.file }, ...this.problems];
  }
}

/** One ajv error in words. Its instance path is inside the cell, or the notebook when there is none. */
function describeError(error: ErrorObject, scope: Scope, minor: number): Described {
  const path = error.instancePath;
  const inCell = scope.cellIndex !== undefined;
  const field = fieldName(path);
  const subject = field !== '' ? field : inCell ? 'the cell' : 'the notebook';
  const params: Record<string, unknown> = error.params;
  const data: unknown = error.data;

  if (inCell && /^\/metadata\/tags(?:\/\d+)?$/.test(path)) {
    const message = describeTagsError(error.keyword, params, data);
    if (message !== undefined) return { message };
  }
  if (inCell && path === '/id') {
    const message = describeIdError(error.keyword, data);
    if (message !== undefined) return { message };
  }
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      if (inCell && path === '' && missing === 'id') {
        // nbformat itself reads such a notebook with a warning and nbconvert runs it (round 51 MM: a course's
        // notebooks were refused): cells are then known by their number.
        return { message: 'cells have no id, which nbformat 4.5 requires; cells are known by their number (Jupyter adds ids when it saves the notebook)', severity: 'warning', notebookLevel: true };
      }
      return { message: `${subject} has no "${missing}"` };
    }
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      if (inCell && path === '' && extra === 'id' && minor < 5) {
        return {
          message: `cells have ids only from nbformat 4.5 on, but this notebook says 4.${minor}; the ids are ignored (save the notebook with a current Jupyter to upgrade it)`,
          severity: 'warning',
          notebookLevel: true,
        };
      }
      return { message: `${subject} has "${extra}", which nbformat 4.${minor} does not allow here` };
    }
    case 'type':
      return { message: describeTypeError(error, path, params['type']) };
    case 'discriminator': {
      const tag = String(params['tag']);
      if (params['error'] === 'mapping') return { message: `${subject} has an unknown ${tag} ${JSON.stringify(params['tagValue'])}` };
      return { message: `${subject} has no ${tag}` };
    }
    case 'oneOf':
      return { message: `${subject} must be ${error.schemaPath.includes('codemirror_mode') ? 'a string or an object' : 'one of the allowed forms'}` };
    case 'enum':
      return { message: `${subject} must be one of ${listOf(params['allowedValues'])}` };
    case 'pattern':
      if (/\/name$/.test(path) && error.schemaPath.includes('metadata_name')) return { message: `${subject} must be a non-empty name on one line` };
      return { message: `${subject} ${JSON.stringify(data)} does not match the pattern ${String(params['pattern'])}` };
    case 'minimum':
      return { message: `${subject} must be at least ${String(params['limit'])}` };
    case 'maximum':
      return { message: `${subject} must be at most ${String(params['limit'])}` };
    case 'uniqueItems':
      return { message: `${subject} lists the same item twice` };
    default:
      return { message: `${subject} ${error.message ?? 'is not valid'}` };
  }
}

/** "source must be a string or a list of strings" also for a wrong item of the list (`source[1]`). */
function describeTypeError(error: ErrorObject, path: string, type: unknown): string {
  if (isMultilineString(error.schemaPath)) {
    const itemOfList = /\/items\/type$/.test(error.schemaPath);
    const listPath = itemOfList ? path.replace(/\/\d+$/, '') : path;
    return `${fieldName(listPath) || 'the value'} must be a string or a list of strings`;
  }
  return `${fieldName(path) || 'the value'} must be ${typeWords(type)}`;
}

function isMultilineString(schemaPath: string): boolean {
  return schemaPath.includes('/misc/multiline_string/') || schemaPath.includes('/misc/source/');
}

/** A tag with a comma, which nbformat's schema refuses; for `after:a,b` (a list), how to write it instead. */
function commaTagMessage(tag: unknown): string {
  const message = `the tag ${JSON.stringify(tag)} contains a comma; nbformat does not allow commas in tags`;
  const list = typeof tag === 'string' ? /^\s*(after|prev):(.*)$/.exec(tag) : null;
  if (list === null) return message;
  const steps = (list[2] ?? '').split(/[,\s]+/).filter((s) => s !== '');
  return `${message}: write one tag per step (${steps.map((s) => `${list[1] ?? 'after'}:${s}`).join(', ')}), or separate the steps with spaces (${list[1] ?? 'after'}:${steps.join(' ')})`;
}

function describeTagsError(keyword: string, params: Record<string, unknown>, data: unknown): string | undefined {
  switch (keyword) {
    case 'type':
      return 'metadata.tags must be a list of strings';
    case 'pattern':
      return commaTagMessage(data);
    case 'uniqueItems': {
      const tag: unknown = Array.isArray(data) ? data[Number(params['i'])] : undefined;
      return `metadata.tags lists ${JSON.stringify(tag)} twice`;
    }
    default:
      return undefined;
  }
}

function describeIdError(keyword: string, data: unknown): string | undefined {
  switch (keyword) {
    case 'type':
      return 'the cell id must be a string';
    case 'pattern':
      if (data !== '') return `the cell id ${JSON.stringify(data)} may only contain letters, digits, "-" and "_"`;
      return 'the cell id must be 1 to 64 characters long';
    case 'minLength':
    case 'maxLength':
      return 'the cell id must be 1 to 64 characters long';
    default:
      return undefined;
  }
}

/** "/metadata/kernelspec/name" -> "metadata.kernelspec.name"; "/outputs/0/text" -> "outputs[0].text". */
function fieldName(instancePath: string): string {
  if (instancePath === '') return '';
  let name = '';
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else if (/^[A-Za-z_][\w.]*$/.test(segment)) name += name === '' ? segment : `.${segment}`;
    else name += `[${JSON.stringify(segment)}]`;
  }
  return name;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  array: 'a list',
  object: 'an object',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function typeWords(type: unknown): string {
  const types: unknown[] = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function listOf(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : String(values);
}

/** A plain boolean: ajv's validators are type guards, which would narrow `data` to `never` when false. */
function passes(validate: ValidateFunction, data: unknown): boolean {
  return validate(data);
}

/** The validators for nbformat 4.`minor`: the precompiled ones, else compiled by ajv on first use. */
function validators(minor: number): Validators {
  return precompiledValidators(minor) ?? compileValidators(minor);
}
