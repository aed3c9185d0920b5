// Responses checked against the server's own OpenAPI document: the schema for (method, route,
// status) is compiled from the document as served, so a response it does not describe fails.
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";

export interface ResponseChecker {
  /** Asserts `body` (parsed JSON) matches the document's schema for this route and status. */
  check(method: string, route: string, status: number, body: unknown): void;
}

export function responseChecker(doc: object): ResponseChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...doc, $id: "openapi" });
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  const pointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  return {
    check(method, route, status, body) {
      const key = `${method} ${route} ${status}`;
      let validate = cache.get(key);
      if (!validate) {
        const ref = `openapi#/paths/${pointer(route)}/${method.toLowerCase()}/responses/${status}/content/${pointer("application/json")}/schema`;
        validate = ajv.compile({ $ref: ref });
        cache.set(key, validate);
      }
      const ok = validate(body);
      expect(ok, `${key}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`).toBe(true);
    },
  };
}
