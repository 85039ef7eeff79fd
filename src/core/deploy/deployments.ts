/**
 * The deployments of one output root: its deployments.yaml (config.ts), the newest promoted version and the
 * history from nbpromote.lock, and the checks of its environments (check.ts). The CLI calls `readDeployments`
 * then `checkDeployments`; the Deployments view calls them apart so the file shows before the answers come.
 */
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { DeploymentEnvironment, DeploymentsConfig, DeploymentsReport, EnvironmentCheck, HealthResult, PromotedVersions } from '../contract/deployments';
import { DEPLOYMENTS_FILE_NAME } from '../contract/deployments';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import type { Problem } from '../contract/problem';
import { isMissing } from '../io/paths';
import { readLockFile } from '../versioning/lockFile';
import type { CheckOptions } from './check';
import { checkEnvironments, uncheckedEnvironment } from './check';
import { readDeploymentsConfig } from './config';

/** What an output root's files say, before any request. */
export type DeploymentsFiles =
  | { readonly kind: 'missing'; readonly root: string; readonly file: string }
  | { readonly kind: 'invalid'; readonly root: string; readonly file: string; readonly problems: readonly Problem[] }
  | { readonly kind: 'read'; readonly root: string; readonly file: string; readonly config: DeploymentsConfig; readonly promoted: PromotedVersions | undefined; readonly problems: readonly Problem[] };

/** Reads `<root>/deployments.yaml` and `<root>/nbpromote.lock`. Never rejects on their contents. */
export async function readDeployments(root: string): Promise<DeploymentsFiles> {
  const file = nodePath.join(root, DEPLOYMENTS_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (ex) {
    if (isMissing(ex)) return { kind: 'missing', root, file };
    const code = (ex as NodeJS.ErrnoException).code;
    return { kind: 'invalid', root, file, problems: [{ severity: 'error', code: 'deployments-unreadable', message: `the file cannot be read (${code ?? String(ex)})`, file }] };
  }
  const read = readDeploymentsConfig(text, file);
  if (read.config === undefined) return { kind: 'invalid', root, file, problems: read.problems };
  const promoted = await readPromoted(root);
  return { kind: 'read', root, file, config: read.config, promoted: promoted.promoted, problems: [...read.problems, ...promoted.problems] };
}

/** The newest promoted version and the history, from the lock; undefined (with a problem) when it cannot be read. */
export async function readPromoted(root: string): Promise<{ promoted: PromotedVersions | undefined; problems: Problem[] }> {
  const file = nodePath.join(root, LOCK_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (ex) {
    if (isMissing(ex)) return { promoted: undefined, problems: [{ severity: 'warning', code: 'deployments-no-lock', message: 'no nbpromote.lock here: promote the notebook to this folder to know how far each environment is behind', file }] };
    return { promoted: undefined, problems: [{ severity: 'warning', code: 'deployments-no-lock', message: `the file cannot be read (${(ex as NodeJS.ErrnoException).code ?? String(ex)})`, file }] };
  }
  const read = readLockFile(text, file);
  if (read.lock === undefined) return { promoted: undefined, problems: read.problems.map((p) => ({ ...p, severity: 'warning' })) };
  const history = read.lock.history.map((h) => h.version);
  return { promoted: { package: read.lock.package, newest: read.lock.version, history: history.includes(read.lock.version) ? history : [...history, read.lock.version] }, problems: [] };
}

/** The environments to check: all, or the one named `only`. */
export function selectEnvironments(config: DeploymentsConfig, only: string | undefined): readonly DeploymentEnvironment[] {
  return only === undefined ? config.environments : config.environments.filter((e) => e.name === only);
}

/** Checks the environments of a read file (at most `concurrency` at once), in the file's order. */
export async function checkDeployments(files: Extract<DeploymentsFiles, { kind: 'read' }>, environments: readonly DeploymentEnvironment[], optionsOf: (environment: DeploymentEnvironment) => CheckOptions, concurrency = 4): Promise<DeploymentsReport> {
  const checks = await checkEnvironments(environments, files.promoted, optionsOf, concurrency);
  return { root: files.root, file: files.file, promoted: files.promoted, environments: checks, problems: files.problems };
}

/** The file's environments, listed without a request (Restricted Mode). */
export function uncheckedDeployments(files: Extract<DeploymentsFiles, { kind: 'read' }>, reason: string): DeploymentsReport {
  return { root: files.root, file: files.file, promoted: files.promoted, environments: files.config.environments.map((e) => uncheckedEnvironment(e, reason)), problems: files.problems };
}

/** Healthy in a word: "healthy", "unhealthy", "unreachable", "timeout", "not checked". */
export function healthWord(health: HealthResult): string {
  return health.kind === 'unchecked' ? 'not checked' : health.kind;
}

/** "HTTP 200 in 12 ms", "HTTP 500: <body>", "connection refused (ECONNREFUSED)", "no answer within 5 s". */
export function healthDetail(health: HealthResult): string {
  switch (health.kind) {
    case 'healthy':
      return `HTTP ${health.status} in ${health.ms} ms`;
    case 'unhealthy':
      return health.reason !== undefined ? `HTTP ${health.status}: ${health.reason}` : `HTTP ${health.status}${health.body.trim() === '' ? '' : `: ${health.body.trim().replace(/\s+/g, ' ')}`}`;
    case 'unreachable':
      return health.reason;
    case 'timeout':
      return `no answer within ${health.ms % 1000 === 0 ? `${health.ms / 1000} s` : `${(health.ms / 1000).toFixed(1)} s`}`;
    case 'unchecked':
      return health.reason;
  }
}

/** Every environment healthy (what `nbpromote deploy` exits 0 on). */
export function allHealthy(checks: readonly EnvironmentCheck[]): boolean {
  return checks.every((c) => c.health.kind === 'healthy');
}
