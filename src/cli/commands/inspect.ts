/** `nbpromote inspect <notebook> [--json]`: cells, roles, steps and problems of one notebook. */
import type { ParseResult } from '../../core/contract/notebook';
import { formatProblem } from '../../core/contract/problem';
import type { Inspection } from '../../core/inspect/inspect';
import type { StepGraph } from '../../core/contract/stepGraph';
import { firstLine, inspectionToJson, inspectParsed, inspectWithGraph } from '../../core/inspect/inspect';
import { isFileError, missingFileMessage, parseNotebookFile, specialFileKind, specialFileMessage } from '../../core/notebook/read';
import type { FlagSpec, ParsedArgs } from '../args';
import { flagBoolean } from '../args';
import { ExitCode } from '../io';
import { alignedRows } from '../table';
import type { CliIo } from '../io';
import { NbpromoteError } from '../../core/errors';

export const inspectFlags: readonly FlagSpec[] = [
  { name: 'json', kind: 'boolean', description: 'print one JSON document on stdout (shape in docs/cli.md)' },
  { name: 'no-graph', kind: 'boolean', description: 'read, validate and tag only: skip the Python analysis and the step graph' },
];

export async function runInspect(args: ParsedArgs, io: CliIo): Promise<ExitCode> {
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new NbpromoteError('usage', 'inspect needs a notebook: nbpromote inspect <notebook> [--json]');
  if (extra.length > 0) throw new NbpromoteError('usage', `inspect takes one notebook, got also: ${extra.join(' ')}`);
  const read = await inspectFile(file, io);
  const { inspection, graph } = flagBoolean(args, 'no-graph') ? { inspection: read, graph: undefined } : await inspectWithGraph(read);
  if (flagBoolean(args, 'json')) io.out(`${JSON.stringify(inspectionToJson(inspection, graph), null, 2)}\n`);
  // A file not read as a notebook has no report: its error, below, says it all (round 78 OPO: said twice).
  else if (inspection.notebook !== undefined) io.out(renderInspection(inspection, graph));
  for (const problem of inspection.problems) {
    if (problem.severity === 'error') io.err(`error: ${formatProblem(problem)}\n`);
  }
  return inspection.ok ? ExitCode.Ok : ExitCode.BadInput;
}

/**
 * Reads and parses the notebook with parseNotebookFile, which reads an `.ipynb` file a few megabytes at a
 * time, faster and with much less memory for big notebooks than reading it as one string.
 */
async function inspectFile(file: string, io: CliIo): Promise<Inspection> {
  let parsed: ParseResult;
  const special = specialFileKind(resolveFrom(io.cwd, file));
  if (special !== undefined) return { file, notebook: undefined, roles: undefined, ok: false, problems: [{ severity: 'error', code: 'unreadable', message: specialFileMessage(special), file }] };
  try {
    parsed = parseNotebookFile(resolveFrom(io.cwd, file), file);
  } catch (ex) {
    if (!isFileError(ex)) throw ex;
    const code = ex.code;
    const why = code === 'ENOENT' ? missingFileMessage(resolveFrom(io.cwd, file)) : code === 'EISDIR' ? 'it is a folder, not a notebook' : `cannot read it (${code ?? String(ex)})`;
    return Promise.resolve({
      file,
      notebook: undefined,
      roles: undefined,
      ok: false,
      problems: [{ severity: 'error', code: 'unreadable', message: why, file }],
    });
  }
  return Promise.resolve(inspectParsed(parsed, file));
}


function resolveFrom(cwd: string, file: string): string {
  return file.startsWith('/') ? file : `${cwd}/${file}`;
}

/** The human-readable report: a header, the cells table, the steps, the problems. */
export function renderInspection(inspection: Inspection, graph?: StepGraph): string {
  const { notebook, roles } = inspection;
  const lines: string[] = [];
  if (notebook === undefined) {
    lines.push(`${inspection.file}: not readable as a notebook`);
  } else {
    const upgraded = notebook.upgradedFrom === undefined ? '' : ` (upgraded in memory from nbformat ${notebook.upgradedFrom})`;
    const conventions = roles !== undefined && roles.conventions.length > 0 ? `, tags: ${roles.conventions.join(', ')}` : '';
    lines.push(`${inspection.file}  ${notebook.format} nbformat ${notebook.nbformat}.${notebook.nbformatMinor}${upgraded}, ${notebook.cells.length} cells${conventions}`);
    if (roles?.defaultExp !== undefined) lines.push(`module: ${roles.defaultExp} (nbdev default_exp)`);
    lines.push('', 'cells');
    const byIndex = new Map((roles?.cells ?? []).map((c) => [c.cellIndex, c]));
    const rows = notebook.cells.map((cell) => {
      const cr = byIndex.get(cell.index);
      const role = cr === undefined ? '' : describeRoles(cr.roles, cr.stepName, cr.inStep, cr.preamble, cell.kind);
      return [String(cell.index + 1), cell.id ?? '', cell.kind, role, firstLine(cell.source, 60)];
    });
    lines.push(...alignedRows([['#', 'id', 'kind', 'role', 'first line'], ...rows]).map((l) => `  ${l}`));
    lines.push('', 'steps');
    if (roles === undefined || roles.steps.length === 0) lines.push('  (none yet: tag the first cell of each step `step:<name>`)');
    else {
      const stepRows = roles.steps.map((s) => {
        const node = graph?.steps.find((n) => n.name === s.name);
        const flow = node === undefined ? '' : `(${node.inputs.join(', ')}) -> ${node.outputs.length === 0 ? 'nothing' : node.outputs.join(', ')}`;
        return [s.name, `${s.cellIndices.length === 1 ? 'cell' : 'cells'} ${s.cellIndices.map((i) => i + 1).join(', ')}`, flow, s.after.length > 0 ? `after ${s.after.join(', ')}` : ''];
      });
      lines.push(...alignedRows(stepRows).map((l) => `  ${l}`));
    }
  }
  lines.push('', 'problems');
  if (inspection.problems.length === 0) lines.push('  none');
  else lines.push(...inspection.problems.map((p) => `  ${p.severity}: ${formatProblem(p)}`));
  return `${lines.join('\n')}\n`;
}

function describeRoles(roles: readonly string[], stepName: string | undefined, inStep: string | undefined, preamble: boolean, kind: string): string {
  if (kind !== 'code') return '';
  const named = roles.map((r) => (r === 'step' && stepName !== undefined ? `step: ${stepName}` : r));
  if (named.length > 0) return named.join(', ');
  if (inStep !== undefined) return `(in step ${inStep})`;
  return preamble ? '(preamble)' : '';
}

