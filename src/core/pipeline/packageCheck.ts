/**
 * Whether the package pipeline.yaml names is the one promoted in its output root, checked before Python
 * starts. `package:` is a line a person can change: left unchecked, `package: sklearn` runs
 * `python -m sklearn.pipeline` (which prints nothing and records no run), and a typo ends in a raw Python
 * traceback that never names pipeline.yaml.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineConfig } from '../contract/pipelineConfig';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import type { Problem } from '../contract/problem';
import { readYamlDocument } from './yamlPositions';

/** The files of a promoted package the runner cannot start without, relative to `src/<package>/`. */
const RUNNER_FILES = ['pipeline.py', '_runtime.py'] as const;

/**
 * A `pipeline-package` problem at the line of `package:` in `configFile` (whose text is `text`) when the
 * output root `root` does not hold that package's runner files, or its nbpromote.lock names another package;
 * undefined when it is the package promoted there. Other problems of the lock are left to `promote` and
 * `check`, which report them: only its package is compared here.
 */
export async function pipelinePackageProblem(root: string, configFile: string, text: string, config: PipelineConfig): Promise<Problem | undefined> {
  const name = config.package;
  const loaded = readYamlDocument(text, configFile);
  const where = loaded.ok ? loaded.at(['package']) : {};
  const lockPackage = await lockedPackage(root);
  const promoted = lockPackage === undefined ? '' : ` (${LOCK_FILE_NAME} says the package promoted here is \`${lockPackage}\`)`;
  const fix = lockPackage === undefined || lockPackage === name ? 'promote the notebook again' : `put back \`package: ${lockPackage}\`, or promote the notebook again`;
  for (const file of RUNNER_FILES) {
    const path = join(root, 'src', name, file);
    if (!(await isFile(path))) {
      const message = `\`package: ${name}\` names no package promoted here: ${path} does not exist${promoted}; ${fix}`;
      return { severity: 'error', code: 'pipeline-package', message, file: configFile, ...where };
    }
  }
  if (lockPackage !== undefined && lockPackage !== name) {
    const message = `\`package: ${name}\` is not the package promoted here${promoted}; ${fix}`;
    return { severity: 'error', code: 'pipeline-package', message, file: configFile, ...where };
  }
  return undefined;
}

/** The package nbpromote.lock under `root` names; undefined without a lock that YAML can read. */
async function lockedPackage(root: string): Promise<string | undefined> {
  const file = join(root, LOCK_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  // Only its `package` is read: a lock the schema refuses (a newer lock_version) still names its package.
  const loaded = readYamlDocument(text, file);
  if (!loaded.ok || typeof loaded.value !== 'object' || loaded.value === null) return undefined;
  const name: unknown = (loaded.value as Record<string, unknown>)['package'];
  return typeof name === 'string' ? name : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
