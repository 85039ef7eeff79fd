/**
 * The spellings of the one tag vocabulary (docs/tags.md): which tag or directive means which role, who
 * spells it that way, and whether untagged cells below continue it. Reading a tag or a directive here
 * gives a {@link Mark}; names are checked later, where the cell is known.
 */
import type { Convention, Role } from '../contract/roles';
import type { Directive } from './directives';
import { readDirectiveLine } from './directives';
import { editDistance } from './names';

/** One way of writing a role: a tag (`step:`, `pipeline-parameters`) or a native directive key (`#| step`). */
export interface Spelling {
  /** `step:` for named tags, the tag itself for words, `#| step` for directives. */
  readonly key: string;
  readonly role: Role | 'after';
  /** Conventions that spell it this way; more than one means the notebook decides (see `resolveConventions`). */
  readonly conventions: readonly Convention[];
  /** Untagged code cells below a cell tagged this way take its role (Kale's rule). */
  readonly continues: boolean;
  /** The spelling carries names: `step:<name>`, `after:<a>,<b>`. */
  readonly named: boolean;
}

/** A vocabulary tag or directive found on a cell. */
export interface Mark {
  readonly spelling: Spelling;
  readonly from: 'tag' | 'directive';
  /** The tag or directive line as written. */
  readonly raw: string;
  /** 1-based line in the cell, for directives. */
  readonly line?: number;
  /** Named spellings: the names written, trimmed (possibly none); words: empty. */
  readonly names: readonly string[];
}

/** What a tag or directive turned out to be. */
export type Reading =
  | { readonly kind: 'mark'; readonly mark: Mark }
  /**
   * Looks like ours but is not quite: `Step:train`, `step :train`, `pipeline_parameters`, `step：train`.
   * `colon` is set when the colon is another character that looks like one (see {@link COLON_LOOKALIKES}).
   */
  | {
      readonly kind: 'lookalike';
      readonly raw: string;
      readonly meant: string;
      readonly line?: number;
      readonly colon?: ColonLookalike;
      /** What is wrong and the fix, a sentence to follow the tag in the message, when the usual one does not fit. */
      readonly advice?: string;
    }
  /** Ours, switched off (`#| skip: false`). */
  | { readonly kind: 'off' }
  /** Not ours: people have their own tags, Kale has `limit:`, Quarto has `#| echo: false`. */
  | { readonly kind: 'other' };

function spelling(key: string, role: Role | 'after', conventions: readonly Convention[], continues: boolean, named = false): Spelling {
  return { key, role, conventions, continues, named };
}

const NATIVE_KALE: readonly Convention[] = ['native', 'kale'];

/** Whole-word tags. `parameters` is one cell (papermill's meaning); Kale's `pipeline-parameters` continues. */
const WORD_TAGS: ReadonlyMap<string, Spelling> = new Map(
  [
    spelling('imports', 'imports', NATIVE_KALE, true),
    spelling('functions', 'functions', NATIVE_KALE, true),
    spelling('parameters', 'parameters', ['native', 'papermill'], false),
    spelling('pipeline-parameters', 'parameters', ['kale'], true),
    spelling('injected-parameters', 'parameters', ['papermill'], false),
    spelling('metrics', 'metrics', ['native'], true),
    spelling('pipeline-metrics', 'metrics', ['kale'], true),
    spelling('test', 'test', ['native'], true),
    spelling('skip', 'skip', NATIVE_KALE, false),
  ].map((s) => [s.key, s]),
);

/**
 * Jupyter's own `raises-exception` tag (nbclient runs on past the error it expects): the cell failed on purpose, so
 * the package leaves it out, as `skip` does, when the cell has no role of ours (round 69 WWW: copied into a step,
 * every run failed).
 */
export const RAISES_EXCEPTION: Spelling = spelling('raises-exception', 'skip', NATIVE_KALE, false);

/** Whether a cell's tags hold Jupyter's `raises-exception` (nbclient runs on past the cell's error). */
export function raisesException(tags: readonly string[]): boolean {
  return tags.some((tag) => tag.trim() === RAISES_EXCEPTION.key);
}

/** `<prefix>:<name>` tags. */
const NAMED_TAGS: ReadonlyMap<string, Spelling> = new Map(
  [
    spelling('step:', 'step', NATIVE_KALE, true, true),
    spelling('block:', 'step', ['kale'], true, true),
    spelling('after:', 'after', ['native'], false, true),
    spelling('prev:', 'after', ['kale'], false, true),
  ].map((s) => [s.key, s]),
);

