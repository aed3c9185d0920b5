// The batch report: ONE self-contained HTML file, built around the flags. Tiles for what an analyst
// looks for first (personal-information leaks, insiders, key groups, PIL clues, especially
// serious), charts of the flagged cases (crimes, industries, groups, severity, provinces: cities
// roll up), and every flagged case listed, grouped by its first flag, with filters, sorting, text
// search (案号, court, names as masked, any quoted text) and expand-to-full-context.
//
// Offline: no external resource, and the one inline script runs under a CSP that names its sha256
// (nothing else can run). Charts are HTML bars (text at the page's font size, readable at any
// width, CJK labels measured by the browser, not estimated). Everything taken from documents is
// escaped; quotes, context and full texts were masked when the case card was built (unless
// --no-mask), and every text shown here is masked again on the way out (identifiers and long
// account numbers: output/redact.ts).
import { createHash } from "node:crypto";
import type { CaseCard, Snippet } from "./case-card.js";
import { lexicon, type Lexicon } from "./locale.js";
import { MASKED } from "./redact.js";
import type { BatchSummary, Counts } from "./summary.js";
import type { Severity } from "../types.js";

export interface HtmlReportOptions {
  title?: string;
  /** Shown under the title: what was scanned. */
  inputs?: string[];
  /** Bars per chart before the rest is summed into "other (n)". Default 15. */
  maxBars?: number;
  /** Labels and wording (--locale); default English with ids. */
  lex?: Lexicon;
  /** Mask what is shown (default true; false only for --no-mask runs). */
  mask?: boolean;
}

export interface BarDatum {
  label: string;
  count: number;
}

const SEVERITIES: Severity[] = ["especially-serious", "serious", "none"];
/** The order flags group the list in: a case sits under the first of its flags here. */
const FLAG_ORDER = ["pi-leak", "insider", "pil-clue", "key-group", "key-industry", "large-scale", "cross-region", "telecom-fraud", "unmasked-identifier"];
const TILES: { key: string; flag?: string; severity?: Severity; zh: string; en: string }[] = [
  { key: "pi-leak", flag: "pi-leak", zh: "个人信息泄露案件", en: "PI leak cases" },
  { key: "insider", flag: "insider", zh: "内鬼案件", en: "Insider cases" },
  { key: "key-group", flag: "key-group", zh: "重点群体案件", en: "Key-group cases" },
  { key: "pil-clue", flag: "pil-clue", zh: "公益诉讼线索", en: "PIL clues" },
  { key: "especially-serious", severity: "especially-serious", zh: "情节特别严重", en: "Especially serious" },
];

