/**
 * The run webview (browser side): every field of one run, in sections, with the run's actions as buttons.
 * Waits for the host's `run` message; reports `renderedRun` with the sections it drew.
 */
import type { RunSummary } from '../src/core/contract/runs';
import type { RunView } from '../src/features/runs/protocol';
import { isHostMessage } from '../src/features/runs/protocol';
import { formatDuration, formatParam, formatTime, runLabel, statusWord, stoppedWords } from '../src/features/runs/format';
import { formatSize } from '../src/core/util/words';
import { byId, el, host, section, table } from './runsDom';

function draw(view: RunView): void {
  const { run } = view;
  byId('title').textContent = `Run ${runLabel(run)}`;
  document.title = `Run ${runLabel(run)}`;
  const subtitle = byId('subtitle');
  subtitle.replaceChildren();
  const word = statusWord(run);
  subtitle.append(el('span', ['status', `status-${word}`], word), document.createTextNode(` · ${[run.pipeline ?? run.experiment, run.version === undefined ? undefined : `v${run.version}`, view.sourceLabel].filter((p) => p !== undefined).join(' · ')}`));
  if (view.stale) subtitle.append(el('span', ['badge', 'stale'], 'stale'));

  const actions = byId('actions');
  actions.replaceChildren();
  const button = (label: string, action: 'openCommit' | 'rerun' | 'openLocation' | 'goToCell'): void => {
    const b = el('button', [], label);
    b.type = 'button';
    b.addEventListener('click', () => host().postMessage({ type: 'action', action }));
    actions.append(b);
  };
  if (view.actions.goToCell === true) button('Go to Cell', 'goToCell');
  if (view.actions.openCommit) button('Open Code at Commit', 'openCommit');
  if (view.actions.rerun) button('Re-run with These Parameters', 'rerun');
  if (view.actions.openLocation !== undefined) button(view.actions.openLocation, 'openLocation');

  const main = byId('run');
  main.replaceChildren();
  const drawn: string[] = [];
  const add = (title: string, content: HTMLElement | undefined): void => {
    if (content === undefined) return;
    section(main, title).append(content);
    drawn.push(title);
  };

  add('Summary', summary(run));
  const stopped = stoppedWords(run);
  if (stopped !== undefined) {
    // Stop Run, Cancel or Ctrl-C: nothing went wrong in the code; the traceback says only where it stopped.
    add('Stopped', el('p', ['stopped-message'], `${stopped.charAt(0).toUpperCase()}${stopped.slice(1)}: the run was stopped on purpose (Stop Run, Cancel, Ctrl-C or a signal), not by an error.`));
  } else if (run.error !== undefined || run.traceback !== undefined) {
    const box = el('div', ['error-box']);
    if (run.error !== undefined) box.append(el('p', ['error-message'], run.error));
    if (run.traceback !== undefined) box.append(el('pre', ['traceback'], run.traceback));
    add('Error', box);
  }
  add('Parameters', keyValues(Object.entries(run.params).map(([k, v]) => [k, formatParam(v, run.paramShapes?.[k])]), 'No parameters'));
  // The exact values, as run.json has them (the lists round them).
  add('Metrics', keyValues(Object.entries(run.metrics).map(([k, v]) => [k, v === null ? 'n/a' : String(v)]), 'No metrics'));
  if (run.steps !== undefined) {
    // The step a signal stopped (Stop Run, Cancel) failed in the record; it is stopped, not red.
    const stepStatus = (status: string): string => (status === 'failed' && stoppedWords(run) !== undefined ? 'stopped' : status);
    add(
      'Steps',
      run.steps.length === 0
        ? el('p', ['empty'], 'No steps')
        : table(
            ['Step', 'Status', 'Duration', 'Cached'],
            run.steps.map((s) => [s.name, stepStatus(s.status), formatDuration(s.durationS), s.cached ? 'yes' : 'no']),
            { cellClasses: (r, c) => (c === 1 ? [`step-${stepStatus(run.steps?.[r]?.status ?? '')}`] : []) },
          ),
    );
  }
  add('Code', code(run));
  if (run.dataFiles !== undefined) {
    add(
      'Data files',
      run.dataFiles.length === 0
        ? el('p', ['empty'], 'No data files were read through parameters')
        : table(
            ['Path', 'Parameter', 'Size', 'SHA-256'],
            run.dataFiles.map((f) => [f.path, f.parameter ?? '—', formatSize(f.size), f.sha256]),
            { cellClasses: (_r, c) => (c === 3 ? ['hash'] : []) },
          ),
    );
  }
  if (run.tags !== undefined && Object.keys(run.tags).length > 0) add('Tags', keyValues(Object.entries(run.tags), 'No tags'));
  if (run.problems !== undefined && run.problems.length > 0) {
    const list = el('ul', ['problems']);
    for (const p of run.problems) list.append(el('li', [`problem-${p.severity}`], `${p.severity}: ${p.message}${p.line === undefined ? '' : ` (line ${p.line})`}`));
    add('Problems', list);
  }
  host().postMessage({ type: 'renderedRun', sections: drawn });
}

