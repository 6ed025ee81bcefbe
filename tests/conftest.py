"""Says, at the top and the bottom of every run, whether the corpus extras ran and where Copilot's verdicts
come from (tests/README.md); writes the record of verdicts at the end of a recording run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "conformance"))
# The generators, the LSP client and the fuzzers of benchmarks/ that tests drive too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from copilot_verdicts import RECORD, copilot_verdicts, read_record, started  # noqa: E402

from manifest_sets import CORPUS, CORPUS_DIR, OWN, REQUIRE_CORPUS_VARIABLE  # noqa: E402


def pytest_report_header() -> list[str]:
    own = f"own manifests: {len(OWN)} in tests/manifests"
    version, verdicts = read_record()
    record = f"Copilot's verdicts: {len(verdicts)} recorded by {version or 'nothing'} ({RECORD.name})"
    if CORPUS:
        return [f"{own}; corpus extras: {len(CORPUS)} manifests in {CORPUS_DIR}", record]
    return [f"{own}; corpus extras: ABSENT ({CORPUS_DIR} not found) - those tests will be skipped", record]


_WRITTEN: list[int] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Runs before the terminal summary: a recording run writes its record here."""
    if started():
        _WRITTEN.append(copilot_verdicts().finish())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if started():
        terminalreporter.write_line(f"Copilot's verdicts came from: {copilot_verdicts().mode}")
    if any(_WRITTEN):
        terminalreporter.write_line(f"wrote {sum(_WRITTEN)} verdicts to {RECORD}")
    _say_whether_the_corpus_ran(terminalreporter)


def _say_whether_the_corpus_ran(terminalreporter: pytest.TerminalReporter) -> None:
    if CORPUS:
        return
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "corpus extra not run" in str(getattr(report, "longrepr", ""))
    ]
    terminalreporter.write_sep("!", "corpus extras did not run", yellow=True, bold=True)
    terminalreporter.write_line(
        f"{len(skipped)} tests over ../shared/corpus/copilot-cli were skipped: it is not beside this checkout "
        f"({CORPUS_DIR})."
    )
    terminalreporter.write_line(
        f"The same checks ran over the project's own {len(OWN)} manifests (tests/manifests). "
        f"Set {REQUIRE_CORPUS_VARIABLE}=1 to make the corpus's absence a failure."
    )
