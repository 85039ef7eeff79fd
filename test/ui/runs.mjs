// UI steps for the Runs view and the compare webview (issue 6 item 3), run by test/runUi.mjs: open the
// Runs view, see a local run store's runs with their key metric, select two runs (click, Ctrl+click),
// "Compare Runs" from the view's title bar, read the parameter table and a chart's metric name in the
// webview; "Open Run" on a failed run; the Data view with the file those runs read, in two versions.
// Screenshots: test-results/ui-runs.png, ui-runs-compare.png, ui-runs-open.png, ui-data.png.
//
// The run store is written into the workspace copy before code-server starts (`seedRunStore`), in the
// runtime's run.json format (templates/runtime.py `_Run.record()`, src/core/runs/testing.ts): `.nbpromote/`
// is git-ignored, so it cannot be a committed fixture.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The seeded runs, oldest first: [id, params, metrics, status]. */
const seeded = [
  ['20261125T221530Z-a1b2c3', { n_estimators: 100, max_depth: 5, data_path: 'data/churn.csv' }, { accuracy: 0.8912, f1: 0.8104, roc_auc: 0.9021 }, 'finished'],
  ['20261125T222010Z-d4e5f6', { n_estimators: 200, max_depth: 8, data_path: 'data/churn.csv' }, { accuracy: 0.9135, f1: 0.8433, roc_auc: 0.9302 }, 'finished'],
  ['20261125T222500Z-0a0b0c', { n_estimators: 400, max_depth: 8, data_path: 'data/churn.csv' }, {}, 'failed'],
];
export const runsDemoFolder = 'runs-demo';

