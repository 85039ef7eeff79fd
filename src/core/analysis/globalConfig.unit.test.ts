import * as assert from 'node:assert/strict';
import { clockRead, configFunctions, globalConfigChanges, importedSetters } from './globalConfig';

describe('globalConfigChanges', () => {
  it('finds the process-wide setters a cell calls, at any depth, with their line', () => {
    const code = [
      'import warnings',
      'sklearn.set_config(transform_output="pandas")',
      'pd.options.display.max_rows = 10',
      'if quiet:',
      '    warnings.filterwarnings("ignore")',
      'plt.rcParams["figure.dpi"] = 120',
      'matplotlib.use("Agg")',
      '# pd.set_option("display.width", 200)',
      'x = np.seterr(all="raise")',
      'os.environ["OMP_NUM_THREADS"] = "1"',
      'os.environ.update({"TZ": "UTC"})',
    ].join('\n');
    assert.deepEqual(globalConfigChanges(code).map((c) => [c.line, c.settings]), [
      [2, "scikit-learn's settings"],
      [3, "pandas' options"],
      [5, 'the warning filters'],
      [6, "matplotlib's settings"],
      [7, "matplotlib's backend"],
      [9, "NumPy's settings"],
      [10, 'the environment variables'],
      [11, 'the environment variables'],
    ]);
  });

  it('takes `%env A=1` for the environment change its translation makes, not `%env A` that shows it', () => {
    const code = ['%env OMP_NUM_THREADS=1', '%set_env TZ UTC', '%env HOME', '%env', 'get_ipython().run_line_magic("env", "OMP_NUM_THREADS=1")', "get_ipython().run_line_magic('env', 'HOME')"].join('\n');
    assert.deepEqual(globalConfigChanges(code).map((c) => [c.line, c.call, c.settings]), [
      [1, '%env OMP_NUM_THREADS=1', 'the environment variables'],
      [2, '%set_env TZ UTC', 'the environment variables'],
      [5, 'get_ipython().run_line_magic("env", "OMP_NUM_THREADS=1")', 'the environment variables'],
    ]);
  });

  // Round 60 FFF: Kaggle's `seed_everything` sets PYTHONHASHSEED, which Python reads only as it starts.
  // Round 70 XXX: a step silencing a warning inside catch_warnings ran at every run.
  it('leaves warning filters set inside `with warnings.catch_warnings():`, which restores them', () => {
    const code = 'import warnings\nwith warnings.catch_warnings():\n    warnings.simplefilter("ignore")\n    m = fit()\nwarnings.filterwarnings("ignore")';
    assert.deepEqual(globalConfigChanges(code).map((c) => c.line), [5]);
  });

  it('leaves PYTHONHASHSEED alone: it changes nothing in a running Python', () => {
    const code = ['os.environ["PYTHONHASHSEED"] = str(seed)', "os.environ[ 'PYTHONHASHSEED' ] = '0'", '%env PYTHONHASHSEED=0', 'os.environ["PYTHONHASHSEED2"] = "1"'].join('\n');
    assert.deepEqual(globalConfigChanges(code).map((c) => c.line), [4]);
  });

  it('leaves reads, other methods, seeds and look-alikes alone', () => {
    const code = ['rows = pd.options.display.max_rows', 'if plt.rcParams["figure.dpi"] == 100: pass', 'model.set_config(x=1)', 'torch.manual_seed(0)', 'df.set_option = 1', 'tf.config.list_physical_devices("GPU")', 'home = os.environ["HOME"]', 'if os.environ.get("CI") == "1": pass'].join('\n');
    assert.deepEqual(globalConfigChanges(code), []);
  });

  it('knows a setter imported by name only from its library', () => {
    const imported = importedSetters('from sklearn import set_config\nfrom warnings import simplefilter as quiet\nfrom mylib import set_option');
    assert.deepEqual([...imported.keys()], ['set_config', 'quiet']);
    assert.deepEqual(globalConfigChanges('set_config(transform_output="pandas")\nquiet("ignore")\nset_option(1)', imported).map((c) => c.line), [1, 2]);
    // Round 77 MNM: how estimators show is nothing a later step computes.
    assert.deepEqual(globalConfigChanges('set_config(display="diagram")\nsklearn.set_config(print_changed_only=False, display="text")\nset_config(display="text", assume_finite=True)', imported).map((c) => c.line), [3]);
    assert.deepEqual(globalConfigChanges('set_config(transform_output="pandas")'), []);
    const environ = importedSetters('from os import environ, path');
    assert.deepEqual(globalConfigChanges('environ["PRICE_COL"] = col\nx = environ["HOME"]\nenviron.update(extra)\nif environ.get("CI"): pass', environ).map((c) => c.line), [1, 3]);
  });

  it('takes a call of a shared function that changes settings, directly or through another, for a change', () => {
    const shared = ['import sklearn\nfrom os import environ', 'def setup_env():\n    sklearn.set_config(transform_output="pandas")\n\n\ndef init(seed):\n    setup_env()\n    return seed\n\n\ndef export(k):\n    environ["K"] = str(k)\n\n\ndef plain(x):\n    return x'];
    const imported = importedSetters(shared.join('\n'));
    const functions = configFunctions(shared, imported);
    assert.deepEqual([...functions].map(([name, change]) => [name, change.settings]), [['setup_env', "scikit-learn's settings"], ['export', 'the environment variables'], ['init', "scikit-learn's settings"]]);
    assert.deepEqual(globalConfigChanges('x = init(1)\ny = plain(2)\nobj.setup_env()\nexport(3)', imported, functions).map((c) => [c.line, c.settings]), [[1, "scikit-learn's settings"], [4, 'the environment variables']]);
  });
});

