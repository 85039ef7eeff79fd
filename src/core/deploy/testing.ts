/**
 * Test helpers for deployments: an nbpromote.lock whose history holds `versions` (oldest first; the last is the
 * newest), valid against the lock's schema. Used by unit, e2e and extension-host tests only.
 */
import type { LockFile } from '../contract/lockFile';
import { renderLockFile } from '../versioning/lockFile';

export function lockWithVersions(packageName: string, versions: readonly string[]): string {
  const hash = 'a'.repeat(64);
  const newest = versions[versions.length - 1] ?? '0.1.0';
  const lock: LockFile = {
    lock_version: 1,
    package: packageName,
    version: newest,
    tool_version: '0.1.0',
    promoted_at: '2026-11-25T22:30:00Z',
    notebook: { path: `${packageName}.ipynb`, sha256: hash, git_commit: null, git_dirty: null },
    parameters: {},
    steps: {},
    files: {},
    history: versions.map((version, i) => ({ version, at: `2026-11-${String(10 + i).padStart(2, '0')}T10:00:00Z`, notebook_sha256: hash, changes: [i === 0 ? 'first promotion' : 'the code changed'] })),
  };
  return renderLockFile(lock);
}