/** The report's own words in both languages. */
const T = {
  title: ["caseflag 批量分析报告", "caseflag batch report"],
  inputs: ["输入", "Inputs"],
  documents: ["文书", "Documents"],
  results: ["已分析", "Results"],
  failures: ["失败", "Failures"],
  flagged: ["已标记", "Flagged"],
  serious: ["情节严重", "Serious"],
  suppressed: ["已排除（误报）", "Suppressed (false positive)"],
  charts: ["已标记案件分布", "Flagged cases"],
  chartsNote: [
    "案件至少被标记一次即计入；某一维度需达到认定阈值才计入，未认定的线索不计。",
    "A case counts when it raised at least one flag; a dimension counts when it is found (its evidence reached the fitted threshold); signals weigh nothing here.",
  ],
  byCrime: ["按罪名", "By crime"],
  byIndustry: ["按行业", "By industry"],
  byGroup: ["按受害群体", "By victim group"],
  bySeverity: ["按严重程度", "By statute severity"],
  byProvince: ["按省份（城市并入所属省份）", "By province (cities roll up)"],
  none: ["无", "None"],
  cases: ["已标记案件", "Flagged cases"],
  filterFlag: ["标记", "Flag"],
  filterIndustry: ["行业", "Industry"],
  filterGroup: ["受害群体", "Group"],
  filterSeverity: ["严重程度", "Severity"],
  filterProvince: ["省份", "Province"],
  all: ["全部", "All"],
  search: ["搜索（案号、法院、文书内容…）", "Search (case no., court, text…)"],
  sort: ["排序", "Sort"],
  sortScore: ["评分", "Score"],
  sortDate: ["日期（新→旧）", "Date (newest)"],
  sortNumber: ["案号", "Case no."],
  sortConfidence: ["置信度", "Confidence"],
  shown: ["显示", "Showing"],
  of: ["件，共", "of"],
  casesUnit: ["件", "cases"],
  reset: ["清除筛选", "Clear filters"],
  noCase: ["没有已标记的案件。", "No flagged case."],
  omitted: ["另有 {n} 件已标记案件未列出（超过列表上限）。", "{n} more flagged cases are not listed (over the list's limit)."],
  source: ["来源", "Source"],
  defendants: ["被告人", "Defendants"],
  found: ["认定", "Found"],
  basis: ["认定依据", "Severity basis"],
  leaks: ["泄露链", "Leak chains"],
  evidence: ["证据", "Evidence"],
  fullText: ["全文（已脱敏）", "Full text (masked)"],
  noContext: ["仅有证据原文，无上下文：此案由早先的运行写入（--resume）或由结果文件生成。", "Evidence without its context: written by an earlier run (--resume) or built from a results file."],
  suppressedCases: ["已排除的案件（审核为误报或忽略，或已在基线中）", "Suppressed cases (reviewed as false positive or ignored, or in the baseline)"],
  review: ["审核", "Review"],
  failuresTitle: ["失败", "Failures"],
  failuresNone: ["无：每份文书都已读取并分析。", "None: every document was read and scanned."],
  failuresNote: ["无法读取或分析的文书，输出中每份各有一行说明原因。", "Documents that could not be read or scanned; each is a line in the output with its reason."],
  code: ["代码", "Code"],
  interrupted: ["运行被中断，并非所有输入都已读取。请加 --resume 再次运行以完成。", "The run was interrupted: not every input was read. Run again with --resume to finish."],
  footer: ["证据中的身份标识均已脱敏（除非以 --no-mask 运行）。", "Identifiers in evidence are masked unless the batch ran with --no-mask."],
  score: ["评分", "score"],
  other: ["其他", "other"],
} as const satisfies Record<string, readonly [string, string]>;

export async function renderHtmlReport(summary: BatchSummary, opts: HtmlReportOptions = {}): Promise<string> {
  const lex = opts.lex ?? lexicon("en");
  const zh = lex.locale === "zh-CN";
  const t = (k: keyof typeof T): string => T[k][zh ? 0 : 1];
  const hide = opts.mask === false ? (s: string) => s : MASKED.text;
  const cases = summary.cases ?? summary.topCases;
  const listed = cases.filter((c) => c.flags.length > 0);
  const suppressed = cases.filter((c) => c.flags.length === 0 && (c.review?.suppressedFlags.length ?? 0) > 0);
  const ctx: Ctx = { lex, t, hide };
  const script = SCRIPT;
  const hash = createHash("sha256").update(script).digest("base64");
  const title = opts.title ?? t("title");
  return `<!doctype html>
<html lang="${lex.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${opts.inputs && opts.inputs.length > 0 ? `<p class="inputs">${esc(t("inputs"))}: ${opts.inputs.map((i) => `<code>${esc(hide(i))}</code>`).join(", ")}</p>` : ""}
</header>
<main>
${tiles(summary, ctx)}
${charts(summary, listed, ctx, opts.maxBars ?? 15)}
${caseList(listed, summary.casesOmitted ?? 0, ctx)}
${suppressed.length > 0 ? `<section id="suppressed"><details><summary><h2>${esc(t("suppressedCases"))} (${suppressed.length})</h2></summary>${suppressed.map((c) => caseCard(c, ctx)).join("\n")}</details></section>` : ""}
${failures(summary, ctx)}
</main>
<footer>${legend(ctx)}<p>${esc(t("footer"))}</p></footer>
<script>${script}</script>
</body>
</html>
`;
}

interface Ctx {
  lex: Lexicon;
  t: (k: keyof typeof T) => string;
  hide: (s: string) => string;
}

