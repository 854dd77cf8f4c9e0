/**
 * A literal prefilter for regular expressions: the literal text every match must contain
 * (and, for a pattern anchored with `^`, must start with). Testing `startsWith`/`includes`
 * first is much cheaper than running the RE2 automaton, and in a zone of many `matches`
 * rules most requests fail the literal test, so most regexes never run. RE2 itself does the
 * same (its "prefilter"). The extraction is conservative: a pattern with flags, top-level
 * alternation or unusual escapes gets no prefilter.
 */

/** What a match must contain; both parts may be absent. */
export interface LiteralHint {
  /** A match starts at the start of the value with this text. */
  readonly prefix?: string;
  /** A match contains this text. */
  readonly literal?: string;
}

// Escapes of punctuation stand for the character itself.
const ESCAPED_LITERAL = /^[\\.+*?()|[\]{}^$\-/#&~ "'!,:;<=>@%`]$/;
const NON_LITERAL_ESCAPE = /^[dDwWsSbBAzntrfva]$/;

/** Index just past the character class starting at `i` (which is `[`). */
function skipClass(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  while (j < p.length && p[j] !== ']')
    j +=
      p[j] === '\\' ? 2 : p[j] === '[' && p[j + 1] === ':' ? p.indexOf(':]', j) + 2 || p.length : 1;
  return j + 1;
}

/** Index just past the group starting at `i` (which is `(`). */
function skipGroup(p: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < p.length) {
    const c = p[j];
    if (c === '\\') j += 2;
    else if (c === '[') j = skipClass(p, j);
    else {
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j + 1;
      j++;
    }
  }
  return j;
}

/** How the atom ending at `i` is repeated: 'optional', 'some' (one or more) or 'once'. */
function repetition(p: string, i: number): { kind: 'optional' | 'some' | 'once'; end: number } {
  const c = p[i];
  if (c === '*' || c === '?') return { kind: 'optional', end: i + 1 };
  if (c === '+') return { kind: 'some', end: i + 1 };
  if (c === '{') {
    const m = /^\{(\d+)(,\d*)?\}/.exec(p.slice(i));
    if (m)
      return {
        kind: m[1] === '0' || Number(m[1]) === 0 ? 'optional' : 'some',
        end: i + m[0].length,
      };
  }
  return { kind: 'once', end: i };
}

/** Extracts the literal hint of a pattern; undefined when none can be had safely. */
export function literalHint(p: string): LiteralHint | undefined {
  if (p.includes('(?')) return undefined;
  const runs: { text: string; atStart: boolean }[] = [];
  let run = '';
  // A quantified anchor (`^*`, `^{0,1}`) may match nowhere in particular: no prefix then.
  let i = p.startsWith('^') && !'*+?{'.includes(p[1] ?? '*') ? 1 : 0;
  let atStart = i === 1;
  const flush = () => {
    if (run) runs.push({ text: run, atStart });
    run = '';
    atStart = false;
  };
  while (i < p.length) {
    const c = p[i] as string;
    if (c === '|') return undefined;
    let literal: string | undefined;
    let next: number;
    if (c === '\\') {
      const e = p[i + 1] ?? '';
      if (ESCAPED_LITERAL.test(e)) literal = e;
      else if (!NON_LITERAL_ESCAPE.test(e)) return undefined;
      next = i + 2;
    } else if (c === '[' || c === '(') {
      next = c === '[' ? skipClass(p, i) : skipGroup(p, i);
    } else if (c === '{') {
      const rep = repetition(p, i);
      next = rep.kind === 'once' ? i + 1 : rep.end;
    } else if ('^.$*+?'.includes(c)) {
      next = i + 1;
    } else {
      literal = String.fromCodePoint(p.codePointAt(i) ?? 0);
      next = i + literal.length;
    }
    const rep = repetition(p, next);
    if (literal !== undefined && rep.kind !== 'optional') run += literal;
    if (literal === undefined || rep.kind !== 'once') flush();
    i = p[rep.end] === '?' && rep.end !== next ? rep.end + 1 : rep.end;
  }
  flush();
  const first = runs[0];
  const prefix = first?.atStart ? first.text : undefined;
  const longest = runs.reduce<string | undefined>(
    (a, r) => (r.text.length > (a?.length ?? 0) ? r.text : a),
    undefined,
  );
  if (prefix === undefined && (longest === undefined || longest.length < 2)) return undefined;
  return {
    ...(prefix !== undefined && { prefix }),
    ...(longest !== undefined && longest !== prefix && { literal: longest }),
  };
}
