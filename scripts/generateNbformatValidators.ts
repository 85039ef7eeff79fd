// `npx tsx scripts/generateNbformatValidators.ts`: writes ajv's standalone code for the nbformat 4.x
// validators (src/core/notebook/generated/) and for nbpromote's own schemas (src/core/contract/generated/).
// Run it after changing schemas/ or the ajv setup in src/core/notebook/nbformatAjv.ts or
// src/core/contract/schemaValidators.ts; a unit test fails until the committed files match.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_SCHEMA_VALIDATORS, generatedSchemaValidatorsFiles } from '../src/core/contract/schemaStandalone';
import { GENERATED_VALIDATORS, generatedValidatorsFiles } from '../src/core/notebook/nbformatStandalone';

const root = join(__dirname, '..');
for (const [paths, files] of [
  [GENERATED_VALIDATORS, generatedValidatorsFiles()],
  [GENERATED_SCHEMA_VALIDATORS, generatedSchemaValidatorsFiles(root)],
] as const) {
  for (const key of ['code', 'declarations'] as const) {
    const path = join(root, paths[key]);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, files[key]);
    console.log(`wrote ${paths[key]} (${Math.round(files[key].length / 1024)} KB)`);
  }
}
