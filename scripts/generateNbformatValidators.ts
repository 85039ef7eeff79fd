// `npx tsx scripts/generateNbformatValidators.ts`: writes ajv's standalone code for the nbformat 4.x
// validators (src/core/notebook/generated/). Run it after changing schemas/nbformat/ or the ajv setup in
// src/core/notebook/nbformatAjv.ts; a unit test fails until the committed files match.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_VALIDATORS, generatedValidatorsFiles } from '../src/core/notebook/nbformatStandalone';

const root = join(__dirname, '..');
const files = generatedValidatorsFiles();
for (const key of ['code', 'declarations'] as const) {
  const path = join(root, GENERATED_VALIDATORS[key]);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, files[key]);
  console.log(`wrote ${GENERATED_VALIDATORS[key]} (${Math.round(files[key].length / 1024)} KB)`);
}
