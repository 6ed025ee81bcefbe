// Copy the project's JSON Schema into the extension (for `contributes.yamlValidation`).
// The copy is a build artefact (vscode-client/schema/ is gitignored): the single source is ../schema/.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(here, "..", "schema", "copilot-manifest.schema.json");
const target = join(here, "schema", "copilot-manifest.schema.json");
JSON.parse(readFileSync(source, "utf8")); // fail the build on a broken schema
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`copied ${source} -> ${target}`);
