import * as assert from 'node:assert/strict';
import { commandLine, quoteArgument } from './commandLine';

describe('commandLine', () => {
  it('quotes an argument with spaces, so a logged re-run can be copied and run', () => {
    assert.equal(
      commandLine(['/usr/bin/python3', '-c', 'import sys', '/tmp/x/build/churn model/src', '--param', 'test_size=0.2', '--json']),
      "/usr/bin/python3 -c 'import sys' '/tmp/x/build/churn model/src' --param test_size=0.2 --json",
    );
  });

  it('leaves plain arguments alone and quotes quotes, dollars and empty strings', () => {
    assert.equal(quoteArgument('churn_model.pipeline'), 'churn_model.pipeline');
    assert.equal(quoteArgument('name=it\'s'), "'name=it'\\''s'");
    assert.equal(quoteArgument('$HOME'), "'$HOME'");
    assert.equal(quoteArgument(''), "''");
  });
});
