// JSON Schema of a rule pack file. Structural checks live here; cross-file checks (unique ids,
// targets that exist, regexes that compile) live in validate.ts.

const termLists = {
  type: "object",
  additionalProperties: false,
  properties: {
    zh: { type: "array", items: { type: "string", minLength: 1 } },
    en: { type: "array", items: { type: "string", minLength: 1 } },
  },
} as const;

/** An object with these properties and no others. */
function closed(properties: Record<string, unknown>, required?: string[]) {
  return { type: "object", additionalProperties: false, ...(required ? { required } : {}), properties } as const;
}

function int(minimum: number, maximum: number) {
  return { type: "integer", minimum, maximum } as const;
}

/** Every rule kind a pack may declare. */
export const RULE_KINDS = [
  "crime",
  "info-type",
  "industry",
  "group",
  "region",
  "negation",
  "zone",
  "conduct",
  "identifier",
  "role",
  "access",
  "flow",
  "party",
  "source",
  "proceeding",
] as const;

export const packSchema = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "rules"],
  properties: {
    kind: { enum: RULE_KINDS },
    description: { type: "string" },
    dimensions: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
          label: closed({ zh: { type: "string" }, en: { type: "string" } }),
          key: { type: "boolean" },
          tier: { enum: ["A", "B", "C"] },
          sensitive: { type: "boolean" },
          article: { type: "string" },
          charges: { type: "array", items: { type: "string" } },
          parent: { type: "string" },
          province: { type: "string" },
          direction: { enum: ["out", "in", "hold", "exchange", "object"] },
          standalone: { type: "boolean" },
        },
      },
    },
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9][a-z0-9.-]*$" },
          kind: { enum: RULE_KINDS },
          target: { type: "string" },
          description: { type: "string" },
          weight: { type: "number", minimum: 0, maximum: 100 },
          terms: termLists,
          boundary: { enum: ["token", "substring"] },
          patterns: {
            type: "array",
            items: closed(
              {
                regex: { type: "string", minLength: 1 },
                keywords: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
                flags: { type: "string", pattern: "^[imsu]*$" },
                window: int(1, 1000),
              },
              ["regex", "keywords"],
            ),
          },
          context: closed({ window: int(1, 500), suppressIn: { enum: ["window", "sentence"] }, require: termLists, boost: termLists, suppress: termLists }),
          exclude: termLists,
          detector: { enum: ["cn-resident-id", "cn-mobile", "bank-card", "email"] },
          scope: int(1, 200),
          reach: closed({ before: int(0, 200), after: int(0, 200) }),
          channel: { type: "boolean" },
          marker: { type: "boolean" },
          extend: closed({ back: int(1, 60), stop: { type: "string", minLength: 1 } }, ["back", "stop"]),
          proceedings: { enum: ["criminal"] },
          hint: { type: "boolean" },
          counter: { type: "boolean" },
          spare: termLists,
          close: termLists,
          until: { enum: ["sentence", "full-stop", "line", "paragraph", "match"] },
          examples: {
            type: "object",
            additionalProperties: false,
            properties: {
              match: { type: "array", items: { type: "string" } },
              noMatch: { type: "array", items: { type: "string" } },
            },
          },
        },
      },
    },
  },
} as const;
