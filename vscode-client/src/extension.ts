/**
 * VS Code client for sidecar-lsp: starts the server over stdio for `copilot/**\/manifest.yml`.
 *
 * The decisions live in pure modules (`serverCommand.ts`, `settings.ts`); this file only wires
 * them to the VS Code API and vscode-languageclient.
 */

import { execFile } from "child_process";
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

import {
  type ServerCommand,
  lastErrorLine,
  preflightCommand,
  resolveServerCommand,
  startFailureMessage,
} from "./serverCommand";
import { YAML_EXTENSION_ID, type YamlExtensionState, serverSettings } from "./settings";
import { registerMergedDocuments } from "./mergedDocuments";

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
    ...registerMergedDocuments(() => client),
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
    void showFailure(resolution.message);
    return;
  }
  const server = resolution.server;
  output?.appendLine(`Starting ${server.command} ${server.args.join(" ")} (from ${server.source})`);
  const problem = await preflight(server);
  if (problem !== undefined) {
    void showFailure(startFailureMessage(server, problem));
    return;
  }

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
      // Write errors (EPIPE) follow a dying server; `closed` below tells the user what to do.
      error: (_error, _message, count) => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
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
    const message = startFailureMessage(server, failureDetail() || detail);
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

/** Run the pre-start check; undefined when it passed (or there is none), else what went wrong. */
function preflight(server: ServerCommand): Promise<string | undefined> {
  const check = preflightCommand(server);
  if (!check) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    execFile(check.command, check.args, { timeout: 20000, env: process.env }, (error, _stdout, stderr) => {
      if (!error) {
        resolve(undefined);
        return;
      }
      const spawnError = (error as NodeJS.ErrnoException).code;
      resolve(lastErrorLine(String(stderr)) || (typeof spawnError === "string" ? `${spawnError}: ${error.message}` : error.message));
    });
  });
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

/** What the server wrote to stderr before it died, e.g. "No module named sidecar_lsp". */
function failureDetail(): string {
  return output?.lastLines(2).join(" | ") ?? "";
}

async function showFailure(message: string): Promise<void> {
  output?.appendLine(message);
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server`);
  } else if (choice === "Show Output") {
    output?.show(true);
  }
}

/**
 * An output channel that remembers what the server wrote to stderr, to quote it in errors.
 *
 * vscode-languageclient forwards the server's stderr with `append()` and writes its own log with
 * `appendLine()`, so only `append()` text is recorded.
 */
class RecordingOutputChannel implements vscode.OutputChannel {
  private readonly stderr: string[] = [];
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
    this.inner.appendLine(value);
  }

  replace(value: string): void {
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

  /** The server's last distinct stderr lines, errors first (e.g. "No module named sidecar_lsp"). */
  lastLines(n: number): string[] {
    const all = this.partial.trim() ? [...this.stderr, this.partial.trim()] : [...this.stderr];
    const errors = all.filter((l) => /Error|error:|No module named|not found|Traceback/.test(l));
    const picked = (errors.length > 0 ? errors : all).slice(-n);
    return picked.filter((line, i) => picked.indexOf(line) === i);
  }

  private record(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim()) {
        this.stderr.push(line.trim());
      }
    }
    if (this.stderr.length > 50) {
      this.stderr.splice(0, this.stderr.length - 50);
    }
  }
}

export type { ServerCommand };
