// Labelled documents as eval and the calibration fit read them: which labels a document carries,
// and which part of the data it belongs to. The held-out part is fixed by position, never by
// content: a CAIL fact whose JSONL line number is divisible by `every`, a typical case whose
// leading number is (004, 008, …). Thresholds and curves are fitted on the rest.
import type { RuleSet } from "../rules/types.js";
import type { Document } from "../types.js";
import { createChargeMap } from "./evaluate.js";
import { cailLabels, typicalLabels, type LabelSet } from "./labels.js";
import { isTypicalExpect, splitOf } from "./typical.js";

export type Part = "fit" | "heldOut";

/** The default: every fourth line or case is held out. */
export const HOLDOUT_EVERY = 4;

export interface LabelledDoc {
  format: "cail" | "typical";
  labels: LabelSet;
  part: Part;
  /** The document's number (CAIL line, typical case number) modulo `every`: its fold in cross-validation; 0 is the held-out part. */
  fold: number;
}

export function createLabeller(rules: RuleSet, every = HOLDOUT_EVERY): (doc: Document, index: number) => LabelledDoc | null {
  const chargeMap = createChargeMap(rules);
  const crimes = rules.dimensions.get("crime");
  const parentOf = (id: string): string | undefined => crimes?.get(id)?.parent;
  return (doc, index) => {
    const acc = doc.meta["accusation"];
    const expect = doc.meta["expect"];
    if (Array.isArray(acc)) {
      const line = lineOf(doc.source) ?? index + 1;
      return { format: "cail", labels: cailLabels(acc.map(String), chargeMap, parentOf), part: line % every === 0 ? "heldOut" : "fit", fold: line % every };
    }
    if (isTypicalExpect(expect)) {
      const n = Number(/^(\d+)/.exec(doc.id)?.[1] ?? index + 1);
      return { format: "typical", labels: typicalLabels(expect, parentOf), part: splitOf(doc.id, every) === "heldOut" ? "heldOut" : "fit", fold: n % every };
    }
    return null;
  };
}

/** "dump.jsonl:12" → 12. */
function lineOf(source: string): number | undefined {
  const m = /:(\d+)$/.exec(source);
  return m ? Number(m[1]) : undefined;
}
