import * as assert from 'node:assert/strict';
import type { LockFile } from '../contract/lockFile';
import schema from '../../../schemas/lock.schema.json';
import { sha256 } from './hash';
import { isoSeconds, LOCK_HEADER, nextLock, readLockFile, renderLockFile } from './lockFile';

const H1 = sha256('one');
const H2 = sha256('two');
const H3 = sha256('three');
const COMMIT = 'a'.repeat(40);

const CHURN: LockFile = {
  lock_version: 1,
  package: 'churn_native',
  version: '0.2.0',
  tool_version: '0.1.0',
  promoted_at: '2026-11-25T22:30:00Z',
  notebook: { path: 'examples/churn-native.ipynb', sha256: H1, git_commit: COMMIT, git_dirty: false },
  parameters: {
    data_path: { type: 'str', default: 'data/churn.csv' },
    n_estimators: { type: 'int', default: 200 },
    test_size: { type: 'float', default: 0.25 },
  },
  steps: {
    load: { cells: [{ index: 5, id: 'e26d2f06' }], source_sha256: H2, inputs: ['data_path'], outputs: ['raw'] },
    train: { cells: [{ index: 6 }, { index: 7, id: 'c7' }], source_sha256: H3, inputs: ['raw', 'n_estimators', 'test_size'], outputs: ['model', 'X_test'] },
  },
  files: {
    'src/churn_native/steps/load.py': H2,
    'pipeline.yaml': H1,
    'src/churn_native/__init__.py': H3,
  },
  history: [
    { version: '0.1.0', at: '2026-11-20T10:00:00Z', notebook_sha256: H3, changes: ['first promotion'] },
    { version: '0.2.0', at: '2026-11-25T22:30:00Z', notebook_sha256: H1, changes: ['new step train (minor)', 'the code of step load changed (patch)'] },
  ],
};

/** Values YAML readers could take for something else. */
const TRICKY: LockFile = {
  ...CHURN,
  tool_version: '1.0',
  notebook: { path: 'notebooks/2024-01-01 run: #1.ipynb', sha256: '1'.repeat(64), git_commit: null, git_dirty: null },
  parameters: {
    date: { type: 'str', default: '2024-01-01' },
    yes: { type: 'str', default: 'yes' },
    empty: { type: 'str', default: '' },
    lines: { type: 'str', default: 'a\nb: c' },
    tiny: { type: 'float', default: 1e-9 },
    huge: { type: 'float', default: 1e30 },
    flag: { type: 'bool', default: false },
    nothing: { type: 'none', default: null },
    items: { type: 'list', default: [1, 'two', null, { three: [3] }] },
    mapping: { type: 'dict', default: { '1': 'one', 'a b': [] } },
  },
  steps: { s: { cells: [{ index: 0, id: '123e4567' }], source_sha256: `${'0'.repeat(63)}1`, inputs: [], outputs: [] } },
  files: { 'a b/#c.py': H1, '123': H2, 'z.py': H3 },
  history: [{ version: '0.2.0', at: '2026-11-25T22:30:00.123Z', notebook_sha256: 'e'.repeat(64), changes: ['parameter a: "x" # y', 'yes', '- dash'] }],
};

const EMPTY: LockFile = { ...CHURN, parameters: {}, steps: {}, files: {}, history: [{ version: '0.2.0', at: '2026-11-25T22:30:00Z', notebook_sha256: H1, changes: [] }] };

function reads(text: string): LockFile {
  const { lock, problems } = readLockFile(text, 'nbpromote.lock');
  assert.deepEqual(problems, []);
  assert.ok(lock !== undefined);
  return lock;
}

/** Problems of a broken variant of CHURN's text, as "line: message". */
function problemsOf(text: string): string[] {
  const { lock, problems } = readLockFile(text, 'out/nbpromote.lock');
  for (const p of problems) assert.equal(p.file, 'out/nbpromote.lock');
  if (problems.some((p) => p.severity === 'error')) assert.equal(lock, undefined);
  return problems.map((p) => `${p.line ?? '?'}: ${p.message}`);
}

