// Identifier detectors: PRC resident identity numbers, mobile numbers, bank cards, e-mail
// addresses, both in the clear (a leak inside the document itself) and masked (evidence that the
// type of information is involved). Input is NORMALIZED text (fullwidth folded, ASCII lowercased);
// offsets are into that string.
//
// JavaScript's `\b` sees CJK characters as non-word, so "卡号6222…" has no boundary before the
// digits: every pattern here uses explicit digit lookarounds instead.

import { bundledIdentifierContext } from "../rules/load.js";

export type IdentifierType = "cn-resident-id" | "cn-mobile" | "bank-card" | "email";

const IDENTIFIER_TYPES: readonly IdentifierType[] = ["cn-resident-id", "cn-mobile", "bank-card", "email"];

export interface IdentifierMatch {
  type: IdentifierType;
  start: number;
  end: number;
  value: string;
  /** Written masked (138****1234, 身份证号码（略）, 尾号1234): evidence of the type, not a leak. */
  masked: boolean;
  /** 0..1 */
  confidence: number;
  /**
   * The value passes its format test (checksum and birth date for ids, Luhn for cards, prefix
   * for mobiles, syntax for e-mail). Always false for masked values: they cannot be verified.
   * An unmasked id with a bad checksum is reported (valid:false) only next to an id keyword.
   */
  valid: boolean;
  /** Short notes on what decided type and confidence: "checksum ok", "context: 卡号"… */
  reasons: string[];
}

export interface DetectIdentifiersOptions {
  /** Characters either side of a candidate searched for context terms (default 50). */
  contextWindow?: number;
  /**
   * Keywords that raise confidence, per type (the identifier rules' context.boost: an engine passes
   * those of the packs it loaded). A type given here replaces that type's default: the bundled
   * pack's (rules/identifiers.yaml).
   */
  contextTerms?: Partial<Record<IdentifierType, string[]>>;
  /** Labels that, right before a number, say it is something else (订单号, 流水号…). Replaces the defaults. */
  negativeTerms?: string[];
  /** "Today" for the birth-date-not-in-the-future check (tests pin it). */
  today?: Date;
}

/**
 * Labels that mark a long number as something other than a personal identifier when they stand
 * right before it (within the same clause, at most NEGATIVE_REACH characters back).
 */
export const DEFAULT_NEGATIVE_CONTEXT: readonly string[] = [
  "订单", "单号", "流水号", "交易号", "交易编号", "编号", "编码", "代码", "序列号", "序号", "批号", "批次",
  "运单", "快递单", "发票", "合同号", "案号", "工号", "车架号", "识别号", "信用代码", "注册号",
  "税号", "串号", "imei", "qq", "微信号", "order", "serial", "tracking", "invoice",
];

const NEGATIVE_REACH = 12;
const MASK = "*×●•x";
const MASK_RUN = /[*×●•x]{3,}/i;

/** Provinces of GB/T 2260 (first two digits), plus 81/82/83 of HK, Macao, Taiwan residence permits. */
const PROVINCES = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
  "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
  "71", "81", "82", "83",
]);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = "10X98765432";

/** Segments in use for voice/SMS mobiles (VincentSit table, see shared/data/legal/identifiers.md). */
const KNOWN_MOBILE_PREFIX = /^1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])/;

/**
 * GB 11643-1999 check character and a real birth date (leap years, year ≥ 1900, not after
 * `today`), and a known province code. 15-digit legacy numbers (GB 11643-1989) carry no check
 * character: only the province and the 19YYMMDD date are checked.
 */
export function isValidResidentId(s: string, today: Date = new Date()): boolean {
  if (/^\d{17}[\dXx]$/.test(s)) {
    if (!PROVINCES.has(s.slice(0, 2))) return false;
    if (!isRealDate(s.slice(6, 10), s.slice(10, 12), s.slice(12, 14), today)) return false;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i]!;
    return ID_CHECK[sum % 11] === s[17]!.toUpperCase();
  }
  if (/^\d{15}$/.test(s)) {
    if (!PROVINCES.has(s.slice(0, 2))) return false;
    return isRealDate("19" + s.slice(6, 8), s.slice(8, 10), s.slice(10, 12), today);
  }
  return false;
}

function isRealDate(y: string, m: string, d: string, today: Date): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return false;
  const birth = Date.UTC(year, month - 1, day);
  const now = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return birth <= now;
}

