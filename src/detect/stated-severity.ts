// The severity a text states for the personal-information offence: a judgment says 情节严重 or
// 情节特别严重 where the court decides the level (本院认为，被告人…非法获取公民个人信息，情节严重), and
// that finding, not our arithmetic, is what the case was decided on; the counts a court weighed are
// often not in the text at all (…情节严重，判处有期徒刑九个月) or are typed by rules we only guess at
// (1,108 homeowner records with ID numbers and prices: 500 or 5,000?). Pure: offsets into the text.
import type { Severity } from "../types.js";

export interface StatedSeverity {
  severity: Exclude<Severity, "none">;
  start: number;
  end: number;
  /** Said in the court's voice (本院认为, 法院经审理认为, 判处…), not only charged or commented on. */
  court: boolean;
}

const STATED = /情节(特别)?严重/g;
/** A level denied (尚未达到情节严重, 不属于情节特别严重, 不能认定为情节严重): no statement. */
const DENIED = /(?:未|不|没有|并非|难以|无法)(?:能)?(?:达到|属于|构成|认定为?|认定|满足|够)?(?:的)?$/;
/** A level rejected right after it is named (指控情节特别严重证据不足, …的意见不予采纳). */
const REJECTED = /^[^，,。；;]{0,6}?(?:证据不足|不能成立|不成立|不予(?:支持|采纳|认定)|不当|有误|依据不足)/;
/** The court deciding, in the sentence before the level. */
const COURT_VOICE = /本院认为|法院认为|审理认为|经审理|法院认定|判决认定|一审认定|二审认定|判处|裁定/;
/** Another offence named between the data words and the level (…个人信息，…帮助信息网络犯罪活动，情节严重). */
const OTHER_OFFENCE = /帮助信息网络犯罪|支付结算帮助|提供帮助|掩饰、隐瞒|非法利用信息网络/;

/**
 * Statements of the level in sentences about personal information. `sentenceStart(at)` gives the
 * start of the sentence holding `at`; `outside(at)` says the position is outside every zone (a
 * defence's argument, the evidence list), where a level argued or cited is no finding.
 */
export function findStatedSeverity(text: string, sentenceStart: (at: number) => number, outside: (at: number) => boolean): StatedSeverity[] {
  const out: StatedSeverity[] = [];
  if (!text.includes("情节")) return out;
  STATED.lastIndex = 0;
  for (let m = STATED.exec(text); m !== null; m = STATED.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!outside(start)) continue;
    const from = sentenceStart(start);
    const before = text.slice(from, start);
    if (DENIED.test(before.slice(-8)) || REJECTED.test(text.slice(end, end + 16))) continue;
    // The offence must be this one (帮信 and many others have 情节严重 too): personal information named
    // before the level in its sentence (…公民个人信息，情节严重), no other offence between.
    const data = before.lastIndexOf("个人信息");
    if (data < 0) continue;
    if (OTHER_OFFENCE.test(before.slice(data))) continue;
    out.push({ severity: m[1] ? "especially-serious" : "serious", start, end, court: COURT_VOICE.test(before) });
  }
  return out;
}

/**
 * The level the text decides on: the court's last statement when it speaks (an appeal's court
 * speaks last), else the highest level charged or reported; null when none is stated.
 */
export function decidedLevel(stated: StatedSeverity[]): StatedSeverity | null {
  const court = stated.filter((s) => s.court);
  if (court.length > 0) return court[court.length - 1]!;
  let best: StatedSeverity | null = null;
  for (const s of stated) if (!best || (s.severity === "especially-serious" && best.severity === "serious")) best = s;
  return best;
}
