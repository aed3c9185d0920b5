// The general background keyword capture discounts candidates against, beside the user's own
// background: how many of a large set of criminal-case facts (CAIL2018, all crimes) contain each
// 2–6 character string. A term frequent there (公司, 非法, 获取, 涉及, 被告人 …) is the language of
// every judgment, whatever the crime, and is never a keyword of one.
//
// The table is derived data, committed: document counts of the strings found in at least `minDf`
// facts, no text (`src/keywords/background.zh.tsv.gz`, built by scripts/build/background.ts from
// ../shared/data/cail/, which is research data and stays out of the repository). Loading does the I/O;
// lookups are pure.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { UsageError } from "../errors.js";

export interface GeneralBackground {
  /** Documents the table was counted on. */
  docs: number;
  /** Strings found in fewer documents are not in the table (their count reads as 0). */
  minDf: number;
  /** Where the counts come from, for reports. */
  source: string;
  df(term: string): number;
  /**
   * Over how many kinds of crime the facts holding a string are spread (the exponential of the
   * entropy of their first charges: 1 = one charge only), for strings in at least SPREAD_MIN_SHARE
   * of the facts; null for the rest, or when the table has no spreads.
   */
  spread?(term: string): number | null;
}

/** Strings in at least this share of the facts have their spread over charges in the table. */
export const SPREAD_MIN_SHARE = 0.02;
/** Spread lines are `spread:term<TAB>N` (a prefix no string of Han characters has). */
const SPREAD_PREFIX = "spread:";

export const BACKGROUND_FILE = "background.zh.tsv.gz";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Beside the compiled module when a build copied it there, else in src/keywords where it is kept. */
export function defaultBackgroundFile(): string {
  const beside = resolve(HERE, BACKGROUND_FILE);
  if (existsSync(beside)) return beside;
  return resolve(HERE, "../../src/keywords", BACKGROUND_FILE);
}

/** `# comment` lines, `docs<TAB>N`, `min-df<TAB>N`, `source<TAB>text`, then `term<TAB>count` and `spread:term<TAB>N` lines. */
export function parseBackground(text: string): GeneralBackground {
  const counts = new Map<string, number>();
  const spreads = new Map<string, number>();
  let docs = 0;
  let minDf = 1;
  let source = "";
  for (const line of text.split("\n")) {
    if (line.length === 0 || line.startsWith("#")) continue;
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const key = line.slice(0, tab);
    const value = line.slice(tab + 1);
    if (key === "docs") docs = Number(value);
    else if (key === "min-df") minDf = Number(value);
    else if (key === "source") source = value;
    else if (key.startsWith(SPREAD_PREFIX)) spreads.set(key.slice(SPREAD_PREFIX.length), Number(value));
    else counts.set(key, Number(value));
  }
  return { docs, minDf, source, df: (term) => counts.get(term) ?? 0, spread: (term) => spreads.get(term) ?? null };
}

export function formatBackground(
  bg: { docs: number; minDf: number; source: string },
  counts: Iterable<[string, number]>,
  spreads: Iterable<[string, number]> = [],
): string {
  const lines = [
    "# caseflag keyword background: in how many documents each 2-6 character string occurs (no text).",
    "# Built by scripts/build/background.ts; strings in fewer than min-df documents are left out.",
    "# spread:term = over how many kinds of crime its documents are spread (exp of the entropy of their first charges).",
    `docs\t${bg.docs}`,
    `min-df\t${bg.minDf}`,
    `source\t${bg.source}`,
  ];
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [term, n] of sorted) lines.push(`${term}\t${n}`);
  const bySpread = [...spreads].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [term, n] of bySpread) lines.push(`${SPREAD_PREFIX}${term}\t${n}`);
  return lines.join("\n") + "\n";
}

/** The committed table, or null when it is missing (a checkout without it): capture then uses the user's background only. */
export async function loadGeneralBackground(file: string = defaultBackgroundFile()): Promise<GeneralBackground | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new UsageError(`cannot read the keyword background ${file}: ${(error as Error).message}`);
  }
  try {
    return parseBackground((file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
  } catch (error) {
    throw new UsageError(`cannot read the keyword background ${file}: ${(error as Error).message}`);
  }
}
