// Person names as case texts write them, and how caseflag masks one: the surname kept, the given
// name replaced by 某. One module for every place that masks a name: the scan's defendants and
// leakers (score/case-meta.ts, score/leaks.ts), the case card's text (output/case-card.ts) and
// keyword capture's example sentences and name filter (keywords/names.ts). Pure.

/**
 * Characters that stand in for a hidden name or value: 某 (张某, 王某某), × and x (李×1, 李x1), stars,
 * circles. In a Han string (a keyword candidate) the Latin ones never occur. (A full-width Ｘ is not
 * one: 李Ｘ was shown as 李某 before the masks were one list, and scan output stays as it was.)
 */
const MASK_CHARS = /[某×✕╳*＊※○〇◯xX]/;

/** A pseudonym's mark after a name (刘贝煌（化名）). */
const PSEUDONYM_MARK = /[（(]化名[)）]$/;

/** Does the string carry a mask character (张某, 李×1, 王**)? */
export function hasMask(s: string): boolean {
  return MASK_CHARS.test(s);
}

/**
 * Characters of a name that are its surname: two for a compound surname `compound` knows (欧阳晓红)
 * when a given name follows, else one.
 */
export function surnameLength(name: string, compound?: ReadonlySet<string>): number {
  return compound !== undefined && name.length >= 3 && compound.has(name.slice(0, 2)) ? 2 : 1;
}

/**
 * A name as caseflag shows it: 张某, 李×1 and 王某某 are masked already (a pseudonym's mark dropped);
 * anything else keeps its surname and the rest is 某: 董源 → 董某 (with `compound`, 欧阳晓红 → 欧阳某).
 */
export function maskName(name: string, compound?: ReadonlySet<string>): string {
  const bare = name.replace(PSEUDONYM_MARK, "");
  if (hasMask(bare)) return bare;
  return bare.slice(0, surnameLength(bare, compound)) + "某";
}

/** maskName at the name's own length (梁晓红 → 梁某某), for rewriting a text without moving its offsets. */
export function maskNameInPlace(name: string, compound?: ReadonlySet<string>): string {
  return maskName(name, compound).padEnd(name.length, "某");
}

/**
 * Where `name` occurs in `text`, in order: at most `max` starts, each before `before`. Callers follow a
 * person through a text by name (leak chain, parties, the scan's defendants); the cap keeps a hostile
 * text that repeats a name endlessly from costing more than that.
 */
export function nameOccurrences(text: string, name: string, max: number, before = text.length): number[] {
  const out: number[] = [];
  if (name.length === 0) return out;
  for (let at = text.indexOf(name); at >= 0 && at < before && out.length < max; at = text.indexOf(name, at + name.length)) out.push(at);
  return out;
}
