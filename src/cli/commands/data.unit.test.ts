/** `nbpromote data`'s table: its summary counts the runs that read a file as its RUNS column does. */
import * as assert from 'node:assert/strict';
import type { DataFile, DataStore } from '../../core/contract/data';
import { renderTable } from './data';

const run = (id: string): DataFile['versions'][number]['runs'][number] => ({ source: 'local', id, status: 'finished' });
const file = (shown: string, versions: readonly (readonly string[])[]): DataFile => ({
  path: `/p/${shown}`,
  shown,
  outsideProject: false,
  versions: versions.map((ids, i) => ({ sha256: `${i}`.repeat(64), runs: ids.map(run) })) as unknown as DataFile['versions'],
  disk: { kind: 'missing' },
  dvc: [],
  git: { kind: 'unavailable', reason: 'no git' },
});

describe('nbpromote data table', () => {
  it('says how many of the runs read the files (one failed before reading any), and the records not read', () => {
    const store: DataStore = { root: '/p', files: [file('data/a.csv', [['r3', 'r2'], ['r1']]), file('data/b.csv', [['r3']])], runsRead: 4, runsTotal: 5, problems: [] };
    const lines = renderTable(store).split('\n');
    assert.match(lines.find((l) => l.startsWith('data/a.csv')) ?? '', /^data\/a\.csv\s+2\s+missing\s+3\s+/);
    assert.ok(lines.includes('2 data files; 3 of 4 runs read them (1 more run record could not be read) (/p); versions newest first, * = the file on disk'), lines.join('\n'));
    const one = renderTable({ ...store, files: [file('data/b.csv', [['r3']])], runsRead: 1, runsTotal: 1 });
    assert.match(one, /\n1 data file; 1 of 1 run read it \(\/p\);/);
  });
});
