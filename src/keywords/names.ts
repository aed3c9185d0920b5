// Personal names, masked or not, are never keyword candidates. Masked forms (张某, 王某某, 某甲, 李×1)
// carry a mask character; unmasked ones are recognised by shape: a surname followed by given-name
// characters. jieba's part-of-speech tags cannot decide alone (its dictionary tags 黄牛 and 文明 as
// names), so the tag only settles words that already have the shape of a name.
import type { KeywordLexicon } from "./lexicon.js";

/**
 * Characters that stand in for a hidden name or value: 某 (张某), × (李×1), stars, circles. A Latin x
 * (李x1) never reaches a term: it is a one-letter token of its own, and one-letter tokens are not terms.
 */
const MASK_CHARS = /[某×✕╳*＊※○〇◯]/;

export function hasMask(term: string): boolean {
  return MASK_CHARS.test(term);
}

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
 * Rewrites names in a text (an example sentence) to surname + 某, keeping its length so offsets hold.
 * `words` are the text's tokens in order, as a segmenter cut them.
 */
export function maskNames(text: string, words: readonly { start: number; end: number; text: string }[], lex: KeywordLexicon): string {
  let out = "";
  let pos = 0;
  for (const w of words) {
    if (!isPersonName(w.text, lex)) continue;
    const keep = lex.compoundSurnames.has(w.text.slice(0, 2)) && w.text.length >= 3 ? 2 : 1;
    out += text.slice(pos, w.start) + w.text.slice(0, keep) + "某".repeat(w.text.length - keep);
    pos = w.end;
  }
  return out + text.slice(pos);
}
