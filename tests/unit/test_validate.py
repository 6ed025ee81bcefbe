"""Schema errors mapped to the exact range, with plain words and the right severity."""

from __future__ import annotations

import pytest

from manifest_sets import LBWS
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.check.validate import schema_findings
from sidecar_lsp.core.model import Finding, Severity, Span
from sidecar_lsp.core.yaml.tree import parse


def schema_only(text: str, **options: bool) -> list[Finding]:
    return schema_findings(parse(text), **options)


@pytest.mark.parametrize(
    ("tail", "code", "severity", "span", "message"),
    [
        (
            "sidecars:\n  nginx:\n    image: x\n    mount_point: []\n",
            "schema-unknown-key",
            Severity.WARNING,
            Span.of(10, 4, 10, 15),
            "unknown key 'mount_point' in sidecar 'nginx'; did you mean 'mount_points'? Copilot ignores unknown keys",
        ),
        (
            "logging:\n  enable_metadata: true\n",
            "schema-unknown-key",
            Severity.WARNING,
            Span.of(8, 2, 8, 17),
            "unknown key 'enable_metadata' in 'logging'; did you mean 'enableMetadata'? Copilot ignores unknown keys",
        ),
        (
            "storage:\n  volumes:\n    v:\n      path: /a\n      efs:\n        id: fs-1\n        root_directory: /x\n",
            "schema-unknown-key",
            Severity.WARNING,
            Span.of(13, 8, 13, 22),
            "unknown key 'root_directory' in 'storage.volumes.v.efs'; did you mean 'root_dir'? Copilot ignores unknown keys",
        ),
        (
            "sidecars:\n  nginx:\n    image:\n      build: x\n      context: y\n",
            "schema-unknown-key",
            Severity.WARNING,
            Span.of(11, 6, 11, 13),
            "unknown key 'context' in 'sidecars.nginx.image'",
        ),
        (
            "sidecars:\n  nginx:\n    image: x\n    healthcheck:\n      retries: two\n",
            "schema-type",
            Severity.ERROR,
            Span.of(11, 15, 11, 18),
            "sidecars.nginx.healthcheck.retries: expected a number, got 'two'",
        ),
        (
            "sidecars:\n  nginx:\n    image: x\n    healthcheck:\n      interval: 10\n",
            "schema-type",
            Severity.ERROR,
            Span.of(11, 16, 11, 18),
            "sidecars.nginx.healthcheck.interval: expected ",
        ),
        (
            "sidecars:\n  nginx:\n    image: [a]\n",
            "schema-type",
            Severity.ERROR,
            Span.of(9, 11, 9, 14),
            "sidecars.nginx.image: expected ",
        ),
        (
            "storage:\n  ephemeral: 10\n",
            "schema-range",
            Severity.ERROR,
            Span.of(8, 13, 8, 15),
            "storage.ephemeral: 10 must be between 20 and 200",
        ),
        (
            "sidecars:\n  nginx:\n    image: x\n    port: 70000\n",
            "schema-range",
            Severity.ERROR,
            Span.of(10, 10, 10, 15),
            "sidecars.nginx.port: 70000 must be between 0 and 65535",
        ),
        (
            "sidecars:\n  nginx:\n    image: x\n    depends_on:\n      api: ready\n",
            "schema-format",
            Severity.ERROR,
            Span.of(11, 11, 11, 16),
            "sidecars.nginx.depends_on.api: 'ready': container dependency status must be one of START, COMPLETE, SUCCESS or HEALTHY",
        ),
        (
            "environments:\n  prod:\n    sidecars:\n      nginx:\n        image: x\n        port: 80/http\n",
            "schema-format",
            Severity.ERROR,
            Span.of(12, 14, 12, 21),
            "environments.prod.sidecars.nginx.port: '80/http': must be a port number with an optional /tcp or /udp",
        ),
        (
            "sidecars: []\n",
            "schema-type",
            Severity.ERROR,
            Span.of(7, 10, 7, 12),
            "sidecars: expected a map, got a list",
        ),
        (
            "sidecars:\n  nginx:\n    image: x\n    mount_points:\n      - source_volume: v\n        path: /a b\n",
            "schema-format",
            Severity.ERROR,
            Span.of(12, 14, 12, 18),
            "sidecars.nginx.mount_points[0].path: '/a b': path can only contain the characters a-zA-Z0-9.-_/",
        ),
    ],
)
def test_schema_problem_is_placed_and_worded(
    tail: str, code: str, severity: Severity, span: Span, message: str
) -> None:
    findings = schema_only(LBWS + tail)
    assert [(f.code, f.severity, f.span) for f in findings] == [(code, severity, span)]
    assert message in findings[0].message


