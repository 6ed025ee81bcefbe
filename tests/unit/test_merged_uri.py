"""The URIs of renderings: a URL to every editor, read back whatever encoding the client applied."""

from __future__ import annotations

from sidecar_lsp.lsp.handlers.workspace import merged_uri, parse_merged_uri

SOURCE = "file:///home/dev/my%20app/copilot/api/manifest.yml"


def test_a_merged_uri_names_the_source_and_the_environment() -> None:
    uri = merged_uri(SOURCE, "prod")
    assert uri == "sidecar-lsp-merged:///home/dev/my%20app/copilot/api/manifest.yml%20%28prod%29?env=prod"
    assert parse_merged_uri(uri) == (SOURCE, "prod")


def test_vs_code_s_encoded_query_reads_the_same() -> None:
    assert parse_merged_uri(
        "sidecar-lsp-merged:///home/dev/my%20app/copilot/api/manifest.yml?env%3Dprod"
    ) == (
        SOURCE,
        "prod",
    )


def test_other_uris_are_not_renderings() -> None:
    assert parse_merged_uri(SOURCE) is None
    assert parse_merged_uri("sidecar-lsp-merged:///x/manifest.yml") is None
