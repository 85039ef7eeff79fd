import type { LockFile } from '../contract/lockFile';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Whether promotion writes files at `path` (relative, forward slashes): pipeline.yaml, pyproject.toml,
 * tests/conftest.py, tests/test_<name>.py, and Python modules under src/<package>/, every name an identifier.
 * Only such a file the lock lists is ever deleted; the lock lists another only when edited by hand.
 */
export function generatedPathShape(path: string): boolean {
  if (path === 'pipeline.yaml' || path === 'pyproject.toml' || path === 'tests/conftest.py') return true;
  const parts = path.split('/');
  const file = parts[parts.length - 1] ?? '';
  if (!file.endsWith('.py') || !IDENTIFIER.test(file.slice(0, -3))) return false;
  if (parts.length === 2 && parts[0] === 'tests') return file.startsWith('test_');
  return parts.length >= 3 && parts[0] === 'src' && parts.slice(1, -1).every((p) => IDENTIFIER.test(p));
}

/** The paths the lock lists that promotion never writes (see {@link generatedPathShape}): left alone, and named. */
export function foreignLockPaths(lock: LockFile | undefined): string[] {
  return lock === undefined ? [] : Object.keys(lock.files).filter((path) => !generatedPathShape(path)).sort();
}
