/**
 * Files a person edited that promotion keeps as they are (a step module, a test, pipeline.yaml, their own
 * pyproject.toml): promotion and `check` read them as Python, pytest and pip will, because up-to-date generated
 * code beside a kept file that cannot be read is a package that does not run.
 */
import { join } from 'node:path';
import type { Problem } from '../contract/problem';
import { parsePython } from '../analysis/python/parser';
import { readPipelineConfig } from '../pipeline/config';
import { keptConfigProblems } from '../pipeline/keptConfig';
import { pipelinePackageProblem } from '../pipeline/packageCheck';
import { readYamlDocument } from '../pipeline/yamlPositions';
import { tomlSyntaxError } from '../scaffold/dependencies';
import { countOf } from '../util/words';

export const PIPELINE_CONFIG = 'pipeline.yaml';

/** A kept file: its path under the output root (forward slashes) and its text on disk. */
export interface KeptFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The errors that stop a promotion (nothing written) and fail `check`: each kept file that is no valid Python,
 * YAML under the pipeline schema, or TOML, named with its line; and a kept pipeline.yaml that `run` refuses
 * (a `module`, `function`, `inputs`, `outputs`, `workdir` or `package` that is not what the package runs),
 * compared with `generatedConfig`, the pipeline.yaml promotion writes now. Needs the Python parser loaded.
 */
export async function keptFileProblems(outDir: string, kept: readonly KeptFile[], notebook: string, generatedConfig?: string, dryRun = false): Promise<Problem[]> {
  const problems: Problem[] = [];
  // A dry run (`check`) writes nothing anyway: it does not say so (round 63 LLL).
  const nothing = dryRun ? '. ' : '; nothing was written. ';
  for (const { path, text } of kept) {
    const absolute = join(outDir, ...path.split('/'));
    const unfixed = `${dryRun ? 'fix' : 'nothing was written. Fix'} it in ${absolute}, or delete the file to have promotion write it again`;
    if (path === PIPELINE_CONFIG) {
      const read = readPipelineConfig(text, absolute);
      const unreadable = read.problems.filter((p) => p.severity === 'error');
      if (unreadable.length > 0) {
        const message = `${PIPELINE_CONFIG} was edited by hand and is kept, but it cannot be read (${countOf(unreadable.length, 'error')} above), so the pipeline would not run${nothing}Fix ${unreadable.length === 1 ? 'it' : 'them'} in ${absolute}, or delete the file to have promotion write it again`;
        problems.push(...unreadable, { severity: 'error', code: 'pipeline-edited-invalid', message, file: notebook });
        continue;
      }
      const generated = generatedConfig === undefined ? undefined : readPipelineConfig(generatedConfig, absolute).config;
      const loaded = readYamlDocument(text, absolute);
      if (read.config === undefined || generated === undefined || !loaded.ok) continue;
      const keptText = (p: string): string | undefined => kept.find((k) => k.path === p)?.text;
      const refused = keptConfigProblems(read.config, loaded.at, absolute, { root: outDir, generated, keptText });
      const wrongPackage = read.config.package === generated.package ? undefined : await pipelinePackageProblem(outDir, absolute, text, read.config);
      if (wrongPackage !== undefined) refused.unshift(wrongPackage);
      if (refused.length === 0) continue;
      const message = `${PIPELINE_CONFIG} was edited by hand and is kept, but \`nbpromote run\` refuses it (${countOf(refused.length, 'error')} above): ${refused.length === 1 ? 'it does' : 'they do'} not match the package promotion generated${nothing}Put back what promotion wrote in ${absolute}, or delete the file to have promotion write it again`;
      problems.push(...refused, { severity: 'error', code: 'pipeline-edited-invalid', message, file: notebook });
    } else if (path.endsWith('.py')) {
      const error = parsePython(text).errors[0];
      if (error === undefined) continue;
      const message = `${path} was edited by hand and is kept, but it is no valid Python (line ${error.line}, column ${error.column}: ${error.message}), so the package would not import; ${unfixed}`;
      problems.push({ severity: 'error', code: 'edited-file-invalid', message, file: notebook });
    } else if (path.endsWith('.toml')) {
      const error = tomlSyntaxError(text);
      if (error === undefined) continue;
      const message = `${path} is yours (edited by hand, so promotion keeps it), but it is no valid TOML (line ${error.line}, column ${error.column}: ${error.message}), so pip and pytest cannot read it; ${unfixed}`;
      problems.push({ severity: 'error', code: 'edited-file-invalid', message, file: notebook });
    }
  }
  return problems;
}
