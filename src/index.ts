// Public API. Importing it prints nothing and starts nothing.
export { createEngine, createEngineFromRules, type Engine, type EngineOptions } from "./engine.js";
export { scanDocument, type ScanOptions } from "./pipeline.js";
export { loadRules, parseRulePacks, BUNDLED_RULES_DIR } from "./rules/load.js";
export { testRuleExamples } from "./eval/rule-examples.js";
export type { Rule, RuleSet, PackSpec, RuleSpec, DimensionSpec } from "./rules/types.js";
export { readPath, readInputs, readSource, walkInputs, createReaderRegistry, decodeText, stdinSource, isFailure } from "./ingest/index.js";
export type { InputSource, ReadOptions, Reader, ReaderRegistry, WalkOptions } from "./ingest/index.js";
export { normalize, detectLanguage, createSegmenter, tokenizeEnglish } from "./text/index.js";
export type { Segmenter, SegmenterKind, Token, NormalizedText } from "./text/index.js";
export { getFormatter, formatterNames, type Formatter } from "./output/formatters.js";
export { resultLine, failureLine, parseLine, type ResultLine, type FailureLine } from "./output/lines.js";
export { redactorFor, type Redactor } from "./output/redact.js";
export { Evaluator, createChargeMap } from "./eval/evaluate.js";
export { TypicalEvaluator, baselinePrediction, caseflagPrediction, formatTypicalTable } from "./eval/typical.js";
export { captureKeywords, loadKeywordLexicon, candidatesToYaml, formatCandidateTable } from "./keywords/index.js";
export type { KeywordReport, KeywordCandidate, CaptureOptions } from "./keywords/index.js";
export * from "./errors.js";
export type * from "./types.js";

import { createEngine, type EngineOptions } from "./engine.js";
import { readPath } from "./ingest/index.js";
import type { ReadOptions } from "./ingest/index.js";
import { scanDocument, type ScanOptions } from "./pipeline.js";
import type { CaseResult, Outcome } from "./types.js";

/**
 * Scan one text. Builds an engine each call (jieba loading only the dictionary entries the text
 * holds): for many texts, createEngine once and use scanDocument.
 */
export async function scanText(text: string, options: EngineOptions & ScanOptions & { id?: string } = {}): Promise<CaseResult> {
  const engine = await createEngine({ dictionary: "document", ...options });
  return scanDocument({ id: options.id ?? "text", source: "text", text, meta: {} }, engine, options);
}

/** Scan every document of one file (a JSONL dump yields many); failures come back as outcomes. */
export async function scanFile(path: string, options: EngineOptions & ScanOptions & ReadOptions = {}): Promise<Outcome[]> {
  const engine = await createEngine(options);
  const out: Outcome[] = [];
  for await (const item of readPath(path, options)) {
    out.push(item.ok ? { ok: true, result: scanDocument(item.doc, engine, options) } : { ok: false, failure: item.failure });
  }
  return out;
}
