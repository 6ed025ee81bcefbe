"""Manifests with a ``${VAR}`` that Copilot deploys for some value but refuses for every value the oracle
makes up on its own. They live here, not as files under ``tests/``, because ``conformance-check.py``
judges files with the made-up values only. Each case: the manifest, values that deploy, and an edit
after which no value can save it."""

from __future__ import annotations

from typing import NamedTuple


class WordVariable(NamedTuple):
    name: str
    text: str
    deploys_with: dict[str, str]
    never_valid: tuple[str, str]


PLATFORM_HALF = WordVariable(
    "platform-half",
    """\
name: api
type: Load Balanced Web Service
image:
  location: nginx
  port: 80
http:
  path: /
platform:
  osfamily: ${OS}
  architecture: x86_64
""",
    {"OS": "linux"},
    ("${OS}", "mac${OS}"),
)

MAIN_NAME_TARGET = WordVariable(
    "main-name-target",
    """\
name: ${SERVICE_NAME}
type: Load Balanced Web Service
image:
  location: nginx
  port: 80
http:
  path: /
  target_container: api
""",
    {"SERVICE_NAME": "api"},
    ("name: ${SERVICE_NAME}", "name: x-${SERVICE_NAME}"),
)

WORD_VARIABLES = (PLATFORM_HALF, MAIN_NAME_TARGET)
