// Personal names, masked or not, are never keyword candidates. Masked forms (张某, 王某某, 某甲, 李×1)
// carry a mask character (text/names.ts, the one place masks and masking are defined); unmasked ones
// are recognised by shape: a surname followed by given-name
// characters. jieba's part-of-speech tags cannot decide alone (its dictionary tags 黄牛 and 文明 as
// names), so the tag only settles words that already have the shape of a name.
import { hasMask, surnameLength } from "../text/names.js";
import type { KeywordLexicon } from "./lexicon.js";

export { hasMask };

/** A Han word shaped like a person's name that the dictionary does not know as an ordinary word. */
export function isPersonName(word: string, lex: KeywordLexicon): boolean {
  if (!/^[\u4e00-\u9fff]{2,4}$/.test(word)) return false;
  if (lex.dictWords.has(word)) return false;
  let given: string;
  if (lex.compoundSurnames.has(word.slice(0, 2)) && word.length >= 3) given = word.slice(2);
  else if (lex.surnames.has(word[0]!) && word.length <= 3) given = word.slice(1);
  else return false;
  for (const ch of given) if (!lex.givenChars.has(ch)) return false;
  // Two-character words are common nouns as often as names (高明, 文明): the shape alone is not enough
  // when jieba knows the word, and jieba's name tag on a two-character word is too loose to trust.
  if (word.length === 2 && lex.dictNames.has(word)) return lex.surnames.has(word[0]!) && COMMON_SURNAMES.has(word[0]!);
  return true;
}

/**
 * The 30 commonest surnames cover most of the population; for them a two-character dictionary "name"
 * (李娜, 张伟) is far more likely a person than a word.
 */
const COMMON_SURNAMES: ReadonlySet<string> = new Set(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾".split(""),
);

/**
 * Rewrites names in a text (an example sentence) to surname + 某, keeping its length so offsets hold:
 * names written in full (梁晓红, as a segmenter cuts them: `words` are the text's tokens in order) and
 * names a source masked only in part (梁某红: the surname and a given-name character still say who
 * it is). Characters inside `keep` (the candidate term itself) are never changed.
 */
export function maskNames(
  text: string,
  words: readonly { start: number; end: number; text: string }[],
  lex: KeywordLexicon,
  keep: { start: number; end: number } | null = null,
): string {
  const chars = text.split("");
  const hide = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (keep === null || i < keep.start || i >= keep.end) chars[i] = "某";
  };
  for (const w of words) {
    if (!isPersonName(w.text, lex) && !looksLikeName(w, text, lex)) continue;
    hide(w.start + surnameLength(w.text, lex.compoundSurnames), w.end);
  }
  PART_MASKED.lastIndex = 0;
  for (let m = PART_MASKED.exec(text); m !== null; m = PART_MASKED.exec(text)) {
    const at = m.index;
    // 张某某 is masked already; 梁某红 and 欧阳某华 show a given-name character after the mask.
    if (m[0].length !== 1) continue;
    if (!lex.compoundSurnames.has(text.slice(at - 2, at)) && !lex.surnames.has(text[at - 1]!)) continue;
    // The given-name characters after the mask (one or two), unless one starts a word of general
    // Chinese with the next character (郑某先后, 李某称其: the narration goes on).
    const after = at + 1;
    let end = after;
    while (end < text.length && end - after < 2 && lex.givenChars.has(text[end]!) && !lex.lang.has(text.slice(end, end + 2))) end++;
    hide(after, end);
  }
  return chars.join("");
}

/**
 * For masking only (never to drop a candidate: a false positive there costs a keyword, here a
 * character): a word a source marks as a pseudonym (刘贝煌（化名）), or three Han characters that
 * start with a surname and that general Chinese does not know (the given-name list is short; a
 * segmenter keeps an unknown name whole).
 */
function looksLikeName(w: { start: number; end: number; text: string }, text: string, lex: KeywordLexicon): boolean {
  if (!/^[\u4e00-\u9fff]{2,4}$/.test(w.text) || hasMask(w.text)) return false;
  if (/^[（(]化名/.test(text.slice(w.end, w.end + 3))) return true;
  return (
    w.text.length === 3 &&
    lex.surnames.has(w.text[0]!) &&
    !PLACE_SUFFIX.test(w.text) &&
    !lex.lang.has(w.text) &&
    !lex.dictWords.has(w.text) &&
    !lex.zhStop.has(w.text)
  );
}

/** A place's last character (吴兴区, 黄岩县): such a word is a place, not a person. */
const PLACE_SUFFIX = /[省市县区镇乡村州盟旗路街]$/;

/** A mask right after a Han character (梁某, 欧阳某): a surname when the lexicon says so. */
const PART_MASKED = /(?<=[\u4e00-\u9fff])[某×＊*]+/g;
