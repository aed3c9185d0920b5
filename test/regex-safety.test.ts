import { describe, expect, it } from "vitest";
import { isBoundedRegex } from "../src/rules/regex-safety.js";

describe("bounded regexes (may run on V8)", () => {
  it("accepts bounded, unnested quantifiers", () => {
    expect(isBoundedRegex("以[^，,。；;]{1,25}为(?:由|名|借口)")).toBe(true);
    expect(isBoundedRegex("(?:信息|记录)[^,，。]{0,4}(?:\\d{1,9}(?:\\.\\d{1,3})?|[一二三]{1,5})(?:万|千)?(?:余|多)?[条份]")).toBe(false);
    expect(isBoundedRegex("\\p{Han}{2,4}(?:省|自治区)?")).toBe(true);
    expect(isBoundedRegex("a?b{3}[*+]{0,2}")).toBe(true);
  });

  it("refuses unbounded or nested quantifiers, and what it cannot read", () => {
    expect(isBoundedRegex("a+")).toBe(false);
    expect(isBoundedRegex("[^。]*信息")).toBe(false);
    expect(isBoundedRegex("a{2,}")).toBe(false);
    expect(isBoundedRegex("a{0,1000}")).toBe(false);
    expect(isBoundedRegex("(?:ab?){0,5}")).toBe(false);
    expect(isBoundedRegex("((a){0,3}){0,3}")).toBe(false);
    expect(isBoundedRegex("(a|b")).toBe(false);
    expect(isBoundedRegex("[abc")).toBe(false);
  });
});
