import type { FeatureContext } from '../featureContext';

/** The Runs view, run and compare webviews, MLflow token (issue 6 item 3). */
export function registerRunsFeatures(_context: FeatureContext): void {
  // filled in by the runs feature
}
