/**
 * `nbpromote deploy [--out DIR] [--json] [--env NAME]`: the environments of `<DIR>/deployments.yaml`, each checked
 * over HTTP (health, the version it serves) and how far it is behind the newest promoted version (nbpromote.lock),
 * as the Deployments view shows them. `--json` prints one JSON document on stdout and nothing else (docs/cli.md).
 * Exit 0 when every environment checked is healthy, 1 when one is not, when the file is missing or invalid; 2 usage
 * errors. A token comes from the variable the environment's `token_env` names, and goes to its origin only.
 */
import { join, resolve } from 'node:path';
import type { DeploymentEnvironment, DeploymentsReport, EnvironmentCheck } from '../../core/contract/deployments';
import { DEPLOYMENTS_FILE_NAME } from '../../core/contract/deployments';
import { formatProblem } from '../../core/contract/problem';
import type { Problem } from '../../core/contract/problem';
import { behindWords } from '../../core/deploy/behind';
import { MINIMAL_DEPLOYMENTS } from '../../core/deploy/config';
import { allHealthy, checkDeployments, healthDetail, healthWord, readDeployments, selectEnvironments } from '../../core/deploy/deployments';
import { NbpromoteError } from '../../core/errors';
import type { FlagSpec, ParsedArgs } from '../args';
import { flagBoolean, flagString } from '../args';
import type { CliIo } from '../io';
import { ExitCode } from '../io';
import { alignedRows } from '../table';
import { isFolderSync } from '../../core/io/paths';

export const deployFlags: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', valueName: 'DIR', description: 'the output root holding deployments.yaml and nbpromote.lock (default: the current folder)' },
  { name: 'env', kind: 'string', valueName: 'NAME', description: 'check only the environment NAME' },
  { name: 'json', kind: 'boolean', description: 'print one JSON document {root, file, package, newest_version, healthy, environments: [...], problems} on stdout' },
];

export async function runDeploy(args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  if (args.positionals.length > 0) throw new NbpromoteError('usage', `deploy takes no positional arguments, got: ${args.positionals.join(' ')}`);
  const root = resolve(io.cwd, flagString(args, 'out') ?? '.');
  const json = flagBoolean(args, 'json');
  // Nothing to check: said on stderr, and with --json in the document a check prints, with no environment.
  const failed = (file: string, problems: readonly Problem[]): ExitCode => {
    if (json) io.out(`${JSON.stringify(deployJson({ root, file, promoted: undefined, environments: [], problems }), null, 2)}\n`);
    return ExitCode.BadInput;
  };
  const file = join(root, DEPLOYMENTS_FILE_NAME);
  if (!isFolderSync(root)) {
    const message = `${root}: no such folder (--out names the output root holding ${DEPLOYMENTS_FILE_NAME})`;
    io.err(`nbpromote: ${message}\n`);
    return failed(file, [{ severity: 'error', code: 'output-root-missing', message, file: root }]);
  }
  const files = await readDeployments(root);
  if (files.kind === 'missing') {
    io.err(`nbpromote: ${files.file}: no such file. List the environments this package is deployed to there, beside pipeline.yaml, for example:\n\n${MINIMAL_DEPLOYMENTS.replace(/^/gm, '    ').trimEnd()}\n\nEach may also name health (default /health), version (a path answering the version), version_header, timeout_s and token_env: see docs/cli.md.\n`);
    return failed(files.file, [{ severity: 'error', code: 'deployments-missing', message: `no such file: list the environments this package is deployed to there (docs/cli.md, nbpromote deploy)`, file: files.file }]);
  }
  if (files.kind === 'invalid') {
    for (const problem of files.problems) io.err(`${problem.severity}: ${formatProblem(problem)}\n`);
    return failed(files.file, files.problems);
  }
  const only = flagString(args, 'env');
  const environments = selectEnvironments(files.config, only);
  if (only !== undefined && environments.length === 0) {
    throw new NbpromoteError('usage', `--env ${only}: ${files.file} lists no such environment (it lists: ${files.config.environments.map((e) => e.name).join(', ') || 'none'})`);
  }
  for (const problem of files.problems) io.err(`${problem.severity}: ${formatProblem(problem)}\n`);
  const report = await checkDeployments(files, environments, (environment) => ({ token: tokenOf(environment, io) }));
  if (json) io.out(`${JSON.stringify(deployJson(report), null, 2)}\n`);
  else io.out(renderTable(report));
  return allHealthy(report.environments) ? ExitCode.Ok : ExitCode.BadInput;
}

