"""``sidecar-lsp render``: a manifest as one environment deploys it, or the containers of its task."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from sidecar_lsp.cli.args import ArgumentParser, UsageError
from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import environment_names, environment_view
from sidecar_lsp.core.manifest.render import DEFAULT_APP, render
from sidecar_lsp.core.manifest.task import describe_task
from sidecar_lsp.core.workspace.scan import DiskWorkspaces
from sidecar_lsp.core.yaml.tree import Mapping, parse

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="sidecar-lsp render",
        description="Print a Copilot manifest as one environment deploys it (environments.<env> merged over "
        "the base, ${COPILOT_ENVIRONMENT_NAME} and ${COPILOT_APPLICATION_NAME} substituted), or the "
        "containers of its task in each environment.",
    )
    parser.add_argument("file", help="the manifest (copilot/<name>/manifest.yml)")
    parser.add_argument("--env", help="the environment to render for")
    parser.add_argument("--app", help="the application name (default: copilot/.workspace, else 'app')")
    parser.add_argument(
        "--containers", action="store_true", help="print the task's containers per environment instead"
    )
    return parser


USAGE = "usage: sidecar-lsp render (--env NAME | --containers [--env NAME]) [--app NAME] FILE"


def main_render(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``render``; 0 on success, 1 when the file cannot be rendered, 2 on a usage or read error."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        if not args.containers and not args.env:
            raise UsageError("give --env NAME (or --containers)")
    except UsageError as error:
        print(f"sidecar-lsp render: {error}", file=err)
        print(USAGE, file=err)
        return EXIT_USAGE
    try:
        text = Path(args.file).read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        print(f"sidecar-lsp render: cannot read {args.file}: {error.strerror}", file=err)
        return EXIT_USAGE
    found = DiskWorkspaces().for_path(args.file)
    app = args.app or (found[0].app if found else None) or DEFAULT_APP
    if not args.containers:
        rendering = render(text, args.env, app, args.file)
        if rendering.problem:
            print(f"sidecar-lsp render: {rendering.problem}", file=err)
            return EXIT_PROBLEM
        out.write(rendering.text)
        return EXIT_OK
    root = parse(text).root
    kind = manifest_kind(root)
    if not isinstance(root, Mapping) or kind not in WORKLOAD_TYPES:
        print(f"sidecar-lsp render: {args.file} is not a Copilot workload manifest", file=err)
        return EXIT_PROBLEM
    workspace_envs = found[0].environments() if found else []
    envs = [args.env] if args.env else list(dict.fromkeys([*workspace_envs, *environment_names(root)]))
    overridden = set(environment_names(root))
    sections: list[str] = []
    for env in envs or [None]:
        if env is None:
            title = "## every environment (no override)"
        else:
            title = f"## environment '{env}'" + ("" if env in overridden else " (no override: the base)")
        sections.append(f"{title}\n\n{describe_task(environment_view(root, env), kind)}\n")
    out.write("\n".join(sections))
    return EXIT_OK
