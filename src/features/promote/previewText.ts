/**
 * The words of the promotion preview (quick pick), apart from VS Code so that a unit test reads them: the title
 * says what is promoted, to which version and INTO WHICH FOLDER; counts of hand-edited files agree with them.
 */
import { countOf } from '../../core/util/words';

export interface PreviewTextInput {
  /** The notebook's file name. */
  readonly notebook: string;
  /** "churn 0.2.0". */
  readonly version: string;
  /** Where promotion writes, for people: "build/churn", "the workspace folder ws". */
  readonly folder: string;
  /** "3 created, 18 unchanged". */
  readonly summary: string;
  /** How many generated files a person edited. */
  readonly conflicts: number;
}

export interface PreviewText {
  readonly title: string;
  readonly placeholder: string;
  /** The details of "Merge my edits" and "Replace and keep mine as .orig". */
  readonly mergeDetail: string;
  readonly forceDetail: string;
}

export function previewText(input: PreviewTextInput): PreviewText {
  const edited = countOf(input.conflicts, 'hand-edited file');
  return {
    title: `Promote ${input.notebook} → ${input.version} into ${input.folder}: ${input.summary}`,
    placeholder:
      input.conflicts === 0
        ? `Select a file to see its diff, or Promote (files are written into ${input.folder})`
        : `${countOf(input.conflicts, 'file')} ${input.conflicts === 1 ? 'was' : 'were'} edited by hand: select one to see its diff, then choose how to promote`,
    mergeDetail: `three-way merge of the ${edited} with the new code; overlapping edits get conflict markers`,
    forceDetail: `the ${edited} ${input.conflicts === 1 ? 'is' : 'are'} kept next to the new ${input.conflicts === 1 ? 'one' : 'ones'} as <file>.orig`,
  };
}
