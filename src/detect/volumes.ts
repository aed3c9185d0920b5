// Record counts written in prose ("出售公民个人信息4万余条", "915份征信报告", "more than 40,000
// pieces of personal information"), each bound to the information type it counts, plus counts of
// the identifiers listed in the clear in the document itself. Severity is computed from these.

import type { Volume } from "../types.js";
import { numeralMatches, unitAfterSpace } from "./numeral-runs.js";
import { ARABIC_NUMBER_SOURCE, CN_NUMERAL_CHARS, parseChineseNumber, parseEnglishNumber, SEVERAL_SOURCE } from "./numbers.js";
import { firstStartingAt } from "./spans.js";

/** An information-type mention found by the keyword matcher, in normalized-text offsets. */
export interface InfoSpan {
  target: string;
  tier: "A" | "B" | "C";
  start: number;
  end: number;
}

export interface ExtractVolumesOptions {
  /** Max characters between an info-type mention and the count it is bound to (default 30). */
  bindWindow?: number;
}

/** The info-type of counts not bound to a specific type but clearly about records (信息/数据). */
export const UNBOUND_INFO_TYPE = "personal-information";

const CN = CN_NUMERAL_CHARS;
// The number starts a numeral run: not after a digit, a decimal point, "1," (thousands), a Chinese
// numeral (we'd be mid-number), 第 (ordinal / article number), or 每/元// (a unit price: "0.5元一条").
// Tried only at numeral runs followed by a unit (see numeral-runs.ts).
const ZH_COUNT = new RegExp(
  `(?<![0-9.${CN}第每元/])(?<![0-9],)(${ARABIC_NUMBER_SOURCE}[${CN}余多]*|[${CN}][${CN}余多]*|${SEVERAL_SOURCE}[${CN}余多]*)\\s?(条|份|组|个)`,
  "y",
);
const UNIT_AFTER = unitAfterSpace(["条", "份", "组", "个"]);
/** The English units; text without any of them holds no English count. */
const EN_UNIT = /pieces|items|records|entries|sets|copies/;
const EN_COUNT = new RegExp(
  String.raw`(?<![0-9.a-z])(${ARABIC_NUMBER_SOURCE}(?:\s*(?:thousand|million|billion))?)\s*(pieces|items|records|entries|sets|copies)(?:\s+of)?(?![a-z])`,
  "g",
);

/** What follows the unit when the "count" is not a count of records: 条例, 条款, 个人, 个月… */
const NOT_RECORDS_AFTER: Readonly<Record<string, RegExp>> = {
  条: /^(?:例|件|款|文|约|目|幅|理|码|形|令|规|的规定|之[一二三四五六七八九十]|第|狗|鱼|烟|香烟|路|街|河|线|船|裤|毛巾|被子|命)/,
  份: /^(?:额|子|量|内|外)/,
  组: /^(?:织|成|建|长|员|合|村|社|居)/,
  个: /^(?:人|月|星|工作日|体|案|小时|部门|别|性)/,
};
/** An article number without 第: "刑法二百五十三条之一", "依照解释5条". */
const LEGAL_BEFORE = /(?:法|条例|解释|规定|办法|意见)》?\s*$/;
const APPROX_BEFORE = /(?:约|大约|近|将近|逾|超过|多达|约计)$/;
const APPROX_AFTER = /^(?:以上|余|多|左右|之多)/;
const EN_APPROX_BEFORE = /(?:more than|over|about|approximately|nearly|at least|some|around|roughly|up to)\s*$/;
const EN_APPROX_AFTER = /^\s*(?:or more|and more|plus)/;

const SENTENCE_END = /[。;；!！?？\n]|\.\s/;
const CLAUSE_BREAK = /[,，、;；。:：!！?？\n]|\.\s/;
const CONJUNCTION = /及|和|与|或|以及|并|\band\b|\bor\b/;
/** Words that make an unbound count of 条/组 a count of records. */
const RECORD_WORDS = /信息|数据|资料|记录|information|data|records/;

interface RawCount {
  count: number;
  approximate: boolean;
  start: number;
  end: number;
  match: string;
  unit: string;
  lang: "zh" | "en";
}

/**
 * Record counts in prose, bound to the info-type they count. Binding, in order:
 * 1. an info span right after the count (measure word + noun binds tightest: "915份征信报告"),
 *    with at most a few characters between and no punctuation or conjunction, or after a comma
 *    that only says what the records were ("共计4万余条，均系公民个人信息");
 * 2. else the nearest info span before it in the same sentence within bindWindow
 *    ("出售公民个人信息4万余条");
 * 3. else, for 条/组 (records, pieces, items, entries), 信息/数据/资料/记录 in the same clause
 *    before it, or right after it, makes it a tier-C "personal-information" count; anything else is not a record count.
 * `个` counts only when bound (1 or 2). Legal article references and money never come out.
 */
