// A document's text to its candidate terms: normalize as the scanner does, find identifiers (their
// tokens are never terms), cut with the engine's segmenter (rule terms stay whole tokens, so a pack
// term is recognised as such) or tokenize English, then terms.ts.
import { detectIdentifiers } from "../detect/identifiers.js";
import { detectLanguage, normalize, tokenizeEnglish, type Segmenter } from "../text/index.js";
import type { KeywordLexicon } from "./lexicon.js";
import { termsFromEnTokens, termsFromZhTokens, type DocTerms } from "./terms.js";

export function documentTerms(text: string, segmenter: Segmenter, lex: KeywordLexicon): DocTerms {
  const norm = normalize(text).text;
  const ids = detectIdentifiers(norm)
    .map((m) => ({ start: m.start, end: m.end }))
    .sort((a, b) => a.start - b.start);
  if (detectLanguage(norm) === "zh") return termsFromZhTokens(segmenter.segment(norm), ids, lex);
  return termsFromEnTokens(norm, tokenizeEnglish(norm), ids, lex);
}
