import * as assert from 'node:assert/strict';
import type { RunSummary } from '../../core/contract/runs';
import { formatMetricsApart } from '../../core/util/words';
import { goneRecordMessage, formatDuration, formatNumber, keyMetric, localTime, MAX_POLL_MS, md, nextPollDelay, paramArgument, runDescription, runLabel, runTooltipMarkdown, shortRunLabel, statusWord, stoppedWords } from './format';
import { formatSize } from '../../core/util/words';

const run: RunSummary = {
  source: 'local',
  id: '20261125T221530Z-a1b2c3',
  pipeline: 'churn',
  version: '0.2.0',
  status: 'finished',
  start: '2026-11-25T22:15:30.120Z',
  durationS: 1.5,
  params: { n_estimators: 200, data_path: 'data/churn.csv', flags: ['a', 'b'] },
  metrics: { accuracy: 0.912345, 'report.f1': 0.88 },
  gitCommit: '0123456789abcdef0123456789abcdef01234567',
  gitDirty: true,
  dataFiles: [{ path: 'data/churn.csv', size: 1234, sha256: 'd'.repeat(64), parameter: 'data_path' }],
  steps: [{ name: 'load', status: 'cached', durationS: 0.01, cached: true }],
};

describe('runs view wording', () => {
  it('the key metric is the first one recorded', () => {
    assert.deepEqual(keyMetric(run), { name: 'accuracy', value: 0.912345 });
    assert.equal(keyMetric({ ...run, metrics: {} }), undefined);
  });

  it('numbers, durations and sizes read well', () => {
    assert.equal(formatNumber(0.912345), '0.9123');
    assert.equal(formatNumber(200), '200');
    assert.equal(formatNumber(null), 'n/a');
    assert.equal(formatNumber(0.00001234), '1.234e-5');
    // The whole part is never rounded (11547.82 and 11546.88 had both read 11550).
    assert.equal(formatNumber(11547.822), '11547.82');
    assert.equal(formatNumber(-123.4567), '-123.46');
    assert.equal(formatNumber(Number.NaN), 'n/a');
    // Side by side, as many digits as it takes to tell values apart; equal ones stay short.
    assert.deepEqual(formatMetricsApart([0.91234, 0.91231, null, 0.91234]), ['0.91234', '0.91231', 'n/a', '0.91234']);
    assert.deepEqual(formatMetricsApart([0.5, 0.5]), ['0.5', '0.5']);
    assert.equal(formatDuration(0.04), '40 ms');
    assert.equal(formatDuration(1.5), '1.5 s');
    assert.equal(formatDuration(75), '1 min 15 s');
    assert.equal(formatDuration(3725), '1 h 2 min');
    assert.equal(formatDuration(undefined), '—');
    assert.equal(formatSize(1234), '1.2 KB');
    assert.equal(formatSize(12), '12 B');
    assert.equal(formatSize(5 * 1024 * 1024), '5 MB');
  });

  it('the description is the key metric, the failure or the record problem, and says stale', () => {
    assert.equal(runDescription(run, false), 'accuracy 0.9123');
    assert.equal(runDescription(run, true), 'accuracy 0.9123 · stale');
    assert.equal(runDescription({ ...run, metrics: {}, status: 'failed', error: "step 'train' failed: ValueError: boom" }, false), 'train: ValueError: boom');
    // Round 36 I: cut at 60 characters, the row showed where the run failed, not what it raised.
    assert.equal(runDescription({ ...run, metrics: {}, status: 'failed', error: "step 'train' failed in notebook cell 12 (id 5f3a9c2e), line 4: MemoryError" }, false), 'train: MemoryError');
    assert.equal(runDescription({ ...run, metrics: {}, status: 'failed', error: 'pipeline.yaml cannot be read' }, false), 'pipeline.yaml cannot be read');
    const flagged: RunSummary = { source: 'local', id: 'x', status: 'unknown', params: {}, metrics: {}, problems: [{ severity: 'error', code: 'json-syntax', message: 'run.json is not complete JSON', file: 'run.json' }] };
    assert.equal(runDescription(flagged, false), 'run.json is not complete JSON');
  });

  it('a run a signal stopped reads "stopped" with the step it stopped in, not a red failure naming the signal and cell', () => {
    const stopped: RunSummary = { ...run, status: 'failed', sourceStatus: 'STOPPED', metrics: {}, error: "step 'train' was stopped by SIGTERM in notebook cell 9 (id c9), line 1" };
    assert.equal(statusWord(stopped), 'stopped');
    assert.equal(stoppedWords(stopped), 'stopped during step train');
    assert.equal(runDescription(stopped, false), 'stopped during step train');
    assert.equal(stoppedWords({ ...stopped, error: 'the run was stopped by SIGINT' }), 'stopped between steps');
    const tooltip = runTooltipMarkdown(stopped, false);
    assert.match(tooltip, /· stopped\n/);
    assert.doesNotMatch(tooltip, /SIGTERM|Error|failed/);
    // A failure of the code stays one.
    const failed: RunSummary = { ...run, status: 'failed', metrics: {}, error: "step 'train' failed: KeyError: 'x'" };
    assert.deepEqual([statusWord(failed), stoppedWords(failed), runDescription(failed, false)], ['failed', undefined, "train: KeyError: 'x'"]);
  });

  it('the tooltip lists params, metrics, commit with dirty flag, data files and duration, escaped', () => {
    const text = runTooltipMarkdown({ ...run, params: { ...run.params, note: '*bold* [link](http://x)' } }, false);
    assert.match(text, /n\\_estimators = `200`/);
    assert.match(text, /accuracy = `0\.9123`/);
    assert.match(text, /\*\*Commit:\*\* `0123456` \(uncommitted changes\)/);
    assert.match(text, /data\\\/churn\\\.csv|data\/churn\\\.csv/);
    assert.match(text, /took 1\\\.5 s/);
    assert.match(text, /note = `\*bold\* \[link\]\(http:\/\/x\)`/);
    assert.equal(md('[a](b)'), '\\[a\\]\\(b\\)');
  });

  it('labels: the local time a local run id records, the MLflow run name, else the id', () => {
    const start = new Date(Date.UTC(2026, 10, 25, 22, 15, 30));
    assert.equal(runLabel(run), localTime(start));
    assert.match(runLabel(run), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(runLabel({ ...run, name: 'bright-owl-42' }), 'bright-owl-42');
    assert.equal(runLabel({ ...run, id: 'not-a-run-id' }), 'not-a-run-id');
    assert.equal(shortRunLabel(run), `${localTime(start).slice(11)} a1b2c3`);
    assert.equal(shortRunLabel({ ...run, source: 'mlflow', id: 'f'.repeat(32) }), 'ffffffff');
    assert.equal(shortRunLabel({ ...run, name: 'bright-owl-42' }), 'bright-owl-42');
  });

  it('--param text gives each value back through the runtime', () => {
    assert.equal(paramArgument(200), '200');
    assert.equal(paramArgument(0.25), '0.25');
    assert.equal(paramArgument(true), 'true');
    assert.equal(paramArgument(null), 'none');
    assert.equal(paramArgument('data/churn.csv'), 'data/churn.csv');
    assert.equal(paramArgument(['a', 'b']), '["a","b"]');
    assert.equal(paramArgument({ a: 1 }), '{"a":1}');
  });

  it('polling doubles after a failure up to 10 minutes and resets after a success', () => {
    assert.equal(nextPollDelay(30_000, 30_000, true), 60_000);
    assert.equal(nextPollDelay(30_000, 60_000, true), 120_000);
    assert.equal(nextPollDelay(30_000, 480_000, true), MAX_POLL_MS);
    assert.equal(nextPollDelay(30_000, MAX_POLL_MS, true), MAX_POLL_MS);
    assert.equal(nextPollDelay(30_000, MAX_POLL_MS, false), 30_000);
  });
});

describe('goneRecordMessage', () => {
  it('says plainly that the run record was deleted, naming the run and the file', () => {
    assert.equal(
      goneRecordMessage('20261125T221530Z-a1b2c3', '/ws/build/x/.nbpromote/runs/20261125T221530Z-a1b2c3/run.json'),
      'The record of run 20261125T221530Z-a1b2c3 is no longer there: run.json was deleted (/ws/build/x/.nbpromote/runs/20261125T221530Z-a1b2c3/run.json). The Runs view now shows what is left.',
    );
  });
});
