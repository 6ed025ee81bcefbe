/**
 * VS Code client for sidecar-lsp: starts the server over stdio for Copilot manifests.
 *
 * This file only wires things together: the server's life cycle is `serverController.ts`; a
 * feature (a command, a content provider) is a module with a `register(context, controller)`
 * function added to FEATURES below.
 */

import * as vscode from "vscode";

import { RecordingLogChannel } from "./logChannel";
import { SECTION, ServerController } from "./serverController";

type Feature = (context: vscode.ExtensionContext, controller: ServerController) => void;

/** Feature modules, each registering its own disposables on the context. */
const FEATURES: Feature[] = [registerCommands];

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ServerController> {
  const log = new RecordingLogChannel(vscode.window.createOutputChannel("Sidecar LSP", { log: true }));
  const server = new ServerController(context, log);
  controller = server;
  context.subscriptions.push(log, server);
  for (const feature of FEATURES) {
    feature(context, server);
  }

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        await server.restart();
      } else if (event.affectsConfiguration(SECTION) || event.affectsConfiguration("yaml.validate")) {
        server.pushSettings();
      }
    }),
    vscode.extensions.onDidChange(() => server.pushSettings()),
    // Trust allows the Python extension's interpreter and the workspace's `sidecarLsp.server.*`.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server.restart()),
  );
  void server.watchPythonExtension();

  // `onLanguage:yaml` activates us for any YAML file: start once a document the server serves is around.
  if (await server.manifestPresent()) {
    await server.start();
  } else {
    const startWhenServed = (document: vscode.TextDocument): void => {
      if (server.gate.serves(document)) {
        listeners.forEach((l) => l.dispose());
        void server.start();
      }
    };
    const listeners = [
      vscode.workspace.onDidOpenTextDocument(startWhenServed),
      vscode.workspace.onDidChangeTextDocument((event) => startWhenServed(event.document)),
    ];
    context.subscriptions.push(...listeners);
  }
  return server;
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
}

function registerCommands(context: vscode.ExtensionContext, server: ServerController): void {
  context.subscriptions.push(
    vscode.commands.registerCommand("sidecarLsp.restartServer", () => server.restart()),
    vscode.commands.registerCommand("sidecarLsp.showOutput", () => server.showLog()),
  );
}
