// Rule packs: read (loadRules does the I/O), parse, validate, apply defaults.
// Every problem in every file is collected and reported at once, each with its file and rule id.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorObject } from "ajv";
import { RuleError, type RuleProblem } from "../errors.js";
import { normalize } from "../text/index.js";
import { MAX_POSITIONS, regexShape } from "./regex-safety.js";
import { DECIDED_KINDS, checkCalibration, type Calibration, type DecidedKind, type DimensionDecision } from "./calibration.js";
import { packSchema, RULE_KINDS } from "./schema.js";
import type { Dimension, LoadedKind, PackSpec, Rule, RuleSet, RuleSpec, TermForms } from "./types.js";

/** The packs shipped with caseflag: <package>/rules. */
export const BUNDLED_RULES_DIR = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../rules");

/**
 * An analyst's own packs (terms accepted from `caseflag keywords`), relative to the directory a
 * command runs in. The CLI loads them beside the bundled packs whenever the folder exists; a library
 * caller passes rules explicitly.
 */
export const LOCAL_RULES_DIR = join("rules", "local");

/** The bundled packs plus `<cwd>/rules/local` when that folder exists; undefined = the bundled packs alone. */
export function defaultRulePaths(cwd: string): string[] | undefined {
  const local = resolve(cwd, LOCAL_RULES_DIR);
  if (!existsSync(local) || local === BUNDLED_RULES_DIR) return undefined;
  return [BUNDLED_RULES_DIR, local];
}
/**
 * The bundled packs, validated at build time (npm run build writes it). Validation (ajv, yaml) is
 * most of a one-file scan's start-up, so a load whose files hash the same reuses it.
 */
export const RULES_CACHE_FILE = resolve(fileURLToPath(new URL(".", import.meta.url)), "../rules-cache.json");

// ajv, yaml and re2 load only when packs really need parsing (not on a cache hit).
const require = createRequire(import.meta.url);

/** Kinds whose rules feed a dimension (negation, zone and identifier rules feed none). */
const KINDS_WITH_DIMENSIONS: ReadonlySet<string> = new Set(RULE_KINDS.filter((k) => k !== "negation" && k !== "zone" && k !== "identifier"));
/** Kinds whose dimensions are decided (found or signal): hint and counter rules feed only these. */
const DECIDED: ReadonlySet<string> = new Set(DECIDED_KINDS);
const DEFAULT_WEIGHT = 20;
const DEFAULT_WINDOW = 30;
const DEFAULT_NEGATION_SCOPE = 12;

export interface PackFile {
  file: string;
  text: string;
}

/**
 * The context words of identifier rules (context.boost, normalized), by detector: what raises an
 * identifier detector's confidence, and what some candidates need at all (a 15-digit legacy id, a
 * card of another prefix). The engine takes them from the packs it loaded.
 */
export function identifierContextOf(rules: readonly Pick<Rule, "kind" | "detector" | "context">[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rule of rules) {
    if (rule.kind !== "identifier" || !rule.detector) continue;
    const terms = [...(rule.context.boost?.zh ?? []), ...(rule.context.boost?.en ?? [])].map((t) => normalize(t).text);
    out[rule.detector] = [...(out[rule.detector] ?? []), ...terms];
  }
  return out;
}

let bundledContext: Record<string, string[]> | undefined;

/**
 * identifierContextOf the bundled identifier pack (rules/identifiers.yaml, validated by the build):
 * for finding and masking identifiers where no engine is at hand (a path in a log line).
 */
export function bundledIdentifierContext(): Record<string, string[]> {
  if (!bundledContext) {
    const { parse } = require("yaml") as typeof import("yaml");
    const pack = parse(readFileSync(join(BUNDLED_RULES_DIR, "identifiers.yaml"), "utf8")) as PackSpec;
    const rules = (pack.rules ?? []).map((r) => ({ kind: r.kind ?? pack.kind, detector: r.detector ?? null, context: { boost: r.context?.boost ?? null } }));
    bundledContext = identifierContextOf(rules as Pick<Rule, "kind" | "detector" | "context">[]);
  }
  return bundledContext;
}

