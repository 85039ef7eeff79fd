/**
 * Lines for YAML values. js-yaml's `load` returns plain data with no positions, but it calls a `listener`
 * when it starts ('open') and finishes ('close') each node, with its parser state (0-based line, the node's
 * kind and value at close). Nesting the events rebuilds the node tree; `lineOf` walks it along a data path
 * (`['steps', 0, 'inputs', 1]`) to the line where that value, or the key that holds it, is written.
 * Best effort: a path the tree does not follow ends at the deepest node found.
 */
import { JSON_SCHEMA, load, YAMLException } from 'js-yaml';
import type { LoadOptions, State } from 'js-yaml';
import type { Problem } from '../contract/problem';
import type { Locate } from '../util/schemaErrors';
import { yamlSyntaxProblem } from '../util/schemaErrors';

export interface YamlNode {
  /** 0-based line where the parser started the node. For a mapping value, see `lineOf`: the key's line is used. */
  readonly line: number;
  kind: string | null;
  result: unknown;
  readonly children: YamlNode[];
}

export interface LoadedYaml {
  readonly value: unknown;
  /** The document's root node; undefined for an empty document. */
  readonly root: YamlNode | undefined;
}

/** js-yaml `load` that also returns the node tree. Throws js-yaml's YAMLException as `load` does. */
export function loadWithPositions(text: string, options: Omit<LoadOptions, 'listener'>): LoadedYaml {
  const roots: YamlNode[] = [];
  const stack: YamlNode[] = [];
  const listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      const node: YamlNode = { line: state.line, kind: null, result: undefined, children: [] };
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.children.push(node);
      else roots.push(node);
      stack.push(node);
      return;
    }
    const node = stack.pop();
    if (node === undefined) return;
    node.kind = state.kind;
    node.result = state.result;
  };
  const value = load(text, { ...options, listener });
  return { value, root: roots[0] };
}

/**
 * The 1-based line of the value at `path` under `root`: for a mapping member the line of its key, for a
 * list item the line where the item starts. Undefined when not even the first step of the path is found.
 */
export function lineOf(root: YamlNode | undefined, path: readonly (string | number)[]): number | undefined {
  let node = root;
  let line: number | undefined;
  for (const segment of path) {
    if (node === undefined) break;
    const next = childAt(node, segment);
    if (next === undefined) break;
    line = next.line;
    node = next.value;
  }
  return line === undefined ? undefined : line + 1;
}

/** The child of `node` at `segment`: its line (key line for mappings) and its value node. */
function childAt(node: YamlNode, segment: string | number): { line: number; value: YamlNode | undefined } | undefined {
  if (node.kind === 'mapping') {
    for (let i = 0; i + 1 < node.children.length; i += 2) {
      const key = node.children[i];
      if (key !== undefined && String(key.result) === String(segment)) return { line: key.line, value: node.children[i + 1] };
    }
    return undefined;
  }
  if (node.kind === 'sequence' && typeof segment === 'number') {
    const item = node.children[segment];
    return item === undefined ? undefined : { line: item.line, value: item };
  }
  return undefined;
}

/** A YAML file nbpromote reads (pipeline.yaml, nbpromote.lock): its data and where each value is, or why not. */
export type YamlDocument = { readonly ok: true; readonly value: unknown; readonly at: Locate } | { readonly ok: false; readonly problem: Problem };

/** Loads `text` with js-yaml's JSON schema (no custom tags); a syntax error is a `yaml-syntax` problem. Never throws on user input. */
export function readYamlDocument(text: string, file: string): YamlDocument {
  let loaded: LoadedYaml;
  try {
    loaded = loadWithPositions(text, { schema: JSON_SCHEMA, filename: file });
  } catch (ex) {
    if (ex instanceof YAMLException) return { ok: false, problem: yamlSyntaxProblem(ex, file) };
    throw ex;
  }
  const at: Locate = (path) => {
    const line = lineOf(loaded.root, path);
    return line === undefined ? {} : { line };
  };
  return { ok: true, value: loaded.value, at };
}
