"""Tests of ``schema/copilot-manifest.schema.json`` under Python ``jsonschema`` and Ajv strict mode.

Fixtures live in ``tests/fixtures/schema/{valid,invalid}``. Each invalid fixture starts with
``# expect: <json-pointer>...`` and must produce exactly one error at each location. For an unknown key the
location is the object's pointer plus the key; for a missing required key it is the object's pointer
plus the missing key.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from manifest_sets import CORPUS, CORPUS_DIR, OWN, corpus_params, own_name, own_params, require_corpus

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schema" / "copilot-manifest.schema.json"
BUILDER_FILE = REPO / "schema" / "build_schema.py"
FIXTURES = REPO / "tests" / "fixtures" / "schema"
VALID = sorted((FIXTURES / "valid").glob("*.yml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))
AJV_DIR = Path(__file__).resolve().parent / "ajv"

# The only corpus finding that is correct: App Runner ignores `http.path` (reported as a warning).
CORPUS_ALLOWED = {"e2e--apprunner--front-end--manifest.yml": {"/http/path"}}
# The same in the project's own set (tests/manifests/README.md).
OWN_ALLOWED = {"docs-site": {"/http/path"}}

VAR_RE = r"\$\{[_a-zA-Z][_a-zA-Z0-9]*\}"
DOC_LINK = re.compile(r"\nhttps://aws\.github\.io/copilot-cli/docs/\S*$")
WORKLOAD_DEFS = {
    "Load Balanced Web Service": "loadBalancedWebService",
    "Backend Service": "backendService",
    "Worker Service": "workerService",
    "Request-Driven Web Service": "requestDrivenWebService",
    "Static Site": "staticSite",
    "Scheduled Job": "scheduledJob",
}
REQUIRED_DEFINITIONS = [
    "sidecar", "logging", "storage", "volume", "mountPoint", "containerHealthcheck", "dependsOn",
    "duration", "stringLike", "booleanLike", "platform", "variables", "secrets",
    "environmentManifest", "pipelineManifest",
    *WORKLOAD_DEFS.values(),
    *(f"{d}Override" for d in WORKLOAD_DEFS.values()),
]  # fmt: skip


# --------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------


def _plain(node: Any) -> Any:
    """Convert loader output to JSON types (keys are strings; dates become ISO strings)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (datetime, date)):
        return node.isoformat()
    return node


def load_yaml(text: str) -> Any:
    """Load YAML with YAML 1.2 rules (``on``/``yes`` stay strings), as Copilot's yaml.v3 reads keys."""
    try:
        from sidecar_lsp.core.yaml.tree import parse  # type: ignore[import-not-found]
    except ImportError:
        parse = None
    if parse is not None:
        return _plain(parse(text).to_plain())
    return _plain(YAML(typ="safe", pure=True).load(text))


def pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def expected_pointers(path: Path) -> list[str]:
    """The locations after ``# expect:``; several when one value breaks two checks (a scalar-or-map
    field's map with only an unknown key: the unknown key, and the map Copilot cannot decode)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (\S*(?: \S+)*)", first)
    assert match, f"{path.name}: first line must be '# expect: <json-pointer>...'"
    return sorted(match.group(1).split(" "))


def jsonschema_locations(instance: Any) -> list[str]:
    """Location of each top-level error (unknown/missing keys point at the key)."""
    out: list[str] = []
    for err in VALIDATOR.iter_errors(instance):
        base = pointer(err.absolute_path)
        if err.validator == "additionalProperties":
            known = err.schema.get("properties", {})
            out.extend(base + pointer([k]) for k in err.instance if k not in known)
        elif err.validator == "required":
            out.extend(base + pointer([k]) for k in err.validator_value if k not in err.instance)
        else:
            out.append(base)
    return out


def ajv_locations(result: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for err in result["reduced"]:
        base = err["instancePath"]
        if err["keyword"] == "additionalProperties":
            out.append(base + pointer([err["params"]["additionalProperty"]]))
        elif err["keyword"] == "required":
            out.append(base + pointer([err["params"]["missingProperty"]]))
        else:
            out.append(base)
    return out


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
DEFS: dict[str, Any] = SCHEMA["definitions"]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema and "description" not in schema:
        schema = DEFS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def check(definition: str, value: Any) -> bool:
    return jsonschema.Draft7Validator({**DEFS[definition], "definitions": DEFS}).is_valid(value)


# --------------------------------------------------------------------------------------------------------
# The schema itself
# --------------------------------------------------------------------------------------------------------


def test_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    for key in ("$id", "title", "description", "definitions"):
        assert SCHEMA[key]


def test_schema_is_generated_from_builder() -> None:
    spec = importlib.util.spec_from_file_location("build_schema", BUILDER_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "schema/copilot-manifest.schema.json is stale: run `python schema/build_schema.py`"
    )


@pytest.mark.parametrize("name", REQUIRED_DEFINITIONS)
def test_schema_has_definition(name: str) -> None:
    assert name in DEFS


def test_schema_dispatches_on_type_with_if_then() -> None:
    assert "oneOf" not in SCHEMA and "anyOf" not in SCHEMA
    branches = {
        b["if"]["properties"]["type"]["const"]: b["then"]["$ref"]
        for b in SCHEMA["allOf"]
        if "type" in b["if"].get("properties", {}) and "const" in b["if"]["properties"]["type"]
    }
    for b in SCHEMA["allOf"]:
        if "const" in b["if"].get("properties", {}).get("type", {}):
            assert b["if"]["required"] == ["type"]
    assert branches == {
        **{t: f"#/definitions/{d}" for t, d in WORKLOAD_DEFS.items()},
        "Environment": "#/definitions/environmentManifest",
    }
    assert DEFS["manifestType"]["enum"] == [*WORKLOAD_DEFS, "Environment"]


def test_schema_has_no_union_combinators() -> None:
    """Unions are ``type`` lists: every violation then gives exactly one, precisely located error."""
    offenders = [
        p
        for p, node in walk(SCHEMA)
        if isinstance(node, dict) and ({"oneOf", "anyOf"} & node.keys()) and "/if" not in p
    ]
    assert offenders == []


@pytest.mark.parametrize("def_name", list(WORKLOAD_DEFS.values()))
def test_workload_definition_requires_only_name_and_type(def_name: str) -> None:
    definition = DEFS[def_name]
    assert definition["required"] == ["name", "type"]
    assert definition["additionalProperties"] is False
    override = DEFS[f"{def_name}Override"]
    assert "required" not in override
    assert override["type"] == ["object", "null"]
    assert override["additionalProperties"] is False
    assert set(override["properties"]) == set(definition["properties"]) - {"name", "type", "environments"}
    env = definition["properties"]["environments"]["additionalProperties"]
    assert env == {"$ref": f"#/definitions/{def_name}Override"}


def test_image_port_is_never_required() -> None:
    for name in ("imageWithPortAndHealthcheck", "imageWithPort"):
        assert "port" in DEFS[name]["properties"]
        assert "required" not in DEFS[name]


def test_every_property_is_documented() -> None:
    missing: list[str] = []
    for path, node in walk(SCHEMA):
        if not (isinstance(node, dict) and isinstance(node.get("properties"), dict)):
            continue
        if (
            "/if" in path
            or path.endswith(("/then", "/not", "/properties"))
            or node.get("$comment") == "not null"
        ):
            continue  # discriminators and constraints (required keys must not be null), not user-facing properties
        for key, prop in node["properties"].items():
            if prop is True:
                continue
            target = resolve(prop)
            for field in ("description", "markdownDescription"):
                text = prop.get(field) or target.get(field)
                if not text or not DOC_LINK.search(text):
                    missing.append(f"{path}/properties/{key} ({field})")
    assert missing == []


def test_definitions_are_documented_and_used() -> None:
    text = json.dumps(SCHEMA)
    for name, definition in DEFS.items():
        assert DOC_LINK.search(definition.get("description", "")), name
        if name != "interpolatedString":  # published for consumers: the ${VAR} regex as a schema
            assert f'"#/definitions/{name}"' in text, f"unused definition {name}"


def test_sidecar_and_logging_defaults_and_snippets() -> None:
    sidecar = DEFS["sidecar"]["properties"]
    assert sidecar["essential"]["default"] is True
    assert DEFS["mountPoint"]["properties"]["read_only"]["default"] is True
    logging = DEFS["logging"]["properties"]
    assert logging["enableMetadata"]["default"] is True
    assert logging["retention"]["default"] == 30
    assert logging["image"]["default"] == "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"
    hc = DEFS["containerHealthcheck"]["properties"]
    assert (
        hc["interval"]["default"],
        hc["retries"]["default"],
        hc["timeout"]["default"],
        hc["start_period"]["default"],
    ) == ("10s", 2, "5s", "0s")
    for name in ("sidecar", "containerHealthcheck", "mountPoint", "logging"):
        snippets = DEFS[name]["defaultSnippets"]
        assert snippets and all(isinstance(s["body"], dict) for s in snippets)
        assert set(snippets[0]["body"]) <= set(DEFS[name]["properties"])
    assert DEFS["loadBalancedWebServiceHttp"]["properties"]["targetContainer"]["description"].startswith(
        "DEPRECATED."
    )


# --------------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["10s", "1m30s", "2.5s", "500ms", "1h", "2h45m", "0", "-5s", "1.5h", "3µs", "3us", ".5s", "${HC}"],
)
def test_duration_accepts(value: str) -> None:
    assert check("duration", value)


@pytest.mark.parametrize("value", [10, "10", "10 s", "s", "1d", "1m30", "", "1.s.5"])
def test_duration_rejects(value: Any) -> None:
    assert not check("duration", value)


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "on",
        "On",
        "ON",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "off",
        "Off",
        "OFF",
    ],
)
def test_boolean_like_accepts_yaml11_words(value: Any) -> None:
    assert check("booleanLike", value)


def test_null_is_accepted_everywhere_as_yaml_v3_reads_it() -> None:
    """yaml.v3 decodes null into any field's zero value: Copilot never rejects it while decoding."""
    assert check("booleanLike", None)
    assert check("duration", None)
    assert check("sidecar", None)


