// `npm run test:electron`: the same extension-host suite as `npm run test:host`, in desktop VS Code
// through @vscode/test-electron, the ecosystem's standard launcher. It downloads a VS Code build into
// .vscode-test/ on first use, so it needs the internet: CI cannot run it (its machines reach only
// package registries) and uses test/runHost.mjs (code-server) instead.
//
// Needs `npm run build`. On Linux without a display, run it under xvfb-run.
// Options: --restricted (Restricted Mode, *.restricted.test.ts), --grep TEXT, --version VERSION
// (default 1.139.1, the VS Code that code-server 4.139.1 carries).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    restricted: { type: 'boolean', default: false },
    grep: { type: 'string' },
    version: { type: 'string', default: '1.139.1' },
  },
});
const name = options.restricted ? 'electron-restricted' : 'electron';

const runDir = mkdtempSync(join(tmpdir(), `nbpromote-${name}-`));
const workspace = join(runDir, 'workspace');
cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

let code = 0;
try {
  await runTests({
    version: options.version,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'suite', 'index.js'),
    extensionTestsEnv: {
      NBPROMOTE_TEST_RESULTS: join(repoRoot, 'test-results', `${name}.json`),
      NBPROMOTE_TEST_MODE: options.restricted ? 'restricted' : 'trusted',
      ...(options.grep ? { NBPROMOTE_TEST_GREP: options.grep } : {}),
    },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(runDir, 'user-data'),
      '--extensions-dir', join(runDir, 'extensions'),
      ...(options.restricted ? [] : ['--disable-workspace-trust']),
    ],
  });
} catch (error) {
  console.error(`[electron] ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
process.exit(code);