/** Luhn mod 10 over a digit string (separators must be stripped first). */
export function luhn(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Candidate extends IdentifierMatch {
  /** Lower wins an overlap: e-mail covers digits inside it, a valid id beats a card reading, … */
  priority: number;
}

interface Ctx {
  text: string;
  window: number;
  terms: Partial<Record<IdentifierType, readonly string[]>>;
  negative: readonly string[];
  today: Date;
}

/**
 * Finds identifiers in normalized text, sorted by offset, never overlapping.
 * Long numbers labelled as order/serial/tracking numbers, amounts of money, decimals, and digit
 * runs of the wrong length are not reported.
 */
export function detectIdentifiers(text: string, opts: DetectIdentifiersOptions = {}): IdentifierMatch[] {
  const gates = gatesOf(text);
  if (!gates.any) return [];
  const ctx = contextOf(text, opts);
  // A detector whose gate is shut would find nothing (see gatesOf): it is not run.
  const found: Candidate[] = [
    ...(gates.at ? emails(ctx) : []),
    ...(gates.longDigitRun ? digitRuns(ctx) : []),
    ...(gates.digitsThenSeparator ? groupedNumbers(ctx) : []),
    ...(gates.digit && gates.maskRun ? maskedNumbers(ctx) : []),
    ...(gates.tail ? tailNumbers(ctx) : []),
    ...(gates.withheld ? withheldLabels(ctx) : []),
  ];
  return resolveOverlaps(text, found);
}

/** Candidates by priority, then offset; the first to claim a character keeps it. */
function resolveOverlaps(text: string, found: Candidate[]): IdentifierMatch[] {
  found.sort((a, b) => a.priority - b.priority || a.start - b.start || b.end - a.end);
  // Candidates are short, so marking taken characters keeps this linear in the text.
  const taken = new Uint8Array(text.length);
  const kept: Candidate[] = [];
  for (const c of found) {
    let free = true;
    for (let i = c.start; i < c.end && free; i++) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, c.start, c.end);
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  return kept.map(({ priority: _priority, ...m }) => m);
}

const NO_TERMS: Partial<Record<IdentifierType, string[]>> = {};
const contextTermsCache = new WeakMap<object, Partial<Record<IdentifierType, readonly string[]>>>();
const negativeTermsCache = new WeakMap<readonly string[], readonly string[]>();

/** Context words per type, lower-cased: once per caller's object (an engine passes the same one for every document). */
function contextTermsOf(given: Partial<Record<IdentifierType, string[]>>): Partial<Record<IdentifierType, readonly string[]>> {
  let terms = contextTermsCache.get(given);
  if (terms) return terms;
  // The bundled pack is read only for types the caller gave no words for (an engine gives all).
  terms = IDENTIFIER_TYPES.every((t) => given[t] !== undefined) ? {} : { ...bundledIdentifierContext() };
  for (const [type, list] of Object.entries(given) as [IdentifierType, string[] | undefined][]) {
    if (list) terms[type] = list.map((t) => t.toLowerCase());
  }
  contextTermsCache.set(given, terms);
  return terms;
}

function negativeTermsOf(given: readonly string[]): readonly string[] {
  let terms = negativeTermsCache.get(given);
  if (!terms) {
    terms = given.map((t) => t.toLowerCase());
    negativeTermsCache.set(given, terms);
  }
  return terms;
}

interface Gates {
  any: boolean;
  /** An @: every e-mail has one. */
  at: boolean;
  /** 11 digits in a row: the shortest unmasked digit run a detector reads (DIGIT_RUN). */
  longDigitRun: boolean;
  /** 3 digits then a space or hyphen: how both grouped forms begin (GROUPED_CARD, GROUPED_MOBILE). */
  digitsThenSeparator: boolean;
  digit: boolean;
  /** 3 mask characters in a row (MASK_RUN): masked numbers and withheld values need one. */
  maskRun: boolean;
  /** 尾号 (TAIL). */
  tail: boolean;
  /** A word the withheld-value tail needs: 略, 隐去, 脱敏, 隐藏, or a mask run (WITHHELD_TAIL). */
  withheld: boolean;
}

/**
 * What each detector needs at the least, found in one pass over the characters. Most documents
 * hold no 11-digit run, no @ and no mask run: their regexes never run. Each gate is implied by
 * its detector's patterns (named beside it), so a shut gate only skips a detector that would
 * have found nothing; a test runs both ways over dev.jsonl and the fixtures.
 */
function gatesOf(text: string): Gates {
  let run = 0;
  let longest = 0;
  let masks = 0;
  let digit = false;
  let digitsThenSeparator = false;
  let maskRun = false;
  let at = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digit = true;
      run++;
      masks = 0;
      continue;
    }
    if (run > longest) longest = run;
    if (run >= 3 && (c === 32 || c === 45)) digitsThenSeparator = true;
    run = 0;
    // * × ● • x X (MASK, read case-insensitively)
    if (c === 42 || c === 0xd7 || c === 0x25cf || c === 0x2022 || c === 120 || c === 88) {
      if (++masks >= 3) maskRun = true;
    } else {
      masks = 0;
      if (c === 64) at = true;
    }
  }
  if (run > longest) longest = run;
  const longDigitRun = longest >= 11;
  const tail = text.includes("尾号");
  const withheld = maskRun || text.includes("略") || text.includes("隐去") || text.includes("脱敏") || text.includes("隐藏");
  return {
    any: at || longDigitRun || digitsThenSeparator || (digit && maskRun) || tail || withheld,
    at,
    longDigitRun,
    digitsThenSeparator,
    digit,
    maskRun,
    tail,
    withheld,
  };
}

