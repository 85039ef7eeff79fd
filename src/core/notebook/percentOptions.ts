/**
 * The options on a jupytext percent cell marker, as jupytext writes and reads them
 * (`cell_metadata.py`): `# %% Optional title [markdown] key=value key=value`, values in JSON
 * (`tags=["step:train", "x"]`, `slideshow={"slide_type": "-"}`) or, as jupytext also accepts, Python
 * literals (`tags=['a']`, `True`, `None`). An older form puts one JSON object after the title.
 */
import type { CellKind } from '../contract/notebook';
import { isJsonObject, isStringList } from './jsonValue';

export interface MarkerOptions {
  readonly kind: CellKind;
  /** Options other than the cell type and `id`, as cell metadata (`tags`, `title`, `slideshow` ...). */
  readonly metadata: Record<string, unknown>;
  /** `tags` when it is a list of strings; undefined when absent or malformed (see problems). */
  readonly tags?: readonly string[];
  readonly id?: string;
  readonly problems: readonly MarkerProblem[];
}

export interface MarkerProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** 0-based offset in the options text. */
  readonly offset: number;
}

const CELL_TYPES: Readonly<Record<string, CellKind>> = { markdown: 'markdown', md: 'markdown', raw: 'raw' };
const KEY = /(?:^|\s)([A-Za-z0-9_.][A-Za-z0-9_.-]*)=/g;
const KEY_AT = /\s*([A-Za-z0-9_.][A-Za-z0-9_.-]*)=/y;

/** Reads `options`: the text after `%%` on a cell marker line. */
export function parseMarkerOptions(options: string): MarkerOptions {
  let text = options;
  let kind: CellKind = 'code';
  const cellType = /(^|\s)\[(markdown|md|raw)\](?=\s|$)/.exec(text);
  if (cellType?.[1] !== undefined && cellType[2] !== undefined) {
    kind = CELL_TYPES[cellType[2]] ?? 'code';
    const start = cellType.index + cellType[1].length;
    text = text.slice(0, start) + ' '.repeat(cellType[2].length + 2) + text.slice(start + cellType[2].length + 2);
  }
  const optionsStart = firstOptionOffset(text);
  const title = text.slice(0, optionsStart).trim();
  const read = readOptions(text, optionsStart);
  // `tags = ["step:load"]`: jupytext reads no option with spaces around `=`, only a title (round 49 FF: the cell
  // lost its role, silently).
  const spaced = /(^|\s)tags\s+=/.exec(text.slice(0, optionsStart));
  if (spaced !== null) read.problems.push({ severity: 'error', message: 'the tags option has spaces around `=`, so jupytext reads it as the cell\'s title and the cell has no tags; write it like tags=["step:train", "imports"]', offset: spaced.index + (spaced[1]?.length ?? 0) });
  const metadata: Record<string, unknown> = {};
  if (title !== '') metadata['title'] = title;
  Object.assign(metadata, read.metadata);
  return {
    kind,
    metadata,
    ...(read.tags !== undefined ? { tags: read.tags } : {}),
    ...(read.id !== undefined ? { id: read.id } : {}),
    problems: read.problems,
  };
}

/** Where the options start: the first `key=`, or a `{` before any `=` (the JSON form); else the end. */
function firstOptionOffset(text: string): number {
  KEY.lastIndex = 0;
  const key = KEY.exec(text);
  const keyStart = key === null ? text.length : key.index + (key[0].length - key[0].trimStart().length);
  const brace = text.indexOf('{');
  return brace >= 0 && brace < keyStart ? brace : keyStart;
}

interface ReadOptions {
  metadata: Record<string, unknown>;
  tags?: readonly string[];
  id?: string;
  problems: MarkerProblem[];
}

