/**
 * The HTTP checks of one environment of deployments.yaml: GET its health path, then its version path (or a
 * header), each with the environment's timeout over the whole exchange (an AbortController).
 *
 * Requests never leave the environment's origin: paths are joined to its base URL (the schema allows only
 * `/path`), a redirect is followed only to the same origin (at most 5 of them), and one to another origin ends the
 * check as `unhealthy`, not followed. The token goes only to that origin, as `Authorization: Bearer`. Bodies are
 * read up to 64 KiB. Never throws: every outcome is a typed result (contract/deployments.ts).
 */
import type { Behind, DeploymentEnvironment, EnvironmentCheck, HealthResult, PromotedVersions, VersionResult } from '../contract/deployments';
import { behindOf } from './behind';
import { DEFAULT_TIMEOUT_S, DEFAULT_VERSION_KEY, healthPath } from './config';
import { formatSeconds, networkWords } from '../util/network';

export interface CheckOptions {
  /** The bearer token for this environment's origin, when there is one. */
  readonly token?: string | undefined;
  /** Replaces the global fetch (tests). */
  readonly fetch?: typeof fetch;
  /** The clock, for `checkedAt` (tests). */
  readonly now?: () => Date;
}

/** Characters of an unhealthy answer's body that are kept. */
export const BODY_EXCERPT = 200;
const MAX_BODY_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;

/** The URL of `path` under the environment's base URL (`https://a.example/model` + `/health`). */
export function endpointUrl(environment: DeploymentEnvironment, path: string): string {
  return `${environment.url.replace(/\/+$/, '')}${path}`;
}

/** The origin of `url` (`https://a.example:8443`), lower-cased as URL gives it; undefined when it is not a URL. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Why an environment's address is one no server answers for: a name reserved for examples (RFC 2606 and 6761:
 * `example.com`, `.example`, `.invalid`, `.test`), as the new deployments.yaml's template has it (round 36 I: it
 * showed "unreachable" at once). Undefined for any other address.
 */
export function exampleAddress(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
  const reserved = /(?:^|\.)example\.(?:com|net|org)$/.test(host) || /\.(?:example|invalid|test)$/.test(host) || ['example', 'invalid', 'test'].includes(host);
  return reserved ? `not checked: ${host} is an example address; set this environment's url in deployments.yaml` : undefined;
}

/** Checks one environment: health, then version, then how far behind `promoted` it is; not one at an example address. */
export async function checkEnvironment(environment: DeploymentEnvironment, promoted: PromotedVersions | undefined, options: CheckOptions = {}): Promise<EnvironmentCheck> {
  const example = exampleAddress(environment.url);
  if (example !== undefined) return uncheckedEnvironment(environment, example);
  const timeoutMs = Math.round((environment.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000);
  const healthUrl = endpointUrl(environment, healthPath(environment));
  const answer = await get(healthUrl, environment, timeoutMs, options);
  const health = healthOf(answer, healthUrl);
  let version: VersionResult;
  if (environment.version !== undefined) {
    const versionUrl = endpointUrl(environment, environment.version);
    version = versionOf(await get(versionUrl, environment, timeoutMs, options), versionUrl, environment);
  } else if (environment.version_header !== undefined) {
    version = versionOf(answer, healthUrl, environment);
  } else {
    version = { kind: 'none' };
  }
  const behind: Behind = version.kind === 'found' ? behindOf(version.version, promoted) : { kind: 'unknown', reason: version.kind === 'none' ? 'the file names no version endpoint or header' : 'the version it serves is not known' };
  return { environment, health, version, behind, checkedAt: (options.now?.() ?? new Date()).toISOString() };
}

/** The environment as listed, not asked: `reason` says why (Restricted Mode, not checked yet). */
export function uncheckedEnvironment(environment: DeploymentEnvironment, reason: string): EnvironmentCheck {
  return {
    environment,
    health: { kind: 'unchecked', url: endpointUrl(environment, healthPath(environment)), reason },
    version: environment.version === undefined && environment.version_header === undefined ? { kind: 'none' } : { kind: 'unchecked', reason },
    behind: { kind: 'unknown', reason },
  };
}

/** Checks every environment, at most `concurrency` at once; the results keep the file's order. */
export async function checkEnvironments(environments: readonly DeploymentEnvironment[], promoted: PromotedVersions | undefined, optionsOf: (environment: DeploymentEnvironment) => CheckOptions, concurrency = 4): Promise<EnvironmentCheck[]> {
  const results: EnvironmentCheck[] = new Array<EnvironmentCheck>(environments.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < environments.length) {
      const i = next++;
      const environment = environments[i];
      if (environment !== undefined) results[i] = await checkEnvironment(environment, promoted, optionsOf(environment));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, environments.length)) }, worker));
  return results;
}

/** A version as an answer may give it: one short token without spaces or markup (`0.3.1`, `v0.3.1`). */
const VERSION_TOKEN = /^[^\s<>{}[\]]{1,100}$/;

