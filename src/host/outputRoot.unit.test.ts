// nbpromote.output.root resolved for one notebook: plain paths as before, ${notebookName} and ${notebookDir}
// giving each notebook its own output root, unknown placeholders and placeholders leading out refused.
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { hasPlaceholders, notebookName, resolveOutputRoot } from './outputRoot';

const ws = resolve('/ws');

describe('resolveOutputRoot', () => {
  it('empty: the workspace folder; a plain path: relative to it, as before (.. allowed there)', () => {
    assert.deepEqual(resolveOutputRoot('', ws, join(ws, 'a.ipynb')), { ok: true, outDir: ws });
    assert.deepEqual(resolveOutputRoot('  build/fail ', ws, join(ws, 'a.ipynb')), { ok: true, outDir: join(ws, 'build', 'fail') });
    assert.deepEqual(resolveOutputRoot('../shared', ws, join(ws, 'a.ipynb')), { ok: true, outDir: resolve('/shared') });
  });

  it('in Restricted Mode (insideOnly) any value must stay inside the workspace folder; inside it, it applies', () => {
    const inside = { insideOnly: true };
    assert.deepEqual(resolveOutputRoot('build/${notebookName}', ws, join(ws, 'nb', 'churn model.ipynb'), inside), { ok: true, outDir: join(ws, 'build', 'churn model') });
    assert.deepEqual(resolveOutputRoot('build/out', ws, join(ws, 'a.ipynb'), inside), { ok: true, outDir: join(ws, 'build', 'out') });
    for (const setting of ['../shared', resolve('/etc/out')]) {
      const root = resolveOutputRoot(setting, ws, join(ws, 'a.ipynb'), inside);
      assert.equal(root.ok, false, setting);
      assert.match(root.ok ? '' : root.reason, /leads outside .*: in Restricted Mode the output folder must be inside the workspace folder\. Trust the workspace to promote there, or set a folder inside it$/);
      // Only Restricted Mode refuses it: the editor offers Manage Workspace Trust beside the setting.
      assert.equal(root.ok ? undefined : root.restrictedMode, true, setting);
    }
    // Placeholders leading outside are refused trusted or not: the setting is the problem.
    const placeholders = resolveOutputRoot('../${notebookName}', ws, join(ws, 'a.ipynb'), inside);
    assert.equal(placeholders.ok ? 'resolved' : placeholders.restrictedMode, undefined);
  });

  it('${notebookName} gives two notebooks of one folder two output roots', () => {
    const a = resolveOutputRoot('build/${notebookName}', ws, join(ws, 'credit-papermill.ipynb'));
    const b = resolveOutputRoot('build/${notebookName}', ws, join(ws, 'fail.ipynb'));
    assert.deepEqual(a, { ok: true, outDir: join(ws, 'build', 'credit-papermill') });
    assert.deepEqual(b, { ok: true, outDir: join(ws, 'build', 'fail') });
    assert.deepEqual(resolveOutputRoot('out/${notebookName}', ws, join(ws, 'wine-percent.py')), { ok: true, outDir: join(ws, 'out', 'wine-percent') });
  });

  it('${notebookDir} is the notebook\'s folder relative to the workspace folder (. at its top)', () => {
    assert.deepEqual(resolveOutputRoot('build/${notebookDir}/${notebookName}', ws, join(ws, 'notebooks', 'churn', 'model.ipynb')), { ok: true, outDir: join(ws, 'build', 'notebooks', 'churn', 'model') });
    assert.deepEqual(resolveOutputRoot('${notebookDir}/build', ws, join(ws, 'model.ipynb')), { ok: true, outDir: join(ws, 'build') });
  });

  it('refuses an unknown placeholder, naming the ones it knows', () => {
    const r = resolveOutputRoot('build/${notebook}', ws, join(ws, 'a.ipynb'));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /nbpromote\.output\.root is "build\/\$\{notebook\}", and \$\{notebook\} is not a placeholder it knows: use \$\{notebookName\} and \$\{notebookDir\}/);
  });

  it('refuses placeholders leading outside the workspace folder', () => {
    for (const setting of ['../${notebookName}', '${notebookDir}/../../x', '/elsewhere/${notebookName}']) {
      const r = resolveOutputRoot(setting, ws, join(ws, 'a.ipynb'));
      assert.equal(r.ok, false, setting);
      assert.match(r.ok ? '' : r.reason, /leads outside .*inside the workspace folder, such as build\/\$\{notebookName\}/);
    }
    // A notebook whose name without its extension is `..` does not lead out of build/ either.
    const dots = resolveOutputRoot('build/${notebookName}', ws, join(ws, '...ipynb'));
    assert.equal(dots.ok, false);
    assert.match(dots.ok ? '' : dots.reason, /would make \$\{notebookName\} "\.\.", a parent folder/);
  });

  it('notebookName and hasPlaceholders', () => {
    assert.equal(notebookName('/x/churn-model.ipynb'), 'churn-model');
    assert.equal(notebookName('/x/a.b.py'), 'a.b');
    assert.equal(hasPlaceholders('build/${notebookName}'), true);
    assert.equal(hasPlaceholders('build/x'), false);
  });
});
