import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { type PythonExtensionApi, onInterpreterChange, selectedInterpreter } from "../src/pythonApi";

describe("selectedInterpreter", () => {
  it("resolves the active environment to its executable", async () => {
    const api: PythonExtensionApi = {
      environments: {
        getActiveEnvironmentPath: () => ({ id: "venv", path: "/ws/.venv" }),
        resolveEnvironment: async (e) => (typeof e !== "string" && e.path === "/ws/.venv" ? { executable: { uri: { fsPath: "/ws/.venv/bin/python" } } } : undefined),
      },
    };
    assert.equal(await selectedInterpreter(api), "/ws/.venv/bin/python");
  });

  it("falls back to the older execution details API", async () => {
    const api: PythonExtensionApi = { settings: { getExecutionDetails: () => ({ execCommand: ["/usr/bin/python3.12"] }) } };
    assert.equal(await selectedInterpreter(api), "/usr/bin/python3.12");
  });

  it("uses an active path that is itself an interpreter when nothing resolves", async () => {
    const api: PythonExtensionApi = {
      environments: { getActiveEnvironmentPath: () => ({ id: "x", path: "/usr/bin/python3" }), resolveEnvironment: async () => undefined },
    };
    assert.equal(await selectedInterpreter(api), "/usr/bin/python3");
  });

  it("gives undefined without the extension, or when its API throws", async () => {
    assert.equal(await selectedInterpreter(undefined), undefined);
    const broken: PythonExtensionApi = {
      environments: {
        getActiveEnvironmentPath: () => {
          throw new Error("not ready");
        },
      },
    };
    assert.equal(await selectedInterpreter(broken), undefined);
  });
});

describe("onInterpreterChange", () => {
  it("subscribes to the environments event, else the settings event", () => {
    const fired: string[] = [];
    const make = (name: string) => (listener: (e: unknown) => unknown) => {
      fired.push(name);
      listener(undefined);
      return { dispose: () => undefined };
    };
    let calls = 0;
    onInterpreterChange({ environments: { onDidChangeActiveEnvironmentPath: make("env") }, settings: { onDidChangeExecutionDetails: make("settings") } }, () => calls++);
    onInterpreterChange({ settings: { onDidChangeExecutionDetails: make("settings") } }, () => calls++);
    assert.deepEqual(fired, ["env", "settings"]);
    assert.equal(calls, 2);
    assert.equal(onInterpreterChange(undefined, () => calls++), undefined);
  });
});
