// Candidates as a rule pack (rules/README.md) a reviewer can accept rule by rule. Pure: report in,
// YAML text out. The file declares no dimensions: its targets are the bundled packs' dimensions, so it
// validates beside them (`caseflag rules check --rules rules candidates.yaml`), and declaring them
// again would be a duplicate-dimension error there.
import type { KeywordReport } from "./capture.js";
import type { KeywordCandidate, KeywordKind } from "./rank.js";

/** Weight of a proposed rule: "suggestive, needs company" until a reviewer decides otherwise. */
export const CANDIDATE_WEIGHT = 20;

/** ASCII rule-id slug: English words as they are, Chinese as code points (码商 → u7801-5546). */
export function slugOf(term: string): string {
  if (/^[a-z0-9 '-]+$/.test(term)) {
    const s = term.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (s.length > 0) return s;
  }
  return "u" + [...term].map((c) => c.codePointAt(0)!.toString(16)).join("-");
}

export function candidateRuleId(c: KeywordCandidate): string {
  return `candidate.${c.target ?? "unassigned"}.${slugOf(c.term)}`;
}

const q = (s: string): string => JSON.stringify(s);

function describe(c: KeywordCandidate, report: KeywordReport): string {
  const s = report.summary;
  const parts = [
    `keyword candidate: in ${c.foregroundDocs}/${s.foregroundDocs} foreground and ${c.backgroundDocs}/${s.backgroundDocs} background documents`,
    c.generalDocs !== null ? `${c.generalDocs} general-background documents` : "",
    `ratio ${c.ratio} (log2, against the ${c.against} background)`,
    `G² ${c.g2}`,
    `with ${c.kind}/${c.target} in ${c.targetDocs} documents`,
  ];
  if (c.inside !== undefined) parts.push(`inside pack term ${c.inside}`);
  const others = Object.entries(c.cooccurs)
    .slice(0, 3)
    .map(([d, n]) => `${d} ${n}`)
    .join(", ");
  if (others !== "") parts.push(`found with ${others}`);
  parts.push(c.rules.length > 0 ? `joins rule ${c.rules[0]}` : "new rule");
  return parts.filter((p) => p !== "").join(", ");
}

export function candidatesToYaml(report: KeywordReport): string {
  const assigned = report.candidates.filter((c) => c.kind !== null && c.target !== null);
  const unassigned = report.candidates.filter((c) => c.kind === null || c.target === null);
  const packKind: KeywordKind = report.kind ?? assigned[0]?.kind ?? "crime";
  const s = report.summary;
  const lines: string[] = [
    "# Keyword candidates proposed by `caseflag keywords`: statistics, not judgements. Review each one.",
    "# Accept terms with `caseflag keywords accept THIS-FILE TERM... --into rules/local/` (the local pack that",
    "# scan and batch load beside the bundled ones); reject with `caseflag keywords reject TERM...`.",
    "# This file declares no dimensions: check it beside the bundled packs,",
    "#   caseflag rules check --rules rules candidates.yaml && caseflag rules test --rules rules candidates.yaml",
    "# Every example below is a sentence of the corpus (names and identifiers masked) and passes `rules test`.",
    `# Corpus: ${s.corpusDocs} documents; foreground ${s.foregroundDocs} (${report.foreground.join(", ")}),` +
      ` background ${s.backgroundDocs}. Ranked by Dunning's G² on document counts.` +
      (s.countFloor > 0 ? ` Counts may be low by up to ${s.countFloor} (vocabulary pruned).` : ""),
  ];
  if (unassigned.length > 0) {
    lines.push(`# Left out (co-occurred with no ${report.kind ?? "known"} dimension): ${unassigned.map((c) => c.term).join(", ")}`);
  }
  lines.push(`kind: ${packKind}`, "rules:");
  if (assigned.length === 0) lines[lines.length - 1] = "rules: []";
  const ids = new Set<string>();
  for (const c of assigned) {
    const examples = c.examples.length > 0 ? c.examples : [c.term];
    let id = candidateRuleId(c);
    for (let i = 2; ids.has(id); i++) id = `${candidateRuleId(c)}-${i}`;
    ids.add(id);
    lines.push(`  - id: ${id}`);
    if (c.kind !== packKind) lines.push(`    kind: ${c.kind}`);
    lines.push(
      `    target: ${c.target}`,
      `    weight: ${CANDIDATE_WEIGHT}`,
      `    description: ${q(describe(c, report))}`,
      `    terms:`,
      `      ${c.lang}: [${q(c.term)}]`,
      `    examples:`,
      `      match:`,
      ...examples.map((e) => `        - ${q(e)}`),
    );
  }
  return lines.join("\n") + "\n";
}
