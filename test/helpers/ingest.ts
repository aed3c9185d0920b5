// Shared by the ingest tests: drain a reader into documents and failures; a temp dir per file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { Document, Failure, ReadItem } from "../../src/types.js";

export async function collect(it: AsyncIterable<ReadItem>): Promise<{ docs: Document[]; failures: Failure[] }> {
  const out = { docs: [] as Document[], failures: [] as Failure[] };
  for await (const x of it) {
    if (x.ok) out.docs.push(x.doc);
    else out.failures.push(x.failure);
  }
  return out;
}

/** A fresh temp dir, removed after the file's tests. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `caseflag-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
