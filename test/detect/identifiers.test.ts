import { bundledIdentifierContext } from "../../src/rules/load.js";
import { describe, expect, it } from "vitest";
import {
  detectIdentifiers,
  isValidResidentId,
  luhn,
  type IdentifierMatch,
} from "../../src/detect/identifiers.js";

const TODAY = new Date("2025-01-01T00:00:00Z");
const detect = (text: string, opts: Parameters<typeof detectIdentifiers>[1] = {}) =>
  detectIdentifiers(text, { today: TODAY, ...opts });
const brief = (ms: IdentifierMatch[]) => ms.map((m) => [m.type, m.value, m.masked]);

describe("isValidResidentId", () => {
  it.each(["11010519491231002X", "11010519491231002x", "513101198201130014", "110101202311012176", "110105200002291235"])(
    "accepts %s",
    (id) => {
      expect(isValidResidentId(id, TODAY)).toBe(true);
    },
  );

  it.each([
    ["110101202311012171", "wrong check character"],
    ["110105194912310021", "wrong check character"],
    ["440524188001010014", "checksum fine but born before 1900"],
    ["110105190002291239", "checksum fine but 1900-02-29 does not exist (1900 is no leap year)"],
    ["110105194912320025", "checksum fine but December 32"],
    ["110105202501021239", "checksum fine but born after today"],
    ["000105194912310024", "checksum fine but no province 00"],
    ["990105194912310023", "checksum fine but no province 99"],
    ["1101051949123100", "too short"],
    ["11010519491231002Y", "check character is not a digit or X"],
  ])("rejects %s (%s)", (id) => {
    expect(isValidResidentId(id, TODAY)).toBe(false);
  });

  it("checks only province and 19YYMMDD date of 15-digit legacy ids", () => {
    expect(isValidResidentId("110105491231002", TODAY)).toBe(true);
    expect(isValidResidentId("110105490231002", TODAY)).toBe(false); // February 31
    expect(isValidResidentId("000105491231002", TODAY)).toBe(false);
  });

  it("defaults today to the real date", () => {
    expect(isValidResidentId("11010519491231002X")).toBe(true);
  });
});

describe("luhn", () => {
  it("accepts numbers with a valid check digit", () => {
    expect(luhn("6225881414207430")).toBe(true);
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("6228480012345678903")).toBe(true);
  });
  it("rejects a wrong check digit and non-digits", () => {
    expect(luhn("4111111111111112")).toBe(false);
    expect(luhn("6222021234567890")).toBe(false);
    expect(luhn("")).toBe(false);
    expect(luhn("4111 1111 1111 1111")).toBe(false);
  });
});

describe("detectIdentifiers: resident ids", () => {
  it("finds an id right after CJK text and punctuation (no \\b)", () => {
    const text = "身份证号11010519491231002X，";
    const [m, ...rest] = detect(text);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ type: "cn-resident-id", value: "11010519491231002X", start: 4, end: 22, masked: false, valid: true });
    expect(m!.confidence).toBeGreaterThan(0.9);
    expect(m!.reasons).toContain("context: 身份证");
  });

  it("accepts the normalized lowercase check character", () => {
    expect(brief(detect("身份证号码：11010519491231002x，住北京市"))).toEqual([["cn-resident-id", "11010519491231002x", false]]);
  });

  it("is less confident without an id keyword", () => {
    const [m] = detect("张某11010519491231002x");
    expect(m!.type).toBe("cn-resident-id");
    expect(m!.confidence).toBeLessThan(0.9);
  });

  it("ignores ids inside longer digit runs", () => {
    expect(detect("身份证号111010519491231002x")).toEqual([]);
    expect(detect("身份证号110105194912310021234")).toEqual([]);
    expect(detect("身份证号11010519491231002x5")).toEqual([]);
  });

  it("reports a bad checksum next to an id keyword as invalid, with low confidence", () => {
    const [m] = detect("公民身份号码为110105194912310021的居民身份证");
    expect(m).toMatchObject({ type: "cn-resident-id", valid: false, masked: false });
    expect(m!.confidence).toBeLessThan(0.5);
  });

  it("drops a bad checksum without an id keyword", () => {
    expect(detect("编为110105194912310021的")).toEqual([]);
  });

  it("reports 15-digit legacy ids only next to an id keyword", () => {
    const [m] = detect("身份证号110105491231002");
    expect(m).toMatchObject({ type: "cn-resident-id", valid: true });
    expect(m!.confidence).toBeLessThan(0.85);
    expect(detect("共计110105491231002")).toEqual([]);
  });

  it("never reports a valid 18-digit id as a bank card, even a 62 (Gansu) id next to card words", () => {
    expect(isValidResidentId("62010219900307123x", TODAY)).toBe(true);
    expect(brief(detect("银行卡号及身份证号62010219900307123x"))).toEqual([["cn-resident-id", "62010219900307123x", false]]);
    // An 18-digit 62… number that is no valid id is a card candidate.
    expect(detect("银行卡号620102199003071231")[0]!.type).toBe("bank-card");
  });

  it("finds masked ids and withheld ids", () => {
    expect(brief(detect("身份证号码110105********002X，"))).toEqual([["cn-resident-id", "110105********002X", true]]);
    expect(brief(detect("身份证号码（略），"))).toEqual([["cn-resident-id", "身份证号码（略）", true]]);
    expect(brief(detect("身份证号码(略)"))).toEqual([["cn-resident-id", "身份证号码(略)", true]]);
    expect(brief(detect("身份证号:略，住址"))).toEqual([["cn-resident-id", "身份证号:略", true]]);
    expect(brief(detect("身份证号：略"))).toEqual([["cn-resident-id", "身份证号：略", true]]);
    expect(brief(detect("身份证号:××××××"))).toEqual([["cn-resident-id", "身份证号:××××××", true]]);
    const [m] = detect("身份证号码110105********002x");
    expect(m).toMatchObject({ masked: true, valid: false });
  });

  it("does not read a masked household code as an id", () => {
    expect(detect("家庭编码511623113211******;")).toEqual([]);
  });
});

