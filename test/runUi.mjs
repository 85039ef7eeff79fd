// `npm run test:ui`: what a person sees. Installs the packaged extension (notebook-promoter.vsix,
// from `npm run package`) into a fresh code-server, opens test/fixtures/workspace in headless
// chromium and drives the workbench with Playwright: the activity bar item, the Pipelines view
// (notebook → pipeline → steps), the pipeline graph webview (test/ui/pipelinesGraph.mjs), the Runs
// view and the compare webview (test/ui/runs.mjs),
// "Notebook Promoter: Show Log" from the command palette. Saves test-results/ui-*.png and writes
// test-results/ui.json ({passes, failures, tests:[{title, state}]}).
//
// Needs scripts/install-code-server.sh and `npm run package`.
// Options:
//   --vsix FILE     the package to install (default: notebook-promoter.vsix at the repo root)
//   --keep          leave code-server running afterwards and print its URL and how to stop it
//   --timeout SEC   hard limit for the whole run (default 300)
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  SetupError,
  assertPrerequisites,
  codeServerCli,
  copyFixtureWorkspace,
  launchBrowser,
  makeRunDir,
  removeRunDir,
  repoRoot,
  resultsDir,
  startCodeServer,
  tail,
  withDeadline,
  writeResults,
  cleanupStack,
} from './codeServer.mjs';
import { pipelinesGraphSteps, runCommand } from './ui/pipelinesGraph.mjs';
import { promoteLensSteps } from './ui/promoteLens.mjs';
import { runsSteps, seedRunStore } from './ui/runs.mjs';

const { values: options } = parseArgs({
  options: {
    vsix: { type: 'string', default: join(repoRoot, 'notebook-promoter.vsix') },
    keep: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
  },
});
const timeoutSeconds = Number(options.timeout);
const vsix = resolve(options.vsix);
const resultsFile = join(resultsDir, 'ui.json');
const serverLog = join(resultsDir, 'ui-code-server.log');
const workbenchLog = join(resultsDir, 'ui-workbench.log');

/** Selectors checked against code-server 4.139.1 (VS Code 1.139.1). */
const selectors = {
  workbench: '.monaco-workbench',
  activityItem: '.part.activitybar a[aria-label^="Notebook Promoter"]',
  sideBar: '.part.sidebar',
  sideBarTitles: '.part.sidebar .composite.title h2:visible, .part.sidebar .pane-header h3.title:visible',
  quickInput: '.quick-input-widget input',
  quickInputRow: '.quick-input-list .monaco-list-row',
  activePanelTab: '.part.panel .composite-bar .action-item.checked',
  outputChannelPicker: '.part.panel select.monaco-select-box',
  outputLines: '.part.panel .monaco-editor .view-line',
  editorTab: '.part.editor .tabs-container .tab',
};
const stepTimeout = 30_000;

/** Steps in order; a failed step is recorded and the next one still runs. */
const steps = [
  {
    title: 'the workbench opens the workspace',
    async run(page) {
      await page.locator(selectors.workbench).waitFor({ timeout: 90_000 });
      await page.locator(selectors.activityItem).waitFor({ timeout: 90_000 });
    },
  },
  {
    title: 'the activity bar item opens the Pipelines view with the notebooks',
    async run(page) {
      await page.locator(selectors.activityItem).click();
      // One view in the container: the side bar's title reads "Notebook Promoter: Pipelines";
      // more views: each has a visible pane header.
      await page.locator(selectors.sideBarTitles, { hasText: 'Pipelines' }).first().waitFor({ timeout: stepTimeout });
      for (const name of ['broken.ipynb', 'churn.ipynb', 'sales.ipynb']) {
        await treeRow(page, name).waitFor({ timeout: stepTimeout });
      }
      await screenshot(page, 'ui-pipelines.png');
    },
  },
  // Promote from the notebook editor: click the code lens, confirm the preview (test/ui/promoteLens.mjs).
  ...promoteLensSteps({ screenshot, selectors, stepTimeout }),
  // The Pipelines view's levels and the pipeline graph webview: test/ui/pipelinesGraph.mjs.
  ...pipelinesGraphSteps({ treeRow, screenshot, selectors, stepTimeout }),
  // The Runs view and the compare webview: test/ui/runs.mjs.
  ...runsSteps({ screenshot, selectors, stepTimeout }),
  {
    // The installed extension, as vsce packed it (README.md becomes readme.md in the .vsix).
    title: '"Read About Cell Tags" opens the README the installed extension ships, at its tags',
    async run(page) {
      await runCommand(page, 'Notebook Promoter: Read About Cell Tags', selectors, stepTimeout);
      await page.locator(selectors.editorTab, { hasText: /readme\.md/i }).first().waitFor({ timeout: stepTimeout });
      // The markdown preview is one webview among others (the graph, the compare view): any frame may hold it.
      const deadline = Date.now() + stepTimeout;
      // The tag table whole: a `|` inside a code span must not split its cells (`#| default_exp <name>` in one cell).
      const count = async (selector, text) => (await Promise.all(page.frames().map((frame) => frame.locator(selector, { hasText: text }).count().catch(() => 0)))).some((n) => n > 0);
      const shown = async () => (await count('h2', 'Tag your cells')) && (await count('td > code', '#| default_exp <name>'));
      while (!(await shown())) {
        if (Date.now() > deadline) throw new Error('no preview shows the heading "Tag your cells" and the tag table\'s "#| default_exp <name>" in one cell');
        await page.waitForTimeout(250);
      }
      await screenshot(page, 'ui-read-about-tags.png');
    },
  },
  {
    title: '"Notebook Promoter: Show Log" opens the Notebook Promoter output',
    async run(page) {
      await runCommand(page, 'Notebook Promoter: Show Log', selectors, stepTimeout);
      await page.locator(selectors.activePanelTab, { hasText: 'Output' }).waitFor({ timeout: stepTimeout });
      // The Output view's channel picker is a <select>; its value is the shown channel's name.
      await page.waitForFunction(
        (selector) => [...globalThis.document.querySelectorAll(selector)].some((select) => select.value === 'Notebook Promoter'),
        selectors.outputChannelPicker,
        { timeout: stepTimeout },
      );
      await page.locator(selectors.outputLines).filter({ hasText: /\S/ }).first().waitFor({ timeout: stepTimeout });
      await screenshot(page, 'ui-show-log.png');
    },
  },
];

