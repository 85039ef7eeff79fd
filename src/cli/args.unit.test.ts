import * as assert from 'node:assert/strict';
import { NbpromoteError } from '../core/errors';
import type { FlagSpec } from './args';
import { flagBoolean, flagString, parseArgs } from './args';

const specs: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', description: 'the output root', valueName: 'DIR' },
  { name: 'param', kind: 'list', description: 'a parameter', valueName: 'k=v' },
  { name: 'json', kind: 'boolean', description: 'JSON' },
  { name: 'dry-run', kind: 'boolean', description: 'write nothing' },
];

function usageError(argv: readonly string[]): string {
  try {
    parseArgs(argv, specs);
  } catch (ex) {
    assert.ok(NbpromoteError.is(ex, 'usage'), String(ex));
    return ex.message;
  }
  assert.fail(`${argv.join(' ')} parsed`);
}

describe('parseArgs', () => {
  it('a value that is another of the command\'s flags is a usage error (`--out $OUT --json` with $OUT empty)', () => {
    assert.equal(usageError(['nb.ipynb', '--out', '--json']), '--out needs a value (got the flag --json)');
    assert.equal(usageError(['--out', '--dry-run', 'nb.ipynb']), '--out needs a value (got the flag --dry-run)');
    assert.equal(usageError(['--param', '--out=pkg']), '--param needs a value (got the flag --out=pkg)');
    assert.equal(usageError(['--out', '']), '--out needs a value (DIR)');
  });

  it('a value starting with - that is no flag of the command stays a value, and --out=--json names a folder', () => {
    const parsed = parseArgs(['--out', '-pkg', '--param', '--x=1', '--json'], specs);
    assert.equal(flagString(parsed, 'out'), '-pkg');
    assert.deepEqual(parsed.flags.get('param'), ['--x=1']);
    assert.ok(flagBoolean(parsed, 'json'));
    assert.equal(flagString(parseArgs(['--out=--json'], specs), 'out'), '--json');
  });
});