function tiles(s: BatchSummary, { lex, t }: Ctx): string {
  const zh = lex.locale === "zh-CN";
  const main = TILES.map((tile) => {
    const n = tile.flag ? (s.flaggedBy.flag[tile.flag] ?? 0) : s.severity[tile.severity!];
    const filter = tile.flag ? `data-filter-flag="${tile.flag}"` : `data-filter-severity="${tile.severity}"`;
    return `<button type="button" class="tile" data-tile="${tile.key}" ${filter}><span class="n" data-metric="${tile.key}">${num(n)}</span><span class="l">${esc(zh ? tile.zh : tile.en)}</span></button>`;
  });
  const rows: [string, string, number][] = [
    ["documents", t("documents"), s.documents],
    ["results", t("results"), s.results],
    ["failures", t("failures"), s.failures],
    ["flagged", t("flagged"), s.flagged],
    ["serious", t("serious"), s.severity.serious],
    ["suppressed", t("suppressed"), s.suppressed ?? 0],
  ];
  const r = s.run;
  const run = zh
    ? [`${num(r.scanned)} 份已分析，用时 ${r.seconds.toFixed(1)} 秒（每秒 ${r.docsPerSecond.toFixed(1)} 份）`, r.mode === "threads" ? `${r.workers} 个线程` : r.mode === "queue" ? "经由队列" : "主线程"]
    : [
        `${num(r.scanned)} scanned in ${r.seconds.toFixed(1)} s (${r.docsPerSecond.toFixed(1)} documents/s)`,
        r.mode === "threads" ? `${r.workers} worker thread${r.workers === 1 ? "" : "s"}` : r.mode === "queue" ? "through the queue" : "on the main thread",
      ];
  if (r.skipped > 0) run.push(zh ? `${num(r.skipped)} 份已在输出中，跳过` : `${num(r.skipped)} skipped (already in the output)`);
  if (r.resumedLines > 0) run.push(zh ? `沿用早先运行的 ${num(r.resumedLines)} 行` : `${num(r.resumedLines)} lines kept from an earlier run`);
  return `<section id="totals">
<div class="tiles">
${main.join("\n")}
</div>
<dl class="totals">
${rows.map(([key, label, n]) => `<div><dt>${esc(label)}</dt><dd data-metric="${key}">${num(n)}</dd></div>`).join("\n")}
</dl>
<p class="run">${esc(run.join(" · "))}</p>
${r.interrupted ? `<p class="warn">${esc(t("interrupted"))}</p>` : ""}
</section>`;
}

function charts(s: BatchSummary, listed: CaseCard[], { lex, t }: Ctx, maxBars: number): string {
  const labelled = (kind: string, counts: Counts): Counts => {
    const out: Counts = {};
    for (const [id, n] of Object.entries(counts)) out[lex.dim(kind, id)] = (out[lex.dim(kind, id)] ?? 0) + n;
    return out;
  };
  const severity: Counts = {};
  for (const k of SEVERITIES) if (s.flaggedBy.severity[k] > 0) severity[lex.severity(k)] = s.flaggedBy.severity[k];
  // Provinces from the listed cases: each case once per province, its cities rolled up.
  const provinces: Counts = {};
  for (const c of listed) for (const p of new Set((c.regions ?? []).map((id) => lex.province(id)))) provinces[lex.dim("region", p)] = (provinces[lex.dim("region", p)] ?? 0) + 1;
  const list: { key: string; title: string; color: string; counts: Counts }[] = [
    { key: "crime", title: t("byCrime"), color: "#c0392b", counts: labelled("crime", s.flaggedBy.crime) },
    { key: "industry", title: t("byIndustry"), color: "#2e6da4", counts: labelled("industry", s.flaggedBy.industry) },
    { key: "group", title: t("byGroup"), color: "#7d3c98", counts: labelled("group", s.flaggedBy.group) },
    { key: "severity", title: t("bySeverity"), color: "#d35400", counts: severity },
    { key: "province", title: t("byProvince"), color: "#5d6d7e", counts: provinces },
  ];
  const figures = list.map((c) => {
    const data = bars(c.counts, maxBars, t("other"));
    const max = Math.max(1, ...data.map((d) => d.count));
    const body =
      data.length === 0
        ? `<p class="empty">${esc(t("none"))}</p>`
        : `<ol class="bars">${data
            .map(
              (d) =>
                `<li class="bar-row" data-label="${esc(d.label)}" data-count="${d.count}"><span class="bl" title="${esc(d.label)}">${esc(d.label)}</span><span class="bt"><span class="bf" style="width:${((100 * d.count) / max).toFixed(1)}%;background:${c.color}"></span></span><span class="bc">${num(d.count)}</span></li>`,
            )
            .join("")}</ol>`;
    return `<figure class="chart" data-chart="${c.key}"><figcaption>${esc(c.title)}</figcaption>${body}</figure>`;
  });
  return `<section id="charts">
<h2>${esc(t("charts"))}</h2>
<p class="note">${esc(t("chartsNote"))}</p>
<div class="charts">
${figures.join("\n")}
</div>
</section>`;
}

