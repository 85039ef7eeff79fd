import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import * as vscode from 'vscode';
import type { LockFile } from '../../core/contract/lockFile';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import type { Problem } from '../../core/contract/problem';
import { inspectWithGraph } from '../../core/inspect/inspect';
import type { PromoteOutcome } from '../../core/promote/promote';
import { editedByHand, packageNameFor, promoteNotebook, staleFiles } from '../../core/promote/promote';
import type { PromotionStatus } from '../../core/promote/status';
import { lockIsFor, promotionStatus } from '../../core/promote/status';
import type { Logger } from '../../core/util/logger';
import { readLockFile } from '../../core/versioning/lockFile';
import { currentSnapshot } from '../../core/versioning/semver';
import { isInside } from '../../core/io/paths';
import { Disposable } from '../../host/disposable';
import { ConfigKey } from '../../host/ids';
import { resolveOutputRoot } from '../../host/outputRoot';
import { packageNameProblem } from '../../host/promotionTarget';
import { NOT_IN_THE_NOTEBOOK } from '../promote/problemMessage';
import type { PackageFiles } from '../../core/promote/status';
import type { NotebookDocuments, NotebookSnapshot, OpenNotebook } from '../../host/notebookDocuments';

/** What the code lens and the diagnostics show of one open notebook, for one version of it. */

/** Problems of the output root itself, which stop promotion before it reads the notebook's code. */
/** How long a burst of changes to generated files (a promotion, a checkout) settles before the analysis runs again. */
const FILES_SETTLE_MS = 300;
/**
 * How often the generated files of the open notebooks are looked at, for changes the file watcher missed: on
 * Linux it misses files in folders made in a burst (a promotion making src/<package>/steps/), so a step module
 * changed later (a merge conflict resolved, a checkout) sent no event.
 */
const FILES_POLL_MS = 2000;

const OUTPUT_PLACE_CODES: ReadonlySet<string> = new Set(['out-place', 'out-not-folder', 'state-path']);

export interface EditorAnalysis {
  readonly snapshot: NotebookSnapshot;
  /** The dry-run promotion of the current contents; undefined when it could not run (an untitled notebook, a bad setting). */
  readonly outcome: PromoteOutcome | undefined;
  readonly status: PromotionStatus;
  readonly packageName: string;
  /** The output root (workspace folder + `nbpromote.output.root`); undefined for notebooks not on disk. */
  readonly outDir: string | undefined;
  /** Problems in the notebook itself, for the Problems panel: reader, tags, Python, step graph. */
  readonly problems: readonly Problem[];
  /**
   * A setting promotion cannot use for this notebook (nbpromote.output.root leading outside the workspace folder,
   * nbpromote.package.name not an identifier): every command refuses with it, so the lens shows it, not a guess.
   */
  readonly settingProblem: SettingProblem | undefined;
}

/** A setting promotion refuses, and why (the words promotionTarget throws with). */
export interface SettingProblem {
  readonly setting: ConfigKey;
  readonly reason: string;
  /** Refused only because the workspace is in Restricted Mode. */
  readonly restrictedMode: boolean;
}

interface Entry {
  result?: { readonly stamp: string; readonly analysis: EditorAnalysis };
  /** The generated files as the last analysis started ({@link generatedFilesSignature}). */
  files?: string;
  running?: Promise<EditorAnalysis>;
  /** Called when the next analysis of this notebook finishes. */
  waiters: (() => void)[];
}

/**
 * Analyses of the open notebooks: each one a dry-run promotion of the editor's contents (unsaved edits
 * included) against the lock in the output root. One analysis per version of the notebook, of its lock and
 * of the settings; edits are analysed after they settle (NotebookDocuments debounces them).
 */
