// A test double of ms-python.python's exported `environments` API (see package.json).
"use strict";

const vscode = require("vscode");

function activate(context) {
  const changed = new vscode.EventEmitter();
  const setting = (name) => vscode.workspace.getConfiguration("fakePython").get(name, "");
  let current = setting("interpreter");
  context.subscriptions.push(
    changed,
    // What a user does with "Python: Select Interpreter"; here the choice comes from a setting.
    vscode.commands.registerCommand("fakePython.selectNextInterpreter", () => {
      current = setting("nextInterpreter");
      changed.fire({ id: current, path: current });
    }),
  );
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: current, path: current }),
      resolveEnvironment: async (environment) => {
        const path = typeof environment === "string" ? environment : environment.path;
        return path ? { executable: { uri: vscode.Uri.file(path) } } : undefined;
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
}

module.exports = { activate, deactivate: () => undefined };
