/**
 * The bodies of the functions a text (a cell's code) defines at its top level, by name, read line by line:
 * what the shared code's functions do when a step calls them (seed generators, change settings).
 */
export function topLevelFunctionBodies(texts: readonly string[]): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const text of texts) {
    let name: string | undefined;
    let body: string[] = [];
    const close = (): void => {
      if (name !== undefined) bodies.set(name, body.join('\n'));
      name = undefined;
      body = [];
    };
    for (const line of text.split('\n')) {
      const def = /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/.exec(line);
      if (def !== null) {
        close();
        name = def[1];
      } else if (/^[^\s#)\]]/.test(line)) close();
      else if (name !== undefined) body.push(line);
    }
    close();
  }
  return bodies;
}

/** A pattern matching a call of one of `names` (`setup_env(`), not of a method of that name; undefined for none. */
export function callOf(names: Iterable<string>, flags = ''): RegExp | undefined {
  const list = [...names];
  return list.length === 0 ? undefined : new RegExp(String.raw`(?<![\w.])(${list.join('|')})\s*\(`, flags);
}