export class EditorAnalyses extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** A notebook has a new analysis. */
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, Entry>();
  private epoch = 0;
  /** Open notebooks whose generated files changed on disk, analysed again once the changes settle. */
  private readonly staleFiles = new Set<string>();
  private filesTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;

  constructor(
    private readonly documents: NotebookDocuments,
    private readonly toolVersion: string,
    private readonly log: Logger,
  ) {
    super();
    this.register(documents.onDidChange((notebook) => void this.run(notebook).catch((ex: unknown) => this.failed(ex))));
    this.register(documents.onDidClose((uri) => this.entries.delete(uri.toString())));
    const locks = this.register(vscode.workspace.createFileSystemWatcher(`**/${LOCK_FILE_NAME}`));
    const again = (): void => this.again();
    this.register(locks.onDidCreate(again));
    this.register(locks.onDidChange(again));
    this.register(locks.onDidDelete(again));
    // A generated file edited, fixed or broken (a merge conflict resolved, pipeline.yaml restored): the lens and
    // the Problems entries read the same dry run as the Pipelines view, which sees the files as they are now.
    const generated = this.register(vscode.workspace.createFileSystemWatcher('**/*.{py,yaml,yml,toml}'));
    const changedFile = (uri: vscode.Uri): void => this.generatedFileChanged(uri);
    this.register(generated.onDidCreate(changedFile));
    this.register(generated.onDidChange(changedFile));
    this.register(generated.onDidDelete(changedFile));
    this.register({ dispose: () => clearTimeout(this.filesTimer) });
    const poll = setInterval(() => void this.pollFiles().catch((ex: unknown) => this.failed(ex)), FILES_POLL_MS);
    this.register({ dispose: () => clearInterval(poll) });
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(ConfigKey.OutputRoot) || e.affectsConfiguration(ConfigKey.PackageName)) again();
      }),
    );
  }

  /**
   * A file changed on disk: when it is in the output root of an open notebook (not in its `.nbpromote` state or
   * a `__pycache__`), that notebook is analysed again, once for a burst of changes (a promotion writes many files).
   */
  private generatedFileChanged(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || /[\\/](?:\.nbpromote|__pycache__|\.ipynb_checkpoints)[\\/]/.test(uri.fsPath)) return;
    for (const notebook of this.documents.all()) {
      const outDir = this.last(notebook.document.uri)?.outDir;
      if (outDir !== undefined && isInside(outDir, uri.fsPath)) this.staleFiles.add(notebook.document.uri.toString());
    }
    this.settleStale();
  }

  /**
   * Every {@link FILES_POLL_MS}: the open notebooks whose generated files (or lock)
   * are not as their last analysis found them are analysed again, as for a watcher's event.
   */
  private async pollFiles(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const notebook of this.documents.all()) {
        const key = notebook.document.uri.toString();
        const entry = this.entries.get(key);
        const outDir = entry?.result?.analysis.outDir;
        if (entry?.files === undefined || entry.running !== undefined || outDir === undefined || this.staleFiles.has(key)) continue;
        if ((await generatedFilesSignature(outDir)) !== entry.files) this.staleFiles.add(key);
      }
    } finally {
      this.polling = false;
    }
    this.settleStale();
  }

  /** The notebooks in `staleFiles` analysed again once changes settle ({@link FILES_SETTLE_MS}). */
  private settleStale(): void {
    if (this.staleFiles.size === 0) return;
    clearTimeout(this.filesTimer);
    this.filesTimer = setTimeout(() => {
      const stale = new Set(this.staleFiles);
      this.staleFiles.clear();
      this.epoch++;
      for (const notebook of this.documents.all()) {
        if (stale.has(notebook.document.uri.toString())) void this.run(notebook).catch((ex: unknown) => this.failed(ex));
      }
    }, FILES_SETTLE_MS);
  }

  /** Analyses every open notebook again: a lock was written (by promotion here, or by a watcher's report). */
  again(): void {
    this.epoch++;
    for (const notebook of this.documents.all()) void this.run(notebook).catch((ex: unknown) => this.failed(ex));
  }

  /** The analysis of the notebook as it is now: waits for edits to settle, reuses the analysis of an unchanged version. */
  async get(notebook: OpenNotebook): Promise<EditorAnalysis> {
    const key = notebook.document.uri.toString();
    for (let attempt = 0; attempt < 4; attempt++) {
      const entry = this.entry(key);
      if (entry.running !== undefined) {
        await entry.running.catch(() => undefined);
        continue;
      }
      if (this.documents.isSettling(notebook.document.uri)) {
        await this.next(key, this.documents.delayMs * 4);
        continue;
      }
      const stamp = await this.stamp(notebook);
      const result = this.entry(key).result;
      if (result !== undefined && result.stamp === stamp) return result.analysis;
      if (this.entry(key).running === undefined) return this.run(notebook);
    }
    return this.run(notebook);
  }

  /** The last analysis of the notebook, whatever version it was of. */
  last(uri: vscode.Uri): EditorAnalysis | undefined {
    return this.entries.get(uri.toString())?.result?.analysis;
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { waiters: [] };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private next(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolvePromise) => {
      const timer = setTimeout(resolvePromise, timeoutMs);
      this.entry(key).waiters.push(() => {
        clearTimeout(timer);
        resolvePromise();
      });
    });
  }

  private run(notebook: OpenNotebook): Promise<EditorAnalysis> {
    const key = notebook.document.uri.toString();
    const entry = this.entry(key);
    const previous = entry.running ?? Promise.resolve(undefined);
    const running = previous
      .catch(() => undefined)
      .then(async () => {
        const stamp = await this.stamp(notebook);
        const { outDir } = this.places(notebook);
        const files = outDir === undefined ? undefined : await generatedFilesSignature(outDir);
        const analysis = await this.analyse(notebook);
        const current = this.entries.get(key);
        if (current !== undefined) {
          current.result = { stamp, analysis };
          if (files !== undefined) current.files = files;
        }
        return analysis;
      })
      .finally(() => {
        const current = this.entries.get(key);
        if (current === undefined) return;
        if (current.running === running) delete current.running;
        for (const waiter of current.waiters.splice(0)) waiter();
        this.changed.fire(notebook.document.uri);
      });
    entry.running = running;
    return running;
  }

  /** What an analysis depends on: the document's version, the lock file's time, the settings. */
  private async stamp(notebook: OpenNotebook): Promise<string> {
    const { outDir } = this.places(notebook);
    let lock = 'none';
    if (outDir !== undefined) {
      try {
        const s = await stat(join(outDir, LOCK_FILE_NAME));
        lock = `${s.mtimeMs}:${s.size}`;
      } catch {
        // no lock: never promoted here
      }
    }
    return `${this.documents.keyOf(notebook)}|${lock}|${this.epoch}`;
  }

  private places(notebook: OpenNotebook): { outDir: string | undefined; folder: string | undefined; path: string | undefined; settingProblem?: SettingProblem } {
    const uri = notebook.document.uri;
    if (uri.scheme !== 'file') return { outDir: undefined, folder: undefined, path: undefined };
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
    const root = resolveOutputRoot(vscode.workspace.getConfiguration(undefined, uri).get<string>(ConfigKey.OutputRoot) ?? '', folder, uri.fsPath, { insideOnly: !vscode.workspace.isTrusted });
    // A setting that cannot be resolved for this notebook: promotion refuses with this reason; nothing to compare with here.
    if (!root.ok) return { outDir: undefined, folder, path: uri.fsPath, settingProblem: { setting: ConfigKey.OutputRoot, reason: root.reason, restrictedMode: root.restrictedMode === true } };
    return { outDir: root.outDir, folder, path: uri.fsPath };
  }

  private async analyse(notebook: OpenNotebook): Promise<EditorAnalysis> {
    const snapshot = this.documents.snapshot(notebook);
    const { outDir, folder, path, settingProblem: rootProblem } = this.places(notebook);
    const setting = (vscode.workspace.getConfiguration('nbpromote', notebook.document.uri).get<string>('package.name') ?? '').trim();
    const badName = packageNameProblem(setting);
    const settingProblem = rootProblem ?? (badName === undefined ? undefined : { setting: ConfigKey.PackageName, reason: badName, restrictedMode: false });
    const lock = outDir !== undefined && path !== undefined ? await this.readLock(outDir, path) : undefined;
    // Given (the setting, or the lock's) or left to promotion, which avoids a name that would hide a module.
    const given = setting !== '' ? setting : lock?.package;
    const own = (problems: readonly Problem[]): Problem[] => problems.filter((p) => !NOT_IN_THE_NOTEBOOK.has(p.code));

    let outcome: PromoteOutcome | undefined;
    if (folder !== undefined && path !== undefined) {
      const started = Date.now();
      try {
        const request = { notebook: path, cwd: folder, text: snapshot.text, ...(given === undefined ? {} : { packageName: given }), dryRun: true, resolve: 'force' as const, toolVersion: this.toolVersion, logger: this.log };
        // A setting that cannot be used leaves no output root: the notebook's own problems and steps are still
        // read, against a folder that does not exist (the lens says what is wrong with the setting).
        outcome = await promoteNotebook({ ...request, out: outDir ?? scratchOut() });
        const refused = outcome.problems.filter((p) => OUTPUT_PLACE_CODES.has(p.code));
        if (!outcome.ok && refused.length > 0) {
          // The output root is no place for a package (in .git, a file, inside another package): promotion stops
          // before it reads the code, and the notebook's own problems (an undefined name) would not show. They
          // are read against a folder that does not exist, where a dry run looks at nothing.
          const elsewhere = await promoteNotebook({ ...request, out: scratchOut() });
          outcome = { ...elsewhere, ok: false, problems: [...refused, ...elsewhere.problems] };
        }
        // Tags with errors stop promotion before the steps' code is read; `nbpromote inspect` reads it anyway, and
        // so does the editor, or "2 errors to fix" would hide a third (an undefined name: round 36 I).
        if (!outcome.ok && outcome.graph === undefined && outcome.inspection?.roles !== undefined && outcome.inspection.roles.steps.length > 0) {
          const read = (await inspectWithGraph(outcome.inspection)).inspection.problems;
          const known = new Set(outcome.problems.map(problemKey));
          outcome = { ...outcome, problems: [...outcome.problems, ...read.filter((p) => !known.has(problemKey(p)))] };
        }
        this.log.debug(`analysed ${vscode.workspace.asRelativePath(notebook.document.uri)} in ${Date.now() - started} ms: ${outcome.problems.length} problems`);
      } catch (ex) {
        this.log.warn(`cannot analyse ${vscode.workspace.asRelativePath(notebook.document.uri)}: ${ex instanceof Error ? ex.message : String(ex)}`);
      }
    }
    const problems = own(outcome?.problems ?? snapshot.inspection.problems);
    const errors = problems.filter((p) => p.severity === 'error').length;
    const model = outcome?.inspection?.notebook;
    let now;
    if (outcome?.graph !== undefined && model !== undefined && errors === 0) now = currentSnapshot(outcome.graph, model);
    else if (outcome !== undefined && errors === 0) now = { parameters: {}, steps: {} }; // no step left: every step was removed
    const packageName = outcome?.package ?? given ?? packageNameFor(path ?? notebook.document.uri.path);
    return { snapshot, outcome, status: promotionStatus(lock, now, errors, outcome === undefined ? undefined : packageFiles(outcome)), packageName, outDir, problems, settingProblem };
  }

  /** The lock in the output root when it is this notebook's (promotion writes one lock per output root). */
  private async readLock(outDir: string, notebookPath: string): Promise<LockFile | undefined> {
    let text: string;
    try {
      text = await readFile(join(outDir, LOCK_FILE_NAME), 'utf8');
    } catch {
      return undefined;
    }
    const { lock, problems } = readLockFile(text, join(outDir, LOCK_FILE_NAME));
    if (lock === undefined) {
      this.log.warn(`${LOCK_FILE_NAME} in ${outDir} cannot be read: ${problems.map((p) => p.message).join('; ')}`);
      return undefined;
    }
    return lockIsFor(lock, outDir, notebookPath) ? lock : undefined;
  }

  private failed(ex: unknown): void {
    this.log.error(ex instanceof Error ? ex : String(ex));
  }
}

