// Every result the pipeline produces validates against the published JSON Schema.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { createEngine } from "../src/engine.js";
import { readInputs } from "../src/ingest/index.js";
import { scanDocument } from "../src/pipeline.js";

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
