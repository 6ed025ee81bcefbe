/**
 * Which documents the client sends to the server: exactly those the server serves. Pure: no
 * `vscode` import (test/documents.test.ts).
 *
 * The server (server/sidecar_lsp/lsp/server.py) serves a document when its path is a Copilot manifest
 * path (`kinds.is_manifest_path`: a file `manifest.yml`/`.yaml` under a `copilot` folder), or when a
 * line of the YAML says `type: <Copilot kind>` at the top level (its `_TYPE_LINE`, then the parse).
 * The kinds are read from the bundled schema (`definitions.manifestType.enum`), the same list the
 * server's kinds are tested against.
 */

export const MANIFEST_GLOBS = ["**/copilot/**/manifest.yml", "**/copilot/**/manifest.yaml"] as const;

/** The document as far as the decision needs it. */
export interface DocumentFacts {
  scheme: string;
  /** The file system path (`uri.fsPath`), or the untitled name. */
  path: string;
  languageId: string;
  text: () => string;
}

/** `copilot/**\/manifest.yml` (also `.yaml`): the files Copilot itself reads (as `kinds.is_manifest_path`). */
export function isManifestPath(path: string): boolean {
  const parts = path.replace(/\\/g, "/").split("/");
  const name = parts[parts.length - 1];
  return parts.length >= 2 && (name === "manifest.yml" || name === "manifest.yaml") && parts.slice(0, -1).includes("copilot");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The server's `_TYPE_LINE`: a top-level `type:` line naming one of `kinds`. */
export function typeLinePattern(kinds: readonly string[]): RegExp {
  return new RegExp(`^type[ \\t]*:[ \\t]*["']?(${kinds.map(escapeRegExp).join("|")})\\b`, "m");
}

/** The Copilot kinds a `type` may name, from the schema; [] when the schema lacks them. */
export function manifestKinds(schema: unknown): string[] {
  const definitions = (schema as { definitions?: Record<string, { enum?: unknown }> } | null)?.definitions;
  const kinds = definitions?.manifestType?.enum;
  return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === "string") : [];
}

/**
 * Whether the server serves this document: a manifest path on disk, or a YAML file (on disk or
 * untitled) with a Copilot `type` line. Nothing else is sent.
 */
export function isServed(doc: DocumentFacts, typeLine: RegExp): boolean {
  if (doc.scheme === "file" && isManifestPath(doc.path)) {
    return true;
  }
  if ((doc.scheme === "file" || doc.scheme === "untitled") && doc.languageId === "yaml") {
    return typeLine.test(doc.text());
  }
  return false;
}
