// Suggest Steps' closing message says whether the tags are on disk, as they are.
import * as assert from 'node:assert/strict';
import { suggestedStepsMessage } from './suggestText';

describe('suggestedStepsMessage', () => {
  it('says the tags are not saved yet when the notebook is dirty', () => {
    assert.equal(
      suggestedStepsMessage('no-tags.ipynb', ['load_data', 'train'], false),
      'no-tags.ipynb: 2 cells start steps now (load_data, train). The tags are not saved yet: save the notebook to keep them, or Undo to take them back.',
    );
  });

  it('does not ask to save tags that are already in the file', () => {
    const text = suggestedStepsMessage('no-tags.ipynb', ['load_data'], true);
    assert.equal(text, 'no-tags.ipynb: One cell starts a step now (load_data). The tags are saved in the file; Undo takes them back.');
    assert.doesNotMatch(text, /save to keep/);
  });

  it('says which cell holds the metrics when a heading named them', () => {
    assert.equal(suggestedStepsMessage('nb.ipynb', ['load', 'metrics'], true), 'nb.ipynb: One cell starts a step now (load), and one cell holds the metrics now. The tags are saved in the file; Undo takes them back.');
    assert.match(suggestedStepsMessage('nb.ipynb', ['metrics'], true), /^nb\.ipynb: One cell holds the metrics now\. /);
    assert.equal(suggestedStepsMessage('nb.ipynb', ['parameters', 'load', 'metrics'], false), 'nb.ipynb: One cell starts a step now (load), and one cell holds the parameters now, and one cell holds the metrics now. The tags are not saved yet: save the notebook to keep them, or Undo to take them back.');
    assert.match(suggestedStepsMessage('nb.ipynb', ['parameters'], true), /^nb\.ipynb: One cell holds the parameters now\. /);
  });
});
