// What a person reads, in their language: --locale zh-CN | en, and every label an output prints.
// Dimension labels (crimes, information types, industries, groups, regions) come from the rule
// packs' label.zh / label.en; the words that are not rule data (flags, severity, field names, the
// report's and the clue list's headings) are in the table below. Ids never change: JSON output keeps
// them, only what is printed for a person is translated.
//
// Reasons and the severity basis are written in English by score/ (one sentence per flag, from a
// fixed template each); translating them here keeps the engine's output stable and the Chinese
// wording in one place. A reason no template knows comes back as it was written.
import { UsageError } from "../errors.js";
import type { LoadedKind, RuleSet } from "../rules/types.js";
import type { CaseResult, Flag, Severity } from "../types.js";

export type Locale = "zh-CN" | "en";
export const LOCALES: readonly Locale[] = ["zh-CN", "en"];

/**
 * The locale asked for: --locale when given (zh-CN, zh, en; case-insensitive), else the first of
 * LC_ALL, LC_MESSAGES, LANG that is set: zh-CN when it starts with "zh" (zh_CN.UTF-8, zh_TW…),
 * else en. A C/POSIX or unset locale (servers, CI) prints English, as the issue asks; a Chinese
 * desktop has LANG=zh_CN.UTF-8 and gets Chinese without a flag.
 */
export function resolveLocale(flag: string | undefined, env: NodeJS.ProcessEnv = {}): Locale {
  if (flag !== undefined) {
    const f = flag.trim().toLowerCase().replace("_", "-");
    if (f === "zh" || f === "zh-cn" || f === "zh-hans") return "zh-CN";
    if (f === "en" || f.startsWith("en-")) return "en";
    throw new UsageError(`unknown locale "${flag}" (valid: ${LOCALES.join(", ")})`);
  }
  const envLocale = [env["LC_ALL"], env["LC_MESSAGES"], env["LANG"]].find((v) => v !== undefined && v !== "");
  return envLocale !== undefined && /^zh/i.test(envLocale) ? "zh-CN" : "en";
}

/** Dimension labels by kind and id, and the province of each city (regions roll up to provinces). */
export interface DimensionLabels {
  labels: Map<string, { zh?: string; en?: string }>;
  provinces: Map<string, string>;
}

const LABELLED_KINDS: readonly LoadedKind[] = ["crime", "info-type", "industry", "group", "region", "conduct", "role", "access", "flow", "source"];

/** The labels a rule set carries. */
export function labelsOf(rules: Pick<RuleSet, "dimensions">): DimensionLabels {
  const labels = new Map<string, { zh?: string; en?: string }>();
  const provinces = new Map<string, string>();
  for (const kind of LABELLED_KINDS) {
    for (const d of rules.dimensions.get(kind)?.values() ?? []) {
      if (d.label) labels.set(`${kind}/${d.id}`, d.label);
      if (kind === "region") provinces.set(d.id, d.province ?? d.id);
    }
  }
  return { labels, provinces };
}

