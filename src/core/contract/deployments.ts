/**
 * Deployments, as the Deployments view and `nbpromote deploy` show them: the environments a person lists in
 * `deployments.yaml` (schema schemas/deployments.schema.json) beside pipeline.yaml, what each answered to its HTTP
 * health check and version endpoint, and how far the version it serves is behind the newest promoted version
 * (nbpromote.lock). core/deploy builds these; docs/cli.md documents the JSON shape.
 */
import type { Problem } from './problem';

/** The file's name, in an output root beside pipeline.yaml. */
export const DEPLOYMENTS_FILE_NAME = 'deployments.yaml';

/** One environment of deployments.yaml, as written (snake_case, the file's own names). */
export interface DeploymentEnvironment {
  readonly name: string;
  /** Base URL, http(s). */
  readonly url: string;
  /** Path under `url`; default `/health`. */
  readonly health?: string;
  /** Path under `url` answering the version. */
  readonly version?: string;
  /** Key of the version endpoint's JSON object; default `version`. */
  readonly version_key?: string;
  /** A response header holding the version. */
  readonly version_header?: string;
  /** Seconds per request; default 5. */
  readonly timeout_s?: number;
  /** The variable the CLI reads a bearer token from. */
  readonly token_env?: string;
}

export interface DeploymentsConfig {
  readonly environments: readonly DeploymentEnvironment[];
}

/**
 * What the health check found:
 * - `healthy`: a 2xx answer (status, milliseconds to the whole answer);
 * - `unhealthy`: any other answer, with the first 200 characters of its body, or a redirect to another origin
 *   (not followed: `reason` says so);
 * - `unreachable`: no answer (connection refused, no such host ...), `reason` in words;
 * - `timeout`: no whole answer within the environment's `timeout_s`;
 * - `unchecked`: not asked (Restricted Mode, or not yet), `reason` says why.
 */
export type HealthResult =
  | { readonly kind: 'healthy'; readonly url: string; readonly status: number; readonly ms: number }
  | { readonly kind: 'unhealthy'; readonly url: string; readonly status: number; readonly ms: number; readonly body: string; readonly reason?: string }
  | { readonly kind: 'unreachable'; readonly url: string; readonly reason: string }
  | { readonly kind: 'timeout'; readonly url: string; readonly ms: number }
  | { readonly kind: 'unchecked'; readonly url: string; readonly reason: string };

/**
 * The version the environment serves: `found` (from the JSON body, plain text or a header), `none` (the file
 * names no version endpoint nor header), `failed` (asked, and no version came back: `reason`), `unchecked`.
 */
export type VersionResult =
  | { readonly kind: 'found'; readonly version: string; readonly source: 'json' | 'text' | 'header'; readonly url: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'failed'; readonly url: string; readonly reason: string }
  | { readonly kind: 'unchecked'; readonly reason: string };

export type SemverBump = 'major' | 'minor' | 'patch';

/**
 * How far the served version is behind the newest promoted one:
 * - `current`: it is the newest;
 * - `behind`: `versions` promoted versions came after it (from the lock's history), `bump` the semver difference;
 * - `ahead`: newer than anything promoted here (not in the history, and a higher version);
 * - `unknownVersion`: not in the history and not newer;
 * - `unknown`: the served version or the newest promoted one is not known (`reason`).
 */
export type Behind =
  | { readonly kind: 'current' }
  | { readonly kind: 'behind'; readonly versions: number; readonly bump: SemverBump | undefined }
  | { readonly kind: 'ahead' }
  | { readonly kind: 'unknownVersion' }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface EnvironmentCheck {
  readonly environment: DeploymentEnvironment;
  readonly health: HealthResult;
  readonly version: VersionResult;
  readonly behind: Behind;
  /** ISO 8601, when the check ended; undefined when not checked. */
  readonly checkedAt?: string;
}

/** The newest promoted version of an output root, from nbpromote.lock. */
export interface PromotedVersions {
  readonly package: string;
  readonly newest: string;
  /** Every promoted version, oldest first (the lock's `history`). */
  readonly history: readonly string[];
}

/** One output root's deployments: the file's environments, checked or not, and the newest promoted version. */
export interface DeploymentsReport {
  /** The output root (the folder of deployments.yaml). */
  readonly root: string;
  readonly file: string;
  /** Undefined when the root has no readable, valid nbpromote.lock. */
  readonly promoted: PromotedVersions | undefined;
  /** In the file's order. */
  readonly environments: readonly EnvironmentCheck[];
  readonly problems: readonly Problem[];
}
