// The HTML report opened in a real headless Chromium, as an analyst uses it: tiles and totals are
// summary.json's numbers, every flagged case is listed, the filters change what is shown, search
// finds a case by 案号, a card expands to its full (masked) text, the page loads nothing from the
// network and runs only its own script (CSP hash), escapes what documents contain, reads at 420 px,
// and no identifier appears unmasked anywhere in the DOM (an account number included).
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInlineRunner } from "../../src/runner/inline.js";
import { runBatch } from "../../src/batch/run-batch.js";
import type { BatchSummary } from "../../src/output/summary.js";
import { createEngine } from "../../src/engine.js";
import { renderHtmlReport } from "../../src/output/html.js";
import { labelsOf, lexicon, type Lexicon } from "../../src/output/locale.js";
import { repoRoot } from "../helpers/batch.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const EVIL_ID = `<img src=x onerror="alert(1)">`;
const RAW_ID = "11010519491231002X";
const ACCOUNT = "0402020301004074617";
const CASE_NO = "（2022）粤0306刑初1187号";

let dir: string;
let summary: BatchSummary;
let html: string;
let lex: Lexicon;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
let reportUrl: string;

const visible = (): Promise<string[]> =>
  page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => e.getAttribute("data-case-id") ?? ""));
// Polled from outside the page: a string predicate would need eval, which the report's CSP forbids.
const waitShown = async (k: number): Promise<void> => {
  await expect.poll(() => page.locator("#shown").innerText()).toBe(String(k));
};
const select = async (id: string, value: string): Promise<void> => {
  await page.selectOption(`#${id}`, value);
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  dir = await mkdtemp(join(tmpdir(), "caseflag-report-"));
  const bank = await readFile(join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "utf8");
  const evil = join(dir, "evil.jsonl");
  // A hostile id and markup, and an account number no identifier detector claims (the issue saw one unmasked).
  const fact = bank.replace(/征信报告/g, `征信报告<script>alert("x")</script>`) + `被告人张某将违法所得存入其账号${ACCOUNT}的账户。`;
  await writeFile(evil, JSON.stringify({ id: EVIL_ID, fact }) + "\n");
  const engine = await createEngine();
  summary = await runBatch({
    inputs: [evil, join(repoRoot, "fixtures/docs"), join(repoRoot, "fixtures/bad")],
    out: join(dir, "out.jsonl"),
    runner: createInlineRunner({ mask: true, engine }),
    topK: 8,
  });
  lex = lexicon("zh-CN", labelsOf(engine.ruleSet));
  html = await renderHtmlReport(summary, { inputs: ["evil.jsonl", "fixtures/docs", "fixtures/bad"], lex });
  const file = join(dir, "report.html");
  await writeFile(file, html);
  reportUrl = pathToFileURL(file).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(reportUrl, { waitUntil: "load" });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const n = (x: number): string => x.toLocaleString("en-US");

describe("HTML report in Chromium", () => {
  it("loads nothing but itself, runs only its own script (CSP sha256) and logs no error; Chinese, with a CJK font stack", async () => {
    expect(requests).toEqual([reportUrl]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator("script").count()).toBe(1);
    const script = await page.locator("script").innerText();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    expect(csp).toContain(`script-src 'sha256-${createHash("sha256").update(script).digest("base64")}'`);
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toMatch(/https?:\/\//);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.evaluate("getComputedStyle(document.body).fontFamily")).toContain("Noto Sans CJK SC");
    const en = await renderHtmlReport(summary, {});
    expect(en).toContain('<html lang="en">');
  });

  it("tiles count the flags themselves (insider = the insider flag), totals are summary.json's", async () => {
    const metric = (k: string) => page.locator(`[data-metric="${k}"]`).innerText();
    expect(await metric("documents")).toBe(n(summary.documents));
    expect(await metric("results")).toBe(n(summary.results));
    expect(await metric("failures")).toBe(n(summary.failures));
    expect(await metric("flagged")).toBe(n(summary.flagged));
    for (const flag of ["pi-leak", "insider", "key-group", "pil-clue"]) expect(await metric(flag)).toBe(n(summary.flaggedBy.flag[flag] ?? 0));
    expect(summary.flaggedBy.flag["insider"]).toBeGreaterThan(0);
    expect(await metric("especially-serious")).toBe(n(summary.severity["especially-serious"]));
    expect(await page.locator('.tile[data-tile="insider"] .l').innerText()).toBe("内鬼案件");
    for (const [code, count] of Object.entries(summary.failuresByCode)) {
      expect(await page.locator(`[data-failure-code="${code}"] td.n`).innerText()).toBe(n(count));
    }
  });

  it("charts: one labelled bar per flagged dimension, in Chinese; provinces aggregate their cities", async () => {
    for (const [key, kind] of [["crime", "crime"], ["industry", "industry"], ["group", "group"]] as const) {
      const counts = summary.flaggedBy[key];
      const rows = await page.locator(`figure[data-chart="${key}"] li.bar-row`).evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), Number(e.getAttribute("data-count"))]));
      expect(Object.keys(counts).length).toBeGreaterThan(0);
      for (const [id, count] of Object.entries(counts)) expect(rows).toContainEqual([lex.dim(kind, id), count]);
    }
    const provinces = await page.locator('figure[data-chart="province"] li.bar-row').evaluateAll((els) => els.map((e) => e.getAttribute("data-label") ?? ""));
    expect(provinces.length).toBeGreaterThan(0);
    // Only provincial-level names: a city (广州市, 深圳市) is counted under its province.
    for (const p of provinces) expect(p).toMatch(/(省|自治区|特别行政区|北京市|天津市|上海市|重庆市)$/);
    const sev = await page.locator('figure[data-chart="severity"] li.bar-row').evaluateAll((els) => els.map((e) => e.getAttribute("data-label")));
    expect(sev).toContain("情节特别严重");
  });

  it("lists every flagged case, grouped by flag; the filters change what is shown", async () => {
    const all = await visible();
    expect(all.length).toBe(summary.flagged);
    expect(await page.locator("#shown").innerText()).toBe(String(summary.flagged));
    const flagsOf = async (): Promise<string[][]> =>
      page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => (e.getAttribute("data-flags") ?? "").split(" ")));

    await select("f-flag", "insider");
    const insiders = await flagsOf();
    expect(insiders.length).toBe(summary.flaggedBy.flag["insider"]);
    for (const f of insiders) expect(f).toContain("insider");
    expect(await page.locator("#shown").innerText()).toBe(String(insiders.length));

    await select("f-flag", "");
    await select("f-industry", "telecom");
    const telecom = await page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => e.getAttribute("data-industries")));
    expect(telecom.length).toBeGreaterThan(0);
    expect(telecom.length).toBeLessThan(all.length);
    for (const i of telecom) expect(i!.split(" ")).toContain("telecom");

    await select("f-severity", "especially-serious");
    const both = await page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => [e.getAttribute("data-industries"), e.getAttribute("data-severity")]));
    for (const [i, s] of both) {
      expect(i!.split(" ")).toContain("telecom");
      expect(s).toBe("especially-serious");
    }
    await page.click("#f-reset");
    await waitShown(all.length);

    await select("f-group", "elderly");
    const elderly = await visible();
    expect(elderly.length).toBeGreaterThan(0);
    expect(elderly.length).toBeLessThan(all.length);
    // A group header with no case left is hidden.
    const groups = await page.locator("#cases .flag-group:not([hidden])").count();
    expect(groups).toBeLessThanOrEqual(elderly.length);
    await page.click("#f-reset");
    await waitShown(all.length);

    const province = await page.locator("#f-province option").nth(1).getAttribute("value");
    await select("f-province", province!);
    for (const p of await page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => e.getAttribute("data-provinces")))) {
      expect(p!.split(" ")).toContain(province);
    }
    await page.click("#f-reset");

    // A tile is a shortcut to its filter.
    await page.click('.tile[data-tile="pi-leak"]');
    expect((await visible()).length).toBe(summary.flaggedBy.flag["pi-leak"]);
    await page.click("#f-reset");
    await waitShown(all.length);
  });

  it("search finds a case by its 案号 (typed with ASCII brackets too), and sorting reorders", async () => {
    await page.fill("#f-q", CASE_NO);
    let shown = await page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => e.getAttribute("data-number")));
    expect(shown).toEqual([CASE_NO]);
    await page.fill("#f-q", "(2022)粤0306刑初1187");
    shown = await page.locator("#cases article.case:not([hidden])").evaluateAll((els) => els.map((e) => e.getAttribute("data-number")));
    expect(shown).toEqual([CASE_NO]);
    await page.fill("#f-q", "");

    const scores = await page.locator("#cases .cards").first().locator("article.case").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-score"))));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await select("f-sort", "number");
    const numbers = await page.locator("#cases .cards").first().locator("article.case").evaluateAll((els) => els.map((e) => e.getAttribute("data-number") || "\uffff"));
    expect(numbers).toEqual([...numbers].sort());
    await select("f-sort", "score");
  });

  it("a card expands to its evidence in context and the full masked text", async () => {
    const card = page.locator(`#cases article.case[data-number="${CASE_NO}"]`);
    expect(await card.locator("blockquote").first().isVisible()).toBe(false);
    await card.locator("summary").first().click();
    expect(await card.locator("blockquote").first().isVisible()).toBe(true);
    expect(await card.locator("mark").count()).toBeGreaterThan(3);
    expect(await card.innerText()).toContain("广东省深圳市宝安区人民法院");
    expect(await card.innerText()).toContain("侵犯公民个人信息罪");
    await card.locator("details.full summary").click();
    const full = await card.locator("pre.full-text").innerText();
    expect(full).toContain("判决如下");
    expect(full).toContain("139****5678");
  });

  it("escapes what documents contain; no identifier unmasked anywhere in the DOM (an account number included)", async () => {
    const ids = await page.locator("#cases article.case").evaluateAll((els) => els.map((e) => e.getAttribute("data-case-id")));
    expect(ids.filter((id) => id === EVIL_ID)).toHaveLength(1);
    const evil = page.locator("#cases article.case").nth(ids.indexOf(EVIL_ID));
    await evil.locator("summary").first().click();
    expect(await evil.innerText()).toContain('<script>alert("x")</script>');
    expect(await page.locator("#cases img").count()).toBe(0);
    const dom = await page.evaluate("document.documentElement.outerHTML");
    expect(dom).not.toContain(RAW_ID);
    expect(dom).not.toContain(ACCOUNT);
    expect(dom).toContain("110105********002X");
    // No run of 15+ digits, and no unmasked mobile number, anywhere in the page.
    expect(dom).not.toMatch(/(?<![0-9])[0-9]{15,}(?![0-9])/);
    expect(dom).not.toMatch(/(?<![0-9])1[3-9][0-9]{9}(?![0-9])/);
  });

  it("reads at a phone's width: no sideways scrolling, chart labels at 12 px or more", async () => {
    for (const width of [1200, 420]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.locator("figure.chart").evaluateAll((els) => els.map((e) => e.scrollWidth - e.clientWidth));
      expect(overflow.length).toBe(5);
      for (const o of overflow) expect(o, `${width}px`).toBe(0);
      expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
      const sizes = (await page.evaluate(
        `[...document.querySelectorAll("figure.chart .bl")].map((e) => [parseFloat(getComputedStyle(e).fontSize), e.getBoundingClientRect().width])`,
      )) as [number, number][];
      for (const [size, w] of sizes) {
        expect(size).toBeGreaterThanOrEqual(12);
        expect(w).toBeGreaterThan(40);
      }
    }
  });
});
