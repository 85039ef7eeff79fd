/**
 * The `nbpromote.output.root` setting, resolved for one notebook. No `vscode` here: promotionTarget.ts and the
 * Runs view's discovery pass the setting and the paths in, and a unit test covers it without VS Code.
 *
 * Placeholders give each notebook of a workspace folder its own output root (one output root holds one
 * notebook's package):
 * - `${notebookName}`: the notebook's file name without its extension (`churn-model.ipynb` -> `churn-model`);
 * - `${notebookDir}`: the notebook's folder relative to the workspace folder, forward slashes (`.` at its top).
 */
import * as nodePath from 'node:path';

export const OUTPUT_ROOT_PLACEHOLDERS = ['notebookName', 'notebookDir'] as const;

/** The example the editor's messages suggest: a folder per notebook. */
export const OUTPUT_ROOT_PER_NOTEBOOK = 'build/${notebookName}';

/**
 * The resolved output root, or why the setting cannot be used: `restrictedMode` when the value would do in a
 * trusted workspace (a folder outside the workspace folder, without placeholders).
 */
export type OutputRoot = { readonly ok: true; readonly outDir: string } | { readonly ok: false; readonly reason: string; readonly restrictedMode?: true };

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** True when the setting names a placeholder (so it gives every notebook its own root). */
export function hasPlaceholders(setting: string): boolean {
  return /\$\{[^}]*\}/.test(setting);
}

/**
 * The output root (absolute) of the notebook at `notebookPath` (absolute) for the setting `setting`, relative to
 * `base` (the workspace folder, or the notebook's folder outside one). Empty: `base`. A setting with
 * placeholders (any setting, with `insideOnly`: Restricted Mode) must resolve to a folder inside `base` (no `..` leading out of it, not an absolute path
 * elsewhere); an unknown placeholder is refused. Either refusal names the setting and says what to write.
 */
export function resolveOutputRoot(setting: string, base: string, notebookPath: string, options: { readonly insideOnly?: boolean } = {}): OutputRoot {
  const trimmed = setting.trim();
  if (trimmed === '') return { ok: true, outDir: nodePath.resolve(base) };
  if (!hasPlaceholders(trimmed)) {
    const outDir = nodePath.resolve(base, trimmed);
    // In Restricted Mode the workspace's setting applies only inside the workspace folder: a workspace from
    // elsewhere may not have promotion write into any other folder of the machine.
    if (options.insideOnly === true && leavesBase(base, outDir)) {
      return {
        ok: false,
        reason: `the setting nbpromote.output.root is ${JSON.stringify(trimmed)}, which leads outside ${nodePath.resolve(base)} (to ${outDir}): in Restricted Mode the output folder must be inside the workspace folder. Trust the workspace to promote there, or set a folder inside it`,
        restrictedMode: true,
      };
    }
    return { ok: true, outDir };
  }
  const values: Record<(typeof OUTPUT_ROOT_PLACEHOLDERS)[number], string> = {
    notebookName: notebookName(notebookPath),
    notebookDir: nodePath.relative(nodePath.resolve(base), nodePath.dirname(nodePath.resolve(notebookPath))).split(nodePath.sep).join('/') || '.',
  };
  const unknown: string[] = [];
  const replaced = trimmed.replace(PLACEHOLDER, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(values, name)) return values[name as keyof typeof values];
    unknown.push(whole);
    return whole;
  });
  const setting_ = `the setting nbpromote.output.root is ${JSON.stringify(trimmed)}`;
  if (unknown.length > 0) {
    const known = OUTPUT_ROOT_PLACEHOLDERS.map((p) => `\${${p}}`).join(' and ');
    return { ok: false, reason: `${setting_}, and ${unknown.join(', ')} is not a placeholder it knows: use ${known}` };
  }
  const name = values.notebookName;
  if (trimmed.includes('${notebookName}') && /^\.+$/.test(name)) {
    return { ok: false, reason: `${setting_}, and ${nodePath.basename(notebookPath)} would make \${notebookName} ${JSON.stringify(name)}, a parent folder: rename the notebook, or set a folder without \${notebookName}` };
  }
  const outDir = nodePath.resolve(base, replaced);
  if (leavesBase(base, outDir)) {
    return { ok: false, reason: `${setting_}, which for ${nodePath.basename(notebookPath)} leads outside ${nodePath.resolve(base)} (to ${outDir}): a setting with placeholders must name a folder inside the workspace folder, such as ${OUTPUT_ROOT_PER_NOTEBOOK}` };
  }
  return { ok: true, outDir };
}

/** True when `outDir` is not `base` or a folder inside it. */
function leavesBase(base: string, outDir: string): boolean {
  const relative = nodePath.relative(nodePath.resolve(base), outDir);
  return relative === '..' || relative.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(relative);
}

/** The notebook's file name without its extension: `churn-model.ipynb` -> `churn-model`, `wine.py` -> `wine`. */
export function notebookName(notebookPath: string): string {
  const name = nodePath.basename(notebookPath);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
