import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { mergedView, placeholderText } from "../src/mergedViews";

// Paths and queries as vscode.Uri decodes the server's renderings.merged_uri.
const MANIFEST = "/w/copilot/api/manifest.yml";

describe("mergedView", () => {
  it("shows the merged manifest of an environment as YAML", () => {
    const view = mergedView(`${MANIFEST} (prod)`, "env=prod");
    assert.deepEqual(view, {
      env: "prod",
      kind: "merged",
      languageId: "yaml",
      sourcePath: MANIFEST,
      title: "manifest.yml (prod)",
    });
  });

  it("shows an environment's task definition as JSON, its tab naming the environment", () => {
    const view = mergedView(`${MANIFEST} (prod task definition)`, "env=prod&view=task-definition");
    assert.deepEqual(view, {
      env: "prod",
      kind: "task-definition",
      languageId: "json",
      sourcePath: MANIFEST,
      title: "manifest.yml (prod task definition)",
    });
  });

  it("reads a query that arrives encoded as a whole", () => {
    const view = mergedView(`${MANIFEST} (staging task definition)`, "env%3Dstaging%26view%3Dtask-definition");
    assert.equal(view.languageId, "json");
    assert.equal(view.env, "staging");
  });

  it("keeps YAML for a view it does not know, or no query", () => {
    for (const query of ["env=prod&view=containers", "env=prod&view=", "", "view=%zz"]) {
      assert.equal(mergedView(`${MANIFEST} (prod)`, query).languageId, "yaml", query);
    }
  });

  it("finds the source manifest of both views, for refreshing them when it is edited", () => {
    for (const suffix of [" (test)", " (test task definition)"]) {
      assert.equal(mergedView(`/w/my app (1)/copilot/api/manifest.yml${suffix}`, "env=test").sourcePath, "/w/my app (1)/copilot/api/manifest.yml");
    }
  });
});

describe("placeholderText", () => {
  it("is a YAML comment in the merged view", () => {
    assert.equal(placeholderText(mergedView(`${MANIFEST} (prod)`, "env=prod"), "sidecar-lsp is not running"), "# sidecar-lsp is not running\n");
  });

  it("is JSON in a task definition, as the server writes a refusal", () => {
    const text = placeholderText(mergedView(`${MANIFEST} (prod task definition)`, "env=prod&view=task-definition"), "sidecar-lsp is not running");
    assert.deepEqual(JSON.parse(text), { problem: "sidecar-lsp is not running" });
    assert.ok(text.endsWith("}\n"));
  });
});
