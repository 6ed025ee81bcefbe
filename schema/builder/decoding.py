"""Adjust the assembled schema for how Copilot decodes YAML, in place.

yaml.v3 decodes null into any field's zero value, Copilot's scalar-or-map fields each have a custom
``UnmarshalYAML`` with its own message, and a YAML number decodes into a Go string. Sources: Copilot's
``internal/pkg/manifest/union.go``, ``workload.go``, ``workload_ecs.go``, ``svc.go`` and ``validate.go``
(aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

import re
from typing import Any

from .common import BOOL_WORDS_RE, DURATION_RE, GO_UNSIGNED_MARK, REFUSED_MARK, with_var
from .workloads import TYPES

MANIFEST_DEFINITIONS = frozenset(
    {*(def_name for def_name, _ in TYPES.values()), "environmentManifest", "pipelineManifest"}
)
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions")
_SUBSCHEMA_ONE = ("additionalProperties", "items", "if", "then", "else", "not")


def allow_null(schema: Any, *, top: bool = False) -> None:
    """Let every value be YAML null, in place: yaml.v3 decodes null into the zero value of any field
    (``secrets:`` with only comments below it is not set), so Copilot never rejects it while decoding.

    A manifest as a whole (the root and each per-kind definition's top level) stays a map. Fields that
    Copilot requires after decoding are checked by the rules, which read null as "not set".
    """
    if not isinstance(schema, dict):
        return
    if not top:
        kinds = schema.get("type")
        if isinstance(kinds, str) and kinds != "null":
            schema["type"] = [kinds, "null"]
        elif isinstance(kinds, list) and "null" not in kinds:
            kinds.append("null")
        elif kinds is None and "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
    required = [k for k in schema.get("required", []) if k in (schema.get("properties") or {})]
    if not top and required and "not null" not in str(schema.get("allOf", "")):
        # Copilot's "must be specified" reads a null value as missing: a required key must not be null.
        schema.setdefault("allOf", []).append(
            {"$comment": "not null", "properties": {k: {"not": {"type": "null"}} for k in required}}
        )
    negated = schema.get("not")
    if isinstance(negated, dict) and "required" in negated and "type" not in negated:
        # "not both keys": a null (or any non-map) value has neither, so it must pass.
        negated["type"] = "object"
    for key in _SUBSCHEMA_MAPS:
        for name, sub in (schema.get(key) or {}).items():
            allow_null(sub, top=key == "definitions" and name in MANIFEST_DEFINITIONS)
    for key in _SUBSCHEMA_ONE:
        if key in ("if", "not"):
            continue  # conditions select branches; they must not start matching null
        allow_null(schema.get(key))
    for branch in schema.get("allOf", []):
        if isinstance(branch, dict):
            allow_null(branch.get("then"))
            allow_null(branch.get("else"))


# Copilot's scalar-or-map fields (a custom UnmarshalYAML) and its message when a map decodes to nothing.
# Keys are the place in the schema: a definition, then properties (``items`` for list items).
UNION_MESSAGES = {
    "variableValue": "cannot unmarshal field to a string or into a map",
    "secretValue": 'cannot marshal "secret" field to a string or "secretsmanager" object',
    "imageBuild": "unable to unmarshal build field into string or compose-style map",
    "sidecar/image": "the image is neither a string nor a map with build or location",
    "volume/efs": 'cannot unmarshal "efs" field into bool or map',
    "volume/efs/id": "cannot unmarshal field to a string or into a map",
    "platform": "unable to unmarshal platform field into string or compose-style map",
    "httpHealthcheck": "the health check is neither a path nor a map of health check settings",
    "loadBalancedWebServiceHttp": 'cannot marshal "http" field into bool or map',
    "requestDrivenWebServiceHttp/private": "private is neither a boolean nor a map with endpoint",
    "serviceCount": 'unable to unmarshal "count" field to an integer or autoscaling configuration',
    "workerCount": 'unable to unmarshal "count" field to an integer or autoscaling configuration',
    "jobCount": 'unable to unmarshal "count" field to an integer or autoscaling configuration',
    "serviceCount/range": 'unable to unmarshal "range" field',
    "workerCount/range": 'unable to unmarshal "range" field',
    "jobCount/range": 'unable to unmarshal "range" field',
    "network/vpc/placement": "unable to unmarshal placement field into string or compose-style map",
    "requestDrivenWebServiceNetwork/vpc/placement": "unable to unmarshal placement field into string or compose-style map",
    "network/vpc/placement/subnets": "unable to unmarshal subnets field into string slice or compose-style map",
    "requestDrivenWebServiceNetwork/vpc/placement/subnets": "unable to unmarshal subnets field into string slice or compose-style map",
    "network/vpc/security_groups/items": "cannot unmarshal field to a string or into a map",
    "network/vpc/security_groups/groups/items": "cannot unmarshal field to a string or into a map",
    "network/vpc/security_groups": 'unable to unmarshal "security_groups" field into slice of strings or compose-style map',
    "network/connect": 'unable to unmarshal "connect" field into boolean or compose-style map',
    "publish/topics/items/fifo": 'unable to unmarshal "fifo" field into boolean or compose-style map',
    "subscribe/topics/items/queue": 'cannot unmarshal "queue" field into bool or map',
    "subscribe/topics/items/queue/fifo": 'unable to unmarshal "fifo" field into boolean or compose-style map',
    "subscribe/queue/fifo": 'unable to unmarshal "fifo" field into boolean or compose-style map',
    "exec": 'unable to unmarshal "exec" field into boolean or exec configuration',
    "deployment/rollback_alarms": "rollback_alarms is neither a list of alarm names nor a map of alarm thresholds",
    "workerDeployment/rollback_alarms": "rollback_alarms is neither a list of alarm names nor a map of alarm thresholds",
    "environmentManifest/network/vpc/flow_logs": "flow_logs is neither a boolean nor a map with retention",
    "environmentManifest/http/public/access_logs": "unable to unmarshal access_logs field into bool or ELB Access logs config",
    "environmentManifest/cdn": "unable to unmarshal cdn field into bool or composite-style map",
}
for _name in ("serviceCount", "workerCount", "jobCount"):
    for _key in ("cpu_percentage", "memory_percentage", "requests", "response_time", "queue_delay"):
        UNION_MESSAGES[f"{_name}/{_key}"] = "unable to unmarshal into int or composite-style map"
STRICT_UNIONS = frozenset(
    {
        "sidecar/image", "httpHealthcheck", "requestDrivenWebServiceHttp/private",
        "deployment/rollback_alarms", "workerDeployment/rollback_alarms", "environmentManifest/network/vpc/flow_logs",
    }
)  # fmt: skip
"""Copilot's generic ``Union`` type: a map with any key of the wrong type is rejected, not half decoded."""
DECODE_ESCAPE = "decode-escape: Copilot drops a value of the wrong type when another key of the map is set"
_DECODE_ONLY = ("booleanLike", "duration", "stringLike", "uint16")
"""Definitions whose every failure is a decoding error (yaml.v3 TypeError), never a Validate() check."""


def _schema_types(schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    target = _resolve(schema, definitions)
    kinds = target.get("type", [])
    return [k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null"]


def _resolve(schema: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):
        if not isinstance(schema, dict) or "$ref" not in schema:
            break
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    return schema if isinstance(schema, dict) else {}


def _is_union(schema: dict[str, Any], definitions: dict[str, Any]) -> bool:
    kinds = set(_schema_types(schema, definitions))
    return (
        "object" in kinds
        and bool(kinds - {"object"})
        and bool(_resolve(schema, definitions).get("properties"))
    )


NIL_CHECKED = frozenset({"cache_from", "allowed_source_ips", "args"})
"""Lists and maps whose ``IsEmpty`` asks ``== nil`` (``DockerBuildArgs``, ``RoutingRule``): yaml.v3 makes
``[]`` and ``{}`` non-nil, so an empty one is set. Other lists and maps count by their length."""


def _counts(key: str, schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """When ``key`` makes the map "set" for Copilot: a pointer field whenever it is not null (yaml.v3
    allocates the pointer before it fails to decode a wrong value), a list or map only when it has items."""
    kinds = set(_schema_types(schema, definitions))
    # yaml.v3 leaves out of a Go slice a null item and one it cannot decode (a list in a list of strings,
    # a scalar in a list of structs), so [~] and [[a]] are as empty as [].
    no_items = {"type": "array", "not": {"contains": {"not": {"type": ["null", "array"]}}}}
    if kinds == {"array"}:
        items = _resolve(_resolve(schema, definitions).get("items") or {}, definitions)
        if key in NIL_CHECKED:
            condition: dict[str, Any] = {"type": "array"}
        elif _schema_types(items, definitions) == ["object"]:
            condition = {"type": "array", "contains": {"type": "object"}}
        else:
            condition = {"type": "array", "contains": {"not": {"type": "null"}}}
    elif kinds == {"object"} and not _is_union(schema, definitions):
        # A struct is set when one of its own keys is, by the same test one level down (unknown keys,
        # nulls and a struct of its own given a scalar leave it empty: queue_delay: {cooldown: /}).
        inner = _resolve(schema, definitions).get("properties") or {}
        if inner:
            condition = {
                "type": "object",
                "anyOf": [_counts(k, sub, definitions) for k, sub in inner.items()],
            }
        elif key in NIL_CHECKED:
            condition = {"type": "object"}
        else:
            condition = {"type": "object", "minProperties": 1}
    else:
        # Set unless null, an empty map (a nested union's map that decodes to nothing fails on its own)
        # or a list without items (a string-or-list field such as alias).
        unset: list[dict[str, Any]] = [{"type": "null"}]
        if _is_union(schema, definitions):
            unset = [{"type": ["null", "object"], "maxProperties": 0}]
        if "array" in kinds:
            unset.append(no_items)
        condition = {"not": unset[0] if len(unset) == 1 else {"anyOf": unset}}
    return {"required": [key], "properties": {key: condition}}


CUSTOM_DECODERS = frozenset(
    {
        "alias", "entrypoint", "command", "variables", "secrets", "healthcheck", "placement", "subnets",
        "security_groups", "connect", "exec", "platform", "count", "range", "efs", "build", "image", "fifo",
        "queue", "cdn", "access_logs", "flow_logs", "private", "rollback_alarms", "cpu_percentage",
        "memory_percentage", "requests", "response_time", "id",
    }
)  # fmt: skip
"""Keys whose Go type decodes itself: its failure is Copilot's own error, which no map swallows."""


PLAIN_HERE = {"network/connect": ("alias",)}
"""Keys named like a self-decoding field that are plain strings in this union (connect.alias)."""


def _refusals(properties: dict[str, Any], definitions: dict[str, Any]) -> list[dict[str, Any]]:
    """For each field marked :data:`REFUSED_MARK`: when a value sets it (the same test as the map's), an
    error in Copilot's words at the field (only null passes ``enum: [null]``)."""
    out: list[dict[str, Any]] = []
    for key, sub in properties.items():
        comment = str(sub.get("$comment", ""))
        if comment.startswith(REFUSED_MARK):
            message = comment[len(REFUSED_MARK) :]
            out.append(
                {
                    "if": {"type": "object", **_counts(key, sub, definitions)},
                    "then": {"properties": {key: {"enum": [None], "errorMessage": message}}},
                }
            )
    return out


def _has_union_items(target: dict[str, Any], definitions: dict[str, Any]) -> bool:
    items = target.get("items")
    return isinstance(items, dict) and _is_union(_resolve(items, definitions), definitions)


def _checked_after_decoding(target: dict[str, Any]) -> bool:
    """Whether the number's upper bound is checked by Copilot's ``Validate()``, after the value decoded (a
    Go unsigned type's range is checked while decoding)."""
    bounded = "maximum" in target or "exclusiveMaximum" in target
    return bounded and not str(target.get("$comment", "")).startswith(GO_UNSIGNED_MARK)


def _lenient(
    key: str, schema: dict[str, Any], definitions: dict[str, Any], place: str = ""
) -> dict[str, Any]:
    """``schema`` for the values yaml.v3 decodes; any other value passes (a type error that the union map
    swallows). Written as if/then so that an error keeps its exact place (no anyOf)."""
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    target = _resolve(schema, definitions)
    kinds = _schema_types(schema, definitions)
    if target.get("pattern") in (with_var(DURATION_RE), BOOL_WORDS_RE):
        name = "duration"  # written inline, still a time.Duration or a bool for yaml.v3
    if (
        (key in CUSTOM_DECODERS and key not in PLAIN_HERE.get(place, ()))
        or _is_union(schema, definitions)
        or _has_union_items(target, definitions)
        or not kinds
    ):
        # A nested union's error is not a type error (each hand-written UnmarshalYAML returns its own
        # errors.New, the generic Union an fmt.Errorf): yaml.v3 fails the whole decoding on it, item by
        # item in a list (security_groups.groups: [{}]), and no union map swallows it.
        return schema
    extra = target.get("additionalProperties")
    if set(kinds) <= {"integer", "number"} and _checked_after_decoding(target):
        # yaml.v3 decodes any whole number into the Go int; Validate() then checks the bounds (a
        # percentage's 0-100), so a value out of them is kept and refused, not dropped.
        decodes: dict[str, Any] = {"type": ["integer", "number"]}
    elif (
        name in _DECODE_ONLY
        or set(kinds) <= {"integer", "number", "boolean"}
        or (
            set(kinds) <= {"array"} and set(_schema_types(target.get("items", {}), definitions)) != {"object"}
        )
        or (
            kinds == ["object"]
            and not target.get("properties")
            and isinstance(extra, dict)
            and extra.get("$ref", "").rsplit("/", 1)[-1] in _DECODE_ONLY
        )
    ):
        decodes = {"not": {}}  # every failure is a decoding error: nothing is checked
    elif "string" in kinds:
        decodes = {"type": ["string", "number", "boolean"]}  # yaml.v3 reads any scalar into a string
    else:
        decodes = {"type": kinds}
    annotations: dict[str, Any] = {
        k: target[k] for k in ("description", "markdownDescription") if k in target
    }
    annotations.update({k: schema[k] for k in ("description", "markdownDescription") if k in schema})
    return {
        "$comment": DECODE_ESCAPE,
        **annotations,
        "if": decodes,
        "then": _lenient_inside(schema, definitions),
    }


def _lenient_inside(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A plain struct (or a list of them) inside a union map: its own type errors are swallowed too, as
    yaml.v3 collects them into the one TypeError the union ignores."""
    target = _resolve(schema, definitions)
    kinds = _schema_types(schema, definitions)
    if kinds == ["array"] and isinstance(target.get("items"), dict):
        items = _resolve(target["items"], definitions)
        if _schema_types(items, definitions) == ["object"] and items.get("properties"):
            # An item that is no map is dropped too (one more swallowed type error).
            inside = {"if": {"type": "object"}, "then": _lenient_inside(items, definitions)}
            return {**target, "items": inside}
        return schema
    if kinds == ["object"] and target.get("properties") and not _is_union(target, definitions):
        properties = {k: _lenient(k, sub, definitions) for k, sub in target["properties"].items()}
        copy = {**target, "properties": properties}
        if "$ref" in schema:
            copy["$comment"] = schema[
                "$ref"
            ]  # the definition this is a copy of, with its type errors let through
        return copy
    return schema


def scalar_or_map_unions(schema: dict[str, Any]) -> None:
    """Give every scalar-or-map field Copilot's decoding, in place.

    Copilot decodes the map form first; when at least one key is set the map wins and a value of the
    wrong type in another key is silently dropped (a yaml.v3 TypeError, swallowed); when no key is set
    it decodes the scalar form, which fails for a map. So: ``if`` a key is set, the map's values only need
    to decode as far as Copilot checks them; ``else`` a map is an error, in Copilot's words.
    """
    definitions = schema["definitions"]

    def visit(node: Any, place: str) -> None:
        if not isinstance(node, dict):
            return
        refusals = _refusals(node.get("properties") or {}, definitions)
        if refusals:  # read before the union's lenient copies replace the fields' comments
            node.setdefault("allOf", []).extend(refusals)
        if place in UNION_MESSAGES and _is_union(node, definitions):
            properties = node["properties"]
            # In allOf: the field may have an if/then of its own (EFS: uid/gid against id).
            node.setdefault("allOf", []).append(
                {
                    "if": {
                        "type": "object",
                        "anyOf": [_counts(key, sub, definitions) for key, sub in properties.items()],
                    },
                    "else": {"not": {"type": "object"}, "errorMessage": UNION_MESSAGES[place]},
                }
            )
            if place not in STRICT_UNIONS:
                node["properties"] = {
                    key: _lenient(key, sub, definitions, place) for key, sub in properties.items()
                }
        for key in ("properties", "patternProperties"):
            for name, sub in list((node.get(key) or {}).items()):
                if key == "properties" and isinstance(sub, dict) and sub.get("$comment") == DECODE_ESCAPE:
                    sub = sub["then"]
                visit(sub, f"{place}/{name}")
        if isinstance(node.get("items"), dict):
            visit(node["items"], f"{place}/items")

    for name, definition in definitions.items():
        visit(definition, name)
    # http.alias: Copilot keeps the list when some of it decodes (its own decoder swallows type errors).
    alias_items = definitions["alias"]["items"]
    alias_items["type"] = (
        [*alias_items["type"], "array"] if "array" not in alias_items["type"] else alias_items["type"]
    )
    alias_items["properties"] = {
        key: _lenient(key, sub, definitions) for key, sub in alias_items["properties"].items()
    }


def yaml_numbers(schema: Any) -> None:
    """Let integer fields take any number, in place: yaml.v3 decodes ``3.5`` into an int field as 3.

    A field that Copilot reads as text (``"type": ["integer", "string"]``, a Go string) keeps "integer"
    when its pattern refuses the text of a fraction: ``nlb.port: 3.5`` reaches Copilot's check as
    ``"3.5"``, which ``strconv.ParseUint`` refuses."""
    if isinstance(schema, dict):
        kinds = schema.get("type")
        text_field = isinstance(kinds, list) and "string" in kinds and isinstance(schema.get("pattern"), str)
        if text_field and re.search(schema["pattern"], "3.5") is None:
            pass
        elif kinds == "integer":
            schema["type"] = "number"
            _truncated_bounds(schema)
        elif isinstance(kinds, list) and "integer" in kinds:
            schema["type"] = [
                "number" if k == "integer" else k for k in kinds if k != "number" or "integer" not in kinds
            ]
            _truncated_bounds(schema)
        for value in schema.values():
            yaml_numbers(value)
    elif isinstance(schema, list):
        for value in schema:
            yaml_numbers(value)


def _truncated_bounds(schema: dict[str, Any]) -> None:
    """Bounds as yaml.v3 applies them to a fraction, which it truncates toward zero: ``100.5`` is a
    percentage of 100 and ``-0.5`` one of 0, so the bounds one past them are exclusive."""
    if isinstance(schema.get("maximum"), int) and schema["maximum"] >= 0:
        schema["exclusiveMaximum"] = schema.pop("maximum") + 1
    if isinstance(schema.get("minimum"), int) and schema["minimum"] <= 0:
        schema["exclusiveMinimum"] = schema.pop("minimum") - 1
