/**
 * Every command id, setting key and view id the extension contributes. A unit test checks these equal
 * package.json's `contributes` exactly. No `vscode` import here, so the test runs without VS Code.
 */
export enum CommandId {
  PromoteNotebook = 'nbpromote.promoteNotebook',
  CheckNotebook = 'nbpromote.checkNotebook',
  SetCellRole = 'nbpromote.setCellRole',
  SuggestSteps = 'nbpromote.suggestSteps',
  RunPipeline = 'nbpromote.runPipeline',
  OpenModule = 'nbpromote.openModule',
  ShowPipelineGraph = 'nbpromote.showPipelineGraph',
  ShowLog = 'nbpromote.showLog',
  SetMlflowToken = 'nbpromote.setMlflowToken',
  RefreshRuns = 'nbpromote.views.runs.refresh',
  OpenRun = 'nbpromote.views.runs.open',
  CompareRuns = 'nbpromote.views.runs.compare',
  OpenRunCommit = 'nbpromote.views.runs.openCommit',
  RerunRun = 'nbpromote.views.runs.rerun',
  LoadMoreRuns = 'nbpromote.views.runs.loadMore',
  RefreshPipelines = 'nbpromote.views.pipelines.refresh',
  OpenCell = 'nbpromote.views.pipelines.openCell',
}

export enum ConfigKey {
  PythonPath = 'nbpromote.python.path',
  OutputRoot = 'nbpromote.output.root',
  PackageName = 'nbpromote.package.name',
  PromoteConfirm = 'nbpromote.promote.confirm',
  MlflowTrackingUri = 'nbpromote.mlflow.trackingUri',
  RunsPollSeconds = 'nbpromote.runs.pollSeconds',
  NotebooksExclude = 'nbpromote.notebooks.exclude',
  NotebooksIncludeScripts = 'nbpromote.notebooks.includeScripts',
}

export enum ViewId {
  Pipelines = 'nbpromote.views.pipelines',
  Runs = 'nbpromote.views.runs',
}

/** Context keys the extension sets (for when-clauses). */
export enum ContextKey {
  /** The active text editor is a jupytext percent script. */
  IsNotebookScript = 'nbpromote.isNotebookScript',
}

export const viewContainerId = 'nbpromote';
export const extensionId = 'nbpromote.notebook-promoter';
