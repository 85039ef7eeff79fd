import * as assert from 'node:assert/strict';
import { parseLooseJson, parseMarkerOptions } from './percentOptions';

describe('parseMarkerOptions', () => {
  it('reads nothing from nothing', () => {
    assert.deepEqual(parseMarkerOptions(''), { kind: 'code', metadata: {}, problems: [] });
  });

  it('reads the cell type and a title', () => {
    assert.deepEqual(parseMarkerOptions('Load the data [md]'), { kind: 'markdown', metadata: { title: 'Load the data' }, problems: [] });
    assert.equal(parseMarkerOptions('[raw]').kind, 'raw');
  });

  it('reads key=value options with JSON values that contain spaces', () => {
    const options = parseMarkerOptions('[markdown] tags=["step:train", "x"] slideshow={"slide_type": "-"} active="py"');
    assert.deepEqual(options, {
      kind: 'markdown',
      metadata: { tags: ['step:train', 'x'], slideshow: { slide_type: '-' }, active: 'py' },
      tags: ['step:train', 'x'],
      problems: [],
    });
  });

  it('accepts Python literals as jupytext does', () => {
    assert.deepEqual(parseMarkerOptions("tags=['a', \"b\",] jupyter={'source_hidden': True}").metadata, { tags: ['a', 'b'], jupyter: { source_hidden: true } });
  });

  it('reads the older JSON object form', () => {
    assert.deepEqual(parseMarkerOptions('Title {"tags": ["x"]}').metadata, { title: 'Title', tags: ['x'] });
  });

  it('takes id out of the metadata', () => {
    assert.deepEqual(parseMarkerOptions('id="c1" tags=[]'), { kind: 'code', metadata: { tags: [] }, tags: [], id: 'c1', problems: [] });
  });

  it('reports malformed tags at the option', () => {
    assert.deepEqual(parseMarkerOptions(' x tags=[step:train]').problems, [
      { severity: 'error', message: 'the tags option tags=[step:train] is not a list; write it like tags=["step:train", "imports"]', offset: 3 },
    ]);
  });

  it('warns about other options that are not JSON', () => {
    assert.deepEqual(parseMarkerOptions('lr=fast').problems, [{ severity: 'warning', message: 'the cell option lr=fast is not a JSON value; it is ignored', offset: 0 }]);
  });
});

describe('parseLooseJson', () => {
  it('reads JSON and Python literals, and gives undefined for neither', () => {
    assert.deepEqual(parseLooseJson('[1, "a"]'), [1, 'a']);
    assert.deepEqual(parseLooseJson("['it\\'s', None, False]"), ["it's", null, false]);
    assert.equal(parseLooseJson("['open"), undefined);
    assert.equal(parseLooseJson('step:train'), undefined);
  });

  // Round 49 FF: read silently as a title, or the second list winning, the cell took another role.
  it('refuses tags with spaces around `=` and tags given twice', () => {
    assert.deepEqual(parseMarkerOptions('Load tags = ["step:load"]').problems, [
      { severity: 'error', message: 'the tags option has spaces around `=`, so jupytext reads it as the cell\'s title and the cell has no tags; write it like tags=["step:train", "imports"]', offset: 5 },
    ]);
    assert.deepEqual(parseMarkerOptions('tags=["step:load"] tags=["x"]').problems, [
      { severity: 'error', message: 'the tags option is given twice (tags=["x"] after tags=["step:load"]); give one list, like tags=["step:train", "imports"]', offset: 19 },
    ]);
    assert.deepEqual(parseMarkerOptions('Tags are below: none here').problems, []);
  });
});