/** Read every *.yaml under the given directories (or files) and parse them into one RuleSet. */
export async function loadRules(paths: string[] = [BUNDLED_RULES_DIR]): Promise<RuleSet> {
  const files: PackFile[] = [];
  const problems: RuleProblem[] = [];
  const calibrations: { file: string; text: string }[] = [];
  for (const p of paths) {
    let names: string[];
    try {
      const all = await readdir(p);
      names = all.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(p, n));
      if (all.includes(CALIBRATION_FILE)) {
        const file = join(p, CALIBRATION_FILE);
        try {
          calibrations.push({ file, text: await readFile(file, "utf8") });
        } catch (error) {
          problems.push({ file, message: `cannot read: ${(error as Error).message}` });
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOTDIR") names = [p];
      else {
        problems.push({ file: p, message: `cannot read rules: ${(error as Error).message}` });
        continue;
      }
    }
    for (const name of names) {
      try {
        files.push({ file: name, text: await readFile(name, "utf8") });
      } catch (error) {
        problems.push({ file: name, message: `cannot read: ${(error as Error).message}` });
      }
    }
  }
  if (problems.length > 0) throw new RuleError(problems);
  const set = readCache(files) ?? parseRulePacks(files);
  const calibration = parseCalibrations(calibrations);
  return calibration ? { ...set, calibration } : set;
}

/** The decision thresholds and confidence curves a rule folder carries (src/rules/calibration.ts). */
export const CALIBRATION_FILE = "calibration.json";

/**
 * Calibration files in folder order; a later folder's entries replace an earlier one's, dimension
 * by dimension. A file that does not parse or check is a rule error naming it.
 */
export function parseCalibrations(files: { file: string; text: string }[]): Calibration | undefined {
  let out: Calibration | undefined;
  const problems: RuleProblem[] = [];
  for (const { file, text } of files) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      problems.push({ file, message: `JSON: ${(error as Error).message}` });
      continue;
    }
    const found = checkCalibration(value);
    if (found.length > 0) {
      for (const message of found) problems.push({ file, message });
      continue;
    }
    const c = value as Calibration;
    if (!out) out = { dimensions: {} };
    for (const [kind, byId] of Object.entries(c.dimensions) as [DecidedKind, Record<string, DimensionDecision>][]) {
      out.dimensions[kind] = { ...(out.dimensions[kind] ?? {}), ...byId };
    }
    if (c.insider) out.insider = c.insider;
    if (c.leakScore) out.leakScore = c.leakScore;
    if (c.note !== undefined) out.note = c.note;
  }
  if (problems.length > 0) throw new RuleError(problems);
  return out;
}

interface RulesCache {
  key: string;
  termForms?: TermForms;
  rules: Rule[];
  dimensions: [LoadedKind, Dimension[]][];
}

