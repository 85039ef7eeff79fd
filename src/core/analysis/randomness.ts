/**
 * What the analysis knows about random numbers: which global generators a notebook seeds, which names hold
 * generators it makes, and the draws no seed fixes (the `not-reproducible` warning). Generation uses the
 * first two to keep random state through the cache; the warning tells the user what the cache cannot fix.
 */

import { insideRanges, stringAndCommentRanges } from './python/literalRanges';
import { callOf, topLevelFunctionBodies } from './functionBodies';

/** Generator makers whose state the runtime can save and restore (`np.random.default_rng(0)`, `random.Random(7)`). */
const RESTORABLE_MAKERS = 'default_rng|RandomState|Random|Generator';

/** Calls that make a random generator: a name assigned one changes with each draw. `SystemRandom` too. */
export const GENERATOR_MAKERS = new RegExp(`\\b(?:${RESTORABLE_MAKERS}|SystemRandom)\\s*\\(`);

/**
 * Calls of the usual seed-everything helpers, which seed `random` and NumPy: a bare call (`set_seed(42)`, imported
 * from the project's helper module or a library), `<module>.seed_everything(...)` (lightning), and
 * `transformers.set_seed` / `accelerate.utils.set_seed`. Not `obj.set_seed(1)`: an object's own generator.
 */
