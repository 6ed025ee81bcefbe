/**
 * The language status items (the `{}` in the status bar, on a manifest): whether the server runs,
 * its version and how it was started; and who reports JSON Schema problems.
 */

import * as vscode from "vscode";

import { type ServerCommand, describeSource } from "./serverCommand";

export class StatusItems implements vscode.Disposable {
  private readonly server: vscode.LanguageStatusItem;
  private readonly schema: vscode.LanguageStatusItem;

  constructor(selector: vscode.DocumentSelector) {
    this.server = vscode.languages.createLanguageStatusItem("sidecarLsp.server", selector);
    this.server.name = "Sidecar LSP server";
    this.server.command = { title: "Show Output", command: "sidecarLsp.showOutput" };
    this.schema = vscode.languages.createLanguageStatusItem("sidecarLsp.schema", selector);
    this.schema.name = "Sidecar LSP schema problems";
    this.schema.command = {
      title: "Change",
      command: "workbench.action.openSettings",
      arguments: ["sidecarLsp.schemaDiagnostics"],
    };
    this.stopped();
  }

  set selector(selector: vscode.DocumentSelector) {
    this.server.selector = selector;
    this.schema.selector = selector;
  }

  starting(server?: ServerCommand): void {
    this.server.busy = true;
    this.server.severity = vscode.LanguageStatusSeverity.Information;
    this.server.text = "Sidecar LSP: starting";
    this.server.detail = server ? describeServer(server) : undefined;
  }

  running(server: ServerCommand, version: string | undefined): void {
    this.server.busy = false;
    this.server.severity = vscode.LanguageStatusSeverity.Information;
    this.server.text = `Sidecar LSP ${version ?? "(version unknown)"}`;
    this.server.detail = describeServer(server);
  }

  failed(message: string): void {
    this.server.busy = false;
    this.server.severity = vscode.LanguageStatusSeverity.Error;
    this.server.text = "Sidecar LSP: failed";
    this.server.detail = message.length > 200 ? `${message.slice(0, 200)}...` : message;
  }

  stopped(): void {
    this.server.busy = false;
    this.server.severity = vscode.LanguageStatusSeverity.Information;
    this.server.text = "Sidecar LSP: not running";
    this.server.detail = undefined;
  }

  schemaReporter(report: { text: string; detail: string }): void {
    this.schema.text = report.text;
    this.schema.detail = report.detail;
  }

  dispose(): void {
    this.server.dispose();
    this.schema.dispose();
  }
}

/** "bundled, Python 3.11.2 (/usr/bin/python3, found on PATH)". */
export function describeServer(server: ServerCommand): string {
  const what = server.bundled ? "bundled" : server.source === "setting:command" || server.source === "path:sidecar-lsp" ? "own command" : "installed";
  const python = server.pythonVersion ? `, Python ${server.pythonVersion}` : "";
  return `${what}${python} (${server.command}, ${describeSource(server.source)})`;
}
