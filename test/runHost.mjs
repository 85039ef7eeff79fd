// `npm run test:host`: the extension-host tests (test/suite/*.test.ts) inside a real VS Code.
//
// Needs `npm run build` (dist/extension.js, out/test/suite/index.js) and scripts/install-code-server.sh.
// Copies test/fixtures/workspace to a temp folder, starts code-server on a free loopback port, opens
// the workbench in headless chromium with this repo as the development extension and
// out/test/suite/index.js as the tests, and exits with the suite's code. The suite writes
// test-results/host.json ({passes, failures, tests:[{title, state}]}).
//
// Options:
//   --restricted    open the workspace in Restricted Mode (workspace trust on) and run only
//                   *.restricted.test.ts; results go to test-results/host-restricted.json
//   --grep TEXT     run only tests whose full title contains TEXT
//   --keep          leave code-server running afterwards and print its URL and how to stop it
//   --timeout SEC   hard limit for the whole run (default 300)
//   --extension DIR the extension to test (default: this repo's root, whose package.json it is)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import {
  SetupError,
  assertPrerequisites,
  copyFixtureWorkspace,
  launchBrowser,
  makeRunDir,
  removeRunDir,
  repoRoot,
  resultsDir,
  startCodeServer,
  tail,
  withDeadline,
  workbenchUrl,
  writeResults,
  cleanupStack,
} from './codeServer.mjs';

const { values: options } = parseArgs({
  options: {
    restricted: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    grep: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    extension: { type: 'string', default: repoRoot },
  },
});
const timeoutSeconds = Number(options.timeout);
const name = options.restricted ? 'host-restricted' : 'host';
const resultsFile = join(resultsDir, `${name}.json`);
const serverLog = join(resultsDir, `${name}-code-server.log`);
const workbenchLog = join(resultsDir, `${name}-workbench.log`);
/** Marks the lines of test/suite/index.ts's reporter in the extension host's console. */
const suitePrefix = 'nbpromote-suite| ';
const extensionDevelopmentPath = resolve(options.extension);
const extensionTestsPath = join(repoRoot, 'out', 'test', 'suite', 'index.js');

/** Things to undo, last first, however the run ends. */
const { cleanups, cleanUp } = cleanupStack('host');

/** Runs the suite; resolves with the exit code the workbench reported. */
async function runSuite() {
  assertPrerequisites();
  for (const file of [join(extensionDevelopmentPath, 'dist', 'extension.js'), extensionTestsPath]) {
    if (!existsSync(file)) throw new SetupError(`${file} is missing: run npm run build first.`);
  }

  const runDir = makeRunDir(name);
  if (!options.keep) cleanups.push(() => removeRunDir(runDir));
  const workspace = copyFixtureWorkspace(runDir);

  const started = Date.now();
  const server = await startCodeServer({
    runDir,
    restricted: options.restricted,
    logFile: serverLog,
    env: {
      NBPROMOTE_TEST_RESULTS: resultsFile,
      NBPROMOTE_TEST_MODE: options.restricted ? 'restricted' : 'trusted',
      ...(options.grep ? { NBPROMOTE_TEST_GREP: options.grep } : {}),
    },
  });
  if (options.keep) {
    server.detach();
  } else {
    cleanups.push(() => server.stop());
  }
  console.log(`[host] code-server ${server.url} (process group ${server.pgid}) up in ${Date.now() - started} ms`);

  const browser = await launchBrowser(runDir);
  cleanups.push(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());

  const workbenchLines = [];
  page.on('pageerror', (error) => workbenchLines.push(`[pageerror] ${error.stack ?? error.message}`));
  cleanups.push(() => writeFileSync(workbenchLog, `${workbenchLines.join('\n')}\n`));

  const exit = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
  });
  // The workbench's own log and the extension host's console both arrive here. All of it goes to
  // the workbench log; the suite's reporter lines (with their prefix) are printed as well.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args);
    workbenchLines.push(`[${type}] ${text}`);
    if (text.startsWith(suitePrefix)) console.log(text.slice(suitePrefix.length));
  });

  const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath, extensionTestsPath });
  console.log(`[host] opening ${options.restricted ? 'Restricted Mode ' : ''}workbench on ${workspace}`);
  await page.goto(url);
  const code = await exit;
  console.log(`[host] suite finished with exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (options.keep) {
    console.log(`[host] --keep: code-server stays at ${server.url}/?folder=${encodeURIComponent(workspace)}`);
    console.log(`[host] stop it with: kill -- -${server.pgid}    (run folder: ${runDir})`);
  }
  return code;
}

rmSync(resultsFile, { force: true });
let code;
try {
  code = await withDeadline(
    timeoutSeconds * 1000,
    `extension-host tests did not finish within ${timeoutSeconds} s (hard timeout; --timeout SEC to change). code-server log: ${serverLog}`,
    runSuite,
  );
} catch (error) {
  console.error(`[host] FAILED: ${error instanceof SetupError ? error.message : (error.stack ?? error.message)}`);
  if (!(error instanceof SetupError)) {
    console.error(`[host] last lines of ${serverLog}:\n${tail(serverLog)}`);
    console.error(`[host] the workbench's log: ${workbenchLog}`);
  }
  code = 1;
}
await cleanUp();

let results;
try {
  results = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch {
  // The suite never got to write its results: record the run itself as one failed test.
  results = writeResults(resultsFile, [{ title: `${name} suite ran to completion`, state: 'failed' }]);
  code = code === 0 ? 1 : code;
}
console.log(`[host] ${results.passes} passed, ${results.failures} failed (${resultsFile})`);
process.exit(code === 0 && results.failures === 0 ? 0 : code || 1);
