/**
 * The closing message of Suggest Steps, apart from VS Code so that a unit test reads it. It says where the tags
 * are: in the editor only (the edit leaves the document unsaved: save to keep them), or already in the file
 * (the document was saved meanwhile, e.g. by auto save). Undo takes them back either way.
 */
export function suggestedStepsMessage(file: string, names: readonly string[], saved: boolean): string {
  const cells = names.length === 1 ? 'One cell starts a step' : `${names.length} cells start steps`;
  const where = saved ? 'The tags are saved in the file; Undo takes them back.' : 'The tags are not saved yet: save the notebook to keep them, or Undo to take them back.';
  return `${file}: ${cells} now (${names.join(', ')}). ${where}`;
}