function caseList(listed: CaseCard[], omitted: number, ctx: Ctx): string {
  const { lex, t } = ctx;
  if (listed.length === 0) return `<section id="cases"><h2>${esc(t("cases"))}</h2><p class="empty">${esc(t("noCase"))}</p></section>`;
  const groups = new Map<string, CaseCard[]>();
  for (const c of listed) {
    const first = FLAG_ORDER.find((f) => c.flags.some((x) => x.id === f)) ?? c.flags[0]!.id;
    groups.set(first, [...(groups.get(first) ?? []), c]);
  }
  // Highest score first, as the sort control starts (ties keep the output order).
  for (const list of groups.values()) list.sort((a, b) => b.score - a.score);
  const order = [...groups.keys()].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b));
  const options = (values: [string, string][]): string => values.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join("");
  const distinct = (f: (c: CaseCard) => string[]): string[] => [...new Set(listed.flatMap(f))].sort();
  const flagIds = FLAG_ORDER.filter((f) => listed.some((c) => c.flags.some((x) => x.id === f)));
  const industries = distinct((c) => c.industries ?? []);
  const groupIds = distinct((c) => c.groups ?? []);
  const provinces = distinct((c) => (c.regions ?? []).map((r) => lex.province(r)));
  const all = `<option value="">${esc(t("all"))}</option>`;
  const select = (id: string, label: string, opts: string): string => `<label>${esc(label)} <select id="${id}">${all}${opts}</select></label>`;
  return `<section id="cases">
<h2>${esc(t("cases"))} (${num(listed.length)})</h2>
<form class="controls" id="controls" role="search">
${select("f-flag", t("filterFlag"), options(flagIds.map((f) => [f, lex.flag(f)])))}
${select("f-industry", t("filterIndustry"), options(industries.map((i) => [i, lex.dim("industry", i)])))}
${select("f-group", t("filterGroup"), options(groupIds.map((g) => [g, lex.dim("group", g)])))}
${select("f-severity", t("filterSeverity"), options(SEVERITIES.map((s) => [s, lex.severity(s)])))}
${select("f-province", t("filterProvince"), options(provinces.map((p) => [p, lex.dim("region", p)])))}
<label class="q">${esc(t("search"))} <input id="f-q" type="search" autocomplete="off"></label>
<label>${esc(t("sort"))} <select id="f-sort">${options([
    ["score", t("sortScore")],
    ["date", t("sortDate")],
    ["number", t("sortNumber")],
    ["confidence", t("sortConfidence")],
  ])}</select></label>
<button type="reset" id="f-reset">${esc(t("reset"))}</button>
</form>
<p class="count">${esc(t("shown"))} <span id="shown">${listed.length}</span> ${esc(t("of"))} ${listed.length} ${esc(t("casesUnit"))}</p>
${omitted > 0 ? `<p class="warn">${esc(t("omitted").replace("{n}", num(omitted)))}</p>` : ""}
${order
  .map(
    (f) => `<section class="flag-group" data-group="${esc(f)}"><h3>${esc(lex.flag(f))} <span class="gc">(${groups.get(f)!.length})</span></h3>
<div class="cards">
${groups.get(f)!.map((c) => caseCard(c, ctx)).join("\n")}
</div></section>`,
  )
  .join("\n")}
</section>`;
}

