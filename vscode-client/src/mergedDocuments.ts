/**
 * Renderings of a manifest for one environment ("show merged" code lens), as read-only documents.
 *
 * The server's `sidecarLsp.showMerged` command asks VS Code to show a `sidecar-lsp-merged:` URI
 * (`window/showDocument`); this content provider fetches its text with the server's
 * `sidecarLsp/merged` request, refreshes it when the manifest changes, and answers go-to-definition
 * in it by asking the server, which lands on the line of the manifest that set the value.
 */
import * as vscode from "vscode";
import type { ServerController } from "./serverController";

export const MERGED_SCHEME = "sidecar-lsp-merged";

/** The source manifest's file path of a merged URI (its path without the " (env)" suffix), for refreshing on edits. */
function sourcePath(uri: vscode.Uri): string {
  return uri.path.replace(/ \([^)]*\)$/, "");
}

/** A feature module (see FEATURES in extension.ts). */
export function registerMergedDocuments(context: vscode.ExtensionContext, controller: ServerController): void {
  const getClient = () => controller.languageClient;
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      const client = getClient();
      if (!client?.isRunning()) {
        return "# sidecar-lsp is not running\n";
      }
      const reply = await client.sendRequest<{ text: string } | null>("sidecarLsp/merged", { uri: uri.toString(true) });
      return reply?.text ?? "# this manifest cannot be rendered\n";
    },
  };
  const definitions: vscode.DefinitionProvider = {
    async provideDefinition(document, position, token) {
      const client = getClient();
      if (!client?.isRunning()) {
        return undefined;
      }
      const result = await client.sendRequest(
        "textDocument/definition",
        { textDocument: { uri: document.uri.toString(true) }, position: { line: position.line, character: position.character } },
        token,
      );
      return client.protocol2CodeConverter.asDefinitionResult(result as never, token);
    },
  };
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(MERGED_SCHEME, provider),
    vscode.languages.registerDefinitionProvider({ scheme: MERGED_SCHEME }, definitions),
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (document.uri.scheme === MERGED_SCHEME && document.languageId !== "yaml") {
        void vscode.languages.setTextDocumentLanguage(document, "yaml");
      }
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.scheme !== "file") {
        return;
      }
      for (const open of vscode.workspace.textDocuments) {
        if (open.uri.scheme === MERGED_SCHEME && sourcePath(open.uri) === event.document.uri.path) {
          changed.fire(open.uri);
        }
      }
    }),
  );
}
