/**
 * Every command id, setting key and view id the extension contributes. A unit test checks these equal
 * package.json's `contributes` exactly. No `vscode` import here, so the test runs without VS Code.
 */
export enum CommandId {
  ShowLog = 'nbpromote.showLog',
  RefreshPipelines = 'nbpromote.views.pipelines.refresh',
  OpenCell = 'nbpromote.views.pipelines.openCell',
}

export enum ConfigKey {
  PythonPath = 'nbpromote.python.path',
  NotebooksExclude = 'nbpromote.notebooks.exclude',
  NotebooksIncludeScripts = 'nbpromote.notebooks.includeScripts',
}

export enum ViewId {
  Pipelines = 'nbpromote.views.pipelines',
}

export const viewContainerId = 'nbpromote';
export const extensionId = 'nbpromote.notebook-promoter';
