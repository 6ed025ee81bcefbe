"""Whether a text with ${VAR}s can pass a pattern: the table behind sharper checks of interpolated values."""

from __future__ import annotations

import re

import pytest

from conformance.word_variables import WORD_VARIABLES, WordVariable
from manifest_sets import WORD_VARIABLE
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.decoding.interpolation import can_become_one_of, can_match
from sidecar_lsp.core.decoding.template_match import search_automaton
from sidecar_lsp.core.model import Severity
from sidecar_lsp.core.rules.formats import GO_DURATION, duration_ns

DURATION = r"^([-+]?(\d+(\.\d*)?|\.\d+)(ns|us|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|ms|s|m|h))*|0)$"
RANGE = r"^\d+-\d+$"

CASES = [
    # (text, pattern, some substitution passes)
    ("prefix-${X}", RANGE, False),
    ("${MIN}-10", RANGE, True),
    ("${X}", r"^(messageGroup|queue)$", True),
    ("${X}s", r"^(messageGroup|queue)$", False),
    ("q${X}e", r"^(messageGroup|queue)$", True),
    ("${X}.env", r"\.env$", True),
    ("prefix-${COPILOT_APPLICATION_NAME}", r"\.env$", False),
    ("${COPILOT_ENVIRONMENT_NAME}", DURATION, False),  # a name starts with a letter
    ("${X}s", DURATION, True),
    ("1${COPILOT_ENVIRONMENT_NAME}", DURATION, True),  # 1s, 1m, 1h
    ("${COPILOT_ENVIRONMENT_NAME}/amd64", r"^(linux|windows)/(amd64|arm64)$", True),
    ("${COPILOT_ENVIRONMENT_NAME}", r"^(linux|windows)/(amd64|arm64)$", False),
    ("a${COPILOT_APPLICATION_NAME}", r"^A", False),
    ("a${COPILOT_APPLICATION_NAME}", r"(?i)^A", True),
    ("x${X}", r"^\d+$", False),
    ("${X}\n", r"^1$", True),  # Python's $ matches before a final newline
    ("1${X}", r"^[^0-9]", False),
    ("${X}", r"\bword\b", True),
    ("\\${X}", r"^1$", True),  # an escaped ${X} is read as any text: never narrower than Copilot
]


@pytest.mark.parametrize(("text", "pattern", "expected"), CASES)
def test_can_match(text: str, pattern: str, expected: bool) -> None:
    assert can_match(text, pattern) is expected


@pytest.mark.parametrize("pattern", [r"(?=a)b", r"(a)\1"])
def test_constructs_not_modelled_never_refuse(pattern: str) -> None:
    assert search_automaton(pattern) is None
    assert can_match("zzz${X}", pattern)


def test_literal_text_is_judged_like_re_search() -> None:
    for text in ("1-10", "x1-10", "1-10\n", ""):
        assert can_match(text, RANGE) is bool(__import__("re").search(RANGE, text))


def test_one_of_words_is_case_insensitive() -> None:
    assert can_become_one_of("${X}", ("healthy", "start"))
    assert can_become_one_of("HEAL${X}", ("healthy",))
    assert not can_become_one_of("${X}-x", ("healthy", "start"))


def test_a_word_some_value_of_the_variable_gives_is_no_error() -> None:
    findings = analyze(WORD_VARIABLE, Options(assume_manifest=True)).findings
    assert [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)] == []
    suffixed = WORD_VARIABLE.replace("${X}", "${X}s")  # no word ends in s: an error
    assert [f.code for f in analyze(suffixed, Options(assume_manifest=True)).findings] == ["schema-format"]


@pytest.mark.parametrize("case", WORD_VARIABLES, ids=lambda c: c.name)
def test_a_value_some_variable_makes_valid_is_no_error(case: WordVariable) -> None:
    findings = analyze(case.text, Options(assume_manifest=True)).findings
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    hopeless = case.text.replace(*case.never_valid)
    assert [
        f for f in analyze(hopeless, Options(assume_manifest=True)).findings if f.severity is Severity.ERROR
    ]


@pytest.mark.parametrize(
    "text",
    ["0", "-0", "1s", "1.5h", ".5s", "1.s", ".s", "s", "1", "+1m30s", "1h-1m", "", "1µs", "3ms4us", "x"],
)
def test_go_duration_pattern_accepts_what_duration_ns_parses(text: str) -> None:
    assert (re.search(GO_DURATION, text) is not None) == (duration_ns(text) is not None)


def test_a_duration_no_value_of_the_variable_can_make_reads_zero() -> None:
    text = QUEUE_DELAY.replace("LATENCY", "${COPILOT_ENVIRONMENT_NAME}s")  # a name starts with a letter
    assert [f.code for f in analyze(text, Options(assume_manifest=True)).findings] == ["C6"]
    assert analyze(QUEUE_DELAY.replace("LATENCY", "${X}s"), Options(assume_manifest=True)).findings == []


QUEUE_DELAY = """\
name: w
type: Worker Service
image:
  location: nginx
count:
  range: 1-10
  queue_delay:
    acceptable_latency: LATENCY
    msg_processing_time: 1s
"""
