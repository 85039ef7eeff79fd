// `npm run demo`: build, then run nbpromote over every bundled example notebook.
// Later issues extend this to promote the examples and run the generated pipelines and tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });

const examples = readdirSync(join(root, 'examples'))
  .filter((name) => name.endsWith('.ipynb') || name.endsWith('.py'))
  .sort();
let failed = 0;
for (const name of examples) {
  const file = join('examples', name);
  console.log(`\n$ nbpromote inspect ${file}`);
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'inspect', file], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
console.log(`\ninspected ${examples.length} example notebooks, ${failed} with errors`);
process.exit(failed === 0 ? 0 : 1);
