import { NbpromoteError } from '../errors';

/**
 * How a promoted package's pipeline is started: `python -m <package>.pipeline`, except that the current
 * folder is not put first on the import path as `-m` puts it. A module there named like the package (a
 * helper `churn.py` beside `churn.ipynb`, promoted in its own folder) would be imported instead of
 * `src/<package>`. The package name is a Python identifier (checked where it is chosen), so it can be
 * written into the code as it is.
 */
export function pipelineArgs(packageName: string, args: readonly string[] = []): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(packageName)) throw new NbpromoteError('invalidInput', `${JSON.stringify(packageName)} is not a Python package name`);
  const module = `${packageName}.pipeline`;
  return ['-c', `import runpy, sys; sys.path.pop(0); runpy.run_module(${JSON.stringify(module)}, run_name="__main__", alter_sys=True)`, ...args];
}