describe('decimal context and clockRead', () => {
  it("takes decimal's context for a process-wide setting, not a read of it", () => {
    const code = ['decimal.getcontext().prec = 6', 'getcontext().rounding = ROUND_DOWN', 'decimal.setcontext(ctx)', 'p = decimal.getcontext().prec', 'if getcontext().prec == 6: pass'].join('\n');
    assert.deepEqual(globalConfigChanges(code).map((c) => [c.line, c.settings]), [
      [1, "decimal's context"],
      [2, "decimal's context"],
      [3, "decimal's context"],
    ]);
  });

  it('finds the first calendar read of a cell; timing with time.time(), look-alikes and comments are none', () => {
    assert.deepEqual(clockRead('cutoff = 30\nnow = pd.Timestamp.today()\nx = datetime.now()'), { line: 2, call: 'now = pd.Timestamp.today()' });
    for (const code of ["t = pd.Timestamp('now')", 'd = dt.now()', 'stamp = time.strftime("%Y-%m-%d")', 'lt = time.localtime()', 'now = time()', 'd = datetime.datetime.now()', 'd = date.today()', 'd = datetime.utcnow()', "d = pd.to_datetime('today')", 'd = np.datetime64("now")', 'today = pd.Timestamp(dt.datetime.now())', 'run_date = dt.date.today().isoformat()', 'stamp = _dt.datetime.utcnow()']) assert.equal(clockRead(code)?.line, 1, code);
    assert.equal(clockRead('now = time.time()\nrecent = events[events.ts >= now - WINDOW_S]')?.line, 1);
    assert.equal(clockRead('cutoff = time.time() - 3600')?.line, 1);
    assert.equal(clockRead('recent = events[events.ts >= time.time() - WINDOW]')?.line, 1);
    for (const code of ['start = time.time()', 't0 = time.time()', 'fit_time = time.time()', 'elapsed = time.time() - start', 'print(f"{time.time() - t0:.1f} s")', 'report.write_text(json.dumps({"total": total, "created": time.time()}))', 'x = time.strftime("%Y", t)', 'start = time()', 'df.now()', 'x = my.datetime.now_ish', '# datetime.now()', "d = pd.to_datetime('2024-01-01')", 'today = 3']) assert.equal(clockRead(code), undefined, code);
  });
});
