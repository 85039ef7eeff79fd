/**
 * The nbformat 4.0–4.5 JSON Schemas (schemas/nbformat/, draft-04) as ajv gets them, and the one ajv setup
 * both ways of validating share: compiled at run time (here) and precompiled to standalone code at build
 * time (nbformatStandalone.ts, generated/nbformatValidators.js).
 *
 * Ajv 8 ships no draft-04 meta-schema, but these schemas use no keyword whose meaning changed after
 * draft-04 (no `id`, no boolean `exclusiveMinimum`), so a copy without the `$schema` marker compiles as is;
 * `strict: false` accepts their few non-standard words (`item`, `source_hidden`). The copy given to ajv
 * differs from the files in two rewrites that accept exactly the same notebooks:
 * - `cell` and `output` get ajv's `discriminator` on `cell_type` / `output_type`. Their `oneOf` branches
 *   have disjoint `enum`s of that property, so ajv checks only the branch a cell (an output) names:
 *   errors speak about that branch only, with no per-branch noise, and validation runs about twice as fast.
 * - `misc/multiline_string`, `oneOf: [string, array of strings]`, becomes `type: [string, array]` with
 *   string items: same meaning, no failed branch to build and throw away for every source and output.
 * Validators report all errors (`allErrors`), which costs nothing on valid notebooks now that no branch fails.
 */
import { Ajv } from 'ajv';
import type { AnySchemaObject, Options, ValidateFunction } from 'ajv';
import { isJsonObject } from './jsonValue';
import nbformat40 from '../../../schemas/nbformat/nbformat.v4.0.schema.json';
import nbformat41 from '../../../schemas/nbformat/nbformat.v4.1.schema.json';
import nbformat42 from '../../../schemas/nbformat/nbformat.v4.2.schema.json';
import nbformat43 from '../../../schemas/nbformat/nbformat.v4.3.schema.json';
import nbformat44 from '../../../schemas/nbformat/nbformat.v4.4.schema.json';
import nbformat45 from '../../../schemas/nbformat/nbformat.v4.5.schema.json';

const SCHEMAS: readonly AnySchemaObject[] = [nbformat40, nbformat41, nbformat42, nbformat43, nbformat44, nbformat45];

/** The newest nbformat 4 minor version with a schema here. */
export const NEWEST_SCHEMA_MINOR = SCHEMAS.length - 1;

/** The options of every ajv instance that validates notebooks, run-time or standalone. */
export const NBFORMAT_AJV_OPTIONS: Readonly<Options> = { strict: false, allErrors: true, verbose: true, discriminator: true };

export interface Validators {
  /** The whole notebook; run on it without its cells, so errors never pile up across thousands of cells. */
  readonly notebook: ValidateFunction;
  /** One cell (`#/definitions/cell`). */
  readonly cell: ValidateFunction;
}

/** The `$id` of the nbformat 4.`minor` schema, and the ref of its cell definition. */
export function schemaRefs(minor: number): { readonly notebook: string; readonly cell: string } {
  const id = `nbformat.v4.${minor}.schema.json`;
  return { notebook: id, cell: `${id}#/definitions/cell` };
}

/** Adds the nbformat 4.`minor` schema (as ajv gets it) to `ajv` and returns its two validators. */
export function addNbformatSchema(ajv: Ajv, minor: number): Validators {
  const refs = schemaRefs(minor);
  ajv.addSchema({ ...forAjv(schemaFor(minor)), $id: refs.notebook });
  return { notebook: getSchema(ajv, refs.notebook), cell: getSchema(ajv, refs.cell) };
}

let ajv: Ajv | undefined;
const compiled = new Map<number, Validators>();

/**
 * The validators for nbformat 4.`minor`, compiled by ajv on first use (about 10 ms each, 70 ms for the
 * first, which pays for ajv's own start). The fallback of nbformatSchema.ts when no precompiled validators
 * fit, and what the unit tests hold the precompiled ones against.
 */
export function compileValidators(minor: number): Validators {
  let found = compiled.get(minor);
  if (found === undefined) {
    ajv ??= new Ajv({ ...NBFORMAT_AJV_OPTIONS });
    found = addNbformatSchema(ajv, minor);
    compiled.set(minor, found);
  }
  return found;
}

function getSchema(instance: Ajv, ref: string): ValidateFunction {
  const validate = instance.getSchema(ref);
  if (validate === undefined) throw new Error(`the nbformat schemas have no ${ref}`);
  return validate;
}

function schemaFor(minor: number): AnySchemaObject {
  const schema = SCHEMAS[minor];
  if (schema === undefined) throw new RangeError(`no nbformat 4.${minor} schema (0..${NEWEST_SCHEMA_MINOR})`);
  return schema;
}

/** The schema as ajv gets it: without the draft-04 marker, with the two rewrites described at the top. */
function forAjv(schema: AnySchemaObject): AnySchemaObject {
  const copy: AnySchemaObject = { ...schema };
  delete copy['$schema'];
  const definitions: unknown = schema['definitions'];
  if (!isJsonObject(definitions) || !isJsonObject(definitions['misc'])) return copy;
  copy['definitions'] = {
    ...definitions,
    cell: discriminated(definitions['cell'], 'cell_type'),
    output: discriminated(definitions['output'], 'output_type'),
    misc: { ...definitions['misc'], multiline_string: { type: ['string', 'array'], items: { type: 'string' } } },
  };
  return copy;
}

function discriminated(definition: unknown, propertyName: string): unknown {
  return isJsonObject(definition) && Array.isArray(definition['oneOf']) ? { ...definition, discriminator: { propertyName } } : definition;
}
