/**
 * A small, strict argument parser: known flags only, `--flag value` or `--flag=value`, repeated flags
 * collected, `--` ends the options. Unknown flags and missing values are usage errors (exit 2); so is a value
 * that is another of the command's flags (`--out --json`), while one merely starting with `-` is a value.
 */
import { NbpromoteError } from '../core/errors';

export interface FlagSpec {
  readonly name: string;
  /** 'boolean' takes no value; 'string' takes one; 'list' takes one and may repeat. */
  readonly kind: 'boolean' | 'string' | 'list';
  readonly description: string;
  readonly valueName?: string;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | boolean | readonly string[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positionals: string[] = [];
  const flags = new Map<string, string | boolean | string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1) throw new NbpromoteError('usage', `unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (spec === undefined) throw new NbpromoteError('usage', `unknown option --${name}`);
    if (spec.kind === 'boolean') {
      if (eq !== -1) throw new NbpromoteError('usage', `--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw new NbpromoteError('usage', `--${name} needs a value (${spec.valueName ?? 'VALUE'})`);
    // `--out $OUT --json` with $OUT empty: --json is the next flag, not a folder (`--out=--json` still names one).
    if (eq === -1 && value.startsWith('--') && byName.has(value.slice(2).split('=')[0] ?? '')) throw new NbpromoteError('usage', `--${name} needs a value (got the flag ${value})`);
    if (spec.kind === 'list') {
      const list = flags.get(name);
      flags.set(name, Array.isArray(list) ? [...list, value] : [value]);
    } else {
      flags.set(name, value);
    }
  }
  return { positionals, flags };
}

export function flagBoolean(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** `--limit N` of the commands that read runs: N, a whole number of runs, 1 or more; `fallback` when absent. */
export function flagRunLimit(args: ParsedArgs, fallback: number): number {
  const value = flagString(args, 'limit');
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new NbpromoteError('usage', `--limit ${value}: write a whole number of runs, 1 or more`);
  return Number(value);
}
