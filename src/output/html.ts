// The batch report: ONE self-contained HTML file. No script, no external resource (a CSP says so),
// charts as inline SVG rendered here with vega-lite → vega. Everything taken from documents is
// escaped; evidence context was masked when the case card was built (unless --no-mask).
import type { CaseCard, Snippet } from "./case-card.js";
import type { BatchSummary, Counts } from "./summary.js";
import type { Severity } from "../types.js";
import { barChartSvg, type BarDatum } from "./html-charts.js";

export interface HtmlReportOptions {
  title?: string;
  /** Shown under the title: what was scanned. */
  inputs?: string[];
  /** Bars per chart before the rest is summed into "other (n)". Default 15. */
  maxBars?: number;
}

const SEVERITIES: Severity[] = ["especially-serious", "serious", "none"];

const CHARTS: { key: "crime" | "industry" | "group" | "severity" | "region"; title: string; color: string }[] = [
  { key: "crime", title: "By crime", color: "#c0392b" },
  { key: "industry", title: "By industry", color: "#2e6da4" },
  { key: "group", title: "By victim group", color: "#7d3c98" },
  { key: "severity", title: "By statute severity", color: "#d35400" },
  { key: "region", title: "By region", color: "#5d6d7e" },
];

export async function renderHtmlReport(summary: BatchSummary, opts: HtmlReportOptions = {}): Promise<string> {
  const title = opts.title ?? "caseflag batch report";
  const maxBars = opts.maxBars ?? 15;
  const charts: string[] = [];
  for (const c of CHARTS) {
    const counts: Counts =
      c.key === "severity" ? severityCounts(summary.flaggedBy.severity) : summary.flaggedBy[c.key];
    const data = bars(counts, maxBars);
    const body =
      data.length === 0
        ? `<p class="empty">No flagged case.</p>`
        : await barChartSvg(data, { axisTitle: "flagged cases", color: c.color });
    charts.push(`<figure class="chart" data-chart="${c.key}"><figcaption>${esc(c.title)}</figcaption>${body}</figure>`);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${opts.inputs && opts.inputs.length > 0 ? `<p class="inputs">Inputs: ${opts.inputs.map((i) => `<code>${esc(i)}</code>`).join(", ")}</p>` : ""}
</header>
<main>
${totals(summary)}
<section id="charts">
<h2>Flagged cases</h2>
<p class="note">A case is flagged when the scoring raised at least one flag; a dimension counts when it is found (its evidence reached the dimension's fitted threshold); signals, evidence that fell short, weigh nothing here.</p>
<div class="charts">
${charts.join("\n")}
</div>
</section>
${failures(summary)}
${topCases(summary.topCases)}
</main>
<footer>${legend()}<p>Identifiers in evidence are masked unless the batch ran with <code>--no-mask</code>.</p></footer>
</body>
</html>
`;
}

function totals(s: BatchSummary): string {
  const rows: [string, string, number][] = [
    ["documents", "Documents", s.documents],
    ["results", "Results", s.results],
    ["failures", "Failures", s.failures],
    ["flagged", "Flagged", s.flagged],
    ["especially-serious", "Especially serious", s.severity["especially-serious"]],
    ["serious", "Serious", s.severity.serious],
    ["insider", "Insider flagged", s.flaggedBy.insider],
  ];
  const r = s.run;
  const run = [
    `${num(r.scanned)} scanned in ${r.seconds.toFixed(1)} s (${r.docsPerSecond.toFixed(1)} documents/s)`,
    r.mode === "threads" ? `${r.workers} worker thread${r.workers === 1 ? "" : "s"}` : r.mode === "queue" ? "through the queue" : "on the main thread",
  ];
  if (r.skipped > 0) run.push(`${num(r.skipped)} skipped (already in the output)`);
  if (r.resumedLines > 0) run.push(`${num(r.resumedLines)} lines kept from an earlier run`);
  return `<section id="totals">
<h2>Totals</h2>
<dl class="totals">
${rows.map(([key, label, n]) => `<div><dt>${esc(label)}</dt><dd data-metric="${key}">${num(n)}</dd></div>`).join("\n")}
</dl>
<p class="run">${esc(run.join(" · "))}.</p>
${r.interrupted ? `<p class="warn">The run was interrupted: not every input was read. Run again with <code>--resume</code> to finish.</p>` : ""}
</section>`;
}

function failures(s: BatchSummary): string {
  const entries = Object.entries(s.failuresByCode);
  if (entries.length === 0) return `<section id="failures"><h2>Failures</h2><p class="empty">None: every document was read and scanned.</p></section>`;
  return `<section id="failures">
<h2>Failures</h2>
<p class="note">Documents that could not be read or scanned; each is a line in the output with its reason.</p>
<table><thead><tr><th>Code</th><th>Documents</th></tr></thead><tbody>
${entries.map(([code, n]) => `<tr data-failure-code="${esc(code)}"><td><code>${esc(code)}</code></td><td class="n">${num(n)}</td></tr>`).join("\n")}
</tbody></table>
</section>`;
}

function topCases(cards: CaseCard[]): string {
  if (cards.length === 0) return `<section id="top-cases"><h2>Top cases</h2><p class="empty">No case with a finding.</p></section>`;
  return `<section id="top-cases">
<h2>Top ${cards.length} case${cards.length === 1 ? "" : "s"} by score</h2>
${cards.map((c, i) => caseCard(c, i + 1)).join("\n")}
</section>`;
}

function caseCard(c: CaseCard, rank: number): string {
  const flags = c.flags
    .map((f) => `<li><span class="flag">${esc(f.id)}</span>${f.confidence !== undefined ? ` <span class="conf">${f.confidence.toFixed(2)}</span>` : ""} ${esc(f.reason)}</li>`)
    .join("");
  const snippets = c.snippets.map((s) => snippet(s, c.inContext)).join("\n");
  return `<article class="case" data-case-id="${esc(c.id)}">
<h3><span class="rank">#${rank}</span> <span class="case-id">${esc(c.id)}</span> <span class="score" data-score="${c.score}">score ${c.score}</span> <span class="sev sev-${esc(c.severity)}">${esc(c.severity)}</span></h3>
<p class="source">${esc(c.source)}</p>
${c.severityReason ? `<p class="basis">Severity basis: ${esc(c.severityReason)}</p>` : ""}
${(c.found ?? []).length > 0 ? `<p class="found">Found (confidence): ${(c.found ?? []).map(esc).join(", ")}</p>` : ""}
${flags ? `<ul class="flags">${flags}</ul>` : ""}
${c.leaks.length > 0 ? `<ul class="leaks">${c.leaks.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : ""}
${snippets ? `<div class="evidence">${snippets}</div>` : ""}
${c.inContext ? "" : `<p class="note">Evidence without its context: this case was written by an earlier run (--resume).</p>`}
</article>`;
}

function snippet(s: Snippet, inContext: boolean): string {
  const body = s.parts
    .map((p) =>
      p.ruleId !== undefined
        ? `<mark class="k-${esc(p.kind ?? "other")}" title="${esc(p.ruleId)}">${esc(p.text)}</mark>`
        : esc(p.text),
    )
    .join("");
  return `<blockquote data-start="${s.start}">${inContext && s.start > 0 ? "…" : ""}${body}${inContext ? "…" : ""}</blockquote>`;
}

function legend(): string {
  const kinds = ["crime", "conduct", "info-type", "industry", "group", "region", "identifier"];
  return `<p class="legend">Evidence: ${kinds.map((k) => `<mark class="k-${k}">${k}</mark>`).join(" ")}</p>`;
}

function severityCounts(s: Record<Severity, number>): Counts {
  const out: Counts = {};
  for (const k of SEVERITIES) if (s[k] > 0) out[k] = s[k];
  return out;
}

/** Largest first; past maxBars the rest is one "other" bar so a chart stays readable. */
export function bars(counts: Counts, maxBars: number): BarDatum[] {
  const all = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, count]) => ({ label, count }));
  if (all.length <= maxBars) return all;
  const head = all.slice(0, maxBars - 1);
  const rest = all.slice(maxBars - 1);
  head.push({ label: `other (${rest.length})`, count: rest.reduce((s, d) => s + d.count, 0) });
  return head;
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222;background:#fafafa}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:0 0 4px}
.totals{display:flex;flex-wrap:wrap;gap:10px;margin:0}
.totals div{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.totals dt{font-size:12px;color:#666}.totals dd{margin:0;font-size:22px;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(480px,100%),1fr));gap:16px}
.chart{background:#fff;border:1px solid #ddd;border-radius:6px;margin:0;padding:8px;overflow-x:auto;min-width:0}
.chart svg{max-width:100%;height:auto}
.chart figcaption{font-weight:600;margin-bottom:4px}
.case{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin:12px 0}
.score{background:#222;color:#fff;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px}
.sev{font-size:12px;border-radius:10px;padding:0 8px;margin-left:4px;background:#eee}
.sev-serious{background:#f5cba7}.sev-especially-serious{background:#e74c3c;color:#fff}
.source{color:#666;font-size:12px;margin:0;word-break:break-all}
.flags{margin:6px 0;padding-left:18px}.leaks{margin:6px 0;padding-left:18px;font-weight:600}.flag{font-family:ui-monospace,monospace;background:#fdebd0;padding:0 4px;border-radius:3px}
blockquote{margin:6px 0;padding:6px 10px;border-left:3px solid #ccc;background:#f7f7f7;white-space:pre-wrap;word-break:break-all}
mark{border-radius:3px;padding:0 2px;background:#eee}
.k-crime{background:#f5b7b1}.k-conduct{background:#a3e4d7}.k-info-type{background:#fad7a0}.k-industry{background:#aed6f1}
.k-group{background:#d7bde2}.k-role,.k-access{background:#e6b0aa;font-weight:600}.k-region{background:#d5d8dc}.k-identifier{background:#f9e79f}
.k-volume,.k-money{background:#abebc6}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}td.n{text-align:right}
.note,.empty,.run{color:#555}.warn{background:#fdedec;border:1px solid #e6b0aa;padding:6px 10px;border-radius:4px}
footer{color:#666;font-size:12px;margin:30px auto}
`;