@pytest.mark.parametrize(
    "tail",
    [
        "sidecars:\n  nginx:\n    image: x\n    essential: yes\n",  # YAML 1.1 boolean
        "sidecars:\n  nginx:\n    image: x\n    healthcheck:\n      interval: ${INTERVAL}\n",  # ${VAR} in a pattern field
        "sidecars:\n  nginx:\n    image: public.ecr.aws/nginx:${TAG}\n    port: 80\n",
        "variables:\n  DEBUG: true\n  PORT: 8080\n  MODE: on\n",  # any scalar where Copilot reads a string
        "sidecars:\n  nginx:\n    image: x\n    port: 2000/UDP\n    depends_on:\n      api: HEALTHY\n",
        "sidecars:\n  nginx:\n    image: x\n    healthcheck:\n      interval: 1m30s\n      timeout: 2.5s\n      start_period: 500ms\n",
        "http:\n  path: ''\n",
    ],
)
def test_what_copilot_accepts_is_not_flagged(tail: str) -> None:
    text = LBWS + tail if not tail.startswith("http:") else LBWS.replace("http:\n  path: /\n", tail)
    assert schema_only(text) == []


def test_missing_required_key_points_at_the_parent() -> None:
    findings = schema_only("type: Backend Service\nimage:\n  location: x\n")
    assert [(f.code, f.span, f.message) for f in findings] == [
        ("schema-required", Span.of(0, 0, 0, 4), "missing required key 'name' at the top level")
    ]


def test_missing_key_in_a_nested_map_points_at_its_key() -> None:
    findings = schema_only(LBWS + "sidecars:\n  nginx:\n    image: x\n    mount_points:\n      - path: /a\n")
    required = [(f.span, f.message) for f in findings if f.code == "schema-required"]
    assert required == [
        (Span.of(11, 8, 11, 16), "missing required key 'source_volume' in 'sidecars.nginx.mount_points[0]'")
    ]


def test_bad_type_value_suggests_and_fixes() -> None:
    (finding,) = schema_only("name: x\ntype: Load Balanced Service\n")
    assert finding.code == "schema-enum"
    assert finding.span == Span.of(1, 6, 1, 27)
    assert "did you mean 'Load Balanced Web Service'?" in finding.message
    assert finding.fixes[0].edits[0].new_text == "Load Balanced Web Service"


def test_unknown_key_has_a_rename_fix() -> None:
    (finding,) = schema_only(LBWS + "sidecars:\n  nginx:\n    image: x\n    mount_point: []\n")
    (edit,) = finding.fixes[0].edits
    assert (edit.span, edit.new_text) == (Span.of(10, 4, 10, 15), "mount_points")


def test_list_at_the_top_gives_one_finding() -> None:
    (finding,) = schema_only("- a\n- b\n")
    assert finding.message == "a Copilot manifest is a map of keys such as 'name' and 'type', not a list"


def test_unknown_keys_can_be_turned_off() -> None:
    text = LBWS + "sidecars:\n  nginx:\n    image: x\n    mount_point: []\n"
    assert schema_only(text, unknown_keys=False) == []
    assert [f.code for f in analyze(text, Options(unknown_keys=False)).findings] == []


def test_worker_image_only_in_an_environment_is_not_an_error() -> None:
    text = "name: w\ntype: Worker Service\nenvironments:\n  test:\n    image:\n      location: x\n"
    assert schema_only(text) == []


PLACEMENT_YES = """\
name: w
type: Backend Service
image:
  location: nginx
network:
  vpc:
    placement: yes
environments:
  test:
    cpu: 512
  prod:
    network:
      vpc:
        placement: private
"""


def test_a_refused_base_value_names_the_environments_that_keep_it() -> None:
    # Copilot rejects the base and test (their merged manifests keep `yes`), accepts prod.
    (finding,) = schema_only(PLACEMENT_YES)
    assert (finding.code, finding.severity, finding.span) == (
        "schema-format",
        Severity.ERROR,
        Span.of(6, 15, 6, 18),
    )
    assert finding.message.startswith("in environments without an override and 'test': network.vpc.placement")


def test_a_refused_base_value_every_override_replaces_is_a_hint() -> None:
    # Copilot rejects only a deployment without an override: staging's files replace the base's whole.
    text = "name: s\ntype: Static Site\nfiles:\n  - destination: a\nenvironments:\n  staging:\n    files:\n      - source: dist\n"
    (finding,) = schema_only(text)
    assert (finding.code, finding.severity) == ("schema-required", Severity.HINT)
    assert finding.message.startswith("for environments without an override")


def test_a_value_that_does_not_decode_fails_every_environment() -> None:
    # `cpu: big` fails Copilot's decoding of the base, whatever prod's override says.
    text = LBWS + "cpu: big\nenvironments:\n  prod:\n    cpu: 512\n"
    (finding,) = schema_only(text)
    assert (finding.code, finding.severity) == ("schema-type", Severity.ERROR)
    assert finding.message.startswith("cpu:")


def test_other_yaml_is_left_alone() -> None:
    workflow = "on:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
    analysis = analyze(workflow)
    assert (analysis.kind, analysis.findings) == (None, [])


