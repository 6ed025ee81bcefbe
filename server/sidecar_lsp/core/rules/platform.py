"""Platform, Windows and ARM (W3-W7), Request-Driven Web Service restrictions (R1-R3) and the Windows
features the docs rule out (FireLens, X-Ray, App Mesh).

ARM may use Fargate Spot: v1.34.1 dropped the check (aws/copilot-cli#5943) that was rule W8."""

from __future__ import annotations

from collections.abc import Iterator

from sidecar_lsp.core.decoding.interpolation import can_become_one_of, variables_in
from sidecar_lsp.core.decoding.kinds import LOAD_BALANCED
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import (
    RDWS,
    SIDECAR_KINDS,
    WINDOWS_OS_FAMILIES,
    Workload,
    bool_of,
    is_set,
    rule,
    text_of,
)
from sidecar_lsp.core.rules.formats import dropped_note, dropped_or_template_text
from sidecar_lsp.core.yaml.tree import Node, mapping

PLATFORM_KINDS = SIDECAR_KINDS | {RDWS}
_ARCHITECTURES = ("x86_64", "amd64", "arm", "arm64")
VALID_PLATFORM_PAIRS = [("linux", arch) for arch in _ARCHITECTURES] + [
    (os_family, arch)
    for os_family in (
        "windows",
        "windows_server_2019_core",
        "windows_server_2019_full",
        "windows_server_2022_core",
        "windows_server_2022_full",
    )
    for arch in ("x86_64", "amd64")
]


def _platform_node(workload: Workload) -> Node | None:
    node = workload.root.get("platform")
    return node if is_set(node) else None


@rule("W3", Severity.ERROR, "platform map needs both osfamily and architecture", kinds=PLATFORM_KINDS)
def platform_map_complete(workload: Workload) -> Iterator[Finding]:
    platform = mapping(workload.root.get("platform"))
    if platform is None:
        return
    has_os, has_arch = is_set(platform.get("osfamily")), is_set(platform.get("architecture"))
    if has_os != has_arch:
        missing = "architecture" if has_os else "osfamily"
        yield workload.finding(
            "W3",
            'validate "platform": fields "osfamily" and "architecture" must either both be specified or both be '
            f"empty; add platform.{missing}",
            workload.root.entry("platform").key,  # type: ignore[union-attr]  # platform is a map here
        )


def _can_be_a_valid_pair(os_family: str, arch: str) -> bool:
    """Whether the pair is one Copilot takes (case-insensitively), for some values of its ``${VAR}``s."""
    if not variables_in(os_family) and not variables_in(arch):
        return (os_family.lower(), arch.lower()) in VALID_PLATFORM_PAIRS
    return any(
        can_become_one_of(os_family, (pair[0],)) and can_become_one_of(arch, (pair[1],))
        for pair in VALID_PLATFORM_PAIRS
    )


@rule("W4", Severity.ERROR, "platform map: valid osfamily/architecture pair", kinds=PLATFORM_KINDS)
def platform_pair_valid(workload: Workload) -> Iterator[Finding]:
    platform = mapping(workload.root.get("platform"))
    if platform is None:
        return
    os_family = dropped_or_template_text(platform.get("osfamily"))
    arch = dropped_or_template_text(platform.get("architecture"))
    if os_family is None or arch is None or _can_be_a_valid_pair(os_family, arch):
        return
    valid = ", ".join(f"('{pair[0]}', '{pair[1]}')" for pair in VALID_PLATFORM_PAIRS)
    # Point at the half that is wrong when only one is (windows/arm points at the architecture).
    if not can_become_one_of(os_family, tuple({pair[0] for pair in VALID_PLATFORM_PAIRS})):
        at = platform.get("osfamily")
    else:
        at = platform.get("architecture")
    assert at is not None
    yield workload.finding(
        "W4",
        f"validate \"platform\": platform pair ('{os_family}', '{arch}') is invalid: fields ('osfamily', "
        f"'architecture') must be one of {valid}" + dropped_note(at),
        at,
    )


@rule("W5", Severity.ERROR, "Windows: readonly_fs cannot be true", kinds=SIDECAR_KINDS)
def windows_readonly_fs(workload: Workload) -> Iterator[Finding]:
    node = workload.get("storage", "readonly_fs")
    if workload.is_windows() and bool_of(node) is True and node is not None:
        yield workload.finding(
            "W5",
            "validate Windows: \"readonly_fs\" can not be set to 'true' when deploying a Windows container; "
            "remove storage.readonly_fs or set it to false",
            node,
            related=workload.related(_platform_node(workload), "the platform is Windows"),
        )


