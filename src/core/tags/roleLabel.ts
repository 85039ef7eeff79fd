/**
 * A cell's role in a few words, as the notebook editor shows it on the cell's status bar: "step: train",
 * "in step train", "parameters", "imports (continued)", "skip (nbdev)", or the directive as written when the
 * role comes from a `#| ` line ("#| step: train"). Pure.
 */
import type { CellRoles, Role, RoleSource } from '../contract/roles';

export interface RoleLabel {
  /** Short text for the status bar. */
  readonly text: string;
  /** A sentence or two: what the role means and where it was written. */
  readonly tooltip: string;
  /** The role was written as a `#| ` directive (changing it edits the cell's source). */
  readonly fromDirective: boolean;
}

const MEANING: Readonly<Record<Role, string>> = {
  step: 'starts a step',
  imports: 'holds shared imports',
  functions: 'holds shared functions and classes',
  parameters: 'holds the parameters',
  metrics: 'computes the metrics',
  test: 'is a test',
  skip: 'is left out of the package',
  export: 'is exported to the shared module (nbdev)',
};

/** The label of a code cell's roles; `hasRoles` is the notebook's (no cell tagged at all: "no role"). */
export function roleLabel(cell: CellRoles, hasRoles: boolean): RoleLabel {
  const own = (role: Role): RoleSource | undefined => cell.sources.find((s) => s.role === role);
  if (cell.roles.length > 1) {
    return { text: `role conflict: ${cell.roles.join(' + ')}`, tooltip: `This cell has ${cell.roles.length} roles (${cell.roles.join(', ')}); a cell has one. Keep one of them.`, fromDirective: cell.sources.some((s) => s.from === 'directive') };
  }
  const [role] = cell.roles;
  if (role !== undefined) {
    const source = own(role);
    const after = cell.after.length > 0 ? ` · after ${cell.after.join(', ')}` : '';
    const words = role === 'step' ? `step: ${cell.stepName ?? ''}` : role;
    if (source === undefined && cell.continuedFrom !== undefined) {
      return { text: `${words} (continued)`, tooltip: `This cell ${MEANING[role]}: untagged, it continues cell ${cell.continuedFrom + 1} above it.`, fromDirective: false };
    }
    if (source === undefined) return { text: `${words} (nbdev)`, tooltip: `This cell ${MEANING[role]}, by nbdev's rules (no export directive).`, fromDirective: false };
    const where = source.from === 'directive' ? `the directive \`${source.raw.trim()}\` in its source` : `the tag \`${source.raw}\``;
    const text = source.from === 'directive' ? `${source.raw.trim()}${after}` : `${words}${after}`;
    return { text, tooltip: `This cell ${MEANING[role]} (${where}).`, fromDirective: source.from === 'directive' };
  }
  if (cell.inStep !== undefined) {
    const from = cell.continuedFrom === undefined ? '' : `: untagged, it continues cell ${cell.continuedFrom + 1}`;
    return { text: `in step ${cell.inStep}`, tooltip: `This cell belongs to step ${cell.inStep}${from}.`, fromDirective: false };
  }
  if (cell.preamble && hasRoles) return { text: 'shared (before any role)', tooltip: 'No tagged cell above this one: its code goes to the shared module.', fromDirective: false };
  return { text: 'no role', tooltip: 'No role yet: tag the first cell of each step step:<name>.', fromDirective: false };
}