function caseCard(c: CaseCard, { lex, t, hide }: Ctx): string {
  const meta = c.case;
  const number = meta?.number?.match ?? "";
  const court = meta?.court?.match ?? meta?.procuratorate?.match ?? "";
  const date = meta?.date?.iso ?? "";
  const provinces = [...new Set((c.regions ?? []).map((r) => lex.province(r)))];
  const confidence = Math.max(0, ...c.flags.map((f) => f.confidence ?? 0));
  const attrs = [
    `data-case-id="${esc(hide(c.id))}"`,
    `data-flags="${esc(c.flags.map((f) => f.id).join(" "))}"`,
    `data-industries="${esc((c.industries ?? []).join(" "))}"`,
    `data-groups="${esc((c.groups ?? []).join(" "))}"`,
    `data-severity="${esc(c.severity)}"`,
    `data-provinces="${esc(provinces.join(" "))}"`,
    `data-score="${c.score}"`,
    `data-date="${esc(date)}"`,
    `data-number="${esc(number)}"`,
    `data-confidence="${confidence.toFixed(2)}"`,
  ].join(" ");
  const badges = c.flags.map((f) => `<span class="flag" data-flag="${esc(f.id)}">${esc(lex.flag(f.id))}</span>`).join(" ");
  const review = c.review?.decision ? `<span class="review review-${esc(c.review.decision)}">${esc(lex.word(`decision.${c.review.decision}`))}</span>` : "";
  const found = [
    ...(c.crimes ?? []).map((id) => lex.dim("crime", id)),
    ...(c.infoTypes ?? []).map((id) => lex.dim("info-type", id)),
    ...(c.industries ?? []).map((id) => lex.dim("industry", id)),
    ...(c.groups ?? []).map((id) => lex.dim("group", id)),
  ];
  const flags = c.flags
    .map((f) => `<li><span class="flag">${esc(lex.flag(f.id))}</span>${f.confidence !== undefined ? ` <span class="conf">${f.confidence.toFixed(2)}</span>` : ""} ${esc(hide(lex.reason(f)))}</li>`)
    .join("");
  const suppressed = c.review && c.review.suppressedFlags.length > 0 ? `<p class="suppressed">${esc(t("suppressed"))}: ${c.review.suppressedFlags.map((id) => esc(lex.flag(id))).join("、")}</p>` : "";
  const defendants = (meta?.defendants ?? []).map((d) => d.match);
  const snippets = c.snippets.map((s) => snippet(s, c.inContext, hide)).join("\n");
  const head = [number || hide(c.id), court, date].filter((x) => x !== "").map((x) => esc(hide(x)));
  return `<article class="case" ${attrs}>
<details>
<summary><span class="case-title">${head.join(" · ")}</span> <span class="sev sev-${esc(c.severity)}">${esc(lex.severity(c.severity))}</span> ${badges} ${review} <span class="score" data-score="${c.score}">${esc(t("score"))} ${c.score}</span></summary>
<div class="body">
<p class="source">${esc(t("source"))}: ${esc(hide(c.source))}${meta?.documentType ? ` · ${esc(lex.word(`doc.${meta.documentType.id}`))}` : ""}</p>
${defendants.length > 0 ? `<p class="defendants">${esc(t("defendants"))}: ${esc(hide(defendants.join(lex.locale === "zh-CN" ? "、" : ", ")))}</p>` : ""}
${found.length > 0 ? `<p class="found">${esc(t("found"))}: ${esc(lex.list(found))}</p>` : ""}
${c.severityReason ? `<p class="basis">${esc(t("basis"))}: ${esc(hide(lex.basis(c.severityReason)))}</p>` : ""}
${flags ? `<ul class="flags">${flags}</ul>` : ""}
${suppressed}
${c.review?.note ? `<p class="note">${esc(t("review"))}: ${esc(hide(c.review.note))}${c.review.reviewer ? ` (${esc(hide(c.review.reviewer))})` : ""}</p>` : ""}
${c.leaks.length > 0 ? `<ul class="leaks">${c.leaks.map((l) => `<li>${esc(hide(l))}</li>`).join("")}</ul>` : ""}
${snippets ? `<div class="evidence">${snippets}</div>` : ""}
${c.inContext ? "" : `<p class="note">${esc(t("noContext"))}</p>`}
${c.fullText !== undefined ? `<details class="full"><summary>${esc(t("fullText"))}</summary><pre class="full-text">${esc(hide(c.fullText))}</pre></details>` : ""}
</div>
</details>
</article>`;
}

function snippet(s: Snippet, inContext: boolean, hide: (s: string) => string): string {
  const body = s.parts
    .map((p) => (p.ruleId !== undefined ? `<mark class="k-${esc(p.kind ?? "other")}" title="${esc(p.ruleId)}">${esc(hide(p.text))}</mark>` : esc(hide(p.text))))
    .join("");
  return `<blockquote data-start="${s.start}">${inContext && s.start > 0 ? "…" : ""}${body}${inContext ? "…" : ""}</blockquote>`;
}

