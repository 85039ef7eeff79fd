/**
 * The Data view: run stores → data files → versions (content hashes) → the runs that read each, and a file's
 * "Git history" → commits. The stores are the Runs view's local stores (its discovery), and the view reads them
 * again when the Runs view does (its file watchers): no second set of watchers. A store's files show as soon as
 * its run records are read; each file is then hashed, matched against DVC and its git history read, one at a
 * time, and its row redrawn ("checking…" until then).
 *
 * Elements are plain data, cached by key so a redraw finds the same object; they become TreeItems only in
 * `getTreeItem`. In Restricted Mode no git runs and no file outside the workspace folders is read (`policy`).
 */
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { DataFile, DataVersion, GitCommit } from '../../core/contract/data';
import type { Problem } from '../../core/contract/problem';
import { formatProblem } from '../../core/contract/problem';
import type { RunSummary } from '../../core/contract/runs';
import type { DataReadOptions } from '../../core/data/dataStore';
import { collectStoreFiles, inspectContext, inspectDataFile, readStoreRuns } from '../../core/data/dataStore';
import { currentWords, dvcWords, fileDescription, shortHash, usedBy } from '../../core/data/describe';
import { HashCache } from '../../core/data/diskState';
import { formatSize } from '../../core/util/words';
import { isSameOrInside } from '../../core/io/paths';
import type { Logger } from '../../core/util/logger';
import { Disposable } from '../../host/disposable';
import { CommandId } from '../../host/ids';
import type { RunElement, RunsTree } from '../runs/tree';
import { statusIcon } from '../runs/tree';
import { runLabel } from '../runs/format';

export interface StoreElement {
  readonly kind: 'store';
  readonly key: string;
}

export interface FileElement {
  readonly kind: 'file';
  readonly storeKey: string;
  readonly path: string;
}

export interface VersionElement {
  readonly kind: 'version';
  readonly storeKey: string;
  readonly path: string;
  readonly sha256: string;
}

export interface DataRunElement {
  readonly kind: 'run';
  readonly storeKey: string;
  readonly path: string;
  readonly sha256: string;
  readonly id: string;
}

export interface HistoryElement {
  readonly kind: 'history';
  readonly storeKey: string;
  readonly path: string;
}

export interface CommitElement {
  readonly kind: 'commit';
  readonly storeKey: string;
  readonly path: string;
  readonly commit: GitCommit;
  readonly repository: string;
}

export interface DataMessageElement {
  readonly kind: 'message';
  readonly id: string;
  readonly severity: 'error' | 'warning' | 'info' | 'loading';
  readonly message: string;
  readonly detail?: string;
}

export type DataElement = StoreElement | FileElement | VersionElement | DataRunElement | HistoryElement | CommitElement | DataMessageElement;

/** What the view knows of one run store. */
interface StoreState {
  readonly key: string;
  readonly root: string;
  readonly label: string;
  files: DataFile[];
  runs: Map<string, RunSummary>;
  problems: Problem[];
  error: string | undefined;
  loaded: boolean;
  /** Bumped by every read: a read that is no longer the newest stops. */
  generation: number;
}

/** Where files may be read and whether git may run: the window's trust decides (host/trust.ts). */
export interface DataPolicy {
  readonly trusted: () => boolean;
  /** The workspace folders (file system paths). */
  readonly folders: () => readonly string[];
}

/** A burst of Runs view redraws (a run rewrites run.json after every step) reads the data files once. */
const FOLLOW_DEBOUNCE_MS = 500;

/** A file not looked at yet: its row says "checking…". */
const UNCHECKED = { disk: { kind: 'unchecked' }, dvc: [], git: { kind: 'unavailable', reason: 'not read yet' } } as const;

