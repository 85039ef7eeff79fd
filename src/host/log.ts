import * as vscode from 'vscode';
import type { Logger } from '../core/util/logger';

/** The one "Notebook Promoter" LogOutputChannel. Components log through `scoped('[name]')`. */
export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Notebook Promoter', { log: true });
  }

  scoped(component: string): Logger {
    const prefix = `[${component}] `;
    const channel = this.channel;
    return {
      trace: (m) => channel.trace(prefix + m),
      debug: (m) => channel.debug(prefix + m),
      info: (m) => channel.info(prefix + m),
      warn: (m) => channel.warn(prefix + m),
      error: (m) => (typeof m === 'string' ? channel.error(prefix + m) : channel.error(prefix + (m.stack ?? m.message))),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