describe('renderLockFile', () => {
  it('writes the documented layout: header, fixed key order, flow style per entry, files sorted, block history', () => {
    const text = renderLockFile(CHURN);
    assert.equal(
      text,
      [
        LOCK_HEADER,
        'lock_version: 1',
        'package: churn_native',
        'version: 0.2.0',
        'tool_version: 0.1.0',
        "promoted_at: '2026-11-25T22:30:00Z'",
        `notebook: {path: examples/churn-native.ipynb, sha256: ${H1}, git_commit: ${COMMIT}, git_dirty: false}`,
        'parameters:',
        '  data_path: {type: str, default: data/churn.csv}',
        '  n_estimators: {type: int, default: 200}',
        '  test_size: {type: float, default: 0.25}',
        'steps:',
        `  load: {cells: [{index: 5, id: e26d2f06}], source_sha256: ${H2}, inputs: [data_path], outputs: [raw]}`,
        `  train: {cells: [{index: 6}, {index: 7, id: c7}], source_sha256: ${H3}, inputs: [raw, n_estimators, test_size], outputs: [model, X_test]}`,
        'files:',
        `  pipeline.yaml: ${H1}`,
        `  src/churn_native/__init__.py: ${H3}`,
        `  src/churn_native/steps/load.py: ${H2}`,
        'history:',
        '  - version: 0.1.0',
        "    at: '2026-11-20T10:00:00Z'",
        `    notebook_sha256: ${H3}`,
        '    changes:',
        '      - first promotion',
        '  - version: 0.2.0',
        "    at: '2026-11-25T22:30:00Z'",
        `    notebook_sha256: ${H1}`,
        '    changes:',
        '      - new step train (minor)',
        '      - the code of step load changed (patch)',
        '',
      ].join('\n'),
    );
  });

  for (const [name, lock] of [
    ['a typical lock', CHURN],
    ['tricky strings, numbers and keys', TRICKY],
    ['empty parameters, steps, files and changes', EMPTY],
  ] as const) {
    it(`round-trips ${name}: read(render(x)) equals x, and rendering again gives the same bytes`, () => {
      const text = renderLockFile(lock);
      const back = reads(text);
      assert.deepEqual(back, lock);
      assert.equal(renderLockFile(back), text);
    });
  }

  it('round-trips names JavaScript objects inherit', () => {
    const lock: LockFile = { ...CHURN, parameters: Object.fromEntries([['__proto__', { type: 'int', default: 1 }], ['constructor', { type: 'str', default: 'c' }]]) };
    const back = reads(renderLockFile(lock));
    assert.deepEqual(Object.keys(back.parameters), ['__proto__', 'constructor']);
    assert.deepEqual(Object.getPrototypeOf(back.parameters), Object.prototype);
    assert.deepEqual(back, lock);
  });

  it('keeps parameters and steps in the lock order (not sorted)', () => {
    const lock: LockFile = { ...CHURN, parameters: { zeta: { type: 'int', default: 1 }, alpha: { type: 'int', default: 2 } } };
    const back = reads(renderLockFile(lock));
    assert.deepEqual(Object.keys(back.parameters), ['zeta', 'alpha']);
    assert.deepEqual(Object.keys(back.steps), ['load', 'train']);
  });

  it('quotes what a YAML 1.1 reader would misread', () => {
    const text = renderLockFile(TRICKY);
    assert.match(text, /date: \{type: str, default: '2024-01-01'\}/);
    assert.match(text, /'yes': \{type: str, default: 'yes'\}/);
    assert.match(text, /id: '123e4567'/);
    assert.match(text, /tool_version: '1.0'/);
  });
});

