import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { nestDefaults, resolveSchemaDiagnostics, schemaReporter, serverSettings } from "../src/settings";

const NO_YAML = { present: false, validate: true };
const YAML_ON = { present: true, validate: true };
const YAML_NOT_VALIDATING = { present: true, validate: false };

describe("resolveSchemaDiagnostics", () => {
  const table: Array<[unknown, typeof NO_YAML, boolean]> = [
    ["auto", NO_YAML, true],
    ["auto", YAML_ON, false],
    ["auto", YAML_NOT_VALIDATING, true],
    ["on", YAML_ON, true],
    ["on", NO_YAML, true],
    ["off", NO_YAML, false],
    ["off", YAML_ON, false],
    [undefined, YAML_ON, false],
    ["bogus", NO_YAML, true],
    [true, YAML_ON, true],
    [false, NO_YAML, false],
  ];
  for (const [mode, yaml, expected] of table) {
    it(`${String(mode)} with ${JSON.stringify(yaml)} -> ${expected}`, () => {
      assert.equal(resolveSchemaDiagnostics(mode, yaml), expected);
    });
  }
});

describe("serverSettings", () => {
  it("drops client-only groups and resolves schemaDiagnostics to a boolean", () => {
    const raw = {
      server: { command: ["x"], pythonPath: "" },
      trace: { server: "verbose" },
      diagnostics: { unknownKeys: false, crossField: true },
      schemaDiagnostics: "auto",
    };
    assert.deepEqual(serverSettings(raw, YAML_ON), {
      diagnostics: { unknownKeys: false, crossField: true },
      schemaDiagnostics: false,
    });
    assert.deepEqual(serverSettings(raw, NO_YAML).schemaDiagnostics, true);
  });

  it("sends schemaDiagnostics even for an empty section", () => {
    assert.deepEqual(serverSettings(undefined, NO_YAML), { schemaDiagnostics: true });
  });

  it("turns the package.json defaults into the documented initializationOptions", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
    const defaults = nestDefaults(pkg.contributes.configuration.properties);
    const sent = serverSettings(defaults, NO_YAML);
    assert.deepEqual(sent.diagnostics, { enable: true, unknownKeys: true, crossField: true, debounceMs: 150 });
    assert.deepEqual(sent.completion, { enable: true, snippets: true });
    assert.deepEqual(sent.hover, { enable: true });
    assert.deepEqual(sent.inlayHints, { environmentValues: true, baseValues: true, defaults: true });
    assert.equal(sent.schemaDiagnostics, true);
    assert.deepEqual(Object.keys(sent).sort(), ["completion", "diagnostics", "hover", "inlayHints", "schemaDiagnostics"]);
  });
});

describe("schemaReporter", () => {
  const table: Array<[unknown, typeof NO_YAML, string]> = [
    ["auto", NO_YAML, "Schema problems: sidecar-lsp"],
    ["auto", YAML_ON, "Schema problems: Red Hat YAML"],
    ["auto", YAML_NOT_VALIDATING, "Schema problems: sidecar-lsp"],
    ["on", YAML_ON, "Schema problems: sidecar-lsp"],
    ["off", YAML_ON, "Schema problems: Red Hat YAML"],
    ["off", NO_YAML, "Schema problems: not reported"],
  ];
  for (const [mode, yaml, text] of table) {
    it(`${String(mode)} with ${JSON.stringify(yaml)} -> ${text}`, () => {
      const report = schemaReporter(mode, yaml);
      assert.equal(report.text, text);
      assert.match(report.detail, new RegExp(`^schemaDiagnostics: ${String(mode)}`));
    });
  }
});
