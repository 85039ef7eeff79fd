import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Execution } from '../../core/promote/execute';
import { executeNotebook } from '../../core/promote/execute';
import type { PromoteOutcome, PromoteRequest } from '../../core/promote/promote';
import type { Logger } from '../../core/util/logger';
import { promoteNotebook, staleFiles } from '../../core/promote/promote';
import { NbpromoteError } from '../../core/errors';
import { gitWorkTreeAbove } from '../../core/io/paths';
import { firstOf } from '../../core/util/words';
import { CommandId, ConfigKey } from '../../host/ids';
import type { PromotionTarget } from '../../host/promotionTarget';
import { outputUri, promotionTarget } from '../../host/promotionTarget';
import { pythonWords, resolvePython } from '../../host/python';
import { isTrusted, showUntrusted, untrustedReason } from '../../host/trust';
import type { FeatureContext } from '../featureContext';
import type { ConflictMarkers } from './conflictMarkers';
import { currentText, requireNotebookUri, unsavedNotebook } from './notebookArg';
import type { PreviewContentProvider } from './preview';
import { PromotionPreview } from './preview';
import { actionLabel, versionReasons, writtenSummary } from './previewText';
import { editorWords } from './problemMessage';
import type { TestRunResult } from './run';
import { runTests, showRunFailure } from './run';
import { displayDir, fileName, logProblems, promoteRequest, showProblems } from './shared';

/** Options a caller (tests, other extensions) may pass after the notebook: `executeCommand('nbpromote.promoteNotebook', uri, { confirm: false })`. */
export interface PromoteOptions {
  /** Show the preview and ask first; default: the `nbpromote.promote.confirm` setting. */
  readonly confirm?: boolean;
  /** What to do with hand-edited files without asking; default: ask (or stop, when nothing can be asked). */
  readonly resolve?: 'stop' | 'merge' | 'force';
  /** Run the generated tests afterwards and wait for them (instead of offering "Run Tests"). */
  readonly runTests?: boolean;
  /** Reveal the package and open the first step module afterwards; default true. */
  readonly reveal?: boolean;
  /** Write even while a run of the pipeline seems to go on ("Promote Anyway": a process number reused after a killed run). */
  readonly evenIfRunning?: boolean;
  /**
   * Run the notebook with nbconvert first (the configured Python) and take its exact metrics and the types and
   * shapes of the step outputs from that run, as `nbpromote promote --execute` does. Refused in Restricted Mode.
   */
  readonly execute?: boolean;
}

/** What `nbpromote.promoteNotebook` returns to a caller. */
export interface PromoteResult {
  readonly promoted: boolean;
  /** Why nothing (or not everything) was written: cancelled, problems, Restricted Mode. */
  readonly reason?: string;
  readonly package?: string;
  readonly version?: string;
  readonly outDir?: string;
  readonly files: readonly { readonly path: string; readonly action: string }[];
  readonly tests?: TestRunResult;
}

/**
 * `nbpromote.promoteNotebook`: promotes the notebook as it is in the editor (unsaved edits included). With the
 * preview on, a notebook with unsaved changes is first asked about: Save and Promote, or Promote Unsaved (the
 * closing message then says to save it).
 *
 * 1. A dry run (in a cancellable progress notification) works out every file and its action.
 * 2. With `nbpromote.promote.confirm` (the default) a preview lists the files (created / changed / unchanged /
 *    conflict), each openable as a diff, and asks; with hand-edited files it asks whether to merge them or to
 *    replace them keeping the person's copy as `.orig`. Without the preview, hand-edited files are still
 *    asked about (a modal question) rather than stopping with a message about command-line flags.
 * 3. The promotion itself, in a progress notification without Cancel (the files are written atomically and the
 *    lock last: once started, it finishes). Problems are shown (the first one, "Show Problems", "Show Log") and
 *    nothing is written.
 * 4. Afterwards its first step module opens beside the notebook (the focus and the side bar stay where they
 *    were), and "Run Tests" (a VS Code task running pytest with the configured Python) and "Reveal in
 *    Explorer" are offered.
 *
 * Restricted Mode. Promotion runs no Python: it parses the notebook in-process and writes files (core/io),
 * so it is allowed, and "Run Tests" is not offered (the message says why). To record the notebook's last commit
 * in nbpromote.lock, core runs `git rev-parse`, `git status` and `git log` in the notebook's repository, and git
 * runs programs a repository's configuration names (`core.fsmonitor`, filter drivers): untrusted, git is not
 * run (`git: false`) and the lock records no commit, as outside a repository (the closing message says so).
 * Merging hand edits is allowed: `git merge-file` runs in a private temporary folder, outside any repository.
 */
