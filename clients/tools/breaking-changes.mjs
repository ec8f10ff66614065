// The breaking changes between two OpenAPI documents: node breaking-changes.mjs OLD NEW.
// Prints each one (what changed, where), then a count; exits 1 if there is any.
// The classification is api-smart-diff's: a removed operation, response field or enum
// value, a narrowed type, a new required parameter or body field are breaking.
import { readFileSync } from "node:fs";
import { apiDiff } from "api-smart-diff";

const [oldPath, newPath] = process.argv.slice(2);
if (!oldPath || !newPath) {
  console.error("usage: node breaking-changes.mjs OLD.json NEW.json");
  process.exit(2);
}
// Shared responses (`components.responses`) are named by the problems they list, so a
// route answering one more problem refers to another name: compare what each operation
// answers, with those references put in place, not the names.
const RESPONSES = "#/components/responses/";
function inlineResponses(document) {
  const shared = document.components?.responses ?? {};
  const inline = (node) => {
    if (Array.isArray(node)) return node.map(inline);
    if (node === null || typeof node !== "object") return node;
    if (typeof node.$ref === "string" && node.$ref.startsWith(RESPONSES)) {
      return inline(shared[node.$ref.slice(RESPONSES.length)]);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
  };
  const { responses, ...components } = document.components ?? {};
  return { ...inline({ ...document, components: undefined }), components };
}
const read = (path) => inlineResponses(JSON.parse(readFileSync(path, "utf8")));
const changes = apiDiff(read(oldPath), read(newPath));
const breaking = changes.filter((change) => change.type === "breaking");
for (const change of breaking) {
  console.log(`${change.action} /${change.path.join("/")}: ${change.description ?? ""}`);
}
console.log(`${changes.length} changes, ${breaking.length} breaking`);
process.exit(breaking.length ? 1 : 0);
