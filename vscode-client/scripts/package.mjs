// Build the platform package of the extension: `npm run package [-- --target <vscode-target>]`.
//
// 1. `scripts/bundle_python.py --target T` fills bundled/libs with the server and its libraries
//    (pip, from the project's pyproject.toml; compiled ones for CPython 3.10-3.14 of that platform);
// 2. `vsce package --target T` packs dist/, schema/ and bundled/ into sidecar-lsp-T.vsix
//    (its vscode:prepublish step type-checks, copies the schema and bundles src/ with esbuild).
//
// The target defaults to this machine's (linux-x64 here). The Python that runs pip is
// $SIDECAR_BUNDLE_PYTHON, else python3 (python on Windows); it needs pip and network access to the
// package index. Any target can be built on any machine: pip fetches that platform's wheels.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const hostArch = { x64: "x64", arm64: "arm64" }[process.arch] ?? process.arch;
const target = option("--target") ?? `${process.platform}-${hostArch}`;
const python = process.env.SIDECAR_BUNDLE_PYTHON || (process.platform === "win32" ? "python" : "python3");
const out = option("--out") ?? `sidecar-lsp-${target}.vsix`;

function run(command, commandArgs) {
  console.log(`+ ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { cwd: here, stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) {
    console.error(`failed (${result.error?.message ?? `exit ${result.status}`}): ${command}`);
    process.exit(result.status || 1);
  }
}

run(python, [join("scripts", "bundle_python.py"), "--target", target]);
run(process.execPath, [
  join("node_modules", "@vscode", "vsce", "vsce"),
  "package", "--target", target, "--no-dependencies", "--allow-missing-repository", "--skip-license", "-o", out,
]);
console.log(`built ${out}`);
