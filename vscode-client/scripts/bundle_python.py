"""Put the language server and its libraries into ``vscode-client/bundled/libs`` for one VS Code target.

Usage (from ``vscode-client/``, with a Python that has pip)::

    python scripts/bundle_python.py --target linux-x64

What it does, using only pip and the project's own ``pyproject.toml``:

1. builds the sidecar-lsp wheel from the checkout (``pip wheel --no-deps ..``);
2. installs it with its dependencies for CPython 3.10 (3.11 on win32-arm64) on the target's platform
   (``pip install --target … --platform … --python-version 3.10 --only-binary=:all:``), so every pure
   Python package is a release that supports the oldest Python we cover;
3. adds the compiled modules of the same releases (rpds-py, needed by jsonschema's ``referencing``;
   ruamel.yaml.clib, optional: the server falls back to the pure parser) for CPython 3.11 to 3.14.
   Their file names carry the Python version (``rpds.cpython-312-x86_64-linux-gnu.so``,
   ``rpds.cp312-win_amd64.pyd``), so one folder serves every covered version;
4. drops what is never imported (console scripts, ``__pycache__``, test folders) and writes
   ``bundled/libs/sidecar-bundle.json``: the target, the covered versions and what was bundled, read
   by the launcher (``bundled/tool/sidecar_lsp_server.py``) to explain an uncovered interpreter.

The licences of the bundled packages stay in their ``*.dist-info`` folders.
"""

# ruff: noqa: T201  (a build script: it reports its progress on stdout)
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[1]
REPO = CLIENT.parent
LIBS = CLIENT / "bundled" / "libs"

PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
"""CPython versions covered: 3.10 is the project's minimum; 3.14 is the newest with rpds-py wheels."""

# pip --platform tags per VS Code target (`vsce package --target`); pip also accepts wheels tagged
# for an older glibc or macOS. macOS 11 is the oldest VS Code supports (some wheels need 10.13+).
PLATFORMS: dict[str, list[str]] = {
    "linux-x64": ["manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "linux-arm64": ["manylinux_2_17_aarch64", "manylinux2014_aarch64"],
    "alpine-x64": ["musllinux_1_2_x86_64"],
    "alpine-arm64": ["musllinux_1_2_aarch64"],
    "darwin-x64": ["macosx_11_0_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
    "win32-arm64": ["win_arm64"],
}
OLDEST_PYTHON = {"win32-arm64": "3.11"}
"""Targets where CPython 3.10 does not exist (python.org's Windows ARM64 builds start at 3.11)."""
OPTIONAL = {"ruamel-yaml-clib"}
"""Compiled packages the server works without (missing wheels are reported, not fatal)."""
NEVER_IMPORTED = ("tests", "benchmarks")

# PEP 508 marker values per target: pip evaluates markers against the Python running it, not the
# --platform/--python-version it resolves for, so conditional requirements are re-checked below.
MARKER_PLATFORM = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "alpine": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "darwin": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
}
MARKER_MACHINE = {
    ("linux", "x64"): "x86_64",
    ("linux", "arm64"): "aarch64",
    ("alpine", "x64"): "x86_64",
    ("alpine", "arm64"): "aarch64",
    ("darwin", "x64"): "x86_64",
    ("darwin", "arm64"): "arm64",
    ("win32", "x64"): "AMD64",
    ("win32", "arm64"): "ARM64",
}


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True)


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def pythons_for(target: str) -> tuple[str, ...]:
    """The covered CPython versions for a target, oldest first."""
    oldest = OLDEST_PYTHON.get(target, PYTHONS[0])
    return PYTHONS[PYTHONS.index(oldest) :]


