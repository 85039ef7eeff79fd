/**
 * The `test/fixtures/notebooks/tags-*.ipynb` fixtures (one concern each; the CLI tests use them too), read
 * with the minimal JSON helper so these tests do not depend on the notebook reader.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TagResult } from '../contract/roles';
import { readRoles } from './roles';
import { assertTagInvariants, notebookFromJson } from './testing';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/notebooks');

function readFixture(name: string): TagResult {
  const file = path.join(FIXTURES, name);
  return readRoles(notebookFromJson(fs.readFileSync(file, 'utf8'), `test/fixtures/notebooks/${name}`));
}

interface Expected {
  readonly conventions: readonly string[];
  readonly steps: Readonly<Record<string, readonly string[]>>;
  /** Problem codes with the id of the cell they name ('' for the notebook). */
  readonly problems: readonly string[];
  readonly roles?: Readonly<Record<string, string>>;
  readonly defaultExp?: string;
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  'tags-native.ipynb': {
    conventions: ['native'],
    steps: { load: ['load', 'load-more'], train: ['train'], evaluate: ['evaluate'] },
    problems: [],
    roles: { imports: 'imports', functions: 'functions', params: 'parameters', peek: 'skip', metrics: 'metrics', test: 'test' },
  },
  'tags-directives.ipynb': {
    conventions: ['native'],
    steps: { load: ['load'], train: ['train'], report: ['report'] },
    problems: [],
    roles: { imports: 'imports', params: 'parameters' },
  },
  'tags-kale.ipynb': {
    conventions: ['kale'],
    steps: { load: ['load'], train: ['train', 'train-more'] },
    problems: [],
    roles: { 'imports-more': 'imports', 'params-more': 'parameters', plot: 'skip', metrics: 'metrics' },
  },
  'tags-nbdev.ipynb': {
    conventions: ['nbdev'],
    steps: {},
    problems: [],
    defaultExp: 'core',
    roles: {
      exp: 'skip',
      'hide-imports': 'skip',
      imports: 'imports',
      say: 'export',
      example: 'skip',
      'visible-test': 'test',
      helper: 'export',
      'hidden-test': 'test',
      'export-doc': 'skip',
    },
  },
  'tags-papermill.ipynb': { conventions: ['papermill'], steps: {}, problems: [], roles: { params: 'parameters' } },
  'tags-step-path.ipynb': { conventions: ['native'], steps: {}, problems: ['step-name-invalid@escape'] },
  'tags-prev-cycle.ipynb': { conventions: ['kale'], steps: { train: ['train'], evaluate: ['evaluate'] }, problems: ['step-cycle@evaluate'] },
  'tags-conflict.ipynb': { conventions: ['native'], steps: { train: ['both'], fit: ['fit'] }, problems: ['role-conflict@both'] },
  'tags-unknown-after.ipynb': { conventions: ['native'], steps: { train: ['train'], evaluate: ['evaluate'] }, problems: ['step-unknown@evaluate'] },
  'tags-none.ipynb': { conventions: [], steps: {}, problems: ['no-roles@'] },
  'tags-markdown.ipynb': { conventions: ['native'], steps: { fit: ['fit'] }, problems: ['tag-on-markdown@title'] },
  'tags-malformed.ipynb': {
    conventions: ['kale'],
    steps: {},
    problems: ['tag-malformed@load', 'tag-malformed@train', 'step-name-empty@empty', 'no-roles@'],
  },
};

describe('tag fixtures', () => {
  it('finds every fixture (the folder is shared with the notebook reader’s fixtures)', () => {
    const files = new Set(fs.readdirSync(FIXTURES));
    for (const name of Object.keys(EXPECTED)) assert.ok(files.has(name), name);
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    describe(name, () => {
      const result = readFixture(name);
      const idOf = (index: number): string => result.cells[index]?.cellId ?? `#${index}`;

      it('reads the expected conventions, steps and problems', () => {
        assert.deepEqual(result.conventions, expected.conventions);
        assert.deepEqual(Object.fromEntries(result.steps.map((s) => [s.name, s.cellIds])), expected.steps);
        assert.deepEqual(
          result.problems.map((p) => `${p.code}@${p.cellId ?? ''}`),
          expected.problems,
        );
        assert.equal(result.defaultExp, expected.defaultExp);
        for (const p of result.problems) assert.equal(p.file, `test/fixtures/notebooks/${name}`);
      });

      if (expected.roles !== undefined) {
        it('gives the expected roles', () => {
          const roles = Object.fromEntries(result.cells.map((c, i) => [idOf(i), c.roles.join('+')]));
          for (const [id, role] of Object.entries(expected.roles ?? {})) assert.equal(roles[id], role, `cell ${id}`);
        });
      }

      it('keeps the invariants: valid known names, no cycle', () => {
        assertTagInvariants(result);
      });
    });
  }
});
