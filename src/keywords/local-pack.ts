// The analyst's loop back into the packs (pure: texts in, texts out; the CLI does the I/O).
//
// `accept` moves terms from a candidates file (`caseflag keywords --out`) into the local pack
// rules/local/accepted.yaml: one rule per rule the terms would join (local.<that rule's id>, with the
// candidate's kind, target and weight), or per target for terms that join none
// (local.<kind>.<target>), each term's example sentences added to the rule's examples. Bundled
// packs stay as they are; the local pack is loaded beside them (rules/load.ts defaultRulePaths).
// `reject` adds terms to rules/local/rejected.txt, which keyword capture reads: never proposed again.
import { parse as parseYaml, stringify } from "yaml";
import { UsageError } from "../errors.js";
import { normalize } from "../text/index.js";
import { parseWordList } from "./lexicon.js";

export const ACCEPTED_FILE = "accepted.yaml";
export const REJECTED_FILE = "rejected.txt";

interface PackRule {
  id: string;
  kind?: string;
  target: string;
  weight: number;
  description?: string;
  terms: { zh?: string[]; en?: string[] };
  examples: { match: string[]; noMatch?: string[] };
}

interface Pack {
  kind: string;
  description?: string;
  dimensions?: unknown[];
  rules: PackRule[];
}

export interface AcceptResult {
  /** The local pack's new text. */
  text: string;
  accepted: { term: string; ruleId: string; created: boolean }[];
  /** Terms already in the local pack. */
  already: string[];
}

const JOINS = /joins rule ([a-z0-9][a-z0-9.-]*)/;

const HEADER = [
  "# Local rule pack: terms accepted from `caseflag keywords` candidates (caseflag keywords accept).",
  "# Loaded beside the bundled packs by scan, batch, worker, eval and rules when run from the folder",
  "# holding rules/local/. It declares no dimensions: its rules feed the bundled packs' dimensions",
  "# (declare new ones of this pack's kind under `dimensions:` if you add rules for them).",
  "",
].join("\n");

function readPack(text: string, what: string): Pack {
  let pack: unknown;
  try {
    pack = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${what}: not YAML: ${(error as Error).message}`);
  }
  if (pack === null || typeof pack !== "object" || !Array.isArray((pack as Pack).rules)) {
    throw new UsageError(`${what}: not a rule pack (no rules: list)`);
  }
  return pack as Pack;
}

const termsOf = (r: PackRule): string[] => [...(r.terms.zh ?? []), ...(r.terms.en ?? [])];

/** Adds `terms` (as written in the candidates file) from `candidatesText` to the local pack `localText` (null: none yet). */
export function acceptTerms(localText: string | null, candidatesText: string, terms: string[], candidatesName = "candidates"): AcceptResult {
  const candidates = readPack(candidatesText, candidatesName);
  const local: Pack = localText === null ? { kind: candidates.kind, dimensions: [], rules: [] } : readPack(localText, ACCEPTED_FILE);
  const defaultKind = local.kind;
  const known = new Set(local.rules.flatMap((r) => termsOf(r).map((t) => normalize(t).text)));
  const result: AcceptResult = { text: "", accepted: [], already: [] };
  for (const raw of terms) {
    const term = normalize(raw).text;
    if (known.has(term)) {
      result.already.push(raw);
      continue;
    }
    const cand = candidates.rules.find((r) => termsOf(r).some((t) => normalize(t).text === term));
    if (cand === undefined) {
      const listed = candidates.rules.flatMap(termsOf);
      throw new UsageError(`"${raw}" is not a candidate in ${candidatesName} (candidates: ${listed.join(", ") || "none"})`);
    }
    const kind = cand.kind ?? candidates.kind;
    const joins = JOINS.exec(cand.description ?? "")?.[1];
    const id = joins !== undefined ? `local.${joins}` : `local.${kind}.${cand.target}`;
    const lang: "zh" | "en" = (cand.terms.zh ?? []).some((t) => normalize(t).text === term) ? "zh" : "en";
    let rule = local.rules.find((r) => r.id === id);
    const created = rule === undefined;
    if (rule === undefined) {
      rule = {
        id,
        ...(kind !== defaultKind ? { kind } : {}),
        target: cand.target,
        weight: cand.weight,
        description: joins !== undefined ? `accepted keywords; they join ${joins}` : `accepted keywords for ${kind}/${cand.target}`,
        terms: {},
        examples: { match: [] },
      };
      local.rules.push(rule);
    }
    const written = termsOf(cand).find((t) => normalize(t).text === term) ?? raw;
    rule.terms[lang] = [...(rule.terms[lang] ?? []), written];
    for (const e of cand.examples.match) if (!rule.examples.match.includes(e)) rule.examples.match.push(e);
    known.add(term);
    result.accepted.push({ term: written, ruleId: id, created });
  }
  result.text = HEADER + stringify(local, { lineWidth: 0 });
  return result;
}

/** Rejected terms, normalized. */
export function parseRejected(text: string): Set<string> {
  return new Set(parseWordList(text).map((w) => normalize(w).text));
}

/** The rejected list with `terms` added (those not there yet); `added` says which were new. */
export function rejectTerms(text: string | null, terms: string[]): { text: string; added: string[] } {
  const base =
    text ??
    "# Terms rejected with `caseflag keywords reject`: keyword capture never proposes them again.\n# One or more a line; `#` starts a comment. Delete a line to let a term be proposed again.\n";
  const have = parseRejected(base);
  const added: string[] = [];
  for (const t of terms) {
    const n = normalize(t).text;
    if (have.has(n)) continue;
    have.add(n);
    added.push(t);
  }
  const sep = base.length === 0 || base.endsWith("\n") ? "" : "\n";
  return { text: base + sep + added.map((t) => t + "\n").join(""), added };
}

/** Removes accepted terms from the rejected list (a reviewer changed their mind). */
export function unreject(text: string, terms: string[]): string {
  const drop = new Set(terms.map((t) => normalize(t).text));
  return text
    .split("\n")
    .map((line) => {
      if (line.trimStart().startsWith("#")) return line;
      const [body = "", comment] = line.split(/(#.*)$/);
      const kept = body.split(/\s+/).filter((w) => w !== "" && !drop.has(normalize(w).text));
      return kept.join(" ") + (comment !== undefined ? (kept.length > 0 ? " " : "") + comment : "");
    })
    .filter((line, i, all) => line !== "" || i === all.length - 1)
    .join("\n");
}
