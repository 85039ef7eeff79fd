import type { FeatureContext } from '../featureContext';

/** showPipelineGraph: the pipeline as a graph in a webview (issue 5 item 5). */
export function registerGraphFeatures(_context: FeatureContext): void {
  // filled in by the graph feature
}
