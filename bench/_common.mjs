// Shared by the benchmarks: is a build older than its sources, and timing a whole process with its peak RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
const timeTool = '/usr/bin/time';

/** Why `built` (relative to the repository or absolute) is stale: missing, or older than a file under `paths`; else undefined. */
export function staleness(built, paths) {
  const name = built.startsWith(root) ? built.slice(root.length) : built;
  if (!existsSync(built)) return `${name} does not exist`;
  const builtAt = statSync(built).mtimeMs;
  for (const path of paths) {
    const full = join(root, path);
    const files = statSync(full).isDirectory() ? readdirSync(full, { recursive: true }).map((f) => join(full, String(f))) : [full];
    const newer = files.find((f) => statSync(f).mtimeMs > builtAt);
    if (newer !== undefined) return `${name} is older than ${newer.slice(root.length)}`;
  }
  return undefined;
}

/** dist/cli.js, as `npm run build` (or `build:production`, what the package ships) left it; exits when older than the sources. */
export function freshCli() {
  const cli = join(root, 'dist', 'cli.js');
  const stale = staleness(cli, ['src', 'schemas', 'package.json', 'esbuild.mjs']);
  if (stale !== undefined) {
    console.error(`${stale}: run \`npm run build\` (or \`npm run build:production\`) first`);
    process.exit(1);
  }
  return { cli, production: !readFileSync(cli, 'utf8').trimEnd().endsWith('.map') };
}

/**
 * Runs `command` (an argv, or a function giving a fresh argv each time) `count` times: the best wall time,
 * the best CPU time (user + system, with /usr/bin/time) and the highest peak RSS in bytes. Without
 * /usr/bin/time, Node processes report their own peak RSS from an exit hook written into `work`.
 */
export function measure(command, count, { work, env = {} }) {
  let ms = Infinity;
  let cpu = Infinity;
  let peak = 0;
  const rssFile = join(work, 'rss');
  const rssHook = join(work, 'rssHook.cjs');
  writeFileSync(rssHook, `process.on('exit', () => require('fs').writeFileSync(process.env.NBPROMOTE_BENCH_RSS, String(process.resourceUsage().maxRSS * 1024)));\n`);
  for (let i = 0; i < count; i++) {
    const argvOf = typeof command === 'function' ? command() : command;
    const isNode = argvOf[0] === process.execPath;
    const argv = existsSync(timeTool) ? [timeTool, '-f', '%M %U %S', '-o', rssFile, ...argvOf] : isNode ? [argvOf[0], '--require', rssHook, ...argvOf.slice(1)] : argvOf;
    rmSync(rssFile, { force: true });
    const start = process.hrtime.bigint();
    const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env, NBPROMOTE_BENCH_RSS: rssFile } });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) return { error: String(result.stderr).trim().split('\n').pop() || `exit ${result.status}` };
    ms = Math.min(ms, elapsed);
    if (existsSync(rssFile)) {
      const [rss, user, system] = (readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
      peak = Math.max(peak, existsSync(timeTool) ? (rss ?? 0) * 1024 : (rss ?? 0));
      if (user !== undefined && system !== undefined && Number.isFinite(user + system)) cpu = Math.min(cpu, (user + system) * 1000);
    }
  }
  return { ms, cpu: Number.isFinite(cpu) ? cpu : undefined, peak: peak > 0 ? peak : undefined };
}
