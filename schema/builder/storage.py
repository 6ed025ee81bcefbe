"""``storage`` (volumes, EFS, ephemeral) and the sidecars' ``mount_points``.

Sources: Copilot's ``internal/pkg/manifest/storage.go`` and ``validate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import BOOL_WORDS_RE, L_LBWS, L_SIDECARS, L_STORAGE, b_like, doc, go_unsigned, obj, ref, s_like


def mount_point() -> dict[str, Any]:
    link = f"{L_SIDECARS}#sidecar-config"
    return doc(
        "A volume from `storage.volumes` to mount in this sidecar.",
        link,
        obj(
            {
                "source_volume": s_like("Source volume to mount in this sidecar (required).", link),
                "path": doc(
                    "The path inside the sidecar container at which to mount the volume (required). Only "
                    "the characters a-zA-Z0-9.-_/ are allowed.",
                    link,
                    ref("volumePath"),
                ),
                "read_only": b_like(
                    "Whether to allow the sidecar read-only access to the volume (default true).",
                    link,
                    default=True,
                ),
            },
            required=["source_volume", "path"],
        ),
        defaultSnippets=[
            {
                "label": "mount point",
                "description": "Mount a storage volume in the sidecar",
                "body": {"source_volume": "${1:myEFSVolume}", "path": "${2:/etc/mount1}", "read_only": True},
            }
        ],
    )


def storage_defs() -> dict[str, Any]:
    link = L_STORAGE
    ml = f"{L_LBWS}#storage"
    efs = doc(
        "Whether to mount an EFS file system: `true` for a Copilot-managed file system, a map "
        "`{uid, gid}` for a managed file system with POSIX ids, or `{id, root_dir, auth}` to bring your "
        "own file system. Omit it (or `false`) for an empty task-scratch volume.",
        ml,
        {
            "type": ["boolean", "string", "object"],
            "pattern": BOOL_WORDS_RE,
            "properties": {
                "id": doc(
                    "ID of an existing EFS file system, or `{from_cfn: <export name>}`.",
                    ml,
                    {
                        "type": ["string", "number", "boolean", "object"],
                        "properties": {"from_cfn": s_like("Name of a CloudFormation stack export.", ml)},
                        "additionalProperties": False,
                    },
                ),
                "root_dir": doc(
                    "Directory of the file system to mount as the root of the volume (default `/`). Only "
                    "the characters a-zA-Z0-9.-_/ are allowed.",
                    ml,
                    ref("volumePath"),
                ),
                "auth": doc(
                    "Authorization configuration for the file system.",
                    ml,
                    obj(
                        {
                            "iam": b_like(
                                "Whether to use IAM authorization. The docs say it defaults to true; Copilot "
                                "renders `DISABLED` unless it is set to true.",
                                ml,
                            ),
                            "access_point_id": s_like(
                                "ID of the EFS access point to connect to. Requires `iam: true` and an empty "
                                "or `/` `root_dir`.",
                                ml,
                            ),
                        }
                    ),
                ),
                "uid": doc(
                    "POSIX user ID for a Copilot-managed file system (requires `gid`; not 0).",
                    ml,
                    go_unsigned(32),
                ),
                "gid": doc(
                    "POSIX group ID for a Copilot-managed file system (requires `uid`).",
                    ml,
                    go_unsigned(32),
                ),
            },
            "additionalProperties": False,
            # uid/gid cannot be combined with id/root_dir/auth (decode-time error in Copilot).
            "if": {
                "properties": {"uid": True, "gid": True},
                "anyOf": [
                    {"properties": {"uid": True}, "required": ["uid"]},
                    {"properties": {"gid": True}, "required": ["gid"]},
                ],
            },
            # ``{"not": {}}`` rather than ``false``: jsonschema reports a ``false`` property schema at the
            # parent object's path.
            "then": {"properties": {"id": {"not": {}}, "root_dir": {"not": {}}, "auth": {"not": {}}}},
        },
        examples=[True, {"id": "fs-1234567"}],
    )
    volume = doc(
        "A volume that the main container (and sidecars through `mount_points`) can mount.",
        ml,
        obj(
            {
                "path": doc(
                    "Path inside the main container at which to mount the volume (required). Only the "
                    "characters a-zA-Z0-9.-_/ are allowed.",
                    ml,
                    ref("volumePath"),
                ),
                "read_only": b_like(
                    "Whether the main container has read-only access to the volume (default true).",
                    ml,
                    default=True,
                ),
                "efs": efs,
            }
        ),
    )
    storage = doc(
        "Storage configuration: ephemeral task storage, a read-only root file system and volumes.",
        link,
        obj(
            {
                "ephemeral": doc(
                    "Size in GiB of the task's ephemeral storage, from 20 (the default) to 200.",
                    ml,
                    {"type": "integer", "minimum": 20, "maximum": 200},
                    default=20,
                ),
                "readonly_fs": b_like(
                    "Whether to mount the main container's root file system as read-only (not allowed on "
                    "Windows).",
                    ml,
                ),
                "volumes": doc(
                    "Volumes to mount, keyed by volume name (referenced by sidecars' "
                    "`mount_points[].source_volume`).",
                    ml,
                    {"type": "object", "additionalProperties": ref("volume")},
                ),
            }
        ),
    )
    return {"storage": storage, "volume": volume}
