import { describe, expect, it } from "vitest";
import { normalize, stemPhrase, tokenizeEnglish } from "../../src/text/index.js";

describe("tokenizeEnglish", () => {
  it("gives offsets into the given text and Porter stems", () => {
    const text = "The defendant was selling  Banks' customer records.";
    const tokens = tokenizeEnglish(text);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    const byText = new Map(tokens.map((t) => [t.text, t.stem]));
    expect(byText.get("Banks")).toBe("bank");
    expect(byText.get("selling")).toBe("sell");
    expect(byText.get("records")).toBe("record");
    expect(byText.get("defendant")).toBe("defend");
  });

  it("drops whitespace but keeps punctuation, so phrases cannot match across a full stop", () => {
    const tokens = tokenizeEnglish("credit.\n\tReport  card");
    expect(tokens.map((t) => t.text)).toEqual(["credit", ".", "Report", "card"]);
    expect(tokens.map((t) => t.start)).toEqual([0, 6, 9, 17]);
  });

  it("keeps hyphenated words and decimal numbers whole", () => {
    const tokens = tokenizeEnglish("bank-card numbers: 3.5 million");
    expect(tokens.map((t) => t.text)).toEqual(["bank-card", "numbers", ":", "3.5", "million"]);
  });

  it("works on normalized text and maps back through the offset map", () => {
    const n = normalize("ＳＥＬＬＩＮＧ ﬁnancial DATA");
    const tokens = tokenizeEnglish(n.text);
    expect(tokens.map((t) => t.stem)).toEqual(["sell", "financi", "data"]);
    const fin = tokens[1]!;
    const span = n.spanToOriginal(fin.start, fin.end);
    expect(n.original.slice(span.start, span.end)).toBe("ﬁnancial");
  });

  it("returns nothing for empty or blank text", () => {
    expect(tokenizeEnglish("")).toEqual([]);
    expect(tokenizeEnglish(" \n\t ")).toEqual([]);
  });
});

describe("stemPhrase", () => {
  it("tokenizes and stems rule terms exactly like documents", () => {
    expect(stemPhrase("Credit Reports")).toEqual(["credit", "report"]);
    expect(stemPhrase("selling bank cards")).toEqual(["sell", "bank", "card"]);
    const doc = tokenizeEnglish("he kept selling bank cards to a gang").map((t) => t.stem);
    expect(doc.join(" ")).toContain(stemPhrase("Sells Bank Card").join(" "));
  });
});
