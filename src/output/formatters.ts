// Formatters are pure: results in, text out. They never print and never unmask: results come to
// them redacted (redact.ts).
import { UsageError } from "../errors.js";
import { formatLeakLine } from "../score/leaks.js";
import type { CaseResult, Decision, DimensionScore } from "../types.js";

export interface Formatter {
  name: string;
  /** The whole report for a set of results. */
  format(results: CaseResult[]): string;
}

export const jsonFormatter: Formatter = {
  name: "json",
  format: (results) => JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + "\n",
};

/** One line per result, in the line format of lines.ts (results carry their contentHash there). */
export const jsonlFormatter: Formatter = {
  name: "jsonl",
  format: (results) => results.map((r) => JSON.stringify(r) + "\n").join(""),
};

const CSV_COLUMNS = [
  "id",
  "source",
  "language",
  "score",
  "severity",
  "crimes",
  "info_types",
  "industries",
  "groups",
  "insider",
  "regions",
  "records",
  "flags",
] as const;

export const csvFormatter: Formatter = {
  name: "csv",
  format(results) {
    const rows = results.map((r) => [
      r.id,
      r.source,
      r.language,
      String(r.score),
      r.severity,
      dims(r.crimes),
      dims(r.infoTypes),
      dims(r.industries),
      dims(r.groups),
      r.insider.flag ? String(r.insider.score) : "",
      dims(r.regions),
      String(r.volumes.reduce((m, v) => Math.max(m, v.count), 0)),
      r.flags.map((f) => f.id).join(";"),
    ]);
    return [CSV_COLUMNS.join(","), ...rows.map((row) => row.map(csvCell).join(","))].join("\n") + "\n";
  },
};

function dims(list: DimensionScore[]): string {
  return list.map((d) => `${d.id}:${d.score}`).join(";");
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const tableFormatter: Formatter = {
  name: "table",
  format(results) {
    return results.map(formatCase).join("\n");
  },
};

function formatCase(r: CaseResult): string {
  const lines: string[] = [];
  const flagIds = r.flags.map((f) => f.id).join(" ");
  lines.push(`${r.source}${r.id !== r.source ? ` (${r.id})` : ""}`);
  lines.push(`  score ${r.score}/100   severity ${r.severity}${flagIds ? `   flags ${flagIds}` : ""}`);
  if (r.severityBasis) lines.push(`  basis       ${r.severityBasis.reason}`);
  // Found dimensions with their score and confidence; what fell short is listed apart as signals.
  const show = (d: Decision & { tier?: string }): string => `${d.id}${d.tier ? `(${d.tier})` : ""} ${d.score} (${d.confidence.toFixed(2)})`;
  const row = (label: string, list: Decision[]): void => {
    if (list.length > 0) lines.push(`  ${label.padEnd(11)} ${list.map(show).join(", ")}`);
  };
  row("crimes", r.crimes);
  row("info types", r.infoTypes);
  row("industries", r.industries);
  row("groups", r.groups);
  if (r.insider.score > 0) {
    lines.push(`  ${"insider".padEnd(11)} ${r.insider.flag ? "yes" : "signal"} ${r.insider.score} (${r.insider.confidence.toFixed(2)})`);
  }
  r.leaks.forEach((l, i) => lines.push(`  ${(i === 0 ? "leaks" : "").padEnd(11)} ${formatLeakLine(l)}`));
  row("regions", r.regions);
  if (r.volumes.length > 0) {
    lines.push(
      `  ${"volumes".padEnd(11)} ${r.volumes.map((v) => `${v.match} → ${v.count}${v.approximate ? "+" : ""} ${v.infoType}(${v.tier})`).join(", ")}`,
    );
  }
  if (r.money.length > 0) {
    lines.push(`  ${"money".padEnd(11)} ${r.money.map((m) => `${m.role} ¥${m.yuan}${m.approximate ? "+" : ""}`).join(", ")}`);
  }
  if (r.victims.length > 0) {
    lines.push(`  ${"victims".padEnd(11)} ${r.victims.map((v) => `${v.match} → ${v.count}${v.approximate ? "+" : ""}`).join(", ")}`);
  }
  for (const f of r.flags) lines.push(`  ! ${f.id} (${f.confidence.toFixed(2)}): ${f.reason}`);
  const sig = r.signals;
  const signals = [...sig.crimes, ...sig.infoTypes, ...sig.industries, ...sig.groups].map(show);
  if (signals.length > 0) lines.push(`  ${"signals".padEnd(11)} ${signals.join(", ")}`);
  const evidence = r.findings.filter((f) => f.weight > 0 || f.negated);
  if (evidence.length > 0) lines.push("  evidence");
  for (const f of evidence) {
    lines.push(
      `    ${String(f.start).padStart(6)}  ${f.match}  ${f.ruleId}${f.negated ? `  (negated: ${f.note ?? ""})` : `  +${f.weight}`}`,
    );
  }
  return lines.join("\n") + "\n";
}

const FORMATTERS = new Map<string, Formatter>(
  [jsonFormatter, jsonlFormatter, csvFormatter, tableFormatter].map((f) => [f.name, f]),
);

export function formatterNames(): string[] {
  return [...FORMATTERS.keys()];
}

/** Formatters by name; an unknown name is a usage error that lists the valid ones. */
export function getFormatter(name: string): Formatter {
  const f = FORMATTERS.get(name);
  if (!f) throw new UsageError(`unknown format "${name}" (valid: ${formatterNames().join(", ")})`);
  return f;
}
