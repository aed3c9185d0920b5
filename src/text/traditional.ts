// Traditional -> simplified Chinese, without ever changing the text's length.
//
// Why the care: OpenCC is phrase-aware (乾隆 stays, 乾燥 -> 干燥) but it also rewrites characters that are
// perfectly good simplified text (沈 -> 沉, 坏 -> 坯, 乾 -> 干 in names). Run over the CAIL facts it changed
// 31 of 5,067 simplified documents, all for the worse. So conversion only runs on documents that are
// mostly traditional (see TRADITIONAL_RATIO), and only length-preserving results are accepted, so the
// normalized -> original offset map never has to learn about it.

import { createRequire } from "node:module";
import TSCharacters from "opencc-js/dict/TSCharacters";

/**
 * Share of Han characters that must be traditional-only before a document is converted. Measured on the
 * CAIL dev facts: simplified documents peak at 2.8% (names such as 黄仿乾, 禕); the same facts converted
 * to Taiwan/HK traditional with OpenCC bottom out at 17.6% (mean 33%).
 */
export const TRADITIONAL_RATIO = 0.08;

/**
 * Characters that are traditional forms and never simplified ones: keys of OpenCC's TSCharacters whose
 * target differs and that are not themselves the simplified target of another entry (so 坏, 沈, 干 are
 * out). Built once at load from a 29 KB string (about 1 ms).
 */
export const TRADITIONAL_ONLY: ReadonlySet<string> = buildTraditionalOnly(TSCharacters);

function buildTraditionalOnly(dict: string): Set<string> {
  const entries = dict.split("|").map((e) => e.split(" "));
  const simplified = new Set<string>();
  for (const [, ...targets] of entries) for (const t of targets) simplified.add(t);
  const out = new Set<string>();
  for (const [source, ...targets] of entries) {
    if (source === undefined || simplified.has(source)) continue;
    if (targets.some((t) => t !== source)) out.add(source);
  }
  return out;
}

type ConvertFn = (text: string) => string;
let converter: ConvertFn | undefined;
const charCache = new Map<string, string>();

/** Built on first use (about 20 ms): most corpora never need it. */
function getConverter(): ConvertFn {
  // "hk" chains HK variant folding (衞 -> 衛, 綫 -> 線) before OpenCC's traditional -> simplified phrases and
  // characters; Taiwan forms (裡, 臺, 著) are covered by the latter.
  if (!converter) {
    // opencc-js's converter module loads here, not at import: most documents are simplified.
    const { Converter } = createRequire(import.meta.url)("opencc-js/t2cn") as typeof import("opencc-js/t2cn");
    converter = Converter({ from: "hk", to: "cn" });
  }
  return converter as ConvertFn;
}

/**
 * Convert traditional text to simplified, keeping the length in UTF-16 units (and each unit's position).
 * Phrase conversion is used when it keeps the length; otherwise each code point is converted on its own
 * and a conversion that would change its length (a BMP character becoming an astral one) is skipped.
 *
 * Equal total length implies position-by-position alignment because, in the dictionaries this chain uses
 * (HKVariantsRev*, TSPhrases, TSCharacters), the only length-changing entries turn one BMP character
 * into one astral character (219 in TSCharacters, 二噁英 -> 二𫫇英 in TSPhrases): lengths only ever grow,
 * so no growth anywhere is the only way to end up equal. (Compatibility ideographs, which could shrink,
 * are already gone after NFKC.)
 */
export function toSimplifiedSameLength(text: string): string {
  const convert = getConverter();
  const whole = convert(text);
  if (whole.length === text.length) return whole;
  let out = "";
  for (const ch of text) {
    let conv = charCache.get(ch);
    if (conv === undefined) {
      conv = convert(ch);
      if (conv.length !== ch.length) conv = ch;
      charCache.set(ch, conv);
    }
    out += conv;
  }
  return out;
}
