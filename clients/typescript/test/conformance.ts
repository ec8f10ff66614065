/**
 * Every answer the client gets, checked against the committed document: its status must
 * be one the operation lists, its content type one that answer lists, and a JSON body
 * must validate against that answer's schema. A client generated from a document that
 * lies would compile and then break in an app; this makes the scenario fail instead.
 */
import { readFileSync } from "node:fs";

import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { Middleware } from "openapi-fetch";

// ajv-formats is CommonJS: its plugin is the module's `default` as Node loads it.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const DOCUMENT_ID = "https://quad.local/openapi.json";
const COMMITTED = new URL("../../../openapi.json", import.meta.url);

type Json = { [key: string]: unknown };

export interface Conformance {
  middleware: Middleware;
  /** Each answer that was not as documented, described. */
  violations: string[];
  /** How many answers were checked. */
  checked: number;
}

function pointerPart(value: string): string {
  return value.replace(/~/g, "~0").replace(/\//g, "~1");
}

function at(document: Json, pointer: string): Json {
  let node: unknown = document;
  for (const part of pointer.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Json)[key];
  }
  return node as Json;
}

/** `path`: the document to check against (QUAD_OPENAPI_DOCUMENT, else the committed one). */
export function conformance(path: string | URL = process.env.QUAD_OPENAPI_DOCUMENT || COMMITTED): Conformance {
  const document = JSON.parse(readFileSync(path, "utf8")) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ValidateFunction>();
  const validator = (pointer: string): ValidateFunction => {
    let validate = validators.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };

  const result: Conformance = {
    violations: [],
    checked: 0,
    middleware: {
      async onResponse({ request, response, schemaPath }) {
        const method = request.method.toLowerCase();
        const where = `${request.method} ${schemaPath}`;
        const problems = await check(method, schemaPath, response);
        result.checked += 1;
        if (problems.length > 0) {
          const text = `${where} answered ${response.status}: ${problems.join("; ")}`;
          result.violations.push(text);
          throw new Error(`the answer is not as the document says: ${text}`);
        }
        return undefined;
      },
    },
  };

  async function check(method: string, schemaPath: string, response: Response): Promise<string[]> {
    let pointer = `/paths/${pointerPart(schemaPath)}/${method}`;
    const operation = at(document, pointer) as Json | undefined;
    if (operation === undefined) {
      return ["the document has no such operation"];
    }
    const answers = (operation.responses ?? {}) as Json;
    const status = String(response.status);
    const key = [status, `${status[0]}XX`, "default"].find((name) => name in answers);
    if (key === undefined) {
      return [`the operation documents only ${Object.keys(answers).join(", ")}`];
    }
    pointer = `${pointer}/responses/${pointerPart(key)}`;
    let answer = answers[key] as Json;
    if (typeof answer.$ref === "string") {
      pointer = answer.$ref.slice(1);
      answer = at(document, pointer);
    }
    const content = (answer.content ?? {}) as Json;
    const body = await response.clone().text();
    const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (Object.keys(content).length === 0) {
      return body === "" ? [] : [`a body (${mediaType}) where the document has none`];
    }
    if (mediaType === undefined || !(mediaType in content)) {
      return [`content type ${mediaType} is not one of ${Object.keys(content).join(", ")}`];
    }
    const media = content[mediaType] as Json;
    if (media.schema === undefined || !/[/+]json$/.test(mediaType)) {
      return [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return ["the body is not JSON"];
    }
    const validate = validator(`${pointer}/content/${pointerPart(mediaType)}/schema`);
    if (validate(parsed)) {
      return [];
    }
    return (validate.errors ?? []).map(
      (error) => `${error.instancePath || "(body)"} ${error.message ?? "is not valid"} (${error.schemaPath})`,
    );
  }

  return result;
}
