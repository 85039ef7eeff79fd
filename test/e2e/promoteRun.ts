// What the suites promoting and running notebooks with the built CLI and real Python share.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from './cli';
import { cli, root } from './cli';

/** Debian's Python (or $NBPROMOTE_PYTHON): it runs the generated code. */
export const python = process.env['NBPROMOTE_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
export const env = { ...process.env, NBPROMOTE_PYTHON: python, PYDEVD_DISABLE_FILE_VALIDATION: '1' };

/** The built CLI run in `cwd`. */
export function nbpromote(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Python run in `cwd`. */
export function py(cwd: string, ...args: string[]): Run {
  const r = spawnSync(python, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The .py files under `dir`. */
export function pyFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.py') && !f.includes('__pycache__'))
    .map((f) => join(dir, f));
}

/** What `nbpromote run --json` prints. */
export interface RunJson {
  readonly run_id: string;
  readonly status: string;
  readonly params: Record<string, unknown>;
  readonly metrics: Record<string, number>;
  readonly steps: readonly { name: string; status: string }[];
}

/**
 * For the suite this is called in: the CLI built when it is not, and a copy of examples/ in a fresh folder made
 * before its tests and removed after them; the folder (`prefix` names it), once the suite started.
 */
export function examplesCopy(prefix: string): () => string {
  let work = '';
  before(() => {
    if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root });
    work = mkdtempSync(join(tmpdir(), prefix));
    cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true });
  });
  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });
  return () => work;
}
