import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { LOCK_FILE_NAME } from '../../core/contract/lockFile';
import { NbpromoteError } from '../../core/errors';
import type { PromoteOutcome, PromoteRequest, PromotedFile } from '../../core/promote/promote';
import { editedByHand, promoteNotebook } from '../../core/promote/promote';
import { Disposable } from '../../host/disposable';
import type { PromotionTarget } from '../../host/promotionTarget';
import { outputUri } from '../../host/promotionTarget';
import { actionLabel, fileCounts, nothingToWrite, previewText } from './previewText';
import { displayDir } from './shared';

/** The scheme of the read-only documents holding what promotion would write. */
export const previewScheme = 'nbpromote-preview';

/** Serves `nbpromote-preview:` documents: the planned text of a file, or nothing (the left side of a new file's diff). */
export class PreviewContentProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(previewScheme, this));
    // Forget a preview's texts when its documents are closed.
    this.register(vscode.workspace.onDidCloseTextDocument((d) => (d.uri.scheme === previewScheme ? this.texts.delete(d.uri.toString()) : undefined)));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A document URI serving `text`; `session` keeps two previews of the same file apart. */
  serve(session: string, path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: previewScheme, path: `/${path}`, query: `${session}&planned` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  /** An empty document named like `path`: the "before" side of a file promotion would create. */
  empty(session: string, path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: previewScheme, path: `/${path}`, query: `${session}&empty` });
  }
}

/** What the person chose in the preview: how to treat hand-edited files, or cancel. */
export type PreviewChoice = { readonly resolve: 'stop' | 'merge' | 'force' } | undefined;

/** One preview of one promotion: the dry run's file list, and the planned texts on demand. */
export class PromotionPreview {
  private static sessions = 0;
  private readonly session = `p${++PromotionPreview.sessions}`;
  private planned: Promise<ReadonlyMap<string, string>> | undefined;

  constructor(
    private readonly content: PreviewContentProvider,
    private readonly target: PromotionTarget,
    /** The request that gave `dryRun`, with the notebook's text. */
    private readonly request: PromoteRequest,
    readonly dryRun: PromoteOutcome,
  ) {}

  get conflicts(): readonly PromotedFile[] {
    return this.dryRun.files.filter((f) => editedByHand(f.action));
  }

  /** Promotion would write nothing (previewText's nothingToWrite). */
  get upToDate(): boolean {
    return nothingToWrite(this.dryRun.files, this.dryRun.changes ?? []);
  }

