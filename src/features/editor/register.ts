import type { FeatureContext } from '../featureContext';

/** Code lens, cell role status bar items, setCellRole, diagnostics and quick fixes (issue 5 items 1-3). */
export function registerEditorFeatures(_context: FeatureContext): void {
  // filled in by the editor feature
}