@rule("W6", Severity.ERROR, "Windows: no EFS volumes", kinds=SIDECAR_KINDS)
def windows_efs(workload: Workload) -> Iterator[Finding]:
    if not workload.is_windows():
        return
    volumes = mapping(workload.get("storage", "volumes"))
    for entry in volumes.entries if volumes else []:
        volume = mapping(entry.value)
        efs = volume.get("efs") if volume else None
        if efs is None or not is_set(efs) or bool_of(efs) is False:
            continue
        efs_map = mapping(efs)
        if efs_map is not None and not any(is_set(item.value) for item in efs_map.entries):
            continue  # an empty efs map is "not set" (EFSConfigOrBool.IsEmpty)
        yield workload.finding(
            "W6",
            "validate Windows: 'EFS' is not supported when deploying a Windows container; remove the efs "
            f"setting of volume '{entry.name}' (an efs-less volume is a task-local scratch volume)",
            efs,
            related=workload.related(_platform_node(workload), "the platform is Windows"),
        )


@rule("W7", Severity.ERROR, "Windows: no Service Connect", kinds=LOAD_BALANCED)
def windows_service_connect(workload: Workload) -> Iterator[Finding]:
    connect = workload.get("network", "connect")
    if not workload.is_windows() or connect is None:
        return
    connect_map = mapping(connect)
    if bool_of(connect) is True or (connect_map is not None and bool(connect_map.entries)):
        yield workload.finding(
            "W7",
            "validate Windows: service connect (`network.connect`) is not supported for Windows; "
            "remove network.connect or set it to false",
            connect,
            related=workload.related(_platform_node(workload), "the platform is Windows"),
        )


@rule("R1", Severity.ERROR, "Request-Driven Web Service: no Windows", kinds=frozenset({RDWS}))
def rdws_windows(workload: Workload) -> Iterator[Finding]:
    node = _platform_node(workload)
    if node is not None and workload.is_windows():
        yield workload.finding(
            "R1",
            "Windows is not supported for App Runner services; remove platform (App Runner runs linux/x86_64)",
            node,
        )


@rule("R2", Severity.ERROR, "Request-Driven Web Service: any platform is rejected", kinds=frozenset({RDWS}))
def rdws_platform(workload: Workload) -> Iterator[Finding]:
    node = _platform_node(workload)
    if node is None or workload.is_windows():
        return
    platform = mapping(node)
    if platform is not None and not (
        is_set(platform.get("osfamily")) and is_set(platform.get("architecture"))
    ):
        return  # W3 reports the incomplete map first
    yield workload.finding(
        "R2",
        "App Runner services can only build on amd64 and x86_64 architectures; remove platform: Copilot "
        "rejects every platform value on a Request-Driven Web Service, even linux/x86_64",
        node,
    )


@rule("R3", Severity.ERROR, "Request-Driven Web Service: placement must be private", kinds=frozenset({RDWS}))
def rdws_placement(workload: Workload) -> Iterator[Finding]:
    node = workload.get("network", "vpc", "placement")
    placement = text_of(node)
    if placement is not None and placement != "private" and node is not None:
        yield workload.finding(
            "R3",
            f'placement "{placement}" is not supported for Request-Driven Web Service; use placement: private',
            node,
        )


@rule(
    "X-windows-unsupported",
    Severity.WARNING,
    "FireLens, X-Ray or App Mesh on Windows",
    kinds=SIDECAR_KINDS,
    copilot=False,
)
def windows_unsupported_features(workload: Workload) -> Iterator[Finding]:
    if not workload.is_windows():
        return
    related = workload.related(_platform_node(workload), "the platform is Windows")
    logging = workload.root.entry("logging")
    if workload.logging_enabled() and logging is not None:
        yield workload.finding(
            "X-windows-unsupported",
            "FireLens (logging) is not supported with a Windows main container, per the Copilot docs "
            "(not checked by Copilot); remove logging to keep the default awslogs driver",
            logging.key,
            related=related,
        )
    tracing = workload.get("observability", "tracing")
    if is_set(tracing) and tracing is not None:
        yield workload.finding(
            "X-windows-unsupported",
            "AWS X-Ray tracing is not supported with a Windows main container, per the Copilot docs "
            "(not checked by Copilot); remove observability.tracing",
            tracing,
            related=related,
        )
    for entry, config in workload.sidecars():
        image = (text_of(config.get("image")) or "").lower()
        if "aws-appmesh-envoy" in image or "xray" in image:
            what = "App Mesh" if "appmesh" in image else "AWS X-Ray"
            yield workload.finding(
                "X-windows-unsupported",
                f"{what} sidecars are not supported with a Windows main container, per the Copilot docs "
                f"(not checked by Copilot); remove sidecar '{entry.name}'",
                entry.key,
                related=related,
            )


__all__ = ["WINDOWS_OS_FAMILIES", "VALID_PLATFORM_PAIRS"]