/** A folder that does not exist, where a dry run looks at nothing: the notebook's own problems, read alone. */
function scratchOut(): string {
  return join(tmpdir(), `nbpromote-analysis-${process.pid}`, 'out');
}

/** What the dry run says of the package's files, for the lens (as the Pipelines view and `check` read it). */
function packageFiles(outcome: PromoteOutcome): PackageFiles {
  const stale = staleFiles(outcome.files);
  const blockers = outcome.problems.flatMap((p) => {
    if (p.severity !== 'error') return [];
    if (p.code === 'merge-conflict') {
      const file = /^(\S+?) still holds merge conflict markers|^(\S+?): \d+ merge conflict/.exec(p.message);
      const path = file?.[1] ?? file?.[2];
      return [path === undefined ? 'merge conflict markers left' : `merge conflict markers in ${path.split('/').pop() ?? path}`];
    }
    if (p.code === 'edited-file-invalid' || p.code === 'pipeline-edited-invalid') return [`a file edited by hand cannot be read`];
    return [];
  });
  return { stale: stale.length, edited: stale.filter((f) => editedByHand(f.action)).length, blockers };
}

/** The files each lock lists, by the lock's path, with the lock's size and time they were read at. */
const listedByLock = new Map<string, { readonly stamp: string; readonly files: readonly string[] }>();

