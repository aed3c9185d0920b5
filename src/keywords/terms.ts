// One document's candidate terms: jieba words and word bigrams (Chinese), stems and stem bigrams
// (English), each with its count and first position. Pure: tokens in, terms out.
//
// What never becomes a term, or part of a bigram: stop words, punctuation, anything with a digit,
// Chinese numerals with their unit (三万余, 十余条), place names by their suffix (南山区), masked and
// unmasked personal names, and any token touching an identifier. Such a token also breaks adjacency,
// so no bigram spans it. Single Han characters are allowed inside bigrams only (跑 + 分卡), because
// jieba cuts unknown slang into pieces.
import type { EnglishToken, Token } from "../text/index.js";
import { stemPhrase } from "../text/index.js";
import type { KeywordLexicon } from "./lexicon.js";
import { hasMask, isPersonName } from "./names.js";

export interface DocTerm {
  /** zh: the normalized word(s); en: stems joined by one space. */
  key: string;
  lang: "zh" | "en";
  /** 1 = a word, 2 = two adjacent words. */
  n: 1 | 2;
  /** What a rule would list: zh the key itself, en the words as written (lowercase). */
  surface: string;
  tf: number;
  /** First occurrence, offsets into the normalized text. */
  start: number;
  end: number;
}

export interface DocTerms {
  terms: Map<string, DocTerm>;
  /** Content tokens counted (the denominator of term frequency). */
  tokens: number;
}

export interface Span {
  start: number;
  end: number;
}

/** Longest Chinese term kept (characters): longer "words" are jieba gluing unknown runs together. */
export const MAX_ZH_TERM = 8;

const HAN = /^[\u4e00-\u9fff]+$/;
const LATIN = /^[a-z][a-z'-]*$/;
const NUMERAL =
  /^(?:第|百分之|千分之)?[零〇一二三四五六七八九十百千万亿两几余多半数]+(?:[年月日时分秒号元万条个名次张份件起人岁天周倍余多克米斤]|周岁|小时|分钟|公斤|千克){0,2}$/;
const PLACE = /^[\u4e00-\u9fff]{2,}(?:省|市|县|区|镇|乡|村|州|盟|旗)$/;

/** Is this Han token something a keyword may be made of (alone if ≥ 2 characters, or inside a bigram)? */
export function usableHan(t: string, lex: KeywordLexicon): boolean {
  return (
    HAN.test(t) &&
    !lex.zhStop.has(t) &&
    !hasMask(t) &&
    !NUMERAL.test(t) &&
    !PLACE.test(t) &&
    !isPersonName(t, lex)
  );
}

/** Tokens sorted by start; spans sorted by start. Marks tokens that overlap a span. */
function overlapping(tokens: readonly Span[], spans: readonly Span[]): Uint8Array {
  const hit = new Uint8Array(tokens.length);
  if (spans.length === 0) return hit;
  let j = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    while (j < spans.length && spans[j]!.end <= t.start) j++;
    for (let k = j; k < spans.length && spans[k]!.start < t.end; k++) {
      if (spans[k]!.end > t.start) {
        hit[i] = 1;
        break;
      }
    }
  }
  return hit;
}

function add(out: Map<string, DocTerm>, key: string, lang: "zh" | "en", n: 1 | 2, surface: string, start: number, end: number): void {
  const prior = out.get(key);
  if (prior) prior.tf++;
  else out.set(key, { key, lang, n, surface, tf: 1, start, end });
}

/**
 * Terms of a Chinese document. `tokens` are the segmenter's tokens of the normalized `text` (covering
 * it); Latin words inside it are counted as English terms (stems), Latin+Han bigrams (pos机) as Chinese.
 */
export function termsFromZhTokens(tokens: readonly Token[], idSpans: readonly Span[], lex: KeywordLexicon): DocTerms {
  const terms = new Map<string, DocTerm>();
  const onId = overlapping(tokens, idSpans);
  let counted = 0;
  let prev: { text: string; start: number; latin: boolean } | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const t = tok.text;
    let usable = false;
    let latin = false;
    if (onId[i] === 0) {
      if (HAN.test(t)) usable = usableHan(t, lex);
      else if (LATIN.test(t) && t.length >= 2) {
        const stem = stemPhrase(t)[0] ?? t;
        usable = !lex.enStop.has(stem);
        latin = true;
        if (usable) add(terms, stem, "en", 1, t, tok.start, tok.end);
      }
    }
    if (!usable) {
      prev = null;
      continue;
    }
    counted++;
    if (!latin && t.length >= 2 && t.length <= MAX_ZH_TERM) add(terms, t, "zh", 1, t, tok.start, tok.end);
    if (prev !== null && !(prev.latin && latin)) {
      const key = prev.text + t;
      if (key.length <= MAX_ZH_TERM) add(terms, key, "zh", 2, key, prev.start, tok.end);
    }
    prev = { text: t, start: tok.start, latin };
  }
  return { terms, tokens: counted };
}

/** Terms of an English document: stems of content words and of adjacent pairs (no punctuation between). */
export function termsFromEnTokens(text: string, tokens: readonly EnglishToken[], idSpans: readonly Span[], lex: KeywordLexicon): DocTerms {
  const terms = new Map<string, DocTerm>();
  const onId = overlapping(tokens, idSpans);
  let counted = 0;
  let prev: EnglishToken | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const usable = onId[i] === 0 && LATIN.test(tok.text) && tok.text.length >= 2 && !lex.enStop.has(tok.stem);
    if (!usable) {
      prev = null;
      continue;
    }
    counted++;
    if (tok.text.length >= 3) add(terms, tok.stem, "en", 1, tok.text, tok.start, tok.end);
    if (prev !== null && /^\s+$/.test(text.slice(prev.end, tok.start))) {
      add(terms, `${prev.stem} ${tok.stem}`, "en", 2, `${prev.text} ${tok.text}`, prev.start, tok.end);
    }
    prev = tok;
  }
  return { terms, tokens: counted };
}
