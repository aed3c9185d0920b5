// npm run bench:dense — is matching linear in a document's length and hits? The scan of N, 2N, 4N
// and 8N copies of term-dense sentences, beside a raw @node-rs/jieba cut of the same text (what a
// user would run instead) in the same run. Linear: the time per character stays flat as N grows,
// and so does the ratio to the raw cut. Before the issue-10 fixes the 20k -> 40k step cost 5x, and
// 150k copies overflowed the stack.
import { createRequire } from "node:module";
import { createEngine } from "#caseflag/engine.js";
import { scanDocument } from "#caseflag/pipeline.js";

const require = createRequire(import.meta.url);
const { Jieba } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
const jieba = Jieba.withDict(dict);
const engine = await createEngine();
const out = (s: string): boolean => process.stdout.write(s + "\n");

const SHAPES: Record<string, string> = {
  "PI sentence (4 rules each)": "被告人出售公民个人信息。",
  "negation cue, no sentence end": "未发现出售公民个人信息，",
  "victim counts": "被害人30余名，",
  "counts bound to info types": "出售征信报告30份，身份证号码1万余条，",
};
const BASE = 20_000;

out(`copies    chars      scan ms   jieba ms   scan µs/char   scan/jieba`);
for (const [name, sentence] of Object.entries(SHAPES)) {
  out(`-- ${name}: "${sentence}"`);
  // One warm-up at the smallest size, for both sides (JIT, dictionaries).
  scanDocument({ id: "w", source: "bench", text: sentence.repeat(BASE), meta: {} }, engine, { budget: { ms: 600_000, maxMatches: 1e9 } });
  jieba.cut(sentence.repeat(BASE));
  for (const k of [1, 2, 4, 8]) {
    const text = sentence.repeat(BASE * k);
    let t = performance.now();
    scanDocument({ id: "d", source: "bench", text, meta: {} }, engine, { budget: { ms: 600_000, maxMatches: 1e9 } });
    const scanMs = performance.now() - t;
    t = performance.now();
    jieba.cut(text);
    const cutMs = performance.now() - t;
    out(
      `${String(BASE * k).padStart(7)} ${String(text.length).padStart(9)} ${scanMs.toFixed(0).padStart(9)} ${cutMs.toFixed(0).padStart(10)} ${((scanMs * 1000) / text.length).toFixed(3).padStart(14)} ${(scanMs / cutMs).toFixed(2).padStart(12)}`,
    );
  }
}
