/** `nbpromote check`: the command it suggests works as given; kept files that import removed modules fail it. */
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURES_MERGED as v2, notebookJson, THREE_STEPS as v1 } from '../../core/scaffold/testing';
import { main } from '../main';
import { ExitCode } from '../io';

describe('nbpromote check', function () {
  this.timeout(60_000);
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nbpromote-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (...argv: string[]): Promise<{ code: ExitCode; out: string; err: string }> => {
    let out = '';
    let err = '';
    const code = await main(argv, { cwd: dir, env: process.env, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  it('suggests the --package it was given, and the suggested command works', async () => {
    writeFileSync(join(dir, 'forecast.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'forecast.ipynb', '--out', '.')).code, ExitCode.Ok);
    renameSync(join(dir, 'forecast.ipynb'), join(dir, 'weekly_forecast.ipynb'));
    const check = await cli('check', 'weekly_forecast.ipynb', '--out', '.', '--package', 'forecast');
    assert.equal(check.code, ExitCode.BadInput);
    const command = /`(nbpromote promote [^`]*)`/.exec(check.out)?.[1];
    assert.equal(command, 'nbpromote promote weekly_forecast.ipynb --out . --package forecast');
    assert.match(check.out, /the notebook moved from forecast\.ipynb to weekly_forecast\.ipynb \(patch\)/);
    assert.equal((await cli(...(command ?? '').split(' ').slice(1))).code, ExitCode.Ok);
    assert.equal((await cli('check', 'weekly_forecast.ipynb', '--out', '.', '--package', 'forecast')).code, ExitCode.Ok);
  });

  // Round 66 QQQ: `{error, exit_code}` on stdout, and "nothing was written".
  it('a generated file that is a link leading outside the output root: not up to date, in check\'s own JSON shape', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', 'out')).code, ExitCode.Ok);
    const step = join(dir, 'out', 'src', 'nb', 'steps', readdirSync(join(dir, 'out', 'src', 'nb', 'steps')).find((f) => f !== '__init__.py') ?? '');
    const outside = join(dir, 'outside.py');
    writeFileSync(outside, readFileSync(step, 'utf8'));
    rmSync(step);
    symlinkSync(outside, step);
    const check = await cli('check', 'nb.ipynb', '--out', 'out', '--json');
    assert.equal(check.code, ExitCode.BadInput, check.err);
    const doc = JSON.parse(check.out) as { up_to_date: boolean; problems: { code: string; message: string }[] };
    assert.equal(doc.up_to_date, false);
    assert.deepEqual(doc.problems.map((p) => p.code), ['path-not-acceptable']);
    assert.match(doc.problems[0]?.message ?? '', /leads outside the output root/);
    assert.doesNotMatch(check.out + check.err, /nothing was written/);
    assert.match(check.err, /^error: /);
  });

  // Round 49 GG: warnings were said only with --json (outputs-not-rerun, documented as said at every check).
  it('says every warning in text too, up to date', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', 'out')).code, ExitCode.Ok);
    const lock = join(dir, 'out', 'nbpromote.lock');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace('files:\n', 'files:\n  data/raw.csv: abababababababababababababababababababababababababababababababab\n'));
    const check = await cli('check', 'nb.ipynb', '--out', 'out');
    assert.equal(check.code, ExitCode.Ok, check.out + check.err);
    assert.match(check.err, /^warning: .*nbpromote\.lock in out lists data\/raw\.csv, which promotion never writes/m);
  });

  it('fails on a kept test that imports a removed step, not on a harmless kept file', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    appendFileSync(join(dir, 'tests', 'test_features.py'), '# extra check by hand\n');
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v2));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    const check = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(check.code, ExitCode.BadInput, check.out);
    assert.match(check.out, /up to date \(nb 1\.0\.0\), but a file imports a module the package no longer has/);
    assert.match(check.err, /tests\/test_features\.py imports nb\.steps\.features \(line \d+\).*Delete the file, or change that import/);
    writeFileSync(join(dir, 'tests', 'test_features.py'), 'def test_by_hand():\n    assert True\n');
    const harmless = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(harmless.code, ExitCode.Ok, harmless.out + harmless.err);
  });

  it('says, up to date, that a module in steps/ is no step\'s and does not run', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    writeFileSync(join(dir, 'src', 'nb', 'steps', 'old.py'), 'x = 1  # my fix\n');
    const check = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(check.code, ExitCode.Ok, check.out + check.err);
    assert.match(check.out, /up to date \(nb 0\.1\.0\)/);
    assert.match(check.err, /^warning: .*src\/nb\/steps\/old\.py is the module of no step now \(the notebook has no step old\), so none of its code runs: move what you changed there/m);
  });

  it('calls a package checked out with CRLF line endings (git core.autocrlf) up to date, and promotion leaves it so', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', 'out')).code, ExitCode.Ok);
    const generated = readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !join(e.parentPath, e.name).includes('.nbpromote')).map((e) => join(e.parentPath, e.name));
    assert.ok(generated.length > 5);
    for (const file of generated) writeFileSync(file, readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'));
    const check = await cli('check', 'nb.ipynb', '--out', 'out');
    assert.equal(check.code, ExitCode.Ok, check.out + check.err);
    assert.match(check.out, /up to date \(nb 0\.1\.0\)\n$/);
    const again = await cli('promote', 'nb.ipynb', '--out', 'out', '--json');
    assert.equal(again.code, ExitCode.Ok, again.err);
    assert.deepEqual((JSON.parse(again.out) as { files: { action: string }[] }).files.filter((f) => f.action !== 'unchanged'), []);
    assert.ok(readFileSync(join(dir, 'out', 'pipeline.yaml'), 'utf8').includes('\r\n'), 'the CRLF files were rewritten');
  });

  it('says which hand-edited files it keeps when the package is up to date', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    assert.match((await cli('check', 'nb.ipynb', '--out', '.')).out, /^nb\.ipynb: up to date \(nb 0\.1\.0\)\n$/);
    appendFileSync(join(dir, 'pyproject.toml'), '# tuned by hand\n');
    appendFileSync(join(dir, 'pipeline.yaml'), '# tuned by hand\n');
    const check = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(check.code, ExitCode.Ok, check.out + check.err);
    assert.match(check.out, /^nb\.ipynb: up to date \(nb 0\.1\.0; 1 file edited by hand is kept: pipeline\.yaml\)\n$/);
  });

  it('fails, as promote does, when a kept pipeline.yaml is not valid YAML or breaks its schema, naming the file, line and key', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    const config = join(dir, 'pipeline.yaml');
    const generated = readFileSync(config, 'utf8');
    const lock = readFileSync(join(dir, 'nbpromote.lock'), 'utf8');
    writeFileSync(config, generated.replace(/^steps:/m, 'steps: [oops'));
    const line = generated.split('\n').findIndex((l) => l.startsWith('steps:')) + 2;
    for (const command of ['check', 'promote']) {
      const broken = await cli(command, 'nb.ipynb', '--out', '.');
      assert.equal(broken.code, ExitCode.BadInput, `${command}: ${broken.out}${broken.err}`);
      assert.match(broken.err, new RegExp(`error: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line ${line}, column \\d+: the file is not valid YAML`));
      // Round 63 LLL: check writes nothing, and does not say "nothing was written".
      const written = command === 'check' ? '\\. ' : '; nothing was written\\. ';
      assert.match(broken.err, new RegExp(`pipeline\\.yaml was edited by hand and is kept, but it cannot be read \\(1 error above\\), so the pipeline would not run${written}Fix it in `));
      if (command === 'check') assert.doesNotMatch(broken.err, /nothing was written/);
      assert.doesNotMatch(broken.out, /up to date|kept-edit/);
    }
    assert.equal(readFileSync(join(dir, 'nbpromote.lock'), 'utf8'), lock, 'promote wrote nothing');
    writeFileSync(config, generated.replace(/^workdir: /m, 'work_dir: '));
    const schema = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(schema.code, ExitCode.BadInput, schema.out + schema.err);
    assert.match(schema.err, /pipeline\.yaml: line \d+(, column \d+)?: .*work_dir/);
  });

  it('fails, as promote and run do, when a kept pipeline.yaml reorders inputs or names another module, function, output, workdir or package', async () => {
    const cells = [
      { tags: ['parameters'], source: 'seed = 1\nscale = 3.0' },
      { tags: ['step:gen'], source: 'x = seed * 2\ny = x + 1' },
      { tags: ['step:score'], source: 'd = x * scale - y\nrmse = abs(x) + 1\nmae = abs(x)' },
      { tags: ['metrics'], source: 'print("d:", d)\nprint("rmse:", rmse)\nprint("mae:", mae)' },
    ];
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(cells));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    const config = join(dir, 'pipeline.yaml');
    const generated = readFileSync(config, 'utf8');
    const lock = readFileSync(join(dir, 'nbpromote.lock'), 'utf8');
    const lineOf = (text: string): number => generated.split('\n').findIndex((l) => l.includes(text)) + 1;
    assert.ok(lineOf("inputs: [x, scale, 'y']") > 0 && lineOf('  inputs: [d, rmse, mae]') > 0, generated);
    const refused: [string, string, RegExp][] = [
      ["inputs: [x, scale, 'y']", "inputs: ['y', scale, x]", /pipeline\.yaml gives the step 'score' the inputs \[y, scale, x\], but its function nb\.steps\.score\.score takes \(x, scale, y\) \(the same names in another order: the runner passes them in order, so each argument would get another value\)/],
      ['  inputs: [d, rmse, mae]', '  inputs: [d, mae, rmse]', /pipeline\.yaml gives the metrics the inputs \[d, mae, rmse\], but its function nb\.metrics\.compute_metrics takes \(d, rmse, mae\) \(the same names/],
      ['  inputs: [d, rmse, mae]', '  inputs: [d, rmse]', /pipeline\.yaml gives the metrics the inputs \[d, rmse\], but its function nb\.metrics\.compute_metrics takes \(d, rmse, mae\); put back what promotion wrote/],
      ['function: score', 'function: score_v2', /pipeline\.yaml names nb\.steps\.score\.score_v2 for the step 'score', but pipeline\.py runs nb\.steps\.score\.score: `module` and `function` record what promotion generated/],
      ['module: nb.steps.score', 'module: nb.steps.gen', /pipeline\.yaml names nb\.steps\.gen\.score for the step 'score', but pipeline\.py runs nb\.steps\.score\.score/],
      ['outputs: [d, rmse, mae]', 'outputs: [d, rmse, mae, t]', /pipeline\.yaml gives the step 'score' the outputs \[d, rmse, mae, t\], but its function nb\.steps\.score\.score returns \(d, rmse, mae\)/],
      ['workdir: .', 'workdir: /nonexistent', /the workdir '\/nonexistent' is not a folder under /],
      ['package: nb', 'package: other', /`package: other` names no package promoted here: .*src\/other\/pipeline\.py does not exist \(nbpromote\.lock says the package promoted here is `nb`\)/],
    ];
    for (const [from, to, message] of refused) {
      assert.ok(generated.includes(from), from);
      writeFileSync(config, generated.replace(from, to));
      for (const command of ['check', 'promote']) {
        const broken = await cli(command, 'nb.ipynb', '--out', '.');
        assert.equal(broken.code, ExitCode.BadInput, `${command} ${to}: ${broken.out}${broken.err}`);
        assert.match(broken.err, message, `${command} ${to}`);
        assert.match(broken.err, new RegExp(`error: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line \\d+: `), `${command} ${to}: the line`);
        assert.match(broken.err, /pipeline\.yaml was edited by hand and is kept, but `nbpromote run` refuses it \(1 error above\)/, `${command} ${to}`);
        assert.doesNotMatch(broken.out, /up to date/);
      }
    }
    assert.equal(readFileSync(join(dir, 'nbpromote.lock'), 'utf8'), lock, 'promote wrote nothing');
    // What pipeline.yaml invites editing (a default, the tolerance), and `outputs` in another order, stay fine.
    writeFileSync(config, generated.replace('seed: {default: 1', 'seed: {default: 4').replace('outputs: [d, rmse, mae]', 'outputs: [mae, d, rmse]'));
    const tuned = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(tuned.code, ExitCode.Ok, tuned.out + tuned.err);
  });

  it('fails, as promote does, when a kept step module or test is no valid Python, or a kept pyproject.toml no valid TOML', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    const lock = readFileSync(join(dir, 'nbpromote.lock'), 'utf8');
    const step = join(dir, 'src', 'nb', 'steps', 'features.py');
    const generated = readFileSync(step, 'utf8');
    writeFileSync(step, `${generated}\n\ndef tuned(x):\n    return (x + 1\n`);
    const line = generated.split('\n').length + 3;
    for (const command of ['check', 'promote']) {
      const broken = await cli(command, 'nb.ipynb', '--out', '.');
      assert.equal(broken.code, ExitCode.BadInput, `${command}: ${broken.out}${broken.err}`);
      assert.match(broken.err, new RegExp(`error: .*src/nb/steps/features\\.py was edited by hand and is kept, but it is no valid Python \\(line ${line}, column 12: .*\\), so the package would not import; ${command === 'check' ? 'fix' : 'nothing was written\\. Fix'} it in `));
      assert.doesNotMatch(broken.out, /up to date/);
    }
    assert.equal(readFileSync(join(dir, 'nbpromote.lock'), 'utf8'), lock, 'promote wrote nothing');
    writeFileSync(step, `${generated}\n# tuned by hand\n`);
    assert.equal((await cli('check', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);

    const pyproject = join(dir, 'pyproject.toml');
    writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace(/^dependencies = \[/m, 'dependencies = [\n    "scipy"'));
    const toml = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(toml.code, ExitCode.BadInput, toml.out + toml.err);
    assert.match(toml.err, /error: .*pyproject\.toml is yours \(edited by hand, so promotion keeps it\), but it is no valid TOML \(line \d+, column \d+: .+\), so pip and pytest cannot read it/);
    writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace('"scipy"', '"scipy",'));
    const fixed = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(fixed.code, ExitCode.Ok, fixed.out + fixed.err);
  });

  it('says, and passes, when a pyproject.toml the person edited does not list a module a step imports', async () => {
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson(v1));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    appendFileSync(join(dir, 'pyproject.toml'), '# tuned by hand\n');
    writeFileSync(join(dir, 'nb.ipynb'), notebookJson([...v1.slice(0, 2), { tags: ['step:train'], source: 'from scipy import stats\ntotal = sum(doubled) + stats.norm.cdf(0)' }]));
    assert.equal((await cli('promote', 'nb.ipynb', '--out', '.')).code, ExitCode.Ok);
    const check = await cli('check', 'nb.ipynb', '--out', '.');
    assert.equal(check.code, ExitCode.Ok, check.out + check.err);
    assert.match(check.out, /^nb\.ipynb: up to date \(nb 0\.1\.1\)\n$/);
    assert.match(check.err, /^warning: nb\.ipynb: pyproject\.toml is yours and is kept; it does not list scipy, which step train imports/);
  });
});
