/**
 * pipeline.yaml is written by js-yaml (YAML 1.2) and read by the generated package with PyYAML (YAML 1.1).
 * The two disagree on some plain scalars: PyYAML reads `2024-01-01` as a date, `12:30` as the integer 750,
 * `0o17`-less octal `017` as 15, `=` as a value marker, `<<` as a merge key. A string that PyYAML would
 * read as something else must therefore be quoted. `PYYAML_LOOKALIKE` is a js-yaml type that is never
 * loaded, only consulted by the dumper: a string it "resolves" is quoted on output.
 * The patterns are PyYAML's own implicit resolvers (yaml/resolver.py).
 */
import { dump, JSON_SCHEMA, Type } from 'js-yaml';

const PYYAML_IMPLICIT: readonly RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

/** True when PyYAML would read the plain scalar `text` as something other than this string. */
export function pyyamlReadsAsNonString(text: string): boolean {
  return PYYAML_IMPLICIT.some((pattern) => pattern.test(text));
}

/** For the dumper's schema only (see the file comment): makes it quote what PyYAML would not read as a string. */
export const PYYAML_LOOKALIKE = new Type('tag:nbpromote.dev,2025:pyyaml-lookalike', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && pyyamlReadsAsNonString(data),
  construct: (data: unknown) => data,
});

/**
 * js-yaml writes whole numbers from 1e21 up as `1e+21`, which PyYAML reads as a string (its floats need a
 * dot). `pyyamlNumberReplacer` (a dumper `replacer`) wraps them so `PYYAML_LARGE_NUMBER` writes `1.e+21`.
 */
class LargeNumber {
  constructor(readonly value: number) {}
}

export const PYYAML_LARGE_NUMBER = new Type('tag:nbpromote.dev,2025:large-number', {
  kind: 'scalar',
  instanceOf: LargeNumber,
  resolve: () => false,
  represent: (data: object) => String((data as LargeNumber).value).replace(/^([-+]?[0-9]+)e/, '$1.e'),
});

/**
 * A whole number that is a float (`C = 1.0` in the notebook, a parameter of type float): written `1.0`, as PyYAML
 * writes a float, not `1` (round 63 LLL: it read as an int). JavaScript numbers cannot tell the two apart, so the
 * writer says which it is with {@link wholeFloat}.
 */
class WholeFloat {
  constructor(readonly value: number) {}
}

/** `value` to be written as a float when it is whole (`1.0`); any other value as it is. */
export function wholeFloat(value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e15 ? new WholeFloat(value) : value;
}

const PYYAML_WHOLE_FLOAT = new Type('tag:nbpromote.dev,2025:whole-float', {
  kind: 'scalar',
  instanceOf: WholeFloat,
  resolve: () => false,
  represent: (data: object) => `${String((data as WholeFloat).value)}.0`,
});

export function pyyamlNumberReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e21 ? new LargeNumber(value) : value;
}

/** js-yaml's JSON schema, plus the dumper-only types above that keep PyYAML reading what js-yaml reads. */
const DUMP_SCHEMA = JSON_SCHEMA.extend({ implicit: [PYYAML_LOOKALIKE, PYYAML_LARGE_NUMBER, PYYAML_WHOLE_FLOAT] });

/**
 * One value on one line, as PyYAML reads it back: a scalar, or a collection in flow style (`[a, b]`, `{k: v}`).
 * Identifiers, whole numbers, booleans and lists and maps of them (most of pipeline.yaml and the lock) are
 * written directly, exactly as the dumper writes them (a unit test compares the two); anything else goes
 * through js-yaml, whose per-call set-up dominates for values this small.
 */
export function flowYaml(value: unknown): string {
  return plainFlow(value) ?? dumpFlowYaml(value);
}

/** How the dumper writes `value` when every scalar in it is {@link plainScalar}, else undefined. */
function plainFlow(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      const written = plainFlow(item);
      if (written === undefined) return undefined;
      items.push(written);
    }
    return `[${items.join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const entries: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const k = plainScalar(key);
      const written = plainFlow(item);
      if (k === undefined || written === undefined) return undefined;
      entries.push(`${k}: ${written}`);
    }
    return `{${entries.join(', ')}}`;
  }
  return plainScalar(value);
}

/** {@link flowYaml} through js-yaml alone. */
export function dumpFlowYaml(value: unknown): string {
  return dump(value, { schema: DUMP_SCHEMA, flowLevel: 0, lineWidth: -1, noRefs: true, replacer: pyyamlNumberReplacer }).replace(/\n$/, '');
}

const PLAIN_WORD = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Words js-yaml's dumper quotes: its JSON schema's nulls and booleans, and YAML 1.1's booleans (its compatibility list). */
const JSON_SCHEMA_WORDS = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** How the dumper writes `value` when that is obvious, else undefined. */
function plainScalar(value: unknown): string | undefined {
  if (typeof value === 'string') return PLAIN_WORD.test(value) && !JSON_SCHEMA_WORDS.test(value) && !pyyamlReadsAsNonString(value) ? value : undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}
