/**
 * The interpreter the Python extension (ms-python.python) selected, read from its exported API.
 * Pure: works on the plain `exports` object (test/pythonApi.test.ts uses fakes).
 *
 * Newer versions export `environments` (`getActiveEnvironmentPath`, `resolveEnvironment`,
 * `onDidChangeActiveEnvironmentPath`); older ones `settings.getExecutionDetails(resource).execCommand`.
 */

export const PYTHON_EXTENSION_ID = "ms-python.python";

interface UriLike {
  fsPath: string;
}

interface EnvironmentPath {
  id?: string;
  path?: string;
}

interface ResolvedEnvironment {
  executable?: { uri?: UriLike; sysPrefix?: string };
}

interface EventLike<T> {
  (listener: (event: T) => unknown): { dispose(): unknown };
}

/** The parts of the Python extension's API this extension reads. */
export interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?: (resource?: unknown) => EnvironmentPath | undefined;
    resolveEnvironment?: (environment: EnvironmentPath | string) => Promise<ResolvedEnvironment | undefined>;
    onDidChangeActiveEnvironmentPath?: EventLike<unknown>;
  };
  settings?: {
    getExecutionDetails?: (resource?: unknown) => { execCommand?: string[] | undefined } | undefined;
    onDidChangeExecutionDetails?: EventLike<unknown>;
  };
}

/** The selected interpreter's executable, or undefined when the API gives none. Never throws. */
export async function selectedInterpreter(api: PythonExtensionApi | undefined, resource?: unknown): Promise<string | undefined> {
  try {
    const environments = api?.environments;
    const active = environments?.getActiveEnvironmentPath?.(resource);
    if (active) {
      const resolved = await environments?.resolveEnvironment?.(active);
      const executable = resolved?.executable?.uri?.fsPath;
      if (executable) {
        return executable;
      }
    }
    const command = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (Array.isArray(command) && typeof command[0] === "string" && command[0].trim() !== "") {
      return command[0];
    }
    if (active?.path && /python[0-9.]*(\.exe)?$/i.test(active.path)) {
      return active.path;
    }
  } catch {
    // a broken or changed API: behave as if the extension were absent
  }
  return undefined;
}

/** Subscribe to interpreter changes with whichever event the API has. */
export function onInterpreterChange(api: PythonExtensionApi | undefined, listener: () => void): { dispose(): unknown } | undefined {
  const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
  return event ? event(() => listener()) : undefined;
}
