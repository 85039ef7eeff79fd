/**
 * `nbpromote promote`: read and check the notebook, analyse its cells, build the step graph, plan the
 * package and (unless dry-run) apply the plan atomically. Writes nothing when anything is wrong.
 */
import { outputPlaceProblem } from './outputPlace';
import { notUtf8Problem } from '../notebook/notebookBytes';
import { missingFileMessage, specialFileKind, specialFileMessage } from '../notebook/read';
import { lstat, readdir, readFile, readlink, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { FileAction } from '../io/apply';
import { applyPlan, checkPlan, cleanStaleTemps, planActions, planDirectories, writeFileAtomic, WriteError } from '../io/apply';
import { fileSystemError, fileSystemMessage } from '../io/fileSystemError';
import { PROMOTION_LOCK_DIR, PROMOTION_LOCK_FILE, promotionInProgress, withPromotionLock } from '../io/promotionLock';
import { folderFromCwd, pathExists, realRootOf, toPosix } from '../io/paths';
import { lockNotebookState, realOrSelf, realOrSelfSync } from './lockOwner';
import { findLocalModules, localStarExports } from './localModules';
import { keptFileProblems, PIPELINE_CONFIG } from './keptFiles';
import type { FilePlan } from '../contract/filePlan';
import type { LockExecution, LockFile, LockShownMetrics } from '../contract/lockFile';
import { LOCK_FILE_NAME } from '../contract/lockFile';
import { notebookGitState } from '../versioning/git';
import { findEditedUntilEdited, findHandEdits, findOrphans, isConflict, settleUntilEdited } from '../versioning/handEdits';
import { foreignLockPaths } from '../versioning/generatedPaths';
import type { HandEdit, Orphan } from '../versioning/handEdits';
import { findRemovedImports, findTestsOfRemovedSteps, importedPackageModules } from '../versioning/removedImports';
import type { RemovedImport, TestOfRemovedStep } from '../versioning/removedImports';
import { codeSha256, logicSha256, sourceSha256, fileHashes, changedGeneratedFiles, generatedFilesChanged, lockedHash, sha256 } from '../versioning/hash';
import { nextLock, readLockFile, renderLockFile } from '../versioning/lockFile';
import { mergeHandEdit } from '../versioning/merge';
import { BASE_DIR, saveBase } from '../versioning/baseStore';
import { bumpVersion, currentSnapshot, diffSnapshots, FIRST_PROMOTION, FIRST_VERSION } from '../versioning/semver';
import type { TagResult } from '../contract/roles';
import type { Problem } from '../contract/problem';
import { hasErrors } from '../contract/problem';
import type { StepGraph } from '../contract/stepGraph';
import type { Notebook, NotebookCell } from '../contract/notebook';
import { readRoles } from '../tags/roles';
import { liveLocalRun, liveRunWords } from '../runs/localStore';
import { METRICS_SUGGESTION, PARAMETERS_SUGGESTION, suggestedStepCells, suggestionTag, suggestSteps } from '../tags/suggest';
import { inspectText } from '../inspect/inspect';
import type { Inspection } from '../inspect/inspect';
import { analyseNotebook, cellProblem } from '../analysis/analyseNotebook';
import type { DisplayClash } from '../analysis/expectedMetrics';
import { namePrintedValue, withPrintedValues } from '../analysis/printedValues';
import { cellsBehindMetrics, earlierShownRead, itemKeys, expectedMetricsFromOutputs, loopPrintedValues, roundedName, roundedNumber, isDurationName, jsonDumpedName, MAX_TABLE_ROWS, printArguments, printedName, namesShownNotANumber, namesShownWithNumbers, printedSomething, printsBlankLine, printsText, printsOneLine, ranAfter, readDisplays, savedError, shownNamesOfCells, shownTableRows, shownWithoutText } from '../analysis/expectedMetrics';
import type { ExpectedMetric, MetricsCellInfo } from '../analysis/expectedMetrics';
import type { Execution, MetricsProbe, StepProbe } from './execute';
import { isLibraryModule, isStdlibModule } from '../scaffold/distributions';
import { importedModules, metricNames, parametersReadByMetrics, planPromotion, sharedVersions, withStepImports } from '../scaffold/plan';
import { dottedModules, inferredDependencies, missingDependencies, missingDependenciesMessage } from '../scaffold/dependencies';
import type { GeneratedCell } from '../scaffold/plan';
import { runtimeSource } from '../scaffold/runtimeSource';
import { alwaysTrueAssertLines } from '../scaffold/pythonText';
import { clipText, isIdentifier, MAX_NAME_LENGTH, nameLengthIssue, PYTHON_KEYWORDS, quoteName, sharedModuleFor, windowsNameIssue } from '../tags/names';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { NbpromoteError } from '../errors';
import { andList, countOf, firstOf, withoutAccents } from '../util/words';

export interface PromoteRequest {
  /** The notebook as the user named it (used in messages). */
  readonly notebook: string;
  /** The folder relative paths are resolved from. */
  readonly cwd: string;
  /** The notebook's contents when they differ from the file on disk (an editor's unsaved changes). */
  readonly text?: string;
  /** The output root; default: cwd. */
  readonly out?: string;
  readonly packageName?: string;
  readonly dryRun?: boolean;
  readonly toolVersion: string;
  /** What a run of the notebook gave (`--execute`): exact metrics, the types and shapes of step outputs. */
  readonly executed?: Execution;
  readonly logger?: Logger;
  /** How long to wait for another promotion into the same folder, in milliseconds (default 10000). */
  readonly lockWaitMs?: number;
  /**
   * What to do with generated files a person edited: `stop` (default: exit 1 naming them), `merge` (three-way
   * merge with the last generated version as base), `force` (keep the person's version as `<file>.orig`).
   */
  readonly resolve?: 'stop' | 'merge' | 'force';
  /** With no step tags, take steps from the markdown headings (`suggestSteps`) instead of stopping. */
  readonly inferSteps?: boolean;
  /**
   * Write even while a run of the pipeline seems to go on (`--even-if-running`: its record says running and its
   * process is alive, which a number reused after a killed run also is). Default: such a promotion stops with
   * `pipeline-running` and writes nothing.
   */
  readonly evenIfRunning?: boolean;
  /**
   * Called once everything is checked, before anything is written (never on a dry run): `promote --commit`
   * checks the repository here. When it throws, the promotion stops with nothing written. It says whether the
   * version is released already (its tag holds the files as they are): the lock then stays as it was tagged.
   */
  readonly beforeWrite?: (pending: PendingWrite) => Promise<{ readonly released: boolean }>;
  /**
   * False: git is not run (the editor in Restricted Mode: a repository's configuration can make git run programs),
   * and nbpromote.lock records no commit for the notebook, as outside a repository. Default: true.
   */
  readonly git?: boolean;
}

/** What a promotion is about to write, for {@link PromoteRequest.beforeWrite}. */
export interface PendingWrite {
  readonly package: string;
  readonly version: string;
  /** Every generated path (relative to the output root, forward slashes) and the lock, as they will be on disk. */
  readonly paths: readonly string[];
  /** Nothing will be written or deleted: the files on disk are the package already. */
  readonly unchanged: boolean;
  /** Of `paths`, the files edited by hand that stay as they are (`kept-edit`). */
  readonly keptEdits: readonly string[];
}

export interface PromotedFile {
  readonly path: string;
  readonly action: FileAction | 'deleted' | 'merged' | 'forced' | 'kept-edit' | 'would-create' | 'would-change' | 'would-merge' | 'would-force';
  readonly why: string;
}

export interface PromoteOutcome {
  readonly ok: boolean;
  readonly package?: string;
  readonly version?: string;
  /** What changed since the last promotion, one sentence each (the lock's history entry). */
  readonly changes?: readonly string[];
  readonly outDir: string;
  readonly files: readonly PromotedFile[];
  readonly graph?: StepGraph;
  readonly inspection?: Inspection;
  readonly problems: readonly Problem[];
  /** Metric names and values the generated test will expect. */
  readonly expectedMetrics: Readonly<Record<string, number>>;
  /** What `--execute` needs to read the metrics from a run of the notebook. */
  readonly metricsProbe?: MetricsProbe;
  /** What `--execute` records of each step: its outputs after its last cell. */
  readonly stepProbes?: readonly StepProbe[];
  /** Code cells the package leaves out (`skip`): `--execute` goes on when one of them fails. */
  readonly skippedCells?: readonly number[];
  /** The files a merge (`resolve: 'merge'`) wrote with conflict markers, relative to `outDir`. */
  readonly conflicted?: readonly string[];
}

/**
 * The inputs of the metrics an earlier metrics cell reads first (`print(acc)` between step baseline and step
 * tuned, which rebinds acc): the package takes them from the step that made them then, so `--execute` reads
 * them after that cell. Not those a later metrics cell binds again (the metrics function returns that one).
 */
function earlierMetricReads(graph: StepGraph, metricsCells: readonly number[], generated: ReadonlyMap<number, GeneratedCell>): Pick<MetricsProbe, 'earlier'> {
  const last = metricsCells[metricsCells.length - 1];
  const byCell = new Map<number, string[]>();
  for (const edge of graph.edges) {
    const at = edge.usedAt.cellIndex;
    if (edge.to !== 'metrics' || at === last) continue;
    if (metricsCells.some((c) => c > at && generated.get(c)?.assigned.includes(edge.name) === true)) continue;
    byCell.set(at, [...(byCell.get(at) ?? []), edge.name]);
  }
  return byCell.size === 0 ? {} : { earlier: [...byCell].map(([afterCell, names]) => ({ afterCell, names })) };
}

/** The planned path (relative to `outDir`) that is the notebook's file, also through symlinks; else undefined. */
async function notebookAmongPlans(notebookPath: string, outDir: string, plans: readonly FilePlan[]): Promise<string | undefined> {
  const notebook = await realOrSelf(notebookPath);
  // One synchronous realpath each: a promise each was a thread-pool round trip, ~80 ms for 400 files.
  for (const plan of plans) {
    const target = resolve(outDir, plan.path);
    if (target === notebookPath || realOrSelfSync(target) === notebook) return plan.path;
  }
  return undefined;
}

/**
 * The metrics cells' lines that print a table as text (the graph's `metrics-text-table` warnings), as a sentence
 * for `metrics-none`: when they are all the cell shows, they are why no metric is read, and the fix is theirs.
 */
function textTablesReason(problems: readonly Problem[], lastMetricsCell: { readonly index: number }): string {
  const lines = problems.filter((p) => p.code === 'metrics-text-table' && p.line !== undefined);
  if (lines.length === 0) return '';
  const own = lines.every((p) => p.cellIndex === lastMetricsCell.index);
  const where = own ? `${lines.length === 1 ? 'line' : 'lines'} ${andList(lines.map((p) => String(p.line ?? 0)))}` : andList(lines.map((p) => `cell ${(p.cellIndex ?? 0) + 1} line ${p.line ?? 0}`));
  return ` The numbers it shows are tables printed as text (${where}), which are not read: show the tables (\`display(table)\`) and a classification report as a dict (\`output_dict=True\`), as the warnings on ${lines.length === 1 ? 'that line' : 'those lines'} say.`;
}
export async function promoteNotebook(request: PromoteRequest): Promise<PromoteOutcome> {
  // Another promotion into the folder, between this one's plan and its write: its files and lock are not what
  // this plan was made from. Wait for it, as for its lock (round 57 ZZ: the second of two promotions started
  // together failed at once, though docs/versioning.md says it waits), then plan again from what it left.
  const outDir = resolve(request.cwd, request.out ?? '.');
  const deadline = Date.now() + (request.lockWaitMs ?? RACE_WAIT_MS);
  for (;;) {
    try {
      return await promoteOnce(request);
    } catch (ex) {
      if (!(ex instanceof PromotionRace) || Date.now() >= deadline) throw ex;
      (request.logger ?? silentLogger).info(`another promotion is writing to ${outDir}: waiting for it to finish, then planning again`);
      while (Date.now() < deadline && (await promotionInProgress(outDir)) !== undefined) await new Promise((done) => setTimeout(done, RACE_POLL_MS));
      if ((await promotionInProgress(outDir)) !== undefined) throw ex;
    }
  }
}

/** Why a file an earlier promotion wrote, and a person edited, is listed as kept though no longer generated. */
const KEPT_ORPHAN = 'no longer generated, but edited by hand, so left as it is';

/** How long a promotion waits for another into the same folder (as for the promotion lock), and how often it looks. */
const RACE_WAIT_MS = 10_000;
const RACE_POLL_MS = 100;

/** Another promotion wrote into the folder after this one planned: see {@link promoteNotebook}. */
class PromotionRace extends NbpromoteError {
  constructor(message: string) {
    super('invalidInput', message);
  }
}

async function promoteOnce(request: PromoteRequest): Promise<PromoteOutcome> {
  const log = request.logger ?? silentLogger;
  // The notebook's folder by its real path, the file by its own name: a folder reached through a symlink is one
  // notebook whichever way the user names it, and its `../data` is the real folder's, as the kernel reads it
  // (round 62 JJJ: each spelling made another promotion, every file rewritten), while a symlinked notebook file
  // runs in the link's folder, as Jupyter runs it.
  const given = resolve(request.cwd, request.notebook);
  const notebookPath = join(await realRootOf(dirname(given)), basename(given));
  const outDir = resolve(request.cwd, request.out ?? '.');
  const fail = (problems: readonly Problem[], inspection?: Inspection): PromoteOutcome => ({
    ok: false,
    outDir,
    files: [],
    problems,
    expectedMetrics: {},
    ...(inspection === undefined ? {} : { inspection }),
  });

  let text: string;
  try {
    if (request.text !== undefined) text = request.text;
    else {
      const special = specialFileKind(notebookPath);
      if (special !== undefined) return fail([{ severity: 'error', code: 'unreadable', message: specialFileMessage(special), file: request.notebook }]);
      const bytes = await readFile(notebookPath);
      const notUtf8 = notUtf8Problem(bytes, request.notebook);
      if (notUtf8 !== undefined) return fail([notUtf8]);
      text = bytes.toString('utf8');
    }
  } catch (ex) {
    const code = (ex as NodeJS.ErrnoException).code;
    return fail([{ severity: 'error', code: 'unreadable', message: code === 'ENOENT' ? missingFileMessage(notebookPath) : code === 'EISDIR' ? 'it is a folder, not a notebook: name the .ipynb (or percent script) in it' : `cannot read it (${code ?? String(ex)})`, file: request.notebook }]);
  }
  const inspected = inspectText(text, request.notebook);
  if (!inspected.ok || inspected.notebook === undefined || inspected.roles === undefined) return fail(inspected.problems, inspected);
  const inspection = request.inferSteps === true && inspected.roles.steps.length === 0 ? withInferredSteps(inspected) : inspected;
  const { notebook, roles } = inspection;
  if (notebook === undefined || roles === undefined) return fail(inspection.problems, inspection);
  if (!/^(i?python\d*|py)$/i.test(notebook.language.trim())) {
    const kernel = notebook.metadata['kernelspec'];
    const name = typeof kernel === 'object' && kernel !== null && typeof (kernel as Record<string, unknown>)['name'] === 'string' ? ` (kernel ${String((kernel as Record<string, unknown>)['name'])})` : '';
    const message = `this notebook's language is ${notebook.language}${name}, not Python: nbpromote promotes Python notebooks only`;
    return fail([...inspection.problems.filter((p) => p.severity === 'error'), { severity: 'error', code: 'not-python', message, file: request.notebook }], inspection);
  }
  if (roles.steps.length === 0) {
    return fail(
      [
        ...inspection.problems.filter((p) => p.severity !== 'info'),
        {
          severity: 'error',
          code: 'no-steps',
          // (--infer-steps offered only when it would find a step: round 77 MNM, it then refused too.)
          message: notebook.cells.some((c) => c.kind === 'code' && c.source.trim() !== '')
            ? noStepsMessage(roles, request.inferSteps === true, suggestSteps(notebook, roles).some((s) => s.name !== METRICS_SUGGESTION && s.name !== PARAMETERS_SUGGESTION))
            : 'the notebook holds no code, so there is nothing to promote', // (round 78 OPO: "no heading stands above code")
          file: request.notebook,
        },
      ],
      inspection,
    );
  }

  const placeProblem = await outputPlaceProblem(outDir);
  if (placeProblem !== undefined) return fail([...inspection.problems.filter((p) => p.severity !== 'info'), { severity: 'error', code: 'out-place', message: placeProblem, file: request.notebook }], inspection);
  const outProblem = await outputRootProblem(outDir);
  if (outProblem !== undefined) return fail([...inspection.problems.filter((p) => p.severity !== 'info'), { severity: 'error', code: 'out-not-folder', message: outProblem, file: request.notebook }], inspection);
  const stateProblem = await statePathProblem(outDir);
  if (stateProblem !== undefined) return fail([...inspection.problems.filter((p) => p.severity !== 'info'), { severity: 'error', code: 'state-path', message: stateProblem, file: request.notebook }], inspection);

  const namedPackage = request.packageName ?? packageNameFor(notebookPath);
  if (!isIdentifier(namedPackage) || PYTHON_KEYWORDS.has(namedPackage)) {
    throw new NbpromoteError('usage', `--package ${JSON.stringify(namedPackage)} is not a Python identifier (letters, digits and _; not starting with a digit; not a keyword)`);
  }
  const longPackage = nameLengthIssue(namedPackage, 'package names') ?? (request.packageName === undefined ? undefined : windowsNameIssue(namedPackage));
  if (longPackage !== undefined) throw new NbpromoteError('usage', `--package ${quoteName(namedPackage)} is not allowed: ${longPackage}`);

  const analysis = await analyseNotebook(notebook, roles, await localStarExports(dirname(notebookPath), notebook));
  const analysed = analysis.cells;
  // src/<package> comes first on sys.path: a package named like a module the code imports hides it.
  const modulesImported = [...analysed.values()].flatMap((a) => a.analysis.imports.flatMap((i) => [i.module, ...dottedModules(i.statement)]));
  const hidden = hiddenModule(namedPackage, modulesImported);
  if (hidden !== undefined && request.packageName !== undefined) {
    throw new NbpromoteError('usage', `--package ${namedPackage} would hide ${hidden}: the package's folder comes first on sys.path, so \`import ${namedPackage}\` would find it instead. Choose another name (${namedPackage}_pipeline, say)`);
  }
  // `con.ipynb`: a folder named con cannot exist on Windows.
  let packageName = hidden === undefined && windowsNameIssue(namedPackage) === undefined ? namedPackage : `${namedPackage}_pipeline`;
  let graph = analysis.graph;
  const problems: Problem[] = [...inspection.problems.filter((p) => p.severity !== 'info' || p.code === 'step-inferred'), ...analysis.problems.filter((p) => !graph.problems.includes(p))];
  problems.push(...graph.problems);
  log.debug(`graph: ${graph.steps.length} steps, ${graph.edges.length} edges`);
  if (hasErrors(problems)) return { ...fail(problems, inspection), graph };

  // `%precision 3` (IPython) or `np.set_printoptions(precision=3)`: numbers shown last are rounded, no repr.
  const shownRounded = notebook.cells.some((c) => c.kind === 'code' && /^\s*%precision\b|set_printoptions\s*\([^)]*\bprecision\b|run_line_magic\(\s*["']precision["']/m.test(c.source));
  const metricsCells: MetricsCellInfo[] = (graph.metrics?.cells ?? []).flatMap((ref) => {
    const saved = notebook.cells.find((c) => c.index === ref.index);
    // A value printed under a label is read as the name it gets (`print("cv_accuracy:", cv_accuracy)`).
    const printed = (graph.printedValues ?? []).filter((v) => v.cellIndex === ref.index);
    const cell = saved === undefined || printed.length === 0 ? saved : { ...saved, source: withPrintedValues(saved.source, printed, namePrintedValue) };
    const a = analysed.get(ref.index);
    if (cell === undefined || a === undefined) return [];
    const trailing = a.analysis.trailingExpression;
    // A print of a blank line (`print()` between metrics) shows no line the reader pairs with a print.
    const prints = a.analysis.prints.filter((p) => !printsBlankLine(p.args));
    // What a print prints as the reader reads it: a value the graph named as the name (`print(scores["acc"])` as
    // `print(acc)`).
    const named = (args: string): string => printArguments(args).map((arg) => printed.find((v) => v.expression.trim() === arg.trim())?.name ?? arg).join(', ');
    return [
      {
        cell,
        ...(printed.length === 0 || saved === undefined ? {} : { writtenSource: saved.source }),
        ...(shownRounded ? { shownRounded: true as const } : {}),
        assigned: a.facts.assignments.map((x) => x.name),
        ...(trailing === undefined ? {} : { trailingText: trailing.text }),
        ...(a.facts.displayed === undefined ? {} : { displayed: a.facts.displayed }),
        ...printedOnes(prints.map((p) => named(p.args))),
        printCalls: prints.map((p) => {
          // `print(round(acc, 3), round(f1, 3))` prints acc and f1 (rounded: `roundedPrints`).
          const args = printArguments(named(p.args)).map(printedName);
          const dumped = jsonDumpedName(p.args);
          return dumped !== undefined ? [dumped] : args.every((arg) => arg !== undefined) ? args : [];
        }),
        printCallsTopLevel: prints.map((p) => p.topLevel),
        // (As written: `print(frame["acc"])` may print a Series over many lines, round 67 RRR; see pairedCalls.)
        printCallsOneLine: prints.map((p) => printsOneLine(p.args)),
      },
    ];
  });
  // The previous lock (docs/versioning.md): read first, for what an earlier `promote --execute` recorded.
  const previous = await readPreviousLock(outDir);
  if (previous.problems.some((p) => p.severity === 'error')) return { ...fail([...problems, ...previous.problems], inspection), graph };
  const old = previous.lock;
  // From the folder itself, not a symlink to it: the package finds the notebook's folder from its own real path.
  const physicalOut = await realRootOf(outDir);
  // The lock names the notebook it was promoted from: another notebook that is still there owns this folder
  // (promoting over it would delete its steps: stopped below); one that is gone, with this package name, moved here.
  const lockNotebook = old === undefined ? undefined : await lockNotebookState(physicalOut, old.notebook.path, notebookPath);
  // Another notebook's lock says nothing of this notebook's last promotion (round 79 QRQ: a notebook never promoted
  // was warned its expected metrics "of the last promotion" were dropped).
  const mine = lockNotebook === 'other' ? undefined : old;
  const generated = new Map<number, GeneratedCell>([...analysed].map(([i, a]) => [i, a.generated]));
  // Functions and classes a step defines at its module's top are imported by the units calling them, not returned.
  graph = withOutputOrder(withStepImports(graph, generated), mine);
  // The code as the file has it: not with the tags --infer-steps added in memory, which --execute never saw.
  const codeHash = codeSha256(inspected.notebook.cells.filter((c) => c.kind === 'code'));
  // Tags aside: a step renamed changes no code the saved outputs came from (round 58 AAA: outputs-not-rerun said so).
  const sourceHash = sourceSha256(inspected.notebook.cells.filter((c) => c.kind === 'code'));
  // Comment lines aside: a comment changes no value the run recorded (round 70 YYY).
  const logicHash = logicSha256(inspected.notebook.cells.filter((c) => c.kind === 'code'));
  // --execute ran the notebook as it was then: metrics of other code are not this code's (outputs may differ).
  if (request.executed?.codeSha256 !== undefined && request.executed.codeSha256 !== codeHash) {
    const message = "the notebook's code changed while --execute ran it (it was saved meanwhile), so the metrics that run recorded are not this version's: nothing was written. Promote again";
    return { ...fail([...problems, { severity: 'error', code: 'notebook-changed', message, file: request.notebook }], inspection), graph };
  }
  // The same sources with other tags (a step renamed): the run's metrics hold, and what it recorded of a step's
  // outputs moves to the step holding the same cells now (round 64 MMM: a rename dropped them, "the code changed").
  const sameSources = mine?.executed !== undefined && mine.executed.code_sha256 !== codeHash && mine.executed.source_sha256 === sourceHash;
  const kept = mine?.executed === undefined ? undefined : mine.executed.code_sha256 === codeHash || mine.executed.logic_sha256 === logicHash ? executionFromLock(mine.executed) : sameSources ? executionRetagged(mine.executed, mine, roles) : undefined;
  const executed = request.executed ?? kept;

  // The names the run reports its metrics by (the metrics function's returned values).
  const runMetricNames = metricNames(graph, generated);
  // A cell the package runs that failed when the notebook was saved, above the last metrics cell: the metrics
  // cells' outputs come from values of another run (the failing cell did not make them), so none is expected.
  const lastMetricsCell = metricsCells[metricsCells.length - 1]?.cell;
  const lastMetricsIndex = lastMetricsCell?.index ?? -1;
  const failedAbove = executed !== undefined ? undefined : notebook.cells.find((c) => c.kind === 'code' && c.index < lastMetricsIndex && !metricsCells.some((m) => m.cell.index === c.index) && roles.cells[c.index]?.roles.includes('skip') !== true && savedError(c) !== undefined);
  const clashes: DisplayClash[] = [];
  const shownNow = failedAbove === undefined ? expectedMetricsFromOutputs(metricsCells, runMetricNames, clashes) : new Map<string, ExpectedMetric>();
  // A parameter the metrics print (`print(f"F1 @ {THRESHOLD}: ...")`) is no metric the run records (round 35 E).
  for (const name of parametersReadByMetrics(graph)) if (!runMetricNames.includes(name)) shownNow.delete(name);
  // Outputs cleared (Jupyter's Clear All Outputs, nbstripout): the metrics cells show nothing. What the last
  // promotion read from their outputs is what this code shows while the code is the same, as `executed` is kept.
  const cleared = metricsCells.length > 0 && metricsCells.every((m) => (m.cell.outputs ?? []).length === 0);
  const lastShown = cleared ? mine?.shown_metrics : undefined;
  const keptShown = lastShown?.code_sha256 === codeHash && Object.keys(lastShown.metrics).length > 0 ? lastShown : undefined;
  const shown = executed === undefined && keptShown !== undefined ? shownFromLock(keptShown) : shownNow;
  const fromOutputs = expectedFrom(shownNow, undefined);
  const metricsCount = lastMetricsCell?.executionCount;
  const startedAt = lastMetricsCell === undefined ? undefined : executionStart(lastMetricsCell);
  // The notebook records when the cell ran (nbconvert, papermill, JupyterLab's Record Timing), at another time than
  // then: it ran again, though a run from the top gives it the same count (round 46 Z: warned after every rerun).
  const ranAgain = startedAt !== undefined && mine?.shown_metrics?.started_at !== undefined && mine.shown_metrics.started_at !== startedAt;
  // Code changed since the last promotion read the outputs, and the last metrics cell shows the same values
  // under the same execution count: the outputs were not made again (round 34 D). The record stays the old one,
  // so every promotion and check says it until the notebook runs again.
  // (The code down to the last metrics cell: a test cell added below it changed no output, round 63 LLL.)
  const sourceAboveHash = sourceSha256(inspected.notebook.cells.filter((c) => c.kind === 'code' && c.index <= lastMetricsIndex));
  const codeChanged = (was: LockShownMetrics): boolean => (was.source_above_sha256 !== undefined ? was.source_above_sha256 !== sourceAboveHash : was.source_sha256 === undefined ? was.code_sha256 !== codeHash : was.source_sha256 !== sourceHash);
  const notRerun = executed === undefined && !cleared && !ranAgain && mine?.shown_metrics !== undefined && codeChanged(mine.shown_metrics) && typeof metricsCount === 'number' && mine.shown_metrics.execution_count === metricsCount && sameNumbers(fromOutputs.expected, mine.shown_metrics.metrics);
  if (notRerun && lastMetricsCell !== undefined) {
    // (Said at every promotion until the notebook runs again: not "since the last promotion", round 79 QRQ.)
    const message = `the notebook's code changed since an earlier promotion, but its metrics cell still shows the same values under the same execution count (${metricsCount}) as then: its saved outputs look older than its code, so the expected metrics may be the old code's. Run the notebook and save it, or promote with --execute (which also confirms numbers that stay the same after a change)`;
    problems.push(cellProblem(notebook.path, lastMetricsCell, 'warning', 'outputs-not-rerun', message));
  }
  const shownRecord: LockShownMetrics | undefined = notRerun ? mine?.shown_metrics : Object.keys(fromOutputs.expected).length > 0 ? { code_sha256: codeHash, source_sha256: sourceHash, source_above_sha256: sourceAboveHash, metrics: fromOutputs.expected, shown_decimals: fromOutputs.decimals, ...(fromOutputs.truncated.length === 0 ? {} : { shown_truncated: fromOutputs.truncated }), execution_count: typeof metricsCount === 'number' ? metricsCount : null, ...(startedAt === undefined ? {} : { started_at: startedAt }) } : keptShown;
  let droppedShown = false;
  if (executed === undefined && lastShown !== undefined && Object.keys(lastShown.metrics).length > 0) {
    const count = Object.keys(lastShown.metrics).length;
    const what = notebook.cells.every((c) => c.kind !== 'code' || (c.outputs ?? []).length === 0) ? 'the notebook shows no outputs' : `the metrics cell${metricsCells.length === 1 ? ' shows' : 's show'} no outputs`;
    if (keptShown !== undefined) {
      const message = `${what} (cleared?): the ${count === 1 ? 'expected metric' : `${count} expected metrics`} of the last promotion ${count === 1 ? 'is' : 'are'} kept, its code being the same`;
      problems.push({ severity: 'info', code: 'shown-metrics-kept', message, file: request.notebook });
    } else {
      const message = `${what} (cleared?), and its code changed since the last promotion (a comment counts), so the ${count} expected metric${count === 1 ? '' : 's'} its outputs showed then ${count === 1 ? 'is' : 'are'} dropped: no expected metric is known now, so the generated metrics test will skip. Run the notebook and save it with its outputs, or promote with --execute to record ${count === 1 ? 'it' : 'them'} for this code`;
      problems.push({ severity: 'warning', code: 'shown-metrics-dropped', message, file: request.notebook });
      droppedShown = true;
    }
  }
  // Two displayed tables naming a metric alike: the run keeps the later one's value; say so, once per pair.
  const clashPairs = new Map<string, DisplayClash[]>();
  for (const c of clashes) {
    const pair = `${c.first.cell.index}:${c.first.line ?? 0}>${c.second.cell.index}:${c.second.line ?? 0}`;
    clashPairs.set(pair, [...(clashPairs.get(pair) ?? []), c]);
  }
  for (const group of clashPairs.values()) {
    const head = group[0];
    if (head === undefined) continue;
    const { first, second } = head;
    const where = first.cell === second.cell && first.line !== undefined ? `on line ${first.line}` : `in cell ${first.cell.index + 1}`;
    const listed = firstOf(group.map((c) => c.name), 4);
    const message = `\`display(${clipText(second.what)})\` gives metrics the same names as \`display(${clipText(first.what)})\` ${where} (${listed}), so the run keeps this table's numbers and the earlier ones are lost. Give the tables distinct row labels or columns (\`test_df.add_prefix("test_")\`), or show only one of them in the metrics cells`;
    problems.push(cellProblem(notebook.path, second.cell, 'warning', 'metrics-display-clash', message, second.line));
  }
  if (failedAbove !== undefined) {
    const message = `this cell failed when the notebook was saved (${savedError(failedAbove)}), so what the metrics cell${metricsCells.length === 1 ? '' : 's'} below show${metricsCells.length === 1 ? 's' : ''} came from values it did not make: no saved value is taken as an expected metric. Run the notebook through and save it, or promote with --execute`;
    problems.push(cellProblem(notebook.path, failedAbove, 'warning', 'metrics-output-error', message));
  }
  // `assert (x, "message")` in a cell the package runs: a tuple, always true (round 73 FGF: copied, pyflakes reported it).
  for (const cell of notebook.cells) {
    if (cell.kind !== 'code' || roles.cells[cell.index]?.roles.includes('skip') === true) continue;
    for (const line of alwaysTrueAssertLines(cell.source.replace(/\r\n?/g, '\n'))) {
      problems.push(cellProblem(notebook.path, cell, 'warning', 'assert-always-true', 'this assert tests a tuple, which is always true, so it checks nothing (nor does the package, which keeps the tuple): write `assert condition, "message"` without the parentheses to check the condition', line));
    }
  }
  if (executed === undefined) {
    for (const { cell } of metricsCells) {
      const error = savedError(cell);
      if (error === undefined) continue;
      const message = `the metrics cell failed when the notebook was saved (${error}): no value its outputs show is taken as an expected metric. Run the notebook through and save it, or promote with --execute`;
      problems.push(cellProblem(notebook.path, cell, 'warning', 'metrics-output-error', message));
    }
    // A test cell saved failing (round 69 WWW: `assert len(results) == 2` after a cell run twice): its generated test
    // makes the same check on the pipeline's values.
    for (const cell of notebook.cells) {
      const error = cell.kind === 'code' && roles.cells[cell.index]?.roles.includes('test') === true ? savedError(cell) : undefined;
      if (error === undefined) continue;
      const message = `this test cell failed when the notebook was saved (${error}): its generated test makes the same check on the pipeline's values, and fails too unless the notebook only failed in that run (a cell run twice, out of order). Run the notebook through and save it, or promote with --execute`;
      problems.push(cellProblem(notebook.path, cell, 'warning', 'test-output-error', message));
    }
    for (const info of metricsCells) {
      const stale = staleOutputsMessage(graph, notebook, info, generated);
      if (stale !== undefined) problems.push(cellProblem(notebook.path, info.cell, 'warning', 'metrics-output-stale', stale));
    }
  }
  for (const { cell, trailingText } of metricsCells) {
    const table = shownTableRows(cell);
    if (table === undefined) continue;
    const { rows } = table;
    const what = trailingText === undefined || !table.last ? 'a table' : `\`${trailingText.trim().split('\n')[0] ?? ''}\`, a table`;
    const message = `the metrics cell shows ${what} of ${rows} rows that is not read as metrics, so its numbers are not checked: a table is read (\`<row>.<column>\`) only when it has at most ${MAX_TABLE_ROWS} rows, one level of column names and of row names, and distinct row names (the index, or the one column of texts such as \`model\`). Assign each number to a name (\`rf_accuracy = results.loc["rf", "accuracy"]\`), or show a dict or a one-row frame of them`;
    problems.push(cellProblem(notebook.path, cell, 'warning', 'metrics-table', message));
  }
  const { expected } = expectedFrom(shown, executed?.metrics);
  const renamed = renamedMetrics({ ...mine?.shown_metrics?.metrics, ...mine?.executed?.metrics }, expected);
  if (renamed.length > 0) {
    const pairs = firstOf(renamed.map(([was, now]) => `${was} is ${now}`), 4);
    const message = `metric${renamed.length === 1 ? '' : 's'} named otherwise than at the last promotion, with the same value${renamed.length === 1 ? '' : 's'}: ${pairs}. Runs made before keep the old name${renamed.length === 1 ? '' : 's'}, so the Runs view and \`nbpromote runs\` show old and new names side by side`;
    problems.push({ severity: 'info', code: 'metrics-renamed', message, file: request.notebook });
  }
  // The metrics an earlier --execute recorded were that code's: a plain promotion of changed code drops them.
  const dropped = request.executed === undefined && mine?.executed !== undefined && kept === undefined ? Object.keys(mine.executed.metrics).length : 0;
  if (dropped > 0) {
    const now = Object.keys(expected).length;
    const after = now === 0 ? 'no expected metric is known now, so the generated metrics test will skip' : `the saved outputs give ${now} expected metric${now === 1 ? '' : 's'} now`;
    const message = `the ${dropped} expected metric${dropped === 1 ? '' : 's'} \`promote --execute\` recorded ${dropped === 1 ? 'was' : 'were'} for the notebook's code as it was then, and the code changed since (a comment line does not count, a comment after code does), so ${dropped === 1 ? 'it is' : 'they are'} dropped: ${after}. Promote with --execute to record ${dropped === 1 ? 'it' : 'them'} for this code`;
    problems.push({ severity: 'warning', code: 'executed-metrics-dropped', message, file: request.notebook });
  }
  for (const problem of metricsReadsRebound(graph, notebook)) problems.push(problem);
  // A value printed under a label (`metric-named`) that the run records and the saved outputs give no value of:
  // the generated test cannot check it. Said on its line, rather than left out silently.
  if (executed === undefined && shown === shownNow && failedAbove === undefined) {
    for (const value of graph.printedValues ?? []) {
      const info = metricsCells.find((m) => m.cell.index === value.cellIndex);
      if (info === undefined || !printedSomething(info.cell) || savedError(info.cell) !== undefined || shown.has(value.name)) continue;
      // Text under the label (`best model: ridge`, an idxmax): no number, so the run records no metric either
      // (round 58 BBB: this said it did).
      if (printsText(info.cell, value.line)) continue;
      const message = `this line prints ${clipText(value.expression)}, which the run records as the metric ${value.name}${itemKeys(value.expression) === undefined ? '' : ' when it is a number'}, but its saved output gives no number that can be told to be that value (the line printed more than once, other lines printing alike, or a form that is not read), so the generated test does not check it. To check it, print it once, under a label no other line of the cell prints`;
      problems.push(cellProblem(notebook.path, info.cell, 'warning', 'metric-unread', message, value.line));
    }
  }
  // A value printed once per pass of a loop (round 54 TT: `print("accuracy:", accuracy)` for every model) is no
  // metric; said, rather than left out silently.
  for (const { cell } of metricsCells) {
    for (const value of loopPrintedValues(cell.source)) {
      // `for k in scores:` ... `sil = scores[k]` ... `print("silhouette:", sil)`: the values are a metric's entries (round 55 VV).
      if (runMetricNames.includes(value.name) || value.reads.some((n) => runMetricNames.includes(n))) continue;
      const message = `this line prints ${value.name} inside a loop, a value for each pass under one name: that is no metric, so the run neither records nor checks it. To make it one, keep the values by name (\`scores[name] = ${value.name}\`) and show them after the loop, or print the one you mean once, outside the loop`;
      problems.push(cellProblem(notebook.path, cell, 'warning', 'metric-in-loop', message, value.line));
    }
  }
  if (executed === undefined) {
    for (const name of namesShownNotANumber(metricsCells).filter((n) => !shown.has(n))) {
      const cell = metricsCells.find((m) => m.cell.source.includes(name))?.cell ?? lastMetricsCell;
      const message = `the saved outputs show ${name} as not a number (nan or inf): no value the generated test can compare, so it does not check ${name}. A metric that is NaN usually means a computation diverged or divided by zero`;
      if (cell !== undefined) problems.push(cellProblem(notebook.path, cell, 'warning', 'metric-not-a-number', message));
    }
  }
  const ranMetrics = executed !== undefined || metricsCells.some((m) => typeof m.cell.executionCount === 'number' || (m.cell.outputs ?? []).length > 0);
  // A metrics cell saved failing said why no value is read (`metrics-output-error`): not said again otherwise (round 41 R).
  const savedFailing = executed === undefined && metricsCells.some((m) => savedError(m.cell) !== undefined);
  if (lastMetricsCell !== undefined && ranMetrics && !droppedShown && failedAbove === undefined && !savedFailing && shown.size === 0 && (executed?.metrics.size ?? 0) === 0) {
    const how = executed === undefined ? 'its saved outputs show' : 'it gave when the notebook ran (--execute)';
    // Numbers shown under names that are no value the run records (`print(json.dumps({"acc": accuracy_score(...)}))`).
    const labelled = executed === undefined ? namesShownWithNumbers(metricsCells) : [];
    // Names the run does record (a value printed under a label), whose number could not be told apart.
    const recorded = labelled.filter((name) => runMetricNames.includes(name));
    const why =
      labelled.length === 0
        ? `no number ${how} has a name`
        : recorded.length > 0
          ? `its saved outputs show numbers under names the run records (${firstOf(recorded, 4)}), but none of them can be told to be the value the run records (lines printed more than once, or alike)`
          : `its saved outputs show numbers under names (${firstOf(labelled, 4)}), but none of them is a value the metrics cells compute or read, which is what the run records`;
    // Shown only as HTML (some front ends and exporters save no text/plain): the names are there, unread (round 62 JJJ).
    const htmlOnly = executed === undefined && labelled.length === 0 ? metricsCells.map((m) => shownWithoutText(m.cell)).find((kinds) => kinds !== undefined) : undefined;
    const message =
      htmlOnly !== undefined
        ? `no metric is read from the metrics cell: its saved output holds the value only as ${htmlOnly.join(', ')}, with no text/plain, which is what promotion reads, so the generated test checks none. Promote with --execute to run the notebook and record them, or save the notebook from Jupyter`
        : `no metric is read from the metrics cell: ${why}, so the generated test checks none.${textTablesReason(graph.problems, lastMetricsCell)} Give each number a name (\`accuracy = accuracy_score(y_test, pred)\`) and print or show it, or end the cell with the computed value (\`accuracy_score(y_test, pred)\`)`;
    // On the last metrics cell holding code: not the blank cell Jupyter leaves at the end, joined to it (round 56 WW).
    const holding = [...metricsCells].reverse().find((m) => m.cell.source.trim() !== '')?.cell ?? lastMetricsCell;
    problems.push(cellProblem(notebook.path, holding, 'warning', 'metrics-none', message));
  }
  // A metrics cell that never ran: a percent script keeps no outputs, a notebook may be saved unrun (round 43 U:
  // `4 passed, 1 skipped` read as green in CI, with nothing said at promotion).
  // (Not beside executed-metrics-dropped, which says as much: round 76 KLK.)
  if (lastMetricsCell !== undefined && executed === undefined && !ranMetrics && !droppedShown && failedAbove === undefined && shown.size === 0 && dropped === 0) {
    const why = notebook.format === 'percent' ? 'a percent script keeps no outputs' : 'the notebook was saved without running its metrics cell';
    const message = `no expected metric is known (${why}), so the generated metrics test will skip. Promote with --execute to run the notebook and record them`;
    problems.push(cellProblem(notebook.path, lastMetricsCell, 'warning', 'metrics-unrecorded', message));
  } else if (executed === undefined && ranMetrics && !droppedShown && failedAbove === undefined) {
    // One metrics cell of several never ran (round 44 W): what it computes is expected of no run.
    for (const m of metricsCells.filter((c) => typeof c.cell.executionCount !== 'number' && (c.cell.outputs ?? []).length === 0 && c.assigned.length > 0)) {
      const message = `this metrics cell never ran when the notebook was saved, so no value it computes is expected: the generated metrics test does not check them. Run the notebook and save it, or promote with --execute`;
      problems.push(cellProblem(notebook.path, m.cell, 'warning', 'metrics-unrecorded', message));
    }
  }
  const durations = [...new Set([...shown.keys(), ...(executed?.metrics.keys() ?? [])])].filter(isDurationName);
  if (durations.length > 0) {
    const names = firstOf(durations, 4);
    const message = `${names} ${durations.length === 1 ? 'is a duration' : 'are durations'} by ${durations.length === 1 ? 'its name' : 'their names'}: a run reports ${durations.length === 1 ? 'it' : 'them'}, but the generated test does not expect the notebook's ${durations.length === 1 ? 'value' : 'values'} (a time differs at every run)`;
    const cell = metricsCells[0]?.cell;
    problems.push(cell === undefined ? { severity: 'info', code: 'metric-duration', message, file: request.notebook } : cellProblem(notebook.path, cell, 'info', 'metric-duration', message));
  }

  // A step that ends by showing a value and gives nothing to anyone (`importances.sort_values()` last): the
  // package computes what it showed and drops it.
  for (const step of graph.steps) {
    const lastCell = step.cells[step.cells.length - 1];
    const trailing = lastCell === undefined ? undefined : analysed.get(lastCell.index)?.analysis.trailingExpression;
    const cell = lastCell === undefined ? undefined : notebook.cells.find((c) => c.index === lastCell.index);
    if (step.outputs.length > 0 || trailing?.removed !== true || cell === undefined) continue;
    const shownText = clipText(trailing.text.trim().split('\n')[0] ?? '');
    const message = `step ${step.name} ends by showing \`${shownText}\`, and no later step, metric or test uses anything it makes: the package runs the step and drops what the notebook showed. To check those numbers, tag the cell \`metrics\` (a table of up to ${MAX_TABLE_ROWS} rows gives a metric per number); to keep the value, give it a name a later cell uses`;
    problems.push(cellProblem(notebook.path, cell, 'info', 'step-shows-only', message, trailing.line));
  }

  // A shared function or class defined again with steps between: what the package cannot run as the notebook did.
  for (const use of sharedVersions(graph, generated).inexact) {
    const cell = notebook.cells.find((c) => c.index === use.cell.index);
    if (cell !== undefined) problems.push(cellProblem(notebook.path, cell, 'warning', 'shared-redefined', use.message));
  }
  // The output folder as the user names folders: from the folder they work in, when it is under it.
  const outShown = folderFromCwd(request.cwd, outDir);
  const relNotebook = toPosix(relative(physicalOut, notebookPath));
  const workdir = toPosix(relative(physicalOut, dirname(notebookPath))) || '.';
  if (relNotebook.startsWith('../')) {
    problems.push({ severity: 'info', code: 'notebook-outside-out', message: `the notebook is outside the output folder ${outShown}; pipeline.yaml refers to it as ${relNotebook}`, file: request.notebook });
  }
  const localModules = await findLocalModules(dirname(notebookPath), notebook, importedModules(graph), analysis.movesTo);
  // What the reproduction test names when it fails: the draws no seed fixes ("cell 4 line 2: ... draws ...").
  const unseededDraws = problems.filter((p) => p.code === 'not-reproducible' && p.cellIndex !== undefined).map((p) => `cell ${(p.cellIndex ?? 0) + 1} line ${p.line ?? 1}: ${p.message.split(/\. |: every run/)[0] ?? p.message}`);
  // Saved outputs older than the code, when the expected metrics are theirs (not an execution's): each warning, by cell.
  const staleOutputs = (execution: Execution | undefined): string[] =>
    execution !== undefined && execution.metrics.size > 0 ? [] : problems.filter((p) => p.code === 'metrics-output-stale' || p.code === 'outputs-not-rerun').map((p) => `cell ${(p.cellIndex ?? 0) + 1}: ${p.message.split(/: (?:its|the) |; /)[0] ?? p.message}`);
  // The files as they are with the expectations of `execution` (expected metrics, recorded types and shapes).
  const planUnsettled = (version: string, execution: Execution | undefined): FilePlan[] => {
    const metrics = expectedFrom(shown, execution?.metrics);
    const stale = staleOutputs(execution);
    return planPromotion({
      notebook,
      graph,
      cells: generated,
      ...(analysis.sharedParts === undefined ? {} : { sharedCells: new Map([...analysis.sharedParts].map(([i, a]) => [i, a.generated])) }),
      packageName,
      version,
      toolVersion: request.toolVersion,
      notebookPath: relNotebook,
      workdir,
      sharedModule: sharedModuleFor(roles.defaultExp),
      ...(Object.keys(metrics.expected).length === 0 ? {} : { expectedMetrics: metrics.expected }),
      ...(Object.keys(metrics.decimals).length === 0 ? {} : { shownDecimals: metrics.decimals }),
      ...(metrics.truncated.length === 0 ? {} : { shownTruncated: metrics.truncated }),
      runtimeSource,
      ...(execution === undefined ? {} : { recorded: execution.outputs }),
      ...(execution !== undefined && execution.metrics.size === 0 && Object.keys(metrics.expected).length === 0 ? { ranWithoutMetrics: true as const } : {}),
      ...(localModules.size === 0 ? {} : { localModules }),
      ...(analysis.movesTo.length === 0 ? {} : { movesTo: analysis.movesTo }),
      ...(unseededDraws.length === 0 ? {} : { unseededDraws }),
      ...(stale.length === 0 ? {} : { staleOutputs: stale }),
      ...((execution === undefined || execution.metrics.size === 0) && Object.keys(metrics.expected).length > 0 ? { expectedFromOutputs: true as const } : {}),
    });
  };
  // The lock's notebook as the user names notebooks: from the folder they work in.
  const lockNotebookShown = old === undefined ? '' : toPosix(relative(request.cwd, resolve(physicalOut, ...old.notebook.path.split('/')))) || old.notebook.path;
  if (old !== undefined && lockNotebook === 'other') {
    const message = `${LOCK_FILE_NAME} in ${outShown} holds the package ${old.package} of another notebook, ${lockNotebookShown}, which is still there: promoting this one here would replace that package. Promote into another --out folder (or, if this notebook replaces that one, move or delete ${lockNotebookShown} first)`;
    return { ...fail([...problems, { severity: 'error', code: 'other-notebook', message, file: request.notebook }], inspection), graph };
  }
  // The package this notebook was promoted to keeps its name when the name nbpromote derives differs (`--package
  // iris` once; a newer nbpromote names `02b_churn.ipynb` `churn`, an older one `b_churn`), unless that name now
  // hides a module. Decided before anything is planned: the plans name its folder (round 38 M: planned under the
  // derived name first, every later promotion was a change and `check` failed).
  if (old !== undefined && old.package !== packageName && lockNotebook === 'same' && request.packageName === undefined && isIdentifier(old.package) && !PYTHON_KEYWORDS.has(old.package) && hiddenModule(old.package, modulesImported) === undefined) {
    packageName = old.package;
  }
  if (old !== undefined && old.package !== packageName) {
    const gone = lockNotebook === 'gone' ? ` It was promoted from ${lockNotebookShown}, which is gone: if this notebook is that one, renamed or moved, promote with --package ${old.package} to keep its package; else promote into another --out folder` : ` Promote with --package ${old.package}, or into another --out folder`;
    return { ...fail([...problems, { severity: 'error', code: 'package-changed', message: `${LOCK_FILE_NAME} in ${outShown} is for package ${old.package}, not ${packageName}.${gone}`, file: request.notebook }], inspection), graph };
  }
  // A promotion that crashed while writing left files of its own generation beside the old lock: the journal of
  // what it was writing tells them from hand edits.
  const known = await withPendingWrites(outDir, old);
  const foreign = foreignLockPaths(known);
  if (foreign.length > 0) {
    const listed = foreign.length <= 3 ? foreign.join(', ') : `${foreign.slice(0, 3).join(', ')} and ${foreign.length - 3} more`;
    problems.push({ severity: 'warning', code: 'lock-foreign-path', message: `${LOCK_FILE_NAME} in ${outShown} lists ${listed}, which promotion never writes (the lock was edited by hand): ${foreign.length === 1 ? 'it is' : 'they are'} left alone, never deleted`, file: request.notebook });
  }
  // pyproject.toml is nbpromote's, updated like any generated file, until a person edits it: then it is theirs,
  // kept as it is, and what it does not list of the package's dependencies is a warning.
  const unsettled = planUnsettled(old?.version ?? FIRST_VERSION, executed);
  const theirs = await findEditedUntilEdited(outDir, unsettled, known);
  // The plan just made serves again for the same version and expectations (planning a large notebook takes time).
  const planWith = (version: string, execution: Execution | undefined): FilePlan[] => settleUntilEdited(version === (old?.version ?? FIRST_VERSION) && execution === executed ? unsettled : planUnsettled(version, execution), theirs);
  // One that is nbpromote's now and that the lock does not list (written again after the person deleted theirs,
  // or under a lock from before pyproject.toml was listed): the lock records it, but the package did not change.
  const adopted = new Set(unsettled.filter((p) => p.mode === 'until-edited' && !theirs.has(p.path) && lockedHash(known, p.path) === undefined).map((p) => p.path));
  const versioned = (all: readonly FilePlan[]): FilePlan[] => all.filter((p) => !adopted.has(p.path));
  const planFor = (version: string): FilePlan[] => planWith(version, executed);
  for (const [path, text] of theirs) {
    const missing = missingDependencies(text, inferredDependencies(graph, localModules));
    if (missing.length > 0) problems.push({ severity: 'warning', code: 'pyproject-missing-dependency', message: missingDependenciesMessage(path, missing, text), file: request.notebook });
  }

  // Versioning: what changed, the new version (docs/versioning.md).
  // Gone from the lock's path; or the editor moved the package with it (a renamed folder), and the lock says from where.
  const movedFrom = lockNotebook === 'gone' ? old?.notebook.path : old?.notebook.moved_from;
  const moved = old !== undefined && movedFrom !== undefined && movedFrom !== relNotebook ? { from: movedFrom, to: relNotebook } : undefined;
  const now = currentSnapshot(graph, notebook);
  let plans = planFor(old?.version ?? FIRST_VERSION);
  const changedFiles = old === undefined ? undefined : changedGeneratedFiles(versioned(plans), old);
  const filesChanged = changedFiles === undefined || changedFiles.length > 0;
  // This --execute recorded other expectations than the lock kept, and with those kept the files would be the
  // ones last generated: the expectations are what changed.
  const expectationsChanged = old !== undefined && filesChanged && request.executed !== undefined && !generatedFilesChanged(versioned(planWith(old.version, kept)), old);
  const notebookChanged = old !== undefined && old.notebook.sha256 !== sha256(text);
  // The first --execute of an unchanged notebook whose files changed: the executed run is what changed them, even
  // where more than the expectations differ (round 63 LLL: after a promotion warning of stale outputs, whose notes
  // the executed run drops, it was said to be "another nbpromote version").
  const firstExecuted = old !== undefined && filesChanged && request.executed !== undefined && kept === undefined && !notebookChanged;
  const expectations = expectationsChanged ? (kept === undefined ? 'executed' : 'executed-again') : firstExecuted ? 'executed' : undefined;
  const diff = diffSnapshots(old, now, filesChanged, notebookChanged, expectations, moved, old === undefined || changedFiles === undefined ? undefined : changedOutsideSteps(changedFiles, packageName, sharedModuleFor(roles.defaultExp), old.shown_metrics?.metrics, expectedFrom(shown, undefined).expected));
  let version = FIRST_VERSION;
  if (old !== undefined) {
    const bumped = bumpVersion(old.version, diff.bump);
    if (!bumped.ok) return { ...fail([...problems, { severity: 'error', code: 'lock-version', message: `${LOCK_FILE_NAME}: ${bumped.error}`, file: request.notebook }], inspection), graph };
    version = bumped.version;
  }
  if (version !== (old?.version ?? FIRST_VERSION)) plans = planFor(version);
  const changes = old === undefined ? [FIRST_PROMOTION] : diff.changes;
  // A percent script where the package goes (`src/churn/pipeline.py`): writing would replace the notebook
  // itself, with --force or --merge too.
  const overwritten = await notebookAmongPlans(notebookPath, outDir, plans);
  if (overwritten !== undefined) {
    problems.push({ severity: 'error', code: 'notebook-is-output', message: `the notebook is where promotion writes ${overwritten}: promote into another folder (--out) or with another --package, or move the notebook`, file: request.notebook });
    return { ...fail(problems, inspection), graph, version, changes };
  }

  // Hand edits: never overwritten silently.
  if (request.dryRun !== true) await cleanStaleTemps(outDir, stateDirectories(plans));
  const edits = await findHandEdits(outDir, plans, known);
  const resolution = request.resolve ?? 'stop';
  // Edited by hand, and the notebook has not changed the file since: the edit stays, nothing to decide, with
  // --force too (it replaces what the notebook changes). Only a file an earlier --merge left with conflict
  // markers is replaced by a real --force, keeping it beside as .orig.
  const marked = (e: HandEdit): boolean => /^(?:<{7}|>{7})(?: |$)/m.test(e.diskText ?? '');
  const forcing = resolution === 'force' && request.dryRun !== true;
  const keptEdits = new Set(edits.filter((e) => e.kind === 'kept' && !(forcing && marked(e))).map((e) => e.path));
  const conflicts = edits.filter((e) => isConflict(e) || (e.kind === 'kept' && forcing && marked(e)));
  if (conflicts.length > 0 && resolution === 'stop') {
    // Two promotions into one new folder at once: the files the other one is writing (its lock comes last) are
    // no hand edits, and --merge is not what to do.
    const busy = await promotionInProgress(outDir);
    if (busy !== undefined) throw new PromotionRace(busy.replace(/; try again/, '; nothing was written. Try again'));
    if ((await lockText(outDir)) !== previous.text) throw new PromotionRace(`another promotion changed ${join(outDir, LOCK_FILE_NAME)} while this one was being planned; nothing was written. Promote again`);
    // One message per file: a file holding conflict markers says so, not that it was edited by hand too.
    for (const edit of conflicts) problems.push(marked(edit) ? markersProblem(request.notebook, edit, request.dryRun === true) : handEditProblem(request.notebook, edit, old !== undefined));
    return { ...fail(problems, inspection), graph, version, changes };
  }
  // A file an earlier --merge left with conflict markers: merging it again would bury them, and it is not up
  // to date (check and status make dry runs with --force). A real --force replaces it, keeping it as .orig.
  const unresolved = forcing ? [] : edits.filter((e) => (isConflict(e) || keptEdits.has(e.path)) && marked(e));
  if (unresolved.length > 0) {
    for (const edit of unresolved) problems.push(markersProblem(request.notebook, edit, request.dryRun === true));
    return { ...fail(problems, inspection), graph, version, changes };
  }

  // Kept files are the ones `run`, pytest and pip read: a hand edit that broke one fails here as it would there.
  const keptFiles = [...edits.filter((e) => keptEdits.has(e.path)).map((e) => ({ path: e.path, text: e.diskText ?? '' })), ...[...theirs].map(([path, text]) => ({ path, text }))];
  const unreadable = await keptFileProblems(outDir, keptFiles, request.notebook, plans.find((p) => p.path === PIPELINE_CONFIG)?.contents, request.dryRun === true);
  if (unreadable.length > 0) {
    problems.push(...unreadable);
    return { ...fail(problems, inspection), graph, version, changes };
  }

  const why = new Map(plans.map((p) => [p.path, p.why]));
  const unchangedRun = old !== undefined && diff.bump === 'none' && !filesChanged && conflicts.length === 0 && adopted.size === 0;
  const running = request.dryRun === true || request.evenIfRunning === true || unchangedRun ? undefined : await runGoingOn(outDir, packageName, request.notebook);
  if (running !== undefined) {
    problems.push(running);
    return { ...fail(problems, inspection), graph, version, changes };
  }
  let files: PromotedFile[];
  // What promotion writes: a planned file kept as the person edited it, or merged with their edits, is theirs,
  // read for what it imports and reads like any file promotion leaves (round 63 LLL: a kept test reading a
  // renamed step's run, check said up to date; round 65 OOO: a merged one, promote said nothing).
  const personal = new Set([...keptEdits, ...(resolution === 'merge' ? conflicts.map((c) => c.path) : [])]);
  const notKept = plans.filter((p) => !personal.has(p.path));
  // The files a merge wrote with conflict markers (`PromoteOutcome.conflicted`).
  const markedFiles: string[] = [];
  if (request.dryRun === true) {
    const actions = await planActions(outDir, plans);
    const conflicted = new Set(conflicts.map((c) => c.path));
    files = actions.files.map((f) => ({
      path: f.path,
      action: keptEdits.has(f.path) ? 'kept-edit' : conflicted.has(f.path) ? (resolution === 'merge' ? 'would-merge' : 'would-force') : f.action === 'created' ? 'would-create' : f.action === 'changed' ? 'would-change' : f.action,
      why: why.get(f.path) ?? '',
    }));
    const orphans = await findOrphans(outDir, plans, known);
    for (const orphan of orphans) if (orphan.state === 'edited') files.push({ path: orphan.path, action: 'kept', why: KEPT_ORPHAN });
    const removedImports = await findRemovedImports(outDir, notKept, known, packageName);
    problems.push(...removedImports.map((r) => removedImportProblem(r, orphans, packageName, request.notebook, personal)));
    const goneOrphans = new Set(orphans.filter((o) => o.state === 'unchanged').map((o) => o.path));
    const testsOfRemoved = await findTestsOfRemovedSteps(outDir, notKept, graph.steps.map((st) => st.name), goneOrphans);
    problems.push(...testsOfRemoved.filter((t) => !removedImports.some((r) => r.path === t.path)).map((t) => testOfRemovedStepProblem(t, request.notebook, personal)));
    // check reads the package as this promotion would leave it: a step module still on disk may import a helper no more.
    const written = new Map(plans.filter((p) => !keptEdits.has(p.path) && !conflicted.has(p.path)).map((p) => [p.path, p.contents]));
    problems.push(...(await unusedStepModules(outDir, packageName, plans, orphans, request.notebook, written)));
  } else {
    // Every path checked on disk before the lock, the journal or any folder is made: a file where `src/` must
    // be stops promotion with nothing written.
    await checkPlan(outDir, plans);
    const gitState = request.git === false ? { commit: null, dirty: null } : await notebookState(notebookPath);
    let provenance: LockFile | undefined;
    if (request.beforeWrite !== undefined) {
      const actions = await planActions(outDir, plans.filter((p) => !keptEdits.has(p.path)));
      const unchanged =
        unchangedRun &&
        actions.files.every((f) => f.action === 'unchanged' || f.action === 'kept') &&
        !(await findOrphans(outDir, plans, known)).some((o) => o.state === 'unchanged');
      const { released } = await request.beforeWrite({ package: packageName, version, paths: [...plans.map((p) => p.path), LOCK_FILE_NAME], unchanged, keptEdits: [...keptEdits] });
      // A version about to be tagged whose files a plain promotion wrote: the lock names the notebook as it is now,
      // committed (round 46 Z: the tag held a lock saying it had uncommitted changes, naming the commit before).
      // One released already keeps the lock it was tagged with (round 47 AA).
      const notebookNow = { path: relNotebook, sha256: sha256(text), git_commit: gitState.commit, git_dirty: gitState.dirty };
      if (unchangedRun && !released && old !== undefined && (old.notebook.sha256 !== notebookNow.sha256 || old.notebook.git_commit !== notebookNow.git_commit || old.notebook.git_dirty !== notebookNow.git_dirty)) provenance = { ...old, notebook: notebookNow };
    }
    // What this promotion makes before its files can be written (the output folder, `.nbpromote/` with its
    // .gitignore, lock and journal) goes again when it fails before any file is written: "no file was
    // written" is then the whole truth.
    const madeOut = !(await pathExists(outDir));
    const madeState = madeOut || !(await pathExists(join(outDir, PROMOTION_LOCK_DIR)));
    let planApplied = false;
    const written = await withPromotionLock(
      outDir,
      async () => {
        // Another promotion into the same folder may have finished between this one's plan and its lock: its
        // version and files are not what this plan was made from.
        if ((await lockText(outDir)) !== previous.text) {
          throw new PromotionRace(`another promotion changed ${join(outDir, LOCK_FILE_NAME)} while this one was being planned; nothing was written. Promote again`);
        }
        const toWrite: FilePlan[] = [];
        const merged = new Set<string>();
        const forced: string[] = [];
        for (const plan of plans) {
          const edit = conflicts.find((c) => c.path === plan.path);
          if (keptEdits.has(plan.path)) continue;
          if (edit === undefined) toWrite.push(plan);
          else if (resolution === 'merge') {
            const result = await mergeHandEdit(outDir, edit, plan, old, version);
            if (result.conflicts > 0) markedFiles.push(plan.path);
            merged.add(plan.path);
            if (!result.baseFound) problems.push({ severity: 'warning', code: 'merge-no-base', message: `${plan.path}: no version nbpromote generated is in .nbpromote/base (a fresh clone?) or in the file's git history (a shallow clone, or a file never committed as generated), so every difference is marked as a conflict`, file: request.notebook });
            if (result.baseCommit !== undefined) {
              const which = result.baseVersion === undefined ? 'the version nbpromote last generated' : `the version nbpromote generated for ${result.baseVersion} (the last one was never committed as generated: a merge or a hand edit was)`;
              problems.push({ severity: 'info', code: 'merge-base-from-git', message: `${plan.path}: merged against ${which}, read from commit ${result.baseCommit.slice(0, 12)} (.nbpromote/base has no copy of it, as in a fresh clone)`, file: request.notebook });
            }
            const one = result.conflicts === 1;
            if (result.conflicts > 0) problems.push({ severity: 'error', code: 'merge-conflict', message: `${plan.path}: ${one ? 'a merge conflict' : `${result.conflicts} merge conflicts`} left marked with <<<<<<< and >>>>>>>; resolve ${one ? 'it' : 'them'}, then promote again`, file: request.notebook });
            toWrite.push({ ...plan, contents: result.text });
          } else {
            forced.push(plan.path);
            const kept = await freeBackupPath(outDir, plan.path, edit.diskText ?? '');
            toWrite.push({ path: kept, contents: edit.diskText ?? '', why: `your version of ${plan.path}, kept by --force` }, plan);
          }
        }
        await cleanStaleTemps(outDir, stateDirectories(toWrite));
        const journal = join(outDir, PENDING_FILE);
        const journalBefore = await pathExists(journal);
        if (!unchangedRun) await writeFileAtomic(journal, JSON.stringify({ files: fileHashes(plans) }));
        let applied;
        try {
          applied = await applyPlan(outDir, toWrite, { logger: log });
          planApplied = true;
        } catch (ex) {
          if (ex instanceof WriteError && ex.replaced.length > 0) planApplied = true;
          // Nothing replaced (the disk filled up while the temporary files were written, or a path changed
          // since the check): this promotion's journal records nothing, and goes.
          const nothingReplaced = NbpromoteError.is(ex, 'invalidInput') || (ex instanceof WriteError && ex.replaced.length === 0);
          if (nothingReplaced && !journalBefore) await rm(journal, { force: true });
          throw ex;
        }
        const results: { path: string; action: PromotedFile['action'] }[] = [...applied.files];
        const orphans = await findOrphans(outDir, plans, known);
        const removedImports = await findRemovedImports(outDir, notKept, known, packageName);
        for (const orphan of orphans) {
          if (orphan.state !== 'unchanged') continue;
          await rm(join(outDir, ...orphan.path.split('/')), { force: true });
          results.push({ path: orphan.path, action: 'deleted' });
        }
        // A test whose import is gone is said so (removed-import), once.
        const testsOfRemoved = (await findTestsOfRemovedSteps(outDir, notKept, graph.steps.map((st) => st.name))).filter((t) => !removedImports.some((r) => r.path === t.path));
        for (const orphan of orphans) {
          if (orphan.state === 'unchanged') continue;
          // Listed with the files, as the files it writes are (round 57 ZZ: only a warning said it was there).
          results.push({ path: orphan.path, action: 'kept' });
          why.set(orphan.path, KEPT_ORPHAN);
          if (!removedImports.some((r) => r.path === orphan.path) && !testsOfRemoved.some((t) => t.path === orphan.path) && !orphan.path.startsWith(`src/${packageName}/steps/`)) problems.push({ severity: 'warning', code: 'orphan-edited', message: `${orphan.path} is no longer generated but was edited by hand, so it is kept`, file: request.notebook });
        }
        problems.push(...removedImports.map((r) => removedImportProblem(r, orphans, packageName, request.notebook, personal)));
        problems.push(...testsOfRemoved.map((t) => testOfRemovedStepProblem(t, request.notebook, personal)));
        problems.push(...(await unusedStepModules(outDir, packageName, plans, orphans, request.notebook)));
        if (!unchangedRun) {
          await saveBase(outDir, plans).catch((ex: unknown) => {
            // The package's files are written by now: the message must not say that nothing was.
            if (!(ex instanceof WriteError)) throw ex;
            const outcome = `the package's files were written, but not all their copies in ${BASE_DIR} (kept to merge later hand edits), and ${LOCK_FILE_NAME} was not updated, so the promotion is unfinished (run and check say so)`;
            throw new WriteError(fileSystemMessage(ex.cause, 'write', ex.target, outcome), ex.replaced, ex.cause, ex.target);
          });
          const lock = nextLock({ previous: old, package: packageName, version, toolVersion: request.toolVersion, promotedAt: new Date(), notebook: { path: relNotebook, sha256: sha256(text), git_commit: gitState.commit, git_dirty: gitState.dirty }, current: now, plans, changes, ...(executed === undefined ? {} : { executed: lockExecution(codeHash, sourceHash, logicHash, executed) }), ...(shownRecord === undefined ? {} : { shownMetrics: shownRecord }) });
          await writeFileAtomic(join(outDir, LOCK_FILE_NAME), renderLockFile(lock));
          results.push({ path: LOCK_FILE_NAME, action: old === undefined ? 'created' : 'changed' });
        } else if (provenance !== undefined) {
          await writeFileAtomic(join(outDir, LOCK_FILE_NAME), renderLockFile(provenance));
          results.push({ path: LOCK_FILE_NAME, action: 'changed' });
          why.set(LOCK_FILE_NAME, 'the notebook it was promoted from, as committed');
        }
        await rm(join(outDir, PENDING_FILE), { force: true });
        for (const path of keptEdits) results.push({ path, action: 'kept-edit' });
        return results.map((f) => ({ path: f.path, action: merged.has(f.path) ? ('merged' as const) : forced.includes(f.path) ? ('forced' as const) : f.action, why: why.get(f.path) ?? (f.path === LOCK_FILE_NAME ? 'versions, hashes and history' : '') }));
      },
      { logger: log, ...(request.lockWaitMs === undefined ? {} : { waitMs: request.lockWaitMs }) },
    ).catch(async (ex: unknown) => {
      // Only for the file system's refusals: a promotion that timed out waiting for the lock leaves the
      // folder to the one holding it.
      if (!planApplied && NbpromoteError.is(ex, 'fileSystem')) await removeMadeState(outDir, madeOut, madeState);
      throw ex;
    });
    files = written;
  }
  if (markedFiles.length > 0) return { ...fail(problems, inspection), files, graph, package: packageName, version, changes, conflicted: markedFiles };
  const lastMetrics = metricsCells[metricsCells.length - 1];
  const metricsProbe: MetricsProbe | undefined =
    lastMetrics === undefined
      ? undefined
      : {
          afterCell: lastMetrics.cell.index,
          names: runMetricNames,
          shown: analysed.get(lastMetrics.cell.index)?.generated.trailingExpression !== undefined || analysed.get(lastMetrics.cell.index)?.generated.shownExpression !== undefined,
          ...earlierMetricReads(graph, metricsCells.map((m) => m.cell.index), generated),
          ...shownMetricNames(metricsCells, runMetricNames),
          ...shownExactProbe(lastMetrics.trailingText),
          ...displayProbe(metricsCells, runMetricNames),
          ...(graph.printedValues === undefined ? {} : { printedValues: graph.printedValues }),
        };
  const stepProbes: StepProbe[] = graph.steps.flatMap((step) => {
    const last = step.cells[step.cells.length - 1];
    return last === undefined || step.outputs.length === 0 ? [] : [{ step: step.name, afterCell: last.index, outputs: step.outputs }];
  });
  const skippedCells = roles.cells.filter((c) => c.roles.includes('skip')).map((c) => c.cellIndex);
  return { ok: true, package: packageName, version, changes, outDir, files, graph, inspection, problems, expectedMetrics: expected, stepProbes, skippedCells, ...(metricsProbe === undefined ? {} : { metricsProbe }) };
}

/**
 * A metrics cell reading a value from one step that a later step sets again (`pred` of logreg, then of forest):
 * the package computes the metrics once, after the last step, so that cell's metrics use the later value. A
 * warning on the cell, once per name.
 */
function metricsReadsRebound(graph: StepGraph, notebook: Notebook): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    if (edge.to !== 'metrics' || edge.from === 'parameters') continue;
    const at = edge.usedAt.cellIndex;
    const later = graph.steps.find((s) => s.name !== edge.from && s.outputs.includes(edge.name) && (s.cells[0]?.index ?? -1) > at);
    const cell = notebook.cells.find((c) => c.index === at);
    if (later === undefined || cell === undefined || seen.has(`${at}\0${edge.name}`)) continue;
    seen.add(`${at}\0${edge.name}`);
    const message = `this metrics cell reads ${edge.name} from step ${edge.from}, and step ${later.name} (cell ${(later.cells[0]?.index ?? 0) + 1}) sets ${edge.name} again after it: the package computes the metrics once, after the last step, so this cell's values come from ${later.name}'s ${edge.name}, not what the notebook showed here. Give the later value another name (\`${later.name}_${edge.name}\`), or move this cell below step ${later.name}`;
    problems.push(cellProblem(notebook.path, cell, 'warning', 'metrics-reads-rebound', message, edge.usedAt.line));
  }
  return problems;
}

/**
 * What the metrics cells pass to `display(...)`, for the --execute probe, in the order the package reads them
 * (`readDisplays`): a name, read at the end, or the index of an expression, evaluated right after its cell
 * (`displayedAfter`).
 */
function displayProbe(cells: readonly MetricsCellInfo[], names: readonly string[]): Pick<MetricsProbe, 'displayed' | 'displayedAfter'> {
  const displayed: (string | number)[] = [];
  const after = new Map<number, { index: number; text: string }[]>();
  for (const { cellIndex, display } of readDisplays(cells.map((c) => ({ index: c.cell.index, displayed: c.displayed ?? [] })), names)) {
    if (display.name !== undefined) {
      displayed.push(display.name);
      continue;
    }
    after.set(cellIndex, [...(after.get(cellIndex) ?? []), { index: displayed.length, text: display.text }]);
    displayed.push(displayed.length);
  }
  const displayedAfter = [...after].map(([afterCell, expressions]) => ({ afterCell, expressions }));
  return { ...(displayed.length === 0 ? {} : { displayed }), ...(displayedAfter.length === 0 ? {} : { displayedAfter }) };
}

/** The name the last metrics cell's shown value rounds (`results.round(4)`), for the --execute probe as for the package. */
function shownExactProbe(trailingText: string | undefined): Pick<MetricsProbe, 'shownExact'> {
  const name = trailingText === undefined ? undefined : roundedName(trailingText);
  return name === undefined ? {} : { shownExact: name };
}

/**
 * The names of the computed values the metrics cells show (`shownNames`), for the --execute probe: the last
 * cell's (`shownNames`), and each earlier cell's (`shownEarlier`), as the package keeps them (plan.ts).
 */
function shownMetricNames(cells: readonly MetricsCellInfo[], taken: readonly string[]): Pick<MetricsProbe, 'shownNames' | 'shownEarlier'> {
  const named = shownNamesOfCells(cells.map((c) => c.trailingText), taken);
  const lastNames = named[cells.length - 1];
  const shownEarlier = cells.slice(0, -1).flatMap((c, i) => {
    const names = named[i];
    if (names !== undefined) return [{ afterCell: c.cell.index, names }];
    const read = earlierShownRead(c.trailingText);
    return read === undefined ? [] : [{ afterCell: c.cell.index, names: [], read }];
  });
  return { ...(lastNames === undefined ? {} : { shownNames: lastNames }), ...(shownEarlier.length === 0 ? {} : { shownEarlier }) };
}

/**
 * The inspection with `step:<name>` tags added in memory where `suggestSteps` proposes them (the first code
 * cell under each markdown heading), and an info problem per step saying so. The notebook file is not touched.
 */
function withInferredSteps(inspection: Inspection): Inspection {
  const { notebook, roles } = inspection;
  if (notebook === undefined || roles === undefined) return inspection;
  const suggestions = suggestSteps(notebook, roles);
  if (suggestions.length === 0) return inspection;
  const byCell = suggestedStepCells(notebook, roles, suggestions);
  const tagged: Notebook = { ...notebook, cells: notebook.cells.map((c) => (byCell.has(c.index) ? { ...c, tags: [...c.tags, suggestionTag(byCell.get(c.index) ?? '')] } : c)) };
  const newRoles = readRoles(tagged);
  const inferred: Problem[] = suggestions.map((s) => ({
    severity: 'info',
    code: 'step-inferred',
    message:
      s.lastPrints === true
        ? `the metrics inferred from the notebook's last code cell, which only prints or shows values (and computes them); tag the cell ${suggestionTag(s.name)} to keep it`
        : s.readsParameter === true
          ? `step ${s.name} inferred: the first cell reading a parameter, which shared code cannot; tag the cell ${suggestionTag(s.name)} to keep it`
        : s.loadsData === true
          ? `step ${s.name} inferred: the first cell loading data, which is a step's work (as shared code, it would load it whenever the package is imported); tag the cell ${suggestionTag(s.name)} to keep it`
        : s.noHeading === true
          ? `step ${s.name} inferred: the notebook has no markdown heading to name steps by, so its code from this cell on is one step; tag the cell ${suggestionTag(s.name)} to keep it, or add headings (##) to split it`
        : `${s.name === METRICS_SUGGESTION ? 'the metrics' : s.name === PARAMETERS_SUGGESTION ? 'the parameters' : `step ${s.name}`} inferred from the heading "${s.heading}" (cell ${s.headingCellIndex + 1}); tag the cell ${suggestionTag(s.name)} to keep it`,
    file: notebook.path,
    cellIndex: s.cellIndex,
    ...(s.cellId === undefined ? {} : { cellId: s.cellId }),
  }));
  const problems = [...inspection.problems.filter((p) => p.code !== 'no-roles'), ...newRoles.problems, ...inferred];
  return { ...inspection, notebook: tagged, roles: newRoles, problems, ok: !hasErrors(problems) };
}

/**
 * Every folder a promotion writes into: the plan's, `.nbpromote/` (journal, lock) and the base copies under
 * `.nbpromote/base/`, where a crash can leave temporary files.
 */
function stateDirectories(plans: readonly FilePlan[]): string[] {
  const dirs = planDirectories(plans);
  return [...new Set([...dirs, '.nbpromote', ...dirs.map((d) => (d === '.' ? BASE_DIR : `${BASE_DIR}/${d}`))])];
}

/** The journal a promotion writes before its files and removes after its lock: what it was writing. */
export const PENDING_FILE = '.nbpromote/pending.json';

/**
 * The previous lock, with the files a crashed promotion had already written (their bytes equal its journal's
 * hash) counted as generated, so they are never mistaken for hand edits.
 */
async function withPendingWrites(outDir: string, old: LockFile | undefined): Promise<LockFile | undefined> {
  if (old === undefined) return undefined;
  let pending: Record<string, string>;
  try {
    const parsed = JSON.parse(await readFile(join(outDir, PENDING_FILE), 'utf8')) as { files?: Record<string, string> };
    pending = parsed.files ?? {};
  } catch {
    return old;
  }
  const files: Record<string, string> = { ...old.files };
  for (const [path, hash] of Object.entries(pending)) {
    try {
      if (sha256(await readFile(join(outDir, ...path.split('/')))) === hash) files[path] = hash;
    } catch {
      // missing: nothing to count
    }
  }
  return { ...old, files };
}

/**
 * After a promotion that failed before writing any of its files: removes `.nbpromote/` when this promotion
 * made it (its .gitignore, a journal), and the output folder when it made that too and it is empty.
 */
async function removeMadeState(outDir: string, madeOut: boolean, madeState: boolean): Promise<void> {
  try {
    if (madeState) await rm(join(outDir, PROMOTION_LOCK_DIR), { recursive: true, force: true });
    if (madeOut) await rmdir(outDir);
  } catch {
    // not empty, or the file system refuses even that: left as it is
  }
}

/** Why `outDir` cannot be the output root (a file is there, or in its way), or undefined. */
async function outputRootProblem(outDir: string): Promise<string | undefined> {
  for (let dir = outDir; ; dir = dirname(dir)) {
    try {
      if ((await stat(dir)).isDirectory()) return undefined;
      return dir === outDir ? `the output folder ${outDir} is a file, not a folder` : `the output folder ${outDir} cannot be made: ${dir} is a file`;
    } catch (ex) {
      const code = (ex as NodeJS.ErrnoException).code;
      const target = code === 'ENOENT' ? await danglingLinkTarget(dir) : undefined;
      if (target !== undefined) return `the output folder ${outDir} cannot be made: ${dir} is a symbolic link to ${target}, which does not exist. Create ${target}, or choose another --out`;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(dir) === dir) return undefined;
    }
  }
}

/** Where the symbolic link `path` leads, when `path` is one (its target missing, as stat found); else undefined. */
async function danglingLinkTarget(path: string): Promise<string | undefined> {
  try {
    return (await lstat(path)).isSymbolicLink() ? resolve(dirname(path), await readlink(path)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the paths nbpromote keeps its own state in cannot be used (a file where its folder must be, a folder
 * where its file must be), or undefined. Checked before anything is written: otherwise `mkdir .nbpromote`
 * fails half-way through a promotion.
 */
async function statePathProblem(outDir: string): Promise<string | undefined> {
  const state = 'where nbpromote keeps its promotion lock, its journal and the last generated files';
  const paths: readonly [path: string, kind: 'file' | 'folder', what: string][] = [
    [PROMOTION_LOCK_DIR, 'folder', state],
    [BASE_DIR, 'folder', 'where nbpromote keeps the last generated files, for --merge'],
    [`${PROMOTION_LOCK_DIR}/${PROMOTION_LOCK_FILE}`, 'file', 'the promotion lock'],
    [PENDING_FILE, 'file', "the promotion's journal"],
    [`${PROMOTION_LOCK_DIR}/.gitignore`, 'file', 'which keeps .nbpromote out of git'],
    [LOCK_FILE_NAME, 'file', "the promoted package's versions, hashes and history"],
  ];
  for (const [path, kind, what] of paths) {
    const absolute = join(outDir, ...path.split('/'));
    let isFolder: boolean;
    try {
      isFolder = (await stat(absolute)).isDirectory();
    } catch (ex) {
      const code = (ex as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'ENOTDIR') continue; // a file on the way: reported for that path, earlier in the list
      throw fileSystemError(ex, 'read', absolute);
    }
    if (isFolder === (kind === 'folder')) continue;
    return `${absolute} is a ${isFolder ? 'folder' : 'file'}, but nbpromote needs a ${kind} there (${what}): move it away or remove it, then promote again`;
  }
  return undefined;
}

/**
 * A file that stays after promotion (a kept hand edit of a file no longer generated, or a person's own) and
 * imports a package module promotion no longer makes: what breaks and what to do.
 */
function removedImportProblem(removed: RemovedImport, orphans: readonly Orphan[], packageName: string, notebook: string, yours: ReadonlySet<string>): Problem {
  const step = new RegExp(`^${packageName}\\.steps\\.(\\w+)$`).exec(removed.module)?.[1];
  const gone = step === undefined ? 'a module the package no longer has' : `a module the package no longer has (the notebook has no step ${step} now)`;
  const kept = orphans.some((o) => o.path === removed.path && o.state === 'edited') ? `${removed.path} is no longer generated but was edited by hand, so it is kept; it` : removed.path;
  const fails = removed.path.startsWith('tests/') ? 'pytest fails to collect it' : 'importing it fails';
  // A file promotion still writes, kept as the person edited it: deleting it would lose the generated one too.
  const fix = yours.has(removed.path) ? `${removed.path} keeps your edits: change that import to a module the package has now` : 'Delete the file, or change that import to a module the package has now';
  const message = `${kept} imports ${removed.module} (line ${removed.line}), ${gone}, so ${fails}. ${fix}`;
  return { severity: 'warning', code: 'removed-import', message, file: notebook };
}

/** A kept test of a step the notebook no longer has: pytest fails on it (see findTestsOfRemovedSteps). */
function testOfRemovedStepProblem(t: TestOfRemovedStep, notebook: string, yours: ReadonlySet<string>): Problem {
  const fix = yours.has(t.path) ? `${t.path} keeps your edits: change that line to read a step the notebook has now` : 'move what you added there into the test of the step that took its place, then delete the file';
  const message = `${t.path} tests step ${t.step} (line ${t.line} reads its run), which the notebook no longer has, so pytest fails on it: ${fix}`;
  return { severity: 'warning', code: 'test-of-removed-step', message, file: notebook };
}

/**
 * Modules in the package's steps/ folder that no step has now (a step renamed or removed) and that stay: a
 * hand-edited one promotion keeps, or a person's own. None of their code runs, so it is said at every
 * promotion and check, not only when the step went.
 */
async function unusedStepModules(outDir: string, packageName: string, plans: readonly FilePlan[], orphans: readonly Orphan[], notebook: string, written: ReadonlyMap<string, string> = new Map()): Promise<Problem[]> {
  const folder = `src/${packageName}/steps`;
  let names: string[];
  try {
    names = await readdir(join(outDir, ...folder.split('/')));
  } catch {
    return [];
  }
  const planned = new Set(plans.map((p) => p.path));
  // Unchanged modules of steps that went are deleted by this promotion (a dry run: would be).
  const deleted = new Set(orphans.filter((o) => o.state === 'unchanged').map((o) => o.path));
  // An editor's lock or backup file (`.#gen.py`, `gen.py~`) is no module.
  const candidates = names
    .filter((n) => n.endsWith('.py') && n !== '__init__.py' && !/^[.#]|~$/.test(n))
    .map((n) => `${folder}/${n}`)
    .filter((path) => !planned.has(path) && !deleted.has(path));
  if (candidates.length === 0) return [];
  // A helper a module imports runs (the package's modules are read only when there is a candidate).
  const imported = await importedPackageModules(outDir, packageName, new Map<string, string | undefined>([...written, ...[...deleted].map((path): [string, undefined] => [path, undefined])]));
  // Imported by a test only (the kept test of the step that went, round 34 C) it is still no module the pipeline runs.
  const isImported = (path: string): boolean => (imported.get(`${packageName}.steps.${basename(path, '.py')}`) ?? []).some((by) => by !== path && by.startsWith(`src/${packageName}/`));
  const unused = candidates.filter((path) => !isImported(path));
  return unused.sort().map((path) => {
    const edited = orphans.some((o) => o.path === path && o.state === 'edited') ? '; it was edited by hand, so it is kept' : '';
    const message = `${path} is the module of no step now (the notebook has no step ${basename(path, '.py')}), so none of its code runs${edited}: move what you changed there into the step that took its place, then delete the file`;
    return { severity: 'warning', code: 'step-module-unused', message, file: notebook };
  });
}

async function readPreviousLock(outDir: string): Promise<{ lock: LockFile | undefined; problems: readonly Problem[]; text: string | undefined }> {
  const text = await lockText(outDir);
  if (text === undefined) return { lock: undefined, problems: [], text };
  return { ...readLockFile(text, join(outDir, LOCK_FILE_NAME)), text };
}

/** The lock file's text, undefined when there is none. */
async function lockText(outDir: string): Promise<string | undefined> {
  try {
    return await readFile(join(outDir, LOCK_FILE_NAME), 'utf8');
  } catch (ex) {
    if ((ex as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileSystemError(ex, 'read', join(outDir, LOCK_FILE_NAME));
  }
}

async function notebookState(notebookPath: string): Promise<{ commit: string | null; dirty: boolean | null }> {
  // notebookGitState gives nulls outside a work tree, and git finds the repository from any folder in it.
  return notebookGitState(dirname(notebookPath), notebookPath);
}

/**
 * A generated file holding conflict markers: an earlier `--merge` left them (labelled `yours`), or a `git merge`
 * of two promoted branches did (`<<<<<<< HEAD`), where taking one side of the generated files is the way out
 * (round 72 CDC: that was called an earlier --merge's, and promoting with --merge again advised).
 */
function markersProblem(file: string, edit: HandEdit, dryRun: boolean): Problem {
  const nothing = dryRun ? '' : '; nothing was written';
  const label = /^<{7} (.*?)\r?$/m.exec(edit.diskText ?? '')?.[1];
  const fromGit = label !== undefined && label !== 'yours';
  const message = fromGit
    ? `${edit.path} holds conflict markers a git merge left (<<<<<<< ${label} ... >>>>>>>)${nothing}. Take one side for the generated files (\`git checkout --theirs -- <folder>\` or --ours, as for nbpromote.lock) or resolve the markers, then promote again`
    : `${edit.path} still holds merge conflict markers (<<<<<<< ... >>>>>>>) from an earlier --merge${nothing}. Resolve them in the file, then promote with --merge again`;
  return { severity: 'error', code: 'merge-conflict', message, file };
}

function handEditProblem(file: string, edit: HandEdit, lockFound: boolean): Problem {
  // Without a lock (deleted, or a copy of the folder without it), a file nbpromote wrote cannot be told from one a
  // person edited: its header says who wrote it.
  const ours = !lockFound && /^(?:# )?Generated by nbpromote /m.test((edit.diskText ?? '').split('\n').slice(0, 5).join('\n'));
  const what = edit.kind === 'edited' ? 'was edited by hand since nbpromote generated it' : ours ? `was written by nbpromote, but there is no ${LOCK_FILE_NAME} to tell whether it was edited since` : 'exists and was not generated by nbpromote';
  return {
    severity: 'error',
    code: 'hand-edited',
    message: `${edit.path} ${what}; nothing was written. Promote with --merge to combine your edits with the notebook's changes, or --force to replace it and keep yours as ${edit.path}.orig`,
    file,
  };
}

/**
 * The metrics the last promotion expected under a name the new expected metrics do not have, paired with the
 * one new name holding the same number (a label read under another name: `Balanced accuracy` was `accuracy`):
 * [old name, new name]. A number several gone or new names share pairs nothing.
 */
export function renamedMetrics(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): [string, string][] {
  const gone = Object.entries(before).filter(([name]) => !(name in after));
  const added = Object.entries(after).filter(([name]) => !(name in before));
  const only = (entries: [string, number][], value: number): string | undefined => {
    const same = entries.filter(([, v]) => Object.is(v, value));
    return same.length === 1 ? same[0]?.[0] : undefined;
  };
  return gone.flatMap(([was, value]): [string, string][] => {
    const now = only(added, value);
    return now !== undefined && only(gone, value) === was ? [[was, now]] : [];
  });
}

/** Whether two records of metric values hold the same names and numbers (and at least one). */
function sameNumbers(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const names = Object.keys(a);
  return names.length > 0 && names.length === Object.keys(b).length && names.every((name) => b[name] === a[name]);
}

function expectedFrom(shown: ReadonlyMap<string, ExpectedMetric>, executed: ReadonlyMap<string, number> | undefined): { expected: Record<string, number>; decimals: Record<string, number>; truncated: string[] } {
  const expected: Record<string, number> = {};
  const decimals: Record<string, number> = {};
  const truncated: string[] = [];
  if (executed !== undefined && executed.size > 0) {
    for (const [name, value] of executed) if (!isDurationName(name)) expected[name] = value;
    return { expected, decimals, truncated };
  }
  for (const [name, metric] of shown) {
    if (isDurationName(name)) continue;
    expected[name] = metric.value;
    if (metric.decimals !== undefined) decimals[name] = metric.decimals;
    if (metric.truncated === true) truncated.push(name);
  }
  return { expected, decimals, truncated };
}

/**
 * An execution the lock kept, for the same sources under other tags: its metrics, and what it recorded of each old
 * step's outputs under the name of the step holding the same cells now (a step regrouped records nothing).
 */
function executionRetagged(kept: LockExecution, old: LockFile, roles: TagResult): Execution {
  const cellsOf = (indexes: readonly number[]): string => [...indexes].sort((a, b) => a - b).join(',');
  const now = new Map(roles.steps.map((step) => [cellsOf(roles.cells.filter((c) => c.inStep === step.name).map((c) => c.cellIndex)), step.name]));
  const renamed = new Map(Object.entries(old.steps).flatMap(([name, step]) => {
    const into = now.get(cellsOf(step.cells.map((c) => c.index)));
    return into === undefined ? [] : [[name, into] as const];
  }));
  return { metrics: new Map(Object.entries(kept.metrics)), outputs: new Map(Object.entries(kept.recorded).flatMap(([step, outputs]) => (renamed.has(step) ? [[renamed.get(step) ?? step, { ...outputs }] as const] : []))) };
}

/** An execution the lock kept (`executed`), as `promote --execute` gives it. */
function executionFromLock(kept: LockExecution): Execution {
  return { metrics: new Map(Object.entries(kept.metrics)), outputs: new Map(Object.entries(kept.recorded).map(([step, outputs]) => [step, { ...outputs }])) };
}

/** The expected metrics the lock kept of the saved outputs (`shown_metrics`), as the outputs gave them. */
/** When the cell started running, as the notebook recorded it (`metadata.execution['iopub.execute_input']`); undefined when it records no time. */
function executionStart(cell: NotebookCell): string | undefined {
  const execution = cell.metadata['execution'];
  const started = typeof execution === 'object' && execution !== null ? (execution as Record<string, unknown>)['iopub.execute_input'] : undefined;
  return typeof started === 'string' && started !== '' ? started : undefined;
}

function shownFromLock(kept: LockShownMetrics): Map<string, ExpectedMetric> {
  return new Map(Object.entries(kept.metrics).map(([name, value]) => {
    const decimals = kept.shown_decimals[name];
    const truncated = kept.shown_truncated?.includes(name) === true ? { truncated: true as const } : {};
    return [name, decimals === undefined ? { value } : { value, decimals, ...truncated }];
  }));
}

/** What the lock keeps of an execution of the notebook whose code cells hash to `codeHash`. */
function lockExecution(codeHash: string, sourceHash: string, logicHash: string, execution: Execution): LockExecution {
  return { code_sha256: codeHash, source_sha256: sourceHash, logic_sha256: logicHash, metrics: Object.fromEntries(execution.metrics), recorded: Object.fromEntries(execution.outputs) };
}

/**
 * Where --force keeps the person's version of `path`: `<path>.orig`, or `<path>.orig.1`, `.orig.2` ... when an
 * earlier --force kept another version there, or a folder has that name (never overwritten); a backup holding
 * the same text is reused.
 */
async function freeBackupPath(outDir: string, path: string, text: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? `${path}.orig` : `${path}.orig.${n}`;
    const absolute = join(outDir, ...candidate.split('/'));
    let existing: string;
    try {
      existing = await readFile(absolute, 'utf8');
    } catch (ex) {
      const code = (ex as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return candidate;
      // A folder of that name is someone's: the next name is taken, as for a backup with other text.
      if (code === 'EISDIR') continue;
      throw fileSystemError(ex, 'read', absolute, 'nothing was written');
    }
    if (existing === text) return candidate;
  }
}

/** Why nothing can be promoted when no cell starts a step, and how to tag: nbdev notebooks tag every cell of a step. */
function noStepsMessage(roles: TagResult, inferred: boolean, inferable: boolean): string {
  const infer = inferable ? ' Or promote with --infer-steps to take steps from the markdown headings.' : '';
  // An nbdev notebook: its headings stand above code nbdev gives a role (export, test, left out), none of it a
  // step's (round 72 DED: it was said that no heading stood above code).
  if (inferred && roles.conventions.includes('nbdev')) {
    return 'no step can be inferred: this is an nbdev notebook, and every code cell under its headings is an #| export cell, a test or left out, as nbdev reads it, so none starts a step. Give each cell of a pipeline step a first line `#| step: <name>` (in an nbdev notebook every cell stands alone, so each cell of a step names it), and the metrics cell `#| metrics`. See docs/tags.md.';
  }
  if (inferred) {
    return 'no cell starts a step and no markdown heading (#, ##, ###) stands above code to name one: tag the first code cell of each step `step:<name>` (a cell tag, or a first line `#| step: <name>`). See docs/tags.md.';
  }
  if (roles.conventions.includes('nbdev')) {
    const module = roles.defaultExp === undefined ? 'the shared module' : `${roles.defaultExp}.py`;
    return `no cell starts a step, so there is nothing to promote. This is an nbdev notebook: its #| export cells go to ${module}, and cells without a directive are left out, as nbdev leaves them out. Give each cell of a pipeline step a first line \`#| step: <name>\` (in an nbdev notebook every cell stands alone, so each cell of a step names it), and the metrics cell \`#| metrics\`.${infer} See docs/tags.md.`;
  }
  return `no cell starts a step, so there is nothing to promote. Tag the first code cell of each step \`step:<name>\` (a cell tag, or a first line \`#| step: <name>\`); untagged cells below it join it. Tag shared imports \`imports\`, shared functions \`functions\`, the parameters cell \`parameters\`, the metrics cell \`metrics\`.${infer} See docs/tags.md.`;
}

/**
 * What changed outside the steps, in words, from the generated files that changed (round 46 Z: "the notebook
 * changed outside its steps (shared code, the metrics, a test cell or saved outputs)" whatever it was): the
 * shared code, the metrics code, the test cells, the expected metrics (`before` the last promotion's from the
 * saved outputs, `after` this one's: the two that changed most). Undefined when none of those is known to have.
 */
function changedOutsideSteps(changed: readonly string[], pkg: string, sharedModule: string, before: Readonly<Record<string, number>> | undefined, after: Readonly<Record<string, number>>): string | undefined {
  const parts: string[] = [];
  if (changed.includes(`src/${pkg}/${sharedModule}.py`)) parts.push(`the shared code in ${sharedModule}.py`);
  if (changed.includes(`src/${pkg}/metrics.py`)) parts.push('the metrics code in metrics.py');
  if (changed.some((p) => p === 'tests/test_notebook.py')) parts.push('the test cells in tests/test_notebook.py');
  if (before !== undefined && changed.includes('pipeline.yaml')) {
    const moved = Object.keys(after).filter((name) => Object.hasOwn(before, name) && before[name] !== after[name]);
    const shown = moved.slice(0, 2).map((name) => `${name} ${String(before[name])} -> ${String(after[name])}`);
    if (moved.length > 0) parts.push(`the expected metrics its saved outputs show, ${shown.join(', ')}${moved.length > 2 ? ` and ${moved.length - 2} more` : ''}`);
  }
  return parts.length === 0 ? undefined : andList(parts);
}

/**
 * The graph with each step's outputs in the order the last promotion gave them (the step's return value),
 * new ones after them: an order that changed only because nbpromote orders them otherwise now (by where the
 * step binds them) is no signature change, and no major version.
 */
function withOutputOrder(graph: StepGraph, old: LockFile | undefined): StepGraph {
  if (old === undefined) return graph;
  const steps = graph.steps.map((step) => {
    const before = Object.hasOwn(old.steps, step.name) ? old.steps[step.name]?.outputs : undefined;
    if (before === undefined) return step;
    const rank = (name: string): number => (before.includes(name) ? before.indexOf(name) : before.length + step.outputs.indexOf(name));
    const outputs = [...step.outputs].sort((a, b) => rank(a) - rank(b));
    return outputs.every((name, i) => name === step.outputs[i]) ? step : { ...step, outputs };
  });
  return steps.every((step, i) => step === graph.steps[i]) ? graph : { ...graph, steps };
}

/**
 * Why the expected metrics taken from metrics cell `info`'s saved outputs may be stale, or undefined: a code cell
 * the pipeline uses above it (or one it depends on) ran after it (a higher execution count), so the notebook
 * was not run top to bottom and what it shows may not be what the notebook gives now.
 */
function staleOutputsMessage(graph: StepGraph, notebook: Notebook, info: MetricsCellInfo, generated: ReadonlyMap<number, GeneratedCell>): string | undefined {
  if (expectedMetricsFromOutputs([info]).size === 0) return undefined;
  const behind = cellsBehindMetrics(graph, info.cell.index);
  // A cell left with nothing to run (`df.head()`, shown only) changes nothing when it runs again.
  // Memoised: stepsOutOfOrder asks for each cell once per step it follows (quadratic in a long notebook).
  const running = new Map<number, boolean>();
  const runs = (index: number): boolean => {
    let known = running.get(index);
    if (known === undefined) running.set(index, (known = /^[ \t]*[^\s#]/m.test(generated.get(index)?.code ?? '')));
    return known;
  };
  // `cells 4, 6 and 2 more`: the first three, each as `label` words it.
  const cellsWords = (cells: readonly NotebookCell[], label: (c: NotebookCell) => string): string => {
    const shown = cells.slice(0, 3).map(label);
    const more = cells.length > shown.length ? [`${cells.length - shown.length} more`] : [];
    return `${cells.length === 1 ? 'cell' : 'cells'} ${andList([...shown, ...more])}`;
  };
  const later = ranAfter(info.cell, notebook.cells.filter((c) => c.kind === 'code' && behind.has(c.index) && runs(c.index)));
  if (later.length === 0) {
    // A cell added (or edited and cleared) after the run: it never ran, while the metrics cell shows values (round 41 R).
    const neverRan = typeof info.cell.executionCount === 'number' ? notebook.cells.filter((c) => c.kind === 'code' && c.index < info.cell.index && behind.has(c.index) && typeof c.executionCount !== 'number' && (c.outputs ?? []).length === 0 && runs(c.index)) : [];
    if (neverRan.length === 0) return stepsOutOfOrder(graph, notebook, behind, runs, generated);
    const cells = cellsWords(neverRan, (c) => String(c.index + 1));
    return `${cells}, which the pipeline uses, never ran when the notebook was saved (no execution count), while this metrics cell did (execution count ${String(info.cell.executionCount)}): the values its saved outputs show, taken as the expected metrics, were made without ${neverRan.length === 1 ? 'it' : 'them'}. Run the notebook top to bottom and save it, or promote with --execute`;
  }
  const cells = cellsWords(later, (c) => `${c.index + 1} (execution count ${String(c.executionCount)})`);
  const which = later.length === 1 ? 'a cell the pipeline uses, ran' : 'cells the pipeline uses, ran';
  return `${cells}, ${which} after this metrics cell (execution count ${String(info.cell.executionCount)}) when the notebook was saved: the values its saved outputs show, taken as the expected metrics, may not be what the notebook gives now. Run the notebook top to bottom and save it, or promote with --execute`;
}

/**
 * Steps behind the metrics whose saved run went out of order among themselves: a cell of a step ran before a cell
 * of a step it takes a value or a file from ran (last), so it used an older value (`save` dumping the model at [10],
 * `select` making it at [12]): the metrics the outputs show may come from that. The first such pair, as a warning's
 * words; undefined when there is none.
 */
function stepsOutOfOrder(graph: StepGraph, notebook: Notebook, behind: ReadonlySet<number>, runs: (index: number) => boolean, generated: ReadonlyMap<number, GeneratedCell>): string | undefined {
  const cells = new Map(notebook.cells.map((c) => [c.index, c]));
  const counted = (index: number): number | undefined => {
    const count = cells.get(index)?.executionCount;
    return typeof count === 'number' && behind.has(index) && runs(index) ? count : undefined;
  };
  const steps = new Map(graph.steps.map((s) => [s.name, s]));
  // The highest count of a step's cells: a step whose cells all ran before this cell holds no producer of it.
  const latest = new Map(graph.steps.map((s) => [s.name, Math.max(-1, ...s.cells.map((c) => counted(c.index) ?? -1))]));
  for (const step of graph.steps) {
    for (const ref of step.cells) {
      const count = counted(ref.index);
      if (count === undefined) continue;
      for (const name of step.after) {
        if ((latest.get(name) ?? -1) <= count) continue;
        // A cell of that step binding a value this step takes, or any of its cells when it writes a file this reads.
        const makes = (index: number): boolean => step.fileAfter?.includes(name) === true || (generated.get(index)?.assigned ?? []).some((n) => step.inputs.includes(n));
        const producer = steps.get(name)?.cells.find((p) => p.index < ref.index && (counted(p.index) ?? -1) > count && makes(p.index));
        if (producer === undefined) continue;
        return `cell ${ref.index + 1} (step ${step.name}, execution count ${count}) ran before cell ${producer.index + 1} (step ${name}, execution count ${String(counted(producer.index))}), which makes what step ${step.name} uses, when the notebook was saved: the values the saved outputs show, taken as the expected metrics, may come from an older ${name}. Run the notebook top to bottom and save it, or promote with --execute`;
      }
    }
  }
  return undefined;
}

/**
 * What a package named `name` would hide, in words, when that is a module the notebook imports, a module of the
 * standard library, one the generated code imports (yaml, pytest), or one the common libraries import (scipy);
 * else undefined.
 */
function hiddenModule(name: string, imported: readonly string[]): string | undefined {
  if (imported.includes(name)) return `the ${name} module the notebook imports`;
  // The package goes to src/<name>: with --out at a project root, `from src.<name> import f` would find it.
  const inSrc = imported.find((m) => m === `src.${name}` || m.startsWith(`src.${name}.`));
  if (inSrc !== undefined) return `the ${inSrc} module the notebook imports (the package is written to src/${name})`;
  // `__main__` is the script Python runs (round 66 QQQ: conftest's `from __main__ import _runtime` failed).
  if (name === '__main__') return 'the `__main__` module, the script or test runner Python is running';
  if (isStdlibModule(name)) return `the standard library's ${name} module`;
  if (name === 'yaml' || name === 'pytest') return `the ${name} module the generated code imports`;
  if (name === 'conftest') return 'the tests\' conftest.py, which pytest imports as conftest';
  if (isLibraryModule(name)) return `the ${name} module, which libraries the notebook may use import (scikit-learn imports scipy and joblib, pandas dateutil)`;
  if (name === 'tests' || name === 'test') return `the generated tests/ folder, which pytest may import as ${name}`;
  return undefined;
}

/** What a dry run gives the files promotion would write again: missing, changed by the notebook, edited by hand. */
export const STALE_ACTIONS: ReadonlySet<PromotedFile['action']> = new Set(['would-create', 'would-change', 'would-force', 'would-merge']);

/** The files of a dry run that are not what promotion writes now (what `check` fails on). */
export function staleFiles<T extends Pick<PromotedFile, 'action'>>(files: readonly T[]): T[] {
  return files.filter((f) => STALE_ACTIONS.has(f.action));
}

/** A dry run's file that a person edited and the notebook changed too (`--merge` or `--force` decide). */
export function editedByHand(action: PromotedFile['action']): boolean {
  return action === 'would-force' || action === 'would-merge';
}

/**
 * `; 1 file edited by hand is kept: pipeline.yaml` for an up-to-date package whose hand edits promotion keeps
 * (its `kept-edit` files), as `check` and the editor say it; '' when there are none.
 */
export function keptEditsNote(files: readonly Pick<PromotedFile, 'path' | 'action'>[]): string {
  const kept = files.filter((f) => f.action === 'kept-edit').map((f) => f.path);
  if (kept.length === 0) return '';
  return `; ${countOf(kept.length, 'file')} edited by hand ${kept.length === 1 ? 'is' : 'are'} kept: ${firstOf(kept, 3)}`;
}

/**
 * `churn-native.ipynb` -> `churn_native`; `01 Sales (v2).py` -> `sales_v2`; `02b_features.ipynb` -> `features`; cut to {@link MAX_NAME_LENGTH}
 * characters. A percent script whose name is already the package's (`churn.py`) gives `churn_pipeline`: the
 * script itself is a module `churn` wherever its folder is on the import path (the current folder of
 * `python -m`), and would be imported instead.
 */
export function packageNameFor(notebookPath: string): string {
  const file = basename(notebookPath);
  const stem = file.replace(/\.(ipynb|py)$/i, '').replace(/\.pct$/i, '');
  // Accents: über -> uber, as step names are suggested.
  let name = withoutAccents(stem)
    // An ordering prefix of a number and a letter (`02b_features`, `10a-clean`) goes whole, not its letter alone.
    .replace(/^(?:0\d*|\d{2,})[a-z](?=[\W_])/i, '')
    // A leading word of digits and letters (`3d_reconstruction`) is the name's: it moves to the end.
    .replace(/^(\d+[a-z]+)[\W_]+(.*[a-z].*)$/i, '$2_$1')
    .replace(/[^\w]+/g, '_')
    .replace(/[^A-Za-z0-9_]/g, '')
    .replace(/^[\d_]+/, '')
    .replace(/_+/g, '_')
    .replace(/_$/, '')
    .toLowerCase();
  name = name.slice(0, MAX_NAME_LENGTH).replace(/_+$/, '');
  if (name === '') name = 'notebook';
  if (PYTHON_KEYWORDS.has(name)) name = `${name}_pipeline`;
  else if (file.toLowerCase() === `${name}.py`) name = `${name.slice(0, MAX_NAME_LENGTH - '_pipeline'.length)}_pipeline`; // case-insensitive file systems too
  return name;
}


/**
 * `pipeline-running` when a run of the pipeline in `outDir` goes on now on this machine (`nbpromote run` in a
 * terminal, the editor, `python -m <package>.pipeline`): it imports step modules and reads pipeline.yaml as it
 * goes, so a promotion replacing them would give it two versions of the code, and its record and cache would hold
 * results of neither. Undefined when no run goes on.
 */
async function runGoingOn(outDir: string, packageName: string, notebook: string): Promise<Problem | undefined> {
  const run = await liveLocalRun(outDir);
  if (run === undefined) return undefined;
  const pid = String(run.livePid);
  return {
    severity: 'error',
    code: 'pipeline-running',
    message: `${packageName} is running (${liveRunWords(run)}): promoting now would change the code it runs, and its results would mix two versions; nothing was written. Wait until it ends or stop it, then promote again (if process ${pid} is no run of this pipeline, promote with --even-if-running)`,
    file: notebook,
  };
}

/**
 * The prints of one name, `print(rmse)`, or of one rounded (`print(round(rmse, 2))`), in order; and the names that
 * prints show rounded, with the fewest decimals a print keeps of each.
 */
function printedOnes(args: readonly string[]): Pick<MetricsCellInfo, 'printedNames' | 'roundedPrints'> {
  const printedNames = args.flatMap((arg) => printedName(arg) ?? []);
  const roundedPrints = new Map<string, number>();
  for (const rounded of args.flatMap((arg) => printArguments(arg).map(roundedNumber))) {
    if (rounded !== undefined) roundedPrints.set(rounded.name, Math.min(rounded.digits, roundedPrints.get(rounded.name) ?? rounded.digits));
  }
  return { printedNames, ...(roundedPrints.size > 0 ? { roundedPrints } : {}) };
}
