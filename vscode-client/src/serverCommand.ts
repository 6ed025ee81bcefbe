/**
 * Which command starts sidecar-lsp, and what to tell the user when none works.
 *
 * Pure on purpose: no `vscode` import, no real file system access (the caller passes
 * `isExecutable`), so `node --test` covers every branch (test/serverCommand.test.ts).
 *
 * Order, first match wins:
 *   1. `sidecarLsp.server.command` (a non-empty array: program + arguments, used as given);
 *   2. `sidecarLsp.server.pythonPath` -> `<python> -m sidecar_lsp --stdio`;
 *   3. `sidecar-lsp` found on PATH -> `sidecar-lsp --stdio`;
 *   4. `python3` (`python` on Windows) found on PATH -> `python3 -m sidecar_lsp --stdio`.
 */

export type CommandSource = "setting:command" | "setting:pythonPath" | "path:sidecar-lsp" | "path:python";

export interface ServerCommand {
  command: string;
  args: string[];
  source: CommandSource;
}

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
}

export type Resolution = { ok: true; server: ServerCommand } | { ok: false; message: string };

export const SERVER_EXECUTABLE = "sidecar-lsp";
export const SERVER_MODULE = "sidecar_lsp";
export const INSTALL_HINT = "pip install sidecar-lsp";

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

/** Resolve the server command from the settings and the environment (see the module comment). */
export function resolveServerCommand(settings: ServerSettings, env: Environment): Resolution {
  const command = (settings.command ?? []).filter((part) => typeof part === "string");
  if (command.length > 0 && command[0].trim() !== "") {
    return { ok: true, server: { command: command[0], args: command.slice(1), source: "setting:command" } };
  }
  const python = (settings.pythonPath ?? "").trim();
  if (python !== "") {
    return {
      ok: true,
      server: { command: python, args: ["-m", SERVER_MODULE, "--stdio"], source: "setting:pythonPath" },
    };
  }
  const onPath = findOnPath(SERVER_EXECUTABLE, env);
  if (onPath) {
    return { ok: true, server: { command: onPath, args: ["--stdio"], source: "path:sidecar-lsp" } };
  }
  const pythonName = env.platform === "win32" ? "python" : "python3";
  const pythonOnPath = findOnPath(pythonName, env);
  if (pythonOnPath) {
    return {
      ok: true,
      server: { command: pythonOnPath, args: ["-m", SERVER_MODULE, "--stdio"], source: "path:python" },
    };
  }
  return { ok: false, message: notFoundMessage() };
}

/** Shown when no command could be resolved at all. */
export function notFoundMessage(): string {
  return (
    `Sidecar LSP: cannot find the language server. Neither '${SERVER_EXECUTABLE}' nor 'python3' is on PATH. ` +
    `Fix: run '${INSTALL_HINT}' in a Python 3.10+ environment, then set 'sidecarLsp.server.pythonPath' ` +
    `to that environment's python, or 'sidecarLsp.server.command' to the full path of '${SERVER_EXECUTABLE}'.`
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
  const missingModule = /No module named ['"]?sidecar_lsp/.test(detail);
  let fix: string;
  switch (server.source) {
    case "setting:command":
      fix = "check 'sidecarLsp.server.command' (it must start the server over stdio).";
      break;
    case "setting:pythonPath":
      fix = missingModule
        ? `run '${server.command} -m pip install sidecar-lsp', or point 'sidecarLsp.server.pythonPath' at a Python that has it.`
        : "check 'sidecarLsp.server.pythonPath' (a Python 3.10+ interpreter with sidecar-lsp installed).";
      break;
    case "path:sidecar-lsp":
      fix = `reinstall it ('${INSTALL_HINT}'), or set 'sidecarLsp.server.command' to a working server.`;
      break;
    case "path:python":
      fix =
        `'${SERVER_EXECUTABLE}' is not on PATH and '${server.command}' could not run the module: ` +
        `run '${INSTALL_HINT}', then set 'sidecarLsp.server.pythonPath' to the Python you installed it into.`;
      break;
  }
  const why = detail.trim() === "" ? "" : ` (${detail.trim()})`;
  return `Sidecar LSP: the language server '${cmd}' could not start or exited${why}. Fix: ${fix}`;
}

/**
 * A quick check that the resolved command can work, run before the language client starts, so a
 * missing module gives one clear message instead of the client's restart noise.
 *
 * Python routes: `<python> -c "import sidecar_lsp"`; the console script: `sidecar-lsp --version`.
 * A user-given command is not checked (its arguments are the user's business).
 */
export function preflightCommand(server: ServerCommand): { command: string; args: string[] } | undefined {
  switch (server.source) {
    case "setting:pythonPath":
    case "path:python":
      return { command: server.command, args: ["-c", `import ${SERVER_MODULE}`] };
    case "path:sidecar-lsp":
      return { command: server.command, args: ["--version"] };
    default:
      return undefined;
  }
}

/** The line of a failed check's stderr worth quoting: the last error-looking line, else the last line. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /Error|error:|No module named|not found/.test(l));
  return (errors.length > 0 ? errors : lines).slice(-1)[0] ?? "";
}
