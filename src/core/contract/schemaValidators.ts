/**
 * The validators of nbpromote's own file formats (nbpromote.lock, pipeline.yaml, run.json, deployments.yaml), precompiled: ajv
 * compiling a schema costs 50 to 190 ms the first time in a process, paid by every `nbpromote run` (it reads
 * pipeline.yaml), every re-promotion and `check` (the lock), and the Runs view (run records). The code is ajv's
 * standalone code (schemaStandalone.ts writes generated/schemaValidators.js at build time; a unit test fails
 * when the committed file is stale), each made on first use.
 */
import type { Options, ValidateFunction } from 'ajv';
import { precompiledSchemaValidator } from './generated/schemaValidators';

/** The schemas, by the name their validator goes by, and the ajv options each is compiled with. */
export const SCHEMA_VALIDATORS = {
  lock: { schema: 'schemas/lock.schema.json', options: { allErrors: true, strict: true, allowUnionTypes: true } },
  pipeline: { schema: 'schemas/pipeline.schema.json', options: { allErrors: true, strict: true, verbose: true } },
  run: { schema: 'schemas/run.schema.json', options: { allErrors: true, strict: true, allowUnionTypes: true } },
  deployments: { schema: 'schemas/deployments.schema.json', options: { allErrors: true, strict: true, verbose: true } },
} as const satisfies Record<string, { readonly schema: string; readonly options: Options }>;

export type SchemaName = keyof typeof SCHEMA_VALIDATORS;

/** The precompiled validator of `name`'s schema. */
export function schemaValidator(name: SchemaName): ValidateFunction {
  return precompiledSchemaValidator(name);
}
