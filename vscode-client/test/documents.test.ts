import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { type DocumentFacts, isManifestPath, isServed, manifestKinds, typeLinePattern } from "../src/documents";

// The project's schema: the same list the server's kinds are tested against.
const SCHEMA = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "schema", "copilot-manifest.schema.json"), "utf8"));
const TYPE_LINE = typeLinePattern(manifestKinds(SCHEMA));

function doc(path: string, text: string, languageId = "yaml", scheme = "file"): DocumentFacts {
  return { scheme, path, languageId, text: () => text };
}

describe("manifestKinds", () => {
  it("reads the workload types and Environment from the schema", () => {
    const kinds = manifestKinds(SCHEMA);
    for (const kind of ["Load Balanced Web Service", "Backend Service", "Worker Service", "Request-Driven Web Service", "Static Site", "Scheduled Job", "Environment"]) {
      assert.ok(kinds.includes(kind), kind);
    }
  });

  it("gives nothing for a schema without them", () => {
    assert.deepEqual(manifestKinds({}), []);
    assert.deepEqual(manifestKinds(null), []);
  });
});

describe("isManifestPath (as the server's kinds.is_manifest_path)", () => {
  const table: Array<[string, boolean]> = [
    ["/w/copilot/api/manifest.yml", true],
    ["/w/copilot/environments/test/manifest.yaml", true],
    ["/w/copilot/manifest.yml", true],
    ["C:\\w\\copilot\\api\\manifest.yml", true],
    ["/w/api/manifest.yml", false],
    ["/w/copilot/api/other.yml", false],
    ["/w/copilot-stuff/api/manifest.yml", false],
    ["manifest.yml", false],
  ];
  for (const [path, expected] of table) {
    it(`${path} -> ${expected}`, () => assert.equal(isManifestPath(path), expected));
  }
});

describe("isServed", () => {
  it("serves a manifest path whatever its text or language", () => {
    assert.ok(isServed(doc("/w/copilot/api/manifest.yml", "", "plaintext"), TYPE_LINE));
  });

  it("serves YAML outside copilot/ whose top-level type names a Copilot kind", () => {
    for (const text of ["name: api\ntype: Backend Service\n", "type: 'Environment'\n", 'type: "Load Balanced Web Service"\n', "type:Static Site"]) {
      assert.ok(isServed(doc("/w/svc/api.yml", text), TYPE_LINE), text);
      assert.ok(isServed(doc("Untitled-1", text, "yaml", "untitled"), TYPE_LINE), text);
    }
  });

  it("sends nothing else", () => {
    const table: Array<[DocumentFacts, string]> = [
      [doc("/w/.github/workflows/ci.yml", "on: push\njobs:\n  type: Backend Service\n"), "type not at the top level"],
      [doc("/w/k8s/deploy.yml", "kind: Deployment\ntype: LoadBalancer\n"), "not a Copilot kind"],
      [doc("/w/x.yml", "type: Backend Services\n"), "a longer word"],
      [doc("/w/x.yml", "# type: Backend Service\n"), "a comment"],
      [doc("/w/notes.txt", "type: Backend Service\n", "plaintext"), "not YAML"],
      [doc("/w/copilot/api/manifest.yml", "type: Backend Service\n", "yaml", "git"), "another scheme"],
      [doc("/w/copilot/pipelines/p/buildspec.yml", "version: 0.2\n"), "a buildspec under copilot/"],
    ];
    for (const [facts, why] of table) {
      assert.equal(isServed(facts, TYPE_LINE), false, why);
    }
  });
});
