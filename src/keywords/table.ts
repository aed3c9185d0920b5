// The candidates as a plain-text table for a terminal (pure). Columns are padded by display width:
// a Han character takes two columns.
import type { KeywordReport } from "./capture.js";

function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, w: number, right = false): string {
  const fill = " ".repeat(Math.max(0, w - width(s)));
  return right ? fill + s : s + fill;
}

export function formatCandidateTable(report: KeywordReport): string {
  const header = ["#", "term", "kind", "target", "fg", "bg", "gen", "ratio", "G²", "joins / reason"];
  const numeric = new Set([0, 4, 5, 6, 7, 8]);
  const rows = report.candidates.map((c, i) => [
    String(i + 1),
    c.term,
    c.kind ?? "-",
    c.target ?? "-",
    String(c.foregroundDocs),
    String(c.backgroundDocs),
    c.generalDocs === null ? "-" : String(c.generalDocs),
    c.ratio.toFixed(1),
    c.g2.toFixed(1),
    [
      c.kind === null ? "" : c.rules[0] !== undefined ? `joins ${c.rules[0]}` : "new rule",
      c.target !== null ? `with ${c.target} in ${c.targetDocs}/${c.foregroundDocs}` : "",
      c.inside !== undefined ? `inside ${c.inside}` : "",
    ]
      .filter((x) => x !== "")
      .join("; "),
  ]);
  const widths = header.map((h, j) => Math.max(width(h), ...rows.map((r) => width(r[j]!))));
  const line = (r: string[]): string =>
    r
      .map((cell, j) => pad(cell, widths[j]!, numeric.has(j)))
      .join("  ")
      .trimEnd();
  const s = report.summary;
  const out = [
    `foreground: ${s.foregroundDocs} documents (${report.foreground.join(", ")}); background: ${s.backgroundDocs}; ` +
      `fg/bg/gen = documents containing the term` +
      (s.general !== "" ? ` (gen: ${s.general})` : "") +
      `; ratio = log2 of how much more often than in the background where it is commonest` +
      (s.countFloor > 0 ? `; counts may be low by up to ${s.countFloor} (vocabulary pruned ${s.prunes}×)` : ""),
    line(header),
    ...rows.map(line),
  ];
  if (rows.length === 0) out.push("(no candidates)");
  return out.join("\n") + "\n";
}
