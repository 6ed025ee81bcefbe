"""``sidecar-lsp check``: the language server's diagnostics for CI, as text, JSON, SARIF or GitHub annotations.

It runs on checkouts it does not trust (a pull request's): it reads regular files only, with a
bounded read that cannot block on a FIFO or a device; inside a directory it refuses a
``manifest.yml`` that resolves outside that directory (a symlink to ``~/.ssh``) unless the file is
named on the command line; messages never quote a file it could not read as a manifest; and text
output escapes control characters, so no key or file name can forge a CI annotation line or send
terminal escapes.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring as _quoted
from pathlib import Path
from typing import TextIO

from sidecar_lsp.cli.args import ArgumentParser, UsageError
from sidecar_lsp.cli.parallel import Crashed, check_all, default_jobs
from sidecar_lsp.core.check.analyze import Options, analyze, analyze_document
from sidecar_lsp.core.decoding.kinds import MANIFEST_FILE_NAMES
from sidecar_lsp.core.lines import OffsetIndex
from sidecar_lsp.core.model import INTERNAL_ERROR, Finding, Pos, Severity, Span
from sidecar_lsp.core.workspace.rules import check_in_workspaces
from sidecar_lsp.core.workspace.scan import COPILOT_DIR, MAX_FILE_BYTES, DiskWorkspaces, read_regular_file
from sidecar_lsp.core.yaml.tree import MAX_TEXT_CHARS

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_SKIPPED_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".cache", ".tox"}
FAIL_ON_LEVELS = ("error", "warning", "information", "hint", "never")
_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFORMATION: 1, Severity.HINT: 0}


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: list[Finding]


def _parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="sidecar-lsp check",
        description="Check AWS Copilot manifests and print every problem with its line and column.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        help="manifest files, or directories searched for copilot/**/manifest.yml (default: .)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="output format: text, json, sarif (SARIF 2.1.0) or github (workflow-command annotations); "
        "default: text",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_LEVELS,
        default="error",
        help="exit 1 when a finding is at least this severe (default: error; never: only usage and read "
        "problems change the exit status)",
    )
    parser.add_argument(
        "--sarif-help-uri",
        metavar="URI",
        help="where docs/rules.md is published; SARIF rules then link to their section (URI#anchor)",
    )
    parser.add_argument(
        "--no-unknown-keys", action="store_true", help="do not warn about keys Copilot ignores"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=default_jobs(),
        metavar="N",
        help="check files in N processes (default: the number of cores; 1: in this process only, as on "
        "systems that cannot fork, such as Windows); the output is the same",
    )
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main_check(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the checker; returns the exit status.

    0 clean, 1 errors found, 2 usage or read error, 3 internal error (a bug of ours; every
    other file is still checked and reported).
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except UsageError as error:
        print(f"sidecar-lsp check: {error}", file=err)
        print(
            "usage: sidecar-lsp check [--format text|json|sarif|github] [--fail-on LEVEL] "
            "[--no-unknown-keys] [--jobs N] [PATH ...]",
            file=err,
        )
        return EXIT_USAGE
    options = Options(unknown_keys=not args.no_unknown_keys, assume_manifest=True)
    targets = list(_targets(args.paths))
    # Manifests in a copilot/ workspace are also checked against each other (check_all keeps them together).
    outcomes = iter(
        check_all([path for path, problem in targets if not problem], options, args.jobs, _check_file)
    )
    status = EXIT_OK
    internal = False
    results: list[FileResult] = []
    for path, problem in targets:
        if problem:
            print(f"sidecar-lsp check: {escape(problem)}", file=err)
            status = EXIT_USAGE
            continue
        result = next(outcomes)
        if isinstance(result, Crashed):  # a bug of ours: say so, and go on with the other files
            print(f"sidecar-lsp check: internal error checking {escape(path)}: {result.error}", file=err)
            internal = True
            continue
        if isinstance(result, str):
            print(f"sidecar-lsp check: {escape(result)}", file=err)
            status = EXIT_USAGE
            continue
        internal = internal or any(f.code == INTERNAL_ERROR for f in result.findings)
        results.append(result)
    if args.format == "json":
        out.write(_json_text([_as_json(r.path, f) for r in results for f in r.findings]))
    elif args.format in ("sarif", "github"):
        # Imported here: the CI formats (and the rule table SARIF reads) are for these runs only.
        from sidecar_lsp.cli.reports import format_github, format_sarif

        files = [(r.path, r.findings) for r in results]
        out.write(
            format_sarif(files, help_uri_base=args.sarif_help_uri)
            if args.format == "sarif"
            else format_github(files)
        )
    else:
        _print_text(results, out)
    if status == EXIT_OK and fails(results, args.fail_on):
        status = EXIT_ERRORS
    return EXIT_INTERNAL if internal else status


def fails(results: list[FileResult], fail_on: str) -> bool:
    """Whether any finding is at least as severe as ``fail_on`` (one of :data:`FAIL_ON_LEVELS`)."""
    if fail_on == "never":
        return False
    threshold = _RANK[Severity(fail_on)]
    return any(_RANK[f.severity] >= threshold for result in results for f in result.findings)


def _targets(paths: list[str]) -> Iterator[tuple[str, str | None]]:
    """Each file to check, or a problem to report for a path that gives none."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_manifests_under(path), key=_path_order)
            if not found:
                yield raw, f"no Copilot manifests (copilot/**/manifest.yml) under {raw}"
            root = os.path.realpath(path)
            for file, linked in found:
                # The walk entered no linked folder: only a linked file can lead out (the listing says
                # which files are links: no realpath of every file).
                if not linked or _inside(os.path.realpath(file), root):
                    yield file, None
                else:  # a symlink out of the checkout: only read what the user names
                    yield file, f"{file}: skipped, it resolves outside {raw} (name it to check it)"
        elif path.exists():
            yield raw, None
        else:
            yield raw, f"{raw}: no such file or directory"


