"""The core's process-wide memos are safe from several threads at once.

The language server analyses on its worker thread while its event loop answers hover and completion
from the same core; both reach the process-wide memos (the validation pieces, the schema index's
compiled patterns, the schema facts). These tests run them from several threads at once, with the
validation memo cleared under their feet, and expect exactly the findings and answers of a run on one
thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from manifest_sets import OWN
from sidecar_lsp.core.check.analyze import analyze
from sidecar_lsp.core.features.hover import hover
from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.schema.facts import schema_index
from sidecar_lsp.core.schema.memo import clear_memo
from sidecar_lsp.core.yaml.tree import parse

TEXTS = [path.read_text(encoding="utf-8") for path in OWN]
ROUNDS = 6


def _findings(text: str) -> list[tuple[str, str, str, tuple[int, int]]]:
    return [
        (f.code, f.severity.value, f.message, (f.span.start.line, f.span.start.col))
        for f in analyze(text).findings
    ]


def _hovers(text: str) -> list[str | None]:
    document = parse(text)
    answers = []
    for line, content in enumerate(text.splitlines()[:40]):
        info = hover(document, Pos(line, len(content) - len(content.lstrip())), schema_index())
        answers.append(info.markdown if info else None)
    return answers


def _run_threads(workers: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as error:  # reported by the test, whatever it is
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_analysis_and_hover_from_several_threads_match_one_thread() -> None:
    assert len(TEXTS) >= 10
    clear_memo()
    expected_findings = [_findings(text) for text in TEXTS]
    expected_hovers = [_hovers(text) for text in TEXTS]
    assert any(expected_findings) and any(h for hovers in expected_hovers for h in hovers)
    mismatches: list[str] = []

    def analyse(offset: int) -> Callable[[], None]:
        def work() -> None:
            for round_ in range(ROUNDS):
                for i in range(len(TEXTS)):
                    at = (i + offset + round_) % len(TEXTS)
                    if _findings(TEXTS[at]) != expected_findings[at]:
                        mismatches.append(f"findings of {OWN[at].name} (thread {offset})")

        return work

    def answer_hovers() -> None:
        for _ in range(ROUNDS // 2):
            for i, text in enumerate(TEXTS):
                if _hovers(text) != expected_hovers[i]:
                    mismatches.append(f"hover in {OWN[i].name}")

    def clear_repeatedly() -> None:
        for _ in range(200):
            clear_memo()

    errors = _run_threads([analyse(0), analyse(5), answer_hovers, clear_repeatedly])
    assert errors == []
    assert mismatches == []
