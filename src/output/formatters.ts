// Formatters are pure: results in, text out. They never print and never unmask: results come to
// them redacted (redact.ts).
import { UsageError } from "../errors.js";
import { formatLeakLine } from "../score/leaks.js";
import type { CaseResult, Decision, DimensionScore } from "../types.js";
import type { Lexicon } from "./locale.js";

export interface FormatOptions {
  /**
   * What a person reads, in their language (--locale). zh-CN: Chinese labels, reasons, severity and
   * headers; en or none: ids and the English wording (what scripts and rule authors grep for).
   * JSON and JSONL never change with it.
   */
  lex?: Lexicon;
}

export interface Formatter {
  name: string;
  /** The whole report for a set of results. */
  format(results: CaseResult[], opts?: FormatOptions): string;
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

/** The same columns for a Chinese reader (--locale zh-CN). */
const CSV_COLUMNS_ZH = ["编号", "来源", "语言", "评分", "严重程度", "罪名", "信息类型", "行业", "受害群体", "内鬼", "地域", "条数", "标记", "案号"] as const;

export const csvFormatter: Formatter = {
  name: "csv",
  format(results, opts = {}) {
    const lex = opts.lex?.locale === "zh-CN" ? opts.lex : undefined;
    const name = (kind: string) => (id: string) => (lex ? lex.dim(kind, id) : id);
    const rows = results.map((r) => [
      r.id,
      r.source,
      r.language,
      String(r.score),
      lex ? lex.severity(r.severity) : r.severity,
      dims(r.crimes, name("crime")),
      dims(r.infoTypes, name("info-type")),
      dims(r.industries, name("industry")),
      dims(r.groups, name("group")),
      r.insider.flag ? String(r.insider.score) : "",
      dims(r.regions, name("region")),
      String(r.volumes.reduce((m, v) => Math.max(m, v.count), 0)),
      r.flags.map((f) => (lex ? lex.flag(f.id) : f.id)).join(";"),
      ...(lex ? [r.case?.number?.match ?? ""] : []),
    ]);
    const header = lex ? CSV_COLUMNS_ZH : CSV_COLUMNS;
    return [header.join(","), ...rows.map((row) => row.map(csvCell).join(","))].join("\n") + "\n";
  },
};

function dims(list: DimensionScore[], name: (id: string) => string = (id) => id): string {
  return list.map((d) => `${name(d.id)}:${d.score}`).join(";");
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const tableFormatter: Formatter = {
  name: "table",
  format(results, opts = {}) {
    return results.map((r) => formatCase(r, opts.lex?.locale === "zh-CN" ? opts.lex : undefined)).join("\n");
  },
};

/** Display width: a CJK character takes two columns, so Chinese row labels line up too. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, n: number): string {
  return s + " ".repeat(Math.max(0, n - width(s)));
}

/** One case for a person: in English with ids (lex undefined), or in Chinese with the packs' labels. */
function formatCase(r: CaseResult, lex: Lexicon | undefined): string {
  const lines: string[] = [];
  const w = (key: Parameters<Lexicon["word"]>[0], en: string): string => (lex ? lex.word(key) : en);
  const name = (kind: string, id: string): string => (lex ? lex.dim(kind, id) : id);
  const flagIds = r.flags.map((f) => (lex ? lex.flag(f.id) : f.id)).join(" ");
  const sev = lex ? lex.severity(r.severity) : r.severity;
  lines.push(`${r.source}${r.id !== r.source ? ` (${r.id})` : ""}`);
  lines.push(
    lex
      ? `  ${w("field.score", "")} ${r.score}/100   ${w("field.severity", "")} ${sev}${flagIds ? `   ${w("field.flags", "")} ${flagIds}` : ""}`
      : `  score ${r.score}/100   severity ${sev}${flagIds ? `   flags ${flagIds}` : ""}`,
  );
  const label = (key: Parameters<Lexicon["word"]>[0], en: string): string => pad(w(key, en), 11);
  const c = r.case;
  if (c) {
    const parts = [c.number?.match, c.court?.match ?? c.procuratorate?.match, c.date?.iso ?? c.date?.match, c.documentType ? (lex ? lex.word(`doc.${c.documentType.id}`) : c.documentType.id) : undefined].filter(
      (x): x is string => !!x,
    );
    if (c.defendants.length > 0) parts.push(`${w("field.defendants", "defendants")} ${c.defendants.map((d) => d.match).join(lex ? "、" : ", ")}`);
    if (parts.length > 0) lines.push(`  ${label("field.case", "case")} ${parts.join("  ")}`);
  }
  if (r.severityBasis) lines.push(`  ${label("field.basis", "basis")} ${lex ? lex.basis(r.severityBasis.reason) : r.severityBasis.reason}`);
  // Found dimensions with their score and confidence; what fell short is listed apart as signals.
  const show = (kind: string) => (d: Decision & { tier?: string }): string => `${name(kind, d.id)}${d.tier ? `(${d.tier})` : ""} ${d.score} (${d.confidence.toFixed(2)})`;
  const row = (key: Parameters<Lexicon["word"]>[0], en: string, kind: string, list: Decision[]): void => {
    if (list.length > 0) lines.push(`  ${label(key, en)} ${list.map(show(kind)).join(", ")}`);
  };
  row("field.crimes", "crimes", "crime", r.crimes);
  row("field.infoTypes", "info types", "info-type", r.infoTypes);
  row("field.industries", "industries", "industry", r.industries);
  row("field.groups", "groups", "group", r.groups);
  if (r.insider.score > 0) {
    lines.push(`  ${label("field.insider", "insider")} ${r.insider.flag ? w("word.yes", "yes") : w("word.signal", "signal")} ${r.insider.score} (${r.insider.confidence.toFixed(2)})`);
  }
  r.leaks.forEach((l, i) => lines.push(`  ${i === 0 ? label("field.leaks", "leaks") : pad("", 11)} ${formatLeakLine(l)}`));
  row("field.regions", "regions", "region", r.regions);
  if (r.volumes.length > 0) {
    lines.push(
      `  ${label("field.volumes", "volumes")} ${r.volumes.map((v) => `${v.match} → ${v.count}${v.approximate ? "+" : ""} ${name("info-type", v.infoType)}(${v.tier})`).join(", ")}`,
    );
  }
  if (r.money.length > 0) {
    lines.push(`  ${label("field.money", "money")} ${r.money.map((m) => `${w(`money.${m.role}`, m.role)} ¥${m.yuan}${m.approximate ? "+" : ""}`).join(", ")}`);
  }
  if (r.victims.length > 0) {
    lines.push(`  ${label("field.victims", "victims")} ${r.victims.map((v) => `${v.match} → ${v.count}${v.approximate ? "+" : ""}`).join(", ")}`);
  }
  for (const f of r.flags) lines.push(`  ! ${lex ? lex.flag(f.id) : f.id} (${f.confidence.toFixed(2)}): ${lex ? lex.reason(f) : f.reason}`);
  if (r.review) {
    const rv = r.review;
    if (rv.decision) lines.push(`  ${label("field.review", "review")} ${lex ? lex.word(`decision.${rv.decision}`) : rv.decision}${rv.reviewer ? ` (${rv.reviewer})` : ""}${rv.note ? `: ${rv.note}` : ""}`);
    if (rv.suppressedFlags.length > 0) lines.push(`  ${label("field.suppressed", "suppressed")} ${rv.suppressedFlags.map((id) => (lex ? lex.flag(id) : id)).join(" ")}`);
  }
  const sig = r.signals;
  const signals = [
    ...sig.crimes.map(show("crime")),
    ...sig.infoTypes.map(show("info-type")),
    ...sig.industries.map(show("industry")),
    ...sig.groups.map(show("group")),
  ];
  if (signals.length > 0) lines.push(`  ${label("field.signals", "signals")} ${signals.join(", ")}`);
  const evidence = r.findings.filter((f) => f.weight > 0 || f.negated);
  if (evidence.length > 0) lines.push(`  ${w("field.evidence", "evidence")}`);
  for (const f of evidence) {
    // In Chinese the dimension's label leads; the rule id stays, for whoever edits the packs.
    const what = lex && f.target ? `${name(f.kind, f.target)}  ` : "";
    lines.push(
      `    ${String(f.start).padStart(6)}  ${f.match}  ${what}${f.ruleId}${f.negated ? `  (${w("word.negated", "negated")}: ${f.note ?? ""})` : `  +${f.weight}`}`,
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
