import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { precompiledValidators } from './generated/nbformatValidators';
import { NEWEST_SCHEMA_MINOR, compileValidators } from './nbformatAjv';
import { GENERATED_VALIDATORS, generatedValidatorsFiles } from './nbformatStandalone';

const root = join(__dirname, '../../..');
const fixtures = join(root, 'test/fixtures/notebooks');

/** Every fixture that is nbformat 4 JSON with a cells list, parsed. */
function fixtureNotebooks(): { name: string; json: Record<string, unknown>; cells: unknown[] }[] {
  const found = [];
  for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.ipynb'))) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
    } catch {
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) continue;
    const record = json as Record<string, unknown>;
    const cells = record['cells'];
    if (record['nbformat'] === 4 && Array.isArray(cells)) found.push({ name, json: { ...record, cells: [] }, cells });
  }
  return found;
}

/** Cells the fixtures lack: each breaks the schema in another way. */
const BAD_CELLS: readonly unknown[] = [
  { id: 'c1', cell_type: 'code', execution_count: 'one', metadata: { tags: 'step:train' }, outputs: [], source: 1 },
  { id: 'has space', cell_type: 'code', execution_count: null, metadata: { tags: ['a', 'a', 'x,y'] }, outputs: [], source: [''] },
  { cell_type: 'code', metadata: {}, source: '', outputs: [{ output_type: 'stream', name: 'stdout' }, { output_type: 'hologram' }] },
  { id: 'm', cell_type: 'markdown', metadata: { name: '' }, source: ['a', 2], outputs: [], attachments: { 'x.png': { 'image/png': 7 } } },
  { id: 'r', cell_type: 'raw', metadata: { format: 3, jupyter: { source_hidden: 'no' } }, source: '' },
  { id: 'w', cell_type: 'widget', metadata: {} },
  { id: 'x', metadata: {} },
  { cell_type: 'code', execution_count: -1, metadata: {}, outputs: [{ output_type: 'execute_result', data: { 'text/plain': 5 }, metadata: {} }], source: '' },
  7,
  null,
];

/** What a validator says about `data`: its verdict and its errors, without ajv's references to schema objects. */
function verdict(validate: ValidateFunction, data: unknown): unknown {
  const valid = validate(data);
  const errors = (validate.errors ?? []).map(({ schema: _schema, parentSchema: _parent, ...rest }) => rest);
  return { valid, errors };
}

describe('nbformat validators, precompiled', () => {
  it('are current: the committed files are what scripts/generateNbformatValidators.ts writes now', () => {
    const files = generatedValidatorsFiles();
    for (const key of ['code', 'declarations'] as const) {
      const committed = readFileSync(join(root, GENERATED_VALIDATORS[key]), 'utf8');
      assert.ok(committed === files[key], `${GENERATED_VALIDATORS[key]} is stale: run \`npx tsx scripts/generateNbformatValidators.ts\``);
    }
  });

  it('exist for every minor version with a schema, and only for those', () => {
    for (let minor = 0; minor <= NEWEST_SCHEMA_MINOR; minor++) assert.ok(precompiledValidators(minor), `4.${minor}`);
    assert.equal(precompiledValidators(NEWEST_SCHEMA_MINOR + 1), undefined);
  });

  it('accept and reject what ajv compiled at run time does, with the same errors', () => {
    const notebooks = fixtureNotebooks();
    assert.ok(notebooks.length >= 10, 'the fixtures should hold at least ten nbformat 4 notebooks');
    let rejected = 0;
    for (let minor = 0; minor <= NEWEST_SCHEMA_MINOR; minor++) {
      const standalone = precompiledValidators(minor);
      const compiled = compileValidators(minor);
      assert.ok(standalone);
      for (const { name, json, cells } of notebooks) {
        const expected = verdict(compiled.notebook, json);
        assert.deepEqual(verdict(standalone.notebook, json), expected, `${name} against 4.${minor}`);
        [...cells, ...BAD_CELLS].forEach((cell, index) => {
          const expectedCell = verdict(compiled.cell, cell);
          assert.deepEqual(verdict(standalone.cell, cell), expectedCell, `${name} cell ${index} against 4.${minor}`);
          if (!(expectedCell as { valid: boolean }).valid) rejected++;
        });
      }
    }
    assert.ok(rejected > 100, `only ${rejected} cells were rejected: the comparison should cover errors too`);
  });

  it('keep the references to the schema in their errors (verbose)', () => {
    const validate = precompiledValidators(NEWEST_SCHEMA_MINOR)?.cell;
    assert.ok(validate);
    assert.equal(validate({ id: 'c', cell_type: 'code', metadata: {}, outputs: [], source: '', execution_count: 'x' }), false);
    assert.deepEqual(validate.errors?.[0]?.schema, ['integer', 'null']);
    assert.equal(validate.errors?.[0]?.data, 'x');
  });
});
