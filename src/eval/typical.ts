// Per-dimension agreement with the typical set's labels (../shared/data/typical/typical.jsonl:
// {id, fact, expect: {crimes, industries, groups, insider, severity?}}), beside a bare substring
// baseline measured on the same facts. Pure: the caller feeds (id, fact, expect, result).
//
// What each dimension counts (a result lists found dimensions only):
// - insider       result.insider.flag equals expect.insider
// - groups        the found groups are exactly expect.groups
// - top industry  the first found industry equals expect.industries[0] (none = none)
// - PI            personal-information found equals "personal-information" in expect.crimes
// - severity      result.severity equals expect.severity, where the label gives one
//
// The split: cases whose leading number is divisible by `holdoutEvery` (004, 008, …) are held out
// from rule tuning; the report gives the tuning part, the held-out part and all.
import type { CaseResult } from "../types.js";

export interface TypicalExpect {
  crimes: string[];
  industries: string[];
  groups: string[];
  insider: boolean;
  severity?: string;
}

export const TYPICAL_DIMENSIONS = ["insider", "groups", "topIndustry", "pi", "severity"] as const;
export type TypicalDimension = (typeof TYPICAL_DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<TypicalDimension, string> = {
  insider: "insider",
  groups: "groups exact",
  topIndustry: "top industry",
  pi: "PI both ways",
  severity: "severity",
};

export type SplitName = "tune" | "heldOut" | "all";
export const SPLITS: SplitName[] = ["tune", "heldOut", "all"];

export interface Tally {
  right: number;
  of: number;
  rate: number;
}

export interface TypicalMiss {
  id: string;
  split: "tune" | "heldOut";
  got: string;
  want: string;
}

export interface TypicalReport {
  cases: { tune: number; heldOut: number; all: number };
  holdoutEvery: number;
  caseflag: Record<TypicalDimension, Record<SplitName, Tally>>;
  /** null for dimensions without a baseline (severity). */
  baseline: Record<TypicalDimension, Record<SplitName, Tally> | null>;
  misses: Record<TypicalDimension, TypicalMiss[]>;
}

/**
 * The substring baseline: what a reader with a search box gets. Insider and groups as issue 11
 * states them; industry = the industry whose keyword occurs first in the fact (keywords from
 * DOMAIN.md); PI = '个人信息' occurs in the fact; severity has none.
 */
export const BASELINE = {
  insider: ["利用职务", "利用工作便利", "内鬼", "员工"],
  groups: {
    elderly: ["老年", "老人"],
    students: ["学生", "在校"],
    minors: ["未成年", "儿童"],
  } as Record<string, string[]>,
  industries: {
    finance: ["银行", "柜员", "信贷", "贷款", "信用卡", "征信", "保险", "证券", "基金", "理财", "支付", "网贷"],
    telecom: ["运营商", "移动", "联通", "电信", "营业厅", "手机卡", "电话卡", "白卡", "宽带", "通话记录"],
    internet: ["平台", "APP", "App", "app", "网站", "网店", "微信", "QQ", "爬虫", "数据库", "后台", "黑客"],
    recruitment: ["招聘", "求职", "简历", "人力资源", "猎头", "中介", "兼职"],
    logistics: ["快递", "物流", "面单"],
    "real-estate": ["房产中介", "业主", "物业", "房地产"],
    education: ["学校", "培训机构"],
    healthcare: ["医院", "体检", "母婴"],
    government: ["政府", "公安", "社保"],
  } as Record<string, string[]>,
  pi: "个人信息",
};

export function baselinePrediction(fact: string): { insider: boolean; groups: string[]; topIndustry: string | null; pi: boolean } {
  const groups = Object.entries(BASELINE.groups)
    .filter(([, words]) => words.some((w) => fact.includes(w)))
    .map(([id]) => id)
    .sort();
  let topIndustry: string | null = null;
  let at = Infinity;
  for (const [id, words] of Object.entries(BASELINE.industries)) {
    for (const w of words) {
      const i = fact.indexOf(w);
      if (i >= 0 && i < at) {
        at = i;
        topIndustry = id;
      }
    }
  }
  return {
    insider: BASELINE.insider.some((w) => fact.includes(w)),
    groups,
    topIndustry,
    pi: fact.includes(BASELINE.pi),
  };
}

/** What caseflag answers on each dimension, read off a result as an analyst would. */
export function caseflagPrediction(r: CaseResult): { insider: boolean; groups: string[]; topIndustry: string | null; pi: boolean; severity: string } {
  return {
    insider: r.insider.flag,
    groups: r.groups.map((d) => d.id).sort(),
    topIndustry: r.industries[0]?.id ?? null,
    pi: r.crimes.some((d) => d.id === "personal-information"),
    severity: r.severity,
  };
}

/** The split a case belongs to: its leading number (after one optional letter: u012) divisible by `every` is held out. */
export function splitOf(id: string, every: number): "tune" | "heldOut" {
  const m = /^[a-z]?(\d+)/.exec(id);
  return m && Number(m[1]) % every === 0 ? "heldOut" : "tune";
}

export function isTypicalExpect(v: unknown): v is TypicalExpect {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return Array.isArray(e["crimes"]) && Array.isArray(e["industries"]) && Array.isArray(e["groups"]) && typeof e["insider"] === "boolean";
}

const emptyTally = (): Record<SplitName, Tally> => ({
  tune: { right: 0, of: 0, rate: 0 },
  heldOut: { right: 0, of: 0, rate: 0 },
  all: { right: 0, of: 0, rate: 0 },
});

export class TypicalEvaluator {
  private readonly cases = { tune: 0, heldOut: 0, all: 0 };
  private readonly caseflag = Object.fromEntries(TYPICAL_DIMENSIONS.map((d) => [d, emptyTally()])) as Record<
    TypicalDimension,
    Record<SplitName, Tally>
  >;
  private readonly baseline = Object.fromEntries(TYPICAL_DIMENSIONS.map((d) => [d, d === "severity" ? null : emptyTally()])) as Record<
    TypicalDimension,
    Record<SplitName, Tally> | null
  >;
  private readonly misses = Object.fromEntries(TYPICAL_DIMENSIONS.map((d) => [d, [] as TypicalMiss[]])) as Record<
    TypicalDimension,
    TypicalMiss[]
  >;

  constructor(private readonly holdoutEvery = 4) {}

  add(id: string, fact: string, expect: TypicalExpect, result: CaseResult): void {
    const split = splitOf(id, this.holdoutEvery);
    this.cases[split]++;
    this.cases.all++;
    const got = caseflagPrediction(result);
    const base = baselinePrediction(fact);
    const wantGroups = [...expect.groups].sort();
    const wantIndustry = expect.industries[0] ?? null;
    const wantPi = expect.crimes.includes("personal-information");
    const show = (v: unknown): string => (Array.isArray(v) ? `[${v.join(",")}]` : String(v));
    const score = (dim: TypicalDimension, ours: unknown, theirs: unknown, want: unknown): void => {
      const same = (a: unknown): boolean => show(a) === show(want);
      this.count(this.caseflag[dim], split, same(ours));
      const b = this.baseline[dim];
      if (b) this.count(b, split, same(theirs));
      if (!same(ours)) this.misses[dim].push({ id, split, got: show(ours), want: show(want) });
    };
    score("insider", got.insider, base.insider, expect.insider);
    score("groups", got.groups, base.groups, wantGroups);
    score("topIndustry", got.topIndustry, base.topIndustry, wantIndustry);
    score("pi", got.pi, base.pi, wantPi);
    if (expect.severity !== undefined) score("severity", got.severity, null, expect.severity);
  }

  private count(t: Record<SplitName, Tally>, split: "tune" | "heldOut", right: boolean): void {
    for (const s of [split, "all"] as const) {
      t[s].of++;
      if (right) t[s].right++;
      t[s].rate = Math.round((10000 * t[s].right) / t[s].of) / 10000;
    }
  }

  report(): TypicalReport {
    return {
      cases: { ...this.cases },
      holdoutEvery: this.holdoutEvery,
      caseflag: this.caseflag,
      baseline: this.baseline,
      misses: this.misses,
    };
  }
}

export function formatTypicalTable(r: TypicalReport): string {
  const W = 12;
  const cell = (t: Tally | undefined): string => (t && t.of > 0 ? `${t.rate.toFixed(2)} ${t.right}/${t.of}` : "–").padEnd(W);
  const head = (a: string, b: string, c: string): string => [a, b, c].map((x) => x.padEnd(W)).join("");
  const lines = [
    `typical set: ${r.cases.all} cases; tune ${r.cases.tune}, held-out ${r.cases.heldOut} (leading number divisible by ${r.holdoutEvery})`,
    "",
    `${"".padEnd(14)}${"caseflag".padEnd(3 * W)}| baseline`,
    `${"dimension".padEnd(14)}${head("tune", "held-out", "all")}| ${head("tune", "held-out", "all")}`.trimEnd(),
  ];
  for (const dim of TYPICAL_DIMENSIONS) {
    const ours = r.caseflag[dim];
    const base = r.baseline[dim];
    const row = `${DIMENSION_LABELS[dim].padEnd(14)}${cell(ours.tune)}${cell(ours.heldOut)}${cell(ours.all)}| `;
    lines.push((row + (base ? cell(base.tune) + cell(base.heldOut) + cell(base.all) : "–")).trimEnd());
  }
  lines.push("");
  lines.push("baseline: insider = 利用职务/利用工作便利/内鬼/员工 in the fact; groups = 老年/老人 → elderly, 学生/在校 → students,");
  lines.push("未成年/儿童 → minors; top industry = the industry whose keyword (DOMAIN.md's lists) occurs first; PI = '个人信息' in the fact.");
  for (const dim of TYPICAL_DIMENSIONS) {
    const misses = r.misses[dim];
    if (misses.length === 0) continue;
    lines.push("");
    lines.push(`misses ${DIMENSION_LABELS[dim]} (${misses.length}):`);
    for (const m of misses) lines.push(`  ${m.split === "heldOut" ? "H " : "  "}${m.id}  got ${m.got}  want ${m.want}`);
  }
  return lines.join("\n") + "\n";
}