/** Native directive keys: the native tags written as `#| <key>` lines. */
const DIRECTIVE_KEYS: ReadonlyMap<string, Spelling> = new Map(
  [
    spelling('#| step', 'step', ['native'], true, true),
    spelling('#| after', 'after', ['native'], false, true),
    spelling('#| imports', 'imports', ['native'], true),
    spelling('#| functions', 'functions', ['native'], true),
    spelling('#| parameters', 'parameters', ['native'], false),
    spelling('#| metrics', 'metrics', ['native'], true),
    spelling('#| test', 'test', ['native'], true),
    spelling('#| skip', 'skip', ['native'], false),
  ].map((s) => [s.key.slice(3), s]),
);

/** nbdev 2 directive keys we read (all others, like Quarto's `echo`, are left alone). */
export type NbdevKey = 'default_exp' | 'export' | 'exporti' | 'exports' | 'hide';
const NBDEV_KEYS: ReadonlySet<string> = new Set<NbdevKey>(['default_exp', 'export', 'exporti', 'exports', 'hide']);

export function isNbdevKey(key: string): key is NbdevKey {
  return NBDEV_KEYS.has(key);
}

/** True for directive keys of our vocabulary, native or nbdev. */
export function isVocabularyKey(key: string): boolean {
  return DIRECTIVE_KEYS.has(key) || NBDEV_KEYS.has(key);
}

/** Read one `metadata.tags` entry. Tags are trimmed and case-sensitive, as in Kale and papermill. */
export function readTag(tag: string): Reading {
  const raw = tag.trim();
  const word = WORD_TAGS.get(raw);
  if (word !== undefined) return { kind: 'mark', mark: { spelling: word, from: 'tag', raw, names: [] } };
  const colon = raw.indexOf(':');
  const named = colon < 0 ? undefined : NAMED_TAGS.get(raw.slice(0, colon + 1));
  if (named !== undefined) {
    const combined = combinedTags(raw);
    if (combined !== undefined) return combined;
    return { kind: 'mark', mark: { spelling: named, from: 'tag', raw, names: splitNames(named, raw.slice(colon + 1)) } };
  }
  const pasted = pastedDirective(raw);
  if (pasted !== undefined) return pasted;
  const dashed = DASHED_NAMED.exec(raw);
  if (dashed !== null) {
    const meant = `${(dashed[1] ?? '').toLowerCase()}:${dashed[2] ?? ''}`;
    return { kind: 'lookalike', raw, meant, advice: `looks like \`${meant}\`, but the name goes after a colon, not \`${dashed[0].charAt(dashed[1]?.length ?? 0)}\`, so it is ignored. Write \`${meant}\`.` };
  }
  const meant = lookalike(raw);
  if (meant === undefined) return { kind: 'other' };
  const wrongColon = colonLookalikeIn(raw);
  return { kind: 'lookalike', raw, meant, ...(wrongColon !== undefined ? { colon: wrongColon } : {}) };
}

/** `step-train`, `step_train`, `Block-load`: a named tag with `-` or `_` where its colon goes. */
const DASHED_NAMED = /^(step|block|after|prev)[-_]([A-Za-z_][A-Za-z0-9_]*)$/i;

/**
 * Two of our tags typed into one (`step:train after:load`): the tag box took the space as part of the tag.
 * A step takes one name, so any second tag of ours after a `step:` or `block:` tag counts; after an `after:`
 * or `prev:` tag (whose names may be separated by spaces) only a named one (`step:train`) does.
 */
function combinedTags(raw: string): Reading | undefined {
  const parts = raw.split(/\s+/);
  if (parts.length < 2) return undefined;
  const readings = parts.map(readTag);
  const first = readings[0];
  if (first?.kind !== 'mark') return undefined;
  const isStep = first.mark.spelling.role === 'step';
  const ours = readings.slice(1).some((r) => r?.kind === 'mark' && (isStep || r.mark.spelling.named));
  if (!ours) return undefined;
  const tags = parts.map((part) => `\`${part}\``);
  const listed = `${tags.slice(0, -1).join(', ')} and ${tags[tags.length - 1] ?? ''}`;
  return { kind: 'lookalike', raw, meant: parts[0] ?? raw, advice: `holds more than one tag, so it is ignored. Split it into separate tags: ${listed}.` };
}

/**
 * A `#| ` directive line pasted into the tag box (`#| step: train`): our directive, as a tag it is nothing.
 * The message gives the tag that means the same, or (for nbdev's) says the line belongs at the top of the code.
 */