@pytest.mark.parametrize("value", ["true", "false", "True", "maybe", 1])
def test_boolean_like_rejects(value: Any) -> None:
    assert not check("booleanLike", value)


@pytest.mark.parametrize(
    ("definition", "value"),
    [
        ("duration", "${INTERVAL}"),
        ("envFile", "${ENV_FILE}"),
        ("dependsOnStatus", "${STATUS}"),
        ("platform", "${OS}/${ARCH}"),
        ("volumePath", "/data/${APP}"),
        ("stringLike", "${TAG}"),
    ],
)
def test_var_reference_accepted_in_pattern_fields(definition: str, value: str) -> None:
    assert check(definition, value)
    assert re.search(VAR_RE, value)


@pytest.mark.parametrize("value", ["start", "START", "Complete", "sUcCeSs", "healthy"])
def test_depends_on_is_case_insensitive(value: str) -> None:
    assert check("dependsOnStatus", value)


@pytest.mark.parametrize(
    "value",
    [
        "linux/amd64",
        "LINUX/X86_64",
        "linux/arm",
        "linux/arm64",
        "windows/x86_64",
        {"osfamily": "Windows_Server_2019_Full", "architecture": "AMD64"},
    ],
)
def test_platform_accepts(value: Any) -> None:
    assert check("platform", value)


@pytest.mark.parametrize("value", ["linux", "windows/arm64", "darwin/arm64", {"os": "linux"}])
def test_platform_rejects(value: Any) -> None:
    assert not check("platform", value)


def test_loader_keeps_yaml11_words_as_strings() -> None:
    data = load_yaml("on:\n  schedule: '@daily'\nvariables:\n  A: on\n  B: no\n  C: true\n")
    assert data == {"on": {"schedule": "@daily"}, "variables": {"A": "on", "B": "no", "C": True}}


# --------------------------------------------------------------------------------------------------------
# Fixtures and corpus with jsonschema
# --------------------------------------------------------------------------------------------------------