/** Words of caseflag's own (not rule data), each in both languages. */
const WORDS = {
  // flags
  "flag.pi-leak": ["个人信息泄露", "PI leak"],
  "flag.insider": ["内鬼", "insider"],
  "flag.key-industry": ["重点行业", "key industry"],
  "flag.key-group": ["重点群体", "key group"],
  "flag.large-scale": ["数量巨大", "large scale"],
  "flag.pil-clue": ["公益诉讼线索", "PIL clue"],
  "flag.cross-region": ["跨地域", "cross-region"],
  "flag.unmasked-identifier": ["未脱敏标识", "unmasked identifier"],
  "flag.telecom-fraud": ["电信网络诈骗", "telecom fraud"],
  // severity
  "severity.none": ["未达情节严重", "none"],
  "severity.serious": ["情节严重", "serious"],
  "severity.especially-serious": ["情节特别严重", "especially serious"],
  // identifier types
  "identifier.cn-resident-id": ["身份证号", "resident ID"],
  "identifier.cn-mobile": ["手机号", "mobile number"],
  "identifier.bank-card": ["银行卡号", "bank card"],
  "identifier.email": ["电子邮箱", "e-mail"],
  // document types (case metadata)
  "doc.indictment": ["起诉书", "indictment"],
  "doc.judgment": ["判决书", "judgment"],
  "doc.ruling": ["裁定书", "ruling"],
  "doc.non-prosecution": ["不起诉决定书", "non-prosecution decision"],
  "doc.filing": ["立案材料", "case filing"],
  // review decisions
  "decision.confirmed": ["已确认", "confirmed"],
  "decision.false-positive": ["误报", "false positive"],
  "decision.transferred": ["已移送", "transferred"],
  "decision.ignore": ["忽略", "ignored"],
  // table rows (scan -f table)
  "field.score": ["评分", "score"],
  "field.severity": ["严重程度", "severity"],
  "field.flags": ["标记", "flags"],
  "field.basis": ["认定依据", "basis"],
  "field.crimes": ["罪名", "crimes"],
  "field.infoTypes": ["信息类型", "info types"],
  "field.industries": ["行业", "industries"],
  "field.groups": ["受害群体", "groups"],
  "field.insider": ["内鬼", "insider"],
  "field.leaks": ["泄露链", "leaks"],
  "field.regions": ["地域", "regions"],
  "field.volumes": ["数量", "volumes"],
  "field.money": ["金额", "money"],
  "field.victims": ["被害人", "victims"],
  "field.signals": ["线索（未认定）", "signals"],
  "field.evidence": ["证据", "evidence"],
  "field.case": ["案件", "case"],
  "field.caseNumber": ["案号", "case no."],
  "field.court": ["法院/检察院", "court"],
  "field.date": ["日期", "date"],
  "field.documentType": ["文书类型", "document"],
  "field.defendants": ["被告人", "defendants"],
  "field.review": ["审核结论", "review"],
  "field.suppressed": ["已排除（误报）", "suppressed (false positive)"],
  "word.yes": ["是", "yes"],
  "word.signal": ["线索", "signal"],
  "word.negated": ["否定", "negated"],
  "money.gain": ["违法所得", "gain"],
  "money.fraud": ["诈骗金额", "fraud"],
  "money.settlement": ["支付结算", "settlement"],
  "money.other": ["其他金额", "other"],
} as const satisfies Record<string, readonly [string, string]>;

export type WordKey = keyof typeof WORDS;

/** Everything an output needs to print for a person in one locale. */
export interface Lexicon {
  readonly locale: Locale;
  /** The HTML lang attribute. */
  readonly lang: "zh-CN" | "en";
  word(key: WordKey): string;
  /** A dimension's label (crime, info-type, industry, group, region…), its id when the packs have none. */
  dim(kind: string, id: string): string;
  flag(id: string): string;
  severity(s: Severity): string;
  /** The province a region id rolls up to (a city's province; a province itself). */
  province(regionId: string): string;
  /** A flag's reason as a sentence in this locale. */
  reason(flag: Pick<Flag, "id" | "reason">): string;
  /** The severity basis as a sentence in this locale. */
  basis(reason: string): string;
  /** Join a list the way the language does (、 or ", "). */
  list(items: string[]): string;
}

export function lexicon(locale: Locale, dims: DimensionLabels = { labels: new Map(), provinces: new Map() }): Lexicon {
  const zh = locale === "zh-CN";
  const word = (key: WordKey): string => WORDS[key][zh ? 0 : 1];
  const lookup = (prefix: string, id: string): string => {
    const key = `${prefix}.${id}` as WordKey;
    return key in WORDS ? word(key) : id;
  };
  const dim = (kind: string, id: string): string => {
    const l = dims.labels.get(`${kind}/${id}`);
    if (!l && kind === "identifier") return lookup("identifier", id);
    return (zh ? l?.zh : l?.en) ?? id;
  };
  const list = (items: string[]): string => items.join(zh ? "、" : ", ");
  const lex: Lexicon = {
    locale,
    lang: locale,
    word,
    dim,
    flag: (id) => lookup("flag", id),
    severity: (s) => lookup("severity", s),
    province: (id) => dims.provinces.get(id) ?? id,
    list,
    basis: (reason) => (zh ? basisZh(reason) : reason),
    reason: (f) => {
      if (!zh) return f.reason;
      return reasonZh(f, lex) ?? f.reason;
    },
  };
  return lex;
}

