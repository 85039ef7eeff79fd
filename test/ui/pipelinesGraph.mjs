// UI steps for the Pipelines view and the pipeline graph (issue 5 item 5), run by test/runUi.mjs:
// expand a notebook into its pipeline and steps; "Notebook Promoter: Show Pipeline Graph" from the
// command palette on test/fixtures/workspace/graph-pipeline.ipynb; read the step names in the webview's
// SVG; click a step and see its cell. Each step saves a screenshot in test-results/.

/** The six steps of graph-pipeline.ipynb, in pipeline order. */
const graphSteps = ['load', 'clean', 'features', 'split', 'train', 'evaluate'];

/**
 * @param {{ treeRow: (page: import('playwright-core').Page, label: string) => import('playwright-core').Locator,
 *           screenshot: (page: import('playwright-core').Page, name: string) => Promise<void>,
 *           selectors: Record<string, string>, stepTimeout: number }} ui
 */
export function pipelinesGraphSteps({ treeRow, screenshot, selectors, stepTimeout }) {
  return [
    {
      title: 'expanding churn.ipynb shows pipeline churn with its state and its steps load and train',
      async run(page) {
        await treeRow(page, 'churn.ipynb').click();
        const pipeline = treeRow(page, 'pipeline churn');
        await pipeline.waitFor({ timeout: stepTimeout });
        // "not promoted" here; "v0.1.0 · up to date" or "· stale (…)" when a UI step before promoted it.
        await pipeline.locator('.label-description', { hasText: /^(v0\.1\.0 · .+|not promoted)$/ }).waitFor({ timeout: stepTimeout });
        for (const step of ['load', 'train']) await treeRow(page, step).waitFor({ timeout: stepTimeout });
        await treeRow(page, 'train').locator('.label-description', { hasText: /^df →$/ }).waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-steps.png');
      },
    },
    {
      title: '"Notebook Promoter: Show Pipeline Graph" draws graph-pipeline.ipynb with its step names',
      async run(page) {
        await openFile(page, 'graph-pipeline.ipynb', selectors, stepTimeout);
        await runCommand(page, 'Notebook Promoter: Show Pipeline Graph', selectors, stepTimeout);
        await page.locator('.tabs-container .tab', { hasText: 'Pipeline: graph-pipeline.ipynb' }).waitFor({ timeout: stepTimeout });
        const frame = await graphFrame(page, stepTimeout);
        for (const name of [...graphSteps, 'parameters', 'metrics']) {
          await frame.locator('svg.pipeline .node-label', { hasText: new RegExp(`^${name}$`) }).waitFor({ timeout: stepTimeout });
        }
        // Edge labels: the names passed.
        for (const name of ['clean_rows', 'model', 'accuracy']) {
          await frame.locator('svg.pipeline .edge-text', { hasText: new RegExp(`^${name}$`) }).waitFor({ timeout: stepTimeout });
        }
        await frame.locator('#status', { hasText: /^pipeline graph_pipeline · (not promoted|v\d+\.\d+\.\d+ · .+)$/ }).waitFor({ timeout: stepTimeout });
        // media/graph.css applies under the CSP (no inline styles): step boxes get a stroke, SVG's default is none.
        const stroke = await frame.locator('svg.pipeline .node-step rect').first().evaluate((rect) => globalThis.getComputedStyle(rect).stroke);
        if (stroke === 'none' || stroke === '') throw new Error(`the step boxes have no stroke (${stroke}): media/graph.css did not apply`);
        await screenshot(page, 'ui-graph.png');
      },
    },
    {
      title: 'clicking the train step in the graph reveals its cell in the notebook',
      async run(page) {
        const frame = await graphFrame(page, stepTimeout);
        await frame.locator('svg.pipeline g.node-step', { has: frame.locator('.node-label', { hasText: /^train$/ }) }).click();
        // The notebook shows with the train cell (cell 8) focused, in the group that has it open already
        // (here the graph's own, as a background tab): no second copy of it is opened beside the graph.
        // (Notebook list rows count as hidden to Playwright: wait for the focused row to be attached.)
        await page
          .locator('.notebook-editor .monaco-list-row.focused', { hasText: 'positives = [x[0] for x, label in zip(X_train, y_train)' })
          .first()
          .waitFor({ state: 'attached', timeout: stepTimeout });
        const copies = await page.locator('.tabs-container .tab[data-resource-name="graph-pipeline.ipynb"]').count();
        if (copies !== 1) throw new Error(`graph-pipeline.ipynb is open in ${copies} tabs: the click opened a second copy`);
        await page.locator('.tabs-container .tab.active[data-resource-name="graph-pipeline.ipynb"]').waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-graph-open-cell.png');
      },
    },
  ];
}

/** Quick Open (Ctrl+P) a file of the workspace by name. */
export async function openFile(page, name, selectors, timeout) {
  await page.keyboard.press('Control+P');
  const input = page.locator(selectors.quickInput);
  await input.waitFor({ timeout });
  await input.fill(name);
  await page.locator(selectors.quickInputRow, { hasText: name }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).waitFor({ timeout });
  await page.locator('.notebook-editor .view-lines').first().waitFor({ timeout });
}

/**
 * F1, the command's title, Enter. The palette lists the commands whose `when` clause holds when it opens;
 * right after an editor opens its context keys (`notebookType`) can still be settling, so the palette
 * misses an editor command and never lists it. When the row is not there within a few seconds the
 * palette is closed and opened again, until `timeout`.
 */
export async function runCommand(page, title, selectors, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator(selectors.quickInput);
    await input.waitFor({ timeout });
    await input.fill(`>${title}`);
    const row = page.locator(selectors.quickInputRow, { hasText: title }).first();
    const left = deadline - Date.now();
    try {
      await row.waitFor({ timeout: Math.max(1000, Math.min(5000, left)) });
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout });
      continue;
    }
    await page.keyboard.press('Enter');
    return;
  }
}

/**
 * The frame holding the graph: webviews are nested iframes (the workbench's webview host page, then the
 * content frame), both with "webview" in their URL; ours is the one with the pipeline SVG.
 */
async function graphFrame(page, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('webview')) continue;
      if ((await frame.locator('svg.pipeline').count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview frame with the pipeline graph; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
