// The Runs view in a real extension host, read through the API activate() returns (its TreeDataProvider),
// as the tree view reads it.
// - An example pipeline (examples/wine-percent.py) is promoted with core's promoteNotebook into
//   runs-example/ (a git repository made here), and run twice by real Python with different parameters:
//   both runs show with their parameters, metrics, data file and commit; open, compare, open at commit,
//   re-run, and the watcher picking up a new record.
// - runs-malformed/: a truncated run.json is one flagged item, the other run still shows.
// - An MLflow server on 127.0.0.1 started here: HTTP 500 and a slow answer are an error item with Retry
//   within 2 s, the runs read before stay, marked stale; HTTP 401 asks for a token once, never again.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { promoteNotebook } from '../../src/core/promote/promote';
import { localRunRecord, runIdAt, writeLocalRun } from '../../src/core/runs/testing';
import type { RunSummary } from '../../src/core/contract/runs';
import { formatNumber } from '../../src/features/runs/format';
import type { ComparePanelHandle } from '../../src/features/runs/comparePanel';
import type { RerunResult } from '../../src/features/runs/rerun';
import type { RunPanelHandle } from '../../src/features/runs/runPanel';
import type { GroupElement, MessageElement, RunElement, RunsElement, RunsTree, SourceElement } from '../../src/features/runs/tree';

const extensionId = 'nbpromote.notebook-promoter';
const python = process.env['NBPROMOTE_PYTHON'] ?? '/usr/bin/python3';
/** The repository (the bundle is out/test/suite/index.js). */
const repo = resolve(__dirname, '..', '..', '..');

