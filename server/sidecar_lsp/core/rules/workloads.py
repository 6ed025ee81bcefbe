"""Checks of one workload type each: task definition overrides (O5), the job's schedule (J1) and the
Static Site's certificate (F1-F2)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sidecar_lsp.core.decoding.interpolation import variables_in
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import JOB, SIDECAR_KINDS, STATIC_SITE, Workload, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import (
    CLOUDFRONT_REGION,
    arn_error,
    arn_region,
    decoded_items,
    template_text,
)
from sidecar_lsp.core.yaml.tree import Mapping, mapping

PROTECTED_OVERRIDES = (r"Family", r"ContainerDefinitions\[\d+\].Name")
"""``invalidTaskDefOverridePathRegexp``, matched as ``^...$`` (the ``.`` matches any character)."""


@rule("O5", Severity.ERROR, "taskdef_overrides cannot change Family or container names", kinds=SIDECAR_KINDS)
def protected_overrides(workload: Workload) -> Iterator[Finding]:
    for index, item in enumerate(decoded_items(workload.root.get("taskdef_overrides"))):
        override = mapping(item)
        path = override.get("path") if override else None
        text = text_of(path)
        if path is None or text is None:
            continue
        for pattern in PROTECTED_OVERRIDES:
            if re.fullmatch(pattern, text):
                what = "the task family" if pattern == "Family" else "container names"
                yield workload.finding(
                    "O5",
                    f'validate "taskdef_overrides[{index}]": "{pattern}" cannot be overridden with a custom value; '
                    f"Copilot sets {what} itself: remove this override",
                    path,
                )
                break


@rule("J1", Severity.ERROR, "on.schedule is required", kinds=frozenset({JOB}))
def schedule_required(workload: Workload) -> Iterator[Finding]:
    entry = workload.root.entry("on") or workload.root.entry("type")
    if entry is None:
        return
    if entry.name == "on":
        on = mapping(entry.value)
        if on is not None and is_set(on.get("schedule")):
            return
        if on is None and is_set(entry.value):
            return  # not a map: the schema says so
    yield workload.finding(
        "J1",
        'validate "on": "schedule" must be specified; add on.schedule, for example schedule: "@daily" or '
        '"cron(0 9 * * ? *)"',
        entry.key if entry.name == "on" else entry.value,
    )


@rule("F1", Severity.ERROR, "Static Site certificate needs alias", kinds=frozenset({STATIC_SITE}))
def certificate_needs_alias(workload: Workload) -> Iterator[Finding]:
    http = mapping(workload.root.get("http"))
    certificate = http.entry("certificate") if isinstance(http, Mapping) else None
    if http is None or certificate is None or not text_of(certificate.value):
        return
    if not text_of(http.get("alias")):
        yield workload.finding(
            "F1",
            'validate "http": "alias" must be specified if "certificate" is specified; add http.alias, the domain '
            "name the certificate is for",
            certificate.key,
        )


@rule("F2", Severity.ERROR, "Static Site certificate: an ARN in us-east-1", kinds=frozenset({STATIC_SITE}))
def static_site_certificate(workload: Workload) -> Iterator[Finding]:
    http = mapping(workload.root.get("http"))
    node = http.get("certificate") if http else None
    text = template_text(node)
    if node is None or not text:
        return
    error = arn_error(text)
    if error:
        message = f'validate "http": parse cdn certificate: {error}; give the ARN of an ACM certificate in us-east-1'
    elif not variables_in(text) and arn_region(text) != CLOUDFRONT_REGION:
        message = (
            'validate "http": cdn certificate must be in region us-east-1; CloudFront only takes certificates from '
            "us-east-1: import or request one there"
        )
    else:
        return
    yield workload.finding("F2", message, node)
