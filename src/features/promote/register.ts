import type { FeatureContext } from '../featureContext';

/** promoteNotebook (preview, progress, run tests), checkNotebook, runPipeline, openModule, suggestSteps (issue 5 items 4, 6, 7). */
export function registerPromoteCommands(_context: FeatureContext): void {
  // filled in by the promote feature
}