/** The severity basis (score/severity.ts writes it from a few fixed words) in Chinese. */
function basisZh(reason: string): string {
  return reason
    .replace(/^the court finds (情节(?:特别)?严重): /, "法院认定$1：")
    .replace(/^the text states (情节(?:特别)?严重): /, "文中称$1：")
    .replace(/; counts read: /, "；按数量：")
    .replace(/proportional sum /, "按比例折算 ")
    .replace(/tier ([ABC])/g, "$1类")
    .replace(/insider ½/g, "内部人员减半")
    .replace(/: especially serious$/, "：情节特别严重")
    .replace(/: serious$/, "：情节严重")
    .replace(/: not serious$/, "：未达情节严重")
    .replace(/ \(([^)]*)\)/g, "（$1）")
    .replace(/, /g, "，");
}

/** Ids in a reason ("finance, telecom") as labels of a kind. */
function idsAs(lex: Lexicon, kind: string, ids: string): string {
  return lex.list(ids.split(/,\s*/).map((id) => lex.dim(kind, id)));
}

/** A flag's reason (score/result.ts: one template per flag) in Chinese; undefined when no template matches. */
function reasonZh(f: Pick<Flag, "id" | "reason">, lex: Lexicon): string | undefined {
  const r = f.reason;
  let m: RegExpMatchArray | null;
  switch (f.id) {
    case "pi-leak":
      if ((m = r.match(/^personal-information crime evidence scores (\d+)$/))) return `侵犯公民个人信息罪证据得分 ${m[1]}`;
      if ((m = r.match(/^personal information obtained or provided at (.+) scale$/))) {
        return `非法获取或提供公民个人信息达${lex.severity(m[1]!.replace(/ /g, "-") as Severity)}`;
      }
      if ((m = r.match(/^(\d+) unmasked identifiers listed in the document$/))) return `文书中列有 ${m[1]} 个未脱敏的身份标识`;
      return undefined;
    case "insider":
      if ((m = r.match(/scores (\d+)$/))) return `内部人员利用工作权限泄露数据；泄露链得分 ${m[1]}`;
      return undefined;
    case "key-industry":
      if ((m = r.match(/^key industry: (.+)$/))) return `重点行业：${idsAs(lex, "industry", m[1]!)}`;
      return undefined;
    case "key-group":
      if ((m = r.match(/^key victim group: (.+)$/))) return `重点受害群体：${idsAs(lex, "group", m[1]!)}`;
      return undefined;
    case "large-scale":
      if ((m = r.match(/^(\d+) records of personal information$/))) return `公民个人信息 ${m[1]} 条`;
      if ((m = r.match(/^especially serious by count: (.*)$/))) return `按数量属情节特别严重：${basisZh(m[1]!)}`;
      if ((m = r.match(/^(\d+) victims$/))) return `被害人 ${m[1]} 名`;
      return undefined;
    case "pil-clue":
      if ((m = r.match(/^(\d+) (people's records|victims) with sensitive information \((.+)\): /))) {
        const who = m[2] === "victims" ? `被害人 ${m[1]} 名` : `${m[1]} 人的个人信息`;
        const what = m[3]!.split(/,\s*/).map((id) => (id === "minors" ? lex.dim("group", id) : lex.dim("info-type", id)));
        return `${who}，涉及敏感个人信息（${lex.list(what)}）：公益诉讼线索（个人信息保护法第七十条）`;
      }
      return undefined;
    case "cross-region":
      if ((m = r.match(/^(\d+) provincial-level regions: (.+)$/))) return `涉及 ${m[1]} 个省级行政区：${idsAs(lex, "region", m[2]!)}`;
      return undefined;
    case "unmasked-identifier":
      if ((m = r.match(/^(\d+) unmasked identifier\(s\) in the document \((.+)\)$/))) {
        return `文书中有 ${m[1]} 个未脱敏的身份标识（${lex.list(m[2]!.split(/,\s*/).map((t) => lookupWord(`identifier.${t}`) ?? t))}）`;
      }
      return undefined;
    case "telecom-fraud":
      if ((m = r.match(/scores (\d+)$/))) return `电信网络诈骗证据得分 ${m[1]}`;
      return undefined;
    default:
      return undefined;
  }
}

function lookupWord(key: string): string | undefined {
  return key in WORDS ? WORDS[key as WordKey][0] : undefined;
}

/** Every flag of a result with its label and translated reason (the report, export and table share it). */
export function flagLines(r: Pick<CaseResult, "flags">, lex: Lexicon): { id: string; label: string; reason: string; confidence: number }[] {
  return r.flags.map((f) => ({ id: f.id, label: lex.flag(f.id), reason: lex.reason(f), confidence: f.confidence }));
}
