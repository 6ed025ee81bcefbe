"""Storage volumes (V2-V7), mount points that name no volume, and null volume entries."""

from __future__ import annotations

from collections.abc import Iterator

from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.manifest.references import SOURCE_VOLUMES, names_written
from sidecar_lsp.core.model import Finding, Fix, Pos, Related, Severity, Span, TextEdit
from sidecar_lsp.core.rules.base import SIDECAR_KINDS, Workload, bool_of, int_of, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import UINT32, dropped_or_int
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, mapping, own_entries, sequence_items

_MANAGED = ("uid", "gid")
_BYO = ("id", "root_dir", "auth")


def volume_entries(workload: Workload) -> list[Entry]:
    volumes = mapping(workload.get("storage", "volumes"))
    return list(volumes.entries) if volumes and workload.kind in SIDECAR_KINDS else []


def _volumes(workload: Workload) -> Iterator[tuple[Entry, Mapping]]:
    for entry in volume_entries(workload):
        if isinstance(entry.value, Mapping):
            yield entry, entry.value


def _efs_map(volume: Mapping) -> Mapping | None:
    return mapping(volume.get("efs"))


@rule("V2", Severity.ERROR, "Volume path is required")
def volume_path_required(workload: Workload) -> Iterator[Finding]:
    for entry, volume in _volumes(workload):
        path = volume.entry("path")
        if path is None or not text_of(path.value):
            yield workload.finding(
                "V2",
                f'validate "storage": validate "volumes[{entry.name}]": "path" must be specified; give the path '
                "inside the main container where the volume is mounted",
                path.key if path else entry.key,
            )


def uses_managed_efs(volume: Mapping) -> bool:
    """``UseManagedFS``: ``efs: true``, or an efs map with uid/gid."""
    efs = volume.get("efs")
    if bool_of(efs) is not None:
        return bool_of(efs) is True
    efs_map = mapping(efs)
    return efs_map is not None and any(is_set(efs_map.get(key)) for key in _MANAGED)


@rule("V3", Severity.ERROR, "At most one managed EFS volume")
def one_managed_volume(workload: Workload) -> Iterator[Finding]:
    first: Entry | None = None
    for entry, volume in _volumes(workload):
        if not uses_managed_efs(volume):
            continue
        if first is None:
            first = entry
            continue
        yield workload.finding(
            "V3",
            'validate "storage": cannot specify more than one managed volume per service; share volume '
            f"'{first.name}' or bring your own file system with efs.id",
            entry.key,
            related=workload.related(first.key, f"managed volume '{first.name}'"),
        )


def _written_volumes(workload: Workload) -> Iterator[tuple[Entry, Mapping]]:
    """The volumes as written, in the base and in every override: what Copilot decodes before it merges."""
    root = workload.paths.root
    if not isinstance(root, Mapping) or workload.kind not in SIDECAR_KINDS:
        return
    for _env, layer in layers(root):
        storage = mapping(layer.get("storage"))
        for entry in own_entries(storage.get("volumes") if storage else None):
            if isinstance(entry.value, Mapping):
                yield entry, entry.value


@rule("V4", Severity.ERROR, "EFS: uid/gid and id/root_dir/auth are exclusive")
def efs_managed_or_byo(workload: Workload) -> Iterator[Finding]:
    # Copilot refuses the pair while it decodes the file: an efs map as written breaks every environment.
    for entry, volume in _written_volumes(workload):
        efs = _efs_map(volume)
        if efs is None:
            continue
        managed = [efs.entry(key) for key in _MANAGED if is_set(efs.get(key))]
        byo = [efs.entry(key) for key in _BYO if _byo_set(key, efs.get(key))]
        if managed and byo and managed[0] is not None and byo[0] is not None:
            yield workload.finding(
                "V4",
                f'validate "volumes[{entry.name}]": must specify one, not both, of "uid/gid" and "id/root_dir/auth"; '
                "uid/gid ask for a Copilot-managed file system, id/root_dir/auth use your own",
                managed[0].key,
                related=workload.related(byo[0].key, f"{byo[0].name} is set here"),
            )


def _byo_set(key: str, node: Node | None) -> bool:
    """Whether a bring-your-own field is set as ``EmptyBYOConfig`` reads it: ``auth`` is a struct, set only
    when ``iam`` or ``access_point_id`` is (``auth: demo`` decodes to nothing inside the efs map)."""
    if key == "auth":
        auth = mapping(node)
        return auth is not None and any(is_set(auth.get(field)) for field in ("iam", "access_point_id"))
    return is_set(node)


@rule("V5", Severity.ERROR, "EFS: uid and gid go together")
def efs_uid_gid_pair(workload: Workload) -> Iterator[Finding]:
    for entry, volume in _volumes(workload):
        efs = _efs_map(volume)
        if efs is None:
            continue
        uid, gid = efs.entry("uid"), efs.entry("gid")
        has_uid = uid is not None and is_set(uid.value)
        has_gid = gid is not None and is_set(gid.value)
        if has_uid != has_gid:
            present, missing = (uid, "gid") if has_uid else (gid, "uid")
            assert present is not None
            yield workload.finding(
                "V5",
                f'validate "volumes[{entry.name}]": validate "efs": "{missing}" must be specified if '
                f'"{present.name}" is specified; add efs.{missing}',
                present.key,
            )