export class DataTree extends Disposable implements vscode.TreeDataProvider<DataElement> {
  private readonly changed = this.register(new vscode.EventEmitter<DataElement | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  private readonly stores = new Map<string, StoreState>();
  private readonly elements = new Map<string, DataElement>();
  private readonly hashes = new HashCache();
  private loaded: Promise<void> | undefined;
  /** Reads under way, for `idle()`. */
  private readonly pending = new Set<Promise<void>>();
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly followRoots = new Set<string>();
  private followAll = false;
  private followDone: (() => void) | undefined;

  constructor(
    private readonly runs: RunsTree,
    private readonly policy: DataPolicy,
    private readonly log: Logger,
  ) {
    super();
    this.register({
      dispose: () => {
        clearTimeout(this.followTimer);
        this.followDone?.();
      },
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // Refreshing

  /** Looks for run stores again (the Runs view's discovery) and reads every one again. */
  async refresh(): Promise<void> {
    const load = this.load(true);
    this.loaded = load;
    await load;
  }

  /**
   * The Runs view read stores again (`roots`: their folders; all when undefined): their data files are read
   * again once the burst is over (a run rewrites run.json after every step). Nothing happens before the view
   * was first shown.
   */
  followStores(roots: readonly string[] | undefined): void {
    if (this.loaded === undefined || this.isDisposed) return;
    if (roots === undefined) this.followAll = true;
    else for (const root of roots) this.followRoots.add(root);
    if (this.followDone === undefined) {
      const waiting = new Promise<void>((resolve) => (this.followDone = resolve));
      this.track(waiting);
    }
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      const wanted = this.followAll ? undefined : [...this.followRoots];
      const done = this.followDone;
      this.followRoots.clear();
      this.followAll = false;
      this.followDone = undefined;
      void this.storesChanged(wanted).finally(() => done?.());
    }, FOLLOW_DEBOUNCE_MS);
  }

  /** Reads the stores `roots` again now (all when undefined), and any store the Runs view found since. */
  async storesChanged(roots?: readonly string[]): Promise<void> {
    if (this.loaded === undefined) return;
    await this.loaded;
    const stores = await this.runs.localStores();
    // New stores are read as they are added; gone ones leave.
    const added = await this.refreshFrom(stores.map((s) => ({ root: s.root, label: s.label })), false);
    const wanted = [...this.stores.values()].filter((s) => !added.has(s.key) && (roots === undefined || roots.includes(s.root)));
    await Promise.all(wanted.map((s) => this.readStore(s)));
    if (wanted.length > 0) this.changed.fire(undefined);
  }

  /** Resolves when every read, file check and pending follow-up is done (tests wait on it). */
  async idle(): Promise<void> {
    await this.loaded;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // -------------------------------------------------------------------------------------------------------
  // Lookups for commands

  file(element: DataElement): DataFile | undefined {
    if (element.kind === 'store' || element.kind === 'message') return undefined;
    return this.stores.get(element.storeKey)?.files.find((f) => f.path === element.path);
  }

  /** The stores showing the data file at `path` (absolute), by their project folder. */
  storesShowing(path: string): string[] {
    return [...this.stores.values()].filter((s) => s.files.some((f) => f.path === path)).map((s) => s.root);
  }

  version(element: VersionElement | DataRunElement): DataVersion | undefined {
    return this.file(element)?.versions.find((v) => v.sha256 === element.sha256);
  }

  /** The Runs view's element for a run row (what Open Run takes). */
  runElement(element: DataRunElement): RunElement | undefined {
    const store = this.stores.get(element.storeKey);
    const run = store?.runs.get(element.id);
    if (store === undefined || run === undefined) return undefined;
    return this.runs.currentRun(`local:${store.root}`, run.id) ?? { kind: 'run', sourceKey: `local:${store.root}`, run, stale: false };
  }

  // -------------------------------------------------------------------------------------------------------
  // TreeDataProvider

  async getChildren(element?: DataElement): Promise<DataElement[]> {
    if (element === undefined) {
      this.loaded ??= this.load(false);
      await this.loaded;
      // No store with data files: the view's welcome content says how to get some.
      return [...this.stores.values()].filter((s) => s.error !== undefined || s.files.length > 0).map((s) => this.cached({ kind: 'store', key: s.key }));
    }
    switch (element.kind) {
      case 'store':
        return this.storeChildren(element);
      case 'file':
        return this.fileChildren(element);
      case 'version': {
        const version = this.version(element);
        return (version?.runs ?? []).map((r) => this.cached({ kind: 'run', storeKey: element.storeKey, path: element.path, sha256: element.sha256, id: r.id }));
      }
      case 'history': {
        const file = this.file(element);
        if (file === undefined) return [];
        if (file.git.kind === 'unavailable') return [this.message(`${element.storeKey}\0${element.path}\0git`, 'info', file.git.reason)];
        const { repository } = file.git;
        const commits: DataElement[] = file.git.commits.map((commit) => this.cached({ kind: 'commit', storeKey: element.storeKey, path: element.path, commit, repository }));
        if (file.git.commits.length === 0) commits.push(this.message(`${element.storeKey}\0${element.path}\0nocommit`, 'info', 'No commit changed this file (not committed?)'));
        if (file.git.truncated) commits.push(this.message(`${element.storeKey}\0${element.path}\0more`, 'info', `Only the newest ${file.git.commits.length} commits are shown`));
        return commits;
      }
      default:
        return [];
    }
  }

  getParent(element: DataElement): DataElement | undefined {
    switch (element.kind) {
      case 'store':
      case 'message':
        return undefined;
      case 'file':
        return this.cached({ kind: 'store', key: element.storeKey });
      case 'version':
      case 'history':
        return this.cached({ kind: 'file', storeKey: element.storeKey, path: element.path });
      case 'run':
        return this.cached({ kind: 'version', storeKey: element.storeKey, path: element.path, sha256: element.sha256 });
      case 'commit':
        return this.cached({ kind: 'history', storeKey: element.storeKey, path: element.path });
    }
  }

  getTreeItem(element: DataElement): vscode.TreeItem {
    switch (element.kind) {
      case 'store':
        return this.storeItem(element);
      case 'file':
        return this.fileItem(element);
      case 'version':
        return this.versionItem(element);
      case 'run':
        return this.runItem(element);
      case 'history':
        return this.historyItem(element);
      case 'commit':
        return commitItem(element);
      case 'message':
        return messageItem(element);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading

  private async load(again: boolean): Promise<void> {
    let stores: readonly { root: string; label: string }[];
    try {
      stores = (await this.runs.localStores({ again })).map((s) => ({ root: s.root, label: s.label }));
    } catch (ex) {
      this.log.error(ex instanceof Error ? ex : String(ex));
      stores = [];
    }
    await this.refreshFrom(stores, true);
  }

  /** Shows exactly `stores` (in Restricted Mode only those inside a workspace folder) and reads them. */
  private async refreshFrom(stores: readonly { root: string; label: string }[], all: boolean): Promise<Set<string>> {
    const trusted = this.policy.trusted();
    const folders = this.policy.folders();
    const allowed = stores.filter((s) => trusted || folders.some((f) => isSameOrInside(f, s.root)));
    const wanted = new Set(allowed.map((s) => storeKey(s.root)));
    for (const key of [...this.stores.keys()]) if (!wanted.has(key)) this.stores.delete(key);
    const reads: Promise<void>[] = [];
    const read = new Set<string>();
    for (const { root, label } of allowed) {
      const key = storeKey(root);
      let state = this.stores.get(key);
      const fresh = state === undefined;
      if (state === undefined) {
        state = { key, root, label: label.replace(/^Local runs · /, ''), files: [], runs: new Map(), problems: [], error: undefined, loaded: false, generation: 0 };
        this.stores.set(key, state);
      }
      if (fresh || all) {
        read.add(key);
        reads.push(this.readStore(state));
      }
    }
    // Keep discovery's order.
    const ordered = allowed.map((s) => this.stores.get(storeKey(s.root))).filter((s): s is StoreState => s !== undefined);
    this.stores.clear();
    for (const s of ordered) this.stores.set(s.key, s);
    await Promise.all(reads);
    this.changed.fire(undefined);
    return read;
  }

  /** Reads the store's runs and shows its files; then checks each file on disk in the background. */
  private readStore(state: StoreState): Promise<void> {
    return this.track(this.readStoreNow(state));
  }

  /** Keeps `work` in `pending` until it settles. */
  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }

  private async readStoreNow(state: StoreState): Promise<void> {
    const generation = ++state.generation;
    const read = await readStoreRuns(state.root);
    if (generation !== state.generation) return;
    if ('failure' in read) {
      state.error = read.failure;
      state.loaded = true;
      this.log.warn(`${state.root}: ${read.failure}`);
      this.fireStore(state);
      return;
    }
    const collected = await collectStoreFiles(read.runs, state.root);
    if (generation !== state.generation) return;
    const before = new Map(state.files.map((f) => [f.path, f]));
    state.runs = new Map(read.runs.map((r) => [r.id, r]));
    state.problems = [...read.problems, ...collected.problems];
    state.error = undefined;
    // What was checked before stays shown until the file is checked again (no flicker to "checking…").
    state.files = collected.files.map((file) => {
      const old = before.get(file.path);
      if (old === undefined) return { ...file, ...UNCHECKED };
      const sha256 = old.disk.kind === 'hashed' ? old.disk.sha256 : undefined;
      const currentVersion = file.versions.find((v) => v.sha256 === sha256)?.sha256;
      return { ...file, disk: old.disk, dvc: old.dvc, git: old.git, ...(currentVersion !== undefined ? { currentVersion } : {}) };
    });
    state.loaded = true;
    this.fireStore(state);
    void this.track(this.checkFiles(state, generation));
  }

  private async checkFiles(state: StoreState, generation: number): Promise<void> {
    const trusted = this.policy.trusted();
    const options: DataReadOptions = { git: trusted, cache: this.hashes, ...(trusted ? {} : { readableFolders: this.policy.folders(), noGitReason: 'not in Restricted Mode (git can run programs a repository names): trust the workspace to see the commits' }) };
    try {
      const context = await inspectContext(state.root, options);
      for (const file of [...state.files]) {
        if (generation !== state.generation || this.isDisposed) return;
        const checked = await inspectDataFile(file, context);
        if (generation !== state.generation) return;
        state.files = state.files.map((f) => (f.path === checked.path ? checked : f));
        this.fire(this.cached({ kind: 'file', storeKey: state.key, path: file.path }));
      }
      if (context.problems.length > 0) {
        state.problems = [...state.problems, ...context.problems];
        this.fireStore(state);
      }
    } catch (ex) {
      this.log.error(ex instanceof Error ? ex : String(ex));
    }
  }

  private fireStore(state: StoreState): void {
    // A store that just got its first files (or lost its last) changes the top level: redraw from there.
    this.log.debug(`data: ${state.root}: ${state.files.length} files`);
    this.changed.fire(undefined);
  }

  private fire(element: DataElement): void {
    this.changed.fire(element);
  }

  // -------------------------------------------------------------------------------------------------------
  // Children

  private storeChildren(element: StoreElement): DataElement[] {
    const state = this.stores.get(element.key);
    if (state === undefined) return [];
    const children: DataElement[] = [];
    if (state.error !== undefined) children.push(this.message(`${state.key}\0error`, 'error', state.error));
    state.problems.slice(0, 20).forEach((p, i) => children.push(this.message(`${state.key}\0problem\0${i}`, p.severity === 'info' ? 'info' : p.severity, p.message, formatProblem(p))));
    for (const file of state.files) children.push(this.cached({ kind: 'file', storeKey: state.key, path: file.path }));
    return children;
  }

  private fileChildren(element: FileElement): DataElement[] {
    const file = this.file(element);
    if (file === undefined) return [];
    return [...file.versions.map((v) => this.cached({ kind: 'version', storeKey: element.storeKey, path: element.path, sha256: v.sha256 })), this.cached({ kind: 'history', storeKey: element.storeKey, path: element.path })];
  }

  private message(id: string, severity: DataMessageElement['severity'], message: string, detail?: string): DataMessageElement {
    return { kind: 'message', id, severity, message, ...(detail !== undefined ? { detail } : {}) };
  }

  /** The one element object for a key: VS Code finds rows by the object it was given. */
  private cached<T extends DataElement>(element: T): T {
    const key = elementKey(element);
    const found = this.elements.get(key);
    if (found !== undefined) return found as T;
    this.elements.set(key, element);
    return element;
  }

  // -------------------------------------------------------------------------------------------------------
  // Items

  private storeItem(element: StoreElement): vscode.TreeItem {
    const state = this.stores.get(element.key);
    const item = new vscode.TreeItem(state?.label ?? element.key, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `store\0${element.key}`;
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = 'dataStore';
    const count = state?.files.length ?? 0;
    item.description = state === undefined || !state.loaded ? 'loading…' : state.error !== undefined ? 'unavailable' : `${count} data file${count === 1 ? '' : 's'} · ${state.runs.size} run${state.runs.size === 1 ? '' : 's'}`;
    item.tooltip = `${state?.root ?? ''}/.nbpromote/runs`;
    return item;
  }

  private fileItem(element: FileElement): vscode.TreeItem {
    const file = this.file(element);
    if (file === undefined) return new vscode.TreeItem(nodePath.basename(element.path));
    const item = new vscode.TreeItem(file.outsideProject ? file.path : file.shown, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `file\0${element.storeKey}\0${element.path}`;
    item.resourceUri = vscode.Uri.file(file.path);
    item.description = `${fileDescription(file)}${file.outsideProject ? ' · outside the project' : ''}`;
    const disk = file.disk;
    const newest = file.versions[0]?.sha256;
    item.iconPath =
      disk.kind === 'missing'
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
        : disk.kind === 'hashed' && file.currentVersion !== newest
          ? new vscode.ThemeIcon('diff-modified', new vscode.ThemeColor('list.warningForeground'))
          : disk.kind === 'unchecked'
            ? new vscode.ThemeIcon('loading~spin')
            : new vscode.ThemeIcon('file');
    item.contextValue = disk.kind === 'missing' ? 'dataFileMissing' : 'dataFile';
    const tooltip = new vscode.MarkdownString(fileTooltip(file));
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${file.shown}, ${item.description}` };
    // Click and Enter open the file.
    if (disk.kind !== 'missing') item.command = { command: CommandId.OpenDataFile, title: 'Open File', arguments: [element] };
    return item;
  }

  private versionItem(element: VersionElement): vscode.TreeItem {
    const file = this.file(element);
    const version = this.version(element);
    const item = new vscode.TreeItem(shortHash(element.sha256), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `version\0${element.storeKey}\0${element.path}\0${element.sha256}`;
    const current = file?.currentVersion === element.sha256;
    const parts = [version === undefined ? '' : formatSize(version.size), current ? 'current' : '', version === undefined ? '' : usedBy(version.runs.length, version.lastSeen)].filter((p) => p !== '');
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(current ? 'circle-filled' : 'circle-outline', current ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = current ? 'dataVersionCurrent' : 'dataVersion';
    item.tooltip = `sha256 ${element.sha256}${version === undefined ? '' : `\n${version.size} bytes\nfirst read ${version.firstSeen ?? '?'}, last read ${version.lastSeen ?? '?'}`}${current ? '\nthe file on disk is this version' : ''}`;
    return item;
  }

  private runItem(element: DataRunElement): vscode.TreeItem {
    const store = this.stores.get(element.storeKey);
    const run = store?.runs.get(element.id);
    const ref = this.version(element)?.runs.find((r) => r.id === element.id);
    // Labelled as the Runs view labels it (its start, local time), not by its raw id.
    const item = new vscode.TreeItem(run === undefined ? element.id : runLabel(run), vscode.TreeItemCollapsibleState.None);
    item.id = `run\0${element.storeKey}\0${element.path}\0${element.sha256}\0${element.id}`;
    const what = [ref?.pipeline === undefined ? '' : `${ref.pipeline}${ref.version === undefined ? '' : ` ${ref.version}`}`, ref?.status ?? '', ref?.parameter === undefined ? '' : `named by parameter ${ref.parameter}`, ref?.steps === undefined || ref.steps.length === 0 ? '' : `read by ${ref.steps.join(', ')}`];
    item.description = what.filter((w) => w !== '').join(' · ');
    item.iconPath = run === undefined ? new vscode.ThemeIcon('circle-outline') : statusIcon(run);
    item.contextValue = 'dataRun';
    item.tooltip = `run ${element.id}${ref?.start === undefined ? '' : `\nstarted ${ref.start}`}\nClick to open the run.`;
    const target = this.runElement(element);
    // Click and Enter open the run, as in the Runs view.
    if (target !== undefined) item.command = { command: CommandId.OpenRun, title: 'Open Run', arguments: [target] };
    return item;
  }

  private historyItem(element: HistoryElement): vscode.TreeItem {
    const file = this.file(element);
    const git = file?.git;
    const item = new vscode.TreeItem('Git history', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `history\0${element.storeKey}\0${element.path}`;
    item.iconPath = new vscode.ThemeIcon('history');
    item.contextValue = 'dataHistory';
    item.description = git === undefined ? '' : git.kind === 'unavailable' ? git.reason : `${git.commits.length}${git.truncated ? '+' : ''} commit${git.commits.length === 1 ? '' : 's'}`;
    return item;
  }
}

function commitItem(element: CommitElement): vscode.TreeItem {
  const { commit } = element;
  const item = new vscode.TreeItem(commit.subject === '' ? commit.shortHash : commit.subject, vscode.TreeItemCollapsibleState.None);
  item.id = `commit\0${element.storeKey}\0${element.path}\0${commit.hash}`;
  item.description = `${commit.shortHash} · ${commit.date.slice(0, 10)}`;
  item.iconPath = new vscode.ThemeIcon('git-commit');
  item.contextValue = 'dataCommit';
  item.tooltip = `${commit.hash}\n${commit.date}\n${commit.subject}\n\nClick to open the file as it was at this commit.`;
  item.command = { command: CommandId.OpenDataCommit, title: 'Open File at Commit', arguments: [element] };
  return item;
}

function messageItem(element: DataMessageElement): vscode.TreeItem {
  const item = new vscode.TreeItem(element.message, vscode.TreeItemCollapsibleState.None);
  item.id = `message\0${element.id}`;
  const icons = { error: 'error', warning: 'warning', info: 'info', loading: 'loading~spin' } as const;
  item.iconPath = new vscode.ThemeIcon(icons[element.severity]);
  item.tooltip = [element.message, element.detail].filter((t) => t !== undefined).join('\n\n');
  item.contextValue = 'dataMessage';
  return item;
}

/** The file's tooltip (Markdown, untrusted): full path, size, versions, DVC, the latest commits. */
export function fileTooltip(file: DataFile): string {
  const lines = [`**${escapeMarkdown(file.shown)}**`, '', escapeMarkdown(file.path)];
  if (file.outsideProject) lines.push('', 'outside the project folder');
  const disk = file.disk;
  lines.push('', `on disk: ${escapeMarkdown(currentWords(file))}${disk.kind === 'hashed' ? ` (${formatSize(disk.size)}, sha256 ${disk.sha256.slice(0, 12)}…)` : disk.kind === 'notRead' ? ` (${escapeMarkdown(disk.reason)})` : ''}`);
  lines.push('', `${file.versions.length} version${file.versions.length === 1 ? '' : 's'}, newest first: ${file.versions.map((v) => shortHash(v.sha256)).join(', ')}`);
  if (file.dvc.length > 0) {
    lines.push('', `DVC: ${dvcWords(file.dvc)}`);
    for (const d of file.dvc) lines.push(`- ${escapeMarkdown(nodePath.basename(d.file))}${d.stage === undefined ? '' : ` stage ${escapeMarkdown(d.stage)} (${d.role})`}: md5 ${d.md5 ?? '?'} ${d.match}`);
  } else {
    lines.push('', 'DVC: not tracked');
  }
  if (file.git.kind === 'commits') {
    lines.push('', `Commits: ${file.git.commits.length}${file.git.truncated ? '+' : ''}`);
    for (const c of file.git.commits.slice(0, 3)) lines.push(`- ${c.shortHash} ${c.date.slice(0, 10)} ${escapeMarkdown(c.subject)}`);
  } else {
    lines.push('', `Git: ${escapeMarkdown(file.git.reason)}`);
  }
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function storeKey(root: string): string {
  return `local:${root}`;
}

function elementKey(element: DataElement): string {
  switch (element.kind) {
    case 'store':
      return `store\0${element.key}`;
    case 'file':
    case 'history':
      return `${element.kind}\0${element.storeKey}\0${element.path}`;
    case 'version':
      return `version\0${element.storeKey}\0${element.path}\0${element.sha256}`;
    case 'run':
      return `run\0${element.storeKey}\0${element.path}\0${element.sha256}\0${element.id}`;
    case 'commit':
      return `commit\0${element.storeKey}\0${element.path}\0${element.commit.hash}`;
    case 'message':
      return `message\0${element.id}`;
  }
}