def test_fixture_counts() -> None:
    assert len(VALID) >= 10
    assert len(INVALID) >= 25


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_fixture_has_no_error(path: Path) -> None:
    assert jsonschema_locations(load_yaml(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_has_exactly_the_expected_error(path: Path) -> None:
    locations = jsonschema_locations(load_yaml(path.read_text(encoding="utf-8")))
    assert sorted(locations) == expected_pointers(path)


def _require_corpus() -> None:
    require_corpus()


@pytest.mark.parametrize("path", own_params())
def test_own_manifest_has_no_error(path: Path) -> None:
    locations = jsonschema_locations(load_yaml(path.read_text(encoding="utf-8")))
    assert set(locations) == OWN_ALLOWED.get(own_name(path), set())


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_manifest_has_no_error(path: Path | None) -> None:
    _require_corpus()
    assert path is not None
    locations = jsonschema_locations(load_yaml(path.read_text(encoding="utf-8")))
    assert set(locations) == CORPUS_ALLOWED.get(path.name, set())


def test_corpus_allowed_error_is_additional_properties() -> None:
    _require_corpus()
    path = CORPUS_DIR / "e2e--apprunner--front-end--manifest.yml"
    errors = list(VALIDATOR.iter_errors(load_yaml(path.read_text(encoding="utf-8"))))
    assert [(e.validator, list(e.absolute_path)) for e in errors] == [("additionalProperties", ["http"])]


# --------------------------------------------------------------------------------------------------------
# Ajv strict mode (what SchemaStore runs)
# --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ajv_ready() -> Path:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Ajv strict-mode checks need Node.js 18+")
    if not (AJV_DIR / "node_modules" / "ajv").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"{AJV_DIR}/node_modules is missing and npm is not installed: run `npm ci` there")
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=AJV_DIR, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            pytest.fail(f"`npm ci` failed in {AJV_DIR}:\n{proc.stdout}\n{proc.stderr}")
    return AJV_DIR / "validate.js"


@pytest.fixture(scope="session")
def ajv_results(ajv_ready: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Run Ajv once over every fixture and corpus manifest (converted to JSON)."""
    out_dir = tmp_path_factory.mktemp("ajv")
    files: dict[str, Path] = {}
    for group, paths in (("valid", VALID), ("invalid", INVALID), ("corpus", CORPUS), ("own", OWN)):
        for path in paths:
            name = own_name(path) if group == "own" else path.name
            target = out_dir / f"{group}--{name.replace('/', '--')}.json"
            target.write_text(json.dumps(load_yaml(path.read_text(encoding="utf-8"))), encoding="utf-8")
            files[f"{group}/{name}"] = target
    proc = subprocess.run(
        ["node", str(ajv_ready), "--schema", str(SCHEMA_FILE), *map(str, files.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), f"Ajv failed (exit {proc.returncode}):\n{proc.stderr}"
    by_file = {json.loads(line)["file"]: json.loads(line) for line in proc.stdout.splitlines() if line}
    return {key: by_file[str(target)] for key, target in files.items()}


def test_ajv_strict_compiles_schema(ajv_ready: Path) -> None:
    proc = subprocess.run(
        ["node", str(ajv_ready), "--schema", str(SCHEMA_FILE)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_ajv_valid_fixture(path: Path, ajv_results: dict[str, dict[str, Any]]) -> None:
    result = ajv_results[f"valid/{path.name}"]
    assert result["valid"], result["errors"]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_ajv_invalid_fixture(path: Path, ajv_results: dict[str, dict[str, Any]]) -> None:
    result = ajv_results[f"invalid/{path.name}"]
    assert not result["valid"]
    assert sorted(ajv_locations(result)) == expected_pointers(path), result["errors"]


@pytest.mark.parametrize("path", own_params())
def test_ajv_own_manifest(path: Path, ajv_results: dict[str, dict[str, Any]]) -> None:
    result = ajv_results[f"own/{own_name(path)}"]
    assert set(ajv_locations(result)) == OWN_ALLOWED.get(own_name(path), set()), result["errors"]
    assert all(e["keyword"] == "additionalProperties" for e in result["reduced"])


@pytest.mark.parametrize("path", corpus_params())
def test_ajv_corpus_manifest(path: Path | None, ajv_results: dict[str, dict[str, Any]]) -> None:
    _require_corpus()
    assert path is not None
    result = ajv_results[f"corpus/{path.name}"]
    assert set(ajv_locations(result)) == CORPUS_ALLOWED.get(path.name, set()), result["errors"]
    assert all(e["keyword"] == "additionalProperties" for e in result["reduced"])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
