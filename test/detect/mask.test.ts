import { describe, expect, it } from "vitest";
import { detectIdentifiers } from "../../src/detect/identifiers.js";
import { maskIdentifier, maskText } from "../../src/detect/mask.js";

describe("maskIdentifier", () => {
  it("keeps area code and last four of a resident id, hides the birth date", () => {
    expect(maskIdentifier("cn-resident-id", "11010519491231002X")).toBe("110105********002X");
    expect(maskIdentifier("cn-resident-id", "11010519491231002x")).toBe("110105********002x");
    expect(maskIdentifier("cn-resident-id", "110105491231002")).toBe("110105******002");
  });

  it("keeps first three and last four of a mobile, and its prefix and separators", () => {
    expect(maskIdentifier("cn-mobile", "13912345678")).toBe("139****5678");
    expect(maskIdentifier("cn-mobile", "+86 13912345678")).toBe("+86 139****5678");
    expect(maskIdentifier("cn-mobile", "8613912345678")).toBe("86139****5678");
    expect(maskIdentifier("cn-mobile", "139-1234-5678")).toBe("139-****-5678");
  });

  it("keeps first and last four of a card", () => {
    expect(maskIdentifier("bank-card", "6222021234567894")).toBe("6222********7894");
    expect(maskIdentifier("bank-card", "6222 0212 3456 7894")).toBe("6222 **** **** 7894");
    expect(maskIdentifier("bank-card", "6228480012345678903")).toBe("6228***********8903");
  });

  it("keeps the first letter and the domain of an e-mail address", () => {
    expect(maskIdentifier("email", "zhangsan@qq.com")).toBe("z*******@qq.com");
    expect(maskIdentifier("email", "z@qq.com")).toBe("*@qq.com");
    expect(maskIdentifier("email", "13812345678@qq.com")).toBe("1**********@qq.com");
  });

  it("keeps already masked values as they are", () => {
    expect(maskIdentifier("cn-mobile", "138****1234")).toBe("138****1234");
    expect(maskIdentifier("cn-resident-id", "110105********002x")).toBe("110105********002x");
    expect(maskIdentifier("bank-card", "尾号1234")).toBe("尾号1234");
    expect(maskIdentifier("email", "z***@qq.com")).toBe("z***@qq.com");
  });

  it("always hides something of a short value", () => {
    expect(maskIdentifier("bank-card", "12345678")).toBe("******78");
  });

  it("preserves length", () => {
    for (const [type, v] of [
      ["cn-resident-id", "11010519491231002X"],
      ["cn-mobile", "+86 13912345678"],
      ["bank-card", "6222 0212 3456 7894"],
      ["email", "someone@example.org"],
    ] as const) {
      expect(maskIdentifier(type, v)).toHaveLength(v.length);
    }
  });
});

describe("maskText", () => {
  const text =
    "被告人张某（身份证号11010519491231002x）使用手机13812345678、邮箱zhangsan@163.com，将卡号6222 0212 3456 7894的银行卡出售。";

  it("masks every unmasked identifier and keeps length and offsets", () => {
    const masked = maskText(text);
    expect(masked).toBe(
      "被告人张某（身份证号110105********002x）使用手机138****5678、邮箱z*******@163.com，将卡号6222 **** **** 7894的银行卡出售。",
    );
    expect(masked).toHaveLength(text.length);
    expect(detectIdentifiers(masked).every((m) => m.masked)).toBe(true);
  });

  it("leaves text without identifiers and masked identifiers untouched", () => {
    const plain = "被告人张某（身份证号码（略））手机138****1234，尾号5678的银行卡。(2019)京0105刑初123号";
    expect(maskText(plain)).toBe(plain);
    expect(maskText("")).toBe("");
  });

  it("works on original text: fullwidth digits and uppercase check characters", () => {
    const original = "身份证号１１０１０５１９４９１２３１００２Ｘ，手机１３８１２３４５６７８";
    expect(maskText(original)).toBe("身份证号１１０１０５********００２Ｘ，手机１３８****５６７８");
  });

  it("also masks invalid ids that are reported", () => {
    expect(maskText("公民身份号码为110105194912310021的")).toBe("公民身份号码为110105********0021的");
  });
});

describe("maskIdentifier on values that only look masked", () => {
  it("masks e-mail addresses with xx in them and fullwidth digits", () => {
    expect(maskIdentifier("email", "maxx@qq.com")).toBe("m***@qq.com");
    expect(maskIdentifier("cn-mobile", "１３８１２３４５６７８")).toBe("１３８****５６７８");
  });
});