function failures(s: BatchSummary, { t }: Ctx): string {
  const entries = Object.entries(s.failuresByCode);
  if (entries.length === 0) return `<section id="failures"><h2>${esc(t("failuresTitle"))}</h2><p class="empty">${esc(t("failuresNone"))}</p></section>`;
  return `<section id="failures">
<h2>${esc(t("failuresTitle"))}</h2>
<p class="note">${esc(t("failuresNote"))}</p>
<table><thead><tr><th>${esc(t("code"))}</th><th>${esc(t("documents"))}</th></tr></thead><tbody>
${entries.map(([code, n]) => `<tr data-failure-code="${esc(code)}"><td><code>${esc(code)}</code></td><td class="n">${num(n)}</td></tr>`).join("\n")}
</tbody></table>
</section>`;
}

function legend({ lex }: Ctx): string {
  const kinds: [string, string][] = [
    ["crime", lex.word("field.crimes")],
    ["conduct", lex.locale === "zh-CN" ? "行为" : "conduct"],
    ["info-type", lex.word("field.infoTypes")],
    ["industry", lex.word("field.industries")],
    ["group", lex.word("field.groups")],
    ["region", lex.word("field.regions")],
    ["identifier", lex.locale === "zh-CN" ? "身份标识" : "identifier"],
  ];
  return `<p class="legend">${kinds.map(([k, label]) => `<mark class="k-${k}">${esc(label)}</mark>`).join(" ")}</p>`;
}

/** Largest first; past maxBars the rest is one "other (n)" bar so a chart stays readable. */
export function bars(counts: Counts, maxBars: number, other = "other"): BarDatum[] {
  const all = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, count]) => ({ label, count }));
  if (all.length <= maxBars) return all;
  const head = all.slice(0, maxBars - 1);
  const rest = all.slice(maxBars - 1);
  head.push({ label: `${other} (${rest.length})`, count: rest.reduce((s, d) => s + d.count, 0) });
  return head;
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/**
 * Filters, search, sort and the tiles' shortcuts. Runs under the CSP's sha256 of this exact text;
 * it reads and hides what the page holds and adds nothing to it. Search compares NFKC-folded,
 * space-free, lower-case text, so （2021）浙0106刑初512号 is found typed with ASCII brackets too.
 */
