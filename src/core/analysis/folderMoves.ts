/**
 * The folders a notebook's code moves to with `os.chdir(...)` (`%cd ..` is translated to one). Jupyter imports
 * from the current folder, so after `%cd ..` a notebook in notebooks/ imports the project's own modules
 * (`from src.features import build`); the generated package imports when it is imported, before any of that
 * code runs, so it puts these folders on `sys.path` itself and looks for local modules there too.
 */
import { posix } from 'node:path';

/** One `os.chdir(...)`: where (the index of its text in the list given, a 1-based line) and to which folder. */
export interface FolderMove {
  readonly text: number;
  readonly line: number;
  /**
   * The folder, relative to the notebook's folder (`..`, `../data`: forward slashes, normalised), absolute, or
   * starting with `~` (`%cd ~/project`); undefined when it is known only when the code runs (`os.chdir(root)`).
   */
  readonly folder?: string;
}

/** `os.path.expanduser(...)`, `Path(...)`, `str(...)` and the like around a folder: the same folder. */
const WRAPPER = /^(?:os\.path\.(expanduser|abspath|normpath|realpath)|(?:pathlib\.)?Path|str)\(([^]*)\)$/;
/** `.resolve()`, `.absolute()`, `.expanduser()` after a `Path(...)`: the same folder. */
const SAME_FOLDER = /\.(resolve|absolute|expanduser)\(\)$/;
/** A plain string literal (no escapes, no format fields). */
const LITERAL = /^[rRuU]?(["'])([^"'\\\n]+)\1$/;

/**
 * Every `os.chdir(...)` in the texts (the generated code of the promoted cells, in the order they run), with
 * the folder it moves to when its argument is a string literal, maybe wrapped (`os.chdir("..")`,
 * `os.chdir(Path("..").resolve())`, `os.chdir(os.path.expanduser("~/p"))`): a relative one counts from where the
 * moves before it left the code. After a move to an unknown folder, relative moves are unknown too.
 */
export function folderMoves(texts: readonly string[]): FolderMove[] {
  const moves: FolderMove[] = [];
  let current: string | undefined = '.';
  for (const [i, text] of texts.entries()) {
    if (!text.includes('chdir')) continue;
    for (const [n, line] of text.split('\n').entries()) {
      for (const m of line.matchAll(/(?<![\w.])os\.chdir\(/g)) {
        const at = m.index ?? 0;
        if (line.slice(0, at).includes('#')) continue;
        const target = literalFolder(argument(line, at + m[0].length));
        if (target === undefined) current = undefined;
        else if (target.home || posix.isAbsolute(target.path)) current = posix.normalize(target.path);
        else if (current !== undefined) current = posix.normalize(posix.join(current, target.path)).replace(/\/$/, '');
        moves.push({ text: i, line: n + 1, ...(current === undefined ? {} : { folder: current }) });
      }
    }
  }
  return moves;
}

/** The text between the parenthesis before `from` and the one closing it, or undefined when the line does not close it. */
function argument(line: string, from: number): string | undefined {
  let depth = 1;
  for (let end = from; end < line.length; end++) {
    if (line[end] === '(') depth++;
    else if (line[end] === ')' && --depth === 0) return line.slice(from, end);
  }
  return undefined;
}

function literalFolder(arg: string | undefined): { path: string; home: boolean } | undefined {
  if (arg === undefined) return undefined;
  let text = arg.trim();
  let home = false;
  for (;;) {
    const same = SAME_FOLDER.exec(text);
    const wrapped = same === null ? WRAPPER.exec(text) : null;
    if (same !== null) text = text.slice(0, same.index);
    else if (wrapped !== null) text = (wrapped[2] ?? '').trim();
    else break;
    home ||= (same?.[1] ?? wrapped?.[1]) === 'expanduser';
  }
  const literal = LITERAL.exec(text);
  const path = literal?.[2];
  if (path === undefined) return undefined;
  return { path, home: home && path.startsWith('~') };
}