function pastedDirective(raw: string): Reading | undefined {
  const directive = readDirectiveLine(raw, 1);
  if (directive === undefined) return undefined;
  const line = `\`${directive.raw.trim()}\``;
  if (isNbdevKey(directive.key)) {
    return { kind: 'lookalike', raw, meant: directive.raw.trim(), advice: `is a directive line, not a tag, so it is ignored. Put ${line} on the first line of the cell's code.` };
  }
  const reading = readDirective(directive);
  if (reading.kind !== 'mark') return undefined;
  const { spelling: found, names } = reading.mark;
  const tag = found.named ? `${found.key.slice(3)}:${names.join(' ')}` : found.key.slice(3);
  return { kind: 'lookalike', raw, meant: tag, advice: `is a directive line, not a tag, so it is ignored. Use the tag \`${tag}\`, or put ${line} on the first line of the cell's code.` };
}

/**
 * Read one native directive (`#| step: train`, `#| parameters`). nbdev keys are not read here (see
 * `isNbdevKey`). Word directives take no value, or `true`/`false` in Quarto's style.
 */
export function readDirective(directive: Directive): Reading {
  const found = DIRECTIVE_KEYS.get(directive.key);
  if (found === undefined) return readColonLookalikeDirective(directive);
  const { raw, line, value } = directive;
  if (found.named) return { kind: 'mark', mark: { spelling: found, from: 'directive', raw, line, names: splitNames(found, value) } };
  if (value === 'false') return { kind: 'off' };
  if (value !== '' && value !== 'true') return { kind: 'lookalike', raw, meant: found.key, line };
  return { kind: 'mark', mark: { spelling: found, from: 'directive', raw, line, names: [] } };
}

/**
 * The tags of a Quarto `#| tags: [parameters, "step:train"]` directive, each read as the same tag in the cell's
 * metadata would be, at the directive's line; undefined for any other directive. Quarto documents this line as
 * the way to tag a cell (papermill's parameters cell) in a `.qmd` or a notebook; its value is a YAML flow
 * list, its items quoted or not (a bare word is read as a list of one, as a lone tag).
 */
export function readTagsDirective(directive: Directive): Reading[] | undefined {
  if (directive.key !== 'tags') return undefined;
  return flowListItems(directive.value).map((tag) => {
    const reading = readTag(tag);
    if (reading.kind === 'mark') return { kind: 'mark', mark: { ...reading.mark, from: 'directive', line: directive.line } };
    if (reading.kind === 'lookalike') return { ...reading, line: directive.line };
    return reading;
  });
}

/** The items of a YAML flow list (`[a, "b, c", 'd']`), unquoted; a value without brackets is one item. */
function flowListItems(value: string): string[] {
  const text = value.trim();
  if (!(text.startsWith('[') && text.endsWith(']'))) return text === '' ? [] : [unquote(text)];
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text.slice(1, -1)) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      current += char;
    } else if (char === ',') {
      items.push(current);
      current = '';
    } else {
      if ((char === '"' || char === "'") && current.trim() === '') quote = char;
      current += char;
    }
  }
  items.push(current);
  return items.map(unquote).filter((item) => item !== '');
}

