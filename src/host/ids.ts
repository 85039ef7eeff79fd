/**
 * Every command id, setting key and view id the extension contributes. A unit test checks these equal
 * package.json's `contributes` exactly. No `vscode` import here, so the test runs without VS Code.
 */
export enum CommandId {
  PromoteNotebook = 'nbpromote.promoteNotebook',
  PromoteNotebookExecuted = 'nbpromote.promoteNotebookExecuted',
  CheckNotebook = 'nbpromote.checkNotebook',
  SetCellRole = 'nbpromote.setCellRole',
  SuggestSteps = 'nbpromote.suggestSteps',
  RunPipeline = 'nbpromote.runPipeline',
  RunTests = 'nbpromote.runTests',
  OpenModule = 'nbpromote.openModule',
  ShowPipelineGraph = 'nbpromote.showPipelineGraph',
  ShowLog = 'nbpromote.showLog',
  ReadAboutTags = 'nbpromote.readAboutTags',
  SetMlflowToken = 'nbpromote.setMlflowToken',
  RefreshRuns = 'nbpromote.views.runs.refresh',
  OpenRun = 'nbpromote.views.runs.open',
  CompareRuns = 'nbpromote.views.runs.compare',
  OpenRunCommit = 'nbpromote.views.runs.openCommit',
  RerunRun = 'nbpromote.views.runs.rerun',
  LoadMoreRuns = 'nbpromote.views.runs.loadMore',
  RefreshData = 'nbpromote.views.data.refresh',
  OpenDataFile = 'nbpromote.views.data.openFile',
  RevealDataFile = 'nbpromote.views.data.reveal',
  CopyDataHash = 'nbpromote.views.data.copyHash',
  OpenDataCommit = 'nbpromote.views.data.openCommit',
  CreateDeploymentsFile = 'nbpromote.createDeploymentsFile',
  RefreshDeployments = 'nbpromote.views.deployments.refresh',
  OpenDeploymentsFile = 'nbpromote.views.deployments.openFile',
  OpenDeploymentInBrowser = 'nbpromote.views.deployments.openInBrowser',
  CopyDeploymentUrl = 'nbpromote.views.deployments.copyUrl',
  SetDeploymentToken = 'nbpromote.views.deployments.setToken',
  ClearDeploymentToken = 'nbpromote.views.deployments.clearToken',
  RefreshPipelines = 'nbpromote.views.pipelines.refresh',
  OpenCell = 'nbpromote.views.pipelines.openCell',
  ViewPromote = 'nbpromote.views.pipelines.promote',
  ViewCheck = 'nbpromote.views.pipelines.check',
  ViewRun = 'nbpromote.views.pipelines.run',
  ViewRunTests = 'nbpromote.views.pipelines.runTests',
  ViewShowGraph = 'nbpromote.views.pipelines.showGraph',
  ViewOpenModule = 'nbpromote.views.pipelines.openModule',
}

export enum ConfigKey {
  PythonPath = 'nbpromote.python.path',
  OutputRoot = 'nbpromote.output.root',
  OutputFollowRenames = 'nbpromote.output.followRenames',
  PackageName = 'nbpromote.package.name',
  PromoteConfirm = 'nbpromote.promote.confirm',
  MlflowTrackingUri = 'nbpromote.mlflow.trackingUri',
  RunsPollSeconds = 'nbpromote.runs.pollSeconds',
  DeploymentsPollSeconds = 'nbpromote.deployments.pollSeconds',
  NotebooksExclude = 'nbpromote.notebooks.exclude',
  NotebooksIncludeScripts = 'nbpromote.notebooks.includeScripts',
}

export enum ViewId {
  Pipelines = 'nbpromote.views.pipelines',
  Runs = 'nbpromote.views.runs',
  Data = 'nbpromote.views.data',
  Deployments = 'nbpromote.views.deployments',
}

/** Context keys the extension sets (for when-clauses). */
export enum ContextKey {
  /** The active text editor is a jupytext percent script. */
  IsNotebookScript = 'nbpromote.isNotebookScript',
}

export const viewContainerId = 'nbpromote';
export const extensionId = 'nbpromote.notebook-promoter';

/** The notebook type of VS Code's built-in ipynb support. */
export const jupyterNotebookType = 'jupyter-notebook';

/**
 * What the editor features (code lens, quick fixes) answer for: the cells of Jupyter notebooks saved on disk or
 * not yet saved (with `notebookType`, VS Code matches `scheme` against the NOTEBOOK's URI, not the cell's), and
 * Python files on disk (the providers answer only for jupytext percent scripts). Every filter names its scheme:
 * VS Code warns about a selector without one, which would also match documents of any other scheme (a diff's
 * left side, a file at a git commit, a live share).
 */
export const editorSelector = [
  { scheme: 'file', notebookType: jupyterNotebookType },
  { scheme: 'untitled', notebookType: jupyterNotebookType },
  { scheme: 'file', language: 'python' },
] as const;
