"""``sidecar-lsp``: the language server (``--stdio``, the default, or ``--tcp``), ``sidecar-lsp check``
and ``sidecar-lsp schema``."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys

from sidecar_lsp import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sidecar-lsp",
        description="Language server for AWS Copilot manifests (copilot/**/manifest.yml). "
        "Run `sidecar-lsp check [PATH...]` to check manifests from the command line, "
        "`sidecar-lsp render --env NAME FILE` to print one as an environment deploys it, "
        "`sidecar-lsp schema` for the path of the JSON Schema it ships.",
    )
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    transport.add_argument("--tcp", action="store_true", help="listen for one LSP client over TCP")
    parser.add_argument("--host", default="127.0.0.1", help="TCP address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument("--version", action="version", version=f"sidecar-lsp {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-v info, -vv debug)")
    parser.add_argument("--log-file", help="write the log to this file instead of stderr")
    return parser


def _command(name: str, argv: list[str], program: bool) -> int:
    if name == "check":
        # No collection while importing: what the imports leave as garbage (about 17,000 objects) is not worth
        # walking the heap for in a run this short.
        gc.set_threshold(*_WORKING_THRESHOLDS)
        from sidecar_lsp.cli.check import main_check

        tune_garbage_collector()  # a tree per file, like the server's checks (and workers inherit it)
        status = main_check(argv)
        if program and sys.getprofile() is None and sys.gettrace() is None:
            # Run as the program: its output written, it ends here, without the interpreter's teardown,
            # which frees every object the check left (the schema, its memos, the validators) one by one
            # (about 35 ms after 300 manifests). Nothing else is left to do: no file, thread or worker
            # (a profiler or a coverage tracer, which writes its results at exit, keeps the teardown).
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
        # The interpreter's last collection at exit walks every object the check left (the schema, its
        # memos): frozen, they are skipped, which halves the time from here to the end of the process.
        gc.freeze()
        return status
    if name == "render":
        from sidecar_lsp.cli.render import main_render

        return main_render(argv)
    return main_schema(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sidecar-lsp`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] in (["check"], ["render"], ["schema"]):
        try:
            return _command(args_list[0], args_list[1:], program=argv is None)
        except BrokenPipeError:
            # The reader left (``sidecar-lsp check | head``): stop quietly, as a shell tool does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
    args = _parser().parse_args(args_list)
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    try:
        handler: logging.Handler = (
            logging.FileHandler(args.log_file, encoding="utf-8")
            if args.log_file
            else logging.StreamHandler(sys.stderr)
        )
    except OSError as error:
        # A usage error, reported as argparse reports one: a line and status 2, no traceback.
        sys.stderr.write(f"sidecar-lsp: cannot open log file {args.log_file}: {error.strerror or error}\n")
        return 2
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

    _young_collections_only()
    from sidecar_lsp.lsp.protocol import start_io, start_tcp
    from sidecar_lsp.lsp.server import make_server

    server = make_server()
    tune_garbage_collector()
    if args.tcp:
        start_tcp(server, args.host, args.port)
    else:
        start_io(server)
    return server.exit_code


def main_schema(argv: list[str]) -> int:
    """``sidecar-lsp schema``: the path of the shipped JSON Schema, or (``--print``) the schema itself."""
    parser = argparse.ArgumentParser(
        prog="sidecar-lsp schema",
        description="Print the path of the Copilot manifest JSON Schema installed with sidecar-lsp, "
        "for yaml-language-server modelines and editor settings.",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--print", action="store_true", help="print the schema itself instead of its path")
    output.add_argument("--uri", action="store_true", help="print the path as a file:// URI")
    args = parser.parse_args(argv)
    from sidecar_lsp.core.schema.store import schema_path

    path = schema_path()
    if not path.is_file():
        sys.stderr.write(f"sidecar-lsp schema: the schema is missing from this installation ({path})\n")
        return 2
    if args.print:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    else:
        sys.stdout.write(f"{path.as_uri() if args.uri else path}\n")
    return 0


def tune_garbage_collector() -> None:
    """Fewer, cheaper collections: every check builds a tree of tens of thousands of objects.

    With the default thresholds one check of a 1,500-line manifest triggers dozens of collections,
    each also walking the long-lived protocol classes and the schema; frozen, those are skipped.
    Most of a tree is freed by reference counting; what sits in cycles (jsonschema's errors, the
    rules' per-workload caches) waits for a collection, which the server also runs once closing
    documents pauses (``diagnostics.Diagnostics.forget``).
    """
    gc.freeze()
    gc.set_threshold(*_WORKING_THRESHOLDS)


_WORKING_THRESHOLDS = (100_000, 50, 100)
"""The collector's thresholds once started: a few collections, each of the young objects of many checks."""


def _young_collections_only() -> None:
    """Young collections only, and fewer, while the server imports: the modules' objects live as long as the
    process, so each full collection walks all of them again for nothing (lsprotocol alone defines hundreds of
    attrs classes), while the garbage importing makes (the classes attrs replaces by slotted ones, and what
    built them) dies young and is freed before :func:`tune_garbage_collector` freezes what is left; without
    any collection it would be frozen with the rest (8 MB more resident)."""
    gc.set_threshold(5_000, 100, 1_000_000)


if __name__ == "__main__":
    sys.exit(main())