@rule("V6", Severity.ERROR, "EFS: uid must not be 0")
def efs_uid_not_zero(workload: Workload) -> Iterator[Finding]:
    for entry, volume in _volumes(workload):
        efs = _efs_map(volume)
        uid = efs.get("uid") if efs else None
        if uid is not None and dropped_or_int(uid, UINT32) == 0:
            dropped = (
                ""
                if int_of(uid) == 0
                else " (Copilot drops a value it cannot read as a user id, which leaves 0)"
            )
            yield workload.finding(
                "V6",
                f'validate "volumes[{entry.name}]": validate "efs": "uid" must not be 0{dropped}; use a non-root '
                "POSIX user id",
                uid,
            )


@rule("V7", Severity.ERROR, "EFS access point: root_dir empty or / and auth.iam true")
def efs_access_point(workload: Workload) -> Iterator[Finding]:
    for entry, volume in _volumes(workload):
        efs = _efs_map(volume)
        auth = mapping(efs.get("auth")) if efs else None
        access_point = auth.get("access_point_id") if auth else None
        if efs is None or auth is None or not is_set(access_point):
            continue
        root_dir = text_of(efs.get("root_dir")) or ""
        iam = bool_of(auth.get("iam"))
        if root_dir in ("", "/") and iam is not False:
            continue
        assert access_point is not None
        yield workload.finding(
            "V7",
            f'validate "volumes[{entry.name}]": validate "efs": "root_dir" must be either empty or "/" and '
            '"auth.iam" must be true when "access_point_id" is used; set the directory on the access point instead',
            access_point,
        )


@rule("X-null-volume", Severity.ERROR, "Volume entry without a configuration")
def null_volume(workload: Workload) -> Iterator[Finding]:
    for entry in volume_entries(workload):
        if not is_set(entry.value):
            yield workload.finding(
                "X-null-volume",
                f"volume '{entry.name}' has no configuration: Copilot reads a null volume as a nil pointer and "
                "crashes while validating (not reported by Copilot); give it at least a path",
                entry.key,
            )


def _adds_volumes_by_override(workload: Workload) -> bool:
    """``taskdef_overrides`` may add task volumes that no manifest key shows."""
    for item in sequence_items(workload.root.get("taskdef_overrides")):
        override = mapping(item)
        if override is not None and (text_of(override.get("path")) or "").startswith("Volumes"):
            return True
    return False


@rule("X-source-volume", Severity.ERROR, "Mount point names no volume", copilot=False)
def source_volume_exists(workload: Workload) -> Iterator[Finding]:
    if _adds_volumes_by_override(workload):
        return
    volumes = volume_entries(workload)
    names = {entry.name for entry in volumes}
    storage = workload.root.entry("storage")
    for mount in names_written(workload.root, (SOURCE_VOLUMES,)):
        source, sidecar = mount.node, mount.path[1]
        name = text_of(source)
        if not name or name in names:
            continue
        related: tuple[Related, ...] = tuple(
            Related(entry.key.span, f"volume '{entry.name}'") for entry in volumes
        )
        if not related and storage is not None:
            related = (Related(storage.key.span, "storage has no volumes"),)
        listed = ", ".join(sorted(names)) if names else "none are defined"
        yield workload.finding(
            "X-source-volume",
            f"sidecar '{sidecar}' mounts volume '{name}', which storage.volumes does not define "
            f"({listed}); ECS rejects the task definition at deploy time (not checked by Copilot); add "
            f"storage.volumes.{name} or fix the name",
            source,
            related=related,
            fixes=add_volume_fixes(workload, name),
        )


def add_volume_fixes(workload: Workload, name: str) -> tuple[Fix, ...]:
    """Insert a ``storage.volumes.<name>`` stub (with a path to fill in), block style, in the base."""
    lines = workload.lines
    root = workload.paths.root
    if not lines or not isinstance(root, Mapping) or root.flow:
        return ()
    title = f"Add volume '{name}' to storage.volumes"
    stub = f"{name}:\n  path: /mnt/{name}\n"
    storage_entry = root.entry("storage")
    storage = mapping(storage_entry.value) if storage_entry else None
    volumes = mapping(storage.get("volumes")) if storage else None
    if volumes is not None and volumes.entries and not volumes.flow:
        return (
            Fix(
                title, (_insert_after(lines, volumes.span.end, stub, volumes.entries[0].key.span.start.col),)
            ),
        )
    if storage is not None and storage.entries and not storage.flow and volumes is None:
        indent = storage.entries[0].key.span.start.col
        text = "volumes:\n" + _indented(stub, 2)
        return (Fix(title, (_insert_after(lines, storage.span.end, text, indent),)),)
    if storage_entry is None:
        text = "storage:\n  volumes:\n" + _indented(stub, 4)
        environments = root.entry("environments")
        if environments is not None and environments.key.span.start.col == 0:
            at = Pos(environments.key.span.start.line, 0)  # keep the stub in the base, above the overrides
            return (Fix(title, (TextEdit(Span(at, at), text),)),)
        return (Fix(title, (_insert_after(lines, root.span.end, text, 0),)),)
    return ()


def _indented(text: str, indent: int) -> str:
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


def _insert_after(lines: list[str], end: Pos, text: str, indent: int) -> TextEdit:
    """Insert ``text`` (indented) on a new line after the line holding ``end``."""
    block = _indented(text, indent)
    if end.line + 1 < len(lines):
        at = Pos(end.line + 1, 0)
        return TextEdit(Span(at, at), block)
    at = Pos(end.line, len(lines[end.line]))
    return TextEdit(Span(at, at), "\n" + block.rstrip("\n"))


__all__ = ["add_volume_fixes", "uses_managed_efs", "volume_entries"]