const SCRIPT = `(function(){
var d=document,q=function(s){return d.getElementById(s)};
var cards=[].slice.call(d.querySelectorAll('#cases article.case'));
if(!cards.length)return;
var norm=function(s){return (s||'').normalize('NFKC').replace(/\\s+/g,'').toLowerCase()};
var text=new Map();cards.forEach(function(c){text.set(c,norm(c.textContent))});
var f={flag:q('f-flag'),industries:q('f-industry'),groups:q('f-group'),severity:q('f-severity'),provinces:q('f-province')};
var keyOf={flag:'flags',industries:'industries',groups:'groups',severity:'severity',provinces:'provinces'};
function has(c,k,v){return !v||(c.getAttribute('data-'+keyOf[k])||'').split(' ').indexOf(v)>=0}
function apply(){var s=norm(q('f-q').value),n=0;
cards.forEach(function(c){var ok=s===''||text.get(c).indexOf(s)>=0;for(var k in f){ok=ok&&has(c,k,f[k].value)}c.hidden=!ok;if(ok)n++});
[].forEach.call(d.querySelectorAll('#cases .flag-group'),function(g){g.hidden=!g.querySelector('article.case:not([hidden])')});
q('shown').textContent=String(n)}
function sort(){var k=q('f-sort').value;
var v=function(c){return k==='number'?(c.getAttribute('data-number')||'\\uffff'):k==='date'?(c.getAttribute('data-date')||''):Number(c.getAttribute('data-'+(k==='confidence'?'confidence':'score')))};
[].forEach.call(d.querySelectorAll('#cases .cards'),function(box){var items=[].slice.call(box.children);
items.sort(function(a,b){var x=v(a),y=v(b);if(k==='number')return x<y?-1:x>y?1:0;return x<y?1:x>y?-1:0});
items.forEach(function(i){box.appendChild(i)})})}
[].forEach.call(d.querySelectorAll('#controls select,#f-q'),function(e){e.addEventListener('input',apply);e.addEventListener('change',apply)});
q('f-sort').addEventListener('change',function(){sort();apply()});
q('controls').addEventListener('submit',function(e){e.preventDefault()});
q('controls').addEventListener('reset',function(){setTimeout(function(){sort();apply()},0)});
[].forEach.call(d.querySelectorAll('.tile'),function(t){t.addEventListener('click',function(){
q('controls').reset();f.flag.value=t.getAttribute('data-filter-flag')||'';f.severity.value=t.getAttribute('data-filter-severity')||'';
apply();q('cases').scrollIntoView()})});
})();`;

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
body{font-size:14px;line-height:1.55;margin:0;color:#222;background:#fafafa}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
h3{font-size:16px;margin:18px 0 6px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:16px 0}
.tile{display:flex;flex-direction:column;align-items:flex-start;font:inherit;background:#fff;border:1px solid #d0d7de;border-left:5px solid #c0392b;border-radius:6px;padding:10px 14px;cursor:pointer;text-align:left}
.tile[data-tile=insider]{border-left-color:#8e44ad}.tile[data-tile=key-group]{border-left-color:#2e86c1}.tile[data-tile=pil-clue]{border-left-color:#16a085}.tile[data-tile=especially-serious]{border-left-color:#d35400}
.tile .n{font-size:26px;font-weight:700}.tile .l{font-size:14px;color:#444}
.totals{display:flex;flex-wrap:wrap;gap:8px;margin:0}
.totals div{background:#fff;border:1px solid #ddd;border-radius:6px;padding:4px 12px;min-width:90px}
.totals dt{font-size:12px;color:#666}.totals dd{margin:0;font-size:17px;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr));gap:14px}
.chart{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0;padding:8px 10px;min-width:0}
.chart figcaption{font-weight:600;margin-bottom:6px}
.bars{list-style:none;margin:0;padding:0}
.bar-row{display:grid;grid-template-columns:minmax(0,9em) minmax(0,1fr) auto;align-items:center;gap:8px;font-size:13px;margin:3px 0}
.bl{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.bt{background:#f0f0f0;border-radius:3px;height:14px}.bf{display:block;height:100%;border-radius:3px;min-width:2px}.bc{font-variant-numeric:tabular-nums}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:flex-end;background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px;position:sticky;top:0;z-index:1}
.controls label{display:flex;flex-direction:column;font-size:12px;color:#555}.controls select,.controls input{font:inherit;font-size:14px;padding:3px 4px}.controls .q{flex:1 1 220px}
.controls button{font:inherit;padding:4px 10px}
.count{color:#555}
.case{background:#fff;border:1px solid #ddd;border-radius:6px;margin:8px 0}
.case>details>summary{cursor:pointer;padding:8px 12px;list-style-position:inside}
.case .body{padding:0 14px 10px}
.case-title{font-weight:600}
.score{background:#222;color:#fff;border-radius:10px;padding:0 8px;font-size:12px;margin-left:4px;white-space:nowrap}
.sev{font-size:12px;border-radius:10px;padding:0 8px;margin-left:4px;background:#eee;white-space:nowrap}
.sev-serious{background:#f5cba7}.sev-especially-serious{background:#e74c3c;color:#fff}
.flag{background:#fdebd0;padding:0 5px;border-radius:3px;font-size:12px;white-space:nowrap}
.review{font-size:12px;border-radius:10px;padding:0 8px;background:#d5f5e3;white-space:nowrap}.review-false-positive,.review-ignore{background:#eaeded}.review-transferred{background:#d6eaf8}
.source{color:#666;font-size:12px;margin:0;word-break:break-all}
.flags,.leaks{margin:6px 0;padding-left:18px}.leaks{font-weight:600}
blockquote{margin:6px 0;padding:6px 10px;border-left:3px solid #ccc;background:#f7f7f7;white-space:pre-wrap;word-break:break-all}
pre.full-text{white-space:pre-wrap;word-break:break-all;background:#f7f7f7;padding:8px;font:inherit;max-height:60vh;overflow:auto}
mark{border-radius:3px;padding:0 2px;background:#eee}
.k-crime{background:#f5b7b1}.k-conduct{background:#a3e4d7}.k-info-type{background:#fad7a0}.k-industry{background:#aed6f1}
.k-group{background:#d7bde2}.k-role,.k-access{background:#e6b0aa;font-weight:600}.k-region{background:#d5d8dc}.k-identifier{background:#f9e79f}
.k-volume,.k-money{background:#abebc6}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}td.n{text-align:right}
.note,.empty,.run{color:#555}.warn{background:#fdedec;border:1px solid #e6b0aa;padding:6px 10px;border-radius:4px}
#suppressed summary h2{display:inline}
footer{color:#666;font-size:12px;margin:30px auto}
[hidden]{display:none!important}
`;
