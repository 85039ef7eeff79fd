import * as vscode from 'vscode';
import { ConfigKey } from './ids';

export interface PythonChoice {
  /** The interpreter: a path, or a command name looked up on PATH. */
  readonly path: string;
  /** Where it came from, for the log and messages. */
  readonly source: 'setting' | 'Python extension' | 'environment' | 'default';
}

const pythonExtensionId = 'ms-python.python';

/**
 * The Python that runs generated code for `resource`: the `nbpromote.python.path` setting; else the
 * interpreter selected in the Python extension, when it is installed; else `NBPROMOTE_PYTHON` from the environment
 * VS Code started in (what the CLI takes: round 43 V, the editor and the CLI ran different Pythons); else `python3`. The Python extension
 * is optional: when it is missing, fails to activate or has no interpreter selected, the default is used.
 * In Restricted Mode VS Code ignores the workspace's value of the setting (a restricted configuration); the
 * callers do not run Python there anyway.
 */
export async function resolvePython(resource?: vscode.Uri): Promise<PythonChoice> {
  const configured = vscode.workspace.getConfiguration(undefined, resource).get<string>(ConfigKey.PythonPath)?.trim();
  if (configured !== undefined && configured !== '') return { path: configured, source: 'setting' };
  const selected = await pythonExtensionInterpreter(resource);
  if (selected !== undefined) return { path: selected, source: 'Python extension' };
  const environment = process.env['NBPROMOTE_PYTHON']?.trim();
  if (environment !== undefined && environment !== '') return { path: environment, source: 'environment' };
  return { path: 'python3', source: 'default' };
}

/** The part of the Python extension's API used here (`environments.getActiveEnvironmentPath`). */
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { readonly path?: unknown } | undefined;
  };
}

async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(pythonExtensionId);
  if (extension === undefined) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const path = api?.environments?.getActiveEnvironmentPath?.(resource)?.path;
    // The API says "python" when nothing is selected: that is no better than our default.
    return typeof path === 'string' && path !== '' && path !== 'python' ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The interpreter and where it came from, for messages: "/usr/bin/python3 from the setting nbpromote.python.path",
 * "/work/.venv/bin/python selected in the Python extension", "python3 from PATH".
 */
export function pythonWords(python: PythonChoice): string {
  switch (python.source) {
    case 'setting':
      return `${python.path} from the setting ${ConfigKey.PythonPath}`;
    case 'Python extension':
      return `${python.path} selected in the Python extension`;
    case 'environment':
      return `${python.path} from the environment variable NBPROMOTE_PYTHON`;
    case 'default':
      return `${python.path} from PATH`;
  }
}
