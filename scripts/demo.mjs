// `npm run demo`: build, then for every notebook in examples/: promote it into demo/<name>/, run the
// generated tests with pytest, run the generated pipeline twice (the second run comes from the cache), and
// print what each gives. Python: $NBPROMOTE_PYTHON, else Debian's /usr/bin/python3, else python3.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const python = process.env.NBPROMOTE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const env = { ...process.env, NBPROMOTE_PYTHON: python };
execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });

const cli = join(root, 'dist', 'cli.js');
const examples = readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.ipynb') || n.endsWith('.py')).sort();
rmSync(join(root, 'demo'), { recursive: true, force: true });

const rows = [];
for (const name of examples) {
  const out = join('demo', name.replace(/\.(ipynb|py)$/, ''));
  console.log(`\n=== ${name}`);
  const step = (title, command, args, cwd = root) => {
    console.log(`$ ${title}`);
    const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result;
  };
  const promoted = step(`nbpromote promote examples/${name} --out ${out}`, process.execPath, [cli, 'promote', `examples/${name}`, '--out', out]);
  if (promoted.status !== 0) {
    rows.push([name, 'promote failed', '', '']);
    continue;
  }
  const tests = step(`(cd ${out} && python -m pytest -q tests)`, python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], join(root, out));
  const first = step(`nbpromote run --out ${out} --json`, process.execPath, [cli, 'run', '--out', out, '--json']);
  const second = spawnSync(process.execPath, [cli, 'run', '--out', out, '--json'], { cwd: root, env, encoding: 'utf8' });
  const run = first.status === 0 ? JSON.parse(first.stdout) : undefined;
  const cached = second.status === 0 ? JSON.parse(second.stdout).steps.filter((s) => s.status === 'cached').length : 0;
  const metrics = run === undefined ? 'run failed' : Object.entries(run.metrics).map(([k, v]) => `${k}=${Number(v).toPrecision(4)}`).join(' ');
  const passed = /(\d+) passed/.exec(tests.stdout)?.[1] ?? '0';
  rows.push([name, tests.status === 0 ? `${passed} tests passed` : 'tests FAILED', metrics, `${cached}/${run?.steps.length ?? 0} steps cached on rerun`]);
}

console.log('\n=== summary');
for (const row of rows) console.log(row.join('  |  '));
const failed = rows.filter((r) => !/tests passed/.test(r[1])).length;
console.log(`\n${examples.length} notebooks promoted into demo/, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
