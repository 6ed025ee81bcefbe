"""Argument parsing shared by the ``check`` and ``render`` subcommands."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """A command line the subcommand cannot run; it prints the message and its usage, then exits 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, except that a bad command line raises :class:`UsageError` instead of exiting.

    The subcommands then print their own short usage and return their exit status, which keeps
    ``main_check``/``main_render`` callable from tests and from ``__main__`` alike.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)
