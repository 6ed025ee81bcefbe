import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  type Bundle,
  type Environment,
  type Probe,
  PROBE_SCRIPT,
  findOnPath,
  lastErrorLine,
  notFoundMessage,
  parseProbe,
  planForInterpreter,
  preflightCommand,
  probeFailureMessage,
  serverCandidates,
  startFailureMessage,
} from "../src/serverCommand";

function env(executables: string[], extra: Partial<Environment> = {}, path = "/opt/venv/bin:/usr/local/bin:/usr/bin"): Environment {
  const set = new Set(executables);
  return { path, platform: "linux", isExecutable: (file) => set.has(file), ...extra };
}

const BUNDLE: Bundle = {
  launcher: "/ext/bundled/tool/sidecar_lsp_server.py",
  target: "linux-x64",
  pythons: ["3.10", "3.11", "3.12", "3.13", "3.14"],
};
const PY311: Probe = { implementation: "cpython", version: [3, 11, 2], own: null };

describe("serverCandidates", () => {
  it("uses sidecarLsp.server.command as given, alone", () => {
    const c = serverCandidates({ command: ["/x/sidecar-lsp", "--stdio", "-v"], pythonPath: "/py" }, env(["/usr/bin/python3"]));
    assert.deepEqual(c, [
      { kind: "command", server: { command: "/x/sidecar-lsp", args: ["--stdio", "-v"], source: "setting:command", bundled: false } },
    ]);
  });

  it("ignores an empty or blank command setting", () => {
    for (const command of [[], [""], ["  "], null, undefined]) {
      const c = serverCandidates({ command }, env(["/usr/bin/python3"]));
      assert.equal(c[0]?.kind === "interpreter" && c[0].interpreter.source, "path:python", JSON.stringify(command));
    }
  });

  it("uses sidecarLsp.server.pythonPath alone, over the Python extension", () => {
    const c = serverCandidates({ pythonPath: " /opt/py/bin/python " }, env(["/usr/bin/python3"], { pythonExtensionInterpreter: "/ws/.venv/bin/python" }));
    assert.deepEqual(c, [{ kind: "interpreter", interpreter: { python: "/opt/py/bin/python", source: "setting:pythonPath" } }]);
  });

  it("tries the Python extension's interpreter, then python3, then sidecar-lsp on PATH", () => {
    const c = serverCandidates({}, env(["/usr/bin/python3", "/usr/bin/sidecar-lsp"], { pythonExtensionInterpreter: "/ws/.venv/bin/python", trusted: true }));
    assert.deepEqual(
      c.map((x) => (x.kind === "interpreter" ? [x.interpreter.source, x.interpreter.python] : [x.server.source, x.server.command])),
      [
        ["python-extension", "/ws/.venv/bin/python"],
        ["path:python", "/usr/bin/python3"],
        ["path:sidecar-lsp", "/usr/bin/sidecar-lsp"],
      ],
    );
  });

  it("skips the Python extension's interpreter in an untrusted workspace", () => {
    const c = serverCandidates({}, env(["/usr/bin/python3"], { pythonExtensionInterpreter: "/ws/.venv/bin/python", trusted: false }));
    assert.deepEqual(c, [{ kind: "interpreter", interpreter: { python: "/usr/bin/python3", source: "path:python" } }]);
  });

  it("does not list the same interpreter twice", () => {
    const c = serverCandidates({}, env(["/usr/bin/python3"], { pythonExtensionInterpreter: "/usr/bin/python3" }));
    assert.equal(c.length, 1);
  });

  it("finds python3 in the first PATH directory that has it", () => {
    const c = serverCandidates({}, env(["/usr/bin/python3", "/opt/venv/bin/python3"]));
    assert.ok(c[0].kind === "interpreter" && c[0].interpreter.python === "/opt/venv/bin/python3");
  });

  it("has no candidate without Python or sidecar-lsp, or without PATH", () => {
    assert.deepEqual(serverCandidates({}, env([])), []);
    assert.deepEqual(serverCandidates({}, { path: undefined, platform: "linux", isExecutable: () => true }), []);
  });

  it("looks for python.exe on Windows", () => {
    const e = env(["C:\\Py\\python.EXE"], { platform: "win32" }, "C:\\Tools;C:\\Py\\");
    assert.equal(findOnPath("sidecar-lsp", e), undefined);
    const c = serverCandidates({}, e);
    assert.ok(c[0].kind === "interpreter" && c[0].interpreter.python === "C:\\Py\\python.EXE");
  });
});