  /**
   * Shows the files promotion will write in a quick pick: selecting a file opens its diff (disk ↔ planned),
   * the action items promote or cancel. With hand-edited files the actions are "Merge my edits" and
   * "Replace and keep mine as .orig" instead of "Promote". With nothing to write, it says "Up to date: nothing to
   * write" and offers only Close (undefined, as Cancel).
   */
  async choose(notebookName: string): Promise<PreviewChoice> {
    const { dryRun } = this;
    const conflicts = this.conflicts.length;
    const summary = fileCounts(dryRun.files, { unchanged: true });
    const changes = (dryRun.changes ?? []).join('; ');
    const version = `${dryRun.package ?? ''} ${dryRun.version ?? ''}`.trim();
    const upToDate = this.upToDate;
    const text = previewText({ notebook: notebookName, version, folder: displayDir(this.target), summary, conflicts, upToDate });

    const actions: ActionItem[] = upToDate
      ? []
      : conflicts === 0
        ? [{ role: 'action', resolve: 'stop', label: '$(check) Promote', description: `write ${version}`, detail: changes }]
        : [
            { role: 'action', resolve: 'merge', label: '$(git-merge) Merge my edits', description: `and promote ${version}`, detail: text.mergeDetail },
            { role: 'action', resolve: 'force', label: '$(replace) Replace and keep mine as .orig', description: `and promote ${version}`, detail: text.forceDetail },
          ];
    actions.push(upToDate ? { role: 'action', resolve: undefined, label: '$(close) Close', description: 'nothing to write' } : { role: 'action', resolve: undefined, label: '$(close) Cancel', description: 'write nothing' });
    const files: FileItem[] = dryRun.files.map((file) => ({
      role: 'file',
      file,
      label: `${fileIcon(file.action)} ${file.path}`,
      description: actionLabel(file.action),
      detail: file.why,
      buttons: [{ iconPath: new vscode.ThemeIcon('diff'), tooltip: 'Open Diff' }],
    }));

    const pick = vscode.window.createQuickPick<PreviewItem>();
    pick.title = text.title;
    pick.placeholder = text.placeholder;
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.items = [...actions, { label: 'Files', kind: vscode.QuickPickItemKind.Separator }, ...files];

    return new Promise<PreviewChoice>((resolve) => {
      let decided = false;
      const finish = (choice: PreviewChoice): void => {
        if (decided) return;
        decided = true;
        resolve(choice);
        pick.hide();
        void this.closeDiffs();
      };
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item === undefined || !('role' in item)) return;
        if (item.role === 'action') finish(item.resolve === undefined ? undefined : { resolve: item.resolve });
        else void this.openDiff(item.file);
      });
      pick.onDidTriggerItemButton((e) => {
        if ('role' in e.item && e.item.role === 'file') void this.openDiff(e.item.file);
      });
      pick.onDidHide(() => {
        finish(undefined);
        pick.dispose();
      });
      pick.show();
    });
  }

  /** Opens `vscode.diff` between the file on disk (or an empty document) and what promotion would write. */
  async openDiff(file: PromotedFile): Promise<void> {
    const onDisk = outputUri(this.target, file.path);
    // Unchanged files and kept create-only files stay as they are on disk.
    const text = (await this.plannedTexts()).get(file.path) ?? (await readFile(onDisk.fsPath, 'utf8'));
    const exists = file.action !== 'would-create';
    const right = this.content.serve(this.session, file.path, text);
    const left = exists ? onDisk : this.content.empty(this.session, file.path);
    const title = `${file.path} (${exists ? 'on disk' : 'new'} ↔ after promotion)`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true, preserveFocus: true });
  }

  /** Closes this preview's diff editors: once promotion has run (or was cancelled) they show the past. */
  private async closeDiffs(): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === previewScheme && tab.input.modified.query.startsWith(`${this.session}&`));
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  }

  /**
   * The text promotion would write to each file. Core's dry run says what happens to each file, not the
   * text, so the promotion is done for real into a private temporary folder holding only a copy of the lock
   * (the version and the history come from it; with no generated files there, nothing is a hand edit and
   * every file is written as generated). The notebook keeps the same path relative to that folder, so
   * pipeline.yaml and the generated files name it as the real promotion will. Computed once per preview.
   * Like core/promote/execute.ts, this writes only in the OS temp folder.
   */
  private plannedTexts(): Promise<ReadonlyMap<string, string>> {
    this.planned ??= Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Notebook Promoter: computing the planned files' }, () => this.promoteIntoScratch()));
    // A failed computation is not kept: the next diff tries again.
    this.planned.catch(() => (this.planned = undefined));
    return this.planned;
  }

  private async promoteIntoScratch(): Promise<ReadonlyMap<string, string>> {
    const scratch = await mkdtemp(nodePath.join(tmpdir(), 'nbpromote-preview-'));
    try {
      try {
        await copyFile(nodePath.join(this.target.outDir, LOCK_FILE_NAME), nodePath.join(scratch, LOCK_FILE_NAME));
      } catch (ex) {
        if ((ex as NodeJS.ErrnoException).code !== 'ENOENT') throw ex;
      }
      const text = this.request.text;
      if (text === undefined) throw new NbpromoteError('internal', 'the preview needs the notebook text it previews');
      const notebook = nodePath.resolve(scratch, ...this.target.relativeNotebook.split('/'));
      const outcome = await promoteNotebook({ ...this.request, notebook, cwd: scratch, out: scratch, text, dryRun: false, resolve: 'stop' });
      if (!outcome.ok) throw new NbpromoteError('internal', `the preview's scratch promotion failed: ${outcome.problems.map((p) => p.message).join('; ')}`);
      const texts = new Map<string, string>();
      for (const file of this.dryRun.files) {
        if (file.action === 'kept' || file.action === 'unchanged') continue; // the file on disk is what stays
        texts.set(file.path, await readFile(nodePath.join(scratch, ...file.path.split('/')), 'utf8'));
      }
      return texts;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

interface ActionItem extends vscode.QuickPickItem {
  readonly role: 'action';
  readonly resolve: 'stop' | 'merge' | 'force' | undefined;
}
interface FileItem extends vscode.QuickPickItem {
  readonly role: 'file';
  readonly file: PromotedFile;
}
type PreviewItem = ActionItem | FileItem | vscode.QuickPickItem;

function fileIcon(action: PromotedFile['action']): string {
  switch (action) {
    case 'would-create':
      return '$(diff-added)';
    case 'would-change':
      return '$(diff-modified)';
    case 'would-force':
    case 'would-merge':
      return '$(warning)';
    default:
      return '$(file)';
  }
}
