// Keyword capture: propose the terms the rule packs are missing (issue 6). See capture.ts.
export { captureKeywords, planTargets, KEYWORD_KINDS, DEFAULT_TOP, DEFAULT_MIN_COUNT } from "./capture.js";
export type { CaptureInputs, CaptureOptions, KeywordReport, KeywordSummary } from "./capture.js";
export type { KeywordCandidate, KeywordKind, TargetRef, ExampleRef } from "./rank.js";
export { rankCandidates } from "./rank.js";
export { TermCounter, DEFAULT_VOCABULARY_CAP } from "./counter.js";
export { documentTerms } from "./extract.js";
export { termsFromZhTokens, termsFromEnTokens } from "./terms.js";
export type { DocTerm, DocTerms } from "./terms.js";
export { loadKeywordLexicon, defaultLexiconFiles, parseWordList } from "./lexicon.js";
export type { KeywordLexicon, LexiconFiles } from "./lexicon.js";
export { isPersonName, hasMask, maskNames } from "./names.js";
export { createPackTermIndex } from "./pack-terms.js";
export type { PackTermIndex } from "./pack-terms.js";
export { logLikelihood, tfIdf, G2_P05 } from "./stats.js";
export { snippetSpan } from "./snippet.js";
export { candidatesToYaml, candidateRuleId, slugOf, CANDIDATE_WEIGHT } from "./pack.js";
export { formatCandidateTable } from "./table.js";
