// The clue list an office hands on: one row per flagged case, with the columns a hand-over names
// (案号, 法院/检察院, 日期, 罪名, 信息类型, 条数, 违法所得, 泄露来源行业, 内鬼, 受害群体, 严重程度, 认定依据,
// 证据摘录, 来源文件, 审核结论). Pure: result lines in, rows out; the CLI writes them as xlsx or CSV.
// Every text cell is passed through the redactor's text masking (identifiers in a quote, a path or
// a note stay masked even if a line was written without it).
import { formatLeakLine } from "../score/leaks.js";
import type { CaseResult } from "../types.js";
import type { Lexicon } from "./locale.js";

export type ClueCell = string | number | null;

export interface ClueFilter {
  /** Only cases with one of these flags (any flag when empty). */
  flags?: string[];
  /** Only flags at or above this confidence count. */
  minConfidence?: number;
}

const HEADERS_ZH = ["案号", "法院/检察院", "日期", "罪名", "信息类型", "条数", "违法所得", "泄露来源行业", "内鬼", "受害群体", "严重程度", "认定依据", "证据摘录", "来源文件", "审核结论"];
const HEADERS_EN = ["Case no.", "Court / procuratorate", "Date", "Crimes", "Information types", "Records", "Illegal gain (yuan)", "Source industry", "Insider", "Victim groups", "Severity", "Basis", "Evidence", "Source file", "Review"];

export function clueHeaders(lex: Lexicon): string[] {
  return lex.locale === "zh-CN" ? HEADERS_ZH : HEADERS_EN;
}

/** Whether a case goes on the list: a flag (of those asked for) at or above the confidence asked for. */
export function isClue(r: Pick<CaseResult, "flags">, filter: ClueFilter = {}): boolean {
  return r.flags.some((f) => (!filter.flags || filter.flags.length === 0 || filter.flags.includes(f.id)) && f.confidence >= (filter.minConfidence ?? 0));
}

/** Excerpts of evidence on a row: the strongest leak chain and the strongest findings, each once. */
const MAX_EXCERPTS = 4;

export function clueRow(r: CaseResult, lex: Lexicon, maskText: (s: string) => string): ClueCell[] {
  const join = (xs: string[]): string => lex.list([...new Set(xs)]);
  const c = r.case;
  const records = r.volumes.filter((v) => v.from === "prose").reduce((m, v) => Math.max(m, v.count), 0) || r.volumes.reduce((m, v) => Math.max(m, v.count), 0);
  const gain = r.money.filter((m) => m.role === "gain").reduce((m, v) => Math.max(m, v.yuan), 0);
  const insiderLeak = r.leaks.find((l) => l.leaker?.insider);
  const role = insiderLeak?.leaker?.role?.label;
  const insider = r.insider.flag ? `${lex.word("word.yes")}${role ? (lex.locale === "zh-CN" ? `（${role}）` : ` (${role})`) : ""}` : "";
  const basis = [
    ...(r.severityBasis ? [lex.basis(r.severityBasis.reason)] : []),
    ...r.flags.map((f) => {
      const label = lex.flag(f.id);
      const reason = lex.reason(f);
      // "重点行业：金融" names itself already.
      return reason.toLowerCase().startsWith(label.toLowerCase()) ? reason : `${label}${lex.locale === "zh-CN" ? "：" : ": "}${reason}`;
    }),
  ].join(lex.locale === "zh-CN" ? "；" : "; ");
  const excerpts = [
    ...r.leaks.slice(0, 1).map(formatLeakLine),
    ...[...r.findings]
      .filter((f) => !f.negated && f.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.start - b.start)
      .map((f) => f.match),
  ];
  const review = r.review?.decision ? lex.word(`decision.${r.review.decision}`) : "";
  const cells: ClueCell[] = [
    c?.number?.match ?? "",
    c?.court?.match ?? c?.procuratorate?.match ?? "",
    c?.date?.iso ?? c?.date?.match ?? "",
    join(r.crimes.map((d) => lex.dim("crime", d.id))),
    join(r.infoTypes.map((d) => lex.dim("info-type", d.id))),
    records > 0 ? records : null,
    gain > 0 ? gain : null,
    join(r.industries.map((d) => lex.dim("industry", d.id))),
    insider,
    join(r.groups.map((d) => lex.dim("group", d.id))),
    lex.severity(r.severity),
    basis,
    [...new Set(excerpts)].slice(0, MAX_EXCERPTS).join(" ｜ "),
    r.source,
    review,
  ];
  return cells.map((v) => (typeof v === "string" ? maskText(v) : v));
}

/**
 * One CSV cell. Quoted when it holds a comma, quote or line break; a cell starting with = + - @
 * (or a tab or carriage return) would run as a formula in a spreadsheet: it is quoted with a
 * leading apostrophe, as OWASP advises, so it shows as text.
 */
export function csvCell(v: ClueCell): string {
  if (v === null) return "";
  if (typeof v === "number") return String(v);
  let s = v;
  const formula = /^[=+\-@\t\r]/.test(s);
  if (formula) s = `'${s}`;
  return formula || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The whole CSV: a UTF-8 BOM (so Excel reads the Chinese right), CRLF line ends. */
export function cluesCsv(headers: string[], rows: ClueCell[][]): string {
  return "\uFEFF" + [headers, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
