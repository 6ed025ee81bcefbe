/**
 * What a `sidecar-lsp-merged:` URI shows, read from the URI alone. Pure: no `vscode` import
 * (test/mergedViews.test.ts).
 *
 * The server (server/sidecar_lsp/lsp/handlers/renderings.py, `merged_uri`) names a rendering
 * `sidecar-lsp-merged:///…/copilot/api/manifest.yml (prod)?env=prod` for the merged manifest (YAML) and
 * `…/manifest.yml (prod task definition)?env=prod&view=task-definition` for the ECS task definition
 * the environment deploys (`RegisterTaskDefinition` JSON). The path's suffix is the editor tab's title;
 * the query says the same for parsing.
 */

export const MERGED_SCHEME = "sidecar-lsp-merged";
export const TASK_DEFINITION_VIEW = "task-definition";

export type ViewKind = "merged" | typeof TASK_DEFINITION_VIEW;

export interface MergedView {
  /** The environment rendered ("" when the query names none). */
  env: string;
  kind: ViewKind;
  /** The language the document is shown in: YAML for the merged manifest, JSON for a task definition. */
  languageId: "yaml" | "json";
  /** The source manifest's path (the URI's path without its " (…)" suffix). */
  sourcePath: string;
  /** The editor tab's title, the last part of the URI's path: `manifest.yml (prod task definition)`. */
  title: string;
}

/** The query's fields, also when it reaches us encoded as a whole (`env%3Dprod`; the server decodes it once too). */
function queryFields(query: string): URLSearchParams {
  let decoded = query;
  try {
    decoded = decodeURIComponent(query);
  } catch {
    // a stray '%': read the query as it is
  }
  return new URLSearchParams(decoded);
}

/** The rendering a `sidecar-lsp-merged:` URI names, from its (decoded) path and query. */
export function mergedView(path: string, query: string): MergedView {
  const fields = queryFields(query);
  const kind: ViewKind = fields.get("view") === TASK_DEFINITION_VIEW ? TASK_DEFINITION_VIEW : "merged";
  const parts = path.split("/");
  return {
    env: fields.get("env") ?? "",
    kind,
    languageId: kind === TASK_DEFINITION_VIEW ? "json" : "yaml",
    sourcePath: path.replace(/ \([^)]*\)$/, ""),
    title: parts[parts.length - 1],
  };
}

/**
 * The text shown when the server gives none (it is not running, or cannot render the manifest), in
 * the document's language so that a JSON view is not marked as broken JSON: a YAML comment for the
 * merged manifest, `{"problem": …}` for a task definition (as the server writes Copilot's refusals).
 */
export function placeholderText(view: MergedView, message: string): string {
  return view.languageId === "json" ? `${JSON.stringify({ problem: message }, null, 2)}\n` : `# ${message}\n`;
}
