// Amounts of money in prose ("违法所得人民币3万余元", "获利450余万元", "骗取…人民币5000元",
// "支付结算金额20万元", "illegal gains of rmb 30,000"), each with the role the nearest cue before
// it gives it. Severity uses the gains; fraud and settlement amounts feed other thresholds.

import type { Money } from "../types.js";
import { numeralMatches, unitAfterSpace } from "./numeral-runs.js";
import { ARABIC_NUMBER_SOURCE, CN_NUMERAL_CHARS, parseChineseNumber, parseEnglishNumber, SEVERAL_SOURCE } from "./numbers.js";

type Role = Money["role"];

const CN = CN_NUMERAL_CHARS;
/** An amount in yuan; tried only at numeral runs followed by 元/块钱 (see numeral-runs.ts). */
const ZH_AMOUNT = new RegExp(
  `(?<![0-9.${CN}])(?<![0-9],)(${ARABIC_NUMBER_SOURCE}[${CN}余多]*|[${CN}][${CN}余多]*|${SEVERAL_SOURCE}[${CN}余多]*)\\s?(元|块钱)`,
  "y",
);
const YUAN_AFTER = unitAfterSpace(["元", "块钱"]);
/** The currency word an amount may start with ("人民币5000元"), ending where the number starts. */
const CURRENCY_BEFORE = /(?:人民币|rmb|¥|￥)\s?$/;
const EN_SCALE = String.raw`(?:\s*(?:thousand|million|billion))?`;
const EN_AMOUNT = new RegExp(
  String.raw`(?:(?:rmb|cny|¥|￥)\s?(${ARABIC_NUMBER_SOURCE}${EN_SCALE})(?:\s*yuan)?|(?<![0-9.a-z])(${ARABIC_NUMBER_SOURCE}${EN_SCALE})\s*(?:yuan|rmb)(?![a-z]))`,
  "g",
);

const EN_CURRENCY = /rmb|cny|yuan|¥|￥/;

/** Cues, nearest before the amount wins. "other" cues stop a gain cue further back from reaching. */
const CUES: readonly [Role | "transfer", RegExp][] = [
  ["gain", /违法所得|非法所得|非法获利|获利|牟利|获取利益|非法收入|赚取|获得报酬|报酬|好处费|佣金|提成|收益|得款|收取|illegal (?:gains?|income|proceeds|profits?)|profit(?:ed|s)?|earned|gained|proceeds/g],
  ["fraud", /骗取|诈骗|骗得|被骗|骗走|诈取|defraud(?:ed)?|swindled?|cheated/g],
  ["settlement", /支付结算|结算|流水|资金往来|走账|过账|settle(?:d|ment)|funds? flow/g],
  // A transfer is how money moved, not what it was: it names the role only when no gain or fraud
  // cue is in the window ("骗得张某通过微信向其转账人民币200元" is fraud).
  ["transfer", /转账|汇款|转入|transferred|transfers?/g],
  ["other", /价值|罚金|罚款|赔偿|退赔|损失|保证金|押金|工资|月薪|价格|单价|每条|每份|每个|\bfine\b|fined|worth|valued|\bloss(?:es)?\b|compensation|price/g],
];
const CUE_REACH = 30;
const SENTENCE_END = /[。;；!！?？\n]|\.\s/g;
const APPROX_BEFORE = /(?:约|大约|近|将近|逾|超过|多达|about|approximately|nearly|more than|over|at least)\s*$/;
const APPROX_AFTER = /^(?:以上|左右|许|余|多)/;
/** A unit price, not a sum: "0.5元/条", "1元一条", "2元的价格". */
const UNIT_PRICE_AFTER = /^(?:\/|每|一条|一份|一个|的(?:价格|单价)|per\b|each\b)/;

interface Found {
  start: number;
  end: number;
  yuan: number;
  approximate: boolean;
}

/** All amounts of money, sorted by offset, each with a role (gain, fraud, settlement, other). */
export function extractMoney(text: string): Money[] {
  const found: Found[] = [];
  let lastMatchEnd = 0;
  for (const m of numeralMatches(text, ZH_AMOUNT, YUAN_AFTER)) {
    const numeral = m[1]!;
    let start = m.index;
    let end = start + m[0].length;
    const currency = CURRENCY_BEFORE.exec(text.slice(Math.max(0, start - 4), start));
    if (currency && start - currency[0].length >= lastMatchEnd) start -= currency[0].length;
    lastMatchEnd = end;
    const yuan = parseChineseNumber(numeral);
    if (yuan === null || yuan <= 0) continue;
    let approximate = /[余多数]/.test(numeral);
    const tail = /^(?:以上|左右|许)/.exec(text.slice(end, end + 2));
    if (tail) {
      approximate = true;
      end += tail[0].length;
    }
    found.push({ start, end, yuan, approximate });
  }
  // Only text that names the currency can hold an English amount.
  if (EN_CURRENCY.test(text)) for (const m of text.matchAll(EN_AMOUNT)) {
    const yuan = parseEnglishNumber((m[1] ?? m[2])!);
    if (yuan === null || yuan <= 0) continue;
    found.push({ start: m.index, end: m.index + m[0].length, yuan, approximate: false });
  }
  // "¥5000元" is found by both patterns: keep the longer reading of any overlap.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Found[] = [];
  for (const f of found) {
    const last = kept[kept.length - 1];
    if (last && f.start < last.end) continue;
    kept.push(f);
  }

  const out: Money[] = [];
  let prevEnd = 0;
  for (const f of kept) {
    const before = text.slice(Math.max(0, f.start - 12), f.start);
    const approximate = f.approximate || APPROX_BEFORE.test(before) || APPROX_AFTER.test(text.slice(f.end, f.end + 2));
    out.push({
      role: roleOf(text, f, prevEnd),
      yuan: f.yuan,
      approximate,
      start: f.start,
      end: f.end,
      match: text.slice(f.start, f.end),
    });
    prevEnd = f.end;
  }
  return out;
}

/**
 * The nearest cue before the amount, within CUE_REACH characters of the same sentence. A cue does
 * not reach past an earlier amount across a clause break ("获利5000元，另查明…20000元"), but a
 * list keeps it ("分别获利2000元、3000元").
 */
function roleOf(text: string, f: Found, prevEnd: number): Role {
  if (UNIT_PRICE_AFTER.test(text.slice(f.end, f.end + 4))) return "other";
  let from = Math.max(0, f.start - CUE_REACH);
  const gapFromPrev = text.slice(prevEnd, f.start);
  if (prevEnd > from && /[,，;；]/.test(gapFromPrev)) from = prevEnd;
  let window = text.slice(from, f.start);
  let sentenceCut = -1;
  // exec loops, not matchAll (which copies the regex for every call): none of these matches empty.
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(window); m !== null; m = SENTENCE_END.exec(window)) sentenceCut = m.index + m[0].length;
  if (sentenceCut >= 0) window = window.slice(sentenceCut);

  let best: { role: Role; end: number; length: number } | null = null;
  let transfer = false;
  for (const [role, re] of CUES) {
    re.lastIndex = 0;
    for (let m = re.exec(window); m !== null; m = re.exec(window)) {
      if (role === "transfer") {
        transfer = true;
        continue;
      }
      const end = m.index + m[0].length;
      if (!best || end > best.end || (end === best.end && m[0].length > best.length)) {
        best = { role, end, length: m[0].length };
      }
    }
  }
  if (best && (best.role === "gain" || best.role === "fraud")) return best.role;
  if (transfer && (!best || best.role === "settlement")) return "settlement";
  return best?.role ?? "other";
}
