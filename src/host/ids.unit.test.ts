import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandId, ConfigKey, editorSelector, ViewId, viewContainerId } from './ids';

interface Manifest {
  readonly contributes: {
    readonly commands: readonly { command: string; title: string }[];
    readonly configuration: { properties: Record<string, unknown> };
    readonly views: Record<string, readonly { id: string }[]>;
    readonly viewsContainers: { activitybar: readonly { id: string }[] };
    readonly menus: Record<string, readonly { command?: string }[]>;
    readonly viewsWelcome: readonly { view: string; contents: string; when?: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('package.json contributes matches the id enums', () => {
  it('commands equal CommandId', () => {
    assert.deepEqual(sorted(manifest.contributes.commands.map((c) => c.command)), sorted(Object.values(CommandId)));
  });
  it('settings equal ConfigKey', () => {
    assert.deepEqual(sorted(Object.keys(manifest.contributes.configuration.properties)), sorted(Object.values(ConfigKey)));
  });
  it('views equal ViewId, in our container', () => {
    assert.deepEqual(sorted(Object.values(manifest.contributes.views).flat().map((v) => v.id)), sorted(Object.values(ViewId)));
    assert.deepEqual(Object.keys(manifest.contributes.views), [viewContainerId]);
    assert.deepEqual(manifest.contributes.viewsContainers.activitybar.map((c) => c.id), [viewContainerId]);
  });
  it('welcome texts have no code spans (a view\'s welcome content shows backticks as they are) and link only to known commands', () => {
    for (const { view, contents } of manifest.contributes.viewsWelcome) {
      assert.doesNotMatch(contents, /`/, `the welcome of ${view} has backticks`);
      for (const [, command] of contents.matchAll(/\]\(command:([\w.]+)/g)) assert.ok(command !== undefined && (Object.values(CommandId) as string[]).concat(['vscode.openFolder', 'workbench.action.openSettings']).includes(command), `${view} links to ${command}`);
    }
  });
  it('command titles say what they act on: none is a bare verb, no two in the palette are alike (it lists them side by side)', () => {
    // The Pipelines view's row actions are hidden from the palette and carry the titles of the commands they run.
    const hidden = new Set((manifest.contributes.menus['commandPalette'] as readonly { command?: string; when?: string }[]).filter((m) => m.when === 'false').map((m) => m.command));
    const titles = manifest.contributes.commands.filter((c) => !hidden.has(c.command) || !c.command.startsWith('nbpromote.views.pipelines.')).map((c) => c.title);
    for (const title of titles) assert.match(title, /\S\s+\S/, `"${title}" does not say what it acts on`);
    assert.equal(new Set(titles).size, titles.length, JSON.stringify(titles));
    assert.equal(manifest.contributes.commands.find((c) => c.command === CommandId.RefreshPipelines)?.title, 'Refresh Pipelines');
  });
  it('welcome texts link to commands that need trust (running Python) only in a trusted workspace', () => {
    const needTrust = [CommandId.RunPipeline, CommandId.RerunRun];
    for (const { view, contents, when } of manifest.contributes.viewsWelcome) {
      if (!needTrust.some((command) => contents.includes(`command:${command}`))) continue;
      assert.match(when ?? '', /(^|&&\s*)isWorkspaceTrusted\b/, `the welcome of ${view} offers a command Restricted Mode refuses: ${contents}`);
    }
    assert.ok(manifest.contributes.viewsWelcome.some((w) => w.view === ViewId.Runs && w.when === '!isWorkspaceTrusted'), 'the Runs view has no welcome in Restricted Mode');
  });
  it('the Pipelines view\'s row actions are commands of their own, never the palette commands (which fall back to the active editor)', () => {
    const rows = (manifest.contributes.menus['view/item/context'] as readonly { command?: string; when?: string }[]).filter((m) => m.when?.includes(`view == ${ViewId.Pipelines}`));
    assert.ok(rows.length >= 5);
    for (const row of rows) assert.match(row.command ?? '', /^nbpromote\.views\.pipelines\./, JSON.stringify(row));
  });
  it('menus only name contributed commands', () => {
    const known = new Set<string>(Object.values(CommandId));
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) if (item.command !== undefined) assert.ok(known.has(item.command), `${menu} names unknown command ${item.command}`);
    }
  });
});

describe('editorSelector', () => {
  it('names a scheme in every filter (VS Code warns "uses a document selector without scheme" otherwise)', () => {
    for (const filter of editorSelector as readonly { scheme?: string }[]) assert.ok(typeof filter.scheme === 'string' && filter.scheme !== '', JSON.stringify(filter));
    // With notebookType, the scheme is the notebook's (a cell's own scheme, vscode-notebook-cell, never matches).
    assert.deepEqual(
      editorSelector.map((f) => [f.scheme, 'notebookType' in f ? f.notebookType : f.language]),
      [
        ['file', 'jupyter-notebook'],
        ['untitled', 'jupyter-notebook'],
        ['file', 'python'],
      ],
    );
  });
});
