// The fixture set the end-to-end tests rely on: every good document reads cleanly and matches the
// manifest; every bad input is exactly one kind of Failure.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readInputs } from "../../src/ingest/index.js";
import { collect } from "../helpers/ingest.js";

const fixtures = resolve(import.meta.dirname, "../../fixtures");


interface ManifestEntry {
  lang: "zh" | "en";
  label: "positive" | "negative";
  shows: string[];
  unmasked: string[];
}

describe("fixtures", () => {
  it("docs/: 20 documents, no failures, exactly the manifest", async () => {
    const manifest = JSON.parse(readFileSync(resolve(fixtures, "manifest.json"), "utf8")) as Record<string, ManifestEntry>;
    const { docs, failures } = await collect(readInputs([resolve(fixtures, "docs")]));
    expect(failures).toEqual([]);
    const bySource = new Map(docs.map((d) => [d.source.slice(fixtures.length + 1), d]));
    expect([...bySource.keys()].sort()).toEqual(Object.keys(manifest).sort());
    expect(docs).toHaveLength(20);
    expect(new Set(docs.map((d) => d.id)).size).toBe(20);
    for (const [source, entry] of Object.entries(manifest)) {
      const d = bySource.get(source)!;
      expect(d.text.length, source).toBeGreaterThan(150);
      expect(/[\u4e00-\u9fff]/.test(d.text), source).toBe(entry.lang === "zh");
      for (const id of entry.unmasked) expect(d.text, `${source} has ${id}`).toContain(id);
    }
    const labels = Object.values(manifest).map((e) => e.label);
    expect(labels.filter((l) => l === "negative")).toHaveLength(3);
  });

  it("bad/: each file is the failure it is named for", async () => {
    const { docs, failures } = await collect(readInputs([resolve(fixtures, "bad")]));
    const codes = failures.map((f) => [f.source.slice(fixtures.length + 1), f.code, f.line]);
    expect(codes).toEqual([
      ["bad/billion-laughs.xml", "E_XML", 2],
      ["bad/broken.jsonl:4", "E_JSON_LINE", 4],
      ["bad/broken.jsonl:6", "E_NO_TEXT", 6],
      ["bad/corrupt.docx", "E_DOCX", undefined],
      ["bad/malformed.xml", "E_XML", 9],
      ["bad/scanned-page.txt", "E_BINARY", undefined],
      ["bad/undecodable.txt", "E_ENCODING", undefined],
    ]);
    // broken.jsonl's good lines still come through.
    expect(docs.map((d) => d.id)).toEqual(["b1", "b3", "b5"]);
    for (const f of failures) {
      expect(f.message).not.toContain("\n");
      expect(f.message.startsWith(f.source)).toBe(true);
    }
  });

  it("archives/: the zip and the tar.gz hold copies of docs", async () => {
    const { docs, failures } = await collect(readInputs([resolve(fixtures, "archives")]));
    expect(failures).toEqual([]);
    expect(docs).toHaveLength(9);
  });
});
