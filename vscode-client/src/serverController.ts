/**
 * Starts, restarts and stops the language client, and keeps the status items and the log current.
 *
 * The decisions are pure modules: which command (`serverCommand.ts`), which documents
 * (`documents.ts`, applied by `documentGate.ts`), which settings (`settings.ts`), which interpreter
 * the Python extension selected (`pythonApi.ts`). This class only runs them against VS Code.
 */

import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
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

import { CLIENT_SELECTOR, DocumentGate } from "./documentGate";
import { MANIFEST_GLOBS, manifestKinds, typeLinePattern } from "./documents";
import type { RecordingLogChannel } from "./logChannel";
import { PYTHON_EXTENSION_ID, type PythonExtensionApi, onInterpreterChange, selectedInterpreter } from "./pythonApi";
import {
  type Bundle,
  type ServerCommand,
  PROBE_SCRIPT,
  describeCommand,
  lastErrorLine,
  notFoundMessage,
  parseProbe,
  planForInterpreter,
  preflightCommand,
  probeFailureMessage,
  serverCandidates,
  startFailureMessage,
} from "./serverCommand";
import { YAML_EXTENSION_ID, type YamlExtensionState, schemaReporter, serverSettings } from "./settings";
import { StatusItems } from "./status";

export const SECTION = "sidecarLsp";
/** A server that dies again within this time after a restart is not restarted any more. */
const RESTART_WINDOW_MS = 3 * 60 * 1000;
const MAX_RESTARTS = 3;
const PROBE_TIMEOUT_MS = 20000;