function tokenOf(environment: DeploymentEnvironment, io: CliIo): string | undefined {
  if (environment.token_env === undefined) return undefined;
  const token = io.env[environment.token_env]?.trim();
  return token === undefined || token === '' ? undefined : token;
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** `--json`: snake_case, every key present (null when unknown). docs/cli.md documents it. */
export function deployJson(report: DeploymentsReport): Record<string, unknown> {
  return {
    root: report.root,
    file: report.file,
    package: report.promoted?.package ?? null,
    newest_version: report.promoted?.newest ?? null,
    // No environment checked (no file, or one that cannot be read) is no healthy deployment.
    healthy: report.environments.length > 0 && allHealthy(report.environments),
    environments: report.environments.map(environmentJson),
    problems: report.problems.map((p) => ({ severity: p.severity, code: p.code, message: p.message, file: p.file, line: p.line ?? null })),
  };
}

function environmentJson(check: EnvironmentCheck): Record<string, unknown> {
  const { environment, health, version, behind } = check;
  return {
    name: environment.name,
    url: environment.url,
    health: {
      state: health.kind === 'unchecked' ? 'not_checked' : health.kind,
      url: health.url,
      status: health.kind === 'healthy' || health.kind === 'unhealthy' ? health.status : null,
      latency_ms: health.kind === 'healthy' || health.kind === 'unhealthy' ? health.ms : null,
      body: health.kind === 'unhealthy' ? health.body : null,
      reason: health.kind === 'unreachable' || health.kind === 'unchecked' ? health.reason : health.kind === 'unhealthy' ? (health.reason ?? null) : health.kind === 'timeout' ? healthDetail(health) : null,
    },
    version: {
      state: version.kind === 'none' ? 'not_configured' : version.kind === 'unchecked' ? 'not_checked' : version.kind,
      value: version.kind === 'found' ? version.version : null,
      source: version.kind === 'found' ? version.source : null,
      url: version.kind === 'found' || version.kind === 'failed' ? version.url : null,
      reason: version.kind === 'failed' || version.kind === 'unchecked' ? version.reason : null,
    },
    behind: {
      state: behind.kind === 'unknownVersion' ? 'unknown_version' : behind.kind,
      versions: behind.kind === 'behind' ? behind.versions : behind.kind === 'current' ? 0 : null,
      bump: behind.kind === 'behind' ? (behind.bump ?? null) : null,
    },
    checked_at: check.checkedAt ?? null,
  };
}

function renderTable(report: DeploymentsReport): string {
  const header = ['ENVIRONMENT', 'HEALTH', 'VERSION', 'BEHIND', 'URL'];
  const rows = report.environments.map(({ environment, health, version, behind }) => [
    environment.name,
    health.kind === 'healthy' ? `healthy (${health.ms} ms)` : `${healthWord(health)}: ${healthDetail(health)}`.slice(0, 80),
    version.kind === 'found' ? version.version : version.kind === 'failed' ? 'unknown' : '-',
    behindWords(behind) || '-',
    environment.url,
  ]);
  const healthy = report.environments.filter((c) => c.health.kind === 'healthy').length;
  const promoted = report.promoted === undefined ? 'no nbpromote.lock: newest promoted version unknown' : `${report.promoted.package} ${report.promoted.newest} is the newest promoted version`;
  return `${alignedRows([header, ...rows]).join('\n')}\n${healthy} of ${report.environments.length} environment${report.environments.length === 1 ? '' : 's'} healthy; ${promoted} (${report.root})\n`;
}
