"""Workspace symbols: what each manifest declares, the memo per text, and the search editors expect."""

from __future__ import annotations

import pytest
from workspace_support import ENV, PUBLISHER, subscriber

from manifest_sets import JOB, SIDECAR_SERVICE, position_of
from sidecar_lsp.core.features.workspace_symbols import (
    Declared,
    SymbolMemo,
    declared,
    declared_in,
    match_score,
    search,
)


def rows(text: str, folder: str = "api") -> list[tuple[str, str, str]]:
    return [(s.name, s.kind, s.container) for s in declared(text, folder)]


def test_a_service_declares_itself_its_overrides_sidecars_and_volumes() -> None:
    assert rows(SIDECAR_SERVICE) == [
        ("api", "service", "Load Balanced Web Service"),
        ("nginx", "sidecar", "sidecar of api"),
        ("data", "volume", "volume of api"),
        ("prod", "override", "prod override of api"),
        ("logs", "sidecar", "sidecar of api (in prod)"),
    ]


def test_each_name_is_where_it_is_written() -> None:
    found = {(s.name, s.kind): s.span for s in declared(SIDECAR_SERVICE, "api")}
    for (name, kind), needle in [
        (("api", "service"), "api\ntype"),
        (("nginx", "sidecar"), "nginx:  #"),
        (("data", "volume"), "data:\n"),
        (("prod", "override"), "prod:"),
        (("logs", "sidecar"), "logs:"),
    ]:
        line, col = position_of(SIDECAR_SERVICE, needle)
        span = found[(name, kind)]
        assert (span.start.line, span.start.col, span.end.col) == (line, col, col + len(name))


def test_topics_a_service_publishes_and_jobs_and_environments() -> None:
    assert ("orders", "topic", "topic published by api") in rows(PUBLISHER)
    # a subscription names another service's topic: it declares nothing
    assert [kind for _, kind, _ in rows(subscriber(), "orders-worker")] == ["service"]
    assert rows(JOB, "report")[0][1:] == ("job", "Scheduled Job")
    assert rows(ENV.format(name="prod"), "prod") == [("prod", "environment", "environment")]


def test_a_manifest_without_a_name_is_named_by_its_folder() -> None:
    text = SIDECAR_SERVICE.replace("name: api\n", "")
    assert rows(text, "web")[0] == ("web", "service", "Load Balanced Web Service")
    assert ("nginx", "sidecar", "sidecar of web") in rows(text, "web")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[1, 2]",
        "name: x\n",
        "version: 1\nsource: {}\nstages: []\n",
        "type: Backend Service\nsidecars: [",
        "\0",
    ],
)
def test_what_is_no_workload_or_cannot_be_read_declares_little_and_never_raises(text: str) -> None:
    assert all(s.kind in ("service", "job") for s in declared(text, "x"))


def test_the_memo_parses_each_text_once_and_stays_within_its_bounds() -> None:
    memo = SymbolMemo(max_files=2)
    first = memo.symbols("api", SIDECAR_SERVICE)
    assert memo.symbols("api", SIDECAR_SERVICE) is first and memo.parses == 1
    memo.symbols("a", PUBLISHER)
    memo.symbols("b", JOB)
    assert len(memo) == 2 and memo.parses == 3
    memo.symbols("api", SIDECAR_SERVICE)  # evicted: read again
    assert memo.parses == 4
    small = SymbolMemo(max_chars=len(SIDECAR_SERVICE) + 1)
    small.symbols("api", SIDECAR_SERVICE)
    small.symbols("a", PUBLISHER)
    assert len(small) == 1


def test_texts_the_memo_has_not_seen_are_read_elsewhere_and_put_back() -> None:
    memo = SymbolMemo()
    memo.symbols("api", SIDECAR_SERVICE)
    unseen = memo.missing([("api", SIDECAR_SERVICE), ("a", PUBLISHER), ("b", JOB)])
    assert unseen == [("a", PUBLISHER), ("b", JOB)]
    for (folder, text), found in zip(unseen, declared_in(unseen), strict=True):
        memo.put(folder, text, found)
    parses = memo.parses
    assert memo.symbols("a", PUBLISHER) == declared(PUBLISHER, "a") and memo.parses == parses
    assert memo.missing([("a", PUBLISHER), ("b", JOB)]) == []


@pytest.mark.parametrize(
    ("needle", "name", "score"),
    [
        ("otel", "otel", 0),
        ("OT", "otel", 1),
        ("tel", "otel", 2),
        ("otl", "otel", 3),
        ("", "otel", 1),
        ("leto", "otel", None),
        ("otelx", "otel", None),
    ],
)
def test_a_name_matches_by_letters_in_order_ignoring_case(needle: str, name: str, score: int | None) -> None:
    assert match_score(needle, name) == score


def symbol(name: str, kind: str) -> tuple[Declared, str]:
    span = declared(SIDECAR_SERVICE, "api")[0].span
    return Declared(name, kind, "", span), name


CANDIDATES = [
    symbol("my-otel-collector", "sidecar"),
    symbol("otel", "volume"),
    symbol("hotel", "service"),
    symbol("otel", "sidecar"),
    symbol("o-t-e-l", "topic"),
    symbol("nginx", "sidecar"),
]


def test_search_ranks_exact_names_then_prefixes_then_substrings_then_letters() -> None:
    found = [(s.name, s.kind) for s, _ in search("otel", CANDIDATES)]
    assert found == [
        ("otel", "sidecar"),
        ("otel", "volume"),
        ("hotel", "service"),
        ("my-otel-collector", "sidecar"),
        ("o-t-e-l", "topic"),
    ]


def test_a_first_word_naming_a_kind_keeps_that_kind() -> None:
    assert [(s.name, s.kind) for s, _ in search("sidecar otel", CANDIDATES)] == [
        ("otel", "sidecar"),
        ("my-otel-collector", "sidecar"),
    ]
    assert [s.name for s, _ in search("Volumes ot", CANDIDATES)] == ["otel"]
    assert [s.name for s, _ in search("hotel otel", CANDIDATES)] == []  # not a kind: letters of "hotelotel"


def test_an_empty_query_lists_everything_up_to_the_limit() -> None:
    assert len(search("", CANDIDATES)) == len(CANDIDATES)
    assert len(search("", CANDIDATES, limit=2)) == 2