/** What every detector reads: the text and the options with their defaults. */
function contextOf(text: string, opts: DetectIdentifiersOptions): Ctx {
  return {
    text,
    window: opts.contextWindow ?? 50,
    terms: contextTermsOf(opts.contextTerms ?? NO_TERMS),
    negative: negativeTermsOf(opts.negativeTerms ?? DEFAULT_NEGATIVE_CONTEXT),
    today: opts.today ?? new Date(),
  };
}

/** Every detector run whatever the gates say: the reference the gates are tested against. */
export function detectIdentifiersUngated(text: string, opts: DetectIdentifiersOptions = {}): IdentifierMatch[] {
  const ctx = contextOf(text, opts);
  return resolveOverlaps(text, [...emails(ctx), ...digitRuns(ctx), ...groupedNumbers(ctx), ...maskedNumbers(ctx), ...tailNumbers(ctx), ...withheldLabels(ctx)]);
}

// ---------- unmasked digit runs ----------

const DIGIT_RUN = /(?<![0-9])[0-9]{11,19}[xX]?(?![0-9])/g;

function digitRuns(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const m of ctx.text.matchAll(DIGIT_RUN)) {
    let start = m.index;
    const value = m[0];
    const hasX = /x$/i.test(value);
    if (hasX && value.length !== 18) continue; // digits glued to an x: no identifier we know
    const digits = value;
    const end = start + value.length;
    if (isPartOfDecimal(ctx.text, start, end)) continue;

    if (digits.length === 18 || digits.length === 15) {
      const id = residentId(ctx, digits, start, end);
      if (id) {
        out.push(id);
        continue;
      }
    }
    if (hasX) continue;
    if (isAmountOrCount(ctx.text, start, end)) continue;
    if (digits.length >= 16) {
      const card = bankCard(ctx, digits, value, start, end, false);
      if (card) out.push(card);
      continue;
    }
    let body = digits;
    let prefixed = false;
    if (digits.length === 13 && digits.startsWith("86")) {
      body = digits.slice(2);
      prefixed = true;
    }
    if (body.length === 11 && /^1[3-9]/.test(body)) {
      if (!prefixed && /\+86[ -]?$/.test(ctx.text.slice(Math.max(0, start - 4), start))) {
        const plus = ctx.text.lastIndexOf("+", start);
        start = plus;
        prefixed = true;
      } else if (prefixed && ctx.text[start - 1] === "+") {
        start -= 1;
      }
      const mobile = mobileNumber(ctx, body, start, end, prefixed);
      if (mobile) out.push(mobile);
    }
  }
  return out;
}

