// What a hand-over needs to name a case: its number (案号), the court and the procuratorate, the
// date the document was signed, what kind of document it is, and the defendants — read from the
// text where the text states them, each with its offsets into the original text. A field the text
// does not state is null (CAIL facts are paragraphs cut out of judgments: no header, no number).
// Pure. Defendants' names are personal data: `match` carries the masked name (surname + 某); an
// output built with --no-mask cuts the name again from the text at its offsets (output/redact.ts).
import type { CaseMeta, CaseMetaField, DocumentType } from "../types.js";
import { maskName } from "../text/names.js";

/** The header of a document: its number, court, type and parties are named in the first lines. */
const HEADER_CHARS = 1_500;
/** Dates are signed at the end (审判员… 二〇二二年八月九日 书记员…). */
const TAIL_CHARS = 1_500;
const MAX_DEFENDANTS = 50;

/**
 * A case number: （2021）浙0106刑初512号, (2020)沪0115刑初2231号, 济历检刑诉〔2021〕601号. The part
 * between the year and the serial names the court and the procedure: at least one Han character.
 */
const CASE_NUMBER = /([\p{Script=Han}]{0,8})[（(〔[［]\s*((?:19|20)\d{2})\s*[）)〕\]］]\s*([\p{Script=Han}\d]{0,12}?)\s*(?:第\s*)?(\d{1,6})\s*号/gu;

const COURT = /(?:[\p{Script=Han}]{1,20}?)(?:人民法院|铁路运输法院|海事法院|知识产权法院|互联网法院|金融法院)/u;
const PROCURATORATE = /(?:[\p{Script=Han}]{1,20}?)人民检察院(?:[\p{Script=Han}]{0,6}?分院)?/u;
const CHARGED = new RegExp(`(${PROCURATORATE.source})(?:以[^。\\n]{0,40}?起诉书)?指控`, "u");
const PUBLIC_PROSECUTOR = new RegExp(`公诉机关\\s*[:：]?\\s*(${PROCURATORATE.source})`, "u");
const COURT_AT_START = new RegExp(`^${COURT.source}`, "u");
const PROCURATORATE_AT_START = new RegExp(`^${PROCURATORATE.source}`, "u");
/**
 * What every CASE_NUMBER match holds: a bracketed year. Tested first on each line: CASE_NUMBER's
 * leading Han run is tried at every position of a line, and most lines (all of a CAIL fact) hold
 * no bracketed year at all.
 */
const BRACKETED_YEAR = /[（(〔[［]\s*(?:19|20)\d{2}\s*[）)〕\]］]/u;

const DOC_TYPES: { id: DocumentType; re: RegExp }[] = [
  { id: "non-prosecution", re: /不起诉决定书/u },
  { id: "indictment", re: /起\s*诉\s*书/u },
  { id: "judgment", re: /判\s*决\s*书/u },
  { id: "ruling", re: /裁\s*定\s*书/u },
  { id: "filing", re: /立案(?:决定书|报告|登记表|材料)|受案登记表|立案侦查决定书/u },
].map(({ id, re }) => ({ id: id as DocumentType, re: new RegExp(`(?:[\\p{Script=Han}]{0,8})(?:${re.source})$`, "u") }));

