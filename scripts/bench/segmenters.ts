// Benchmark: the two jieba bindings on every fact of CAIL dev, plus the cost of normalize().
//
//   npx tsc -p tsconfig.build.json && node dist/bench/segmenters.js [--data <jsonl>] [--runs N] [--json]
//
// Reports dictionary load time, segmentation throughput (MB/s of UTF-8 input, docs/s), normalize() cost as
// a share of segmentation time, and how many documents get a different token stream from the two
// bindings, with and without the rule terms loaded as user words, classified by why they differ.
// Research data is read from ../shared/data (never copied into the repo). Progress goes to stderr.

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { createSegmenter, normalize, type Segmenter, type SegmenterKind, type Token } from "#caseflag/text/index.js";

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface Options {
  data: string;
  runs: number;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { data: path.resolve(repoRoot, "../shared/data/cail/dev.jsonl"), runs: 2, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--data") opts.data = path.resolve(argv[++i] ?? "");
    else if (a === "--runs") opts.runs = Math.max(1, Number(argv[++i]));
    else if (a === "--json") opts.json = true;
    else throw new Error(`unknown argument ${a}; usage: segmenters.js [--data <jsonl>] [--runs N] [--json]`);
  }
  return opts;
}

const log = (msg: string): void => void process.stderr.write(msg + "\n");

function loadFacts(file: string): string[] {
  const facts: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const rec = JSON.parse(line) as { fact?: unknown };
    if (typeof rec.fact === "string") facts.push(rec.fact);
  }
  return facts;
}

/** Chinese rule terms from every rules/*.yaml (any `terms: { zh: [...] }`), read generically. */
function loadRuleTerms(): string[] {
  const dir = path.join(repoRoot, "rules");
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (k === "terms" && child !== null && typeof child === "object" && "zh" in child) {
          const zh = (child as { zh: unknown }).zh;
          if (Array.isArray(zh)) for (const t of zh) if (typeof t === "string") out.add(t);
        }
        walk(child);
      }
    }
  };
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    walk(parseYaml(readFileSync(path.join(dir, f), "utf8")));
  }
  return [...out];
}

function wordSet(file: string): Set<string> {
  const s = new Set<string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const w = line.split(" ")[0];
    if (w) s.add(w);
  }
  return s;
}

/**
 * CPU time (user + system) of fn, not wall time: the benchmark machine is shared, and every binding here
 * cuts synchronously on this thread, so CPU time is what the work costs. Wall time is kept for reference.
 */
function time<T>(fn: () => T): { value: T; ms: number; wallMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms: (c.user + c.system) / 1000, wallMs };
}

function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < runs; r++) min = Math.min(min, time(fn).ms);
  return min;
}

interface Region {
  doc: number;
  start: number;
  end: number;
  a: string[];
  b: string[];
}

/** Maximal stretches where two token streams over the same text disagree. */
function diffRegions(doc: number, ta: Token[], tb: Token[]): Region[] {
  const out: Region[] = [];
  let i = 0;
  let j = 0;
  while (i < ta.length && j < tb.length) {
    const x = ta[i]!;
    const y = tb[j]!;
    if (x.start === y.start && x.end === y.end) {
      i++;
      j++;
      continue;
    }
    const start = Math.min(x.start, y.start);
    const a: string[] = [];
    const b: string[] = [];
    let endA = x.start;
    let endB = y.start;
    do {
      if (endA <= endB && i < ta.length) {
        a.push(ta[i]!.text);
        endA = ta[i++]!.end;
      } else if (j < tb.length) {
        b.push(tb[j]!.text);
        endB = tb[j++]!.end;
      } else break;
    } while (endA !== endB);
    out.push({ doc, start, end: endA, a, b });
  }
  return out;
}

type Reason = "non-chinese" | "dictionary" | "hmm" | "weights";

function classify(r: Region, dictA: Set<string>, dictB: Set<string>): Reason {
  const text = r.a.join("");
  if (!/[\u3400-\u9fff]/.test(text)) return "non-chinese";
  const multi = (w: string): boolean => [...w].length >= 2 && /[\u3400-\u9fff]/.test(w);
  const onlyOwn = (ws: string[], own: Set<string>, other: Set<string>): boolean =>
    ws.some((w) => multi(w) && own.has(w) && !other.has(w));
  if (onlyOwn(r.a, dictA, dictB) || onlyOwn(r.b, dictB, dictA)) return "dictionary";
  const outside = (ws: string[], own: Set<string>): boolean => ws.some((w) => multi(w) && !own.has(w));
  if (outside(r.a, dictA) || outside(r.b, dictB)) return "hmm";
  return "weights";
}

interface Comparison {
  docsDiffering: number;
  regions: number;
  byReason: Record<Reason, number>;
  examples: Record<Reason, string[]>;
}

