// What the rule packs already say, so keyword capture does not propose it again.
//
// Policy (decided here, reported to reviewers in the table and the YAML):
// - a candidate equal to any term the packs use (detection terms, context words, exclusions, regex
//   gates, negation and zone cues) is dropped;
// - a candidate that CONTAINS a detection term of two or more characters (跑分卡 ⊃ 跑分) is dropped:
//   the engine already finds the shorter term wherever the longer one occurs, so it adds no recall;
// - a candidate that lies INSIDE a detection term (信息网络 ⊂ 帮助信息网络犯罪活动) is kept and marked
//   `inside`, since it would widen what the packs catch, which is exactly what a reviewer must judge.
import type { CompiledRules } from "../rules/compile.js";
import { stemPhrase } from "../text/index.js";

export interface PackTermIndex {
  /** Any term any pack uses. zh keys are normalized words, en keys are stems joined by spaces. */
  has(key: string, lang: "zh" | "en"): boolean;
  /** A detection term (≥ 2 characters, or a whole English word) contained in the candidate, if any. */
  contained(key: string, lang: "zh" | "en"): string | null;
  /** A detection term that contains the candidate, if any. */
  container(key: string, lang: "zh" | "en"): string | null;
}

const NOT_DETECTION = new Set(["negation", "zone"]);

export function createPackTermIndex(compiled: CompiledRules): PackTermIndex {
  const zhAll = new Set(compiled.zhTerms);
  const enAll = new Set(compiled.enTerms);
  const isDetection = (ruleIdxs: number[]): boolean =>
    ruleIdxs.some((i) => !NOT_DETECTION.has(compiled.rules[i]!.rule.kind));
  const zhDetect = new Set<number>();
  compiled.zhTermRules.forEach((rules, id) => {
    if (isDetection(rules)) zhDetect.add(id);
  });
  const zhDetectTerms = [...zhDetect].map((id) => compiled.zhTerms[id]!);
  const enDetectTerms = compiled.enTerms.filter((_, id) => isDetection(compiled.enTermRules[id]!));
  // English terms are compiled to stems; reviewers should read the words the pack wrote.
  const enWritten = new Map<string, string>();
  for (const c of compiled.rules) {
    for (const t of c.rule.terms.en) enWritten.set(` ${stemPhrase(t).join(" ")} `, t);
  }
  const written = (padded: string | undefined): string | null =>
    padded === undefined ? null : (enWritten.get(padded) ?? padded.trim());

  return {
    has: (key, lang) => (lang === "zh" ? zhAll.has(key) : enAll.has(` ${key} `)),
    contained(key, lang) {
      if (lang === "en") {
        const padded = ` ${key} `;
        return written(enDetectTerms.find((t) => t !== padded && padded.includes(t)));
      }
      for (const hit of compiled.zhAutomaton.findAll(key)) {
        const t = compiled.zhTerms[hit.pattern]!;
        if (t.length >= 2 && t !== key && zhDetect.has(hit.pattern)) return t;
      }
      return null;
    },
    container(key, lang) {
      if (lang === "en") {
        const padded = ` ${key} `;
        return written(enDetectTerms.find((t) => t !== padded && t.includes(padded)));
      }
      return zhDetectTerms.find((t) => t !== key && t.includes(key)) ?? null;
    },
  };
}