/** Screenshot without the hover a click leaves behind. */
async function screenshot(page, name) {
  await page.mouse.move(900, 300);
  await page.screenshot({ path: join(resultsDir, name) });
}

/** A row of the side bar's tree whose label is exactly `label`. */
function treeRow(page, label) {
  return page
    .locator(`${selectors.sideBar} .monaco-list-row`)
    .filter({ has: page.locator('.label-name, .monaco-highlighted-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
    .first();
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const { cleanups, cleanUp } = cleanupStack('ui');

const tests = [];

async function runUi() {
  assertPrerequisites();
  if (!existsSync(vsix)) throw new SetupError(`${vsix} is missing: run npm run package first.`);

  const runDir = makeRunDir('ui');
  if (!options.keep) cleanups.push(() => removeRunDir(runDir));
  const workspace = copyFixtureWorkspace(runDir);
  // A local run store for the Runs view (test/ui/runs.mjs).
  seedRunStore(workspace);

  const started = Date.now();
  const installed = codeServerCli(runDir, ['--install-extension', vsix]);
  if (!/successfully installed/i.test(installed)) throw new Error(`installing ${vsix} said:\n${installed}`);
  console.log(`[ui] installed ${vsix} in ${Date.now() - started} ms`);
  // The README's links to docs/ open the files the package ships.
  const extensionDirs = readdirSync(join(runDir, 'extensions')).filter((name) => name.startsWith('nbpromote.'));
  for (const doc of ['tags.md', 'cli.md', 'versioning.md', 'architecture.md']) {
    if (!extensionDirs.some((dir) => existsSync(join(runDir, 'extensions', dir, 'docs', doc)))) throw new Error(`the installed extension has no docs/${doc}, which its README links to`);
  }

  const server = await startCodeServer({ runDir, logFile: serverLog });
  if (options.keep) {
    server.detach();
  } else {
    cleanups.push(() => server.stop());
  }
  console.log(`[ui] code-server ${server.url} (process group ${server.pgid})`);

  const browser = await launchBrowser(runDir);
  cleanups.push(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  const workbenchLines = [];
  page.on('console', (message) => workbenchLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => workbenchLines.push(`[pageerror] ${error.stack ?? error.message}`));
  cleanups.push(() => writeFileSync(workbenchLog, `${workbenchLines.join('\n')}\n`));

  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  for (const [index, step] of steps.entries()) {
    const stepStarted = Date.now();
    try {
      await step.run(page);
      tests.push({ title: step.title, state: 'passed', durationMs: Date.now() - stepStarted });
      console.log(`  ✔ ${step.title} (${Date.now() - stepStarted} ms)`);
    } catch (error) {
      const failureShot = join(resultsDir, `ui-failure-${index + 1}.png`);
      await page.screenshot({ path: failureShot }).catch(() => {});
      tests.push({ title: step.title, state: 'failed', error: error.message });
      console.log(`  ✘ ${step.title}\n    ${error.message.split('\n').join('\n    ')}\n    screenshot: ${failureShot}`);
    }
  }
  if (options.keep) {
    console.log(`[ui] --keep: code-server stays at ${server.url}/?folder=${encodeURIComponent(workspace)}`);
    console.log(`[ui] stop it with: kill -- -${server.pgid}    (run folder: ${runDir})`);
  }
}

try {
  await withDeadline(
    timeoutSeconds * 1000,
    `UI tests did not finish within ${timeoutSeconds} s (hard timeout; --timeout SEC to change). code-server log: ${serverLog}`,
    runUi,
  );
} catch (error) {
  console.error(`[ui] FAILED: ${error instanceof SetupError ? error.message : (error.stack ?? error.message)}`);
  if (!(error instanceof SetupError)) console.error(`[ui] last lines of ${serverLog}:\n${tail(serverLog)}`);
  tests.push({ title: 'UI suite ran to completion', state: 'failed', error: error.message });
}
await cleanUp();

const { passes, failures } = writeResults(resultsFile, tests);
console.log(`[ui] ${passes} passed, ${failures} failed (${resultsFile})`);
process.exit(failures === 0 && passes > 0 ? 0 : 1);