/** What an HTTP header value may hold: visible Latin-1 characters, spaces and tabs (RFC 9110 field-value). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

// ---------------------------------------------------------------------------------------------------------
// One GET

type Answer =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Headers; readonly body: string; readonly ms: number }
  | { readonly kind: 'crossOrigin'; readonly status: number; readonly location: string; readonly ms: number }
  | { readonly kind: 'unreachable'; readonly reason: string }
  | { readonly kind: 'timeout'; readonly ms: number };

async function get(url: string, environment: DeploymentEnvironment, timeoutMs: number, options: CheckOptions): Promise<Answer> {
  const fetchImpl = options.fetch ?? fetch;
  // A token a header cannot hold (a newline, a character beyond Latin-1) is refused before any request: the
  // error fetch would raise quotes the whole header, token and all, into the report and CI logs.
  if (options.token !== undefined && !HEADER_VALUE.test(options.token)) {
    return { kind: 'unreachable', reason: 'the token cannot be sent: it holds a line break or a character an HTTP header cannot carry (not sent; check how it was set)' };
  }
  const origin = originOf(environment.url);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const started = Date.now();
  try {
    let current = url;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5' };
      // The token goes to the environment's own origin only.
      if (options.token !== undefined && options.token !== '' && originOf(current) === origin) headers['authorization'] = `Bearer ${options.token}`;
      const response = await fetchImpl(current, { method: 'GET', headers, signal: controller.signal, redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel().catch(() => undefined);
        const target = new URL(location, current).toString();
        if (originOf(target) !== origin) return { kind: 'crossOrigin', status: response.status, location: target, ms: Date.now() - started };
        if (hop >= MAX_REDIRECTS) return { kind: 'unreachable', reason: `more than ${MAX_REDIRECTS} redirects` };
        current = target;
        continue;
      }
      const body = await readCapped(response);
      return { kind: 'answer', status: response.status, headers: response.headers, body, ms: Date.now() - started };
    }
  } catch (ex) {
    if (timedOut) return { kind: 'timeout', ms: timeoutMs };
    // Never a token in a report, whatever an error quotes.
    const reason = networkWords(ex);
    return { kind: 'unreachable', reason: options.token === undefined || options.token === '' ? reason : reason.split(options.token).join('<token>') };
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, at most MAX_BODY_BYTES of it. */
async function readCapped(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function healthOf(answer: Answer, url: string): HealthResult {
  switch (answer.kind) {
    case 'answer':
      if (answer.status >= 200 && answer.status <= 299) return { kind: 'healthy', url, status: answer.status, ms: answer.ms };
      return { kind: 'unhealthy', url, status: answer.status, ms: answer.ms, body: answer.body.slice(0, BODY_EXCERPT) };
    case 'crossOrigin':
      return { kind: 'unhealthy', url, status: answer.status, ms: answer.ms, body: '', reason: `redirected to another origin (${answer.location}); not followed` };
    case 'unreachable':
      return { kind: 'unreachable', url, reason: answer.reason };
    case 'timeout':
      return { kind: 'timeout', url, ms: answer.ms };
  }
}

function versionOf(answer: Answer, url: string, environment: DeploymentEnvironment): VersionResult {
  switch (answer.kind) {
    case 'crossOrigin':
      return { kind: 'failed', url, reason: `redirected to another origin (${answer.location}); not followed` };
    case 'unreachable':
      return { kind: 'failed', url, reason: answer.reason };
    case 'timeout':
      return { kind: 'failed', url, reason: `no answer within ${formatSeconds(answer.ms)}` };
    case 'answer':
      break;
  }
  // A header says which version answered, whatever the status (an unhealthy environment still serves a version).
  if (environment.version_header !== undefined) {
    const value = answer.headers.get(environment.version_header)?.trim();
    if (value !== undefined && value !== '') return { kind: 'found', version: value, source: 'header', url };
    return { kind: 'failed', url, reason: answer.status < 200 || answer.status > 299 ? `HTTP ${answer.status}` : `no ${environment.version_header} header in the answer` };
  }
  if (answer.status < 200 || answer.status > 299) return { kind: 'failed', url, reason: `HTTP ${answer.status}` };
  const text = answer.body.trim();
  const key = environment.version_key ?? DEFAULT_VERSION_KEY;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const value = (json as Record<string, unknown>)[key];
    if (typeof value === 'string' && VERSION_TOKEN.test(value.trim())) return { kind: 'found', version: value.trim(), source: 'json', url };
    if (typeof value === 'string') return { kind: 'failed', url, reason: `\`${key}\` in the JSON answer is not a version (${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? '…' : ''})` };
    return { kind: 'failed', url, reason: `the JSON answer has no string \`${key}\`` };
  }
  if (typeof json === 'string' && VERSION_TOKEN.test(json.trim())) return { kind: 'found', version: json.trim(), source: 'json', url };
  // Other JSON (null, a number, a list) is no version; plain text is one short token, as `0.3.1` or `v0.3.1`.
  if (json === undefined && VERSION_TOKEN.test(text)) return { kind: 'found', version: text, source: 'text', url };
  if (json !== undefined) return { kind: 'failed', url, reason: `the JSON answer is not a version (${JSON.stringify(text.slice(0, 40))})` };
  return { kind: 'failed', url, reason: text === '' ? 'the answer is empty' : `the answer is not a version (it starts with ${JSON.stringify(text.slice(0, 40))})` };
}

