// The text stage: normalization with an offset map, language detection, Chinese segmentation
// (two jieba bindings behind one interface) and English tokenization with stems. Pure functions; the only
// I/O is loading segmentation dictionaries when a segmenter is created.

import { jiebaIndexFile, loadJiebaIndex } from "./jieba-index.js";
import { NodeRsSegmenter, ScopedNodeRsSegmenter } from "./segmenter-node-rs.js";
import { NodejiebaSegmenter } from "./segmenter-nodejieba.js";
import type { Segmenter, SegmenterKind } from "./segmenter.js";
import { UsageError } from "../errors.js";

export { normalize } from "./normalize.js";
export { hasMask, maskName, maskNameInPlace, surnameLength } from "./names.js";
export type { NormalizedText } from "./normalize.js";
export { detectLanguage, HAN_PER_LATIN } from "./language.js";
export { tokenizeEnglish, stemPhrase } from "./english.js";
export type { EnglishToken } from "./english.js";
export { tokensFromWords } from "./segmenter.js";
export type { Token, Segmenter, SegmenterKind } from "./segmenter.js";
export { TRADITIONAL_RATIO } from "./traditional.js";

export const SEGMENTER_KINDS: readonly SegmenterKind[] = ["node-rs", "nodejieba"];

/** node-rs: fastest to load and to cut (see scripts/bench/segmenters.ts), and its dictionary is per instance. */
export const DEFAULT_SEGMENTER: SegmenterKind = "node-rs";

/**
 * A segmenter for a few documents: node-rs loading per document only the dictionary entries the
 * document holds (same tokens, no whole-dictionary load), when the build's index is there;
 * otherwise createSegmenter(kind).
 */
export function createDocumentSegmenter(kind: SegmenterKind = DEFAULT_SEGMENTER): Segmenter {
  const file = kind === "node-rs" ? jiebaIndexFile() : undefined;
  return file ? new ScopedNodeRsSegmenter(loadJiebaIndex(file)) : createSegmenter(kind);
}

/** A new segmenter with the packaged jieba dictionary loaded (node-rs ~0.2 s; nodejieba ~3 s, once per process). */
export function createSegmenter(kind: SegmenterKind = DEFAULT_SEGMENTER): Segmenter {
  switch (kind) {
    case "node-rs":
      return new NodeRsSegmenter();
    case "nodejieba":
      return new NodejiebaSegmenter();
    default:
      throw new UsageError(`unknown segmenter "${String(kind)}"; valid: ${SEGMENTER_KINDS.join(", ")}`);
  }
}
