import { describe, expect, it } from "vitest";
import { extractVictims } from "../../src/detect/victims.js";

describe("victim counts", () => {
  it("reads counts of people in the ways judgments write them", () => {
    const counts = (t: string) => extractVictims(t).map((v) => [v.count, v.approximate]);
    expect(counts("共骗取被害人30余名钱款")).toEqual([[30, true]]);
    expect(counts("先后向120余名老年人推销")).toEqual([[120, true]]);
    expect(counts("致使二十余位老人被骗")).toEqual([[20, true]]);
    expect(counts("被害人共计1,200人")).toEqual([[1200, false]]);
    expect(counts("诈骗50户")).toEqual([[50, false]]);
    expect(counts("骗取数十名老年人钱款")).toEqual([[20, true]]);
    expect(counts("被害人数百人")).toEqual([[200, true]]);
    expect(counts("被害人数为5人")).toEqual([]);
  });

  it("does not count defendants, objects or article numbers", () => {
    expect(extractVictims("被告人张某等3名被告人，持刀2把，依照刑法第二百六十六条")).toEqual([]);
    expect(extractVictims("3名民警到场")).toEqual([]);
  });
});
