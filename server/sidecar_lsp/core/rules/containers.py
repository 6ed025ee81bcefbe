"""Containers: the main image (I1, I2), sidecars (S1, S2, S4, S5), names (O1, O3) and LSP-only checks on
container names and null entries."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.manifest.references import MOUNT_POINTS, SOURCE_VOLUME
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import (
    ALL_WORKLOADS,
    FIRELENS_CONTAINER,
    LBWS,
    OTEL_CONTAINER,
    RDWS,
    STATIC_SITE,
    Workload,
    is_set,
    key_or_node_span,
    rule,
    text_of,
)
from sidecar_lsp.core.rules.formats import dropped_note, dropped_or_template_text
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, mapping, sequence_items

IMAGE_KINDS = ALL_WORKLOADS - {STATIC_SITE}


@rule("S1", Severity.ERROR, "Sidecar must have an image")
def sidecar_image_required(workload: Workload) -> Iterator[Finding]:
    for entry, config in workload.sidecars():
        image = config.entry("image")
        if image is None or not is_set(image.value):
            yield workload.finding(
                "S1",
                'must specify one of "image", "image.build, or "image.location"; '
                f"give sidecar '{entry.name}' an image URI (image: <uri>) or a Dockerfile (image.build)",
                image.key if image else entry.key,
            )


@rule("S2", Severity.ERROR, "Sidecar image map: exactly one of build and location")
def sidecar_image_build_or_location(workload: Workload) -> Iterator[Finding]:
    for entry, config in workload.sidecars():
        image_entry = config.entry("image")
        image = mapping(image_entry.value) if image_entry else None
        if image_entry is None or image is None:
            continue
        finding = _build_or_location(workload, "S2", image_entry, image, f"sidecars.{entry.name}.image")
        if finding:
            yield finding


@rule("I1", Severity.ERROR, "Main image: exactly one of build and location", kinds=IMAGE_KINDS)
def main_image_build_or_location(workload: Workload) -> Iterator[Finding]:
    # Copilot refuses an image map that sets both while it decodes the file, before any override is
    # applied: the image as written breaks every environment, whichever override clears one of them.
    written = workload.paths.root.entry("image") if isinstance(workload.paths.root, Mapping) else None
    written_image = mapping(written.value) if written else None
    if written is not None and written_image is not None and all(_sources_set(written_image)):
        both = _build_or_location(workload, "I1", written, written_image, "image")
        if both is not None:
            yield both
        return
    image_entry = workload.root.entry("image")
    if image_entry is None or not is_set(image_entry.value):
        at = image_entry.key if image_entry else _type_value(workload)
        yield workload.finding(
            "I1",
            'must specify one of "build" and "location"; add image.build (a Dockerfile path) or '
            "image.location (an image URI)",
            at,
            path=("image",),
        )
        return
    image = mapping(image_entry.value)
    if image is not None:
        finding = _build_or_location(workload, "I1", image_entry, image, "image")
        if finding:
            yield finding


def _sources_set(image: Mapping) -> tuple[bool, bool]:
    """Whether the image map sets ``build``, and ``location``."""
    build = image.entry("build")
    location = image.entry("location")
    return build is not None and _build_is_set(build), location is not None and is_set(location.value)


def _build_or_location(
    workload: Workload, code: str, image_entry: Entry, image: Mapping, where: str
) -> Finding | None:
    build = image.entry("build")
    location = image.entry("location")
    has_build, has_location = _sources_set(image)
    if has_build == has_location:
        prefix = 'validate "image": ' if code == "S2" else ""
        if has_build:
            assert build is not None and location is not None
            return workload.finding(
                code,
                f'{prefix}must specify one of "build" and "location"; {where} sets both, keep only one',
                location.key,
                related=workload.related(build.key, "image.build is also set here"),
                fixes=workload.delete_entry_fixes(location, "Remove image.location"),
            )
        return workload.finding(
            code,
            f'{prefix}must specify one of "build" and "location"; add {where}.build (a Dockerfile path) '
            f"or {where}.location (an image URI)",
            image_entry.key,
        )
    return None


def _build_is_set(build: Entry) -> bool:
    """``BuildArgsOrString.isEmpty``: an empty string or an empty map counts as no build."""
    if isinstance(build.value, Scalar):
        return bool(text_of(build.value))
    if isinstance(build.value, Mapping):
        return any(is_set(entry.value) for entry in build.value.entries)
    return True


def _type_value(workload: Workload) -> Node:
    """Where to point when a required top-level field is missing: the workload type it is required by."""
    type_entry = workload.root.entry("type")
    return type_entry.value if type_entry is not None else workload.root


@rule("I2", Severity.ERROR, "image.port is required", kinds=frozenset({LBWS, RDWS}))
def main_port_required(workload: Workload) -> Iterator[Finding]:
    image_entry = workload.root.entry("image")
    image = mapping(image_entry.value) if image_entry else None
    if image_entry is None or image is None:
        return  # I1 already reports the missing image
    port = image.entry("port")
    if port is None or not is_set(port.value):
        yield workload.finding(
            "I2",
            'validate "image": "port" must be specified; add image.port with the port your container '
            "listens on (e.g. port: 80)",
            port.key if port else image_entry.key,
        )


@rule("S4", Severity.ERROR, "Mount point source_volume is required")
def mount_point_source_volume(workload: Workload) -> Iterator[Finding]:
    for name, index, item in _mount_points(workload):
        source = item.entry(SOURCE_VOLUME)
        if source is None or not text_of(source.value):
            yield workload.finding(
                "S4",
                f'validate "mount_points[{index}]": "source_volume" must be specified; name the '
                f"storage.volumes entry sidecar '{name}' mounts",
                key_or_node_span(source, item),
            )


@rule("S5", Severity.ERROR, "Mount point path is required")
def mount_point_path(workload: Workload) -> Iterator[Finding]:
    for name, index, item in _mount_points(workload):
        path = item.entry("path")
        if path is None or not text_of(path.value):
            yield workload.finding(
                "S5",
                f'validate "mount_points[{index}]": "path" must be specified; give the path inside '
                f"sidecar '{name}' where the volume is mounted",
                key_or_node_span(path, item),
            )


def _mount_points(workload: Workload) -> Iterator[tuple[str, int, Mapping]]:
    for entry, config in workload.sidecars():
        for index, item in enumerate(sequence_items(config.get(MOUNT_POINTS))):
            if isinstance(item, Mapping):
                yield entry.name, index, item


@rule("X-null-sidecar", Severity.ERROR, "Sidecar entry without a configuration")
def null_sidecar(workload: Workload) -> Iterator[Finding]:
    for entry in workload.sidecar_entries():
        if not is_set(entry.value):
            yield workload.finding(
                "X-null-sidecar",
                f"sidecar '{entry.name}' has no configuration: Copilot reads a null sidecar as a nil pointer "
                "and crashes while validating (not reported by Copilot); give it at least an image",
                entry.key,
            )


@rule("X-reserved-name", Severity.ERROR, "Sidecar named like another container", copilot=False)
def reserved_sidecar_name(workload: Workload) -> Iterator[Finding]:
    main = workload.name
    for entry in workload.sidecar_entries():
        if main is not None and entry.name == main:
            yield workload.finding(
                "X-reserved-name",
                f"sidecar '{entry.name}' has the same name as the main container (the manifest's name): "
                "the task would hold two containers with one name (not checked by Copilot); rename the sidecar",
                entry.key,
                related=workload.related(workload.name_node, "the main container's name"),
            )
        elif entry.name == FIRELENS_CONTAINER and workload.logging_enabled():
            logging = workload.root.entry("logging")
            yield workload.finding(
                "X-reserved-name",
                f"sidecar '{entry.name}' clashes with the FireLens container Copilot adds when 'logging' is "
                "set (not checked by Copilot); rename the sidecar",
                entry.key,
                related=workload.related(
                    logging.key if logging else None, "logging adds firelens_log_router"
                ),
            )
        elif entry.name == OTEL_CONTAINER and workload.tracing_enabled():
            yield workload.finding(
                "X-reserved-name",
                f"sidecar '{entry.name}' clashes with the X-Ray collector Copilot adds when "
                "'observability.tracing' is set (not checked by Copilot); rename the sidecar",
                entry.key,
            )
    yield from _stripped_name_collisions(workload)


def _stripped_name_collisions(workload: Workload) -> Iterator[Finding]:
    """Sidecars whose names differ only in non-alphanumerics share the CloudFormation parameter
    ``EnvFileARNFor<name>`` when both have an env_file (reference §6.M)."""
    seen: dict[str, Entry] = {}
    for entry, config in workload.sidecars():
        if not is_set(config.get("env_file")):
            continue
        stripped = re.sub(r"[^A-Za-z0-9]", "", entry.name)
        other = seen.get(stripped)
        if other is None:
            seen[stripped] = entry
            continue
        yield workload.finding(
            "X-reserved-name",
            f"sidecars '{other.name}' and '{entry.name}' both have an env_file and their names differ only "
            f"in punctuation: both become the CloudFormation parameter EnvFileARNFor{stripped} "
            "(not checked by Copilot); rename one of them",
            entry.key,
            related=workload.related(other.key, f"sidecar '{other.name}'"),
        )


# A Request-Driven Web Service's and a Static Site's Validate() do not look at the variables.
@rule(
    "O1",
    Severity.ERROR,
    "variables.<name>.from_cfn must not be empty",
    kinds=ALL_WORKLOADS - {RDWS, STATIC_SITE},
)
def empty_from_cfn(workload: Workload) -> Iterator[Finding]:
    variables = mapping(workload.root.get("variables"))
    if variables is None:
        return
    for entry in variables.entries:
        value = mapping(entry.value)
        from_cfn = value.entry("from_cfn") if value else None
        # A map or list given as the name is dropped by the variable's map, which leaves it empty.
        if value is not None and from_cfn is not None and dropped_or_template_text(from_cfn.value) == "":
            empty_value = from_cfn.value.span.start == from_cfn.value.span.end
            yield workload.finding(
                "O1",
                f'validate "{entry.name}" "variables": validate "from_cfn": name cannot be an empty string'
                f"{dropped_note(from_cfn.value)}; write the name of the CloudFormation export to import",
                from_cfn.key if empty_value else from_cfn.value,
            )


@rule("O3", Severity.ERROR, "name is required", kinds=ALL_WORKLOADS)
def name_required(workload: Workload) -> Iterator[Finding]:
    entry = workload.root.entry("name")
    # An empty string is set: Copilot only refuses a name that is absent or null.
    if entry is None or text_of(entry.value) is None:
        yield workload.finding(
            "O3",
            '"name" must be specified; add name: <service name> (it is also the main container\'s name)',
            # A span, so the finding keeps the path of the missing key (the schema's finding for it yields).
            (entry.key if entry else _type_value(workload)).span,
            path=("name",),
        )


@rule("I3", Severity.ERROR, "An override sets both image.build and image.location", kinds=IMAGE_KINDS)
def override_sets_both_image_sources(workload: Workload) -> Iterator[Finding]:
    # Copilot decodes each override with the file, before it merges any: an override's image that sets
    # both breaks every environment, so the image is read as written, in each run alike.
    root = workload.paths.root
    for env, layer in layers(root) if isinstance(root, Mapping) else ():
        image = mapping(layer.get("image"))
        if env is None or image is None or not all(_sources_set(image)):
            continue
        build, location = image.entry("build"), image.entry("location")
        assert build is not None and location is not None
        yield workload.finding(
            "I3",
            'unmarshal manifest: must specify one of "build" and "location": the override of '
            f"'{env}' sets both, so Copilot cannot read the manifest for any environment; keep only one of "
            "them in this override",
            location.key,
            related=workload.related(build.key, "image.build is also set here"),
        )
