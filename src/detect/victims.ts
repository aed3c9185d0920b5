// How many people a case harmed, as the prose says it: 被害人30余名, 120余名老年人, 骗取二十余名
//被害人. Many victims plus sensitive information is a public-interest litigation clue (PIPL
// art. 70 "众多个人"), and record counts alone miss cases counted in people.
import type { VictimCount } from "../types.js";
import { numeralMatches, unitRightAfter } from "./numeral-runs.js";
import { ARABIC_NUMBER_SOURCE, CN_NUMERAL_CHARS, parseChineseNumber, SEVERAL_SOURCE } from "./numbers.js";

export type { VictimCount };

const NUM = `(?:${ARABIC_NUMBER_SOURCE}[万]?|[${CN_NUMERAL_CHARS}]+|${SEVERAL_SOURCE}[${CN_NUMERAL_CHARS}]*)`;
const WHO = "(?:被害人|受害人|受害者|被害单位|受害群众|群众|老年人|老人|学生|儿童|未成年人|客户|用户|消费者|妇女)";
const PATTERNS: RegExp[] = [
  // 被害人30余名 / 被害人共计120人
  new RegExp(`(?:被害人|受害人|受害者)(?:共计|共|达|计)?(${NUM})(余|多)?(?:名|人|位|户)`, "g"),
  // 30余名被害人 / 120余名老年人 / 二十余位老人 (tried only at numeral runs followed by the measure word)
  new RegExp(`(${NUM})(余|多)?(?:名|位|个|户)${WHO}`, "y"),
  // 骗取/诈骗 30余人 / 致使 50 余人被骗
  new RegExp(`(?:骗取|诈骗|致使|导致)(${NUM})(余|多)?(?:人|户)`, "g"),
];

/** A sticky pattern starts with a number: numeral runs only. The others start with a word V8 finds fast. */
function* matchesOf(re: RegExp, text: string): Generator<RegExpExecArray> {
  if (re.sticky) {
    yield* numeralMatches(text, re, MEASURE_AFTER);
    return;
  }
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) yield m;
}

const MEASURE_AFTER = unitRightAfter(["名", "位", "个", "户"]);

export function extractVictims(text: string): VictimCount[] {
  const out: VictimCount[] = [];
  const starts = new Set<number>();
  for (const re of PATTERNS) {
    for (const m of matchesOf(re, text)) {
      const n = parseChineseNumber(m[1]!);
      if (n === null || n < 1 || !Number.isInteger(n)) continue;
      const start = m.index + m[0].indexOf(m[1]!);
      if (starts.has(start)) continue;
      starts.add(start);
      out.push({ count: n, approximate: m[2] !== undefined || m[1]!.startsWith("数"), start, end: m.index + m[0].length, match: m[0] });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
