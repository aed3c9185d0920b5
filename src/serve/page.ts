// The review page at `/`: one server-rendered HTML file with its own small script (no CDN, nothing
// fetched but the API): paste or upload a document, and see its text with the findings
// highlighted by kind, the leak chains, severity and its basis, flags and their reasons, in Chinese
// or English. The text shown is the one POST /v1/scan?text=true returns: identifiers masked.
import { lexicon, type Locale } from "../output/locale.js";
import type { RuleSet } from "../rules/types.js";
import { FLAG_IDS } from "../score/result.js";
import type { Severity } from "../types.js";

/** Chinese and English labels of a pack dimension, keyed `kind:id` (the packs' label.zh / label.en). */
export function labelsOf(ruleSet: RuleSet): Record<string, { zh?: string; en?: string }> {
  const out: Record<string, { zh?: string; en?: string }> = {};
  for (const [kind, dims] of ruleSet.dimensions) for (const [id, d] of dims) if (d.label) out[`${kind}:${id}`] = d.label;
  return out;
}

const SEVERITIES: readonly Severity[] = ["none", "serious", "especially-serious"];

/**
 * Flag and severity names as every other output prints them (output/locale.ts): a flag is called
 * the same on this page as in the report, the clue export and the table.
 */
function outcomeWords(locale: Locale): Record<string, string> {
  const lex = lexicon(locale);
  const out: Record<string, string> = {};
  for (const id of FLAG_IDS) out[`flag:${id}`] = lex.flag(id);
  for (const s of SEVERITIES) out[`sev:${s}`] = lex.severity(s);
  return out;
}

/** Words of the page itself (flags and severity come from outcomeWords). */
const PAGE_WORDS = {
  zh: {
    title: "caseflag 文书审查", token: "访问令牌", paste: "粘贴文书文本", file: "或上传文件", scan: "扫描", scanning: "扫描中…",
    severity: "严重程度", score: "分数", basis: "依据", flags: "标记", decisions: "认定", chains: "泄露链条", text: "文书（标识符已遮蔽）",
    legend: "图例", none: "无", source: "来源", leaker: "泄露人", flow: "行为", data: "数据", count: "数量", subjects: "信息主体", insider: "内部人员",
    "dim:crimes": "罪名", "dim:infoTypes": "信息类型", "dim:industries": "行业", "dim:groups": "群体", "dim:regions": "地区",
    "kind:crime": "罪名", "kind:info-type": "信息类型", "kind:industry": "行业", "kind:group": "群体", "kind:identifier": "标识符", "kind:volume": "数量",
    "kind:money": "金额", "kind:region": "地区", "kind:role": "角色", "kind:access": "职务便利", "kind:flow": "流转", "kind:other": "其他",
    error: "错误",
  },
  en: {
    title: "caseflag document review", token: "Access token", paste: "Paste a document's text", file: "or upload a file", scan: "Scan", scanning: "Scanning…",
    severity: "Severity", score: "Score", basis: "Basis", flags: "Flags", decisions: "Findings", chains: "Leak chains", text: "Document (identifiers masked)",
    legend: "Legend", none: "none", source: "Source", leaker: "Leaker", flow: "Act", data: "Data", count: "Count", subjects: "Whose data", insider: "insider",
    "dim:crimes": "Crimes", "dim:infoTypes": "Information types", "dim:industries": "Industries", "dim:groups": "Groups", "dim:regions": "Regions",
    "kind:crime": "crime", "kind:info-type": "information type", "kind:industry": "industry", "kind:group": "group", "kind:identifier": "identifier", "kind:volume": "count",
    "kind:money": "money", "kind:region": "region", "kind:role": "role", "kind:access": "access", "kind:flow": "flow", "kind:other": "other",
    error: "Error",
  },
} as const;

