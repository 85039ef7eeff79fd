// What the e2e suites share: the built CLI they spawn (`npm run build` first) and what a finished process gave.
import { join } from 'node:path';

/** The repository's root. */
export const root = join(__dirname, '..', '..');

/** The CLI as people run it: the bundle `npm run build` writes. */
export const cli = join(root, 'dist', 'cli.js');

/** A finished process: its exit status and what it printed. */
export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
