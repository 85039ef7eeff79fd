/**
 * The small logging interface core code receives. The extension passes its LogOutputChannel, the CLI a
 * stderr logger; tests pass `silentLogger`. Core never logs on its own.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