/** Identity of a set of pack files: names and contents, not where the checkout lives. */
export function rulesKey(files: PackFile[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(basename(f.file)).update("\0").update(f.text).update("\0");
  return h.digest("hex");
}

/** What npm run build stores for the bundled packs. */
export function serializeRuleSet(files: PackFile[], set: RuleSet, termForms?: TermForms): string {
  const cache: RulesCache = {
    key: rulesKey(files),
    ...(termForms ? { termForms } : {}),
    rules: set.rules.map((r) => ({ ...r, file: basename(r.file) })),
    dimensions: [...set.dimensions].map(([kind, byId]) => [kind, [...byId.values()].map((d) => ({ ...d, file: basename(d.file) }))]),
  };
  return JSON.stringify(cache);
}

function readCache(files: PackFile[]): RuleSet | null {
  if (files.length === 0) return null;
  const dir = dirname(files[0]!.file);
  if (files.some((f) => dirname(f.file) !== dir)) return null;
  let cache: RulesCache;
  try {
    cache = JSON.parse(readFileSync(RULES_CACHE_FILE, "utf8")) as RulesCache;
  } catch {
    return null;
  }
  if (cache.key !== rulesKey(files)) return null;
  return {
    ...(cache.termForms ? { termForms: cache.termForms } : {}),
    rules: cache.rules.map((r) => ({ ...r, file: join(dir, r.file) })),
    dimensions: new Map(
      cache.dimensions.map(([kind, dims]) => [kind, new Map(dims.map((d) => [d.id, { ...d, file: join(dir, d.file) }]))]),
    ),
    files: files.map((f) => f.file),
  };
}

type Validate = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validatePack: Validate | undefined;

/** Pure: pack texts in, a validated RuleSet out (or a RuleError listing every problem). */
export function parseRulePacks(files: PackFile[]): RuleSet {
  if (!validatePack) {
    const { Ajv } = require("ajv") as typeof import("ajv");
    validatePack = new Ajv({ allErrors: true, strict: false }).compile(packSchema) as Validate;
  }
  const { parseDocument } = require("yaml") as typeof import("yaml");
  const problems: RuleProblem[] = [];
  const packs: { file: string; pack: PackSpec }[] = [];

  for (const { file, text } of files) {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        problems.push({ file, message: `YAML: ${e.message.split("\n")[0]}` });
      }
      continue;
    }
    let value: unknown;
    try {
      // maxAliasCount: a rule pack has no use for aliases past a handful; an alias bomb stops here.
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ file, message: `YAML: ${(err as Error).message.split("\n")[0]}` });
      continue;
    }
    if (!validatePack(value)) {
      for (const e of validatePack.errors ?? []) problems.push(schemaProblem(file, value, e));
      continue;
    }
    packs.push({ file, pack: value as PackSpec });
  }

  const dimensions = new Map<LoadedKind, Map<string, Dimension>>();
  for (const { file, pack } of packs) {
    for (const d of pack.dimensions ?? []) {
      const byId = dimensions.get(pack.kind) ?? new Map<string, Dimension>();
      dimensions.set(pack.kind, byId);
      const prior = byId.get(d.id);
      if (prior) {
        problems.push({ file, message: `dimension ${pack.kind}/${d.id} already declared in ${basename(prior.file)}` });
        continue;
      }
      byId.set(d.id, { ...d, kind: pack.kind, file });
    }
  }

  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const { file, pack } of packs) {
    for (const spec of pack.rules) {
      const rule = toRule(spec, pack, file);
      const prior = seen.get(rule.id);
      if (prior) problems.push({ file, ruleId: rule.id, message: `duplicate rule id (also in ${basename(prior)})` });
      seen.set(rule.id, file);
      problems.push(...checkRule(rule, dimensions));
      rules.push(rule);
    }
  }
  for (const [kind, byId] of dimensions) {
    for (const d of byId.values()) {
      if (d.parent !== undefined && !byId.has(d.parent)) {
        problems.push({ file: d.file, message: `dimension ${kind}/${d.id}: parent "${d.parent}" is not declared` });
      }
      if (kind === "info-type" && d.tier === undefined) {
        problems.push({ file: d.file, message: `dimension info-type/${d.id} needs a tier (A, B or C)` });
      }
    }
  }
  if (problems.length > 0) throw new RuleError(problems);
  return { rules, dimensions, files: files.map((f) => f.file) };
}

function toRule(spec: RuleSpec, pack: PackSpec, file: string): Rule {
  const kind = spec.kind ?? pack.kind;
  return {
    id: spec.id,
    kind,
    target: spec.target ?? spec.detector ?? "",
    weight: spec.weight ?? DEFAULT_WEIGHT,
    terms: { zh: spec.terms?.zh ?? [], en: spec.terms?.en ?? [] },
    boundary: spec.boundary ?? "substring",
    patterns: spec.patterns ?? [],
    context: {
      window: spec.context?.window ?? DEFAULT_WINDOW,
      suppressIn: spec.context?.suppressIn ?? "window",
      require: spec.context?.require ?? null,
      boost: spec.context?.boost ?? null,
      suppress: spec.context?.suppress ?? null,
    },
    exclude: spec.exclude ?? null,
    detector: spec.detector ?? null,
    scope: spec.scope ?? DEFAULT_NEGATION_SCOPE,
    until: spec.until ?? "sentence",
    reach: { before: spec.reach?.before ?? -1, after: spec.reach?.after ?? -1 },
    channel: spec.channel ?? false,
    proceedings: spec.proceedings ?? null,
    extend: spec.extend ?? null,
    marker: spec.marker ?? false,
    hint: spec.hint ?? false,
    counter: spec.counter ?? false,
    spare: spec.spare ?? null,
    close: spec.close ?? null,
    examples: { match: spec.examples?.match ?? [], noMatch: spec.examples?.noMatch ?? [] },
    file,
  };
}

