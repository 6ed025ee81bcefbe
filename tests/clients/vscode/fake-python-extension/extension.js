// A test double of ms-python.python's exported `environments` API (see package.json).
"use strict";

const vscode = require("vscode");

function activate(context) {
  const changed = new vscode.EventEmitter();
  const interpreter = () => vscode.workspace.getConfiguration("fakePython").get("interpreter", "");
  context.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("fakePython.interpreter")) {
        changed.fire({ id: interpreter(), path: interpreter() });
      }
    }),
  );
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: interpreter(), path: interpreter() }),
      resolveEnvironment: async (environment) => {
        const path = typeof environment === "string" ? environment : environment.path;
        return path ? { executable: { uri: vscode.Uri.file(path) } } : undefined;
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
}

module.exports = { activate, deactivate: () => undefined };
