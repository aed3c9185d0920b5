// An engine is everything a scan needs that is worth building once: validated rules compiled to
// automata, and a segmenter that knows the rule terms. Build one per process (or worker thread)
// and hand it to scanDocument for every document.
import { compileRules, type CompiledRules } from "./rules/compile.js";
import { identifierContextOf, loadRules } from "./rules/load.js";
import type { RuleSet } from "./rules/types.js";
import { DEFAULT_SEGMENTER, createDocumentSegmenter, createSegmenter, normalize, stemPhrase, type Segmenter, type SegmenterKind } from "./text/index.js";
import type { IdentifierType } from "./detect/identifiers.js";
import { createChainRules } from "./score/attribution.js";
import type { ChainRules } from "./score/leak-chain.js";

export interface Engine {
  ruleSet: RuleSet;
  compiled: CompiledRules;
  segmenter: Segmenter;
  /** Context keywords per identifier detector, from the identifier rules. */
  identifierContext: Partial<Record<IdentifierType, string[]>>;
  /** Identifier rules by detector, for weights and rule ids. */
  identifierRules: Map<string, { id: string; weight: number }>;
  /** What the leak chain needs of the packs (flow directions, channels, party reach). */
  chainRules: ChainRules;
}

export interface EngineOptions {
  /** Rule directories or files; default: the bundled rules/. */
  rules?: string[];
  segmenter?: Segmenter | SegmenterKind;
  /**
   * "document": load, per document, only the dictionary entries it holds (same tokens; for a
   * command that scans a few files, as `scan` does). Default "full": the whole dictionary once,
   * for batches and workers.
   */
  dictionary?: "full" | "document";
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const ruleSet = await loadRules(options.rules);
  return createEngineFromRules(ruleSet, options.segmenter, options.dictionary);
}

export function createEngineFromRules(ruleSet: RuleSet, segmenter?: Segmenter | SegmenterKind, dictionary?: "full" | "document"): Engine {
  const compiled = compileRules(ruleSet, { normalize: (s) => normalize(s).text, stemPhrase });
  const seg = typeof segmenter === "object" ? segmenter : lazySegmenter(segmenter, dictionary);
  seg.addWords(compiled.userWords);
  const identifierContext = identifierContextOf(ruleSet.rules) as Partial<Record<IdentifierType, string[]>>;
  const identifierRules = new Map<string, { id: string; weight: number }>();
  for (const rule of ruleSet.rules) {
    if (rule.kind === "identifier" && rule.detector !== null) identifierRules.set(rule.detector, { id: rule.id, weight: rule.weight });
  }
  return { ruleSet, compiled, segmenter: seg, identifierContext, identifierRules, chainRules: createChainRules(ruleSet) };
}

/**
 * A segmenter whose dictionary loads on first use. Loading jieba's dictionary is most of a
 * one-file scan's start-up, and documents that no token-boundary rule touches never need it.
 */
export function lazySegmenter(kind?: SegmenterKind, dictionary: "full" | "document" = "full"): Segmenter {
  let real: Segmenter | undefined;
  const pending: string[][] = [];
  const get = (): Segmenter => {
    if (!real) {
      real = dictionary === "document" ? createDocumentSegmenter(kind) : createSegmenter(kind);
      for (const words of pending.splice(0)) real.addWords(words);
    }
    return real;
  };
  return {
    get name() {
      return kind ?? DEFAULT_SEGMENTER;
    },
    addWords(words: string[]): void {
      if (real) real.addWords(words);
      else pending.push(words);
    },
    segment: (text: string) => get().segment(text),
    prepare: (text: string) => get().prepare?.(text),
    markBoundaries(text: string, from: number, to: number, starts: Uint8Array, ends: Uint8Array): void {
      const seg = get();
      if (seg.markBoundaries) return seg.markBoundaries(text, from, to, starts, ends);
      for (const t of seg.segment(text.slice(from, to))) {
        starts[from + t.start] = 1;
        ends[from + t.end] = 1;
      }
    },
    // Asked only while segmenting, so the real segmenter is there by then.
    isBlockBreak: (code: number) => get().isBlockBreak?.(code) ?? false,
  };
}
