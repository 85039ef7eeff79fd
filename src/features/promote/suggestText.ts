import { METRICS_SUGGESTION, PARAMETERS_SUGGESTION } from '../../core/tags/suggest';

/**
 * The closing message of Suggest Steps, apart from VS Code so that a unit test reads it. It says where the tags
 * are: in the editor only (the edit leaves the document unsaved: save to keep them), or already in the file
 * (the document was saved meanwhile, e.g. by auto save). Undo takes them back either way.
 */
export function suggestedStepsMessage(file: string, names: readonly string[], saved: boolean): string {
  const steps = names.filter((n) => n !== METRICS_SUGGESTION && n !== PARAMETERS_SUGGESTION);
  const roles = [...(names.includes(PARAMETERS_SUGGESTION) ? ['the parameters'] : []), ...(names.includes(METRICS_SUGGESTION) ? ['the metrics'] : [])];
  const parts = [
    ...(steps.length === 0 ? [] : [`${steps.length === 1 ? 'One cell starts a step' : `${steps.length} cells start steps`} now (${steps.join(', ')})`]),
    ...roles.map((role, i) => `${steps.length === 0 && i === 0 ? 'One cell' : 'one cell'} holds ${role} now`),
  ];
  const where = saved ? 'The tags are saved in the file; Undo takes them back.' : 'The tags are not saved yet: save the notebook to keep them, or Undo to take them back.';
  return `${file}: ${parts.join(', and ')}. ${where}`;
}