describe('readLockFile', () => {
  const good = renderLockFile(CHURN);
  const lines = good.split('\n');
  const lineNo = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix)) + 1;
  const replace = (from: string, to: string): string => {
    assert.ok(good.includes(from), from);
    return good.replace(from, to);
  };

  it('reads a lock file without problems', () => {
    assert.deepEqual(reads(good), CHURN);
  });

  it('reports YAML syntax errors with the line, never throwing', () => {
    const problems = problemsOf(replace('package: churn_native', 'package: [churn'));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^\d+: the file is not valid YAML/);
  });

  it('names git merge conflict markers and the line, and how to take one side', () => {
    const merged = replace('package: churn_native', '<<<<<<< HEAD\npackage: churn_native\n=======\npackage: churn_native\n>>>>>>> branch');
    const problems = problemsOf(merged);
    assert.equal(problems.length, 1);
    // Round 63 LLL: the line once, and the file as the caller names it in the git command.
    assert.match(problems[0] ?? '', new RegExp(`^${lineNo('package:')}: the file holds git merge conflict markers: two promotions were merged\\. Take one side \\(\`git checkout --theirs -- out/nbpromote\\.lock\` or --ours\\)`));
    const spaced = readLockFile(merged, '/my repo/nbpromote.lock').problems[0]?.message ?? '';
    assert.match(spaced, /`git checkout --theirs -- '\/my repo\/nbpromote\.lock'`/);
  });

  it('reports a duplicated key as a YAML error', () => {
    const problems = problemsOf(`${good}package: again\n`);
    assert.match(problems[0] ?? '', /not valid YAML: duplicated mapping key/);
  });

  it('reports an empty file, and one that is no mapping (round 66 QQQ: `[]` had no advice)', () => {
    assert.deepEqual(problemsOf(''), ['?: the file is empty; it should hold what nbpromote last generated. Delete it and promote again to start the version history afresh (every existing file that differs from the generated one then counts as a hand edit).']);
    for (const text of ['[]\n', '42\n']) assert.match(problemsOf(text)[0] ?? '', /the file must be a mapping; it should hold what nbpromote last generated\. Delete it and promote again/);
  });

  it('never throws on odd input', () => {
    for (const text of ['!!python/object:os.system [ls]', '&a [*a, *a]', '~', '42', '"\u0000"', 'a: !!binary aGk=', '{', '\t- x', 'lock_version: 1e400', 'lock_version: 2.5', '\uFEFFlock_version: 1', 'x'.repeat(10000)]) {
      const { lock, problems } = readLockFile(text, 'f.lock');
      assert.equal(lock, undefined, text);
      assert.ok(problems.length > 0 && problems.every((p) => p.severity === 'error' && p.file === 'f.lock'), text);
    }
  });

  it('reports a file that is not a mapping', () => {
    assert.deepEqual(problemsOf('- a\n'), ['?: the file must be a mapping; it should hold what nbpromote last generated. Delete it and promote again to start the version history afresh (every existing file that differs from the generated one then counts as a hand edit).']);
  });

  it('says when a newer nbpromote wrote the file', () => {
    assert.deepEqual(problemsOf(replace('lock_version: 1', 'lock_version: 2')), ['2: the file was written by a newer nbpromote (lock_version 2; this one reads lock_version 1): update nbpromote']);
  });

  const cases: [string, string, string, string][] = [
    // Round 49 FF: a file cut short said only this; the advice of an empty file follows now.
    ['a missing key', `version: 0.2.0\n`, '', `?: the file has no \`version\`: it may be cut short, or edited; it should hold what nbpromote last generated. Delete it and promote again to start the version history afresh (every existing file that differs from the generated one then counts as a hand edit).`],
    ['an unknown key', 'tool_version: 0.1.0', 'tool_version: 0.1.0\nextra: 1', `${lineNo('tool_version') + 1}: the file has an unknown key \`extra\``],
    ['a version with a suffix', 'version: 0.2.0', 'version: 0.2.0-rc1', `${lineNo('version:')}: \`version\` must be a version MAJOR.MINOR.PATCH, like 0.2.0`],
    ['a short hash', `  pipeline.yaml: ${H1}`, '  pipeline.yaml: abc', `${lineNo('  pipeline.yaml')}: \`files.pipeline.yaml\` must be a SHA-256 hash (64 lowercase hexadecimal digits)`],
    ['a path leaving the root', `  pipeline.yaml: ${H1}`, `  ../pipeline.yaml: ${H1}`, `${lineNo('  pipeline.yaml')}: \`../pipeline.yaml\` in \`files\` is not a path relative to the lock file (forward slashes, no \`.\` or \`..\` segments)`],
    ['an absolute path', `  pipeline.yaml: ${H1}`, `  /etc/passwd: ${H1}`, `${lineNo('  pipeline.yaml')}: \`/etc/passwd\` in \`files\` is not a path relative to the lock file (forward slashes, no \`.\` or \`..\` segments)`],
    ['a bad git commit', `git_commit: ${COMMIT}`, 'git_commit: main', `${lineNo('notebook:')}: \`notebook.git_commit\` must be a git commit id (40 or 64 lowercase hexadecimal digits) or null`],
    ['a default of the wrong type', 'n_estimators: {type: int, default: 200}', 'n_estimators: {type: int, default: many}', `${lineNo('  n_estimators')}: \`parameters.n_estimators.default\` must be a whole number, as its \`type\` says`],
    ['an unknown parameter type', '{type: int, default: 200}', '{type: integer, default: 200}', `${lineNo('  n_estimators')}: \`parameters.n_estimators.type\` must be one of int, float, str, bool, list, tuple, dict, none, path`],
    ['a step name that is not an identifier', '  load: {', '  load-data: {', `${lineNo('  load:')}: \`load-data\` in \`steps\` is not a Python identifier (ASCII letters, digits and _, not starting with a digit)`],
    ['a repeated output', 'outputs: [raw]', 'outputs: [raw, raw]', `${lineNo('  load:')}: \`steps.load.outputs\` lists the same name twice`],
    ['a bad timestamp', "promoted_at: '2026-11-25T22:30:00Z'", 'promoted_at: yesterday', `${lineNo('promoted_at')}: \`promoted_at\` must be an ISO 8601 UTC time, like 2026-11-25T22:30:00Z`],
    ['a negative cell index', '{index: 5, id: e26d2f06}', '{index: -5, id: e26d2f06}', `${lineNo('  load:')}: \`steps.load.cells[0].index\` must be at least 0`],
  ];
  for (const [name, from, to, expected] of cases) {
    it(`reports ${name} with its line`, () => {
      assert.deepEqual(problemsOf(replace(from, to)), [expected]);
    });
  }

  it('reports an empty history', () => {
    const text = good.slice(0, good.indexOf('history:')) + 'history: []\n';
    assert.deepEqual(problemsOf(text), [`${lineNo('history:')}: \`history\` must not be empty`]);
  });

  it('warns when the last history entry is not the version', () => {
    const text = replace('version: 0.2.0\ntool_version', 'version: 0.3.0\ntool_version');
    const { lock, problems } = readLockFile(text, 'nbpromote.lock');
    assert.equal(lock?.version, '0.3.0');
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.line]),
      [['warning', 'lock-history', lineNo('  - version: 0.2.0')]],
    );
  });
});

