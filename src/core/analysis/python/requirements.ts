/**
 * Package requirements from the install commands notebooks run: `!pip install -q pandas scikit-learn==1.2`,
 * `%pip install ...`, `!python -m pip install ...`, `!{sys.executable} -m pip install ...`, `!uv pip install`,
 * `%conda install -c conda-forge lightgbm=4.1`. Options are skipped; what cannot become a requirement
 * (a requirements file, a local path, an IPython `$variable`) is reported with the reason.
 */

export interface InstallCommand {
  readonly tool: 'pip' | 'conda';
  /** Requirement specifiers in pip's form, in order: `pandas`, `scikit-learn==1.2`, `lightgbm==4.1.*` (conda `=4.1`). */
  readonly requirements: readonly string[];
  /** Arguments that name packages in a way we cannot collect, with the reason as the end of a sentence. */
  readonly skipped: readonly { readonly argument: string; readonly reason: string }[];
}

/** pip options that take a value (the next argument), from `pip install --help`. */
const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '-i', '--index-url',
  '--extra-index-url', '-f', '--find-links', '--prefix', '--root', '--src', '--upgrade-strategy', '--python-version',
  '--platform', '--implementation', '--abi', '--progress-bar', '--trusted-host', '--log', '--cache-dir', '--proxy',
  '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '-C', '--config-settings', '--global-option',
  '--install-option', '--report', '--only-binary', '--no-binary', '--python', '--root-user-action',
  '--keyring-provider', '--group', '-p', '--index', '--default-index',
]);

/** conda/mamba options that take a value. */
const CONDA_VALUE_OPTIONS = new Set(['-c', '--channel', '-n', '--name', '-p', '--prefix', '--file', '--repodata-fn', '--solver']);

const SHELL_OPERATORS = new Set(['&&', '||', ';', '|', '&']);

interface Token {
  readonly text: string;
  /** A shell operator or redirection rather than a word. */
  readonly operator: boolean;
}

/**
 * The install commands in one shell command line (without the `!`). A `%pip ...` magic is passed as
 * `pip ...`. Commands that install nothing (`pip show`, `ls`) give nothing.
 */
export function parseInstallCommands(commandLine: string): InstallCommand[] {
  const commands: Token[][] = [[]];
  for (const token of tokenize(commandLine)) {
    if (token.operator && SHELL_OPERATORS.has(token.text)) commands.push([]);
    else commands[commands.length - 1]?.push(token);
  }
  const installs: InstallCommand[] = [];
  for (const command of commands) {
    const words = dropRedirections(command);
    const install = installArguments(words);
    if (install !== undefined) installs.push(collect(install.tool, install.args));
  }
  return installs;
}

function dropRedirections(tokens: readonly Token[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    if (token.operator) {
      // `> file`, `2> file`, `< file`: the target goes too; `2>&1` is complete on its own.
      if (!/&\d$/.test(token.text)) i++;
      continue;
    }
    words.push(token.text);
  }
  return words;
}

/** Finds `<pip> install <args>` or `<conda> install <args>` in a command's words. */
function installArguments(words: readonly string[]): { tool: 'pip' | 'conda'; args: string[] } | undefined {
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? '') || words[i] === 'sudo' || words[i] === 'env')) i++;
  const first = words[i] ?? '';
  const base = first.replace(/^.*[\\/]/, '');
  let tool: 'pip' | 'conda' | undefined;
  if (/^pip(?:3(?:\.\d+)?)?$/.test(base)) {
    tool = 'pip';
    i++;
  } else if (/^(?:conda|mamba|micromamba)$/.test(base)) {
    tool = 'conda';
    i++;
  } else if (base === 'uv' && words[i + 1] === 'pip') {
    tool = 'pip';
    i += 2;
  } else if ((/^python(?:\d(?:\.\d+)?)?$/.test(base) || /^\{?sys\.executable\}?$/.test(first) || first === '$sys.executable') && words[i + 1] === '-m' && words[i + 2] === 'pip') {
    tool = 'pip';
    i += 3;
  }
  if (tool === undefined) return undefined;
  // Global options may come before the subcommand (`pip -q install x`).
  while (i < words.length && (words[i] ?? '').startsWith('-')) i++;
  if (words[i] !== 'install') return undefined;
  return { tool, args: words.slice(i + 1) };
}

