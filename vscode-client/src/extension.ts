/**
 * VS Code client for sidecar-lsp: starts the server over stdio for `copilot/**\/manifest.yml`.
 *
 * The decisions live in pure modules (`serverCommand.ts`, `settings.ts`); this file only wires
 * them to the VS Code API and vscode-languageclient.
 */

import * as fs from "fs";
import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
} from "vscode-languageclient/node";

import { type ServerCommand, resolveServerCommand, startFailureMessage } from "./serverCommand";
import { YAML_EXTENSION_ID, type YamlExtensionState, serverSettings } from "./settings";

const SECTION = "sidecarLsp";
const MANIFEST_GLOBS = ["**/copilot/**/manifest.yml", "**/copilot/**/manifest.yaml"];
const DOCUMENT_SELECTOR = MANIFEST_GLOBS.map((pattern) => ({ scheme: "file", pattern }));
/** A server that dies again within this time after a restart is not restarted any more. */
const RESTART_WINDOW_MS = 3 * 60 * 1000;
const MAX_RESTARTS = 3;

let client: LanguageClient | undefined;
let output: RecordingOutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = new RecordingOutputChannel(vscode.window.createOutputChannel("Sidecar LSP"));
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand("sidecarLsp.restartServer", async () => {
      await stopClient();
      await startClient();
    }),
    vscode.commands.registerCommand("sidecarLsp.showOutput", () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        await stopClient();
        await startClient();
      } else if (event.affectsConfiguration(SECTION) || event.affectsConfiguration("yaml.validate")) {
        pushSettings();
      }
    }),
    vscode.extensions.onDidChange(() => pushSettings()),
    { dispose: () => void stopClient() },
  );

  // Start only once a Copilot manifest is around: `onLanguage:yaml` activates us for any YAML file.
  if (await manifestPresent()) {
    await startClient();
  } else {
    const listener = vscode.workspace.onDidOpenTextDocument(async (document) => {
      if (vscode.languages.match(DOCUMENT_SELECTOR, document) > 0) {
        listener.dispose();
        await startClient();
      }
    });
    context.subscriptions.push(listener);
  }
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function manifestPresent(): Promise<boolean> {
  if (vscode.workspace.textDocuments.some((d) => vscode.languages.match(DOCUMENT_SELECTOR, d) > 0)) {
    return true;
  }
  const found = await vscode.workspace.findFiles(`{${MANIFEST_GLOBS.join(",")}}`, "**/node_modules/**", 1);
  return found.length > 0;
}

function yamlExtensionState(): YamlExtensionState {
  return {
    present: vscode.extensions.getExtension(YAML_EXTENSION_ID) !== undefined,
    validate: vscode.workspace.getConfiguration("yaml").get<boolean>("validate", true),
  };
}

/** The `sidecarLsp` section as the server must see it (see settings.ts). */
function currentServerSettings(): ReturnType<typeof serverSettings> {
  const raw = vscode.workspace.getConfiguration().get<Record<string, unknown>>(SECTION) ?? {};
  return serverSettings(raw, yamlExtensionState());
}

/** Tell a running server that settings changed (it may re-pull them with workspace/configuration). */
function pushSettings(): void {
  if (client?.isRunning()) {
    void client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: currentServerSettings() },
    });
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function startClient(): Promise<void> {
  if (client) {
    return;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  const resolution = resolveServerCommand(
    { command: config.get<string[]>("server.command"), pythonPath: config.get<string>("server.pythonPath") },
    { path: process.env.PATH ?? process.env.Path, platform: process.platform, isExecutable, pathext: process.env.PATHEXT },
  );
  if (!resolution.ok) {
    output?.appendLine(resolution.message);
    void showFailure(resolution.message);
    return;
  }
  const server = resolution.server;
  output?.appendLine(`Starting ${server.command} ${server.args.join(" ")} (from ${server.source})`);

  const serverOptions: ServerOptions = { command: server.command, args: server.args, options: { env: process.env } };
  let restarts = 0;
  let lastStart = Date.now();
  let failed = false;
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: () => currentServerSettings(),
    middleware: {
      workspace: {
        // Answer workspace/configuration for `sidecarLsp` with the same normalized object.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) =>
            item.section === SECTION
              ? serverSettings((result[i] ?? {}) as Record<string, unknown>, yamlExtensionState())
              : result[i],
          );
        },
      },
    },
    errorHandler: {
      error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
      closed: () => {
        const now = Date.now();
        if (now - lastStart > RESTART_WINDOW_MS) {
          restarts = 0; // it ran fine for a while: a fresh crash budget
        }
        lastStart = now;
        if (!failed && restarts < MAX_RESTARTS) {
          restarts += 1;
          output?.appendLine(`sidecar-lsp exited; restart ${restarts}/${MAX_RESTARTS}.`);
          return { action: CloseAction.Restart, handled: true };
        }
        if (!failed) {
          failed = true;
          void showFailure(startFailureMessage(server, failureDetail()));
        }
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };

  client = new LanguageClient("sidecarLsp", "Sidecar LSP", serverOptions, clientOptions);
  try {
    await client.start();
    output?.appendLine("sidecar-lsp is running.");
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const message = startFailureMessage(server, [detail, failureDetail()].filter(Boolean).join("; "));
    output?.appendLine(message);
    if (!failed) {
      failed = true;
      void showFailure(message);
    }
    const dead = client;
    client = undefined;
    try {
      await dead.dispose();
    } catch {
      // already dead
    }
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // the server may already be gone
    }
  }
}

/** The last lines the server wrote to stderr, e.g. "No module named sidecar_lsp". */
function failureDetail(): string {
  return output?.lastLines(2).join(" | ") ?? "";
}

async function showFailure(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server`);
  } else if (choice === "Show Output") {
    output?.show(true);
  }
}

/** An output channel that remembers the last lines written, to quote the server's stderr in errors. */
class RecordingOutputChannel implements vscode.OutputChannel {
  private readonly lines: string[] = [];
  private partial = "";

  constructor(private readonly inner: vscode.OutputChannel) {}

  get name(): string {
    return this.inner.name;
  }

  append(value: string): void {
    this.record(value);
    this.inner.append(value);
  }

  appendLine(value: string): void {
    this.record(value + "\n");
    this.inner.appendLine(value);
  }

  replace(value: string): void {
    this.lines.length = 0;
    this.partial = "";
    this.record(value);
    this.inner.replace(value);
  }

  clear(): void {
    this.inner.clear();
  }

  show(columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserve === "boolean" || columnOrPreserve === undefined) {
      this.inner.show(columnOrPreserve);
    } else {
      this.inner.show(columnOrPreserve, preserveFocus);
    }
  }

  hide(): void {
    this.inner.hide();
  }

  dispose(): void {
    this.inner.dispose();
  }

  /** The server's last stderr lines worth quoting (the client's own log lines are skipped). */
  lastLines(n: number): string[] {
    const all = this.partial.trim() ? [...this.lines, this.partial.trim()] : this.lines;
    const fromServer = all.filter((l) => !/^(\[|Starting |Message:|Code:|sidecar-lsp |Sidecar LSP:|true$|false$)/.test(l));
    const errors = fromServer.filter((l) => /Error|error:|No module named|not found|Traceback/.test(l));
    return (errors.length > 0 ? errors : fromServer).slice(-n);
  }

  private record(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim()) {
        this.lines.push(line.trim());
      }
    }
    if (this.lines.length > 50) {
      this.lines.splice(0, this.lines.length - 50);
    }
  }
}

export type { ServerCommand };