describe('lock.schema.json', () => {
  it('describes every property and definition', () => {
    const missing: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      for (const key of ['properties', 'definitions'] as const) {
        const children = record[key];
        if (typeof children !== 'object' || children === null) continue;
        for (const [name, child] of Object.entries(children as Record<string, unknown>)) {
          if (typeof (child as Record<string, unknown>)['description'] !== 'string') missing.push(`${where}/${key}/${name}`);
          visit(child, `${where}/${key}/${name}`);
        }
      }
    };
    visit(schema, '#');
    assert.deepEqual(missing, []);
  });
});

describe('nextLock', () => {
  const base = {
    package: 'churn_native',
    toolVersion: '0.1.0',
    promotedAt: new Date('2026-11-26T08:00:00.456Z'),
    notebook: { path: 'churn.ipynb', sha256: H2, git_commit: null, git_dirty: null },
    current: { parameters: CHURN.parameters, steps: CHURN.steps },
    plans: [
      { path: 'pipeline.yaml', contents: 'two', why: '' },
      { path: 'pyproject.toml', contents: 'mine', why: '', mode: 'create-only' as const },
    ],
  };

  it('starts the history on the first promotion', () => {
    const lock = nextLock({ ...base, previous: undefined, version: '0.1.0', changes: ['first promotion'] });
    assert.equal(lock.promoted_at, '2026-11-26T08:00:00Z');
    assert.deepEqual(lock.files, { 'pipeline.yaml': H2 }, 'create-only files are not in the lock');
    assert.deepEqual(lock.history, [{ version: '0.1.0', at: '2026-11-26T08:00:00Z', notebook_sha256: H2, changes: ['first promotion'] }]);
    assert.deepEqual(reads(renderLockFile(lock)), lock);
  });

  it('appends to the history when the version changes', () => {
    const lock = nextLock({ ...base, previous: CHURN, version: '0.3.0', changes: ['new step x (minor)'] });
    assert.deepEqual(
      lock.history.map((h) => [h.version, h.changes]),
      [
        ['0.1.0', ['first promotion']],
        ['0.2.0', ['new step train (minor)', 'the code of step load changed (patch)']],
        ['0.3.0', ['new step x (minor)']],
      ],
    );
  });

  it('keeps the history when the version stays', () => {
    const lock = nextLock({ ...base, previous: CHURN, version: '0.2.0', changes: [] });
    assert.deepEqual(lock.history, CHURN.history);
    assert.equal(lock.notebook.sha256, H2, 'the notebook hash is the new one');
  });

  it('isoSeconds drops milliseconds', () => {
    assert.equal(isoSeconds(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '2026-01-02T03:04:05Z');
  });
});
