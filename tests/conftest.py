"""Says, at the top and the bottom of every run, whether the corpus extras ran (tests/README.md)."""

from __future__ import annotations

import pytest

from manifest_sets import CORPUS, CORPUS_DIR, OWN, REQUIRE_CORPUS_VARIABLE


def pytest_report_header() -> list[str]:
    own = f"own manifests: {len(OWN)} in tests/manifests"
    if CORPUS:
        return [f"{own}; corpus extras: {len(CORPUS)} manifests in {CORPUS_DIR}"]
    return [f"{own}; corpus extras: ABSENT ({CORPUS_DIR} not found) - those tests will be skipped"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
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
