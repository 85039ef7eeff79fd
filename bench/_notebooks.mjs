// Deterministic generated notebooks for the benchmarks (nbformat 4.5, tagged steps, realistic sizes).
const pngBase64 = (seed, bytes) => {
  // Pseudo-random base64 of about `bytes` characters, like an embedded PNG plot.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let x = seed * 2654435761 >>> 0;
  const chars = new Array(bytes);
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    chars[i] = alphabet[x >>> 26];
  }
  return `iVBORw0KGgo${chars.join('')}`;
};

function codeCell(i, source, outputs = [], tags = []) {
  return { cell_type: 'code', id: `c${String(i).padStart(6, '0')}`, execution_count: i + 1, metadata: { tags }, outputs, source };
}

function markdownCell(i, text) {
  return { cell_type: 'markdown', id: `m${String(i).padStart(6, '0')}`, metadata: {}, source: text };
}

function stepTags(i, every) {
  if (i === 0) return ['imports'];
  if (i === 1) return ['parameters'];
  return i % every === 2 ? [`step:step_${Math.floor(i / every)}`] : [];
}

function notebook(cells) {
  return JSON.stringify({
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}

/** ~100 MB: `count` cells, most with an image/png output of ~20 KB base64. */
export function makeImageNotebook(count) {
  const cells = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      cells.push(markdownCell(i, [`## Section ${i}\n`, '\n', 'Some notes about the plot above.']));
      continue;
    }
    const source = [`fig, ax = plt.subplots()\n`, `ax.plot(df["x_${i}"], df["y"])\n`, `ax.set_title("feature ${i}")`];
    const outputs = [{ output_type: 'display_data', data: { 'image/png': pngBase64(i, 20000), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] }, metadata: {} }];
    cells.push(codeCell(i, source, outputs, stepTags(i, 50)));
  }
  return notebook(cells);
}

/** Many small text cells with stream outputs. */
export function makeTextNotebook(count) {
  const cells = [];
  for (let i = 0; i < count; i++) {
    if (i % 5 === 4) {
      cells.push(markdownCell(i, [`### Note ${i}\n`, 'Checking the intermediate frame.']));
      continue;
    }
    const source = [`x_${i} = df["col_${i % 37}"].fillna(0) * ${i}\n`, `total_${i} = x_${i}.sum()\n`, `print(total_${i})`];
    const outputs = [{ output_type: 'stream', name: 'stdout', text: [`${i * 31}.0\n`] }];
    cells.push(codeCell(i, source, outputs, stepTags(i, 200)));
  }
  return notebook(cells);
}