function collect(tool: 'pip' | 'conda', args: readonly string[]): InstallCommand {
  const valueOptions = tool === 'pip' ? PIP_VALUE_OPTIONS : CONDA_VALUE_OPTIONS;
  const requirements: string[] = [];
  const skipped: { argument: string; reason: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('-')) {
      const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      const takesValue = valueOptions.has(name) && !arg.includes('=');
      const attached = !arg.startsWith('--') && arg.length > 2 && valueOptions.has(arg.slice(0, 2));
      const value = takesValue ? args[i + 1] : attached ? arg.slice(2) : arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined;
      if (takesValue) i++;
      const option = attached ? arg.slice(0, 2) : name;
      if (value !== undefined && (option === '-r' || option === '--requirement' || option === '--file')) {
        skipped.push({ argument: `${option} ${value}`, reason: `the packages listed in ${value} are not collected: add them to the requirements` });
      } else if (value !== undefined && (option === '-e' || option === '--editable')) {
        skipped.push({ argument: `${option} ${value}`, reason: 'an editable install is not collected: add the package to the requirements' });
      }
      continue;
    }
    if (arg.includes('$') || /\{[^}]*\}/.test(arg)) {
      skipped.push({ argument: arg, reason: 'it uses an IPython variable, which the generated code cannot expand' });
      continue;
    }
    if (/^[.~/]/.test(arg) || (!arg.includes('://') && /\.(?:whl|tar\.gz|zip)$/.test(arg))) {
      skipped.push({ argument: arg, reason: 'a local path is not collected: add the package to the requirements' });
      continue;
    }
    const requirement = tool === 'conda' ? condaToPip(arg) : arg;
    if (/^pip(?:[<>=!~\s[]|$)/.test(requirement)) continue; // upgrading pip itself is not a requirement
    if (requirement !== '' && !requirements.includes(requirement)) requirements.push(requirement);
  }
  return { tool, requirements, skipped };
}

/** `conda-forge::lightgbm=4.1=py_0` → `lightgbm==4.1.*`; `x==1.2`, `x>=1` and bare names stay. */
function condaToPip(spec: string): string {
  const unchanneled = spec.includes('::') ? spec.slice(spec.lastIndexOf('::') + 2) : spec;
  const fuzzy = /^([A-Za-z0-9_.\-[\]]+)=([^=<>!~][^=]*)(?:=.*)?$/.exec(unchanneled);
  if (fuzzy !== null) {
    const version = fuzzy[2] ?? '';
    return `${fuzzy[1] ?? ''}==${version.endsWith('*') ? version : `${version}.*`}`;
  }
  return unchanneled;
}

/** Shell-like words: quotes and backslashes as sh reads them; operators and redirections at a word's start. */
function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = (): void => {
    if (inWord) tokens.push({ text: word, operator: false });
    word = '';
    inWord = false;
  };
  let i = 0;
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (/\s/.test(ch)) {
      flush();
      i++;
      continue;
    }
    if (!inWord) {
      const operator = /^(?:&&|\|\||[0-9]?>>|[0-9]?>&[0-9]|&>|[0-9]?>|<|;|\||&)/.exec(line.slice(i));
      if (operator !== null) {
        tokens.push({ text: operator[0], operator: true });
        i += operator[0].length;
        continue;
      }
    } else if (ch === ';' || ch === '|' || (ch === '&' && line[i + 1] === '&')) {
      flush();
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      const end = close < 0 ? line.length : close;
      word += line.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i] ?? '';
        i++;
      }
      i++;
      continue;
    }
    if (ch === '\\' && i + 1 < line.length) {
      word += line[i + 1] ?? '';
      i += 2;
      continue;
    }
    word += ch;
    i++;
  }
  flush();
  return tokens;
}