def test_environment_and_pipeline_manifests_are_recognised() -> None:
    assert analyze("name: test\ntype: Environment\n").kind == "Environment"
    pipeline = "name: p\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: x\nstages:\n  - name: test\n"
    analysis = analyze(pipeline)
    assert (analysis.kind, [f for f in analysis.findings if f.severity is Severity.ERROR]) == ("Pipeline", [])


def test_syntax_error_stands_alone_without_cascading_missing_keys() -> None:
    text = "name: api\ntype: Backend Service\nimage:\n\tlocation: x\n"
    assert [f.code for f in analyze(text).findings] == ["yaml-syntax"]


def test_missing_name_is_reported_once_in_copilots_words() -> None:
    findings = analyze("type: Backend Service\nimage:\n  location: x\n").findings
    assert [(f.code, f.message.split(";")[0]) for f in findings] == [("O3", '"name" must be specified')]


def test_remembered_pieces_follow_edits_and_moves() -> None:
    broken = LBWS + "sidecars:\n  nginx:\n    image: x\n    healthcheck:\n      retries: two\n"
    (first,) = schema_only(broken)
    # The same sidecar two lines lower: the remembered error lands at its new position.
    moved = broken.replace("http:\n", "cpu: 256\nmemory: 512\nhttp:\n")
    (second,) = schema_only(moved)
    assert second.span.start.line == first.span.start.line + 2
    # Fixed: nothing remembered from before leaks into the result.
    assert schema_only(broken.replace("two", "2")) == []
    assert [f.code for f in schema_only(broken)] == ["schema-type"]


def test_schema_diagnostics_off_keeps_only_cross_field_findings() -> None:
    text = LBWS + (
        "sidecars:\n  nginx:\n    image: x\n    mount_point: []\n    mount_points:\n"
        "      - source_volume: nope\n        path: /a\n    healthcheck:\n      retries: two\n"
    )
    everything = {f.code for f in analyze(text).findings}
    assert {"schema-unknown-key", "schema-type", "X-source-volume"} <= everything
    assert {f.code for f in analyze(text, Options(schema=False)).findings} == {"X-source-volume"}


@pytest.mark.parametrize(
    ("tail", "suggestion"),
    [
        ("deployment:\n  rolling: recreat\n", "recreate"),  # Copilot compares these words case-insensitively
        ("platform: linux/arm65\n", "linux/arm64"),
        ("sidecars:\n  nginx:\n    image: x\n    depends_on:\n      api: STRAT\n", "start"),
        ("deployment:\n  rolling: 'recreat'\n", "recreate"),  # the quotes are replaced with the value
    ],
)
def test_bad_word_in_a_case_insensitive_field_suggests_and_fixes(tail: str, suggestion: str) -> None:
    (finding,) = schema_only(LBWS + tail)
    assert finding.message.endswith(f"did you mean '{suggestion}'?")
    edit = finding.fixes[0].edits[0]
    assert (edit.span, edit.new_text) == (finding.span, suggestion)
    fixed = _apply(LBWS + tail, edit.span, edit.new_text)
    assert schema_only(fixed) == []


def _apply(text: str, span: Span, new_text: str) -> str:
    lines = text.split("\n")
    line = lines[span.start.line]
    lines[span.start.line] = line[: span.start.col] + new_text + line[span.end.col :]
    return "\n".join(lines)


def test_keys_copilot_refuses_together_are_said_once_in_copilots_words() -> None:
    text = "name: api\ntype: Backend Service\nimage:\n  build: x\n  location: y\n"
    assert [f.code for f in analyze(text).findings] == ["I1"]
    (alone,) = analyze(text, Options(cross_field=False)).findings
    assert (alone.code, alone.message) == (
        "schema-exclusive",
        'image: must specify one of "build" and "location", not both',
    )


def test_empty_from_cfn_map_is_named_plainly() -> None:
    (finding,) = schema_only(LBWS + "variables:\n  A: {}\n")
    assert finding.code == "schema-type"
    # Copilot's words (verified with the oracle), then why and the fix.
    assert finding.message.startswith("variables.A: cannot unmarshal field to a string or into a map: ")
    assert "none is" in finding.message


def test_every_yaml_and_schema_code_is_documented() -> None:
    import re
    from pathlib import Path

    server = Path(__file__).resolve().parents[2] / "server" / "sidecar_lsp"
    sources = sorted(server.rglob("*.py"))
    codes = {
        code
        for source in sources
        if source.name != "reports.py"  # names the docs' anchor, "yaml-and-schema-codes", not a code
        for code in re.findall(r'"((?:yaml|schema)-[a-z-]+|file-too-large|encoding)"', source.read_text())
    }
    table = (server.parents[1] / "docs" / "rules.md").read_text()
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE))
    assert codes and codes <= documented, codes - documented


def test_document_kinds_are_the_schemas_type_values() -> None:
    """kinds.py classifies documents before any schema is read; it must name exactly the schema's types."""
    from sidecar_lsp.core.decoding import kinds
    from sidecar_lsp.core.schema.store import load_schema

    assert load_schema()["definitions"]["manifestType"]["enum"] == [*kinds.WORKLOAD_TYPES, kinds.ENVIRONMENT]
