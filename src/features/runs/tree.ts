/**
 * The Runs view: sources (local run stores, an MLflow server, an mlruns folder) → groups (the pipeline, else
 * the MLflow experiment) → runs, newest first. Elements are plain objects; they become TreeItems only in
 * `getTreeItem`. Loading, errors, store problems and "Load more" are items too. A source that cannot be
 * read again keeps the runs it showed, marked stale, under an error item whose click retries.
 */
import { existsSync } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { RunSource, RunSummary } from '../../core/contract/runs';
import { MAX_RUN_PAGE, runGroup } from '../../core/contract/runs';
import { formatProblem } from '../../core/contract/problem';
import { isSameOrInside } from '../../core/io/paths';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../../host/disposable';
import { CommandId } from '../../host/ids';
import type { SourceSpec } from './discovery';
import { discoverSources, hasStore, localSpec, storeRootOf } from './discovery';
import { runDescription, runLabel, runTooltipMarkdown, statusWord, truncate } from './format';
import type { RunsSource } from './sources';
import { LocalSource, MlflowSource, MlrunsSource } from './sources';
import type { MlflowTokens } from './token';

export interface SourceElement {
  readonly kind: 'source';
  readonly key: string;
  readonly source: RunSource;
  readonly label: string;
  /** The store's folder or the server's URI. */
  readonly location: string;
}

export interface GroupElement {
  readonly kind: 'group';
  readonly sourceKey: string;
  readonly name: string;
}

export interface RunElement {
  readonly kind: 'run';
  readonly sourceKey: string;
  readonly run: RunSummary;
  /** The source could not be read again: this is what it said last time. */
  readonly stale: boolean;
}

export interface MessageElement {
  readonly kind: 'message';
  readonly id: string;
  readonly sourceKey?: string;
  readonly severity: 'error' | 'warning' | 'info' | 'loading';
  readonly message: string;
  readonly detail?: string;
  /** What a click does: read the source again, or ask for an MLflow token. */
  readonly action?: 'retry' | 'token';
}

export interface LoadMoreElement {
  readonly kind: 'loadMore';
  readonly id: string;
  readonly sourceKey: string;
  /** The group whose runs to show more of; undefined: the source's next page. */
  readonly group?: string;
  readonly shown: number;
  readonly total?: number;
}

export type RunsElement = SourceElement | GroupElement | RunElement | MessageElement | LoadMoreElement;

/** The second argument of Refresh Runs from an error item's Retry: read that item's source alone. */
export const RETRY = 'retry';

/** How long `getChildren` of a source waits for its first read before it shows "Loading…". */
const LOADING_GRACE_MS = 300;

