/**
 * Data files in words, the same in the Data view and in `nbpromote data`'s table: "3 versions · current
 * a1b2c3d", "changed since last run", "missing", "not hashed: 2.1 GB".
 */
import type { DataFile, DvcTracking } from '../contract/data';
import { formatSize } from '../util/words';

/** The first 7 hex digits of a hash, as git shortens commits. */
export function shortHash(hash: string): string {
  return hash.slice(0, 7);
}

/**
 * What the file on disk is, against the versions runs read: `current a1b2c3d` (the last run's version),
 * `current a1b2c3d (older version)`, `changed since last run`, `missing`, `not hashed: 2.1 GB`, `not read`,
 * `checking…` (not looked at yet).
 */
export function currentWords(file: DataFile): string {
  const { disk } = file;
  switch (disk.kind) {
    case 'unchecked':
      return 'checking…';
    case 'missing':
      return 'missing';
    case 'tooLarge':
      return `not hashed: ${formatSize(disk.size)}`;
    case 'notRead':
      return 'not read';
    case 'hashed':
      if (file.currentVersion === undefined) return 'changed since last run';
      return file.versions[0]?.sha256 === file.currentVersion ? `current ${shortHash(file.currentVersion)}` : `current ${shortHash(file.currentVersion)} (older version)`;
  }
}

/** "3 versions · current a1b2c3d". */
export function fileDescription(file: DataFile): string {
  const count = file.versions.length;
  return `${count} version${count === 1 ? '' : 's'} · ${currentWords(file)}`;
}

/** DVC in a word: `-` (not tracked), `matches`, `differs`, `unknown`; the worst of several entries. */
export function dvcWords(dvc: readonly DvcTracking[]): string {
  if (dvc.length === 0) return '-';
  if (dvc.some((d) => d.match === 'differs')) return 'differs';
  if (dvc.some((d) => d.match === 'unknown')) return 'unknown';
  return 'matches';
}

/** "used by 4 runs, last 2026-11-20". */
export function usedBy(runs: number, lastSeen: string | undefined): string {
  return `used by ${runs} run${runs === 1 ? '' : 's'}${lastSeen === undefined ? '' : `, last ${lastSeen.slice(0, 10)}`}`;
}