const ZH_DIGITS: Record<string, number> = { 〇: 0, 零: 0, Ｏ: 0, O: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const DATE_LINE = /^\s*((?:19|20)\d{2}|[二一][〇零Ｏ一二三四五六七八九]{3})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*$/u;

/** What ends a paper or a statement of the defendant's (被告人户籍资料，…; 被告人身份证明，…), not a name. */
const NOT_A_NAME_END = /(?:资料|证明|信息|材料|供述|辩解|证言|笔录|情况|档案|记录|身份|户籍)$/u;

/** Words that follow 被告人 and are no name (被告人的辩解, 被告人及其辩护人, 被告人均…). */
const NOT_A_NAME_START = /^[及的辩均对供在系等所是于以亦已共不利将犯无人们为之其身自经因与和退发、，,。：:；;（(]/u;

export function extractCaseMeta(text: string): CaseMeta {
  const lines = linesOf(text, HEADER_CHARS);
  const head = text.slice(0, HEADER_CHARS);
  // Each reading runs only where its keyword occurs: most texts (CAIL facts) have no header at all.
  return {
    number: head.includes("号") ? findNumber(text, lines) : null,
    court: head.includes("法院") ? findCourt(text, lines) : null,
    procuratorate: head.includes("检察院") ? findProcuratorate(text, lines) : null,
    date: text.includes("日", Math.max(0, text.length - TAIL_CHARS)) ? findDate(text) : null,
    documentType: /书|立案|受案/u.test(head) ? findDocumentType(lines) : null,
    defendants: text.includes("被告人") ? findDefendants(text) : [],
  };
}

interface Line {
  text: string;
  start: number;
}

function linesOf(text: string, limit: number): Line[] {
  const out: Line[] = [];
  let at = 0;
  const head = text.slice(0, limit);
  for (const raw of head.split("\n")) {
    out.push({ text: raw, start: at });
    at += raw.length + 1;
  }
  return out;
}

function field(text: string, start: number, end: number): CaseMetaField {
  return { start, end, match: text.slice(start, end) };
}

/** A number on a line of its own (a header), or after 案号. A number cited in running prose is another case's. */
function findNumber(text: string, lines: Line[]): CaseMetaField | null {
  for (const line of lines) {
    if (!BRACKETED_YEAR.test(line.text)) continue;
    const body = line.text.replace(/^\s*(?:案\s*号\s*[:：]?\s*)/u, (m) => " ".repeat(m.length));
    for (const m of body.matchAll(CASE_NUMBER)) {
      const prefix = m[1] ?? "";
      const at = m.index;
      // The court and procedure (浙0106刑初, 济历检刑诉) are named before or after the year.
      if (!/\p{Script=Han}/u.test(prefix + (m[3] ?? ""))) continue;
      const before = body.slice(0, at).trim();
      const after = body.slice(at + m[0].length).trim();
      // Alone on its line (a header, 案号 labels stripped), or labelled 案号 with more after it.
      if (before === "" && after === "") return field(text, line.start + at, line.start + at + m[0].length);
      if (before === "" && /^\s*案\s*号/u.test(line.text)) return field(text, line.start + at + prefix.length, line.start + at + m[0].length);
    }
  }
  return null;
}

function findDocumentType(lines: Line[]): (CaseMetaField & { id: DocumentType }) | null {
  // A title line: short, and the type word ends it (刑事判决书, 起诉书, 不起诉决定书).
  for (const line of lines.slice(0, 8)) {
    const t = line.text.trim();
    if (t === "" || t.length > 40) continue;
    for (const { id, re } of DOC_TYPES) {
      const m = t.match(re);
      if (!m || m.index === undefined) continue;
      const lead = line.text.indexOf(t);
      const s = line.start + lead + m.index;
      return { start: s, end: s + m[0].length, match: m[0], id };
    }
  }
  return null;
}

function findCourt(text: string, lines: Line[]): CaseMetaField | null {
  for (const line of lines.slice(0, 6)) {
    const t = line.text.trim();
    if (t === "") continue;
    // 广东省深圳市宝安区人民法院 alone, or with the document's title after it.
    const m = t.match(COURT_AT_START);
    if (m && (t.length === m[0].length || /^(?:刑事|民事|行政)?(?:判决书|裁定书|决定书)/u.test(t.slice(m[0].length)))) {
      const s = line.start + line.text.indexOf(t);
      return field(text, s, s + m[0].length);
    }
  }
  return null;
}

function findProcuratorate(text: string, lines: Line[]): CaseMetaField | null {
  // 公诉机关深圳市宝安区人民检察院 / 公诉机关：…
  const head = text.slice(0, HEADER_CHARS);
  const pub = head.includes("公诉机关") ? head.match(PUBLIC_PROSECUTOR) : null;
  if (pub && pub.index !== undefined) {
    const s = pub.index + pub[0].length - pub[1]!.length;
    return field(text, s, s + pub[1]!.length);
  }
  // An indictment's header, or a procuratorate alone on a header line.
  for (const line of lines.slice(0, 6)) {
    const t = line.text.trim();
    const m = t.match(PROCURATORATE_AT_START);
    if (m && (t.length === m[0].length || /^(?:起诉书|不起诉决定书)/u.test(t.slice(m[0].length)))) {
      const s = line.start + line.text.indexOf(t);
      return field(text, s, s + m[0].length);
    }
  }
  // CAIL facts and judgments' 审理经过: 北京市通州区人民检察院指控 / …以…号起诉书指控.
  // Looked for around each 人民检察院 (a window, not the whole header: the lazy name prefix is costly).
  for (let i = head.indexOf("人民检察院"), tries = 0; i >= 0 && tries < 5; i = head.indexOf("人民检察院", i + 5), tries++) {
    const from = Math.max(0, i - 24);
    const found = chargedIn(text, head.slice(from, i + 60), from);
    if (found) return found;
  }
  return null;
}

function chargedIn(text: string, head: string, offset: number): CaseMetaField | null {
  const charged = head.match(CHARGED);
  if (charged && charged.index !== undefined) {
    let name = charged[1]!;
    let s = offset + charged.index;
    // The lazy prefix starts at the first Han character before it: trim a leading clause word.
    const cut = name.search(/(?:^|[经由])(?=[\p{Script=Han}]{2,}(?:省|市|自治区|县|区|旗))/u);
    if (cut > 0) {
      s += cut + 1;
      name = name.slice(cut + 1);
    }
    return field(text, s, s + name.length);
  }
  return null;
}

/** The date the document was signed: the last line that is a date alone, near the end. */
function findDate(text: string): (CaseMetaField & { iso: string | null }) | null {
  const from = Math.max(0, text.length - TAIL_CHARS);
  const tail = text.slice(from);
  let best: (CaseMetaField & { iso: string | null }) | null = null;
  let at = from;
  for (const raw of tail.split("\n")) {
    const m = raw.match(DATE_LINE);
    if (m) {
      const lead = raw.length - raw.trimStart().length;
      const t = raw.trim();
      best = { start: at + lead, end: at + lead + t.length, match: t, iso: isoDate(m[1]!, m[2]!, m[3]!) };
    }
    at += raw.length + 1;
  }
  return best;
}

function isoDate(y: string, mo: string, d: string): string | null {
  const year = /^\d+$/.test(y) ? Number(y) : Number([...y].map((c) => ZH_DIGITS[c] ?? NaN).join(""));
  const month = zhNumber(mo);
  const day = zhNumber(d);
  if (!Number.isFinite(year) || !month || !day || month > 12 || day > 31) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** 1–31 written in digits or Chinese (九, 十二, 二十三, 三十一). */
function zhNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const m = s.match(/^([一二三])?(十)?([一二三四五六七八九])?$/u);
  if (!m || (!m[2] && m[1] && m[3])) return null;
  const tens = m[2] ? (m[1] ? ZH_DIGITS[m[1]]! : 1) : 0;
  const ones = m[3] ? ZH_DIGITS[m[3]]! : m[2] ? 0 : m[1] ? ZH_DIGITS[m[1]]! : 0;
  const n = tens * 10 + ones;
  return n > 0 ? n : null;
}

const DEFENDANT = "被告人";

/** 被告人X (and the names listed after it: 被告人秦某、尤某), each once, in order. */
function findDefendants(text: string): CaseMetaField[] {
  const out: CaseMetaField[] = [];
  const seen = new Set<string>();
  const add = (start: number, name: string): void => {
    if (seen.has(name) || out.length >= MAX_DEFENDANTS) return;
    seen.add(name);
    out.push({ start, end: start + name.length, match: maskName(name) });
  };
  // Names introduced before punctuation (the header's 被告人王小明，男，…) are known: a later
  // 被告人王小明明知 reads as that name, not as 王小 before 明知.
  const known: string[] = [];
  // indexOf, as a global search for the literal finds the same places (no regex, no iterator).
  for (let i = text.indexOf(DEFENDANT); i >= 0; i = text.indexOf(DEFENDANT, i + DEFENDANT.length)) {
    const rest = text.slice(i + DEFENDANT.length, i + DEFENDANT.length + 5);
    const p = rest.match(/^([\p{Script=Han}]{2,4})[，,（(]/u);
    if (p && !NOT_A_NAME_START.test(p[1]!) && !NOT_A_NAME_END.test(p[1]!) && !known.includes(p[1]!)) known.push(p[1]!);
    // A text of thousands of 被告人 (hostile, or a list) stays linear: as many as are kept.
    if (known.length >= MAX_DEFENDANTS) break;
  }
  known.sort((a, b) => b.length - a.length);
  for (let i = text.indexOf(DEFENDANT); i >= 0; i = text.indexOf(DEFENDANT, i + DEFENDANT.length)) {
    let at = i + DEFENDANT.length;
    for (;;) {
      // A written-out name counts only as the party list introduced it (被告人王小明，男…): after
      // 被告人 in running prose, two characters are as often a verb (被告人退赔, 被告人专门…).
      const name = known.find((k) => text.startsWith(k, at)) ?? maskedNameAt(text, at);
      if (!name) break;
      add(at, name);
      at += name.length;
      // 被告人秦某、尤某 / 被告人张某和李某: the list goes on after 、 or 和 when a name follows.
      const sep = text.slice(at, at + 1);
      if (sep !== "、" && sep !== "和" && sep !== "与") break;
      at += 1;
    }
    if (out.length >= MAX_DEFENDANTS) break;
  }
  return out;
}

/** A masked name starting at `at` (张某, 李×1, 王某某), else null. */
function maskedNameAt(text: string, at: number): string | null {
  const rest = text.slice(at, at + 8);
  if (NOT_A_NAME_START.test(rest)) return null;
  return rest.match(/^[\p{Script=Han}]{1,2}?(?:某{1,2}|[×xXＸ*＊]\d{0,2})\d?/u)?.[0] ?? null;
}
