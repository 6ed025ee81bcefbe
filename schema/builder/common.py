"""Helpers shared by every section: documentation links, regex fragments and schema constructors.

``VAR`` follows Copilot's interpolation (``internal/pkg/manifest/interpolate.go``, aws/copilot-cli
v1.34.1); the boolean words are the YAML 1.1 ones that yaml.v3 still decodes into a Go ``bool``; ``doc``
gives every field a ``description`` and ``markdownDescription`` that end with its page in Copilot's
documentation.
"""

from __future__ import annotations

from typing import Any

DOCS = "https://aws.github.io/copilot-cli/docs"
L_SIDECARS = f"{DOCS}/developing/sidecars/"
L_FIRELENS = f"{DOCS}/developing/sidecars/#sidecar-patterns"
L_STORAGE = f"{DOCS}/developing/storage/"
L_VARS = f"{DOCS}/developing/environment-variables/"
L_SECRETS = f"{DOCS}/developing/secrets/"
L_INTERP = f"{DOCS}/developing/manifest-env-var/"
L_OVERVIEW = f"{DOCS}/manifest/overview/"
L_LBWS = f"{DOCS}/manifest/lb-web-service/"
L_BACKEND = f"{DOCS}/manifest/backend-service/"
L_WORKER = f"{DOCS}/manifest/worker-service/"
L_RDWS = f"{DOCS}/manifest/rd-web-service/"
L_STATIC = f"{DOCS}/manifest/static-site/"
L_JOB = f"{DOCS}/manifest/scheduled-job/"
L_ENV = f"{DOCS}/manifest/environment/"
L_PIPELINE = f"{DOCS}/manifest/pipeline/"

# ${VAR} as recognised by Copilot's interpolation (internal/pkg/manifest/interpolate.go:26).
# Not after a backslash: Copilot leaves an escaped \${X} as the text ${X}.
VAR = r"(^|[^\\])\$\{[_a-zA-Z][_a-zA-Z0-9]*\}"
# Go time.ParseDuration syntax, written without (?i) or \_ so that Ajv's unicode
# regexps and Python's re agree.
_DUR_UNIT = "(ns|us|µs|μs|ms|s|m|h)"
_DUR_NUM = r"(\d+(\.\d*)?|\.\d+)"
DURATION_RE = rf"^([-+]?{_DUR_NUM}{_DUR_UNIT}({_DUR_NUM}{_DUR_UNIT})*|0)$"
BOOL_WORDS = [
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
]
BOOL_WORDS_RE = "^(" + "|".join(BOOL_WORDS) + ")$"
UINT16 = r"0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
# Copilot's ^[a-zA-Z0-9\-\.\_/]+$ written portably; Copilot checks it only on a path that is set, so "" passes.
PATH_RE = r"^[a-zA-Z0-9._/-]*$"


def ci(word: str) -> str:
    """Return a portable case-insensitive regex fragment for ``word`` (no inline flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


def with_var(pattern: str) -> str:
    """Accept ``pattern`` or any string containing ``${VAR}``."""
    return f"{pattern}|{VAR}"


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/definitions/{name}"}


def doc(
    text: str,
    link: str,
    schema: dict[str, Any] | None = None,
    md: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Build a schema with ``description`` and ``markdownDescription`` ending with the doc link."""
    out: dict[str, Any] = {"description": f"{text}\n{link}", "markdownDescription": f"{md or text}\n\n{link}"}
    out.update(schema or {})
    out.update(extra)
    return out


def obj(
    props: dict[str, Any], *, required: list[str] | None = None, nullable: bool = False
) -> dict[str, Any]:
    """A closed object."""
    out: dict[str, Any] = {"type": ["object", "null"] if nullable else "object"}
    out["properties"] = props
    out["additionalProperties"] = False
    if required:
        out["required"] = required
    return out


def s_like(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    """A Go string field: any scalar."""
    return doc(text, link, ref("stringLike"), md, **extra)


def b_like(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, ref("booleanLike"), md, **extra)


def integer(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, {"type": "integer"}, md, **extra)


def dur(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, ref("duration"), md, **extra)


def str_list(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, {"type": "array", "items": ref("stringLike")}, md, **extra)


def patterned(text: str, link: str, pattern: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    """A string with a pattern; ``${VAR}`` strings are accepted too."""
    return doc(text, link, {"type": "string", "pattern": with_var(pattern)}, md, **extra)


def bool_or_obj(
    text: str, link: str, props: dict[str, Any], md: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Copilot's "bool or map" unions (YAML 1.1 boolean words included)."""
    return doc(
        text,
        link,
        {
            "type": ["boolean", "string", "object"],
            "pattern": BOOL_WORDS_RE,
            "properties": props,
            "additionalProperties": False,
        },
        md,
        **extra,
    )


REFUSED_MARK = "refused when set: "
"""How a field's ``$comment`` says that Copilot decodes it and then refuses any value that sets it (a metric
another workload type scales on); decoding.py turns it into an if/then with that message."""


def refused(decodes_as: dict[str, Any], why: str, message: str, link: str) -> dict[str, Any]:
    """A field Copilot's struct has here but refuses when set: it decodes as ``decodes_as`` (so it may set
    the map around it), and decoding.py adds the refusal in Copilot's ``message``."""
    schema = {k: v for k, v in decodes_as.items() if k not in ("description", "markdownDescription")}
    return doc(
        f"{why}: Copilot refuses it ({message}).",
        link,
        schema | {"$comment": f"{REFUSED_MARK}{message}", "doNotSuggest": True},
    )


GO_UNSIGNED_MARK = "Go unsigned integer: "
"""How a number field's ``$comment`` says Copilot declares it a Go ``uint16``/``uint32``: a number outside the
type's range fails yaml.v3's decoding of the file, where any other bound is a ``Validate()`` check."""


def go_unsigned(bits: int) -> dict[str, Any]:
    """The schema of a Go unsigned integer field (``uint16`` ports, ``uint32`` EFS ids)."""
    return {
        "type": "integer",
        "minimum": 0,
        "maximum": 2**bits - 1,
        "$comment": f"{GO_UNSIGNED_MARK}uint{bits}, whose range yaml.v3 checks while it decodes",
    }
