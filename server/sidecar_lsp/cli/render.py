"""``sidecar-lsp render``: a manifest as one environment deploys it, or the containers of its task."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from sidecar_lsp.cli.args import ArgumentParser, UsageError
from sidecar_lsp.core.check.deploys import deploy_refusal
from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import environment_names, environment_view
from sidecar_lsp.core.manifest.migration_notes import migration_notes, notes_json, notes_text
from sidecar_lsp.core.manifest.render import DEFAULT_APP, render
from sidecar_lsp.core.manifest.task import describe_task
from sidecar_lsp.core.manifest.taskdef import DEFAULT_ACCOUNT, DEFAULT_REGION, TaskInputs
from sidecar_lsp.core.manifest.taskdef_document import task_definition_document
from sidecar_lsp.core.workspace.model import Workspace
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
    parser.add_argument(
        "--task-definition", action="store_true",
        help="print the ECS task definition the environment deploys, as Copilot renders it",
    )  # fmt: skip
    parser.add_argument(
        "--notes", action="store_true",
        help="list what the manifest configures that the task definition does not carry, with its line",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=("register", "cloudformation", "text", "json"),
        help="--task-definition: register (RegisterTaskDefinition input JSON, the default) or cloudformation "
        "(the AWS::ECS::TaskDefinition resource); --notes: text (the default) or json",
    )  # fmt: skip
    parser.add_argument(
        "--account", default=DEFAULT_ACCOUNT, help=f"the AWS account (default {DEFAULT_ACCOUNT})"
    )
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"the AWS region (default {DEFAULT_REGION})")
    parser.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="CONTAINER=URI",
        help="the image of a container Copilot builds",
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a ${NAME} of the manifest (Copilot reads the shell)",
    )
    parser.add_argument("--alb-dns", help="the DNS name of the imported load balancer (http.alb)")
    return parser


USAGE = (
    "usage: sidecar-lsp render (--env NAME | --containers [--env NAME] | --task-definition --env NAME "
    "[--format register|cloudformation] [--account ID] [--region R] [--image C=URI]... [--var N=V]... "
    "| --notes [--env NAME] [--format text|json]) [--app NAME] FILE"
)
NOTE_FORMATS, TASK_FORMATS = ("text", "json"), ("register", "cloudformation")


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise UsageError(f"{flag} takes NAME=VALUE, not {item!r}")
        pairs[name] = value
    return pairs


def _task_definition(args: argparse.Namespace, text: str, app: str, out: TextIO, err: TextIO) -> int:
    inputs = TaskInputs(app, args.env, args.account, args.region, _pairs(args.var, "--var"), args.alb_dns)
    images = _pairs(args.image, "--image")
    document = task_definition_document(
        text, inputs, deploy_refusal(text, args.env), images, cloudformation=args.format == "cloudformation"
    )
    if document.problem is not None:
        print(
            f"sidecar-lsp render: Copilot refuses {args.file} in '{args.env}': {document.problem}", file=err
        )
        return EXIT_PROBLEM
    out.write(document.text)
    for line in document.placeholders:
        print(f"placeholder {line}", file=err)
    return EXIT_OK


def _check_arguments(args: argparse.Namespace) -> None:
    if args.notes:
        if args.containers:
            raise UsageError("--notes takes --env NAME or every environment, not --containers")
        if args.format not in (None, *NOTE_FORMATS):
            raise UsageError(f"--notes prints text or json, not {args.format}")
        return
    if not args.containers and not args.env:
        raise UsageError("give --env NAME (or --containers, or --notes)")
    if args.task_definition and (args.containers or not args.env):
        raise UsageError("--task-definition takes --env NAME, not --containers")
    if args.format not in (None, *TASK_FORMATS):
        raise UsageError(f"--format {args.format} goes with --notes")
    args.format = args.format or "register"


def _addon_files(manifest: Path) -> list[str]:
    """The files of ``copilot/<name>/addons/`` beside the manifest (Copilot deploys them as a nested stack)."""
    try:
        return sorted(entry.name for entry in (manifest.parent / "addons").iterdir() if entry.is_file())
    except OSError:  # no addons folder, or one that cannot be read: nothing to list
        return []


def _notes(
    args: argparse.Namespace, text: str, app: str, workspace: Workspace | None, out: TextIO, err: TextIO
) -> int:
    """``--notes``: what each environment (or ``--env``) deploys beside its task definition."""
    addons = _addon_files(Path(args.file))
    root = parse(text).root
    workspace_envs = workspace.environments() if workspace else []
    envs = [args.env] if args.env else list(dict.fromkeys([*workspace_envs, *environment_names(root)]))
    sections = [migration_notes(text, env, app, addons) for env in envs or [None]]
    problem = next((section.problem for section in sections if section.problem), None)
    if problem:
        print(f"sidecar-lsp render: {args.file}: {problem}", file=err)
        return EXIT_PROBLEM
    if args.format == "json":
        out.write(json.dumps(notes_json(sections, args.file), indent=2) + "\n")
    else:
        out.write(notes_text(sections, args.file))
    return EXIT_OK


def main_render(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``render``; 0 on success, 1 when the file cannot be rendered, 2 on a usage or read error."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        _check_arguments(args)
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
    if args.notes:
        return _notes(args, text, app, found[0] if found else None, out, err)
    if args.task_definition:
        try:
            return _task_definition(args, text, app, out, err)
        except UsageError as error:
            print(f"sidecar-lsp render: {error}", file=err)
            return EXIT_USAGE
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