export function extractVolumes(text: string, infoSpans: InfoSpan[], opts: ExtractVolumesOptions = {}): Volume[] {
  const window = opts.bindWindow ?? 30;
  const spans = [...infoSpans].sort((a, b) => a.start - b.start || a.end - b.end);
  let maxLength = 0;
  for (const s of spans) maxLength = Math.max(maxLength, s.end - s.start);
  const out: Volume[] = [];
  for (const c of [...chineseCounts(text), ...englishCounts(text)]) {
    const span = bindAfter(text, spans, c) ?? bindBefore(text, spans, c, window, maxLength);
    if (span) {
      out.push(volume(c, span.target, span.tier));
      continue;
    }
    if (c.unit === "个" || c.unit === "份" || c.unit === "sets" || c.unit === "copies") continue;
    if (mentionsRecords(text, c, window)) out.push(volume(c, UNBOUND_INFO_TYPE, "C"));
  }
  return out.sort((a, b) => a.start - b.start);
}

function volume(c: RawCount, infoType: string, tier: "A" | "B" | "C"): Volume {
  return {
    infoType, tier, count: c.count, approximate: c.approximate,
    start: c.start, end: c.end, match: c.match, from: "prose",
  };
}

function chineseCounts(text: string): RawCount[] {
  const out: RawCount[] = [];
  for (const m of numeralMatches(text, ZH_COUNT, UNIT_AFTER)) {
    const numeral = m[1]!;
    const unit = m[2]!;
    const start = m.index;
    let end = start + m[0].length;
    const after = text.slice(end, end + 6);
    if (NOT_RECORDS_AFTER[unit]!.test(after)) continue;
    if (LEGAL_BEFORE.test(text.slice(Math.max(0, start - 6), start))) continue;
    const count = parseChineseNumber(numeral);
    if (count === null || count <= 0) continue;
    let approximate = /[余多数]/.test(numeral) || APPROX_BEFORE.test(text.slice(Math.max(0, start - 3), start));
    const tail = APPROX_AFTER.exec(after);
    if (tail) {
      approximate = true;
      if (tail[0] === "以上" || tail[0] === "左右") end += tail[0].length;
    }
    out.push({ count, approximate, start, end, match: text.slice(start, end), unit, lang: "zh" });
  }
  return out;
}

function englishCounts(text: string): RawCount[] {
  const out: RawCount[] = [];
  if (!EN_UNIT.test(text)) return out;
  for (const m of text.matchAll(EN_COUNT)) {
    const count = parseEnglishNumber(m[1]!);
    if (count === null || count <= 0) continue;
    const start = m.index;
    const end = start + m[0].length;
    const approximate =
      EN_APPROX_BEFORE.test(text.slice(Math.max(0, start - 20), start)) || EN_APPROX_AFTER.test(text.slice(end, end + 10));
    out.push({ count, approximate, start, end, match: m[0], unit: m[2]!, lang: "en" });
  }
  return out;
}

/** "共计4万余条，均系公民个人信息": a clause that only says what the counted records were. */
const APPOSITIVE_GAP = /^[,，]\s?(?:均|全部|都|其中)?(?:为|系|是|属于?)$/;

// Both binders start at the first span that can bind (binary search), so a count looks only at the
// spans near it: linear in counts and spans, however dense the document.
function bindAfter(text: string, spans: InfoSpan[], c: RawCount): InfoSpan | null {
  const maxGap = c.lang === "zh" ? 4 : 16;
  for (let i = firstStartingAt(spans, c.end); i < spans.length; i++) {
    const s = spans[i]!;
    if (s.start - c.end > maxGap) break;
    const gap = text.slice(c.end, s.start);
    if (APPOSITIVE_GAP.test(gap)) return s;
    if (CLAUSE_BREAK.test(gap) || CONJUNCTION.test(gap)) return null;
    return s;
  }
  return null;
}

function bindBefore(text: string, spans: InfoSpan[], c: RawCount, window: number, maxLength: number): InfoSpan | null {
  let best: InfoSpan | null = null;
  // A span starting before this ends before the window opens: it could neither bind nor stop the search.
  for (let i = firstStartingAt(spans, c.start - window - maxLength); i < spans.length; i++) {
    const s = spans[i]!;
    if (s.end > c.start) break;
    if (c.start - s.end > window) continue;
    if (SENTENCE_END.test(text.slice(s.end, c.start))) continue;
    if (!best || s.end > best.end || (s.end === best.end && s.start < best.start)) best = s;
  }
  return best;
}

/**
 * An unbound count is a count of records only when a record word shares its clause before it
 * ("各种数据28786条", "户籍信息11条") or follows it at once ("5000条数据"): "我发信息给俞某…,
 * 准备一条冰毒" is not one.
 */
