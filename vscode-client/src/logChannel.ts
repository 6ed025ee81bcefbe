/**
 * The extension's log: a `LogOutputChannel` ("Sidecar LSP", with levels and timestamps) that also
 * remembers what the server wrote to stderr, to quote it in error messages.
 *
 * vscode-languageclient forwards the server's stderr with `append()` and writes its own log with
 * `appendLine()` / the level methods, so only `append()` text is recorded.
 */

import type * as vscode from "vscode";

export class RecordingLogChannel implements vscode.LogOutputChannel {
  private readonly stderr: string[] = [];
  private partial = "";

  constructor(private readonly inner: vscode.LogOutputChannel) {}

  get name(): string {
    return this.inner.name;
  }

  get logLevel(): vscode.LogLevel {
    return this.inner.logLevel;
  }

  get onDidChangeLogLevel(): vscode.Event<vscode.LogLevel> {
    return this.inner.onDidChangeLogLevel;
  }

  trace(message: string, ...args: unknown[]): void {
    this.inner.trace(message, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.inner.debug(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.inner.info(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.inner.warn(message, ...args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.inner.error(error, ...args);
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

  /** Forget the stderr of a previous server (before a new start). */
  reset(): void {
    this.stderr.length = 0;
    this.partial = "";
  }

  /** The server's last distinct stderr lines, errors first (e.g. "No module named sidecar_lsp"). */
  lastLines(n: number): string[] {
    const all = this.partial.trim() ? [...this.stderr, this.partial.trim()] : [...this.stderr];
    const errors = all.filter((l) => /Error|error:|No module named|not found|Traceback|unsupported/.test(l));
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
