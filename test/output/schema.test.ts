// Every result the pipeline produces validates against the published JSON Schema.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/engine.js";
import { readInputs } from "../../src/ingest/index.js";
import { scanDocument } from "../../src/pipeline.js";

describe("result schema", () => {
  it("validates every fixture's result", async () => {
    const schema = JSON.parse(readFileSync("schema/case-result.schema.json", "utf8")) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const engine = await createEngine();
    let n = 0;
    for await (const item of readInputs(["fixtures/docs", "fixtures/labelled"])) {
      if (!item.ok) continue;
      const result = scanDocument(item.doc, engine);
      const ok = validate(JSON.parse(JSON.stringify(result)));
      expect(ok, `${item.doc.source}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
});

describe("output line schema", () => {
  it("validates every line batch writes, results and failures (the queue and scan -f jsonl write the same lines)", async () => {
    const { mkdtemp, readFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { runBatch } = await import("../../src/batch/run-batch.js");
    const { createInlineRunner } = await import("../../src/runner/inline.js");
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(JSON.parse(readFileSync("schema/case-result.schema.json", "utf8")) as object);
    const validate = ajv.compile(JSON.parse(readFileSync("schema/output-line.schema.json", "utf8")) as object);
    const dir = await mkdtemp(join(tmpdir(), "caseflag-schema-"));
    try {
      const out = join(dir, "out.jsonl");
      await runBatch({ inputs: ["fixtures/docs", "fixtures/bad", "fixtures/archives"], out, runner: createInlineRunner({ engine: await createEngine() }) });
      const lines = (await readFile(out, "utf8")).trim().split("\n");
      let failures = 0;
      for (const l of lines) {
        const v = JSON.parse(l) as { error?: unknown };
        if (v.error) failures++;
        expect(validate(v), `${l.slice(0, 120)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      }
      expect(failures).toBeGreaterThan(3);
      expect(lines.length - failures).toBeGreaterThan(10);
      // Not a line: a result without its content hash, a failure with an unknown field.
      expect(validate({ ...JSON.parse(lines.find((l) => !l.includes('"error"'))!), contentHash: undefined })).toBe(false);
      expect(validate({ schemaVersion: 1, id: "a", source: "a", error: { code: "E_X", message: "m" }, extra: 1 })).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
