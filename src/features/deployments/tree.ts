/**
 * The Deployments view: output roots with a deployments.yaml (package and newest promoted version) → their
 * environments (health icon; "v0.3.1 · healthy · 2 versions behind (minor)") → the health and version endpoints'
 * results. The file's environments show as soon as it is read ("checking…"), then each row is redrawn with its
 * answer. In Restricted Mode the environments are listed and nothing is asked: no request, no token (`policy`).
 *
 * Elements are plain data, cached by key so a redraw finds the same object; they become TreeItems only in
 * `getTreeItem`.
 */
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { DeploymentEnvironment, DeploymentsReport, EnvironmentCheck, HealthResult, VersionResult } from '../../core/contract/deployments';
import { DEPLOYMENTS_FILE_NAME } from '../../core/contract/deployments';
import { formatProblem } from '../../core/contract/problem';
import { behindWords } from '../../core/deploy/behind';
import { originOf } from '../../core/deploy/check';
import type { DeploymentsFiles } from '../../core/deploy/deployments';
import { checkDeployments, healthDetail, healthWord, readDeployments, uncheckedDeployments } from '../../core/deploy/deployments';
import { localTime } from '../runs/format';
import { isSameOrInside } from '../../core/io/paths';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../../host/disposable';

export interface DeploymentsRootElement {
  readonly kind: 'root';
  readonly root: string;
}

export interface EnvironmentElement {
  readonly kind: 'environment';
  readonly root: string;
  readonly name: string;
}

export interface EndpointElement {
  readonly kind: 'endpoint';
  readonly root: string;
  readonly name: string;
  readonly which: 'health' | 'version' | 'behind';
}

export interface DeploymentsMessageElement {
  readonly kind: 'message';
  readonly id: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly detail?: string;
}

export type DeploymentsElement = DeploymentsRootElement | EnvironmentElement | EndpointElement | DeploymentsMessageElement;

/** Where to look, whether requests may be made, and the tokens: the window decides (host/trust.ts, SecretStorage). */
export interface DeploymentsPolicy {
  readonly trusted: () => boolean;
  /** The workspace folders (file system paths). */
  readonly folders: () => readonly string[];
  /** Output roots that may hold a deployments.yaml (the Runs view's stores, pipeline.yaml folders, the files found). */
  readonly candidates: () => Promise<readonly string[]>;
  /** The token of an origin, from the secret storage. */
  readonly token: (origin: string) => Promise<string | undefined>;
  /** Words for a root's folder ("examples/churn"). */
  readonly label: (root: string) => string;
}

interface RootState {
  readonly root: string;
  files: DeploymentsFiles | undefined;
  report: DeploymentsReport | undefined;
  /** Bumped by every read: an older check that ends later is dropped. */
  generation: number;
}

export const RESTRICTED_REASON = 'not checked: Restricted Mode makes no network requests';
const CHECKING = 'checking…';

