// Run by `npm run build`: validate the bundled packs once and store them for fast start-up.
// A pack that fails validation fails the build here, not a user's run.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RuleError } from "#caseflag/errors.js";
import { normalize, stemPhrase } from "#caseflag/text/index.js";
import { BUNDLED_RULES_DIR, RULES_CACHE_FILE, parseRulePacks, serializeRuleSet } from "#caseflag/rules/load.js";
import type { RuleSet, TermForms, TermLists } from "#caseflag/rules/types.js";

/** The forms compile.ts would compute at every start-up: Chinese terms normalized, English stemmed. */
function termFormsOf(set: RuleSet): TermForms {
  const forms: TermForms = { zh: {}, en: {} };
  const add = (lists: TermLists | null | undefined, zhToo: string[] = []): void => {
    for (const t of [...(lists?.zh ?? []), ...zhToo]) forms.zh[t] ??= normalize(t).text;
    for (const t of lists?.en ?? []) forms.en[t] ??= stemPhrase(t);
  };
  for (const r of set.rules) {
    add(r.terms);
    add(r.context.require);
    add(r.context.boost);
    add(r.context.suppress);
    add(r.exclude);
    add(null, r.patterns.flatMap((p) => p.keywords));
  }
  return forms;
}

const files = readdirSync(BUNDLED_RULES_DIR)
  .filter((n) => /\.ya?ml$/.test(n))
  .sort()
  .map((n) => ({ file: join(BUNDLED_RULES_DIR, n), text: readFileSync(join(BUNDLED_RULES_DIR, n), "utf8") }));
try {
  const set = parseRulePacks(files);
  writeFileSync(RULES_CACHE_FILE, serializeRuleSet(files, set, termFormsOf(set)));
} catch (error) {
  if (error instanceof RuleError) {
    process.stderr.write(`rules: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