function mentionsRecords(text: string, c: RawCount, window: number): boolean {
  let before = text.slice(Math.max(0, c.start - window), c.start);
  const cut = lastMatchEnd(before, CLAUSE_BREAK);
  if (cut >= 0) before = before.slice(cut);
  const after = text.slice(c.end, c.end + 6);
  const stop = after.search(CLAUSE_BREAK);
  if (RECORD_WORDS.test(before) || RECORD_WORDS.test(stop >= 0 ? after.slice(0, stop) : after)) return true;
  // "…收件人姓名、电话和地址，通过境外聊天软件出售，累计卖出6.5万余条": a count right after a verb passing
  // data on counts the records the sentence named before it.
  if (!TRANSFER_THEN_COUNT.test(before)) return false;
  let sentence = text.slice(Math.max(0, c.start - 2 * window), c.start);
  const end = lastMatchEnd(sentence, SENTENCE_END);
  if (end >= 0) sentence = sentence.slice(end);
  return RECORD_WORDS.test(sentence) || RECORD_FIELDS.test(sentence);
}

/** A verb passing data on right before a count (累计卖出, 共出售, 提供了). */
const TRANSFER_THEN_COUNT = /(?:卖出|出售|售出|贩卖|倒卖|提供|发送|泄露|转卖|出卖)了?(?:共计|共|累计|合计|总计)?$/;
/** The fields of a personal record named in a list (姓名、电话和地址). */
const RECORD_FIELDS = /姓名|电话|手机号|住址|地址|身份证/;

function lastMatchEnd(s: string, re: RegExp): number {
  const g = new RegExp(re.source, "g");
  let end = -1;
  for (const m of s.matchAll(g)) end = m.index + m[0].length;
  return end;
}

/** The shape volumesFromIdentifiers needs; IdentifierMatch satisfies it. */
export interface IdentifierLike {
  type: string;
  masked: boolean;
  valid: boolean;
  start: number;
  end: number;
  /** When given, the same value listed twice counts once. */
  value?: string;
}

/** Info-type ids (rules/info-types.yaml) of identifiers counted in the document itself. */
export const IDENTIFIER_INFO_TYPES: Readonly<Record<string, string>> = {
  "cn-resident-id": "identity",
  "cn-mobile": "contact",
  email: "contact",
  "bank-card": "property",
};

/**
 * Unmasked, valid identifiers listed in the document count as records it leaks itself: one Volume
 * per info-type (mobiles and e-mail addresses are both "contact"), counting distinct values (by
 * `value` when given), tier C by default.
 *
 * Bank cards are info-type "property" but tier C, not tier A (财产信息): a card number alone does
 * not give access to the money, and the card numbers a judgment spells out are mostly the
 * defendant's own receiving accounts; tier A would make 50 listed numbers "serious" by themselves.
 * Pass `tiers` to decide otherwise (e.g. `{ "bank-card": "A" }`, keyed by identifier type).
 */
export function volumesFromIdentifiers(
  ids: IdentifierLike[],
  opts: { tiers?: Partial<Record<string, "A" | "B" | "C">> } = {},
): Volume[] {
  const groups = new Map<string, { tier: "A" | "B" | "C"; items: IdentifierLike[]; perType: Map<string, number> }>();
  const seen = new Set<string>();
  for (const id of ids) {
    if (id.masked || !id.valid) continue;
    if (id.value !== undefined) {
      let plain = id.value.replace(/[^0-9a-z@._%+*-]/gi, "").toLowerCase();
      if (id.type === "cn-mobile") plain = plain.replace(/[^0-9]/g, "").slice(-11); // +86 / 86 / groups
      const key = `${id.type}\u0000${plain}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const infoType = IDENTIFIER_INFO_TYPES[id.type] ?? id.type;
    const tier = opts.tiers?.[id.type] ?? "C";
    const group = groups.get(infoType) ?? { tier, items: [], perType: new Map<string, number>() };
    // Two identifier types of one info-type with different tiers: the heavier tier wins.
    if (tier < group.tier) group.tier = tier;
    group.items.push(id);
    group.perType.set(id.type, (group.perType.get(id.type) ?? 0) + 1);
    groups.set(infoType, group);
  }
  const out: Volume[] = [];
  for (const [infoType, g] of groups) {
    let start = Infinity;
    let end = -Infinity;
    for (const i of g.items) {
      start = Math.min(start, i.start);
      end = Math.max(end, i.end);
    }
    out.push({
      infoType,
      tier: g.tier,
      count: g.items.length,
      approximate: false,
      start,
      end,
      // Never the values themselves: this string ends up in reports.
      match: [...g.perType].map(([type, n]) => `${n} × ${type}`).join(", "),
      from: "identifiers",
    });
  }
  return out.sort((a, b) => a.start - b.start || a.infoType.localeCompare(b.infoType));
}