function residentId(ctx: Ctx, digits: string, start: number, end: number): Candidate | null {
  const value = ctx.text.slice(start, end);
  const near = contextHit(ctx, "cn-resident-id", start, end);
  const negative = negativeLabel(ctx, start);
  const valid = isValidResidentId(digits, ctx.today);
  const reasons: string[] = [];
  if (digits.length === 18) {
    if (valid) {
      reasons.push("checksum ok", `born ${digits.slice(6, 10)}-${digits.slice(10, 12)}-${digits.slice(12, 14)}`);
      let confidence = 0.85;
      if (near) {
        confidence += 0.1;
        reasons.push(`context: ${near}`);
      }
      if (negative) {
        confidence = 0.5;
        reasons.push(`labelled: ${negative}`);
      }
      return { type: "cn-resident-id", start, end, value, masked: false, confidence, valid, reasons, priority: 1 };
    }
    // A mistyped or altered id still says an id is in the document, but only where it is called one.
    const cardNear = contextHit(ctx, "bank-card", start, end);
    if (near && !negative && !cardNear) {
      reasons.push("checksum or birth date fails", `context: ${near}`);
      return { type: "cn-resident-id", start, end, value, masked: false, confidence: 0.3, valid: false, reasons, priority: 6 };
    }
    return null;
  }
  // 15-digit legacy numbers have no check character: without an id keyword they are just long numbers.
  if (valid && near && !negative) {
    reasons.push("legacy 15-digit id: birth date ok", `context: ${near}`);
    return { type: "cn-resident-id", start, end, value, masked: false, confidence: 0.6, valid, reasons, priority: 1 };
  }
  return null;
}

function bankCard(
  ctx: Ctx,
  digits: string,
  value: string,
  start: number,
  end: number,
  grouped: boolean,
): Candidate | null {
  if (digits.length < 16 || digits.length > 19) return null;
  if (negativeLabel(ctx, start)) return null;
  const near = contextHit(ctx, "bank-card", start, end);
  const checks = luhn(digits);
  const reasons: string[] = [];
  let confidence: number;
  if (digits.startsWith("62")) {
    confidence = 0.55;
    reasons.push("prefix 62 (UnionPay)");
  } else if (/^[45]/.test(digits)) {
    if (!checks) return null; // Visa/Mastercard numbers always carry a Luhn digit
    confidence = 0.45;
    reasons.push(`prefix ${digits[0]} (Visa/Mastercard)`);
  } else {
    if (!checks || !near) return null;
    confidence = 0.4;
    reasons.push("other prefix");
  }
  if (checks) {
    confidence += 0.2;
    reasons.push("luhn ok");
  }
  if (near) {
    confidence += 0.2;
    reasons.push(`context: ${near}`);
  }
  if (grouped) reasons.push("written in groups");
  return {
    type: "bank-card", start, end, value, masked: false,
    confidence: cap(confidence), valid: checks, reasons, priority: 2,
  };
}

function mobileNumber(ctx: Ctx, body: string, start: number, end: number, prefixed: boolean): Candidate | null {
  if (negativeLabel(ctx, start)) return null;
  const value = ctx.text.slice(start, end);
  const reasons: string[] = [];
  const known = KNOWN_MOBILE_PREFIX.test(body);
  let confidence = known ? 0.7 : 0.55;
  reasons.push(known ? `segment ${body.slice(0, 3)}` : `unlisted segment ${body.slice(0, 3)}`);
  if (prefixed) {
    confidence += 0.1;
    reasons.push("+86");
  }
  const near = contextHit(ctx, "cn-mobile", start, end);
  if (near) {
    confidence += 0.2;
    reasons.push(`context: ${near}`);
  }
  return {
    type: "cn-mobile", start, end, value, masked: false,
    confidence: cap(confidence), valid: known, reasons, priority: 3,
  };
}

// ---------- numbers written in groups: "6222 0212 3456 7890", "138-1234-5678" ----------

const GROUPED_CARD = /(?<![0-9])[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{1,3})?(?![0-9])/g;
const GROUPED_MOBILE = /(?<![0-9])(\+?86[ -]?)?1[3-9][0-9]([ -])[0-9]{4}\2[0-9]{4}(?![0-9])/g;

function groupedNumbers(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const m of ctx.text.matchAll(GROUPED_CARD)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isAmountOrCount(ctx.text, start, end) || isPartOfDecimal(ctx.text, start, end)) continue;
    const digits = m[0].replace(/[ -]/g, "");
    const card = bankCard(ctx, digits, m[0], start, end, true);
    if (card) out.push(card);
  }
  for (const m of ctx.text.matchAll(GROUPED_MOBILE)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isAmountOrCount(ctx.text, start, end)) continue;
    const body = m[0].slice((m[1] ?? "").length).replace(/[ -]/g, "");
    const mobile = mobileNumber(ctx, body, start, end, m[1] !== undefined);
    if (mobile) out.push({ ...mobile, reasons: [...mobile.reasons, "written in groups"] });
  }
  return out;
}

// ---------- masked numbers: 138****1234, 110105********002x, 6222 **** **** 1234 ----------