/**
 * The generated files of the output root `outDir` as they are now, as one string: the lock's size and time, and
 * for pipeline.yaml, pyproject.toml and each file the lock lists, its size and time (or that it is missing). The
 * lock is read again only when its size or time changed (this runs every FILES_POLL_MS).
 */
export async function generatedFilesSignature(outDir: string): Promise<string> {
  const of = async (path: string): Promise<string> => {
    try {
      const s = await stat(path);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  const lockPath = join(outDir, LOCK_FILE_NAME);
  const lockStamp = await of(lockPath);
  let listed = listedByLock.get(lockPath);
  if (listed?.stamp !== lockStamp) {
    let files: string[] = [];
    try {
      files = Object.keys(readLockFile(await readFile(lockPath, 'utf8'), lockPath).lock?.files ?? {});
    } catch {
      // no lock (never promoted here) or not readable: its stamp says so
    }
    listed = { stamp: lockStamp, files };
    listedByLock.set(lockPath, listed);
  }
  const paths = ['pipeline.yaml', 'pyproject.toml', ...listed.files.filter((p) => p !== 'pipeline.yaml' && p !== 'pyproject.toml').sort()];
  const parts = await Promise.all(paths.map(async (p) => `${p}=${await of(join(outDir, p))}`));
  return [`${LOCK_FILE_NAME}=${lockStamp}`, ...parts].join('\n');
}

/** What tells two problems apart: the same code, cell, line and message are one. */
function problemKey(p: Problem): string {
  return `${p.code}\u0000${p.cellIndex ?? ''}\u0000${p.line ?? ''}\u0000${p.message}`;
}