export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private server: ServerCommand | undefined;
  private starting: Promise<void> | undefined;
  private readonly bundle: Bundle;
  readonly gate: DocumentGate;
  private readonly status: StatusItems;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: RecordingLogChannel,
  ) {
    this.bundle = readBundle(context.extensionPath);
    this.gate = new DocumentGate(typeLinePattern(readKinds(context.extensionPath)), () => this.client);
    this.status = new StatusItems(this.statusSelector());
    this.disposables.push(
      this.gate,
      this.status,
      this.gate.onDidChange(() => (this.status.selector = this.statusSelector())),
    );
    this.updateSchemaStatus();
  }

  /** The running client, for feature modules (content providers, commands); undefined when stopped. */
  get languageClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  get currentServer(): ServerCommand | undefined {
    return this.server;
  }

  showLog(): void {
    this.log.show(true);
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** Whether a document the server serves is open or a manifest file exists in the workspace. */
  async manifestPresent(): Promise<boolean> {
    if (vscode.workspace.textDocuments.some((d) => this.gate.serves(d))) {
      return true;
    }
    const found = await vscode.workspace.findFiles(`{${MANIFEST_GLOBS.join(",")}}`, "**/node_modules/**", 1);
    return found.length > 0;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  start(): Promise<void> {
    if (this.client || this.starting) {
      return this.starting ?? Promise.resolve();
    }
    this.starting = this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    const running = this.client;
    this.client = undefined;
    this.server = undefined;
    this.gate.reset();
    this.status.stopped();
    if (running) {
      try {
        await running.stop();
      } catch {
        // the server may already be gone
      }
    }
  }

  /** Tell a running server that settings changed (it may re-pull them with workspace/configuration). */
  pushSettings(): void {
    this.updateSchemaStatus();
    if (this.client?.isRunning()) {
      void this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: currentServerSettings() },
      });
    }
  }

  /** Restart when the Python extension's interpreter changes and no setting chose the server. */
  async watchPythonExtension(): Promise<void> {
    const api = await pythonExtensionApi(this.log);
    const subscription = onInterpreterChange(api, () => {
      if (this.server === undefined || this.server.source === "python-extension" || this.server.source === "path:python") {
        this.log.info("The Python extension's interpreter changed: restarting the server.");
        void this.restart();
      }
    });
    if (subscription) {
      this.disposables.push({ dispose: () => void subscription.dispose() });
    }
  }

  private updateSchemaStatus(): void {
    const mode = vscode.workspace.getConfiguration(SECTION).get("schemaDiagnostics");
    this.status.schemaReporter(schemaReporter(mode, yamlExtensionState()));
  }

  private statusSelector(): vscode.DocumentFilter[] {
    const served = this.gate
      .openUris()
      .filter((uri) => uri.scheme === "file")
      .map((uri) => ({ scheme: "file", pattern: uri.fsPath }));
    return [...MANIFEST_GLOBS.map((pattern) => ({ scheme: "file", pattern })), ...served];
  }

  private async doStart(): Promise<void> {
    this.log.reset();
    this.status.starting();
    const server = await this.chooseServer();
    if (!server) {
      return;
    }
    this.server = server;
    this.status.starting(server);
    this.log.info(`Starting ${describeCommand(server)} (from ${server.source}${server.bundled ? ", bundled" : ""})`);
    const problem = await preflight(server);
    if (problem !== undefined) {
      this.fail(startFailureMessage(server, problem));
      return;
    }
    await this.launch(server);
  }

  /** The first usable candidate; shows why none is usable and returns undefined otherwise. */
  private async chooseServer(): Promise<ServerCommand | undefined> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const trusted = vscode.workspace.isTrusted;
    const api = trusted ? await pythonExtensionApi(this.log) : undefined;
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const candidates = serverCandidates(
      { command: config.get<string[]>("server.command"), pythonPath: config.get<string>("server.pythonPath") },
      {
        path: process.env.PATH ?? process.env.Path,
        platform: process.platform,
        isExecutable,
        pathext: process.env.PATHEXT,
        pythonExtensionInterpreter: await selectedInterpreter(api, resource),
        trusted,
      },
    );
    let firstProblem: string | undefined;
    for (const candidate of candidates) {
      if (candidate.kind === "command") {
        return candidate.server;
      }
      const { interpreter } = candidate;
      const probed = await run(interpreter.python, ["-c", PROBE_SCRIPT], this.context.extensionPath);
      const probe = probed.ok ? parseProbe(probed.stdout) : undefined;
      const detail = probed.ok ? `unexpected answer: ${probed.stdout.slice(0, 200)}` : probed.detail;
      const plan = probe
        ? planForInterpreter(interpreter, probe, this.bundle)
        : ({ ok: false, message: probeFailureMessage(interpreter, detail, this.bundle) } as const);
      if (plan.ok) {
        return plan.server;
      }
      if (interpreter.source === "setting:pythonPath") {
        this.fail(plan.message);
        return undefined;
      }
      this.log.warn(`${plan.message} Trying the next candidate.`);
      firstProblem ??= plan.message;
    }
    this.fail(firstProblem ?? notFoundMessage(this.bundle));
    return undefined;
  }

  private async launch(server: ServerCommand): Promise<void> {
    const own = server.source === "setting:command";
    const serverOptions: ServerOptions = {
      command: server.command,
      args: server.args,
      // Not the workspace folder: `-m sidecar_lsp` would import a `sidecar_lsp` folder found there.
      options: { env: process.env, cwd: own ? undefined : this.context.extensionPath },
    };
    let restarts = 0;
    let lastStart = Date.now();
    let failed = false;
    const clientOptions: LanguageClientOptions = {
      documentSelector: CLIENT_SELECTOR,
      outputChannel: this.log,
      traceOutputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => currentServerSettings(),
      middleware: {
        ...this.gate.middleware(),
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
          this.gate.reset();
          if (!failed && restarts < MAX_RESTARTS) {
            restarts += 1;
            this.log.warn(`sidecar-lsp exited; restart ${restarts}/${MAX_RESTARTS}.`);
            this.status.starting(server);
            return { action: CloseAction.Restart, handled: true };
          }
          if (!failed) {
            failed = true;
            this.fail(startFailureMessage(server, this.failureDetail()));
          }
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };

    const client = new LanguageClient("sidecarLsp", "Sidecar LSP", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState(() => {
      if (client === this.client && client.isRunning()) {
        this.status.running(server, client.initializeResult?.serverInfo?.version);
      }
    });
    try {
      await client.start();
      const version = client.initializeResult?.serverInfo?.version;
      this.status.running(server, version);
      this.log.info(`sidecar-lsp ${version ?? ""} is running (${server.bundled ? "bundled" : "own install"}${server.pythonVersion ? `, Python ${server.pythonVersion}` : ""}).`);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (!failed) {
        failed = true;
        this.fail(startFailureMessage(server, this.failureDetail() || detail));
      }
      if (this.client === client) {
        this.client = undefined;
      }
      try {
        await client.dispose();
      } catch {
        // already dead
      }
    }
  }

  /** What the server wrote to stderr before it died, e.g. "No module named sidecar_lsp". */
  private failureDetail(): string {
    return this.log.lastLines(2).join(" | ");
  }

  private fail(message: string): void {
    this.status.failed(message);
    void showFailure(message, this.log);
  }
}

/** The `sidecarLsp` section as the server must see it (see settings.ts). */
export function currentServerSettings(): ReturnType<typeof serverSettings> {
  const raw = vscode.workspace.getConfiguration().get<Record<string, unknown>>(SECTION) ?? {};
  return serverSettings(raw, yamlExtensionState());
}

export function yamlExtensionState(): YamlExtensionState {
  return {
    present: vscode.extensions.getExtension(YAML_EXTENSION_ID) !== undefined,
    validate: vscode.workspace.getConfiguration("yaml").get<boolean>("validate", true),
  };
}

async function showFailure(message: string, log: RecordingLogChannel): Promise<void> {
  log.error(message);
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server`);
  } else if (choice === "Show Output") {
    log.show(true);
  }
}

/** The Python extension's API, if it is installed; activating it is given 15 s. */
async function pythonExtensionApi(log: RecordingLogChannel): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  try {
    if (extension.isActive) {
      return extension.exports;
    }
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15000));
    return await Promise.race([Promise.resolve(extension.activate()), timeout]);
  } catch (error) {
    log.warn(`The Python extension did not activate: ${String(error)}`);
    return undefined;
  }
}

/** What `scripts/bundle_python.py` wrote into bundled/libs; an empty coverage when not bundled. */
function readBundle(extensionPath: string): Bundle {
  const launcher = path.join(extensionPath, "bundled", "tool", "sidecar_lsp_server.py");
  try {
    const data = JSON.parse(fs.readFileSync(path.join(extensionPath, "bundled", "libs", "sidecar-bundle.json"), "utf8")) as {
      target?: string;
      pythons?: string[];
    };
    return { launcher, target: data.target ?? "unknown", pythons: data.pythons ?? [] };
  } catch {
    return { launcher, target: "unbundled", pythons: [] };
  }
}

/** The Copilot kinds from the schema shipped in the extension (the server's source of the same list). */
function readKinds(extensionPath: string): string[] {
  try {
    return manifestKinds(JSON.parse(fs.readFileSync(path.join(extensionPath, "schema", "copilot-manifest.schema.json"), "utf8")));
  } catch {
    return [];
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

type RunResult = { ok: true; stdout: string } | { ok: false; detail: string };

/** Run a short command from `cwd`; its stdout, or the error worth quoting. */
function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: PROBE_TIMEOUT_MS, env: process.env, cwd }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, stdout: String(stdout) });
        return;
      }
      const spawnError = (error as NodeJS.ErrnoException).code;
      resolve({
        ok: false,
        detail: lastErrorLine(String(stderr)) || (typeof spawnError === "string" ? `${spawnError}: ${error.message}` : error.message),
      });
    });
  });
}

/** Run the pre-start check; undefined when it passed (or there is none), else what went wrong. */
async function preflight(server: ServerCommand): Promise<string | undefined> {
  const check = preflightCommand(server);
  if (!check) {
    return undefined;
  }
  const result = await run(check.command, check.args, process.cwd());
  return result.ok ? undefined : result.detail;
}
