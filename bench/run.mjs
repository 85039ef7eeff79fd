// `npm run bench -- <name> [...]`: runs bench/<name>.mjs. Benchmarks print ratios against a peer measured
// in the same run; they are never assertions in the test suite.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const available = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_')).map((f) => f.slice(0, -4));
const [name, ...rest] = process.argv.slice(2);
if (name === undefined || !existsSync(join(here, `${name}.mjs`))) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.mjs`), ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
