// UI steps for promotion from the notebook editor (issue 5's UI acceptance), run by test/runUi.mjs: open a
// notebook, click its "Promote notebook" code lens, confirm in the preview, and see the lens turn into
// "Promoted v0.1.0 · up to date". Each step saves a screenshot in test-results/.
import { openFile } from './pipelinesGraph.mjs';

/**
 * @param {{ screenshot: (page: import('playwright-core').Page, name: string) => Promise<void>,
 *           selectors: Record<string, string>, stepTimeout: number }} ui
 */
export function promoteLensSteps({ screenshot, selectors, stepTimeout }) {
  return [
    {
      title: 'the "Promote notebook" code lens shows above sales.ipynb\'s first code cell',
      async run(page) {
        await openFile(page, 'sales.ipynb', selectors, stepTimeout);
        await lens(page, /^Promote notebook$/).waitFor({ timeout: stepTimeout });
        // A lens without a command (the module is not generated yet) is text, not a link.
        await page.locator('.notebook-editor .codelens-decoration', { hasText: /step load → src\/sales\/steps\/load\.py/ }).first().waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-lens.png');
      },
    },
    {
      title: 'clicking the lens shows the preview; confirming writes the package and the lens says up to date',
      async run(page) {
        await lens(page, /^Promote notebook$/).click();
        const input = page.locator(selectors.quickInput);
        await input.waitFor({ timeout: stepTimeout });
        // The preview lists what will be written, with Promote and Cancel first.
        await page.locator(selectors.quickInputRow, { hasText: 'src/sales/steps/load.py' }).first().waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-preview.png');
        await page.locator(selectors.quickInputRow, { hasText: /Promote/ }).first().click();
        // Promotion opens the first step module beside the notebook: back to the notebook, as a person would.
        await page.locator('.tabs-container .tab', { hasText: 'load.py' }).first().waitFor({ timeout: stepTimeout * 2 });
        await page.locator('.tabs-container .tab[data-resource-name="sales.ipynb"]').first().click();
        await lens(page, /^Promoted v0\.1\.0 · up to date$/).waitFor({ timeout: stepTimeout * 2 });
        await screenshot(page, 'ui-promoted.png');
        // The side bar stayed on Notebook Promoter: promotion does not switch it to the Explorer.
        await page.locator(selectors.sideBarTitles, { hasText: 'Pipelines' }).first().waitFor({ timeout: stepTimeout });
        if (await page.locator(selectors.sideBarTitles, { hasText: /^Explorer/i }).count() > 0) throw new Error('promotion switched the side bar to the Explorer');
      },
    },
  ];
}

/** A code lens in the notebook editor by its text. */
function lens(page, text) {
  return page.locator('.notebook-editor .codelens-decoration a', { hasText: text }).first();
}
