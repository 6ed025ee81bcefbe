"""The architecture as docs/dev/architecture.md states it, checked: layers, cycles, the module map, sizes.

The layers are import-linter contracts in pyproject.toml ([tool.importlinter]); these tests run them,
show that a wrong import breaks them, and check what import-linter does not: no import cycle between
any two modules (counting imports under ``TYPE_CHECKING`` and inside functions), every module named
in the architecture document's tree and nothing there that does not exist, and no module over 400 lines.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "server" / "sidecar_lsp"
ARCHITECTURE = REPO / "docs" / "dev" / "architecture.md"
MAX_MODULE_LINES = 400


def _lint_imports(python_path: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the package found first on ``python_path``, with the project's contracts."""
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        f"sys.exit(lint_imports(config_filename={str(REPO / 'pyproject.toml')!r}, no_cache=True, no_logo=True))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=python_path,
        env={"PYTHONPATH": str(python_path), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def test_the_import_contracts_hold() -> None:
    result = _lint_imports(REPO / "server")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_wrong_import_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts are not vacuous: the core reaching up into the shell, into lsprotocol, down the
    wrong way between its own layers, or to the disk outside its declared modules, is each reported."""
    copy = tmp_path / "sidecar_lsp"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    wrong = {
        copy / "core" / "yaml" / "nodes.py": "from sidecar_lsp.lsp import convert as _convert\n",
        copy / "core" / "model.py": "import lsprotocol as _lsprotocol\n",
        copy / "core" / "schema" / "words.py": "from sidecar_lsp.core.features import hover as _hover\n",
        copy / "core" / "manifest" / "merge.py": "import os as _os\n",
    }
    for path, line in wrong.items():
        path.write_text(path.read_text() + "\n" + line)
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 4 broken." in result.stdout
    for imported in (
        "sidecar_lsp.core.yaml.nodes -> sidecar_lsp.lsp.convert",
        "sidecar_lsp.core.model -> lsprotocol",
        "sidecar_lsp.core.schema.words -> sidecar_lsp.core.features.hover",
        "sidecar_lsp.core.manifest.merge -> os",
    ):
        assert imported in result.stdout


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _import_graph() -> dict[str, set[str]]:
    """Every import of a package module by another, wherever it is written (top level, a function,
    an ``if TYPE_CHECKING:`` block)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                for alias in node.names:
                    target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    if target in modules and target != name:
                        graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    graph = _import_graph()
    assert len(graph) > 50 and sum(map(len, graph.values())) > 200  # the graph was read
    assert _cycles(graph) == []


def test_only_the_entry_point_imports_the_server_class() -> None:
    """Components read the narrow interfaces of lsp/ports.py, never the server class, not even for types."""
    importers = {name for name, imported in _import_graph().items() if "sidecar_lsp.lsp.server" in imported}
    assert importers == {"sidecar_lsp.__main__"}


def _documented_tree() -> set[str]:
    """The paths of the architecture document's folder tree: the fenced block that starts with
    ``server/sidecar_lsp/``, each line an indented name (two spaces a level) and its description."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"```\nserver/sidecar_lsp/\n(.*?)```", text, re.DOTALL)
    assert block, "architecture.md has no tree starting with server/sidecar_lsp/"
    paths: set[str] = set()
    folders: list[str] = []
    for line in block.group(1).splitlines():
        match = re.match(r"( *)([\w.]+/?)(?:\s|$)", line)
        if not match or line.startswith(" " * (2 * len(folders) + 3)):
            continue  # a description's continuation line
        depth = len(match.group(1)) // 2 - 1
        del folders[depth:]
        name = match.group(2)
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
            paths.add("/".join(folders) + "/__init__.py")
        else:
            paths.add("/".join([*folders, name]))
    return paths


def test_every_module_is_in_the_architecture_tree_and_every_name_there_exists() -> None:
    on_disk = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}
    documented = _documented_tree()
    assert sorted(on_disk - documented) == [], "modules the architecture document does not name"
    assert sorted(documented - on_disk) == [], "names in the architecture document that do not exist"


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix()
)
def test_no_module_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


_UNIT_CONVERSIONS = {
    "position_to_client_units",
    "position_from_client_units",
    "range_to_client_units",
    "range_from_client_units",
    "client_num_units",
    "code_units_for_char",
}
"""pygls' position codec: where a position changes between code points and the client's units."""


def test_positions_change_units_only_in_lsp_convert() -> None:
    users = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in _UNIT_CONVERSIONS
    }
    assert users == {"lsp/convert.py"}