const CSS = `
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1rem;background:#243447;color:#fff}
header h1{font-size:1.1rem;margin:0;flex:1}header button{background:none;border:1px solid #fff6;color:#fff;padding:.2rem .6rem;cursor:pointer}
header button[aria-pressed=true]{background:#fff;color:#243447}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;padding:1rem}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.8rem}
textarea{width:100%;min-height:12rem;box-sizing:border-box}label{display:block;margin:.4rem 0 .2rem;font-weight:600}
#doc{white-space:pre-wrap;line-height:1.7}mark{padding:0 1px;border-radius:2px}
.k-crime{background:#ffd6d6}.k-info-type{background:#fff1b8}.k-industry{background:#d6ecff}.k-group{background:#e4d9ff}
.k-identifier{background:#ffc9a8}.k-volume,.k-money{background:#c9f2d0}.k-region{background:#e2e8f0}.k-role,.k-access{background:#ffd9f0}.k-flow{background:#d0f4f4}.k-other{background:#eee}
.sev-especially-serious{color:#b00020;font-weight:700}.sev-serious{color:#c25e00;font-weight:700}
.error{color:#b00020}ul{padding-left:1.2rem}li{margin:.2rem 0}.muted{color:#667}
`;

/** The page; `ruleSet` gives the labels (embedded, so the page asks the server for nothing else). */
export function renderPage(ruleSet: RuleSet): string {
  const ui = { zh: { ...PAGE_WORDS.zh, ...outcomeWords("zh-CN") }, en: { ...PAGE_WORDS.en, ...outcomeWords("en") } };
  const data = JSON.stringify({ ui, labels: labelsOf(ruleSet) }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>caseflag</title><link rel="icon" href="data:,"><style>${CSS}</style></head>
<body>
<header><h1 data-t="title"></h1>
<button type="button" id="lang-zh" aria-pressed="true">中文</button><button type="button" id="lang-en" aria-pressed="false">English</button></header>
<main>
<section>
<label for="token" data-t="token"></label><input id="token" type="password" autocomplete="off" size="40">
<label for="input" data-t="paste"></label><textarea id="input"></textarea>
<label for="file" data-t="file"></label><input id="file" type="file" accept=".txt,.xml,.json,.jsonl,.html,.htm,.docx">
<p><button type="button" id="scan" data-t="scan"></button> <span id="status" class="muted"></span></p>
<div id="summary"></div>
</section>
<section><h2 data-t="text"></h2><div id="legend" class="muted"></div><div id="doc"></div></section>
</main>
<script>${SCRIPT.replace("__DATA__", data)}</script>
</body></html>`;
}

// The page's script: plain DOM, every text set with textContent (a document's words are never HTML).
const SCRIPT = `
const D = __DATA__;
let lang = "zh", last = null;
const $ = (id) => document.getElementById(id);
const t = (k) => D.ui[lang][k] ?? D.ui.en[k] ?? k.replace(/^[a-z]+:/, "");
const label = (kind, id) => { const l = D.labels[kind + ":" + id]; return (l && (l[lang] || l.zh || l.en)) || id; };
const el = (tag, attrs, ...kids) => { const e = document.createElement(tag); Object.assign(e, attrs || {}); for (const k of kids) if (k != null) e.append(k); return e; };
const KINDS = ["crime","info-type","industry","group","identifier","volume","money","region","role","access","flow"];
const kindOf = (k) => KINDS.includes(k) ? k : "other";
const DIMS = { crimes: "crime", infoTypes: "info-type", industries: "industry", groups: "group", regions: "region" };
const token = $("token");
token.value = sessionStorage.getItem("caseflag-token") || "";
token.addEventListener("change", () => sessionStorage.setItem("caseflag-token", token.value));

function setLang(l) {
  lang = l; document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
  $("lang-zh").setAttribute("aria-pressed", String(l === "zh")); $("lang-en").setAttribute("aria-pressed", String(l === "en"));
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
  if (last) render(last.result, last.text);
}
$("lang-zh").onclick = () => setLang("zh");
$("lang-en").onclick = () => setLang("en");

function base64Of(file) {
  return new Promise((res, rej) => { const r = new FileReader(); r.onerror = () => rej(r.error); r.onload = () => res(String(r.result).split(",")[1] || ""); r.readAsDataURL(file); });
}

$("scan").onclick = async () => {
  const status = $("status"); status.className = "muted"; status.textContent = t("scanning");
  const file = $("file").files[0];
  const body = file ? { base64: await base64Of(file), filename: file.name } : { text: $("input").value };
  const headers = { "content-type": "application/json" };
  if (token.value) headers.authorization = "Bearer " + token.value;
  try {
    const r = await fetch("/v1/scan?text=true", { method: "POST", headers, body: JSON.stringify(body) });
    const j = await r.json();
    if (!r.ok) throw new Error(j.error ? j.error.code + ": " + j.error.message : String(r.status));
    const i = j.results.findIndex((x) => !x.error);
    if (i < 0) throw new Error(j.results[0].error.code + ": " + j.results[0].error.message);
    last = { result: j.results[i], text: j.texts[i] };
    status.textContent = "";
    render(last.result, last.text);
  } catch (e) {
    status.className = "error"; status.textContent = t("error") + " " + e.message;
  }
};

function render(r, text) {
  const s = $("summary"); s.replaceChildren();
  s.append(el("p", {}, t("severity") + ": ", el("span", { className: "sev-" + r.severity, id: "severity", textContent: t("sev:" + r.severity) }),
    " · " + t("score") + ": " + r.score));
  if (r.severityBasis) s.append(el("p", { id: "basis" }, t("basis") + ": " + r.severityBasis.reason));
  s.append(el("h3", { textContent: t("flags") }));
  const flags = el("ul", { id: "flags" });
  for (const f of r.flags) flags.append(el("li", { className: "flag" }, el("strong", { textContent: t("flag:" + f.id) }), " (" + Math.round(f.confidence * 100) + "%) — " + f.reason));
  if (r.flags.length === 0) flags.append(el("li", { textContent: t("none") }));
  s.append(flags);
  s.append(el("h3", { textContent: t("decisions") }));
  const dl = el("ul", { id: "decisions" });
  for (const [key, kind] of Object.entries(DIMS)) {
    const list = r[key] || [];
    if (list.length) dl.append(el("li", {}, t("dim:" + key) + ": " + list.map((d) => label(kind, d.id) + " " + Math.round(d.confidence * 100) + "%").join("，")));
  }
  if (r.insider && r.insider.flag) dl.append(el("li", { textContent: t("insider") }));
  s.append(dl);
  s.append(el("h3", { textContent: t("chains") }));
  const chains = el("ol", { id: "chains" });
  for (const c of r.leaks || []) {
    const parts = [];
    if (c.source) parts.push(t("source") + ": " + (c.source.label || c.source.match));
    if (c.leaker) parts.push(t("leaker") + ": " + [c.leaker.name, c.leaker.role && c.leaker.role.label, c.leaker.access && c.leaker.access.label, c.leaker.insider ? t("insider") : null].filter(Boolean).join(" / "));
    parts.push(t("flow") + ": " + c.flow.match);
    if (c.data.length) parts.push(t("data") + ": " + c.data.map((d) => d.infoType ? label("info-type", d.infoType) : d.label).join("、"));
    if (c.count) parts.push(t("count") + ": " + c.count.count);
    if (c.subjects.length) parts.push(t("subjects") + ": " + c.subjects.map((x) => x.group ? label("group", x.group) : x.match).join("、"));
    chains.append(el("li", { className: "chain", textContent: parts.join(" → ") }));
  }
  if (!(r.leaks || []).length) chains.append(el("li", { textContent: t("none") }));
  s.append(chains);
  renderText(r, text);
}

function renderText(r, text) {
  const spans = r.findings.filter((f) => !f.negated && f.end > f.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const doc = $("doc"); doc.replaceChildren();
  const seen = new Set();
  let at = 0;
  for (const f of spans) {
    if (f.start < at) continue;
    doc.append(text.slice(at, f.start));
    const k = kindOf(f.kind); seen.add(k);
    doc.append(el("mark", { className: "k-" + k, title: t("kind:" + k) + " · " + label(f.kind, f.target) + " · " + f.ruleId, textContent: text.slice(f.start, f.end) }));
    at = f.end;
  }
  doc.append(text.slice(at));
  const legend = $("legend"); legend.replaceChildren(t("legend") + ": ");
  for (const k of KINDS.concat("other")) if (seen.has(k)) legend.append(el("mark", { className: "k-" + k, textContent: t("kind:" + k) }), " ");
}
setLang("zh");
`;