/** The view's label of a local run: the start its id records, in local time (src/features/runs/format.ts runLabel). */
function label(id) {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const two = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
const newest = label(seeded[1][0]);
const older = label(seeded[0][0]);
const failedRun = label(seeded[2][0]);

/** The data file the seeded runs read: the two newer runs read it as it is on disk, the oldest another version. */
const churnCsv = 'customer,tenure,churned\n1,12,0\n2,3,1\n';
const churnSha = createHash('sha256').update(churnCsv).digest('hex');

/** Writes `runs-demo/.nbpromote/runs/<id>/run.json` for the seeded runs into `workspace`, and the data file they read. */
export function seedRunStore(workspace) {
  mkdirSync(join(workspace, runsDemoFolder, 'data'), { recursive: true });
  writeFileSync(join(workspace, runsDemoFolder, 'data', 'churn.csv'), churnCsv);
  for (const [index, [id, params, metrics, status]] of seeded.entries()) {
    const start = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}.000Z`;
    const failed = status === 'failed';
    const record = {
      id,
      record_version: 1,
      pipeline: 'churn',
      version: '0.2.0',
      status,
      error: failed ? { message: "step 'train' failed in notebook cell 2 (id train), line 1: MemoryError", traceback: 'Traceback (most recent call last):\n  File "steps/train.py", line 12, in run\nMemoryError' } : null,
      start,
      end: new Date(Date.parse(start) + 1500).toISOString(),
      duration_s: 1.5,
      params,
      metrics,
      steps: [
        { name: 'load', status: 'cached', duration_s: 0.01, cache_key: 'a'.repeat(64) },
        { name: 'train', status: failed ? 'failed' : 'ran', duration_s: 1.2, cache_key: 'b'.repeat(64) },
      ],
      only: null,
      use_cache: true,
      git_commit: '0123456789abcdef0123456789abcdef01234567',
      git_dirty: false,
      notebook: 'churn.ipynb',
      notebook_sha256: 'c'.repeat(64),
      // The failed run's notebook was saved since its promotion: its Run view says which one the code came from.
      ...(failed ? { promoted_notebook_sha256: 'e'.repeat(64) } : {}),
      workdir: '.',
      python: '3.11.2',
      data_files: [index === 0 ? { parameter: 'data_path', path: 'data/churn.csv', size: 48213, sha256: 'd'.repeat(64) } : { parameter: 'data_path', path: 'data/churn.csv', size: churnCsv.length, sha256: churnSha }],
    };
    const dir = join(workspace, runsDemoFolder, '.nbpromote', 'runs', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  }
}

/**
 * @param {{ screenshot: (page: import('playwright-core').Page, name: string) => Promise<void>,
 *           selectors: Record<string, string>, stepTimeout: number }} ui
 */
export function runsSteps({ screenshot, selectors, stepTimeout }) {
  return [
    {
      title: 'the Runs view shows the local run store: pipeline churn, runs newest first with their key metric',
      async run(page) {
        await page.locator(selectors.activityItem).waitFor({ timeout: stepTimeout });
        if ((await page.locator(selectors.sideBar).count()) === 0 || !(await runsPane(page).isVisible().catch(() => false))) {
          await page.locator(selectors.activityItem).click();
        }
        const header = runsPane(page).locator('.pane-header');
        await header.waitFor({ timeout: stepTimeout });
        if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
        await runsRow(page, 'Local runs · runs-demo').waitFor({ timeout: stepTimeout });
        await runsRow(page, 'churn').waitFor({ timeout: stepTimeout });
        await runsRow(page, newest).locator('.label-description', { hasText: /^accuracy 0\.9135$/ }).waitFor({ timeout: stepTimeout });
        await runsRow(page, older).locator('.label-description', { hasText: /^accuracy 0\.8912$/ }).waitFor({ timeout: stepTimeout });
        await runsRow(page, failedRun).locator('.label-description', { hasText: /MemoryError/ }).waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-runs.png');
      },
    },
    {
      title: 'selecting two runs and "Compare Runs" shows their parameters and a chart per metric',
      async run(page) {
        await runsRow(page, newest).click();
        await runsRow(page, older).click({ modifiers: ['Control'] });
        await runsPane(page).locator('.monaco-list-row.selected').nth(1).waitFor({ timeout: stepTimeout });
        const header = runsPane(page).locator('.pane-header');
        await header.hover();
        await header.locator('.action-label[aria-label="Compare Runs"]').click({ timeout: stepTimeout });
        await page.locator('.tabs-container .tab', { hasText: 'Compare 2 Runs' }).waitFor({ timeout: stepTimeout });
        const frame = await compareFrame(page, stepTimeout);
        // The parameter table: the differing rows are highlighted.
        await frame.locator('section.params table tr.differs th', { hasText: /^n_estimators$/ }).waitFor({ timeout: stepTimeout });
        await frame.locator('section.params table tr.differs td.changed', { hasText: /^100$/ }).waitFor({ timeout: stepTimeout });
        await frame.locator('section.params table tr:not(.differs) th', { hasText: /^data_path$/ }).waitFor({ timeout: stepTimeout });
        // A bar chart per metric, titled with the metric's name, one bar per run.
        for (const metric of ['accuracy', 'f1', 'roc_auc']) {
          await frame.locator('section.metrics figcaption.chart-title', { hasText: new RegExp(`^${metric}$`) }).waitFor({ timeout: stepTimeout });
        }
        const bars = await frame.locator('section.metrics figure').first().locator('rect.bar').count();
        if (bars !== 2) throw new Error(`the accuracy chart has ${bars} bars, not 2`);
        await frame.locator('section.metrics text.value-label', { hasText: /^0\.9135$/ }).waitFor({ timeout: stepTimeout });
        // media/compare.css applies under the CSP: the bars are filled with a theme colour, not SVG's default black.
        const fill = await frame.locator('rect.bar.series-0').first().evaluate((rect) => globalThis.getComputedStyle(rect).fill);
        if (fill === 'rgb(0, 0, 0)' || fill === '' || fill === 'none') throw new Error(`the bars are not coloured (${fill}): media/compare.css did not apply`);
        await screenshot(page, 'ui-runs-compare.png');
      },
    },
    {
      title: '"Open Run" on the failed run shows every section of its record, with the error and traceback',
      async run(page) {
        const row = runsRow(page, failedRun);
        await row.click();
        await row.hover();
        await row.locator('.action-label[aria-label="Open Run"]').click({ timeout: stepTimeout });
        await page.locator('.tabs-container .tab.active', { hasText: `Run ${failedRun}` }).waitFor({ timeout: stepTimeout });
        const frame = await webviewFrame(page, '#run section', stepTimeout);
        for (const heading of ['Summary', 'Error', 'Parameters', 'Metrics', 'Steps', 'Code', 'Data files']) {
          await frame.locator('#run section h2', { hasText: new RegExp(`^${heading}$`) }).waitFor({ timeout: stepTimeout });
        }
        await frame.locator('.error-message', { hasText: "step 'train' failed in notebook cell 2 (id train), line 1: MemoryError" }).waitFor({ timeout: stepTimeout });
        await frame.locator('pre.traceback', { hasText: 'steps/train.py' }).waitFor({ timeout: stepTimeout });
        await frame.locator('#run dd', { hasText: `${'e'.repeat(64)} (the notebook was saved since` }).waitFor({ timeout: stepTimeout });
        await frame.locator('#actions button', { hasText: 'Re-run with These Parameters' }).waitFor({ timeout: stepTimeout });
        // Round 36 I: the error names the cell; the page offers to go there, as the notification does.
        await frame.locator('#actions button', { hasText: 'Go to Cell' }).waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-runs-open.png');
      },
    },
    {
      title: 'the Data view lists the file the runs read, its two versions, the one on disk now marked current',
      async run(page) {
        const header = dataPane(page).locator('.pane-header');
        await header.waitFor({ timeout: stepTimeout });
        if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
        const file = viewRow(dataPane(page), 'data/churn.csv');
        await file.locator('.label-description', { hasText: new RegExp(`^2 versions · current ${churnSha.slice(0, 7)}$`) }).waitFor({ timeout: stepTimeout });
        // The twistie expands it (a click on the row opens the file).
        await file.locator('.monaco-tl-twistie').click();
        await viewRow(dataPane(page), churnSha.slice(0, 7)).locator('.label-description', { hasText: /^[\d.]+ \S+ · current · used by 2 runs, last 2026-11-25$/ }).waitFor({ timeout: stepTimeout });
        await viewRow(dataPane(page), 'd'.repeat(7)).locator('.label-description', { hasText: /used by 1 run, last 2026-11-25$/ }).waitFor({ timeout: stepTimeout });
        await screenshot(page, 'ui-data.png');
      },
    },
  ];
}

/** The Data view's pane in the side bar. */
function dataPane(page) {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header h3.title', { hasText: /^Data$/ }) }).first();
}

/** A row of a view's pane whose label is exactly `label`. */
function viewRow(pane, label) {
  return pane
    .locator('.monaco-list-row')
    .filter({ has: pane.page().locator('.label-name, .monaco-highlighted-label', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
    .first();
}

/** The Runs view's pane in the side bar. */
function runsPane(page) {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header h3.title', { hasText: /^Runs$/ }) }).first();
}

/** A row of the Runs view whose label is exactly `label`. */
function runsRow(page, label) {
  return viewRow(runsPane(page), label);
}

/** The webview frame holding the comparison (nested iframes; ours has #compare with a chart). */
function compareFrame(page, timeout) {
  return webviewFrame(page, '#compare svg.chart', timeout);
}

/** The webview frame (webviews are nested iframes with "webview" in their URL) that has `selector`. */
async function webviewFrame(page, selector, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('webview')) continue;
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview frame with ${selector}; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
