/**
 * Renderings of a manifest for one environment, as read-only documents: the merged manifest ("show
 * merged" code lens, YAML) and the ECS task definition it deploys ("task definition" code lens, JSON).
 *
 * The server's `sidecarLsp.showMerged` command asks VS Code to show a `sidecar-lsp-merged:` URI
 * (`window/showDocument`); this content provider fetches its text with the server's
 * `sidecarLsp/merged` request, shows it in the language its URI names (mergedViews.ts), refreshes it
 * when the manifest changes, and answers go-to-definition in it by asking the server, which lands on
 * the line of the manifest that set the value.
 */
import * as vscode from "vscode";
import { MERGED_SCHEME, type MergedView, mergedView, placeholderText } from "./mergedViews";
import type { ServerController } from "./serverController";

function viewOf(uri: vscode.Uri): MergedView {
  return mergedView(uri.path, uri.query);
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
        return placeholderText(viewOf(uri), "sidecar-lsp is not running");
      }
      const reply = await client.sendRequest<{ text: string } | null>("sidecarLsp/merged", { uri: uri.toString(true) });
      return reply?.text ?? placeholderText(viewOf(uri), "this manifest cannot be rendered");
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
    // The tab's name ("manifest.yml (prod task definition)") gives VS Code no language to guess.
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (document.uri.scheme !== MERGED_SCHEME) {
        return;
      }
      const { languageId } = viewOf(document.uri);
      if (document.languageId !== languageId) {
        void vscode.languages.setTextDocumentLanguage(document, languageId);
      }
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.scheme !== "file") {
        return;
      }
      for (const open of vscode.workspace.textDocuments) {
        if (open.uri.scheme === MERGED_SCHEME && viewOf(open.uri).sourcePath === event.document.uri.path) {
          changed.fire(open.uri);
        }
      }
    }),
  );
}