const MASKED_COMPACT = new RegExp(`(?<![0-9a-z${MASK}])[0-9][0-9${MASK}]{6,21}(?![0-9a-z${MASK}])`, "gi");
const MASKED_GROUPED = new RegExp(
  `(?<![0-9a-z${MASK}])[0-9][0-9${MASK}]{2,3}([ -])[0-9${MASK}]{4}(?:\\1[0-9${MASK}]{4}){1,2}(?:\\1[0-9${MASK}]{1,3})?(?![0-9a-z${MASK}])`,
  "gi",
);

function maskedNumbers(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const re of [MASKED_COMPACT, MASKED_GROUPED]) {
    for (const m of ctx.text.matchAll(re)) {
      if (!MASK_RUN.test(m[0])) continue;
      const c = classifyMasked(ctx, m[0], m.index, m.index + m[0].length);
      if (c) out.push(c);
    }
  }
  return out;
}

function classifyMasked(ctx: Ctx, value: string, start: number, end: number): Candidate | null {
  const body = value.replace(/[ -]/g, "");
  const grouped = body.length !== value.length;
  const n = body.length;
  if (negativeLabel(ctx, start)) return null;
  const base = { start, end, value, masked: true, valid: false, priority: 4 } as const;
  const visible = /^[0-9]+/.exec(body)?.[0] ?? "";
  if (n === 11 && /^1[3-9]/.test(body)) {
    const near = contextHit(ctx, "cn-mobile", start, end);
    return {
      ...base, type: "cn-mobile", confidence: near ? 0.9 : 0.7,
      reasons: ["masked mobile", ...(near ? [`context: ${near}`] : [])],
    };
  }
  const idNear = contextHit(ctx, "cn-resident-id", start, end);
  const cardNear = contextHit(ctx, "bank-card", start, end);
  const province = visible.length >= 2 && PROVINCES.has(visible.slice(0, 2));
  if (!grouped && (n === 18 || n === 15) && (idNear || (province && !cardNear))) {
    return {
      ...base, type: "cn-resident-id", confidence: idNear ? 0.9 : 0.7,
      reasons: ["masked id", ...(idNear ? [`context: ${idNear}`] : [])],
    };
  }
  if (n >= 16 && n <= 19 && (/^(?:62|4|5)/.test(visible) || cardNear)) {
    return {
      ...base, type: "bank-card", confidence: cardNear ? 0.9 : 0.6,
      reasons: ["masked card", ...(cardNear ? [`context: ${cardNear}`] : [])],
    };
  }
  return null;
}

// ---------- 尾号1234: the last digits of a card or phone ----------

const TAIL = /尾号(?:为|是)?[: ]?[0-9]{3,4}(?![0-9])/g;
const TAIL_CARD_TERMS = ["银行卡", "信用卡", "储蓄卡", "借记卡", "卡", "账户", "账号", "帐户", "帐号", "银行", "card", "account"];
const TAIL_MOBILE_TERMS = ["手机", "电话", "号码", "phone", "mobile"];

function tailNumbers(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const m of ctx.text.matchAll(TAIL)) {
    const start = m.index;
    const end = start + m[0].length;
    const card = nearestTerm(ctx.text, TAIL_CARD_TERMS, start, end, 12);
    const mobile = nearestTerm(ctx.text, TAIL_MOBILE_TERMS, start, end, 12);
    let type: IdentifierType | null = null;
    if (card && (!mobile || card.distance <= mobile.distance)) type = "bank-card";
    else if (mobile) type = "cn-mobile";
    if (!type) continue;
    const term = type === "bank-card" ? card!.term : mobile!.term;
    out.push({
      type, start, end, value: m[0], masked: true, valid: false, confidence: 0.6,
      reasons: ["last digits only", `context: ${term}`], priority: 5,
    });
  }
  return out;
}

// ---------- 身份证号码（略）: the document says the value was withheld ----------

const WITHHELD_LABELS: readonly [IdentifierType, string][] = [
  ["cn-resident-id", "公民身份号码|身份证件号码|身份证号码|身份证号|身份证|身份号码|证件号码|证件号"],
  ["cn-mobile", "手机号码|手机号|手机|电话号码|联系电话|电话"],
  ["bank-card", "银行卡号|银行卡|银行账号|银行帐号|卡号|账号|帐号"],
  ["email", "电子邮箱|邮箱地址|邮箱|电子邮件"],
];
const WITHHELD_TAIL = String.raw`\s*[:：]?\s*(?:为|是)?\s*[(\[（【]?\s*(?:已?省?略|已?隐去|已?脱敏|已?隐藏|[*×●•x]{3,})\s*[)\]）】]?`;

