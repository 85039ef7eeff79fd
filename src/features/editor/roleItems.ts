/**
 * The rows of the Set Cell Role quick pick, apart from VS Code so that a unit test reads them. Every row has
 * an icon (`$(name)` in its label), so that the role names line up.
 */
import type { CellRoles } from '../../core/contract/roles';
import type { RoleWord } from '../../core/tags/roleEdit';
import { ROLE_WORDS } from '../../core/tags/roleEdit';

export interface RoleItem {
  readonly pick: 'step' | 'after' | RoleWord | 'clear';
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
}

const WORD_DETAILS: Readonly<Record<RoleWord, string>> = {
  imports: 'shared imports, used by every step',
  functions: 'shared functions and classes',
  parameters: 'the pipeline parameters (one cell of simple assignments)',
  metrics: 'computes the metrics, after every step',
  test: 'asserts that become a generated test',
  skip: 'left out of the package (plots, exploration)',
};

/** Product icons (codicons) of the role words. */
const WORD_ICONS: Readonly<Record<RoleWord, string>> = {
  imports: 'package',
  functions: 'symbol-function',
  parameters: 'settings',
  metrics: 'graph',
  test: 'beaker',
  skip: 'eye-closed',
};

export function roleItems(current: CellRoles | undefined): RoleItem[] {
  const startsStep = current?.stepName !== undefined;
  return [
    { pick: 'step', label: '$(symbol-method) Step…', description: startsStep ? `now: step ${current?.stepName ?? ''}` : 'starts a step; asks for its name', detail: 'Untagged cells below it join the step' },
    ...(startsStep
      ? [{ pick: 'after' as const, label: '$(arrow-up) After…', description: current.after.length > 0 ? `now: after ${current.after.join(', ')}` : 'runs after other steps', detail: 'Explicit dependencies on steps that pass it no value' }]
      : []),
    ...ROLE_WORDS.map((word): RoleItem => ({ pick: word, label: `$(${WORD_ICONS[word]}) ${word}`, description: current?.roles.includes(word) === true && current.continuedFrom === undefined ? 'current' : '', detail: WORD_DETAILS[word] })),
    { pick: 'clear', label: '$(close) Clear role', detail: 'The cell continues the cell above it' },
  ];
}
