import type * as vscode from 'vscode';
import type { Log } from '../host/log';
import type { NotebookDocuments } from '../host/notebookDocuments';
import type { PipelinesTree } from './pipelines/tree';

/** What every feature gets when it registers: the extension context, the log, the shared views. */
export interface FeatureContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Log;
  readonly pipelines: PipelinesTree;
  /** The open notebooks and their unsaved contents, shared by every feature that reads notebooks. */
  readonly documents: NotebookDocuments;
  /**
   * Fired by promotion once it has written a package: what shows a promotion's state (the code lens) looks
   * again at once, not only when a file watcher reports the new lock (watchers can be late or miss events).
   */
  readonly packageWritten: vscode.EventEmitter<void>;
  /**
   * Fired with an output root when the extension promoted or ran a pipeline there: the Runs view looks for
   * its run store at once (a store made after activation is new to discovery, and file watchers miss what
   * is written into folders made a moment before).
   */
  readonly outputWritten: vscode.EventEmitter<string>;
  /** Everything registered here is disposed with the extension. */
  register<T extends vscode.Disposable>(disposable: T): T;
}
