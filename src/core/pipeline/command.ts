import { NbpromoteError } from '../errors';

/**
 * How a promoted package's pipeline is started: `python -m <package>.pipeline`, except for where the package
 * is imported from. `-m` puts the current folder first on the import path: a module there named like the
 * package (a helper `churn.py` beside `churn.ipynb`, promoted in its own folder) would be imported instead of
 * `src/<package>`. So the first entry of the path becomes `srcDir`, passed as an argument rather than on
 * PYTHONPATH: that variable is split at `:` (`;` on Windows), which an output folder's name may hold
 * (`--out "out nb: v3"`). The user's own PYTHONPATH entries come after it, as they did. Under `-P` or
 * PYTHONSAFEPATH Python puts no folder first, and none is taken out. The package name is a Python identifier
 * (checked where it is chosen), so it can be written into the code as it is.
 */
export function pipelineArgs(packageName: string, srcDir: string, args: readonly string[] = []): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(packageName)) throw new NbpromoteError('invalidInput', `${JSON.stringify(packageName)} is not a Python package name`);
  const module = `${packageName}.pipeline`;
  const code = [
    'import runpy, sys',
    'src = sys.argv.pop(1)',
    'sys.path[0:0 if getattr(sys.flags, "safe_path", False) else 1] = [src]',
    `runpy.run_module(${JSON.stringify(module)}, run_name="__main__", alter_sys=True)`,
  ].join('; ');
  return ['-c', code, srcDir, ...args];
}

/**
 * The command `pipelineArgs` stands for, as a person would type it in the output root (for logs):
 * `<python> -m <package>.pipeline <args>`, without the start code and the src folder it passes first.
 */
export function shownPipelineArgs(python: string, packageName: string, argv: readonly string[]): string[] {
  return [python, '-m', `${packageName}.pipeline`, ...argv.slice(3)];
}