describe("detectIdentifiers: mobiles", () => {
  it("finds plain, +86, 86 and grouped numbers", () => {
    const text = "手机13812345678，+86 13912345678，8613712345678，138 1234 5678，139-1234-5678";
    expect(detect(text).map((m) => m.value)).toEqual([
      "13812345678",
      "+86 13912345678",
      "8613712345678",
      "138 1234 5678",
      "139-1234-5678",
    ]);
    expect(detect(text).every((m) => m.type === "cn-mobile" && !m.masked && m.valid)).toBe(true);
  });

  it("finds masked mobiles as masked", () => {
    const ms = detect("联系电话138****1234、138xxxx1234、1381234****、139××××5678");
    expect(brief(ms)).toEqual([
      ["cn-mobile", "138****1234", true],
      ["cn-mobile", "138xxxx1234", true],
      ["cn-mobile", "1381234****", true],
      ["cn-mobile", "139××××5678", true],
    ]);
    expect(brief(detect("手机号码(略)"))).toEqual([["cn-mobile", "手机号码(略)", true]]);
  });

  it("ignores mobiles inside longer digit runs", () => {
    expect(detect("213812345678")).toEqual([]);
    expect(detect("138123456789")).toEqual([]);
  });

  it("raises confidence with a phone keyword", () => {
    const bare = detect("13812345678")[0]!;
    const near = detect("手机号13812345678")[0]!;
    expect(near.confidence).toBeGreaterThan(bare.confidence);
  });

  it("marks unlisted segments (154) as not valid", () => {
    expect(detect("15412345678")[0]).toMatchObject({ type: "cn-mobile", valid: false });
  });
});

