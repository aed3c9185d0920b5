// English tokens with offsets and Porter stems.
//
// natural's top-level module pulls in WordNet, database clients and dotenv (it reads ./.env and can print),
// so only the two files used here are loaded, by path; natural has no "exports" map, so deep requires are
// allowed. Its tokenizers return strings only: offsets come from walking the text.

import { createRequire } from "node:module";
import type { Token } from "./segmenter.js";

export interface EnglishToken extends Token {
  stem: string;
}

interface Tokenizer {
  tokenize(text: string): string[];
}

const require = createRequire(import.meta.url);
// Loaded on first use (~15 ms): Chinese documents, and engines whose English terms are already
// stemmed in the build's rules cache, never need natural.
let natural: { tokenizer: Tokenizer; stemmer: { stem(token: string): string } } | undefined;
function loadNatural(): NonNullable<typeof natural> {
  if (!natural) {
    const { WordPunctTokenizer } = require("natural/lib/natural/tokenizers/regexp_tokenizer.js") as {
      WordPunctTokenizer: new () => Tokenizer;
    };
    const stemmer = require("natural/lib/natural/stemmers/porter_stemmer.js") as { stem(token: string): string };
    natural = { tokenizer: new WordPunctTokenizer(), stemmer };
  }
  return natural;
}

// WordPunctTokenizer keeps words (hyphenated ones whole: "bank-card"), numbers ("3.5") and each punctuation
// mark as tokens, so a phrase cannot match across a full stop or comma; whitespace is dropped.

const STEM_CACHE_MAX = 50_000;
const stemCache = new Map<string, string>();

/**
 * Longer tokens are not words (hashes, base64, a run of one letter) and are not stemmed: natural's
 * Porter stemmer is quadratic in a word's length (16,000 x's took 2.2 s, 64,000 most of a minute).
 */
const MAX_STEMMED_LENGTH = 64;

function stemOf(word: string): string {
  if (word.length > MAX_STEMMED_LENGTH) return word.toLowerCase();
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /[a-z]/i.test(word) ? loadNatural().stemmer.stem(word) : word.toLowerCase();
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear(); // a bound, not an LRU: vocabularies are small
    stemCache.set(word, s);
  }
  return s;
}

/** Tokens of `text` (offsets into it) with lowercase Porter stems; whitespace is not a token. */
export function tokenizeEnglish(text: string): EnglishToken[] {
  const out: EnglishToken[] = [];
  let pos = 0;
  for (const w of loadNatural().tokenizer.tokenize(text)) {
    if (w.length === 0) continue;
    const at = text.startsWith(w, pos) ? pos : text.indexOf(w, pos);
    if (at < 0) break; // cannot happen: the tokenizer only drops "" and " " between tokens
    pos = at + w.length;
    if (/^\s+$/.test(w)) continue;
    out.push({ start: at, end: pos, text: w, stem: stemOf(w) });
  }
  return out;
}

/** The stems a rule term must match, in order: tokenized and stemmed exactly like documents. */
export function stemPhrase(phrase: string): string[] {
  return tokenizeEnglish(phrase).map((t) => t.stem);
}
