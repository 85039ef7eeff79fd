// Entry of the extension-host test suite: VS Code loads the bundle of this file (out/test/suite/index.js,
// extensionTestsPath) inside a real extension host and calls `run()`. It resolves when every test
// passed and rejects otherwise; the workbench turns that into the exit code.
//
// esbuild bundles this file with the test files (mocha and vscode stay external). A static `import`
// would run a test file's top level before mocha's `describe`/`it` exist, so each file is a lazy
// `import()` (esbuild inlines it and runs it on demand) loaded after mocha's `pre-require` event has
// put the BDD globals on globalThis: the same events `mocha.loadFiles()` fires for files on disk.
//
// The runner (test/runHost.mjs, test/runElectron.mjs) passes settings through the extension host's
// environment, which it inherits from code-server or VS Code:
//   NBPROMOTE_TEST_RESULTS  file to write {passes, failures, tests:[{title, state}]} to
//   NBPROMOTE_TEST_MODE     'trusted' (default) runs *.test.ts; 'restricted' runs *.restricted.test.ts
//   NBPROMOTE_TEST_GREP     only tests whose full title contains this text
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Every test file of the suite; `restricted` files run only in a Restricted Mode window. */
const testFiles: readonly { readonly file: string; readonly load: () => Promise<unknown> }[] = [
  { file: 'activation.test.ts', load: () => import('./activation.test.js') },
  { file: 'pipelines.test.ts', load: () => import('./pipelines.test.js') },
  { file: 'graph.test.ts', load: () => import('./graph.test.js') },
  { file: 'pipelines.restricted.test.ts', load: () => import('./pipelines.restricted.test.js') },
  { file: 'trust.restricted.test.ts', load: () => import('./trust.restricted.test.js') },
  { file: 'promote.test.ts', load: () => import('./promote.test.js') },
  { file: 'promote.restricted.test.ts', load: () => import('./promote.restricted.test.js') },
  { file: 'editor.test.ts', load: () => import('./editor.test.js') },
  { file: 'runs.test.ts', load: () => import('./runs.test.js') },
  { file: 'runs.restricted.test.ts', load: () => import('./runs.restricted.test.js') },
  { file: 'data.test.ts', load: () => import('./data.test.js') },
  { file: 'data.restricted.test.ts', load: () => import('./data.restricted.test.js') },
  { file: 'deployments.test.ts', load: () => import('./deployments.test.js') },
  { file: 'deployments.restricted.test.ts', load: () => import('./deployments.restricted.test.js') },
];

type TestState = 'passed' | 'failed' | 'pending';

interface TestResult {
  readonly title: string;
  readonly state: TestState;
  readonly durationMs?: number;
  readonly error?: string;
}

/**
 * The extension host's console reaches code-server's runner mixed with the workbench's own log:
 * the reporter's lines carry this prefix so that test/runHost.mjs can print them alone.
 */
const reportPrefix = 'nbpromote-suite| ';

function report(text: string): void {
  console.log(`${reportPrefix}${text}`);
}

export async function run(): Promise<void> {
  const mode = process.env['NBPROMOTE_TEST_MODE'] === 'restricted' ? 'restricted' : 'trusted';
  const grep = process.env['NBPROMOTE_TEST_GREP'];
  const resultsFile = process.env['NBPROMOTE_TEST_RESULTS'];

  Mocha.reporters.Base.useColors = false;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => report(format(...args));
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 30_000 });
  if (grep) mocha.fgrep(grep);

  const files = testFiles.filter(({ file }) => file.endsWith('.restricted.test.ts') === (mode === 'restricted'));
  report(`extension-host tests: ${files.map((f) => f.file).join(', ')} (mode ${mode}${grep ? `, grep "${grep}"` : ''})`);
  for (const { file, load } of files) {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha);
    const module = await load();
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_REQUIRE, module, file, mocha);
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, file, mocha);
  }

  const results: TestResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      results.push({ title: test.fullTitle(), state: 'passed', ...(test.duration === undefined ? {} : { durationMs: test.duration }) });
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test) => {
      results.push({ title: test.fullTitle(), state: 'pending' });
    });
    // Also fires for a failing hook, whose tests then never run: it counts as one failure.
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error: unknown) => {
      results.push({ title: test.fullTitle(), state: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    });
  });

  if (resultsFile) {
    const passes = results.filter((r) => r.state === 'passed').length;
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify({ passes, failures, mode, tests: results }, null, 2)}\n`);
  }
  if (failures > 0) throw new Error(`${failures} of ${results.length} extension-host tests failed`);
  if (results.length === 0) throw new Error(`no extension-host test ran (mode ${mode}${grep ? `, grep "${grep}"` : ''})`);
}
