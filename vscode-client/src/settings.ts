/**
 * What the client tells the server about the user's settings. Pure: no `vscode` import.
 *
 * The server receives the `sidecarLsp` section twice, in the same shape:
 *   - as `initializationOptions` of the `initialize` request, and
 *   - as the answer to `workspace/configuration` for section `sidecarLsp` (the client middleware
 *     rewrites the raw VS Code values through `serverSettings`).
 *
 * Shape (camelCase, nested like the setting ids without the `sidecarLsp.` prefix):
 *   { "diagnostics": { "unknownKeys": true, "crossField": true }, "schemaDiagnostics": true }
 *
 * Client-only keys (`server.*`, `trace.*`) are removed. `schemaDiagnostics` is a tri-state in
 * VS Code ("auto" | "on" | "off") and a plain boolean on the wire: see `resolveSchemaDiagnostics`.
 */

export type SchemaDiagnosticsMode = "auto" | "on" | "off";

/** The Red Hat YAML extension, which also validates manifests via our `yamlValidation` contribution. */
export const YAML_EXTENSION_ID = "redhat.vscode-yaml";

/** Setting groups that only the client reads; never sent to the server. */
export const CLIENT_ONLY_GROUPS: readonly string[] = ["server", "trace"];

export interface YamlExtensionState {
  /** `vscode.extensions.getExtension("redhat.vscode-yaml")` is defined (installed and enabled). */
  present: boolean;
  /** The user's `yaml.validate` (that extension's default is true). */
  validate: boolean;
}

/**
 * Whether sidecar-lsp itself should report JSON Schema problems.
 *
 * "auto": no, while the Red Hat YAML extension is present and validating, because it validates
 * `copilot/**\/manifest.yml` against the schema this extension contributes through
 * `yamlValidation`; otherwise yes. "on"/"off" force the answer. Unknown values behave as "auto".
 */
export function resolveSchemaDiagnostics(mode: unknown, yaml: YamlExtensionState): boolean {
  if (mode === "on" || mode === true) {
    return true;
  }
  if (mode === "off" || mode === false) {
    return false;
  }
  return !(yaml.present && yaml.validate);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The settings object the server gets, from the raw `sidecarLsp` section.
 *
 * `section` is what `vscode.workspace.getConfiguration("sidecarLsp")` holds, as a plain object
 * (nested: `{diagnostics: {unknownKeys: true}, server: {...}, ...}`).
 */
export function serverSettings(section: Record<string, unknown> | null | undefined, yaml: YamlExtensionState): {
  [key: string]: Json;
} {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(section ?? {})) {
    if (CLIENT_ONLY_GROUPS.includes(key) || typeof value === "function" || value === undefined) {
      continue;
    }
    out[key] = JSON.parse(JSON.stringify(value)) as Json;
  }
  out.schemaDiagnostics = resolveSchemaDiagnostics(section?.schemaDiagnostics, yaml);
  return out;
}

/**
 * Turn VS Code's flat `contributes.configuration.properties` defaults into the nested object
 * `serverSettings` expects (used by tests and as a fallback).
 */
export function nestDefaults(properties: Record<string, { default?: unknown }>, prefix = "sidecarLsp."): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, spec] of Object.entries(properties)) {
    if (!id.startsWith(prefix)) {
      continue;
    }
    const parts = id.slice(prefix.length).split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = spec.default;
  }
  return out;
}

/** Who reports JSON Schema problems, for the language status item: a short text and why. */
export function schemaReporter(mode: unknown, yaml: YamlExtensionState): { text: string; detail: string } {
  const setting = `schemaDiagnostics: ${mode === "on" || mode === "off" ? mode : "auto"}`;
  if (resolveSchemaDiagnostics(mode, yaml)) {
    const why = mode === "on" ? setting : `${setting}; Red Hat YAML ${yaml.present ? "not validating" : "not active"}`;
    return { text: "Schema problems: sidecar-lsp", detail: why };
  }
  if (yaml.present && yaml.validate) {
    return { text: "Schema problems: Red Hat YAML", detail: `${setting}; yaml.validate on` };
  }
  return { text: "Schema problems: not reported", detail: `${setting}; Red Hat YAML not validating` };
}
