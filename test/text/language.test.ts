import { describe, expect, it } from "vitest";
import { detectLanguage, normalize } from "../../src/text/index.js";

describe("detectLanguage", () => {
  it("recognises Chinese and English documents", () => {
    expect(detectLanguage("被告人张某非法获取公民个人信息4万余条，违法所得人民币3万余元。")).toBe("zh");
    expect(detectLanguage("The defendant sold 40,000 records of personal information to fraudsters.")).toBe("en");
  });

  it("keeps a Chinese judgment that quotes English names Chinese", () => {
    expect(detectLanguage("被告人通过Telegram和WeChat向他人出售Apple ID账号及公民个人信息。")).toBe("zh");
  });

  it("keeps an English filing that quotes a Chinese name English", () => {
    expect(detectLanguage("The defendant Zhang San (张三) sold bank card data to a fraud ring in 2021.")).toBe("en");
  });

  it("counts fullwidth Latin letters as Latin and defaults to zh without letters", () => {
    expect(detectLanguage("ＴＨＥ ＤＥＦＥＮＤＡＮＴ ＳＯＬＤ ＤＡＴＡ")).toBe("en");
    expect(detectLanguage("13812345678 ***")).toBe("zh");
    expect(detectLanguage("")).toBe("zh");
  });

  it("reads traditional documents as Chinese, before or after normalization", () => {
    const s = "被告人張某非法獲取公民個人資料";
    expect(detectLanguage(s)).toBe("zh");
    expect(detectLanguage(normalize(s).text)).toBe("zh");
  });
});
