import * as vscode from 'vscode';
import { registerCommand } from '../host/commands';
import { Disposable } from '../host/disposable';
import { CommandId, ConfigKey, ContextKey, ViewId } from '../host/ids';
import { isNotebookScript, NotebookDocuments } from '../host/notebookDocuments';
import { onSettingsChanged } from '../host/config';
import { Log } from '../host/log';
import { openCell } from './pipelines/commands';
import { PipelinesTree } from './pipelines/tree';
import { registerPipelinesViewCommands } from './pipelines/viewCommands';
import type { PipelineNode } from './pipelines/tree';
import type { FeatureContext } from './featureContext';
import { registerEditorFeatures } from './editor/register';
import { registerRenameFollowing } from './promote/followRename';
import { registerPromoteCommands } from './promote/register';
import { registerGraphFeatures } from './graph/register';
import { registerRunsFeatures } from './runs/register';
import type { RunsTree } from './runs/tree';
import { registerDataFeatures } from './data/register';
import type { DataTree } from './data/tree';
import { registerDeploymentsFeatures } from './deployments/register';
import type { DeploymentsTree } from './deployments/tree';

/** What `activate` returns: used by the extension-host tests and by other extensions. */
export interface NotebookPromoterApi {
  readonly pipelines: PipelinesTree;
  /** The Pipelines view (tests read whether it is visible). */
  readonly pipelinesView: vscode.TreeView<PipelineNode>;
  /** The Runs view's data provider. */
  readonly runs: RunsTree;
  /** The Data view's data provider. */
  readonly data: DataTree;
  /** The Deployments view's data provider. */
  readonly deployments: DeploymentsTree;
  /** How long activation took: running the bundle's modules, then `activate` (views, commands, providers). */
  readonly activation: ActivationTimes;
}

export interface ActivationTimes {
  readonly loadMs: number;
  readonly activateMs: number;
}

/** The whole extension: built once in `activate`, disposed with the context. */
export class Extension extends Disposable {
  readonly log = this.register(new Log());
  readonly pipelines: PipelinesTree;
  readonly pipelinesView: vscode.TreeView<PipelineNode>;
  readonly runs: RunsTree;
  readonly data: DataTree;
  readonly deployments: DeploymentsTree;

  constructor(context: vscode.ExtensionContext) {
    super();
    const logger = this.log.scoped('extension');
    logger.info(`activating ${context.extension.id} ${String(context.extension.packageJSON['version'])}, workspace trusted: ${vscode.workspace.isTrusted}`);

    const documents = this.register(new NotebookDocuments());
    this.pipelines = this.register(new PipelinesTree(this.log.scoped('pipelines'), documents));
    this.pipelinesView = this.register(vscode.window.createTreeView(ViewId.Pipelines, { treeDataProvider: this.pipelines, showCollapseAll: true }));
    this.register(onSettingsChanged([ConfigKey.NotebooksExclude, ConfigKey.NotebooksIncludeScripts], () => this.pipelines.refresh()));

    this.register(registerCommand(this.log, CommandId.ShowLog, 'Show Log', () => this.log.show()));
    // The README the extension ships, at its table of tags (the welcome view's "Read about tags").
    this.register(
      registerCommand(this.log, CommandId.ReadAboutTags, 'Read About Cell Tags', async (): Promise<string> => {
        // vsce packs README.md as readme.md: the installed extension has that name, a source checkout the other.
        const names = ['readme.md', 'README.md'];
        const found = await Promise.all(names.map((name) => Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(context.extensionUri, name))).then(() => true, () => false)));
        const readme = vscode.Uri.joinPath(context.extensionUri, names[found.indexOf(true)] ?? 'README.md').with({ fragment: 'tag-your-cells' });
        await vscode.commands.executeCommand('markdown.showPreview', readme);
        return readme.toString();
      }),
    );
    this.register(registerCommand(this.log, CommandId.RefreshPipelines, 'Refresh Pipelines', () => this.pipelines.refresh()));
    this.register(registerCommand(this.log, CommandId.OpenCell, 'Open Cell', (uri, index, line) => openCell(uri, index, line)));
    for (const command of registerPipelinesViewCommands(this.log)) this.register(command);

    // `nbpromote.isNotebookScript` lets menus offer notebook commands on jupytext percent scripts.
    const updateScriptContext = (editor: vscode.TextEditor | undefined): void => {
      void vscode.commands.executeCommand('setContext', ContextKey.IsNotebookScript, editor !== undefined && isNotebookScript(editor.document));
    };
    this.register(vscode.window.onDidChangeActiveTextEditor(updateScriptContext));
    updateScriptContext(vscode.window.activeTextEditor);

    const packageWritten = this.register(new vscode.EventEmitter<void>());
    const outputWritten = this.register(new vscode.EventEmitter<string>());
    const features: FeatureContext = { extension: context, log: this.log, pipelines: this.pipelines, documents, packageWritten, outputWritten, register: (d) => this.register(d) };
    registerEditorFeatures(features);
    registerPromoteCommands(features);
    registerRenameFollowing(features);
    registerGraphFeatures(features);
    this.runs = registerRunsFeatures(features);
    this.data = registerDataFeatures(features, this.runs);
    this.deployments = registerDeploymentsFeatures(features, this.runs);
  }

  /** Logs how long activation took (Show Log) and returns the API. */
  activated(activation: ActivationTimes): NotebookPromoterApi {
    this.log.scoped('extension').info(`activated in ${activation.activateMs} ms, after ${activation.loadMs} ms loading the bundle's modules`);
    return { pipelines: this.pipelines, pipelinesView: this.pipelinesView, runs: this.runs, data: this.data, deployments: this.deployments, activation };
  }
}
