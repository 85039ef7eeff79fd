// The precompiled validators of nbpromote.lock, pipeline.yaml, run.json and deployments.yaml: the committed code is what the
// generator writes from the schemas now, and it judges documents as ajv compiling the schema does.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { GENERATED_SCHEMA_VALIDATORS, generatedSchemaValidatorsFiles } from './schemaStandalone';
import { SCHEMA_VALIDATORS, schemaValidator } from './schemaValidators';
import type { SchemaName } from './schemaValidators';

const root = join(__dirname, '../../..');

describe('precompiled schema validators', () => {
  it('are what the generator writes from the schemas now', () => {
    const files = generatedSchemaValidatorsFiles(root);
    for (const key of ['code', 'declarations'] as const) {
      const committed = readFileSync(join(root, GENERATED_SCHEMA_VALIDATORS[key]), 'utf8');
      assert.ok(committed === files[key], `${GENERATED_SCHEMA_VALIDATORS[key]} is stale: run \`npx tsx scripts/generateNbformatValidators.ts\``);
    }
  });

  it('accept and refuse what a compiled schema does, with the same errors', () => {
    const documents: Record<SchemaName, unknown[]> = {
      lock: [{}, { lock_version: 1 }, { lock_version: 1, package: 'churn', version: '0.1.0' }, []],
      pipeline: [{}, { schema_version: 1, package: 'churn', steps: [] }, { schema_version: 1, package: '1bad', steps: [{ name: 'x' }] }, 'text'],
      run: [{}, { run_id: 'r1', status: 'finished' }, { run_id: 3 }, null],
      deployments: [{}, { environments: [] }, { environments: [{ name: 'staging', url: 'https://s.example.com', health: '//evil.example.com/x', timeout_s: 0 }] }, { environments: [{ name: '1x', url: 'ftp://a', extra: 1 }] }],
    };
    for (const [name, { schema, options }] of Object.entries(SCHEMA_VALIDATORS) as [SchemaName, (typeof SCHEMA_VALIDATORS)[SchemaName]][]) {
      const compiled = new Ajv(options).compile(JSON.parse(readFileSync(join(root, schema), 'utf8')) as object);
      const precompiled = schemaValidator(name);
      for (const doc of documents[name]) {
        assert.equal(precompiled(doc), compiled(doc), `${name}: ${JSON.stringify(doc)}`);
        const strip = (errors: typeof compiled.errors): unknown => (errors ?? []).map(({ instancePath, keyword, params, message }) => ({ instancePath, keyword, params, message }));
        assert.deepEqual(strip(precompiled.errors), strip(compiled.errors), `${name}: ${JSON.stringify(doc)}`);
      }
    }
  });
});