let tree: RunsTree;

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, [...args], { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

async function sources(): Promise<SourceElement[]> {
  return ((await tree.getChildren()) ?? []).filter((e): e is SourceElement => e.kind === 'source');
}

async function source(where: (s: SourceElement) => boolean, what: string): Promise<SourceElement> {
  const all = await sources();
  const found = all.find(where);
  assert.ok(found, `no source ${what} among ${JSON.stringify(all.map((s) => s.location))}`);
  return found;
}

/** A source's children once its first read is done (not "Loading…"). */
async function sourceChildren(element: SourceElement): Promise<RunsElement[]> {
  return eventually('the source to be read', async () => (await tree.getChildren(element)) ?? [], (c) => !c.some((e) => e.kind === 'message' && e.severity === 'loading'), 10_000);
}

/** Every run under a source, through its groups. */
async function runsOf(element: SourceElement): Promise<RunElement[]> {
  const groups = (await sourceChildren(element)).filter((e): e is GroupElement => e.kind === 'group');
  const runs: RunElement[] = [];
  for (const group of groups) runs.push(...((await tree.getChildren(group)) ?? []).filter((e): e is RunElement => e.kind === 'run'));
  return runs;
}

async function eventually<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${what}; last: ${String(JSON.stringify(last, undefined, 1)).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function text(value: string | vscode.MarkdownString | undefined): string {
  const raw = value === undefined ? '' : typeof value === 'string' ? value : value.value;
  return raw.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}

function item(element: RunsElement): vscode.TreeItem {
  return tree.getTreeItem(element) as vscode.TreeItem;
}

describe('Runs view', function () {
  this.timeout(180_000);

  before(async () => {
    const extension = vscode.extensions.getExtension<{ runs?: RunsTree }>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.ok(api?.runs, 'activate() returned no runs tree');
    tree = api.runs;
    await vscode.workspace.getConfiguration('nbpromote').update('python.path', python, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('nbpromote').update('python.path', undefined, vscode.ConfigurationTarget.Workspace);
  });

  describe('an example pipeline run twice with different parameters', () => {
    const project = (): string => join(workspaceRoot(), 'runs-example');
    let pkg = '';
    let commit = '';
    const reports: { run_id: string; status: string; metrics: Record<string, number> }[] = [];

    before(async () => {
      const dir = project();
      mkdirSync(join(dir, 'data'), { recursive: true });
      copyFileSync(join(repo, 'examples', 'wine-percent.py'), join(dir, 'wine-percent.py'));
      copyFileSync(join(repo, 'examples', 'data', 'wine.csv'), join(dir, 'data', 'wine.csv'));
      const version = String(vscode.extensions.getExtension(extensionId)?.packageJSON['version']);
      const promoted = await promoteNotebook({ notebook: 'wine-percent.py', cwd: dir, out: dir, toolVersion: version });
      assert.ok(promoted.ok, JSON.stringify(promoted));
      pkg = promoted.package ?? '';
      await run('git', ['init', '-q'], dir);
      await run('git', ['add', '-A'], dir);
      await run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '-q', '-m', 'promote wine'], dir);
      commit = (await run('git', ['rev-parse', 'HEAD'], dir)).trim();
      const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: join(dir, 'src'), PYDEVD_DISABLE_FILE_VALIDATION: '1' };
      delete env['MLFLOW_TRACKING_URI'];
      for (const regularization of ['0.1', '5']) {
        const stdout = await run(python, ['-m', `${pkg}.pipeline`, '--param', `regularization=${regularization}`, '--param', 'test_size=0.4', '--json'], dir, env);
        reports.push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as (typeof reports)[number]);
      }
      assert.deepEqual(reports.map((r) => r.status), ['finished', 'finished']);
    });

    after(() => rmSync(project(), { recursive: true, force: true }));

    async function exampleRuns(): Promise<RunElement[]> {
      return runsOf(await source((s) => s.source === 'local' && s.location === project(), 'runs-example'));
    }

    it('shows both runs, newest first, under the pipeline, with their params, metrics, data file and commit', async () => {
      await tree.refresh();
      const local = await source((s) => s.source === 'local' && s.location === project(), 'runs-example');
      assert.equal(local.label, 'Local runs · runs-example');
      const groups = (await sourceChildren(local)).filter((e): e is GroupElement => e.kind === 'group');
      assert.deepEqual(groups.map((g) => g.name), [pkg]);
      const runs = await exampleRuns();
      assert.deepEqual(runs.map((r) => r.run.id), [reports[1]?.run_id, reports[0]?.run_id]);
      const sha = createHash('sha256').update(readFileSync(join(project(), 'data', 'wine.csv'))).digest('hex');
      for (const [element, regularization, shown, report] of [[runs[1], 0.1, '0.1', reports[0]], [runs[0], 5, '5.0', reports[1]]] as const) {
        assert.ok(element && report);
        const r: RunSummary = element.run;
        assert.equal(r.status, 'finished');
        assert.equal(r.pipeline, pkg);
        assert.deepEqual({ regularization: r.params['regularization'], test_size: r.params['test_size'], data_path: r.params['data_path'] }, { regularization, test_size: 0.4, data_path: 'data/wine.csv' });
        assert.deepEqual(r.metrics, report.metrics);
        assert.equal(r.gitCommit, commit);
        assert.equal(r.gitDirty, false);
        assert.deepEqual(r.dataFiles?.map((f) => [f.path, f.sha256]), [['data/wine.csv', sha]]);
        const treeItem = item(element);
        const [firstMetric, firstValue] = Object.entries(report.metrics)[0] ?? [];
        assert.ok(firstMetric !== undefined && firstValue !== undefined);
        assert.equal(treeItem.description, `${firstMetric} ${formatNumber(firstValue)}`);
        assert.equal(treeItem.contextValue, 'runLocalCommit');
        assert.equal((treeItem.iconPath as vscode.ThemeIcon).id, 'check');
        const tooltip = text(treeItem.tooltip as vscode.MarkdownString);
        // A float parameter reads as a float (pipeline.yaml's type): 5.0, not 5.
        assert.ok(tooltip.includes(`regularization = \`${shown}\``), tooltip);
        assert.ok(tooltip.includes(`Commit:** \`${commit.slice(0, 7)}\` (clean)`), tooltip);
        assert.ok(tooltip.includes('data/wine.csv'), tooltip);
      }
    });

    it('a run recorded later shows without a refresh (file watcher)', async () => {
      const [newest] = await exampleRuns();
      assert.ok(newest);
      const id = runIdAt(Math.floor(Date.now() / 1000) + 60, 'abcdef');
      const record = JSON.parse(readFileSync(newest.run.location ?? '', 'utf8')) as Record<string, unknown>;
      writeLocalRun(project(), id, { ...record, id });
      const runs = await eventually('the watcher to show the new run', exampleRuns, (r) => r[0]?.run.id === id, 15_000);
      assert.equal(runs.length, 3);
      rmSync(join(project(), '.nbpromote', 'runs', id), { recursive: true, force: true });
      await tree.refresh();
    });

    it('opens a run in a webview with every section, under a strict CSP', async () => {
      const [newest] = await exampleRuns();
      assert.ok(newest);
      let handle = await vscode.commands.executeCommand<RunPanelHandle>('nbpromote.views.runs.open', newest);
      assert.ok(handle, 'Open Run returned nothing');
      assert.match(handle.html, /default-src 'none'/);
      assert.match(handle.html, /script-src 'nonce-[^']+'/);
      handle = await eventually('the run webview to draw', async () => vscode.commands.executeCommand<RunPanelHandle>('nbpromote.views.runs.open', newest), (h) => h.rendered !== undefined);
      assert.deepEqual(handle.rendered, ['Summary', 'Parameters', 'Metrics', 'Steps', 'Code', 'Data files']);
    });

    it('a click or Enter on a run row opens the run (the row has the Open Run command)', async () => {
      const [newest] = await exampleRuns();
      assert.ok(newest);
      const command = item(newest).command;
      assert.ok(command, 'the run row has no command: a click or Enter does nothing');
      assert.equal(command.command, 'nbpromote.views.runs.open');
      const handle = await vscode.commands.executeCommand<RunPanelHandle>(command.command, ...(command.arguments ?? []));
      assert.ok(handle, 'the row\'s command opened nothing');
      assert.match(handle.html, /default-src 'none'/);
    });

    it('compares the two runs: parameter differences and a chart per metric', async () => {
      const runs = await exampleRuns();
      const pending = await vscode.commands.executeCommand<ComparePanelHandle>('nbpromote.views.runs.compare', runs[0], runs.slice(0, 2));
      assert.ok(pending, 'Compare Runs returned nothing');
      const params = new Map(pending.data.params.map((p) => [p.name, p]));
      // pipeline.yaml says regularization is a float: 5.0, as the notebook writes it (run.json's 5.0 reads as 5).
      assert.deepEqual(params.get('regularization')?.values, ['5.0', '0.1']);
      assert.equal(params.get('regularization')?.differs, true);
      assert.equal(params.get('test_size')?.differs, false);
      assert.deepEqual(pending.data.metrics.map((m) => m.name), Object.keys(reports[0]?.metrics ?? {}));
      assert.match(pending.html, /default-src 'none'/);
      const drawn = await eventually('the compare webview to draw', async () => vscode.commands.executeCommand<ComparePanelHandle>('nbpromote.views.runs.compare', runs[0], runs.slice(0, 2)), (h) => h.rendered !== undefined);
      assert.deepEqual(drawn.rendered, { params: pending.data.params.length, charts: pending.data.metrics.length, histories: 0 });
    });

    it('opens pipeline.yaml and the notebook as they were at the run\'s commit, read-only', async () => {
      const [newest] = await exampleRuns();
      assert.ok(newest);
      for (const [which, file] of [['pipeline', 'pipeline.yaml'], ['notebook', 'wine-percent.py']] as const) {
        const uri = await vscode.commands.executeCommand<string>('nbpromote.views.runs.openCommit', newest, which);
        assert.ok(uri, `Open Code at Run Commit (${which}) returned nothing`);
        const parsed = vscode.Uri.parse(uri);
        assert.equal(parsed.scheme, 'nbpromote-git');
        const document = await vscode.workspace.openTextDocument(parsed);
        assert.equal(document.getText(), await run('git', ['show', `${commit}:${file}`], project()));
        // Named with the commit: not to be taken for the live file (round 36 I).
        assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, `${file} @ ${commit.slice(0, 7)}`);
      }
      assert.equal(vscode.workspace.fs.isWritableFileSystem('nbpromote-git'), false);
    });

    it('re-runs a run with its parameters: a new run with the same parameters appears', async () => {
      const runs = await exampleRuns();
      const oldest = runs[runs.length - 1];
      assert.ok(oldest);
      const result = await vscode.commands.executeCommand<RerunResult>('nbpromote.views.runs.rerun', oldest);
      assert.ok(result?.ran, JSON.stringify(result));
      assert.equal(result.exitCode, 0);
      assert.ok(result.argv?.includes('regularization=0.1'), JSON.stringify(result.argv));
      const after = await eventually('the re-run in the view', exampleRuns, (r) => r[0]?.run.id === result.runId);
      assert.equal(after.length, 3);
      assert.deepEqual(after[0]?.run.params, oldest.run.params);
    });

    it('does not re-run a run in a project that now holds another pipeline: it says so and runs nothing', async () => {
      const runs = await exampleRuns();
      const oldest = runs[runs.length - 1];
      assert.ok(oldest);
      const config = join(project(), 'pipeline.yaml');
      const text = readFileSync(config, 'utf8');
      // As if another notebook had been promoted into this folder since (its package named in pipeline.yaml).
      writeFileSync(config, text.replace(/^package: .*$/m, 'package: credit_papermill'));
      try {
        const result = await vscode.commands.executeCommand<RerunResult>('nbpromote.views.runs.rerun', oldest);
        assert.equal(result?.ran, false, JSON.stringify(result));
        assert.match(result.reason ?? '', new RegExp(`^${oldest.run.id} was a run of ${pkg}, but .* now holds the package credit_papermill \\(promoted from wine-percent\\.py\\): the run cannot be repeated there\\.$`));
        assert.equal((await exampleRuns()).length, runs.length, 'a run was recorded');
      } finally {
        writeFileSync(config, text);
      }
    });
  });

  describe('run stores made after activation', () => {
    const late = (): string => join(workspaceRoot(), 'runs-late');

    after(async () => {
      await vscode.workspace.getConfiguration('nbpromote').update('output.root', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(late(), { recursive: true, force: true });
      rmSync(join(workspaceRoot(), '.nbpromote'), { recursive: true, force: true });
      await tree.refresh();
    });

    async function runIds(root: string): Promise<string[] | undefined> {
      const found = (await sources()).find((s) => s.source === 'local' && s.location === root);
      return found === undefined ? undefined : (await runsOf(found)).map((r) => r.run.id);
    }

    it('the first run of the workspace folder itself shows without a refresh (promotion made .nbpromote before)', async () => {
      const root = workspaceRoot();
      await tree.refresh();
      assert.equal(await runIds(root), undefined, 'the workspace folder has a run store already');
      mkdirSync(join(root, '.nbpromote', 'base'), { recursive: true });
      await new Promise((r) => setTimeout(r, 1000));
      const id = runIdAt(Date.UTC(2026, 10, 26, 8, 0, 0) / 1000, 'dddddd');
      writeLocalRun(root, id, localRunRecord(id));
      await eventually('the new store of the workspace folder to show', () => runIds(root), (ids) => ids?.includes(id) === true, 10_000);
    });

    it('Run Promoted Pipeline into an output root set after activation: its store shows when the run ends', async () => {
      const out = join(late(), 'build', 'fail');
      mkdirSync(join(late(), 'data'), { recursive: true });
      copyFileSync(join(repo, 'examples', 'wine-percent.py'), join(late(), 'wine-percent.py'));
      copyFileSync(join(repo, 'examples', 'data', 'wine.csv'), join(late(), 'data', 'wine.csv'));
      await vscode.workspace.getConfiguration('nbpromote').update('output.root', 'runs-late/build/fail', vscode.ConfigurationTarget.Workspace);
      const version = String(vscode.extensions.getExtension(extensionId)?.packageJSON['version']);
      const promoted = await promoteNotebook({ notebook: 'wine-percent.py', cwd: late(), out, toolVersion: version });
      assert.ok(promoted.ok, JSON.stringify(promoted));
      const result = await vscode.commands.executeCommand<{ ran: boolean; runId?: string }>('nbpromote.runPipeline', vscode.Uri.file(join(late(), 'wine-percent.py')));
      assert.ok(result.ran && result.runId !== undefined, JSON.stringify(result));
      const ids = await eventually('the new store to show', () => runIds(out), (found) => found !== undefined, 3_000);
      assert.deepEqual(ids, [result.runId]);
      assert.equal((await source((s) => s.location === out, 'runs-late/build/fail')).label, 'Local runs · runs-late/build/fail');
    });

    it('Refresh Runs from the view\'s title finds a new store though a run is focused (the title passes it)', async () => {
      const other = join(late(), 'elsewhere', 'out');
      const focused = (await runsOf(await source((s) => s.location === join(late(), 'build', 'fail'), 'runs-late/build/fail')))[0];
      assert.ok(focused);
      const id = runIdAt(Date.UTC(2026, 10, 26, 9, 0, 0) / 1000, 'eeeeee');
      writeLocalRun(other, id, localRunRecord(id));
      await vscode.commands.executeCommand('nbpromote.views.runs.refresh', focused, [focused]);
      assert.deepEqual(await runIds(other), [id]);
    });

    it('a run store deleted with its folder (rm -rf) leaves the view without a refresh', async () => {
      const other = join(late(), 'elsewhere');
      assert.ok(await runIds(join(other, 'out')), 'the store of the test before is not shown');
      rmSync(other, { recursive: true, force: true });
      await eventually('the deleted store to leave the view', () => runIds(join(other, 'out')), (ids) => ids === undefined, 10_000);
    });
  });

  describe('a malformed run.json', () => {
    const store = (): string => join(workspaceRoot(), 'runs-malformed');
    before(() => {
      const good = runIdAt(Date.UTC(2026, 10, 25, 22, 15, 30) / 1000, 'aaaaaa');
      writeLocalRun(store(), good, localRunRecord(good));
      writeLocalRun(store(), runIdAt(Date.UTC(2026, 10, 25, 22, 16, 30) / 1000, 'bbbbbb'), '{"id": "20261125T221630Z-bbbbbb", "status": "fini');
    });
    after(() => rmSync(store(), { recursive: true, force: true }));

    it('is one flagged item and the other run still shows', async () => {
      await tree.refresh();
      const runs = await runsOf(await source((s) => s.location === store(), 'runs-malformed'));
      assert.deepEqual(runs.map((r) => [r.run.id, r.run.status]), [['20261125T221630Z-bbbbbb', 'unknown'], ['20261125T221530Z-aaaaaa', 'finished']]);
      const flagged = item(runs[0] as RunElement);
      assert.equal(flagged.contextValue, 'runFlagged');
      assert.equal((flagged.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(flagged.description), /not complete JSON/);
      assert.equal(item(runs[1] as RunElement).description, 'accuracy 0.91');
    });
  });

  describe('an MLflow tracking server', () => {
    let server: Server;
    let base = '';
    let mode: 'ok' | '500' | 'slow' | '401' = 'ok';
    let requests = 0;
    let authorization: string | undefined;

    function json(res: ServerResponse, status: number, body: unknown): void {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }

    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests++;
          authorization = req.headers.authorization;
          if (mode === '500') return json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'the database is locked' });
          if (mode === 'slow') return void setTimeout(() => json(res, 200, {}), 6000);
          if (mode === '401' && authorization !== 'Bearer secret-token') return json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'credentials needed' });
          if (req.url === '/api/2.0/mlflow/experiments/search') return json(res, 200, { experiments: [{ experiment_id: '1', name: 'wine-experiment' }] });
          if (req.url === '/api/2.0/mlflow/runs/search') {
            return json(res, 200, {
              runs: [
                { info: { run_id: 'a'.repeat(32), run_name: 'calm-owl', experiment_id: '1', status: 'FINISHED', start_time: 1_764_108_990_000, end_time: 1_764_108_995_000 }, data: { metrics: [{ key: 'accuracy', value: 0.97, timestamp: 3, step: 2 }], params: [{ key: 'C', value: '0.5' }], tags: [{ key: 'mlflow.source.git.commit', value: 'b'.repeat(40) }] } },
                { info: { run_id: 'c'.repeat(32), run_name: 'brave-fox', experiment_id: '1', status: 'FAILED', start_time: 1_764_108_930_000, end_time: 1_764_108_931_000 }, data: { metrics: [{ key: 'accuracy', value: 0.9, timestamp: 3, step: 2 }], params: [{ key: 'C', value: '2' }] } },
              ],
            });
          }
          if (req.url?.startsWith('/api/2.0/mlflow/metrics/get-history?') === true) {
            const query = new URLSearchParams(req.url.split('?')[1]);
            const last = query.get('run_id') === 'a'.repeat(32) ? 0.97 : 0.9;
            return json(res, 200, { metrics: [0, 1, 2].map((step) => ({ key: query.get('metric_key'), value: last - (2 - step) * 0.1, timestamp: step + 1, step })) });
          }
          return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: req.url ?? '' });
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      mode = 'ok';
      await vscode.workspace.getConfiguration('nbpromote').update('mlflow.trackingUri', base, vscode.ConfigurationTarget.Workspace);
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await vscode.commands.executeCommand('nbpromote.setMlflowToken', { token: '' });
      await vscode.workspace.getConfiguration('nbpromote').update('mlflow.trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await tree.refresh();
    });

    const mlflow = (): Promise<SourceElement> => source((s) => s.source === 'mlflow' && s.location === base, 'the MLflow server');

    it('shows the server\'s runs under their experiment', async () => {
      await tree.refresh();
      const runs = await runsOf(await mlflow());
      assert.deepEqual(
        runs.map((r) => [r.run.name, r.run.experiment, r.run.status, r.run.metrics['accuracy'], r.stale]),
        [
          ['calm-owl', 'wine-experiment', 'finished', 0.97, false],
          ['brave-fox', 'wine-experiment', 'failed', 0.9, false],
        ],
      );
      assert.equal(item(runs[0] as RunElement).contextValue, 'runMlflowCommit');
      assert.equal(item(runs[1] as RunElement).contextValue, 'runMlflow');
      assert.equal((item(runs[1] as RunElement).iconPath as vscode.ThemeIcon).id, 'error');
    });

    it('compares two MLflow runs with the history of their metric over steps', async () => {
      const runs = await runsOf(await mlflow());
      const handle = await vscode.commands.executeCommand<ComparePanelHandle>('nbpromote.views.runs.compare', undefined, runs);
      assert.deepEqual(handle.data.histories.map((h) => [h.metric, h.series.map((s) => s.points.length)]), [['accuracy', [3, 3]]]);
      const drawn = await eventually('the compare webview to draw', async () => vscode.commands.executeCommand<ComparePanelHandle>('nbpromote.views.runs.compare', undefined, runs), (h) => h.rendered !== undefined);
      assert.deepEqual(drawn.rendered, { params: 1, charts: 1, histories: 1 });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    for (const fault of ['500', 'slow'] as const) {
      it(`HTTP ${fault === '500' ? '500' : 'slow answer'}: an error item with Retry within 2 s, the last runs kept and marked stale`, async () => {
        mode = 'ok';
        await tree.refresh();
        const element = await mlflow();
        mode = fault;
        // The poll's read, as the Retry action asks for it: the client gives up after 2 s, which the slow server's
        // error says (no clock here: a loaded machine made 2 s of work take 4; the CI of 2026-11-28 failed on it).
        await vscode.commands.executeCommand('nbpromote.views.runs.refresh', element, 'retry');
        const children = await sourceChildren(element);
        const error = children.find((c): c is MessageElement => c.kind === 'message' && c.severity === 'error');
        assert.ok(error, `no error item among ${JSON.stringify(children)}`);
        assert.match(error.message, fault === '500' ? /HTTP 500.*the database is locked/ : /did not answer within 2 s/);
        const errorItem = item(error);
        assert.equal(errorItem.command?.command, 'nbpromote.views.runs.refresh');
        assert.equal(errorItem.command?.title, 'Retry');
        assert.deepEqual(errorItem.command?.arguments, [element, 'retry']);
        assert.equal(errorItem.description, 'Retry');
        const runs = await runsOf(element);
        assert.equal(runs.length, 2);
        assert.ok(runs[0]?.stale);
        assert.match(String(item(runs[0] as RunElement).description), /stale$/);
        assert.match(String(item(element).description), /stale/);
        mode = 'ok';
        await vscode.commands.executeCommand('nbpromote.views.runs.refresh', element, 'retry');
        const fresh = await sourceChildren(element);
        assert.ok(!fresh.some((c) => c.kind === 'message'), 'Retry read the server again');
      });
    }

    it('HTTP 401 asks for a token once and never again; the token from SecretStorage then opens the server', async () => {
      mode = '401';
      const prompts = tree.tokenPrompts;
      await tree.refresh();
      const element = await mlflow();
      const children = await sourceChildren(element);
      const error = children.find((c): c is MessageElement => c.kind === 'message' && c.severity === 'error');
      assert.ok(error);
      assert.equal(item(error).command?.command, 'nbpromote.setMlflowToken');
      assert.equal(tree.tokenPrompts, prompts + 1);
      await new Promise((r) => setTimeout(r, 300));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      const seen = requests;
      await tree.refresh();
      await tree.refresh();
      assert.equal(tree.tokenPrompts, prompts + 1, 'asked again');
      assert.equal(requests, seen, 'the refused client sent more requests');
      const result = await vscode.commands.executeCommand<{ outcome: string }>('nbpromote.setMlflowToken', { token: 'secret-token' });
      assert.equal(result.outcome, 'stored');
      assert.equal(authorization, 'Bearer secret-token');
      const runs = await runsOf(element);
      assert.deepEqual(runs.map((r) => [r.run.name, r.stale]), [['calm-owl', false], ['brave-fox', false]]);
    });
  });
});
