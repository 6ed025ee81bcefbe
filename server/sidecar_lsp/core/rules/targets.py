"""Load balancer target containers (T1, T2), the Service Connect alias (T3) and the deprecated
``targetContainer`` spelling."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sidecar_lsp.core.decoding.interpolation import can_match, variables_in
from sidecar_lsp.core.decoding.kinds import LOAD_BALANCED
from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.manifest.references import (
    TARGET_CONTAINER,
    TARGET_CONTAINER_CAMEL,
    TARGET_CONTAINERS,
    names_written,
)
from sidecar_lsp.core.model import Finding, Fix, Severity, TextEdit
from sidecar_lsp.core.rules.base import BACKEND, LBWS, WORKER, Workload, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import dropped_shape
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Scalar, mapping

CAMEL = TARGET_CONTAINER_CAMEL
SNAKE = TARGET_CONTAINER


def target_container_entries(workload: Workload) -> Iterator[tuple[str, Entry]]:
    """Every target container Copilot validates, with the dotted place it is written."""
    for target in names_written(workload.root, TARGET_CONTAINERS):
        if target.key.workloads is not None and workload.kind not in target.key.workloads:
            continue
        if target.entry.name == CAMEL and target.parent.entry(SNAKE) is not None:
            continue  # LBWS copies targetContainer into target_container only when that is absent
        if is_set(target.entry.value):
            yield _dotted(target.path[:-1]), target.entry


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def _may_name_a_container(target: str, main: str | None, sidecars: dict[str, Entry]) -> bool:
    """Whether some values of the variables in ``target`` make it the name of a container of the task."""
    if main is None or variables_in(main):
        return True
    return any(_can_be(target, name) for name in (main, *sidecars))


def _can_be(template: str, name: str) -> bool:
    """Whether some values of the variables in ``template`` make it ``name`` (``${SERVICE_NAME}``)."""
    return can_match(template, rf"\A{re.escape(name)}\Z")


@rule("T1", Severity.ERROR, "Target container must exist and expose a port", kinds=LOAD_BALANCED)
def target_container_exists(workload: Workload) -> Iterator[Finding]:
    sidecars = {entry.name: entry for entry in workload.sidecar_entries()}
    main = workload.name
    for where, entry in target_container_entries(workload):
        target = text_of(entry.value)
        if workload.kind == LBWS and where.startswith("http") and dropped_shape(entry.value):
            # A Load Balanced Web Service's http union (and with it each additional rule) swallows the
            # type error (schema-dropped-value): Copilot targets "". Elsewhere it fails to decode.
            target = ""
        if target is None:
            continue
        if variables_in(target) and _may_name_a_container(target, main, sidecars):
            continue
        wrapper = (
            f'validate load balancer target for "{where}": '
            if where.startswith("http")
            else (f'validate target for "{where}": ')
        )
        if target == main or (main is not None and variables_in(main) and _can_be(main, target)):
            if workload.main_port() is None:
                image = workload.root.entry("image")
                yield workload.finding(
                    "T1",
                    f'{wrapper}target container "{target}" doesn\'t expose a port; set image.port',
                    entry.value,
                    related=workload.related(image.key if image else None, "the main container's image"),
                )
            continue
        sidecar = sidecars.get(target)
        if sidecar is None:
            candidates = [name for name, item in sidecars.items() if _sidecar_port(item) is not None]
            if main is not None and workload.main_port() is not None:
                candidates.insert(0, main)
            choice = ", ".join(candidates) if candidates else "none expose a port"
            yield workload.finding(
                "T1",
                f'{wrapper}target container "{target}" doesn\'t exist; target the main container or a '
                f"sidecar with a port ({choice})",
                entry.value,
                related=tuple(
                    related
                    for item in sidecars.values()
                    for related in workload.related(item.key, "a sidecar")
                ),
                fixes=_replace_fixes(entry.value, candidates),
            )
        elif _sidecar_port(sidecar) is None:
            yield workload.finding(
                "T1",
                f'{wrapper}target container "{target}" doesn\'t expose a port; set sidecars.{target}.port',
                entry.value,
                related=workload.related(sidecar.key, f"sidecar '{target}' has no port"),
            )


def _sidecar_port(sidecar: Entry) -> object | None:
    config = mapping(sidecar.value)
    port = config.get("port") if config else None
    return port if is_set(port) else None


def _replace_fixes(node: object, candidates: list[str]) -> tuple[Fix, ...]:
    if not isinstance(node, Scalar) or node.style not in (None, "'", '"'):
        return ()
    quote = node.style or ""
    return tuple(
        Fix(f"Change to '{name}'", (TextEdit(node.span, f"{quote}{name}{quote}"),), preferred=index == 0)
        for index, name in enumerate(candidates[:3])
    )


@rule("T2", Severity.ERROR, "Both target_container and targetContainer", kinds=LOAD_BALANCED)
def both_target_container_spellings(workload: Workload) -> Iterator[Finding]:
    http = mapping(workload.root.get("http"))
    if http is None:
        return
    for snake, camel in _both_spellings(workload, http):
        yield workload.finding(
            "T2",
            'validate "http": must specify one, not both, of "target_container" and "targetContainer"; '
            "remove the deprecated targetContainer",
            camel.key,
            related=workload.related(snake.key, "target_container is set here"),
            fixes=workload.delete_entry_fixes(camel, "Remove the deprecated targetContainer"),
        )


def _both_spellings(workload: Workload, http: Mapping) -> Iterator[tuple[Entry, Entry]]:
    """Each http map in which both spellings survive to Copilot's check. A Load Balanced Web Service's
    decoder moves a lone ``targetContainer`` into ``target_container`` in each map it reads (the base, an
    override), so only a map written with both keeps both through the merge; a Backend Service's keeps
    whatever the merge gives it."""
    if workload.kind == LBWS and isinstance(workload.paths.root, Mapping):
        written = [
            mapping(layer.get("http"))
            for env, layer in layers(workload.paths.root)
            if env is None or env == workload.env
        ]
    else:
        written = [http]
    for layer in written:
        snake, camel = (layer.entry(SNAKE), layer.entry(CAMEL)) if layer is not None else (None, None)
        if snake is not None and camel is not None and is_set(snake.value) and is_set(camel.value):
            yield snake, camel


@rule(
    "X-target-container-camel",
    Severity.WARNING,
    "targetContainer is deprecated (LBWS) or ignored",
    kinds=LOAD_BALANCED,
    copilot=False,
)
def camel_case_target_container(workload: Workload) -> Iterator[Finding]:
    http = mapping(workload.root.get("http"))
    if http is not None and http.entry(SNAKE) is None:
        camel = http.entry(CAMEL)
        if camel is not None:
            if workload.kind == LBWS:
                message = (
                    "http.targetContainer is deprecated (kept for backwards compatibility); "
                    "rename it to target_container"
                )
            else:
                message = (
                    "http.targetContainer is ignored in a Backend Service: traffic goes to the main container "
                    "(not reported by Copilot); rename it to target_container"
                )
            yield workload.finding(
                "X-target-container-camel", message, camel.key, fixes=(_rename_fix(camel),)
            )
    places: list[tuple[str, Mapping]] = []
    for path, rule_map in workload.http_rules():
        if path != ("http",):
            places.append((_dotted(path), rule_map))
    places.extend((_dotted(path), listener) for path, listener in workload.nlb_listeners())
    for where, place in places:
        camel = place.entry(CAMEL)
        if camel is not None and place.entry(SNAKE) is None:
            yield workload.finding(
                "X-target-container-camel",
                f"{where}.targetContainer is ignored: only the top-level http block accepts the camelCase "
                "spelling (not reported by Copilot); rename it to target_container",
                camel.key,
                fixes=(_rename_fix(camel),),
            )


def _rename_fix(camel: Entry) -> Fix:
    return Fix("Rename to target_container", (TextEdit(camel.key.span, SNAKE),), preferred=True)


@rule(
    "T3",
    Severity.ERROR,
    "network.connect.alias needs an exposed port",
    kinds=frozenset({BACKEND, WORKER}),
)
def connect_alias_needs_port(workload: Workload) -> Iterator[Finding]:
    connect = mapping(workload.root.get("network"))
    alias_parent = mapping(connect.get("connect")) if connect else None
    alias = alias_parent.entry("alias") if alias_parent else None
    if alias is None or not is_set(alias.value):
        return
    if workload.kind == WORKER:
        fix = "a Worker Service exposes no ports; remove network.connect.alias"
    else:
        http = mapping(workload.root.get("http"))
        if workload.main_port() is not None or (http is not None and is_set(http.get(SNAKE))):
            return
        fix = "set image.port or http.target_container, or remove network.connect.alias"
    yield workload.finding(
        "T3",
        f'cannot set "network.connect.alias" when no ports are exposed; {fix}',
        alias.value,
    )
