// Which rule regexes may run on V8's own engine instead of RE2.
//
// RE2 is linear-time, so no rule can hang the process, but every call crosses into C++ and
// re-encodes the text as UTF-8: over a corpus the rule regexes cost more than segmentation. A
// regex whose every quantifier is bounded (?, {m,n} with n ≤ MAX_BOUND, never *, + or {m,}) and
// never quantifies a group that itself holds a quantifier cannot backtrack catastrophically: its
// work per start position is bounded by a product of small constants. Those run on V8; anything
// else stays on RE2. Both must accept the pattern.

const MAX_BOUND = 100;

export function isBoundedRegex(source: string): boolean {
  // Per open group: does it contain a quantifier?
  const groups: boolean[] = [];
  let lastWasGroupWithQuantifier = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
      // \p{...} / \u{...}: skip the braces, they are not a quantifier.
      if ((source[i] === "p" || source[i] === "P" || source[i] === "u") && source[i + 1] === "{") {
        i = source.indexOf("}", i);
        if (i < 0) return false;
      }
      lastWasGroupWithQuantifier = false;
      continue;
    }
    if (c === "[") {
      // Character class: skip to its closing bracket (escapes inside included).
      let j = i + 1;
      if (source[j] === "^") j++;
      if (source[j] === "]") j++;
      for (; j < source.length && source[j] !== "]"; j++) if (source[j] === "\\") j++;
      if (j >= source.length) return false;
      i = j;
      lastWasGroupWithQuantifier = false;
      continue;
    }
    if (c === "(") {
      groups.push(false);
      lastWasGroupWithQuantifier = false;
      continue;
    }
    if (c === ")") {
      const had = groups.pop();
      if (had === undefined) return false;
      lastWasGroupWithQuantifier = had;
      if (had && groups.length > 0) groups[groups.length - 1] = true;
      continue;
    }
    if (c === "*" || c === "+") return false;
    if (c === "?" || c === "{") {
      let bounded = true;
      if (c === "{") {
        const m = /^\{(\d+)(?:,(\d+))?\}/.exec(source.slice(i));
        if (!m) return false;
        const max = m[2] === undefined ? Number(m[1]) : Number(m[2]);
        if (source.slice(i).startsWith(`{${m[1]},}`) || max > MAX_BOUND) bounded = false;
        i += m[0].length - 1;
      } else if (source[i - 1] === "(" ) {
        // "(?:" "(?=" "(?<": a group modifier, not a quantifier.
        continue;
      }
      if (!bounded || lastWasGroupWithQuantifier) return false;
      if (groups.length > 0) groups[groups.length - 1] = true;
      if (source[i + 1] === "?") i++; // lazy modifier
      lastWasGroupWithQuantifier = false;
      continue;
    }
    lastWasGroupWithQuantifier = false;
  }
  return groups.length === 0;
}
