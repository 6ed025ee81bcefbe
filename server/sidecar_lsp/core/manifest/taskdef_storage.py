"""A task's storage as Copilot renders it: ``Volumes`` (bind mounts, your EFS, the environment's managed
EFS), ``MountPoints`` and ``EphemeralStorage`` (``convertStorageOpts``, ``volumes.yml``, ``mount-points.yml``)."""

from __future__ import annotations

from typing import Any

from sidecar_lsp.core.manifest.taskdef_values import Values, reread
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, sequence_items

JSONValue = Any


def _storage(view: Mapping) -> Mapping | None:
    storage = view.get("storage")
    return storage if isinstance(storage, Mapping) else None


def has_storage(view: Mapping) -> bool:
    """``Storage.IsEmpty()`` is false: ephemeral, readonly_fs or volumes is set."""
    storage = _storage(view)
    return storage is not None and any(
        not (node is None or (isinstance(node, Scalar) and node.value is None))
        for node in (storage.get("ephemeral"), storage.get("readonly_fs"), storage.get("volumes"))
    )


def _volumes(view: Mapping) -> list[tuple[str, Mapping]]:
    storage = _storage(view)
    volumes = storage.get("volumes") if storage else None
    if not isinstance(volumes, Mapping):
        return []
    return sorted(
        ((e.name, e.value) for e in volumes.entries if isinstance(e.value, Mapping)), key=lambda p: p[0]
    )


def _mount(volume: str, path: str | None, read_only: bool | None) -> dict[str, JSONValue]:
    return {
        "ContainerPath": "<nil>" if path is None else path,
        "ReadOnly": True if read_only is None else read_only,
        "SourceVolume": reread(volume),
    }


def mount_points(config: Mapping, values: Values, *, sidecar: bool = False) -> list[dict[str, JSONValue]]:
    """Main: one mount per volume (sorted by name); a sidecar: its ``mount_points`` in order."""
    if sidecar:
        return [
            _mount(values.text(item.get("source_volume")) or "<nil>", values.text(item.get("path")),
                   values.boolean(item.get("read_only")))
            for item in sequence_items(config.get("mount_points")) if isinstance(item, Mapping)
        ]  # fmt: skip
    return [
        _mount(name, values.text(volume.get("path")), values.boolean(volume.get("read_only")))
        for name, volume in _volumes(config)
    ]


def _efs(volume: Mapping, values: Values) -> tuple[str, Mapping | None]:
    """``empty`` (a bind mount or ``efs: false``), ``managed`` (``efs: true`` or uid/gid) or ``byo``."""
    efs: Node | None = volume.get("efs")
    if isinstance(efs, Mapping) and efs.entries:
        managed = efs.get("uid") is not None or efs.get("gid") is not None
        return ("managed", efs) if managed else ("byo", efs)
    if isinstance(efs, Scalar) and efs.value is not None:
        return ("managed", None) if values.boolean(efs) else ("empty", None)
    return "empty", None


def storage_properties(view: Mapping, values: Values, name: str) -> dict[str, JSONValue]:
    """``EphemeralStorage`` and ``Volumes`` of the task."""
    if not has_storage(view):
        return {}
    out: dict[str, JSONValue] = {}
    storage = _storage(view)
    assert storage is not None
    ephemeral = values.integer(storage.get("ephemeral"))
    if ephemeral is not None and ephemeral != 20:
        out["EphemeralStorage"] = {"SizeInGiB": ephemeral}
    volumes: list[dict[str, JSONValue]] = []
    managed: str | None = None
    for volume_name, volume in _volumes(view):
        kind, efs = _efs(volume, values)
        if kind == "empty":
            volumes.append({"Name": reread(volume_name)})
        elif kind == "managed":
            managed = volume_name
        elif efs is not None:
            volumes.append({"Name": reread(volume_name), "EFSVolumeConfiguration": _byo_efs(efs, values)})
    if managed is not None:
        volumes.insert(0, {
            "Name": reread(managed),
            "EFSVolumeConfiguration": {
                "FilesystemId": {"Fn::GetAtt": ["EnvControllerAction", "ManagedFileSystemID"]},
                "RootDirectory": "/",
                "TransitEncryption": "ENABLED",
                "AuthorizationConfig": {"AccessPointId": {"Ref": "AccessPoint"}, "IAM": "ENABLED"},
            },
        })  # fmt: skip
    if volumes:
        out["Volumes"] = volumes
    return out


def _byo_efs(efs: Mapping, values: Values) -> dict[str, JSONValue]:
    identifier = efs.get("id")
    if isinstance(identifier, Mapping):
        filesystem: JSONValue = {"Fn::ImportValue": values.text(identifier.get("from_cfn")) or ""}
    else:
        filesystem = reread(values.text(identifier) or "")
    auth = efs.get("auth")
    auth_map = auth if isinstance(auth, Mapping) else None
    iam = values.boolean(auth_map.get("iam")) if auth_map else None
    access_point = values.text(auth_map.get("access_point_id")) if auth_map else None
    authorization: dict[str, JSONValue] = {}
    if access_point:
        authorization["AccessPointId"] = reread(access_point)
    authorization["IAM"] = "ENABLED" if iam else "DISABLED"
    return {
        "FilesystemId": filesystem,
        "RootDirectory": values.text(efs.get("root_dir")) or "/",
        "TransitEncryption": "ENABLED",
        "AuthorizationConfig": authorization,
    }