function readOptions(text: string, start: number): ReadOptions {
  const result: ReadOptions = { metadata: {}, problems: [] };
  if (text[start] === '{') {
    const value = parseLooseJson(text.slice(start).trim());
    if (isJsonObject(value)) for (const [key, item] of Object.entries(value)) setOption(result, key, item, `${key}=${JSON.stringify(item)}`, start);
    else result.problems.push({ severity: 'warning', message: `the cell options ${text.slice(start).trim()} are not a JSON object; they are ignored`, offset: start });
    return result;
  }
  let at = start;
  while (text.slice(at).trim() !== '') {
    KEY_AT.lastIndex = at;
    const key = KEY_AT.exec(text);
    if (key?.[1] === undefined) {
      const rest = text.slice(at).trim();
      result.problems.push({ severity: 'warning', message: `the cell option text ${JSON.stringify(rest)} is not key=value; it is ignored`, offset: text.indexOf(rest, at) });
      break;
    }
    const keyOffset = at + key[0].length - key[1].length - 1;
    const valueStart = KEY_AT.lastIndex;
    const valueEnd = valueEndOffset(text, valueStart);
    const raw = text.slice(valueStart, valueEnd);
    setOption(result, key[1], parseLooseJson(raw), `${key[1]}=${raw}`, keyOffset);
    at = valueEnd;
  }
  return result;
}

function setOption(result: ReadOptions, key: string, value: unknown, written: string, offset: number): void {
  if (key === 'tags') {
    if (result.tags !== undefined) result.problems.push({ severity: 'error', message: `the tags option is given twice (${written} after tags=${JSON.stringify(result.tags)}); give one list, like tags=["step:train", "imports"]`, offset });
    else if (isStringList(value)) {
      result.tags = value;
      result.metadata['tags'] = value;
    } else {
      const why = value === undefined ? 'is not a list' : 'must be a list of strings';
      result.problems.push({ severity: 'error', message: `the tags option ${written} ${why}; write it like tags=["step:train", "imports"]`, offset });
    }
  } else if (value === undefined) {
    result.problems.push({ severity: 'warning', message: `the cell option ${written} is not a JSON value; it is ignored`, offset });
  } else if (key === 'id' && typeof value === 'string') {
    result.id = value;
  } else {
    result.metadata[key] = value;
  }
}

/** End of the value starting at `start`: a bracketed or quoted value up to its match, else up to whitespace. */
function valueEndOffset(text: string, start: number): number {
  const first = text[start];
  if (first === '[' || first === '{' || first === '"' || first === "'") return balancedEnd(text, start);
  const space = text.slice(start).search(/\s/);
  return space < 0 ? text.length : start + space;
}

function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === '\\') i++;
      else if (char === quote) {
        quote = undefined;
        if (depth === 0) return i + 1;
      }
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && --depth === 0) return i + 1;
  }
  return text.length;
}

/** JSON, or a Python literal made of the same parts (single quotes, True/False/None); undefined if neither. */
export function parseLooseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    try {
      return JSON.parse(pythonLiteralToJson(raw)) as unknown;
    } catch {
      return undefined;
    }
  }
}

const PYTHON_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };
const PYTHON_WORDS: Readonly<Record<string, string>> = { True: 'true', False: 'false', None: 'null' };

function pythonLiteralToJson(raw: string): string {
  let json = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i] ?? '';
    if (char === "'" || char === '"') {
      let value = '';
      let j = i + 1;
      for (; j < raw.length && raw[j] !== char; j++) {
        if (raw[j] === '\\') value += PYTHON_ESCAPES[raw[++j] ?? ''] ?? raw[j] ?? '';
        else value += raw[j];
      }
      if (j >= raw.length) throw new SyntaxError('unterminated string');
      json += JSON.stringify(value);
      i = j;
    } else if (/[A-Za-z]/.test(char)) {
      const word = /^[A-Za-z_]\w*/.exec(raw.slice(i))?.[0] ?? char;
      json += PYTHON_WORDS[word] ?? word;
      i += word.length - 1;
    } else {
      json += char;
    }
  }
  return json.replace(/,(\s*[\]}])/g, '$1');
}
