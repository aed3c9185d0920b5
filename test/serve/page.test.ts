// The review page in headless Chromium (/usr/bin/chromium, driven by playwright-core) against a real
// `caseflag serve`: upload a fixture, see its findings highlighted by kind, the leak chain, severity
// and its basis, flags and reasons; switch zh-CN/en; nothing fetched from anywhere but the server;
// no unmasked identifier anywhere on the page.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskText } from "../../src/detect/mask.js";
import { lexicon } from "../../src/output/locale.js";
import { assertBuilt, repoRoot } from "../helpers/redis.js";
import { startServer, type ServerProcess } from "../helpers/serve.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const RAW = ["11010519491231002X", "13912345678", "6228480012345678903"];
let server: ServerProcess;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  server = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await page.goto(server.url + "/");
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function scanFile(fixture: string): Promise<void> {
  await page.setInputFiles("#file", join(repoRoot, "fixtures/docs", fixture));
  await page.click("#scan");
  // Browser-side code as strings: the tests compile without the DOM library.
  await page.waitForFunction(`document.querySelector("#doc mark") !== null && document.querySelector("#status").textContent === ""`);
}

async function assertNothingUnmasked(): Promise<void> {
  const text = (await page.evaluate("document.body.innerText")) as string;
  const html = await page.content();
  for (const raw of RAW) {
    expect(text).not.toContain(raw);
    expect(html).not.toContain(raw);
  }
  expect(maskText(text)).toBe(text);
}

describe("the review page", () => {
  it("uploads a fixture and shows its text with findings highlighted by kind, identifiers masked", async () => {
    await scanFile("bank-credit-report.txt");
    const kinds = await page.$$eval("#doc mark", (ms) => [...new Set(ms.map((m) => m.className))]);
    expect(kinds).toEqual(expect.arrayContaining(["k-crime", "k-info-type", "k-identifier"]));
    // The highlighted text is the document's: the marks sit inside the whole text, in order.
    const shown = await page.$eval("#doc", (d) => d.textContent ?? "");
    const original = await readFile(join(repoRoot, "fixtures/docs/bank-credit-report.txt"), "utf8");
    expect(shown.length).toBe(original.length);
    expect(await page.$$eval("#legend mark", (ms) => ms.length)).toBe(kinds.length);
    await assertNothingUnmasked();
  });

  it("shows severity and its basis, flags with reasons, decisions and the leak chain, in Chinese first", async () => {
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.textContent("#severity")).toMatch(/情节/);
    expect(await page.textContent("#basis")).toMatch(/依据: .+/);
    const flags = await page.$$eval("#flags li.flag", (ls) => ls.map((l) => l.textContent ?? ""));
    expect(flags.some((f) => f.startsWith("个人信息泄露") && f.includes("—"))).toBe(true);
    expect(await page.textContent("#decisions")).toContain("罪名: 侵犯公民个人信息罪");
    const chains = await page.$$eval("#chains li.chain", (ls) => ls.map((l) => l.textContent ?? ""));
    expect(chains.length).toBeGreaterThan(0);
    expect(chains[0]).toMatch(/行为: .+/);
  });

  it("names every flag and severity as the other outputs do", async () => {
    // The page's own table (its inline script's D), read as the page reads it.
    const ui = (await page.evaluate("D.ui")) as Record<string, Record<string, string>>;
    for (const [locale, side] of [["zh-CN", "zh"], ["en", "en"]] as const) {
      const lex = lexicon(locale);
      for (const id of ["pi-leak", "insider", "large-scale", "cross-region", "unmasked-identifier"]) expect(ui[side]![`flag:${id}`]).toBe(lex.flag(id));
      expect(ui[side]!["sev:especially-serious"]).toBe(lex.severity("especially-serious"));
    }
    expect(ui["zh"]!["flag:insider"]).toBe("内鬼");
  });

  it("switches to English and back without asking the server again", async () => {
    const before = requests.length;
    await page.click("#lang-en");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.textContent("h1")).toBe("caseflag document review");
    const flags = await page.$$eval("#flags li.flag", (ls) => ls.map((l) => l.textContent ?? ""));
    // Flags are named on the page as in every other output (output/locale.ts).
    expect(flags.some((f) => f.startsWith(lexicon("en").flag("pi-leak") + " ("))).toBe(true);
    expect(await page.textContent("#chains")).toMatch(/Act: /);
    await page.click("#lang-zh");
    expect(await page.textContent("h1")).toBe("caseflag 文书审查");
    expect(requests.length).toBe(before);
  });

  it("reads an uploaded .docx and pasted text alike", async () => {
    await scanFile("securities-insider.docx");
    expect(await page.$$eval("#doc mark", (ms) => ms.length)).toBeGreaterThan(0);
    await page.setInputFiles("#file", []);
    const pasted = await readFile(join(repoRoot, "fixtures/docs/telecom-sim-cards.txt"), "utf8");
    await page.fill("#input", pasted);
    await page.click("#scan");
    await page.waitForFunction(`document.querySelector("#doc").textContent.length === ${pasted.length}`);
    expect(await page.$$eval("#doc mark", (ms) => ms.length)).toBeGreaterThan(0);
    await assertNothingUnmasked();
  });

  it("shows a server error as one line and fetched nothing but the server", async () => {
    await page.fill("#input", "");
    await page.setInputFiles("#file", { name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4") });
    await page.click("#scan");
    await page.waitForFunction(`document.querySelector("#status").className === "error"`);
    expect(await page.textContent("#status")).toMatch(/^错误 E_UNSUPPORTED: scan\.pdf: no reader for \.pdf/);
    expect(requests.every((u) => u.startsWith(server.url))).toBe(true);
    expect(consoleErrors.filter((e) => !/415/.test(e))).toEqual([]);
  });
});

describe("the page's words", () => {
  it("name every flag the scoring can raise, in both languages", async () => {
    const { FLAG_IDS } = await import("../../src/score/result.js");
    const html = await (await server.call("/")).text();
    for (const id of FLAG_IDS) expect(html.match(new RegExp(`"flag:${id}":`, "g"))?.length, id).toBe(2);
  });
});
