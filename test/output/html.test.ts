// The HTML report opened in a real headless Chromium: it shows the numbers of summary.json, its
// charts are inline SVG with the right bars, it runs no script, loads nothing from the network,
// logs no console error, escapes what documents contain and masks identifiers in evidence.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
import { repoRoot } from "../helpers/batch.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const EVIL_ID = `<img src=x onerror="alert(1)">`;
const RAW_ID = "11010519491231002X";

let dir: string;
let summary: BatchSummary;
let html: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
let reportUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  dir = await mkdtemp(join(tmpdir(), "caseflag-report-"));
  const bank = await readFile(join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "utf8");
  const evil = join(dir, "evil.jsonl");
  await writeFile(evil, JSON.stringify({ id: EVIL_ID, fact: bank.replace(/征信报告/g, `征信报告<script>alert("x")</script>`) }) + "\n");
  const engine = await createEngine();
  summary = await runBatch({
    // The hostile document first: it ties with bank-credit-report at the top and wins on input order.
    inputs: [evil, join(repoRoot, "fixtures/docs"), join(repoRoot, "fixtures/bad")],
    out: join(dir, "out.jsonl"),
    runner: createInlineRunner({ mask: true, engine }),
    topK: 8,
  });
  html = await renderHtmlReport(summary, { inputs: ["evil.jsonl", "fixtures/docs", "fixtures/bad"] });
  const file = join(dir, "report.html");
  await writeFile(file, html);
  reportUrl = pathToFileURL(file).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(reportUrl, { waitUntil: "load" });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const n = (x: number): string => x.toLocaleString("en-US");

describe("HTML report in Chromium", () => {
  it("loads nothing but itself, runs no script and logs no error", async () => {
    expect(requests).toEqual([reportUrl]);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator("script").count()).toBe(0);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/); // only SVG namespace URIs
  });

  it("shows the totals of summary.json", async () => {
    const metric = (k: string) => page.locator(`[data-metric="${k}"]`).innerText();
    expect(await metric("documents")).toBe(n(summary.documents));
    expect(await metric("results")).toBe(n(summary.results));
    expect(await metric("failures")).toBe(n(summary.failures));
    expect(await metric("flagged")).toBe(n(summary.flagged));
    expect(await metric("especially-serious")).toBe(n(summary.severity["especially-serious"]));
    expect(await metric("serious")).toBe(n(summary.severity.serious));
    expect(await metric("insider")).toBe(n(summary.flaggedBy.insider));
    expect(summary.failures).toBeGreaterThan(0);
    for (const [code, count] of Object.entries(summary.failuresByCode)) {
      expect(await page.locator(`[data-failure-code="${code}"] td.n`).innerText()).toBe(n(count));
    }
  });

  it("draws every chart as inline SVG with one labelled bar per flagged dimension", async () => {
    const charts = { crime: summary.flaggedBy.crime, industry: summary.flaggedBy.industry, group: summary.flaggedBy.group, region: summary.flaggedBy.region };
    for (const [key, counts] of Object.entries(charts)) {
      const fig = page.locator(`figure[data-chart="${key}"]`);
      expect(await fig.locator("svg").count()).toBe(1);
      const texts = await fig.locator("svg text").evaluateAll((els) => els.map((e) => e.textContent));
      const entries = Object.entries(counts);
      expect(entries.length).toBeGreaterThan(0);
      for (const [id, count] of entries.slice(0, 14)) {
        expect(texts).toContain(id);
        expect(texts).toContain(String(count));
      }
      // Bars are drawn (vega marks as paths), one per shown dimension.
      expect(await fig.locator("svg g.mark-rect path").count()).toBe(Math.min(entries.length, 15));
    }
    const sev = await page.locator('figure[data-chart="severity"] svg text').evaluateAll((els) => els.map((e) => e.textContent));
    expect(sev).toContain("especially-serious");
    expect(sev).toContain(String(summary.flaggedBy.severity["especially-serious"]));
  });

  it("fits every chart in its card, at a laptop's width and a phone's, with no sideways scrolling", async () => {
    for (const width of [1200, 420]) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.locator("figure.chart").evaluateAll((els) =>
        els.map((e) => ({ chart: e.getAttribute("data-chart"), over: e.scrollWidth - e.clientWidth })),
      );
      expect(overflow.length).toBe(5);
      for (const o of overflow) expect(o, `${width}px`).toMatchObject({ over: 0 });
      // A string: the test is typed without the DOM library.
      expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    }
  });

  it("lists the top cases by score with highlighted evidence, escaped and masked", async () => {
    const cards = page.locator("article.case");
    expect(await cards.count()).toBe(summary.topCases.length);
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-case-id")))).toEqual(summary.topCases.map((c) => c.id));
    const scores = await page.locator("article.case .score").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-score"))));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await page.locator("article.case mark").count()).toBeGreaterThan(10);
    // The hostile document is in the list as text, not as markup.
    expect(summary.topCases[0]!.id).toBe(EVIL_ID);
    expect(await page.locator("article.case .case-id").first().innerText()).toBe(EVIL_ID);
    expect(await page.locator("article.case").first().innerText()).toContain('<script>alert("x")</script>');
    expect(await page.locator("article.case img").count()).toBe(0);
    const body = await page.locator("body").innerText();
    expect(body).not.toContain(RAW_ID);
    expect(body).toContain("110105********002X");
  });

  it("shows each case's leak chains in one line, the same lines the cards carry", async () => {
    const withLeaks = summary.topCases.filter((c) => c.leaks.length > 0);
    expect(withLeaks.length).toBeGreaterThan(0);
    for (const card of withLeaks) {
      const shown = await page.locator(`article.case[data-case-id="${card.id.replace(/"/g, '\\"')}"] ul.leaks li`).allInnerTexts();
      expect(shown).toEqual(card.leaks);
    }
    // The bank fixture: an account manager's credit reports, as an insider's chain.
    expect(withLeaks.flatMap((c) => c.leaks).some((l) => l.startsWith("【内鬼】") && l.includes("→"))).toBe(true);
  });
});