const SEED_HELPERS = /(?<![\w.])(seed_everything|set_seeds?|seed_all|set_random_seeds?|set_global_seeds?|fix_seeds?|reset_seeds?)\s*\(|(?<![\w.])(?:[A-Za-z_]\w*\.)+(seed_everything)\s*\(|(?<![\w.])(?:transformers|accelerate(?:\.utils)?)\.(set_seed)\s*\(/g;

/** Whether `code` may call a seed (`random.seed(`, `seed_everything(`, `set_seeds(`): texts without one are not split into lines. */
export function mayCallSeed(code: string): boolean {
  return /seed(?:s|_everything|_all)?\s*\(/.test(code);
}

/** Global generators a seed call seeds (what {@link seededGlobalRngs} returns), by function name. */
export type SeedingFunctions = ReadonlyMap<string, readonly ('random' | 'numpy')[]>;

/**
 * The global generators top-level lines seed: `numpy` for `np.random.seed(0)` or `numpy.random.seed(s)`,
 * `random` for `random.seed(42)`; in that order, each once. With `anyLine`, lines inside blocks and function
 * bodies count too (a `seed_everything` function seeds when it is called). A call of one of `seeders`
 * (`set_seed(seed)`, {@link seedingFunctions}) seeds what that function seeds.
 */
export function seededGlobalRngs(code: string, { anyLine = false, seeders }: { anyLine?: boolean; seeders?: SeedingFunctions } = {}): ('random' | 'numpy')[] {
  const seeded = new Set<'random' | 'numpy'>();
  const calls = callOf(seeders?.keys() ?? [], 'g');
  for (const line of code.split('\n')) {
    if (anyLine ? /^\s*#/.test(line) : /^[\s#@]/.test(line) || /^(?:async\s+)?(?:def|class)\b/.test(line)) continue;
    const text = line.replace(/#.*$/, '');
    for (const m of text.matchAll(/(\w+\.)?\brandom\.seed\s*\(/g)) seeded.add(m[1] === undefined ? 'random' : 'numpy');
    // `seed_everything(42)` from a library (lightning, transformers, accelerate) or the project's own helper
    // module: they seed the random module and NumPy (and more). The notebook's own functions are `seeders`'.
    if (!/^\s*(?:async\s+)?def\b/.test(text)) {
      for (const m of text.matchAll(SEED_HELPERS)) if (seeders?.has(m[1] ?? m[2] ?? m[3] ?? '') !== true) for (const rng of ['random', 'numpy'] as const) seeded.add(rng);
    }
    if (calls === undefined || /^\s*(?:async\s+)?def\b/.test(text)) continue;
    for (const m of text.matchAll(calls)) for (const rng of seeders?.get(m[1] ?? '') ?? []) seeded.add(rng);
  }
  return (['random', 'numpy'] as const).filter((m) => seeded.has(m));
}

/**
 * The functions the shared code (`texts`, its cells) defines at top level that seed global generators when
 * called, with the generators each seeds: `def set_seed(s): random.seed(s); np.random.seed(s)`, and a function
 * calling such a function (`def setup(): set_seed(0)`), however deep. A step calling one seeds; so does the
 * shared code calling one on a top-level line. Defining one seeds nothing.
 */
export function seedingFunctions(texts: readonly string[]): Map<string, ('random' | 'numpy')[]> {
  const bodies = topLevelFunctionBodies(texts);
  const seeders = new Map<string, ('random' | 'numpy')[]>();
  // Until nothing changes: a function calling a seeding function seeds what it seeds.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, body] of bodies) {
      const rngs = seededGlobalRngs(body, { anyLine: true, seeders });
      if (rngs.length > (seeders.get(name)?.length ?? 0)) {
        seeders.set(name, rngs);
        changed = true;
      }
    }
  }
  return seeders;
}

const GENERATOR_LINE = new RegExp(String.raw`^([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*[^#]*\b(?:${RESTORABLE_MAKERS})\s*\(`);

/**
 * Names a top-level line binds to a random generator it makes: `rng = np.random.default_rng(0)`,
 * `gen = random.Random(7)`, `state = RandomState(1)`. The runtime checks each value really is one.
 */
export function generatorNames(code: string): string[] {
  const names: string[] = [];
  for (const line of code.split('\n')) {
    const m = GENERATOR_LINE.exec(line);
    if (m?.[1] !== undefined && !names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

/**
 * scikit-learn calls that draw from NumPy's global generator unless given `random_state` (round 56 WW: a
 * decision tree, a randomized search and a shuffled K-fold were not known, and a metrics test failed unexplained).
 */
const ESTIMATORS = String.raw`RandomForest\w*|ExtraTrees?\w*|DecisionTree(?:Classifier|Regressor)|(?:Hist)?GradientBoosting\w*|Bagging(?:Classifier|Regressor)|AdaBoost(?:Classifier|Regressor)|KMeans|MiniBatchKMeans|train_test_split|MLP(?:Classifier|Regressor)|SGD(?:Classifier|Regressor)|IsolationForest|TSNE|(?:Stratified)?ShuffleSplit|RandomizedSearchCV|(?:Repeated)?(?:Stratified|Group)?KFold|permutation_importance|make_(?:classification|regression|blobs|moons|circles)`;
/** NumPy's legacy module-level draws (`np.random.rand(3)`), which use its global generator. */
const NUMPY_DRAWS = String.raw`(?:np|numpy)\.random\.(?:rand|randn|randint|random_integers|random|random_sample|ranf|sample|choice|permutation|shuffle|normal|uniform|binomial|poisson|exponential|beta|gamma|lognormal|laplace|logistic|geometric|multinomial|multivariate_normal|dirichlet|triangular|weibull|standard_normal|standard_t|chisquare)`;
/** The standard library's module-level draws (`random.choice(rows)`), which use its global generator. */
const STDLIB_DRAWS = String.raw`(?<![\w.])random\.(?:random|randint|randrange|choice|choices|shuffle|sample|uniform|gauss|normalvariate|triangular|betavariate|expovariate)`;
/** Generators made without a seed: they start from fresh entropy, whatever seeds the global ones. */
const UNSEEDED_MAKERS = String.raw`(?:default_rng|RandomState|(?<![\w.])random\.Random|SystemRandom)(?=\s*\(\s*\))`;
/** pandas' `.sample(...)` (and any other `.sample` but the standard library's). */
const PANDAS_SAMPLE = String.raw`(?<!(?<![\w.])random)\.sample`;
const DRAWS = new RegExp(String.raw`(?<![\w.])(?:${ESTIMATORS})\s*\(|(?<![\w.])${NUMPY_DRAWS}\s*\(|${STDLIB_DRAWS}\s*\(|${UNSEEDED_MAKERS}|${PANDAS_SAMPLE}\s*\(`, 'g');
/** Words every match of {@link DRAWS} holds: texts without any are not searched (the search is slower). */
const DRAW_WORDS = /random|sample|Random|rng|Forest|Tree|Boost|Bagging|KMeans|KFold|split|MLP|SGD|TSNE|Shuffle|permutation_importance|make_/;
/** Arguments that give a call its own seed. */
const OWN_SEED = /\b(?:random_state|random_seed|seed)\s*=/;

/** A draw no seed fixes: the index of its text in the list given, its 1-based line, and what to do. */
export interface UnseededDraw {
  readonly text: number;
  readonly line: number;
  readonly message: string;
}

/**
 * Each call in the generated code of the promoted cells (`texts`) that draws random numbers no seed fixes:
 * scikit-learn estimators and splits without `random_state`, pandas' `sample` without it, NumPy's
 * module-level draws, when no cell seeds NumPy's global generator; the `random` module's draws when no cell
 * calls `random.seed`; generators made without a seed.
 * Every run then gives other numbers, so the notebook's metrics cannot be reproduced exactly and the cache
 * keeps one draw. A seed anywhere in the promoted cells counts (a `seed_everything` function too).
 */
export function unseededDraws(texts: readonly string[], leftOut: readonly string[] = []): UnseededDraw[] {
  const seedsIn = (all: readonly string[]): Set<'random' | 'numpy'> => new Set(all.flatMap((text) => (mayCallSeed(text) ? seededGlobalRngs(text, { anyLine: true }) : [])));
  const seeded = seedsIn(texts);
  const seededOnlyOut = seedsIn(leftOut);
  const pandas = texts.some((text) => /\bpandas\b/.test(text));
  const draws: UnseededDraw[] = [];
  for (const [i, text] of texts.entries()) {
    draws.push(...setOrders(text, i));
    if (!DRAW_WORDS.test(text)) continue;
    let literals: [number, number][] | undefined;
    for (const m of text.matchAll(DRAWS)) {
      const at = m.index ?? 0;
      // In a string (`print('KMeans(k=3)')`) or a comment, a match is words, not a call.
      literals ??= stringAndCommentRanges(text);
      if (insideRanges(literals, at)) continue;
      // A seed only in a cell the pipeline leaves out (a skip cell) seeds nothing there: say so.
      const nobody = seededOnlyOut.has(m[0].startsWith('random.') ? 'random' : 'numpy') ? 'only a cell the pipeline leaves out seeds' : 'no cell seeds';
      const message = drawMessage(m[0], text, at, seeded, pandas, nobody);
      if (message === undefined) continue;
      draws.push({ text: i, line: lineOf(text, at), message: `${message}: every run gives other numbers, so the notebook's metrics cannot be reproduced exactly (and the cache keeps one draw)` });
    }
  }
  return draws;
}

/** The places `text` (the `index`th) takes a set of strings in its own order (see SET_ORDER). */
function setOrders(text: string, index: number): UnseededDraw[] {
  if (!text.includes('set')) return [];
  const found: UnseededDraw[] = [];
  let literals: [number, number][] | undefined;
  for (const m of text.matchAll(SET_ORDER)) {
    const at = m.index ?? 0;
    const open = at + m[0].length - 1;
    const items = text.slice(open + 1, closingParen(text, open));
    if (!STRING_ITEMS.test(items) || insideRanges((literals ??= stringAndCommentRanges(text)), at)) continue;
    const how = m[0].replace(/\s+/g, '').replace(/\($/, '');
    found.push({ text: index, line: lineOf(text, at), message: `${how}(...) takes a set's items in the order of their hashes, which Python draws anew in every process for strings (column names, keys): every run may give another order, so the notebook's metrics cannot be reproduced exactly (and the cache keeps one order). Use sorted(set(...))` });
  }
  return found;
}

/** A set's items taken in its own order: `list(set(...))`, `tuple(set(...))`, `for c in set(...)`, `[... for c in set(...)]`. */
const SET_ORDER = /(?<![\w.])(?:(?:list|tuple)\s*\(\s*set|(?<=\bin\s+)set)\s*\(/g;
/** What makes a set of strings: a frame's columns, a dict's keys, words split from a text, string literals. */
const STRING_ITEMS = /\.columns\b|\.keys\s*\(|\.split\s*\(|["']/;

/**
 * What is wrong with the draw `call` matched at `at` in `text`, or undefined when a seed fixes it. `nobody`
 * says who seeds the generator it draws from: "no cell seeds", or "only a cell the pipeline leaves out seeds".
 */
function drawMessage(call: string, text: string, at: number, seeded: ReadonlySet<'random' | 'numpy'>, pandas: boolean, nobody: string): string | undefined {
  const name = call.replace(/\s*\($/, '');
  if (!call.endsWith('(')) return `${name}() makes a generator without a seed, so it starts from fresh entropy. Pass a seed: ${name}(<a number>)`;
  const rng = globalGeneratorOf(call, text, at, pandas);
  if (rng === undefined || seeded.has(rng)) return undefined;
  if (rng === 'random') return `${name}(...) draws from the random module's global generator, and ${nobody} it. Call random.seed(<a number>) once in the first cells`;
  if (name === '.sample') return `.sample(...) picks rows at random without random_state, and ${nobody} NumPy's global generator. Pass random_state=<a number>`;
  if (/^(?:np|numpy)\.random\./.test(name)) {
    return `${name}(...) draws from NumPy's global generator, and ${nobody} it. Call np.random.seed(<a number>) once in the first cells, or draw from np.random.default_rng(<a number>)`;
  }
  return `${name}(...) draws random numbers without random_state, and ${nobody} the global generator. Pass random_state=<a number>`;
}

/**
 * The global generator the call `call` (a match of {@link DRAWS} at `at` in `text`, ending with its `(`) draws
 * from: `random` for the random module's draws, `numpy` for NumPy's module-level draws and for estimators, splits
 * and pandas' `.sample` without their own seed; undefined when it draws from none (`random_state=` given, a
 * split keeping the order, `.sample` of something other than pandas).
 */
function globalGeneratorOf(call: string, text: string, at: number, pandas: boolean): 'random' | 'numpy' | undefined {
  const name = call.replace(/\s*\($/, '');
  if (name.startsWith('random.')) return 'random';
  const open = at + call.length - 1;
  const args = text.slice(open, closingParen(text, open));
  // `RandomForestClassifier(**params)`: the dict may hold random_state; nothing tells it does not.
  if (OWN_SEED.test(args) || /(?:^|[(,])\s*\*\*/.test(args)) return undefined;
  // A split that keeps the order (the time-based split of a forecast) draws nothing.
  if (name === 'train_test_split' && /\bshuffle\s*=\s*False\b/.test(args)) return undefined;
  // A K-fold split draws only when told to shuffle (`KFold(5, shuffle=True)`); a repeated one always shuffles.
  if (/^(?:Stratified|Group)?KFold$/.test(name) && !/\bshuffle\s*=\s*True\b/.test(args)) return undefined;
  if (name === '.sample' && !pandas) return undefined;
  return 'numpy';
}

/** A call drawing from a global generator: its 1-based line, its text (`df.sample(`) and the generator. */
export interface GlobalDraw {
  readonly line: number;
  readonly call: string;
  readonly rng: 'random' | 'numpy';
}

/** The calls in `text` (a cell's generated code) that draw from a global generator (see {@link globalGeneratorOf}). */
export function globalDraws(text: string, pandas: boolean): GlobalDraw[] {
  if (!DRAW_WORDS.test(text)) return [];
  const literals = stringAndCommentRanges(text);
  const draws: GlobalDraw[] = [];
  for (const m of text.matchAll(DRAWS)) {
    const at = m.index ?? 0;
    if (!m[0].endsWith('(') || insideRanges(literals, at)) continue;
    const rng = globalGeneratorOf(m[0], text, at, pandas);
    if (rng === undefined) continue;
    // `.sample(` with what it samples: `df.sample(`.
    const receiver = m[0].startsWith('.') ? (/[A-Za-z_][\w.]*$/.exec(text.slice(0, at))?.[0] ?? '') : '';
    draws.push({ line: lineOf(text, at), call: `${receiver}${m[0].replace(/\s+\($/, '(')}`, rng });
  }
  return draws;
}

/** The offset of the parenthesis closing the one at `open` (the text's end when it is not closed). */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let end = open; end < text.length; end++) {
    if (text[end] === '(') depth++;
    else if (text[end] === ')' && --depth === 0) return end;
  }
  return text.length;
}

/** The 1-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

