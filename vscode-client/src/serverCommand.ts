/**
 * Which command starts sidecar-lsp, and what to tell the user when none works.
 *
 * Pure on purpose: no `vscode` import, no real file system or process access (the caller passes
 * `isExecutable` and runs the probes), so `node --test` covers every branch
 * (test/serverCommand.test.ts).
 *
 * Candidates, in order (`serverCandidates`):
 *   1. `sidecarLsp.server.command` (a non-empty array: program + arguments, used as given) - alone;
 *   2. `sidecarLsp.server.pythonPath` - alone;
 *   3. the interpreter the Python extension (ms-python.python) selected - trusted workspaces only;
 *   4. `python3` (`python` on Windows) on PATH;
 *   5. `sidecar-lsp` on PATH (a console script with its own Python, e.g. from pipx).
 * An interpreter (2-4) is probed first (`PROBE_SCRIPT`, `planForInterpreter`): if it has
 * sidecar-lsp installed, that install runs (`-m sidecar_lsp`); otherwise the server bundled with the
 * extension runs on it (`-I bundled/tool/sidecar_lsp_server.py`), which needs a CPython version the
 * package covers. A candidate from the Python extension or PATH that cannot be used falls through to
 * the next one; a setting that cannot be used is an error that names the setting.
 */

export type CommandSource =
  | "setting:command"
  | "setting:pythonPath"
  | "python-extension"
  | "path:python"
  | "path:sidecar-lsp";

export type InterpreterSource = "setting:pythonPath" | "python-extension" | "path:python";

export interface ServerCommand {
  command: string;
  args: string[];
  source: CommandSource;
  /** The server bundled with the extension (false: the user's own install or command). */
  bundled: boolean;
  /** The Python version running it, when known from the probe ("3.11.2"). */
  pythonVersion?: string;
}

export interface Interpreter {
  python: string;
  source: InterpreterSource;
}

export type Candidate = { kind: "command"; server: ServerCommand } | { kind: "interpreter"; interpreter: Interpreter };

export interface ServerSettings {
  /** `sidecarLsp.server.command`. */
  command?: readonly string[] | null;
  /** `sidecarLsp.server.pythonPath`. */
  pythonPath?: string | null;
}

export interface Environment {
  /** The PATH (or Path) variable of the extension host. */
  path: string | undefined;
  platform: string;
  /** Whether a file exists and may be executed. Injected so the module stays pure. */
  isExecutable: (file: string) => boolean;
  /** Windows PATHEXT; defaults to ".EXE;.CMD;.BAT;.COM". */
  pathext?: string;
  /** The interpreter the Python extension selected, if it is installed and said so. */
  pythonExtensionInterpreter?: string;
  /** `vscode.workspace.isTrusted`: an untrusted workspace may have chosen that interpreter. */
  trusted?: boolean;
}

/** What the launcher's `sidecar-bundle.json` says the package covers. */
export interface Bundle {
  /** Absolute path of bundled/tool/sidecar_lsp_server.py. */
  launcher: string;
  /** The VS Code target the package was built for ("linux-x64"). */
  target: string;
  /** CPython versions with compiled libraries in the package (["3.10", ..., "3.14"]). */
  pythons: readonly string[];
}

/** What `PROBE_SCRIPT` prints about an interpreter. */
export interface Probe {
  implementation: string;
  version: number[];
  /** Version of an installed sidecar_lsp, or null. */
  own: string | null;
}

export type Resolution = { ok: true; server: ServerCommand } | { ok: false; message: string };

export const SERVER_EXECUTABLE = "sidecar-lsp";
export const SERVER_MODULE = "sidecar_lsp";
export const INSTALL_HINT = "pip install <a checkout of sidecar-lsp>"; // from PyPI as "sidecar-lsp" once published

/**
 * Run as `<python> -c PROBE_SCRIPT` (from the extension's folder, so no workspace module is found):
 * one JSON line with the implementation, the version and an installed sidecar_lsp's version.
 * Written for any Python 3 so that an old one still answers and gets a clear message.
 */
export const PROBE_SCRIPT = [
  "import json, sys",
  "own = None",
  "try:",
  "    import importlib.util",
  "    if importlib.util.find_spec('sidecar_lsp') and importlib.util.find_spec('sidecar_lsp.__main__'):",
  "        import sidecar_lsp",
  "        own = str(getattr(sidecar_lsp, '__version__', 'unknown'))",
  "except Exception:",
  "    own = None",
  "print(json.dumps({'implementation': sys.implementation.name, 'version': list(sys.version_info[:3]), 'own': own}))",
].join("\n");

