// Which rule regexes may run on V8's own engine instead of RE2.
//
// RE2 is linear-time, so no rule can hang the process, but every call crosses into C++ and
// re-encodes the text as UTF-8: over a corpus the rule regexes cost more than segmentation. A
// backtracking engine's work per start position is bounded by the number of distinct paths through
// the pattern (a branch for every alternation, an iteration count for every quantifier). That
// number is computed here from the pattern; a regex with at most MAX_PATHS paths, and no unbounded
// quantifier (*, +, {m,}), runs on V8; anything else, and anything this parser cannot read, stays
// on RE2. Both must accept the pattern.
//
// Counting paths, not just refusing nested quantifiers, matters both ways: `(?:a|a){1,26}b` has no
// nested quantifier yet 2^26 paths (5 s on V8 for 26 a's), while an institution name with three
// optional bounded parts (zone.institution) has ~46,000 and is safe.

/**
 * Paths through a pattern that may run on V8: each is a few steps, so this bounds work per start
 * position. The largest bundled pattern has ~123,000; crafted text that drives it and the
 * institution pattern down every prefix measured 0.02–0.1 ms per exec on a few hundred characters.
 */
export const MAX_PATHS = 250_000;

/**
 * Positions a pattern of a user's pack may expand to (every repetition written out: `[^y]{0,450}`
 * is 450). RE2's time per character grows with it, and with multi-byte text it is far from free:
 * `[^y]{0,450}[^y]{0,450}y` (901 positions) ran at ~100 µs a Chinese character, 10 s for 100 KB.
 * At 200, a megabyte of text stays within seconds; the bundled packs keep under it too.
 */
export const MAX_POSITIONS = 200;

export interface RegexShape {
  /** Paths through the pattern (work per start position on a backtracking engine); Infinity when unbounded or too many. */
  paths: number;
  /** Positions after expanding every counted repetition (an unbounded one counts its body once). */
  positions: number;
}

/** Paths and positions of `source`; both Infinity when the parser cannot read it. */
export function regexShape(source: string): RegexShape {
  let i = 0;
  let failed = false;
  const cap = (n: number): number => (n > MAX_PATHS * 1000 ? Infinity : n);
  type Shape = { paths: number; positions: number };

  // alternation := sequence ('|' sequence)*  — paths and positions add up over branches
  const alternation = (): Shape => {
    const total = sequence();
    while (!failed && source[i] === "|") {
      i++;
      const next = sequence();
      total.paths = cap(total.paths + next.paths);
      total.positions += next.positions;
    }
    return total;
  };
  // sequence := (atom quantifier?)*  — paths multiply along a sequence, positions add
  const sequence = (): Shape => {
    const total = { paths: 1, positions: 0 };
    while (!failed && i < source.length && source[i] !== "|" && source[i] !== ")") {
      const q = quantified(atom());
      total.paths = cap(total.paths * q.paths);
      total.positions += q.positions;
    }
    return total;
  };
  const one = (): Shape => ({ paths: 1, positions: 1 });
  const atom = (): Shape => {
    const c = source[i]!;
    if (c === "\\") {
      const n = source[i + 1];
      if (n === undefined) return fail();
      if (/[1-9k]/.test(n)) return fail(); // backreferences: not for V8 here
      if ((n === "p" || n === "P" || n === "u") && source[i + 2] === "{") {
        const close = source.indexOf("}", i);
        if (close < 0) return fail();
        i = close + 1;
      } else i += 2;
      return one();
    }
    if (c === "[") {
      let j = i + 1;
      if (source[j] === "^") j++;
      if (source[j] === "]") j++;
      for (; j < source.length && source[j] !== "]"; j++) if (source[j] === "\\") j++;
      if (j >= source.length) return fail();
      i = j + 1;
      return one();
    }
    if (c === "(") {
      i++;
      if (source[i] === "?") {
        // (?: (?= (?! (?<= (?<! (?<name>
        const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i));
        if (!m) return fail();
        i += m[0].length;
      }
      const inner = alternation();
      if (source[i] !== ")") return fail();
      i++;
      return inner;
    }
    if (c === ")" || c === "*" || c === "+" || c === "?" || c === "{") {
      // A quantifier with nothing to quantify, or a stray ")".
      if (c === "{" && !/^\{\d+(?:,\d*)?\}/.test(source.slice(i))) {
        i++;
        return one(); // a literal brace
      }
      return fail();
    }
    i++;
    return one();
  };
  /** An atom's shape under the quantifier that follows it (if any). */
  const quantified = (a: Shape): Shape => {
    let min = 1;
    let max = 1;
    const c = source[i];
    if (c === "?") [min, max] = [0, 1];
    else if (c === "*" || c === "+") {
      i++;
      if (source[i] === "?") i++;
      return { paths: Infinity, positions: a.positions };
    } else if (c === "{") {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(source.slice(i));
      if (!m) return a; // a literal brace, consumed as an atom next time
      min = Number(m[1]);
      i += m[0].length - 1;
      if (m[2] === undefined) max = min;
      else if (m[3] === "") {
        i++;
        if (source[i] === "?") i++;
        return { paths: Infinity, positions: a.positions * Math.max(1, min) };
      } else max = Number(m[3]);
    } else return a;
    i++;
    if (source[i] === "?") i++; // lazy: same paths, other order
    // Sum over iteration counts k in [min, max] of paths^k.
    let paths = 0;
    for (let k = min; k <= max && paths !== Infinity; k++) paths = cap(paths + (a.paths === 1 ? 1 : Math.pow(a.paths, k)));
    return { paths, positions: a.positions * Math.max(1, max) };
  };
  const fail = (): Shape => {
    failed = true;
    return { paths: Infinity, positions: Infinity };
  };

  const total = alternation();
  if (failed || i !== source.length) return { paths: Infinity, positions: Infinity };
  return total;
}

/** The number of paths through `source`, or Infinity when unbounded, too many, or unreadable. */
export function regexPaths(source: string): number {
  return regexShape(source).paths;
}

export function isBoundedRegex(source: string): boolean {
  return regexPaths(source) <= MAX_PATHS;
}

/**
 * The pattern as V8 must spell it: RE2 takes a script as \p{Han}, V8 only as \p{Script=Han}. A
 * name of one or two letters is a general category (\p{L}, \p{Lu}), which both spell alike.
 */
export function toV8Source(source: string): string {
  return source.replace(/\\([pP])\{([A-Z][a-z]+(?:_[A-Z][a-z]+)*)\}/g, (m, p: string, name: string) =>
    name.length <= 2 ? m : `\\${p}{Script=${name}}`,
  );
}
