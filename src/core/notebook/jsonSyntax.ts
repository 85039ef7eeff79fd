/**
 * Turns a `JSON.parse` failure into a problem a person can act on: where (line and column) and why, in
 * plain words. Runs only after parsing failed, so it may look at the whole text.
 */
import type { Problem } from '../contract/problem';
import { lineAndColumn } from './jsonValue';

const TRUNCATED =
  'the file is not complete JSON: it ends in the middle of a value (was it truncated while saving?)';

/** What to do about a file that is not UTF-8; promote says the same (promote.ts). */
export const NOT_UTF8_ADVICE = 'notebooks and percent scripts are UTF-8. Save it as UTF-8 (in VS Code: "Change File Encoding", then "Save with Encoding")';

/** The `json-syntax` problem for text that `JSON.parse` rejected with `error`. */
export function jsonSyntaxProblem(text: string, error: unknown, file: string): Problem {
  const at = (offset: number, message: string): Problem => ({
    severity: 'error',
    code: 'json-syntax',
    message,
    file,
    ...lineAndColumn(text, offset),
  });
  const end = contentEnd(text);
  if (end === 0) return { severity: 'error', code: 'json-syntax', message: 'the file is empty', file };

  const conflict = conflictMarkerOffset(text);
  if (conflict !== undefined) {
    return at(conflict, 'the file contains git merge conflict markers (<<<<<<<); resolve the conflict, then save the notebook again');
  }

  const v8Message = error instanceof Error ? error.message : String(error);
  const offset = offsetFromMessage(v8Message) ?? findJsonErrorOffset(text) ?? end;
  if (offset >= end) return at(end, TRUNCATED);
  if (offset === contentStart(text)) {
    const firstLine = text.slice(offset).split(/\r?\n/, 1)[0] ?? '';
    // Bytes that are not UTF-8 were decoded as U+FFFD: a UTF-16 file starts with two of them (its byte order
    // mark). Say what promote says of it, not what the replacement characters look like.
    const replaced = firstLine.indexOf('\uFFFD');
    if (replaced >= 0) {
      const { line, column } = lineAndColumn(text, offset + replaced);
      const byte = Buffer.byteLength(text.slice(offset + replaced - (column - 1), offset + replaced), 'utf8');
      return { severity: 'error', code: 'not-utf8', message: `the file is not UTF-8 text (line ${line}, byte ${byte} is not UTF-8): ${NOT_UTF8_ADVICE}`, file, fileLine: line };
    }
    const excerpt = firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
    return at(offset, `the file is not JSON: a notebook starts with "{", this file starts with ${JSON.stringify(excerpt)}`);
  }
  return at(offset, `the file is not valid JSON: ${describe(v8Message, text, offset)}`);
}

/** Offset of the first non-whitespace character. */
function contentStart(text: string): number {
  let start = 0;
  while (start < text.length && isJsonWhitespace(text.charCodeAt(start))) start++;
  return start;
}

/** Offset just after the last non-whitespace character (0 for blank text). */
function contentEnd(text: string): number {
  let end = text.length;
  while (end > 0 && isJsonWhitespace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** Where a line starts with `<<<<<<< `, the mark git leaves in a file with a merge conflict. */
function conflictMarkerOffset(text: string): number | undefined {
  const match = /^<{7}(?: |$)/m.exec(text);
  return match?.index;
}

/** V8 names the offset: "... in JSON at position 7" (Node 22 adds "(line 1 column 8)"). */
function offsetFromMessage(message: string): number | undefined {
  const match = /at position (\d+)/.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** V8's reason, shortened and in lower case; a trailing comma gets its own words. */
function describe(message: string, text: string, offset: number): string {
  const char = text[offset] ?? '';
  if ((char === '}' || char === ']') && previousNonWhitespace(text, offset) === ',') {
    return `a comma comes right before "${char}" (remove the trailing comma)`;
  }
  if (/^Unexpected non-whitespace character after JSON/.test(message)) {
    return 'there is more text after the end of the notebook';
  }
  if (/^Unexpected/.test(message)) return `unexpected ${JSON.stringify(char)}`;
  const reason = message.replace(/ in JSON at position \d+.*$/s, '');
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

function previousNonWhitespace(text: string, offset: number): string | undefined {
  let i = offset - 1;
  while (i >= 0 && isJsonWhitespace(text.charCodeAt(i))) i--;
  return i >= 0 ? text[i] : undefined;
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'afterValue';

/**
 * The offset of the first character that makes `text` invalid JSON, or undefined when it is valid.
 * For V8 messages that give no position ("Unexpected token 'x', ... is not valid JSON"). Iterative, so deep
 * nesting cannot overflow the stack.
 */
export function findJsonErrorOffset(text: string): number | undefined {
  const open: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) return expect === 'afterValue' && open.length === 0 ? undefined : i;
    const char = text[i];
    if ((expect === 'valueOrClose' && char === ']') || (expect === 'keyOrClose' && char === '}')) {
      open.pop();
      i++;
      expect = 'afterValue';
    } else if (expect === 'value' || expect === 'valueOrClose') {
      if (char === '{' || char === '[') {
        open.push(char);
        i++;
        expect = char === '{' ? 'keyOrClose' : 'valueOrClose';
      } else {
        const end = scalarEnd(text, i);
        if (end < 0) return -end - 1;
        i = end;
        expect = 'afterValue';
      }
    } else if (expect === 'key' || expect === 'keyOrClose') {
      if (char !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      expect = 'colon';
    } else if (expect === 'colon') {
      if (char !== ':') return i;
      i++;
      expect = 'value';
    } else {
      const top = open[open.length - 1];
      if (top === undefined) return i;
      if (char === ',') expect = top === '{' ? 'key' : 'value';
      else if (char === (top === '{' ? '}' : ']')) open.pop();
      else return i;
      i++;
    }
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** End offset of the string, number or literal at `start`; a negative result `-(offset + 1)` marks an error. */
function scalarEnd(text: string, start: number): number {
  const char = text[start];
  if (char === '"') return stringEnd(text, start);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  NUMBER.lastIndex = start;
  return NUMBER.test(text) ? NUMBER.lastIndex : -(start + 1);
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -(i + 1);
    if (code === 0x5c) {
      const escaped = text[i + 1] ?? '';
      if (escaped === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -(i + 1);
        i += 5;
      } else if ('"\\/bfnrt'.includes(escaped) && escaped !== '') i++;
      else return -(i + 1);
    }
  }
  return -(text.length + 1);
}