export class RunsTree extends Disposable implements vscode.TreeDataProvider<RunsElement> {
  private readonly changed = this.register(new vscode.EventEmitter<RunsElement | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  private readonly sources = new Map<string, RunsSource>();
  private readonly sourceElements = new Map<string, SourceElement>();
  private readonly groupElements = new Map<string, GroupElement>();
  private discovering: Promise<void> | undefined;
  /** A discovery asked for while one runs: it starts when that one ends (what changed meanwhile may be missed by it). */
  private discoveringAgain: Promise<void> | undefined;
  private readonly firstReads = new WeakMap<RunsSource, Promise<void>>();
  private discovered = false;
  /** Project folders discovery checks besides its own (where the extension promoted or ran, where a store's folder was made). */
  private readonly candidates = new Set<string>();
  /** MLflow servers a token was asked for (once per server and session). */
  private readonly askedToken = new Set<string>();
  /** How many times a token was asked for after a 401/403 (tests check it never loops). */
  tokenPrompts = 0;
  private readonly sourcesChanged = this.register(new vscode.EventEmitter<void>());
  /** The set of sources changed (watchers of stores outside the workspace follow it). */
  readonly onDidChangeSources = this.sourcesChanged.event;
  private readonly storeRead = this.register(new vscode.EventEmitter<string>());
  /**
   * A local store was read again (its project folder): whether or not this view has drawn it, which
   * `onDidChangeTreeData` says only for a source element it has handed out. The Data view follows it.
   */
  readonly onDidReadStore = this.storeRead.event;

  constructor(
    private readonly log: Logger,
    private readonly tokens: MlflowTokens,
    /** Per-request timeout of the MLflow client (ms; default 2000). */
    private readonly mlflowTimeoutMs?: number,
  ) {
    super();
    this.register({ dispose: () => [...this.sources.values()].forEach((s) => s.dispose()) });
  }

  // -------------------------------------------------------------------------------------------------------
  // Refreshing

  /**
   * Looks for sources again and reads every one again (`element`: only that element's source). Resolves
   * when the reads are done (failures become error items, never rejections).
   */
  async refresh(element?: RunsElement): Promise<void> {
    const key = element === undefined ? undefined : sourceKeyOf(element);
    const source = key === undefined ? undefined : this.sources.get(key);
    if (source !== undefined) {
      await this.reloadSource(source, true);
      return;
    }
    await this.rediscover();
    await Promise.all([...this.sources.values()].map((s) => this.reloadSource(s, true)));
  }

  /**
   * Reads the local stores again: those holding `files` (all local stores when none is given). A path under no
   * known store (a record, or a store's folder just made) looks for stores again, its project folder included.
   */
  async refreshLocal(files?: readonly string[]): Promise<void> {
    const local = [...this.sources.values()].filter((s): s is LocalSource => s instanceof LocalSource);
    // A store is its folder's `.nbpromote`: a project inside another project's folder has a store of its own.
    const holds = (s: LocalSource, f: string): boolean => isInside(f, nodePath.join(s.root, '.nbpromote'));
    const hit = files === undefined ? local : local.filter((s) => files.some((f) => holds(s, f)));
    const outside = files?.filter((f) => !local.some((s) => holds(s, f))) ?? [];
    // A store whose folder is gone (moved with its notebook, the watcher not yet saying so) is unknown too.
    let unknown = hit.some((s) => !existsSync(nodePath.join(s.root, '.nbpromote')));
    for (const file of outside) {
      const root = storeRootOf(file);
      if (root !== undefined) this.candidates.add(root);
      // The store's own folder says which store it is: it shows now, not after a search of the workspace.
      if (root === undefined || !this.addStore(root)) unknown = true;
    }
    if (unknown) await this.rediscover();
    // A record no store is at: a file watcher of a folder that was renamed since (a package moved with its
    // notebook) goes on reporting the old paths. Some store changed: every local one is read again.
    const again = unknown
      ? [...this.sources.values()].filter((s) => s instanceof LocalSource)
      : outside.length > 0
        ? [...this.sources.values()].filter((s) => s instanceof LocalSource && (!s.loaded || hit.includes(s)))
        : hit;
    await Promise.all(again.map((s) => this.reloadSource(s, false)));
  }

  /**
   * `path` was deleted: when it was (or held) a run store the view shows, the stores are looked for again and
   * that one leaves the view. Deleting a folder reports the folder alone, not the run records in it.
   */
  async deleted(path: string): Promise<void> {
    const held = (location: string): boolean => isSameOrInside(path, location);
    const gone = [...this.sources.values()].some((s) => (s instanceof LocalSource && held(nodePath.join(s.root, '.nbpromote', 'runs'))) || (s instanceof MlrunsSource && held(s.dir)));
    if (gone) await this.rediscover();
  }

  /**
   * The extension promoted or ran a pipeline in `root`: its run store shows (found now if it is new to the
   * view, whatever the file watchers saw) and is read again.
   */
  async outputWritten(root: string): Promise<void> {
    this.candidates.add(root);
    await this.refreshLocal([nodePath.join(root, '.nbpromote')]);
  }

  /** Reads every MLflow server again (the poll). Resolves true when one of them failed. */
  async pollMlflow(options: { full?: boolean } = {}): Promise<boolean> {
    const servers = [...this.sources.values()].filter((s) => s instanceof MlflowSource);
    await Promise.all(servers.map((s) => this.reloadSource(s, options.full === true)));
    return servers.some((s) => s.error !== undefined);
  }

  get hasMlflow(): boolean {
    return [...this.sources.values()].some((s) => s instanceof MlflowSource);
  }

  /** Shows the next runs of a group (or the source's next page). */
  async loadMore(element: LoadMoreElement): Promise<void> {
    const source = this.sources.get(element.sourceKey);
    if (source === undefined) return;
    await source.loadMore(element.group, runGroup);
    this.fireSource(source);
  }

  /** The token for an MLflow server changed (Set MLflow Token): the server is asked again with it. */
  async tokenChanged(baseUri: string, token: string | undefined): Promise<void> {
    for (const source of this.sources.values()) {
      if (source instanceof MlflowSource && source.location === baseUri) {
        source.setToken(token);
        await this.reloadSource(source, true);
      }
    }
  }

  /**
   * The local run stores the view shows, looked for first when the view has not looked yet (or `again`): the
   * Data view reads the stores this view finds, and follows its refreshes instead of watching files itself.
   */
  async localStores(options: { again?: boolean } = {}): Promise<readonly LocalSource[]> {
    if (!this.discovered || options.again === true) await this.rediscover();
    return [...this.sources.values()].filter((s): s is LocalSource => s instanceof LocalSource);
  }

  // -------------------------------------------------------------------------------------------------------
  // Lookups for commands and panels

  sourceOf(element: RunsElement): RunsSource | undefined {
    const key = sourceKeyOf(element);
    return key === undefined ? undefined : this.sources.get(key);
  }

  sourceByKey(key: string): RunsSource | undefined {
    return this.sources.get(key);
  }

  allSources(): readonly RunsSource[] {
    return [...this.sources.values()];
  }

  /** The run as the source holds it now (after reloads), or undefined when it is gone. */
  currentRun(sourceKey: string, id: string): RunElement | undefined {
    const source = this.sources.get(sourceKey);
    const run = source?.find(id);
    return source === undefined || run === undefined ? undefined : { kind: 'run', sourceKey, run, stale: source.stale };
  }

  // -------------------------------------------------------------------------------------------------------
  // TreeDataProvider

  async getChildren(element?: RunsElement): Promise<RunsElement[]> {
    if (element === undefined) {
      // A store whose folder is gone (deleted while no file watcher said so, as under load) leaves the view
      // when the view is drawn.
      const gone = [...this.sources.values()].some((s) => (s instanceof LocalSource && !existsSync(s.root)) || (s instanceof MlrunsSource && !existsSync(s.dir)));
      if (!this.discovered || gone) await this.rediscover();
      return [...this.sources.keys()].map((key) => this.sourceElements.get(key)).filter((e): e is SourceElement => e !== undefined);
    }
    switch (element.kind) {
      case 'source':
        return this.sourceChildren(element);
      case 'group':
        return this.groupChildren(element);
      default:
        return [];
    }
  }

  getParent(element: RunsElement): RunsElement | undefined {
    switch (element.kind) {
      case 'source':
        return undefined;
      case 'group':
        return this.sourceElements.get(element.sourceKey);
      case 'run':
        return this.groupElement(element.sourceKey, runGroup(element.run));
      case 'loadMore':
        return element.group === undefined ? this.sourceElements.get(element.sourceKey) : this.groupElement(element.sourceKey, element.group);
      case 'message':
        return element.sourceKey === undefined ? undefined : this.sourceElements.get(element.sourceKey);
    }
  }

  getTreeItem(element: RunsElement): vscode.TreeItem {
    switch (element.kind) {
      case 'source':
        return this.sourceItem(element);
      case 'group':
        return this.groupItem(element);
      case 'run':
        return runItem(element);
      case 'message':
        return this.messageItem(element);
      case 'loadMore':
        return loadMoreItem(element);
    }
  }

  // -------------------------------------------------------------------------------------------------------

  private async sourceChildren(element: SourceElement): Promise<RunsElement[]> {
    const source = this.sources.get(element.key);
    if (source === undefined) return [];
    if (!source.loaded) {
      const first = this.firstRead(source);
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, LOADING_GRACE_MS))]);
      if (!source.loaded) return [{ kind: 'message', id: `${source.key}\u0000loading`, sourceKey: source.key, severity: 'loading', message: `Reading ${source.kind === 'mlflow' ? source.location : 'the runs'}…` }];
    }
    const children: RunsElement[] = [];
    if (source.error !== undefined) {
      const refused = source.error.reason === 'unauthorized' || source.error.reason === 'forbidden';
      children.push({
        kind: 'message',
        id: `${source.key}\u0000error`,
        sourceKey: source.key,
        severity: 'error',
        message: source.error.message,
        detail: source.stale ? `The runs below are from ${new Date(source.readAt ?? 0).toLocaleTimeString()} (stale).` : 'No runs could be read.',
        action: refused ? 'token' : 'retry',
      });
    }
    source.problems.slice(0, 20).forEach((problem, i) => {
      children.push({ kind: 'message', id: `${source.key}\u0000problem\u0000${i}`, sourceKey: source.key, severity: problem.severity === 'info' ? 'info' : problem.severity, message: problem.message, detail: formatProblem(problem) });
    });
    const groups: string[] = [];
    for (const run of source.runs) {
      const name = runGroup(run);
      if (!groups.includes(name)) groups.push(name);
    }
    for (const name of groups.slice(0, MAX_RUN_PAGE)) children.push(this.groupElement(source.key, name));
    if (source.runs.length === 0 && source.error === undefined) {
      children.push({ kind: 'message', id: `${source.key}\u0000empty`, sourceKey: source.key, severity: 'info', message: source.kind === 'local' ? 'No runs recorded yet' : 'No runs' });
    }
    if (source.hasMore || groups.length > MAX_RUN_PAGE) {
      children.push({ kind: 'loadMore', id: `${source.key}\u0000more`, sourceKey: source.key, shown: source.runs.length, ...(source.total !== undefined ? { total: source.total } : {}) });
    }
    return children;
  }

  /** The source's first read: started once, by whoever asks first. */
  private firstRead(source: RunsSource): Promise<void> {
    let read = this.firstReads.get(source);
    if (read === undefined) {
      read = source.busy ? source.idle() : this.reloadSource(source, false);
      this.firstReads.set(source, read);
    }
    return read;
  }

  private groupChildren(element: GroupElement): RunsElement[] {
    const source = this.sources.get(element.sourceKey);
    if (source === undefined) return [];
    const runs = source.runs.filter((r) => runGroup(r) === element.name);
    const limit = source.groupLimits.get(element.name) ?? MAX_RUN_PAGE;
    const children: RunsElement[] = runs.slice(0, limit).map((run) => ({ kind: 'run', sourceKey: source.key, run, stale: source.stale }));
    if (runs.length > limit || source.hasMore) {
      children.push({ kind: 'loadMore', id: `${source.key}\u0000more\u0000${element.name}`, sourceKey: source.key, group: element.name, shown: Math.min(limit, runs.length) });
    }
    return children;
  }

  private groupElement(sourceKey: string, name: string): GroupElement {
    const key = `${sourceKey}\u0000${name}`;
    let element = this.groupElements.get(key);
    if (element === undefined) {
      element = { kind: 'group', sourceKey, name };
      this.groupElements.set(key, element);
    }
    return element;
  }

  private async rediscover(): Promise<void> {
    if (this.discovering !== undefined) {
      this.discoveringAgain ??= this.discovering.then(() => {
        this.discoveringAgain = undefined;
        return this.rediscover();
      });
      return this.discoveringAgain;
    }
    const run = async (): Promise<void> => {
      let specs: SourceSpec[];
      try {
        specs = await discoverSources(this.candidates);
      } catch (ex) {
        this.log.error(ex instanceof Error ? ex : String(ex));
        specs = [];
      }
      // Stores named while the search ran (addStore) stay.
      const found = new Set(specs.map(specKey));
      const named = [...this.candidates].filter((root) => hasStore(root)).map(localSpec).filter((spec) => !found.has(specKey(spec)));
      if (named.length > 0) {
        const local = [...specs.filter((s) => s.kind === 'local'), ...named].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
        specs = [...local, ...specs.filter((s) => s.kind !== 'local')];
      }
      const wanted = new Map<string, SourceSpec>();
      for (const spec of specs) wanted.set(specKey(spec), spec);
      let changed = !this.discovered;
      for (const [key, source] of [...this.sources]) {
        if (wanted.has(key)) continue;
        source.dispose();
        this.sources.delete(key);
        this.sourceElements.delete(key);
        for (const groupKey of [...this.groupElements.keys()]) if (groupKey.startsWith(`${key}\u0000`)) this.groupElements.delete(groupKey);
        changed = true;
      }
      // Keep the order discovery gives: local stores, the server, file stores.
      const ordered = new Map<string, RunsSource>();
      for (const [key, spec] of wanted) {
        let source = this.sources.get(key);
        if (source === undefined) {
          source = await this.create(spec);
          this.log.info(`runs source: ${source.label} (${source.location})`);
          this.sourceElements.set(key, { kind: 'source', key, source: source.kind, label: source.label, location: source.location });
          changed = true;
        }
        ordered.set(key, source);
      }
      this.sources.clear();
      for (const [key, source] of ordered) this.sources.set(key, source);
      this.discovered = true;
      if (changed) {
        this.sourcesChanged.fire();
        this.changed.fire(undefined);
      }
    };
    this.discovering = run().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  /** Adds the local store of `root` when it has one the view does not show yet, in discovery's order. Returns whether it is shown now. */
  private addStore(root: string): boolean {
    const spec = localSpec(root);
    const key = specKey(spec);
    if (this.sources.has(key)) return true;
    if (!this.discovered || !hasStore(root)) return false;
    const source = new LocalSource(root, spec.label);
    this.log.info(`runs source: ${source.label} (${source.location})`);
    this.sourceElements.set(key, { kind: 'source', key, source: source.kind, label: source.label, location: source.location });
    // Local stores first, by folder; then the others as they were.
    const entries = [...this.sources, [key, source] as const];
    const order = (s: RunsSource): string => (s instanceof LocalSource ? `0${s.root}` : '1');
    entries.sort(([, a], [, b]) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    this.sources.clear();
    for (const [k, s] of entries) this.sources.set(k, s);
    this.sourcesChanged.fire();
    this.changed.fire(undefined);
    return true;
  }

  private async create(spec: SourceSpec): Promise<RunsSource> {
    switch (spec.kind) {
      case 'local':
        return new LocalSource(spec.root, spec.label);
      case 'mlruns':
        return new MlrunsSource(spec.dir, spec.label);
      case 'mlflow': {
        const token = await this.tokens.get(spec.uri);
        return new MlflowSource(spec.uri, token, this.mlflowTimeoutMs);
      }
    }
  }

  /** Reads a source again and redraws it; after a 401/403 asks for a token, once per server. */
  private async reloadSource(source: RunsSource, full: boolean): Promise<void> {
    await source.reload({ full });
    if (!this.sources.has(source.key)) return;
    if (source.error !== undefined) this.log.warn(`${source.label}: ${source.error.message}`);
    this.fireSource(source);
    if (source instanceof LocalSource) this.storeRead.fire(source.location);
    const reason = source.error?.reason;
    if (source instanceof MlflowSource && (reason === 'unauthorized' || reason === 'forbidden') && !this.askedToken.has(source.key)) {
      this.askedToken.add(source.key);
      this.tokenPrompts++;
      void this.askToken(source, reason);
    }
  }

  private async askToken(source: MlflowSource, reason: 'unauthorized' | 'forbidden'): Promise<void> {
    const token = await vscode.window.showInputBox({
      title: `MLflow at ${source.location}`,
      prompt: `${reason === 'forbidden' ? 'The server refused the credentials (HTTP 403)' : 'The server needs credentials (HTTP 401)'}. Enter an access token: it is kept in VS Code's secret storage only.`,
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'token',
    });
    if (token === undefined || token.trim() === '' || this.isDisposed) return;
    await this.tokens.store(source.location, token.trim());
    await this.tokenChanged(source.location, token.trim());
  }

  private fireSource(source: RunsSource): void {
    const element = this.sourceElements.get(source.key);
    if (element !== undefined) this.changed.fire(element);
  }

  // -------------------------------------------------------------------------------------------------------
  // Items

  private sourceItem(element: SourceElement): vscode.TreeItem {
    const source = this.sources.get(element.key);
    const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `source\u0000${element.key}`;
    item.iconPath = new vscode.ThemeIcon(element.source === 'mlflow' ? 'cloud' : element.source === 'mlruns' ? 'archive' : 'database');
    item.contextValue = `runsSource${capitalize(element.source)}`;
    const count = source === undefined ? '' : source.total !== undefined ? `${source.total} run${source.total === 1 ? '' : 's'}` : `${source.runs.length}${source.hasMore ? '+' : ''} run${source.runs.length === 1 ? '' : 's'}`;
    const state = source === undefined || !source.loaded ? 'loading…' : source.stale ? 'stale' : source.error !== undefined ? 'unavailable' : count;
    item.description = source?.stale === true && count !== '' ? `${count} · stale` : state;
    item.tooltip = `${element.label}\n${element.location}`;
    return item;
  }

  private groupItem(element: GroupElement): vscode.TreeItem {
    const source = this.sources.get(element.sourceKey);
    const count = source?.runs.filter((r) => runGroup(r) === element.name).length ?? 0;
    const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group\u0000${element.sourceKey}\u0000${element.name}`;
    item.iconPath = new vscode.ThemeIcon(source?.kind === 'local' ? 'package' : 'beaker');
    item.contextValue = 'runsGroup';
    item.description = `${count}${source?.hasMore === true ? '+' : ''} run${count === 1 ? '' : 's'}${source?.stale === true ? ' · stale' : ''}`;
    return item;
  }

  private messageItem(element: MessageElement): vscode.TreeItem {
    const item = new vscode.TreeItem(truncate(element.message, 200), vscode.TreeItemCollapsibleState.None);
    item.id = `message\u0000${element.id}`;
    const icons = { error: ['error', 'errorForeground'], warning: ['warning', 'list.warningForeground'], info: ['info', undefined], loading: ['loading~spin', undefined] } as const;
    const [icon, color] = icons[element.severity];
    item.iconPath = new vscode.ThemeIcon(icon, color === undefined ? undefined : new vscode.ThemeColor(color));
    item.tooltip = [element.message, element.detail].filter((t) => t !== undefined).join('\n\n');
    const source = element.sourceKey === undefined ? undefined : this.sourceElements.get(element.sourceKey);
    if (element.action === 'retry') {
      item.description = 'Retry';
      item.contextValue = 'runsError';
      item.command = { command: CommandId.RefreshRuns, title: 'Retry', arguments: source === undefined ? [] : [source, RETRY] };
      item.tooltip = `${item.tooltip}\n\nClick to retry.`;
    } else if (element.action === 'token') {
      item.description = 'Set MLflow Token…';
      item.contextValue = 'runsErrorToken';
      item.command = { command: CommandId.SetMlflowToken, title: 'Set MLflow Token…', arguments: source === undefined ? [] : [source] };
    } else {
      item.contextValue = 'runsMessage';
    }
    return item;
  }
}

function runItem(element: RunElement): vscode.TreeItem {
  const { run } = element;
  const item = new vscode.TreeItem(runLabel(run), vscode.TreeItemCollapsibleState.None);
  item.id = `run\u0000${element.sourceKey}\u0000${run.id}`;
  item.description = runDescription(run, element.stale);
  const tooltip = new vscode.MarkdownString(runTooltipMarkdown(run, element.stale));
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  item.tooltip = tooltip;
  item.iconPath = statusIcon(run);
  item.contextValue = run.status === 'unknown' ? 'runFlagged' : `run${capitalize(run.source)}${run.gitCommit !== undefined ? 'Commit' : ''}`;
  // The description may be the status itself ("running"): said once.
  const described = item.description === '' || item.description === statusWord(run) ? '' : `, ${String(item.description)}`;
  item.accessibilityInformation = { label: `run ${run.id}, ${statusWord(run)}${described}` };
  // Click and Enter open the run, as the inline icon does (Ctrl/Shift+click only select, for Compare Runs).
  item.command = { command: CommandId.OpenRun, title: 'Open Run', arguments: [element] };
  return item;
}

function loadMoreItem(element: LoadMoreElement): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = `more\u0000${element.id}`;
  item.iconPath = new vscode.ThemeIcon('more');
  item.description = element.total !== undefined ? `${element.shown} of ${element.total} shown` : `${element.shown} shown`;
  item.contextValue = 'runsLoadMore';
  item.command = { command: CommandId.LoadMoreRuns, title: 'Load More Runs', arguments: [element] };
  return item;
}

export function statusIcon(run: RunSummary): vscode.ThemeIcon {
  switch (run.status) {
    case 'running':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue'));
    case 'finished':
      return new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      // Stopped by a person (Stop Run, Ctrl-C): no failure of its code, so not in the failures' red.
      return run.sourceStatus === 'STOPPED' ? new vscode.ThemeIcon('debug-stop') : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'unknown':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  }
}

function sourceKeyOf(element: RunsElement): string | undefined {
  return element.kind === 'source' ? element.key : element.sourceKey;
}

function specKey(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'local':
      return `local:${spec.root}`;
    case 'mlruns':
      return `mlruns:${spec.dir}`;
    case 'mlflow':
      return `mlflow:${spec.uri.trim().replace(/\/+$/, '')}`;
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function isInside(file: string, root: string): boolean {
  const sep = root.includes('\\') ? '\\' : '/';
  return file === root || file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}