/** Split PATH and look `name` up in it, like `which`. */
export function findOnPath(name: string, env: Environment): string | undefined {
  if (!env.path) {
    return undefined;
  }
  const windows = env.platform === "win32";
  const sep = windows ? ";" : ":";
  const exts = windows ? ["", ...(env.pathext ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean)] : [""];
  const slash = windows ? "\\" : "/";
  for (const dir of env.path.split(sep)) {
    if (!dir) {
      continue;
    }
    const base = dir.endsWith(slash) || dir.endsWith("/") ? dir : dir + slash;
    for (const ext of exts) {
      const candidate = base + name + ext;
      if (env.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The candidates to try, in order (see the module comment); empty when there is none at all. */
export function serverCandidates(settings: ServerSettings, env: Environment): Candidate[] {
  const command = (settings.command ?? []).filter((part) => typeof part === "string");
  if (command.length > 0 && command[0].trim() !== "") {
    return [
      { kind: "command", server: { command: command[0], args: command.slice(1), source: "setting:command", bundled: false } },
    ];
  }
  const python = (settings.pythonPath ?? "").trim();
  if (python !== "") {
    return [{ kind: "interpreter", interpreter: { python, source: "setting:pythonPath" } }];
  }
  const candidates: Candidate[] = [];
  const selected = (env.pythonExtensionInterpreter ?? "").trim();
  if (selected !== "" && env.trusted !== false) {
    candidates.push({ kind: "interpreter", interpreter: { python: selected, source: "python-extension" } });
  }
  const pythonOnPath = findOnPath(env.platform === "win32" ? "python" : "python3", env);
  if (pythonOnPath && pythonOnPath !== selected) {
    candidates.push({ kind: "interpreter", interpreter: { python: pythonOnPath, source: "path:python" } });
  }
  const onPath = findOnPath(SERVER_EXECUTABLE, env);
  if (onPath) {
    candidates.push({
      kind: "command",
      server: { command: onPath, args: ["--stdio"], source: "path:sidecar-lsp", bundled: false },
    });
  }
  return candidates;
}

/** Read the probe's output; undefined when it is not what `PROBE_SCRIPT` prints. */
export function parseProbe(stdout: string): Probe | undefined {
  const line = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("{"))
    .pop();
  if (!line) {
    return undefined;
  }
  try {
    const data = JSON.parse(line) as Partial<Probe>;
    if (typeof data.implementation !== "string" || !Array.isArray(data.version)) {
      return undefined;
    }
    return { implementation: data.implementation, version: data.version.map(Number), own: typeof data.own === "string" ? data.own : null };
  } catch {
    return undefined;
  }
}

function versionText(probe: Probe): string {
  return probe.version.join(".");
}

/** Describe the covered versions: "3.10-3.14", or a list when they are not consecutive. */
export function coveredText(pythons: readonly string[]): string {
  if (pythons.length === 0) {
    return "none";
  }
  return pythons.length > 2 ? `${pythons[0]}-${pythons[pythons.length - 1]}` : pythons.join(", ");
}

/**
 * How to run the server with a probed interpreter: its own sidecar-lsp if it has one, else the
 * bundled one if the package covers that Python; else why not (with the fix).
 */
export function planForInterpreter(interpreter: Interpreter, probe: Probe, bundle: Bundle): Resolution {
  const { python, source } = interpreter;
  const pythonVersion = versionText(probe);
  if (probe.own !== null) {
    return {
      ok: true,
      server: { command: python, args: ["-m", SERVER_MODULE, "--stdio"], source, bundled: false, pythonVersion },
    };
  }
  const minor = probe.version.slice(0, 2).join(".");
  if (probe.implementation === "cpython" && bundle.pythons.includes(minor)) {
    return {
      ok: true,
      server: { command: python, args: ["-I", bundle.launcher, "--stdio"], source, bundled: true, pythonVersion },
    };
  }
  const what = probe.implementation === "cpython" ? `Python ${pythonVersion}` : `${probe.implementation} ${pythonVersion}`;
  return {
    ok: false,
    message:
      `Sidecar LSP: '${python}' (${describeSource(source)}) is ${what}, which the bundled server does not cover ` +
      `(this ${bundle.target} package covers CPython ${coveredText(bundle.pythons)}). Fix: ${interpreterFix(source, bundle)}`,
  };
}

/** The interpreter could not even be asked (not found, not a Python, crashed). */
export function probeFailureMessage(interpreter: Interpreter, detail: string, bundle: Bundle): string {
  const why = detail.trim() === "" ? "" : ` (${detail.trim()})`;
  return (
    `Sidecar LSP: could not run '${interpreter.python}' (${describeSource(interpreter.source)})${why}. ` +
    `Fix: ${interpreterFix(interpreter.source, bundle)}`
  );
}

function interpreterFix(source: InterpreterSource, bundle: Bundle): string {
  const covered = `CPython ${coveredText(bundle.pythons)}`;
  switch (source) {
    case "setting:pythonPath":
      return `point 'sidecarLsp.server.pythonPath' at a ${covered} interpreter, or run '${INSTALL_HINT}' in that Python.`;
    case "python-extension":
      return `select a ${covered} interpreter in the Python extension, or set 'sidecarLsp.server.pythonPath'.`;
    case "path:python":
      return `install ${covered}, or set 'sidecarLsp.server.pythonPath' to one.`;
  }
}

/** Where a command or interpreter came from, for messages and the status item. */
export function describeSource(source: CommandSource): string {
  switch (source) {
    case "setting:command":
      return "from sidecarLsp.server.command";
    case "setting:pythonPath":
      return "from sidecarLsp.server.pythonPath";
    case "python-extension":
      return "the Python extension's interpreter";
    case "path:python":
      return "found on PATH";
    case "path:sidecar-lsp":
      return "sidecar-lsp found on PATH";
  }
}

/** Shown when no candidate exists at all. */
export function notFoundMessage(bundle?: Bundle): string {
  const covered = bundle ? `CPython ${coveredText(bundle.pythons)}` : "Python 3.10 or newer";
  return (
    `Sidecar LSP: cannot find a Python to run the language server: no interpreter is set, none is selected ` +
    `in the Python extension, and neither 'python3' nor '${SERVER_EXECUTABLE}' is on PATH. ` +
    `Fix: install ${covered}, then set 'sidecarLsp.server.pythonPath' to it (no pip install needed: ` +
    `the server comes with the extension).`
  );
}

/** Render a command for a message: program and arguments, quoted when they contain spaces. */
export function describeCommand(server: ServerCommand): string {
  return [server.command, ...server.args].map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(" ");
}

/**
 * Shown when the server could not be started or exited.
 *
 * `detail` is what we know about the failure (spawn error, exit code, last stderr line).
 * The fix depends on how the command was chosen.
 */
export function startFailureMessage(server: ServerCommand, detail: string): string {
  const cmd = describeCommand(server);
  let fix: string;
  if (server.bundled) {
    fix =
      "the server bundled with the extension failed: see 'Sidecar LSP: Show Output'; set " +
      "'sidecarLsp.server.pythonPath' to another Python 3.10+, or 'sidecarLsp.server.command' to your own server.";
  } else {
    switch (server.source) {
      case "setting:command":
        fix = "check 'sidecarLsp.server.command' (it must start the server over stdio).";
        break;
      case "setting:pythonPath":
      case "python-extension":
      case "path:python":
        fix =
          `the sidecar-lsp installed in '${server.command}' failed: upgrade it ('${server.command} -m pip install -U <a newer checkout of sidecar-lsp>') ` +
          `or uninstall it there to use the bundled server.`;
        break;
      case "path:sidecar-lsp":
        fix = `reinstall it ('${INSTALL_HINT}'), or set 'sidecarLsp.server.pythonPath' to a Python 3.10+ to use the bundled server.`;
        break;
    }
  }
  const why = detail.trim() === "" ? "" : ` (${detail.trim()})`;
  return `Sidecar LSP: the language server '${cmd}' could not start or exited${why}. Fix: ${fix}`;
}

/**
 * A quick check of a console script found on PATH (`sidecar-lsp --version`), run before the client
 * starts so a broken install gives one clear message. Interpreters are checked by the probe; a
 * user-given command is not checked (its arguments are the user's business).
 */
export function preflightCommand(server: ServerCommand): { command: string; args: string[] } | undefined {
  return server.source === "path:sidecar-lsp" ? { command: server.command, args: ["--version"] } : undefined;
}

/** The line of a failed check's stderr worth quoting: the last error-looking line, else the last line. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /Error|error:|No module named|not found|unsupported/.test(l));
  return (errors.length > 0 ? errors : lines).slice(-1)[0] ?? "";
}
