// Run by `npm run build`: validate the bundled packs once and store them for fast start-up.
// A pack that fails validation fails the build here, not a user's run.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RuleError } from "../errors.js";
import { BUNDLED_RULES_DIR, RULES_CACHE_FILE, parseRulePacks, serializeRuleSet } from "./load.js";

const files = readdirSync(BUNDLED_RULES_DIR)
  .filter((n) => /\.ya?ml$/.test(n))
  .sort()
  .map((n) => ({ file: join(BUNDLED_RULES_DIR, n), text: readFileSync(join(BUNDLED_RULES_DIR, n), "utf8") }));
try {
  writeFileSync(RULES_CACHE_FILE, serializeRuleSet(files, parseRulePacks(files)));
} catch (error) {
  if (error instanceof RuleError) {
    process.stderr.write(`rules: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
