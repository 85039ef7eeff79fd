/**
 * `nbpromote`: the command line over core/. Exit codes: 0 success, 1 the input or the state is wrong
 * (the message names file, cell and line), 2 usage error. No stack traces unless NBPROMOTE_DEBUG=1.
 */
import { version } from '../../package.json';
import { initPythonParser } from '../core/analysis/python/parser';
import { NbpromoteError } from '../core/errors';
import { describeFileSystemError, fileSystemCode, fileSystemMessage } from '../core/io/fileSystemError';
import type { FlagSpec } from './args';
import { flagBoolean, parseArgs } from './args';
import { inspectFlags, runInspect } from './commands/inspect';
import { promoteFlags, runPromote } from './commands/promote';
import { runFlags, runRun } from './commands/run';
import { checkFlags, runCheck } from './commands/check';
import { runRuns, runsFlags } from './commands/runs';
import { dataFlags, runData } from './commands/data';
import { deployFlags, runDeploy } from './commands/deploy';
import type { CliIo } from './io';
import { ExitCode } from './io';

interface CommandSpec {
  readonly name: string;
  readonly synopsis: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  readonly run: (args: ReturnType<typeof parseArgs>, io: CliIo) => Promise<ExitCode>;
  /** The command will analyse Python (with these arguments): start loading the parser before it runs. */
  readonly usesParser?: (args: ReturnType<typeof parseArgs>) => boolean;
}

const commands: readonly CommandSpec[] = [
  {
    name: 'inspect',
    synopsis: 'nbpromote inspect <notebook> [--json]',
    summary: 'show the cells, roles, steps and problems of a notebook (.ipynb or jupytext percent .py)',
    flags: inspectFlags,
    run: runInspect,
    usesParser: (args) => !flagBoolean(args, 'no-graph'),
  },
  {
    name: 'promote',
    synopsis: 'nbpromote promote <notebook> [--out DIR] [--package NAME] [--dry-run] [--json] [--execute] [--python PATH]',
    summary: 'write the notebook as a Python package: a module per step, pipeline, tests, pipeline.yaml',
    flags: promoteFlags,
    run: runPromote,
    usesParser: () => true,
  },
  {
    name: 'check',
    synopsis: 'nbpromote check <notebook> [--out DIR] [--package NAME] [--infer-steps] [--json]',
    summary: 'exit 0 when the generated code is what promotion would write now, 1 when it is stale (for CI)',
    flags: checkFlags,
    run: runCheck,
    usesParser: () => true,
  },
  {
    name: 'run',
    synopsis: 'nbpromote run [--out DIR] [--param k=v ...] [--only STEP] [--no-cache] [--json] [--python PATH]',
    summary: 'run the promoted pipeline (unchanged steps come from the cache) and record the run',
    flags: runFlags,
    run: runRun,
  },
  {
    name: 'runs',
    synopsis: 'nbpromote runs [--out DIR] [--json] [--source local|mlflow|mlruns] [--limit N]',
    summary: 'list the recorded runs, newest first: the local run store, an MLflow server, or an mlruns/ folder',
    flags: runsFlags,
    run: runRuns,
  },
  {
    name: 'data',
    synopsis: 'nbpromote data [--out DIR] [--json] [--limit N]',
    summary: 'list the data files the runs read: their versions (hashes), the runs of each, the file on disk now, DVC, git',
    flags: dataFlags,
    run: runData,
  },
  {
    name: 'deploy',
    synopsis: 'nbpromote deploy [--out DIR] [--json] [--env NAME]',
    summary: 'check the environments of deployments.yaml: health, the version each serves, how far behind the newest promoted version (exit 1 when one is not healthy)',
    flags: deployFlags,
    run: runDeploy,
  },
];

export function helpText(): string {
  const lines = [
    `nbpromote ${version}: take Jupyter notebooks to production`,
    '',
    'Usage:',
    ...commands.map((c) => `  ${c.synopsis}`),
    '  nbpromote --help | --version',
    '',
    'Commands:',
    ...commands.flatMap((c) => [`  ${c.name.padEnd(10)}${c.summary}`, ...c.flags.map((f) => `      --${f.name}${f.kind === 'boolean' ? '' : ` ${f.valueName ?? 'VALUE'}`}  ${f.description}`)]),
    '',
    'Exit codes: 0 success, 1 the input or the state is wrong (file, cell and line are named), 2 usage error.',
    'Set NBPROMOTE_DEBUG=1 to see stack traces of internal errors.',
  ];
  return `${lines.join('\n')}\n`;
}