function compare(
  a: Token[][],
  b: Token[][],
  texts: string[],
  dictA: Set<string>,
  dictB: Set<string>,
  nameA: string,
  nameB: string,
): Comparison {
  const cmp: Comparison = {
    docsDiffering: 0,
    regions: 0,
    byReason: { "non-chinese": 0, dictionary: 0, hmm: 0, weights: 0 },
    examples: { "non-chinese": [], dictionary: [], hmm: [], weights: [] },
  };
  for (let d = 0; d < texts.length; d++) {
    const regions = diffRegions(d, a[d]!, b[d]!);
    if (regions.length === 0) continue;
    cmp.docsDiffering++;
    cmp.regions += regions.length;
    for (const r of regions) {
      const reason = classify(r, dictA, dictB);
      cmp.byReason[reason]++;
      if (cmp.examples[reason].length < 4) {
        cmp.examples[reason].push(`doc ${d}: ${nameA} ${r.a.join("/")}  vs  ${nameB} ${r.b.join("/")}`);
      }
    }
  }
  return cmp;
}

function segmentAll(seg: Segmenter, texts: string[]): Token[][] {
  return texts.map((t) => seg.segment(t));
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const facts = loadFacts(opts.data);
  const bytes = facts.reduce((n, f) => n + Buffer.byteLength(f, "utf8"), 0);
  const chars = facts.reduce((n, f) => n + f.length, 0);
  log(`${facts.length} facts, ${(bytes / 1e6).toFixed(2)} MB UTF-8, ${chars} UTF-16 units from ${opts.data}`);

  // normalize: first call includes lazy table fill; best of several runs after that.
  const firstNormalize = time(() => {
    for (const f of facts) normalize(f);
  }).ms;
  const normalized = facts.map((f) => normalize(f).text);
  const normalizeMs = best(Math.max(5, opts.runs), () => {
    for (const f of facts) normalize(f);
  });
  const lengthChanged = facts.filter((f) => normalize(f).text.length !== f.length).length;
  const traditional = facts.filter((f) => normalize(f).traditional).length;
  log(`normalize: ${normalizeMs.toFixed(0)} ms (first pass ${firstNormalize.toFixed(0)} ms)`);

  const kinds: SegmenterKind[] = ["node-rs", "nodejieba"];
  const segs = new Map<SegmenterKind, Segmenter>();
  const loadMs = new Map<SegmenterKind, number>();
  const loadWallMs = new Map<SegmenterKind, number>();
  for (const kind of kinds) {
    const { value, ms, wallMs } = time(() => createSegmenter(kind));
    segs.set(kind, value);
    loadMs.set(kind, ms);
    loadWallMs.set(kind, wallMs);
    log(`${kind}: dictionary load ${ms.toFixed(0)} ms CPU, ${wallMs.toFixed(0)} ms wall`);
  }

  const results = new Map<SegmenterKind, { ms: number; tokens: Token[][] }>();
  for (const kind of kinds) {
    // warm-up, and the token streams compared below
    results.set(kind, { ms: Infinity, tokens: segmentAll(segs.get(kind)!, normalized) });
  }
  for (let r = 0; r < opts.runs; r++) {
    // interleaved, so a burst of load on the shared machine does not land on one binding only
    for (const kind of kinds) {
      const res = results.get(kind)!;
      const { ms, wallMs } = time(() => void segmentAll(segs.get(kind)!, normalized));
      res.ms = Math.min(res.ms, ms);
      log(`${kind}: segment run ${r + 1}: ${ms.toFixed(0)} ms CPU, ${wallMs.toFixed(0)} ms wall`);
    }
  }

  const dictNodeRs = wordSet(require.resolve("@node-rs/jieba/dict.txt"));
  const njDir = path.join(path.dirname(require.resolve("nodejieba")), "submodules/cppjieba/dict");
  const dictNodejieba = wordSet(path.join(njDir, "jieba.dict.utf8"));
  for (const w of wordSet(path.join(njDir, "user.dict.utf8"))) dictNodejieba.add(w);
  let dictOnlyRs = 0;
  for (const w of dictNodeRs) if (!dictNodejieba.has(w)) dictOnlyRs++;
  let dictOnlyNj = 0;
  for (const w of dictNodejieba) if (!dictNodeRs.has(w)) dictOnlyNj++;

  const plain = compare(
    results.get("node-rs")!.tokens,
    results.get("nodejieba")!.tokens,
    normalized,
    dictNodeRs,
    dictNodejieba,
    "node-rs",
    "nodejieba",
  );

  // With the rule terms as user words (what an engine does): fresh node-rs instance; nodejieba is
  // process-global, so its words are added last.
  const terms = loadRuleTerms();
  const withWords = new Map<SegmenterKind, { ms: number; addMs: number; tokens: Token[][] }>();
  for (const kind of kinds) {
    const seg = kind === "node-rs" ? createSegmenter(kind) : segs.get(kind)!;
    const addMs = time(() => seg.addWords(terms)).ms;
    const r = time(() => segmentAll(seg, normalized));
    withWords.set(kind, { ms: r.ms, addMs, tokens: r.value });
  }
  const termSet = new Set(terms.map((t) => normalize(t).text));
  const dictRsW = new Set([...dictNodeRs, ...termSet]);
  const dictNjW = new Set([...dictNodejieba, ...termSet]);
  const words = compare(
    withWords.get("node-rs")!.tokens,
    withWords.get("nodejieba")!.tokens,
    normalized,
    dictRsW,
    dictNjW,
    "node-rs",
    "nodejieba",
  );

  const rate = (ms: number): { mbPerS: number; docsPerS: number } => ({
    mbPerS: bytes / 1e6 / (ms / 1000),
    docsPerS: facts.length / (ms / 1000),
  });
  const summary = {
    data: path.relative(repoRoot, opts.data),
    docs: facts.length,
    mb: bytes / 1e6,
    normalize: {
      ms: normalizeMs,
      firstPassMs: firstNormalize,
      ...rate(normalizeMs),
      docsWithLengthChange: lengthChanged,
      docsConvertedFromTraditional: traditional,
    },
    segmenters: Object.fromEntries(
      kinds.map((k) => {
        const r = results.get(k)!;
        const w = withWords.get(k)!;
        return [
          k,
          {
            loadMs: loadMs.get(k),
            loadWallMs: loadWallMs.get(k),
            segmentMs: r.ms,
            ...rate(r.ms),
            normalizeShare: normalizeMs / r.ms,
            withRuleTerms: { addWordsMs: w.addMs, segmentMs: w.ms, ...rate(w.ms) },
          },
        ];
      }),
    ),
    dictionaries: { nodeRsWords: dictNodeRs.size, nodejiebaWords: dictNodejieba.size, onlyNodeRs: dictOnlyRs, onlyNodejieba: dictOnlyNj },
    ruleTerms: terms.length,
    differences: { plain, withRuleTerms: words },
  };

  if (opts.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    return;
  }
  const f1 = (x: number): string => x.toFixed(1);
  const lines: string[] = [];
  lines.push(`CAIL dev: ${facts.length} facts, ${f1(summary.mb)} MB (UTF-8); CPU time, best of ${opts.runs} interleaved runs`);
  lines.push("");
  lines.push(
    `normalize   ${normalizeMs.toFixed(0)} ms  ${f1(rate(normalizeMs).mbPerS)} MB/s  ${rate(normalizeMs).docsPerS.toFixed(0)} docs/s` +
      `  (first pass ${firstNormalize.toFixed(0)} ms; ${lengthChanged} docs change length; ${traditional} converted from traditional)`,
  );
  for (const k of kinds) {
    const s = summary.segmenters[k] as {
      loadMs: number;
      loadWallMs: number;
      segmentMs: number;
      mbPerS: number;
      docsPerS: number;
      normalizeShare: number;
      withRuleTerms: { addWordsMs: number; segmentMs: number; mbPerS: number };
    };
    lines.push(
      `${k.padEnd(10)}  load ${s.loadMs.toFixed(0)} ms (wall ${s.loadWallMs.toFixed(0)})  segment ${s.segmentMs.toFixed(0)} ms  ${f1(s.mbPerS)} MB/s  ${s.docsPerS.toFixed(0)} docs/s` +
        `  normalize = ${(s.normalizeShare * 100).toFixed(1)}% of it` +
        `  | with ${terms.length} rule terms: addWords ${s.withRuleTerms.addWordsMs.toFixed(0)} ms, ${f1(s.withRuleTerms.mbPerS)} MB/s`,
    );
  }
  lines.push("");
  lines.push(
    `dictionaries: node-rs ${dictNodeRs.size} words, nodejieba ${dictNodejieba.size}; only in node-rs ${dictOnlyRs}, only in nodejieba ${dictOnlyNj}`,
  );
  lines.push(
    "reasons: non-chinese = ASCII/digit runs cut differently; dictionary = a word only one dictionary has;" +
      " hmm = a word in neither dictionary (HMM new-word guess); weights = same words, different frequencies",
  );
  for (const [label, c] of [
    ["token streams, default dictionaries", plain],
    [`token streams, with ${terms.length} rule terms as user words`, words],
  ] as const) {
    lines.push("");
    lines.push(`${label}: ${c.docsDiffering} of ${facts.length} docs differ (${c.regions} regions)`);
    for (const reason of Object.keys(c.byReason) as Reason[]) {
      lines.push(`  ${reason.padEnd(12)} ${c.byReason[reason]}`);
      for (const ex of c.examples[reason].slice(0, 3)) lines.push(`      ${ex}`);
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

main();
