/**
 * When the bundle started to run: imported first by the extension's entry point, so this module's body runs
 * before the other bundled modules. Activation reports how long loading them and `activate` took.
 */
export const bundleStarted = performance.now();

/** Milliseconds since `start`, to a tenth. */
export function elapsedSince(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
