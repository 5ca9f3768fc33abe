// Validates an OpenAPI document (a file or a URL) with swagger-parser:
// OpenAPI 3.1 structure, JSON Schema of every schema, $refs resolved.
// Prints "ok" and exits 0 when valid; prints the errors and exits 1 otherwise.
import SwaggerParser from "@apidevtools/swagger-parser";

const src = process.argv[2];
if (!src) {
  console.error("usage: node validate.mjs FILE|URL");
  process.exit(2);
}
try {
  const api = await SwaggerParser.validate(src);
  console.log(`ok ${api.openapi} ${Object.keys(api.paths).length} paths`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
