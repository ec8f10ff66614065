// The client's types, src/schema.d.ts, from clients/openapi.json with openapi-typescript:
// `make clients`, or `node clients/typescript/generate.mjs [OUTPUT]`
// (tests/clients/test_typescript_client.py generates into a temporary file and compares).
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const document = new URL("../openapi.json", import.meta.url);
const output = process.argv[2] ? resolve(process.argv[2]) : new URL("src/schema.d.ts", import.meta.url);

const ast = await openapiTS(document, {
  // A property with a default is one a request may leave out: optional, as the document
  // says (its `required` lists what every answer has).
  defaultNonNullable: false,
  silent: true,
});
writeFileSync(output, `${COMMENT_HEADER}${astToString(ast)}`);