const WITHHELD: readonly [IdentifierType, RegExp][] = WITHHELD_LABELS.map(([type, labels]) => [
  type,
  new RegExp(`(?:${labels})${WITHHELD_TAIL}`, "gi"),
]);

function withheldLabels(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const [type, re] of WITHHELD) {
    for (const m of ctx.text.matchAll(re)) {
      out.push({
        type, start: m.index, end: m.index + m[0].length, value: m[0], masked: true, valid: false,
        confidence: 0.9, reasons: ["value withheld in the document"], priority: 5,
      });
    }
  }
  return out;
}

// ---------- e-mail ----------

const EMAIL = /(?<![a-z0-9._%+*-])[a-z0-9*][a-z0-9._%+*-]*@[a-z0-9*](?:[a-z0-9*-]*[a-z0-9*])?(?:\.[a-z0-9*](?:[a-z0-9*-]*[a-z0-9*])?)*\.[a-z]{2,24}(?![a-z0-9-])/gi;

function emails(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  for (const m of ctx.text.matchAll(EMAIL)) {
    const value = m[0];
    const start = m.index;
    const end = start + value.length;
    const masked = value.includes("*");
    const local = value.slice(0, value.indexOf("@"));
    const valid = !masked && !local.startsWith(".") && !local.endsWith(".") && !value.includes("..");
    const near = contextHit(ctx, "email", start, end);
    const reasons = [masked ? "masked e-mail" : valid ? "e-mail syntax ok" : "malformed e-mail"];
    if (near) reasons.push(`context: ${near}`);
    out.push({
      type: "email", start, end, value, masked, valid,
      confidence: cap((masked ? 0.8 : valid ? 0.85 : 0.5) + (near ? 0.1 : 0)), reasons, priority: 0,
    });
  }
  return out;
}

// ---------- context helpers ----------

function contextHit(ctx: Ctx, type: IdentifierType, start: number, end: number): string | null {
  const from = Math.max(0, start - ctx.window);
  const before = ctx.text.slice(from, start);
  const after = ctx.text.slice(end, end + ctx.window);
  for (const term of ctx.terms[type] ?? []) {
    if (term && (before.includes(term) || after.includes(term))) return term;
  }
  return null;
}

/** A negative label right before the number, in the same clause ("订单号:6201…"). */
function negativeLabel(ctx: Ctx, start: number): string | null {
  let from = Math.max(0, start - NEGATIVE_REACH);
  for (let i = start - 1; i >= from; i--) {
    if (CLAUSE_PUNCT.has(ctx.text[i]!)) {
      from = i + 1;
      break;
    }
  }
  const before = ctx.text.slice(from, start);
  for (const term of ctx.negative) if (term && before.includes(term)) return term;
  return null;
}

const CLAUSE_PUNCT = new Set([",", "，", "。", ";", "；", "、", "\n", "!", "?"]);

function nearestTerm(
  text: string,
  terms: readonly string[],
  start: number,
  end: number,
  reach: number,
): { term: string; distance: number } | null {
  const before = text.slice(Math.max(0, start - reach), start);
  const after = text.slice(end, end + reach);
  let best: { term: string; distance: number } | null = null;
  for (const term of terms) {
    const b = before.lastIndexOf(term);
    if (b >= 0) {
      const d = before.length - (b + term.length);
      if (!best || d < best.distance) best = { term, distance: d };
    }
    const a = after.indexOf(term);
    if (a >= 0 && (!best || a < best.distance)) best = { term, distance: a };
  }
  return best;
}

/** Amounts and counts: "13800000000元", "¥62220212345678901", "15000000000条". */
function isAmountOrCount(text: string, start: number, end: number): boolean {
  if (/^\s?(?:[元万亿块条份个次人年月日号%‰]|美元|港元|yuan|rmb)/.test(text.slice(end, end + 5))) return true;
  return /(?:¥|￥|人民币|rmb|\$)\s?$/.test(text.slice(Math.max(0, start - 4), start));
}

/** "13812345678.5" or "0.13812345678": digits of a decimal number. */
function isPartOfDecimal(text: string, start: number, end: number): boolean {
  return /\d\.$/.test(text.slice(Math.max(0, start - 2), start)) || /^\.\d/.test(text.slice(end, end + 2));
}

function cap(x: number): number {
  return Math.min(0.99, Math.round(x * 100) / 100);
}