/** A command, or every one, as `--help --json` prints it. */
function commandJson(c: CommandSpec): Record<string, unknown> {
  return { name: c.name, synopsis: c.synopsis, summary: c.summary, flags: c.flags.map((f) => ({ name: `--${f.name}`, value: f.kind === 'boolean' ? null : (f.valueName ?? 'VALUE'), repeats: f.kind === 'list', description: f.description })) };
}

export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let printed = false;
  // `--json` before any `--`: even help and the version are one JSON document then.
  // (`--json=yes` too, refused as a usage error: a script piping stdout into jq still gets a document, round 66 QQQ.)
  const json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).some((a) => a === '--json' || a.startsWith('--json='));
  const document = (value: Record<string, unknown>): ExitCode => {
    io.out(`${JSON.stringify({ ...value, exit_code: ExitCode.Ok }, null, 2)}\n`);
    return ExitCode.Ok;
  };
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      if (first === undefined) {
        io.err(helpText());
        return ExitCode.Usage;
      }
      if (json) return document({ version, commands: commands.map(commandJson) });
      io.out(helpText());
      return ExitCode.Ok;
    }
    if (first === '--version' || first === '-V') {
      if (json) return document({ version });
      io.out(`${version}\n`);
      return ExitCode.Ok;
    }
    const command = commands.find((c) => c.name === first);
    if (command === undefined) throw new NbpromoteError('usage', first.startsWith('-') ? `no command before ${first}: write one of ${commands.map((c) => c.name).join(', ')} first` : `unknown command "${first}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      if (json) return document(commandJson(command));
      io.out(`${command.synopsis}\n  ${command.summary}\n`);
      return ExitCode.Ok;
    }
    const args = parseArgs(rest, command.flags);
    // The parser's WebAssembly compiles on V8's background threads while the command reads the notebook;
    // a failure to load is reported where the analysis awaits the same promise.
    if (command.usesParser?.(args) === true) void initPythonParser().catch(() => undefined);
    return await command.run(args, { ...io, out: (text) => ((printed = true), io.out(text)) });
  } catch (ex) {
    const code = reportError(ex, io);
    // A command asked for --json failed before printing its own document: stdout still carries one.
    // (`nbpromote --json` alone: the flag is where the command should be.)
    if (json && !printed) io.out(`${JSON.stringify({ error: errorWords(ex), exit_code: code })}\n`);
    return code;
  }
}

/** What an error says, without the "nbpromote: " the text on stderr starts with. */
function errorWords(ex: unknown): string {
  if (NbpromoteError.is(ex)) return ex.message;
  return describeFileSystemError(ex) ?? `internal error: ${ex instanceof Error ? ex.message : String(ex)}`;
}

function reportError(ex: unknown, io: CliIo): ExitCode {
  if (NbpromoteError.is(ex, 'usage')) {
    io.err(`nbpromote: ${ex.message}\nRun "nbpromote --help" for usage.\n`);
    return ExitCode.Usage;
  }
  if (NbpromoteError.is(ex)) {
    io.err(`nbpromote: ${ex.message}\n`);
    return ExitCode.BadInput;
  }
  // The disk is full, a folder is not writable ...: the machine's fault, not nbpromote's.
  const refused = describeFileSystemError(ex);
  if (refused !== undefined) {
    io.err(`nbpromote: ${refused}\n`);
    return ExitCode.BadInput;
  }
  const detail = io.env['NBPROMOTE_DEBUG'] === '1' && ex instanceof Error ? `\n${ex.stack ?? ''}` : '';
  io.err(`nbpromote: internal error: ${ex instanceof Error ? ex.message : String(ex)}${detail}\nThis is a bug in nbpromote; please report it with the notebook if you can.\n`);
  return ExitCode.BadInput;
}

if (require.main === module) {
  // `nbpromote ... | head` closes the pipe early: that is not an error. Output to a full disk is one, said in one
  // line on stderr (when stderr itself can be written) rather than Node's uncaught exception.
  for (const [stream, name] of [[process.stdout, 'stdout'], [process.stderr, 'stderr']] as const) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      if (name === 'stdout') {
        const why = fileSystemCode(error) === undefined ? `cannot write the output (stdout): ${error.message}` : fileSystemMessage(error, 'write', 'the output (stdout)');
        try {
          process.stderr.write(`nbpromote: ${why}\n`);
        } catch {
          // stderr is gone too: the exit status says it
        }
      }
      process.exit(ExitCode.BadInput);
    });
  }
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