def _path_order(found: tuple[str, bool]) -> list[str]:
    # The order of the paths as Path objects sort (part by part, case-blind on Windows), without
    # making one per file.
    return os.path.normcase(found[0]).split(os.sep)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _manifests_under(folder: Path) -> Iterator[tuple[str, bool]]:
    """Each ``copilot/**/manifest.yml`` under ``folder`` (written as ``str(folder / ...)`` would write
    it) and whether it is a symbolic link; like ``os.walk``, a linked folder is not entered and a
    folder that cannot be read is passed over."""
    top = os.fspath(folder)  # as Path writes it: no "./", no trailing or doubled separator
    stack = [(top, COPILOT_DIR in os.path.abspath(top).split(os.sep))]
    while stack:
        current, in_copilot = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            # Below ".", Path writes "name", where the listing writes "./name".
            path = entry.name if current == os.curdir else entry.path
            if _is(entry.is_dir):
                if entry.name not in _SKIPPED_DIRS and not _is(entry.is_symlink):
                    stack.append((path, in_copilot or entry.name == COPILOT_DIR))
            elif in_copilot and entry.name in MANIFEST_FILE_NAMES:
                yield path, _is(entry.is_symlink)


def _is(test: Callable[[], bool]) -> bool:
    """A ``DirEntry`` test, False when the system cannot answer (as ``os.walk`` takes it)."""
    try:
        return test()
    except OSError:
        return False


def _check_file(path: str, options: Options, workspaces: DiskWorkspaces) -> FileResult | str:
    """The file's findings, or why it was not read."""
    data = read_regular_file(path, MAX_FILE_BYTES)
    if isinstance(data, str):
        return data
    if len(data) > MAX_FILE_BYTES:
        end = Pos(0, 0)
        too_large = Finding(
            "file-too-large",
            Severity.ERROR,
            f"file is more than {MAX_FILE_BYTES:,} bytes long; sidecar-lsp reads manifests of up to "
            f"{MAX_TEXT_CHARS:,} characters (Copilot manifests are a few KB)",
            Span(end, end),
        )
        return FileResult(path, [too_large])
    text, encoding_problem = _decode(data)
    # The workspace's scan parsed this text already (with safe_parse, as analyze would): check that tree.
    parsed = workspaces.take_parsed(path, text)
    analysis = analyze(text, options) if parsed is None else analyze_document(parsed, options)
    findings = check_in_workspaces(workspaces, path, text, analysis.findings)
    if encoding_problem is not None:
        findings = [encoding_problem, *findings]
    return FileResult(path, findings)


def _decode(data: bytes) -> tuple[str, Finding | None]:
    """UTF-8 text (a BOM is allowed), or the text with the bad bytes replaced plus where they are."""
    # Without its BOM the text starts where positions count from, and the error's offsets count from there.
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as error:
        before = body[: error.start].decode("utf-8", errors="replace")
        # On the client's lines, like every other finding: a lone CR ends a line too.
        line, col = OffsetIndex(before).position(len(before))
        problem = Finding(
            "encoding",
            Severity.ERROR,
            f"invalid UTF-8 byte 0x{body[error.start]:02x}: Copilot reads manifests as UTF-8; "
            "save the file as UTF-8",
            Span(Pos(line, col), Pos(line, col + 1)),
        )
        return body.decode("utf-8", errors="replace"), problem


def _as_json(path: str, finding: Finding) -> dict[str, object]:
    return {
        "file": path,
        "line": finding.span.start.line + 1,
        "column": finding.span.start.col + 1,
        "end_line": finding.span.end.line + 1,
        "end_column": finding.span.end.col + 1,
        "severity": finding.severity.value,
        "code": finding.code,
        "message": finding.message,
    }


def _json_text(rows: list[dict[str, object]]) -> str:
    """``json.dump(rows, indent=2, ensure_ascii=False)`` and a line end, written without the pure-Python
    encoder that indenting takes (about ten times slower): each row is a flat map of texts and numbers."""
    if not rows:
        return "[]\n"
    items = (
        "  {\n"
        + ",\n".join(f"    {_quoted(key)}: {_json_value(value)}" for key, value in row.items())
        + "\n  }"
        for row in rows
    )
    return "[\n" + ",\n".join(items) + "\n]\n"


def _json_value(value: object) -> str:
    if isinstance(value, str):
        return _quoted(value)
    return int.__repr__(value) if type(value) is int else json.dumps(value)


def _print_text(results: list[FileResult], out: TextIO) -> None:
    counts = {severity: 0 for severity in Severity}
    for result in results:
        for finding in result.findings:
            counts[finding.severity] += 1
            start = finding.span.start
            out.write(
                f"{escape(result.path)}:{start.line + 1}:{start.col + 1}: {finding.severity.value} "
                f"[{escape(finding.code)}] {escape(finding.message)}\n"
            )
    files = len(results)
    summary = f"{_plural(counts[Severity.ERROR], 'error')}, {_plural(counts[Severity.WARNING], 'warning')}"
    others = counts[Severity.INFORMATION] + counts[Severity.HINT]
    if others:
        summary += f", {_plural(others, 'note')}"
    out.write(f"{summary} in {_plural(files, 'file')} checked\n")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str) -> str:
    """``text`` on one line with no terminal escapes: control characters as ``\\n``, ``\\x1b``, ..."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