function summary(run: RunSummary): HTMLElement {
  const rows: [string, string][] = [
    ['Run', run.id],
    ['Status', statusWord(run) === 'stopped' ? 'stopped' : `${run.status}${run.sourceStatus === undefined ? '' : ` (${run.sourceStatus})`}`],
  ];
  if (run.name !== undefined) rows.push(['Name', run.name]);
  if (run.pipeline !== undefined) rows.push(['Pipeline', run.pipeline]);
  if (run.experiment !== undefined || run.experimentId !== undefined) rows.push(['Experiment', [run.experiment, run.experimentId === undefined ? undefined : `(id ${run.experimentId})`].filter((p) => p !== undefined).join(' ')]);
  if (run.version !== undefined) rows.push(['Version', run.version]);
  rows.push(['Started', formatTime(run.start)], ['Ended', run.end === undefined ? (run.status === 'running' ? 'still running' : '—') : formatTime(run.end)], ['Duration', formatDuration(run.durationS)]);
  if (run.mlflowRunId !== undefined) rows.push(['MLflow run', run.mlflowRunId]);
  if (run.localRunId !== undefined) rows.push(['Local run', run.localRunId]);
  if (run.location !== undefined) rows.push(['Location', run.location]);
  return definitions(rows);
}

function code(run: RunSummary): HTMLElement {
  const rows: [string, string][] = [['Commit', run.gitCommit === undefined ? 'not recorded (outside a git repository?)' : run.gitCommit]];
  if (run.gitDirty !== undefined) rows.push(['Working tree', run.gitDirty ? 'uncommitted changes when the run started' : 'clean']);
  if (run.notebook !== undefined) rows.push(['Notebook', run.notebook]);
  if (run.notebookSha256 !== undefined) rows.push(['Notebook SHA-256', run.notebookSha256]);
  // The code that ran came from the notebook as it was promoted: said when the notebook was saved since.
  if (run.promotedNotebookSha256 !== undefined && run.promotedNotebookSha256 !== run.notebookSha256) rows.push(['Promoted from notebook', `${run.promotedNotebookSha256} (the notebook was saved since: this run used the code promoted from that version)`]);
  return definitions(rows);
}

function definitions(rows: readonly (readonly [string, string])[]): HTMLElement {
  const list = el('dl', ['facts']);
  for (const [term, value] of rows) list.append(el('dt', [], term), el('dd', [], value));
  return list;
}

function keyValues(rows: readonly (readonly [string, string])[], empty: string): HTMLElement {
  if (rows.length === 0) return el('p', ['empty'], empty);
  return table(['Name', 'Value'], rows);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostMessage(message) || message.type !== 'run') return;
  draw(message.view);
});
host().postMessage({ type: 'ready' });