export class PromoteCommand {
  private readonly logger: Logger;

  constructor(
    private readonly context: FeatureContext,
    private readonly previews: PreviewContentProvider,
    private readonly conflictMarkers: ConflictMarkers,
  ) {
    this.logger = context.log.scoped('promote');
  }

  get toolVersion(): string {
    return String(this.context.extension.extension.packageJSON['version'] ?? '0.0.0');
  }

  async run(arg: unknown, options: PromoteOptions = {}): Promise<PromoteResult> {
    const uri = requireNotebookUri(arg);
    const target = promotionTarget(uri);
    const name = fileName(uri);
    // In Restricted Mode git does not run (a repository's configuration can make it run programs): the lock then
    // records no commit for the notebook (round 36 I: promotion was refused in every repository).
    const withoutGit = await this.untrustedRepository(target);
    if (withoutGit !== undefined) this.logger.info(`Restricted Mode: git is not run in ${withoutGit}; nbpromote.lock records no commit for the notebook`);
    const confirm = options.confirm ?? vscode.workspace.getConfiguration(undefined, uri).get<boolean>(ConfigKey.PromoteConfirm) ?? true;
    // Round 36 I: promoted unsaved, the lens said "up to date" while `nbpromote check` (CI) failed on the file.
    const unsavedNotebookDocument = unsavedNotebook(uri);
    if (unsavedNotebookDocument !== undefined && confirm) {
      const save = 'Save and Promote';
      const choice = await vscode.window.showWarningMessage(
        `${name} has unsaved changes.`,
        { modal: true, detail: 'Promotion reads the notebook as it is in the editor. Until the notebook is saved, the file on disk is not the one nbpromote.lock records, and `nbpromote check` (in CI, say) reports the package stale.' },
        save,
        'Promote Unsaved',
      );
      if (choice === undefined) return this.cancelled();
      if (choice === save && !(await unsavedNotebookDocument.save())) return this.cancelled();
    }
    const text = await currentText(uri);
    const request = { ...promoteRequest(target, text, this.toolVersion, this.logger), ...(withoutGit === undefined ? {} : { git: false }) };
    this.logger.info(`promoting ${request.notebook} into ${target.outDir}${request.packageName === undefined ? '' : ` as ${request.packageName}`} (preview: ${confirm})`);

    const dryRun = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Promote ${name}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: 'reading the notebook and planning the package…' });
        const outcome = await promoteNotebook({ ...request, dryRun: true, resolve: 'force' });
        return token.isCancellationRequested ? undefined : outcome;
      },
    );
    if (dryRun === undefined) return this.cancelled();
    const stopped = (outcome: PromoteOutcome): PromoteResult => {
      const reason = showProblems(this.context.log, this.logger, `Promotion of ${name} stopped`, outcome.problems, { uri, file: request.notebook });
      return { promoted: false, reason, outDir: target.outDir, files: [] };
    };
    if (!dryRun.ok) return stopped(dryRun);
    let executed: Execution | undefined;
    if (options.execute === true) {
      const ran = await this.executeFirst(target, name, request, dryRun);
      if ('promoted' in ran) return ran;
      executed = ran;
    }
    // With what the notebook's run recorded (expected metrics, output types), as the preview shows it.
    const planned = executed === undefined ? dryRun : await promoteNotebook({ ...request, dryRun: true, resolve: 'force', executed });
    if (!planned.ok) return stopped(planned);
    this.logWarnings(planned);
    const unsaved = unsavedGenerated(target, planned);
    if (unsaved.length > 0) return this.refuseUnsaved(uri, name, unsaved, options);

    const preview = new PromotionPreview(this.previews, target, executed === undefined ? request : { ...request, executed }, planned);
    let resolve: PromoteRequest['resolve'] = options.resolve;
    if (confirm) {
      const choice = await preview.choose(name);
      if (choice === undefined && preview.upToDate) {
        const reason = `${name} is up to date in ${displayDir(target)}: nothing to write.`;
        this.logger.info(reason);
        return { promoted: false, reason, outDir: target.outDir, files: [] };
      }
      if (choice === undefined) return this.cancelled();
      resolve = choice.resolve;
    } else if (preview.conflicts.length > 0 && resolve === undefined) {
      resolve = await this.askAboutHandEdits(preview.conflicts.map((f) => f.path));
      if (resolve === undefined) return this.cancelled();
    }

    // Core writes every file atomically and the lock last; once it has started, it finishes: no Cancel button that
    // would do nothing (round 36 I). The preview before it is where a promotion is called off.
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Promote ${name}`, cancellable: false }, async (progress) => {
      progress.report({ message: `writing ${planned.package ?? ''} ${planned.version ?? ''} into ${displayDir(target)}…` });
      return promoteNotebook({ ...request, resolve: resolve ?? 'stop', ...(options.evenIfRunning === true ? { evenIfRunning: true } : {}), ...(executed === undefined ? {} : { executed }) });
    });
    this.context.pipelines.refresh();
    if (outcome.files.length > 0) {
      this.context.packageWritten.fire();
      this.context.outputWritten.fire(outcome.outDir);
    }
    const files = outcome.files.map((f) => ({ path: f.path, action: f.action }));
    for (const f of outcome.files) this.logger.info(`  ${actionLabel(f.action)}: ${f.path}`);
    if (outcome.files.length > 0) await this.conflictMarkers.promoted(outcome.outDir, outcome.conflicted ?? []);
    if ((outcome.conflicted ?? []).length > 0) {
      const reason = this.showConflicts(name, outcome);
      return { promoted: true, reason, outDir: outcome.outDir, files };
    }
    if (!outcome.ok) {
      const reason = showProblems(this.context.log, this.logger, `Promotion of ${name} stopped`, outcome.problems, { uri, file: request.notebook }, 'Nothing was written.');
      return { promoted: false, reason, outDir: outcome.outDir, files };
    }
    this.logWarnings(outcome);
    if (options.reveal ?? true) await this.reveal(target, outcome);
    const tests = options.runTests === true ? await runTests(this.context.log, target) : undefined;
    if (tests === undefined) this.offerTests(target, outcome, withoutGit);
    return { promoted: true, package: outcome.package ?? target.packageName, version: outcome.version ?? '', outDir: outcome.outDir, files, ...(tests === undefined ? {} : { tests }) };
  }

  /**
   * A merge that left conflict markers: one sentence naming the files, with "Open <file>" at the first marker of
   * the first (VS Code's merge conflict actions are there), and Show Log (round 59 DDD: the instruction twice,
   * and no way to the file).
   */
  private showConflicts(name: string, outcome: PromoteOutcome): string {
    const conflicted = outcome.conflicted ?? [];
    logProblems(this.logger, outcome.problems.filter((p) => p.severity !== 'info'));
    const first = conflicted[0] ?? '';
    const reason = `Promotion of ${name} merged your edits, but ${firstOf(conflicted, 3)} ${conflicted.length === 1 ? 'holds' : 'hold'} conflicts marked with <<<<<<< and >>>>>>>: resolve them, then promote again.`;
    const open = `Open ${nodePath.basename(first)}`;
    void vscode.window.showErrorMessage(reason, open, 'Show Log').then(async (choice) => {
      if (choice === 'Show Log') this.context.log.show();
      if (choice !== open) return;
      const uri = vscode.Uri.file(nodePath.join(outcome.outDir, first));
      const line = this.conflictMarkers.firstMarker(uri) ?? 0;
      await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0) });
    });
    return reason;
  }

  /**
   * A generated file promotion would write is open with unsaved changes: writing it would leave the editor
   * holding the old text, and saving it then would undo the promotion's change without a word. Nothing is
   * written; "Save and Promote" saves them (they become hand edits, which the preview shows and merges) and
   * promotes again.
   */
  private refuseUnsaved(uri: vscode.Uri, name: string, documents: readonly vscode.TextDocument[], options: PromoteOptions): PromoteResult {
    const files = documents.map((d) => fileName(d.uri));
    const reason = `Promotion of ${name} stopped: ${firstOf(files, 3)} ${files.length === 1 ? 'has' : 'have'} unsaved changes in the editor, and promoting would replace ${files.length === 1 ? 'that file' : 'those files'} on disk (saving ${files.length === 1 ? 'it' : 'them'} afterwards would undo the promotion's change). Save or revert ${files.length === 1 ? 'it' : 'them'} first. Nothing was written.`;
    this.logger.warn(reason);
    void vscode.window.showWarningMessage(reason, 'Save and Promote').then(async (choice) => {
      if (choice !== 'Save and Promote') return;
      for (const document of documents) if (document.isDirty && !(await document.save())) return;
      void vscode.commands.executeCommand(CommandId.PromoteNotebook, uri, options);
    });
    return { promoted: false, reason, files: [] };
  }

  /** The git work tree holding the notebook when the workspace is untrusted (git is then not run), else undefined. */
  private async untrustedRepository(target: PromotionTarget): Promise<string | undefined> {
    if (isTrusted()) return undefined;
    return gitWorkTreeAbove(nodePath.dirname(target.notebookPath));
  }

  /**
   * `promote --execute` in the editor: runs the notebook as it is on disk with nbconvert and the configured
   * Python, in a cancellable notification, and gives what the run recorded; or the result to return when it
   * cannot (Restricted Mode, cancelled, the run failed: said in a message naming the Python).
   */
  private async executeFirst(target: PromotionTarget, name: string, request: PromoteRequest, dryRun: PromoteOutcome): Promise<Execution | PromoteResult> {
    const uri = target.notebookUri;
    const refused = untrustedReason('Running the notebook');
    if (refused !== undefined) {
      showUntrusted(refused);
      return { promoted: false, reason: refused, outDir: target.outDir, files: [] };
    }
    const python = await resolvePython(uri);
    this.logger.info(`running ${name} with ${pythonWords(python)} (nbconvert) to record its metrics first`);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Promote ${name}`, cancellable: true }, async (progress, token) => {
        progress.report({ message: `running the notebook with ${python.path} (nbconvert)…` });
        const stop = new AbortController();
        const listener = token.onCancellationRequested(() => stop.abort('cancelled'));
        try {
          return await executeNotebook({ notebook: request.notebook, cwd: request.cwd, python: python.path, probe: dryRun.metricsProbe, steps: dryRun.stepProbes ?? [], mayFail: dryRun.skippedCells ?? [], logger: this.logger, stop: stop.signal });
        } finally {
          listener.dispose();
        }
      });
    } catch (ex) {
      if (ex instanceof NbpromoteError && ex.reason === 'cancelled') return this.cancelled();
      const full = ex instanceof Error ? ex.message : String(ex);
      const message = `Running ${name} before promoting it failed: ${full} (it ran with ${pythonWords(python)}). Nothing was written.`;
      this.logger.error(message);
      // The notification says the first line (the cell, the line, the error), not the traceback (round 48 DD:
      // about 20 lines, the error three times); Show Log has it all. A cell that failed is the notebook's fault:
      // Go to Cell, not Open Setting (its Python ran it).
      const first = full.split('\n')[0] ?? full;
      const failed = /\bcell (\d+)\b[^,:]*, line (\d+)/.exec(first);
      const cell = failed === null ? undefined : { index: Number(failed[1]) - 1, line: Number(failed[2]) };
      showRunFailure(() => this.context.log.show(), `Running ${name} before promoting it failed: ${first.replace(/\.$/, '')}. Nothing was written.`, uri, cell, cell === undefined);
      return { promoted: false, reason: message, outDir: target.outDir, files: [] };
    }
  }

  private cancelled(): PromoteResult {
    this.logger.info('cancelled: nothing was written');
    return { promoted: false, reason: 'cancelled', files: [] };
  }

  /** In the editor's words, with the cell and line (round 76 JKJ: the log said "Promote with --execute"). */
  private logWarnings(outcome: PromoteOutcome): void {
    logProblems(this.logger, outcome.problems.filter((p) => p.severity === 'warning'));
  }

  private async askAboutHandEdits(paths: readonly string[]): Promise<'merge' | 'force' | undefined> {
    const merge = 'Merge my edits';
    const force = 'Replace and keep mine as .orig';
    const shown = firstOf(paths, 3);
    const choice = await vscode.window.showWarningMessage(
      `${paths.length === 1 ? 'A generated file was' : `${paths.length} generated files were`} edited by hand since the last promotion: ${shown}.`,
      { modal: true, detail: 'Merge keeps your edits and the notebook\'s changes (overlaps get conflict markers); Replace writes the new code and keeps your version next to it as <file>.orig.' },
      merge,
      force,
    );
    return choice === merge ? 'merge' : choice === force ? 'force' : undefined;
  }

  /**
   * Opens a step module beside the notebook, without taking the focus: the first one the promotion created or
   * changed (round 36 I: a re-promotion changing only evaluate.py opened load.py), else the first step's. The side
   * bar stays as it was (the Notebook Promoter views, where the lens or the Pipelines view started it): the closing
   * message's "Reveal in Explorer" shows the package there when asked.
   */
  private async reveal(target: PromotionTarget, outcome: PromoteOutcome): Promise<void> {
    const pkg = outcome.package ?? target.packageName;
    try {
      const module = (step: string): string => `src/${pkg}/steps/${step}.py`;
      const steps = outcome.graph?.steps.map((st) => st.name) ?? [];
      const written = new Set(outcome.files.filter((f) => f.action !== 'unchanged' && f.action !== 'kept' && f.action !== 'kept-edit').map((f) => f.path));
      const first = steps.find((st) => written.has(module(st))) ?? steps[0];
      if (first !== undefined) await vscode.window.showTextDocument(outputUri(target, module(first)), { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    } catch (ex) {
      this.logger.warn(`could not reveal the package: ${ex instanceof Error ? ex.message : String(ex)}`);
    }
  }

  /** The closing message; "Run Tests" only in a trusted workspace, and the message says why not otherwise. */
  private offerTests(target: PromotionTarget, outcome: PromoteOutcome, withoutGit?: string): void {
    const unsaved = unsavedNotebook(target.notebookUri) === undefined ? '' : ' The notebook has unsaved changes: save it, or `nbpromote check` reports the package stale.';
    // Warnings said too, the first in full (round 79 QRQ: a clean-looking message, then the metrics test failed on one).
    const warnings = outcome.problems.filter((p) => p.severity === 'warning');
    const first = warnings[0];
    const warned = first === undefined ? '' : ` ${warnings.length === 1 ? 'A warning' : `${warnings.length} warnings, the first`}: ${editorWords(first, first.file ?? '', isTrusted())}${/[.!?]$/.test(first.message) ? '' : '.'}${warnings.length === 1 ? '' : ' The others are in the log.'}`;
    const message = `Promoted ${fileName(target.notebookUri)} to ${outcome.package ?? ''} ${outcome.version ?? ''} in ${displayDir(target)}: ${writtenSummary(outcome.files)}.${versionReasons(outcome.version, outcome.changes ?? [])}${warned}${unsaved}`;
    const show = first === undefined ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const revealLabel = 'Reveal in Explorer';
    const revealPackage = (): void => void vscode.commands.executeCommand('revealInExplorer', outputUri(target, `src/${outcome.package ?? target.packageName}`));
    if (!isTrusted()) {
      const why = `${untrustedReason('Running its tests') ?? ''}${withoutGit === undefined ? '' : ' Git was not run either: nbpromote.lock records no commit for the notebook until it is promoted in a trusted workspace.'}`;
      void show(`${message} ${why}`, 'Manage Workspace Trust', revealLabel).then((choice) => {
        if (choice === 'Manage Workspace Trust') void vscode.commands.executeCommand('workbench.trust.manage');
        if (choice === revealLabel) revealPackage();
      });
      return;
    }
    void show(message, 'Run Tests', revealLabel, 'Show Log').then(async (choice) => {
      if (choice === 'Show Log') this.context.log.show();
      if (choice === revealLabel) revealPackage();
      if (choice !== 'Run Tests') return;
      // runTests says how they ended when they did not pass.
      await runTests(this.context.log, target);
    });
  }
}


/** The open documents with unsaved changes among the files a promotion would write (its dry run's stale files). */
function unsavedGenerated(target: PromotionTarget, dryRun: PromoteOutcome): vscode.TextDocument[] {
  const written = new Set(staleFiles(dryRun.files).map((f) => outputUri(target, f.path).toString()));
  return vscode.workspace.textDocuments.filter((d) => d.isDirty && written.has(d.uri.toString()));
}