function checkRule(rule: Rule, dimensions: Map<LoadedKind, Map<string, Dimension>>): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const at = (message: string): void => {
    problems.push({ file: rule.file, ruleId: rule.id, message });
  };
  const hasTerms = rule.terms.zh.length + rule.terms.en.length > 0;
  if (rule.kind === "identifier") {
    if (rule.detector === null) at("identifier rules need a detector");
  } else if (!hasTerms && rule.patterns.length === 0) {
    at("a rule needs terms or patterns");
  }
  if (KINDS_WITH_DIMENSIONS.has(rule.kind)) {
    if (rule.target === "") at("target is required for this kind");
    else if (!dimensions.get(rule.kind)?.has(rule.target)) {
      at(`target "${rule.target}" is not a declared ${rule.kind} dimension`);
    }
  }
  rule.patterns.forEach((p, i) => {
    try {
      const RE2 = require("re2") as typeof import("re2");
      new RE2(p.regex, "g" + (p.flags ?? "").replace(/g/g, "") + "u");
    } catch (error) {
      at(`patterns[${i}]: regex does not compile on the linear-time engine (RE2): ${(error as Error).message}`);
      return;
    }
    // Linear time is not cheap time: RE2's cost per character grows with the expanded pattern.
    const { positions } = regexShape(p.regex);
    if (positions === Infinity) {
      at(`patterns[${i}]: regex uses syntax whose matching cost cannot be checked (inline flags, unknown escapes); rewrite it without`);
    } else if (positions > MAX_POSITIONS) {
      at(
        `patterns[${i}]: regex expands to ${positions} positions (limit ${MAX_POSITIONS}): matching costs that much per character; narrow its repetition counts`,
      );
    }
  });
  if (rule.reach.before >= 0 || rule.reach.after >= 0) {
    if (rule.kind !== "party") at("reach is for party rules");
  } else if (rule.kind === "party" && rule.target !== "person" && rule.target !== "subject") {
    at("a party cue needs a reach (before and/or after)");
  }
  if (rule.channel && rule.kind !== "industry") at("channel is for industry rules");
  if (rule.extend && rule.kind !== "source") at("extend is for source rules");
  if (rule.marker && rule.kind !== "party" && rule.kind !== "source") at("marker is for party and source rules");
  // A marker's matches are looked up by position (detect/markers.ts), which reads `exclude` only.
  if (rule.marker && (rule.context.require || rule.context.boost || rule.context.suppress)) at("a marker rule takes no context (require, boost, suppress): use exclude");
  if (rule.spare && rule.kind !== "zone") at("spare is for zone rules");
  if (rule.close && rule.kind !== "zone") at("close is for zone rules");
  if ((rule.hint || rule.counter) && !DECIDED.has(rule.kind)) at("hint and counter are for crime, info-type, industry, group and region rules");
  if (rule.hint && rule.counter) at("a rule is a hint or counter-evidence, not both");
  if (rule.examples.match.length === 0) at("examples.match needs at least one example");
  return problems;
}

function schemaProblem(file: string, value: unknown, e: ErrorObject): RuleProblem {
  const m = /^\/rules\/(\d+)(.*)$/.exec(e.instancePath);
  let ruleId: string | undefined;
  if (m) {
    const rules = (value as { rules?: { id?: unknown }[] }).rules;
    const id = rules?.[Number(m[1])]?.id;
    if (typeof id === "string") ruleId = id;
  }
  const detail =
    e.keyword === "additionalProperties"
      ? `unknown field "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
      : e.keyword === "enum"
        ? `${e.message ?? "invalid"}: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`
        : (e.message ?? "invalid");
  const problem: RuleProblem = { file, path: e.instancePath || "/", message: detail };
  if (ruleId !== undefined) problem.ruleId = ruleId;
  return problem;
}
