/**
 * deployments.yaml: read and validated with the precompiled validator of schemas/deployments.schema.json
 * (contract/schemaValidators.ts). Never throws on user input: YAML and schema errors, and names listed twice,
 * come back as problems naming the file, the line and the key. Also the text of a new file (`deploymentsTemplate`)
 * and the smallest example (`MINIMAL_DEPLOYMENTS`), which the CLI prints when an output root has no file.
 */
import type { ErrorObject } from 'ajv';
import type { DeploymentEnvironment, DeploymentsConfig } from '../contract/deployments';
import type { Problem } from '../contract/problem';
import { schemaValidator } from '../contract/schemaValidators';
import { readYamlDocument } from '../pipeline/yamlPositions';
import { describeSchemaError, schemaProblems } from '../util/schemaErrors';

export interface DeploymentsConfigResult {
  /** Undefined when the file is not YAML, does not match the schema, or lists a name twice. */
  readonly config: DeploymentsConfig | undefined;
  readonly problems: readonly Problem[];
}

/** Health path when the file names none. */
export const DEFAULT_HEALTH_PATH = '/health';
/** Seconds per request when the file says nothing. */
export const DEFAULT_TIMEOUT_S = 5;
/** The JSON key of the version when `version_key` is not given. */
export const DEFAULT_VERSION_KEY = 'version';

/** Reads the text of a deployments.yaml (`file` is how problems name it). */
export function readDeploymentsConfig(text: string, file: string): DeploymentsConfigResult {
  const loaded = readYamlDocument(text, file);
  if (!loaded.ok) return { config: undefined, problems: [loaded.problem] };
  const { at } = loaded;
  if (loaded.value === undefined || loaded.value === null) {
    return { config: undefined, problems: [{ severity: 'error', code: 'deployments-schema', message: `the file is empty; it should list the environments:\n${MINIMAL_DEPLOYMENTS}`, file }] };
  }
  const validate = schemaValidator('deployments');
  if (!validate(loaded.value)) {
    const problems = schemaProblems(validate.errors ?? [], file, at, 'deployments-schema', (error) => describeSchemaError(error, { pattern: describePattern, listKnownKeys: true }));
    // In the file's order.
    return { config: undefined, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
  }
  const config = loaded.value as DeploymentsConfig;
  const problems: Problem[] = [];
  const seen = new Set<string>();
  if (config.environments.length === 0) {
    // A CI gate must not pass on a file that checks nothing.
    problems.push({ severity: 'error', code: 'deployments-schema', message: `\`environments\` lists none; list each environment to check:\n${MINIMAL_DEPLOYMENTS}`, file, ...at(['environments']) });
  }
  config.environments.forEach((environment, i) => {
    // Names differing in case only are one environment to a person reading the list.
    if (seen.has(environment.name.toLowerCase())) problems.push({ severity: 'error', code: 'deployments-duplicate', message: `the environment \`${environment.name}\` is listed twice`, file, ...at(['environments', i, 'name']) });
    seen.add(environment.name.toLowerCase());
    const url = urlProblem(environment.url);
    if (url !== undefined) problems.push({ severity: 'error', code: 'deployments-schema', message: `\`environments[${i}].url\` ${url}`, file, ...at(['environments', i, 'url']) });
    if (environment.version_key !== undefined && environment.version === undefined) {
      problems.push({ severity: 'warning', code: 'deployments-version-key', message: `\`environments[${i}].version_key\` is used only with \`version\` (the version endpoint), which \`${environment.name}\` does not name`, file, ...at(['environments', i, 'version_key']) });
    }
  });
  return { config: problems.some((p) => p.severity === 'error') ? undefined : config, problems };
}

/** Why `text` (which matched the schema's pattern) is no URL a request can go to: no host, a port out of range. */
function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `is not a URL a request can go to (${JSON.stringify(text)})`;
  }
  if (url.hostname === '') return `names no host (${JSON.stringify(text)})`;
  return undefined;
}

/** What each pattern of the schema means, by the key it is on. */
function describePattern(_error: ErrorObject, path: (string | number)[], subject: string): { message: string; path: (string | number)[] } {
  const key = path[path.length - 1];
  const words: Record<string, string> = {
    name: 'a name of letters, digits, `_`, `-` and `.`, starting with a letter',
    url: 'an http:// or https:// URL without a query, fragment or user name (`https://staging.example.com`)',
    health: 'a path starting with one `/` (`/health`), without spaces or `#`',
    version: 'a path starting with one `/` (`/version`), without spaces or `#`',
    version_header: 'an HTTP header name (`X-Model-Version`)',
    token_env: 'an environment variable name (letters, digits and _, not starting with a digit)',
  };
  return { message: `${subject} must be ${typeof key === 'string' ? (words[key] ?? 'of the expected form') : 'of the expected form'}`, path };
}

/** The health check's path of `environment`. */
export function healthPath(environment: DeploymentEnvironment): string {
  return environment.health ?? DEFAULT_HEALTH_PATH;
}

/** The smallest useful deployments.yaml. */
export const MINIMAL_DEPLOYMENTS = ['environments:', '  - name: staging', '    url: https://staging.example.com', ''].join('\n');

/** A new deployments.yaml, every key explained in comments (the editor's "Create deployments.yaml"). */
export function deploymentsTemplate(): string {
  return [
    '# deployments.yaml: where this package is deployed. The Deployments view and `nbpromote deploy` check each',
    '# environment over HTTP: its health, the version it serves, and how far that is behind the newest',
    '# promoted version (nbpromote.lock). Schema: schemas/deployments.schema.json of Notebook Promoter.',
    '#',
    '# environments: one entry each, in the order they are shown.',
    '#   name:           unique: letters, digits, _ - and ., starting with a letter',
    '#   url:            the base URL, http:// or https:// (requests never leave its origin)',
    '#   health:         GET path under url; a 2xx answer is healthy (default /health)',
    '#   version:        optional GET path answering the version: JSON {"version": "0.3.1"}, a JSON string, or text',
    '#   version_key:    optional: the JSON key holding the version (default version)',
    '#   version_header: optional: a response header holding the version (X-Model-Version)',
    '#   timeout_s:      optional: seconds per request (default 5)',
    '#   token_env:      optional: `nbpromote deploy` sends `Authorization: Bearer $VARIABLE` (in VS Code: Set Token)',
    '',
    'environments:',
    '  - name: staging',
    '    url: https://staging.example.com',
    '    health: /health',
    '    version: /version',
    '    timeout_s: 5',
    '  # - name: production',
    '  #   url: https://models.example.com',
    '  #   health: /health',
    '  #   version_header: X-Model-Version',
    '  #   token_env: PRODUCTION_TOKEN',
    '',
  ].join('\n');
}
