// A document as keyword capture reads it: the text as the scan read it (analyzeDocument's ScannedText:
// normalized, its language, the identifiers in it), its Han runs (where phrase candidates are cut,
// phrases.ts) and its English terms. English documents give stems and stem pairs (terms.ts); in a
// Chinese document each Latin word (app, pos, qq) is a term. Identifiers are never terms. Pure.
import { detectIdentifiers } from "../detect/identifiers.js";
import type { ScannedText } from "../pipeline.js";
import { detectLanguage, normalize, stemPhrase, tokenizeEnglish } from "../text/index.js";
import type { KeywordLexicon } from "./lexicon.js";
import { hanRuns, type Span } from "./phrases.js";
import { termsFromEnTokens, type DocTerm, type DocTerms } from "./terms.js";

export interface DocumentView {
  /** Normalized text: every offset of the view points into it. */
  text: string;
  language: "zh" | "en";
  runs: Span[];
  english: DocTerms;
}

const LATIN_WORD = /[a-z][a-z'-]*[a-z]/g;

/** The text as a scan reads it, for documents keyword capture does not scan (a background). */
export function readText(original: string): Pick<ScannedText, "norm" | "language" | "identifiers"> {
  const norm = normalize(original);
  const language = detectLanguage(norm.text);
  return { norm, language, identifiers: language === "en" ? detectIdentifiers(norm.text) : [] };
}

export function documentView(seen: Pick<ScannedText, "norm" | "language" | "identifiers">, lex: KeywordLexicon): DocumentView {
  const text = seen.norm.text;
  const language = seen.language;
  const runs = hanRuns(text);
  if (language === "en") {
    const ids = seen.identifiers
      .map((m) => ({ start: m.start, end: m.end }))
      .sort((a, b) => a.start - b.start);
    return { text, language, runs, english: termsFromEnTokens(text, tokenizeEnglish(text), ids, lex) };
  }
  const terms = new Map<string, DocTerm>();
  let tokens = 0;
  LATIN_WORD.lastIndex = 0;
  for (let m = LATIN_WORD.exec(text); m !== null; m = LATIN_WORD.exec(text)) {
    // Part of a longer alphanumeric token (an e-mail, a licence plate, a case number): not a word.
    const before = m.index > 0 ? text[m.index - 1]! : "";
    const after = text[m.index + m[0].length] ?? "";
    if (/[0-9@._]/.test(before) || /[0-9@]/.test(after)) continue;
    const stem = stemPhrase(m[0])[0];
    if (stem === undefined || lex.enStop.has(stem)) continue;
    tokens++;
    const prior = terms.get(stem);
    if (prior) prior.tf++;
    else terms.set(stem, { key: stem, lang: "en", n: 1, surface: m[0], tf: 1, start: m.index, end: m.index + m[0].length });
  }
  return { text, language, runs, english: { terms, tokens } };
}
