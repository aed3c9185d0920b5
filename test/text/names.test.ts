// Name masking, in one place for the scan's defendants and leakers, the case card and keyword capture.
import { describe, expect, it } from "vitest";
import { hasMask, maskName, maskNameInPlace, nameOccurrences, surnameLength } from "../../src/text/names.js";

describe("name masking", () => {
  it("keeps the surname and masks the rest; a masked name stays as the source wrote it", () => {
    expect(maskName("董源")).toBe("董某");
    expect(maskName("梁晓红")).toBe("梁某");
    expect(maskName("董源（化名）")).toBe("董某");
    for (const m of ["李某某", "王×1", "张某", "李x1", "赵*"]) expect(maskName(m), m).toBe(m);
  });

  it("keeps a compound surname when told which ones there are", () => {
    const compound = new Set(["欧阳", "司马"]);
    expect(maskName("欧阳晓红", compound)).toBe("欧阳某");
    expect(maskName("欧阳晓红")).toBe("欧某");
    // Two characters are a surname and a given name, whatever the first two could be.
    expect(surnameLength("欧阳", compound)).toBe(1);
    expect(surnameLength("司马光", compound)).toBe(2);
  });

  it("masks in place at the name's own length, so offsets into the text hold", () => {
    expect(maskNameInPlace("梁晓红")).toBe("梁某某");
    expect(maskNameInPlace("欧阳晓红", new Set(["欧阳"]))).toBe("欧阳某某");
    expect(maskNameInPlace("张某")).toBe("张某");
    const text = "被告人梁晓红将信息出售";
    expect(text.replace("梁晓红", maskNameInPlace("梁晓红")).length).toBe(text.length);
  });

  it("knows the mask characters", () => {
    for (const m of ["张某", "王某某", "某甲", "李×1", "赵*", "钱○○"]) expect(hasMask(m), m).toBe(true);
    for (const w of ["董源", "接码", "社工库"]) expect(hasMask(w), w).toBe(false);
  });
});

describe("nameOccurrences", () => {
  const text = "张某系某银行柜员。张某将信息卖给李某，张某获利。";
  it("finds every start of a name, in order, up to a cap and before a position", () => {
    expect(nameOccurrences(text, "张某", 10)).toEqual([0, 9, 19]);
    expect(nameOccurrences(text, "张某", 2)).toEqual([0, 9]);
    expect(nameOccurrences(text, "张某", Infinity, 19)).toEqual([0, 9]);
    expect(nameOccurrences(text, "王某", 10)).toEqual([]);
    expect(nameOccurrences(text, "", 10)).toEqual([]);
  });
});