/** A YAML scalar without its quotes (`''` in single quotes and `\"` in double quotes are the quote itself). */
function unquote(item: string): string {
  const text = item.trim();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(["\\])/g, '$1');
  return text;
}

/** A step takes one name (the rest of the tag, `step:a:b` is the name `a:b`); `after:`/`prev:` a list. */
function splitNames(named: Spelling, text: string): string[] {
  const trimmed = text.trim();
  if (named.role === 'step') return trimmed === '' ? [] : [trimmed];
  return trimmed.split(/[,\s]+/).filter((n) => n !== '');
}

/**
 * Characters that look like `:` (Unicode's confusables of it, and the full-width and small forms), with
 * their Unicode names for the message. A CJK keyboard types `：` (U+FF1A) in `step：train`; the tag looks
 * right and would be ignored without a word.
 */
const COLON_LOOKALIKES: ReadonlyMap<string, string> = new Map([
  ['\uFF1A', 'FULLWIDTH COLON'],
  ['\uFE55', 'SMALL COLON'],
  ['\uFE13', 'PRESENTATION FORM FOR VERTICAL COLON'],
  ['\u2236', 'RATIO'],
  ['\uA789', 'MODIFIER LETTER COLON'],
  ['\u02D0', 'MODIFIER LETTER TRIANGULAR COLON'],
  ['\u02F8', 'MODIFIER LETTER RAISED COLON'],
  ['\u0589', 'ARMENIAN FULL STOP'],
  ['\u05C3', 'HEBREW PUNCTUATION SOF PASUQ'],
  ['\u0703', 'SYRIAC SUPRALINEAR COLON'],
  ['\u0704', 'SYRIAC SUBLINEAR COLON'],
  ['\u16EC', 'RUNIC MULTIPLE PUNCTUATION'],
  ['\u1803', 'MONGOLIAN FULL STOP'],
  ['\u1809', 'MONGOLIAN MANCHU FULL STOP'],
  ['\u205A', 'TWO DOT PUNCTUATION'],
  ['\uA4FD', 'LISU LETTER TONE MYA JEU'],
]);
const COLON_CLASS = [...COLON_LOOKALIKES.keys()].join('');

/** A character that looks like a colon but is not one, where a colon was meant. */
export interface ColonLookalike {
  readonly char: string;
  /** `U+FF1A FULLWIDTH COLON`. */
  readonly name: string;
}

/** The colon lookalike right after the leading word of `text` (`step：train`), or undefined. */
function colonLookalikeIn(text: string): ColonLookalike | undefined {
  const char = /^[A-Za-z]+\s*(.)/u.exec(text)?.[1];
  const name = char === undefined ? undefined : COLON_LOOKALIKES.get(char);
  if (char === undefined || name === undefined) return undefined;
  return { char, name: `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} ${name}` };
}

const LOOKALIKE_NAMED = new RegExp(`^(step|block|after|prev)s?\\s*[:=${COLON_CLASS}]\\s*(.*)$`, 'i');
const COLON_LOOKALIKE_DIRECTIVE = new RegExp(`^(step|after)\\s*[${COLON_CLASS}]\\s*(.*)$`);

/**
 * `#| step：train`: a named native directive whose colon is a lookalike. The line reads as an unknown key
 * (`step：train`), which would be ignored in silence like Quarto's own; it is a near miss of ours.
 */
function readColonLookalikeDirective(directive: Directive): Reading {
  const written = `${directive.key} ${directive.value}`.trim();
  const named = COLON_LOOKALIKE_DIRECTIVE.exec(written);
  const colon = colonLookalikeIn(directive.key);
  if (named === null || colon === undefined) return { kind: 'other' };
  const { raw, line } = directive;
  return { kind: 'lookalike', raw, meant: `#| ${named[1] ?? ''}: ${(named[2] ?? '').trim()}`.trimEnd(), line, colon };
}

/**
 * The spelling a near-miss tag was meant to be, or undefined. A near miss differs from one of ours only by
 * case, `_` for `-`, spaces or `=` around the colon, a colon lookalike in place of the colon, a plural or
 * singular (`metric`, `parameter`, `import`, `tests`, `steps:train`), or in a longer word one letter added,
 * left out, changed or two swapped (`paramters`, `metircs`).
 */
export function lookalike(tag: string): string | undefined {
  const named = LOOKALIKE_NAMED.exec(tag);
  if (named !== null) return `${(named[1] ?? '').toLowerCase()}:${(named[2] ?? '').trim()}`;
  const normal = tag.toLowerCase().replace(/_/g, '-').replace(/\s+/g, '');
  if (WORD_TAGS.has(normal)) return normal;
  const number = [`${normal}s`, normal.replace(/s$/, '')].find((word) => WORD_TAGS.has(word));
  if (number !== undefined) return number;
  return normal.length < 6 || normal.length > 30 ? undefined : [...WORD_TAGS.keys()].find((word) => word.length >= 6 && editDistance(normal, word) === 1);
}

/**
 * Choose one convention per spelling, given every spelling seen in the notebook. A spelling only one
 * convention uses proves that convention. `step:`, `imports`, `functions` and `skip` (native and Kale) are
 * Kale when Kale is proven and native is not, else native. `parameters` (native and papermill) is native
 * when native is proven or another tag resolved to native, else papermill.
 */
export function resolveConventions(spellings: Iterable<Spelling>): Map<Spelling, Convention> {
  const all = [...new Set(spellings)];
  const proven = new Set<Convention>();
  for (const s of all) if (s.conventions.length === 1 && s.conventions[0] !== undefined) proven.add(s.conventions[0]);
  const resolved = new Map<Spelling, Convention>();
  const nativeOrKale = proven.has('kale') && !proven.has('native') ? 'kale' : 'native';
  for (const s of all) {
    const only = s.conventions.length === 1 ? s.conventions[0] : undefined;
    if (only !== undefined) resolved.set(s, only);
    else if (s.conventions.includes('kale')) resolved.set(s, nativeOrKale);
  }
  const nativeSeen = [...resolved.values()].includes('native');
  for (const s of all) if (!resolved.has(s)) resolved.set(s, nativeSeen ? 'native' : 'papermill');
  return resolved;
}