export class DeploymentsTree extends Disposable implements vscode.TreeDataProvider<DeploymentsElement> {
  private readonly changed = this.register(new vscode.EventEmitter<DeploymentsElement | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  private readonly roots = new Map<string, RootState>();
  private readonly elements = new Map<string, DeploymentsElement>();
  private loaded: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();
  /** When the environments were last checked (or, in Restricted Mode, listed): ms since the epoch; 0 before. */
  lastCheck = 0;

  constructor(
    private readonly policy: DeploymentsPolicy,
    private readonly log: Logger,
  ) {
    super();
  }

  // -------------------------------------------------------------------------------------------------------
  // Refreshing

  /** Looks for deployments.yaml files again, reads each and checks every environment. */
  async refresh(): Promise<void> {
    const load = this.load();
    this.loaded = load;
    await load;
  }

  /** Reads the files again and checks every environment (the poll). Nothing before the view was first shown. */
  async recheck(): Promise<void> {
    if (this.loaded === undefined) return;
    await this.loaded;
    await Promise.all([...this.roots.values()].map((s) => this.readRoot(s)));
  }

  /**
   * A deployments.yaml or nbpromote.lock changed, was made or deleted in `folder`: that root is read and checked
   * again; a new file is looked for. Nothing before the view was first shown.
   */
  async filesChanged(folder: string): Promise<void> {
    if (this.loaded === undefined) return;
    await this.loaded;
    const state = this.roots.get(folder);
    if (state !== undefined) await this.readRoot(state);
    else if (existsSync(nodePath.join(folder, DEPLOYMENTS_FILE_NAME))) await this.refresh();
  }

  /** Resolves when every read and check under way is done (tests wait on it). */
  async idle(): Promise<void> {
    await this.loaded;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The output roots shown (with a deployments.yaml). */
  shownRoots(): string[] {
    return [...this.roots.values()].filter((s) => s.files !== undefined && s.files.kind !== 'missing').map((s) => s.root);
  }

  // -------------------------------------------------------------------------------------------------------
  // Lookups for commands

  environment(element: DeploymentsElement): DeploymentEnvironment | undefined {
    return this.check(element)?.environment;
  }

  check(element: DeploymentsElement): EnvironmentCheck | undefined {
    if (element.kind !== 'environment' && element.kind !== 'endpoint') return undefined;
    return this.roots.get(element.root)?.report?.environments.find((c) => c.environment.name === element.name);
  }

  /** The deployments.yaml of an element's root. */
  fileOf(element: DeploymentsElement): string | undefined {
    return element.kind === 'message' ? undefined : nodePath.join(element.root, DEPLOYMENTS_FILE_NAME);
  }

  // -------------------------------------------------------------------------------------------------------
  // TreeDataProvider

  async getChildren(element?: DeploymentsElement): Promise<DeploymentsElement[]> {
    if (element === undefined) {
      this.loaded ??= this.load();
      await this.loaded;
      // No file anywhere: the view's welcome content says how to write one.
      return this.shownRoots().map((root) => this.cached({ kind: 'root', root }));
    }
    switch (element.kind) {
      case 'root':
        return this.rootChildren(element);
      case 'environment': {
        const check = this.check(element);
        if (check === undefined) return [];
        const which: EndpointElement['which'][] = ['health', ...(check.version.kind === 'none' ? [] : (['version'] as const)), ...(check.behind.kind === 'unknown' ? [] : (['behind'] as const))];
        return which.map((w) => this.cached({ kind: 'endpoint', root: element.root, name: element.name, which: w }));
      }
      default:
        return [];
    }
  }

  getParent(element: DeploymentsElement): DeploymentsElement | undefined {
    switch (element.kind) {
      case 'root':
      case 'message':
        return undefined;
      case 'environment':
        return this.cached({ kind: 'root', root: element.root });
      case 'endpoint':
        return this.cached({ kind: 'environment', root: element.root, name: element.name });
    }
  }

  getTreeItem(element: DeploymentsElement): vscode.TreeItem {
    switch (element.kind) {
      case 'root':
        return this.rootItem(element);
      case 'environment':
        return this.environmentItem(element);
      case 'endpoint':
        return this.endpointItem(element);
      case 'message':
        return messageItem(element);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading

  private async load(): Promise<void> {
    const found = await this.discover();
    const wanted = new Set(found);
    for (const key of [...this.roots.keys()]) if (!wanted.has(key)) this.roots.delete(key);
    const ordered = found.map((root) => this.roots.get(root) ?? { root, files: undefined, report: undefined, generation: 0 });
    this.roots.clear();
    for (const state of ordered) this.roots.set(state.root, state);
    await Promise.all(ordered.map((s) => this.readRoot(s)));
    this.changed.fire(undefined);
  }

  /** The roots that have a deployments.yaml: candidates, sorted; in Restricted Mode only those inside the workspace. */
  private async discover(): Promise<string[]> {
    const trusted = this.policy.trusted();
    const folders = this.policy.folders();
    const roots = new Set<string>();
    for (const root of await this.policy.candidates()) {
      const resolved = nodePath.resolve(root);
      if (!trusted && !folders.some((f) => isSameOrInside(f, resolved))) continue;
      if (existsSync(nodePath.join(resolved, DEPLOYMENTS_FILE_NAME))) roots.add(resolved);
    }
    return [...roots].sort();
  }

  /** Reads the root's files and shows its environments, then checks them (unless in Restricted Mode). */
  private readRoot(state: RootState): Promise<void> {
    return this.track(this.readRootNow(state));
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }

  private async readRootNow(state: RootState): Promise<void> {
    const generation = ++state.generation;
    const files = await readDeployments(state.root);
    if (generation !== state.generation || this.isDisposed) return;
    state.files = files;
    if (files.kind !== 'read') {
      state.report = undefined;
      this.changed.fire(undefined);
      return;
    }
    if (!this.policy.trusted()) {
      state.report = uncheckedDeployments(files, RESTRICTED_REASON);
      this.lastCheck = Date.now();
      this.changed.fire(undefined);
      return;
    }
    // What was checked before stays shown until the new answer comes; new environments say "checking…".
    const before = new Map((state.report?.environments ?? []).map((c) => [c.environment.name, c]));
    const shown = uncheckedDeployments(files, CHECKING);
    state.report = { ...shown, environments: shown.environments.map((c) => {
      const old = before.get(c.environment.name);
      return old !== undefined && JSON.stringify(old.environment) === JSON.stringify(c.environment) ? old : c;
    }) };
    this.changed.fire(undefined);
    const tokens = new Map<string, string | undefined>();
    for (const environment of files.config.environments) {
      const origin = originOf(environment.url);
      if (origin !== undefined && !tokens.has(origin)) tokens.set(origin, await this.policy.token(origin));
    }
    try {
      const report = await checkDeployments(files, files.config.environments, (environment) => ({ token: tokens.get(originOf(environment.url) ?? '') }));
      if (generation !== state.generation || this.isDisposed) return;
      state.report = report;
      this.lastCheck = Date.now();
      this.log.debug(`${state.root}: ${report.environments.map((c) => `${c.environment.name} ${healthWord(c.health)}`).join(', ')}`);
    } catch (ex) {
      this.log.error(ex instanceof Error ? ex : String(ex));
    }
    this.changed.fire(this.cached({ kind: 'root', root: state.root }));
  }

  // -------------------------------------------------------------------------------------------------------
  // Children and items

  private rootChildren(element: DeploymentsRootElement): DeploymentsElement[] {
    const state = this.roots.get(element.root);
    const files = state?.files;
    if (state === undefined || files === undefined || files.kind === 'missing') return [];
    const children: DeploymentsElement[] = files.problems.slice(0, 20).map((p, i) => this.message(`${state.root}\0problem\0${i}`, p.severity, p.message, formatProblem(p)));
    for (const check of state.report?.environments ?? []) children.push(this.cached({ kind: 'environment', root: state.root, name: check.environment.name }));
    return children;
  }

  private rootItem(element: DeploymentsRootElement): vscode.TreeItem {
    const state = this.roots.get(element.root);
    const promoted = state?.report?.promoted;
    const label = promoted === undefined ? this.policy.label(element.root) : `${promoted.package} ${promoted.newest}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `root\0${element.root}`;
    item.iconPath = new vscode.ThemeIcon('server-environment');
    item.contextValue = 'deploymentsRoot';
    const files = state?.files;
    const checks = state?.report?.environments ?? [];
    const healthy = checks.filter((c) => c.health.kind === 'healthy').length;
    const where = promoted === undefined ? 'no nbpromote.lock' : this.policy.label(element.root);
    item.description =
      files?.kind === 'invalid'
        ? `${where} · deployments.yaml has errors`
        : !this.policy.trusted()
          ? `${where} · Restricted Mode: not checked`
          : `${where} · ${healthy} of ${checks.length} healthy`;
    item.tooltip = `${nodePath.join(element.root, DEPLOYMENTS_FILE_NAME)}${promoted === undefined ? '' : `\nnewest promoted version: ${promoted.package} ${promoted.newest}`}${this.policy.trusted() ? '' : '\nThis workspace is in Restricted Mode: the environments are listed, and no request is made to them.'}`;
    return item;
  }

  private environmentItem(element: EnvironmentElement): vscode.TreeItem {
    const check = this.check(element);
    const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `environment\0${element.root}\0${element.name}`;
    item.contextValue = 'deploymentEnvironment';
    if (check === undefined) return item;
    item.description = environmentDescription(check);
    item.iconPath = healthIcon(check.health);
    const tooltip = new vscode.MarkdownString(environmentTooltip(check));
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${element.name}, ${item.description}` };
    return item;
  }

  private endpointItem(element: EndpointElement): vscode.TreeItem {
    const check = this.check(element);
    const titles = { health: 'Health', version: 'Version', behind: 'Behind' } as const;
    const item = new vscode.TreeItem(titles[element.which], vscode.TreeItemCollapsibleState.None);
    item.id = `endpoint\0${element.root}\0${element.name}\0${element.which}`;
    item.contextValue = `deploymentEndpoint`;
    if (check === undefined) return item;
    if (element.which === 'health') {
      item.description = `${healthWord(check.health)} · ${healthDetail(check.health)}`;
      item.tooltip = `GET ${check.health.url}\n${healthDetail(check.health)}`;
      item.iconPath = healthIcon(check.health);
    } else if (element.which === 'version') {
      item.description = versionWords(check.version);
      item.tooltip = `${'url' in check.version ? `GET ${check.version.url}\n` : ''}${versionWords(check.version)}`;
      item.iconPath = new vscode.ThemeIcon('tag');
    } else {
      const promoted = this.roots.get(element.root)?.report?.promoted;
      item.description = behindWords(check.behind);
      item.tooltip = promoted === undefined ? item.description : `newest promoted: ${promoted.newest}\npromoted versions: ${promoted.history.join(', ')}`;
      item.iconPath = new vscode.ThemeIcon(check.behind.kind === 'current' ? 'check' : 'history');
    }
    return item;
  }

  private message(id: string, severity: DeploymentsMessageElement['severity'], message: string, detail?: string): DeploymentsMessageElement {
    return { kind: 'message', id, severity, message, ...(detail !== undefined ? { detail } : {}) };
  }

  /** The one element object for a key: VS Code finds rows by the object it was given. */
  private cached<T extends DeploymentsElement>(element: T): T {
    const key = elementKey(element);
    const found = this.elements.get(key);
    if (found !== undefined) return found as T;
    this.elements.set(key, element);
    return element;
  }
}

/** "v0.3.1 · healthy · 2 versions behind (minor)"; "not checked (Restricted Mode)"; "checking…". */
export function environmentDescription(check: EnvironmentCheck): string {
  const { health, version, behind } = check;
  if (health.kind === 'unchecked') return health.reason === RESTRICTED_REASON ? 'not checked · Restricted Mode' : health.reason;
  const parts = [version.kind === 'found' ? (/^\d/.test(version.version) ? `v${version.version}` : version.version) : '', healthWord(health), behindWords(behind)];
  return parts.filter((p) => p !== '').join(' · ');
}

function versionWords(version: VersionResult): string {
  switch (version.kind) {
    case 'found':
      return `${version.version} (from the ${version.source === 'header' ? 'header' : version.source === 'json' ? 'JSON answer' : 'text answer'})`;
    case 'failed':
      return `unknown: ${version.reason}`;
    case 'none':
      return 'no version endpoint or header in deployments.yaml';
    case 'unchecked':
      return version.reason;
  }
}

function healthIcon(health: HealthResult): vscode.ThemeIcon {
  switch (health.kind) {
    case 'healthy':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'unhealthy':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'unreachable':
    case 'timeout':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'unchecked':
      return new vscode.ThemeIcon(health.reason === RESTRICTED_REASON ? 'circle-slash' : 'loading~spin');
  }
}

/** The environment's tooltip (Markdown, untrusted): URL, status, latency, version, checked at. */
export function environmentTooltip(check: EnvironmentCheck): string {
  const { environment, health, version } = check;
  const lines = [`**${escapeMarkdown(environment.name)}**`, '', escapeMarkdown(environment.url), ''];
  lines.push(`health: ${escapeMarkdown(healthWord(health))} · ${escapeMarkdown(healthDetail(health))}`);
  lines.push('', `version: ${escapeMarkdown(versionWords(version))}`);
  const behind = behindWords(check.behind);
  if (behind !== '') lines.push('', escapeMarkdown(behind));
  // (A healthy one's status and latency are in the health line: round 59 DDD saw them twice.)
  if (health.kind === 'unhealthy') lines.push('', `answered in ${health.ms} ms`);
  // The time as the other views write it.
  if (check.checkedAt !== undefined) lines.push('', `checked at ${Number.isNaN(Date.parse(check.checkedAt)) ? escapeMarkdown(check.checkedAt) : localTime(new Date(check.checkedAt))}`);
  return lines.join('\n');
}

function messageItem(element: DeploymentsMessageElement): vscode.TreeItem {
  const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
  item.id = `message\0${element.id}`;
  item.iconPath = new vscode.ThemeIcon(element.severity);
  item.tooltip = [element.message, element.detail].filter((t) => t !== undefined).join('\n\n');
  item.contextValue = 'deploymentsMessage';
  return item;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function elementKey(element: DeploymentsElement): string {
  switch (element.kind) {
    case 'root':
      return `root\0${element.root}`;
    case 'environment':
      return `environment\0${element.root}\0${element.name}`;
    case 'endpoint':
      return `endpoint\0${element.root}\0${element.name}\0${element.which}`;
    case 'message':
      return `message\0${element.id}`;
  }
}
