// Lets unit tests `import text from './x.py'` as esbuild's text loader does in the bundles.
const { readFileSync } = require('node:fs');
require.extensions['.py'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};