describe("detectIdentifiers: bank cards", () => {
  it("finds a card right after 卡号 (no \\b)", () => {
    const [m] = detect("卡号6222021234567894的银行卡");
    expect(m).toMatchObject({ type: "bank-card", value: "6222021234567894", start: 2, masked: false, valid: true });
  });

  it("keeps a UnionPay number that fails Luhn, with lower confidence", () => {
    const pass = detect("6222021234567894")[0]!;
    const fail = detect("6222021234567890")[0]!;
    expect(fail).toMatchObject({ type: "bank-card", valid: false });
    expect(fail.confidence).toBeLessThan(pass.confidence);
  });

  it("raises confidence with card keywords within the window", () => {
    const bare = detect("6222021234567894")[0]!.confidence;
    const near = detect("储蓄卡6222021234567894")[0]!.confidence;
    expect(near).toBeGreaterThan(bare);
    const far = detect("储蓄卡" + "。".repeat(60) + "6222021234567894")[0]!.confidence;
    expect(far).toBe(bare);
    const wide = detect("储蓄卡" + "。".repeat(60) + "6222021234567894", { contextWindow: 100 })[0]!.confidence;
    expect(wide).toBe(near);
  });

  it("takes context terms from options, replacing that type's defaults", () => {
    const bare = detect("金卡6222021234567894")[0]!.confidence;
    const custom = detect("金卡6222021234567894", { contextTerms: { "bank-card": ["金卡"] } })[0]!;
    expect(custom.confidence).toBeGreaterThan(bare);
    expect(custom.reasons).toContain("context: 金卡");
    const replaced = detect("卡号6222021234567894", { contextTerms: { "bank-card": ["金卡"] } })[0]!.confidence;
    expect(replaced).toBe(detect("6222021234567894")[0]!.confidence);
    // The defaults are the bundled identifier pack's context words (rules/identifiers.yaml), as an engine's are.
    expect(bundledIdentifierContext()["bank-card"]).toContain("卡号");
  });

  it("finds 16–19 digit cards and cards written in groups", () => {
    expect(detect("账号6228480012345678903")[0]).toMatchObject({ type: "bank-card", valid: true });
    expect(brief(detect("银行卡6222 0212 3456 7894，"))).toEqual([["bank-card", "6222 0212 3456 7894", false]]);
    expect(brief(detect("卡号6228-4800-1234-5678-903"))).toEqual([["bank-card", "6228-4800-1234-5678-903", false]]);
  });

  it("needs Luhn for Visa/Mastercard prefixes", () => {
    expect(brief(detect("信用卡4111111111111111"))).toEqual([["bank-card", "4111111111111111", false]]);
    expect(detect("信用卡4111111111111112")).toEqual([]);
    expect(detect("5200000000000007")[0]!.type).toBe("bank-card");
  });

  it("needs Luhn and a keyword for other prefixes", () => {
    expect(detect("3000000000000004")).toEqual([]);
    expect(detect("卡号3000000000000004")[0]!.type).toBe("bank-card");
    expect(detect("卡号3000000000000005")).toEqual([]);
  });

  it("finds masked cards and last-digit mentions", () => {
    expect(brief(detect("卡号6222********1234"))).toEqual([["bank-card", "6222********1234", true]]);
    expect(brief(detect("卡号6222 **** **** 1234"))).toEqual([["bank-card", "6222 **** **** 1234", true]]);
    expect(brief(detect("转入尾号5678的银行卡"))).toEqual([["bank-card", "尾号5678", true]]);
    expect(brief(detect("其手机尾号4321"))).toEqual([["cn-mobile", "尾号4321", true]]);
    expect(detect("尾号4321")).toEqual([]); // nothing says what it is the tail of
  });
});

describe("detectIdentifiers: e-mail", () => {
  it("finds plain and masked addresses", () => {
    expect(brief(detect("邮箱zhangsan@163.com，z***@qq.com。"))).toEqual([
      ["email", "zhangsan@163.com", false],
      ["email", "z***@qq.com", true],
    ]);
  });

  it("does not read the digits of a QQ mail address as a mobile", () => {
    expect(brief(detect("邮箱13812345678@qq.com"))).toEqual([["email", "13812345678@qq.com", false]]);
  });

  it("ignores things that only look like addresses", () => {
    expect(detect("a@b")).toEqual([]);
    expect(detect("@qq.com")).toEqual([]);
  });
});

describe("detectIdentifiers: false-positive traps", () => {
  it.each([
    ["dates", "2019年3月11日，20190311，2019-03-11"],
    ["timestamps", "时间戳20190311123045678"],
    ["case numbers", "(2019)京0105刑初123号，（2019）京0105刑初12345号"],
    ["money written as a bare number", "人民币13800000000元，共计62220212345678901元，¥15912345678"],
    ["order numbers", "订单号6201903110000123456"],
    ["serial numbers", "交易流水号13812345678，快递单号：15912345678，运单号6222021234567894"],
    ["QQ numbers", "qq号13812345678"],
    ["decimals", "13812345678.5，0.13812345678"],
    ["12-digit numbers", "138123456789"],
    ["counts", "15000000000条"],
  ])("%s", (_name, text) => {
    expect(detect(text)).toEqual([]);
  });

  it("returns matches sorted and never overlapping", () => {
    const ms = detect("手机13812345678，邮箱13912345678@qq.com，身份证11010519491231002x，卡号6222021234567894");
    expect(ms.map((m) => m.type)).toEqual(["cn-mobile", "email", "cn-resident-id", "bank-card"]);
    for (let i = 1; i < ms.length; i++) expect(ms[i]!.start).toBeGreaterThanOrEqual(ms[i - 1]!.end);
  });

  it("gives offsets into the input", () => {
    const text = "被告人张某（身份证号11010519491231002x）使用手机13812345678";
    for (const m of detect(text)) expect(text.slice(m.start, m.end)).toBe(m.value);
  });
});