describe("parseProbe", () => {
  it("reads the probe's JSON line", () => {
    assert.deepEqual(parseProbe('noise\n{"implementation": "cpython", "version": [3, 12, 1], "own": null}\n'), {
      implementation: "cpython",
      version: [3, 12, 1],
      own: null,
    });
    assert.equal(parseProbe('{"implementation": "cpython", "version": [3, 12, 1], "own": "0.1.0"}')?.own, "0.1.0");
  });

  it("rejects anything else", () => {
    for (const text of ["", "Python 3.12", "{broken", '{"version": [3]}']) {
      assert.equal(parseProbe(text), undefined, text);
    }
  });

  it("is a Python program that prints one JSON object", () => {
    assert.match(PROBE_SCRIPT, /json\.dumps/);
    assert.doesNotMatch(PROBE_SCRIPT, /f"|f'/, "no f-strings: an old Python must still answer");
  });
});

describe("planForInterpreter", () => {
  const interpreter = { python: "/usr/bin/python3", source: "path:python" } as const;

  it("runs the bundled server, isolated, on a covered CPython without sidecar-lsp", () => {
    assert.deepEqual(planForInterpreter(interpreter, PY311, BUNDLE), {
      ok: true,
      server: {
        command: "/usr/bin/python3",
        args: ["-I", "/ext/bundled/tool/sidecar_lsp_server.py", "--stdio"],
        source: "path:python",
        bundled: true,
        pythonVersion: "3.11.2",
      },
    });
  });

  it("runs the interpreter's own sidecar-lsp when it has one", () => {
    const r = planForInterpreter({ python: "/v/bin/python", source: "python-extension" }, { ...PY311, own: "0.1.0" }, BUNDLE);
    assert.ok(r.ok);
    assert.deepEqual(r.server.args, ["-m", "sidecar_lsp", "--stdio"]);
    assert.equal(r.server.bundled, false);
  });

  it("refuses an uncovered version, naming what is covered and the setting", () => {
    for (const version of [[3, 9, 18], [3, 15, 0]]) {
      const r = planForInterpreter({ python: "/old/python", source: "setting:pythonPath" }, { ...PY311, version }, BUNDLE);
      assert.ok(!r.ok);
      assert.match(r.message, new RegExp(`Python ${version.join("\\.")}`));
      assert.match(r.message, /covers CPython 3\.10-3\.14/);
      assert.match(r.message, /sidecarLsp\.server\.pythonPath/);
    }
  });

  it("refuses another implementation (the compiled libraries are CPython's)", () => {
    const r = planForInterpreter(interpreter, { implementation: "pypy", version: [3, 11, 9], own: null }, BUNDLE);
    assert.ok(!r.ok && /pypy 3\.11\.9/.test(r.message));
  });

  it("refuses everything but an own install when the package has no bundle", () => {
    const r = planForInterpreter(interpreter, PY311, { ...BUNDLE, pythons: [] });
    assert.ok(!r.ok && /covers CPython none/.test(r.message));
  });
});

describe("messages", () => {
  it("says that no pip install is needed when no Python is found", () => {
    const m = notFoundMessage(BUNDLE);
    assert.match(m, /CPython 3\.10-3\.14/);
    assert.match(m, /sidecarLsp\.server\.pythonPath/);
    assert.match(m, /no pip install needed/);
  });

  it("names the interpreter, its origin and the fix when it cannot run", () => {
    const m = probeFailureMessage({ python: "/nope/python", source: "setting:pythonPath" }, "ENOENT: spawn /nope/python ENOENT", BUNDLE);
    assert.match(m, /could not run '\/nope\/python' \(from sidecarLsp\.server\.pythonPath\) \(ENOENT/);
    assert.match(m, /Fix: point 'sidecarLsp\.server\.pythonPath' at a CPython 3\.10-3\.14 interpreter/);
    const fromExtension = probeFailureMessage({ python: "/ws/py", source: "python-extension" }, "", BUNDLE);
    assert.match(fromExtension, /select a CPython 3\.10-3\.14 interpreter in the Python extension/);
    assert.doesNotMatch(fromExtension, /\(\)/);
  });

  it("points a failing bundled server at the output and the settings", () => {
    const m = startFailureMessage(
      { command: "/usr/bin/python3", args: ["-I", "/e/l.py", "--stdio"], source: "path:python", bundled: true },
      "exit code 1",
    );
    assert.match(m, /'\/usr\/bin\/python3 -I \/e\/l\.py --stdio' could not start or exited \(exit code 1\)/);
    assert.match(m, /bundled with the extension/);
    assert.match(m, /sidecarLsp\.server\.command/);
  });

  it("tells an own install to upgrade or go", () => {
    const m = startFailureMessage({ command: "/v/python", args: ["-m", "sidecar_lsp", "--stdio"], source: "python-extension", bundled: false }, "");
    assert.match(m, /\/v\/python -m pip install -U <a newer checkout of sidecar-lsp>/);
    assert.doesNotMatch(m, /\(\)/);
  });

  it("points at the command setting", () => {
    const m = startFailureMessage({ command: "my server", args: [], source: "setting:command", bundled: false }, "spawn ENOENT");
    assert.match(m, /"my server"/);
    assert.match(m, /sidecarLsp\.server\.command/);
  });
});

describe("preflightCommand", () => {
  it("asks a console script on PATH for its version", () => {
    assert.deepEqual(
      preflightCommand({ command: "/v/bin/sidecar-lsp", args: ["--stdio"], source: "path:sidecar-lsp", bundled: false }),
      { command: "/v/bin/sidecar-lsp", args: ["--version"] },
    );
  });

  it("leaves user commands and probed interpreters alone", () => {
    assert.equal(preflightCommand({ command: "x", args: [], source: "setting:command", bundled: false }), undefined);
    assert.equal(preflightCommand({ command: "/py", args: ["-I", "l.py"], source: "path:python", bundled: true }), undefined);
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
