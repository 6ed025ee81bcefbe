import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  type Environment,
  findOnPath,
  lastErrorLine,
  notFoundMessage,
  preflightCommand,
  resolveServerCommand,
  startFailureMessage,
} from "../src/serverCommand";

function env(executables: string[], path = "/opt/venv/bin:/usr/local/bin:/usr/bin", platform = "linux"): Environment {
  const set = new Set(executables);
  return { path, platform, isExecutable: (file) => set.has(file) };
}

describe("resolveServerCommand", () => {
  it("uses sidecarLsp.server.command as given", () => {
    const r = resolveServerCommand({ command: ["/x/sidecar-lsp", "--stdio", "-v"], pythonPath: "/py" }, env([]));
    assert.deepEqual(r, { ok: true, server: { command: "/x/sidecar-lsp", args: ["--stdio", "-v"], source: "setting:command" } });
  });

  it("ignores an empty or blank command setting", () => {
    for (const command of [[], [""], ["  "], null, undefined]) {
      const r = resolveServerCommand({ command }, env(["/usr/bin/sidecar-lsp"]));
      assert.ok(r.ok && r.server.source === "path:sidecar-lsp", JSON.stringify(command));
    }
  });

  it("runs the module with sidecarLsp.server.pythonPath", () => {
    const r = resolveServerCommand({ pythonPath: " /opt/py/bin/python " }, env(["/usr/bin/sidecar-lsp"]));
    assert.deepEqual(r, {
      ok: true,
      server: { command: "/opt/py/bin/python", args: ["-m", "sidecar_lsp", "--stdio"], source: "setting:pythonPath" },
    });
  });

  it("finds sidecar-lsp on PATH, first directory wins", () => {
    const r = resolveServerCommand({}, env(["/usr/bin/sidecar-lsp", "/opt/venv/bin/sidecar-lsp", "/usr/bin/python3"]));
    assert.deepEqual(r, { ok: true, server: { command: "/opt/venv/bin/sidecar-lsp", args: ["--stdio"], source: "path:sidecar-lsp" } });
  });

  it("falls back to python3 -m sidecar_lsp", () => {
    const r = resolveServerCommand({ command: [], pythonPath: "" }, env(["/usr/bin/python3"]));
    assert.deepEqual(r, {
      ok: true,
      server: { command: "/usr/bin/python3", args: ["-m", "sidecar_lsp", "--stdio"], source: "path:python" },
    });
  });

  it("says how to fix it when nothing is found", () => {
    const r = resolveServerCommand({}, env([]));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.message === notFoundMessage());
    assert.match(notFoundMessage(), /pip install sidecar-lsp/);
    assert.match(notFoundMessage(), /sidecarLsp\.server\.pythonPath/);
  });

  it("copes with an unset PATH", () => {
    const r = resolveServerCommand({}, { path: undefined, platform: "linux", isExecutable: () => true });
    assert.equal(r.ok, false);
  });

  it("looks for .exe/.cmd on Windows and uses python", () => {
    const e = env(["C:\\Py\\python.EXE"], "C:\\Tools;C:\\Py\\", "win32");
    assert.equal(findOnPath("sidecar-lsp", e), undefined);
    const r = resolveServerCommand({}, e);
    assert.ok(r.ok && r.server.command === "C:\\Py\\python.EXE" && r.server.source === "path:python");
  });
});

describe("startFailureMessage", () => {
  it("names the command and the setting to change", () => {
    const m = startFailureMessage(
      { command: "/opt/py/bin/python", args: ["-m", "sidecar_lsp", "--stdio"], source: "setting:pythonPath" },
      "/opt/py/bin/python: No module named sidecar_lsp",
    );
    assert.match(m, /'\/opt\/py\/bin\/python -m sidecar_lsp --stdio'/);
    assert.match(m, /No module named sidecar_lsp/);
    assert.match(m, /\/opt\/py\/bin\/python -m pip install sidecar-lsp/);
  });

  it("tells python3 fallback users to install and point pythonPath", () => {
    const m = startFailureMessage({ command: "/usr/bin/python3", args: ["-m", "sidecar_lsp"], source: "path:python" }, "");
    assert.match(m, /pip install sidecar-lsp/);
    assert.match(m, /sidecarLsp\.server\.pythonPath/);
    assert.doesNotMatch(m, /\(\)/);
  });

  it("points at the command setting", () => {
    const m = startFailureMessage({ command: "my server", args: [], source: "setting:command" }, "spawn ENOENT");
    assert.match(m, /"my server"/);
    assert.match(m, /sidecarLsp\.server\.command/);
  });
});

describe("preflightCommand", () => {
  it("imports the module with the Python routes", () => {
    for (const source of ["setting:pythonPath", "path:python"] as const) {
      assert.deepEqual(preflightCommand({ command: "/py", args: ["-m", "sidecar_lsp", "--stdio"], source }), {
        command: "/py",
        args: ["-c", "import sidecar_lsp"],
      });
    }
  });

  it("asks the console script for its version", () => {
    assert.deepEqual(preflightCommand({ command: "/v/bin/sidecar-lsp", args: ["--stdio"], source: "path:sidecar-lsp" }), {
      command: "/v/bin/sidecar-lsp",
      args: ["--version"],
    });
  });

  it("leaves a user-given command alone", () => {
    assert.equal(preflightCommand({ command: "x", args: [], source: "setting:command" }), undefined);
  });
});

describe("lastErrorLine", () => {
  it("picks the error out of a traceback", () => {
    const stderr = "Traceback (most recent call last):\n  File \"<string>\", line 1\nModuleNotFoundError: No module named 'sidecar_lsp'\n";
    assert.equal(lastErrorLine(stderr), "ModuleNotFoundError: No module named 'sidecar_lsp'");
  });

  it("falls back to the last line, and to nothing", () => {
    assert.equal(lastErrorLine("a\nb\n"), "b");
    assert.equal(lastErrorLine(""), "");
  });
});
