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

const kinds = [
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
    kind: { enum: kinds },
    description: { type: "string" },
    dimensions: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]*$" },
          label: {
            type: "object",
            additionalProperties: false,
            properties: { zh: { type: "string" }, en: { type: "string" } },
          },
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
          kind: { enum: kinds },
          target: { type: "string" },
          description: { type: "string" },
          weight: { type: "number", minimum: 0, maximum: 100 },
          terms: termLists,
          boundary: { enum: ["token", "substring"] },
          patterns: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["regex", "keywords"],
              properties: {
                regex: { type: "string", minLength: 1 },
                keywords: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
                flags: { type: "string", pattern: "^[imsu]*$" },
                window: { type: "integer", minimum: 1, maximum: 1000 },
              },
            },
          },
          context: {
            type: "object",
            additionalProperties: false,
            properties: {
              window: { type: "integer", minimum: 1, maximum: 500 },
              require: termLists,
              boost: termLists,
              suppress: termLists,
            },
          },
          exclude: termLists,
          detector: { enum: ["cn-resident-id", "cn-mobile", "bank-card", "email"] },
          scope: { type: "integer", minimum: 1, maximum: 200 },
          reach: {
            type: "object",
            additionalProperties: false,
            properties: {
              before: { type: "integer", minimum: 0, maximum: 200 },
              after: { type: "integer", minimum: 0, maximum: 200 },
            },
          },
          channel: { type: "boolean" },
          marker: { type: "boolean" },
          extend: {
            type: "object",
            additionalProperties: false,
            required: ["back", "stop"],
            properties: {
              back: { type: "integer", minimum: 1, maximum: 60 },
              stop: { type: "string", minLength: 1 },
            },
          },
          proceedings: { enum: ["criminal"] },
          until: { enum: ["sentence", "line", "paragraph", "match"] },
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
