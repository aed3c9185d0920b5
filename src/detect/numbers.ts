// Numbers as case documents write them: Arabic ("915", "1,200", "1.2"), Chinese numerals
// ("三万", "两千三百", "十五", "二〇一九"), financial numerals ("壹万贰仟") and mixes ("4万",
// "8100万", "1.5亿", "1万2千"). Counts and amounts in judgments are written every one of these
// ways, so volumes and money share this one parser.

const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 两: 2, 三: 3, 叁: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
const SMALL_UNITS: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Readonly<Record<string, number>> = { 万: 1e4, 亿: 1e8 };

/** Characters that may appear inside a number written the Chinese way (for callers' regexes). */
export const CN_NUMERAL_CHARS = "零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿";

/** "数" before a unit: "several" (数万条, 数十名). Callers' regexes accept it with SEVERAL_SOURCE. */
export const SEVERAL_SOURCE = "数[十百千万亿]";
const SEVERAL = new RegExp(`^${SEVERAL_SOURCE}`);

/** An Arabic number: digits with optional thousands separators and decimals. */
export const ARABIC_NUMBER_SOURCE = String.raw`(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?`;

const ARABIC_AT = new RegExp(`^${ARABIC_NUMBER_SOURCE}`);

/**
 * Parses a count or amount into a number. `余`/`多` inside the string are skipped, so "十余万"
 * gives 100000 and "二十余" 20: the value is the lower bound and the caller records that it was
 * approximate. A leading big unit means one of it ("万余" = 10000); a leading 数 ("several") two
 * ("数万" = 20000, also a lower bound). Colloquial abbreviations keep
 * their meaning ("三万五" = 35000, "一千五" = 1500). Returns null for anything that is not a number.
 */
export function parseChineseNumber(s: string): number | null {
  let src = s.trim();
  if (src.length === 0) return null;
  // "数万" / "数十" / "数百万": several of the unit. Two is the least "several" can mean, and a
  // count that decides severity must not be overstated; callers record it as approximate.
  if (SEVERAL.test(src)) src = "二" + src.slice(1);

  let total = 0; // committed value of everything up to the last 亿/万
  let section = 0; // value below the current big unit (十/百/千 groups)
  let num: number | null = null; // the pending digit group, not yet multiplied by a unit
  let numIsChineseDigit = false;
  let lastUnit = 0; // the unit just before a trailing bare digit ("三万五": 1e4)
  let zeroSeen = false; // "一千零五": 零 cancels the colloquial abbreviation
  let sawNumeral = false;

  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const arabic = ch >= "0" && ch <= "9" ? ARABIC_AT.exec(src.slice(i)) : null;
    if (arabic) {
      if (num !== null) return null; // "3 5" or "三5": two numbers glued together is not a number
      num = parseArabic(arabic[0]);
      numIsChineseDigit = false;
      sawNumeral = true;
      i += arabic[0].length;
      continue;
    }
    const digit = DIGITS[ch];
    if (digit !== undefined) {
      sawNumeral = true;
      if (num !== null && numIsChineseDigit) {
        num = num * 10 + digit; // positional: "二〇一九"
      } else if (num !== null) {
        return null;
      } else if (digit === 0 && lastUnit > 0) {
        zeroSeen = true; // placeholder zero after a unit: "一千零五"
      } else {
        num = digit;
        numIsChineseDigit = true;
      }
      i += 1;
      continue;
    }
    const small = SMALL_UNITS[ch];
    if (small !== undefined) {
      sawNumeral = true;
      section += (num ?? 1) * small;
      num = null;
      lastUnit = small;
      zeroSeen = false;
      i += 1;
      continue;
    }
    const big = BIG_UNITS[ch];
    if (big !== undefined) {
      sawNumeral = true;
      if (big === 1e8) {
        const below = total + section + (num ?? 0);
        total = (below === 0 ? 1 : below) * big;
      } else {
        const below = section + (num ?? 0);
        total += (below === 0 ? 1 : below) * big;
      }
      section = 0;
      num = null;
      lastUnit = big;
      zeroSeen = false;
      i += 1;
      continue;
    }
    if (ch === "余" || ch === "多") {
      i += 1;
      continue;
    }
    return null;
  }
  if (!sawNumeral) return null;

  let tail = num ?? 0;
  // "三万五", "一千五", "十五": a lone trailing digit right after a unit is worth a tenth of it.
  if (num !== null && numIsChineseDigit && num < 10 && lastUnit >= 100 && !zeroSeen) {
    tail = num * (lastUnit / 10);
  }
  return roundSafe(total + section + tail);
}

function parseArabic(text: string): number {
  const plain = text.replace(/,/g, "");
  return Number(plain);
}

/** Decimal inputs ("1.1万") pick up binary noise when multiplied; counts and yuan have at most 2 decimals. */
function roundSafe(n: number): number {
  return Math.round(n * 100) / 100;
}

const ENGLISH_SCALES: Readonly<Record<string, number>> = { thousand: 1e3, million: 1e6, billion: 1e9 };

/** "40,000", "1.2 million", "4 thousand" (lowercase, as normalized English text is). */
export function parseEnglishNumber(s: string): number | null {
  const m = new RegExp(`^(${ARABIC_NUMBER_SOURCE})(?:\\s*(thousand|million|billion))?$`).exec(s.trim());
  if (!m) return null;
  const base = parseArabic(m[1]!);
  const scale = m[2] ? ENGLISH_SCALES[m[2]]! : 1;
  return roundSafe(base * scale);
}