def pip_platform_args(target: str, python: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
    for tag in PLATFORMS[target]:
        args += ["--platform", tag]
    return args


def build_wheel(pip: list[str], work: Path) -> Path:
    out = work / "wheel"
    run(*pip, "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(REPO))
    (wheel,) = out.glob("sidecar_lsp-*.whl")
    return wheel


def pip_install(
    pip: list[str], target: str, specs: list[str], libs: Path, report: Path, *, no_deps: bool = False
) -> dict[str, dict[str, str]] | None:
    """Install ``specs`` for the target's oldest Python; {name: {name, version, tag}}, None on failure."""
    result = subprocess.run(
        [
            *pip,
            "install",
            "--quiet",
            "--no-compile",
            "--target",
            str(libs),
            "--report",
            str(report),
            *(["--no-deps"] if no_deps else []),
            *pip_platform_args(target, pythons_for(target)[0]),
            *specs,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    print("+ pip install", " ".join(specs), f"-> {result.returncode}", flush=True)
    if result.returncode != 0:
        print(result.stderr[-2000:], flush=True)
        return None
    installed: dict[str, dict[str, str]] = {}
    for item in json.loads(report.read_text())["install"]:
        meta = item["metadata"]
        filename = item["download_info"]["url"].rsplit("/", 1)[-1]
        tag = "-".join(filename[:-4].split("-")[-3:]) if filename.endswith(".whl") else "source"
        installed[canonical(meta["name"])] = {"name": meta["name"], "version": meta["version"], "tag": tag}
    return installed


def install_base(
    pip: list[str], target: str, wheel: Path, libs: Path, work: Path
) -> dict[str, dict[str, str]]:
    """The server wheel, its required dependencies (resolved together) and the optional ones that exist.

    An optional dependency (ruamel.yaml.clib) without a wheel for the target is left out, instead
    of failing the whole resolution.
    """
    from pip._vendor.packaging.requirements import Requirement

    installed = pip_install(pip, target, [str(wheel)], libs, work / "report-wheel.json", no_deps=True)
    if installed is None:
        raise SystemExit("error: could not install the sidecar-lsp wheel")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode("utf-8").splitlines()
    requirements = [
        Requirement(line.split(":", 1)[1].strip()) for line in lines if line.startswith("Requires-Dist:")
    ]
    runtime = [r for r in requirements if r.marker is None or "extra" not in str(r.marker)]
    required = [f"{r.name}{r.specifier}" for r in runtime if canonical(r.name) not in OPTIONAL]
    optional = [f"{r.name}{r.specifier}" for r in runtime if canonical(r.name) in OPTIONAL]
    resolved = pip_install(pip, target, required, libs, work / "report-deps.json")
    if resolved is None:
        raise SystemExit(f"error: the required dependencies have no wheels for {target}")
    installed.update(resolved)
    for spec in optional:
        extra = pip_install(pip, target, [spec], libs, work / "report-optional.json", no_deps=True)
        if extra is None:
            print(f"note: {spec}: no wheel for {target} (optional: the server runs without it)", flush=True)
        else:
            installed.update(extra)
    return installed


def compiled(installed: dict[str, dict[str, str]]) -> list[str]:
    return sorted(name for name, info in installed.items() if not info["tag"].endswith("-none-any"))


def add_compiled(pip: list[str], target: str, name: str, version: str, libs: Path, work: Path) -> list[str]:
    """Add the extension modules of ``name==version`` for the other Pythons; returns the versions covered."""
    covered = [pythons_for(target)[0]]
    for python in pythons_for(target)[1:]:
        dest = work / "dl" / f"{name}-{python}"
        result = subprocess.run(
            [
                *pip,
                "download",
                "--quiet",
                "--no-deps",
                "--dest",
                str(dest),
                *pip_platform_args(target, python),
                f"{name}=={version}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            message = f"{name}=={version}: no wheel for CPython {python} on {target}"
            if name in OPTIONAL:
                print(f"note: {message} (optional: the server runs without it)", flush=True)
                continue
            raise SystemExit(f"error: {message}\n{result.stderr[-2000:]}")
        (wheel,) = dest.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.endswith((".so", ".pyd", ".dylib")) and ".dist-info/" not in member:
                    path = libs / member
                    if not path.exists():
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_bytes(archive.read(member))
        covered.append(python)
    return covered


def marker_environment(target: str, python: str) -> dict[str, str]:
    system, machine = target.split("-")
    return {
        **MARKER_PLATFORM[system],
        "platform_machine": MARKER_MACHINE[(system, machine)],
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_version": "",
        "implementation_version": f"{python}.0",
        "extra": "",
    }


def missing_requirements(libs: Path, target: str) -> dict[str, str]:
    """Requirements of the bundled packages that some covered Python needs but pip left out."""
    from pip._vendor.packaging.requirements import Requirement

    present = {canonical(d.name.split("-")[0]) for d in libs.glob("*.dist-info")}
    needed: dict[str, str] = {}
    for metadata in libs.glob("*.dist-info/METADATA"):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if not line.startswith("Requires-Dist:"):
                continue
            requirement = Requirement(line.split(":", 1)[1].strip())
            name = canonical(requirement.name)
            if name in present or name in OPTIONAL or requirement.marker is None:
                continue
            if any(requirement.marker.evaluate(marker_environment(target, p)) for p in pythons_for(target)):
                needed[name] = str(requirement.specifier)
    return needed


def add_missing(pip: list[str], target: str, libs: Path, installed: dict[str, dict[str, str]]) -> None:
    """Install, without their own dependencies, what ``missing_requirements`` finds (pure packages)."""
    for _ in range(5):
        needed = missing_requirements(libs, target)
        if not needed:
            return
        for name, specifier in needed.items():
            run(
                *pip,
                "install",
                "--quiet",
                "--no-compile",
                "--no-deps",
                "--target",
                str(libs),
                *pip_platform_args(target, pythons_for(target)[0]),
                f"{name}{specifier}",
            )
            (dist,) = [d for d in libs.glob("*.dist-info") if canonical(d.name.split("-")[0]) == name]
            version = dist.name[: -len(".dist-info")].split("-", 1)[1]
            installed[name] = {"name": dist.name.split("-")[0], "version": version, "tag": "py3-none-any"}
    raise SystemExit("error: conditional requirements did not settle")


def prune(libs: Path) -> None:
    shutil.rmtree(libs / "bin", ignore_errors=True)
    for cache in list(libs.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    for package in libs.iterdir():
        for name in NEVER_IMPORTED:
            if package.is_dir() and not package.name.endswith(".dist-info"):
                shutil.rmtree(package / name, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, choices=sorted(PLATFORMS), help="VS Code target platform")
    parser.add_argument(
        "--out", type=Path, default=LIBS, help=f"libs folder (default {LIBS.relative_to(REPO)})"
    )
    args = parser.parse_args()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    libs: Path = args.out
    shutil.rmtree(libs, ignore_errors=True)
    libs.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="sidecar-bundle-") as tmp:
        work = Path(tmp)
        wheel = build_wheel(pip, work)
        installed = install_base(pip, args.target, wheel, libs, work)
        add_missing(pip, args.target, libs, installed)
        coverage = {
            installed[name]["name"]: add_compiled(
                pip, args.target, name, installed[name]["version"], libs, work
            )
            for name in compiled(installed)
        }
    prune(libs)
    required = [name for name in coverage if canonical(name) not in OPTIONAL]
    pythons = [p for p in pythons_for(args.target) if all(p in coverage[name] for name in required)]
    manifest = {
        "target": args.target,
        "pythons": pythons,
        "compiled": coverage,
        "packages": {
            info["name"]: info["version"]
            for info in sorted(installed.values(), key=lambda i: i["name"].lower())
        },
    }
    (libs / "sidecar-bundle.json").write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(f.stat().st_size for f in libs.rglob("*") if f.is_file())
    print(
        f"bundled {len(installed)} packages for {args.target}, CPython {', '.join(pythons)}: {size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
