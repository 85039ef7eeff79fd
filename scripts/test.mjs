// `npm test`: every check of the project, in order, going on after a failure. Lint, typecheck, build
// and package count as one test each; unit, grammar, extension-host and UI tests count their tests.
// Prints a summary table and, last, one line `N passed, N failed`; exits 1 if anything failed.
//
// The extension-host and UI steps need code-server (scripts/install-code-server.sh): without it they
// fail and say so. They are never skipped.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(repoRoot, 'test-results');
const codeServerMissing =
  'code-server is not installed: run scripts/install-code-server.sh (about 2 minutes), then npm test again';

/** One check: `count` turns its exit code and output into {passed, failed, note}. */
const steps = [
  { name: 'lint', script: 'lint', count: single },
  { name: 'typecheck', script: 'typecheck', count: single },
  { name: 'build', script: 'build', count: single },
  { name: 'unit', script: 'test:unit', count: mochaCounts },
  { name: 'grammar', script: 'test:grammar', count: grammarCounts },
  { name: 'python', script: 'test:python', count: pytestCounts },
  { name: 'e2e (promote examples, real Python)', script: 'test:e2e', count: mochaCounts },
  { name: 'package', script: 'package', count: single },
  { name: 'host', script: 'test:host', results: 'host.json', needsCodeServer: true, count: resultsCounts },
  { name: 'host (restricted)', script: 'test:host', args: ['--restricted'], results: 'host-restricted.json', needsCodeServer: true, count: resultsCounts },
  { name: 'ui', script: 'test:ui', results: 'ui.json', needsCodeServer: true, count: resultsCounts },
];

function single({ code }) {
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit code ${code}` };
}

/** Mocha's spec reporter ends with "N passing", "N pending", "N failing". */
function mochaCounts({ code, output }) {
  const number = (word) => Number(output.match(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'm'))?.[1] ?? 0);
  const passed = number('passing');
  const failed = number('failing');
  const pending = number('pending');
  if (code !== 0 && failed === 0) return { passed, failed: 1, note: `mocha exited ${code} before reporting failures` };
  if (passed + failed === 0) return { passed: 0, failed: 1, note: 'no unit test ran' };
  return { passed, failed, ...(pending > 0 ? { note: `${pending} pending` } : {}) };
}

/** vscode-tmgrammar-test prints one line per test file: "✓ f run successfuly." or "✖ f failed". */
function grammarCounts({ code, output }) {
  const lines = output.split('\n');
  const passed = lines.filter((l) => /^✓ .* run successfuly\.$/.test(l.trim())).length;
  const failed = lines.filter((l) => /^(✖ .* failed|✖ testcase .* aborted|ERROR can't parse testcase)/.test(l.trim())).length;
  if (code !== 0 && failed === 0) return { passed, failed: 1, note: `exit code ${code}` };
  if (passed + failed === 0) return { passed: 0, failed: 1, note: 'no grammar test ran' };
  return { passed, failed };
}

/** pytest's last line: "== 12 passed, 1 failed, 2 skipped in 3.4s ==". */
function pytestCounts({ code, output }) {
  const summary = output.split('\n').reverse().find((l) => /\d+ (passed|failed|error)/.test(l)) ?? '';
  const number = (word) => Number(summary.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  const passed = number('passed');
  const failed = number('failed') + number('errors?');
  if (code !== 0 && failed === 0) return { passed, failed: 1, note: `pytest exited ${code}` };
  if (passed + failed === 0) return { passed: 0, failed: 1, note: 'no python test ran' };
  const skipped = number('skipped');
  return { passed, failed, ...(skipped > 0 ? { note: `${skipped} skipped` } : {}) };
}

/** The runners write {passes, failures, tests} to test-results/<results>. */
function resultsCounts({ code, step }) {
  const file = join(resultsDir, step.results);
  if (!existsSync(file)) return { passed: 0, failed: 1, note: `no ${step.results} (exit code ${code})` };
  const { passes, failures } = JSON.parse(readFileSync(file, 'utf8'));
  if (code !== 0 && failures === 0) return { passed: passes, failed: 1, note: `exit code ${code}` };
  return { passed: passes, failed: failures };
}

/** Runs `npm run <script>`, echoing its output live and keeping it for counting. */
function run(script, args) {
  return new Promise((resolveRun) => {
    const child = spawn('npm', ['run', script, ...(args.length > 0 ? ['--', ...args] : [])], {
      cwd: repoRoot,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code, signal) => resolveRun({ code: code ?? (signal ? 128 : 1), output: stripVTControlCharacters(output) }));
  });
}

const codeServerInstalled = existsSync(join(repoRoot, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'));
const rows = [];
for (const step of steps) {
  console.log(`\n===== ${step.name}: npm run ${step.script}${step.args ? ` -- ${step.args.join(' ')}` : ''}`);
  const started = Date.now();
  let counts;
  if (step.needsCodeServer && !codeServerInstalled) {
    console.log(codeServerMissing);
    counts = { passed: 0, failed: 1, note: 'code-server not installed: run scripts/install-code-server.sh' };
  } else {
    if (step.results) rmSync(join(resultsDir, step.results), { force: true });
    const { code, output } = await run(step.script, step.args ?? []);
    counts = step.count({ code, output, step });
  }
  rows.push({ step: step.name, ...counts, seconds: (Date.now() - started) / 1000 });
}

const passed = rows.reduce((sum, r) => sum + r.passed, 0);
const failed = rows.reduce((sum, r) => sum + r.failed, 0);
const table = [
  ['step', 'result', 'passed', 'failed', 'seconds', 'note'],
  ...rows.map((r) => [r.step, r.failed > 0 ? 'FAIL' : 'ok', String(r.passed), String(r.failed), r.seconds.toFixed(1), r.note ?? '']),
];
const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
console.log('\n===== summary');
for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
